//! The archive that `build --archive` fills and `scorecard` reads: one folder per submission,
//! named after its quarter (`2024-25-Q2`), a resubmission beside it
//! (`2024-25-Q2-resubmission-2`, `-3`, ...), each holding the return's files, its manifest and
//! a copy of the input.

use std::path::Path;

use crate::files::{self, Kind};
use crate::period::Period;
use crate::write::manifest::Manifest;
use crate::write::{MANIFEST_JSON, RETURN_JSON, RETURN_XLSX, RETURN_XML};

/// The archived copy of the input inside a submission folder, and its acknowledgements sidecar
/// (named so that `validate` finds it beside the copy by the usual convention).
pub const ARCHIVED_INPUT: &str = "input.xlsx";
pub const ARCHIVED_SIDECAR: &str = "input.acknowledgements.csv";

/// Every file a build writes into a return's folder: the only files `build --force` ever
/// deletes when it replaces one.
pub const BUILD_FILES: [&str; 6] = [
    RETURN_XLSX,
    RETURN_XML,
    RETURN_JSON,
    MANIFEST_JSON,
    ARCHIVED_INPUT,
    ARCHIVED_SIDECAR,
];

/// More submissions of one quarter than anyone makes; the search for a free folder stops here.
pub const MAX_SUBMISSIONS: u32 = 9_999;

const RESUBMISSION: &str = "-resubmission-";

/// The folder name of a period's first submission: `2024-25-Q2`.
pub fn period_folder(period: Period) -> String {
    format!("{}-Q{}", period.year_label(), period.quarter())
}

/// The folder name of a period's `n`th submission (the first is 1).
pub fn submission_folder(period: Period, n: u32) -> String {
    if n <= 1 {
        period_folder(period)
    } else {
        format!("{}{RESUBMISSION}{n}", period_folder(period))
    }
}

/// Reads a submission folder's name back: its period and submission number, or `None` for a
/// name the archive does not use.
pub fn parse_folder(name: &str) -> Option<(Period, u32)> {
    let (base, n) = match name.split_once(RESUBMISSION) {
        Some((base, n)) => {
            if !n.bytes().all(|b| b.is_ascii_digit()) || n.starts_with('0') || n.len() > 9 {
                return None;
            }
            let n: u32 = n.parse().ok()?;
            if n < 2 {
                return None;
            }
            (base, n)
        }
        None => (name, 1),
    };
    let (year, quarter) = base.rsplit_once("-Q")?;
    let period: Period = format!("{year} Q{quarter}").parse().ok()?;
    (period_folder(period) == base).then_some((period, n))
}

/// The first submission number whose folder is free under an archive root (a hint: another
/// build may take it first, so the caller places its folder create-exclusively and moves on to
/// the next number if it is taken).
pub fn first_free_submission(root: &Path, period: Period) -> u32 {
    (1..MAX_SUBMISSIONS)
        .find(|n| !root.join(submission_folder(period, *n)).exists())
        .unwrap_or(MAX_SUBMISSIONS)
}

