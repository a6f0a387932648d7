//! The verdict of a return's reproduction: what was found for each file, the first line
//! (the cause, first), the reasons, and the figure-by-figure account of the archived files.

use std::fmt::Write as _;

use crate::audit::diff;
use crate::audit::record::{self, Difference};
use crate::folder::Folder;
use crate::names::{RETURN_JSON, RETURN_XLSX, RETURN_XML};
use crate::write::manifest::Manifest;

/// One output of the build, and what the reproduction found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileCheck {
    pub file: String,
    /// What the manifest records; `None` when it does not list the file.
    pub expected_sha256: Option<String>,
    pub rebuilt_sha256: String,
    /// The archived file beside the manifest; `None` when it is missing or cannot be read.
    pub archived_sha256: Option<String>,
    /// Why the archived file cannot be read, when it is there but not a file that can be (a
    /// pipe, a device, too large).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
    /// Rebuild, manifest and archived file all the same.
    pub identical: bool,
}

/// An archived file read back and compared figure by figure with the rebuild.
#[derive(Debug, serde::Serialize)]
pub struct Account {
    pub file: String,
    /// Why the file could not be read as a return, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figures: Option<diff::Diff>,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct Outcome {
    pub reproduced: bool,
    /// The verdict in one line, the first line of the text output.
    pub headline: String,
    pub manifest: String,
    pub input: String,
    pub reasons: Vec<String>,
    pub files: Vec<FileCheck>,
    pub accounts: Vec<Account>,
}

/// How a reason says an archived file matches its changed hash in the manifest.
pub const BOTH_CHANGED: &str = "and its SHA-256 in the manifest were both changed after the build";

/// The files a figure-by-figure account reads back, the submission file first.
pub const ACCOUNTED: [&str; 3] = [RETURN_XML, RETURN_JSON, RETURN_XLSX];

/// The first line of a failed reproduction: the changed input; else a manifest naming another
/// tool than its files; else the first field of the manifest that is not the rebuild's; else
/// the first file (the submission file first) whose archived copy is not what was rebuilt.
pub fn headline(
    o: &Outcome,
    same_input: bool,
    tool_altered: bool,
    record: Option<String>,
) -> String {
    if !same_input {
        return "NOT reproduced: the input has changed since the return was built".to_string();
    }
    if tool_altered {
        return "NOT reproduced: the manifest's record of the tool differs from its files"
            .to_string();
    }
    if let Some(record) = record {
        return format!("NOT reproduced: {record}");
    }
    let order = |f: &&FileCheck| ACCOUNTED.iter().position(|n| *n == f.file);
    let mut differing: Vec<&FileCheck> = o.files.iter().filter(|f| !f.identical).collect();
    differing.sort_by_key(order);
    match differing.first() {
        Some(f) if f.unreadable.is_some() => {
            format!("NOT reproduced: the archived {} cannot be read", f.file)
        }
        Some(f) if f.archived_sha256.is_none() => {
            format!("NOT reproduced: the archived {} is missing", f.file)
        }
        Some(f) if f.expected_sha256.is_none() => {
            format!("NOT reproduced: the manifest does not record {}", f.file)
        }
        Some(f) if f.archived_sha256.as_ref() != Some(&f.rebuilt_sha256) => {
            format!(
                "NOT reproduced: the archived {} differs from what was built",
                f.file
            )
        }
        Some(f) => format!(
            "NOT reproduced: the manifest's record of {} differs from what was built",
            f.file
        ),
        // Every file and every field as rebuilt: nothing explains it.
        None => "NOT reproduced".to_string(),
    }
}

/// What a reproduction says when the archived input no longer validates: the verdict, the
/// reasons, then the validation's findings (`limit` caps them; `None`: all).
pub fn render_invalid(
    o: &Outcome,
    validation: &crate::validate::Validation,
    limit: Option<usize>,
) -> String {
    let mut text = format!("{}\n", o.headline);
    for r in &o.reasons {
        writeln!(text, "  - {r}").unwrap();
    }
    text.push_str(&crate::report::terminal::render(
        validation, &o.input, limit,
    ));
    text
}

