//! The classifier: normalize → scan → mark context → score → label, for one posting,
//! and the ordered parallel pipeline that runs it over a stream of records.

use std::sync::Arc;

use crate::judge::context::{relative_clause_end, ContextRules, Mark};
use crate::error::{Error, Result};
use crate::judge::label::{decide, Thresholds, Verdict};
use crate::lexicon::{CategoryKind, EntryId, Lexicon};
use crate::text::normalize::{normalize, normalize_into, Normalized};
use crate::matching::scan::{ScanScratch, Scanner, Workload};
use crate::judge::score::{score, Occurrence, Score, ScoringParams};
use crate::judge::sections::{legal_cues, SectionDetector, Sections};
use crate::judge::self_role::{SelfRole, SelfRoleDetector};

/// A worker thread's classifier buffers are dropped when a text has grown them beyond this.
const THREAD_SCRATCH_KEEP_BYTES: usize = 4 << 20;

/// The buffers one posting's classification works in, kept by each thread.
#[derive(Debug, Default)]
struct Scratch {
    norm: Normalized,
    scan: ScanScratch,
    /// The posting's marked occurrences, every field's, before scoring.
    occ: Vec<(EntryId, Occurrence)>,
}

impl Scratch {
    /// Bytes held on the heap.
    fn heap_bytes(&self) -> usize {
        self.norm.heap_bytes()
            + self.scan.heap_bytes()
            + self.occ.capacity() * std::mem::size_of::<(EntryId, Occurrence)>()
    }
}

thread_local! {
    /// The buffers [`Classifier::classify`] reuses from one posting to the next on this thread.
    static THREAD_SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// One text field of a posting handed to the classifier.
#[derive(Clone, Copy, Debug)]
pub struct Field<'a> {
    /// The text as given (HTML, Markdown or plain).
    pub text: &'a str,
    /// Whether this field is the posting's title (its matches weigh more).
    pub is_title: bool,
}

/// The result for one posting.
#[derive(Clone, Debug, PartialEq)]
pub struct Classification {
    /// Label, confidence and lean.
    pub verdict: Verdict,
    /// Scores and evidence.
    pub score: Score,
    /// The role the posting names for itself (from the title when there is one).
    pub self_role: Option<SelfRole>,
}

/// A compiled lexicon with its scoring settings; classifies postings.
///
/// Cheap to clone (the compiled parts are shared) and `Send + Sync`, so one
/// classifier serves every thread.
#[derive(Clone, Debug)]
pub struct Classifier {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    lexicon: Lexicon,
    scanner: Scanner,
    rules: ContextRules,
    is_role_name: Vec<bool>,
    is_abbreviation: Vec<bool>,
    params: ScoringParams,
    thresholds: Thresholds,
    self_roles: SelfRoleDetector,
    sections: SectionDetector,
}

impl Classifier {
    /// Compiles `lexicon` with default scoring and thresholds.
    ///
    /// # Errors
    ///
    /// When the lexicon's automaton cannot be built.
    pub fn new(lexicon: Lexicon) -> Result<Classifier> {
        Classifier::with_settings(lexicon, ScoringParams::default(), Thresholds::default())
    }

    /// Compiles `lexicon` with the given scoring constants and label thresholds.
    ///
    /// # Errors
    ///
    /// When the lexicon's automaton cannot be built.
    pub fn with_settings(
        lexicon: Lexicon,
        params: ScoringParams,
        thresholds: Thresholds,
    ) -> Result<Classifier> {
        Classifier::for_workload(lexicon, params, thresholds, Workload::Batch)
    }

    /// Like [`Classifier::with_settings`], with the automaton built for `workload`
    /// (labels and evidence are the same; only build and search speed differ).
    ///
    /// # Errors
    ///
    /// When the lexicon's automaton cannot be built.
    pub fn for_workload(
        lexicon: Lexicon,
        params: ScoringParams,
        thresholds: Thresholds,
        workload: Workload,
    ) -> Result<Classifier> {
        // The legal cues are found in the lexicon's pass over the text, not in one of their own.
        let scanner = Scanner::with_markers(&lexicon, workload, legal_cues())?;
        let rules = ContextRules::new(&lexicon.context);
        let self_roles = SelfRoleDetector::new(&lexicon.context);
        let is_role_name = lexicon
            .entries
            .iter()
            .map(|e| lexicon.categories[e.category].kind == CategoryKind::RoleName)
            .collect();
        let is_abbreviation = lexicon
            .entries
            .iter()
            .map(|e| e.is_case_sensitive)
            .collect();
        Ok(Classifier {
            inner: Arc::new(Inner {
                lexicon,
                scanner,
                rules,
                is_role_name,
                is_abbreviation,
                params,
                thresholds,
                self_roles,
                sections: SectionDetector::new(),
            }),
        })
    }

