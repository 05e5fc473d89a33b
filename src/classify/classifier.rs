//! [`Classifier`]: normalize → scan → mark context → score → label, for one posting.

use std::sync::Arc;

use crate::classify::posting::Posting;
use crate::classify::settings::settings_out_of_range;
use crate::error::{Error, Result};
use crate::judge::context::{relative_clause_end, ContextRules, Mark};
use crate::judge::label::{decide, judge_posting, Thresholds, Verdict};
use crate::judge::occurrences::Occurrences;
use crate::judge::score::{score, Occurrence, Score, ScoringParams};
use crate::judge::sections::{SectionDetector, SectionKind, Sections};
use crate::judge::self_role::{SelfRole, SelfRoleDetector};
use crate::lexicon::{CategoryKind, EntryId, Lexicon};
use crate::matching::scan::{Hit, ScanScratch, Scanner, Workload};
use crate::text::language::guess_folded;
use crate::text::links::link_words;
use crate::text::normalize::{normalize, normalize_into, Normalized};

/// A worker thread's classifier buffers are dropped when a text has grown them beyond this.
const THREAD_SCRATCH_KEEP_BYTES: usize = 4 << 20;

/// A field's hits are turned into occurrences this many bytes of them at a
/// time, the room of each block given back after it (a field with fewer is
/// done in one go); a field with more than this many bytes of occurrences
/// gives their lists exactly the room they need.
const RELEASE_BYTES: usize = 1 << 20;

/// The buffers one posting's classification works in, kept by each thread.
#[derive(Debug, Default)]
struct Scratch {
    norm: Normalized,
    scan: ScanScratch,
    /// One field's hits' marks, in text order (`None`: not an occurrence).
    marks: Vec<Option<Mark>>,
    /// The posting's marked occurrences, every field's, before scoring.
    occ: Occurrences,
}

impl Scratch {
    /// Bytes held on the heap.
    fn heap_bytes(&self) -> usize {
        self.norm.heap_bytes()
            + self.scan.heap_bytes()
            + self.marks.capacity()
            + self.occ.heap_bytes()
    }
}

thread_local! {
    /// The buffers [`Classifier::classify`] reuses from one posting to the next on this thread.
    static THREAD_SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
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
    /// The language of its first text, guessed from function words: `en`, `de`,
    /// `fr`, `nl` or `other`.
    pub language: &'static str,
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
    /// Whether any entry is a role name (else no posting can name itself).
    knows_role_names: bool,
    is_abbreviation: Vec<bool>,
    params: ScoringParams,
    thresholds: Thresholds,
    self_roles: SelfRoleDetector,
    sections: SectionDetector,
}

/// Builds a [`Classifier`]: the lexicon, then optional scoring constants,
/// label thresholds and the workload the automaton is built for.
///
/// ```
/// use popm::{Classifier, Lexicon, Thresholds, Workload};
///
/// let classifier = Classifier::builder(Lexicon::embedded())
///     .thresholds(Thresholds { min_score: 4.0, ..Thresholds::default() })
///     .workload(Workload::Single)
///     .build()
///     .unwrap();
/// assert_eq!(classifier.thresholds().min_score, 4.0);
/// ```
#[derive(Clone, Debug)]
pub struct ClassifierBuilder {
    lexicon: Lexicon,
    params: ScoringParams,
    thresholds: Thresholds,
    workload: Workload,
}

impl ClassifierBuilder {
    /// Scoring constants (title weight, self boost, colleague credit, repeat decay).
    pub fn scoring(mut self, params: ScoringParams) -> ClassifierBuilder {
        self.params = params;
        self
    }

    /// Label thresholds (minimum score, hybrid minimum and margin).
    pub fn thresholds(mut self, thresholds: Thresholds) -> ClassifierBuilder {
        self.thresholds = thresholds;
        self
    }

    /// What the automaton is built for: many postings ([`Workload::Batch`], the
    /// default) or one ([`Workload::Single`], faster to build). Labels and
    /// evidence are the same either way.
    pub fn workload(mut self, workload: Workload) -> ClassifierBuilder {
        self.workload = workload;
        self
    }

