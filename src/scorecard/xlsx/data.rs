//! The *Data* sheet (indicator x quarter: everything behind each figure, for filtering on
//! screen, and printed across pages at a readable size) and the *Charts* sheet (one line chart
//! per indicator, the width of the page, drawn from the Data sheet's plotted columns, where a
//! gap or a withheld figure is a gap in the line).

use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartDataLabelPosition, ChartEmptyCells, ChartFont, ChartLegendPosition,
    ChartLine, ChartLineDashType, ChartMarker, ChartMarkerType, ChartType, Color, Workbook,
    XlsxError,
};

use super::print::{
    CHARTS, DATA, FONT, Formats, column_breaks, exact_f64, fit_row, fit_width, heading_width,
    num_format, print_setup, safe, stored,
};
use crate::scorecard::html::parts::direction_words;
use crate::scorecard::indicators::Unit;
use crate::scorecard::publication::SYMBOL;
use crate::scorecard::status::Rag;
use crate::scorecard::{Card, Cell, Scorecard};

/// What a Data cell holds.
enum Value {
    Text(String),
    Number(f64, &'static str),
    Rag(Option<Rag>),
    Blank,
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Text(t) => t.clone(),
            Value::Number(n, _) => format!("{n:.1}"),
            Value::Rag(r) => r.map_or(String::new(), |r| r.label().to_string()),
            Value::Blank => String::new(),
        }
    }
}

fn yes(b: bool) -> Value {
    Value::Text(if b { "yes" } else { "" }.to_string())
}

/// A count, or `c` where withheld, or nothing.
fn count(c: &Cell, n: Option<i64>) -> Value {
    match n {
        _ if c.suppressed => Value::Text(SYMBOL.into()),
        Some(n) => Value::Number(n as f64, "#,##0"),
        None => Value::Blank,
    }
}

/// The printed columns, then the long text kept for the screen, then the plotted columns.
const HEADINGS: [&str; 25] = [
    "Indicator id",
    "Quarter",
    "Numerator",
    "Denominator",
    "Value",
    "Target",
    "Floor",
    "RAG",
    "vs last quarter",
    "vs last year",
    "Small base",
    "Fragile: tips to",
    "Provisional",
    "Revised",
    "First shown",
    "Gap",
    "Break in series",
    "Suppressed",
    "Definitions version",
    "Source folder",
    "Input SHA-256",
    "Indicator",
    "Notes",
    "Commentary",
    "Plotted value",
];

/// The last column printed (the input SHA-256); the indicator's label, notes and commentary
/// after it are long text for filtering on screen (page 1 and the HTML print them).
const LAST_PRINTED: u16 = 20;
const DATA_QUARTER: u16 = 1;
/// The plotted value (blank at a gap or a withheld figure) and target: hidden, read by the
/// charts and sparklines.
pub const PLOTTED: u16 = 24;
pub const PLOTTED_TARGET: u16 = 25;
/// The wrapped columns' widths.
const LONG: f64 = 60.0;

fn values(s: &Scorecard, card: &Card, c: &Cell) -> Vec<Value> {
    let ind = &card.indicator;
    let source = s.sources.iter().find(|src| src.period == c.period);
    let fmt = num_format(ind.unit);
    let exact = |x: Option<&crate::scorecard::exact::Exact>| {
        x.map_or(Value::Blank, |x| {
            Value::Number(stored(ind.unit, exact_f64(x)), fmt)
        })
    };
    let target = c.target.as_ref().map(|t| &t.target);
    vec![
        Value::Text(ind.id.clone()),
        Value::Text(c.period.to_string()),
        count(c, c.numerator),
        count(c, c.denominator),
        match &c.shown {
            _ if c.suppressed => Value::Text(SYMBOL.into()),
            Some(v) => Value::Number(stored(ind.unit, v.to_f64()), fmt),
            None => Value::Blank,
        },
        exact(target.map(|t| &t.target)),
        exact(target.and_then(|t| t.floor.as_ref())),
        Value::Rag(c.rag),
        Value::Text(direction_words(c.vs_previous, ind.polarity)),
        Value::Text(direction_words(c.vs_last_year, ind.polarity)),
        yes(c.small_base),
        Value::Text(c.tips.map(|t| t.words()).unwrap_or_default()),
        yes(c.provisional),
        yes(c.revised),
        Value::Text(
            c.was
                .as_ref()
                .map(|w| w.figure.value_words(ind))
                .unwrap_or_default(),
        ),
        yes(c.gap),
        yes(c.break_before),
        yes(c.suppressed),
        Value::Text(source.map_or(String::new(), |x| x.definitions_version.clone())),
        Value::Text(source.map_or(String::new(), |x| x.folder.clone())),
        Value::Text(source.map_or(String::new(), |x| x.input_sha256.clone())),
        Value::Text(ind.label.clone()),
        Value::Text(c.notes.join("; ")),
        Value::Text(c.commentary.join(" ")),
    ]
}

