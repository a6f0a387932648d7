//! `explain` through the real binary on the shipped samples: who is behind a figure, what
//! moved it between the first and the corrected Q3 export, the workbook on paper, and the
//! explanation's counts equal to the return's for every measure of every sample.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::common;

use common::*;

const NOTICE: &str = "contains case identifiers: keep inside the service";

/// Runs `explain` in `dir`; returns (status, stdout, stderr).
fn explain(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = yjb()
        .current_dir(dir)
        .arg("explain")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The measures of an explanation's JSON, by code.
fn measures(v: &Value) -> BTreeMap<String, Value> {
    v["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["code"].as_str().unwrap().to_string(), m.clone()))
        .collect()
}

fn ids(list: &Value, id: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e["ids"][id].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn kpi1_for_q4_lists_the_children_behind_it_and_those_outside_it_with_their_reasons() {
    let dir = samples_of("2024-25");
    let args = [
        "q4-export.xlsx",
        "--period",
        "2024-25 Q4",
        "--measure",
        "kpi1.all.suitable",
    ];
    let (code, out, err) = explain(&dir, &args);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.lines().next().unwrap().to_lowercase().contains(NOTICE),
        "{out}"
    );
    assert!(
        out.contains("kpi1.all.suitable = 22, of cohort.all.children = 28: 78.6%"),
        "{out}"
    );
    assert!(out.contains("  Counted (22):"), "{out}");
    assert!(
        out.contains("  Outside: in cohort.all.children, not counted (6):"),
        "{out}"
    );
    assert!(
        out.contains(
            "Interventions row 60 | child_id NSH-1019, intervention_id NSH-I-0057 | community | \
             accommodation at the end: NFA, suitable N"
        ),
        "{out}"
    );
    // The near miss: a licence ending in the quarter, its release in an earlier one.
    assert!(
        out.contains(
            "child_id NSH-E04, intervention_id NSH-I-0005 | custody | CUST NSH-I-0005 licence \
             ended 2025-02-10 in the period, released 2024-08-05, no release in it: not in the \
             cohort"
        ),
        "{out}"
    );
    // The same as JSON: the records add up to the figure, the denominator to its figure.
    let mut with_json = args.to_vec();
    with_json.extend(["--format", "json"]);
    let (code, out, err) = explain(&dir, &with_json);
    assert_eq!(code, 0, "{err}");
    assert!(out.lines().next().unwrap().contains(NOTICE), "{out}");
    let v = json(&out);
    let m = &measures(&v)["kpi1.all.suitable"];
    assert_eq!(m["value"], 22);
    assert_eq!(m["denominator"]["value"], 28);
    let counted = m["counted"].as_array().unwrap();
    assert_eq!(counted.len(), 22);
    assert!(counted.iter().all(|e| e["amount"] == 1
        && e["fields"]["accommodation_suitable"] == "Y"
        && e["sheet"] == "Interventions"
        && e["row"].as_u64().is_some()));
    let outside = m["outside"].as_array().unwrap();
    assert_eq!(outside.len(), 6);
    assert!(outside.iter().all(|e| e["amount"] == 0
        && e["fields"]["accommodation_suitable"] == "N"
        && e["why"].as_str().unwrap().ends_with("suitable N")));
    assert_eq!(ids(&m["near_misses"], "child_id"), ["NSH-E04"]);
    assert!(
        m["near_misses"][0]["rule"]
            .as_str()
            .unwrap()
            .contains("at its release")
    );
}

#[test]
fn the_corrected_q3_export_moved_kpi1_by_one_child_and_nothing_else() {
    let dir = samples_of("2024-25");
    let args = [
        "q3-export.xlsx",
        "q3-export-corrected.xlsx",
        "--period",
        "2024-25 Q3",
    ];
    let (code, out, err) = explain(&dir, &args);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.lines().next().unwrap().to_lowercase().contains(NOTICE));
    assert!(out.contains("2 measure(s) differ"), "{out}");
    assert!(
        out.contains(
            "kpi1.all.suitable: 25 -> 26\n  entered child_id NSH-1015, intervention_id \
             NSH-I-0053 (Interventions row 55): NSH-I-0053 accommodation_suitable N -> Y: now \
             counted: accommodation at the end: PARENTS, suitable Y"
        ),
        "{out}"
    );
    let mut with_json = args.to_vec();
    with_json.extend(["--format", "json"]);
    let (code, out, _) = explain(&dir, &with_json);
    assert_eq!(code, 0);
    let v = json(&out);
    let changed: Vec<&str> = v["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["kpi1.community.suitable", "kpi1.all.suitable"]);
    for m in v["measures"].as_array().unwrap() {
        let moved = m["moved"].as_array().unwrap();
        assert_eq!(moved.len(), 1, "{m}");
        assert_eq!(moved[0]["movement"], "entered");
        assert_eq!(moved[0]["ids"]["child_id"], "NSH-1015");
        assert_eq!(
            moved[0]["changes"],
            serde_json::json!([{"sheet": "Interventions", "record": "NSH-I-0053",
                "field": "accommodation_suitable", "old": "N", "new": "Y"}])
        );
        assert_eq!(moved[0]["old"]["status"], "outside");
        assert_eq!(moved[0]["new"]["status"], "counted");
    }
    // Only the extract date changed in the Service sheet.
    assert_eq!(v["service"].as_array().unwrap().len(), 1);
    assert_eq!(v["service"][0]["field"], "extract_date");
    // The same export twice: nothing moved.
    let (code, out, _) = explain(
        &dir,
        &["q3-export.xlsx", "q3-export.xlsx", "--period", "2024-25 Q3"],
    );
    assert_eq!(code, 0);
    assert!(out.contains("No measure differs"), "{out}");
    // The comparison is read on the terminal or as JSON: --out is misuse, nothing written.
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("moved.xlsx");
    let mut with_out = args.to_vec();
    let book_arg = book.display().to_string();
    with_out.extend(["--out", book_arg.as_str()]);
    let (code, out, err) = explain(&dir, &with_out);
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("to compare two exports, read the terminal"),
        "{err}"
    );
    assert!(!book.exists());
}

/// `all` of a family of a return.json: the measures `explain` must equal.
fn return_measures(dir: &Path) -> BTreeMap<String, i64> {
    let v = json(&std::fs::read_to_string(dir.join("return.json")).unwrap());
    v["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["code"].as_str().unwrap().to_string(),
                m["value"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// The figure a measure's counted records add up to, as the return makes it: a count of
/// records, a sum of reoffences, or hours summed exactly and rounded half up (per group; `all`
/// the sum of its rounded groups).
fn added_up(m: &Value) -> i64 {
    let counted = m["counted"].as_array().unwrap();
    if m["unit"] == "count" {
        return counted.iter().map(|e| e["amount"].as_i64().unwrap()).sum();
    }
    let mut per_group: BTreeMap<String, i64> = BTreeMap::new();
    for e in counted {
        let milli = (e["amount"].as_f64().unwrap() * 1000.0).round() as i64;
        *per_group
            .entry(e["group"].as_str().unwrap().to_string())
            .or_default() += milli;
    }
    per_group.values().map(|s| (s + 500).div_euclid(1000)).sum()
}

#[test]
fn the_counts_equal_the_returns_for_every_measure_of_every_sample() {
    let root = tempfile::tempdir().unwrap();
    let mut cases: Vec<(String, String, String, bool)> = Vec::new();
    for year in SAMPLE_YEARS {
        for q in 1..=4 {
            cases.push((
                year.to_string(),
                format!("q{q}-export.xlsx"),
                format!("{year} Q{q}"),
                false,
            ));
        }
    }
    cases.push((
        "2024-25".into(),
        "q3-export-corrected.xlsx".into(),
        "2024-25 Q3".into(),
        false,
    ));
    cases.push((
        "2024-25".into(),
        "q4-provisional-export.xlsx".into(),
        "2024-25 Q4".into(),
        true,
    ));
    for (i, (year, file, period, provisional)) in cases.iter().enumerate() {
        let out_dir = root.path().join(format!("r{i}"));
        let mut build = yjb();
        build
            .current_dir(samples_of(year))
            .args(["build", file, "--period", period, "--out"])
            .arg(&out_dir);
        let mut args = vec![file.as_str(), "--period", period, "--format", "json"];
        if *provisional {
            build.arg("--provisional");
            args.push("--provisional");
        }
        let built = build.output().unwrap();
        assert_eq!(built.status.code(), Some(0), "{file} {period}");
        let expected = return_measures(&out_dir);
        let (code, out, err) = explain(&samples_of(year), &args);
        assert_eq!(code, 0, "{file}: {err}");
        let got = measures(&json(&out));
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "{file} {period}: the measures"
        );
        for (code, m) in &got {
            let want = expected[code];
            assert_eq!(m["value"], want, "{file} {period} {code}");
            assert_eq!(added_up(m), want, "{file} {period} {code}: its records");
            // A percentage's numerator decides every record of its denominator.
            if let Some(d) = m["denominator"]["code"].as_str() {
                let decided =
                    m["counted"].as_array().unwrap().len() + m["outside"].as_array().unwrap().len();
                assert_eq!(
                    decided as i64, expected[d],
                    "{file} {period} {code}: counted and outside make {d}"
                );
            }
        }
    }
}

#[test]
fn an_export_with_errors_is_refused_as_build_refuses_it() {
    let dir = samples_of("2024-25");
    let args = ["flawed-export.xlsx", "--period", "2024-25 Q2"];
    let tmp = tempfile::tempdir().unwrap();
    let built = yjb()
        .current_dir(&dir)
        .arg("build")
        .args(args)
        .arg("--out")
        .arg(tmp.path().join("r"))
        .output()
        .unwrap();
    assert_eq!(built.status.code(), Some(1));
    let build_out = String::from_utf8(built.stdout).unwrap();
    let mut with_measure = args.to_vec();
    with_measure.extend(["--measure", "kpi1"]);
    let (code, out, _) = explain(&dir, &with_measure);
    assert_eq!(code, 1, "{out}");
    assert!(out.lines().next().unwrap().to_lowercase().contains(NOTICE));
    // The same findings, line for line, as build lists them.
    let findings = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| {
                l.trim_start().starts_with("ERROR") || l.trim_start().starts_with("WARNING")
            })
            .map(str::to_string)
            .collect()
    };
    assert!(!findings(&build_out).is_empty());
    assert_eq!(findings(&out), findings(&build_out));
    assert!(out.contains("Nothing was explained"), "{out}");
    // As JSON, the validation report with its findings.
    with_measure.extend(["--format", "json"]);
    let (code, out, _) = explain(&dir, &with_measure);
    assert_eq!(code, 1);
    assert_eq!(json(&out)["verdict"], "errors");
    // Compared with a clean export, the flawed one is refused too.
    let (code, _, _) = explain(
        &dir,
        &[
            "q2-export.xlsx",
            "flawed-export.xlsx",
            "--period",
            "2024-25 Q2",
        ],
    );
    assert_eq!(code, 1);
}

#[test]
fn a_provisional_export_is_explained_only_as_provisional() {
    let dir = samples_of("2024-25");
    let args = [
        "q4-provisional-export.xlsx",
        "--period",
        "2024-25 Q4",
        "--measure",
        "cohort.all.children",
    ];
    let (code, out, _) = explain(&dir, &args);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("E451"), "{out}");
    assert!(out.contains("add --provisional"), "{out}");
    let mut provisional = args.to_vec();
    provisional.push("--provisional");
    let (code, out, err) = explain(&dir, &provisional);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("cohort.all.children = "), "{out}");
}

