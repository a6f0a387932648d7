//! Reading the archive that `build --archive` fills: one folder per submission or provisional
//! return, the latest submission of each quarter used (its latest provisional return when it
//! has none), every folder read checked as `check` does, and a quarter whose figures changed
//! between submissions marked revised with the figures that moved; a provisional return never
//! counts as a submission. A folder that fails is an error naming it, never silently used or
//! skipped; a folder almost named as the archive names them is not read, and said so.

use std::collections::{BTreeMap, BTreeSet};

use crate::audit;
use crate::date::Date;
use crate::definitions::{Severity, Source};
use crate::folder::{Entry, Folder, Kind, Why};
use crate::measures::Return;
use crate::names::{Filing, near_miss, parse_folder};
use crate::names::{MANIFEST_JSON, RETURN_JSON, RETURN_XLSX, RETURN_XML};
use crate::period::Period;

/// A figure that moved between an earlier submission of a quarter and the latest.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Moved {
    pub code: String,
    pub was: Option<i64>,
    pub now: Option<i64>,
}

/// How the latest submission differs from an earlier one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Revision {
    /// The earlier submission's folder.
    pub folder: String,
    pub moved: Vec<Moved>,
}

/// The return used for one quarter: its latest submission, or its latest provisional return
/// when it has no submission.
#[derive(Debug, Clone)]
pub struct Filed {
    pub folder: String,
    /// Which submission it is (the first is 1); `None` for a provisional return, which is never
    /// a submission.
    pub submission: Option<u32>,
    pub ret: Return,
    /// SHA-256 of the submission's manifest.json, which the scorecard's manifest records.
    pub manifest_sha256: String,
    pub provisional: bool,
    /// Earlier submissions whose figures differ from this one's (never a provisional return).
    pub revisions: Vec<Revision>,
    /// The quarter's first submission, when this is a later one: what the board was first shown.
    pub first: Option<First>,
}

/// A quarter's first submission, kept beside a later one to say what moved per indicator.
#[derive(Debug, Clone)]
pub struct First {
    pub folder: String,
    pub ret: Return,
}

impl Filed {
    pub fn revised(&self) -> bool {
        !self.revisions.is_empty()
    }
}

/// The quarters read from an archive.
#[derive(Debug, Clone, Default)]
pub struct Archive {
    pub returns: BTreeMap<Period, Filed>,
    /// Warnings `check` gave on the returns read (a provisional return used, a re-saved file);
    /// none about a provisional return that a submission supersedes.
    pub warnings: Vec<String>,
}

/// The folders of an archive by quarter: (filing, folder name), in filing order (provisional
/// returns first, then the submissions).
pub type Quarters = BTreeMap<Period, Vec<(Filing, String)>>;

/// What [`index`] found: the quarters, and a warning for each folder that is almost named as
/// the archive names its folders and so is not read.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub quarters: Quarters,
    pub unread: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{0} does not exist; give the folder that `build --archive` fills")]
    Missing(String),
    #[error("{0} is not a folder; give the folder that `build --archive` fills")]
    NotAFolder(String),
    #[error("cannot read the archive folder {0}: {1}")]
    Unreadable(String, String),
    #[error(
        "{0} is not an archive of returns: it holds no quarter folder written by `build --archive` \
         (such as 2024-25-Q2)"
    )]
    Empty(String),
    /// No folder is named as the archive names them, but some almost are: each is named.
    #[error(
        "{} holds no quarter folder named as `build --archive` names them:\n{}",
        .0,
        .1.join("\n")
    )]
    OnlyNearMisses(String, Vec<String>),
    /// Errors in the returns themselves (exit 1): each names its folder.
    #[error("{}", .0.join("\n"))]
    Problems(Vec<String>),
}

/// The longest folder name quoted in a warning, in characters.
const MAX_NAME_SHOWN: usize = 80;

/// The warning for a folder almost named as a filing: what it is called and what the archive's
/// folders are called, with its own quarter where its name gives one.
fn near_miss_warning(name: &str) -> String {
    let shown: String = if name.chars().count() > MAX_NAME_SHOWN {
        let cut: String = name.chars().take(MAX_NAME_SHOWN).collect();
        format!("{cut}...")
    } else {
        name.to_string()
    };
    let base = crate::names::period_folder(
        crate::names::named_period(name).unwrap_or_else(|| "2024-25 Q2".parse().expect("a period")),
    );
    format!(
        "the folder \"{shown}\" was not read: it is not named as `build --archive` names a \
         return's folder ({base} for the first submission, {base}-resubmission-2, -3, ... for \
         the next, {base}-provisional, -provisional-2, ... for a provisional return; numbers \
         without a leading zero). If it holds a return the scorecard should use, give it its \
         folder's name; otherwise move it out of the archive"
    )
}

