//! The `popm` binary: parses the command line and dispatches to `app`.

mod app;
mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Classify(args) => app::classify::run(args),
        cli::Command::Check(args) => app::check::run(args),
        cli::Command::Eval(args) => app::eval::run(args),
        cli::Command::Learn(args) => app::learn::run(args),
        cli::Command::Lexicon(cmd) => app::lexicon::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if app::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            app::print_error(&err);
            ExitCode::from(app::EXIT_FAILURE)
        }
    }
}
