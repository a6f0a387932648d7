//! The commands behind the command line. Each returns the process exit status, or a
//! [`CommandError`] whose message is a sentence for the person at the keyboard.

pub mod build;
pub mod check;
pub mod diff;
pub mod explain;
pub mod reproduce;
pub mod rules;
pub mod scorecard;
pub mod validate;

use std::path::{Path, PathBuf};

use yjb_return::definitions::{Definitions, DefinitionsError, Source};
use yjb_return::period::Period;

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

/// Picks the definitions for a period (or the newest), from the binary or a folder.
pub fn definitions(
    folder: Option<&Path>,
    period: Option<Period>,
) -> Result<Definitions, CommandError> {
    let source = source(folder)?;
    Ok(match period {
        Some(p) => Definitions::for_period(&source, p)?,
        None => Definitions::latest(&source)?,
    })
}

/// Where the definitions come from: the binary's own, or the files of a folder given with
/// `--definitions`, read whole (`schemas/` and `templates/` only).
pub fn source(folder: Option<&Path>) -> Result<Source, DefinitionsError> {
    let Some(dir) = folder else {
        return Ok(Source::Embedded);
    };
    let shown = dir.display().to_string();
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(DefinitionsError::Folder(
                shown,
                "it is a file, not a folder".to_string(),
            ));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(DefinitionsError::NoFolder(shown));
        }
        Err(e) => {
            return Err(DefinitionsError::Folder(
                shown,
                crate::shell::words::describe(&e),
            ));
        }
    }
    let mut files = std::collections::BTreeMap::new();
    for top in ["schemas", "templates"] {
        read_tree(dir, &dir.join(top), &mut files).map_err(|e| {
            DefinitionsError::Folder(shown.clone(), crate::shell::words::describe(&e))
        })?;
    }
    Ok(Source::Files {
        folder: shown,
        files: std::sync::Arc::new(files),
    })
}

/// Every file under `dir`, by its path from `root` with `/` between the parts.
fn read_tree(
    root: &Path,
    dir: &Path,
    files: &mut std::collections::BTreeMap<String, Vec<u8>>,
) -> std::io::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            read_tree(root, &path, files)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            files.insert(rel, std::fs::read(&path)?);
        }
    }
    Ok(())
}

/// The acknowledgements sidecar in use: the one named, or the conventional one beside the
/// export when it exists.
pub fn sidecar_path(export: &Path, named: Option<&Path>) -> Option<PathBuf> {
    match named {
        Some(path) => Some(path.to_path_buf()),
        None => {
            Some(yjb_return::validate::acknowledge::sidecar_path(export)).filter(|p| p.exists())
        }
    }
}

/// The acknowledgements sidecar in use, read (within the CSV cap).
pub fn sidecar(
    export: &Path,
    named: Option<&Path>,
) -> Result<Option<yjb_return::validate::input::Sidecar>, CommandError> {
    let Some(path) = sidecar_path(export, named) else {
        return Ok(None);
    };
    let bytes = read_input(&path, crate::shell::files::Kind::Csv)?;
    Ok(Some(yjb_return::validate::input::Sidecar {
        name: path.display().to_string(),
        bytes,
    }))
}

/// The time now, from the system clock: the one place the tool asks it.
pub fn now() -> yjb_return::date::Timestamp {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    yjb_return::date::Timestamp::from_unix_seconds(secs)
}

