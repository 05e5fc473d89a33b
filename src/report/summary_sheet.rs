//! The Summary sheet of a results workbook: label counts and shares with a
//! chart, a histogram of `lean` with a chart, the top phrases per role, the
//! lexicon's identity and the run's settings.

use std::io::Write;

use rust_xlsxwriter::{Chart, ChartType, Format, Worksheet, XlsxError};

use crate::error::Result;
use crate::judge::label::Label;
use crate::lexicon::Role;
use crate::output::round;
use crate::output::xlsx::XlsxWriter;
use crate::report::summary::Tally;

/// Phrases listed per role on the Summary sheet.
pub const SUMMARY_TOP_PHRASES: usize = 20;

/// Bins of the `lean` histogram on the Summary sheet.
pub const SUMMARY_LEAN_BINS: usize = 16;

/// The name of the summary sheet.
pub const SUMMARY_SHEET: &str = "Summary";

/// Finishes a results workbook: the postings sheets `workbook` holds, then the
/// Summary sheet of `tally`; `settings` are (name, value) pairs describing the
/// run (inputs, thresholds …). Writes the workbook to `out`.
///
/// # Errors
///
/// When the workbook cannot be assembled or written.
pub fn finish_workbook<W: Write + Send>(
    workbook: XlsxWriter,
    tally: &Tally,
    lexicon_id: &str,
    settings: &[(String, String)],
    out: W,
) -> Result<()> {
    workbook.finish_with(out, |book| {
        let ws = book.add_worksheet();
        ws.set_name(SUMMARY_SHEET)?;
        write_summary(ws, tally, lexicon_id, settings)?;
        let mut charts = summary_charts(tally);
        let ws = book.worksheet_from_name(SUMMARY_SHEET)?;
        for (row, col, chart) in charts.iter_mut() {
            ws.insert_chart(*row, *col, chart)?;
        }
        Ok(())
    })
}

/// Rows of the Summary sheet where its tables start.
const LABELS_AT: u32 = 2;
const LEAN_AT: u32 = LABELS_AT + 11;
const PHRASES_AT: u32 = LEAN_AT + SUMMARY_LEAN_BINS as u32 + 4;

fn write_summary(
    ws: &mut Worksheet,
    tally: &Tally,
    lexicon_id: &str,
    settings: &[(String, String)],
) -> std::result::Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let percent = Format::new().set_num_format("0.0%");
    let decimals = Format::new().set_num_format("0.000");
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 22)?;
    ws.set_column_width(2, 12)?;
    ws.set_column_width(3, 16)?;
    ws.write_string_with_format(0, 0, "popm summary", &title)?;

    // Labels.
    let total = tally.total();
    let mut r = LABELS_AT;
    for (c, h) in ["label", "postings", "share", "mean confidence"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(r, c as u16, *h, &bold)?;
    }
    for (label, n) in tally.label_counts().iter() {
        r += 1;
        ws.write_string(r, 0, Label::row_name(label))?;
        ws.write_number(r, 1, n as f64)?;
        let share = if total == 0 {
            0.0
        } else {
            n as f64 / total as f64
        };
        ws.write_number_with_format(r, 2, share, &percent)?;
        if let Some(mean) = tally.mean_confidence(label) {
            ws.write_number_with_format(r, 3, round(mean, 3), &decimals)?;
        }
    }
    r += 1;
    ws.write_string_with_format(r, 0, "total", &bold)?;
    ws.write_number_with_format(r, 1, total as f64, &bold)?;
    r += 1;
    ws.write_string(r, 0, "mismatch (names one role, describes the other)")?;
    ws.write_number(r, 1, tally.mismatches() as f64)?;

    // Lean histogram.
    let mut r = LEAN_AT;
    ws.write_string_with_format(
        r - 1,
        0,
        "lean = (PM score − PO score) / (PM score + PO score): −1 all Product Owner, +1 all Product Manager",
        &Format::new().set_italic(),
    )?;
    ws.write_string_with_format(r, 0, "lean from", &bold)?;
    ws.write_string_with_format(r, 1, "lean to", &bold)?;
    ws.write_string_with_format(r, 2, "postings", &bold)?;
    for bin in tally.lean_histogram(SUMMARY_LEAN_BINS) {
        r += 1;
        ws.write_number(r, 0, bin.lo)?;
        ws.write_number(r, 1, bin.hi)?;
        ws.write_number(r, 2, bin.count as f64)?;
    }

    // Top phrases per role, side by side.
    let r0 = PHRASES_AT;
    for (k, (role, name)) in [(Role::Po, "Product Owner"), (Role::Pm, "Product Manager")]
        .into_iter()
        .enumerate()
    {
        let c0 = (k * 4) as u16;
        ws.write_string_with_format(
            r0,
            c0,
            format!("top {SUMMARY_TOP_PHRASES} {name} phrases"),
            &bold,
        )?;
        for (c, h) in ["phrase", "category", "postings"].iter().enumerate() {
            ws.write_string_with_format(r0 + 1, c0 + c as u16, *h, &bold)?;
        }
        for (i, p) in tally
            .top_phrases(role, SUMMARY_TOP_PHRASES)
            .iter()
            .enumerate()
        {
            let r = r0 + 2 + i as u32;
            ws.write_string(r, c0, &p.phrase)?;
            ws.write_string(r, c0 + 1, &p.category)?;
            ws.write_number(r, c0 + 2, p.postings as f64)?;
        }
    }
    ws.set_column_width(4, 34)?;
    ws.set_column_width(5, 22)?;
    ws.set_column_width(6, 12)?;

    // Provenance and settings.
    let mut r = r0 + 3 + SUMMARY_TOP_PHRASES as u32;
    ws.write_string_with_format(r, 0, "lexicon", &bold)?;
    ws.write_string(r, 1, lexicon_id)?;
    for (k, v) in settings {
        r += 1;
        ws.write_string_with_format(r, 0, k, &bold)?;
        ws.write_string(r, 1, v)?;
    }
    Ok(())
}

/// The label chart and the lean histogram chart, with where they go.
fn summary_charts(tally: &Tally) -> Vec<(u32, u16, Chart)> {
    let n_labels = tally.label_counts().iter().count() as u32;
    let mut labels = Chart::new(ChartType::Column);
    labels
        .add_series()
        .set_name("postings")
        .set_categories((SUMMARY_SHEET, LABELS_AT + 1, 0, LABELS_AT + n_labels, 0))
        .set_values((SUMMARY_SHEET, LABELS_AT + 1, 1, LABELS_AT + n_labels, 1));
    labels.title().set_name("Postings per label");
    labels.legend().set_hidden();

    let mut lean = Chart::new(ChartType::Column);
    lean.add_series()
        .set_name("postings")
        .set_categories((
            SUMMARY_SHEET,
            LEAN_AT + 1,
            0,
            LEAN_AT + SUMMARY_LEAN_BINS as u32,
            0,
        ))
        .set_values((
            SUMMARY_SHEET,
            LEAN_AT + 1,
            2,
            LEAN_AT + SUMMARY_LEAN_BINS as u32,
            2,
        ))
        .set_gap(10);
    lean.title().set_name("Histogram of lean (PO ← 0 → PM)");
    lean.x_axis().set_name("lean from");
    lean.legend().set_hidden();
    vec![(LABELS_AT - 1, 8, labels), (LEAN_AT - 1, 16, lean)]
}
