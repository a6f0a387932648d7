//! `yjb-return reproduce`: rebuild a past return (or scorecard) from its manifest and prove it
//! identical (the engine's [`yjb_return::audit::reproduce`] and [`yjb_return::scorecard::reproduce`]):
//! this reads the manifest, the input and the definitions, writes `--out`, prints the verdict
//! and exits 0 reproduced, 1 not reproduced, 2 could not be attempted.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::Format;
use super::error::CommandError;
use super::exit::Exit;
use super::inputs;
use super::outputs;
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

/// Rebuild a past return from its manifest and prove the outputs byte-for-byte identical,
/// or show which figures differ and why.
///
/// The input the manifest names must still be readable (an archive keeps its own copy,
/// input.xlsx); the period, definitions version, generation time and acknowledged queries
/// are taken from the manifest.
///
/// Exit status: 0 reproduced, 1 not reproduced, 2 could not be attempted.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The manifest.json written by build (or the folder holding it).
    pub manifest: PathBuf,
    /// Also write the rebuilt files into this folder, which must not exist yet, to
    /// inspect them.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// How to show the result: text to read, or json for other programs
    /// (each file's expected and rebuilt SHA-256, the reasons, the figures that differ).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(
    args: &Args,
    definitions: Option<&Path>,
    out: &mut dyn Write,
) -> Result<Exit, CommandError> {
    if let Some(dir) = &args.out
        && std::fs::symlink_metadata(dir).is_ok()
    {
        return Err(CommandError::RebuiltExists(dir.clone()));
    }
    let manifest_path = if args.manifest.is_dir() {
        let path = args.manifest.join(MANIFEST_JSON);
        if !path.exists() {
            return Err(CommandError::NoManifestIn {
                dir: args.manifest.clone(),
                advice: recognise::folder_advice(
                    &crate::shell::files::Disk::new(&args.manifest),
                    Wanted::Manifest,
                    "reproduce",
                ),
            });
        }
        path
    } else {
        args.manifest.clone()
    };
    let folder = manifest_path
        .parent()
        .map_or_else(PathBuf::new, Path::to_path_buf);
    let bytes = inputs::read_input(&manifest_path, Kind::Manifest)?;
    let text = String::from_utf8_lossy(&bytes);
    if ScorecardManifest::is_scorecard(&text) {
        return scorecard(args, definitions, &manifest_path, &text, out);
    }
    let recorded = reproduce::read_manifest(&text).map_err(|source| {
        // What the file is instead, when it is another of the tool's files.
        let advice = match source {
            RecordError::NotAManifest => recognise::advice(
                &recognise::recognise(&bytes),
                &manifest_path,
                Wanted::Manifest,
                folder.join(MANIFEST_JSON).is_file(),
            ),
            _ => None,
        };
        CommandError::Manifest {
            path: manifest_path.clone(),
            source,
            advice,
        }
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
    let input = crate::shell::files::read(&input_path, Kind::Export).map_err(|source| {
        CommandError::ArchivedInput {
            shown: input_shown.clone(),
            source,
            sha256: cut(&manifest.input.sha256).into_owned(),
        }
    })?;
    let source = inputs::source(definitions)?;
    let defs = Definitions::load(&source, &manifest.definitions.version)?;
    let given = reproduce::Given {
        folder: &crate::shell::files::Disk::new(&folder),
        input: &input,
        input_shown,
        defs: &defs,
        today: inputs::now().date,
        progress: crate::shell::progress::for_terminal(args.format.is_json()),
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
            let mut text = format!("{}\n", outcome.headline);
            for r in &outcome.reasons {
                writeln!(text, "  - {r}").unwrap();
            }
            text.push_str(&report::terminal::render(
                &validation,
                &outcome.input,
                Some(report::terminal::DEFAULT_LIMIT),
            ));
            outputs::print(out, &text)?;
            return Ok(Exit::Findings);
        }
        Err(ReproduceError::Input(e)) => return Err(CommandError::load(&input_path, e)),
        Err(e) => return Err(e.into()),
    };
    let text = if args.format.is_json() {
        let mut s = serde_json::to_string_pretty(&outcome).expect("serialisable");
        s.push('\n');
        s
    } else {
        render_text(&outcome)
    };
    outputs::print(out, &text)?;
    Ok(if outcome.reproduced {
        Exit::Ok
    } else {
        Exit::Findings
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
            .map_err(|e| outputs::write_error(dir, e, None))?;
    staging
        .place_new(dir)
        .map_err(|e| outputs::write_error(dir, e, None))
}

/// A scorecard's manifest: the scorecard is rebuilt from the same archive, window and CSV copies
/// and compared file by file.
fn scorecard(
    args: &Args,
    definitions: Option<&Path>,
    manifest: &Path,
    text: &str,
    out: &mut dyn Write,
) -> Result<Exit, CommandError> {
    let source = inputs::source(definitions)?;
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
        inputs::now().date,
    ) {
        Ok(r) => r,
        Err(e @ MakeError::Unreadable(_)) => return Err(e.into()),
        Err(MakeError::Invalid(problems)) => {
            let mut text = format!(
                "NOT reproduced: the scorecard of {} can no longer be made; its inputs now have \
                 errors:\n",
                manifest.display()
            );
            for p in &problems {
                writeln!(text, "  {p}").unwrap();
            }
            outputs::print(out, &text)?;
            return Ok(Exit::Findings);
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
                .map_err(|e| outputs::write_error(dir, e, None))?;
        staging
            .place_new(dir)
            .map_err(|e| outputs::write_error(dir, e, None))?;
    }
    let text = if args.format.is_json() {
        let mut s = serde_json::to_string_pretty(&r).expect("serialisable");
        s.push('\n');
        s
    } else {
        r.render_text()
    };
    outputs::print(out, &text)?;
    Ok(if r.reproduced {
        Exit::Ok
    } else {
        Exit::Findings
    })
}
