//! Reading postings from an Excel workbook (`.xlsx`, `.xlsm`).
//!
//! One worksheet is read: the first, or the one named with `--sheet`. Its
//! first non-empty row is the header (unless `--no-headers`); every later
//! non-empty row is a record. Cells become text as a person reading the sheet
//! sees them: numbers without a spurious `.0`, dates as ISO 8601, booleans
//! as `true`/`false`, errors as Excel shows them (`#N/A`).
//!
//! Nothing grows with the workbook. [`crate::input::zip_limits`] refuses a
//! workbook whose parts declare sizes past its limits before anything is
//! read, and counts every part as it inflates. A thread of its own reads the
//! package's parts ([`package`]): the cell formats ([`styles`]), the
//! shared-strings table, which moves to a temporary file past 16 MiB
//! ([`shared_strings`]), and the sheet, row by row ([`sheet`]), handing the
//! rows over a short queue in batches.
//! [`Record::line`] is the row number Excel shows.

use std::collections::VecDeque;
use std::io::{Cursor, Read, Seek};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

use crate::error::{Error, Result};
use crate::input::record::{Opened, Record, RecordReader};
use crate::input::zip_limits::ZipLimits;

mod cell_text;
mod package;
mod rich_text;
mod shared_strings;
mod sheet;
mod styles;

use package::{Package, Workbook};
use shared_strings::SharedStrings;
use sheet::SheetReader;
use styles::Styles;

/// Batches of rows read ahead of the worker threads by the sheet's reading thread.
const BATCHES_AHEAD: usize = 4;

/// Most rows in a batch: rows go over the queue in batches, as one row at a
/// time made the two threads wake each other for every row.
const BATCH_ROWS: usize = 256;

/// A batch is sent once its fields hold this many bytes, however few rows.
const BATCH_BYTES: usize = 1 << 20;

/// One non-empty row of the sheet: its Excel row number and its cells from
/// the sheet's first column on.
struct SheetRow {
    line: u64,
    fields: csv::ByteRecord,
}

/// What the sheet's reading thread sends: a batch of rows, or the error that
/// ended the sheet.
type Batch = Result<Vec<SheetRow>>;

/// [`RecordReader`] over the rows the sheet's reading thread sends.
struct SheetRows {
    batches: Receiver<Batch>,
    /// Rows received and not yet handed out.
    ready: VecDeque<SheetRow>,
    /// Tells the thread to stop early (the rows are no longer wanted).
    stop: Arc<AtomicBool>,
    /// The thread, joined when the rows are dropped: none is left behind.
    thread: Option<JoinHandle<()>>,
}

