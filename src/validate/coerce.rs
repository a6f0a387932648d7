//! Reading one cell as the type its column declares, by the data dictionary's general rules.
//!
//! The result is the [`Value`] the sheet's schema checks: dates as dates, yes/no as booleans,
//! codes in canonical upper case (by their place in the column's code list when they are on
//! it), periods in canonical spelling. A blank cell is [`Value::Blank`], so "required" and
//! "must be blank" are plain JSON Schema `required` and `false`. Nothing here allocates for a
//! cell that reads cleanly, except the text an id or a code off the list adds to its row.

use crate::date::Date;
use crate::export::workbook::CellRef;
use crate::export::workbook::cell::format_number;
use crate::period::Period;
use crate::schema::row::Value;
use crate::schema::{ColumnDef, ColumnType};

/// Why a cell could not be read as its column's type: the rule code and the advice. (Small
/// and allocation-free: it is returned for every cell, read or not.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoerceError {
    pub code: &'static str,
    advice: &'static str,
}

impl CoerceError {
    /// The advice for the person, about the cell that could not be read.
    pub fn message(&self, cell: CellRef<'_>) -> String {
        match cell {
            CellRef::Error(e) if self.code == EXCEL_ERROR => {
                format!("the cell holds the Excel error {e}, not a value")
            }
            _ => self.advice.to_string(),
        }
    }
}

/// The code of a cell holding an Excel error value.
const EXCEL_ERROR: &str = "E212";

fn err(code: &'static str, advice: &'static str) -> CoerceError {
    CoerceError { code, advice }
}

/// Reads `cell` as the type of `column`; text the value holds is appended to `text` (the
/// row's text), and a `Value::Text` points at it.
pub fn coerce(
    cell: CellRef<'_>,
    column: &ColumnDef,
    text: &mut String,
) -> Result<Value, CoerceError> {
    if let CellRef::Error(_) = cell {
        return Err(err(
            EXCEL_ERROR,
            "the cell holds an Excel error, not a value",
        ));
    }
    if cell.is_empty() {
        return Ok(Value::Blank);
    }
    Ok(match column.kind {
        ColumnType::Text => push_text(text, cell),
        ColumnType::Code => code(cell, &column.codes, text),
        ColumnType::Date => Value::Date(date(cell)?),
        ColumnType::Yesno => Value::Flag(yes_no(cell)?),
        ColumnType::Integer => {
            let n = number(cell)?;
            if n.fract() != 0.0 || n.abs() > 9.0e15 {
                return Err(err("E206", "not a whole number"));
            }
            Value::Integer(n as i64)
        }
        ColumnType::Number => Value::Number(number(cell)?),
        ColumnType::Period => {
            let period: Period = cell.to_string().parse().map_err(|_| {
                err(
                    "E207",
                    "not a reporting period (write the financial year and quarter, e.g. 2023-24 Q2)",
                )
            })?;
            Value::Period(period)
        }
    })
}

/// The cell's text as the user reads it, appended to the row's text.
fn push_text(text: &mut String, cell: CellRef<'_>) -> Value {
    let start = text.len();
    match cell {
        CellRef::Text(t) => text.push_str(t),
        other => {
            use std::fmt::Write;
            let _ = write!(text, "{other}");
        }
    }
    span(start, text.len())
}

fn span(start: usize, end: usize) -> Value {
    Value::Text {
        start: start as u32,
        len: (end - start) as u32,
    }
}

/// A code: case is ignored, nothing else is normalised. A code on the column's list is held
/// by its place there; any other text, upper-cased, is kept for the enum check to report,
/// [`cut`](crate::text::cut) when long: nothing but a message reads it, and one long text on
/// many rows would otherwise be held once for each.
fn code(cell: CellRef<'_>, codes: &[String], text: &mut String) -> Value {
    let owned;
    let typed = match cell {
        CellRef::Text(t) => t,
        other => {
            owned = other.to_string();
            &owned
        }
    };
    let found = if typed.is_ascii() {
        codes.iter().position(|c| {
            c.len() == typed.len()
                && c.bytes()
                    .zip(typed.bytes())
                    .all(|(c, t)| c == t.to_ascii_uppercase())
        })
    } else {
        let upper = typed.to_uppercase();
        codes.iter().position(|c| *c == upper)
    };
    match found.and_then(|i| u16::try_from(i).ok()) {
        Some(i) => Value::Code(i),
        None => {
            let start = text.len();
            text.push_str(&crate::text::cut_mapped(typed, char::to_uppercase));
            span(start, text.len())
        }
    }
}

