//! What `build` says on the terminal: the return it built and its files, what a resubmission
//! changed against the latest earlier submission, or why it built nothing and what to do.

use std::fmt::Write as _;
use std::path::Path;

use crate::commands::inputs;
use yjb_return::definitions::Severity;
use yjb_return::names::Filing;
use yjb_return::names::MANIFEST_JSON;
use yjb_return::period::Period;
use yjb_return::report;
use yjb_return::validate::Validation;
use yjb_return::write;

/// What a resubmission changed, on the terminal: the figures that moved against the latest
/// earlier submission of its quarter, as `diff` shows them, or that none did. `None` for a
/// provisional return or a first submission; a provisional return filed in a submission's folder
/// (by a version before provisional folders) is passed over, since it was never a submission.
pub(super) fn against_earlier(
    root: &Path,
    dir: &Path,
    ret: &yjb_return::measures::Return,
    defs: &yjb_return::definitions::Definitions,
) -> Option<String> {
    let name = dir.file_name()?.to_string_lossy();
    let (period, Filing::Submission(n)) = yjb_return::names::parse_folder(&name)? else {
        return None;
    };
    let earlier = (1..n)
        .rev()
        .map(|k| root.join(yjb_return::names::submission_folder(period, k)))
        .filter(|folder| folder.is_dir());
    for folder in earlier {
        let file = [
            yjb_return::names::RETURN_JSON,
            yjb_return::names::RETURN_XML,
        ]
        .iter()
        .map(|f| folder.join(f))
        .find(|p| p.is_file());
        let cannot = |why: &str| {
            Some(format!(
                "This is a resubmission of {period}, but it could not be compared with the \
                 earlier submission {}: {why}. Run `yjb-return diff` on the two folders.",
                folder.display()
            ))
        };
        let Some(file) = file else {
            return cannot("it holds no return.json or return.xml");
        };
        let old = match inputs::document(&file) {
            Ok(doc) => doc.ret,
            Err(f) => return cannot(&f.message),
        };
        if old.identity.provisional {
            continue;
        }
        let layout = match yjb_return::write::template::Layout::load(defs) {
            Ok(l) => l,
            Err(e) => return cannot(&format!("the return template is unusable: {e}")),
        };
        let mut d = yjb_return::audit::diff::diff(&old, ret, &layout);
        // Every build has its own time and, usually, its own export: only the rest is news.
        d.identity
            .retain(|c| !matches!(c.field, "generated_at" | "input_sha256"));
        let account = yjb_return::audit::diff::render_text(
            &d,
            &file.display().to_string(),
            &dir.join(yjb_return::names::RETURN_JSON)
                .display()
                .to_string(),
        );
        return Some(format!(
            "A resubmission of {period}, compared with the latest earlier submission ({}) as \
             `yjb-return diff` compares them:\n{account}",
            folder.display(),
        ));
    }
    None
}

/// Why the return was not built and what to do next: a period the export does not cover is
/// fixed on the command line; anything else in the case-management system.
pub(super) fn refusal(v: &Validation, period: Period, export: &Path) -> String {
    let blocking: Vec<&str> = v
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Error && f.acknowledged.is_none())
        .map(|f| f.code.as_str())
        .collect();
    if !blocking.is_empty() && blocking.iter().all(|c| *c == "E450" || *c == "E451") {
        let early = if blocking.contains(&"E451") {
            ", or add --provisional for an early look (a provisional return is not fit to send)"
        } else {
            ""
        };
        return format!(
            "The return was not built: the export does not cover {period}. Check --period{early}.\n"
        );
    }
    format!(
        "The return was not built: fix the errors above in the case-management system, export \
         again and rerun build. To list them all in a workbook, run:\n  yjb-return validate \
         \"{}\" --period \"{period}\" --report issues.xlsx\n",
        export.display()
    )
}

/// The first line of a provisional build's account: before anything else, what it is not.
const PROVISIONAL_FIRST_LINE: &str = "PROVISIONAL return: for internal use, not for submission";

pub(super) fn summary(v: &Validation, built: &write::Built, dir: &Path) -> String {
    let id = &built.ret.identity;
    let mut s = String::new();
    if id.provisional {
        writeln!(s, "{PROVISIONAL_FIRST_LINE}").unwrap();
    }
    writeln!(
        s,
        "Built the {}{} return for {} ({}) in {}",
        if id.provisional { "provisional " } else { "" },
        id.period,
        id.yjs_name,
        id.yjs_code,
        dir.display()
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
        (yjb_return::names::RETURN_XLSX, xlsx),
        (yjb_return::names::RETURN_XML, xml),
        (
            yjb_return::names::RETURN_JSON,
            "every figure by measure code",
        ),
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
        for f in warnings.iter().take(report::terminal::DEFAULT_LIMIT) {
            writeln!(s, "  {}", report::terminal::line(f)).unwrap();
        }
        if warnings.len() > report::terminal::DEFAULT_LIMIT {
            writeln!(
                s,
                "  ...and {} more (`validate --all` lists them)",
                warnings.len() - report::terminal::DEFAULT_LIMIT
            )
            .unwrap();
        }
    }
    s
}
