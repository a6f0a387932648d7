//! `yjb-return explain`: who is behind a figure, and, between two exports of one period, what
//! moved it.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::{self, Format};
use super::error::{Clash, CommandError};
use super::exit::Exit;
use super::inputs::{self, read_input};
use super::outputs::{self, write_output};
use crate::shell::files::Kind;
use yjb_return::definitions::{Definitions, Severity};
use yjb_return::explain::{self, ExplainError, Selection, json::Source, text};
use yjb_return::period::Period;
use yjb_return::report;
use yjb_return::validate::{Cells, Finding, Options, Validation, input};

/// Show who is behind a figure: the records each measure counts, each on the row that decides
/// it with a sentence saying why; for a percentage, the records of its denominator it does not
/// count and why; and the near misses, records that touch the period but a rule left out.
///
/// Given two exports of the same period (the first and a corrected one), lists every measure
/// whose figure differs and the records that entered or left it, with what changed in each.
///
/// Every output holds children's case identifiers: keep it inside the service. An export with
/// errors is refused as build refuses it; warnings are listed and do not stop it.
///
/// Exit status: 0 explained; 1 an export has errors; 2 unreadable input or misuse (an unknown
/// measure code among them).
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The case-management export (.xlsx); with NEW, the earlier of the two.
    #[arg(value_name = "EXPORT")]
    pub export: PathBuf,
    /// A later export of the same period (e.g. the corrected one): show what moved the figures.
    #[arg(value_name = "NEW")]
    pub new: Option<PathBuf>,
    /// The reporting period, e.g. "2024-25 Q4".
    #[arg(long, value_parser = args::period)]
    pub period: Period,
    /// The measure to explain: a code (kpi1.all.suitable), a section (kpi1), a pattern
    /// (kpi1.*.suitable) or * for every one. Repeat it for several. With --out or --format json
    /// and no --measure, every measure; comparing two exports, every measure that moved.
    #[arg(long = "measure", value_name = "CODE")]
    pub measures: Vec<String>,
    /// The export is for a provisional return: one taken before the period ended is allowed.
    #[arg(long)]
    pub provisional: bool,
    /// Output on the terminal: readable text, or JSON for other programs.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Also write the explanation as a workbook: a Measures sheet and one sheet per section,
    /// filterable, printable on A4.
    #[arg(long, value_name = "FILE.xlsx")]
    pub out: Option<PathBuf>,
    /// Replace the --out file if it already exists (never an export being read).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// List every record on the terminal instead of the first 40 of each measure.
    #[arg(long)]
    pub all: bool,
    /// Explanations for warnings that are right, as CSV (default: the export's name with
    /// `.acknowledgements.csv`, when that file exists).
    #[arg(long, value_name = "FILE.csv")]
    pub acknowledgements: Option<PathBuf>,
}

pub fn run(
    args: &Args,
    definitions: Option<&Path>,
    out: &mut dyn Write,
) -> Result<Exit, CommandError> {
    let defs = inputs::definitions(definitions, Some(args.period))?;
    let known = explain::known_codes(&defs, args.period);
    let selection = Selection::parse(&args.measures, &known)?;
    match &args.new {
        None => one(args, &defs, &selection, out),
        Some(new) => two(args, new, &defs, &selection, out),
    }
}

