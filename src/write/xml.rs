//! `return.xml`, the submission file: identity attributes on the root, one element per KPI
//! section, each figure a `<Measure code="…">` holding a whole number.
//!
//! `parse_xml` reads it back and applies every constraint of `schemas/<version>/return.xsd`
//! itself (element order, required attributes and their patterns, each measure code within
//! its section, non-negative whole numbers), because a data officer's laptop has no XSD
//! validator; a test runs `xmllint --schema` over the same documents so the two cannot drift.

use std::borrow::Cow;
use std::collections::BTreeSet;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, XmlVersion};

use crate::measures::{Identity, Measures, Return};
use crate::names::ROOT;
use crate::period::Period;
use crate::text::cut;

/// The sections in document order: element name and the measure-code prefix it holds.
pub const SECTIONS: [(&str, &str); 15] = [
    ("Cohort", "cohort"),
    ("KPI1", "kpi1"),
    ("KPI2", "kpi2"),
    ("KPI3", "kpi3"),
    ("KPI4", "kpi4"),
    ("KPI5", "kpi5"),
    ("KPI6", "kpi6"),
    ("KPI7", "kpi7"),
    ("KPI8", "kpi8"),
    ("KPI9", "kpi9"),
    ("KPI10", "kpi10"),
    ("FirstTimeEntrants", "fte"),
    ("Custody", "custody"),
    ("Reoffending", "reoffending"),
    ("Caseload", "caseload"),
];

/// The root's attributes, in the order they are written.
const ATTRIBUTES: [&str; 10] = [
    "yjsCode",
    "yjsName",
    "nation",
    "population10to17",
    "period",
    "definitionsVersion",
    "toolVersion",
    "inputSha256",
    "generatedAt",
    // Optional in the XSD (xs:boolean, default false): returns written before provisional
    // returns existed lack it. Always written.
    "provisional",
];

fn section_of(code: &str) -> Option<&'static str> {
    let prefix = code.split('.').next()?;
    SECTIONS
        .iter()
        .find(|(_, p)| *p == prefix)
        .map(|(name, _)| *name)
}

/// Removes characters XML 1.0 forbids (quick-xml writes them as they are).
fn clean(text: &str) -> Cow<'_, str> {
    crate::text::xml_safe(text)
}

/// Writes the return as XML. Deterministic: the same return gives the same bytes.
pub fn return_xml(ret: &Return) -> Vec<u8> {
    let id = &ret.identity;
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let io = "writing to memory cannot fail";
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .expect(io);
    let population = id.population_10_17.to_string();
    let period = id.period.to_string();
    let values = [
        clean(&id.yjs_code),
        clean(&id.yjs_name),
        clean(&id.nation),
        Cow::Borrowed(population.as_str()),
        Cow::Borrowed(period.as_str()),
        clean(&id.definitions_version),
        clean(&id.tool_version),
        clean(&id.input_sha256),
        clean(&id.generated_at),
        Cow::Borrowed(if id.provisional { "true" } else { "false" }),
    ];
    let root = BytesStart::new(ROOT).with_attributes(
        ATTRIBUTES
            .iter()
            .zip(values.iter())
            .map(|(k, v)| (*k, v.as_ref())),
    );
    w.write_event(Event::Start(root)).expect(io);
    for (name, _) in SECTIONS {
        w.write_event(Event::Start(BytesStart::new(name)))
            .expect(io);
        for (code, value) in ret.measures.iter() {
            if section_of(code) != Some(name) {
                continue;
            }
            let text = value.to_string();
            w.write_event(Event::Start(
                BytesStart::new("Measure").with_attributes([("code", code)]),
            ))
            .expect(io);
            w.write_event(Event::Text(BytesText::new(&text))).expect(io);
            w.write_event(Event::End(BytesEnd::new("Measure")))
                .expect(io);
        }
        w.write_event(Event::End(BytesEnd::new(name))).expect(io);
    }
    w.write_event(Event::End(BytesEnd::new(ROOT))).expect(io);
    let mut out = w.into_inner();
    out.push(b'\n');
    out
}

/// Why an XML file is not a valid return; `position` is the byte offset where reading stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid return (schema return.xsd), line {line}: {message}")]
pub struct XmlError {
    pub line: usize,
    pub message: String,
}

struct Parser<'a> {
    bytes: &'a [u8],
    reader: Reader<&'a [u8]>,
}

impl<'a> Parser<'a> {
    fn line(&self) -> usize {
        let pos = (self.reader.buffer_position() as usize).min(self.bytes.len());
        1 + self.bytes[..pos].iter().filter(|b| **b == b'\n').count()
    }

    fn fail<T>(&self, message: impl Into<String>) -> Result<T, XmlError> {
        Err(XmlError {
            line: self.line(),
            message: message.into(),
        })
    }

