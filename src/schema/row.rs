//! A data row read as its columns' types: what the rules and the typed records work from.
//!
//! A sheet's values are held in one [`Store`], row after row, each row's values in the order of
//! the sheet definition's columns, packed into eight bytes each (text, numbers and large
//! integers held beside them), and all their text in one string: no allocation per row or per
//! cell, about eight bytes a column, and rules look a column up by index, not by name.

use std::sync::Arc;

use crate::date::Date;
use crate::period::Period;
use crate::schema::ColumnDef;

/// One cell read as its column's type. `Blank` is a blank cell, a cell that could not be
/// read as its type (its own finding says why) and an "at the end" field of an open
/// intervention (ignored).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Blank,
    /// Text, as bytes `start..start + len` of the store's text.
    Text {
        start: u32,
        len: u32,
    },
    /// A code of the column's list, by its position there.
    Code(u16),
    Date(Date),
    Flag(bool),
    Integer(i64),
    Number(f64),
    Period(Period),
}

/// A [`Value`] as the store holds it, in eight bytes: what does not fit is held beside it
/// (text spans, numbers, large integers) and found by its index there.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Packed {
    Blank,
    Text(u32),
    Code(u16),
    /// Year, month and day as `year << 9 | month << 5 | day`.
    Date(u32),
    Flag(bool),
    Small(i32),
    Integer(u32),
    Number(u32),
    /// Start year and quarter as `year << 3 | quarter`.
    Period(u32),
}

/// Every row of a sheet: values row after row, and what they point into.
#[derive(Debug)]
pub struct Store {
    values: Vec<Packed>,
    text: String,
    /// `(start, len)` of each text value in `text`.
    spans: Vec<(u32, u32)>,
    numbers: Vec<f64>,
    integers: Vec<i64>,
    columns: Arc<[ColumnDef]>,
}

impl Store {
    /// Holds `value`: inline when it fits, beside the values when not. (An index beyond
    /// `u32` cannot arise: a sheet holds at most Excel's 1,048,576 rows and its cells' text
    /// is bounded well below 4 GiB.)
    fn pack(&mut self, value: Value) -> Packed {
        let index = |len: usize| u32::try_from(len).unwrap_or(u32::MAX);
        match value {
            Value::Blank => Packed::Blank,
            Value::Text { start, len } => {
                self.spans.push((start, len));
                Packed::Text(index(self.spans.len() - 1))
            }
            Value::Code(c) => Packed::Code(c),
            Value::Date(d) => match u32::try_from(d.year()) {
                Ok(year) if year < (1 << 22) => {
                    Packed::Date((year << 9) | (d.month() << 5) | d.day())
                }
                _ => Packed::Blank,
            },
            Value::Flag(b) => Packed::Flag(b),
            Value::Integer(n) => match i32::try_from(n) {
                Ok(small) => Packed::Small(small),
                Err(_) => {
                    self.integers.push(n);
                    Packed::Integer(index(self.integers.len() - 1))
                }
            },
            Value::Number(n) => {
                self.numbers.push(n);
                Packed::Number(index(self.numbers.len() - 1))
            }
            Value::Period(p) => match u32::try_from(p.start_year()) {
                Ok(year) => Packed::Period((year << 3) | u32::from(p.quarter())),
                Err(_) => Packed::Blank,
            },
        }
    }

    fn unpack(&self, packed: Packed) -> Value {
        let Some(value) = (match packed {
            Packed::Blank => Some(Value::Blank),
            Packed::Text(i) => self
                .spans
                .get(i as usize)
                .map(|&(start, len)| Value::Text { start, len }),
            Packed::Code(c) => Some(Value::Code(c)),
            Packed::Date(bits) => {
                Date::new((bits >> 9) as i32, (bits >> 5) & 15, bits & 31).map(Value::Date)
            }
            Packed::Flag(b) => Some(Value::Flag(b)),
            Packed::Small(n) => Some(Value::Integer(i64::from(n))),
            Packed::Integer(i) => self.integers.get(i as usize).copied().map(Value::Integer),
            Packed::Number(i) => self.numbers.get(i as usize).copied().map(Value::Number),
            Packed::Period(bits) => {
                Period::new((bits >> 3) as i32, (bits & 7) as u8).map(Value::Period)
            }
        }) else {
            return Value::Blank;
        };
        value
    }
}

/// One data row, as the schema sees it.
#[derive(Debug, Clone)]
pub struct Row {
    /// Excel's row number.
    pub row: u32,
    /// Where its values start in the store.
    at: usize,
    store: Arc<Store>,
}

/// A row's values, borrowed (while its sheet is still being read, or from a [`Row`]).
#[derive(Debug, Clone, Copy)]
pub struct RowView<'a> {
    values: &'a [Packed],
    store: &'a Store,
}

impl PartialEq for Row {
    fn eq(&self, other: &Row) -> bool {
        self.row == other.row && self.to_json() == other.to_json()
    }
}

/// A sheet's rows as they are read: values and text appended row by row.
#[derive(Debug)]
pub(crate) struct Rows {
    store: Store,
    /// Row number and where its values start, for each row.
    rows: Vec<(u32, usize)>,
}

