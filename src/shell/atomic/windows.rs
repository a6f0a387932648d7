//! What Windows adds to placing a folder: refusing to replace one whose files another program
//! holds open, and whether the process that left a staging folder is still running.

use std::io;
use std::os::windows::fs::OpenOptionsExt;
use std::path::Path;

use windows_sys::Win32::Foundation::{
    CloseHandle, ERROR_INVALID_PARAMETER, ERROR_SHARING_VIOLATION, GetLastError,
};
use windows_sys::Win32::System::Threading::{
    GetExitCodeProcess, OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION,
};

/// Fails with Windows' sharing error when another program holds one of the files `names`
/// of the folder `dir` open, as Excel holds a workbook it shows: the folder is then left
/// as it is and the user told to close it. Windows itself refuses to move a folder
/// holding an open file, but not every file system or emulation does (Wine moves it), and
/// then the old file could not be deleted. Asked by opening each file sharing nothing,
/// which any open handle prevents; a file that cannot be opened for another reason is
/// left for the move to report.
pub fn refuse_if_held(dir: &Path, names: &[String]) -> io::Result<()> {
    for name in names {
        let opened = std::fs::OpenOptions::new()
            .read(true)
            .share_mode(0)
            .open(dir.join(name));
        if let Err(e) = opened
            && e.raw_os_error() == Some(ERROR_SHARING_VIOLATION as i32)
        {
            return Err(e);
        }
    }
    Ok(())
}

/// What `GetExitCodeProcess` gives for a process that has not ended.
const STILL_ACTIVE: u32 = 259;

/// Whether the process `pid` is running. Windows answers "no such process" with
/// ERROR_INVALID_PARAMETER; any other refusal (another user's process) means it exists,
/// and so does a process that cannot be asked how it ended. A process that ended while
/// something still holds it open has its exit code: not running. Windows reuses ids soon,
/// so a staging of a dead build may be kept a while longer for a stranger's process: the
/// safe side.
pub fn running(pid: u32) -> bool {
    // SAFETY: OpenProcess takes plain values and returns a handle or null; the handle is
    // closed once, after its only use, and `code` outlives the call that writes it.
    unsafe {
        let process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
        if process.is_null() {
            return GetLastError() != ERROR_INVALID_PARAMETER;
        }
        let mut code = 0u32;
        let asked = GetExitCodeProcess(process, &mut code);
        CloseHandle(process);
        asked == 0 || code == STILL_ACTIVE
    }
}
