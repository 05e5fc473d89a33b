//! The integration tests: one test binary, one module per area. They drive the
//! real `popm` binary (and, in `props_library`, the library) end to end.

// Shared helpers: a work directory that runs popm, fixtures, output parsing,
// generated postings and evidence checks.
mod util;

// Inputs as APIs and exports give them: JSON on stdin, nested JSON, non-English headers.
mod api_inputs;
// The accuracy floor on ../shared/data (optional: skipped when it is absent).
mod accuracy;
// The HTML report in headless Chromium (opt-in: `POPM_TEST_BROWSER=1`).
mod browser;
// Bounded inputs: decompression bombs refused; opt-in 1 GB JSON array and workbook in < 64 MB.
mod bounded;
// Bad and unusual input (encodings, ragged rows, huge fields, HTML) and the exit codes.
mod bad_input;
// `popm check`: context rules end to end and the human output.
mod check;
// `popm classify`: output shape, formats, columns, inputs and the summary line.
mod classify;
// Shell completions, the man page, `--version`, Ctrl-C and the progress bar.
mod cli_extras;
// `popm eval` on a small labeled fixture: metrics, confusion, calibration.
mod eval;
// `popm learn --fit`: category weights fitted and checked leave one group out.
mod fit;
// Byte-for-byte output on fixed postings, against recorded files (`POPM_BLESS=1` records).
mod golden;
// The HTML report as files: completeness, escaping, the policy, each result format.
mod html_report;
// Input formats and encodings: Windows-1252, UTF-16, JSON Lines, JSON arrays, xlsx.
mod input_formats;
// French, Dutch and German postings: native phrases, context cues, headings, per-language eval.
mod languages;
// `popm learn`: phrases that separate PO from PM postings.
mod learn;
// `popm lexicon check/show`, and `--lexicon` / `--extend` on the other commands.
mod lexicon;
// Properties over many generated rows: order, `-j` independence, evidence offsets.
mod properties;
// Library-level properties of normalize → scan → classify (proptest).
mod props_library;
// The README's console examples, run and compared with what the README shows.
mod readme;
// Sharded runs concatenated equal one run (popm as a map step).
mod shards;
// The PySpark job `scripts/spark_classify.py` (opt-in: `POPM_TEST_SPARK=1`).
mod spark;
// Spreadsheet output: xlsx, CSV for Excel, European CSV, filters and provenance.
mod spreadsheets;
// `popm summary`: reading back what `popm classify` wrote, in every format.
mod summary;
