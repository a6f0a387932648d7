//! The user's files as the tool reads them: only regular files, never more than a size that
//! kind of file can sensibly have, and with failures said in words ([`crate::io_words`])
//! rather than the operating system's.
//!
//! Every input is read whole into memory (an export must be hashed for the audit trail before
//! it is parsed), so without a cap `validate /dev/zero`, or a manifest naming a huge file,
//! would read until memory ran out. The caps live here, in one place.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

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

impl Kind {
    pub const fn limit(self) -> u64 {
        match self {
            Kind::Export => MAX_EXPORT_BYTES,
            Kind::ReturnFile => MAX_RETURN_FILE_BYTES,
            Kind::Manifest => MAX_MANIFEST_BYTES,
            Kind::Csv => MAX_CSV_BYTES,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Export => "a case-management export",
            Kind::ReturnFile => "a return file",
            Kind::Manifest => "a manifest",
            Kind::Csv => "a CSV kept by hand",
        }
    }
}

/// Why a file could not be read; each is the end of a sentence naming the file.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{}", crate::io_words::describe(.0))]
    Io(#[from] io::Error),
    #[error("it is not a regular file (a folder, a device or a pipe): give the path of a file")]
    NotAFile,
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
    if !fs::metadata(path)?.is_file() {
        return Err(FileError::NotAFile);
    }
    let file = fs::File::open(path)?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
        f.set_len(MAX_CSV_BYTES + 1).unwrap();
        let err = read(&path, Kind::Csv).unwrap_err();
        assert!(matches!(err, FileError::TooLarge { size, .. } if size == MAX_CSV_BYTES + 1));
        assert!(
            err.to_string()
                .contains("more than a CSV kept by hand can be")
        );
    }

    #[test]
    fn refuses_folders_and_devices() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read(dir.path(), Kind::Export),
            Err(FileError::NotAFile)
        ));
        if Path::new("/dev/zero").exists() {
            assert!(matches!(
                read(Path::new("/dev/zero"), Kind::Export),
                Err(FileError::NotAFile)
            ));
        }
    }
}
