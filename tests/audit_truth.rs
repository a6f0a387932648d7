//! `check` and `reproduce` tell an auditor the truth about a return that was altered after it
//! was built, however carefully (issue 7, items 11-14).

use crate::common;

use std::path::{Path, PathBuf};

use common::*;

const WHEN: &str = "2024-10-21T09:30:00Z";

struct Built {
    dir: tempfile::TempDir,
}

impl Built {
    /// The clean export's 2024-25 Q2 return in `r/` (and, with `quarters`, others beside it).
    fn new(quarters: &[u8]) -> Built {
        let dir = tempfile::tempdir().unwrap();
        write_xlsx(&clean(), &dir.path().join("export.xlsx"));
        let b = Built { dir };
        for q in quarters {
            let out = if *q == 2 {
                "r".to_string()
            } else {
                format!("q{q}")
            };
            let (code, o, e) = b.run(&[
                "build",
                "export.xlsx",
                "--period",
                &format!("2024-25 Q{q}"),
                "--out",
                &out,
                "--generated-at",
                WHEN,
            ]);
            assert_eq!(code, 0, "{o}{e}");
        }
        b
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

    fn edit(&self, rel: &str, f: impl Fn(&str) -> String) {
        let path = self.path(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = f(&text);
        assert_ne!(edited, text, "{rel} unchanged");
        std::fs::write(path, edited).unwrap();
    }

    fn edit_sheet(&self, part: &str, f: impl Fn(&str) -> String) {
        let path = self.path("r/return.xlsx");
        let bytes = edit_part(&std::fs::read(&path).unwrap(), part, f);
        std::fs::write(path, bytes).unwrap();
    }

    /// Records a file's current SHA-256 in the manifest, as a careful forger would.
    fn rehash(&self, file: &str) {
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(self.path("r/manifest.json")).unwrap())
                .unwrap();
        let old = manifest["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["file"] == file)
            .unwrap()["sha256"]
            .as_str()
            .unwrap()
            .to_string();
        let new = sha256(&self.path("r").join(file));
        self.edit("r/manifest.json", |t| t.replace(&old, &new));
    }

    fn codes(&self, target: &str) -> (i32, Vec<(String, String)>) {
        let (code, out, _) = self.run(&["check", target, "--format", "json"]);
        (code, findings(&out))
    }
}

fn sha256(path: &Path) -> String {
    yjb_return::hash::sha256_hex(&std::fs::read(path).unwrap())
}

fn has(found: &[(String, String)], code: &str, column: &str) -> bool {
    found.iter().any(|(c, col)| c == code && col == column)
}

const COHORT: (&str, &str) = (
    "code=\"cohort.all.children\">2<",
    "code=\"cohort.all.children\">3<",
);

#[test]
fn reproduce_after_a_figure_edited_in_the_archived_xml_exits_1_and_says_which_file() {
    let b = Built::new(&[2]);
    b.edit("r/return.xml", |t| t.replacen(COHORT.0, COHORT.1, 1));
    let (code, out, err) = b.run(&["reproduce", "r"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        out.lines().next(),
        Some("NOT reproduced: the archived return.xml differs from what was built"),
        "{out}"
    );
    assert!(
        out.contains("the archived return.xml has been changed since it was built"),
        "{out}"
    );
    // Figure by figure against every archived file, not only return.json.
    assert!(out.contains("old: archived return.xml"), "{out}");
    assert!(out.contains("cohort.all.children"), "{out}");
    assert!(
        out.contains("archived return.json: every figure is the one rebuilt"),
        "{out}"
    );
    assert!(
        out.contains("archived return.xlsx: every figure is the one rebuilt"),
        "{out}"
    );
    assert!(!out.contains("fault in the tool"), "{out}");
}

#[test]
fn reproduce_with_every_file_swapped_for_another_quarters_exits_1() {
    let b = Built::new(&[1, 2]);
    for file in ["return.xml", "return.json", "return.xlsx"] {
        std::fs::copy(b.path("q1").join(file), b.path("r").join(file)).unwrap();
    }
    let (code, out, _) = b.run(&["reproduce", "r", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["reproduced"], false);
    assert_eq!(
        v["headline"],
        "NOT reproduced: the archived return.xml differs from what was built"
    );
    let accounts = v["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 3);
    for a in accounts {
        let identity = a["figures"]["identity"].as_array().unwrap();
        assert!(
            identity
                .iter()
                .any(|c| c["field"] == "period" && c["old"] == "2024-25 Q1"),
            "{a}"
        );
    }
}

#[test]
fn reproduce_with_a_manifest_input_hash_that_is_not_the_inputs_exits_1() {
    let b = Built::new(&[2]);
    let real = sha256(&b.path("export.xlsx"));
    b.edit("r/manifest.json", |t| {
        t.replacen(&format!("\"sha256\": \"{real}\""), "\"sha256\": \"abc\"", 1)
    });
    let (code, out, err) = b.run(&["reproduce", "r"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        out.lines().next(),
        Some("NOT reproduced: the input has changed since the return was built"),
        "{out}"
    );
}

/// The files record the version that built them; a manifest claiming another (to pass a
/// return off as an older tool's) contradicts them, though every file rebuilds identically.
#[test]
fn reproduce_with_the_manifests_tool_version_changed_exits_1() {
    let b = Built::new(&[2]);
    let now = env!("CARGO_PKG_VERSION");
    b.edit("r/manifest.json", |t| {
        t.replacen(
            &format!("\"version\": \"{now}\""),
            "\"version\": \"0.0.9\"",
            1,
        )
    });
    let (code, out, err) = b.run(&["reproduce", "r"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        out.lines().next(),
        Some("NOT reproduced: the manifest's record of the tool differs from its files"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "the manifest says the return was built by yjb-return 0.0.9, but its files record \
             yjb-return {now}"
        )),
        "{out}"
    );
}

#[test]
fn a_figure_edited_with_its_hash_in_the_manifest_is_caught_and_the_archive_blamed() {
    let b = Built::new(&[2]);
    b.edit("r/return.xml", |t| t.replacen(COHORT.0, COHORT.1, 1));
    b.rehash("return.xml");
    let (code, found) = b.codes("r");
    assert_eq!(code, 1, "{found:?}");
    assert!(has(&found, "C401", "cohort.all.children"), "{found:?}");
    let (code, found) = b.codes("r/return.xml");
    assert_eq!(code, 1, "{found:?}");
    assert!(has(&found, "C401", "cohort.all.children"), "{found:?}");
    let (code, out, _) = b.run(&["reproduce", "r"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("NOT reproduced: the archived return.xml differs from what was built"),
        "{out}"
    );
    assert!(out.contains("so the archive was altered"), "{out}");
    assert!(!out.contains("fault in the tool"), "{out}");
}

#[test]
fn a_rate_or_the_population_typed_over_in_the_workbook_is_an_error() {
    // System measures (sheet 13), row 6: FTE per 100,000 of the population.
    let b = Built::new(&[2]);
    b.edit_sheet("xl/worksheets/sheet13.xml", |xml| {
        set_number(xml, "B6", "42")
    });
    let (code, found) = b.codes("r/return.xlsx");
    assert_eq!(code, 1, "{found:?}");
    assert!(has(&found, "C302", "fte.children"), "{found:?}");

    // The cover's population (row 7).
    let b = Built::new(&[2]);
    b.edit_sheet("xl/worksheets/sheet1.xml", |xml| {
        set_number(xml, "B7", "99999")
    });
    let (code, found) = b.codes("r/return.xlsx");
    assert_eq!(code, 1, "{found:?}");
    assert!(found.iter().any(|(c, _)| c == "C104"), "{found:?}");
}

#[test]
fn a_figure_edited_in_every_file_or_in_a_lone_file_is_an_error() {
    let b = Built::new(&[2]);
    std::fs::remove_file(b.path("r/return.xlsx")).unwrap();
    std::fs::remove_file(b.path("r/return.json")).unwrap();
    b.edit("r/return.xml", |t| {
        t.replacen(COHORT.0, COHORT.1, 1).replacen(
            "code=\"cohort.community.children\">1<",
            "code=\"cohort.community.children\">2<",
            1,
        )
    });
    let (code, found) = b.codes("r");
    assert_eq!(code, 1, "{found:?}");
    assert!(has(&found, "C403", ""), "{found:?}");

    // The same edit made consistently in the XML and the JSON.
    let b = Built::new(&[2]);
    std::fs::remove_file(b.path("r/return.xlsx")).unwrap();
    b.edit("r/return.xml", |t| t.replacen(COHORT.0, COHORT.1, 1));
    b.edit("r/return.json", |t| {
        t.replacen(
            "\"code\": \"cohort.all.children\",\n      \"value\": 2",
            "\"code\": \"cohort.all.children\",\n      \"value\": 3",
            1,
        )
    });
    let (code, found) = b.codes("r");
    assert_eq!(code, 1, "{found:?}");
    assert_eq!(
        found.iter().filter(|(c, _)| c == "C403").count(),
        2,
        "{found:?}"
    );
}

#[test]
fn a_period_no_definitions_cover_is_not_fit_to_send() {
    let b = Built::new(&[2]);
    b.edit("r/return.xml", |t| {
        t.replace("\"2024-25 Q2\"", "\"2019-20 Q2\"")
    });
    let (code, found) = b.codes("r/return.xml");
    assert_eq!(code, 1, "{found:?}");
    assert!(found.iter().any(|(c, _)| c == "C103"), "{found:?}");
}

#[test]
fn an_xml_in_another_encoding_or_a_json_with_a_key_twice_is_refused() {
    for encoding in ["bogus", "UTF-16"] {
        let b = Built::new(&[2]);
        b.edit("r/return.xml", |t| {
            t.replace("encoding=\"UTF-8\"", &format!("encoding=\"{encoding}\""))
        });
        let (code, found) = b.codes("r/return.xml");
        assert_eq!(code, 1, "{found:?}");
        assert_eq!(found, [("C101".to_string(), String::new())], "{encoding}");
    }
    let b = Built::new(&[2]);
    b.edit("r/return.json", |t| {
        t.replacen("\"value\": 2", "\"value\": 2, \"value\": 3", 1)
    });
    let (code, out, _) = b.run(&["check", "r/return.json"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("appears twice"), "{out}");
}

#[test]
fn a_lone_return_that_cannot_cover_its_period_is_not_fit_to_send() {
    // A lone file has no manifest and no other file to disagree with: only its own identity
    // can say it was generated before its period ended, or is for a period years ahead.
    let b = Built::new(&[2]);
    std::fs::create_dir(b.path("lone")).unwrap();
    for (from, to, says) in [
        (
            "generatedAt=\"2024-10-21T09:30:00Z\"",
            "generatedAt=\"2024-08-21T09:30:00Z\"",
            "this 2024-25 Q2 return was generated on 21 August 2024, before the period ended on \
             30 September 2024",
        ),
        (
            "\"2024-25 Q2\"",
            "\"2030-31 Q1\"",
            "2030-31 Q1 ends on 30 June 2030, after today",
        ),
    ] {
        let text = std::fs::read_to_string(b.path("r/return.xml")).unwrap();
        let edited = text.replacen(from, to, 1);
        assert!(edited != text, "{from} is not in the XML");
        std::fs::write(b.path("lone/return.xml"), edited).unwrap();
        let (code, out, _) = b.run(&["check", "lone/return.xml"]);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("Verdict: errors found: do not send"), "{out}");
        assert!(out.contains("ERROR C106"), "{out}");
        assert!(out.contains(says), "{out}");
    }
    // The same return as built passes.
    std::fs::copy(b.path("r/return.xml"), b.path("lone/return.xml")).unwrap();
    let (code, out, _) = b.run(&["check", "lone/return.xml"]);
    assert_eq!(code, 0, "{out}");
    // build does not record a generation time check would refuse.
    let (code, out, err) = b.run(&[
        "build",
        "export.xlsx",
        "--period",
        "2024-25 Q2",
        "--out",
        "early",
        "--generated-at",
        "2024-08-21T09:30:00Z",
    ]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("--generated-at 2024-08-21T09:30:00Z cannot be recorded")
            && err.contains("C106"),
        "{err}"
    );
    assert!(!b.path("early").exists());
}

/// The 2024-25 Q2 sample built into `r/`, with one figure changed alike in all three files
/// (victims' views sought, 6 -> 5: nothing derives from it), so the files agree with one
/// another and only the manifest shows they are not as built.
fn edited_alike() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    build_sample(2, &dir.path().join("r"), &["--generated-at", WHEN]);
    let edit = |rel: &str, from: &str, to: &str| {
        let path = dir.path().join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel}");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    };
    edit(
        "r/return.xml",
        "code=\"kpi10.views_sought\">6<",
        "code=\"kpi10.views_sought\">5<",
    );
    edit(
        "r/return.json",
        "\"code\": \"kpi10.views_sought\",\n      \"value\": 6",
        "\"code\": \"kpi10.views_sought\",\n      \"value\": 5",
    );
    let path = dir.path().join("r/return.xlsx");
    let bytes = edit_part(
        &std::fs::read(&path).unwrap(),
        "xl/worksheets/sheet12.xml",
        |xml| set_number(xml, "B9", "5"),
    );
    std::fs::write(path, bytes).unwrap();
    dir
}

fn verdict(out: &str) -> &str {
    out.lines()
        .find(|l| l.starts_with("Verdict: "))
        .unwrap_or_else(|| panic!("no verdict in {out}"))
}

#[test]
fn a_figure_edited_alike_everywhere_with_an_unreadable_manifest_is_not_fit_to_send() {
    let dir = edited_alike();
    let manifest = dir.path().join("r/manifest.json");
    let original = std::fs::read_to_string(&manifest).unwrap();
    // With the manifest as built, the edit shows (no file is as built).
    let (code, out, _) = run_in(dir.path(), &["check", "r"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("C403"), "{out}");
    let twice = original.replacen(
        "\"period\": ",
        "\"period\": \"2024-25 Q2\",\n  \"period\": ",
        1,
    );
    let unknown = original.replacen("\"period\": ", "\"checked_by\": \"me\",\n  \"period\": ", 1);
    for (text, why) in [
        (
            "{",
            "it is not JSON (it stops making sense at line 1, column 1)",
        ),
        ("garbage", "it is not JSON"),
        (
            twice.as_str(),
            "the key \"period\" appears twice in one object",
        ),
        (
            unknown.as_str(),
            "it holds checked_by, a field no build writes",
        ),
    ] {
        std::fs::write(&manifest, text).unwrap();
        for target in ["r", &native("r/return.xml")] {
            let (code, out, _) = run_in(dir.path(), &["check", target]);
            assert_eq!(code, 1, "{target} {text:.40}: {out}");
            assert_eq!(
                verdict(&out),
                "Verdict: errors found: do not send this return",
                "{out}"
            );
            assert!(
                out.contains(&format!(
                    "ERROR C404 {}: it cannot be read as the manifest build wrote: {why}",
                    native("r/manifest.json")
                )),
                "{out}"
            );
        }
    }
}

#[test]
fn a_return_folder_without_its_manifest_is_not_fit_to_send_but_a_lone_file_is_checkable() {
    let dir = edited_alike();
    std::fs::remove_file(dir.path().join("r/manifest.json")).unwrap();
    let (code, out, _) = run_in(dir.path(), &["check", "r"]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        verdict(&out),
        "Verdict: errors found: do not send this return",
        "{out}"
    );
    assert!(
        out.contains(&native(
            "ERROR C406 r/manifest.json: it is missing: every build writes it beside the return, \
             and without it nothing shows that these figures are the ones built"
        )),
        "{out}"
    );
    // The file an officer sends, checked on its own wherever it is: sound as far as the file
    // shows, and the verdict says what could not be shown.
    for target in [native("r/return.xml"), native("sent/return.xml")] {
        std::fs::create_dir_all(dir.path().join("sent")).unwrap();
        std::fs::copy(
            dir.path().join("r/return.xml"),
            dir.path().join("sent/return.xml"),
        )
        .unwrap();
        let (code, out, _) = run_in(dir.path(), &["check", &target]);
        assert_eq!(code, 0, "{out}");
        assert_eq!(
            verdict(&out),
            "Verdict: passed, but not shown to be as built: no manifest.json is beside it (read \
             the warning)",
            "{out}"
        );
        assert!(out.contains("WARNING C407 "), "{out}");
        assert!(
            out.contains(
                "its figures are checked for consistency only, not shown to be the ones built"
            ),
            "{out}"
        );
    }
}

#[test]
fn a_return_folder_missing_a_file_its_manifest_records_says_so() {
    let b = Built::new(&[2]);
    std::fs::remove_file(b.path("r/return.json")).unwrap();
    let (code, found) = b.codes("r");
    assert_eq!(code, 1, "{found:?}");
    assert_eq!(found, [("C405".to_string(), String::new())]);
    let (code, out, _) = b.run(&["check", "r"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&native(
            "ERROR C405 r/return.json: r/manifest.json records this file, but it is missing"
        )),
        "{out}"
    );
    // The file that is there, checked on its own, is as built.
    let (code, out, _) = b.run(&["check", &native("r/return.xml")]);
    assert_eq!(code, 0, "{out}");
}

/// Every field of a return's manifest is the rebuild's own record: changed, added, removed or
/// given twice, the manifest is not the one built, even though every file still rebuilds.
#[test]
fn reproduce_with_any_field_of_the_manifest_altered_is_not_reproduced() {
    let b = Built::new(&[2]);
    let path = b.path("r/manifest.json");
    let original = std::fs::read_to_string(&path).unwrap();
    let v: serde_json::Value = serde_json::from_str(&original).unwrap();
    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = v.clone();
        f(&mut v);
        serde_json::to_string_pretty(&v).unwrap()
    };
    let bytes = v["input"]["bytes"].as_u64().unwrap();
    let cases: Vec<(String, &str, &str)> = vec![
        (
            with(&|v| v["identity"]["yjs_code"] = "ABC01".into()),
            "the manifest's YJS code (identity.yjs_code) is not what the rebuild records",
            "the manifest records its YJS code (identity.yjs_code) as \"ABC01\", but the rebuild \
             records \"NSH01\"",
        ),
        (
            with(&|v| v["definitions"]["sha256"] = "0".repeat(64).into()),
            "the manifest's definitions' SHA-256 (definitions.sha256) is not what the rebuild \
             records",
            "the manifest records the definitions 2024-25 with SHA-256 00000000",
        ),
        (
            with(&|v| v["input"]["bytes"] = (bytes + 1).into()),
            "the manifest's input's size in bytes (input.bytes) is not what the rebuild records",
            "(input.bytes) as ",
        ),
        (
            with(&|v| {
                v["outputs"]
                    .as_array_mut()
                    .unwrap()
                    .push(serde_json::json!({"file": "return.pdf", "sha256": "0".repeat(64)}))
            }),
            "the manifest's list of output files (outputs) is not what the rebuild records",
            "holds 4 entries, but the rebuild records 3; the first one more is \
             {\"file\":\"return.pdf\",",
        ),
        (
            with(&|v| v["checked_by"] = "me".into()),
            "the manifest holds a field the tool never writes (checked_by)",
            "the manifest holds checked_by, a field the tool never writes",
        ),
        (
            original.replacen(
                "\"period\": ",
                "\"period\": \"2024-25 Q2\",\n  \"period\": ",
                1,
            ),
            "the manifest holds a key twice, which the tool never writes",
            "the key \"period\" appears twice in one object",
        ),
        (
            with(&|v| v["generated_at"] = "2024-10-22T09:30:00Z".into()),
            "the manifest's generation time (generated_at) is not the one its files record",
            "the manifest records its generation time (generated_at) as \
             \"2024-10-22T09:30:00Z\", but the archived return.xml, as the manifest records it, \
             holds \"2024-10-21T09:30:00Z\": the manifest was changed after the build",
        ),
    ];
    for (text, headline, reason) in &cases {
        std::fs::write(&path, text).unwrap();
        let (code, out, err) = b.run(&["reproduce", "r"]);
        assert_eq!(code, 1, "{headline}: {out}{err}");
        assert_eq!(
            out.lines().next(),
            Some(format!("NOT reproduced: {headline}").as_str()),
            "{out}"
        );
        assert!(out.contains(reason), "{reason:?} not in {out}");
        if headline.contains("input.bytes") {
            assert!(
                out.contains(&format!(
                    "as {}, but the rebuild records {bytes}",
                    bytes + 1
                )),
                "{out}"
            );
        }
        assert!(!out.contains("fault in the tool"), "{out}");
        assert!(!out.contains("so the archive was altered"), "{out}");
    }
    // Laid out again with every field as it was, the record is the rebuild's.
    std::fs::write(&path, with(&|_| {})).unwrap();
    let (code, out, _) = b.run(&["reproduce", "r"]);
    assert_eq!(code, 0, "{out}");
}

/// An archived file that is there but cannot be read (a pipe where return.xml was) is said to
/// be so, not missing, and is never waited on.
#[cfg(unix)]
#[test]
fn reproduce_with_a_pipe_for_an_archived_file_says_it_cannot_be_read() {
    let b = Built::new(&[2]);
    std::fs::remove_file(b.path("r/return.xml")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(b.path("r/return.xml"))
        .status()
        .unwrap();
    assert!(made.success());
    let out = yjb()
        .current_dir(b.path(""))
        .args(["reproduce", "r"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert_eq!(
        text.lines().next(),
        Some("NOT reproduced: the archived return.xml cannot be read"),
        "{text}"
    );
    assert!(
        text.contains("the archived return.xml cannot be read: it is not a regular file"),
        "{text}"
    );
}
