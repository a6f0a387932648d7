//! Nothing that identifies a child leaves the service by accident: the redacted copy of an
//! export, and the explanations that travel with a return (issue 7, items 15-18).

use crate::common;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::*;

fn exported(sheets: &[Sheet]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_xlsx(sheets, &dir.path().join("export.xlsx"));
    dir
}

fn cells(path: &std::path::Path, sheet: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn codes(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let mut codes: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    codes
}

#[test]
fn redact_never_copies_a_childs_record_in_row_1_an_id_stored_as_a_date_or_free_text() {
    let mut sheets = clean();
    // Children has lost its header row: row 1 is a child's record.
    let children = sheets.iter_mut().find(|s| s.name == "Children").unwrap();
    children.headers = "C9|2009-03-12|M|WHITE"
        .split('|')
        .map(str::to_string)
        .collect();
    // Offences: an id stored as a date-formatted number, and free text in a code column.
    set(&mut sheets, "Offences", 0, "offence_id", "d:2010-01-15");
    set(
        &mut sheets,
        "Offences",
        1,
        "offence_category",
        "Jamie Smith hit his brother",
    );
    let dir = exported(&sheets);
    let (_, before, err) = run_in(
        dir.path(),
        &[
            "validate",
            "export.xlsx",
            "--format",
            "json",
            "--redact",
            "copy.xlsx",
        ],
    );
    // Only the line saying what was written (beside JSON, on stderr).
    assert!(
        err.lines().count() == 1 && err.starts_with("Redacted copy written to copy.xlsx"),
        "{err}"
    );
    let copy = dir.path().join("copy.xlsx");
    let children = cells(&copy, "Children");
    let row1: Vec<String> = children[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(row1, ["column_A", "column_B", "column_C", "column_D"]);
    let offences = cells(&copy, "Offences");
    assert_eq!(offences[1][0], Data::String("OFF-0001".into()));
    assert_eq!(offences[2][5], Data::String("REDACTED".into()));
    for row in offences.iter().chain(&children) {
        for cell in row {
            let text = cell.to_string();
            assert!(!text.contains("Jamie") && !text.contains("C9"), "{text}");
        }
    }
    // The copy still gives the same rules, bar the unknown headers of the lost header row.
    let (_, after, _) = run_in(dir.path(), &["validate", "copy.xlsx", "--format", "json"]);
    assert_eq!(codes(&after), codes(&before));
}

#[test]
fn an_explanation_with_a_postcode_or_a_phone_number_is_a_warning() {
    let mut sheets = clean();
    for i in 0..3 {
        set(&mut sheets, "Interventions", i, "accommodation_type", "NFA");
    }
    let dir = exported(&sheets);
    std::fs::write(
        dir.path().join("export.acknowledgements.csv"),
        "code,sheet,row,column,value,explanation\r\
         W316,Interventions,2,,,Staying with an aunt at LS1 4AB while a tenancy is found\r\
         W316,Interventions,3,,,Carer reachable on +44 7700 900123; placement reviewed weekly\r\
         W316,Interventions,4,,,Child moved to Leeds in March; approved by Head of Service\r",
    )
    .unwrap();
    let (code, out, err) = run_in(dir.path(), &["validate", "export.xlsx", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = v["findings"].as_array().unwrap();
    // The sidecar (saved with classic-Mac line ends) acknowledged all three.
    let acknowledged = findings
        .iter()
        .filter(|f| f["acknowledged"].is_string())
        .count();
    assert_eq!(acknowledged, 3, "{out}");
    let w460: Vec<(u64, &str)> = findings
        .iter()
        .filter(|f| f["code"] == "W460")
        .map(|f| (f["row"].as_u64().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(w460.len(), 2, "{w460:#?}");
    assert_eq!(w460[0].0, 2);
    assert!(
        w460[0]
            .1
            .contains("\"LS1 4AB\", which looks like a postcode"),
        "{}",
        w460[0].1
    );
    assert_eq!(w460[1].0, 3);
    assert!(
        w460[1]
            .1
            .contains("\"+44 7700 900123\", which looks like a phone number"),
        "{}",
        w460[1].1
    );
    assert!(
        w460[1].1.contains("addresses or phone numbers"),
        "{}",
        w460[1].1
    );
}

#[test]
fn an_explanation_with_an_identifier_a_date_or_a_name_is_a_warning() {
    let mut sheets = clean();
    set(&mut sheets, "Interventions", 0, "accommodation_type", "NFA");
    let dir = exported(&sheets);
    std::fs::write(
        dir.path().join("export.acknowledgements.csv"),
        "code,sheet,row,column,value,explanation\n\
         W316,Interventions,2,,,Placed with Jamie Smith by C1's social worker\n",
    )
    .unwrap();
    let (code, out, err) = run_in(dir.path(), &["validate", "export.xlsx", "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let w460 = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "W460")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(w460["row"], 2);
    assert_eq!(w460["severity"], "warning");
    let message = w460["message"].as_str().unwrap();
    assert!(
        message.contains("\"C1\", an identifier in this export"),
        "{message}"
    );
    // The cover says whose words the explanations are.
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "build",
            "export.xlsx",
            "--period",
            "2024-25 Q2",
            "--out",
            "r",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let cover = cells(&dir.path().join("r/return.xlsx"), "Cover");
    assert!(
        cover
            .iter()
            .flatten()
            .any(|c| c.to_string().contains("the officer's own words")),
        "{cover:?}"
    );
}

#[test]
fn an_extract_date_after_today_and_an_impossible_population_are_errors() {
    let mut sheets = clean();
    set(&mut sheets, "Service", 0, "extract_date", "d:9999-12-31");
    set(
        &mut sheets,
        "Service",
        0,
        "population_10_17",
        "n:1000000000000000",
    );
    let dir = exported(&sheets);
    let (code, out, _) = run_in(dir.path(), &["validate", "export.xlsx", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let found = findings(&out);
    let has = |code: &str, column: &str| found.iter().any(|(c, col)| c == code && col == column);
    assert!(has("E453", "extract_date"), "{out}");
    assert!(has("E210", "population_10_17"), "{out}");
}

#[test]
fn late_failures_are_caught_early_or_cut_with_a_marker() {
    let mut sheets = clean();
    set(&mut sheets, "Interventions", 0, "accommodation_type", "NFA");
    let dir = exported(&sheets);
    // Child 2's sex, "F", becomes 40,000 characters: more than Excel lets a cell hold, though
    // a file made by another program can.
    let long = "x".repeat(40_000);
    let path = dir.path().join("export.xlsx");
    let bytes = edit_part(
        &std::fs::read(&path).unwrap(),
        "xl/sharedStrings.xml",
        |xml| xml.replacen("<t>F</t>", &format!("<t>{long}</t>"), 1),
    );
    std::fs::write(&path, bytes).unwrap();
    // A 40,000-character explanation is refused when the sidecar is read, naming its line.
    std::fs::write(
        dir.path().join("export.acknowledgements.csv"),
        format!("code,sheet,row,column,value,explanation\nW316,Interventions,2,,,{long}\n"),
    )
    .unwrap();
    for command in ["validate", "build"] {
        let mut args = vec![command, "export.xlsx", "--period", "2024-25 Q2"];
        if command == "build" {
            args.extend(["--out", "r"]);
        }
        let (code, _, err) = run_in(dir.path(), &args);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("line 2, column explanation: ")
                && err.contains("is 40000 characters long"),
            "{err}"
        );
        assert!(!dir.path().join("r").exists());
    }
    std::fs::remove_file(dir.path().join("export.acknowledgements.csv")).unwrap();
    // A generation time no workbook can record is refused on the command line.
    let (code, _, err) = run_in(
        dir.path(),
        &[
            "build",
            "export.xlsx",
            "--period",
            "2024-25 Q2",
            "--out",
            "r",
            "--generated-at",
            "0000-01-01T00:00:00Z",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("between the years 1900 and 9999"), "{err}");
    // One over-long cell no longer loses the whole report: it is cut, and says so.
    let (code, out, err) = run_in(
        dir.path(),
        &["validate", "export.xlsx", "--report", "issues.xlsx"],
    );
    assert_eq!(code, 1, "{out}{err}");
    let copy = cells(&dir.path().join("issues.xlsx"), "Children");
    let cut = copy[2][2].to_string();
    assert!(cut.chars().count() <= 32_767 && cut.ends_with("longer than an Excel cell holds]"));
}

#[test]
fn a_sheet_named_what_excel_refuses_does_not_lose_the_report() {
    for name in ["", "Bad[name]?", "History", "Issues"] {
        let bytes = edit_part(&clean_bytes(), "xl/workbook.xml", |xml| {
            xml.replacen("name=\"Children\"", &format!("name=\"{name}\""), 1)
        });
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("export.xlsx"), bytes).unwrap();
        let (code, out, err) = run_in(
            dir.path(),
            &[
                "validate",
                "export.xlsx",
                "--report",
                "issues.xlsx",
                "--redact",
                "copy.xlsx",
            ],
        );
        assert!([0, 1].contains(&code), "{name:?}: {out}{err}");
        assert!(dir.path().join("issues.xlsx").exists(), "{name:?}: {err}");
        assert!(dir.path().join("copy.xlsx").exists(), "{name:?}: {err}");
    }
}

/// A cell as the copy must keep it: trimmed text (blank is nothing), a date by its day, a
/// number, a truth value or an Excel error.
fn kept(cell: &Data) -> Option<String> {
    match cell {
        Data::Empty => None,
        Data::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Data::DateTime(d) => Some(format!("date {}", d.as_f64().floor())),
        Data::Float(f) => Some(format!("number {f}")),
        Data::Int(i) => Some(format!("number {i}")),
        Data::Bool(b) => Some(format!("{b}")),
        other => Some(other.to_string()),
    }
}

/// Every cell of a sheet by its place (0-based row and column).
fn grid(
    book: &mut Xlsx<std::io::BufReader<std::fs::File>>,
    sheet: &str,
) -> Vec<((u32, u32), Data)> {
    let range = book.worksheet_range(sheet).unwrap();
    let (top, left) = range.start().unwrap_or((0, 0));
    range
        .used_cells()
        .map(|(r, c, d)| ((top + r as u32, left + c as u32), d.clone()))
        .collect()
}

/// Whether a text is one of the copy's pseudonyms (`CHILD-0001`).
fn pseudonym(text: &str) -> bool {
    ["CHILD-", "INT-", "OFF-", "VIC-"].iter().any(|p| {
        text.strip_prefix(p)
            .is_some_and(|n| n.len() >= 4 && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

#[test]
fn the_redacted_copy_is_the_export_row_for_row_with_identifiers_replaced() {
    // The copy is streamed from the export, sheet by sheet: read back, it is the export cell
    // for cell, but for pseudonyms (one per identifier, the same wherever it appears), the
    // unknown columns emptied and free text where a code belongs replaced.
    for sample in ["q2-export.xlsx", "flawed-export.xlsx"] {
        let dir = tempfile::tempdir().unwrap();
        let export = samples().join(sample);
        let copy = dir.path().join("copy.xlsx");
        let (code, _, err) = run_in(
            dir.path(),
            &[
                "validate",
                export.to_str().unwrap(),
                "--redact",
                copy.to_str().unwrap(),
            ],
        );
        assert!([0, 1].contains(&code), "{sample}: {err}");
        // The cells with a finding: only there may a value have been replaced.
        let (_, json, _) = run_in(
            dir.path(),
            &["validate", export.to_str().unwrap(), "--format", "json"],
        );
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let flagged: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["location"].as_str())
            .collect();
        let mut original: Xlsx<_> = open_workbook(&export).unwrap();
        let mut redacted: Xlsx<_> = open_workbook(&copy).unwrap();
        assert_eq!(redacted.sheet_names(), original.sheet_names(), "{sample}");
        let mut names: std::collections::HashMap<String, String> = Default::default();
        let mut replaced = 0;
        let mut compared = 0;
        for sheet in original.sheet_names() {
            let before = grid(&mut original, &sheet);
            let after: std::collections::HashMap<(u32, u32), Data> =
                grid(&mut redacted, &sheet).into_iter().collect();
            let at = |place| after.get(&place).and_then(kept);
            // Row 1: the recognised headers as typed, the others by their column.
            let known: Vec<u32> = before
                .iter()
                .filter(|((r, _), d)| *r == 0 && at((0, 0)).is_some() && kept(d).is_some())
                .filter(|((_, c), d)| at((0, *c)) == kept(d))
                .map(|((_, c), _)| *c)
                .collect();
            for ((r, c), cell) in &before {
                let (was, now) = (kept(cell), at((*r, *c)));
                if *r == 0 {
                    if !known.contains(c) && was.is_some() {
                        assert!(
                            now.is_some_and(|h| h.starts_with("column_")),
                            "{sample} {sheet}"
                        );
                    }
                    continue;
                }
                compared += 1;
                match (was, now) {
                    (None, now) => assert_eq!(now, None, "{sample} {sheet} {r},{c}"),
                    (Some(_), now) if !known.contains(c) => {
                        assert_eq!(now, None, "{sample} {sheet} {r},{c}: an unknown column")
                    }
                    (Some(was), Some(now)) if pseudonym(&now) => {
                        let prefix = now.split('-').next().unwrap().to_string();
                        let earlier = names.insert(format!("{prefix} {was}"), now.clone());
                        assert!(earlier.is_none_or(|e| e == now), "{sample}: {was} twice");
                    }
                    (Some(_), Some(now)) if now == "REDACTED" => {
                        assert!(*c < 26, "the samples' sheets end before column AA");
                        let column = char::from(b'A' + *c as u8);
                        let location = format!("{sheet}!{column}{}", r + 1);
                        assert!(flagged.contains(&location.as_str()), "{sample} {location}");
                        replaced += 1;
                    }
                    (was, now) => assert_eq!(now, was, "{sample} {sheet} row {} col {c}", r + 1),
                }
            }
        }
        // One pseudonym per identifier: no two identifiers share one.
        let mut used: Vec<&String> = names.values().collect();
        let all = used.len();
        used.sort();
        used.dedup();
        assert_eq!(used.len(), all, "{sample}");
        assert!(
            all > 50 && compared > 1_000,
            "{sample}: {all} ids, {compared} cells"
        );
        // The clean sample has nothing to replace; the flawed one has free text in codes.
        assert_eq!(
            replaced == 0,
            sample == "q2-export.xlsx",
            "{sample}: {replaced}"
        );
    }
}
