//! Reading what `popm classify` wrote (CSV, TSV, JSON Lines, `.xlsx`) back into
//! report rows, through the same input layer as the summary
//! ([`crate::report::summary`]) and `classify`'s own inputs.
//!
//! What each format keeps decides what a report can show: JSON Lines carry
//! every match with a snippet, its mark and the phrase's contribution
//! ([`TextKind::Snippets`]); CSV, TSV and xlsx cells carry phrases with counts
//! and colleague/negated notes only ([`TextKind::None`]), their categories
//! taken from the lexicon.

use std::fs::File;
use std::io::Read;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::input::decode::EncodingChoice;
use crate::input::{InputFormat, Source};
use crate::lexicon::{Lexicon, Role};
use crate::output::evidence_cell::parse_compact_evidence;
use crate::output::OUTPUT_COLUMNS;
#[cfg(feature = "xlsx")]
use crate::report::summary::read_all;
use crate::report::summary::{
    field, for_each_record, json_role_phrase, note_encoding, open_result, parse_label,
    parse_number, required_columns, table_cells, CategoryIndex, Table, NOT_IN_LEXICON,
};
#[cfg(feature = "xlsx")]
use crate::report::summary::{postings_sheets, Workbook};

use super::data::ReportData;
use super::highlight::Piece;
use super::row::{MatchMark, PhraseEvidence, ReportRow, TextKind};

/// The fields of a JSON Lines result that a report reads, in this order.
const JSON_KEYS: [&str; 14] = [
    "id",
    "label",
    "confidence",
    "lean",
    "content_lean",
    "self_role",
    "mismatch",
    "po_score",
    "pm_score",
    "evidence",
    "error",
    "kept",
    "file",
    "lexicon",
];

/// Reads the popm result at `path` (`-`: stdin) into `data`, decoding text
/// from `encoding`; `lexicon` gives the categories of CSV/TSV/xlsx phrases and
/// `warn` hears about guessed encodings and unbalanced quotes.
///
/// # Errors
///
/// As [`crate::report::summary::read_results_with`]: a file that cannot be
/// read, is not a popm result (the message names what is missing), or has a
/// row that does not parse (with its line).
pub fn read_results_into(
    path: &str,
    encoding: EncodingChoice,
    lexicon: &Lexicon,
    warn: &mut dyn FnMut(String),
    data: &mut ReportData,
) -> Result<()> {
    let (name, reader): (String, Box<dyn Read + Send>) = if path == "-" {
        ("<stdin>".to_string(), Box::new(std::io::stdin()))
    } else {
        (
            path.to_string(),
            Box::new(File::open(path).map_err(|e| Error::io(path, e))?),
        )
    };
    let (format, opts, reader) = open_result(reader, &name, encoding)?;
    let index = CategoryIndex::new(lexicon);
    match format {
        #[cfg(not(feature = "xlsx"))]
        InputFormat::Xlsx => {
            let _ = reader;
            Err(Error::usage(format!(
                "{name}: this popm was built without the `xlsx` feature, so it cannot read \
                 .xlsx results; rebuild with `--features xlsx`"
            )))
        }
        #[cfg(feature = "xlsx")]
        InputFormat::Xlsx => {
            data.lower_text_kind(TextKind::None);
            let book = if path == "-" {
                Workbook::Bytes(read_all(reader, &name)?.into())
            } else {
                Workbook::File(path)
            };
            for sheet in postings_sheets(&book, &name)? {
                let mut src = book.open_sheet(&name, &sheet, &opts)?;
                let header_name = format!("{name} (sheet {sheet})");
                read_table(&mut src, &name, &header_name, &index, data, Table::Sheet)?;
            }
            Ok(())
        }
        InputFormat::Jsonl => {
            data.lower_text_kind(TextKind::Snippets);
            let mut src = Source::from_reader_with_keys(&name, reader, format, &opts, &JSON_KEYS)?;
            note_encoding(&src, warn);
            read_lines(&mut src, data)
        }
        _ => {
            data.lower_text_kind(TextKind::None);
            let mut src = Source::from_reader(&name, reader, format, &opts)?;
            note_encoding(&src, warn);
            read_table(&mut src, &name, &name, &index, data, Table::Delimited)?;
            if let Some(line) = src.unbalanced_quote_line() {
                warn(format!(
                    "{name}:{line}: unbalanced quote character, last at line {line}: a quoted \
                     field opened there may be unclosed; check the quoting"
                ));
            }
            Ok(())
        }
    }
}

