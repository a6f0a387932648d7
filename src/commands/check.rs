//! `yjb-return check`: is a finished return fit to send?

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::args::Format;
use super::error::CommandError;
use super::exit::Exit;
use super::inputs;
use super::outputs;
use yjb_return::audit;
use yjb_return::definitions::Severity;
use yjb_return::names::{RETURN_JSON, RETURN_XLSX, RETURN_XML};
use yjb_return::validate::Finding;

/// Check a finished return before sending it: structure, identity, consistency of the
/// figures, and whether any file was edited after it was built.
///
/// Give return.xml, return.xlsx, return.json, or the return's folder to check all three
/// against each other and against the manifest.json beside them. `yjb-return rules` lists
/// every check (C-codes).
///
/// Exit status: 0 fit to send; 1 not fit to send (an error, a provisional return, figures
/// edited after the build); 2 the file could not be read or the command was misused.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The return to check: return.xml, return.xlsx or return.json, or the folder `build`
    /// wrote (e.g. returns/2024-25-Q2).
    #[arg(value_name = "RETURN")]
    pub path: PathBuf,
    /// How to show the result: text to read, or json for other programs
    /// (the findings with their codes, files and places).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Serialize)]
struct Report<'a> {
    verdict: &'static str,
    tool_version: &'static str,
    files: &'a [String],
    summary: Summary,
    findings: &'a [Finding],
    /// Figures typed over after the build, with where their findings are in `findings`.
    edits: &'a [audit::edits::Edit],
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
}

pub fn run(
    args: &Args,
    definitions: Option<&Path>,
    out: &mut dyn Write,
) -> Result<Exit, CommandError> {
    let (folder, targets, given): (PathBuf, Vec<PathBuf>, audit::Given) = if args.path.is_dir() {
        // Whatever stands at a file's name is checked, as the scorecard does: a device, a pipe
        // or a link leading nowhere is named as what it is, never passed over as absent.
        let disk = crate::shell::files::Disk::new(&args.path);
        let targets: Vec<PathBuf> = [RETURN_XML, RETURN_XLSX, RETURN_JSON]
            .iter()
            .filter(|n| yjb_return::folder::Folder::entry(&disk, n).is_some())
            .map(|n| args.path.join(n))
            .collect();
        if targets.is_empty() {
            return Err(CommandError::NoReturnIn {
                dir: args.path.clone(),
                names: "return.xml, return.xlsx or return.json",
                advice: yjb_return::recognise::folder_advice(
                    &crate::shell::files::Disk::new(&args.path),
                    yjb_return::recognise::Wanted::Return,
                    "check",
                ),
            });
        }
        (args.path.clone(), targets, audit::Given::Folder)
    } else if crate::shell::files::stands(&args.path) {
        let folder = args
            .path
            .parent()
            .map_or_else(PathBuf::new, Path::to_path_buf);
        (folder, vec![args.path.clone()], audit::Given::Files)
    } else {
        return Err(CommandError::NoSuchReturn {
            path: args.path.clone(),
            nearby: crate::shell::files::nearby(&args.path, crate::shell::files::Kind::ReturnFile),
        });
    };
    let source = inputs::source(definitions)?;
    let targets: Vec<String> = targets
        .iter()
        .map(|t| {
            t.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        })
        .collect();
    let checked = audit::check_files(
        &crate::shell::files::Disk::new(&folder),
        &targets,
        &source,
        given,
        inputs::now().date,
    );
    let (files, findings, fatal) = (&checked.files, &checked.findings, checked.fatal);
    let errors = findings
        .iter()
        .filter(|f| f.severity >= Severity::Error)
        .count();
    let warnings = findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    // A provisional return is never fit to send, however sound its files (return-format.md,
    // "The return's life"): its verdict and exit status say so, for a script as for a person.
    let provisional = findings.iter().any(|f| f.code == PROVISIONAL);
    let verdict = if fatal {
        "unreadable"
    } else if errors > 0 {
        "errors"
    } else if provisional {
        "provisional"
    } else if warnings > 0 {
        "warnings"
    } else {
        "passed"
    };
    let text = if args.format.is_json() {
        let report = Report {
            verdict,
            tool_version: env!("CARGO_PKG_VERSION"),
            files,
            summary: Summary { errors, warnings },
            findings,
            edits: &checked.edits,
        };
        let mut s = serde_json::to_string_pretty(&report).expect("serialisable");
        s.push('\n');
        s
    } else {
        render_text(&checked, &folder, verdict, errors, warnings)
    };
    outputs::print(out, &text)?;
    Ok(exit_status(verdict))
}

/// The code of the finding that marks a provisional return.
const PROVISIONAL: &str = "C105";

/// 0 fit to send; 1 not fit to send (an error, a provisional return, figures edited after the
/// build); 2 unreadable.
fn exit_status(verdict: &str) -> Exit {
    match verdict {
        "passed" | "warnings" => Exit::Ok,
        "unreadable" => Exit::Failure,
        _ => Exit::Findings,
    }
}

