//! Writing output files and folders so that a reader never sees half of one, and nothing is
//! replaced unless the caller asked for it.
//!
//! Everything is first written under a hidden staging name beside its target (the same
//! folder, so the last step is a rename within one file system), then put in place in one
//! step:
//! - **A new name is claimed create-exclusively**, so two writers racing for one name never
//!   silently replace each other: exactly one wins and the other is told it exists. On Linux
//!   this is `renameat2(RENAME_NOREPLACE)`. Elsewhere, or on a file system without it, the name
//!   is first claimed with an exclusive `mkdir` (or `create_new` for a file) and the finished
//!   staging is renamed over that empty claim, which POSIX does in one step; a reader may see
//!   the empty claim for an instant, never half of the content. (Windows renames a folder only
//!   onto a free name, so there the plain rename is itself exclusive.)
//! - **A replacement**, only when asked for, swaps the two atomically on Linux
//!   (`RENAME_EXCHANGE`), so there is no moment without a complete folder at the name. Elsewhere
//!   the old folder is first moved aside to `.NAME.PID.N.old` and moved back if the new one
//!   cannot be put in place. Of the old folder only the files the caller lists are deleted, then
//!   the folder if that emptied it: anything else found there is kept at `.NAME.PID.N.old`, and
//!   its place is said. Only a folder is ever replaced: never a file, never a link (nothing is
//!   deleted through one). Whether a folder may be replaced at all is the caller's to decide,
//!   from what [`contents`] lists, before any work and again just before the swap.
//!
//! Staging names are `.NAME.PID.N.tmp`. A writer first removes the staging of the same target
//! left by processes no longer running (a build killed part-way), and only what is provably
//! such a staging: a folder holding nothing but files the writer writes, or a writer's file,
//! under that name; never a link, a user's file, or a folder holding anything else. A staging
//! folder is removed
//! when its writer fails or panics, and, on an interrupt (Ctrl-C, a terminal closed, a
//! service stopped), by [`remove_unplaced`], which the binary's signal handler calls before it
//! exits: a staging folder of an archive holds a copy of the child-level export, so it must not
//! wait for the next build to be cleaned.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// What this process has staged and not yet placed: each staging path, with the file names it
/// may hold (none for a staging file). Every change to a staging (creating it, writing into it,
/// placing it, removing it) happens while this is locked, so an interrupt's cleanup, which
/// takes the lock and keeps it until the process exits, never races one: it waits for the
/// step under way (a write or a rename: moments), then removes whatever is still unplaced.
static UNPLACED: Mutex<Unplaced> = Mutex::new(Vec::new());

type Unplaced = Vec<(PathBuf, Option<Vec<String>>)>;

fn unplaced() -> MutexGuard<'static, Unplaced> {
    // A panic while the lock was held leaves the list as it was: still the truth.
    UNPLACED.lock().unwrap_or_else(|e| e.into_inner())
}

fn forget(list: &mut Unplaced, path: &Path) {
    list.retain(|(p, _)| p != path);
}

/// Removes every staging folder and file this process has not placed, and returns holding the
/// lock forever, so that nothing can be staged or placed after it: call it only on the way out
/// of the process (the binary's interrupt handler does, then exits).
pub fn remove_unplaced() {
    let mut list = unplaced();
    for (path, names) in list.drain(..) {
        match names {
            Some(names) => {
                remove_listed(&path, &names);
            }
            None => {
                let _ = fs::remove_file(&path);
            }
        }
    }
    std::mem::forget(list);
}

/// The error for a name that is taken, whoever took it.
fn exists() -> io::Error {
    io::Error::new(io::ErrorKind::AlreadyExists, "it already exists")
}

fn file_name(path: &Path) -> io::Result<String> {
    match path.file_name() {
        Some(name) => Ok(name.to_string_lossy().into_owned()),
        None => Err(io::Error::other(
            "the path must end in a file or folder name",
        )),
    }
}

/// The folder holding `path` (the current folder for a bare name).
fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A fresh hidden name beside `target`: `.NAME.PID.N.SUFFIX`.
fn hidden_sibling(target: &Path, suffix: &str) -> io::Result<PathBuf> {
    let name = file_name(target)?;
    let n = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    Ok(target.with_file_name(format!(".{name}.{}.{n}.{suffix}", std::process::id())))
}