/// Reads the rows of a CSV/TSV result or of one postings sheet (rows whose
/// required cells are all empty are skipped, as a sheet's tail).
fn read_table(
    src: &mut Source,
    name: &str,
    header_name: &str,
    index: &CategoryIndex,
    data: &mut ReportData,
    table: Table,
) -> Result<()> {
    let required = required_columns(src.headers(), header_name)?;
    let headers = src.headers().to_vec();
    let col = |n: &str| headers.iter().position(|h| h == n);
    let [id, content_lean, self_role, mismatch, po_score, pm_score, error, lexicon] = [
        "id",
        "content_lean",
        "self_role",
        "mismatch",
        "po_score",
        "pm_score",
        "error",
        "lexicon",
    ]
    .map(col);
    // Everything popm did not compute is a kept input column (or `file`).
    let kept: Vec<(usize, String)> = headers
        .iter()
        .enumerate()
        .filter(|(_, h)| !OUTPUT_COLUMNS.contains(&h.as_str()) && h.as_str() != "lexicon")
        .map(|(i, h)| (i, h.clone()))
        .collect();
    let width = headers.len();
    for_each_record(src, |rec| {
        let line = Some(rec.line);
        let err = |m: String| Error::csv(name, line, m);
        let Some(cells) = table_cells(rec, required, width, table, name)? else {
            return Ok(());
        };
        let get = |i: Option<usize>| i.map(|i| field(rec, i).into_owned()).unwrap_or_default();
        let [label, confidence, lean, po, pm] = [0, 1, 2, 3, 4].map(|k| cells[k].as_ref());
        let mut evidence = Vec::new();
        for (role, cell, column) in [(Role::Po, po, "po_evidence"), (Role::Pm, pm, "pm_evidence")] {
            let items =
                parse_compact_evidence(cell).map_err(|m| err(format!("column `{column}`: {m}")))?;
            evidence.extend(items.into_iter().map(|it| PhraseEvidence {
                category: index.category(role, &it.phrase),
                role,
                count: it.count,
                counted: it.count.saturating_sub(it.colleague + it.negated),
                contribution: None,
                phrase: it.phrase,
            }));
        }
        let row = ReportRow {
            id: get(id),
            label: parse_label(label).map_err(err)?,
            confidence: parse_number(confidence, "confidence").map_err(err)?,
            lean: parse_number(lean, "lean").map_err(err)?,
            content_lean: parse_number(&get(content_lean), "content_lean").map_err(err)?,
            self_role: Some(get(self_role)).filter(|s| !s.trim().is_empty()),
            mismatch: get(mismatch).trim().eq_ignore_ascii_case("true"),
            po_score: parse_number(&get(po_score), "po_score").map_err(err)?,
            pm_score: parse_number(&get(pm_score), "pm_score").map_err(err)?,
            error: Some(get(error)).filter(|s| !s.is_empty()),
            evidence,
            ..ReportRow::default()
        };
        let named: Vec<(String, String)> = kept
            .iter()
            .map(|(i, h)| (h.clone(), field(rec, *i).into_owned()))
            .collect();
        data.note_lexicon(&get(lexicon));
        data.add_named(row, &named);
        Ok(())
    })
}

