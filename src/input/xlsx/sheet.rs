//! A worksheet read row by row from its XML, never held whole.
//!
//! `<sheetData>` holds `<row>`s of `<c>` cells; a cell's `t` attribute says
//! what its `<v>` value is (`s`: an index into the shared strings, `b`: a
//! boolean, `e`: an error such as `#N/A`, `str`: a formula's text, `d`: an
//! ISO date, none or `n`: a number), and an inline string holds its text in
//! `<is>`. A number's text depends on its cell format ([`Styles`]). Rows
//! become fields from the sheet's first column on (its `<dimension>`'s, or
//! the first cell's when that is further left): cells left of it are not
//! read, gaps are padded with empty fields, and every row has at least as
//! many fields as the first.

use std::borrow::Cow;
use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::cell_text::{date_text, duration_text, number_text};
use super::rich_text::{push_characters, read_item};
use super::shared_strings::SharedStrings;
use super::styles::{NumberKind, Styles};

/// Excel's last column (XFD): a cell past it is a broken file, and is never
/// padded out to (a wrapped column number would ask for billions of fields).
pub const MAX_COLUMNS: usize = 16_384;

/// Scratch buffers grown past this are given back after their row.
const KEEP_BYTES: usize = 1 << 20;

/// What went wrong reading a sheet, and on which row (Excel's number).
#[derive(Debug)]
pub struct SheetError {
    /// The row, when the error is in one.
    pub row: Option<u64>,
    /// What was wrong.
    pub message: String,
}

impl SheetError {
    fn new(row: Option<u64>, message: impl Into<String>) -> Self {
        SheetError {
            row,
            message: message.into(),
        }
    }
}

/// The worksheet's rows, read in order.
pub struct SheetReader<'t, R> {
    xml: Reader<R>,
    strings: &'t mut SharedStrings,
    styles: &'t Styles,
    is_1904: bool,
    /// The first column of the sheet's `<dimension>`.
    dimension_col: u32,
    /// The column rows start at, fixed by the first cell read.
    first_col: Option<u32>,
    /// Fields every row is padded to: the most an earlier row had.
    min_width: usize,
    /// The row the next `<row>` without a number is.
    next_row: u32,
    done: bool,
    buf: Vec<u8>,
    inner: Vec<u8>,
    value: Vec<u8>,
    text: String,
}

