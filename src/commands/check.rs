//! `yjb-return check`: is a finished return fit to send?

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{CommandError, EXIT_ERRORS, EXIT_FAILURE, EXIT_OK};
use crate::audit;
use crate::definitions::{Severity, Source};
use crate::validate::Finding;
use crate::write::{RETURN_JSON, RETURN_XLSX, RETURN_XML};

#[derive(Debug, Clone)]
pub struct Args {
    /// return.xml, return.xlsx, return.json, or a return's folder (all three are checked).
    pub path: PathBuf,
    pub definitions: Option<PathBuf>,
    pub json: bool,
}

#[derive(Serialize)]
struct Report<'a> {
    verdict: &'static str,
    tool_version: &'static str,
    files: &'a [String],
    summary: Summary,
    findings: &'a [Finding],
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<i32, CommandError> {
    let (folder, targets): (PathBuf, Vec<PathBuf>) = if args.path.is_dir() {
        let targets: Vec<PathBuf> = [RETURN_XML, RETURN_XLSX, RETURN_JSON]
            .iter()
            .map(|n| args.path.join(n))
            .filter(|p| p.exists())
            .collect();
        if targets.is_empty() {
            return Err(CommandError::Other(format!(
                "{} holds no return.xml, return.xlsx or return.json{}",
                args.path.display(),
                crate::recognise::folder_advice(
                    &args.path,
                    crate::recognise::Wanted::Return,
                    "check"
                )
                .map(|a| format!("; {a}"))
                .unwrap_or_default()
            )));
        }
        (args.path.clone(), targets)
    } else if args.path.exists() {
        let folder = args
            .path
            .parent()
            .map_or_else(PathBuf::new, Path::to_path_buf);
        (folder, vec![args.path.clone()])
    } else {
        return Err(CommandError::Other(format!(
            "{} does not exist; {}",
            args.path.display(),
            crate::files::nearby(&args.path, crate::files::Kind::ReturnFile)
        )));
    };
    let source = args
        .definitions
        .as_ref()
        .map_or(Source::Embedded, |f| Source::Folder(f.clone()));
    let checked = audit::check_files(&folder, &targets, &source);
    let (files, findings, fatal) = (checked.files, checked.findings, checked.fatal);
    let errors = findings
        .iter()
        .filter(|f| f.severity >= Severity::Error)
        .count();
    let warnings = findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    let verdict = if fatal {
        "unreadable"
    } else if errors > 0 {
        "errors"
    } else if warnings > 0 {
        "warnings"
    } else {
        "passed"
    };
    let text = if args.json {
        let report = Report {
            verdict,
            tool_version: env!("CARGO_PKG_VERSION"),
            files: &files,
            summary: Summary { errors, warnings },
            findings: &findings,
        };
        let mut s = serde_json::to_string_pretty(&report).expect("serialisable");
        s.push('\n');
        s
    } else {
        let mut s = String::new();
        for f in &files {
            writeln!(s, "{f}").unwrap();
        }
        let provisional = findings.iter().any(|f| f.code == "C105");
        let sentence = match verdict {
            "warnings" if provisional => "provisional: NOT fit to send (read the warnings)",
            "passed" => "passed: fit to send",
            "warnings" => "passed with warnings: read them before sending",
            "unreadable" => "cannot be read as a return",
            _ => "errors found: do not send this return",
        };
        writeln!(s, "Verdict: {sentence}").unwrap();
        writeln!(s, "  {errors} error(s), {warnings} warning(s)").unwrap();
        for f in &findings {
            writeln!(s, "  {}", crate::report::terminal::line(f)).unwrap();
        }
        s
    };
    super::print(out, &text)?;
    Ok(if fatal {
        EXIT_FAILURE
    } else if errors > 0 {
        EXIT_ERRORS
    } else {
        EXIT_OK
    })
}
