//! `popm learn`: phrases that separate PO from PM postings, for a person to review.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use popm::io::fixed;
use popm::io::Record;
use popm::io::Source;
use popm::report::learn::{learn, to_lexicon_toml, LabeledText};
use popm::Role;

use super::{load_lexicon, print_warning, read_options};
use crate::cli::{LearnArgs, LearnFormat};
use popm::io::ColumnPlan;
use popm::io::{decode_field, ColumnSel};
use popm::report::eval::Metrics;
use popm::report::fit::{
    evaluate_fit, set_weights_table, weights_toml, FitReport, LabeledPosting, MIN_POSTINGS,
};

/// Runs `popm learn`.
pub fn run(args: LearnArgs) -> Result<ExitCode> {
    if args.fit {
        return run_fit(&args);
    }
    let lexicon = load_lexicon(&args.lexicon)?;
    let opts = read_options(&args.columns)?;
    let mut texts = Vec::new();
    for file in &args.files {
        let mut src = Source::open(file, &opts)?;
        if let Some(note) = src.encoding_note() {
            print_warning(&format!("{}: {note}", src.name()));
        }
        let mut plan = ColumnPlan::resolve(&mut src, &args.columns.choice())?;
        // The title names the label; learning from it would only rediscover the role names.
        plan.title = None;
        let label_col = src.resolve(&popm::io::ColumnSel::parse(&args.label_col), "--label-col")?;
        let mut batch: Vec<Record> = Vec::new();
        loop {
            let more = src.read_batch(&mut batch)?;
            for rec in &batch {
                let label = rec
                    .fields
                    .get(label_col)
                    .map(|b| String::from_utf8_lossy(b).trim().to_ascii_lowercase());
                let role = match label.as_deref() {
                    Some("product_owner") => Role::Po,
                    Some("product_manager") => Role::Pm,
                    _ => continue,
                };
                let t = plan.texts(rec, src.name());
                if t.error.is_none() {
                    texts.push(LabeledText {
                        role,
                        text: t.fields.join("\n"),
                    });
                }
            }
            if !more {
                break;
            }
        }
    }
    let n_po = texts.iter().filter(|t| t.role == Role::Po).count();
    let n_pm = texts.len() - n_po;
    if n_po == 0 || n_pm == 0 {
        anyhow::bail!(
            "learn needs postings of both roles in --label-col {:?} (found {n_po} product_owner, {n_pm} product_manager)",
            args.label_col
        );
    }
    let suggestions = learn(&texts, &lexicon, args.min_docs, args.top)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        LearnFormat::Json => {
            writeln!(out, "{}", serde_json::to_string_pretty(&suggestions)?)?;
        }
        LearnFormat::Lexicon => {
            out.write_all(to_lexicon_toml(&suggestions, &args.files.join(", ")).as_bytes())?;
        }
        LearnFormat::Table => {
            writeln!(
                out,
                "popm learn: {n_po} product_owner and {n_pm} product_manager postings"
            )?;
            for role in [Role::Po, Role::Pm] {
                writeln!(
                    out,
                    "\n{} phrases (z: negative = PO, positive = PM)",
                    role.as_str().to_uppercase()
                )?;
                writeln!(
                    out,
                    "  {:<36} {:>7} {:>5} {:>5} {:>5}  in lexicon",
                    "phrase", "z", "PO", "PM", "docs"
                )?;
                for s in suggestions.iter().filter(|s| s.role == role) {
                    writeln!(
                        out,
                        "  {:<36} {:>7} {:>5} {:>5} {:>5}  {}",
                        s.phrase,
                        fixed(s.z, 2),
                        s.count_po,
                        s.count_pm,
                        s.docs,
                        s.in_lexicon.as_deref().unwrap_or("-")
                    )?;
                    for e in &s.examples {
                        writeln!(out, "      {e}")?;
                    }
                }
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Reads every row of the labeled files (the gold label, the group, the texts).
fn read_labeled(args: &LearnArgs) -> Result<Vec<LabeledPosting>> {
    let opts = read_options(&args.columns)?;
    let mut out = Vec::new();
    for file in &args.files {
        let mut src = Source::open(file, &opts)?;
        if let Some(note) = src.encoding_note() {
            print_warning(&format!("{}: {note}", src.name()));
        }
        let plan = ColumnPlan::resolve(&mut src, &args.columns.choice())?;
        let label_col = src.resolve(&ColumnSel::parse(&args.label_col), "--label-col")?;
        let by_col = args
            .by
            .as_ref()
            .map(|b| src.resolve(&ColumnSel::parse(b), "--by"))
            .transpose()?;
        let group_default = std::path::Path::new(file)
            .file_stem()
            .map_or_else(|| file.clone(), |s| s.to_string_lossy().into_owned());
        let mut batch: Vec<Record> = Vec::new();
        loop {
            let more = src.read_batch(&mut batch)?;
            for rec in &batch {
                let field = |i: Option<usize>| {
                    i.and_then(|i| rec.fields.get(i))
                        .map(|b| decode_field(b).0.trim().to_string())
                };
                let t = plan.texts(rec, src.name());
                for w in &t.warnings {
                    print_warning(w);
                }
                if let Some(e) = &t.error {
                    print_warning(&format!(
                        "{}:{}: row {}: {e} (left out)",
                        src.name(),
                        rec.line,
                        rec.row
                    ));
                    continue;
                }
                out.push(LabeledPosting {
                    fields: t.fields.iter().map(|f| f.to_string()).collect(),
                    has_title: t.has_title,
                    gold: field(Some(label_col)).unwrap_or_default(),
                    group: field(by_col).unwrap_or_else(|| group_default.clone()),
                    id: field(plan.id).unwrap_or_else(|| rec.row.to_string()),
                });
            }
            if !more {
                break;
            }
        }
    }
    Ok(out)
}

fn figures(m: &Metrics) -> String {
    format!(
        "accuracy {}  macro-F1 {}  coverage {}  other→role {}",
        fixed(m.accuracy, 3),
        fixed(m.macro_f1, 3),
        fixed(m.coverage, 3),
        fixed(m.other_as_role_share, 3)
    )
}

/// The human report of a fit.
fn render_fit(r: &FitReport, lexicon: &popm::Lexicon) -> String {
    let mut s = format!(
        "popm learn --fit: {} product_owner and {} product_manager postings in {} groups\n\n",
        r.product_owner,
        r.product_manager,
        r.folds.len()
    );
    s.push_str("leave one group out (each group classified with weights fitted on the others)\n");
    s.push_str(&format!("  fitted weights  {}\n", figures(&r.loso_fitted)));
    s.push_str(&format!("  hand weights    {}\n", figures(&r.hand)));
    s.push_str(&format!(
        "in-sample, fitted on every group (optimistic)\n  fitted weights  {}\n\n",
        figures(&r.in_sample)
    ));
    s.push_str("lambda chosen per left-out group:");
    for (g, l) in &r.folds {
        if l.is_nan() {
            s.push_str(&format!(
                " {g} - (no other group of both roles: hand weights)"
            ));
        } else {
            s.push_str(&format!(" {g} {l}"));
        }
    }
    s.push_str(&format!(
        "\n\nweights fitted on every group (lambda {})\n  {:<4} {:<32} {:>8} {:>10}\n",
        r.fit.lambda, "role", "category", "postings", "multiplier"
    ));
    for (c, cat) in lexicon.categories().iter().enumerate() {
        let m = r.fit.multipliers[c].map_or_else(
            || format!("1 (hand: fewer than {MIN_POSTINGS} postings)"),
            |m| m.to_string(),
        );
        s.push_str(&format!(
            "  {:<4} {:<32} {:>8} {:>10}\n",
            cat.role().as_str(),
            cat.name(),
            r.fit.postings[c],
            m
        ));
    }
    s
}

/// Runs `popm learn --fit`.
fn run_fit(args: &LearnArgs) -> Result<ExitCode> {
    if !args.lexicon.extend.is_empty() {
        anyhow::bail!("--fit refits one lexicon file: use --lexicon, not --extend");
    }
    let (text, source) = match &args.lexicon.lexicon {
        Some(path) => (
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read lexicon {}", path.display()))?,
            path.display().to_string(),
        ),
        None => (
            popm::Lexicon::default_text().to_string(),
            "the default lexicon".to_string(),
        ),
    };
    let lexicon = load_lexicon(&args.lexicon)?;
    let postings = read_labeled(args)?;
    let report = evaluate_fit(&lexicon, &postings)?;
    let thin: Vec<&str> = report
        .fit
        .thin
        .iter()
        .map(|&c| lexicon.categories()[c].name())
        .collect();
    let comment = format!(
        "Category weights fitted by `popm learn --fit` on {} product_owner and {} product_manager\n\
         postings in {} groups ({}): L2-regularised logistic regression (lambda {}), sign-constrained,\n\
         multipliers scaled to a contribution-weighted mean of 1. Leave one group out:\n\
         \x20 fitted: {}\n\
         \x20 hand:   {}\n\
         Categories matched in fewer than {MIN_POSTINGS} postings keep their hand weight (1): {}.",
        report.product_owner,
        report.product_manager,
        report.folds.len(),
        args.files
            .iter()
            .map(|f| std::path::Path::new(f)
                .file_name()
                .map_or_else(|| f.clone(), |n| n.to_string_lossy().into_owned()))
            .collect::<Vec<_>>()
            .join(", "),
        report.fit.lambda,
        figures(&report.loso_fitted),
        figures(&report.hand),
        if thin.is_empty() { "none".to_string() } else { thin.join(", ") }
    );
    let table = weights_toml(&lexicon, &report.fit, &comment);
    let written = set_weights_table(&text, &table);
    popm::Lexicon::parse(&written, "the fitted lexicon")
        .with_context(|| format!("the fitted [weights] table does not fit {source}"))?;
    let rendered = render_fit(&report, &lexicon);
    match &args.output {
        Some(path) => {
            let dir = path
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or_else(|| std::path::Path::new("."));
            let mut tmp = tempfile::NamedTempFile::new_in(dir)
                .with_context(|| format!("cannot write {}", path.display()))?;
            tmp.write_all(written.as_bytes())?;
            tmp.persist(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut out = std::io::stdout().lock();
            out.write_all(rendered.as_bytes())?;
            writeln!(out, "\nwrote {}", path.display())?;
            out.flush()?;
        }
        None => {
            eprint!("{rendered}");
            let mut out = std::io::stdout().lock();
            out.write_all(written.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
