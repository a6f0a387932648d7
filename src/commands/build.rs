//! `yjb-return build`: validate the export, then write the return's folder.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CommandError, EXIT_ERRORS, EXIT_FAILURE, EXIT_OK, read_input, write_error};
use crate::shell::atomic::{Replaced, Staging};
use crate::shell::files::Kind;
use crate::shell::folders::{check_replaceable, first_free};
use yjb_return::date::Timestamp;
use yjb_return::names::MANIFEST_JSON;
use yjb_return::names::{
    ARCHIVED_INPUT, ARCHIVED_SIDECAR, BUILD_FILES, Filing, MAX_SUBMISSIONS, filing_folder,
};
use yjb_return::period::Period;
use yjb_return::report;
use yjb_return::validate::{Cells, Options, Validation, input};
use yjb_return::write::{self, Request};

#[derive(Debug, Clone)]
pub enum Target {
    /// Write the return into exactly this folder.
    Folder { dir: PathBuf, force: bool },
    /// File it under an archive root as `<root>/<year>-<quarter>/`, with a copy of the input;
    /// a resubmission gets `<year>-<quarter>-resubmission-N/`, a provisional return
    /// `<year>-<quarter>-provisional/` (then `-provisional-N/`). Never overwrites.
    Archive(PathBuf),
}

#[derive(Debug, Clone)]
pub struct Args {
    pub export: PathBuf,
    pub period: Period,
    pub target: Target,
    /// The generation time to record (default: now). `reproduce` uses the manifest's.
    pub generated_at: Option<Timestamp>,
    pub definitions: Option<PathBuf>,
    pub acknowledgements: Option<PathBuf>,
    /// Build a provisional return: allowed from an export taken before the period ended, and
    /// marked provisional in every output.
    pub provisional: bool,
}

/// Refuses, before the work of a build (and again just before the swap), a target that could
/// never take the return: `--out` naming a file or a link, a folder that is not a return
/// build wrote, or one holding the export or acknowledgements being read; `--archive` naming
/// anything but a folder. An archive reached through a link is the user's own arrangement:
/// the return is filed in the folder it leads to (nothing is ever replaced in an archive).
fn check_target(args: &Args) -> Result<(), CommandError> {
    match &args.target {
        Target::Folder { dir, force } => {
            let Ok(meta) = std::fs::symlink_metadata(dir) else {
                return Ok(());
            };
            if meta.is_symlink() {
                return Err(super::out_is_a_link(dir, "a return"));
            }
            if !meta.is_dir() {
                return Err(CommandError::Other(format!(
                    "{} is a file, not a folder: name a folder for the return (nothing was \
                     changed)",
                    dir.display()
                )));
            }
            super::not_the_current_folder(dir, "a return", "returns")?;
            if !force {
                return Err(exists(dir));
            }
            check_replaceable(dir).map_err(|why| {
                CommandError::Other(format!("cannot replace {}: {why}", dir.display()))
            })?;
            // A return's own folder holds its input under the names build gives it.
            let sidecar = super::sidecar_path(&args.export, args.acknowledgements.as_deref());
            let mut inputs = vec![("the export being read", args.export.as_path())];
            if let Some(s) = &sidecar {
                inputs.push(("the acknowledgements file being read", s.as_path()));
            }
            super::not_holding_inputs(dir, &inputs, "the return")
        }
        Target::Archive(root) => match std::fs::metadata(root) {
            Ok(meta) if meta.is_dir() => Ok(()),
            Ok(_) => Err(CommandError::Other(format!(
                "--archive {} is {}, not a folder: name the archive's folder (nothing was changed)",
                root.display(),
                if std::fs::symlink_metadata(root).is_ok_and(|m| m.is_symlink()) {
                    "a link to a file"
                } else {
                    "a file"
                }
            ))),
            Err(_) => match std::fs::read_link(root) {
                Ok(to) => Err(CommandError::Other(format!(
                    "--archive {} is a link to {}, which does not exist: create that folder, or \
                     name the archive's folder itself (nothing was changed)",
                    root.display(),
                    to.display()
                ))),
                Err(_) => Ok(()),
            },
        },
    }
}