impl<'t, R: BufRead> SheetReader<'t, R> {
    /// Starts reading the sheet in `xml`, up to its first row.
    ///
    /// # Errors
    ///
    /// When the part is not a worksheet (a chart sheet) or its XML is broken.
    pub fn new(
        mut xml: Reader<R>,
        strings: &'t mut SharedStrings,
        styles: &'t Styles,
        is_1904: bool,
    ) -> Result<Self, SheetError> {
        let mut buf = Vec::new();
        let mut root: Option<String> = None;
        let mut dimension_col = 0;
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e)) => match e.local_name().as_ref() {
                    b"sheetData" => break,
                    b"dimension" => {
                        dimension_col = dimension_start(&e).unwrap_or(0);
                    }
                    name if root.is_none() => {
                        root = Some(String::from_utf8_lossy(name).into_owned());
                    }
                    _ => {}
                },
                Ok(Event::Eof) => {
                    let what = root.unwrap_or_else(|| "an empty part".to_string());
                    return Err(SheetError::new(
                        None,
                        format!("it is not a worksheet (its XML is {what:?}, with no cells)"),
                    ));
                }
                Ok(_) => {}
                Err(e) => return Err(SheetError::new(None, e.to_string())),
            }
        }
        Ok(SheetReader {
            xml,
            strings,
            styles,
            is_1904,
            dimension_col,
            first_col: None,
            min_width: 0,
            next_row: 0,
            done: false,
            buf,
            inner: Vec::new(),
            value: Vec::new(),
            text: String::new(),
        })
    }

    /// Reads the next row with a value into `fields` and returns its Excel
    /// row number; `None` at the end of the sheet. Rows without a value are
    /// skipped.
    ///
    /// # Errors
    ///
    /// When the XML is broken, a cell is past column XFD, or a cell names a
    /// shared string the table does not have.
    pub fn next_row(&mut self, fields: &mut csv::ByteRecord) -> Result<Option<u64>, SheetError> {
        while !self.done {
            self.buf.clear();
            let row_number = match self.xml.read_event_into(&mut self.buf) {
                Ok(Event::Start(e)) if e.local_name().as_ref() == b"row" => {
                    match attr_bytes(&e, b"r").and_then(|r| parse_number(&r)) {
                        Some(n) if n > 0 => n,
                        _ => self.next_row.saturating_add(1),
                    }
                }
                Ok(Event::End(e)) if e.local_name().as_ref() == b"sheetData" => {
                    self.done = true;
                    break;
                }
                Ok(Event::Eof) => {
                    self.done = true;
                    return Err(self.between_rows("the sheet's XML ends inside its data"));
                }
                Ok(_) => continue,
                Err(e) => return Err(self.between_rows(&e.to_string())),
            };
            self.next_row = row_number;
            let line = u64::from(row_number);
            fields.clear();
            let has_value = self
                .read_row(fields)
                .map_err(|m| SheetError::new(Some(line), m))?;
            self.give_back_scratch();
            if has_value {
                while fields.len() < self.min_width {
                    fields.push_field(b"");
                }
                self.min_width = self.min_width.max(fields.len());
                return Ok(Some(line));
            }
        }
        Ok(None)
    }

    /// An error between rows, placed after the last row read (if any).
    fn between_rows(&self, message: &str) -> SheetError {
        match self.next_row {
            0 => SheetError::new(None, message),
            row => SheetError::new(None, format!("{message} (after row {row})")),
        }
    }

    /// Reads the cells of the row whose start tag was just read into
    /// `fields`; whether any cell has a value.
    fn read_row(&mut self, fields: &mut csv::ByteRecord) -> Result<bool, String> {
        let mut has_value = false;
        let mut next_col = 0u32;
        loop {
            self.buf.clear();
            let (col, style, kind) = match self.xml.read_event_into(&mut self.buf) {
                Ok(Event::Start(e)) if e.local_name().as_ref() == b"c" => {
                    let col = attr_bytes(&e, b"r")
                        .and_then(|r| column_of(&r))
                        .unwrap_or(next_col);
                    let style = attr_bytes(&e, b"s").and_then(|s| parse_number(&s));
                    let kind = CellType::of(attr_bytes(&e, b"t").as_deref());
                    (col, style, kind)
                }
                Ok(Event::End(e)) if e.local_name().as_ref() == b"row" => return Ok(has_value),
                Ok(Event::Eof) => return Err("the sheet's XML ends inside a row".to_string()),
                Ok(_) => continue,
                Err(e) => return Err(e.to_string()),
            };
            next_col = col.saturating_add(1);
            let value = self.read_cell(style, kind)?;
            let first = *self.first_col.get_or_insert(self.dimension_col.min(col));
            if col < first {
                // Left of the first row's first cell and of the dimension: not read.
                continue;
            }
            let at = (col - first) as usize;
            if at >= MAX_COLUMNS {
                return Err(
                    "a cell of this row is past column XFD (16,384), Excel's last; \
                            re-save the file in a spreadsheet program"
                        .to_string(),
                );
            }
            if at < fields.len() {
                // A cell out of order: rare, written by hand-made files; keep the first.
                continue;
            }
            while fields.len() < at {
                fields.push_field(b"");
            }
            has_value |= value;
            fields.push_field(&self.value);
        }
    }

    /// Reads the cell whose start tag was just read, leaving its text in
    /// `self.value`; whether it has a value.
    fn read_cell(&mut self, style: Option<u32>, kind: CellType) -> Result<bool, String> {
        self.value.clear();
        let mut raw: Option<usize> = None;
        let mut inline = false;
        loop {
            self.inner.clear();
            match self.xml.read_event_into(&mut self.inner) {
                Ok(Event::Start(e)) => {
                    let skip = match e.local_name().as_ref() {
                        b"v" if kind != CellType::Inline => None,
                        b"is" => None,
                        // A formula, or an extension: its content is not the value.
                        _ => Some(e.to_end().into_owned()),
                    };
                    let is_value = e.local_name().as_ref() == b"v";
                    if let Some(end) = skip {
                        self.xml
                            .read_to_end_into(end.name(), &mut self.inner)
                            .map_err(|e| e.to_string())?;
                    } else if is_value {
                        raw = Some(self.read_value()?);
                    } else {
                        self.value.clear();
                        read_item(&mut self.xml, b"is", &mut self.inner, &mut self.value)?;
                        inline = true;
                    }
                }
                Ok(Event::End(e)) if e.local_name().as_ref() == b"c" => break,
                Ok(Event::Eof) => return Err("the sheet's XML ends inside a cell".to_string()),
                Ok(_) => {}
                Err(e) => return Err(e.to_string()),
            }
        }
        if kind == CellType::Inline {
            return Ok(inline);
        }
        let Some(len) = raw else {
            self.value.clear();
            return Ok(false);
        };
        if len == 0 {
            return Ok(kind == CellType::Text);
        }
        match kind {
            CellType::Shared => {
                let index = std::str::from_utf8(&self.value)
                    .ok()
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .ok_or_else(|| "a shared-string cell has no string number".to_string())?;
                let found = self
                    .strings
                    .get(index, &mut self.value)
                    .map_err(|e| format!("cannot read the shared strings back: {e}"))?;
                if !found {
                    return Err(format!(
                        "a cell names shared string {index}, but the workbook has {}",
                        self.strings.len()
                    ));
                }
            }
            CellType::Bool => {
                let yes = self.value.as_slice() != b"0";
                self.value.clear();
                self.value
                    .extend_from_slice(if yes { b"true" } else { b"false" });
            }
            CellType::Number => self.number_value(style),
            CellType::Text | CellType::Inline => {}
        }
        Ok(true)
    }

    /// Reads a `<v>` whose start tag was just read into `self.value`; its length.
    fn read_value(&mut self) -> Result<usize, String> {
        self.value.clear();
        loop {
            self.inner.clear();
            match self.xml.read_event_into(&mut self.inner) {
                Ok(Event::End(e)) if e.local_name().as_ref() == b"v" => {
                    return Ok(self.value.len())
                }
                Ok(Event::Eof) => return Err("the sheet's XML ends inside a value".to_string()),
                // A value's text has no Excel escapes to decode (calamine agrees).
                Ok(other) => push_characters(&other, &mut self.value, false)?,
                Err(e) => return Err(e.to_string()),
            }
        }
    }

    /// Turns the number in `self.value` into its text for the cell format
    /// `style`; a value that is not a number stays as it is.
    fn number_value(&mut self, style: Option<u32>) {
        let Some(n) = std::str::from_utf8(&self.value)
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
        else {
            return;
        };
        self.text.clear();
        match self.styles.kind(style) {
            NumberKind::Plain => number_text(n, &mut self.text),
            NumberKind::Date => date_text(n, self.is_1904, &mut self.text),
            NumberKind::Duration => duration_text(n, &mut self.text),
        }
        self.value.clear();
        self.value.extend_from_slice(self.text.as_bytes());
    }

    /// Gives back scratch room a huge cell grew.
    fn give_back_scratch(&mut self) {
        for b in [&mut self.buf, &mut self.inner, &mut self.value] {
            if b.capacity() > KEEP_BYTES {
                *b = Vec::new();
            }
        }
    }
}