impl Drop for SheetRows {
    fn drop(&mut self) {
        // The thread stops at its next batch (the queue is closed) or, while
        // it reads the shared strings, at the flag.
        self.stop.store(true, Ordering::Relaxed);
        drop(std::mem::replace(&mut self.batches, sync_channel(0).1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl SheetRows {
    /// The next row; `None` once the thread has sent its last and ended.
    fn next_row(&mut self) -> Result<Option<SheetRow>> {
        while self.ready.is_empty() {
            match self.batches.recv() {
                Ok(batch) => self.ready.extend(batch?),
                Err(_) => return Ok(None),
            }
        }
        Ok(self.ready.pop_front())
    }
}

impl RecordReader for SheetRows {
    fn next_record(&mut self, rec: &mut Record) -> Result<bool> {
        match self.next_row()? {
            Some(row) => {
                rec.fields = row.fields;
                rec.line = row.line;
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

/// Reads the sheet whose part is `part` row by row on the calling thread,
/// after the workbook's styles and shared strings, sending each row with a
/// value; stops when the receiver is gone.
fn send_rows<RS: Read + Seek>(
    name: &str,
    package: &mut Package<RS>,
    workbook: &Workbook,
    (sheet, part): (&str, &str),
    out: &SyncSender<Batch>,
    stop: &AtomicBool,
) {
    let fail = |row: Option<u64>, message: String| {
        Error::input(
            "xlsx",
            name,
            row,
            format!("cannot read sheet {sheet:?} of the workbook: {message}"),
        )
    };
    let mut read = || -> std::result::Result<(), sheet::SheetError> {
        let none = |message: String| sheet::SheetError { row: None, message };
        let styles = match &workbook.styles {
            Some(p) => match package.part(p).map_err(none)? {
                Some(mut xml) => Styles::read(&mut xml).map_err(none)?,
                None => Styles::default(),
            },
            None => Styles::default(),
        };
        let mut strings = match &workbook.shared_strings {
            Some(p) => match package.part(p).map_err(none)? {
                Some(mut xml) => SharedStrings::read(&mut xml, stop).map_err(none)?,
                None => SharedStrings::new(),
            },
            None => SharedStrings::new(),
        };
        let xml = package
            .part(part)
            .map_err(none)?
            .ok_or_else(|| none(format!("the workbook has no part {part}")))?;
        let mut reader = SheetReader::new(xml, &mut strings, &styles, workbook.is_1904)?;
        let mut batch = Vec::with_capacity(BATCH_ROWS);
        let mut bytes = 0;
        let mut sent_any = false;
        loop {
            let mut fields = csv::ByteRecord::new();
            let row = reader.next_row(&mut fields);
            let end = !matches!(row, Ok(Some(_)));
            if let Ok(Some(line)) = row {
                bytes += fields.as_slice().len();
                batch.push(SheetRow { line, fields });
            }
            // The first row (the header) goes at once: opening waits for it.
            let is_first = !sent_any && !batch.is_empty();
            if end || is_first || batch.len() == BATCH_ROWS || bytes >= BATCH_BYTES {
                sent_any = true;
                // The rows before an error go first.
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                bytes = 0;
                if !full.is_empty() && out.send(Ok(full)).is_err() {
                    return Ok(());
                }
            }
            if end {
                return row.map(|_| ());
            }
        }
    };
    if let Err(e) = read() {
        // A part that inflated past the limits is reported as that.
        let error = package.refusal().unwrap_or_else(|| fail(e.row, e.message));
        let _ = out.send(Err(error));
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
    limits: ZipLimits,
) -> Result<Opened> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(name, e))?;
    open_workbook(name, Cursor::new(bytes), sheet, has_headers, limits)
}

/// The names of the worksheets of the workbook in `rs`, in workbook order.
///
/// # Errors
///
/// When `rs` is not an `.xlsx` workbook, or its parts inflate past the
/// default [`ZipLimits`].
pub fn sheet_names<RS: Read + Seek>(name: &str, rs: RS) -> Result<Vec<String>> {
    let (_, workbook) = open_package(name, rs, ZipLimits::default())?;
    Ok(workbook.sheets.into_iter().map(|(n, _)| n).collect())
}

/// The package in `rs` and where its workbook's parts are.
///
/// # Errors
///
/// When `rs` is not an `.xlsx` workbook.
fn open_package<RS: Read + Seek>(
    name: &str,
    mut rs: RS,
    limits: ZipLimits,
) -> Result<(Package<RS>, Workbook)> {
    if package::is_compound_file(&mut rs) {
        return Err(Error::input(
            "xlsx",
            name,
            None,
            "this is an old .xls workbook or an encrypted (password-protected) one, which popm \
             cannot read: open it in a spreadsheet program and save it as .xlsx (without a \
             password) or as CSV",
        ));
    }
    let fail = |e: String| {
        Error::input(
            "xlsx",
            name,
            None,
            format!(
                "cannot read the input as an .xlsx workbook ({e}); \
                 for a text file use --input-format csv, tsv, json or jsonl"
            ),
        )
    };
    let mut package = Package::open(rs, name, limits).map_err(fail)?;
    package.check_declared_sizes()?;
    let workbook = package.workbook();
    if let Some(refused) = package.refusal() {
        return Err(refused);
    }
    let workbook = workbook.map_err(fail)?;
    Ok((package, workbook))
}

/// Opens the workbook in `rs` after checking its parts against `limits`, and
/// starts reading `sheet` (or the first sheet) row by row on a thread of its
/// own; the first row is read before returning.
///
/// # Errors
///
/// When a part of the workbook inflates past `limits`, `rs` is not an
/// `.xlsx` workbook, has no sheet named `sheet` (the message lists the
/// sheets), or the sheet is empty or cannot be read.
pub(crate) fn open_workbook<RS: Read + Seek + Send + 'static>(
    name: &str,
    rs: RS,
    sheet: Option<&str>,
    has_headers: bool,
    limits: ZipLimits,
) -> Result<Opened> {
    let (mut package, workbook) = open_package(name, rs, limits)?;
    let names: Vec<String> = workbook.sheets.iter().map(|(n, _)| n.clone()).collect();
    let listed = names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let chosen = match sheet {
        Some(want) => names
            .iter()
            .find(|n| n.as_str() == want)
            .or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(want)))
            .ok_or_else(|| {
                Error::usage(format!(
                    "{name}: no sheet named {want:?} for --sheet; the sheets are: {listed}"
                ))
            })?,
        // The first worksheet: a chart sheet in front of it has no cells.
        None => workbook
            .sheets
            .iter()
            .find(|(_, part)| package::is_worksheet_part(part))
            .or_else(|| workbook.sheets.first())
            .map(|(n, _)| n)
            .ok_or_else(|| Error::input("xlsx", name, None, "the workbook has no worksheet"))?,
    }
    .clone();
    let part = workbook
        .sheets
        .iter()
        .find(|(n, _)| *n == chosen)
        .map(|(_, p)| p.clone())
        .unwrap_or_default();
    let (tx, rx) = sync_channel(BATCHES_AHEAD);
    let thread_name = name.to_string();
    let thread_sheet = chosen.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let thread_stop = Arc::clone(&stop);
    let thread = std::thread::Builder::new()
        .name("popm-xlsx".to_string())
        .spawn(move || {
            // A panic (a bug) must become an error, not a sheet that silently
            // ends early when the queue closes.
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                send_rows(
                    &thread_name,
                    &mut package,
                    &workbook,
                    (&thread_sheet, &part),
                    &tx,
                    &thread_stop,
                )
            }));
            if read.is_err() {
                let _ = tx.send(Err(Error::input(
                    "xlsx",
                    &thread_name,
                    None,
                    format!(
                        "cannot read sheet {thread_sheet:?} of the workbook: the workbook \
                         reader failed; re-save the file in a spreadsheet program"
                    ),
                )));
            }
        })
        .map_err(|e| Error::io(name, e))?;
    let empty = || {
        Error::input(
            "xlsx",
            name,
            None,
            format!(
                "sheet {chosen:?} is empty: expected a header row and one posting per row \
                 (the sheets are: {listed}; choose one with --sheet NAME)"
            ),
        )
    };
    let mut reader = SheetRows {
        batches: rx,
        ready: VecDeque::new(),
        stop,
        thread: Some(thread),
    };
    let first = reader.next_row()?.ok_or_else(empty)?;
    let width = first.fields.len();
    let header = if has_headers {
        first
            .fields
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .collect()
    } else {
        // No header row: the first row is a record, handed out first.
        reader.ready.push_front(first);
        Vec::new()
    };
    Ok(Opened {
        header,
        width,
        nested: Vec::new(),
        reader: Box::new(reader),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
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
        read_sheet("w.xlsx", workbook(), sheet, has_headers)
    }

    /// The header and records of a sheet of a workbook.
    fn read_sheet(
        name: &str,
        bytes: Vec<u8>,
        sheet: Option<&str>,
        has_headers: bool,
    ) -> Result<(Vec<String>, Vec<Record>)> {
        let o = open(
            name,
            Box::new(Cursor::new(bytes)),
            sheet,
            has_headers,
            ZipLimits::default(),
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

    /// A workbook of one sheet whose XML is `sheet` (shared strings: none).
    fn with_sheet(sheet: &str) -> Vec<u8> {
        with_sheet_bytes(sheet.as_bytes())
    }

    /// [`with_sheet`] for a sheet part that is not UTF-8.
    fn with_sheet_bytes(sheet: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let parts: [(&str, &[u8]); 5] = [
            (
                "[Content_Types].xml",
                br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#,
            ),
            (
                "_rels/.rels",
                br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
            ),
            (
                "xl/workbook.xml",
                br#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Jobs" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            ),
            (
                "xl/_rels/workbook.xml.rels",
                br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
            ),
            ("xl/worksheets/sheet1.xml", sheet),
        ];
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in parts {
            zip.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(content).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    /// A reversed dimension ("K1:C3", which made calamine 0.35 subtract with
    /// overflow) is read from the first column: no cell is lost.
    #[test]
    fn a_reversed_dimension_loses_no_cell() {
        let sheet = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="K1:C3"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>description</t></is></c></row><row r="2"><c r="A2"><v>17</v></c><c r="B2" t="inlineStr"><is><t>Own the backlog</t></is></c></row></sheetData></worksheet>"#;
        let (header, recs) = read_all("k.xlsx", with_sheet(sheet)).unwrap();
        assert_eq!(header, ["id", "description"]);
        assert_eq!(fields(&recs[0]), ["17", "Own the backlog"]);
    }

    /// A cell reference with a column of a hundred letters (which overflowed
    /// calamine 0.35's column number) is an error naming the file, never
    /// billions of empty fields.
    #[test]
    fn a_cell_past_the_last_column_is_an_error() {
        let letters = "W".repeat(100);
        let sheet = format!(
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>description</t></is></c></row><row r="2"><c r="{letters}2" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#
        );
        let e = read_all("c.xlsx", with_sheet(&sheet))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.xlsx"), "{e}");
        for col in ["XFD", "XFE"] {
            let sheet = format!(
                r#"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>description</t></is></c><c r="{col}1" t="inlineStr"><is><t>far</t></is></c></row></sheetData></worksheet>"#
            );
            let read = read_all("c.xlsx", with_sheet(&sheet));
            match col {
                "XFD" => assert_eq!(read.unwrap().0.len(), 16_384),
                _ => assert!(read.unwrap_err().to_string().contains("past column XFD")),
            }
        }
    }

    /// Rows 1 to `last` of one inline string each, "posting N".
    fn posting_rows(last: u32) -> String {
        (1..=last)
            .map(|r| {
                format!(
                    r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>posting {r}</t></is></c></row>"#
                )
            })
            .collect()
    }

    /// The records of a one-sheet workbook whose `<sheetData>` holds `rows`.
    fn sheet_reader(name: &str, rows: &str) -> Box<dyn RecordReader> {
        let sheet = format!("<worksheet><sheetData>{rows}</sheetData></worksheet>");
        let bytes = with_sheet(&sheet);
        open(
            name,
            Box::new(Cursor::new(bytes)),
            None,
            true,
            ZipLimits::default(),
        )
        .unwrap()
        .reader
    }

    /// Rows go over the queue in batches; the rows before an error still come
    /// out, in order, and then the error with its row.
    #[test]
    fn rows_before_an_error_come_out_first() {
        let mut rows = posting_rows(600);
        rows.push_str(r#"<row r="601"><c r="A601" t="s"><v>5</v></c></row>"#);
        let mut reader = sheet_reader("e.xlsx", &rows);
        let mut rec = Record::default();
        let mut lines = Vec::new();
        let err = loop {
            match reader.next_record(&mut rec) {
                Ok(true) => lines.push(rec.line),
                Ok(false) => panic!("the sheet ended without its error"),
                Err(e) => break e.to_string(),
            }
        };
        assert_eq!(lines, (2..=600).collect::<Vec<u64>>());
        assert!(
            err.starts_with("e.xlsx") && err.contains("601") && err.contains("shared string 5"),
            "{err}"
        );
    }

    /// Rows no longer wanted: dropping the reader mid-sheet stops its thread
    /// and joins it without hanging (the thread may be blocked on a full queue).
    #[test]
    fn dropping_the_rows_stops_the_thread() {
        let mut reader = sheet_reader("d.xlsx", &posting_rows(5000));
        let mut rec = Record::default();
        assert!(reader.next_record(&mut rec).unwrap());
        let before = std::time::Instant::now();
        drop(reader);
        assert!(before.elapsed() < std::time::Duration::from_secs(10));
    }

    /// Sheets written with a namespace prefix (`<x:c>`, as the Open XML SDK
    /// writes them), strings kept with their spaces, shared formulas and rows
    /// and cells without references all read.
    #[test]
    fn prefixed_and_unreferenced_markup_reads() {
        let sheet = r#"<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row><x:c t="inlineStr"><x:is><x:t xml:space="preserve"> id </x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>description</x:t></x:is></x:c></x:row><x:row><x:c><x:f t="shared" si="0">1+1</x:f><x:v>2</x:v></x:c><x:c t="inlineStr"><x:is><x:t xml:space="preserve">Own the backlog  </x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>"#;
        let (header, recs) = read_all("x.xlsx", with_sheet(sheet)).unwrap();
        assert_eq!(header, ["id", "description"]);
        assert_eq!(fields(&recs[0]), ["2", "Own the backlog  "]);
        assert_eq!(recs[0].line, 2);
    }

    /// A zip of `parts`, stored.
    fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in parts {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(content.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    /// Without --sheet, the first worksheet is read, not a chart sheet in
    /// front of it; an .xlsb workbook is named for what it is.
    #[test]
    fn a_chart_sheet_in_front_is_passed_over_and_xlsb_is_named() {
        let rels = r#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
        let book = r#"<workbook xmlns:r="r"><sheets><sheet name="Chart" sheetId="1" r:id="rId1"/><sheet name="Jobs" sheetId="2" r:id="rId2"/></sheets></workbook>"#;
        let book_rels = r#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
        let sheet = r#"<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>description</t></is></c></row><row r="2"><c t="inlineStr"><is><t>Own the backlog</t></is></c></row></sheetData></worksheet>"#;
        let bytes = zip_of(&[
            ("_rels/.rels", rels),
            ("xl/workbook.xml", book),
            ("xl/_rels/workbook.xml.rels", book_rels),
            (
                "xl/chartsheets/sheet1.xml",
                "<chartsheet><drawing/></chartsheet>",
            ),
            ("xl/worksheets/sheet1.xml", sheet),
        ]);
        let (header, recs) = read_all("c.xlsx", bytes).unwrap();
        assert_eq!(header, ["description"]);
        assert_eq!(fields(&recs[0]), ["Own the backlog"]);
        let xlsb_rels = rels.replace("xl/workbook.xml", "xl/workbook.bin");
        let e = read_all("b.xlsb", zip_of(&[("_rels/.rels", &xlsb_rels)]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("it is an .xlsb (binary) workbook"), "{e}");
    }

    /// A part saved in a declared single-byte encoding reads as the same
    /// text (quick-xml's `encoding` feature, as in the tests' builds).
    #[test]
    fn a_sheet_in_a_declared_encoding_reads() {
        let mut sheet = br#"<?xml version="1.0" encoding="windows-1252"?><worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>description</t></is></c></row><row r="2"><c t="inlineStr"><is><t>Caf"#.to_vec();
        sheet.push(0xE9);
        sheet.extend_from_slice(b"</t></is></c></row></sheetData></worksheet>");
        let (_, recs) = read_all("e.xlsx", with_sheet_bytes(&sheet)).unwrap();
        assert_eq!(fields(&recs[0]), ["Caf\u{e9}"]);
    }

    /// The header and records of a workbook's first sheet.
    fn read_all(name: &str, bytes: Vec<u8>) -> Result<(Vec<String>, Vec<Record>)> {
        read_sheet(name, bytes, None, true)
    }

    #[test]
    fn an_encrypted_workbook_says_so() {
        let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        cfb.resize(1024, 0);
        let e = read_all("enc.xlsx", cfb).unwrap_err().to_string();
        assert!(
            e.starts_with("enc.xlsx: this is an old .xls workbook or an encrypted")
                && e.contains("save it as .xlsx (without a password) or as CSV")
                && !e.contains("--input-format"),
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
            ZipLimits::default(),
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(
            e.starts_with("x.xlsx: cannot read the input as an .xlsx workbook"),
            "{e}"
        );
    }

    /// A cell as the differential test writes it.
    #[derive(Clone, Debug)]
    enum Cell {
        Text(String),
        Number(f64),
        /// Whole seconds since 1900-01-01, with a date-time or a time format.
        Date(u32, &'static str),
        Elapsed(u32),
        Bool(bool),
        Blank,
        Rich(String, String),
        FormulaText(String),
    }

    fn cell() -> impl proptest::strategy::Strategy<Value = Cell> {
        use proptest::prelude::*;
        let text = "[a-zA-Z0-9 &<>\"'_\t\r\n\u{e9}\u{4e2d}\u{1f600}-]{0,24}";
        prop_oneof![
            text.prop_map(Cell::Text),
            prop_oneof![
                (-1e6f64..1e6).boxed(),
                (-100_000i64..100_000).prop_map(|i| i as f64).boxed(),
            ]
            .prop_map(Cell::Number),
            (
                86_400u32..4_000_000_000,
                prop_oneof![
                    Just("yyyy-mm-dd"),
                    Just("dd/mm/yyyy hh:mm:ss"),
                    Just("h:mm AM/PM"),
                    Just("[$-409]mmm d, yyyy")
                ]
            )
                .prop_map(|(s, f)| Cell::Date(s, f)),
            (0u32..1_000_000).prop_map(Cell::Elapsed),
            any::<bool>().prop_map(Cell::Bool),
            Just(Cell::Blank),
            ("[a-z ]{1,8}", "[a-z ]{1,8}").prop_map(|(a, b)| Cell::Rich(a, b)),
            "[a-z ]{1,12}".prop_map(Cell::FormulaText),
        ]
    }

    /// A workbook of `rows` under a header, as rust_xlsxwriter saves it: with
    /// a shared-strings table, or with inline strings (`constant_memory`).
    fn differential_workbook(rows: &[Vec<Cell>], constant_memory: bool) -> Vec<u8> {
        let mut wb = Workbook::new();
        let ws = if constant_memory {
            wb.add_worksheet_with_constant_memory()
        } else {
            wb.add_worksheet()
        };
        ws.write_string(0, 0, "id").unwrap();
        ws.write_string(0, 1, "description").unwrap();
        let bold = Format::new().set_bold();
        for (r, row) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(t) => ws.write_string(r, c, t),
                    Cell::Number(n) => ws.write_number(r, c, *n),
                    Cell::Date(secs, f) => ws.write_number_with_format(
                        r,
                        c,
                        f64::from(*secs) / 86_400.0,
                        &Format::new().set_num_format(*f),
                    ),
                    Cell::Elapsed(secs) => ws.write_number_with_format(
                        r,
                        c,
                        f64::from(*secs) / 86_400.0,
                        &Format::new().set_num_format("[h]:mm:ss"),
                    ),
                    Cell::Bool(b) => ws.write_boolean(r, c, *b),
                    Cell::Blank => ws.write_blank(r, c, &bold),
                    Cell::Rich(a, b) => ws.write_rich_string(
                        r,
                        c,
                        &[(&bold, a.as_str()), (&Format::default(), b.as_str())],
                    ),
                    Cell::FormulaText(t) => ws.write_formula(
                        r,
                        c,
                        rust_xlsxwriter::Formula::new("=\"x\"").set_result(t.as_str()),
                    ),
                }
                .unwrap();
            }
        }
        wb.save_to_buffer().unwrap()
    }

    /// A cell's text as popm showed it when it read workbooks with calamine.
    fn reference_text(cell: &calamine::Data) -> String {
        use calamine::Data;
        match cell {
            Data::Empty => String::new(),
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Int(i) => i.to_string(),
            Data::Float(f) => {
                let mut s = String::new();
                cell_text::number_text(*f, &mut s);
                s
            }
            Data::Bool(b) => b.to_string(),
            Data::Error(e) => e.to_string(),
            Data::DateTime(dt) if dt.is_duration() => {
                let secs = (dt.as_f64() * 86_400.0).round() as i64;
                format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
            }
            Data::DateTime(dt) => {
                let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
                let time = if ms > 0 {
                    format!("{h:02}:{mi:02}:{s:02}.{ms:03}")
                } else {
                    format!("{h:02}:{mi:02}:{s:02}")
                };
                if (0.0..1.0).contains(&dt.as_f64()) {
                    time
                } else if (h, mi, s, ms) == (0, 0, 0, 0) {
                    format!("{y:04}-{mo:02}-{d:02}")
                } else {
                    format!("{y:04}-{mo:02}-{d:02}T{time}")
                }
            }
        }
    }

    /// Rows with their trailing empty fields dropped, with their line numbers.
    fn trimmed(rows: impl IntoIterator<Item = (u64, Vec<String>)>) -> Vec<(u64, Vec<String>)> {
        rows.into_iter()
            .map(|(line, mut f)| {
                while f.last().is_some_and(|c| c.is_empty()) {
                    f.pop();
                }
                (line, f)
            })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// popm's reader gives every cell the text, and every row the line,
        /// that calamine (the reference reader) gives.
        #[test]
        fn reads_as_calamine_does(
            rows in proptest::collection::vec(proptest::collection::vec(cell(), 1..5), 1..12),
            constant_memory in proptest::prelude::any::<bool>(),
        ) {
            use calamine::Reader;
            let bytes = differential_workbook(&rows, constant_memory);
            let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes.clone())).unwrap();
            let range = wb.worksheet_range("Sheet1").unwrap();
            let (row0, col0) = range.start().unwrap_or((0, 0));
            proptest::prop_assert_eq!(col0, 0);
            let expected = trimmed(range.rows().enumerate().filter_map(|(i, cells)| {
                let line = u64::from(row0) + i as u64 + 1;
                let has_value = cells.iter().any(|c| !matches!(c, calamine::Data::Empty));
                has_value.then(|| (line, cells.iter().map(reference_text).collect()))
            }));
            let (header, recs) = read_all("d.xlsx", bytes).unwrap();
            let mut got = vec![(1, header)];
            got.extend(recs.iter().map(|r| (r.line, fields(r))));
            proptest::prop_assert_eq!(trimmed(got), expected);
        }
    }
}
