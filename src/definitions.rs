//! The definitions of one reporting year: the export's sheets and their JSON Schemas, the
//! rule catalogue, and the return's templates.
//!
//! They are data (`schemas/<version>/`, `templates/<version>/`), embedded in the binary at
//! build time; `--definitions DIR` points at a folder laid out the same way, for a newer year
//! than the binary knows. A past return is always rebuilt with the version it was built with.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::period::Period;
use crate::schema::{ColumnDef, ColumnType};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// Where definitions come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The files built into the binary.
    Embedded,
    /// The files of a folder laid out as the built-in ones (`schemas/<version>/...`,
    /// `templates/<version>/...`), read by the shell: each file's path inside the folder, with
    /// `/` between its parts, and its bytes. `folder` is the folder as its user named it.
    Files {
        folder: String,
        files: std::sync::Arc<BTreeMap<String, Vec<u8>>>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum DefinitionsError {
    #[error("no definitions for {0}: this tool knows {1}")]
    UnknownVersion(String, String),
    #[error(
        "no return can be made for {period}: the key performance indicators began in {earliest} \
         ({}), the first period any definitions cover",
        earliest.start().long()
    )]
    NoneForPeriod { period: Period, earliest: Period },
    #[error("the definitions folder {0} does not exist")]
    NoFolder(String),
    #[error("the definitions folder {0} holds no schemas/<version>/export.json")]
    EmptyFolder(String),
    /// The folder could not be read: the second part says why, in words.
    #[error("cannot read the definitions folder {0}: {1}")]
    Folder(String, String),
    #[error("definitions file {0} is missing")]
    Missing(String),
    #[error("definitions file {0} is not valid: {1}")]
    Invalid(String, String),
}

pub struct SheetDef {
    pub name: String,
    pub required: bool,
    /// Normalised sheet-name spellings that also mean this sheet.
    pub aliases: Vec<String>,
    /// Shared with every typed row of the sheet, which holds its values in this order.
    pub columns: Arc<[ColumnDef]>,
    /// The sheet's JSON Schema, the source of truth for its rules.
    pub schema: Value,
    /// The schema compiled into checks on typed rows, which validation applies.
    pub checks: crate::schema::checks::Compiled,
    /// The schema compiled by `jsonschema`, which proves it is valid JSON Schema (and against
    /// which the tests hold `checks`).
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
    /// The first period these definitions apply to.
    pub applies_from: Period,
    /// SHA-256 over this version's files (paths and contents), named in every report.
    pub hash: String,
    pub sheets: Vec<SheetDef>,
    pub rules: Vec<RuleDef>,
    files: BTreeMap<String, Vec<u8>>,
}

impl Definitions {
    /// The versions a source holds, oldest first.
    pub fn versions(source: &Source) -> Result<Vec<String>, DefinitionsError> {
        Ok(Definitions::catalogue(source)?
            .into_iter()
            .map(|(v, _)| v)
            .collect())
    }

    /// Every version a source holds with the first period it applies to, in the order they
    /// take over from one another (by that period).
    pub fn catalogue(source: &Source) -> Result<Vec<(String, Period)>, DefinitionsError> {
        let files = all_files(source)?;
        let mut versions = Vec::new();
        for (path, bytes) in &files {
            let Some(version) = path
                .strip_prefix("schemas/")
                .and_then(|p| p.strip_suffix("/export.json"))
            else {
                continue;
            };
            versions.push((version.to_string(), applies_from(path, bytes)?));
        }
        versions.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        if versions.is_empty()
            && let Source::Files { folder, .. } = source
        {
            return Err(DefinitionsError::EmptyFolder(folder.clone()));
        }
        Ok(versions)
    }

    /// The definitions in force for a period: the newest version whose first period is not
    /// later than it. A period before every version's first period is refused: the KPIs had
    /// not begun.
    pub fn for_period(source: &Source, period: Period) -> Result<Definitions, DefinitionsError> {
        let versions = Definitions::catalogue(source)?;
        match versions.iter().rev().find(|(_, from)| *from <= period) {
            Some((v, _)) => Definitions::load(source, v),
            None => match versions.first() {
                Some((_, earliest)) => Err(DefinitionsError::NoneForPeriod {
                    period,
                    earliest: *earliest,
                }),
                None => Err(DefinitionsError::Missing(
                    "schemas/<version>/export.json".into(),
                )),
            },
        }
    }

