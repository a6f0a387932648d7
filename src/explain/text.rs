//! `explain` on the terminal: one measure after another, each with its records, the list of
//! each measure cut at [`LINES`] records unless every line is asked for. Plain ASCII in the
//! tool's own words; the export's values as typed.

use std::fmt::Write as _;

use super::compare::{Comparison, change_text};
use super::model::{Entry, Explanation, Measure, Status};
use crate::kpi::tally::{Unit, hours_text};
use crate::validate::Finding;

/// The first line of everything `explain` prints.
pub const FIRST_LINE: &str = "Contains case identifiers: keep inside the service.";

/// The records shown per measure before the list is cut.
pub const LINES: usize = 40;

/// The explanation for the terminal; `limit` cuts each measure's records (`None`: all).
pub fn render(x: &Explanation, file: &str, warnings: &[&Finding], limit: Option<usize>) -> String {
    let mut s = String::new();
    writeln!(s, "{FIRST_LINE}").unwrap();
    let service = x.service.as_ref().map_or_else(String::new, |(code, name)| {
        format!("{} ({}), ", crate::text::cut(name), crate::text::cut(code))
    });
    writeln!(
        s,
        "{service}{}: what the return counts, from {}, and why.",
        x.period, file
    )
    .unwrap();
    for m in x.measures() {
        s.push('\n');
        measure(&mut s, &m, limit);
    }
    for (code, why) in &x.absent {
        writeln!(s, "\n{}: {why}.", crate::text::cut(code)).unwrap();
    }
    warnings_text(&mut s, warnings);
    s
}

fn measure(s: &mut String, m: &Measure, limit: Option<usize>) {
    write!(s, "{} = {}", m.code, m.value).unwrap();
    if m.unit == Unit::Hours {
        s.push_str(" weekly hours");
    }
    if let Some((code, value)) = m.denominator {
        match super::json::percent(m) {
            Some(p) => write!(s, ", of {code} = {value}: {p:.1}%").unwrap(),
            None => write!(s, ", of {code} = {value}").unwrap(),
        }
    }
    writeln!(s).unwrap();
    writeln!(s, "  counted from {}", m.universe).unwrap();
    let mut shown = 0;
    let mut cut = 0;
    let lists = [
        (Status::Counted, "Counted".to_string()),
        (
            Status::Outside,
            format!(
                "Outside: in {}, not counted",
                m.denominator.map_or("", |(c, _)| c)
            ),
        ),
        (
            Status::NearMiss,
            "Near misses: touch the period, left out by a rule".to_string(),
        ),
    ];
    for (status, title) in lists {
        if status == Status::Outside && m.denominator.is_none() {
            continue;
        }
        let records: Vec<&Entry> = m.with(status).collect();
        if records.is_empty() {
            writeln!(s, "  {title}: none").unwrap();
            continue;
        }
        writeln!(s, "  {title} ({}):", records.len()).unwrap();
        for e in records {
            if limit.is_some_and(|l| shown >= l) {
                cut += 1;
                continue;
            }
            shown += 1;
            writeln!(s, "    {}", line(m, e)).unwrap();
        }
    }
    if cut > 0 {
        writeln!(
            s,
            "  ...and {cut} more (--all lists every one; --out FILE.xlsx writes them all)"
        )
        .unwrap();
    }
}

/// `Interventions row 14 | child_id NSH-1001, intervention_id NSH-I-0012 | community |
/// accommodation at the end: FAMILY, suitable Y`.
fn line(m: &Measure, e: &Entry) -> String {
    let mut l = format!("{} row {} | {}", crate::text::cut(&e.sheet), e.row, e.who());
    if let Some(part) = m.part_of(e) {
        write!(l, " | {part}").unwrap();
    }
    match (m.unit, e.status) {
        (Unit::Hours, Status::Counted) => {
            write!(
                l,
                " | adds {} hours",
                hours_text(crate::export::records::Hours(e.amount))
            )
            .unwrap();
        }
        (Unit::Count, Status::Counted) if e.amount != 1 => {
            write!(l, " | adds {}", e.amount).unwrap();
        }
        _ => {}
    }
    write!(l, " | {}", e.why).unwrap();
    l
}

fn warnings_text(s: &mut String, warnings: &[&Finding]) {
    if warnings.is_empty() {
        return;
    }
    writeln!(
        s,
        "\n{} warning(s) in the export; they do not stop explain:",
        warnings.len()
    )
    .unwrap();
    for f in warnings.iter().take(crate::report::terminal::DEFAULT_LIMIT) {
        writeln!(s, "  {}", crate::report::terminal::line(f)).unwrap();
    }
    if warnings.len() > crate::report::terminal::DEFAULT_LIMIT {
        writeln!(
            s,
            "  ...and {} more (`validate --all` lists them)",
            warnings.len() - crate::report::terminal::DEFAULT_LIMIT
        )
        .unwrap();
    }
}

/// The comparison of two exports for the terminal.
pub fn render_comparison(c: &Comparison, old: &str, new: &str, limit: Option<usize>) -> String {
    let mut s = String::new();
    writeln!(s, "{FIRST_LINE}").unwrap();
    writeln!(s, "{}: {old} -> {new}", c.period).unwrap();
    if !c.service.is_empty() {
        let changes: Vec<String> = c.service.iter().map(change_text).collect();
        writeln!(s, "Service: {}", changes.join("; ")).unwrap();
    }
    if c.measures.is_empty() {
        writeln!(s, "\nNo measure differs: every figure is the same in both.").unwrap();
        return s;
    }
    writeln!(
        s,
        "\n{} measure(s) differ; the records that moved each:",
        c.measures.len()
    )
    .unwrap();
    for m in &c.measures {
        let shown = |v: Option<i64>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
        writeln!(s, "\n{}: {} -> {}", m.code, shown(m.old), shown(m.new)).unwrap();
        if m.moved.is_empty() {
            writeln!(
                s,
                "  no record entered or left it (its figure is a sum rounded after adding)"
            )
            .unwrap();
        }
        for (i, mv) in m.moved.iter().enumerate() {
            if limit.is_some_and(|l| i >= l) {
                writeln!(
                    s,
                    "  ...and {} more (--all lists every one)",
                    m.moved.len() - i
                )
                .unwrap();
                break;
            }
            let at = mv
                .new
                .as_ref()
                .or(mv.old.as_ref())
                .map_or_else(String::new, |e| {
                    format!(" ({} row {})", crate::text::cut(&e.sheet), e.row)
                });
            let who = mv
                .new
                .as_ref()
                .or(mv.old.as_ref())
                .map_or_else(|| mv.key.clone(), Entry::who);
            writeln!(s, "  {} {who}{at}: {}", mv.movement.word(), mv.what).unwrap();
        }
    }
    s
}
