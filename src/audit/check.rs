//! Checks on a finished return before it is sent: structure, identity, the figures' internal
//! consistency, and agreement with the files built beside it (a figure typed over by hand in
//! the workbook or the XML is caught here).
//!
//! Findings use the same shape as `validate`'s, with `sheet` naming the file (or the workbook
//! sheet), `row` the workbook row where there is one, and `column` the measure code.

use std::collections::BTreeSet;

use crate::definitions::{Definitions, Severity, Source};
use crate::export::records::Export;
use crate::kpi;
use crate::measures::Return;
use crate::validate::Finding;
use crate::write::manifest::Manifest;

/// The check rules: code, severity, what it means. Listed by `check --rules` and in the README.
pub const RULES: &[(&str, Severity, &str)] = &[
    (
        "C001",
        Severity::Fatal,
        "the file cannot be read as a return",
    ),
    (
        "C101",
        Severity::Error,
        "the XML is not valid against the return's XSD",
    ),
    (
        "C102",
        Severity::Error,
        "an identity field is missing or malformed",
    ),
    (
        "C103",
        Severity::Error,
        "the definitions version is unknown or not the one in force for the period",
    ),
    (
        "C104",
        Severity::Error,
        "the identity differs from the manifest or the other files of the return",
    ),
    (
        "C105",
        Severity::Warning,
        "the return is provisional: its figures will change, so it is not fit to send",
    ),
    (
        "C201",
        Severity::Error,
        "a measure the definitions require is missing",
    ),
    (
        "C202",
        Severity::Error,
        "a measure code the definitions do not know",
    ),
    ("C203", Severity::Error, "a count is negative"),
    (
        "C301",
        Severity::Error,
        "figures are inconsistent (a sub-measure above its parent, a breakdown not summing to its total)",
    ),
    (
        "C302",
        Severity::Error,
        "a percentage shown in the workbook does not match its counts",
    ),
    (
        "C401",
        Severity::Error,
        "a figure differs from the same figure in another file of the return (edited by hand?)",
    ),
    (
        "C402",
        Severity::Warning,
        "the file is not byte-for-byte the one the manifest records, though its figures agree (opened and saved again?)",
    ),
];

/// A percentage as shown in a workbook cell.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownPercentage {
    pub numerator: String,
    pub denominator: String,
    /// The cell's value as a percentage (50.0 for 50%), `None` when the cell is empty.
    pub value: Option<f64>,
    pub sheet: String,
    pub row: u32,
}

/// A return read from one file.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file's name as the user gave it.
    pub file: String,
    pub ret: Return,
    /// Where each measure sits (sheet, row), for workbook findings.
    pub places: Vec<(String, String, u32)>,
    pub percentages: Vec<ShownPercentage>,
    /// Figures shown twice in a workbook with different values: (code, sheet, row, value
    /// there, value first shown).
    pub conflicts: Vec<(String, String, u32, i64, i64)>,
    pub sha256: String,
}

/// Makes a finding in the shape `validate` uses.
pub fn finding(
    code: &str,
    sheet: &str,
    row: Option<u32>,
    column: Option<&str>,
    value: Option<String>,
    message: String,
) -> Finding {
    let severity = RULES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(Severity::Error, |(_, s, _)| *s);
    let location = Some(match row {
        Some(r) => format!("{sheet}!{r}:{r}"),
        None => sheet.to_string(),
    });
    Finding {
        code: code.to_string(),
        severity,
        sheet: Some(sheet.to_string()),
        row,
        column: column.map(str::to_string),
        value,
        message,
        location,
        header: None,
        related: Vec::new(),
        child_id: None,
        acknowledged: None,
        sheet_name: None,
        col_index: None,
    }
}

impl Document {
    fn place(&self, code: &str) -> (String, Option<u32>) {
        self.places
            .iter()
            .find(|(c, _, _)| c == code)
            .map_or((self.file.clone(), None), |(_, s, r)| {
                (format!("{}:{s}", self.file), Some(*r))
            })
    }

    fn at(&self, code: &str, rule: &str, value: Option<String>, message: String) -> Finding {
        let (sheet, row) = self.place(code);
        finding(rule, &sheet, row, Some(code), value, message)
    }
}

