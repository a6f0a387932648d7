//! `yjb-return reproduce`: rebuild a past return from its manifest and prove it identical.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CommandError, EXIT_ERRORS, EXIT_FAILURE, EXIT_OK};
use crate::audit::diff;
use crate::date::Timestamp;
use crate::definitions::{Definitions, Source};
use crate::period::Period;
use crate::report;
use crate::scorecard::make::MakeError;
use crate::scorecard::manifest::ScorecardManifest;
use crate::sha256_hex;
use crate::write::manifest::Manifest;
use crate::write::{self, MANIFEST_JSON, RETURN_JSON, Request};

#[derive(Debug, Clone)]
pub struct Args {
    /// A manifest.json, or the folder holding one.
    pub manifest: PathBuf,
    pub definitions: Option<PathBuf>,
    /// Also write the rebuilt files here, to inspect them.
    pub out: Option<PathBuf>,
    pub json: bool,
}

/// One output of the manifest, and what the reproduction found.
#[derive(Debug, Clone, serde::Serialize)]
struct FileCheck {
    file: String,
    expected_sha256: String,
    rebuilt_sha256: Option<String>,
    /// The archived file beside the manifest, when it is there.
    archived_sha256: Option<String>,
    identical: bool,
}

#[derive(Debug, Default, serde::Serialize)]
struct Outcome {
    reproduced: bool,
    manifest: String,
    input: String,
    reasons: Vec<String>,
    files: Vec<FileCheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    figures: Option<diff::Diff>,
}

