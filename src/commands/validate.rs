//! `yjb-return validate`: check an export against the data dictionary.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::{self, Format};
use super::error::{Clash, CommandError};
use super::exit::Exit;
use super::inputs::{self, read_input};
use super::outputs::{self, write_output};
use crate::shell::files::Kind;
use yjb_return::definitions::{Definitions, Severity};
use yjb_return::period::Period;
use yjb_return::report;
use yjb_return::validate::{Cells, Options, Validation, acknowledge, input};

/// Check an export against the data dictionary and list every problem to fix.
///
/// Errors must be fixed before `build`; warnings are queries that may be right.
/// Exit status: 0 no errors, 1 errors found, 2 the file could not be read.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The case-management export (.xlsx).
    pub export: PathBuf,
    /// The reporting period, e.g. "2024-25 Q2" (also "2024-25Q2", "2024/25 Q2" or "Q2 2024-25").
    #[arg(long, value_parser = args::period)]
    pub period: Option<Period>,
    /// The export is for a provisional return: one taken before the period ended is then
    /// allowed (with --period).
    #[arg(long, requires = "period")]
    pub provisional: bool,
    /// Output on the terminal: readable text, or JSON for other programs.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write an Excel report: every finding linked to its cell, and the export
    /// with the problem cells highlighted.
    #[arg(long, value_name = "FILE.xlsx")]
    pub report: Option<PathBuf>,
    /// List every finding on the terminal instead of the first few.
    #[arg(long)]
    pub all: bool,
    /// Explanations for warnings that are right, as CSV (default: the export's name with
    /// `.acknowledgements.csv`, when that file exists).
    #[arg(long, value_name = "FILE.csv")]
    pub acknowledgements: Option<PathBuf>,
    /// Write a CSV listing the current warnings, to fill in with explanations.
    #[arg(long, value_name = "FILE.csv")]
    pub acknowledgements_template: Option<PathBuf>,
    /// Write a copy of the export for a bug report: every child, intervention, offence and
    /// victim identifier replaced by a pseudonym (the same one wherever it appears), unknown
    /// columns emptied. Dates, dates of birth included, and codes are kept (the rules need
    /// them), so the copy is pseudonymised, not anonymous: share it only as your
    /// information-sharing rules allow.
    #[arg(long, value_name = "FILE.xlsx")]
    pub redact: Option<PathBuf>,
    /// Replace the files named by --report, --redact or --acknowledgements-template if
    /// they already exist (never the export itself).
    #[arg(long)]
    pub force: bool,
}

/// Reads and validates the export named in `args`, without printing anything; returns the
/// definitions it was validated against with the result, and the export's bytes (the
/// redacted copy reads them again).
fn load(
    args: &Args,
    definitions: Option<&Path>,
    progress: &yjb_return::progress::Progress,
) -> Result<(Definitions, Validation, Vec<u8>), CommandError> {
    let defs = inputs::definitions(definitions, args.period)?;
    let bytes = read_input(&args.export, Kind::Export)?;
    let sidecar = inputs::sidecar(&args.export, args.acknowledgements.as_deref())?;
    // The report is made from the export's cells, kept in memory; the redacted copy streams
    // the export again instead.
    let cells = if args.report.is_some() {
        Cells::Keep
    } else {
        Cells::Drop
    };
    let v = input::validate_bytes(
        &bytes,
        &defs,
        &Options {
            period: args.period,
            provisional: args.provisional,
            progress: progress.clone(),
            today: Some(inputs::now().date),
        },
        sidecar.as_ref(),
        cells,
    )
    .map_err(|e| CommandError::load(&args.export, e))?;
    inputs::note_if_open_in_excel(&args.export);
    Ok((defs, v, bytes))
}

/// The files `validate` writes, with the option that names each.
fn outputs(args: &Args) -> Vec<(&'static str, &Path)> {
    [
        ("--report", &args.report),
        ("--redact", &args.redact),
        (
            "--acknowledgements-template",
            &args.acknowledgements_template,
        ),
    ]
    .into_iter()
    .filter_map(|(option, path)| Some((option, path.as_deref()?)))
    .collect()
}

/// Where a path leads once its folder is resolved (the file itself need not exist).
fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    match (
        parent.map_or_else(|| std::fs::canonicalize("."), std::fs::canonicalize),
        path.file_name(),
    ) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// Refuses, before any work, an output that would overwrite one of the inputs, another
/// output, or (without `--force`) any existing file.
fn check_outputs(args: &Args) -> Result<(), CommandError> {
    let sidecar = inputs::sidecar_path(&args.export, args.acknowledgements.as_deref());
    let mut inputs = vec![("the export being validated", resolved(&args.export))];
    if let Some(s) = &sidecar {
        inputs.push(("the acknowledgements file being read", resolved(s)));
    }
    let refuse = |path: &Path, option: &'static str, clash: Clash| {
        Err(CommandError::OutputClash {
            path: path.to_path_buf(),
            option,
            clash,
        })
    };
    let mut taken: Vec<(&str, PathBuf)> = Vec::new();
    for (option, path) in outputs(args) {
        let here = resolved(path);
        if let Some((what, _)) = inputs.iter().find(|(_, p)| *p == here) {
            return refuse(path, option, Clash::Input(what));
        }
        if let Some((other, _)) = taken.iter().find(|(_, p)| *p == here) {
            return refuse(path, option, Clash::Output(other));
        }
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_dir() => {
                return refuse(path, option, Clash::Folder);
            }
            Ok(_) if !args.force => {
                return refuse(path, option, Clash::Exists);
            }
            _ => {}
        }
        taken.push((option, here));
    }
    Ok(())
}

