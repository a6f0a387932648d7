//! The definitions of one reporting year: the export's sheets and their JSON Schemas, the
//! rule catalogue, and the return's templates.
//!
//! They are data (`schemas/<version>/`, `templates/<version>/`), embedded in the binary at
//! build time; `--definitions DIR` points at a folder laid out the same way, for a newer year
//! than the binary knows. A past return is always rebuilt with the version it was built with.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::period::Period;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// Where definitions come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The files built into the binary.
    Embedded,
    /// A folder holding `schemas/<version>/` and `templates/<version>/`.
    Folder(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum DefinitionsError {
    #[error("no definitions for {0}: this tool knows {1}")]
    UnknownVersion(String, String),
    #[error("no definitions cover {period}: the earliest this tool knows is {earliest}")]
    NoneForPeriod { period: Period, earliest: String },
    #[error("cannot read the definitions folder {0}: {1}")]
    Folder(PathBuf, std::io::Error),
    #[error("definitions file {0} is missing")]
    Missing(String),
    #[error("definitions file {0} is not valid: {1}")]
    Invalid(String, String),
}

/// The type of a column, which decides how its cells are read (the schemas' `x-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    Text,
    Code,
    Date,
    Yesno,
    Integer,
    Number,
    Period,
}

#[derive(Debug, Clone)]
pub struct ColumnDef {
    pub name: String,
    pub kind: ColumnType,
    /// Normalised header spellings that also mean this column.
    pub aliases: Vec<String>,
    /// Recorded at the end of an intervention: ignored while it is open.
    pub at_end: bool,
    /// The code list, for code columns.
    pub codes: Vec<String>,
}

pub struct SheetDef {
    pub name: String,
    pub required: bool,
    /// Normalised sheet-name spellings that also mean this sheet.
    pub aliases: Vec<String>,
    pub columns: Vec<ColumnDef>,
    pub schema: Value,
    pub validator: jsonschema::Validator,
}

impl std::fmt::Debug for SheetDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SheetDef")
            .field("name", &self.name)
            .field("columns", &self.columns.len())
            .finish()
    }
}

impl SheetDef {
    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
    Fatal,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "NOTE",
            Severity::Warning => "WARNING",
            Severity::Error => "ERROR",
            Severity::Fatal => "FATAL",
        }
    }
}

/// One entry of the rule catalogue (`rules.json`).
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct RuleDef {
    pub code: String,
    pub severity: Severity,
    /// The sheets the rule reads; empty for rules about the file itself.
    pub sheets: Vec<String>,
    pub title: String,
    pub fix: String,
}

#[derive(Deserialize)]
struct ExportIndex {
    definitions_version: String,
    sheets: Vec<SheetIndex>,
}

#[derive(Deserialize)]
struct SheetIndex {
    name: String,
    schema: String,
    required: bool,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Deserialize)]
struct RulesFile {
    rules: Vec<RuleDef>,
}

/// One definitions version, loaded and compiled once.
#[derive(Debug)]
pub struct Definitions {
    pub version: String,
    /// SHA-256 over this version's files (paths and contents), named in every report.
    pub hash: String,
    pub sheets: Vec<SheetDef>,
    pub rules: Vec<RuleDef>,
    files: BTreeMap<String, Vec<u8>>,
}

impl Definitions {
    /// The versions a source holds, oldest first.
    pub fn versions(source: &Source) -> Result<Vec<String>, DefinitionsError> {
        let files = all_files(source)?;
        let mut versions: Vec<String> = files
            .keys()
            .filter_map(|p| p.strip_prefix("schemas/"))
            .filter_map(|p| p.strip_suffix("/export.json"))
            .map(str::to_string)
            .collect();
        versions.sort();
        Ok(versions)
    }

