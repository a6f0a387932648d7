//! A finding: one problem, located where the data officer will look for it.

use serde::Serialize;

use crate::definitions::Severity;

/// Another row involved in the same finding (the first of two duplicates, say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub sheet: String,
    pub row: u32,
    /// `Sheet!A1`-style reference, with the sheet named as in the workbook.
    pub location: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: String,
    pub severity: Severity,
    /// The canonical sheet name (`Interventions`), or `None` for the file itself.
    pub sheet: Option<String>,
    /// Excel's row number (the header is row 1); `None` for sheet- or file-level findings.
    pub row: Option<u32>,
    /// The canonical column name; `None` where no single column applies.
    pub column: Option<String>,
    /// The cell's value as typed; `None` when blank or not applicable.
    pub value: Option<String>,
    pub message: String,
    /// Where to look, as the workbook names it: `Orders!F17`, `Orders!1:1` or `Orders`.
    pub location: Option<String>,
    /// The header as typed in the export, where it differs from the canonical name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    /// The other rows of a duplicate, overlap or incomplete meeting.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// The child the finding is about, where known (for the per-child view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub child_id: Option<String>,
    /// The record to fix in the case-management system: the row's key columns and their
    /// values, its own id first (`intervention_id`, `child_id`; a meeting's date and partner).
    /// In JSON an object, `{"intervention_id": "I1", "child_id": "C1"}`.
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "as_map")]
    pub record: Vec<(String, String)>,
    /// The explanation recorded when a warning was acknowledged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<String>,
    /// The sheet as named in the workbook, and the 0-based column, for highlighting.
    #[serde(skip)]
    pub sheet_name: Option<String>,
    #[serde(skip)]
    pub col_index: Option<u32>,
}

fn as_map<S: serde::Serializer>(pairs: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}

/// Excel's column letters for a 0-based index (0 → A, 26 → AA).
pub fn column_letters(mut index: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII")
}

/// How a sheet name must be written in a formula or link: quoted when it is not a plain word.
/// A name longer than any Excel gives a sheet (a hand-made file's) is [`cut`](crate::cut::cut):
/// every finding on the sheet shows it.
pub fn sheet_ref(name: &str) -> String {
    let name = crate::cut::cut(name);
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(5), "F");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn quoted_sheet_names() {
        assert_eq!(sheet_ref("Orders"), "Orders");
        assert_eq!(sheet_ref("Board Attendance"), "'Board Attendance'");
        assert_eq!(sheet_ref("O'Neil"), "'O''Neil'");
        let long = format!("{}Orders", " ".repeat(100_000));
        assert_eq!(
            sheet_ref(&long),
            format!("'{}... (100006 characters)'", " ".repeat(177))
        );
    }
}
