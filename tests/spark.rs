//! The PySpark job `scripts/spark_classify.py` (popm as a map step over shards)
//! writes exactly the rows of one `popm classify` run.
//!
//! Needs pyspark and Java, so it is skipped unless `POPM_TEST_SPARK=1`:
//!
//! ```sh
//! POPM_TEST_SPARK=1 POPM_SPARK_PYTHON=/tmp/peers-venv/bin/python cargo test --test tests spark::
//! ```
//!
//! `POPM_SPARK_PYTHON` is the Python that has pyspark (default `python3`).

use std::path::Path;
use std::process::Command;

use crate::util::{self, generate_postings, root, run_command, to_csv, Workdir, HEADER};

/// True when the Spark tests should run; otherwise prints why they are skipped.
fn spark_enabled(test: &str) -> bool {
    if std::env::var("POPM_TEST_SPARK").as_deref() == Ok("1") {
        return true;
    }
    eprintln!(
        "{test}: skipped (set POPM_TEST_SPARK=1 to run the PySpark job; needs pyspark and Java)"
    );
    false
}

/// Runs `spark_classify.py input output [script_args] -- [popm_args]` in `wd`.
fn spark_job(wd: &Workdir, input: &Path, output: &Path, script_args: &[&str], popm_args: &[&str]) {
    let python = std::env::var("POPM_SPARK_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let script = root().join("scripts").join("spark_classify.py");
    let mut args: Vec<String> = vec![
        script.display().to_string(),
        input.display().to_string(),
        output.display().to_string(),
        "--popm".to_string(),
        env!("CARGO_BIN_EXE_popm").to_string(),
        "--master".to_string(),
        "local[2]".to_string(),
    ];
    args.extend(script_args.iter().map(|s| s.to_string()));
    args.push("--".to_string());
    args.extend(popm_args.iter().map(|s| s.to_string()));
    let mut cmd = Command::new(&python);
    cmd.args(&args).current_dir(wd.path());
    let shown: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = run_command(&mut cmd, &shown, b"");
    assert!(
        run.status.success(),
        "{python} spark_classify.py failed: {run:?}"
    );
}

/// Hand-written postings that stress the shard cuts: quoted fields with line
/// breaks (LF and CR LF) and quotes, commas, an empty description, non-ASCII.
fn fixture_rows() -> Vec<Vec<String>> {
    let rows = [
        (
            "h001",
            "Product Owner, Payments",
            "As Product Owner you own the product backlog,\nwrite user stories with acceptance criteria\nand run the sprint review.",
        ),
        (
            "h002",
            "Senior Product Manager",
            "Own the \"product vision\" and roadmap;\r\nrun market research, pricing and go-to-market.",
        ),
        ("h003", "Data Engineer", ""),
        (
            "h004",
            "Produktmanager (m/w/d)",
            "Du verantwortest die Produktstrategie, Marktanalysen und die Roadmap. Größe, Übermut, café.",
        ),
        (
            "h005",
            "Product Owner / Product Manager",
            "\"\"\"Quoted\"\" start\"\nBacklog refinement, OKRs,\n\n\nand the business case.",
        ),
    ];
    rows.iter()
        .map(|(id, t, d)| vec![id.to_string(), t.to_string(), d.to_string()])
        .collect()
}

/// The corpus: header, the hand-written rows, then generated ones, then the
/// hand-written rows again (so some land in the middle and at the end of shards).
fn corpus() -> Vec<Vec<String>> {
    let (generated, _) = generate_postings(400, 23);
    let mut rows = vec![generated[0].clone()];
    rows.extend(fixture_rows());
    rows.extend_from_slice(&generated[1..]);
    rows.extend(fixture_rows().into_iter().map(|mut r| {
        r[0] = format!("{}-again", r[0]);
        r
    }));
    rows
}

#[test]
fn spark_job_on_a_file_equals_one_run() {
    if !spark_enabled("spark_job_on_a_file_equals_one_run") {
        return;
    }
    let wd = Workdir::new();
    let rows = corpus();
    let input = wd.create("all.csv", to_csv(&rows));

    let one = wd.run(&["classify", "all.csv", "-q", "--keep", "title"]);
    one.expect_code(0);

    let out = wd.file("spark.csv");
    spark_job(&wd, &input, &out, &["--shards", "3"], &["--keep", "title"]);
    let got = wd.read("spark.csv");
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(&one.stdout),
        "the Spark job's rows differ from one popm run"
    );
    let text = String::from_utf8(got).unwrap();
    assert_eq!(
        text.matches(&format!("title,{HEADER}")).count(),
        1,
        "the header appears exactly once"
    );
    let table = util::parse_table(text.as_bytes(), b',');
    assert_eq!(table.rows.len(), rows.len() - 1, "one row per posting");
    assert!(
        !wd.file("spark.csv.part").exists(),
        "no temporary output left"
    );
}

#[test]
fn spark_job_on_a_directory_of_shards_equals_one_run() {
    if !spark_enabled("spark_job_on_a_directory_of_shards_equals_one_run") {
        return;
    }
    let wd = Workdir::new();
    let rows = corpus();
    wd.create("all.csv", to_csv(&rows));
    let one = wd.run(&["classify", "all.csv", "-q"]);
    one.expect_code(0);

    // Shards as an export would give them: consecutive rows, a header each,
    // taken in file-name order.
    let (header, body) = rows.split_first().unwrap();
    for (k, chunk) in body.chunks(body.len().div_ceil(4)).enumerate() {
        let mut shard = vec![header.clone()];
        shard.extend_from_slice(chunk);
        wd.create(&format!("shards/part-{k:05}.csv"), to_csv(&shard));
    }
    let out = wd.file("spark.csv");
    spark_job(&wd, &wd.file("shards"), &out, &[], &[]);
    assert_eq!(
        String::from_utf8_lossy(&wd.read("spark.csv")),
        String::from_utf8_lossy(&one.stdout),
        "the Spark job's rows differ from one popm run"
    );
}
