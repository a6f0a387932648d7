//! The aggregation layer: from the typed export and a reporting period to the return's
//! measures, one module per KPI, each readable beside its paragraph of `return-format.md`.
//!
//! Each module decides, record by record, whether and why a record counts, and tells a
//! [`tally::Tally`]: [`compute`] keeps only the sums (the return's figures), `explain` keeps
//! the records and their reasons too. One implementation, so the two always agree.
//!
//! Decisions where the spec is silent (also in `docs/decisions.md`):
//! - `kpi3.GROUP.formal_plan` counts children with an identified need whose `send_plan` is
//!   `EHCP`, `SEN_SUPPORT` or `IDP`; `NONE` or blank is not a plan. `plan_and_suitable_ete` is
//!   those with a formal plan whose ETE at the end is suitable.
//! - `kpi4`/`kpi5` are funnels: `planned` counts only children with the need, `attended` only
//!   children with something planned (the dictionary makes the later columns blank otherwise).
//! - `kpi10` sub-measures other than `consented` count only victims who consented, so
//!   `progress_provided` ≤ `progress_requested` ≤ `consented` ≤ `victims`.
//! - `kpi9.children` counts a child with a serious youth violence offence whether or not the
//!   child is in `Children` or on the caseload.
//! - An ended intervention without its end-of-intervention fields cannot pass validation; if
//!   one reaches here all its "at the end" flags count as No.

pub mod caseload;
pub mod codes;
pub mod cohort;
pub mod custody;
pub mod fte;
pub mod invariants;
pub mod kpi1;
pub mod kpi10;
pub mod kpi2;
pub mod kpi3;
pub mod kpi4;
pub mod kpi5;
pub mod kpi6;
pub mod kpi7;
pub mod kpi8;
pub mod kpi9;
pub mod reoffending;
pub mod tally;
#[cfg(test)]
pub(crate) mod testkit;

use crate::export::records::Export;
use crate::measures::Measures;
use crate::period::Period;
pub use codes::{Codes, GROUP_CODES};
use tally::{Counter, Tally};

/// Computes every measure of the return for `period`.
pub fn compute(export: &Export, period: Period, codes: &Codes) -> Measures {
    let mut counter = Counter::default();
    decide(export, period, codes, &mut counter);
    counter.measures()
}

/// Decides every record of every measure of the return for `period`, in the return's order,
/// telling `t`.
pub fn decide<'a, T: Tally<'a>>(export: &'a Export<'a>, period: Period, codes: &Codes, t: &mut T) {
    let cohort = cohort::Cohort::tally(export, period, t);
    kpi1::tally(&cohort, codes, t);
    kpi2::tally(&cohort, codes, t);
    kpi3::tally(&cohort, t);
    kpi4::tally(&cohort, t);
    kpi5::tally(&cohort, t);
    kpi6::tally(export, period, t);
    kpi7::tally(export, period, codes, t);
    kpi8::tally(&cohort, t);
    kpi9::tally(export, period, t);
    kpi10::tally(export, period, t);
    fte::tally(export, period, t);
    custody::tally(export, period, t);
    reoffending::tally(export, period, t);
    caseload::tally(export, period, t);
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::definitions::{Definitions, Source};

    /// Every measure code of return-format.md, transcribed from its tables, expanded over
    /// GROUP, TYPE, PARTNER (statutory only: the others appear only with rows) and the code
    /// lists: the computation must produce exactly these, no more, no fewer.
    #[test]
    fn computes_exactly_the_measure_codes_of_the_spec() {
        let defs = Definitions::latest(&Source::Embedded).unwrap();
        let codes = Codes::from_definitions(&defs);
        let mut spec: BTreeSet<String> = BTreeSet::new();
        let per_group = [
            "cohort.GROUP.children",
            "kpi1.GROUP.suitable",
            "kpi2.GROUP.suitable",
            "kpi2.GROUP.hours_offered",
            "kpi2.GROUP.hours_attended",
            "kpi3.GROUP.send_identified",
            "kpi3.GROUP.formal_plan",
            "kpi3.GROUP.plan_and_suitable_ete",
            "kpi4.GROUP.need",
            "kpi4.GROUP.planned",
            "kpi4.GROUP.attended",
            "kpi5.GROUP.need",
            "kpi5.GROUP.planned",
            "kpi5.GROUP.attended",
            "kpi8.GROUP.early_help",
            "kpi8.GROUP.child_protection",
            "kpi8.GROUP.child_in_need",
            "kpi8.GROUP.looked_after",
            "kpi8.GROUP.any",
            "caseload.GROUP.open_at_end",
        ];
        let accommodation = [
            "parents",
            "family",
            "foster",
            "residential",
            "supported",
            "independent",
            "secure",
            "temporary",
            "nfa",
            "other",
        ];
        let ete = [
            "school_ft",
            "school_pt",
            "alt_provision",
            "ehe",
            "college",
            "training",
            "apprenticeship",
            "employment",
            "neet",
            "other",
        ];
        for g in GROUP_CODES {
            for p in per_group {
                spec.insert(p.replace("GROUP", g));
            }
            for a in accommodation {
                spec.insert(format!("kpi1.{g}.type.{a}"));
            }
            for e in ete {
                spec.insert(format!("kpi2.{g}.status.{e}"));
            }
        }
        for t in ["div", "yc", "ycc", "all"] {
            for w in ["ended", "completed", "not_completed"] {
                spec.insert(format!("kpi6.{t}.{w}"));
            }
        }
        spec.insert("kpi7.meetings".into());
        spec.insert("kpi7.statutory_all_senior".into());
        for p in ["police", "probation", "social_care", "education", "health"] {
            for w in ["attended", "senior", "disproportionality_data"] {
                spec.insert(format!("kpi7.{p}.{w}"));
            }
        }
        for c in [
            "kpi9.offences",
            "kpi9.children",
            "kpi9.caseload",
            "kpi9.caseload_children",
            "kpi10.victims",
            "kpi10.consented",
            "kpi10.rj_engaged",
            "kpi10.views_sought",
            "kpi10.progress_requested",
            "kpi10.progress_provided",
            "kpi10.services_requested",
            "kpi10.services_provided",
            "fte.children",
            "custody.sentences",
            "reoffending.cohort",
            "reoffending.reoffenders",
            "reoffending.reoffences",
        ] {
            spec.insert(c.into());
        }
        let computed: BTreeSet<String> =
            compute(&Export::default(), "2024-25 Q2".parse().unwrap(), &codes)
                .iter()
                .map(|(c, _)| c.to_string())
                .collect();
        assert_eq!(computed, spec);
    }
}
