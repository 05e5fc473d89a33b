//! Scoring: from marked matches to one score per role, with the evidence behind it.
//!
//! Each role's score sums, over the lexicon entries that matched, the entry's
//! weight times a saturating sum of its matches: the k-th match (strongest
//! first) counts `REPEAT_DECAY^k`, so twelve "backlog"s are worth less than
//! twice one, and a long posting cannot grow its score without bound (the total
//! is at most twice the sum of the lexicon's weights). A match in the title
//! counts [`TITLE_WEIGHT`] times, a role name used for the posting's own role
//! [`SELF_BOOST`] times; colleague and negated matches do not count for their
//! role, and a colleague mention credits the other role [`COLLEAGUE_CREDIT`]
//! of the weight. Both are multiplied by the entry's category multiplier
//! (the lexicon's `[weights]` table; 1 when it does not list the category).
//! A match counts its section's weight
//! ([`SectionKind::weight`]: nothing in a company blurb, a benefits list or an
//! equal-opportunity statement), except a role name the context marks as the
//! posting's own role, which always counts: "we are looking for a Product
//! Owner" names the job wherever it stands.

use crate::judge::context::Mark;
use crate::judge::sections::SectionKind;
use crate::lexicon::{CategoryKind, EntryId, Lexicon, Role};

/// Weight of the k-th repeat of the same phrase is `REPEAT_DECAY^k`.
pub const REPEAT_DECAY: f64 = 0.5;

/// Multiplier for a role name used as the posting's own role.
pub const SELF_BOOST: f64 = 1.5;

/// Multiplier for a match in the title column.
pub const TITLE_WEIGHT: f64 = 2.0;

/// Share of a colleague mention's weight credited to the other role.
pub const COLLEAGUE_CREDIT: f64 = 0.0;

/// What a role name in the slug or subject of the posting's own job link
/// counts, as a share of its weight. No posting of the evaluation data has one,
/// so it is set by judgement, not fitted: half a plain mention, enough to tip a
/// posting that says little else, never enough to outweigh the work described.
pub const URL_WEIGHT: f64 = 0.5;

/// The tunable constants of scoring.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoringParams {
    /// The k-th repeat of a phrase counts `repeat_decay^k` (default 0.5).
    pub repeat_decay: f64,
    /// Multiplier for a role name used as the posting's own role (default 1.5).
    pub self_boost: f64,
    /// Multiplier for matches in the title (default 2).
    pub title_weight: f64,
    /// Share of a colleague mention's weight credited to the other role (default 0).
    pub colleague_credit: f64,
}

impl Default for ScoringParams {
    fn default() -> Self {
        ScoringParams {
            repeat_decay: REPEAT_DECAY,
            self_boost: SELF_BOOST,
            title_weight: TITLE_WEIGHT,
            colleague_credit: COLLEAGUE_CREDIT,
        }
    }
}

/// One match of a phrase, located in the original text of one field.
#[derive(Clone, Debug, PartialEq)]
pub struct Occurrence {
    /// Index of the field (text column) the match is in.
    pub field: usize,
    /// Start byte in the original field text.
    pub start: usize,
    /// End byte (exclusive) in the original field text.
    pub end: usize,
    /// How the context reads the match.
    pub mark: Mark,
    /// Whether the field is the title.
    pub is_title: bool,
    /// The section of the posting the match is in (titles: [`SectionKind::Intro`]).
    pub section: SectionKind,
}

/// Everything one lexicon entry contributed to a posting.
#[derive(Clone, Debug, PartialEq)]
pub struct Evidence {
    /// The entry.
    pub entry: EntryId,
    /// Its role.
    pub role: Role,
    /// Its weight.
    pub weight: f64,
    /// Every match, in text order (field, then position).
    pub occurrences: Vec<Occurrence>,
    /// What the entry added to its own role's score.
    pub contribution: f64,
    /// What the entry added to the other role's score (colleague mentions).
    pub credit_other: f64,
}

impl Evidence {
    /// Number of matches.
    pub fn count(&self) -> usize {
        self.occurrences.len()
    }

    /// Number of matches with this mark.
    pub fn count_marked(&self, mark: Mark) -> usize {
        self.occurrences.iter().filter(|o| o.mark == mark).count()
    }
}

/// Both roles' scores and the evidence, strongest first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Score {
    /// Product Owner score.
    pub po: f64,
    /// Product Manager score.
    pub pm: f64,
    /// Product Owner score of the work described: role names left out.
    pub content_po: f64,
    /// Product Manager score of the work described: role names left out.
    pub content_pm: f64,
    /// Role names the context reads as the posting's own role, per role (PO, PM).
    pub named_self: [usize; 2],
    /// Role-name matches that count for their role (own role or plain), per role (PO, PM).
    pub named: [usize; 2],
    /// Role-name matches in the title that count for their role, per role (PO, PM).
    pub named_in_title: [usize; 2],
    /// Role-name matches of any reading (own role, colleague, plain, negated).
    pub role_names: usize,
    /// One element per matched entry, by decreasing contribution, then phrase.
    pub evidence: Vec<Evidence>,
}

