//! Charts for `scorecard.html`, drawn as inline SVG by the project: no script, no font, no
//! address of any kind, so the page prints the same on any machine and never reaches a network.
//! Values are plotted at their shown (rounded) figure; a gap breaks the line, a break in series
//! is a labelled vertical rule, the target a dashed step line and each benchmark a dotted rule.

use std::fmt::Write as _;

use crate::scorecard::exact::Exact;
use crate::scorecard::{Card, exact_with_unit};
use crate::text::xml_safe;

const W: f64 = 680.0;
const H: f64 = 250.0;

/// The chart as printed, in points: text of 10 units or more prints at 7.3 points or more.
pub const CHART_WIDTH: f64 = 500.0;
pub const CHART_HEIGHT: f64 = CHART_WIDTH * H / W;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 150.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 40.0;

fn f(x: &Exact) -> f64 {
    use num_traits::ToPrimitive;
    match (x.numer().to_f64(), x.denom().to_f64()) {
        (Some(n), Some(d)) => n / d,
        _ => 0.0,
    }
}

/// A figure in the chart's legend: a percentage with its sign, anything else as the bare
/// number (the axis and the page heading say what a rate is per), so the legend stays narrow.
fn legend_value(ind: &crate::scorecard::indicators::Indicator, x: &Exact) -> String {
    let text = exact_with_unit(ind, x);
    match text.split_once(" per ") {
        Some((number, _)) => number.to_string(),
        None => text,
    }
}

/// A comparator's name short enough for the legend beside the chart (the facts beside it give
/// it whole).
fn legend_name(name: &str) -> String {
    const MOST: usize = 16;
    if name.chars().count() <= MOST {
        return name.to_string();
    }
    let cut: String = name.chars().take(MOST - 1).collect();
    format!("{cut}…")
}

/// Escapes text for an SVG/HTML text node or attribute.
pub fn esc(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in xml_safe(text).chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            c => s.push(c),
        }
    }
    s
}

/// A round step for an axis from 0 (or below) to `max`: 1, 2 or 5 times a power of ten, giving
/// four to eight gridlines.
fn step(span: f64) -> f64 {
    if span <= 0.0 || !span.is_finite() {
        return 1.0;
    }
    let raw = span / 5.0;
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| span / s <= 8.0)
        .unwrap_or(10.0 * power)
}

/// A short quarter label for an axis: `Q2 24-25`.
fn quarter_label(p: crate::period::Period) -> String {
    let year = p.year_label();
    format!("Q{} {}", p.quarter(), year.get(2..).unwrap_or(&year))
}

