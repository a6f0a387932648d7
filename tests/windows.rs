//! What a data officer's Windows laptop does that Linux does not: paths typed with `\`, spaces
//! and a drive letter; an export or a return open in Excel; the Command Prompt redirecting the
//! output; a reader that stops early. These run against the Windows build under Wine (see
//! tests/wine/README.md): elsewhere they say they skipped, except the closed pipe, which every
//! system has.
//!
//! Wine maps its drive Z: to `/`, so `Z:\tmp\x` is the test's `/tmp/x`. `hold.exe` (built from
//! tests/wine/hold.c) keeps a file open the way Excel keeps a workbook it shows.

use crate::common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::{program, program_is_windows, run_in, samples};

/// Whether `test` needs the Windows build and this run has another: then it says so.
fn skipped_without_windows(test: &str) -> bool {
    if program_is_windows() {
        return false;
    }
    let _ = writeln!(
        std::io::stderr(),
        "\nSKIPPED {test}: it needs the Windows build (YJB_RETURN_EXE, tests/wine/README.md)\n"
    );
    true
}

/// `path` as Windows names it under Wine: `Z:\tmp\x` for `/tmp/x`.
fn on_drive_z(path: &Path) -> String {
    format!("Z:{}", path.display()).replace('/', "\\")
}

/// A Windows program of Wine's (`cmd`) or a helper, run as the program under test is.
fn windows_command(program: &str) -> Command {
    match std::env::var_os("YJB_RETURN_RUNNER") {
        Some(runner) => {
            let mut c = Command::new(runner);
            c.arg(program);
            c
        }
        None => Command::new(program),
    }
}

/// The helper `hold.exe`, from YJB_RETURN_WINE_HELPERS (tests/wine/setup makes it).
fn hold_exe(test: &str) -> Option<PathBuf> {
    let helper = std::env::var_os("YJB_RETURN_WINE_HELPERS")
        .map(|dir| PathBuf::from(dir).join("hold.exe"))
        .filter(|p| p.is_file());
    if helper.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{test}: hold.exe is required in CI (tests/wine/setup builds it)"
        );
        let _ = writeln!(
            std::io::stderr(),
            "\nSKIPPED {test}: hold.exe was not built (YJB_RETURN_WINE_HELPERS, tests/wine/setup)\n"
        );
    }
    helper
}

/// Runs `line` as if typed at a Command Prompt in `dir` (so a `for` takes `%x`, not `%%x`),
/// returning its exit status: cmd reads it, then `exit %errorlevel%`, from a file (Wine's
/// cmd loses the status when its input is a pipe).
pub fn at_the_prompt(dir: &Path, line: &str) -> std::process::ExitStatus {
    let typed = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(typed.path(), format!("{line}\r\nexit %errorlevel%\r\n")).unwrap();
    windows_command("cmd")
        .current_dir(dir)
        .stdin(std::fs::File::open(typed.path()).unwrap())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
}

/// A file kept open by another program until this is dropped.
struct Held(Child);

impl Held {
    /// Opens `path` in hold.exe, sharing it with readers (`read`, as Excel does) or nobody
    /// (`none`), and waits until it is held.
    fn new(helper: &Path, path: &Path, share: &str) -> Held {
        let mut child = windows_command(&helper.display().to_string())
            .arg(on_drive_z(path))
            .arg(share)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut said = [0u8; 4];
        child.stdout.take().unwrap().read_exact(&mut said).unwrap();
        assert_eq!(&said, b"held");
        Held(child)
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.wait();
    }
}

/// The 2024-25 Q2 sample and its acknowledgements copied into `dir` under `name`.
fn copy_sample(dir: &Path, name: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let export = dir.join(format!("{name}.xlsx"));
    std::fs::copy(samples().join("q2-export.xlsx"), &export).unwrap();
    std::fs::copy(
        samples().join("q2-export.acknowledgements.csv"),
        dir.join(format!("{name}.acknowledgements.csv")),
    )
    .unwrap();
    export
}

