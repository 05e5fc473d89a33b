//! Labels: from the two scores to a verdict with a confidence and a lean.
//!
//! * `unclear` when neither score reaches [`MIN_SCORE`];
//! * `hybrid` when both reach [`HYBRID_MIN`] and the lean is within
//!   [`HYBRID_MARGIN`] of zero;
//! * otherwise the role with the higher score.
//!
//! `lean = (pm - po) / (pm + po)` runs from −1 (all PO) to +1 (all PM).
//! `confidence` is the probability that the role the posting leans to is the
//! right one: `p_pm = 1 / (1 + exp(-(a·d + b)))` with `d = ln((pm + 1) / (po + 1))`;
//! confidence is `p_pm` when the posting leans PM (`d > 0`), `1 − p_pm` when it
//! leans PO, and `max(p_pm, 1 − p_pm)` when it leans neither. `a` and `b` come
//! from the lexicon's `[calibration]` when it has one (Platt scaling fitted on
//! labeled postings, see [`crate::judge::calibrate`]), else [`UNCALIBRATED`].

use serde::Serialize;

use crate::judge::score::Score;
use crate::judge::self_role::SelfRole;
use crate::lexicon::Calibration;

/// Below this score for both roles, a posting is `unclear`.
pub const MIN_SCORE: f64 = 3.0;

/// Below this score for both roles, a posting that names no Product Owner or
/// Manager at all (not even as a colleague) is `unclear`: a few generic
/// phrases ("stakeholders", "cross-functional") do not make a job one of them.
pub const MIN_SCORE_UNNAMED: f64 = 5.0;

/// Both scores must reach this for a posting to be `hybrid`.
pub const HYBRID_MIN: f64 = 6.0;

/// A lean within ± this margin, with both scores strong, is `hybrid`.
pub const HYBRID_MARGIN: f64 = 0.15;

/// A posting that names another job for itself is `other` unless one of its
/// scores reaches this (or it names itself a Product Owner or Manager).
///
/// Postings for other jobs in the evaluation data that mention product work
/// (engineers at product companies, analysts, designers) score up to about 14
/// with their own role named; the Product Manager postings whose text also
/// names another role (a "staff" PM described as an engineer) score 16 and more.
pub const STRONG_SCORE: f64 = 15.0;

/// `content_lean` at least this far from 0 (and a content score of at least
/// [`MIN_SCORE`] on that side) makes a posting that names itself one role a
/// `mismatch` when its content leans to the other.
pub const MISMATCH_LEAN: f64 = 0.5;

/// The confidence of an `other` call: the share of postings labelled `other` in
/// the evaluation data whose gold label is another job (see docs/ACCURACY.md).
pub const OTHER_CONFIDENCE: f64 = 0.987;

/// The confidence of a label the posting's own naming chose over the scores'
/// call: of the evaluation postings labelled as the role they name themselves,
/// 74 of 75 are right, `(74 + 1) / (75 + 2)` smoothed (see docs/ACCURACY.md).
pub const SELF_NAMED_CONFIDENCE: f64 = 0.974;

/// The confidence mapping used when the lexicon carries no fitted calibration.
pub const UNCALIBRATED: Calibration = Calibration::IDENTITY;

/// What a posting leans to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// Leans Product Owner.
    ProductOwner,
    /// Leans Product Manager.
    ProductManager,
    /// Strong evidence for both, close margin.
    Hybrid,
    /// Too little evidence.
    Unclear,
    /// A posting for another job (it names itself an engineer, analyst, project
    /// manager, scrum master …) whose content makes no strong PO or PM case.
    Other,
}

impl Label {
    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::ProductOwner => "product_owner",
            Label::ProductManager => "product_manager",
            Label::Hybrid => "hybrid",
            Label::Unclear => "unclear",
            Label::Other => "other",
        }
    }

    /// Parses an output name (`product_owner`, ...), also `po`/`pm`.
    pub fn parse(s: &str) -> Option<Label> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "product_owner" | "po" => Label::ProductOwner,
            "product_manager" | "pm" => Label::ProductManager,
            "hybrid" => Label::Hybrid,
            "unclear" => Label::Unclear,
            "other" => Label::Other,
            _ => return None,
        })
    }

    /// All labels, in output order.
    pub const ALL: [Label; 5] = [
        Label::ProductOwner,
        Label::ProductManager,
        Label::Hybrid,
        Label::Unclear,
        Label::Other,
    ];

    /// Whether the label calls the posting a Product Owner or Product Manager job.
    pub fn is_role(self) -> bool {
        matches!(self, Label::ProductOwner | Label::ProductManager)
    }

    /// The name of a result row's label: the verdict's label, or `error` for a
    /// row that could not be classified (`None`).
    pub fn row_name(label: Option<Label>) -> &'static str {
        label.map_or(ERROR_NAME, Label::as_str)
    }

    /// Parses a result row's label: `Some(Some(label))`, `Some(None)` for
    /// `error`, `None` for anything else.
    pub fn parse_row(s: &str) -> Option<Option<Label>> {
        if s.trim().eq_ignore_ascii_case(ERROR_NAME) {
            return Some(None);
        }
        Label::parse(s).map(Some)
    }

    /// Every name a result row's label may have, for messages.
    pub fn row_names() -> String {
        let mut names: Vec<&str> = Label::ALL.map(Label::as_str).to_vec();
        names.push(ERROR_NAME);
        names.join(", ")
    }
}

