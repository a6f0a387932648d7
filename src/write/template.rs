//! The return workbook's layout, read from `templates/<version>/return-layout.json`: which
//! measure goes in which row of which sheet, its label and how it is shown. A new definitions
//! year with new measures or labels is a new template file, not new code.
//!
//! In a template, `GROUP` in a measure code stands for each group column (prevention … all);
//! a row with `each` is repeated over a code list of the definitions (accommodation types, ETE
//! statuses, board partners), `{code}` becoming the lower-case code and `{label}` its label
//! from `code_labels`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::definitions::Definitions;
use crate::kpi::Codes;
use crate::measures::Return;

/// A percentage the workbook shows: numerator / denominator, both measure codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ratio {
    pub numerator: String,
    pub denominator: String,
}

impl Ratio {
    /// The counts of the percentage for a return, or `None` when a count is missing or the
    /// denominator is 0 (the workbook leaves such a cell empty).
    pub fn counts(&self, ret: &Return) -> Option<(i64, i64)> {
        let n = ret.measures.get(&self.numerator)?;
        let d = ret.measures.get(&self.denominator)?;
        (d != 0).then_some((n, d))
    }
}

/// The placeholder for the group in a measure code, as the spec writes it.
pub const GROUP: &str = "GROUP";

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("templates/{0}/return-layout.json is missing")]
    Missing(String),
    #[error("templates/{version}/return-layout.json: {message}")]
    Invalid { version: String, message: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLayout {
    #[allow(dead_code)]
    description: Option<String>,
    title: String,
    groups: Vec<GroupLabel>,
    sections: Vec<RawSection>,
    #[serde(default)]
    code_labels: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct GroupLabel {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    sheet: String,
    heading: String,
    intro: String,
    #[serde(default)]
    by_group: bool,
    rows: Vec<RawRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    label: String,
    count: Option<String>,
    hours: Option<String>,
    percent: Option<[String; 2]>,
    rate: Option<RawRate>,
    ratio: Option<[String; 2]>,
    each: Option<String>,
    heading: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRate {
    measure: String,
    per: u32,
}

/// How a row's figures are shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A count (a measure of the return).
    Count,
    /// Whole weekly hours (a measure of the return).
    Hours,
    /// `code` / `denominator` as a percentage; empty when the denominator is 0.
    Percent,
    /// `code` per `per` of the 10-17 population, one decimal.
    Rate { per: u32 },
    /// `code` / `denominator`, two decimals; empty when the denominator is 0.
    Ratio,
}

/// One row of a sheet, with codes still holding `GROUP` in by-group sheets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub label: String,
    pub kind: Kind,
    pub code: String,
    pub denominator: Option<String>,
    /// A sub-heading shown above this row.
    pub heading: Option<String>,
    /// Repeated over a code list: shown only when the return holds its measure (KPI 7's
    /// non-statutory partners appear only when they had rows).
    pub optional: bool,
}

impl Line {
    /// Whether the row holds measures of the return (rather than figures derived from them).
    pub fn is_measure(&self) -> bool {
        matches!(self.kind, Kind::Count | Kind::Hours)
    }

    /// The text of the "Measure code" column.
    pub fn code_text(&self) -> String {
        match (&self.kind, &self.denominator) {
            (Kind::Percent, Some(d)) => format!("{} / {d}", self.code),
            (Kind::Ratio, Some(d)) => format!("{} ÷ {d}", self.code),
            (Kind::Rate { per }, _) => {
                format!("{} per {} of population_10_17", self.code, thousands(*per))
            }
            _ => self.code.clone(),
        }
    }
}

/// `10000` → `10,000`.
pub fn thousands(n: u32) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub sheet: String,
    pub heading: String,
    pub intro: String,
    pub by_group: bool,
    pub lines: Vec<Line>,
}

/// The layout of one definitions version, with its code lists expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub version: String,
    pub title: String,
    pub groups: Vec<GroupLabel>,
    pub sections: Vec<Section>,
}

impl Layout {
    pub fn load(defs: &Definitions) -> Result<Layout, TemplateError> {
        let path = format!("templates/{}/return-layout.json", defs.version);
        let bytes = defs
            .file(&path)
            .ok_or_else(|| TemplateError::Missing(defs.version.clone()))?;
        Layout::parse(bytes, &defs.version, &Codes::from_definitions(defs))
    }

