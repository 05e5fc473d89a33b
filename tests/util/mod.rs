//! Shared helpers for the integration tests: a temporary working directory
//! that holds fixture files and runs the real `popm` binary in it.
//!
//! Every test crate includes this module with `mod util;` and uses only part
//! of it, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use serde_json::Value;

/// The header popm writes for CSV/TSV output (without kept or file columns).
pub const HEADER: &str =
    "id,label,confidence,lean,self_role,po_score,pm_score,po_evidence,pm_evidence,error";

/// The root of the crate (where `samples/` and `lexicon/` live).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file under `samples/`, as an absolute path string.
pub fn sample(name: &str) -> String {
    root().join("samples").join(name).display().to_string()
}

/// The absolute path of a fixture under `tests/data/`.
pub fn data_path(name: &str) -> String {
    root()
        .join("tests")
        .join("data")
        .join(name)
        .display()
        .to_string()
}

/// The small test lexicon `tests/data/plumb.toml`. Building the embedded
/// default lexicon costs about half a second per run in a debug build; tests
/// about plumbing (columns, formats, files) pass `--lexicon` with this one.
pub fn plumb() -> String {
    data_path("plumb.toml")
}

/// The bytes of a fixture under `tests/data/`.
pub fn data(name: &str) -> Vec<u8> {
    let p = root().join("tests").join("data").join(name);
    fs::read(&p).unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", p.display()))
}

/// A temporary directory that is removed when dropped; commands run inside it.
pub struct Workdir {
    dir: tempfile::TempDir,
}

impl Default for Workdir {
    fn default() -> Self {
        Self::new()
    }
}

impl Workdir {
    /// A fresh, empty directory.
    pub fn new() -> Workdir {
        let dir = tempfile::Builder::new()
            .prefix("popm-test-")
            .tempdir()
            .expect("cannot create a temporary directory");
        Workdir { dir }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The path of `name` inside the directory.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }

    /// Writes `contents` to `name` (creating parent directories) and returns its path.
    pub fn create(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.file(name);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("cannot create fixture directory");
        }
        fs::write(&p, contents).expect("cannot write fixture");
        p
    }

    /// Copies `tests/data/<name>` into the directory under the same name.
    pub fn copy_data(&self, name: &str) -> PathBuf {
        self.create(name, data(name))
    }

    /// Reads a file of the directory.
    pub fn read(&self, name: &str) -> Vec<u8> {
        fs::read(self.file(name)).unwrap_or_else(|e| panic!("cannot read {name}: {e}"))
    }

    /// The names of the files in the directory, sorted.
    pub fn listing(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.path())
            .expect("cannot list the work directory")
            .map(|e| {
                e.expect("dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    /// A `popm` command with `args`, run in the directory, with colour and
    /// locale influences removed from the environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_popm"));
        cmd.args(args)
            .current_dir(self.path())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("RUST_BACKTRACE");
        cmd
    }

    /// Runs `popm classify args --lexicon plumb.toml` (fast plumbing runs).
    pub fn classify(&self, args: &[&str]) -> Run {
        self.classify_with_stdin(args, b"")
    }

    /// Like [`Workdir::classify`], feeding `stdin`.
    pub fn classify_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Run {
        let lex = plumb();
        let mut all = vec!["classify"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--lexicon", &lex]);
        self.run_with_stdin(&all, stdin)
    }

    /// Runs `popm args` once with an empty stdin.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, b"")
    }

    /// Runs `popm args` once, feeding `stdin`.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Run {
        let mut cmd = self.command(args);
        run_command(&mut cmd, args, stdin)
    }
}

