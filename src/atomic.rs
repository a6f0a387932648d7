//! Writing output files so that a reader never sees half of one.
//!
//! Each file is written to a temporary sibling in the same folder and renamed into place; a
//! failure part-way leaves the old file (or nothing) and removes the temporary.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temp_sibling(path);
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// The temporary name used while `path` is being written: hidden, same folder, so the final
/// rename never crosses a file system.
pub fn temp_sibling(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Writes a folder of files so that it appears whole or not at all: the files go into a hidden
/// staging folder beside `dir`, which is then renamed into place. An existing `dir` is
/// replaced only when `replace` is set (it is moved aside first and removed once the new one
/// is in place, so a failure leaves the old folder as it was).
pub fn write_dir(dir: &Path, files: &[(&str, &[u8])], replace: bool) -> io::Result<()> {
    if dir.exists() && !replace {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "it already exists (use --force to replace it)",
        ));
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)?;
    }
    let staging = temp_sibling(dir);
    let _ = fs::remove_dir_all(&staging);
    let result = (|| {
        fs::create_dir(&staging)?;
        for (name, bytes) in files {
            let mut file = fs::File::create(staging.join(name))?;
            file.write_all(bytes)?;
            file.sync_all()?;
        }
        if dir.exists() {
            let old = dir.with_file_name(format!(
                ".{}.{}.old",
                dir.file_name().unwrap_or_default().to_string_lossy(),
                std::process::id()
            ));
            fs::rename(dir, &old)?;
            if let Err(e) = fs::rename(&staging, dir) {
                let _ = fs::rename(&old, dir);
                return Err(e);
            }
            fs::remove_dir_all(&old)
        } else {
            fs::rename(&staging, dir)
        }
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_appears_whole_and_is_replaced_only_when_asked() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("returns").join("2024-25-Q2");
        write_dir(&dir, &[("a.txt", b"one"), ("b.txt", b"two")], false).unwrap();
        assert_eq!(fs::read(dir.join("b.txt")).unwrap(), b"two");
        let err = write_dir(&dir, &[("a.txt", b"new")], false).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"one");
        write_dir(&dir, &[("a.txt", b"new")], true).unwrap();
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"new");
        assert!(!dir.join("b.txt").exists());
        let names: Vec<_> = fs::read_dir(dir.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("2024-25-Q2")]);
    }

    #[test]
    fn failed_folder_write_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        assert!(write_dir(&dir, &[("../../escape/x", b"x")], false).is_err());
        assert!(!dir.exists());
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 0);
    }

    #[test]
    fn replaces_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        write(&path, b"first").unwrap();
        write(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn failure_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-folder").join("out.json");
        assert!(write(&path, b"x").is_err());
        assert!(!path.exists());
    }
}
