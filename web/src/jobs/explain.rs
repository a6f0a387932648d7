//! `explain`: who is behind a figure. One export: the records each measure asked for counts,
//! its denominator's others and its near misses, as the terminal prints them, with the
//! workbook `--out explain.xlsx` writes and the JSON `--format json` prints, byte for byte.
//! Two exports of one period (`explain OLD NEW`): the measures whose figures differ and the
//! records that moved them, as text and JSON (the program writes no workbook of it either).
//!
//! Every answer says first that it holds case identifiers. An export with errors is refused
//! with the findings `build` lists. With no measure named the page explains every one, as
//! `--measure "*"` does.

use serde::Deserialize;
use yjb_return::definitions::Definitions;
use yjb_return::explain::{self, ExplainError, Selection, json::Source, text};
use yjb_return::period::Period;
use yjb_return::report;
use yjb_return::validate::{Cells, Refusal, Validation};

use super::{Context, Done, ExportChoice, Validated, validated};
use crate::answer::{Answer, EXIT_ERRORS, EXIT_FAILURE, EXIT_OK, Failed, fail};
use crate::host::PickedFile;

/// The workbook's name, as the README's `--out explain.xlsx`.
pub const WORKBOOK: &str = "explain.xlsx";
/// The JSON's name.
pub const JSON: &str = "explain.json";

#[derive(Debug, Deserialize)]
pub struct Args {
    /// The export; with `new`, the earlier of the two.
    pub export: PickedFile,
    /// Its acknowledgements (`--acknowledgements`).
    #[serde(default)]
    pub acknowledgements: Option<PickedFile>,
    /// A later export of the same period: what moved the figures.
    #[serde(default)]
    pub new: Option<PickedFile>,
    /// The later export's acknowledgements (the program reads them from beside it).
    #[serde(default)]
    pub new_acknowledgements: Option<PickedFile>,
    pub period: String,
    /// `--measure`, each as typed; none: every measure.
    #[serde(default)]
    pub measures: Vec<String>,
    #[serde(default)]
    pub provisional: bool,
    /// `--all`: every record on the terminal, not the first 40 of each measure.
    #[serde(default)]
    pub all: bool,
}

pub fn run(a: &Args, cx: &Context) -> Done {
    let period = super::period(&a.period)?;
    let defs = super::definitions(Some(period))?;
    let known = explain::known_codes(&defs, period);
    let selection = Selection::parse(&a.measures, &known).map_err(|e| fail(e.to_string()))?;
    let limit = (!a.all).then_some(text::LINES);
    let old = load(a, &a.export, a.acknowledgements.as_ref(), period, cx)?;
    match &a.new {
        None => one(a, &old, period, &selection, limit, cx),
        Some(new) => {
            let new_v = load(a, new, a.new_acknowledgements.as_ref(), period, cx)?;
            two(a, (&old, new), &new_v, period, &selection, limit, cx)
        }
    }
}

/// Reads and validates one export as `build` does; an export with errors is refused here.
fn load(
    a: &Args,
    file: &PickedFile,
    acknowledgements: Option<&PickedFile>,
    period: Period,
    cx: &Context,
) -> Result<Validated, Failed> {
    let choice = ExportChoice {
        export: file,
        acknowledgements,
        period: Some(period),
        provisional: a.provisional,
        cells: Cells::Drop,
    };
    let loaded = validated(&choice, cx).map_err(|u| u.answer(&file.path))?;
    match loaded.validation.refusal() {
        Some(refusal) => Err(refused(&loaded.validation, &file.path, period, refusal)),
        None => Ok(loaded),
    }
}

/// An export with errors: the findings as `explain` lists them (with its JSON report, as
/// `--format json` prints it), and why nothing was explained, in the page's words.
fn refused(v: &Validation, file: &str, period: Period, refusal: Refusal) -> Failed {
    let mut text = format!("{}\n", text::FIRST_LINE);
    text.push_str(&report::terminal::render(v, file, None));
    text.push('\n');
    text.push_str(&match refusal {
        Refusal::Period { early } => format!(
            "Nothing was explained: {file} does not cover {period}. Check the quarter{}.\n",
            if early {
                ", or tick Provisional for an early look"
            } else {
                ""
            }
        ),
        Refusal::Errors => format!(
            "Nothing was explained: the return would not be built from {file} (it has errors), \
             so its figures are not explained. Fix the errors above in the case-management \
             system and export again. Validate lists them all and makes the issues workbook.\n"
        ),
    });
    Answer {
        exit: if v.internal_failures() > 0 {
            EXIT_FAILURE
        } else {
            EXIT_ERRORS
        },
        headline: format!("Nothing was explained: {file} has errors"),
        notice: Some(text::FIRST_LINE),
        text,
        json: Some(report::json::render(v, file)),
        ..Answer::default()
    }
    .into()
}

