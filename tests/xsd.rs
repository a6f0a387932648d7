//! `schemas/2024-25/return.xsd` against real XML: `xmllint --schema` accepts what `build`
//! writes and refuses broken variants, and `xml::parse_xml` (which `check` uses where no XSD
//! validator exists) agrees with it on every one.
//!
//! CI installs xmllint (and sets `CI`), where a missing xmllint fails the test; elsewhere,
//! without it, the test passes but says loudly that it skipped the comparison.

use crate::common;

use std::path::Path;
use std::process::Command;

use yjb_return::definitions::{Definitions, Source};
use yjb_return::export::records::Export;
use yjb_return::kpi;
use yjb_return::measures::{Identity, Return};

fn xmllint_ok(xsd: &Path, xml: &Path) -> Option<bool> {
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xsd)
        .arg(xml)
        .output()
        .ok()?;
    Some(out.status.success())
}

fn full_return() -> Return {
    let defs = Definitions::latest(&Source::Embedded).unwrap();
    let period = "2024-25 Q2".parse().unwrap();
    let measures = kpi::compute(
        &Export::default(),
        period,
        &kpi::Codes::from_definitions(&defs),
    );
    Return {
        identity: Identity {
            yjs_code: "NSH01".into(),
            yjs_name: "Northshire & District".into(),
            nation: "ENGLAND".into(),
            population_10_17: 48210,
            period,
            provisional: true,
            definitions_version: "2024-25".into(),
            tool_version: "0.1.0".into(),
            input_sha256: "0f".repeat(32),
            generated_at: "2024-10-21T09:30:00Z".into(),
        },
        measures,
    }
}

#[test]
fn xmllint_and_the_built_in_checker_agree() {
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/2024-25/return.xsd");
    if !common::xmllint_available("xmllint_and_the_built_in_checker_agree") {
        return;
    }
    let valid = String::from_utf8(yjb_return::write::xml::return_xml(&full_return())).unwrap();
    let one = "<Measure code=\"kpi10.victims\">0</Measure>";
    assert!(valid.contains(one));
    let cases: Vec<(&str, String, bool)> = vec![
        ("as built", valid.clone(), true),
        (
            "negative",
            valid.replace(one, "<Measure code=\"kpi10.victims\">-1</Measure>"),
            false,
        ),
        (
            "fraction",
            valid.replace(one, "<Measure code=\"kpi10.victims\">1.5</Measure>"),
            false,
        ),
        (
            "wrong section",
            valid.replace(one, "<Measure code=\"kpi1.victims\">0</Measure>"),
            false,
        ),
        (
            "duplicate",
            valid.replace(one, &format!("{one}{one}")),
            false,
        ),
        ("no nation", valid.replace(" nation=\"ENGLAND\"", ""), false),
        (
            "bad nation",
            valid.replace("nation=\"ENGLAND\"", "nation=\"SCOTLAND\""),
            false,
        ),
        ("bad hash", valid.replace(&"0f".repeat(32), "xyz"), false),
        ("bad period", valid.replace("2024-25 Q2", "Q2 2024"), false),
        (
            "bad time",
            valid.replace("2024-10-21T09:30:00Z", "yesterday"),
            false,
        ),
        (
            "section missing",
            valid.replace("<Custody>", "").replace("</Custody>", ""),
            false,
        ),
        (
            "unknown element",
            valid.replace("<Custody>", "<Custody><Note>hi</Note>"),
            false,
        ),
        (
            "unknown attribute",
            valid.replace("<YouthJusticeReturn ", "<YouthJusticeReturn x=\"1\" "),
            false,
        ),
        ("truncated", valid[..valid.len() / 2].to_string(), false),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, doc, expected) in cases {
        let path = dir.path().join("return.xml");
        std::fs::write(&path, &doc).unwrap();
        let lint = xmllint_ok(&xsd, &path).unwrap();
        let ours = yjb_return::write::xml::parse_xml(doc.as_bytes());
        assert_eq!(lint, expected, "xmllint on {name}");
        assert_eq!(ours.is_ok(), expected, "parse_xml on {name}: {ours:?}");
    }
}
