//! Reading a sheet's data rows and checking each against the sheet's JSON Schema.

use serde_json::{Map, Value};

use super::coerce::{coerce, shown};
use super::{Collector, Row, SheetData};
use crate::date::Date;
use crate::definitions::{ColumnType, SheetDef};
use crate::export::workbook::{Cell, RawSheet};

/// Nothing in a youth justice caseload is older than this.
pub const EARLIEST_DATE: (i32, u32, u32) = (1990, 1, 1);

/// Reads every data row of `raw` into `sheet.rows`, reporting cells that are not of their
/// column's type, dates out of range, and every schema violation.
pub(super) fn read_rows(
    raw: &RawSheet,
    def: &SheetDef,
    sheet: &mut SheetData,
    extract_date: Option<Date>,
    out: &mut Collector<'_>,
) {
    let earliest = Date::new(EARLIEST_DATE.0, EARLIEST_DATE.1, EARLIEST_DATE.2).expect("valid");
    let has_end_fields = def.columns.iter().any(|c| c.at_end);
    let cell_of = |row: &crate::export::workbook::RawRow, column: &str| -> Cell {
        sheet
            .columns
            .get(column)
            .map_or(Cell::Empty, |&i| row.cell(i as usize).clone())
    };
    let mut rows = Vec::with_capacity(raw.rows.len());
    for raw_row in raw.rows.iter().filter(|r| r.row > 1) {
        // "At the end" fields are ignored while an intervention is open.
        let ended = has_end_fields
            && (!cell_of(raw_row, "end_date").is_empty()
                || !cell_of(raw_row, "release_date").is_empty());
        let mut values = Map::new();
        let mut bad: Vec<&str> = Vec::new();
        for col in &def.columns {
            let Some(&index) = sheet.columns.get(&col.name) else {
                continue;
            };
            if col.at_end && !ended {
                continue;
            }
            let cell = raw_row.cell(index as usize);
            match coerce(cell, col.kind) {
                Ok(None) => {}
                Ok(Some(value)) => {
                    if col.kind == ColumnType::Date {
                        let date = value.as_str().and_then(Date::parse_text);
                        if let Some(date) = date {
                            if date < earliest {
                                out.at(
                                    "E202",
                                    sheet,
                                    Some(raw_row.row),
                                    Some(&col.name),
                                    Some(shown(cell)),
                                    format!("{date} is before {earliest}: check the year"),
                                );
                            } else if let Some(extract) = extract_date
                                && date > extract
                            {
                                out.at(
                                    "E203",
                                    sheet,
                                    Some(raw_row.row),
                                    Some(&col.name),
                                    Some(shown(cell)),
                                    format!("{date} is after the export's extract_date {extract}"),
                                );
                            }
                        }
                    }
                    values.insert(col.name.clone(), value);
                }
                Err(e) => {
                    out.at(
                        e.code,
                        sheet,
                        Some(raw_row.row),
                        Some(&col.name),
                        Some(shown(cell)),
                        e.message,
                    );
                    bad.push(&col.name);
                }
            }
        }
        let instance = Value::Object(values);
        for error in def.validator.iter_errors(&instance) {
            report(&error, def, raw_row, sheet, &bad, out);
        }
        let Value::Object(values) = instance else {
            unreachable!("built as an object")
        };
        rows.push(Row {
            row: raw_row.row,
            values,
        });
    }
    sheet.rows = rows;
}

/// Turns one schema violation into a finding on the right cell, with the rule code found on
/// the schema path (`x-rule`) or, failing that, the generic code of the keyword.
fn report(
    error: &jsonschema::ValidationError<'_>,
    def: &SheetDef,
    raw_row: &crate::export::workbook::RawRow,
    sheet: &SheetData,
    bad: &[&str],
    out: &mut Collector<'_>,
) {
    use jsonschema::error::ValidationErrorKind as Kind;
    let mut node = &def.schema;
    let mut rule: Option<&str> = None;
    let mut column_hint: Option<&str> = None;
    let mut condition: Option<&Value> = None;
    for segment in error.schema_path().as_str().split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        let next = match node {
            Value::Object(map) => map.get(&segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        let Some(next) = next else { break };
        node = next;
        if let Some(code) = node.get("x-rule").and_then(Value::as_str) {
            rule = Some(code);
            condition = node.get("if");
        }
        if let Some(col) = node.get("x-column").and_then(Value::as_str) {
            column_hint = Some(col);
        }
    }
    let instance_column = error
        .instance_path()
        .as_str()
        .trim_start_matches('/')
        .split('/')
        .next()
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let kind = error.kind();
    let column = match kind {
        Kind::Required { property } => property.as_str().map(str::to_string),
        _ => instance_column,
    }
    .or_else(|| column_hint.map(str::to_string));
    if let Some(col) = &column
        && (bad.contains(&col.as_str()) || sheet.missing.contains(col))
    {
        return;
    }
    // A condition read from a cell that could not be read is unknown, not false.
    if condition.is_some_and(|c| bad.iter().any(|b| mentions(c, b))) {
        return;
    }
    let cell = column
        .as_deref()
        .and_then(|c| sheet.columns.get(c))
        .map(|&i| raw_row.cell(i as usize))
        .filter(|c| !c.is_empty());
    let value = cell.map(shown);
    let col_name = column.as_deref().unwrap_or("");
    let (code, message) = match (rule, kind) {
        (Some(code), kind) => {
            let title = out
                .defs
                .rule(code)
                .map_or_else(|| code.to_string(), |r| r.title.clone());
            let message = match kind {
                Kind::Required { .. } => format!("{title}: {col_name} is blank"),
                _ => title,
            };
            (code, message)
        }
        (None, Kind::Required { .. }) => ("E209", "required value missing".to_string()),
        (None, Kind::Enum { options }) => {
            let list: Vec<&str> = options
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            (
                "E208",
                format!("not a code of {col_name} (use one of: {})", list.join(", ")),
            )
        }
        (None, Kind::Minimum { limit }) => ("E210", format!("below the minimum of {limit}")),
        (None, Kind::Maximum { limit }) => ("E210", format!("above the maximum of {limit}")),
        (None, Kind::ExclusiveMinimum { limit }) => ("E210", format!("must be more than {limit}")),
        (None, Kind::ExclusiveMaximum { limit }) => ("E210", format!("must be less than {limit}")),
        (None, other) => ("E208", format!("not an allowed value ({other:?})")),
    };
    let child = raw_row_child(sheet, raw_row);
    let finding = out.at(
        code,
        sheet,
        Some(raw_row.row),
        column.as_deref(),
        value,
        message,
    );
    finding.child_id = child;
}

/// Whether a subschema reads property `name`.
fn mentions(schema: &Value, name: &str) -> bool {
    match schema {
        Value::Object(map) => {
            map.get("properties")
                .and_then(Value::as_object)
                .is_some_and(|p| p.contains_key(name))
                || map.values().any(|v| mentions(v, name))
        }
        Value::Array(items) => items
            .iter()
            .any(|v| v.as_str() == Some(name) || mentions(v, name)),
        _ => false,
    }
}

fn raw_row_child(sheet: &SheetData, raw_row: &crate::export::workbook::RawRow) -> Option<String> {
    let &index = sheet.columns.get("child_id")?;
    let cell = raw_row.cell(index as usize);
    (!cell.is_empty()).then(|| shown(cell))
}
