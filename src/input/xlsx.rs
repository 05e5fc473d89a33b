//! Reading postings from an Excel workbook (`.xlsx`, `.xlsm`).
//!
//! One worksheet is read: the first, or the one named with `--sheet`. Its
//! first non-empty row is the header (unless `--no-headers`); every later
//! non-empty row is a record. Cells become text with [`cell_text`]: numbers
//! without a spurious `.0`, dates as ISO 8601, booleans as `true`/`false`.
//!
//! The sheet is loaded whole by `calamine` (one parsed copy of its cells; the
//! workbook itself is closed once the sheet is loaded) and turned into
//! records batch by batch. [`Record::line`] is the row number Excel shows.

use std::borrow::Cow;
use std::io::{Cursor, Read, Seek};

use calamine::{Data, Range, Reader, Xlsx};

use crate::error::{Error, Result};
use crate::input::record::{Opened, Record, RecordReader};

/// The text of a cell: integral numbers without `.0`, dates as ISO 8601
/// (`2024-03-01`, or `2024-03-01T09:30:00` with a time), durations as
/// `HH:MM:SS`, errors as Excel shows them (`#N/A`), empty cells empty.
pub fn cell_text(cell: &Data) -> Cow<'_, str> {
    match cell {
        Data::Empty => Cow::Borrowed(""),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cow::Borrowed(s),
        Data::Int(i) => Cow::Owned(i.to_string()),
        Data::Float(f) => Cow::Owned(number_text(*f)),
        Data::Bool(true) => Cow::Borrowed("true"),
        Data::Bool(false) => Cow::Borrowed("false"),
        Data::Error(e) => Cow::Owned(e.to_string()),
        Data::DateTime(dt) => {
            if dt.is_duration() {
                let secs = (dt.as_f64() * 86_400.0).round() as i64;
                let sign = if secs < 0 { "-" } else { "" };
                let secs = secs.abs();
                return Cow::Owned(format!(
                    "{sign}{:02}:{:02}:{:02}",
                    secs / 3600,
                    secs / 60 % 60,
                    secs % 60
                ));
            }
            let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            let time = if ms > 0 {
                format!("{h:02}:{mi:02}:{s:02}.{ms:03}")
            } else {
                format!("{h:02}:{mi:02}:{s:02}")
            };
            Cow::Owned(if (0.0..1.0).contains(&dt.as_f64()) {
                time
            } else if (h, mi, s, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02}T{time}")
            })
        }
    }
}

/// A float as text: integral values (below 2^53) without a fraction.
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// [`RecordReader`] over the rows of a loaded sheet.
struct SheetRows {
    range: Range<Data>,
    /// Next row to read, relative to the range.
    next: usize,
    /// 0-based sheet row of the range's first row.
    first_row: u32,
}

impl RecordReader for SheetRows {
    fn next_record(&mut self, rec: &mut Record) -> Result<bool> {
        let (height, width) = self.range.get_size();
        while self.next < height {
            let r = self.next;
            self.next += 1;
            let cell = |c: usize| self.range.get((r, c)).unwrap_or(&Data::Empty);
            if (0..width).all(|c| matches!(cell(c), Data::Empty)) {
                continue;
            }
            rec.fields.clear();
            for c in 0..width {
                rec.fields.push_field(cell_text(cell(c)).as_bytes());
            }
            rec.line = u64::from(self.first_row) + r as u64 + 1;
            return Ok(true);
        }
        Ok(false)
    }
}

/// Opens a workbook read from `input` (read into memory first, as the zip
/// format needs to seek).
///
/// # Errors
///
/// As [`open_workbook`], and when reading fails.
pub(crate) fn open(
    name: &str,
    mut input: Box<dyn Read + Send>,
    sheet: Option<&str>,
    has_headers: bool,
) -> Result<Opened> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(name, e))?;
    open_workbook(name, Cursor::new(bytes), sheet, has_headers)
}

/// The names of the worksheets of the workbook in `rs`, in workbook order.
///
/// # Errors
///
/// When `rs` is not an `.xlsx` workbook.
pub fn sheet_names<RS: Read + Seek>(name: &str, rs: RS) -> Result<Vec<String>> {
    let wb: Xlsx<RS> = Xlsx::new(rs).map_err(|e| {
        Error::csv(
            name,
            None,
            format!("cannot read the input as an .xlsx workbook ({e})"),
        )
    })?;
    Ok(wb.sheet_names())
}