/// Runs a prepared command, feeding `stdin`, and collects everything of that one run.
pub fn run_command(cmd: &mut Command, args: &[&str], stdin: &[u8]) -> Run {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("cannot start popm");
    let mut pipe = child.stdin.take().expect("stdin pipe");
    let input = stdin.to_vec();
    // Write from a thread so a large input cannot deadlock against a full stdout pipe.
    let writer = std::thread::spawn(move || {
        // popm may legitimately stop reading early (usage errors): ignore EPIPE.
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("cannot wait for popm");
    writer.join().expect("stdin writer thread");
    Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        status: out.status,
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

/// The result of one run of the binary.
pub struct Run {
    /// The arguments, for messages.
    pub args: Vec<String>,
    /// Exit status.
    pub status: ExitStatus,
    /// Raw stdout.
    pub stdout: Vec<u8>,
    /// Raw stderr.
    pub stderr: Vec<u8>,
}

impl fmt::Debug for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cut = |b: &[u8]| {
            let s = String::from_utf8_lossy(b);
            if s.len() > 3000 {
                let mut end = 3000;
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                format!("{}… ({} bytes)", &s[..end], b.len())
            } else {
                s.into_owned()
            }
        };
        write!(
            f,
            "\n  popm {:?}\n  status: {:?}\n  --- stdout ---\n{}\n  --- stderr ---\n{}",
            self.args,
            self.status.code(),
            cut(&self.stdout),
            cut(&self.stderr)
        )
    }
}

impl Run {
    /// The exit code (panics if the process was killed by a signal).
    pub fn code(&self) -> i32 {
        self.status
            .code()
            .unwrap_or_else(|| panic!("popm was killed by a signal: {self:?}"))
    }

    /// Asserts the exit code and returns `self` for chaining.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(self.code(), code, "unexpected exit code: {self:?}");
        self
    }

    /// Stdout as UTF-8 (panics otherwise).
    pub fn out(&self) -> String {
        String::from_utf8(self.stdout.clone())
            .unwrap_or_else(|_| panic!("stdout is not UTF-8: {self:?}"))
    }

    /// Stderr as UTF-8 (lossy).
    pub fn err(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// Stdout lines, without line endings.
    pub fn lines(&self) -> Vec<String> {
        self.out().lines().map(str::to_string).collect()
    }

    /// Stdout parsed as CSV (with `delimiter`): header and records.
    pub fn table_with(&self, delimiter: u8) -> Table {
        parse_table(&self.stdout, delimiter)
    }

    /// Stdout parsed as comma-separated CSV.
    pub fn table(&self) -> Table {
        self.table_with(b',')
    }

    /// Stdout parsed as JSON Lines, one value per line.
    pub fn jsonl(&self) -> Vec<Value> {
        parse_jsonl(&self.stdout)
    }

    /// Stdout parsed as one JSON document.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }
}

/// Parses JSON Lines (every line must be a JSON object).
pub fn parse_jsonl(bytes: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(bytes).expect("JSON Lines output is UTF-8");
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "JSON Lines output must end with a newline"
    );
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            let v: Value = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("line {} is not JSON ({e}): {l}", i + 1));
            assert!(v.is_object(), "line {} is not an object: {l}", i + 1);
            v
        })
        .collect()
}

/// A parsed CSV/TSV output: header and rows, addressable by column name.
#[derive(Debug, Clone)]
pub struct Table {
    /// Header names.
    pub header: Vec<String>,
    /// Data rows.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The index of column `name` (panics when absent).
    pub fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name:?} in {:?}", self.header))
    }

    /// The cell of `row` in column `name`.
    pub fn get(&self, row: usize, name: &str) -> &str {
        &self.rows[row][self.col(name)]
    }

    /// Every cell of column `name`, in row order.
    pub fn column(&self, name: &str) -> Vec<&str> {
        let c = self.col(name);
        self.rows.iter().map(|r| r[c].as_str()).collect()
    }

    /// The label of the row whose `id` is `id`.
    pub fn label_of(&self, id: &str) -> &str {
        let (i, c) = (self.col("id"), self.col("label"));
        self.rows
            .iter()
            .find(|r| r[i] == id)
            .map(|r| r[c].as_str())
            .unwrap_or_else(|| panic!("no row with id {id:?}"))
    }
}

