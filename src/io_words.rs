//! Operating-system errors in words a data officer can act on. The raw wording ("No such file
//! or directory (os error 2)") never reaches the user: each kind gets a plain phrase, and
//! anything unforeseen a generic one with the kind named.

use std::io::{Error, ErrorKind};

/// A short phrase for why a file could not be read or written, e.g. "it does not exist".
pub fn describe(e: &Error) -> String {
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
            let words = describe(&Error::from(kind));
            assert!(!words.contains("os error"), "{words}");
        }
        assert_eq!(describe(&Error::from_raw_os_error(2)), "it does not exist");
        assert_eq!(
            describe(&Error::other("it is a file, not a folder")),
            "it is a file, not a folder"
        );
    }
}
