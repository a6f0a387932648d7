//! Why a workbook could not be read at all, as sentences for the person who chose the file, each
//! with its catalogue code; and the spreadsheet library's refusals put in those words.
//!
//! Invariant: no message of the library reaches the user; each failure names what is wrong
//! and, for an export, what to do.

use calamine::XlsxError;

/// Why a file could not be read at all. Each is a sentence for the person who chose the file.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ReadError {
    #[error(
        "this is not an Excel .xlsx workbook (it is not a zip file): export the caseload again as .xlsx"
    )]
    NotXlsx,
    /// A zip file that is another kind of document (named), or no document at all.
    #[error(
        "{}",
        match .0 {
            Some(kind) => format!(
                "this is {kind}, not an Excel .xlsx workbook: open it and save it as an Excel workbook (.xlsx)"
            ),
            None => "this is a zip file but not an Excel workbook: export the caseload again as .xlsx".to_string(),
        }
    )]
    WrongKind(Option<&'static str>),
    #[error(
        "this is an old-style .xls workbook or a password-protected one: open it in Excel, remove any password and save it as an Excel workbook (.xlsx)"
    )]
    OldOrEncrypted,
    #[error(
        "this is an old-style .xls workbook: open it in Excel and save it as an Excel workbook (.xlsx) with File > Save As"
    )]
    OldXls,
    #[error(
        "this workbook is password-protected, so it cannot be read: open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, and clear it), save it and close it"
    )]
    Encrypted,
    #[error("the workbook is damaged and cannot be read ({0}): export the caseload again")]
    Damaged(String),
    #[error(
        "the workbook would unpack to far more data than any export holds ({0}); it was not opened"
    )]
    TooLarge(String),
    #[error(
        "sheet \"{sheet}\" holds rows beyond row {limit}, the last row Excel has: it was not written by a spreadsheet program; export the caseload again"
    )]
    TooManyRows { sheet: String, limit: u32 },
}

impl ReadError {
    /// The catalogue code of this failure.
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::NotXlsx | ReadError::WrongKind(_) => "F001",
            ReadError::OldOrEncrypted | ReadError::OldXls | ReadError::Encrypted => "F002",
            ReadError::Damaged(_) => "F003",
            ReadError::TooLarge(_) => "F004",
            ReadError::TooManyRows { .. } => "F005",
        }
    }

    /// What is wrong with the file, without the advice its message gives for an export (to
    /// export the caseload again): for a workbook that was never meant to be an export, such
    /// as a return's, whose reader gives its own.
    pub fn fault(&self) -> String {
        match self {
            ReadError::NotXlsx => "it is not an Excel .xlsx workbook (it is not a zip file)".into(),
            ReadError::WrongKind(Some(kind)) => {
                format!("it is {kind}, not an Excel .xlsx workbook")
            }
            ReadError::WrongKind(None) => "it is a zip file but not an Excel workbook".into(),
            ReadError::OldOrEncrypted => {
                "it is an old-style .xls workbook or a password-protected one".into()
            }
            ReadError::OldXls => "it is an old-style .xls workbook".into(),
            ReadError::Encrypted => "it is password-protected".into(),
            ReadError::Damaged(what) => {
                format!("the workbook is damaged and cannot be read ({what})")
            }
            ReadError::TooLarge(what) => format!(
                "the workbook would unpack to far more data than a spreadsheet of its kind holds \
                 ({what}); it was not opened"
            ),
            ReadError::TooManyRows { sheet, limit } => format!(
                "sheet \"{sheet}\" holds rows beyond row {limit}, the last row Excel has: it was \
                 not written by a spreadsheet program"
            ),
        }
    }
}

pub(super) const FORMAT: &str = "its contents do not follow the Excel format";

/// What is wrong with a workbook the library refused, in words (the library's own messages,
/// such as "Expecting alphanumeric character", mean nothing to a data officer).
pub fn damaged(sheet: Option<&str>, e: &XlsxError) -> ReadError {
    let what = match e {
        XlsxError::Io(_) | XlsxError::Zip(_) => "its zip archive is damaged",
        XlsxError::Xml(_)
        | XlsxError::XmlAttr(_)
        | XlsxError::XmlEof(_)
        | XlsxError::Encoding(_) => "a part of it is not well-formed XML",
        XlsxError::Alphanumeric(_)
        | XlsxError::NumericColumn(_)
        | XlsxError::RangeWithoutColumnComponent
        | XlsxError::RangeWithoutRowComponent
        | XlsxError::ColumnNumberOverflow
        | XlsxError::RowNumberOverflow
        | XlsxError::DimensionCount(_) => "a cell reference in it is malformed",
        XlsxError::FileNotFound(_) | XlsxError::RelationshipNotFound => "a part of it is missing",
        XlsxError::Password => "it is password-protected",
        _ => FORMAT,
    };
    ReadError::Damaged(match sheet {
        Some(name) => format!("sheet \"{name}\": {what}"),
        None => what.to_string(),
    })
}