pub fn data_sheet(wb: &mut Workbook, s: &Scorecard, f: &Formats) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(DATA)?;
    let rows: Vec<(&Card, &Cell, Vec<Value>)> = s
        .cards
        .iter()
        .flat_map(|card| card.values.iter().map(move |c| (card, c)))
        .map(|(card, c)| (card, c, values(s, card, c)))
        .collect();
    // Every printed column as wide as its longest text, so nothing is cut or runs over.
    let mut widths: Vec<f64> = (0..HEADINGS.len())
        .map(|k| {
            let texts: Vec<String> = rows
                .iter()
                .filter_map(|(_, _, v)| v.get(k).map(Value::text))
                .collect();
            let least = if k as u16 <= LAST_PRINTED {
                heading_width(HEADINGS[k], 7.0)
            } else {
                LONG
            };
            fit_width(texts.iter().map(String::as_str), true, least).min(80.0)
        })
        .collect();
    for w in &mut widths[(LAST_PRINTED as usize + 2)..PLOTTED as usize] {
        *w = LONG;
    }
    let scale = 75;
    print_setup(ws, s, scale)?;
    for (c, (h, w)) in HEADINGS.iter().zip(&widths).enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    ws.write_string_with_format(0, PLOTTED_TARGET, "Plotted target", &f.header)?;
    let header_cells: Vec<(&str, f64, bool)> = HEADINGS
        .iter()
        .zip(&widths)
        .take(LAST_PRINTED as usize + 1)
        .map(|(h, w)| (*h, *w, true))
        .collect();
    fit_row(ws, 0, &header_cells)?;
    ws.set_column_hidden(PLOTTED)?;
    ws.set_column_hidden(PLOTTED_TARGET)?;
    ws.set_freeze_panes(1, 2)?;
    ws.set_repeat_rows(0, 0)?;
    ws.set_repeat_columns(0, DATA_QUARTER)?;
    let printed = &widths[..=LAST_PRINTED as usize];
    ws.set_vertical_page_breaks(&column_breaks(printed, 2, scale))?;
    let mut row = 1u32;
    for (card, c, values) in &rows {
        let ind = &card.indicator;
        for (col, v) in values.iter().enumerate() {
            let col = col as u16;
            match v {
                Value::Text(t) => ws.write_string_with_format(row, col, safe(t), &f.text)?,
                Value::Number(n, fmt) => {
                    ws.write_number_with_format(row, col, *n, &f.text.clone().set_num_format(*fmt))?
                }
                Value::Rag(Some(r)) => {
                    ws.write_string_with_format(row, col, r.label(), f.rag(*r))?
                }
                Value::Rag(None) | Value::Blank => ws.write_blank(row, col, &f.text)?,
            };
        }
        let fmt = f.text.clone().set_num_format(num_format(ind.unit));
        match &c.shown {
            Some(v) => {
                ws.write_number_with_format(row, PLOTTED, stored(ind.unit, v.to_f64()), &fmt)?
            }
            None => ws.write_blank(row, PLOTTED, &fmt)?,
        };
        match c.target.as_ref() {
            Some(t) => ws.write_number_with_format(
                row,
                PLOTTED_TARGET,
                stored(ind.unit, exact_f64(&t.target.target)),
                &fmt,
            )?,
            None => ws.write_blank(row, PLOTTED_TARGET, &fmt)?,
        };
        row += 1;
    }
    ws.set_print_area(0, 0, row.saturating_sub(1).max(1), LAST_PRINTED)?;
    if row > 1 {
        ws.autofilter(0, 0, row - 1, PLOTTED - 1)?;
    }
    Ok(())
}

