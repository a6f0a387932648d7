//! The pieces every page of the HTML is made of: a paragraph as a block, a section heading, a
//! RAG's class, a direction and a value in words.

use std::fmt::Write as _;

use super::layout::{self, Block, PAGE_WIDTH, Run};
use super::svg::esc;
use crate::scorecard::indicators::Polarity;
use crate::scorecard::status::{Direction, Rag};
use crate::scorecard::{Card, Glance, with_unit};

/// A paragraph of text as a block: its HTML and height (with `margin` points below it).
pub(crate) fn text_block(html: String, runs: &[Run], width: f64, margin: f64) -> Block {
    Block {
        html,
        height: layout::height(runs, width) + margin,
    }
}

/// A section heading (`h2`) with a line under it, and its continued form.
pub(crate) fn heading(title: &str, sub: &str) -> (Block, Block) {
    let make = |t: &str| {
        let mut html = format!("<h2>{}</h2>", esc(t));
        let mut runs = vec![Run::bold(t, 13.0)];
        if !sub.is_empty() {
            write!(html, r#"<p class="sub">{}</p>"#, esc(sub)).unwrap();
            runs.push(Run::new(sub, 7.5));
        }
        text_block(html, &runs, PAGE_WIDTH, 2.0 + 3.0)
    };
    (make(title), make(&format!("{title} (continued)")))
}

pub(crate) fn rag_class(rag: Option<Rag>) -> &'static str {
    rag.map_or("", Rag::word)
}

pub(crate) fn direction_html(d: Direction, polarity: Polarity) -> String {
    let class = match d {
        Direction::Better => "better",
        Direction::Worse => "worse",
        _ => "",
    };
    format!(
        r#"<span class="{class}">{}</span>"#,
        direction_words(d, polarity)
    )
}

/// `↓ worse`, `n/a`.
pub fn direction_words(d: Direction, polarity: Polarity) -> String {
    let arrow = d.arrow(polarity);
    if arrow.is_empty() {
        d.word().to_string()
    } else {
        format!("{arrow} {}", d.word())
    }
}

/// A figure without the "per 10,000" of a rate, where the label or the axis says it.
pub(crate) fn short_value(card: &Card, g: &Glance) -> String {
    let words = g.value_words(&card.indicator);
    match (&g.shown, words.split_once(" per ")) {
        (Some(_), Some((number, _))) if !g.suppressed => number.to_string(),
        _ => words,
    }
}

/// The value of a quarter with its unit, or `c`, `gap`, `no data`.
pub(crate) fn value_text(card: &Card, g: &Glance) -> String {
    match &g.shown {
        Some(s) if !g.suppressed => with_unit(&card.indicator, s),
        _ => g.value_words(&card.indicator),
    }
}
