//! What every printed page says, shared by the HTML and the workbook (scorecard.md section 5):
//! whose board it is, "Scorecard to 2024-25 Q4", the generation date in words, the
//! classification and the publication mark; the provisional banner; and the guidance notes.

use super::indicators::Indicator;
use super::status::{Direction, Rag};
use super::{Card, Cell, Glance, Scorecard};
use crate::date::Timestamp;

/// The longest `--classification` printed, in characters.
pub const MAX_CLASSIFICATION_CHARS: usize = 40;

/// Checks `--classification`: a short line of text (e.g. `OFFICIAL`, `OFFICIAL-SENSITIVE`).
pub fn classification(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(
            "--classification is empty; give the marking to print on every page, e.g. OFFICIAL"
                .into(),
        );
    }
    if text.chars().any(char::is_control) {
        return Err("--classification holds a control character; give one line of text".into());
    }
    let n = text.chars().count();
    if n > MAX_CLASSIFICATION_CHARS {
        return Err(format!(
            "--classification is {n} characters long; keep it to {MAX_CLASSIFICATION_CHARS} or \
             fewer (it is printed at the top of every page)"
        ));
    }
    Ok(text.to_string())
}

/// The generation date in words, `6 December 2026`, from the recorded generation time (never
/// the clock).
pub fn date_words(generated_at: &str) -> String {
    Timestamp::parse(generated_at).map_or_else(|| generated_at.to_string(), |t| t.date.long())
}

/// A time as people read it, `1 May 2025 09:00:00 UTC` (a return's generation time), or as
/// recorded where it does not read as one.
pub fn time_words(generated_at: &str) -> String {
    Timestamp::parse(generated_at).map_or_else(|| generated_at.to_string(), Timestamp::written)
}

/// What each printed page carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Furniture {
    /// `Northshire Youth Justice Service (NSH01) management board`.
    pub service: String,
    /// `Scorecard to 2024-25 Q4`.
    pub scorecard_to: String,
    /// `6 December 2026`.
    pub date: String,
    pub classification: Option<String>,
    /// `Publication copy: counts below 5 are suppressed (c)`.
    pub publication: Option<String>,
}

impl Furniture {
    pub fn of(s: &Scorecard) -> Furniture {
        Furniture {
            service: format!("{} ({}) management board", s.yjs_name, s.yjs_code),
            scorecard_to: format!("Scorecard to {}", s.to),
            date: date_words(&s.generated_at),
            classification: s.paper.classification.clone(),
            publication: s.paper.publication.map(|p| p.banner()),
        }
    }
}

/// The banner page 1 opens with when any quarter of the window is provisional.
pub fn provisional_banner(s: &Scorecard) -> Option<String> {
    let quarters = s.provisional_quarters();
    if quarters.is_empty() {
        return None;
    }
    let list: Vec<String> = quarters.iter().map(ToString::to_string).collect();
    let (which, is) = if list.len() == 1 {
        (list.join(""), "is")
    } else {
        (list.join(", "), "are")
    };
    Some(format!(
        "Provisional: {which} {is} built from a provisional return, taken before the quarter's \
         figures were complete. Its figures will change when the final return is filed, and \
         every RAG, direction and trend involving {which} is provisional too."
    ))
}

/// Why an indicator has an exception page: `RED, worse than last quarter`.
pub fn why_exception(c: &Cell) -> String {
    let mut why = Vec::new();
    if let Some(r) = c.rag.filter(|r| *r != Rag::Green) {
        why.push(r.label().to_string());
    }
    if c.vs_previous == Direction::Worse {
        why.push("worse than last quarter".to_string());
    }
    why.join(", ")
}

/// Where a direction came from: `from 89.7% AMBER` (the earlier figure and its RAG), or
/// nothing when there is no earlier figure to quote.
pub fn from_words(ind: &Indicator, earlier: &Glance) -> String {
    if earlier.gap {
        return format!("{}: gap", earlier.period);
    }
    if earlier.shown.is_none() && !earlier.suppressed {
        return String::new();
    }
    format!("from {}", earlier.with_rag(ind))
}

/// The target's note and owner in one line: `Raised at the April 2024 review. Owner: Head of
/// Service`.
pub fn note_and_owner(c: &Cell) -> String {
    let Some(t) = &c.target else {
        return String::new();
    };
    let mut parts: Vec<String> = Vec::new();
    if !t.note.is_empty() {
        parts.push(t.note.clone());
    }
    if !t.owner.is_empty() {
        parts.push(format!("Owner: {}", t.owner));
    }
    parts.join(". ")
}

/// The benchmarks in one line each: `England 88.0% (2023-24)`.
pub fn benchmark_lines(card: &Card) -> Vec<String> {
    card.benchmarks
        .iter()
        .map(|b| {
            format!(
                "{} {} ({})",
                b.comparator,
                super::exact_with_unit(&card.indicator, &b.value),
                b.period
            )
        })
        .collect()
}