/// What a cell's `<v>` holds, by its `t` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CellType {
    /// `n` or none: a number (a date or duration by its format).
    Number,
    /// `s`: an index into the shared strings.
    Shared,
    /// `b`: 0 or 1.
    Bool,
    /// `inlineStr`: the text is in `<is>`.
    Inline,
    /// `str` (a formula's text), `e` (an error), `d` (an ISO date) or an
    /// unknown type: the value as written.
    Text,
}

impl CellType {
    fn of(t: Option<&[u8]>) -> Self {
        match t {
            None | Some(b"n") => CellType::Number,
            Some(b"s") => CellType::Shared,
            Some(b"b") => CellType::Bool,
            Some(b"inlineStr" | b"is") => CellType::Inline,
            Some(_) => CellType::Text,
        }
    }
}

/// The raw value of the attribute `key` of `e` (cell references, numbers and
/// types have nothing to unescape).
fn attr_bytes<'a>(e: &'a BytesStart, key: &[u8]) -> Option<Cow<'a, [u8]>> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| a.value)
}

/// A decimal number (a row number, a style index).
fn parse_number(b: &[u8]) -> Option<u32> {
    std::str::from_utf8(b).ok()?.trim().parse().ok()
}

/// The column (0 for A) of a cell reference such as `B7`; `None` without
/// letters. Columns past XFD come out past [`MAX_COLUMNS`], never wrapped.
fn column_of(r: &[u8]) -> Option<u32> {
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic());
    let mut col: u32 = 0;
    let mut any = false;
    for &b in letters {
        any = true;
        let digit = u32::from(b.to_ascii_uppercase() - b'A') + 1;
        col = col.saturating_mul(26).saturating_add(digit);
    }
    any.then(|| col - 1)
}

