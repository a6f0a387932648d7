//! `check` after a figure is typed over in return.xlsx: the edited cell leads ("Cohort!B5 was
//! changed after the build: 10, built as 9"), the findings that follow from it are grouped
//! under it, and every finding points at a cell. A return fit to send says what was checked
//! and which file to send.

use crate::common;

use std::path::Path;

use common::{build_sample, edit_part, native, run_in, set_number};

const WHEN: &str = "2024-10-21T09:30:00Z";

/// The 2024-25 Q2 sample built into `r/`. Its cohort: prevention 9, out of court 14,
/// community 19, custody 2, all 44 (Cohort!B5:F5, repeated in row 5 of KPI 1-5 and 8).
fn built() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    build_sample(2, &dir.path().join("r"), &["--generated-at", WHEN]);
    dir
}

/// Types `value` over `cell` of the workbook's `sheet` part (sheet2 is Cohort, sheet3 KPI 1).
fn type_over(dir: &Path, sheet: u8, cell: &str, value: &str) {
    let path = dir.join("r/return.xlsx");
    let bytes = std::fs::read(&path).unwrap();
    let edited = edit_part(&bytes, &format!("xl/worksheets/sheet{sheet}.xml"), |xml| {
        set_number(xml, cell, value)
    });
    std::fs::write(path, edited).unwrap();
}

