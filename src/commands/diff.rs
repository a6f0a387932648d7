//! `yjb-return diff`: what changed between two returns.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::Format;
use super::error::CommandError;
use super::exit::Exit;
use super::inputs;
use super::outputs;
use yjb_return::audit::diff;
use yjb_return::definitions::Definitions;
use yjb_return::measures::Return;
use yjb_return::names::{RETURN_JSON, RETURN_XML};

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

/// A return from a folder (its return.json, else return.xml) or from one of its files.
fn load(path: &Path) -> Result<(String, Return), CommandError> {
    let file = if path.is_dir() {
        [RETURN_JSON, RETURN_XML]
            .iter()
            .map(|n| path.join(n))
            .find(|p| p.exists())
            .ok_or_else(|| CommandError::NoReturnIn {
                dir: path.to_path_buf(),
                names: "return.json or return.xml",
                advice: yjb_return::recognise::folder_advice(
                    &crate::shell::files::Disk::new(path),
                    yjb_return::recognise::Wanted::Return,
                    "diff",
                ),
            })?
    } else {
        path.to_path_buf()
    };
    let doc = inputs::document(&file).map_err(|finding| CommandError::ReturnUnreadable {
        file: file.clone(),
        finding,
    })?;
    Ok((file.display().to_string(), doc.ret))
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