/// Writes `bytes` to the file `path` whole or not at all. An existing file is replaced only
/// when `replace` is set; otherwise the name is claimed create-exclusively.
pub fn write(path: &Path, bytes: &[u8], replace: bool) -> io::Result<()> {
    if fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(io::Error::from(io::ErrorKind::IsADirectory));
    }
    if !replace && fs::symlink_metadata(path).is_ok() {
        return Err(exists());
    }
    clean_stale(path, Staged::File);
    let tmp = hidden_sibling(path, "tmp")?;
    let mut list = unplaced();
    list.push((tmp.clone(), None));
    let written = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        if replace {
            fs::rename(&tmp, path)
        } else {
            place_new(&tmp, path, false)
        }
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    forget(&mut list, &tmp);
    written
}

/// What a replacement did with the folder it replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replaced {
    /// There was no folder to replace after all.
    Nothing,
    /// The old folder's files were deleted, and the folder with them.
    Removed,
    /// The old folder held something the caller did not list, so it was kept here.
    KeptAt(PathBuf),
}

/// A folder being written under a hidden name beside its target, until it is placed. If it is
/// dropped unplaced (an error, a panic) the files written into it are removed, and it with them.
#[derive(Debug)]
pub struct Staging {
    path: PathBuf,
    /// The only file names this staging, or an old folder it replaces, may have deleted.
    removable: Vec<String>,
    placed: bool,
}

impl Staging {
    /// Writes `files` (name, bytes) into a new staging folder beside `target`. `removable`
    /// lists the file names a folder of this kind may hold: only those are ever deleted, from a
    /// stale staging or from an old folder being replaced.
    pub fn write(target: &Path, files: &[(&str, &[u8])], removable: &[&str]) -> io::Result<Self> {
        fs::create_dir_all(parent_of(target))?;
        let mut names: Vec<String> = removable.iter().map(|n| n.to_string()).collect();
        for (name, _) in files {
            if Path::new(name).file_name() != Some(std::ffi::OsStr::new(name)) {
                return Err(io::Error::other(format!(
                    "{name:?} is not a plain file name"
                )));
            }
            names.push(name.to_string());
        }
        clean_stale(target, Staged::Folder(&names));
        let path = hidden_sibling(target, "tmp")?;
        let mut list = unplaced();
        list.push((path.clone(), Some(names.clone())));
        let written = (|| {
            fs::create_dir(&path)?;
            for (name, bytes) in files {
                let mut file = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(path.join(name))?;
                file.write_all(bytes)?;
                file.sync_all()?;
            }
            sync_dir(&path);
            Ok(())
        })();
        if let Err(e) = written {
            remove_listed(&path, &names);
            forget(&mut list, &path);
            return Err(e);
        }
        drop(list);
        Ok(Staging {
            path,
            removable: names,
            placed: false,
        })
    }

    /// Puts the folder at `target`, a name that must be free: fails with `AlreadyExists`,
    /// leaving the staging ready for another name, if anything is there.
    pub fn place_new(&mut self, target: &Path) -> io::Result<()> {
        let mut list = unplaced();
        place_new(&self.path, target, true)?;
        forget(&mut list, &self.path);
        self.placed = true;
        sync_dir(parent_of(target));
        Ok(())
    }

    /// Puts the folder at `target` in place of what is there, which the caller has recognised
    /// as a folder it may replace.
    pub fn replace(&mut self, target: &Path) -> io::Result<Replaced> {
        let mut list = unplaced();
        let replaced = replace_dir(&self.path, target, &self.removable)?;
        forget(&mut list, &self.path);
        self.placed = true;
        sync_dir(parent_of(target));
        Ok(replaced)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.placed {
            let mut list = unplaced();
            remove_listed(&self.path, &self.removable);
            forget(&mut list, &self.path);
        }
    }
}

/// Whether `path` is itself a folder: not a link to one, not a file.
fn is_real_dir(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// Deletes the listed files of a folder, then the folder if that emptied it. Nothing is ever
/// deleted through a link: `dir` must itself be a folder, and of its entries only regular files
/// (never a link, even one bearing a listed name) are deleted.
fn remove_listed(dir: &Path, names: &[String]) -> Replaced {
    if !is_real_dir(dir) {
        return Replaced::KeptAt(dir.to_path_buf());
    }
    for name in names {
        let path = dir.join(name);
        if fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            let _ = fs::remove_file(path);
        }
    }
    match fs::remove_dir(dir) {
        Ok(()) => Replaced::Removed,
        Err(_) => Replaced::KeptAt(dir.to_path_buf()),
    }
}