#[test]
fn one_figure_typed_over_leads_with_its_cell_and_what_follows_is_under_it() {
    let dir = built();
    type_over(dir.path(), 2, "B5", "10");
    for target in ["r", &native("r/return.xlsx")] {
        let (code, out, _) = run_in(dir.path(), &["check", target]);
        assert_eq!(code, 1, "{out}");
        let lines: Vec<&str> = out.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.starts_with("Verdict: "))
            .unwrap();
        assert_eq!(lines[at], "Verdict: errors found: do not send this return");
        assert_eq!(
            lines[at + 1],
            "  19 error(s), 0 warning(s): 1 figure was changed after the build, and 18 findings \
             follow from it"
        );
        assert_eq!(
            lines[at + 2],
            native(
                "  ERROR C401 r/return.xlsx:Cohort!B5 cohort.prevention.children \"10\": \
                 Cohort!B5 was changed after the build: 10, built as 9 (r/return.xml and \
                 r/return.json hold 9); put 9 back, or build the return again"
            )
        );
        assert_eq!(
            lines[at + 3],
            "    which causes these (put it back and they go):"
        );
        let under = &lines[at + 4..];
        assert_eq!(under.len(), 18, "{out}");
        for line in under {
            assert!(line.starts_with("      ERROR C"), "{line}");
            // Every one points at a cell of the workbook (`Sheet!B5`), not a row (`Sheet!5:5`).
            assert!(line.contains(&native(" r/return.xlsx:")), "{line}");
            let after = line.split_once('!').map(|(_, a)| a).unwrap_or("");
            assert!(
                after.starts_with(|c: char| c.is_ascii_uppercase()),
                "not a cell: {line}"
            );
        }
        let count = |code: &str| under.iter().filter(|l| l.contains(code)).count();
        // all = the sum of the groups, and the cohort against KPI 1's and 2's breakdowns.
        assert_eq!(count("C301"), 3, "{out}");
        // The cohort repeated on KPI 1-5 and 8, each cell as built.
        assert_eq!(count("C401"), 6, "{out}");
        assert!(
            under.contains(
                &native(
                    "      ERROR C401 r/return.xlsx:'KPI1 Accommodation'!B5 \
                     cohort.prevention.children \"9\": cohort.prevention.children is 9 here but \
                     10 in Cohort!B5, where the workbook first shows it"
                )
                .as_str()
            ),
            "{out}"
        );
        // Every percentage over the prevention cohort.
        assert_eq!(count("C302"), 9, "{out}");
    }
    // The honest files beside it are not blamed.
    let (code, out, _) = run_in(dir.path(), &["check", &native("r/return.xml")]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn the_edits_are_in_json_with_where_their_findings_are() {
    let dir = built();
    type_over(dir.path(), 2, "B5", "10");
    let (code, out, _) = run_in(dir.path(), &["check", "r", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let edits = v["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{out}");
    let e = &edits[0];
    assert_eq!(e["file"], native("r/return.xlsx"));
    assert_eq!(e["code"], "cohort.prevention.children");
    assert_eq!(e["cell"], "Cohort!B5");
    assert_eq!(
        (e["value"].as_i64(), e["built"].as_i64()),
        (Some(10), Some(9))
    );
    assert_eq!(e["as_built"], true);
    assert_eq!(
        e["built_in"],
        serde_json::json!([native("r/return.xml"), native("r/return.json")])
    );
    let findings = v["findings"].as_array().unwrap();
    let own = &findings[e["finding"].as_u64().unwrap() as usize];
    assert_eq!(own["location"], native("r/return.xlsx:Cohort!B5"));
    let under = e["consequences"].as_array().unwrap();
    assert_eq!(under.len(), 18);
    assert_eq!(findings.len(), 19);
    assert_eq!(v["summary"]["errors"], 19);
}

#[test]
fn without_a_manifest_two_agreeing_files_still_show_the_typed_over_cell() {
    let dir = built();
    type_over(dir.path(), 2, "B5", "10");
    std::fs::remove_file(dir.path().join("r/manifest.json")).unwrap();
    let (code, out, _) = run_in(dir.path(), &["check", "r"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&native(
            "ERROR C401 r/return.xlsx:Cohort!B5 cohort.prevention.children \"10\": Cohort!B5 is \
             10 but 9 in r/return.xml and r/return.json, which agree: it was most likely typed \
             over\n    which causes these (put it back and they go):\n"
        )),
        "{out}"
    );
    // The XML's and JSON's own disagreement with the workbook follows from it too.
    assert!(
        out.contains(&native(
            "      ERROR C401 r/return.xml \"9\": cohort.prevention.children is 9 here but 10 in \
             r/return.xlsx\n"
        )),
        "{out}"
    );
}

#[test]
fn a_repeat_typed_over_is_its_own_cell_with_nothing_following() {
    let dir = built();
    // KPI 1's repeat of the prevention cohort.
    type_over(dir.path(), 3, "B5", "7");
    let (code, out, _) = run_in(dir.path(), &["check", "r"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&native(
            "  1 error(s), 0 warning(s): 1 figure was changed after the build\n  ERROR C401 \
             r/return.xlsx:'KPI1 Accommodation'!B5 cohort.prevention.children \"7\": 'KPI1 \
             Accommodation'!B5 was changed after the build: 7, built as 9 (r/return.xml and \
             r/return.json hold 9); put 9 back, or build the return again\n"
        )),
        "{out}"
    );
    assert!(!out.contains("which causes"), "{out}");
    // Not "re-saved though its figures agree" (C402): the edit says why it is not as built.
    assert!(!out.contains("C402"), "{out}");
}

#[test]
fn a_return_fit_to_send_says_what_was_checked_and_which_file_to_send() {
    let dir = built();
    let (code, out, _) = run_in(dir.path(), &["check", "r"]);
    assert_eq!(code, 0, "{out}");
    // The YJB collects the figures through its portal in its own template: the workbook is
    // what they are entered from, return.xml their record; nothing claims it is "the file to
    // submit".
    let next = native(
        "  To send: enter or upload the figures from r/return.xlsx in the YJB's portal (YJAF); \
         r/return.xml is their machine-readable record (this tool's own format)\n",
    );
    assert!(
        out.ends_with(&format!(
            "Verdict: passed: fit to send\n  NSH01 2024-25 Q2: XSD valid, identity as built, 252 \
             measures present, figures consistent\n{next}"
        )),
        "{out}"
    );
    let (code, out, _) = run_in(dir.path(), &["check", &native("r/return.xlsx")]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with(&format!(
            "  NSH01 2024-25 Q2: identity as built, 252 measures present, figures consistent\n\
             {next}"
        )),
        "{out}"
    );
    assert!(!out.to_lowercase().contains("submit"), "{out}");
    // Without its manifest the folder cannot be shown to be as built (C406).
    std::fs::remove_file(dir.path().join("r/manifest.json")).unwrap();
    let (code, out, _) = run_in(dir.path(), &["check", "r"]);
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains("fit to send"), "{out}");
    assert!(out.contains(&native("ERROR C406 r/manifest.json")), "{out}");
}
