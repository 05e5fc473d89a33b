//! `popm classify`: CSV in, one result row per posting out, in input order.

use std::borrow::Cow;
use std::io::{IoSlice, Seek, SeekFrom};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

use anyhow::Result;
use popm::io::XlsxWriter;
use popm::io::{decode_field, ColumnChoice, ColumnPlan, ColumnSel, ReadOptions, Record};
use popm::io::{resolve_column, InputFormat, Source};
use popm::io::{Cell, Dialect, Format, Layout, RowInfo};
use popm::report::html::{write_report, PageInfo, ReportData, ReportRow, TextKind};
use popm::report::summary::Tally;
use popm::{run_ordered, thread_pool};
use popm::{Classifier, Label, LabelCounts};

use super::atomic_file::Sink;
use super::progress::Progress;
use super::{classifier, interrupt, parse_delimiter, print_warning, read_options, EXIT_ROW_ERRORS};
use crate::cli::{ClassifyArgs, FormatArg};

struct RowOut {
    /// The formatted row (CSV, TSV, JSON Lines).
    bytes: Vec<u8>,
    /// A row too big to hold (`Layout::is_big_row`), written to an unnamed
    /// temporary file instead of `bytes`.
    spilled: Option<std::fs::File>,
    /// The row's cells, for xlsx.
    cells: Vec<Cell<'static>>,
    /// The classification, for the xlsx Summary sheet.
    result: Option<popm::Classification>,
    /// The posting as an HTML report shows it.
    report: Option<ReportRow>,
    /// The row's label; `None` for a row that could not be classified.
    label: Option<Label>,
    confidence: f64,
    warnings: Vec<String>,
}

/// `popm classify`'s flags, checked once and turned into what the run needs
/// (as ripgrep turns its low-level arguments into high-level ones).
struct Config {
    classifier: Classifier,
    /// The inputs (`-` for stdin).
    files: Vec<String>,
    format: Format,
    dialect: Dialect,
    filter: RowFilter,
    read: ReadOptions,
    columns: ColumnChoice,
    pool: rayon::ThreadPool,
    /// `--keep` (empty with `--keep-all`).
    keep: Vec<String>,
    keep_all: bool,
    output: Option<PathBuf>,
    provenance: bool,
    quiet: bool,
    /// The run's settings for the xlsx Summary sheet.
    settings: Vec<(String, String)>,
}

impl Config {
    fn new(args: ClassifyArgs) -> Result<Config> {
        let classifier = classifier(&args.lexicon, &args.thresholds, &args.scoring)?;
        let files: Vec<String> = if args.files.is_empty() {
            vec!["-".to_string()]
        } else {
            args.files.clone()
        };
        let format = output_format(&args);
        let settings = run_settings(&args, &files, &classifier);
        Ok(Config {
            dialect: dialect(&args, format)?,
            filter: RowFilter::new(&args)?,
            read: read_options(&args.columns)?,
            columns: args.columns.choice(),
            pool: thread_pool(args.threads)?,
            classifier,
            files,
            format,
            keep: args.keep,
            keep_all: args.keep_all,
            output: args.output,
            provenance: args.provenance,
            quiet: args.quiet,
            settings,
        })
    }

    /// Several inputs: rows say which file they come from.
    fn has_file_column(&self) -> bool {
        self.files.len() > 1
    }

