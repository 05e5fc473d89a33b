//! The console examples of README.md, run with the real binary and compared
//! with what the README shows: a change that alters an example fails here
//! until the README is updated.
//!
//! What counts as an example, and how it is checked:
//!
//! - A fenced block tagged `console`, or `sh`/`shell`/`bash` when it has a
//!   `$ ` line. A line starting with `$ ` is a command (a trailing `\`
//!   continues it on the next line); the lines up to the next command are its
//!   output, stdout and stderr together as a terminal shows them. Blocks
//!   without `$ ` lines (plain `sh` listings) are not examples.
//! - Each command runs with `sh -c`, with the directory of the popm binary
//!   under test first in `PATH`, so `popm` is this build and pipelines
//!   (`| head`) work. It must exit with status 0.
//! - The commands of one block run in order in one fresh temporary directory
//!   that holds copies of the repository's `samples/` and `lexicon/`: relative
//!   paths read as in the repository root, and a command may write files
//!   (`-o results.csv`) that the next one reads, without touching the checkout.
//! - Output is compared line by line, ignoring trailing whitespace and trailing
//!   blank lines, with two elisions for examples that show part of the output:
//!   - a line that is only `…` (indentation allowed) stands for any number of
//!     output lines, none included;
//!   - a line ending in ` …` (a space, then `…`) stands for one output line
//!     that starts with the text before ` …`.
//!
//!   A line equal to the output line always matches, so a real output line
//!   that happens to end in ` …` needs nothing special.
//! - `<!-- readme-test: skip -->` as the last non-blank line before a block's
//!   opening fence leaves the block out. It is for blocks that cannot run
//!   here: they need `../shared/data`, Spark, or an input file the repository
//!   does not have.
//!
//! Unix only: the commands run with `sh`.
#![cfg(unix)]

use std::ffi::OsString;
use std::fs;
use std::path::Path;
use std::process::Command;

use crate::util::{root, run_command, Workdir};

/// The marker that leaves the next block out.
const SKIP: &str = "<!-- readme-test: skip -->";

/// The elision that stands for any number of lines.
const ELIDED_LINES: &str = "…";

/// The line-end elision: the rest of the line is not shown.
const ELIDED_REST: &str = " …";

/// One `$ ` command of a block and the output the README shows for it.
#[derive(Debug)]
struct Example {
    /// 1-based line of the `$ ` in README.md.
    line: usize,
    /// The command, without the `$ `.
    command: String,
    /// The output lines shown, trailing whitespace and trailing blank lines removed.
    expected: Vec<String>,
}

/// One example block: its commands in order.
#[derive(Debug)]
struct Block {
    /// 1-based line of the opening fence.
    line: usize,
    examples: Vec<Example>,
}

/// The example blocks of a Markdown text, and the number of blocks skipped
/// with the marker.
fn example_blocks(markdown: &str) -> (Vec<Block>, usize) {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut blocks = Vec::new();
    let mut skipped = 0;
    let mut previous = ""; // the last non-blank line outside a block
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_start();
        let Some(info) = line.strip_prefix("```") else {
            if !line.trim().is_empty() {
                previous = line.trim();
            }
            i += 1;
            continue;
        };
        let open = i;
        let tag = info.split_whitespace().next().unwrap_or("");
        let mut body = Vec::new();
        i += 1;
        while i < lines.len() && !lines[i].trim_start().starts_with("```") {
            body.push((i + 1, lines[i]));
            i += 1;
        }
        i += 1; // the closing fence
        let has_prompt = body.iter().any(|(_, l)| l.starts_with("$ "));
        let is_example = match tag {
            "console" => true,
            "sh" | "shell" | "bash" => has_prompt,
            _ => false,
        };
        let skip = previous == SKIP;
        previous = "";
        if !is_example {
            continue;
        }
        if skip {
            skipped += 1;
            continue;
        }
        blocks.push(Block {
            line: open + 1,
            examples: examples(open + 1, &body),
        });
    }
    (blocks, skipped)
}

/// The commands and outputs of one block's body (README line numbers, lines).
fn examples(fence: usize, body: &[(usize, &str)]) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut lines = body.iter();
    while let Some(&(n, line)) = lines.next() {
        if let Some(cmd) = line.strip_prefix("$ ") {
            let mut command = cmd.to_string();
            while command.ends_with('\\') {
                command.pop();
                match lines.next() {
                    Some((_, next)) => {
                        command.push('\n');
                        command.push_str(next);
                    }
                    None => panic!("README.md:{n}: the command continues past the block"),
                }
            }
            out.push(Example {
                line: n,
                command,
                expected: Vec::new(),
            });
        } else {
            let ex = out.last_mut().unwrap_or_else(|| {
                panic!(
                    "README.md:{n}: the block at line {fence} shows output before any `$ ` command"
                )
            });
            ex.expected.push(line.trim_end().to_string());
        }
    }
    for ex in &mut out {
        trim_trailing_blank(&mut ex.expected);
    }
    out
}

fn trim_trailing_blank(lines: &mut Vec<String>) {
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
}

/// True when the output lines `actual` are what `expected` shows, with its elisions.
fn matches(expected: &[String], actual: &[String]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((e, rest)) if e.trim() == ELIDED_LINES => {
            (0..=actual.len()).any(|k| matches(rest, &actual[k..]))
        }
        Some((e, rest)) => match actual.split_first() {
            Some((a, actual_rest)) => line_matches(e, a) && matches(rest, actual_rest),
            None => false,
        },
    }
}

