//! `popm report`: the self-contained HTML report of result files.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use popm::io::EncodingChoice;
use popm::report::html::{read_results_into, write_report, PageInfo, ReportData, TextKind};

use super::atomic_file::write_atomically;
use super::{load_lexicon, print_warning};
use crate::cli::ReportArgs;

/// The lexicons the results name, or why none is known.
fn lexicon_line(data: &ReportData) -> String {
    let named: Vec<&str> = data.lexicons().collect();
    if named.is_empty() {
        "not recorded in the results (`classify --provenance` adds it to CSV, TSV and xlsx)"
            .to_string()
    } else {
        named.join(", ")
    }
}

/// Runs `popm report`.
pub fn run(args: ReportArgs) -> Result<ExitCode> {
    let files = super::summary::result_files(&args.files)?;
    let output = args.output.clone().unwrap_or_else(|| PathBuf::from("-"));
    if output.as_os_str() == "-" && std::io::stdout().is_terminal() {
        bail!("the report is a whole HTML page: write it with -o report.html (or redirect stdout)");
    }
    let encoding = EncodingChoice::parse(&args.encoding)?;
    let lexicon = load_lexicon(&args.lexicon)?;
    // Every input is read before the output is touched: a bad input leaves no file.
    let mut data = ReportData::new(Vec::new(), TextKind::Full);
    for file in &files {
        if file == "-" && std::io::stdin().is_terminal() {
            eprintln!("popm: reading results from stdin (end with Ctrl-D)...");
        }
        read_results_into(
            file,
            encoding,
            &lexicon,
            &mut |w| print_warning(&w),
            &mut data,
        )?;
    }
    let info = PageInfo {
        title: args.title.clone(),
        sources: files
            .iter()
            .map(|f| {
                if f == "-" {
                    "<stdin>".to_string()
                } else {
                    f.clone()
                }
            })
            .collect(),
        lexicon: lexicon_line(&data),
        settings: vec![
            (
                "popm version".to_string(),
                env!("CARGO_PKG_VERSION").to_string(),
            ),
            (
                "categories of CSV, TSV and xlsx phrases".to_string(),
                lexicon.identity(),
            ),
        ],
        notes: Vec::new(),
    };
    write_atomically(&output, |w| write_report(&data, &info, w))?;
    if !args.quiet {
        eprintln!(
            "popm: report of {} posting{} written to {}",
            data.len(),
            if data.len() == 1 { "" } else { "s" },
            if output.as_os_str() == "-" {
                "<stdout>".to_string()
            } else {
                output.display().to_string()
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}
