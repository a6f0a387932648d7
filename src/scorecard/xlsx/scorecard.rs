//! The *Scorecard* sheet, the workbook's page 1: the banners, the summary counts beside last
//! quarter's, the exceptions, then one row per indicator from what to what (this quarter's
//! figure and RAG, and the directions from last quarter's and last year's), the target and
//! floor, trend and sparkline, every benchmark, the target's owner and note with the marks;
//! the officer's commentary under the table; and every quarter of the window, printed on the
//! pages across with the indicator repeated.

use rust_xlsxwriter::{
    ChartEmptyCells, Color, Format, FormatAlign, Sparkline, Workbook, Worksheet, XlsxError,
};

use super::print::{
    DATA, Formats, SCORECARD, column_breaks, column_px, exact_f64, fit_row, fit_width,
    heading_width, num_format, print_setup, safe, scale_for, stored,
};
use super::texts::{
    direction_from, label, notes_text, quarter_format, rag_text, summary_lines, target_format,
    target_text,
};
use crate::scorecard::paper::{self, Furniture};
use crate::scorecard::publication::SYMBOL;
use crate::scorecard::{Card, Cell, Scorecard, counts_words};

/// The wrapped columns' widths, in characters; the others are as wide as their text.
const INDICATOR: f64 = 32.0;
const DIRECTION: f64 = 16.0;
const TREND: f64 = 9.0;
const SPARKLINE: f64 = 10.0;
const BENCHMARKS: f64 = 20.0;
const NOTES: f64 = 30.0;
const QUARTER: f64 = 10.0;

/// Column numbers.
const LATEST: u16 = 1;
const COUNTS: u16 = 2;
const RAG: u16 = 3;
const VS_PREVIOUS: u16 = 4;
const VS_LAST_YEAR: u16 = 5;
const TARGET: u16 = 6;
const FLOOR: u16 = 7;
const TREND_COL: u16 = 8;
const SPARK: u16 = 9;
const BENCH: u16 = 10;
const NOTES_COL: u16 = 11;
const FIRST_QUARTER: u16 = 12;

/// The quarters print on the pages across, at most twelve to a page, each page's opening
/// with the indicators' names (a repeated first column would print page 1's merged lines cut
/// short there).
const QUARTERS_PER_PAGE: usize = 12;

/// Where the quarters go: the columns of the names before each page of them, and each
/// quarter's column.
struct QuarterColumns {
    labels: Vec<u16>,
    quarters: Vec<u16>,
}

fn quarter_columns(n: usize) -> QuarterColumns {
    let mut out = QuarterColumns {
        labels: Vec::new(),
        quarters: Vec::new(),
    };
    let mut col = FIRST_QUARTER;
    for k in 0..n {
        if k % QUARTERS_PER_PAGE == 0 {
            out.labels.push(col);
            col += 1;
        }
        out.quarters.push(col);
        col += 1;
    }
    out
}

const HEADINGS: [&str; 12] = [
    "Indicator (and which way is better)",
    "Latest",
    "n of N",
    "RAG",
    "vs last quarter, from",
    "vs same quarter last year, from",
    "Target",
    "Floor",
    "Trend",
    "Over the window",
    "Benchmarks",
    "Owner, target note and marks",
];