/// Explains one export.
fn one(
    args: &Args,
    defs: &Definitions,
    selection: &Selection,
    out: &mut dyn Write,
) -> Result<Exit, CommandError> {
    if args.measures.is_empty() && args.out.is_none() && args.format == Format::Text {
        return Err(CommandError::NoMeasure);
    }
    if let Some(path) = &args.out {
        check_out(path, args)?;
    }
    let progress = crate::shell::progress::for_terminal(args.format == Format::Json);
    let v = load(args, &args.export, defs, &progress)?;
    let file = args.export.display().to_string();
    if let Some(refused) = refusal(&v, &args.export, args)? {
        progress.done();
        outputs::print(out, &refused)?;
        return Ok(status(&v));
    }
    progress.stage("Explaining the figures");
    let x = explain::explain(&v, defs, args.period, selection).map_err(|e| match e {
        ExplainError::Records(source) => CommandError::Export {
            file: file.clone(),
            source,
        },
        e => CommandError::Explain(e),
    })?;
    // Never freed: the process ends once it is written, and freeing every measure's records
    // one by one (millions of them for a large export) would cost a twentieth of the run.
    let x = std::mem::ManuallyDrop::new(x);
    let source = Source {
        file: &file,
        sha256: &v.sha256,
        definitions_version: &defs.version,
    };
    let warnings = explain::warnings(&v);
    let mut written = String::new();
    if let Some(path) = &args.out {
        progress.stage("Writing the workbook");
        let bytes =
            explain::xlsx::render(&x, &source).map_err(|e| outputs::workbook_error(path, e))?;
        write_output(path, &bytes, args.force)?;
        written = format!(
            "The explanation of {} measure(s) was written to {}: one sheet per section, every \
             record; keep it inside the service.\n",
            x.asked.len(),
            path.display()
        );
    }
    progress.done();
    if args.format == Format::Json {
        eprint!("{written}");
        // Written as it is made: the explanation of a large export runs to hundreds of MB.
        let mut buffered = std::io::BufWriter::new(out);
        let written = explain::json::write(&x, &source, &warnings, &mut buffered)
            .and_then(|()| std::io::Write::flush(&mut buffered));
        return match written {
            Err(e) if !crate::shell::words::reader_gone(&e) => Err(CommandError::Print(e)),
            _ => Ok(Exit::Ok),
        };
    }
    // With every measure in the workbook, the terminal says where it went, not all of it.
    let text = match args.out.is_some() && args.measures.is_empty() {
        true => format!(
            "{}\n{}{}",
            text::FIRST_LINE,
            written,
            warnings_note(&warnings)
        ),
        false => {
            let mut t = text::render(&x, &file, &warnings, (!args.all).then_some(text::LINES));
            if !written.is_empty() {
                t.push('\n');
                t.push_str(&written);
            }
            t
        }
    };
    outputs::print(out, &text)?;
    Ok(Exit::Ok)
}

/// Compares two exports of one period.
fn two(
    args: &Args,
    new: &Path,
    defs: &Definitions,
    selection: &Selection,
    out: &mut dyn Write,
) -> Result<Exit, CommandError> {
    if args.out.is_some() {
        return Err(CommandError::OutComparing);
    }
    let progress = crate::shell::progress::for_terminal(args.format == Format::Json);
    let old_v = load(args, &args.export, defs, &progress)?;
    let new_v = load(args, new, defs, &progress)?;
    for (v, path) in [(&old_v, args.export.as_path()), (&new_v, new)] {
        if let Some(refused) = refusal(v, path, args)? {
            progress.done();
            outputs::print(out, &refused)?;
            return Ok(status(v));
        }
    }
    progress.stage("Comparing the figures");
    let c = explain::compare(&old_v, &new_v, defs, args.period, selection)?;
    progress.done();
    let (old_file, new_file) = (args.export.display().to_string(), new.display().to_string());
    let text = match args.format {
        Format::Json => explain::json::render_comparison(
            &c,
            &Source {
                file: &old_file,
                sha256: &old_v.sha256,
                definitions_version: &defs.version,
            },
            &Source {
                file: &new_file,
                sha256: &new_v.sha256,
                definitions_version: &defs.version,
            },
        ),
        Format::Text => {
            text::render_comparison(&c, &old_file, &new_file, (!args.all).then_some(text::LINES))
        }
    };
    outputs::print(out, &text)?;
    Ok(Exit::Ok)
}

