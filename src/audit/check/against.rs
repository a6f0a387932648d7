//! A document against the other files of its return and its manifest: the identity and every
//! figure compared across files (C104, C401), and whether each file is the one built (C402,
//! C403).
//!
//! Invariant: a file whose bytes the manifest records is trusted over one whose bytes it does
//! not, so the edited file is blamed and not the honest ones beside it; two recorded files that
//! disagree are both reported.

use std::collections::BTreeSet;

use super::document::Document;
use super::rules::finding;
use crate::names::{RETURN_JSON, RETURN_XLSX, RETURN_XML};
use crate::text::cut;
use crate::validate::Finding;
use crate::write::manifest::Manifest;

/// The start of a hash, as shown in a message (by characters: a tampered manifest can hold
/// any text where a hash belongs).
fn short(hash: &str) -> String {
    hash.chars().take(12).collect()
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
    use super::super::testkit::{codes, document};
    use super::*;
    use crate::definitions::Severity;
    use crate::measures::Measures;

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
}
