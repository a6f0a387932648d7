//! `yjb-return build`: validate the export, then write the return's folder.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

mod account;

use super::args;
use super::error::CommandError;
use super::exit::Exit;
use super::inputs::{self, read_input};
use super::outputs::{self, write_error};
use crate::shell::atomic::{Replaced, Staging};
use crate::shell::files::Kind;
use crate::shell::folders::{check_replaceable, first_free};
use account::{against_earlier, refusal, summary};
use yjb_return::date::Timestamp;
use yjb_return::names::MANIFEST_JSON;
use yjb_return::names::{
    ARCHIVED_INPUT, ARCHIVED_SIDECAR, BUILD_FILES, Filing, MAX_SUBMISSIONS, filing_folder,
};
use yjb_return::period::Period;
use yjb_return::report;
use yjb_return::validate::{Cells, Options, Validation, input};
use yjb_return::write::manifest::AcknowledgedQuery;
use yjb_return::write::{self, Request};

/// Build the quarterly return: validate, count, and write return.xlsx, return.xml,
/// return.json and manifest.json into a folder.
///
/// Refuses (exit 1) when the export has errors; warnings are listed and do not stop it.
/// Files appear whole or not at all, and an existing return is never overwritten without
/// --force.
#[derive(Debug, Clone, clap::Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["out", "archive"])))]
pub struct Args {
    /// The case-management export (.xlsx).
    pub export: PathBuf,
    /// The reporting period, e.g. "2024-25 Q2".
    #[arg(long, value_parser = args::period)]
    pub period: Period,
    /// The folder to write the return into, e.g. returns/2024-25-Q2.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// File the return in an archive: DIR/<year>-Q<n>/ with a copy of the input, so it can
    /// be reproduced later; a resubmission gets its own numbered folder and is compared
    /// with the latest earlier submission; a provisional return goes in
    /// DIR/<year>-Q<n>-provisional/, never counted as a submission.
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,
    /// Build a provisional return: allowed from an export taken before the period ended (an
    /// early look), and marked "provisional" in every file; it is for internal use, not
    /// for submission, and `check` says it is not fit to send (exit 1).
    #[arg(long)]
    pub provisional: bool,
    /// Replace the --out folder if it holds a return this tool built (nothing else is ever
    /// replaced).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Record this generation time instead of now (UTC, e.g. 2024-10-21T09:30:00Z).
    #[arg(long, value_name = "TIME", value_parser = args::timestamp)]
    pub generated_at: Option<Timestamp>,
    /// Explanations for warnings that are right, as CSV (default: the export's name with
    /// `.acknowledgements.csv`, when that file exists).
    #[arg(long, value_name = "FILE.csv")]
    pub acknowledgements: Option<PathBuf>,
}

/// Where the return goes.
#[derive(Debug, Clone, Copy)]
enum Target<'a> {
    /// Write the return into exactly this folder (`--out`, replacing a return there with
    /// `--force`).
    Folder(&'a Path),
    /// File it under an archive root as `<root>/<year>-<quarter>/`, with a copy of the input;
    /// a resubmission gets `<year>-<quarter>-resubmission-N/`, a provisional return
    /// `<year>-<quarter>-provisional/` (then `-provisional-N/`). Never overwrites.
    Archive(&'a Path),
}

impl Args {
    /// `--out` or `--archive`: clap requires exactly one of them.
    fn target(&self) -> Result<Target<'_>, CommandError> {
        match (&self.out, &self.archive) {
            (Some(dir), _) => Ok(Target::Folder(dir)),
            (None, Some(root)) => Ok(Target::Archive(root)),
            (None, None) => Err(CommandError::NoTarget),
        }
    }
}