/// The measure codes a return under these definitions must hold, and the partner codes whose
/// KPI 7 measures may appear besides.
fn expected_codes(defs: &Definitions, ret: &Return) -> (BTreeSet<String>, Vec<String>) {
    let codes = kpi::Codes::from_definitions(defs);
    let empty = kpi::compute(&Export::default(), ret.identity.period, &codes);
    let required = empty.iter().map(|(c, _)| c.to_string()).collect();
    let partners = codes.partners.iter().map(|p| p.to_lowercase()).collect();
    (required, partners)
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Every check that needs only the document itself.
pub fn check_document(doc: &Document, source: &Source) -> Vec<Finding> {
    let mut out = Vec::new();
    let id = &doc.ret.identity;
    let file = doc.file.as_str();
    let bad_id = |field: &str, value: &str, why: &str| {
        finding(
            "C102",
            file,
            None,
            None,
            Some(value.to_string()),
            format!("identity {field}: {why}"),
        )
    };
    if !(2..=10).contains(&id.yjs_code.len())
        || !id.yjs_code.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        out.push(bad_id(
            "yjs_code",
            &id.yjs_code,
            "must be 2-10 letters or digits",
        ));
    }
    if id.yjs_name.trim().is_empty() {
        out.push(bad_id("yjs_name", &id.yjs_name, "is empty"));
    }
    if !matches!(id.nation.as_str(), "ENGLAND" | "WALES") {
        out.push(bad_id("nation", &id.nation, "must be ENGLAND or WALES"));
    }
    if id.population_10_17 == 0 {
        out.push(bad_id("population_10_17", "0", "must be more than 0"));
    }
    if id.provisional {
        out.push(finding(
            "C105",
            file,
            None,
            None,
            None,
            format!(
                "this {} return is provisional: it was built before the quarter's records were \
                 complete (or marked provisional by the officer), so its figures will change \
                 and it is not fit to send; build it again from a full export with `build` \
                 (without --provisional)",
                id.period
            ),
        ));
    }
    if !is_hex64(&id.input_sha256) {
        out.push(bad_id(
            "input_sha256",
            &id.input_sha256,
            "must be 64 lower-case hexadecimal digits",
        ));
    }
    if crate::date::Timestamp::parse(&id.generated_at).is_none() {
        out.push(bad_id(
            "generated_at",
            &id.generated_at,
            "must be a UTC time like 2024-10-21T09:30:00Z",
        ));
    }
    if id.tool_version.trim().is_empty() {
        out.push(bad_id("tool_version", &id.tool_version, "is empty"));
    }
    let defs = match Definitions::load_shared(source, &id.definitions_version) {
        Ok(d) => d,
        Err(e) => {
            out.push(finding(
                "C103",
                file,
                None,
                None,
                Some(id.definitions_version.clone()),
                e.to_string(),
            ));
            return out;
        }
    };
    match Definitions::version_for(source, id.period) {
        Ok(in_force) if in_force != defs.version => out.push(finding(
            "C103",
            file,
            None,
            None,
            Some(id.definitions_version.clone()),
            format!(
                "a {} return is made under definitions {in_force}, not {}",
                id.period, defs.version
            ),
        )),
        Ok(_) => {}
        Err(e) => out.push(finding(
            "C103",
            file,
            None,
            None,
            Some(id.period.to_string()),
            e.to_string(),
        )),
    }

    let (required, partners) = expected_codes(&defs, &doc.ret);
    for code in &required {
        if doc.ret.measures.get(code).is_none() {
            out.push(finding(
                "C201",
                file,
                None,
                Some(code),
                None,
                format!(
                    "measure {code} is missing; every {} return holds it",
                    defs.version
                ),
            ));
        }
    }
    for (code, value) in doc.ret.measures.iter() {
        let optional_partner = code
            .strip_prefix("kpi7.")
            .and_then(|rest| rest.split_once('.'))
            .is_some_and(|(p, field)| {
                partners.iter().any(|q| q == p)
                    && matches!(field, "attended" | "senior" | "disproportionality_data")
            });
        if !required.contains(code) && !optional_partner {
            out.push(doc.at(
                code,
                "C202",
                Some(value.to_string()),
                format!(
                    "{code} is not a measure of the {} definitions",
                    defs.version
                ),
            ));
        }
        if value < 0 {
            out.push(doc.at(
                code,
                "C203",
                Some(value.to_string()),
                format!("{code} is {value}; counts are never negative"),
            ));
        }
    }
    for problem in kpi::invariants::check(&doc.ret.measures) {
        if doc.ret.measures.get(&problem.code).is_none() {
            continue; // reported as missing (C201) already
        }
        let value = doc.ret.measures.get(&problem.code).map(|v| v.to_string());
        out.push(doc.at(&problem.code, "C301", value, problem.message));
    }
    for (code, sheet, row, value, first) in &doc.conflicts {
        out.push(finding(
            "C401",
            &format!("{}:{sheet}", doc.file),
            Some(*row),
            Some(code),
            Some(value.to_string()),
            format!("{code} is {value} here but {first} where the workbook first shows it"),
        ));
    }
    for p in &doc.percentages {
        let (Some(n), Some(d)) = (
            doc.ret.measures.get(&p.numerator),
            doc.ret.measures.get(&p.denominator),
        ) else {
            continue;
        };
        let expected = (d != 0).then(|| n as f64 * 100.0 / d as f64);
        let agrees = match (expected, p.value) {
            (Some(e), Some(v)) => (e - v).abs() < 0.05,
            (None, None) => true,
            _ => false,
        };
        if !agrees {
            let shown = p.value.map_or("empty".to_string(), |v| format!("{v:.1}%"));
            let should = expected.map_or("empty (the denominator is 0)".to_string(), |e| {
                format!("{e:.1}%")
            });
            out.push(finding(
                "C302",
                &format!("{}:{}", doc.file, p.sheet),
                Some(p.row),
                Some(&p.numerator),
                Some(shown.clone()),
                format!(
                    "shows {shown} for {} / {} ({n} / {d}), which should be {should}",
                    p.numerator, p.denominator
                ),
            ));
        }
    }
    out
}

