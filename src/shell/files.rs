//! The user's files as the tool reads them: only regular files, never more than a size that
//! kind of file can sensibly have, and with failures said in words ([`crate::shell::words`])
//! rather than the operating system's.
//!
//! Every input is read whole into memory (an export must be hashed for the audit trail before
//! it is parsed), so without a cap `validate /dev/zero`, or a manifest naming a huge file,
//! would read until memory ran out. The caps live here, in one place.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

pub use yjb_return::folder::Kind;
use yjb_return::folder::{Entry, Folder, Unread, Why, plain_name};

/// Why a file could not be read; each is the end of a sentence naming the file.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{}", crate::shell::words::reading(.0))]
    Io(#[from] io::Error),
    /// Nothing is at the path; the words say what is in its folder, so a typo shows.
    #[error("it does not exist; {0}")]
    Missing(String),
    /// A folder was given where a file is needed; the words say which files it holds.
    #[error("it is a folder, not a file: {0}")]
    Folder(String),
    #[error("it is not a regular file (a device or a pipe): give the path of a file")]
    NotAFile,
    /// A file expected inside a folder the tool wrote is a link (which could lead anywhere).
    #[error("it is a link to somewhere else, not a file the tool wrote")]
    Link,
    /// A link that leads nowhere: what it names does not exist.
    #[error("it is a link to something that does not exist: put the file itself there")]
    LinkToNothing,
    #[error(
        "it is {} bytes, more than {} can be ({} bytes at most): check that this is the right file",
        .size, .kind.noun(), .kind.limit()
    )]
    TooLarge { kind: Kind, size: u64 },
}

/// Reads a whole regular file of the given kind, refusing it before reading when it is larger
/// than the kind's cap (and stopping at the cap should it grow while being read).
pub fn read(path: &Path, kind: Kind) -> Result<Vec<u8>, FileError> {
    // A FIFO would block `open` itself, so the type is checked before opening.
    let meta = match fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if fs::symlink_metadata(path).is_ok() {
                return Err(FileError::LinkToNothing);
            }
            return Err(FileError::Missing(nearby(path, kind)));
        }
        Err(e) if windows_device(&e) => return Err(FileError::NotAFile),
        other => other?,
    };
    if meta.is_dir() {
        return Err(FileError::Folder(inside(path, kind)));
    }
    if !meta.is_file() {
        return Err(FileError::NotAFile);
    }
    let file = open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(FileError::NotAFile);
    }
    let limit = kind.limit();
    if meta.len() > limit {
        return Err(FileError::TooLarge {
            kind,
            size: meta.len(),
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge {
            kind,
            size: bytes.len() as u64,
        });
    }
    Ok(bytes)
}

/// Reads the file `name` directly inside `folder` as [`read`] does, refusing a name that is
/// not [`plain_name`] (`None`: nothing is read) and a link (which could lead out of the
/// folder).
pub fn read_inside(folder: &Path, name: &str, kind: Kind) -> Option<Result<Vec<u8>, FileError>> {
    if !plain_name(name) {
        return None;
    }
    let path = folder.join(name);
    Some(match fs::symlink_metadata(&path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(FileError::Link),
        _ => read(&path, kind),
    })
}

/// A folder on disk, as the engine reads it ([`Folder`]): plain names only, regular files only,
/// within each kind's cap, failures in words.
#[derive(Debug, Clone)]
pub struct Disk {
    pub path: PathBuf,
    /// Whether a link inside is followed (a folder the user keeps) or refused (the folder of a
    /// scorecard the tool wrote, whose manifest could otherwise lead anywhere).
    follow_links: bool,
}

impl Disk {
    /// A folder whose links are followed, as the user's own files are.
    pub fn new(path: impl Into<PathBuf>) -> Disk {
        Disk {
            path: path.into(),
            follow_links: true,
        }
    }

    /// A folder the tool wrote, where a link is never followed.
    pub fn strict(path: impl Into<PathBuf>) -> Disk {
        Disk {
            path: path.into(),
            follow_links: false,
        }
    }
}

impl FileError {
    /// What the engine needs to know of a failure, and its words.
    pub fn unread(&self) -> Unread {
        let why = match self {
            FileError::Missing(_) => Why::Missing,
            FileError::Folder(_) | FileError::NotAFile => Why::NotAFile,
            FileError::Link | FileError::LinkToNothing => Why::Link,
            FileError::TooLarge { .. } => Why::TooLarge,
            FileError::Io(_) => Why::Other,
        };
        Unread::new(why, self.to_string())
    }
}

impl Folder for Disk {
    fn shown(&self, name: &str) -> String {
        self.path.join(name).display().to_string()
    }