    /// The definitions in force for a period: the newest version not after its financial year.
    pub fn for_period(source: &Source, period: Period) -> Result<Definitions, DefinitionsError> {
        let versions = Definitions::versions(source)?;
        let year = period.year_label();
        match versions.iter().rev().find(|v| **v <= year) {
            Some(v) => Definitions::load(source, v),
            None => Err(DefinitionsError::NoneForPeriod {
                period,
                earliest: versions.first().cloned().unwrap_or_default(),
            }),
        }
    }

    /// The newest version a source holds.
    pub fn latest(source: &Source) -> Result<Definitions, DefinitionsError> {
        let versions = Definitions::versions(source)?;
        let newest = versions
            .last()
            .ok_or_else(|| DefinitionsError::Missing("schemas/<version>/export.json".into()))?;
        Definitions::load(source, newest)
    }

    pub fn load(source: &Source, version: &str) -> Result<Definitions, DefinitionsError> {
        let all = all_files(source)?;
        let prefixes = [
            format!("schemas/{version}/"),
            format!("templates/{version}/"),
        ];
        let files: BTreeMap<String, Vec<u8>> = all
            .into_iter()
            .filter(|(p, _)| prefixes.iter().any(|pre| p.starts_with(pre.as_str())))
            .collect();
        if !files.contains_key(&format!("schemas/{version}/export.json")) {
            let known = Definitions::versions(source)?.join(", ");
            return Err(DefinitionsError::UnknownVersion(version.to_string(), known));
        }
        let mut hasher = Sha256::new();
        for (path, bytes) in &files {
            hasher.update(path.as_bytes());
            hasher.update([0]);
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        }
        let hash = crate::hex(&hasher.finalize());

        let read_json = |rel: &str| -> Result<Value, DefinitionsError> {
            let path = format!("schemas/{version}/{rel}");
            let bytes = files
                .get(&path)
                .ok_or_else(|| DefinitionsError::Missing(path.clone()))?;
            serde_json::from_slice(bytes)
                .map_err(|e| DefinitionsError::Invalid(path, e.to_string()))
        };
        let index: ExportIndex = serde_json::from_value(read_json("export.json")?)
            .map_err(|e| DefinitionsError::Invalid("export.json".into(), e.to_string()))?;
        if index.definitions_version != version {
            return Err(DefinitionsError::Invalid(
                format!("schemas/{version}/export.json"),
                format!("it says it is version {}", index.definitions_version),
            ));
        }
        let rules: RulesFile = serde_json::from_value(read_json("rules.json")?)
            .map_err(|e| DefinitionsError::Invalid("rules.json".into(), e.to_string()))?;
        let mut sheets = Vec::new();
        for s in index.sheets {
            let schema = read_json(&s.schema)?;
            let invalid = |msg: String| DefinitionsError::Invalid(s.schema.clone(), msg);
            let columns = columns_of(&schema).map_err(invalid)?;
            let validator = jsonschema::draft202012::options()
                .should_validate_formats(true)
                .build(&schema)
                .map_err(|e| invalid(e.to_string()))?;
            sheets.push(SheetDef {
                aliases: s.aliases.iter().map(|a| normalise(a)).collect(),
                name: s.name,
                required: s.required,
                columns,
                schema,
                validator,
            });
        }
        Ok(Definitions {
            version: version.to_string(),
            hash,
            sheets,
            rules: rules.rules,
            files,
        })
    }

    /// A file of this version, by its path relative to the definitions root
    /// (e.g. `templates/2024-25/return-layout.json`).
    pub fn file(&self, rel: &str) -> Option<&[u8]> {
        self.files.get(rel).map(Vec::as_slice)
    }

    pub fn rule(&self, code: &str) -> Option<&RuleDef> {
        self.rules.iter().find(|r| r.code == code)
    }

    pub fn sheet(&self, name: &str) -> Option<&SheetDef> {
        self.sheets.iter().find(|s| s.name == name)
    }
}

