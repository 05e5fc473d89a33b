//! The library's error type: what went wrong and where (file, line, row, column).
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
    /// A CSV input could not be read.
    Csv {
        /// The input file (or `<stdin>`).
        source: String,
        /// 1-based line in the file where the problem was found, when known.
        line: Option<u64>,
        /// What is wrong and what to do.
        message: String,
    },
    /// An input or output file could not be read or written.
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying I/O error.
        err: std::io::Error,
    },
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

    /// A CSV input error at `source:line`.
    pub(crate) fn csv(source: &str, line: Option<u64>, message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Csv {
                source: source.to_string(),
                line,
                message: message.into(),
            },
        }
    }

    /// An I/O error on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, err: std::io::Error) -> Error {
        Error {
            kind: ErrorKind::Io {
                path: path.into(),
                err,
            },
        }
    }

    /// A usage error: the request itself is inconsistent with the input.
    pub(crate) fn usage(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Usage(message.into()),
        }
    }

    /// An I/O error on the file or stream named `name` (for callers outside the library).
    pub fn from_io(name: &str, err: std::io::Error) -> Error {
        Error::io(name, err)
    }

    /// Whether this error is a broken pipe (the reader of our output went away).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(&self.kind, ErrorKind::Io { err, .. } if err.kind() == std::io::ErrorKind::BrokenPipe)
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
            ErrorKind::Csv {
                source,
                line: Some(line),
                message,
            } => write!(f, "{source}:{line}: {message}"),
            ErrorKind::Csv {
                source, message, ..
            } => write!(f, "{source}: {message}"),
            ErrorKind::Io { path, err } => write!(f, "{}: {err}", path.display()),
            ErrorKind::Usage(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io { err, .. } => Some(err),
            _ => None,
        }
    }
}

/// Shorthand for results of this library.
pub type Result<T> = std::result::Result<T, Error>;