/// The folders of an archive by quarter, and a warning for each folder whose name almost names
/// one (a copy, a mistyped number), which is not read. Other files and folders (a board pack, a
/// hidden staging folder) are left alone.
pub fn index(root: &dyn Folder) -> Result<Index, ArchiveError> {
    let entries = root.entries().map_err(|e| match e.why {
        Why::Missing => ArchiveError::Missing(root.path()),
        Why::NotAFile => ArchiveError::NotAFolder(root.path()),
        _ => ArchiveError::Unreadable(root.path(), e.words),
    })?;
    let mut out = Index::default();
    let mut near: Vec<String> = Vec::new();
    for (name, entry) in entries {
        if entry != Entry::Folder {
            continue;
        }
        if let Some((period, filing)) = parse_folder(&name) {
            out.quarters.entry(period).or_default().push((filing, name));
        } else if near_miss(&name) {
            near.push(name);
        }
    }
    near.sort();
    out.unread = near.iter().map(|n| near_miss_warning(n)).collect();
    if out.quarters.is_empty() {
        if out.unread.is_empty() {
            return Err(ArchiveError::Empty(root.path()));
        }
        return Err(ArchiveError::OnlyNearMisses(root.path(), out.unread));
    }
    for subs in out.quarters.values_mut() {
        subs.sort();
    }
    Ok(out)
}

/// One submission, checked.
struct Checked {
    ret: Return,
    manifest_sha256: String,
    provisional: bool,
}

