//! What the cells of the *Scorecard* sheet say: an indicator's name with which way is better
//! and what it covers, the RAG in words, a direction from what to what, the owner, note and
//! marks, the summary lines, and the number formats that put a RAG's letter before a figure and
//! the side of a target that is green before it.

use crate::scorecard::html::parts::direction_words;
use crate::scorecard::indicators::Polarity;
use crate::scorecard::paper;
use crate::scorecard::status::Direction;
use crate::scorecard::{Card, Cell, DirectionCounts, Scorecard};

use super::print::{num_format, safe};

/// `KPI 1: Children in ...`, and under it which way is better and what the figure covers.
pub(super) fn label(card: &Card, c: &Cell) -> String {
    let ind = &card.indicator;
    let covers = ind
        .covers(c.period)
        .map(|w| format!("; {w}"))
        .unwrap_or_default();
    format!(
        "{}: {}\n{}{covers}",
        ind.section,
        ind.label,
        ind.polarity.words()
    )
}

pub(super) fn rag_text(c: &Cell) -> String {
    match c.rag {
        Some(r) => r.label().to_string(),
        None if c.shown.is_none() && !c.suppressed => "no data".to_string(),
        None => "no target".to_string(),
    }
}

/// `↓ worse` and, under it, `from 89.7% AMBER`.
pub(super) fn direction_from(
    card: &Card,
    d: Direction,
    earlier: &crate::scorecard::Glance,
) -> String {
    let ind = &card.indicator;
    let from = crate::scorecard::bare(ind, paper::from_words(ind, earlier));
    let words = direction_words(d, ind.polarity);
    if from.is_empty() {
        words
    } else {
        format!("{words}\n{from}")
    }
}

/// The owner and note of the target, then the marks, each on its own line.
pub(super) fn notes_text(card: &Card, c: &Cell) -> String {
    let mut all: Vec<String> = Vec::new();
    if let Some(t) = &c.target {
        match (t.owner.as_str(), t.note.as_str()) {
            ("", "") => {}
            ("", note) => all.push(note.to_string()),
            (owner, "") => all.push(owner.to_string()),
            (owner, note) => all.push(format!("{owner}: {note}")),
        }
    }
    all.extend(c.notes.iter().cloned());
    if card.values.iter().any(|v| !v.commentary.is_empty()) {
        all.push("Commentary: under the table.".to_string());
    }
    safe(&all.join("\n"))
}

/// The target or floor as shown (for sizing its column).
pub(super) fn target_text(card: &Card, c: &Cell, target: bool) -> String {
    let ind = &card.indicator;
    let t = c.target.as_ref().map(|t| &t.target);
    let x = if target {
        t.map(|t| &t.target)
    } else {
        t.and_then(|t| t.floor.as_ref())
    };
    x.map(|x| {
        format!(
            "≥ {}",
            crate::scorecard::bare(ind, crate::scorecard::exact_with_unit(ind, x))
        )
    })
    .unwrap_or_default()
}

/// The summary in three lines: `RAG at 2024-25 Q4: 8 green (was 5), ...`.
pub(super) fn summary_lines(s: &Scorecard) -> Vec<String> {
    let sum = s.summary();
    let was = sum.was.as_deref();
    let prev = s
        .window
        .iter()
        .rev()
        .nth(1)
        .map(|p| format!(" (was: at {p})"))
        .unwrap_or_default();
    let pair = |n: usize, w: Option<usize>, word: &str| match w {
        Some(w) => format!("{n} {word} (was {w})"),
        None => format!("{n} {word}"),
    };
    let rag = [
        pair(sum.green, was.map(|w| w.green), "green"),
        pair(sum.amber, was.map(|w| w.amber), "amber"),
        pair(sum.red, was.map(|w| w.red), "red"),
        pair(sum.no_target, was.map(|w| w.no_target), "no target"),
        pair(sum.no_data, was.map(|w| w.no_data), "no data"),
    ];
    let directions = |d: &DirectionCounts, w: Option<&DirectionCounts>| {
        [
            pair(d.better, w.map(|w| w.better), "better"),
            pair(d.same, w.map(|w| w.same), "same"),
            pair(d.worse, w.map(|w| w.worse), "worse"),
            pair(d.not_applicable, w.map(|w| w.not_applicable), "n/a"),
            pair(d.context, w.map(|w| w.context), "context"),
        ]
        .join(", ")
    };
    vec![
        format!("RAG at {}{prev}: {}", s.to, rag.join(", ")),
        format!(
            "vs last quarter: {}",
            directions(&sum.vs_previous, was.map(|w| &w.vs_previous))
        ),
        format!(
            "vs same quarter last year: {}",
            directions(&sum.vs_last_year, was.map(|w| &w.vs_last_year))
        ),
    ]
}

/// The number format of a quarter's cell: the RAG's letter before the figure, its marks after
/// (`"G "0.0%" rev"`), so it stays a number for Excel and reads in black and white.
pub(super) fn quarter_format(card: &Card, q: &Cell) -> String {
    let marks: Vec<&str> = [
        (q.break_before, "break"),
        (q.provisional, "prov"),
        (q.revised, "rev"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, w)| *w)
    .collect();
    let mut number = num_format(card.indicator.unit).to_string();
    if let Some(r) = q.rag {
        number = format!("\"{} \"{number}", &r.label()[..1]);
    }
    if !marks.is_empty() {
        number = format!("{number}\" {}\"", marks.join(" "));
    }
    number
}

/// `"≥ "0.0%`: a target shown with the side of it that is green, still a number.
pub(super) fn target_format(card: &Card) -> String {
    let side = if card.indicator.polarity == Polarity::Low {
        "≤"
    } else {
        "≥"
    };
    format!("\"{side} \"{}", num_format(card.indicator.unit))
}