/// The guidance notes, shared by the HTML's guidance page and the workbook's Guidance sheet.
pub fn guidance(s: &Scorecard) -> Vec<(&'static str, String)> {
    let mut notes: Vec<(&'static str, String)> = vec![
        (
            "Where the figures come from",
            "Every figure is recomputed from the counts of the returns filed in the archive by \
             build --archive (never from a percentage), using the latest submission of each \
             quarter (for a quarter with no submission yet, its latest provisional return, \
             marked provisional). Each return is checked as the check command does before it \
             is used."
                .into(),
        ),
        (
            "Values",
            "Percentages and rates show one decimal, ratios two, counts none, rounded half up on \
             the exact fraction (1 of 16 is 6.25% and shows 6.3%). A percentage with nobody to \
             count is \"no data\", never 0. Rates of rare events (serious youth violence, \
             first-time entrants, custody) add up the four quarters to the one shown, per 10,000, \
             100,000 or 1,000 children aged 10-17; they are empty until four quarters are on \
             file. Reoffending figures are about the cohort of the same quarter a year earlier; \
             page 1 says which period each such figure covers."
                .into(),
        ),
        (
            "RAG",
            "Only where the service set a target for that quarter. Green (G): at or better than \
             the target. Amber (A): worse than the target but at or better than the floor (the \
             least acceptable figure). Red (R): worse than the floor, or worse than the target \
             when there is no floor. Compared at the precision shown. For a lower-is-better \
             indicator, better means lower. Context indicators never have a RAG. Every RAG is \
             printed as its word or letter as well as its colour."
                .into(),
        ),
        (
            "n of N",
            "Every percentage is shown with the counts behind it, so the board sees how many \
             children a figure is about."
                .into(),
        ),
        (
            "Small base",
            "A percentage or ratio about fewer than 10 children (or meetings, or hours) is marked \
             small base, with what one child is worth: with 8 children, 1 child = 12.5 points."
                .into(),
        ),
        (
            "Fragile, and which way it tips",
            "A RAG is marked fragile when one child more or one child fewer would change its \
             colour, with the colour it would take: \"1 more: GREEN; 1 fewer: RED\" (only the \
             sides that change). One child could move a green into a red."
                .into(),
        ),
        (
            "Direction of travel, from what to what",
            "Against the previous quarter and against the same quarter a year before: better, \
             worse or same, with the earlier figure and its RAG (\"worse, from 89.7% AMBER\"). A \
             change of at most one child's worth counts as same, so the arrow never swings on \
             one child. The arrow shows which way the figure moved; the word says whether that \
             is better or worse. Context indicators show up, level or down only. n/a: one of the \
             two quarters has no value, or the definitions changed between them (a break in \
             series). The summary gives last quarter's counts beside this quarter's (\"3 red, \
             was 1\")."
                .into(),
        ),
        (
            "Trend",
            "The straight line that best fits the window's values since the last break in series \
             (least squares; at least four values). Improving or worsening when the line rises or \
             falls by more than one child's worth from its first quarter to its last, else no \
             clear trend."
                .into(),
        ),
        (
            "Gaps, breaks, provisional and revised",
            "A gap is a quarter with no return on file: it is left empty, never 0. A break in \
             series is where the YJB's definition of an indicator changed: figures either side \
             are not compared. Provisional figures come from an export taken before the \
             quarter's figures were complete, and will change. An indicator is marked revised \
             only where a later submission of the quarter moved its value or counts, with what \
             the first submission showed; every figure that moved is listed with the returns \
             used."
                .into(),
        ),
    ];
    if let Some(p) = s.paper.publication {
        notes.push((
            "Publication copy",
            format!(
                "This copy is made safe to publish: every count from 1 to {} (children, events, \
                 hours, meetings) is shown as c, and so is every figure worked out from one \
                 (a percentage, a rate, a ratio, what one child is worth). Where a count and the \
                 total it is part of are shown together (n of N, the court caseload within the \
                 whole caseload), the rest of the total counts as a part too, so none can be \
                 worked out by subtraction. 0 is shown. RAG, directions and trends are still \
                 shown. Commentary, target notes and owners are printed as the service wrote \
                 them.",
                p.below - 1
            ),
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_in_words_comes_from_the_generation_time() {
        assert_eq!(date_words("2026-12-06T12:17:54Z"), "6 December 2026");
        assert_eq!(date_words("2025-05-01T09:00:00Z"), "1 May 2025");
        assert_eq!(date_words("not a time"), "not a time");
        assert_eq!(
            time_words("2025-05-01T09:00:00Z"),
            "1 May 2025 09:00:00 UTC"
        );
    }

    #[test]
    fn a_classification_is_one_short_line() {
        assert_eq!(classification(" OFFICIAL ").as_deref(), Ok("OFFICIAL"));
        assert!(classification("").is_err());
        assert!(classification("OFFICIAL\nSENSITIVE").is_err());
        assert!(classification(&"X".repeat(41)).is_err());
        assert!(classification(&"X".repeat(40)).is_ok());
    }
}