/// Checks one submission folder as `check` does, plus what an archived return must have: a
/// manifest, every file it names, and a period that matches the folder's name.
fn check_submission(
    root: &dyn Folder,
    folder: &str,
    period: Period,
    (source, today): (&Source, Date),
    problems: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Option<Checked> {
    let dir = root.open(folder);
    let manifest_bytes = match dir.read(MANIFEST_JSON, Kind::Manifest) {
        Ok(b) => b,
        Err(e) => {
            problems.push(format!(
                "{folder}: its {MANIFEST_JSON} cannot be read ({e}); every folder `build \
                 --archive` writes has one, so this one cannot be trusted"
            ));
            return None;
        }
    };
    let Ok(manifest) =
        crate::write::manifest::Manifest::from_json(&String::from_utf8_lossy(&manifest_bytes))
    else {
        problems.push(format!(
            "{folder}: its {MANIFEST_JSON} is not a manifest written by build"
        ));
        return None;
    };
    let before = problems.len();
    let targets: Vec<String> = [RETURN_XML, RETURN_XLSX, RETURN_JSON]
        .iter()
        // Whatever is there is checked: a device or a pipe in a file's place is named as one.
        .filter(|n| dir.entry(n).is_some())
        .map(|n| n.to_string())
        .collect();
    let checked = audit::check_files(&*dir, &targets, source, audit::Given::Folder, today);
    let inside = dir.shown("");
    for f in &checked.findings {
        let line = format!(
            "{folder}: {}",
            crate::report::terminal::line(f).replace(&inside, "")
        );
        if f.severity >= Severity::Error {
            problems.push(line);
        } else if f.severity == Severity::Warning {
            warnings.push(line);
        }
    }
    let json = dir.shown(RETURN_JSON);
    let doc = checked
        .documents
        .iter()
        .find(|d| d.file == json)
        .or_else(|| checked.documents.first());
    let Some(doc) = doc else {
        if problems.len() == before {
            problems.push(format!("{folder}: it holds no return file"));
        }
        return None;
    };
    if doc.ret.identity.period != period {
        problems.push(format!(
            "{folder}: it holds the return for {}, not {period} as its name says",
            doc.ret.identity.period
        ));
    }
    if problems.len() > before {
        return None;
    }
    Some(Checked {
        ret: doc.ret.clone(),
        manifest_sha256: crate::hash::sha256_hex(&manifest_bytes),
        // A manifest written before provisional returns existed has no flag: not provisional.
        provisional: doc.ret.identity.provisional || manifest.provisional,
    })
}

/// What checking one submission found.
struct Outcome {
    checked: Option<Checked>,
    problems: Vec<String>,
    warnings: Vec<String>,
}

/// Checks submissions one after another, returning the outcomes in the order given.
fn check_all(root: &dyn Folder, subs: &[(Period, &str)], given: (&Source, Date)) -> Vec<Outcome> {
    subs.iter()
        .map(|(period, folder)| {
            let (mut problems, mut warnings) = (Vec::new(), Vec::new());
            let checked =
                check_submission(root, folder, *period, given, &mut problems, &mut warnings);
            Outcome {
                checked,
                problems,
                warnings,
            }
        })
        .collect()
}

/// The figures that differ between two returns of one quarter.
pub fn moved(earlier: &Return, latest: &Return) -> Vec<Moved> {
    let codes: BTreeSet<&str> = earlier
        .measures
        .iter()
        .chain(latest.measures.iter())
        .map(|(c, _)| c)
        .collect();
    codes
        .into_iter()
        .filter_map(|code| {
            let (was, now) = (earlier.measures.get(code), latest.measures.get(code));
            (was != now).then(|| Moved {
                code: code.to_string(),
                was,
                now,
            })
        })
        .collect()
}

/// One folder of a quarter, read and checked, with the warnings `check` gave on it.
struct Read {
    filing: Filing,
    folder: String,
    checked: Checked,
    warnings: Vec<String>,
}

/// The return a quarter uses, from its folders in filing order: its latest submission, or its
/// latest provisional return when it has no submission. A return is provisional by what it
/// says of itself, whatever its folder is called (an archive filed before provisional folders
/// existed holds one as `2024-25-Q4`), and is never a submission: it makes no quarter revised,
/// and a provisional return a submission supersedes gives no warning. A folder named
/// provisional that holds a final return is an error: the archive never files one so. Returns
/// the warnings to pass on, or the problems.
fn choose(reads: Vec<Read>) -> Result<Option<(Filed, Vec<String>)>, Vec<String>> {
    let problems: Vec<String> = reads
        .iter()
        .filter(|r| r.filing.is_provisional() && !r.checked.provisional)
        .map(|r| {
            format!(
                "{}: it holds a final return, but its name says provisional; `build --archive` \
                 files a final return as a submission ({}), so this folder was renamed or \
                 filled by hand: put it back as it was filed",
                r.folder,
                crate::names::submission_folder(r.checked.ret.identity.period, 1)
            )
        })
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let (provisional, submissions): (Vec<Read>, Vec<Read>) =
        reads.into_iter().partition(|r| r.checked.provisional);
    let mut warnings: Vec<String> = Vec::new();
    let (used, earlier) = match submissions.split_last() {
        Some((latest, earlier)) => (latest, earlier),
        None => match provisional.last() {
            Some(latest) => (latest, &[][..]),
            None => return Ok(None),
        },
    };
    for r in earlier.iter().chain(std::iter::once(used)) {
        warnings.extend(r.warnings.iter().cloned());
    }
    let revisions = earlier
        .iter()
        .map(|r| Revision {
            folder: r.folder.clone(),
            moved: moved(&r.checked.ret, &used.checked.ret),
        })
        .filter(|r| !r.moved.is_empty())
        .collect();
    let filed = Filed {
        folder: used.folder.clone(),
        submission: (!used.checked.provisional).then_some(used.filing.number()),
        ret: used.checked.ret.clone(),
        manifest_sha256: used.checked.manifest_sha256.clone(),
        provisional: used.checked.provisional,
        revisions,
        first: earlier.first().map(|r| First {
            folder: r.folder.clone(),
            ret: r.checked.ret.clone(),
        }),
    };
    Ok(Some((filed, warnings)))
}

/// Reads and checks every submission of the quarters `from..=to`, and makes sure the whole
/// archive is one service's.
/// `today` is the day of the scorecard, which `check` needs.
pub fn read(
    root: &dyn Folder,
    index: &Quarters,
    (from, to): (Period, Period),
    source: &Source,
    today: Date,
) -> Result<Archive, ArchiveError> {
    let mut problems = Vec::new();
    let mut archive = Archive::default();
    let mut services: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut to_check: Vec<(Period, &str)> = Vec::new();
    for (period, subs) in index {
        if *period < from || *period > to {
            // Not read, but its manifest still says whose return it is.
            for (_, folder) in subs {
                if let Some(code) = root
                    .open(folder)
                    .read(MANIFEST_JSON, Kind::Manifest)
                    .ok()
                    .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                    .and_then(|v| v["identity"]["yjs_code"].as_str().map(str::to_string))
                {
                    services.entry(code).or_default().push(folder.clone());
                }
            }
        } else {
            to_check.extend(subs.iter().map(|(_, f)| (*period, f.as_str())));
        }
    }
    let mut results = check_all(root, &to_check, (source, today)).into_iter();
    for (period, subs) in index.range(from..=to) {
        let mut reads: Vec<Read> = Vec::new();
        for (filing, folder) in subs {
            let Some(result) = results.next() else { break };
            problems.extend(result.problems);
            match result.checked {
                Some(checked) => {
                    services
                        .entry(checked.ret.identity.yjs_code.clone())
                        .or_default()
                        .push(folder.clone());
                    reads.push(Read {
                        filing: *filing,
                        folder: folder.clone(),
                        checked,
                        warnings: result.warnings,
                    });
                }
                None => archive.warnings.extend(result.warnings),
            }
        }
        if reads.len() != subs.len() {
            continue; // its problems are listed
        }
        match choose(reads) {
            Ok(Some((filed, warnings))) => {
                archive.warnings.extend(warnings);
                archive.returns.insert(*period, filed);
            }
            Ok(None) => {}
            Err(p) => problems.extend(p),
        }
    }
    if services.len() > 1 {
        let list: Vec<String> = services
            .iter()
            .map(|(code, folders)| format!("{code} ({})", folders.join(", ")))
            .collect();
        problems.push(format!(
            "the archive holds the returns of more than one YJS: {}; a scorecard is one \
             service's, so keep each service's returns in its own archive",
            list.join("; ")
        ));
    }
    if problems.is_empty() {
        Ok(archive)
    } else {
        Err(ArchiveError::Problems(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scorecard::indicators::tests::ret;

    #[test]
    fn moved_lists_every_figure_that_changed_and_nothing_else() {
        let a = ret("2024-25 Q2", 100, &[("x", 1), ("y", 2), ("gone", 3)]);
        let b = ret("2024-25 Q2", 100, &[("x", 1), ("y", 5), ("new", 0)]);
        assert_eq!(
            moved(&a, &b),
            vec![
                Moved {
                    code: "gone".into(),
                    was: Some(3),
                    now: None
                },
                Moved {
                    code: "new".into(),
                    was: None,
                    now: Some(0)
                },
                Moved {
                    code: "y".into(),
                    was: Some(2),
                    now: Some(5)
                },
            ]
        );
        // Identity fields such as the generation time do not count.
        let mut c = a.clone();
        c.identity.generated_at = "2030-01-01T00:00:00Z".into();
        assert!(moved(&a, &c).is_empty());
    }

    #[test]
    fn index_refuses_what_is_not_an_archive() {
        let mut dir = crate::folder::Memory::new("archive");
        dir.insert("file", b"x".to_vec());
        dir.mkdir("board");
        assert!(matches!(index(&dir), Err(ArchiveError::Empty(_))));
        for name in [
            "2024-25-Q2",
            "2024-25-Q2-resubmission-3",
            "2024-25-Q2-resubmission-2",
            "2024-25-Q1",
        ] {
            dir.mkdir(name);
        }
        dir.insert("2024-25-Q3", b"a file, not a folder".to_vec());
        let idx = index(&dir).unwrap();
        let q2: Period = "2024-25 Q2".parse().unwrap();
        assert_eq!(idx.quarters.len(), 2);
        assert_eq!(
            idx.quarters[&q2],
            vec![
                (Filing::Submission(1), "2024-25-Q2".to_string()),
                (
                    Filing::Submission(2),
                    "2024-25-Q2-resubmission-2".to_string()
                ),
                (
                    Filing::Submission(3),
                    "2024-25-Q2-resubmission-3".to_string()
                )
            ]
        );
        assert!(idx.unread.is_empty(), "{:?}", idx.unread);
    }

    #[test]
    fn provisional_folders_come_first_and_near_misses_are_named() {
        let mut dir = crate::folder::Memory::new("archive");
        // Only folders almost named as filings: none is read, and each is named.
        dir.mkdir("2024-25-Q2 (copy)");
        let Err(ArchiveError::OnlyNearMisses(_, unread)) = index(&dir) else {
            panic!("near misses only")
        };
        assert_eq!(unread.len(), 1);
        for name in [
            "2024-25-Q4",
            "2024-25-Q4-provisional-2",
            "2024-25-Q4-provisional",
            "2024-25-Q3",
            "2024-25-Q3-resubmission-02",
            ".2024-25-Q3.123.tmp",
            "board",
        ] {
            dir.mkdir(name);
        }
        let idx = index(&dir).unwrap();
        let q4: Period = "2024-25 Q4".parse().unwrap();
        assert_eq!(
            idx.quarters[&q4],
            vec![
                (Filing::Provisional(1), "2024-25-Q4-provisional".to_string()),
                (
                    Filing::Provisional(2),
                    "2024-25-Q4-provisional-2".to_string()
                ),
                (Filing::Submission(1), "2024-25-Q4".to_string()),
            ]
        );
        assert_eq!(idx.unread.len(), 2, "{:?}", idx.unread);
        assert_eq!(
            idx.unread[0],
            "the folder \"2024-25-Q2 (copy)\" was not read: it is not named as `build \
             --archive` names a return's folder (2024-25-Q2 for the first submission, \
             2024-25-Q2-resubmission-2, -3, ... for the next, 2024-25-Q2-provisional, \
             -provisional-2, ... for a provisional return; numbers without a leading zero). If \
             it holds a return the scorecard should use, give it its folder's name; otherwise \
             move it out of the archive"
        );
        assert!(
            idx.unread[1].starts_with("the folder \"2024-25-Q3-resubmission-02\" was not read")
                && idx.unread[1].contains("(2024-25-Q3 for the first submission"),
            "{}",
            idx.unread[1]
        );
        // A long name is cut.
        let long = format!("2024-25-Q1 {}", "x".repeat(500));
        assert!(near_miss_warning(&long).len() < 600);
    }

    /// A folder of `filing` holding a return, final or provisional, whose kpi1.all.suitable is
    /// `suitable`, with one warning of its own.
    fn read_of(filing: Filing, folder: &str, provisional: bool, suitable: i64) -> Read {
        let mut r = ret("2024-25 Q4", 100, &[("kpi1.all.suitable", suitable)]);
        r.identity.provisional = provisional;
        Read {
            filing,
            folder: folder.into(),
            checked: Checked {
                ret: r,
                manifest_sha256: "ab".repeat(32),
                provisional,
            },
            warnings: vec![format!("{folder}: a warning")],
        }
    }

    #[test]
    fn a_provisional_return_is_never_a_submission() {
        // The provisional Q4, then the final: the final is the first submission, not revised,
        // and nothing is said of the provisional it supersedes.
        let (filed, warnings) = choose(vec![
            read_of(Filing::Provisional(1), "2024-25-Q4-provisional", true, 3),
            read_of(Filing::Submission(1), "2024-25-Q4", false, 5),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            (filed.folder.as_str(), filed.submission, filed.provisional),
            ("2024-25-Q4", Some(1), false)
        );
        assert!(!filed.revised());
        assert_eq!(warnings, ["2024-25-Q4: a warning"]);

        // Only provisional returns: the latest is used, marked provisional, not a submission.
        let (filed, warnings) = choose(vec![
            read_of(Filing::Provisional(1), "2024-25-Q4-provisional", true, 3),
            read_of(Filing::Provisional(2), "2024-25-Q4-provisional-2", true, 4),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            (filed.folder.as_str(), filed.submission, filed.provisional),
            ("2024-25-Q4-provisional-2", None, true)
        );
        assert!(!filed.revised());
        assert_eq!(warnings, ["2024-25-Q4-provisional-2: a warning"]);

        // An archive filed before provisional folders existed: the provisional return sits in
        // 2024-25-Q4 and the final in -resubmission-2. The content decides: not revised.
        let (filed, warnings) = choose(vec![
            read_of(Filing::Submission(1), "2024-25-Q4", true, 3),
            read_of(Filing::Submission(2), "2024-25-Q4-resubmission-2", false, 5),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(filed.folder, "2024-25-Q4-resubmission-2");
        assert!(!filed.revised() && !filed.provisional);
        assert_eq!(warnings, ["2024-25-Q4-resubmission-2: a warning"]);

        // Two submissions that differ: revised against the earlier one, never the provisional.
        let (filed, _) = choose(vec![
            read_of(Filing::Provisional(1), "2024-25-Q4-provisional", true, 1),
            read_of(Filing::Submission(1), "2024-25-Q4", false, 5),
            read_of(Filing::Submission(2), "2024-25-Q4-resubmission-2", false, 6),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(filed.submission, Some(2));
        assert_eq!(filed.revisions.len(), 1);
        assert_eq!(filed.revisions[0].folder, "2024-25-Q4");
        // The first submission is kept, never the provisional return before it.
        let first = filed.first.as_ref().unwrap();
        assert_eq!(first.folder, "2024-25-Q4");
        assert_eq!(first.ret.measures.get("kpi1.all.suitable"), Some(5));

        // A folder named provisional holding a final return was not filed so.
        let problems = choose(vec![read_of(
            Filing::Provisional(1),
            "2024-25-Q4-provisional",
            false,
            1,
        )])
        .unwrap_err();
        assert!(
            problems[0].starts_with(
                "2024-25-Q4-provisional: it holds a final return, but its name says provisional"
            ),
            "{problems:?}"
        );
    }
}
