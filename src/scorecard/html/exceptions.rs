//! An exception page: an indicator that is RED, AMBER or worse than last quarter, with its
//! chart (target, benchmarks, gaps, breaks), its figures from what to what, the target's note
//! and owner, the notes, the officer's commentary and every quarter of the window.

use std::fmt::Write as _;

use super::layout::{Block, Item, PAGE_WIDTH, Run, Section, Table, row_height};
use super::parts::{direction_html, direction_words, heading, rag_class, text_block, value_text};
use super::svg::{CHART_HEIGHT, CHART_WIDTH, chart, esc};
use crate::scorecard::paper;
use crate::scorecard::status::worth_words;
use crate::scorecard::{Card, Cell, Scorecard, bare, counts_words, exact_with_unit};

/// The facts beside the chart: its columns' widths in points.
const FACTS: [f64; 2] = [82.0, PAGE_WIDTH - CHART_WIDTH - 10.0 - 82.0];

/// The facts table grows no taller than this beside the chart; beyond it the benchmarks go
/// under the chart, where they can run onto another page.
const FACTS_MOST: f64 = 330.0;

/// A row of facts: what, and its value as text (escaped here) or HTML with its text measured.
struct Fact {
    key: String,
    html: String,
    text: String,
}

fn fact(key: &str, text: String) -> Fact {
    Fact {
        key: key.to_string(),
        html: esc(&text),
        text,
    }
}

fn fact_html(key: &str, html: String, text: String) -> Fact {
    Fact {
        key: key.to_string(),
        html,
        text,
    }
}

fn fact_height(f: &Fact, widths: &[f64]) -> f64 {
    row_height(
        &[&[Run::new(&f.key, 7.5)], &[Run::new(&f.text, 7.5)]],
        widths,
    )
}

