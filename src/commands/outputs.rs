//! Where the commands write, and how: refusing an `--out` that could never take the output
//! (the current folder, a link, a folder holding an input), printing to standard output, and
//! writing a file whole or not at all, each failure in words.

use std::path::Path;

use super::error::{CommandError, Unwritten};

/// Refuses, before any work, an `--out` folder that is the current folder or holds it:
/// replacing it would pull the folder from under the terminal (Linux then shows an empty,
/// deleted folder; other systems refuse with "resource busy"). `what` is what would go there,
/// `example` the first part of a folder to suggest instead.
pub fn not_the_current_folder(
    dir: &Path,
    what: &'static str,
    example: &'static str,
) -> Result<(), CommandError> {
    let holds = match (std::fs::canonicalize(dir), std::env::current_dir()) {
        (Ok(dir), Ok(here)) => std::fs::canonicalize(here).is_ok_and(|here| here.starts_with(dir)),
        _ => false,
    };
    if !holds {
        return Ok(());
    }
    Err(CommandError::CurrentFolder {
        dir: dir.to_path_buf(),
        what,
        example,
    })
}

/// Refuses an `--out` that is a link (to a folder or anything else): a new output needs a new
/// folder, and `--force` never replaces anything through a link, which would delete files in
/// the folder it leads to. `what` is what would go there.
pub fn out_is_a_link(dir: &Path, what: &'static str) -> CommandError {
    CommandError::OutIsALink {
        dir: dir.to_path_buf(),
        to: std::fs::read_link(dir).ok(),
        what,
    }
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
    inputs: &[(&'static str, &Path)],
    what: &'static str,
) -> Result<(), CommandError> {
    let Ok(folder) = std::fs::canonicalize(dir) else {
        return Ok(());
    };
    for (name, input) in inputs {
        let Ok(input) = std::fs::canonicalize(input) else {
            continue;
        };
        let is_it = if same_folder(&input, &folder) {
            true
        } else if input.ancestors().skip(1).any(|a| same_folder(a, &folder)) {
            false
        } else {
            continue;
        };
        return Err(CommandError::HoldsInput {
            dir: dir.to_path_buf(),
            is_it,
            name,
            input,
            what,
        });
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

/// Writes the command's text to standard output. A reader that went away early (`| more`
/// closed) is not a failure; anything else is said in words.
pub fn print(out: &mut dyn std::io::Write, text: &str) -> Result<(), CommandError> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if !crate::shell::words::reader_gone(&e) => Err(CommandError::Print(e)),
        _ => Ok(()),
    }
}

/// A workbook (the issues report, the redacted copy) that could not be made, in words: the
/// spreadsheet library's wording never reaches the user.
pub fn workbook_error(path: &Path, e: rust_xlsxwriter::XlsxError) -> CommandError {
    CommandError::Write {
        path: path.to_path_buf(),
        why: match e {
            rust_xlsxwriter::XlsxError::IoError(e) => Unwritten::Io(e),
            _ => Unwritten::Workbook,
        },
        lock: None,
    }
}

/// Writes an output file whole or not at all, replacing an existing one only when `replace`
/// is set, with an error that names it.
pub fn write_output(path: &Path, bytes: &[u8], replace: bool) -> Result<(), CommandError> {
    crate::shell::atomic::write(path, bytes, replace)
        .map_err(|e| write_error(path, e, Some("--force")))
}

/// A failure to write `path`, in words; `force` names the option that allows replacing, if
/// there is one.
pub fn write_error(path: &Path, e: std::io::Error, force: Option<&'static str>) -> CommandError {
    CommandError::Write {
        path: path.to_path_buf(),
        why: if e.kind() == std::io::ErrorKind::AlreadyExists {
            Unwritten::Exists { force }
        } else {
            Unwritten::Io(e)
        },
        lock: crate::shell::files::excel_lock(path),
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
}