/// The widths of every column: the narrow ones as wide as their longest text.
fn widths(s: &Scorecard) -> Vec<f64> {
    let texts = |f: &dyn Fn(&Card, &Cell) -> String| -> Vec<String> {
        s.cards
            .iter()
            .filter_map(|card| card.latest().map(|c| f(card, c)))
            .collect()
    };
    let fit = |t: Vec<String>, bold: bool| fit_width(t.iter().map(String::as_str), bold, 7.0);
    let least = |k: usize, w: f64| w.max(heading_width(HEADINGS[k], 5.0));
    let w = vec![
        INDICATOR,
        fit(
            texts(&|card, c| c.glance().short_words(&card.indicator)),
            true,
        ),
        fit(
            texts(&|card, c| counts_words(&card.indicator, &c.glance())),
            false,
        ),
        fit(texts(&|_, c| rag_text(c)), true),
        DIRECTION,
        DIRECTION,
        fit(texts(&|card, c| target_text(card, c, true)), false),
        fit(texts(&|card, c| target_text(card, c, false)), false),
        TREND,
        SPARKLINE,
        BENCHMARKS,
        NOTES,
    ];
    let mut w: Vec<f64> = w.iter().enumerate().map(|(k, x)| least(k, *x)).collect();
    let q = quarter_columns(s.window.len());
    let last = q.quarters.last().copied().unwrap_or(FIRST_QUARTER);
    for col in FIRST_QUARTER..=last {
        w.push(if q.labels.contains(&col) {
            INDICATOR
        } else {
            QUARTER
        });
    }
    w
}

/// A merged line across page 1's columns, as tall as its text.
fn line_across(
    ws: &mut Worksheet,
    row: u32,
    widths: &[f64],
    text: &str,
    format: &Format,
    bold: bool,
) -> Result<(), XlsxError> {
    ws.merge_range(row, 0, row, FIRST_QUARTER - 1, &safe(text), format)?;
    let width: f64 = widths[..FIRST_QUARTER as usize].iter().sum::<f64>() - 2.0;
    fit_row(ws, row, &[(text, width, bold)])
}

struct Row<'a> {
    row: u32,
    card: &'a Card,
    /// The card's first row on the Data sheet.
    data_row: u32,
}

