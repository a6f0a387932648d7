//! The board's indicators as data: `templates/<version>/scorecard.json` says, for each, how its
//! value is made from the return's counts, which way is better, and how it is labelled. A new
//! definitions year that changes a formula is a new file, and the scorecard marks the change as
//! a break in series (`Formula`), rather than a code change that silently rewrites history.

use serde::Deserialize;

use super::exact::{Exact, ratio, whole};
use crate::measures::Return;
use crate::period::Period;

/// Where the file sits under a definitions version.
pub fn catalogue_path(version: &str) -> String {
    format!("templates/{version}/scorecard.json")
}

/// Every indicator has a small base of 10 unless its entry says otherwise.
pub const DEFAULT_SMALL_BASE: i64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum Unit {
    #[serde(rename = "%")]
    Percent,
    #[serde(rename = "rate")]
    Rate,
    #[serde(rename = "ratio")]
    Ratio,
    #[serde(rename = "count")]
    Count,
}

impl Unit {
    /// Decimal places shown: percentages and rates one, ratios two, counts none.
    pub fn decimals(self) -> u32 {
        match self {
            Unit::Percent | Unit::Rate => 1,
            Unit::Ratio => 2,
            Unit::Count => 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    /// Higher is better.
    High,
    /// Lower is better.
    Low,
    /// Shown for context: no target, no RAG, no better or worse.
    Context,
}

impl Polarity {
    pub fn words(self) -> &'static str {
        match self {
            Polarity::High => "higher is better",
            Polarity::Low => "lower is better",
            Polarity::Context => "context (no target)",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// The quarter's own counts.
    #[default]
    Quarter,
    /// The four quarters ending at this one: counts summed, empty when any is missing.
    Rolling,
}

/// One indicator of `scorecard.json`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub section: String,
    pub label: String,
    pub unit: Unit,
    pub polarity: Polarity,
    #[serde(default)]
    pub basis: Basis,
    /// Measure codes summed to make the numerator (the events of a rate, the count of a count).
    pub numerator: Vec<String>,
    /// The denominator's measure code, for a percentage or a ratio.
    #[serde(default)]
    pub denominator: Option<String>,
    /// For a rate: per how many of the return's `population_10_17`.
    #[serde(default)]
    pub per: Option<u32>,
    #[serde(default = "default_small_base")]
    pub small_base: i64,
    /// One plain sentence for the Guidance sheet: what the figure counts.
    #[serde(default)]
    pub explanation: String,
}

fn default_small_base() -> i64 {
    DEFAULT_SMALL_BASE
}

/// What makes an indicator's value: two quarters whose formulas differ cannot be compared
/// (a break in series). Labels and wording may change freely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula<'a> {
    unit: Unit,
    basis: Basis,
    numerator: &'a [String],
    denominator: Option<&'a str>,
    per: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    #[serde(default)]
    pub description: String,
    pub title: String,
    pub indicators: Vec<Indicator>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file} is not a usable scorecard definition: {message}")]
pub struct CatalogueError {
    pub file: String,
    pub message: String,
}

impl Catalogue {
    /// Reads and checks a `scorecard.json`: every indicator's formula must fit its unit, and
    /// ids must be unique.
    pub fn parse(bytes: &[u8], file: &str) -> Result<Catalogue, CatalogueError> {
        let err = |message: String| CatalogueError {
            file: file.to_string(),
            message,
        };
        let c: Catalogue = serde_json::from_slice(bytes).map_err(|e| err(e.to_string()))?;
        if c.indicators.is_empty() {
            return Err(err("it lists no indicators".into()));
        }
        for (i, ind) in c.indicators.iter().enumerate() {
            let at = |m: &str| err(format!("indicator {:?}: {m}", ind.id));
            if ind.id.is_empty()
                || !ind
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(at("an id is lower-case letters, digits and _"));
            }
            if c.indicators[..i].iter().any(|o| o.id == ind.id) {
                return Err(at("appears twice"));
            }
            if ind.numerator.is_empty() {
                return Err(at("has no numerator"));
            }
            if ind.small_base < 1 {
                return Err(at("small_base must be 1 or more"));
            }
            let fits = match ind.unit {
                Unit::Percent | Unit::Ratio => ind.denominator.is_some() && ind.per.is_none(),
                Unit::Rate => ind.denominator.is_none() && ind.per.is_some_and(|p| p > 0),
                Unit::Count => ind.denominator.is_none() && ind.per.is_none(),
            };
            if !fits {
                return Err(at(
                    "a percentage or ratio needs a denominator, a rate a `per` above 0, a count neither",
                ));
            }
        }
        Ok(c)
    }