fn other(message: String) -> CommandError {
    CommandError::Other(message)
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<i32, CommandError> {
    let manifest_path = if args.manifest.is_dir() {
        args.manifest.join(MANIFEST_JSON)
    } else {
        args.manifest.clone()
    };
    let folder = manifest_path
        .parent()
        .map_or_else(PathBuf::new, Path::to_path_buf);
    let text = super::read_input(&manifest_path)?;
    if ScorecardManifest::is_scorecard(&String::from_utf8_lossy(&text)) {
        return scorecard(args, &manifest_path, out);
    }
    let manifest = Manifest::from_json(&String::from_utf8_lossy(&text)).map_err(|e| {
        other(format!(
            "{} is not a manifest written by build: {e}",
            manifest_path.display()
        ))
    })?;
    let period: Period = manifest.period.parse().map_err(|e| {
        other(format!(
            "{}: period {:?}: {e}",
            manifest_path.display(),
            manifest.period
        ))
    })?;
    let generated_at = Timestamp::parse(&manifest.generated_at).ok_or_else(|| {
        other(format!(
            "{}: generated_at {:?} is not a UTC time like 2024-10-21T09:30:00Z",
            manifest_path.display(),
            manifest.generated_at
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
    let bytes = std::fs::read(&input_path).map_err(|e| {
        other(format!(
            "cannot read the archived input {} named by the manifest ({e}); it should have \
             SHA-256 {}",
            input_path.display(),
            manifest.input.sha256
        ))
    })?;
    let source = args
        .definitions
        .as_ref()
        .map_or(Source::Embedded, |f| Source::Folder(f.clone()));
    let defs = Definitions::load(&source, &manifest.definitions.version)?;

    let mut outcome = Outcome {
        manifest: manifest_path.display().to_string(),
        input: input_path.display().to_string(),
        ..Outcome::default()
    };
    let found = sha256_hex(&bytes);
    if found != manifest.input.sha256 {
        outcome.reasons.push(format!(
            "the input has changed since the return was built: the manifest expects SHA-256 \
             {}, the file {} has {found}",
            manifest.input.sha256,
            input_path.display()
        ));
    }
    if manifest.tool.version != env!("CARGO_PKG_VERSION") {
        outcome.reasons.push(format!(
            "the return was built by {} {}; this is version {}",
            manifest.tool.name,
            manifest.tool.version,
            env!("CARGO_PKG_VERSION")
        ));
    }
    if defs.hash != manifest.definitions.sha256 {
        outcome.reasons.push(format!(
            "the definitions {} have changed since the return was built (hash {} then, {} now)",
            defs.version, manifest.definitions.sha256, defs.hash
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
        },
        None,
    )
    .map_err(|e| CommandError::load(&input_path, e))?;
    if v.internal_failures() > 0 || v.has_errors() {
        let mut text = String::new();
        for r in &outcome.reasons {
            writeln!(text, "{r}").unwrap();
        }
        text.push_str(&report::terminal::render(
            &v,
            &outcome.input,
            Some(report::terminal::DEFAULT_LIMIT),
        ));
        text.push_str("\nNot reproduced: the archived input no longer validates.\n");
        write_all(out, &text)?;
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
        crate::atomic::write_dir(dir, &files, false).map_err(|e| CommandError::Write {
            path: dir.clone(),
            message: e.to_string(),
        })?;
    }

    for expected in &manifest.outputs {
        let rebuilt = built.file(&expected.file).map(sha256_hex);
        let archived = std::fs::read(folder.join(&expected.file))
            .ok()
            .map(|b| sha256_hex(&b));
        if let Some(a) = &archived
            && *a != expected.sha256
        {
            outcome.reasons.push(format!(
                "the archived {} has been changed since it was built (its SHA-256 is not the \
                 manifest's)",
                expected.file
            ));
        }
        outcome.files.push(FileCheck {
            file: expected.file.clone(),
            identical: rebuilt.as_deref() == Some(expected.sha256.as_str()),
            expected_sha256: expected.sha256.clone(),
            rebuilt_sha256: rebuilt,
            archived_sha256: archived,
        });
    }
    outcome.reproduced = !outcome.files.is_empty() && outcome.files.iter().all(|f| f.identical);
    if !outcome.reproduced {
        let archived = std::fs::read_to_string(folder.join(RETURN_JSON))
            .ok()
            .and_then(|t| crate::write::json::parse_return_json(&t).ok());
        match archived {
            Some(old) => {
                let layout = crate::write::template::Layout::load(&defs)
                    .map_err(|e| other(format!("the return template is unusable: {e}")))?;
                outcome.figures = Some(diff::diff(&old, &built.ret, &layout));
            }
            None => outcome.reasons.push(format!(
                "no readable {RETURN_JSON} beside the manifest, so figures cannot be compared"
            )),
        }
        if outcome.reasons.is_empty() {
            outcome.reasons.push(
                "the same input, tool and definitions gave different files: please report \
                 this as a fault in the tool"
                    .to_string(),
            );
        }
    }
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(&outcome).expect("serialisable");
        s.push('\n');
        s
    } else {
        render_text(&outcome)
    };
    write_all(out, &text)?;
    Ok(if outcome.reproduced {
        EXIT_OK
    } else if outcome.files.is_empty() {
        EXIT_FAILURE
    } else {
        EXIT_ERRORS
    })
}

fn render_text(o: &Outcome) -> String {
    let mut s = String::new();
    writeln!(s, "Reproducing {} from {}", o.manifest, o.input).unwrap();
    for f in &o.files {
        let verdict = if f.identical { "identical" } else { "DIFFERS" };
        writeln!(s, "  {:<14}{verdict}", f.file).unwrap();
    }
    if o.reproduced {
        writeln!(
            s,
            "Reproduced: every output is byte-for-byte what the manifest records."
        )
        .unwrap();
        for r in &o.reasons {
            writeln!(s, "  note: {r}").unwrap();
        }
        return s;
    }
    writeln!(s, "NOT reproduced. Why:").unwrap();
    for r in &o.reasons {
        writeln!(s, "  - {r}").unwrap();
    }
    if let Some(d) = &o.figures {
        s.push('\n');
        s.push_str(&diff::render_text(d, "archived return.json", "rebuilt"));
    }
    s
}

fn write_all(out: &mut dyn Write, text: &str) -> Result<(), CommandError> {
    out.write_all(text.as_bytes())
        .map_err(|e| other(format!("cannot write the output: {e}")))
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
            write_all(out, &text)?;
            return Ok(EXIT_ERRORS);
        }
    };
    if let Some(dir) = &args.out {
        let files: Vec<(&str, &[u8])> = r
            .rebuilt
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        crate::atomic::write_dir(dir, &files, false).map_err(|e| CommandError::Write {
            path: dir.clone(),
            message: e.to_string(),
        })?;
    }
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(&r).expect("serialisable");
        s.push('\n');
        s
    } else {
        r.render_text()
    };
    write_all(out, &text)?;
    Ok(if r.reproduced { EXIT_OK } else { EXIT_ERRORS })
}
