//! The scorecard on paper (scorecard.md sections 3, 5 and 6), read back as a board member holds
//! it: `scorecard.html` printed by headless Chromium and `scorecard.xlsx` by LibreOffice, then
//! `pdftotext` and `pdfinfo` on the PDFs. Every page stands alone (service, "Scorecard to ...",
//! the date in words, "page N of M"), page 1 gives the exception pages' numbers and says from
//! what to what, a revised mark only where figures moved, the provisional banner, nothing
//! printed below 7 points, and the publication copy holds no count from 1 to 4.
//!
//! Without Chromium, poppler-utils or LibreOffice a test says it skipped; in CI (`CI` set) it
//! fails instead (`.ci/run` installs them).

use crate::common;
use crate::scorecard::{
    WHEN, build_into, copy_archive, entry, json, run, sample_scorecard, samples_root,
};

use std::path::{Path, PathBuf};

use common::*;

/// The generation date of the sample scorecards, in words.
const DATE: &str = "1 May 2025";
const SERVICE: &str = "Northshire Youth Justice Service (NSH01) management board";
const SCORECARD_TO: &str = "Scorecard to 2024-25 Q4";

/// The smallest font printed, in points: poppler's word boxes are 1.116 times the size of
/// Liberation Sans (Arial's metrics), a little more for the fallback fonts.
const LEAST_BOX: f64 = 7.0 * 1.116 - 0.01;

/// Whether a tool the test needs is missing: in CI (`CI` set) that fails `test`; elsewhere the
/// test says on stderr that it skipped (see [`common::soffice_available`]).
fn missing(test: &str, what: &str, install: &str) -> bool {
    use std::io::Write as _;
    assert!(
        std::env::var_os("CI").is_none(),
        "{test}: CI must have {what} (.ci/run installs it: apt-get install {install})"
    );
    let _ = writeln!(
        std::io::stderr(),
        "\nSKIPPED {test}: {what} is not installed (Debian: apt-get install {install}; in CI \
         this fails instead)\n"
    );
    true
}

/// Whether poppler-utils (`pdftotext`, `pdfinfo`) can be run.
fn poppler_available(test: &str) -> bool {
    std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok()
        || !missing(test, "poppler-utils", "poppler-utils")
}

/// Headless Chromium, with poppler-utils to read what it prints.
fn chromium(test: &str) -> Option<&'static str> {
    let found = ["chromium", "chromium-browser"].into_iter().find(|c| {
        std::process::Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    match found {
        Some(c) if poppler_available(test) => Some(c),
        Some(_) => None,
        None => {
            missing(test, "chromium", "chromium");
            None
        }
    }
}

/// `html` printed to PDF by headless Chromium, as a board member's browser prints it.
fn print_html(browser: &str, html: &Path, dir: &Path) -> PathBuf {
    let pdf = dir.join("html.pdf");
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.join("chromium-profile").display()
        ))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(html)
        .output()
        .unwrap();
    assert!(
        pdf.exists(),
        "chromium printed nothing: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    pdf
}

fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let mut cmd = std::process::Command::new(tool);
    cmd.args(args).arg(pdf);
    if tool == "pdftotext" {
        cmd.arg("-");
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) is needed: {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A printed PDF as poppler reads it: each page's text in reading order (words joined by
/// single spaces, a hyphen at a line's end taken out as `pdftotext` does), and every word with
/// its box.
struct Pdf {
    pages: Vec<String>,
    words: Vec<Word>,
}

/// A word printed: its page (from 1), text and box in points.
#[derive(Debug, Clone)]
struct Word {
    page: usize,
    text: String,
    x0: f64,
    y0: f64,
    y1: f64,
}

impl Pdf {
    fn read(pdf: &Path) -> Pdf {
        let info = poppler("pdfinfo", &[], pdf);
        let n: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap();
        let pages = (1..=n)
            .map(|k| {
                let k = k.to_string();
                poppler("pdftotext", &["-f", &k, "-l", &k], pdf)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        Pdf {
            pages,
            words: words(pdf),
        }
    }

    /// The printed lines of a page (from 1), each its words left to right: a line across a
    /// table holds every cell's words on it, each cell's together.
    fn lines(&self, page: usize) -> Vec<(f64, String)> {
        let mut on: Vec<&Word> = self.words.iter().filter(|w| w.page == page).collect();
        on.sort_by(|a, b| a.y0.total_cmp(&b.y0).then(a.x0.total_cmp(&b.x0)));
        let mut out: Vec<(f64, Vec<&Word>)> = Vec::new();
        for w in on {
            match out.iter_mut().find(|(y, _)| (y - w.y0).abs() < 1.0) {
                Some((_, ws)) => ws.push(w),
                None => out.push((w.y0, vec![w])),
            }
        }
        out.into_iter()
            .map(|(y, mut ws)| {
                ws.sort_by(|a, b| a.x0.total_cmp(&b.x0));
                let text: Vec<&str> = ws.iter().map(|w| w.text.as_str()).collect();
                (y, text.join(" "))
            })
            .collect()
    }

    /// Whether `phrase` is printed on one line of the page.
    fn on_a_line(&self, page: usize, phrase: &str) -> bool {
        self.lines(page).iter().any(|(_, l)| l.contains(phrase))
    }

    /// Whether a direction reads from what to what: `worse` (after its arrow) and, directly
    /// under it in the same cell, `from 89.7% AMBER`.
    fn direction_from(&self, page: usize, direction: &str, from: &str) -> bool {
        let lines = self.lines(page);
        let on: Vec<&Word> = self.words.iter().filter(|w| w.page == page).collect();
        on.iter().any(|d| {
            d.text == direction
                && lines.iter().any(|(y, line)| {
                    let below = y - d.y0;
                    (4.0..16.0).contains(&below)
                        && line.contains(from)
                        && on.iter().any(|w| {
                            (w.y0 - y).abs() < 1.0
                                && w.text == "from"
                                && d.x0 >= w.x0 - 1.0
                                && d.x0 <= w.x0 + 20.0
                        })
                })
        })
    }

    /// Nothing is printed below 7 points.
    fn assert_readable(&self, what: &str) {
        let small: Vec<String> = self
            .words
            .iter()
            .filter(|w| w.y1 - w.y0 < LEAST_BOX)
            .map(|w| {
                let size = (w.y1 - w.y0) / 1.116;
                format!("page {}: {:?} ({size:.1} pt)", w.page, w.text)
            })
            .take(10)
            .collect();
        assert!(
            small.is_empty(),
            "{what} prints text below 7 points: {small:?}"
        );
    }

    /// Every page stands alone: the service, "Scorecard to ...", the date in words, and its
    /// number of the whole, each on a line of its page.
    fn assert_furniture(&self, what: &str, extra: &[&str]) {
        let m = self.pages.len();
        for k in 1..=m {
            let number = format!("page {k} of {m}");
            for part in [SERVICE, SCORECARD_TO, DATE, number.as_str()]
                .iter()
                .chain(extra)
            {
                assert!(
                    self.on_a_line(k, part),
                    "{what} page {k} of {m} lacks {part:?}:\n{:?}",
                    self.lines(k)
                );
            }
        }
    }
}

/// Every word printed, as poppler reads the PDF.
fn words(pdf: &Path) -> Vec<Word> {
    let xml = poppler("pdftotext", &["-bbox"], pdf);
    let mut page = 0;
    let mut out = Vec::new();
    for line in xml.lines() {
        if line.contains("<page ") {
            page += 1;
        }
        let Some(rest) = line.trim().strip_prefix("<word ") else {
            continue;
        };
        let attr = |name: &str| -> f64 {
            rest.split(&format!("{name}=\""))
                .nth(1)
                .and_then(|t| t.split('"').next())
                .and_then(|n| n.parse().ok())
                .unwrap()
        };
        let text = rest
            .split('>')
            .nth(1)
            .and_then(|t| t.split('<').next())
            .unwrap_or_default()
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&");
        out.push(Word {
            page,
            text,
            x0: attr("xMin"),
            y0: attr("yMin"),
            y1: attr("yMax"),
        });
    }
    out
}

/// A text as compared with what `pdftotext` reads: hyphens out (a line broken after one loses
/// it), spaces single.
fn squash(text: &str) -> String {
    text.replace('-', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A value as the scorecard shows it: one decimal for a percentage or a rate, two for a ratio.
fn shown(unit: &str, v: &serde_json::Value) -> String {
    let x = v.as_f64().unwrap();
    match unit {
        "%" => format!("{x:.1}%"),
        "ratio" => format!("{x:.2}"),
        "rate" => format!("{x:.1}"),
        _ => format!("{x}"),
    }
}

fn indicators(v: &serde_json::Value) -> Vec<serde_json::Value> {
    v["indicators"].as_array().unwrap().clone()
}

fn latest(ind: &serde_json::Value) -> &serde_json::Value {
    ind["values"].as_array().unwrap().last().unwrap()
}

fn is_exception(ind: &serde_json::Value) -> bool {
    let last = latest(ind);
    last["rag"] == "red" || last["rag"] == "amber" || last["vs_previous"] == "worse"
}

/// A sample board pack made with `extra` and printed by Chromium.
struct Printed {
    _dir: tempfile::TempDir,
    out: PathBuf,
    json: serde_json::Value,
    html: Pdf,
    html_pdf: PathBuf,
}

fn printed(test: &str, extra: &[&str]) -> Option<Printed> {
    let browser = chromium(test)?;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("board");
    let (code, stdout, stderr) = sample_scorecard(&out, extra);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stderr, "", "nothing but the report is printed");
    let html_pdf = print_html(browser, &out.join("scorecard.html"), dir.path());
    Some(Printed {
        json: json(&out.join("scorecard.json")),
        html: Pdf::read(&html_pdf),
        html_pdf,
        out,
        _dir: dir,
    })
}

#[test]
fn every_printed_html_page_stands_alone_and_page_1_lists_the_exceptions_pages() {
    let Some(p) = printed(
        "every_printed_html_page_stands_alone_and_page_1_lists_the_exceptions_pages",
        &["--classification", "OFFICIAL"],
    ) else {
        return;
    };
    let info = poppler("pdfinfo", &[], &p.html_pdf);
    assert!(
        info.contains("841.92 x 594.96 pts (A4)"),
        "A4 landscape: {info}"
    );
    // Every page: service, "Scorecard to", the date in words, page N of M, the classification.
    p.html.assert_furniture("scorecard.html", &["OFFICIAL"]);
    let m = p.html.pages.len();
    let first = &p.html.pages[0];
    // The title names the service's own board, never "Youth justice board" alone.
    assert!(
        first
            .contains("Northshire Youth Justice Service management board: scorecard to 2024-25 Q4"),
        "{first}"
    );
    assert!(!first.contains("Youth justice board"), "{first}");
    // Page 1 lists each exception with the page it starts on, and that page opens with it.
    let inds = indicators(&p.json);
    let exceptions: Vec<&serde_json::Value> = inds.iter().filter(|i| is_exception(i)).collect();
    assert!(exceptions.len() >= 3);
    let mut listed = Vec::new();
    for ind in &exceptions {
        let (section, label) = (
            ind["section"].as_str().unwrap(),
            ind["label"].as_str().unwrap(),
        );
        let name = format!(": {section} {label}");
        let n: usize = first
            .split(&name)
            .next()
            .and_then(|before| before.rsplit("page ").next())
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("page 1 does not list {name:?}:\n{first}"));
        let heading = format!("page {n} of {m} {section}: {label}");
        assert!(
            p.html.pages[n - 1].contains(&heading),
            "page {n} does not open with {heading:?}:\n{}",
            p.html.pages[n - 1]
        );
        listed.push(n);
    }
    assert!(listed.windows(2).all(|w| w[0] < w[1]), "{listed:?}");
    // Every indicator is on page 1; nothing is printed below 7 points.
    for ind in &inds {
        let label = ind["label"].as_str().unwrap();
        assert!(
            squash(first).contains(&squash(label)),
            "page 1 lacks {label:?}"
        );
    }
    p.html.assert_readable("scorecard.html");
}

#[test]
fn page_1_says_from_what_to_what_and_shows_every_input() {
    let Some(p) = printed("page_1_says_from_what_to_what_and_shows_every_input", &[]) else {
        return;
    };
    let first = squash(&p.html.pages[0]);
    let inds = indicators(&p.json);
    // Beside every "worse", the figure it came from and its RAG: "worse / from 89.7% AMBER".
    let mut worse = 0;
    for ind in &inds {
        let last = latest(ind);
        let unit = ind["unit"].as_str().unwrap();
        for (key, prev) in [("vs_previous", "previous"), ("vs_last_year", "last_year")] {
            if last[key] != "worse" {
                continue;
            }
            worse += 1;
            let was = &last[prev];
            let mut from = format!("from {}", shown(unit, &was["value"]));
            if let Some(rag) = was["rag"].as_str() {
                from.push(' ');
                from.push_str(&rag.to_uppercase());
            }
            assert!(
                p.html.direction_from(1, "worse", &from),
                "page 1 has no {from:?} under a \"worse\" ({})",
                ind["id"]
            );
        }
    }
    assert!(worse >= 3, "{worse}");
    assert!(p.html.direction_from(1, "worse", "from 89.7% AMBER"));
    // The summary counts beside last quarter's.
    let sum = &p.json["summary"];
    let red = format!("{} red, was {}", sum["red"], sum["was"]["red"]);
    assert!(first.contains(&red), "{first}");
    // All ten sample benchmarks, every target's note and owner in force at 2024-25 Q4.
    let mut benchmarks = 0;
    for ind in &inds {
        let unit = ind["unit"].as_str().unwrap();
        for b in ind["benchmarks"].as_array().unwrap() {
            let text = format!(
                "{} {} ({})",
                b["comparator"].as_str().unwrap(),
                shown(unit, &b["value"]),
                b["period"].as_str().unwrap()
            );
            assert!(
                first.contains(&squash(&text)),
                "page 1 lacks {text:?}:\n{first}"
            );
            benchmarks += 1;
        }
        let last = latest(ind);
        for key in ["owner", "note"] {
            if let Some(t) = last[key].as_str() {
                assert!(
                    first.contains(&squash(t)),
                    "page 1 lacks {key} {t:?}:\n{first}"
                );
            }
        }
    }
    assert_eq!(benchmarks, 10);
    // What a rolling rate and a reoffending figure cover.
    assert!(
        first.contains("(4 quarters to 2024 25 Q4)") || first.contains("(4 quarters to 202425 Q4)")
    );
    assert!(p.html.on_a_line(1, "2023-24 Q4 cohort)"), "{first}");
    // Which way each fragile RAG tips.
    let fragile: Vec<&serde_json::Value> = inds
        .iter()
        .map(latest)
        .filter(|c| c["fragile"] == true)
        .collect();
    assert!(!fragile.is_empty());
    for c in fragile {
        for (side, words) in [("more", "1 more"), ("fewer", "1 fewer")] {
            if let Some(rag) = c["tips"][side].as_str() {
                let text = format!("{words}: {}", rag.to_uppercase());
                assert!(p.html.on_a_line(1, &text), "page 1 lacks {text:?}");
            }
        }
    }
}

#[test]
fn revised_only_where_figures_moved_and_the_every_quarter_page_reads_in_greyscale() {
    let Some(p) = printed(
        "revised_only_where_figures_moved_and_the_every_quarter_page_reads_in_greyscale",
        &[],
    ) else {
        return;
    };
    // The corrected 2024-25 Q3 moved only KPI 1's figures: only it is revised.
    for ind in indicators(&p.json) {
        for c in ind["values"].as_array().unwrap() {
            let expected = ind["id"] == "accommodation" && c["period"] == "2024-25 Q3";
            assert_eq!(
                c["revised"] == true,
                expected,
                "{} {}",
                ind["id"],
                c["period"]
            );
        }
    }
    let acc = entry(&p.json["indicators"], "id", "accommodation");
    let q3 = entry(&acc["values"], "period", "2024-25 Q3");
    assert_eq!(
        (q3["was"]["value"].as_f64(), q3["was"]["numerator"].as_i64()),
        (Some(86.2), Some(25))
    );
    let all = p.html.pages.join("\n");
    assert!(
        squash(&all).contains(&squash(
            "revised: was 86.2%, 25 of 29, in the first submission (2024-25-Q3)"
        )),
        "what the board was first shown is given"
    );
    assert_eq!(all.matches("revised: was").count(), 1);
    // The every-quarter page: every RAG's letter is printed beside its figure, and only
    // KPI 1's Q3 carries the revised mark.
    let k = p
        .html
        .pages
        .iter()
        .position(|t| t.contains("Every quarter of the window"))
        .unwrap()
        + 1;
    let lines: Vec<String> = p.html.lines(k).into_iter().map(|(_, l)| l).collect();
    let page = lines.join("\n");
    for ind in indicators(&p.json) {
        for c in ind["values"].as_array().unwrap() {
            let Some(rag) = c["rag"].as_str() else {
                continue;
            };
            let letter = rag[..1].to_uppercase();
            let value = shown(ind["unit"].as_str().unwrap(), &c["value"]);
            let cell = format!("{letter} {}", value.trim_end_matches('%'));
            assert!(
                page.contains(&cell),
                "{} {}: no {cell:?}",
                ind["id"],
                c["period"]
            );
        }
    }
    assert!(page.contains("A 89.7 rev"), "{page}");
    let marked: Vec<&String> = lines.iter().filter(|l| l.contains(" rev")).collect();
    assert_eq!(marked.len(), 2, "the cell and the legend: {marked:?}");
    // A greyscale render of that page prints (what a black-and-white printer makes of it).
    let k = k.to_string();
    let png = p.out.join("grey");
    let status = std::process::Command::new("pdftoppm")
        .args(["-gray", "-png", "-r", "60", "-f", &k, "-l", &k])
        .arg(&p.html_pdf)
        .arg(&png)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn the_workbook_prints_every_page_standing_alone_and_readable() {
    let test = "the_workbook_prints_every_page_standing_alone_and_readable";
    if !poppler_available(test) || !soffice_available(test) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("board");
    let (code, stdout, stderr) = sample_scorecard(&out, &["--classification", "OFFICIAL"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let pdf = Pdf::read(&soffice_convert(
        &out.join("scorecard.xlsx"),
        "pdf",
        dir.path(),
    ));
    assert!(pdf.pages.len() >= 5, "{}", pdf.pages.len());
    pdf.assert_furniture("scorecard.xlsx", &["OFFICIAL"]);
    pdf.assert_readable("scorecard.xlsx");
    let all = squash(&pdf.pages.join("\n"));
    // Labels once cut short are whole.
    for label in [
        "context (no target)",
        "Gaps, breaks, provisional and revised",
        "Northshire Youth Justice Service management board: scorecard to 2024-25 Q4",
    ] {
        assert!(
            all.contains(&squash(label)),
            "{label:?} is not printed whole"
        );
    }
    // Every input SHA-256 of the Sources sheet is printed whole (never over the next rows).
    let v = json(&out.join("scorecard.json"));
    for src in v["sources"].as_array().unwrap() {
        let sha = src["input_sha256"].as_str().unwrap();
        assert!(all.contains(sha), "{sha} is not printed whole");
    }
    // Page 1 of the Scorecard sheet: from what to what, the summary beside last quarter's.
    assert!(
        pdf.direction_from(1, "worse", "from 89.7%"),
        "{:?}",
        pdf.lines(1)
    );
    assert!(pdf.on_a_line(1, "RAG at 2024-25 Q4 (was: at 2024-25 Q3)"));
    for owner in ["Head of Service", "Education Lead", "Board Chair"] {
        assert!(all.contains(owner), "{owner}");
    }
    // The Charts sheet uses the page's width: a chart's title on either half of its first page.
    let charts = 1 + pdf
        .pages
        .iter()
        .position(|t| t.contains("Each indicator by quarter"))
        .unwrap();
    let titles: Vec<f64> = pdf
        .words
        .iter()
        .filter(|w| w.page == charts && w.text == "KPI")
        .map(|w| w.x0)
        .collect();
    let middle = 841.92 / 2.0;
    assert!(
        titles.iter().any(|x| *x < middle) && titles.iter().any(|x| *x > middle),
        "charts' titles at {titles:?}"
    );
    // The Data sheet prints across pages at a readable size, its headings on each.
    let data = pdf
        .pages
        .iter()
        .filter(|t| t.contains("Indicator id"))
        .count();
    assert!(data >= 2, "{data}");
}

#[test]
fn a_provisional_quarter_opens_page_1_with_a_banner() {
    let test = "a_provisional_quarter_opens_page_1_with_a_banner";
    let Some(browser) = chromium(test) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let returns = copy_archive(dir.path());
    std::fs::remove_dir_all(returns.join("2024-25-Q4")).unwrap();
    build_into(
        &returns,
        &samples().join("q4-provisional-export.xlsx"),
        "2024-25 Q4",
        &["--provisional"],
    );
    let out = dir.path().join("board");
    let mut args = vec![
        "scorecard".to_string(),
        returns.display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "--generated-at".into(),
        WHEN.into(),
    ];
    args.extend(crate::scorecard::csv_args());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, stdout, stderr) = run(dir.path(), &refs);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let v = json(&out.join("scorecard.json"));
    assert_eq!(v["provisional_quarters"], serde_json::json!(["2024-25 Q4"]));
    let banner = "Provisional: 2024-25 Q4 is built from a provisional return";
    let pdf = Pdf::read(&print_html(
        browser,
        &out.join("scorecard.html"),
        dir.path(),
    ));
    let first = squash(&pdf.pages[0]);
    assert!(first.contains(&squash(banner)), "{first}");
    assert!(first.contains(&squash(
        "every RAG, direction and trend involving 2024-25 Q4 is provisional too"
    )));
    pdf.assert_furniture("the provisional scorecard.html", &[]);
    // The workbook's Scorecard sheet opens with it too.
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(out.join("scorecard.xlsx")).unwrap();
    let sheet = wb.worksheet_range("Scorecard").unwrap();
    assert!(
        sheet
            .rows()
            .take(6)
            .flatten()
            .any(|c| c.to_string().starts_with(banner))
    );
}

/// Counts from 1 to 4 in a text, as the scorecard prints them: `3 of 7`, `4 in 48,210`,
/// `9 / 3`.
fn small_counts(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let small = |w: &str| {
        w.trim_matches(|c: char| !c.is_ascii_digit() && c != ',')
            .replace(',', "")
            .parse::<i64>()
            .is_ok_and(|n| (1..=4).contains(&n))
            && !w.contains('.')
    };
    words
        .windows(3)
        .enumerate()
        .filter(|(i, _)| *i == 0 || words[i - 1] != "page")
        .map(|(_, w)| w)
        .filter(|w| ["of", "in", "/"].contains(&w[1]) && (small(w[0]) || small(w[2])))
        .filter(|w| {
            w[0].chars().any(|c| c.is_ascii_digit()) && w[2].chars().any(|c| c.is_ascii_digit())
        })
        .map(|w| w.join(" "))
        .collect()
}

/// Every count of a JSON figure: none from 1 to 4.
fn assert_no_small_counts(v: &serde_json::Value, at: &str) {
    for key in ["numerator", "denominator"] {
        if let Some(n) = v[key].as_i64() {
            assert!(!(1..=4).contains(&n), "{at}: {key} {n}");
        }
    }
}

#[test]
fn the_publication_copy_holds_no_count_from_1_to_4_and_still_shows_every_rag() {
    let test = "the_publication_copy_holds_no_count_from_1_to_4_and_still_shows_every_rag";
    let Some(browser) = chromium(test) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (board, publ) = (dir.path().join("board"), dir.path().join("public"));
    assert_eq!(sample_scorecard(&board, &[]).0, 0);
    let (code, stdout, stderr) = sample_scorecard(&publ, &["--publication"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        stdout.matches("not checked for small numbers").count(),
        1,
        "the command warns once about commentary: {stdout}"
    );
    let (b, v) = (
        json(&board.join("scorecard.json")),
        json(&publ.join("scorecard.json")),
    );
    assert_eq!(v["publication"]["suppress_below"], 5);
    let mut suppressed = 0;
    for (bi, pi) in indicators(&b).iter().zip(indicators(&v)) {
        let count = pi["unit"] == "count";
        for (bc, pc) in bi["values"]
            .as_array()
            .unwrap()
            .iter()
            .zip(pi["values"].as_array().unwrap())
        {
            let at = format!("{} {}", pi["id"], pc["period"]);
            // Every RAG, direction and trend is still shown.
            for key in ["rag", "vs_previous", "vs_last_year", "tips"] {
                assert_eq!(bc[key], pc[key], "{at} {key}");
            }
            for fig in [pc, &pc["previous"], &pc["last_year"], &pc["was"]] {
                assert_no_small_counts(fig, &at);
                if count && let Some(n) = fig["value"].as_i64() {
                    assert!(!(1..=4).contains(&n), "{at}: count {n}");
                }
            }
            // A figure made from a small count (or a small rest of its total) is withheld.
            let n = bc["numerator"].as_i64();
            let d = bc["denominator"].as_i64();
            let small = |x: Option<i64>| x.is_some_and(|x| (1..=4).contains(&x));
            let rest = match (pi["unit"].as_str(), n, d) {
                (Some("%"), Some(n), Some(d)) => Some(d - n),
                _ => None,
            };
            if small(n) || small(d) || small(rest) {
                assert_eq!(pc["suppressed"], true, "{at}");
                assert!(pc["value"].is_null() && pc["numerator"].is_null(), "{at}");
                suppressed += 1;
            }
            if pc["suppressed"] == true {
                assert!(pc["value"].is_null(), "{at}");
            }
        }
        assert_eq!(bi["trend"], pi["trend"], "{}", pi["id"]);
    }
    assert!(suppressed > 10, "{suppressed}");
    for src in v["sources"].as_array().unwrap() {
        for r in src["revisions"].as_array().unwrap() {
            for m in r["moved"].as_array().unwrap() {
                for key in ["was", "now"] {
                    if let Some(n) = m[key].as_i64() {
                        assert!(!(1..=4).contains(&n), "{m}");
                    }
                }
            }
        }
    }
    // Printed: marked on every page, and no "n of N" with a count from 1 to 4 on any page but
    // the guidance (whose worked examples, "1 of 16", are not counts of children).
    let pdf = Pdf::read(&print_html(
        browser,
        &publ.join("scorecard.html"),
        dir.path(),
    ));
    pdf.assert_furniture(
        "the publication copy",
        &["Publication copy: counts below 5 are suppressed (c)"],
    );
    for (k, page) in pdf.pages.iter().enumerate() {
        if page.contains("How to read this scorecard") {
            continue;
        }
        let found = small_counts(page);
        assert!(found.is_empty(), "page {} prints {found:?}", k + 1);
    }
    assert_eq!(
        small_counts("3 of 7 and 12 of 28, 4 in 48,210, 9 / 3, 15 / 5, page 1 of 10").len(),
        3
    );
    // The workbook: no small count in any sheet's cells, and the charts' plotted values are
    // gaps where a figure is withheld.
    use calamine::{Data, Reader};
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(publ.join("scorecard.xlsx")).unwrap();
    for name in ["Scorecard", "Data", "Sources"] {
        let sheet = wb.worksheet_range(name).unwrap();
        for row in sheet.rows() {
            for cell in row {
                if let Data::String(t) = cell {
                    let found = small_counts(t);
                    assert!(found.is_empty(), "{name}: {found:?} in {t:?}");
                }
            }
        }
    }
    let data = wb.worksheet_range("Data").unwrap();
    let header: Vec<String> = data
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = |h: &str| header.iter().position(|x| x == h).unwrap();
    let (num, den, supp, plotted) = (
        col("Numerator"),
        col("Denominator"),
        col("Suppressed"),
        col("Plotted value"),
    );
    let mut withheld = 0;
    for row in data.rows().skip(1) {
        for c in [num, den] {
            if let Data::Float(x) = row[c] {
                assert!(!(1.0..=4.0).contains(&x), "{row:?}");
            }
        }
        if row[supp] == "yes" {
            withheld += 1;
            assert_eq!(row[num].to_string(), "c");
            assert!(matches!(row[plotted], Data::Empty), "{row:?}");
        }
    }
    assert_eq!(withheld, suppressed);
    // Reproduced like any scorecard, the threshold being in the manifest.
    let m = json(&publ.join("manifest.json"));
    assert_eq!(m["publication"]["suppress_below"], 5);
    let (code, out, _) = run(dir.path(), &["reproduce", "public"]);
    assert_eq!(code, 0, "{out}");
    let text = std::fs::read_to_string(publ.join("manifest.json")).unwrap();
    std::fs::write(
        publ.join("manifest.json"),
        text.replace("\"suppress_below\": 5", "\"suppress_below\": 3"),
    )
    .unwrap();
    let (code, out, _) = run(dir.path(), &["reproduce", "public"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("NOT reproduced"), "{out}");
}

#[test]
fn the_threshold_of_a_publication_copy() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("three");
    let (code, stdout, stderr) =
        sample_scorecard(&out, &["--publication", "--suppress-below", "3"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let v = json(&out.join("scorecard.json"));
    assert_eq!(v["publication"]["suppress_below"], 3);
    // Mental health at 2024-25 Q4, 3 of 7: neither 3 nor the 4 not counted is below 3.
    let mh = entry(&v["indicators"], "id", "mental_health");
    let q4 = entry(&mh["values"], "period", "2024-25 Q4");
    assert_eq!(
        (q4["numerator"].as_i64(), q4["suppressed"].as_bool()),
        (Some(3), Some(false))
    );
    // Without --publication, a threshold is misuse; below 2, it suppresses nothing.
    for (args, says) in [
        (vec!["--suppress-below", "3"], "--publication"),
        (
            vec!["--publication", "--suppress-below", "1"],
            "not a threshold from 2",
        ),
    ] {
        let (code, _, stderr) = sample_scorecard(&dir.path().join("bad"), &args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{stderr}");
        assert!(!dir.path().join("bad").exists());
    }
    // A board copy says nothing of suppression.
    let (code, stdout, _) = sample_scorecard(&dir.path().join("board"), &[]);
    assert_eq!(code, 0);
    assert!(!stdout.contains("publication copy"), "{stdout}");
    let v = json(&dir.path().join("board/scorecard.json"));
    assert!(v["publication"].is_null());
}

/// The longest texts the CSVs take (a 500-character note, a 100-character owner, six
/// benchmarks of an indicator with 60-character names and periods, 2,000-character
/// commentary every quarter): pages run on, but none overflows onto two, so every page's
/// number is the one the browser prints it on.
#[test]
fn the_longest_inputs_run_on_over_pages_that_never_overflow() {
    let test = "the_longest_inputs_run_on_over_pages_that_never_overflow";
    let Some(browser) = chromium(test) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let note: String = "Agreed with the partnership board after a long discussion of what good \
                        looks like. "
        .repeat(8)
        .chars()
        .take(500)
        .collect();
    let owner: String = "Assistant Director of Children's Services and the Partnership Board "
        .repeat(2)
        .chars()
        .take(100)
        .collect();
    let targets = std::fs::read_to_string(samples_root().join("targets.csv")).unwrap();
    let mut long_targets = String::from("indicator,from_period,target,floor,note,owner\n");
    for line in targets.lines().skip(1) {
        let fields: Vec<&str> = line.splitn(5, ',').collect();
        long_targets.push_str(&format!(
            "{},{},{},{},\"{note}\",\"{owner}\"\n",
            fields[0], fields[1], fields[2], fields[3]
        ));
    }
    let mut benchmarks = String::from("indicator,comparator,period,value,source\n");
    for ind in ["accommodation", "ete", "fte_rate", "reoffending_frequency"] {
        for k in 0..6 {
            let name: String = format!("Comparator family number {k} with a long name ")
                .chars()
                .take(60)
                .collect();
            let period: String = format!("April 2023 to March 2024 (published {k}) ")
                .repeat(2)
                .chars()
                .take(60)
                .collect();
            benchmarks.push_str(&format!("{ind},{name},{period},2.5,{}\n", "s".repeat(300)));
        }
    }
    let text: String = "A long paragraph about what happened this quarter and why. "
        .repeat(40)
        .chars()
        .take(2000)
        .collect();
    let mut commentary = String::from("indicator,period,text\n");
    for q in [
        "2024-25 Q4",
        "2024-25 Q3",
        "2024-25 Q2",
        "2024-25 Q1",
        "2023-24 Q4",
    ] {
        for ind in ["accommodation", "cohort"] {
            commentary.push_str(&format!("{ind},{q},{text}\n"));
        }
    }
    for (name, text) in [
        ("targets.csv", &long_targets),
        ("benchmarks.csv", &benchmarks),
        ("commentary.csv", &commentary),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "scorecard",
            &crate::scorecard::archive()
                .join("returns")
                .display()
                .to_string(),
            "--out",
            "board",
            "--generated-at",
            WHEN,
            "--targets",
            "targets.csv",
            "--benchmarks",
            "benchmarks.csv",
            "--commentary",
            "commentary.csv",
            "--classification",
            "OFFICIAL-SENSITIVE",
        ],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let out = dir.path().join("board");
    let pdf = Pdf::read(&print_html(
        browser,
        &out.join("scorecard.html"),
        dir.path(),
    ));
    assert!(pdf.pages.len() > 12, "{}", pdf.pages.len());
    pdf.assert_furniture(
        "the longest inputs' scorecard.html",
        &["OFFICIAL-SENSITIVE"],
    );
    pdf.assert_readable("the longest inputs' scorecard.html");
    // Page 1 runs on, said so; commentary on a context indicator has a page of its own.
    assert!(pdf.pages[1].contains("(continued)"), "{}", pdf.pages[1]);
    assert!(
        pdf.pages
            .iter()
            .any(|p| p.contains("Commentary on other indicators"))
    );
}