/// Scores marked occurrences, given per entry: entries in ascending id order,
/// each entry's occurrences in text order (field, then position), as
/// `Occurrences::drain_by_entry` (`judge/occurrences.rs`) hands them out.
/// Each list becomes its entry's evidence as it is, without a copy.
pub fn score(
    lexicon: &Lexicon,
    by_entry: impl ExactSizeIterator<Item = (EntryId, Vec<Occurrence>)>,
    p: &ScoringParams,
) -> Score {
    let mut out = Score {
        evidence: Vec::with_capacity(by_entry.len()),
        ..Score::default()
    };
    // The multipliers of one entry's occurrences, one buffer for all entries.
    let mut multipliers: Vec<f64> = Vec::new();
    for (id, occurrences) in by_entry {
        let entry = lexicon.entry(id);
        let category = lexicon.category_of(id);
        let is_role_name = category.kind() == CategoryKind::RoleName;
        // The category's `[weights]` multiplier (1 when unlisted: `x * 1.0 == x`).
        let category_weight = category.multiplier();
        multipliers.clear();
        multipliers.extend(occurrences.iter().filter_map(|o| multiplier(o, p)));
        let contribution =
            entry.weight() * saturating_sum(&mut multipliers, p.repeat_decay) * category_weight;
        multipliers.clear();
        multipliers.extend(
            occurrences
                .iter()
                .filter(|o| o.mark == Mark::Colleague)
                .map(|o| if o.is_title { p.title_weight } else { 1.0 }),
        );
        let credit_other = entry.weight()
            * p.colleague_credit
            * saturating_sum(&mut multipliers, p.repeat_decay)
            * category_weight;
        match entry.role() {
            Role::Po => {
                out.po += contribution;
                out.pm += credit_other;
            }
            Role::Pm => {
                out.pm += contribution;
                out.po += credit_other;
            }
        }
        if is_role_name {
            out.role_names += occurrences.len();
            let named = occurrences
                .iter()
                .filter(|o| o.mark == Mark::SelfRole)
                .count();
            let r = usize::from(entry.role() == Role::Pm);
            out.named_self[r] += named;
            out.named[r] += occurrences
                .iter()
                .filter(|o| matches!(o.mark, Mark::SelfRole | Mark::Plain | Mark::Url))
                .count();
            out.named_in_title[r] += occurrences
                .iter()
                .filter(|o| o.is_title && matches!(o.mark, Mark::SelfRole | Mark::Plain))
                .count();
        } else {
            match entry.role() {
                Role::Po => out.content_po += contribution,
                Role::Pm => out.content_pm += contribution,
            }
        }
        out.evidence.push(Evidence {
            entry: id,
            role: entry.role(),
            weight: entry.weight(),
            occurrences,
            contribution,
            credit_other,
        });
    }
    out.evidence.sort_by(|a, b| {
        (b.contribution + b.credit_other)
            .total_cmp(&(a.contribution + a.credit_other))
            .then_with(|| {
                lexicon
                    .entry(a.entry)
                    .phrase()
                    .cmp(lexicon.entry(b.entry).phrase())
            })
            .then(a.entry.cmp(&b.entry))
    });
    out
}

/// The multiplier of one occurrence for its own role, or `None` when it does not count.
fn multiplier(o: &Occurrence, p: &ScoringParams) -> Option<f64> {
    let base = if o.is_title { p.title_weight } else { 1.0 };
    match o.mark {
        Mark::Plain => Some(base * o.section.weight()),
        Mark::SelfRole => Some(base * p.self_boost),
        Mark::Url => Some(URL_WEIGHT),
        Mark::Colleague | Mark::Negated => None,
    }
}

