//! The files the engine reads, handed to it by its shell: the command line reads them from
//! disk, the browser page from the files its user picked. The engine never opens a file
//! itself; where it reads more than the bytes it was given (a return's folder to check, an
//! archive of returns for the scorecard), it reads through a [`Folder`].
//!
//! Invariants every [`Folder`] keeps, which the engine relies on:
//! - a name is one plain name directly inside the folder ([`plain_name`]): never a path, so a
//!   name read from a manifest cannot lead out of the folder;
//! - only regular files are read, never through a link, and never more than their [`Kind`]'s
//!   cap, so a pipe, a device or a huge file costs nothing;
//! - a failure is said in words ([`Unread`]), never in the operating system's.

use std::collections::BTreeMap;
use std::fmt;

/// The kinds of file the tool reads, each with its own cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A case-management export (`.xlsx`).
    Export,
    /// A finished return's `return.xlsx`, `return.xml` or `return.json`.
    ReturnFile,
    /// A `manifest.json` written by `build`.
    Manifest,
    /// A CSV kept by hand: an acknowledgements sidecar, or the scorecard's targets,
    /// benchmarks and commentary.
    Csv,
    /// A scorecard's `scorecard.xlsx`, `scorecard.html` or `scorecard.json`.
    ScorecardFile,
}

/// An export holds at most Excel's largest sheet, 1,048,576 rows: about a million
/// intervention rows of ~30 columns, which compress to roughly 100-250 MB (an uncompressed
/// xlsx, which some suppliers write, is about twice that). 512 MiB leaves room for the other
/// sheets and for such files while refusing anything that is clearly not an export.
pub const MAX_EXPORT_BYTES: u64 = 512 << 20;
/// A return's files are a few tens of kilobytes: about 300 figures and a cover.
pub const MAX_RETURN_FILE_BYTES: u64 = 16 << 20;
/// A manifest is a few kilobytes plus the acknowledged queries' explanations.
pub const MAX_MANIFEST_BYTES: u64 = 8 << 20;
/// An acknowledgements sidecar holds one line per warning explained.
pub const MAX_CSV_BYTES: u64 = 8 << 20;
/// A scorecard's files are a few hundred kilobytes: at most 20 quarters of a few dozen
/// indicators, each with a chart.
pub const MAX_SCORECARD_FILE_BYTES: u64 = 16 << 20;

impl Kind {
    pub const fn limit(self) -> u64 {
        match self {
            Kind::Export => MAX_EXPORT_BYTES,
            Kind::ReturnFile => MAX_RETURN_FILE_BYTES,
            Kind::Manifest => MAX_MANIFEST_BYTES,
            Kind::Csv => MAX_CSV_BYTES,
            Kind::ScorecardFile => MAX_SCORECARD_FILE_BYTES,
        }
    }

    /// The file-name endings of this kind, for listing what a folder holds of it.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::Export => &["xlsx"],
            Kind::ReturnFile => &["xml", "xlsx", "json"],
            Kind::Manifest => &["json"],
            Kind::Csv => &["csv"],
            Kind::ScorecardFile => &["xlsx", "html", "json"],
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Kind::Export => "a case-management export",
            Kind::ReturnFile => "a return file",
            Kind::Manifest => "a manifest",
            Kind::Csv => "a CSV kept by hand",
            Kind::ScorecardFile => "a scorecard's file",
        }
    }
}

/// What kept a file from being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Nothing is there.
    Missing,
    /// A folder, a device or a pipe stands where a file should be.
    NotAFile,
    /// A link stands where a file the tool wrote should be (it could lead anywhere).
    Link,
    /// More bytes than a file of its kind can have.
    TooLarge,
    /// Anything else the shell met (no permission, a disk error).
    Other,
}

/// A file that could not be read: why, and the end of a sentence naming it, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    pub why: Why,
    pub words: String,
}

impl Unread {
    pub fn new(why: Why, words: impl Into<String>) -> Unread {
        Unread {
            why,
            words: words.into(),
        }
    }

    /// A file that is not there, with no more to say.
    pub fn missing() -> Unread {
        Unread::new(Why::Missing, "it does not exist")
    }

    /// A file larger than its kind can be.
    pub fn too_large(kind: Kind, size: u64) -> Unread {
        Unread::new(
            Why::TooLarge,
            format!(
                "it is {size} bytes, more than {} can be ({} bytes at most): check that this is \
                 the right file",
                kind.noun(),
                kind.limit()
            ),
        )
    }
}

impl fmt::Display for Unread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.words)
    }
}

impl std::error::Error for Unread {}

/// What an entry of a folder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    File,
    Folder,
    /// A link, a device, a pipe: never read.
    Other,
}

/// Whether `name` names something directly inside a folder: one ordinary name, with no folder
/// separator (either kind), no drive, and not `.` or `..`. A manifest records its folder's
/// files by such names; anything else would lead out of the folder.
pub fn plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', ':', '\0'])
}

/// A folder the engine may read.
pub trait Folder {
    /// The file or folder `name` inside, as the user would write its path
    /// (`returns/2024-25-Q2/return.xml`): how messages name it.
    fn shown(&self, name: &str) -> String;

    /// The folder itself, as the user would write its path.
    fn path(&self) -> String;

    /// The entries directly inside, by name.
    fn entries(&self) -> Result<BTreeMap<String, Entry>, Unread>;

    /// What stands at `name`, if anything.
    fn entry(&self, name: &str) -> Option<Entry>;

    /// The regular file `name` (a [`plain_name`]) directly inside, whole, within `kind`'s cap;
    /// never through a link.
    fn read(&self, name: &str, kind: Kind) -> Result<Vec<u8>, Unread>;

    /// The folder `name` directly inside (what it holds is read when asked for).
    fn open(&self, name: &str) -> Box<dyn Folder + '_>;
}

