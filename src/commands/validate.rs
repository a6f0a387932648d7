//! `yjb-return validate`: check an export against the data dictionary.

use std::io::Write;
use std::path::PathBuf;

use super::{CommandError, EXIT_ERRORS, EXIT_FAILURE, EXIT_OK, read_input, write_output};
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
}

/// Reads and validates the export named in `args`, without printing anything.
pub fn load(args: &Args) -> Result<Validation, CommandError> {
    let defs = super::definitions(args.definitions.as_deref(), args.period)?;
    let bytes = read_input(&args.export)?;
    let sidecar = input::sidecar(&args.export, args.acknowledgements.as_deref());
    input::validate_bytes(
        &bytes,
        &defs,
        &Options {
            period: args.period,
            provisional: args.provisional,
        },
        sidecar.as_deref(),
    )
    .map_err(|e| CommandError::load(&args.export, e))
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<i32, CommandError> {
    let file = args.export.display().to_string();
    let v = match load(args) {
        Ok(v) => v,
        Err(CommandError::Unreadable { code, message, .. }) if args.format == Format::Json => {
            out.write_all(report::json::unreadable(&file, code, &message).as_bytes())
                .map_err(io_error)?;
            return Ok(EXIT_FAILURE);
        }
        Err(e) => return Err(e),
    };
    if let Some(path) = &args.acknowledgements_template {
        write_output(path, acknowledge::template(&v).as_bytes())?;
    }
    if let Some(path) = &args.redact {
        let bytes = report::redact::render(&v).map_err(|e| CommandError::Write {
            path: path.clone(),
            message: e.to_string(),
        })?;
        write_output(path, &bytes)?;
    }
    if let Some(path) = &args.report {
        let bytes = report::xlsx::render(&v, &file).map_err(|e| CommandError::Write {
            path: path.clone(),
            message: e.to_string(),
        })?;
        write_output(path, &bytes)?;
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
