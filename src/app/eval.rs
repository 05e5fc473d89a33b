//! `popm eval`: accuracy against labeled postings.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use popm::io::fixed;
use popm::io::Source;
use popm::io::{decode_field, ColumnSel, Record};
use popm::report::eval::{
    calibration_report, evaluate, mask_role_names, CalibrationReport, Case, Metrics, Report,
};
use popm::Label;
use rayon::prelude::*;

use super::{classifier, print_warning, read_options};
use crate::cli::EvalArgs;
use popm::io::ColumnPlan;

/// Runs `popm eval`.
pub fn run(args: EvalArgs) -> Result<ExitCode> {
    let c = classifier(&args.lexicon, &args.thresholds, &args.scoring)?;
    let pool = popm::thread_pool(args.threads)?;
    let opts = read_options(&args.columns)?;
    let mut cases = Vec::new();
    let mut row_errors = 0usize;
    for file in &args.files {
        let mut src = Source::open(file, &opts)?;
        if let Some(note) = src.encoding_note() {
            print_warning(&format!("{}: {note}", src.name()));
        }
        let plan = ColumnPlan::resolve(&mut src, &args.columns.choice())?;
        let title_col = src.find_column(popm::io::TITLE_COLUMN_NAMES);
        let label_col = src.resolve(&ColumnSel::parse(&args.label_col), "--label-col")?;
        // `--by language` groups by the guessed language unless the input has such a column.
        let by_language = args.by.as_deref().is_some_and(|b| {
            b.eq_ignore_ascii_case("language") && src.find_column(&["language"]).is_none()
        });
        let by_col = args
            .by
            .as_ref()
            .filter(|_| !by_language)
            .map(|b| src.resolve(&ColumnSel::parse(b), "--by"))
            .transpose()?;
        let group_default = Path::new(file)
            .file_stem()
            .map_or_else(|| file.clone(), |s| s.to_string_lossy().into_owned());
        let mut records: Vec<Record> = Vec::new();
        loop {
            let mut batch = Vec::new();
            let more = src.read_batch(&mut batch)?;
            records.extend(batch);
            if !more {
                break;
            }
        }
        let name = src.name().to_string();
        let results: Vec<(Case, Vec<String>)> = pool.install(|| {
            records
                .par_iter()
                .map(|rec| {
                    let mut texts = plan.texts(rec, &name);
                    if args.mask_roles {
                        for f in &mut texts.fields {
                            if let Cow::Owned(masked) = mask_role_names(f) {
                                *f = Cow::Owned(masked);
                            }
                        }
                    }
                    let mut warnings = texts.warnings.clone();
                    if let Some(e) = &texts.error {
                        warnings.push(format!("{name}:{}: row {}: {e}", rec.line, rec.row));
                    }
                    let field = |i: Option<usize>| {
                        i.and_then(|i| rec.fields.get(i))
                            .map(|b| decode_field(b).0.trim().to_string())
                    };
                    let predicted = c.classify(&texts.posting());
                    let language = predicted.language;
                    let case = Case {
                        // The classifier found it, from the title when it sees one.
                        self_role: predicted.self_role,
                        title_role: field(title_col)
                            .filter(|t| !t.is_empty())
                            .map(|t| c.title_role(&t)),
                        language: language.to_string(),
                        is_error: texts.error.is_some(),
                        gold: field(Some(label_col)).unwrap_or_default(),
                        predicted,
                        group: if by_language {
                            language.to_string()
                        } else {
                            field(by_col).unwrap_or_else(|| group_default.clone())
                        },
                        id: field(plan.id).unwrap_or_else(|| rec.row.to_string()),
                    };
                    (case, warnings)
                })
                .collect()
        });
        for (case, warnings) in results {
            for w in &warnings {
                print_warning(w);
            }
            row_errors += usize::from(case.is_error);
            cases.push(case);
        }
    }
    let report = evaluate(&cases, c.lexicon());
    let calibration = args.calibrate.then(|| calibration_report(&cases));
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut v = serde_json::to_value(&report)?;
        v["lexicon"] = serde_json::json!(c.lexicon().identity());
        v["calibrated"] = serde_json::json!(c.lexicon().calibration().is_some());
        if let Some(cal) = &calibration {
            v["calibration"] = serde_json::to_value(cal)?;
        }
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        let identity = c.lexicon().identity();
        let is_calibrated = c.lexicon().calibration().is_some();
        let text = render(&report, &identity, is_calibrated, args.show_wrong);
        out.write_all(text.as_bytes())?;
        if let Some(cal) = &calibration {
            out.write_all(render_calibration(cal).as_bytes())?;
        }
    }
    out.flush()?;
    Ok(if row_errors > 0 {
        ExitCode::from(super::EXIT_ROW_ERRORS)
    } else {
        ExitCode::SUCCESS
    })
}