/// `sum_k m_k * decay^k` over the multipliers sorted strongest first.
fn saturating_sum(m: &mut [f64], decay: f64) -> f64 {
    m.sort_unstable_by(|a, b| b.total_cmp(a));
    let mut f = 1.0;
    let mut total = 0.0;
    for &x in m.iter() {
        total += x * f;
        f *= decay;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        Lexicon::parse(
            r#"
[[category]]
name = "backlog"
role = "po"
entries = [{ phrase = "backlog", weight = 2 }]
[[category]]
name = "role-name"
role = "pm"
kind = "role-name"
entries = [{ phrase = "product manager", weight = 4 }]
"#,
            "t",
        )
        .unwrap()
    }

    /// [`score`] of occurrences in any order: sorted by entry, field and start, then grouped.
    fn score_pairs(
        lex: &Lexicon,
        pairs: impl IntoIterator<Item = (EntryId, Occurrence)>,
        p: &ScoringParams,
    ) -> Score {
        let mut pairs: Vec<_> = pairs.into_iter().collect();
        pairs.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.field.cmp(&b.1.field))
                .then(a.1.start.cmp(&b.1.start))
        });
        let mut groups: Vec<(EntryId, Vec<Occurrence>)> = Vec::new();
        for (entry, o) in pairs {
            match groups.last_mut() {
                Some((last, list)) if *last == entry => list.push(o),
                _ => groups.push((entry, vec![o])),
            }
        }
        score(lex, groups.into_iter(), p)
    }

    fn o(start: usize, mark: Mark) -> Occurrence {
        Occurrence {
            field: 0,
            start,
            end: start + 1,
            mark,
            is_title: false,
            section: SectionKind::Intro,
        }
    }

    #[test]
    fn repeats_saturate() {
        let lex = lex();
        let p = ScoringParams::default();
        let one = score_pairs(&lex, [(EntryId(0), o(0, Mark::Plain))], &p);
        assert_eq!(one.po, 2.0);
        let many: Vec<_> = (0..12).map(|i| (EntryId(0), o(i, Mark::Plain))).collect();
        let s = score_pairs(&lex, many, &p);
        assert!(s.po > 3.99 && s.po < 4.0, "{}", s.po);
        assert_eq!(s.evidence[0].count(), 12);
    }

    #[test]
    fn colleague_and_negated_do_not_count() {
        let lex = lex();
        let p = ScoringParams::default();
        let s = score_pairs(
            &lex,
            [
                (EntryId(1), o(0, Mark::Colleague)),
                (EntryId(0), o(5, Mark::Negated)),
            ],
            &p,
        );
        assert_eq!((s.po, s.pm), (0.0, 0.0));
        assert_eq!(s.evidence.len(), 2);
        let p = ScoringParams {
            colleague_credit: 0.5,
            ..p
        };
        let s = score_pairs(&lex, [(EntryId(1), o(0, Mark::Colleague))], &p);
        assert_eq!((s.po, s.pm), (2.0, 0.0));
    }

    #[test]
    fn self_and_title_boost() {
        let lex = lex();
        let p = ScoringParams::default();
        let s = score_pairs(&lex, [(EntryId(1), o(0, Mark::SelfRole))], &p);
        assert_eq!(s.pm, 4.0 * SELF_BOOST);
        let mut t = o(0, Mark::Plain);
        t.is_title = true;
        let s = score_pairs(&lex, [(EntryId(1), t)], &p);
        assert_eq!(s.pm, 4.0 * TITLE_WEIGHT);
    }

    #[test]
    fn boilerplate_sections_do_not_count_but_self_role_does() {
        let lex = lex();
        let p = ScoringParams::default();
        let mut blurb = o(0, Mark::Plain);
        blurb.section = SectionKind::About;
        let s = score_pairs(&lex, [(EntryId(0), blurb.clone())], &p);
        assert_eq!(s.po, 0.0);
        assert_eq!(s.evidence[0].count(), 1);
        let mut own = blurb;
        own.mark = Mark::SelfRole;
        let s = score_pairs(&lex, [(EntryId(1), own)], &p);
        assert_eq!(s.pm, 4.0 * SELF_BOOST);
    }

    #[test]
    fn category_multipliers_scale_contributions() {
        let text = "[[category]]\nname = \"backlog\"\nrole = \"po\"\nentries = [{ phrase = \"backlog\", weight = 2 }]\n\
                    [[category]]\nname = \"role-name\"\nrole = \"pm\"\nkind = \"role-name\"\n\
                    entries = [{ phrase = \"product manager\", weight = 4 }]\n\
                    [weights.po]\nbacklog = 1.5\n[weights.pm]\nrole-name = 0.5\n";
        let lex = Lexicon::parse(text, "t").unwrap();
        let p = ScoringParams {
            colleague_credit: 0.5,
            ..ScoringParams::default()
        };
        let occ = vec![
            (EntryId(0), o(0, Mark::Plain)),
            (EntryId(0), o(9, Mark::Plain)),
            (EntryId(1), o(20, Mark::Plain)),
        ];
        let s = score_pairs(&lex, occ, &p);
        assert_eq!(s.po, 2.0 * 1.5 * 1.5);
        assert_eq!(s.content_po, s.po);
        assert_eq!(s.pm, 4.0 * 0.5);
        let backlog = s.evidence.iter().find(|e| e.entry == EntryId(0)).unwrap();
        assert_eq!((backlog.weight, backlog.contribution), (2.0, 4.5));
        let s = score_pairs(&lex, [(EntryId(1), o(0, Mark::Colleague))], &p);
        assert_eq!((s.po, s.pm), (4.0 * 0.5 * 0.5, 0.0));
        // Without a [weights] table, the same scores as ever.
        let plain = self::lex();
        let s = score_pairs(&plain, [(EntryId(0), o(0, Mark::Plain))], &p);
        assert_eq!(s.po, 2.0);
    }
}
