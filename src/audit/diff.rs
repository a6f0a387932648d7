//! What changed between two returns: every measure whose value moved, and every percentage
//! shown in the workbook that moved with it, in percentage points, each beside the label the
//! return workbook gives it.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

use serde::Serialize;

use crate::measures::{Identity, Return};
use crate::text::{cut, cut_owned};
use crate::write::template::{Kind, Layout, Ratio};

/// A percentage as the workbook shows it, in tenths of a point: n / d to one decimal, halves
/// away from zero, worked on the exact fraction (25 / 29 is 86.2%, 1 / 16 is 6.3%). In i128,
/// so that any count a file can hold fits.
fn shown_tenths(n: i64, d: i64) -> i128 {
    let (num, den) = (i128::from(n) * 1000, i128::from(d));
    let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
    let half_up = |num: i128| (2 * num + den) / (2 * den);
    if num >= 0 {
        half_up(num)
    } else {
        -half_up(-num)
    }
}

/// Tenths of a point as a number: 862 is 86.2.
fn tenths(t: i128) -> f64 {
    t as f64 / 10.0
}

/// The labels the return workbook shows beside each measure and percentage, so that a diff
/// reads as the workbook does: `In suitable accommodation (Community)` beside
/// `kpi1.community.suitable`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels {
    codes: HashMap<String, String>,
    ratios: HashMap<(String, String), String>,
}

impl Labels {
    /// Every label of the layout, `GROUP` expanded to each group column's label. A sub-row
    /// (indented in the template, "  completed") is named with the row it belongs to
    /// ("Diversions ended: completed"), and a percentage whose label repeats within its sheet
    /// ("% of the cohort") with the count it is a percentage of. Where a measure appears twice
    /// (the cohort, repeated on each KPI sheet) its first label is kept.
    pub fn new(layout: &Layout) -> Labels {
        let mut labels = Labels::default();
        for section in &layout.sections {
            let mut parent = String::new();
            let mut own: HashMap<&str, String> = HashMap::new();
            for line in &section.lines {
                let trimmed = line.label.trim();
                let nested = line.label.starts_with(char::is_whitespace) && !parent.is_empty();
                let base = if nested {
                    format!("{parent}: {trimmed}")
                } else {
                    trimmed.to_string()
                };
                match (&line.kind, &line.denominator) {
                    (Kind::Count | Kind::Hours, _) => {
                        if !nested {
                            parent = trimmed.to_string();
                        }
                        own.entry(line.code.as_str())
                            .or_insert_with(|| base.clone());
                        for (group, code) in layout.expand(section, &line.code) {
                            let label = match group {
                                Some(g) => format!("{base} ({})", g.label),
                                None => base.clone(),
                            };
                            labels.codes.entry(code).or_insert(label);
                        }
                    }
                    (Kind::Percent, Some(den)) => {
                        let repeated = section
                            .lines
                            .iter()
                            .filter(|l| l.kind == Kind::Percent && l.label == line.label)
                            .count()
                            > 1;
                        let base = match own.get(line.code.as_str()) {
                            Some(count) if repeated && !nested => format!("{count}: {trimmed}"),
                            _ => base,
                        };
                        let nums = layout.expand(section, &line.code);
                        let dens = layout.expand(section, den);
                        for ((group, n), (_, d)) in nums.into_iter().zip(dens) {
                            let label = match group {
                                Some(g) => format!("{base} ({})", g.label),
                                None => base.clone(),
                            };
                            labels.ratios.entry((n, d)).or_insert(label);
                        }
                    }
                    _ => {}
                }
            }
        }
        labels
    }

    /// The label of a measure code, if the layout shows it.
    pub fn code(&self, code: &str) -> Option<&str> {
        self.codes.get(code).map(String::as_str)
    }