/// Whether `dir` is a return this tool wrote, which `build --force` may replace: a folder
/// holding a `manifest.json` that reads as a build's and nothing but files a build writes (an
/// empty folder is also fine: replacing it deletes nothing). Otherwise, the end of a sentence
/// saying what the folder holds.
pub fn check_replaceable(dir: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| crate::io_words::describe(&e))?;
    let mut foreign = Vec::new();
    let mut count = 0;
    for entry in entries {
        let entry = entry.map_err(|e| crate::io_words::describe(&e))?;
        count += 1;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if !is_file {
            foreign.push(format!("{name}/"));
        } else if !BUILD_FILES.contains(&name.as_str()) {
            foreign.push(name);
        }
    }
    if !foreign.is_empty() {
        foreign.sort();
        let archive = foreign
            .iter()
            .any(|n| n.strip_suffix('/').and_then(parse_folder).is_some());
        return Err(format!(
            "it holds {}, which build never writes, so it is not a return's folder{}; \
             --force replaces only a folder holding a return, and nothing was changed",
            crate::io_words::list(&foreign, 5),
            if archive {
                " (it looks like an archive of returns: use --archive to file a resubmission)"
            } else {
                ""
            }
        ));
    }
    if count == 0 {
        return Ok(());
    }
    let manifest = dir.join(MANIFEST_JSON);
    let text = files::read(&manifest, Kind::Manifest).map_err(|e| {
        format!("it holds no readable {MANIFEST_JSON} ({e}), so it is not a return build wrote; nothing was changed")
    })?;
    Manifest::from_json(&String::from_utf8_lossy(&text)).map_err(|_| {
        format!(
            "its {MANIFEST_JSON} is not one build wrote, so it is not a return; nothing was changed"
        )
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_round_trip() {
        let p: Period = "2024-25 Q2".parse().unwrap();
        assert_eq!(submission_folder(p, 1), "2024-25-Q2");
        assert_eq!(submission_folder(p, 3), "2024-25-Q2-resubmission-3");
        for n in [1, 2, 17] {
            assert_eq!(parse_folder(&submission_folder(p, n)), Some((p, n)));
        }
        for name in [
            "2024-25-Q5",
            "2024-25-Q2-resubmission-1",
            "2024-25-Q2-resubmission-02",
            "2024-25-Q2-resubmission-",
            "2024-25-Q2-resubmission-x",
            "2024/25-Q2",
            "board",
            ".2024-25-Q2.123.tmp",
            "2024-2€-Q2",
            "Q2 2024-25-Q2",
        ] {
            assert_eq!(parse_folder(name), None, "{name}");
        }
    }

    fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            if let Some(sub) = name.strip_suffix('/') {
                std::fs::create_dir(dir.path().join(sub)).unwrap();
            } else {
                std::fs::write(path, text).unwrap();
            }
        }
        dir
    }

    fn manifest() -> String {
        let ret = crate::write::xml::tests::sample();
        let m = crate::write::manifest::tests::manifest_of(&ret);
        m.to_json()
    }

    #[test]
    fn only_a_return_folder_may_be_replaced() {
        let m = manifest();
        let ok = folder_with(&[
            (MANIFEST_JSON, &m),
            (RETURN_XML, "<x/>"),
            (ARCHIVED_INPUT, ""),
        ]);
        assert_eq!(check_replaceable(ok.path()), Ok(()));
        assert_eq!(check_replaceable(folder_with(&[]).path()), Ok(()));

        let archive = folder_with(&[
            ("2024-25-Q2/", ""),
            ("2024-25-Q2-resubmission-2/", ""),
            ("notes.docx", ""),
        ]);
        let why = check_replaceable(archive.path()).unwrap_err();
        assert!(
            why.contains("2024-25-Q2-resubmission-2/, 2024-25-Q2/ and notes.docx")
                && why.contains("archive of returns")
                && why.contains("nothing was changed"),
            "{why}"
        );
        let exports = folder_with(&[("q2-export.xlsx", "PK"), (MANIFEST_JSON, &m)]);
        let why = check_replaceable(exports.path()).unwrap_err();
        assert!(
            why.contains("q2-export.xlsx, which build never writes"),
            "{why}"
        );
        let no_manifest = folder_with(&[(RETURN_XML, "<x/>")]);
        let why = check_replaceable(no_manifest.path()).unwrap_err();
        assert!(why.contains("no readable manifest.json"), "{why}");
        let foreign_manifest = folder_with(&[(MANIFEST_JSON, "{\"name\": \"npm\"}")]);
        let why = check_replaceable(foreign_manifest.path()).unwrap_err();
        assert!(why.contains("not one build wrote"), "{why}");
        let many: Vec<(String, &str)> = (0..8).map(|i| (format!("f{i}.txt"), "")).collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(a, b)| (a.as_str(), *b)).collect();
        let why = check_replaceable(folder_with(&many).path()).unwrap_err();
        assert!(
            why.contains("f0.txt, f1.txt, f2.txt, f3.txt, f4.txt and 3 more"),
            "{why}"
        );
    }
}
