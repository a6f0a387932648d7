//! The commands behind the command line. Each returns the process exit status, or a
//! [`CommandError`] whose message is a sentence for the person at the keyboard.

pub mod build;
pub mod check;
pub mod diff;
pub mod reproduce;
pub mod rules;
pub mod scorecard;
pub mod validate;

use std::path::{Path, PathBuf};

use crate::definitions::{Definitions, DefinitionsError, Source};
use crate::period::Period;

/// Exit status: the command ran and found nothing that blocks.
pub const EXIT_OK: i32 = 0;
/// Exit status: the command ran and found errors.
pub const EXIT_ERRORS: i32 = 1;
/// Exit status: the command could not do its job (unreadable file, misuse).
pub const EXIT_FAILURE: i32 = 2;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("cannot read {path}: {source}")]
    ReadInput {
        path: PathBuf,
        source: crate::files::FileError,
    },
    #[error("{path}: {message} ({code})")]
    Unreadable {
        path: PathBuf,
        code: &'static str,
        message: String,
    },
    #[error("cannot write {path}: {message}")]
    Write { path: PathBuf, message: String },
    #[error(transparent)]
    Definitions(#[from] DefinitionsError),
    #[error("{0}")]
    Other(String),
}

/// Picks the definitions for a period (or the newest), from the binary or a folder.
pub fn definitions(
    folder: Option<&Path>,
    period: Option<Period>,
) -> Result<Definitions, CommandError> {
    let source = folder.map_or(Source::Embedded, |f| Source::Folder(f.to_path_buf()));
    Ok(match period {
        Some(p) => Definitions::for_period(&source, p)?,
        None => Definitions::latest(&source)?,
    })
}

impl CommandError {
    /// A failure to load an export, naming the file it concerns.
    pub fn load(export: &Path, e: crate::validate::input::LoadError) -> CommandError {
        use crate::validate::input::LoadError;
        match e {
            LoadError::Unreadable { code, message } => CommandError::Unreadable {
                path: export.to_path_buf(),
                code,
                message,
            },
            LoadError::Sidecar { path, source } => CommandError::ReadInput { path, source },
            LoadError::Acknowledgements(e) => CommandError::Other(e.to_string()),
        }
    }
}

/// Reads a whole input file of a kind, within that kind's size cap, with an error that
/// names it.
pub fn read_input(path: &Path, kind: crate::files::Kind) -> Result<Vec<u8>, CommandError> {
    crate::files::read(path, kind).map_err(|source| CommandError::ReadInput {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes an output file whole or not at all, replacing an existing one only when `replace`
/// is set, with an error that names it.
pub fn write_output(path: &Path, bytes: &[u8], replace: bool) -> Result<(), CommandError> {
    crate::atomic::write(path, bytes, replace).map_err(|e| write_error(path, &e, Some("--force")))
}

/// A failure to write `path`, in words; `force` names the option that allows replacing, if
/// there is one.
pub fn write_error(path: &Path, e: &std::io::Error, force: Option<&str>) -> CommandError {
    let message = match (e.kind(), force) {
        (std::io::ErrorKind::AlreadyExists, Some(force)) => {
            format!("it already exists, and nothing is overwritten unless you add {force}")
        }
        (std::io::ErrorKind::AlreadyExists, None) => {
            "it already exists: name a new one (nothing was overwritten)".to_string()
        }
        _ => crate::io_words::describe(e),
    };
    CommandError::Write {
        path: path.to_path_buf(),
        message,
    }
}
