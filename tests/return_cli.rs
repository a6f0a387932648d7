//! `build`, `check`, `reproduce` and `diff` end to end through the real binary.
//!
//! The fixture is the small clean export of `common::clean()`; for 2024-25 Q2 its cohort is
//! two children: C1 (RO ended 2024-08-20, community) and child 2, whose DIV ended 2024-09-01
//! after its custody release on 2024-08-01, so the DIV represents it (out of court).

use crate::common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use common::*;

const WHEN: &str = "2024-10-21T09:30:00Z";

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new(sheets: &[Sheet]) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        write_xlsx(sheets, &dir.path().join("export.xlsx"));
        Fixture { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = yjb()
            .current_dir(self.dir.path())
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    fn build(&self, out: &str) -> (i32, String, String) {
        self.run(&[
            "build",
            "export.xlsx",
            "--period",
            "2024-25 Q2",
            "--out",
            out,
            "--generated-at",
            WHEN,
        ])
    }
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn measure(ret: &serde_json::Value, code: &str) -> Option<i64> {
    ret["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["code"] == code)
        .map(|m| m["value"].as_i64().unwrap())
}

#[test]
fn build_writes_the_four_files_with_the_hand_worked_figures() {
    let f = Fixture::new(&clean());
    let (code, out, err) = f.build("returns/2024-25-Q2");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Built the 2024-25 Q2 return for Northshire (NSH01)"),
        "{out}"
    );
    // The YJB collects the figures through its portal (YJAF) in its own template, which is
    // not published: the workbook is what they go from, return.xml a record in this tool's
    // own schema, and nothing says it is "the file to submit".
    assert!(
        out.contains(
            "  return.xlsx   the return for people: its figures go to the YJB through its \
             portal, YJAF\n  return.xml    the same figures as XML: a machine-readable record \
             (this tool's own schema)\n"
        ),
        "{out}"
    );
    assert!(!out.to_lowercase().contains("submit"), "{out}");
    let dir = f.path("returns/2024-25-Q2");
    for file in ["return.xlsx", "return.xml", "return.json", "manifest.json"] {
        assert!(dir.join(file).exists(), "{file}");
    }
    let ret = json(&dir.join("return.json"));
    assert_eq!(ret["identity"]["yjs_code"], "NSH01");
    assert_eq!(ret["identity"]["generated_at"], WHEN);
    assert_eq!(measure(&ret, "cohort.all.children"), Some(2));
    assert_eq!(measure(&ret, "cohort.community.children"), Some(1));
    assert_eq!(measure(&ret, "cohort.out_of_court.children"), Some(1));
    assert_eq!(measure(&ret, "cohort.custody.children"), Some(0));
    assert_eq!(measure(&ret, "kpi6.div.completed"), Some(1));
    assert_eq!(measure(&ret, "kpi7.meetings"), Some(1));
    assert_eq!(measure(&ret, "kpi7.probation.senior"), Some(0));
    assert_eq!(
        measure(&ret, "kpi7.probation.disproportionality_data"),
        Some(1)
    );
    assert_eq!(measure(&ret, "kpi7.statutory_all_senior"), Some(0));
    assert_eq!(measure(&ret, "kpi10.victims"), Some(0));
    assert_eq!(measure(&ret, "kpi7.pcc.attended"), None);
    let codes: Vec<&str> = ret["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_str().unwrap())
        .collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "measures are sorted by code");

    let manifest = json(&dir.join("manifest.json"));
    assert_eq!(manifest["period"], "2024-25 Q2");
    assert_eq!(manifest["outputs"].as_array().unwrap().len(), 3);
    let xml = std::fs::read_to_string(dir.join("return.xml")).unwrap();
    assert!(
        !xml.contains("C1\"") && !xml.contains(">C1<"),
        "no child id in the XML"
    );
}

#[test]
fn build_is_deterministic_and_never_overwrites_without_force() {
    let f = Fixture::new(&clean());
    assert_eq!(f.build("a").0, 0);
    assert_eq!(f.build("b").0, 0);
    for file in ["return.xlsx", "return.xml", "return.json"] {
        assert_eq!(
            std::fs::read(f.path("a").join(file)).unwrap(),
            std::fs::read(f.path("b").join(file)).unwrap(),
            "{file} differs between two builds"
        );
    }
    let (code, _, err) = f.build("a");
    assert_eq!(code, 2);
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    let (code, out, err) = f.run(&[
        "build",
        "export.xlsx",
        "--period",
        "2024-25 Q2",
        "--out",
        "a",
        "--force",
    ]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn build_refuses_an_export_with_errors_and_writes_nothing() {
    let mut sheets = clean();
    set(&mut sheets, "Interventions", 0, "end_date", "2024-13-01");
    let f = Fixture::new(&sheets);
    let (code, out, _) = f.build("out");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("E201") && out.contains("The return was not built"),
        "{out}"
    );
    assert!(!f.path("out").exists());
}

#[test]
fn archive_files_each_submission_in_its_own_folder() {
    let f = Fixture::new(&clean());
    let args = [
        "build",
        "export.xlsx",
        "--period",
        "2024-25 Q2",
        "--archive",
        "returns",
        "--generated-at",
        WHEN,
    ];
    assert_eq!(f.run(&args).0, 0);
    assert_eq!(f.run(&args).0, 0);
    let first = f.path("returns/2024-25-Q2");
    let second = f.path("returns/2024-25-Q2-resubmission-2");
    assert!(first.join("input.xlsx").exists());
    assert!(second.join("manifest.json").exists());
    assert_eq!(
        json(&first.join("manifest.json"))["input"]["path"],
        "input.xlsx"
    );
    // The archive reproduces from its own copy, wherever it is moved.
    let moved = f.path("moved");
    std::fs::rename(&first, &moved).unwrap();
    let (code, out, err) = f.run(&["reproduce", "moved/manifest.json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Reproduced"), "{out}");
}

#[test]
fn a_fresh_build_checks_clean_file_by_file_and_as_a_folder() {
    let f = Fixture::new(&clean());
    assert_eq!(f.build("r").0, 0);
    for target in ["r", "r/return.xml", "r/return.xlsx", "r/return.json"] {
        let (code, out, err) = f.run(&["check", target]);
        assert_eq!(code, 0, "{target}: {out}{err}");
        assert!(out.contains("Verdict: passed"), "{out}");
    }
    let (code, out, _) = f.run(&["check", "r", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["verdict"], "passed");
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn a_hand_edited_xml_figure_is_caught() {
    let f = Fixture::new(&clean());
    assert_eq!(f.build("r").0, 0);
    let path = f.path("r/return.xml");
    let xml = std::fs::read_to_string(&path).unwrap();
    let edited = xml.replacen(
        "code=\"cohort.all.children\">2<",
        "code=\"cohort.all.children\">3<",
        1,
    );
    assert_ne!(
        xml, edited,
        "the fixture's XML holds cohort.all.children = 2"
    );
    std::fs::write(&path, edited).unwrap();
    let (code, out, _) = f.run(&["check", "r/return.xml", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let found: Vec<(&str, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["column"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(found.contains(&("C401", "cohort.all.children")), "{out}");
    assert!(found.contains(&("C301", "cohort.all.children")), "{out}");
}

#[test]
fn an_xml_that_breaks_the_schema_is_refused() {
    let f = Fixture::new(&clean());
    assert_eq!(f.build("r").0, 0);
    let path = f.path("r/return.xml");
    let xml = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, xml.replacen(">0<", ">-1<", 1)).unwrap();
    let (code, out, _) = f.run(&["check", "r/return.xml"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("C101"), "{out}");
}

/// Rewrites the first numeric cell holding `from` in a workbook's figure sheets (not the
/// cover, not a text cell), as a person typing over a figure in Excel would.
fn edit_first_count(path: &Path, from: &str, to: &str) {
    edit_count_in(path, None, from, to);
}

/// As `edit_first_count`, in one sheet's part (`xl/worksheets/sheet3.xml`) when given.
fn edit_count_in(path: &Path, part: Option<&str>, from: &str, to: &str) {
    edit_cell(path, part, None, from, to);
}

/// Rewrites a numeric cell holding `from`: the first in `part`, or the one at `cell` (`C7`).
fn edit_cell(path: &Path, part: Option<&str>, cell: Option<&str>, from: &str, to: &str) {
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut edited = false;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        let wanted = match part {
            Some(p) => name == p,
            None => name.starts_with("xl/worksheets/sheet") && name != "xl/worksheets/sheet1.xml",
        };
        if !edited && wanted {
            let text = String::from_utf8(data.clone()).unwrap();
            let mut pos = 0;
            while let Some(at) = text[pos..].find("<c ") {
                let start = pos + at;
                let tag_end = start + text[start..].find('>').unwrap();
                let tag = &text[start..tag_end];
                let value = format!("<v>{from}</v>");
                let at_cell = cell.is_none_or(|c| tag.contains(&format!("r=\"{c}\"")));
                if at_cell && !tag.contains(" t=\"") && text[tag_end + 1..].starts_with(&value) {
                    let mut t = text[..tag_end + 1].to_string();
                    t.push_str(&format!("<v>{to}</v>"));
                    t.push_str(&text[tag_end + 1 + value.len()..]);
                    data = t.into_bytes();
                    edited = true;
                    break;
                }
                pos = tag_end;
            }
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    assert!(edited, "no numeric cell holding {from} to edit");
    std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

#[test]
fn a_hand_edited_workbook_figure_is_caught() {
    let f = Fixture::new(&clean());
    assert_eq!(f.build("r").0, 0);
    edit_first_count(&f.path("r/return.xlsx"), "2", "7");
    let (code, out, _) = f.run(&["check", "r/return.xlsx"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("C401"), "{out}");
    // The honest files beside it are not blamed.
    let (code, out, _) = f.run(&["check", "r/return.json"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_figure_shown_twice_and_edited_once_is_caught() {
    let f = Fixture::new(&clean());
    assert_eq!(f.build("r").0, 0);
    // Sheet 3 is KPI 1, whose first row repeats the cohort: prevention 0, out of court 1, ….
    edit_count_in(
        &f.path("r/return.xlsx"),
        Some("xl/worksheets/sheet3.xml"),
        "1",
        "7",
    );
    let (code, out, _) = f.run(&["check", "r/return.xlsx", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let conflict = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "C401" && f["column"] == "cohort.out_of_court.children")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(conflict["row"], 5);
    assert_eq!(conflict["value"], "7");
}

#[test]
fn a_percentage_typed_over_is_caught() {
    let f = Fixture::new(&clean());
    assert_eq!(f.build("r").0, 0);
    // KPI 1, row 7: % in suitable accommodation; column C: out of court (1 of 1 = 100%).
    edit_cell(
        &f.path("r/return.xlsx"),
        Some("xl/worksheets/sheet3.xml"),
        Some("C7"),
        "1",
        "0.5",
    );
    let (code, out, _) = f.run(&["check", "r/return.xlsx"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("C302") && out.contains("shows 50.0% for kpi1.out_of_court.suitable / cohort.out_of_court.children (1 / 1), which should be 100.0%"),
        "{out}"
    );
}

#[test]
fn reproduce_is_byte_identical_and_fails_clearly_after_a_one_cell_change() {
    let f = Fixture::new(&clean());
    assert_eq!(f.build("r").0, 0);
    let (code, out, err) = f.run(&["reproduce", "r/manifest.json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Reproduced"), "{out}");

    let mut sheets = clean();
    set(
        &mut sheets,
        "Interventions",
        0,
        "accommodation_suitable",
        "N",
    );
    write_xlsx(&sheets, &f.path("export.xlsx"));
    let (code, out, err) = f.run(&["reproduce", "r"]);
    assert_eq!(code, 1, "{out}{err}");
    let manifest = json(&f.path("r/manifest.json"));
    let expected = manifest["input"]["sha256"].as_str().unwrap();
    assert!(out.contains("the input has changed"), "{out}");
    assert!(out.contains(expected), "names the expected hash: {out}");
    assert!(out.contains("kpi1.all.suitable"), "figure by figure: {out}");

    std::fs::remove_file(f.path("export.xlsx")).unwrap();
    let (code, _, err) = f.run(&["reproduce", "r"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read the archived input") && err.contains(expected),
        "{err}"
    );
}

#[test]
fn diff_reports_exactly_the_measures_a_known_change_moves() {
    let f = Fixture::new(&clean());
    assert_eq!(f.build("before").0, 0);
    let mut sheets = clean();
    set(
        &mut sheets,
        "Interventions",
        0,
        "accommodation_suitable",
        "N",
    );
    write_xlsx(&sheets, &f.path("export.xlsx"));
    assert_eq!(f.build("after").0, 0);
    let (code, out, _) = f.run(&["diff", "before", "after", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let changed: Vec<(&str, i64, i64)> = v["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap(),
                c["old"].as_i64().unwrap(),
                c["new"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        changed,
        [
            ("kpi1.all.suitable", 2, 1),
            ("kpi1.community.suitable", 1, 0),
        ]
    );
    let (code, out, _) = f.run(&["diff", "before/return.xml", "after/return.json"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("  kpi1.all.suitable        2 -> 1  (-1)  In suitable accommodation (All)\n"),
        "{out}"
    );
    assert!(
        out.contains("100.0% -> 50.0%  (-50.0 points)   % in suitable accommodation (All)\n"),
        "{out}"
    );
    let (code, out, _) = f.run(&["diff", "before", "before"]);
    assert_eq!(code, 0);
    assert!(out.contains("No figure changed."), "{out}");
}
