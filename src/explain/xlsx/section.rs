//! A section's sheet: each record a row, with a column per measure of the section.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use foldhash::fast::FixedState;

use rust_xlsxwriter::{Workbook, XlsxError};

use super::page::{HEADER_ROW, Styles, page, section, wrapped_lines};
use super::rows::{Rows, Splice};
use crate::explain::model::{Entry, Explanation, MeasureRef, Status};
use crate::kpi::tally::Unit;

/// The most records a section sheet lists: Excel's rows, less the sheet's heading rows.
const MAX_ROWS: usize = 1_048_576 - 8;

/// The width of the Why column, and of the rule's.
const WHY_WIDTH: f64 = 50.0;
const RULE_WIDTH: f64 = 24.0;

/// A record of a section: the same sheet, row and identifiers, whatever measures it is in.
struct Record<'e> {
    entry: &'e Entry,
    ids: Vec<(&'static str, &'e str)>,
    part: Option<&'static str>,
    fields: Vec<(&'static str, &'e str)>,
    /// Per measure column: the record's status and amount there.
    cells: Vec<Option<(Status, i64)>>,
    whys: Vec<&'e str>,
    rules: Vec<&'static str>,
}

/// One column per family of the section, its parts folded into the Group (or Type) column.
struct Column {
    header: String,
    unit: Unit,
    family: usize,
    /// The parts asked for (`None`: every part, or a single measure).
    parts: Option<Vec<usize>>,
}

/// A cell of a record's row.
enum Cell<'e> {
    Empty,
    Text(&'e str),
    Count(i64),
    /// Thousandths of an hour.
    Hours(i64),
    Word(&'static str),
}

impl Cell<'_> {
    /// How many characters it shows, for the column's width (counted without making the text:
    /// this runs for every cell of a large export).
    fn width(&self) -> usize {
        match self {
            Cell::Empty => 0,
            Cell::Text(t) if t.len() <= 30 => t.chars().count(),
            Cell::Text(t) => t.chars().take(30).count(),
            Cell::Count(n) => shown_len(format_args!("{n}")),
            Cell::Hours(h) => shown_len(format_args!("{:.2}", *h as f64 / 1000.0)),
            Cell::Word(w) => w.len(),
        }
    }
}

/// How many bytes `args` writes, without writing them anywhere.
fn shown_len(args: std::fmt::Arguments) -> usize {
    struct Count(usize);
    impl std::fmt::Write for Count {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0 += s.len();
            Ok(())
        }
    }
    let mut c = Count(0);
    let _ = std::fmt::write(&mut c, args);
    c.0
}

/// `parts` joined by `; `, borrowed when there is only one (most records).
fn joined<'a>(parts: &[&'a str]) -> Cow<'a, str> {
    match parts {
        [] => Cow::Borrowed(""),
        [one] => Cow::Borrowed(one),
        many => Cow::Owned(many.join("; ")),
    }
}

/// A section's records with the columns they fill.
struct Table<'e> {
    columns: Vec<Column>,
    /// What the families' parts are (`group`), when they have parts.
    part_kind: Option<&'static str>,
    id_names: Vec<&'static str>,
    field_names: Vec<&'static str>,
    records: Vec<Record<'e>>,
}

