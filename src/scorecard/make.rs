//! Making a scorecard from what is on disk, in memory: read and check the archive, read the
//! service's CSVs, assemble, and render every file with its manifest. Shared by the
//! `scorecard` command (which writes the folder) and `reproduce` (which compares), so neither
//! calls the other. Nothing is written here.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::archive::{self, ArchiveError};
use super::indicators::{Catalogue, catalogue_path};
use super::inputs::{self, Targets};
use super::manifest::{CsvInput, KIND, ReturnUsed, SCORECARD_MANIFEST_VERSION, ScorecardManifest};
use super::{
    MAX_QUARTERS, MIN_QUARTERS, READ_BEFORE, Request, SCORECARD_HTML, SCORECARD_JSON,
    SCORECARD_XLSX, Scorecard,
};
use crate::date::Timestamp;
use crate::definitions::{Definitions, Source};
use crate::period::Period;
use crate::sha256_hex;
use crate::write::manifest::{DefinitionsRef, Output, Tool};

/// The name of the scorecard's manifest in its folder.
pub const MANIFEST_JSON: &str = crate::write::MANIFEST_JSON;

/// A CSV to read: where from, and how the manifest names where it came from.
#[derive(Debug, Clone)]
pub struct CsvSource {
    pub path: PathBuf,
    pub original: String,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub archive: PathBuf,
    pub to: Option<Period>,
    pub quarters: u32,
    pub targets: Option<CsvSource>,
    pub benchmarks: Option<CsvSource>,
    pub commentary: Option<CsvSource>,
    pub generated_at: Timestamp,
    pub source: Source,
}

/// A scorecard made in memory.
#[derive(Debug)]
pub struct Made {
    pub scorecard: Scorecard,
    /// The outputs, then the CSV copies, in the order the manifest lists them.
    pub files: Vec<(String, Vec<u8>)>,
    pub manifest: ScorecardManifest,
    /// What `check` warned about on the returns read (a provisional return, a re-saved file).
    pub warnings: Vec<String>,
}