#[test]
fn an_unknown_measure_is_misuse_with_the_nearest_codes_suggested() {
    let dir = samples_of("2024-25");
    let (code, out, err) = explain(
        &dir,
        &[
            "q4-export.xlsx",
            "--period",
            "2024-25 Q4",
            "--measure",
            "kpi1.all.suitible",
        ],
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("no measure is called \"kpi1.all.suitible\" (the nearest: kpi1.all.suitable"),
        "{err}"
    );
    // Nothing to explain on the terminal without a measure named.
    let (code, _, err) = explain(&dir, &["q4-export.xlsx", "--period", "2024-25 Q4"]);
    assert_eq!(code, 2);
    assert!(err.contains("--measure"), "{err}");
}

#[test]
fn a_section_or_a_pattern_selects_several_and_long_lists_are_cut_unless_all() {
    let dir = samples_of("2024-25");
    let (code, out, _) = explain(
        &dir,
        &[
            "q4-export.xlsx",
            "--period",
            "2024-25 Q4",
            "--measure",
            "kpi1.*.suitable",
            "--measure",
            "kpi9.caseload",
        ],
    );
    assert_eq!(code, 0);
    for g in ["prevention", "out_of_court", "community", "custody", "all"] {
        assert!(
            out.contains(&format!("\nkpi1.{g}.suitable = ")),
            "{g}: {out}"
        );
    }
    assert!(!out.contains("kpi1.all.type."), "{out}");
    // The caseload has more children than a terminal list shows.
    let caseload = out.split("\nkpi9.caseload = ").nth(1).unwrap();
    let shown = caseload.lines().filter(|l| l.starts_with("    ")).count();
    assert_eq!(shown, 40, "{caseload}");
    assert!(
        caseload.contains("more (--all lists every one"),
        "{caseload}"
    );
    let (_, all, _) = explain(
        &dir,
        &[
            "q4-export.xlsx",
            "--period",
            "2024-25 Q4",
            "--measure",
            "kpi9.caseload",
            "--all",
        ],
    );
    let listed = all.lines().filter(|l| l.starts_with("    ")).count();
    assert!(listed > 40, "{all}");
    assert!(!all.contains("more (--all"), "{all}");
}

