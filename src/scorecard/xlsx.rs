//! `scorecard.xlsx`, for the board pack: the *Scorecard* (summary counts, then one row per
//! indicator with its RAG, directions, trend, a sparkline and every quarter of the window),
//! *Charts* (one Excel line chart per indicator, the target as a second series, gaps as gaps),
//! *Data* (indicator x quarter, everything behind each figure), *Guidance* and *Sources*.
//!
//! A RAG cell holds the word as well as the colour, so it survives a black-and-white printer
//! and a colour-blind reader. Every figure is a value, never a formula. Percentages are stored
//! as fractions formatted `0.0%`, like the return workbook.

use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartDataLabelPosition, ChartEmptyCells, ChartFont, ChartLegendPosition,
    ChartLine, ChartLineDashType, ChartMarker, ChartMarkerType, ChartType, Color, DocProperties,
    Format, FormatAlign, FormatBorder, Sparkline, Workbook, Worksheet, XlsxError,
};

use super::indicators::{Indicator, Polarity, Unit};
use super::status::{Direction, Rag};
use super::{Cell, Scorecard, counts_words, exact_with_unit};
use crate::text::xml_safe;
use crate::write::workbook::{WriteError, created, header_safe};

pub const SCORECARD: &str = "Scorecard";
pub const CHARTS: &str = "Charts";
pub const DATA: &str = "Data";
pub const GUIDANCE: &str = "Guidance";
pub const SOURCES: &str = "Sources";

struct Formats {
    title: Format,
    sub: Format,
    header: Format,
    section: Format,
    text: Format,
    wrap: Format,
    bold_num: Format,
    counts: Format,
    better: Format,
    worse: Format,
    rag: [Format; 3],
    plain_rag: Format,
}

impl Formats {
    fn new() -> Formats {
        let border = Format::new()
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xC8C8C8));
        let rag = |fill: u32, font: u32| {
            border
                .clone()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(fill))
                .set_font_color(Color::RGB(font))
        };
        Formats {
            title: Format::new().set_bold().set_font_size(16),
            sub: Format::new().set_font_color(Color::RGB(0x595959)),
            header: border
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter)
                .set_font_color(Color::White)
                .set_background_color(Color::RGB(0x1F4E79)),
            section: border
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xE8EEF5)),
            text: border.clone().set_align(FormatAlign::VerticalCenter),
            wrap: border
                .clone()
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter),
            bold_num: border.clone().set_bold(),
            counts: border.clone().set_align(FormatAlign::Right),
            better: border
                .clone()
                .set_bold()
                .set_font_color(Color::RGB(0x006100)),
            worse: border
                .clone()
                .set_bold()
                .set_font_color(Color::RGB(0x9C0006)),
            rag: [
                rag(0xFFC7CE, 0x9C0006),
                rag(0xFFEB9C, 0x7A4500),
                rag(0xC6EFCE, 0x006100),
            ],
            plain_rag: border.clone().set_align(FormatAlign::Center),
        }
    }

    fn rag(&self, r: Rag) -> &Format {
        &self.rag[match r {
            Rag::Red => 0,
            Rag::Amber => 1,
            Rag::Green => 2,
        }]
    }

    fn direction(&self, d: Direction) -> &Format {
        match d {
            Direction::Better => &self.better,
            Direction::Worse => &self.worse,
            _ => &self.text,
        }
    }
}

/// The number format of an indicator's values.
fn num_format(unit: Unit) -> &'static str {
    match unit {
        Unit::Percent => "0.0%",
        Unit::Rate => "0.0",
        Unit::Ratio => "0.00",
        Unit::Count => "#,##0",
    }
}

/// A value as stored in a cell: percentages as fractions, so Excel shows them with `%`.
fn stored(unit: Unit, shown: f64) -> f64 {
    if unit == Unit::Percent {
        shown / 100.0
    } else {
        shown
    }
}

