//! Every check that needs only the document itself: its identity, the definitions it names,
//! its measures (missing, unknown, negative), the figures' consistency, a figure shown twice
//! with two values, the percentages shown ([`super::shown`]) and its period against the time
//! ([`super::period`]).
//!
//! Invariant: a return built by `build` from a complete export, checked after its period,
//! passes every one of them.

use std::collections::BTreeSet;

use super::document::Document;
use super::period::period_against_time;
use super::rules::{finding, finding_in};
use super::shown::shown_mismatch;
use crate::definitions::{Definitions, Source};
use crate::export::records::Export;
use crate::kpi;
use crate::measures::Return;
use crate::text::cut;
use crate::validate::Finding;

/// The measure codes a return under these definitions must hold, and the partner codes whose
/// KPI 7 measures may appear besides.
fn expected_codes(defs: &Definitions, ret: &Return) -> (BTreeSet<String>, Vec<String>) {
    let codes = kpi::Codes::from_definitions(defs);
    let empty = kpi::compute(&Export::default(), ret.identity.period, &codes);
    let required = empty.iter().map(|(c, _)| c.to_string()).collect();
    let partners = codes.partners.iter().map(|p| p.to_lowercase()).collect();
    (required, partners)
}

/// Every check that needs only the document itself.
/// `today` is the day of the check: a return cannot be for a period that has not ended by then
/// (C106).
pub fn check_document(doc: &Document, source: &Source, today: crate::date::Date) -> Vec<Finding> {
    let mut out = Vec::new();
    let id = &doc.ret.identity;
    let file = doc.file.as_str();
    let bad_id = |field: &str, value: &str, why: &str| {
        finding(
            "C102",
            file,
            None,
            None,
            Some(value.to_string()),
            format!("identity {field}: {why}"),
        )
    };
    if !(2..=10).contains(&id.yjs_code.len())
        || !id.yjs_code.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        out.push(bad_id(
            "yjs_code",
            &id.yjs_code,
            "must be 2-10 letters or digits",
        ));
    }
    if id.yjs_name.trim().is_empty() {
        out.push(bad_id("yjs_name", &id.yjs_name, "is empty"));
    }
    if !matches!(id.nation.as_str(), "ENGLAND" | "WALES") {
        out.push(bad_id("nation", &id.nation, "must be ENGLAND or WALES"));
    }
    if id.population_10_17 == 0 {
        out.push(bad_id("population_10_17", "0", "must be more than 0"));
    }
    if id.provisional {
        out.push(finding(
            "C105",
            file,
            None,
            None,
            None,
            format!(
                "this {} return is provisional: it was built before the quarter's records were \
                 complete (or marked provisional by the officer), so its figures will change \
                 and it is not fit to send; build it again from a full export with `build` \
                 (without --provisional)",
                id.period
            ),
        ));
    }
    if let Some(f) = period_against_time(doc, today) {
        out.push(f);
    }
    if !crate::audit::record::is_hex64(&id.input_sha256) {
        out.push(bad_id(
            "input_sha256",
            &id.input_sha256,
            "must be 64 lower-case hexadecimal digits",
        ));
    }
    if crate::date::Timestamp::parse(&id.generated_at).is_none() {
        out.push(bad_id(
            "generated_at",
            &id.generated_at,
            "must be a UTC time like 2024-10-21T09:30:00Z",
        ));
    }
    if id.tool_version.trim().is_empty() {
        out.push(bad_id("tool_version", &id.tool_version, "is empty"));
    }
    let defs = match Definitions::load_shared(source, &id.definitions_version) {
        Ok(d) => d,
        Err(e) => {
            out.push(finding(
                "C103",
                file,
                None,
                None,
                Some(id.definitions_version.clone()),
                e.to_string(),
            ));
            return out;
        }
    };
    match Definitions::version_for(source, id.period) {
        Ok(in_force) if in_force != defs.version => out.push(finding(
            "C103",
            file,
            None,
            None,
            Some(id.definitions_version.clone()),
            format!(
                "a {} return is made under definitions {in_force}, not {}",
                id.period, defs.version
            ),
        )),
        Ok(_) => {}
        Err(e) => out.push(finding(
            "C103",
            file,
            None,
            None,
            Some(id.period.to_string()),
            e.to_string(),
        )),
    }

    let (required, partners) = expected_codes(&defs, &doc.ret);
    for code in &required {
        if doc.ret.measures.get(code).is_none() {
            out.push(finding(
                "C201",
                file,
                None,
                Some(code),
                None,
                format!(
                    "measure {code} is missing; every {} return holds it",
                    defs.version
                ),
            ));
        }
    }
    for (code, value) in doc.ret.measures.iter() {
        let optional_partner = code
            .strip_prefix("kpi7.")
            .and_then(|rest| rest.split_once('.'))
            .is_some_and(|(p, field)| {
                partners.iter().any(|q| q == p)
                    && matches!(field, "attended" | "senior" | "disproportionality_data")
            });
        if !required.contains(code) && !optional_partner {
            out.push(doc.at(
                code,
                "C202",
                Some(value.to_string()),
                format!(
                    "{} is not a measure of the {} definitions",
                    cut(code),
                    defs.version
                ),
            ));
        }
        if value < 0 {
            out.push(doc.at(
                code,
                "C203",
                Some(value.to_string()),
                format!("{} is {value}; counts are never negative", cut(code)),
            ));
        }
    }
    for problem in kpi::invariants::check(&doc.ret.measures) {
        if doc.ret.measures.get(&problem.code).is_none() {
            continue; // reported as missing (C201) already
        }
        let value = doc.ret.measures.get(&problem.code).map(|v| v.to_string());
        out.push(doc.at(&problem.code, "C301", value, problem.message));
    }
    for c in &doc.conflicts {
        out.push(finding_in(
            "C401",
            &doc.file,
            &c.place,
            Some(&c.code),
            Some(c.value.to_string()),
            format!(
                "{} is {} here but {} in {}, where the workbook first shows it",
                cut(&c.code),
                c.value,
                c.first_value,
                c.first.reference()
            ),
        ));
    }
    for p in &doc.shown {
        if let Some(f) = shown_mismatch(doc, p) {
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testkit::{codes, document, today};
    use super::*;
    use crate::measures::Measures;

    #[test]
    fn a_complete_return_passes() {
        assert_eq!(
            check_document(&document(), &Source::Embedded, today()),
            vec![]
        );
    }

    #[test]
    fn missing_unknown_and_negative_measures() {
        let mut doc = document();
        let mut m = Measures::new();
        for (code, v) in doc.ret.measures.iter() {
            match code {
                "kpi10.victims" => {}
                "custody.sentences" => m.set(code, -1),
                _ => m.set(code, v),
            }
        }
        m.set("kpi11.made_up", 3);
        m.set("kpi7.pcc.attended", 0);
        doc.ret.measures = m;
        let found = codes(&check_document(&doc, &Source::Embedded, today()));
        assert!(
            found.contains(&("C201".into(), Some("kpi10.victims".into()))),
            "{found:?}"
        );
        assert!(
            found.contains(&("C202".into(), Some("kpi11.made_up".into()))),
            "{found:?}"
        );
        assert!(
            found.contains(&("C203".into(), Some("custody.sentences".into()))),
            "{found:?}"
        );
        assert!(
            !found
                .iter()
                .any(|(_, c)| c.as_deref() == Some("kpi7.pcc.attended"))
        );
    }

    #[test]
    fn a_period_before_the_kpis_began_is_not_fit_to_send() {
        let mut doc = document();
        doc.ret.identity.period = "2019-20 Q2".parse().unwrap();
        let found = check_document(&doc, &Source::Embedded, today());
        let c103: Vec<&Finding> = found.iter().filter(|f| f.code == "C103").collect();
        assert_eq!(c103.len(), 1, "{found:?}");
        assert!(
            c103[0]
                .message
                .contains("the key performance indicators began in 2023-24 Q1"),
            "{}",
            c103[0].message
        );
        doc.ret.identity.period = "2023-24 Q1".parse().unwrap();
        assert!(
            !check_document(&doc, &Source::Embedded, today())
                .iter()
                .any(|f| f.code == "C103")
        );
    }

    #[test]
    fn identity_and_definitions_version() {
        let mut doc = document();
        doc.ret.identity.yjs_code = "N".into();
        doc.ret.identity.definitions_version = "2019-20".into();
        let found = codes(&check_document(&doc, &Source::Embedded, today()));
        assert_eq!(found[0].0, "C102");
        assert!(found.iter().any(|(c, _)| c == "C103"), "{found:?}");
    }
}
