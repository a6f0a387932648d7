//! Corrupt and hostile files are refused with a sentence and exit status 2, quickly.

use std::io::Write;
use std::time::{Duration, Instant};

use assert_cmd::Command;

fn yjb() -> Command {
    Command::cargo_bin("yjb-return").unwrap()
}

/// Runs `validate` on `bytes` saved as an .xlsx and returns (exit code, stdout, stderr).
fn validate_bytes(bytes: &[u8], extra: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let started = Instant::now();
    let out = yjb()
        .arg("validate")
        .arg(&path)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A zip holding the given entries, deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        for (name, data) in entries {
            zip.start_file(*name, opts).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
    }
    buf.into_inner()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Children" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// A minimal hand-made xlsx whose only sheet has the given `<sheetData>` content.
fn xlsx_with_sheet_data(rows: &[u8]) -> Vec<u8> {
    let mut sheet = br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#.to_vec();
    sheet.extend_from_slice(rows);
    sheet.extend_from_slice(b"</sheetData></worksheet>");
    zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", &sheet),
    ])
}

#[test]
fn not_a_zip() {
    let (code, out, err) = validate_bytes(b"child_id,date_of_birth\nC1,2008-01-01\n", &[]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("not an Excel .xlsx workbook") && err.contains("F001"),
        "{err}"
    );
}

#[test]
fn not_a_zip_as_json() {
    let (code, out, _) = validate_bytes(b"hello", &["--format", "json"]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["verdict"], "unreadable");
    assert_eq!(v["findings"][0]["code"], "F001");
}

#[test]
fn truncated_zip() {
    let whole = xlsx_with_sheet_data(b"");
    let (code, _, err) = validate_bytes(&whole[..whole.len() / 2], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("damaged") && err.contains("F003"), "{err}");
}

#[test]
fn old_xls_or_password_protected() {
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(4096, 0);
    let (code, _, err) = validate_bytes(&ole, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("password") && err.contains("F002"), "{err}");
}

#[test]
fn zip_that_is_not_a_workbook() {
    let (code, _, err) = validate_bytes(&zip_of(&[("content.xml", b"<x/>")]), &[]);
    assert_eq!(code, 2);
    assert!(err.contains("OpenDocument"), "{err}");
}

#[test]
fn zip_bomb_is_refused_before_unpacking() {
    let zeros = vec![0u8; 24 << 20];
    let bomb = zip_of(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/sharedStrings.xml", &zeros),
    ]);
    assert!(bomb.len() < 200_000);
    let (code, _, err) = validate_bytes(&bomb, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("F004"), "{err}");
}

#[test]
fn a_sheet_reaching_beyond_excels_last_row_is_refused_quickly() {
    // Excel's grid ends at row 1,048,576: a row beyond it was not written by a spreadsheet.
    let mut rows = Vec::new();
    for r in (1..=3u32).chain([1_048_577]) {
        write!(
            rows,
            r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c></row>"#
        )
        .unwrap();
    }
    let file = xlsx_with_sheet_data(&rows);
    let (code, _, err) = validate_bytes(&file, &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("beyond row 1048576, the last row Excel has") && err.contains("F005"),
        "{err}"
    );
}

#[test]
fn formulas_and_text_that_looks_like_formulas_are_data() {
    let rows = br#"<row r="1"><c r="A1" t="inlineStr"><is><t>child_id</t></is></c><c r="B1" t="inlineStr"><is><t>date_of_birth</t></is></c><c r="C1" t="inlineStr"><is><t>sex</t></is></c><c r="D1" t="inlineStr"><is><t>ethnicity</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>=cmd|' /C calc'!A0</t></is></c><c r="B2" t="inlineStr"><is><t>2008-01-01</t></is></c><c r="C2" t="str"><f>"M"</f><v>M</v></c><c r="D2"><f>1+1</f></c></row>"#;
    let (code, out, _) = validate_bytes(&xlsx_with_sheet_data(rows), &["--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let has = |code: &str, row: Option<u64>, col: Option<&str>| {
        findings
            .iter()
            .any(|f| f["code"] == code && f["row"].as_u64() == row && f["column"].as_str() == col)
    };
    assert!(has("W112", Some(2), Some("sex")), "{out}");
    // The formula without a cached value reads as blank.
    assert!(has("E209", Some(2), Some("ethnicity")), "{out}");
    // Text beginning with = is an id like any other, never evaluated.
    assert!(
        !findings
            .iter()
            .any(|f| f["sheet"] == "Children" && f["column"] == "child_id"),
        "{out}"
    );
}

#[test]
fn missing_file_and_bad_period_are_sentences() {
    let out = yjb()
        .args(["validate", "no-such-file.xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot read no-such-file.xlsx"), "{err}");
    let out = yjb()
        .args(["validate", "x.xlsx", "--period", "2024 Q2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not a reporting period"), "{err}");
}

#[test]
fn check_refuses_hostile_return_files_without_crashing() {
    let dir = tempfile::tempdir().unwrap();
    // Not a zip at all.
    std::fs::write(
        dir.path().join("return.xlsx"),
        b"<html>not a workbook</html>",
    )
    .unwrap();
    let out = yjb()
        .arg("check")
        .arg(dir.path().join("return.xlsx"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("C001"));
    // A sheet declaring a vast range.
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet()
        .set_name("Cover")
        .unwrap()
        .write_string(0, 0, "YJS code")
        .unwrap();
    let ws = wb.add_worksheet().set_name("KPI1").unwrap();
    ws.write_string(0, 0, "Measure").unwrap();
    ws.write_number(1_000_000, 200, 1.0).unwrap();
    wb.save(dir.path().join("return.xlsx")).unwrap();
    let out = yjb()
        .arg("check")
        .arg(dir.path().join("return.xlsx"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("C001") && text.contains("far more than a return holds"),
        "{text}"
    );
    // Malformed XML.
    std::fs::write(
        dir.path().join("return.xml"),
        b"<YouthJusticeReturn yjsCode=\"A",
    )
    .unwrap();
    let out = yjb()
        .arg("check")
        .arg(dir.path().join("return.xml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("C101"));
}
