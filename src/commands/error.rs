//! The one error type of the command line: every way a command fails to do its job, each
//! with the sentence the person at the keyboard reads (after `yjb-return: `, exit status 2).

use std::path::{Path, PathBuf};

use yjb_return::definitions::DefinitionsError;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("cannot read {path}: {source}{}", in_excel(.path))]
    ReadInput {
        path: PathBuf,
        source: crate::shell::files::FileError,
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

impl CommandError {
    /// A failure to load an export, naming the file it concerns.
    pub fn load(export: &Path, e: yjb_return::validate::input::LoadError) -> CommandError {
        use yjb_return::validate::input::LoadError;
        match e {
            LoadError::Unreadable {
                code,
                message,
                what,
            } => CommandError::Unreadable {
                path: export.to_path_buf(),
                code,
                message: yjb_return::recognise::advice(
                    &what,
                    export,
                    yjb_return::recognise::Wanted::Export,
                    false,
                )
                .unwrap_or_else(|| format!("{message}{}", in_excel(export))),
            },
            LoadError::Acknowledgements(e) => CommandError::Other(e.to_string()),
        }
    }
}

/// The end of a failure's sentence when Excel's lock file is beside the file.
pub(super) fn in_excel(path: &Path) -> String {
    crate::shell::files::excel_lock(path).map_or_else(String::new, |lock| {
        format!(
            "; it looks open in Excel ({} is beside it): close it in Excel first",
            lock_name(&lock)
        )
    })
}

pub(super) fn lock_name(lock: &Path) -> String {
    lock.file_name().map_or_else(
        || lock.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
