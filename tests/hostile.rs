//! Corrupt and hostile files are refused with a sentence and exit status 2, quickly. Every
//! crash found (by hand, by tampering, or by the fuzz targets in `fuzz/`) stays here as a
//! fixture made from a real file, so it runs in every `cargo test`.

use crate::common;

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{clean_bytes, edit_part, run_in, yjb};

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
    // A sheet with one cell far away (a vast range, were it materialised), and a sheet
    // holding more cells than any return.
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
    let (code, text, _) = run_in(dir.path(), &["check", "return.xlsx"]);
    assert_eq!(code, 2);
    assert!(
        text.contains("C001") && text.contains("the cover has no"),
        "{text}"
    );
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("Cover").unwrap();
    for r in 0..=100_000u32 {
        ws.write_number(r, 0, 1.0).unwrap();
    }
    wb.save(dir.path().join("return.xlsx")).unwrap();
    let (code, text, _) = run_in(dir.path(), &["check", "return.xlsx"]);
    assert_eq!(code, 2);
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

/// A folder holding the clean export and its Q2 return, built by the real binary.
fn built() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("export.xlsx"), clean_bytes()).unwrap();
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "build",
            "export.xlsx",
            "--period",
            "2024-25 Q2",
            "--out",
            "r",
            "--generated-at",
            "2024-10-21T09:30:00Z",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    dir
}

