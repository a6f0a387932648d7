//! `check`, `diff` and `reproduce`: finished returns (and scorecards) read back from the files
//! or folders the page's user picked.

use std::rc::Rc;

use serde::Deserialize;
use yjb_return::audit::reproduce::{self, RecordError, ReproduceError, Reproduction};
use yjb_return::audit::{self as engine, Given};
use yjb_return::definitions::{Definitions, Source};
use yjb_return::folder::{Folder, Kind, plain_name};
use yjb_return::names::{MANIFEST_JSON, RETURN_JSON, RETURN_XLSX, RETURN_XML};
use yjb_return::recognise::{self, Wanted};
use yjb_return::scorecard::make::MakeError;
use yjb_return::scorecard::manifest::ScorecardManifest;
use yjb_return::text::cut;

use super::{Context, Done, read};
use crate::answer::{Answer, EXIT_ERRORS, EXIT_FAILURE, EXIT_OK, fail, zip};
use crate::host::{Pick, Picked, PickedFile};

/// Files picked: a return's folder (`folder`), or files of one.
#[derive(Debug, Deserialize)]
pub struct Chosen {
    pub pick: Pick,
    #[serde(default)]
    pub folder: bool,
}

impl Chosen {
    fn open(&self, cx: &Context) -> Picked {
        Picked::new(&self.pick, Rc::clone(&cx.host))
    }
}

#[derive(Debug, Deserialize)]
pub struct CheckArgs {
    #[serde(flatten)]
    pub chosen: Chosen,
}

/// `check`: a return's folder (all three files, against its manifest) or files of one (each on
/// its own, against a manifest picked with it).
pub fn check(a: &CheckArgs, cx: &Context) -> Done {
    let root = a.chosen.open(cx);
    let (targets, given): (Vec<String>, Given) = if a.chosen.folder {
        let targets: Vec<String> = [RETURN_XML, RETURN_XLSX, RETURN_JSON]
            .iter()
            .filter(|n| root.entry(n).is_some())
            .map(ToString::to_string)
            .collect();
        if targets.is_empty() {
            return Err(fail(format!(
                "{} holds no return.xml, return.xlsx or return.json{}",
                root.path(),
                recognise::folder_advice(&root, Wanted::Return, "check")
                    .map(|a| format!("; {a}"))
                    .unwrap_or_default()
            )));
        }
        (targets, Given::Folder)
    } else {
        // The files picked, but the manifest picked with them, which is what they are held to.
        let names: Vec<String> = root.file_names().map(ToString::to_string).collect();
        let returns: Vec<String> = names
            .iter()
            .filter(|n| *n != MANIFEST_JSON)
            .cloned()
            .collect();
        (
            if returns.is_empty() { names } else { returns },
            Given::Files,
        )
    };
    if targets.is_empty() {
        return Err(fail("choose a return's folder, or its files"));
    }
    let checked = engine::check_files(&root, &targets, &Source::Embedded, given, cx.now.date);
    let verdict = checked.verdict();
    Ok(Answer {
        exit: match verdict {
            engine::checked::Verdict::Unreadable => EXIT_FAILURE,
            v if v.fit_to_send() => EXIT_OK,
            _ => EXIT_ERRORS,
        },
        headline: format!("Verdict: {}", checked.sentence()),
        text: checked.render_text(&root),
        json: Some(checked.render_json()),
        ..Answer::default()
    })
}

#[derive(Debug, Deserialize)]
pub struct DiffArgs {
    pub old: Chosen,
    pub new: Chosen,
}

