//! Writing results as an Excel workbook (`.xlsx`), with `rust_xlsxwriter`.
//!
//! Sheet "Postings" comes first: one row per posting in [`Layout::columns`]
//! order, the header frozen and bold, an autofilter, evidence wrapped, numbers
//! as numbers, label cells coloured by label. Every text cell is written as a
//! string, so nothing from the input can ever run as a formula. The sheet is
//! written in constant-memory mode: rows stream to a temporary file, so memory
//! stays flat for a million rows.
//!
//! Excel's limits are handled: a cell over [`MAX_CELL_CHARS`] characters is cut
//! with a visible marker (and the caller is told, to warn), and past
//! [`MAX_ROWS`] rows the postings go on in sheets "Postings 2", "Postings 3"...
//!
//! Sheets of the caller's come after the postings sheets
//! ([`crate::report::summary_sheet`] adds the Summary sheet).
//!
//! [`Layout::columns`]: crate::output::Layout::columns

use std::io::Write;

use rust_xlsxwriter::{
    ConditionalFormatText, ConditionalFormatTextRule, Format, FormatAlign, Workbook, XlsxError,
};

use crate::error::{Error, Result};
use crate::judge::label::Label;
use crate::output::{round, Cell};

/// Excel's maximum number of characters in one cell.
pub const MAX_CELL_CHARS: usize = 32_767;

/// Excel's maximum number of rows in one sheet (the header included).
pub const MAX_ROWS: u32 = 1_048_576;

pub use crate::output::POSTINGS_SHEET;

/// Label cell colours (fill, font), as on a traffic light of meaning.
const LABEL_COLOURS: [(Option<Label>, u32, u32); 6] = [
    (Some(Label::ProductOwner), 0xDDEBF7, 0x1F4E79),
    (Some(Label::ProductManager), 0xE2EFDA, 0x375623),
    (Some(Label::Hybrid), 0xFFF2CC, 0x7F6000),
    (Some(Label::Unclear), 0xEDEDED, 0x404040),
    (Some(Label::Other), 0xE7E6F7, 0x3F3F76),
    (None, 0xFCE4D6, 0x9C0006),
];

/// An xlsx workbook being written, one postings row at a time.
pub struct XlsxWriter {
    workbook: Workbook,
    columns: Vec<String>,
    /// Postings sheets so far: the first sheets of the workbook, the last one being written.
    sheets: usize,
    /// Next row to write in the current sheet.
    row: u32,
    label_col: Option<u16>,
    header: Format,
    wrap: Format,
    decimals3: Format,
    decimals2: Format,
}

impl std::fmt::Debug for XlsxWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XlsxWriter")
            .field("columns", &self.columns)
            .field("row", &self.row)
            .finish()
    }
}

