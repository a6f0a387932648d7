//! Putting the scorecard together: every rule of scorecard.md section 3 applied to the returns
//! read, indicator by indicator and quarter by quarter (values, RAG and which way a fragile one
//! tips, directions from what to what, trend, revised per indicator with what was first shown),
//! and, for a publication copy, the suppression of section 6.

use super::exact::{Exact, Shown};
use super::indicators::{self, Catalogue, Evaluation, Formula, Indicator, Polarity};
use super::inputs::TargetRow;
use super::status::{self, Direction};
use super::{Card, Cell, Glance, READ_BEFORE, Request, Scorecard, Source, Was, archive, window};
use crate::measures::Return;
use crate::period::Period;

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
    Value(Evaluation),
}

/// Which submission of each quarter a value is made from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Filing {
    /// The one the scorecard uses: the latest.
    Latest,
    /// The quarter's first submission where a later one replaced it: what the board was first
    /// shown.
    First,
}

struct Context<'a> {
    req: &'a Request<'a>,
}

impl Context<'_> {
    fn filed(&self, p: Period) -> Option<&archive::Filed> {
        self.req.archive.returns.get(&p)
    }

    fn catalogue(&self, p: Period) -> Option<&Catalogue> {
        let filed = self.filed(p)?;
        self.req
            .catalogues
            .get(&filed.ret.identity.definitions_version)
    }

    /// The indicator as the quarter's own definitions define it.
    fn indicator_at(&self, id: &str, p: Period) -> Option<&Indicator> {
        self.catalogue(p)?.get(id)
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

    /// The return of a quarter as `filing` says.
    fn ret(&self, p: Period, filing: Filing) -> Option<&Return> {
        let filed = self.filed(p)?;
        Some(match (filing, &filed.first) {
            (Filing::First, Some(first)) => &first.ret,
            _ => &filed.ret,
        })
    }

    fn evaluate(&self, id: &str, p: Period, filing: Filing) -> Raw {
        let Some(filed) = self.filed(p) else {
            return Raw::Gap;
        };
        let Some(ind) = self.indicator_at(id, p) else {
            return Raw::Empty(format!(
                "not in this return (definitions {} have no indicator {id})",
                filed.ret.identity.definitions_version
            ));
        };
        let quarters: Vec<Option<&Return>> =
            (0..4).map(|k| self.ret(p.shift(-k), filing)).collect();
        match ind.evaluate(p, &quarters) {
            Ok(e) => Raw::Value(e),
            Err(empty) => Raw::Empty(empty.note()),
        }
    }

    fn value(&self, id: &str, p: Period) -> Option<(Exact, Exact)> {
        match self.evaluate(id, p, Filing::Latest) {
            Raw::Value(Evaluation {
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

    fn target(&self, ind: &Indicator, p: Period) -> Option<TargetRow> {
        (ind.polarity != Polarity::Context)
            .then(|| self.req.targets.at(&ind.id, p).cloned())
            .flatten()
    }

    /// Whether a value is withheld from a publication copy: its counts, and the total it is a
    /// part of where the scorecard shows both (the same filing of the same quarter).
    fn hides(&self, ind: &Indicator, p: Period, e: &Evaluation, filing: Filing) -> bool {
        let Some(rule) = self.req.paper.publication else {
            return false;
        };
        let total = self
            .catalogue(p)
            .and_then(|c| super::publication::total_of(ind, c))
            .and_then(|t| match self.evaluate(&t.id, p, filing) {
                Raw::Value(total) => Some(total.numerator),
                _ => None,
            });
        rule.hides(ind.unit, e.numerator, e.denominator, total)
    }

    /// A figure quoted beside another: its value, counts and RAG, withheld where the
    /// publication copy withholds it.
    fn glance(&self, ind: &Indicator, p: Period, filing: Filing) -> Glance {
        let mut g = Glance {
            period: p,
            gap: self.filed(p).is_none(),
            numerator: None,
            denominator: None,
            shown: None,
            rag: None,
            suppressed: false,
        };
        if let Raw::Value(e) = self.evaluate(&ind.id, p, filing) {
            g.rag = match (&e.value, self.target(ind, p)) {
                (Some(v), Some(t)) => status::rag(v, ind.decimals(), &t.target, ind.polarity),
                _ => None,
            };
            if self.hides(ind, p, &e, filing) {
                g.suppressed = true;
            } else {
                g.numerator = Some(e.numerator);
                g.denominator = e.denominator;
                g.shown = e.value.as_ref().map(|v| Shown::of(v, ind.decimals()));
            }
        }
        g
    }

    /// What the first submissions gave, when the value, numerator or denominator at `p` moved
    /// since (for a rolling value, any of its four quarters' first submissions counts).
    fn was(&self, ind: &Indicator, p: Period) -> Option<Was> {
        let basis = self.indicator_at(&ind.id, p).map_or(ind.basis, |i| i.basis);
        let span = match basis {
            indicators::Basis::Quarter => 1,
            indicators::Basis::Rolling => 4,
        };
        let folders: Vec<String> = (0..span)
            .filter_map(|k| Some(self.filed(p.shift(-k))?.first.as_ref()?.folder.clone()))
            .collect();
        if folders.is_empty() {
            return None;
        }
        let figures = |filing| match self.evaluate(&ind.id, p, filing) {
            Raw::Value(e) => Some((e.numerator, e.denominator, e.value)),
            _ => None,
        };
        (figures(Filing::Latest) != figures(Filing::First)).then(|| Was {
            folders,
            figure: self.glance(ind, p, Filing::First),
        })
    }

    fn cell(&self, ind: &Indicator, p: Period, break_before: bool) -> Cell {
        let filed = self.filed(p);
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
            target: self.target(ind, p),
            rag: None,
            vs_previous: Direction::NotApplicable,
            vs_last_year: Direction::NotApplicable,
            small_base: false,
            fragile: false,
            tips: None,
            provisional: filed.is_some_and(|f| f.provisional),
            revised: false,
            was: None,
            break_before,
            previous: self.glance(ind, p.shift(-1), Filing::Latest),
            last_year: self.glance(ind, p.shift(-4), Filing::Latest),
            suppressed: false,
            notes: Vec::new(),
            commentary,
        };
        match self.evaluate(&ind.id, p, Filing::Latest) {
            Raw::Gap => {
                cell.notes
                    .push("gap: the archive has no return for this quarter".into());
                return cell;
            }
            Raw::Empty(why) => cell.notes.push(why),
            Raw::Value(e) => {
                cell.suppressed = self.hides(ind, p, &e, Filing::Latest);
                self.status(ind, &mut cell, e);
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
                 complete; it will change"
                    .into(),
            );
        }
        if let Some(was) = self.was(ind, p) {
            cell.revised = true;
            cell.notes.push(format!("revised: {}", was.words(ind)));
            cell.was = Some(was);
        }
        cell
    }

    /// The value of a quarter with a return, its RAG, which way a fragile RAG tips and the
    /// small base mark, each in the notes with what one child is worth (unless withheld).
    fn status(&self, ind: &Indicator, cell: &mut Cell, e: Evaluation) {
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
                cell.tips =
                    status::tips(v, e.numerator, w, ind.decimals(), &t.target, ind.polarity);
                cell.fragile = cell.tips.is_some();
            }
            let worth = status::worth_words(ind.unit, w);
            if cell.small_base {
                cell.notes.push(if cell.suppressed {
                    format!(
                        "small base: fewer than {} (counts suppressed)",
                        ind.small_base
                    )
                } else {
                    // "3 of 8" children; "19 / 7" for a ratio, whose two counts are not parts.
                    let of = if ind.unit == indicators::Unit::Ratio {
                        "/"
                    } else {
                        "of"
                    };
                    format!(
                        "small base ({} {of} {}): {worth}",
                        e.numerator,
                        e.denominator.unwrap_or(0)
                    )
                });
            }
            if let Some(tips) = cell.tips {
                cell.notes.push(if cell.suppressed {
                    format!("fragile: one child changes the RAG ({})", tips.words())
                } else {
                    format!(
                        "fragile: one child changes the RAG ({}; {worth})",
                        tips.words()
                    )
                });
            }
        }
        cell.value = e.value;
        cell.worth = e.worth;
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
        // The trend reveals no count, so it is drawn through withheld values too.
        let trend = latest_worth.and_then(|worth| {
            let points: Vec<(i64, Exact)> = values
                .iter()
                .enumerate()
                .skip(since)
                .filter_map(|(x, c)| Some((x as i64, c.value.clone()?)))
                .collect();
            status::trend(&points, &worth, ind.polarity)
        });
        for c in values.iter_mut().filter(|c| c.suppressed) {
            c.numerator = None;
            c.denominator = None;
            c.value = None;
            c.shown = None;
            c.worth = None;
        }
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
    let yjs_name = filed.ret.identity.yjs_name.clone();
    Ok(Scorecard {
        // The service's own board, never "Youth justice board" alone (read as the national YJB).
        title: format!("{yjs_name} management board scorecard"),
        yjs_code: filed.ret.identity.yjs_code.clone(),
        yjs_name,
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
        paper: req.paper.clone(),
    })
}
