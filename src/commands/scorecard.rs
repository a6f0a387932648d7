//! `yjb-return scorecard`: the board's scorecard from the archive of returns.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CommandError, EXIT_ERRORS, EXIT_OK};
use crate::atomic::{Replaced, Staging};
use crate::date::Timestamp;
use crate::definitions::Source;
use crate::period::Period;
use crate::scorecard::make::{self, CsvSource, MANIFEST_JSON, Made, MakeError};
use crate::scorecard::{SCORECARD_HTML, SCORECARD_JSON, SCORECARD_XLSX};

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
}

fn csv(path: &Option<PathBuf>) -> Option<CsvSource> {
    path.as_ref().map(|p| CsvSource {
        path: p.clone(),
        original: crate::files::resolved_for_record(p),
    })
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<i32, CommandError> {
    super::not_the_current_folder(&args.out, "a scorecard", "board")?;
    if args.out.exists() && !args.force {
        return Err(CommandError::Other(format!(
            "{} already exists; a scorecard is never overwritten unless you add --force",
            args.out.display()
        )));
    }
    let options = make::Options {
        archive: args.archive.clone(),
        to: args.to,
        quarters: args.quarters,
        targets: csv(&args.targets),
        benchmarks: csv(&args.benchmarks),
        commentary: csv(&args.commentary),
        generated_at: args.generated_at.unwrap_or_else(Timestamp::now),
        source: args
            .definitions
            .as_ref()
            .map_or(Source::Embedded, |f| Source::Folder(f.clone())),
    };
    let made = match make::make(&options) {
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
    let mut staging = Staging::write(&args.out, &files, &crate::scorecard::FILES)
        .map_err(|e| super::write_error(&args.out, &e, Some("--force")))?;
    let mut kept = None;
    if args.force && std::fs::symlink_metadata(&args.out).is_ok() {
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
    let mut text = summary(&made, &args.out);
    if let Some(path) = kept {
        writeln!(
            text,
            "The old {} held files a scorecard does not write, so it was kept, whole, at {}",
            args.out.display(),
            path.display()
        )
        .unwrap();
    }
    super::print(out, &text)?;
    Ok(EXIT_OK)
}

fn summary(made: &Made, dir: &Path) -> String {
    let s = &made.scorecard;
    let mut t = String::new();
    let first = s
        .window
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    writeln!(
        t,
        "Wrote the scorecard of {} ({}), {} quarters from {first} to {}, in {}",
        s.yjs_name,
        s.yjs_code,
        s.window.len(),
        s.to,
        dir.display()
    )
    .unwrap();
    for (name, what) in [
        (
            SCORECARD_XLSX,
            "for the board pack: scorecard, charts, data, guidance, sources",
        ),
        (
            SCORECARD_HTML,
            "one page to open in a browser or print on A4",
        ),
        (SCORECARD_JSON, "every value and status, for other programs"),
        (MANIFEST_JSON, "how it was made, for `reproduce`"),
    ] {
        writeln!(t, "  {name:<16}{what}").unwrap();
    }
    let sum = s.summary();
    writeln!(
        t,
        "At {}: {} green, {} amber, {} red, {} without a target, {} without data.",
        s.to, sum.green, sum.amber, sum.red, sum.no_target, sum.no_data
    )
    .unwrap();
    let exceptions: Vec<&str> = s
        .cards
        .iter()
        .filter(|c| c.is_exception())
        .map(|c| c.indicator.id.as_str())
        .collect();
    if !exceptions.is_empty() {
        writeln!(t, "Exceptions (a page each): {}", exceptions.join(", ")).unwrap();
    }
    if !s.gaps.is_empty() {
        let gaps: Vec<String> = s.gaps.iter().map(ToString::to_string).collect();
        writeln!(
            t,
            "Gaps (no return on file, left empty): {}",
            gaps.join(", ")
        )
        .unwrap();
    }
    if !made.warnings.is_empty() {
        writeln!(
            t,
            "\n{} warning(s) on the returns read:",
            made.warnings.len()
        )
        .unwrap();
        for w in &made.warnings {
            writeln!(t, "  {w}").unwrap();
        }
    }
    t
}
