//! What stays on one thread in `popm classify`, timed alone: the reading
//! thread (records cut from CSV, fields left for the workers) and the writing
//! thread (finished rows, CSV or JSON Lines, appended in order to the output
//! file). Whatever these sustain on one core bounds `classify` however many
//! workers it has.
//!
//! ```sh
//! cargo bench --bench serial                                      # samples/postings.csv, repeated to 20 MB
//! POPM_CORPUS=/tmp/popm_postings_100mb.csv cargo bench --bench serial   # e.g. scripts/make_corpus.py 100
//! ```
//!
//! The corpus is read from memory (no disk), the rows are made once before
//! the timing (classified on every core) and written to a file in the system's
//! temporary folder, as a user's `-o FILE` is. Each figure is the median of
//! `POPM_ROUNDS` rounds (default 5), in MB of *input* per second, so the
//! reading and writing figures add up as times: the last line is the two
//! threads' work done one after the other on one core.

mod common;

use std::borrow::Cow;
use std::fs::File;
use std::hint::black_box;
use std::io::{BufWriter, IoSlice, Write};
use std::time::{Duration, Instant};

use popm::internals::csv_split::RecordSplitter;
use popm::io::{
    write_rows, ColumnChoice, ColumnPlan, Format, InputFormat, Layout, ReadOptions, Record,
    RowInfo, Source,
};
use popm::{Classifier, Label, Lexicon};
use rayon::prelude::*;

/// The blocks of input whose rows the writer gets at a time: a batch of
/// `classify -j 16` (one block per worker), as on the machines it bounds.
const WRITE_BLOCKS: usize = 16;

/// Blocks taken at a time and their size, as `classify` takes them on two threads.
const BLOCKS_PER_CALL: usize = 2;
const BLOCK_BYTES: usize = 128 * 1024;

