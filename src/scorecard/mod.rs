//! The board's scorecard (scorecard.md): the archive's returns across quarters, against local
//! targets, with RAG, directions of travel, trends and charts.
//!
//! [`archive`] reads and checks the returns, [`indicators`] makes each value from a return's
//! counts as `templates/<version>/scorecard.json` says, [`inputs`] reads the service's targets,
//! benchmarks and commentary, and [`status`] applies the rules of section 3. [`assemble`] puts
//! them together into a [`Scorecard`], which one writer per file renders: [`xlsx`], [`html`]
//! (with [`svg`] charts), [`json`], and the [`manifest`] that lets `reproduce` prove it. Like
//! `write`, everything here is pure: the command reads the files and writes the folder.

pub mod archive;
pub mod exact;
pub mod html;
pub mod indicators;
pub mod inputs;
pub mod json;
pub mod make;
pub mod manifest;
pub mod reproduce;
pub mod status;
pub mod svg;
pub mod xlsx;

use std::collections::BTreeMap;

use exact::{Exact, Shown};
use indicators::{Catalogue, Formula, Indicator, Unit};
use inputs::{Benchmark, Comment, TargetRow, Targets};
use status::{Direction, Rag, Trend};

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
    pub provisional: bool,
    pub revised: bool,
    /// The formula changed between the previous quarter with a return and this one.
    pub break_before: bool,
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
}

impl Scorecard {
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for card in &self.cards {
            let Some(c) = card.latest() else { continue };
            match (&c.value, c.rag) {
                (None, _) => s.no_data += 1,
                (Some(_), Some(Rag::Green)) => s.green += 1,
                (Some(_), Some(Rag::Amber)) => s.amber += 1,
                (Some(_), Some(Rag::Red)) => s.red += 1,
                (Some(_), None) => s.no_target += 1,
            }
            s.vs_previous.add(c.vs_previous);
            s.vs_last_year.add(c.vs_last_year);
        }
        s
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

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AssembleError {
    #[error("the archive has no return for {0}, the quarter the scorecard runs to (--to)")]
    NoReturnFor(Period),
    #[error(
        "the {period} return was built with definitions {version}, which have no \
         templates/{version}/scorecard.json"
    )]
    NoCatalogue { period: Period, version: String },
}

/// What an indicator is at one quarter, before its status.
enum Raw {
    Gap,
    Empty(String),
    Value(indicators::Evaluation),
}

struct Context<'a> {
    req: &'a Request<'a>,
}