    /// The next event that matters: declarations, comments and whitespace are skipped.
    fn next(&mut self) -> Result<Event<'a>, XmlError> {
        loop {
            let event = match self.reader.read_event() {
                Ok(e) => e,
                // The library's words can quote the file's names at any length.
                Err(e) => {
                    return self.fail(format!("the XML is malformed: {}", cut(&e.to_string())));
                }
            };
            match event {
                Event::Decl(d) => match d.encoding() {
                    None => continue,
                    Some(Ok(e)) if e.eq_ignore_ascii_case("UTF-8") => continue,
                    Some(Ok(e)) => {
                        return self.fail(format!(
                            "the XML declares the encoding {:?}; a return is written in UTF-8",
                            cut(&e)
                        ));
                    }
                    Some(Err(e)) => {
                        return self.fail(format!(
                            "the XML declaration is malformed: {}",
                            cut(&e.to_string())
                        ));
                    }
                },
                Event::Comment(_) | Event::PI(_) => continue,
                Event::Text(t) if t.xml10_content().trim().is_empty() => continue,
                Event::DocType(_) => return self.fail("a DOCTYPE is not allowed in a return"),
                other => return Ok(other),
            }
        }
    }
}

/// An element's name as a message shows it: [`cut`], as any text of the file.
fn name_of(e: &BytesStart) -> String {
    cut(e.name().as_ref()).into_owned()
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The XSD's `xs:nonNegativeInteger`: optional `+`, digits (whitespace around is collapsed).
fn non_negative(text: &str) -> Option<i64> {
    let t = text.trim();
    let digits = t.strip_prefix('+').unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A measure code's shape within its section: `prefix.` then lower-case words, digits, `_`
/// and dots (the XSD's pattern).
fn code_fits(code: &str, prefix: &str) -> bool {
    code.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|rest| {
            !rest.is_empty()
                && !rest.starts_with('.')
                && !rest.ends_with('.')
                && !rest.contains("..")
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.')
        })
}

fn identity(p: &Parser, root: &BytesStart) -> Result<Identity, XmlError> {
    let mut values: Vec<Option<String>> = vec![None; ATTRIBUTES.len()];
    for attr in root.attributes() {
        let attr = match attr {
            Ok(a) => a,
            Err(e) => {
                return p.fail(format!(
                    "a malformed attribute on {ROOT}: {}",
                    cut(&e.to_string())
                ));
            }
        };
        let key = attr.key.as_ref().to_string();
        let Some(i) = ATTRIBUTES.iter().position(|a| *a == key) else {
            return p.fail(format!(
                "{ROOT} has an attribute {:?} the schema does not allow",
                cut(&key)
            ));
        };
        let value = match attr.normalized_value(XmlVersion::Implicit1_0) {
            Ok(v) => v.into_owned(),
            Err(e) => return p.fail(format!("attribute {key}: {}", cut(&e.to_string()))),
        };
        values[i] = Some(value);
    }
    let get = |i: usize| -> Result<String, XmlError> {
        match &values[i] {
            Some(v) => Ok(v.clone()),
            None => p.fail(format!(
                "{ROOT} lacks the required attribute {}",
                ATTRIBUTES[i]
            )),
        }
    };
    let yjs_code = get(0)?;
    if !(2..=10).contains(&yjs_code.len()) || !yjs_code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return p.fail(format!(
            "yjsCode {:?} is not 2-10 letters or digits",
            cut(&yjs_code)
        ));
    }
    let yjs_name = get(1)?;
    if yjs_name.is_empty() {
        return p.fail("yjsName is empty");
    }
    let nation = get(2)?;
    if !matches!(nation.as_str(), "ENGLAND" | "WALES") {
        return p.fail(format!("nation {:?} is not ENGLAND or WALES", cut(&nation)));
    }
    let population = get(3)?;
    let population_10_17 = match non_negative(&population) {
        Some(n) if n > 0 => n as u64,
        _ => {
            return p.fail(format!(
                "population10to17 {:?} is not a positive whole number",
                cut(&population)
            ));
        }
    };
    let period_text = get(4)?;
    let period = match period_text.parse::<Period>() {
        Ok(pd) if pd.to_string() == period_text => pd,
        _ => {
            return p.fail(format!(
                "period {:?} is not written like 2024-25 Q2",
                cut(&period_text)
            ));
        }
    };
    let definitions_version = get(5)?;
    let ok_version = definitions_version.len() == 7
        && definitions_version.as_bytes()[4] == b'-'
        && definitions_version
            .bytes()
            .enumerate()
            .all(|(i, b)| i == 4 || b.is_ascii_digit());
    if !ok_version {
        return p.fail(format!(
            "definitionsVersion {:?} is not written like 2024-25",
            cut(&definitions_version)
        ));
    }
    let tool_version = get(6)?;
    if tool_version.is_empty() {
        return p.fail("toolVersion is empty");
    }
    let input_sha256 = get(7)?;
    if !is_hex64(&input_sha256) {
        return p.fail(format!(
            "inputSha256 {:?} is not 64 lower-case hex digits",
            cut(&input_sha256)
        ));
    }
    let generated_at = get(8)?;
    if crate::date::Timestamp::parse(&generated_at).is_none() {
        return p.fail(format!(
            "generatedAt {:?} is not a UTC time like 2024-10-21T09:30:00Z",
            cut(&generated_at)
        ));
    }
    // xs:boolean collapses white space around its value.
    let provisional = match values[9]
        .as_deref()
        .map(|v| v.trim_matches([' ', '\t', '\r', '\n']))
    {
        None | Some("false" | "0") => false,
        Some("true" | "1") => true,
        Some(other) => {
            return p.fail(format!("provisional {:?} is not true or false", cut(other)));
        }
    };
    Ok(Identity {
        yjs_code,
        yjs_name,
        nation,
        population_10_17,
        period,
        provisional,
        definitions_version,
        tool_version,
        input_sha256,
        generated_at,
    })
}

