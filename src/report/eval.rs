//! Evaluation against labeled postings: accuracy, precision/recall/F1, coverage,
//! the confusion matrix, calibration (ECE and a reliability table), and the
//! phrases behind wrong calls.
//!
//! Rows labeled `product_owner` or `product_manager` are in scope; any other
//! label is counted and reported as out of scope, with the distribution of
//! what popm said about them. A call is right only when the label equals the
//! gold role: `hybrid` and `unclear` count as not decided (and not right).

use std::collections::BTreeMap;

pub use crate::text::language::guess as guess_language;
pub use crate::text::mask::{mask_role_names, MASK_WORD};

use serde::Serialize;

use crate::classify::Classification;
use crate::judge::calibrate::fit_platt;
use crate::judge::label::{decision_value, leaning_confidence, Label, LabelCounts};
use crate::judge::self_role::SelfRole;
use crate::lexicon::{Lexicon, Role};

/// Number of equal-width confidence bins for the calibration error.
pub const ECE_BINS: usize = 10;

/// How many phrases behind wrong calls are listed.
pub const TOP_WRONG_PHRASES: usize = 15;

/// One evaluated posting.
#[derive(Clone, Debug)]
pub struct Case {
    /// The gold label as written in the input.
    pub gold: String,
    /// popm's classification.
    pub predicted: Classification,
    /// A group name (source file, or the `--by` column), for per-group figures.
    pub group: String,
    /// The posting's id, for the list of wrong calls.
    pub id: String,
    /// Whether the row could not be classified (it then counts as label `error`).
    pub is_error: bool,
    /// The guessed language of the description (`en`, `de`, `other`).
    pub language: String,
    /// The role the posting names for itself (from what popm was shown).
    pub self_role: Option<SelfRole>,
    /// The role its title names, when the input has a title (the reference for `self_role`).
    pub title_role: Option<SelfRole>,
}

impl Case {
    /// The label popm gave: `None` for a row that could not be classified.
    pub fn label(&self) -> Option<Label> {
        (!self.is_error).then_some(self.predicted.verdict.label)
    }
}

/// Precision, recall and F1 of one class.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct ClassMetrics {
    /// Right calls of this class over all calls of this class.
    pub precision: f64,
    /// Right calls of this class over all gold postings of this class.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Gold postings of this class.
    pub support: usize,
}

/// One bin of the reliability table.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Bin {
    /// Lower edge of the bin's confidence range.
    pub lower: f64,
    /// Upper edge.
    pub upper: f64,
    /// Decided postings whose confidence falls in the bin.
    pub count: usize,
    /// Their mean confidence.
    pub mean_confidence: f64,
    /// Share of them that were right.
    pub accuracy: f64,
}

/// A phrase that pushed postings to a wrong call.
#[derive(Clone, Debug, Serialize)]
pub struct WrongPhrase {
    /// The phrase (the entry's first form).
    pub phrase: String,
    /// The role it indicates.
    pub role: String,
    /// Its category.
    pub category: String,
    /// Wrong calls it contributed to.
    pub postings: usize,
    /// Its summed contribution to those calls.
    pub contribution: f64,
}

/// The figures for one set of cases.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Metrics {
    /// All rows seen.
    pub rows: usize,
    /// Rows labeled product_owner or product_manager.
    pub in_scope: usize,
    /// Right calls over in-scope rows.
    pub accuracy: f64,
    /// Mean F1 of the two roles.
    pub macro_f1: f64,
    /// Share of in-scope rows labeled product_owner or product_manager.
    pub coverage: f64,
    /// Share of in-scope rows labeled hybrid.
    pub hybrid_share: f64,
    /// Share of in-scope rows labeled unclear.
    pub unclear_share: f64,
    /// Accuracy among decided (PO/PM-labeled) in-scope rows.
    pub decided_accuracy: f64,
    /// Product Owner metrics.
    pub product_owner: ClassMetrics,
    /// Product Manager metrics.
    pub product_manager: ClassMetrics,
    /// Rows: gold product_owner, product_manager; per row, the predicted labels.
    /// In JSON each row is an array in [`Label::ALL`] order, then `error`.
    #[serde(serialize_with = "confusion_rows")]
    pub confusion: [LabelCounts; 2],
    /// Expected calibration error over the decided calls: product_owner and
    /// product_manager on in-scope rows, `other` on every row.
    pub ece: f64,
    /// Reliability table (non-empty bins).
    pub reliability: Vec<Bin>,
    /// Out-of-scope gold labels → predicted label → count.
    pub out_of_scope: BTreeMap<String, BTreeMap<String, usize>>,
    /// Rows whose gold label is another job (any label but the two roles).
    pub other_jobs: usize,
    /// Of those, the rows labelled product_owner, product_manager or hybrid.
    pub other_as_role: usize,
    /// `other_as_role / other_jobs` (0 without such rows).
    pub other_as_role_share: f64,
    /// The `other` label against the rows for other jobs.
    pub other: ClassMetrics,
    /// What popm said for the rows for other jobs: an array in [`Label::ALL`]
    /// order, then `error`, like a row of `confusion`.
    #[serde(serialize_with = "counts_row")]
    pub confusion_other: LabelCounts,
}

