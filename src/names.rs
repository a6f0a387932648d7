//! The tool's own names, shared by every stage: the files a build writes into a return's
//! folder, the archive's folder names (`2024-25-Q2`, `2024-25-Q2-resubmission-2`,
//! `2024-25-Q4-provisional`), the scorecard's files, and the marks by which the tool knows its
//! own files again (the XML's root element, the workbook's cover sheet).
//!
//! A folder name and its period are one: [`parse_folder`] reads back exactly what
//! [`filing_folder`] writes, and nothing else.

use crate::period::Period;

/// The files of a return, in the order they are listed in the manifest.
pub const RETURN_XLSX: &str = "return.xlsx";
pub const RETURN_XML: &str = "return.xml";
pub const RETURN_JSON: &str = "return.json";
pub const MANIFEST_JSON: &str = "manifest.json";

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

/// The first number of a kind of filing whose folder is free in `archive` (a hint: another
/// build may take it first, so the command line places its folder create-exclusively and
/// moves on to the next number if it is taken; the browser page names its zip by it).
pub fn first_free(archive: &dyn crate::folder::Folder, period: Period, kind: Filing) -> Filing {
    (1..MAX_SUBMISSIONS)
        .map(|n| kind.numbered(n))
        .find(|f| archive.entry(&filing_folder(period, *f)).is_none())
        .unwrap_or(kind.numbered(MAX_SUBMISSIONS))
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

/// The scorecard's files in its folder.
pub const SCORECARD_XLSX: &str = "scorecard.xlsx";
pub const SCORECARD_HTML: &str = "scorecard.html";
pub const SCORECARD_JSON: &str = "scorecard.json";

/// The root element.
pub const ROOT: &str = "YouthJusticeReturn";

pub const COVER: &str = "Cover";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_free_number_of_each_kind() {
        let mut archive = crate::folder::Memory::new("archive");
        let p: Period = "2024-25 Q4".parse().unwrap();
        assert_eq!(
            first_free(&archive, p, Filing::Provisional(1)),
            Filing::Provisional(1)
        );
        archive.mkdir("2024-25-Q4-provisional");
        assert_eq!(
            first_free(&archive, p, Filing::Provisional(1)),
            Filing::Provisional(2)
        );
        // A provisional return takes no submission's number; a file takes a folder's name.
        assert_eq!(
            first_free(&archive, p, Filing::Submission(1)),
            Filing::Submission(1)
        );
        archive.insert("2024-25-Q4", b"not a folder".to_vec());
        assert_eq!(
            first_free(&archive, p, Filing::Submission(1)),
            Filing::Submission(2)
        );
    }

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
}