/// Reads the lines of a JSON Lines result.
fn read_lines(src: &mut Source, data: &mut ReportData) -> Result<()> {
    let name = src.name().to_string();
    for_each_record(src, |rec| {
        let line = Some(rec.line);
        let err = |m: String| Error::csv(&name, line, m);
        if let Some(reason) = &rec.error {
            return Err(err(reason.clone()));
        }
        let f: Vec<String> = (0..JSON_KEYS.len())
            .map(|i| field(rec, i).into_owned())
            .collect();
        if f[1].is_empty() || f[9].is_empty() {
            return Err(err(
                "not a popm result: missing field `label` or `evidence` (expected the JSON \
                 Lines of `popm classify --format jsonl`)"
                    .to_string(),
            ));
        }
        let evidence = match serde_json::from_str::<Value>(&f[9]) {
            Ok(Value::Array(items)) => items,
            _ => return Err(err("`evidence` is not an array".to_string())),
        };
        let (evidence, texts) =
            json_evidence(&evidence).map_err(|m| err(format!("evidence: {m}")))?;
        let number = |i: usize| parse_number(&f[i], JSON_KEYS[i]).map_err(err);
        let row = ReportRow {
            id: f[0].clone(),
            label: parse_label(&f[1]).map_err(err)?,
            confidence: number(2)?,
            lean: number(3)?,
            content_lean: number(4)?,
            self_role: Some(f[5].clone()).filter(|s| !s.is_empty()),
            mismatch: f[6].trim() == "true",
            po_score: number(7)?,
            pm_score: number(8)?,
            error: Some(f[10].clone()).filter(|s| !s.is_empty()),
            evidence,
            texts,
            ..ReportRow::default()
        };
        data.note_lexicon(&f[13]);
        let mut named = Vec::new();
        if !f[12].is_empty() {
            named.push(("file".to_string(), f[12].clone()));
        }
        if let Ok(Value::Object(kept)) = serde_json::from_str::<Value>(&f[11]) {
            for (k, v) in kept {
                let v = match v {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                named.push((k, v));
            }
        }
        data.add_named(row, &named);
        Ok(())
    })
}

/// The phrases of a JSON Lines `evidence` array, and per field the snippets of
/// its matches (each match highlighted in its snippet, gaps between).
#[allow(clippy::type_complexity)]
fn json_evidence(
    items: &[Value],
) -> std::result::Result<(Vec<PhraseEvidence>, Vec<(String, Vec<Piece>)>), String> {
    let mut evidence = Vec::with_capacity(items.len());
    // (field, char_start, pieces of one snippet)
    let mut snippets: Vec<(String, u64, Vec<Piece>)> = Vec::new();
    for (k, ev) in items.iter().enumerate() {
        let (role, phrase) = json_role_phrase(ev)?;
        let matches = ev["matches"].as_array().map_or(&[][..], Vec::as_slice);
        let count = ev["count"].as_u64().map_or(matches.len(), |n| n as usize);
        let counted = ev["counted"].as_u64().map_or_else(
            || {
                matches
                    .iter()
                    .filter(|m| !matches!(m["mark"].as_str(), Some("colleague" | "negated")))
                    .count()
            },
            |n| n as usize,
        );
        for m in matches {
            let text = m["text"].as_str().unwrap_or("");
            let snippet = m["snippet"].as_str().unwrap_or(text);
            let mark = MatchMark::from_word(m["mark"].as_str().unwrap_or("plain"));
            let mut pieces = Vec::with_capacity(4);
            match snippet.find(text).filter(|_| !text.is_empty()) {
                Some(at) => {
                    pieces.push(Piece::Text(snippet[..at].to_string()));
                    pieces.push(Piece::Match {
                        text: text.to_string(),
                        evidence: k,
                        mark,
                    });
                    pieces.push(Piece::Text(snippet[at + text.len()..].to_string()));
                }
                None => pieces.push(Piece::Text(snippet.to_string())),
            }
            pieces.retain(|p| !p.is_empty());
            let field = m["field"].as_str().unwrap_or("text").to_string();
            snippets.push((field, m["char_start"].as_u64().unwrap_or(0), pieces));
        }
        evidence.push(PhraseEvidence {
            phrase: phrase.to_string(),
            role,
            category: ev["category"]
                .as_str()
                .unwrap_or(NOT_IN_LEXICON)
                .to_string(),
            count,
            counted,
            contribution: ev["contribution"].as_f64(),
        });
    }
    // In text order, per field in the order fields first appear.
    let mut fields: Vec<String> = Vec::new();
    for (f, _, _) in &snippets {
        if !fields.contains(f) {
            fields.push(f.clone());
        }
    }
    snippets.sort_by_key(|(f, at, _)| (fields.iter().position(|x| x == f), *at));
    let mut texts: Vec<(String, Vec<Piece>)> = Vec::new();
    for (f, _, pieces) in snippets {
        match texts.last_mut() {
            Some((name, all)) if *name == f => {
                all.push(Piece::Gap);
                all.extend(pieces);
            }
            _ => texts.push((f, pieces)),
        }
    }
    Ok((evidence, texts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_matches_become_highlighted_snippets_in_text_order() {
        let items = vec![
            json!({"phrase": "roadmap", "role": "pm", "category": "strategy", "count": 1,
                   "counted": 0, "contribution": 0.0, "matches": [
                {"field": "description", "text": "roadmap", "char_start": 40,
                 "snippet": "…who owns the roadmap.", "mark": "colleague"}]}),
            json!({"phrase": "product backlog", "role": "po", "category": "backlog",
                   "count": 1, "counted": 1, "contribution": 3.0, "matches": [
                {"field": "description", "text": "product backlog", "char_start": 10,
                 "snippet": "own the product backlog and…", "mark": "plain"}]}),
        ];
        let (evidence, texts) = json_evidence(&items).unwrap();
        assert_eq!(evidence.len(), 2);
        assert_eq!(evidence[0].counted, 0);
        assert_eq!(texts.len(), 1);
        let pieces = &texts[0].1;
        assert_eq!(pieces[1].text(), "product backlog");
        assert!(pieces.contains(&Piece::Gap));
        assert!(pieces.contains(&Piece::Match {
            text: "roadmap".into(),
            evidence: 0,
            mark: MatchMark::Colleague
        }));
    }

    #[test]
    fn json_evidence_without_role_is_refused() {
        let err = json_evidence(&[json!({"phrase": "x"})]).unwrap_err();
        assert!(err.contains("role"), "{err}");
    }
}