/// What a folder holds, as a writer whose folders hold only `ours` sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contents {
    /// How many entries it has.
    pub entries: usize,
    /// The entries that are not a regular file named in `ours`, sorted, each as a person would
    /// recognise it: a folder as `name/`, a link as `name (a link)`.
    pub foreign: Vec<String>,
}

/// Lists what `dir` holds that a folder of this writer's kind never holds. A caller decides
/// from it whether `--force` may replace the folder ([`Staging::replace`]).
pub fn contents(dir: &Path, ours: &[&str]) -> io::Result<Contents> {
    let mut entries = 0;
    let mut foreign = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        entries += 1;
        let name = entry.file_name().to_string_lossy().into_owned();
        match entry.file_type() {
            Ok(t) if t.is_file() && ours.contains(&name.as_str()) => {}
            Ok(t) if t.is_dir() => foreign.push(format!("{name}/")),
            Ok(t) if t.is_symlink() => foreign.push(format!("{name} (a link)")),
            _ => foreign.push(name),
        }
    }
    foreign.sort();
    Ok(Contents { entries, foreign })
}

/// Makes a rename durable (best effort: not every system can sync a folder).
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Renames `from` to `to` only if nothing is at `to`.
fn place_new(from: &Path, to: &Path, is_dir: bool) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    match linux::rename(from, to, rustix::fs::RenameFlags::NOREPLACE)? {
        linux::Renamed::Done => return Ok(()),
        linux::Renamed::Taken => return Err(exists()),
        linux::Renamed::Unsupported => {}
    }
    #[cfg(windows)]
    if is_dir {
        // Windows never renames a folder onto an existing name.
        return fs::rename(from, to).map_err(|e| if to.exists() { exists() } else { e });
    }
    // Claim the name: only one writer can create it.
    let claimed = if is_dir {
        fs::create_dir(to)
    } else {
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(to)
            .map(drop)
    };
    claimed.map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            exists()
        } else {
            e
        }
    })?;
    // Replace our own empty claim in one step.
    if let Err(e) = fs::rename(from, to) {
        if is_dir {
            let _ = fs::remove_dir(to);
        } else if fs::metadata(to).is_ok_and(|m| m.len() == 0) {
            let _ = fs::remove_file(to);
        }
        return Err(e);
    }
    Ok(())
}

/// Puts the folder `from` at `to` in place of the folder there, deleting of the old one only
/// the `removable` files. Only a folder is ever replaced: a link (even to a folder) or a file
/// at `to` is refused, so nothing is deleted through a link and a user's file is never moved
/// aside.
fn replace_dir(from: &Path, to: &Path, removable: &[String]) -> io::Result<Replaced> {
    match fs::symlink_metadata(to) {
        Ok(m) if m.is_dir() => {}
        Ok(m) if m.is_symlink() => return Err(io::Error::other(NOT_THROUGH_A_LINK)),
        Ok(_) => return Err(io::Error::other(NOT_A_FILE)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            place_new(from, to, true)?;
            return Ok(Replaced::Nothing);
        }
        Err(e) => return Err(e),
    }
    #[cfg(target_os = "linux")]
    match linux::rename(from, to, rustix::fs::RenameFlags::EXCHANGE) {
        // The old folder is now at `from`.
        Ok(linux::Renamed::Done) => return Ok(set_aside(to, remove_listed(from, removable))),
        Ok(linux::Renamed::Taken) => return Err(exists()),
        Ok(linux::Renamed::Unsupported) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            place_new(from, to, true)?;
            return Ok(Replaced::Nothing);
        }
        Err(e) => return Err(e),
    }
    #[cfg(windows)]
    windows::refuse_if_held(to, removable)?;
    let old = hidden_sibling(to, "old")?;
    match fs::rename(to, &old) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            place_new(from, to, true)?;
            return Ok(Replaced::Nothing);
        }
        Err(e) => return Err(e),
    }
    if let Err(e) = fs::rename(from, to) {
        if fs::rename(&old, to).is_err() {
            return Err(io::Error::other(format!(
                "the new folder could not be put in place ({}); the old one is kept at {}",
                crate::shell::words::describe(&e),
                old.display()
            )));
        }
        return Err(e);
    }
    Ok(set_aside(to, remove_listed(&old, removable)))
}

