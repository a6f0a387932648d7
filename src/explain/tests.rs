//! The explain layer on small hand-made exports: its figures are the build's, it lists
//! outside only for a percentage's numerator, and two exports compare record by record.

use std::collections::{BTreeMap, BTreeSet};

use super::compare::Movement;
use super::*;
use crate::definitions::Source;
use crate::export::records::InterventionType::*;
use crate::kpi::testkit::*;

fn defs() -> Definitions {
    Definitions::latest(&Source::Embedded).unwrap()
}

fn explained(e: &Export, period: &str, names: &[&str]) -> Explanation {
    let codes = Codes::from_definitions(&defs());
    let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    let selection = Selection::parse(&names, &known_codes(&defs(), q(period))).unwrap();
    let sheets = BTreeMap::from([("Interventions".to_string(), "Orders".to_string())]);
    explain_export(e, &codes, q(period), &selection, &sheets)
}

fn keys(m: &Measure, status: Status) -> Vec<String> {
    m.with(status).map(Entry::key).collect()
}

#[test]
fn the_figures_are_the_builds_and_outside_is_listed_only_for_a_percentage() {
    let e = export(vec![
        ended("I1", "C1", Ro, "2024-01-01", "2024-08-01"),
        with(ended("I2", "C2", Yc, "2024-01-01", "2024-08-01"), |s| {
            s.accommodation_type = "NFA";
            s.accommodation_suitable = false;
        }),
    ]);
    let x = explained(&e, "2024-25 Q2", &["*"]);
    let built = figures(&e, "2024-25 Q2");
    let shown: BTreeMap<&str, i64> = x.figures().into_iter().collect();
    assert_eq!(shown.len(), built.len());
    for (code, value) in built.iter() {
        assert_eq!(shown[code], value, "{code}");
    }
    let suitable = x.measure(x.find("kpi1.all.suitable").unwrap());
    assert_eq!(keys(&suitable, Status::Counted), ["C1"]);
    assert_eq!(keys(&suitable, Status::Outside), ["C2"]);
    assert_eq!(suitable.denominator, Some(("cohort.all.children", 2)));
    // The sheet as the export names it.
    assert_eq!(suitable.counted().next().unwrap().sheet.as_ref(), "Orders");
    // A child's id is kept once, whatever measures its records are in.
    let cohort = x.measure(x.find("cohort.all.children").unwrap());
    let in_cohort = cohort.counted().find(|e| e.key() == "C1").unwrap();
    let in_suitable = suitable.counted().next().unwrap();
    assert!(std::sync::Arc::ptr_eq(
        &in_cohort.ids[0].1,
        &in_suitable.ids[0].1
    ));
    // A breakdown is no percentage: nobody is outside it.
    let nfa = x.measure(x.find("kpi1.all.type.nfa").unwrap());
    assert_eq!(keys(&nfa, Status::Counted), ["C2"]);
    assert_eq!(keys(&nfa, Status::Outside), Vec::<String>::new());
    // A group's measure lists its group's records only.
    let community = x.measure(x.find("kpi1.community.suitable").unwrap());
    assert_eq!(keys(&community, Status::Counted), ["C1"]);
    assert_eq!(keys(&community, Status::Outside), Vec::<String>::new());
}

#[test]
fn only_the_families_asked_for_keep_their_records() {
    let e = export(vec![ended("I1", "C1", Ro, "2024-01-01", "2024-08-01")]);
    let x = explained(&e, "2024-25 Q2", &["kpi1.community.suitable"]);
    let asked: Vec<&str> = x.measures().map(|m| m.code).collect();
    assert_eq!(asked, ["kpi1.community.suitable"]);
    let kept: Vec<&str> = x
        .families
        .iter()
        .filter(|c| c.entries.is_some())
        .map(|c| c.def.codes[0].as_str())
        .collect();
    assert_eq!(kept, ["kpi1.prevention.suitable"]);
    // Every figure is still there.
    assert_eq!(x.figures().len(), figures(&e, "2024-25 Q2").len());
}

#[test]
fn a_partner_asked_for_that_met_no_meeting_is_said_absent() {
    let x = explained(&export(vec![]), "2024-25 Q2", &["kpi7.courts"]);
    assert!(x.asked.is_empty());
    assert_eq!(x.absent.len(), 1);
    assert_eq!(x.absent[0].0, "kpi7.courts");
}

#[test]
fn the_denominators_are_the_percentages_the_return_workbook_shows() {
    let defs = defs();
    let layout = crate::write::template::Layout::load(&defs).unwrap();
    let shown: BTreeSet<(String, String)> = layout
        .ratios()
        .into_iter()
        .map(|r| (r.numerator, r.denominator))
        .collect();
    let x = explained(&export(vec![]), "2024-25 Q2", &["*"]);
    let mut declared = BTreeSet::new();
    for m in x.measures() {
        if let Some((d, _)) = m.denominator {
            declared.insert((m.code.to_string(), d.to_string()));
        }
    }
    assert_eq!(declared, shown);
}