    fn path(&self) -> String {
        self.path.display().to_string()
    }

    fn entries(&self) -> Result<std::collections::BTreeMap<String, Entry>, Unread> {
        let unread = |e: io::Error| {
            let why = match e.kind() {
                io::ErrorKind::NotADirectory => Why::NotAFile,
                // What Windows says of a file or a device (`NUL`) listed as a folder varies
                // (an invalid name, a path not found): it is there, and it is not a folder.
                _ if fs::metadata(&self.path).is_ok_and(|m| !m.is_dir())
                    || windows_device_at(&self.path) =>
                {
                    Why::NotAFile
                }
                io::ErrorKind::NotFound => Why::Missing,
                _ => Why::Other,
            };
            Unread::new(why, crate::shell::words::reading(&e))
        };
        let mut out = std::collections::BTreeMap::new();
        for entry in fs::read_dir(&self.path).map_err(unread)? {
            let entry = entry.map_err(unread)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            out.insert(name.clone(), self.kind_of(&self.path.join(&name)));
        }
        Ok(out)
    }

    fn entry(&self, name: &str) -> Option<Entry> {
        if !plain_name(name) {
            return None;
        }
        let path = self.path.join(name);
        stands(&path).then(|| self.kind_of(&path))
    }

    fn read(&self, name: &str, kind: Kind) -> Result<Vec<u8>, Unread> {
        if self.follow_links && plain_name(name) {
            return read(&self.path.join(name), kind).map_err(|e| e.unread());
        }
        match read_inside(&self.path, name, kind) {
            None => Err(Unread::new(
                Why::Other,
                "it is not a plain name of a file in the folder",
            )),
            Some(result) => result.map_err(|e| e.unread()),
        }
    }

    fn open(&self, name: &str) -> Box<dyn Folder + '_> {
        Box::new(Disk {
            path: self.path.join(name),
            follow_links: self.follow_links,
        })
    }
}

impl Disk {
    /// What stands at `path`: a device or a pipe is `Other`, and so is a link where links are
    /// not followed (or one that leads nowhere).
    fn kind_of(&self, path: &Path) -> Entry {
        let meta = if self.follow_links {
            fs::metadata(path)
        } else {
            fs::symlink_metadata(path)
        };
        match meta {
            Ok(m) if m.file_type().is_symlink() => Entry::Other,
            Ok(m) if m.is_dir() => Entry::Folder,
            Ok(m) if m.is_file() => Entry::File,
            _ => Entry::Other,
        }
    }
}

