//! What the page hands the engine: the files its user picked, read when the engine asks for
//! them. The page's worker holds the picked `File`s; a request names each by a handle and its
//! size, and the bytes cross into the engine only when a job reads them, so an archive's
//! exports that a scorecard never opens cost nothing.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde::Deserialize;
use yjb_return::folder::{
    Entry, Folder, Kind, Unread, Why, entries_of, entry_of, plain_name, read_from, shown_in,
};

/// Where the bytes of picked files come from: the browser (a worker reading the `File`
/// synchronously), or a test's memory.
pub trait Host {
    /// The `size` bytes of the picked file `handle`; an error is the end of a sentence naming
    /// it ("the browser could not read it: ...").
    fn read(&self, handle: u32, size: u64) -> Result<Vec<u8>, String>;
}

/// One picked file: its path inside what was picked (`2024-25-Q2/return.xml` for a file of a
/// folder's subfolder, the file's name for a file picked on its own), its size and the handle
/// by which the host reads it.
#[derive(Debug, Clone, Deserialize)]
pub struct PickedFile {
    pub path: String,
    pub size: u64,
    pub handle: u32,
}

impl PickedFile {
    /// The file's own name, the last part of its path.
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// The whole file, within its kind's cap.
    pub fn read(&self, host: &dyn Host, kind: Kind) -> Result<Vec<u8>, Unread> {
        if self.size > kind.limit() {
            return Err(Unread::too_large(kind, self.size));
        }
        host.read(self.handle, self.size)
            .map_err(|why| Unread::new(Why::Other, why))
    }
}

/// A folder picked in the page (`<input webkitdirectory>`: every file under it with its path),
/// or loose files picked together (`name` empty).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Pick {
    /// The folder's name as picked; empty for loose files.
    #[serde(default)]
    pub name: String,
    pub files: Vec<PickedFile>,
}

/// A picked folder as the engine reads folders: the same invariants as the command line's
/// folders on disk (plain names only, a kind's cap, words for every failure). Every picked
/// entry is a regular file (a browser offers no links, devices or pipes); a folder holding
/// only empty folders is not seen, since a browser lists files only.
#[derive(Clone)]
pub struct Picked {
    path: String,
    files: BTreeMap<String, PickedFile>,
    folders: BTreeMap<String, Picked>,
    host: Rc<dyn Host>,
}

impl Picked {
    /// The folder `pick` names, holding its files at their paths. A path with an empty part,
    /// `.` or `..` cannot come from a browser and is left out.
    pub fn new(pick: &Pick, host: Rc<dyn Host>) -> Picked {
        let mut root = Picked::empty(pick.name.clone(), host);
        for file in &pick.files {
            let parts: Vec<&str> = file.path.split('/').collect();
            if parts.iter().all(|p| plain_name(p)) {
                root.insert(&parts, file.clone());
            }
        }
        root
    }

    fn empty(path: String, host: Rc<dyn Host>) -> Picked {
        Picked {
            path,
            files: BTreeMap::new(),
            folders: BTreeMap::new(),
            host,
        }
    }

    fn insert(&mut self, parts: &[&str], file: PickedFile) {
        match parts {
            [] => {}
            [name] => {
                self.files.insert((*name).to_string(), file);
            }
            [folder, rest @ ..] => {
                let shown = self.shown(folder);
                let host = self.host.clone();
                self.folders
                    .entry((*folder).to_string())
                    .or_insert_with(|| Picked::empty(shown, host))
                    .insert(rest, file);
            }
        }
    }

    /// The file `name` directly inside, as picked.
    pub fn file(&self, name: &str) -> Option<&PickedFile> {
        self.files.get(name)
    }

    /// The names of the files directly inside.
    pub fn file_names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// The folder `name` directly inside, if one was picked.
    pub fn folder(&self, name: &str) -> Option<&Picked> {
        self.folders.get(name)
    }
}

impl Folder for Picked {
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
        read_from(&self.files, &self.folders, name, |file| {
            file.read(self.host.as_ref(), kind)
        })
    }

    fn open(&self, name: &str) -> Box<dyn Folder + '_> {
        match self.folders.get(name) {
            Some(f) => Box::new(f.clone()),
            None => Box::new(Picked::empty(self.shown(name), self.host.clone())),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::cell::RefCell;

    use super::*;

    /// Picked files held in memory, recording which were read.
    #[derive(Default)]
    pub(crate) struct Files {
        pub bytes: Vec<Vec<u8>>,
        pub read: RefCell<Vec<u32>>,
    }

    impl Files {
        /// Adds a file and returns how a request names it at `path`.
        pub fn add(&mut self, path: &str, bytes: Vec<u8>) -> PickedFile {
            self.bytes.push(bytes);
            PickedFile {
                path: path.to_string(),
                size: self.bytes.last().map_or(0, |b| b.len() as u64),
                handle: (self.bytes.len() - 1) as u32,
            }
        }
    }

    impl Host for Files {
        fn read(&self, handle: u32, size: u64) -> Result<Vec<u8>, String> {
            self.read.borrow_mut().push(handle);
            let bytes = self
                .bytes
                .get(handle as usize)
                .ok_or("the browser no longer has it")?;
            if bytes.len() as u64 != size {
                return Err("it changed since it was chosen: choose it again".into());
            }
            Ok(bytes.clone())
        }
    }

    #[test]
    fn a_picked_folder_reads_as_a_folder_on_disk_and_only_what_is_asked() {
        let mut files = Files::default();
        let xml = files.add("2024-25-Q2/return.xml", b"<x/>".to_vec());
        let input = files.add("2024-25-Q2/input.xlsx", vec![0; 10]);
        let odd = files.add("../escape.csv", b"x".to_vec());
        let big = files.add("manifest.json", vec![b' '; 3]);
        let big = PickedFile {
            size: yjb_return::folder::MAX_MANIFEST_BYTES + 1,
            ..big
        };
        let files = Rc::new(files);
        let pick = Pick {
            name: "archive".into(),
            files: vec![xml, input, odd, big],
        };
        let archive = Picked::new(&pick, files.clone());
        let entries = archive.entries().unwrap();
        assert_eq!(
            entries.keys().collect::<Vec<_>>(),
            ["2024-25-Q2", "manifest.json"]
        );
        let q2 = archive.open("2024-25-Q2");
        assert_eq!(q2.shown("return.xml"), "archive/2024-25-Q2/return.xml");
        assert_eq!(q2.read("return.xml", Kind::ReturnFile).unwrap(), b"<x/>");
        // Only the file asked for was read: the export beside it was not.
        assert_eq!(*files.read.borrow(), [0]);
        assert_eq!(
            archive
                .read("manifest.json", Kind::Manifest)
                .unwrap_err()
                .why,
            Why::TooLarge
        );
        assert_eq!(
            archive.read("2024-25-Q2", Kind::Manifest).unwrap_err().why,
            Why::NotAFile
        );
        assert_eq!(
            archive.read("../escape.csv", Kind::Csv).unwrap_err().why,
            Why::Other
        );
        assert_eq!(
            archive.read("gone", Kind::Csv).unwrap_err().why,
            Why::Missing
        );
        assert_eq!(*files.read.borrow(), [0]);
    }
}
