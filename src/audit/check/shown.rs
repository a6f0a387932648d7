//! C302: a percentage, rate or ratio the workbook shows that its counts do not give.
//!
//! Invariant: agreement is to half the last decimal shown, since that is all a reader sees; a
//! blank cell agrees only with a zero denominator.

use super::document::Document;
use super::rules::finding_in;
use crate::text::cut;
use crate::validate::Finding;
use crate::write::workbook::Shown;

/// C302 for a percentage, rate or ratio the workbook shows that its counts do not give.
/// Agreement is to half the last decimal shown, since that is all a reader sees.
pub(super) fn shown_mismatch(doc: &Document, p: &Shown) -> Option<Finding> {
    let n = doc.ret.measures.get(&p.numerator)?;
    let (d, over) = match &p.denominator {
        Some(code) => (doc.ret.measures.get(code)?, code.clone()),
        None => (
            i64::try_from(doc.ret.identity.population_10_17).ok()?,
            "population_10_17".to_string(),
        ),
    };
    let (decimals, unit, operator) = match (&p.denominator, p.per) {
        (Some(_), 100.0) => (1, "%", "/".to_string()),
        (Some(_), _) => (2, "", "/".to_string()),
        (None, per) => (
            1,
            "",
            format!("per {} of", crate::write::template::thousands(per as u32)),
        ),
    };
    let expected = (d != 0).then(|| n as f64 * p.per / d as f64);
    let value = p.value.map(|v| if unit == "%" { v * 100.0 } else { v });
    let tolerance = 0.5 / 10f64.powi(decimals);
    let agrees = match (expected, value) {
        (Some(e), Some(v)) => (e - v).abs() < tolerance,
        (None, None) => true,
        _ => false,
    };
    if agrees {
        return None;
    }
    let show = |v: f64| format!("{v:.prec$}{unit}", prec = decimals as usize);
    let shown = value.map_or("empty".to_string(), show);
    let should = expected.map_or("empty (the denominator is 0)".to_string(), show);
    Some(finding_in(
        "C302",
        &doc.file,
        &p.place,
        Some(&p.numerator),
        Some(shown.clone()),
        format!(
            "shows {shown} for {} {operator} {} ({n} / {d}), which should be {should}",
            cut(&p.numerator),
            cut(&over)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::alone::check_document;
    use super::super::testkit::{document, today};
    use super::*;
    use crate::definitions::Source;
    use crate::measures::Measures;
    use crate::write::workbook::Place;

    #[test]
    fn a_rate_or_ratio_typed_over_is_c302() {
        let mut doc = document();
        let mut m = Measures::new();
        for (c, v) in doc.ret.measures.iter() {
            let v = match c {
                "kpi9.children" | "kpi9.offences" => 5,
                "reoffending.reoffenders" => 4,
                "reoffending.reoffences" => 9,
                "reoffending.cohort" => 10,
                _ => v,
            };
            m.set(c, v);
        }
        doc.ret.measures = m;
        doc.ret.identity.population_10_17 = 50_000;
        let shown = |numerator: &str, denominator: Option<&str>, per: f64, value: f64| Shown {
            numerator: numerator.into(),
            denominator: denominator.map(str::to_string),
            per,
            value: Some(value),
            place: Place {
                sheet: "KPI9".into(),
                row: 9,
                col: 1,
            },
        };
        // 5 per 10,000 of 50,000 is 1.0; 9 ÷ 4 is 2.25.
        doc.shown = vec![
            shown("kpi9.children", None, 10_000.0, 1.0),
            shown(
                "reoffending.reoffences",
                Some("reoffending.reoffenders"),
                1.0,
                2.25,
            ),
        ];
        assert_eq!(check_document(&doc, &Source::Embedded, today()), vec![]);
        doc.shown[0].value = Some(1.2);
        doc.shown[1].value = Some(2.0);
        let found = check_document(&doc, &Source::Embedded, today());
        let messages: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "shows 1.2 for kpi9.children per 10,000 of population_10_17 (5 / 50000), which should be 1.0",
                "shows 2.00 for reoffending.reoffences / reoffending.reoffenders (9 / 4), which should be 2.25",
            ]
        );
    }
}
