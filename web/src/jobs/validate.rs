//! `validate`: the export checked against the data dictionary; the verdict, the findings (the
//! terminal's words and the JSON report the page's table is drawn from), and on request the
//! issues workbook, the acknowledgements template and the pseudonymised copy.

use std::path::Path;

use serde::Deserialize;
use yjb_return::definitions::Severity;
use yjb_return::report;
use yjb_return::validate::{Cells, PERIOD_RULES, Validation, acknowledge};

use super::{Context, Done, ExportChoice, Unreadable, validated};
use crate::answer::{Answer, EXIT_ERRORS, EXIT_FAILURE, EXIT_OK, fail};
use crate::host::PickedFile;

#[derive(Debug, Deserialize)]
pub struct Args {
    pub export: PickedFile,
    #[serde(default)]
    pub acknowledgements: Option<PickedFile>,
    /// The quarter the export is for; none, as `validate` without `--period`.
    #[serde(default)]
    pub period: Option<String>,
    #[serde(default)]
    pub provisional: bool,
    /// Make the issues workbook (`--report`).
    #[serde(default)]
    pub report: bool,
    /// Make the pseudonymised copy (`--redact`).
    #[serde(default)]
    pub redact: bool,
}

pub fn run(a: &Args, cx: &Context) -> Done {
    let period = a.period.as_deref().map(super::period).transpose()?;
    let file = a.export.path.clone();
    let choice = ExportChoice {
        export: &a.export,
        acknowledgements: a.acknowledgements.as_ref(),
        period,
        provisional: a.provisional,
        cells: if a.report { Cells::Keep } else { Cells::Drop },
    };
    let loaded = match validated(&choice, cx) {
        Ok(loaded) => loaded,
        Err(Unreadable::Export { code, message }) => {
            let mut failed = Unreadable::Export {
                code,
                message: message.clone(),
            }
            .answer(&file);
            failed.0.json = Some(report::json::unreadable(&file, code, &message));
            return Err(failed);
        }
        Err(other) => return Err(other.answer(&file)),
    };
    let v = &loaded.validation;
    let mut answer = Answer {
        exit: if v.internal_failures() > 0 {
            EXIT_FAILURE
        } else if v.has_errors() {
            EXIT_ERRORS
        } else {
            EXIT_OK
        },
        headline: format!("Verdict: {}", v.verdict()),
        text: report::terminal::render(v, &file, None),
        json: Some(report::json::render(v, &file)),
        ..Answer::default()
    };
    if a.acknowledgements.is_none()
        && let Some(note) = no_acknowledgements(v, &file)
    {
        answer.text.push_str(&format!("\n{note}\n"));
    }
    if period.is_none() {
        answer.text.push_str(&format!("\n{}\n", no_period(v)));
    }
    let stem = Path::new(&file).file_stem().map_or_else(
        || "export".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    if a.report {
        cx.progress.stage(&format!(
            "Writing the report ({} findings)",
            v.findings.len()
        ));
        let bytes = report::xlsx::render_dated(v, &file, cx.now.date).map_err(|_| {
            fail(
                "the issues workbook could not be made, which is a fault in this tool: please \
                 report it (with the pseudonymised copy of the export, if it can be made)",
            )
        })?;
        answer.file(
            &format!("{stem} issues.xlsx"),
            bytes,
            "the issues workbook: every finding, linked to its cell",
        );
    }
    if a.redact {
        cx.progress.stage("Writing the redacted copy");
        let bytes =
            report::redact::render(v, &loaded.defs, &loaded.bytes).map_err(|e| match e {
                report::redact::RedactError::Read(e) => fail(format!("{file}: {e} ({})", e.code())),
                report::redact::RedactError::Write(_) => fail(
                    "the pseudonymised copy could not be made, which is a fault in this tool: \
                 please report it",
                ),
            })?;
        answer.file(
            &format!("{stem} redacted.xlsx"),
            bytes,
            "the pseudonymised copy, for a bug report: identifiers replaced, dates and codes \
             kept, so share it only as your information-sharing rules allow",
        );
    }
    if v.count(Severity::Warning) > 0 {
        let name = sidecar_name(&file);
        answer.file(
            &name,
            acknowledge::template(v).into_bytes(),
            "the acknowledgements template: one line per warning, for your explanations",
        );
    }
    Ok(answer)
}

/// The name an export's acknowledgements file has by convention (`q2-export.acknowledgements.csv`).
fn sidecar_name(file: &str) -> String {
    acknowledge::sidecar_path(Path::new(file))
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// When warnings are open and no acknowledgements file was chosen: the page reads only what
/// it is given, so it names the file to choose (the command line looks beside the export).
fn no_acknowledgements(v: &Validation, file: &str) -> Option<String> {
    v.findings
        .iter()
        .any(|f| f.severity == Severity::Warning && f.acknowledged.is_none())
        .then(|| {
            format!(
                "Note: no acknowledgements were read: no acknowledgements file was chosen. If \
                 you have one for this export ({}), choose it too and validate again.",
                sidecar_name(file)
            )
        })
}

/// Without a period, the note that the checks against a period did not run, which they are,
/// and the quarter the export most likely covers.
fn no_period(v: &Validation) -> String {
    let codes: Vec<String> = PERIOD_RULES.iter().map(ToString::to_string).collect();
    let likely = v
        .likely_period()
        .map_or_else(String::new, |(taken, period)| {
            format!(
                " This export most likely covers {period} (the last quarter that had ended when it \
             was taken, on {}).",
                taken.long()
            )
        });
    format!(
        "Note: no period was chosen, so the checks against the reporting period did not run \
         ({}: that the export was taken after the quarter began and ended, and before the next \
         quarter had ended). To run them, choose the period and validate again.{likely}",
        yjb_return::text::list(&codes, codes.len()),
    )
}
