//! The validation report for people: an Excel workbook a data officer works through.
//!
//! Sheet "Issues" lists every finding (never truncated) as a filterable table, each linked to
//! its cell; "Summary" gives the verdict, the findings per rule and every rule's status;
//! "By child" gathers findings per child; then a copy of each export sheet with the offending
//! cells coloured (errors red, warnings amber, notes blue) and the message as a cell note.

use std::collections::{BTreeMap, HashMap};

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatBorder, Note, Table, TableColumn, Url,
    Workbook, Worksheet, XlsxError,
};

// Every string this report writes is also cut to what one Excel cell holds.
use super::cell_text as xml_safe;
use crate::definitions::Severity;
use crate::export::workbook::Cell;
use crate::validate::{Finding, RuleStatus, Validation, sheet_ref};

const NOTICE: &str = "This report contains children's case identifiers: keep it within the youth justice service. It is not for submission to the YJB.";

/// Writes the report; `file` is the export's name as given on the command line.
pub fn render(v: &Validation, file: &str) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // A fixed creation time keeps the report byte-identical for the same input.
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("yjb-return validation report")
            .set_comment(NOTICE)
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let warn_text = Format::new()
        .set_bold()
        .set_font_color(Color::RGB(0x9C0006));
    let link = Format::new()
        .set_font_color(Color::RGB(0x0563C1))
        .set_underline(rust_xlsxwriter::FormatUnderline::Single);

    // Copies of the export's sheets get their own names, kept clear of the report's sheets.
    let mut taken: Vec<String> = ["Issues", "Summary", "By child"].map(String::from).to_vec();
    let mut copy_names: HashMap<String, String> = HashMap::new();
    for sheet in &v.workbook.sheets {
        let name = super::sheet_name(&sheet.name, &taken);
        taken.push(name.clone());
        copy_names.insert(sheet.name.clone(), name);
    }
    let target = |sheet: &str, cell: &str| -> Option<String> {
        let copy = copy_names.get(sheet)?;
        Some(format!("internal:{}!{cell}", sheet_ref(copy)))
    };

    // Issues
    let issues = wb.add_worksheet().set_name("Issues")?;
    issues.write_string_with_format(0, 0, "Validation issues", &title)?;
    issues.write_string_with_format(1, 0, NOTICE, &warn_text)?;
    let headers = [
        "#",
        "Severity",
        "Rule",
        "Sheet",
        "Cell",
        "Row",
        "Column",
        "Header as typed",
        "Value",
        "Message",
        "How to fix",
        "Child",
        "Acknowledged",
    ];
    let top = 3u32;
    let mut r = top + 1;
    for (n, f) in v.findings.iter().enumerate() {
        let fix = v
            .rules
            .iter()
            .find(|rule| rule.code == f.code)
            .map_or("", |rule| rule.fix.as_str());
        write_issue(issues, r, n + 1, f, f.location.as_deref(), &target, &link)?;
        issues.write_string(r, 10, fix)?;
        r += 1;
        for rel in &f.related {
            let mut also = f.clone();
            also.row = Some(rel.row);
            also.value = None;
            also.message = format!("also involved in finding #{}", n + 1);
            write_issue(issues, r, n + 1, &also, Some(&rel.location), &target, &link)?;
            r += 1;
        }
    }
    let columns: Vec<TableColumn> = headers
        .iter()
        .map(|h| TableColumn::new().set_header(*h))
        .collect();
    let last = r.max(top + 2) - 1;
    issues.add_table(
        top,
        0,
        last,
        headers.len() as u16 - 1,
        &Table::new().set_columns(&columns),
    )?;
    for (col, width) in [6, 10, 7, 16, 16, 6, 22, 18, 22, 70, 50, 12, 30]
        .iter()
        .enumerate()
    {
        issues.set_column_width(col as u16, *width)?;
    }
    issues.set_freeze_panes(top + 1, 0)?;

    // Summary
    let summary = wb.add_worksheet().set_name("Summary")?;
    summary.write_string_with_format(0, 0, "Validation summary", &title)?;
    summary.write_string_with_format(1, 0, NOTICE, &warn_text)?;
    let facts = [
        ("Export", file.to_string()),
        ("Input SHA-256", v.sha256.clone()),
        (
            "Period",
            v.period
                .map(|p| p.to_string())
                .unwrap_or_else(|| "(not given)".into()),
        ),
        ("Definitions version", v.definitions_version.clone()),
        ("Definitions SHA-256", v.definitions_hash.clone()),
        (
            "Tool version",
            format!("yjb-return {}", env!("CARGO_PKG_VERSION")),
        ),
        ("Verdict", v.verdict().to_string()),
        ("Errors", v.count(Severity::Error).to_string()),
        ("Warnings", v.count(Severity::Warning).to_string()),
        ("Notes", v.count(Severity::Info).to_string()),
    ];
    for (i, (k, val)) in facts.iter().enumerate() {
        summary.write_string_with_format(3 + i as u32, 0, *k, &bold)?;
        summary.write_string(3 + i as u32, 1, xml_safe(val))?;
    }
    let top = 3 + facts.len() as u32 + 1;
    let rule_headers = ["Rule", "Severity", "What it checks", "Status", "Findings"];
    for (i, rule) in v.rules.iter().enumerate() {
        let row = top + 1 + i as u32;
        summary.write_string(row, 0, &rule.code)?;
        summary.write_string(row, 1, severity_word(rule.severity))?;
        summary.write_string(row, 2, &rule.title)?;
        summary.write_string(
            row,
            3,
            match rule.status {
                RuleStatus::Ran => "ran",
                RuleStatus::NotApplicable => "not applicable (sheet absent)",
                RuleStatus::FailedInternally => "FAILED INSIDE THE TOOL",
            },
        )?;
        summary.write_number(row, 4, rule.findings as f64)?;
    }
    let columns: Vec<TableColumn> = rule_headers
        .iter()
        .map(|h| TableColumn::new().set_header(*h))
        .collect();
    summary.add_table(
        top,
        0,
        top + v.rules.len().max(1) as u32,
        4,
        &Table::new().set_columns(&columns),
    )?;
    for (col, width) in [22, 10, 80, 28, 10].iter().enumerate() {
        summary.set_column_width(col as u16, *width)?;
    }

    // By child
    let by_child = wb.add_worksheet().set_name("By child")?;
    by_child.write_string_with_format(0, 0, NOTICE, &warn_text)?;
    let mut children: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &v.findings {
        if let Some(child) = &f.child_id {
            children.entry(child).or_default().push(f);
        }
    }
    let child_headers = ["Child", "Findings", "Errors", "Rules", "First cell"];
    for (i, (child, fs)) in children.iter().enumerate() {
        let row = 3 + i as u32;
        by_child.write_string(row, 0, xml_safe(child))?;
        by_child.write_number(row, 1, fs.len() as f64)?;
        by_child.write_number(
            row,
            2,
            fs.iter().filter(|f| f.severity >= Severity::Error).count() as f64,
        )?;
        let mut codes: Vec<&str> = fs.iter().map(|f| f.code.as_str()).collect();
        codes.dedup();
        by_child.write_string(row, 3, codes.join(", "))?;
        if let Some(loc) = fs[0].location.as_deref() {
            write_link(by_child, row, 4, fs[0], loc, &target, &link)?;
        }
    }
    let columns: Vec<TableColumn> = child_headers
        .iter()
        .map(|h| TableColumn::new().set_header(*h))
        .collect();
    by_child.add_table(
        2,
        0,
        2 + children.len().max(1) as u32,
        4,
        &Table::new().set_columns(&columns),
    )?;
    for (col, width) in [16, 10, 10, 40, 22].iter().enumerate() {
        by_child.set_column_width(col as u16, *width)?;
    }

    // Copies of the export, highlighted.
    let fill = |c: u32| {
        Format::new()
            .set_background_color(Color::RGB(c))
            .set_border(FormatBorder::Thin)
    };
    let formats = [
        (Severity::Info, fill(0xDDEBF7)),
        (Severity::Warning, fill(0xFFEB9C)),
        (Severity::Error, fill(0xFFC7CE)),
    ];
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for sheet in &v.workbook.sheets {
        let mut marks: HashMap<(u32, u32), (Severity, Vec<String>)> = HashMap::new();
        for f in v
            .findings
            .iter()
            .filter(|f| f.sheet_name.as_deref() == Some(sheet.name.as_str()))
        {
            let (Some(row), Some(col)) = (f.row, f.col_index.or(Some(0))) else {
                continue;
            };
            let mark = marks.entry((row, col)).or_insert((f.severity, Vec::new()));
            mark.0 = mark.0.max(f.severity);
            mark.1.push(format!(
                "{} {}: {}",
                f.code,
                severity_word(f.severity),
                f.message
            ));
        }
        let ws = wb.add_worksheet().set_name(&copy_names[&sheet.name])?;
        for raw in &sheet.rows {
            let r = raw.row - 1;
            for (c, cell) in raw.cells.iter().enumerate() {
                let c = c as u16;
                let mark = marks.get(&(raw.row, u32::from(c)));
                let format = mark.and_then(|m| {
                    formats
                        .iter()
                        .find(|(s, _)| *s == m.0.min(Severity::Error))
                        .map(|(_, f)| f)
                });
                write_cell(ws, r, c, cell, format, &date_format)?;
            }
        }
        for ((row, col), (severity, messages)) in &marks {
            let r = row - 1;
            let c = *col as u16;
            if sheet
                .rows
                .iter()
                .find(|x| x.row == *row)
                .is_none_or(|x| x.cell(*col as usize).is_empty())
            {
                if let Some((_, f)) = formats
                    .iter()
                    .find(|(s, _)| *s == (*severity).min(Severity::Error))
                {
                    ws.write_blank(r, c, f)?;
                }
            }
            let note = Note::new(xml_safe(&messages.join("\n")))
                .set_author("yjb-return")
                .add_author_prefix(false)
                .set_width(360)
                .set_height(120);
            ws.insert_note(r, c, &note)?;
        }
        ws.set_freeze_panes(1, 0)?;
        ws.autofit();
    }
    wb.save_to_buffer()
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Info => "note",
        Severity::Warning => "warning",
        Severity::Error => "error",
        Severity::Fatal => "fatal",
    }
}

