//! `yjb-return scorecard`: the board's scorecard from the archive of returns.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::args;
use super::error::CommandError;
use super::exit::Exit;
use super::inputs;
use super::outputs;
use crate::shell::atomic::{Replaced, Staging};
use crate::shell::folders::check_scorecard_replaceable;
use yjb_return::date::Timestamp;
use yjb_return::names::{SCORECARD_HTML, SCORECARD_JSON, SCORECARD_XLSX};
use yjb_return::period::Period;
use yjb_return::scorecard::make::{self, CsvSource, MANIFEST_JSON, Made, MakeError};

/// Draw the board's scorecard from the archive that `build --archive` fills: every
/// indicator by quarter against local targets, with RAG, directions of travel, trends and
/// charts, as scorecard.xlsx, scorecard.html and scorecard.json.
///
/// Every return read is checked first. Exit status: 0 written, 1 an input has errors
/// (listed; nothing is written), 2 unreadable input or misuse.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The archive folder (one folder per quarter, as `build --archive` files them).
    pub archive: PathBuf,
    /// The folder to write the scorecard into, e.g. board/2024-25-Q4.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The last quarter shown (default: the latest quarter in the archive).
    #[arg(long, value_parser = args::period)]
    pub to: Option<Period>,
    /// How many quarters to show, ending at --to (2 to 20).
    #[arg(long, value_name = "N", default_value_t = yjb_return::scorecard::DEFAULT_QUARTERS, value_parser = quarters)]
    pub quarters: u32,
    /// Local targets: indicator,from_period,target,floor,note (and optionally owner).
    #[arg(long, value_name = "FILE.csv")]
    pub targets: Option<PathBuf>,
    /// Published comparator figures: indicator,comparator,period,value,source.
    #[arg(long, value_name = "FILE.csv")]
    pub benchmarks: Option<PathBuf>,
    /// The officer's explanations: indicator,period,text.
    #[arg(long, value_name = "FILE.csv")]
    pub commentary: Option<PathBuf>,
    /// Replace the --out folder if it holds a scorecard this tool made (nothing else is ever
    /// replaced).
    #[arg(long)]
    pub force: bool,
    /// Record this generation time instead of now (UTC, e.g. 2025-05-01T09:00:00Z).
    #[arg(long, value_name = "TIME", value_parser = args::timestamp)]
    pub generated_at: Option<Timestamp>,
    /// Print this marking on every page, e.g. OFFICIAL (40 characters at most).
    #[arg(long, value_name = "TEXT", value_parser = yjb_return::scorecard::paper::classification)]
    pub classification: Option<String>,
    /// Write the publication copy: every count from 1 to 4 (and every figure worked out from
    /// one) shown as c, marked on every page.
    #[arg(long)]
    pub publication: bool,
    /// With --publication: suppress counts from 1 to below N instead of 5 (N at least 2).
    #[arg(long, value_name = "N", requires = "publication", value_parser = suppress_below)]
    pub suppress_below: Option<u32>,
}

impl Args {
    /// With `--publication`, the threshold below which counts are suppressed.
    fn publication(&self) -> Option<u32> {
        self.publication.then(|| {
            self.suppress_below
                .unwrap_or(yjb_return::scorecard::publication::DEFAULT_BELOW)
        })
    }
}

/// `--quarters`: how many quarters a scorecard shows.
fn quarters(s: &str) -> Result<u32, String> {
    use yjb_return::scorecard::{MAX_QUARTERS, MIN_QUARTERS};
    s.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (MIN_QUARTERS..=MAX_QUARTERS).contains(n))
        .ok_or_else(|| {
            format!(
                "{s:?} is not a number of quarters from {MIN_QUARTERS} to {MAX_QUARTERS}: a \
                 direction needs two quarters, and five years is as far back as a scorecard looks"
            )
        })
}

/// `--suppress-below`: the publication copy's threshold.
fn suppress_below(s: &str) -> Result<u32, String> {
    use yjb_return::scorecard::publication::MIN_BELOW;
    s.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (MIN_BELOW..=1000).contains(n))
        .ok_or_else(|| {
            format!(
                "{s:?} is not a threshold from {MIN_BELOW} to 1000: counts from 1 to below it are                  suppressed (the usual is 5)"
            )
        })
}

