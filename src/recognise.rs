//! Which of the tool's own kinds of file the user gave, so that a command given the wrong one
//! (`check` on an export, `validate` on a return workbook, `reproduce` on a return.xml) says
//! what the file is and names the command, with its arguments, that takes it.
//!
//! Recognition looks at the content, never the name: a return workbook has a `Cover` sheet, an
//! export the export's sheets, the issues report its `Issues` and `Summary` sheets, a board
//! scorecard its `Scorecard` sheet; a return's XML has the return's root element; a manifest is
//! JSON with `manifest_version` (a scorecard's also has `"kind": "scorecard"`), a return's JSON
//! an `identity` and `measures`. It runs only once a file has failed to read as what the
//! command wanted, so its cost never falls on a file that is right.

use std::io::{Cursor, Read};
use std::path::Path;

use crate::definitions::normalise;
use crate::folder::{Entry, Folder, Kind};
use crate::names::{MANIFEST_JSON, RETURN_JSON, RETURN_XLSX, RETURN_XML};
use crate::names::{parse_folder, period_folder};
use crate::period::Period;

/// What a file turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// A case-management export, with the quarter its `extract_date` most likely covers.
    Export { covers: Option<Period> },
    /// The workbook `validate --report` writes.
    IssuesReport,
    /// A return's `return.xlsx`.
    ReturnWorkbook,
    /// A return's `return.xml`.
    ReturnXml,
    /// A return's `return.json`.
    ReturnJson,
    /// The `manifest.json` of a build.
    Manifest { input: Option<String> },
    /// The `manifest.json` of a board scorecard.
    ScorecardManifest,
    /// A board scorecard's workbook.
    ScorecardWorkbook,
    /// None of the tool's files.
    Unknown,
}

/// What the command wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// `validate` and `build`: a case-management export.
    Export,
    /// `check` and `diff`: a return's file.
    Return,
    /// `reproduce`: a build's manifest.
    Manifest,
}

/// The export's sheets, normalised: any one of them makes a workbook an export.
const EXPORT_SHEETS: [&str; 7] = [
    "service",
    "children",
    "interventions",
    "offences",
    "victims",
    "boardattendance",
    "reoffendingcohort",
];

/// The most of `xl/workbook.xml` read to find the sheet names (a workbook of a few hundred
/// sheets is a few tens of kilobytes).
const MAX_WORKBOOK_PART: u64 = 1 << 20;

/// Recognises a file from its bytes.
pub fn recognise(bytes: &[u8]) -> What {
    if bytes.starts_with(b"PK\x03\x04") {
        return workbook(bytes);
    }
    let text = String::from_utf8_lossy(bytes.get(..4096).unwrap_or(bytes));
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with('<') {
        return if text.contains(&format!("<{}", crate::names::ROOT)) {
            What::ReturnXml
        } else {
            What::Unknown
        };
    }
    if text.starts_with('{') {
        return json(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes));
    }
    What::Unknown
}

fn json(bytes: &[u8]) -> What {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return What::Unknown;
    };
    let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str);
    if value.get("manifest_version").is_some() {
        if text("kind") == Some("scorecard") {
            return What::ScorecardManifest;
        }
        let input = value
            .get("input")
            .and_then(|i| i.get("path"))
            .and_then(serde_json::Value::as_str)
            .map(str::to_string);
        return What::Manifest { input };
    }
    if value.get("identity").is_some() && value.get("measures").is_some() {
        return What::ReturnJson;
    }
    What::Unknown
}

fn workbook(bytes: &[u8]) -> What {
    let Some(names) = sheet_names(bytes) else {
        return What::Unknown;
    };
    match of_sheets(&names) {
        What::Export { .. } => What::Export {
            covers: export_period(bytes),
        },
        what => what,
    }
}

