//! The report's data: every posting added one at a time, kept as the compact
//! JSON the page's script reads, with a [`Tally`] for the summary charts.
//!
//! # Size and memory
//!
//! A report has to open quickly in a browser, so what it holds per posting is
//! bounded. The table row (id, kept columns, label, numbers) is always kept,
//! about 100 bytes a posting. Detail — the evidence table and the texts —
//! is kept in full until the postings' texts reach [`TEXT_BUDGET`] bytes; after
//! that, postings keep their evidence table without text until details reach
//! [`DETAIL_BUDGET`]; after that, the table row only. The page says so on each
//! posting concerned and in the summary band. Memory follows the file: the
//! rows as JSON plus at most the two budgets; texts past them are dropped as
//! each posting is added.
//!
//! # Data format
//!
//! `{"labels": [...], "columns": [...], "phrases": [[phrase, "po"|"pm",
//! category], ...], "text": "full"|"snippets"|"none", "rows": [[id, [kept...],
//! label index, confidence, lean, content_lean, self_role, mismatch 0/1,
//! po_score, pm_score, error], ...], "details": [null | {"e": [[phrase index,
//! count, counted, contribution], ...], "t": [[field, [piece, ...]], ...]},
//! ...]}`, with pieces as [`super::highlight::Piece`] serializes them. A
//! details entry is `null` for a posting without evidence or text, `0` when
//! the budget left its details out, and an object without `t` when only its
//! text was left out.

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};

use serde_json::{json, Value};

use crate::judge::label::Label;
use crate::lexicon::Role;
use crate::output::round;
use crate::report::summary::{PhraseHit, Tally};

use super::escape::escape_json_for_script;
use super::row::{ReportRow, TextKind};

/// Appends `value` as JSON escaped for a script block: the buffers hold the
/// page's data as it is written, so writing it needs no copy.
fn push_escaped(out: &mut Vec<u8>, value: &Value) {
    let json = value.to_string();
    out.extend_from_slice(escape_json_for_script(&json).as_bytes());
}

/// Bytes of posting text a report keeps (see the [module docs](self)).
pub const TEXT_BUDGET: usize = 8_000_000;

/// Bytes of detail (evidence and text, as JSON) a report keeps.
pub const DETAIL_BUDGET: usize = 12_000_000;

/// Label names in the order of the rows' label index ([`Label::ALL`]'s); the
/// last is `error`, a row that could not be classified.
pub fn label_names() -> Vec<&'static str> {
    Label::ALL
        .iter()
        .map(|l| l.as_str())
        .chain(["error"])
        .collect()
}

/// How many postings lost part of their detail to the budgets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LeftOut {
    /// Postings whose text was left out (their evidence kept).
    pub texts: usize,
    /// Postings whose evidence and text were left out.
    pub details: usize,
}

/// Postings whose own role and content disagree, by the role they name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mismatches {
    /// Name themselves a Product Owner and describe Product Manager work.
    pub named_po: usize,
    /// Name themselves a Product Manager and describe Product Owner work.
    pub named_pm: usize,
}

/// Collects the postings of a report (see the [module docs](self)).
#[derive(Debug)]
pub struct ReportData {
    columns: Vec<String>,
    text_kind: TextKind,
    text_budget: usize,
    detail_budget: usize,
    text_used: usize,
    detail_used: usize,
    phrases: Vec<(String, Role, String)>,
    phrase_index: HashMap<(String, Role, String), usize>,
    rows: Vec<u8>,
    details: Vec<u8>,
    tally: Tally,
    left_out: LeftOut,
    lexicons: BTreeSet<String>,
    mismatches: Mismatches,
}

/// A row's label as its index into [`label_names`].
fn label_index(label: Option<Label>) -> usize {
    label
        .and_then(|l| Label::ALL.iter().position(|&a| a == l))
        .unwrap_or(Label::ALL.len())
}

/// A number rounded for the data, or `null`.
fn num(x: Option<f64>, decimals: usize) -> Value {
    x.filter(|x| x.is_finite())
        .map_or(Value::Null, |x| json!(round(x, decimals)))
}

impl ReportData {
    /// An empty report whose rows carry the kept `columns` and whose texts are of `text_kind`.
    pub fn new(columns: Vec<String>, text_kind: TextKind) -> ReportData {
        ReportData {
            columns,
            text_kind,
            text_budget: TEXT_BUDGET,
            detail_budget: DETAIL_BUDGET,
            text_used: 0,
            detail_used: 0,
            phrases: Vec::new(),
            phrase_index: HashMap::new(),
            rows: Vec::new(),
            details: Vec::new(),
            tally: Tally::new(),
            left_out: LeftOut::default(),
            lexicons: BTreeSet::new(),
            mismatches: Mismatches::default(),
        }
    }

    /// The same report with other budgets for texts and details (bytes).
    pub fn with_budgets(mut self, text: usize, detail: usize) -> ReportData {
        self.text_budget = text;
        self.detail_budget = detail;
        self
    }

