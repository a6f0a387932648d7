//! What `build` says once the return is built: where it went and what each file is for, then
//! the warnings that did not stop it. Every shell prints it (the command line names the
//! folder, the browser page the zip it offers).

use std::fmt::Write as _;

use crate::definitions::Severity;
use crate::names::{MANIFEST_JSON, RETURN_JSON, RETURN_XLSX, RETURN_XML};
use crate::report;
use crate::validate::Validation;
use crate::write::Built;

/// The first line of a provisional build's account: before anything else, what it is not.
pub const PROVISIONAL_FIRST_LINE: &str = "PROVISIONAL return: for internal use, not for submission";

/// The account of a build placed at `place`; `limit` caps the warnings listed (`None`: all).
pub fn render(v: &Validation, built: &Built, place: &str, limit: Option<usize>) -> String {
    let id = &built.ret.identity;
    let mut s = String::new();
    if id.provisional {
        writeln!(s, "{PROVISIONAL_FIRST_LINE}").unwrap();
    }
    writeln!(
        s,
        "Built the {}{} return for {} ({}) in {place}",
        if id.provisional { "provisional " } else { "" },
        id.period,
        id.yjs_name,
        id.yjs_code,
    )
    .unwrap();
    let (xlsx, xml) = if id.provisional {
        (
            "the return for people, marked provisional: not to be sent",
            "the figures as XML, marked provisional: not to be sent",
        )
    } else {
        (
            "the return for people: its figures go to the YJB through its portal, YJAF",
            "the same figures as XML: a machine-readable record (this tool's own schema)",
        )
    };
    for (name, what) in [
        (RETURN_XLSX, xlsx),
        (RETURN_XML, xml),
        (RETURN_JSON, "every figure by measure code"),
        (MANIFEST_JSON, "how it was made, for `reproduce`"),
    ] {
        writeln!(s, "  {name:<14}{what}").unwrap();
    }
    writeln!(
        s,
        "  {} measures; definitions {}; generated at {}",
        built.ret.measures.len(),
        id.definitions_version,
        id.generated_at
    )
    .unwrap();
    if id.provisional {
        writeln!(
            s,
            "  Its figures will change: for the return to send, build {} again from an export \
             taken after the quarter closes, without --provisional.",
            id.period
        )
        .unwrap();
    }
    let warnings: Vec<_> = v
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .collect();
    if !warnings.is_empty() {
        let open = warnings.iter().filter(|f| f.acknowledged.is_none()).count();
        writeln!(
            s,
            "\n{} warning(s) ({} acknowledged); they do not stop the build:",
            warnings.len(),
            warnings.len() - open
        )
        .unwrap();
        let shown = limit.unwrap_or(warnings.len());
        for f in warnings.iter().take(shown) {
            writeln!(s, "  {}", report::terminal::line(f)).unwrap();
        }
        if warnings.len() > shown {
            writeln!(
                s,
                "  ...and {} more (`validate --all` lists them)",
                warnings.len() - shown
            )
            .unwrap();
        }
    }
    s
}
