//! What `scorecard` says once the scorecard is made: where it went, what each file is for,
//! the counts, the exceptions, the gaps and the warnings; and, for a publication copy, what
//! was suppressed and what was not. Every shell prints it (the command line names the folder,
//! the browser page the zip it offers).

use std::fmt::Write as _;

use super::make::{MANIFEST_JSON, Made};
use crate::names::{SCORECARD_HTML, SCORECARD_JSON, SCORECARD_XLSX};

/// The account of a scorecard placed at `place`.
pub fn render(made: &Made, place: &str) -> String {
    let s = &made.scorecard;
    let mut t = String::new();
    let first = s
        .window
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    writeln!(
        t,
        "Wrote the scorecard of {} ({}), {} quarters from {first} to {}, in {place}",
        s.yjs_name,
        s.yjs_code,
        s.window.len(),
        s.to,
    )
    .unwrap();
    for (name, what) in [
        (
            SCORECARD_XLSX,
            "for the board pack: scorecard, charts, data, guidance, sources",
        ),
        (
            SCORECARD_HTML,
            "one page to open in a browser or print on A4",
        ),
        (SCORECARD_JSON, "every value and status, for other programs"),
        (MANIFEST_JSON, "how it was made, for `reproduce`"),
    ] {
        writeln!(t, "  {name:<16}{what}").unwrap();
    }
    let sum = s.summary();
    writeln!(
        t,
        "At {}: {} green, {} amber, {} red, {} without a target, {} without data.",
        s.to, sum.green, sum.amber, sum.red, sum.no_target, sum.no_data
    )
    .unwrap();
    let exceptions: Vec<&str> = s
        .cards
        .iter()
        .filter(|c| c.is_exception())
        .map(|c| c.indicator.id.as_str())
        .collect();
    if !exceptions.is_empty() {
        writeln!(t, "Exceptions (a page each): {}", exceptions.join(", ")).unwrap();
    }
    if !s.gaps.is_empty() {
        let gaps: Vec<String> = s.gaps.iter().map(ToString::to_string).collect();
        writeln!(
            t,
            "Gaps (no return on file, left empty): {}",
            gaps.join(", ")
        )
        .unwrap();
    }
    if !made.warnings.is_empty() {
        writeln!(
            t,
            "\n{} warning(s) on the archive and the returns read:",
            made.warnings.len()
        )
        .unwrap();
        for w in &made.warnings {
            writeln!(t, "  {w}").unwrap();
        }
    }
    if let Some(p) = made.scorecard.paper.publication {
        writeln!(
            t,
            "\nThis is the publication copy: every count from 1 to {} is shown as c, and so is \
             every figure worked out from one. The commentary, target notes and owners are \
             printed as written: they are not checked for small numbers, so read them before \
             you publish.",
            p.below - 1
        )
        .unwrap();
    }
    t
}
