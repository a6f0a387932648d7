//! `explain --format json`: the explanation for other programs. Its first line says that it
//! holds case identifiers (the document's first key is `notice`). It is written as it is
//! made, one record to a line (a large export's explanation runs to hundreds of megabytes, and
//! a line per record is what `grep` and a person scrolling want).
//!
//! `{"notice", "period", ..., "measures": [{"code", "value", "counted": [{"sheet", "row",
//! "ids": {...}, "fields": {...}, "amount", "why"}], "outside": [...], "near_misses": [...,
//! "rule"]}], "warnings": [...]}`. `amount` is what the record adds to the figure: 1 for a
//! child, the weekly hours, the reoffences; 0 for a record not counted.

use std::sync::Arc;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::compare::{Comparison, FieldChange};
use super::model::{Entry, Explanation, Measure, NOTICE, Status};
use crate::kpi::tally::Unit;
use crate::validate::Finding;

/// What the explanation was made from, as the outputs name it.
#[derive(Debug, Clone, Serialize)]
pub struct Source<'a> {
    /// The export, as the officer named it.
    pub file: &'a str,
    pub sha256: &'a str,
    pub definitions_version: &'a str,
}

/// Pairs as a JSON object, values cut to a readable length.
struct AsMap<'a, V>(&'a [(&'static str, V)]);

impl<V: AsRef<str>> Serialize for AsMap<'_, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, &crate::text::cut(v.as_ref()))?;
        }
        m.end()
    }
}

/// An amount as the figure adds it: hours as hours (`7.25`), anything else whole.
#[derive(Clone, Copy)]
struct Amount(i64, Unit);

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.1 {
            Unit::Count => s.serialize_i64(self.0),
            Unit::Hours => s.serialize_f64(self.0 as f64 / 1000.0),
        }
    }
}

#[derive(Serialize)]
struct EntryJson<'a> {
    sheet: &'a str,
    row: u32,
    ids: AsMap<'a, Arc<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'a str>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'a str>,
    fields: AsMap<'a, String>,
    amount: Amount,
    why: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'a str>,
}

fn entry<'a>(m: &Measure<'a>, e: &'a Entry) -> EntryJson<'a> {
    let part = m.part_of(e);
    EntryJson {
        sheet: &e.sheet,
        row: e.row,
        ids: AsMap(&e.ids),
        group: part.filter(|_| m.part_kind == "group"),
        kind: part.filter(|_| m.part_kind == "type"),
        fields: AsMap(&e.fields),
        amount: Amount(e.amount, m.unit),
        why: &e.why,
        rule: e.rule,
    }
}

#[derive(Serialize)]
struct Denominator<'a> {
    code: &'a str,
    value: i64,
}

/// A measure's figures: everything but its lists of records.
#[derive(Serialize)]
struct MeasureHead<'a> {
    code: &'a str,
    value: i64,
    unit: &'static str,
    counted_from: &'static str,
    denominator: Option<Denominator<'a>>,
    /// The percentage as the return's workbook shows it, to one decimal.
    percent: Option<f64>,
}

/// The percentage a numerator shows, to one decimal; `None` with no or a zero denominator.
pub fn percent(m: &Measure) -> Option<f64> {
    let (_, d) = m.denominator?;
    (d != 0).then(|| (m.value as f64 * 1000.0 / d as f64).round() / 10.0)
}

#[derive(Serialize)]
struct Absent<'a> {
    code: &'a str,
    why: &'a str,
}

#[derive(Serialize)]
struct Head<'a> {
    period: String,
    yjs_code: Option<&'a str>,
    yjs_name: Option<&'a str>,
    export: &'a Source<'a>,
    tool_version: &'static str,
}

/// `value` as JSON, without its closing brace, to be continued (`{"a": 1` of `{"a": 1}`).
fn open_object(value: &impl Serialize) -> std::io::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec(value)?;
    if bytes.pop() != Some(b'}') {
        return Err(std::io::Error::other("not an object"));
    }
    Ok(bytes)
}

