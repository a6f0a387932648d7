//! The commands behind the command line. Each returns the process exit status, or a
//! [`CommandError`] whose message is a sentence for the person at the keyboard.

pub mod build;
pub mod check;
pub mod diff;
pub mod progress;
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
    #[error("cannot read {path}: {source}{}", in_excel(.path))]
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
            LoadError::Unreadable {
                code,
                message,
                what,
            } => CommandError::Unreadable {
                path: export.to_path_buf(),
                code,
                message: crate::recognise::advice(&what, export, crate::recognise::Wanted::Export)
                    .unwrap_or_else(|| format!("{message}{}", in_excel(export))),
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

/// Refuses, before any work, an `--out` folder that is the current folder or holds it:
/// replacing it would pull the folder from under the terminal (Linux then shows an empty,
/// deleted folder; other systems refuse with "resource busy"). `what` is what would go there,
/// `example` the first part of a folder to suggest instead.
pub fn not_the_current_folder(dir: &Path, what: &str, example: &str) -> Result<(), CommandError> {
    let holds = match (std::fs::canonicalize(dir), std::env::current_dir()) {
        (Ok(dir), Ok(here)) => std::fs::canonicalize(here).is_ok_and(|here| here.starts_with(dir)),
        _ => false,
    };
    if !holds {
        return Ok(());
    }
    Err(CommandError::Other(format!(
        "--out {} is the folder this command runs in (or holds it), which cannot be replaced \
         by {what}: name a new folder inside it, e.g. --out {example}{}2024-25-Q2 (nothing was \
         changed)",
        dir.display(),
        std::path::MAIN_SEPARATOR
    )))
}

/// Says on stderr, never as an error, that an export which was read and validated looks open
/// in Excel (its lock file is beside it): Excel lets others read an open workbook, but what
/// was read is its last saved copy. (A failed read says so in its own sentence.)
pub fn note_if_open_in_excel(path: &Path) {
    if let Some(lock) = crate::files::excel_lock(path) {
        eprintln!(
            "note: {} looks open in Excel ({} is beside it): what was read is its last saved \
             copy; if you changed it, save it and close it in Excel first, then run this again",
            path.display(),
            lock_name(&lock)
        );
    }
}

/// When no acknowledgements file was named and none was found under the export's name, while
/// the export has warnings that could be acknowledged: the line saying which name was looked
/// for (an export renamed after its explanations were written no longer finds them), and any
/// acknowledgements files that are beside it under other names.
pub fn sidecar_not_found(
    export: &Path,
    named: Option<&Path>,
    v: &crate::validate::Validation,
) -> Option<String> {
    use crate::definitions::Severity;
    let open = v
        .findings
        .iter()
        .any(|f| f.severity == Severity::Warning && f.acknowledged.is_none());
    let looked_for = crate::validate::acknowledge::sidecar_path(export);
    if named.is_some() || !open || looked_for.exists() {
        return None;
    }
    let name = |p: &Path| {
        p.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    };
    let folder = looked_for
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut others: Vec<String> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.to_lowercase().ends_with(".acknowledgements.csv"))
        .collect();
    others.sort();
    let beside = if others.is_empty() {
        String::new()
    } else {
        format!(
            " ({} {} there: was the export renamed? rename that file to match, or give it \
             with --acknowledgements)",
            crate::io_words::list(&others, 3),
            if others.len() == 1 { "is" } else { "are" }
        )
    };
    Some(format!(
        "Note: no acknowledgements were read: {} was not found beside the export{beside}.",
        name(&looked_for)
    ))
}

/// The end of a failure's sentence when Excel's lock file is beside the file.
fn in_excel(path: &Path) -> String {
    crate::files::excel_lock(path).map_or_else(String::new, |lock| {
        format!(
            "; it looks open in Excel ({} is beside it): close it in Excel first",
            lock_name(&lock)
        )
    })
}

fn lock_name(lock: &Path) -> String {
    lock.file_name().map_or_else(
        || lock.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Writes the command's text to standard output. A reader that went away early (`| more`
/// closed) is not a failure; anything else is said in words.
pub fn print(out: &mut dyn std::io::Write, text: &str) -> Result<(), CommandError> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if !crate::io_words::reader_gone(&e) => Err(CommandError::Other(format!(
            "cannot write the output: {}",
            crate::io_words::describe(&e)
        ))),
        _ => Ok(()),
    }
}

/// A workbook (the issues report, the redacted copy) that could not be made, in words: the
/// spreadsheet library's wording never reaches the user.
pub fn workbook_error(path: &Path, e: &rust_xlsxwriter::XlsxError) -> CommandError {
    let message = match e {
        rust_xlsxwriter::XlsxError::IoError(e) => crate::io_words::writing(path, e),
        _ => "the spreadsheet library refused to make it, which is a fault in this tool: \
              please report it (with `--redact`'s copy of the export, if it can be made)"
            .to_string(),
    };
    CommandError::Write {
        path: path.to_path_buf(),
        message,
    }
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
        _ => crate::io_words::writing(path, e),
    };
    CommandError::Write {
        path: path.to_path_buf(),
        message: format!("{message}{}", in_excel(path)),
    }
}
