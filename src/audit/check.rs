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
use crate::names::{RETURN_JSON, RETURN_XLSX, RETURN_XML};
use crate::text::{cut, cut_owned};
use crate::validate::Finding;
use crate::write::manifest::Manifest;
use crate::write::workbook::{Conflict, Place, Shown};

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
        "C106",
        Severity::Error,
        "the return cannot cover its period: the period had not ended when it was generated (had not begun, for a provisional return), or has not ended yet",
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
        "a percentage, rate or ratio shown in the workbook does not match its counts",
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
    (
        "C403",
        Severity::Error,
        "no file of the return is byte-for-byte what the manifest records, so nothing shows the figures are the ones built",
    ),
    (
        "C404",
        Severity::Error,
        "the manifest beside the return cannot be read as the one build wrote (not JSON, a key twice, a field missing or added), so nothing shows the figures are the ones built",
    ),
    (
        "C405",
        Severity::Error,
        "a file the manifest records is missing from the return's folder",
    ),
    (
        "C406",
        Severity::Error,
        "the return's folder holds no manifest.json, so nothing shows the figures are the ones built",
    ),
    (
        "C407",
        Severity::Warning,
        "a return file checked with no manifest.json beside it: its figures are checked for consistency, not shown to be the ones built",
    ),
];

/// A return read from one file.
#[derive(Debug, Clone)]
pub struct Document {
    /// The file's name as the user gave it.
    pub file: String,
    pub ret: Return,
    /// The cell of each measure, for workbook findings (its first showing).
    pub places: Vec<(String, Place)>,
    pub shown: Vec<Shown>,
    /// Figures shown twice in a workbook with different values.
    pub conflicts: Vec<Conflict>,
    pub sha256: String,
}

/// Makes a finding in the shape `validate` uses. The value and the column (a measure code,
/// which a return file can fill with any text) are [`cut`] to a length a person reads.
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
        column: column.map(|c| cut(c).into_owned()),
        value: value.map(cut_owned),
        message,
        location,
        header: None,
        related: Vec::new(),
        child_id: None,
        record: Vec::new(),
        acknowledged: None,
        sheet_name: None,
        col_index: None,
    }
}

/// A finding about one cell of a return workbook, located as Excel names the cell
/// (`return.xlsx:Cohort!B5`).
pub fn finding_in(
    code: &str,
    file: &str,
    place: &Place,
    column: Option<&str>,
    value: Option<String>,
    message: String,
) -> Finding {
    let sheet = format!("{file}:{}", cut(&place.sheet));
    let mut f = finding(code, &sheet, Some(place.row), column, value, message);
    f.location = Some(format!("{file}:{}", place.reference()));
    f.sheet_name = Some(place.sheet.clone());
    f.col_index = Some(place.col);
    f
}

/// A finding about a figure of `file`: at its cell when it has one (a workbook), else about
/// the file.
pub fn finding_at(
    code: &str,
    file: &str,
    place: Option<&Place>,
    column: Option<&str>,
    value: Option<String>,
    message: String,
) -> Finding {
    match place {
        Some(place) => finding_in(code, file, place, column, value, message),
        None => finding(code, file, None, column, value, message),
    }
}

impl Document {
    /// A document read from a file that shows each figure once and nothing derived (XML,
    /// JSON); its hash is filled in by whoever read the bytes.
    pub fn of(file: &str, ret: Return) -> Document {
        Document {
            file: file.to_string(),
            ret,
            places: Vec::new(),
            shown: Vec::new(),
            conflicts: Vec::new(),
            sha256: String::new(),
        }
    }

    /// The cell a measure is (first) shown in, in a workbook.
    pub fn place(&self, code: &str) -> Option<&Place> {
        self.places.iter().find(|(c, _)| c == code).map(|(_, p)| p)
    }

