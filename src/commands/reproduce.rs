//! `yjb-return reproduce`: rebuild a past return (or scorecard) from its manifest and prove it
//! identical (the engine's [`yjb_return::audit::reproduce`] and [`yjb_return::scorecard::reproduce`]):
//! this reads the manifest, the input and the definitions, writes `--out`, prints the verdict
//! and exits 0 reproduced, 1 not reproduced, 2 could not be attempted.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CommandError, EXIT_ERRORS, EXIT_OK};
use crate::shell::files::Kind;
use yjb_return::audit::reproduce::verdict::render_text;
use yjb_return::audit::reproduce::{self, RecordError, ReproduceError, Reproduction};
use yjb_return::definitions::Definitions;
use yjb_return::names::MANIFEST_JSON;
use yjb_return::recognise::{self, Wanted};
use yjb_return::report;
use yjb_return::scorecard::make::MakeError;
use yjb_return::scorecard::manifest::ScorecardManifest;
use yjb_return::text::cut;

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
                    &crate::shell::files::Disk::new(&args.manifest),
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
    let recorded = reproduce::read_manifest(&text).map_err(|e| match e {
        RecordError::NotAManifest => {
            let what = recognise::recognise(&bytes);
            other(format!(
                "{}: {}",
                manifest_path.display(),
                recognise::advice(
                    &what,
                    &manifest_path,
                    Wanted::Manifest,
                    folder.join(MANIFEST_JSON).is_file(),
                )
                .unwrap_or_else(|| e.to_string())
            ))
        }
        e => other(format!("{}: {e}", manifest_path.display())),
    })?;
    let manifest = &recorded.manifest;
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
    let input = crate::shell::files::read(&input_path, Kind::Export).map_err(|e| {
        other(format!(
            "cannot read the archived input {input_shown} named by the manifest ({e}); it \
             should have SHA-256 {}",
            cut(&manifest.input.sha256)
        ))
    })?;
    let source = super::source(args.definitions.as_deref())?;
    let defs = Definitions::load(&source, &manifest.definitions.version)?;
    let given = reproduce::Given {
        folder: &crate::shell::files::Disk::new(&folder),
        input: &input,
        input_shown,
        defs: &defs,
        today: super::now().date,
        progress: crate::shell::progress::for_terminal(args.json),
    };
    let outcome = match reproduce::reproduce(&recorded, &given) {
        Ok(Reproduction::Compared { outcome, built }) => {
            if let Some(dir) = &args.out {
                write_rebuilt(dir, &built)?;
            }
            outcome
        }
        Ok(Reproduction::InputInvalid {
            outcome,
            validation,
        }) => {
            let text = reproduce::verdict::render_invalid(
                &outcome,
                &validation,
                Some(report::terminal::DEFAULT_LIMIT),
            );
            super::print(out, &text)?;
            return Ok(EXIT_ERRORS);
        }
        Err(ReproduceError::Input(e)) => return Err(CommandError::load(&input_path, e)),
        Err(e) => return Err(other(e.to_string())),
    };
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

/// Writes the rebuilt return into a new folder (`--out`), whole or not at all.
fn write_rebuilt(dir: &Path, built: &yjb_return::write::Built) -> Result<(), CommandError> {
    let mut files: Vec<(&str, &[u8])> = built
        .files
        .iter()
        .map(|(n, b)| (*n, b.as_slice()))
        .collect();
    let m = built.manifest.to_json();
    files.push((MANIFEST_JSON, m.as_bytes()));
    let mut staging =
        crate::shell::atomic::Staging::write(dir, &files, &yjb_return::names::BUILD_FILES)
            .map_err(|e| super::write_error(dir, &e, None))?;
    staging
        .place_new(dir)
        .map_err(|e| super::write_error(dir, &e, None))
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
    let open = |path: &str| -> Box<dyn yjb_return::folder::Folder> {
        Box::new(crate::shell::files::Disk::new(path))
    };
    let r = match yjb_return::scorecard::reproduce::reproduce(
        &crate::shell::files::Disk::strict(folder),
        text,
        &open,
        &source,
        super::now().date,
    ) {
        Ok(r) => r,
        Err(MakeError::Unreadable(message)) => return Err(other(message)),
        Err(MakeError::Invalid(problems)) => {
            let text = yjb_return::scorecard::reproduce::render_invalid(
                &manifest.display().to_string(),
                &problems,
            );
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
        let mut staging =
            crate::shell::atomic::Staging::write(dir, &files, &yjb_return::scorecard::FILES)
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
