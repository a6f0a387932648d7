//! `scorecard.html`: the board's page as one self-contained file. Inline CSS and SVG written
//! here, no script, no font or address of any kind, so it opens in any browser on a locked-down
//! laptop and prints on A4 landscape: the summary and the table on the first page, then a page
//! per exception (RED, AMBER or worse than last quarter) with its chart, figures and the
//! officer's commentary, then every quarter's figures, the guidance and the sources.

use std::fmt::Write as _;

use super::indicators::Polarity;
use super::status::{Direction, Rag};
use super::svg::{chart, esc, sparkline};
use super::{Card, Cell, Scorecard, counts_words, exact_with_unit, with_unit};

const CSS: &str = r#"
@page { size: A4 landscape; margin: 10mm; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: #1a1a1a; margin: 0; font-size: 10.5pt; }
h1 { font-size: 17pt; margin: 0 0 2pt 0; }
h2 { font-size: 14pt; margin: 0 0 4pt 0; }
h3 { font-size: 11pt; margin: 8pt 0 3pt 0; }
p { margin: 2pt 0 4pt 0; }
.sub { color: #555; font-size: 9pt; }
.page { page-break-before: always; break-before: page; padding-top: 2pt; }
.boxes { display: flex; gap: 8pt; margin: 5pt 0 6pt 0; }
.box { border: 1px solid #bbb; border-radius: 4px; padding: 3pt 7pt; }
.box b { font-size: 13pt; }
.box .k { font-size: 8.5pt; color: #444; display: block; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #c8c8c8; padding: 1.5pt 3pt; vertical-align: middle; }
th { background: #1f4e79; color: #fff; font-weight: bold; text-align: left; font-size: 8pt; }
td { font-size: 8pt; }
table.summary th { white-space: nowrap; }
table.summary td { white-space: nowrap; padding-top: 0.5pt; padding-bottom: 0.5pt; }
tr { page-break-inside: avoid; break-inside: avoid; }
thead { display: table-header-group; }
td.num { text-align: right; white-space: nowrap; }
td.section { background: #e8eef5; font-weight: bold; }
.rag { font-weight: bold; text-align: center; white-space: nowrap; }
.green { background: #c6efce; color: #006100; }
.amber { background: #ffeb9c; color: #7a4500; }
.red { background: #ffc7ce; color: #9c0006; }
.better { color: #006100; font-weight: bold; }
.worse { color: #9c0006; font-weight: bold; }
.dir { white-space: nowrap; }
.mark { display: inline-block; border: 1px solid #888; border-radius: 3px; padding: 0 2pt; margin: 0 1pt 1pt 0; font-size: 7.5pt; white-space: nowrap; }
.figure { font-size: 22pt; font-weight: bold; }
.exc { display: flex; gap: 12pt; align-items: flex-start; }
.facts td:first-child { color: #444; width: 34%; }
.comment { border-left: 4px solid #1f4e79; background: #f3f6fa; padding: 4pt 7pt; margin: 5pt 0; }
.spark { display: block; }
ul { margin: 2pt 0; padding-left: 14pt; }
@media screen {
  body { margin: 16px auto; padding: 0 16px; max-width: 1500px; }
  .page { border-top: 3px solid #1f4e79; margin-top: 28px; padding-top: 10px; }
}
li { margin: 1pt 0; }
"#;

fn rag_cell(rag: Option<Rag>, empty: &str) -> String {
    match rag {
        Some(r) => format!(r#"<td class="rag {}">{}</td>"#, r.word(), r.label()),
        None => format!(r#"<td class="rag">{empty}</td>"#),
    }
}

fn direction_html(d: Direction, polarity: Polarity) -> String {
    let class = match d {
        Direction::Better => "better",
        Direction::Worse => "worse",
        _ => "",
    };
    let arrow = d.arrow(polarity);
    let space = if arrow.is_empty() { "" } else { " " };
    format!(
        r#"<span class="dir {class}">{arrow}{space}{}</span>"#,
        d.word()
    )
}

fn value_text(card: &Card, c: &Cell) -> String {
    match &c.shown {
        Some(s) => with_unit(&card.indicator, s),
        None if c.gap => "gap".to_string(),
        None => "no data".to_string(),
    }
}

/// The marks of a cell: each word, and the letter the quarter-by-quarter table uses.
fn flags(c: &Cell) -> Vec<(&'static str, &'static str)> {
    [
        (c.small_base, "small base", ""),
        (c.fragile, "fragile", ""),
        (c.break_before, "break", "B"),
        (c.provisional, "provisional", "P"),
        (c.revised, "revised", "R"),
    ]
    .into_iter()
    .filter(|(on, _, _)| *on)
    .map(|(_, word, letter)| (word, letter))
    .collect()
}

/// Short marks for the summary table; the full notes are on the exception page and the
/// quarter-by-quarter table.
fn marks(c: &Cell) -> String {
    let mut m: Vec<&str> = flags(c).into_iter().map(|(word, _)| word).collect();
    if !c.commentary.is_empty() {
        m.push("commentary");
    }
    if c.gap {
        m.push("gap");
    } else if c.notes.iter().any(|n| n.starts_with("not in this return")) {
        m.push("not in this return");
    }
    m.iter()
        .map(|w| format!(r#"<span class="mark">{w}</span>"#))
        .collect()
}

fn target_text(card: &Card, c: &Cell) -> (String, String) {
    match &c.target {
        Some(t) => (
            exact_with_unit(&card.indicator, &t.target.target),
            t.target
                .floor
                .as_ref()
                .map(|f| exact_with_unit(&card.indicator, f))
                .unwrap_or_default(),
        ),
        None => (String::new(), String::new()),
    }
}

fn summary_boxes(s: &Scorecard, out: &mut String) {
    let sum = s.summary();
    let boxes = [
        ("green", sum.green, "green"),
        ("amber", sum.amber, "amber"),
        ("red", sum.red, "red"),
        ("", sum.no_target, "no target"),
        ("", sum.no_data, "no data"),
    ];
    out.push_str(r#"<div class="boxes">"#);
    for (class, n, label) in boxes {
        write!(
            out,
            r#"<div class="box {class}"><b>{n}</b><span class="k">{label}</span></div>"#
        )
        .unwrap();
    }
    for (title, d) in [
        ("vs last quarter", &sum.vs_previous),
        ("vs same quarter last year", &sum.vs_last_year),
    ] {
        write!(
            out,
            r#"<div class="box"><span class="k">{title}</span><span class="better">{} better</span> · {} same · <span class="worse">{} worse</span> · {} n/a</div>"#,
            d.better, d.same, d.worse, d.not_applicable
        )
        .unwrap();
    }
    out.push_str("</div>");
}

fn summary_table(s: &Scorecard, out: &mut String) {
    out.push_str(
        "<table class=\"summary\"><thead><tr><th>Indicator</th><th>Which way</th><th>Latest</th><th>n of N</th>\
         <th>Target</th><th>Floor</th><th>RAG</th><th>vs last quarter</th>\
         <th>vs last year</th><th>Trend</th><th>Over the window</th><th>Notes</th></tr></thead><tbody>",
    );
    for (section, cards) in s.sections() {
        write!(
            out,
            r#"<tr><td class="section" colspan="12">{}</td></tr>"#,
            esc(section)
        )
        .unwrap();
        for card in cards {
            let Some(c) = card.latest() else { continue };
            let ind = &card.indicator;
            let (target, floor) = target_text(card, c);
            let no_rag = if ind.polarity == Polarity::Context || c.target.is_none() {
                "no target"
            } else {
                "no data"
            };
            write!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"num\"><b>{}</b></td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td>{}<td>{}</td><td>{}</td><td>{}</td>\
                 <td>{}</td><td>{}</td></tr>",
                esc(&ind.label),
                ind.polarity.words(),
                esc(&value_text(card, c)),
                counts_words(ind, c),
                esc(&target),
                esc(&floor),
                rag_cell(c.rag, no_rag),
                direction_html(c.vs_previous, ind.polarity),
                direction_html(c.vs_last_year, ind.polarity),
                card.trend.map_or("n/a", |t| t.word()),
                sparkline(card),
                marks(c),
            )
            .unwrap();
        }
    }
    out.push_str("</tbody></table>");
}

fn exception_page(s: &Scorecard, card: &Card, out: &mut String) {
    let ind = &card.indicator;
    let Some(c) = card.latest() else { return };
    let mut why = Vec::new();
    if let Some(r) = c.rag.filter(|r| *r != Rag::Green) {
        why.push(r.label().to_string());
    }
    if c.vs_previous == Direction::Worse {
        why.push("worse than last quarter".to_string());
    }
    write!(
        out,
        r#"<section class="page"><h2>{}: {}</h2><p class="sub">{} · {} · why this page: {}</p><div class="exc"><div>"#,
        esc(&ind.section),
        esc(&ind.label),
        ind.polarity.words(),
        esc(&ind.explanation),
        why.join(", ")
    )
    .unwrap();
    out.push_str(&chart(card));
    out.push_str(r#"</div><div style="flex:1">"#);
    let (target, floor) = target_text(card, c);
    write!(
        out,
        r#"<div class="figure">{}</div><p>{} in {}</p><table class="facts">"#,
        esc(&value_text(card, c)),
        counts_words(ind, c),
        s.to
    )
    .unwrap();
    let mut fact = |k: &str, v: String| {
        write!(out, "<tr><td>{k}</td><td>{v}</td></tr>").unwrap();
    };
    fact(
        "Target",
        if target.is_empty() {
            "none".into()
        } else {
            esc(&target)
        },
    );
    if !floor.is_empty() {
        fact("Floor", esc(&floor));
    }
    fact(
        "RAG",
        c.rag.map_or("none".to_string(), |r| {
            format!(
                r#"<span class="rag {}">&nbsp;{}&nbsp;</span>"#,
                r.word(),
                r.label()
            )
        }),
    );
    fact(
        "vs last quarter",
        direction_html(c.vs_previous, ind.polarity),
    );
    fact(
        "vs same quarter last year",
        direction_html(c.vs_last_year, ind.polarity),
    );
    fact(
        "Trend over the window",
        card.trend.map_or("n/a".into(), |t| t.word().to_string()),
    );
    if let Some(w) = &c.worth {
        fact(
            "One child is worth",
            esc(&super::status::worth_words(ind.unit, w).replace("1 child = ", "")),
        );
    }
    for b in &card.benchmarks {
        fact(
            &format!("{} ({})", esc(&b.comparator), esc(&b.period)),
            format!(
                "{} <span class=\"sub\">{}</span>",
                esc(&exact_with_unit(ind, &b.value)),
                esc(&b.source)
            ),
        );
    }
    out.push_str("</table>");
    if !c.notes.is_empty() {
        out.push_str("<ul>");
        for n in &c.notes {
            write!(out, "<li>{}</li>", esc(n)).unwrap();
        }
        out.push_str("</ul>");
    }
    out.push_str("</div></div>");
    let comments: Vec<(&Cell, &String)> = card
        .values
        .iter()
        .rev()
        .flat_map(|c| c.commentary.iter().map(move |t| (c, t)))
        .collect();
    out.push_str("<h3>Commentary</h3>");
    if comments.is_empty() {
        out.push_str(r#"<p class="sub">No commentary was given for this indicator.</p>"#);
    }
    for (c, t) in comments {
        write!(
            out,
            r#"<div class="comment"><b>{}</b>: {}</div>"#,
            c.period,
            esc(t)
        )
        .unwrap();
    }
    quarters_table(card, out);
    out.push_str("</section>");
}

fn quarters_table(card: &Card, out: &mut String) {
    let ind = &card.indicator;
    out.push_str(
        "<h3>Quarter by quarter</h3><table><thead><tr><th>Quarter</th><th>Value</th><th>n of N</th>\
         <th>Target</th><th>RAG</th><th>vs last quarter</th><th>vs last year</th><th>Notes</th></tr></thead><tbody>",
    );
    for c in card.values.iter().rev() {
        let (target, _) = target_text(card, c);
        let notes: Vec<String> = c.notes.iter().map(|n| esc(n)).collect();
        write!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>{}<td>{}</td><td>{}</td><td>{}</td></tr>",
            c.period,
            esc(&value_text(card, c)),
            counts_words(ind, c),
            esc(&target),
            rag_cell(c.rag, ""),
            direction_html(c.vs_previous, ind.polarity),
            direction_html(c.vs_last_year, ind.polarity),
            notes.join("<br>")
        )
        .unwrap();
    }
    out.push_str("</tbody></table>");
}

fn all_quarters(s: &Scorecard, out: &mut String) {
    out.push_str(r#"<section class="page"><h2>Every quarter of the window</h2><table><thead><tr><th>Indicator</th>"#);
    for p in &s.window {
        write!(out, "<th>{p}</th>").unwrap();
    }
    out.push_str("</tr></thead><tbody>");
    for (section, cards) in s.sections() {
        write!(
            out,
            r#"<tr><td class="section" colspan="{}">{}</td></tr>"#,
            s.window.len() + 1,
            esc(section)
        )
        .unwrap();
        for card in cards {
            write!(out, "<tr><td>{}</td>", esc(&card.indicator.label)).unwrap();
            for c in &card.values {
                let class = c
                    .rag
                    .map_or("num".to_string(), |r| format!("num {}", r.word()));
                let flags: String = flags(c)
                    .into_iter()
                    .filter(|(_, letter)| !letter.is_empty())
                    .map(|(_, letter)| format!(" {letter}"))
                    .collect();
                let text = match &c.shown {
                    Some(v) => v.to_string(),
                    None if c.gap => "gap".into(),
                    None => "–".into(),
                };
                write!(out, r#"<td class="{class}">{text}{flags}</td>"#).unwrap();
            }
            out.push_str("</tr>");
        }
    }
    out.push_str(
        "</tbody></table><p class=\"sub\">Coloured cells carry a RAG against the target then in \
         force. B break in series before this quarter, P provisional, R revised; \
         – no data (nobody to count, or not in that return); gap: no return for the quarter.</p></section>",
    );
}

/// The guidance notes, shared with the workbook's Guidance sheet.
pub fn guidance() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "Where the figures come from",
            "Every figure is recomputed from the counts of the returns filed in the archive by \
             build --archive (never from a percentage), using the latest submission of each \
             quarter (for a quarter with no submission yet, its latest provisional return, \
             marked provisional). Each return is checked as the check command does before it \
             is used.",
        ),
        (
            "Values",
            "Percentages and rates show one decimal, ratios two, counts none, rounded half up on \
             the exact fraction (1 of 16 is 6.25% and shows 6.3%). A percentage with nobody to \
             count is \"no data\", never 0. Rates of rare events (serious youth violence, first-time \
             entrants, custody) add up the four quarters to the one shown, per 10,000, 100,000 or \
             1,000 children aged 10-17; they are empty until four quarters are on file.",
        ),
        (
            "RAG",
            "Only where the service set a target for that quarter. Green: at or better than the \
             target. Amber: worse than the target but at or better than the floor (the least \
             acceptable figure). Red: worse than the floor, or worse than the target when there \
             is no floor. Compared at the precision shown. For a lower-is-better indicator, \
             better means lower. Context indicators never have a RAG.",
        ),
        (
            "n of N",
            "Every percentage is shown with the counts behind it, so the board sees how many \
             children a figure is about.",
        ),
        (
            "Small base",
            "A percentage or ratio about fewer than 10 children (or meetings, or hours) is marked \
             small base, with what one child is worth: with 8 children, 1 child = 12.5 points.",
        ),
        (
            "Fragile",
            "A RAG is marked fragile when one child more or one child fewer would change its \
             colour: one child could move a green into a red.",
        ),
        (
            "Direction of travel",
            "Against the previous quarter and against the same quarter a year before: better, \
             worse or same. A change of at most one child's worth counts as same, so the arrow \
             never swings on one child. The arrow shows which way the figure moved; the word \
             says whether that is better or worse. Context indicators show up, level or down \
             only. n/a: one of the two quarters has no value, or the definitions changed between \
             them (a break in series).",
        ),
        (
            "Trend",
            "The straight line that best fits the window's values since the last break in series \
             (least squares; at least four values). Improving or worsening when the line rises or \
             falls by more than one child's worth from its first quarter to its last, else no \
             clear trend.",
        ),
        (
            "Gaps, breaks, provisional and revised",
            "A gap is a quarter with no return on file: it is left empty, never 0. A break in \
             series is where the YJB's definition of an indicator changed: figures either side \
             are not compared. Provisional figures come from an export taken before the quarter's \
             figures were complete. Revised figures replace an earlier submission of the quarter; \
             the figures that moved are listed with the sources.",
        ),
    ]
}

fn guidance_page(s: &Scorecard, out: &mut String) {
    out.push_str(r#"<section class="page"><h2>How to read this scorecard</h2>"#);
    for (title, text) in guidance() {
        write!(out, "<h3>{title}</h3><p>{}</p>", esc(text)).unwrap();
    }
    out.push_str("<h3>Returns used</h3><table><thead><tr><th>Quarter</th><th>Folder</th>\
        <th>Submission</th><th>Definitions</th><th>Generated at</th><th>Provisional</th><th>Revised</th></tr></thead><tbody>");
    for src in &s.sources {
        let revised: Vec<String> = src
            .revisions
            .iter()
            .map(|r| format!("from {}: {}", esc(&r.folder), esc(&r.moved_words())))
            .collect();
        write!(
            out,
            "<tr><td>{}{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            src.period,
            if src.in_window { "" } else { " (before the window)" },
            esc(&src.folder),
            src.submission_words(),
            esc(&src.definitions_version),
            esc(&src.generated_at),
            if src.provisional { "yes" } else { "no" },
            if revised.is_empty() { "no".to_string() } else { revised.join("<br>") },
        )
        .unwrap();
    }
    out.push_str("</tbody></table>");
    if !s.gaps.is_empty() {
        let gaps: Vec<String> = s.gaps.iter().map(ToString::to_string).collect();
        write!(out, "<p>Gaps (no return on file): {}.</p>", gaps.join(", ")).unwrap();
    }
    out.push_str("</section>");
}

pub fn scorecard_html(s: &Scorecard) -> String {
    let mut out = String::new();
    let first = s
        .window
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>{}: {} to {}</title><style>{CSS}</style></head><body>",
        esc(&s.title),
        esc(&s.yjs_name),
        s.to
    )
    .unwrap();
    write!(
        out,
        r#"<h1>{}: {} ({})</h1><p class="sub">{} quarters, {first} to {}. Generated {} by yjb-return {} from the returns filed in the archive. Counts only: no child is identified.</p>"#,
        esc(&s.title),
        esc(&s.yjs_name),
        esc(&s.yjs_code),
        s.window.len(),
        s.to,
        esc(&s.generated_at),
        env!("CARGO_PKG_VERSION"),
    )
    .unwrap();
    summary_boxes(s, &mut out);
    summary_table(s, &mut out);
    let exceptions: Vec<&Card> = s.cards.iter().filter(|c| c.is_exception()).collect();
    if exceptions.is_empty() {
        out.push_str(r#"<p>No indicator is red, amber or worse than last quarter.</p>"#);
    } else {
        let names: Vec<String> = exceptions.iter().map(|c| esc(&c.indicator.label)).collect();
        write!(
            out,
            r#"<p class="sub">Exception pages follow for: {}.</p>"#,
            names.join("; ")
        )
        .unwrap();
    }
    for card in exceptions {
        exception_page(s, card, &mut out);
    }
    all_quarters(s, &mut out);
    guidance_page(s, &mut out);
    out.push_str("</body></html>\n");
    out
}
