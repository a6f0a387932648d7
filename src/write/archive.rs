//! The archive that `build --archive` fills and `scorecard` reads: one folder per submission,
//! named after its quarter (`2024-25-Q2`), a resubmission beside it
//! (`2024-25-Q2-resubmission-2`, `-3`, ...), and provisional returns, which are never
//! submissions (`2024-25-Q4-provisional`, `2024-25-Q4-provisional-2`, ...), each holding the
//! return's files, its manifest and a copy of the input.

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

/// More filings of one kind for one quarter than anyone makes; the search for a free folder
/// stops here.
pub const MAX_SUBMISSIONS: u32 = 9_999;

const RESUBMISSION: &str = "-resubmission-";
const PROVISIONAL: &str = "-provisional";

/// What a folder of the archive holds for its quarter, in the order they are filed: provisional
/// returns sort before every submission, so the last of a quarter's filings is its latest
/// submission, or its latest provisional return when it has no submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Filing {
    /// The `n`th provisional return of the quarter (the first is 1): never a submission.
    Provisional(u32),
    /// The `n`th submission (the first is 1; 2 and on are resubmissions).
    Submission(u32),
}

impl Filing {
    pub fn number(self) -> u32 {
        match self {
            Filing::Provisional(n) | Filing::Submission(n) => n,
        }
    }

    pub fn is_provisional(self) -> bool {
        matches!(self, Filing::Provisional(_))
    }

    /// The same kind of filing, numbered `n`.
    pub fn numbered(self, n: u32) -> Filing {
        match self {
            Filing::Provisional(_) => Filing::Provisional(n),
            Filing::Submission(_) => Filing::Submission(n),
        }
    }
}

/// The folder name of a period's first submission: `2024-25-Q2`.
pub fn period_folder(period: Period) -> String {
    format!("{}-Q{}", period.year_label(), period.quarter())
}

/// The folder name of a filing: `2024-25-Q2`, `2024-25-Q2-resubmission-3`,
/// `2024-25-Q4-provisional`, `2024-25-Q4-provisional-2`.
pub fn filing_folder(period: Period, filing: Filing) -> String {
    let base = period_folder(period);
    match filing {
        Filing::Submission(n) if n <= 1 => base,
        Filing::Submission(n) => format!("{base}{RESUBMISSION}{n}"),
        Filing::Provisional(n) if n <= 1 => format!("{base}{PROVISIONAL}"),
        Filing::Provisional(n) => format!("{base}{PROVISIONAL}-{n}"),
    }
}

/// The folder name of a period's `n`th submission (the first is 1).
pub fn submission_folder(period: Period, n: u32) -> String {
    filing_folder(period, Filing::Submission(n))
}

/// A number of 2 or more written as the archive writes it: digits, no leading zero.
fn number_from_2(text: &str) -> Option<u32> {
    if text.is_empty()
        || !text.bytes().all(|b| b.is_ascii_digit())
        || text.starts_with('0')
        || text.len() > 9
    {
        return None;
    }
    text.parse().ok().filter(|n| *n >= 2)
}

/// Reads a folder's name back: its period and filing, or `None` for a name the archive does not
/// use.
pub fn parse_folder(name: &str) -> Option<(Period, Filing)> {
    let (base, filing) = if let Some((base, n)) = name.split_once(RESUBMISSION) {
        (base, Filing::Submission(number_from_2(n)?))
    } else if let Some((base, rest)) = name.split_once(PROVISIONAL) {
        let n = match rest {
            "" => 1,
            _ => number_from_2(rest.strip_prefix('-')?)?,
        };
        (base, Filing::Provisional(n))
    } else {
        (name, Filing::Submission(1))
    };
    let (year, quarter) = base.rsplit_once("-Q")?;
    let period: Period = format!("{year} Q{quarter}").parse().ok()?;
    (period_folder(period) == base).then_some((period, filing))
}

/// Whether a name that [`parse_folder`] refuses looks meant for the archive all the same: it
/// names a quarter (`2024-25 Q2 (copy)`, `2024-25-Q3-resubmission-02`) or a resubmission or a
/// provisional return. A hidden name (a staging folder) never does.
pub fn near_miss(name: &str) -> bool {
    if name.starts_with('.') || parse_folder(name).is_some() {
        return false;
    }
    let lower = name.to_lowercase();
    if lower.contains("resubmission") || lower.contains("provisional") {
        return true;
    }
    quarter_like(name).next().is_some()
}

/// The pieces of a name that look like a quarter, ignoring everything but letters and digits:
/// six digits, `q` and a digit (`2024-25-Q2`, `2024/25 q2` give `202425q2`).
fn quarter_like(name: &str) -> impl Iterator<Item = String> {
    let squeezed: Vec<char> = name
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let found: Vec<String> = squeezed
        .windows(8)
        .filter(|w| w[..6].iter().all(char::is_ascii_digit) && w[6] == 'q' && w[7].is_ascii_digit())
        .map(|w| w.iter().collect())
        .collect();
    found.into_iter()
}