/// A date cell, or text in one of the two allowed forms. A bare number is not a date: it
/// usually means the column lost its date format, and guessing would hide that.
pub fn date(cell: CellRef<'_>) -> Result<Date, CoerceError> {
    const ADVICE: &str = "not a date (use YYYY-MM-DD or DD/MM/YYYY)";
    match cell {
        CellRef::Date(d) => Ok(d),
        CellRef::Text(t) => Date::parse_text(t).ok_or_else(|| err("E201", ADVICE)),
        CellRef::Number(_) => Err(err(
            "E201",
            "a number, not a date (format the column as dates, or use YYYY-MM-DD or DD/MM/YYYY)",
        )),
        _ => Err(err("E201", ADVICE)),
    }
}

fn yes_no(cell: CellRef<'_>) -> Result<bool, CoerceError> {
    let bad = || err("E204", "not a yes/no value (use Y or N)");
    match cell {
        CellRef::Bool(b) => Ok(b),
        CellRef::Number(1.0) => Ok(true),
        CellRef::Number(0.0) => Ok(false),
        CellRef::Text(t) => match t.as_bytes() {
            // Y and N first: nearly every export spells them so.
            [b'Y' | b'y' | b'1'] => Ok(true),
            [b'N' | b'n' | b'0'] => Ok(false),
            _ if t.eq_ignore_ascii_case("yes") || t.eq_ignore_ascii_case("true") => Ok(true),
            _ if t.eq_ignore_ascii_case("no") || t.eq_ignore_ascii_case("false") => Ok(false),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

fn number(cell: CellRef<'_>) -> Result<f64, CoerceError> {
    let bad = || err("E205", "not a number");
    let n = match cell {
        CellRef::Number(n) => n,
        CellRef::Text(t) => t.parse::<f64>().map_err(|_| bad())?,
        _ => return Err(bad()),
    };
    if n.is_finite() { Ok(n) } else { Err(bad()) }
}

/// The text a finding shows for a cell: what the user typed, numbers without `.0`, a long
/// text [`cut`](crate::text::cut) before it is copied.
pub fn shown(cell: CellRef<'_>) -> String {
    match cell {
        CellRef::Number(n) => format_number(n),
        CellRef::Text(t) => crate::text::cut(t).into_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> CellRef<'_> {
        CellRef::Text(s)
    }

    fn column(kind: ColumnType, codes: &[&str]) -> ColumnDef {
        ColumnDef {
            name: "c".into(),
            kind,
            aliases: Vec::new(),
            at_end: false,
            codes: codes.iter().map(|c| c.to_string()).collect(),
        }
    }

    /// The value and the row text it added.
    fn ok(cell: CellRef<'_>, kind: ColumnType) -> (Value, String) {
        ok_coded(cell, kind, &[])
    }

    fn ok_coded(cell: CellRef<'_>, kind: ColumnType, codes: &[&str]) -> (Value, String) {
        let mut text = String::from("before|");
        let v = coerce(cell, &column(kind, codes), &mut text).unwrap();
        (v, text["before|".len()..].to_string())
    }

    fn code_of(cell: CellRef<'_>, kind: ColumnType) -> &'static str {
        coerce(cell, &column(kind, &[]), &mut String::new())
            .unwrap_err()
            .code
    }

    fn text_at(start: u32, len: u32) -> Value {
        Value::Text { start, len }
    }

    #[test]
    fn dates_from_cells_and_both_text_forms() {
        let d = Date::new(2024, 7, 1).unwrap();
        let date = |v| (Value::Date(d), String::new()) == ok(v, ColumnType::Date);
        assert!(date(CellRef::Date(d)));
        assert!(date(t("2024-07-01")));
        assert!(date(t("1/7/2024")));
        assert_eq!(code_of(t("2024-13-01"), ColumnType::Date), "E201");
        assert_eq!(code_of(t("7/31/2024"), ColumnType::Date), "E201");
        assert_eq!(code_of(CellRef::Number(45474.0), ColumnType::Date), "E201");
        assert_eq!(code_of(CellRef::Bool(true), ColumnType::Date), "E201");
    }

    #[test]
    fn yes_no_spellings() {
        for yes in [
            t("Y"),
            t("yes"),
            t("TRUE"),
            t("1"),
            CellRef::Bool(true),
            CellRef::Number(1.0),
        ] {
            assert_eq!(ok(yes, ColumnType::Yesno).0, Value::Flag(true));
        }
        for no in [
            t("n"),
            t("No"),
            t("false"),
            t("0"),
            CellRef::Bool(false),
            CellRef::Number(0.0),
        ] {
            assert_eq!(ok(no, ColumnType::Yesno).0, Value::Flag(false));
        }
        for bad in [t("maybe"), t("Yes please"), CellRef::Number(2.0), t("T")] {
            assert_eq!(code_of(bad, ColumnType::Yesno), "E204");
        }
    }

    #[test]
    fn ids_and_codes() {
        // Text goes into the row's text, after what the row already holds.
        assert_eq!(
            ok(CellRef::Number(123.0), ColumnType::Text),
            (text_at(7, 3), "123".into())
        );
        assert_eq!(
            ok(t("007"), ColumnType::Text),
            (text_at(7, 3), "007".into())
        );
        assert_eq!(
            ok(t("=SUM(A1)"), ColumnType::Text),
            (text_at(7, 8), "=SUM(A1)".into())
        );
        let ete = ["SCHOOL_FT", "NEET", "NONE"];
        assert_eq!(
            ok_coded(t("school_ft"), ColumnType::Code, &ete),
            (Value::Code(0), String::new())
        );
        assert_eq!(
            ok_coded(t("None"), ColumnType::Code, &ete),
            (Value::Code(2), String::new())
        );
        // Off the list: kept upper-cased for the enum check to report.
        assert_eq!(
            ok_coded(t("school ft"), ColumnType::Code, &ete),
            (text_at(7, 9), "SCHOOL FT".into())
        );
        assert_eq!(
            ok_coded(t("straße"), ColumnType::Code, &ete),
            (text_at(7, 7), "STRASSE".into())
        );
    }

    #[test]
    fn numbers_and_integers() {
        assert_eq!(ok(t("7.5"), ColumnType::Number).0, Value::Number(7.5));
        assert_eq!(
            ok(CellRef::Number(12.0), ColumnType::Integer).0,
            Value::Integer(12)
        );
        assert_eq!(ok(t("12"), ColumnType::Integer).0, Value::Integer(12));
        assert_eq!(code_of(t("7.5"), ColumnType::Integer), "E206");
        assert_eq!(code_of(t("seven"), ColumnType::Number), "E205");
        assert_eq!(code_of(t("inf"), ColumnType::Number), "E205");
        assert_eq!(code_of(t("NaN"), ColumnType::Number), "E205");
    }

    #[test]
    fn periods_and_errors_and_blanks() {
        assert_eq!(
            ok(t("2023-24q2"), ColumnType::Period).0,
            Value::Period("2023-24 Q2".parse().unwrap())
        );
        assert_eq!(code_of(t("2023 Q2"), ColumnType::Period), "E207");
        assert_eq!(code_of(CellRef::Error("#N/A"), ColumnType::Text), "E212");
        let e = coerce(
            CellRef::Error("#N/A"),
            &column(ColumnType::Date, &[]),
            &mut String::new(),
        )
        .unwrap_err();
        assert_eq!(
            e.message(CellRef::Error("#N/A")),
            "the cell holds the Excel error #N/A, not a value"
        );
        assert_eq!(ok(CellRef::Empty, ColumnType::Date).0, Value::Blank);
        assert_eq!(shown(CellRef::Number(7.0)), "7");
        let long = "é".repeat(40_000);
        assert_eq!(shown(t(&long)), crate::text::cut(&long));
        assert!(shown(t(&long)).ends_with("... (40000 characters)"));
    }
}