    /// The names of the kept columns, from the first input's header.
    fn kept_names(&self, first: &mut Source) -> Result<Vec<String>> {
        if self.keep_all {
            return Ok(if first.headers().is_empty() {
                (1..=first.width().max(1))
                    .map(|i| format!("column{i}"))
                    .collect()
            } else {
                first.headers().to_vec()
            });
        }
        self.keep
            .iter()
            .map(|k| {
                let i = resolve_column(first, &ColumnSel::parse(k), "--keep")?;
                Ok(first
                    .headers()
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| format!("column{}", i + 1)))
            })
            .collect()
    }

    /// Where each kept column is in `src` (`None`: not in this input).
    fn kept_indices(&self, src: &mut Source, kept_names: &[String]) -> Vec<Option<usize>> {
        if self.keep_all && src.headers().is_empty() {
            return (0..kept_names.len()).map(Some).collect();
        }
        // A kept JSON path (`job.company`) is read from each input's nested objects.
        for k in kept_names {
            if !src.headers().iter().any(|h| h.eq_ignore_ascii_case(k)) {
                src.add_nested_column(k);
            }
        }
        // The n-th kept column of a name is the n-th input column of that
        // name, so duplicate header names each keep their own values.
        kept_names
            .iter()
            .enumerate()
            .map(|(j, k)| {
                let nth = kept_names[..j]
                    .iter()
                    .filter(|p| p.eq_ignore_ascii_case(k))
                    .count();
                src.headers()
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| h.eq_ignore_ascii_case(k))
                    .nth(nth)
                    .map(|(i, _)| i)
            })
            .collect()
    }

    /// The inputs' total size, when every input is a file.
    fn total_bytes(&self) -> Option<u64> {
        self.files
            .iter()
            .map(|f| {
                (f != "-")
                    .then(|| std::fs::metadata(f).ok().map(|m| m.len()))
                    .flatten()
            })
            .sum()
    }
}

/// Turns one input's records into output rows, on the worker threads.
struct RowMaker<'a> {
    config: &'a Config,
    layout: &'a Layout,
    plan: ColumnPlan,
    keep_idx: Vec<Option<usize>>,
    field_names: Vec<String>,
    source_name: String,
    file_label: Option<String>,
}

impl RowMaker<'_> {
    fn make(&self, rec: &Record) -> RowOut {
        let config = self.config;
        let lexicon = config.classifier.lexicon();
        let source_name = &self.source_name;
        let texts = self.plan.texts(rec, source_name);
        let id: Cow<'_, str> = match self.plan.id.and_then(|i| rec.fields.get(i)) {
            Some(b) => decode_field(b).0,
            None => Cow::Owned(rec.row.to_string()),
        };
        let kept: Vec<Cow<'_, str>> = self
            .keep_idx
            .iter()
            .map(|k| {
                k.and_then(|i| rec.fields.get(i))
                    .map_or(Cow::Borrowed(""), |b| decode_field(b).0)
            })
            .collect();
        let mut warnings = texts.warnings.clone();
        let is_html = config.format == Format::Html;
        let (result, label) = match &texts.error {
            Some(e) => {
                warnings.push(format!("{source_name}:{}: row {}: {e}", rec.line, rec.row));
                (Err(e.as_str()), None)
            }
            None => {
                let posting = texts.posting();
                if posting.is_cut() {
                    warnings.push(format!(
                        "{source_name}:{}: row {}: a field is over {} bytes (4 GiB); popm read \
                         its first {} bytes",
                        rec.line,
                        rec.row,
                        popm::MAX_FIELD_BYTES,
                        popm::MAX_FIELD_BYTES
                    ));
                }
                let c = config.classifier.classify(&posting);
                let l = c.verdict.label;
                (Ok(c), Some(l))
            }
        };
        let report = is_html.then(|| {
            let mut row = match &result {
                Ok(c) => {
                    let fields: Vec<&str> = texts.fields.iter().map(|f| f.as_ref()).collect();
                    ReportRow::from_classification(c, lexicon, &fields, &self.field_names)
                }
                Err(e) => ReportRow::error(e),
            };
            row.id = id.to_string();
            row.kept = self
                .file_label
                .iter()
                .cloned()
                .chain(kept.iter().map(|k| k.to_string()))
                .collect();
            row
        });
        let info = RowInfo {
            file: self.file_label.as_deref(),
            id: &id,
            row: rec.row,
            kept,
            fields: texts.fields,
            field_names: &self.field_names,
            warnings: warnings.clone(),
        };
        let outcome = result.as_ref().map_err(|e| *e);
        let confidence = outcome.map_or(0.0, |c| c.verdict.confidence);
        let is_xlsx = config.format == Format::Xlsx;
        let (bytes, cells, spilled) = if is_xlsx {
            let cells = self.layout.cells(&info, outcome, lexicon);
            (
                Vec::new(),
                cells.into_iter().map(Cell::into_owned).collect(),
                None,
            )
        } else {
            // A row too big to hold goes to a temporary file; without room
            // for one, it is held in memory after all.
            let spilled = self
                .layout
                .is_big_row(outcome)
                .then(|| spill_row(self.layout, &info, outcome, lexicon).ok())
                .flatten();
            let bytes = match spilled {
                Some(_) => Vec::new(),
                None => self.layout.row(&info, outcome, lexicon),
            };
            (bytes, Vec::new(), spilled)
        };
        RowOut {
            bytes,
            spilled,
            cells,
            // The Summary sheet of a workbook tallies the evidence.
            result: result.ok().filter(|_| is_xlsx),
            report,
            label,
            confidence,
            warnings,
        }
    }
}

