//! Writing a whole output file at once: to a temporary file beside the target,
//! renamed into place only when everything was written (`-` is stdout).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::interrupt;

/// Writes `write`'s bytes to `path` (`-`: stdout); an error or Ctrl-C leaves
/// `path` as it was and no temporary file behind.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        write(&mut out).context("cannot write to stdout")?;
        return out.flush().context("cannot write to stdout");
    }
    let dir: PathBuf = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
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
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o777);
        let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode));
    }
    interrupt::install();
    interrupt::guard_temp_file(tmp.path());
    let mut w = BufWriter::with_capacity(1 << 16, tmp);
    let written = write(&mut w).and_then(|()| w.flush());
    let result = written
        .map_err(anyhow::Error::from)
        .and_then(|()| w.into_inner().map_err(|e| e.into_error().into()))
        .and_then(|tmp| {
            tmp.as_file().sync_all()?;
            tmp.persist(path).map_err(|e| e.error.into())
        })
        .map(|_| ())
        .with_context(|| format!("cannot write {}", path.display()));
    interrupt::release_temp_file();
    result
}