    /// The label of a percentage, if the layout shows it.
    pub fn ratio(&self, numerator: &str, denominator: &str) -> Option<&str> {
        self.ratios
            .get(&(numerator.to_string(), denominator.to_string()))
            .map(String::as_str)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    pub code: String,
    /// The label the return workbook shows for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `None` when the measure is absent from that return (a partner that had no rows, say).
    pub old: Option<i64>,
    pub new: Option<i64>,
    pub change: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moved {
    pub numerator: String,
    pub denominator: String,
    /// The label the return workbook shows for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Percentages as the workbook shows them (to 0.1, halves up); `None` where the
    /// denominator is 0.
    pub old: Option<f64>,
    pub new: Option<f64>,
    /// Percentage points moved: `new` - `old`, the difference of the percentages as shown, so
    /// a reader's subtraction agrees with it (86.2% -> 89.7% is +3.5); `None` unless both sides
    /// have a percentage.
    pub points: Option<f64>,
    /// The change of the exact percentages, before rounding (+3.448... for 25 / 29 -> 26 / 29).
    pub points_exact: Option<f64>,
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

/// The identity fields of a return, as text, in the order they are shown.
pub(crate) fn identity_fields(id: &Identity) -> [(&'static str, String); 10] {
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

/// Compares two returns, with the percentages and labels of the workbook `layout` shows.
pub fn diff(old: &Return, new: &Return, layout: &Layout) -> Diff {
    compare(old, new, &layout.ratios(), &Labels::new(layout))
}

/// Compares two returns: every measure that changed, and every one of `ratios` that moved.
/// Codes, labels and identity fields are [`cut`] as they are recorded: a return file can hold
/// any text where a code belongs, and the account shows, never reproduces, it.
fn compare(old: &Return, new: &Return, ratios: &[Ratio], labels: &Labels) -> Diff {
    let identity = identity_fields(&old.identity)
        .into_iter()
        .zip(identity_fields(&new.identity))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, a), (_, b))| IdentityChange {
            field,
            old: cut_owned(a),
            new: cut_owned(b),
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
                code: cut(code).into_owned(),
                label: labels.code(code).map(|l| cut(l).into_owned()),
                old: a,
                new: b,
                change: b.unwrap_or(0).saturating_sub(a.unwrap_or(0)),
            })
        })
        .collect();
    let percentages = ratios
        .iter()
        .filter_map(|r| {
            let (a, b) = (r.counts(old), r.counts(new));
            let shown = |c: Option<(i64, i64)>| c.map(|(n, d)| shown_tenths(n, d));
            let (shown_a, shown_b) = (shown(a), shown(b));
            if shown_a == shown_b {
                return None;
            }
            let exact = |(n, d): (i64, i64)| n as f64 * 100.0 / d as f64;
            Some(Moved {
                numerator: cut(&r.numerator).into_owned(),
                denominator: cut(&r.denominator).into_owned(),
                label: labels
                    .ratio(&r.numerator, &r.denominator)
                    .map(|l| cut(l).into_owned()),
                old: shown_a.map(tenths),
                new: shown_b.map(tenths),
                points: shown_a.zip(shown_b).map(|(a, b)| tenths(b - a)),
                points_exact: a.zip(b).map(|(a, b)| exact(b) - exact(a)),
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
    v.map_or("absent".to_string(), |v| v.to_string())
}

/// A percentage as the workbook shows it, or why it has none: its denominator is 0.
fn show_percent(v: Option<f64>, denominator: &str) -> String {
    v.map_or_else(|| nobody(denominator).to_string(), |v| format!("{v:.1}%"))
}

/// What a denominator of 0 means, in words, from what the denominator counts.
fn nobody(denominator: &str) -> &'static str {
    match denominator.rsplit('.').next() {
        Some("victims") => "no victims",
        Some("meetings") => "no meetings",
        Some("ended") => "none ended",
        _ => "no children",
    }
}

/// The points a percentage moved, as the difference of the two percentages shown, then the
/// exact change where rounding makes it differ: `(+3.5 points; before rounding +3.45)`.
fn points_words(m: &Moved) -> String {
    let Some(points) = m.points else {
        return String::new();
    };
    let shown = format!("{points:+.1}");
    match m.points_exact {
        Some(exact) if format!("{exact:+.2}") != format!("{points:+.2}") => {
            format!("({shown} points; before rounding {exact:+.2})")
        }
        _ => format!("({shown} points)"),
    }
}

/// The widest a column of [`aligned`] grows: a longer entry (a code read from a hostile file)
/// is left out of the column's width and runs past it, rather than pushing every other row
/// across the page.
const MAX_COLUMN: usize = 80;

/// Rows of `[what, old, new, change, label]` in aligned columns: `what` and `change` to the
/// left, the two values to the right so that their digits line up, the label as free text.
/// Padded by hand, by characters: no format width comes from the values.
fn aligned(rows: &[[String; 5]]) -> String {
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .filter(|n| *n <= MAX_COLUMN)
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2), width(3)];
    let pad = |s: &mut String, text: &str, width: usize, right: bool| {
        let room = width.saturating_sub(text.chars().count());
        if right {
            s.extend(std::iter::repeat_n(' ', room));
            s.push_str(text);
        } else {
            s.push_str(text);
            s.extend(std::iter::repeat_n(' ', room));
        }
    };
    let mut s = String::new();
    for [w, o, n, c, label] in rows {
        let mut line = String::from("  ");
        pad(&mut line, w, widths[0], false);
        line.push_str("  ");
        pad(&mut line, o, widths[1], true);
        line.push_str(" -> ");
        pad(&mut line, n, widths[2], true);
        line.push_str("  ");
        pad(&mut line, c, widths[3], false);
        line.push_str("  ");
        line.push_str(label);
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s
}

/// The terminal account of a diff: identity changes, then each figure that changed and each
/// percentage that moved, in aligned columns, with the workbook's label last.
pub fn render_text(d: &Diff, old_name: &str, new_name: &str) -> String {
    let mut s = String::new();
    writeln!(s, "old: {old_name}\nnew: {new_name}").unwrap();
    for c in &d.identity {
        writeln!(s, "  {}: {} -> {}", c.field, c.old, c.new).unwrap();
    }
    if d.changed.is_empty() {
        writeln!(s, "No figure changed.").unwrap();
        return s;
    }
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    writeln!(
        s,
        "\n{}:",
        plural(d.changed.len(), "figure changed", "figures changed")
    )
    .unwrap();
    let rows: Vec<[String; 5]> = d
        .changed
        .iter()
        .map(|c| {
            [
                c.code.clone(),
                show(c.old),
                show(c.new),
                format!("({:+})", c.change),
                c.label.clone().unwrap_or_default(),
            ]
        })
        .collect();
    s.push_str(&aligned(&rows));
    if !d.percentages.is_empty() {
        writeln!(
            s,
            "\n{}:",
            plural(d.percentages.len(), "percentage moved", "percentages moved")
        )
        .unwrap();
        let rows: Vec<[String; 5]> = d
            .percentages
            .iter()
            .map(|m| {
                [
                    format!("{} / {}", m.numerator, m.denominator),
                    show_percent(m.old, &m.denominator),
                    show_percent(m.new, &m.denominator),
                    points_words(m),
                    m.label.clone().unwrap_or_default(),
                ]
            })
            .collect();
        s.push_str(&aligned(&rows));
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
    use crate::definitions::{Definitions, Source};
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
        let d = compare(
            &old,
            &new,
            &[
                ratio("kpi1.all.suitable", "cohort.all.children"),
                ratio("kpi9.offences", "cohort.all.children"),
            ],
            &Labels::default(),
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
        // Values right-aligned so that the digits line up; ASCII arrows.
        assert_eq!(
            render_text(&d, "a", "b"),
            "old: a\nnew: b\n  input_sha256: aa -> bb\n\
             \n3 figures changed:\n\
             \x20 kpi1.all.suitable      15 ->     16  (+1)\n\
             \x20 kpi7.pcc.attended       1 -> absent  (-1)\n\
             \x20 kpi7.vcs.attended  absent ->      2  (+2)\n\
             \n1 percentage moved:\n\
             \x20 kpi1.all.suitable / cohort.all.children  75.0% -> 80.0%  (+5.0 points)\n"
        );
    }

    #[test]
    fn points_are_the_difference_of_the_percentages_as_shown() {
        // 25 / 29 = 86.2069% shows 86.2%; 26 / 29 = 89.6552% shows 89.7%. The exact change is
        // 3.448 points, which rounds to 3.4: the reader subtracts the shown figures and gets 3.5.
        let ratios = [ratio("kpi1.all.suitable", "cohort.all.children")];
        let of = |n, d| {
            ret(
                &[("cohort.all.children", d), ("kpi1.all.suitable", n)],
                "aa",
            )
        };
        let d = compare(&of(25, 29), &of(26, 29), &ratios, &Labels::default());
        let m = &d.percentages[0];
        assert_eq!(
            (m.old, m.new, m.points),
            (Some(86.2), Some(89.7), Some(3.5))
        );
        assert!((m.points_exact.unwrap() - 100.0 / 29.0).abs() < 1e-9);
        assert!(
            render_text(&d, "a", "b").contains(
                "  kpi1.all.suitable / cohort.all.children  86.2% -> 89.7%  (+3.5 points; \
                 before rounding +3.45)\n"
            ),
            "{}",
            render_text(&d, "a", "b")
        );
        let json: serde_json::Value = serde_json::from_str(&render_json(&d, "a", "b")).unwrap();
        assert_eq!(json["percentages"][0]["points"], 3.5);
        assert_eq!(json["percentages"][0]["old"], 86.2);
        assert!(json["percentages"][0]["points_exact"].as_f64().unwrap() > 3.44);
        // Halves round up on the exact fraction: 1 / 16 = 6.25% shows 6.3%, 1 / 8 = 12.5%.
        assert_eq!(shown_tenths(1, 16), 63);
        assert_eq!(shown_tenths(1, 8), 125);
        assert_eq!(shown_tenths(-1, 16), -63);
        assert_eq!(shown_tenths(i64::MAX, 1), i128::from(i64::MAX) * 1000);
        // 1 / 16 -> 1 / 8: 6.3% -> 12.5% is +6.2 points (exactly 6.25).
        let d = compare(&of(1, 16), &of(1, 8), &ratios, &Labels::default());
        assert_eq!(d.percentages[0].points, Some(6.2));
        // Two percentages that show the same have not moved, however their counts changed.
        let d = compare(&of(1, 3), &of(2, 6), &ratios, &Labels::default());
        assert!(d.percentages.is_empty());
        // Without rounding in the way, nothing follows in brackets.
        let d = compare(&of(3, 4), &of(4, 5), &ratios, &Labels::default());
        assert!(
            render_text(&d, "a", "b").contains("75.0% -> 80.0%  (+5.0 points)\n"),
            "{}",
            render_text(&d, "a", "b")
        );
    }

    #[test]
    fn zero_denominator_has_no_percentage_and_identical_returns_have_no_changes() {
        let a = ret(
            &[("cohort.all.children", 0), ("kpi1.all.suitable", 0)],
            "aa",
        );
        let ratios = [ratio("kpi1.all.suitable", "cohort.all.children")];
        let d = compare(&a, &a.clone(), &ratios, &Labels::default());
        assert!(d.is_empty() && d.percentages.is_empty() && d.identity.is_empty());
        assert!(render_text(&d, "a", "b").contains("No figure changed."));
        let b = ret(
            &[("cohort.all.children", 2), ("kpi1.all.suitable", 1)],
            "aa",
        );
        let d = compare(&a, &b, &ratios, &Labels::default());
        assert_eq!(d.percentages[0].old, None);
        assert_eq!(d.percentages[0].new, Some(50.0));
        assert_eq!(d.percentages[0].points, None);
        assert!(
            render_text(&d, "a", "b")
                .contains("  kpi1.all.suitable / cohort.all.children  no children -> 50.0%\n"),
            "{}",
            render_text(&d, "a", "b")
        );
        assert_eq!(nobody("kpi10.victims"), "no victims");
        assert_eq!(nobody("kpi7.meetings"), "no meetings");
        assert_eq!(nobody("kpi6.div.ended"), "none ended");
        assert_eq!(nobody("kpi3.all.send_identified"), "no children");
    }

    #[test]
    fn codes_and_fields_longer_than_a_format_width_are_cut_not_a_crash() {
        // 70,000 characters: a width computed from it overflowed the formatter (exit 101).
        let long = "x".repeat(70_000);
        let old = ret(&[("kpi1.all.suitable", 15)], "aa");
        let mut new = ret(&[("kpi1.all.suitable", 15), (long.as_str(), 1)], "aa");
        new.identity.yjs_name = "N".repeat(70_000);
        let label = "L".repeat(70_000);
        let labels = Labels {
            codes: HashMap::from([(long.clone(), label.clone())]),
            ratios: HashMap::new(),
        };
        let d = compare(&old, &new, &[], &labels);
        assert_eq!(d.changed[0].code, cut(&long));
        assert_eq!(d.changed[0].label.as_deref(), Some(cut(&label).as_ref()));
        assert_eq!(d.identity[0].new, cut(&new.identity.yjs_name));
        let text = render_text(&d, "a", "b");
        assert!(
            text.contains("xxx... (70000 characters)  absent -> 1  (+1)  LLL"),
            "{text}"
        );
        assert!(text.contains("  yjs_name: Northshire -> NNN"), "{text}");
        assert!(text.len() < 1_000, "{text}");
        let json = render_json(&d, "a", "b");
        assert!(
            json.len() < 2_000 && json.contains("... (70000 characters)"),
            "{json}"
        );
    }

    #[test]
    fn aligned_columns_stop_growing_at_a_long_entry() {
        let row = |w: &str, o: &str| {
            [
                w.to_string(),
                o.to_string(),
                "2".to_string(),
                "(+1)".to_string(),
                String::new(),
            ]
        };
        let long = "c".repeat(MAX_COLUMN + 20);
        assert_eq!(
            aligned(&[row("short", "10"), row(&long, "1")]),
            format!("  short  10 -> 2  (+1)\n  {long}   1 -> 2  (+1)\n")
        );
        // Characters, not bytes, make the width.
        assert_eq!(
            aligned(&[row("é", "1"), row("ab", "1")]),
            "  é   1 -> 2  (+1)\n  ab  1 -> 2  (+1)\n"
        );
    }

    #[test]
    fn labels_come_from_the_template_with_the_group_and_the_row_they_belong_to() {
        let defs = Definitions::latest(&Source::Embedded).unwrap();
        let layout = Layout::load(&defs).unwrap();
        let labels = Labels::new(&layout);
        // GROUP expanded to the column's label; the cohort keeps its first (Cohort sheet) label.
        assert_eq!(
            labels.code("kpi1.community.suitable"),
            Some("In suitable accommodation (Community)")
        );
        assert_eq!(
            labels.code("cohort.all.children"),
            Some("Children in the cohort (All)")
        );
        // Sub-rows name their parent row; sheets without groups add nothing.
        assert_eq!(
            labels.code("kpi6.div.completed"),
            Some("Diversions ended: completed")
        );
        assert_eq!(
            labels.code("kpi7.police.attended"),
            Some("Police: meetings attended")
        );
        assert_eq!(labels.code("kpi1.unknown"), None);
        // Percentages: a repeated label names its count, a nested one its parent.
        assert_eq!(
            labels.ratio(
                "kpi8.out_of_court.early_help",
                "cohort.out_of_court.children"
            ),
            Some("On an Early Help plan: % of the cohort (Out of court)")
        );
        assert_eq!(
            labels.ratio("kpi6.yc.completed", "kpi6.yc.ended"),
            Some("Youth cautions ended: % completed")
        );
        assert_eq!(
            labels.ratio("kpi1.all.suitable", "cohort.all.children"),
            Some("% in suitable accommodation (All)")
        );
        // Every percentage and every measure the workbook shows has a label.
        for r in layout.ratios() {
            assert!(
                labels.ratio(&r.numerator, &r.denominator).is_some(),
                "{r:?}"
            );
        }
        for code in layout.measure_codes() {
            assert!(labels.code(&code).is_some(), "{code}");
        }
        // diff carries them to its account.
        let old = ret(&[("kpi1.community.suitable", 3)], "aa");
        let new = ret(&[("kpi1.community.suitable", 4)], "aa");
        let text = render_text(&diff(&old, &new, &layout), "a", "b");
        assert!(
            text.contains(
                "  kpi1.community.suitable  3 -> 4  (+1)  In suitable accommodation (Community)\n"
            ),
            "{text}"
        );
    }
}
