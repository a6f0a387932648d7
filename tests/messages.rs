//! The usual mistakes of a first day, each answered with one sentence that says what to do:
//! a mistyped or missing file, a folder where a file goes, a place that cannot be written, the
//! current folder as `--out`, a workbook open in Excel, the wrong kind of file for a command,
//! an old .xls and a password-protected workbook. Every message is pinned through the binary.

use crate::common;

use std::path::Path;

use common::{build_sample, clean_bytes, run_in};

const WHEN: &str = "2024-10-21T09:30:00Z";

/// A folder holding the clean export as `q2-export.xlsx` and its 2024-25 Q2 return in `r/`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("q2-export.xlsx"), clean_bytes()).unwrap();
    std::fs::write(dir.path().join("q3-export.xlsx"), clean_bytes()).unwrap();
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "build",
            "q2-export.xlsx",
            "--period",
            "2024-25 Q2",
            "--out",
            "r",
            "--generated-at",
            WHEN,
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    dir
}

/// The one line on stderr of a command that could not do its job (exit 2).
fn refusal(dir: &Path, args: &[&str]) -> String {
    let (code, out, err) = run_in(dir, args);
    assert_eq!(code, 2, "{out}{err}");
    assert_eq!(err.lines().count(), 1, "one sentence: {err}");
    err.trim_end().to_string()
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_mistyped_export_lists_the_workbooks_beside_it() {
    let w = workspace();
    assert_eq!(
        refusal(
            w.path(),
            &["validate", "q2-exprt.xlsx", "--period", "2024-25 Q2"]
        ),
        "yjb-return: cannot read q2-exprt.xlsx: it does not exist; the .xlsx files in the \
         current folder are q2-export.xlsx and q3-export.xlsx (is the name mistyped?)"
    );
    assert_eq!(
        refusal(
            w.path(),
            &[
                "build",
                "gone/q2.xlsx",
                "--period",
                "2024-25 Q2",
                "--out",
                "x"
            ]
        ),
        "yjb-return: cannot read gone/q2.xlsx: it does not exist; the folder gone does not \
         exist either: check the path"
    );
    let sidecar = refusal(
        w.path(),
        &[
            "validate",
            "q2-export.xlsx",
            "--acknowledgements",
            "notes.csv",
        ],
    );
    assert_eq!(
        sidecar,
        "yjb-return: cannot read notes.csv: it does not exist; the current folder holds no \
         .csv file"
    );
    let check = refusal(w.path(), &["check", "r/return.xsl"]);
    assert_eq!(
        check,
        "yjb-return: r/return.xsl does not exist; the .xml, .xlsx or .json files in the folder \
         r are manifest.json, return.json, return.xlsx and return.xml (is the name mistyped?)"
    );
}

#[test]
fn a_folder_given_for_the_export_lists_the_workbooks_in_it() {
    let w = workspace();
    assert_eq!(
        refusal(w.path(), &["validate", ".", "--period", "2024-25 Q2"]),
        "yjb-return: cannot read .: it is a folder, not a file: give the path of a file in it; \
         its .xlsx files are q2-export.xlsx and q3-export.xlsx"
    );
}

#[test]
fn the_current_folder_cannot_be_the_return_folder() {
    let w = workspace();
    let before = names(w.path());
    for extra in [&[][..], &["--force"][..]] {
        let mut args = vec![
            "build",
            "q2-export.xlsx",
            "--period",
            "2024-25 Q2",
            "--out",
            ".",
        ];
        args.extend(extra);
        let err = refusal(w.path(), &args);
        let sep = common::separator();
        assert_eq!(
            err,
            format!(
                "yjb-return: --out . is the folder this command runs in (or holds it), which \
                 cannot be replaced by a return: name a new folder inside it, e.g. --out \
                 returns{sep}2024-25-Q2 (nothing was changed)"
            )
        );
    }
    // A folder holding the current one is refused the same way.
    let err = refusal(
        &w.path().join("r"),
        &[
            "build",
            "../q2-export.xlsx",
            "--period",
            "2024-25 Q2",
            "--out",
            "..",
            "--force",
        ],
    );
    assert!(
        err.contains("--out .. is the folder this command runs in"),
        "{err}"
    );
    assert_eq!(names(w.path()), before, "nothing was changed");
}

#[test]
fn an_output_in_a_missing_folder_names_the_folder() {
    let w = workspace();
    let err = refusal(
        w.path(),
        &[
            "validate",
            "q2-export.xlsx",
            "--report",
            "reports/issues.xlsx",
        ],
    );
    assert_eq!(
        err,
        "yjb-return: cannot write reports/issues.xlsx: the folder reports does not exist: \
         create it first, or name a folder that exists"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_place_that_refuses_writing_says_what_to_do() {
    // /sys refuses new files even to root, which a test can count on where chmod cannot.
    let w = workspace();
    let err = refusal(
        w.path(),
        &["validate", "q2-export.xlsx", "--report", "/sys/issues.xlsx"],
    );
    assert_eq!(
        err,
        "yjb-return: cannot write /sys/issues.xlsx: permission to write there was refused: if \
         the file is open in Excel, close it in Excel first; otherwise write into a folder of \
         your own, such as one in Documents"
    );
}

#[cfg(unix)]
#[test]
fn an_export_that_may_not_be_read_says_what_to_do() {
    use std::io::Write as _;
    use std::os::unix::fs::PermissionsExt;
    let w = workspace();
    let path = w.path().join("q2-export.xlsx");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        // Run as root: permissions do not stop the read, so there is no refusal to see.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        // Said on the process's stderr, which the harness does not capture, so it shows.
        let _ = writeln!(
            std::io::stderr(),
            "\nSKIPPED an_export_that_may_not_be_read_says_what_to_do: run as root, which reads \
             any file, so there is no refusal to see\n"
        );
        return;
    }
    let err = refusal(w.path(), &["validate", "q2-export.xlsx"]);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(
        err,
        "yjb-return: cannot read q2-export.xlsx: permission to read it was refused: if it is \
         open in Excel, close it in Excel first; otherwise copy it into a folder of your own \
         (such as Documents) and give that copy"
    );
}

#[test]
fn an_export_open_in_excel_is_a_note_when_it_reads_and_part_of_the_refusal_when_not() {
    let w = workspace();
    std::fs::write(w.path().join("~$q2-export.xlsx"), b"owner").unwrap();
    let (code, out, err) = run_in(
        w.path(),
        &[
            "validate",
            "q2-export.xlsx",
            "--period",
            "2024-25 Q2",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        serde_json::from_str::<serde_json::Value>(&out).is_ok(),
        "stdout stays JSON"
    );
    assert_eq!(
        err.trim_end(),
        "note: q2-export.xlsx looks open in Excel (~$q2-export.xlsx is beside it): what was \
         read is its last saved copy; if you changed it, save it and close it in Excel first, \
         then run this again"
    );
    // Half-saved while Excel held it: the refusal says to close it.
    let whole = clean_bytes();
    std::fs::write(w.path().join("q2-export.xlsx"), &whole[..whole.len() / 2]).unwrap();
    let err = refusal(w.path(), &["validate", "q2-export.xlsx"]);
    assert!(err.contains("damaged"), "{err}");
    assert!(
        err.ends_with(
            "; it looks open in Excel (~$q2-export.xlsx is beside it): close it in Excel first \
             (F003)"
        ),
        "{err}"
    );
}

#[test]
fn check_on_an_export_names_validate_and_build() {
    let w = workspace();
    let (code, out, _) = run_in(w.path(), &["check", "q2-export.xlsx"]);
    assert_eq!(code, 2, "{out}");
    let sep = common::separator();
    assert!(
        out.contains(&format!(
            "FATAL C001 q2-export.xlsx: this is a case-management export, not a return: to \
             check the export, run `yjb-return validate q2-export.xlsx --period \"2024-25 Q2\"`; \
             to build its return, run `yjb-return build q2-export.xlsx --period \"2024-25 Q2\" \
             --out returns{sep}2024-25-Q2`, then check that folder"
        )),
        "{out}"
    );
}

#[test]
fn diff_on_an_export_names_build() {
    let w = workspace();
    let err = refusal(w.path(), &["diff", "q2-export.xlsx", "r"]);
    assert!(
        err.starts_with(
            "yjb-return: q2-export.xlsx: this is a case-management export, not a return: to \
             check the export, run `yjb-return validate q2-export.xlsx"
        ),
        "{err}"
    );
}

#[test]
fn validate_and_build_on_a_return_name_check() {
    let w = workspace();
    for (file, what) in [
        ("r/return.xlsx", "a return workbook (return.xlsx)"),
        ("r/return.xml", "a return's XML (return.xml)"),
        ("r/return.json", "a return's JSON (return.json)"),
    ] {
        for command in ["validate", "build"] {
            let mut args = vec![command, file, "--period", "2024-25 Q2"];
            if command == "build" {
                args.extend(["--out", "x"]);
            }
            let err = refusal(w.path(), &args);
            assert_eq!(
                err,
                format!(
                    "yjb-return: {file}: this is {what}, not a case-management export: to check \
                     it before sending, run `yjb-return check {file}` (F001)"
                )
            );
        }
    }
    let err = refusal(w.path(), &["validate", "r/manifest.json"]);
    assert!(
        err.starts_with(
            "yjb-return: r/manifest.json: this is a build's manifest.json, not a \
             case-management export: to rebuild that return for an audit, run `yjb-return \
             reproduce r/manifest.json`; the export it was built from is "
        ),
        "{err}"
    );
    assert!(err.ends_with("q2-export.xlsx (F001)"), "{err}");
}

#[test]
fn validate_on_its_own_issues_report_asks_for_the_export() {
    let w = workspace();
    let (code, _, err) = run_in(
        w.path(),
        &["validate", "q2-export.xlsx", "--report", "issues.xlsx"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        refusal(w.path(), &["validate", "issues.xlsx"]),
        "yjb-return: issues.xlsx: this is the issues report `validate --report` wrote, not the \
         export: give the export itself (the report's Summary sheet names it) (F001)"
    );
    let (code, out, _) = run_in(w.path(), &["validate", "issues.xlsx", "--format", "json"]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["verdict"], "unreadable");
}

#[test]
fn check_on_a_manifest_names_the_folder_and_reproduce() {
    let w = workspace();
    let (code, out, _) = run_in(w.path(), &["check", &common::native("r/manifest.json")]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&common::native(
            "FATAL C001 r/manifest.json: this is a build's manifest.json, not a return file: to \
             check the return, give its folder: `yjb-return check r`; to rebuild it for an \
             audit, run `yjb-return reproduce r/manifest.json`"
        )),
        "{out}"
    );
}

#[test]
fn reproduce_on_a_return_file_names_its_folder_or_check() {
    let w = workspace();
    assert_eq!(
        refusal(w.path(), &["reproduce", "r/return.xml"]),
        "yjb-return: r/return.xml: this is a return's XML (return.xml), not its manifest.json: \
         give the return's folder, which holds the manifest: `yjb-return reproduce r`"
    );
    std::fs::copy(w.path().join("r/return.xml"), w.path().join("sent.xml")).unwrap();
    assert_eq!(
        refusal(w.path(), &["reproduce", "sent.xml"]),
        "yjb-return: sent.xml: this is a return's XML (return.xml), not a manifest.json, and \
         no manifest.json is beside it, so it cannot be reproduced; to check it, run \
         `yjb-return check sent.xml`"
    );
    let err = refusal(w.path(), &["reproduce", "q2-export.xlsx"]);
    assert!(
        err.starts_with(
            "yjb-return: q2-export.xlsx: this is a case-management export, not a build's \
             manifest.json"
        ),
        "{err}"
    );
}

#[test]
fn reproduce_on_a_folder_without_a_manifest_says_what_it_holds() {
    let w = workspace();
    std::fs::remove_file(w.path().join("r/manifest.json")).unwrap();
    assert_eq!(
        refusal(w.path(), &["reproduce", "r"]),
        "yjb-return: r holds no manifest.json; it holds a return but no manifest.json, so it \
         cannot be reproduced (was the manifest moved or deleted?); to check the return itself, \
         run `yjb-return check r`"
    );
    // An archive's root names one of its quarters.
    let archive = tempfile::tempdir().unwrap();
    build_sample(2, &archive.path().join("returns/2024-25-Q2"), &[]);
    let sep = common::separator();
    for (command, holds) in [
        ("reproduce", "manifest.json"),
        ("check", "return.xml, return.xlsx or return.json"),
        ("diff", "return.json or return.xml"),
    ] {
        let mut args = vec![command, "returns"];
        if command == "diff" {
            args.push("returns/2024-25-Q2");
        }
        assert_eq!(
            refusal(archive.path(), &args),
            format!(
                "yjb-return: returns holds no {holds}; it is an archive of returns (2024-25-Q2): \
                 give one of them, e.g. `yjb-return {command} returns{sep}2024-25-Q2`"
            )
        );
    }
}

#[test]
fn an_old_xls_and_a_password_protected_workbook_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    // Both are OLE compound files; their directories name their streams in UTF-16LE.
    let ole = |stream: &str| {
        let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        bytes.resize(1024, 0);
        bytes.extend(stream.encode_utf16().chain([0]).flat_map(u16::to_le_bytes));
        bytes.resize(4096, 0);
        bytes
    };
    std::fs::write(dir.path().join("old.xlsx"), ole("Workbook")).unwrap();
    std::fs::write(dir.path().join("locked.xlsx"), ole("EncryptedPackage")).unwrap();
    assert_eq!(
        refusal(dir.path(), &["validate", "old.xlsx"]),
        "yjb-return: old.xlsx: this is an old-style .xls workbook: open it in Excel and save it \
         as an Excel workbook (.xlsx) with File > Save As (F002)"
    );
    assert_eq!(
        refusal(dir.path(), &["validate", "locked.xlsx"]),
        "yjb-return: locked.xlsx: this workbook is password-protected, so it cannot be read: \
         open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with \
         Password, and clear it), save it and close it (F002)"
    );
}

/// The 2024-25 Q2 sample export (one warning, W316, acknowledged by its sidecar) copied into
/// a fresh folder under `name`, its sidecar keeping the sample's name.
fn renamed_sample(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let samples = common::samples();
    std::fs::copy(samples.join("q2-export.xlsx"), dir.path().join(name)).unwrap();
    std::fs::copy(
        samples.join("q2-export.acknowledgements.csv"),
        dir.path().join("q2-export.acknowledgements.csv"),
    )
    .unwrap();
    dir
}

const NOT_FOUND: &str = "Note: no acknowledgements were read: \
    q2-export-v2.acknowledgements.csv was not found beside the export \
    (q2-export.acknowledgements.csv is there: was the export renamed? rename that file to \
    match, or give it with --acknowledgements).";

#[test]
fn another_quarters_acknowledgements_are_never_suggested() {
    // q3-export.acknowledgements.csv belongs to q3-export.xlsx beside it: the note for
    // q2-export.xlsx advised renaming it, which would take Q3's explanations away.
    let dir = tempfile::tempdir().unwrap();
    let samples = common::samples();
    for name in [
        "q2-export.xlsx",
        "q3-export.xlsx",
        "q3-export.acknowledgements.csv",
    ] {
        std::fs::copy(samples.join(name), dir.path().join(name)).unwrap();
    }
    let (code, out, _) = run_in(
        dir.path(),
        &["validate", "q2-export.xlsx", "--period", "2024-25 Q2"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "\nNote: no acknowledgements were read: q2-export.acknowledgements.csv was not \
             found beside the export.\n"
        ),
        "{out}"
    );
    assert!(!out.contains("q3-export"), "{out}");
    // Once q3-export.xlsx is gone, its sidecar may be the one that was meant.
    std::fs::remove_file(dir.path().join("q3-export.xlsx")).unwrap();
    let (_, out, _) = run_in(
        dir.path(),
        &["validate", "q2-export.xlsx", "--period", "2024-25 Q2"],
    );
    assert!(
        out.contains("(q3-export.acknowledgements.csv is there: was the export renamed?"),
        "{out}"
    );
}

#[test]
fn a_renamed_export_says_which_acknowledgements_file_it_looked_for() {
    let dir = renamed_sample("q2-export-v2.xlsx");
    let (code, out, _) = run_in(
        dir.path(),
        &["validate", "q2-export-v2.xlsx", "--period", "2024-25 Q2"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("\n{NOT_FOUND}\n")), "{out}");
    let (code, out, _) = run_in(
        dir.path(),
        &[
            "build",
            "q2-export-v2.xlsx",
            "--period",
            "2024-25 Q2",
            "--out",
            "r",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(NOT_FOUND), "{out}");
    // Under its own name the sidecar is read, and nothing is said.
    let dir = renamed_sample("q2-export.xlsx");
    let (_, out, _) = run_in(
        dir.path(),
        &["validate", "q2-export.xlsx", "--period", "2024-25 Q2"],
    );
    assert!(!out.contains("no acknowledgements"), "{out}");
    // Nor when there is no warning to acknowledge.
    let w = workspace();
    let (_, out, _) = run_in(
        w.path(),
        &["validate", "q2-export.xlsx", "--period", "2024-25 Q2"],
    );
    assert!(!out.contains("no acknowledgements"), "{out}");
}

#[test]
fn the_files_validate_writes_are_each_said_in_one_line() {
    let dir = renamed_sample("q2-export-v2.xlsx");
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "validate",
            "q2-export-v2.xlsx",
            "--period",
            "2024-25 Q2",
            "--acknowledgements-template",
            "explain.csv",
            "--redact",
            "shareable.xlsx",
            "--report",
            "issues.xlsx",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let lines = [
        "Acknowledgements template written to explain.csv: 1 warning(s), one a line; write why \
         each is right in its explanation column, then save it as \
         q2-export-v2.acknowledgements.csv beside the export, or give it with \
         --acknowledgements.",
        "Redacted copy written to shareable.xlsx: identifiers replaced by pseudonyms, unknown \
         columns emptied; dates (of birth too) and codes are kept, so it is pseudonymised, not \
         anonymous: share it only as your information-sharing rules allow.",
        "Report written to issues.xlsx",
    ];
    assert!(
        out.ends_with(&format!("\n\n{}\n", lines.join("\n"))),
        "{out}"
    );
    // Beside JSON, on stderr: standard output stays a document.
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "validate",
            "q2-export-v2.xlsx",
            "--format",
            "json",
            "--acknowledgements-template",
            "q2-export-v2.acknowledgements.csv",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        serde_json::from_str::<serde_json::Value>(&out).is_ok(),
        "{out}"
    );
    assert_eq!(
        err,
        "Acknowledgements template written to q2-export-v2.acknowledgements.csv: 1 \
         warning(s), one a line; write why each is right in its explanation column, it is \
         read from there next time.\n"
    );
}

#[test]
fn redacts_help_says_pseudonymised_not_anonymous() {
    let (code, out, _) = run_in(Path::new("."), &["validate", "--help"]);
    assert_eq!(code, 0);
    let help = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(!help.contains("safe to attach"), "{help}");
    assert!(
        help.contains("Dates, dates of birth included, and codes are kept (the rules need them), so the copy is pseudonymised, not anonymous"),
        "{help}"
    );
}