fn exact_f64(x: &super::exact::Exact) -> f64 {
    use num_traits::ToPrimitive;
    match (x.numer().to_f64(), x.denom().to_f64()) {
        (Some(n), Some(d)) => n / d,
        _ => 0.0,
    }
}

/// The height a row needs for its wrapped cells: rust_xlsxwriter does not measure text, and a
/// row left at the default height hides all but the first line (and LibreOffice prints the
/// rest over the next row). `cells` are (text, column width in characters).
fn fit_row(ws: &mut Worksheet, row: u32, cells: &[(&str, f64)]) -> Result<(), XlsxError> {
    let lines = cells
        .iter()
        .map(|(text, width)| {
            let per_line = (width * 1.1).max(1.0) as usize;
            text.split('\n')
                .map(|l| l.chars().count().div_ceil(per_line).max(1))
                .sum::<usize>()
        })
        .max()
        .unwrap_or(1)
        .max(1);
    if lines > 1 {
        ws.set_row_height(row, 13.0 * lines as f64 + 2.0)?;
    }
    Ok(())
}

fn print_setup(ws: &mut Worksheet, s: &Scorecard, repeat: Option<u32>) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_header(format!(
        "&L{} ({})&CBoard scorecard to {}&RPage &P of &N",
        header_safe(&s.yjs_name),
        header_safe(&s.yjs_code),
        s.to
    ));
    ws.set_footer(format!(
        "&Lyjb-return {} · counts only&RGenerated {}",
        env!("CARGO_PKG_VERSION"),
        header_safe(&s.generated_at)
    ));
    if let Some(row) = repeat {
        ws.set_repeat_rows(row, row)?;
    }
    Ok(())
}

fn direction_text(d: Direction, polarity: Polarity) -> String {
    let arrow = d.arrow(polarity);
    if arrow.is_empty() {
        d.word().to_string()
    } else {
        format!("{arrow} {}", d.word())
    }
}

fn notes_text(c: &Cell) -> String {
    let mut all: Vec<String> = c.notes.clone();
    all.extend(c.commentary.iter().map(|t| format!("Commentary: {t}")));
    xml_safe(&all.join("\n")).into_owned()
}

fn write_value(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    ind: &Indicator,
    c: &Cell,
    format: &Format,
) -> Result<(), XlsxError> {
    match &c.shown {
        Some(v) => ws.write_number_with_format(row, col, stored(ind.unit, v.to_f64()), format)?,
        None => ws.write_blank(row, col, format)?,
    };
    Ok(())
}

const HEADER_ROW: u32 = 8;
/// The Scorecard sheet's first eleven columns, narrow enough that the sheet fitted to the width
/// of A4 landscape stays readable.
const WIDTHS: [f64; 11] = [40.0, 13.0, 9.0, 10.0, 8.0, 8.0, 9.0, 12.5, 12.5, 12.0, 12.0];
const BENCHMARK_WIDTH: f64 = 24.0;
const NOTES_WIDTH: f64 = 44.0;
const FIRST_QUARTER_COL: u16 = 11;

