//! The return's life through the real binary (return-format.md, "The return's life"): a
//! provisional return says so first and is never fit to send nor a submission, a resubmission
//! says what moved, diff's points agree with the percentages it shows, and an export taken a
//! quarter late is a query.

use crate::common;

use std::path::Path;

use common::*;

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = yjb().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn sample(name: &str) -> String {
    samples().join(name).display().to_string()
}

/// `build EXPORT --period PERIOD` with more arguments, in `dir`; must succeed.
fn build(dir: &Path, export: &str, period: &str, extra: &[&str]) -> String {
    let export = sample(export);
    let mut args = vec!["build", export.as_str(), "--period", period];
    args.extend_from_slice(extra);
    let (code, out, err) = run(dir, &args);
    assert_eq!(code, 0, "{out}{err}");
    out
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_provisional_return_says_so_first_and_check_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = build(
        dir,
        "q4-provisional-export.xlsx",
        "2024-25 Q4",
        &["--provisional", "--out", "p"],
    );
    assert_eq!(
        out.lines().next(),
        Some("PROVISIONAL return: for internal use, not for submission"),
        "{out}"
    );
    assert!(!out.contains("the file to submit"), "{out}");
    assert!(
        out.contains("return.xml    the figures as XML, marked provisional: not to be sent"),
        "{out}"
    );

    // Exit 0 means fit to send and nothing else: a script testing it must not send this.
    let (code, out, _) = run(dir, &["check", "p"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("Verdict: provisional: NOT fit to send"),
        "{out}"
    );
    for file in ["p/return.xml", "p/return.xlsx", "p/return.json"] {
        let (code, out, _) = run(dir, &["check", file, "--format", "json"]);
        assert_eq!(code, 1, "{file}: {out}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["verdict"], "provisional", "{file}");
    }

    // A final build names what each file is for; none is "the file to submit".
    let out = build(dir, "q4-export.xlsx", "2024-25 Q4", &["--out", "f"]);
    assert!(out.starts_with("Built the 2024-25 Q4 return"), "{out}");
    assert!(
        out.contains("return.xml    the same figures as XML: a machine-readable record"),
        "{out}"
    );
    assert!(!out.to_lowercase().contains("submit"), "{out}");
    assert!(!out.to_lowercase().contains("provisional"), "{out}");
    let (code, out, _) = run(dir, &["check", "f"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_provisional_return_in_the_archive_is_never_a_submission() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let early = ["--provisional", "--archive", "a"];
    let out = build(dir, "q4-provisional-export.xlsx", "2024-25 Q4", &early);
    assert!(
        out.contains(&native("in a/2024-25-Q4-provisional\n")),
        "{out}"
    );
    let out = build(dir, "q4-provisional-export.xlsx", "2024-25 Q4", &early);
    assert!(
        out.contains(&native("in a/2024-25-Q4-provisional-2\n")),
        "{out}"
    );
    assert!(!out.contains("resubmission"), "{out}");

    // A quarter with only provisional returns: the latest is used, marked provisional.
    let (code, out, err) = run(dir, &["scorecard", "a", "--out", "board1"]);
    assert_eq!(code, 0, "{out}{err}");
    let v = json(&dir.join("board1/scorecard.json"));
    let source = &v["sources"][0];
    assert_eq!(source["folder"], "2024-25-Q4-provisional-2");
    assert_eq!(source["submission"], serde_json::Value::Null);
    assert_eq!(source["provisional"], true);
    assert_eq!(source["revised"], false);

    // The final return is the quarter's first submission: not a resubmission, not revised,
    // and nothing warns about the provisional returns it supersedes.
    let out = build(dir, "q4-export.xlsx", "2024-25 Q4", &["--archive", "a"]);
    assert!(out.contains(&native("in a/2024-25-Q4\n")), "{out}");
    assert!(!out.contains("resubmission"), "{out}");
    let (code, out, err) = run(dir, &["scorecard", "a", "--out", "board2"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("C105") && !out.contains("warning"), "{out}");
    let v = json(&dir.join("board2/scorecard.json"));
    let source = &v["sources"][0];
    assert_eq!(source["folder"], "2024-25-Q4");
    assert_eq!(source["submission"], 1);
    assert_eq!(source["provisional"], false);
    assert_eq!(source["revised"], false);
    for indicator in v["indicators"].as_array().unwrap() {
        let q4 = indicator["values"].as_array().unwrap().last().unwrap();
        assert_eq!(q4["period"], "2024-25 Q4");
        assert_eq!(q4["revised"], false, "{}", indicator["id"]);
        assert_eq!(q4["provisional"], false, "{}", indicator["id"]);
    }
    let html = std::fs::read_to_string(dir.join("board2/scorecard.html")).unwrap();
    assert!(!html.contains("figure(s) moved"));
}

#[test]
fn a_resubmission_says_which_figures_moved() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let archive = ["--archive", "a"];
    let out = build(dir, "q3-export.xlsx", "2024-25 Q3", &archive);
    assert!(!out.contains("resubmission"), "{out}");
    let out = build(dir, "q3-export-corrected.xlsx", "2024-25 Q3", &archive);
    assert!(
        out.contains(&native(
            "A resubmission of 2024-25 Q3, compared with the latest earlier submission \
             (a/2024-25-Q3) as `yjb-return diff` compares them:\n"
        )),
        "{out}"
    );
    assert!(out.contains("2 figures changed:\n"), "{out}");
    assert!(
        out.contains(
            "  kpi1.all.suitable        25 -> 26  (+1)  In suitable accommodation (All)\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("86.2% -> 89.7%  (+3.5 points; before rounding +3.45)"),
        "{out}"
    );
    assert!(!out.contains("generated_at"), "{out}");
    // Filed again from the same export: against the latest earlier submission, nothing moved.
    let out = build(dir, "q3-export-corrected.xlsx", "2024-25 Q3", &archive);
    assert!(
        out.contains(&native(
            "(a/2024-25-Q3-resubmission-2) as `yjb-return diff` compares them:\n"
        )),
        "{out}"
    );
    assert!(out.contains("No figure changed."), "{out}");
}

#[test]
fn diff_points_are_the_difference_of_the_percentages_shown() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    build(dir, "q3-export.xlsx", "2024-25 Q3", &["--out", "first"]);
    build(
        dir,
        "q3-export-corrected.xlsx",
        "2024-25 Q3",
        &["--out", "second"],
    );
    let (code, out, _) = run(dir, &["diff", "first", "second"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "  kpi1.all.suitable / cohort.all.children              86.2% -> 89.7%  (+3.5 points; \
             before rounding +3.45)  % in suitable accommodation (All)\n"
        ),
        "{out}"
    );
    let (_, out, _) = run(dir, &["diff", "first", "second", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let all = v["percentages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["numerator"] == "kpi1.all.suitable")
        .unwrap();
    assert_eq!((&all["old"], &all["new"]), (&86.2.into(), &89.7.into()));
    assert_eq!(all["points"], 3.5);
    let exact = all["points_exact"].as_f64().unwrap();
    assert!((exact - 100.0 / 29.0).abs() < 1e-9, "{exact}");
}

#[test]
fn an_export_taken_after_the_following_quarter_is_a_query() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // The Q3 export (taken 17 January 2025) built as Q2: Q3 had ended by then.
    let out = build(dir, "q3-export.xlsx", "2024-25 Q2", &["--out", "late"]);
    assert!(
        out.contains(
            "WARNING W452 Service!E2 extract_date \"2025-01-17\": the export was taken on 17 \
             January 2025, after 2024-25 Q3, the quarter following 2024-25 Q2, had ended on 31 \
             December 2024: check the period (this export most likely covers 2024-25 Q3)"
        ),
        "{out}"
    );
    // The Q2 export as Q1, through validate: a query, so exit 0, and it can be acknowledged.
    let q2 = sample("q2-export.xlsx");
    let args = ["validate", q2.as_str(), "--period", "2024-25 Q1"];
    let (code, out, _) = run(dir, &args);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("most likely covers 2024-25 Q2"), "{out}");
    let sidecar = dir.join("late.csv");
    let mut template = args.to_vec();
    template.extend(["--acknowledgements-template", "late.csv"]);
    assert_eq!(run(dir, &template).0, 0);
    let filled: String = std::fs::read_to_string(&sidecar)
        .unwrap()
        .lines()
        .map(|l| {
            if l.starts_with("W452,") {
                format!("{l}Q1 rebuilt late at the YJB's request")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&sidecar, filled).unwrap();
    let (code, out, _) = run(
        dir,
        &[
            "build",
            q2.as_str(),
            "--period",
            "2024-25 Q1",
            "--acknowledgements",
            "late.csv",
            "--out",
            "q1",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("(acknowledged: Q1 rebuilt late at the YJB's request)"),
        "{out}"
    );
    let manifest = json(&dir.join("q1/manifest.json"));
    assert!(
        manifest["acknowledged"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["code"] == "W452"),
        "{manifest}"
    );
    // The usual lag is nothing to report.
    let out = build(dir, "q2-export.xlsx", "2024-25 Q2", &["--out", "usual"]);
    assert!(!out.contains("W452"), "{out}");
}
