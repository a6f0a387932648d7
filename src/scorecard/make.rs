//! Making a scorecard from what is on disk, in memory: read and check the archive, read the
//! service's CSVs, assemble, and render every file with its manifest. Shared by the
//! `scorecard` command (which writes the folder) and `reproduce` ([`super::reproduce`], which
//! compares), so neither calls the other. Nothing is written here.

use std::collections::BTreeMap;

use super::archive::{self, ArchiveError};
use super::indicators::{Catalogue, catalogue_path};
use super::inputs::{self, Targets};
use super::manifest::{
    CsvInput, KIND, Publication, ReturnUsed, SCORECARD_MANIFEST_VERSION, ScorecardManifest,
};
use super::{MAX_QUARTERS, MIN_QUARTERS, Paper, READ_BEFORE, Request, Scorecard};
use crate::date::Timestamp;
use crate::definitions::{Definitions, Source};
use crate::folder::Folder;
use crate::hash::sha256_hex;
use crate::names::{SCORECARD_HTML, SCORECARD_JSON, SCORECARD_XLSX};
use crate::period::Period;
use crate::write::manifest::{DefinitionsRef, Output, Tool};

/// The name of the scorecard's manifest in its folder.
pub const MANIFEST_JSON: &str = crate::names::MANIFEST_JSON;

/// A CSV read by the shell: how messages name it (its path as given), how the manifest
/// records where it came from, and its bytes.
#[derive(Debug, Clone)]
pub struct CsvSource {
    pub name: String,
    pub original: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Options {
    /// The archive as the manifest records it (the shell's absolute path of it).
    pub archive_path: String,
    pub to: Option<Period>,
    pub quarters: u32,
    pub targets: Option<CsvSource>,
    pub benchmarks: Option<CsvSource>,
    pub commentary: Option<CsvSource>,
    pub generated_at: Timestamp,
    pub source: Source,
    /// The day the scorecard is drawn, which `check` needs of every return it reads.
    pub today: crate::date::Date,
    /// The classification and publication copy's threshold (recorded in the manifest).
    pub paper: Paper,
}

/// A scorecard made in memory.
#[derive(Debug)]
pub struct Made {
    pub scorecard: Scorecard,
    /// The outputs, then the CSV copies, in the order the manifest lists them.
    pub files: Vec<(String, Vec<u8>)>,
    pub manifest: ScorecardManifest,
    /// Folders of the archive not read because they are almost named as its folders, then what
    /// `check` warned about on the returns read (a provisional return, a re-saved file).
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

/// Makes the scorecard of the archive `archive` (the folder `build --archive` fills).
pub fn make(o: &Options, archive: &dyn Folder) -> Result<Made, MakeError> {
    if !(MIN_QUARTERS..=MAX_QUARTERS).contains(&o.quarters) {
        return Err(MakeError::Unreadable(format!(
            "--quarters {} is outside 2 to 20: a direction needs two quarters, and five years is \
             as far back as a scorecard looks",
            o.quarters
        )));
    }
    let archive::Index {
        quarters: index,
        unread,
    } = archive::index(archive).map_err(|e| MakeError::Unreadable(e.to_string()))?;
    let latest = index.keys().next_back().copied();
    let to = match (o.to, latest) {
        (Some(to), _) => to,
        (None, Some(latest)) => latest,
        (None, None) => {
            return Err(MakeError::Unreadable(
                ArchiveError::Empty(archive.path()).to_string(),
            ));
        }
    };
    let mut problems = Vec::new();
    if !index.contains_key(&to) {
        let have: Vec<String> = index.keys().map(ToString::to_string).collect();
        problems.push(format!(
            "{} has no return for {to}, the quarter the scorecard runs to (--to); it has {}",
            archive.path(),
            have.join(", ")
        ));
    }
    let window = super::window(to, o.quarters);
    let first = window.first().copied().unwrap_or(to);
    let read = archive::read(
        archive,
        &index,
        (first.shift(-READ_BEFORE), to),
        &o.source,
        o.today,
    );
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
            csv_bytes.push((role, csv, csv.bytes.clone()));
        }
    }
    let mut targets = Targets::default();
    let mut benchmarks = Vec::new();
    let mut commentary = Vec::new();
    for (role, csv, bytes) in &csv_bytes {
        let text = crate::csv::decode(bytes);
        let file = csv.name.clone();
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
        paper: o.paper.clone(),
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
        archive: o.archive_path.clone(),
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
        classification: o.paper.classification.clone(),
        publication: o.paper.publication.map(|p| Publication {
            suppress_below: p.below,
        }),
    };
    Ok(Made {
        scorecard,
        files,
        manifest,
        warnings: unread.into_iter().chain(archive.warnings).collect(),
    })
}
