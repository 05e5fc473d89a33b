//! Stage 1, input: files or stdin in, [`Record`]s with their [`Header`] out.
//!
//! Bytes are decoded to UTF-8 first ([`decode`]); CSV and TSV records are cut
//! on the reading thread and split into fields on the workers ([`csv`],
//! [`csv_split`]); JSON Lines and JSON arrays ([`json`]) and `.xlsx` workbooks
//! ([`xlsx`]) hand out the same records. [`Source`] picks the reader from
//! `--input-format` or the file name ([`InputFormat`]), and [`columns`]
//! decides which fields are the posting's text, title and id.
//!
//! Inside the stage, files import downwards only: `format`, `csv_split`,
//! `decode`, `json_array` and `zip_limits` at the bottom, then `record`, then
//! the readers, then `source`.

pub mod columns;
pub mod csv;
pub mod csv_split;
pub mod decode;
pub mod format;
pub mod json;
pub mod json_array;
mod json_large;
pub mod record;
pub mod source;
#[cfg(feature = "xlsx")]
pub mod xlsx;
pub mod zip_limits;

pub use format::InputFormat;
pub use record::{decode_field, ColumnSel, Header, ReadOptions, Record};
pub use source::Source;
pub use zip_limits::ZipLimits;
