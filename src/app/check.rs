//! `popm check`: one description, explained.

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use popm::io::{evidence_json, fixed, snippet_parts, verdict_fields, SCHEMA_VERSION};
use popm::report::html::{posting_page, PageInfo, ReportRow};
use popm::{Classification, Lexicon, Mark, Posting, Role, Workload};
use serde_json::{json, Map, Value};

use super::atomic_file::write_atomically;
use super::{classifier_for, use_color};
use crate::cli::CheckArgs;

/// Texts shorter than this (bytes) are scanned with the quick-to-build automaton.
const SINGLE_TEXT_MAX: usize = 1 << 20;

/// Runs `popm check`.
pub fn run(args: CheckArgs) -> Result<ExitCode> {
    let text = match (&args.text, &args.file) {
        (Some(t), _) => t.clone(),
        (None, Some(p)) if p.as_os_str() != "-" => {
            let bytes = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
            String::from_utf8_lossy(&bytes).into_owned()
        }
        _ => {
            if std::io::stdin().is_terminal() {
                eprintln!("popm: reading the description from stdin (end with Ctrl-D)...");
            }
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("cannot read stdin")?;
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    // One text: an automaton that builds fast beats one that searches fast,
    // unless the text is long enough to repay the DFA's build.
    let workload = if text.len() < SINGLE_TEXT_MAX {
        Workload::Single
    } else {
        Workload::Batch
    };
    let c = classifier_for(&args.lexicon, &args.thresholds, &args.scoring, workload)?;
    let mut posting = Posting::new(&text);
    if let Some(t) = &args.title {
        posting = posting.with_title(t);
    }
    let result = c.classify(&posting);
    let texts: Vec<&str> = posting.texts.iter().copied().chain(posting.title).collect();
    let mut names = vec!["text".to_string()];
    if args.title.is_some() {
        names.push("title".to_string());
    }
    if let Some(path) = &args.html {
        let mut row = ReportRow::from_classification(&result, c.lexicon(), &texts, &names);
        row.id = "1".to_string();
        let info = PageInfo {
            title: "popm check".to_string(),
            sources: vec![match (&args.text, &args.file) {
                (None, Some(p)) if p.as_os_str() != "-" => p.display().to_string(),
                (None, _) => "<stdin>".to_string(),
                (Some(_), _) => "the command line".to_string(),
            }],
            lexicon: c.lexicon().identity(),
            settings: Vec::new(),
            notes: Vec::new(),
        };
        let page = posting_page(&row, &info);
        write_atomically(path, |w| w.write_all(page.as_bytes()))?;
        if path.as_os_str() == "-" {
            return Ok(ExitCode::SUCCESS);
        }
    }
    let out = if args.json {
        let mut o = Map::new();
        o.insert("schema_version".into(), json!(SCHEMA_VERSION));
        o.extend(verdict_fields(&result));
        o.insert("lexicon".into(), json!(c.lexicon().identity()));
        o.insert(
            "evidence".into(),
            evidence_json(&result, c.lexicon(), &texts, &names),
        );
        let mut s = serde_json::to_string_pretty(&Value::Object(o))?;
        s.push('\n');
        s
    } else {
        let color = use_color(args.color, std::io::stdout().is_terminal());
        explain(&result, c.lexicon(), &texts, color)
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The readable explanation: verdict, scores, then evidence by role and category.
fn explain(r: &Classification, lex: &Lexicon, texts: &[&str], color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let v = &r.verdict;
    let mut out = String::new();
    out.push_str(&format!(
        "{}  confidence {}  lean {} (−1 PO … +1 PM)\n",
        paint("1", v.label.as_str()),
        fixed(v.confidence, 2),
        fixed(v.lean, 2)
    ));
    out.push_str(&format!(
        "scores: PO {}  PM {}   lexicon {}{}\n",
        fixed(r.score.po, 2),
        fixed(r.score.pm, 2),
        lex.identity(),
        if v.is_calibrated {
            ""
        } else {
            " (confidence uncalibrated)"
        }
    ));
    out.push_str(&format!(
        "work described (role names left out): content lean {}{}\n",
        fixed(v.content_lean, 2),
        r.self_role
            .map(|s| format!("   names itself: {}", s.as_str()))
            .unwrap_or_default()
    ));
    if v.mismatch {
        let (named, leans) = if v.content_lean > 0.0 {
            ("a Product Owner", "Product Manager")
        } else {
            ("a Product Manager", "Product Owner")
        };
        out.push_str(&format!(
            "{}: this posting names itself {named}, but the work it describes is {leans} work\n",
            paint("1", "mismatch")
        ));
    }
    if v.label == popm::Label::Other {
        out.push_str(&format!(
            "{}: a posting for another job ({}); its content makes no strong PO or PM case\n",
            paint("1", "other"),
            r.self_role.map_or("unnamed", |s| s.as_str())
        ));
    }
    for role in [Role::Po, Role::Pm] {
        let evs: Vec<_> = r.score.evidence.iter().filter(|e| e.role == role).collect();
        let title = match role {
            Role::Po => "Product Owner evidence",
            Role::Pm => "Product Manager evidence",
        };
        out.push('\n');
        if evs.is_empty() {
            out.push_str(&format!("{}: none\n", paint("1", title)));
            continue;
        }
        out.push_str(&format!("{}\n", paint("1", title)));
        let mut cats: Vec<usize> = evs.iter().map(|e| lex.entry(e.entry).category()).collect();
        cats.dedup();
        let mut seen = Vec::new();
        for cat in cats {
            if seen.contains(&cat) {
                continue;
            }
            seen.push(cat);
            let in_cat: Vec<_> = evs
                .iter()
                .filter(|e| lex.entry(e.entry).category() == cat)
                .collect();
            let total: f64 = in_cat.iter().map(|e| e.contribution).sum();
            out.push_str(&format!(
                "  {} (+{})\n",
                lex.categories()[cat].name(),
                fixed(total, 2)
            ));
            for ev in in_cat {
                let entry = lex.entry(ev.entry);
                let discounted = ev.count_marked(Mark::Colleague) + ev.count_marked(Mark::Negated);
                let note = if discounted == ev.count() {
                    "  not counted".to_string()
                } else if discounted > 0 {
                    format!("  {discounted} not counted")
                } else {
                    String::new()
                };
                out.push_str(&format!(
                    "    {} ×{}  weight {}  +{}{}\n",
                    entry.phrase(),
                    ev.count(),
                    entry.weight(),
                    fixed(ev.contribution, 2),
                    paint("2", &note)
                ));
                for o in &ev.occurrences {
                    let text = texts.get(o.field).copied().unwrap_or("");
                    let (before, matched, after) = snippet_parts(text, o.start, o.end);
                    let hl = match (color, o.mark) {
                        (true, Mark::Colleague | Mark::Negated) => paint("2;4", &matched),
                        (true, _) => {
                            paint(if role == Role::Po { "1;36" } else { "1;35" }, &matched)
                        }
                        (false, _) => format!("[{matched}]"),
                    };
                    let mark = match o.mark {
                        Mark::Plain => String::new(),
                        m => format!(" ({})", m.as_str()),
                    };
                    let where_ = if o.is_title { "title: " } else { "" };
                    out.push_str(&format!("      {where_}{before}{hl}{after}{mark}\n"));
                }
            }
        }
    }
    out
}