/// The label column of a row that could not be classified (its status, not a verdict).
const ERROR_NAME: &str = "error";

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Label {
    type Err = String;

    /// Parses an output name (`product_owner`, …) or `po` / `pm`, in any case.
    fn from_str(s: &str) -> std::result::Result<Label, String> {
        Label::parse(s).ok_or_else(|| {
            format!(
                "unknown label `{s}` (expected one of {})",
                Label::ALL.map(Label::as_str).join(", ")
            )
        })
    }
}

/// Postings per label in a run's results, rows that could not be classified included.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LabelCounts {
    /// Labelled `product_owner`.
    pub product_owner: usize,
    /// Labelled `product_manager`.
    pub product_manager: usize,
    /// Labelled `hybrid`.
    pub hybrid: usize,
    /// Labelled `unclear`.
    pub unclear: usize,
    /// Labelled `other`.
    pub other: usize,
    /// Rows that could not be classified.
    pub error: usize,
}

impl LabelCounts {
    /// Counts one row (`None`: a row that could not be classified).
    pub fn add(&mut self, label: Option<Label>) {
        *self.slot(label) += 1;
    }

    /// The rows counted with `label` (`None`: errors).
    pub fn get(&self, label: Option<Label>) -> usize {
        match label {
            Some(Label::ProductOwner) => self.product_owner,
            Some(Label::ProductManager) => self.product_manager,
            Some(Label::Hybrid) => self.hybrid,
            Some(Label::Unclear) => self.unclear,
            Some(Label::Other) => self.other,
            None => self.error,
        }
    }

    /// Every row counted.
    pub fn total(&self) -> usize {
        self.product_owner
            + self.product_manager
            + self.hybrid
            + self.unclear
            + self.other
            + self.error
    }

    /// Adds `other`'s counts to these.
    pub fn merge(&mut self, other: &LabelCounts) {
        for label in Label::ALL.map(Some).into_iter().chain([None]) {
            *self.slot(label) += other.get(label);
        }
    }

    /// Each label with its count, in output order, then `error`.
    pub fn iter(&self) -> impl Iterator<Item = (Option<Label>, usize)> + '_ {
        Label::ALL
            .map(Some)
            .into_iter()
            .chain([None])
            .map(|l| (l, self.get(l)))
    }

    fn slot(&mut self, label: Option<Label>) -> &mut usize {
        match label {
            Some(Label::ProductOwner) => &mut self.product_owner,
            Some(Label::ProductManager) => &mut self.product_manager,
            Some(Label::Hybrid) => &mut self.hybrid,
            Some(Label::Unclear) => &mut self.unclear,
            Some(Label::Other) => &mut self.other,
            None => &mut self.error,
        }
    }
}

/// The thresholds that turn scores into labels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// Below this score for both roles, a posting is `unclear` (default 3).
    pub min_score: f64,
    /// Both scores must reach this for `hybrid` (default 6).
    pub hybrid_min: f64,
    /// `hybrid` when |lean| is at most this and both scores are strong (default 0.15).
    pub hybrid_margin: f64,
    /// A posting naming another job is `other` unless a score reaches this (default 15).
    pub strong_score: f64,
    /// Below this score for both roles, a posting naming no PO or PM is `unclear` (default 5).
    pub min_score_unnamed: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_score: MIN_SCORE,
            hybrid_min: HYBRID_MIN,
            hybrid_margin: HYBRID_MARGIN,
            strong_score: STRONG_SCORE,
            min_score_unnamed: MIN_SCORE_UNNAMED,
        }
    }
}

/// A label with its confidence and lean.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Verdict {
    /// The label.
    pub label: Label,
    /// Probability that the leaning role is right, in [0, 1].
    pub confidence: f64,
    /// −1 (all PO) to +1 (all PM).
    pub lean: f64,
    /// The lean of the work described alone, role names left out: −1 (all PO) to +1 (all PM).
    pub content_lean: f64,
    /// The posting names itself one role (PO or PM) and its content clearly leans to the other.
    pub mismatch: bool,
    /// Whether `confidence` comes from fitted constants.
    pub is_calibrated: bool,
}

