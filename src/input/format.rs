//! The formats popm reads, named by flag or guessed from the file name.

use std::path::Path;

use crate::error::{Error, Result};

/// The format of an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// Delimiter-separated values (the delimiter is detected or given).
    Csv,
    /// Tab-separated values.
    Tsv,
    /// JSON Lines: one JSON object per line.
    Jsonl,
    /// One JSON array of objects (a leading `{` is read as JSON Lines).
    Json,
    /// An Excel workbook (`.xlsx`, `.xlsm`).
    Xlsx,
}

impl InputFormat {
    /// Every format, in the order of `--input-format`'s help.
    pub const ALL: [InputFormat; 5] = [
        InputFormat::Csv,
        InputFormat::Tsv,
        InputFormat::Jsonl,
        InputFormat::Json,
        InputFormat::Xlsx,
    ];

    /// The format's name, as `--input-format` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Csv => "csv",
            InputFormat::Tsv => "tsv",
            InputFormat::Jsonl => "jsonl",
            InputFormat::Json => "json",
            InputFormat::Xlsx => "xlsx",
        }
    }

    /// Parses a format name (`csv`, `tsv`, `jsonl`/`ndjson`, `json`, `xlsx`).
    ///
    /// # Errors
    ///
    /// When the name is none of these; the message lists them.
    pub fn parse(name: &str) -> Result<InputFormat> {
        let name = name.trim().to_ascii_lowercase();
        if name == "ndjson" {
            return Ok(InputFormat::Jsonl);
        }
        InputFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == name)
            .ok_or_else(|| {
                Error::usage(format!(
                    "--input-format {name:?} is not a format popm reads; use one of {}",
                    InputFormat::ALL.map(InputFormat::as_str).join(", ")
                ))
            })
    }

    /// The format a file name implies: `.jsonl`/`.ndjson`, `.json`,
    /// `.xlsx`/`.xlsm`, `.tsv`, anything else CSV.
    pub fn from_path(path: &str) -> InputFormat {
        let ext = Path::new(path)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("jsonl" | "ndjson") => InputFormat::Jsonl,
            Some("json") => InputFormat::Json,
            Some("xlsx" | "xlsm") => InputFormat::Xlsx,
            Some("tsv") => InputFormat::Tsv,
            _ => InputFormat::Csv,
        }
    }
}
