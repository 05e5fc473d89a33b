//! Reading postings and writing results: the public face of the input and
//! output stages.
//!
//! A [`Source`] opens CSV, TSV, JSON Lines, a JSON array or an `.xlsx` sheet
//! (from a path or stdin) and hands out [`Record`]s in batches; a
//! [`ColumnPlan`] says which fields are the posting's texts, title and id, and
//! turns a record into [`RecordTexts`] and then a [`crate::Posting`]. On the
//! way out, a [`Layout`] formats each classified row as CSV, TSV or JSON Lines
//! (a [`Dialect`] for spreadsheets), [`write_rows`] hands a batch of finished
//! rows to a buffered file, and an [`XlsxWriter`] writes a workbook.
//! The compact evidence cells of CSV results (`product backlog×3; user
//! stories×2`) have one grammar, written by [`format_compact_evidence`] and
//! read back by [`parse_compact_evidence`].

pub use crate::input::columns::{resolve_column, ColumnChoice, ColumnPlan, RecordTexts};
pub use crate::input::decode::EncodingChoice;
pub use crate::input::record::{ID_COLUMN_NAMES, TEXT_COLUMN_NAMES, TITLE_COLUMN_NAMES};
pub use crate::input::zip_limits::parse_size;
pub use crate::input::{
    decode_field, ColumnSel, Header, InputFormat, ReadOptions, Record, Source, ZipLimits,
};
pub use crate::output::evidence_cell::{
    compact_evidence, format_compact_evidence, parse_compact_evidence, CompactItem,
};
pub use crate::output::number::round;
pub use crate::output::write_rows;
#[cfg(feature = "xlsx")]
pub use crate::output::xlsx::XlsxWriter;
pub use crate::output::{
    evidence_items, evidence_json, fixed, guard_formula, snippet_parts, verdict_fields, Cell,
    Dialect, EvidenceItem, Format, Layout, MatchItem, RowInfo, OUTPUT_COLUMNS, SCHEMA_VERSION,
};
