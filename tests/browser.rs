//! The HTML report in a real browser: headless Chromium driven by selenium
//! (`tests/browser/report_in_chromium.py`) checks the table, the filter, a
//! sort, the highlights of every sample posting, that injected markup runs
//! nothing, and that a table of 160,000 rows scrolls to its end.
//!
//! Needs Debian's `chromium` and `chromium-driver` and a Python with selenium,
//! so it is skipped unless `POPM_TEST_BROWSER=1` (`.ci/run` sets it):
//!
//! ```sh
//! POPM_TEST_BROWSER=1 POPM_BROWSER_PYTHON=/tmp/popm-venv/bin/python cargo test --test tests browser::
//! ```

use std::process::Command;

use crate::util::{root, run_command, Workdir};

#[test]
fn report_works_in_headless_chromium() {
    if std::env::var("POPM_TEST_BROWSER").as_deref() != Ok("1") {
        eprintln!(
            "browser: skipped (set POPM_TEST_BROWSER=1 to run; needs chromium, \
             chromium-driver and selenium)"
        );
        return;
    }
    let python = std::env::var("POPM_BROWSER_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let wd = Workdir::new();
    let script = root().join("tests/browser/report_in_chromium.py");
    let args = [
        script.display().to_string(),
        env!("CARGO_BIN_EXE_popm").to_string(),
        wd.path().display().to_string(),
    ];
    let mut cmd = Command::new(&python);
    cmd.args(&args);
    let shown: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = run_command(&mut cmd, &shown, b"");
    assert!(
        run.status.success(),
        "{python} report_in_chromium.py failed: {run:?}"
    );
    let out = run.out();
    assert_eq!(out.matches("ok: ").count(), 4, "{out}");
}