fn exists(dir: &Path) -> CommandError {
    CommandError::Other(format!(
        "{} already exists; a return is never overwritten unless you add --force \
         (or use --archive, which files a resubmission in a new folder)",
        dir.display()
    ))
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<i32, CommandError> {
    check_target(args)?;
    let defs = super::definitions(args.definitions.as_deref(), Some(args.period))?;
    let bytes = read_input(&args.export, Kind::Export)?;
    let sidecar = super::sidecar(&args.export, args.acknowledgements.as_deref())?;
    let progress = crate::shell::progress::for_terminal(false);
    let v = input::validate_bytes(
        &bytes,
        &defs,
        &Options {
            period: Some(args.period),
            provisional: args.provisional,
            progress: progress.clone(),
            today: Some(super::now().date),
        },
        sidecar.as_ref(),
        Cells::Drop,
    )
    .map_err(|e| CommandError::load(&args.export, e))?;
    super::note_if_open_in_excel(&args.export);
    let file = args.export.display().to_string();
    if v.internal_failures() > 0 || v.has_errors() {
        progress.done();
        let mut text = report::terminal::render(&v, &file, Some(report::terminal::DEFAULT_LIMIT));
        text.push('\n');
        text.push_str(&refusal(&v, args));
        super::print(out, &text)?;
        return Ok(if v.internal_failures() > 0 {
            EXIT_FAILURE
        } else {
            EXIT_ERRORS
        });
    }
    generation_time_covers(args)?;
    let export = v
        .export()
        .map_err(|e| CommandError::Other(format!("{file}: {e}")))?;
    let acknowledged = write::acknowledged(&v);
    let input_path = match &args.target {
        Target::Archive(_) => ARCHIVED_INPUT.to_string(),
        Target::Folder { .. } => crate::shell::files::resolved_for_record(&args.export),
    };
    let request = Request {
        period: args.period,
        provisional: args.provisional,
        generated_at: args.generated_at.unwrap_or_else(super::now),
        input_path,
        input_sha256: v.sha256.clone(),
        input_bytes: bytes.len() as u64,
        acknowledged: &acknowledged,
    };
    progress.stage("Counting the return and writing its files");
    let built =
        write::build(&export, &defs, &request).map_err(|e| CommandError::Other(e.to_string()))?;
    let manifest = built.manifest.to_json();
    let mut files: Vec<(&str, &[u8])> = built
        .files
        .iter()
        .map(|(n, b)| (*n, b.as_slice()))
        .collect();
    files.push((MANIFEST_JSON, manifest.as_bytes()));
    // The archive keeps the very bytes validated: the export and its acknowledgements.
    if let Target::Archive(_) = args.target {
        files.push((ARCHIVED_INPUT, &bytes));
        if let Some(s) = &sidecar {
            files.push((ARCHIVED_SIDECAR, &s.bytes));
        }
    }
    let (dir, kept) = place(args, &files)?;
    progress.done();
    let mut text = write::summary::render(
        &v,
        &built,
        &dir.display().to_string(),
        Some(report::terminal::DEFAULT_LIMIT),
    );
    if let Target::Archive(root) = &args.target
        && let Some(moved) = dir.file_name().and_then(|name| {
            yjb_return::audit::resubmission::against_earlier(
                &crate::shell::files::Disk::new(root),
                &name.to_string_lossy(),
                &built.ret,
                &defs,
            )
        })
    {
        writeln!(text, "\n{moved}").unwrap();
    }
    if let Some(note) = super::sidecar_not_found(&args.export, args.acknowledgements.as_deref(), &v)
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
    super::print(out, &text)?;
    // The process ends when the build returns: handing the typed export and the validated
    // rows back to the allocator one string at a time would only delay the exit (about 1.5%
    // of a large build's time).
    std::mem::forget(export);
    std::mem::forget(v);
    Ok(EXIT_OK)
}

/// A `--generated-at` that `check` would call impossible for the period (C106): a return is
/// never written that `check` refuses for its own identity. Without it the time is now, and the
/// export's checks (E451, E453) already ensure the period had ended (or begun, provisional).
fn generation_time_covers(args: &Args) -> Result<(), CommandError> {
    let Some(at) = args.generated_at else {
        return Ok(());
    };
    let today = super::now().date;
    match yjb_return::audit::check::cannot_cover(args.period, args.provisional, at.date, today) {
        Some(why) => Err(CommandError::Other(format!(
            "--generated-at {at} cannot be recorded: {why} (check C106); nothing was written"
        ))),
        None => Ok(()),
    }
}

/// Writes the return's folder and puts it in place: exactly the `--out` folder (replacing
/// a return there only with `--force`), or the first free folder of the archive for a
/// submission (or a provisional return). Returns where it went, and where an old folder holding
/// other files was kept, if so.
fn place(args: &Args, files: &[(&str, &[u8])]) -> Result<(PathBuf, Option<PathBuf>), CommandError> {
    let (period, provisional) = (args.period, args.provisional);
    match &args.target {
        Target::Folder { dir, force } => {
            let mut staging = Staging::write(dir, files, &BUILD_FILES)
                .map_err(|e| write_error(dir, &e, Some("--force")))?;
            if *force && std::fs::symlink_metadata(dir).is_ok() {
                // Looked at again: the folder may have changed while the return was built.
                check_target(args)?;
                let replaced = staging
                    .replace(dir)
                    .map_err(|e| write_error(dir, &e, Some("--force")))?;
                let kept = match replaced {
                    Replaced::KeptAt(path) => Some(path),
                    Replaced::Nothing | Replaced::Removed => None,
                };
                return Ok((dir.clone(), kept));
            }
            match staging.place_new(dir) {
                Ok(()) => Ok((dir.clone(), None)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists(dir)),
                Err(e) => Err(write_error(dir, &e, Some("--force"))),
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
                .map_err(|e| write_error(&first, &e, None))?;
            // Another build may file the same quarter at the same moment: a taken number is
            // never replaced, the next one is tried.
            for n in first_free(root, period, kind).number()..=MAX_SUBMISSIONS {
                let dir = root.join(filing_folder(period, kind.numbered(n)));
                match staging.place_new(&dir) {
                    Ok(()) => return Ok((dir, None)),
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                    Err(e) => return Err(write_error(&dir, &e, None)),
                }
            }
            let what = if provisional {
                "provisional returns"
            } else {
                "submissions"
            };
            Err(CommandError::Other(format!(
                "{} already holds {MAX_SUBMISSIONS} {what} of {period}; nothing was filed",
                root.display()
            )))
        }
    }
}

/// Why the return was not built and what to do next: a period the export does not cover is
/// fixed on the command line; anything else in the case-management system.
fn refusal(v: &Validation, args: &Args) -> String {
    let period = args.period;
    if let Some(yjb_return::validate::Refusal::Period { early }) = v.refusal() {
        let early = if early {
            ", or add --provisional for an early look (a provisional return is not fit to send)"
        } else {
            ""
        };
        return format!(
            "The return was not built: the export does not cover {period}. Check --period{early}.\n"
        );
    }
    format!(
        "The return was not built: fix the errors above in the case-management system, export \
         again and rerun build. To list them all in a workbook, run:\n  yjb-return validate \
         \"{}\" --period \"{period}\" --report issues.xlsx\n",
        args.export.display()
    )
}
