//! Fitting the lexicon's category multipliers (its `[weights]` table) on labeled postings.
//!
//! Each labeled Product Owner or Product Manager posting gives one feature per
//! category: what the category's entries contributed to its role's score with
//! every multiplier 1 (less what they credited the other role). The PM − PO
//! score margin is then `Σ_c s_c · m_c · x_c` (`s_c` = +1 for a PM category,
//! −1 for a PO one), and [`fit`] fits `v_c ≥ 0` in
//! `P(PM) = σ(Σ_c v_c · s_c · x_c)` by L2-regularised logistic regression
//! (projected Newton; no intercept, since the label rule compares the scores
//! with none; the two classes weighted equally, since the figures that matter
//! are macro ones). The sign constraint keeps a PO category a PO signal.
//! `λ` is chosen from [`LAMBDAS`] by the pooled leave-one-group-out log-loss
//! on the training postings. The multipliers are `v_c` scaled so that the
//! contribution-weighted mean multiplier over the training postings is 1
//! (the label thresholds keep their meaning), rounded to two decimals and kept
//! within [`MIN_MULTIPLIER`]–10. A category matched in
//! fewer than [`MIN_POSTINGS`] training postings is too thin to fit: it keeps
//! its hand weight (multiplier 1, not listed).
//!
//! [`evaluate_fit`] checks the procedure leave one group out: each group's
//! postings are classified (by the real [`Classifier`]) with multipliers fitted
//! on the other groups only, and the pooled held-out figures are the headline;
//! the same postings with the hand weights (every multiplier 1) are the baseline.

use rayon::prelude::*;
use serde::Serialize;

use crate::classify::{Classification, Classifier, Posting};
use crate::judge::calibrate::sigmoid;
use crate::lexicon::{Lexicon, Role};
use crate::report::eval::{metrics, Case, Metrics};

/// The regularisation strengths tried.
pub const LAMBDAS: [f64; 4] = [0.01, 0.1, 1.0, 10.0];

/// The strength used when there are too few groups to choose one.
pub const DEFAULT_LAMBDA: f64 = 1.0;

/// A category must be matched in at least this many training postings to be fitted.
pub const MIN_POSTINGS: usize = 5;

/// The smallest fitted multiplier written (a category the fit drives to 0 keeps this much).
pub const MIN_MULTIPLIER: f64 = 0.1;

/// Newton iterations at most.
const MAX_ITERATIONS: usize = 100;

/// One labeled posting.
#[derive(Clone, Debug)]
pub struct LabeledPosting {
    /// Its text fields, then its title when `has_title`.
    pub fields: Vec<String>,
    /// Whether the last field is the title.
    pub has_title: bool,
    /// The gold label as written (`product_owner`, `product_manager`, anything else).
    pub gold: String,
    /// Its group (source file or `--by` value): what is left out together.
    pub group: String,
    /// Its id, for reports.
    pub id: String,
}

impl LabeledPosting {
    fn posting(&self) -> Posting<'_> {
        let n = self.fields.len() - usize::from(self.has_title && !self.fields.is_empty());
        Posting {
            title: (self.has_title && !self.fields.is_empty()).then(|| self.fields[n].as_str()),
            texts: self.fields[..n].iter().map(String::as_str).collect(),
        }
    }

    /// `Some(true)` for PM, `Some(false)` for PO, `None` for any other label.
    fn is_pm(&self) -> Option<bool> {
        match Role::parse(self.gold.trim())? {
            Role::Pm => Some(true),
            Role::Po => Some(false),
        }
    }
}

/// Fitted multipliers.
#[derive(Clone, Debug, Serialize)]
pub struct Fit {
    /// The regularisation strength used.
    pub lambda: f64,
    /// One per category of the lexicon: the fitted multiplier, or `None` (hand weight, 1).
    pub multipliers: Vec<Option<f64>>,
    /// Training postings each category is matched in.
    pub postings: Vec<usize>,
    /// Categories too thin to fit (matched in fewer than [`MIN_POSTINGS`] training postings).
    pub thin: Vec<usize>,
}

