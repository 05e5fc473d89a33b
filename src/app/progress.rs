//! A progress bar on stderr for long `classify` runs (indicatif).
//!
//! Shown only when stderr is a terminal, `-q` is not given, and the run has
//! lasted [`SHOW_AFTER`]: short runs and pipes never see it. With input sizes
//! known it shows bytes, throughput and an ETA; from stdin, rows and rate.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before its progress bar appears.
pub const SHOW_AFTER: Duration = Duration::from_secs(2);

/// The progress of one `classify` run over all its inputs.
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    shown: bool,
    /// Bytes of the inputs already finished.
    done_bytes: u64,
}

impl Progress {
    /// A progress bar for inputs of `total` bytes (`None`: unknown), or none when `enabled` is false.
    pub fn new(enabled: bool, total: Option<u64>) -> Progress {
        let enabled = enabled && std::io::stderr().is_terminal();
        let bar = enabled.then(|| {
            let (bar, template) = match total {
                Some(t) => (
                    ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::hidden()),
                    "{spinner} {elapsed_precise} [{wide_bar}] {bytes}/{total_bytes} \
                     {bytes_per_sec} ETA {eta} {msg}",
                ),
                None => (
                    ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()),
                    "{spinner} {elapsed_precise} {bytes} {bytes_per_sec} {msg}",
                ),
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
            shown: false,
            done_bytes: 0,
        }
    }

    /// Updates the bar: `bytes` read of the current input, `rows` written so far.
    pub fn update(&mut self, bytes: u64, rows: usize) {
        let Some(bar) = &self.bar else { return };
        if !self.shown && self.started.elapsed() >= SHOW_AFTER {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
        bar.set_position(self.done_bytes + bytes);
        bar.set_message(format!("{rows} rows"));
    }

    /// Marks the current input finished after `bytes`.
    pub fn finish_input(&mut self, bytes: u64) {
        self.done_bytes += bytes;
    }

    /// Removes the bar from the terminal (before the summary line is printed).
    pub fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