/// The whole evaluation: overall, per group, and what went wrong.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Figures over all cases.
    pub overall: Metrics,
    /// Figures per group (only when there is more than one group).
    pub groups: BTreeMap<String, Metrics>,
    /// Figures per guessed language of the description.
    pub languages: BTreeMap<String, Metrics>,
    /// Phrases that contributed most to wrong decided calls.
    pub wrong_phrases: Vec<WrongPhrase>,
    /// Out-of-scope postings: how many got each `self_role` (empty name: none found).
    pub out_of_scope_self_roles: BTreeMap<String, usize>,
    /// Out-of-scope postings with a title role: how many have `self_role` equal to it.
    pub out_of_scope_self_role_agreement: (usize, usize),
    /// Ids of wrong in-scope calls: (group, id, gold, predicted).
    pub wrong_calls: Vec<(String, String, String, String)>,
}

/// Writes each confusion row as an array of counts, in [`Label::ALL`] order, then `error`.
fn confusion_rows<S: serde::Serializer>(
    rows: &[LabelCounts; 2],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    let arrays: Vec<Vec<usize>> = rows
        .iter()
        .map(|r| r.iter().map(|(_, n)| n).collect())
        .collect();
    arrays.serialize(s)
}

/// Writes counts as an array, in [`Label::ALL`] order, then `error`.
fn counts_row<S: serde::Serializer>(
    row: &LabelCounts,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    row.iter()
        .map(|(_, n)| n)
        .collect::<Vec<usize>>()
        .serialize(s)
}

fn gold_role(gold: &str) -> Option<Role> {
    match gold.trim().to_ascii_lowercase().as_str() {
        "product_owner" | "po" => Some(Role::Po),
        "product_manager" | "pm" => Some(Role::Pm),
        _ => None,
    }
}

fn role_label(r: Role) -> Label {
    match r {
        Role::Po => Label::ProductOwner,
        Role::Pm => Label::ProductManager,
    }
}

