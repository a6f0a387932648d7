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
use crate::cut::cut;
use crate::date::Timestamp;
use crate::definitions::{Definitions, Source};
use crate::files::Kind;
use crate::period::Period;
use crate::recognise::{self, Wanted};
use crate::report;
use crate::scorecard::make::MakeError;
use crate::scorecard::manifest::ScorecardManifest;
use crate::sha256_hex;
use crate::write::manifest::Manifest;
use crate::write::{self, MANIFEST_JSON, RETURN_JSON, RETURN_XLSX, RETURN_XML, Request};

#[derive(Debug, Clone)]
pub struct Args {
    /// A manifest.json, or the folder holding one.
    pub manifest: PathBuf,
    pub definitions: Option<PathBuf>,
    /// Also write the rebuilt files here, to inspect them.
    pub out: Option<PathBuf>,
    pub json: bool,
}

/// One output of the build, and what the reproduction found.
#[derive(Debug, Clone, serde::Serialize)]
struct FileCheck {
    file: String,
    /// What the manifest records; `None` when it does not list the file.
    expected_sha256: Option<String>,
    rebuilt_sha256: String,
    /// The archived file beside the manifest; `None` when it is missing.
    archived_sha256: Option<String>,
    /// Rebuild, manifest and archived file all the same.
    identical: bool,
}

/// An archived file read back and compared figure by figure with the rebuild.
#[derive(Debug, serde::Serialize)]
struct Account {
    file: String,
    /// Why the file could not be read as a return, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    unreadable: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    figures: Option<diff::Diff>,
}

#[derive(Debug, Default, serde::Serialize)]
struct Outcome {
    reproduced: bool,
    /// The verdict in one line, the first line of the text output.
    headline: String,
    manifest: String,
    input: String,
    reasons: Vec<String>,
    files: Vec<FileCheck>,
    accounts: Vec<Account>,
}

/// The files a figure-by-figure account reads back, the submission file first.
const ACCOUNTED: [&str; 3] = [RETURN_XML, RETURN_JSON, RETURN_XLSX];

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
                recognise::folder_advice(&args.manifest, Wanted::Manifest, "reproduce")
                    .unwrap_or_else(|| {
                        "give the folder of a return built by build, or its manifest.json"
                            .to_string()
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
    let text = super::read_input(&manifest_path, Kind::Manifest)?;
    if ScorecardManifest::is_scorecard(&String::from_utf8_lossy(&text)) {
        return scorecard(args, &manifest_path, out);
    }
    let manifest = Manifest::from_json(&String::from_utf8_lossy(&text)).map_err(|_| {
        let what = recognise::recognise(&text);
        other(format!(
            "{}: {}",
            manifest_path.display(),
            recognise::advice(&what, &manifest_path, Wanted::Manifest).unwrap_or_else(|| {
                "not a manifest written by build: give the manifest.json of a built return, or \
                 its folder"
                    .to_string()
            })
        ))
    })?;
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
    let source = args
        .definitions
        .as_ref()
        .map_or(Source::Embedded, |f| Source::Folder(f.clone()));
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
             was altered): the manifest expects SHA-256 {}, the file {input_shown} has {found}",
            cut(&manifest.input.sha256),
        ));
    }
    if !same_definitions {
        outcome.reasons.push(format!(
            "the definitions {} have changed since the return was built (hash {} then, {} now)",
            defs.version,
            cut(&manifest.definitions.sha256),
            defs.hash
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
        let mut staging =
            crate::atomic::Staging::write(dir, &files, &crate::write::archive::BUILD_FILES)
                .map_err(|e| super::write_error(dir, &e, None))?;
        staging
            .place_new(dir)
            .map_err(|e| super::write_error(dir, &e, None))?;
    }

    // Every file the build writes, against the manifest and the archive.
    for (name, rebuilt) in &built.files {
        let rebuilt = sha256_hex(rebuilt);
        let expected = manifest.output(name).map(|o| o.sha256.clone());
        let archived = crate::files::read(&folder.join(name), Kind::ReturnFile)
            .ok()
            .map(|b| sha256_hex(&b));
        let identical =
            expected.as_deref() == Some(rebuilt.as_str()) && archived.as_ref() == expected.as_ref();
        match (&expected, &archived) {
            (None, _) => outcome.reasons.push(format!(
                "{} does not record {name}, so it cannot show what was built",
                manifest_path.display()
            )),
            (Some(_), None) => outcome.reasons.push(format!(
                "the archived {name} is missing beside the manifest"
            )),
            (Some(e), Some(a)) if a != e => outcome.reasons.push(format!(
                "the archived {name} has been changed since it was built (its SHA-256 is not \
                 the one the manifest records)"
            )),
            (Some(e), Some(_)) if *e != rebuilt && same_input && same_tool && same_definitions => {
                outcome.reasons.push(format!(
                    "the archived {name} and its SHA-256 in the manifest were both changed after \
                     the build: the same input, tool version and definitions build a different \
                     file, so the archive was altered"
                ))
            }
            _ => {}
        }
        outcome.files.push(FileCheck {
            file: name.to_string(),
            expected_sha256: expected.map(crate::cut::cut_owned),
            rebuilt_sha256: rebuilt,
            archived_sha256: archived,
            identical,
        });
    }
    let all_identical = outcome.files.iter().all(|f| f.identical);
    let tool =
        manifest
            .tool
            .other_than(&built.manifest.tool, "the return was built", all_identical);
    // All files as rebuilt, yet the manifest names another tool: the manifest was altered.
    let manifest_altered = all_identical && tool.is_some();
    if let Some(reason) = tool {
        outcome.reasons.insert(usize::from(!same_input), reason);
    }
    outcome.reproduced = same_input && all_identical && !manifest_altered;
    if !outcome.reproduced {
        outcome.headline = headline(&outcome, same_input);
        let layout = crate::write::template::Layout::load(&defs)
            .map_err(|e| other(format!("the return template is unusable: {e}")))?;
        for name in ACCOUNTED {
            let path = folder.join(name);
            if !path.exists() {
                continue;
            }
            outcome
                .accounts
                .push(match crate::audit::load_document(&path) {
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

/// The first line of a failed reproduction: the changed input, else the first file (the
/// submission file first) whose archived copy is not what was rebuilt.
fn headline(o: &Outcome, same_input: bool) -> String {
    if !same_input {
        return "NOT reproduced: the input has changed since the return was built".to_string();
    }
    let order = |f: &&FileCheck| ACCOUNTED.iter().position(|n| *n == f.file);
    let mut differing: Vec<&FileCheck> = o.files.iter().filter(|f| !f.identical).collect();
    differing.sort_by_key(order);
    match differing.first() {
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
        // Every file as rebuilt: only the manifest's record of the tool can differ.
        None => {
            "NOT reproduced: the manifest's record of the tool differs from its files".to_string()
        }
    }
}

fn render_text(o: &Outcome) -> String {
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

/// A scorecard's manifest: the scorecard is rebuilt from the same archive, window and CSV copies
/// and compared file by file.
fn scorecard(args: &Args, manifest: &Path, out: &mut dyn Write) -> Result<i32, CommandError> {
    let source = args
        .definitions
        .as_ref()
        .map_or(Source::Embedded, |f| Source::Folder(f.clone()));
    let r = match crate::scorecard::make::reproduce(manifest, &source) {
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