impl Made {
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MakeError {
    /// The input could not be read or the command was misused (exit 2).
    #[error("{0}")]
    Unreadable(String),
    /// An input has errors (exit 1): each a sentence naming its file or folder.
    #[error("{}", .0.join("\n"))]
    Invalid(Vec<String>),
}

fn read_csv(csv: &CsvSource) -> Result<Vec<u8>, MakeError> {
    crate::files::read(&csv.path, crate::files::Kind::Csv)
        .map_err(|e| MakeError::Unreadable(format!("cannot read {}: {e}", csv.path.display())))
}

/// The indicator catalogue of a definitions version.
fn catalogue(source: &Source, version: &str) -> Result<(Catalogue, String), MakeError> {
    let defs = Definitions::load_shared(source, version)
        .map_err(|e| MakeError::Unreadable(e.to_string()))?;
    let path = catalogue_path(version);
    let bytes = defs.file(&path).ok_or_else(|| {
        MakeError::Unreadable(format!(
            "the definitions {version} have no {path}, so they cannot make a scorecard"
        ))
    })?;
    let c = Catalogue::parse(bytes, &path).map_err(|e| MakeError::Unreadable(e.to_string()))?;
    Ok((c, defs.hash.clone()))
}

pub fn make(o: &Options) -> Result<Made, MakeError> {
    if !(MIN_QUARTERS..=MAX_QUARTERS).contains(&o.quarters) {
        return Err(MakeError::Unreadable(format!(
            "--quarters {} is outside 2 to 20: a direction needs two quarters, and five years is \
             as far back as a scorecard looks",
            o.quarters
        )));
    }
    let index = archive::index(&o.archive).map_err(|e| MakeError::Unreadable(e.to_string()))?;
    let latest = index.keys().next_back().copied();
    let to = match (o.to, latest) {
        (Some(to), _) => to,
        (None, Some(latest)) => latest,
        (None, None) => {
            return Err(MakeError::Unreadable(
                ArchiveError::Empty(o.archive.clone()).to_string(),
            ));
        }
    };
    let mut problems = Vec::new();
    if !index.contains_key(&to) {
        let have: Vec<String> = index.keys().map(ToString::to_string).collect();
        problems.push(format!(
            "{} has no return for {to}, the quarter the scorecard runs to (--to); it has {}",
            o.archive.display(),
            have.join(", ")
        ));
    }
    let window = super::window(to, o.quarters);
    let first = window.first().copied().unwrap_or(to);
    let read = archive::read(&o.archive, &index, first.shift(-READ_BEFORE), to, &o.source);
    let archive = match read {
        Ok(a) => Some(a),
        Err(ArchiveError::Problems(p)) => {
            problems.extend(p);
            None
        }
        Err(e) => return Err(MakeError::Unreadable(e.to_string())),
    };

    // Every definitions version the returns were built with, and the one in force at --to (the
    // CSVs are read against its indicators).
    let to_version = match archive.as_ref().and_then(|a| a.returns.get(&to)) {
        Some(f) => f.ret.identity.definitions_version.clone(),
        None => {
            Definitions::for_period(&o.source, to)
                .map_err(|e| MakeError::Unreadable(e.to_string()))?
                .version
        }
    };
    let mut versions: Vec<String> = archive
        .iter()
        .flat_map(|a| a.returns.values())
        .map(|f| f.ret.identity.definitions_version.clone())
        .collect();
    versions.push(to_version.clone());
    versions.sort();
    versions.dedup();
    let mut catalogues = BTreeMap::new();
    let mut hashes = Vec::new();
    for v in &versions {
        let (c, hash) = catalogue(&o.source, v)?;
        catalogues.insert(v.clone(), c);
        hashes.push(DefinitionsRef {
            version: v.clone(),
            sha256: hash,
        });
    }
    let current = &catalogues[&to_version];

    let mut csv_bytes: Vec<(&str, &CsvSource, Vec<u8>)> = Vec::new();
    for (role, csv) in [
        ("targets", &o.targets),
        ("benchmarks", &o.benchmarks),
        ("commentary", &o.commentary),
    ] {
        if let Some(csv) = csv {
            csv_bytes.push((role, csv, read_csv(csv)?));
        }
    }
    let mut targets = Targets::default();
    let mut benchmarks = Vec::new();
    let mut commentary = Vec::new();
    for (role, csv, bytes) in &csv_bytes {
        let text = crate::csv::decode(bytes);
        let file = csv.path.display().to_string();
        let located = |errors: Vec<inputs::CsvError>| -> Vec<String> {
            errors.iter().map(ToString::to_string).collect()
        };
        match *role {
            "targets" => match inputs::parse_targets(&text, &file, current) {
                Ok(t) => targets = t,
                Err(e) => problems.extend(located(e)),
            },
            "benchmarks" => match inputs::parse_benchmarks(&text, &file, current) {
                Ok(b) => benchmarks = b,
                Err(e) => problems.extend(located(e)),
            },
            _ => match inputs::parse_commentary(&text, &file, current) {
                Ok(c) => commentary = c,
                Err(e) => problems.extend(located(e)),
            },
        }
    }
    let Some(archive) = archive.filter(|_| problems.is_empty()) else {
        return Err(MakeError::Invalid(problems));
    };
    let generated_at = o.generated_at.to_string();
    let req = Request {
        archive: &archive,
        catalogues: &catalogues,
        to,
        quarters: o.quarters,
        targets: &targets,
        benchmarks: &benchmarks,
        commentary: &commentary,
        generated_at: generated_at.clone(),
    };
    let scorecard = super::assemble(&req).map_err(|e| MakeError::Invalid(vec![e.to_string()]))?;
    let xlsx = super::xlsx::scorecard_xlsx(&scorecard)
        .map_err(|e| MakeError::Unreadable(format!("cannot write the scorecard workbook: {e}")))?;
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (SCORECARD_XLSX.to_string(), xlsx),
        (
            SCORECARD_HTML.to_string(),
            super::html::scorecard_html(&scorecard).into_bytes(),
        ),
        (
            SCORECARD_JSON.to_string(),
            super::json::scorecard_json(&scorecard).into_bytes(),
        ),
    ];
    let outputs = files
        .iter()
        .map(|(name, bytes)| Output {
            file: name.clone(),
            sha256: sha256_hex(bytes),
        })
        .collect();
    let mut inputs = Vec::new();
    for (role, csv, bytes) in csv_bytes {
        let file = format!("{role}.csv");
        inputs.push(CsvInput {
            role: role.to_string(),
            file: file.clone(),
            original: csv.original.clone(),
            sha256: sha256_hex(&bytes),
        });
        files.push((file, bytes));
    }
    let manifest = ScorecardManifest {
        kind: KIND.to_string(),
        manifest_version: SCORECARD_MANIFEST_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        definitions: hashes,
        generated_at,
        archive: crate::files::resolved_for_record(&o.archive),
        to: to.to_string(),
        quarters: o.quarters,
        returns: scorecard
            .sources
            .iter()
            .map(|s| ReturnUsed {
                period: s.period.to_string(),
                folder: s.folder.clone(),
                manifest_sha256: s.manifest_sha256.clone(),
            })
            .collect(),
        inputs,
        outputs,
    };
    Ok(Made {
        scorecard,
        files,
        manifest,
        warnings: archive.warnings,
    })
}