/// Compares a document with the other files of the same return (its manifest, and the other
/// renderings of the figures).
pub fn check_against(
    doc: &Document,
    others: &[Document],
    manifest: Option<&(String, Manifest)>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let id = &doc.ret.identity;
    // Identity fields that must agree: (field, here, there, where "there" is).
    let mut differ = |pairs: &[(&str, String, String)], there: &str| {
        for (field, a, b) in pairs {
            if a != b {
                out.push(finding(
                    "C104",
                    &doc.file,
                    None,
                    None,
                    Some(a.clone()),
                    format!("identity {field} is {a:?} here but {b:?} in {there}"),
                ));
            }
        }
    };
    for other in others {
        let oid = &other.ret.identity;
        differ(
            &[
                ("yjs_code", id.yjs_code.clone(), oid.yjs_code.clone()),
                ("yjs_name", id.yjs_name.clone(), oid.yjs_name.clone()),
                ("nation", id.nation.clone(), oid.nation.clone()),
                ("period", id.period.to_string(), oid.period.to_string()),
                (
                    "provisional",
                    id.provisional.to_string(),
                    oid.provisional.to_string(),
                ),
                (
                    "definitions_version",
                    id.definitions_version.clone(),
                    oid.definitions_version.clone(),
                ),
                (
                    "input_sha256",
                    id.input_sha256.clone(),
                    oid.input_sha256.clone(),
                ),
                (
                    "generated_at",
                    id.generated_at.clone(),
                    oid.generated_at.clone(),
                ),
            ],
            &other.file,
        );
    }
    if let Some((manifest_file, m)) = manifest {
        differ(
            &[
                ("yjs_code", id.yjs_code.clone(), m.identity.yjs_code.clone()),
                ("period", id.period.to_string(), m.period.clone()),
                (
                    "provisional",
                    id.provisional.to_string(),
                    m.provisional.to_string(),
                ),
                (
                    "definitions_version",
                    id.definitions_version.clone(),
                    m.definitions.version.clone(),
                ),
                (
                    "input_sha256",
                    id.input_sha256.clone(),
                    m.input.sha256.clone(),
                ),
                (
                    "generated_at",
                    id.generated_at.clone(),
                    m.generated_at.clone(),
                ),
            ],
            manifest_file,
        );
    }
    let mut figures_agree = true;
    for other in others {
        let codes: BTreeSet<&str> = doc
            .ret
            .measures
            .iter()
            .chain(other.ret.measures.iter())
            .map(|(c, _)| c)
            .collect();
        for code in codes {
            let (a, b) = (doc.ret.measures.get(code), other.ret.measures.get(code));
            if a != b {
                figures_agree = false;
                let show = |v: Option<i64>| v.map_or("absent".to_string(), |v| v.to_string());
                out.push(doc.at(
                    code,
                    "C401",
                    a.map(|v| v.to_string()),
                    format!(
                        "{code} is {} here but {} in {}",
                        show(a),
                        show(b),
                        other.file
                    ),
                ));
            }
        }
    }
    if let Some((manifest_file, m)) = manifest {
        let name = std::path::Path::new(&doc.file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(expected) = m.output(&name)
            && expected.sha256 != doc.sha256
            && figures_agree
        {
            out.push(finding(
                "C402",
                &doc.file,
                None,
                None,
                None,
                format!(
                    "this file is not the one {manifest_file} records (SHA-256 {}…, expected \
                     {}…), though its figures agree with the other files",
                    &doc.sha256[..12],
                    &expected.sha256[..12.min(expected.sha256.len())]
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::Measures;

    fn document() -> Document {
        let defs = Definitions::latest(&Source::Embedded).unwrap();
        let mut ret = crate::write::xml::tests::sample();
        ret.measures = kpi::compute(
            &Export::default(),
            ret.identity.period,
            &kpi::Codes::from_definitions(&defs),
        );
        Document {
            file: "r/return.json".into(),
            ret,
            places: Vec::new(),
            percentages: Vec::new(),
            conflicts: Vec::new(),
            sha256: "11".repeat(32),
        }
    }

    fn codes(findings: &[Finding]) -> Vec<(String, Option<String>)> {
        findings
            .iter()
            .map(|f| (f.code.clone(), f.column.clone()))
            .collect()
    }

    #[test]
    fn a_complete_return_passes() {
        assert_eq!(check_document(&document(), &Source::Embedded), vec![]);
    }

    #[test]
    fn missing_unknown_and_negative_measures() {
        let mut doc = document();
        let mut m = Measures::new();
        for (code, v) in doc.ret.measures.iter() {
            match code {
                "kpi10.victims" => {}
                "custody.sentences" => m.set(code, -1),
                _ => m.set(code, v),
            }
        }
        m.set("kpi11.made_up", 3);
        m.set("kpi7.pcc.attended", 0);
        doc.ret.measures = m;
        let found = codes(&check_document(&doc, &Source::Embedded));
        assert!(
            found.contains(&("C201".into(), Some("kpi10.victims".into()))),
            "{found:?}"
        );
        assert!(
            found.contains(&("C202".into(), Some("kpi11.made_up".into()))),
            "{found:?}"
        );
        assert!(
            found.contains(&("C203".into(), Some("custody.sentences".into()))),
            "{found:?}"
        );
        assert!(
            !found
                .iter()
                .any(|(_, c)| c.as_deref() == Some("kpi7.pcc.attended"))
        );
    }

    #[test]
    fn a_period_before_the_kpis_began_is_not_fit_to_send() {
        let mut doc = document();
        doc.ret.identity.period = "2019-20 Q2".parse().unwrap();
        let found = check_document(&doc, &Source::Embedded);
        let c103: Vec<&Finding> = found.iter().filter(|f| f.code == "C103").collect();
        assert_eq!(c103.len(), 1, "{found:?}");
        assert!(
            c103[0]
                .message
                .contains("the key performance indicators began in 2023-24 Q1"),
            "{}",
            c103[0].message
        );
        doc.ret.identity.period = "2023-24 Q1".parse().unwrap();
        assert!(
            !check_document(&doc, &Source::Embedded)
                .iter()
                .any(|f| f.code == "C103")
        );
    }

    #[test]
    fn identity_and_definitions_version() {
        let mut doc = document();
        doc.ret.identity.yjs_code = "N".into();
        doc.ret.identity.definitions_version = "2019-20".into();
        let found = codes(&check_document(&doc, &Source::Embedded));
        assert_eq!(found[0].0, "C102");
        assert!(found.iter().any(|(c, _)| c == "C103"), "{found:?}");
    }

    #[test]
    fn a_resaved_file_with_the_same_figures_is_a_warning_and_an_edited_one_an_error() {
        let doc = document();
        let manifest = Manifest {
            manifest_version: 1,
            tool: crate::write::manifest::Tool {
                name: "yjb-return".into(),
                version: "0.1.0".into(),
            },
            definitions: crate::write::manifest::DefinitionsRef {
                version: "2024-25".into(),
                sha256: "x".into(),
            },
            period: "2024-25 Q2".into(),
            provisional: false,
            generated_at: doc.ret.identity.generated_at.clone(),
            input: crate::write::manifest::Input {
                path: "input.xlsx".into(),
                sha256: doc.ret.identity.input_sha256.clone(),
                bytes: 1,
            },
            identity: crate::write::manifest::ServiceRef {
                yjs_code: "NSH01".into(),
                yjs_name: "x".into(),
                nation: "ENGLAND".into(),
            },
            acknowledged: vec![],
            outputs: vec![crate::write::manifest::Output {
                file: "return.json".into(),
                sha256: "22".repeat(32),
            }],
        };
        let m = ("r/manifest.json".to_string(), manifest);
        let mut twin = doc.clone();
        twin.file = "r/return.xml".into();
        let found = check_against(&doc, std::slice::from_ref(&twin), Some(&m));
        assert_eq!(codes(&found), [("C402".to_string(), None)]);
        assert_eq!(found[0].severity, Severity::Warning);

        let mut edited = doc.clone();
        let mut measures = Measures::new();
        for (c, v) in doc.ret.measures.iter() {
            measures.set(c, if c == "kpi9.offences" { 4 } else { v });
        }
        edited.ret.measures = measures;
        let found = check_against(&edited, &[twin], Some(&m));
        assert_eq!(
            codes(&found),
            [("C401".to_string(), Some("kpi9.offences".to_string()))]
        );
    }
}