impl Context<'_> {
    fn filed(&self, p: Period) -> Option<&archive::Filed> {
        self.req.archive.returns.get(&p)
    }

    /// The indicator as the quarter's own definitions define it.
    fn indicator_at(&self, id: &str, p: Period) -> Option<&Indicator> {
        let filed = self.filed(p)?;
        self.req
            .catalogues
            .get(&filed.ret.identity.definitions_version)?
            .get(id)
    }

    fn formula_at(&self, id: &str, p: Period) -> Option<Formula<'_>> {
        self.indicator_at(id, p).map(Indicator::formula)
    }

    /// Two quarters with returns whose formulas for this indicator differ: a break in series.
    fn is_break(&self, id: &str, a: Period, b: Period) -> bool {
        self.filed(a).is_some()
            && self.filed(b).is_some()
            && self.formula_at(id, a) != self.formula_at(id, b)
    }

    fn raw(&self, id: &str, p: Period) -> Raw {
        let Some(filed) = self.filed(p) else {
            return Raw::Gap;
        };
        let Some(ind) = self.indicator_at(id, p) else {
            return Raw::Empty(format!(
                "not in this return (definitions {} have no indicator {id})",
                filed.ret.identity.definitions_version
            ));
        };
        let quarters: Vec<Option<&crate::measures::Return>> = (0..4)
            .map(|k| self.filed(p.shift(-k)).map(|f| &f.ret))
            .collect();
        match ind.evaluate(p, &quarters) {
            Ok(e) => Raw::Value(e),
            Err(empty) => Raw::Empty(empty.note()),
        }
    }

    fn value(&self, id: &str, p: Period) -> Option<(Exact, Exact)> {
        match self.raw(id, p) {
            Raw::Value(indicators::Evaluation {
                value: Some(v),
                worth: Some(w),
                ..
            }) => Some((v, w)),
            _ => None,
        }
    }

    /// The direction from an earlier quarter to `p`: n/a without both values or across a break.
    fn direction(&self, ind: &Indicator, earlier: Period, p: Period) -> Direction {
        match (self.value(&ind.id, earlier), self.value(&ind.id, p)) {
            (Some((a, _)), Some((b, worth))) if !self.is_break(&ind.id, earlier, p) => {
                status::direction(&a, &b, &worth, ind.polarity)
            }
            _ => Direction::NotApplicable,
        }
    }

    fn cell(&self, ind: &Indicator, p: Period, break_before: bool) -> Cell {
        let filed = self.filed(p);
        let target = (ind.polarity != indicators::Polarity::Context)
            .then(|| self.req.targets.at(&ind.id, p).cloned())
            .flatten();
        let commentary: Vec<String> = self
            .req
            .commentary
            .iter()
            .filter(|c| c.indicator == ind.id && c.period == p)
            .map(|c| c.text.clone())
            .collect();
        let mut cell = Cell {
            period: p,
            gap: filed.is_none(),
            numerator: None,
            denominator: None,
            value: None,
            shown: None,
            worth: None,
            target,
            rag: None,
            vs_previous: Direction::NotApplicable,
            vs_last_year: Direction::NotApplicable,
            small_base: false,
            fragile: false,
            provisional: filed.is_some_and(|f| f.provisional),
            revised: filed.is_some_and(archive::Filed::revised),
            break_before,
            notes: Vec::new(),
            commentary,
        };
        match self.raw(&ind.id, p) {
            Raw::Gap => {
                cell.notes
                    .push("gap: the archive has no return for this quarter".into());
                return cell;
            }
            Raw::Empty(why) => cell.notes.push(why),
            Raw::Value(e) => {
                cell.numerator = Some(e.numerator);
                cell.denominator = e.denominator;
                cell.small_base = status::small_base(ind.unit, e.denominator, ind.small_base);
                if e.value.is_none() {
                    cell.notes.push("no data: the denominator is 0".into());
                }
                if let (Some(v), Some(w)) = (&e.value, &e.worth) {
                    cell.shown = Some(Shown::of(v, ind.decimals()));
                    if let Some(t) = &cell.target {
                        cell.rag = status::rag(v, ind.decimals(), &t.target, ind.polarity);
                        cell.fragile = status::fragile(
                            v,
                            e.numerator,
                            w,
                            ind.decimals(),
                            &t.target,
                            ind.polarity,
                        );
                    }
                    if cell.small_base {
                        cell.notes.push(format!(
                            "small base ({} of {}): {}",
                            e.numerator,
                            e.denominator.unwrap_or(0),
                            status::worth_words(ind.unit, w)
                        ));
                    }
                    if cell.fragile {
                        cell.notes.push(format!(
                            "fragile: one child more or fewer changes the RAG ({})",
                            status::worth_words(ind.unit, w)
                        ));
                    }
                }
                cell.value = e.value;
                cell.worth = e.worth;
            }
        }
        cell.vs_previous = self.direction(ind, p.shift(-1), p);
        cell.vs_last_year = self.direction(ind, p.shift(-4), p);
        if break_before || self.is_break(&ind.id, p.shift(-1), p) {
            cell.notes.push(
                "break in series: the formula differs from the earlier quarter's definitions, so \
                 the two are not compared"
                    .into(),
            );
        } else if self.is_break(&ind.id, p.shift(-4), p) {
            cell.notes.push(
                "break in series since the same quarter last year: not compared with it".into(),
            );
        }
        if cell.provisional {
            cell.notes.push(
                "provisional: built from an export taken before the quarter's figures were \
                 complete"
                    .into(),
            );
        }
        if let Some(f) = filed.filter(|f| f.revised()) {
            let moved: usize = f.revisions.iter().map(|r| r.moved.len()).max().unwrap_or(0);
            cell.notes.push(format!(
                "revised: {} replaces an earlier submission ({moved} figure(s) moved)",
                f.folder
            ));
        }
        cell
    }

    fn card(&self, ind: &Indicator, window: &[Period]) -> Card {
        // A break before a window quarter: its formula differs from that of the nearest earlier
        // window quarter with a return.
        let mut previous: Option<Period> = None;
        let mut values = Vec::with_capacity(window.len());
        for &p in window {
            let break_before =
                self.filed(p).is_some() && previous.is_some_and(|q| self.is_break(&ind.id, q, p));
            if self.filed(p).is_some() {
                previous = Some(p);
            }
            values.push(self.cell(ind, p, break_before));
        }
        let since = values.iter().rposition(|c| c.break_before).unwrap_or(0);
        let latest_worth = values
            .last()
            .and_then(|c| c.worth.clone().filter(|_| c.value.is_some()));
        let trend = latest_worth.and_then(|worth| {
            let points: Vec<(i64, Exact)> = values
                .iter()
                .enumerate()
                .skip(since)
                .filter_map(|(x, c)| Some((x as i64, c.value.clone()?)))
                .collect();
            status::trend(&points, &worth, ind.polarity)
        });
        Card {
            indicator: ind.clone(),
            trend,
            values,
            benchmarks: self
                .req
                .benchmarks
                .iter()
                .filter(|b| b.indicator == ind.id)
                .cloned()
                .collect(),
        }
    }
}

