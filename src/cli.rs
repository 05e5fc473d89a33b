//! The command line: clap definitions only. Nothing else in popm knows about clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  finished, but some rows had errors (their output row has label `error`),
     or `lexicon check` found problems
  2  usage error or unrecoverable input error (nothing, or no complete output, was written)
130  interrupted (Ctrl-C): with -o FILE, FILE is left as it was";

const CLASSIFY_EXAMPLES: &str = "\
Examples:
  popm classify samples/postings.csv
  popm classify postings.csv -o results.csv --keep title,company
  popm classify export.csv --text-col body --id-col ref -j 4 --format jsonl -o results.jsonl
  cat postings.csv | popm classify - > results.csv
  popm classify postings.csv -o results.xlsx
  popm classify postings.csv --excel -o for-excel.csv
  popm classify postings.csv --only product_owner --min-confidence 0.8 --keep title";

const CHECK_EXAMPLES: &str = "\
Examples:
  popm check \"As Product Owner you own the backlog and write user stories\"
  popm check -f samples/description.txt
  popm check -f samples/description.txt --html posting.html
  pbpaste | popm check --json";

const LEARN_EXAMPLES: &str = "\
Examples:
  popm learn labeled.csv --label-col label
  popm learn data/*.csv --label-col label --min-docs 5 --top 50 --format lexicon > learned.toml
  popm classify --extend learned.toml postings.csv
  popm learn --fit data/*.csv --label-col label --ignore-cols title -o fitted.toml
  popm classify --lexicon fitted.toml postings.csv";

const EVAL_EXAMPLES: &str = "\
Examples:
  popm eval labeled.csv --label-col label --ignore-cols title
  popm eval data/*.csv --label-col label --ignore-cols title --json";

const SUMMARY_EXAMPLES: &str = "\
Examples:
  popm summary results.csv
  popm summary results.jsonl --top 20
  popm summary week1.csv week2.tsv --json > summary.json
  popm classify postings.csv | popm summary -

Reads what `popm classify` wrote: CSV, TSV, JSON Lines or .xlsx (sheet \"Postings\"),
recognised from the content. Phrases of CSV/TSV/xlsx results get their category from the
lexicon (the embedded one, or --lexicon/--extend as used for classify).";

/// popm tells, with evidence, whether job postings lean Product Owner or Product Manager.
#[derive(Debug, Parser)]
#[command(name = "popm", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Classify every posting of one or more files (CSV, TSV, JSON Lines, JSON, xlsx) or stdin.
    #[command(after_help = format!("{CLASSIFY_EXAMPLES}\n\n{EXIT_CODES}"))]
    Classify(ClassifyArgs),
    /// Explain the classification of one description (argument, -f FILE, or stdin).
    #[command(after_help = format!("{CHECK_EXAMPLES}\n\n{EXIT_CODES}"))]
    Check(CheckArgs),
    /// Measure accuracy against labeled postings (labels product_owner / product_manager).
    #[command(after_help = format!("{EVAL_EXAMPLES}\n\n{EXIT_CODES}"))]
    Eval(EvalArgs),
    /// Suggest new lexicon phrases from labeled postings (weighted log-odds, "Fightin' Words"),
    /// or with --fit fit the lexicon's category weights on them.
    #[command(after_help = format!("{LEARN_EXAMPLES}\n\n{EXIT_CODES}"))]
    Learn(LearnArgs),
    /// Summarise result files of `popm classify`: labels, lean, top phrases, categories.
    #[command(after_help = format!("{SUMMARY_EXAMPLES}\n\n{EXIT_CODES}"))]
    Summary(SummaryArgs),
    /// Write a self-contained HTML report of result files of `popm classify`: summary charts,
    /// a sortable, filterable table, and each posting's evidence.
    #[command(after_help = format!("{REPORT_EXAMPLES}\n\n{EXIT_CODES}"))]
    Report(ReportArgs),
    /// Validate or list a lexicon.
    #[command(subcommand)]
    Lexicon(LexiconCommand),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) to stdout.
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Print the man page (roff) to stdout: `popm man > popm.1`.
    Man,
}

const COMPLETIONS_HELP: &str = "\
Examples:
  popm completions bash > ~/.local/share/bash-completion/completions/popm
  popm completions zsh > ~/.zfunc/_popm        # with fpath+=~/.zfunc in ~/.zshrc
  popm completions fish > ~/.config/fish/completions/popm.fish
  popm completions powershell >> $PROFILE";

/// `popm completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Output of `popm learn`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LearnFormat {
    /// A readable table with examples.
    Table,
    /// A lexicon file (TOML) of the new phrases, to review and use with --extend.
    Lexicon,
    /// JSON.
    Json,
}

/// `popm learn`.
#[derive(Debug, Args)]
pub struct LearnArgs {
    /// Labeled CSV files.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,
    /// The column holding the label (product_owner / product_manager; other labels are skipped,
    /// except that --fit classifies them too in its figures).
    #[arg(long, value_name = "COL")]
    pub label_col: String,
    /// Keep phrases found in at least this many postings.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub min_docs: usize,
    /// How many phrases per role.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LearnFormat::Table)]
    pub format: LearnFormat,
    /// Instead of suggesting phrases, fit the lexicon's category multipliers (its [weights]
    /// table) on the labeled postings: prints leave-one-group-out figures, fitted against the
    /// hand weights, and writes the lexicon with the fitted [weights] table (to -o, else to
    /// stdout with the figures on stderr).
    #[arg(long, conflicts_with_all = ["format", "top", "min_docs"])]
    pub fit: bool,
    /// With --fit: the column whose values are the groups left out in turn [default: per file].
    #[arg(long, value_name = "COL", requires = "fit")]
    pub by: Option<String>,
    /// With --fit: write the lexicon to this file (replaced only when the run succeeds).
    #[arg(short, long, value_name = "FILE", requires = "fit")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub columns: ColumnArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub lexicon: LexiconArgs,
}

/// Which lexicon to use.
#[derive(Debug, Args, Clone)]
pub struct LexiconArgs {
    /// Use this lexicon file instead of the embedded default.
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,
    /// Add the entries of this lexicon file (repeatable); same phrases are re-weighted.
    #[arg(long, value_name = "FILE")]
    pub extend: Vec<PathBuf>,
}

/// Label thresholds (defaults documented in README: "How scores become labels").
#[derive(Debug, Args, Clone)]
pub struct ThresholdArgs {
    /// Below this score for both roles, a posting is `unclear`.
    #[arg(long, value_name = "SCORE", default_value_t = popm::Thresholds::default().min_score)]
    pub min_score: f64,
    /// Both scores must reach this for `hybrid`.
    #[arg(long, value_name = "SCORE", default_value_t = popm::Thresholds::default().hybrid_min)]
    pub hybrid_min: f64,
    /// `hybrid` when |lean| is at most this (and both scores are strong).
    #[arg(long, value_name = "LEAN", default_value_t = popm::Thresholds::default().hybrid_margin)]
    pub hybrid_margin: f64,
    /// A posting that names another job for itself (engineer, analyst, scrum master …) is
    /// `other` unless one score reaches this or it names itself a Product Owner or Manager.
    #[arg(long, value_name = "SCORE", default_value_t = popm::Thresholds::default().strong_score)]
    pub strong_score: f64,
    /// Below this score for both roles, a posting that names no Product Owner or Manager at all
    /// is `unclear`.
    #[arg(long, value_name = "SCORE", default_value_t = popm::Thresholds::default().min_score_unnamed)]
    pub min_score_unnamed: f64,
}

/// Scoring constants (defaults documented in README: "How scores become labels").
#[derive(Debug, Args, Clone)]
pub struct ScoringArgs {
    /// Multiplier for a role name used as the posting's own role ("as a Product Owner").
    #[arg(long, value_name = "X", default_value_t = popm::ScoringParams::default().self_boost)]
    pub self_boost: f64,
    /// Multiplier for matches in the title column.
    #[arg(long, value_name = "X", default_value_t = popm::ScoringParams::default().title_weight)]
    pub title_weight: f64,
    /// Share of a colleague mention's weight credited to the other role.
    #[arg(long, value_name = "X", default_value_t = popm::ScoringParams::default().colleague_credit)]
    pub colleague_credit: f64,
    /// The k-th repeat of a phrase counts REPEAT_DECAY^k.
    #[arg(long, value_name = "X", default_value_t = popm::ScoringParams::default().repeat_decay)]
    pub repeat_decay: f64,
}

/// How to read an input and find its columns.
#[derive(Debug, Args, Clone)]
pub struct ColumnArgs {
    /// Text column(s), by name, 1-based number or (JSON) dotted path such as job.description,
    /// comma-separated [default: the first of description, job_description, description_text,
    /// text, body, content, details or their German, French and Dutch names; else the one header
    /// holding "description" as a word; JSON: else one level down].
    #[arg(long, value_name = "COLS")]
    pub text_col: Option<String>,
    /// Title column; its matches count double [default: a column named title/job_title/position
    /// or Titel/intitulé/functietitel …, else the one header holding "title" as a word].
    #[arg(long, value_name = "COL")]
    pub title_col: Option<String>,
    /// Id column [default: a column named id/job_id, else the row number].
    #[arg(long, value_name = "COL")]
    pub id_col: Option<String>,
    /// Columns never used as text or title (e.g. `title`, to classify on the description alone).
    #[arg(long, value_name = "COLS", value_delimiter = ',')]
    pub ignore_cols: Vec<String>,
    /// Field delimiter: `,` `;` `tab` `|` or any one ASCII character but `"`, CR or LF [default: detected].
    #[arg(short, long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// The first row is data, not a header (columns are then numbered 1, 2, ...).
    #[arg(long)]
    pub no_headers: bool,
    /// Text encoding of CSV/TSV/JSON input: `auto`, or a label such as utf-8, utf-16le,
    /// utf-16be, windows-1252, latin1, iso-8859-15, shift_jis. `auto`: a byte order mark
    /// decides, else UTF-8 when the first 64 KiB look like UTF-8, else windows-1252 (with a
    /// warning).
    #[arg(long, value_name = "LABEL", default_value = "auto")]
    pub encoding: String,
    /// Input format [default: from the extension: .jsonl/.ndjson jsonl, .json json,
    /// .xlsx/.xlsm xlsx, .tsv tsv, else csv; stdin: from its first bytes, `{` jsonl, `[` json,
    /// a zip xlsx, else csv]. Every format streams. JSON columns are the keys of the first
    /// object; a dotted path (`--text-col job.description`) reads a nested one.
    #[arg(long, value_name = "FORMAT", value_parser = ["csv", "tsv", "jsonl", "ndjson", "json", "xlsx"])]
    pub input_format: Option<String>,
    /// Worksheet of an xlsx input [default: the first sheet].
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Refuse an xlsx input that has a part unzipping to more than SIZE (bytes, or 500M, 2G):
    /// a guard against decompression bombs.
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = popm::io::parse_size)]
    pub max_unzipped_size: u64,
    /// Refuse an xlsx input that has a part (over 1 MiB) unzipping to more than N times its
    /// compressed size: a guard against decompression bombs.
    #[arg(long, value_name = "N", default_value_t = popm::io::ZipLimits::default().max_ratio,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_unzip_ratio: u64,
}

impl ColumnArgs {
    /// The columns named on the command line, for the library's column plan.
    pub fn choice(&self) -> popm::io::ColumnChoice {
        popm::io::ColumnChoice {
            text: self.text_col.clone(),
            title: self.title_col.clone(),
            id: self.id_col.clone(),
            ignore: self.ignore_cols.clone(),
        }
    }
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// One JSON object per line, with the full evidence.
    Jsonl,
    /// An Excel workbook: sheets "Postings" and "Summary" (-o FILE.xlsx, or a redirected stdout).
    Xlsx,
    /// A self-contained HTML report: summary charts, a sortable table, each posting's text
    /// with its matches highlighted (-o FILE.html).
    Html,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `popm classify`.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// Files to classify (CSV, TSV, JSON Lines, JSON, xlsx); `-` or nothing reads stdin.
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,
    /// Write here instead of stdout (atomically: a temporary file renamed on success).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format [default: from the -o extension (.tsv, .jsonl, .xlsx, .html), else csv].
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// CSV for Excel: UTF-8 with a BOM, CR LF line ends, and formula-like input cells made
    /// inert (a cell starting with = + - @ TAB or CR gets a leading ').
    #[arg(long, help_heading = "Spreadsheet output")]
    pub excel: bool,
    /// Start CSV/TSV output with a UTF-8 byte order mark.
    #[arg(long, help_heading = "Spreadsheet output")]
    pub bom: bool,
    /// End CSV/TSV lines with CR LF.
    #[arg(long, help_heading = "Spreadsheet output")]
    pub crlf: bool,
    /// Delimiter of CSV output: one character, or `tab` (e.g. ';' for European Excel).
    #[arg(long, value_name = "CHAR", help_heading = "Spreadsheet output")]
    pub out_delimiter: Option<String>,
    /// Write decimals with a comma (0,800) for spreadsheets in such locales.
    #[arg(long, help_heading = "Spreadsheet output")]
    pub decimal_comma: bool,
    /// Add a `lexicon` column (name@version#hash) so results trace to their lexicon.
    #[arg(long)]
    pub provenance: bool,
    /// Write only postings with these labels (comma-separated), e.g. product_owner,hybrid.
    #[arg(
        long,
        value_name = "LABELS",
        value_delimiter = ',',
        help_heading = "Filters"
    )]
    pub only: Vec<String>,
    /// Write only postings whose confidence is at least this (0 to 1).
    #[arg(long, value_name = "P", help_heading = "Filters")]
    pub min_confidence: Option<f64>,
    /// Input columns to copy in front of the results, comma-separated.
    #[arg(long, value_name = "COLS", value_delimiter = ',')]
    pub keep: Vec<String>,
    /// Copy every input column in front of the results.
    #[arg(long, conflicts_with = "keep")]
    pub keep_all: bool,
    /// Worker threads [default: one per core].
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// No summary or warnings on stderr (errors are still shown).
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub columns: ColumnArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub lexicon: LexiconArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub thresholds: ThresholdArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub scoring: ScoringArgs,
}

/// `popm check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The description text; omit it to read -f FILE or stdin.
    #[arg(value_name = "TEXT", conflicts_with = "file")]
    pub text: Option<String>,
    /// Read the description from this file (`-` for stdin).
    #[arg(short, long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// A title, whose matches count double.
    #[arg(long, value_name = "TITLE")]
    pub title: Option<String>,
    /// Print one JSON object instead of the explanation.
    #[arg(long)]
    pub json: bool,
    /// Also write the posting's page to this HTML file (`-`: stdout, instead of the
    /// explanation): its text with every match a <mark>, and the evidence table; no script.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Highlight matches in colour.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub lexicon: LexiconArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub thresholds: ThresholdArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub scoring: ScoringArgs,
}

/// `popm eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Labeled CSV files (each is also reported on its own).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,
    /// The column holding the gold label (product_owner / product_manager / anything else).
    #[arg(long, value_name = "COL")]
    pub label_col: String,
    /// Report per value of this column as well (e.g. `source`; `language` groups by the guessed
    /// language when the input has no such column) [default: per file].
    #[arg(long, value_name = "COL")]
    pub by: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// List every wrong call (group, id, gold, predicted).
    #[arg(long)]
    pub show_wrong: bool,
    /// Fit Platt calibration constants and check them leave-one-group-out (groups: files or --by).
    #[arg(long)]
    pub calibrate: bool,
    /// Replace every Product Owner / Product Manager name in the texts (any case, spacing,
    /// plural, German/French/Dutch form and gender suffix; PO, PM, POs, PMs in upper case)
    /// with a neutral word before classifying, so that only the work described counts.
    #[arg(long)]
    pub mask_roles: bool,
    /// Worker threads [default: one per core].
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub columns: ColumnArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub lexicon: LexiconArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub thresholds: ThresholdArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub scoring: ScoringArgs,
}

/// `popm summary`.
#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// Result files of `popm classify` (CSV, TSV, JSON Lines, .xlsx); `-` or nothing reads stdin.
    #[arg(value_name = "RESULTS")]
    pub files: Vec<String>,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// How many phrases to list per role.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
    /// Text encoding of CSV/TSV/JSON input: `auto`, or a label such as utf-8, utf-16le,
    /// utf-16be, windows-1252, latin1, iso-8859-15, shift_jis. `auto`: a byte order mark
    /// decides, else UTF-8 when the first 64 KiB look like UTF-8, else windows-1252 (with a
    /// warning).
    #[arg(long, value_name = "LABEL", default_value = "auto")]
    pub encoding: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub lexicon: LexiconArgs,
}

const REPORT_EXAMPLES: &str = "\
Examples:
  popm report results.jsonl -o report.html
  popm report week1.csv week2.csv -o report.html --title \"Postings, March\"
  popm classify postings.csv -o report.html          # the same report, with whole texts

The report is one HTML file with its script, style and charts inline: it makes no network
request and opens from disk. JSON Lines results show each match in its snippet; CSV, TSV and
xlsx results carry phrases and counts only (the report says so); `classify -o report.html`
keeps the texts themselves, in full up to a size budget (see README, \"HTML report\").";

/// `popm report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Result files of `popm classify` (CSV, TSV, JSON Lines, .xlsx); `-` or nothing reads stdin.
    #[arg(value_name = "RESULTS")]
    pub files: Vec<String>,
    /// Write the report here (atomically: a temporary file renamed on success) [default: stdout].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The report's title.
    #[arg(long, value_name = "TEXT", default_value = "popm report")]
    pub title: String,
    /// Text encoding of CSV/TSV/JSON input: `auto`, or a label such as utf-8, utf-16le,
    /// windows-1252.
    #[arg(long, value_name = "LABEL", default_value = "auto")]
    pub encoding: String,
    /// No closing line on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub lexicon: LexiconArgs,
}

/// `popm lexicon ...`.
#[derive(Debug, Subcommand)]
pub enum LexiconCommand {
    /// Validate a lexicon file: syntax, weights, wildcards, duplicates, conflicts, dead phrases.
    Check {
        /// The lexicon file (TOML).
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// List the lexicon's entries (the embedded default unless --lexicon/--extend).
    Show {
        /// Only this role.
        #[arg(long, value_parser = ["po", "pm"])]
        role: Option<String>,
        /// Only this category.
        #[arg(long, value_name = "NAME")]
        category: Option<String>,
        #[command(flatten)]
        #[allow(missing_docs)]
        lexicon: LexiconArgs,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