    pub fn get(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }
}

/// An indicator's value at one quarter, with the counts it is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Percentage or ratio: the numerator; rate: the events (summed when rolling); count: the count.
    pub numerator: i64,
    /// Percentage or ratio: the denominator (summed when rolling); rate: the population; count: none.
    pub denominator: Option<i64>,
    /// The unrounded value; `None` when the denominator is 0 (no data).
    pub value: Option<Exact>,
    /// How much the value moves when the numerator moves by one, denominator unchanged.
    pub worth: Option<Exact>,
}

/// Why an indicator has no value at a quarter that has a return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Empty {
    /// The return was made before the measure existed.
    NotInReturn { period: Period, code: String },
    /// A rolling value needs all four quarters; this one has no return.
    RollingGap(Period),
}

impl Empty {
    pub fn note(&self) -> String {
        match self {
            Empty::NotInReturn { period, code } => {
                format!("not in this return ({period} has no {code})")
            }
            Empty::RollingGap(p) => {
                format!("no value: the four quarters it sums need {p}, which has no return")
            }
        }
    }
}

impl Indicator {
    pub fn formula(&self) -> Formula<'_> {
        Formula {
            unit: self.unit,
            basis: self.basis,
            numerator: &self.numerator,
            denominator: self.denominator.as_deref(),
            per: self.per,
        }
    }

    pub fn decimals(&self) -> u32 {
        self.unit.decimals()
    }

    /// What a value at `p` covers, where it is not simply the quarter: a rolling value's four
    /// quarters, or a reoffending measure's cohort (return-format.md: the cohort of the quarter
    /// four quarters before the reporting period).
    pub fn covers(&self, p: Period) -> Option<String> {
        if self.basis == Basis::Rolling {
            return Some(format!("4 quarters to {p}"));
        }
        self.numerator
            .iter()
            .chain(self.denominator.iter())
            .any(|c| c.starts_with("reoffending."))
            .then(|| format!("the {} cohort", p.shift(-4)))
    }

    /// The value at a quarter. `quarters` holds the quarter's return first, then the three
    /// before it (newest first), each `None` where the archive has no return; a `quarter`
    /// basis reads only the first. The caller handles a gap (no return at the quarter itself).
    pub fn evaluate(
        &self,
        period: Period,
        quarters: &[Option<&Return>],
    ) -> Result<Evaluation, Empty> {
        let span = match self.basis {
            Basis::Quarter => 1,
            Basis::Rolling => 4,
        };
        let mut numerator = 0i64;
        let mut denominator = 0i64;
        let mut population = None;
        for k in 0..span {
            let p = period.shift(-(k as i32));
            let ret = quarters
                .get(k)
                .copied()
                .flatten()
                .ok_or(Empty::RollingGap(p))?;
            let get = |code: &str| {
                ret.measures.get(code).ok_or_else(|| Empty::NotInReturn {
                    period: p,
                    code: code.to_string(),
                })
            };
            for code in &self.numerator {
                numerator = numerator.saturating_add(get(code)?);
            }
            if let Some(code) = &self.denominator {
                denominator = denominator.saturating_add(get(code)?);
            }
            // The population of a rolling rate is the latest of its quarters'.
            population.get_or_insert(ret.identity.population_10_17);
        }
        let (denominator, scale) = match self.unit {
            Unit::Percent => (Some(denominator), 100),
            Unit::Ratio => (Some(denominator), 1),
            Unit::Rate => (
                Some(i64::try_from(population.unwrap_or(0)).unwrap_or(i64::MAX)),
                i64::from(self.per.unwrap_or(1)),
            ),
            Unit::Count => (None, 1),
        };
        let worth = match denominator {
            Some(d) => ratio(scale, d),
            None => Some(whole(1)),
        };
        let value = worth.as_ref().map(|w| w * whole(numerator));
        Ok(Evaluation {
            numerator,
            denominator,
            value,
            worth,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::measures::{Identity, Measures};

    /// A hand-made return: a period, a population and some measures.
    pub fn ret(period: &str, population: u64, measures: &[(&str, i64)]) -> Return {
        let mut m = Measures::new();
        for (c, v) in measures {
            m.set(*c, *v);
        }
        Return {
            identity: Identity {
                yjs_code: "NSH01".into(),
                yjs_name: "Northshire".into(),
                nation: "ENGLAND".into(),
                population_10_17: population,
                period: period.parse().unwrap(),
                definitions_version: "2024-25".into(),
                tool_version: "0.1.0".into(),
                input_sha256: "0".repeat(64),
                generated_at: "2025-05-01T09:00:00Z".into(),
                provisional: false,
            },
            measures: m,
        }
    }

    pub fn embedded() -> Catalogue {
        let defs =
            crate::definitions::Definitions::latest(&crate::definitions::Source::Embedded).unwrap();
        let path = catalogue_path(&defs.version);
        Catalogue::parse(defs.file(&path).unwrap(), &path).unwrap()
    }

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    #[test]
    fn the_embedded_catalogue_has_the_specs_indicators() {
        let c = embedded();
        let ids: Vec<&str> = c.indicators.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "accommodation",
                "ete",
                "ete_hours",
                "send_plan",
                "mental_health",
                "substance_misuse",
                "ooc_completed",
                "board_senior",
                "wider_services",
                "syv_rate",
                "victims_rj",
                "fte_rate",
                "custody_rate",
                "reoffending_binary",
                "reoffending_frequency",
                "caseload_end",
                "court_caseload_end",
                "cohort"
            ]
        );
        let syv = c.get("syv_rate").unwrap();
        assert_eq!(
            (syv.unit, syv.polarity, syv.basis, syv.per),
            (Unit::Rate, Polarity::Low, Basis::Rolling, Some(10_000))
        );
        assert!(c.indicators.iter().all(|i| i.small_base == 10));
        assert!(c.indicators.iter().all(|i| !i.explanation.is_empty()));
    }

    #[test]
    fn what_a_value_covers_where_it_is_not_simply_the_quarter() {
        let c = embedded();
        let covers = |id: &str| c.get(id).unwrap().covers(p("2024-25 Q4"));
        assert_eq!(
            covers("fte_rate").as_deref(),
            Some("4 quarters to 2024-25 Q4")
        );
        assert_eq!(
            covers("reoffending_binary").as_deref(),
            Some("the 2023-24 Q4 cohort")
        );
        assert_eq!(
            covers("reoffending_frequency").as_deref(),
            Some("the 2023-24 Q4 cohort")
        );
        assert_eq!(covers("accommodation"), None);
        assert_eq!(covers("caseload_end"), None);
    }

    #[test]
    fn every_code_the_catalogue_reads_is_a_measure_of_the_return() {
        use crate::definitions::{Definitions, Source};
        let defs = Definitions::latest(&Source::Embedded).unwrap();
        let computed = crate::kpi::compute(
            &crate::export::records::Export::default(),
            p("2024-25 Q2"),
            &crate::kpi::Codes::from_definitions(&defs),
        );
        for ind in &embedded().indicators {
            for code in ind.numerator.iter().chain(&ind.denominator) {
                assert!(computed.get(code).is_some(), "{}: {code}", ind.id);
            }
        }
    }

    #[test]
    fn refuses_a_formula_that_does_not_fit_its_unit() {
        let bad = |json: &str| {
            Catalogue::parse(json.as_bytes(), "x.json")
                .unwrap_err()
                .message
        };
        let one = |ind: &str| format!(r#"{{"title": "t", "indicators": [{ind}]}}"#);
        assert!(
            bad(&one(
                r#"{"id": "a", "section": "s", "label": "l", "unit": "%", "polarity": "high", "numerator": ["x"]}"#
            ))
            .contains("denominator")
        );
        assert!(
            bad(&one(
                r#"{"id": "a", "section": "s", "label": "l", "unit": "rate", "polarity": "low", "numerator": ["x"], "per": 0}"#
            ))
            .contains("per")
        );
        assert!(
            bad(&one(
                r#"{"id": "A b", "section": "s", "label": "l", "unit": "count", "polarity": "context", "numerator": ["x"]}"#
            ))
            .contains("lower-case")
        );
        assert!(bad(r#"{"title": "t", "indicators": []}"#).contains("no indicators"));
        assert!(bad(r#"{"title": "t", "indicators": [], "colour": 1}"#).contains("colour"));
    }

    #[test]
    fn percentage_ratio_rate_and_count_from_the_counts() {
        let c = embedded();
        let r = ret(
            "2024-25 Q2",
            48_210,
            &[
                ("kpi1.all.suitable", 16),
                ("cohort.all.children", 20),
                ("reoffending.reoffences", 7),
                ("reoffending.reoffenders", 4),
                ("caseload.community.open_at_end", 30),
                ("caseload.custody.open_at_end", 2),
            ],
        );
        let at =
            |id: &str, rets: &[Option<&Return>]| c.get(id).unwrap().evaluate(p("2024-25 Q2"), rets);
        let e = at("accommodation", &[Some(&r)]).unwrap();
        assert_eq!((e.numerator, e.denominator), (16, Some(20)));
        assert_eq!(e.value, ratio(80, 1));
        assert_eq!(e.worth, ratio(5, 1), "1 child = 5 points of 20");
        let e = at("reoffending_frequency", &[Some(&r)]).unwrap();
        assert_eq!((e.value, e.worth), (ratio(7, 4), ratio(1, 4)));
        let e = at("court_caseload_end", &[Some(&r)]).unwrap();
        assert_eq!(
            (e.numerator, e.denominator, e.value),
            (32, None, ratio(32, 1))
        );
        // A rolling rate: events of four quarters summed, the latest population.
        let older: Vec<Return> = (1..=3)
            .map(|k| {
                ret(
                    &p("2024-25 Q2").shift(-k).to_string(),
                    40_000,
                    &[("kpi9.children", k as i64)],
                )
            })
            .collect();
        let mut latest = r.clone();
        latest.measures.set("kpi9.children", 4);
        let rets = [
            Some(&latest),
            Some(&older[0]),
            Some(&older[1]),
            Some(&older[2]),
        ];
        let e = at("syv_rate", &rets).unwrap();
        assert_eq!((e.numerator, e.denominator), (10, Some(48_210)));
        assert_eq!(e.value, ratio(100_000, 48_210));
        assert_eq!(e.worth, ratio(10_000, 48_210));
    }

    #[test]
    fn empty_values_say_why() {
        let c = embedded();
        let r = ret(
            "2024-25 Q2",
            48_210,
            &[("kpi1.all.suitable", 0), ("cohort.all.children", 0)],
        );
        let e = c
            .get("accommodation")
            .unwrap()
            .evaluate(p("2024-25 Q2"), &[Some(&r)])
            .unwrap();
        assert_eq!((e.numerator, e.denominator, e.value), (0, Some(0), None));
        // A measure the return does not hold: "not in this return".
        let err = c
            .get("caseload_end")
            .unwrap()
            .evaluate(p("2024-25 Q2"), &[Some(&r)])
            .unwrap_err();
        assert!(
            err.note().starts_with("not in this return"),
            "{}",
            err.note()
        );
        // A rolling value with one of its four quarters missing is empty.
        let with = ret("2024-25 Q2", 48_210, &[("kpi9.children", 3)]);
        let err = c
            .get("syv_rate")
            .unwrap()
            .evaluate(
                p("2024-25 Q2"),
                &[Some(&with), Some(&with), None, Some(&with)],
            )
            .unwrap_err();
        assert_eq!(err, Empty::RollingGap(p("2023-24 Q4")));
    }

    #[test]
    fn formulas_differ_when_the_counts_do_not_when_the_words_do() {
        let c = embedded();
        let a = c.get("ete").unwrap().clone();
        let mut relabelled = a.clone();
        relabelled.label = "Something else".into();
        assert_eq!(a.formula(), relabelled.formula());
        let mut changed = a.clone();
        changed.denominator = Some("kpi2.all.hours_offered".into());
        assert_ne!(a.formula(), changed.formula());
    }
}
