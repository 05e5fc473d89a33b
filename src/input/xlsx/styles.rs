//! Which number cells of a workbook are dates or durations.
//!
//! A cell's `s` attribute indexes the cell formats (`<cellXfs>`) of
//! `xl/styles.xml`; each names a number format by id, either one of Excel's
//! built-in formats or a `<numFmt>` of the workbook. A format is a date when
//! its first section shows a date or time part (`y`, `m`, `d`, `h`, `s`,
//! `AM/PM`) outside quotes, escapes and brackets, and a duration when it
//! shows elapsed time (`[h]`, `[mm]`, `[ss]`).

use std::collections::HashMap;
use std::io::BufRead;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::package::attr;

/// How a number cell of a format reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberKind {
    /// A plain number.
    Plain,
    /// A date, a time or both (a serial of days).
    Date,
    /// Elapsed time (days).
    Duration,
}

/// The kind of Excel's built-in number format `id`.
pub fn builtin_kind(id: u32) -> NumberKind {
    match id {
        // m/d/yy, d-mmm-yy, d-mmm, mmm-yy, the clock times, m/d/yy h:mm, mm:ss, mmss.0
        14..=22 | 45 | 47 => NumberKind::Date,
        // [h]:mm:ss
        46 => NumberKind::Duration,
        _ => NumberKind::Plain,
    }
}

/// The kind of the number format `code` (`yyyy-mm-dd`, `[h]:mm`, `#,##0.00` ...).
pub fn format_kind(code: &str) -> NumberKind {
    let mut chars = code.chars();
    let mut after_a = false;
    while let Some(c) = chars.next() {
        match c {
            // The first section is for positive numbers and, alone, all numbers.
            ';' => break,
            // An escaped character, a padding width, a fill character: literal.
            '\\' | '_' | '*' => {
                chars.next();
            }
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '[' => {
                let mut inside = String::new();
                for b in chars.by_ref() {
                    if b == ']' {
                        break;
                    }
                    inside.push(b.to_ascii_lowercase());
                }
                let mut letters = inside.chars();
                if let Some(first @ ('h' | 'm' | 's')) = letters.next() {
                    if letters.all(|l| l == first) {
                        return NumberKind::Duration;
                    }
                }
                // A colour, a condition or a locale: not a part of the number.
            }
            'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' => return NumberKind::Date,
            // AM/PM and A/P.
            'a' | 'A' => after_a = true,
            '/' | 'p' | 'P' if after_a => return NumberKind::Date,
            _ => after_a = false,
        }
    }
    NumberKind::Plain
}

/// The number kinds of a workbook's cell formats, by `s` index, read from
/// the `<numFmt>`s and the `<cellXfs>` of its styles part.
#[derive(Default)]
pub struct Styles {
    /// Workbook formats by id.
    formats: HashMap<u32, NumberKind>,
    /// Cell formats in order.
    cells: Vec<NumberKind>,
}

impl Styles {
    /// Reads the number formats and cell formats of the styles part.
    ///
    /// # Errors
    ///
    /// When the XML is broken.
    pub fn read<R: BufRead>(xml: &mut Reader<R>) -> Result<Self, String> {
        let mut styles = Styles::default();
        let mut in_cell_formats = false;
        // Formats also appear in `<dxfs>` (conditional formatting); only the
        // workbook's list counts.
        let mut in_formats = false;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e)) => match e.local_name().as_ref() {
                    b"numFmts" => in_formats = true,
                    b"numFmt" if in_formats => {
                        let id = attr(&e, b"numFmtId")?.and_then(|v| v.trim().parse().ok());
                        let code = attr(&e, b"formatCode")?.unwrap_or_default();
                        if let Some(id) = id {
                            styles.add_format(id, &code);
                        }
                    }
                    b"cellXfs" => in_cell_formats = true,
                    b"xf" if in_cell_formats => {
                        let id = attr(&e, b"numFmtId")?.and_then(|v| v.trim().parse().ok());
                        styles.add_cell_format(id.unwrap_or(0));
                    }
                    _ => {}
                },
                Ok(Event::End(e)) => match e.local_name().as_ref() {
                    b"cellXfs" => in_cell_formats = false,
                    b"numFmts" => in_formats = false,
                    _ => {}
                },
                Ok(Event::Eof) => return Ok(styles),
                Ok(_) => {}
                Err(e) => return Err(format!("styles: {e}")),
            }
        }
    }

    /// Adds a `<numFmt numFmtId formatCode>` of the workbook.
    pub fn add_format(&mut self, id: u32, code: &str) {
        if !code.is_empty() {
            self.formats.insert(id, format_kind(code));
        }
    }

    /// Adds the next `<xf>` of `<cellXfs>`, with its `numFmtId` (0 when absent).
    pub fn add_cell_format(&mut self, format_id: u32) {
        let kind = match self.formats.get(&format_id) {
            Some(&kind) => kind,
            None => builtin_kind(format_id),
        };
        self.cells.push(kind);
    }

    /// The kind of a number cell whose `s` attribute is `style` (`None`
    /// without one); an index past the cell formats is a plain number.
    pub fn kind(&self, style: Option<u32>) -> NumberKind {
        match style {
            Some(i) => self
                .cells
                .get(i as usize)
                .copied()
                .unwrap_or(NumberKind::Plain),
            None => NumberKind::Plain,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use NumberKind::*;

    #[test]
    fn format_codes() {
        for code in [
            "yyyy-mm-dd",
            "d/m/yyyy",
            "mmm-yy",
            "h:mm AM/PM",
            "hh:mm:ss",
            "[$-409]dddd, mmmm dd, yyyy",
            "[Red]yyyy",
            "0.00 AM/PM",
            "a/p",
        ] {
            assert_eq!(format_kind(code), Date, "{code}");
        }
        for code in ["[h]:mm:ss", "[mm]:ss", "[HH]", "[s].00"] {
            assert_eq!(format_kind(code), Duration, "{code}");
        }
        for code in [
            "General",
            "0.00",
            "#,##0",
            "\"days\" 0",
            "0\\d",
            "0_m",
            "[Red]0.00",
            "[$€-2] #,##0",
            "0;\"yes\"",
            "0.00E+00",
            "@",
            "",
        ] {
            assert_eq!(format_kind(code), Plain, "{code}");
        }
    }

    #[test]
    fn reads_the_part() {
        let xml = r#"<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;-&quot;mm"/></numFmts><cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><dxfs><dxf><numFmt numFmtId="164" formatCode="0.00"/></dxf></dxfs><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf/></cellXfs></styleSheet>"#;
        let mut r = Reader::from_reader(xml.as_bytes());
        r.config_mut().expand_empty_elements = true;
        let s = Styles::read(&mut r).unwrap();
        let kinds: Vec<_> = (0..4).map(|i| s.kind(Some(i))).collect();
        assert_eq!(
            kinds,
            [Plain, Date, Plain, Plain],
            "cellStyleXfs are not cell formats"
        );
    }

    #[test]
    fn cell_formats_prefer_the_workbooks_own() {
        let mut s = Styles::default();
        s.add_format(164, "yyyy-mm-dd");
        s.add_format(14, "0.00");
        for id in [0, 164, 14, 46, 22] {
            s.add_cell_format(id);
        }
        let kinds: Vec<_> = (0..5).map(|i| s.kind(Some(i))).collect();
        assert_eq!(kinds, [Plain, Date, Plain, Duration, Date]);
        assert_eq!(s.kind(None), Plain);
        assert_eq!(s.kind(Some(99)), Plain);
    }
}
