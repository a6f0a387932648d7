//! `scorecard.json`: every value, status and note of the scorecard for other programs, in the
//! shape scorecard.md gives (and a few more keys: labels, notes, commentary, sources).

use serde_json::{Value, json};

use super::exact::Exact;
use super::{Card, Cell, Scorecard};
use num_traits::ToPrimitive;

/// An exact figure typed by the officer (a target, a floor, a benchmark) as a JSON number: the
/// division of two exactly representable integers is the double nearest the decimal typed.
fn number(x: &Exact) -> Value {
    match (x.numer().to_f64(), x.denom().to_f64()) {
        (Some(n), Some(d)) => json!(n / d),
        _ => Value::Null,
    }
}

fn cell(c: &Cell) -> Value {
    let value = c.shown.as_ref().map_or(Value::Null, |s| match s.to_i64() {
        Some(i) => json!(i),
        None => json!(s.to_f64()),
    });
    json!({
        "period": c.period.to_string(),
        "numerator": c.numerator,
        "denominator": c.denominator,
        "value": value,
        "target": c.target.as_ref().map_or(Value::Null, |t| number(&t.target.target)),
        "floor": c.target.as_ref().and_then(|t| t.target.floor.as_ref()).map_or(Value::Null, number),
        "rag": c.rag,
        "vs_previous": c.vs_previous,
        "vs_last_year": c.vs_last_year,
        "small_base": c.small_base,
        "fragile": c.fragile,
        "provisional": c.provisional,
        "revised": c.revised,
        "gap": c.gap,
        "break": c.break_before,
        "notes": c.notes,
        "commentary": c.commentary,
    })
}

fn card(c: &Card) -> Value {
    let ind = &c.indicator;
    json!({
        "id": ind.id,
        "section": ind.section,
        "label": ind.label,
        "unit": ind.unit,
        "polarity": ind.polarity,
        "basis": ind.basis,
        "trend": c.trend,
        "benchmarks": c.benchmarks.iter().map(|b| json!({
            "comparator": b.comparator,
            "period": b.period,
            "value": number(&b.value),
            "source": b.source,
        })).collect::<Vec<_>>(),
        "values": c.values.iter().map(cell).collect::<Vec<_>>(),
    })
}

pub fn scorecard_json(s: &Scorecard) -> String {
    let value = json!({
        "yjs_code": s.yjs_code,
        "yjs_name": s.yjs_name,
        "to": s.to.to_string(),
        "quarters": s.window.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "generated_at": s.generated_at,
        "tool_version": env!("CARGO_PKG_VERSION"),
        "definitions_versions": s.definitions_versions(),
        "gaps": s.gaps.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "summary": s.summary(),
        "indicators": s.cards.iter().map(card).collect::<Vec<_>>(),
        "sources": s.sources.iter().map(|r| json!({
            "period": r.period.to_string(),
            "folder": r.folder,
            "submission": r.submission,
            "in_window": r.in_window,
            "definitions_version": r.definitions_version,
            "generated_at": r.generated_at,
            "input_sha256": r.input_sha256,
            "provisional": r.provisional,
            "revised": !r.revisions.is_empty(),
            "revisions": r.revisions,
        })).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&value).expect("serialisable");
    text.push('\n');
    text
}