/// One output of a scorecard's manifest, and what the reproduction found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileCheck {
    pub file: String,
    pub expected_sha256: String,
    pub rebuilt_sha256: Option<String>,
    pub archived_sha256: Option<String>,
    pub identical: bool,
}

/// The outcome of reproducing a scorecard.
#[derive(Debug, Default, serde::Serialize)]
pub struct Reproduction {
    pub reproduced: bool,
    /// The first line of the answer: the verdict and, when not reproduced, the first reason.
    pub headline: String,
    pub manifest: String,
    pub reasons: Vec<String>,
    pub files: Vec<FileCheck>,
    /// Figures and statuses that differ between the archived scorecard.json and the rebuilt one.
    pub changes: Vec<String>,
    /// The rebuilt files (outputs and CSV copies), for `reproduce --out`.
    #[serde(skip)]
    pub rebuilt: Vec<(String, Vec<u8>)>,
}

/// Rebuilds a scorecard from its manifest: the same archive, window, CSV copies and generation
/// time. Errors are those of [`make`] (an input that no longer reads, or now has errors).
pub fn reproduce(manifest_path: &Path, source: &Source) -> Result<Reproduction, MakeError> {
    let folder = manifest_path
        .parent()
        .map_or_else(PathBuf::new, Path::to_path_buf);
    let text = std::fs::read_to_string(manifest_path).map_err(|e| {
        MakeError::Unreadable(format!(
            "cannot read {}: {}",
            manifest_path.display(),
            crate::io_words::reading(&e)
        ))
    })?;
    let m = ScorecardManifest::from_json(&text).map_err(|e| {
        MakeError::Unreadable(format!(
            "{} is not a scorecard manifest: {e}",
            manifest_path.display()
        ))
    })?;
    let bad = |field: &str, value: &str| {
        MakeError::Unreadable(format!(
            "{}: {field} {value:?} is not usable",
            manifest_path.display()
        ))
    };
    let to: Period = m.to.parse().map_err(|_| bad("to", &m.to))?;
    let generated_at =
        Timestamp::parse(&m.generated_at).ok_or_else(|| bad("generated_at", &m.generated_at))?;
    let mut out = Reproduction {
        manifest: manifest_path.display().to_string(),
        ..Reproduction::default()
    };
    let mut csv = |role: &str| -> Option<CsvSource> {
        let input = m.inputs.iter().find(|i| i.role == role)?;
        let path = folder.join(&input.file);
        match std::fs::read(&path) {
            Ok(b) if sha256_hex(&b) != input.sha256 => out.reasons.push(format!(
                "the copy of the {role} CSV beside the manifest ({}) has changed since the \
                 scorecard was made",
                input.file
            )),
            Ok(_) => {}
            Err(_) => out.reasons.push(format!(
                "the copy of the {role} CSV named by the manifest ({}) is missing",
                input.file
            )),
        }
        Some(CsvSource {
            path,
            original: input.original.clone(),
        })
    };
    let (targets, benchmarks, commentary) = (csv("targets"), csv("benchmarks"), csv("commentary"));
    let made = make(&Options {
        archive: PathBuf::from(&m.archive),
        to: Some(to),
        quarters: m.quarters,
        targets,
        benchmarks,
        commentary,
        generated_at,
        source: source.clone(),
    })?;
    for d in &m.definitions {
        if let Some(now) = made
            .manifest
            .definitions
            .iter()
            .find(|n| n.version == d.version)
            && now.sha256 != d.sha256
        {
            out.reasons.push(format!(
                "the definitions {} have changed since the scorecard was made",
                d.version
            ));
        }
    }
    for r in &m.returns {
        match made.manifest.returns.iter().find(|n| n.period == r.period) {
            Some(now) if now.folder != r.folder => out.reasons.push(format!(
                "{} now comes from {}, not {} (a resubmission was filed since)",
                r.period, now.folder, r.folder
            )),
            Some(now) if now.manifest_sha256 != r.manifest_sha256 => out.reasons.push(format!(
                "the archived return {} has changed since the scorecard was made (its manifest's \
                 SHA-256 is not the one recorded)",
                r.folder
            )),
            Some(_) => {}
            None => out.reasons.push(format!(
                "the archive no longer holds the {} return ({})",
                r.period, r.folder
            )),
        }
    }
    for now in &made.manifest.returns {
        if !m.returns.iter().any(|r| r.period == now.period) {
            out.reasons.push(format!(
                "the archive now holds a {} return ({}) that the scorecard did not use",
                now.period, now.folder
            ));
        }
    }
    for expected in &m.outputs {
        let rebuilt = made.file(&expected.file).map(sha256_hex);
        let archived = std::fs::read(folder.join(&expected.file))
            .ok()
            .map(|b| sha256_hex(&b));
        if archived.as_ref().is_some_and(|a| *a != expected.sha256) {
            out.reasons.push(format!(
                "the {} beside the manifest has been changed since it was made",
                expected.file
            ));
        }
        if archived.is_none() {
            out.reasons.push(format!(
                "the {} the manifest records is missing beside it",
                expected.file
            ));
        }
        out.files.push(FileCheck {
            file: expected.file.clone(),
            identical: rebuilt.as_deref() == Some(expected.sha256.as_str())
                && archived.as_deref() == Some(expected.sha256.as_str()),
            expected_sha256: expected.sha256.clone(),
            rebuilt_sha256: rebuilt,
            archived_sha256: archived,
        });
    }
    let all_identical = !out.files.is_empty() && out.files.iter().all(|f| f.identical);
    if let Some(reason) =
        m.tool
            .other_than(&made.manifest.tool, "the scorecard was made", all_identical)
    {
        out.reasons.insert(0, reason);
    }
    // Anything that differs from what was made (an input, an archived output, the manifest's
    // own record) means not reproduced, even when the rebuilt files match the manifest.
    out.reproduced = all_identical && out.reasons.is_empty();
    out.rebuilt = made.files.clone();
    if !out.reproduced {
        let archived = std::fs::read_to_string(folder.join(SCORECARD_JSON)).ok();
        let rebuilt = made
            .file(SCORECARD_JSON)
            .map(|b| String::from_utf8_lossy(b).into_owned());
        if let (Some(a), Some(b)) = (archived, rebuilt) {
            out.changes = json_changes(&a, &b);
        }
        if out.reasons.is_empty() {
            out.reasons.push(
                "the same archive, CSVs, tool and definitions gave different files: please \
                 report this as a fault in the tool"
                    .to_string(),
            );
        }
    }
    out.headline = out.headline();
    Ok(out)
}

