//! popm as a map step over a sharded corpus (Hadoop Streaming, Spark `RDD.pipe`):
//! classifying shards separately and concatenating the outputs (header once)
//! gives exactly the rows of one run over the whole input.

use crate::util::{generate_postings, to_csv, Workdir};

/// Splits `rows` (header first) into `n` shards of consecutive rows, each with the header.
fn shards(rows: &[Vec<String>], n: usize) -> Vec<Vec<Vec<String>>> {
    let (header, body) = rows.split_first().expect("a header");
    let size = body.len().div_ceil(n);
    body.chunks(size)
        .map(|c| {
            let mut shard = vec![header.clone()];
            shard.extend_from_slice(c);
            shard
        })
        .collect()
}

#[test]
fn shard_outputs_concatenated_equal_one_run() {
    let wd = Workdir::new();
    let (rows, _) = generate_postings(900, 7);
    wd.create("all.csv", to_csv(&rows));
    let whole = wd.classify(&["all.csv", "-j", "2"]);
    whole.expect_code(0);
    let whole = whole.stdout.clone();

    for n in [2, 3, 7] {
        let mut joined: Vec<u8> = Vec::new();
        for (k, shard) in shards(&rows, n).iter().enumerate() {
            let name = format!("part-{k:05}.csv");
            wd.create(&name, to_csv(shard));
            // As a streaming mapper: the shard on stdin, results on stdout.
            let r = wd.classify_with_stdin(&["-", "-j", "1"], &to_csv(shard));
            r.expect_code(0);
            let out = &r.stdout;
            if k == 0 {
                joined.extend_from_slice(out);
            } else {
                // Drop the shard's header line.
                let body = out
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(&out[..0], |p| &out[p + 1..]);
                joined.extend_from_slice(body);
            }
        }
        assert_eq!(
            String::from_utf8_lossy(&joined),
            String::from_utf8_lossy(&whole),
            "{n} shards"
        );
    }
}

/// The line-oriented form a distributed engine splits anywhere: JSON Lines in,
/// JSON Lines out (no header to repeat). Every field but the shard-local `row`
/// equals one run's.
#[test]
fn jsonl_line_splits_give_the_same_results_as_one_run() {
    let wd = Workdir::new();
    let (rows, _) = generate_postings(300, 11);
    let (header, body) = rows.split_first().unwrap();
    let lines: Vec<String> = body
        .iter()
        .map(|r| {
            let o: serde_json::Map<String, serde_json::Value> = header
                .iter()
                .cloned()
                .zip(r.iter().map(|v| serde_json::Value::String(v.clone())))
                .collect();
            serde_json::Value::Object(o).to_string()
        })
        .collect();
    let all = lines.join("\n") + "\n";
    let args = ["-", "--input-format", "jsonl", "--format", "jsonl"];
    let whole = wd.classify_with_stdin(&args, all.as_bytes());
    let mut want = whole.expect_code(0).jsonl();
    let mut got = Vec::new();
    for chunk in lines.chunks(41) {
        let part = chunk.join("\n") + "\n";
        got.extend(
            wd.classify_with_stdin(&args, part.as_bytes())
                .expect_code(0)
                .jsonl(),
        );
    }
    for v in want.iter_mut().chain(got.iter_mut()) {
        v.as_object_mut().unwrap().remove("row");
    }
    assert_eq!(got.len(), 300);
    assert_eq!(got, want);
}
