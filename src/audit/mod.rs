//! The audit side: finished returns read back from their files, checked before they are sent
//! ([`check`]), compared with one another ([`diff`]), and rebuilt from their manifests.

pub mod check;
pub mod diff;
pub mod edits;
pub mod record;

use std::path::{Path, PathBuf};

use crate::definitions::{Severity, Source};
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
fn read_manifest(folder: &Path, given: Given) -> (Option<(String, Manifest)>, Vec<Finding>) {
    use crate::files::{FileError, Kind};
    let path = folder.join(MANIFEST_JSON);
    let file = path.display().to_string();
    let said = |code: &str, message: String| check::finding(code, &file, None, None, None, message);
    let text = match crate::files::read(&path, Kind::Manifest) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string()),
        Err(FileError::Missing(_)) => {
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
            let missing = folder.join(&o.file);
            if std::fs::symlink_metadata(&missing).is_err() {
                findings.push(check::finding(
                    "C405",
                    &missing.display().to_string(),
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
/// manifest beside them and the other files of the return.
pub fn check_files(folder: &Path, targets: &[PathBuf], source: &Source, given: Given) -> Checked {
    let (manifest, about_manifest) = read_manifest(folder, given);
    // Every other readable file of the return is compared with each document; which of two
    // disagreeing files is blamed is `check_against`'s business.
    let mut siblings = Vec::new();
    for name in [RETURN_XML, RETURN_XLSX, RETURN_JSON] {
        let path = folder.join(name);
        if path.exists()
            && let Ok(doc) = load_document(&path)
        {
            siblings.push((path, doc));
        }
    }

    let mut findings = Vec::new();
    let mut files = Vec::new();
    let mut docs: Vec<(PathBuf, Document)> = Vec::new();
    let mut fatal = false;
    for target in targets {
        files.push(target.display().to_string());
        // A file already read as a sibling is not read twice.
        let loaded = match siblings.iter().find(|(p, _)| p == target) {
            Some((_, doc)) => Ok(doc.clone()),
            None => load_document(target),
        };
        match loaded {
            Ok(doc) => docs.push((target.clone(), doc)),
            Err(f) => {
                fatal |= f.severity == Severity::Fatal;
                findings.push(*f);
            }
        }
    }
    let others = |target: &Path, siblings: &[(PathBuf, Document)]| -> Vec<Document> {
        siblings
            .iter()
            .filter(|(p, _)| !same_file(p, target))
            .map(|(_, d)| d.clone())
            .collect()
    };
    let figures = |docs: &[(PathBuf, Document)], siblings: &[(PathBuf, Document)]| {
        let mut out = Vec::new();
        for (target, doc) in docs {
            out.extend(check::check_document(doc, source));
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
            let swap = |list: &[(PathBuf, Document)]| -> Vec<(PathBuf, Document)> {
                list.iter()
                    .map(|(p, d)| {
                        let d = if same_file(p, target) { fixed } else { d };
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

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

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
    let sha256 = crate::hash::sha256_hex(&bytes);
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
