//! The scorecard assembled from small hand-made archives: gaps, breaks in series, revised and
//! provisional quarters, rolling values, trends and the summary, with hand-worked numbers.

use super::*;
use crate::scorecard::archive::{Archive, Filed, First, Revision};
use crate::scorecard::exact::ratio;
use crate::scorecard::indicators::tests::ret;

/// Three indicators: a percentage (higher is better), a rolling rate (lower is better) and a
/// count (context). `v2` changes the percentage's denominator: a break in series.
fn catalogue(v2: bool) -> Catalogue {
    let denominator = if v2 {
        "kpi2.all.eligible"
    } else {
        "cohort.all.children"
    };
    let json = format!(
        r#"{{"title": "Test scorecard", "indicators": [
        {{"id": "ete", "section": "KPI 2", "label": "In suitable ETE", "unit": "%", "polarity": "high",
          "numerator": ["kpi2.all.suitable"], "denominator": "{denominator}"}},
        {{"id": "syv", "section": "KPI 9", "label": "SYV rate", "unit": "rate", "polarity": "low",
          "basis": "rolling", "numerator": ["kpi9.children"], "per": 10000}},
        {{"id": "cases", "section": "Caseload", "label": "Open cases", "unit": "count", "polarity": "context",
          "numerator": ["caseload.all.open_at_end"]}}]}}"#
    );
    Catalogue::parse(json.as_bytes(), "test.json").unwrap()
}

fn p(s: &str) -> Period {
    s.parse().unwrap()
}

/// A quarter's return: ETE `suitable` of `children`, SYV children, open cases.
fn quarter(period: &str, version: &str, ete: (i64, i64), syv: i64, cases: i64) -> Filed {
    let mut r = ret(
        period,
        10_000,
        &[
            ("kpi2.all.suitable", ete.0),
            ("cohort.all.children", ete.1),
            ("kpi2.all.eligible", ete.1),
            ("kpi9.children", syv),
            ("caseload.all.open_at_end", cases),
        ],
    );
    r.identity.definitions_version = version.into();
    Filed {
        folder: crate::names::submission_folder(r.identity.period, 1),
        submission: Some(1),
        ret: r,
        manifest_sha256: "ab".repeat(32),
        provisional: false,
        revisions: Vec::new(),
        first: None,
    }
}

struct Fixture {
    archive: Archive,
    catalogues: BTreeMap<String, Catalogue>,
    targets: Targets,
    commentary: Vec<Comment>,
    paper: Paper,
}

impl Fixture {
    fn new(quarters: Vec<Filed>) -> Fixture {
        let mut catalogues = BTreeMap::new();
        catalogues.insert("2024-25".to_string(), catalogue(false));
        catalogues.insert("2025-26".to_string(), catalogue(true));
        Fixture {
            archive: Archive {
                returns: quarters
                    .into_iter()
                    .map(|f| (f.ret.identity.period, f))
                    .collect(),
                warnings: Vec::new(),
            },
            catalogues,
            targets: Targets::default(),
            commentary: Vec::new(),
            paper: Paper::default(),
        }
    }

    fn targets(mut self, csv: &str) -> Fixture {
        self.targets = inputs::parse_targets(csv, "t.csv", &catalogue(false)).unwrap();
        self
    }

    fn assemble(&self, to: &str, quarters: u32) -> Result<Scorecard, AssembleError> {
        assemble(&Request {
            archive: &self.archive,
            catalogues: &self.catalogues,
            to: p(to),
            quarters,
            targets: &self.targets,
            benchmarks: &[],
            commentary: &self.commentary,
            generated_at: "2025-05-01T09:00:00Z".into(),
            paper: self.paper.clone(),
        })
    }
}

fn card<'a>(s: &'a Scorecard, id: &str) -> &'a Card {
    s.cards.iter().find(|c| c.indicator.id == id).unwrap()
}

fn at<'a>(s: &'a Scorecard, id: &str, period: &str) -> &'a Cell {
    card(s, id)
        .values
        .iter()
        .find(|c| c.period == p(period))
        .unwrap()
}

