//! The pages after the exceptions: commentary on indicators without an exception page, every
//! quarter of the window (each RAG as its letter as well as its colour, so a black-and-white
//! copy still tells red from green), the guidance and the returns used.

use std::fmt::Write as _;

use super::exceptions::commentary_blocks;
use super::layout::{Block, Item, PAGE_WIDTH, Run, Section, Table, row_height};
use super::parts::{heading, rag_class, text_block};
use super::svg::esc;
use crate::scorecard::paper;
use crate::scorecard::publication::{SYMBOL, revision_lines};
use crate::scorecard::{Card, Cell, Scorecard};

fn table_head(columns: &[(String, f64)]) -> (String, f64) {
    let mut head = String::from("<table><colgroup>");
    for (_, w) in columns {
        write!(head, r#"<col style="width:{w}pt">"#).unwrap();
    }
    head.push_str("</colgroup><thead><tr>");
    for (h, _) in columns {
        write!(head, "<th>{}</th>", esc(h)).unwrap();
    }
    head.push_str("</tr></thead><tbody>");
    let runs: Vec<Vec<Run>> = columns
        .iter()
        .map(|(h, _)| vec![Run::bold(h, 7.0)])
        .collect();
    let refs: Vec<&[Run]> = runs.iter().map(Vec::as_slice).collect();
    let widths: Vec<f64> = columns.iter().map(|(_, w)| *w).collect();
    (head, row_height(&refs, &widths))
}

/// Commentary on indicators that have no exception page, so none the officer wrote is lost.
pub fn other_commentary(cards: &[&Card]) -> Section {
    let (heading, continued) = heading(
        "Commentary on other indicators",
        "The officer's commentary on indicators that are not exceptions, newest quarter first.",
    );
    let mut items = Vec::new();
    for card in cards {
        let title = format!("{}: {}", card.indicator.section, card.indicator.label);
        let mut blocks = commentary_blocks(card).into_iter();
        if let Some(first) = blocks.next() {
            // The indicator's name stays with its first comment.
            let name = text_block(
                format!("<h3>{}</h3>", esc(&title)),
                &[Run::bold(&title, 10.0)],
                PAGE_WIDTH,
                8.0,
            );
            items.push(Item::Block(Block {
                html: format!("{}{}", name.html, first.html),
                height: name.height + first.height,
            }));
        }
        items.extend(blocks.map(Item::Block));
    }
    Section {
        heading,
        continued,
        items,
    }
}

/// A quarter's cell: the RAG's letter, the value, and short marks.
fn quarter_text(c: &Cell) -> (String, String) {
    let letter = c.rag.map(|r| &r.label()[..1]);
    let value = match &c.shown {
        _ if c.suppressed => SYMBOL.to_string(),
        Some(v) => v.to_string(),
        None if c.gap => "gap".into(),
        None => "–".into(),
    };
    let marks: Vec<&str> = [
        (c.break_before, "break"),
        (c.provisional, "prov"),
        (c.revised, "rev"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, w)| *w)
    .collect();
    let marks = marks.join(" ");
    let text = [letter.unwrap_or(""), &value, &marks]
        .iter()
        .filter(|t| !t.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let html = format!(
        "{}{}{}",
        letter.map_or(String::new(), |l| format!("<b>{l}</b> ")),
        esc(&value),
        if marks.is_empty() {
            String::new()
        } else {
            format!(r#" <span class="small">{marks}</span>"#)
        }
    );
    (text, html)
}

/// Every indicator, every quarter of the window.
pub fn every_quarter(s: &Scorecard) -> Section {
    let (heading, continued) = heading(
        "Every quarter of the window",
        "Each RAG is printed as its letter (R red, A amber, G green) as well as its colour.",
    );
    let label_width = 190.0;
    let n = s.window.len().max(1) as f64;
    let quarter_width = (PAGE_WIDTH - label_width) / n;
    let mut columns = vec![("Indicator".to_string(), label_width)];
    columns.extend(s.window.iter().map(|p| (p.to_string(), quarter_width)));
    let widths: Vec<f64> = columns.iter().map(|(_, w)| *w).collect();
    let (head, head_height) = table_head(&columns);
    let mut rows = Vec::new();
    for (section, cards) in s.sections() {
        rows.push(Block {
            html: format!(
                r#"<tr><td class="section" colspan="{}">{}</td></tr>"#,
                s.window.len() + 1,
                esc(section)
            ),
            height: row_height(&[&[Run::bold(section, 7.0)]], &[PAGE_WIDTH]),
        });
        for card in cards {
            let label = &card.indicator.label;
            let cells: Vec<(String, String, &Cell)> = card
                .values
                .iter()
                .map(|c| {
                    let (text, html) = quarter_text(c);
                    (text, html, c)
                })
                .collect();
            let mut runs: Vec<Vec<Run>> = vec![vec![Run::new(label, 7.0)]];
            runs.extend(cells.iter().map(|(t, _, _)| vec![Run::bold(t, 7.0)]));
            let refs: Vec<&[Run]> = runs.iter().map(Vec::as_slice).collect();
            let mut html = format!("<tr><td>{}</td>", esc(label));
            for (_, cell_html, c) in &cells {
                write!(
                    html,
                    r#"<td class="num {}">{cell_html}</td>"#,
                    rag_class(c.rag)
                )
                .unwrap();
            }
            html.push_str("</tr>");
            rows.push(Block {
                html,
                height: row_height(&refs, &widths),
            });
        }
    }
    let legend = "G green, A amber, R red against the target then in force. break: a break in \
                  series before this quarter; prov: provisional; rev: revised (its figures moved \
                  in a later submission); c: suppressed in a publication copy; –: no data \
                  (nobody to count, or not in that return); gap: no return for the quarter.";
    Section {
        heading,
        continued,
        items: vec![
            Item::Table(Table {
                head,
                head_height,
                rows,
            }),
            Item::Block(text_block(
                format!(
                    r#"<p class="sub" style="margin-top:3pt">{}</p>"#,
                    esc(legend)
                ),
                &[Run::new(legend, 7.5)],
                PAGE_WIDTH,
                6.0,
            )),
        ],
    }
}

/// The guidance notes, the returns used and the gaps.
pub fn guidance(s: &Scorecard) -> Section {
    let (heading, continued) = heading("How to read this scorecard", "");
    let mut items = Vec::new();
    for (title, text) in paper::guidance(s) {
        items.push(Item::Block(text_block(
            format!("<h3>{}</h3><p>{}</p>", esc(title), esc(&text)),
            &[Run::bold(title, 10.0), Run::new(&text, 9.0)],
            PAGE_WIDTH,
            8.0 + 3.0,
        )));
    }
    let columns: Vec<(String, f64)> = [
        ("Quarter", 95.0),
        ("Folder", 140.0),
        ("Submission", 62.0),
        ("Definitions", 55.0),
        ("Generated at", 95.0),
        ("Provisional", 50.0),
        ("Figures that moved", 288.0),
    ]
    .iter()
    .map(|(h, w)| (h.to_string(), *w))
    .collect();
    let widths: Vec<f64> = columns.iter().map(|(_, w)| *w).collect();
    let (mut head, head_height) = table_head(&columns);
    let title = "Returns used";
    head.insert_str(0, &format!("<h3>{title}</h3>"));
    let mut rows = Vec::new();
    for src in &s.sources {
        // A resubmission that moved many figures runs on over rows, each within a page.
        let moved = revision_lines(&src.revisions, s.paper.publication);
        let first = [
            format!(
                "{}{}",
                src.period,
                if src.in_window {
                    ""
                } else {
                    " (before the window)"
                }
            ),
            src.folder.clone(),
            src.submission_words(),
            src.definitions_version.clone(),
            paper::time_words(&src.generated_at),
            if src.provisional { "yes" } else { "no" }.to_string(),
            moved.first().cloned().unwrap_or_else(|| "none".to_string()),
        ];
        let more = moved.iter().skip(1).map(|line| {
            let mut cells: [String; 7] = Default::default();
            cells[6] = line.clone();
            cells
        });
        for cells in std::iter::once(first).chain(more) {
            let runs: Vec<Vec<Run>> = cells.iter().map(|t| vec![Run::new(t, 7.0)]).collect();
            let refs: Vec<&[Run]> = runs.iter().map(Vec::as_slice).collect();
            let mut html = String::from("<tr>");
            for t in &cells {
                write!(html, "<td>{}</td>", esc(t)).unwrap();
            }
            html.push_str("</tr>");
            rows.push(Block {
                html,
                height: row_height(&refs, &widths),
            });
        }
    }
    items.push(Item::Table(Table {
        head,
        head_height: head_height + 10.0 * 1.2 + 8.0,
        rows,
    }));
    if !s.gaps.is_empty() {
        let gaps: Vec<String> = s.gaps.iter().map(ToString::to_string).collect();
        let text = format!("Gaps (no return on file): {}.", gaps.join(", "));
        items.push(Item::Block(text_block(
            format!(r#"<p style="margin-top:3pt">{}</p>"#, esc(&text)),
            &[Run::new(&text, 9.0)],
            PAGE_WIDTH,
            6.0,
        )));
    }
    Section {
        heading,
        continued,
        items,
    }
}