/// Writes the explanation as JSON to `out`, as it is made: the notice on the first line, each
/// measure's figures on a line, each of its records on a line.
pub fn write(
    x: &Explanation,
    source: &Source,
    warnings: &[&Finding],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    writeln!(out, "{{\"notice\": {},", serde_json::to_string(NOTICE)?)?;
    let head = Head {
        period: x.period.to_string(),
        yjs_code: x.service.as_ref().map(|s| s.0.as_str()),
        yjs_name: x.service.as_ref().map(|s| s.1.as_str()),
        export: source,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    // The head's fields, as fields of the document.
    let head = open_object(&head)?;
    out.write_all(&head[1..])?;
    out.write_all(b",\n\"measures\": [")?;
    for (i, m) in x.measures().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        let figures = MeasureHead {
            code: m.code,
            value: m.value,
            unit: match m.unit {
                Unit::Count => "count",
                Unit::Hours => "hours",
            },
            counted_from: m.universe,
            denominator: m
                .denominator
                .map(|(code, value)| Denominator { code, value }),
            percent: percent(&m),
        };
        out.write_all(&open_object(&figures)?)?;
        for (key, status) in [
            ("counted", Status::Counted),
            ("outside", Status::Outside),
            ("near_misses", Status::NearMiss),
        ] {
            write!(out, ",\n\"{key}\": [")?;
            for (j, e) in m.with(status).enumerate() {
                out.write_all(if j == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer(&mut *out, &entry(&m, e))?;
            }
            out.write_all(b"]")?;
        }
        out.write_all(b"}")?;
    }
    out.write_all(b"],\n")?;
    let absent: Vec<Absent> = x
        .absent
        .iter()
        .map(|(code, why)| Absent { code, why })
        .collect();
    writeln!(out, "\"absent\": {},", serde_json::to_string(&absent)?)?;
    out.write_all(b"\"warnings\": [")?;
    for (i, f) in warnings.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, f)?;
    }
    out.write_all(b"]}\n")?;
    Ok(())
}

/// Pretty JSON with its first key on the first line: `{"notice": "contains case ...",`.
fn notice_first(json: serde_json::Result<String>) -> String {
    let mut text = json.unwrap_or_else(|_| format!("{{\"notice\": \"{NOTICE}\"}}"));
    if text.starts_with("{\n  ") {
        text.replace_range(..4, "{");
    }
    text.push('\n');
    text
}

#[derive(Serialize)]
struct ChangeJson<'a> {
    sheet: &'static str,
    record: &'a str,
    field: &'static str,
    old: Option<&'a str>,
    new: Option<&'a str>,
}

fn change(c: &FieldChange) -> ChangeJson<'_> {
    ChangeJson {
        sheet: c.table,
        record: &c.record,
        field: c.field,
        old: c.old.as_deref(),
        new: c.new.as_deref(),
    }
}

#[derive(Serialize)]
struct Place<'a> {
    sheet: &'a str,
    row: u32,
    status: &'static str,
    why: &'a str,
}

#[derive(Serialize)]
struct MovedJson<'a> {
    movement: &'static str,
    key: &'a str,
    ids: AsMap<'a, Arc<str>>,
    old: Option<Place<'a>>,
    new: Option<Place<'a>>,
    changes: Vec<ChangeJson<'a>>,
    what: &'a str,
}

#[derive(Serialize)]
struct MeasureChangeJson<'a> {
    code: &'a str,
    old: Option<i64>,
    new: Option<i64>,
    moved: Vec<MovedJson<'a>>,
}

#[derive(Serialize)]
struct ComparisonJson<'a> {
    notice: &'static str,
    period: String,
    old: &'a Source<'a>,
    new: &'a Source<'a>,
    service: Vec<ChangeJson<'a>>,
    measures: Vec<MeasureChangeJson<'a>>,
}

fn place(e: &Option<Entry>) -> Option<Place<'_>> {
    e.as_ref().map(|e| Place {
        sheet: &e.sheet,
        row: e.row,
        status: e.status.word(),
        why: &e.why,
    })
}

/// The comparison of two exports as JSON, the notice on its first line.
pub fn render_comparison(c: &Comparison, old: &Source, new: &Source) -> String {
    let doc = ComparisonJson {
        notice: NOTICE,
        period: c.period.to_string(),
        old,
        new,
        service: c.service.iter().map(change).collect(),
        measures: c
            .measures
            .iter()
            .map(|m| MeasureChangeJson {
                code: &m.code,
                old: m.old,
                new: m.new,
                moved: m
                    .moved
                    .iter()
                    .map(|mv| MovedJson {
                        movement: mv.movement.word(),
                        key: &mv.key,
                        ids: AsMap(
                            mv.new
                                .as_ref()
                                .or(mv.old.as_ref())
                                .map_or(&[][..], |e| &e.ids),
                        ),
                        old: place(&mv.old),
                        new: place(&mv.new),
                        changes: mv.changes.iter().map(change).collect(),
                        what: &mv.what,
                    })
                    .collect(),
            })
            .collect(),
    };
    notice_first(serde_json::to_string_pretty(&doc))
}