    pub fn parse(bytes: &[u8], version: &str, codes: &Codes) -> Result<Layout, TemplateError> {
        let invalid = |message: String| TemplateError::Invalid {
            version: version.to_string(),
            message,
        };
        let raw: RawLayout = serde_json::from_slice(bytes).map_err(|e| invalid(e.to_string()))?;
        if raw.groups.is_empty() {
            return Err(invalid("no groups".into()));
        }
        let mut sheets = BTreeSet::new();
        let mut sections = Vec::new();
        for s in raw.sections {
            if s.sheet.is_empty()
                || s.sheet.chars().count() > 31
                || s.sheet.contains(['[', ']', ':', '*', '?', '/', '\\'])
                || !sheets.insert(s.sheet.to_lowercase())
                || s.sheet.eq_ignore_ascii_case("Cover")
            {
                return Err(invalid(format!(
                    "sheet name {:?} is not a usable, unique Excel sheet name",
                    s.sheet
                )));
            }
            let mut lines = Vec::new();
            for row in s.rows {
                let where_ = format!("sheet {:?}, row {:?}", s.sheet, row.label);
                let (kind, code, denominator) = match (
                    row.count,
                    row.hours,
                    row.percent,
                    row.rate,
                    row.ratio,
                ) {
                    (Some(c), None, None, None, None) => (Kind::Count, c, None),
                    (None, Some(c), None, None, None) => (Kind::Hours, c, None),
                    (None, None, Some([n, d]), None, None) => (Kind::Percent, n, Some(d)),
                    (None, None, None, Some(r), None) if r.per > 0 => {
                        (Kind::Rate { per: r.per }, r.measure, None)
                    }
                    (None, None, None, None, Some([n, d])) => (Kind::Ratio, n, Some(d)),
                    _ => {
                        return Err(invalid(format!(
                            "{where_}: give exactly one of count, hours, percent, rate (per > 0) or ratio"
                        )));
                    }
                };
                if !s.by_group
                    && (code.contains(GROUP)
                        || denominator.as_ref().is_some_and(|d| d.contains(GROUP)))
                {
                    return Err(invalid(format!(
                        "{where_}: GROUP is only for by_group sections"
                    )));
                }
                let Some(list) = row.each else {
                    lines.push(Line {
                        label: row.label,
                        kind,
                        code,
                        denominator,
                        heading: row.heading,
                        optional: false,
                    });
                    continue;
                };
                let codes = match list.as_str() {
                    "accommodation" => &codes.accommodation,
                    "ete" => &codes.ete,
                    "partners" => &codes.partners,
                    other => {
                        return Err(invalid(format!(
                            "{where_}: each {other:?} is not a code list (accommodation, ete, partners)"
                        )));
                    }
                };
                let labels = raw.code_labels.get(&list);
                for (i, c) in codes.iter().enumerate() {
                    let label = labels
                        .and_then(|l| l.get(c))
                        .cloned()
                        .unwrap_or_else(|| c.clone());
                    let lower = c.to_lowercase();
                    let fill = |t: &str| t.replace("{code}", &lower).replace("{label}", &label);
                    lines.push(Line {
                        label: fill(&row.label),
                        kind: kind.clone(),
                        code: fill(&code),
                        denominator: denominator.as_deref().map(fill),
                        heading: if i == 0 { row.heading.clone() } else { None },
                        optional: true,
                    });
                }
            }
            sections.push(Section {
                sheet: s.sheet,
                heading: s.heading,
                intro: s.intro,
                by_group: s.by_group,
                lines,
            });
        }
        // KPI 7's partner rows read best grouped by partner: the template lists them by
        // measure, so the expanded rows are reordered by code, keeping sub-headings first.
        for section in &mut sections {
            regroup_partner_rows(&mut section.lines);
        }
        Ok(Layout {
            version: version.to_string(),
            title: raw.title,
            groups: raw.groups,
            sections,
        })
    }

    /// Every concrete measure code a line stands for, with the group column it goes in.
    pub fn expand<'a>(
        &'a self,
        section: &'a Section,
        code: &'a str,
    ) -> Vec<(Option<&'a GroupLabel>, String)> {
        if section.by_group {
            self.groups
                .iter()
                .map(|g| (Some(g), code.replace(GROUP, &g.code)))
                .collect()
        } else {
            vec![(None, code.to_string())]
        }
    }

    /// The percentages the workbook shows, one per group column.
    pub fn ratios(&self) -> Vec<Ratio> {
        let mut out = Vec::new();
        for section in &self.sections {
            for line in &section.lines {
                if let (Kind::Percent, Some(d)) = (&line.kind, &line.denominator) {
                    let nums = self.expand(section, &line.code);
                    let dens = self.expand(section, d);
                    for ((_, n), (_, d)) in nums.into_iter().zip(dens) {
                        out.push(Ratio {
                            numerator: n,
                            denominator: d,
                        });
                    }
                }
            }
        }
        out
    }

    /// Every measure code the layout can place (optional rows included).
    pub fn measure_codes(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for section in &self.sections {
            for line in section.lines.iter().filter(|l| l.is_measure()) {
                out.extend(self.expand(section, &line.code).into_iter().map(|(_, c)| c));
            }
        }
        out
    }
}

