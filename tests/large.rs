//! Large and repetitive exports: a supplier's placeholder id on thousands of rows gives a
//! handful of findings, not one per row each naming every other row.

use crate::common;

use common::*;

const END: &str = "PARENTS|Y|SCHOOL_FT|Y|n:20|n:15|N||N|||N|||N|N|N|N";

#[test]
fn ten_thousand_rows_sharing_placeholder_ids_give_one_finding_per_group() {
    let mut sheets = clean();
    sheets[1].rows.push(vec![
        "1".into(),
        "d:2008-05-01".into(),
        "M".into(),
        "WHITE".into(),
    ]);
    // 10,000 interventions of child 1, all on the same dates, their ids one of three
    // placeholders a case-management system might fill in.
    for n in 0..10_000 {
        let id = ["1", "0", "N/A"][n % 3];
        let kind = ["RO", "YRO", "PREV"][n % 3];
        let row = format!("{id}|1|{kind}|d:2024-01-10|d:2024-08-20|||{END}");
        sheets[2]
            .rows
            .push(row.split('|').map(str::to_string).collect());
    }
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export.xlsx");
    write_xlsx(&sheets, &export);
    let out = yjb()
        .arg("validate")
        .arg(&export)
        .args(["--period", "2024-25 Q2", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The clean export's only finding is a note that its Children sheet uses an alias.
    let findings: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] != "I111")
        .collect();
    let mut codes: Vec<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    codes.sort();
    // One duplicate finding per placeholder, one overlap finding per type.
    assert_eq!(
        codes,
        ["E401", "E401", "E401", "W420", "W420", "W420"],
        "{codes:?}"
    );
    for f in &findings {
        assert!(f["related"].as_array().unwrap().len() <= 20, "{f}");
    }
    let first = &findings[0];
    // Rows 5, 8, 11, ... hold id 1: reported on the second of them, naming 20 and counting
    // the other 3,314.
    assert_eq!(first["row"], 8);
    assert!(
        first["message"]
            .as_str()
            .unwrap()
            .starts_with("intervention_id 1 appears more than once (rows 5, 8, 11, "),
        "{first}"
    );
    assert!(
        first["message"]
            .as_str()
            .unwrap()
            .ends_with(" and 3314 more)"),
        "{first}"
    );
    let overlap = findings.iter().find(|f| f["code"] == "W420").unwrap();
    assert!(
        overlap["message"]
            .as_str()
            .unwrap()
            .starts_with("3334 RO interventions of child 1 overlap one another (rows 5, 8,"),
        "{overlap}"
    );
    // The whole report stays small: the rows are named, not multiplied.
    assert!(out.stdout.len() < 40_000, "{} bytes", out.stdout.len());
}
