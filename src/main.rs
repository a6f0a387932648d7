//! The `yjb-return` command line: holds stops until they can be handled, parses the arguments
//! (each command declares its own, in `commands/<verb>.rs`), runs the command, and ends with
//! its exit status.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

mod commands;
mod shell;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use commands::{CommandError, Exit};
use yjb_return::definitions::{Definitions, Source};

/// Validate a youth justice service's case-management export and build its quarterly
/// statutory return to the Youth Justice Board.
///
/// Start with `validate` on your export; fix what it lists; then `build` the return.
/// Nothing is ever sent over a network.
#[derive(Parser)]
// The usage line names the program as the README does, on Windows too, where clap would
// otherwise take the file's name (`yjb-return.exe`).
#[command(name = "yjb-return", bin_name = "yjb-return")]
struct Cli {
    /// Use the definitions (schemas/ and templates/) in this folder instead of the built-in ones.
    #[arg(long, global = true, value_name = "DIR")]
    definitions: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Validate(commands::validate::Args),
    Build(commands::build::Args),
    Check(commands::check::Args),
    Reproduce(commands::reproduce::Args),
    Diff(commands::diff::Args),
    Scorecard(commands::scorecard::Args),
    Explain(commands::explain::Args),
    Rules(commands::rules::Args),
}

fn main() -> ExitCode {
    shell::signals::install(Exit::Interrupted.code());
    // `--version` names the definitions built in with the tool's own version.
    let version = format!(
        "{} (definitions {})",
        env!("CARGO_PKG_VERSION"),
        Definitions::newest(&Source::Embedded).unwrap_or_else(|e| e.to_string())
    );
    let version: &'static str = Box::leak(version.into_boxed_str());
    let matches = Cli::command().version(version).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let mut stdout = std::io::stdout().lock();
    match run(cli, &mut stdout) {
        Ok(exit) => exit.into(),
        Err(e) => {
            let _ = stdout.flush();
            eprintln!("yjb-return: {e}");
            Exit::Failure.into()
        }
    }
}

fn run(cli: Cli, out: &mut dyn Write) -> Result<Exit, CommandError> {
    let definitions = cli.definitions.as_deref();
    match &cli.command {
        Command::Validate(args) => commands::validate::run(args, definitions, out),
        Command::Build(args) => commands::build::run(args, definitions, out),
        Command::Check(args) => commands::check::run(args, definitions, out),
        Command::Reproduce(args) => commands::reproduce::run(args, definitions, out),
        Command::Diff(args) => commands::diff::run(args, definitions, out),
        Command::Scorecard(args) => commands::scorecard::run(args, definitions, out),
        Command::Explain(args) => commands::explain::run(args, definitions, out),
        Command::Rules(args) => commands::rules::run(args, definitions, out),
    }
}
