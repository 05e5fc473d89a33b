//! `popm lexicon check` and `popm lexicon show`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, Result};
use popm::report::lexicon_check::check;
use popm::CategoryKind;
use popm::Role;

use super::{load_lexicon, EXIT_ROW_ERRORS};
use crate::cli::LexiconCommand;

/// Runs a `popm lexicon` subcommand.
pub fn run(cmd: LexiconCommand) -> Result<ExitCode> {
    match cmd {
        LexiconCommand::Check { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read lexicon {}", file.display()))?;
            let name = file.display().to_string();
            let findings = check(&text, &name);
            if findings.is_empty() {
                let lex = popm::Lexicon::parse(&text, &name)?;
                println!(
                    "{name}: ok: {} PO and {} PM phrases in {} categories ({})",
                    lex.form_count(Role::Po),
                    lex.form_count(Role::Pm),
                    lex.categories().len(),
                    lex.identity()
                );
                return Ok(ExitCode::SUCCESS);
            }
            for f in &findings {
                println!("{f}");
            }
            eprintln!(
                "popm: {} problem{} in {name}",
                findings.len(),
                if findings.len() == 1 { "" } else { "s" }
            );
            Ok(ExitCode::from(EXIT_ROW_ERRORS))
        }
        LexiconCommand::Show {
            role,
            category,
            lexicon,
        } => {
            let lex = load_lexicon(&lexicon)?;
            let role = role.as_deref().and_then(Role::parse);
            if let Some(c) = &category {
                if !lex.categories().iter().any(|x| x.name() == c.as_str()) {
                    let names: Vec<&str> = lex.categories().iter().map(|x| x.name()).collect();
                    anyhow::bail!(
                        "no category {c:?}; the categories are: {}",
                        names.join(", ")
                    );
                }
            }
            let mut out = std::io::stdout().lock();
            writeln!(out, "# {}", lex.identity())?;
            writeln!(out, "role\tcategory\tweight\tphrase\tnote")?;
            for e in lex.entries() {
                let cat = &lex.categories()[e.category()];
                if role.is_some_and(|r| r != e.role())
                    || category.as_ref().is_some_and(|c| c.as_str() != cat.name())
                {
                    continue;
                }
                let mut phrase = e.forms().join(" | ");
                if e.is_case_sensitive() {
                    phrase.push_str(" (case-sensitive)");
                }
                if cat.kind() == CategoryKind::RoleName {
                    phrase.push_str(" (role name)");
                }
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    e.role(),
                    cat.name(),
                    e.weight(),
                    phrase,
                    e.note().unwrap_or("")
                )?;
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
