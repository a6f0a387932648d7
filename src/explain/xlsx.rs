//! `explain --out FILE.xlsx`: a Measures sheet (every measure asked for, its figure and the
//! sheet that lists its records) and one sheet per section of the return (`cohort`, `kpi1`,
//! ... `caseload`), each record a row with a column per measure of the section: the amount it
//! adds where it counts, `outside` where it is in the percentage's denominator without
//! counting, `near miss` where a rule left it out. Filterable, printable on A4 landscape, and
//! every page says that it holds case identifiers. No link leads outside the file.

use std::collections::{BTreeMap, HashMap};

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, FormatUnderline, Url,
    Workbook, Worksheet, XlsxError,
};

use super::json::{Source, percent};
use super::model::{Entry, Explanation, MeasureRef, NOTICE, Status};
use crate::kpi::tally::Unit;

/// The most records a section sheet lists: Excel's rows, less the sheet's heading rows.
const MAX_ROWS: usize = 1_048_576 - 8;

/// The row of a section sheet's column headers.
const HEADER_ROW: u32 = 4;

struct Styles {
    title: Format,
    notice: Format,
    header: Format,
    /// A narrow column's header, read upwards.
    turned: Format,
    wrap: Format,
    top: Format,
    link: Format,
    percent: Format,
    hours: Format,
    /// A number or word in a narrow column, centred.
    centre: Format,
}

impl Styles {
    fn new() -> Styles {
        let top = Format::new().set_align(FormatAlign::Top);
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            notice: Format::new()
                .set_bold()
                .set_font_color(Color::RGB(0x9C0006)),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Bottom)
                .set_border_bottom(FormatBorder::Thin),
            turned: Format::new()
                .set_bold()
                .set_rotation(90)
                .set_align(FormatAlign::Bottom)
                .set_border_bottom(FormatBorder::Thin),
            wrap: top.clone().set_text_wrap(),
            link: Format::new()
                .set_font_color(Color::RGB(0x0563C1))
                .set_underline(FormatUnderline::Single)
                .set_align(FormatAlign::Top),
            percent: top.clone().set_num_format("0.0%"),
            hours: top
                .clone()
                .set_num_format("0.###")
                .set_align(FormatAlign::Center),
            centre: top.clone().set_align(FormatAlign::Center),
            top,
        }
    }
}

/// `&` starts a control code in Excel's page headers; text is shown literally.
fn header_safe(text: &str) -> String {
    crate::text::xml_safe(text).replace('&', "&&")
}

/// A4 landscape, one page wide, the header row on every page, the notice above and below.
fn page(ws: &mut Worksheet, title: &str, header_row: u32) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_header(format!(
        "&L{}&RContains case identifiers: keep inside the service",
        header_safe(title)
    ));
    ws.set_footer("&LContains case identifiers: keep inside the service&RPage &P of &N");
    ws.set_freeze_panes(header_row + 1, 0)?;
    Ok(())
}

/// The section a measure belongs to: its code's first part (`kpi1`, `cohort`, `fte`).
fn section(code: &str) -> &str {
    code.split('.').next().unwrap_or(code)
}

/// The workbook of an explanation.
pub fn render(x: &Explanation, source: &Source) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let created = x.extract_date.map_or_else(
        || ExcelDateTime::from_ymd(2000, 1, 1),
        |d| {
            ExcelDateTime::from_ymd(
                d.year().clamp(1900, 9999) as u16,
                d.month() as u8,
                d.day() as u8,
            )
        },
    )?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("yjb-return explanation of the return's figures")
            .set_comment(NOTICE)
            .set_creation_datetime(&created),
    );
    let styles = Styles::new();
    let title = match &x.service {
        Some((code, name)) => format!("{} ({code}), {}", name, x.period),
        None => x.period.to_string(),
    };
    let title: String = crate::text::cut(&title).into_owned();
    // The sections asked for, in the return's order.
    let mut sections: Vec<&str> = Vec::new();
    for m in x.measures() {
        let s = section(m.code);
        if !sections.contains(&s) {
            sections.push(s);
        }
    }
    measures_sheet(&mut wb, x, source, &title, &styles)?;
    for s in sections {
        section_sheet(&mut wb, x, s, &title, &styles)?;
    }
    wb.save_to_buffer()
        .map(crate::workbook_bytes::same_everywhere)
}