pub fn render_text(o: &Outcome) -> String {
    let mut s = String::new();
    writeln!(s, "{}", o.headline).unwrap();
    writeln!(s, "Reproducing {} from {}", o.manifest, o.input).unwrap();
    for f in &o.files {
        let verdict = if f.identical { "identical" } else { "DIFFERS" };
        writeln!(s, "  {:<14}{verdict}", f.file).unwrap();
    }
    if o.reproduced {
        for r in &o.reasons {
            writeln!(s, "  note: {r}").unwrap();
        }
        return s;
    }
    writeln!(s, "Why:").unwrap();
    for r in &o.reasons {
        writeln!(s, "  - {r}").unwrap();
    }
    for a in &o.accounts {
        let archived = format!("archived {}", a.file);
        match (&a.unreadable, &a.figures) {
            (Some(why), _) => {
                writeln!(s, "\n{archived} cannot be read as a return: {why}").unwrap();
            }
            (None, Some(d)) if d.is_empty() && d.identity.is_empty() => {
                writeln!(s, "\n{archived}: every figure is the one rebuilt").unwrap();
            }
            (None, Some(d)) => {
                s.push('\n');
                s.push_str(&diff::render_text(d, &archived, "rebuilt"));
            }
            (None, None) => {}
        }
    }
    s
}

/// What the archived files of a return say is wrong with its manifest, which is the rebuild's
/// own record: the words for the verdict, and said in full.
pub struct Contradiction {
    pub headline: String,
    pub reason: String,
}

/// The fields the rebuild takes from the manifest and every file records (the period, the
/// provisional mark, the generation time) where an archived file, as the manifest records it,
/// says otherwise: the manifest was changed after the build, not the file.
pub fn contradicted_by_files(
    manifest: &Manifest,
    folder: &dyn Folder,
    files: &[FileCheck],
) -> Vec<Contradiction> {
    // The submission file first.
    let doc = ACCOUNTED
        .iter()
        .filter_map(|name| files.iter().find(|f| f.file == *name))
        .filter(|f| f.archived_sha256.is_some() && f.archived_sha256 == f.expected_sha256)
        .find_map(|f| {
            crate::audit::load_document(folder, &f.file)
                .ok()
                .map(|d| (f.file.clone(), d))
        });
    let Some((file, doc)) = doc else {
        return Vec::new();
    };
    let id = &doc.ret.identity;
    [
        (
            "period",
            "period",
            manifest.period.clone(),
            id.period.to_string(),
        ),
        (
            "provisional",
            "provisional mark",
            manifest.provisional.to_string(),
            id.provisional.to_string(),
        ),
        (
            "generated_at",
            "generation time",
            manifest.generated_at.clone(),
            id.generated_at.clone(),
        ),
    ]
    .into_iter()
    .filter(|(_, _, recorded, in_file)| recorded != in_file)
    .map(|(field, words, recorded, in_file)| Contradiction {
        headline: format!("the manifest's {words} ({field}) is not the one its files record"),
        reason: format!(
            "the manifest records its {words} ({field}) as {}, but the archived {file}, as the \
             manifest records it, holds {}: the manifest was changed after the build",
            record::quoted(&recorded),
            record::quoted(&in_file)
        ),
    })
    .collect()
}

/// The definitions' hash the manifest records, when it is not that of the definitions used now.
pub fn definitions_changed(d: &Difference, version: &str) -> Option<String> {
    match d {
        Difference::Changed {
            path,
            archived,
            rebuilt,
        } if path.pattern() == "definitions.sha256" => Some(format!(
            "the manifest records the definitions {version} with SHA-256 {}, but the definitions \
             used now have {}: they changed since the return was built (give --definitions the \
             folder it was built with), or the manifest was changed",
            record::shown(archived),
            record::shown(rebuilt)
        )),
        _ => None,
    }
}
