//! What the tool says on the terminal: errors, warnings, and whether to colour them.

use std::io::IsTerminal;

use crate::cli::ColorArg;

/// Whether to colour output going to stderr/stdout.
pub fn use_color(arg: ColorArg, is_tty: bool) -> bool {
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => is_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// Prints `error: ...` with the whole cause chain to stderr.
pub fn print_error(err: &anyhow::Error) {
    let color = use_color(ColorArg::Auto, std::io::stderr().is_terminal());
    let prefix = if color {
        "\x1b[1;31merror:\x1b[0m"
    } else {
        "error:"
    };
    eprintln!("popm: {prefix} {err:#}");
}

/// Prints a warning to stderr.
pub fn print_warning(msg: &str) {
    let color = use_color(ColorArg::Auto, std::io::stderr().is_terminal());
    let prefix = if color {
        "\x1b[1;33mwarning:\x1b[0m"
    } else {
        "warning:"
    };
    eprintln!("popm: {prefix} {msg}");
}

/// Whether an error chain ends in a broken pipe (our reader went away).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || e.downcast_ref::<popm::Error>()
                .is_some_and(popm::Error::is_broken_pipe)
    })
}
