//! `yjb-return scorecard`: the board's scorecard from the archive of returns.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CommandError, EXIT_ERRORS, EXIT_OK};
use crate::shell::atomic::{self, Replaced, Staging};
use crate::shell::files::Kind;
use yjb_return::date::Timestamp;
use yjb_return::names::parse_folder;
use yjb_return::names::{RETURN_JSON, RETURN_XLSX, RETURN_XML};
use yjb_return::period::Period;
use yjb_return::scorecard::FILES;
use yjb_return::scorecard::make::{self, CsvSource, MANIFEST_JSON, MakeError};
use yjb_return::scorecard::manifest::{KIND, ScorecardManifest};

#[derive(Debug, Clone)]
pub struct Args {
    pub archive: PathBuf,
    pub out: PathBuf,
    pub to: Option<Period>,
    pub quarters: u32,
    pub targets: Option<PathBuf>,
    pub benchmarks: Option<PathBuf>,
    pub commentary: Option<PathBuf>,
    pub force: bool,
    pub generated_at: Option<Timestamp>,
    pub definitions: Option<PathBuf>,
    /// `--classification`, already checked.
    pub classification: Option<String>,
    /// `--publication`: the threshold below which counts are suppressed.
    pub publication: Option<u32>,
}

/// A CSV named on the command line, read whole (within the CSV cap), with the absolute path
/// the manifest records as where it came from.
fn csv(path: &Option<PathBuf>) -> Result<Option<CsvSource>, CommandError> {
    let Some(p) = path else {
        return Ok(None);
    };
    let bytes = super::read_input(p, crate::shell::files::Kind::Csv)?;
    Ok(Some(CsvSource {
        name: p.display().to_string(),
        original: absolute(p),
        bytes,
    }))
}

/// `path` made absolute, links and `..` resolved where it exists, as a manifest records it.
fn absolute(path: &Path) -> String {
    crate::shell::files::resolved_for_record(path)
}

/// Refuses, before any work (and again just before the swap), an `--out` that could never take
/// the scorecard: a file, a link, a folder that is not a scorecard's, or one that holds the
/// archive or a CSV being read.
fn check_out(args: &Args) -> Result<(), CommandError> {
    let dir = &args.out;
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        return Ok(());
    };
    if meta.is_symlink() {
        return Err(super::out_is_a_link(dir, "a scorecard"));
    }
    if !meta.is_dir() {
        return Err(CommandError::Other(format!(
            "{} is a file, not a folder: name a folder for the scorecard (nothing was changed)",
            dir.display()
        )));
    }
    super::not_the_current_folder(dir, "a scorecard", "board")?;
    if !args.force {
        return Err(CommandError::Other(format!(
            "{} already exists; a scorecard is never overwritten unless you add --force",
            dir.display()
        )));
    }
    let mut inputs = vec![("the archive being read", args.archive.as_path())];
    for (what, path) in [
        ("the targets CSV being read", &args.targets),
        ("the benchmarks CSV being read", &args.benchmarks),
        ("the commentary CSV being read", &args.commentary),
    ] {
        if let Some(path) = path {
            inputs.push((what, path.as_path()));
        }
    }
    check_replaceable(dir)
        .map_err(|why| CommandError::Other(format!("cannot replace {}: {why}", dir.display())))?;
    // A scorecard's own folder holds copies of its CSVs under the names it gives them.
    super::not_holding_inputs(dir, &inputs, "the scorecard")
}