/// Opens a file to read without waiting on it: should a pipe take the place of the file checked
/// a moment before, opening it for reading would wait for a writer for ever; without waiting,
/// the open returns at once and the type of what was opened is checked again.
fn open(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(nix::libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Whether anything stands at `path`: a file, a folder, a link (even one leading nowhere), a
/// pipe or a device. Windows cannot describe a device (`NUL`) as a file, so asking whether it
/// exists says no; it is there all the same, and is named as what it is, never as missing.
pub fn stands(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok() || windows_device_at(path)
}

/// Whether `path` is a device Windows cannot describe as a file ([`windows_device`]).
fn windows_device_at(path: &Path) -> bool {
    matches!(fs::symlink_metadata(path), Err(e) if windows_device(&e))
}

/// Whether Windows refused to describe `path` because it is a device (`NUL`, `COM1`): asking
/// for a device's file information fails with ERROR_INVALID_FUNCTION on Windows, and with
/// ERROR_INVALID_PARAMETER under Wine, where the tool's Windows build is tested. Those codes
/// mean something else elsewhere, so they are read only there.
#[cfg(windows)]
fn windows_device(e: &io::Error) -> bool {
    const ERROR_INVALID_FUNCTION: i32 = 1;
    const ERROR_INVALID_PARAMETER: i32 = 87;
    matches!(
        e.raw_os_error(),
        Some(ERROR_INVALID_FUNCTION | ERROR_INVALID_PARAMETER)
    )
}

#[cfg(not(windows))]
fn windows_device(_: &io::Error) -> bool {
    false
}

/// `path` resolved to a whole path for a record (a manifest names its input, a scorecard its
/// archive and CSVs), written as people see paths: on Windows without the `\\?\` that
/// resolving a path adds there (`\\?\C:\Users\x` is `C:\Users\x`, and
/// `\\?\UNC\server\share` is `\\server\share`), which Explorer, Excel and the Command
/// Prompt never show. The path as given when it cannot be resolved.
pub fn resolved_for_record(path: &Path) -> String {
    let resolved = fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string();
    if cfg!(windows) {
        without_verbatim_prefix(&resolved)
    } else {
        resolved
    }
}

/// A Windows path without its verbatim prefix, where the rest is a drive or a share.
fn without_verbatim_prefix(path: &str) -> String {
    if let Some(share) = path.strip_prefix(r"\\?\UNC\") {
        return format!(r"\\{share}");
    }
    match path.strip_prefix(r"\\?\") {
        Some(rest) if rest.as_bytes().get(1) == Some(&b':') => rest.to_string(),
        _ => path.to_string(),
    }
}

/// How many names of a folder a message lists.
const LISTED: usize = 10;

/// The end of a sentence about a missing file: which files of its kind its folder holds
/// (sorted, at most ten), so a mistyped name is visible, or that the folder is missing.
pub fn nearby(path: &Path, kind: Kind) -> String {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
    let words = crate::shell::words::folder_words(path);
    let extensions = match path.extension().map(|e| e.to_string_lossy().to_lowercase()) {
        Some(e) if kind.extensions().contains(&e.as_str()) => vec![e],
        _ => kind.extensions().iter().map(|e| e.to_string()).collect(),
    };
    let ending = match extensions.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!(
            ".{} or .{last}",
            rest.iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(", .")
        ),
        _ => format!(".{}", extensions.concat()),
    };
    match folder {
        Some(f) if !f.is_dir() => format!("{words} does not exist either: check the path"),
        _ => match files_of(folder.unwrap_or(Path::new(".")), &extensions) {
            Some(names) if names.is_empty() => format!("{words} holds no {ending} file"),
            Some(names) => format!(
                "the {ending} files in {words} are {} (is the name mistyped?)",
                yjb_return::text::list(&names, LISTED)
            ),
            None => format!("{words} cannot be listed: check the path"),
        },
    }
}

/// The end of a sentence about a folder given where a file of `kind` is needed.
fn inside(path: &Path, kind: Kind) -> String {
    let ending = kind.extensions().first().copied().unwrap_or("xlsx");
    match files_of(path, &[ending.to_string()]) {
        Some(names) if !names.is_empty() => format!(
            "give the path of a file in it; its .{ending} files are {}",
            yjb_return::text::list(&names, LISTED)
        ),
        _ => format!("give the path of a .{ending} file, not of a folder"),
    }
}

/// The names of the files in `folder` ending in one of `extensions` (case-insensitive),
/// sorted, without hidden files or Excel's `~$` lock files; `None` when it cannot be listed.
/// The folder is read once, whatever its size.
fn files_of(folder: &Path, extensions: &[String]) -> Option<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(folder).ok()?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let wanted = Path::new(&name)
            .extension()
            .is_some_and(|e| extensions.contains(&e.to_string_lossy().to_lowercase()));
        if wanted
            && !name.starts_with('.')
            && !name.starts_with(EXCEL_LOCK)
            && entry.file_type().is_ok_and(|t| t.is_file())
        {
            names.push(name);
        }
    }
    names.sort_by_key(|n| n.to_lowercase());
    Some(names)
}

/// How Excel names the lock file it keeps beside a workbook it has open: `~$` and the
/// workbook's name (`~$q2-export.xlsx`). It is hidden on Windows, and left behind when Excel
/// crashes.
const EXCEL_LOCK: &str = "~$";

