//! What a column's value is compared with: the JSON types it has (a bit set) and the constants
//! of a `const` or an `enum`, prepared once per column.
//!
//! Invariant: a comparison means what JSON equality and JSON types mean on the value as a JSON
//! object would hold it, read from the typed [`Value`] without building that JSON: a code
//! compares by its place in the column's list, a date or period as the text it is written as.

use serde_json::Value as Json;

use crate::date::Date;
use crate::period::Period;
use crate::schema::row::{RowView, Value};
use crate::schema::{ColumnDef, ColumnType};

/// JSON types, as a bit set.
#[derive(Clone, Copy)]
pub(super) struct Types(pub(super) u8);

impl Types {
    pub(super) const STRING: u8 = 1;
    pub(super) const BOOLEAN: u8 = 2;
    pub(super) const INTEGER: u8 = 4;
    pub(super) const NUMBER: u8 = 8;
    pub(super) const OBJECT: u8 = 16;
    pub(super) const ARRAY: u8 = 32;
    pub(super) const NULL: u8 = 64;

    pub(super) fn parse(schema: &Json) -> Result<Types, String> {
        let one = |name: &Json| match name.as_str() {
            Some("string") => Ok(Types::STRING),
            Some("boolean") => Ok(Types::BOOLEAN),
            // Every integer is a number, so `number` admits integers.
            Some("integer") => Ok(Types::INTEGER),
            Some("number") => Ok(Types::NUMBER | Types::INTEGER),
            Some("object") => Ok(Types::OBJECT),
            Some("array") => Ok(Types::ARRAY),
            Some("null") => Ok(Types::NULL),
            _ => Err(format!("\"type\": {name} is not a JSON type")),
        };
        match schema {
            Json::Array(names) => names
                .iter()
                .try_fold(0, |all, n| Ok(all | one(n)?))
                .map(Types),
            name => one(name).map(Types),
        }
    }

    /// The types the values of a column of `kind` can have.
    pub(super) fn possible(kind: ColumnType) -> u8 {
        match kind {
            ColumnType::Text | ColumnType::Code | ColumnType::Date | ColumnType::Period => {
                Types::STRING
            }
            ColumnType::Yesno => Types::BOOLEAN,
            ColumnType::Integer => Types::INTEGER,
            ColumnType::Number => Types::NUMBER | Types::INTEGER,
        }
    }

    /// The types a value has (an integral number is also an integer).
    pub(super) fn of(value: Value) -> u8 {
        match value {
            Value::Blank => Types::NULL,
            Value::Text { .. } | Value::Code(_) | Value::Date(_) | Value::Period(_) => {
                Types::STRING
            }
            Value::Flag(_) => Types::BOOLEAN,
            Value::Integer(_) => Types::INTEGER | Types::NUMBER,
            Value::Number(n) if n.fract() == 0.0 => Types::INTEGER | Types::NUMBER,
            Value::Number(_) => Types::NUMBER,
        }
    }
}

/// The constants of a `const` or an `enum`, prepared for comparing with one column's values.
pub(super) struct Literals {
    /// Which codes of the column's list are among them, by position: a code is compared by
    /// its place in the list, not its text.
    codes: Vec<bool>,
    /// The others, compared as JSON values.
    others: Vec<Literal>,
}

/// A constant other than a code of the column's list.
struct Literal {
    json: Json,
    /// The date or period a string spells exactly as the instance would hold it.
    date: Option<Date>,
    period: Option<Period>,
}

impl Literals {
    pub(super) fn new(options: &[Json], column: &ColumnDef) -> Literals {
        let mut codes = vec![false; column.codes.len()];
        let mut others = Vec::new();
        for json in options {
            let s = json.as_str();
            let code = s
                .filter(|_| column.kind == ColumnType::Code)
                .and_then(|s| column.codes.iter().position(|c| c == s));
            match code {
                Some(i) => codes[i] = true,
                None => others.push(Literal {
                    date: s
                        .and_then(Date::parse_text)
                        .filter(|d| Some(d.to_string().as_str()) == s),
                    period: s
                        .and_then(|s| s.parse::<Period>().ok())
                        .filter(|p| Some(p.to_string().as_str()) == s),
                    json: json.clone(),
                }),
            }
        }
        Literals { codes, others }
    }

    /// JSON equality of the value of `column` in `row` with one of the constants. A code off
    /// the column's list is held as text, and so never equals a code on it.
    pub(super) fn matches(&self, row: &RowView<'_>, column: usize) -> bool {
        if let Some(i) = row.code_at(column) {
            return self.codes.get(usize::from(i)).copied().unwrap_or(false);
        }
        if self.others.is_empty() {
            return false;
        }
        let value = row.value(column);
        self.others.iter().any(|l| match value {
            Value::Blank | Value::Code(_) => false,
            Value::Text { .. } => {
                l.json.as_str().is_some() && l.json.as_str() == row.text_at(column)
            }
            Value::Date(d) => l.date == Some(d),
            Value::Period(p) => l.period == Some(p),
            Value::Flag(b) => l.json.as_bool() == Some(b),
            Value::Integer(n) => l.json.as_f64() == Some(n as f64),
            Value::Number(n) => l.json.as_f64() == Some(n),
        })
    }
}