/// Writes a row too big to hold to an unnamed temporary file (deleted when
/// closed), for the writing side to copy into the output in its turn.
fn spill_row(
    layout: &Layout,
    info: &RowInfo<'_>,
    outcome: Result<&popm::Classification, &str>,
    lexicon: &popm::Lexicon,
) -> std::io::Result<std::fs::File> {
    let mut file = tempfile::tempfile()?;
    layout.write_row(info, outcome, lexicon, &mut file)?;
    Ok(file)
}

/// What the writing side has seen so far.
#[derive(Default)]
struct Totals {
    counts: LabelCounts,
    warnings: usize,
    rows: usize,
    written: usize,
    /// Inputs with a problem that is not one row's (an unbalanced quote).
    input_errors: usize,
    /// The format stdin was read as, when it was told from its first bytes.
    stdin_format: Option<InputFormat>,
}

impl Totals {
    /// Counts and prints a warning.
    fn warn(&mut self, quiet: bool, message: &str) {
        self.warnings += 1;
        if !quiet {
            print_warning(message);
        }
    }

    /// Counts one row read (kept or filtered out) and prints its warnings.
    fn count(&mut self, o: &RowOut, quiet: bool) {
        self.rows += 1;
        self.counts.add(o.label);
        for w in &o.warnings {
            self.warn(quiet, w);
        }
    }

    /// Notes an input whose quoting is unbalanced (always printed: it may have swallowed rows).
    fn unbalanced_quote(&mut self, source: &str, line: u64) {
        self.input_errors += 1;
        self.warnings += 1;
        print_warning(&format!(
            "{source}:{line}: the input has an unbalanced quote character, last at line \
             {line}: a quoted field opened there may be unclosed (its record then absorbed the \
             lines after it), or a field holds a stray quote; check the quoting"
        ));
    }

    /// The closing line on stderr.
    fn report(&self, filter: &RowFilter) {
        let per_label: Vec<String> = self
            .counts
            .iter()
            .map(|(l, n)| format!("{n} {}", Label::row_name(l)))
            .collect();
        let filtered = if filter.is_active() {
            format!(
                " ({} written, {} filtered out)",
                self.written,
                self.rows - self.written
            )
        } else {
            String::new()
        };
        let stdin = match self.stdin_format {
            Some(f) => format!("; stdin read as {}", f.describe()),
            None => String::new(),
        };
        eprintln!(
            "popm: {} row{}{filtered}: {}; {} warning{}{stdin}",
            self.rows,
            if self.rows == 1 { "" } else { "s" },
            per_label.join(", "),
            self.warnings,
            if self.warnings == 1 { "" } else { "s" }
        );
    }
}

/// Where the rows go: the output stream, or an xlsx workbook with its Summary tally.
struct Output {
    sink: Sink,
    workbook: Option<(XlsxWriter, Tally)>,
    /// The HTML report's postings, written when the run ends (its summary comes first).
    report: Option<ReportData>,
}