/// The line chart of one indicator over the window.
pub fn chart(card: &Card) -> String {
    let ind = &card.indicator;
    let n = card.values.len().max(1);
    let values: Vec<Option<f64>> = card
        .values
        .iter()
        .map(|c| c.shown.as_ref().map(|s| s.to_f64()))
        .collect();
    let targets: Vec<Option<f64>> = card
        .values
        .iter()
        .map(|c| c.target.as_ref().map(|t| f(&t.target.target)))
        .collect();
    let benchmarks: Vec<f64> = card.benchmarks.iter().map(|b| f(&b.value)).collect();
    let max = values
        .iter()
        .chain(&targets)
        .flatten()
        .chain(&benchmarks)
        .fold(0.0f64, |a, &b| a.max(b));
    let step = step(if max > 0.0 { max } else { 1.0 });
    // The first gridline at or above the highest figure (a percentage tops out at 100).
    let top = ((max / step).ceil() * step).max(step);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let x = |i: usize| LEFT + plot_w * (i as f64 + 0.5) / n as f64;
    let y = |v: f64| TOP + plot_h * (1.0 - v / top);

    let mut s = String::new();
    write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {W} {H}" width="{CHART_WIDTH}pt" height="{CHART_HEIGHT:.1}pt" role="img" aria-label="{}">"#,
        esc(&format!("{} by quarter", ind.label))
    )
    .unwrap();
    // Gridlines and the value axis.
    let mut g = 0.0;
    while g <= top + step / 2.0 {
        let yy = y(g);
        let label = if ind.decimals() == 0 || step >= 1.0 {
            format!("{g:.0}")
        } else {
            format!("{g:.prec$}", prec = ind.decimals() as usize)
        };
        write!(
            s,
            r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#d0d0d0" stroke-width="1"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#444">{label}</text>"##,
            W - RIGHT,
            LEFT - 6.0,
            yy + 4.0
        )
        .unwrap();
        g += step;
    }
    // Quarter labels.
    for (i, c) in card.values.iter().enumerate() {
        write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="#444">{}</text>"##,
            x(i),
            H - BOTTOM + 16.0,
            esc(&quarter_label(c.period))
        )
        .unwrap();
        // A quarter without a point says why: no return, or a figure withheld.
        let why = if c.gap {
            "gap"
        } else if c.suppressed {
            crate::scorecard::publication::SYMBOL
        } else {
            ""
        };
        if !why.is_empty() {
            write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="#900">{why}</text>"##,
                x(i),
                H - BOTTOM + 30.0
            )
            .unwrap();
        }
    }
    // Breaks in series.
    for (i, c) in card.values.iter().enumerate() {
        if c.break_before {
            let xx = (x(i) + x(i.saturating_sub(1))) / 2.0;
            write!(
                s,
                r##"<line x1="{xx:.1}" y1="{TOP}" x2="{xx:.1}" y2="{:.1}" stroke="#7a3e9d" stroke-width="1.5" stroke-dasharray="2 3"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#7a3e9d">break in series</text>"##,
                H - BOTTOM,
                xx + 3.0,
                TOP + 10.0
            )
            .unwrap();
        }
    }
    // The target, as steps over the quarters where one applies.
    let mut last_target = None;
    for (i, t) in targets.iter().enumerate() {
        if let Some(t) = t {
            let (x1, x2) = (
                x(i) - plot_w / n as f64 / 2.0,
                x(i) + plot_w / n as f64 / 2.0,
            );
            write!(
                s,
                r##"<line x1="{x1:.1}" y1="{:.1}" x2="{x2:.1}" y2="{:.1}" stroke="#1b7837" stroke-width="2" stroke-dasharray="6 4"/>"##,
                y(*t),
                y(*t)
            )
            .unwrap();
            last_target = Some((*t, i));
        }
    }
    let mut legend_y = TOP + 12.0;
    let legend_x = W - RIGHT + 10.0;
    if let Some((t, i)) = last_target
        && let Some(row) = card.values.get(i).and_then(|c| c.target.as_ref())
    {
        write!(
            s,
            r##"<line x1="{legend_x}" y1="{legend_y}" x2="{:.1}" y2="{legend_y}" stroke="#1b7837" stroke-width="2" stroke-dasharray="6 4"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#1b7837">target {}</text>"##,
            legend_x + 22.0,
            legend_x + 26.0,
            legend_y + 4.0,
            esc(&legend_value(ind, &row.target.target))
        )
        .unwrap();
        let _ = t;
        legend_y += 18.0;
    }
    for (b, v) in card.benchmarks.iter().zip(&benchmarks) {
        write!(
            s,
            r##"<line x1="{LEFT}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#888" stroke-width="1.5" stroke-dasharray="1 3"/><line x1="{legend_x}" y1="{legend_y}" x2="{:.1}" y2="{legend_y}" stroke="#888" stroke-width="1.5" stroke-dasharray="1 3"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#555">{} {}</text>"##,
            y(*v),
            W - RIGHT,
            y(*v),
            legend_x + 22.0,
            legend_x + 26.0,
            legend_y + 4.0,
            esc(&legend_name(&b.comparator)),
            esc(&legend_value(ind, &b.value))
        )
        .unwrap();
        legend_y += 18.0;
    }
    // The values: one path per run of consecutive values, so a gap stays a gap.
    let mut runs: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut run = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => run.push((i, *v)),
            None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
            None => {}
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    for run in &runs {
        let d: Vec<String> = run
            .iter()
            .enumerate()
            .map(|(k, (i, v))| {
                format!(
                    "{}{:.1} {:.1}",
                    if k == 0 { "M" } else { "L" },
                    x(*i),
                    y(*v)
                )
            })
            .collect();
        write!(
            s,
            r##"<path d="{}" fill="none" stroke="#1f4e79" stroke-width="2.5"/>"##,
            d.join(" ")
        )
        .unwrap();
    }
    for (i, (c, v)) in card.values.iter().zip(&values).enumerate() {
        let Some(v) = v else { continue };
        let hollow = c.provisional || c.revised;
        write!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="{}" stroke="#1f4e79" stroke-width="2"/>"##,
            x(i),
            y(*v),
            if hollow { "#fff" } else { "#1f4e79" }
        )
        .unwrap();
        let mark = match (c.provisional, c.revised) {
            (true, true) => "prov rev",
            (true, false) => "prov",
            (false, true) => "rev",
            _ => "",
        };
        if !mark.is_empty() {
            write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="#1f4e79">{mark}</text>"##,
                x(i),
                y(*v) - 8.0
            )
            .unwrap();
        }
    }
    write!(
        s,
        r##"<line x1="{legend_x}" y1="{legend_y}" x2="{:.1}" y2="{legend_y}" stroke="#1f4e79" stroke-width="2.5"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#1f4e79">our figure</text>"##,
        legend_x + 22.0,
        legend_x + 26.0,
        legend_y + 4.0
    )
    .unwrap();
    s.push_str("</svg>");
    s
}

/// A small line over the window for the summary table (gaps break it).
pub fn sparkline(card: &Card) -> String {
    let (w, h) = (64.0, 13.0);
    let values: Vec<Option<f64>> = card
        .values
        .iter()
        .map(|c| c.shown.as_ref().map(|s| s.to_f64()))
        .collect();
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    let lo = present.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = present.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let n = values.len().max(2) - 1;
    let x = |i: usize| 2.0 + (w - 4.0) * i as f64 / n as f64;
    let y = |v: f64| {
        if hi > lo {
            h - 3.0 - (h - 6.0) * (v - lo) / (hi - lo)
        } else {
            h / 2.0
        }
    };
    let mut s = format!(
        r#"<svg class="spark" viewBox="0 0 {w} {h}" width="48pt" height="9.75pt" aria-hidden="true">"#
    );
    let mut d = String::new();
    let mut pen_down = false;
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                write!(
                    d,
                    "{}{:.1} {:.1} ",
                    if pen_down { "L" } else { "M" },
                    x(i),
                    y(*v)
                )
                .unwrap();
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    if !d.is_empty() {
        write!(
            s,
            r##"<path d="{}" fill="none" stroke="#1f4e79" stroke-width="1.5"/>"##,
            d.trim_end()
        )
        .unwrap();
    }
    if let Some((i, Some(v))) = values.iter().enumerate().next_back() {
        write!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="2.2" fill="#1f4e79"/>"##,
            x(i),
            y(*v)
        )
        .unwrap();
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_steps_are_round() {
        assert_eq!(step(100.0), 20.0);
        assert_eq!(step(7.0), 1.0);
        assert_eq!(step(0.9), 0.2);
        assert_eq!(step(0.0), 1.0);
        assert_eq!(step(f64::NAN), 1.0);
    }

    #[test]
    fn escapes_text() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