/// `name` inside the folder whose path is `path`, as its user would write it.
pub fn shown_in(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}/{name}")
    }
}

/// The entries of a folder held as its files and folders by name (a [`Memory`], or the page's
/// picked folder), whatever holds each file.
pub fn entries_of<F, D>(
    files: &BTreeMap<String, F>,
    folders: &BTreeMap<String, D>,
) -> BTreeMap<String, Entry> {
    files
        .keys()
        .map(|n| (n.clone(), Entry::File))
        .chain(folders.keys().map(|n| (n.clone(), Entry::Folder)))
        .collect()
}

/// What stands at `name` in a folder held as [`entries_of`] takes it.
pub fn entry_of<F, D>(
    files: &BTreeMap<String, F>,
    folders: &BTreeMap<String, D>,
    name: &str,
) -> Option<Entry> {
    if files.contains_key(name) {
        Some(Entry::File)
    } else if folders.contains_key(name) {
        Some(Entry::Folder)
    } else {
        None
    }
}

/// The file `name` of a folder held as [`entries_of`] takes it, read by `read`: a name that
/// is not [`plain_name`], a folder or nothing there is refused as [`Folder::read`] says.
pub fn read_from<F, D>(
    files: &BTreeMap<String, F>,
    folders: &BTreeMap<String, D>,
    name: &str,
    read: impl FnOnce(&F) -> Result<Vec<u8>, Unread>,
) -> Result<Vec<u8>, Unread> {
    if !plain_name(name) {
        return Err(Unread::new(
            Why::Other,
            "it is not a plain name of a file in the folder",
        ));
    }
    match files.get(name) {
        Some(file) => read(file),
        None if folders.contains_key(name) => {
            Err(Unread::new(Why::NotAFile, "it is a folder, not a file"))
        }
        None => Err(Unread::missing()),
    }
}

/// A folder held in memory: the files a browser's user picked, or a test's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Memory {
    /// The folder's path as its user would write it.
    pub path: String,
    pub files: BTreeMap<String, Vec<u8>>,
    pub folders: BTreeMap<String, Memory>,
}

impl Memory {
    pub fn new(path: impl Into<String>) -> Memory {
        Memory {
            path: path.into(),
            ..Memory::default()
        }
    }

    /// Adds an empty folder `name` (a plain name).
    pub fn mkdir(&mut self, name: &str) {
        let shown = self.shown(name);
        self.folders
            .entry(name.to_string())
            .or_insert_with(|| Memory::new(shown));
    }

    /// Adds a file at `path` (`2024-25-Q2/return.xml`), making the folders on the way.
    pub fn insert(&mut self, path: &str, bytes: Vec<u8>) {
        match path.split_once('/') {
            Some((folder, rest)) => {
                let shown = self.shown(folder);
                self.folders
                    .entry(folder.to_string())
                    .or_insert_with(|| Memory::new(shown))
                    .insert(rest, bytes);
            }
            None => {
                self.files.insert(path.to_string(), bytes);
            }
        }
    }
}

impl Folder for Memory {
    fn shown(&self, name: &str) -> String {
        shown_in(&self.path, name)
    }

    fn path(&self) -> String {
        self.path.clone()
    }

    fn entries(&self) -> Result<BTreeMap<String, Entry>, Unread> {
        Ok(entries_of(&self.files, &self.folders))
    }

    fn entry(&self, name: &str) -> Option<Entry> {
        entry_of(&self.files, &self.folders, name)
    }

    fn read(&self, name: &str, kind: Kind) -> Result<Vec<u8>, Unread> {
        read_from(&self.files, &self.folders, name, |bytes| {
            if bytes.len() as u64 > kind.limit() {
                Err(Unread::too_large(kind, bytes.len() as u64))
            } else {
                Ok(bytes.clone())
            }
        })
    }

    fn open(&self, name: &str) -> Box<dyn Folder + '_> {
        match self.folders.get(name) {
            Some(f) => Box::new(f.clone()),
            None => Box::new(Memory::new(self.shown(name))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_are_names_inside_a_folder() {
        for bad in ["", ".", "..", "../x", "a/b", "a\\b", "C:x", "x\0"] {
            assert!(!plain_name(bad), "{bad:?}");
        }
        for good in ["return.xml", "2024-25-Q2", ".hidden", "a b.csv"] {
            assert!(plain_name(good), "{good:?}");
        }
    }

    #[test]
    fn a_folder_in_memory_reads_as_one_on_disk_does() {
        let mut m = Memory::new("archive");
        m.insert("2024-25-Q2/return.xml", b"<x/>".to_vec());
        m.insert("notes.txt", b"hi".to_vec());
        let entries = m.entries().unwrap();
        assert_eq!(entries["2024-25-Q2"], Entry::Folder);
        assert_eq!(entries["notes.txt"], Entry::File);
        let q2 = m.open("2024-25-Q2");
        assert_eq!(q2.shown("return.xml"), "archive/2024-25-Q2/return.xml");
        assert_eq!(q2.read("return.xml", Kind::ReturnFile).unwrap(), b"<x/>");
        assert_eq!(
            m.read("2024-25-Q2", Kind::ReturnFile).unwrap_err().why,
            Why::NotAFile
        );
        assert_eq!(m.read("gone", Kind::Csv).unwrap_err().why, Why::Missing);
        assert_eq!(
            m.read("../notes.txt", Kind::Csv).unwrap_err().why,
            Why::Other
        );
        let mut big = Memory::new("");
        big.insert("m.json", vec![b' '; (MAX_MANIFEST_BYTES + 1) as usize]);
        assert_eq!(
            big.read("m.json", Kind::Manifest).unwrap_err().why,
            Why::TooLarge
        );
    }
}
