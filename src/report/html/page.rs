//! The HTML documents: the report of many postings (summary band, table,
//! posting view; data and script inline) and the page of one posting, whose
//! matches are `<mark>` elements in the file itself, visible without scripts.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::judge::label::Label;
use crate::lexicon::Role;
use crate::output::fixed;
use crate::report::summary::{share, Tally, LEAN_BINS};

use super::csp::policy;
use super::data::{Mismatches, ReportData};
use super::escape::escape_html;
use super::highlight::Piece;
use super::row::{ReportRow, TextKind};
use super::svg::{bar_chart, lean_histogram, Bar};

/// The page's style (light and dark schemes, print).
pub const STYLE: &str = include_str!("report.css");

/// The report's script: table, filters, sorting and the posting view.
pub const SCRIPT: &str = include_str!("report.js");

/// Phrases per role in the summary band's charts.
pub const TOP_PHRASES: usize = 10;

/// What a page says about where it comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageInfo {
    /// The page's title.
    pub title: String,
    /// The inputs (files, or `<stdin>`).
    pub sources: Vec<String>,
    /// The lexicon's identity (name@version#hash).
    pub lexicon: String,
    /// The run's settings, as (name, value).
    pub settings: Vec<(String, String)>,
    /// Notes shown in the summary band (what the inputs leave out, …).
    pub notes: Vec<String>,
}

/// The CSS class of a label.
fn label_class(label: Option<Label>) -> &'static str {
    match label {
        Some(Label::ProductOwner) => "po",
        Some(Label::ProductManager) => "pm",
        Some(Label::Hybrid) => "hy",
        Some(Label::Unclear) => "un",
        Some(Label::Other) => "ot",
        None => "er",
    }
}

fn role_class(role: Role) -> &'static str {
    match role {
        Role::Po => "po",
        Role::Pm => "pm",
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Po => "Product Owner",
        Role::Pm => "Product Manager",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The document's head: policy, title, style.
fn head(title: &str, script: Option<&str>) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"popm {}\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n",
        policy(script, STYLE),
        env!("CARGO_PKG_VERSION"),
        escape_html(title)
    )
}

