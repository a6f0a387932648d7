//! `build`: validate, then make the return. The page offers the return as one zip of its four
//! files (`return.xlsx`, `return.xml`, `return.json`, `manifest.json`), byte for byte those
//! `build --archive` files for the quarter with the same generation time (the manifest names
//! the export as the archive keeps it, `input.xlsx`); the zip is named as that folder, so
//! that extracting it into the archive files the quarter. The export, which names children,
//! is never in the zip: it is offered on its own, named `input.xlsx`, for the officer to put
//! beside the return so that `reproduce` can rebuild it.

use std::rc::Rc;

use serde::Deserialize;
use yjb_return::audit::resubmission::against_earlier;
use yjb_return::names::{
    ARCHIVED_INPUT, ARCHIVED_SIDECAR, Filing, MANIFEST_JSON, RETURN_JSON, RETURN_XLSX, RETURN_XML,
    filing_folder, first_free,
};
use yjb_return::report;
use yjb_return::validate::{Cells, Refusal};
use yjb_return::write::{self, Request};

use super::{Context, Done, ExportChoice, validated};
use crate::answer::{Answer, EXIT_ERRORS, EXIT_FAILURE, EXIT_OK, fail, zip};
use crate::host::{Pick, Picked, PickedFile};

#[derive(Debug, Deserialize)]
pub struct Args {
    pub export: PickedFile,
    #[serde(default)]
    pub acknowledgements: Option<PickedFile>,
    pub period: String,
    #[serde(default)]
    pub provisional: bool,
    /// The generation time to record (`--generated-at`); by default, now.
    #[serde(default)]
    pub generated_at: Option<String>,
    /// The archive the return is to be filed in (`--archive`): the zip is named as the folder
    /// the return takes there (a resubmission's `-resubmission-N`), and a resubmission says
    /// what it changed. The page cannot write into it: the user extracts the zip there.
    #[serde(default)]
    pub archive: Option<Pick>,
}

pub fn run(a: &Args, cx: &Context) -> Done {
    let period = super::period(&a.period)?;
    let at = a
        .generated_at
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(super::generated_at)
        .transpose()?;
    let file = a.export.path.clone();
    let choice = ExportChoice {
        export: &a.export,
        acknowledgements: a.acknowledgements.as_ref(),
        period: Some(period),
        provisional: a.provisional,
        cells: Cells::Drop,
    };
    let loaded = validated(&choice, cx).map_err(|u| u.answer(&file))?;
    let v = &loaded.validation;
    if let Some(refusal) = v.refusal() {
        let mut text = report::terminal::render(v, &file, None);
        text.push('\n');
        text.push_str(&match refusal {
            Refusal::Period { early } => format!(
                "The return was not built: the export does not cover {period}. Check the \
                 period{}.\n",
                if early {
                    ", or tick Provisional for an early look (a provisional return is not fit \
                     to send)"
                } else {
                    ""
                }
            ),
            Refusal::Errors => "The return was not built: fix the errors above in the \
                 case-management system, export again and build again. Validate lists them \
                 all and makes the issues workbook."
                .to_string(),
        });
        return Err(Answer {
            exit: if v.internal_failures() > 0 {
                EXIT_FAILURE
            } else {
                EXIT_ERRORS
            },
            headline: "The return was not built".to_string(),
            text,
            json: Some(report::json::render(v, &file)),
            ..Answer::default()
        }
        .into());
    }
    // A time `check` would call impossible for the period (C106) is never recorded.
    if let Some(at) = at
        && let Some(why) =
            yjb_return::audit::check::cannot_cover(period, a.provisional, at.date, cx.now.date)
    {
        return Err(fail(format!(
            "the generation time {at} cannot be recorded: {why} (check C106); nothing was made"
        )));
    }
    let export = v.export().map_err(|e| fail(format!("{file}: {e}")))?;
    let acknowledged = write::acknowledged(v);
    let generated_at = at.unwrap_or(cx.now);
    let request = Request {
        period,
        provisional: a.provisional,
        generated_at,
        input_path: ARCHIVED_INPUT.to_string(),
        input_sha256: v.sha256.clone(),
        input_bytes: loaded.bytes.len() as u64,
        acknowledged: &acknowledged,
    };
    cx.progress
        .stage("Counting the return and writing its files");
    let built = write::build(&export, &loaded.defs, &request).map_err(|e| fail(e.to_string()))?;
    let manifest = built.manifest.to_json();
    let mut files: Vec<(&str, &[u8])> = built
        .files
        .iter()
        .map(|(n, b)| (*n, b.as_slice()))
        .collect();
    files.push((MANIFEST_JSON, manifest.as_bytes()));
    let kind = if a.provisional {
        Filing::Provisional(1)
    } else {
        Filing::Submission(1)
    };
    let archive = a
        .archive
        .as_ref()
        .map(|pick| Picked::new(pick, Rc::clone(&cx.host)));
    let filing = archive
        .as_ref()
        .map_or(kind, |archive| first_free(archive, period, kind));
    let name = filing_folder(period, filing);
    let folder = format!("{name}.zip");
    let mut answer = Answer {
        exit: EXIT_OK,
        headline: if a.provisional {
            write::summary::PROVISIONAL_FIRST_LINE.to_string()
        } else {
            format!("Built the {period} return")
        },
        text: write::summary::render(v, &built, &folder, None),
        json: Some(report::json::render(v, &file)),
        ..Answer::default()
    };
    if let Some(archive) = &archive
        && let Some(moved) = against_earlier(archive, &name, &built.ret, &loaded.defs)
    {
        answer.text.push_str(&format!("\n{moved}\n"));
    }
    answer.file(
        &folder,
        zip(&files, generated_at),
        "the return: return.xlsx, return.xml, return.json and manifest.json",
    );
    for (name, what) in [
        (RETURN_XLSX, "the return for people"),
        (RETURN_XML, "the figures as XML"),
        (RETURN_JSON, "every figure by measure code"),
    ] {
        if let Some(bytes) = built.file(name) {
            answer.file(name, bytes.to_vec(), what);
        }
    }
    // What `build --archive` keeps beside the return, so that `reproduce` can rebuild it: the
    // very bytes validated, under the names the manifest records.
    answer.file(
        ARCHIVED_INPUT,
        loaded.bytes,
        "the export as the archive keeps it, for reproduce: it names children, keep it inside \
         the service",
    );
    if let Some(s) = loaded.sidecar {
        answer.file(
            ARCHIVED_SIDECAR,
            s.bytes,
            "the acknowledgements as the archive keeps them, beside input.xlsx",
        );
    }
    Ok(answer)
}
