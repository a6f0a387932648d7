//! A manifest held against the one its rebuild writes.
//!
//! `reproduce` rebuilds a return (or a scorecard) with the generation time, paths and choices
//! its manifest records, so the manifest that rebuild would write is what the archived one
//! must be, field by field: a field changed by hand, added, left out, or a key given twice
//! means the record was altered, whether or not the files it describes still rebuild
//! identically. `check` reads a return's manifest just as strictly ([`return_manifest`]).

use std::fmt::Write as _;

use serde_json::Value;

use crate::names::{RETURN_JSON, RETURN_XLSX, RETURN_XML};
use crate::write::manifest::Manifest;

/// How many characters of a file's text a message quotes.
const QUOTED: usize = 40;

/// How many differences are collected: a hostile manifest can hold a million fields, and the
/// first few say all there is to say.
const MAX_DIFFERENCES: usize = 20;

/// Text from a file as a message quotes it: escaped, and cut to 40 characters.
pub fn quoted(text: &str) -> String {
    if text.chars().count() > QUOTED {
        let start: String = text.chars().take(QUOTED).collect();
        format!("{start:?}...")
    } else {
        format!("{text:?}")
    }
}

/// A name read from a file (a period, a folder) as a message shows it: as typed when it is
/// short and plain (letters, digits, spaces, `-`, `_`, `.`), else quoted and cut.
pub fn name(text: &str) -> String {
    let plain = !text.is_empty()
        && text.chars().count() <= QUOTED
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'));
    if plain {
        text.to_string()
    } else {
        quoted(text)
    }
}

/// A SHA-256 read from a file as a message shows it: whole when it is one, else quoted and cut.
pub fn hash(text: &str) -> String {
    if is_hex64(text) {
        text.to_string()
    } else {
        quoted(text)
    }
}

/// A manifest's text read as JSON.
#[derive(Debug, Clone)]
pub struct Json {
    /// The value, keeping the last of two equal keys (as serde_json does).
    pub value: Value,
    /// When a key is given twice in one object, the sentence saying which.
    pub twice: Option<String>,
}

/// Reads a manifest's text as JSON. `Err` is the end of a sentence: where it stops being JSON.
pub fn read_json(text: &str) -> Result<Json, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "it is not JSON (it stops making sense at line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    let twice = crate::write::json::parse_unique(text)
        .err()
        .map(|e| e.to_string());
    Ok(Json { value, twice })
}

/// One step of the way to a field: a key of an object, or a position in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// Where a field is: `identity.yjs_code`, `outputs[3].file`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Step>);

impl FieldPath {
    fn with(&self, step: Step) -> FieldPath {
        let mut steps = self.0.clone();
        steps.push(step);
        FieldPath(steps)
    }

    /// The keys alone, joined by dots (`outputs.sha256` for `outputs[1].sha256`): what kind
    /// of field it is, whichever entry of a list.
    pub fn pattern(&self) -> String {
        let keys: Vec<&str> = self
            .0
            .iter()
            .filter_map(|s| match s {
                Step::Key(k) => Some(k.as_str()),
                Step::Index(_) => None,
            })
            .collect();
        keys.join(".")
    }

    /// The position in the first list on the way (`1` for `outputs[1].sha256`).
    pub fn index(&self) -> Option<usize> {
        self.0.iter().find_map(|s| match s {
            Step::Index(i) => Some(*i),
            Step::Key(_) => None,
        })
    }

    /// The first key on the way (`outputs` for `outputs[1].sha256`).
    pub fn top(&self) -> &str {
        match self.0.first() {
            Some(Step::Key(k)) => k,
            _ => "",
        }
    }
}

impl std::fmt::Display for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let mut s = String::new();
        for step in &self.0 {
            match step {
                Step::Key(k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    let plain = k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                    s.push_str(&if plain { name(k) } else { quoted(k) });
                }
                Step::Index(i) => write!(s, "[{i}]").unwrap(),
            }
        }
        f.write_str(&s)
    }
}