fn measures_sheet(
    wb: &mut Workbook,
    x: &Explanation,
    source: &Source,
    title: &str,
    st: &Styles,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("Measures")?;
    page(ws, &format!("{title}: measures"), HEADER_ROW)?;
    ws.write_string_with_format(
        0,
        0,
        format!("The return's figures explained: {title}"),
        &st.title,
    )?;
    ws.write_string_with_format(
        1,
        0,
        "Contains case identifiers: keep inside the service.",
        &st.notice,
    )?;
    ws.write_string(
        2,
        0,
        format!(
            "From {}, definitions {} (SHA-256 of the export {}). Each measure's records are on \
             its section's sheet.",
            crate::text::cut(source.file),
            source.definitions_version,
            source.sha256
        ),
    )?;
    let headers = [
        ("Measure", 28.0),
        ("Value", 8.0),
        ("Unit", 7.0),
        ("Of (denominator)", 24.0),
        ("Denominator", 11.0),
        ("%", 7.0),
        ("Counted", 8.0),
        ("Outside", 8.0),
        ("Near misses", 8.0),
        ("Counted from", 58.0),
        ("Listed on sheet", 10.0),
    ];
    ws.set_row_height(HEADER_ROW, 30.0)?;
    for (c, (h, w)) in headers.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
        ws.write_string_with_format(HEADER_ROW, c as u16, *h, &st.header)?;
    }
    let mut row = HEADER_ROW;
    for m in x.measures() {
        row += 1;
        ws.write_string_with_format(row, 0, m.code, &st.top)?;
        ws.write_number_with_format(row, 1, m.value as f64, &st.top)?;
        ws.write_string_with_format(
            row,
            2,
            match m.unit {
                Unit::Count => "count",
                Unit::Hours => "hours",
            },
            &st.top,
        )?;
        if let Some((code, value)) = m.denominator {
            ws.write_string_with_format(row, 3, code, &st.top)?;
            ws.write_number_with_format(row, 4, value as f64, &st.top)?;
            if let Some(p) = percent(&m) {
                ws.write_number_with_format(row, 5, p / 100.0, &st.percent)?;
            }
        }
        for (c, status) in [
            (6, Status::Counted),
            (7, Status::Outside),
            (8, Status::NearMiss),
        ] {
            if status == Status::Outside && m.denominator.is_none() {
                continue;
            }
            ws.write_number_with_format(row, c, m.with(status).count() as f64, &st.centre)?;
        }
        ws.write_string_with_format(row, 9, m.universe, &st.top)?;
        let sheet = section(m.code);
        ws.write_url_with_format(
            row,
            10,
            Url::new(format!("internal:'{sheet}'!A1")).set_text(sheet),
            &st.link,
        )?;
    }
    ws.autofilter(
        HEADER_ROW,
        0,
        row.max(HEADER_ROW + 1),
        headers.len() as u16 - 1,
    )?;
    for (code, why) in &x.absent {
        row += 2;
        ws.write_string(row, 0, format!("{}: {why}", crate::text::cut(code)))?;
    }
    Ok(())
}

/// A record of a section: the same sheet, row and identifiers, whatever measures it is in.
struct Record<'e> {
    entry: &'e Entry,
    ids: Vec<(&'static str, &'e str)>,
    part: Option<&'static str>,
    fields: Vec<(&'static str, &'e str)>,
    /// Per measure column: the record's status and amount there.
    cells: HashMap<usize, (Status, i64)>,
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

