//! Reproducing a scorecard from its manifest: the same archive, window, CSV copies (read only
//! from the scorecard's own folder) and generation time, every archived output compared with
//! the rebuild and the manifest, and the manifest itself held field by field against the one
//! the rebuild writes.

use std::fmt::Write as _;

use super::make::{CsvSource, Made, MakeError, Options, make};
use super::manifest::ScorecardManifest;
use crate::audit::record::{self, Difference};
use crate::date::Timestamp;
use crate::definitions::Source;
use crate::folder::{Folder, Kind, Unread, Why};
use crate::hash::sha256_hex;
use crate::names::SCORECARD_JSON;
use crate::period::Period;

/// What a reproduction says when the scorecard can no longer be made because its inputs now
/// have errors ([`MakeError::Invalid`]): not reproduced, with each problem.
pub fn render_invalid(manifest_shown: &str, problems: &[String]) -> String {
    let mut text = format!(
        "NOT reproduced: the scorecard of {manifest_shown} can no longer be made; its inputs now \
         have errors:\n"
    );
    for p in problems {
        writeln!(text, "  {p}").unwrap();
    }
    text
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

/// The archive a reproduction reads, opened by the shell from the path the manifest records.
pub type OpenArchive<'a> = &'a dyn Fn(&str) -> Box<dyn Folder>;

/// Rebuilds a scorecard from its manifest (`text`, read from `folder`, the scorecard's own
/// folder, which holds the CSV copies and the outputs): the same archive (`open_archive` opens
/// the path the manifest records), window, CSV copies and generation time. `today` is the day
/// of the reproduction. Errors are those of [`make`] (an input that no longer reads, or now has
/// errors).
pub fn reproduce(
    folder: &dyn Folder,
    text: &str,
    open_archive: OpenArchive<'_>,
    source: &Source,
    today: crate::date::Date,
) -> Result<Reproduction, MakeError> {
    let manifest_shown = folder.shown(crate::names::MANIFEST_JSON);
    let not_a_manifest = |why: &str| {
        MakeError::Unreadable(format!(
            "{} is not a scorecard manifest: {why}",
            manifest_shown
        ))
    };
    // Read leniently enough to rebuild from, then held to the rebuild's own manifest.
    let json = record::read_json(text).map_err(|why| not_a_manifest(&why))?;
    let m: ScorecardManifest = serde_json::from_value(json.value.clone())
        .map_err(|_| not_a_manifest("a field is missing or holds the wrong kind of value"))?;
    let bad = |field: &str, value: &str| {
        MakeError::Unreadable(format!(
            "{}: {field} {} is not usable",
            manifest_shown,
            record::quoted(value)
        ))
    };
    let to: Period = m.to.parse().map_err(|_| bad("to", &m.to))?;
    let generated_at =
        Timestamp::parse(&m.generated_at).ok_or_else(|| bad("generated_at", &m.generated_at))?;
    // How it was printed and published, as recorded: a publication copy is rebuilt as one.
    let classification = match &m.classification {
        Some(c) => Some(super::paper::classification(c).map_err(|_| bad("classification", c))?),
        None => None,
    };
    let publication = match m.publication {
        Some(p) if p.suppress_below >= super::publication::MIN_BELOW => {
            Some(super::publication::Suppression {
                below: p.suppress_below,
            })
        }
        Some(p) => {
            return Err(bad(
                "publication.suppress_below",
                &p.suppress_below.to_string(),
            ));
        }
        None => None,
    };
    let paper = super::Paper {
        classification,
        publication,
    };
    let mut out = Reproduction {
        manifest: manifest_shown.to_string(),
        ..Reproduction::default()
    };
    // The manifest names the files of its own folder; a name leading anywhere else was never
    // written by a scorecard, and nothing is read through it.
    let named = m
        .inputs
        .iter()
        .map(|i| (format!("the copy of the {} CSV", i.role), &i.file))
        .chain(m.outputs.iter().map(|o| ("an output".to_string(), &o.file)));
    for (what, file) in named {
        if !crate::folder::plain_name(file) {
            out.reasons.push(format!(
                "the manifest names {} as {}, which is not a file of the scorecard's folder: \
                 no scorecard writes that, so the manifest was changed (nothing was read \
                 through it)",
                record::quoted(file),
                what
            ));
        }
    }
    if !out.reasons.is_empty() {
        out.headline = out.headline();
        return Ok(out);
    }
    let csv = |role: &str| -> Result<Option<(CsvSource, bool)>, MakeError> {
        let Some(input) = m.inputs.iter().find(|i| i.role == role) else {
            return Ok(None);
        };
        let bytes = folder.read(&input.file, Kind::Csv).map_err(|e| {
            MakeError::Unreadable(format!(
                "cannot read the copy of the {role} CSV that the manifest names, {} beside \
                     it: {}; it should have SHA-256 {}",
                input.file,
                unreadable(&e),
                record::hash(&input.sha256)
            ))
        })?;
        let changed = sha256_hex(&bytes) != input.sha256;
        Ok(Some((
            CsvSource {
                name: folder.shown(&input.file),
                original: input.original.clone(),
                bytes,
            },
            changed,
        )))
    };
    let (targets, benchmarks, commentary) =
        (csv("targets")?, csv("benchmarks")?, csv("commentary")?);
    let mut inputs_changed = Vec::new();
    let mut changed_roles = Vec::new();
    for (role, c) in [
        ("targets", &targets),
        ("benchmarks", &benchmarks),
        ("commentary", &commentary),
    ] {
        if let Some((csv, true)) = c {
            changed_roles.push(role);
            let file = csv.name.rsplit(['/', '\\']).next().unwrap_or_default();
            inputs_changed.push(format!(
                "the copy of the {role} CSV beside the manifest ({file}) has changed since the \
                 scorecard was made"
            ));
        }
    }
    let archive = open_archive(&m.archive);
    let made = make(
        &Options {
            archive_path: m.archive.clone(),
            to: Some(to),
            quarters: m.quarters,
            targets: targets.map(|(c, _)| c),
            benchmarks: benchmarks.map(|(c, _)| c),
            commentary: commentary.map(|(c, _)| c),
            generated_at,
            source: source.clone(),
            today,
            paper,
        },
        &*archive,
    )?;
    let mut changed_versions = Vec::new();
    for d in &m.definitions {
        if let Some(now) = made
            .manifest
            .definitions
            .iter()
            .find(|n| n.version == d.version)
            && now.sha256 != d.sha256
        {
            changed_versions.push(d.version.clone());
            inputs_changed.push(format!(
                "the definitions {} have changed since the scorecard was made",
                record::name(&d.version)
            ));
        }
    }
    let before = inputs_changed.len();
    for r in &m.returns {
        match made.manifest.returns.iter().find(|n| n.period == r.period) {
            Some(now) if now.folder != r.folder => inputs_changed.push(format!(
                "{} now comes from {}, not {} (a later return of the quarter was filed since)",
                now.period,
                now.folder,
                record::name(&r.folder)
            )),
            Some(now) if now.manifest_sha256 != r.manifest_sha256 => inputs_changed.push(format!(
                "the archived return {} has changed since the scorecard was made (its manifest's \
                 SHA-256 is not the one recorded)",
                r.folder
            )),
            Some(_) => {}
            None => inputs_changed.push(format!(
                "the archive no longer holds the {} return ({})",
                record::name(&r.period),
                record::name(&r.folder)
            )),
        }
    }
    for now in &made.manifest.returns {
        if !m.returns.iter().any(|r| r.period == now.period) {
            inputs_changed.push(format!(
                "the archive now holds a {} return ({}) that the scorecard did not use",
                now.period, now.folder
            ));
        }
    }
    let returns_changed = inputs_changed.len() > before;
    let tool = m.tool.other_than(
        &made.manifest.tool,
        "the scorecard was made",
        outputs_identical(&m, &made, folder),
    );
    // Nothing the scorecard is made from has changed: a file that differs was altered.
    let same_inputs = inputs_changed.is_empty() && tool.is_none();
    let mut output_reasons = Vec::new();
    for expected in &m.outputs {
        let rebuilt = made.file(&expected.file).map(sha256_hex);
        let archived = folder
            .read(&expected.file, Kind::ScorecardFile)
            .map(|b| sha256_hex(&b));
        match &archived {
            Ok(a) if *a != expected.sha256 => output_reasons.push(format!(
                "the {} beside the manifest has been changed since it was made",
                expected.file
            )),
            Ok(_)
                if rebuilt.is_some()
                    && rebuilt.as_ref() != Some(&expected.sha256)
                    && same_inputs =>
            {
                output_reasons.push(format!(
                    "the {} beside the manifest and its SHA-256 in the manifest were both \
                     changed after it was made: the same archive, CSVs, tool and definitions \
                     make a different file, so the scorecard was altered",
                    expected.file
                ))
            }
            Ok(_) => {}
            Err(e) if e.why == Why::Missing => output_reasons.push(format!(
                "the {} the manifest records is missing beside it",
                expected.file
            )),
            Err(e) => output_reasons.push(format!(
                "the {} beside the manifest cannot be read: {}",
                expected.file,
                unreadable(e)
            )),
        }
        let archived = archived.ok();
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
    // What the rebuild records differently because of what is said already.
    let at = |d: &Difference| d.path().index();
    let said = |d: &Difference| match d.path().pattern().as_str() {
        "tool.name" | "tool.version" => tool.is_some(),
        "inputs.sha256" => at(d)
            .and_then(|i| m.inputs.get(i))
            .is_some_and(|i| changed_roles.contains(&i.role.as_str())),
        "definitions.sha256" => at(d)
            .and_then(|i| m.definitions.get(i))
            .is_some_and(|v| changed_versions.contains(&v.version)),
        "definitions" | "definitions.version" => returns_changed,
        p if p.starts_with("returns") => returns_changed,
        "outputs.sha256" => at(d)
            .and_then(|i| out.files.get(i))
            .is_some_and(|f| !f.identical),
        _ => false,
    };
    let held = record::Held::new(
        &json,
        &serde_json::to_value(&made.manifest).expect("serialisable"),
        said,
        Difference::reason,
    );
    out.reasons.extend(tool);
    out.reasons.extend(held.reasons.iter().cloned());
    out.reasons.extend(inputs_changed);
    out.reasons.extend(output_reasons);
    // Anything that differs from what was made (an input, an archived output, the manifest's
    // own record) means not reproduced, even when the rebuilt files match the manifest.
    out.reproduced = all_identical && out.reasons.is_empty() && held.agrees();
    out.rebuilt = made.files.clone();
    if !out.reproduced {
        let archived = folder
            .read(SCORECARD_JSON, Kind::ScorecardFile)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned());
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

/// Why a file of the scorecard's folder cannot be read, as the end of a sentence about it.
fn unreadable(e: &Unread) -> String {
    match e.why {
        Why::NotAFile => {
            "it is not a regular file (a device or a pipe), so it is not what was made".to_string()
        }
        _ => e.to_string(),
    }
}

/// Whether every output the manifest records rebuilds as recorded and is so beside it.
fn outputs_identical(m: &ScorecardManifest, made: &Made, folder: &dyn Folder) -> bool {
    !m.outputs.is_empty()
        && m.outputs.iter().all(|o| {
            made.file(&o.file).map(sha256_hex).as_deref() == Some(o.sha256.as_str())
                && folder
                    .read(&o.file, Kind::ScorecardFile)
                    .is_ok_and(|b| sha256_hex(&b) == o.sha256)
        })
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
        let id = crate::text::cut(new["id"].as_str().unwrap_or_default());
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
                    // The archived file can hold any text where a value belongs.
                    out.push(format!(
                        "{id} {}: {key} {} -> {}",
                        crate::text::cut(nv["period"].as_str().unwrap_or_default()),
                        crate::text::cut(&was.to_string()),
                        crate::text::cut(&nv[key].to_string())
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