/// Computes the figures for a set of cases.
pub fn metrics<'a>(cases: impl IntoIterator<Item = &'a Case>) -> Metrics {
    let mut m = Metrics::default();
    let mut calls: Vec<(f64, bool)> = Vec::new();
    for c in cases {
        m.rows += 1;
        let label = c.label();
        if label == Some(Label::Other) {
            // An `other` call is right when the posting is for another job.
            calls.push((c.predicted.verdict.confidence, gold_role(&c.gold).is_none()));
        }
        let Some(gold) = gold_role(&c.gold) else {
            m.other_jobs += 1;
            m.confusion_other.add(label);
            *m.out_of_scope
                .entry(c.gold.trim().to_string())
                .or_default()
                .entry(Label::row_name(label).to_string())
                .or_default() += 1;
            continue;
        };
        m.in_scope += 1;
        let gi = usize::from(gold == Role::Pm);
        m.confusion[gi].add(label);
        if let Some(l @ (Label::ProductOwner | Label::ProductManager)) = label {
            calls.push((c.predicted.verdict.confidence, l == role_label(gold)));
        }
    }
    let decided = m.confusion[0].product_owner
        + m.confusion[0].product_manager
        + m.confusion[1].product_owner
        + m.confusion[1].product_manager;
    let decided_right = m.confusion[0].product_owner + m.confusion[1].product_manager;
    let n = m.in_scope as f64;
    if m.in_scope > 0 {
        let right = m.confusion[0].product_owner + m.confusion[1].product_manager;
        m.accuracy = right as f64 / n;
        m.coverage = decided as f64 / n;
        m.hybrid_share = (m.confusion[0].hybrid + m.confusion[1].hybrid) as f64 / n;
        m.unclear_share = (m.confusion[0].unclear + m.confusion[1].unclear) as f64 / n;
    }
    if decided > 0 {
        m.decided_accuracy = decided_right as f64 / decided as f64;
    }
    m.product_owner = class_metrics(&m.confusion, 0);
    m.product_manager = class_metrics(&m.confusion, 1);
    m.macro_f1 = (m.product_owner.f1 + m.product_manager.f1) / 2.0;
    let o = &m.confusion_other;
    m.other_as_role = o.product_owner + o.product_manager + o.hybrid;
    if m.other_jobs > 0 {
        m.other_as_role_share = m.other_as_role as f64 / m.other_jobs as f64;
    }
    let called_other = m.confusion_other.other + m.confusion[0].other + m.confusion[1].other;
    m.other = f1_of(m.confusion_other.other, called_other, m.other_jobs);
    (m.ece, m.reliability) = reliability(&calls);
    m
}

/// Expected calibration error and the reliability table of `(confidence, right)` calls.
pub fn reliability(calls: &[(f64, bool)]) -> (f64, Vec<Bin>) {
    let mut bins = [(0usize, 0.0f64, 0usize); ECE_BINS];
    for &(conf, right) in calls {
        let b = ((conf * ECE_BINS as f64).max(0.0) as usize).min(ECE_BINS - 1);
        bins[b].0 += 1;
        bins[b].1 += conf;
        bins[b].2 += usize::from(right);
    }
    let mut ece = 0.0;
    let mut table = Vec::new();
    for (i, &(count, sum_conf, right)) in bins.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let mean = sum_conf / count as f64;
        let acc = right as f64 / count as f64;
        ece += count as f64 / calls.len() as f64 * (acc - mean).abs();
        table.push(Bin {
            lower: i as f64 / ECE_BINS as f64,
            upper: (i + 1) as f64 / ECE_BINS as f64,
            count,
            mean_confidence: mean,
            accuracy: acc,
        });
    }
    (ece, table)
}

/// Platt calibration fitted on the cases, and its leave-one-group-out check.
#[derive(Clone, Debug, Serialize)]
pub struct CalibrationReport {
    /// Constants fitted on every decided in-scope case (for the lexicon's `[calibration]`).
    pub fitted: Option<(f64, f64)>,
    /// Decided in-scope cases the figures are computed on.
    pub decided: usize,
    /// ECE when each group's confidences come from constants fitted on the other groups.
    pub loso_ece: f64,
    /// The reliability table of those leave-one-group-out confidences.
    pub loso_reliability: Vec<Bin>,
    /// ECE of the constants fitted on all cases, measured on the same cases (optimistic).
    pub in_sample_ece: f64,
    /// The share of `other` calls that are right, smoothed (`(right + 1) / (calls + 2)`):
    /// the confidence an `other` call should carry.
    pub other_confidence: Option<f64>,
    /// `other` calls (on any row) included in the leave-one-group-out figures.
    pub other_calls: usize,
}

/// `(right + 1) / (calls + 2)` over `(group, right)` calls, `None` without calls.
fn smoothed_share<'a>(calls: impl Iterator<Item = &'a (&'a str, bool)>) -> Option<f64> {
    let (mut n, mut right) = (0usize, 0usize);
    for &(_, r) in calls {
        n += 1;
        right += usize::from(r);
    }
    (n > 0).then(|| (right as f64 + 1.0) / (n as f64 + 2.0))
}

