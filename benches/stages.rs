//! Where one thread's time goes, stage by stage, on a whole postings corpus in memory.
//!
//! Each line is one pass over every row of the corpus doing one stage more
//! than the line before (cumulative), so the difference between two lines is
//! what that stage costs; the median of several rounds is printed with its
//! MB/s. The last line adds the CSV row with compact evidence that `popm
//! classify` writes; reading the file and writing the rows out are the
//! remaining difference to `popm classify -q -j 1 FILE -o /dev/null`.
//!
//! ```sh
//! cargo bench --bench stages                                    # samples/postings.csv, repeated to 20 MB
//! POPM_CORPUS=/tmp/postings_100mb.csv cargo bench --bench stages  # e.g. scripts/make_corpus.py 100
//! ```
//!
//! `POPM_ROUNDS` sets the rounds (default 5). The corpus is CSV with a
//! `description` column and, optionally, a `title` column.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use popm::internals::csv_split::{split_fields, RecordSplitter};
use popm::internals::normalize::{normalize_into, Normalized};
use popm::internals::record::fold_header;
use popm::internals::scan::{ScanScratch, Scanner};
use popm::io::{decode_field, Format, Layout, RowInfo, TEXT_COLUMN_NAMES, TITLE_COLUMN_NAMES};
use popm::{Classifier, Lexicon, Posting};

/// The corpus's field delimiter (`make_corpus.py` and the samples write commas).
const DELIMITER: u8 = b',';

/// How far one pass goes, in pipeline order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Records,
    Fields,
    Utf8,
    Normalize,
    Scan,
    Classify,
    Output,
}

impl Stage {
    const ALL: [Stage; 7] = [
        Stage::Records,
        Stage::Fields,
        Stage::Utf8,
        Stage::Normalize,
        Stage::Scan,
        Stage::Classify,
        Stage::Output,
    ];

    fn describe(self) -> &'static str {
        match self {
            Stage::Records => "cut records (quotes and line breaks)",
            Stage::Fields => "+ split fields",
            Stage::Utf8 => "+ check UTF-8",
            Stage::Normalize => "+ normalize",
            Stage::Scan => "+ scan (automaton, word checks, overlaps)",
            Stage::Classify => "classify instead of normalize + scan",
            Stage::Output => "+ format the output row",
        }
    }
}

/// The columns a pass reads.
struct Columns {
    text: usize,
    title: Option<usize>,
}

fn main() {
    let (corpus, name) = common::load_corpus();
    let rounds = std::env::var("POPM_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5usize)
        .max(1);
    let columns = columns(&corpus);
    let lexicon = Lexicon::embedded();
    let scanner = Scanner::new(&lexicon).expect("the embedded lexicon compiles");
    let classifier = Classifier::new(lexicon).expect("the embedded lexicon compiles");
    let layout = Layout::new(Format::Csv, &[], false, classifier.lexicon());
    let mb = corpus.len() as f64 / 1e6;
    println!("corpus: {name}, {mb:.1} MB; one thread; median of {rounds} rounds");
    println!();
    println!("| stage | time | MB/s |");
    println!("| --- | --- | --- |");
    for stage in Stage::ALL {
        let mut times: Vec<Duration> = (0..rounds)
            .map(|_| {
                let now = Instant::now();
                black_box(pass(
                    &corpus,
                    &columns,
                    stage,
                    &scanner,
                    &classifier,
                    &layout,
                ));
                now.elapsed()
            })
            .collect();
        times.sort();
        let median = times[times.len() / 2].as_secs_f64();
        println!(
            "| {} | {:.3} s | {:.0} |",
            stage.describe(),
            median,
            mb / median
        );
    }
}

/// The description and title columns of the corpus's header.
fn columns(corpus: &[u8]) -> Columns {
    let mut splitter = RecordSplitter::new(corpus, DELIMITER);
    let mut raw = Vec::new();
    let mut header = csv::ByteRecord::new();
    if !matches!(splitter.next_record(&mut raw), Ok(Some(_))) {
        eprintln!("the corpus has no header row");
        std::process::exit(2);
    }
    split_fields(&raw, DELIMITER, &mut header);
    let names: Vec<String> = header
        .iter()
        .map(|h| fold_header(&String::from_utf8_lossy(h)))
        .collect();
    let find = |wanted: &[&str]| names.iter().position(|n| wanted.contains(&n.as_str()));
    let Some(text) = find(TEXT_COLUMN_NAMES) else {
        eprintln!("the corpus has no description column (looked for {TEXT_COLUMN_NAMES:?})");
        std::process::exit(2);
    };
    Columns {
        text,
        title: find(TITLE_COLUMN_NAMES),
    }
}

/// One pass over every row of `corpus` up to `stage`; returns a sum of what it made.
fn pass(
    corpus: &[u8],
    columns: &Columns,
    stage: Stage,
    scanner: &Scanner,
    classifier: &Classifier,
    layout: &Layout,
) -> usize {
    let mut splitter = RecordSplitter::new(corpus, DELIMITER);
    let mut raw = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut norm = Normalized::default();
    let mut scratch = ScanScratch::default();
    let names = ["description".to_string(), "title".to_string()];
    let mut made = 0;
    let mut is_header = true;
    loop {
        let row = match splitter.next_record(&mut raw) {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(e) => {
                eprintln!("cannot read the corpus: {e}");
                std::process::exit(2);
            }
        };
        made += raw.len();
        if std::mem::take(&mut is_header) || stage == Stage::Records {
            raw.clear();
            continue;
        }
        split_fields(&raw, DELIMITER, &mut record);
        raw.clear();
        if stage == Stage::Fields {
            made += record.len();
            continue;
        }
        let desc = decode_field(record.get(columns.text).unwrap_or_default()).0;
        let title = columns
            .title
            .map(|t| decode_field(record.get(t).unwrap_or_default()).0);
        let texts = std::iter::once(&desc).chain(title.as_ref());
        match stage {
            Stage::Records | Stage::Fields => {}
            Stage::Utf8 => made += desc.len(),
            Stage::Normalize => {
                for text in texts {
                    normalize_into(text, &mut norm);
                    made += norm.text().len();
                }
            }
            Stage::Scan => {
                for text in texts {
                    normalize_into(text, &mut norm);
                    scanner.scan_into(&norm, text, &mut scratch);
                    made += scratch.hits.len();
                }
            }
            Stage::Classify | Stage::Output => {
                let mut posting = Posting::new(&desc);
                if let Some(t) = &title {
                    posting = posting.with_title(t);
                }
                let c = classifier.classify(&posting);
                made += c.score.evidence.len();
                if stage == Stage::Output {
                    let info = RowInfo {
                        file: None,
                        id: "",
                        row,
                        kept: vec![],
                        fields: posting
                            .texts
                            .iter()
                            .chain(&posting.title)
                            .map(|&t| t.into())
                            .collect(),
                        field_names: &names,
                        warnings: vec![],
                    };
                    made += layout.row(&info, Ok(&c), classifier.lexicon()).len();
                }
            }
        }
    }
    made
}
