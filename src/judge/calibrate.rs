//! Platt scaling: fitting the map from a posting's decision value to a calibrated confidence.
//!
//! The decision value is `d = ln((pm + 1) / (po + 1))` (see [`crate::judge::label`]).
//! [`fit_platt`] fits `P(PM | d) = 1 / (1 + exp(-(a·d + b)))` by maximum
//! likelihood (Newton's method) on labeled postings, with Platt's smoothed
//! targets `(n₊ + 1) / (n₊ + 2)` and `1 / (n₋ + 2)` so that a small or separable
//! sample does not give infinite slopes. The fitted `a` and `b` go into the
//! lexicon's `[calibration]` table.

use crate::lexicon::Calibration;

/// Newton iterations at most.
const MAX_ITERATIONS: usize = 100;

/// A small ridge on both parameters keeps the Hessian invertible.
const RIDGE: f64 = 1e-6;

/// Fits Platt constants to `(decision value, is PM)` pairs.
///
/// Returns `None` without at least one example of each class.
pub fn fit_platt(points: &[(f64, bool)]) -> Option<Calibration> {
    let n_pos = points.iter().filter(|p| p.1).count() as f64;
    let n_neg = points.len() as f64 - n_pos;
    if n_pos == 0.0 || n_neg == 0.0 {
        return None;
    }
    let t_pos = (n_pos + 1.0) / (n_pos + 2.0);
    let t_neg = 1.0 / (n_neg + 2.0);
    let (mut a, mut b) = (1.0f64, 0.0f64);
    for _ in 0..MAX_ITERATIONS {
        // Gradient and Hessian of the negative log-likelihood.
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (RIDGE * a, RIDGE * b, RIDGE, 0.0, RIDGE);
        for &(d, y) in points {
            let t = if y { t_pos } else { t_neg };
            let p = sigmoid(a * d + b);
            let r = p - t;
            ga += r * d;
            gb += r;
            let w = (p * (1.0 - p)).max(1e-12);
            haa += w * d * d;
            hab += w * d;
            hbb += w;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-18 {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        a -= da;
        b -= db;
        if da.abs() < 1e-10 && db.abs() < 1e-10 {
            break;
        }
    }
    Calibration::new(a, b)
}

/// The logistic function.
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_known_slope() {
        // Deterministic sample from P(PM | d) = sigmoid(2d - 0.5).
        let mut pts = Vec::new();
        let mut state: u64 = 42;
        for i in 0..4000 {
            let d = (i % 200) as f64 / 40.0 - 2.5;
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            pts.push((d, u < sigmoid(2.0 * d - 0.5)));
        }
        let c = fit_platt(&pts).unwrap();
        assert!((c.a() - 2.0).abs() < 0.25, "{c:?}");
        assert!((c.b() + 0.5).abs() < 0.2, "{c:?}");
    }

    #[test]
    fn separable_data_stays_finite_and_one_class_is_none() {
        let pts = [(-2.0, false), (-1.0, false), (1.0, true), (2.0, true)];
        let c = fit_platt(&pts).unwrap();
        assert!(c.a() > 0.0 && c.a().is_finite());
        assert!(fit_platt(&[(1.0, true)]).is_none());
    }
}