fn facts_table(facts: &[Fact], widths: &[f64]) -> (String, f64) {
    let mut html = String::from(r#"<table class="facts"><colgroup>"#);
    for w in widths {
        write!(html, r#"<col style="width:{w}pt">"#).unwrap();
    }
    html.push_str("</colgroup><tbody>");
    let mut height = 0.0;
    for f in facts {
        write!(
            html,
            r#"<tr><td style="font-size:7.5pt">{}</td><td style="font-size:7.5pt">{}</td></tr>"#,
            esc(&f.key),
            f.html
        )
        .unwrap();
        height += fact_height(f, widths);
    }
    html.push_str("</tbody></table>");
    (html, height)
}

/// The figures from what to what, and everything the service supplied about the indicator.
fn facts(s: &Scorecard, card: &Card, c: &Cell) -> (Vec<Fact>, Vec<Fact>) {
    let ind = &card.indicator;
    let now = c.glance();
    let mut main = Vec::new();
    let mut counts = counts_words(ind, &now);
    if !counts.is_empty() {
        counts.push_str(" in ");
    }
    let covers = ind
        .covers(c.period)
        .map(|w| format!(" ({w})"))
        .unwrap_or_default();
    main.push(fact("This quarter", format!("{counts}{}{covers}", s.to)));
    match &c.target {
        Some(t) => {
            main.push(fact(
                "Target",
                format!(
                    "{} ({})",
                    exact_with_unit(ind, &t.target.target),
                    ind.polarity.words()
                ),
            ));
            if let Some(f) = &t.target.floor {
                main.push(fact("Floor", exact_with_unit(ind, f)));
            }
        }
        None => main.push(fact("Target", format!("none ({})", ind.polarity.words()))),
    }
    let rag_text = c.rag.map_or("none".to_string(), |r| r.label().to_string());
    let tips = c
        .tips
        .map(|t| format!(" fragile: {}", t.words()))
        .unwrap_or_default();
    main.push(fact_html(
        "RAG",
        format!(
            r#"<span class="rag {}">&nbsp;{}&nbsp;</span>{}"#,
            rag_class(c.rag),
            esc(&rag_text),
            esc(&tips)
        ),
        format!("  {rag_text}  {tips}"),
    ));
    for (key, d, g) in [
        ("vs last quarter", c.vs_previous, &c.previous),
        ("vs same quarter last year", c.vs_last_year, &c.last_year),
    ] {
        let from = paper::from_words(ind, g);
        let from = if from.is_empty() || g.gap {
            from
        } else {
            format!("{from} ({})", g.period)
        };
        main.push(fact_html(
            key,
            format!("{} {}", direction_html(d, ind.polarity), esc(&from)),
            format!("{} {from}", direction_words(d, ind.polarity)),
        ));
    }
    main.push(fact(
        "Trend over the window",
        card.trend.map_or("n/a".into(), |t| t.word().to_string()),
    ));
    if let Some(w) = &c.worth {
        main.push(fact(
            "One child is worth",
            worth_words(ind.unit, w).replace("1 child = ", ""),
        ));
    }
    if let Some(t) = &c.target {
        if !t.note.is_empty() {
            main.push(fact("Target note", t.note.clone()));
        }
        if !t.owner.is_empty() {
            main.push(fact("Owner", t.owner.clone()));
        }
    }
    let benchmarks = card
        .benchmarks
        .iter()
        .map(|b| {
            fact(
                &format!("{} ({})", b.comparator, b.period),
                format!("{}. {}", exact_with_unit(ind, &b.value), b.source),
            )
        })
        .collect();
    (main, benchmarks)
}

fn quarters_table(card: &Card) -> Table {
    const COLS: [(&str, f64); 8] = [
        ("Quarter", 52.0),
        ("Value", 58.0),
        ("n of N", 66.0),
        ("Target", 52.0),
        ("RAG", 42.0),
        ("vs last quarter", 64.0),
        ("vs last year", 64.0),
        ("Notes", 387.0),
    ];
    let widths: Vec<f64> = COLS.iter().map(|(_, w)| *w).collect();
    let mut head = String::from("<table><colgroup>");
    for (_, w) in COLS {
        write!(head, r#"<col style="width:{w}pt">"#).unwrap();
    }
    head.push_str("</colgroup><thead><tr>");
    for (h, _) in COLS {
        write!(head, "<th>{h}</th>").unwrap();
    }
    head.push_str("</tr></thead><tbody>");
    let head_runs: Vec<Vec<Run>> = COLS.iter().map(|(h, _)| vec![Run::bold(h, 7.0)]).collect();
    let head_refs: Vec<&[Run]> = head_runs.iter().map(Vec::as_slice).collect();
    let ind = &card.indicator;
    let rows = card
        .values
        .iter()
        .rev()
        .map(|c| {
            // A rate without its "per 100,000": the page's heading says it.
            let g = c.glance();
            let value = g.short_words(ind);
            let counts = counts_words(ind, &g);
            let target = c
                .target
                .as_ref()
                .map(|t| bare(ind, exact_with_unit(ind, &t.target.target)))
                .unwrap_or_default();
            let rag = c.rag.map_or("", |r| r.label());
            let (prev, year) = (
                direction_words(c.vs_previous, ind.polarity),
                direction_words(c.vs_last_year, ind.polarity),
            );
            let notes = c.notes.join("\n");
            let period = c.period.to_string();
            let height = row_height(
                &[
                    &[Run::new(&period, 7.0)],
                    &[Run::new(&value, 7.0)],
                    &[Run::new(&counts, 7.0)],
                    &[Run::new(&target, 7.0)],
                    &[Run::bold(rag, 7.0)],
                    &[Run::bold(&prev, 7.0)],
                    &[Run::bold(&year, 7.0)],
                    &[Run::new(&notes, 7.0)],
                ],
                &widths,
            );
            let notes_html: Vec<String> = c.notes.iter().map(|n| esc(n)).collect();
            Block {
                html: format!(
                    "<tr><td>{period}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"rag {}\">{rag}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&value),
                    esc(&counts),
                    esc(&target),
                    rag_class(c.rag),
                    direction_html(c.vs_previous, ind.polarity),
                    direction_html(c.vs_last_year, ind.polarity),
                    notes_html.join("<br>")
                ),
                height,
            }
        })
        .collect();
    Table {
        head,
        head_height: row_height(&head_refs, &widths),
        rows,
    }
}

/// The commentary of every quarter of the window, newest first, as blocks.
pub(crate) fn commentary_blocks(card: &Card) -> Vec<Block> {
    card.values
        .iter()
        .rev()
        .flat_map(|c| c.commentary.iter().map(move |t| (c.period, t)))
        .map(|(period, text)| {
            let measured = format!("{period}: {text}");
            text_block(
                format!(
                    r#"<div class="comment"><b>{period}</b>: {}</div>"#,
                    esc(text)
                ),
                &[Run::new(&measured, 8.0)],
                PAGE_WIDTH - 3.0 - 10.0,
                4.0 + 3.0,
            )
        })
        .collect()
}

pub fn section(s: &Scorecard, card: &Card) -> Section {
    let ind = &card.indicator;
    let Some(c) = card.latest() else {
        let (heading, continued) = heading(&ind.label, "");
        return Section {
            heading,
            continued,
            items: Vec::new(),
        };
    };
    let title = format!("{}: {}", ind.section, ind.label);
    let sub = format!(
        "{} · {} · why this page: {}",
        ind.polarity.words(),
        ind.explanation,
        paper::why_exception(c)
    );
    let (heading, continued) = heading(&title, &sub);
    let (main, benchmarks) = facts(s, card, c);
    let value = value_text(card, &c.glance());
    let (mut facts_html, mut facts_h) = facts_table(&main, &FACTS);
    let (bench_html, bench_h) = facts_table(&benchmarks, &FACTS);
    let mut items = Vec::new();
    let benchmarks_below = facts_h + bench_h > FACTS_MOST;
    if !benchmarks_below {
        facts_html.push_str(&bench_html);
        facts_h += bench_h;
    }
    let figure = 20.0 * 1.2 + 2.0;
    items.push(Item::Block(Block {
        html: format!(
            r#"<div class="exc"><div>{}</div><div style="width:{}pt"><div class="figure">{}</div>{facts_html}</div></div>"#,
            chart(card),
            PAGE_WIDTH - CHART_WIDTH - 10.0,
            esc(&value)
        ),
        height: CHART_HEIGHT.max(figure + facts_h) + 4.0,
    }));
    if benchmarks_below {
        let widths = [200.0, PAGE_WIDTH - 200.0];
        items.push(Item::Block(text_block(
            "<h3>Benchmarks</h3>".into(),
            &[Run::bold("Benchmarks", 10.0)],
            PAGE_WIDTH,
            8.0,
        )));
        let rows = benchmarks
            .iter()
            .map(|f| Block {
                html: format!("<tr><td>{}</td><td>{}</td></tr>", esc(&f.key), f.html),
                height: fact_height(f, &widths),
            })
            .collect();
        items.push(Item::Table(Table {
            head: format!(
                r#"<table class="facts"><colgroup><col style="width:{}pt"><col style="width:{}pt"></colgroup><tbody>"#,
                widths[0], widths[1]
            ),
            head_height: 0.0,
            rows,
        }));
    }
    let comments = commentary_blocks(card);
    items.push(Item::Block(text_block(
        "<h3>Commentary</h3>".into(),
        &[Run::bold("Commentary", 10.0)],
        PAGE_WIDTH,
        8.0,
    )));
    if comments.is_empty() {
        let none = "No commentary was given for this indicator.";
        items.push(Item::Block(text_block(
            format!(r#"<p class="sub">{none}</p>"#),
            &[Run::new(none, 7.5)],
            PAGE_WIDTH,
            3.0,
        )));
    }
    items.extend(comments.into_iter().map(Item::Block));
    items.push(Item::Block(text_block(
        "<h3>Quarter by quarter</h3>".into(),
        &[Run::bold("Quarter by quarter", 10.0)],
        PAGE_WIDTH,
        8.0,
    )));
    items.push(Item::Table(quarters_table(card)));
    Section {
        heading,
        continued,
        items,
    }
}