/// The summary band: counts, the charts, the notes.
fn summary_band(t: &Tally, mismatches: Mismatches, notes: &[String]) -> String {
    let mut s = String::from("<section class=\"band\" id=\"summary\">\n<h2>Summary</h2>\n");
    let c = t.label_counts();
    let _ = write!(
        s,
        "<p class=\"stats\"><b>{}</b> · {} · {} (a posting that names itself one role and \
         describes the other's work) · {}</p>\n<div class=\"charts\">\n",
        plural(t.total(), "posting", "postings"),
        Label::ALL
            .iter()
            .map(|&l| format!("{} {}", c.get(Some(l)), l.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
        plural(t.mismatches(), "mismatch", "mismatches"),
        plural(
            c.error,
            "row could not be classified",
            "rows could not be classified"
        ),
    );
    let label_bars: Vec<Bar> = c
        .iter()
        .map(|(l, n)| Bar {
            name: Label::row_name(l).to_string(),
            value: n as f64,
            note: format!("{n} ({}%)", fixed(100.0 * share(n, t.total()), 1)),
            class: label_class(l),
        })
        .collect();
    s.push_str(&bar_chart("Postings per label", &label_bars));
    s.push_str(&lean_histogram(
        "Lean (−1 all PO … +1 all PM)",
        &t.lean_histogram(LEAN_BINS),
    ));
    let named = [
        ("named PO, PM work", mismatches.named_po, "pm"),
        ("named PM, PO work", mismatches.named_pm, "po"),
    ];
    let mismatch_bars: Vec<Bar> = named
        .into_iter()
        .map(|(name, n, class)| Bar {
            name: name.to_string(),
            value: n as f64,
            note: format!("{n} ({}%)", fixed(100.0 * share(n, t.total()), 1)),
            class,
        })
        .collect();
    s.push_str(&bar_chart("Mismatches", &mismatch_bars));
    for role in [Role::Po, Role::Pm] {
        let bars: Vec<Bar> = t
            .top_phrases(role, TOP_PHRASES)
            .into_iter()
            .map(|p| Bar {
                name: p.phrase,
                value: p.postings as f64,
                note: p.postings.to_string(),
                class: role_class(role),
            })
            .collect();
        s.push_str(&bar_chart(
            &format!("{}: top phrases (postings)", role_name(role)),
            &bars,
        ));
    }
    for role in [Role::Po, Role::Pm] {
        let bars: Vec<Bar> = t
            .categories(role)
            .into_iter()
            .map(|(c, n)| Bar {
                name: c,
                value: n as f64,
                note: n.to_string(),
                class: role_class(role),
            })
            .collect();
        s.push_str(&bar_chart(
            &format!("{}: categories (postings)", role_name(role)),
            &bars,
        ));
    }
    s.push_str("</div>\n");
    for note in notes {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", escape_html(note));
    }
    s.push_str("</section>\n");
    s
}

/// The footer: sources, lexicon, settings.
fn footer(info: &PageInfo) -> String {
    let mut s = String::from(
        "<footer id=\"about\">\n<h2>Lexicon and settings</h2>\n<table class=\"settings\">\n",
    );
    let mut rows = Vec::new();
    if !info.settings.iter().any(|(k, _)| k == "inputs") {
        rows.push(("inputs".to_string(), info.sources.join(", ")));
    }
    rows.push(("lexicon".to_string(), info.lexicon.clone()));
    rows.extend(info.settings.iter().cloned());
    for (k, v) in rows {
        let _ = writeln!(
            s,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape_html(&k),
            escape_html(&v)
        );
    }
    s.push_str("</table>\n</footer>\n");
    s
}

/// The notes a report adds about what its data leaves out.
pub fn data_notes(data: &ReportData) -> Vec<String> {
    let mut notes = Vec::new();
    match data.text_kind() {
        TextKind::Full => {}
        TextKind::Snippets => notes.push(
            "These results are JSON Lines: each match is shown in its snippet, not in the whole \
             text. Build the report with `popm classify … -o report.html` to see whole texts."
                .to_string(),
        ),
        TextKind::None => notes.push(
            "These results (CSV, TSV or xlsx) carry phrases and counts only: no texts, snippets \
             or contributions, and categories come from the lexicon. Write JSON Lines \
             (`--format jsonl`) for snippets, or build the report with `popm classify … -o \
             report.html` for highlighted texts."
                .to_string(),
        ),
    }
    let left = data.left_out();
    if left.texts > 0 {
        notes.push(format!(
            "To keep this file quick to open, the texts of {} are left out (their evidence is \
             shown); see one with `popm check`, or build a report of fewer postings.",
            plural(left.texts, "posting", "postings")
        ));
    }
    if left.details > 0 {
        notes.push(format!(
            "To keep this file quick to open, the evidence and texts of {} are left out (their \
             row in the table is complete).",
            plural(left.details, "posting", "postings")
        ));
    }
    notes
}

/// Writes the report of many postings: summary band, table and posting view.
///
/// # Errors
///
/// When writing to `out` fails.
pub fn write_report(data: &ReportData, info: &PageInfo, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(head(&info.title, Some(SCRIPT)).as_bytes())?;
    let mut notes = data_notes(data);
    notes.extend(info.notes.iter().cloned());
    let mut body = String::new();
    let _ = write!(
        body,
        "<body>\n<header><h1>{}</h1><p class=\"sub\">{} · lexicon {}</p></header>\n{}",
        escape_html(&info.title),
        escape_html(&info.sources.join(", ")),
        escape_html(&info.lexicon),
        summary_band(data.tally(), data.mismatches(), &notes)
    );
    body.push_str(
        "<section id=\"postings\">\n<h2>Postings</h2>\n\
         <noscript><p class=\"note\">The table needs JavaScript; the summary above and the \
         settings below do not. <code>popm check --html</code> writes one posting's page \
         without scripts.</p></noscript>\n\
         <div class=\"controls\"><label>Label <select id=\"f-label\"><option value=\"\">all</option></select></label> \
         <label>Search <input id=\"f-text\" type=\"search\" placeholder=\"id, columns, phrases\" autocomplete=\"off\"></label> \
         <span id=\"count\" aria-live=\"polite\"></span></div>\n\
         <div class=\"tablebox\" id=\"tablebox\"><div class=\"tr th\" id=\"thead\" role=\"row\"></div>\
         <div id=\"viewport\" tabindex=\"0\" role=\"grid\" aria-label=\"postings\"><div id=\"sizer\"><div id=\"rows\"></div></div></div></div>\n\
         <div id=\"detail\" class=\"detail\"><p class=\"hint\">Select a posting to see its text and evidence.</p></div>\n\
         </section>\n",
    );
    body.push_str(&footer(info));
    out.write_all(body.as_bytes())?;
    out.write_all(b"<script type=\"application/json\" id=\"popm-data\">")?;
    data.write_json(out)?;
    out.write_all(b"</script>\n<script>")?;
    out.write_all(SCRIPT.as_bytes())?;
    out.write_all(b"</script>\n</body>\n</html>\n")?;
    Ok(())
}

/// The page of one posting (`popm check --html`): verdict, the texts with
/// every match a `<mark>` element, and the evidence table; no script.
pub fn posting_page(row: &ReportRow, info: &PageInfo) -> String {
    let mut s = head(&info.title, None);
    let _ = write!(
        s,
        "<body class=\"single\">\n<header><h1>{}</h1><p class=\"sub\">lexicon {}</p></header>\n",
        escape_html(&info.title),
        escape_html(&info.lexicon)
    );
    s.push_str("<section class=\"detail\" id=\"detail\">\n");
    s.push_str(&verdict_html(row));
    s.push_str("<div class=\"cols\">\n<div class=\"texts\">\n");
    for (name, pieces) in &row.texts {
        let _ = write!(
            s,
            "<h3>{}</h3>\n<div class=\"text\">{}</div>\n",
            escape_html(name),
            pieces_html(row, pieces)
        );
    }
    s.push_str(LEGEND);
    s.push_str("</div>\n<div class=\"evidence\">\n<h3>Evidence</h3>\n");
    s.push_str(&evidence_html(row));
    s.push_str("</div>\n</div>\n</section>\n");
    s.push_str(&footer(info));
    s.push_str("</body>\n</html>\n");
    s
}

/// The legend of highlight styles.
const LEGEND: &str = "<p class=\"legend\"><mark class=\"hl po\">Product Owner</mark> \
<mark class=\"hl pm\">Product Manager</mark> <mark class=\"hl po m-s\">own role (counts extra)</mark> \
<mark class=\"hl pm m-c\">not counted: colleague, negated or boilerplate</mark></p>\n";

/// The verdict line of one posting.
fn verdict_html(row: &ReportRow) -> String {
    let n = |x: Option<f64>, d: usize| x.map_or_else(|| "–".to_string(), |x| fixed(x, d));
    let mut s = format!(
        "<p class=\"verdict\"><span class=\"lab l-{}\">{}</span> confidence {} · lean {} · \
         content lean {} · PO {} · PM {}",
        label_class(row.label),
        Label::row_name(row.label),
        n(row.confidence, 2),
        n(row.lean, 2),
        n(row.content_lean, 2),
        n(row.po_score, 2),
        n(row.pm_score, 2),
    );
    if let Some(r) = &row.self_role {
        let _ = write!(s, " · names itself {}", escape_html(r));
    }
    if row.mismatch {
        s.push_str(" · <b>mismatch</b>: names itself one role and describes the other's work");
    }
    s.push_str("</p>\n");
    if let Some(e) = &row.error {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", escape_html(e));
    }
    s
}

/// The pieces of one text as HTML, each match a `<mark>`.
pub fn pieces_html(row: &ReportRow, pieces: &[Piece]) -> String {
    let mut s = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => s.push_str(&escape_html(t)),
            Piece::Gap => s.push_str("<span class=\"gap\">…</span>"),
            Piece::Match {
                text,
                evidence,
                mark,
            } => {
                let (class, phrase) = row
                    .evidence
                    .get(*evidence)
                    .map_or(("po", ""), |e| (role_class(e.role), e.phrase.as_str()));
                let mut title = phrase.to_string();
                if !mark.word().is_empty() {
                    title.push_str(" — ");
                    title.push_str(mark.word());
                }
                if mark.is_discounted() {
                    title.push_str(" (not counted)");
                }
                let _ = write!(
                    s,
                    "<mark class=\"hl {class} m-{}\" data-e=\"{evidence}\" title=\"{}\">{}</mark>",
                    mark.code(),
                    escape_html(&title),
                    escape_html(text)
                );
            }
        }
    }
    s
}

