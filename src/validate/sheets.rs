//! The sheets the rules across rows read, and the index they share: each child's id numbered
//! once, with the date of birth sheet Children gives it, so that every rule that looks a row's
//! child up hashes it once, not once per rule.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::ops::Deref;

use foldhash::fast::FixedState;

use super::collector::Collector;
use super::validation::SheetData;
use crate::date::Date;

/// A rule implemented in code: the catalogue codes it can report, and the check.
pub(crate) type Check = (&'static [&'static str], fn(&Sheets<'_>, &mut Collector<'_>));

pub(crate) fn sheet<'a>(sheets: &'a [SheetData], name: &str) -> Option<&'a SheetData> {
    sheets.iter().find(|s| s.name == name)
}

/// The positions of the named columns in the sheet's definition, for reading rows by index
/// (`usize::MAX`, which reads as blank, where the definition lacks one).
pub(crate) fn columns<const N: usize>(s: &SheetData, names: [&str; N]) -> [usize; N] {
    names.map(|n| s.column(n).unwrap_or(usize::MAX))
}

/// Hash maps keyed by the export's own text: a fast hasher with a fixed seed (the keys are
/// the user's own data, and results never depend on iteration order).
pub(super) type Map<K, V> = HashMap<K, V, FixedState>;

pub(super) type Set<K> = HashSet<K, FixedState>;

/// The sheets the rules read, with the children's ids numbered once, when first needed, for
/// the rules that look a row's child up (orphans, ages, overlaps): each row's child is hashed
/// once, not once per rule.
pub(crate) struct Sheets<'a> {
    list: &'a [SheetData],
    children: OnceCell<Children<'a>>,
}

impl<'a> Sheets<'a> {
    pub(crate) fn new(list: &'a [SheetData]) -> Sheets<'a> {
        Sheets {
            list,
            children: OnceCell::new(),
        }
    }

    pub(super) fn children(&self) -> &Children<'a> {
        self.children.get_or_init(|| Children::new(self.list))
    }
}

impl Deref for Sheets<'_> {
    type Target = [SheetData];

    fn deref(&self) -> &[SheetData] {
        self.list
    }
}

/// No child named on a row.
pub(super) const NONE: u32 = u32::MAX;

/// Every `child_id` of sheets Children, Interventions and Offences, numbered, those of sheet
/// Children first; the date of birth Children gives each; and each row's child.
pub(super) struct Children<'a> {
    /// Children numbered below this are in sheet Children; `None` when the sheet, or its
    /// `child_id` column, is absent (then no reference can be checked).
    pub(super) listed: Option<u32>,
    /// By number: the first date of birth sheet Children gives the child.
    pub(super) dob: Vec<Option<Date>>,
    pub(super) ids: Vec<&'a str>,
    /// The number of each row's child (`NONE` when blank), by row of Interventions and of
    /// Offences.
    pub(super) interventions: Vec<u32>,
    pub(super) offences: Vec<u32>,
}

impl<'a> Children<'a> {
    fn new(sheets: &'a [SheetData]) -> Children<'a> {
        let rows = |name| sheet(sheets, name).map_or(0, |s| s.rows.len());
        let mut number: Map<&str, u32> = Map::with_capacity_and_hasher(
            rows("Children") + rows("Interventions") / 2,
            FixedState::default(),
        );
        let mut index = Children {
            listed: None,
            dob: Vec::new(),
            ids: Vec::new(),
            interventions: Vec::new(),
            offences: Vec::new(),
        };
        let mut intern = |id: &'a str, index: &mut Children<'a>| -> u32 {
            *number.entry(id).or_insert_with(|| {
                index.ids.push(id);
                index.dob.push(None);
                (index.ids.len() - 1) as u32
            })
        };
        if let Some(s) = sheet(sheets, "Children") {
            let [child, born] = columns(s, ["child_id", "date_of_birth"]);
            for row in &s.rows {
                if let Some(id) = row.text_at(child) {
                    let n = intern(id, &mut index) as usize;
                    if index.dob[n].is_none() {
                        index.dob[n] = row.date_at(born);
                    }
                }
            }
            if s.columns.contains_key("child_id") {
                index.listed = Some(index.ids.len() as u32);
            }
        }
        for name in ["Interventions", "Offences"] {
            let Some(s) = sheet(sheets, name) else {
                continue;
            };
            let [child] = columns(s, ["child_id"]);
            let numbers = s
                .rows
                .iter()
                .map(|r| r.text_at(child).map_or(NONE, |id| intern(id, &mut index)))
                .collect();
            match name {
                "Interventions" => index.interventions = numbers,
                _ => index.offences = numbers,
            }
        }
        index
    }

    /// The numbers of the children of `sheet`'s rows.
    pub(super) fn of(&self, sheet: &str) -> &[u32] {
        match sheet {
            "Interventions" => &self.interventions,
            "Offences" => &self.offences,
            _ => &[],
        }
    }
}
