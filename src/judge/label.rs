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

use crate::lexicon::Calibration;

/// Below this score for both roles, a posting is `unclear`.
pub const MIN_SCORE: f64 = 3.0;

/// Both scores must reach this for a posting to be `hybrid`.
pub const HYBRID_MIN: f64 = 6.0;

/// A lean within ± this margin, with both scores strong, is `hybrid`.
pub const HYBRID_MARGIN: f64 = 0.15;

/// The confidence mapping used when the lexicon carries no fitted calibration.
pub const UNCALIBRATED: Calibration = Calibration { a: 1.0, b: 0.0 };

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
    /// The row could not be classified (see its `error`).
    Error,
}

impl Label {
    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::ProductOwner => "product_owner",
            Label::ProductManager => "product_manager",
            Label::Hybrid => "hybrid",
            Label::Unclear => "unclear",
            Label::Error => "error",
        }
    }

    /// Parses an output name (`product_owner`, ...), also `po`/`pm`.
    pub fn parse(s: &str) -> Option<Label> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "product_owner" | "po" => Label::ProductOwner,
            "product_manager" | "pm" => Label::ProductManager,
            "hybrid" => Label::Hybrid,
            "unclear" => Label::Unclear,
            "error" => Label::Error,
            _ => return None,
        })
    }

    /// All labels, in output order.
    pub const ALL: [Label; 5] = [
        Label::ProductOwner,
        Label::ProductManager,
        Label::Hybrid,
        Label::Unclear,
        Label::Error,
    ];
}

/// The thresholds that turn scores into labels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thresholds {
    /// See [`MIN_SCORE`].
    pub min_score: f64,
    /// See [`HYBRID_MIN`].
    pub hybrid_min: f64,
    /// See [`HYBRID_MARGIN`].
    pub hybrid_margin: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            min_score: MIN_SCORE,
            hybrid_min: HYBRID_MIN,
            hybrid_margin: HYBRID_MARGIN,
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
    /// Whether `confidence` comes from fitted constants.
    pub is_calibrated: bool,
}

/// The decision value on which confidence is calibrated: `ln((pm + 1) / (po + 1))`.
pub fn decision_value(po: f64, pm: f64) -> f64 {
    ((pm + 1.0) / (po + 1.0)).ln()
}

/// The probability that the leaning role is right, for decision value `d`.
pub fn leaning_confidence(d: f64, c: Calibration) -> f64 {
    let p_pm = 1.0 / (1.0 + (-(c.a * d + c.b)).exp());
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
    let total = po + pm;
    let lean = if total > 0.0 { (pm - po) / total } else { 0.0 };
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
        is_calibrated: calibration.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let v = decide(1.0, 9.0, &t, Some(Calibration { a: 2.0, b: 0.0 }));
        assert!(v.is_calibrated && v.lean == 0.8);
    }

    #[test]
    fn label_names_round_trip() {
        for l in Label::ALL {
            assert_eq!(Label::parse(l.as_str()), Some(l));
        }
    }
}
