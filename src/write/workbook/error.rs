//! Why a return workbook could not be written or read back, in sentences; a workbook the
//! spreadsheet reader refused is advised to be built again (an export's advice, to export the
//! caseload again, does not fit a return).
//!
//! Invariant: no message of a library reaches the user unexplained.

use rust_xlsxwriter::XlsxError;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}")]
    Xlsx(#[from] XlsxError),
    #[error("the generation time {0:?} is not a UTC time")]
    Time(String),
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("not a return workbook: {0}")]
    NotAReturn(String),
    #[error("sheet {sheet} row {row}: {message}")]
    Cell {
        sheet: String,
        row: u32,
        message: String,
    },
    /// A figure's cell that cannot be read: `cell` as Excel names it (`Cohort!B5`).
    #[error("{cell}: {message}")]
    At { cell: String, message: String },
}

/// What to do about a return workbook that cannot be opened as a workbook at all: build wrote
/// one Excel opens, so this is another file or one damaged since, and the cure is to build the
/// return again (an export's advice, to export the caseload again, does not fit).
const REBUILD: &str = "this is not a return.xlsx as build wrote it, or it was damaged since: \
     build the return again from its export (for an archived return, `yjb-return reproduce \
     FOLDER --out NEW-FOLDER` rebuilds its files)";

/// A return workbook the spreadsheet reader refused, in words that fit a return.
pub(super) fn unreadable(e: &crate::export::workbook::ReadError) -> ReadError {
    ReadError::NotAReturn(format!("{}: {REBUILD}", e.fault()))
}