fn scorecard_sheet(wb: &mut Workbook, s: &Scorecard, f: &Formats) -> Result<(), XlsxError> {
    let n = s.window.len() as u16;
    let ws = wb.add_worksheet().set_name(SCORECARD)?;
    print_setup(ws, s, Some(HEADER_ROW))?;
    ws.write_string_with_format(
        0,
        0,
        format!(
            "{}: {} ({})",
            s.title,
            xml_safe(&s.yjs_name),
            xml_safe(&s.yjs_code)
        ),
        &f.title,
    )?;
    let first = s
        .window
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    ws.write_string_with_format(
        1,
        0,
        format!(
            "{} quarters, {first} to {}; generated {} from the returns filed in the archive. Counts only: no child is identified.",
            s.window.len(),
            s.to,
            xml_safe(&s.generated_at)
        ),
        &f.sub,
    )?;
    let sum = s.summary();
    ws.write_string_with_format(3, 0, format!("RAG at {}", s.to), &f.section)?;
    let rag_counts = [
        ("Green", sum.green, Some(Rag::Green)),
        ("Amber", sum.amber, Some(Rag::Amber)),
        ("Red", sum.red, Some(Rag::Red)),
        ("No target", sum.no_target, None),
        ("No data", sum.no_data, None),
    ];
    for (i, (label, count, rag)) in rag_counts.iter().enumerate() {
        let col = 1 + i as u16;
        let fmt = rag.map_or(&f.plain_rag, |r| f.rag(r));
        ws.write_string_with_format(3, col, *label, fmt)?;
        ws.write_number_with_format(4, col, *count as f64, fmt)?;
    }
    for (row, label, d) in [
        (5, "vs last quarter", &sum.vs_previous),
        (6, "vs same quarter last year", &sum.vs_last_year),
    ] {
        ws.write_string_with_format(row, 0, label, &f.section)?;
        for (i, (word, count, fmt)) in [
            ("better", d.better, &f.better),
            ("same", d.same, &f.text),
            ("worse", d.worse, &f.worse),
            ("n/a", d.not_applicable, &f.text),
            ("context", d.context, &f.text),
        ]
        .into_iter()
        .enumerate()
        {
            ws.write_string_with_format(row, 1 + i as u16, format!("{count} {word}"), fmt)?;
        }
    }

    let mut headers: Vec<String> = [
        "Indicator",
        "Which way",
        "Latest",
        "n of N",
        "Target",
        "Floor",
        "RAG",
        "vs last quarter",
        "vs last year",
        "Trend",
        "Over the window",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    headers.extend(s.window.iter().map(ToString::to_string));
    headers.push("Benchmarks".into());
    headers.push("Notes".into());
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, c as u16, h, &f.header)?;
    }
    for (c, w) in WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    for k in 0..n {
        ws.set_column_width(FIRST_QUARTER_COL + k, 8.5)?;
    }
    ws.set_column_width(FIRST_QUARTER_COL + n, BENCHMARK_WIDTH)?;
    ws.set_column_width(FIRST_QUARTER_COL + n + 1, NOTES_WIDTH)?;
    ws.set_row_height(HEADER_ROW, 30)?;
    ws.set_freeze_panes(HEADER_ROW + 1, 1)?;

    let mut row = HEADER_ROW + 1;
    for (section, cards) in s.sections() {
        ws.write_string_with_format(row, 0, section, &f.section)?;
        for c in 1..headers.len() as u16 {
            ws.write_blank(row, c, &f.section)?;
        }
        row += 1;
        for card in cards {
            let ind = &card.indicator;
            let Some(c) = card.latest() else { continue };
            let value_format = f.bold_num.clone().set_num_format(num_format(ind.unit));
            let quarter_format = f.text.clone().set_num_format(num_format(ind.unit));
            ws.write_string_with_format(row, 0, xml_safe(&ind.label), &f.wrap)?;
            ws.write_string_with_format(row, 1, ind.polarity.words(), &f.text)?;
            write_value(ws, row, 2, ind, c, &value_format)?;
            if c.shown.is_none() {
                ws.write_string_with_format(
                    row,
                    2,
                    if c.gap { "gap" } else { "no data" },
                    &f.text,
                )?;
            }
            ws.write_string_with_format(row, 3, counts_words(ind, c), &f.counts)?;
            let target = c.target.as_ref().map(|t| &t.target);
            for (col, x) in [
                (4, target.map(|t| &t.target)),
                (5, target.and_then(|t| t.floor.as_ref())),
            ] {
                match x {
                    Some(x) => ws.write_number_with_format(
                        row,
                        col,
                        stored(ind.unit, exact_f64(x)),
                        &quarter_format,
                    )?,
                    None => ws.write_blank(row, col, &f.text)?,
                };
            }
            match c.rag {
                Some(r) => ws.write_string_with_format(row, 6, r.label(), f.rag(r))?,
                None => ws.write_string_with_format(
                    row,
                    6,
                    if c.value.is_none() {
                        "no data"
                    } else {
                        "no target"
                    },
                    &f.plain_rag,
                )?,
            };
            ws.write_string_with_format(
                row,
                7,
                direction_text(c.vs_previous, ind.polarity),
                f.direction(c.vs_previous),
            )?;
            ws.write_string_with_format(
                row,
                8,
                direction_text(c.vs_last_year, ind.polarity),
                f.direction(c.vs_last_year),
            )?;
            ws.write_string_with_format(row, 9, card.trend.map_or("n/a", |t| t.word()), &f.text)?;
            ws.write_blank(row, 10, &f.text)?;
            for (k, q) in card.values.iter().enumerate() {
                let col = FIRST_QUARTER_COL + k as u16;
                // A provisional, revised or broken quarter is marked on the figure itself
                // (`62.1% R`), which stays a number for Excel.
                let letters = [
                    (q.break_before, "B"),
                    (q.provisional, "P"),
                    (q.revised, "R"),
                ]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, l)| *l)
                .collect::<Vec<_>>()
                .join(" ");
                let number = if letters.is_empty() {
                    num_format(ind.unit).to_string()
                } else {
                    format!("{}\" {letters}\"", num_format(ind.unit))
                };
                let fmt = match q.rag {
                    Some(r) => f.rag(r).clone().set_num_format(&number).set_bold(),
                    None => f.text.clone().set_num_format(&number),
                };
                write_value(ws, row, col, ind, q, &fmt)?;
            }
            if n > 0 {
                ws.add_sparkline(
                    row,
                    10,
                    &Sparkline::new()
                        .set_range((
                            SCORECARD,
                            row,
                            FIRST_QUARTER_COL,
                            row,
                            FIRST_QUARTER_COL + n - 1,
                        ))
                        .show_empty_cells_as(ChartEmptyCells::Gaps)
                        .show_markers(true)
                        .set_sparkline_color(Color::RGB(0x1F4E79)),
                )?;
            }
            let benchmarks: Vec<String> = card
                .benchmarks
                .iter()
                .map(|b| {
                    format!(
                        "{} ({}): {}",
                        b.comparator,
                        b.period,
                        exact_with_unit(ind, &b.value)
                    )
                })
                .collect();
            let benchmarks = xml_safe(&benchmarks.join("\n")).into_owned();
            let notes = notes_text(c);
            ws.write_string_with_format(row, FIRST_QUARTER_COL + n, &benchmarks, &f.wrap)?;
            ws.write_string_with_format(row, FIRST_QUARTER_COL + n + 1, &notes, &f.wrap)?;
            fit_row(
                ws,
                row,
                &[
                    (&ind.label, WIDTHS[0]),
                    (&benchmarks, BENCHMARK_WIDTH),
                    (&notes, NOTES_WIDTH),
                ],
            )?;
            row += 1;
        }
    }
    ws.write_string_with_format(
        row + 1,
        0,
        "Quarter columns: B break in series before the quarter, P provisional, R revised; an \
         empty cell has no value (see the Data sheet's notes). The Guidance sheet explains \
         every mark.",
        &f.sub,
    )?;
    Ok(())
}

