//! Reading the archive that `build --archive` fills: one folder per submission, the latest
//! submission of each quarter used, every submission read checked as `check` does, and a
//! quarter whose figures changed between submissions marked revised with the figures that
//! moved. A folder that fails is an error naming it, never silently used or skipped.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::audit;
use crate::definitions::{Severity, Source};
use crate::files::Kind;
use crate::measures::Return;
use crate::period::Period;
use crate::write::archive::parse_folder;
use crate::write::{MANIFEST_JSON, RETURN_JSON, RETURN_XLSX, RETURN_XML};

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

impl Revision {
    /// The figures that moved, in words: `kpi1.all.suitable 25 → 26; ...`.
    pub fn moved_words(&self) -> String {
        let v = |x: Option<i64>| x.map_or("absent".to_string(), |v| v.to_string());
        let list: Vec<String> = self
            .moved
            .iter()
            .map(|m| format!("{} {} → {}", m.code, v(m.was), v(m.now)))
            .collect();
        list.join("; ")
    }
}

/// The return used for one quarter: its latest submission.
#[derive(Debug, Clone)]
pub struct Filed {
    pub folder: String,
    pub submission: u32,
    pub ret: Return,
    /// SHA-256 of the submission's manifest.json, which the scorecard's manifest records.
    pub manifest_sha256: String,
    pub provisional: bool,
    /// Earlier submissions whose figures differ from this one's.
    pub revisions: Vec<Revision>,
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
    /// Warnings `check` gave on the submissions read (a provisional return, a re-saved file).
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{0} does not exist; give the folder that `build --archive` fills")]
    Missing(PathBuf),
    #[error("{0} is not a folder; give the folder that `build --archive` fills")]
    NotAFolder(PathBuf),
    #[error("cannot read the archive folder {0}: {1}")]
    Unreadable(PathBuf, String),
    #[error(
        "{0} is not an archive of returns: it holds no quarter folder written by `build --archive` \
         (such as 2024-25-Q2)"
    )]
    Empty(PathBuf),
    /// Errors in the returns themselves (exit 1): each names its folder.
    #[error("{}", .0.join("\n"))]
    Problems(Vec<String>),
}

