//! An export as `validate`, `build` and `reproduce` all take it: bytes read once (so they can
//! be hashed), validated against one definitions version, and the acknowledgements sidecar
//! applied. Shared here so that no command calls another.

use super::acknowledge::{self, AcknowledgementError};
use super::{Cells, Options, Validation, validate_book};
use crate::definitions::Definitions;
use crate::export::workbook;
use crate::recognise::{What, of_sheets, recognise};

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The bytes are not a workbook the tool can read; `code` is the catalogue's F-code, and
    /// `what` what they are instead when they are another of the tool's files.
    #[error("{message} ({code})")]
    Unreadable {
        code: &'static str,
        message: String,
        what: What,
    },
    #[error(transparent)]
    Acknowledgements(#[from] AcknowledgementError),
}

/// An acknowledgements file, read by the shell: how messages name it, and its bytes.
#[derive(Debug, Clone)]
pub struct Sidecar {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Validates an export already read into memory against the given definitions (`reproduce`
/// passes the version a manifest names, not the one the period would pick today), then
/// applies the sidecar's acknowledgements, if one is given. `cells` says whether the export's
/// cells are wanted afterwards (for the report).
pub fn validate_bytes(
    bytes: &[u8],
    defs: &Definitions,
    options: &Options,
    sidecar: Option<&Sidecar>,
    cells: Cells,
) -> Result<Validation, LoadError> {
    let unreadable = |e: workbook::ReadError| LoadError::Unreadable {
        code: e.code(),
        message: e.to_string(),
        what: match e {
            workbook::ReadError::NotXlsx | workbook::ReadError::WrongKind(_) => recognise(bytes),
            _ => What::Unknown,
        },
    };
    let book = workbook::open(bytes).map_err(unreadable)?;
    // A return workbook, the issues report or a scorecard opens as a workbook: told here,
    // before it is reported as an export missing every sheet.
    let names: Vec<&str> = book.sheet_names().iter().map(String::as_str).collect();
    match of_sheets(&names) {
        What::Export { .. } | What::Unknown => {}
        what => {
            return Err(LoadError::Unreadable {
                code: "F001",
                message: "this is not a case-management export".to_string(),
                what,
            });
        }
    }
    let mut v = validate_book(book, defs, options, cells).map_err(unreadable)?;
    if let Some(sidecar) = sidecar {
        let text = String::from_utf8_lossy(&sidecar.bytes);
        let acks = acknowledge::parse(&text, &sidecar.name)?;
        for (ack, why) in acknowledge::apply(&mut v, &acks) {
            v.acknowledgement_notes.push(format!(
                "{} line {}: {} {} row {}: {why}",
                sidecar.name,
                ack.line,
                crate::text::cut(&ack.code),
                crate::text::cut(&ack.sheet),
                ack.row.map_or("-".to_string(), |r| r.to_string())
            ));
        }
        acknowledge::identifying_explanations(&mut v);
    }
    Ok(v)
}
