//! The peak memory of one run of the binary, read from `/proc` while it runs.
//!
//! `wait4`'s `ru_maxrss` cannot be used: a child starts as a copy (or, with
//! `vfork`, a borrower) of the test process, and the kernel counts that
//! process's own peak into the child's. `VmHWM` in `/proc/PID/status` belongs
//! to the program the child runs, from its `exec` on; it only grows, so the
//! last value read before the process ends is its peak up to then.

use std::io::{Read, Seek, SeekFrom};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::Run;

/// How often the peak is read.
const POLL: Duration = Duration::from_millis(1);

/// `VmHWM` of process `pid` in KiB, or `None` once it has ended.
fn peak_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `cmd` (stdin empty) and returns the run and its peak resident set
/// size in KiB, as last read from `/proc` before it ended.
pub fn run_measured(cmd: &mut Command, args: &[&str]) -> (Run, u64) {
    let mut out = tempfile::tempfile().expect("temporary file");
    let mut err = tempfile::tempfile().expect("temporary file");
    cmd.stdin(Stdio::null())
        .stdout(out.try_clone().expect("file handle"))
        .stderr(err.try_clone().expect("file handle"));
    let mut child = cmd.spawn().expect("cannot start popm");
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = peak_of(child.id()) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().expect("cannot wait for popm") {
            break status;
        }
        std::thread::sleep(POLL);
    };
    let read = |f: &mut std::fs::File| {
        let mut bytes = Vec::new();
        f.seek(SeekFrom::Start(0)).expect("seek");
        f.read_to_end(&mut bytes).expect("read");
        bytes
    };
    let run = Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        status,
        stdout: read(&mut out),
        stderr: read(&mut err),
    };
    assert!(peak > 0, "no reading of the peak: {run:?}");
    (run, peak)
}
