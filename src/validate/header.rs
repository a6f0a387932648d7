//! Finding the export's sheets and their columns: each defined sheet by its name or an alias,
//! each column by its header or an alias, and formula cells said once per sheet.

use std::collections::HashMap;

use super::collector::Collector;
use super::validation::SheetData;
use crate::definitions::{Definitions, normalise};
use crate::excel::{column_letters, sheet_ref};
use crate::export::workbook::{Formulas, RawSheet};
use crate::text::cut;

/// Finds each defined sheet in the workbook by normalised name or alias: for each sheet of the
/// definitions, the index of the workbook sheet that is it.
pub(super) fn match_sheets(
    names: &[String],
    defs: &Definitions,
    out: &mut Collector<'_>,
) -> Vec<Option<usize>> {
    let mut found: Vec<Option<usize>> = vec![None; defs.sheets.len()];
    for (index, raw) in names.iter().enumerate() {
        let name = normalise(raw);
        let Some(i) = defs
            .sheets
            .iter()
            .position(|d| normalise(&d.name) == name || d.aliases.contains(&name))
        else {
            continue;
        };
        if let Some(first) = found[i] {
            out.about(
                "E104",
                Some(&defs.sheets[i].name),
                format!(
                    "sheets \"{}\" and \"{}\" are both sheet {}; only the first is read",
                    cut(&names[first]),
                    cut(raw),
                    defs.sheets[i].name
                ),
            );
        } else {
            found[i] = Some(index);
        }
    }
    for (def, index) in defs.sheets.iter().zip(&found) {
        if index.is_none() && def.required {
            out.about(
                "E101",
                Some(&def.name),
                format!("the workbook has no sheet named {}", def.name),
            );
        }
    }
    found
}

pub(super) fn match_header(
    raw: &RawSheet,
    def: &crate::definitions::SheetDef,
    out: &mut Collector<'_>,
) -> SheetData {
    let mut sheet = SheetData {
        name: def.name.clone(),
        sheet_name: raw.name.clone(),
        columns: HashMap::new(),
        headers: HashMap::new(),
        missing: Vec::new(),
        rows: Vec::new(),
        layout: def.columns.clone(),
    };
    let header = raw.rows.first().filter(|r| r.row == 1);
    let mut unknown = Vec::new();
    let mut aliases_used = Vec::new();
    let mut duplicates = Vec::new();
    for (index, cell) in header
        .map(|h| h.cells.as_slice())
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if cell.is_empty() {
            continue;
        }
        let typed = cell.display();
        let norm = normalise(&typed);
        let Some(col) = def
            .columns
            .iter()
            .find(|c| c.name == norm || c.aliases.contains(&norm))
        else {
            unknown.push((index as u32, typed));
            continue;
        };
        if sheet.columns.contains_key(&col.name) {
            duplicates.push((col.name.clone(), index as u32, typed));
            continue;
        }
        sheet.columns.insert(col.name.clone(), index as u32);
        if typed != col.name {
            // Shown in every finding of the column: a header padded out to any length still
            // matches its column once normalised.
            sheet
                .headers
                .insert(col.name.clone(), cut(&typed).into_owned());
        }
        if col.name != norm {
            aliases_used.push((col.name.clone(), typed));
        }
    }
    for (name, index, typed) in duplicates {
        let first = sheet.columns[&name];
        let f = out.at(
            "E103",
            &sheet,
            Some(1),
            None,
            Some(typed.clone()),
            format!(
                "header \"{}\" in column {} is column {name} again (first in column {}); only the first is read",
                cut(&typed),
                column_letters(index),
                column_letters(first)
            ),
        );
        f.col_index = Some(index);
        f.column = Some(name);
        f.location = Some(format!(
            "{}!{}1",
            sheet_ref(&sheet.sheet_name),
            column_letters(index)
        ));
    }
    for col in def.columns.iter() {
        if !sheet.columns.contains_key(&col.name) {
            sheet.missing.push(col.name.clone());
        }
    }
    for name in sheet.missing.clone() {
        out.at(
            "E102",
            &sheet,
            None,
            Some(&name),
            None,
            format!("column {name} is missing from the header row (row 1)"),
        );
    }
    // One finding per sheet, on the first unknown header, naming every one with its column.
    if let Some((first, typed)) = unknown.first() {
        let list: Vec<String> = unknown
            .iter()
            .map(|(i, t)| format!("\"{}\" ({})", cut(t), column_letters(*i)))
            .collect();
        let f = out.at(
            "W110",
            &sheet,
            Some(1),
            None,
            Some(typed.clone()),
            format!(
                "{} not in the data dictionary {} ignored: {}",
                match unknown.len() {
                    1 => "1 column".to_string(),
                    n => format!("{n} columns"),
                },
                if unknown.len() == 1 { "was" } else { "were" },
                list.join(", ")
            ),
        );
        f.col_index = Some(*first);
        f.location = Some(format!(
            "{}!{}1",
            sheet_ref(&sheet.sheet_name),
            column_letters(*first)
        ));
    }
    for (name, typed) in aliases_used {
        out.at(
            "I111",
            &sheet,
            Some(1),
            Some(&name),
            Some(typed.clone()),
            format!("header \"{}\" was read as column {name}", cut(&typed)),
        );
    }
    sheet
}

/// Formula cells are read by their cached values: said once per sheet, on the first.
pub(super) fn formula_warning(sheet: &SheetData, formulas: Formulas, out: &mut Collector<'_>) {
    if let Some((row, col)) = formulas.first {
        let f = out.at(
            "W112",
            sheet,
            Some(row),
            None,
            None,
            format!(
                "the sheet holds {} formula cell(s); their last calculated values were used (a formula never calculated reads as blank)",
                formulas.count
            ),
        );
        f.col_index = Some(col);
        f.location = Some(format!(
            "{}!{}{row}",
            sheet_ref(&sheet.sheet_name),
            column_letters(col)
        ));
        f.column = sheet
            .columns
            .iter()
            .find(|(_, i)| **i == col)
            .map(|(n, _)| n.clone());
    }
}
