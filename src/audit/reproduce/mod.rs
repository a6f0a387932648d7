//! Reproducing a past return from its manifest: the archived input rebuilt with the
//! manifest's period, provisional mark, definitions, generation time and acknowledged queries,
//! and every file the build writes held against the manifest and the archived copy beside it.
//!
//! "Reproduced" means all of: the input is the one the manifest records, every file the build
//! writes is listed in the manifest, and for each of them the rebuild, the manifest's SHA-256
//! and the archived file beside the manifest are one and the same, and the manifest is, field
//! by field, the one the rebuild writes. Anything less is "NOT reproduced", said on the first
//! line ([`verdict::headline`]), with a figure-by-figure account of every archived file read
//! back against the rebuild.
//!
//! The shell reads the manifest ([`read_manifest`] tells it where the input is and which
//! definitions to load), the input and the definitions; the archived outputs are read through
//! the manifest's [`Folder`].

pub mod verdict;

use crate::audit::diff;
use crate::audit::record::{self, Difference};
use crate::date::{Date, Timestamp};
use crate::definitions::Definitions;
use crate::folder::{Folder, Kind, Why};
use crate::hash::sha256_hex;
use crate::names::MANIFEST_JSON;
use crate::period::{Period, PeriodError};
use crate::progress::Progress;
use crate::text::cut;
use crate::validate::Validation;
use crate::validate::input::LoadError;
use crate::write::manifest::Manifest;
use crate::write::{self, BuildError, Built, Request};
use verdict::{
    ACCOUNTED, Account, BOTH_CHANGED, FileCheck, Outcome, contradicted_by_files,
    definitions_changed, headline,
};

/// A return's manifest as reproduction reads it: leniently enough to rebuild from (a key given
/// twice keeps its last value, a field no build writes is ignored), then held to the rebuild's
/// own manifest field by field.
#[derive(Debug)]
pub struct Recorded {
    json: record::Json,
    pub manifest: Manifest,
    pub period: Period,
    pub generated_at: Timestamp,
}

/// Why a manifest cannot be reproduced from at all.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error(
        "not a manifest written by build: give the manifest.json of a built return, or its folder"
    )]
    NotAManifest,
    #[error("the period it records cannot be read: {0}")]
    Period(PeriodError),
    #[error("generated_at {0:?} is not a UTC time like 2024-10-21T09:30:00Z")]
    GeneratedAt(String),
}

/// Reads a return's manifest for reproduction.
pub fn read_manifest(text: &str) -> Result<Recorded, RecordError> {
    let json = record::read_json(text).map_err(|_| RecordError::NotAManifest)?;
    let manifest: Manifest =
        serde_json::from_value(json.value.clone()).map_err(|_| RecordError::NotAManifest)?;
    let period = manifest.period.parse().map_err(RecordError::Period)?;
    let generated_at = Timestamp::parse(&manifest.generated_at)
        .ok_or_else(|| RecordError::GeneratedAt(cut(&manifest.generated_at).into_owned()))?;
    Ok(Recorded {
        json,
        manifest,
        period,
        generated_at,
    })
}

/// What a reproduction is given beside the manifest.
pub struct Given<'a> {
    /// The manifest's folder, holding the archived files.
    pub folder: &'a dyn Folder,
    /// The input, read from where the manifest says, and how messages name it.
    pub input: &'a [u8],
    pub input_shown: String,
    /// The definitions of the version the manifest names.
    pub defs: &'a Definitions,
    /// The day of the reproduction (the export's extract date cannot be after it).
    pub today: Date,
    pub progress: Progress,
}

/// The outcome of a reproduction.
#[derive(Debug)]
pub enum Reproduction {
    /// The archived input no longer validates (another definitions folder, say): not
    /// reproduced, with what was found so far and the validation's findings.
    InputInvalid {
        outcome: Outcome,
        validation: Box<Validation>,
    },
    /// Rebuilt and compared: `outcome` says whether it was reproduced; `built` is the rebuild.
    Compared { outcome: Outcome, built: Box<Built> },
}