/// Puts the optional per-code rows of one code list together by code (all of a partner's
/// rows in a block), leaving other rows where they are.
fn regroup_partner_rows(lines: &mut Vec<Line>) {
    let Some(first) = lines.iter().position(|l| l.optional) else {
        return;
    };
    let optional: Vec<Line> = lines.iter().filter(|l| l.optional).cloned().collect();
    let heading = optional.first().and_then(|l| l.heading.clone());
    let key = |l: &Line| l.code.split('.').nth(1).unwrap_or_default().to_string();
    // Only lists whose code varies in the second part (kpi7.<partner>.x) are regrouped.
    let per_code: Vec<String> = {
        let mut seen = Vec::new();
        for l in &optional {
            let k = key(l);
            if !seen.contains(&k) {
                seen.push(k);
            }
        }
        seen
    };
    if per_code.len() == optional.len() || !optional.iter().all(|l| l.code.starts_with("kpi7.")) {
        return;
    }
    let mut ordered = Vec::new();
    for k in &per_code {
        for l in optional.iter().filter(|l| key(l) == *k) {
            let mut l = l.clone();
            l.heading = None;
            ordered.push(l);
        }
    }
    if let Some(l) = ordered.first_mut() {
        l.heading = heading;
    }
    lines.retain(|l| !l.optional);
    let at = first.min(lines.len());
    lines.splice(at..at, ordered);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definitions::Source;
    use crate::export::records::Export;

    fn layout() -> (Definitions, Layout) {
        let defs = Definitions::latest(&Source::Embedded).unwrap();
        let layout = Layout::load(&defs).unwrap();
        (defs, layout)
    }

    #[test]
    fn the_template_places_every_measure_of_the_definitions_and_nothing_else() {
        let (defs, layout) = layout();
        let codes = Codes::from_definitions(&defs);
        let mut all =
            crate::kpi::compute(&Export::default(), "2024-25 Q2".parse().unwrap(), &codes);
        // The optional partners, present when they have rows.
        for p in ["pcc", "courts", "housing", "vcs", "other"] {
            for what in ["attended", "senior", "disproportionality_data"] {
                all.set(format!("kpi7.{p}.{what}"), 0);
            }
        }
        let computed: BTreeSet<String> = all.iter().map(|(c, _)| c.to_string()).collect();
        assert_eq!(layout.measure_codes(), computed);
        // Percentages refer only to measures.
        for r in layout.ratios() {
            assert!(computed.contains(&r.numerator), "{}", r.numerator);
            assert!(computed.contains(&r.denominator), "{}", r.denominator);
        }
    }

    #[test]
    fn partner_rows_are_grouped_by_partner() {
        let (_, layout) = layout();
        let kpi7 = layout
            .sections
            .iter()
            .find(|s| s.sheet.starts_with("KPI7"))
            .unwrap();
        let codes: Vec<&str> = kpi7.lines.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(
            &codes[..6],
            [
                "kpi7.meetings",
                "kpi7.statutory_all_senior",
                "kpi7.statutory_all_senior",
                "kpi7.police.attended",
                "kpi7.police.senior",
                "kpi7.police.disproportionality_data"
            ]
        );
        assert_eq!(kpi7.lines[3].heading.as_deref(), Some("By partner"));
        assert_eq!(kpi7.lines[3].label, "Police: meetings attended");
    }

    #[test]
    fn a_broken_template_is_refused_with_its_place() {
        let codes = Codes {
            accommodation: vec![],
            ete: vec![],
            partners: vec![],
        };
        let bad = br#"{"title":"t","groups":[{"code":"all","label":"All"}],"sections":[{"sheet":"S","heading":"h","intro":"i","rows":[{"label":"x","count":"a","percent":["a","b"]}]}]}"#;
        let err = Layout::parse(bad, "2024-25", &codes)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("sheet \"S\", row \"x\"") && err.contains("exactly one"),
            "{err}"
        );
        let err = Layout::parse(b"{", "2024-25", &codes)
            .unwrap_err()
            .to_string();
        assert!(err.contains("return-layout.json"), "{err}");
    }
}