/// The quarter a name almost written as a folder's names (`2024-25 Q2 (copy)`: 2024-25 Q2),
/// when it names one that exists.
pub fn named_period(name: &str) -> Option<Period> {
    quarter_like(name).find_map(|q| {
        let (digits, quarter) = q.split_at(6);
        let (first, second) = digits.split_at(4);
        format!("{first}-{second} {quarter}").parse().ok()
    })
}

/// The first number of a kind of filing whose folder is free under an archive root (a hint:
/// another build may take it first, so the caller places its folder create-exclusively and
/// moves on to the next number if it is taken).
pub fn first_free(root: &Path, period: Period, kind: Filing) -> Filing {
    (1..MAX_SUBMISSIONS)
        .map(|n| kind.numbered(n))
        .find(|f| !root.join(filing_folder(period, *f)).exists())
        .unwrap_or(kind.numbered(MAX_SUBMISSIONS))
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
        assert_eq!(
            filing_folder(p, Filing::Provisional(1)),
            "2024-25-Q2-provisional"
        );
        assert_eq!(
            filing_folder(p, Filing::Provisional(2)),
            "2024-25-Q2-provisional-2"
        );
        for f in [
            Filing::Submission(1),
            Filing::Submission(2),
            Filing::Submission(17),
            Filing::Provisional(1),
            Filing::Provisional(2),
            Filing::Provisional(17),
        ] {
            assert_eq!(parse_folder(&filing_folder(p, f)), Some((p, f)));
        }
        for name in [
            "2024-25-Q5",
            "2024-25-Q2-resubmission-1",
            "2024-25-Q2-resubmission-02",
            "2024-25-Q2-resubmission-",
            "2024-25-Q2-resubmission-x",
            "2024-25-Q2-provisional-1",
            "2024-25-Q2-provisional-01",
            "2024-25-Q2-provisional-",
            "2024-25-Q2-provisional2",
            "2024-25-Q2-provisional-resubmission-2",
            "2024-25-Q2 (copy)",
            "2024/25-Q2",
            "board",
            ".2024-25-Q2.123.tmp",
            "2024-2\u{20ac}-Q2",
            "Q2 2024-25-Q2",
        ] {
            assert_eq!(parse_folder(name), None, "{name}");
        }
    }

    #[test]
    fn provisional_filings_sort_before_submissions() {
        let mut filings = vec![
            Filing::Submission(2),
            Filing::Provisional(2),
            Filing::Submission(1),
            Filing::Provisional(1),
        ];
        filings.sort();
        assert_eq!(
            filings,
            [
                Filing::Provisional(1),
                Filing::Provisional(2),
                Filing::Submission(1),
                Filing::Submission(2)
            ]
        );
    }

    #[test]
    fn near_misses_of_a_filing_name() {
        for name in [
            "2024-25-Q3-resubmission-02",
            "2024-25-Q2 (copy)",
            "2024-25 Q2",
            "2024-25-Q4-provisional-01",
            "2024-25-Q4-Provisional",
            "Copy of 2024-25-Q2",
            "2024-25-Q5",
            "resubmission 3",
        ] {
            assert!(near_miss(name), "{name}");
        }
        for name in [
            "2024-25-Q2",
            "2024-25-Q2-resubmission-2",
            "2024-25-Q4-provisional-2",
            ".2024-25-Q2.123.tmp",
            "board",
            "2024 board pack",
            "notes",
        ] {
            assert!(!near_miss(name), "{name}");
        }
    }

    #[test]
    fn the_quarter_a_near_miss_names() {
        let q = |s: &str| s.parse::<Period>().ok();
        assert_eq!(named_period("2024-25-Q3-resubmission-02"), q("2024-25 Q3"));
        assert_eq!(named_period("Copy of 2024/25 q2"), q("2024-25 Q2"));
        assert_eq!(named_period("2024-25-Q5"), None);
        assert_eq!(named_period("2024-26-Q1"), None);
        assert_eq!(named_period("resubmission"), None);
    }

    #[test]
    fn the_first_free_number_of_each_kind() {
        let dir = tempfile::tempdir().unwrap();
        let p: Period = "2024-25 Q4".parse().unwrap();
        assert_eq!(
            first_free(dir.path(), p, Filing::Provisional(1)),
            Filing::Provisional(1)
        );
        std::fs::create_dir(dir.path().join("2024-25-Q4-provisional")).unwrap();
        assert_eq!(
            first_free(dir.path(), p, Filing::Provisional(1)),
            Filing::Provisional(2)
        );
        // A provisional return takes no submission's number.
        assert_eq!(
            first_free(dir.path(), p, Filing::Submission(1)),
            Filing::Submission(1)
        );
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
