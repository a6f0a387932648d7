//! Sheet "By child": per child, how many findings, how many errors, which rules, and a link to
//! the first.
//!
//! Invariant: children in order of their identifier, each once; the sheet streams, so it is
//! written strictly top to bottom.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Workbook, XlsxError};

use super::cells::{fit_rows, streaming_sheet, wrapped_lines};
use super::{Report, TOP};
use crate::definitions::Severity;
use crate::excel::cell_text as xml_safe;
use crate::validate::Finding;

impl Report<'_> {
    /// By child: per child, how many findings, how many errors, which rules, and a link to the
    /// first.
    pub(super) fn by_child(&self, wb: &mut Workbook) -> Result<(), XlsxError> {
        let v = self.v;
        let styles = &self.styles;
        let mut children: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in &v.findings {
            if let Some(child) = &f.child_id {
                children.entry(child).or_default().push(f);
            }
        }
        let ws = streaming_sheet(wb, "By child", true, children.len())?;
        let headers = ["Child", "Findings", "Errors", "Rules", "First cell"];
        let widths = [16.0, 10.0, 10.0, 30.0, 24.0];
        self.table_head(ws, "Findings by child", &headers, &widths, children.len())?;
        for (i, (child, fs)) in children.iter().enumerate() {
            let row = TOP + 1 + i as u32;
            ws.write_string(row, 0, xml_safe(child))?;
            ws.write_number(row, 1, fs.len() as f64)?;
            ws.write_number(
                row,
                2,
                fs.iter().filter(|f| f.severity >= Severity::Error).count() as f64,
            )?;
            let mut codes: Vec<&str> = fs.iter().map(|f| f.code.as_str()).collect();
            codes.dedup();
            let codes = codes.join(", ");
            fit_rows(ws, row, wrapped_lines(&codes, widths[3]))?;
            ws.write_string_with_format(row, 3, codes, &styles.wrap)?;
            if let Some(first) = fs.first()
                && let Some(loc) = first.location.as_deref()
            {
                self.link(ws, row, 4, first, loc)?;
            }
        }
        Ok(())
    }
}
