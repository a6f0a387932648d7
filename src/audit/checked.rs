//! What `check` concludes from what it found ([`Checked`]): the verdict, and the words and
//! JSON it answers with, the same in every shell.

use std::fmt::Write as _;

use serde::Serialize;

use super::Checked;
use crate::definitions::Severity;
use crate::folder::{Entry, Folder};
use crate::names::{RETURN_XLSX, RETURN_XML};
use crate::validate::Finding;

/// The code of the finding that marks a provisional return.
const PROVISIONAL: &str = "C105";

/// Whether a return is fit to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Warnings,
    /// A provisional return is never fit to send, however sound its files (return-format.md,
    /// "The return's life").
    Provisional,
    Errors,
    Unreadable,
}

impl Verdict {
    /// The verdict as `--format json` gives it.
    pub fn token(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Warnings => "warnings",
            Verdict::Provisional => "provisional",
            Verdict::Errors => "errors",
            Verdict::Unreadable => "unreadable",
        }
    }

    /// Fit to send: passed, with or without warnings.
    pub fn fit_to_send(self) -> bool {
        matches!(self, Verdict::Passed | Verdict::Warnings)
    }
}

#[derive(Serialize)]
struct Report<'a> {
    verdict: &'static str,
    tool_version: &'static str,
    files: &'a [String],
    summary: Summary,
    findings: &'a [Finding],
    /// Figures typed over after the build, with where their findings are in `findings`.
    edits: &'a [super::edits::Edit],
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
}