/// The training data: signed features per posting, label, class weight, group.
struct Data {
    /// `s_c · x_c` per posting, per category.
    x: Vec<Vec<f64>>,
    y: Vec<bool>,
    group: Vec<String>,
}

/// The signed features of a classification with multipliers 1: per category,
/// `s_c · (contribution − credit to the other role)`.
fn features(lex: &Lexicon, c: &Classification) -> Vec<f64> {
    let mut x = vec![0.0; lex.categories().len()];
    for e in &c.score.evidence {
        let cat = lex.entry(e.entry).category();
        let sign = match e.role {
            Role::Pm => 1.0,
            Role::Po => -1.0,
        };
        x[cat] += sign * (e.contribution - e.credit_other);
    }
    x
}

/// The lexicon with every multiplier 1 (the hand weights).
fn hand(lex: &Lexicon) -> crate::Result<Lexicon> {
    lex.clone()
        .with_multipliers(&vec![None; lex.categories().len()])
}

fn classify_all(c: &Classifier, postings: &[&LabeledPosting]) -> Vec<Classification> {
    postings
        .par_iter()
        .map(|p| c.classify(&p.posting()))
        .collect()
}

fn case(p: &LabeledPosting, predicted: Classification) -> Case {
    Case {
        gold: p.gold.clone(),
        group: p.group.clone(),
        id: p.id.clone(),
        is_error: false,
        language: predicted.language.to_string(),
        self_role: predicted.self_role,
        title_role: None,
        predicted,
    }
}

/// Weighted negative log-likelihood plus `λ/2 · |v|²`, its gradient and Hessian.
fn objective(d: &Data, rows: &[usize], v: &[f64], lambda: f64, cw: [f64; 2]) -> f64 {
    let mut f = 0.5 * lambda * v.iter().map(|a| a * a).sum::<f64>();
    for &i in rows {
        let z: f64 = d.x[i].iter().zip(v).map(|(a, b)| a * b).sum();
        let w = cw[usize::from(d.y[i])];
        // log(1 + exp(-t)) for t = ±z, stably.
        let t = if d.y[i] { z } else { -z };
        f += w
            * (if t > 0.0 {
                (-t).exp().ln_1p()
            } else {
                -t + t.exp().ln_1p()
            });
    }
    f
}

/// Class weights that give both classes of `rows` the same total weight.
fn class_weights(d: &Data, rows: &[usize]) -> [f64; 2] {
    let pm = rows.iter().filter(|&&i| d.y[i]).count() as f64;
    let po = rows.len() as f64 - pm;
    let n = rows.len() as f64;
    [
        if po > 0.0 { n / (2.0 * po) } else { 0.0 },
        if pm > 0.0 { n / (2.0 * pm) } else { 0.0 },
    ]
}

