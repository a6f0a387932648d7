//! The folders `build` and `scorecard` write on disk: the first free folder of the archive for
//! a filing (the names are [`yjb_return::names`]'), and whether a folder given to `--out
//! --force` is a return (or a scorecard) this tool wrote, which it may replace, or why not.

use std::io;
use std::path::Path;

use crate::shell::atomic;
use crate::shell::files::{self, FileError, Kind};
use crate::shell::words;
use yjb_return::names::*;
use yjb_return::period::Period;
use yjb_return::scorecard::FILES as SCORECARD_FILES;
use yjb_return::scorecard::manifest::{KIND, ScorecardManifest};
use yjb_return::write::manifest::Manifest;

/// The first number of a kind of filing whose folder is free under an archive root (a hint:
/// another build may take it first, so the caller places its folder create-exclusively and
/// moves on to the next number if it is taken).
pub fn first_free(root: &Path, period: Period, kind: Filing) -> Filing {
    (1..MAX_SUBMISSIONS)
        .map(|n| kind.numbered(n))
        .find(|f| !root.join(filing_folder(period, *f)).exists())
        .unwrap_or(kind.numbered(MAX_SUBMISSIONS))
}

/// Why `build --out --force` may not replace a folder: the end of the sentence "cannot replace
/// DIR: ...".
#[derive(Debug, thiserror::Error)]
pub enum NotAReturn {
    /// The folder cannot be listed.
    #[error("{}", words::describe(.0))]
    Unlisted(io::Error),
    /// It holds what build never writes (`names`, as [`yjb_return::text::list`] shows them);
    /// `archive` when one of them is a filing's folder.
    #[error(
        "it holds {}, which build never writes, so it is not a return's folder{}; --force \
         replaces only a folder holding a return, and nothing was changed",
        yjb_return::text::list(.names, 5),
        if *.archive { " (it looks like an archive of returns: use --archive to file a resubmission)" } else { "" }
    )]
    Foreign { names: Vec<String>, archive: bool },
    #[error(
        "it holds no readable {MANIFEST_JSON} ({0}), so it is not a return build wrote; nothing \
         was changed"
    )]
    NoManifest(FileError),
    #[error(
        "its {MANIFEST_JSON} is not one build wrote, so it is not a return; nothing was changed"
    )]
    NotItsManifest,
}

/// Whether `dir` is a return this tool wrote, which `build --force` may replace: a folder
/// holding a `manifest.json` that reads as a build's and nothing but files a build writes (an
/// empty folder is also fine: replacing it deletes nothing).
pub fn check_replaceable(dir: &Path) -> Result<(), NotAReturn> {
    let entries = std::fs::read_dir(dir).map_err(NotAReturn::Unlisted)?;
    let mut foreign = Vec::new();
    let mut count = 0;
    for entry in entries {
        let entry = entry.map_err(NotAReturn::Unlisted)?;
        count += 1;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if !is_file {
            foreign.push(format!("{name}/"));
        } else if !BUILD_FILES.contains(&name.as_str()) {
            foreign.push(name);
        }
    }
    if !foreign.is_empty() {
        foreign.sort();
        let archive = foreign
            .iter()
            .any(|n| n.strip_suffix('/').and_then(parse_folder).is_some());
        return Err(NotAReturn::Foreign {
            names: foreign,
            archive,
        });
    }
    if count == 0 {
        return Ok(());
    }
    let text =
        files::read(&dir.join(MANIFEST_JSON), Kind::Manifest).map_err(NotAReturn::NoManifest)?;
    Manifest::from_json(&String::from_utf8_lossy(&text)).map_err(|_| NotAReturn::NotItsManifest)?;
    Ok(())
}

/// Why `scorecard --force` may not replace a folder: the end of the sentence "cannot replace
/// DIR: ...".
#[derive(Debug, thiserror::Error)]
pub enum NotAScorecard {
    /// The folder cannot be listed.
    #[error("{}", words::reading(.0))]
    Unlisted(io::Error),
    /// It holds what a scorecard never writes (`names`, as [`yjb_return::text::list`] shows
    /// them), and looks like something else.
    #[error(
        "it holds {}, which a scorecard never writes, so it is not a scorecard's folder{}; \
         --force replaces only a folder holding a scorecard, and nothing was changed",
        yjb_return::text::list(.names, 5),
        .looks.map_or("", Looks::words)
    )]
    Foreign {
        names: Vec<String>,
        looks: Option<Looks>,
    },
    #[error(
        "it holds no readable {MANIFEST_JSON} ({0}), so it is not a scorecard this tool \
         wrote; nothing was changed"
    )]
    NoManifest(FileError),
    #[error(
        "its {MANIFEST_JSON} is not one a scorecard has, so it is not a scorecard this tool \
         wrote; nothing was changed"
    )]
    NotItsManifest,
}

