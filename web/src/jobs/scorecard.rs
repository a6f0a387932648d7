//! `scorecard`: the board's scorecard from the archive folder the page's user picked (the
//! folder `build --archive`, or the page's unzipped returns, fill), with the service's CSVs.
//! The page shows `scorecard.html` and offers the scorecard's folder as one zip.

use std::rc::Rc;

use serde::Deserialize;
use yjb_return::definitions::Source;
use yjb_return::folder::Kind;
use yjb_return::names::{SCORECARD_HTML, SCORECARD_JSON, SCORECARD_XLSX};
use yjb_return::scorecard::make::{self, CsvSource, MANIFEST_JSON, MakeError};
use yjb_return::scorecard::publication::{MIN_BELOW, Suppression};
use yjb_return::scorecard::{DEFAULT_QUARTERS, Paper};

use super::{Context, Done, read};
use crate::answer::{Answer, EXIT_ERRORS, EXIT_OK, Failed, fail, zip};
use crate::host::{Pick, Picked, PickedFile};

#[derive(Debug, Deserialize)]
pub struct Args {
    pub archive: Pick,
    #[serde(default)]
    pub targets: Option<PickedFile>,
    #[serde(default)]
    pub benchmarks: Option<PickedFile>,
    #[serde(default)]
    pub commentary: Option<PickedFile>,
    /// The quarter it runs to (`--to`); by default the latest in the archive.
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default = "default_quarters")]
    pub quarters: u32,
    #[serde(default)]
    pub classification: Option<String>,
    /// The publication copy's threshold (`--publication`, `--suppress-below`).
    #[serde(default)]
    pub publication: Option<u32>,
    #[serde(default)]
    pub generated_at: Option<String>,
}

fn default_quarters() -> u32 {
    DEFAULT_QUARTERS
}

pub fn run(a: &Args, cx: &Context) -> Done {
    let to = a.to.as_deref().map(super::period).transpose()?;
    let generated_at = a
        .generated_at
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(super::generated_at)
        .transpose()?
        .unwrap_or(cx.now);
    let classification = a
        .classification
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(yjb_return::scorecard::paper::classification)
        .transpose()
        .map_err(fail)?;
    if let Some(below) = a.publication
        && !(MIN_BELOW..=1000).contains(&below)
    {
        return Err(fail(format!(
            "{below} is not a threshold from {MIN_BELOW} to 1000: counts from 1 to below it are \
             suppressed (the usual is 5)"
        )));
    }
    let csv = |file: &Option<PickedFile>| -> Result<Option<CsvSource>, Failed> {
        let Some(file) = file else {
            return Ok(None);
        };
        Ok(Some(CsvSource {
            name: file.path.clone(),
            // The manifest records where each input came from: the page knows only its name.
            original: file.path.clone(),
            bytes: read(file, Kind::Csv, cx)?,
        }))
    };
    let archive = Picked::new(&a.archive, Rc::clone(&cx.host));
    let options = make::Options {
        archive_path: a.archive.name.clone(),
        to,
        quarters: a.quarters,
        targets: csv(&a.targets)?,
        benchmarks: csv(&a.benchmarks)?,
        commentary: csv(&a.commentary)?,
        generated_at,
        source: Source::Embedded,
        today: cx.now.date,
        paper: Paper {
            classification,
            publication: a.publication.map(|below| Suppression { below }),
        },
    };
    cx.progress
        .stage("Reading the archive and making the scorecard");
    let made = match make::make(&options, &archive) {
        Ok(made) => made,
        Err(MakeError::Unreadable(message)) => return Err(fail(message)),
        Err(MakeError::Invalid(problems)) => {
            let mut text = format!(
                "The scorecard was not written: {} problem(s) to fix first.\n",
                problems.len()
            );
            for p in &problems {
                text.push_str(&format!("  {p}\n"));
            }
            return Err(Answer {
                exit: EXIT_ERRORS,
                headline: text.lines().next().unwrap_or_default().to_string(),
                text,
                ..Answer::default()
            }
            .into());
        }
    };
    let s = &made.scorecard;
    let name = format!(
        "scorecard {}{}.zip",
        s.to,
        if a.publication.is_some() {
            " publication"
        } else {
            ""
        }
    );
    let manifest = made.manifest.to_json();
    let mut files: Vec<(&str, &[u8])> = made
        .files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    files.push((MANIFEST_JSON, manifest.as_bytes()));
    let mut answer = Answer {
        exit: EXIT_OK,
        headline: format!("Wrote the scorecard of {} to {}", s.yjs_name, s.to),
        text: yjb_return::scorecard::account::render(&made, &name),
        ..Answer::default()
    };
    answer.file(
        &name,
        zip(&files, generated_at),
        "the scorecard's folder: its three files, the CSVs and the manifest",
    );
    for (file, what) in [
        (
            SCORECARD_HTML,
            "the scorecard to open in a browser or print",
        ),
        (SCORECARD_XLSX, "the board pack workbook"),
        (SCORECARD_JSON, "every value and status, for other programs"),
    ] {
        if let Some(bytes) = made.file(file) {
            answer.file(file, bytes.to_vec(), what);
        }
    }
    Ok(answer)
}