/// Non-negative L2-regularised logistic regression on `rows` over the feature
/// indexes `cols`, by projected Newton; returns `v` (0 outside `cols`).
fn fit_v(d: &Data, rows: &[usize], cols: &[usize], lambda: f64) -> Vec<f64> {
    let p = d.x.first().map_or(0, Vec::len);
    let mut v = vec![0.0; p];
    for &c in cols {
        v[c] = 0.1;
    }
    let cw = class_weights(d, rows);
    let mut f = objective(d, rows, &v, lambda, cw);
    for _ in 0..MAX_ITERATIONS {
        let k = cols.len();
        let mut g = vec![0.0; k];
        let mut h = vec![vec![0.0; k]; k];
        for (a, &c) in cols.iter().enumerate() {
            g[a] = lambda * v[c];
            h[a][a] = lambda;
        }
        for &i in rows {
            let z: f64 = d.x[i].iter().zip(&v).map(|(a, b)| a * b).sum();
            let q = sigmoid(z);
            let w = cw[usize::from(d.y[i])];
            let r = w * (q - f64::from(u8::from(d.y[i])));
            let s = w * (q * (1.0 - q)).max(1e-12);
            for (a, &ca) in cols.iter().enumerate() {
                let xa = d.x[i][ca];
                if xa == 0.0 {
                    continue;
                }
                g[a] += r * xa;
                for (b, &cb) in cols.iter().enumerate() {
                    h[a][b] += s * xa * d.x[i][cb];
                }
            }
        }
        // Variables at their bound that the gradient pushes out stay there.
        let free: Vec<usize> = (0..k)
            .filter(|&a| !(v[cols[a]] <= 0.0 && g[a] > 0.0))
            .collect();
        if free.is_empty() {
            break;
        }
        let hf: Vec<Vec<f64>> = free
            .iter()
            .map(|&a| free.iter().map(|&b| h[a][b]).collect())
            .collect();
        let gf: Vec<f64> = free.iter().map(|&a| -g[a]).collect();
        let Some(step) = solve(hf, gf) else { break };
        let mut t = 1.0;
        let mut moved = false;
        for _ in 0..40 {
            let mut nv = v.clone();
            for (j, &a) in free.iter().enumerate() {
                nv[cols[a]] = (v[cols[a]] + t * step[j]).max(0.0);
            }
            let nf = objective(d, rows, &nv, lambda, cw);
            let decrease: f64 = cols
                .iter()
                .enumerate()
                .map(|(a, &c)| g[a] * (nv[c] - v[c]))
                .sum();
            if nf <= f + 1e-4 * decrease {
                let change = cols
                    .iter()
                    .map(|&c| (nv[c] - v[c]).abs())
                    .fold(0.0, f64::max);
                v = nv;
                moved = change > 1e-10;
                f = nf;
                break;
            }
            t *= 0.5;
        }
        if !moved {
            break;
        }
    }
    v
}

/// Solves `a · x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let piv = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() < 1e-300 {
            return None;
        }
        a.swap(col, piv);
        b.swap(col, piv);
        let (top, rest) = a.split_at_mut(col + 1);
        let pivot_row = &top[col];
        for (k, row) in rest.iter_mut().enumerate() {
            let factor = row[col] / pivot_row[col];
            if factor != 0.0 {
                for (x, p) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                    *x -= factor * p;
                }
                b[col + 1 + k] -= factor * b[col];
            }
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|c| a[r][c] * x[c]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// The categories matched in at least [`MIN_POSTINGS`] of `rows`, and the count per category.
fn columns(d: &Data, rows: &[usize], p: usize) -> (Vec<usize>, Vec<usize>) {
    let mut seen = vec![0usize; p];
    for &i in rows {
        for (c, &x) in d.x[i].iter().enumerate() {
            seen[c] += usize::from(x != 0.0);
        }
    }
    let cols = (0..p).filter(|&c| seen[c] >= MIN_POSTINGS).collect();
    (cols, seen)
}

/// The `λ` of [`LAMBDAS`] with the least pooled leave-one-group-out log-loss on `rows`.
fn choose_lambda(d: &Data, rows: &[usize], p: usize) -> f64 {
    let mut groups: Vec<&str> = rows.iter().map(|&i| d.group[i].as_str()).collect();
    groups.sort_unstable();
    groups.dedup();
    if groups.len() < 2 {
        return DEFAULT_LAMBDA;
    }
    let cw = class_weights(d, rows);
    let mut best = (f64::INFINITY, DEFAULT_LAMBDA);
    for &lambda in &LAMBDAS {
        let mut loss = 0.0;
        for g in &groups {
            let train: Vec<usize> = rows.iter().copied().filter(|&i| d.group[i] != *g).collect();
            let test: Vec<usize> = rows.iter().copied().filter(|&i| d.group[i] == *g).collect();
            let (cols, _) = columns(d, &train, p);
            let v = fit_v(d, &train, &cols, lambda);
            loss += objective(d, &test, &v, 0.0, cw);
        }
        // Ties go to the stronger regularisation (later in LAMBDAS).
        if loss <= best.0 {
            best = (loss, lambda);
        }
    }
    best.1
}