/// Refuses, before the work of a build (and again just before the swap), a target that could
/// never take the return: `--out` naming a file or a link, a folder that is not a return
/// build wrote, or one holding the export or acknowledgements being read; `--archive` naming
/// anything but a folder. An archive reached through a link is the user's own arrangement:
/// the return is filed in the folder it leads to (nothing is ever replaced in an archive).
fn check_target(args: &Args, target: Target) -> Result<(), CommandError> {
    match target {
        Target::Folder(dir) => {
            let Ok(meta) = std::fs::symlink_metadata(dir) else {
                return Ok(());
            };
            if meta.is_symlink() {
                return Err(outputs::out_is_a_link(dir, "a return"));
            }
            if !meta.is_dir() {
                return Err(CommandError::OutIsAFile {
                    dir: dir.to_path_buf(),
                    what: "the return",
                });
            }
            outputs::not_the_current_folder(dir, "a return", "returns")?;
            if !args.force {
                return Err(CommandError::ReturnExists(dir.to_path_buf()));
            }
            check_replaceable(dir).map_err(|why| CommandError::NotAReturnsFolder {
                dir: dir.to_path_buf(),
                why,
            })?;
            // A return's own folder holds its input under the names build gives it.
            let sidecar = inputs::sidecar_path(&args.export, args.acknowledgements.as_deref());
            let mut inputs = vec![("the export being read", args.export.as_path())];
            if let Some(s) = &sidecar {
                inputs.push(("the acknowledgements file being read", s.as_path()));
            }
            outputs::not_holding_inputs(dir, &inputs, "the return")
        }
        Target::Archive(root) => match std::fs::metadata(root) {
            Ok(meta) if meta.is_dir() => Ok(()),
            Ok(_) => Err(CommandError::ArchiveIsAFile {
                root: root.to_path_buf(),
                link: std::fs::symlink_metadata(root).is_ok_and(|m| m.is_symlink()),
            }),
            Err(_) => match std::fs::read_link(root) {
                Ok(to) => Err(CommandError::ArchiveLinkBroken {
                    root: root.to_path_buf(),
                    to,
                }),
                Err(_) => Ok(()),
            },
        },
    }
}

pub fn run(
    args: &Args,
    definitions: Option<&Path>,
    out: &mut dyn Write,
) -> Result<Exit, CommandError> {
    let target = args.target()?;
    check_target(args, target)?;
    let defs = inputs::definitions(definitions, Some(args.period))?;
    let bytes = read_input(&args.export, Kind::Export)?;
    let sidecar = inputs::sidecar(&args.export, args.acknowledgements.as_deref())?;
    let progress = crate::shell::progress::for_terminal(false);
    let v = input::validate_bytes(
        &bytes,
        &defs,
        &Options {
            period: Some(args.period),
            provisional: args.provisional,
            progress: progress.clone(),
            today: Some(inputs::now().date),
        },
        sidecar.as_ref(),
        Cells::Drop,
    )
    .map_err(|e| CommandError::load(&args.export, e))?;
    inputs::note_if_open_in_excel(&args.export);
    let file = args.export.display().to_string();
    if v.internal_failures() > 0 || v.has_errors() {
        progress.done();
        let mut text = report::terminal::render(&v, &file, Some(report::terminal::DEFAULT_LIMIT));
        text.push('\n');
        text.push_str(&refusal(&v, args.period, &args.export));
        outputs::print(out, &text)?;
        return Ok(if v.internal_failures() > 0 {
            Exit::Failure
        } else {
            Exit::Findings
        });
    }
    generation_time_covers(args)?;
    let export = v.export().map_err(|source| CommandError::Export {
        file: file.clone(),
        source,
    })?;
    let acknowledged = acknowledged(&v);
    let input_path = match target {
        Target::Archive(_) => ARCHIVED_INPUT.to_string(),
        Target::Folder(_) => crate::shell::files::resolved_for_record(&args.export),
    };
    let request = Request {
        period: args.period,
        provisional: args.provisional,
        generated_at: args.generated_at.unwrap_or_else(inputs::now),
        input_path,
        input_sha256: v.sha256.clone(),
        input_bytes: bytes.len() as u64,
        acknowledged: &acknowledged,
    };
    progress.stage("Counting the return and writing its files");
    let built = write::build(&export, &defs, &request)?;
    let manifest = built.manifest.to_json();
    let mut files: Vec<(&str, &[u8])> = built
        .files
        .iter()
        .map(|(n, b)| (*n, b.as_slice()))
        .collect();
    files.push((MANIFEST_JSON, manifest.as_bytes()));
    // The archive keeps the very bytes validated: the export and its acknowledgements.
    if let Target::Archive(_) = target {
        files.push((ARCHIVED_INPUT, &bytes));
        if let Some(s) = &sidecar {
            files.push((ARCHIVED_SIDECAR, &s.bytes));
        }
    }
    let (dir, kept) = place(args, target, &files)?;
    progress.done();
    let mut text = summary(&v, &built, &dir);
    if let Target::Archive(root) = target
        && let Some(moved) = against_earlier(root, &dir, &built.ret, &defs)
    {
        writeln!(text, "\n{moved}").unwrap();
    }
    if let Some(note) =
        inputs::sidecar_not_found(&args.export, args.acknowledgements.as_deref(), &v)
    {
        writeln!(text, "\n{note}").unwrap();
    }
    if let Some(kept) = kept {
        writeln!(
            text,
            "\nThe folder it replaced also held files build never writes; they were kept in {}",
            kept.display()
        )
        .unwrap();
    }
    outputs::print(out, &text)?;
    // The process ends when the build returns: handing the typed export and the validated
    // rows back to the allocator one string at a time would only delay the exit (about 1.5%
    // of a large build's time).
    std::mem::forget(export);
    std::mem::forget(v);
    Ok(Exit::Ok)
}

