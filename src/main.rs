//! The `yjb-return` command line: parses arguments and hands them to the library.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod commands;
mod shell;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use commands::{CommandError, EXIT_FAILURE};
use yjb_return::date::Timestamp;
use yjb_return::definitions::{Definitions, Source};
use yjb_return::period::Period;

/// Validate a youth justice service's case-management export and build its quarterly
/// statutory return to the Youth Justice Board.
///
/// Start with `validate` on your export; fix what it lists; then `build` the return.
/// Nothing is ever sent over a network.
#[derive(Parser)]
#[command(name = "yjb-return")]
struct Cli {
    /// Use the definitions (schemas/ and templates/) in this folder instead of the built-in ones.
    #[arg(long, global = true, value_name = "DIR")]
    definitions: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check an export against the data dictionary and list every problem to fix.
    ///
    /// Errors must be fixed before `build`; warnings are queries that may be right.
    /// Exit status: 0 no errors, 1 errors found, 2 the file could not be read.
    Validate {
        /// The case-management export (.xlsx).
        export: PathBuf,
        /// The reporting period, e.g. "2024-25 Q2" (also "2024-25Q2", "2024/25 Q2" or "Q2 2024-25").
        #[arg(long, value_parser = parse_period)]
        period: Option<Period>,
        /// The export is for a provisional return: one taken before the period ended is then
        /// allowed (with --period).
        #[arg(long, requires = "period")]
        provisional: bool,
        /// Output on the terminal: readable text, or JSON for other programs.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// Also write an Excel report: every finding linked to its cell, and the export
        /// with the problem cells highlighted.
        #[arg(long, value_name = "FILE.xlsx")]
        report: Option<PathBuf>,
        /// List every finding on the terminal instead of the first few.
        #[arg(long)]
        all: bool,
        /// Explanations for warnings that are right, as CSV (default: the export's name with
        /// `.acknowledgements.csv`, when that file exists).
        #[arg(long, value_name = "FILE.csv")]
        acknowledgements: Option<PathBuf>,
        /// Write a CSV listing the current warnings, to fill in with explanations.
        #[arg(long, value_name = "FILE.csv")]
        acknowledgements_template: Option<PathBuf>,
        /// Write a copy of the export for a bug report: every child, intervention, offence and
        /// victim identifier replaced by a pseudonym (the same one wherever it appears), unknown
        /// columns emptied. Dates, dates of birth included, and codes are kept (the rules need
        /// them), so the copy is pseudonymised, not anonymous: share it only as your
        /// information-sharing rules allow.
        #[arg(long, value_name = "FILE.xlsx")]
        redact: Option<PathBuf>,
        /// Replace the files named by --report, --redact or --acknowledgements-template if
        /// they already exist (never the export itself).
        #[arg(long)]
        force: bool,
    },
    /// Build the quarterly return: validate, count, and write return.xlsx, return.xml,
    /// return.json and manifest.json into a folder.
    ///
    /// Refuses (exit 1) when the export has errors; warnings are listed and do not stop it.
    /// Files appear whole or not at all, and an existing return is never overwritten without
    /// --force.
    #[command(group(clap::ArgGroup::new("target").required(true).args(["out", "archive"])))]
    Build {
        /// The case-management export (.xlsx).
        export: PathBuf,
        /// The reporting period, e.g. "2024-25 Q2".
        #[arg(long, value_parser = parse_period)]
        period: Period,
        /// The folder to write the return into, e.g. returns/2024-25-Q2.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// File the return in an archive: DIR/<year>-Q<n>/ with a copy of the input, so it can
        /// be reproduced later; a resubmission gets its own numbered folder and is compared
        /// with the latest earlier submission; a provisional return goes in
        /// DIR/<year>-Q<n>-provisional/, never counted as a submission.
        #[arg(long, value_name = "DIR")]
        archive: Option<PathBuf>,
        /// Build a provisional return: allowed from an export taken before the period ended
        /// (an early look), and marked "provisional" in every file; it is for internal use, not
        /// for submission, and `check` says it is not fit to send (exit 1).
        #[arg(long)]
        provisional: bool,
        /// Replace the --out folder if it holds a return this tool built (nothing else is ever
        /// replaced).
        #[arg(long, requires = "out")]
        force: bool,
        /// Record this generation time instead of now (UTC, e.g. 2024-10-21T09:30:00Z).
        #[arg(long, value_name = "TIME", value_parser = parse_timestamp)]
        generated_at: Option<Timestamp>,
        /// Explanations for warnings that are right, as CSV (default: the export's name with
        /// `.acknowledgements.csv`, when that file exists).
        #[arg(long, value_name = "FILE.csv")]
        acknowledgements: Option<PathBuf>,
    },
    /// Check a finished return before sending it: structure, identity, consistency of the
    /// figures, and whether any file was edited after it was built.
    ///
    /// Give return.xml, return.xlsx, return.json, or the return's folder to check all three
    /// against each other and against the manifest.json beside them. `yjb-return rules` lists
    /// every check (C-codes).
    ///
    /// Exit status: 0 fit to send; 1 not fit to send (an error, a provisional return, figures
    /// edited after the build); 2 the file could not be read or the command was misused.
    Check {
        /// The return to check: return.xml, return.xlsx or return.json, or the folder `build`
        /// wrote (e.g. returns/2024-25-Q2).
        #[arg(value_name = "RETURN")]
        path: PathBuf,
        /// How to show the result: text to read, or json for other programs
        /// (the findings with their codes, files and places).
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Rebuild a past return from its manifest and prove the outputs byte-for-byte identical,
    /// or show which figures differ and why.
    ///
    /// The input the manifest names must still be readable (an archive keeps its own copy,
    /// input.xlsx); the period, definitions version, generation time and acknowledged queries
    /// are taken from the manifest.
    ///
    /// Exit status: 0 reproduced, 1 not reproduced, 2 could not be attempted.
    Reproduce {
        /// The manifest.json written by build (or the folder holding it).
        manifest: PathBuf,
        /// Also write the rebuilt files into this folder, which must not exist yet, to
        /// inspect them.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// How to show the result: text to read, or json for other programs
        /// (each file's expected and rebuilt SHA-256, the reasons, the figures that differ).
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Compare two returns: every figure that changed, and the percentage points moved.
    ///
    /// Give two return folders, or two return.json / return.xml files. Each figure is shown
    /// with its label from the return workbook.
    ///
    /// Exit status: 0 no figure changed, 1 figures changed, 2 could not read a return.
    Diff {
        /// The earlier return: a folder written by build (its return.json, else its
        /// return.xml), or one of those files.
        #[arg(value_name = "OLD")]
        old: PathBuf,
        /// The later return, given the same way.
        #[arg(value_name = "NEW")]
        new: PathBuf,
        /// How to show the result: text to read, or json for other programs
        /// (identity changes, changed figures and moved percentages, with their labels).
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Draw the board's scorecard from the archive that `build --archive` fills: every
    /// indicator by quarter against local targets, with RAG, directions of travel, trends and
    /// charts, as scorecard.xlsx, scorecard.html and scorecard.json.
    ///
    /// Every return read is checked first. Exit status: 0 written, 1 an input has errors
    /// (listed; nothing is written), 2 unreadable input or misuse.
    Scorecard {
        /// The archive folder (one folder per quarter, as `build --archive` files them).
        archive: PathBuf,
        /// The folder to write the scorecard into, e.g. board/2024-25-Q4.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The last quarter shown (default: the latest quarter in the archive).
        #[arg(long, value_parser = parse_period)]
        to: Option<Period>,
        /// How many quarters to show, ending at --to (2 to 20).
        #[arg(long, value_name = "N", default_value_t = yjb_return::scorecard::DEFAULT_QUARTERS, value_parser = parse_quarters)]
        quarters: u32,
        /// Local targets: indicator,from_period,target,floor,note (and optionally owner).
        #[arg(long, value_name = "FILE.csv")]
        targets: Option<PathBuf>,
        /// Published comparator figures: indicator,comparator,period,value,source.
        #[arg(long, value_name = "FILE.csv")]
        benchmarks: Option<PathBuf>,
        /// The officer's explanations: indicator,period,text.
        #[arg(long, value_name = "FILE.csv")]
        commentary: Option<PathBuf>,
        /// Replace the --out folder if it holds a scorecard this tool made (nothing else is ever
        /// replaced).
        #[arg(long)]
        force: bool,
        /// Record this generation time instead of now (UTC, e.g. 2025-05-01T09:00:00Z).
        #[arg(long, value_name = "TIME", value_parser = parse_timestamp)]
        generated_at: Option<Timestamp>,
        /// Print this marking on every page, e.g. OFFICIAL (40 characters at most).
        #[arg(long, value_name = "TEXT", value_parser = parse_classification)]
        classification: Option<String>,
        /// Write the publication copy: every count from 1 to 4 (and every figure worked out from
        /// one) shown as c, marked on every page.
        #[arg(long)]
        publication: bool,
        /// With --publication: suppress counts from 1 to below N instead of 5 (N at least 2).
        #[arg(long, value_name = "N", requires = "publication", value_parser = parse_suppress_below)]
        suppress_below: Option<u32>,
    },
    Explain(commands::explain::Args),
    /// List every validation rule: its code, severity and what it checks.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    Text,
    Csv,
    Json,
    Markdown,
}

fn parse_timestamp(s: &str) -> Result<Timestamp, String> {
    Timestamp::parse(s)
        .ok_or_else(|| {
        format!("{s:?} is not a UTC time between the years 1900 and 9999; write it like 2024-10-21T09:30:00Z")
    })
}

fn parse_quarters(s: &str) -> Result<u32, String> {
    use yjb_return::scorecard::{MAX_QUARTERS, MIN_QUARTERS};
    s.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (MIN_QUARTERS..=MAX_QUARTERS).contains(n))
        .ok_or_else(|| {
            format!(
                "{s:?} is not a number of quarters from {MIN_QUARTERS} to {MAX_QUARTERS}: a \
                 direction needs two quarters, and five years is as far back as a scorecard looks"
            )
        })
}

fn parse_classification(s: &str) -> Result<String, String> {
    yjb_return::scorecard::paper::classification(s)
}

fn parse_suppress_below(s: &str) -> Result<u32, String> {
    use yjb_return::scorecard::publication::MIN_BELOW;
    s.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (MIN_BELOW..=1000).contains(n))
        .ok_or_else(|| {
            format!(
                "{s:?} is not a threshold from {MIN_BELOW} to 1000: counts from 1 to below it are                  suppressed (the usual is 5)"
            )
        })
}

fn parse_period(s: &str) -> Result<Period, String> {
    s.parse()
        .map_err(|e: yjb_return::period::PeriodError| e.to_string())
}

/// The exit status after an interrupt: 128 + SIGINT, as shells report one.
const EXIT_INTERRUPTED: i32 = 130;

/// A stop (Ctrl-C, SIGTERM, SIGHUP) that comes before the interrupt handler is in place is held,
/// not obeyed: the first code of the program, run by the C library as it starts (before the Rust
/// runtime and `main`), blocks those signals, and `main` unblocks them once the handler is
/// installed, so one that arrived meanwhile is then handled like any other (status 130). What
/// remains is the moment before that first code (the kernel starting the program and the
/// loader linking it): a stop then ends the process by the signal, before it has read or
/// written anything. No program can close that.
#[cfg(target_os = "linux")]
mod held {
    use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask};