/// What stops a reproduction from being attempted.
#[derive(Debug, thiserror::Error)]
pub enum ReproduceError {
    /// The input cannot be read as an export.
    #[error("{0}")]
    Input(LoadError),
    #[error("{shown}: {message}")]
    Export { shown: String, message: String },
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error("the return template is unusable: {0}")]
    Template(String),
}

/// Rebuilds the return a manifest records and compares it with the manifest and the archive.
pub fn reproduce(r: &Recorded, g: &Given<'_>) -> Result<Reproduction, ReproduceError> {
    let manifest = &r.manifest;
    let manifest_shown = g.folder.shown(MANIFEST_JSON);
    let mut outcome = Outcome {
        manifest: manifest_shown.clone(),
        input: g.input_shown.clone(),
        ..Outcome::default()
    };
    let found = sha256_hex(g.input);
    let same_input = found == manifest.input.sha256;
    let same_tool = manifest.tool.version == env!("CARGO_PKG_VERSION");
    let same_definitions = g.defs.hash == manifest.definitions.sha256;
    if !same_input {
        outcome.reasons.push(format!(
            "the input has changed since the return was built (or the manifest's record of it \
             was altered): the manifest expects SHA-256 {}, the file {} has {found}",
            record::hash(&manifest.input.sha256),
            g.input_shown
        ));
    }

    // The notes in the rebuilt workbook come from the manifest's acknowledged queries,
    // whatever the sidecar beside the input says today.
    let v = crate::validate::input::validate_bytes(
        g.input,
        g.defs,
        &crate::validate::Options {
            period: Some(r.period),
            provisional: manifest.provisional,
            progress: g.progress.clone(),
            today: Some(g.today),
        },
        None,
        crate::validate::Cells::Drop,
    )
    .map_err(ReproduceError::Input)?;
    if v.internal_failures() > 0 || v.has_errors() {
        outcome.headline = "NOT reproduced: the archived input no longer validates".to_string();
        return Ok(Reproduction::InputInvalid {
            outcome,
            validation: Box::new(v),
        });
    }
    let export = v.export().map_err(|e| ReproduceError::Export {
        shown: g.input_shown.clone(),
        message: e.to_string(),
    })?;
    let request = Request {
        period: r.period,
        provisional: manifest.provisional,
        generated_at: r.generated_at,
        input_path: manifest.input.path.clone(),
        input_sha256: found.clone(),
        input_bytes: g.input.len() as u64,
        acknowledged: &manifest.acknowledged,
    };
    let built = write::build(&export, g.defs, &request)?;

    // Every file the build writes, against the manifest and the archive.
    let mut file_reasons = Vec::new();
    for (name, rebuilt) in &built.files {
        let rebuilt = sha256_hex(rebuilt);
        let expected = manifest.output(name).map(|o| o.sha256.clone());
        let read = g.folder.read(name, Kind::ReturnFile);
        let unreadable = match &read {
            Err(e) if e.why != Why::Missing => Some(e.to_string()),
            _ => None,
        };
        let archived = read.ok().map(|b| sha256_hex(&b));
        let identical =
            expected.as_deref() == Some(rebuilt.as_str()) && archived.as_ref() == expected.as_ref();
        match (&expected, &archived) {
            (None, _) => file_reasons.push(format!(
                "{manifest_shown} does not record {name}, so it cannot show what was built"
            )),
            (Some(_), None) => file_reasons.push(match &unreadable {
                Some(why) => format!("the archived {name} cannot be read: {why}"),
                None => format!("the archived {name} is missing beside the manifest"),
            }),
            (Some(e), Some(a)) if a != e => file_reasons.push(format!(
                "the archived {name} has been changed since it was built (its SHA-256 is not \
                 the one the manifest records)"
            )),
            (Some(e), Some(_)) if *e != rebuilt && same_input && same_tool && same_definitions => {
                file_reasons.push(format!(
                    "the archived {name} {BOTH_CHANGED}: the same input, tool version and \
                     definitions build a different file, so the archive was altered"
                ))
            }
            _ => {}
        }
        outcome.files.push(FileCheck {
            file: name.to_string(),
            expected_sha256: expected.map(crate::text::cut_owned),
            rebuilt_sha256: rebuilt,
            archived_sha256: archived,
            unreadable,
            identical,
        });
    }
    let all_identical = outcome.files.iter().all(|f| f.identical);
    let tool =
        manifest
            .tool
            .other_than(&built.manifest.tool, "the return was built", all_identical);
    // All files as rebuilt, yet the manifest names another tool: the manifest was altered.
    let tool_altered = all_identical && tool.is_some();
    let differing: Vec<&str> = outcome
        .files
        .iter()
        .filter(|f| !f.identical)
        .map(|f| f.file.as_str())
        .collect();
    // What the rebuild records differently because of what is said already: the changed input
    // (its hash, size and identity, and so every output), another tool, an output that differs
    // or that the manifest does not record.
    let unrecorded = outcome.files.iter().any(|f| f.expected_sha256.is_none());
    let said = |d: &Difference| match d.path().pattern().as_str() {
        "tool.name" | "tool.version" => tool.is_some(),
        "outputs" | "outputs.file" => unrecorded,
        "input.sha256" | "input.bytes" => !same_input,
        p if p.starts_with("identity.") => !same_input,
        "outputs.sha256" => {
            !same_input
                || d.path()
                    .index()
                    .and_then(|i| manifest.outputs.get(i))
                    .is_some_and(|o| differing.contains(&o.file.as_str()))
        }
        _ => false,
    };
    let record = record::Held::new(
        &r.json,
        &serde_json::to_value(&built.manifest).expect("serialisable"),
        said,
        |d| definitions_changed(d, &g.defs.version).unwrap_or_else(|| d.reason()),
    );
    // A field the rebuild takes from the manifest (the period, the provisional mark, the
    // generation time) that the archived files, as recorded, contradict: the manifest was
    // changed, not the files.
    let contradicted = if same_input && !all_identical {
        contradicted_by_files(manifest, g.folder, &outcome.files)
    } else {
        Vec::new()
    };
    if !contradicted.is_empty() {
        file_reasons.retain(|r| !r.contains(BOTH_CHANGED));
    }
    let first_record = record
        .headline
        .clone()
        .or_else(|| contradicted.first().map(|c| c.headline.clone()));
    outcome.reasons.extend(tool);
    outcome.reasons.extend(record.reasons.iter().cloned());
    outcome
        .reasons
        .extend(contradicted.into_iter().map(|c| c.reason));
    outcome.reasons.extend(file_reasons);
    outcome.reproduced = same_input && all_identical && !tool_altered && record.agrees();
    if !outcome.reproduced {
        outcome.headline = headline(&outcome, same_input, tool_altered, first_record);
        let layout = crate::write::template::Layout::load(g.defs)
            .map_err(|e| ReproduceError::Template(e.to_string()))?;
        for name in ACCOUNTED {
            if g.folder.entry(name).is_none() {
                continue;
            }
            outcome
                .accounts
                .push(match crate::audit::load_document(g.folder, name) {
                    Ok(doc) => Account {
                        file: name.to_string(),
                        unreadable: None,
                        figures: Some(diff::diff(&doc.ret, &built.ret, &layout)),
                    },
                    Err(f) => Account {
                        file: name.to_string(),
                        unreadable: Some(f.message),
                        figures: None,
                    },
                });
        }
        if outcome.reasons.is_empty() {
            outcome.reasons.push(
                "the same input, tool and definitions gave different files: please report \
                 this as a fault in the tool"
                    .to_string(),
            );
        }
    } else {
        outcome.headline =
            "Reproduced: every output is byte-for-byte what the manifest records.".to_string();
    }
    Ok(Reproduction::Compared {
        outcome,
        built: Box::new(built),
    })
}