fn section_sheet(
    wb: &mut Workbook,
    x: &Explanation,
    name: &str,
    title: &str,
    st: &Styles,
) -> Result<(), XlsxError> {
    // The families of the section asked for, with the parts asked for.
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
            let header = column_header(code, name, !c.def.parts.is_empty());
            Column {
                header,
                unit: c.def.unit,
                family,
                parts,
            }
        })
        .collect();
    let part_kind = columns
        .iter()
        .map(|c| x.families[c.family].def.part_kind)
        .find(|k| !k.is_empty());
    // Every record of the section, in the order first met.
    let mut records: Vec<Record> = Vec::new();
    let mut at: HashMap<(&str, u32, String), usize> = HashMap::new();
    for (i, col) in columns.iter().enumerate() {
        let c = &x.families[col.family];
        let m = x.measure(MeasureRef {
            family: col.family,
            part: None,
        });
        for e in c.entries.as_deref().unwrap_or_default() {
            if col.parts.as_ref().is_some_and(|p| !p.contains(&e.part)) {
                continue;
            }
            let slot = *at.entry((e.table, e.row, e.key())).or_insert_with(|| {
                records.push(Record {
                    entry: e,
                    ids: Vec::new(),
                    part: None,
                    fields: Vec::new(),
                    cells: HashMap::new(),
                    whys: Vec::new(),
                    rules: Vec::new(),
                });
                records.len() - 1
            });
            let r = &mut records[slot];
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
            if r.part.is_none() {
                r.part = m.part_of(e);
            }
            let cell = r.cells.entry(i).or_insert((e.status, e.amount));
            // A counted record stands before a near miss of the same row.
            if e.status < cell.0 {
                *cell = (e.status, e.amount);
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
    }
    // The columns: where, who, the group, what decides, the measures, why.
    let mut id_names: Vec<&'static str> = Vec::new();
    let mut field_names: Vec<&'static str> = Vec::new();
    for r in &records {
        for (k, _) in &r.ids {
            if !id_names.contains(k) {
                id_names.push(k);
            }
        }
        for (k, _) in &r.fields {
            if !field_names.contains(k) {
                field_names.push(k);
            }
        }
    }
    // The columns: (header, width, turned); a turned header is read upwards over a column
    // as narrow as its values.
    let mut headers: Vec<(String, f64, bool)> =
        vec![("Sheet".into(), 0.0, false), ("Row".into(), 6.0, false)];
    headers.extend(id_names.iter().map(|n| (n.to_string(), 0.0, false)));
    if let Some(kind) = part_kind {
        let shown = match kind {
            "group" => "Group",
            "type" => "Type",
            other => other,
        };
        headers.push((shown.to_string(), 0.0, false));
    }
    headers.extend(field_names.iter().map(|n| (n.to_string(), 0.0, true)));
    let first_measure = headers.len();
    headers.extend(columns.iter().map(|c| (c.header.clone(), 0.0, true)));
    headers.push(("Why".into(), WHY_WIDTH, false));
    headers.push(("Rule that left it out".into(), 24.0, false));
    // Each column as wide as its longest value (a turned header needs only its values).
    let mut longest = vec![0usize; headers.len()];
    for (c, (h, _, turned)) in headers.iter().enumerate() {
        if !turned {
            longest[c] = h.chars().count().min(12);
        }
    }
    for r in records.iter().take(MAX_ROWS) {
        let mut see = |c: usize, text: &str| {
            longest[c] = longest[c].max(text.chars().count().min(30));
        };
        see(0, &r.entry.sheet);
        for (i, name) in id_names.iter().enumerate() {
            if let Some((_, v)) = r.ids.iter().find(|(k, _)| k == name) {
                see(2 + i, v);
            }
        }
        let mut c = 2 + id_names.len();
        if part_kind.is_some() {
            see(c, r.part.unwrap_or_default());
            c += 1;
        }
        for name in &field_names {
            if let Some((_, v)) = r.fields.iter().find(|(k, _)| k == name) {
                see(c, v);
            }
            c += 1;
        }
        for (i, col) in columns.iter().enumerate() {
            if let Some((status, amount)) = r.cells.get(&i) {
                let shown = match (status, col.unit) {
                    (Status::Counted, Unit::Hours) => format!("{:.2}", *amount as f64 / 1000.0),
                    (Status::Counted, Unit::Count) => amount.to_string(),
                    (other, _) => other.word().to_string(),
                };
                see(c + i, &shown);
            }
        }
    }
    for (c, (_, w, _)) in headers.iter_mut().enumerate() {
        if *w == 0.0 {
            *w = (longest[c] as f64 + 1.5).max(3.0);
        }
    }
    let turned_height = headers
        .iter()
        .filter(|(_, _, t)| *t)
        .map(|(h, _, _)| h.chars().count())
        .max()
        .map_or(15.0, |n| (n as f64 * 7.5 + 10.0).min(180.0));
    let ws = crate::report::xlsx::streaming_sheet(wb, name, true)?;
    page(ws, &format!("{title}: {name}"), HEADER_ROW)?;
    for (c, (_, w, _)) in headers.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
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
    ws.write_string(
        2,
        0,
        format!(
            "Each measure's column: a number where the record counts (what it adds), outside \
             where it is in the percentage's denominator without counting, near miss where a \
             rule left it out. {}",
            match part_kind {
                Some(kind) => format!(
                    "A column stands for the measure of every {kind}: filter the {kind} column \
                     for one {kind}'s, take every {kind} for all."
                ),
                None => String::new(),
            }
        ),
    )?;
    ws.set_row_height(HEADER_ROW, turned_height)?;
    for (c, (h, _, turned)) in headers.iter().enumerate() {
        let f = if *turned { &st.turned } else { &st.header };
        ws.write_string_with_format(HEADER_ROW, c as u16, h, f)?;
    }
    let mut row = HEADER_ROW;
    for r in records.iter().take(MAX_ROWS) {
        row += 1;
        let why = r.whys.join("; ");
        let lines = wrapped_lines(&why, WHY_WIDTH).max(wrapped_lines(&r.rules.join("; "), 24.0));
        if lines > 1 {
            ws.set_row_height(row, 15.0 * f64::from(lines))?;
        }
        ws.write_string_with_format(row, 0, crate::text::cut(&r.entry.sheet), &st.top)?;
        ws.write_number_with_format(row, 1, f64::from(r.entry.row), &st.centre)?;
        let mut c = 2u16;
        for name in &id_names {
            if let Some((_, v)) = r.ids.iter().find(|(k, _)| k == name) {
                ws.write_string_with_format(row, c, crate::text::cut(v), &st.top)?;
            }
            c += 1;
        }
        if part_kind.is_some() {
            if let Some(p) = r.part {
                ws.write_string_with_format(row, c, p, &st.top)?;
            }
            c += 1;
        }
        for name in &field_names {
            if let Some((_, v)) = r.fields.iter().find(|(k, _)| k == name)
                && !v.is_empty()
            {
                ws.write_string_with_format(row, c, crate::text::cut(v), &st.top)?;
            }
            c += 1;
        }
        debug_assert_eq!(usize::from(c), first_measure);
        for (i, col) in columns.iter().enumerate() {
            match r.cells.get(&i) {
                Some((Status::Counted, amount)) => match col.unit {
                    Unit::Count => {
                        ws.write_number_with_format(row, c, *amount as f64, &st.centre)?;
                    }
                    Unit::Hours => {
                        ws.write_number_with_format(row, c, *amount as f64 / 1000.0, &st.hours)?;
                    }
                },
                Some((status, _)) => {
                    ws.write_string_with_format(row, c, status.word(), &st.centre)?;
                }
                None => {}
            }
            c += 1;
        }
        ws.write_string_with_format(row, c, &why, &st.wrap)?;
        if !r.rules.is_empty() {
            ws.write_string_with_format(row, c + 1, r.rules.join("; "), &st.wrap)?;
        }
    }
    let last_col = headers.len() as u16 - 1;
    ws.autofilter(HEADER_ROW, 0, row.max(HEADER_ROW + 1), last_col)?;
    if records.len() > MAX_ROWS {
        ws.write_string(
            row + 2,
            0,
            format!(
                "Only the first {MAX_ROWS} of {} records fit on a sheet: the JSON \
                 (--format json) lists them all.",
                records.len()
            ),
        )?;
    }
    Ok(())
}

/// The width of the Why column.
const WHY_WIDTH: f64 = 50.0;

/// How many lines `text` takes wrapped in a column `width` units wide (a character a unit, to
/// be safe): rows are sized from it, as neither Excel nor LibreOffice sizes a row for wrapped
/// text when opening a file.
fn wrapped_lines(text: &str, width: f64) -> u32 {
    let per_line = (width.floor() as usize).max(1);
    let mut lines = 1;
    let mut used = 0;
    for word in text.split(' ') {
        let len = word.chars().count();
        if used > 0 && used + 1 + len > per_line {
            lines += 1;
            used = 0;
        }
        used += if used > 0 { len + 1 } else { len };
        while used > per_line {
            lines += 1;
            used -= per_line;
        }
    }
    lines.min(40)
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
