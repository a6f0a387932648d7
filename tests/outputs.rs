//! The user's files are sacred: `build`, `reproduce` and `validate` never replace or delete
//! anything but what they wrote, and two builds at once never replace each other.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

const WHEN: &str = "2024-10-21T09:30:00Z";

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        write_xlsx(&clean(), &dir.path().join("export.xlsx"));
        Fixture { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn command(&self, args: &[&str]) -> std::process::Command {
        let mut c = program();
        c.current_dir(self.dir.path()).args(args);
        c
    }

    fn run(&self, args: &[&str]) -> (i32, String, String) {
        run_in(self.dir.path(), args)
    }

    fn build_args<'a>(&self, target: &'a [&'a str]) -> Vec<&'a str> {
        let mut args = vec![
            "build",
            "export.xlsx",
            "--period",
            "2024-25 Q2",
            "--generated-at",
            WHEN,
        ];
        args.extend_from_slice(target);
        args
    }
}

fn decode(out: Output) -> (i32, String, String) {
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file under `dir`, relative, with its bytes: what must be left exactly as it was.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
                out.push((p.strip_prefix(dir).unwrap().to_path_buf(), Vec::new()));
            } else {
                let bytes = std::fs::read(&p).unwrap();
                out.push((p.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    out.sort();
    out
}

fn hidden(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

#[test]
fn force_over_an_archive_root_is_refused_and_nothing_is_deleted() {
    let f = Fixture::new();
    let archive = f.build_args(&["--archive", "returns"]);
    assert_eq!(f.run(&archive).0, 0);
    assert_eq!(f.run(&archive).0, 0);
    std::fs::write(f.path("returns/board-paper.docx"), b"the board's paper").unwrap();
    let before = snapshot(&f.path("returns"));
    let (code, out, err) = f.run(&f.build_args(&["--out", "returns", "--force"]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("cannot replace returns")
            && err.contains("2024-25-Q2-resubmission-2/, 2024-25-Q2/ and board-paper.docx")
            && err.contains("archive of returns")
            && err.contains("nothing was changed"),
        "{err}"
    );
    assert_eq!(snapshot(&f.path("returns")), before);
}

#[test]
fn force_over_a_folder_holding_the_export_is_refused_and_nothing_is_deleted() {
    let f = Fixture::new();
    std::fs::create_dir(f.path("exports")).unwrap();
    write_xlsx(&clean(), &f.path("exports/q2-export.xlsx"));
    std::fs::write(f.path("exports/notes.txt"), b"neighbour").unwrap();
    let before = snapshot(f.dir.path());
    let (code, _, err) = f.run(&[
        "build",
        "exports/q2-export.xlsx",
        "--period",
        "2024-25 Q2",
        "--out",
        "exports",
        "--force",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("notes.txt and q2-export.xlsx, which build never writes"),
        "{err}"
    );
    assert_eq!(snapshot(f.dir.path()), before);
}

#[test]
fn force_over_a_return_with_an_unrelated_file_is_refused() {
    let f = Fixture::new();
    assert_eq!(f.run(&f.build_args(&["--out", "r"])).0, 0);
    std::fs::write(f.path("r/letter.docx"), b"keep me").unwrap();
    let before = snapshot(f.dir.path());
    let (code, _, err) = f.run(&f.build_args(&["--out", "r", "--force"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("letter.docx, which build never writes"),
        "{err}"
    );
    assert_eq!(snapshot(f.dir.path()), before);
}

#[test]
fn force_over_a_folder_without_a_manifest_is_refused() {
    let f = Fixture::new();
    std::fs::create_dir(f.path("r")).unwrap();
    std::fs::write(f.path("r/return.xml"), b"<mine/>").unwrap();
    let (code, _, err) = f.run(&f.build_args(&["--out", "r", "--force"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no readable manifest.json"), "{err}");
    assert_eq!(std::fs::read(f.path("r/return.xml")).unwrap(), b"<mine/>");
}

#[test]
fn force_replaces_a_return_whole_and_leaves_nothing_hidden() {
    let f = Fixture::new();
    assert_eq!(f.run(&f.build_args(&["--out", "r"])).0, 0);
    let (code, out, err) = f.run(&[
        "build",
        "export.xlsx",
        "--period",
        "2024-25 Q2",
        "--out",
        "r",
        "--force",
        "--generated-at",
        "2024-10-22T09:30:00Z",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let manifest = std::fs::read_to_string(f.path("r/manifest.json")).unwrap();
    assert!(manifest.contains("2024-10-22T09:30:00Z"), "{manifest}");
    assert_eq!(hidden(f.dir.path()), Vec::<String>::new());
}

#[test]
fn out_naming_an_existing_file_is_refused_and_the_file_is_untouched() {
    let f = Fixture::new();
    std::fs::write(f.path("report.docx"), b"precious").unwrap();
    for extra in [&[][..], &["--force"][..]] {
        let mut target = vec!["--out", "report.docx"];
        target.extend_from_slice(extra);
        let (code, _, err) = f.run(&f.build_args(&target));
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("report.docx is a file, not a folder"), "{err}");
        assert_eq!(std::fs::read(f.path("report.docx")).unwrap(), b"precious");
        assert_eq!(hidden(f.dir.path()), Vec::<String>::new());
    }
}

#[test]
fn concurrent_archive_builds_of_one_quarter_all_land_in_their_own_folders() {
    let f = Fixture::new();
    let args = f.build_args(&["--archive", "returns"]);
    let builds = 4;
    for round in 0..3 {
        let children: Vec<_> = (0..builds)
            .map(|_| f.command(&args).output_spawned())
            .collect();
        for child in children {
            let (code, out, err) = decode(child.wait_with_output().unwrap());
            assert_eq!(code, 0, "{out}{err}");
        }
        let mut folders: Vec<String> = std::fs::read_dir(f.path("returns"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        folders.sort();
        assert_eq!(folders.len(), builds * (round + 1), "{folders:?}");
        for folder in &folders {
            assert!(!folder.starts_with('.'), "{folders:?}");
            let m = f.path("returns").join(folder).join("manifest.json");
            assert!(m.exists(), "{folder} is whole");
        }
    }
}

#[test]
fn concurrent_out_builds_without_force_never_replace_each_other() {
    let f = Fixture::new();
    let args = f.build_args(&["--out", "r"]);
    for _ in 0..3 {
        let _ = std::fs::remove_dir_all(f.path("r"));
        let children: Vec<_> = (0..3).map(|_| f.command(&args).output_spawned()).collect();
        let results: Vec<_> = children
            .into_iter()
            .map(|c| decode(c.wait_with_output().unwrap()))
            .collect();
        let won = results.iter().filter(|(code, _, _)| *code == 0).count();
        assert_eq!(won, 1, "{results:?}");
        for (code, _, err) in results.iter().filter(|(code, _, _)| *code != 0) {
            assert_eq!(*code, 2);
            assert!(
                err.contains("r already exists") && err.contains("--force"),
                "{err}"
            );
        }
        assert!(f.path("r/manifest.json").exists());
        assert_eq!(hidden(f.dir.path()), Vec::<String>::new());
    }
}

#[test]
fn stale_staging_left_by_a_killed_build_is_cleaned_by_the_next() {
    let f = Fixture::new();
    // As a build killed while filing would leave it: a PID no process can have.
    let stale = f.path("returns/.2024-25-Q2.4294967295.0.tmp");
    std::fs::create_dir_all(&stale).unwrap();
    std::fs::write(stale.join("input.xlsx"), b"child-level data").unwrap();
    let stale_out = f.path(".r.4294967295.7.tmp");
    std::fs::create_dir(&stale_out).unwrap();
    std::fs::write(stale_out.join("return.xml"), b"<half").unwrap();
    assert_eq!(f.run(&f.build_args(&["--archive", "returns"])).0, 0);
    assert_eq!(f.run(&f.build_args(&["--out", "r"])).0, 0);
    // Linux and Windows tell a dead process's staging; elsewhere it is kept, to be safe.
    if cfg!(target_os = "linux") || program_is_windows() {
        assert!(!stale.exists() && !stale_out.exists());
    }
}

#[test]
fn reproduce_out_never_replaces_anything() {
    let f = Fixture::new();
    assert_eq!(f.run(&f.build_args(&["--out", "r"])).0, 0);
    std::fs::write(f.path("taken"), b"mine").unwrap();
    let (code, _, err) = f.run(&["reproduce", "r", "--out", "taken"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("taken already exists"), "{err}");
    assert_eq!(std::fs::read(f.path("taken")).unwrap(), b"mine");
    let (code, out, err) = f.run(&["reproduce", "r", "--out", "rebuilt"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(f.path("rebuilt/return.xml").exists());
}

#[test]
fn validate_never_writes_over_its_input_or_an_existing_file_without_force() {
    let f = Fixture::new();
    let export = std::fs::read(f.path("export.xlsx")).unwrap();
    for option in ["--report", "--redact", "--acknowledgements-template"] {
        for name in ["export.xlsx", "./export.xlsx"] {
            let (code, _, err) = f.run(&["validate", "export.xlsx", option, name, "--force"]);
            assert_eq!(code, 2, "{err}");
            assert!(
                err.contains(&format!("{option} names the export being validated")),
                "{err}"
            );
            assert_eq!(std::fs::read(f.path("export.xlsx")).unwrap(), export);
        }
    }
    std::fs::write(f.path("issues.xlsx"), b"last week's").unwrap();
    let (code, _, err) = f.run(&["validate", "export.xlsx", "--report", "issues.xlsx"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("already exists; add --force to replace it"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(f.path("issues.xlsx")).unwrap(),
        b"last week's"
    );
    let (code, _, err) = f.run(&[
        "validate",
        "export.xlsx",
        "--report",
        "same.xlsx",
        "--redact",
        "same.xlsx",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("name the same file"), "{err}");
    let (code, out, err) = f.run(&[
        "validate",
        "export.xlsx",
        "--report",
        "issues.xlsx",
        "--force",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        std::fs::read(f.path("issues.xlsx"))
            .unwrap()
            .starts_with(b"PK")
    );
    // The acknowledgements file being read is an input too.
    std::fs::write(
        f.path("acks.csv"),
        "code,sheet,row,column,value,explanation\n",
    )
    .unwrap();
    let (code, _, err) = f.run(&[
        "validate",
        "export.xlsx",
        "--acknowledgements",
        "acks.csv",
        "--acknowledgements-template",
        "acks.csv",
        "--force",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("the acknowledgements file being read"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn force_over_the_folder_holding_the_export_being_read_is_refused() {
    // The tester's case: an archived submission copied out, rebuilt from its own input.
    let f = Fixture::new();
    assert_eq!(f.run(&f.build_args(&["--archive", "returns"])).0, 0);
    std::fs::create_dir(f.path("q2")).unwrap();
    for entry in std::fs::read_dir(f.path("returns/2024-25-Q2")).unwrap() {
        let from = entry.unwrap().path();
        std::fs::copy(&from, f.path("q2").join(from.file_name().unwrap())).unwrap();
    }
    std::fs::write(
        f.path("q2/input.acknowledgements.csv"),
        "code,sheet,row,column,value,explanation\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("q2/input.xlsx", f.path("linked.xlsx")).unwrap();
    let before = snapshot(f.dir.path());
    for (export, out, what) in [
        ("q2/input.xlsx", "q2", "the export being read"),
        ("./q2/../q2/input.xlsx", "q2/", "the export being read"),
        ("linked.xlsx", "q2", "the export being read"),
        ("export.xlsx", "q2", "the acknowledgements file being read"),
    ] {
        let mut args = vec![
            "build",
            export,
            "--period",
            "2024-25 Q2",
            "--out",
            out,
            "--force",
        ];
        if export == "export.xlsx" {
            args.extend(["--acknowledgements", "q2/input.acknowledgements.csv"]);
        }
        let (code, stdout, err) = f.run(&args);
        assert_eq!(code, 2, "{export}: {stdout}{err}");
        assert!(
            err.contains(&format!("cannot replace {out}: it holds {what}"))
                && err.contains("nothing was changed"),
            "{err}"
        );
        assert_eq!(snapshot(f.dir.path()), before, "{export}");
        assert_eq!(hidden(f.dir.path()), Vec::<String>::new());
    }
    // The copy still reproduces: nothing it names was deleted.
    let (code, out, err) = f.run(&["reproduce", "q2"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[cfg(unix)]
#[test]
fn out_and_archive_through_a_link_say_what_they_are() {
    if not_on_windows(
        "out_and_archive_through_a_link_say_what_they_are",
        NO_LINKS_UNDER_WINE,
    ) {
        return;
    }
    let f = Fixture::new();
    assert_eq!(f.run(&f.build_args(&["--out", "r"])).0, 0);
    std::os::unix::fs::symlink("r", f.path("linked")).unwrap();
    let before = snapshot(f.dir.path());
    // Replacing through a link is never done, with --force or without.
    for extra in [&[][..], &["--force"][..]] {
        let mut target = vec!["--out", "linked"];
        target.extend_from_slice(extra);
        let (code, _, err) = f.run(&f.build_args(&target));
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("--out linked is a link to r, not a folder")
                && err.contains("--force never replaces anything through a link")
                && !err.contains("is a file"),
            "{err}"
        );
        assert_eq!(snapshot(f.dir.path()), before);
        assert_eq!(
            std::fs::read_link(f.path("linked")).unwrap(),
            Path::new("r")
        );
    }
    // Filing into an archive reached through the user's own link is done, in the folder it
    // leads to.
    std::fs::create_dir(f.path("archive")).unwrap();
    std::os::unix::fs::symlink("archive", f.path("shared")).unwrap();
    let (code, out, err) = f.run(&f.build_args(&["--archive", "shared"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(f.path("archive/2024-25-Q2/manifest.json").is_file());
    // A link to a file, or to nothing, is said as such.
    std::fs::write(f.path("notes.txt"), b"mine").unwrap();
    std::os::unix::fs::symlink("notes.txt", f.path("to-a-file")).unwrap();
    let (code, _, err) = f.run(&f.build_args(&["--archive", "to-a-file"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--archive to-a-file is a link to a file"),
        "{err}"
    );
    std::os::unix::fs::symlink("gone", f.path("dangling")).unwrap();
    let (code, _, err) = f.run(&f.build_args(&["--archive", "dangling"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--archive dangling is a link to gone, which does not exist"),
        "{err}"
    );
    assert_eq!(std::fs::read(f.path("notes.txt")).unwrap(), b"mine");
}

/// Starts a command with its output captured, without waiting for it.
trait Spawn {
    fn output_spawned(&mut self) -> std::process::Child;
}

impl Spawn for std::process::Command {
    fn output_spawned(&mut self) -> std::process::Child {
        self.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }
}