/// The window: the `quarters` quarters ending at `to`, oldest first.
pub fn window(to: Period, quarters: u32) -> Vec<Period> {
    (0..quarters as i32).rev().map(|k| to.shift(-k)).collect()
}

/// The indicator catalogue in force at the `--to` quarter.
pub fn catalogue_at<'a>(req: &'a Request) -> Result<&'a Catalogue, AssembleError> {
    let filed = req
        .archive
        .returns
        .get(&req.to)
        .ok_or(AssembleError::NoReturnFor(req.to))?;
    let version = &filed.ret.identity.definitions_version;
    req.catalogues
        .get(version)
        .ok_or_else(|| AssembleError::NoCatalogue {
            period: req.to,
            version: version.clone(),
        })
}

/// Applies every rule of scorecard.md to the returns read.
pub fn assemble(req: &Request) -> Result<Scorecard, AssembleError> {
    let catalogue = catalogue_at(req)?;
    let filed = &req.archive.returns[&req.to];
    let window = window(req.to, req.quarters);
    let ctx = Context { req };
    let cards = catalogue
        .indicators
        .iter()
        .map(|ind| ctx.card(ind, &window))
        .collect();
    let first = window.first().copied().unwrap_or(req.to);
    let sources = req
        .archive
        .returns
        .iter()
        .filter(|(p, _)| **p >= first.shift(-READ_BEFORE) && **p <= req.to)
        .map(|(p, f)| Source {
            period: *p,
            folder: f.folder.clone(),
            submission: f.submission,
            definitions_version: f.ret.identity.definitions_version.clone(),
            generated_at: f.ret.identity.generated_at.clone(),
            input_sha256: f.ret.identity.input_sha256.clone(),
            manifest_sha256: f.manifest_sha256.clone(),
            provisional: f.provisional,
            revisions: f.revisions.clone(),
            in_window: *p >= first,
        })
        .collect();
    Ok(Scorecard {
        title: catalogue.title.clone(),
        yjs_code: filed.ret.identity.yjs_code.clone(),
        yjs_name: filed.ret.identity.yjs_name.clone(),
        to: req.to,
        gaps: window
            .iter()
            .copied()
            .filter(|p| !req.archive.returns.contains_key(p))
            .collect(),
        window,
        generated_at: req.generated_at.clone(),
        cards,
        sources,
    })
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

/// "16 of 20" for a percentage, "19 / 8" for a ratio, the events and the population for a rate.
pub fn counts_words(ind: &Indicator, c: &Cell) -> String {
    let n = |v: i64| Shown::of(&exact::whole(v), 0).to_string();
    match (ind.unit, c.numerator, c.denominator) {
        (Unit::Percent, Some(a), Some(b)) => format!("{} of {}", n(a), n(b)),
        (Unit::Ratio, Some(a), Some(b)) => format!("{} / {}", n(a), n(b)),
        (Unit::Rate, Some(a), Some(b)) => format!("{} in {}", n(a), n(b)),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests;
