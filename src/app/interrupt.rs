//! Ctrl-C (SIGINT) during a run: no partial output file is left behind.
//!
//! `classify -o FILE` writes to a temporary file beside FILE and renames it on
//! success. On an interrupt the handler removes that temporary file and exits
//! with [`EXIT_INTERRUPTED`], so FILE is either the old file, or absent, or
//! complete; never half-written.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Exit code after an interrupt (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: i32 = 130;

static TEMP_FILE: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Installs the handler.
pub fn install() {
    // If a handler cannot be installed (one exists already), an interrupt
    // kills the process as usual; the temporary file may then remain.
    let _ = ctrlc::set_handler(|| {
        remove_temp_file();
        eprintln!("popm: interrupted; no output was written");
        std::process::exit(EXIT_INTERRUPTED);
    });
}

/// Remembers the temporary output file to remove on an interrupt.
pub fn guard_temp_file(path: &Path) {
    if let Ok(mut slot) = TEMP_FILE.lock() {
        *slot = Some(path.to_path_buf());
    }
}

/// Forgets the temporary file (it was renamed into place, or removed).
pub fn release_temp_file() {
    if let Ok(mut slot) = TEMP_FILE.lock() {
        *slot = None;
    }
}

fn remove_temp_file() {
    if let Ok(mut slot) = TEMP_FILE.lock() {
        if let Some(p) = slot.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}