/// One expected line against one output line.
fn line_matches(expected: &str, actual: &str) -> bool {
    expected == actual
        || expected
            .strip_suffix(ELIDED_REST)
            .is_some_and(|prefix| actual.starts_with(prefix))
}

/// Copies the directory `from` (files and subdirectories) to `to`.
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("cannot create {}: {e}", to.display()));
    for entry in
        fs::read_dir(from).unwrap_or_else(|e| panic!("cannot list {}: {e}", from.display()))
    {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("cannot copy {}: {e}", entry.path().display()));
        }
    }
}

/// `PATH` with the directory of the popm binary under test first.
fn path_with_popm() -> OsString {
    let bin = Path::new(env!("CARGO_BIN_EXE_popm"))
        .parent()
        .expect("the binary has a directory")
        .to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&rest)))
        .expect("PATH can be joined")
}

/// Runs the commands of one block; returns a message per example that does
/// not match.
fn run_block(block: &Block, path: &OsString) -> Vec<String> {
    let wd = Workdir::new();
    for dir in ["samples", "lexicon"] {
        copy_dir(&root().join(dir), &wd.file(dir));
    }
    let mut failures = Vec::new();
    for ex in &block.examples {
        let mut cmd = Command::new("sh");
        // One pipe for stdout and stderr: their lines interleave as on a terminal.
        cmd.arg("-c")
            .arg(format!("exec 2>&1\n{}", ex.command))
            .current_dir(wd.path())
            .env("PATH", path)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("RUST_BACKTRACE");
        let run = run_command(&mut cmd, &["sh", "-c", &ex.command], b"");
        let output = String::from_utf8_lossy(&run.stdout);
        let mut actual: Vec<String> = output.lines().map(|l| l.trim_end().to_string()).collect();
        trim_trailing_blank(&mut actual);
        let ok = run.status.success();
        if !ok || !matches(&ex.expected, &actual) {
            let first_diff = ex
                .expected
                .iter()
                .zip(&actual)
                .take_while(|(e, _)| e.trim() != ELIDED_LINES)
                .position(|(e, a)| !line_matches(e, a))
                .map(|k| format!("first differing output line: {}\n", k + 1))
                .unwrap_or_default();
            failures.push(format!(
                "README.md:{line}: $ {command}\n{status}{first_diff}\
                 --- README shows ---\n{exp}\n--- popm prints ---\n{act}\n",
                line = ex.line,
                command = ex.command,
                status = if ok {
                    String::new()
                } else {
                    format!("exit status: {:?} (expected 0)\n", run.status.code())
                },
                exp = ex.expected.join("\n"),
                act = actual.join("\n"),
            ));
        }
    }
    failures
}

#[test]
fn readme_console_examples_match_the_binary() {
    let readme = fs::read_to_string(root().join("README.md")).expect("README.md is readable");
    let (blocks, _skipped) = example_blocks(&readme);
    let commands: usize = blocks.iter().map(|b| b.examples.len()).sum();
    assert!(
        commands > 0,
        "no console examples found in README.md (```console blocks with `$ ` lines)"
    );
    let path = path_with_popm();
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = blocks
            .iter()
            .map(|b| s.spawn(|| run_block(b, &path)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("block runner"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {commands} README example(s) differ from the binary's output; update README.md \
         (or the change):\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn example_blocks_are_found_and_skipped_as_documented() {
    let md = "\
text
```sh
cargo test
```
```console
$ popm one \\
  --flag
out 1

$ popm two
```
<!-- readme-test: skip -->

```console
$ popm skipped
```
```sh
$ popm three
three
```
```toml
$ not = \"an example\"
```
";
    let (blocks, skipped) = example_blocks(md);
    assert_eq!(skipped, 1);
    assert_eq!(blocks.len(), 2, "{blocks:?}");
    let b = &blocks[0];
    assert_eq!(b.line, 5);
    assert_eq!(b.examples.len(), 2);
    assert_eq!(b.examples[0].line, 6);
    assert_eq!(b.examples[0].command, "popm one \n  --flag");
    assert_eq!(b.examples[0].expected, ["out 1"]);
    assert_eq!(b.examples[1].command, "popm two");
    assert!(b.examples[1].expected.is_empty());
    assert_eq!(blocks[1].examples[0].command, "popm three");
    assert_eq!(blocks[1].examples[0].expected, ["three"]);
}

#[test]
fn elisions_match_what_they_say_and_nothing_more() {
    let v = |s: &[&str]| s.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    let out = v(&["a", "b 1; 2; 3", "c", "d"]);
    assert!(matches(&v(&["a", "b 1; 2; 3", "c", "d"]), &out));
    assert!(matches(&v(&["a", "b 1; …", "c", "d"]), &out));
    assert!(matches(&v(&["a", "…"]), &out));
    assert!(matches(&v(&["a", "  …", "d"]), &out));
    assert!(
        matches(&v(&["…", "a", "b 1; 2; 3", "c", "d"]), &out),
        "… may stand for no line"
    );
    assert!(
        !matches(&v(&["a", "b 1; 2; 3", "c"]), &out),
        "a missing line"
    );
    assert!(
        !matches(&v(&["a", "b 1; 2; 3", "c", "d", "e"]), &out),
        "an extra line"
    );
    assert!(
        !matches(&v(&["a", "b 1; 9; …", "c", "d"]), &out),
        "the shown part differs"
    );
    assert!(
        !matches(&v(&["a", "b 1…", "c", "d"]), &out),
        "… glued to text is literal"
    );
    assert!(!matches(&v(&["a", "…", "x"]), &out));
}