/// The Data sheet's columns.
const DATA_COLUMNS: [(&str, f64); 22] = [
    ("Indicator id", 20.0),
    ("Indicator", 40.0),
    ("Quarter", 11.0),
    ("Numerator", 11.0),
    ("Denominator", 12.0),
    ("Value", 10.0),
    ("Target", 10.0),
    ("Floor", 10.0),
    ("RAG", 8.0),
    ("vs last quarter", 14.0),
    ("vs last year", 14.0),
    ("Small base", 10.0),
    ("Fragile", 9.0),
    ("Provisional", 11.0),
    ("Revised", 9.0),
    ("Gap", 6.0),
    ("Break in series", 10.0),
    ("Definitions version", 12.0),
    ("Source folder", 26.0),
    ("Input SHA-256", 20.0),
    ("Notes", 50.0),
    ("Commentary", 50.0),
];
const DATA_VALUE: u16 = 5;
const DATA_TARGET: u16 = 6;
const DATA_QUARTER: u16 = 2;

fn data_sheet(wb: &mut Workbook, s: &Scorecard, f: &Formats) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(DATA)?;
    print_setup(ws, s, Some(0))?;
    for (c, (h, w)) in DATA_COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(1, 3)?;
    let yes = |b: bool| if b { "yes" } else { "" };
    let mut row = 1;
    for card in &s.cards {
        let ind = &card.indicator;
        let value_format = f.text.clone().set_num_format(num_format(ind.unit));
        for c in &card.values {
            let source = s.sources.iter().find(|src| src.period == c.period);
            ws.write_string_with_format(row, 0, &ind.id, &f.text)?;
            ws.write_string_with_format(row, 1, xml_safe(&ind.label), &f.text)?;
            ws.write_string_with_format(row, DATA_QUARTER, c.period.to_string(), &f.text)?;
            for (col, v) in [(3, c.numerator), (4, c.denominator)] {
                match v {
                    Some(v) => ws.write_number_with_format(row, col, v as f64, &f.text)?,
                    None => ws.write_blank(row, col, &f.text)?,
                };
            }
            write_value(ws, row, DATA_VALUE, ind, c, &value_format)?;
            let target = c.target.as_ref();
            for (col, x) in [
                (DATA_TARGET, target.map(|t| &t.target.target)),
                (7, target.and_then(|t| t.target.floor.as_ref())),
            ] {
                match x {
                    Some(x) => ws.write_number_with_format(
                        row,
                        col,
                        stored(ind.unit, exact_f64(x)),
                        &value_format,
                    )?,
                    None => ws.write_blank(row, col, &f.text)?,
                };
            }
            match c.rag {
                Some(r) => ws.write_string_with_format(row, 8, r.label(), f.rag(r))?,
                None => ws.write_blank(row, 8, &f.text)?,
            };
            ws.write_string_with_format(row, 9, c.vs_previous.word(), &f.text)?;
            ws.write_string_with_format(row, 10, c.vs_last_year.word(), &f.text)?;
            for (col, b) in [
                (11, c.small_base),
                (12, c.fragile),
                (13, c.provisional),
                (14, c.revised),
                (15, c.gap),
                (16, c.break_before),
            ] {
                ws.write_string_with_format(row, col, yes(b), &f.text)?;
            }
            ws.write_string_with_format(
                row,
                17,
                source.map_or("", |x| x.definitions_version.as_str()),
                &f.text,
            )?;
            ws.write_string_with_format(
                row,
                18,
                source.map_or("", |x| x.folder.as_str()),
                &f.text,
            )?;
            ws.write_string_with_format(
                row,
                19,
                source.map_or("", |x| x.input_sha256.as_str()),
                &f.text,
            )?;
            ws.write_string_with_format(row, 20, xml_safe(&c.notes.join("; ")), &f.text)?;
            ws.write_string_with_format(row, 21, xml_safe(&c.commentary.join(" ")), &f.text)?;
            row += 1;
        }
    }
    if row > 1 {
        ws.autofilter(0, 0, row - 1, DATA_COLUMNS.len() as u16 - 1)?;
    }
    Ok(())
}