/// Eight quarters 2023-24 Q1 to 2024-25 Q4 under 2024-25 definitions, ETE climbing by 2 of 20
/// a quarter (40%, 50%, ... 110% is avoided: 8..15 of 20).
fn eight() -> Vec<Filed> {
    (0..8)
        .map(|k| {
            let period = p("2023-24 Q1").shift(k).to_string();
            quarter(
                &period,
                "2024-25",
                (8 + k as i64, 20),
                1 + k as i64 % 2,
                100 + k as i64,
            )
        })
        .collect()
}

#[test]
fn the_window_runs_to_the_to_quarter_and_needs_a_return_there() {
    let f = Fixture::new(eight());
    let s = f.assemble("2024-25 Q4", 8).unwrap();
    assert_eq!(s.window.first(), Some(&p("2023-24 Q1")));
    assert_eq!(s.window.len(), 8);
    assert!(s.cards.iter().all(|c| c.values.len() == 8));
    assert_eq!(
        f.assemble("2025-26 Q1", 8).unwrap_err(),
        AssembleError::NoReturnFor(p("2025-26 Q1"))
    );
}

#[test]
fn values_counts_and_one_childs_worth() {
    let s = Fixture::new(eight()).assemble("2024-25 Q4", 8).unwrap();
    let c = at(&s, "ete", "2024-25 Q4");
    // 15 of 20 = 75.0%; one child = 5 points.
    assert_eq!((c.numerator, c.denominator), (Some(15), Some(20)));
    assert_eq!(c.shown.as_ref().unwrap().to_string(), "75.0");
    assert_eq!(c.worth, ratio(5, 1));
    // The rolling rate at 2024-25 Q4: SYV children of its four quarters (k = 4..7:
    // 1, 2, 1, 2 = 6) per 10,000 of 10,000 = 6.0.
    let r = at(&s, "syv", "2024-25 Q4");
    assert_eq!((r.numerator, r.denominator), (Some(6), Some(10_000)));
    assert_eq!(r.shown.as_ref().unwrap().to_string(), "6.0");
    // Its first three quarters of the window lack the quarters before the archive begins.
    let first = at(&s, "syv", "2023-24 Q3");
    assert!(first.value.is_none() && !first.gap);
    assert!(
        first.notes[0].contains("need 2022-23 Q4"),
        "{:?}",
        first.notes
    );
    // The first full year: 1 + 2 + 1 + 2 = 6 children.
    assert_eq!(
        at(&s, "syv", "2023-24 Q4")
            .shown
            .as_ref()
            .unwrap()
            .to_string(),
        "6.0"
    );
}

#[test]
fn a_gap_is_empty_everywhere_but_keeps_its_target() {
    let mut quarters = eight();
    quarters.retain(|f| f.ret.identity.period != p("2024-25 Q2"));
    let f = Fixture::new(quarters)
        .targets("indicator,from_period,target,floor\nete,2023-24 Q1,60,50\n");
    let s = f.assemble("2024-25 Q4", 8).unwrap();
    assert_eq!(s.gaps, vec![p("2024-25 Q2")]);
    let gap = at(&s, "ete", "2024-25 Q2");
    assert!(gap.gap);
    assert_eq!(
        (gap.numerator, gap.denominator, &gap.value, gap.rag),
        (None, None, &None, None)
    );
    assert_eq!(
        (gap.vs_previous, gap.vs_last_year),
        (Direction::NotApplicable, Direction::NotApplicable)
    );
    assert!(!gap.small_base && !gap.fragile && !gap.provisional && !gap.revised);
    assert!(gap.target.is_some(), "the target is still shown");
    // The quarter after the gap has no previous quarter to compare with, but has last year.
    let after = at(&s, "ete", "2024-25 Q3");
    assert_eq!(after.vs_previous, Direction::NotApplicable);
    // 14 of 20 = 70% against 10 of 20 = 50% a year before: 20 points, more than 5: better.
    assert_eq!(after.vs_last_year, Direction::Better);
    // A rolling value needing the gap is empty, with a note; a count is not rolling.
    let syv = at(&s, "syv", "2024-25 Q4");
    assert!(syv.value.is_none());
    assert!(
        syv.notes.iter().any(|n| n.contains("2024-25 Q2")),
        "{:?}",
        syv.notes
    );
    assert_eq!(
        at(&s, "cases", "2024-25 Q4")
            .shown
            .as_ref()
            .unwrap()
            .to_string(),
        "107"
    );
    // The trend keeps positions: ETE at x = 0..7 without x = 5 still rises steadily.
    assert_eq!(card(&s, "ete").trend, Some(Trend::Improving));
}

