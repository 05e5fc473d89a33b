//! Arbitrary bytes as a JSON array or JSON Lines input: the streaming readers
//! and the nested-path columns must never panic, every record either has one
//! field per column or is an error record with none, and records whose fields
//! are made on the worker (as `classify` reads) equal those made on reading.
//! Fuzzing builds read objects over a few bytes as large objects
//! (`json_large.rs`), so both JSON paths are reached.
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
    let Some(mut source) = open(format, text) else {
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
    // The records as `classify` reads them (fields made on the worker) must
    // be those read with their fields made on the reading thread.
    let deferred = read_all(&mut source, true);
    let Some(mut again) = open(format, text) else {
        return;
    };
    for path in nested.iter().take(4) {
        again.add_nested_column(path);
    }
    assert_eq!(
        deferred,
        read_all(&mut again, false),
        "deferred reading differs"
    );
    let mut last_row = 0;
    for (row, fields, error) in &deferred {
        assert_eq!(*row, last_row + 1, "rows are numbered in order");
        last_row = *row;
        match error {
            Some(reason) => {
                assert!(fields.is_empty());
                assert!(!reason.is_empty());
            }
            None => assert_eq!(fields.len(), width, "one field per column"),
        }
    }
});

/// The input as a source of `format`, if it opens.
fn open(format: InputFormat, text: &[u8]) -> Option<Source> {
    Source::from_reader(
        "fuzz.json",
        Box::new(Cursor::new(text.to_vec())),
        format,
        &ReadOptions::default(),
    )
    .ok()
}

/// Every record as (row, fields, error), up to a reading error (which must name the input).
fn read_all(source: &mut Source, deferred: bool) -> Vec<(u64, Vec<Vec<u8>>, Option<String>)> {
    let mut out = Vec::new();
    let mut batch: Vec<Record> = Vec::new();
    loop {
        let more = if deferred {
            source.read_batch_deferred(&mut batch)
        } else {
            source.read_batch(&mut batch)
        };
        let more = match more {
            Ok(more) => more,
            Err(e) => {
                assert!(e.to_string().starts_with("fuzz.json"), "{e}");
                return out;
            }
        };
        for rec in &mut batch {
            out.push(rec.with_fields(|r| {
                (
                    r.row,
                    r.fields.iter().map(<[u8]>::to_vec).collect(),
                    r.error.clone(),
                )
            }));
        }
        if !more {
            return out;
        }
    }
}