/// `diff`: every figure that changed between two returns, each a folder (its return.json,
/// else return.xml) or one file.
pub fn diff(a: &DiffArgs, cx: &Context) -> Done {
    let load = |chosen: &Chosen| {
        let root = chosen.open(cx);
        let name = if chosen.folder {
            None
        } else {
            match chosen.pick.files.as_slice() {
                [one] => Some(one.path.clone()),
                _ => {
                    return Err(fail(
                        "choose one return file (return.json, return.xml or return.xlsx) for \
                         each side, or the return's folder",
                    ));
                }
            }
        };
        engine::load_return(&root, name.as_deref()).map_err(|e| fail(e.to_string()))
    };
    let (old_name, old) = load(&a.old)?;
    let (new_name, new) = load(&a.new)?;
    // The percentages are those the newer return's workbook shows.
    let defs = Definitions::load(&Source::Embedded, &new.identity.definitions_version)
        .map_err(|e| fail(e.to_string()))?;
    let layout = yjb_return::write::template::Layout::load(&defs)
        .map_err(|e| fail(format!("the return template is unusable: {e}")))?;
    let d = engine::diff::diff(&old, &new, &layout);
    let text = engine::diff::render_text(&d, &old_name, &new_name);
    Ok(Answer {
        exit: if d.is_empty() { EXIT_OK } else { EXIT_ERRORS },
        headline: text.lines().next().unwrap_or_default().to_string(),
        json: Some(engine::diff::render_json(&d, &old_name, &new_name)),
        text,
        ..Answer::default()
    })
}

#[derive(Debug, Deserialize)]
pub struct ReproduceArgs {
    /// The return's folder (or the scorecard's), holding its manifest.
    pub pick: Pick,
    /// The export, when the manifest names one outside the folder (`build --out` records the
    /// export's own path, which the page cannot open).
    #[serde(default)]
    pub export: Option<PickedFile>,
    /// The archive a scorecard was made from.
    #[serde(default)]
    pub archive: Option<Pick>,
}

/// `reproduce`: rebuild a past return (or scorecard) from its manifest and prove it identical.
pub fn reproduce(a: &ReproduceArgs, cx: &Context) -> Done {
    let root = Picked::new(&a.pick, Rc::clone(&cx.host));
    if root.entry(MANIFEST_JSON).is_none() {
        return Err(fail(format!(
            "{} holds no {MANIFEST_JSON}; {}",
            root.path(),
            recognise::folder_advice(&root, Wanted::Manifest, "reproduce").unwrap_or_else(|| {
                "choose the folder of a return built by build (or of a scorecard)".to_string()
            })
        )));
    }
    let shown = root.shown(MANIFEST_JSON);
    let bytes = root
        .read(MANIFEST_JSON, Kind::Manifest)
        .map_err(|e| fail(format!("cannot read {shown}: {e}")))?;
    let text = String::from_utf8_lossy(&bytes);
    if ScorecardManifest::is_scorecard(&text) {
        return scorecard(a, &root, &text, cx);
    }
    let recorded = reproduce::read_manifest(&text).map_err(|e| match e {
        RecordError::NotAManifest => fail(format!(
            "{shown}: {}",
            recognise::advice(
                &recognise::recognise(&bytes),
                std::path::Path::new(&shown),
                Wanted::Manifest,
                true,
            )
            .unwrap_or_else(|| e.to_string())
        )),
        e => fail(format!("{shown}: {e}")),
    })?;
    let manifest = &recorded.manifest;
    // The input the manifest names: in the folder (an archived return's input.xlsx), else the
    // export chosen beside it.
    let recorded_input = &manifest.input.path;
    let (input, input_shown) = if plain_name(recorded_input) && root.file(recorded_input).is_some()
    {
        let shown = cut(&root.shown(recorded_input)).into_owned();
        let bytes = root.read(recorded_input, Kind::Export).map_err(|e| {
            fail(format!(
                "cannot read the archived input {shown} named by the manifest ({e}); it \
                     should have SHA-256 {}",
                cut(&manifest.input.sha256)
            ))
        })?;
        (bytes, shown)
    } else if let Some(export) = &a.export {
        (
            read(export, Kind::Export, cx)?,
            cut(&export.path).into_owned(),
        )
    } else {
        return Err(fail(format!(
            "the manifest names its input as {}, which is not in the folder chosen: choose \
                 that export too (it should have SHA-256 {})",
            cut(recorded_input),
            cut(&manifest.input.sha256)
        )));
    };
    let defs = Definitions::load(&Source::Embedded, &manifest.definitions.version)
        .map_err(|e| fail(e.to_string()))?;
    let given = reproduce::Given {
        folder: &root,
        input: &input,
        input_shown: input_shown.clone(),
        defs: &defs,
        today: cx.now.date,
        progress: cx.progress.clone(),
    };
    match reproduce::reproduce(&recorded, &given) {
        Ok(Reproduction::Compared { outcome, built }) => {
            let text = reproduce::verdict::render_text(&outcome);
            let mut answer = Answer {
                exit: if outcome.reproduced {
                    EXIT_OK
                } else {
                    EXIT_ERRORS
                },
                headline: outcome.headline.clone(),
                json: Some(pretty(&outcome)),
                text,
                ..Answer::default()
            };
            let manifest_json = built.manifest.to_json();
            let mut files: Vec<(&str, &[u8])> = built
                .files
                .iter()
                .map(|(n, b)| (*n, b.as_slice()))
                .collect();
            files.push((MANIFEST_JSON, manifest_json.as_bytes()));
            answer.file(
                &format!("{} rebuilt.zip", folder_name(&root)),
                zip(&files, recorded.generated_at),
                "the rebuilt files, to compare for yourself (`reproduce --out`)",
            );
            Ok(answer)
        }
        Ok(Reproduction::InputInvalid {
            outcome,
            validation,
        }) => Ok(Answer {
            exit: EXIT_ERRORS,
            headline: outcome.headline.clone(),
            text: reproduce::verdict::render_invalid(&outcome, &validation, None),
            ..Answer::default()
        }),
        Err(ReproduceError::Input(e)) => {
            Err(super::Unreadable::load(&input_shown, e).answer(&input_shown))
        }
        Err(e) => Err(fail(e.to_string())),
    }
}

