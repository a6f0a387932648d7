//! What the commands read, and how: the definitions (built in, or `--definitions`), an input
//! file within its kind's cap, the acknowledgements beside an export, a return file, the clock;
//! and the notes on what was read (open in Excel, acknowledgements not found).

use std::path::{Path, PathBuf};

use super::error::{CommandError, lock_name};
use yjb_return::definitions::{Definitions, DefinitionsError, Source};
use yjb_return::period::Period;

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

/// Reads a whole input file of a kind, within that kind's size cap, with an error that
/// names it.
pub fn read_input(path: &Path, kind: crate::shell::files::Kind) -> Result<Vec<u8>, CommandError> {
    crate::shell::files::read(path, kind).map_err(|source| CommandError::ReadInput {
        path: path.to_path_buf(),
        source,
        lock: crate::shell::files::excel_lock(path),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

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
