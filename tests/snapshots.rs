//! Snapshots of what users and the YJB receive, built from the shipped samples: the return's
//! JSON and XML for each quarter of 2023-24 and 2024-25, and the JSON report of the flawed
//! export.
//!
//! A change to any of them shows up as a failing test with the first differing line; when the
//! change is intended, `UPDATE_SNAPSHOTS=1 cargo test --test snapshots` rewrites the files
//! under `tests/snapshots/` and the diff is reviewed in the commit.

use crate::common;

use common::*;

#[test]
fn sample_returns_match_their_snapshots() {
    let out = tempfile::tempdir().unwrap();
    for year in SAMPLE_YEARS {
        for q in 1..=4 {
            let dir = out.path().join(format!("{year}-q{q}"));
            build_year_sample(year, q, &dir, &["--generated-at", "2025-05-01T09:00:00Z"]);
            for file in ["return.json", "return.xml"] {
                let text = std::fs::read_to_string(dir.join(file)).unwrap();
                assert_snapshot(&format!("{year}-Q{q}.{file}"), &text);
            }
        }
    }
}

#[test]
fn flawed_sample_json_report_matches_its_snapshot() {
    let result = yjb()
        .current_dir(samples())
        .args([
            "validate",
            "flawed-export.xlsx",
            "--period",
            "2024-25 Q2",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(1));
    assert_snapshot(
        "flawed-export.report.json",
        &String::from_utf8(result.stdout).unwrap(),
    );
}