#[test]
fn rag_fragile_and_directions_by_hand() {
    // Target 75, floor 70. 2024-25 Q4: 15 of 20 = 75%: green, and 14 of 20 would be amber:
    // fragile. Q3: 14 of 20 = 70%: amber (at the floor), fragile too (13 of 20 is red).
    let f =
        Fixture::new(eight()).targets("indicator,from_period,target,floor\nete,2023-24 Q1,75,70\n");
    let s = f.assemble("2024-25 Q4", 8).unwrap();
    let q4 = at(&s, "ete", "2024-25 Q4");
    assert_eq!((q4.rag, q4.fragile), (Some(Rag::Green), true));
    let q3 = at(&s, "ete", "2024-25 Q3");
    assert_eq!((q3.rag, q3.fragile), (Some(Rag::Amber), true));
    let q1 = at(&s, "ete", "2023-24 Q1");
    assert_eq!(
        (q1.rag, q1.fragile),
        (Some(Rag::Red), false),
        "8 of 20 = 40%"
    );
    // One child (5 points) a quarter: same as last quarter, better than a year before.
    assert_eq!(q4.vs_previous, Direction::Same);
    assert_eq!(q4.vs_last_year, Direction::Better);
    // Context: open cases 107 against 106 is level (one child), against 103 is up.
    let cases = at(&s, "cases", "2024-25 Q4");
    assert_eq!(
        (cases.vs_previous, cases.vs_last_year),
        (Direction::Level, Direction::Up)
    );
    assert_eq!(cases.rag, None, "context indicators have no RAG");
    // The summary counts the latest quarter.
    let sum = s.summary();
    assert_eq!(
        (sum.green, sum.amber, sum.red, sum.no_target, sum.no_data),
        (1, 0, 0, 2, 0)
    );
    assert_eq!((sum.vs_previous.same, sum.vs_previous.context), (2, 1));
}

#[test]
fn exceptions_are_red_amber_or_worse_than_last_quarter() {
    let mut quarters = eight();
    // 2024-25 Q4 falls to 10 of 20 from 14 of 20: worse, and red against 75.
    quarters[7] = quarter("2024-25 Q4", "2024-25", (10, 20), 1, 107);
    let f = Fixture::new(quarters).targets("indicator,from_period,target\nete,2023-24 Q1,75\n");
    let s = f.assemble("2024-25 Q4", 8).unwrap();
    let ete = card(&s, "ete");
    assert_eq!(ete.latest().unwrap().vs_previous, Direction::Worse);
    assert!(ete.is_exception());
    assert!(!card(&s, "cases").is_exception());
}

#[test]
fn a_break_in_series_stops_comparisons_and_restarts_the_trend() {
    // From 2024-25 Q3 the returns are under definitions whose ETE formula differs.
    let mut quarters = eight();
    for f in quarters.iter_mut().skip(6) {
        f.ret.identity.definitions_version = "2025-26".into();
    }
    let s = Fixture::new(quarters).assemble("2024-25 Q4", 8).unwrap();
    let ete = card(&s, "ete");
    let q3 = at(&s, "ete", "2024-25 Q3");
    assert!(q3.break_before);
    assert_eq!(
        (q3.vs_previous, q3.vs_last_year),
        (Direction::NotApplicable, Direction::NotApplicable)
    );
    assert!(q3.notes.iter().any(|n| n.starts_with("break in series")));
    let q4 = at(&s, "ete", "2024-25 Q4");
    assert!(!q4.break_before);
    assert_eq!(
        q4.vs_previous,
        Direction::Same,
        "both under the new formula"
    );
    assert_eq!(
        q4.vs_last_year,
        Direction::NotApplicable,
        "across the break"
    );
    // Only two values since the break: no trend.
    assert_eq!(ete.trend, None);
    // The other indicators' formulas did not change: no break, trend as before.
    assert!(!at(&s, "cases", "2024-25 Q3").break_before);
    assert_eq!(card(&s, "cases").trend, Some(Trend::Rising));
}

