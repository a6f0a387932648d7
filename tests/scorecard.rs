//! `scorecard` end to end through the real binary, over an archive of the shipped samples: the
//! files it writes, every state the sample scorecard shows, reproduction, and every kind of
//! bad input (a sentence naming the file or folder, the right exit status, nothing written).

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;

const WHEN: &str = "2025-05-01T09:00:00Z";

fn samples_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = yjb().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn build_into(archive: &Path, export: &Path, period: &str, extra: &[&str]) {
    let out = yjb()
        .arg("build")
        .arg(export)
        .args(["--period", period, "--archive"])
        .arg(archive)
        .args(["--generated-at", WHEN])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{period}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The archive of the shipped samples, built once: every sample quarter of both years, and
/// 2024-25 Q3 filed a second time from the corrected export (a revised quarter), as the README
/// shows.
fn archive() -> &'static Path {
    static ARCHIVE: OnceLock<tempfile::TempDir> = OnceLock::new();
    ARCHIVE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let archive = dir.path().join("returns");
            for year in ["2023-24", "2024-25"] {
                for q in 1..=4 {
                    let export = samples_of(year).join(format!("q{q}-export.xlsx"));
                    build_into(&archive, &export, &format!("{year} Q{q}"), &[]);
                }
            }
            let corrected = samples().join("q3-export-corrected.xlsx");
            build_into(&archive, &corrected, "2024-25 Q3", &[]);
            dir
        })
        .path()
}

/// A fresh copy of the sample archive, to tamper with.
fn copy_archive(to: &Path) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy(&path, &target);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    let dest = to.join("returns");
    copy(&archive().join("returns"), &dest);
    dest
}

fn csv_args() -> Vec<String> {
    let s = samples_root();
    vec![
        "--targets".into(),
        s.join("targets.csv").display().to_string(),
        "--benchmarks".into(),
        s.join("benchmarks.csv").display().to_string(),
        "--commentary".into(),
        s.join("commentary.csv").display().to_string(),
    ]
}

/// Runs the scorecard over the sample archive into `out` with the sample CSVs.
fn sample_scorecard(out: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args: Vec<String> = vec![
        "scorecard".into(),
        archive().join("returns").display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "--generated-at".into(),
        WHEN.into(),
    ];
    args.extend(csv_args());
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    run(Path::new(env!("CARGO_MANIFEST_DIR")), &refs)
}

/// The entry of a JSON list whose `key` is `value` (an indicator by id, a quarter by period).
fn entry<'a>(list: &'a serde_json::Value, key: &str, value: &str) -> &'a serde_json::Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x[key] == value)
        .unwrap_or_else(|| panic!("no {key} {value}"))
}

/// Runs `scorecard returns --out board` in `dir`, with more arguments.
fn scorecard_in(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["scorecard", "returns", "--out", "board"];
    args.extend(extra);
    run(dir, &args)
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn writes_the_four_files_and_the_csv_copies() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("board/2024-25-Q4");
    let (code, stdout, stderr) = sample_scorecard(&out, &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.starts_with("Wrote the scorecard of Northshire"),
        "{stdout}"
    );
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "benchmarks.csv",
            "commentary.csv",
            "manifest.json",
            "scorecard.html",
            "scorecard.json",
            "scorecard.xlsx",
            "targets.csv"
        ]
    );
    let m = json(&out.join("manifest.json"));
    assert_eq!(m["kind"], "scorecard");
    assert_eq!(m["to"], "2024-25 Q4");
    assert!(
        m["returns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["folder"] == "2024-25-Q3-resubmission-2")
    );
    for output in m["outputs"].as_array().unwrap() {
        let file = output["file"].as_str().unwrap();
        let bytes = std::fs::read(out.join(file)).unwrap();
        assert_eq!(output["sha256"], yjb_return::sha256_hex(&bytes), "{file}");
    }
    // No child's identifier anywhere: the samples' child ids start NSH- or are 40017.
    for file in ["scorecard.html", "scorecard.json"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(!text.contains("NSH-") && !text.contains("40017"), "{file}");
    }
}