/// Excel's lock file beside `path`, if there is one: the workbook is (or was, if Excel
/// crashed) open in Excel.
pub fn excel_lock(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_string_lossy();
    let lock = path.with_file_name(format!("{EXCEL_LOCK}{name}"));
    fs::symlink_metadata(&lock).is_ok().then_some(lock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_windows_path_has_no_verbatim_prefix() {
        assert_eq!(
            without_verbatim_prefix(r"\\?\C:\Users\Ann\Q2 export.xlsx"),
            r"C:\Users\Ann\Q2 export.xlsx"
        );
        assert_eq!(
            without_verbatim_prefix(r"\\?\UNC\council\yjs\q2.xlsx"),
            r"\\council\yjs\q2.xlsx"
        );
        for kept in [r"C:\x.xlsx", r"\\?\Volume{1234}\x.xlsx", "/home/ann/x.xlsx"] {
            assert_eq!(without_verbatim_prefix(kept), kept);
        }
    }

    #[test]
    fn reads_a_file_within_its_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.json");
        fs::write(&path, b"{}").unwrap();
        assert_eq!(read(&path, Kind::Manifest).unwrap(), b"{}");
    }

    #[test]
    fn refuses_a_file_over_its_cap_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        let f = fs::File::create(&path).unwrap();
        f.set_len(yjb_return::folder::MAX_CSV_BYTES + 1).unwrap();
        let err = read(&path, Kind::Csv).unwrap_err();
        assert!(
            matches!(err, FileError::TooLarge { size, .. } if size == yjb_return::folder::MAX_CSV_BYTES + 1)
        );
        assert!(
            err.to_string()
                .contains("more than a CSV kept by hand can be")
        );
    }

    #[test]
    fn refuses_folders_and_devices() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("q2.xlsx"), b"").unwrap();
        let err = read(dir.path(), Kind::Export).unwrap_err();
        assert_eq!(
            err.to_string(),
            "it is a folder, not a file: give the path of a file in it; its .xlsx files are q2.xlsx"
        );
        if Path::new("/dev/zero").exists() {
            assert!(matches!(
                read(Path::new("/dev/zero"), Kind::Export),
                Err(FileError::NotAFile)
            ));
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_is_never_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("q2.xlsx");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        assert!(matches!(
            read(&fifo, Kind::Export),
            Err(FileError::NotAFile)
        ));
        // Opened as the reader opens a file (the check before was passed, say, by a file the
        // pipe then replaced): it returns at once, and the pipe is refused.
        let file = open(&fifo).unwrap();
        assert!(!file.metadata().unwrap().is_file());
    }

    #[test]
    fn only_plain_names_are_read_inside_a_folder_and_never_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("board");
        fs::create_dir(&inner).unwrap();
        fs::write(dir.path().join("secret.csv"), b"x").unwrap();
        fs::write(inner.join("targets.csv"), b"t").unwrap();
        assert_eq!(
            read_inside(&inner, "targets.csv", Kind::Csv)
                .unwrap()
                .unwrap(),
            b"t"
        );
        for name in [
            "../secret.csv",
            "..",
            ".",
            "",
            "/etc/passwd",
            "sub/targets.csv",
            "..\\secret.csv",
            "C:secret.csv",
        ] {
            assert!(read_inside(&inner, name, Kind::Csv).is_none(), "{name}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.csv"), inner.join("link.csv"))
                .unwrap();
            assert!(matches!(
                read_inside(&inner, "link.csv", Kind::Csv),
                Some(Err(FileError::Link))
            ));
        }
        assert!(matches!(
            read_inside(&inner, "gone.csv", Kind::Csv),
            Some(Err(FileError::Missing(_)))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_leading_nowhere_is_said_to_be_one_not_a_mistyped_name() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("return.json");
        std::os::unix::fs::symlink("gone.json", &link).unwrap();
        let err = read(&link, Kind::ReturnFile).unwrap_err();
        assert!(matches!(err, FileError::LinkToNothing), "{err}");
        assert_eq!(err.unread().why, Why::Link);
        assert!(!err.to_string().contains("mistyped"), "{err}");
    }

    #[test]
    fn a_missing_file_lists_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "q3-export.xlsx",
            "Q2-export.XLSX",
            "~$q3-export.xlsx",
            ".hidden.xlsx",
            "notes.csv",
        ] {
            fs::write(dir.path().join(name), b"").unwrap();
        }
        fs::create_dir(dir.path().join("old.xlsx")).unwrap();
        let err = read(&dir.path().join("q2-exprt.xlsx"), Kind::Export).unwrap_err();
        let folder = dir.path().display();
        assert_eq!(
            err.to_string(),
            format!(
                "it does not exist; the .xlsx files in the folder {folder} are Q2-export.XLSX and \
                 q3-export.xlsx (is the name mistyped?)"
            )
        );
        let err = read(&dir.path().join("a.csv"), Kind::Csv).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("are notes.csv (is the name mistyped?)"),
            "{err}"
        );
        let err = read(&dir.path().join("m.json"), Kind::Manifest).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("it does not exist; the folder {folder} holds no .json file")
        );
        let err = read(&dir.path().join("gone/q2.xlsx"), Kind::Export).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "it does not exist; the folder {folder}/gone does not exist either: check the path"
            )
        );
    }

    #[test]
    fn at_most_ten_names_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..25 {
            fs::write(dir.path().join(format!("e{i:02}.xlsx")), b"").unwrap();
        }
        let err = read(&dir.path().join("x.xlsx"), Kind::Export)
            .unwrap_err()
            .to_string();
        assert!(err.contains("are e00.xlsx, e01.xlsx,"), "{err}");
        assert!(err.contains("e09.xlsx and 15 more"), "{err}");
        assert!(!err.contains("e10.xlsx"), "{err}");
    }

    #[test]
    fn finds_excels_lock_file() {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("q2 export.xlsx");
        fs::write(&book, b"").unwrap();
        assert_eq!(excel_lock(&book), None);
        fs::write(dir.path().join("~$q2 export.xlsx"), b"").unwrap();
        assert_eq!(excel_lock(&book), Some(dir.path().join("~$q2 export.xlsx")));
    }
}