fn source<'a>(file: &'a str, v: &'a Validation, defs: &'a Definitions) -> Source<'a> {
    Source {
        file,
        sha256: &v.sha256,
        definitions_version: &defs.version,
    }
}

/// One export explained: the terminal's words, the workbook and the JSON.
fn one(
    a: &Args,
    loaded: &Validated,
    period: Period,
    selection: &Selection,
    limit: Option<usize>,
    cx: &Context,
) -> Done {
    let (v, defs, file) = (&loaded.validation, &loaded.defs, a.export.path.as_str());
    cx.progress.stage("Explaining the figures");
    let x = explain::explain(v, defs, period, selection).map_err(|e| why(file, e))?;
    let source = source(file, v, defs);
    let warnings = explain::warnings(v);
    cx.progress.stage("Writing the workbook");
    let workbook = explain::xlsx::render(&x, &source).map_err(|_| {
        fail(
            "the workbook could not be made, which is a fault in this tool: please report it \
             (nothing was written)",
        )
    })?;
    let mut json = Vec::new();
    explain::json::write(&x, &source, &warnings, &mut json).map_err(|e| {
        fail(format!(
            "the JSON could not be made ({e}): please report it"
        ))
    })?;
    let mut answer = Answer {
        exit: EXIT_OK,
        headline: format!("Explained {} measure(s) of {period}", x.asked.len()),
        notice: Some(text::FIRST_LINE),
        text: text::render(&x, file, &warnings, limit),
        ..Answer::default()
    };
    answer.file(
        WORKBOOK,
        workbook,
        "the explanation as a workbook: the Measures sheet and one sheet per section, every \
         record; it names children, keep it inside the service",
    );
    answer.file(
        JSON,
        json,
        "the same explanation as --format json gives, for other programs; it names children, \
         keep it inside the service",
    );
    Ok(answer)
}

/// Two exports of one period compared: the terminal's words and the JSON.
fn two(
    a: &Args,
    (old, new): (&Validated, &PickedFile),
    new_v: &Validated,
    period: Period,
    selection: &Selection,
    limit: Option<usize>,
    cx: &Context,
) -> Done {
    let (old_file, new_file) = (a.export.path.as_str(), new.path.as_str());
    let defs = &old.defs;
    cx.progress.stage("Comparing the figures");
    let c = explain::compare(&old.validation, &new_v.validation, defs, period, selection)
        .map_err(|e| fail(e.to_string()))?;
    let json = explain::json::render_comparison(
        &c,
        &source(old_file, &old.validation, defs),
        &source(new_file, &new_v.validation, defs),
    );
    let mut answer = Answer {
        exit: EXIT_OK,
        headline: match c.measures.len() {
            0 => format!("No measure of {period} differs between {old_file} and {new_file}"),
            n => format!("{n} measure(s) of {period} differ between {old_file} and {new_file}"),
        },
        notice: Some(text::FIRST_LINE),
        text: text::render_comparison(&c, old_file, new_file, limit),
        ..Answer::default()
    };
    answer.file(
        JSON,
        json.into_bytes(),
        "the same comparison as --format json gives, for other programs; it names children, \
         keep it inside the service",
    );
    Ok(answer)
}