/// The label on the first point of a chart after a break in series.
const BREAK_LABEL: &str = "break in series";

/// Rows of the Charts sheet per row of charts.
const CHART_ROWS: u32 = 15;

fn charts_sheet(wb: &mut Workbook, s: &Scorecard) -> Result<(), XlsxError> {
    let n = s.window.len() as u32;
    let ws = wb.add_worksheet().set_name(CHARTS)?;
    print_setup(ws, s, None)?;
    ws.write_string(0, 0, "Each indicator by quarter: our figure, and the target where one applies (dashed). A gap in a line is a quarter with no return; a point labelled \"break in series\" is the first under definitions that work the figure out differently, so compare it with earlier quarters with care.")?;
    for (k, card) in s.cards.iter().enumerate() {
        let ind = &card.indicator;
        let first = 1 + k as u32 * n;
        let last = first + n.saturating_sub(1);
        let mut chart = Chart::new(ChartType::Line);
        chart
            .title()
            .set_name(xml_safe(&format!("{}: {}", ind.section, ind.label)).as_ref())
            .set_font(ChartFont::new().set_size(10).set_bold());
        chart.show_empty_cells_as(ChartEmptyCells::Gaps);
        chart.set_width(560).set_height(270);
        chart.legend().set_position(ChartLegendPosition::Bottom);
        let axis = chart.y_axis();
        axis.set_min(0);
        if ind.unit == Unit::Percent {
            axis.set_num_format("0%").set_max(1);
        } else {
            axis.set_num_format(num_format(ind.unit));
        }
        let series = chart.add_series();
        series
            .set_name("Our figure")
            .set_categories((DATA, first, DATA_QUARTER, last, DATA_QUARTER))
            .set_values((DATA, first, DATA_VALUE, last, DATA_VALUE))
            .set_format(
                ChartLine::new()
                    .set_color(Color::RGB(0x1F4E79))
                    .set_width(2.25),
            )
            .set_marker(
                ChartMarker::new()
                    .set_type(ChartMarkerType::Circle)
                    .set_size(6),
            );
        if card.values.iter().any(|c| c.break_before) {
            // A break in series is labelled on the first point under the new definitions (a
            // break follows a quarter with a return, so that point is not a gap).
            let labels: Vec<ChartDataLabel> = card
                .values
                .iter()
                .map(|c| {
                    if c.break_before {
                        ChartDataLabel::new()
                            .set_value(BREAK_LABEL)
                            .set_position(ChartDataLabelPosition::Above)
                            .set_font(ChartFont::new().set_size(9).set_color(Color::RGB(0x7A3E9D)))
                            .to_custom()
                    } else {
                        ChartDataLabel::new().set_hidden().to_custom()
                    }
                })
                .collect();
            series.set_custom_data_labels(&labels);
        }
        if card.values.iter().any(|c| c.target.is_some()) {
            chart
                .add_series()
                .set_name("Target")
                .set_categories((DATA, first, DATA_QUARTER, last, DATA_QUARTER))
                .set_values((DATA, first, DATA_TARGET, last, DATA_TARGET))
                .set_format(
                    ChartLine::new()
                        .set_color(Color::RGB(0x1B7837))
                        .set_width(2)
                        .set_dash_type(ChartLineDashType::Dash),
                )
                .set_marker(ChartMarker::new().set_none());
        }
        let row = 2 + (k as u32 / 2) * CHART_ROWS;
        let col = if k % 2 == 0 { 0 } else { 9 };
        ws.insert_chart(row, col, &chart)?;
    }
    // Two rows of charts to a page, none cut in half.
    let breaks: Vec<u32> = (1..=(s.cards.len() as u32).div_ceil(4))
        .map(|page| 2 + page * 2 * CHART_ROWS)
        .collect();
    ws.set_page_breaks(&breaks)?;
    Ok(())
}