/// Fits multipliers on `rows` of the data.
fn fit_rows(d: &Data, rows: &[usize], p: usize) -> Fit {
    let lambda = choose_lambda(d, rows, p);
    let (cols, seen) = columns(d, rows, p);
    let v = fit_v(d, rows, &cols, lambda);
    // Contribution mass per category over the training postings.
    let mass: Vec<f64> = (0..p)
        .map(|c| rows.iter().map(|&i| d.x[i][c].abs()).sum())
        .collect();
    let total: f64 = cols.iter().map(|&c| mass[c]).sum();
    let weighted: f64 = cols.iter().map(|&c| v[c] * mass[c]).sum();
    let mut multipliers = vec![None; p];
    if weighted > 0.0 {
        let k = total / weighted;
        for &c in &cols {
            let m = ((k * v[c]) * 100.0).round() / 100.0;
            multipliers[c] = Some(m.clamp(MIN_MULTIPLIER, crate::lexicon::MAX_MULTIPLIER));
        }
    }
    Fit {
        lambda,
        multipliers,
        thin: (0..p).filter(|c| !cols.contains(c)).collect(),
        postings: seen,
    }
}

/// Fits the multipliers of `lexicon`'s categories on every labeled PO and PM posting.
///
/// # Errors
///
/// When the lexicon's automaton cannot be built.
pub fn fit(lexicon: &Lexicon, postings: &[LabeledPosting]) -> crate::Result<Fit> {
    let (d, _) = data(lexicon, postings)?;
    let rows: Vec<usize> = (0..d.y.len()).collect();
    Ok(fit_rows(&d, &rows, lexicon.categories().len()))
}

/// The features of the in-scope postings (with the hand weights), and their indexes in `postings`.
fn data(lexicon: &Lexicon, postings: &[LabeledPosting]) -> crate::Result<(Data, Vec<usize>)> {
    let lex = hand(lexicon)?;
    let c = Classifier::new(lex.clone())?;
    let in_scope: Vec<usize> = (0..postings.len())
        .filter(|&i| postings[i].is_pm().is_some())
        .collect();
    let refs: Vec<&LabeledPosting> = in_scope.iter().map(|&i| &postings[i]).collect();
    let results = classify_all(&c, &refs);
    let d = Data {
        x: results.iter().map(|r| features(&lex, r)).collect(),
        y: refs.iter().map(|p| p.is_pm() == Some(true)).collect(),
        group: refs.iter().map(|p| p.group.clone()).collect(),
    };
    Ok((d, in_scope))
}

/// The fit checked leave one group out, the hand weights on the same postings,
/// and the fit on everything (for the lexicon).
#[derive(Clone, Debug, Serialize)]
pub struct FitReport {
    /// Labeled Product Owner postings.
    pub product_owner: usize,
    /// Labeled Product Manager postings.
    pub product_manager: usize,
    /// The groups, each with the `λ` chosen when it was left out.
    pub folds: Vec<(String, f64)>,
    /// Every posting classified with multipliers fitted without its group (the headline).
    pub loso_fitted: Metrics,
    /// Every posting classified with the hand weights (every multiplier 1).
    pub hand: Metrics,
    /// Every posting classified with the multipliers fitted on all of them (optimistic).
    pub in_sample: Metrics,
    /// The fit on every posting: what goes into the lexicon.
    pub fit: Fit,
}