/// What a workbook is, from its sheet names alone (an export's quarter is not looked for).
/// The issues report holds copies of the export's sheets, so it is told first; a sheet of an
/// export's makes an export whatever else it holds (a supplier may add a cover page).
pub fn of_sheets<S: AsRef<str>>(names: &[S]) -> What {
    let has = |name: &str| {
        names
            .iter()
            .any(|n| normalise(n.as_ref()) == normalise(name))
    };
    if has("Issues") && has("Summary") && has("By child") {
        What::IssuesReport
    } else if names
        .iter()
        .any(|n| EXPORT_SHEETS.contains(&normalise(n.as_ref()).replace('_', "").as_str()))
    {
        What::Export { covers: None }
    } else if has(crate::names::COVER) {
        What::ReturnWorkbook
    } else if has("Scorecard") {
        What::ScorecardWorkbook
    } else {
        What::Unknown
    }
}

/// The sheet names of a workbook, from `xl/workbook.xml`, without opening the sheets.
fn sheet_names(bytes: &[u8]) -> Option<Vec<String>> {
    use quick_xml::XmlVersion;
    use quick_xml::events::Event;
    crate::export::workbook::precheck::precheck(bytes).ok()?;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut part = Vec::new();
    zip.by_name("xl/workbook.xml")
        .ok()?
        .take(MAX_WORKBOOK_PART)
        .read_to_end(&mut part)
        .ok()?;
    let mut xml = quick_xml::Reader::from_reader(part.as_slice());
    let mut names = Vec::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sheet" => {
                if let Some(name) = e
                    .try_get_attribute("name")
                    .ok()
                    .flatten()
                    .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok())
                {
                    names.push(name.into_owned());
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    Some(names)
}

/// The quarter an export most likely covers: the last one ended by its `extract_date` (sheet
/// `Service`, the first data row), when that can be read.
fn export_period(bytes: &[u8]) -> Option<Period> {
    use crate::export::workbook::Cell;
    let wb = crate::export::workbook::read(bytes).ok()?;
    let service = wb.sheets.iter().find(|s| normalise(&s.name) == "service")?;
    let mut rows = service.rows.iter();
    let header = rows.next()?;
    let column = header
        .cells
        .iter()
        .position(|c| matches!(c, Cell::Text(t) if normalise(t) == "extract_date"))?;
    let date = match rows.next()?.cell(column) {
        Cell::Date(d) => *d,
        Cell::Text(t) => crate::date::Date::parse_text(t)?,
        _ => return None,
    };
    Some(Period::latest_complete(date))
}

/// A path as it would be typed in a command: quoted when it holds a space or a character a
/// shell would read.
pub fn arg(path: &Path) -> String {
    let text = path.display().to_string();
    if text.is_empty()
        || text
            .chars()
            .any(|c| c.is_whitespace() || "\"'&|;<>()$`*?!#%^,".contains(c))
    {
        format!("\"{text}\"")
    } else {
        text
    }
}