impl Checked {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity >= Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count()
    }

    pub fn verdict(&self) -> Verdict {
        if self.fatal {
            Verdict::Unreadable
        } else if self.errors() > 0 {
            Verdict::Errors
        } else if self.findings.iter().any(|f| f.code == PROVISIONAL) {
            Verdict::Provisional
        } else if self.warnings() > 0 {
            Verdict::Warnings
        } else {
            Verdict::Passed
        }
    }

    /// What `check --format json` prints.
    pub fn render_json(&self) -> String {
        let report = Report {
            verdict: self.verdict().token(),
            tool_version: env!("CARGO_PKG_VERSION"),
            files: &self.files,
            summary: Summary {
                errors: self.errors(),
                warnings: self.warnings(),
            },
            findings: &self.findings,
            edits: &self.edits,
        };
        let mut s = serde_json::to_string_pretty(&report).expect("serialisable");
        s.push('\n');
        s
    }

    /// The verdict in one sentence, as the text's line "Verdict: ..." gives it.
    pub fn sentence(&self) -> &'static str {
        // A file checked with no manifest beside it (C407): sound as far as the file shows.
        let unproven = self.findings.iter().any(|f| f.code == "C407");
        match self.verdict() {
            Verdict::Provisional => "provisional: NOT fit to send (read the warnings)",
            Verdict::Warnings if unproven => {
                "passed, but not shown to be as built: no manifest.json is beside it (read the \
                 warning)"
            }
            Verdict::Passed => "passed: fit to send",
            Verdict::Warnings => "passed with warnings: read them before sending",
            Verdict::Unreadable => "cannot be read as a return",
            Verdict::Errors => "errors found: do not send this return",
        }
    }

    /// What `check` prints: the files, the verdict, and the findings, each figure typed over
    /// after the build first with the findings that follow from it under it. A return fit to
    /// send says what was checked, and which file the figures are sent from. `folder` is the
    /// folder of the files checked.
    pub fn render_text(&self, folder: &dyn Folder) -> String {
        let mut s = String::new();
        for f in &self.files {
            writeln!(s, "{f}").unwrap();
        }
        writeln!(s, "Verdict: {}", self.sentence()).unwrap();
        if self.verdict() == Verdict::Passed {
            writeln!(s, "  {}", self.what_was_checked(folder)).unwrap();
            return s;
        }
        let mut counts = format!(
            "  {} error(s), {} warning(s)",
            self.errors(),
            self.warnings()
        );
        let edits = &self.edits;
        if !edits.is_empty() {
            let following: usize = edits.iter().map(|e| e.consequences.len()).sum();
            let n = edits.len();
            write!(
                counts,
                ": {n} figure{} changed after the build{}",
                if n == 1 { " was" } else { "s were" },
                match following {
                    0 => String::new(),
                    1 => ", and 1 finding follows from it".to_string(),
                    _ if n == 1 => format!(", and {following} findings follow from it"),
                    _ => format!(", and {following} findings follow from them"),
                }
            )
            .unwrap();
        }
        writeln!(s, "{counts}").unwrap();
        let under: std::collections::BTreeSet<usize> = edits
            .iter()
            .flat_map(|e| e.consequences.iter().copied())
            .collect();
        for (i, f) in self.findings.iter().enumerate() {
            if under.contains(&i) {
                continue;
            }
            writeln!(s, "  {}", crate::report::terminal::line(f)).unwrap();
            if let Some(e) = edits.iter().find(|e| e.finding == i)
                && !e.consequences.is_empty()
            {
                writeln!(s, "    which causes these (put it back and they go):").unwrap();
                for k in &e.consequences {
                    if let Some(f) = self.findings.get(*k) {
                        writeln!(s, "      {}", crate::report::terminal::line(f)).unwrap();
                    }
                }
            }
        }
        s
    }

    /// What a return fit to send was checked for, then what to send and how: "NSH01 2024-25
    /// Q2: XSD valid, identity as built, 252 measures present, figures consistent", and a line
    /// saying that the figures go to the YJB through its portal (YJAF), in its own template,
    /// from the workbook, return.xml being their machine-readable record in this tool's own
    /// format: the YJB does not publish a file format to upload, so nothing here claims more.
    fn what_was_checked(&self, folder: &dyn Folder) -> String {
        let Some(first) = self.documents.first() else {
            return String::new();
        };
        let id = &first.ret.identity;
        let of_kind = |ext: &str| {
            self.documents.iter().find(|d| {
                std::path::Path::new(&d.file)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case(ext))
            })
        };
        let mut parts = Vec::new();
        if of_kind("xml").is_some() {
            parts.push("XSD valid".to_string());
        }
        // Passed: so a manifest was read (without one there is C406 or C407).
        parts.push("identity as built".to_string());
        parts.push(format!("{} measures present", first.ret.measures.len()));
        parts.push("figures consistent".to_string());
        // The file of that kind checked, else the one in the folder checked, else its bare name.
        let file = |ext: &str, name: &str| match of_kind(ext) {
            Some(d) => d.file.clone(),
            None if folder.entry(name) == Some(Entry::File) => folder.shown(name),
            None => name.to_string(),
        };
        format!(
            "{} {}: {}\n  To send: enter or upload the figures from {} in the YJB's portal \
             (YJAF); {} is their machine-readable record (this tool's own format)",
            id.yjs_code,
            id.period,
            parts.join(", "),
            file("xlsx", RETURN_XLSX),
            file("xml", RETURN_XML),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::check::finding;

    fn checked(codes: &[(&str, Severity)], fatal: bool) -> Checked {
        Checked {
            files: vec!["r/return.xml".into()],
            findings: codes
                .iter()
                .map(|(code, severity)| Finding {
                    severity: *severity,
                    ..finding(code, "r/return.xml", None, None, None, "m".into())
                })
                .collect(),
            fatal,
            ..Checked::default()
        }
    }

    #[test]
    fn only_a_sound_final_return_is_fit_to_send() {
        use Severity::{Error, Fatal, Warning};
        let cases = [
            (checked(&[], false), Verdict::Passed),
            (checked(&[("C402", Warning)], false), Verdict::Warnings),
            (checked(&[("C105", Warning)], false), Verdict::Provisional),
            (
                checked(&[("C105", Warning), ("C301", Error)], false),
                Verdict::Errors,
            ),
            (checked(&[("C001", Fatal)], true), Verdict::Unreadable),
        ];
        for (c, want) in cases {
            assert_eq!(c.verdict(), want, "{:?}", c.findings);
            assert_eq!(
                c.verdict().fit_to_send(),
                matches!(want, Verdict::Passed | Verdict::Warnings)
            );
        }
        let unproven = checked(&[("C407", Warning)], false);
        assert!(
            unproven
                .render_text(&crate::folder::Memory::new("r"))
                .contains(
                    "Verdict: passed, but not shown to be as built: no manifest.json is beside it"
                )
        );
        let json: serde_json::Value =
            serde_json::from_str(&checked(&[("C105", Warning)], false).render_json()).unwrap();
        assert_eq!(json["verdict"], "provisional");
        assert_eq!(json["summary"]["warnings"], 1);
    }
}