    /// Adds one posting whose kept values come by column name: a name the
    /// report has not seen adds a column (earlier rows show it empty).
    pub fn add_named(&mut self, mut row: ReportRow, named: &[(String, String)]) {
        let mut kept = vec![String::new(); self.columns.len()];
        for (name, value) in named {
            let i = match self.columns.iter().position(|c| c == name) {
                Some(i) => i,
                None => {
                    self.columns.push(name.clone());
                    kept.push(String::new());
                    self.columns.len() - 1
                }
            };
            kept[i] = value.clone();
        }
        row.kept = kept;
        self.add(row);
    }

    /// Records the identity of a lexicon that made some of the postings (ignored when empty).
    pub fn note_lexicon(&mut self, identity: &str) {
        let identity = identity.trim();
        if !identity.is_empty() && !self.lexicons.contains(identity) {
            self.lexicons.insert(identity.to_string());
        }
    }

    /// The lexicons the results name (`lexicon` field or `--provenance` column), in order.
    pub fn lexicons(&self) -> impl Iterator<Item = &str> {
        self.lexicons.iter().map(String::as_str)
    }

    /// Records that some postings' texts are of `kind`: the report says what the
    /// poorest of its inputs leaves out.
    pub fn lower_text_kind(&mut self, kind: TextKind) {
        let rank = |k: TextKind| match k {
            TextKind::None => 0,
            TextKind::Snippets => 1,
            TextKind::Full => 2,
        };
        if rank(kind) < rank(self.text_kind) {
            self.text_kind = kind;
        }
    }

    /// Adds one posting; its `kept` values are in the order of the report's columns.
    pub fn add(&mut self, row: ReportRow) {
        let hits: Vec<PhraseHit> = row
            .evidence
            .iter()
            .map(|e| PhraseHit {
                role: e.role,
                phrase: e.phrase.clone(),
                category: e.category.clone(),
                counted: e.counted > 0,
            })
            .collect();
        if row.mismatch {
            self.tally.add_mismatch();
            // A mismatch names one role (self_role) and its content leans to the other.
            let named_po = match row.self_role.as_deref() {
                Some("product_owner") => true,
                Some("product_manager") => false,
                _ => row.content_lean.unwrap_or(0.0) > 0.0,
            };
            if named_po {
                self.mismatches.named_po += 1;
            } else {
                self.mismatches.named_pm += 1;
            }
        }
        self.tally
            .add(row.label, row.confidence, row.lean, hits.as_slice());

        let table = json!([
            row.id,
            row.kept,
            label_index(row.label),
            num(row.confidence, 3),
            num(row.lean, 3),
            num(row.content_lean, 3),
            row.self_role,
            u8::from(row.mismatch),
            num(row.po_score, 2),
            num(row.pm_score, 2),
            row.error,
        ]);
        if !self.rows.is_empty() {
            self.rows.push(b',');
            self.details.push(b',');
        }
        push_escaped(&mut self.rows, &table);
        let detail = self.detail(&row);
        let before = self.details.len();
        push_escaped(&mut self.details, &detail);
        if detail.is_object() {
            self.detail_used += self.details.len() - before;
        }
    }

    /// The detail of one posting, within the budgets.
    fn detail(&mut self, row: &ReportRow) -> Value {
        if row.evidence.is_empty() && row.texts.is_empty() {
            return Value::Null;
        }
        if self.detail_used >= self.detail_budget {
            self.left_out.details += 1;
            return json!(0);
        }
        let evidence: Vec<Value> = row
            .evidence
            .iter()
            .map(|e| {
                let idx = self.phrase(&e.phrase, e.role, &e.category);
                json!([idx, e.count, e.counted, num(e.contribution, 2)])
            })
            .collect();
        let mut detail = json!({ "e": evidence });
        let text_len = row.text_len();
        if self.text_used + text_len <= self.text_budget || text_len == 0 {
            self.text_used += text_len;
            let texts: Vec<Value> = row
                .texts
                .iter()
                .map(|(name, pieces)| json!([name, pieces]))
                .collect();
            detail["t"] = Value::Array(texts);
        } else {
            // Once one posting's text is left out, later ones are too: the
            // report then keeps a prefix of the texts, not a lucky few.
            self.text_used = self.text_budget;
            self.left_out.texts += 1;
        }
        detail
    }

    /// The index of a phrase in the report's phrase table.
    fn phrase(&mut self, phrase: &str, role: Role, category: &str) -> usize {
        let key = (phrase.to_string(), role, category.to_string());
        if let Some(&i) = self.phrase_index.get(&key) {
            return i;
        }
        let i = self.phrases.len();
        self.phrases.push(key.clone());
        self.phrase_index.insert(key, i);
        i
    }

    /// Postings added.
    pub fn len(&self) -> usize {
        self.tally.total()
    }

    /// Whether no posting was added.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The summary of the postings added.
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// Where the report's texts come from.
    pub fn text_kind(&self) -> TextKind {
        self.text_kind
    }

    /// The mismatches, by the role the postings name.
    pub fn mismatches(&self) -> Mismatches {
        self.mismatches
    }

