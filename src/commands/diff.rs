//! `yjb-return diff`: what changed between two returns.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CommandError, EXIT_ERRORS, EXIT_OK};
use yjb_return::audit::diff;
use yjb_return::definitions::Definitions;
use yjb_return::measures::Return;

#[derive(Debug, Clone)]
pub struct Args {
    pub old: PathBuf,
    pub new: PathBuf,
    pub definitions: Option<PathBuf>,
    pub json: bool,
}

/// A return from a folder (its return.json, else return.xml) or from one of its files.
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
    yjb_return::audit::load_return(&crate::shell::files::Disk::new(folder), name.as_deref())
        .map_err(CommandError::Other)
}

pub fn run(args: &Args, out: &mut dyn Write) -> Result<i32, CommandError> {
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
    Ok(if d.is_empty() { EXIT_OK } else { EXIT_ERRORS })
}
