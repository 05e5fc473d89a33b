//! The glue between the command line and the library: one module per subcommand.

pub mod atomic_file;
pub mod check;
pub mod classify;
pub mod eval;
pub mod interrupt;
pub mod learn;
pub mod lexicon;
pub mod messages;
pub mod progress;
pub mod report;
pub mod settings;
pub mod shell;
pub mod summary;
pub mod sync_ahead;

pub use messages::{is_broken_pipe, print_error, print_warning, use_color};
pub use settings::{classifier, classifier_for, load_lexicon, parse_delimiter, read_options};

/// Exit code: some rows had errors, or a check found problems.
pub const EXIT_ROW_ERRORS: u8 = 1;

/// Exit code: usage or unrecoverable input error.
pub const EXIT_FAILURE: u8 = 2;
