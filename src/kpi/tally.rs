//! One implementation of every figure, with its reasons on request.
//!
//! Each KPI module decides, record by record (a child of the cohort, an intervention, an
//! offence, a victim, a meeting), whether the record is among those a measure counts from and
//! whether it counts, and tells a [`Tally`]. The return's figures are the sums a [`Counter`]
//! keeps of those decisions; `explain` gives the same decisions to a tally that also keeps the
//! records and the sentences saying why. The sentences are closures, called only by a tally
//! that is [`Tally::EXPLAINING`]: a build never pays for them, and never looks for near misses.
//!
//! Measures come in families: a measure for each group (or each of KPI 6's disposal types) and
//! `all`, their sum; or a single measure. A record counts in its own part, and so in `all`.

use std::borrow::Cow;

use crate::export::records::{Group, Hours};
use crate::measures::Measures;

/// How a family's amounts add up to its figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Each record adds its amount: 1 for a count, the number for a sum (reoffences).
    Count,
    /// Weekly hours in thousandths: each part's sum is rounded to the nearest whole hour,
    /// halves up, and `all` is the sum of the rounded parts.
    Hours,
}

/// A family of measures, as a KPI module declares it before deciding its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyDef {
    /// The measure of each part, in order (one code for a single measure).
    pub codes: Vec<String>,
    /// What each part is (the group codes, or KPI 6's types); empty for a single measure.
    pub parts: Vec<&'static str>,
    /// What the parts are called (`group`, `type`).
    pub part_kind: &'static str,
    /// The sum of the parts, when the return has one.
    pub all: Option<String>,
    pub unit: Unit,
    /// The family this one is decided from when the return shows it as a percentage of it:
    /// every record counted there is decided here, so those not counted here are "outside".
    pub denominator: Option<Family>,
    /// The records the measure counts from, in words ("the cohort").
    pub universe: &'static str,
}

impl FamilyDef {
    /// A single measure.
    pub fn single(code: &str, unit: Unit, universe: &'static str) -> FamilyDef {
        FamilyDef {
            codes: vec![code.to_string()],
            parts: Vec::new(),
            part_kind: "",
            all: None,
            unit,
            denominator: None,
            universe,
        }
    }

    /// `<kpi>.<group>.<what>` for the four groups, and `<kpi>.all.<what>`.
    pub fn groups(kpi: &str, what: &str, unit: Unit, universe: &'static str) -> FamilyDef {
        FamilyDef::parts(
            kpi,
            what,
            ("group", &Group::ALL.map(Group::code)),
            unit,
            universe,
        )
    }

    /// `<kpi>.<part>.<what>` for each part (`parts` names what they are, then lists them), and
    /// `<kpi>.all.<what>`.
    pub fn parts(
        kpi: &str,
        what: &str,
        (kind, parts): (&'static str, &[&'static str]),
        unit: Unit,
        universe: &'static str,
    ) -> FamilyDef {
        FamilyDef {
            codes: parts.iter().map(|p| format!("{kpi}.{p}.{what}")).collect(),
            parts: parts.to_vec(),
            part_kind: kind,
            all: Some(format!("{kpi}.all.{what}")),
            unit,
            denominator: None,
            universe,
        }
    }

    /// The same family, shown in the return as a percentage of `denominator`.
    pub fn of(mut self, denominator: Family) -> FamilyDef {
        self.denominator = Some(denominator);
        self
    }

    /// Every code of the family, parts first, `all` last.
    pub fn all_codes(&self) -> impl Iterator<Item = &str> {
        self.codes
            .iter()
            .chain(self.all.as_ref())
            .map(String::as_str)
    }

    /// The figure of each part and of `all` from the parts' raw sums.
    pub fn figures(&self, sums: &[i64]) -> (Vec<i64>, Option<i64>) {
        let parts: Vec<i64> = sums
            .iter()
            .map(|&s| match self.unit {
                Unit::Count => s,
                Unit::Hours => Hours(s).round_half_up(),
            })
            .collect();
        let all = self.all.as_ref().map(|_| parts.iter().sum());
        (parts, all)
    }
}

/// A family declared to a tally, in the order declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Family(pub usize);

/// What a rule says of one record for one family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Not among the records the family counts from.
    Out,
    /// Among them, not counted.
    No,
    /// Counted, adding this amount.
    Yes(i64),
}

impl Verdict {
    /// Counted once when `test` holds, else not.
    pub fn count_if(test: bool) -> Verdict {
        if test { Verdict::Yes(1) } else { Verdict::No }
    }

    /// Decided only among the records for which `among` holds.
    pub fn among(among: bool, then: impl FnOnce() -> Verdict) -> Verdict {
        if among { then() } else { Verdict::Out }
    }

    pub fn counts(self) -> bool {
        matches!(self, Verdict::Yes(_))
    }
}

/// A record as `explain` shows it: where it is in the export, who it is, the fields that
/// decide it and a sentence saying why.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reason<'a> {
    /// The sheet, as the data dictionary names it (`Interventions`).
    pub sheet: &'static str,
    /// The Excel row (the header is row 1).
    pub row: u32,
    /// The record's identifiers (`child_id`, ...), those that identify it first.
    pub ids: Vec<(&'static str, Cow<'a, str>)>,
    /// How many of `ids`, from the first, identify the record across two exports.
    pub key: usize,
    /// The fields that decide it, as column name and value.
    pub fields: Vec<(&'static str, String)>,
    pub why: String,
}

/// What a rule says of a record, besides where it is: the fields that decide it and why.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Said {
    pub fields: Vec<(&'static str, String)>,
    pub why: String,
}

