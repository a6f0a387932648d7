//! `yjb-return reproduce`: rebuild a past return from its manifest and prove it identical.
//!
//! "Reproduced" means all of: the input is the one the manifest records, every file the build
//! writes is listed in the manifest, and for each of them the rebuild, the manifest's SHA-256
//! and the archived file beside the manifest are one and the same. Anything less is "NOT
//! reproduced" (exit 1), said on the first line, with a figure-by-figure account of every
//! archived file read back against the rebuild.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CommandError, EXIT_ERRORS, EXIT_OK};
use crate::audit::diff;
use crate::audit::record::{self, Difference};
use crate::date::Timestamp;
use crate::definitions::Definitions;
use crate::files::Kind;
use crate::hash::sha256_hex;
use crate::names::MANIFEST_JSON;
use crate::period::Period;
use crate::recognise::{self, Wanted};
use crate::report;
use crate::scorecard::make::MakeError;
use crate::scorecard::manifest::ScorecardManifest;
use crate::text::cut;
use crate::write::manifest::Manifest;
use crate::write::{self, Request};

mod verdict;
use verdict::{
    ACCOUNTED, Account, BOTH_CHANGED, FileCheck, Outcome, contradicted_by_files,
    definitions_changed, headline, render_text,
};

#[derive(Debug, Clone)]
pub struct Args {
    /// A manifest.json, or the folder holding one.
    pub manifest: PathBuf,
    pub definitions: Option<PathBuf>,
    /// Also write the rebuilt files here, to inspect them.
    pub out: Option<PathBuf>,
    pub json: bool,
}