pub(crate) fn write_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    cell: &Cell,
    format: Option<&Format>,
    date_format: &Format,
) -> Result<(), XlsxError> {
    let plain = Format::new();
    let f = format.unwrap_or(&plain);
    match cell {
        Cell::Empty => {
            if let Some(f) = format {
                ws.write_blank(r, c, f)?;
            }
        }
        // Text is always written as text: a cell beginning with `=` stays data.
        Cell::Text(s) | Cell::Error(s) => {
            ws.write_string_with_format(r, c, xml_safe(s), f)?;
        }
        Cell::Number(n) => {
            ws.write_number_with_format(r, c, *n, f)?;
        }
        Cell::Bool(b) => {
            ws.write_boolean_with_format(r, c, *b, f)?;
        }
        Cell::Date(d) => {
            let dt = ExcelDateTime::from_ymd(
                d.year().clamp(1900, 9999) as u16,
                d.month() as u8,
                d.day() as u8,
            )?;
            let df = format.map_or_else(
                || date_format.clone(),
                |f| f.clone().set_num_format("yyyy-mm-dd"),
            );
            ws.write_datetime_with_format(r, c, &dt, &df)?;
        }
    }
    Ok(())
}

fn write_link(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    f: &Finding,
    location: &str,
    target: &dyn Fn(&str, &str) -> Option<String>,
    link: &Format,
) -> Result<(), XlsxError> {
    let cell = location.rsplit_once('!').map_or("A1", |(_, c)| c);
    let cell = if cell.contains(':') {
        format!("A{}", cell.split(':').next().unwrap_or("1"))
    } else {
        cell.to_string()
    };
    match f.sheet_name.as_deref().and_then(|s| target(s, &cell)) {
        Some(url) => {
            ws.write_url_with_format(r, c, Url::new(url).set_text(xml_safe(location)), link)?;
        }
        None => {
            ws.write_string(r, c, xml_safe(location))?;
        }
    }
    Ok(())
}

