//! Small constructors so the KPI tests read like the spec's examples.

use crate::date::Date;
use crate::export::records::*;
use crate::period::Period;

pub fn d(text: &str) -> Date {
    Date::parse_text(text).unwrap()
}

pub fn q(text: &str) -> Period {
    text.parse().unwrap()
}

pub fn export(interventions: Vec<Intervention<'_>>) -> Export<'_> {
    Export {
        service: Some(Service {
            yjs_code: "NSH01",
            yjs_name: "Northshire",
            nation: Nation::England,
            population_10_17: 48210,
            extract_date: d("2025-04-17"),
        }),
        interventions,
        ..Export::default()
    }
}

/// An end state with every flag No, suitable accommodation and ETE.
pub fn end_state<'a>() -> EndState<'a> {
    EndState {
        accommodation_type: "PARENTS",
        accommodation_suitable: true,
        ete_status: "SCHOOL_FT",
        ete_suitable: true,
        ..EndState::default()
    }
}

pub fn open<'a>(
    id: &'a str,
    child: &'a str,
    kind: InterventionType,
    start: &str,
) -> Intervention<'a> {
    Intervention {
        row: 2,
        intervention_id: id,
        child_id: child,
        kind,
        start_date: d(start),
        end_date: None,
        release_date: None,
        ooc_outcome: None,
        end: None,
    }
}

pub fn ended<'a>(
    id: &'a str,
    child: &'a str,
    kind: InterventionType,
    start: &str,
    end: &str,
) -> Intervention<'a> {
    Intervention {
        end_date: Some(d(end)),
        ooc_outcome: kind.is_out_of_court().then_some(OocOutcome::Completed),
        end: Some(end_state()),
        ..open(id, child, kind, start)
    }
}

/// A custodial sentence released on `release`, its licence ending on `licence_end`.
pub fn released<'a>(
    id: &'a str,
    child: &'a str,
    start: &str,
    release: &str,
    licence_end: Option<&str>,
) -> Intervention<'a> {
    Intervention {
        release_date: Some(d(release)),
        end_date: licence_end.map(d),
        end: Some(end_state()),
        ..open(id, child, InterventionType::Cust, start)
    }
}

/// The same intervention with its end state changed by `f`.
pub fn with<'a>(mut iv: Intervention<'a>, f: impl FnOnce(&mut EndState<'a>)) -> Intervention<'a> {
    f(iv.end.get_or_insert_with(end_state));
    iv
}

pub fn offence<'a>(
    id: &'a str,
    child: &'a str,
    outcome_date: &str,
    outcome_type: &'a str,
    category: &'a str,
    gravity: u8,
    custodial: Option<bool>,
) -> Offence<'a> {
    Offence {
        row: 2,
        offence_id: id,
        child_id: child,
        offence_date: d(outcome_date).add_days(-30),
        outcome_date: d(outcome_date),
        outcome_type,
        offence_category: category,
        gravity_score: gravity,
        custodial,
    }
}

/// Every measure of the return for the export and period, with the definitions' code lists.
pub fn figures(e: &Export, period: &str) -> crate::measures::Measures {
    super::compute(e, q(period), &codes())
}

/// The code lists of the latest definitions.
pub fn codes() -> super::Codes {
    use crate::definitions::{Definitions, Source};
    super::Codes::from_definitions(&Definitions::latest(&Source::Embedded).unwrap())
}