/// What a folder that is not a scorecard's looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Looks {
    /// It holds a filing's folder.
    Archive,
    /// It holds a return's file.
    Return,
}

impl Looks {
    fn words(self) -> &'static str {
        match self {
            Looks::Archive => {
                " (it looks like an archive of returns: name a new folder for the scorecard, \
                 such as board)"
            }
            Looks::Return => " (it looks like a return's folder)",
        }
    }
}

/// Whether `dir` is a scorecard this tool wrote, which `--force` may replace: a folder holding
/// a `manifest.json` that reads as a scorecard's and nothing but files a scorecard's folder
/// holds (its outputs and the CSV copies), or an empty folder.
pub fn check_scorecard_replaceable(dir: &Path) -> Result<(), NotAScorecard> {
    let held = atomic::contents(dir, &SCORECARD_FILES).map_err(NotAScorecard::Unlisted)?;
    if !held.foreign.is_empty() {
        let archive = held
            .foreign
            .iter()
            .any(|n| n.strip_suffix('/').and_then(parse_folder).is_some());
        let returns = held
            .foreign
            .iter()
            .any(|n| [RETURN_XML, RETURN_XLSX, RETURN_JSON].contains(&n.as_str()));
        let looks = if archive {
            Some(Looks::Archive)
        } else if returns {
            Some(Looks::Return)
        } else {
            None
        };
        return Err(NotAScorecard::Foreign {
            names: held.foreign,
            looks,
        });
    }
    if held.entries == 0 {
        return Ok(());
    }
    let text =
        files::read(&dir.join(MANIFEST_JSON), Kind::Manifest).map_err(NotAScorecard::NoManifest)?;
    match ScorecardManifest::from_json(&String::from_utf8_lossy(&text)) {
        Ok(m) if m.kind == KIND => Ok(()),
        _ => Err(NotAScorecard::NotItsManifest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_free_number_of_each_kind() {
        let dir = tempfile::tempdir().unwrap();
        let p: Period = "2024-25 Q4".parse().unwrap();
        assert_eq!(
            first_free(dir.path(), p, Filing::Provisional(1)),
            Filing::Provisional(1)
        );
        std::fs::create_dir(dir.path().join("2024-25-Q4-provisional")).unwrap();
        assert_eq!(
            first_free(dir.path(), p, Filing::Provisional(1)),
            Filing::Provisional(2)
        );
        // A provisional return takes no submission's number.
        assert_eq!(
            first_free(dir.path(), p, Filing::Submission(1)),
            Filing::Submission(1)
        );
    }

    fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            if let Some(sub) = name.strip_suffix('/') {
                std::fs::create_dir(dir.path().join(sub)).unwrap();
            } else {
                std::fs::write(path, text).unwrap();
            }
        }
        dir
    }

    /// A manifest as a build writes one (its hashes made up).
    fn manifest() -> String {
        use yjb_return::write::manifest::*;
        Manifest {
            manifest_version: MANIFEST_VERSION,
            tool: Tool {
                name: "yjb-return".into(),
                version: "0.2.0".into(),
            },
            definitions: DefinitionsRef {
                version: "2024-25".into(),
                sha256: "x".into(),
            },
            period: "2024-25 Q2".into(),
            provisional: false,
            generated_at: "2024-10-21T09:30:00Z".into(),
            input: Input {
                path: "input.xlsx".into(),
                sha256: "11".repeat(32),
                bytes: 1,
            },
            identity: ServiceRef {
                yjs_code: "NSH01".into(),
                yjs_name: "Northshire".into(),
                nation: "ENGLAND".into(),
            },
            acknowledged: vec![],
            outputs: vec![Output {
                file: "return.json".into(),
                sha256: "22".repeat(32),
            }],
        }
        .to_json()
    }

    #[test]
    fn only_a_return_folder_may_be_replaced() {
        let m = manifest();
        let ok = folder_with(&[
            (MANIFEST_JSON, &m),
            (RETURN_XML, "<x/>"),
            (ARCHIVED_INPUT, ""),
        ]);
        assert!(check_replaceable(ok.path()).is_ok());
        assert!(check_replaceable(folder_with(&[]).path()).is_ok());

        let archive = folder_with(&[
            ("2024-25-Q2/", ""),
            ("2024-25-Q2-resubmission-2/", ""),
            ("notes.docx", ""),
        ]);
        let why = check_replaceable(archive.path()).unwrap_err().to_string();
        assert!(
            why.contains("2024-25-Q2-resubmission-2/, 2024-25-Q2/ and notes.docx")
                && why.contains("archive of returns")
                && why.contains("nothing was changed"),
            "{why}"
        );
        let exports = folder_with(&[("q2-export.xlsx", "PK"), (MANIFEST_JSON, &m)]);
        let why = check_replaceable(exports.path()).unwrap_err().to_string();
        assert!(
            why.contains("q2-export.xlsx, which build never writes"),
            "{why}"
        );
        let no_manifest = folder_with(&[(RETURN_XML, "<x/>")]);
        let why = check_replaceable(no_manifest.path())
            .unwrap_err()
            .to_string();
        assert!(why.contains("no readable manifest.json"), "{why}");
        let foreign_manifest = folder_with(&[(MANIFEST_JSON, "{\"name\": \"npm\"}")]);
        let why = check_replaceable(foreign_manifest.path())
            .unwrap_err()
            .to_string();
        assert!(why.contains("not one build wrote"), "{why}");
        let many: Vec<(String, &str)> = (0..8).map(|i| (format!("f{i}.txt"), "")).collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(a, b)| (a.as_str(), *b)).collect();
        let why = check_replaceable(folder_with(&many).path())
            .unwrap_err()
            .to_string();
        assert!(
            why.contains("f0.txt, f1.txt, f2.txt, f3.txt, f4.txt and 3 more"),
            "{why}"
        );
    }

    fn scorecard_manifest() -> String {
        ScorecardManifest {
            kind: KIND.into(),
            manifest_version: 1,
            tool: yjb_return::write::manifest::Tool {
                name: "yjb-return".into(),
                version: "0.2.0".into(),
            },
            definitions: Vec::new(),
            generated_at: "2025-05-01T09:00:00Z".into(),
            archive: "/archive".into(),
            to: "2024-25 Q4".into(),
            quarters: 8,
            returns: Vec::new(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            classification: None,
            publication: None,
        }
        .to_json()
    }

    #[test]
    fn only_a_scorecards_folder_may_be_replaced() {
        let m = scorecard_manifest();
        let ok = folder_with(&[
            (MANIFEST_JSON, &m),
            (SCORECARD_HTML, "<html>"),
            ("targets.csv", "indicator"),
        ]);
        assert!(check_scorecard_replaceable(ok.path()).is_ok());
        assert!(check_scorecard_replaceable(folder_with(&[]).path()).is_ok());

        let mine = folder_with(&[("notes.docx", "notes"), (MANIFEST_JSON, r#"{"mine":1}"#)]);
        let why = check_scorecard_replaceable(mine.path())
            .unwrap_err()
            .to_string();
        assert!(
            why.starts_with("it holds notes.docx, which a scorecard never writes")
                && why.ends_with("nothing was changed"),
            "{why}"
        );
        let foreign = folder_with(&[(MANIFEST_JSON, r#"{"mine":1}"#)]);
        let why = check_scorecard_replaceable(foreign.path())
            .unwrap_err()
            .to_string();
        assert!(why.contains("is not one a scorecard has"), "{why}");
        let a_return = folder_with(&[(MANIFEST_JSON, &m), (RETURN_XML, "<x/>")]);
        let why = check_scorecard_replaceable(a_return.path())
            .unwrap_err()
            .to_string();
        assert!(why.contains("it looks like a return's folder"), "{why}");
        let archive = folder_with(&[("2024-25-Q2/", ""), ("board/", "")]);
        let why = check_scorecard_replaceable(archive.path())
            .unwrap_err()
            .to_string();
        assert!(
            why.contains("2024-25-Q2/ and board/") && why.contains("archive of returns"),
            "{why}"
        );
        let no_manifest = folder_with(&[(SCORECARD_JSON, "{}")]);
        let why = check_scorecard_replaceable(no_manifest.path())
            .unwrap_err()
            .to_string();
        assert!(why.contains("no readable manifest.json"), "{why}");
        #[cfg(unix)]
        {
            let linked = folder_with(&[(MANIFEST_JSON, &m)]);
            std::os::unix::fs::symlink("/etc/hostname", linked.path().join(SCORECARD_HTML))
                .unwrap();
            let why = check_scorecard_replaceable(linked.path())
                .unwrap_err()
                .to_string();
            assert!(why.contains("scorecard.html (a link)"), "{why}");
        }
    }
}
