//! The audit side: finished returns read back from their files, checked before they are sent
//! ([`check`]), compared with one another ([`diff`]), and rebuilt from their manifests.

pub mod check;
pub mod checked;
pub mod diff;
pub mod edits;
pub mod record;
pub mod reproduce;
pub mod resubmission;

use crate::date::Date;
use crate::definitions::{Severity, Source};
use crate::folder::{Folder, Kind, Why};
use crate::names::{MANIFEST_JSON, RETURN_JSON, RETURN_XLSX, RETURN_XML};
use crate::validate::Finding;
use crate::write::manifest::Manifest;
use check::Document;

/// What checking some files of one return found (`check` reports it; `scorecard` refuses a
/// quarter with errors).
#[derive(Debug, Default)]
pub struct Checked {
    /// The files checked, as given.
    pub files: Vec<String>,
    pub findings: Vec<Finding>,
    /// Some file could not be read as a return at all.
    pub fatal: bool,
    /// The files that could be read, in the order checked.
    pub documents: Vec<Document>,
    /// The manifest beside them, when there is a readable one.
    pub manifest: Option<Manifest>,
    /// Figures typed over after the build, each with the findings it explains.
    pub edits: Vec<edits::Edit>,
}

/// What `check` was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Given {
    /// A return's folder: the return as a whole, so its manifest must be there, with every
    /// file it records.
    Folder,
    /// Files: each is checked on its own, against the manifest beside it when there is one
    /// (an officer checks the file they send, wherever they put it).
    Files,
}

/// The manifest beside the files checked, read as strictly as a build writes it, and what
/// is wrong with it: unreadable (C404), or absent (C406 for a folder, C407 for files), or
/// recording files the folder no longer holds (C405).
fn read_manifest(folder: &dyn Folder, given: Given) -> (Option<(String, Manifest)>, Vec<Finding>) {
    let file = folder.shown(MANIFEST_JSON);
    let said = |code: &str, message: String| check::finding(code, &file, None, None, None, message);
    let text = match folder.read(MANIFEST_JSON, Kind::Manifest) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string()),
        Err(e) if e.why == Why::Missing => {
            let finding = match given {
                Given::Folder => said(
                    "C406",
                    "it is missing: every build writes it beside the return, and without it \
                     nothing shows that these figures are the ones built (a figure changed \
                     alike in every file would pass unseen); check the folder build wrote, or \
                     build the return again"
                        .to_string(),
                ),
                Given::Files => said(
                    "C407",
                    "there is none beside the file checked, so its figures are checked for \
                     consistency only, not shown to be the ones built; to show that, check the \
                     return's folder as build wrote it"
                        .to_string(),
                ),
            };
            return (None, vec![finding]);
        }
        Err(e) => Err(format!("cannot read it: {e}")),
    };
    let manifest = match text.and_then(|t| record::return_manifest(&t)) {
        Ok(m) => m,
        Err(why) => {
            let message = format!(
                "it cannot be read as the manifest build wrote: {why}; nothing then shows that \
                 these figures are the ones built: restore the manifest, or build the return \
                 again"
            );
            return (None, vec![said("C404", message)]);
        }
    };
    let mut findings = Vec::new();
    if given == Given::Folder {
        // The names are the build's own (`return_manifest` allows no other).
        for o in &manifest.outputs {
            if folder.entry(&o.file).is_none() {
                findings.push(check::finding(
                    "C405",
                    &folder.shown(&o.file),
                    None,
                    None,
                    None,
                    format!(
                        "{file} records this file, but it is missing: the folder is not the \
                         return as built; put the file back, or build the return again"
                    ),
                ));
            }
        }
    }
    (Some((file, manifest)), findings)
}

