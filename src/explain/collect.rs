//! The tally that keeps the records: it hears the KPIs' decisions as the build's counter does
//! (and keeps its sums, so the figures are the very ones a build makes), and keeps each record
//! of a family that was asked for, with its reason.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use foldhash::fast::FixedState;

use super::model::{Collected, Entry, Status};
use crate::kpi::tally::{Counter, Family, FamilyDef, Reason, Tally, Verdict};

pub struct Collector<'s> {
    counter: Counter,
    /// Each family's records; `None` for a family not asked for.
    entries: Vec<Option<Vec<Entry>>>,
    wanted: &'s dyn Fn(&FamilyDef) -> bool,
    /// The export's own name of each sheet, by the dictionary's name.
    sheets: &'s BTreeMap<String, String>,
    /// The same, shared by every record of a sheet.
    named: BTreeMap<&'static str, Arc<str>>,
    /// Every identifier met, kept once: a child's id is in many measures' records.
    ids: HashSet<Arc<str>, FixedState>,
}

impl<'s> Collector<'s> {
    pub fn new(
        wanted: &'s dyn Fn(&FamilyDef) -> bool,
        sheets: &'s BTreeMap<String, String>,
    ) -> Collector<'s> {
        Collector {
            counter: Counter::default(),
            entries: Vec::new(),
            wanted,
            sheets,
            named: BTreeMap::new(),
            ids: HashSet::default(),
        }
    }

    fn keep(&mut self, f: Family, part: usize, status: Status, amount: i64, r: Reason) {
        if self.entries[f.0].is_none() {
            return;
        }
        let sheets = self.sheets;
        let sheet = self
            .named
            .entry(r.sheet)
            .or_insert_with(|| Arc::from(sheets.get(r.sheet).map_or(r.sheet, String::as_str)))
            .clone();
        let Some(list) = &mut self.entries[f.0] else {
            return;
        };
        list.push(Entry {
            status,
            part,
            sheet,
            table: r.sheet,
            row: r.row,
            ids: r
                .ids
                .into_iter()
                .map(|(k, v)| (k, intern(&mut self.ids, &v)))
                .collect(),
            key: r.key,
            fields: r.fields,
            amount,
            why: r.why,
            rule: None,
        });
    }

    /// The families with their figures and records.
    pub fn finish(self) -> Vec<Collected> {
        let counter = self.counter;
        self.entries
            .into_iter()
            .enumerate()
            .map(|(i, entries)| {
                let (parts, all) = counter.figures(Family(i));
                Collected {
                    def: counter.def(Family(i)).clone(),
                    parts,
                    all,
                    entries,
                }
            })
            .collect()
    }
}

/// `value` as kept in `ids`, added the first time it is met.
fn intern(ids: &mut HashSet<Arc<str>, FixedState>, value: &str) -> Arc<str> {
    if let Some(kept) = ids.get(value) {
        return kept.clone();
    }
    let kept: Arc<str> = Arc::from(value);
    ids.insert(kept.clone());
    kept
}

impl<'a> Tally<'a> for Collector<'_> {
    const EXPLAINING: bool = true;

    fn family(&mut self, def: FamilyDef) -> Family {
        self.entries.push((self.wanted)(&def).then(Vec::new));
        self.counter.family(def)
    }

    fn decide(
        &mut self,
        f: Family,
        part: usize,
        verdict: Verdict,
        why: impl FnOnce() -> Reason<'a>,
    ) {
        self.counter.decide(f, part, verdict, Reason::default);
        if self.entries[f.0].is_none() {
            return;
        }
        match verdict {
            Verdict::Yes(n) => self.keep(f, part, Status::Counted, n, why()),
            Verdict::No if self.counter.def(f).denominator.is_some() => {
                self.keep(f, part, Status::Outside, 0, why());
            }
            Verdict::No | Verdict::Out => {}
        }
    }

    fn near_miss(
        &mut self,
        f: Family,
        part: usize,
        rule: &'static str,
        why: impl FnOnce() -> Reason<'a>,
    ) {
        if self.entries[f.0].is_none() {
            return;
        }
        self.keep(f, part, Status::NearMiss, 0, why());
        if let Some(Some(list)) = self.entries.get_mut(f.0)
            && let Some(last) = list.last_mut()
        {
            last.rule = Some(rule);
        }
    }
}