/// The calibration section: fitted constants and their leave-one-group-out check.
fn render_calibration(c: &CalibrationReport) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "\ncalibration (Platt scaling on {} decided calls)\n",
        c.decided
    ));
    match c.fitted {
        Some((a, b)) => s.push_str(&format!(
            "  fitted on all groups: a = {a:.4}, b = {b:.4}   (in-sample ECE {})\n  \
             leave-one-group-out ECE {} (each group scored with constants fitted on the others)\n\n  \
             for the lexicon:\n  [calibration]\n  method = \"platt\"\n  a = {a:.4}\n  b = {b:.4}\n",
            fixed(c.in_sample_ece, 3),
            fixed(c.loso_ece, 3)
        )),
        None => s.push_str("  not enough data: both roles need decided calls\n"),
    }
    if let Some(p) = c.other_confidence {
        s.push_str(&format!(
            "  `other` calls: {} (right, smoothed: {}); they are in the leave-one-group-out figures\n",
            c.other_calls,
            fixed(p, 3)
        ));
    }
    s.push_str("  leave-one-group-out reliability\n  confidence      n  mean conf  accuracy\n");
    s.push_str(&reliability_rows(&c.loso_reliability));
    s
}

/// The rows of a reliability table, one per non-empty bin.
fn reliability_rows(bins: &[popm::report::eval::Bin]) -> String {
    bins.iter()
        .map(|b| {
            format!(
                "  {}–{}  {:>5}  {:>9}  {:>8}\n",
                fixed(b.lower, 1),
                fixed(b.upper, 1),
                b.count,
                fixed(b.mean_confidence, 3),
                fixed(b.accuracy, 3)
            )
        })
        .collect()
}

fn headline(m: &Metrics) -> String {
    format!(
        "accuracy {}  macro-F1 {}  coverage {} (hybrid {}, unclear {})  ECE {}",
        fixed(m.accuracy, 3),
        fixed(m.macro_f1, 3),
        fixed(m.coverage, 3),
        fixed(m.hybrid_share, 3),
        fixed(m.unclear_share, 3),
        fixed(m.ece, 3)
    )
}