/// The first column of a `<dimension ref="B2:D9">` (0 when reversed, as
/// `K1:C3`, or unreadable).
fn dimension_start(e: &BytesStart) -> Option<u32> {
    let r = attr_bytes(e, b"ref")?;
    let mut ends = r.split(|&b| b == b':');
    let start = column_of(ends.next()?)?;
    match ends.next().and_then(column_of) {
        Some(end) if end < start => Some(0),
        _ => Some(start),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(column_of(b"A1"), Some(0));
        assert_eq!(column_of(b"b7"), Some(1));
        assert_eq!(column_of(b"Z3"), Some(25));
        assert_eq!(column_of(b"AA3"), Some(26));
        assert_eq!(column_of(b"XFD1"), Some(16_383));
        assert_eq!(column_of(b"12"), None);
        assert!(column_of("W".repeat(100).as_bytes()).unwrap() as usize >= MAX_COLUMNS);
    }

    /// The rows of a sheet's XML, with shared strings `shared`.
    fn rows(sheet: &str, shared: &[&str]) -> Result<Vec<(u64, Vec<String>)>, SheetError> {
        let mut strings = SharedStrings::new();
        for s in shared {
            strings.push(s.as_bytes()).unwrap();
        }
        let mut styles = Styles::default();
        styles.add_cell_format(0);
        styles.add_cell_format(14);
        styles.add_cell_format(46);
        let mut xml = Reader::from_reader(sheet.as_bytes());
        xml.config_mut().expand_empty_elements = true;
        let mut reader = SheetReader::new(xml, &mut strings, &styles, false)?;
        let mut out = Vec::new();
        let mut fields = csv::ByteRecord::new();
        while let Some(line) = reader.next_row(&mut fields)? {
            let f = fields
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect();
            out.push((line, f));
        }
        Ok(out)
    }

    fn sheet(data: &str) -> String {
        format!(r#"<worksheet><dimension ref="A1:E9"/><sheetData>{data}</sheetData></worksheet>"#)
    }

    #[test]
    fn every_cell_type() {
        let got = rows(
            &sheet(concat!(
                r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>R&amp;D</t></is></c>"#,
                r#"<c r="C1" t="b"><v>1</v></c><c r="D1" t="e"><v>#N/A</v></c><c r="E1" t="str"><f>A1</f><v>x &lt; y</v></c></row>"#,
                r#"<row r="2"><c r="A2"><v>17</v></c><c r="B2" s="1"><v>45352</v></c><c r="C2" s="2"><v>1.5</v></c>"#,
                r#"<c r="D2" t="n"><v>2.50</v></c><c r="E2" t="d"><v>2024-03-01T00:00:00</v></c></row>"#,
            )),
            &["id"],
        )
        .unwrap();
        assert_eq!(
            got[0],
            (
                1,
                vec![
                    "id".into(),
                    "R&D".into(),
                    "true".into(),
                    "#N/A".into(),
                    "x < y".into()
                ]
            )
        );
        assert_eq!(
            got[1],
            (
                2,
                vec![
                    "17".into(),
                    "2024-03-01".into(),
                    "36:00:00".into(),
                    "2.5".into(),
                    "2024-03-01T00:00:00".into()
                ]
            )
        );
    }

    #[test]
    fn gaps_empty_rows_and_widths() {
        let got = rows(
            &sheet(concat!(
                r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>"#,
                r#"<row r="2"><c r="A2" s="1"/></row><row r="3"/>"#,
                r#"<row r="4"><c r="B4" t="s"><v>2</v></c></row>"#,
                r#"<row><c><v>5</v></c><c><v>6</v></c></row>"#,
            )),
            &["id", "description", "Own the backlog"],
        )
        .unwrap();
        let want: Vec<(u64, Vec<String>)> = vec![
            (1, vec!["id".into(), "".into(), "description".into()]),
            (4, vec!["".into(), "Own the backlog".into(), "".into()]),
            (5, vec!["5".into(), "6".into(), "".into()]),
        ];
        assert_eq!(got, want);
    }

    /// Line ends in a CDATA section read as `\n`, as in plain text.
    #[test]
    fn cdata_line_ends_read_as_newlines() {
        let got = rows(
            &sheet("<row r=\"1\"><c r=\"A1\" t=\"str\"><v><![CDATA[a\r\nb]]></v></c></row>"),
            &[],
        )
        .unwrap();
        assert_eq!(got, [(1, vec!["a\nb".to_string()])]);
    }

    #[test]
    fn a_missing_shared_string_is_an_error_on_its_row() {
        let e = rows(
            &sheet(r#"<row r="3"><c r="A3" t="s"><v>4</v></c></row>"#),
            &["id"],
        )
        .unwrap_err();
        assert_eq!(e.row, Some(3));
        assert!(
            e.message
                .contains("shared string 4, but the workbook has 1"),
            "{}",
            e.message
        );
    }

    #[test]
    fn an_error_between_rows_names_the_row_before() {
        let e = rows(
            r#"<worksheet><sheetData><row r="7"><c t="inlineStr"><is><t>id</t></is></c></row>"#,
            &[],
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "the sheet's XML ends inside its data (after row 7)"
        );
    }

    #[test]
    fn not_a_worksheet() {
        let e = rows("<chartsheet><drawing/></chartsheet>", &[])
            .err()
            .unwrap();
        assert!(e.message.contains("\"chartsheet\""), "{}", e.message);
    }
}