/// Fits the multipliers on every group but one and classifies that group's postings
/// (all of them, other jobs included), for each group; also the hand weights and the
/// fit on all postings.
///
/// # Errors
///
/// When a classifier cannot be built, or the data has no labeled PO or no PM posting.
pub fn evaluate_fit(lexicon: &Lexicon, postings: &[LabeledPosting]) -> crate::Result<FitReport> {
    let (d, _) = data(lexicon, postings)?;
    let p = lexicon.categories().len();
    let n_pm = d.y.iter().filter(|&&y| y).count();
    let n_po = d.y.len() - n_pm;
    if n_pm == 0 || n_po == 0 {
        return Err(crate::Error::lexicon(
            lexicon.name(),
            None,
            format!("fitting needs labeled postings of both roles ({n_po} product_owner, {n_pm} product_manager)"),
        ));
    }
    let all: Vec<&LabeledPosting> = postings.iter().collect();
    let with = |m: &[Option<f64>]| -> crate::Result<Classifier> {
        Classifier::new(lexicon.clone().with_multipliers(m)?)
    };
    let cases = |c: &Classifier, ps: &[&LabeledPosting]| -> Vec<Case> {
        classify_all(c, ps)
            .into_iter()
            .zip(ps)
            .map(|(r, p)| case(p, r))
            .collect()
    };
    let hand_cases = cases(&with(&vec![None; p])?, &all);
    let mut groups: Vec<&str> = postings.iter().map(|x| x.group.as_str()).collect();
    groups.sort_unstable();
    groups.dedup();
    let mut loso = Vec::with_capacity(postings.len());
    let mut folds = Vec::new();
    for g in &groups {
        let train: Vec<usize> = (0..d.y.len()).filter(|&i| d.group[i] != *g).collect();
        let held: Vec<&LabeledPosting> = postings.iter().filter(|x| x.group == *g).collect();
        let (m, lambda) = if train.iter().any(|&i| d.y[i]) && train.iter().any(|&i| !d.y[i]) {
            let f = fit_rows(&d, &train, p);
            (f.multipliers, f.lambda)
        } else {
            // Nothing to fit on without this group: the hand weights.
            (vec![None; p], f64::NAN)
        };
        folds.push((g.to_string(), lambda));
        loso.extend(cases(&with(&m)?, &held));
    }
    let rows: Vec<usize> = (0..d.y.len()).collect();
    let fit = fit_rows(&d, &rows, p);
    let in_sample = cases(&with(&fit.multipliers)?, &all);
    Ok(FitReport {
        product_owner: n_po,
        product_manager: n_pm,
        folds,
        loso_fitted: metrics(&loso),
        hand: metrics(&hand_cases),
        in_sample: metrics(&in_sample),
        fit,
    })
}

/// The `[weights]` table of a fit, as TOML lines (thin categories are not listed).
pub fn weights_toml(lexicon: &Lexicon, fit: &Fit, comment: &str) -> String {
    let mut s = String::new();
    for line in comment.lines() {
        s.push_str(&format!("# {line}\n").replace("#  \n", "#\n"));
    }
    for role in [Role::Po, Role::Pm] {
        s.push_str(&format!("[weights.{role}]\n"));
        for (c, cat) in lexicon.categories().iter().enumerate() {
            if cat.role() != role {
                continue;
            }
            if let Some(m) = fit.multipliers.get(c).copied().flatten() {
                s.push_str(&format!("{} = {m}\n", toml_key(cat.name())));
            }
        }
    }
    s
}

fn toml_key(name: &str) -> String {
    if !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        name.to_string()
    } else {
        format!("{name:?}")
    }
}

/// `text` (a lexicon file) with its `[weights]` tables removed and `table` appended.
pub fn set_weights_table(text: &str, table: &str) -> String {
    let mut out = String::with_capacity(text.len() + table.len() + 1);
    let mut skipping = false;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with('[') {
            let header = t.trim_start_matches('[').trim_start();
            skipping = !t.starts_with("[[")
                && (header.starts_with("weights]")
                    || header.starts_with("weights.")
                    || header.starts_with("weights ]"));
        }
        if !skipping {
            out.push_str(line);
        }
    }
    if !out.ends_with('\n') && !out.is_empty() {
        out.push('\n');
    }
    out.push('\n');
    out.push_str(table);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEX: &str = r#"
