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

    /// The format as people name it, for messages: `CSV`, `JSON Lines`, `a JSON array` ...
    pub fn describe(self) -> &'static str {
        match self {
            InputFormat::Csv => "CSV",
            InputFormat::Tsv => "TSV",
            InputFormat::Jsonl => "JSON Lines",
            InputFormat::Json => "a JSON array",
            InputFormat::Xlsx => "an xlsx workbook",
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

/// The first bytes of a zip archive (an `.xlsx` workbook).
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// The first bytes of an OLE compound file: an old `.xls` workbook, or what
/// Excel saves an encrypted (password-protected) workbook as.
pub const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Byte order marks: UTF-8, UTF-16 LE, UTF-16 BE.
const BOMS: [&[u8]; 3] = [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"];

impl InputFormat {
    /// Whether `head` starts as a workbook: a zip archive (`.xlsx`), or an OLE
    /// compound file (an old `.xls` or an encrypted workbook, which the
    /// workbook reader then names as such).
    pub fn is_workbook_head(head: &[u8]) -> bool {
        head.starts_with(ZIP_MAGIC) || head.starts_with(OLE_MAGIC)
    }

    /// The format the start of an input shows: a zip archive is a workbook, a
    /// first character `{` JSON Lines, `[` a JSON array, anything else CSV. Blanks (ASCII white
    /// space, and NUL for UTF-16) and a byte order mark before it are skipped.
    /// `None` when `head` cannot tell yet: it is all blank, or (unless `at_end`)
    /// it could still be the start of a zip archive, an OLE compound file or a
    /// byte order mark.
    pub fn from_content(head: &[u8], at_end: bool) -> Option<InputFormat> {
        if Self::is_workbook_head(head) {
            return Some(InputFormat::Xlsx);
        }
        let is_start_of = |whole: &[u8]| head.len() < whole.len() && whole.starts_with(head);
        if !at_end
            && (is_start_of(ZIP_MAGIC)
                || is_start_of(OLE_MAGIC)
                || BOMS.iter().any(|b| is_start_of(b)))
        {
            return None;
        }
        let text = BOMS
            .iter()
            .find_map(|b| head.strip_prefix(*b))
            .unwrap_or(head);
        let first = text
            .iter()
            .find(|&&b| !(b.is_ascii_whitespace() || b == 0))?;
        Some(match *first {
            b'{' => InputFormat::Jsonl,
            b'[' => InputFormat::Json,
            _ => InputFormat::Csv,
        })
    }
}
