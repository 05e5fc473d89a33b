//! The library's error type: what failed (lexicon, input, reading, writing,
//! building, usage) and where (file, line, row, column).
//!
//! Every error names the place in the user's input that caused it and, where
//! there is one, the fix. The binary adds its own context on top with `anyhow`.

use std::fmt;
use std::path::PathBuf;

/// An error from the popm library.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
}

/// What kind of error happened, with the location it refers to.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A lexicon file could not be parsed or holds an invalid entry.
    Lexicon {
        /// The lexicon file (or `<embedded>`).
        source: String,
        /// 1-based line of the offending entry, when known.
        line: Option<usize>,
        /// What is wrong and what to do.
        message: String,
    },
    /// An input (CSV, TSV, JSON Lines, JSON or xlsx) holds something popm cannot read.
    Input {
        /// The input's format as a user names it (`CSV`, `JSON`, `xlsx`).
        format: &'static str,
        /// The input file (or `<stdin>`).
        source: String,
        /// 1-based line (or sheet row) where the problem was found, when known.
        line: Option<u64>,
        /// What is wrong and what to do.
        message: String,
    },
    /// An input file could not be opened or read.
    Read {
        /// The file involved.
        path: PathBuf,
        /// The underlying I/O error.
        err: std::io::Error,
    },
    /// An output file or stream could not be written.
    Write {
        /// The file or stream involved.
        path: PathBuf,
        /// The underlying I/O error.
        err: std::io::Error,
    },
    /// An output could not be produced (an xlsx workbook the writer refused).
    Output(String),
    /// The classifier's machinery could not be built (the automaton, the worker pool).
    Build(String),
    /// The caller asked for something inconsistent (a column that does not exist, ...).
    Usage(String),
}

impl Error {
    /// The kind of this error.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// A lexicon error at `source:line`.
    pub(crate) fn lexicon(source: &str, line: Option<usize>, message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Lexicon {
                source: source.to_string(),
                line,
                message: message.into(),
            },
        }
    }

    /// An error in an input of `format` at `source:line`.
    pub(crate) fn input(
        format: &'static str,
        source: &str,
        line: Option<u64>,
        message: impl Into<String>,
    ) -> Error {
        Error {
            kind: ErrorKind::Input {
                format,
                source: source.to_string(),
                line,
                message: message.into(),
            },
        }
    }

    /// A CSV or TSV input error at `source:line`.
    pub(crate) fn csv(source: &str, line: Option<u64>, message: impl Into<String>) -> Error {
        Error::input("CSV", source, line, message)
    }

    /// An I/O error while reading the input `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, err: std::io::Error) -> Error {
        Error {
            kind: ErrorKind::Read {
                path: path.into(),
                err,
            },
        }
    }

    /// An output that could not be produced, for a reason other than I/O.
    pub(crate) fn output(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Output(message.into()),
        }
    }

    /// The classifier's machinery could not be built.
    pub(crate) fn build(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Build(message.into()),
        }
    }

    /// A usage error: the request itself is inconsistent with the input.
    pub(crate) fn usage(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Usage(message.into()),
        }
    }

    /// An error writing the output file or stream named `name`.
    pub fn write(name: &str, err: std::io::Error) -> Error {
        Error {
            kind: ErrorKind::Write {
                path: name.into(),
                err,
            },
        }
    }

    /// Whether this error is a broken pipe (the reader of our output went away).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(&self.kind, ErrorKind::Read { err, .. } | ErrorKind::Write { err, .. }
            if err.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Lexicon {
                source,
                line: Some(line),
                message,
            } => write!(f, "{source}:{line}: {message}"),
            ErrorKind::Lexicon {
                source, message, ..
            } => write!(f, "{source}: {message}"),
            ErrorKind::Input {
                source,
                line: Some(line),
                message,
                ..
            } => write!(f, "{source}:{line}: {message}"),
            ErrorKind::Input {
                source, message, ..
            } => write!(f, "{source}: {message}"),
            ErrorKind::Read { path, err } => write!(f, "{}: {err}", path.display()),
            ErrorKind::Write { path, err } => write!(f, "cannot write {}: {err}", path.display()),
            ErrorKind::Output(message) | ErrorKind::Build(message) | ErrorKind::Usage(message) => {
                f.write_str(message)
            }
        }
    }
}

/// No error has a source: the message of a read or write error already ends
/// with the system's, which a printer of the whole chain would repeat.
impl std::error::Error for Error {}

/// Shorthand for results of this library.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_io_error_is_told_once_with_its_file() {
        let full = || std::io::Error::from_raw_os_error(28);
        let write = Error::write("out.jsonl", full());
        let read = Error::io("in.csv", full());
        assert_eq!(
            write.to_string(),
            format!("cannot write out.jsonl: {}", full())
        );
        assert_eq!(read.to_string(), format!("in.csv: {}", full()));
        // A printer of the cause chain finds nothing more to add.
        assert!(std::error::Error::source(&write).is_none());
        assert!(std::error::Error::source(&read).is_none());
        assert!(
            matches!(write.kind(), ErrorKind::Write { err, .. } if err.raw_os_error() == Some(28))
        );
    }
}
