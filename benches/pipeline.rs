//! Criterion benchmarks of the hot pieces: normalize, scan and classify one
//! description of about 1 KB, 5 KB and 50 KB; reading CSV (cutting records on
//! the reading thread, then splitting fields, against the csv crate's reader);
//! and the whole CSV-in, CSV-out pipeline on one thread.
//!
//! The descriptions are the texts of `samples/postings.csv`, joined and cut (on
//! a character boundary) to the size wanted, so the benches read the same kind
//! of text as the tests. `cargo bench --bench pipeline`; `benches/throughput.sh`
//! times the binary against the peers.

use std::hint::black_box;
use std::io::Cursor;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use popm::internals::csv::CsvSource;
use popm::internals::normalize::normalize;
use popm::internals::scan::Scanner;
use popm::io::{decode_field, Format, Layout, ReadOptions, Record, RowInfo};
use popm::{Classifier, Lexicon, Posting};

const SAMPLES: &str = include_str!("../samples/postings.csv");

/// The descriptions of the samples, in file order.
fn sample_descriptions() -> Vec<String> {
    let mut rdr = csv::Reader::from_reader(SAMPLES.as_bytes());
    let col = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "description")
        .unwrap();
    rdr.records().map(|r| r.unwrap()[col].to_string()).collect()
}

/// About `bytes` bytes of description text (the samples repeated, cut on a char boundary).
fn description_of(bytes: usize) -> String {
    let all = sample_descriptions().join("\n\n");
    let mut s = String::with_capacity(bytes + all.len());
    while s.len() < bytes {
        s.push_str(&all);
        s.push_str("\n\n");
    }
    let mut cut = bytes;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    s
}

const SIZES: &[(&str, usize)] = &[("1KB", 1_000), ("5KB", 5_000), ("50KB", 50_000)];

fn stages(c: &mut Criterion) {
    let classifier = Classifier::new(Lexicon::embedded()).unwrap();
    let scanner = Scanner::new(classifier.lexicon()).unwrap();
    for &(name, bytes) in SIZES {
        let text = description_of(bytes);
        let norm = normalize(&text);
        let mut g = c.benchmark_group(format!("one_description/{name}"));
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function("normalize", |b| b.iter(|| normalize(black_box(&text))));
        g.bench_function("scan", |b| {
            b.iter(|| scanner.scan(black_box(&norm), black_box(&text)))
        });
        g.bench_function("classify", |b| {
            b.iter(|| classifier.classify_text(black_box(&text)))
        });
        g.finish();
    }
}

/// A CSV of `rows` postings made of the samples (ids renumbered), as the binary reads it.
fn corpus(rows: usize) -> Vec<u8> {
    let mut rdr = csv::Reader::from_reader(SAMPLES.as_bytes());
    let header = rdr.headers().unwrap().clone();
    let recs: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for i in 0..rows {
        let mut r: Vec<String> = recs[i % recs.len()].iter().map(str::to_string).collect();
        r[0] = format!("p{i}");
        w.write_record(&r).unwrap();
    }
    w.into_inner().unwrap()
}

/// CSV in, CSV with compact evidence out, on this thread: what `classify -j 1` does per row.
fn run_pipeline(classifier: &Classifier, layout: &Layout, csv: &[u8]) -> usize {
    let mut src = CsvSource::from_reader(
        "bench.csv",
        Box::new(Cursor::new(csv.to_vec())),
        &ReadOptions::default(),
    )
    .unwrap();
    let text = src.find_column(popm::io::TEXT_COLUMN_NAMES).unwrap();
    let title = src.find_column(popm::io::TITLE_COLUMN_NAMES);
    let names = ["description".to_string(), "title".to_string()];
    let mut batch: Vec<Record> = Vec::new();
    let mut out = 0;
    loop {
        let more = src.read_batch(&mut batch).unwrap();
        for rec in &batch {
            let desc = decode_field(&rec.fields[text]).0;
            let title_text = title.map(|t| decode_field(&rec.fields[t]).0);
            let mut posting = Posting::new(&desc);
            if let Some(t) = &title_text {
                posting = posting.with_title(t);
            }
            let c = classifier.classify(&posting);
            let info = RowInfo {
                file: None,
                id: std::str::from_utf8(&rec.fields[0]).unwrap(),
                row: rec.row,
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
            out += layout.row(&info, Ok(&c), classifier.lexicon()).len();
        }
        if !more {
            return out;
        }
    }
}

fn end_to_end(c: &mut Criterion) {
    let classifier = Classifier::new(Lexicon::embedded()).unwrap();
    let csv = corpus(500);
    let mut g = c.benchmark_group("end_to_end");
    g.throughput(Throughput::Bytes(csv.len() as u64));
    g.sample_size(20);
    for format in [Format::Csv, Format::Jsonl] {
        let layout = Layout::new(format, &[], false, classifier.lexicon());
        g.bench_with_input(
            BenchmarkId::new("classify_j1", format!("{format:?}")),
            &csv,
            |b, csv| b.iter(|| run_pipeline(&classifier, &layout, csv)),
        );
    }
    g.finish();
}

/// Reads every record of `csv`; `split` also splits the fields (on this thread).
fn read_all(csv: &[u8], split: bool) -> usize {
    let mut src = CsvSource::from_reader(
        "bench.csv",
        Box::new(Cursor::new(csv.to_vec())),
        &ReadOptions::default(),
    )
    .unwrap();
    let mut batch: Vec<Record> = Vec::new();
    let mut fields = 0;
    loop {
        let more = src.read_batch_deferred(&mut batch).unwrap();
        for rec in &mut batch {
            fields += if split {
                rec.with_fields(|r| r.fields.len())
            } else {
                1
            };
        }
        if !more {
            return fields;
        }
    }
}

fn csv_read(c: &mut Criterion) {
    let csv = corpus(2000);
    let mut g = c.benchmark_group("csv_read");
    g.throughput(Throughput::Bytes(csv.len() as u64));
    g.bench_function("cut_records", |b| {
        b.iter(|| read_all(black_box(&csv), false))
    });
    g.bench_function("cut_and_split_fields", |b| {
        b.iter(|| read_all(black_box(&csv), true))
    });
    g.bench_function("csv_crate_byte_records", |b| {
        b.iter(|| {
            let mut r = csv::ReaderBuilder::new()
                .flexible(true)
                // A copy of the input, as `read_all` hands popm's reader one.
                .from_reader(Cursor::new(black_box(&csv).to_vec()));
            let mut rec = csv::ByteRecord::new();
            let mut fields = 0;
            while r.read_byte_record(&mut rec).unwrap() {
                fields += rec.len();
            }
            fields
        })
    });
    g.finish();
}

criterion_group!(benches, stages, csv_read, end_to_end);
criterion_main!(benches);