impl XlsxWriter {
    /// Starts a workbook whose postings sheets have these columns.
    ///
    /// # Errors
    ///
    /// When the sheet cannot be set up (a temporary file cannot be made).
    pub fn new(columns: &[&str]) -> Result<XlsxWriter> {
        let mut w = XlsxWriter {
            workbook: Workbook::new(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            sheets: 0,
            row: 0,
            label_col: columns.iter().position(|c| *c == "label").map(|i| i as u16),
            header: Format::new().set_bold().set_background_color(0xD9E1F2),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            decimals3: Format::new()
                .set_num_format("0.000")
                .set_align(FormatAlign::Top),
            decimals2: Format::new()
                .set_num_format("0.00")
                .set_align(FormatAlign::Top),
        };
        w.start_sheet()?;
        Ok(w)
    }

    /// Adds a postings sheet and writes its header.
    fn start_sheet(&mut self) -> Result<()> {
        self.sheets += 1;
        let name = if self.sheets == 1 {
            POSTINGS_SHEET.to_string()
        } else {
            format!("{POSTINGS_SHEET} {}", self.sheets)
        };
        let ws = self.workbook.add_worksheet_with_constant_memory();
        ws.set_name(&name).map_err(xlsx_error)?;
        for (i, c) in self.columns.iter().enumerate() {
            let col = i as u16;
            ws.set_column_width(col, column_width(c))
                .map_err(xlsx_error)?;
            ws.write_string_with_format(0, col, c, &self.header)
                .map_err(xlsx_error)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        self.row = 1;
        Ok(())
    }

    /// Writes one postings row; returns a warning for each cell cut to Excel's limit.
    ///
    /// # Errors
    ///
    /// When the row cannot be written to the temporary sheet file.
    pub fn write_row(&mut self, cells: &[Cell<'_>]) -> Result<Vec<String>> {
        if self.row >= MAX_ROWS {
            self.close_sheet()?;
            self.start_sheet()?;
        }
        let row = self.row;
        let mut warnings = Vec::new();
        let ws = self
            .workbook
            .worksheet_from_index(self.sheets - 1)
            .map_err(xlsx_error)?;
        for (i, cell) in cells.iter().enumerate() {
            let col = i as u16;
            match cell {
                Cell::Text(t) => {
                    let (text, cut) = fit_cell(t);
                    if let Some(chars) = cut {
                        warnings.push(format!(
                            "xlsx row {}: column {:?} has {chars} characters, more than Excel's \
                             {MAX_CELL_CHARS}; it was cut (marked \"[cut]\")",
                            row + 1,
                            self.columns.get(i).map_or("", String::as_str)
                        ));
                    }
                    ws.write_string_with_format(row, col, text.as_ref(), &self.wrap)
                        .map_err(xlsx_error)?;
                }
                Cell::Word(w) => {
                    ws.write_string_with_format(row, col, *w, &self.wrap)
                        .map_err(xlsx_error)?;
                }
                Cell::Number(x, digits) => {
                    let fmt = if *digits == 2 {
                        &self.decimals2
                    } else {
                        &self.decimals3
                    };
                    ws.write_number_with_format(row, col, round(*x, *digits), fmt)
                        .map_err(xlsx_error)?;
                }
                Cell::Empty => {}
            }
        }
        self.row += 1;
        Ok(warnings)
    }

    /// Adds the autofilter and label colours to the current postings sheet.
    fn close_sheet(&mut self) -> Result<()> {
        let last_row = self.row.saturating_sub(1);
        let last_col = self.columns.len().saturating_sub(1) as u16;
        let label_col = self.label_col;
        let ws = self
            .workbook
            .worksheet_from_index(self.sheets - 1)
            .map_err(xlsx_error)?;
        ws.autofilter(0, 0, last_row.max(1), last_col)
            .map_err(xlsx_error)?;
        if let (Some(col), true) = (label_col, last_row >= 1) {
            for (label, fill, font) in LABEL_COLOURS {
                let rule = ConditionalFormatText::new()
                    .set_rule(ConditionalFormatTextRule::BeginsWith(
                        Label::row_name(label).to_string(),
                    ))
                    .set_format(
                        Format::new()
                            .set_background_color(fill)
                            .set_font_color(font),
                    );
                ws.add_conditional_format(1, col, last_row, col, &rule)
                    .map_err(xlsx_error)?;
            }
        }
        Ok(())
    }

    /// Closes the postings sheets, lets `add_sheets` add sheets of its own
    /// after them (the Summary sheet), and writes the workbook to `out`.
    ///
    /// # Errors
    ///
    /// When the workbook cannot be assembled or written.
    pub(crate) fn finish_with<W: Write + Send>(
        mut self,
        out: W,
        add_sheets: impl FnOnce(&mut Workbook) -> std::result::Result<(), XlsxError>,
    ) -> Result<()> {
        self.close_sheet()?;
        add_sheets(&mut self.workbook).map_err(xlsx_error)?;
        self.workbook.save_to_writer(out).map_err(xlsx_error)?;
        Ok(())
    }
}

/// A text cut to Excel's cell limit, with the original length in characters when cut.
pub fn fit_cell(text: &str) -> (std::borrow::Cow<'_, str>, Option<usize>) {
    const MARKER: &str = " …[cut]";
    if text.len() <= MAX_CELL_CHARS {
        return (std::borrow::Cow::Borrowed(text), None);
    }
    let chars = text.chars().count();
    if chars <= MAX_CELL_CHARS {
        return (std::borrow::Cow::Borrowed(text), None);
    }
    let keep = MAX_CELL_CHARS - MARKER.chars().count();
    let end = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
    (
        std::borrow::Cow::Owned(format!("{}{MARKER}", &text[..end])),
        Some(chars),
    )
}

/// A readable width for a postings column.
fn column_width(name: &str) -> f64 {
    match name {
        "po_evidence" | "pm_evidence" => 50.0,
        "error" => 40.0,
        "label" | "self_role" => 17.0,
        "confidence" | "lean" | "po_score" | "pm_score" => 11.0,
        "lexicon" => 30.0,
        "id" => 10.0,
        _ => 24.0,
    }
}

pub(crate) fn xlsx_error(e: XlsxError) -> Error {
    Error::output(format!("cannot write the xlsx workbook: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_cells_are_cut_with_a_marker() {
        let long = "é".repeat(MAX_CELL_CHARS + 5);
        let (t, cut) = fit_cell(&long);
        assert_eq!(cut, Some(MAX_CELL_CHARS + 5));
        assert_eq!(t.chars().count(), MAX_CELL_CHARS);
        assert!(t.ends_with("[cut]"));
        let short = "a".repeat(MAX_CELL_CHARS);
        assert_eq!(
            fit_cell(&short),
            (std::borrow::Cow::Borrowed(&*short), None)
        );
    }
}