#[test]
fn a_vast_shared_strings_count_is_refused_before_it_is_reserved() {
    let huge = |xml: &str| {
        let (head, rest) = xml.split_once("uniqueCount=\"").unwrap();
        let (_, tail) = rest.split_once('"').unwrap();
        format!("{head}uniqueCount=\"4294967295\"{tail}")
    };
    let export = edit_part(&clean_bytes(), "xl/sharedStrings.xml", huge);
    let (code, _, err) = validate_bytes(&export, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("shared-strings table says it holds 4294967295 strings")
            && err.contains("F003"),
        "{err}"
    );
    let dir = built();
    let path = dir.path().join("r/return.xlsx");
    let edited = edit_part(&std::fs::read(&path).unwrap(), "xl/sharedStrings.xml", huge);
    std::fs::write(&path, edited).unwrap();
    let (code, out, _) = run_in(dir.path(), &["check", "r/return.xlsx"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("C001") && out.contains("4294967295 strings"),
        "{out}"
    );
}

#[test]
fn a_vast_shared_formula_index_is_not_a_vast_table() {
    // Children!D2 as a shared formula whose index is four billion: asking the library for the
    // formula's text made it grow a table to that size.
    let export = edit_part(&clean_bytes(), "xl/worksheets/sheet2.xml", |xml| {
        let (head, rest) = xml.split_once("<c r=\"D2\"").unwrap();
        let (cell, tail) = rest.split_once("</c>").unwrap();
        let _ = cell;
        format!(
            "{head}<c r=\"D2\" t=\"str\"><f t=\"shared\" si=\"4000000000\" ref=\"D2:D3\">\"WHITE\"</f><v>WHITE</v></c>{tail}"
        )
    });
    let (code, out, err) = validate_bytes(&export, &["--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("W112"), "the formula is still noticed: {out}");
}

#[test]
fn a_malformed_cell_reference_is_a_sentence() {
    let export = edit_part(&clean_bytes(), "xl/worksheets/sheet2.xml", |xml| {
        xml.replacen("r=\"A2\"", "r=\"A$2\"", 1)
    });
    let (code, _, err) = validate_bytes(&export, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("a cell reference in it is malformed") && err.contains("F003"),
        "{err}"
    );
    for raw in ["Expecting", "alphanumeric"] {
        assert!(!err.contains(raw), "{err}");
    }
    // Cell references whose arithmetic overflows inside the library.
    for r in ["AAAAAAAAAAAAAAAA1", "A99999999999"] {
        let export = edit_part(&clean_bytes(), "xl/worksheets/sheet2.xml", |xml| {
            xml.replacen("r=\"A2\"", &format!("r=\"{r}\""), 1)
        });
        let (code, _, err) = validate_bytes(&export, &[]);
        assert!([1, 2].contains(&code), "{r}: {err}");
    }
}

#[test]
fn a_damaged_zip_is_a_sentence_without_library_words() {
    let mut export = clean_bytes();
    // Break the first local header's signature: the central directory still points at it.
    export[1000..1100].fill(0);
    let (code, _, err) = validate_bytes(&export, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("F003") && !err.contains("zip::"), "{err}");
}

#[test]
fn a_cleared_heading_in_the_return_workbook_is_a_sentence_for_check_and_diff() {
    let dir = built();
    let path = dir.path().join("r/return.xlsx");
    let edited = edit_part(
        &std::fs::read(&path).unwrap(),
        "xl/sharedStrings.xml",
        |xml| xml.replacen("<t>Prevention</t>", "<t></t>", 1),
    );
    std::fs::write(&path, edited).unwrap();
    let (code, out, _) = run_in(dir.path(), &["check", "r/return.xlsx"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("the header row should read Measure"), "{out}");
    let (code, _, err) = run_in(dir.path(), &["diff", "r/return.xlsx", "r/return.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the header row should read Measure"), "{err}");
}

#[test]
fn one_far_cell_in_the_return_workbook_is_read_as_one_cell() {
    let dir = built();
    let path = dir.path().join("r/return.xlsx");
    let edited = edit_part(
        &std::fs::read(&path).unwrap(),
        "xl/worksheets/sheet2.xml",
        |xml| {
            xml.replace(
                "</sheetData>",
                "<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row></sheetData>",
            )
        },
    );
    std::fs::write(&path, edited).unwrap();
    let started = Instant::now();
    let (code, out, _) = run_in(dir.path(), &["check", "r/return.xlsx"]);
    assert!(started.elapsed() < Duration::from_secs(20));
    // The figures are intact; the file is no longer the one the manifest records.
    assert_eq!(code, 0, "{out}");
}

#[test]
fn multi_byte_text_where_a_period_or_hash_belongs_is_a_sentence() {
    let (code, _, err) = run_in(
        Path::new("."),
        &["validate", "x.xlsx", "--period", "2024-2€ Q1"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("is not a reporting period"), "{err}");
    let dir = built();
    let json = std::fs::read_to_string(dir.path().join("r/return.json")).unwrap();
    std::fs::write(
        dir.path().join("r/return.json"),
        json.replace("\"2024-25 Q2\"", "\"2024-2€ Q2\""),
    )
    .unwrap();
    let xml = std::fs::read_to_string(dir.path().join("r/return.xml")).unwrap();
    std::fs::write(
        dir.path().join("r/return.xml"),
        xml.replace("\"2024-25 Q2\"", "\"2024-2€ Q2\""),
    )
    .unwrap();
    for file in ["r/return.json", "r/return.xml"] {
        let (code, out, _) = run_in(dir.path(), &["check", file]);
        assert!([1, 2].contains(&code), "{out}");
        assert!(out.contains("period"), "{out}");
    }
    let manifest = std::fs::read_to_string(dir.path().join("r/manifest.json")).unwrap();
    let sha = manifest
        .split("\"sha256\": \"")
        .nth(3)
        .unwrap()
        .get(..64)
        .unwrap()
        .to_string();
    std::fs::write(
        dir.path().join("r/manifest.json"),
        manifest
            .replace(&sha, &format!("x{}y", "é".repeat(31)))
            .replace("\"2024-25 Q2\"", "\"2024-2€ Q2\""),
    )
    .unwrap();
    let (code, out, _) = run_in(dir.path(), &["check", "r"]);
    assert!([1, 2].contains(&code), "{out}");
    let (code, _, err) = run_in(dir.path(), &["reproduce", "r"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("period"), "{err}");
}

#[test]
fn devices_and_oversized_files_are_refused_before_reading() {
    // A device that never ends: Linux's /dev/zero; Windows has NUL (and COM1 and the like).
    let device = if common::program_is_windows() {
        "NUL"
    } else if Path::new("/dev/zero").exists() {
        "/dev/zero"
    } else {
        return;
    };
    let started = Instant::now();
    let (code, _, err) = run_in(Path::new("."), &["validate", device]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a regular file"), "{err}");
    let dir = built();
    let manifest = std::fs::read_to_string(dir.path().join("r/manifest.json")).unwrap();
    let input = manifest
        .split("\"path\": \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    std::fs::write(
        dir.path().join("r/manifest.json"),
        manifest.replace(&input, device),
    )
    .unwrap();
    let (code, _, err) = run_in(dir.path(), &["reproduce", "r"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a regular file"), "{err}");
    let big = dir.path().join("big.xlsx");
    std::fs::File::create(&big)
        .unwrap()
        .set_len((512 << 20) + 1)
        .unwrap();
    let (code, _, err) = run_in(dir.path(), &["validate", "big.xlsx"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("more than a case-management export can be"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn figures_at_the_edge_of_a_64_bit_number_are_findings_not_overflows() {
    let dir = built();
    let xml = std::fs::read_to_string(dir.path().join("r/return.xml")).unwrap();
    std::fs::write(
        dir.path().join("r/return.xml"),
        xml.replace(">0<", ">9223372036854775807<"),
    )
    .unwrap();
    let (code, out, _) = run_in(dir.path(), &["check", "r/return.xml"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("C301"), "{out}");
    let json = std::fs::read_to_string(dir.path().join("r/return.json")).unwrap();
    std::fs::write(
        dir.path().join("r/return.json"),
        json.replace("\"value\": 0", "\"value\": -9223372036854775808"),
    )
    .unwrap();
    let (code, out, err) = run_in(dir.path(), &["diff", "r/return.json", "r/return.xml"]);
    assert_eq!(code, 1, "{out}{err}");
}