    /// The version in force for a period, without loading it.
    pub fn version_for(source: &Source, period: Period) -> Result<String, DefinitionsError> {
        let versions = Definitions::catalogue(source)?;
        match versions.iter().rev().find(|(_, from)| *from <= period) {
            Some((v, _)) => Ok(v.clone()),
            None => match versions.first() {
                Some((_, earliest)) => Err(DefinitionsError::NoneForPeriod {
                    period,
                    earliest: *earliest,
                }),
                None => Err(DefinitionsError::Missing(
                    "schemas/<version>/export.json".into(),
                )),
            },
        }
    }

    /// The newest version a source holds.
    pub fn latest(source: &Source) -> Result<Definitions, DefinitionsError> {
        Definitions::load(source, &Definitions::newest(source)?)
    }

    /// The name of the newest version a source holds, without loading it (every run names
    /// it in `--version`, and compiling its schemas for that costs as much as a small build's
    /// counting).
    pub fn newest(source: &Source) -> Result<String, DefinitionsError> {
        Definitions::versions(source)?
            .pop()
            .ok_or_else(|| DefinitionsError::Missing("schemas/<version>/export.json".into()))
    }

    /// A version loaded once per process when it is built in (its files cannot change while
    /// the program runs), and afresh from a folder. Checking many returns (a scorecard reads
    /// up to 27 quarters of three files each) would otherwise recompile the same schemas for
    /// every file.
    pub fn load_shared(
        source: &Source,
        version: &str,
    ) -> Result<std::sync::Arc<Definitions>, DefinitionsError> {
        use std::sync::{Arc, Mutex, OnceLock};
        type Cache = Mutex<BTreeMap<String, Arc<Definitions>>>;
        static EMBEDDED: OnceLock<Cache> = OnceLock::new();
        if *source != Source::Embedded {
            return Definitions::load(source, version).map(Arc::new);
        }
        let cache = EMBEDDED.get_or_init(Cache::default);
        if let Some(d) = cache.lock().ok().and_then(|c| c.get(version).cloned()) {
            return Ok(d);
        }
        let loaded = Arc::new(Definitions::load(source, version)?);
        if let Ok(mut c) = cache.lock() {
            c.insert(version.to_string(), loaded.clone());
        }
        Ok(loaded)
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
            // The version can come from a file (a return, a manifest): shown, not copied whole.
            return Err(DefinitionsError::UnknownVersion(
                crate::text::cut(version).into_owned(),
                known,
            ));
        }
        let mut hasher = Sha256::new();
        for (path, bytes) in &files {
            hasher.update(path.as_bytes());
            hasher.update([0]);
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(bytes);
        }
        let hash = crate::hash::hex(&hasher.finalize());

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
            let checks =
                crate::schema::checks::Compiled::new(&schema, &columns).map_err(invalid)?;
            sheets.push(SheetDef {
                aliases: s.aliases.iter().map(|a| normalise(a)).collect(),
                name: s.name,
                required: s.required,
                columns: columns.into(),
                schema,
                checks,
                validator,
            });
        }
        let index_path = format!("schemas/{version}/export.json");
        let applies_from = applies_from(
            &index_path,
            files.get(&index_path).map_or(&[][..], Vec::as_slice),
        )?;
        Ok(Definitions {
            version: version.to_string(),
            applies_from,
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

/// Reads `applies_from` of a version's `export.json`, with an error naming the file.
fn applies_from(path: &str, bytes: &[u8]) -> Result<Period, DefinitionsError> {
    #[derive(Deserialize)]
    struct Head {
        applies_from: Option<String>,
    }
    let invalid = |m: String| DefinitionsError::Invalid(path.to_string(), m);
    let head: Head = serde_json::from_slice(bytes).map_err(|e| invalid(e.to_string()))?;
    let text = head.applies_from.ok_or_else(|| {
        invalid("it does not say from which period it applies (applies_from)".into())
    })?;
    text.parse().map_err(|_| {
        invalid(format!(
            "applies_from {text:?} is not a period like \"2023-24 Q1\""
        ))
    })
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
        Source::Files { files, .. } => Ok(files.as_ref().clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_definitions_are_loaded_once_and_shared() {
        let a = Definitions::load_shared(&Source::Embedded, "2024-25").unwrap();
        let b = Definitions::load_shared(&Source::Embedded, "2024-25").unwrap();
        assert!(std::sync::Arc::ptr_eq(&a, &b));
        assert!(Definitions::load_shared(&Source::Embedded, "1999-00").is_err());
    }

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
        let pick = |p: &str| {
            Definitions::for_period(&Source::Embedded, p.parse().unwrap()).map(|d| d.version)
        };
        assert_eq!(pick("2023-24 Q1").unwrap(), "2024-25");
        assert_eq!(pick("2024-25 Q3").unwrap(), "2024-25");
        assert_eq!(pick("2025-26 Q1").unwrap(), "2024-25");
        let err = pick("2022-23 Q4").unwrap_err();
        assert!(matches!(err, DefinitionsError::NoneForPeriod { .. }));
        assert_eq!(
            err.to_string(),
            "no return can be made for 2022-23 Q4: the key performance indicators began in \
             2023-24 Q1 (1 April 2023), the first period any definitions cover"
        );
        assert!(pick("2019-20 Q1").is_err());
        assert!(Definitions::load(&Source::Embedded, "2030-31").is_err());
    }

    /// Copies the embedded definitions into a folder's files as version `version`, applying
    /// from `from`.
    fn folder_version(files: &mut BTreeMap<String, Vec<u8>>, version: &str, from: &str) {
        for (path, bytes) in embedded::EMBEDDED {
            let rel = path.replacen("2024-25", version, 1);
            let mut bytes = bytes.to_vec();
            if rel.ends_with("export.json") {
                let text = String::from_utf8(bytes)
                    .unwrap()
                    .replace("\"2024-25\"", &format!("\"{version}\""))
                    .replace("\"2023-24 Q1\"", &format!("\"{from}\""));
                bytes = text.into_bytes();
            }
            files.insert(rel, bytes);
        }
    }

    fn folder(files: BTreeMap<String, Vec<u8>>) -> Source {
        Source::Files {
            folder: "defs".to_string(),
            files: std::sync::Arc::new(files),
        }
    }

    #[test]
    fn a_newer_version_takes_over_from_its_first_period() {
        let mut files = BTreeMap::new();
        folder_version(&mut files, "2024-25", "2023-24 Q1");
        folder_version(&mut files, "2026-27", "2026-27 Q2");
        let source = folder(files);
        let pick = |p: &str| Definitions::for_period(&source, p.parse().unwrap()).unwrap();
        assert_eq!(pick("2026-27 Q1").version, "2024-25");
        let newer = pick("2026-27 Q2");
        assert_eq!(newer.version, "2026-27");
        assert_eq!(newer.applies_from.to_string(), "2026-27 Q2");
        assert_eq!(pick("2030-31 Q4").version, "2026-27");
        assert_eq!(Definitions::latest(&source).unwrap().version, "2026-27");
    }

    #[test]
    fn a_version_must_say_from_when_it_applies() {
        let mut files = BTreeMap::new();
        folder_version(&mut files, "2024-25", "2023-24 Q1");
        let index = files.get_mut("schemas/2024-25/export.json").unwrap();
        let text = String::from_utf8(index.clone())
            .unwrap()
            .replace("\"applies_from\": \"2023-24 Q1\",", "");
        *index = text.into_bytes();
        let err = Definitions::latest(&folder(files)).unwrap_err();
        assert!(err.to_string().contains("applies_from"), "{err}");
    }

    #[test]
    fn an_empty_folder_is_named() {
        let err = Definitions::latest(&folder(BTreeMap::new())).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("holds no schemas/<version>/export.json"),
            "{err}"
        );
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