/// The values and statuses that differ between two scorecard.json texts, one line each.
fn json_changes(archived: &str, rebuilt: &str) -> Vec<String> {
    let (Ok(a), Ok(b)) = (
        serde_json::from_str::<serde_json::Value>(archived),
        serde_json::from_str::<serde_json::Value>(rebuilt),
    ) else {
        return vec!["the archived scorecard.json cannot be read to compare figures".to_string()];
    };
    let empty = Vec::new();
    let list = |v: &serde_json::Value| v["indicators"].as_array().cloned().unwrap_or_default();
    let mut out = Vec::new();
    for new in list(&b) {
        let id = new["id"].as_str().unwrap_or_default();
        let old = list(&a).into_iter().find(|i| i["id"] == new["id"]);
        let Some(old) = old else {
            out.push(format!("{id}: not in the archived scorecard"));
            continue;
        };
        let old_values = old["values"].as_array().unwrap_or(&empty);
        for nv in new["values"].as_array().unwrap_or(&empty) {
            let ov = old_values.iter().find(|v| v["period"] == nv["period"]);
            for key in ["value", "rag", "vs_previous", "vs_last_year"] {
                let was = ov.map_or(serde_json::Value::Null, |v| v[key].clone());
                if was != nv[key] {
                    out.push(format!(
                        "{id} {}: {key} {was} -> {}",
                        nv["period"].as_str().unwrap_or_default(),
                        nv[key]
                    ));
                }
            }
        }
    }
    out
}

impl Reproduction {
    /// The verdict, and when it is not reproduced, the first reason why.
    fn headline(&self) -> String {
        if self.reproduced {
            return "Reproduced: every output is byte-for-byte what the manifest records."
                .to_string();
        }
        match self.reasons.first() {
            Some(first) => format!("NOT reproduced: {first}"),
            None => "NOT reproduced".to_string(),
        }
    }

    pub fn render_text(&self) -> String {
        let mut s = String::new();
        writeln!(s, "{}", self.headline).unwrap();
        writeln!(s, "Reproducing the scorecard of {}", self.manifest).unwrap();
        for f in &self.files {
            let verdict = if f.identical { "identical" } else { "DIFFERS" };
            writeln!(s, "  {:<16}{verdict}", f.file).unwrap();
        }
        if self.reproduced {
            return s;
        }
        writeln!(s, "Why:").unwrap();
        for r in &self.reasons {
            writeln!(s, "  - {r}").unwrap();
        }
        if !self.changes.is_empty() {
            writeln!(s, "\nWhat changed (archived -> rebuilt):").unwrap();
            for c in &self.changes {
                writeln!(s, "  {c}").unwrap();
            }
        }
        s
    }
}
