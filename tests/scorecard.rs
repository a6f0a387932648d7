//! `scorecard` end to end through the real binary, over an archive of the shipped samples: the
//! files it writes, every state the sample scorecard shows, reproduction, and every kind of
//! bad input (a sentence naming the file or folder, the right exit status, nothing written).

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::*;

pub(crate) const WHEN: &str = "2025-05-01T09:00:00Z";

pub(crate) fn samples_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

pub(crate) fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = yjb().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

pub(crate) fn build_into(archive: &Path, export: &Path, period: &str, extra: &[&str]) {
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
pub(crate) fn archive() -> &'static Path {
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
pub(crate) fn copy_archive(to: &Path) -> PathBuf {
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

pub(crate) fn csv_args() -> Vec<String> {
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
pub(crate) fn sample_scorecard(out: &Path, extra: &[&str]) -> (i32, String, String) {
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
pub(crate) fn entry<'a>(
    list: &'a serde_json::Value,
    key: &str,
    value: &str,
) -> &'a serde_json::Value {
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

pub(crate) fn json(path: &Path) -> serde_json::Value {
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
        assert_eq!(
            output["sha256"],
            yjb_return::hash::sha256_hex(&bytes),
            "{file}"
        );
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
fn values_read_from_a_scorecard_manifest_or_archive_are_shown_cut() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    assert_eq!(sample_scorecard(&a, &[]).0, 0);
    let manifest = a.join("manifest.json");
    let mut m = json(&manifest);
    m["tool"]["version"] = "9".repeat(70_000).into();
    std::fs::write(&manifest, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    // The archived scorecard.json edited: a figure replaced by a long text.
    let archived = a.join("scorecard.json");
    let mut v = json(&archived);
    v["indicators"][0]["values"][0]["value"] = "7".repeat(70_000).into();
    std::fs::write(&archived, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    for args in [
        &["reproduce", "a"][..],
        &["reproduce", "a", "--format", "json"],
    ] {
        let (code, out, err) = run(dir.path(), args);
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert!(out.contains("... (70000 characters)"), "{args:?}: {out}");
        assert!(out.contains("... (70002 characters)"), "{args:?}: {out}");
        for line in out.lines() {
            let start: String = line.chars().take(300).collect();
            assert!(line.len() < 1_000, "{args:?}: {start}");
        }
    }
}

#[test]
fn an_existing_scorecard_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("board");
    let (code, stdout, stderr) = sample_scorecard(&out, &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (code, _, stderr) = sample_scorecard(&out, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("already exists") && stderr.contains("--force"),
        "{stderr}"
    );
    // A folder holding only a scorecard (its files and CSV copies) is simply replaced.
    let (code, stdout, stderr) = sample_scorecard(&out, &["--force"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(!stdout.contains("kept"), "{stdout}");
    assert!(out.join("targets.csv").is_file());
    assert_eq!(hidden_beside(&out), Vec::<String>::new());
    // So is an empty folder.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (code, stdout, stderr) = sample_scorecard(&empty, &["--force"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

/// Every file under `dir`, relative, with its bytes: what must be left exactly as it was.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(dir).unwrap().to_path_buf();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_symlink() {
                let to = std::fs::read_link(&p).unwrap();
                out.push((rel, to.display().to_string().into_bytes()));
            } else if meta.is_dir() {
                stack.push(p.clone());
                out.push((rel, Vec::new()));
            } else {
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The hidden names beside `path`: a staging, or an old folder kept.
fn hidden_beside(path: &Path) -> Vec<String> {
    std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

/// `--force` as the tester used it, over what is not a scorecard: exit 2, a sentence saying
/// what is there, and not a byte changed, moved or hidden, then or on the next run.
fn force_refused(dir: &Path, out: &str, extra: &[&str], says: &[&str]) {
    let before = snapshot(dir);
    let (code, stdout, stderr) = sample_scorecard(&dir.join(out), &[&["--force"], extra].concat());
    assert_eq!(code, 2, "{out}: {stdout}{stderr}");
    for s in says {
        assert!(stderr.contains(s), "{s:?} not in: {stderr}");
    }
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    assert_eq!(snapshot(dir), before, "{out}");
}

#[test]
fn force_never_replaces_a_folder_holding_anything_a_scorecard_does_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("mine")).unwrap();
    std::fs::write(d.join("mine/notes.docx"), "notes").unwrap();
    std::fs::write(d.join("mine/manifest.json"), r#"{"mine":1}"#).unwrap();
    force_refused(
        d,
        "mine",
        &[],
        &[
            "cannot replace",
            "it holds notes.docx, which a scorecard never writes",
        ],
    );
    // A manifest.json alone that is not a scorecard's.
    std::fs::remove_file(d.join("mine/notes.docx")).unwrap();
    force_refused(
        d,
        "mine",
        &[],
        &["its manifest.json is not one a scorecard has"],
    );
    // A return's folder.
    let export = samples_of("2024-25").join("q2-export.xlsx");
    let r = d.join("r");
    let out = yjb()
        .args([
            "build",
            &export.display().to_string(),
            "--period",
            "2024-25 Q2",
            "--out",
        ])
        .arg(&r)
        .output()
        .unwrap();
    assert!(out.status.success());
    force_refused(
        d,
        "r",
        &[],
        &["return.json", "it looks like a return's folder"],
    );
    // The archive itself.
    let archive = copy_archive(&d.join("copy"));
    let archive = archive.strip_prefix(d).unwrap().display().to_string();
    force_refused(d, &archive, &[], &["it looks like an archive of returns"]);
    // Excel's lock file beside an open scorecard.
    let board = d.join("board");
    let (code, stdout, stderr) = sample_scorecard(&board, &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    std::fs::write(board.join("~$scorecard.xlsx"), "lock").unwrap();
    force_refused(d, "board", &[], &["~$scorecard.xlsx"]);
}

#[test]
fn force_never_replaces_a_file_nor_cleans_one_up_later() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("mine"), r#"{"mine":1}"#).unwrap();
    // As the old version left it: a user's file under a staging's name, of a process gone.
    std::fs::write(d.join(".mine.4294967295.0.tmp"), "notes").unwrap();
    for _ in 0..2 {
        force_refused(d, "mine", &[], &["mine is a file, not a folder"]);
    }
    // Once the user moves the file away, a scorecard is written at that name; it cleans a
    // stale staging of its own there, never a user's file under a staging's name.
    std::fs::rename(d.join("mine"), d.join("mine.json")).unwrap();
    let (code, stdout, stderr) = sample_scorecard(&d.join("mine"), &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        std::fs::read_to_string(d.join(".mine.4294967295.0.tmp")).unwrap(),
        "notes"
    );
}

#[cfg(unix)]
#[test]
fn force_never_replaces_anything_through_a_link() {
    if not_on_windows(
        "force_never_replaces_anything_through_a_link",
        NO_LINKS_UNDER_WINE,
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, stdout, stderr) = sample_scorecard(&d.join("real"), &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    std::os::unix::fs::symlink("real", d.join("board")).unwrap();
    let says = [
        "--out",
        "board is a link to real, not a folder",
        "through a link",
    ];
    force_refused(d, "board", &[], &says);
    // Without --force it is not called a folder that --force would replace.
    let (code, _, stderr) = sample_scorecard(&d.join("board"), &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("board is a link to real"), "{stderr}");
    assert!(d.join("real/scorecard.html").is_file());
    assert!(d.join("real/manifest.json").is_file());
}

#[test]
fn force_never_replaces_the_folder_holding_a_csv_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, stdout, stderr) = sample_scorecard(&d.join("board"), &[]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // The copy of the targets beside the scorecard, given as the targets to read.
    let before = snapshot(d);
    let archive = archive().join("returns").display().to_string();
    let args = ["scorecard", &archive, "--out", "board", "--force"];
    let (code, stdout, stderr) = run(
        d,
        &[&args[..], &["--targets", "board/targets.csv"]].concat(),
    );
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("cannot replace board: it holds the targets CSV being read")
            && stderr.contains("nothing was changed"),
        "{stderr}"
    );
    assert_eq!(snapshot(d), before);
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
        &["file.txt is not a folder"],
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
        &["2024-25-Q1: ERROR C405 return.xml: manifest.json records this file, but it is missing"],
    );
}

#[test]
fn a_folder_almost_named_as_a_submission_is_named_not_silently_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let archive = copy_archive(dir.path());
    std::fs::rename(
        archive.join("2024-25-Q3-resubmission-2"),
        archive.join("2024-25-Q3-resubmission-02"),
    )
    .unwrap();
    std::fs::create_dir(archive.join("2024-25-Q2 (copy)")).unwrap();
    std::fs::create_dir(archive.join("2024-25-Q4-provisional-01")).unwrap();
    let (code, out, err) = scorecard_in(dir.path(), &["--generated-at", WHEN]);
    // A warning, not an error: the folder is the officer's, not the tool's, and may be a copy
    // kept on purpose; but the scorecard says it fell back to an earlier submission.
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("3 warning(s) on the archive and the returns read:"),
        "{out}"
    );
    for name in [
        "2024-25-Q2 (copy)",
        "2024-25-Q3-resubmission-02",
        "2024-25-Q4-provisional-01",
    ] {
        assert!(
            out.contains(&format!("the folder \"{name}\" was not read")),
            "{name}: {out}"
        );
    }
    assert!(
        out.contains("(2024-25-Q3 for the first submission, 2024-25-Q3-resubmission-2, -3, ..."),
        "{out}"
    );
    let v = json(&dir.path().join("board/scorecard.json"));
    assert_eq!(
        entry(&v["sources"], "period", "2024-25 Q3")["folder"],
        "2024-25-Q3"
    );
    // A device in its place is said to be one, not missing, and is never read.
    #[cfg(unix)]
    {
        let third = dir.path().join("third");
        let archive = copy_archive(&third);
        std::fs::remove_file(archive.join("2024-25-Q1/return.xml")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", archive.join("2024-25-Q1/return.xml")).unwrap();
        refused(
            &third,
            &["scorecard", "returns", "--out", "board"],
            1,
            &[
                "2024-25-Q1: ",
                "return.xml",
                "it is not a regular file (a device or a pipe)",
            ],
        );
    }
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
fn csv_files_with_cr_crlf_or_lf_line_ends_are_read_alike() {
    // Excel for Mac's "CSV (Macintosh)" ends lines with a lone CR: every target was dropped
    // and the scorecard written with "18 without a target".
    let dir = tempfile::tempdir().unwrap();
    copy_archive(dir.path());
    let d = dir.path();
    let root = samples_root();
    let mut summaries = Vec::new();
    for (end, name) in [("\n", "lf"), ("\r\n", "crlf"), ("\r", "cr")] {
        let mut args = vec!["--generated-at".to_string(), WHEN.to_string()];
        for file in ["targets", "benchmarks", "commentary"] {
            let text = std::fs::read_to_string(root.join(format!("{file}.csv")))
                .unwrap()
                .replace("\r\n", "\n")
                .replace('\n', end);
            let path = format!("{file}-{name}.csv");
            std::fs::write(d.join(&path), text).unwrap();
            args.extend([format!("--{file}"), path]);
        }
        let mut all = vec![
            "scorecard".to_string(),
            "returns".into(),
            "--out".into(),
            format!("board-{name}"),
        ];
        all.extend(args);
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let (code, out, err) = run(d, &refs);
        assert_eq!(code, 0, "{name}: {out}{err}");
        let summary = out
            .lines()
            .find(|l| l.starts_with("At "))
            .unwrap()
            .to_string();
        assert!(
            summary.contains(", 5 without a target"),
            "{name}: {summary}"
        );
        let json = std::fs::read_to_string(d.join(format!("board-{name}/scorecard.json"))).unwrap();
        summaries.push((summary, json));
    }
    assert_eq!(summaries[0], summaries[1], "CRLF differs from LF");
    assert_eq!(summaries[0], summaries[2], "CR differs from LF");
}

#[test]
fn over_long_csv_text_is_named_with_its_row_and_column_before_any_work() {
    // It failed late, writing the workbook: "String exceeds Excel's limit", no row named.
    let dir = tempfile::tempdir().unwrap();
    copy_archive(dir.path());
    let d = dir.path();
    let long = "x".repeat(40_000);
    std::fs::write(
        d.join("benchmarks.csv"),
        format!(
            "indicator,comparator,period,value,source\n\
             ete,England,2023-24,50%,ok\n\
             ete,{long},2023-24,50%,ok\n\
             ete,England,{long},50%,ok\n"
        ),
    )
    .unwrap();
    std::fs::write(
        d.join("targets.csv"),
        format!("indicator,from_period,target,floor,note\nete,2023-24 Q1,70%,,{long}\n"),
    )
    .unwrap();
    let (code, out, err) = run(
        d,
        &[
            "scorecard",
            "returns",
            "--out",
            "board",
            "--benchmarks",
            "benchmarks.csv",
            "--targets",
            "targets.csv",
        ],
    );
    let all = format!("{out}{err}");
    assert_eq!(code, 1, "{all}");
    for want in [
        "targets.csv row 2, column note: \"xxxx",
        "is 40000 characters long; keep it to 500 or fewer",
        "benchmarks.csv row 3, column comparator: \"xxxx",
        "is 40000 characters long; keep it to 60 or fewer",
        "benchmarks.csv row 4, column period: \"xxxx",
    ] {
        assert!(all.contains(want), "{want:?} not in:\n{all}");
    }
    assert!(!all.contains("Excel's limit"), "{all}");
    assert!(
        all.len() < 2_000,
        "the long values are cut when printed: {all}"
    );
    assert!(!d.join("board").exists());
}

#[test]
fn a_percentage_above_100_or_a_negative_target_is_an_error_naming_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    copy_archive(dir.path());
    let d = dir.path();
    std::fs::write(
        d.join("targets.csv"),
        "indicator,from_period,target,floor,note\n\
         ete,2023-24 Q1,150%,,\n\
         accommodation,2023-24 Q1,90,105,\n\
         fte_rate,2023-24 Q1,-80,,\n",
    )
    .unwrap();
    refused(
        d,
        &[
            "scorecard",
            "returns",
            "--out",
            "board",
            "--targets",
            "targets.csv",
        ],
        1,
        &[
            "targets.csv row 2, column target: \"150%\" is above 100%, but ete is a percentage",
            "targets.csv row 3, column floor: \"105\" is above 100%",
            "targets.csv row 4, column target: \"-80\" is below 0, but fte_rate is a rate",
        ],
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
        out.contains("warning(s) on the archive and the returns read"),
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

/// A sample scorecard made into `dir/a`, with its manifest as parsed.
fn made_in(dir: &Path) -> (PathBuf, serde_json::Value) {
    let a = dir.join("a");
    let (code, out, err) = sample_scorecard(&a, &[]);
    assert_eq!(code, 0, "{out}{err}");
    let manifest = json(&a.join("manifest.json"));
    (a, manifest)
}

/// Runs `reproduce a` in `dir`, killed after a minute (a read that never ends fails the test
/// instead of hanging it).
fn reproduce_a(dir: &Path) -> (i32, String, String) {
    let out = yjb()
        .current_dir(dir)
        .args(["reproduce", "a"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn reproduce_with_the_scorecards_manifest_altered_is_not_reproduced() {
    let dir = tempfile::tempdir().unwrap();
    let (a, manifest) = made_in(dir.path());
    let path = a.join("manifest.json");
    let original = std::fs::read_to_string(&path).unwrap();
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = manifest.clone();
        f(&mut v);
        serde_json::to_string_pretty(&v).unwrap()
    };
    let cases = [
        (
            with(&|v| v["definitions"] = serde_json::json!([])),
            "NOT reproduced: the manifest's list of definitions versions (definitions) holds 0 \
             entries, but the rebuild records 1",
        ),
        (
            with(&|v| {
                let first = v["inputs"][0].clone();
                v["inputs"].as_array_mut().unwrap().push(first);
            }),
            "NOT reproduced: the manifest's list of CSV copies (inputs) holds 4 entries, but the \
             rebuild records 3; the first one more is {\"role\":\"targets\",",
        ),
        (
            with(&|v| v["approved_by"] = "the board".into()),
            "NOT reproduced: the manifest holds approved_by, a field the tool never writes",
        ),
        (
            original.replacen("\"to\": ", "\"to\": \"2024-25 Q4\",\n  \"to\": ", 1),
            "NOT reproduced: the manifest holds a key twice, which the tool never writes (the \
             key \"to\" appears twice in one object",
        ),
    ];
    for (text, first) in &cases {
        std::fs::write(&path, text).unwrap();
        let (code, out, err) = reproduce_a(dir.path());
        assert_eq!(code, 1, "{out}{err}");
        assert!(
            out.starts_with(first),
            "{first:?} is not the start of\n{out}"
        );
        assert!(!out.contains("fault in the tool"), "{out}");
    }
    // Laid out again with every field as it was, it is the rebuild's record.
    std::fs::write(&path, with(&|_| {})).unwrap();
    let (code, out, _) = reproduce_a(dir.path());
    assert_eq!(code, 0, "{out}");
}

#[test]
fn reproduce_of_a_scorecard_output_edited_with_its_hash_says_both_were_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = made_in(dir.path());
    let html = a.join("scorecard.html");
    let text = std::fs::read_to_string(&html).unwrap();
    let old = yjb_return::hash::sha256_hex(text.as_bytes());
    let edited = text.replace("Northshire", "Southshire");
    std::fs::write(&html, &edited).unwrap();
    let manifest = a.join("manifest.json");
    let m = std::fs::read_to_string(&manifest).unwrap();
    assert!(m.contains(&old));
    std::fs::write(
        &manifest,
        m.replace(&old, &yjb_return::hash::sha256_hex(edited.as_bytes())),
    )
    .unwrap();
    let (code, out, err) = reproduce_a(dir.path());
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        out.lines().next(),
        Some(
            "NOT reproduced: the scorecard.html beside the manifest and its SHA-256 in the \
             manifest were both changed after it was made: the same archive, CSVs, tool and \
             definitions make a different file, so the scorecard was altered"
        ),
        "{out}"
    );
    assert!(!out.contains("fault in the tool"), "{out}");
}

#[test]
fn reproduce_reads_only_regular_files_of_the_scorecards_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (a, manifest) = made_in(dir.path());
    let path = a.join("manifest.json");
    let targets = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .position(|i| i["role"] == "targets")
        .unwrap();
    let write = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = manifest.clone();
        f(&mut v);
        std::fs::write(&path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    };
    // Names leading out of the folder: nothing is read through them.
    let long = format!("{}etc/passwd", "../".repeat(2000));
    for (input, output) in [
        ("../../../../etc/passwd", "scorecard.html"),
        ("targets.csv", "/dev/zero"),
        (long.as_str(), "scorecard.html"),
    ] {
        write(&|v| {
            v["inputs"][targets]["file"] = input.into();
            v["outputs"][1]["file"] = output.into();
        });
        let (code, out, err) = reproduce_a(dir.path());
        assert_eq!(code, 1, "{out}{err}");
        let first = out.lines().next().unwrap();
        assert!(
            first.starts_with("NOT reproduced: the manifest names \""),
            "{out}"
        );
        assert!(
            first.contains("which is not a file of the scorecard's folder"),
            "{out}"
        );
        assert!(!out.contains("root:"), "{out}");
        assert!(out.len() < 2000, "the name is cut short: {out}");
    }
    write(&|_| {});
    assert_eq!(reproduce_a(dir.path()).0, 0);

    #[cfg(unix)]
    {
        let fifo = |p: &Path| {
            let status = std::process::Command::new("mkfifo")
                .arg(p)
                .status()
                .unwrap();
            assert!(status.success());
        };
        // A pipe where an output belongs is not what was made.
        let html = a.join("scorecard.html");
        let kept = dir.path().join("scorecard.html");
        std::fs::rename(&html, &kept).unwrap();
        fifo(&html);
        let (code, out, err) = reproduce_a(dir.path());
        assert_eq!(code, 1, "{out}{err}");
        assert_eq!(
            out.lines().next(),
            Some(
                "NOT reproduced: the scorecard.html beside the manifest cannot be read: it is \
                 not a regular file (a device or a pipe), so it is not what was made"
            ),
            "{out}"
        );
        std::fs::remove_file(&html).unwrap();
        std::fs::rename(&kept, &html).unwrap();
        // A pipe where a CSV copy belongs: the scorecard cannot be rebuilt from it.
        let csv = a.join("targets.csv");
        std::fs::rename(&csv, dir.path().join("targets.csv")).unwrap();
        fifo(&csv);
        let (code, out, err) = reproduce_a(dir.path());
        assert_eq!(code, 2, "{out}{err}");
        assert!(
            err.contains(
                "cannot read the copy of the targets CSV that the manifest names, targets.csv \
                 beside it: it is not a regular file (a device or a pipe)"
            ),
            "{err}"
        );
        // A link to a file elsewhere is not followed.
        if not_on_windows(
            "reproduce_reads_only_regular_files_of_the_scorecards_folder (its link to a file; \
             its pipes ran)",
            NO_LINKS_UNDER_WINE,
        ) {
            return;
        }
        std::fs::remove_file(&csv).unwrap();
        std::os::unix::fs::symlink(dir.path().join("targets.csv"), &csv).unwrap();
        let (code, _, err) = reproduce_a(dir.path());
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("it is a link to somewhere else"), "{err}");
    }
}