/// The human-readable report.
fn render(r: &Report, lexicon: &str, calibrated: bool, show_wrong: bool) -> String {
    let m = &r.overall;
    let mut s = String::new();
    s.push_str(&format!(
        "popm eval  lexicon {lexicon}{}\n",
        if calibrated {
            ""
        } else {
            " (confidence uncalibrated)"
        }
    ));
    s.push_str(&format!(
        "rows {}  in scope {} (product_owner {}, product_manager {})  out of scope {}\n\n",
        m.rows,
        m.in_scope,
        m.product_owner.support,
        m.product_manager.support,
        m.rows - m.in_scope
    ));
    s.push_str(&headline(m));
    s.push_str("\n\n");
    s.push_str("                 precision  recall     F1  support\n");
    for (name, c) in [
        ("product_owner", &m.product_owner),
        ("product_manager", &m.product_manager),
        ("other", &m.other),
    ] {
        s.push_str(&format!(
            "{name:<16} {:>9}  {:>6}  {:>5}  {:>7}\n",
            fixed(c.precision, 3),
            fixed(c.recall, 3),
            fixed(c.f1, 3),
            c.support
        ));
    }
    s.push_str("\nconfusion (rows: gold, columns: predicted)\n");
    s.push_str(&format!("{:<16}", ""));
    for (l, _) in m.confusion[0].iter() {
        s.push_str(&format!(" {:>15}", Label::row_name(l)));
    }
    s.push('\n');
    let rows = [
        ("product_owner", &m.confusion[0]),
        ("product_manager", &m.confusion[1]),
        ("other", &m.confusion_other),
    ];
    for (name, row) in rows {
        s.push_str(&format!("{name:<16}"));
        for (_, n) in row.iter() {
            s.push_str(&format!(" {n:>15}"));
        }
        s.push('\n');
    }
    if m.other_jobs > 0 {
        s.push_str(&format!(
            "\nother jobs: {} of {} labelled product_owner, product_manager or hybrid ({})\n",
            m.other_as_role,
            m.other_jobs,
            fixed(m.other_as_role_share, 3)
        ));
    }
    s.push_str("\nreliability (decided calls)\n  confidence      n  mean conf  accuracy\n");
    s.push_str(&reliability_rows(&m.reliability));
    if !m.out_of_scope.is_empty() {
        s.push_str("\nout of scope (gold label: what popm said)\n");
        for (gold, preds) in &m.out_of_scope {
            let parts: Vec<String> = preds.iter().map(|(p, n)| format!("{p} {n}")).collect();
            s.push_str(&format!("  {gold}: {}\n", parts.join(", ")));
        }
        let parts: Vec<String> = r
            .out_of_scope_self_roles
            .iter()
            .map(|(role, n)| format!("{} {n}", if role.is_empty() { "(none)" } else { role }))
            .collect();
        s.push_str(&format!("  self_role: {}\n", parts.join(", ")));
        let (agree, total) = r.out_of_scope_self_role_agreement;
        if total > 0 {
            s.push_str(&format!(
                "  self_role names the title's role in {agree} of {total} ({})\n",
                fixed(agree as f64 / total as f64, 3)
            ));
        }
    }
    if !r.groups.is_empty() {
        s.push_str("\nper group\n");
        s.push_str(&format!(
            "  {:<36} {:>4} {:>4} {:>5} {:>4} {:>8} {:>8} {:>8} {:>6} {:>10}\n",
            "group",
            "PO",
            "PM",
            "other",
            "rows",
            "accuracy",
            "macro-F1",
            "coverage",
            "ECE",
            "other→role"
        ));
        for (g, gm) in &r.groups {
            s.push_str(&format!(
                "  {:<36} {:>4} {:>4} {:>5} {:>4} {:>8} {:>8} {:>8} {:>6} {:>10}\n",
                g,
                gm.product_owner.support,
                gm.product_manager.support,
                gm.other_jobs,
                gm.rows,
                fixed(gm.accuracy, 3),
                fixed(gm.macro_f1, 3),
                fixed(gm.coverage, 3),
                fixed(gm.ece, 3),
                fixed(gm.other_as_role_share, 3)
            ));
        }
    }
    s.push_str("\nper language (guessed from function words)\n");
    s.push_str(&format!(
        "  {:<8} {:>4} {:>4} {:>5} {:>4} {:>8} {:>8} {:>8} {:>10}\n",
        "language", "PO", "PM", "other", "rows", "accuracy", "macro-F1", "coverage", "other→role"
    ));
    for (g, gm) in &r.languages {
        s.push_str(&format!(
            "  {:<8} {:>4} {:>4} {:>5} {:>4} {:>8} {:>8} {:>8} {:>10}\n",
            g,
            gm.product_owner.support,
            gm.product_manager.support,
            gm.other_jobs,
            gm.rows,
            fixed(gm.accuracy, 3),
            fixed(gm.macro_f1, 3),
            fixed(gm.coverage, 3),
            fixed(gm.other_as_role_share, 3)
        ));
    }
    if !r.wrong_phrases.is_empty() {
        s.push_str("\nphrases behind wrong calls (evidence for the wrong role)\n");
        for w in &r.wrong_phrases {
            s.push_str(&format!(
                "  {:<40} {:<3} {:<28} postings {:>3}  contribution {}\n",
                w.phrase,
                w.role,
                w.category,
                w.postings,
                fixed(w.contribution, 2)
            ));
        }
    }
    if show_wrong && !r.wrong_calls.is_empty() {
        s.push_str("\nwrong calls (group, id, gold, predicted)\n");
        for (g, id, gold, p) in &r.wrong_calls {
            s.push_str(&format!("  {g}\t{id}\t{gold}\t{p}\n"));
        }
    }
    s
}
