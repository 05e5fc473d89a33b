//! Arbitrary bytes as a postings file (CSV, JSON Lines, JSON or xlsx, in any
//! encoding): reading, decoding and classifying every field of every record
//! must never panic.
#![no_main]

use std::io::Cursor;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use popm::io::{decode_field, ColumnSel, EncodingChoice, InputFormat, ReadOptions, Record, Source};
use popm::{Classifier, Lexicon, Posting};

fn classifier() -> &'static Classifier {
    static C: OnceLock<Classifier> = OnceLock::new();
    C.get_or_init(|| Classifier::new(Lexicon::embedded()).expect("embedded lexicon compiles"))
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the read options; the rest is the file.
    let Some((&opts_byte, csv)) = data.split_first() else {
        return;
    };
    let opts = ReadOptions {
        has_headers: opts_byte & 1 == 0,
        delimiter: match (opts_byte >> 1) & 7 {
            1 => Some(b','),
            2 => Some(b';'),
            3 => Some(b'\t'),
            4 => Some(b'|'),
            5 => Some(opts_byte), // any byte at all
            _ => None,
        },
        encoding: if opts_byte & 0x40 == 0 {
            EncodingChoice::Auto
        } else {
            EncodingChoice::parse("windows-1252").expect("a known label")
        },
        ..ReadOptions::default()
    };
    // Mostly CSV; sometimes the other formats, from the same bytes.
    let format = match (opts_byte >> 4) & 0x3 {
        0 | 1 => InputFormat::Csv,
        2 => InputFormat::Jsonl,
        _ => match opts_byte >> 7 {
            0 => InputFormat::Json,
            _ => InputFormat::Xlsx,
        },
    };
    let Ok(mut source) = Source::from_reader(
        "fuzz.input",
        Box::new(Cursor::new(csv.to_vec())),
        format,
        &opts,
    ) else {
        return;
    };
    let _ = source.column_list();
    let _ = source.resolve(&ColumnSel::Name("description".into()), "--text-col");
    let _ = source.resolve(&ColumnSel::Index(2), "--text-col");
    let title = source.find_column(popm::io::TITLE_COLUMN_NAMES);
    let classifier = classifier();
    let mut batch: Vec<Record> = Vec::new();
    let mut last_row = 0;
    loop {
        let more = match source.read_batch(&mut batch) {
            Ok(more) => more,
            Err(e) => {
                let _ = e.to_string();
                break;
            }
        };
        for rec in &batch {
            assert_eq!(rec.row, last_row + 1, "rows are numbered in order");
            last_row = rec.row;
            let texts: Vec<_> = rec.fields.iter().map(|f| decode_field(f).0).collect();
            // The texts in column order, the title (when there is one) last, as evidence numbers them.
            let mut order: Vec<usize> = (0..texts.len()).filter(|&i| Some(i) != title).collect();
            let posting = Posting {
                title: title.and_then(|t| texts.get(t)).map(|t| t.as_ref()),
                texts: order.iter().map(|&i| texts[i].as_ref()).collect(),
            };
            order.extend(title.filter(|&t| t < texts.len()));
            let result = classifier.classify(&posting);
            for ev in &result.score.evidence {
                for o in &ev.occurrences {
                    assert!(
                        texts[order[o.field]].get(o.start..o.end).is_some(),
                        "evidence {o:?}"
                    );
                }
            }
        }
        if !more {
            break;
        }
    }
    let _ = source.unbalanced_quote_line();
});
