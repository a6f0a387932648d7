//! A shareable copy of an export for a bug report (`validate --redact`).
//!
//! Every identifier (child, intervention, offence, victim) is replaced by a pseudonym that is
//! the same wherever the identifier appears, so references between sheets still resolve and
//! the copy gives the same findings as the original. Columns the dictionary does not know are
//! emptied (they may hold names or notes), and sheets it does not know are left out. Dates,
//! codes and numbers stay, because the rules depend on them: the copy is pseudonymised, not
//! anonymous, and the officer shares it under the service's information-sharing rules.

use std::collections::HashMap;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use super::xlsx::write_cell;
use crate::export::workbook::Cell;
use crate::validate::Validation;

/// The identifier columns and the prefix of their pseudonyms; `child_id` is shared by every
/// sheet that names a child, `intervention_id` by Interventions and Victims.
const IDENTIFIERS: [(&str, &str); 4] = [
    ("child_id", "CHILD-"),
    ("intervention_id", "INT-"),
    ("offence_id", "OFF-"),
    ("victim_id", "VIC-"),
];

/// Hands out pseudonyms in order of first appearance, so the same export always gives the
/// same copy.
#[derive(Default)]
struct Pseudonyms {
    seen: HashMap<(&'static str, String), String>,
    counts: HashMap<&'static str, usize>,
}

impl Pseudonyms {
    fn get(&mut self, prefix: &'static str, id: &str) -> String {
        if let Some(p) = self.seen.get(&(prefix, id.to_string())) {
            return p.clone();
        }
        let n = self.counts.entry(prefix).or_default();
        *n += 1;
        let p = format!("{prefix}{n:04}");
        self.seen.insert((prefix, id.to_string()), p.clone());
        p
    }
}

/// Writes the redacted copy of the export `v` was made from.
pub fn render(v: &Validation) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title("yjb-return redacted export")
            .set_comment("Identifiers replaced by pseudonyms; dates and codes kept.")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let mut names = Pseudonyms::default();
    for data in &v.sheets {
        let Some(raw) = v.workbook.sheets.iter().find(|s| s.name == data.sheet_name) else {
            continue;
        };
        let known: HashMap<u32, &str> = data
            .columns
            .iter()
            .map(|(name, col)| (*col, name.as_str()))
            .collect();
        let ws = wb.add_worksheet().set_name(&raw.name)?;
        for row in &raw.rows {
            let r = row.row - 1;
            for (c, cell) in row.cells.iter().enumerate() {
                let column = known.get(&(c as u32)).copied();
                let redacted;
                let cell = if r == 0 {
                    cell
                } else {
                    match (column, cell) {
                        (None, _) => continue,
                        (Some(col), Cell::Text(_) | Cell::Number(_)) => {
                            match IDENTIFIERS.iter().find(|(name, _)| *name == col) {
                                Some((_, prefix)) => {
                                    redacted = Cell::Text(names.get(prefix, &cell.display()));
                                    &redacted
                                }
                                None => cell,
                            }
                        }
                        (Some(_), _) => cell,
                    }
                };
                write_cell(ws, r, c as u16, cell, None, &date_format)?;
            }
        }
    }
    if v.sheets.is_empty() {
        wb.add_worksheet();
    }
    wb.save_to_buffer()
}
