//! `scorecard.json`: every value, status and note of the scorecard for other programs, in the
//! shape scorecard.md gives (and more keys: labels, notes, commentary, sources, what each value
//! covers, the previous and last year's figures, which way a fragile RAG tips, what a revised
//! value was, the target's note and owner, and what a publication copy withheld).

use serde_json::{Value, json};

use super::exact::{Exact, Shown};
use super::publication::count_shown;
use super::{Card, Cell, Glance, Scorecard};
use num_traits::ToPrimitive;

/// An exact figure typed by the officer (a target, a floor, a benchmark) as a JSON number: the
/// division of two exactly representable integers is the double nearest the decimal typed.
fn number(x: &Exact) -> Value {
    match (x.numer().to_f64(), x.denom().to_f64()) {
        (Some(n), Some(d)) => json!(n / d),
        _ => Value::Null,
    }
}

/// A value as shown: an integer for a count, else the printed decimal.
fn shown(s: Option<&Shown>) -> Value {
    s.map_or(Value::Null, |s| match s.to_i64() {
        Some(i) => json!(i),
        None => json!(s.to_f64()),
    })
}

fn glance(g: &Glance) -> Value {
    json!({
        "period": g.period.to_string(),
        "value": shown(g.shown.as_ref()),
        "numerator": g.numerator,
        "denominator": g.denominator,
        "rag": g.rag,
        "gap": g.gap,
        "suppressed": g.suppressed,
    })
}

fn cell(card: &Card, c: &Cell) -> Value {
    let target = c.target.as_ref();
    json!({
        "period": c.period.to_string(),
        "covers": card.indicator.covers(c.period),
        "numerator": c.numerator,
        "denominator": c.denominator,
        "value": shown(c.shown.as_ref()),
        "target": target.map_or(Value::Null, |t| number(&t.target.target)),
        "floor": target.and_then(|t| t.target.floor.as_ref()).map_or(Value::Null, number),
        "note": target.map(|t| t.note.as_str()).filter(|n| !n.is_empty()),
        "owner": target.map(|t| t.owner.as_str()).filter(|o| !o.is_empty()),
        "rag": c.rag,
        "tips": c.tips,
        "vs_previous": c.vs_previous,
        "vs_last_year": c.vs_last_year,
        "previous": glance(&c.previous),
        "last_year": glance(&c.last_year),
        "small_base": c.small_base,
        "fragile": c.fragile,
        "provisional": c.provisional,
        "revised": c.revised,
        "was": c.was.as_ref().map(|w| json!({
            "folders": w.folders,
            "value": shown(w.figure.shown.as_ref()),
            "numerator": w.figure.numerator,
            "denominator": w.figure.denominator,
            "rag": w.figure.rag,
            "suppressed": w.figure.suppressed,
        })),
        "gap": c.gap,
        "suppressed": c.suppressed,
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
        "values": c.values.iter().map(|v| cell(c, v)).collect::<Vec<_>>(),
    })
}

pub fn scorecard_json(s: &Scorecard) -> String {
    let rule = s.paper.publication;
    let moved = |m: &super::archive::Moved| {
        let (was, was_hidden) = count_shown(rule, m.was);
        let (now, now_hidden) = count_shown(rule, m.now);
        json!({
            "code": m.code,
            "was": was,
            "now": now,
            "suppressed": was_hidden || now_hidden,
        })
    };
    let value = json!({
        "title": s.title,
        "yjs_code": s.yjs_code,
        "yjs_name": s.yjs_name,
        "to": s.to.to_string(),
        "quarters": s.window.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "generated_at": s.generated_at,
        "tool_version": env!("CARGO_PKG_VERSION"),
        "definitions_versions": s.definitions_versions(),
        "classification": s.paper.classification,
        "publication": rule.map(|r| json!({"suppress_below": r.below})),
        "provisional_quarters": s.provisional_quarters().iter().map(ToString::to_string).collect::<Vec<_>>(),
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
            "revisions": r.revisions.iter().map(|rev| json!({
                "folder": rev.folder,
                "moved": rev.moved.iter().map(moved).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&value).expect("serialisable");
    text.push('\n');
    text
}