[[category]]
name = "backlog"
role = "po"
entries = [{ phrase = "backlog", weight = 2 }]
[[category]]
name = "noise-po"
role = "po"
entries = [{ phrase = "synergy", weight = 2 }]
[[category]]
name = "roadmap"
role = "pm"
entries = [{ phrase = "roadmap", weight = 2 }]
[[category]]
name = "rare"
role = "pm"
entries = [{ phrase = "pricing", weight = 2 }]
"#;

    fn posting(text: &str, gold: &str, group: &str) -> LabeledPosting {
        LabeledPosting {
            fields: vec![text.to_string()],
            has_title: false,
            gold: gold.to_string(),
            group: group.to_string(),
            id: String::new(),
        }
    }

    /// PO postings: backlog, PM postings: roadmap; "synergy" in both (no signal); "pricing" once.
    fn toy() -> Vec<LabeledPosting> {
        let mut v = Vec::new();
        for g in ["a", "b", "c"] {
            for i in 0..6 {
                let noise = if i % 2 == 0 { " synergy" } else { "" };
                v.push(posting(
                    &format!("backlog backlog{noise}"),
                    "product_owner",
                    g,
                ));
                v.push(posting(
                    &format!("roadmap roadmap{noise}"),
                    "product_manager",
                    g,
                ));
            }
        }
        v.push(posting("roadmap pricing", "product_manager", "a"));
        v.push(posting("roadmap", "other", "a"));
        v
    }

    #[test]
    fn a_separable_set_gives_the_right_signs_and_thin_categories_keep_one() {
        let lex = Lexicon::parse(LEX, "t").unwrap();
        let f = fit(&lex, &toy()).unwrap();
        let m = |c: usize| f.multipliers[c];
        // Signal categories weigh more than the one that does not separate.
        let (backlog, noise, roadmap) = (m(0).unwrap(), m(1).unwrap(), m(2).unwrap());
        assert!(backlog > noise && roadmap > noise, "{f:?}");
        assert_eq!(m(3), None, "pricing is matched once: hand weight");
        assert_eq!(f.thin, vec![3]);
        assert_eq!(f.postings[3], 1);
        for x in [backlog, noise, roadmap] {
            assert!((MIN_MULTIPLIER..=crate::lexicon::MAX_MULTIPLIER).contains(&x));
        }
    }

    #[test]
    fn multipliers_are_normalised_to_a_weighted_mean_of_one() {
        let lex = Lexicon::parse(LEX, "t").unwrap();
        let postings = toy();
        let (d, _) = data(&lex, &postings).unwrap();
        let f = fit(&lex, &postings).unwrap();
        let (mut num, mut den) = (0.0, 0.0);
        for x in &d.x {
            for (m, v) in f.multipliers.iter().zip(x).take(3) {
                num += m.unwrap() * v.abs();
                den += v.abs();
            }
        }
        assert!((num / den - 1.0).abs() < 0.02, "{}", num / den);
    }

    #[test]
    fn the_fit_solves_a_nonnegative_problem() {
        // One feature that separates (+ for PM), one that points the wrong way: clipped to 0.
        let d = Data {
            x: vec![
                vec![1.0, 1.0],
                vec![2.0, 1.0],
                vec![-1.0, -1.0],
                vec![-2.0, -1.0],
                vec![1.0, -1.0],
                vec![-1.0, 1.0],
            ],
            y: vec![true, true, false, false, true, false],
            group: vec!["a".into(); 6],
        };
        let rows: Vec<usize> = (0..6).collect();
        let v = fit_v(&d, &rows, &[0, 1], 0.1);
        assert!(v[0] > 1.0, "{v:?}");
        assert!(v[1] >= 0.0 && v[1] < v[0], "{v:?}");
        let d2 = Data {
            x: d.x.iter().map(|r| vec![-r[0]]).collect(),
            ..d
        };
        assert_eq!(fit_v(&d2, &rows, &[0], 0.1), vec![0.0]);
    }

    #[test]
    fn leave_one_group_out_report_and_lexicon_round_trip() {
        let lex = Lexicon::parse(LEX, "t").unwrap();
        let r = evaluate_fit(&lex, &toy()).unwrap();
        assert_eq!((r.product_owner, r.product_manager), (18, 19));
        assert_eq!(r.folds.len(), 3);
        assert_eq!(r.loso_fitted.in_scope, 37);
        assert!(r.loso_fitted.accuracy > 0.9, "{:?}", r.loso_fitted);
        let table = weights_toml(&lex, &r.fit, "fitted\n");
        let text = set_weights_table(&format!("{LEX}\n[weights.pm]\nrare = 3\n"), &table);
        assert!(!text.contains("rare = 3"), "{text}");
        let back = Lexicon::parse(&text, "w").unwrap();
        for c in 0..4 {
            assert_eq!(
                back.category_multiplier(c),
                r.fit.multipliers[c].unwrap_or(1.0)
            );
        }
        assert!(!back.categories()[3].has_multiplier());
    }
}