/// Checks return files of one folder as `check` does: each file on its own, then against the
/// manifest beside them and the other files of the return. `targets` are names of files in
/// the folder; `today` is the day of the check (a return cannot be for a period that has not
/// ended by then).
pub fn check_files(
    folder: &dyn Folder,
    targets: &[String],
    source: &Source,
    given: Given,
    today: Date,
) -> Checked {
    let (manifest, about_manifest) = read_manifest(folder, given);
    // Every other readable file of the return is compared with each document; which of two
    // disagreeing files is blamed is `check_against`'s business.
    let mut siblings = Vec::new();
    for name in [RETURN_XML, RETURN_XLSX, RETURN_JSON] {
        if folder.entry(name).is_some()
            && let Ok(doc) = load_document(folder, name)
        {
            siblings.push((name.to_string(), doc));
        }
    }

    let mut findings = Vec::new();
    let mut files = Vec::new();
    let mut docs: Vec<(String, Document)> = Vec::new();
    let mut fatal = false;
    for target in targets {
        files.push(folder.shown(target));
        // A file already read as a sibling is not read twice.
        let loaded = match siblings.iter().find(|(p, _)| p == target) {
            Some((_, doc)) => Ok(doc.clone()),
            None => load_document(folder, target),
        };
        match loaded {
            Ok(doc) => docs.push((target.clone(), doc)),
            Err(f) => {
                fatal |= f.severity == Severity::Fatal;
                findings.push(*f);
            }
        }
    }
    let others = |target: &str, siblings: &[(String, Document)]| -> Vec<Document> {
        siblings
            .iter()
            .filter(|(p, _)| p != target)
            .map(|(_, d)| d.clone())
            .collect()
    };
    let figures = |docs: &[(String, Document)], siblings: &[(String, Document)]| {
        let mut out = Vec::new();
        for (target, doc) in docs {
            out.extend(check::check_document(doc, source, today));
            out.extend(check::check_against(
                doc,
                &others(target, siblings),
                manifest.as_ref(),
            ));
        }
        // A provisional return says so in every file: once is enough.
        let mut provisional_said = false;
        out.retain(|f| f.code != "C105" || !std::mem::replace(&mut provisional_said, true));
        out
    };
    // A figure typed over leads, with the findings it causes under it.
    let with_others: Vec<(Document, Vec<Document>)> = docs
        .iter()
        .map(|(t, d)| (d.clone(), others(t, &siblings)))
        .collect();
    let (explained, edits) = edits::explain(
        &with_others,
        manifest.as_ref(),
        figures(&docs, &siblings),
        |i, fixed| {
            let Some((target, _)) = docs.get(i) else {
                return Vec::new();
            };
            let swap = |list: &[(String, Document)]| -> Vec<(String, Document)> {
                list.iter()
                    .map(|(p, d)| {
                        let d = if p == target { fixed } else { d };
                        (p.clone(), d.clone())
                    })
                    .collect()
            };
            figures(&swap(&docs), &swap(&siblings))
        },
    );
    findings.extend(explained);
    findings.extend(about_manifest);
    Checked {
        files,
        findings,
        fatal,
        documents: docs.into_iter().map(|(_, d)| d).collect(),
        manifest: manifest.map(|(_, m)| m),
        edits,
    }
}

/// Reads one return file; a file that cannot be read as a return is a finding, not a failure
/// of the command (the user asked whether it is fit to send, and the answer is no).
pub fn load_document(folder: &dyn Folder, name: &str) -> Result<Document, Box<Finding>> {
    let file = folder.shown(name);
    let bytes = folder.read(name, Kind::ReturnFile).map_err(|e| {
        Box::new(check::finding(
            "C001",
            &file,
            None,
            None,
            None,
            format!("cannot read it: {e}"),
        ))
    })?;
    document(&file, &bytes)
}

/// Why [`load_return`] has no return to give.
#[derive(Debug, thiserror::Error)]
pub enum Unloaded {
    /// A folder holding neither return.json nor return.xml; `advice` says what it holds.
    #[error("{dir} holds no return.json or return.xml{}", .advice.as_deref().map(|a| format!("; {a}")).unwrap_or_default())]
    NoReturn { dir: String, advice: Option<String> },
    /// A file that cannot be read as a return.
    #[error("{file}: {} ({})", .finding.message, .finding.code)]
    Unreadable { file: String, finding: Box<Finding> },
}

/// The return `diff` compares: the file `name` of `folder`, or (`None`) the folder's
/// return.json, else its return.xml. Gives how messages name the file, and the return.
pub fn load_return(
    folder: &dyn Folder,
    name: Option<&str>,
) -> Result<(String, crate::measures::Return), Unloaded> {
    let name = match name {
        Some(name) => name,
        None => [RETURN_JSON, RETURN_XML]
            .into_iter()
            .find(|n| folder.entry(n).is_some())
            .ok_or_else(|| Unloaded::NoReturn {
                dir: folder.path(),
                advice: crate::recognise::folder_advice(
                    folder,
                    crate::recognise::Wanted::Return,
                    "diff",
                ),
            })?,
    };
    let file = folder.shown(name);
    match load_document(folder, name) {
        Ok(doc) => Ok((file, doc.ret)),
        Err(finding) => Err(Unloaded::Unreadable { file, finding }),
    }
}

/// Reads one return file from its bytes; `file` names it as the user would (its ending says
/// which of the return's files it is).
pub fn document(file: &str, bytes: &[u8]) -> Result<Document, Box<Finding>> {
    let file = file.to_string();
    let path = std::path::Path::new(&file);
    let unreadable = |code: &str, message: String| {
        Box::new(check::finding(code, &file, None, None, None, message))
    };
    // A file that is not a return but another of the tool's files is named for what it is,
    // with the command that takes it.
    let another = |code: &str, message: String| {
        let what = crate::recognise::recognise(bytes);
        match crate::recognise::advice(&what, path, crate::recognise::Wanted::Return, false) {
            Some(advice) => unreadable("C001", advice),
            None => unreadable(code, message),
        }
    };
    let sha256 = crate::hash::sha256_hex(bytes);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "xml" | "json" => {
            let ret = if ext == "xml" {
                crate::write::xml::parse_xml(bytes).map_err(|e| another("C101", e.to_string()))?
            } else {
                crate::write::json::parse_return_json(&String::from_utf8_lossy(bytes))
                    .map_err(|e| another("C001", e.to_string()))?
            };
            Ok(Document {
                sha256,
                ..Document::of(&file, ret)
            })
        }
        "xlsx" => {
            let read = crate::write::workbook::read_workbook(bytes)
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