/// A CSV named on the command line, read whole (within the CSV cap), with the absolute path
/// the manifest records as where it came from.
fn csv(path: &Option<PathBuf>) -> Result<Option<CsvSource>, CommandError> {
    let Some(p) = path else {
        return Ok(None);
    };
    let bytes = inputs::read_input(p, crate::shell::files::Kind::Csv)?;
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
        return Err(outputs::out_is_a_link(dir, "a scorecard"));
    }
    if !meta.is_dir() {
        return Err(CommandError::OutIsAFile {
            dir: dir.clone(),
            what: "the scorecard",
        });
    }
    outputs::not_the_current_folder(dir, "a scorecard", "board")?;
    if !args.force {
        return Err(CommandError::ScorecardExists(dir.clone()));
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
    check_scorecard_replaceable(dir).map_err(|why| CommandError::NotAScorecardsFolder {
        dir: dir.clone(),
        why,
    })?;
    // A scorecard's own folder holds copies of its CSVs under the names it gives them.
    outputs::not_holding_inputs(dir, &inputs, "the scorecard")
}

pub fn run(
    args: &Args,
    definitions: Option<&Path>,
    out: &mut dyn Write,
) -> Result<Exit, CommandError> {
    check_out(args)?;
    let now = inputs::now();
    let options = make::Options {
        archive_path: absolute(&args.archive),
        to: args.to,
        quarters: args.quarters,
        targets: csv(&args.targets)?,
        benchmarks: csv(&args.benchmarks)?,
        commentary: csv(&args.commentary)?,
        generated_at: args.generated_at.unwrap_or(now),
        source: inputs::source(definitions)?,
        today: now.date,
        paper: yjb_return::scorecard::Paper {
            classification: args.classification.clone(),
            publication: args
                .publication()
                .map(|below| yjb_return::scorecard::publication::Suppression { below }),
        },
    };
    let made = match make::make(&options, &crate::shell::files::Disk::new(&args.archive)) {
        Ok(made) => made,
        Err(e @ MakeError::Unreadable(_)) => return Err(e.into()),
        Err(MakeError::Invalid(problems)) => {
            let mut text = format!(
                "The scorecard was not written: {} problem(s) to fix first.\n",
                problems.len()
            );
            for p in &problems {
                writeln!(text, "  {p}").unwrap();
            }
            outputs::print(out, &text)?;
            return Ok(Exit::Findings);
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
        .map_err(|e| outputs::write_error(&args.out, e, Some("--force")))?;
    let mut kept = None;
    if args.force && std::fs::symlink_metadata(&args.out).is_ok() {
        // Looked at again: the folder may have changed while the scorecard was made.
        check_out(args)?;
        if let Replaced::KeptAt(path) = staging
            .replace(&args.out)
            .map_err(|e| outputs::write_error(&args.out, e, Some("--force")))?
        {
            kept = Some(path);
        }
    } else {
        staging
            .place_new(&args.out)
            .map_err(|e| outputs::write_error(&args.out, e, Some("--force")))?;
    }
    let mut text = summary(&made, &args.out);
    if let Some(p) = made.scorecard.paper.publication {
        writeln!(
            text,
            "\nThis is the publication copy: every count from 1 to {} is shown as c, and so is \
             every figure worked out from one. The commentary, target notes and owners are \
             printed as written: they are not checked for small numbers, so read them before \
             you publish.",
            p.below - 1
        )
        .unwrap();
    }
    if let Some(path) = kept {
        writeln!(
            text,
            "\nThe folder it replaced also held files a scorecard never writes (they appeared \
             while it was made); they were kept in {}",
            path.display()
        )
        .unwrap();
    }
    outputs::print(out, &text)?;
    Ok(Exit::Ok)
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
            "\n{} warning(s) on the archive and the returns read:",
            made.warnings.len()
        )
        .unwrap();
        for w in &made.warnings {
            writeln!(t, "  {w}").unwrap();
        }
    }
    t
}
