//! `scorecard.html`: the board's pages as one self-contained file. Inline CSS and SVG written
//! here, no script, no font or address of any kind, so it opens in any browser on a locked-down
//! laptop and prints on A4 landscape. The pages are laid out here ([`layout`]), not left to the
//! browser, so each stands alone when it comes loose: every one carries the service, "Scorecard
//! to ...", the date in words, "page N of M" and any classification or publication mark.
//! Page 1 is the summary ([`page1`]), then a page per exception ([`exceptions`]), then every
//! quarter of the window, the guidance and the returns used ([`reference`]).

mod exceptions;
pub mod layout;
mod page1;
pub mod parts;
mod reference;
pub mod svg;

use std::fmt::Write as _;

use layout::{LINE, PAGE_HEIGHT, PAGE_WIDTH, SLACK, Section};

use super::paper::Furniture;
use super::{Card, Scorecard};
use svg::esc;

const CSS: &str = r#"
@page { size: A4 landscape; margin: 7mm 10mm; }
* { box-sizing: border-box; line-height: 1.2; }
body { font-family: Arial, "Liberation Sans", Helvetica, sans-serif; color: #1a1a1a; margin: 0; font-size: 9pt; }
h1 { font-size: 15pt; margin: 0 0 2pt 0; }
h2 { font-size: 13pt; margin: 0 0 2pt 0; }
h3 { font-size: 10pt; margin: 6pt 0 2pt 0; }
p { margin: 0 0 3pt 0; }
.sheet { break-before: page; page-break-before: always; }
.sheet:first-child { break-before: auto; page-break-before: auto; }
.furniture { width: 100%; border-collapse: collapse; margin: 0 0 6pt 0; table-layout: fixed; }
.furniture td { border: 0; border-bottom: 0.75pt solid #888; padding: 0 0 1pt 0; font-size: 7.5pt; color: #333; vertical-align: bottom; }
.furniture .mark { text-align: center; font-weight: bold; color: #000; }
.furniture .right { text-align: right; }
.furniture .publication { text-align: center; font-weight: bold; color: #000; }
.sub { color: #444; font-size: 7.5pt; }
.small { font-size: 7pt; }
.banner { border: 2pt solid #000; padding: 3pt 5pt; margin: 0 0 5pt 0; font-size: 8.5pt; font-weight: bold; }
.boxes { display: flex; gap: 6pt; margin: 0 0 5pt 0; }
.box { border: 0.75pt solid #999; padding: 2pt 5pt; font-size: 8pt; }
.box .n { font-size: 11pt; font-weight: bold; }
.box .k { font-size: 7pt; color: #333; }
.box .kb { font-size: 7pt; color: #333; display: block; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 0.75pt solid #bbb; padding: 1.5pt 3pt; vertical-align: top; overflow-wrap: anywhere; }
th { background: #1f4e79; color: #fff; font-weight: bold; text-align: left; font-size: 7pt; }
td { font-size: 7pt; }
td .l { font-size: 7.5pt; display: block; }
td .v { font-size: 8pt; font-weight: bold; display: block; }
td .s { font-size: 7pt; color: #333; display: block; }
tr { page-break-inside: avoid; break-inside: avoid; }
table.dense td, table.dense th, table.dense span { line-height: 1.15; }
table.dense td, table.dense th { padding-top: 1pt; padding-bottom: 1pt; }
td .g { color: #555; }
td.num { text-align: right; }
td.section { background: #e8eef5; font-weight: bold; }
.rag { font-weight: bold; text-align: center; }
.green { background: #c6efce; color: #004d00; }
.amber { background: #ffe699; color: #5c3300; }
.red { background: #ffc7ce; color: #8b0000; }
.better { color: #004d00; font-weight: bold; }
.worse { color: #8b0000; font-weight: bold; }
.chip { border: 0.75pt solid #777; border-radius: 2pt; padding: 0 1.5pt; }
.figure { font-size: 20pt; font-weight: bold; }
.exc { display: flex; gap: 10pt; align-items: flex-start; }
.facts td:first-child { color: #333; width: 30%; }
.comment { border-left: 3pt solid #1f4e79; background: #f3f6fa; padding: 2pt 5pt; margin: 0 0 3pt 0; font-size: 8pt; }
svg { display: block; }
@media screen {
  body { margin: 16px auto; padding: 0 16px; max-width: 1200px; }
  .sheet { border-top: 3px solid #1f4e79; margin-top: 28px; padding-top: 10px; }
  .sheet:first-child { border-top: 0; margin-top: 0; }
}
"#;

/// The space the furniture takes at the top of a page, in points: its lines, the border and
/// the margin under it.
fn furniture_height(f: &Furniture) -> f64 {
    let lines = [
        (f.service.as_str(), 0.42),
        (f.classification.as_deref().unwrap_or(""), 0.16),
        (
            "Scorecard to 2024-25 Q4 · 31 September 2026 · page 999 of 999",
            0.42,
        ),
    ]
    .iter()
    .map(|(t, share)| layout::lines(t, 7.5, true, PAGE_WIDTH * share))
    .max()
    .unwrap_or(1);
    let publication = f
        .publication
        .as_deref()
        .map_or(0, |p| layout::lines(p, 7.5, true, PAGE_WIDTH));
    (lines + publication) as f64 * 7.5 * LINE + 1.0 + 6.0
}

fn furniture(f: &Furniture, page: usize, pages: usize) -> String {
    let mut s = format!(
        r#"<table class="furniture"><colgroup><col style="width:42%"><col style="width:16%"><col style="width:42%"></colgroup><tr><td>{}</td><td class="mark">{}</td><td class="right">{} · {} · page {page} of {pages}</td></tr>"#,
        esc(&f.service),
        esc(f.classification.as_deref().unwrap_or("")),
        esc(&f.scorecard_to),
        esc(&f.date),
    );
    if let Some(p) = &f.publication {
        write!(
            s,
            r#"<tr><td colspan="3" class="publication">{}</td></tr>"#,
            esc(p)
        )
        .unwrap();
    }
    s.push_str("</table>");
    s
}

pub fn scorecard_html(s: &Scorecard) -> String {
    let f = Furniture::of(s);
    let budget = PAGE_HEIGHT - furniture_height(&f) - SLACK;
    let exceptions = s.exceptions();
    // Commentary on an indicator without an exception page has a page of its own after them.
    let others: Vec<&Card> = s
        .cards
        .iter()
        .filter(|c| !c.is_exception() && c.values.iter().any(|v| !v.commentary.is_empty()))
        .collect();
    let commentary_section = (!others.is_empty()).then_some(exceptions.len() + 1);
    let refs: Vec<page1::Refs> = s
        .cards
        .iter()
        .map(|card| page1::Refs {
            exception: exceptions
                .iter()
                .position(|e| std::ptr::eq(*e, card))
                .map(|k| k + 1),
            commentary: commentary_section,
        })
        .collect();
    let mut sections: Vec<Section> = vec![page1::section(s, &exceptions, &refs)];
    sections.extend(exceptions.iter().map(|c| exceptions::section(s, c)));
    if !others.is_empty() {
        sections.push(reference::other_commentary(&others));
    }
    sections.push(reference::every_quarter(s));
    sections.push(reference::guidance(s));
    let laid = layout::paginate(&sections, budget);
    let pages = laid.pages.len();
    let mut out = String::new();
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>{}: {}</title><style>{CSS}</style></head><body>",
        esc(&s.title),
        esc(&f.scorecard_to),
    )
    .unwrap();
    for (k, body) in laid.pages.iter().enumerate() {
        let mut body = body.clone();
        // Page 1 names the page each exception (and the other commentary) starts on.
        if k == 0 || body.contains("<!--section-page:") {
            for (i, start) in laid.starts.iter().enumerate() {
                body = body.replace(&page1::page_marker(i), &(start + 1).to_string());
            }
        }
        write!(
            out,
            r#"<div class="sheet">{}{body}</div>"#,
            furniture(&f, k + 1, pages)
        )
        .unwrap();
    }
    out.push_str("</body></html>\n");
    out
}