impl<'e> Table<'e> {
    /// The section's families asked for and every record of them, in the order first met.
    fn gather(x: &'e Explanation, name: &str) -> Table<'e> {
        let mut asked: BTreeMap<usize, Option<Vec<usize>>> = BTreeMap::new();
        for r in &x.asked {
            let c = &x.families[r.family];
            if section(c.code_and_value(r.part).0) != name {
                continue;
            }
            let parts = asked.entry(r.family).or_insert(Some(Vec::new()));
            match (r.part, parts.as_mut()) {
                (Some(p), Some(list)) if !c.def.parts.is_empty() => list.push(p),
                _ => *parts = None,
            }
        }
        let columns: Vec<Column> = asked
            .into_iter()
            .map(|(family, parts)| {
                let c = &x.families[family];
                let code = c.def.codes.first().map_or("", String::as_str);
                Column {
                    header: column_header(code, name, !c.def.parts.is_empty()),
                    unit: c.def.unit,
                    family,
                    parts,
                }
            })
            .collect();
        let mut t = Table {
            part_kind: columns
                .iter()
                .map(|c| x.families[c.family].def.part_kind)
                .find(|k| !k.is_empty()),
            columns,
            id_names: Vec::new(),
            field_names: Vec::new(),
            records: Vec::new(),
        };
        // A record is its sheet, row and first identifier, and how many identify it (a
        // meeting and a partner's line at it share a row and a date).
        let mut at: HashMap<(&str, u32, usize, &str), usize, FixedState> = HashMap::default();
        let columns = t.columns.len();
        for (i, col) in t.columns.iter().enumerate() {
            let m = x.measure(MeasureRef {
                family: col.family,
                part: None,
            });
            for e in x.families[col.family]
                .entries
                .as_deref()
                .unwrap_or_default()
            {
                if col.parts.as_ref().is_some_and(|p| !p.contains(&e.part)) {
                    continue;
                }
                let first = e.ids.first().map_or("", |(_, v)| &**v);
                let slot = *at.entry((e.table, e.row, e.key, first)).or_insert_with(|| {
                    t.records.push(Record {
                        entry: e,
                        ids: Vec::new(),
                        part: m.part_of(e),
                        fields: Vec::new(),
                        cells: vec![None; columns],
                        whys: Vec::new(),
                        rules: Vec::new(),
                    });
                    t.records.len() - 1
                });
                add(&mut t.records[slot], i, e);
            }
        }
        for r in &t.records {
            for (k, _) in &r.ids {
                if !t.id_names.contains(k) {
                    t.id_names.push(k);
                }
            }
            for (k, _) in &r.fields {
                if !t.field_names.contains(k) {
                    t.field_names.push(k);
                }
            }
        }
        t
    }

    /// The headers before Why, each with whether it is read upwards (over a column as narrow
    /// as its values).
    fn headers(&self) -> Vec<(String, bool)> {
        let mut h: Vec<(String, bool)> = vec![("Sheet".into(), false), ("Row".into(), false)];
        h.extend(self.id_names.iter().map(|n| (n.to_string(), false)));
        if let Some(kind) = self.part_kind {
            let shown = match kind {
                "group" => "Group",
                "type" => "Type",
                other => other,
            };
            h.push((shown.to_string(), false));
        }
        h.extend(self.field_names.iter().map(|n| (n.to_string(), true)));
        h.extend(self.columns.iter().map(|c| (c.header.clone(), true)));
        h
    }

    /// A record's cells before Why, in the headers' order, into `out` (emptied first: one
    /// buffer serves every record).
    fn cells(&self, r: &Record<'e>, out: &mut Vec<Cell<'e>>) {
        let find = |list: &[(&'static str, &'e str)], name: &str| {
            list.iter()
                .find(|(k, _)| *k == name)
                .map_or(Cell::Empty, |(_, v)| Cell::Text(v))
        };
        out.clear();
        out.push(Cell::Text(&r.entry.sheet));
        out.push(Cell::Count(i64::from(r.entry.row)));
        out.extend(self.id_names.iter().map(|n| find(&r.ids, n)));
        if self.part_kind.is_some() {
            out.push(r.part.map_or(Cell::Empty, Cell::Text));
        }
        out.extend(self.field_names.iter().map(|n| find(&r.fields, n)));
        for (i, col) in self.columns.iter().enumerate() {
            out.push(match (r.cells[i].as_ref(), col.unit) {
                (Some((Status::Counted, n)), Unit::Count) => Cell::Count(*n),
                (Some((Status::Counted, n)), Unit::Hours) => Cell::Hours(*n),
                (Some((status, _)), _) => Cell::Word(status.word()),
                (None, _) => Cell::Empty,
            });
        }
    }
}

/// Adds what entry `e` says in measure column `column` to its record.
fn add<'e>(r: &mut Record<'e>, column: usize, e: &'e Entry) {
    for (k, v) in &e.ids {
        if !r.ids.iter().any(|(rk, _)| rk == k) {
            r.ids.push((k, v));
        }
    }
    for (k, v) in &e.fields {
        if !r.fields.iter().any(|(rk, _)| rk == k) {
            r.fields.push((k, v));
        }
    }
    // A counted record stands before a near miss of the same row.
    let cell = &mut r.cells[column];
    if cell.is_none_or(|(status, _)| e.status < status) {
        *cell = Some((e.status, e.amount));
    }
    if !r.whys.contains(&e.why.as_str()) {
        r.whys.push(&e.why);
    }
    if let Some(rule) = e.rule
        && !r.rules.contains(&rule)
    {
        r.rules.push(rule);
    }
}