pub fn run(
    args: &Args,
    definitions: Option<&Path>,
    out: &mut dyn Write,
) -> Result<Exit, CommandError> {
    check_outputs(args)?;
    let file = args.export.display().to_string();
    let progress = crate::shell::progress::for_terminal(args.format.is_json());
    let (defs, v, bytes) = match load(args, definitions, &progress) {
        Ok(loaded) => loaded,
        Err(CommandError::Unreadable { code, message, .. }) if args.format.is_json() => {
            outputs::print(out, &report::json::unreadable(&file, code, &message))?;
            return Ok(Exit::Failure);
        }
        Err(e) => return Err(e),
    };
    // What was written, one line each: on the terminal after the findings, or on stderr
    // beside JSON (which stays a document for other programs).
    let mut written = String::new();
    if let Some(path) = &args.acknowledgements_template {
        write_output(path, acknowledge::template(&v).as_bytes(), args.force)?;
        written.push_str(&template_written(path, &args.export, &v));
    }
    if let Some(path) = &args.redact {
        progress.stage("Writing the redacted copy");
        let copy = report::redact::render(&v, &defs, &bytes).map_err(|e| match e {
            report::redact::RedactError::Write(e) => outputs::workbook_error(path, e),
            report::redact::RedactError::Read(source) => CommandError::Reread {
                path: args.export.clone(),
                source,
            },
        })?;
        write_output(path, &copy, args.force)?;
        written.push_str(&format!(
            "Redacted copy written to {}: identifiers replaced by pseudonyms, unknown columns \
             emptied; dates (of birth too) and codes are kept, so it is pseudonymised, not \
             anonymous: share it only as your information-sharing rules allow.\n",
            path.display()
        ));
    }
    drop(bytes);
    if let Some(path) = &args.report {
        progress.stage(&format!(
            "Writing the report ({} findings)",
            v.findings.len()
        ));
        let bytes = report::xlsx::render_dated(&v, &file, inputs::now().date)
            .map_err(|e| outputs::workbook_error(path, e))?;
        write_output(path, &bytes, args.force)?;
        written.push_str(&format!("Report written to {}\n", path.display()));
    }
    progress.done();
    let text = match args.format {
        Format::Json => {
            eprint!("{written}");
            report::json::render(&v, &file)
        }
        Format::Text => {
            let mut t = report::terminal::render(
                &v,
                &file,
                (!args.all).then_some(report::terminal::DEFAULT_LIMIT),
            );
            if let Some(note) =
                inputs::sidecar_not_found(&args.export, args.acknowledgements.as_deref(), &v)
            {
                t.push_str(&format!("\n{note}\n"));
            }
            if args.period.is_none() {
                t.push_str(&format!("\n{}\n", period_not_given(&v, &args.export)));
            }
            if !written.is_empty() {
                t.push('\n');
                t.push_str(&written);
            }
            t
        }
    };
    outputs::print(out, &text)?;
    Ok(if v.internal_failures() > 0 {
        Exit::Failure
    } else if v.has_errors() {
        Exit::Findings
    } else {
        Exit::Ok
    })
}

/// Without `--period`, the note that the checks against a period did not run, which they
/// are, and the command that runs them: with the quarter the export most likely covers (the
/// last one ended when it was taken), or an example when its extract date is unknown.
fn period_not_given(v: &Validation, export: &Path) -> String {
    let taken = v
        .sheet("Service")
        .and_then(|s| s.rows.first())
        .and_then(|r| r.date("extract_date"));
    let (period, why) = match taken {
        Some(d) => (
            Period::latest_complete(d),
            format!(
                " (the last quarter that had ended when this export was taken, on {})",
                d.long()
            ),
        ),
        None => (
            "2024-25 Q2".parse().expect("a period"),
            ", naming the quarter the export is for".to_string(),
        ),
    };
    let export = export.display().to_string();
    let export = if export.contains(char::is_whitespace) {
        format!("\"{export}\"")
    } else {
        export
    };
    let codes: Vec<String> = yjb_return::validate::PERIOD_RULES
        .iter()
        .map(ToString::to_string)
        .collect();
    format!(
        "Note: no --period was given, so the checks against the reporting period did not run \
         ({}: that the export was taken after the quarter began and ended, and before the \
         next quarter had ended). To run them: \
         yjb-return validate {export} --period \"{period}\"{why}.",
        yjb_return::text::list(&codes, codes.len()),
    )
}

/// The line saying what the acknowledgements template holds and where it must go to be read.
fn template_written(path: &Path, export: &Path, v: &Validation) -> String {
    let open = v
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    let conventional = acknowledge::sidecar_path(export);
    let place = if resolved(path) == resolved(&conventional) {
        "it is read from there next time".to_string()
    } else {
        format!(
            "then save it as {} beside the export, or give it with --acknowledgements",
            conventional
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        )
    };
    format!(
        "Acknowledgements template written to {}: {open} warning(s), one a line; write why \
         each is right in its explanation column, {place}.\n",
        path.display()
    )
}