#[test]
fn two_exports_name_the_record_that_moved_and_what_changed_in_it() {
    let period = "2024-25 Q3";
    let old = export(vec![
        ended("I1", "C1", Ro, "2024-01-01", "2024-12-20"),
        with(ended("I2", "C2", Ro, "2024-01-01", "2024-11-02"), |s| {
            s.accommodation_type = "NFA";
            s.accommodation_suitable = false;
        }),
    ]);
    let new = export(vec![
        // The end moved into the next quarter: C1 left the Q3 cohort.
        ended("I1", "C1", Ro, "2024-01-01", "2025-01-06"),
        // Corrected: C2's accommodation was suitable after all.
        with(ended("I2", "C2", Ro, "2024-01-01", "2024-11-02"), |s| {
            s.accommodation_type = "FAMILY";
        }),
    ]);
    let codes = Codes::from_definitions(&defs());
    let every = Selection::every();
    let sheets = BTreeMap::new();
    let ox = explain_export(&old, &codes, q(period), &every, &sheets);
    let nx = explain_export(&new, &codes, q(period), &every, &sheets);
    let c = compare::compare((&old, &ox), (&new, &nx), |_| true);
    let moved: BTreeMap<&str, &compare::MeasureChange> =
        c.measures.iter().map(|m| (m.code.as_str(), m)).collect();
    let cohort = moved["cohort.all.children"];
    assert_eq!((cohort.old, cohort.new), (Some(2), Some(1)));
    assert_eq!(cohort.moved.len(), 1);
    let c1 = &cohort.moved[0];
    assert_eq!((c1.movement, c1.key.as_str()), (Movement::Left, "C1"));
    assert_eq!(
        c1.what,
        "I1 end_date 2024-12-20 -> 2025-01-06: no longer among the interventions ending in the \
         period"
    );
    let family = moved["kpi1.all.type.family"];
    assert_eq!((family.old, family.new), (Some(0), Some(1)));
    assert_eq!(family.moved.len(), 1);
    assert_eq!(
        (family.moved[0].key.as_str(), family.moved[0].movement),
        ("C2", Movement::Entered)
    );
    assert_eq!(
        family.moved[0].what,
        "I2 accommodation_type NFA -> FAMILY; I2 accommodation_suitable N -> Y: now counted: \
         accommodation at the end: FAMILY, suitable Y"
    );
    // C1 left and C2 entered: 1 -> 1, so the measure did not change and is not listed.
    assert!(!moved.contains_key("kpi1.all.suitable"));
    assert!(!moved.contains_key("kpi2.all.hours_offered"));
}

#[test]
fn the_json_is_written_as_it_is_made_the_notice_first_and_a_record_to_a_line() {
    let e = export(vec![
        ended("I1", "C1", Ro, "2024-01-01", "2024-08-01"),
        with(ended("I2", "C2", Yc, "2024-01-01", "2024-08-01"), |s| {
            s.accommodation_type = "NFA";
            s.accommodation_suitable = false;
        }),
    ]);
    let names = ["kpi1.all.suitable".to_string()];
    let selection = Selection::parse(&names, &known_codes(&defs(), q("2024-25 Q2"))).unwrap();
    let codes = Codes::from_definitions(&defs());
    let x = explain_export(&e, &codes, q("2024-25 Q2"), &selection, &BTreeMap::new());
    let source = json::Source {
        file: "export.xlsx",
        sha256: "00",
        definitions_version: "2024-25",
    };
    let mut bytes = Vec::new();
    json::write(&x, &source, &[], &mut bytes).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], format!("{{\"notice\": \"{NOTICE}\","));
    // Each record on a line of its own: C1 counted, C2 outside.
    let c1: Vec<&&str> = lines.iter().filter(|l| l.contains("\"C1\"")).collect();
    let c2: Vec<&&str> = lines.iter().filter(|l| l.contains("\"C2\"")).collect();
    assert_eq!((c1.len(), c2.len()), (1, 1), "{text}");
    assert!(
        c1[0].starts_with("{\"sheet\":\"Interventions\",\"row\":"),
        "{text}"
    );
    // And the whole is one JSON document of the documented shape.
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["period"], "2024-25 Q2");
    assert_eq!(v["export"]["file"], "export.xlsx");
    let m = &v["measures"][0];
    assert_eq!(m["code"], "kpi1.all.suitable");
    assert_eq!(m["value"], 1);
    assert_eq!(m["denominator"]["value"], 2);
    assert_eq!(m["counted"][0]["ids"]["child_id"], "C1");
    assert_eq!(m["outside"][0]["ids"]["child_id"], "C2");
    assert_eq!(m["near_misses"], serde_json::json!([]));
    assert_eq!(v["absent"], serde_json::json!([]));
    assert_eq!(v["warnings"], serde_json::json!([]));
}