    /// Compiles the lexicon into a classifier.
    ///
    /// # Errors
    ///
    /// When a threshold or scoring constant is out of its range
    /// ([`settings_out_of_range`]), or the lexicon's automaton cannot be built.
    pub fn build(self) -> Result<Classifier> {
        let ClassifierBuilder {
            lexicon,
            params,
            thresholds,
            workload,
        } = self;
        if let Some(e) = settings_out_of_range(&thresholds, &params) {
            return Err(Error::usage(e.to_string()));
        }
        let sections = SectionDetector::new(lexicon.section_cues())?;
        // The legal cues are found in the lexicon's pass over the text, not in one of their own.
        let scanner = Scanner::with_markers(&lexicon, workload, &sections.legal_cues())?;
        let rules = ContextRules::new(lexicon.context());
        let self_roles =
            SelfRoleDetector::for_many_texts(lexicon.context(), workload == Workload::Batch);
        let is_role_name: Vec<bool> = lexicon
            .entries()
            .iter()
            .map(|e| lexicon.categories()[e.category()].kind() == CategoryKind::RoleName)
            .collect();
        let knows_role_names = is_role_name.iter().any(|&r| r);
        let is_abbreviation = lexicon
            .entries()
            .iter()
            .map(|e| e.is_case_sensitive())
            .collect();
        Ok(Classifier {
            inner: Arc::new(Inner {
                lexicon,
                scanner,
                rules,
                is_role_name,
                knows_role_names,
                is_abbreviation,
                params,
                thresholds,
                self_roles,
                sections,
            }),
        })
    }
}

impl Classifier {
    /// Compiles `lexicon` with default scoring, thresholds and workload.
    ///
    /// # Errors
    ///
    /// When the lexicon's automaton cannot be built.
    pub fn new(lexicon: Lexicon) -> Result<Classifier> {
        Classifier::builder(lexicon).build()
    }

    /// Starts a [`ClassifierBuilder`] for `lexicon`.
    pub fn builder(lexicon: Lexicon) -> ClassifierBuilder {
        ClassifierBuilder {
            lexicon,
            params: ScoringParams::default(),
            thresholds: Thresholds::default(),
            workload: Workload::Batch,
        }
    }

    /// The lexicon this classifier was built from.
    pub fn lexicon(&self) -> &Lexicon {
        &self.inner.lexicon
    }

    /// The label thresholds in use.
    pub fn thresholds(&self) -> &Thresholds {
        &self.inner.thresholds
    }

