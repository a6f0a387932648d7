//! `yjb-return diff`: what changed between two returns.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CommandError, Exit};
use yjb_return::audit::diff;
use yjb_return::definitions::Definitions;
use yjb_return::measures::Return;
use yjb_return::names::{RETURN_JSON, RETURN_XML};

#[derive(Debug, Clone)]
pub struct Args {
    pub old: PathBuf,
    pub new: PathBuf,
    pub definitions: Option<PathBuf>,
    pub json: bool,
}

/// A return from a folder (its return.json, else return.xml) or from one of its files.
fn load(path: &Path) -> Result<(String, Return), CommandError> {
    let file = if path.is_dir() {
        [RETURN_JSON, RETURN_XML]
            .iter()
            .map(|n| path.join(n))
            .find(|p| p.exists())
            .ok_or_else(|| {
                CommandError::Other(format!(
                    "{} holds no return.json or return.xml{}",
                    path.display(),
                    yjb_return::recognise::folder_advice(
                        &crate::shell::files::Disk::new(path),
                        yjb_return::recognise::Wanted::Return,
                        "diff"
                    )
                    .map(|a| format!("; {a}"))
                    .unwrap_or_default()
                ))
            })?
    } else {
        path.to_path_buf()
    };
    let doc = super::document(&file).map_err(|f| {
        CommandError::Other(format!("{}: {} ({})", file.display(), f.message, f.code))
    })?;
    Ok((file.display().to_string(), doc.ret))
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<Exit, CommandError> {
    let (old_name, old) = load(&args.old)?;
    let (new_name, new) = load(&args.new)?;
    let source = super::source(args.definitions.as_deref())?;
    // The percentages are those the newer return's workbook shows.
    let defs = Definitions::load(&source, &new.identity.definitions_version)?;
    let layout = yjb_return::write::template::Layout::load(&defs)
        .map_err(|e| CommandError::Other(format!("the return template is unusable: {e}")))?;
    let d = diff::diff(&old, &new, &layout);
    let text = if args.json {
        diff::render_json(&d, &old_name, &new_name)
    } else {
        diff::render_text(&d, &old_name, &new_name)
    };
    super::print(out, &text)?;
    Ok(if d.is_empty() {
        Exit::Ok
    } else {
        Exit::Findings
    })
}
