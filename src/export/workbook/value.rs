//! Calamine's value read as the dictionary reads a cell: text trimmed (whitespace is blank),
//! date cells as dates, numbers as `f64`, error values as Excel spells them, and a formula that
//! is only a boolean constant (as LibreOffice saves every boolean) as the boolean.
//!
//! Invariant: a date cell reads as calamine would read it (a test holds the two to the same
//! date for every whole serial Excel has); a time, a duration, or a date Excel cannot hold
//! stays a number.

use std::collections::HashMap;

use calamine::{CellErrorType, DataRef, ExcelDateTime, ExcelDateTimeType, XlsxFormulaMetadata};

use super::cell::CellRef;
use crate::date::Date;

/// The boolean a formula stands for when it is only a constant: `TRUE()`, `FALSE()`, `TRUE` or
/// `FALSE`, in any case, with or without `=`. LibreOffice Calc saves every boolean cell as such
/// a formula (with its value cached): it is a yes/no typed in, not a calculation, so it is read
/// as the boolean and not counted as a formula. A shared formula's anchor is remembered by its
/// index in `shared`, for the cells derived from it, which carry only the index.
pub(super) fn constant_boolean(
    formula: &XlsxFormulaMetadata,
    shared: &mut HashMap<usize, bool>,
) -> Option<bool> {
    let of_text = |text: &str| {
        let text = text.trim();
        let text = text.strip_prefix('=').unwrap_or(text).trim();
        let text = text.strip_suffix("()").unwrap_or(text);
        if text.eq_ignore_ascii_case("TRUE") {
            Some(true)
        } else if text.eq_ignore_ascii_case("FALSE") {
            Some(false)
        } else {
            None
        }
    };
    match formula {
        XlsxFormulaMetadata::Normal { formula } => of_text(formula),
        XlsxFormulaMetadata::Shared {
            shared_index,
            formula,
            ..
        } => {
            let constant = of_text(formula);
            match constant {
                Some(b) => shared.insert(*shared_index, b),
                None => shared.remove(shared_index),
            };
            constant
        }
        XlsxFormulaMetadata::SharedDerived { shared_index } => shared.get(shared_index).copied(),
        _ => None,
    }
}

/// A cell of the row being gathered: ready to hand on, or text calamine made for it (an
/// inline string), borrowed when the row is handed on.
pub(super) enum Slot<'a> {
    Ready(CellRef<'a>),
    Owned(String),
}

impl<'a> Slot<'a> {
    /// Calamine's value as the dictionary reads it, or `None` when it is blank (whitespace
    /// is blank): text trimmed, date cells as dates (a number formatted as a time, or a date
    /// Excel cannot hold, stays a number), numbers as `f64`.
    pub(super) fn of(value: DataRef<'a>) -> Option<Slot<'a>> {
        let owned = |s: String| (!s.trim().is_empty()).then_some(Slot::Owned(s));
        let ready = |c: CellRef<'a>| Some(Slot::Ready(c));
        match value {
            DataRef::Empty => None,
            DataRef::SharedString(s) => {
                let t = trim(s);
                (!t.is_empty()).then_some(Slot::Ready(CellRef::Text(t)))
            }
            DataRef::String(s) | DataRef::DurationIso(s) => owned(s),
            DataRef::DateTimeIso(s) => match s.get(..10).and_then(Date::parse_text) {
                Some(d) => ready(CellRef::Date(d)),
                None => owned(s),
            },
            DataRef::Float(f) => ready(CellRef::Number(f)),
            DataRef::Int(i) => ready(CellRef::Number(i as f64)),
            DataRef::Bool(b) => ready(CellRef::Bool(b)),
            DataRef::DateTime(dt) => ready(match excel_date(&dt) {
                Some(d) => CellRef::Date(d),
                None => CellRef::Number(dt.as_f64()),
            }),
            DataRef::Error(e) => ready(CellRef::Error(error_text(&e))),
        }
    }

    /// The bytes of text the cell holds.
    pub(super) fn text_len(&self) -> usize {
        match self {
            Slot::Ready(CellRef::Text(s)) => s.len(),
            Slot::Owned(s) => s.len(),
            Slot::Ready(_) => 0,
        }
    }
}

/// The date of a date-formatted cell (its time part dropped), or `None` for a time or a
/// duration, or a date Excel cannot hold. A whole serial number of the 1900 date system (what
/// nearly every date cell holds) is converted directly, which is several times quicker than
/// calamine's general conversion of dates and times; the rest go through calamine. A test
/// holds the two to the same date for every whole serial Excel has.
fn excel_date(dt: &ExcelDateTime) -> Option<Date> {
    /// 1 March 1900, the first serial after Excel's fictitious 29 February 1900, and
    /// 31 December 9999, the last date Excel has.
    const DIRECT: std::ops::RangeInclusive<f64> = 61.0..=2_958_465.0;
    /// Serial 25,569 is 1 January 1970.
    const UNIX_EPOCH: i64 = 25_569;
    let serial = dt.as_f64();
    if DIRECT.contains(&serial)
        && serial.fract() == 0.0
        && *dt == ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, false)
    {
        return Some(Date::from_days_since_epoch(serial as i64 - UNIX_EPOCH));
    }
    if !dt.is_datetime() {
        return None;
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    Date::new(i32::from(y), u32::from(m), u32::from(d))
}

/// `s` without leading and trailing whitespace; most text needs no trimming, and saying so
/// from its first and last bytes saves decoding it.
fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// Excel's spelling of an error value.
fn error_text(e: &CellErrorType) -> &'static str {
    match e {
        CellErrorType::Div0 => "#DIV/0!",
        CellErrorType::NA => "#N/A",
        CellErrorType::Name => "#NAME?",
        CellErrorType::Null => "#NULL!",
        CellErrorType::Num => "#NUM!",
        CellErrorType::Ref => "#REF!",
        CellErrorType::Value => "#VALUE!",
        CellErrorType::GettingData => "#DATA!",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_cells_read_as_calamine_reads_them() {
        let calamine = |dt: ExcelDateTime| {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            Date::new(i32::from(y), u32::from(m), u32::from(d))
        };
        // Every whole serial Excel has, and either side of them.
        for serial in 0..=2_958_466 {
            let dt = ExcelDateTime::new(f64::from(serial), ExcelDateTimeType::DateTime, false);
            assert_eq!(excel_date(&dt), calamine(dt), "serial {serial}");
        }
        assert_eq!(
            excel_date(&ExcelDateTime::new(
                45_565.0,
                ExcelDateTimeType::DateTime,
                false
            )),
            Date::new(2024, 9, 30)
        );
        // Excel's fictitious 29 February 1900 is no date; the days before it are.
        let serial = |s: f64| ExcelDateTime::new(s, ExcelDateTimeType::DateTime, false);
        assert_eq!(excel_date(&serial(60.0)), None);
        assert_eq!(excel_date(&serial(59.0)), Date::new(1900, 2, 28));
        // A time of day is dropped; the 1904 date system counts from 1 January 1904.
        assert_eq!(excel_date(&serial(45_565.75)), Date::new(2024, 9, 30));
        let from_1904 = ExcelDateTime::new(44_103.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(excel_date(&from_1904), Date::new(2024, 9, 30));
        // A duration is not a date.
        let duration = ExcelDateTime::new(45_565.0, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(excel_date(&duration), None);
    }
}