/// A `--generated-at` that `check` would call impossible for the period (C106): a return is
/// never written that `check` refuses for its own identity. Without it the time is now, and the
/// export's checks (E451, E453) already ensure the period had ended (or begun, provisional).
fn generation_time_covers(args: &Args) -> Result<(), CommandError> {
    let Some(at) = args.generated_at else {
        return Ok(());
    };
    let today = inputs::now().date;
    match yjb_return::audit::check::cannot_cover(args.period, args.provisional, at.date, today) {
        Some(why) => Err(CommandError::GeneratedAt { at, why }),
        None => Ok(()),
    }
}

/// Writes the return's folder and puts it in place: exactly the `--out` folder (replacing
/// a return there only with `--force`), or the first free folder of the archive for a
/// submission (or a provisional return). Returns where it went, and where an old folder holding
/// other files was kept, if so.
fn place(
    args: &Args,
    target: Target,
    files: &[(&str, &[u8])],
) -> Result<(PathBuf, Option<PathBuf>), CommandError> {
    let (period, provisional) = (args.period, args.provisional);
    match target {
        Target::Folder(dir) => {
            let mut staging = Staging::write(dir, files, &BUILD_FILES)
                .map_err(|e| write_error(dir, e, Some("--force")))?;
            if args.force && std::fs::symlink_metadata(dir).is_ok() {
                // Looked at again: the folder may have changed while the return was built.
                check_target(args, target)?;
                let replaced = staging
                    .replace(dir)
                    .map_err(|e| write_error(dir, e, Some("--force")))?;
                let kept = match replaced {
                    Replaced::KeptAt(path) => Some(path),
                    Replaced::Nothing | Replaced::Removed => None,
                };
                return Ok((dir.to_path_buf(), kept));
            }
            match staging.place_new(dir) {
                Ok(()) => Ok((dir.to_path_buf(), None)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    Err(CommandError::ReturnExists(dir.to_path_buf()))
                }
                Err(e) => Err(write_error(dir, e, Some("--force"))),
            }
        }
        Target::Archive(root) => {
            let kind = if provisional {
                Filing::Provisional(1)
            } else {
                Filing::Submission(1)
            };
            let first = root.join(filing_folder(period, kind));
            let mut staging = Staging::write(&first, files, &BUILD_FILES)
                .map_err(|e| write_error(&first, e, None))?;
            // Another build may file the same quarter at the same moment: a taken number is
            // never replaced, the next one is tried.
            for n in first_free(root, period, kind).number()..=MAX_SUBMISSIONS {
                let dir = root.join(filing_folder(period, kind.numbered(n)));
                match staging.place_new(&dir) {
                    Ok(()) => return Ok((dir, None)),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                    Err(e) => return Err(write_error(&dir, e, None)),
                }
            }
            Err(CommandError::ArchiveFull {
                root: root.to_path_buf(),
                period,
                provisional,
            })
        }
    }
}

/// Warnings acknowledged with an explanation: they travel into the manifest and the workbook.
fn acknowledged(v: &Validation) -> Vec<AcknowledgedQuery> {
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