#[test]
fn the_trend_needs_a_value_at_the_to_quarter() {
    let mut quarters = eight();
    quarters[7] = quarter("2024-25 Q4", "2024-25", (0, 0), 1, 107);
    let s = Fixture::new(quarters).assemble("2024-25 Q4", 8).unwrap();
    let c = at(&s, "ete", "2024-25 Q4");
    assert_eq!(
        (c.numerator, c.denominator, &c.value),
        (Some(0), Some(0), &None)
    );
    assert!(c.notes.iter().any(|n| n.starts_with("no data")));
    assert!(!c.small_base, "no data is not a small base");
    assert_eq!(card(&s, "ete").trend, None);
    assert_eq!(s.summary().no_data, 1);
}

#[test]
fn small_base_is_marked_with_one_childs_worth() {
    let mut quarters = eight();
    quarters[7] = quarter("2024-25 Q4", "2024-25", (3, 8), 1, 107);
    let s = Fixture::new(quarters).assemble("2024-25 Q4", 8).unwrap();
    let c = at(&s, "ete", "2024-25 Q4");
    assert!(c.small_base);
    assert!(
        c.notes
            .contains(&"small base (3 of 8): 1 child = 12.5 points".to_string()),
        "{:?}",
        c.notes
    );
    assert!(
        !at(&s, "syv", "2024-25 Q4").small_base,
        "rates are never small bases"
    );
}

/// A quarter filed again: its first submission had `first` where the latest has other figures.
fn resubmitted(f: &mut Filed, first: &[(&str, i64)]) {
    let mut ret = f.ret.clone();
    for (code, v) in first {
        ret.measures.replace(code, *v);
    }
    let folder = f.folder.clone();
    f.revisions = vec![Revision {
        folder: folder.clone(),
        moved: crate::scorecard::archive::moved(&ret, &f.ret),
    }];
    f.first = Some(First { folder, ret });
    f.folder = format!("{}-resubmission-2", f.folder);
    f.submission = Some(2);
}

#[test]
fn provisional_quarters_are_marked_on_every_indicator_and_revised_only_where_figures_moved() {
    let mut quarters = eight();
    quarters[5].provisional = true;
    // 2024-25 Q4 first said 14 of 20 in ETE, now 15 of 20; 2024-25 Q3 first said 3 children
    // in serious youth violence, now 1.
    resubmitted(&mut quarters[7], &[("kpi2.all.suitable", 14)]);
    resubmitted(&mut quarters[6], &[("kpi9.children", 3)]);
    let s = Fixture::new(quarters).assemble("2024-25 Q4", 8).unwrap();
    for id in ["ete", "syv", "cases"] {
        assert!(at(&s, id, "2024-25 Q2").provisional, "{id}");
        assert!(!at(&s, id, "2024-25 Q2").revised, "{id}");
        assert!(!at(&s, id, "2024-25 Q4").provisional, "{id}");
    }
    // ETE moved at Q4 only; what the board was first shown is given.
    let q4 = at(&s, "ete", "2024-25 Q4");
    assert!(q4.revised);
    let was = q4.was.as_ref().unwrap();
    assert_eq!(
        (was.figure.numerator, was.figure.denominator),
        (Some(14), Some(20))
    );
    assert_eq!(was.folders, ["2024-25-Q4"]);
    assert!(
        q4.notes.contains(
            &"revised: was 70.0%, 14 of 20, in the first submission (2024-25-Q4)".to_string()
        ),
        "{:?}",
        q4.notes
    );
    assert!(
        !at(&s, "ete", "2024-25 Q3").revised,
        "its figures did not move"
    );
    // The rolling rate sums Q3, so it is revised at Q3 and at Q4: 1 + 2 + 3 + 2 = 8 children
    // per 10,000 of 10,000 were first shown at Q4, where 1 + 2 + 1 + 2 = 6 are now.
    for q in ["2024-25 Q3", "2024-25 Q4"] {
        assert!(at(&s, "syv", q).revised, "{q}");
    }
    let syv = at(&s, "syv", "2024-25 Q4").was.as_ref().unwrap();
    assert_eq!(syv.figure.shown.as_ref().unwrap().to_string(), "8.0");
    assert_eq!(syv.folders, ["2024-25-Q4", "2024-25-Q3"]);
    // The count moved nowhere.
    assert!(
        s.cards[2]
            .values
            .iter()
            .all(|c| !c.revised && c.was.is_none())
    );
    // The sources still list the quarter as revised, with the measures that moved.
    let src = s
        .sources
        .iter()
        .find(|x| x.period == p("2024-25 Q4"))
        .unwrap();
    assert_eq!(
        (src.folder.as_str(), src.submission),
        ("2024-25-Q4-resubmission-2", Some(2))
    );
    assert_eq!(src.revisions[0].moved[0].code, "kpi2.all.suitable");
}