    /// The lexicon this classifier was built from.
    pub fn lexicon(&self) -> &Lexicon {
        &self.inner.lexicon
    }

    /// The label thresholds in use.
    pub fn thresholds(&self) -> &Thresholds {
        &self.inner.thresholds
    }

    /// Classifies a posting given as one or more text fields.
    pub fn classify(&self, fields: &[Field<'_>]) -> Classification {
        let mut scratch = THREAD_SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut()));
        let out = self.classify_with(fields, &mut scratch);
        if scratch.heap_bytes() > THREAD_SCRATCH_KEEP_BYTES {
            scratch = Scratch::default();
        }
        THREAD_SCRATCH.with(|s| *s.borrow_mut() = scratch);
        out
    }

    /// [`Classifier::classify`] with the given buffers.
    fn classify_with(&self, fields: &[Field<'_>], scratch: &mut Scratch) -> Classification {
        let inner = &*self.inner;
        let occ = &mut scratch.occ;
        occ.clear();
        let has_title = fields
            .iter()
            .any(|f| f.is_title && !f.text.trim().is_empty());
        let mut self_role = None;
        for (fi, field) in fields.iter().enumerate() {
            normalize_into(field.text, &mut scratch.norm);
            let norm = &scratch.norm;
            let text = norm.text();
            if self_role.is_none() {
                if field.is_title && has_title {
                    self_role = Some(inner.self_roles.in_title(text));
                } else if !has_title && !field.is_title {
                    self_role = inner.self_roles.in_description(text);
                }
            }
            inner.scanner.scan_into(norm, field.text, &mut scratch.scan);
            let hits = &scratch.scan.hits;
            // Sections only matter for the matches: a field without any is not
            // split, and lines past the last one are not looked at.
            let sections = match hits.last() {
                Some(last) if !field.is_title => {
                    inner
                        .sections
                        .detect_with_legal(text, &scratch.scan.markers, last.start)
                }
                _ => Sections::default(),
            };
            // End of a relative clause about a colleague ("our PM, who owns the roadmap").
            let mut clause_end = 0;
            for &hit in hits {
                if inner.is_abbreviation[hit.entry.0 as usize] && follows_number(text, hit.start) {
                    // "5 PM", "3:30 PM": a time of day, not a Product Manager.
                    continue;
                }
                let is_role_name = inner.is_role_name[hit.entry.0 as usize];
                let mut mark = inner.rules.mark(text, hit.start, hit.end, is_role_name);
                if hit.start < clause_end && mark == Mark::Plain {
                    mark = Mark::Colleague;
                }
                if is_role_name && mark == Mark::Colleague {
                    if let Some(end) = relative_clause_end(text, hit.end) {
                        clause_end = clause_end.max(end);
                    }
                }
                let span = norm.orig_span(hit.start, hit.end);
                occ.push((
                    hit.entry,
                    Occurrence {
                        field: fi,
                        start: span.start,
                        end: span.end,
                        mark,
                        is_title: field.is_title,
                        section: sections.kind_at(hit.start),
                    },
                ));
            }
        }
        let score = score(&inner.lexicon, occ, &inner.params);
        let verdict = decide(
            score.po,
            score.pm,
            &inner.thresholds,
            inner.lexicon.calibration,
        );
        Classification {
            verdict,
            score,
            self_role,
        }
    }

    /// The role a title names (`Other` when it names none of the known roles).
    pub fn title_role(&self, title: &str) -> SelfRole {
        self.inner.self_roles.in_title(normalize(title).text())
    }

    /// Classifies one description (no title).
    pub fn classify_text(&self, text: &str) -> Classification {
        self.classify(&[Field {
            text,
            is_title: false,
        }])
    }
}

/// Whether the word before `start` (across at most one space) ends in a digit.
fn follows_number(text: &str, start: usize) -> bool {
    let b = text.as_bytes();
    let mut i = start;
    if i > 0 && b[i - 1] == b' ' {
        i -= 1;
    }
    i > 0 && b[i - 1].is_ascii_digit()
}

/// A rayon thread pool of `threads` workers (0 = one per core).
///
/// # Errors
///
/// When the operating system refuses to start the threads.
pub fn thread_pool(threads: usize) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::usage(format!("cannot start {threads} worker threads: {e}")))
}