/// The sentence saying what `path` is and which command takes it, when it is one of the
/// tool's files but not the kind `wanted`; `None` when it is of no recognised kind (the
/// caller's own message stands). `manifest_beside` says whether a `manifest.json` is in the
/// same folder (the shell looks).
pub fn advice(what: &What, path: &Path, wanted: Wanted, manifest_beside: bool) -> Option<String> {
    let p = arg(path);
    let folder = path
        .parent()
        .filter(|f| !f.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let f = arg(folder);
    let build = |covers: &Option<Period>| {
        let period = covers.map_or_else(|| "2024-25 Q2".to_string(), |c| c.to_string());
        let out = covers.map_or_else(|| "2024-25-Q2".to_string(), period_folder);
        (
            format!("yjb-return validate {p} --period \"{period}\""),
            format!(
                "yjb-return build {p} --period \"{period}\" --out returns{}{out}",
                std::path::MAIN_SEPARATOR
            ),
        )
    };
    let sentence = match (what, wanted) {
        (What::Export { .. }, Wanted::Export) | (What::Unknown, _) => return None,
        (What::Export { covers }, Wanted::Return) => {
            let (validate, build) = build(covers);
            format!(
                "this is a case-management export, not a return: to check the export, run \
                 `{validate}`; to build its return, run `{build}`, then check that folder"
            )
        }
        (What::Export { covers }, Wanted::Manifest) => {
            let (_, build) = build(covers);
            format!(
                "this is a case-management export, not a build's {MANIFEST_JSON}: reproduce \
                 rebuilds a return from the {MANIFEST_JSON} build wrote beside it; to build a \
                 return from this export, run `{build}`"
            )
        }
        (What::IssuesReport, Wanted::Export) => "this is the issues report `validate \
             --report` wrote, not the export: give the export itself (the report's Summary sheet \
             names it)"
            .to_string(),
        (What::IssuesReport, _) => "this is the issues report `validate --report` wrote, not \
             a return: build the return from the export once its errors are fixed"
            .to_string(),
        (What::ReturnWorkbook | What::ReturnXml | What::ReturnJson, Wanted::Return) => {
            return None;
        }
        (What::ReturnWorkbook | What::ReturnXml | What::ReturnJson, wanted) => {
            let this = match what {
                What::ReturnWorkbook => format!("a return workbook ({RETURN_XLSX})"),
                What::ReturnXml => format!("a return's XML ({RETURN_XML})"),
                _ => format!("a return's JSON ({RETURN_JSON})"),
            };
            let check = format!("yjb-return check {p}");
            match wanted {
                Wanted::Export => format!(
                    "this is {this}, not a case-management export: to check it before \
                     sending, run `{check}`"
                ),
                _ if manifest_beside => format!(
                    "this is {this}, not its {MANIFEST_JSON}: give the return's folder, which \
                     holds the manifest: `yjb-return reproduce {f}`"
                ),
                _ => format!(
                    "this is {this}, not a {MANIFEST_JSON}, and no {MANIFEST_JSON} is beside \
                     it, so it cannot be reproduced; to check it, run `{check}`"
                ),
            }
        }
        (What::Manifest { .. }, Wanted::Manifest) => return None,
        (What::Manifest { .. }, Wanted::Return) => format!(
            "this is a build's {MANIFEST_JSON}, not a return file: to check the return, give \
             its folder: `yjb-return check {f}`; to rebuild it for an audit, run `yjb-return \
             reproduce {p}`"
        ),
        (What::Manifest { input }, Wanted::Export) => format!(
            "this is a build's {MANIFEST_JSON}, not a case-management export: to rebuild that \
             return for an audit, run `yjb-return reproduce {p}`{}",
            input
                .as_ref()
                .map(|i| format!("; the export it was built from is {i}"))
                .unwrap_or_default()
        ),
        (What::ScorecardManifest, Wanted::Manifest) => return None,
        (What::ScorecardManifest, _) => format!(
            "this is a board scorecard's {MANIFEST_JSON}, not {}: `yjb-return reproduce {p}` \
             proves the scorecard",
            noun(wanted)
        ),
        (What::ScorecardWorkbook, _) => format!(
            "this is a board scorecard, not {}: it is made from the returns of an archive, \
             which are checked as it is built",
            noun(wanted)
        ),
    };
    Some(sentence)
}

fn noun(wanted: Wanted) -> &'static str {
    match wanted {
        Wanted::Export => "a case-management export",
        Wanted::Return => "a return",
        Wanted::Manifest => "a build's manifest.json",
    }
}