fn indicator_row(
    ws: &mut Worksheet,
    r: &Row,
    s: &Scorecard,
    f: &Formats,
    widths: &[f64],
) -> Result<(), XlsxError> {
    let (row, card) = (r.row, r.card);
    let ind = &card.indicator;
    let Some(c) = card.latest() else {
        return Ok(());
    };
    let label = label(card, c);
    ws.write_string_with_format(row, 0, safe(&label), &f.wrap)?;
    let value_format = f.bold_num.clone().set_num_format(num_format(ind.unit));
    match &c.shown {
        Some(v) => {
            ws.write_number_with_format(row, LATEST, stored(ind.unit, v.to_f64()), &value_format)?
        }
        None => ws.write_string_with_format(
            row,
            LATEST,
            c.glance().value_words(ind),
            &f.bold_num.clone().set_align(FormatAlign::Right),
        )?,
    };
    ws.write_string_with_format(row, COUNTS, counts_words(ind, &c.glance()), &f.counts)?;
    let rag_fmt = c.rag.map_or(&f.plain_rag, |r| f.rag(r));
    ws.write_string_with_format(row, RAG, rag_text(c), rag_fmt)?;
    let previous = direction_from(card, c.vs_previous, &c.previous);
    let last_year = direction_from(card, c.vs_last_year, &c.last_year);
    for (col, text, d) in [
        (VS_PREVIOUS, &previous, c.vs_previous),
        (VS_LAST_YEAR, &last_year, c.vs_last_year),
    ] {
        let fmt = f.direction(d).clone().set_text_wrap();
        ws.write_string_with_format(row, col, safe(text), &fmt)?;
    }
    let target_fmt = f.text.clone().set_num_format(target_format(card));
    let floor_fmt = f.text.clone().set_num_format(num_format(ind.unit));
    let target = c.target.as_ref().map(|t| &t.target);
    for (col, x, fmt) in [
        (TARGET, target.map(|t| &t.target), &target_fmt),
        (FLOOR, target.and_then(|t| t.floor.as_ref()), &floor_fmt),
    ] {
        match x {
            Some(x) => {
                ws.write_number_with_format(row, col, stored(ind.unit, exact_f64(x)), fmt)?
            }
            None => ws.write_blank(row, col, &f.text)?,
        };
    }
    let trend = card.trend.map_or("n/a", |t| t.word());
    ws.write_string_with_format(row, TREND_COL, trend, &f.wrap)?;
    ws.write_blank(row, SPARK, &f.text)?;
    let n = s.window.len() as u32;
    if n > 0 {
        // Drawn from the Data sheet's plotted values, where a withheld figure is a gap.
        ws.add_sparkline(
            row,
            SPARK,
            &Sparkline::new()
                .set_range((
                    DATA,
                    r.data_row,
                    super::data::PLOTTED,
                    r.data_row + n - 1,
                    super::data::PLOTTED,
                ))
                .show_empty_cells_as(ChartEmptyCells::Gaps)
                .show_hidden_data(true)
                .show_markers(true)
                .set_sparkline_color(Color::RGB(0x1F4E79)),
        )?;
    }
    let benchmarks: Vec<String> = paper::benchmark_lines(card)
        .into_iter()
        .map(|b| crate::scorecard::bare(ind, b))
        .collect();
    let benchmarks = safe(&benchmarks.join("\n"));
    let notes = notes_text(card, c);
    ws.write_string_with_format(row, BENCH, &benchmarks, &f.wrap)?;
    ws.write_string_with_format(row, NOTES_COL, &notes, &f.wrap)?;
    let columns = quarter_columns(card.values.len());
    for col in &columns.labels {
        ws.write_string_with_format(row, *col, safe(&label), &f.wrap)?;
    }
    for (q, col) in card.values.iter().zip(columns.quarters) {
        let base = match q.rag {
            Some(r) => f.rag(r).clone(),
            None => f.text.clone(),
        };
        match &q.shown {
            Some(v) => ws.write_number_with_format(
                row,
                col,
                stored(ind.unit, v.to_f64()),
                &base.set_num_format(quarter_format(card, q)),
            )?,
            None if q.suppressed => {
                let letter = q
                    .rag
                    .map(|r| format!("{} ", &r.label()[..1]))
                    .unwrap_or_default();
                ws.write_string_with_format(row, col, format!("{letter}{SYMBOL}"), &base)?
            }
            None => ws.write_blank(row, col, &base)?,
        };
    }
    fit_row(
        ws,
        row,
        &[
            (&label, widths[0], false),
            (&previous, widths[VS_PREVIOUS as usize], true),
            (&last_year, widths[VS_LAST_YEAR as usize], true),
            (trend, widths[TREND_COL as usize], false),
            (&benchmarks, widths[BENCH as usize], false),
            (&notes, widths[NOTES_COL as usize], false),
        ],
    )
}

/// The officer's commentary, every quarter of the window, under the table.
fn commentary(
    ws: &mut Worksheet,
    mut row: u32,
    s: &Scorecard,
    f: &Formats,
    widths: &[f64],
) -> Result<u32, XlsxError> {
    let wrap = f.text.clone().set_text_wrap();
    let mut first = true;
    for card in &s.cards {
        for c in card.values.iter().rev() {
            for text in &c.commentary {
                if first {
                    ws.write_string_with_format(row, 0, "Commentary", &f.section)?;
                    row += 1;
                    first = false;
                }
                let line = format!(
                    "{} {}, {}: {text}",
                    card.indicator.section, card.indicator.label, c.period
                );
                line_across(ws, row, widths, &line, &wrap, false)?;
                row += 1;
            }
        }
    }
    Ok(row)
}