/// Whoever listens to the KPIs' decisions.
pub trait Tally<'a> {
    /// Whether the reasons are wanted: only then are the `why` closures called and the near
    /// misses looked for.
    const EXPLAINING: bool;

    /// Declares a family before its records are decided.
    fn family(&mut self, def: FamilyDef) -> Family;

    /// The verdict of family `f` on a record of part `part` (0 for a single measure).
    fn decide(
        &mut self,
        f: Family,
        part: usize,
        verdict: Verdict,
        why: impl FnOnce() -> Reason<'a>,
    );

    /// A record that touches the period and would have counted in `f`, left out by `rule`.
    /// Called only when [`Tally::EXPLAINING`].
    fn near_miss(
        &mut self,
        f: Family,
        part: usize,
        rule: &'static str,
        why: impl FnOnce() -> Reason<'a>,
    );
}

/// The tally of a build: the sum of each part, nothing else.
#[derive(Debug, Clone, Default)]
pub struct Counter {
    families: Vec<(FamilyDef, Vec<i64>)>,
}

impl Counter {
    pub fn families(&self) -> impl Iterator<Item = &FamilyDef> {
        self.families.iter().map(|(def, _)| def)
    }

    pub fn def(&self, f: Family) -> &FamilyDef {
        &self.families[f.0].0
    }

    /// The figures of family `f`: each part's, and `all`'s.
    pub fn figures(&self, f: Family) -> (Vec<i64>, Option<i64>) {
        let (def, sums) = &self.families[f.0];
        def.figures(sums)
    }

    /// Every measure of the return.
    pub fn measures(&self) -> Measures {
        let mut m = Measures::new();
        for (def, sums) in &self.families {
            let (parts, all) = def.figures(sums);
            for (code, value) in def.codes.iter().zip(parts) {
                m.set(code.clone(), value);
            }
            if let (Some(code), Some(value)) = (&def.all, all) {
                m.set(code.clone(), value);
            }
        }
        m
    }
}

impl<'a> Tally<'a> for Counter {
    const EXPLAINING: bool = false;

    fn family(&mut self, def: FamilyDef) -> Family {
        let parts = def.codes.len();
        self.families.push((def, vec![0; parts]));
        Family(self.families.len() - 1)
    }

    #[inline]
    fn decide(
        &mut self,
        f: Family,
        part: usize,
        verdict: Verdict,
        _why: impl FnOnce() -> Reason<'a>,
    ) {
        if let Verdict::Yes(n) = verdict {
            self.families[f.0].1[part] += n;
        }
    }

    fn near_miss(
        &mut self,
        _f: Family,
        _part: usize,
        _rule: &'static str,
        _why: impl FnOnce() -> Reason<'a>,
    ) {
    }
}

/// `Y` or `N`, as the export's yes/no columns are shown.
pub fn yn(b: bool) -> String {
    if b { "Y" } else { "N" }.to_string()
}

/// An optional yes/no: blank when not recorded.
pub fn yn_opt(b: Option<bool>) -> String {
    b.map_or_else(String::new, yn)
}

/// A code as shown in a sentence: `not recorded` when blank.
pub fn shown(code: &str) -> &str {
    if code.is_empty() {
        "not recorded"
    } else {
        code
    }
}

/// Weekly hours as typed: `7.25`, `20`.
pub fn hours_text(h: Hours) -> String {
    let whole = h.0.div_euclid(1000);
    let frac = h.0.rem_euclid(1000);
    if frac == 0 {
        return whole.to_string();
    }
    let text = format!("{whole}.{frac:03}");
    text.trim_end_matches('0').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason() -> Reason<'static> {
        panic!("a counter never asks why")
    }

    #[test]
    fn a_counter_sums_the_counted_parts_and_all_is_their_sum() {
        let mut c = Counter::default();
        let f = c.family(FamilyDef::groups(
            "kpi1",
            "suitable",
            Unit::Count,
            "the cohort",
        ));
        c.decide(f, Group::Community as usize, Verdict::Yes(1), reason);
        c.decide(f, Group::Community as usize, Verdict::No, reason);
        c.decide(f, Group::Custody as usize, Verdict::Yes(1), reason);
        c.decide(f, Group::Prevention as usize, Verdict::Out, reason);
        c.near_miss(f, 0, "a rule", reason);
        let m = c.measures();
        assert_eq!(m.get("kpi1.community.suitable"), Some(1));
        assert_eq!(m.get("kpi1.custody.suitable"), Some(1));
        assert_eq!(m.get("kpi1.prevention.suitable"), Some(0));
        assert_eq!(m.get("kpi1.all.suitable"), Some(2));
        assert_eq!(m.len(), 5);
    }

    #[test]
    fn hours_are_rounded_per_part_and_all_adds_the_rounded_parts() {
        let mut c = Counter::default();
        let f = c.family(FamilyDef::groups("kpi2", "hours_offered", Unit::Hours, "x"));
        // 2.5 in two groups: 3 + 3 = 6, where rounding the total 5.0 would give 5.
        c.decide(f, 1, Verdict::Yes(2500), reason);
        c.decide(f, 2, Verdict::Yes(2500), reason);
        assert_eq!(c.figures(f), (vec![0, 3, 3, 0], Some(6)));
    }

    #[test]
    fn hours_are_shown_as_typed() {
        assert_eq!(hours_text(Hours(7250)), "7.25");
        assert_eq!(hours_text(Hours(20000)), "20");
        assert_eq!(hours_text(Hours(500)), "0.5");
        assert_eq!(hours_text(Hours(12125)), "12.125");
    }
}
