//! What Linux adds to placing a folder: `renameat2`, which claims a free name
//! (`RENAME_NOREPLACE`) or swaps two folders (`RENAME_EXCHANGE`) in one step.

use std::io;
use std::path::Path;

use rustix::fs::{CWD, RenameFlags, renameat_with};
use rustix::io::Errno;

pub enum Renamed {
    Done,
    /// Something is at the target already (`NOREPLACE`), or the target is a folder that is not
    /// empty.
    Taken,
    /// The kernel or the file system does not offer this kind of rename.
    Unsupported,
}

/// `renameat2` with `flags`.
pub fn rename(from: &Path, to: &Path, flags: RenameFlags) -> io::Result<Renamed> {
    match renameat_with(CWD, from, CWD, to, flags) {
        Ok(()) => Ok(Renamed::Done),
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(Renamed::Unsupported),
        Err(Errno::EXIST | Errno::NOTEMPTY) => Ok(Renamed::Taken),
        Err(e) => Err(e.into()),
    }
}
