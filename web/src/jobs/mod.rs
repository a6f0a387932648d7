//! The jobs the page offers, one per command of the binary, and what they share: the request
//! as the page sends it, the export read and validated as `validate` and `build` both take it,
//! and the words for what could not be read.
//!
//! A job's answer has the command's exit status, its words on the terminal and its JSON, and
//! the files it would write. The definitions are always the ones built in (the page has no
//! `--definitions`).

pub mod audit;
pub mod build;
pub mod explain;
pub mod scorecard;
pub mod validate;

use std::path::Path;
use std::rc::Rc;

use serde::Deserialize;
use yjb_return::date::Timestamp;
use yjb_return::definitions::{Definitions, Source};
use yjb_return::folder::Kind;
use yjb_return::period::Period;
use yjb_return::progress::Progress;
use yjb_return::recognise::{self, Wanted};
use yjb_return::validate::input::{self, LoadError, Sidecar};
use yjb_return::validate::{Cells, Options, Validation};

use crate::answer::{Answer, Failed, fail};
use crate::host::{Host, PickedFile};

/// A request from the page: the job and its choices, and the time now from the browser's
/// clock (the engine never asks the clock).
#[derive(Debug, Deserialize)]
pub struct Request {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub now: i64,
    #[serde(flatten)]
    pub job: Job,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "job", rename_all = "lowercase")]
pub enum Job {
    Validate(validate::Args),
    Build(build::Args),
    Check(audit::CheckArgs),
    Diff(audit::DiffArgs),
    Reproduce(audit::ReproduceArgs),
    Scorecard(scorecard::Args),
    Explain(explain::Args),
}

/// What every job is given beside its own arguments.
pub struct Context {
    pub now: Timestamp,
    pub host: Rc<dyn Host>,
    pub progress: Progress,
}

/// Runs the job a request (the page's JSON) names.
pub fn run(request: &[u8], host: Rc<dyn Host>, progress: Progress) -> Answer {
    let request: Request = match serde_json::from_slice(request) {
        Ok(r) => r,
        Err(e) => {
            return Answer::failure(format!(
                "the page asked for something the tool cannot read ({e}), which is a fault in \
                 the page: please report it"
            ));
        }
    };
    let cx = Context {
        now: Timestamp::from_unix_seconds(request.now),
        host,
        progress,
    };
    let answer = match &request.job {
        Job::Validate(a) => validate::run(a, &cx),
        Job::Build(a) => build::run(a, &cx),
        Job::Check(a) => audit::check(a, &cx),
        Job::Diff(a) => audit::diff(a, &cx),
        Job::Reproduce(a) => audit::reproduce(a, &cx),
        Job::Scorecard(a) => scorecard::run(a, &cx),
        Job::Explain(a) => explain::run(a, &cx),
    };
    cx.progress.done();
    answer.unwrap_or_else(|Failed(answer)| *answer)
}

/// A job's result: its answer, or the one sentence that says why it could not be done.
pub type Done = Result<Answer, Failed>;

/// A period as the page's list gives it (`2024-25 Q2`).
pub fn period(text: &str) -> Result<Period, Failed> {
    text.parse()
        .map_err(|e: yjb_return::period::PeriodError| fail(format!("the period: {e}")))
}

/// A generation time typed in the page's advanced settings.
pub fn generated_at(text: &str) -> Result<Timestamp, Failed> {
    Timestamp::parse(text).ok_or_else(|| {
        fail(format!(
            "the generation time {:?} is not a UTC time between the years 1900 and 9999: write \
             it like 2024-10-21T09:30:00Z",
            yjb_return::text::cut(text)
        ))
    })
}

/// The definitions for a period, or the newest.
pub fn definitions(period: Option<Period>) -> Result<Definitions, Failed> {
    match period {
        Some(p) => Definitions::for_period(&Source::Embedded, p),
        None => Definitions::latest(&Source::Embedded),
    }
    .map_err(|e| fail(e.to_string()))
}

/// Reads a picked file whole, within its kind's cap, with a sentence naming it.
pub fn read(file: &PickedFile, kind: Kind, cx: &Context) -> Result<Vec<u8>, Failed> {
    file.read(cx.host.as_ref(), kind)
        .map_err(|e| fail(format!("cannot read {}: {e}", file.path)))
}

/// An export as `validate` and `build` take it: read, validated, the acknowledgements applied.
pub struct Validated {
    pub defs: Definitions,
    pub validation: Validation,
    pub bytes: Vec<u8>,
    pub sidecar: Option<Sidecar>,
}

/// What the export and acknowledgements jobs share.
pub struct ExportChoice<'a> {
    pub export: &'a PickedFile,
    pub acknowledgements: Option<&'a PickedFile>,
    pub period: Option<Period>,
    pub provisional: bool,
    pub cells: Cells,
}

/// Reads and validates the export chosen; a file that cannot be read as an export is one
/// sentence naming it, with what it is instead when it is another of the tool's files.
pub fn validated(choice: &ExportChoice<'_>, cx: &Context) -> Result<Validated, Unreadable> {
    let defs = definitions(choice.period).map_err(Unreadable::Other)?;
    let bytes = read(choice.export, Kind::Export, cx).map_err(Unreadable::Other)?;
    let sidecar = match choice.acknowledgements {
        Some(file) => Some(Sidecar {
            name: file.path.clone(),
            bytes: read(file, Kind::Csv, cx).map_err(Unreadable::Other)?,
        }),
        None => None,
    };
    let options = Options {
        period: choice.period,
        provisional: choice.provisional,
        progress: cx.progress.clone(),
        today: Some(cx.now.date),
    };
    let validation = input::validate_bytes(&bytes, &defs, &options, sidecar.as_ref(), choice.cells)
        .map_err(|e| Unreadable::load(&choice.export.path, e))?;
    Ok(Validated {
        defs,
        validation,
        bytes,
        sidecar,
    })
}

/// Why an export could not be validated.
pub enum Unreadable {
    /// Not an export the tool can read: the catalogue's F-code and the sentence.
    Export { code: &'static str, message: String },
    /// Anything else (a file the browser could not read, an acknowledgements file with
    /// errors): its answer.
    Other(Failed),
}

impl Unreadable {
    fn load(file: &str, e: LoadError) -> Unreadable {
        match e {
            LoadError::Unreadable {
                code,
                message,
                what,
            } => Unreadable::Export {
                code,
                message: recognise::advice(&what, Path::new(file), Wanted::Export, false)
                    .unwrap_or(message),
            },
            LoadError::Acknowledgements(e) => Unreadable::Other(fail(e.to_string())),
        }
    }

    /// The answer of a job that could not read the export `file`.
    pub fn answer(self, file: &str) -> Failed {
        match self {
            Unreadable::Export { code, message } => fail(format!("{file}: {message} ({code})")),
            Unreadable::Other(failed) => failed,
        }
    }
}