    fn stops() -> SigSet {
        let mut set = SigSet::empty();
        for signal in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
            set.add(signal);
        }
        set
    }

    /// Run by the C library before `main`, on the only thread there is: nothing here may
    /// panic or allocate.
    extern "C" fn hold() {
        let _ = pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&stops()), None);
    }

    #[used]
    #[unsafe(link_section = ".init_array")]
    static HOLD: extern "C" fn() = hold;

    /// Lets the stops through to the handler, on this thread (the handler's own thread, spawned
    /// while they were held, keeps them blocked, which is harmless: a signal goes to a thread
    /// that takes it). Also a stop blocked by whoever started the program is let through: the
    /// tool's promise is that a stop is always handled.
    pub fn release() {
        let _ = pthread_sigmask(SigmaskHow::SIG_UNBLOCK, Some(&stops()), None);
    }
}

fn main() -> ExitCode {
    // First of all. Ctrl-C, a closed terminal or a stopped service: remove whatever was being
    // written (an archive's staging folder holds a copy of the child-level export) before going,
    // rather than leave it for the next build to find. If the handler cannot be installed the
    // tool still works; a build killed part-way is then cleaned by the next build of the same
    // target.
    let _ = ctrlc::set_handler(|| {
        crate::shell::atomic::remove_unplaced();
        let lead = if std::io::stderr().is_terminal() {
            "\n"
        } else {
            ""
        };
        eprintln!("{lead}yjb-return: stopped. Nothing half-written was left behind.");
        std::process::exit(EXIT_INTERRUPTED);
    });
    #[cfg(target_os = "linux")]
    held::release();
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
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            let _ = stdout.flush();
            eprintln!("yjb-return: {e}");
            ExitCode::from(EXIT_FAILURE as u8)
        }
    }
}