#[test]
fn paths_with_backslashes_spaces_and_a_drive_letter() {
    if skipped_without_windows("paths_with_backslashes_spaces_and_a_drive_letter") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let export = copy_sample(&d.join("Council Data/YJS exports"), "Q2 export");
    let typed = r"Council Data\YJS exports\Q2 export.xlsx";
    let period = ["--period", "2024-25 Q2"];

    let (code, out, err) = run_in(d, &[&["validate", typed][..], &period].concat());
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with(typed), "{out}");
    // Built into a folder typed with `\` and spaces, which is made as typed.
    let (code, out, err) = run_in(
        d,
        &[
            &["build", typed][..],
            &period,
            &["--out", r"Returns 2024-25\Q2"],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(r" in Returns 2024-25\Q2"), "{out}");
    assert!(d.join("Returns 2024-25/Q2/return.xml").is_file());
    // The manifest names the export by its whole path, as Explorer shows it: a drive letter,
    // never Windows' internal `\\?\` form.
    let manifest = std::fs::read_to_string(d.join("Returns 2024-25/Q2/manifest.json")).unwrap();
    let recorded = serde_json::to_string(&on_drive_z(&export)).unwrap();
    assert!(manifest.contains(&recorded), "{manifest}");
    assert!(!manifest.contains(r"\\\\?\\"), "{manifest}");

    // The same with whole paths on a drive letter, filed in an archive whose name has a space.
    let archive = on_drive_z(&d.join("Archive Folder"));
    let (code, out, err) = run_in(
        Path::new("/"),
        &[
            &["build", &on_drive_z(&export)][..],
            &period,
            &["--archive", &archive],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!(r" in {archive}\2024-25-Q2")), "{out}");
    let filed = format!(r"{archive}\2024-25-Q2");
    for args in [
        &["check", &filed][..],
        &["reproduce", &filed],
        &["diff", r"Returns 2024-25\Q2", &filed],
    ] {
        let (code, out, err) = run_in(d, args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
    }
    // A mistyped name lists the exports in that folder, the path as it was typed.
    let (code, _, err) = run_in(
        d,
        &[
            &["validate", r"Council Data\YJS exports\Q2 exprot.xlsx"][..],
            &period,
        ]
        .concat(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            r"the .xlsx files in the folder Council Data\YJS exports are Q2 export.xlsx (is the name mistyped?)"
        ),
        "{err}"
    );
}

#[test]
fn what_windows_builds_linux_reproduces_byte_identical() {
    if skipped_without_windows("what_windows_builds_linux_reproduces_byte_identical") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let linux = || assert_cmd::Command::cargo_bin("yjb-return").unwrap();
    let when = ["--generated-at", "2024-10-21T09:30:00Z"];
    // Two quarters filed on Windows, and the board's scorecard drawn from them there.
    for q in [1, 2] {
        let export = samples().join(format!("q{q}-export.xlsx"));
        let (code, out, err) = run_in(
            d,
            &[
                &["build", &export.display().to_string()][..],
                &["--period", &format!("2024-25 Q{q}"), "--archive", "archive"],
                &when,
            ]
            .concat(),
        );
        assert_eq!(code, 0, "{out}{err}");
    }
    let (code, out, err) = run_in(
        d,
        &[&["scorecard", "archive", "--out", "board"][..], &when].concat(),
    );
    assert_eq!(code, 0, "{out}{err}");
    // An auditor on another system reproduces every return filed.
    for folder in ["archive/2024-25-Q1", "archive/2024-25-Q2"] {
        let out = linux()
            .current_dir(d)
            .args(["reproduce", folder])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{folder}: {text}");
    }
    // The scorecard's manifest names the archive by its whole path (Z:\...), which only
    // Windows can open, so Linux draws the same scorecard from the same archive instead.
    let drawn = linux()
        .current_dir(d)
        .args(["scorecard", "archive", "--out", "linux-board"])
        .args(when)
        .output()
        .unwrap();
    assert_eq!(drawn.status.code(), Some(0));
    for file in ["scorecard.xlsx", "scorecard.html", "scorecard.json"] {
        assert!(
            std::fs::read(d.join("linux-board").join(file)).unwrap()
                == std::fs::read(d.join("board").join(file)).unwrap(),
            "{file} differs between Linux and Windows"
        );
    }
    // And builds the same bytes from the same export.
    let built_on_linux = linux()
        .current_dir(d)
        .arg("build")
        .arg(samples().join("q2-export.xlsx"))
        .args(["--period", "2024-25 Q2", "--out", "linux"])
        .args(when)
        .output()
        .unwrap();
    assert_eq!(built_on_linux.status.code(), Some(0));
    for file in ["return.xlsx", "return.xml", "return.json"] {
        assert!(
            std::fs::read(d.join("linux").join(file)).unwrap()
                == std::fs::read(d.join("archive/2024-25-Q2").join(file)).unwrap(),
            "{file} differs between Linux and Windows"
        );
    }
}

#[test]
fn an_export_open_in_excel_is_read_or_named() {
    let test = "an_export_open_in_excel_is_read_or_named";
    if skipped_without_windows(test) {
        return;
    }
    let Some(helper) = hold_exe(test) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let export = copy_sample(d, "q2-export");
    // Excel keeps a lock file beside a workbook it has open.
    std::fs::write(d.join("~$q2-export.xlsx"), b"\x0bA Officer").unwrap();
    let args = ["validate", "q2-export.xlsx", "--period", "2024-25 Q2"];
    {
        // Excel lets others read what it shows: the last saved copy is read, and that is said.
        let _excel = Held::new(&helper, &export, "read");
        let (code, out, err) = run_in(d, &args);
        assert_eq!(code, 0, "{out}{err}");
        assert!(
            err.contains(
                "note: q2-export.xlsx looks open in Excel (~$q2-export.xlsx is beside it): what \
                 was read is its last saved copy"
            ),
            "{err}"
        );
    }
    {
        // A program that shares it with nobody: named, with what to do.
        let _held = Held::new(&helper, &export, "none");
        let (code, _, err) = run_in(d, &args);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.starts_with(
                "yjb-return: cannot read q2-export.xlsx: another program (most often Excel) has \
                 it open: close it in Excel first, then try again"
            ),
            "{err}"
        );
    }
    // The lock file is never offered as an export.
    let (_, _, err) = run_in(d, &["validate", "q2-exprot.xlsx", "--period", "2024-25 Q2"]);
    assert!(
        err.contains("are q2-export.xlsx (is the name mistyped?)"),
        "{err}"
    );
}