/// The evidence table of one posting.
fn evidence_html(row: &ReportRow) -> String {
    if row.evidence.is_empty() {
        return "<p class=\"hint\">No lexicon phrase matched.</p>\n".to_string();
    }
    let mut s = String::from(
        "<table class=\"ev\"><thead><tr><th>phrase</th><th>role</th><th>category</th>\
         <th>matches</th><th>counted</th><th>score</th></tr></thead><tbody>\n",
    );
    for e in &row.evidence {
        let _ = writeln!(
            s,
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if e.counted == 0 { "discounted" } else { "" },
            escape_html(&e.phrase),
            role_class(e.role).to_uppercase(),
            escape_html(&e.category),
            e.count,
            e.counted,
            e.contribution.map_or_else(|| "–".to_string(), |c| format!("+{}", fixed(c, 2))),
        );
    }
    s.push_str("</tbody></table>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::html::highlight::{text_pieces, Highlight};
    use crate::report::html::row::{MatchMark, PhraseEvidence};

    /// Markup that must only ever show as text.
    const EVIL: &str = r#"<script>alert(1)</script>"><img src=x onerror=alert(2)>' onmouseover='alert(3)' <a href="javascript:alert(4)">x</a> </style><!-- &amp;"#;

    /// The tags popm writes; anything else in a page came from the input.
    const TAGS: &[&str] = &[
        "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3",
        "p", "b", "section", "div", "span", "svg", "text", "rect", "line", "footer", "table",
        "thead", "tbody", "tr", "th", "td", "mark", "noscript", "code", "label", "select",
        "option", "input", "script",
    ];

    /// Checks every tag of `html` (up to the first script) against [`TAGS`], and
    /// that no tag carries an event handler or a link.
    fn assert_only_own_tags(html: &str) {
        let markup = html.split("<script").next().unwrap_or(html);
        for tag in markup.split('<').skip(1) {
            let tag = &tag[..tag.find('>').expect("an unclosed tag")];
            let name = tag
                .trim_start_matches('/')
                .split([' ', '/'])
                .next()
                .unwrap_or("");
            assert!(TAGS.contains(&name), "foreign tag <{tag}>");
            // Attribute values are quoted, and quotes inside them escaped: an even count.
            assert_eq!(tag.matches('"').count() % 2, 0, "<{tag}>");
            // The attribute names, with the quoted values taken out.
            let names: String = tag
                .split('"')
                .step_by(2)
                .collect::<String>()
                .to_ascii_lowercase();
            assert!(!names.contains(" on"), "handler in <{tag}>");
            assert!(
                !names.contains("href") && !names.contains("src"),
                "link in <{tag}>"
            );
        }
    }

    fn hostile_row(text: &str, highlights: &mut [Highlight]) -> ReportRow {
        ReportRow {
            id: EVIL.into(),
            kept: vec![EVIL.into(), EVIL.into()],
            label: Some(Label::ProductOwner),
            confidence: Some(0.9),
            lean: Some(-0.4),
            content_lean: Some(-0.2),
            self_role: Some(EVIL.into()),
            mismatch: true,
            po_score: Some(9.0),
            pm_score: Some(1.0),
            error: Some(EVIL.into()),
            evidence: vec![PhraseEvidence {
                phrase: EVIL.into(),
                role: Role::Po,
                category: EVIL.into(),
                count: 1,
                counted: 0,
                contribution: Some(0.0),
            }],
            texts: vec![(EVIL.into(), text_pieces(text, highlights))],
        }
    }

    fn hostile_info() -> PageInfo {
        PageInfo {
            title: EVIL.into(),
            sources: vec![EVIL.into()],
            lexicon: EVIL.into(),
            settings: vec![(EVIL.into(), EVIL.into())],
            notes: vec![EVIL.into()],
        }
    }

    fn report_html(data: &ReportData, info: &PageInfo) -> String {
        let mut out = Vec::new();
        write_report(data, info, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_field_of_a_posting_page_is_escaped() {
        let text = format!("Own the {EVIL} backlog");
        let at = text.find("<script>").unwrap();
        let mut h = [Highlight {
            start: at,
            end: at + 8,
            evidence: 0,
            mark: MatchMark::Colleague,
        }];
        let page = posting_page(&hostile_row(&text, &mut h), &hostile_info());
        assert_only_own_tags(&page);
        assert!(!page.contains("<script"));
        assert!(page.contains(
            "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"
        ));
        // The match's title attribute holds the phrase, quotes escaped.
        assert!(page.contains("<mark class=\"hl po m-c\" data-e=\"0\" title=\"&lt;script&gt;"));
        assert!(page.contains("&#39; onmouseover=&#39;alert(3)&#39;"));
    }

    #[test]
    fn every_field_of_a_report_is_escaped_in_markup_and_data() {
        let mut data = ReportData::new(vec![EVIL.into(), EVIL.into()], TextKind::Full);
        let text = EVIL.to_string();
        data.add(hostile_row(
            &text,
            &mut [Highlight {
                start: 0,
                end: 8,
                evidence: 0,
                mark: MatchMark::Plain,
            }],
        ));
        let html = report_html(&data, &hostile_info());
        assert_only_own_tags(&html);
        assert_eq!(html.matches("<script").count(), 2);
        let raw = html
            .split("<script type=\"application/json\" id=\"popm-data\">")
            .nth(1)
            .and_then(|s| s.split("</script>").next())
            .unwrap();
        assert!(!raw.contains('<') && !raw.contains('>') && !raw.contains('&'));
        let v: serde_json::Value = serde_json::from_str(raw).unwrap();
        for got in [
            &v["rows"][0][0],
            &v["rows"][0][1][0],
            &v["rows"][0][6],
            &v["rows"][0][10],
            &v["columns"][1],
            &v["phrases"][0][0],
            &v["phrases"][0][2],
            &v["details"][0]["t"][0][0],
        ] {
            assert_eq!(got, EVIL);
        }
        // Text and match pieces give the text back.
        assert_eq!(v["details"][0]["t"][0][1][0][0], "<script>");
        assert_eq!(
            v["details"][0]["t"][0][1][1].as_str().unwrap(),
            &EVIL["<script>".len()..]
        );
    }

    #[test]
    fn a_50_mb_posting_keeps_a_small_page() {
        let unit = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ";
        let mut text = unit.repeat(50_000_000 / unit.len());
        text.push_str(" own the product backlog");
        let mut highlights: Vec<Highlight> = (0..2000)
            .map(|i| {
                let start = i * 25_000 * unit.len() / 1000;
                let start = start - start % unit.len();
                Highlight {
                    start,
                    end: start + 5,
                    evidence: 0,
                    mark: MatchMark::Plain,
                }
            })
            .collect();
        let end = text.len();
        highlights.push(Highlight {
            start: end - 15,
            end,
            evidence: 0,
            mark: MatchMark::Plain,
        });
        let row = ReportRow {
            id: "big".into(),
            ..hostile_row(&text, &mut highlights)
        };
        let kept = row.text_len();
        assert!(kept <= MAX_SHOWN * (2 * CONTEXT_BYTES + 5), "{kept}");
        let page = posting_page(&row, &PageInfo::default());
        assert!(page.len() < 2_000_000, "{}", page.len());
        let mut data = ReportData::new(Vec::new(), TextKind::Full);
        data.add(row);
        let html = report_html(&data, &PageInfo::default());
        assert!(html.len() < 2_000_000, "{}", html.len());
        assert!(html.contains("[\"Lorem\",0,\"p\"]"));
    }

    use crate::report::html::highlight::{CONTEXT_BYTES, MAX_SHOWN_MATCHES as MAX_SHOWN};
}
