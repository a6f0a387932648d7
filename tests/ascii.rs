//! Console output survives a Windows console on a legacy code page (850, 1252): the tool's own
//! words and punctuation are plain ASCII ("...", "->"), so nothing turns into "?" or box
//! drawing. User data (a YJS name with a circumflex, a value typed in the export) is printed
//! as it is, so each run here removes the values it planted before looking.

use crate::common;

use std::path::Path;

use common::{build_sample, run_in, samples, set, write_xlsx};

/// Everything not ASCII left in `text` once the user's own `values` are taken out.
fn foreign(text: &str, values: &[&str]) -> Vec<char> {
    let mut rest = text.to_string();
    for v in values {
        rest = rest.replace(v, "");
    }
    rest.chars().filter(|c| !c.is_ascii()).collect()
}

/// Runs the binary and fails on anything not ASCII but `values`; returns the exit status and
/// standard output.
fn assert_ascii(dir: &Path, args: &[&str], values: &[&str]) -> (i32, String) {
    let (code, out, err) = run_in(dir, args);
    for text in [&out, &err] {
        let odd = foreign(text, values);
        assert!(odd.is_empty(), "{args:?} printed {odd:?}:\n{text}");
    }
    (code, out)
}

#[test]
fn every_command_speaks_ascii_on_the_samples() {
    let s = samples();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    build_sample(1, &d.join("q1"), &[]);
    build_sample(2, &d.join("q2"), &[]);
    let q2 = s.join("q2-export.xlsx").display().to_string();
    let flawed = s.join("flawed-export.xlsx").display().to_string();
    let provisional = s.join("q4-provisional-export.xlsx").display().to_string();
    let q3 = s.join("q3-export.xlsx").display().to_string();
    let q3_corrected = s.join("q3-export-corrected.xlsx").display().to_string();
    let runs: Vec<Vec<&str>> = vec![
        vec!["--help"],
        vec!["--version"],
        vec!["validate", "--help"],
        vec!["build", "--help"],
        vec!["check", "--help"],
        vec!["reproduce", "--help"],
        vec!["diff", "--help"],
        vec!["rules", "--help"],
        vec!["rules"],
        vec!["rules", "--format", "csv"],
        vec!["rules", "--format", "markdown"],
        vec!["validate", &q2, "--period", "2024-25 Q2"],
        vec!["validate", &flawed, "--period", "2024-25 Q2", "--all"],
        vec![
            "build",
            &flawed,
            "--period",
            "2024-25 Q2",
            "--out",
            "refused",
        ],
        vec!["build", &q2, "--period", "2024-25 Q2", "--out", "built"],
        vec![
            "build",
            &provisional,
            "--period",
            "2024-25 Q4",
            "--provisional",
            "--out",
            "early",
        ],
        vec!["check", "q2"],
        vec!["check", "early"],
        vec!["check", &q2],
        vec!["reproduce", "q2"],
        vec!["diff", "q1", "q2"],
        vec!["validate", "q2/return.xlsx"],
        vec!["reproduce", "q2/return.xml"],
        vec!["validate", "missing.xlsx"],
        vec!["explain", "--help"],
        vec![
            "explain",
            &q2,
            "--period",
            "2024-25 Q2",
            "--measure",
            "*",
            "--all",
        ],
        vec![
            "explain",
            &flawed,
            "--period",
            "2024-25 Q2",
            "--measure",
            "kpi1",
        ],
        vec![
            "explain",
            &q2,
            "--period",
            "2024-25 Q2",
            "--measure",
            "kpi1.al",
        ],
        vec!["explain", &q3, &q3_corrected, "--period", "2024-25 Q3"],
    ];
    for args in &runs {
        assert_ascii(d, args, &[]);
    }
    // An edited return: check, reproduce and diff say what differs.
    let json = std::fs::read_to_string(d.join("q2/return.json")).unwrap();
    let edited = json.replacen(
        "\"code\": \"kpi1.all.suitable\",\n      \"value\": ",
        "\"code\": \"kpi1.all.suitable\",\n      \"value\": 1",
        1,
    );
    assert_ne!(edited, json);
    std::fs::write(d.join("q2/return.json"), edited).unwrap();
    // return.xml re-saved with the same figures: not the file the manifest records.
    let mut xml = std::fs::read(d.join("q1/return.xml")).unwrap();
    xml.extend_from_slice(b"\n");
    std::fs::write(d.join("q1/return.xml"), xml).unwrap();
    let (_, out, _) = run_in(d, &["check", "q1"]);
    assert!(out.contains("is not the one"), "{out}");
    for args in [
        &["check", "q1"][..],
        &["check", "q2"],
        &["reproduce", "q2"],
        &["diff", "q1", "q2/return.json"],
    ] {
        assert_ascii(d, args, &[]);
    }
}

#[test]
fn the_scorecard_speaks_ascii() {
    let s = samples();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for q in 1..=2 {
        let export = s.join(format!("q{q}-export.xlsx")).display().to_string();
        let period = format!("2024-25 Q{q}");
        let (code, out, err) = run_in(
            d,
            &[
                "build",
                &export,
                "--period",
                &period,
                "--archive",
                "returns",
            ],
        );
        assert_eq!(code, 0, "{out}{err}");
    }
    let (code, out, err) = run_in(d, &["scorecard", "returns", "--out", "board"]);
    assert_eq!(code, 0, "{out}{err}");
    for args in [
        &["scorecard", "returns", "--out", "board"][..],
        &["scorecard", "--help"],
        &["reproduce", "board"],
        &["check", "board/manifest.json"],
        &["validate", "board/scorecard.xlsx"],
    ] {
        assert_ascii(d, args, &[]);
    }
}

#[test]
fn user_data_is_printed_as_typed_and_nothing_else_is_not_ascii() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut sheets = common::clean();
    set(&mut sheets, "Service", 0, "yjs_name", "Ynys Môn");
    set(&mut sheets, "Children", 0, "sex", "Ä");
    write_xlsx(&sheets, &d.join("export.xlsx"));
    let validate = ["validate", "export.xlsx", "--period", "2024-25 Q2"];
    let (code, out) = assert_ascii(d, &validate, &["Ä"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("\"Ä\""), "the value as typed: {out}");
    set(&mut sheets, "Children", 0, "sex", "M");
    write_xlsx(&sheets, &d.join("export.xlsx"));
    let build = [
        "build",
        "export.xlsx",
        "--period",
        "2024-25 Q2",
        "--out",
        "r",
    ];
    let (code, out) = assert_ascii(d, &build, &["Ynys Môn"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Ynys Môn"), "{out}");
    for args in [
        &[
            "build",
            "export.xlsx",
            "--period",
            "2024-25 Q3",
            "--out",
            "r3",
        ][..],
        &["check", "r"],
        &["reproduce", "r"],
        &["diff", "r", "r3"],
    ] {
        assert_ascii(d, args, &["Ynys Môn"]);
    }
}