fn guidance_sheet(wb: &mut Workbook, s: &Scorecard, f: &Formats) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(GUIDANCE)?;
    print_setup(ws, s, None)?;
    ws.set_column_width(0, 30)?;
    ws.set_column_width(1, 110)?;
    ws.write_string_with_format(0, 0, "How to read this scorecard", &f.title)?;
    let mut row = 2;
    for (title, text) in super::html::guidance() {
        ws.write_string_with_format(row, 0, title, &f.section)?;
        ws.write_string_with_format(row, 1, text, &f.wrap)?;
        fit_row(ws, row, &[(text, 110.0)])?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, "The indicators", &f.title)?;
    row += 1;
    for (c, h) in ["Indicator", "What it counts"].iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &f.header)?;
    }
    row += 1;
    for card in &s.cards {
        let ind = &card.indicator;
        let basis = match ind.basis {
            super::indicators::Basis::Quarter => "",
            super::indicators::Basis::Rolling => " Summed over the four quarters to the one shown.",
        };
        let name = xml_safe(&format!("{} ({})", ind.label, ind.id)).into_owned();
        let what = xml_safe(&format!(
            "{} ({}).{basis} Made from {}{}{}.",
            ind.explanation,
            ind.polarity.words(),
            ind.numerator.join(" + "),
            ind.denominator
                .as_ref()
                .map(|d| format!(" / {d}"))
                .unwrap_or_default(),
            ind.per
                .map(|p| format!(" per {p} of the 10-17 population"))
                .unwrap_or_default()
        ))
        .into_owned();
        ws.write_string_with_format(row, 0, &name, &f.wrap)?;
        ws.write_string_with_format(row, 1, &what, &f.wrap)?;
        fit_row(ws, row, &[(&name, 30.0), (&what, 110.0)])?;
        row += 1;
    }
    Ok(())
}