    fn at(&self, code: &str, rule: &str, value: Option<String>, message: String) -> Finding {
        finding_at(
            rule,
            &self.file,
            self.place(code),
            Some(code),
            value,
            message,
        )
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

/// The start of a hash, as shown in a message (by characters: a tampered manifest can hold
/// any text where a hash belongs).
fn short(hash: &str) -> String {
    hash.chars().take(12).collect()
}

/// Every check that needs only the document itself.
/// `today` is the day of the check: a return cannot be for a period that has not ended by then
/// (C106).
pub fn check_document(doc: &Document, source: &Source, today: crate::date::Date) -> Vec<Finding> {
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
    if let Some(f) = period_against_time(doc, today) {
        out.push(f);
    }
    if !crate::audit::record::is_hex64(&id.input_sha256) {
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
                    "{} is not a measure of the {} definitions",
                    cut(code),
                    defs.version
                ),
            ));
        }
        if value < 0 {
            out.push(doc.at(
                code,
                "C203",
                Some(value.to_string()),
                format!("{} is {value}; counts are never negative", cut(code)),
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
    for c in &doc.conflicts {
        out.push(finding_in(
            "C401",
            &doc.file,
            &c.place,
            Some(&c.code),
            Some(c.value.to_string()),
            format!(
                "{} is {} here but {} in {}, where the workbook first shows it",
                cut(&c.code),
                c.value,
                c.first_value,
                c.first.reference()
            ),
        ));
    }
    for p in &doc.shown {
        if let Some(f) = shown_mismatch(doc, p) {
            out.push(f);
        }
    }
    out
}

/// C106: a return whose period it cannot cover, as `build` would have refused it. `build`
/// needs an export taken on or after the period's last day (E451), or for a provisional return
/// on or after its first (E450), and an extract date no later than the day after the build
/// (E453, which allows for an export taken just after midnight in the UK); so a return
/// generated, or checked, more than a day before that day was not made from such an export.
/// `None` when the generation time is unreadable (C102 says so).
pub fn period_against_time(doc: &Document, today: crate::date::Date) -> Option<Finding> {
    let id = &doc.ret.identity;
    let generated = crate::date::Timestamp::parse(&id.generated_at)?.date;
    let message = cannot_cover(id.period, id.provisional, generated, today)?;
    Some(finding(
        "C106",
        &doc.file,
        None,
        None,
        Some(id.period.to_string()),
        message,
    ))
}

/// Why a return of `period` generated on `generated` cannot cover it (C106), if it cannot.
pub fn cannot_cover(
    period: crate::period::Period,
    provisional: bool,
    generated: crate::date::Date,
    today: crate::date::Date,
) -> Option<String> {
    let (needed, what) = if provisional {
        (period.start(), "began")
    } else {
        (period.end(), "ended")
    };
    if needed > today.add_days(1) {
        let when = if provisional {
            format!("begins on {}", period.start().long())
        } else {
            format!("ends on {}", period.end().long())
        };
        Some(format!(
            "{period} {when}, after today ({}): no export can hold its figures yet, so this \
             return is not fit to send; check its period",
            today.long()
        ))
    } else if needed > generated.add_days(1) {
        Some(format!(
            "this {period} return was generated on {}, before the period {what} on {}: the \
             export it was built from cannot hold the quarter's figures, so it is not fit to \
             send; build it again from an export taken after the quarter closed",
            generated.long(),
            needed.long()
        ))
    } else {
        None
    }
}

/// C302 for a percentage, rate or ratio the workbook shows that its counts do not give.
/// Agreement is to half the last decimal shown, since that is all a reader sees.
fn shown_mismatch(doc: &Document, p: &Shown) -> Option<Finding> {
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

/// What the manifest records of a document's file: the output of its name, or, for a copy
/// under another name (`NSH01-Q2.xml` beside the return), the build's file of its kind.
fn recorded<'m>(doc: &Document, m: &'m Manifest) -> Option<&'m crate::write::manifest::Output> {
    let path = std::path::Path::new(&doc.file);
    let name = path.file_name()?.to_string_lossy();
    m.output(&name).or_else(|| {
        let ext = path.extension()?.to_string_lossy().to_lowercase();
        let built = [RETURN_XML, RETURN_XLSX, RETURN_JSON]
            .into_iter()
            .find(|b| b.ends_with(&format!(".{ext}")))?;
        m.output(built)
    })
}

/// Whether a document is byte-for-byte the file the manifest records: `None` when there is
/// no manifest or it records no file of the document's kind.
pub fn as_built(doc: &Document, manifest: Option<&(String, Manifest)>) -> Option<bool> {
    let (_, m) = manifest?;
    Some(recorded(doc, m)?.sha256 == doc.sha256)
}

/// Compares a document with the other files of the same return (its manifest, and the other
/// renderings of the figures). The files are always compared with each other: a file whose
/// bytes the manifest records is trusted over one whose bytes it does not (the edited file is
/// blamed, not the honest ones beside it), but two files the manifest both records that
/// disagree mean the manifest was edited too, and both are reported.
pub fn check_against(
    doc: &Document,
    others: &[Document],
    manifest: Option<&(String, Manifest)>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let built = as_built(doc, manifest);
    // Whether a disagreement with `other` is this document's to report.
    let blamed =
        |other: &Document| !(built == Some(true) && as_built(other, manifest) == Some(false));
    let both_built = |other: &Document| {
        if built == Some(true) && as_built(other, manifest) == Some(true) {
            let file = manifest.map_or("the manifest", |(f, _)| f.as_str());
            format!(", though {file} records both files as built (was it edited too?)")
        } else {
            String::new()
        }
    };
    let mut identity_differs = |field: &str, here: &str, there: &str, place: &str, also: &str| {
        if here != there {
            out.push(finding(
                "C104",
                &doc.file,
                None,
                None,
                Some(here.to_string()),
                format!(
                    "identity {field} is {:?} here but {:?} in {place}{also}",
                    cut(here),
                    cut(there)
                ),
            ));
        }
    };
    let fields = crate::audit::diff::identity_fields(&doc.ret.identity);
    for other in others.iter().filter(|o| blamed(o)) {
        let also = both_built(other);
        for ((field, here), (_, there)) in fields
            .iter()
            .zip(crate::audit::diff::identity_fields(&other.ret.identity))
        {
            identity_differs(field, here, &there, &other.file, &also);
        }
    }
    if let Some((manifest_file, m)) = manifest {
        let recorded = [
            ("tool_version", m.tool.version.clone()),
            ("yjs_code", m.identity.yjs_code.clone()),
            ("yjs_name", m.identity.yjs_name.clone()),
            ("nation", m.identity.nation.clone()),
            ("period", m.period.clone()),
            ("provisional", m.provisional.to_string()),
            ("definitions_version", m.definitions.version.clone()),
            ("input_sha256", m.input.sha256.clone()),
            ("generated_at", m.generated_at.clone()),
        ];
        for (field, there) in &recorded {
            if let Some((_, here)) = fields.iter().find(|(f, _)| f == field) {
                identity_differs(field, here, there, manifest_file, "");
            }
        }
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
        let also = both_built(other);
        for code in codes {
            let (a, b) = (doc.ret.measures.get(code), other.ret.measures.get(code));
            if a == b {
                continue;
            }
            figures_agree = false;
            if !blamed(other) {
                continue;
            }
            let show = |v: Option<i64>| v.map_or("absent".to_string(), |v| v.to_string());
            out.push(doc.at(
                code,
                "C401",
                a.map(|v| v.to_string()),
                format!(
                    "{} is {} here but {} in {}{also}",
                    cut(code),
                    show(a),
                    show(b),
                    other.file
                ),
            ));
        }
    }
    if let (Some(false), Some((manifest_file, m))) = (built, manifest) {
        let expected = recorded(doc, m).map_or(String::new(), |o| short(&o.sha256));
        let any_built = others.iter().any(|o| as_built(o, manifest) == Some(true));
        let verdict = if !any_built {
            Some((
                "C403",
                "and no file of the return is: nothing shows that these figures are the ones \
                 built (edited in every file, or only one file left?)",
            ))
        } else if figures_agree {
            Some(("C402", "though its figures agree with the other files"))
        } else {
            None
        };
        if let Some((code, why)) = verdict {
            out.push(finding(
                code,
                &doc.file,
                None,
                None,
                None,
                format!(
                    "this file is not the one {manifest_file} records (SHA-256 {}..., expected \
                     {expected}...), {why}",
                    short(&doc.sha256)
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The day the tests check on: after every period they use.
    fn today() -> crate::date::Date {
        crate::date::Date::new(2026, 12, 6).unwrap()
    }
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
            shown: Vec::new(),
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
        assert_eq!(
            check_document(&document(), &Source::Embedded, today()),
            vec![]
        );
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
        let found = codes(&check_document(&doc, &Source::Embedded, today()));
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
        let found = check_document(&doc, &Source::Embedded, today());
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
            !check_document(&doc, &Source::Embedded, today())
                .iter()
                .any(|f| f.code == "C103")
        );
    }

    /// A return of `period`, provisional or not, generated on `generated`.
    fn generated(period: &str, provisional: bool, generated: &str) -> Document {
        let mut doc = document();
        doc.ret.identity.period = period.parse().unwrap();
        doc.ret.identity.provisional = provisional;
        doc.ret.identity.generated_at = format!("{generated}T23:59:59Z");
        doc
    }

    fn day(text: &str) -> crate::date::Date {
        crate::date::Date::parse_text(text).unwrap()
    }

    #[test]
    fn a_return_generated_before_its_period_ended_cannot_cover_it() {
        let today = day("2026-12-06");
        let c106 = |doc: &Document, today| period_against_time(doc, today).map(|f| f.message);
        // 2024-25 Q2 ends on 30 September 2024. build takes an extract date up to the day
        // after the build, so a return generated on 29 September may hold an export of the
        // 30th; one generated on the 28th cannot.
        assert_eq!(
            c106(&generated("2024-25 Q2", false, "2024-09-29"), today),
            None
        );
        assert_eq!(
            c106(&generated("2024-25 Q2", false, "2024-09-28"), today).as_deref(),
            Some(
                "this 2024-25 Q2 return was generated on 28 September 2024, before the period \
                 ended on 30 September 2024: the export it was built from cannot hold the \
                 quarter's figures, so it is not fit to send; build it again from an export \
                 taken after the quarter closed"
            )
        );
        let f = period_against_time(&generated("2024-25 Q2", false, "2024-09-28"), today).unwrap();
        assert_eq!((f.code.as_str(), f.severity), ("C106", Severity::Error));
        // A provisional return needs only the period to have begun (2024-25 Q4: 1 January 2025).
        assert_eq!(
            c106(&generated("2024-25 Q4", true, "2024-12-31"), today),
            None
        );
        assert!(
            c106(&generated("2024-25 Q4", true, "2024-12-30"), today)
                .unwrap()
                .contains("before the period began on 1 January 2025")
        );
        // A period that has not ended by the day after today, whatever the generation time
        // says: 2026-27 Q3 ends on 31 December 2026.
        let ahead = generated("2026-27 Q3", false, "2027-01-05");
        assert_eq!(c106(&ahead, day("2026-12-30")), None);
        assert_eq!(
            c106(&ahead, day("2026-12-29")).as_deref(),
            Some(
                "2026-27 Q3 ends on 31 December 2026, after today (29 December 2026): no export \
                 can hold its figures yet, so this return is not fit to send; check its period"
            )
        );
        let years_ahead = generated("2030-31 Q1", false, "2024-10-21");
        assert!(
            c106(&years_ahead, today)
                .unwrap()
                .starts_with("2030-31 Q1 ends on 30 June 2030, after today")
        );
        // An unreadable generation time is C102's to report.
        let mut unreadable = generated("2030-31 Q1", false, "2024-10-21");
        unreadable.ret.identity.generated_at = "yesterday".into();
        assert_eq!(c106(&unreadable, today), None);
    }

    #[test]
    fn identity_and_definitions_version() {
        let mut doc = document();
        doc.ret.identity.yjs_code = "N".into();
        doc.ret.identity.definitions_version = "2019-20".into();
        let found = codes(&check_document(&doc, &Source::Embedded, today()));
        assert_eq!(found[0].0, "C102");
        assert!(found.iter().any(|(c, _)| c == "C103"), "{found:?}");
    }

    /// A manifest recording `docs` as built.
    fn manifest_recording(docs: &[&Document]) -> (String, Manifest) {
        let mut m = crate::write::manifest::tests::manifest_of(&docs[0].ret);
        m.outputs = docs
            .iter()
            .map(|d| crate::write::manifest::Output {
                file: d.file.rsplit('/').next().unwrap().to_string(),
                sha256: d.sha256.clone(),
            })
            .collect();
        ("r/manifest.json".to_string(), m)
    }

    fn with_figure(doc: &Document, code: &str, value: i64) -> Document {
        let mut edited = doc.clone();
        let mut measures = Measures::new();
        for (c, v) in doc.ret.measures.iter() {
            measures.set(c, if c == code { value } else { v });
        }
        edited.ret.measures = measures;
        edited
    }

    fn twin(doc: &Document, file: &str, sha: &str) -> Document {
        let mut twin = doc.clone();
        twin.file = file.into();
        twin.sha256 = sha.repeat(32);
        twin
    }

    #[test]
    fn a_resaved_file_with_the_same_figures_is_a_warning_and_an_edited_one_an_error() {
        let json = document();
        let xml = twin(&json, "r/return.xml", "33");
        let m = manifest_recording(&[&twin(&json, "r/return.json", "22"), &xml]);
        let found = check_against(&json, std::slice::from_ref(&xml), Some(&m));
        assert_eq!(codes(&found), [("C402".to_string(), None)]);
        assert_eq!(found[0].severity, Severity::Warning);

        let edited = with_figure(&json, "kpi9.offences", 4);
        let found = check_against(&edited, std::slice::from_ref(&xml), Some(&m));
        assert_eq!(
            codes(&found),
            [("C401".to_string(), Some("kpi9.offences".to_string()))]
        );
        // The honest file beside it is not blamed.
        assert_eq!(check_against(&xml, &[edited], Some(&m)), vec![]);
    }

    #[test]
    fn a_figure_edited_with_its_hash_in_the_manifest_is_still_caught() {
        let json = document();
        let xml = twin(&json, "r/return.xml", "33");
        let edited = twin(
            &with_figure(&json, "kpi9.offences", 4),
            "r/return.xml",
            "44",
        );
        // The manifest was edited to record the edited XML's hash.
        let m = manifest_recording(&[&json, &edited]);
        let found = check_against(&edited, std::slice::from_ref(&json), Some(&m));
        assert_eq!(
            codes(&found),
            [("C401".to_string(), Some("kpi9.offences".to_string()))]
        );
        assert!(found[0].message.contains("was it edited too?"), "{found:?}");
        let found = check_against(&json, std::slice::from_ref(&edited), Some(&m));
        assert_eq!(codes(&found).len(), 1, "both are reported: {found:?}");
        let _ = xml;
    }

    #[test]
    fn no_file_as_the_manifest_records_is_an_error() {
        let json = document();
        let m = manifest_recording(&[&twin(&json, "r/return.json", "22")]);
        // A lone file, or every file edited consistently: the figures agree, nothing is as built.
        let xml = twin(&json, "r/return.xml", "33");
        for others in [&[][..], std::slice::from_ref(&xml)] {
            let found = check_against(&json, others, Some(&m));
            assert_eq!(codes(&found), [("C403".to_string(), None)], "{found:?}");
            assert_eq!(found[0].severity, Severity::Error);
        }
    }

    #[test]
    fn a_copy_under_another_name_is_held_to_the_builds_file_of_its_kind() {
        let json = document();
        let m = manifest_recording(&[&json]);
        let copy = twin(&json, "sent/NSH01-Q2.json", "11");
        assert_eq!(as_built(&copy, Some(&m)), Some(true));
        // Edited under another name, it is still not the file built.
        let edited = twin(
            &with_figure(&json, "kpi9.offences", 4),
            "sent/NSH01-Q2.json",
            "44",
        );
        assert_eq!(as_built(&edited, Some(&m)), Some(false));
        assert_eq!(
            codes(&check_against(&edited, &[], Some(&m))),
            [("C403".to_string(), None)]
        );
        // A kind the manifest does not record is not judged by it.
        assert_eq!(
            as_built(&twin(&json, "sent/NSH01-Q2.xml", "11"), Some(&m)),
            None
        );
    }

    #[test]
    fn the_population_is_compared_across_files() {
        let json = document();
        let mut xlsx = twin(&json, "r/return.xlsx", "55");
        xlsx.ret.identity.population_10_17 = 1;
        let found = check_against(&xlsx, std::slice::from_ref(&json), None);
        assert_eq!(codes(&found), [("C104".to_string(), None)]);
        assert!(found[0].message.contains("population_10_17"), "{found:?}");
    }

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