impl Output {
    /// Opens the output and writes the header (nothing for JSON Lines and xlsx).
    fn open(config: &Config, layout: &Layout) -> Result<Output> {
        let mut sink = Sink::open(config.output.as_deref())?;
        if config.format == Format::Xlsx && sink.is_terminal() {
            anyhow::bail!(
                "xlsx output is a binary file: write it with -o FILE.xlsx (or redirect stdout)"
            );
        }
        let name = sink.name();
        sink.writer()
            .write_all(&layout.header())
            .map_err(|e| popm::Error::write(&name, e))?;
        let workbook = match config.format {
            Format::Xlsx => Some((XlsxWriter::new(&layout.columns())?, Tally::new())),
            _ => None,
        };
        let report = (config.format == Format::Html).then(|| {
            let mut columns: Vec<String> = Vec::new();
            if config.has_file_column() {
                columns.push("file".to_string());
            }
            columns.extend(layout.kept_names().iter().cloned());
            ReportData::new(columns, TextKind::Full)
        });
        Ok(Output {
            sink,
            workbook,
            report,
        })
    }

    /// Counts a batch's rows and writes those the filter keeps, in order;
    /// warnings of the workbook go to `totals`.
    fn write(
        &mut self,
        outs: &mut Vec<RowOut>,
        config: &Config,
        totals: &mut Totals,
    ) -> popm::Result<()> {
        if let Some((wb, tally)) = self.workbook.as_mut() {
            // Row by row: a row's workbook warnings come before its own, as
            // the rows come.
            for o in outs.iter() {
                if config.filter.keeps(o.label, o.confidence) {
                    totals.written += 1;
                    for w in wb.write_row(&o.cells)? {
                        totals.warn(config.quiet, &w);
                    }
                    match &o.result {
                        Some(c) => tally.add_classification(c, config.classifier.lexicon()),
                        None => tally.add(o.label, None, None, &[]),
                    }
                }
                totals.count(o, config.quiet);
            }
            return Ok(());
        }
        outs.retain(|o| {
            totals.count(o, config.quiet);
            config.filter.keeps(o.label, o.confidence)
        });
        totals.written += outs.len();
        if let Some(data) = self.report.as_mut() {
            for row in outs.iter_mut().filter_map(|o| o.report.take()) {
                data.add(row);
            }
            return Ok(());
        }
        // The rows' bytes go out as they lie, a run between two spilled rows at a time.
        let name = self.sink.name();
        let mut rest = &mut outs[..];
        while !rest.is_empty() {
            let spill_at = rest[1..]
                .iter()
                .position(|o| o.spilled.is_some())
                .map_or(rest.len(), |i| i + 1);
            let (run, after) = rest.split_at_mut(spill_at);
            if let Some(mut file) = run[0].spilled.take() {
                file.seek(SeekFrom::Start(0))
                    .and_then(|_| std::io::copy(&mut file, self.sink.writer()))
                    .map_err(|e| popm::Error::write(&name, e))?;
            }
            let mut rows: Vec<IoSlice<'_>> = run.iter().map(|o| IoSlice::new(&o.bytes)).collect();
            self.sink
                .write_rows(&mut rows)
                .map_err(|e| popm::Error::write(&name, e))?;
            rest = after;
        }
        Ok(())
    }

    /// Finishes the workbook (its Summary sheet) and puts the output in place.
    fn finish(mut self, config: &Config) -> Result<()> {
        if let Some((wb, tally)) = self.workbook.take() {
            let lexicon_id = config.classifier.lexicon().identity();
            popm::report::summary_sheet::finish_workbook(
                wb,
                &tally,
                &lexicon_id,
                &config.settings,
                self.sink.writer(),
            )?;
        }
        if let Some(data) = self.report.take() {
            let info = PageInfo {
                title: "popm report".to_string(),
                sources: config.files.clone(),
                lexicon: config.classifier.lexicon().identity(),
                settings: config.settings.clone(),
                notes: Vec::new(),
            };
            let name = self.sink.name();
            write_report(&data, &info, self.sink.writer())
                .map_err(|e| popm::Error::write(&name, e))?;
        }
        self.sink.finish()
    }
}

