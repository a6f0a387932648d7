//! `--help` of check, reproduce and diff describes every argument, `--format` included, and
//! says what each exit status means.

use crate::common;

use common::yjb;

/// The entries of the help's "Arguments:" and "Options:" sections, each with its description.
fn entries(help: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = help.lines().peekable();
    let mut in_list = false;
    while let Some(line) = lines.next() {
        if line == "Arguments:" || line == "Options:" {
            in_list = true;
            continue;
        }
        if !in_list || line.trim().is_empty() {
            continue;
        }
        // An entry is indented by two (`  <OLD>`, `  -h, --help`) or six (`      --format`).
        if line.starts_with("  ") && !line.starts_with("          ") {
            let description = lines.peek().map_or("", |d| d.trim()).to_string();
            out.push((line.trim().to_string(), description));
        }
    }
    out
}

#[test]
fn check_reproduce_and_diff_describe_every_argument() {
    for (command, arguments, exit) in [
        (
            "check",
            &["<RETURN>", "--format <FORMAT>"][..],
            "2 the file could not be read",
        ),
        (
            "reproduce",
            &["<MANIFEST>", "--out <DIR>", "--format <FORMAT>"][..],
            "2 could not be attempted",
        ),
        (
            "diff",
            &["<OLD>", "<NEW>", "--format <FORMAT>"][..],
            "2 could not read a return",
        ),
    ] {
        let out = yjb().args([command, "--help"]).output().unwrap();
        assert!(out.status.success());
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(help.contains("Exit status: 0 "), "{command}: {help}");
        assert!(help.contains(exit), "{command}: {help}");
        let entries = entries(&help);
        for argument in arguments {
            let (_, description) = entries
                .iter()
                .find(|(e, _)| e == argument)
                .unwrap_or_else(|| panic!("{command}: no {argument} in {help}"));
            assert!(
                description.len() > 20 && !description.starts_with('['),
                "{command} {argument} is not described: {help}"
            );
        }
        // --format says what its values give.
        assert!(
            help.contains("text to read, or json for other programs"),
            "{help}"
        );
    }
}

/// Every help text, and what a value that will not do is told, as recorded: each command
/// declares its own arguments (`src/commands/<verb>.rs`), and moving them must not change a
/// word of what the user reads.
#[test]
fn every_help_and_usage_message_is_as_recorded() {
    let verbs = [
        "validate",
        "build",
        "check",
        "reproduce",
        "diff",
        "scorecard",
        "explain",
        "rules",
    ];
    let mut runs: Vec<Vec<&str>> = vec![vec![], vec!["--help"], vec!["-h"]];
    for verb in verbs {
        runs.push(vec![verb, "--help"]);
        runs.push(vec![verb, "-h"]);
        if verb != "rules" {
            runs.push(vec![verb]);
        }
    }
    for bad in [
        &["validate", "x.xlsx", "--period", "2024-25 Q9"][..],
        &["validate", "x.xlsx", "--provisional"],
        &["validate", "x.xlsx", "--format", "xml"],
        &["build", "x.xlsx", "--period", "2024-25 Q2"],
        &[
            "build",
            "x.xlsx",
            "--period",
            "2024-25 Q2",
            "--out",
            "a",
            "--archive",
            "b",
        ],
        &[
            "build",
            "x.xlsx",
            "--period",
            "2024-25 Q2",
            "--out",
            "a",
            "--generated-at",
            "noon",
        ],
        &["scorecard", "a", "--out", "b", "--quarters", "21"],
        &["scorecard", "a", "--out", "b", "--suppress-below", "3"],
        &["scorecard", "a", "--out", "b", "--to", "Q5 2024"],
        &[
            "scorecard",
            "a",
            "--out",
            "b",
            "--classification",
            "OFFICIAL-SENSITIVE: PERSONAL DATA OF CHILDREN",
        ],
        &["explain", "x.xlsx", "--period", "2024-25 Q5"],
        &["explain", "x.xlsx", "--period", "2024-25 Q4", "--force"],
        &[
            "explain",
            "x.xlsx",
            "--period",
            "2024-25 Q4",
            "--format",
            "xml",
        ],
        &["rules", "--format", "yaml"],
    ] {
        runs.push(bad.to_vec());
    }
    let mut all = String::new();
    for args in runs {
        let out = common::steady_output(&args);
        all.push_str(&format!(
            "$ yjb-return {}\n{}{}[exit {}]\n\n",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            out.status.code().unwrap_or(-1)
        ));
    }
    common::assert_snapshot("help.txt", &all);
}