/// Parses CSV bytes with a header; every row must have as many fields as the header.
pub fn parse_table(bytes: &[u8], delimiter: u8) -> Table {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let header = rdr
        .headers()
        .expect("output has a header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = rdr
        .records()
        .map(|r| {
            r.expect("output row is well-formed CSV")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    Table { header, rows }
}

/// Writes rows as RFC 4180 CSV (the first row is the header).
pub fn to_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(r).expect("write CSV row");
    }
    w.into_inner().expect("finish CSV")
}

/// A tiny deterministic pseudo-random generator (xorshift64*), so generated
/// fixtures are identical on every run without extra dependencies.
pub struct Rng(u64);

impl Rng {
    /// A generator from a non-zero seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// One element of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The kind of posting a generated row was built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Clearly Product Owner.
    Po,
    /// Clearly Product Manager.
    Pm,
    /// Both.
    Hybrid,
    /// Neither role.
    Neither,
    /// Tricky text: markup, quotes, line breaks, non-ASCII, empty.
    Tricky,
}

fn extra(pool: &[&str], k: usize, rng: &mut Rng) -> String {
    (0..k).map(|_| rng.pick(pool)).collect::<Vec<_>>().join(" ")
}

/// Generates `n` postings (`id,title,description`, header first) from a few
/// templates with varying content; returns the CSV rows and each row's kind.
pub fn generate_postings(n: usize, seed: u64) -> (Vec<Vec<String>>, Vec<Kind>) {
    let mut rng = Rng::new(seed);
    let teams = [
        "Payments",
        "Search",
        "Onboarding",
        "Logistics",
        "Kundenportal",
        "Café Orders",
        "Data Platform",
    ];
    let po_extra = [
        "You write user stories with clear acceptance criteria.",
        "You lead sprint planning and the sprint review.",
        "Keep the definition of done up to date.",
        "Run backlog refinement every week with the dev team.",
        "CSPO or PSPO certification is a plus.",
    ];
    let pm_extra = [
        "You run market research and competitive analysis.",
        "Own pricing and the go-to-market plan with Sales.",
        "Define OKRs and report on revenue growth.",
        "Lead customer discovery interviews to find unmet needs.",
        "Build the business case for new product lines.",
    ];
    let filler = [
        "We offer 30 days of vacation.",
        "Hybrid work, two days in the office.",
        "Salary: €60,000 – €75,000.",
        "We welcome applications from everyone.",
        "Our office is next to the station; lunch is on us on Fridays.",
    ];
    let mut rows = vec![vec![
        "id".to_string(),
        "title".to_string(),
        "description".to_string(),
    ]];
    let mut kinds = Vec::with_capacity(n);
    for i in 0..n {
        let team = rng.pick(&teams);
        let kind = match rng.below(10) {
            0..=2 => Kind::Po,
            3..=5 => Kind::Pm,
            6 => Kind::Hybrid,
            7 => Kind::Neither,
            _ => Kind::Tricky,
        };
        let (title, desc) = match kind {
            Kind::Po => (
                format!("Product Owner, {team}"),
                format!(
                    "As a Product Owner for the {team} team you own the product backlog. {} {}",
                    extra(&po_extra, 1 + rng.below(3), &mut rng),
                    rng.pick(&filler)
                ),
            ),
            Kind::Pm => (
                format!("Product Manager – {team}"),
                format!(
                    "We are hiring a Product Manager to set the product vision for {team}. {} {}",
                    extra(&pm_extra, 1 + rng.below(3), &mut rng),
                    rng.pick(&filler)
                ),
            ),
            Kind::Hybrid => (
                "Product Owner / Product Manager".to_string(),
                format!(
                    "Own the product strategy and roadmap for {team}, and the product backlog too. {} {}",
                    extra(&po_extra, 2, &mut rng),
                    extra(&pm_extra, 2, &mut rng)
                ),
            ),
            Kind::Neither => (
                "Data Engineer".to_string(),
                format!(
                    "Build data pipelines for {team} in Python and SQL. {}",
                    rng.pick(&filler)
                ),
            ),
            Kind::Tricky => {
                let body = match rng.below(6) {
                    0 => format!(
                        "<p>As <strong>Product&nbsp;Owner</strong> for {team} you own the \
                         product&nbsp;backlog &amp; the sprint goal.</p>"
                    ),
                    1 => format!(
                        "## {team}\n\n- **Product strategy** and [our jobs](https://jobs.example/product-manager)\n\
                         - market research, \"pricing\", and GTM"
                    ),
                    2 => format!(
                        "Line one for {team}\r\nYou will work closely with the Product Manager,\r\n\
                         and write user stories; \"quoted\" words, commas, semicolons."
                    ),
                    3 => format!(
                        "Für {team}: Du verantwortest das Product Backlog und schreibst User \
                         Stories mit Akzeptanzkriterien. 🚀 Größe, Übermut, naïve café."
                    ),
                    4 => String::new(),
                    _ => format!("Meeting at 5 PM for the {team} team; bring snacks."),
                };
                ("Misc".to_string(), body)
            }
        };
        rows.push(vec![format!("g{i:05}"), title, desc]);
        kinds.push(kind);
    }
    (rows, kinds)
}

/// Checks that every evidence match of a JSON row (classify JSONL or
/// `check --json`) slices `fields[match.field]` to exactly `match.text`, and
/// that the evidence elements have the documented fields. Returns the number
/// of matches checked.
#[track_caller]
pub fn assert_offsets(row: &Value, field_text: &dyn Fn(&str) -> String) -> usize {
    let evidence = row["evidence"]
        .as_array()
        .unwrap_or_else(|| panic!("evidence is not an array: {row}"));
    let mut n = 0;
    for ev in evidence {
        for key in ["phrase", "role", "category"] {
            assert!(ev[key].is_string(), "evidence {key} not a string: {ev}");
        }
        assert!(
            matches!(ev["role"].as_str(), Some("po" | "pm")),
            "bad role: {ev}"
        );
        assert!(
            ev["weight"].as_f64().is_some_and(|w| w > 0.0),
            "weight: {ev}"
        );
        let count = ev["count"]
            .as_u64()
            .unwrap_or_else(|| panic!("count: {ev}"));
        let matches = ev["matches"]
            .as_array()
            .unwrap_or_else(|| panic!("matches not an array: {ev}"));
        assert_eq!(matches.len() as u64, count, "count != matches: {ev}");
        for m in matches {
            let field = m["field"].as_str().expect("match field");
            let text = field_text(field);
            let start = m["start"].as_u64().expect("start") as usize;
            let end = m["end"].as_u64().expect("end") as usize;
            assert!(start < end, "empty match {m}");
            let slice = text.get(start..end).unwrap_or_else(|| {
                panic!(
                    "offsets {start}..{end} are not a char-boundary slice of {field:?} (len {}): {m}",
                    text.len()
                )
            });
            assert_eq!(Some(slice), m["text"].as_str(), "match text: {m}");
            assert!(
                matches!(
                    m["mark"].as_str(),
                    Some("plain" | "self" | "colleague" | "negated")
                ),
                "mark: {m}"
            );
            let cs = m["char_start"].as_u64().expect("char_start") as usize;
            let ce = m["char_end"].as_u64().expect("char_end") as usize;
            assert_eq!(cs, text[..start].chars().count(), "char_start: {m}");
            assert_eq!(ce, text[..end].chars().count(), "char_end: {m}");
            n += 1;
        }
    }
    n
}
