//! The `popm` binary: parses the command line and dispatches to `app`.

mod app;
mod cli;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

fn main() -> ExitCode {
    let mut command = cli::Cli::command();
    let asks_version = std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == "-V" || a == "--version");
    if asks_version {
        // Only then is the embedded lexicon parsed for its identity.
        let lexicon = popm::Lexicon::embedded().identity();
        let text: &'static str = Box::leak(
            format!("{} (lexicon {lexicon})", env!("CARGO_PKG_VERSION")).into_boxed_str(),
        );
        command = command.version(text);
    }
    let cli = match cli::Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let result = match cli.command {
        cli::Command::Classify(args) => app::classify::run(args),
        cli::Command::Check(args) => app::check::run(args),
        cli::Command::Eval(args) => app::eval::run(args),
        cli::Command::Learn(args) => app::learn::run(args),
        cli::Command::Summary(args) => app::summary::run(args),
        cli::Command::Report(args) => app::report::run(args),
        cli::Command::Lexicon(cmd) => app::lexicon::run(cmd),
        cli::Command::Completions(args) => app::shell::completions(args.shell),
        cli::Command::Man => app::shell::man(),
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