/// How an archived manifest differs from the one the rebuild writes.
#[derive(Debug, Clone, PartialEq)]
pub enum Difference {
    /// A field the archived manifest holds and no build writes.
    Unknown { path: FieldPath },
    /// A field the rebuild writes that the archived manifest lacks.
    Missing { path: FieldPath, rebuilt: Value },
    /// The same field with another value.
    Changed {
        path: FieldPath,
        archived: Value,
        rebuilt: Value,
    },
    /// Lists of different lengths (their common part is compared entry by entry first).
    Count {
        path: FieldPath,
        archived: usize,
        rebuilt: usize,
        /// The archived list's first entry beyond the rebuild's, if it is the longer.
        extra: Option<Value>,
    },
}

/// Every way `archived` differs from `rebuilt` (at most twenty), in the order the rebuild
/// writes its fields; fields no build writes come after the known ones of their object.
pub fn differences(archived: &Value, rebuilt: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk(archived, rebuilt, &FieldPath::default(), &mut out);
    out
}

fn walk(archived: &Value, rebuilt: &Value, path: &FieldPath, out: &mut Vec<Difference>) {
    if out.len() >= MAX_DIFFERENCES {
        return;
    }
    match (archived, rebuilt) {
        (Value::Object(a), Value::Object(r)) => {
            for (key, r_value) in r {
                let here = path.with(Step::Key(key.clone()));
                match a.get(key) {
                    Some(a_value) => walk(a_value, r_value, &here, out),
                    None => out.push(Difference::Missing {
                        path: here,
                        rebuilt: r_value.clone(),
                    }),
                }
                if out.len() >= MAX_DIFFERENCES {
                    return;
                }
            }
            for key in a.keys().filter(|k| !r.contains_key(*k)) {
                if out.len() >= MAX_DIFFERENCES {
                    return;
                }
                out.push(Difference::Unknown {
                    path: path.with(Step::Key(key.clone())),
                });
            }
        }
        (Value::Array(a), Value::Array(r)) => {
            for (i, (a_value, r_value)) in a.iter().zip(r).enumerate() {
                walk(a_value, r_value, &path.with(Step::Index(i)), out);
                if out.len() >= MAX_DIFFERENCES {
                    return;
                }
            }
            if a.len() != r.len() {
                out.push(Difference::Count {
                    path: path.clone(),
                    archived: a.len(),
                    rebuilt: r.len(),
                    extra: a.get(r.len()).cloned(),
                });
            }
        }
        (a, r) if a != r => out.push(Difference::Changed {
            path: path.clone(),
            archived: a.clone(),
            rebuilt: r.clone(),
        }),
        _ => {}
    }
}

/// What a kind of field is, in words, for the fields of a return's or a scorecard's manifest.
fn words(pattern: &str) -> Option<&'static str> {
    Some(match pattern {
        "manifest_version" => "format version",
        "kind" => "kind",
        "tool" | "tool.name" | "tool.version" => "record of the tool",
        "definitions" => "list of definitions versions",
        "definitions.version" => "definitions version",
        "definitions.sha256" => "definitions' SHA-256",
        "period" => "period",
        "provisional" => "provisional mark",
        "generated_at" => "generation time",
        "input" => "record of the input",
        "input.path" => "input's path",
        "input.sha256" => "input's SHA-256",
        "input.bytes" => "input's size in bytes",
        "identity" => "identity",
        "identity.yjs_code" => "YJS code",
        "identity.yjs_name" => "YJS name",
        "identity.nation" => "nation",
        "acknowledged" => "acknowledged queries",
        "outputs" => "list of output files",
        "outputs.file" => "output file's name",
        "outputs.sha256" => "output file's SHA-256",
        "archive" => "archive folder",
        "to" => "last quarter (to)",
        "quarters" => "number of quarters",
        "returns" => "list of returns used",
        "returns.period" => "period of a return used",
        "returns.folder" => "folder of a return used",
        "returns.manifest_sha256" => "SHA-256 of a return used",
        "inputs" => "list of CSV copies",
        "inputs.role" => "role of a CSV copy",
        "inputs.file" => "name of a CSV copy",
        "inputs.original" => "original path of a CSV copy",
        "inputs.sha256" => "SHA-256 of a CSV copy",
        _ => return None,
    })
}