/// The XML parts of a workbook.
fn parts(path: &Path) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut text = String::new();
        use std::io::Read;
        if f.read_to_string(&mut text).is_ok() {
            out.insert(name, text);
        }
    }
    out
}

#[test]
fn the_workbook_has_every_measure_and_prints_on_a4_saying_it_holds_identifiers() {
    let tmp = tempfile::tempdir().unwrap();
    let book = tmp.path().join("explain.xlsx");
    let export = samples_of("2024-25").join("q4-export.xlsx");
    let (code, out, err) = explain(
        tmp.path(),
        &[
            export.to_str().unwrap(),
            "--period",
            "2024-25 Q4",
            "--out",
            "explain.xlsx",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.lines().next().unwrap().to_lowercase().contains(NOTICE));
    assert!(out.contains("written to explain.xlsx"), "{out}");
    // Every measure of the return is on the Measures sheet, with the return's figure.
    let built = tmp.path().join("r");
    let b = yjb()
        .args([
            "build",
            export.to_str().unwrap(),
            "--period",
            "2024-25 Q4",
            "--out",
        ])
        .arg(&built)
        .output()
        .unwrap();
    assert_eq!(b.status.code(), Some(0));
    let expected = return_measures(&built);
    use calamine::{DataType, Reader, open_workbook_auto};
    let mut wb = open_workbook_auto(&book).unwrap();
    let names = wb.sheet_names().to_vec();
    assert_eq!(names[0], "Measures");
    for s in [
        "cohort", "kpi1", "kpi2", "kpi7", "kpi9", "kpi10", "fte", "caseload",
    ] {
        assert!(names.contains(&s.to_string()), "{names:?}");
    }
    let sheet = wb.worksheet_range("Measures").unwrap();
    let mut on_sheet: BTreeMap<String, i64> = BTreeMap::new();
    for row in sheet.rows().skip(5) {
        if let (Some(code), Some(value)) = (row[0].get_string(), row[1].get_float()) {
            on_sheet.insert(code.to_string(), value as i64);
        }
    }
    assert_eq!(on_sheet, expected);
    // Every sheet: landscape A4, one page wide, filterable, the notice in its header and
    // footer; no link leaves the file.
    let parts = parts(&book);
    let sheets: Vec<&String> = parts
        .keys()
        .filter(|k| k.starts_with("xl/worksheets/sheet"))
        .collect();
    assert_eq!(sheets.len(), names.len());
    for s in sheets {
        let xml = &parts[s];
        assert!(xml.contains("orientation=\"landscape\""), "{s}");
        assert!(xml.contains("paperSize=\"9\""), "{s}");
        assert!(xml.contains("<autoFilter"), "{s}");
        let header = xml.split("<headerFooter").nth(1).unwrap_or("");
        assert_eq!(
            header
                .matches("Contains case identifiers: keep inside the service")
                .count(),
            2,
            "{s}"
        );
        // Each row once, in order, and the sheet's dimension reaching the last (the library's
        // streamed sheets once wrote their last row twice).
        let rows: Vec<u32> = xml
            .split("<row r=\"")
            .skip(1)
            .map(|r| r.split('"').next().unwrap().parse().unwrap())
            .collect();
        assert!(rows.windows(2).all(|w| w[0] < w[1]), "{s}: {rows:?}");
        let dimension = xml.split("<dimension ref=\"").nth(1).unwrap();
        let corner = dimension.split(['"', ':']).nth(1).unwrap();
        let last: u32 = corner
            .trim_start_matches(|c: char| c.is_ascii_uppercase())
            .parse()
            .unwrap();
        assert_eq!(Some(&last), rows.last(), "{s}");
    }
    assert!(
        !parts
            .values()
            .any(|x| x.contains("TargetMode=\"External\"")),
        "a link leads outside the file"
    );
    // A section's records read from their first line: every cell top-aligned, numbers (the
    // row, what a record adds) centred in their narrow columns.
    let styles = &parts["xl/styles.xml"];
    let xfs: Vec<&str> = styles
        .split("<cellXfs")
        .nth(1)
        .unwrap()
        .split("</cellXfs>")
        .next()
        .unwrap()
        .split("<xf ")
        .skip(1)
        .collect();
    let kpi1 = names.iter().position(|n| n == "kpi1").unwrap();
    let xml = &parts[&format!("xl/worksheets/sheet{}.xml", kpi1 + 1)];
    let mut numbers = 0;
    for row in xml.split("<row r=\"").skip(1) {
        let r: u32 = row.split('"').next().unwrap().parse().unwrap();
        if r <= 5 {
            continue;
        }
        for cell in row.split("<c r=\"").skip(1) {
            let head = cell.split('>').next().unwrap();
            let s: usize = head
                .split(" s=\"")
                .nth(1)
                .unwrap_or_else(|| panic!("row {r}: a cell with no format: {head}"))
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert!(
                xfs[s].contains("vertical=\"top\""),
                "row {r}: {head} {}",
                xfs[s]
            );
            if !head.contains(" t=\"") {
                numbers += 1;
                assert!(xfs[s].contains("horizontal=\"center\""), "row {r}: {head}");
            }
        }
    }
    assert!(numbers > 28, "{numbers}");
    // The same input gives the same bytes.
    let again = tmp.path().join("again.xlsx");
    let (code, _, _) = explain(
        tmp.path(),
        &[
            export.to_str().unwrap(),
            "--period",
            "2024-25 Q4",
            "--out",
            "again.xlsx",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::read(&book).unwrap(),
        std::fs::read(&again).unwrap()
    );
    // On paper: A4 landscape, every page saying it holds case identifiers.
    if soffice_available("the_workbook_prints") {
        let pdf = soffice_convert(&book, "pdf", tmp.path());
        let info = std::process::Command::new("pdfinfo").arg(&pdf).output();
        if let Ok(info) = info {
            let info = String::from_utf8_lossy(&info.stdout).to_string();
            assert!(info.contains("841.") && info.contains("x 595."), "{info}");
            let pages: usize = info
                .lines()
                .find_map(|l| l.strip_prefix("Pages:"))
                .unwrap()
                .trim()
                .parse()
                .unwrap();
            for page in 1..=pages {
                let text = std::process::Command::new("pdftotext")
                    .args(["-f", &page.to_string(), "-l", &page.to_string()])
                    .arg(&pdf)
                    .arg("-")
                    .output()
                    .unwrap();
                let text = String::from_utf8_lossy(&text.stdout);
                assert!(
                    text.contains("Contains case identifiers: keep inside the service"),
                    "page {page}: {text}"
                );
            }
        }
    }
}

#[test]
fn the_workbook_is_never_written_over_a_file_without_force_nor_over_the_export() {
    let tmp = tempfile::tempdir().unwrap();
    let export = tmp.path().join("export.xlsx");
    std::fs::copy(samples_of("2024-25").join("q1-export.xlsx"), &export).unwrap();
    let before = std::fs::read(&export).unwrap();
    let (code, _, err) = explain(
        tmp.path(),
        &[
            "export.xlsx",
            "--period",
            "2024-25 Q1",
            "--out",
            "export.xlsx",
            "--force",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("--out names the export being explained"),
        "{err}"
    );
    assert_eq!(std::fs::read(&export).unwrap(), before);
    std::fs::write(tmp.path().join("mine.xlsx"), b"the officer's own").unwrap();
    let (code, _, err) = explain(
        tmp.path(),
        &[
            "export.xlsx",
            "--period",
            "2024-25 Q1",
            "--out",
            "mine.xlsx",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("add --force to replace it"), "{err}");
    assert_eq!(
        std::fs::read(tmp.path().join("mine.xlsx")).unwrap(),
        b"the officer's own"
    );
    let (code, _, err) = explain(
        tmp.path(),
        &[
            "export.xlsx",
            "--period",
            "2024-25 Q1",
            "--out",
            "mine.xlsx",
            "--force",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::read(tmp.path().join("mine.xlsx"))
            .unwrap()
            .starts_with(b"PK")
    );
}