/// Runs `popm classify`.
pub fn run(args: ClassifyArgs) -> Result<ExitCode> {
    let config = Config::new(args)?;
    // Open the first input before the output, so a bad input leaves no output file.
    let mut first = Source::open(&config.files[0], &config.read)?;
    let first_plan = ColumnPlan::resolve(&mut first, &config.columns)?;
    let kept_names = config.kept_names(&mut first)?;
    let layout = Layout::new(
        config.format,
        &kept_names,
        config.has_file_column(),
        config.classifier.lexicon(),
    )
    .with_dialect(config.dialect)
    .with_provenance(config.provenance);
    let mut output = Output::open(&config, &layout)?;
    interrupt::install();
    let mut progress = Progress::new(!config.quiet, config.total_bytes());
    let mut totals = Totals::default();
    let mut first = Some((first, first_plan));
    for file in &config.files {
        let (mut src, plan) = match first.take() {
            Some(opened) => opened,
            None => {
                let mut src = Source::open(file, &config.read)?;
                let plan = ColumnPlan::resolve(&mut src, &config.columns)?;
                (src, plan)
            }
        };
        if let Some(note) = src.encoding_note() {
            totals.warn(config.quiet, &format!("{}: {note}", src.name()));
        }
        if !config.quiet {
            for note in &plan.notes {
                eprintln!("popm: note: {note}");
            }
        }
        if src.is_format_sniffed() {
            totals.stdin_format = Some(src.format());
        }
        let maker = RowMaker {
            config: &config,
            layout: &layout,
            keep_idx: config.kept_indices(&mut src, &kept_names),
            field_names: plan.field_names(),
            plan,
            source_name: src.name().to_string(),
            file_label: config.has_file_column().then(|| file.clone()),
        };
        // CSV fields are split here, on the worker, into the thread's own buffer.
        let process = |rec: &mut Record| -> RowOut { rec.with_fields(|rec| maker.make(rec)) };
        let bytes_read = src.byte_counter();
        run_ordered(
            &config.pool,
            |batch| src.read_batch_deferred(batch),
            process,
            |mut outs: Vec<RowOut>| {
                progress.update(bytes_read.load(Ordering::Relaxed), totals.rows + outs.len());
                output.write(&mut outs, &config, &mut totals)
            },
        )?;
        progress.finish_input(src.bytes_read());
        if let Some(line) = src.unbalanced_quote_line() {
            totals.unbalanced_quote(&maker.source_name, line);
        }
    }
    output.finish(&config)?;
    progress.clear();
    if !config.quiet {
        totals.report(&config.filter);
    }
    Ok(if totals.counts.error > 0 || totals.input_errors > 0 {
        ExitCode::from(EXIT_ROW_ERRORS)
    } else {
        ExitCode::SUCCESS
    })
}

/// The output format: `--format`, else the extension of `-o`, else CSV.
fn output_format(args: &ClassifyArgs) -> Format {
    match (args.format, &args.output) {
        (Some(FormatArg::Csv), _) => Format::Csv,
        (Some(FormatArg::Tsv), _) => Format::Tsv,
        (Some(FormatArg::Jsonl), _) => Format::Jsonl,
        (Some(FormatArg::Xlsx), _) => Format::Xlsx,
        (Some(FormatArg::Html), _) => Format::Html,
        (None, Some(p)) => match p.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("tsv") => Format::Tsv,
            Some(e) if e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson") => {
                Format::Jsonl
            }
            Some(e) if e.eq_ignore_ascii_case("xlsx") => Format::Xlsx,
            Some(e) if e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm") => {
                Format::Html
            }
            _ => Format::Csv,
        },
        (None, None) => Format::Csv,
    }
}