/// A field named for a reader: `YJS code (identity.yjs_code)`.
fn named(path: &FieldPath) -> String {
    match words(&path.pattern()) {
        Some(w) => format!("{w} ({path})"),
        None => path.to_string(),
    }
}

/// A value as a message shows it: a SHA-256 whole, other text quoted and cut, a list by its
/// size, an object as JSON cut short.
pub fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => hash(s),
        Value::Array(a) => format!("a list of {}", a.len()),
        Value::Object(o) => {
            let text = serde_json::to_string(o).unwrap_or_default();
            if text.chars().count() > 2 * QUOTED {
                let start: String = text.chars().take(2 * QUOTED).collect();
                format!("{start}...")
            } else {
                text
            }
        }
        other => other.to_string(),
    }
}

impl Difference {
    pub fn path(&self) -> &FieldPath {
        match self {
            Difference::Unknown { path }
            | Difference::Missing { path, .. }
            | Difference::Changed { path, .. }
            | Difference::Count { path, .. } => path,
        }
    }

    /// The difference in a few words, for a verdict's first line.
    pub fn headline(&self) -> String {
        let path = self.path();
        match self {
            Difference::Unknown { .. } => {
                format!("the manifest holds a field the tool never writes ({path})")
            }
            Difference::Missing { .. } => format!("the manifest lacks its {}", named(path)),
            Difference::Changed { .. } | Difference::Count { .. } => format!(
                "the manifest's {} is not what the rebuild records",
                named(path)
            ),
        }
    }

    /// The difference in full, with both values.
    pub fn reason(&self) -> String {
        let path = self.path();
        match self {
            Difference::Unknown { .. } => format!(
                "the manifest holds {path}, a field the tool never writes: it was changed after it \
                 was written"
            ),
            Difference::Missing { rebuilt, .. } => format!(
                "the manifest lacks its {}, which the rebuild records as {}",
                named(path),
                shown(rebuilt)
            ),
            Difference::Changed {
                archived, rebuilt, ..
            } => format!(
                "the manifest records its {} as {}, but the rebuild records {}",
                named(path),
                shown(archived),
                shown(rebuilt)
            ),
            Difference::Count {
                archived,
                rebuilt,
                extra,
                ..
            } => {
                let mut s = format!(
                    "the manifest's {} holds {archived} entries, but the rebuild records {rebuilt}",
                    named(path)
                );
                if let Some(extra) = extra {
                    write!(s, "; the first one more is {}", shown(extra)).unwrap();
                }
                s
            }
        }
    }
}

/// An archived manifest held against the one its rebuild writes.
#[derive(Debug, Clone, Default)]
pub struct Held {
    /// What differs that is not said elsewhere, a sentence each, a key given twice first.
    pub reasons: Vec<String>,
    /// The first of them in a few words, for the verdict's first line.
    pub headline: Option<String>,
    /// Anything differs at all (said elsewhere or not).
    differs: bool,
}

impl Held {
    /// Holds `json` (the archived manifest) against `rebuilt`. `said` tells a difference the
    /// caller already explains (a changed input moves the input's hash); `reason` words the
    /// others (usually [`Difference::reason`]).
    pub fn new(
        json: &Json,
        rebuilt: &Value,
        said: impl Fn(&Difference) -> bool,
        reason: impl Fn(&Difference) -> String,
    ) -> Held {
        let found = differences(&json.value, rebuilt);
        let mut held = Held {
            differs: json.twice.is_some() || !found.is_empty(),
            ..Held::default()
        };
        if let Some(twice) = &json.twice {
            held.headline =
                Some("the manifest holds a key twice, which the tool never writes".into());
            held.reasons.push(format!(
                "the manifest holds a key twice, which the tool never writes ({twice}): it was \
                 changed after it was written"
            ));
        }
        for d in found.iter().filter(|d| !said(d)) {
            held.headline.get_or_insert_with(|| d.headline());
            held.reasons.push(reason(d));
        }
        held
    }