pub fn sheet(wb: &mut Workbook, s: &Scorecard, f: &Formats) -> Result<(), XlsxError> {
    let widths = widths(s);
    let ws = wb.add_worksheet().set_name(SCORECARD)?;
    let main_px: f64 = widths[..FIRST_QUARTER as usize]
        .iter()
        .map(|w| column_px(*w))
        .sum();
    let scale = scale_for(main_px);
    print_setup(ws, s, scale)?;
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let furniture = Furniture::of(s);
    ws.write_string_with_format(
        0,
        0,
        format!(
            "{} management board: scorecard to {}",
            safe(&s.yjs_name),
            s.to
        ),
        &f.title,
    )?;
    ws.set_row_height(0, 20)?;
    let first = s
        .window
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    let wrapped = f.sub.clone().set_text_wrap().set_align(FormatAlign::Top);
    line_across(
        ws,
        1,
        &widths,
        &format!(
            "{} quarters, {first} to {}; generated {} from the returns filed in the archive. \
             Counts only: no child is identified. A target marked ≥ is the least to reach \
             (higher is better), ≤ the most to stay at or under (lower is better).",
            s.window.len(),
            s.to,
            furniture.date
        ),
        &wrapped,
        false,
    )?;
    let mut row = 2;
    for banner in [furniture.publication.clone(), paper::provisional_banner(s)]
        .into_iter()
        .flatten()
    {
        line_across(ws, row, &widths, &banner, &f.banner, true)?;
        row += 1;
    }
    for line in summary_lines(s) {
        line_across(
            ws,
            row,
            &widths,
            &line,
            &f.text.clone().set_text_wrap(),
            false,
        )?;
        row += 1;
    }
    let exceptions: Vec<String> = s
        .exceptions()
        .iter()
        .filter_map(|c| {
            Some(format!(
                "{} {} ({})",
                c.indicator.section,
                c.indicator.label,
                paper::why_exception(c.latest()?).to_lowercase()
            ))
        })
        .collect();
    let text = if exceptions.is_empty() {
        "Exceptions: none (no indicator is red, amber or worse than last quarter).".to_string()
    } else {
        format!(
            "Exceptions, each with a page in scorecard.html and a chart on the Charts sheet: {}.",
            exceptions.join("; ")
        )
    };
    line_across(ws, row, &widths, &text, &wrapped, false)?;
    let header_row = row + 1;
    let columns = quarter_columns(s.window.len());
    let mut headings: Vec<String> = HEADINGS.iter().map(|h| h.to_string()).collect();
    headings.resize(widths.len(), HEADINGS[0].to_string());
    for (p, col) in s.window.iter().zip(&columns.quarters) {
        headings[*col as usize] = p.to_string();
    }
    for (c, h) in headings.iter().enumerate() {
        ws.write_string_with_format(header_row, c as u16, h, &f.header)?;
    }
    let cells: Vec<(&str, f64, bool)> = headings
        .iter()
        .zip(&widths)
        .map(|(h, w)| (h.as_str(), *w, true))
        .collect();
    fit_row(ws, header_row, &cells)?;
    ws.set_freeze_panes(header_row + 1, 1)?;
    ws.set_repeat_rows(header_row, header_row)?;
    // Each page of quarters starts a page of its own, with the names.
    let mut breaks: Vec<u32> = column_breaks(&widths[..FIRST_QUARTER as usize], 0, scale);
    breaks.extend(columns.labels.iter().map(|c| u32::from(*c)));
    ws.set_vertical_page_breaks(&breaks)?;
    let n = s.window.len() as u32;
    let mut row = header_row + 1;
    for (k, card) in s.cards.iter().enumerate() {
        let r = Row {
            row,
            card,
            data_row: 1 + k as u32 * n,
        };
        indicator_row(ws, &r, s, f, &widths)?;
        row += 1;
    }
    let legend = format!(
        "Quarter columns: G, A or R before a figure is its RAG then; break: a break in series \
         before the quarter; prov: provisional; rev: revised (its figures moved in a later \
         submission); {SYMBOL}: suppressed in a publication copy; an empty cell has no value. \
         The Guidance sheet explains every mark."
    );
    line_across(ws, row, &widths, &legend, &wrapped, false)?;
    commentary(ws, row + 2, s, f, &widths)?;
    Ok(())
}
