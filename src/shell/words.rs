//! Operating-system errors in words a data officer can act on. The raw wording ("No such file
//! or directory (os error 2)") never reaches the user: each kind gets a plain phrase saying
//! what happened and, where there is one, what to do; anything unforeseen a generic phrase.
//!
//! Reading and writing get different advice for the same kind: a file that cannot be read is
//! most often open in Excel or in someone else's folder, a place that cannot be written is
//! most often a shared or read-only drive.

use std::io::{Error, ErrorKind};
use std::path::Path;

/// A short phrase for why a file or folder could not be used, e.g. "it does not exist".
pub fn describe(e: &Error) -> String {
    if let Some(phrase) = windows_phrase(e) {
        return phrase.to_string();
    }
    let phrase = match e.kind() {
        ErrorKind::NotFound => "it does not exist",
        ErrorKind::PermissionDenied => {
            "permission was refused (is the file open in Excel, or the folder read-only?)"
        }
        ErrorKind::AlreadyExists => "something with that name already exists",
        ErrorKind::IsADirectory => "it is a folder, not a file",
        ErrorKind::NotADirectory => "part of the path is a file, not a folder",
        ErrorKind::ReadOnlyFilesystem => "the disk or folder is read-only",
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => "the disk is full",
        ErrorKind::ResourceBusy => "it is in use by another program",
        ErrorKind::DirectoryNotEmpty => "the folder is not empty",
        ErrorKind::InvalidFilename => "the name is not allowed by the operating system",
        ErrorKind::FileTooLarge => "the file is too large",
        ErrorKind::CrossesDevices => "it would have to be moved to another disk",
        ErrorKind::TimedOut | ErrorKind::Interrupted => "the operating system gave up waiting",
        ErrorKind::UnexpectedEof => "the file ended sooner than expected (is it complete?)",
        ErrorKind::InvalidData => "its contents are not what was expected",
        ErrorKind::Other if e.get_ref().is_some() => return e.to_string(),
        _ => "the operating system refused",
    };
    phrase.to_string()
}

/// Why a file could not be read, and what to do about it.
pub fn reading(e: &Error) -> String {
    if windows_phrase(e).is_some() {
        return format!("{}: close it in Excel first, then try again", describe(e));
    }
    match e.kind() {
        ErrorKind::PermissionDenied => "permission to read it was refused: if it is open in \
            Excel, close it in Excel first; otherwise copy it into a folder of your own (such \
            as Documents) and give that copy"
            .to_string(),
        ErrorKind::NotADirectory => {
            "part of the path is a file, not a folder: check the path".to_string()
        }
        ErrorKind::InvalidFilename => {
            "the name is not allowed by the operating system: check the path".to_string()
        }
        _ => describe(e),
    }
}

/// Why `path` could not be written, and what to do about it.
pub fn writing(path: &Path, e: &Error) -> String {
    if windows_phrase(e).is_some() {
        return format!("{}: close it in Excel first, then try again", describe(e));
    }
    match e.kind() {
        ErrorKind::NotFound => format!(
            "{} does not exist: create it first, or name a folder that exists",
            folder_words(path)
        ),
        ErrorKind::PermissionDenied => "permission to write there was refused: if the file is \
            open in Excel, close it in Excel first; otherwise write into a folder of your own, \
            such as one in Documents"
            .to_string(),
        ErrorKind::ReadOnlyFilesystem => "the disk or folder is read-only: write into a folder \
            of your own on a disk you can change, such as one in Documents"
            .to_string(),
        ErrorKind::ResourceBusy => "it is in use (the current folder of a terminal, or open in \
            another program) and cannot be replaced: name a new folder"
            .to_string(),
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => {
            "the disk is full: free some space, or write to another disk".to_string()
        }
        ErrorKind::NotADirectory => {
            "part of the path is a file, not a folder: check the path".to_string()
        }
        ErrorKind::InvalidFilename => "the name is not allowed by the operating system: \
            choose another name (without \\ / : * ? \" < > |)"
            .to_string(),
        _ => describe(e),
    }
}

/// The folder holding `path`, in words: "the folder out", or "the current folder" for a bare
/// name.
pub fn folder_words(path: &Path) -> String {
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(parent) => format!("the folder {}", parent.display()),
        None => "the current folder".to_string(),
    }
}

/// Whether writing failed because the reader of the output went away (`| more` quit early):
/// a broken pipe, which Windows also reports as "the pipe is being closed" and, under Wine,
/// "no process is on the other end of the pipe".
pub fn reader_gone(e: &Error) -> bool {
    e.kind() == ErrorKind::BrokenPipe || windows_pipe_closed(e)
}

#[cfg(windows)]
fn windows_pipe_closed(e: &Error) -> bool {
    const ERROR_BROKEN_PIPE: i32 = 109;
    const ERROR_NO_DATA: i32 = 232;
    const ERROR_PIPE_NOT_CONNECTED: i32 = 233;
    matches!(
        e.raw_os_error(),
        Some(ERROR_BROKEN_PIPE | ERROR_NO_DATA | ERROR_PIPE_NOT_CONNECTED)
    )
}

#[cfg(not(windows))]
fn windows_pipe_closed(_: &Error) -> bool {
    false
}

/// Windows refuses to open a file another program holds open without sharing it (Excel holds
/// its open workbooks so): "The process cannot access the file because it is being used by
/// another process". Those codes mean something else elsewhere, so they are read only there.
#[cfg(windows)]
fn windows_phrase(e: &Error) -> Option<&'static str> {
    const ERROR_SHARING_VIOLATION: i32 = 32;
    const ERROR_LOCK_VIOLATION: i32 = 33;
    match e.raw_os_error() {
        Some(ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION) => {
            Some("another program (most often Excel) has it open")
        }
        _ => None,
    }
}

#[cfg(not(windows))]
fn windows_phrase(_: &Error) -> Option<&'static str> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_os_wording() {
        for kind in [
            ErrorKind::NotFound,
            ErrorKind::PermissionDenied,
            ErrorKind::IsADirectory,
            ErrorKind::ReadOnlyFilesystem,
            ErrorKind::ResourceBusy,
        ] {
            let e = Error::from(kind);
            for words in [describe(&e), reading(&e), writing(Path::new("a/b"), &e)] {
                assert!(!words.contains("os error"), "{words}");
            }
        }
        assert_eq!(describe(&Error::from_raw_os_error(2)), "it does not exist");
        assert_eq!(
            describe(&Error::other("it is a file, not a folder")),
            "it is a file, not a folder"
        );
    }

    #[test]
    fn each_refusal_says_what_to_do() {
        let write = |kind| writing(Path::new("out/report.xlsx"), &Error::from(kind));
        assert_eq!(
            write(ErrorKind::NotFound),
            "the folder out does not exist: create it first, or name a folder that exists"
        );
        assert!(
            write(ErrorKind::ReadOnlyFilesystem)
                .starts_with("the disk or folder is read-only: write into a folder of your own")
        );
        assert!(write(ErrorKind::PermissionDenied).contains("close it in Excel first"));
        assert!(write(ErrorKind::ResourceBusy).ends_with("name a new folder"));
        assert!(write(ErrorKind::StorageFull).starts_with("the disk is full: free some space"));
        assert!(
            reading(&Error::from(ErrorKind::PermissionDenied))
                .contains("if it is open in Excel, close it in Excel first")
        );
        assert!(
            writing(Path::new("report.xlsx"), &Error::from(ErrorKind::NotFound))
                .starts_with("the current folder does not exist")
        );
    }
}
