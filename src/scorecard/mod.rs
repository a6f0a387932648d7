//! The board's scorecard (scorecard.md): the archive's returns across quarters, against local
//! targets, with RAG, directions of travel, trends and charts.
//!
//! [`archive`] reads and checks the returns, [`indicators`] makes each value from a return's
//! counts as `templates/<version>/scorecard.json` says, [`inputs`] reads the service's targets,
//! benchmarks and commentary, and [`status`] applies the rules of section 3. [`assemble`] puts
//! them together into a [`Scorecard`], which one writer per file renders: [`xlsx`], [`html`]
//! (with [`svg`] charts), [`json`], and the [`manifest`] that lets `reproduce` prove it. Like
//! `write`, everything here is pure: the command reads the files and writes the folder.

pub mod account;
pub mod archive;
mod assemble;
pub mod exact;
pub mod html;
pub mod indicators;
pub mod inputs;
pub mod json;
pub mod make;
pub mod manifest;
pub mod metrics;
pub mod paper;
pub mod publication;
pub mod reproduce;
pub mod status;
pub mod xlsx;

pub use assemble::{AssembleError, assemble, catalogue_at};

use std::collections::BTreeMap;

use exact::{Exact, Shown};
use indicators::{Catalogue, Indicator, Unit};
use inputs::{Benchmark, Comment, TargetRow, Targets};
use publication::Suppression;
use status::{Direction, Rag, Tips, Trend};

use crate::names::{SCORECARD_HTML, SCORECARD_JSON, SCORECARD_XLSX};
use crate::period::Period;

/// Every file a scorecard's folder holds: the outputs, the manifest and the CSV copies. Only
/// these are ever deleted when a scorecard is replaced (`--force`).
pub const FILES: [&str; 7] = [
    SCORECARD_XLSX,
    SCORECARD_HTML,
    SCORECARD_JSON,
    crate::names::MANIFEST_JSON,
    "targets.csv",
    "benchmarks.csv",
    "commentary.csv",
];

/// The window's length: 8 quarters unless asked, at least 2 (a direction needs two), at most 20
/// (five years, as far back as a board looks).
pub const DEFAULT_QUARTERS: u32 = 8;
pub const MIN_QUARTERS: u32 = 2;
pub const MAX_QUARTERS: u32 = 20;

/// How far before the window the archive is read: the previous quarter and the same quarter a
/// year before of the window's first quarter, and the three quarters before that of a rolling
/// value (a year-on-year direction of a rolling value reaches back seven quarters).
pub const READ_BEFORE: i32 = 7;

/// Everything a scorecard is made from, already read and checked.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub archive: &'a archive::Archive,
    /// The indicator catalogue of each definitions version the returns were built with.
    pub catalogues: &'a BTreeMap<String, Catalogue>,
    pub to: Period,
    pub quarters: u32,
    pub targets: &'a Targets,
    pub benchmarks: &'a [Benchmark],
    pub commentary: &'a [Comment],
    /// RFC 3339 UTC.
    pub generated_at: String,
    /// How it is printed: the classification and, for a publication copy, its threshold.
    pub paper: Paper,
}

/// What only changes how the scorecard is printed and published.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paper {
    /// `--classification`: printed on every page (e.g. `OFFICIAL`).
    pub classification: Option<String>,
    /// `--publication`: counts below the threshold are suppressed.
    pub publication: Option<Suppression>,
}

/// A figure quoted beside another: the previous quarter's, the same quarter last year's, or
/// what the quarter's first submission gave. Its counts and value are `None` where empty or
/// suppressed.
#[derive(Debug, Clone, PartialEq)]
pub struct Glance {
    pub period: Period,
    /// No return for that quarter.
    pub gap: bool,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    pub shown: Option<Shown>,
    pub rag: Option<Rag>,
    /// Withheld in a publication copy.
    pub suppressed: bool,
}

/// What the board was first shown of a revised value.
#[derive(Debug, Clone, PartialEq)]
pub struct Was {
    /// The first submissions it was made from (one for a quarter's value, up to four for a
    /// rolling one).
    pub folders: Vec<String>,
    pub figure: Glance,
}

/// One quarter of one indicator: its value and every status of section 3.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub period: Period,
    /// No return for this quarter: everything empty, never 0.
    pub gap: bool,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    /// The unrounded value; `None` when empty.
    pub value: Option<Exact>,
    /// The value as shown.
    pub shown: Option<Shown>,
    /// One child's worth at this quarter.
    pub worth: Option<Exact>,
    pub target: Option<TargetRow>,
    pub rag: Option<Rag>,
    pub vs_previous: Direction,
    pub vs_last_year: Direction,
    pub small_base: bool,
    pub fragile: bool,
    /// Which way a fragile RAG tips with one more or one fewer; `None` unless fragile.
    pub tips: Option<Tips>,
    pub provisional: bool,
    /// The indicator's value, numerator or denominator moved since the quarter's first
    /// submission (for a rolling value, in any of its four quarters).
    pub revised: bool,
    /// What the first submission gave, when revised.
    pub was: Option<Was>,
    /// The formula changed between the previous quarter with a return and this one.
    pub break_before: bool,
    /// The quarter before, and the same quarter a year before (read from the archive where
    /// they are outside the window).
    pub previous: Glance,
    pub last_year: Glance,
    /// Withheld in a publication copy: counts, value and one child's worth are `None`.
    pub suppressed: bool,
    /// Why a value is empty, and the marks in words.
    pub notes: Vec<String>,
    pub commentary: Vec<String>,
}

