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