    /// How many postings lost detail to the budgets.
    pub fn left_out(&self) -> LeftOut {
        self.left_out
    }

    /// Writes the data as one JSON object, escaped for a script block
    /// ([`escape_json_for_script`]).
    ///
    /// # Errors
    ///
    /// When writing to `out` fails.
    pub fn write_json(&self, out: &mut dyn Write) -> io::Result<()> {
        let phrases: Vec<Value> = self
            .phrases
            .iter()
            .map(|(p, r, c)| json!([p, r.as_str(), c]))
            .collect();
        let text = match self.text_kind {
            TextKind::Full => "full",
            TextKind::Snippets => "snippets",
            TextKind::None => "none",
        };
        let head = json!({
            "labels": label_names(),
            "columns": self.columns,
            "phrases": phrases,
            "text": text,
        });
        let mut escaped = Vec::new();
        push_escaped(&mut escaped, &head);
        // `head` is an object: drop its closing brace and append the arrays.
        out.write_all(&escaped[..escaped.len() - 1])?;
        out.write_all(b",\"rows\":[")?;
        out.write_all(&self.rows)?;
        out.write_all(b"],\"details\":[")?;
        out.write_all(&self.details)?;
        out.write_all(b"]}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_indices_name_their_labels() {
        let names = label_names();
        assert_eq!(
            names,
            [
                "product_owner",
                "product_manager",
                "hybrid",
                "unclear",
                "other",
                "error"
            ]
        );
        for l in Label::ALL {
            assert_eq!(names[label_index(Some(l))], l.as_str());
        }
        assert_eq!(names[label_index(None)], "error");
    }
    use crate::report::html::highlight::Piece;
    use crate::report::html::row::PhraseEvidence;

    fn row(id: &str, text: &str) -> ReportRow {
        ReportRow {
            id: id.into(),
            label: Some(Label::ProductOwner),
            confidence: Some(0.91234),
            lean: Some(-0.5),
            evidence: vec![PhraseEvidence {
                phrase: "product backlog".into(),
                role: Role::Po,
                category: "backlog".into(),
                count: 1,
                counted: 1,
                contribution: Some(3.0),
            }],
            texts: vec![("description".into(), vec![Piece::Text(text.into())])],
            ..ReportRow::default()
        }
    }

    fn parse(data: &ReportData) -> Value {
        let mut out = Vec::new();
        data.write_json(&mut out).unwrap();
        assert!(!out.contains(&b'<'), "the data is escaped");
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn rows_details_and_phrases_are_written_compactly() {
        let mut data = ReportData::new(vec!["title".into()], TextKind::Full);
        data.add(ReportRow {
            kept: vec!["PO <b>".into()],
            ..row("p1", "backlog")
        });
        data.add(ReportRow::error("no text column"));
        let v = parse(&data);
        assert_eq!(v["rows"][0][0], "p1");
        assert_eq!(v["rows"][0][1][0], "PO <b>");
        assert_eq!(v["rows"][0][2], 0);
        assert_eq!(v["rows"][0][3], 0.912);
        assert_eq!(v["rows"][1][2], 5);
        assert_eq!(v["rows"][1][10], "no text column");
        assert_eq!(v["phrases"][0], json!(["product backlog", "po", "backlog"]));
        assert_eq!(v["details"][0]["e"][0], json!([0, 1, 1, 3.0]));
        assert_eq!(v["details"][0]["t"][0], json!(["description", ["backlog"]]));
        assert_eq!(v["details"][1], Value::Null);
        assert_eq!(data.tally().total(), 2);
    }

    #[test]
    fn mismatches_are_counted_by_the_role_they_name() {
        let mut data = ReportData::new(vec![], TextKind::None);
        let mismatch = |self_role: &str, content_lean: f64| ReportRow {
            mismatch: true,
            self_role: Some(self_role.into()),
            content_lean: Some(content_lean),
            ..row("m", "")
        };
        data.add(mismatch("product_owner", 0.8));
        data.add(mismatch("product_owner", 0.6));
        data.add(mismatch("product_manager", -0.7));
        data.add(row("plain", ""));
        assert_eq!(
            data.mismatches(),
            Mismatches {
                named_po: 2,
                named_pm: 1
            }
        );
        assert_eq!(data.tally().mismatches(), 3);
    }

    #[test]
    fn budgets_leave_out_texts_then_details_and_say_so() {
        let mut data = ReportData::new(vec![], TextKind::Full).with_budgets(10, 200);
        for i in 0..20 {
            data.add(row(&i.to_string(), "0123456"));
        }
        let v = parse(&data);
        assert!(v["details"][0]["t"].is_array());
        assert!(v["details"][1]["t"].is_null() && v["details"][1]["e"].is_array());
        assert_eq!(v["details"][19], 0);
        let left = data.left_out();
        assert!(left.texts >= 1 && left.details >= 1, "{left:?}");
        assert_eq!(left.texts + left.details, 19);
        assert_eq!(v["rows"].as_array().unwrap().len(), 20);
    }
}