fn write_issue(
    ws: &mut Worksheet,
    r: u32,
    n: usize,
    f: &Finding,
    location: Option<&str>,
    target: &dyn Fn(&str, &str) -> Option<String>,
    link: &Format,
) -> Result<(), XlsxError> {
    ws.write_number(r, 0, n as f64)?;
    ws.write_string(r, 1, severity_word(f.severity))?;
    ws.write_string(r, 2, &f.code)?;
    ws.write_string(r, 3, xml_safe(f.sheet.as_deref().unwrap_or("")))?;
    if let Some(loc) = location {
        write_link(ws, r, 4, f, loc, target, link)?;
    }
    if let Some(row) = f.row {
        ws.write_number(r, 5, f64::from(row))?;
    }
    ws.write_string(r, 6, f.column.as_deref().unwrap_or(""))?;
    ws.write_string(r, 7, xml_safe(f.header.as_deref().unwrap_or("")))?;
    ws.write_string(r, 8, xml_safe(f.value.as_deref().unwrap_or("")))?;
    ws.write_string(r, 9, xml_safe(&f.message))?;
    ws.write_string(r, 11, xml_safe(f.child_id.as_deref().unwrap_or("")))?;
    ws.write_string(r, 12, xml_safe(f.acknowledged.as_deref().unwrap_or("")))?;
    Ok(())
}