fn other(message: String) -> CommandError {
    CommandError::Other(message)
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<i32, CommandError> {
    if let Some(dir) = &args.out
        && std::fs::symlink_metadata(dir).is_ok()
    {
        return Err(other(format!(
            "{} already exists: --out takes a new folder for the rebuilt files (nothing was \
             changed)",
            dir.display()
        )));
    }
    let manifest_path = if args.manifest.is_dir() {
        let path = args.manifest.join(MANIFEST_JSON);
        if !path.exists() {
            return Err(other(format!(
                "{} holds no {MANIFEST_JSON}; {}",
                args.manifest.display(),
                recognise::folder_advice(
                    &crate::files::Disk::new(&args.manifest),
                    Wanted::Manifest,
                    "reproduce"
                )
                .unwrap_or_else(|| {
                    "give the folder of a return built by build, or its manifest.json".to_string()
                })
            )));
        }
        path
    } else {
        args.manifest.clone()
    };
    let folder = manifest_path
        .parent()
        .map_or_else(PathBuf::new, Path::to_path_buf);
    let bytes = super::read_input(&manifest_path, Kind::Manifest)?;
    let text = String::from_utf8_lossy(&bytes);
    if ScorecardManifest::is_scorecard(&text) {
        return scorecard(args, &manifest_path, &text, out);
    }
    // Read leniently enough to rebuild from (a key given twice keeps its last value, a field
    // no build writes is ignored), then held to the rebuild's own manifest field by field.
    let not_a_manifest = || {
        let what = recognise::recognise(&bytes);
        other(format!(
            "{}: {}",
            manifest_path.display(),
            recognise::advice(&what, &manifest_path, Wanted::Manifest).unwrap_or_else(|| {
                "not a manifest written by build: give the manifest.json of a built return, or \
                 its folder"
                    .to_string()
            })
        ))
    };
    let json = record::read_json(&text).map_err(|_| not_a_manifest())?;
    let manifest: Manifest =
        serde_json::from_value(json.value.clone()).map_err(|_| not_a_manifest())?;
    let period: Period = manifest.period.parse().map_err(|e| {
        other(format!(
            "{}: the period it records cannot be read: {e}",
            manifest_path.display()
        ))
    })?;
    let generated_at = Timestamp::parse(&manifest.generated_at).ok_or_else(|| {
        other(format!(
            "{}: generated_at {:?} is not a UTC time like 2024-10-21T09:30:00Z",
            manifest_path.display(),
            cut(&manifest.generated_at)
        ))
    })?;
    let input_path = {
        let p = Path::new(&manifest.input.path);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            folder.join(p)
        }
    };
    // The input's path and hash are read from the manifest: shown cut, as every user value.
    let input_shown = cut(&input_path.display().to_string()).into_owned();
    let bytes = crate::files::read(&input_path, Kind::Export).map_err(|e| {
        other(format!(
            "cannot read the archived input {input_shown} named by the manifest ({e}); it \
             should have SHA-256 {}",
            cut(&manifest.input.sha256)
        ))
    })?;
    let source = super::source(args.definitions.as_deref())?;
    let defs = Definitions::load(&source, &manifest.definitions.version)?;

    let mut outcome = Outcome {
        manifest: manifest_path.display().to_string(),
        input: input_shown.clone(),
        ..Outcome::default()
    };
    let found = sha256_hex(&bytes);
    let same_input = found == manifest.input.sha256;
    let same_tool = manifest.tool.version == env!("CARGO_PKG_VERSION");
    let same_definitions = defs.hash == manifest.definitions.sha256;
    if !same_input {
        outcome.reasons.push(format!(
            "the input has changed since the return was built (or the manifest's record of it \
             was altered): the manifest expects SHA-256 {}, the file {} has {found}",
            record::hash(&manifest.input.sha256),
            input_path.display()
        ));
    }

    // The notes in the rebuilt workbook come from the manifest's acknowledged queries,
    // whatever the sidecar beside the input says today.
    let v = crate::validate::input::validate_bytes(
        &bytes,
        &defs,
        &crate::validate::Options {
            period: Some(period),
            provisional: manifest.provisional,
            progress: super::progress::for_terminal(args.json),
            today: Some(super::now().date),
        },
        None,
        crate::validate::Cells::Drop,
    )
    .map_err(|e| CommandError::load(&input_path, e))?;
    if v.internal_failures() > 0 || v.has_errors() {
        let mut text = String::from("NOT reproduced: the archived input no longer validates\n");
        for r in &outcome.reasons {
            writeln!(text, "  - {r}").unwrap();
        }
        text.push_str(&report::terminal::render(
            &v,
            &outcome.input,
            Some(report::terminal::DEFAULT_LIMIT),
        ));
        super::print(out, &text)?;
        return Ok(EXIT_ERRORS);
    }
    let export = v
        .export()
        .map_err(|e| other(format!("{}: {e}", outcome.input)))?;
    let request = Request {
        period,
        provisional: manifest.provisional,
        generated_at,
        input_path: manifest.input.path.clone(),
        input_sha256: found.clone(),
        input_bytes: bytes.len() as u64,
        acknowledged: &manifest.acknowledged,
    };
    let built = write::build(&export, &defs, &request).map_err(|e| other(e.to_string()))?;
    if let Some(dir) = &args.out {
        let mut files: Vec<(&str, &[u8])> = built
            .files
            .iter()
            .map(|(n, b)| (*n, b.as_slice()))
            .collect();
        let m = built.manifest.to_json();
        files.push((MANIFEST_JSON, m.as_bytes()));
        let mut staging = crate::atomic::Staging::write(dir, &files, &crate::names::BUILD_FILES)
            .map_err(|e| super::write_error(dir, &e, None))?;
        staging
            .place_new(dir)
            .map_err(|e| super::write_error(dir, &e, None))?;
    }

    // Every file the build writes, against the manifest and the archive.
    let mut file_reasons = Vec::new();
    for (name, rebuilt) in &built.files {
        let rebuilt = sha256_hex(rebuilt);
        let expected = manifest.output(name).map(|o| o.sha256.clone());
        let read = crate::files::read(&folder.join(name), Kind::ReturnFile);
        let unreadable = match &read {
            Ok(_) | Err(crate::files::FileError::Missing(_)) => None,
            Err(e) => Some(e.to_string()),
        };
        let archived = read.ok().map(|b| sha256_hex(&b));
        let identical =
            expected.as_deref() == Some(rebuilt.as_str()) && archived.as_ref() == expected.as_ref();
        match (&expected, &archived) {
            (None, _) => file_reasons.push(format!(
                "{} does not record {name}, so it cannot show what was built",
                manifest_path.display()
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
        &json,
        &serde_json::to_value(&built.manifest).expect("serialisable"),
        said,
        |d| definitions_changed(d, &defs.version).unwrap_or_else(|| d.reason()),
    );
    // A field the rebuild takes from the manifest (the period, the provisional mark, the
    // generation time) that the archived files, as recorded, contradict: the manifest was
    // changed, not the files.
    let contradicted = if same_input && !all_identical {
        contradicted_by_files(&manifest, &folder, &outcome.files)
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
        let layout = crate::write::template::Layout::load(&defs)
            .map_err(|e| other(format!("the return template is unusable: {e}")))?;
        for name in ACCOUNTED {
            let path = folder.join(name);
            if !path.exists() {
                continue;
            }
            outcome.accounts.push(match super::document(&path) {
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
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(&outcome).expect("serialisable");
        s.push('\n');
        s
    } else {
        render_text(&outcome)
    };
    super::print(out, &text)?;
    Ok(if outcome.reproduced {
        EXIT_OK
    } else {
        EXIT_ERRORS
    })
}

/// A scorecard's manifest: the scorecard is rebuilt from the same archive, window and CSV copies
/// and compared file by file.
fn scorecard(
    args: &Args,
    manifest: &Path,
    text: &str,
    out: &mut dyn Write,
) -> Result<i32, CommandError> {
    let source = super::source(args.definitions.as_deref())?;
    let folder = manifest
        .parent()
        .map_or_else(PathBuf::new, Path::to_path_buf);
    let open =
        |path: &str| -> Box<dyn crate::folder::Folder> { Box::new(crate::files::Disk::new(path)) };
    let r = match crate::scorecard::reproduce::reproduce(
        &crate::files::Disk::strict(folder),
        text,
        &open,
        &source,
        super::now().date,
    ) {
        Ok(r) => r,
        Err(MakeError::Unreadable(message)) => return Err(other(message)),
        Err(MakeError::Invalid(problems)) => {
            let mut text = format!(
                "NOT reproduced: the scorecard of {} can no longer be made; its inputs now have \
                 errors:\n",
                manifest.display()
            );
            for p in &problems {
                writeln!(text, "  {p}").unwrap();
            }
            super::print(out, &text)?;
            return Ok(EXIT_ERRORS);
        }
    };
    if let Some(dir) = &args.out {
        let files: Vec<(&str, &[u8])> = r
            .rebuilt
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        let mut staging = crate::atomic::Staging::write(dir, &files, &crate::scorecard::FILES)
            .map_err(|e| super::write_error(dir, &e, None))?;
        staging
            .place_new(dir)
            .map_err(|e| super::write_error(dir, &e, None))?;
    }
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(&r).expect("serialisable");
        s.push('\n');
        s
    } else {
        r.render_text()
    };
    super::print(out, &text)?;
    Ok(if r.reproduced { EXIT_OK } else { EXIT_ERRORS })
}