/// One decision as a [`Recorder`] heard it.
#[derive(Debug, Clone)]
pub struct Heard {
    /// The measure of the record's part (`kpi1.community.suitable`).
    pub code: String,
    /// The family's `all` measure, if it has one.
    pub all: Option<String>,
    /// `Some(amount)` counted, `None` decided and not counted.
    pub counted: Option<i64>,
    /// The rule, for a near miss.
    pub rule: Option<&'static str>,
    pub row: u32,
    /// The identifier that identifies the record.
    pub key: String,
    pub fields: Vec<(&'static str, String)>,
    pub why: String,
}

impl Heard {
    /// Whether the record is heard in measure `code` (its part's, or its family's `all`).
    fn is(&self, code: &str) -> bool {
        self.code == code || self.all.as_deref() == Some(code)
    }
}

/// A tally that keeps every decision and near miss with its reason, to test the reasons.
#[derive(Default)]
pub struct Recorder {
    families: Vec<super::tally::FamilyDef>,
    pub heard: Vec<Heard>,
}

impl Recorder {
    pub fn of(e: &Export, period: &str) -> Recorder {
        let mut r = Recorder::default();
        super::decide(e, q(period), &codes(), &mut r);
        r
    }

    fn keys(&self, code: &str, test: impl Fn(&Heard) -> bool) -> Vec<String> {
        self.heard
            .iter()
            .filter(|h| h.is(code) && test(h))
            .map(|h| h.key.clone())
            .collect()
    }

    /// The keys of the records counted in the measure of a part.
    pub fn counted(&self, code: &str) -> Vec<String> {
        self.keys(code, |h| h.counted.is_some() && h.rule.is_none())
    }

    /// The keys of the records decided and not counted.
    pub fn outside(&self, code: &str) -> Vec<String> {
        self.keys(code, |h| h.counted.is_none() && h.rule.is_none())
    }

    /// The keys of the near misses.
    pub fn near(&self, code: &str) -> Vec<String> {
        self.keys(code, |h| h.rule.is_some())
    }

    /// The one decision of a record in a measure (not a near miss).
    pub fn get(&self, code: &str, key: &str) -> &Heard {
        self.find(code, key, false)
    }

    /// The one near miss of a record in a measure.
    pub fn near_miss(&self, code: &str, key: &str) -> &Heard {
        self.find(code, key, true)
    }

    fn find(&self, code: &str, key: &str, near: bool) -> &Heard {
        let found: Vec<&Heard> = self
            .heard
            .iter()
            .filter(|h| h.is(code) && h.key == key && h.rule.is_some() == near)
            .collect();
        assert_eq!(found.len(), 1, "{code} {key}: {found:?}");
        found[0]
    }

    fn hear(
        &mut self,
        f: super::tally::Family,
        part: usize,
        counted: Option<i64>,
        rule: Option<&'static str>,
        r: super::tally::Reason,
    ) {
        self.heard.push(Heard {
            code: self.families[f.0].codes[part].clone(),
            all: self.families[f.0].all.clone(),
            counted,
            rule,
            row: r.row,
            key: r.ids[..r.key]
                .iter()
                .map(|(_, v)| v.to_string())
                .collect::<Vec<_>>()
                .join(" "),
            fields: r.fields,
            why: r.why,
        });
    }
}

impl<'a> super::tally::Tally<'a> for Recorder {
    const EXPLAINING: bool = true;

    fn family(&mut self, def: super::tally::FamilyDef) -> super::tally::Family {
        self.families.push(def);
        super::tally::Family(self.families.len() - 1)
    }

    fn decide(
        &mut self,
        f: super::tally::Family,
        part: usize,
        verdict: super::tally::Verdict,
        why: impl FnOnce() -> super::tally::Reason<'a>,
    ) {
        use super::tally::Verdict;
        let counted = match verdict {
            Verdict::Out => return,
            Verdict::No => None,
            Verdict::Yes(n) => Some(n),
        };
        self.hear(f, part, counted, None, why());
    }

    fn near_miss(
        &mut self,
        f: super::tally::Family,
        part: usize,
        rule: &'static str,
        why: impl FnOnce() -> super::tally::Reason<'a>,
    ) {
        self.hear(f, part, None, Some(rule), why());
    }
}

/// The measures whose code starts with `prefix`.
pub fn section(m: &crate::measures::Measures, prefix: &str) -> Vec<(String, i64)> {
    m.iter()
        .filter(|(c, _)| c.starts_with(prefix))
        .map(|(c, v)| (c.to_string(), v))
        .collect()
}
