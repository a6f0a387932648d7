//! What `explain` finds: for each family of measures, its figures and the records behind them.

use crate::kpi::tally::{FamilyDef, Unit};
use crate::period::Period;

/// The words every output of `explain` starts with, and every page of its workbook carries.
pub const NOTICE: &str = "contains case identifiers: keep inside the service";

/// Where a record stands in a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Counted.
    Counted,
    /// In the denominator of the measure's percentage, not counted.
    Outside,
    /// Touches the period, would have counted, left out by a rule.
    NearMiss,
}

impl Status {
    /// The key of its list in the JSON, and the word in the workbook's cells.
    pub fn word(self) -> &'static str {
        match self {
            Status::Counted => "counted",
            Status::Outside => "outside",
            Status::NearMiss => "near miss",
        }
    }
}

/// One record as a measure decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub status: Status,
    /// The record's part of the family (its group, or KPI 6's type); 0 for a single measure.
    pub part: usize,
    /// The sheet as the export names it (`Orders` where the supplier calls `Interventions`
    /// that); shared by every record of the sheet.
    pub sheet: std::sync::Arc<str>,
    /// The sheet as the data dictionary names it.
    pub table: &'static str,
    /// The Excel row.
    pub row: u32,
    /// The record's identifiers, those that identify it across two exports first; each value
    /// shared by every entry that names it (a child is in many measures).
    pub ids: Vec<(&'static str, std::sync::Arc<str>)>,
    /// How many of `ids` identify the record.
    pub key: usize,
    /// The fields that decide it.
    pub fields: Vec<(&'static str, String)>,
    /// What it adds to the figure: 1 for a child counted, the hours in thousandths, the
    /// reoffences; 0 when not counted.
    pub amount: i64,
    pub why: String,
    /// The rule that left a near miss out.
    pub rule: Option<&'static str>,
}

impl Entry {
    /// The identifiers that identify the record, joined: how two exports' records are matched.
    pub fn key(&self) -> String {
        self.ids
            .iter()
            .take(self.key)
            .map(|(_, v)| &**v)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The record's identifiers as a person reads them: `child_id NSH-1001, intervention_id
    /// NSH-I-0012`.
    pub fn who(&self) -> String {
        self.ids
            .iter()
            .map(|(k, v)| format!("{k} {}", crate::text::cut(v)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A family of measures with its figures, and its records when it was asked for.
#[derive(Debug, Clone)]
pub struct Collected {
    pub def: FamilyDef,
    /// Each part's figure.
    pub parts: Vec<i64>,
    /// The figure of `all`.
    pub all: Option<i64>,
    /// The records, in the order decided; `None` when no measure of the family was asked for.
    pub entries: Option<Vec<Entry>>,
}

/// One measure: a part of a family, or its `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MeasureRef {
    pub family: usize,
    /// `None` for `all`.
    pub part: Option<usize>,
}

/// Everything `explain` found in one export for one period.
#[derive(Debug, Clone)]
pub struct Explanation {
    pub period: Period,
    /// The service's code and name, from the export's `Service` sheet.
    pub service: Option<(String, String)>,
    /// The day the export was taken.
    pub extract_date: Option<crate::date::Date>,
    pub families: Vec<Collected>,
    /// The measures asked for, in the return's order.
    pub asked: Vec<MeasureRef>,
    /// Codes asked for by name that this return does not hold (a board partner with no line
    /// in the period), with why.
    pub absent: Vec<(String, String)>,
}

/// One measure as explained: its figure and its records.
#[derive(Debug, Clone)]
pub struct Measure<'e> {
    pub code: &'e str,
    pub value: i64,
    pub unit: Unit,
    /// What the records are counted from.
    pub universe: &'static str,
    /// The denominator of its percentage, with its value.
    pub denominator: Option<(&'e str, i64)>,
    /// What the parts are called, when the measure is a family's `all` or one of its parts.
    pub part_kind: &'static str,
    /// The names of the family's parts.
    pub parts: &'e [&'static str],
    pub entries: &'e [Entry],
    part: Option<usize>,
}

impl<'e> Measure<'e> {
    /// Every record of the measure, whatever its status.
    pub fn in_part(&self) -> impl Iterator<Item = &'e Entry> + '_ {
        self.entries
            .iter()
            .filter(move |e| self.part.is_none_or(|p| e.part == p))
    }

    /// The records of the measure with this status.
    pub fn with(&self, status: Status) -> impl Iterator<Item = &'e Entry> + '_ {
        self.entries
            .iter()
            .filter(move |e| e.status == status && self.part.is_none_or(|p| e.part == p))
    }

    pub fn counted(&self) -> impl Iterator<Item = &'e Entry> + '_ {
        self.with(Status::Counted)
    }

    pub fn outside(&self) -> impl Iterator<Item = &'e Entry> + '_ {
        self.with(Status::Outside)
    }

    pub fn near_misses(&self) -> impl Iterator<Item = &'e Entry> + '_ {
        self.with(Status::NearMiss)
    }

    /// The part a record of this measure belongs to (`community`), when the family has parts.
    pub fn part_of(&self, e: &Entry) -> Option<&'static str> {
        self.parts.get(e.part).copied()
    }
}

impl Collected {
    /// The code and figure of a measure of this family.
    pub fn code_and_value(&self, part: Option<usize>) -> (&str, i64) {
        match part {
            Some(p) => (&self.def.codes[p], self.parts[p]),
            None => (
                self.def.all.as_deref().unwrap_or_default(),
                self.all.unwrap_or_default(),
            ),
        }
    }

    /// Every measure of the family: its parts (or its one measure), then `all`.
    pub fn measures(&self, family: usize) -> Vec<MeasureRef> {
        let mut out: Vec<MeasureRef> = (0..self.def.codes.len())
            .map(|p| MeasureRef {
                family,
                part: Some(p),
            })
            .collect();
        if self.def.all.is_some() {
            out.push(MeasureRef { family, part: None });
        }
        out
    }
}

impl Explanation {
    /// A measure, with its records (none when its family was not asked for).
    pub fn measure(&self, r: MeasureRef) -> Measure<'_> {
        let c = &self.families[r.family];
        let (code, value) = c.code_and_value(r.part);
        let denominator = c.def.denominator.map(|d| {
            let d = &self.families[d.0];
            d.code_and_value(r.part)
        });
        Measure {
            code,
            value,
            unit: c.def.unit,
            universe: c.def.universe,
            denominator,
            part_kind: c.def.part_kind,
            parts: &c.def.parts,
            entries: c.entries.as_deref().unwrap_or_default(),
            part: r.part.filter(|_| !c.def.parts.is_empty()),
        }
    }

    /// The measures asked for, in the return's order.
    pub fn measures(&self) -> impl Iterator<Item = Measure<'_>> {
        self.asked.iter().map(|r| self.measure(*r))
    }

    /// Every measure of the return with its figure, in the return's order.
    pub fn figures(&self) -> Vec<(&str, i64)> {
        let mut out = Vec::new();
        for (i, c) in self.families.iter().enumerate() {
            for r in c.measures(i) {
                out.push(c.code_and_value(r.part));
            }
        }
        out
    }

    /// The measure with this code, if the return holds it.
    pub fn find(&self, code: &str) -> Option<MeasureRef> {
        self.families.iter().enumerate().find_map(|(i, c)| {
            c.measures(i)
                .into_iter()
                .find(|r| c.code_and_value(r.part).0 == code)
        })
    }
}
