//! Reading a return workbook back, as `check` does: the identity from the cover and every
//! figure by its measure code, with the cell it is in, every percentage, rate and ratio shown,
//! and any figure shown twice with two values.
//!
//! Invariant: a hostile or damaged file is a sentence, never a panic (the spreadsheet library
//! runs guarded, after the export's checks); a figure's cell that cannot be read is named as
//! Excel names it.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Reader, Xlsx};

use super::cells::{Value, read_cells};
use super::codes::{derived, group_code, in_column};
use super::cover::{COVER_FIELDS, FINAL, PROVISIONAL, read_time};
use super::error::{ReadError, unreadable};
use crate::measures::{Identity, Measures, Return};
use crate::names::COVER;
use crate::text::cut;

/// A cell of a return workbook: its sheet, Excel row and 0-based column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub sheet: String,
    pub row: u32,
    pub col: u32,
}

impl Place {
    /// The cell as Excel names it, to type into its Name Box: `Cohort!B5`,
    /// `'KPI1 Accommodation'!B5`.
    pub fn reference(&self) -> String {
        format!(
            "{}!{}{}",
            crate::excel::sheet_ref(&self.sheet),
            crate::excel::column_letters(self.col),
            self.row
        )
    }
}

/// A figure shown on several rows of a workbook (the cohort, on each KPI sheet) with another
/// value than where it is first shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub code: String,
    pub place: Place,
    pub value: i64,
    /// The first showing, which is the one read as the return's figure.
    pub first: Place,
    pub first_value: i64,
}

/// A percentage, rate or ratio as a workbook cell shows it: numerator / denominator × `per`.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub numerator: String,
    /// A measure code; `None` for a rate, whose denominator is the 10-17 population.
    pub denominator: Option<String>,
    /// 100 for a percentage, 1 for a ratio, 10,000 for a rate per 10,000.
    pub per: f64,
    /// The number in the cell (0.5 for 50%: the cell holds a fraction formatted as a
    /// percentage), `None` when the cell is empty.
    pub value: Option<f64>,
    pub place: Place,
}

/// A return read back from its workbook.
#[derive(Debug, Clone)]
pub struct ReadBack {
    pub ret: Return,
    /// The cell of every figure (its first showing).
    pub places: Vec<(String, Place)>,
    /// Every percentage, rate and ratio the workbook shows.
    pub shown: Vec<Shown>,
    /// A figure shown on several rows (the cohort, on each KPI sheet) with another value
    /// than its first showing.
    pub conflicts: Vec<Conflict>,
}

/// Reads the identity from the cover and every figure back by its measure code.
pub fn read_workbook(bytes: &[u8]) -> Result<ReadBack, ReadError> {
    crate::export::workbook::precheck::precheck(bytes).map_err(|e| unreadable(&e))?;
    crate::export::workbook::guard::guarded(|| read_checked(bytes)).map_err(|e| unreadable(&e))?
}