/// Reads a return's XML back, refusing anything the XSD would refuse.
pub fn parse_xml(bytes: &[u8]) -> Result<Return, XmlError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(XmlError {
            line: 1,
            message: "the file is in UTF-16; a return is written in UTF-8".into(),
        });
    }
    if std::str::from_utf8(bytes).is_err() {
        return Err(XmlError {
            line: 1,
            message: "the file is not UTF-8 text; a return is written in UTF-8".into(),
        });
    }
    let mut p = Parser {
        bytes,
        reader: Reader::from_reader(bytes),
    };
    let root = match p.next()? {
        Event::Start(e) if e.name().as_ref() == ROOT => e,
        Event::Start(e) | Event::Empty(e) => {
            return p.fail(format!("the root element is {}, not {ROOT}", name_of(&e)));
        }
        _ => return p.fail(format!("no {ROOT} element")),
    };
    let identity = identity(&p, &root)?;
    let mut measures = Measures::new();
    let mut seen = BTreeSet::new();
    for (section, prefix) in SECTIONS {
        match p.next()? {
            Event::Start(e) if e.name().as_ref() == section => {
                if e.attributes().next().is_some() {
                    return p.fail(format!("{section} takes no attributes"));
                }
            }
            Event::Empty(e) if e.name().as_ref() == section => continue,
            Event::Start(e) | Event::Empty(e) => {
                return p.fail(format!("expected {section}, found {}", name_of(&e)));
            }
            _ => return p.fail(format!("expected the {section} element")),
        }
        loop {
            match p.next()? {
                Event::End(e) if e.name().as_ref() == section => break,
                Event::Start(e) if e.name().as_ref() == "Measure" => {
                    let mut code = None;
                    for attr in e.attributes() {
                        let attr = match attr {
                            Ok(a) => a,
                            Err(err) => {
                                return p.fail(format!(
                                    "a malformed attribute: {}",
                                    cut(&err.to_string())
                                ));
                            }
                        };
                        if attr.key.as_ref() != "code" {
                            return p.fail(format!(
                                "Measure has an attribute {:?} the schema does not allow",
                                cut(attr.key.as_ref())
                            ));
                        }
                        code = attr
                            .normalized_value(XmlVersion::Implicit1_0)
                            .ok()
                            .map(Cow::into_owned);
                    }
                    let Some(code) = code else {
                        return p.fail("a Measure without its code attribute");
                    };
                    if !code_fits(&code, prefix) {
                        return p.fail(format!(
                            "measure code {:?} does not belong in {section} (codes there start {prefix}.)",
                            cut(&code)
                        ));
                    }
                    let value = match p.next()? {
                        Event::Text(t) => match non_negative(&t.xml10_content()) {
                            Some(v) => v,
                            None => {
                                return p.fail(format!(
                                    "measure {code} holds {:?}, not a whole number of 0 or more",
                                    cut(t.xml10_content().trim())
                                ));
                            }
                        },
                        _ => return p.fail(format!("measure {code} holds no number")),
                    };
                    match p.next()? {
                        Event::End(e) if e.name().as_ref() == "Measure" => {}
                        _ => return p.fail(format!("measure {code} holds more than a number")),
                    }
                    if !seen.insert(code.clone()) {
                        return p.fail(format!("measure {code} appears twice"));
                    }
                    measures.set(code, value);
                }
                Event::Start(e) | Event::Empty(e) => {
                    return p.fail(format!(
                        "{section} may hold only Measure elements, not {}",
                        name_of(&e)
                    ));
                }
                Event::Text(_) => return p.fail(format!("text directly inside {section}")),
                _ => return p.fail(format!("{section} is not closed")),
            }
        }
    }
    match p.next()? {
        Event::End(e) if e.name().as_ref() == ROOT => {}
        Event::Start(e) | Event::Empty(e) => {
            return p.fail(format!(
                "unexpected element {} after the sections",
                name_of(&e)
            ));
        }
        _ => return p.fail(format!("{ROOT} is not closed")),
    }
    match p.next()? {
        Event::Eof => {}
        _ => return p.fail(format!("content after the end of {ROOT}")),
    }
    Ok(Return { identity, measures })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample() -> Return {
        let mut measures = Measures::new();
        measures.set("cohort.all.children", 12);
        measures.set("kpi1.all.suitable", 10);
        measures.set("kpi10.victims", 3);
        measures.set("kpi7.meetings", 2);
        measures.set("fte.children", 4);
        measures.set("custody.sentences", 0);
        measures.set("reoffending.cohort", 7);
        Return {
            identity: Identity {
                yjs_code: "NSH01".into(),
                yjs_name: "North & South <\"Shire\"> 'YJS'".into(),
                nation: "ENGLAND".into(),
                population_10_17: 48210,
                period: "2024-25 Q2".parse().unwrap(),
                provisional: false,
                definitions_version: "2024-25".into(),
                tool_version: "0.1.0".into(),
                input_sha256: "ab".repeat(32),
                generated_at: "2024-10-21T09:30:00Z".into(),
            },
            measures,
        }
    }

    #[test]
    fn round_trips_with_escaping() {
        let ret = sample();
        let xml = return_xml(&ret);
        let text = String::from_utf8(xml.clone()).unwrap();
        assert!(
            text.contains(
                "yjsName=\"North &amp; South &lt;&quot;Shire&quot;&gt; &apos;YJS&apos;\""
            ),
            "{text}"
        );
        assert!(
            text.contains("<Measure code=\"kpi10.victims\">3</Measure>"),
            "{text}"
        );
        assert!(text.ends_with("</YouthJusticeReturn>\n"));
        assert_eq!(parse_xml(&xml).unwrap(), ret);
        assert_eq!(return_xml(&ret), xml, "deterministic");
    }

    #[test]
    fn refuses_what_the_schema_refuses() {
        let xml = String::from_utf8(return_xml(&sample())).unwrap();
        let cases = [
            (xml.replace(">3<", ">-3<"), "not a whole number"),
            (xml.replace(">3<", ">3.5<"), "not a whole number"),
            (xml.replace("code=\"kpi10.victims\"", "code=\"kpi1.victims\""), "does not belong"),
            (
                xml.replace(
                    "<Measure code=\"fte.children\">4</Measure>",
                    "<Measure code=\"fte.children\">4</Measure><Measure code=\"fte.children\">4</Measure>",
                ),
                "appears twice",
            ),
            (xml.replace("code=\"fte.children\"", "code=\"kpi9.children\""), "does not belong"),
            (xml.replace(" nation=\"ENGLAND\"", ""), "lacks the required attribute nation"),
            (xml.replace("2024-25 Q2", "2024-25 Q5"), "period"),
            (xml.replace("<Custody>", "<Custody><Extra/>"), "only Measure"),
            (xml.replace("</YouthJusticeReturn>", ""), "not closed"),
            (xml.replace("<KPI3>", "<KPI3 x=\"1\">"), "no attributes"),
            ("not xml at all".to_string(), "no YouthJusticeReturn"),
            (xml.replace("encoding=\"UTF-8\"", "encoding=\"bogus\""), "encoding \"bogus\""),
            (xml.replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\""), "encoding \"UTF-16\""),
            (xml.replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\""), "a return is written in UTF-8"),
        ];
        for (doc, expected) in cases {
            let err = parse_xml(doc.as_bytes()).unwrap_err();
            assert!(err.to_string().contains(expected), "{expected}: {err}");
        }
    }

    #[test]
    fn only_utf8_is_a_return() {
        let xml = return_xml(&sample());
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in String::from_utf8(xml.clone()).unwrap().encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert!(
            parse_xml(&utf16)
                .unwrap_err()
                .to_string()
                .contains("UTF-16")
        );
        let mut latin1 = xml.clone();
        latin1.extend_from_slice(b"<!-- \xE9 -->");
        assert!(
            parse_xml(&latin1)
                .unwrap_err()
                .to_string()
                .contains("not UTF-8")
        );
        let lower = String::from_utf8(xml).unwrap().replace("UTF-8", "utf-8");
        assert!(parse_xml(lower.as_bytes()).is_ok());
    }

    #[test]
    fn control_characters_never_reach_the_file() {
        let mut ret = sample();
        ret.identity.yjs_name = "North\u{B}shire".into();
        let xml = return_xml(&ret);
        assert_eq!(parse_xml(&xml).unwrap().identity.yjs_name, "Northshire");
    }
}
