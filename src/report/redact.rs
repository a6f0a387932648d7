//! A shareable copy of an export for a bug report (`validate --redact`).
//!
//! Every identifier (child, intervention, offence, victim) is replaced by a pseudonym that is
//! the same wherever the identifier appears, whatever the cell's type (an id stored as a
//! date-formatted number is still an id), so references between sheets still resolve and the
//! copy gives the same findings as the original. Columns the dictionary does not know are
//! emptied (they may hold names or notes), and sheets it does not know are left out. A value
//! that is not one its column allows (free text typed into a code column, say) is replaced by
//! `REDACTED`, which fails the same rule. Row 1 keeps only the headers the dictionary
//! recognises: when an export has lost its header row, row 1 is a child's record. Dates,
//! codes and numbers stay, because the rules depend on them: the copy is pseudonymised, not
//! anonymous, and the officer shares it under the service's information-sharing rules.

use std::collections::HashMap;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use super::xlsx::write_cell;
use crate::definitions::{ColumnDef, ColumnType, Definitions};
use crate::export::workbook::Cell;
use crate::validate::{Validation, Value, coerce, column_letters};

/// What replaces a value its column does not allow.
const REDACTED: &str = "REDACTED";

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

/// Whether a cell holds a value its column allows (and so cannot be free text about a child).
fn allowed(cell: &Cell, column: &ColumnDef) -> bool {
    // A code off the column's list is read as text (for the enum check to report).
    match coerce::coerce(cell.as_ref(), column, &mut String::new()) {
        Err(_) => false,
        Ok(Value::Text { .. }) => column.kind != ColumnType::Code,
        Ok(_) => true,
    }
}

/// Writes the redacted copy of the export `v` was made from, under the definitions `v` was
/// validated against.
pub fn render(v: &Validation, defs: &Definitions) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title("yjb-return redacted export")
            .set_comment("Identifiers replaced by pseudonyms; dates and codes kept.")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let mut names = Pseudonyms::default();
    let mut taken: Vec<String> = Vec::new();
    for data in &v.sheets {
        let Some(raw) = v.workbook.sheets.iter().find(|s| s.name == data.sheet_name) else {
            continue;
        };
        let def = defs.sheet(&data.name);
        let known: HashMap<u32, &ColumnDef> = data
            .columns
            .iter()
            .filter_map(|(name, col)| Some((*col, def?.column(name)?)))
            .collect();
        let name = super::sheet_name(&raw.name, &taken);
        taken.push(name.clone());
        let ws = wb.add_worksheet().set_name(name)?;
        for row in &raw.rows {
            let r = row.row - 1;
            for (c, cell) in row.cells.iter().enumerate() {
                if cell.is_empty() {
                    continue;
                }
                let column = known.get(&(c as u32)).copied();
                let redacted = match (r, column) {
                    // The header row: only the headers the dictionary recognised are kept.
                    (0, Some(_)) => None,
                    (0, None) => Some(Cell::Text(format!("column_{}", column_letters(c as u32)))),
                    (_, None) => continue,
                    (_, Some(col)) => {
                        match IDENTIFIERS.iter().find(|(name, _)| *name == col.name) {
                            Some((_, prefix)) => {
                                Some(Cell::Text(names.get(prefix, &cell.display())))
                            }
                            None if allowed(cell, col) => None,
                            None => Some(Cell::Text(REDACTED.to_string())),
                        }
                    }
                };
                let cell = redacted.as_ref().unwrap_or(cell);
                write_cell(ws, r, c as u16, cell, None, &date_format)?;
            }
        }
    }
    if v.sheets.is_empty() {
        wb.add_worksheet();
    }
    wb.save_to_buffer()
        .map(crate::workbook_bytes::same_everywhere)
}