/// Reads and validates an export as build does.
fn load(
    args: &Args,
    path: &Path,
    defs: &Definitions,
    progress: &yjb_return::progress::Progress,
) -> Result<Validation, CommandError> {
    let bytes = read_input(path, Kind::Export)?;
    // A named acknowledgements file belongs to the first export; each export otherwise reads
    // its own beside it.
    let named = (path == args.export)
        .then_some(args.acknowledgements.as_deref())
        .flatten();
    let sidecar = inputs::sidecar(path, named)?;
    let v = input::validate_bytes(
        &bytes,
        defs,
        &Options {
            period: Some(args.period),
            provisional: args.provisional,
            progress: progress.clone(),
            today: Some(inputs::now().date),
        },
        sidecar.as_ref(),
        Cells::Drop,
    )
    .map_err(|e| CommandError::load(path, e))?;
    inputs::note_if_open_in_excel(path);
    Ok(v)
}

/// The exit status of an export refused.
fn status(v: &Validation) -> Exit {
    if v.internal_failures() > 0 {
        Exit::Failure
    } else {
        Exit::Findings
    }
}

/// The findings of an export with errors and why nothing was explained, as build refuses it;
/// `None` when it has none.
fn refusal(v: &Validation, path: &Path, args: &Args) -> Result<Option<String>, CommandError> {
    if v.internal_failures() == 0 && !v.has_errors() {
        return Ok(None);
    }
    let file = path.display().to_string();
    if args.format == Format::Json {
        return Ok(Some(report::json::render(v, &file)));
    }
    let mut text = format!("{}\n", text::FIRST_LINE);
    text.push_str(&report::terminal::render(
        v,
        &file,
        Some(report::terminal::DEFAULT_LIMIT),
    ));
    let blocking: Vec<&str> = v
        .findings
        .iter()
        .filter(|f| f.severity >= Severity::Error && f.acknowledged.is_none())
        .map(|f| f.code.as_str())
        .collect();
    let period = args.period;
    if !blocking.is_empty() && blocking.iter().all(|c| *c == "E450" || *c == "E451") {
        let early = if blocking.contains(&"E451") {
            ", or add --provisional for an early look"
        } else {
            ""
        };
        text.push_str(&format!(
            "\nNothing was explained: {file} does not cover {period}. Check --period{early}.\n"
        ));
    } else {
        text.push_str(&format!(
            "\nNothing was explained: the return would not be built from {file} (it has \
             errors), so its figures are not explained. Fix the errors above in the \
             case-management system and export again; to list them all in a workbook, run:\n  \
             yjb-return validate \"{file}\" --period \"{period}\" --report issues.xlsx\n"
        ));
    }
    Ok(Some(text))
}

fn warnings_note(warnings: &[&Finding]) -> String {
    if warnings.is_empty() {
        return String::new();
    }
    format!(
        "The export has {} warning(s); they do not stop explain (`validate` lists them).\n",
        warnings.len()
    )
}

/// Refuses, before any work, an --out that names an export being read, a folder, or (without
/// --force) a file that exists.
fn check_out(path: &Path, args: &Args) -> Result<(), CommandError> {
    let refuse = |clash| {
        Err(CommandError::OutputClash {
            path: path.to_path_buf(),
            option: "--out",
            clash,
        })
    };
    let here = resolved(path);
    let mut read = vec![("the export being explained", args.export.clone())];
    if let Some(s) = inputs::sidecar_path(&args.export, args.acknowledgements.as_deref()) {
        read.push(("the acknowledgements file being read", s));
    }
    for (what, input) in read {
        if resolved(&input) == here {
            return refuse(Clash::Input(what));
        }
    }
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => refuse(Clash::Folder),
        Ok(_) if !args.force => refuse(Clash::Exists),
        _ => Ok(()),
    }
}

/// Where a path leads once its folder is resolved (the file itself need not exist).
fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    match (
        parent.map_or_else(|| std::fs::canonicalize("."), std::fs::canonicalize),
        path.file_name(),
    ) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}
