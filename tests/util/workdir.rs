//! Running the real `popm` binary: a temporary working directory that holds
//! fixture files and runs commands in it, the result of one run, and the paths
//! of the fixtures under `samples/` and `tests/data/`.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use serde_json::Value;

use super::table::{parse_jsonl, parse_table, Table};

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
/// default lexicon costs tens of milliseconds per run in a debug build; tests
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