/// Fits Platt constants on decided in-scope cases and checks them leave-one-group-out.
pub fn calibration_report(cases: &[Case]) -> CalibrationReport {
    let decided: Vec<(&Case, f64, bool)> = cases
        .iter()
        .filter_map(|c| {
            let gold = gold_role(&c.gold)?;
            let label = c.label();
            if !matches!(label, Some(Label::ProductOwner | Label::ProductManager)) {
                return None;
            }
            let d = decision_value(c.predicted.score.po, c.predicted.score.pm);
            Some((c, d, gold == Role::Pm))
        })
        .collect();
    let points: Vec<(f64, bool)> = decided.iter().map(|&(_, d, y)| (d, y)).collect();
    let fitted = fit_platt(&points);
    let right = |c: &Case, d: f64, y: bool| (d > 0.0) == y && c.label() != Some(Label::Hybrid);
    let mut loso = Vec::with_capacity(decided.len());
    for &(c, d, y) in &decided {
        let train: Vec<(f64, bool)> = decided
            .iter()
            .filter(|(o, _, _)| o.group != c.group)
            .map(|&(_, d, y)| (d, y))
            .collect();
        let cal = fit_platt(&train).unwrap_or(crate::judge::label::UNCALIBRATED);
        loso.push((leaning_confidence(d, cal), right(c, d, y)));
    }
    // `other` calls carry one confidence, the smoothed share of right ones:
    // left out group by group like the Platt constants.
    let others: Vec<(&str, bool)> = cases
        .iter()
        .filter(|c| c.label() == Some(Label::Other))
        .map(|c| (c.group.as_str(), gold_role(&c.gold).is_none()))
        .collect();
    let other_confidence = smoothed_share(others.iter());
    for &(group, is_right) in &others {
        let conf = smoothed_share(others.iter().filter(|(g, _)| *g != group))
            .unwrap_or(crate::judge::label::OTHER_CONFIDENCE);
        loso.push((conf, is_right));
    }
    let (loso_ece, loso_reliability) = reliability(&loso);
    let in_sample: Vec<(f64, bool)> = decided
        .iter()
        .map(|&(c, d, y)| {
            let cal = fitted.unwrap_or(crate::judge::label::UNCALIBRATED);
            (leaning_confidence(d, cal), right(c, d, y))
        })
        .collect();
    let (in_sample_ece, _) = reliability(&in_sample);
    CalibrationReport {
        fitted: fitted.map(|c| (c.a(), c.b())),
        decided: decided.len(),
        loso_ece,
        loso_reliability,
        in_sample_ece,
        other_confidence,
        other_calls: others.len(),
    }
}

/// Precision, recall and F1 from right calls, all calls and gold postings of a class.
fn f1_of(right: usize, called: usize, support: usize) -> ClassMetrics {
    let precision = if called > 0 {
        right as f64 / called as f64
    } else {
        0.0
    };
    let recall = if support > 0 {
        right as f64 / support as f64
    } else {
        0.0
    };
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    ClassMetrics {
        precision,
        recall,
        f1,
        support,
    }
}

fn class_metrics(conf: &[LabelCounts; 2], class: usize) -> ClassMetrics {
    let label = Some(if class == 0 {
        Label::ProductOwner
    } else {
        Label::ProductManager
    });
    let right = conf[class].get(label);
    let called = conf[0].get(label) + conf[1].get(label);
    f1_of(right, called, conf[class].total())
}

