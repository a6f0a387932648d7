//! `yjb-return validate`: check an export against the data dictionary.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CommandError, EXIT_ERRORS, EXIT_FAILURE, EXIT_OK, read_input, write_output};
use crate::definitions::Definitions;
use crate::files::Kind;
use crate::period::Period;
use crate::report;
use crate::validate::{Options, Validation, acknowledge, input};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, Default)]
pub struct Args {
    pub export: PathBuf,
    pub period: Option<Period>,
    /// The export is for a provisional return: taken before the period ended is allowed.
    pub provisional: bool,
    pub format: Format,
    pub report: Option<PathBuf>,
    pub all: bool,
    pub definitions: Option<PathBuf>,
    /// The acknowledgements sidecar; by default `<export>.acknowledgements.csv` when present.
    pub acknowledgements: Option<PathBuf>,
    /// Write a sidecar listing the current warnings, to be filled in.
    pub acknowledgements_template: Option<PathBuf>,
    /// Write a copy of the export with identifiers pseudonymised, to share in a bug report.
    pub redact: Option<PathBuf>,
    /// Replace output files (report, redacted copy, template) that already exist.
    pub force: bool,
}

/// Reads and validates the export named in `args`, without printing anything; returns the
/// definitions it was validated against with the result.
pub fn load(args: &Args) -> Result<(Definitions, Validation), CommandError> {
    let defs = super::definitions(args.definitions.as_deref(), args.period)?;
    let bytes = read_input(&args.export, Kind::Export)?;
    let sidecar = input::sidecar(&args.export, args.acknowledgements.as_deref());
    let v = input::validate_bytes(
        &bytes,
        &defs,
        &Options {
            period: args.period,
            provisional: args.provisional,
        },
        sidecar.as_deref(),
    )
    .map_err(|e| CommandError::load(&args.export, e))?;
    Ok((defs, v))
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
    let sidecar = input::sidecar(&args.export, args.acknowledgements.as_deref());
    let mut inputs = vec![("the export being validated", resolved(&args.export))];
    if let Some(s) = &sidecar {
        inputs.push(("the acknowledgements file being read", resolved(s)));
    }
    let refuse = |path: &Path, why: String| {
        Err(CommandError::Other(format!(
            "{}: {why}; nothing was written",
            path.display()
        )))
    };
    let mut taken: Vec<(&str, PathBuf)> = Vec::new();
    for (option, path) in outputs(args) {
        let here = resolved(path);
        if let Some((what, _)) = inputs.iter().find(|(_, p)| *p == here) {
            return refuse(
                path,
                format!("{option} names {what}: choose another file name"),
            );
        }
        if let Some((other, _)) = taken.iter().find(|(_, p)| *p == here) {
            return refuse(path, format!("{option} and {other} name the same file"));
        }
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.is_dir() => {
                return refuse(path, format!("{option} names a folder: give a file name"));
            }
            Ok(_) if !args.force => {
                return refuse(
                    path,
                    format!("{option} names a file that already exists; add --force to replace it"),
                );
            }
            _ => {}
        }
        taken.push((option, here));
    }
    Ok(())
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<i32, CommandError> {
    check_outputs(args)?;
    let file = args.export.display().to_string();
    let (defs, v) = match load(args) {
        Ok(loaded) => loaded,
        Err(CommandError::Unreadable { code, message, .. }) if args.format == Format::Json => {
            out.write_all(report::json::unreadable(&file, code, &message).as_bytes())
                .map_err(io_error)?;
            return Ok(EXIT_FAILURE);
        }
        Err(e) => return Err(e),
    };
    if let Some(path) = &args.acknowledgements_template {
        write_output(path, acknowledge::template(&v).as_bytes(), args.force)?;
    }
    if let Some(path) = &args.redact {
        let bytes = report::redact::render(&v, &defs).map_err(|e| CommandError::Write {
            path: path.clone(),
            message: e.to_string(),
        })?;
        write_output(path, &bytes, args.force)?;
    }
    if let Some(path) = &args.report {
        let bytes = report::xlsx::render(&v, &file).map_err(|e| CommandError::Write {
            path: path.clone(),
            message: e.to_string(),
        })?;
        write_output(path, &bytes, args.force)?;
    }
    let text = match args.format {
        Format::Json => report::json::render(&v, &file),
        Format::Text => {
            let mut t = report::terminal::render(
                &v,
                &file,
                (!args.all).then_some(report::terminal::DEFAULT_LIMIT),
            );
            if let Some(path) = &args.report {
                t.push_str(&format!("\nReport written to {}\n", path.display()));
            }
            t
        }
    };
    out.write_all(text.as_bytes()).map_err(io_error)?;
    Ok(if v.internal_failures() > 0 {
        EXIT_FAILURE
    } else if v.has_errors() {
        EXIT_ERRORS
    } else {
        EXIT_OK
    })
}

fn io_error(e: std::io::Error) -> CommandError {
    CommandError::Other(format!("cannot write the output: {e}"))
}