/// One indicator across the window.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// As the `--to` quarter's definitions describe it.
    pub indicator: Indicator,
    pub trend: Option<Trend>,
    /// One per quarter of the window, oldest first.
    pub values: Vec<Cell>,
    pub benchmarks: Vec<Benchmark>,
}

impl Card {
    pub fn latest(&self) -> Option<&Cell> {
        self.values.last()
    }

    /// An exception: RED or AMBER at the `--to` quarter, or worse than the quarter before.
    pub fn is_exception(&self) -> bool {
        self.latest().is_some_and(|c| {
            matches!(c.rag, Some(Rag::Red | Rag::Amber)) || c.vs_previous == Direction::Worse
        })
    }
}

/// A return the scorecard used.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub period: Period,
    pub folder: String,
    /// Which submission of its quarter (the first is 1); `None` for a provisional return.
    pub submission: Option<u32>,
    pub definitions_version: String,
    pub generated_at: String,
    pub input_sha256: String,
    pub manifest_sha256: String,
    pub provisional: bool,
    pub revisions: Vec<archive::Revision>,
    /// In the window (else read only for directions and rolling values).
    pub in_window: bool,
}

impl Source {
    /// Which submission it is, as the Sources page says it: `2`, or `none (provisional)`.
    pub fn submission_words(&self) -> String {
        self.submission
            .map_or_else(|| "none (provisional)".to_string(), |n| n.to_string())
    }
}

/// Counts for the summary at the top of the page.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub green: usize,
    pub amber: usize,
    pub red: usize,
    pub no_target: usize,
    pub no_data: usize,
    pub vs_previous: DirectionCounts,
    pub vs_last_year: DirectionCounts,
    /// The same counts at the quarter before (the board sees "3 red, was 1").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub was: Option<Box<Summary>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DirectionCounts {
    pub better: usize,
    pub same: usize,
    pub worse: usize,
    #[serde(rename = "n/a")]
    pub not_applicable: usize,
    /// Context indicators, which move up, level or down but are neither better nor worse.
    pub context: usize,
}

impl DirectionCounts {
    fn add(&mut self, d: Direction) {
        match d {
            Direction::Better => self.better += 1,
            Direction::Same => self.same += 1,
            Direction::Worse => self.worse += 1,
            Direction::NotApplicable => self.not_applicable += 1,
            Direction::Up | Direction::Down | Direction::Level => self.context += 1,
        }
    }
}

/// The whole scorecard, ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    pub title: String,
    pub yjs_code: String,
    pub yjs_name: String,
    pub to: Period,
    pub window: Vec<Period>,
    pub generated_at: String,
    pub cards: Vec<Card>,
    pub sources: Vec<Source>,
    /// Quarters of the window with no return.
    pub gaps: Vec<Period>,
    pub paper: Paper,
}

impl Scorecard {
    /// The summary at the `--to` quarter, with the quarter before's as `was`.
    pub fn summary(&self) -> Summary {
        let last = self.window.len().saturating_sub(1);
        let mut s = self.summary_at(last);
        if last > 0 {
            s.was = Some(Box::new(self.summary_at(last - 1)));
        }
        s
    }

    /// The summary counts at the window's `k`th quarter.
    fn summary_at(&self, k: usize) -> Summary {
        let mut s = Summary::default();
        for card in &self.cards {
            let Some(c) = card.values.get(k) else {
                continue;
            };
            // A suppressed value is still a value: its RAG is shown.
            match (c.value.is_some() || c.suppressed, c.rag) {
                (false, _) => s.no_data += 1,
                (true, Some(Rag::Green)) => s.green += 1,
                (true, Some(Rag::Amber)) => s.amber += 1,
                (true, Some(Rag::Red)) => s.red += 1,
                (true, None) => s.no_target += 1,
            }
            s.vs_previous.add(c.vs_previous);
            s.vs_last_year.add(c.vs_last_year);
        }
        s
    }

    /// The indicators with a page of their own: RED, AMBER or worse than last quarter.
    pub fn exceptions(&self) -> Vec<&Card> {
        self.cards.iter().filter(|c| c.is_exception()).collect()
    }

    /// Whether any quarter of the window is provisional, and which.
    pub fn provisional_quarters(&self) -> Vec<Period> {
        self.sources
            .iter()
            .filter(|s| s.in_window && s.provisional)
            .map(|s| s.period)
            .collect()
    }

