//! `yjb-return check`: is a finished return fit to send?

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CommandError, EXIT_ERRORS, EXIT_FAILURE, EXIT_OK};
use yjb_return::audit;
use yjb_return::audit::checked::Verdict;
use yjb_return::names::{RETURN_JSON, RETURN_XLSX, RETURN_XML};

#[derive(Debug, Clone)]
pub struct Args {
    /// return.xml, return.xlsx, return.json, or a return's folder (all three are checked).
    pub path: PathBuf,
    pub definitions: Option<PathBuf>,
    pub json: bool,
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<i32, CommandError> {
    let (folder, targets, given): (PathBuf, Vec<PathBuf>, audit::Given) = if args.path.is_dir() {
        let targets: Vec<PathBuf> = [RETURN_XML, RETURN_XLSX, RETURN_JSON]
            .iter()
            .map(|n| args.path.join(n))
            .filter(|p| p.exists())
            .collect();
        if targets.is_empty() {
            return Err(CommandError::Other(format!(
                "{} holds no return.xml, return.xlsx or return.json{}",
                args.path.display(),
                yjb_return::recognise::folder_advice(
                    &crate::shell::files::Disk::new(&args.path),
                    yjb_return::recognise::Wanted::Return,
                    "check"
                )
                .map(|a| format!("; {a}"))
                .unwrap_or_default()
            )));
        }
        (args.path.clone(), targets, audit::Given::Folder)
    } else if args.path.exists() {
        let folder = args
            .path
            .parent()
            .map_or_else(PathBuf::new, Path::to_path_buf);
        (folder, vec![args.path.clone()], audit::Given::Files)
    } else {
        return Err(CommandError::Other(format!(
            "{} does not exist; {}",
            args.path.display(),
            crate::shell::files::nearby(&args.path, crate::shell::files::Kind::ReturnFile)
        )));
    };
    let source = super::source(args.definitions.as_deref())?;
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
        super::now().date,
    );
    let text = if args.json {
        checked.render_json()
    } else {
        checked.render_text(&crate::shell::files::Disk::new(&folder))
    };
    super::print(out, &text)?;
    Ok(exit_status(checked.verdict()))
}

/// 0 fit to send; 1 not fit to send (an error, a provisional return, figures edited after the
/// build); 2 unreadable.
fn exit_status(verdict: Verdict) -> i32 {
    match verdict {
        Verdict::Unreadable => EXIT_FAILURE,
        v if v.fit_to_send() => EXIT_OK,
        _ => EXIT_ERRORS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_0_means_fit_to_send_and_nothing_else() {
        assert_eq!(exit_status(Verdict::Passed), 0);
        assert_eq!(exit_status(Verdict::Warnings), 0);
        assert_eq!(exit_status(Verdict::Provisional), 1);
        assert_eq!(exit_status(Verdict::Errors), 1);
        assert_eq!(exit_status(Verdict::Unreadable), 2);
    }
}
