//! `yjb-return diff`: what changed between two returns.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::Format;
use super::error::CommandError;
use super::exit::Exit;
use super::inputs;
use super::outputs;
use yjb_return::audit::Unloaded;
use yjb_return::audit::diff;
use yjb_return::definitions::Definitions;
use yjb_return::measures::Return;

/// Compare two returns: every figure that changed, and the percentage points moved.
///
/// Give two return folders, or two return.json / return.xml files. Each figure is shown
/// with its label from the return workbook.
///
/// Exit status: 0 no figure changed, 1 figures changed, 2 could not read a return.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The earlier return: a folder written by build (its return.json, else its
    /// return.xml), or one of those files.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The later return, given the same way.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// How to show the result: text to read, or json for other programs
    /// (identity changes, changed figures and moved percentages, with their labels).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// A return from a folder (its return.json, else return.xml) or from one of its files
/// ([`yjb_return::audit::load_return`] on disk).
fn load(path: &Path) -> Result<(String, Return), CommandError> {
    let (folder, name) = if path.is_dir() {
        (path.to_path_buf(), None)
    } else {
        let folder = path.parent().map_or_else(PathBuf::new, Path::to_path_buf);
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        (folder, Some(name))
    };
    let disk = crate::shell::files::Disk::new(&folder);
    yjb_return::audit::load_return(&disk, name.as_deref()).map_err(|e| match e {
        Unloaded::NoReturn { advice, .. } => CommandError::NoReturnIn {
            dir: path.to_path_buf(),
            names: "return.json or return.xml",
            advice,
        },
        Unloaded::Unreadable { file, finding } => CommandError::ReturnUnreadable {
            file: PathBuf::from(file),
            finding,
        },
    })
}

pub fn run(
    args: &Args,
    definitions: Option<&Path>,
    out: &mut dyn Write,
) -> Result<Exit, CommandError> {
    let (old_name, old) = load(&args.old)?;
    let (new_name, new) = load(&args.new)?;
    let source = inputs::source(definitions)?;
    // The percentages are those the newer return's workbook shows.
    let defs = Definitions::load(&source, &new.identity.definitions_version)?;
    let layout = yjb_return::write::template::Layout::load(&defs)?;
    let d = diff::diff(&old, &new, &layout);
    let text = if args.format.is_json() {
        diff::render_json(&d, &old_name, &new_name)
    } else {
        diff::render_text(&d, &old_name, &new_name)
    };
    outputs::print(out, &text)?;
    Ok(if d.is_empty() {
        Exit::Ok
    } else {
        Exit::Findings
    })
}