    /// The archived manifest is, field by field, the one the rebuild writes.
    pub fn agrees(&self) -> bool {
        !self.differs
    }
}

/// The files a build records in its manifest.
const BUILT: [&str; 3] = [RETURN_XLSX, RETURN_XML, RETURN_JSON];

/// Reads a return's manifest as strictly as `check` needs it: JSON with no key twice, the
/// fields a build writes and no others, and outputs naming each of the build's three files
/// once with a SHA-256. `Err` is the end of a sentence saying what is wrong.
pub fn return_manifest(text: &str) -> Result<Manifest, String> {
    let json = read_json(text)?;
    if let Some(twice) = json.twice {
        return Err(twice);
    }
    let m: Manifest = serde_json::from_value(json.value.clone()).map_err(|e| {
        let text = e.to_string();
        match text
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split_once('`'))
        {
            Some((field, _)) => format!("it lacks the field {}", quoted(field)),
            None => "a field holds the wrong kind of value (text where a number belongs, or the \
                     like)"
                .to_string(),
        }
    })?;
    let again = serde_json::to_value(&m).expect("serialisable");
    if let Some(d) = differences(&json.value, &again)
        .into_iter()
        .find(|d| matches!(d, Difference::Unknown { .. }))
    {
        return Err(format!("it holds {}, a field no build writes", d.path()));
    }
    for (i, o) in m.outputs.iter().enumerate() {
        if !BUILT.contains(&o.file.as_str()) {
            return Err(format!(
                "its outputs name {}, which is not a file build writes",
                quoted(&o.file)
            ));
        }
        if m.outputs[..i].iter().any(|p| p.file == o.file) {
            return Err(format!("its outputs name {} twice", o.file));
        }
        if !is_hex64(&o.sha256) {
            return Err(format!(
                "the SHA-256 it records for {} is not 64 hexadecimal digits",
                o.file
            ));
        }
    }
    if let Some(absent) = BUILT.iter().find(|f| m.output(f).is_none()) {
        return Err(format!(
            "its outputs do not name {absent}, which every build writes"
        ));
    }
    Ok(m)
}