/// The text `check` prints: the files, the verdict, and the findings, each figure typed over
/// after the build first with the findings that follow from it under it. A return fit to send
/// says what was checked, and which file the figures are sent from.
fn render_text(
    checked: &audit::Checked,
    folder: &Path,
    verdict: &str,
    errors: usize,
    warnings: usize,
) -> String {
    let mut s = String::new();
    for f in &checked.files {
        writeln!(s, "{f}").unwrap();
    }
    // A file checked with no manifest beside it (C407): sound as far as the file shows.
    let unproven = checked.findings.iter().any(|f| f.code == "C407");
    let sentence = match verdict {
        "provisional" => "provisional: NOT fit to send (read the warnings)",
        "warnings" if unproven => {
            "passed, but not shown to be as built: no manifest.json is beside it (read the warning)"
        }
        "passed" => "passed: fit to send",
        "warnings" => "passed with warnings: read them before sending",
        "unreadable" => "cannot be read as a return",
        _ => "errors found: do not send this return",
    };
    writeln!(s, "Verdict: {sentence}").unwrap();
    if verdict == "passed" {
        writeln!(s, "  {}", what_was_checked(checked, folder)).unwrap();
        return s;
    }
    let mut counts = format!("  {errors} error(s), {warnings} warning(s)");
    let edits = &checked.edits;
    if !edits.is_empty() {
        let following: usize = edits.iter().map(|e| e.consequences.len()).sum();
        let n = edits.len();
        write!(
            counts,
            ": {n} figure{} changed after the build{}",
            if n == 1 { " was" } else { "s were" },
            match following {
                0 => String::new(),
                1 => ", and 1 finding follows from it".to_string(),
                _ if n == 1 => format!(", and {following} findings follow from it"),
                _ => format!(", and {following} findings follow from them"),
            }
        )
        .unwrap();
    }
    writeln!(s, "{counts}").unwrap();
    let under: std::collections::BTreeSet<usize> = edits
        .iter()
        .flat_map(|e| e.consequences.iter().copied())
        .collect();
    for (i, f) in checked.findings.iter().enumerate() {
        if under.contains(&i) {
            continue;
        }
        writeln!(s, "  {}", yjb_return::report::terminal::line(f)).unwrap();
        if let Some(e) = edits.iter().find(|e| e.finding == i)
            && !e.consequences.is_empty()
        {
            writeln!(s, "    which causes these (put it back and they go):").unwrap();
            for k in &e.consequences {
                if let Some(f) = checked.findings.get(*k) {
                    writeln!(s, "      {}", yjb_return::report::terminal::line(f)).unwrap();
                }
            }
        }
    }
    s
}

/// What a return fit to send was checked for, then what to send and how: "NSH01 2024-25 Q2: XSD
/// valid, identity as built, 252 measures present, figures consistent", and a line saying that
/// the figures go to the YJB through its portal (YJAF), in its own template, from the workbook,
/// return.xml being their machine-readable record in this tool's own format: the YJB does not
/// publish a file format to upload, so nothing here claims more.
fn what_was_checked(checked: &audit::Checked, folder: &Path) -> String {
    let Some(first) = checked.documents.first() else {
        return String::new();
    };
    let id = &first.ret.identity;
    let of_kind = |ext: &str| {
        checked.documents.iter().find(|d| {
            Path::new(&d.file)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case(ext))
        })
    };
    let mut parts = Vec::new();
    if of_kind("xml").is_some() {
        parts.push("XSD valid".to_string());
    }
    // Passed: so a manifest was read (without one there is C406 or C407).
    parts.push("identity as built".to_string());
    parts.push(format!("{} measures present", first.ret.measures.len()));
    parts.push("figures consistent".to_string());
    // The file of that kind checked, else the one in the folder checked, else its bare name.
    let file = |ext: &str, name: &str| match of_kind(ext) {
        Some(d) => d.file.clone(),
        None if folder.join(name).is_file() => folder.join(name).display().to_string(),
        None => name.to_string(),
    };
    format!(
        "{} {}: {}\n  To send: enter or upload the figures from {} in the YJB's portal \
         (YJAF); {} is their machine-readable record (this tool's own format)",
        id.yjs_code,
        id.period,
        parts.join(", "),
        file("xlsx", RETURN_XLSX),
        file("xml", RETURN_XML),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_0_means_fit_to_send_and_nothing_else() {
        assert_eq!(exit_status("passed"), Exit::Ok);
        assert_eq!(exit_status("warnings"), Exit::Ok);
        assert_eq!(exit_status("provisional"), Exit::Findings);
        assert_eq!(exit_status("errors"), Exit::Findings);
        assert_eq!(exit_status("unreadable"), Exit::Failure);
    }
}
