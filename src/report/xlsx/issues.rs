//! Sheet "Issues": every finding as a row of a filterable table, never truncated, each linked
//! to its cell in the export's copy; every other row a finding involves gets a row of its own
//! pointing back to it.
//!
//! Invariant: the table's rows are written strictly top to bottom (the sheet streams), one per
//! finding and one per row it involves, numbered by finding.

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use super::cells::{fit_rows, streaming_sheet, wrapped_lines};
use super::style::severity_word;
use super::{Report, TOP};
use crate::excel::cell_text as xml_safe;
use crate::validate::{Finding, Validation};

/// The columns of the Issues table: header, least and greatest width in characters. Sheet,
/// Cell, Column and Child widen to their longest value within those bounds; Message, How to
/// fix and the free-text columns wrap. The widths keep a finding's thirteen columns on one
/// landscape page at a readable scale.
pub(super) const ISSUE_COLUMNS: [(&str, f64, f64); 13] = [
    ("#", 5.0, 5.0),
    ("Severity", 9.0, 9.0),
    ("Rule", 6.0, 6.0),
    ("Sheet", 8.0, 18.0),
    ("Cell", 10.0, 40.0),
    ("Row", 6.0, 6.0),
    ("Column", 10.0, 24.0),
    ("Header as typed", 14.0, 14.0),
    ("Value", 16.0, 16.0),
    ("Message", 48.0, 48.0),
    ("How to fix", 36.0, 36.0),
    ("Child", 8.0, 18.0),
    ("Acknowledged", 20.0, 20.0),
];
/// Issues columns whose text wraps within the column rather than spilling over.
pub(super) const WRAPPED: [usize; 7] = [3, 6, 7, 8, 9, 10, 12];

/// A row of the Issues table: the finding's number, the finding (or a copy standing for
/// another row it involves), the cell it points at and how to fix it.
pub(super) struct IssueRow<'a> {
    n: usize,
    finding: &'a Finding,
    location: Option<&'a str>,
    fix: &'a str,
}

/// The Issues columns' widths for these findings.
pub(super) fn issue_widths(v: &Validation) -> [f64; 13] {
    let mut longest = [0usize; 13];
    let mut see = |col: usize, text: Option<&str>| {
        if let Some(t) = text {
            longest[col] = longest[col].max(t.chars().count());
        }
    };
    for f in &v.findings {
        see(3, f.sheet.as_deref());
        see(4, f.location.as_deref());
        for r in &f.related {
            see(4, Some(&r.location));
        }
        see(6, f.column.as_deref());
        see(11, f.child_id.as_deref());
    }
    let mut widths = [0.0; 13];
    for (col, (_, least, most)) in ISSUE_COLUMNS.iter().enumerate() {
        widths[col] = (longest[col] as f64 + 2.0).clamp(*least, *most);
    }
    widths
}

impl Report<'_> {
    /// Issues: every finding, and every other row a finding involves, one table row each.
    pub(super) fn issues(&self, wb: &mut Workbook) -> Result<(), XlsxError> {
        let v = self.v;
        let rows: usize = v.findings.iter().map(|f| 1 + f.related.len()).sum();
        let ws = streaming_sheet(wb, "Issues", true, rows)?;
        let widths = issue_widths(v);
        let headers = ISSUE_COLUMNS.map(|(h, _, _)| h);
        self.table_head(ws, "Validation issues", &headers, &widths, rows)?;
        let mut r = TOP + 1;
        for (n, f) in v.findings.iter().enumerate() {
            let fix = v
                .rules
                .iter()
                .find(|rule| rule.code == f.code)
                .map_or("", |rule| rule.fix.as_str());
            let row = IssueRow {
                n: n + 1,
                finding: f,
                location: f.location.as_deref(),
                fix,
            };
            self.issue(ws, r, &row, &widths)?;
            r += 1;
            for rel in &f.related {
                let mut also = f.clone();
                also.row = Some(rel.row);
                also.value = None;
                also.message = format!("also involved in finding #{}", n + 1);
                let row = IssueRow {
                    n: n + 1,
                    finding: &also,
                    location: Some(&rel.location),
                    fix: "",
                };
                self.issue(ws, r, &row, &widths)?;
                r += 1;
            }
        }
        Ok(())
    }

    /// One row of the Issues table, its height fitted to its wrapped text.
    fn issue(
        &self,
        ws: &mut Worksheet,
        r: u32,
        row: &IssueRow<'_>,
        widths: &[f64; 13],
    ) -> Result<(), XlsxError> {
        let styles = &self.styles;
        let (f, fix) = (row.finding, row.fix);
        let text = |col: usize| {
            if WRAPPED.contains(&col) {
                &styles.wrap
            } else {
                &styles.top
            }
        };
        let cells = [
            (3, f.sheet.as_deref()),
            (6, f.column.as_deref()),
            (7, f.header.as_deref()),
            (8, f.value.as_deref()),
            (9, Some(f.message.as_str())),
            (10, Some(fix)),
            (11, f.child_id.as_deref()),
            (12, f.acknowledged.as_deref()),
        ];
        let lines = cells
            .iter()
            .filter(|(col, _)| WRAPPED.contains(col))
            .filter_map(|(col, value)| Some(wrapped_lines((*value)?, widths[*col])))
            .max()
            .unwrap_or(1);
        fit_rows(ws, r, lines)?;
        ws.write_number_with_format(r, 0, row.n as f64, &styles.top)?;
        ws.write_string_with_format(
            r,
            1,
            severity_word(f.severity),
            styles.fill(f.severity, false),
        )?;
        ws.write_string_with_format(r, 2, &f.code, &styles.top)?;
        if let Some(loc) = row.location {
            self.link(ws, r, 4, f, loc)?;
        }
        if let Some(excel_row) = f.row {
            ws.write_number_with_format(r, 5, f64::from(excel_row), &styles.top)?;
        }
        for (col, value) in cells {
            if let Some(value) = value.filter(|s| !s.is_empty()) {
                ws.write_string_with_format(r, col as u16, xml_safe(value), text(col))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::xlsx::tests::flawed;

    #[test]
    fn the_cell_column_holds_the_longest_location() {
        let v = flawed();
        let widths = issue_widths(&v);
        let longest = v
            .findings
            .iter()
            .filter_map(|f| f.location.as_deref())
            .map(|l| l.chars().count())
            .max()
            .unwrap();
        assert!(longest >= "BoardAttendance!D12".len());
        assert_eq!(widths[4], longest as f64 + 2.0);
        assert_eq!(widths[9], 48.0);
    }
}