/// An export validated without errors whose records still could not be read.
fn why(file: &str, e: ExplainError) -> Failed {
    match e {
        ExplainError::Records(e) => fail(format!("{file}: {e}")),
        e => fail(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use yjb_return::date::Timestamp;
    use yjb_return::progress::Progress;

    use super::*;
    use crate::host::tests::Files;

    fn sample(name: &str) -> Vec<u8> {
        let path = format!("{}/../samples/2024-25/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn request(files: &mut Files, measures: &[&str]) -> Args {
        Args {
            export: files.add("q4-export.xlsx", sample("q4-export.xlsx")),
            acknowledgements: None,
            new: None,
            new_acknowledgements: None,
            period: "2024-25 Q4".into(),
            measures: measures.iter().map(ToString::to_string).collect(),
            provisional: false,
            all: false,
        }
    }

    fn context(files: Files) -> Context {
        Context {
            now: Timestamp::parse("2025-05-01T09:00:00Z").unwrap(),
            host: Rc::new(files),
            progress: Progress::default(),
        }
    }

    #[test]
    fn an_explanation_says_first_that_it_names_children_and_offers_the_workbook_and_json() {
        let mut files = Files::default();
        let a = request(&mut files, &["kpi1.all.suitable"]);
        let answer = run(&a, &context(files)).unwrap_or_else(|f| *f.0);
        assert_eq!(answer.exit, EXIT_OK, "{}", answer.text);
        assert_eq!(answer.notice, Some(text::FIRST_LINE));
        assert!(answer.text.starts_with(text::FIRST_LINE), "{}", answer.text);
        assert!(
            answer.text.contains("kpi1.all.suitable = "),
            "{}",
            answer.text
        );
        assert_eq!(answer.headline, "Explained 1 measure(s) of 2024-25 Q4");
        let names: Vec<&str> = answer.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, [WORKBOOK, JSON]);
        let json = String::from_utf8(answer.bytes[1].clone()).unwrap();
        assert!(json.starts_with("{\"notice\": "), "{json}");
        // The export's warning is listed (explain::warnings), as the program lists it.
        assert!(
            json.contains("\"warnings\": [\n{\"code\":\"W316\""),
            "{json}"
        );
        assert_eq!(&answer.bytes[0][..2], b"PK");
    }

    #[test]
    fn an_unknown_measure_is_the_engines_sentence_with_the_nearest_codes() {
        let mut files = Files::default();
        let a = request(&mut files, &["kpi1.all.suitible"]);
        let failed = run(&a, &context(files)).unwrap_err();
        assert_eq!(failed.0.exit, EXIT_FAILURE);
        assert!(
            failed
                .0
                .headline
                .starts_with("no measure is called \"kpi1.all.suitible\" (the nearest: "),
            "{}",
            failed.0.headline
        );
    }

    #[test]
    fn an_export_with_errors_is_refused_with_its_findings() {
        let mut files = Files::default();
        let mut a = request(&mut files, &["kpi1"]);
        a.export = files.add("flawed-export.xlsx", sample("flawed-export.xlsx"));
        a.period = "2024-25 Q2".into();
        let failed = run(&a, &context(files)).unwrap_err();
        assert_eq!(failed.0.exit, EXIT_ERRORS);
        assert!(failed.0.text.starts_with(text::FIRST_LINE));
        assert!(
            failed
                .0
                .text
                .contains("Nothing was explained: the return would not be built")
        );
        let report: serde_json::Value =
            serde_json::from_str(failed.0.json.as_deref().unwrap()).unwrap();
        assert!(!report["findings"].as_array().unwrap().is_empty());
        assert!(failed.0.files.is_empty());
    }

    #[test]
    fn two_exports_name_what_moved_and_offer_only_the_json() {
        let mut files = Files::default();
        let mut a = request(&mut files, &[]);
        a.export = files.add("q3-export.xlsx", sample("q3-export.xlsx"));
        a.new = Some(files.add(
            "q3-export-corrected.xlsx",
            sample("q3-export-corrected.xlsx"),
        ));
        a.acknowledgements = Some(files.add(
            "q3-export.acknowledgements.csv",
            sample("q3-export.acknowledgements.csv"),
        ));
        a.new_acknowledgements = Some(files.add(
            "q3-export-corrected.acknowledgements.csv",
            sample("q3-export-corrected.acknowledgements.csv"),
        ));
        a.period = "2024-25 Q3".into();
        let answer = run(&a, &context(files)).unwrap_or_else(|f| *f.0);
        assert_eq!(answer.exit, EXIT_OK, "{}", answer.text);
        assert!(answer.text.starts_with(text::FIRST_LINE));
        assert!(answer.text.contains("measure(s) differ"), "{}", answer.text);
        assert!(
            answer
                .headline
                .contains("differ between q3-export.xlsx and")
        );
        let names: Vec<&str> = answer.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, [JSON]);
    }
}