/// The submission folders of an archive by quarter: (submission number, folder name), in
/// submission order. Other files and folders (a board pack, a hidden staging folder) are left
/// alone.
pub fn index(root: &Path) -> Result<BTreeMap<Period, Vec<(u32, String)>>, ArchiveError> {
    if !root.exists() {
        return Err(ArchiveError::Missing(root.to_path_buf()));
    }
    if !root.is_dir() {
        return Err(ArchiveError::NotAFolder(root.to_path_buf()));
    }
    let unreadable = |e: std::io::Error| {
        ArchiveError::Unreadable(root.to_path_buf(), crate::io_words::reading(&e))
    };
    let mut out: BTreeMap<Period, Vec<(u32, String)>> = BTreeMap::new();
    for entry in std::fs::read_dir(root).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some((period, n)) = parse_folder(&name)
            && entry.path().is_dir()
        {
            out.entry(period).or_default().push((n, name));
        }
    }
    if out.is_empty() {
        return Err(ArchiveError::Empty(root.to_path_buf()));
    }
    for subs in out.values_mut() {
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
    root: &Path,
    folder: &str,
    period: Period,
    source: &Source,
    problems: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Option<Checked> {
    let dir = root.join(folder);
    let manifest_bytes = match crate::files::read(&dir.join(MANIFEST_JSON), Kind::Manifest) {
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
    for output in &manifest.outputs {
        match std::fs::metadata(dir.join(&output.file)) {
            Ok(m) if m.is_file() => {}
            Ok(_) => problems.push(format!(
                "{folder}: {} is not a regular file (a folder, a device or a pipe), so it is not \
                 the file build wrote",
                output.file
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => problems.push(format!(
                "{folder}: {} is named by its manifest but missing",
                output.file
            )),
            Err(e) => problems.push(format!(
                "{folder}: {} cannot be read: {}",
                output.file,
                crate::io_words::reading(&e)
            )),
        }
    }
    let targets: Vec<PathBuf> = [RETURN_XML, RETURN_XLSX, RETURN_JSON]
        .iter()
        .map(|n| dir.join(n))
        .filter(|p| p.is_file())
        .collect();
    let checked = audit::check_files(&dir, &targets, source);
    for f in &checked.findings {
        let line = format!(
            "{folder}: {}",
            crate::report::terminal::line(f).replace(&format!("{}/", dir.display()), "")
        );
        if f.severity >= Severity::Error {
            problems.push(line);
        } else if f.severity == Severity::Warning {
            warnings.push(line);
        }
    }
    let json = dir.join(RETURN_JSON);
    let doc = checked
        .documents
        .iter()
        .find(|d| Path::new(&d.file) == json)
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
        manifest_sha256: crate::sha256_hex(&manifest_bytes),
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

/// Checks submissions on every core (a 20-quarter scorecard reads 27 quarters, each of three
/// files), returning the outcomes in the order given.
fn check_all(root: &Path, subs: &[(Period, &str)], source: &Source) -> Vec<Outcome> {
    let check = |(period, folder): &(Period, &str)| {
        let (mut problems, mut warnings) = (Vec::new(), Vec::new());
        let checked = check_submission(root, folder, *period, source, &mut problems, &mut warnings);
        Outcome {
            checked,
            problems,
            warnings,
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = subs.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = subs
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(check).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(outcomes) => outcomes,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
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

/// Reads and checks every submission of the quarters `from..=to`, and makes sure the whole
/// archive is one service's.
pub fn read(
    root: &Path,
    index: &BTreeMap<Period, Vec<(u32, String)>>,
    from: Period,
    to: Period,
    source: &Source,
) -> Result<Archive, ArchiveError> {
    let mut problems = Vec::new();
    let mut archive = Archive::default();
    let mut services: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut to_check: Vec<(Period, &str)> = Vec::new();
    for (period, subs) in index {
        if *period < from || *period > to {
            // Not read, but its manifest still says whose return it is.
            for (_, folder) in subs {
                if let Some(code) =
                    crate::files::read(&root.join(folder).join(MANIFEST_JSON), Kind::Manifest)
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
    let mut results = check_all(root, &to_check, source).into_iter();
    for (period, subs) in index.range(from..=to) {
        let mut checked: Vec<(u32, String, Checked)> = Vec::new();
        for (n, folder) in subs {
            let Some(result) = results.next() else { break };
            problems.extend(result.problems);
            archive.warnings.extend(result.warnings);
            if let Some(c) = result.checked {
                services
                    .entry(c.ret.identity.yjs_code.clone())
                    .or_default()
                    .push(folder.clone());
                checked.push((*n, folder.clone(), c));
            }
        }
        if checked.len() != subs.len() {
            continue; // its problems are listed
        }
        let Some((number, folder, latest)) = checked.pop() else {
            continue;
        };
        let revisions = checked
            .iter()
            .map(|(_, f, c)| Revision {
                folder: f.clone(),
                moved: moved(&c.ret, &latest.ret),
            })
            .filter(|r| !r.moved.is_empty())
            .collect();
        archive.returns.insert(
            *period,
            Filed {
                folder,
                submission: number,
                ret: latest.ret,
                manifest_sha256: latest.manifest_sha256,
                provisional: latest.provisional,
                revisions,
            },
        );
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
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            index(&dir.path().join("nope")),
            Err(ArchiveError::Missing(_))
        ));
        std::fs::write(dir.path().join("file"), "x").unwrap();
        assert!(matches!(
            index(&dir.path().join("file")),
            Err(ArchiveError::NotAFolder(_))
        ));
        std::fs::create_dir(dir.path().join("board")).unwrap();
        assert!(matches!(index(dir.path()), Err(ArchiveError::Empty(_))));
        for name in [
            "2024-25-Q2",
            "2024-25-Q2-resubmission-3",
            "2024-25-Q2-resubmission-2",
            "2024-25-Q1",
        ] {
            std::fs::create_dir(dir.path().join(name)).unwrap();
        }
        std::fs::write(dir.path().join("2024-25-Q3"), "a file, not a folder").unwrap();
        let idx = index(dir.path()).unwrap();
        let q2: Period = "2024-25 Q2".parse().unwrap();
        assert_eq!(idx.len(), 2);
        assert_eq!(
            idx[&q2],
            vec![
                (1, "2024-25-Q2".to_string()),
                (2, "2024-25-Q2-resubmission-2".to_string()),
                (3, "2024-25-Q2-resubmission-3".to_string())
            ]
        );
    }
}