#[test]
fn a_resubmission_that_moved_no_indicator_marks_none() {
    let mut quarters = eight();
    // A measure no indicator of the 2024-25 definitions reads moved.
    resubmitted(&mut quarters[7], &[("kpi2.all.eligible", 3)]);
    let s = Fixture::new(quarters).assemble("2024-25 Q4", 8).unwrap();
    assert!(s.cards.iter().all(|c| c.values.iter().all(|v| !v.revised)));
    // Only the Sources say the quarter was filed again, with what moved.
    let src = s.sources.last().unwrap();
    assert_eq!(src.revisions[0].moved[0].code, "kpi2.all.eligible");
}

#[test]
fn each_value_says_from_what_it_moved_and_the_summary_from_what_it_was() {
    // Target 75, floor 70. ETE at Q3 is 14 of 20 = 70% AMBER, at Q4 15 of 20 = 75% GREEN; a year
    // before Q4, 11 of 20 = 55% RED.
    let f =
        Fixture::new(eight()).targets("indicator,from_period,target,floor\nete,2023-24 Q1,75,70\n");
    let s = f.assemble("2024-25 Q4", 8).unwrap();
    let q4 = at(&s, "ete", "2024-25 Q4");
    let ind = &card(&s, "ete").indicator;
    assert_eq!(q4.previous.period, p("2024-25 Q3"));
    assert_eq!(q4.previous.with_rag(ind), "70.0% AMBER");
    assert_eq!(q4.last_year.with_rag(ind), "55.0% RED");
    assert_eq!(paper::from_words(ind, &q4.previous), "from 70.0% AMBER");
    // The window's first quarter reads its previous quarter from before the window: none here.
    let first = at(&s, "ete", "2023-24 Q1");
    assert!(first.previous.gap && first.previous.shown.is_none());
    assert_eq!(paper::from_words(ind, &first.previous), "2022-23 Q4: gap");
    // Which way the fragile RAG tips: one fewer (14 of 20) is amber.
    assert_eq!(
        q4.tips.map(|t| t.words()).as_deref(),
        Some("1 fewer: AMBER")
    );
    // The summary: green 1 now; at Q3 ETE was amber.
    let sum = s.summary();
    let was = sum.was.as_deref().unwrap();
    assert_eq!((sum.green, sum.amber), (1, 0));
    assert_eq!((was.green, was.amber), (0, 1));
}