/// `(pm - po) / (pm + po)`, 0 when both are 0.
pub fn lean_of(po: f64, pm: f64) -> f64 {
    let total = po + pm;
    if total > 0.0 {
        (pm - po) / total
    } else {
        0.0
    }
}

/// The decision value on which confidence is calibrated: `ln((pm + 1) / (po + 1))`.
pub fn decision_value(po: f64, pm: f64) -> f64 {
    ((pm + 1.0) / (po + 1.0)).ln()
}

/// The probability that the leaning role is right, for decision value `d`.
pub fn leaning_confidence(d: f64, c: Calibration) -> f64 {
    let p_pm = 1.0 / (1.0 + (-(c.a() * d + c.b())).exp());
    if d > 0.0 {
        p_pm
    } else if d < 0.0 {
        1.0 - p_pm
    } else {
        p_pm.max(1.0 - p_pm)
    }
}

/// Turns two scores into a verdict.
pub fn decide(po: f64, pm: f64, t: &Thresholds, calibration: Option<Calibration>) -> Verdict {
    let lean = lean_of(po, pm);
    let label = if po.max(pm) < t.min_score {
        Label::Unclear
    } else if po >= t.hybrid_min && pm >= t.hybrid_min && lean.abs() <= t.hybrid_margin {
        Label::Hybrid
    } else if pm > po {
        Label::ProductManager
    } else if po > pm {
        Label::ProductOwner
    } else {
        Label::Hybrid
    };
    let d = decision_value(po, pm);
    Verdict {
        label,
        confidence: leaning_confidence(d, calibration.unwrap_or(UNCALIBRATED)),
        lean,
        content_lean: lean,
        mismatch: false,
        is_calibrated: calibration.is_some(),
    }
}

/// Turns a verdict on the scores into the posting's verdict: the role a
/// posting names for itself (`self_role` product_owner or product_manager)
/// when the scores call it one of the two roles or hybrid; `unclear` for a
/// posting that names no Product Owner or Manager and has no score of at least
/// [`Thresholds::min_score_unnamed`]; for a `hybrid`, the role the posting
/// names for itself more often (own-role readings first, then plain mentions),
/// when it names one more; `other` for a
/// posting that names another job for itself (`self_role`), does not name
/// itself a Product Owner or Manager anywhere and has no score of at least
/// [`Thresholds::strong_score`]; `content_lean` from the role-free scores; and
/// `mismatch` when the posting names itself one role and its content clearly
/// leans to the other ([`MISMATCH_LEAN`]).
///
/// `knows_role_names` says whether the lexicon has role names at all: without
/// them no posting can name itself, and the stricter minimum does not apply.
pub fn judge_posting(
    mut v: Verdict,
    score: &Score,
    self_role: Option<SelfRole>,
    t: &Thresholds,
    knows_role_names: bool,
) -> Verdict {
    v.content_lean = lean_of(score.content_po, score.content_pm);
    if knows_role_names && score.role_names == 0 && score.po.max(score.pm) < t.min_score_unnamed {
        v.label = Label::Unclear;
    }
    // A posting that names itself one role is that job, whatever its work leans
    // to (`mismatch` then says so): the title a posting gives itself is what a
    // reader calls the job.
    // One that names itself both ("Product Owner / Product Manager", in its title
    // or with both read as its own role) is not.
    let names_other = |r: usize| score.named_self[r] > 0 || score.named_in_title[r] > 0;
    let own = match self_role {
        Some(SelfRole::ProductOwner) if !names_other(1) => Some(Label::ProductOwner),
        Some(SelfRole::ProductManager) if !names_other(0) => Some(Label::ProductManager),
        _ => None,
    };
    let by_scores = v.label;
    if let Some(own) = own {
        if matches!(
            v.label,
            Label::ProductOwner | Label::ProductManager | Label::Hybrid
        ) {
            v.label = own;
        }
    }
    if v.label == Label::Hybrid {
        // Balanced work: what the posting calls itself decides.
        if let Some(role) = named_role(score.named_self).or_else(|| named_role(score.named)) {
            v.label = role;
        }
    }
    if v.label != by_scores {
        // The scores' confidence is about the role they lean to; a label the
        // posting's own naming chose carries how often such labels are right.
        v.confidence = SELF_NAMED_CONFIDENCE;
    }
    let names_itself = score.named_self.iter().any(|&n| n > 0);
    if self_role.is_some_and(SelfRole::is_other_job)
        && !names_itself
        && score.po.max(score.pm) < t.strong_score
    {
        v.label = Label::Other;
        v.confidence = OTHER_CONFIDENCE;
    }
    v.mismatch = match self_role {
        Some(SelfRole::ProductOwner) => {
            v.content_lean >= MISMATCH_LEAN && score.content_pm >= t.min_score
        }
        Some(SelfRole::ProductManager) => {
            v.content_lean <= -MISMATCH_LEAN && score.content_po >= t.min_score
        }
        _ => false,
    };
    v
}

