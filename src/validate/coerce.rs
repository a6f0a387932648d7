//! Reading one cell as the type its column declares, by the data dictionary's general rules.
//!
//! The result is the JSON value the sheet's schema checks: dates as `YYYY-MM-DD` text, yes/no
//! as booleans, codes in canonical upper case, periods in canonical spelling. A blank cell
//! yields `None` (the property is left out), so "required" and "must be blank" are plain
//! JSON Schema `required` and `false`.

use serde_json::Value;

use crate::date::Date;
use crate::definitions::ColumnType;
use crate::export::workbook::{Cell, format_number};
use crate::period::Period;

/// Why a cell could not be read as its column's type: the rule code and the advice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoerceError {
    pub code: &'static str,
    pub message: String,
}

fn err(code: &'static str, message: impl Into<String>) -> CoerceError {
    CoerceError {
        code,
        message: message.into(),
    }
}

/// Reads `cell` as `kind`. `Ok(None)` is a blank cell.
pub fn coerce(cell: &Cell, kind: ColumnType) -> Result<Option<Value>, CoerceError> {
    if let Cell::Error(e) = cell {
        return Err(err(
            "E212",
            format!("the cell holds the Excel error {e}, not a value"),
        ));
    }
    if cell.is_empty() {
        return Ok(None);
    }
    let value = match kind {
        ColumnType::Text => Value::String(cell.display()),
        ColumnType::Code => Value::String(cell.display().to_uppercase()),
        ColumnType::Date => Value::String(date(cell)?.to_string()),
        ColumnType::Yesno => Value::Bool(yes_no(cell)?),
        ColumnType::Integer => {
            let n = number(cell)?;
            if n.fract() != 0.0 || n.abs() > 9.0e15 {
                return Err(err("E206", "not a whole number"));
            }
            Value::from(n as i64)
        }
        ColumnType::Number => serde_json::Number::from_f64(number(cell)?)
            .map(Value::Number)
            .ok_or_else(|| err("E205", "not a number"))?,
        ColumnType::Period => {
            let text = cell.display();
            let period: Period = text.parse().map_err(|_| {
                err(
                    "E207",
                    "not a reporting period (write the financial year and quarter, e.g. 2023-24 Q2)",
                )
            })?;
            Value::String(period.to_string())
        }
    };
    Ok(Some(value))
}

/// A date cell, or text in one of the two allowed forms. A bare number is not a date: it
/// usually means the column lost its date format, and guessing would hide that.
pub fn date(cell: &Cell) -> Result<Date, CoerceError> {
    const ADVICE: &str = "not a date (use YYYY-MM-DD or DD/MM/YYYY)";
    match cell {
        Cell::Date(d) => Ok(*d),
        Cell::Text(t) => Date::parse_text(t).ok_or_else(|| err("E201", ADVICE)),
        Cell::Number(_) => Err(err(
            "E201",
            "a number, not a date (format the column as dates, or use YYYY-MM-DD or DD/MM/YYYY)",
        )),
        _ => Err(err("E201", ADVICE)),
    }
}

fn yes_no(cell: &Cell) -> Result<bool, CoerceError> {
    let bad = || err("E204", "not a yes/no value (use Y or N)");
    match cell {
        Cell::Bool(b) => Ok(*b),
        Cell::Number(n) if *n == 1.0 => Ok(true),
        Cell::Number(n) if *n == 0.0 => Ok(false),
        Cell::Text(t) => match t.to_ascii_lowercase().as_str() {
            "y" | "yes" | "true" | "1" => Ok(true),
            "n" | "no" | "false" | "0" => Ok(false),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

fn number(cell: &Cell) -> Result<f64, CoerceError> {
    let bad = || err("E205", "not a number");
    let n = match cell {
        Cell::Number(n) => *n,
        Cell::Text(t) => t.parse::<f64>().map_err(|_| bad())?,
        _ => return Err(bad()),
    };
    if n.is_finite() { Ok(n) } else { Err(bad()) }
}

/// The text a finding shows for a cell: what the user typed, numbers without `.0`.
pub fn shown(cell: &Cell) -> String {
    match cell {
        Cell::Number(n) => format_number(*n),
        other => other.display(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }

    fn ok(cell: Cell, kind: ColumnType) -> Value {
        coerce(&cell, kind).unwrap().unwrap()
    }

    fn code(cell: Cell, kind: ColumnType) -> &'static str {
        coerce(&cell, kind).unwrap_err().code
    }

    #[test]
    fn dates_from_cells_and_both_text_forms() {
        let d = Date::new(2024, 7, 1).unwrap();
        assert_eq!(ok(Cell::Date(d), ColumnType::Date), json!("2024-07-01"));
        assert_eq!(ok(t("2024-07-01"), ColumnType::Date), json!("2024-07-01"));
        assert_eq!(ok(t("1/7/2024"), ColumnType::Date), json!("2024-07-01"));
        assert_eq!(code(t("2024-13-01"), ColumnType::Date), "E201");
        assert_eq!(code(t("7/31/2024"), ColumnType::Date), "E201");
        assert_eq!(code(Cell::Number(45474.0), ColumnType::Date), "E201");
        assert_eq!(code(Cell::Bool(true), ColumnType::Date), "E201");
    }

    #[test]
    fn yes_no_spellings() {
        for yes in [
            t("Y"),
            t("yes"),
            t("TRUE"),
            t("1"),
            Cell::Bool(true),
            Cell::Number(1.0),
        ] {
            assert_eq!(ok(yes, ColumnType::Yesno), json!(true));
        }
        for no in [
            t("n"),
            t("No"),
            t("false"),
            t("0"),
            Cell::Bool(false),
            Cell::Number(0.0),
        ] {
            assert_eq!(ok(no, ColumnType::Yesno), json!(false));
        }
        for bad in [t("maybe"), t("Yes please"), Cell::Number(2.0), t("T")] {
            assert_eq!(code(bad, ColumnType::Yesno), "E204");
        }
    }

    #[test]
    fn ids_and_codes() {
        assert_eq!(ok(Cell::Number(123.0), ColumnType::Text), json!("123"));
        assert_eq!(ok(t("007"), ColumnType::Text), json!("007"));
        assert_eq!(ok(t("school_ft"), ColumnType::Code), json!("SCHOOL_FT"));
        assert_eq!(ok(t("None"), ColumnType::Code), json!("NONE"));
        assert_eq!(ok(t("=SUM(A1)"), ColumnType::Text), json!("=SUM(A1)"));
    }

    #[test]
    fn numbers_and_integers() {
        assert_eq!(ok(t("7.5"), ColumnType::Number), json!(7.5));
        assert_eq!(ok(Cell::Number(12.0), ColumnType::Integer), json!(12));
        assert_eq!(ok(t("12"), ColumnType::Integer), json!(12));
        assert_eq!(code(t("7.5"), ColumnType::Integer), "E206");
        assert_eq!(code(t("seven"), ColumnType::Number), "E205");
        assert_eq!(code(t("inf"), ColumnType::Number), "E205");
        assert_eq!(code(t("NaN"), ColumnType::Number), "E205");
    }

    #[test]
    fn periods_and_errors_and_blanks() {
        assert_eq!(ok(t("2023-24q2"), ColumnType::Period), json!("2023-24 Q2"));
        assert_eq!(code(t("2023 Q2"), ColumnType::Period), "E207");
        assert_eq!(code(Cell::Error("#N/A".into()), ColumnType::Text), "E212");
        assert_eq!(coerce(&Cell::Empty, ColumnType::Date).unwrap(), None);
    }
}