/// The CSV/TSV dialect from `--excel`, `--bom`, `--crlf`, `--out-delimiter`, `--decimal-comma`.
fn dialect(args: &ClassifyArgs, format: Format) -> Result<Dialect> {
    let text_flags =
        args.excel || args.bom || args.crlf || args.decimal_comma || args.out_delimiter.is_some();
    if text_flags && !matches!(format, Format::Csv | Format::Tsv) {
        anyhow::bail!(
            "--excel, --bom, --crlf, --out-delimiter and --decimal-comma apply to CSV/TSV output, \
             not {}; xlsx cells are already typed (text stays text, numbers stay numbers)",
            match format {
                Format::Jsonl => "JSON Lines",
                Format::Html => "HTML",
                _ => "xlsx",
            }
        );
    }
    let mut d = if args.excel {
        Dialect::excel()
    } else {
        Dialect::default()
    };
    d.bom |= args.bom;
    d.crlf |= args.crlf;
    d.decimal_comma = args.decimal_comma;
    if let Some(delim) = &args.out_delimiter {
        if format == Format::Tsv {
            anyhow::bail!("--out-delimiter applies to CSV output; TSV is always TAB-separated");
        }
        d.delimiter = parse_delimiter(delim).map_err(|_| {
            anyhow::anyhow!(
                "--out-delimiter {delim:?} is not a single ASCII character: use , ; | or tab"
            )
        })?;
        if matches!(d.delimiter, b'"' | b'\r' | b'\n' | b'\'')
            || d.delimiter.is_ascii_alphanumeric()
        {
            anyhow::bail!(
                "--out-delimiter {delim:?} would make the output unreadable: use , ; | or tab"
            );
        }
    }
    Ok(d)
}

/// `--only` and `--min-confidence`: which classified rows are written.
struct RowFilter {
    /// The labels kept (`None`: error rows); empty keeps every row.
    labels: Vec<Option<Label>>,
    min_confidence: Option<f64>,
}

impl RowFilter {
    fn new(args: &ClassifyArgs) -> Result<RowFilter> {
        let labels = args
            .only
            .iter()
            .map(|l| {
                Label::ALL
                    .map(Some)
                    .into_iter()
                    .chain([None])
                    .find(|&x| Label::row_name(x).eq_ignore_ascii_case(l.trim()))
                    .ok_or_else(|| {
                        anyhow::anyhow!(
                            "--only {l:?} is not a label; the labels are: {}",
                            Label::row_names()
                        )
                    })
            })
            .collect::<Result<_>>()?;
        if let Some(p) = args.min_confidence {
            if !(0.0..=1.0).contains(&p) {
                anyhow::bail!("--min-confidence {p} is not between 0 and 1");
            }
        }
        Ok(RowFilter {
            labels,
            min_confidence: args.min_confidence,
        })
    }

    fn is_active(&self) -> bool {
        !self.labels.is_empty() || self.min_confidence.is_some()
    }

    /// Whether a row with this label and confidence is written.
    fn keeps(&self, label: Option<Label>, confidence: f64) -> bool {
        (self.labels.is_empty() || self.labels.contains(&label))
            && self.min_confidence.is_none_or(|p| confidence >= p)
    }
}

/// The run's settings, for the xlsx Summary sheet (no clock: the same run gives the same file).
fn run_settings(args: &ClassifyArgs, files: &[String], c: &Classifier) -> Vec<(String, String)> {
    let t = c.thresholds();
    let mut v = vec![
        (
            "popm version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
        ("inputs".to_string(), files.join(", ")),
        (
            "confidence".to_string(),
            if c.lexicon().calibration().is_some() {
                "calibrated (Platt constants of the lexicon)".to_string()
            } else {
                "uncalibrated (the lexicon has no [calibration])".to_string()
            },
        ),
        ("--min-score".to_string(), t.min_score.to_string()),
        ("--hybrid-min".to_string(), t.hybrid_min.to_string()),
        ("--hybrid-margin".to_string(), t.hybrid_margin.to_string()),
    ];
    if !args.only.is_empty() {
        v.push(("--only".to_string(), args.only.join(",")));
    }
    if let Some(p) = args.min_confidence {
        v.push(("--min-confidence".to_string(), p.to_string()));
    }
    v
}
