//! The archive that `build --archive` fills and `scorecard` reads: one folder per submission,
//! named after its quarter (`2024-25-Q2`), a resubmission beside it
//! (`2024-25-Q2-resubmission-2`, `-3`, ...), each holding the return's files, its manifest and
//! a copy of the input.

use std::path::{Path, PathBuf};

use crate::period::Period;

/// The archived copy of the input inside a submission folder, and its acknowledgements sidecar
/// (named so that `validate` finds it beside the copy by the usual convention).
pub const ARCHIVED_INPUT: &str = "input.xlsx";
pub const ARCHIVED_SIDECAR: &str = "input.acknowledgements.csv";

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

/// The first free folder for this period under an archive root.
pub fn archive_folder(root: &Path, period: Period) -> PathBuf {
    (1..)
        .map(|n| root.join(submission_folder(period, n)))
        .find(|p| !p.exists())
        .expect("an unused folder name")
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
        ] {
            assert_eq!(parse_folder(name), None, "{name}");
        }
    }
}
