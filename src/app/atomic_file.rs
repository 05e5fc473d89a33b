//! Writing an output file at once: to a temporary file beside the target,
//! renamed into place only when everything was written (`-` is stdout; a
//! FIFO or device is written directly).

use std::fs::File;
use std::io::{self, BufWriter, IoSlice, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use popm::io::write_rows;

use super::interrupt;
use super::sync_ahead::SyncAhead;

/// Output destination: stdout, a temporary file renamed into place, or a non-regular file.
pub enum Sink {
    /// Standard output.
    Stdout(BufWriter<io::Stdout>),
    /// A temporary file beside the target, renamed into place by [`Sink::finish`].
    Temp {
        /// The temporary file.
        writer: BufWriter<SyncAhead>,
        /// Where it goes.
        target: PathBuf,
    },
    /// A file that is not a regular file (a FIFO, `/dev/null`), written directly.
    Direct(BufWriter<File>, PathBuf),
}

/// The output file's buffer: writes of a MiB cost the writing thread about
/// two thirds of the time of 64 KiB ones (`cargo bench --bench serial`,
/// JSON Lines out), the kernel's work per call and per page being the rest.
/// Stdout keeps 64 KiB, so that a reader of a pipe sees rows as they come.
pub const FILE_BUFFER_BYTES: usize = 1 << 20;

impl Sink {
    /// Opens the output: `None` or `-` is stdout.
    pub fn open(path: Option<&Path>) -> Result<Sink> {
        let Some(path) = path else {
            return Ok(Sink::Stdout(BufWriter::with_capacity(
                1 << 16,
                io::stdout(),
            )));
        };
        if path.as_os_str() == "-" {
            return Ok(Sink::Stdout(BufWriter::with_capacity(
                1 << 16,
                io::stdout(),
            )));
        }
        let is_special = std::fs::metadata(path).is_ok_and(|m| !m.is_file());
        if is_special {
            let f = File::create(path)
                .with_context(|| format!("cannot open output {}", path.display()))?;
            return Ok(Sink::Direct(
                BufWriter::with_capacity(FILE_BUFFER_BYTES, f),
                path.to_path_buf(),
            ));
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if dir.exists() && !dir.is_dir() {
            anyhow::bail!(
                "cannot write {}: {} is not a directory (it is a file)",
                path.display(),
                dir.display()
            );
        }
        if !dir.is_dir() {
            anyhow::bail!(
                "cannot write {}: the directory {} does not exist; create it first",
                path.display(),
                dir.display()
            );
        }
        let tmp = tempfile::Builder::new()
            .prefix(".popm-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .with_context(|| {
                format!(
                    "cannot create a temporary file in {} for the output",
                    dir.display()
                )
            })?;
        // A temporary file is private (0600); the output gets the target's
        // permissions when it replaces one, else the usual 0644.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o777);
            let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode));
        }
        interrupt::guard_temp_file(tmp.path());
        Ok(Sink::Temp {
            writer: BufWriter::with_capacity(FILE_BUFFER_BYTES, SyncAhead::new(tmp)),
            target: path.to_path_buf(),
        })
    }

    /// The output's name for messages.
    pub fn name(&self) -> String {
        match self {
            Sink::Stdout(_) => "<stdout>".to_string(),
            Sink::Temp { target, .. } | Sink::Direct(_, target) => target.display().to_string(),
        }
    }

    /// Whether the output is a terminal.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Sink::Stdout(_)) && io::stdout().is_terminal()
    }

    /// Where the bytes go.
    pub fn writer(&mut self) -> &mut (dyn Write + Send) {
        match self {
            Sink::Stdout(w) => w,
            Sink::Temp { writer, .. } => writer,
            Sink::Direct(w, _) => w,
        }
    }

    /// Writes finished rows in order: into a file by [`write_rows`], to
    /// stdout through its buffer, so that a reader of a pipe sees rows as they come.
    pub fn write_rows(&mut self, rows: &mut [IoSlice<'_>]) -> io::Result<()> {
        match self {
            Sink::Stdout(w) => rows.iter().try_for_each(|row| w.write_all(row)),
            Sink::Temp { writer, .. } => write_rows(writer, rows),
            Sink::Direct(w, _) => write_rows(w, rows),
        }
    }

    /// Flushes and, for a temporary file, syncs and renames it into place.
    pub fn finish(self) -> Result<()> {
        match self {
            Sink::Stdout(mut w) => w.flush().context("cannot write to stdout")?,
            Sink::Direct(mut w, p) => w
                .flush()
                .with_context(|| format!("cannot write {}", p.display()))?,
            Sink::Temp { writer, target } => {
                let tmp = writer
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("cannot write {}", target.display()))?
                    .into_inner();
                tmp.as_file()
                    .sync_all()
                    .with_context(|| format!("cannot write {}", target.display()))?;
                tmp.persist(&target)
                    .map_err(|e| e.error)
                    .with_context(|| format!("cannot move the output into {}", target.display()))?;
                interrupt::release_temp_file();
            }
        }
        Ok(())
    }
}

/// Writes `write`'s bytes to `path` (`-`: stdout); an error or Ctrl-C leaves
/// `path` as it was and no temporary file behind.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let mut sink = Sink::open(Some(path))?;
    interrupt::install();
    let name = sink.name();
    match write(sink.writer()) {
        Ok(()) => sink.finish(),
        Err(e) => {
            // Dropping the temporary file deletes it.
            drop(sink);
            interrupt::release_temp_file();
            Err(anyhow::Error::from(e).context(format!("cannot write {name}")))
        }
    }
}
