//! Collects findings as the rules run, filling each one's severity from the catalogue and its
//! location from the sheet.

use super::finding::Finding;
use super::validation::SheetData;
use crate::definitions::{Definitions, Severity};
use crate::excel::{column_letters, sheet_ref};

/// Collects findings, filling severity from the catalogue and location from the sheet.
pub(crate) struct Collector<'d> {
    pub(super) defs: &'d Definitions,
    pub(super) findings: Vec<Finding>,
}

impl<'d> Collector<'d> {
    pub(super) fn new(defs: &'d Definitions) -> Self {
        Collector {
            defs,
            findings: Vec::new(),
        }
    }

    /// Records a finding on `sheet` at `row`/`column` (either may be `None`). The value is
    /// [`cut`](crate::text::cut) here, so that no finding holds a long cell whole.
    pub(crate) fn at(
        &mut self,
        code: &str,
        sheet: &SheetData,
        row: Option<u32>,
        column: Option<&str>,
        value: Option<String>,
        message: impl Into<String>,
    ) -> &mut Finding {
        let col_index = column.and_then(|c| sheet.columns.get(c).copied());
        let location = match (row, col_index) {
            (Some(r), Some(c)) => {
                format!("{}!{}{r}", sheet_ref(&sheet.sheet_name), column_letters(c))
            }
            (Some(r), None) => format!("{}!{r}:{r}", sheet_ref(&sheet.sheet_name)),
            _ => sheet_ref(&sheet.sheet_name),
        };
        let header = column.and_then(|c| sheet.headers.get(c).cloned());
        self.push(Finding {
            code: code.to_string(),
            severity: self.severity(code),
            sheet: Some(sheet.name.clone()),
            row,
            column: column.map(str::to_string),
            value: value.map(crate::text::cut_owned),
            message: message.into(),
            location: Some(location),
            header,
            related: Vec::new(),
            child_id: None,
            record: Vec::new(),
            acknowledged: None,
            sheet_name: Some(sheet.sheet_name.clone()),
            col_index,
        })
    }

    /// Records a finding about a sheet the workbook lacks (or the file as a whole).
    pub(super) fn about(&mut self, code: &str, sheet: Option<&str>, message: impl Into<String>) {
        self.push(Finding {
            code: code.to_string(),
            severity: self.severity(code),
            sheet: sheet.map(str::to_string),
            row: None,
            column: None,
            value: None,
            message: message.into(),
            location: None,
            header: None,
            related: Vec::new(),
            child_id: None,
            record: Vec::new(),
            acknowledged: None,
            sheet_name: None,
            col_index: None,
        });
    }

    fn push(&mut self, finding: Finding) -> &mut Finding {
        self.findings.push(finding);
        self.findings.last_mut().expect("just pushed")
    }

    fn severity(&self, code: &str) -> Severity {
        match self.defs.rule(code) {
            Some(rule) => rule.severity,
            None => {
                debug_assert!(false, "rule {code} is not in the catalogue");
                Severity::Error
            }
        }
    }
}
