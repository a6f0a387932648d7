//! What changed between two returns: every measure whose value moved, and every percentage
//! shown in the workbook that moved with it, in percentage points.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;

use crate::measures::{Identity, Return};

/// A percentage the workbook shows: numerator / denominator, both measure codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ratio {
    pub numerator: String,
    pub denominator: String,
}

impl Ratio {
    /// The percentage for a return, or `None` when a count is missing or the denominator is 0
    /// (the workbook leaves such a cell empty).
    pub fn percent(&self, ret: &Return) -> Option<f64> {
        let n = ret.measures.get(&self.numerator)?;
        let d = ret.measures.get(&self.denominator)?;
        (d != 0).then(|| n as f64 * 100.0 / d as f64)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    pub code: String,
    /// `None` when the measure is absent from that return (a partner that had no rows, say).
    pub old: Option<i64>,
    pub new: Option<i64>,
    pub change: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moved {
    pub numerator: String,
    pub denominator: String,
    /// Percentages, rounded to 0.1; `None` where the denominator is 0.
    pub old: Option<f64>,
    pub new: Option<f64>,
    /// Percentage points moved, rounded to 0.1; `None` unless both sides have a percentage.
    pub points: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdentityChange {
    pub field: &'static str,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub identity: Vec<IdentityChange>,
    pub changed: Vec<Changed>,
    pub percentages: Vec<Moved>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty()
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn identity_fields(id: &Identity) -> [(&'static str, String); 10] {
    [
        ("yjs_code", id.yjs_code.clone()),
        ("yjs_name", id.yjs_name.clone()),
        ("nation", id.nation.clone()),
        ("population_10_17", id.population_10_17.to_string()),
        ("period", id.period.to_string()),
        ("provisional", id.provisional.to_string()),
        ("definitions_version", id.definitions_version.clone()),
        ("tool_version", id.tool_version.clone()),
        ("input_sha256", id.input_sha256.clone()),
        ("generated_at", id.generated_at.clone()),
    ]
}

/// Compares two returns. `ratios` are the percentages the workbook shows.
pub fn diff(old: &Return, new: &Return, ratios: &[Ratio]) -> Diff {
    let identity = identity_fields(&old.identity)
        .into_iter()
        .zip(identity_fields(&new.identity))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, a), (_, b))| IdentityChange {
            field,
            old: a,
            new: b,
        })
        .collect();
    let codes: BTreeSet<&str> = old
        .measures
        .iter()
        .chain(new.measures.iter())
        .map(|(c, _)| c)
        .collect();
    let changed = codes
        .into_iter()
        .filter_map(|code| {
            let (a, b) = (old.measures.get(code), new.measures.get(code));
            (a != b).then(|| Changed {
                code: code.to_string(),
                old: a,
                new: b,
                change: b.unwrap_or(0) - a.unwrap_or(0),
            })
        })
        .collect();
    let percentages = ratios
        .iter()
        .filter_map(|r| {
            let (a, b) = (r.percent(old), r.percent(new));
            let moved = match (a, b) {
                (Some(a), Some(b)) => round1(a) != round1(b),
                (None, None) => false,
                _ => true,
            };
            moved.then(|| Moved {
                numerator: r.numerator.clone(),
                denominator: r.denominator.clone(),
                old: a.map(round1),
                new: b.map(round1),
                points: a.zip(b).map(|(a, b)| round1(b - a)),
            })
        })
        .collect();
    Diff {
        identity,
        changed,
        percentages,
    }
}

fn show(v: Option<i64>) -> String {
    v.map_or("(absent)".to_string(), |v| v.to_string())
}

fn show_percent(v: Option<f64>) -> String {
    v.map_or("(none)".to_string(), |v| format!("{v:.1}%"))
}

/// The terminal account of a diff.
pub fn render_text(d: &Diff, old_name: &str, new_name: &str) -> String {
    let mut s = String::new();
    writeln!(s, "old: {old_name}\nnew: {new_name}").unwrap();
    for c in &d.identity {
        writeln!(s, "  {}: {} → {}", c.field, c.old, c.new).unwrap();
    }
    if d.changed.is_empty() {
        writeln!(s, "No figure changed.").unwrap();
        return s;
    }
    writeln!(s, "\n{} figure(s) changed:", d.changed.len()).unwrap();
    let width = d.changed.iter().map(|c| c.code.len()).max().unwrap_or(0);
    for c in &d.changed {
        writeln!(
            s,
            "  {:<width$}  {:>8} → {:<8} ({:+})",
            c.code,
            show(c.old),
            show(c.new),
            c.change
        )
        .unwrap();
    }
    if !d.percentages.is_empty() {
        writeln!(s, "\n{} percentage(s) moved:", d.percentages.len()).unwrap();
        for m in &d.percentages {
            let points = m
                .points
                .map_or(String::new(), |p| format!(" ({p:+.1} points)"));
            writeln!(
                s,
                "  {} / {}  {} → {}{points}",
                m.numerator,
                m.denominator,
                show_percent(m.old),
                show_percent(m.new)
            )
            .unwrap();
        }
    }
    s
}

/// The machine-readable account of a diff.
pub fn render_json(d: &Diff, old_name: &str, new_name: &str) -> String {
    let value = serde_json::json!({
        "old": old_name,
        "new": new_name,
        "identical_figures": d.is_empty(),
        "identity": d.identity,
        "changed": d.changed,
        "percentages": d.percentages,
    });
    let mut s = serde_json::to_string_pretty(&value).expect("serialisable");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::Measures;

    fn ret(values: &[(&str, i64)], sha: &str) -> Return {
        let mut measures = Measures::new();
        for (c, v) in values {
            measures.set(*c, *v);
        }
        Return {
            identity: Identity {
                yjs_code: "NSH01".into(),
                yjs_name: "Northshire".into(),
                nation: "ENGLAND".into(),
                population_10_17: 48210,
                period: "2024-25 Q2".parse().unwrap(),
                provisional: false,
                definitions_version: "2024-25".into(),
                tool_version: "0.1.0".into(),
                input_sha256: sha.into(),
                generated_at: "2024-10-21T09:30:00Z".into(),
            },
            measures,
        }
    }

    fn ratio(n: &str, d: &str) -> Ratio {
        Ratio {
            numerator: n.into(),
            denominator: d.into(),
        }
    }

    #[test]
    fn lists_exactly_the_changed_figures_and_the_points_moved() {
        let old = ret(
            &[
                ("cohort.all.children", 20),
                ("kpi1.all.suitable", 15),
                ("kpi7.pcc.attended", 1),
                ("kpi9.offences", 3),
            ],
            "aa",
        );
        let new = ret(
            &[
                ("cohort.all.children", 20),
                ("kpi1.all.suitable", 16),
                ("kpi9.offences", 3),
                ("kpi7.vcs.attended", 2),
            ],
            "bb",
        );
        let d = diff(
            &old,
            &new,
            &[
                ratio("kpi1.all.suitable", "cohort.all.children"),
                ratio("kpi9.offences", "cohort.all.children"),
            ],
        );
        assert_eq!(d.identity.len(), 1);
        assert_eq!(d.identity[0].field, "input_sha256");
        let codes: Vec<_> = d.changed.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "kpi1.all.suitable",
                "kpi7.pcc.attended",
                "kpi7.vcs.attended"
            ]
        );
        assert_eq!(d.changed[0].change, 1);
        assert_eq!(d.changed[1].new, None);
        assert_eq!(d.changed[1].change, -1);
        assert_eq!(d.percentages.len(), 1);
        assert_eq!(d.percentages[0].old, Some(75.0));
        assert_eq!(d.percentages[0].new, Some(80.0));
        assert_eq!(d.percentages[0].points, Some(5.0));
        let text = render_text(&d, "a", "b");
        assert!(text.contains("kpi1.all.suitable"), "{text}");
        assert!(text.contains("75.0% → 80.0% (+5.0 points)"), "{text}");
    }

    #[test]
    fn zero_denominator_has_no_percentage_and_identical_returns_have_no_changes() {
        let a = ret(
            &[("cohort.all.children", 0), ("kpi1.all.suitable", 0)],
            "aa",
        );
        let d = diff(
            &a,
            &a.clone(),
            &[ratio("kpi1.all.suitable", "cohort.all.children")],
        );
        assert!(d.is_empty() && d.percentages.is_empty() && d.identity.is_empty());
        assert!(render_text(&d, "a", "b").contains("No figure changed."));
        let b = ret(
            &[("cohort.all.children", 2), ("kpi1.all.suitable", 1)],
            "aa",
        );
        let d = diff(&a, &b, &[ratio("kpi1.all.suitable", "cohort.all.children")]);
        assert_eq!(d.percentages[0].old, None);
        assert_eq!(d.percentages[0].new, Some(50.0));
        assert_eq!(d.percentages[0].points, None);
    }
}