impl Rows {
    pub(crate) fn new(columns: Arc<[ColumnDef]>) -> Rows {
        Rows {
            store: Store {
                values: Vec::new(),
                text: String::new(),
                spans: Vec::new(),
                numbers: Vec::new(),
                integers: Vec::new(),
                columns,
            },
            rows: Vec::new(),
        }
    }

    /// Starts row `row` with `n` blank values (one per column), and returns where they
    /// are: each is then set with [`Rows::set`], its text appended to [`Rows::text`].
    pub(crate) fn start(&mut self, row: u32, n: usize) -> usize {
        let at = self.store.values.len();
        self.rows.push((row, at));
        self.store.values.resize(at + n, Packed::Blank);
        at
    }

    pub(crate) fn set(&mut self, index: usize, value: Value) {
        let packed = self.store.pack(value);
        if let Some(slot) = self.store.values.get_mut(index) {
            *slot = packed;
        }
    }

    /// The text every row so far holds; a `Value::Text` points into it.
    pub(crate) fn text(&mut self) -> &mut String {
        &mut self.store.text
    }

    /// The row being read.
    pub(crate) fn last(&self) -> RowView<'_> {
        let at = self.rows.last().map_or(0, |&(_, at)| at);
        RowView {
            values: self.store.values.get(at..).unwrap_or_default(),
            store: &self.store,
        }
    }

    /// The rows, in row order.
    pub(crate) fn finish(mut self) -> Vec<Row> {
        if !self.rows.is_sorted_by_key(|&(row, _)| row) {
            self.rows.sort_by_key(|&(row, _)| row);
        }
        let store = Arc::new(self.store);
        self.rows
            .into_iter()
            .map(|(row, at)| Row {
                row,
                at,
                store: Arc::clone(&store),
            })
            .collect()
    }
}

impl Row {
    /// A row on its own, from `values` (one per column of `columns`) whose `Text` values
    /// point into `text`.
    #[cfg(test)]
    pub(crate) fn new(row: u32, values: Vec<Value>, text: &str, columns: Arc<[ColumnDef]>) -> Row {
        debug_assert_eq!(values.len(), columns.len());
        let mut rows = Rows::new(columns);
        let at = rows.start(row, values.len());
        rows.text().push_str(text);
        for (i, v) in values.into_iter().enumerate() {
            rows.set(at + i, v);
        }
        rows.finish().remove(0)
    }

    /// The row's values, borrowed.
    pub fn view(&self) -> RowView<'_> {
        let n = self.store.columns.len();
        RowView {
            values: self
                .store
                .values
                .get(self.at..self.at + n)
                .unwrap_or_default(),
            store: &self.store,
        }
    }

    /// Text and code columns: the text, codes in canonical upper case.
    pub fn text(&self, column: &str) -> Option<&str> {
        let v = self.view();
        v.text_at(v.index(column)?)
    }

    pub fn date(&self, column: &str) -> Option<Date> {
        let v = self.view();
        v.date_at(v.index(column)?)
    }

    pub fn flag(&self, column: &str) -> Option<bool> {
        let v = self.view();
        v.flag_at(v.index(column)?)
    }

    /// Number and integer columns.
    pub fn number(&self, column: &str) -> Option<f64> {
        let v = self.view();
        v.number_at(v.index(column)?)
    }

    pub fn value(&self, index: usize) -> Value {
        self.view().value(index)
    }

    pub fn text_at(&self, index: usize) -> Option<&str> {
        self.view().text_at(index)
    }

    pub fn date_at(&self, index: usize) -> Option<Date> {
        self.view().date_at(index)
    }

    pub fn flag_at(&self, index: usize) -> Option<bool> {
        self.view().flag_at(index)
    }

    pub fn number_at(&self, index: usize) -> Option<f64> {
        self.view().number_at(index)
    }

    /// The row as the JSON object the sheet's schema describes (blank columns left out).
    pub fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
        self.view().to_json()
    }
}

impl<'a> RowView<'a> {
    /// The position of `column` in this row's values.
    fn index(&self, column: &str) -> Option<usize> {
        self.store.columns.iter().position(|c| c.name == column)
    }

    /// The value of the column at `index` of the sheet's definition (`Blank` beyond it).
    pub fn value(&self, index: usize) -> Value {
        self.values
            .get(index)
            .map_or(Value::Blank, |&p| self.store.unpack(p))
    }

    fn packed(&self, index: usize) -> Packed {
        self.values.get(index).copied().unwrap_or(Packed::Blank)
    }