/// Runs `process` over a stream of record batches in parallel, keeping input order.
///
/// `read` fills the (cleared) batch and returns `false` at the end of input;
/// `process` may finish an item's preparation in place (CSV records are split
/// into fields there, on the workers). While one batch is processed on the
/// pool, the results of the one before it are written and the next one is
/// read. `write` receives each batch's results in input order.
///
/// # Errors
///
/// The first error of `read` or `write`; processing itself cannot fail (a
/// record that cannot be classified yields an error row from `process`).
pub fn run_ordered<T, U, R, P, W>(
    pool: &rayon::ThreadPool,
    mut read: R,
    process: P,
    mut write: W,
) -> Result<()>
where
    T: Send,
    U: Send,
    R: FnMut(&mut Vec<T>) -> Result<bool> + Send,
    P: Fn(&mut T) -> U + Sync,
    W: FnMut(Vec<U>) -> Result<()> + Send,
{
    use rayon::prelude::*;
    let mut current: Vec<T> = Vec::new();
    let mut next: Vec<T> = Vec::new();
    let mut has_more = read(&mut current)?;
    // The results of the batch before `current`, written while `current` is processed.
    let mut pending: Option<Vec<U>> = None;
    pool.install(|| -> Result<()> {
        loop {
            if current.is_empty() && !has_more {
                return pending.take().map_or(Ok(()), &mut write);
            }
            let (results, (written, read_result)) = rayon::join(
                || current.par_iter_mut().map(&process).collect::<Vec<U>>(),
                || {
                    let written = pending.take().map_or(Ok(()), &mut write);
                    if written.is_err() {
                        return (written, Ok(false));
                    }
                    let read_result = if has_more {
                        read(&mut next)
                    } else {
                        next.clear();
                        Ok(false)
                    };
                    (written, read_result)
                },
            );
            written?;
            match read_result {
                Ok(more) => has_more = more,
                Err(e) => {
                    // The rows read before the error still reach the output.
                    write(results)?;
                    return Err(e);
                }
            }
            pending = Some(results);
            std::mem::swap(&mut current, &mut next);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::label::Label;

    #[test]
    fn classifier_is_send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Classifier>();
    }

    /// Bytes the calling thread keeps in its classifier buffers.
    fn kept_bytes() -> usize {
        THREAD_SCRATCH.with(|s| s.borrow().heap_bytes())
    }

    #[test]
    fn reused_buffers_change_nothing_and_a_long_text_does_not_stay() {
        let c = Classifier::new(Lexicon::embedded()).unwrap();
        let short = "The Product Owner owns the backlog; the Product Manager owns the roadmap.";
        let first = c.classify_text(short);
        let long = "Own the product roadmap and the <b>pricing</b> strategy.\n".repeat(100_000);
        let long_result = c.classify_text(&long);
        assert!(
            kept_bytes() <= THREAD_SCRATCH_KEEP_BYTES,
            "{}",
            kept_bytes()
        );
        assert_eq!(c.classify_text(short), first);
        // The long text classified again, after other texts, gives the same result.
        assert_eq!(c.classify_text(&long), long_result);
    }

    #[test]
    fn embedded_lexicon_classifies_clear_cases() {
        let c = Classifier::new(Lexicon::embedded()).unwrap();
        let po = c.classify_text(
            "As a Product Owner you own the product backlog, write user stories with \
             acceptance criteria and run backlog refinement and sprint planning with the \
             development team.",
        );
        assert_eq!(po.verdict.label, Label::ProductOwner, "{:?}", po.score);
        let pm = c.classify_text(
            "As a Product Manager you own the product vision and strategy, the roadmap, \
             market research, competitive analysis, pricing and the go-to-market plan.",
        );
        assert_eq!(pm.verdict.label, Label::ProductManager, "{:?}", pm.score);
        let none = c.classify_text("We are hiring a forklift driver for the night shift.");
        assert_eq!(none.verdict.label, Label::Unclear);
    }

    #[test]
    fn run_ordered_keeps_order_for_any_thread_count() {
        for threads in [1, 2, 4] {
            let pool = thread_pool(threads).unwrap();
            let mut n = 0u32;
            let mut out = Vec::new();
            run_ordered(
                &pool,
                |batch: &mut Vec<u32>| {
                    batch.clear();
                    for _ in 0..7 {
                        if n < 100 {
                            batch.push(n);
                            n += 1;
                        }
                    }
                    Ok(n < 100)
                },
                |x| *x * 2,
                |r| {
                    out.extend(r);
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(out, (0..100).map(|x| x * 2).collect::<Vec<_>>());
        }
    }
}
