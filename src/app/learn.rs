//! `popm learn`: phrases that separate PO from PM postings, for a person to review.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use popm::io::fixed;
use popm::io::Record;
use popm::io::Source;
use popm::report::learn::{learn, to_lexicon_toml, LabeledText};
use popm::Role;

use super::{load_lexicon, print_warning, read_options};
use crate::cli::{LearnArgs, LearnFormat};
use popm::io::ColumnPlan;

/// Runs `popm learn`.
pub fn run(args: LearnArgs) -> Result<ExitCode> {
    let lexicon = load_lexicon(&args.lexicon)?;
    let opts = read_options(&args.columns)?;
    let mut texts = Vec::new();
    for file in &args.files {
        let mut src = Source::open(file, &opts)?;
        if let Some(note) = src.encoding_note() {
            print_warning(&format!("{}: {note}", src.name()));
        }
        let mut plan = ColumnPlan::resolve(&src, &args.columns.choice())?;
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