/// 64 lower-case hexadecimal digits: a SHA-256 as the tool writes it.
pub fn is_hex64(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn built_manifest() -> String {
        let mut m = crate::write::manifest::tests::manifest_of(&crate::write::xml::tests::sample());
        m.outputs = BUILT
            .iter()
            .enumerate()
            .map(|(i, f)| crate::write::manifest::Output {
                file: f.to_string(),
                sha256: format!("{i}").repeat(64),
            })
            .collect();
        m.to_json()
    }

    #[test]
    fn the_first_difference_is_named_in_the_order_the_rebuild_writes() {
        let rebuilt = json!({
            "tool": {"name": "t", "version": "1"},
            "identity": {"yjs_code": "NSH01"},
            "input": {"bytes": 10},
            "outputs": [{"file": "a"}, {"file": "b"}],
        });
        assert_eq!(differences(&rebuilt, &rebuilt), vec![]);
        let archived = json!({
            "identity": {"yjs_code": "ABC01"},
            "tool": {"name": "t", "version": "1"},
            "input": {"bytes": 11, "extra": 1},
            "outputs": [{"file": "a"}, {"file": "b"}, {"file": "c"}],
        });
        let found = differences(&archived, &rebuilt);
        let paths: Vec<String> = found.iter().map(|d| d.path().to_string()).collect();
        assert_eq!(
            paths,
            ["identity.yjs_code", "input.bytes", "input.extra", "outputs"]
        );
        assert_eq!(
            found[0].reason(),
            "the manifest records its YJS code (identity.yjs_code) as \"ABC01\", but the \
             rebuild records \"NSH01\""
        );
        assert_eq!(
            found[0].headline(),
            "the manifest's YJS code (identity.yjs_code) is not what the rebuild records"
        );
        assert_eq!(
            found[1].reason(),
            "the manifest records its input's size in bytes (input.bytes) as 11, but the \
             rebuild records 10"
        );
        assert_eq!(
            found[2].headline(),
            "the manifest holds a field the tool never writes (input.extra)"
        );
        assert_eq!(
            found[3].reason(),
            "the manifest's list of output files (outputs) holds 3 entries, but the rebuild \
             records 2; the first one more is {\"file\":\"c\"}"
        );
    }

    #[test]
    fn a_missing_field_an_empty_list_and_a_hostile_key() {
        let rebuilt = json!({"definitions": [{"version": "2024-25"}], "period": "2024-25 Q2"});
        let long = "k".repeat(5000);
        let mut archived = json!({"definitions": []});
        archived[&long] = json!(1);
        let found = differences(&archived, &rebuilt);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(
            found[0].reason(),
            "the manifest's list of definitions versions (definitions) holds 0 entries, but \
             the rebuild records 1"
        );
        assert_eq!(
            found[1].reason(),
            "the manifest lacks its period (period), which the rebuild records as \"2024-25 Q2\""
        );
        // A key of 5,000 characters is quoted cut to 40.
        let said = found[2].reason();
        assert!(said.contains(&format!("{:?}...", "k".repeat(40))), "{said}");
        assert!(said.chars().count() < 200, "{said}");
    }

    #[test]
    fn at_most_twenty_differences_are_collected() {
        let archived: serde_json::Map<String, Value> =
            (0..10_000).map(|i| (format!("f{i}"), json!(i))).collect();
        let found = differences(&Value::Object(archived), &json!({}));
        assert_eq!(found.len(), MAX_DIFFERENCES);
    }

    #[test]
    fn a_returns_manifest_is_read_strictly() {
        let good = built_manifest();
        assert!(return_manifest(&good).is_ok());
        let err = |text: &str| return_manifest(text).unwrap_err();
        assert_eq!(
            err("{"),
            "it is not JSON (it stops making sense at line 1, column 1)"
        );
        assert!(err("garbage").starts_with("it is not JSON"));
        let twice = good.replacen(
            "\"period\": ",
            "\"period\": \"2024-25 Q1\",\n  \"period\": ",
            1,
        );
        assert!(
            err(&twice).starts_with("the key \"period\" appears twice in one object"),
            "{}",
            err(&twice)
        );
        let unknown = good.replacen("\"period\": ", "\"note\": 1,\n  \"period\": ", 1);
        assert_eq!(err(&unknown), "it holds note, a field no build writes");
        let lacking = good.replacen("\"generated_at\": ", "\"generated\": ", 1);
        assert_eq!(err(&lacking), "it lacks the field \"generated_at\"");
        let wrong = good.replacen("\"manifest_version\": 1", "\"manifest_version\": \"1\"", 1);
        assert!(err(&wrong).starts_with("a field holds the wrong kind of value"));
        let other = good.replacen("\"return.json\"", "\"../../etc/passwd\"", 1);
        assert_eq!(
            err(&other),
            "its outputs name \"../../etc/passwd\", which is not a file build writes"
        );
        let again = good.replacen("\"return.json\"", "\"return.xml\"", 1);
        assert_eq!(err(&again), "its outputs name return.xml twice");
        let short = good.replacen(&"2".repeat(64), "abc", 1);
        assert_eq!(
            err(&short),
            "the SHA-256 it records for return.json is not 64 hexadecimal digits"
        );
    }
}
