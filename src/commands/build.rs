//! `yjb-return build`: validate the export, then write the return's folder.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CommandError, EXIT_ERRORS, EXIT_FAILURE, EXIT_OK, read_input};
use crate::build::{self, MANIFEST_JSON, Request};
use crate::date::Timestamp;
use crate::definitions::Severity;
use crate::manifest::AcknowledgedQuery;
use crate::period::Period;
use crate::report;
use crate::validate::Validation;

/// The archived copy of the input inside an archive folder, and its acknowledgements sidecar
/// (named so that `validate` finds it beside the copy by the usual convention).
pub const ARCHIVED_INPUT: &str = "input.xlsx";
pub const ARCHIVED_SIDECAR: &str = "input.acknowledgements.csv";

#[derive(Debug, Clone)]
pub enum Target {
    /// Write the return into exactly this folder.
    Folder { dir: PathBuf, force: bool },
    /// File it under an archive root as `<root>/<year>-<quarter>/`, with a copy of the input;
    /// a resubmission gets `<year>-<quarter>-resubmission-N/`. Never overwrites.
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
}

/// The folder name of a period in an archive: `2024-25-Q2`.
pub fn period_folder(period: Period) -> String {
    format!("{}-Q{}", period.year_label(), period.quarter())
}

/// The first free folder for this period under an archive root.
pub fn archive_folder(root: &Path, period: Period) -> PathBuf {
    let base = period_folder(period);
    let first = root.join(&base);
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| root.join(format!("{base}-resubmission-{n}")))
        .find(|p| !p.exists())
        .expect("an unused folder name")
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<i32, CommandError> {
    let (dir, force) = match &args.target {
        Target::Folder { dir, force } => (dir.clone(), *force),
        Target::Archive(root) => (archive_folder(root, args.period), false),
    };
    if dir.exists() && !force {
        return Err(CommandError::Other(format!(
            "{} already exists; a return is never overwritten unless you add --force \
             (or use --archive, which files a resubmission in a new folder)",
            dir.display()
        )));
    }
    let vargs = super::validate::Args {
        export: args.export.clone(),
        period: Some(args.period),
        definitions: args.definitions.clone(),
        acknowledgements: args.acknowledgements.clone(),
        ..Default::default()
    };
    let defs = super::definitions(args.definitions.as_deref(), Some(args.period))?;
    let bytes = read_input(&args.export)?;
    let v = super::validate::load_bytes(&vargs, &defs, &bytes)?;
    let file = args.export.display().to_string();
    if v.internal_failures() > 0 || v.has_errors() {
        let mut text = report::terminal::render(&v, &file, Some(report::terminal::DEFAULT_LIMIT));
        text.push_str(
            "\nThe return was not built: fix the errors above in the case-management system, \
             export again and rerun build. `validate --report issues.xlsx` lists them all.\n",
        );
        write_out(out, &text)?;
        return Ok(if v.internal_failures() > 0 {
            EXIT_FAILURE
        } else {
            EXIT_ERRORS
        });
    }
    let export = v
        .export()
        .map_err(|e| CommandError::Other(format!("{file}: {e}")))?;
    let acknowledged = acknowledged(&v);
    let sidecar = super::validate::sidecar(&vargs);
    let input_path = match &args.target {
        Target::Archive(_) => ARCHIVED_INPUT.to_string(),
        Target::Folder { .. } => std::fs::canonicalize(&args.export)
            .unwrap_or_else(|_| args.export.clone())
            .display()
            .to_string(),
    };
    let request = Request {
        period: args.period,
        generated_at: args.generated_at.unwrap_or_else(Timestamp::now),
        input_path,
        input_sha256: v.sha256.clone(),
        input_bytes: bytes.len() as u64,
        acknowledged: &acknowledged,
    };
    let built =
        build::build(&export, &defs, &request).map_err(|e| CommandError::Other(e.to_string()))?;
    let manifest = built.manifest.to_json();
    let mut files: Vec<(&str, &[u8])> = built
        .files
        .iter()
        .map(|(n, b)| (*n, b.as_slice()))
        .collect();
    files.push((MANIFEST_JSON, manifest.as_bytes()));
    let sidecar_bytes = match (&args.target, &sidecar) {
        (Target::Archive(_), Some(path)) => Some(read_input(path)?),
        _ => None,
    };
    if let Target::Archive(_) = args.target {
        files.push((ARCHIVED_INPUT, &bytes));
        if let Some(b) = &sidecar_bytes {
            files.push((ARCHIVED_SIDECAR, b));
        }
    }
    crate::atomic::write_dir(&dir, &files, force).map_err(|e| CommandError::Write {
        path: dir.clone(),
        message: e.to_string(),
    })?;
    write_out(out, &summary(&v, &built, &dir))?;
    Ok(EXIT_OK)
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

fn summary(v: &Validation, built: &build::Built, dir: &Path) -> String {
    let id = &built.ret.identity;
    let mut s = String::new();
    writeln!(
        s,
        "Built the {} return for {} ({}) in {}",
        id.period,
        id.yjs_name,
        id.yjs_code,
        dir.display()
    )
    .unwrap();
    for (name, what) in [
        (
            build::RETURN_XLSX,
            "the return for people: one section per KPI",
        ),
        (build::RETURN_XML, "the file to submit to the YJB"),
        (build::RETURN_JSON, "every figure by measure code"),
        (MANIFEST_JSON, "how it was made, for `reproduce`"),
    ] {
        writeln!(s, "  {name:<14}{what}").unwrap();
    }
    writeln!(
        s,
        "  {} measures; definitions {}; generated at {}",
        built.ret.measures.len(),
        id.definitions_version,
        id.generated_at
    )
    .unwrap();
    let warnings: Vec<_> = v
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .collect();
    if !warnings.is_empty() {
        let open = warnings.iter().filter(|f| f.acknowledged.is_none()).count();
        writeln!(
            s,
            "\n{} warning(s) ({} acknowledged); they do not stop the build:",
            warnings.len(),
            warnings.len() - open
        )
        .unwrap();
        for f in warnings.iter().take(report::terminal::DEFAULT_LIMIT) {
            writeln!(s, "  {}", report::terminal::line(f)).unwrap();
        }
        if warnings.len() > report::terminal::DEFAULT_LIMIT {
            writeln!(
                s,
                "  …and {} more (`validate --all` lists them)",
                warnings.len() - report::terminal::DEFAULT_LIMIT
            )
            .unwrap();
        }
    }
    s
}

fn write_out(out: &mut dyn Write, text: &str) -> Result<(), CommandError> {
    out.write_all(text.as_bytes())
        .map_err(|e| CommandError::Other(format!("cannot write the output: {e}")))
}