fn run(cli: Cli, out: &mut dyn Write) -> Result<i32, CommandError> {
    match cli.command {
        Command::Validate {
            export,
            period,
            provisional,
            format,
            report,
            all,
            acknowledgements,
            acknowledgements_template,
            redact,
            force,
        } => {
            let args = commands::validate::Args {
                export,
                period,
                provisional,
                format: match format {
                    OutputFormat::Text => commands::validate::Format::Text,
                    OutputFormat::Json => commands::validate::Format::Json,
                },
                report,
                all,
                definitions: cli.definitions,
                acknowledgements,
                acknowledgements_template,
                redact,
                force,
            };
            commands::validate::run(&args, out)
        }
        Command::Build {
            export,
            period,
            out: dir,
            archive,
            provisional,
            force,
            generated_at,
            acknowledgements,
        } => {
            let target = match (dir, archive) {
                (Some(dir), _) => commands::build::Target::Folder { dir, force },
                (None, Some(root)) => commands::build::Target::Archive(root),
                (None, None) => {
                    return Err(CommandError::Other(
                        "say where the return goes: --out DIR or --archive DIR".into(),
                    ));
                }
            };
            let args = commands::build::Args {
                export,
                period,
                target,
                generated_at,
                definitions: cli.definitions,
                acknowledgements,
                provisional,
            };
            commands::build::run(&args, out)
        }
        Command::Check { path, format } => commands::check::run(
            &commands::check::Args {
                path,
                definitions: cli.definitions,
                json: matches!(format, OutputFormat::Json),
            },
            out,
        ),
        Command::Reproduce {
            manifest,
            out: dir,
            format,
        } => commands::reproduce::run(
            &commands::reproduce::Args {
                manifest,
                definitions: cli.definitions,
                out: dir,
                json: matches!(format, OutputFormat::Json),
            },
            out,
        ),
        Command::Diff { old, new, format } => commands::diff::run(
            &commands::diff::Args {
                old,
                new,
                definitions: cli.definitions,
                json: matches!(format, OutputFormat::Json),
            },
            out,
        ),
        Command::Scorecard {
            archive,
            out: dir,
            to,
            quarters,
            targets,
            benchmarks,
            commentary,
            force,
            generated_at,
            classification,
            publication,
            suppress_below,
        } => commands::scorecard::run(
            &commands::scorecard::Args {
                archive,
                out: dir,
                to,
                quarters,
                targets,
                benchmarks,
                commentary,
                force,
                generated_at,
                definitions: cli.definitions,
                classification,
                publication: publication.then(|| {
                    suppress_below.unwrap_or(yjb_return::scorecard::publication::DEFAULT_BELOW)
                }),
            },
            out,
        ),
        Command::Explain(mut args) => {
            args.definitions = cli.definitions;
            commands::explain::run(&args, out)
        }
        Command::Rules { format } => {
            let defs = commands::definitions(cli.definitions.as_deref(), None)?;
            let format = match format {
                RulesFormat::Text => commands::rules::Format::Text,
                RulesFormat::Csv => commands::rules::Format::Csv,
                RulesFormat::Json => commands::rules::Format::Json,
                RulesFormat::Markdown => commands::rules::Format::Markdown,
            };
            commands::print(out, &commands::rules::render(&defs, format))?;
            Ok(commands::EXIT_OK)
        }
    }
}