fn main() {
    let (corpus, name) = common::load_corpus();
    // Read by `Box<dyn Read + 'static>` sources, as a file would be.
    let corpus: &'static [u8] = Vec::leak(corpus);
    let rounds: usize = std::env::var("POPM_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let mb = corpus.len() as f64 / 1e6;
    let records = read_all(corpus);
    let lexicon = Lexicon::embedded();
    let classifier = Classifier::new(lexicon.clone()).unwrap_or_else(|e| fail(&e.to_string()));
    let csv_rows = make_rows(corpus, &records, &classifier, Format::Csv);
    let jsonl_rows = make_rows(corpus, &records, &classifier, Format::Jsonl);
    let out_bytes =
        |rows: &[(Option<Label>, Vec<u8>)]| rows.iter().map(|r| r.1.len()).sum::<usize>();
    println!(
        "corpus: {name}, {mb:.1} MB, {} rows (CSV out {:.1} MB, JSON Lines out {:.1} MB); one thread; median of {rounds} rounds",
        records.len(),
        out_bytes(&csv_rows) as f64 / 1e6,
        out_bytes(&jsonl_rows) as f64 / 1e6,
    );
    println!();
    println!("| thread | time | MB/s of input |");
    println!("| --- | --- | --- |");
    let blocks = median(rounds, || {
        black_box(take_blocks(corpus));
    });
    let read = median(rounds, || {
        black_box(read_through(corpus));
    });
    // The same postings as JSON Lines input: its reading thread hands the
    // lines out unparsed (the workers parse them); parsing them there too is
    // what it did before, for comparison.
    let jsonl: &'static [u8] = Vec::leak(as_json_lines(corpus));
    let jsonl_mb = jsonl.len() as f64 / 1e6;
    let jsonl_lines = median(rounds, || {
        black_box(read_lines(jsonl, true));
    });
    let jsonl_parsed = median(rounds, || {
        black_box(read_lines(jsonl, false));
    });
    let batch_rows = (records.len() * WRITE_BLOCKS * BLOCK_BYTES / corpus.len()).max(1);
    let write_csv = median(rounds, || append_rows(&csv_rows, batch_rows));
    let write_jsonl = median(rounds, || append_rows(&jsonl_rows, batch_rows));
    let line = |what: &str, t: Duration| {
        println!(
            "| {what} | {:.1} ms | {:.0} |",
            t.as_secs_f64() * 1e3,
            mb / t.as_secs_f64()
        );
    };
    line(
        "reading thread: blocks of whole records taken from the input",
        blocks,
    );
    line(
        &format!(
            "reading, blocks cut into records on {} threads",
            rayon::current_num_threads()
        ),
        read,
    );
    line("writing: CSV rows appended to the output file", write_csv);
    line(
        "writing: JSON Lines rows appended to the output file",
        write_jsonl,
    );
    line(
        "reading thread + writing thread, CSV out",
        blocks + write_csv,
    );
    line(
        "reading thread + writing thread, JSON Lines out",
        blocks + write_jsonl,
    );
    let jsonl_line = |what: &str, t: Duration| {
        println!(
            "| {what} ({jsonl_mb:.1} MB of JSON Lines) | {:.1} ms | {:.0} |",
            t.as_secs_f64() * 1e3,
            jsonl_mb / t.as_secs_f64()
        );
    };
    jsonl_line(
        "reading thread, JSON Lines in: lines handed out unparsed",
        jsonl_lines,
    );
    jsonl_line(
        "reading, JSON Lines parsed on the reading thread (for comparison)",
        jsonl_parsed,
    );
}

/// The corpus's postings as JSON Lines, one object per record, keys from the header.
fn as_json_lines(corpus: &'static [u8]) -> Vec<u8> {
    let mut src = source(corpus);
    let names: Vec<String> = src.header().names().to_vec();
    let mut out = Vec::new();
    let mut batch = Vec::new();
    loop {
        let more = src
            .read_batch(&mut batch)
            .unwrap_or_else(|e| fail(&e.to_string()));
        for rec in &batch {
            let obj: serde_json::Map<String, serde_json::Value> = names
                .iter()
                .zip(rec.fields.iter())
                .map(|(k, v)| (k.clone(), String::from_utf8_lossy(v).into_owned().into()))
                .collect();
            serde_json::to_writer(&mut out, &obj).unwrap_or_else(|e| fail(&e.to_string()));
            out.push(b'\n');
        }
        if !more {
            return out;
        }
    }
}

/// Reads every line of a JSON Lines input as `classify`'s reading thread
/// does (`deferred`), or parsing each there; returns how many there were.
fn read_lines(jsonl: &'static [u8], deferred: bool) -> usize {
    let src = Source::from_reader(
        "corpus.jsonl",
        Box::new(jsonl),
        InputFormat::Jsonl,
        &ReadOptions::default(),
    )
    .unwrap_or_else(|e| fail(&e.to_string()));
    count_records(src, deferred)
}

/// Reads every record of `src` in two batches in turn, their records reused,
/// with the fields deferred (as `classify`'s reading thread does) or made
/// there; returns how many there were.
fn count_records(mut src: Source, deferred: bool) -> usize {
    let mut batches = [Vec::new(), Vec::new()];
    let mut n = 0;
    for turn in 0.. {
        let batch = &mut batches[turn % 2];
        let more = if deferred {
            src.read_batch_deferred(batch)
        } else {
            src.read_batch(batch)
        }
        .unwrap_or_else(|e| fail(&e.to_string()));
        n += batch.len();
        if !more {
            break;
        }
    }
    n
}

/// The corpus as a CSV source, read from memory.
fn source(corpus: &'static [u8]) -> Source {
    Source::from_reader(
        "corpus",
        Box::new(corpus),
        InputFormat::Csv,
        &ReadOptions::default(),
    )
    .unwrap_or_else(|e| fail(&e.to_string()))
}

/// Reads every record the way `classify`'s reading thread does (two batches
/// in turn, their records reused); returns how many there were.
fn read_through(corpus: &'static [u8]) -> usize {
    count_records(source(corpus), true)
}

/// What the reading thread alone does with CSV: the input taken in blocks
/// that end at a record's end (their records are cut on the workers); returns
/// the number of blocks.
fn take_blocks(corpus: &'static [u8]) -> usize {
    let mut splitter = RecordSplitter::new(corpus, b',');
    let mut n = 0;
    loop {
        let blocks = splitter
            .next_blocks(BLOCKS_PER_CALL, BLOCK_BYTES)
            .unwrap_or_else(|e| fail(&e.to_string()));
        n += blocks.len();
        let more = blocks.len() == BLOCKS_PER_CALL;
        // As `classify` does once the workers have cut the blocks into records.
        for block in blocks {
            splitter.recycle(block.into_buffer(), BLOCK_BYTES, BLOCKS_PER_CALL);
        }
        if !more {
            return n;
        }
    }
}

/// Every record of the corpus, kept.
fn read_all(corpus: &'static [u8]) -> Vec<Record> {
    let mut src = source(corpus);
    let mut all = Vec::new();
    let mut batch = Vec::new();
    loop {
        let more = src
            .read_batch_deferred(&mut batch)
            .unwrap_or_else(|e| fail(&e.to_string()));
        all.append(&mut batch);
        if !more {
            return all;
        }
    }
}

/// Each record's output row in `format`, with its label, made on every core.
fn make_rows(
    corpus: &'static [u8],
    records: &[Record],
    classifier: &Classifier,
    format: Format,
) -> Vec<(Option<Label>, Vec<u8>)> {
    let mut src = source(corpus);
    let plan = ColumnPlan::resolve(&mut src, &ColumnChoice::default())
        .unwrap_or_else(|e| fail(&e.to_string()));
    let names = plan.field_names();
    let layout = Layout::new(format, &[], false, classifier.lexicon());
    records
        .par_iter()
        .map(|rec| {
            let mut rec = rec.clone();
            rec.with_fields(|rec| {
                let texts = plan.texts(rec, "corpus");
                let c = classifier.classify(&texts.posting());
                let id = rec.row.to_string();
                let info = RowInfo {
                    file: None,
                    id: &id,
                    row: rec.row,
                    kept: Vec::new(),
                    fields: texts
                        .fields
                        .iter()
                        .map(|f| Cow::Borrowed(f.as_ref()))
                        .collect(),
                    field_names: &names,
                    warnings: Vec::new(),
                };
                let row = layout.row(&info, Ok(&c), classifier.lexicon());
                (Some(c.verdict.label), row)
            })
        })
        .collect()
}

/// What the writing thread does with finished rows: count each row's label
/// and append its bytes, a batch at a time, to a buffered output file.
fn append_rows(rows: &[(Option<Label>, Vec<u8>)], batch_rows: usize) {
    let path = std::env::temp_dir().join(format!("popm-serial-bench-{}.out", std::process::id()));
    let file = File::create(&path).unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
    // As the writing thread's output file (`FILE_BUFFER_BYTES` in src/app/atomic_file.rs).
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut counts = [0usize; Label::ALL.len() + 1];
    for batch in rows.chunks(batch_rows) {
        let mut slices: Vec<IoSlice<'_>> = batch
            .iter()
            .map(|(label, bytes)| {
                counts[label.map_or(Label::ALL.len(), |l| l as usize)] += 1;
                IoSlice::new(bytes)
            })
            .collect();
        write_rows(&mut out, &mut slices)
            .unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
    }
    out.flush()
        .unwrap_or_else(|e| fail(&format!("{}: {e}", path.display())));
    black_box(counts);
    let _ = std::fs::remove_file(&path);
}

/// The median time of `rounds` runs of `f`.
fn median(rounds: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..rounds.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn fail(message: &str) -> ! {
    eprintln!("serial bench: {message}");
    std::process::exit(2);
}