/// The label on the first point of a chart after a break in series.
const BREAK_LABEL: &str = "break in series";

/// A chart's size in pixels, two to a row across the page; rows of the Charts sheet per row of
/// charts (17 pixels each), two rows of charts to a page.
const CHART_WIDTH: u32 = 500;
const CHART_HEIGHT: u32 = 275;
const CHART_GAP: i32 = 15;
const CHART_ROWS: u32 = 17;
/// The columns the charts span (64 pixels each): the printed width of the sheet.
const CHART_COLUMNS: u16 = 16;

pub fn charts_sheet(wb: &mut Workbook, s: &Scorecard, f: &Formats) -> Result<(), XlsxError> {
    let n = s.window.len() as u32;
    let ws = wb.add_worksheet().set_name(CHARTS)?;
    print_setup(ws, s, 100)?;
    let intro = "Each indicator by quarter: our figure, and the target where one applies (dashed). \
                 A gap in a line is a quarter with no return, or a figure suppressed in a \
                 publication copy; a point labelled \"break in series\" is the first under \
                 definitions that work the figure out differently, so compare it with earlier \
                 quarters with care.";
    ws.merge_range(
        0,
        0,
        0,
        CHART_COLUMNS - 1,
        intro,
        &f.sub.clone().set_text_wrap(),
    )?;
    fit_row(ws, 0, &[(intro, f64::from(CHART_COLUMNS) * 8.43, false)])?;
    let font = |size: f64| {
        let mut font = ChartFont::new();
        font.set_name(FONT).set_size(size);
        font
    };
    for (k, card) in s.cards.iter().enumerate() {
        let ind = &card.indicator;
        let first = 1 + k as u32 * n;
        let last = first + n.saturating_sub(1);
        let mut chart = Chart::new(ChartType::Line);
        chart
            .title()
            .set_name(&safe(&format!("{}: {}", ind.section, ind.label)))
            .set_font(font(10.0).set_bold());
        chart.show_empty_cells_as(ChartEmptyCells::Gaps);
        chart.show_hidden_data();
        chart.set_width(CHART_WIDTH).set_height(CHART_HEIGHT);
        chart
            .legend()
            .set_position(ChartLegendPosition::Bottom)
            .set_font(&font(9.0));
        chart.x_axis().set_font(&font(9.0));
        let axis = chart.y_axis();
        axis.set_min(0).set_font(&font(9.0));
        if ind.unit == Unit::Percent {
            axis.set_num_format("0%").set_max(1);
        } else {
            axis.set_num_format(num_format(ind.unit));
        }
        let series = chart.add_series();
        series
            .set_name("Our figure")
            .set_categories((DATA, first, DATA_QUARTER, last, DATA_QUARTER))
            .set_values((DATA, first, PLOTTED, last, PLOTTED))
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
                            .set_font(font(9.0).set_color(Color::RGB(0x7A3E9D)))
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
                .set_values((DATA, first, PLOTTED_TARGET, last, PLOTTED_TARGET))
                .set_format(
                    ChartLine::new()
                        .set_color(Color::RGB(0x1B7837))
                        .set_width(2)
                        .set_dash_type(ChartLineDashType::Dash),
                )
                .set_marker(ChartMarker::new().set_none());
        }
        let row = 2 + (k as u32 / 2) * CHART_ROWS;
        let x = if k % 2 == 0 {
            0
        } else {
            CHART_WIDTH as i32 + CHART_GAP
        };
        ws.insert_chart_with_offset(row, 0, &chart, x as u32, 0)?;
    }
    // Two rows of charts to a page, none cut in half, and the page's whole width printed.
    let chart_rows = (s.cards.len() as u32).div_ceil(2);
    let breaks: Vec<u32> = (1..chart_rows.div_ceil(2))
        .map(|page| 2 + page * 2 * CHART_ROWS)
        .collect();
    ws.set_page_breaks(&breaks)?;
    ws.set_print_area(0, 0, 1 + chart_rows * CHART_ROWS, CHART_COLUMNS - 1)?;
    Ok(())
}
