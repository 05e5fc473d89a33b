//! Arbitrary bytes as a JSON array or JSON Lines input: the streaming readers
//! and the nested-path columns must never panic, and every record either has
//! one field per column or is an error record with none.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use popm::io::{InputFormat, ReadOptions, Record, Source};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the format; the rest is the file.
    let Some((&pick, text)) = data.split_first() else {
        return;
    };
    let format = if pick & 1 == 0 {
        InputFormat::Json
    } else {
        InputFormat::Jsonl
    };
    let Ok(mut source) = Source::from_reader(
        "fuzz.json",
        Box::new(Cursor::new(text.to_vec())),
        format,
        &ReadOptions::default(),
    ) else {
        return;
    };
    // Every path one level down can be added as a column, and is there once added.
    let nested = source.nested_paths().to_vec();
    for path in nested.iter().take(4) {
        if let Some(i) = source.add_nested_column(path) {
            assert_eq!(source.headers()[i], *path);
        }
    }
    assert!(source.add_nested_column("no.such.path.anywhere").is_none());
    let width = source.width();
    assert_eq!(width, source.headers().len());
    let mut batch: Vec<Record> = Vec::new();
    let mut last_row = 0;
    loop {
        let more = match source.read_batch(&mut batch) {
            Ok(more) => more,
            Err(e) => {
                assert!(e.to_string().starts_with("fuzz.json"), "{e}");
                break;
            }
        };
        for rec in &batch {
            assert_eq!(rec.row, last_row + 1, "rows are numbered in order");
            last_row = rec.row;
            match &rec.error {
                Some(reason) => {
                    assert!(rec.fields.is_empty());
                    assert!(!reason.is_empty());
                }
                None => assert_eq!(rec.fields.len(), width, "one field per column"),
            }
        }
        if !more {
            break;
        }
    }
});
