//! A sheet of the sample exports as the case-management system would write it, and the
//! deterministic .xlsx writer.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook};
use yjb_return::date::Date;

/// One cell, in the forms real exports use.
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Blank,
    Text(String),
    Num(f64),
    Bool(bool),
    /// A real Excel date cell.
    Date(Date),
    /// A formula with its cached result.
    Formula(String, f64),
}

pub fn t(s: impl Into<String>) -> V {
    V::Text(s.into())
}

#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<V>>,
}

impl Sheet {
    /// A sheet headed with the columns of the built-in definitions, in their order, some
    /// renamed (`("date_of_birth", "DOB")`) the way a supplier's export names them.
    pub fn from_definitions(canonical: &str, name: &str, renames: &[(&str, &str)]) -> Sheet {
        let defs = yjb_return::definitions::Definitions::latest(
            &yjb_return::definitions::Source::Embedded,
        )
        .expect("built-in definitions");
        let sheet = defs.sheet(canonical).expect("a sheet of the definitions");
        Sheet {
            name: name.into(),
            headers: sheet
                .columns
                .iter()
                .map(|c| {
                    renames
                        .iter()
                        .find(|(from, _)| *from == c.name)
                        .map_or_else(|| c.name.clone(), |(_, to)| to.to_string())
                })
                .collect(),
            rows: Vec::new(),
        }
    }

    pub fn col(&self, header: &str) -> usize {
        self.headers
            .iter()
            .position(|h| h == header)
            .unwrap_or_else(|| panic!("{} has no column {header}", self.name))
    }

    /// Sets one cell of data row `index` (0-based; Excel row `index + 2`).
    pub fn set(&mut self, index: usize, header: &str, value: V) {
        let c = self.col(header);
        let row = &mut self.rows[index];
        if row.len() <= c {
            row.resize(c + 1, V::Blank);
        }
        row[c] = value;
    }

    /// The index of the first data row whose `header` cell is the text `value`.
    pub fn find(&self, header: &str, value: &str) -> usize {
        let c = self.col(header);
        self.rows
            .iter()
            .position(|r| matches!(r.get(c), Some(V::Text(s)) if s.trim() == value))
            .unwrap_or_else(|| panic!("{}: no row with {header} = {value}", self.name))
    }
}

/// Writes sheets to .xlsx bytes; the same sheets always give the same bytes.
pub fn write(sheets: &[Sheet]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2025, 4, 17).expect("valid date");
    wb.set_properties(
        &DocProperties::new()
            .set_title("Northshire YJS case-management export (fictional sample)")
            .set_author("yjb-return samples")
            .set_creation_datetime(&created),
    );
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let bold = Format::new().set_bold();
    for s in sheets {
        let ws = wb.add_worksheet().set_name(&s.name).expect("sheet name");
        for (c, h) in s.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)
                .expect("header");
            ws.set_column_width(c as u16, (h.len() as f64 + 4.0).max(12.0))
                .expect("width");
        }
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                let result = match v {
                    V::Blank => continue,
                    V::Text(x) => ws.write_string(r, c, x),
                    V::Num(n) => ws.write_number(r, c, *n),
                    V::Bool(b) => ws.write_boolean(r, c, *b),
                    V::Date(d) => {
                        let dt = ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )
                        .expect("valid date");
                        ws.write_datetime_with_format(r, c, &dt, &date)
                    }
                    V::Formula(f, cached) => {
                        ws.write_formula(r, c, Formula::new(f).set_result(cached.to_string()))
                    }
                };
                result.expect("cell");
            }
        }
    }
    wb.save_to_buffer().expect("workbook")
}
