//! From a validated export to the return's files: aggregate, check the figures hang together,
//! write the workbook, XML and JSON, and describe them in a manifest.
//!
//! This is pure: no file is read or written here, so `build` and `reproduce` share it and a
//! rebuild from the same input, period, definitions and generation time is byte-identical.
//!
//! One module per file format; each holds its writer and the reader that `audit` uses to read
//! a finished return back, so the two cannot drift apart.

pub mod json;
pub mod manifest;
pub mod summary;
pub mod template;
pub mod workbook;
pub mod xml;

use crate::date::Timestamp;
use crate::definitions::Definitions;
use crate::export::records::Export;
use crate::hash::sha256_hex;
use crate::kpi;
use crate::measures::{Identity, Return};
use crate::names::{RETURN_JSON, RETURN_XLSX, RETURN_XML};
use crate::period::Period;
use crate::write::manifest::{
    AcknowledgedQuery, DefinitionsRef, Input, MANIFEST_VERSION, Manifest, Output, ServiceRef, Tool,
};

/// What a build needs besides the export itself.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub period: Period,
    pub provisional: bool,
    pub generated_at: Timestamp,
    /// As recorded in the manifest (the archived copy's name, or the path given to `build`).
    pub input_path: String,
    pub input_sha256: String,
    pub input_bytes: u64,
    pub acknowledged: &'a [AcknowledgedQuery],
}

/// A built return: its figures, its files (name, bytes) and the manifest describing them.
#[derive(Debug)]
pub struct Built {
    pub ret: Return,
    pub files: Vec<(&'static str, Vec<u8>)>,
    pub manifest: Manifest,
}

impl Built {
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, b)| b.as_slice())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the export has no Service row, so the return cannot name its YJS")]
    NoService,
    #[error(
        "the figures do not hang together, which is a fault in this tool, not in your data; \
         please report it with the export's definitions version ({version}):\n  {}",
        problems.join("\n  ")
    )]
    Inconsistent {
        version: String,
        problems: Vec<String>,
    },
    #[error("the return template is unusable: {0}")]
    Template(String),
    #[error(
        "the return workbook could not be made, which is a fault in this tool, not in your \
         data: please report it ({0})"
    )]
    Workbook(String),
}

/// The warnings of a validated export acknowledged with an explanation: they travel into the
/// manifest and the workbook's notes.
pub fn acknowledged(v: &crate::validate::Validation) -> Vec<AcknowledgedQuery> {
    v.findings
        .iter()
        .filter_map(|f| {
            Some(AcknowledgedQuery {
                code: f.code.clone(),
                sheet: f.sheet.clone().unwrap_or_default(),
                row: f.row,
                column: f.column.clone(),
                explanation: f.acknowledged.clone()?,
            })
        })
        .collect()
}

/// The explanations of acknowledged queries as they appear in the workbook's notes.
pub fn notes(acknowledged: &[AcknowledgedQuery]) -> Vec<String> {
    acknowledged
        .iter()
        .map(|a| {
            let mut at = a.sheet.clone();
            if let Some(row) = a.row {
                at.push_str(&format!(" row {row}"));
            }
            if let Some(col) = &a.column {
                at.push_str(&format!(" {col}"));
            }
            format!("{} at {at}: {}", a.code, a.explanation)
        })
        .collect()
}

/// Aggregates the export for the period and writes every output in memory.
pub fn build(export: &Export, defs: &Definitions, req: &Request) -> Result<Built, BuildError> {
    let service = export.service.as_ref().ok_or(BuildError::NoService)?;
    let codes = kpi::Codes::from_definitions(defs);
    let measures = kpi::compute(export, req.period, &codes);
    let problems = kpi::invariants::check(&measures);
    if !problems.is_empty() {
        return Err(BuildError::Inconsistent {
            version: defs.version.clone(),
            problems: problems.into_iter().map(|p| p.message).collect(),
        });
    }
    let identity = Identity {
        yjs_code: service.yjs_code.to_string(),
        yjs_name: service.yjs_name.to_string(),
        nation: service.nation.code().to_string(),
        population_10_17: service.population_10_17,
        period: req.period,
        provisional: req.provisional,
        definitions_version: defs.version.clone(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        input_sha256: req.input_sha256.clone(),
        generated_at: req.generated_at.to_string(),
    };
    let ret = Return { identity, measures };
    let layout = crate::write::template::Layout::load(defs)
        .map_err(|e| BuildError::Template(e.to_string()))?;
    let xlsx = crate::write::workbook::return_workbook(&ret, &layout, &notes(req.acknowledged))
        .map_err(|e| BuildError::Workbook(e.to_string()))?;
    let files = vec![
        (RETURN_XLSX, xlsx),
        (RETURN_XML, crate::write::xml::return_xml(&ret)),
        (
            RETURN_JSON,
            crate::write::json::return_json(&ret).into_bytes(),
        ),
    ];
    let manifest = Manifest {
        manifest_version: MANIFEST_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        definitions: DefinitionsRef {
            version: defs.version.clone(),
            sha256: defs.hash.clone(),
        },
        period: req.period.to_string(),
        provisional: req.provisional,
        generated_at: req.generated_at.to_string(),
        input: Input {
            path: req.input_path.clone(),
            sha256: req.input_sha256.clone(),
            bytes: req.input_bytes,
        },
        identity: ServiceRef {
            yjs_code: service.yjs_code.to_string(),
            yjs_name: service.yjs_name.to_string(),
            nation: service.nation.code().to_string(),
        },
        acknowledged: req.acknowledged.to_vec(),
        outputs: files
            .iter()
            .map(|(name, bytes)| Output {
                file: name.to_string(),
                sha256: sha256_hex(bytes),
            })
            .collect(),
    };
    Ok(Built {
        ret,
        files,
        manifest,
    })
}