const NOT_THROUGH_A_LINK: &str =
    "it is a link, and nothing is ever replaced through a link; nothing was changed";
const NOT_A_FILE: &str =
    "it is a file, not a folder, and only a folder is replaced; nothing was changed";

/// An old folder that still held something after its listed files were deleted is given an
/// `.old` name beside `target`, never one a staging has: a staging's name says it may be
/// cleaned, and what is left in that folder is not the tool's to clean.
fn set_aside(target: &Path, replaced: Replaced) -> Replaced {
    let Replaced::KeptAt(kept) = replaced else {
        return replaced;
    };
    if kept.extension().is_some_and(|e| e == "old") {
        return Replaced::KeptAt(kept);
    }
    match hidden_sibling(target, "old") {
        Ok(old) if place_new(&kept, &old, is_real_dir(&kept)).is_ok() => Replaced::KeptAt(old),
        _ => Replaced::KeptAt(kept),
    }
}

/// What a writer stages beside its target: a folder holding only the listed files, or a file.
#[derive(Debug, Clone, Copy)]
enum Staged<'a> {
    Folder(&'a [String]),
    File,
}

/// Removes the staging of `target` left by processes that are no longer running. Only what is
/// provably this writer's own staging is touched: an entry named as its staging (`.NAME.PID.N.tmp`
/// of a process that is gone) that is, for a folder writer, a folder (not a link) holding
/// nothing but regular files among `Staged::Folder`'s names, or, for a file writer, a regular
/// file. Anything else under such a name (a user's file, a link, a folder holding anything
/// more) is left alone.
fn clean_stale(target: &Path, staged: Staged) {
    let Ok(name) = file_name(target) else { return };
    let prefix = format!(".{name}.");
    let Ok(entries) = fs::read_dir(parent_of(target)) else {
        return;
    };
    for entry in entries.flatten() {
        let entry_name = entry.file_name();
        let entry_name = entry_name.to_string_lossy();
        let Some(pid) = entry_name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|rest| rest.split_once('.'))
            .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || running(pid) {
            continue;
        }
        // `DirEntry::file_type` does not follow a link.
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        match staged {
            Staged::Folder(names) if kind.is_dir() => {
                let ours: Vec<&str> = names.iter().map(String::as_str).collect();
                if contents(&entry.path(), &ours).is_ok_and(|c| c.foreign.is_empty()) {
                    remove_listed(&entry.path(), names);
                }
            }
            Staged::File if kind.is_file() => {
                let _ = fs::remove_file(entry.path());
            }
            _ => {}
        }
    }
}