fn sources_sheet(wb: &mut Workbook, s: &Scorecard, f: &Formats) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(SOURCES)?;
    print_setup(ws, s, Some(0))?;
    let headers = [
        ("Quarter", 11.0),
        ("In the window", 9.0),
        ("Folder", 28.0),
        ("Submission", 10.0),
        ("Definitions version", 11.0),
        ("Generated at", 21.0),
        ("Input SHA-256", 22.0),
        ("Provisional", 10.0),
        ("Revised", 9.0),
        ("Figures that moved", 70.0),
    ];
    for (c, (h, w)) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    fit_row(ws, 0, &headers)?;
    let yes = |b: bool| if b { "yes" } else { "no" };
    for (i, src) in s.sources.iter().enumerate() {
        let row = 1 + i as u32;
        let moved: Vec<String> = src
            .revisions
            .iter()
            .map(|r| format!("since {}: {}", r.folder, r.moved_words()))
            .collect();
        let cells = [
            src.period.to_string(),
            yes(src.in_window).to_string(),
            src.folder.clone(),
            src.submission_words(),
            src.definitions_version.clone(),
            src.generated_at.clone(),
            src.input_sha256.clone(),
            yes(src.provisional).to_string(),
            yes(!src.revisions.is_empty()).to_string(),
            moved.join("\n"),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string_with_format(row, c as u16, xml_safe(v), &f.wrap)?;
        }
        fit_row(
            ws,
            row,
            &[(&cells[3], 10.0), (&cells[6], 22.0), (&cells[9], 70.0)],
        )?;
    }
    let gap_row = 2 + s.sources.len() as u32;
    if !s.gaps.is_empty() {
        let gaps: Vec<String> = s.gaps.iter().map(ToString::to_string).collect();
        ws.write_string(
            gap_row,
            0,
            format!(
                "Gaps in the window (no return on file, shown empty): {}",
                gaps.join(", ")
            ),
        )?;
    }
    Ok(())
}

/// Writes the scorecard workbook; the document's creation time is the generation time, so the
/// same scorecard gives the same bytes.
pub fn scorecard_xlsx(s: &Scorecard) -> Result<Vec<u8>, WriteError> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{} {} to {}", s.title, xml_safe(&s.yjs_code), s.to))
            .set_author("yjb-return")
            .set_company(xml_safe(&s.yjs_name))
            .set_comment("Counts only: no child's identifier appears in this workbook.")
            .set_creation_datetime(&created(&s.generated_at)?),
    );
    scorecard_sheet(&mut wb, s, &f)?;
    charts_sheet(&mut wb, s)?;
    data_sheet(&mut wb, s, &f)?;
    guidance_sheet(&mut wb, s, &f)?;
    sources_sheet(&mut wb, s, &f)?;
    Ok(crate::workbook_bytes::same_everywhere(wb.save_to_buffer()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_are_stored_as_fractions() {
        assert_eq!(stored(Unit::Percent, 75.0), 0.75);
        assert_eq!(stored(Unit::Rate, 12.5), 12.5);
        assert_eq!(num_format(Unit::Percent), "0.0%");
    }
}
