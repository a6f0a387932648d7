//! Page 1: what a board member reads first. The service and the window, the banners (a
//! publication copy, a provisional quarter), the summary counts beside last quarter's, the
//! exception pages with their page numbers, and one row per indicator: this quarter's figure
//! and RAG (and which way a fragile one tips), the target, the directions from what to what,
//! the trend, every benchmark, and the target's note and owner with the marks.

use std::fmt::Write as _;

use super::layout::{Block, Item, PAGE_WIDTH, Run, Section, Table, dense_row_height};
use super::parts::{direction_html, direction_words, rag_class, short_value, text_block};
use super::svg::{esc, sparkline};
use crate::scorecard::indicators::Polarity;
use crate::scorecard::paper::{self, Furniture};
use crate::scorecard::{Card, Cell, DirectionCounts, Scorecard, Summary, bare, counts_words};

/// The placeholder for the page the `k`th section starts on, filled in once every page is laid
/// out (an HTML comment: no text of the service's can hold one, `<` being escaped).
pub fn page_marker(k: usize) -> String {
    format!("<!--section-page:{k}-->")
}

/// The columns of the indicator table: heading and width in points.
const COLUMNS: [(&str, f64); 9] = [
    ("Indicator", 203.0),
    ("This quarter", 56.0),
    ("RAG", 62.0),
    ("Target", 48.0),
    ("vs last quarter", 74.0),
    ("vs same quarter last year", 74.0),
    ("Trend", 54.0),
    ("Benchmarks", 96.0),
    ("Owner, target note, marks", 118.0),
];

fn widths() -> Vec<f64> {
    COLUMNS.iter().map(|(_, w)| *w).collect()
}

/// `≥ 90.0%`: the target, with which side of it is green.
fn target_words(card: &Card, c: &Cell) -> (String, String) {
    let ind = &card.indicator;
    match &c.target {
        Some(t) => {
            let side = if ind.polarity == Polarity::Low {
                "≤"
            } else {
                "≥"
            };
            let short = |x| {
                let text = crate::scorecard::exact_with_unit(ind, x);
                match text.split_once(" per ") {
                    Some((n, _)) => n.to_string(),
                    None => text,
                }
            };
            (
                format!("{side} {}", short(&t.target.target)),
                t.target
                    .floor
                    .as_ref()
                    .map(|f| format!("floor {}", short(f)))
                    .unwrap_or_default(),
            )
        }
        None if ind.polarity == Polarity::Context => {
            ("context".to_string(), "no target".to_string())
        }
        None => ("none".to_string(), String::new()),
    }
}

/// Where an indicator is printed beyond page 1: its exception page, or the page of commentary
/// on other indicators (section numbers, filled in as page numbers once laid out).
#[derive(Debug, Clone, Copy, Default)]
pub struct Refs {
    pub exception: Option<usize>,
    pub commentary: Option<usize>,
}

/// The marks of this quarter's figure, in words.
fn marks(card: &Card, c: &Cell, refs: Refs) -> Vec<String> {
    let ind = &card.indicator;
    let mut m = Vec::new();
    if c.small_base {
        m.push(match &c.worth {
            Some(w) => format!(
                "small base: {}",
                crate::scorecard::status::worth_words(ind.unit, w)
            ),
            None => "small base".to_string(),
        });
    }
    if let Some(was) = &c.was {
        m.push(format!("revised: {}", was.words(ind)));
    }
    if c.gap {
        m.push("gap: no return".to_string());
    } else if c.notes.iter().any(|n| n.starts_with("not in this return")) {
        m.push("not in this return".to_string());
    }
    if c.break_before {
        m.push("break in series".to_string());
    }
    let commented = card.values.iter().any(|v| !v.commentary.is_empty());
    // An exception's page is listed above the table; commentary on another indicator has a
    // page of its own.
    if let (None, Some(k), true) = (refs.exception, refs.commentary, commented) {
        m.push(format!("commentary p. {}", page_marker(k)));
    }
    m
}