/// A scorecard's manifest: rebuilt from the archive chosen with it, and compared file by file.
fn scorecard(a: &ReproduceArgs, root: &Picked, text: &str, cx: &Context) -> Done {
    let Some(archive) = &a.archive else {
        let named = ScorecardManifest::from_json(text)
            .map(|m| format!(" (its manifest names {})", cut(&m.archive)))
            .unwrap_or_default();
        return Err(fail(format!(
            "{} is a scorecard's folder: choose the archive of returns it was made from too{named}",
            root.path()
        )));
    };
    let archive = Picked::new(archive, Rc::clone(&cx.host));
    // The manifest records where the archive was; the page reads the one chosen.
    let open = move |_: &str| -> Box<dyn Folder> { Box::new(archive.clone()) };
    let r = match yjb_return::scorecard::reproduce::reproduce(
        root,
        text,
        &open,
        &Source::Embedded,
        cx.now.date,
    ) {
        Ok(r) => r,
        Err(MakeError::Unreadable(message)) => return Err(fail(message)),
        Err(MakeError::Invalid(problems)) => {
            let text = yjb_return::scorecard::reproduce::render_invalid(
                &root.shown(MANIFEST_JSON),
                &problems,
            );
            return Ok(Answer {
                exit: EXIT_ERRORS,
                headline: text.lines().next().unwrap_or_default().to_string(),
                text,
                ..Answer::default()
            });
        }
    };
    let mut answer = Answer {
        exit: if r.reproduced { EXIT_OK } else { EXIT_ERRORS },
        headline: r.headline.clone(),
        json: Some(pretty(&r)),
        text: r.render_text(),
        ..Answer::default()
    };
    let files: Vec<(&str, &[u8])> = r
        .rebuilt
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    // Dated as the scorecard was made, so the zip too is the same each time.
    let made = ScorecardManifest::from_json(text)
        .ok()
        .and_then(|m| yjb_return::date::Timestamp::parse(&m.generated_at))
        .unwrap_or(cx.now);
    answer.file(
        &format!("{} rebuilt.zip", folder_name(root)),
        zip(&files, made),
        "the rebuilt files, to compare for yourself (`reproduce --out`)",
    );
    Ok(answer)
}

fn pretty(value: &impl serde::Serialize) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("serialisable");
    s.push('\n');
    s
}

/// The picked folder's own name, for the names of files made from it.
fn folder_name(root: &Picked) -> String {
    let path = root.path();
    if path.is_empty() {
        "return".to_string()
    } else {
        path
    }
}