/// What to say of a folder that holds none of the files `command` wanted from it: an archive
/// of returns names one of its quarters, a folder holding a return or exports names the
/// command for them. `None` when there is nothing better to say than the caller's sentence.
pub fn folder_advice(dir: &dyn Folder, wanted: Wanted, command: &str) -> Option<String> {
    let entries: Vec<(String, bool)> = dir
        .entries()
        .ok()?
        .into_iter()
        .map(|(name, entry)| (name, entry == Entry::Folder))
        .collect();
    let mut quarters: Vec<String> = entries
        .iter()
        .filter(|(n, is_dir)| *is_dir && parse_folder(n).is_some())
        .filter(|(n, _)| dir.open(n).entry(MANIFEST_JSON) == Some(Entry::File))
        .map(|(n, _)| n.clone())
        .collect();
    quarters.sort();
    if let Some(last) = quarters.last() {
        return Some(format!(
            "it is an archive of returns ({}): give one of them, e.g. `yjb-return {command} {}`",
            crate::text::list(&quarters, 8),
            arg(Path::new(&dir.shown(last)))
        ));
    }
    let has = |name: &str| entries.iter().any(|(n, d)| !d && n == name);
    if wanted != Wanted::Manifest
        && has(MANIFEST_JSON)
        && dir
            .read(MANIFEST_JSON, Kind::Manifest)
            .is_ok_and(|b| recognise(&b) == What::ScorecardManifest)
    {
        return Some(format!(
            "it is a board scorecard's folder, made from the returns of an archive (each checked \
             as it was made): `yjb-return reproduce {}` proves the scorecard",
            arg(Path::new(&dir.path()))
        ));
    }
    if wanted == Wanted::Manifest
        && [RETURN_XML, RETURN_XLSX, RETURN_JSON]
            .iter()
            .any(|n| has(n))
    {
        return Some(format!(
            "it holds a return but no {MANIFEST_JSON}, so it cannot be reproduced (was the \
             manifest moved or deleted?); to check the return itself, run `yjb-return check {}`",
            arg(Path::new(&dir.path()))
        ));
    }
    let mut workbooks: Vec<String> = entries
        .iter()
        .filter(|(n, d)| !d && !n.starts_with('.') && !n.starts_with("~$"))
        .filter(|(n, _)| n.to_lowercase().ends_with(".xlsx"))
        .map(|(n, _)| n.clone())
        .collect();
    if workbooks.is_empty() || wanted == Wanted::Export {
        return None;
    }
    workbooks.sort();
    Some(format!(
        "it holds {} but no return: a return is built from an export with `yjb-return build \
         EXPORT.xlsx --period \"2024-25 Q2\" --out returns{}2024-25-Q2`, and {command} takes \
         that folder",
        crate::text::list(&workbooks, 5),
        std::path::MAIN_SEPARATOR
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_files_are_told_apart() {
        assert_eq!(
            recognise(br#"{"manifest_version": 1, "input": {"path": "input.xlsx"}}"#),
            What::Manifest {
                input: Some("input.xlsx".into())
            }
        );
        assert_eq!(
            recognise(br#"{"manifest_version": 1, "kind": "scorecard"}"#),
            What::ScorecardManifest
        );
        assert_eq!(
            recognise(b"\xef\xbb\xbf {\"identity\": {}, \"measures\": []}"),
            What::ReturnJson
        );
        assert_eq!(recognise(br#"{"something": "else"}"#), What::Unknown);
        assert_eq!(recognise(b"{ not json"), What::Unknown);
    }

    #[test]
    fn xml_and_other_bytes() {
        assert_eq!(
            recognise(b"<?xml version=\"1.0\"?>\n<YouthJusticeReturn yjs_code=\"X\"/>"),
            What::ReturnXml
        );
        assert_eq!(recognise(b"<html></html>"), What::Unknown);
        assert_eq!(recognise(b"code,sheet\n"), What::Unknown);
        assert_eq!(recognise(b""), What::Unknown);
        assert_eq!(recognise(b"PK\x03\x04broken"), What::Unknown);
    }

    #[test]
    fn workbooks_are_told_apart_by_their_sheets() {
        let cover = ["Cover", "Cohort", "KPI1 Accommodation"];
        assert_eq!(of_sheets(&cover), What::ReturnWorkbook);
        let report = ["Issues", "Summary", "By child", "Service", "Children"];
        assert_eq!(of_sheets(&report), What::IssuesReport);
        let export = ["Cover", "Service", "Children", "Orders"];
        assert_eq!(of_sheets(&export), What::Export { covers: None });
        assert_eq!(
            of_sheets(&["Board Attendance"]),
            What::Export { covers: None }
        );
        assert_eq!(of_sheets(&["Scorecard", "Charts"]), What::ScorecardWorkbook);
        assert_eq!(of_sheets(&["Sheet1"]), What::Unknown);
    }

    #[test]
    fn arguments_are_quoted_only_when_needed() {
        assert_eq!(arg(Path::new("returns/2024-25-Q2")), "returns/2024-25-Q2");
        assert_eq!(arg(Path::new("Q2 export.xlsx")), "\"Q2 export.xlsx\"");
        assert_eq!(arg(Path::new("a&b.xlsx")), "\"a&b.xlsx\"");
    }

    #[test]
    fn a_return_given_for_a_manifest_names_its_folder_when_the_manifest_is_there() {
        let dir = tempfile::tempdir().unwrap();
        let xml = dir.path().join("return.xml");
        let said = advice(&What::ReturnXml, &xml, Wanted::Manifest, false).unwrap();
        assert!(said.contains("no manifest.json is beside it"), "{said}");
        assert!(
            said.contains(&format!("yjb-return check {}", xml.display())),
            "{said}"
        );
        let said = advice(&What::ReturnXml, &xml, Wanted::Manifest, true).unwrap();
        assert!(
            said.ends_with(&format!("`yjb-return reproduce {}`", dir.path().display())),
            "{said}"
        );
        assert_eq!(advice(&What::ReturnXml, &xml, Wanted::Return, false), None);
    }

    #[test]
    fn an_export_given_for_a_return_names_validate_and_build_with_its_quarter() {
        let said = advice(
            &What::Export {
                covers: "2024-25 Q3".parse().ok(),
            },
            Path::new("q3 export.xlsx"),
            Wanted::Return,
            false,
        )
        .unwrap();
        let sep = std::path::MAIN_SEPARATOR;
        assert_eq!(
            said,
            format!(
                "this is a case-management export, not a return: to check the export, run \
                 `yjb-return validate \"q3 export.xlsx\" --period \"2024-25 Q3\"`; to build its \
                 return, run `yjb-return build \"q3 export.xlsx\" --period \"2024-25 Q3\" --out \
                 returns{sep}2024-25-Q3`, then check that folder"
            )
        );
    }

    #[test]
    fn an_archive_names_one_of_its_quarters() {
        let mut dir = crate::folder::Memory::new("returns");
        for q in ["2024-25-Q1", "2024-25-Q2", "2024-25-Q2-resubmission-2"] {
            dir.insert(&format!("{q}/{MANIFEST_JSON}"), b"{}".to_vec());
        }
        dir.mkdir("notes");
        let said = folder_advice(&dir, Wanted::Manifest, "reproduce").unwrap();
        assert!(
            said.starts_with(
                "it is an archive of returns (2024-25-Q1, 2024-25-Q2 and \
                 2024-25-Q2-resubmission-2): give one of them, e.g. `yjb-return reproduce "
            ),
            "{said}"
        );
        let mut empty = crate::folder::Memory::new("board");
        assert_eq!(folder_advice(&empty, Wanted::Return, "check"), None);
        empty.insert(
            MANIFEST_JSON,
            br#"{"manifest_version": 1, "kind": "scorecard"}"#.to_vec(),
        );
        let said = folder_advice(&empty, Wanted::Return, "diff").unwrap();
        assert!(
            said.starts_with("it is a board scorecard's folder"),
            "{said}"
        );
    }
}