/// What a mark's words take on the page, with a page marker as its widest number.
fn measured(text: &str) -> String {
    let mut t = text.to_string();
    while let Some(start) = t.find("<!--section-page:") {
        let end = t[start..].find("-->").map_or(t.len(), |e| start + e + 3);
        t.replace_range(start..end, "999");
    }
    t
}

fn row(card: &Card, refs: Refs) -> Option<Block> {
    let c = card.latest()?;
    let ind = &card.indicator;
    let covers = ind
        .covers(c.period)
        .map(|w| format!(" ({w})"))
        .unwrap_or_default();
    let label = format!("{} {}{covers}", ind.section, ind.label);
    let now = c.glance();
    let value = short_value(card, &now);
    let counts = counts_words(ind, &now);
    let value_line = if c.provisional {
        format!("{value} prov")
    } else {
        value.clone()
    };
    let rag = c.rag.map_or(
        if c.shown.is_none() && !c.suppressed {
            "no data"
        } else {
            "no target"
        }
        .to_string(),
        |r| r.label().to_string(),
    );
    let tips: Vec<String> = c
        .tips
        .map(|t| t.words().split("; ").map(str::to_string).collect())
        .unwrap_or_default();
    let (target, floor) = target_words(card, c);
    let (prev_dir, prev_from) = (
        direction_words(c.vs_previous, ind.polarity),
        bare(ind, paper::from_words(ind, &c.previous)),
    );
    let (year_dir, year_from) = (
        direction_words(c.vs_last_year, ind.polarity),
        bare(ind, paper::from_words(ind, &c.last_year)),
    );
    let trend = card.trend.map_or("n/a", |t| t.word());
    let benchmarks: Vec<String> = paper::benchmark_lines(card)
        .into_iter()
        .map(|b| bare(ind, b))
        .collect();
    let note = owner_and_note(c);
    let marks = marks(card, c, refs);

    let bench_text = benchmarks.join("\n");
    let marks_text = marks
        .iter()
        .map(|m| measured(m))
        .collect::<Vec<_>>()
        .join(" · ");
    let tips_text = tips.join("\n");
    let cells: Vec<Vec<Run>> = vec![
        vec![Run::new(&label, 7.5)],
        vec![Run::bold(&value_line, 8.0), Run::new(&counts, 7.0)],
        vec![Run::bold(&rag, 7.5), Run::new(&tips_text, 7.0)],
        vec![Run::new(&target, 7.5), Run::new(&floor, 7.0)],
        vec![Run::bold(&prev_dir, 7.5), Run::new(&prev_from, 7.0)],
        vec![Run::bold(&year_dir, 7.5), Run::new(&year_from, 7.0)],
        // The sparkline is 10 points high.
        vec![Run::new("x", 8.7), Run::new(trend, 7.0)],
        vec![Run::new(&bench_text, 7.0)],
        vec![Run::new(&note, 7.0), Run::new(&marks_text, 7.0)],
    ];
    let refs: Vec<&[Run]> = cells.iter().map(Vec::as_slice).collect();
    let height = dense_row_height(&refs, &widths());

    let span = |class: &str, text: &str| {
        if text.is_empty() {
            String::new()
        } else {
            format!(r#"<span class="{class}">{}</span>"#, esc(text))
        }
    };
    let mut html = String::from("<tr>");
    write!(
        html,
        "<td><span class=\"l\"><b>{}</b> {}<span class=\"g\">{}</span></span></td>",
        esc(&ind.section),
        esc(&ind.label),
        esc(&covers)
    )
    .unwrap();
    // A provisional figure says so beside itself ("prov", as the every-quarter page does).
    let prov = if c.provisional {
        r#" <span class="g" style="font-weight:normal">prov</span>"#
    } else {
        ""
    };
    write!(
        html,
        "<td class=\"num\"><span class=\"v\">{}{prov}</span>{}</td>",
        esc(&value),
        span("s", &counts)
    )
    .unwrap();
    write!(
        html,
        "<td class=\"rag {}\"><span class=\"l\">{}</span>{}</td>",
        rag_class(c.rag),
        esc(&rag),
        tips.iter().map(|t| span("s", t)).collect::<String>()
    )
    .unwrap();
    write!(
        html,
        "<td class=\"num\">{}{}</td>",
        span("l", &target),
        span("s", &floor)
    )
    .unwrap();
    for (d, from) in [(c.vs_previous, &prev_from), (c.vs_last_year, &year_from)] {
        write!(
            html,
            "<td><span class=\"l\">{}</span>{}</td>",
            direction_html(d, ind.polarity),
            span("s", from)
        )
        .unwrap();
    }
    write!(html, "<td>{}{}</td>", sparkline(card), span("s", trend)).unwrap();
    write!(
        html,
        "<td>{}</td>",
        benchmarks.iter().map(|b| span("s", b)).collect::<String>()
    )
    .unwrap();
    html.push_str("<td>");
    html.push_str(&span("s", &note));
    if !marks.is_empty() {
        // The page markers are the tool's own HTML; the rest is escaped.
        let shown: Vec<String> = marks
            .iter()
            .map(|m| {
                let m = esc(m).replace("&lt;!--", "<!--").replace("--&gt;", "-->");
                format!(r#"<span class="chip">{m}</span>"#)
            })
            .collect();
        write!(html, r#"<span class="s">{}</span>"#, shown.join(" ")).unwrap();
    }
    html.push_str("</td></tr>");
    Some(Block { html, height })
}

/// `Head of Service: Board target since the KPIs began`.
fn owner_and_note(c: &Cell) -> String {
    let Some(t) = &c.target else {
        return String::new();
    };
    match (t.owner.as_str(), t.note.as_str()) {
        ("", note) => note.to_string(),
        (owner, "") => owner.to_string(),
        (owner, note) => format!("{owner}: {note}"),
    }
}

/// The RAG and direction counts beside last quarter's: `3 red, was 1`.
fn summary(s: &Scorecard) -> Block {
    let sum: Summary = s.summary();
    let was = sum.was.as_deref();
    let mut html = String::from(r#"<div class="boxes">"#);
    for (class, n, w, label) in [
        ("green", sum.green, was.map(|w| w.green), "green"),
        ("amber", sum.amber, was.map(|w| w.amber), "amber"),
        ("red", sum.red, was.map(|w| w.red), "red"),
        ("", sum.no_target, was.map(|w| w.no_target), "no target"),
        ("", sum.no_data, was.map(|w| w.no_data), "no data"),
    ] {
        write!(
            html,
            r#"<div class="box {class}"><span class="n">{n}</span> {label}<span class="k">{}</span></div>"#,
            w.map(|w| format!(", was {w}")).unwrap_or_default()
        )
        .unwrap();
    }
    let line = |d: &DirectionCounts| {
        format!(
            "{} better, {} same, {} worse, {} n/a",
            d.better, d.same, d.worse, d.not_applicable
        )
    };
    for (title, d, w) in [
        (
            "vs last quarter",
            &sum.vs_previous,
            was.map(|w| &w.vs_previous),
        ),
        (
            "vs last year",
            &sum.vs_last_year,
            was.map(|w| &w.vs_last_year),
        ),
    ] {
        write!(
            html,
            r#"<div class="box"><span class="k">{title}:</span> {}<span class="kb">{}</span></div>"#,
            line(d),
            w.map(|w| format!("was {}", line(w))).unwrap_or_default()
        )
        .unwrap();
    }
    html.push_str("</div>");
    // One line of 11 points, the padding and border, and the margin; the direction boxes may
    // take two lines of 8 where the counts are wide.
    Block {
        html,
        height: (11.0_f64 * 1.2).max(2.0 * 8.0 * 1.2) + 4.0 + 1.5 + 5.0,
    }
}

fn banner(text: &str) -> Block {
    text_block(
        format!(r#"<div class="banner">{}</div>"#, esc(text)),
        &[Run::bold(text, 8.5)],
        PAGE_WIDTH - 14.0,
        6.0 + 4.0 + 5.0,
    )
}

/// Page 1's section: the heading, banners, summary, the exception pages and the table.
/// `refs` says where each card is printed beyond page 1 (as `cards`); exception `k` is section
/// `k + 1`.
pub fn section(s: &Scorecard, exceptions: &[&Card], refs: &[Refs]) -> Section {
    let f = Furniture::of(s);
    let first = s
        .window
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    let sub = format!(
        "{} quarters, {first} to {}. Generated {} by yjb-return {} from the returns filed in the \
         archive. Counts only: no child is identified. A target marked ≥ is the least to reach \
         (higher is better), ≤ the most to stay at or under (lower is better); a rate is per the \
         population its indicator names; the guidance page explains every mark.",
        s.window.len(),
        s.to,
        f.date,
        env!("CARGO_PKG_VERSION"),
    );
    let title = format!("{} management board: scorecard to {}", s.yjs_name, s.to);
    let heading = text_block(
        format!(
            r#"<h1>{}</h1><p class="sub">{}</p>"#,
            esc(&title),
            esc(&sub)
        ),
        &[Run::bold(&title, 15.0), Run::new(&sub, 7.5)],
        PAGE_WIDTH,
        2.0 + 3.0,
    );
    let continued = super::parts::heading(&format!("{} (continued)", s.title), "").0;
    // A publication copy says so at the top of every page (the furniture); page 1 needs no
    // banner of its own for it.
    let mut items = Vec::new();
    if let Some(text) = paper::provisional_banner(s) {
        items.push(Item::Block(banner(&text)));
    }
    items.push(Item::Block(summary(s)));
    let list: Vec<(String, String)> = exceptions
        .iter()
        .enumerate()
        .filter_map(|(k, c)| {
            c.latest()?;
            let name = format!("{} {}", c.indicator.section, c.indicator.label);
            Some((
                format!("page {}: {}", page_marker(k + 1), esc(&name)),
                format!("page 999: {name}"),
            ))
        })
        .collect();
    let (html, measure) = if list.is_empty() {
        let t = "No indicator is red, amber or worse than last quarter: no exception pages.";
        (t.to_string(), t.to_string())
    } else {
        (
            format!(
                "<b>Exception pages</b> (red, amber or worse than last quarter): {}.",
                list.iter()
                    .map(|(h, _)| h.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            format!(
                "Exception pages (red, amber or worse than last quarter): {}.",
                list.iter()
                    .map(|(_, m)| m.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        )
    };
    items.push(Item::Block(text_block(
        format!(r#"<p class="small">{html}</p>"#),
        &[Run::new(&measure, 7.0)],
        PAGE_WIDTH,
        3.0,
    )));
    let mut head = String::from("<table class=\"summary dense\"><colgroup>");
    for (_, w) in COLUMNS {
        write!(head, r#"<col style="width:{w}pt">"#).unwrap();
    }
    head.push_str("</colgroup><thead><tr>");
    for (h, _) in COLUMNS {
        write!(head, "<th>{h}</th>").unwrap();
    }
    head.push_str("</tr></thead><tbody>");
    let head_runs: Vec<Vec<Run>> = COLUMNS
        .iter()
        .map(|(h, _)| vec![Run::bold(h, 7.0)])
        .collect();
    let head_refs: Vec<&[Run]> = head_runs.iter().map(Vec::as_slice).collect();
    let rows = s
        .cards
        .iter()
        .zip(refs)
        .filter_map(|(card, r)| row(card, *r))
        .collect();
    items.push(Item::Table(Table {
        head,
        head_height: dense_row_height(&head_refs, &widths()),
        rows,
    }));
    Section {
        heading,
        continued,
        items,
    }
}