/// Opens the workbook in `rs` and loads `sheet` (or the first sheet); the
/// workbook is closed before returning.
///
/// # Errors
///
/// When `rs` is not an `.xlsx` workbook, has no sheet named `sheet` (the
/// message lists the sheets), or the sheet is empty or cannot be read.
pub(crate) fn open_workbook<RS: Read + Seek>(
    name: &str,
    rs: RS,
    sheet: Option<&str>,
    has_headers: bool,
) -> Result<Opened> {
    let mut wb = Xlsx::new(rs).map_err(|e| {
        Error::input(
            "xlsx",
            name,
            None,
            format!(
                "cannot read the input as an .xlsx workbook ({e}); \
                 for a text file use --input-format csv, tsv, json or jsonl"
            ),
        )
    })?;
    let names = wb.sheet_names();
    let listed = || {
        names
            .iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let chosen = match sheet {
        Some(want) => names
            .iter()
            .find(|n| n.as_str() == want)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(want)))
            .ok_or_else(|| {
                Error::usage(format!(
                    "{name}: no sheet named {want:?} for --sheet; the sheets are: {}",
                    listed()
                ))
            })?,
        None => names
            .first()
            .ok_or_else(|| Error::input("xlsx", name, None, "the workbook has no worksheet"))?,
    }
    .clone();
    let range = wb.worksheet_range(&chosen).map_err(|e| {
        Error::input(
            "xlsx",
            name,
            None,
            format!("cannot read sheet {chosen:?} of the workbook: {e}"),
        )
    })?;
    drop(wb);
    let Some((first_row, _)) = range.start() else {
        return Err(Error::input(
            "xlsx",
            name,
            None,
            format!(
                "sheet {chosen:?} is empty: expected a header row and one posting per row \
                 (the sheets are: {}; choose one with --sheet NAME)",
                listed()
            ),
        ));
    };
    let width = range.width();
    let mut rows = SheetRows {
        range,
        next: 0,
        first_row,
    };
    let header = if has_headers {
        let mut rec = Record::default();
        rows.next_record(&mut rec)?;
        rec.fields
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .collect()
    } else {
        Vec::new()
    };
    Ok(Opened {
        header,
        width,
        nested: Vec::new(),
        reader: Box::new(rows),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};
    use rust_xlsxwriter::{ExcelDateTime as WDate, Format, Workbook};

    fn workbook() -> Vec<u8> {
        let mut wb = Workbook::new();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let ws = wb.add_worksheet().set_name("Jobs").unwrap();
        ws.write(0, 0, "id").unwrap();
        ws.write(0, 1, "Description").unwrap();
        ws.write(0, 2, "salary").unwrap();
        ws.write(0, 3, "posted").unwrap();
        ws.write(1, 0, 17).unwrap();
        ws.write(1, 1, "Own the product backlog").unwrap();
        ws.write(1, 2, 61234.5).unwrap();
        let d = WDate::from_ymd(2024, 3, 1).unwrap();
        ws.write_datetime_with_format(1, 3, &d, &date).unwrap();
        // Row 3 is left empty; row 4 has data again.
        ws.write(3, 0, 18).unwrap();
        ws.write(3, 1, "Set the product vision").unwrap();
        let notes = wb.add_worksheet().set_name("Notes").unwrap();
        notes.write(0, 0, "note").unwrap();
        wb.save_to_buffer().unwrap()
    }

    fn fields(rec: &Record) -> Vec<String> {
        rec.fields
            .iter()
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect()
    }

    fn read(sheet: Option<&str>, has_headers: bool) -> Result<(Vec<String>, Vec<Record>)> {
        let o = open(
            "w.xlsx",
            Box::new(Cursor::new(workbook())),
            sheet,
            has_headers,
        )?;
        let mut reader = o.reader;
        let mut recs = Vec::new();
        let mut rec = Record::default();
        while reader.next_record(&mut rec)? {
            recs.push(rec.clone());
        }
        Ok((o.header, recs))
    }

    #[test]
    fn renders_cells() {
        assert_eq!(cell_text(&Data::Float(3.0)), "3");
        assert_eq!(cell_text(&Data::Float(-2.5)), "-2.5");
        assert_eq!(cell_text(&Data::Float(1e300)), 1e300.to_string());
        assert_eq!(cell_text(&Data::Int(7)), "7");
        assert_eq!(cell_text(&Data::Bool(true)), "true");
        assert_eq!(cell_text(&Data::Empty), "");
        let dt = |v| Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(cell_text(&dt(45352.0)), "2024-03-01");
        assert_eq!(cell_text(&dt(45352.5)), "2024-03-01T12:00:00");
        assert_eq!(cell_text(&dt(0.25)), "06:00:00");
        let dur = Data::DateTime(ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false));
        assert_eq!(cell_text(&dur), "36:00:00");
    }

    #[test]
    fn reads_the_first_sheet() {
        let (header, recs) = read(None, true).unwrap();
        assert_eq!(header, ["id", "Description", "salary", "posted"]);
        assert_eq!(recs.len(), 2, "the empty row is skipped");
        assert_eq!(
            fields(&recs[0]),
            ["17", "Own the product backlog", "61234.5", "2024-03-01"]
        );
        assert_eq!(fields(&recs[1]), ["18", "Set the product vision", "", ""]);
        assert_eq!((recs[0].line, recs[1].line), (2, 4), "Excel row numbers");
    }

    #[test]
    fn reads_a_named_sheet_and_no_headers() {
        let (header, recs) = read(Some("notes"), true).unwrap();
        assert_eq!(header, ["note"]);
        assert!(recs.is_empty());
        let (header, recs) = read(Some("Notes"), false).unwrap();
        assert!(header.is_empty());
        assert_eq!(fields(&recs[0]), ["note"]);
    }

    #[test]
    fn unknown_sheet_lists_the_sheets() {
        let e = read(Some("Postings"), true).unwrap_err().to_string();
        assert!(
            e.contains("\"Postings\"")
                && e.contains("\"Jobs\", \"Notes\"")
                && e.contains("--sheet"),
            "{e}"
        );
    }

    #[test]
    fn lists_the_sheets() {
        assert_eq!(
            sheet_names("w.xlsx", Cursor::new(workbook())).unwrap(),
            ["Jobs", "Notes"]
        );
        let e = sheet_names("x.xlsx", Cursor::new(b"id\n".to_vec()))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("x.xlsx: cannot read the input as an .xlsx workbook"),
            "{e}"
        );
    }

    #[test]
    fn not_a_workbook_is_an_error() {
        let e = open(
            "x.xlsx",
            Box::new(Cursor::new(b"id,description\n".to_vec())),
            None,
            true,
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(
            e.starts_with("x.xlsx: cannot read the input as an .xlsx workbook"),
            "{e}"
        );
    }
}
