//! What `build` says on the terminal: the return it built and its files, what a resubmission
//! changed against the latest earlier submission, or why it built nothing and what to do. The
//! account of the return and what a resubmission changed are the engine's (the browser page
//! says them too); the command line gives them its folders and words its own refusal.

use std::path::Path;

use yjb_return::period::Period;
use yjb_return::report;
use yjb_return::validate::{Refusal, Validation};
use yjb_return::write;

/// What a resubmission filed as `dir` in the archive `root` changed, on the terminal
/// ([`yjb_return::audit::resubmission::against_earlier`] on disk). `None` for a provisional
/// return or a first submission.
pub(super) fn against_earlier(
    root: &Path,
    dir: &Path,
    ret: &yjb_return::measures::Return,
    defs: &yjb_return::definitions::Definitions,
) -> Option<String> {
    let name = dir.file_name()?.to_string_lossy();
    yjb_return::audit::resubmission::against_earlier(
        &crate::shell::files::Disk::new(root),
        &name,
        ret,
        defs,
    )
}

/// Why the return was not built and what to do next: a period the export does not cover is
/// fixed on the command line; anything else in the case-management system.
pub(super) fn refusal(v: &Validation, period: Period, export: &Path) -> String {
    if let Some(Refusal::Period { early }) = v.refusal() {
        let early = if early {
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

/// The account of the return built in `dir`, its warnings cut as the terminal cuts findings.
pub(super) fn summary(v: &Validation, built: &write::Built, dir: &Path) -> String {
    write::summary::render(
        v,
        built,
        &dir.display().to_string(),
        Some(report::terminal::DEFAULT_LIMIT),
    )
}
