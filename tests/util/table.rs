//! Reading popm's output back: CSV/TSV tables addressable by column name and
//! JSON Lines; and writing CSV fixtures.

use serde_json::Value;

/// The header popm writes for CSV/TSV output (without kept or file columns).
pub const HEADER: &str =
    "id,label,confidence,lean,content_lean,self_role,mismatch,language,po_score,pm_score,po_evidence,pm_evidence,error";

/// Parses JSON Lines (every line must be a JSON object).
pub fn parse_jsonl(bytes: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(bytes).expect("JSON Lines output is UTF-8");
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "JSON Lines output must end with a newline"
    );
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            let v: Value = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("line {} is not JSON ({e}): {l}", i + 1));
            assert!(v.is_object(), "line {} is not an object: {l}", i + 1);
            v
        })
        .collect()
}

/// A parsed CSV/TSV output: header and rows, addressable by column name.
#[derive(Debug, Clone)]
pub struct Table {
    /// Header names.
    pub header: Vec<String>,
    /// Data rows.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The index of column `name` (panics when absent).
    pub fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name:?} in {:?}", self.header))
    }

    /// The cell of `row` in column `name`.
    pub fn get(&self, row: usize, name: &str) -> &str {
        &self.rows[row][self.col(name)]
    }

    /// Every cell of column `name`, in row order.
    pub fn column(&self, name: &str) -> Vec<&str> {
        let c = self.col(name);
        self.rows.iter().map(|r| r[c].as_str()).collect()
    }

    /// The label of the row whose `id` is `id`.
    pub fn label_of(&self, id: &str) -> &str {
        let (i, c) = (self.col("id"), self.col("label"));
        self.rows
            .iter()
            .find(|r| r[i] == id)
            .map(|r| r[c].as_str())
            .unwrap_or_else(|| panic!("no row with id {id:?}"))
    }
}

/// Parses CSV bytes with a header; every row must have as many fields as the header.
pub fn parse_table(bytes: &[u8], delimiter: u8) -> Table {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let header = rdr
        .headers()
        .expect("output has a header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = rdr
        .records()
        .map(|r| {
            r.expect("output row is well-formed CSV")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    Table { header, rows }
}

/// Writes rows as RFC 4180 CSV (the first row is the header).
pub fn to_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).expect("write CSV row");
    }
    w.into_inner().expect("finish CSV")
}
