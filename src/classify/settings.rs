//! The ranges of the thresholds and scoring constants, checked once for every
//! front end (the CLI's flags, the Python package's arguments, the library's builder).

use std::fmt;

use crate::judge::label::Thresholds;
use crate::judge::score::ScoringParams;

/// Settings out of their range: which ones (by field name) and what they must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfRange {
    /// The field names of the settings the rule covers.
    pub settings: &'static [&'static str],
    /// What they must be ("0 or more").
    pub must_be: &'static str,
}

impl OutOfRange {
    /// "a, b and c must be …", each setting written by `name` (a flag, an argument).
    pub fn message(&self, name: impl Fn(&str) -> String) -> String {
        let names: Vec<String> = self.settings.iter().map(|s| name(s)).collect();
        let list = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.concat(),
        };
        format!("{list} must be {}", self.must_be)
    }
}

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(str::to_string))
    }
}

/// The first range that `thresholds` and `params` break, if any.
pub fn settings_out_of_range(
    thresholds: &Thresholds,
    params: &ScoringParams,
) -> Option<OutOfRange> {
    let t = thresholds;
    // Written so that NaN is out of every range.
    let scores = [
        t.min_score,
        t.hybrid_min,
        t.strong_score,
        t.min_score_unnamed,
    ];
    if !scores.iter().all(|&s| s >= 0.0) {
        return Some(OutOfRange {
            settings: &[
                "min_score",
                "hybrid_min",
                "strong_score",
                "min_score_unnamed",
            ],
            must_be: "0 or more",
        });
    }
    if !(0.0..=1.0).contains(&t.hybrid_margin) {
        return Some(OutOfRange {
            settings: &["hybrid_margin"],
            must_be: "between 0 and 1",
        });
    }
    let multipliers = [
        params.self_boost,
        params.title_weight,
        params.colleague_credit,
    ];
    if multipliers.iter().any(|x| !(x.is_finite() && *x >= 0.0)) {
        return Some(OutOfRange {
            settings: &["self_boost", "title_weight", "colleague_credit"],
            must_be: "0 or more",
        });
    }
    if !(0.0..1.0).contains(&params.repeat_decay) {
        return Some(OutOfRange {
            settings: &["repeat_decay"],
            must_be: "at least 0 and below 1",
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_in_range_and_each_rule_names_its_settings() {
        let t = Thresholds::default();
        let p = ScoringParams::default();
        assert_eq!(settings_out_of_range(&t, &p), None);
        let flag = |s: &str| format!("--{}", s.replace('_', "-"));
        let bad_t = Thresholds {
            strong_score: f64::NAN,
            ..t
        };
        assert_eq!(
            settings_out_of_range(&bad_t, &p).map(|e| e.message(flag)).as_deref(),
            Some("--min-score, --hybrid-min, --strong-score and --min-score-unnamed must be 0 or more")
        );
        let margin = Thresholds {
            hybrid_margin: 2.0,
            ..t
        };
        assert_eq!(
            settings_out_of_range(&margin, &p)
                .map(|e| e.to_string())
                .as_deref(),
            Some("hybrid_margin must be between 0 and 1")
        );
        let boost = ScoringParams {
            self_boost: f64::INFINITY,
            ..p
        };
        assert_eq!(
            settings_out_of_range(&t, &boost)
                .map(|e| e.message(flag))
                .as_deref(),
            Some("--self-boost, --title-weight and --colleague-credit must be 0 or more")
        );
        for decay in [1.0, -0.1] {
            let d = ScoringParams {
                repeat_decay: decay,
                ..p
            };
            assert_eq!(
                settings_out_of_range(&t, &d)
                    .map(|e| e.to_string())
                    .as_deref(),
                Some("repeat_decay must be at least 0 and below 1"),
                "{decay}"
            );
        }
        let zero = ScoringParams {
            repeat_decay: 0.0,
            ..p
        };
        assert_eq!(settings_out_of_range(&t, &zero), None);
    }
}