/// Header and sheet-name matching: lower-case, trimmed, every run of spaces, `_` and `-`
/// turned into one `_` (`Child ID`, `child_id` and `CHILD-ID` are one column).
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending = false;
    for ch in name.trim().chars() {
        if ch.is_whitespace() || ch == '_' || ch == '-' {
            pending = true;
        } else {
            if pending && !out.is_empty() {
                out.push('_');
            }
            pending = false;
            out.extend(ch.to_lowercase());
        }
    }
    if pending {
        out.push('_');
    }
    out
}

fn columns_of(schema: &Value) -> Result<Vec<ColumnDef>, String> {
    let props = schema
        .get("properties")
        .and_then(Value::as_object)
        .ok_or("it has no properties")?;
    props
        .iter()
        .map(|(name, p)| {
            let kind = p
                .get("x-type")
                .cloned()
                .ok_or_else(|| format!("column {name} has no x-type"))?;
            let kind: ColumnType = serde_json::from_value(kind)
                .map_err(|_| format!("column {name} has an unknown x-type"))?;
            let strings = |key: &str| -> Vec<String> {
                p.get(key)
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default()
            };
            Ok(ColumnDef {
                name: name.clone(),
                kind,
                aliases: strings("x-aliases").iter().map(|a| normalise(a)).collect(),
                at_end: p.get("x-at-end").and_then(Value::as_bool).unwrap_or(false),
                codes: strings("enum"),
            })
        })
        .collect()
}

fn all_files(source: &Source) -> Result<BTreeMap<String, Vec<u8>>, DefinitionsError> {
    match source {
        Source::Embedded => Ok(embedded::EMBEDDED
            .iter()
            .map(|(p, b)| ((*p).to_string(), b.to_vec()))
            .collect()),
        Source::Folder(dir) => {
            let mut files = BTreeMap::new();
            for top in ["schemas", "templates"] {
                read_tree(dir, &dir.join(top), &mut files)
                    .map_err(|e| DefinitionsError::Folder(dir.clone(), e))?;
            }
            Ok(files)
        }
    }
}

fn read_tree(
    root: &Path,
    dir: &Path,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> std::io::Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            read_tree(root, &path, files)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            files.insert(rel, std::fs::read(&path)?);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_headers() {
        for h in [
            "Child ID",
            "child_id",
            "CHILD-ID",
            "child  id",
            " Child__-ID ",
        ] {
            assert_eq!(normalise(h), "child_id", "{h}");
        }
        assert_eq!(normalise("ChildID"), "childid");
    }

    #[test]
    fn embedded_definitions_load_and_compile() {
        let defs = Definitions::load(&Source::Embedded, "2024-25").unwrap();
        assert_eq!(defs.sheets.len(), 7);
        assert_eq!(defs.hash.len(), 64);
        let iv = defs.sheet("Interventions").unwrap();
        assert!(iv.column("accommodation_type").unwrap().at_end);
        assert_eq!(
            iv.column("intervention_id").unwrap().aliases[1],
            "episode_id"
        );
    }

    #[test]
    fn picks_the_version_for_a_period() {
        let p: Period = "2025-26 Q1".parse().unwrap();
        assert_eq!(
            Definitions::for_period(&Source::Embedded, p)
                .unwrap()
                .version,
            "2024-25"
        );
        let old: Period = "2019-20 Q1".parse().unwrap();
        assert!(Definitions::for_period(&Source::Embedded, old).is_err());
        assert!(Definitions::load(&Source::Embedded, "2030-31").is_err());
    }

    #[test]
    fn every_schema_rule_is_in_the_catalogue() {
        let defs = Definitions::latest(&Source::Embedded).unwrap();
        for sheet in &defs.sheets {
            let text = sheet.schema.to_string();
            for part in text.split("\"x-rule\":\"").skip(1) {
                let code = &part[..4];
                assert!(defs.rule(code).is_some(), "{code} in {}", sheet.name);
            }
        }
    }
}