#[test]
fn a_return_open_in_excel_is_not_replaced() {
    let test = "a_return_open_in_excel_is_not_replaced";
    if skipped_without_windows(test) {
        return;
    }
    let Some(helper) = hold_exe(test) else { return };
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    copy_sample(d, "q2-export");
    let build = [
        "build",
        "q2-export.xlsx",
        "--period",
        "2024-25 Q2",
        "--out",
        "r",
        "--force",
    ];
    let (code, out, err) = run_in(d, &build);
    assert_eq!(code, 0, "{out}{err}");
    let before = std::fs::read(d.join("r/return.xlsx")).unwrap();
    {
        let _excel = Held::new(&helper, &d.join("r/return.xlsx"), "read");
        let (code, out, err) = run_in(d, &build);
        assert_eq!(code, 2, "{out}{err}");
        assert!(
            err.contains("another program (most often Excel) has it open: close it in Excel first"),
            "{err}"
        );
    }
    // Nothing was moved, deleted or left half-done.
    assert_eq!(std::fs::read(d.join("r/return.xlsx")).unwrap(), before);
    let mut names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["q2-export.acknowledgements.csv", "q2-export.xlsx", "r"]
    );
    // Closed in Excel, the same command replaces it.
    let (code, out, err) = run_in(d, &build);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn output_the_command_prompt_redirects_is_utf8_with_the_tools_own_words_in_ascii() {
    let test = "output_the_command_prompt_redirects_is_utf8_with_the_tools_own_words_in_ascii";
    if skipped_without_windows(test) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut sheets = common::clean();
    common::set(&mut sheets, "Children", 0, "sex", "Ä");
    common::write_xlsx(&sheets, &d.join("export.xlsx"));
    let exe = on_drive_z(Path::new(&std::env::var("YJB_RETURN_EXE").unwrap()));
    let status = at_the_prompt(
        d,
        &format!("\"{exe}\" validate export.xlsx --period \"2024-25 Q2\" > out.txt"),
    );
    let bytes = std::fs::read(d.join("out.txt")).unwrap();
    let text = String::from_utf8(bytes).expect("the file is UTF-8");
    assert_eq!(
        status.code(),
        Some(1),
        "validate finds the sex code: {text}"
    );
    assert!(text.contains("sex \"\u{c4}\""), "{text}");
    let foreign: Vec<char> = text
        .replace('\u{c4}', "")
        .chars()
        .filter(|c| !c.is_ascii())
        .collect();
    assert!(foreign.is_empty(), "{foreign:?}: {text}");
}

#[test]
fn a_reader_that_stops_early_ends_nothing_badly() {
    // `yjb-return rules | more`, quit at once: the output's reader has gone before the first
    // line is written. The command ends as it would have, with nothing on stderr.
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["rules", "--format", "markdown"][..],
        &[
            "validate",
            &samples().join("flawed-export.xlsx").display().to_string(),
            "--period",
            "2024-25 Q2",
            "--all",
        ],
    ] {
        let mut child = program()
            .current_dir(dir.path())
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        let expected = if args[0] == "rules" { 0 } else { 1 };
        assert_eq!(out.status.code(), Some(expected), "{args:?}: {err}");
        assert_eq!(err, "", "{args:?}");
    }
}
