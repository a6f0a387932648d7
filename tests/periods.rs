//! Periods through the real binary (return-format.md, opening paragraphs): every quarter since
//! the KPIs began can be built, a period the export does not cover is refused with both dates,
//! a provisional return is built only when asked and says so everywhere, and a period before
//! the KPIs began is misuse.

use crate::common;

use std::path::Path;

use common::*;

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = yjb().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_mistyped_period_is_refused_naming_both_dates_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("return");
    let (code, out, _) = run(
        &samples(),
        &[
            "build",
            "q2-export.xlsx",
            "--period",
            "2026-27 Q2",
            "--out",
            target.to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(
            "ERROR E450 Service!E2 extract_date \"2024-10-18\": the export was taken on \
             18 October 2024, before 2026-27 Q2 began on 1 July 2026: check the period (this \
             export most likely covers 2024-25 Q2)"
        ),
        "{out}"
    );
    assert!(
        out.contains("The return was not built: the export does not cover 2026-27 Q2."),
        "{out}"
    );
    assert!(!target.exists());
    // --provisional does not make a period that has not begun acceptable.
    let (code, out, _) = run(
        &samples(),
        &[
            "build",
            "q2-export.xlsx",
            "--period",
            "2026-27 Q2",
            "--provisional",
            "--out",
            target.to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(1), "{out}");
    assert!(!target.exists());
}

#[test]
fn an_export_taken_mid_quarter_builds_only_a_provisional_return() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("q4-early");
    let args = |extra: &[&'static str]| {
        let mut a = vec![
            "build",
            "q4-provisional-export.xlsx",
            "--period",
            "2024-25 Q4",
            "--generated-at",
            "2025-02-15T10:00:00Z",
        ];
        a.extend_from_slice(extra);
        a.push("--out");
        a
    };
    let mut refused = args(&[]);
    refused.push(target.to_str().unwrap());
    let (code, out, _) = run(&samples(), &refused);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(
            "ERROR E451 Service!E2 extract_date \"2025-02-14\": the export was taken on \
             14 February 2025, before 2024-25 Q4 ended on 31 March 2025"
        ),
        "{out}"
    );
    assert!(
        out.contains("or add --provisional for an early look"),
        "{out}"
    );
    assert!(!target.exists());

    let mut provisional = args(&["--provisional"]);
    provisional.push(target.to_str().unwrap());
    let (code, out, err) = run(&samples(), &provisional);
    assert_eq!(code, Some(0), "{out}{err}");
    let xml = std::fs::read_to_string(target.join("return.xml")).unwrap();
    assert!(xml.contains(" provisional=\"true\""), "{xml}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(target.join("return.json")).unwrap()).unwrap();
    assert_eq!(json["identity"]["provisional"], true);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(target.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["provisional"], true);

    // The workbook's cover says so in words, and check reads it back from every file.
    let (code, out, _) = run(tmp.path(), &["check", "q4-early"]);
    assert_eq!(
        code,
        Some(1),
        "a provisional return is never fit to send: {out}"
    );
    assert!(
        out.contains("Verdict: provisional: NOT fit to send"),
        "{out}"
    );
    assert_eq!(out.matches("WARNING C105").count(), 1, "{out}");
    for file in ["return.xlsx", "return.xml", "return.json"] {
        let (_, out, _) = run(&target, &["check", file, "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(
            v["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["code"] == "C105"),
            "{file}: {out}"
        );
    }

    // reproduce carries the flag through: the rebuild is byte-identical.
    let (code, out, _) = run(tmp.path(), &["reproduce", "q4-early"]);
    assert_eq!(code, Some(0), "{out}");

    // diff shows a provisional return replaced by the final one.
    let final_dir = tmp.path().join("q4-final");
    build_sample(4, &final_dir, &[]);
    let (code, out, _) = run(
        tmp.path(),
        &["diff", "q4-early", "q4-final", "--format", "json"],
    );
    assert_eq!(code, Some(1), "{out}");
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    let changes = d["identity"].as_array().unwrap();
    assert!(
        changes
            .iter()
            .any(|c| c["field"] == "provisional" && c["old"] == "true" && c["new"] == "false"),
        "{out}"
    );
}

#[test]
fn an_officer_may_mark_a_complete_export_provisional() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("q1");
    build_year_sample("2023-24", 1, &target, &["--provisional"]);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(target.join("return.json")).unwrap()).unwrap();
    assert_eq!(json["identity"]["provisional"], true);
    let (code, out, _) = run(tmp.path(), &["check", "q1"]);
    assert_eq!(code, Some(1));
    assert!(out.contains("NOT fit to send"), "{out}");
}

#[test]
fn a_period_before_the_kpis_began_is_misuse() {
    for command in ["validate", "build"] {
        let mut args = vec![command, "q1-export.xlsx", "--period", "2022-23 Q4"];
        if command == "build" {
            args.extend(["--out", "never"]);
        }
        let (code, out, err) = run(&samples_of("2023-24"), &args);
        assert_eq!(code, Some(2), "{command}: {out}{err}");
        assert!(
            err.contains(
                "no return can be made for 2022-23 Q4: the key performance indicators began in \
                 2023-24 Q1 (1 April 2023)"
            ),
            "{command}: {err}"
        );
    }
    assert!(!samples_of("2023-24").join("never").exists());
}

#[test]
fn a_definitions_folder_that_does_not_exist_is_named() {
    let (code, _, err) = run(
        &samples(),
        &[
            "--definitions",
            "/nonexistent/definitions",
            "validate",
            "q1-export.xlsx",
        ],
    );
    assert_eq!(code, Some(2));
    assert_eq!(
        err.trim(),
        "yjb-return: the definitions folder /nonexistent/definitions does not exist"
    );
}

#[test]
fn the_corrected_q3_export_is_filed_as_a_resubmission_with_moved_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let archive = tmp.path().join("returns");
    for stem in ["q3-export", "q3-export-corrected"] {
        let (code, out, err) = run(
            &samples(),
            &[
                "build",
                &format!("{stem}.xlsx"),
                "--period",
                "2024-25 Q3",
                "--archive",
                archive.to_str().unwrap(),
            ],
        );
        assert_eq!(code, Some(0), "{stem}: {out}{err}");
    }
    let (code, out, _) = run(
        &archive,
        &[
            "diff",
            "2024-25-Q3",
            "2024-25-Q3-resubmission-2",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, Some(1), "{out}");
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    let changed: Vec<&str> = d["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(changed.len(), 2, "{changed:?}");
    assert!(changed.contains(&"kpi1.all.suitable"), "{changed:?}");
}