#[test]
fn the_sample_scorecard_shows_every_state() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("board");
    let (code, stdout, stderr) = sample_scorecard(&out, &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let v = json(&out.join("scorecard.json"));
    let values: Vec<&serde_json::Value> = v["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["values"].as_array().unwrap())
        .collect();
    let latest: Vec<&serde_json::Value> = v["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["values"].as_array().unwrap().last().unwrap())
        .collect();
    let any = |pred: &dyn Fn(&serde_json::Value) -> bool| latest.iter().any(|x| pred(x));
    for rag in ["green", "amber", "red"] {
        assert!(any(&|x| x["rag"] == rag), "{rag}");
    }
    assert!(
        any(&|x| x["rag"].is_null() && !x["value"].is_null()),
        "no target"
    );
    assert!(any(&|x| x["small_base"] == true), "small base");
    assert!(any(&|x| x["fragile"] == true), "fragile");
    assert!(
        any(&|x| x["rag"].is_string() && x["fragile"] == false),
        "a robust RAG"
    );
    for word in ["better", "worse", "same"] {
        assert!(any(&|x| x["vs_previous"] == word), "{word}");
    }
    assert!(
        values
            .iter()
            .any(|x| x["period"] == "2024-25 Q3" && x["revised"] == true),
        "revised"
    );
    let q3 = entry(&v["sources"], "period", "2024-25 Q3");
    assert_eq!(q3["folder"], "2024-25-Q3-resubmission-2");
    let moved = q3["revisions"][0]["moved"].as_array().unwrap();
    assert!(
        moved.iter().any(|m| m["code"] == "kpi1.all.suitable"),
        "{moved:?}"
    );
    // Commentary is shown beside its quarter's figure.
    let acc = entry(&v["indicators"], "id", "accommodation");
    assert!(
        acc["values"].as_array().unwrap().last().unwrap()["commentary"][0]
            .as_str()
            .unwrap()
            .starts_with("Six of the 28 children")
    );
}

#[test]
fn the_same_inputs_give_the_same_bytes_and_reproduce_proves_it() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    assert_eq!(sample_scorecard(&a, &[]).0, 0);
    assert_eq!(sample_scorecard(&b, &[]).0, 0);
    for file in ["scorecard.xlsx", "scorecard.html", "scorecard.json"] {
        assert_eq!(
            std::fs::read(a.join(file)).unwrap(),
            std::fs::read(b.join(file)).unwrap(),
            "{file}"
        );
    }
    let (code, stdout, stderr) = run(dir.path(), &["reproduce", "a/manifest.json"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("Reproduced: every output is byte-for-byte"),
        "{stdout}"
    );

    // An edited output is said plainly.
    let html = a.join("scorecard.html");
    let text = std::fs::read_to_string(&html).unwrap();
    std::fs::write(&html, text.replace("Northshire", "Southshire")).unwrap();
    let (code, stdout, _) = run(dir.path(), &["reproduce", "a"]);
    assert_eq!(
        code, 1,
        "the rebuild matches the manifest, but the archived file does not: {stdout}"
    );
    assert_eq!(
        stdout.lines().next(),
        Some(
            "NOT reproduced: the scorecard.html beside the manifest has been changed since it \
             was made"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("scorecard.html  DIFFERS"), "{stdout}");
    std::fs::write(&html, text).unwrap();

    // A manifest claiming another tool version than its files record was altered.
    let manifest = a.join("manifest.json");
    let original = std::fs::read_to_string(&manifest).unwrap();
    let now = env!("CARGO_PKG_VERSION");
    std::fs::write(
        &manifest,
        original.replacen(
            &format!("\"version\": \"{now}\""),
            "\"version\": \"0.0.9\"",
            1,
        ),
    )
    .unwrap();
    let (code, stdout, _) = run(dir.path(), &["reproduce", "a"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.starts_with(&format!(
            "NOT reproduced: the manifest says the scorecard was made by yjb-return 0.0.9, but \
             its files record yjb-return {now}"
        )),
        "{stdout}"
    );
    std::fs::write(&manifest, original).unwrap();
    let (code, stdout, _) = run(dir.path(), &["reproduce", "a"]);
    assert_eq!(code, 0, "restored: {stdout}");

    // A changed target after the event: the copy kept beside the scorecard is what counts, so
    // editing it is reported, with the figures it moved.
    let targets = b.join("targets.csv");
    let text = std::fs::read_to_string(&targets).unwrap();
    std::fs::write(
        &targets,
        text.replace(
            "ete_hours,2023-24 Q1,60%,50%",
            "ete_hours,2023-24 Q1,30%,20%",
        ),
    )
    .unwrap();
    let (code, stdout, _) = run(dir.path(), &["reproduce", "b/manifest.json"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("NOT reproduced"), "{stdout}");
    assert!(stdout.contains("the copy of the targets CSV"), "{stdout}");
    assert!(
        stdout.contains("ete_hours 2024-25 Q4: rag \"amber\" -> \"green\""),
        "{stdout}"
    );
}

#[test]
fn an_existing_scorecard_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("board");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let (code, _, stderr) = sample_scorecard(&out, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("already exists") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    // With --force the scorecard takes the folder's place; the officer's own file is never
    // deleted: the old folder is kept, whole, and the output says where.
    let (code, stdout, stderr) = sample_scorecard(&out, &["--force"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(out.join("scorecard.html").exists());
    let kept = stdout
        .lines()
        .find_map(|l| l.split_once("so it was kept, whole, at "))
        .map(|(_, path)| common::host_path(path.trim()))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(
        std::fs::read_to_string(kept.join("notes.txt")).unwrap(),
        "mine"
    );
    // A folder holding only a scorecard is simply replaced.
    let (code, stdout, _) = sample_scorecard(&out, &["--force"]);
    assert_eq!(code, 0);
    assert!(!stdout.contains("kept"), "{stdout}");
}

#[test]
fn a_shorter_window_and_an_earlier_to() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("board");
    let (code, stdout, stderr) = sample_scorecard(&out, &["--to", "2024-25 Q3", "--quarters", "2"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let v = json(&out.join("scorecard.json"));
    assert_eq!(
        v["quarters"],
        serde_json::json!(["2024-25 Q2", "2024-25 Q3"])
    );
}

/// Asserts a failed run wrote nothing and said what is wrong.
fn refused(dir: &Path, args: &[&str], status: i32, says: &[&str]) {
    let (code, stdout, stderr) = run(dir, args);
    let all = format!("{stdout}{stderr}");
    assert_eq!(code, status, "{all}");
    for s in says {
        assert!(all.contains(s), "{s:?} not in:\n{all}");
    }
    assert!(!dir.join("board").exists(), "nothing is written");
    assert!(!all.contains("panicked"), "{all}");
}

#[test]
fn bad_archives() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    refused(
        d,
        &["scorecard", "nowhere", "--out", "board"],
        2,
        &["nowhere does not exist"],
    );
    std::fs::write(d.join("file.txt"), "x").unwrap();
    refused(
        d,
        &["scorecard", "file.txt", "--out", "board"],
        2,
        &["file.txt is a file"],
    );
    std::fs::create_dir(d.join("empty")).unwrap();
    refused(
        d,
        &["scorecard", "empty", "--out", "board"],
        2,
        &["empty is not an archive of returns"],
    );
    copy_archive(d);
    refused(
        d,
        &[
            "scorecard",
            "returns",
            "--out",
            "board",
            "--to",
            "2025-26 Q1",
        ],
        1,
        &["has no return for 2025-26 Q1"],
    );
    refused(
        d,
        &["scorecard", "returns", "--out", "board", "--quarters", "1"],
        2,
        &["--quarters", "2 to 20"],
    );
    refused(
        d,
        &["scorecard", "returns", "--out", "board", "--quarters", "50"],
        2,
        &["2 to 20"],
    );
}

#[test]
fn a_tampered_quarter_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let archive = copy_archive(dir.path());
    let json_path = archive.join("2024-25-Q2/return.json");
    let text = std::fs::read_to_string(&json_path).unwrap();
    let edited = text.replacen(
        "\"code\": \"kpi1.all.suitable\",\n      \"value\": ",
        "\"code\": \"kpi1.all.suitable\",\n      \"value\": 9",
        1,
    );
    assert_ne!(text, edited);
    std::fs::write(&json_path, edited).unwrap();
    refused(
        dir.path(),
        &["scorecard", "returns", "--out", "board"],
        1,
        &[
            "2024-25-Q2: ",
            "kpi1.all.suitable",
            "C401",
            "The scorecard was not written",
        ],
    );
    // A deleted file that the manifest names is just as much a failure.
    let archive = copy_archive(&dir.path().join("second"));
    std::fs::remove_file(archive.join("2024-25-Q1/return.xml")).unwrap();
    refused(
        &dir.path().join("second"),
        &["scorecard", "returns", "--out", "board"],
        1,
        &["2024-25-Q1: return.xml is named by its manifest but missing"],
    );
}

#[test]
fn returns_of_two_services_in_one_archive() {
    let dir = tempfile::tempdir().unwrap();
    let archive = copy_archive(dir.path());
    let mut other = clean();
    set(&mut other, "Service", 0, "yjs_code", "SSH02");
    set(&mut other, "Service", 0, "yjs_name", "Southshire");
    write_xlsx(&other, &dir.path().join("other.xlsx"));
    build_into(&archive, &dir.path().join("other.xlsx"), "2024-25 Q2", &[]);
    refused(
        dir.path(),
        &["scorecard", "returns", "--out", "board"],
        1,
        &[
            "more than one YJS",
            "NSH01",
            "SSH02 (2024-25-Q2-resubmission-2)",
        ],
    );
}

#[test]
fn every_csv_error_names_file_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    copy_archive(dir.path());
    let d = dir.path();
    std::fs::write(
        d.join("targets.csv"),
        "indicator,from_period,target,floor,note\n\
         ete,2024-25 Q1,80,75,\n\
         ete_hourz,2024-25 Q1,60,,\n\
         ete,2024-25 Q9,80,,\n\
         ete_hours,2024-25 Q1,sixty,,\n\
         ete_hours,2024-25 Q1,60,70,\n\
         ete,2024-25 Q1,85,,\n\
         cohort,2024-25 Q1,30,,\n\
         fte_rate,2024-25 Q1,80%,,\n",
    )
    .unwrap();
    std::fs::write(
        d.join("benchmarks.csv"),
        "indicator,comparator,period,value,source\nete,England,2023-24,lots,x\n",
    )
    .unwrap();
    std::fs::write(
        d.join("commentary.csv"),
        "indicator,period,text\nete,Q4,late\n",
    )
    .unwrap();
    let args = [
        "scorecard",
        "returns",
        "--out",
        "board",
        "--targets",
        "targets.csv",
        "--benchmarks",
        "benchmarks.csv",
        "--commentary",
        "commentary.csv",
    ];
    refused(
        d,
        &args,
        1,
        &[
            "targets.csv row 3, column indicator: \"ete_hourz\" is not an indicator",
            "targets.csv row 4, column from_period: \"2024-25 Q9\" is not a reporting period",
            "targets.csv row 5, column target: \"sixty\" is not a number",
            "targets.csv row 6, column floor: \"70\" is above the target 60",
            "targets.csv row 7, column from_period: \"2024-25 Q1\" repeats row 2",
            "targets.csv row 8, column target: \"30\" is a target for cohort",
            "targets.csv row 9, column target: \"80%\" has a %, but fte_rate is not a percentage",
            "benchmarks.csv row 2, column value: \"lots\" is not a number",
            "commentary.csv row 2, column period: \"Q4\" is not a reporting period",
        ],
    );
    // A missing CSV is unreadable input.
    refused(
        d,
        &[
            "scorecard",
            "returns",
            "--out",
            "board",
            "--targets",
            "nope.csv",
        ],
        2,
        &["cannot read nope.csv: it does not exist"],
    );
}

#[test]
fn commentary_outside_the_window_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    copy_archive(dir.path());
    std::fs::write(
        dir.path().join("c.csv"),
        "indicator,period,text\nete,2019-20 Q1,long ago\nete,2024-25 Q4,now\n",
    )
    .unwrap();
    let (code, out, err) = scorecard_in(
        dir.path(),
        &["--commentary", "c.csv", "--generated-at", WHEN],
    );
    assert_eq!(code, 0, "{out}{err}");
    let text = std::fs::read_to_string(dir.path().join("board/scorecard.json")).unwrap();
    assert!(text.contains("\"now\"") && !text.contains("long ago"));
}

#[test]
fn a_provisional_quarter_is_marked() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("returns");
    // The clean export's extract date (2024-10-18) is after 2024-25 Q2 and within Q3: Q3 can
    // only be provisional.
    write_xlsx(&clean(), &dir.path().join("x.xlsx"));
    build_into(&archive, &dir.path().join("x.xlsx"), "2024-25 Q2", &[]);
    build_into(
        &archive,
        &dir.path().join("x.xlsx"),
        "2024-25 Q3",
        &["--provisional"],
    );
    let (code, out, err) = scorecard_in(dir.path(), &["--generated-at", WHEN]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("warning(s) on the returns read"),
        "check's warning is passed on: {out}"
    );
    let v = json(&dir.path().join("board/scorecard.json"));
    let last = v["indicators"][0]["values"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last["period"].as_str(), last["provisional"].as_bool()),
        (Some("2024-25 Q3"), Some(true))
    );
    let html = std::fs::read_to_string(dir.path().join("board/scorecard.html")).unwrap();
    assert!(html.contains("provisional"));
}

/// A definitions folder with a second version from 2024-25 Q3 whose formula for `ete` differs:
/// the scorecard breaks the series there.
#[test]
fn a_second_definitions_version_with_another_formula_breaks_the_series() {
    let dir = tempfile::tempdir().unwrap();
    let defs = dir.path().join("defs");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for top in ["schemas", "templates"] {
        for version in ["2024-25", "2025-26"] {
            let to = defs.join(top).join(version);
            std::fs::create_dir_all(&to).unwrap();
            for entry in std::fs::read_dir(root.join(top).join("2024-25")).unwrap() {
                let path = entry.unwrap().path();
                let mut text = std::fs::read_to_string(&path).unwrap();
                if version == "2025-26" {
                    text = text.replace(
                        "\"definitions_version\": \"2024-25\"",
                        "\"definitions_version\": \"2025-26\"",
                    );
                    text = text.replace(
                        "\"applies_from\": \"2023-24 Q1\"",
                        "\"applies_from\": \"2024-25 Q3\"",
                    );
                    if path.ends_with("scorecard.json") {
                        let before = text.clone();
                        text = text.replacen(
                            "\"kpi2.all.suitable\"\n      ],\n      \"denominator\": \"cohort.all.children\"",
                            "\"kpi2.all.suitable\"\n      ],\n      \"denominator\": \"kpi9.caseload\"",
                            1,
                        );
                        assert_ne!(before, text, "the ete formula changed");
                    }
                }
                std::fs::write(to.join(path.file_name().unwrap()), text).unwrap();
            }
        }
    }
    let archive = dir.path().join("returns");
    for q in 1..=4 {
        let export = samples().join(format!("q{q}-export.xlsx"));
        build_into(
            &archive,
            &export,
            &format!("2024-25 Q{q}"),
            &["--definitions", defs.to_str().unwrap()],
        );
    }
    let (code, out, err) = scorecard_in(
        dir.path(),
        &["--definitions", "defs", "--generated-at", WHEN],
    );
    assert_eq!(code, 0, "{out}{err}");
    let v = json(&dir.path().join("board/scorecard.json"));
    let q3 = entry(
        &entry(&v["indicators"], "id", "ete")["values"],
        "period",
        "2024-25 Q3",
    );
    assert_eq!(
        (q3["break"].as_bool(), q3["vs_previous"].as_str()),
        (Some(true), Some("n/a"))
    );
    let acc = entry(&v["indicators"], "id", "accommodation");
    let q3 = entry(&acc["values"], "period", "2024-25 Q3");
    assert_eq!(q3["break"], false, "accommodation's formula did not change");
    assert_eq!(
        v["definitions_versions"],
        serde_json::json!(["2024-25", "2025-26"])
    );
    // The workbook's chart of `ete`, and only that one, labels the break.
    let bytes = std::fs::read(dir.path().join("board/scorecard.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut labelled = Vec::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        if !file.name().unwrap().starts_with("xl/charts/chart") {
            continue;
        }
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut file, &mut xml).unwrap();
        if xml.contains("break in series") {
            labelled.push(xml);
        }
    }
    assert_eq!(labelled.len(), 1, "one chart labels a break");
    assert!(labelled[0].contains("KPI 2: Children in suitable education"));
}

#[test]
fn the_sample_scorecard_json_matches_its_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("board");
    let (code, stdout, stderr) = sample_scorecard(&out, &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let text = std::fs::read_to_string(out.join("scorecard.json")).unwrap();
    assert_snapshot("scorecard.json", &text);
}

/// The sample scorecard printed by a real browser: headless Chromium makes the PDF a board
/// member would print, and poppler's `pdfinfo` and `pdftotext` read it back. Skipped with a
/// message when Chromium is absent on a developer's machine; in CI (`CI` set) its absence fails.
#[test]
fn the_html_prints_on_a4_in_a_real_browser() {
    let chromium = ["chromium", "chromium-browser"].into_iter().find(|c| {
        std::process::Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let Some(chromium) = chromium else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have chromium and poppler-utils (.ci/run installs them)"
        );
        // Straight to the process's stderr: the harness would hide an eprintln! of a passing test.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "\nSKIPPED the_html_prints_on_a4_in_a_real_browser: chromium is not installed \
             (Debian: apt-get install chromium poppler-utils; in CI this fails instead)\n"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("board");
    assert_eq!(sample_scorecard(&out, &[]).0, 0);
    let pdf = dir.path().join("out.pdf");
    let status = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(out.join("scorecard.html"))
        .output()
        .unwrap();
    assert!(
        pdf.exists(),
        "chromium printed nothing: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let tool = |name: &str, args: &[&str]| {
        let o = std::process::Command::new(name)
            .args(args)
            .arg(&pdf)
            .args(if name == "pdftotext" {
                vec!["-"]
            } else {
                vec![]
            })
            .output()
            .unwrap_or_else(|e| panic!("{name} (poppler-utils) is needed: {e}"));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let info = tool("pdfinfo", &[]);
    assert!(
        info.contains("841.92 x 594.96 pts (A4)"),
        "A4 landscape: {info}"
    );
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    let v = json(&out.join("scorecard.json"));
    let indicators = v["indicators"].as_array().unwrap();
    let exceptions = indicators
        .iter()
        .filter(|i| {
            let last = i["values"].as_array().unwrap().last().unwrap();
            last["rag"] == "red" || last["rag"] == "amber" || last["vs_previous"] == "worse"
        })
        .count();
    assert!(exceptions >= 3);
    // The summary, a page per exception, the quarter-by-quarter page, the guidance.
    assert!(
        (exceptions + 3..=exceptions + 5).contains(&pages),
        "{pages} pages for {exceptions} exceptions"
    );
    let words = |text: String| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let page = |k: usize| {
        words(tool(
            "pdftotext",
            &["-f", &k.to_string(), "-l", &k.to_string()],
        ))
    };
    // The whole summary table is on the first page: every indicator, with its latest figure.
    let first = page(1);
    for ind in indicators {
        let label = ind["label"].as_str().unwrap();
        assert!(first.contains(label), "page 1 lacks {label:?}:\n{first}");
    }
    for figure in [
        "78.6%", "22 of 28", "AMBER", "RED", "GREEN", "better", "worse",
    ] {
        assert!(first.contains(figure), "page 1 lacks {figure}:\n{first}");
    }
    // Each exception has a page of its own, opening with its name.
    let all: Vec<String> = (2..=pages).map(page).collect();
    for ind in indicators {
        let last = ind["values"].as_array().unwrap().last().unwrap();
        if last["rag"] == "red" || last["rag"] == "amber" || last["vs_previous"] == "worse" {
            let heading = format!(
                "{}: {}",
                ind["section"].as_str().unwrap(),
                ind["label"].as_str().unwrap()
            );
            assert!(
                all.iter().any(|p| p.starts_with(&heading)),
                "no page opens with {heading:?}"
            );
        }
    }
    assert!(
        all.iter().any(|p| p.contains("Six of the 28 children")),
        "commentary is printed"
    );
}