fn read_checked(bytes: &[u8]) -> Result<ReadBack, ReadError> {
    let not = |m: &str| ReadError::NotAReturn(m.to_string());
    let mut wb = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| unreadable(&crate::export::workbook::error::damaged(None, &e)))?;
    let names = wb.sheet_names();
    if !names.iter().any(|n| n == COVER) {
        return Err(not("it has no Cover sheet"));
    }
    let cover = read_cells(&mut wb, COVER)?;
    let mut fields: Vec<Option<String>> = vec![None; COVER_FIELDS.len()];
    for row in cover.values() {
        let label = row.get(&0).map(Value::text).unwrap_or_default();
        if let Some(i) = COVER_FIELDS.iter().position(|f| *f == label) {
            fields[i] = Some(row.get(&1).map(Value::text).unwrap_or_default());
        }
    }
    let field = |i: usize| -> Result<String, ReadError> {
        fields[i]
            .clone()
            .ok_or_else(|| not(&format!("the cover has no {:?} row", COVER_FIELDS[i])))
    };
    let period_text = field(4)?;
    let provisional = match fields[5].as_deref() {
        None | Some(FINAL) => false,
        Some(s) if s.starts_with(PROVISIONAL) => true,
        Some(other) => {
            return Err(not(&format!(
                "the cover's Status is {:?}, neither {FINAL:?} nor {PROVISIONAL:?}",
                cut(other)
            )));
        }
    };
    let identity = Identity {
        yjs_code: field(0)?,
        yjs_name: field(1)?,
        nation: field(2)?,
        population_10_17: field(3)?
            .parse()
            .map_err(|_| not("the cover's population is not a whole number"))?,
        period: period_text
            .parse()
            .map_err(|e: crate::period::PeriodError| not(&format!("the cover's period: {e}")))?,
        provisional,
        definitions_version: field(6)?,
        tool_version: field(7)?,
        input_sha256: field(8)?,
        generated_at: read_time(&field(9)?),
    };

    let mut measures = Measures::new();
    let mut places = Vec::new();
    let mut firsts: BTreeMap<String, Place> = BTreeMap::new();
    let mut shown = Vec::new();
    let mut conflicts = Vec::new();
    for name in names.iter().filter(|n| *n != COVER) {
        let cells = read_cells(&mut wb, name)?;
        let mut header: Option<Vec<Option<String>>> = None;
        for (&excel_row, row) in &cells {
            let cell = |c: usize| u32::try_from(c).ok().and_then(|c| row.get(&c));
            let text = |c: usize| cell(c).map(Value::text).unwrap_or_default();
            let Some(groups) = &header else {
                if text(0) == "Measure" {
                    header = Some(groups_of(name, excel_row, row)?);
                }
                continue;
            };
            let code_col = groups.len() + 1;
            let code_text = text(code_col);
            if code_text.is_empty() {
                continue;
            }
            let number = |c: usize| -> Option<f64> {
                match cell(c) {
                    Some(Value::Number(f)) => Some(*f),
                    _ => None,
                }
            };
            let fill = |pattern: &str, g: &Option<String>| match g {
                Some(g) => in_column(pattern, g),
                None => pattern.to_string(),
            };
            let place = |k: usize| Place {
                sheet: name.clone(),
                row: excel_row,
                col: u32::try_from(k + 1).unwrap_or(u32::MAX),
            };
            if let Some((numerator, denominator, per)) = derived(&code_text) {
                for (k, g) in groups.iter().enumerate() {
                    shown.push(Shown {
                        numerator: fill(numerator, g),
                        denominator: denominator.map(|d| fill(d, g)),
                        per,
                        value: number(k + 1),
                        place: place(k),
                    });
                }
                continue;
            }
            for (k, g) in groups.iter().enumerate() {
                let code = fill(&code_text, g);
                let value = match cell(k + 1) {
                    Some(Value::Number(f)) if f.fract() == 0.0 && f.abs() < 1e15 => *f as i64,
                    other => {
                        return Err(ReadError::At {
                            cell: place(k).reference(),
                            message: format!(
                                "measure {} holds {:?}, not a whole number",
                                cut(&code),
                                cut(&other.map(Value::text).unwrap_or_default())
                            ),
                        });
                    }
                };
                if let (Some(first_value), Some(first)) = (measures.get(&code), firsts.get(&code)) {
                    if first_value != value {
                        conflicts.push(Conflict {
                            code,
                            place: place(k),
                            value,
                            first: first.clone(),
                            first_value,
                        });
                    }
                    continue;
                }
                measures.set(code.clone(), value);
                firsts.insert(code.clone(), place(k));
                places.push((code, place(k)));
            }
        }
    }
    Ok(ReadBack {
        ret: Return { identity, measures },
        places,
        shown,
        conflicts,
    })
}

/// The group of each figure column, from a sheet's header row: `Measure`, then the group
/// labels (or `Value` alone), then `Measure code`. A heading cleared or typed over is a
/// sentence, not a guess.
fn groups_of(
    sheet: &str,
    row: u32,
    cells: &BTreeMap<u32, Value>,
) -> Result<Vec<Option<String>>, ReadError> {
    let labels: Vec<String> = (1..)
        .map(|c| cells.get(&c).map(Value::text).unwrap_or_default())
        .take_while(|t| !t.is_empty())
        .take(64)
        .collect();
    let bad = |why: &str| ReadError::Cell {
        sheet: cut(sheet).into_owned(),
        row,
        message: format!(
            "the header row should read Measure, the group columns and Measure code, but {why} \
             (was a heading cleared or typed over?)"
        ),
    };
    match labels.split_last() {
        Some((last, groups)) if last == "Measure code" && !groups.is_empty() => {
            if groups.len() == 1 && groups[0] == "Value" {
                Ok(vec![None])
            } else {
                Ok(groups.iter().map(|l| Some(group_code(l))).collect())
            }
        }
        Some((last, _)) if last == "Measure code" => Err(bad("it has no group columns")),
        Some((last, _)) => Err(bad(&format!("its last heading is {:?}", cut(last)))),
        None => Err(bad("the headings after Measure are empty")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_row_with_a_heading_cleared_is_a_sentence_not_a_panic() {
        let row = |cells: &[(u32, &str)]| -> BTreeMap<u32, Value> {
            cells
                .iter()
                .map(|(c, t)| (*c, Value::Text(t.to_string())))
                .collect()
        };
        let groups = groups_of(
            "Cohort",
            4,
            &row(&[(0, "Measure"), (1, "Out of court"), (2, "Measure code")]),
        );
        assert_eq!(groups.unwrap(), [Some("out_of_court".to_string())]);
        let single = groups_of(
            "KPI7",
            4,
            &row(&[(0, "Measure"), (1, "Value"), (2, "Measure code")]),
        );
        assert_eq!(single.unwrap(), [None]);
        // "Prevention" cleared: the headings after Measure are empty.
        for cells in [
            &[(0, "Measure"), (2, "Out of court"), (3, "Measure code")][..],
            &[(0, "Measure"), (1, "Measure code")][..],
            &[(0, "Measure"), (1, "Prevention"), (2, "All")][..],
        ] {
            let err = groups_of("Cohort", 4, &row(cells)).unwrap_err().to_string();
            assert!(
                err.starts_with("sheet Cohort row 4: the header row should read Measure"),
                "{err}"
            );
        }
    }
}
