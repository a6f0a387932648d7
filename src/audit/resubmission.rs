//! What a resubmission changed: the figures that moved against the latest earlier submission of
//! its quarter in the archive, as `diff` shows them. `build --archive` says it under its list of
//! files; the browser page, given the archive, says it beside the zip it offers.

use crate::definitions::Definitions;
use crate::folder::{Entry, Folder};
use crate::measures::Return;
use crate::names::{Filing, RETURN_JSON, RETURN_XML, parse_folder, submission_folder};

/// The account of a resubmission filed (or to be filed) as `folder` in `archive`: what moved
/// against the latest earlier submission, or that nothing did. `None` for a provisional return
/// or a first submission; a provisional return filed in a submission's folder (by a version
/// before provisional folders) is passed over, since it was never a submission.
pub fn against_earlier(
    archive: &dyn Folder,
    folder: &str,
    ret: &Return,
    defs: &Definitions,
) -> Option<String> {
    let (period, Filing::Submission(n)) = parse_folder(folder)? else {
        return None;
    };
    let earlier = (1..n)
        .rev()
        .map(|k| submission_folder(period, k))
        .filter(|name| archive.entry(name) == Some(Entry::Folder));
    for name in earlier {
        let shown = archive.shown(&name);
        let cannot = |why: &str| {
            Some(format!(
                "This is a resubmission of {period}, but it could not be compared with the \
                 earlier submission {shown}: {why}. Run `yjb-return diff` on the two folders."
            ))
        };
        let earlier = archive.open(&name);
        let Some(file) = [RETURN_JSON, RETURN_XML]
            .into_iter()
            .find(|f| earlier.entry(f) == Some(Entry::File))
        else {
            return cannot("it holds no return.json or return.xml");
        };
        let old = match super::load_document(earlier.as_ref(), file) {
            Ok(doc) => doc.ret,
            Err(f) => return cannot(&f.message),
        };
        if old.identity.provisional {
            continue;
        }
        let layout = match crate::write::template::Layout::load(defs) {
            Ok(l) => l,
            Err(e) => return cannot(&format!("the return template is unusable: {e}")),
        };
        let mut d = super::diff::diff(&old, ret, &layout);
        // Every build has its own time and, usually, its own export: only the rest is news.
        d.identity
            .retain(|c| !matches!(c.field, "generated_at" | "input_sha256"));
        let account = super::diff::render_text(
            &d,
            &earlier.shown(file),
            &archive.open(folder).shown(RETURN_JSON),
        );
        return Some(format!(
            "A resubmission of {period}, compared with the latest earlier submission ({shown}) as \
             `yjb-return diff` compares them:\n{account}",
        ));
    }
    None
}