/// Reads one return file from disk as `check` reads it (a file that cannot be read as a
/// return is a finding).
pub fn document(
    path: &Path,
) -> Result<yjb_return::audit::check::Document, Box<yjb_return::validate::Finding>> {
    let folder = path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    yjb_return::audit::load_document(&crate::shell::files::Disk::new(folder), &name)
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

/// Reads a whole input file of a kind, within that kind's size cap, with an error that
/// names it.
pub fn read_input(path: &Path, kind: crate::shell::files::Kind) -> Result<Vec<u8>, CommandError> {
    crate::shell::files::read(path, kind).map_err(|source| CommandError::ReadInput {
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

/// Refuses an `--out` that is a link (to a folder or anything else): a new output needs a new
/// folder, and `--force` never replaces anything through a link, which would delete files in
/// the folder it leads to. `what` is what would go there.
pub fn out_is_a_link(dir: &Path, what: &str) -> CommandError {
    let to = std::fs::read_link(dir)
        .map(|t| format!(" to {}", t.display()))
        .unwrap_or_default();
    CommandError::Other(format!(
        "--out {} is a link{to}, not a folder: {what} is written into a new folder, and --force \
         never replaces anything through a link; name a new folder, or the folder itself \
         (nothing was changed)",
        dir.display()
    ))
}

/// Refuses an existing `--out` folder that is, or holds, a file or folder the command reads:
/// replacing it would delete the input it has just read (and the manifest would name a file
/// that is gone). `inputs` are (what it is, where). Paths are compared as the system resolves
/// them (links, `..`, and on Windows the case of each name), and folders by identity where the
/// system offers one (device and inode on Unix), so no spelling of a path escapes the check. A
/// hard link to an input inside the folder is not refused: deleting one name of a file leaves it
/// whole at its others, where the command reads it.
pub fn not_holding_inputs(
    dir: &Path,
    inputs: &[(&str, &Path)],
    what: &str,
) -> Result<(), CommandError> {
    let Ok(folder) = std::fs::canonicalize(dir) else {
        return Ok(());
    };
    for (name, input) in inputs {
        let Ok(input) = std::fs::canonicalize(input) else {
            continue;
        };
        let holds = if same_folder(&input, &folder) {
            "it is"
        } else if input.ancestors().skip(1).any(|a| same_folder(a, &folder)) {
            "it holds"
        } else {
            continue;
        };
        return Err(CommandError::Other(format!(
            "cannot replace {}: {holds} {name}, {}, and replacing the folder would delete it; \
             write {what} to a new folder (nothing was changed)",
            dir.display(),
            input.display()
        )));
    }
    Ok(())
}

/// Whether two resolved paths name one folder.
fn same_folder(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(a), Ok(b)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return a.dev() == b.dev() && a.ino() == b.ino();
        }
    }
    false
}

/// Says on stderr, never as an error, that an export which was read and validated looks open
/// in Excel (its lock file is beside it): Excel lets others read an open workbook, but what
/// was read is its last saved copy. (A failed read says so in its own sentence.)
pub fn note_if_open_in_excel(path: &Path) {
    if let Some(lock) = crate::shell::files::excel_lock(path) {
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
/// acknowledgements files beside it that belong to no other export there (another quarter's
/// `q3-export.acknowledgements.csv`, beside `q3-export.xlsx`, is that export's, and renaming
/// it would take its explanations away).
pub fn sidecar_not_found(
    export: &Path,
    named: Option<&Path>,
    v: &yjb_return::validate::Validation,
) -> Option<String> {
    use yjb_return::definitions::Severity;
    let open = v
        .findings
        .iter()
        .any(|f| f.severity == Severity::Warning && f.acknowledged.is_none());
    let looked_for = yjb_return::validate::acknowledge::sidecar_path(export);
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
    let entries: Vec<String> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let mut others = orphan_sidecars(&entries, &name(export));
    others.sort();
    let beside = if others.is_empty() {
        String::new()
    } else {
        format!(
            " ({} {} there: was the export renamed? rename that file to match, or give it \
             with --acknowledgements)",
            yjb_return::text::list(&others, 3),
            if others.len() == 1 { "is" } else { "are" }
        )
    };
    Some(format!(
        "Note: no acknowledgements were read: {} was not found beside the export{beside}.",
        name(&looked_for)
    ))
}

/// The acknowledgements files among a folder's `entries` that belong to no export there but
/// `export` (the one being read, which has none under its own name): a sidecar
/// `NAME.acknowledgements.csv` belongs to `NAME.xlsx` or `NAME.xlsm` (names compared as
/// Windows does, ignoring case).
fn orphan_sidecars(entries: &[String], export: &str) -> Vec<String> {
    const SIDECAR: &str = ".acknowledgements.csv";
    fn stem_of(name: &str) -> Option<&str> {
        let at = name.len().checked_sub(SIDECAR.len())?;
        let (stem, suffix) = (name.get(..at)?, name.get(at..)?);
        suffix.eq_ignore_ascii_case(SIDECAR).then_some(stem)
    }
    let exports: Vec<&str> = entries
        .iter()
        .filter(|n| !n.eq_ignore_ascii_case(export))
        .filter_map(|n| {
            let (stem, extension) = n.rsplit_once('.')?;
            (extension.eq_ignore_ascii_case("xlsx") || extension.eq_ignore_ascii_case("xlsm"))
                .then_some(stem)
        })
        .collect();
    entries
        .iter()
        .filter(|n| {
            stem_of(n).is_some_and(|stem| {
                !exports
                    .iter()
                    .any(|e| e.to_lowercase() == stem.to_lowercase())
            })
        })
        .cloned()
        .collect()
}

/// The end of a failure's sentence when Excel's lock file is beside the file.
fn in_excel(path: &Path) -> String {
    crate::shell::files::excel_lock(path).map_or_else(String::new, |lock| {
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
        Err(e) if !crate::shell::words::reader_gone(&e) => Err(CommandError::Other(format!(
            "cannot write the output: {}",
            crate::shell::words::describe(&e)
        ))),
        _ => Ok(()),
    }
}

/// A workbook (the issues report, the redacted copy) that could not be made, in words: the
/// spreadsheet library's wording never reaches the user.
pub fn workbook_error(path: &Path, e: &rust_xlsxwriter::XlsxError) -> CommandError {
    let message = match e {
        rust_xlsxwriter::XlsxError::IoError(e) => crate::shell::words::writing(path, e),
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
    crate::shell::atomic::write(path, bytes, replace)
        .map_err(|e| write_error(path, &e, Some("--force")))
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
        _ => crate::shell::words::writing(path, e),
    };
    CommandError::Write {
        path: path.to_path_buf(),
        message: format!("{message}{}", in_excel(path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_out_folder_holding_an_input_is_refused_however_it_is_spelled() {
        let root = tempfile::tempdir().unwrap();
        let q2 = root.path().join("q2");
        std::fs::create_dir_all(q2.join("sub")).unwrap();
        std::fs::write(q2.join("sub/input.xlsx"), b"PK").unwrap();
        std::fs::write(root.path().join("export.xlsx"), b"PK").unwrap();
        let inside = q2.join("sub/../sub/input.xlsx");
        let err = not_holding_inputs(&q2, &[("the export being read", &inside)], "the return")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&format!(
                "cannot replace {}: it holds the export being read",
                q2.display()
            )) && err.ends_with("write the return to a new folder (nothing was changed)"),
            "{err}"
        );
        let err = not_holding_inputs(&q2, &[("the archive being read", &q2)], "the scorecard")
            .unwrap_err()
            .to_string();
        assert!(err.contains(": it is the archive being read"), "{err}");
        // Beside it, or not there at all, is no concern of the folder's.
        let beside = root.path().join("export.xlsx");
        let gone = root.path().join("gone.xlsx");
        assert!(
            not_holding_inputs(&q2, &[("the export", &beside), ("the CSV", &gone)], "it").is_ok()
        );
        #[cfg(unix)]
        {
            // Through a link to the folder, and a link into it.
            let link = root.path().join("linked");
            std::os::unix::fs::symlink(&q2, &link).unwrap();
            assert!(not_holding_inputs(&link, &[("the export", &inside)], "it").is_err());
            let to_input = root.path().join("to-input.xlsx");
            std::os::unix::fs::symlink(q2.join("sub/input.xlsx"), &to_input).unwrap();
            assert!(not_holding_inputs(&q2, &[("the export", &to_input)], "it").is_err());
            // A hard link elsewhere to a file inside is not the file inside: deleting the name
            // inside leaves it whole where it is read.
            let hard = root.path().join("hard.xlsx");
            std::fs::hard_link(q2.join("sub/input.xlsx"), &hard).unwrap();
            assert!(not_holding_inputs(&q2, &[("the export", &hard)], "it").is_ok());
        }
    }

    #[test]
    fn only_acknowledgements_of_no_other_export_are_suggested() {
        let entries: Vec<String> = [
            "q2-export-v2.xlsx",
            "q2-export.acknowledgements.csv",
            "q3-export.xlsx",
            "q3-export.acknowledgements.csv",
            "Q4-EXPORT.XLSM",
            "q4-export.Acknowledgements.CSV",
            "notes.csv",
            "old.acknowledgements.csv.bak",
        ]
        .map(String::from)
        .to_vec();
        // q2-export.xlsx is gone (renamed): its sidecar is the one to suggest; q3's and q4's
        // belong to their exports.
        assert_eq!(
            orphan_sidecars(&entries, "q2-export-v2.xlsx"),
            ["q2-export.acknowledgements.csv"]
        );
        // A sidecar whose export is the one being read, under another case, is suggested.
        assert_eq!(
            orphan_sidecars(&entries, "q4-export.xlsm"),
            [
                "q2-export.acknowledgements.csv",
                "q4-export.Acknowledgements.CSV"
            ]
        );
        // Names whose end is not on a character boundary, or too short, are no sidecars.
        let mut odd: Vec<String> = ["é.acknowledgements.csv", "ü", ".acknowledgements.csv"]
            .map(String::from)
            .to_vec();
        odd.push(format!("é{}", "a".repeat(20)));
        assert_eq!(
            orphan_sidecars(&odd, "x.xlsx"),
            ["é.acknowledgements.csv", ".acknowledgements.csv"]
        );
    }
}
