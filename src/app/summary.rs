//! `popm summary`: label counts, lean histogram, top phrases and categories of
//! popm result files.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{bail, Result};
use popm::io::{fixed, EncodingChoice};
use popm::report::summary::{read_results_with, share, Tally, LEAN_BINS};
use popm::{Label, Role};

use super::{load_lexicon, print_warning};
use crate::cli::SummaryArgs;

/// Width of the longest histogram bar, in characters.
const BAR_WIDTH: usize = 40;

/// The result files to read: `files`, or stdin when none is given; stdin at most once.
pub fn result_files(files: &[String]) -> Result<Vec<String>> {
    if files.iter().filter(|f| *f == "-").count() > 1 {
        bail!("stdin (`-`) can be read only once");
    }
    Ok(if files.is_empty() {
        vec!["-".to_string()]
    } else {
        files.to_vec()
    })
}

/// Runs `popm summary`.
pub fn run(args: SummaryArgs) -> Result<ExitCode> {
    let files = result_files(&args.files)?;
    let encoding = EncodingChoice::parse(&args.encoding)?;
    let lexicon = load_lexicon(&args.lexicon)?;
    let mut tally = Tally::new();
    for file in &files {
        if file == "-" && std::io::stdin().is_terminal() {
            eprintln!("popm: reading results from stdin (end with Ctrl-D)...");
        }
        let t = read_results_with(file, encoding, &lexicon, &mut |w| print_warning(&w))?;
        tally.merge(t);
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&tally.to_json(args.top))?
        )?;
    } else {
        out.write_all(render(&tally, args.top, &files).as_bytes())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Po => "Product Owner",
        Role::Pm => "Product Manager",
    }
}

/// The terminal summary.
fn render(t: &Tally, top: usize, files: &[String]) -> String {
    let mut s = String::new();
    let names: Vec<&str> = files
        .iter()
        .map(|f| if f == "-" { "<stdin>" } else { f.as_str() })
        .collect();
    s.push_str(&format!(
        "popm summary: {} posting{} from {}\n\n",
        t.total(),
        if t.total() == 1 { "" } else { "s" },
        names.join(", ")
    ));

    s.push_str(&format!(
        "{:<16} {:>8} {:>7} {:>16}\n",
        "label", "postings", "share", "mean confidence"
    ));
    for (label, n) in t.label_counts().iter() {
        let conf = t
            .mean_confidence(label)
            .map_or_else(|| "-".to_string(), |c| fixed(c, 3));
        s.push_str(&format!(
            "{:<16} {:>8} {:>6}% {:>16}\n",
            Label::row_name(label),
            n,
            fixed(100.0 * share(n, t.total()), 1),
            conf
        ));
    }
    s.push_str(&format!("{:<16} {:>8}\n", "total", t.total()));
    if t.mismatches() > 0 {
        s.push_str(&format!(
            "\nmismatch: {} posting{} name{} one role and describe{} the other's work\n",
            t.mismatches(),
            if t.mismatches() == 1 { "" } else { "s" },
            if t.mismatches() == 1 { "s" } else { "" },
            if t.mismatches() == 1 { "s" } else { "" },
        ));
    }

    let bins = t.lean_histogram(LEAN_BINS);
    let with_lean: usize = bins.iter().map(|b| b.count).sum();
    s.push_str(&format!(
        "\nlean (-1 all PO ... +1 all PM), {with_lean} posting{}\n",
        if with_lean == 1 { "" } else { "s" }
    ));
    let max = bins.iter().map(|b| b.count).max().unwrap_or(0);
    for (i, b) in bins.iter().enumerate() {
        let close = if i + 1 == bins.len() { ']' } else { ')' };
        let len = if max == 0 || b.count == 0 {
            0
        } else {
            (b.count * BAR_WIDTH).div_ceil(max)
        };
        s.push_str(&format!(
            "  [{:>4}, {:>4}{close} {:>5}",
            fixed(b.lo, 1),
            fixed(b.hi, 1),
            b.count
        ));
        if len > 0 {
            s.push_str("  ");
            s.push_str(&"#".repeat(len));
        }
        s.push('\n');
    }

    for role in [Role::Po, Role::Pm] {
        let phrases = t.top_phrases(role, top);
        s.push_str(&format!(
            "\n{}: top phrases (postings where they counted)\n",
            role_name(role)
        ));
        if phrases.is_empty() {
            s.push_str("  (none)\n");
        }
        let width = phrases
            .iter()
            .map(|p| p.phrase.chars().count())
            .max()
            .unwrap_or(0);
        for p in &phrases {
            let pad = width - p.phrase.chars().count();
            s.push_str(&format!(
                "  {:>5}  {}{}  {}\n",
                p.postings,
                p.phrase,
                " ".repeat(pad),
                p.category
            ));
        }
        let cats = t.categories(role);
        s.push_str(&format!(
            "\n{}: categories (postings with a counted phrase)\n",
            role_name(role)
        ));
        if cats.is_empty() {
            s.push_str("  (none)\n");
        }
        for (c, n) in &cats {
            s.push_str(&format!("  {n:>5}  {c}\n"));
        }
    }
    let errors = t.label_counts().error;
    if errors > 0 {
        s.push_str(&format!(
            "\n{errors} row{} could not be classified (label `error`): see their `error` column\n",
            if errors == 1 { "" } else { "s" }
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use popm::report::summary::PhraseHit;

    #[test]
    fn render_aligns_and_scales_bars() {
        let mut t = Tally::new();
        let hit = |phrase: &str| PhraseHit {
            role: Role::Po,
            phrase: phrase.into(),
            category: "backlog".into(),
            counted: true,
        };
        t.add(
            Some(Label::ProductOwner),
            Some(0.9),
            Some(-1.0),
            &[hit("product backlog"), hit("sprint")],
        );
        t.add(
            Some(Label::ProductOwner),
            Some(0.8),
            Some(-0.95),
            &[hit("sprint")],
        );
        t.add(None, None, None, &[]);
        let s = render(&t, 10, &["r.csv".into()]);
        assert!(
            s.starts_with("popm summary: 3 postings from r.csv\n"),
            "{s}"
        );
        assert!(
            s.contains("product_owner           2   66.7%            0.850\n"),
            "{s}"
        );
        assert!(
            s.contains("error                   1   33.3%                -\n"),
            "{s}"
        );
        assert!(
            s.contains(&format!(
                "  [-1.0, -0.8)     2  {}\n",
                "#".repeat(BAR_WIDTH)
            )),
            "{s}"
        );
        assert!(s.contains("  [ 0.8,  1.0]     0\n"), "{s}");
        assert!(s.contains("      2  sprint           backlog\n"), "{s}");
        assert!(s.contains("      1  product backlog  backlog\n"), "{s}");
        assert!(
            s.contains("Product Manager: top phrases (postings where they counted)\n  (none)\n"),
            "{s}"
        );
        assert!(s.contains("1 row could not be classified"), "{s}");
    }
}