/// Whether a process is running. Linux says so in /proc, Windows when asked for the process
/// by its id; elsewhere the tool cannot tell cheaply, so it assumes it is and never removes
/// another process's staging.
#[cfg(not(windows))]
fn running(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

#[cfg(windows)]
use windows::running;

#[cfg(windows)]
mod windows;

#[cfg(target_os = "linux")]
mod linux;

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: &[&str] = &["a.txt", "b.txt"];

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn write_dir(dir: &Path, files: &[(&str, &[u8])], replace: bool) -> io::Result<Replaced> {
        let mut staging = Staging::write(dir, files, KINDS)?;
        if replace && dir.exists() {
            staging.replace(dir)
        } else {
            staging.place_new(dir).map(|()| Replaced::Nothing)
        }
    }

    #[test]
    fn folder_appears_whole_and_is_replaced_only_when_asked() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("returns").join("2024-25-Q2");
        write_dir(&dir, &[("a.txt", b"one"), ("b.txt", b"two")], false).unwrap();
        assert_eq!(fs::read(dir.join("b.txt")).unwrap(), b"two");
        let err = write_dir(&dir, &[("a.txt", b"new")], false).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"one");
        assert_eq!(
            write_dir(&dir, &[("a.txt", b"new")], true).unwrap(),
            Replaced::Removed
        );
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"new");
        assert!(!dir.join("b.txt").exists());
        assert_eq!(names(dir.parent().unwrap()), ["2024-25-Q2"]);
    }

    #[test]
    fn a_replaced_folder_keeps_what_it_was_not_told_it_may_delete() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        write_dir(&dir, &[("a.txt", b"one")], false).unwrap();
        fs::write(dir.join("notes.docx"), b"mine").unwrap();
        let replaced = write_dir(&dir, &[("a.txt", b"two")], true).unwrap();
        let Replaced::KeptAt(kept) = replaced else {
            panic!("{replaced:?}")
        };
        assert_eq!(fs::read(kept.join("notes.docx")).unwrap(), b"mine");
        assert!(!kept.join("a.txt").exists());
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"two");
    }

    #[test]
    fn the_name_is_claimed_exclusively_even_when_it_is_an_empty_folder() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        fs::create_dir(&dir).unwrap();
        let err = write_dir(&dir, &[("a.txt", b"x")], false).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(names(root.path()), ["out"], "the staging is removed");
        // The portable path: claim with mkdir, then rename over the claim.
        let staged = root.path().join("staged");
        fs::create_dir(&staged).unwrap();
        fs::write(staged.join("a.txt"), b"x").unwrap();
        let err = place_new(&staged, &dir, true).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        let free = root.path().join("free");
        place_new(&staged, &free, true).unwrap();
        assert_eq!(fs::read(free.join("a.txt")).unwrap(), b"x");
    }

    #[test]
    fn racing_writers_of_one_name_never_replace_each_other() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        let results: Vec<io::Result<Replaced>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8u8)
                .map(|i| {
                    let dir = &dir;
                    s.spawn(move || write_dir(dir, &[("a.txt", &[b'0' + i])], false))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
        for r in results.iter().filter(|r| r.is_err()) {
            assert_eq!(r.as_ref().unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        }
        assert_eq!(names(root.path()), ["out"]);
    }

    #[test]
    fn failed_folder_write_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        assert!(write_dir(&dir, &[("../../escape/x", b"x")], false).is_err());
        assert!(write_dir(&dir, &[("a.txt", b"x"), ("a.txt", b"y")], false).is_err());
        assert!(!dir.exists());
        assert_eq!(names(root.path()), Vec::<String>::new());
    }

    #[test]
    fn stale_staging_of_a_dead_process_is_removed_and_a_live_ones_kept() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        // PIDs above the kernel's pid_max (4194304 at most) are never running.
        let dead = root.path().join(".out.4294967295.0.tmp");
        fs::create_dir(&dead).unwrap();
        fs::write(dead.join("a.txt"), b"child data").unwrap();
        let live = root
            .path()
            .join(format!(".out.{}.99.tmp", std::process::id()));
        fs::create_dir(&live).unwrap();
        let unrelated = root.path().join(".out.4294967295.x.tmp");
        fs::create_dir(&unrelated).unwrap();
        write_dir(&dir, &[("b.txt", b"x")], false).unwrap();
        let left = names(root.path());
        let has = |n: &str| left.iter().any(|l| l == n);
        assert!(has("out") && has(".out.4294967295.x.tmp"), "{left:?}");
        assert!(
            has(&live.file_name().unwrap().to_string_lossy()),
            "{left:?}"
        );
        // Only Linux and Windows can tell that a process is gone; elsewhere nothing is removed.
        let linux = cfg!(any(target_os = "linux", windows));
        assert_eq!(!has(".out.4294967295.0.tmp"), linux, "{left:?}");

        // A file writer's staging is a file, removed by the next file writer of that name.
        let dead_file = root.path().join(".out.json.4294967294.3.tmp");
        fs::write(&dead_file, b"half").unwrap();
        write(&root.path().join("out.json"), b"{}", false).unwrap();
        assert_eq!(!dead_file.exists(), linux);
    }

    #[test]
    fn only_what_is_provably_a_dead_writers_own_staging_is_ever_cleaned() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        let at = |n: u32| root.path().join(format!(".out.4294967295.{n}.tmp"));
        // A user's plain file under a staging's name is not a folder writer's staging.
        fs::write(at(0), b"my notes").unwrap();
        // A folder under that name holding anything the writer never writes is not either.
        fs::create_dir(at(1)).unwrap();
        fs::write(at(1).join("a.txt"), b"ours").unwrap();
        fs::write(at(1).join("notes.docx"), b"mine").unwrap();
        // Nor one holding a folder, or a link bearing one of the writer's names.
        fs::create_dir_all(at(2).join("sub")).unwrap();
        fs::write(at(2).join("a.txt"), b"ours").unwrap();
        let real = root.path().join("real");
        fs::create_dir(&real).unwrap();
        fs::write(real.join("a.txt"), b"the user's").unwrap();
        #[cfg(unix)]
        {
            fs::create_dir(at(3)).unwrap();
            std::os::unix::fs::symlink(real.join("a.txt"), at(3).join("a.txt")).unwrap();
            // A link under a staging's name, to the user's folder.
            std::os::unix::fs::symlink(&real, at(4)).unwrap();
        }
        write_dir(&dir, &[("a.txt", b"x")], false).unwrap();
        assert_eq!(fs::read(at(0)).unwrap(), b"my notes");
        assert_eq!(fs::read(at(1).join("a.txt")).unwrap(), b"ours");
        assert_eq!(fs::read(at(1).join("notes.docx")).unwrap(), b"mine");
        assert_eq!(fs::read(at(2).join("a.txt")).unwrap(), b"ours");
        assert_eq!(fs::read(real.join("a.txt")).unwrap(), b"the user's");
        #[cfg(unix)]
        {
            assert!(fs::symlink_metadata(at(3).join("a.txt")).is_ok());
            assert!(fs::symlink_metadata(at(4)).is_ok());
        }
        // A file writer of the same name never takes a folder for its staging.
        fs::create_dir(root.path().join(".out.4294967295.9.tmp")).unwrap();
        write(&dir.with_file_name("other"), b"x", false).unwrap();
        assert!(root.path().join(".out.4294967295.9.tmp").is_dir());
    }

    #[test]
    fn nothing_is_replaced_through_a_link_or_in_place_of_a_file() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("mine");
        fs::write(&file, b"my notes").unwrap();
        let err = write_dir(&file, &[("a.txt", b"x")], true).unwrap_err();
        assert!(err.to_string().contains("not a folder"), "{err}");
        assert_eq!(fs::read(&file).unwrap(), b"my notes");
        assert_eq!(names(root.path()), ["mine"], "the staging is removed");
        #[cfg(unix)]
        {
            let real = root.path().join("real");
            write_dir(&real, &[("a.txt", b"old"), ("b.txt", b"old")], false).unwrap();
            let link = root.path().join("board");
            std::os::unix::fs::symlink(&real, &link).unwrap();
            let err = write_dir(&link, &[("a.txt", b"new")], true).unwrap_err();
            assert!(err.to_string().contains("through a link"), "{err}");
            assert_eq!(names(&real), ["a.txt", "b.txt"]);
            assert_eq!(fs::read(real.join("a.txt")).unwrap(), b"old");
            assert_eq!(fs::read_link(&link).unwrap(), real);
            // Asked to remove a staging that is a link, nothing behind it is touched.
            let listed: Vec<String> = KINDS.iter().map(|n| n.to_string()).collect();
            assert_eq!(
                remove_listed(&link, &listed),
                Replaced::KeptAt(link.clone())
            );
            assert_eq!(names(&real), ["a.txt", "b.txt"]);
        }
    }

    #[test]
    fn a_folder_kept_by_a_replacement_is_never_taken_for_staging() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        write_dir(&dir, &[("a.txt", b"one")], false).unwrap();
        fs::write(dir.join("notes.docx"), b"mine").unwrap();
        let Replaced::KeptAt(kept) = write_dir(&dir, &[("a.txt", b"two")], true).unwrap() else {
            panic!("the old folder held a file the writer does not list")
        };
        let name = kept.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(".out.") && name.ends_with(".old"),
            "{name}"
        );
        write_dir(&dir, &[("a.txt", b"three")], true).unwrap();
        assert_eq!(fs::read(kept.join("notes.docx")).unwrap(), b"mine");
    }

    #[test]
    fn a_file_is_written_whole_and_replaced_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        write(&path, b"first", false).unwrap();
        let err = write(&path, b"second", false).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).unwrap(), b"first");
        write(&path, b"second", true).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(names(dir.path()), ["out.json"]);
        let err = write(dir.path(), b"x", true).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::IsADirectory);
    }

    #[test]
    fn failure_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-folder").join("out.json");
        assert!(write(&path, b"x", false).is_err());
        assert!(!path.exists());
    }
}