#[test]
fn a_publication_copy_withholds_small_counts_and_what_is_worked_from_them() {
    let mut quarters = eight();
    // Q4: 18 of 20 in ETE (the 2 not counted are one subtraction away); Q3: 3 open cases.
    quarters[7] = quarter("2024-25 Q4", "2024-25", (18, 20), 2, 107);
    quarters[6] = quarter("2024-25 Q3", "2024-25", (14, 20), 1, 3);
    let mut f = Fixture::new(quarters)
        .targets("indicator,from_period,target,floor\nete,2023-24 Q1,75,70\n");
    f.paper.publication = Some(publication::Suppression { below: 5 });
    let s = f.assemble("2024-25 Q4", 8).unwrap();
    let q4 = at(&s, "ete", "2024-25 Q4");
    assert!(q4.suppressed);
    assert_eq!(
        (q4.numerator, q4.denominator, &q4.shown, &q4.worth),
        (None, None, &None, &None)
    );
    // Its RAG and directions are still shown.
    assert_eq!(q4.rag, Some(Rag::Green));
    assert_eq!(q4.vs_previous, Direction::Better);
    let ind = &card(&s, "ete").indicator;
    assert_eq!(q4.glance().value_words(ind), "c");
    assert_eq!(counts_words(ind, &q4.glance()), "c");
    // 14 of 20 at Q3 is shown, and quoted as the previous figure.
    assert!(!at(&s, "ete", "2024-25 Q3").suppressed);
    assert_eq!(q4.previous.with_rag(ind), "70.0% AMBER");
    // A count of 3 is withheld, and so is it where quoted as the previous figure.
    let cases = at(&s, "cases", "2024-25 Q3");
    assert!(cases.suppressed && cases.shown.is_none());
    assert!(at(&s, "cases", "2024-25 Q4").previous.suppressed);
    // The rolling rate of 1 + 2 + 1 + 2 = 6 events is shown; 0 is never withheld.
    assert!(!at(&s, "syv", "2024-25 Q4").suppressed);
    // The summary still counts the withheld figure's RAG.
    assert_eq!(s.summary().green, 1);
    // Without --publication nothing is withheld.
    f.paper.publication = None;
    let s = f.assemble("2024-25 Q4", 8).unwrap();
    assert!(
        s.cards
            .iter()
            .all(|c| c.values.iter().all(|v| !v.suppressed))
    );
}

#[test]
fn quarters_before_the_window_feed_directions_and_rolling_values() {
    // A 4-quarter window to 2024-25 Q4 starts at 2024-25 Q1; its previous quarter and the
    // same quarter a year before are read from outside the window.
    let s = Fixture::new(eight()).assemble("2024-25 Q4", 4).unwrap();
    let first = at(&s, "ete", "2024-25 Q1");
    // 12 of 20 after 11 of 20: same; after 8 of 20 a year before: better.
    assert_eq!(
        (first.vs_previous, first.vs_last_year),
        (Direction::Same, Direction::Better)
    );
    assert!(
        at(&s, "syv", "2024-25 Q1").value.is_some(),
        "rolling over 2023-24 Q2..2024-25 Q1"
    );
    assert!(
        s.sources
            .iter()
            .any(|x| x.period == p("2023-24 Q1") && !x.in_window)
    );
}

#[test]
fn json_has_the_specs_shape_and_rounds_on_the_exact_fraction() {
    let mut quarters = eight();
    quarters[7] = quarter("2024-25 Q4", "2024-25", (1, 16), 1, 107);
    let f = Fixture::new(quarters)
        .targets("indicator,from_period,target,floor\nete,2023-24 Q1,75%,70\n");
    let s = f.assemble("2024-25 Q4", 8).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json::scorecard_json(&s)).unwrap();
    assert_eq!(v["yjs_code"], "NSH01");
    assert_eq!(v["to"], "2024-25 Q4");
    assert_eq!(v["quarters"].as_array().unwrap().len(), 8);
    let ete = &v["indicators"][0];
    assert_eq!(ete["id"], "ete");
    assert_eq!(ete["polarity"], "high");
    let last = &ete["values"][7];
    // 1 of 16 = 6.25% shows 6.3.
    assert_eq!(last["value"].to_string(), "6.3");
    assert_eq!(
        (last["numerator"].as_i64(), last["denominator"].as_i64()),
        (Some(1), Some(16))
    );
    assert_eq!(
        (last["target"].to_string(), last["floor"].to_string()),
        ("75.0".into(), "70.0".into())
    );
    assert_eq!(last["rag"], "red");
    assert_eq!(last["vs_previous"], "worse");
    for key in [
        "small_base",
        "fragile",
        "provisional",
        "revised",
        "gap",
        "suppressed",
    ] {
        assert!(last[key].is_boolean(), "{key}");
    }
    // From what: 1 of 16 came from 14 of 20 (70.0%, AMBER against 75 and 70) the quarter
    // before, and from 11 of 20 (55.0%, RED) a year before.
    assert_eq!(last["previous"]["period"], "2024-25 Q3");
    assert_eq!(last["previous"]["value"].to_string(), "70.0");
    assert_eq!(
        (
            last["previous"]["numerator"].as_i64(),
            last["previous"]["rag"].as_str()
        ),
        (Some(14), Some("amber"))
    );
    assert_eq!(last["last_year"]["value"].to_string(), "55.0");
    // 6.3% is red whatever one child does: it does not tip, and is not fragile.
    assert_eq!(last["tips"], serde_json::Value::Null);
    assert_eq!(last["was"], serde_json::Value::Null);
    assert_eq!(
        (last["owner"].is_null(), last["note"].is_null()),
        (true, true)
    );
    assert_eq!(last["covers"], serde_json::Value::Null);
    let syv = &v["indicators"][1]["values"][7];
    assert_eq!(syv["covers"], "4 quarters to 2024-25 Q4");
    assert_eq!(v["summary"]["was"]["amber"], 1);
    assert_eq!(v["publication"], serde_json::Value::Null);
    let cases = &v["indicators"][2]["values"][7];
    assert_eq!(
        (cases["value"].to_string(), cases["denominator"].is_null()),
        ("107".into(), true)
    );
    assert_eq!(cases["rag"], serde_json::Value::Null);
    assert_eq!(cases["vs_previous"], "level");
}