    /// The sections in the order their indicators come, each with its cards.
    pub fn sections(&self) -> Vec<(&str, Vec<&Card>)> {
        let mut out: Vec<(&str, Vec<&Card>)> = Vec::new();
        for card in &self.cards {
            let section = card.indicator.section.as_str();
            match out.iter_mut().find(|(s, _)| *s == section) {
                Some((_, cards)) => cards.push(card),
                None => out.push((section, vec![card])),
            }
        }
        out
    }

    /// The definitions versions of the returns in the window, oldest first.
    pub fn definitions_versions(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .sources
            .iter()
            .filter(|s| s.in_window)
            .map(|s| s.definitions_version.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// The window: the `quarters` quarters ending at `to`, oldest first.
pub fn window(to: Period, quarters: u32) -> Vec<Period> {
    (0..quarters as i32).rev().map(|k| to.shift(-k)).collect()
}

/// Words for a value with its unit: `75.0%`, `12.3 per 10,000`, `1.75`, `42`.
pub fn with_unit(ind: &Indicator, shown: &Shown) -> String {
    match ind.unit {
        Unit::Percent => format!("{shown}%"),
        Unit::Rate => format!(
            "{shown} per {}",
            Shown::of(&exact::whole(i64::from(ind.per.unwrap_or(1))), 0)
        ),
        Unit::Ratio | Unit::Count => shown.to_string(),
    }
}

/// An exact figure from a CSV (target, floor, benchmark) in the indicator's unit.
pub fn exact_with_unit(ind: &Indicator, x: &Exact) -> String {
    // Shown with the indicator's decimals, or more when the officer typed more.
    let decimals = (0..=6)
        .find(|&d| Shown::of(x, d).to_exact() == *x)
        .unwrap_or(6)
        .max(ind.decimals());
    with_unit(ind, &Shown::of(x, decimals))
}

/// "16 of 20" for a percentage, "19 / 8" for a ratio, the events and the population for a rate;
/// `c` where suppressed, nothing for a count or an empty figure.
pub fn counts_words(ind: &Indicator, g: &Glance) -> String {
    if g.suppressed {
        return if ind.unit == Unit::Count {
            String::new()
        } else {
            publication::SYMBOL.to_string()
        };
    }
    let n = |v: i64| Shown::of(&exact::whole(v), 0).to_string();
    match (ind.unit, g.numerator, g.denominator) {
        (Unit::Percent, Some(a), Some(b)) => format!("{} of {}", n(a), n(b)),
        (Unit::Ratio, Some(a), Some(b)) => format!("{} / {}", n(a), n(b)),
        (Unit::Rate, Some(a), Some(b)) => format!("{} in {}", n(a), n(b)),
        _ => String::new(),
    }
}

impl Glance {
    /// The value with its unit (`78.6%`), `c` where suppressed, `gap` or `no data` where empty.
    pub fn value_words(&self, ind: &Indicator) -> String {
        match &self.shown {
            _ if self.suppressed => publication::SYMBOL.to_string(),
            Some(s) => with_unit(ind, s),
            None if self.gap => "gap".to_string(),
            None => "no data".to_string(),
        }
    }

    /// The value and its RAG, as a board member is told where a figure came from:
    /// `89.7% AMBER`, `c RED`, `gap`.
    pub fn with_rag(&self, ind: &Indicator) -> String {
        match self.rag {
            Some(r) => format!("{} {}", self.value_words(ind), r.label()),
            None => self.value_words(ind),
        }
    }

    /// The value without a rate's "per 10,000", where the label says it: `116.2`, `78.6%`.
    pub fn short_words(&self, ind: &Indicator) -> String {
        bare(ind, self.value_words(ind))
    }
}

/// A text without a rate's " per 10,000" (for a column or page whose label says it).
pub fn bare(ind: &Indicator, words: String) -> String {
    if ind.unit == Unit::Rate {
        let per = Shown::of(&exact::whole(i64::from(ind.per.unwrap_or(1))), 0);
        words.replace(&format!(" per {per}"), "")
    } else {
        words
    }
}

impl Glance {
    /// `89.7% AMBER`, without a rate's "per 10,000".
    pub fn short_with_rag(&self, ind: &Indicator) -> String {
        bare(ind, self.with_rag(ind))
    }
}

impl Was {
    /// `was 86.2%, 25 of 29, in the first submission (2024-25-Q3)`.
    pub fn words(&self, ind: &Indicator) -> String {
        let value = self.figure.value_words(ind);
        let counts = counts_words(ind, &self.figure);
        let figure = if counts.is_empty() || self.figure.suppressed {
            value
        } else {
            format!("{value}, {counts},")
        };
        let which = if self.folders.len() == 1 {
            "the first submission"
        } else {
            "the first submissions"
        };
        format!("was {figure} in {which} ({})", self.folders.join(", "))
    }
}

impl Cell {
    /// The cell as a figure quoted elsewhere.
    pub fn glance(&self) -> Glance {
        Glance {
            period: self.period,
            gap: self.gap,
            numerator: self.numerator,
            denominator: self.denominator,
            shown: self.shown.clone(),
            rag: self.rag,
            suppressed: self.suppressed,
        }
    }
}

#[cfg(test)]
mod tests;