/// Evaluates the cases: overall and per-group figures, and the phrases behind wrong calls.
pub fn evaluate(cases: &[Case], lexicon: &Lexicon) -> Report {
    let overall = metrics(cases);
    let mut by_group: BTreeMap<String, Vec<&Case>> = BTreeMap::new();
    for c in cases {
        by_group.entry(c.group.clone()).or_default().push(c);
    }
    let groups = if by_group.len() > 1 {
        by_group
            .into_iter()
            .map(|(g, cs)| (g, metrics(cs)))
            .collect()
    } else {
        BTreeMap::new()
    };
    let mut by_language: BTreeMap<String, Vec<&Case>> = BTreeMap::new();
    for c in cases {
        by_language.entry(c.language.clone()).or_default().push(c);
    }
    let languages = by_language
        .into_iter()
        .map(|(g, cs)| (g, metrics(cs)))
        .collect();
    let mut wrong: BTreeMap<u32, (usize, f64)> = BTreeMap::new();
    let mut wrong_calls = Vec::new();
    for c in cases {
        let Some(gold) = gold_role(&c.gold) else {
            continue;
        };
        let label = c.label();
        if label == Some(role_label(gold)) {
            continue;
        }
        wrong_calls.push((
            c.group.clone(),
            c.id.clone(),
            c.gold.clone(),
            Label::row_name(label).to_string(),
        ));
        // What pushed it away from the gold role: the other role's evidence.
        for ev in c.predicted.score.evidence.iter().filter(|e| e.role != gold) {
            if ev.contribution > 0.0 {
                let w = wrong.entry(ev.entry.0).or_default();
                w.0 += 1;
                w.1 += ev.contribution;
            }
        }
    }
    let mut wrong_phrases: Vec<WrongPhrase> = wrong
        .into_iter()
        .map(|(id, (postings, contribution))| {
            let e = lexicon.entry(crate::lexicon::EntryId(id));
            WrongPhrase {
                phrase: e.phrase().to_string(),
                role: e.role().as_str().to_string(),
                category: lexicon.categories()[e.category()].name().to_string(),
                postings,
                contribution,
            }
        })
        .collect();
    wrong_phrases.sort_by(|a, b| {
        b.contribution
            .total_cmp(&a.contribution)
            .then_with(|| a.phrase.cmp(&b.phrase))
    });
    wrong_phrases.truncate(TOP_WRONG_PHRASES);
    let mut out_of_scope_self_roles: BTreeMap<String, usize> = BTreeMap::new();
    let mut agreement = (0usize, 0usize);
    for c in cases.iter().filter(|c| gold_role(&c.gold).is_none()) {
        let name = c.self_role.map_or("", SelfRole::as_str).to_string();
        *out_of_scope_self_roles.entry(name).or_default() += 1;
        if let Some(t) = c.title_role {
            agreement.1 += 1;
            agreement.0 += usize::from(c.self_role == Some(t));
        }
    }
    Report {
        out_of_scope_self_roles,
        out_of_scope_self_role_agreement: agreement,
        overall,
        groups,
        languages,
        wrong_phrases,
        wrong_calls,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Classifier;

    fn case(gold: &str, text: &str, c: &Classifier) -> Case {
        Case {
            gold: gold.to_string(),
            predicted: c.classify_text(text),
            group: "g".into(),
            id: "x".into(),
            is_error: false,
            language: "en".into(),
            self_role: None,
            title_role: None,
        }
    }

    #[test]
    fn metrics_by_hand() {
        let lex = Lexicon::parse(
            "[[category]]\nname=\"a\"\nrole=\"po\"\nentries=[{phrase=\"backlog\",weight=5}]\n\
             [[category]]\nname=\"b\"\nrole=\"pm\"\nentries=[{phrase=\"roadmap\",weight=5}]\n",
            "t",
        )
        .unwrap();
        let c = Classifier::new(lex.clone()).unwrap();
        let cases = vec![
            case("product_owner", "backlog", &c),
            case("product_owner", "roadmap", &c),
            case("product_manager", "roadmap", &c),
            case("product_manager", "nothing here", &c),
            case("other", "backlog", &c),
        ];
        let r = evaluate(&cases, &lex);
        let m = &r.overall;
        assert_eq!((m.rows, m.in_scope), (5, 4));
        assert_eq!(m.accuracy, 0.5);
        assert_eq!(m.coverage, 0.75);
        let rows = m
            .confusion
            .map(|r| r.iter().map(|(_, n)| n).collect::<Vec<_>>());
        assert_eq!(rows, [vec![1, 1, 0, 0, 0, 0], vec![0, 1, 0, 1, 0, 0]]);
        assert_eq!(m.product_owner.precision, 1.0);
        assert_eq!(m.product_owner.recall, 0.5);
        assert_eq!(m.product_manager.precision, 0.5);
        assert_eq!(m.out_of_scope["other"]["product_owner"], 1);
        assert_eq!(r.wrong_phrases[0].phrase, "roadmap");
        assert_eq!(r.wrong_calls.len(), 2);
        let binned: usize = m.reliability.iter().map(|b| b.count).sum();
        assert_eq!(binned, 3);
    }
}
