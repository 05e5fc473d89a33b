//! Everyday command-line extras: shell completions, the man page, `--version`.

use crate::util::{self, Workdir};

#[test]
fn completions_are_generated_for_every_shell() {
    let wd = Workdir::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = wd.run(&["completions", shell]);
        let out = r.expect_code(0).out();
        assert!(out.contains("classify"), "{shell}: {out}");
        assert!(out.contains("min-confidence"), "{shell} completes flags");
    }
    let r = wd.run(&["completions", "tcsh"]);
    r.expect_code(2);
    assert!(r.err().contains("bash"), "lists the shells: {}", r.err());
}

#[test]
fn man_page_is_roff_and_lists_the_subcommands() {
    let wd = Workdir::new();
    let out = wd.run(&["man"]).expect_code(0).out();
    assert!(out.contains(".TH popm 1"), "{out}");
    for sub in ["classify", "check", "eval", "summary", "completions"] {
        assert!(out.contains(sub), "{sub}");
    }
}

#[test]
fn version_names_the_embedded_lexicon() {
    let wd = Workdir::new();
    let out = wd.run(&["--version"]).expect_code(0).out();
    assert!(out.starts_with("popm "), "{out}");
    assert!(out.contains("(lexicon popm-default@"), "{out}");
    let show = wd.run(&["lexicon", "show"]).expect_code(0).out();
    let id = out
        .trim()
        .trim_end_matches(')')
        .rsplit(' ')
        .next()
        .unwrap()
        .to_string();
    assert!(
        show.contains(&id) || show.contains(id.split('#').next().unwrap()),
        "{id}"
    );
}

#[test]
#[cfg(unix)]
fn ctrl_c_leaves_no_partial_output_file() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let wd = Workdir::new();
    wd.create("out.csv", "the previous results\n");
    let mut child = wd
        .command(&[
            "classify",
            "-",
            "-o",
            "out.csv",
            "--lexicon",
            &util::plumb(),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("popm starts");
    // Feed a header and 100 KB of rows (more than any input sniffing reads
    // ahead), then keep stdin open: popm is mid-run.
    let mut stdin = child.stdin.take().expect("stdin");
    let mut input = b"id,description\n".to_vec();
    for i in 0..2000 {
        input.extend_from_slice(
            format!("{i},We need a Product Owner for the backlog and the sprint.\n").as_bytes(),
        );
    }
    stdin.write_all(&input).unwrap();
    stdin.flush().unwrap();
    let start = Instant::now();
    while !wd.listing().iter().any(|f| f.starts_with(".popm-")) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no temporary file appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let out = child.wait_with_output().expect("popm ends");
    drop(stdin);
    assert_eq!(out.status.code(), Some(130), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
    assert_eq!(
        wd.listing(),
        vec!["out.csv".to_string()],
        "no temporary file left"
    );
    assert_eq!(
        wd.read("out.csv"),
        b"the previous results\n",
        "old output untouched"
    );
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let wd = Workdir::new();
    let r = wd.classify(&[&util::sample("postings.csv"), "-o", "out.csv"]);
    r.expect_code(0);
    let err = r.err();
    assert_eq!(err.lines().count(), 1, "only the summary line: {err:?}");
    assert!(err.starts_with("popm: 16 rows"), "{err}");
    assert!(
        !err.contains('\u{1b}') && !err.contains('\r'),
        "no terminal control: {err:?}"
    );
}