    pub fn text_at(&self, index: usize) -> Option<&'a str> {
        match self.packed(index) {
            Packed::Text(i) => {
                let &(start, len) = self.store.spans.get(i as usize)?;
                self.store
                    .text
                    .get(start as usize..start as usize + len as usize)
            }
            Packed::Code(code) => self
                .store
                .columns
                .get(index)?
                .codes
                .get(usize::from(code))
                .map(String::as_str),
            _ => None,
        }
    }

    /// A code of the column's list, by its place there.
    pub fn code_at(&self, index: usize) -> Option<u16> {
        match self.packed(index) {
            Packed::Code(c) => Some(c),
            _ => None,
        }
    }

    pub fn date_at(&self, index: usize) -> Option<Date> {
        match self.packed(index) {
            packed @ Packed::Date(_) => match self.store.unpack(packed) {
                Value::Date(d) => Some(d),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn flag_at(&self, index: usize) -> Option<bool> {
        match self.packed(index) {
            Packed::Flag(b) => Some(b),
            _ => None,
        }
    }

    pub fn number_at(&self, index: usize) -> Option<f64> {
        match self.packed(index) {
            Packed::Small(n) => Some(f64::from(n)),
            Packed::Number(i) => self.store.numbers.get(i as usize).copied(),
            Packed::Integer(i) => self.store.integers.get(i as usize).map(|&n| n as f64),
            _ => None,
        }
    }

    /// Whether the column at `index` holds a value.
    pub fn has(&self, index: usize) -> bool {
        self.values.get(index).is_some_and(|p| *p != Packed::Blank)
    }

    /// The value as the JSON Schema instance holds it: dates as `YYYY-MM-DD`, yes/no as
    /// booleans, periods in canonical spelling; `None` when blank.
    pub fn value_json(&self, index: usize) -> Option<serde_json::Value> {
        use serde_json::Value as Json;
        Some(match self.value(index) {
            Value::Blank => return None,
            Value::Text { .. } | Value::Code(_) => Json::String(self.text_at(index)?.to_string()),
            Value::Date(d) => Json::String(d.to_string()),
            Value::Flag(b) => Json::Bool(b),
            Value::Integer(n) => Json::from(n),
            Value::Number(n) => serde_json::Number::from_f64(n).map(Json::Number)?,
            Value::Period(p) => Json::String(p.to_string()),
        })
    }

    /// The row as the JSON object the sheet's schema describes (blank columns left out).
    pub fn to_json(self) -> serde_json::Map<String, serde_json::Value> {
        let columns = &self.store.columns;
        (0..columns.len())
            .filter_map(|i| Some((columns[i].name.clone(), self.value_json(i)?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_held_in_eight_bytes_and_read_back_whole() {
        assert_eq!(std::mem::size_of::<Packed>(), 8);
        let mut store = Rows::new(Vec::new().into()).store;
        let values = [
            Value::Blank,
            Value::Text { start: 7, len: 3 },
            Value::Code(12),
            Value::Date(Date::new(2024, 2, 29).unwrap()),
            Value::Date(Date::new(9999, 12, 31).unwrap()),
            Value::Flag(true),
            Value::Integer(-5),
            Value::Integer(9_000_000_000_000_000),
            Value::Number(7.25),
            Value::Period("2023-24 Q4".parse().unwrap()),
        ];
        for v in values {
            let packed = store.pack(v);
            assert_eq!(store.unpack(packed), v, "{packed:?}");
        }
        assert_eq!(store.integers, vec![9_000_000_000_000_000]);
    }
    use crate::definitions::{Definitions, Source};

    #[test]
    fn values_by_name_and_index_and_as_json() {
        let defs = Definitions::latest(&Source::Embedded).unwrap();
        let sheet = defs.sheet("Offences").unwrap();
        let mut values = vec![Value::Blank; sheet.columns.len()];
        let at = |name: &str| sheet.columns.iter().position(|c| c.name == name).unwrap();
        values[at("offence_id")] = Value::Text { start: 0, len: 2 };
        values[at("child_id")] = Value::Text { start: 2, len: 4 };
        values[at("offence_date")] = Value::Date(Date::new(2024, 5, 1).unwrap());
        let conviction = sheet.columns[at("outcome_type")]
            .codes
            .iter()
            .position(|c| c == "CONVICTION")
            .unwrap();
        values[at("outcome_type")] = Value::Code(conviction as u16);
        values[at("gravity_score")] = Value::Integer(5);
        values[at("custodial")] = Value::Flag(false);
        let row = Row::new(7, values, "O1C-17", sheet.columns.clone());
        assert_eq!(row.text("offence_id"), Some("O1"));
        assert_eq!(row.text("child_id"), Some("C-17"));
        assert_eq!(row.text("outcome_type"), Some("CONVICTION"));
        assert_eq!(row.text("offence_date"), None);
        assert_eq!(row.date("offence_date"), Date::new(2024, 5, 1));
        assert_eq!(row.number("gravity_score"), Some(5.0));
        assert_eq!(row.flag("custodial"), Some(false));
        assert_eq!(row.flag("no_such_column"), None);
        assert!(!row.view().has(at("outcome_date")));
        assert_eq!(
            serde_json::Value::Object(row.to_json()),
            serde_json::json!({
                "offence_id": "O1",
                "child_id": "C-17",
                "offence_date": "2024-05-01",
                "outcome_type": "CONVICTION",
                "gravity_score": 5,
                "custodial": false
            })
        );
    }
}