/// The sheet of section `name`: a heading, then a row per record. Its rows are written into
/// the workbook's part `part` by the [`Splice`] returned, once the workbook is saved.
pub fn sheet<'e>(
    wb: &mut Workbook,
    x: &'e Explanation,
    name: &str,
    title: &str,
    st: &Styles,
    part: String,
) -> Result<Splice<'e>, XlsxError> {
    let t = Table::gather(x, name);
    let headers = t.headers();
    // A record's cells are made again to be written rather than all kept: a large section's
    // would take hundreds of MB.
    let shown = || t.records.iter().take(MAX_ROWS);
    // Each column as wide as its longest value, and an upright header's first words.
    let mut widths: Vec<f64> = headers
        .iter()
        .map(|(h, turned)| {
            if *turned {
                0
            } else {
                h.chars().count().min(12)
            }
        })
        .map(|n| n as f64)
        .collect();
    let mut cells = Vec::with_capacity(headers.len());
    for r in shown() {
        t.cells(r, &mut cells);
        for (w, cell) in widths.iter_mut().zip(&cells) {
            *w = w.max(cell.width() as f64);
        }
    }
    let turned_height = headers
        .iter()
        .filter(|(_, turned)| *turned)
        .map(|(h, _)| h.chars().count())
        .max()
        .map_or(15.0, |n| (n as f64 * 7.5 + 10.0).min(180.0));
    // A sheet of a few rows for the library: the records' rows are spliced in (`rows`).
    let ws = wb.add_worksheet().set_name(name)?;
    page(ws, &format!("{title}: {name}"), HEADER_ROW)?;
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (w + 1.5).max(3.0))?;
    }
    let why_col = headers.len() as u16;
    ws.set_column_width(why_col, WHY_WIDTH)?;
    ws.set_column_width(why_col + 1, RULE_WIDTH)?;
    // The cells are written plain and take their column's format (a format given with each
    // of millions of cells costs the writer a lookup each): top-aligned, so a record whose
    // reason wraps reads from its first line; the Row and measures centred in their narrow
    // columns (hours in Excel's General format: 7.25, 7).
    let first_measure = headers.len() - t.columns.len();
    for c in 0..first_measure {
        let f = if c == 1 { &st.centre } else { &st.top };
        ws.set_column_format(c as u16, f)?;
    }
    for c in first_measure..headers.len() {
        ws.set_column_format(c as u16, &st.centre)?;
    }
    ws.set_column_format(why_col, &st.wrap)?;
    ws.set_column_format(why_col + 1, &st.wrap)?;
    ws.write_string_with_format(
        0,
        0,
        format!("{name}: the records behind its measures ({title})"),
        &st.title,
    )?;
    ws.write_string_with_format(
        1,
        0,
        "Contains case identifiers: keep inside the service.",
        &st.notice,
    )?;
    let parts = t.part_kind.map_or_else(String::new, |kind| {
        format!(
            " A column stands for the measure of every {kind}: filter the {kind} column for one \
             {kind}'s, take every {kind} for all."
        )
    });
    ws.write_string(
        2,
        0,
        format!(
            "Each measure's column: a number where the record counts (what it adds), outside \
             where it is in the percentage's denominator without counting, near miss where a \
             rule left it out.{parts}"
        ),
    )?;
    ws.set_row_height(HEADER_ROW, turned_height)?;
    for (c, (h, turned)) in headers.iter().enumerate() {
        let f = if *turned { &st.turned } else { &st.header };
        ws.write_string_with_format(HEADER_ROW, c as u16, h, f)?;
    }
    ws.write_string_with_format(HEADER_ROW, why_col, "Why", &st.header)?;
    ws.write_string_with_format(HEADER_ROW, why_col + 1, "Rule that left it out", &st.header)?;
    let records = t.records.len();
    // The records are gathered again to be written: every section's kept until the workbook
    // is saved would take hundreds of MB for a large export.
    drop(t);
    let name = name.to_string();
    let last = HEADER_ROW + records.min(MAX_ROWS) as u32;
    ws.autofilter(HEADER_ROW, 0, last.max(HEADER_ROW + 1), why_col + 1)?;
    // The rows under the heading are written into the sheet's XML once the library has
    // written the rest (`rows`): the same cells, each in its column's format.
    let fill = move |out: &mut Rows| -> Result<(), XlsxError> {
        let t = Table::gather(x, &name);
        let mut row = HEADER_ROW;
        for r in t.records.iter().take(MAX_ROWS) {
            t.cells(r, &mut cells);
            row += 1;
            let why = joined(&r.whys);
            let rules = joined(&r.rules);
            let lines = wrapped_lines(&why, WHY_WIDTH).max(wrapped_lines(&rules, RULE_WIDTH));
            out.start(row, (lines > 1).then_some(15 * lines));
            for (c, cell) in cells.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(text) => out.text(c, &crate::text::cut(text))?,
                    Cell::Count(n) => out.count(c, *n),
                    Cell::Hours(h) => out.number(c, *h as f64 / 1000.0),
                    Cell::Word(w) => out.text(c, w)?,
                }
            }
            out.text(why_col, &why)?;
            out.text(why_col + 1, &rules)?;
            out.end()?;
        }
        if records > MAX_ROWS {
            out.start(row + 2, None);
            out.text(
                0,
                &format!(
                    "Only the first {MAX_ROWS} of {records} records fit on a sheet: the JSON \
                     (--format json) lists them all."
                ),
            )?;
            out.end()?;
        }
        Ok(())
    };
    let written = match records {
        0 => None,
        n if n > MAX_ROWS => Some(last + 2),
        _ => Some(last),
    };
    Ok(Splice {
        part,
        columns: usize::from(why_col) + 2,
        last: written,
        fill: Box::new(fill),
    })
}

/// A measure column's header: the code without its section and part, `suitable`,
/// `type.parents`, `police.attended`.
fn column_header(code: &str, section: &str, has_parts: bool) -> String {
    let rest = code
        .strip_prefix(section)
        .and_then(|r| r.strip_prefix('.'))
        .unwrap_or(code);
    if has_parts {
        rest.split_once('.').map_or(rest, |(_, r)| r).to_string()
    } else if rest.is_empty() {
        code.to_string()
    } else {
        rest.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_is_named_by_its_code_without_section_and_part() {
        assert_eq!(
            column_header("kpi1.community.suitable", "kpi1", true),
            "suitable"
        );
        assert_eq!(
            column_header("kpi1.prevention.type.nfa", "kpi1", true),
            "type.nfa"
        );
        assert_eq!(
            column_header("kpi7.police.attended", "kpi7", false),
            "police.attended"
        );
        assert_eq!(column_header("fte.children", "fte", false), "children");
        assert_eq!(column_header("kpi6.div.ended", "kpi6", true), "ended");
    }
}
