//! `validate` end to end through the real binary, on exports written as real .xlsx files.

use crate::common;

use calamine::{Reader, Xlsx, open_workbook};
use common::*;

fn run(sheets: &[Sheet], args: &[&str]) -> (i32, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export.xlsx");
    write_xlsx(sheets, &export);
    let out = yjb()
        .current_dir(dir.path())
        .arg("validate")
        .arg(&export)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (out.status.code().unwrap(), stdout, dir)
}

#[test]
fn a_clean_export_passes_with_exit_0() {
    let (code, out, _dir) = run(&clean(), &["--period", "2024-25 Q2"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Verdict: passed"), "{out}");
    // The aliases used in Children are named once each.
    assert!(
        out.contains(
            "NOTE I111 Children!B1 DOB \"DOB\": header \"DOB\" was read as column date_of_birth"
        ),
        "{out}"
    );
}

#[test]
fn errors_give_exit_1_and_the_cell_the_user_knows() {
    let mut sheets = clean();
    set(&mut sheets, "Interventions", 0, "end_date", "2024-13-01");
    let (code, out, _dir) = run(&sheets, &["--period", "2024-25 Q2"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("ERROR E201 Interventions!E2 end_date \"2024-13-01\": not a date (use YYYY-MM-DD or DD/MM/YYYY)"),
        "{out}"
    );
}

#[test]
fn json_report_locates_every_finding() {
    let mut sheets = clean();
    set(&mut sheets, "Interventions", 1, "ete_status", "NEET");
    set(&mut sheets, "Offences", 1, "offence_id", "O1");
    let (code, out, _dir) = run(&sheets, &["--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["verdict"], "errors");
    assert_eq!(v["contains_case_identifiers"], true);
    let got: Vec<(String, u64, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["row"].as_u64().unwrap(),
                f["column"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("E317".to_string(), 3, "ete_suitable".to_string()),
            ("E401".to_string(), 3, "offence_id".to_string()),
        ]
    );
    let dup = &v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "E401")
        .unwrap();
    assert_eq!(dup["related"][0]["location"], "Offences!A2");
    assert!(
        v["rules"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "E403" && r["status"] == "not_applicable")
    );
}

#[test]
fn the_excel_report_lists_highlights_and_links() {
    let mut sheets = clean();
    set(&mut sheets, "Interventions", 0, "end_date", "2024-13-01");
    set(
        &mut sheets,
        "Children",
        0,
        "Child ID",
        "=HYPERLINK(\"http://x\")",
    );
    // A finding on that row, so that its copy holds it.
    set(&mut sheets, "Children", 0, "sex", "X");
    let (code, out, dir) = run(&sheets, &["--report", "issues.xlsx", "--all"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Report written to issues.xlsx"));
    let path = dir.path().join("issues.xlsx");
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let names = wb.sheet_names();
    // Only the sheets with findings are copied (Service, Victims and BoardAttendance have
    // none; Offences names C1, no longer in Children).
    assert_eq!(
        names,
        [
            "Issues",
            "Summary",
            "By child",
            "Children",
            "Interventions",
            "Offences"
        ]
    );
    let issues = wb.worksheet_range("Issues").unwrap();
    let text: Vec<String> = issues
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    assert!(text[1].contains("case identifiers"));
    assert!(
        text.iter()
            .any(|l| l.contains("E201") && l.contains("Interventions!E2")),
        "{text:#?}"
    );
    // Text beginning with = is copied as text, not turned into a formula.
    let children = wb.worksheet_range("Children").unwrap();
    assert_eq!(
        children.get_value((1, 0)).unwrap().to_string(),
        "=HYPERLINK(\"http://x\")"
    );
    let formulas = wb.worksheet_formula("Children").unwrap();
    assert!(formulas.used_cells().count() == 0);
    let summary = wb.worksheet_range("Summary").unwrap();
    let summary: Vec<String> = summary
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    assert!(
        summary
            .iter()
            .any(|l| l.starts_with("E403|error|") && l.contains("not applicable")),
        "{summary:#?}"
    );
    // No temporary file is left beside the report.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "{leftovers:?}");
}

#[test]
fn acknowledgement_sidecar_beside_the_export_is_read() {
    let mut sheets = clean();
    set(&mut sheets, "Interventions", 0, "accommodation_type", "NFA");
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("q2.xlsx");
    write_xlsx(&sheets, &export);
    let out = yjb()
        .arg("validate")
        .arg(&export)
        .arg("--acknowledgements-template")
        .arg(dir.path().join("t.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let template = std::fs::read_to_string(dir.path().join("t.csv")).unwrap();
    assert_eq!(
        template,
        "code,sheet,row,column,value,explanation\nW316,Interventions,2,accommodation_suitable,Y,\n"
    );
    std::fs::write(
        dir.path().join("q2.acknowledgements.csv"),
        template.trim_end().to_string() + "Placed with a registered host family\n",
    )
    .unwrap();
    let out = yjb().arg("validate").arg(&export).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Verdict: passed (every warning acknowledged)"),
        "{text}"
    );
    assert!(
        text.contains("(acknowledged: Placed with a registered host family)"),
        "{text}"
    );
}

#[test]
fn rules_lists_the_catalogue_in_every_format() {
    let out = yjb().args(["rules", "--format", "csv"]).output().unwrap();
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("code,severity,sheets,title,fix\n"));
    assert!(csv.contains("\nW420,warning,Interventions,"));
    let md = yjb()
        .args(["rules", "--format", "markdown"])
        .output()
        .unwrap();
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md")).unwrap();
    assert_eq!(String::from_utf8(md.stdout).unwrap(), docs);
    let version = yjb().arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8(version.stdout).unwrap().trim(),
        format!(
            "yjb-return {} (definitions 2024-25)",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn redacted_copy_pseudonymises_identifiers_and_keeps_the_findings() {
    let mut sheets = clean();
    set(&mut sheets, "Interventions", 1, "ete_status", "NEET");
    sheets[1].headers.push("notes".into());
    set(
        &mut sheets,
        "Children",
        0,
        "notes",
        "Jamie Smith, lives with nan",
    );
    let (code, before, dir) = run(&sheets, &["--format", "json", "--redact", "shareable.xlsx"]);
    assert_eq!(code, 1);
    let copy = dir.path().join("shareable.xlsx");
    let mut wb: Xlsx<_> = open_workbook(&copy).unwrap();
    let children = wb.worksheet_range("Children").unwrap();
    let ids: Vec<String> = children.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert_eq!(ids, ["CHILD-0001", "CHILD-0002"]);
    assert!(
        children
            .rows()
            .all(|r| r.iter().all(|c| !c.to_string().contains("Jamie"))),
        "unknown columns are emptied"
    );
    let orders = wb.worksheet_range("Interventions").unwrap();
    let refs: Vec<String> = orders.rows().skip(1).map(|r| r[1].to_string()).collect();
    assert_eq!(refs, ["CHILD-0001", "CHILD-0002", "CHILD-0002"]);

    let out = yjb()
        .current_dir(dir.path())
        .args(["validate", "shareable.xlsx", "--format", "json"])
        .output()
        .unwrap();
    let codes = |text: &str| -> Vec<(String, u64)> {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] != "W110")
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_string(),
                    f["row"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    };
    assert_eq!(
        codes(&String::from_utf8(out.stdout).unwrap()),
        codes(&before)
    );
}

/// Progress is for a person at a terminal: nothing reaches a redirected standard error, and
/// JSON output is the document alone.
#[test]
fn no_progress_when_stderr_is_not_a_terminal() {
    for args in [
        vec!["validate", "q2-export.xlsx", "--period", "2024-25 Q2"],
        vec![
            "validate",
            "q2-export.xlsx",
            "--period",
            "2024-25 Q2",
            "--format",
            "json",
        ],
    ] {
        let out = yjb().current_dir(samples()).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("Reading sheet"), "{args:?}: {err}");
        if args.contains(&"json") {
            let _: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        }
    }
}

#[test]
fn an_export_saved_by_libreoffice_calc_gives_the_same_findings() {
    // Calc saves every boolean cell as the formula TRUE() or FALSE() with its value cached:
    // validate warned W112 ("the sheet holds 132 formula cell(s)") on four sheets where nobody
    // wrote a formula.
    let test = "an_export_saved_by_libreoffice_calc_gives_the_same_findings";
    if !soffice_available(test) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let original = samples().join("flawed-export.xlsx");
    let saved = soffice_convert(&original, "xlsx", dir.path());
    let findings = |path: &std::path::Path| {
        let out = yjb()
            .arg("validate")
            .arg(path)
            .args(["--period", "2024-25 Q2", "--format", "json"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let list: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {} {} {} {}",
                    f["code"], f["location"], f["value"], f["message"], f["record"]
                )
            })
            .collect();
        (out.status.code(), list)
    };
    let (code, before) = findings(&original);
    let (saved_code, after) = findings(&saved);
    // The round trip changed the file (LibreOffice wrote its own), not what it says.
    assert_ne!(
        std::fs::read(&original).unwrap(),
        std::fs::read(&saved).unwrap()
    );
    assert_eq!(code, saved_code);
    assert_eq!(before, after);
    let w112 = after.iter().filter(|f| f.starts_with("\"W112\"")).count();
    assert_eq!(w112, 1, "only the one formula the sample holds: {after:#?}");
    // And a clean sample saved by Calc builds the same figures, without a query.
    let original = samples().join("q2-export.xlsx");
    let saved = soffice_convert(&original, "xlsx", dir.path());
    let measures = |path: &std::path::Path, out: &str| {
        let done = yjb()
            .arg("build")
            .arg(path)
            .args(["--period", "2024-25 Q2", "--out"])
            .arg(dir.path().join(out))
            .args(["--generated-at", "2024-10-21T09:30:00Z"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&done.stdout).into_owned();
        assert_eq!(done.status.code(), Some(0), "{stdout}");
        assert!(!stdout.contains("W112"), "{stdout}");
        let json = std::fs::read_to_string(dir.path().join(out).join("return.json")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        v["measures"].clone()
    };
    assert_eq!(measures(&original, "before"), measures(&saved, "after"));
}

#[test]
fn without_a_period_validate_says_the_period_checks_did_not_run() {
    // The export was taken on 2024-10-18, before 2024-25 Q3 ended: with that period it is an
    // error (E451); without a period nothing said the check had not run.
    let (code, out, dir) = run(&clean(), &[]);
    assert_eq!(code, 0, "{out}");
    let export = dir.path().join("export.xlsx");
    let note = format!(
        "\nNote: no --period was given, so the checks against the reporting period did not run \
         (E450, E451, W452 and I454: that the export was taken after the quarter began and ended, \
         and before the next quarter had ended). To \
         run them: yjb-return validate {} --period \"2024-25 Q2\" (the last quarter that had \
         ended when this export was taken, on 18 October 2024).\n",
        export.display()
    );
    assert!(out.ends_with(&note), "{out}");
    let (code, out, _dir) = run(&clean(), &["--period", "2024-25 Q3"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ERROR E451"), "{out}");
    assert!(!out.contains("no --period"), "{out}");
    // In JSON and the report, each of those rules is "not run", never "ran".
    let (_, out, _dir) = run(&clean(), &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let status = |code: &str| {
        v["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["code"] == code)
            .unwrap()["status"]
            .clone()
    };
    for code in ["E450", "E451", "W452", "I454"] {
        assert_eq!(status(code), "not_run", "{code}");
    }
    assert_eq!(status("E453"), "ran");
    let (_, _, dir) = run(&clean(), &["--report", "issues.xlsx"]);
    let mut wb: Xlsx<_> = open_workbook(dir.path().join("issues.xlsx")).unwrap();
    let summary = wb.worksheet_range("Summary").unwrap();
    let e451 = summary.rows().find(|r| r[0] == "E451").unwrap().to_vec();
    assert_eq!(e451[3].to_string(), "not run (needs --period)");
}
