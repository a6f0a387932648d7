//! The one error type of the command line: every way a command fails to do its job, each
//! carrying what it concerns and writing the sentence the person at the keyboard reads (after
//! `yjb-return: `, with exit status 2). The engine's errors are wrapped, never turned into
//! strings; the operating system's are put into words by [`crate::shell::words`].

use std::io;
use std::path::{Path, PathBuf};

use crate::shell::files::FileError;
use crate::shell::folders::{NotAReturn, NotAScorecard};
use crate::shell::words;
use yjb_return::date::Timestamp;
use yjb_return::definitions::DefinitionsError;
use yjb_return::names::{MANIFEST_JSON, MAX_SUBMISSIONS};
use yjb_return::period::Period;
use yjb_return::validate::Finding;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    // Reading.
    /// An input file could not be read; `lock` is Excel's lock file beside it, if there was one.
    #[error("cannot read {path}: {source}{}", open_in_excel(.lock))]
    ReadInput {
        path: PathBuf,
        source: FileError,
        lock: Option<PathBuf>,
    },
    /// A file that is not what the command reads (an F-code of the catalogue).
    #[error("{path}: {message} ({code})")]
    Unreadable {
        path: PathBuf,
        code: &'static str,
        message: String,
    },
    /// The export, read once, could not be read again for the redacted copy.
    #[error("{path}: {source} ({})", .source.code())]
    Reread {
        path: PathBuf,
        source: yjb_return::export::workbook::ReadError,
    },
    #[error(transparent)]
    Definitions(#[from] DefinitionsError),
    #[error(transparent)]
    Acknowledgements(#[from] yjb_return::validate::acknowledge::AcknowledgementError),
    /// A return given to `check` that is not there; `nearby` says what its folder holds.
    #[error("{path} does not exist; {nearby}")]
    NoSuchReturn { path: PathBuf, nearby: String },
    /// A folder given for a return that holds none of `names`; `advice` says what it holds.
    #[error("{dir} holds no {names}{}", then(.advice))]
    NoReturnIn {
        dir: PathBuf,
        names: &'static str,
        advice: Option<String>,
    },
    /// A file given to `diff` that cannot be read as a return.
    #[error("{file}: {} ({})", .finding.message, .finding.code)]
    ReturnUnreadable {
        file: PathBuf,
        finding: Box<Finding>,
    },
    #[error("the return template is unusable: {0}")]
    Template(#[from] yjb_return::write::template::TemplateError),
    /// A folder given to `reproduce` with no manifest in it.
    #[error(
        "{dir} holds no {MANIFEST_JSON}; {}",
        .advice.as_deref().unwrap_or("give the folder of a return built by build, or its manifest.json")
    )]
    NoManifestIn {
        dir: PathBuf,
        advice: Option<String>,
    },
    /// A manifest `reproduce` cannot read; `advice` says what the file is instead, when it is
    /// another of the tool's files.
    #[error("{path}: {}", .advice.clone().unwrap_or_else(|| .source.to_string()))]
    Manifest {
        path: PathBuf,
        source: yjb_return::audit::reproduce::RecordError,
        advice: Option<String>,
    },
    /// The input a manifest names cannot be read; `sha256` is the hash it should have.
    #[error(
        "cannot read the archived input {shown} named by the manifest ({source}); it should \
         have SHA-256 {sha256}"
    )]
    ArchivedInput {
        shown: String,
        source: FileError,
        sha256: String,
    },

    // Refusing a target before any work.
    /// `build` was given neither `--out` nor `--archive` (clap requires one).
    #[error("say where the return goes: --out DIR or --archive DIR")]
    NoTarget,
    /// `--out` names a file; `what` is what would go there ("the return").
    #[error("{dir} is a file, not a folder: name a folder for {what} (nothing was changed)")]
    OutIsAFile { dir: PathBuf, what: &'static str },
    /// `--out` names a link; `to` is where it leads, `what` what would go there ("a return").
    #[error(
        "--out {dir} is a link{}, not a folder: {what} is written into a new folder, and \
         --force never replaces anything through a link; name a new folder, or the folder \
         itself (nothing was changed)",
        leading_to(.to)
    )]
    OutIsALink {
        dir: PathBuf,
        to: Option<PathBuf>,
        what: &'static str,
    },
    /// `--out` is the folder the command runs in, or holds it; `example` begins a folder to
    /// suggest instead.
    #[error(
        "--out {dir} is the folder this command runs in (or holds it), which cannot be \
         replaced by {what}: name a new folder inside it, e.g. --out {example}{}2024-25-Q2 \
         (nothing was changed)",
        std::path::MAIN_SEPARATOR
    )]
    CurrentFolder {
        dir: PathBuf,
        what: &'static str,
        example: &'static str,
    },
    /// `--out --force` names a folder that is (`is_it`) or holds an input being read.
    #[error(
        "cannot replace {dir}: {} {name}, {input}, and replacing the folder would delete it; \
         write {what} to a new folder (nothing was changed)",
        if *.is_it { "it is" } else { "it holds" }
    )]
    HoldsInput {
        dir: PathBuf,
        is_it: bool,
        name: &'static str,
        input: PathBuf,
        what: &'static str,
    },
    /// `build --out --force` names a folder that is not a return's.
    #[error("cannot replace {dir}: {why}")]
    NotAReturnsFolder { dir: PathBuf, why: NotAReturn },
    /// `scorecard --force` names a folder that is not a scorecard's.
    #[error("cannot replace {dir}: {why}")]
    NotAScorecardsFolder { dir: PathBuf, why: NotAScorecard },
    #[error(
        "{0} already exists; a return is never overwritten unless you add --force (or use \
         --archive, which files a resubmission in a new folder)"
    )]
    ReturnExists(PathBuf),
    #[error("{0} already exists; a scorecard is never overwritten unless you add --force")]
    ScorecardExists(PathBuf),
    #[error(
        "{0} already exists: --out takes a new folder for the rebuilt files (nothing was changed)"
    )]
    RebuiltExists(PathBuf),
    /// `--archive` names a file, or (`link`) a link to one.
    #[error(
        "--archive {root} is {}, not a folder: name the archive's folder (nothing was changed)",
        if *.link { "a link to a file" } else { "a file" }
    )]
    ArchiveIsAFile { root: PathBuf, link: bool },
    #[error(
        "--archive {root} is a link to {to}, which does not exist: create that folder, or name \
         the archive's folder itself (nothing was changed)"
    )]
    ArchiveLinkBroken { root: PathBuf, to: PathBuf },
    #[error(
        "{root} already holds {MAX_SUBMISSIONS} {} of {period}; nothing was filed",
        if *.provisional { "provisional returns" } else { "submissions" }
    )]
    ArchiveFull {
        root: PathBuf,
        period: Period,
        provisional: bool,
    },
    /// `--generated-at` is a time `check` would call impossible for the period (C106).
    #[error("--generated-at {at} cannot be recorded: {why} (check C106); nothing was written")]
    GeneratedAt { at: Timestamp, why: String },
    /// `explain` on the terminal with no measure named (every one would be thousands of lines).
    #[error(
        "say which measures to explain: --measure kpi1.all.suitable (a code), --measure kpi1 (a \
         section), --measure \"kpi1.*.suitable\" (a pattern) or --measure \"*\"; or write every \
         one with --out explain.xlsx or --format json"
    )]
    NoMeasure,
    /// `explain --measure` names no measure the return can have.
    #[error("--measure: {0}")]
    UnknownMeasure(#[from] yjb_return::explain::UnknownMeasure),
    /// `explain --out` given two exports to compare.
    #[error(
        "--out writes one export's explanation; to compare two exports, read the terminal or \
         use --format json (nothing was written)"
    )]
    OutComparing,
    /// `validate` or `explain` names an output file that would overwrite an input, another
    /// output, a folder, or (without --force) any existing file.
    #[error("{path}: {}; nothing was written", .clash.words(.option))]
    OutputClash {
        path: PathBuf,
        option: &'static str,
        clash: Clash,
    },

    // Making the outputs.
    /// A row the typed export needs is missing a field (found after validation passed).
    #[error("{file}: {source}")]
    Export {
        file: String,
        source: yjb_return::validate::records::RecordError,
    },
    #[error(transparent)]
    Build(#[from] yjb_return::write::BuildError),
    #[error(transparent)]
    Reproduce(#[from] yjb_return::audit::reproduce::ReproduceError),
    #[error(transparent)]
    Scorecard(#[from] yjb_return::scorecard::make::MakeError),
    #[error(transparent)]
    Explain(#[from] yjb_return::explain::ExplainError),

    // Writing.
    /// An output could not be written; `lock` is Excel's lock file beside it, if there was one.
    #[error("cannot write {path}: {}{}", .why.words(.path), open_in_excel(.lock))]
    Write {
        path: PathBuf,
        why: Unwritten,
        lock: Option<PathBuf>,
    },
    /// Standard output could not be written (a reader that went away is no failure).
    #[error("cannot write the output: {}", words::describe(.0))]
    Print(io::Error),
}

/// What an output file named by `validate` would clash with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clash {
    /// An input being read ("the export being validated").
    Input(&'static str),
    /// The file another option names ("--report").
    Output(&'static str),
    /// A folder.
    Folder,
    /// A file that exists, without --force.
    Exists,
}

impl Clash {
    /// The middle of the sentence refusing `option`.
    fn words(self, option: &str) -> String {
        match self {
            Clash::Input(what) => format!("{option} names {what}: choose another file name"),
            Clash::Output(other) => format!("{option} and {other} name the same file"),
            Clash::Folder => format!("{option} names a folder: give a file name"),
            Clash::Exists => {
                format!("{option} names a file that already exists; add --force to replace it")
            }
        }
    }
}

/// Why an output could not be written.
#[derive(Debug)]
pub enum Unwritten {
    /// Something is there already; `force` is the option that would replace it, if any.
    Exists { force: Option<&'static str> },
    /// The operating system refused.
    Io(io::Error),
    /// The spreadsheet library refused to make a workbook: a fault in this tool.
    Workbook,
}

impl Unwritten {
    /// Why `path` could not be written, in words.
    fn words(&self, path: &Path) -> String {
        match self {
            Unwritten::Exists { force: Some(force) } => {
                format!("it already exists, and nothing is overwritten unless you add {force}")
            }
            Unwritten::Exists { force: None } => {
                "it already exists: name a new one (nothing was overwritten)".to_string()
            }
            Unwritten::Io(e) => words::writing(path, e),
            Unwritten::Workbook => "the spreadsheet library refused to make it, which is a \
                fault in this tool: please report it (with `--redact`'s copy of the export, if \
                it can be made)"
                .to_string(),
        }
    }
}

impl CommandError {
    /// A failure to load an export, naming the file it concerns.
    pub fn load(export: &Path, e: yjb_return::validate::input::LoadError) -> CommandError {
        use yjb_return::validate::input::LoadError;
        match e {
            LoadError::Unreadable {
                code,
                message,
                what,
            } => CommandError::Unreadable {
                path: export.to_path_buf(),
                code,
                message: yjb_return::recognise::advice(
                    &what,
                    export,
                    yjb_return::recognise::Wanted::Export,
                    false,
                )
                .unwrap_or_else(|| {
                    message + &open_in_excel(&crate::shell::files::excel_lock(export))
                }),
            },
            LoadError::Acknowledgements(e) => CommandError::Acknowledgements(e),
        }
    }
}

/// "; ADVICE", or nothing without advice.
fn then(advice: &Option<String>) -> String {
    advice
        .as_ref()
        .map(|a| format!("; {a}"))
        .unwrap_or_default()
}

/// " to WHERE" for a link that can be read, or nothing.
fn leading_to(to: &Option<PathBuf>) -> String {
    to.as_ref()
        .map(|t| format!(" to {}", t.display()))
        .unwrap_or_default()
}

/// The end of a failure's sentence when Excel's lock file is beside the file.
fn open_in_excel(lock: &Option<PathBuf>) -> String {
    lock.as_deref().map_or_else(String::new, |lock| {
        format!(
            "; it looks open in Excel ({} is beside it): close it in Excel first",
            lock_name(lock)
        )
    })
}

/// The name of Excel's lock file, as the user sees it in the folder.
pub(super) fn lock_name(lock: &Path) -> String {
    lock.file_name().map_or_else(
        || lock.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PathBuf {
        PathBuf::from(s)
    }

    /// Each sentence as the user has read it since before the errors were typed (the
    /// integration tests hold the others, as the commands print them).
    #[test]
    fn each_error_says_its_sentence() {
        let q2: Period = "2024-25 Q2".parse().unwrap();
        let sep = std::path::MAIN_SEPARATOR;
        let cases = [
            (
                CommandError::NoTarget,
                "say where the return goes: --out DIR or --archive DIR".to_string(),
            ),
            (
                CommandError::CurrentFolder {
                    dir: p("."),
                    what: "a return",
                    example: "returns",
                },
                format!(
                    "--out . is the folder this command runs in (or holds it), which cannot be \
                     replaced by a return: name a new folder inside it, e.g. --out \
                     returns{sep}2024-25-Q2 (nothing was changed)"
                ),
            ),
            (
                CommandError::OutIsALink {
                    dir: p("q2"),
                    to: None,
                    what: "a scorecard",
                },
                "--out q2 is a link, not a folder: a scorecard is written into a new folder, \
                 and --force never replaces anything through a link; name a new folder, or the \
                 folder itself (nothing was changed)"
                    .to_string(),
            ),
            (
                CommandError::HoldsInput {
                    dir: p("q2"),
                    is_it: false,
                    name: "the export being read",
                    input: p("/home/q2/export.xlsx"),
                    what: "the return",
                },
                "cannot replace q2: it holds the export being read, /home/q2/export.xlsx, and \
                 replacing the folder would delete it; write the return to a new folder \
                 (nothing was changed)"
                    .to_string(),
            ),
            (
                CommandError::ArchiveFull {
                    root: p("archive"),
                    period: q2,
                    provisional: true,
                },
                format!(
                    "archive already holds {MAX_SUBMISSIONS} provisional returns of 2024-25 Q2; \
                     nothing was filed"
                ),
            ),
            (
                CommandError::ArchiveIsAFile {
                    root: p("a"),
                    link: true,
                },
                "--archive a is a link to a file, not a folder: name the archive's folder \
                 (nothing was changed)"
                    .to_string(),
            ),
            (
                CommandError::NoReturnIn {
                    dir: p("q2"),
                    names: "return.json or return.xml",
                    advice: Some("it holds an export".into()),
                },
                "q2 holds no return.json or return.xml; it holds an export".to_string(),
            ),
            (
                CommandError::NoManifestIn {
                    dir: p("q2"),
                    advice: None,
                },
                "q2 holds no manifest.json; give the folder of a return built by build, or its \
                 manifest.json"
                    .to_string(),
            ),
            (
                CommandError::OutputClash {
                    path: p("r.xlsx"),
                    option: "--redact",
                    clash: Clash::Output("--report"),
                },
                "r.xlsx: --redact and --report name the same file; nothing was written".to_string(),
            ),
            (
                CommandError::OutputClash {
                    path: p("r.xlsx"),
                    option: "--report",
                    clash: Clash::Exists,
                },
                "r.xlsx: --report names a file that already exists; add --force to replace it; \
                 nothing was written"
                    .to_string(),
            ),
            (
                CommandError::Write {
                    path: p("r.xlsx"),
                    why: Unwritten::Exists {
                        force: Some("--force"),
                    },
                    lock: Some(p("~$r.xlsx")),
                },
                "cannot write r.xlsx: it already exists, and nothing is overwritten unless you \
                 add --force; it looks open in Excel (~$r.xlsx is beside it): close it in Excel \
                 first"
                    .to_string(),
            ),
            (
                CommandError::Write {
                    path: p("r.xlsx"),
                    why: Unwritten::Workbook,
                    lock: None,
                },
                "cannot write r.xlsx: the spreadsheet library refused to make it, which is a \
                 fault in this tool: please report it (with `--redact`'s copy of the export, if \
                 it can be made)"
                    .to_string(),
            ),
            (
                CommandError::NoMeasure,
                "say which measures to explain: --measure kpi1.all.suitable (a code), --measure \
                 kpi1 (a section), --measure \"kpi1.*.suitable\" (a pattern) or --measure \"*\"; \
                 or write every one with --out explain.xlsx or --format json"
                    .to_string(),
            ),
            (
                CommandError::OutComparing,
                "--out writes one export's explanation; to compare two exports, read the \
                 terminal or use --format json (nothing was written)"
                    .to_string(),
            ),
            (
                CommandError::UnknownMeasure(yjb_return::explain::UnknownMeasure {
                    given: "kpi1.al".into(),
                    nearest: vec!["kpi1.all".into()],
                }),
                "--measure: no measure is called \"kpi1.al\" (the nearest: kpi1.all); name a \
                 measure (kpi1.all.suitable), a section (kpi1), a pattern (kpi1.*.suitable) or * \
                 for every one"
                    .to_string(),
            ),
            (
                CommandError::OutputClash {
                    path: p("q4"),
                    option: "--out",
                    clash: Clash::Folder,
                },
                "q4: --out names a folder: give a file name; nothing was written".to_string(),
            ),
            (
                CommandError::Print(io::Error::from(io::ErrorKind::StorageFull)),
                "cannot write the output: the disk is full".to_string(),
            ),
        ];
        for (error, sentence) in cases {
            assert_eq!(error.to_string(), sentence);
        }
    }
}