/// Whether `dir` is a scorecard this tool wrote, which `--force` may replace: a folder holding
/// a `manifest.json` that reads as a scorecard's and nothing but files a scorecard's folder
/// holds (its outputs and the CSV copies), or an empty folder. Otherwise, the end of a
/// sentence saying what the folder holds.
fn check_replaceable(dir: &Path) -> Result<(), String> {
    let held = atomic::contents(dir, &FILES).map_err(|e| crate::shell::words::reading(&e))?;
    if !held.foreign.is_empty() {
        let archive = held
            .foreign
            .iter()
            .any(|n| n.strip_suffix('/').and_then(parse_folder).is_some());
        let returns = held
            .foreign
            .iter()
            .any(|n| [RETURN_XML, RETURN_XLSX, RETURN_JSON].contains(&n.as_str()));
        return Err(format!(
            "it holds {}, which a scorecard never writes, so it is not a scorecard's folder{}; \
             --force replaces only a folder holding a scorecard, and nothing was changed",
            yjb_return::text::list(&held.foreign, 5),
            if archive {
                " (it looks like an archive of returns: name a new folder for the scorecard, \
                 such as board)"
            } else if returns {
                " (it looks like a return's folder)"
            } else {
                ""
            }
        ));
    }
    if held.entries == 0 {
        return Ok(());
    }
    let text =
        crate::shell::files::read(&dir.join(MANIFEST_JSON), Kind::Manifest).map_err(|e| {
            format!(
                "it holds no readable {MANIFEST_JSON} ({e}), so it is not a scorecard this tool \
             wrote; nothing was changed"
            )
        })?;
    let text = String::from_utf8_lossy(&text);
    match ScorecardManifest::from_json(&text) {
        Ok(m) if m.kind == KIND => Ok(()),
        _ => Err(format!(
            "its {MANIFEST_JSON} is not one a scorecard has, so it is not a scorecard this tool \
             wrote; nothing was changed"
        )),
    }
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<i32, CommandError> {
    check_out(args)?;
    let now = super::now();
    let options = make::Options {
        archive_path: absolute(&args.archive),
        to: args.to,
        quarters: args.quarters,
        targets: csv(&args.targets)?,
        benchmarks: csv(&args.benchmarks)?,
        commentary: csv(&args.commentary)?,
        generated_at: args.generated_at.unwrap_or(now),
        source: super::source(args.definitions.as_deref())?,
        today: now.date,
        paper: yjb_return::scorecard::Paper {
            classification: args.classification.clone(),
            publication: args
                .publication
                .map(|below| yjb_return::scorecard::publication::Suppression { below }),
        },
    };
    let made = match make::make(&options, &crate::shell::files::Disk::new(&args.archive)) {
        Ok(made) => made,
        Err(MakeError::Unreadable(message)) => return Err(CommandError::Other(message)),
        Err(MakeError::Invalid(problems)) => {
            let mut text = format!(
                "The scorecard was not written: {} problem(s) to fix first.\n",
                problems.len()
            );
            for p in &problems {
                writeln!(text, "  {p}").unwrap();
            }
            super::print(out, &text)?;
            return Ok(EXIT_ERRORS);
        }
    };
    let manifest = made.manifest.to_json();
    let mut files: Vec<(&str, &[u8])> = made
        .files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    files.push((MANIFEST_JSON, manifest.as_bytes()));
    let mut staging = Staging::write(&args.out, &files, &yjb_return::scorecard::FILES)
        .map_err(|e| super::write_error(&args.out, &e, Some("--force")))?;
    let mut kept = None;
    if args.force && std::fs::symlink_metadata(&args.out).is_ok() {
        // Looked at again: the folder may have changed while the scorecard was made.
        check_out(args)?;
        if let Replaced::KeptAt(path) = staging
            .replace(&args.out)
            .map_err(|e| super::write_error(&args.out, &e, Some("--force")))?
        {
            kept = Some(path);
        }
    } else {
        staging
            .place_new(&args.out)
            .map_err(|e| super::write_error(&args.out, &e, Some("--force")))?;
    }
    let mut text = yjb_return::scorecard::account::render(&made, &args.out.display().to_string());
    if let Some(path) = kept {
        writeln!(
            text,
            "\nThe folder it replaced also held files a scorecard never writes (they appeared \
             while it was made); they were kept in {}",
            path.display()
        )
        .unwrap();
    }
    super::print(out, &text)?;
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use yjb_return::names::{SCORECARD_HTML, SCORECARD_JSON};
    use yjb_return::write::manifest::Tool;

    fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            match name.strip_suffix('/') {
                Some(sub) => std::fs::create_dir(dir.path().join(sub)).unwrap(),
                None => std::fs::write(dir.path().join(name), text).unwrap(),
            }
        }
        dir
    }

    fn manifest() -> String {
        ScorecardManifest {
            kind: KIND.into(),
            manifest_version: 1,
            tool: Tool {
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
        let m = manifest();
        let ok = folder_with(&[
            (MANIFEST_JSON, &m),
            (SCORECARD_HTML, "<html>"),
            ("targets.csv", "indicator"),
        ]);
        assert_eq!(check_replaceable(ok.path()), Ok(()));
        assert_eq!(check_replaceable(folder_with(&[]).path()), Ok(()));

        let mine = folder_with(&[("notes.docx", "notes"), (MANIFEST_JSON, r#"{"mine":1}"#)]);
        let why = check_replaceable(mine.path()).unwrap_err();
        assert!(
            why.starts_with("it holds notes.docx, which a scorecard never writes")
                && why.ends_with("nothing was changed"),
            "{why}"
        );
        let foreign = folder_with(&[(MANIFEST_JSON, r#"{"mine":1}"#)]);
        let why = check_replaceable(foreign.path()).unwrap_err();
        assert!(why.contains("is not one a scorecard has"), "{why}");
        let a_return = folder_with(&[(MANIFEST_JSON, &m), (RETURN_XML, "<x/>")]);
        let why = check_replaceable(a_return.path()).unwrap_err();
        assert!(why.contains("it looks like a return's folder"), "{why}");
        let archive = folder_with(&[("2024-25-Q2/", ""), ("board/", "")]);
        let why = check_replaceable(archive.path()).unwrap_err();
        assert!(
            why.contains("2024-25-Q2/ and board/") && why.contains("archive of returns"),
            "{why}"
        );
        let no_manifest = folder_with(&[(SCORECARD_JSON, "{}")]);
        let why = check_replaceable(no_manifest.path()).unwrap_err();
        assert!(why.contains("no readable manifest.json"), "{why}");
        #[cfg(unix)]
        {
            let linked = folder_with(&[(MANIFEST_JSON, &m)]);
            std::os::unix::fs::symlink("/etc/hostname", linked.path().join(SCORECARD_HTML))
                .unwrap();
            let why = check_replaceable(linked.path()).unwrap_err();
            assert!(why.contains("scorecard.html (a link)"), "{why}");
        }
    }
}
