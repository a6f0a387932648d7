//! The `validate --report` workbook read back: every finding, and every cell of the export's
//! rows with findings, survives constant-memory writing, counts are numbers, and each sheet carries the print
//! setup that makes it a few landscape pages (checked in the sheet XML, which is what Excel
//! and LibreOffice print from).

use crate::common;

use std::io::Read;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::*;

/// Validates the flawed sample with `--report`, returning the report's path, the JSON report
/// of the same run, and the folder holding them.
fn flawed_report() -> (std::path::PathBuf, serde_json::Value, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("issues.xlsx");
    let out = yjb()
        .current_dir(samples())
        .args(["validate", "flawed-export.xlsx", "--period", "2024-25 Q2"])
        .args(["--format", "json", "--report"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json = serde_json::from_slice(&out.stdout).unwrap();
    (report, json, dir)
}

fn part(path: &std::path::Path, name: &str) -> String {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name} missing"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn text(d: &Data) -> String {
    d.to_string().trim().to_string()
}

#[test]
fn every_finding_and_every_cell_survives_constant_memory_writing() {
    let (report, json, _dir) = flawed_report();
    let findings = json["findings"].as_array().unwrap();
    let mut wb: Xlsx<_> = open_workbook(&report).unwrap();
    let issues = wb.worksheet_range("Issues").unwrap();
    // Table header on row 4, then one row per finding and per other row involved.
    let rows: Vec<_> = issues.rows().skip(4).collect();
    let expected: usize = findings
        .iter()
        .map(|f| 1 + f["related"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(rows.len(), expected);
    let last = findings.last().unwrap();
    let last_main = rows
        .iter()
        .rev()
        .find(|r| text(&r[9]) == last["message"].as_str().unwrap())
        .expect("the last finding is written");
    assert_eq!(text(&last_main[2]), last["code"].as_str().unwrap());
    assert!(matches!(last_main[0], Data::Float(_)), "# is a number");

    // Each copy holds exactly the export's cells of its header and of the rows a finding is
    // on or involves, each at its own row number (24 of the 30 printed pages were rows
    // without any finding); a sheet without findings is not copied.
    let mut export: Xlsx<_> = open_workbook(samples().join("flawed-export.xlsx")).unwrap();
    let copies = wb.sheet_names();
    for name in export.sheet_names() {
        let mut rows: std::collections::BTreeSet<u32> = findings
            .iter()
            .filter(|f| f["sheet"] == name.as_str())
            .flat_map(|f| {
                let related = f["related"].as_array().cloned().unwrap_or_default();
                f["row"]
                    .as_u64()
                    .into_iter()
                    .chain(related.iter().filter_map(|r| r["row"].as_u64()))
                    .map(|r| r as u32)
                    .collect::<Vec<_>>()
            })
            .collect();
        let on_sheet = findings.iter().any(|f| f["sheet"] == name.as_str());
        assert_eq!(copies.contains(&name), on_sheet, "sheet {name}");
        if !on_sheet {
            continue;
        }
        rows.insert(1);
        let original = export.worksheet_range(&name).unwrap();
        let copy = wb.worksheet_range(&name).unwrap();
        let cells = |r: &calamine::Range<Data>| -> Vec<(u32, u32, String)> {
            r.used_cells()
                .map(|(row, col, d)| {
                    let (r0, c0) = r.start().unwrap();
                    (row as u32 + r0 + 1, col as u32 + c0, text(d))
                })
                .filter(|(_, _, t)| !t.is_empty())
                .collect()
        };
        let wanted: Vec<_> = cells(&original)
            .into_iter()
            .filter(|(r, _, _)| rows.contains(r))
            .collect();
        assert_eq!(cells(&copy), wanted, "sheet {name}");
        assert!(
            cells(&original).len() > wanted.len() || rows.len() == original.height(),
            "sheet {name} holds rows without findings"
        );
    }
    assert!(!copies.contains(&"ReoffendingCohort".to_string()));
    // Every link from Issues lands on a row its copy holds.
    let sheet_names = wb.sheet_names();
    let issues_xml = part(&report, "xl/worksheets/sheet1.xml");
    let links: Vec<&str> = issues_xml
        .split("<hyperlink ")
        .skip(1)
        .map(|l| {
            let l = &l[l.find("location=\"").unwrap() + 10..];
            &l[..l.find('"').unwrap()]
        })
        .collect();
    let involved: usize = findings
        .iter()
        .filter(|f| f["location"].is_string())
        .map(|f| 1 + f["related"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(links.len(), involved);
    for link in links {
        let (sheet, cell) = link.split_once('!').unwrap();
        let at = sheet_names.iter().position(|s| s == sheet).expect(link);
        let row: String = cell.chars().filter(char::is_ascii_digit).collect();
        let xml = part(&report, &format!("xl/worksheets/sheet{}.xml", at + 1));
        assert!(xml.contains(&format!("<row r=\"{row}\"")), "{link}");
    }
}

#[test]
fn a_copy_hides_the_rows_between_and_prints_the_row_numbers() {
    let (report, _, _dir) = flawed_report();
    let wb: Xlsx<_> = open_workbook(&report).unwrap();
    let sheets = wb.sheet_names();
    let at = sheets.iter().position(|s| s == "Interventions").unwrap();
    let xml = part(&report, &format!("xl/worksheets/sheet{}.xml", at + 1));
    // Rows not written are hidden (zeroHeight), so Excel and LibreOffice show and print the
    // export's own row numbers, with the headings printed beside them.
    assert!(
        xml.contains("zeroHeight=\"1\""),
        "unused rows are not hidden"
    );
    assert!(
        xml.contains("<printOptions headings=\"1\"/>"),
        "no row numbers printed"
    );
    // Row 10 has no finding; rows 9, 11 (involved in an overlap) and 233 have.
    for (row, present) in [(9, true), (10, false), (11, true), (233, true), (25, false)] {
        assert_eq!(
            xml.contains(&format!("<row r=\"{row}\"")),
            present,
            "row {row}"
        );
    }
    let summary = part(&report, "xl/worksheets/sheet2.xml");
    let strings = part(&report, "xl/sharedStrings.xml");
    assert!(summary.contains("mergeCell"), "facts wrap across the table");
    assert!(
        strings.contains("the header and the rows with findings, at their own row numbers"),
        "the Summary says what the copies hold"
    );
    assert!(strings.contains("no findings on ReoffendingCohort"));
}

#[test]
fn counts_are_numbers_and_every_sheet_prints_landscape_one_page_wide() {
    let (report, json, _dir) = flawed_report();
    let mut wb: Xlsx<_> = open_workbook(&report).unwrap();
    let summary = wb.worksheet_range("Summary").unwrap();
    for (label, key) in [
        ("Errors", "errors"),
        ("Warnings", "warnings"),
        ("Notes", "info"),
    ] {
        let row = summary
            .rows()
            .find(|r| text(&r[0]) == label)
            .unwrap_or_else(|| panic!("no {label} row"));
        assert_eq!(
            row[1],
            Data::Float(json["summary"][key].as_f64().unwrap()),
            "{label}"
        );
    }
    let sheets = wb.sheet_names();
    let workbook = part(&report, "xl/workbook.xml");
    let titles = |sheet: &str| -> String {
        let quoted = if sheet.contains(' ') {
            format!("'{sheet}'")
        } else {
            sheet.to_string()
        };
        let i = sheets.iter().position(|s| s == sheet).unwrap();
        let name = format!("<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"{i}\">");
        let at = workbook
            .find(&name)
            .unwrap_or_else(|| panic!("{sheet} repeats no header row"));
        let rest = &workbook[at + name.len()..];
        let value = &rest[..rest.find('<').unwrap()];
        assert!(value.starts_with(&format!("{quoted}!$")), "{value}");
        value[quoted.len() + 1..].to_string()
    };
    assert_eq!(titles("Issues"), "$4:$4");
    assert_eq!(titles("By child"), "$4:$4");
    assert_eq!(titles("Interventions"), "$1:$1");
    assert!(titles("Summary").starts_with('$'));
    for (i, sheet) in sheets.iter().enumerate() {
        let xml = part(&report, &format!("xl/worksheets/sheet{}.xml", i + 1));
        assert!(xml.contains("<pageSetUpPr fitToPage=\"1\"/>"), "{sheet}");
        let setup = &xml[xml.find("<pageSetup ").unwrap()..];
        let setup = &setup[..setup.find("/>").unwrap()];
        assert!(setup.contains("paperSize=\"9\""), "{sheet}: {setup}");
        assert!(
            setup.contains("orientation=\"landscape\""),
            "{sheet}: {setup}"
        );
        // One page wide (Excel's default, so not written) and as many tall as it takes.
        assert!(!setup.contains("fitToWidth"), "{sheet}: {setup}");
        assert!(setup.contains("fitToHeight=\"0\""), "{sheet}: {setup}");
        assert!(
            xml.contains("<oddHeader>&amp;Lflawed-export.xlsx&amp;C"),
            "{sheet}: the page header names the export"
        );
    }
    // The Cell column is wide enough for the longest location, BoardAttendance!D12 and all.
    let issues = part(&report, "xl/worksheets/sheet1.xml");
    let cell_col = "<col min=\"5\" max=\"5\" width=\"";
    let col = &issues[issues.find(cell_col).unwrap() + cell_col.len()..];
    let width: f64 = col[..col.find('"').unwrap()].parse().unwrap();
    assert!(width >= "BoardAttendance!D12".len() as f64 + 1.0, "{width}");
    // The warning banner spans the table, so it wraps rather than being cut off.
    assert!(
        issues.contains("<mergeCell ref=\"A2:M2\"/>"),
        "banner not merged"
    );
}

#[test]
fn terminal_and_report_show_findings_with_fixes_and_rejected_acknowledgements() {
    let mut sheets = clean();
    sheets
        .iter_mut()
        .find(|s| s.name == "Interventions")
        .unwrap()
        .name = "Orders".into();
    set(&mut sheets, "Orders", 0, "end_date", "2024-13-01");
    let dir = tempfile::tempdir().unwrap();
    write_xlsx(&sheets, &dir.path().join("export.xlsx"));
    std::fs::write(
        dir.path().join("export.acknowledgements.csv"),
        "code,sheet,row,column,value,explanation\n\
         E201,Interventions,2,end_date,2024-13-01,a typo we will fix\n\
         W316,Interventions,9,accommodation_suitable,Y,no such row\n",
    )
    .unwrap();
    let out = yjb()
        .current_dir(dir.path())
        .args(["validate", "export.xlsx", "--report", "issues.xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    // Safe on any console code page: nothing but ASCII of the tool's own.
    assert!(stdout.is_ascii(), "{stdout}");
    assert!(
        stdout.contains("  1 error, 0 warnings, 1 note\n"),
        "{stdout}"
    );
    // Each finding under its sheet, named as typed, with the record to fix in the
    // case-management system and how to fix it.
    let finding = "\nInterventions (sheet \"Orders\")\n  \
         ERROR E201 Orders!E2 end_date \"2024-13-01\": not a date (use YYYY-MM-DD or DD/MM/YYYY) \
         [intervention_id I1, child_id C1]\n    \
         fix: Use a date cell, or text as YYYY-MM-DD or DD/MM/YYYY.\n";
    assert!(stdout.contains(finding), "{stdout}");
    assert!(
        stdout.contains("\nChildren\n  NOTE I111 Children!B1"),
        "{stdout}"
    );
    // The per-rule counts come after the findings, folded.
    // Then that the period checks did not run (no --period), then what was written.
    assert!(
        stdout.contains("\nBy rule: E201 (1), I111 (1)\n\nNote: no --period was given, "),
        "{stdout}"
    );
    assert!(
        stdout.ends_with(" on 18 October 2024).\n\nReport written to issues.xlsx\n"),
        "{stdout}"
    );
    // Both rejected acknowledgements, before the findings.
    let rejected = stdout.find("Acknowledgements not applied").expect(&stdout);
    assert!(rejected < stdout.find(finding).unwrap());
    assert!(
        stdout.contains("line 2: E201 Interventions row 2: only warnings can be acknowledged"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line 3: W316 Interventions row 9: matches no warning in this export"),
        "{stdout}"
    );

    let mut wb: Xlsx<_> = open_workbook(dir.path().join("issues.xlsx")).unwrap();
    let summary = wb.worksheet_range("Summary").unwrap();
    let lines: Vec<String> = summary
        .rows()
        .map(|r| r.iter().map(text).collect::<Vec<_>>().join("|"))
        .collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("Acknowledgements not applied: "))
        .expect("listed on Summary");
    assert!(lines[at + 1].contains("line 2: E201 Interventions row 2: only warnings"));
    assert!(lines[at + 2].contains("line 3: W316 Interventions row 9: matches no warning"));
}
