//! `yjb-return check`: is a finished return fit to send?

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::Format;
use super::error::CommandError;
use super::exit::Exit;
use super::inputs;
use super::outputs;
use yjb_return::audit;
use yjb_return::audit::checked::Verdict;
use yjb_return::names::{RETURN_JSON, RETURN_XLSX, RETURN_XML};

/// Check a finished return before sending it: structure, identity, consistency of the
/// figures, and whether any file was edited after it was built.
///
/// Give return.xml, return.xlsx, return.json, or the return's folder to check all three
/// against each other and against the manifest.json beside them. `yjb-return rules` lists
/// every check (C-codes).
///
/// Exit status: 0 fit to send; 1 not fit to send (an error, a provisional return, figures
/// edited after the build); 2 the file could not be read or the command was misused.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The return to check: return.xml, return.xlsx or return.json, or the folder `build`
    /// wrote (e.g. returns/2024-25-Q2).
    #[arg(value_name = "RETURN")]
    pub path: PathBuf,
    /// How to show the result: text to read, or json for other programs
    /// (the findings with their codes, files and places).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(
    args: &Args,
    definitions: Option<&Path>,
    out: &mut dyn Write,
) -> Result<Exit, CommandError> {
    let (folder, targets, given): (PathBuf, Vec<PathBuf>, audit::Given) = if args.path.is_dir() {
        // Whatever stands at a file's name is checked, as the scorecard does: a device, a pipe
        // or a link leading nowhere is named as what it is, never passed over as absent.
        let disk = crate::shell::files::Disk::new(&args.path);
        let targets: Vec<PathBuf> = [RETURN_XML, RETURN_XLSX, RETURN_JSON]
            .iter()
            .filter(|n| yjb_return::folder::Folder::entry(&disk, n).is_some())
            .map(|n| args.path.join(n))
            .collect();
        if targets.is_empty() {
            return Err(CommandError::NoReturnIn {
                dir: args.path.clone(),
                names: "return.xml, return.xlsx or return.json",
                advice: yjb_return::recognise::folder_advice(
                    &crate::shell::files::Disk::new(&args.path),
                    yjb_return::recognise::Wanted::Return,
                    "check",
                ),
            });
        }
        (args.path.clone(), targets, audit::Given::Folder)
    } else if crate::shell::files::stands(&args.path) {
        let folder = args
            .path
            .parent()
            .map_or_else(PathBuf::new, Path::to_path_buf);
        (folder, vec![args.path.clone()], audit::Given::Files)
    } else {
        return Err(CommandError::NoSuchReturn {
            path: args.path.clone(),
            nearby: crate::shell::files::nearby(&args.path, crate::shell::files::Kind::ReturnFile),
        });
    };
    let source = inputs::source(definitions)?;
    let targets: Vec<String> = targets
        .iter()
        .map(|t| {
            t.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        })
        .collect();
    let checked = audit::check_files(
        &crate::shell::files::Disk::new(&folder),
        &targets,
        &source,
        given,
        inputs::now().date,
    );
    let text = if args.format.is_json() {
        checked.render_json()
    } else {
        checked.render_text(&crate::shell::files::Disk::new(&folder))
    };
    outputs::print(out, &text)?;
    Ok(exit_status(checked.verdict()))
}

/// 0 fit to send; 1 not fit to send (an error, a provisional return, figures edited after the
/// build); 2 unreadable.
fn exit_status(verdict: Verdict) -> Exit {
    match verdict {
        Verdict::Unreadable => Exit::Failure,
        v if v.fit_to_send() => Exit::Ok,
        _ => Exit::Findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_0_means_fit_to_send_and_nothing_else() {
        assert_eq!(exit_status(Verdict::Passed), Exit::Ok);
        assert_eq!(exit_status(Verdict::Warnings), Exit::Ok);
        assert_eq!(exit_status(Verdict::Provisional), Exit::Findings);
        assert_eq!(exit_status(Verdict::Errors), Exit::Findings);
        assert_eq!(exit_status(Verdict::Unreadable), Exit::Failure);
    }
}