/// The role named more often in `[po, pm]` counts, if one is.
fn named_role([po, pm]: [usize; 2]) -> Option<Label> {
    match po.cmp(&pm) {
        std::cmp::Ordering::Greater => Some(Label::ProductOwner),
        std::cmp::Ordering::Less => Some(Label::ProductManager),
        std::cmp::Ordering::Equal => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_posting_naming_itself_is_that_role_with_the_naming_confidence() {
        let t = Thresholds::default();
        // Names itself a Product Owner ("as a Product Owner"), describes PM work.
        let score = Score {
            po: 9.0,
            pm: 20.0,
            content_po: 0.0,
            content_pm: 20.0,
            named_self: [1, 0],
            named: [1, 0],
            role_names: 1,
            ..Score::default()
        };
        let v = judge_posting(
            decide(score.po, score.pm, &t, None),
            &score,
            Some(SelfRole::ProductOwner),
            &t,
            true,
        );
        assert_eq!(v.label, Label::ProductOwner);
        assert_eq!(v.confidence, SELF_NAMED_CONFIDENCE);
        assert!(v.mismatch && v.content_lean == 1.0);
        // Naming both roles in the title leaves the scores' call.
        let both = Score {
            named_in_title: [1, 1],
            ..score.clone()
        };
        let v = judge_posting(
            decide(both.po, both.pm, &t, None),
            &both,
            Some(SelfRole::ProductOwner),
            &t,
            true,
        );
        assert_eq!(v.label, Label::ProductManager);
        // Another job named, nothing strong: other.
        let eng = Score {
            po: 4.0,
            pm: 6.0,
            role_names: 1,
            ..Score::default()
        };
        let v = judge_posting(
            decide(4.0, 6.0, &t, None),
            &eng,
            Some(SelfRole::Engineer),
            &t,
            true,
        );
        assert_eq!((v.label, v.confidence), (Label::Other, OTHER_CONFIDENCE));
        // No role named at all and a weak case: unclear.
        let weak = Score {
            pm: 4.0,
            ..Score::default()
        };
        let v = judge_posting(decide(0.0, 4.0, &t, None), &weak, None, &t, true);
        assert_eq!(v.label, Label::Unclear);
    }

    #[test]
    fn labels_by_threshold() {
        let t = Thresholds::default();
        assert_eq!(decide(0.0, 0.0, &t, None).label, Label::Unclear);
        assert_eq!(decide(1.0, 2.0, &t, None).label, Label::Unclear);
        assert_eq!(decide(10.0, 2.0, &t, None).label, Label::ProductOwner);
        assert_eq!(decide(2.0, 10.0, &t, None).label, Label::ProductManager);
        assert_eq!(decide(10.0, 11.0, &t, None).label, Label::Hybrid);
        assert_eq!(decide(4.0, 4.5, &t, None).label, Label::ProductManager);
    }

    #[test]
    fn lean_and_confidence_ranges() {
        let t = Thresholds::default();
        let v = decide(10.0, 0.0, &t, None);
        assert_eq!(v.lean, -1.0);
        assert!(v.confidence > 0.9 && v.confidence <= 1.0);
        let v = decide(0.0, 0.0, &t, None);
        assert_eq!((v.lean, v.confidence), (0.0, 0.5));
        assert!(!v.is_calibrated);
        let v = decide(1.0, 9.0, &t, Calibration::new(2.0, 0.0));
        assert!(v.is_calibrated && v.lean == 0.8);
    }

    #[test]
    fn label_names_round_trip() {
        for l in Label::ALL {
            assert_eq!(Label::parse(l.as_str()), Some(l));
            assert_eq!(l.as_str().parse::<Label>(), Ok(l));
            assert_eq!(Label::parse_row(Label::row_name(Some(l))), Some(Some(l)));
        }
        assert_eq!(Label::parse_row(Label::row_name(None)), Some(None));
        assert_eq!(
            "error".parse::<Label>().map_err(|e| e.contains("unknown")),
            Err(true)
        );
        assert_eq!(Label::parse_row("nonsense"), None);
    }

    #[test]
    fn counts_by_label() {
        let mut c = LabelCounts::default();
        c.add(Some(Label::Hybrid));
        c.add(None);
        c.add(Some(Label::Hybrid));
        let mut d = LabelCounts::default();
        d.merge(&c);
        d.merge(&c);
        assert_eq!((d.hybrid, d.error, d.total()), (4, 2, 6));
        assert_eq!(d.iter().map(|(_, n)| n).sum::<usize>(), 6);
    }
}
