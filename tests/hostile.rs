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
    // Given to check, or as the scorecard's archive, it is what it is, never "does not exist"
    // (Windows cannot describe NUL as a file, and `check NUL` said so).
    let (code, out, err) = run_in(Path::new("."), &["check", device]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.contains("it is not a regular file"), "{out}{err}");
    assert!(!err.contains("does not exist"), "{err}");
    let board = tempfile::tempdir().unwrap();
    let (code, _, err) = run_in(board.path(), &["scorecard", device, "--out", "board"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("{device} is not a folder")), "{err}");
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

/// A device or a pipe where a return's file should be is said to be what it is, never
/// "missing", and is never read (a pipe with no writer would be waited on for ever).
#[cfg(unix)]
#[test]
fn a_device_or_pipe_in_a_returns_folder_is_not_called_missing() {
    let dir = built();
    let r = dir.path().join("r");
    std::fs::remove_file(r.join("return.xml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", r.join("return.xml")).unwrap();
    std::fs::remove_file(r.join("return.json")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(r.join("return.json"))
        .status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let started = Instant::now();
    let (code, out, err) = run_in(dir.path(), &["reproduce", "r"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.starts_with("NOT reproduced: the archived return.xml cannot be read"),
        "{out}"
    );
    for name in ["return.xml", "return.json"] {
        assert!(
            out.contains(&format!(
                "the archived {name} cannot be read: it is not a regular file (a device or \
                 a pipe)"
            )),
            "{out}"
        );
    }
    assert!(!out.contains("missing"), "{out}");
    let (code, out, _) = run_in(dir.path(), &["check", "r"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("not a regular file") && !out.contains("missing"),
        "{out}"
    );
    assert!(started.elapsed() < Duration::from_secs(60));
}

/// A link leading nowhere where a return's file should be: the folder is not the return as
/// built, so it is never fit to send (it was passed over as if the manifest did not record the
/// file, and the other two were called fit to send). Wine shows a Windows program no link, so
/// there the file is simply missing (C405), which is what Windows itself would see.
#[cfg(unix)]
#[test]
fn a_link_leading_nowhere_in_a_returns_folder_is_not_fit_to_send() {
    let dir = built();
    let r = dir.path().join("r");
    std::fs::remove_file(r.join("return.json")).unwrap();
    std::os::unix::fs::symlink("gone.json", r.join("return.json")).unwrap();
    let (code, out, err) = run_in(dir.path(), &["check", "r"]);
    assert_ne!(code, 0, "{out}");
    assert!(!out.contains("fit to send"), "{out}");
    if common::program_is_windows() {
        assert!(
            out.contains("records this file, but it is missing"),
            "exit {code}, stdout {out:?}, stderr {err:?}"
        );
    } else {
        assert_eq!(code, 2, "{out}");
        assert!(
            out.contains("it is a link to something that does not exist"),
            "{out}"
        );
        assert!(!out.contains("mistyped"), "{out}");
    }
}

/// A damaged return.xlsx is not an export: the advice is to build the return again, never to
/// export the caseload again, wherever it is read (check, diff, reproduce).
#[test]
fn a_damaged_return_workbook_is_advised_to_be_rebuilt() {
    let dir = built();
    let book = dir.path().join("r/return.xlsx");
    let bytes = std::fs::read(&book).unwrap();
    for damaged in [&bytes[..bytes.len() / 2], &b"not a workbook"[..]] {
        std::fs::write(&book, damaged).unwrap();
        let (code, out, _) = run_in(dir.path(), &["check", "r"]);
        assert_eq!(code, 2, "{out}");
        let (code, _, err) = run_in(dir.path(), &["diff", "r/return.xlsx", "r/return.json"]);
        assert_eq!(code, 2, "{err}");
        let (code, rebuilt, _) = run_in(dir.path(), &["reproduce", "r"]);
        assert_eq!(code, 1, "{rebuilt}");
        for said in [&out, &err, &rebuilt] {
            assert!(
                said.contains("return.xlsx as build wrote it")
                    && said.contains("build the return again"),
                "{said}"
            );
            assert!(!said.contains("export the caseload"), "{said}");
        }
    }
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

/// `n` letters that do not repeat in any short period: a zip holding them compresses no
/// better than real text would (a run of one letter is refused as a zip bomb).
fn letters(n: usize) -> String {
    let mut x: u32 = 0x9E37_79B9;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            char::from(b'a' + (x % 26) as u8)
        })
        .collect()
}

/// Every line of `text` is short: no value was printed whole.
fn lines_bounded(text: &str) {
    for line in text.lines() {
        assert!(
            line.chars().count() < 1_000,
            "a line of {} characters: {}...",
            line.chars().count(),
            line.chars().take(300).collect::<String>()
        );
    }
}

/// The built return.json with its first measure code and its service's name 70,000
/// characters long (more than a format width can be: 65,535).
fn long_return_json(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("r/return.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["measures"][0]["code"] = "x".repeat(70_000).into();
    v["identity"]["yjs_name"] = "N".repeat(70_000).into();
    serde_json::to_string_pretty(&v).unwrap()
}

#[test]
fn a_code_or_identity_longer_than_a_format_width_is_an_account_not_a_crash() {
    // diff and reproduce exited 101 ("Formatting argument out of range") on such a file.
    let dir = built();
    std::fs::write(dir.path().join("long.json"), long_return_json(dir.path())).unwrap();
    for args in [
        &["diff", "r/return.json", "long.json"][..],
        &["diff", "long.json", "r", "--format", "json"],
    ] {
        let (code, out, err) = run_in(dir.path(), args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(out.contains("... (70000 characters)"), "{args:?}: {out}");
        assert!(out.len() < 5_000, "{args:?}: {} bytes", out.len());
        lines_bounded(&out);
    }
    let (code, out, _) = run_in(dir.path(), &["check", "long.json"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("C202") && out.contains("... (70000 characters)"),
        "{out}"
    );
    assert!(out.len() < 5_000, "{} bytes", out.len());
    lines_bounded(&out);
    // The archived return.json of a build replaced by it: an auditor is told NOT reproduced.
    std::fs::copy(
        dir.path().join("long.json"),
        dir.path().join("r/return.json"),
    )
    .unwrap();
    for args in [
        &["reproduce", "r"][..],
        &["reproduce", "r", "--format", "json"],
    ] {
        let (code, out, err) = run_in(dir.path(), args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(
            out.starts_with("NOT reproduced") || out.contains("\"reproduced\": false"),
            "{out}"
        );
        assert!(out.contains("... (70000 characters)"), "{args:?}: {out}");
        assert!(out.len() < 10_000, "{args:?}: {} bytes", out.len());
        lines_bounded(&out);
    }
    let (code, out, _) = run_in(dir.path(), &["check", "r"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.len() < 10_000, "{} bytes", out.len());
    lines_bounded(&out);
}

#[test]
fn long_codes_in_the_xml_and_the_workbook_are_shown_cut() {
    let dir = built();
    let long = letters(70_000);
    // A code of the right shape, and one the schema refuses.
    let xml = std::fs::read_to_string(dir.path().join("r/return.xml")).unwrap();
    let fits = xml.replacen(
        "code=\"caseload.all.open_at_end\"",
        &format!("code=\"caseload.{long}\""),
        1,
    );
    assert_ne!(fits, xml);
    std::fs::write(dir.path().join("fits.xml"), &fits).unwrap();
    let refused = xml.replacen(
        "code=\"caseload.all.open_at_end\"",
        &format!("code=\"{}\"", long.to_uppercase()),
        1,
    );
    std::fs::write(dir.path().join("refused.xml"), &refused).unwrap();
    // A workbook whose Measure code cell was typed over with the long text.
    let path = dir.path().join("r/return.xlsx");
    let book = edit_part(
        &std::fs::read(&path).unwrap(),
        "xl/sharedStrings.xml",
        |xml| {
            xml.replacen(
                "<t>caseload.all.open_at_end</t>",
                &format!("<t>caseload.all.{long}</t>"),
                1,
            )
        },
    );
    std::fs::write(dir.path().join("long.xlsx"), book).unwrap();
    for (args, expected) in [
        (&["diff", "r/return.json", "fits.xml"][..], 1),
        (&["check", "fits.xml"], 1),
        (&["diff", "r/return.json", "refused.xml"], 2),
        (&["check", "refused.xml"], 1),
        (&["diff", "r/return.json", "long.xlsx"], 1),
        (&["check", "long.xlsx"], 1),
    ] {
        let (code, out, err) = run_in(dir.path(), args);
        assert_eq!(code, expected, "{args:?}: {out}{err}");
        let text = format!("{out}{err}");
        assert!(text.contains("... (70"), "{args:?}: {text}");
        assert!(text.len() < 10_000, "{args:?}: {} bytes", text.len());
        lines_bounded(&text);
    }
}

#[test]
fn long_values_in_a_manifest_are_shown_cut() {
    let dir = built();
    let path = dir.path().join("r/manifest.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut m: serde_json::Value = serde_json::from_str(&text).unwrap();
    m["input"]["sha256"] = "f".repeat(70_000).into();
    m["tool"]["version"] = "9".repeat(70_000).into();
    m["definitions"]["sha256"] = "e".repeat(70_000).into();
    std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    for args in [
        &["reproduce", "r"][..],
        &["reproduce", "r", "--format", "json"],
    ] {
        let (code, out, err) = run_in(dir.path(), args);
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert!(out.contains("... (70000 characters)"), "{args:?}: {out}");
        assert!(out.len() < 10_000, "{args:?}: {} bytes", out.len());
        lines_bounded(&out);
    }
    let (_, out, _) = run_in(dir.path(), &["check", "r"]);
    assert!(out.len() < 10_000, "{} bytes", out.len());
    lines_bounded(&out);
    // A manifest whose generation time is no time at all is refused in one short sentence.
    m["generated_at"] = "9".repeat(70_000).into();
    std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let (code, _, err) = run_in(dir.path(), &["reproduce", "r"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("... (70000 characters)") && err.len() < 1_000,
        "{err}"
    );
}

#[test]
fn a_workbook_label_longer_than_a_format_width_is_shown_cut() {
    let dir = built();
    // A definitions folder whose template labels the cohort with 70,000 characters.
    let defs = dir.path().join("defs");
    for folder in ["schemas/2024-25", "templates/2024-25"] {
        std::fs::create_dir_all(defs.join(folder)).unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
        for entry in std::fs::read_dir(&from).unwrap() {
            let entry = entry.unwrap().path();
            let mut text = std::fs::read_to_string(&entry).unwrap();
            if entry.ends_with("return-layout.json") {
                let long = format!("\"label\": \"{}\"", "L".repeat(70_000));
                let edited = text.replacen("\"label\": \"Children in the cohort\"", &long, 1);
                assert_ne!(edited, text);
                text = edited;
            }
            std::fs::write(defs.join(folder).join(entry.file_name().unwrap()), text).unwrap();
        }
    }
    let json = std::fs::read_to_string(dir.path().join("r/return.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    for m in v["measures"].as_array_mut().unwrap() {
        if m["code"] == "cohort.all.children" {
            m["value"] = (m["value"].as_i64().unwrap() + 1).into();
        }
    }
    std::fs::write(dir.path().join("more.json"), v.to_string()).unwrap();
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "--definitions",
            "defs",
            "diff",
            "r/return.json",
            "more.json",
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("cohort.all.children") && out.contains("LLL... (70006 characters)"),
        "{out}"
    );
    assert!(out.len() < 5_000, "{} bytes", out.len());
    lines_bounded(&out);
}

/// The clean export with `rows` more interventions whose intervention_type is `text`: one
/// shared string in the file for them all, as Excel stores a value typed on many rows.
fn export_with_long_type(dir: &Path, text: &str, rows: usize) -> std::path::PathBuf {
    let mut sheets = common::clean();
    let iv = sheets
        .iter_mut()
        .find(|s| s.name == "Interventions")
        .unwrap();
    let first = iv.rows[0].clone();
    for n in 0..rows {
        let mut row = first.clone();
        row[0] = format!("L{n}");
        row[2] = text.to_string();
        iv.rows.push(row);
    }
    let path = dir.join("export.xlsx");
    common::write_xlsx(&sheets, &path);
    path
}

/// Every finding of a `--format json` report of `validate`, with its value's length.
fn json_values(out: &str) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(out).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            Some((
                f["code"].as_str()?.to_string(),
                f["value"].as_str()?.to_string(),
            ))
        })
        .collect()
}

#[test]
fn a_long_text_on_many_rows_is_cut_in_each_finding_not_copied_whole() {
    // At Excel's own limit of 32,767 characters, 10,000 rows printed 666 MB; 500 show it.
    let dir = tempfile::tempdir().unwrap();
    let long = letters(32_767);
    export_with_long_type(dir.path(), &long, 500);
    let cut = format!(
        "{}... (32767 characters)",
        long.chars().take(178).collect::<String>()
    );
    let (code, out, err) = run_in(dir.path(), &["validate", "export.xlsx", "--all"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(out.matches(&cut).count(), 500, "one E208 a row");
    assert!(out.len() < 1_000_000, "{} bytes", out.len());
    lines_bounded(&out);
    let (code, out, _) = run_in(dir.path(), &["validate", "export.xlsx", "--format", "json"]);
    assert_eq!(code, 1);
    let values = json_values(&out);
    let e208 = values
        .iter()
        .filter(|(c, v)| c == "E208" && *v == cut)
        .count();
    assert_eq!(
        e208, 500,
        "the JSON report lists every finding, each value cut"
    );
    assert!(values.iter().all(|(_, v)| v.chars().count() <= 200));
    assert!(out.len() < 1_000_000, "{} bytes", out.len());
    // The Excel report: the Issues sheet holds the cut value; the copy of the sheet, where
    // the cell is highlighted, holds what was typed.
    let (code, _, err) = run_in(
        dir.path(),
        &["validate", "export.xlsx", "--report", "report.xlsx"],
    );
    assert_eq!(code, 1, "{err}");
    use calamine::{DataType, Reader};
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(dir.path().join("report.xlsx")).unwrap();
    let issues = book.worksheet_range("Issues").unwrap();
    let texts: Vec<String> = issues
        .used_cells()
        .filter_map(|(_, _, c)| c.get_string().map(str::to_string))
        .collect();
    assert_eq!(texts.iter().filter(|t| **t == cut).count(), 500);
    assert!(texts.iter().all(|t| t.chars().count() < 1_000));
    let copy = book.worksheet_range("Interventions").unwrap();
    let whole = copy
        .used_cells()
        .filter(|(_, _, c)| c.get_string() == Some(long.as_str()))
        .count();
    assert_eq!(whole, 500);
}

#[test]
fn a_shared_string_longer_than_excel_allows_is_cut_in_each_finding() {
    // A hand-made file can hold a shared string of any length, named by many rows: 8 MB of
    // export held 10 MB of letters on 78 rows, and every finding copied it whole.
    let dir = tempfile::tempdir().unwrap();
    export_with_long_type(dir.path(), "PLACEHOLDER", 40);
    let long = letters(1_000_000);
    let path = dir.path().join("export.xlsx");
    let edited = edit_part(
        &std::fs::read(&path).unwrap(),
        "xl/sharedStrings.xml",
        |xml| xml.replacen("<t>PLACEHOLDER</t>", &format!("<t>{long}</t>"), 1),
    );
    std::fs::write(&path, edited).unwrap();
    let (code, out, err) = run_in(dir.path(), &["validate", "export.xlsx", "--all"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out.matches("... (1000000 characters)\"").count(),
        40,
        "{out}"
    );
    assert!(out.len() < 100_000, "{} bytes", out.len());
    lines_bounded(&out);
    let (_, out, _) = run_in(dir.path(), &["validate", "export.xlsx", "--format", "json"]);
    let values = json_values(&out);
    assert!(values.iter().all(|(_, v)| v.chars().count() <= 200));
    assert!(out.len() < 200_000, "{} bytes", out.len());
}

#[test]
fn a_warning_on_a_long_value_is_acknowledged_through_its_template() {
    // An unknown column whose header is Excel's longest text: W110, a warning whose value is
    // the header. The template carries the value cut, and the acknowledgement still applies.
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = common::clean();
    let long = letters(32_767);
    sheets
        .iter_mut()
        .find(|s| s.name == "Children")
        .unwrap()
        .headers
        .push(long.clone());
    common::write_xlsx(&sheets, &dir.path().join("export.xlsx"));
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "validate",
            "export.xlsx",
            "--acknowledgements-template",
            "export.acknowledgements.csv",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let template = std::fs::read_to_string(dir.path().join("export.acknowledgements.csv")).unwrap();
    let line = template
        .lines()
        .find(|l| l.starts_with("W110,"))
        .unwrap_or_else(|| panic!("{template}"));
    assert!(line.ends_with("... (32767 characters),"), "{line}");
    assert!(template.len() < 1_000, "{template}");
    let filled = template.replace(
        line,
        &format!("{line}the supplier adds a notes column; the tool ignores it"),
    );
    std::fs::write(dir.path().join("export.acknowledgements.csv"), filled).unwrap();
    let (code, out, _) = run_in(dir.path(), &["validate", "export.xlsx", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["acknowledgement_notes"].as_array().unwrap().is_empty(),
        "{out}"
    );
    let w110 = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "W110")
        .unwrap();
    assert_eq!(
        w110["acknowledged"],
        "the supplier adds a notes column; the tool ignores it"
    );
    assert!(w110["message"].as_str().unwrap().len() < 500, "{w110}");
}

#[test]
fn a_sheet_storing_its_rows_out_of_order_is_redacted_whole() {
    // The redacted copy is streamed, row by row, in the order the export stores them; a hand-
    // made file storing row 3 before row 2 cannot be streamed (a row written after a later
    // one would be lost), so its copy is made in memory, every row kept.
    let export = edit_part(&clean_bytes(), "xl/worksheets/sheet2.xml", |xml| {
        let start2 = xml.find("<row r=\"2\"").unwrap();
        let start3 = xml.find("<row r=\"3\"").unwrap();
        let end3 = start3 + xml[start3..].find("</row>").unwrap() + "</row>".len();
        format!(
            "{}{}{}{}",
            &xml[..start2],
            &xml[start3..end3],
            &xml[start2..start3],
            &xml[end3..]
        )
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("export.xlsx"), export).unwrap();
    let (code, _, err) = run_in(
        dir.path(),
        &["validate", "export.xlsx", "--redact", "copy.xlsx"],
    );
    assert!([0, 1].contains(&code), "{err}");
    use calamine::Reader;
    let mut copy: calamine::Xlsx<_> =
        calamine::open_workbook(dir.path().join("copy.xlsx")).unwrap();
    let children = copy.worksheet_range("Children").unwrap();
    let rows: Vec<Vec<String>> = children
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    // Pseudonyms in the order the file stores the rows: row 3 (child 2) came first.
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[1][0], "CHILD-0002", "{rows:?}");
    assert_eq!(rows[1][2], "M", "{rows:?}");
    assert_eq!(rows[2][0], "CHILD-0001", "{rows:?}");
    assert_eq!(rows[2][2], "F", "{rows:?}");
}