    /// Classifies one posting.
    ///
    /// Evidence numbers the posting's fields in order: its texts, then the title.
    pub fn classify(&self, posting: &Posting<'_>) -> Classification {
        let mut scratch = THREAD_SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut()));
        let out = self.classify_with(posting, &mut scratch);
        if scratch.heap_bytes() > THREAD_SCRATCH_KEEP_BYTES {
            scratch = Scratch::default();
        }
        THREAD_SCRATCH.with(|s| *s.borrow_mut() = scratch);
        out
    }

    /// [`Classifier::classify`] with the given buffers.
    fn classify_with(&self, posting: &Posting<'_>, scratch: &mut Scratch) -> Classification {
        let inner = &*self.inner;
        let has_title = posting.title.is_some_and(|t| !t.trim().is_empty());
        let mut self_role = None;
        let mut language = None;
        for (fi, field) in posting.fields().enumerate() {
            normalize_into(field.text, &mut scratch.norm);
            let norm = &scratch.norm;
            let text = norm.text();
            if language.is_none() && !field.is_title {
                language = Some(guess_folded(text));
            }
            if self_role.is_none() {
                if field.is_title && has_title {
                    self_role = Some(inner.self_roles.in_title(text));
                } else if !has_title && !field.is_title {
                    self_role = inner.self_roles.in_description(text);
                }
            }
            inner.scanner.scan_into(norm, field.text, &mut scratch.scan);
            let hits = &mut scratch.scan.hits;
            // Sections only matter for the matches: a field without any is not
            // split, and lines past the last one are not looked at.
            let sections = match hits.last() {
                Some(last) if !field.is_title => inner.sections.detect_with_legal(
                    text,
                    norm.line_breaks(),
                    &scratch.scan.markers,
                    last.start,
                ),
                _ => Sections::default(),
            };
            // First the marks, in text order: the end of a relative clause about
            // a colleague ("our PM, who owns the roadmap") carries over to the
            // hits after it. `None`: not an occurrence.
            let marks = &mut scratch.marks;
            marks.clear();
            let mut clause_end = 0;
            for &hit in hits.iter() {
                if inner.is_abbreviation[hit.entry.0 as usize] && follows_number(text, hit.start) {
                    // "5 PM", "3:30 PM": a time of day, not a Product Manager.
                    marks.push(None);
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
                marks.push(Some(mark));
            }
            // Then the occurrences. A long text's hits are turned into
            // occurrences a block at a time, from the last block to the first,
            // and each block's room given back: it does not hold all its hits
            // and all their occurrences at once.
            if hits.len() * std::mem::size_of::<Occurrence>() > RELEASE_BYTES {
                // Lists grown by doubling would leave up to half their room unused.
                scratch.occ.reserve_exact(hits.iter().map(|h| h.entry));
            }
            // Each block's hits come in ascending order: each span is looked
            // up from where the last one was found.
            let mut span_cursor = 0;
            loop {
                let from = hits
                    .len()
                    .saturating_sub(RELEASE_BYTES / std::mem::size_of::<Hit>());
                for (hit, mark) in hits.drain(from..).zip(marks.drain(from..)) {
                    let Some(mark) = mark else { continue };
                    let span = norm.orig_span_from(&mut span_cursor, hit.start, hit.end);
                    scratch.occ.push(
                        hit.entry,
                        Occurrence {
                            field: fi,
                            start: span.start,
                            end: span.end,
                            mark,
                            is_title: field.is_title,
                            section: sections.kind_at(hit.start),
                        },
                    );
                }
                if from == 0 {
                    break;
                }
                hits.shrink_to_fit();
            }
            if !field.is_title {
                self.link_role_names(fi, field.text, scratch);
            }
        }
        let score = score(&inner.lexicon, scratch.occ.drain_by_entry(), &inner.params);
        let verdict = judge_posting(
            decide(
                score.po,
                score.pm,
                &inner.thresholds,
                inner.lexicon.calibration(),
            ),
            &score,
            self_role,
            &inner.thresholds,
            inner.knows_role_names,
        );
        Classification {
            verdict,
            score,
            self_role,
            language: language.unwrap_or("other"),
        }
    }

    /// Adds the role names in the slugs and subjects of the job links of field
    /// `fi` (see [`link_words`]) as `url` occurrences spanning the slug or subject.
    fn link_role_names(&self, fi: usize, original: &str, scratch: &mut Scratch) {
        let inner = &*self.inner;
        for link in link_words(original) {
            let norm = normalize(&link.words);
            let mut seen: Vec<EntryId> = Vec::new();
            for hit in inner.scanner.scan(&norm, &link.words) {
                if !inner.is_role_name[hit.entry.0 as usize] || seen.contains(&hit.entry) {
                    continue;
                }
                seen.push(hit.entry);
                scratch.occ.push(
                    hit.entry,
                    Occurrence {
                        field: fi,
                        start: link.span.start,
                        end: link.span.end,
                        mark: Mark::Url,
                        is_title: false,
                        section: SectionKind::Intro,
                    },
                );
            }
        }
    }

    /// The role a title names (`Other` when it names none of the known roles).
    pub fn title_role(&self, title: &str) -> SelfRole {
        self.inner.self_roles.in_title(normalize(title).text())
    }

    /// Classifies one description (no title).
    pub fn classify_text(&self, text: &str) -> Classification {
        self.classify(&Posting::new(text))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::label::Label;
    use crate::judge::score::Evidence;

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
    fn every_block_of_a_long_text_has_the_evidence_of_the_block_alone() {
        // Long enough that its hits are turned into occurrences in blocks of
        // RELEASE_BYTES and its occurrences are given their room exactly; the
        // line break keeps each block's context to itself.
        let c = Classifier::new(Lexicon::embedded()).unwrap();
        let block = "You own the product roadmap and write user stories with the Scrum team.\n";
        let n = 50_000;
        let one = c.classify_text(block);
        let long = c.classify_text(&block.repeat(n));
        assert!(
            long.score
                .evidence
                .iter()
                .map(Evidence::count)
                .sum::<usize>()
                > 100_000
        );
        assert_eq!(long.score.evidence.len(), one.score.evidence.len());
        for ev in &long.score.evidence {
            let alone = one.score.evidence.iter().find(|e| e.entry == ev.entry);
            let alone = alone.expect("an entry the block alone has");
            let want: Vec<Occurrence> = (0..n)
                .flat_map(|k| {
                    alone.occurrences.iter().map(move |o| Occurrence {
                        start: o.start + k * block.len(),
                        end: o.end + k * block.len(),
                        ..o.clone()
                    })
                })
                .collect();
            assert!(ev.occurrences == want, "{:?}", alone.occurrences);
        }
    }

    #[test]
    fn a_role_name_in_the_own_job_link_is_url_evidence() {
        let c = Classifier::new(Lexicon::embedded()).unwrap();
        let text = "You refine the backlog with the team. \
                    <a href=\"https://acme.example/jobs/product-owner-berlin-12\">Apply</a>";
        let r = c.classify_text(text);
        let url: Vec<&Occurrence> = r
            .score
            .evidence
            .iter()
            .flat_map(|e| &e.occurrences)
            .filter(|o| o.mark == Mark::Url)
            .collect();
        assert_eq!(url.len(), 1, "{:?}", r.score.evidence);
        assert_eq!(&text[url[0].start..url[0].end], "product-owner-berlin-12");
        assert_eq!(r.score.named, [1, 0]);
        // A link to a blog post is not evidence.
        let blog = c.classify_text("Read https://acme.example/blog/what-a-product-manager-does");
        assert!(blog.score.evidence.is_empty(), "{:?}", blog.score.evidence);
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
}
