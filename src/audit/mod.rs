//! The audit side: finished returns read back from their files, checked before they are sent
//! ([`check`]), compared with one another ([`diff`]), and rebuilt from their manifests.

pub mod check;
pub mod diff;

use std::path::Path;

use crate::validate::Finding;
use check::Document;

/// Reads one return file; a file that cannot be read as a return is a finding, not a failure
/// of the command (the user asked whether it is fit to send, and the answer is no).
pub fn load_document(path: &Path) -> Result<Document, Box<Finding>> {
    let file = path.display().to_string();
    let unreadable = |code: &str, message: String| {
        Box::new(check::finding(code, &file, None, None, None, message))
    };
    let bytes = crate::files::read(path, crate::files::Kind::ReturnFile)
        .map_err(|e| unreadable("C001", format!("cannot read it: {e}")))?;
    // A file that is not a return but another of the tool's files is named for what it is,
    // with the command that takes it.
    let another = |code: &str, message: String| {
        let what = crate::recognise::recognise(&bytes);
        match crate::recognise::advice(&what, path, crate::recognise::Wanted::Return) {
            Some(advice) => unreadable("C001", advice),
            None => unreadable(code, message),
        }
    };
    let sha256 = crate::sha256_hex(&bytes);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "xml" | "json" => {
            let ret = if ext == "xml" {
                crate::write::xml::parse_xml(&bytes).map_err(|e| another("C101", e.to_string()))?
            } else {
                crate::write::json::parse_return_json(&String::from_utf8_lossy(&bytes))
                    .map_err(|e| another("C001", e.to_string()))?
            };
            Ok(Document {
                sha256,
                ..Document::of(&file, ret)
            })
        }
        "xlsx" => {
            let read = crate::write::workbook::read_workbook(&bytes)
                .map_err(|e| another("C001", e.to_string()))?;
            Ok(Document {
                file,
                ret: read.ret,
                places: read.places,
                shown: read.shown,
                conflicts: read.conflicts,
                sha256,
            })
        }
        _ => Err(another(
            "C001",
            "not a return file: give return.xml, return.xlsx, return.json or the return's folder"
                .to_string(),
        )),
    }
}
