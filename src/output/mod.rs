//! Writing results: CSV, TSV, JSON Lines and the cells of an xlsx row, as pure
//! functions of a classified row.
//!
//! # CSV and TSV
//!
//! Columns, in order: `file` (only with several inputs), the kept input columns
//! (`--keep`), then [`OUTPUT_COLUMNS`], then `lexicon` with
//! [`Layout::with_provenance`]. A kept column whose name collides with an
//! output column is renamed `<name>_input`. Evidence cells are compact:
//! `product backlog×3; user stories×2; product manager×1 (colleague)`, strongest
//! first; a phrase whose matches did not all count says how many were
//! `colleague` or `negated` ([`evidence_cell`] writes them and parses them back). A [`Dialect`] chooses the delimiter, line ending,
//! byte order mark, decimal comma and formula guarding.
//!
//! # JSON Lines (schema version [`SCHEMA_VERSION`])
//!
//! One object per posting: `schema_version`, `file` (several inputs only), `row`,
//! `id`, `label`, `confidence`, `lean`, `content_lean`, `self_role`, `mismatch`,
//! `language`, `po_score`, `pm_score`,
//! `calibrated`, `lexicon` (name@version#hash), `evidence` (array, see
//! [`evidence_json`]), `error` (string or null), `kept` (object of kept columns,
//! only with `--keep`), `warnings` (array), in this order. A row that could not
//! be classified has `label` `error` and none of the score fields.

mod batch_write;
pub mod evidence_cell;
mod json_line;
mod json_snippet;
mod json_str;
pub mod number;
pub mod row;
#[cfg(feature = "xlsx")]
pub mod xlsx;

pub use crate::text::snippet::{snippet, snippet_parts};
pub use batch_write::write_rows;
pub use number::{fixed, round};
pub use row::*;