#[test]
fn html_is_self_contained_and_names_every_indicator() {
    let f =
        Fixture::new(eight()).targets("indicator,from_period,target,floor\nete,2023-24 Q1,90,80\n");
    let s = f.assemble("2024-25 Q4", 8).unwrap();
    let html = html::scorecard_html(&s);
    for banned in ["http", "<script", "@import", "url("] {
        assert!(!html.contains(banned), "{banned}");
    }
    assert!(html.contains("@page { size: A4 landscape"));
    for label in ["In suitable ETE", "SYV rate", "Open cases"] {
        assert!(html.contains(label), "{label}");
    }
    // ETE is red against 90: it has an exception page with its chart.
    assert_eq!(html.matches("<h2>KPI 2: In suitable ETE</h2>").count(), 1);
    assert!(html.contains("15 of 20"));
    // Every page carries its number of the whole, and page 1 the exception's page.
    let pages = html.matches(r#"<div class="sheet">"#).count();
    for k in 1..=pages {
        assert!(html.contains(&format!("page {k} of {pages}")), "page {k}");
    }
    assert!(html.contains("page 2: KPI 2 In suitable ETE"));
    assert!(!html.contains("<!--section-page"));
}

#[test]
fn the_workbook_has_the_five_sheets_and_is_deterministic() {
    use calamine::Reader;
    let f =
        Fixture::new(eight()).targets("indicator,from_period,target,floor\nete,2023-24 Q1,75,70\n");
    let s = f.assemble("2024-25 Q4", 8).unwrap();
    let bytes = xlsx::scorecard_xlsx(&s).unwrap();
    assert_eq!(bytes, xlsx::scorecard_xlsx(&s).unwrap());
    let mut wb: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["Scorecard", "Charts", "Data", "Guidance", "Sources"]
    );
    let sheet = wb.worksheet_range("Scorecard").unwrap();
    let text: Vec<String> = sheet.rows().flatten().map(|c| c.to_string()).collect();
    assert!(
        text.contains(&"GREEN".to_string()),
        "the RAG word is in the cell"
    );
    assert!(text.contains(&"15 of 20".to_string()));
    // Which way is better, under the indicator's name.
    assert!(text.iter().any(|t| t.ends_with("\nhigher is better")));
    // Every printed sheet carries the furniture, A4 landscape at a scale printing 7 points.
    let xml = sheet_xml(
        &xlsx::scorecard_xlsx(&s).unwrap(),
        "xl/worksheets/sheet1.xml",
    );
    assert!(xml.contains("page &amp;P of &amp;N"), "{xml}");
    assert!(xml.contains("Scorecard to 2024-25 Q4"));
    assert!(xml.contains(r#"paperSize="9""#) && xml.contains(r#"orientation="landscape""#));
    let scale: u16 = xml
        .split(r#"scale=""#)
        .nth(1)
        .and_then(|t| t.split('"').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    assert!(scale >= xlsx::print::MIN_SCALE, "{scale}");
}

/// The text of one part of a workbook.
fn sheet_xml(bytes: &[u8], part: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(part)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}
