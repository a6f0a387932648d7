//! W460's heuristics: whether an acknowledgement's explanation, which goes to the YJB, looks
//! like it identifies someone: an identifier of the export, a date, a UK postcode, a UK phone
//! number or a person's name. Each is a heuristic for a warning, tuned not to flag the
//! ordinary sentences officers write ("Child moved to Leeds in March").

use std::collections::HashSet;

/// Words that begin with a capital in an explanation without being anyone's name: the
/// services, courts and plans a youth justice officer writes about.
const NOT_NAMES: &[&str] = &[
    "youth",
    "justice",
    "service",
    "services",
    "court",
    "courts",
    "crown",
    "magistrates",
    "team",
    "panel",
    "board",
    "council",
    "county",
    "city",
    "borough",
    "police",
    "probation",
    "health",
    "education",
    "social",
    "care",
    "children",
    "children's",
    "early",
    "help",
    "order",
    "referral",
    "rehabilitation",
    "plan",
    "support",
    "foster",
    "home",
    "school",
    "college",
    "camhs",
    "nhs",
    "yjb",
    "yjs",
    "send",
    "ehcp",
    "neet",
    "the",
    "a",
    "an",
    "this",
    "that",
    "he",
    "she",
    "they",
    "we",
    "it",
    "his",
    "her",
    "their",
    "on",
    "in",
    "at",
    "after",
    "before",
    "since",
    "until",
    "during",
    "local",
    "authority",
    "emergency",
    "placement",
    "unit",
    "centre",
    "center",
    "secure",
    "training",
    "institution",
    "accommodation",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "england",
    "wales",
    "mental",
    "substance",
    "misuse",
    "victim",
    "victims",
    "officer",
    "manager",
    "worker",
    "case",
    "assessment",
    "agreed",
    "confirmed",
];

const TITLES: &[&str] = &["mr", "mrs", "ms", "miss", "mx", "dr", "master"];

const MONTHS: &[&str] = &[
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Why an explanation looks like it identifies someone, if it does: the first identifier of
/// the export, date, postcode, phone number or name-like pair of words found in it, quoted.
pub fn why(explanation: &str, ids: &HashSet<&str>) -> Option<String> {
    let words: Vec<&str> = explanation
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .collect();
    // An identifier: the word, or a run of letters and digits inside it. A bare number of one
    // or two digits is too common in prose to say ("2 weeks").
    for word in &words {
        let pieces = std::iter::once(*word).chain(word.split(|c: char| !c.is_alphanumeric()));
        for piece in pieces {
            let distinctive = piece.chars().count() >= 3
                || (piece.chars().any(char::is_alphabetic)
                    && piece.chars().any(|c| c.is_ascii_digit()));
            if distinctive && ids.contains(piece) {
                return Some(format!("\"{piece}\", an identifier in this export"));
            }
        }
    }
    // A date: three numbers separated by / - or . (12/03/2009, 2009-03-12), or a day or
    // year beside a month's name (12 March, March 2009).
    for (i, word) in words.iter().enumerate() {
        let parts: Vec<&str> = word.split(['/', '-', '.']).collect();
        if parts.len() == 3
            && parts
                .iter()
                .all(|p| (1..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Some(format!("\"{word}\", which looks like a date"));
        }
        if MONTHS.contains(&word.to_lowercase().as_str()) {
            let number = |w: Option<&&str>, max: u32| {
                w.map(|w| w.trim_end_matches(|c: char| c.is_alphabetic()))
                    .and_then(|w| w.parse::<u32>().ok())
                    .is_some_and(|n| (1..=max).contains(&n))
            };
            let day_before = i > 0 && number(words.get(i - 1), 31);
            let year_after =
                number(words.get(i + 1), 2100) && words.get(i + 1).is_some_and(|w| w.len() == 4);
            if day_before || year_after {
                let from = if day_before { i - 1 } else { i };
                let to = if year_after { i + 1 } else { i };
                return Some(format!(
                    "\"{}\", which looks like a date",
                    words[from..=to].join(" ")
                ));
            }
        }
    }
    if let Some(postcode) = postcode(&words) {
        return Some(format!("\"{postcode}\", which looks like a postcode"));
    }
    if let Some(phone) = phone_number(explanation) {
        return Some(format!("\"{phone}\", which looks like a phone number"));
    }
    // A name: a title and a capitalised word (Mr Smith), or two capitalised words that are
    // not the start of a sentence and not the usual names of services (Jamie Smith).
    let capitalised = |w: &str| {
        let mut chars = w.chars();
        chars.next().is_some_and(char::is_uppercase)
            && w.chars().count() >= 2
            && chars.all(|c| c.is_lowercase() || c == '\'' || c == '-')
    };
    let ordinary = |w: &str| {
        let w = w.to_lowercase();
        NOT_NAMES.contains(&w.as_str()) || MONTHS.contains(&w.as_str())
    };
    let raw: Vec<&str> = explanation.split_whitespace().collect();
    for i in 1..words.len() {
        let (a, b) = (words[i - 1], words[i]);
        if TITLES.contains(&a.to_lowercase().as_str()) && capitalised(b) {
            return Some(format!("\"{a} {b}\", which looks like a name"));
        }
        let sentence_start = i == 1
            || raw
                .get(i - 2)
                .is_some_and(|w| w.ends_with(['.', '!', '?', ':']));
        let joined = !raw
            .get(i - 1)
            .is_some_and(|w| w.ends_with([',', ';', '.', ':']));
        if capitalised(a)
            && capitalised(b)
            && joined
            && !sentence_start
            && !ordinary(a)
            && !ordinary(b)
        {
            return Some(format!("\"{a} {b}\", which looks like a name"));
        }
    }
    None
}

/// A UK postcode, as written: an outward code (`A9`, `A99`, `AA9`, `AA99`, `A9A`, `AA9A`) and
/// an inward code (a digit and two letters, never C, I, K, M, O or V), with or without the
/// space between (`LS1 4AB`, `SW1A1AA`). Upper-case letters only: "Q2 3rd" is prose, and an
/// outward code alone (`LS1`, or `Y10` for a school year) is too common to tell.
fn postcode(words: &[&str]) -> Option<String> {
    fn outward(w: &str) -> bool {
        let c: Vec<char> = w.chars().collect();
        let upper = |i: usize| c.get(i).is_some_and(char::is_ascii_uppercase);
        let digit = |i: usize| c.get(i).is_some_and(char::is_ascii_digit);
        let letters = if upper(1) { 2 } else { 1 };
        upper(0)
            && digit(letters)
            && match c.len().saturating_sub(letters) {
                1 => true,
                2 => digit(letters + 1) || upper(letters + 1),
                _ => false,
            }
    }
    fn inward(w: &str) -> bool {
        let c: Vec<char> = w.chars().collect();
        let letter = |x: &char| x.is_ascii_uppercase() && !"CIKMOV".contains(*x);
        c.len() == 3 && c[0].is_ascii_digit() && letter(&c[1]) && letter(&c[2])
    }
    for (i, word) in words.iter().enumerate() {
        if let Some(next) = words.get(i + 1)
            && outward(word)
            && inward(next)
        {
            return Some(format!("{word} {next}"));
        }
        let n = word.chars().count();
        if (5..=7).contains(&n) {
            let split = word.char_indices().nth(n - 3).map_or(0, |(at, _)| at);
            let (out, inn) = word.split_at(split);
            if outward(out) && inward(inn) {
                return Some((*word).to_string());
            }
        }
    }
    None
}

/// A UK phone number: 11 digits from a leading 0 (`07700 900123`, `0113 496 0000`), or +44 or
/// 0044 and 10 digits (`+44 7700 900123`, `+44 (0)113 496 0000`), with spaces, hyphens or
/// brackets between the digits; not part of a longer number.
fn phone_number(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let separator = |c: char| matches!(c, ' ' | '-' | '(' | ')');
    for start in 0..chars.len() {
        let before = start.checked_sub(1).map(|i| chars[i]);
        if before.is_some_and(|c| c.is_alphanumeric() || c == '+') {
            continue;
        }
        let from = |at: usize| chars.get(at..).unwrap_or_default();
        let rest = from(start);
        // The digits a number needs after its opening: 11 with the leading 0, 10 after +44.
        let (mut at, mut digits, wanted) =
            if rest.starts_with(&['+', '4', '4']) || rest.starts_with(&['0', '0', '4', '4']) {
                let skip = if rest[0] == '+' { 3 } else { 4 };
                let mut at = start + skip;
                // "+44 (0)113 ...": the trunk 0 in brackets is not dialled.
                while from(at).first().is_some_and(|c| *c == ' ') {
                    at += 1;
                }
                if from(at).starts_with(&['(', '0', ')']) {
                    at += 3;
                }
                (at, 0, 10)
            } else if rest.first() == Some(&'0') {
                (start, 0, 11)
            } else {
                continue;
            };
        let mut end = at;
        let mut gap = 0;
        while let Some(&c) = chars.get(at) {
            if c.is_ascii_digit() {
                digits += 1;
                gap = 0;
                end = at + 1;
            } else if separator(c) && gap < 2 && digits > 0 {
                gap += 1;
            } else {
                break;
            }
            at += 1;
            if digits == wanted {
                break;
            }
        }
        let longer = chars.get(end).is_some_and(char::is_ascii_digit)
            || chars.get(end).is_some_and(|c| separator(*c))
                && chars.get(end + 1).is_some_and(char::is_ascii_digit);
        if digits == wanted && !longer {
            let from = if before == Some('(') {
                start - 1
            } else {
                start
            };
            return Some(chars[from..end].iter().collect());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_dates_and_names_are_noticed_in_explanations() {
        let ids: HashSet<&str> = ["C1234", "2", "INT-0001", "55501"].into_iter().collect();
        let flagged = |text: &str| why(text, &ids);
        for (text, found) in [
            ("Placed with C1234's aunt.", "\"C1234\", an identifier"),
            ("See INT-0001 for the order.", "\"INT-0001\", an identifier"),
            ("Episode 55501 ended early", "\"55501\", an identifier"),
            (
                "Born 12/03/2009, placed in emergency foster care",
                "\"12/03/2009\", which looks like a date",
            ),
            ("Moved on 2024-07-01 to supported housing", "\"2024-07-01\""),
            (
                "Placement agreed on 12 March after review",
                "\"12 March\", which looks like a date",
            ),
            ("Placement agreed in March 2024 by panel", "\"March 2024\""),
            (
                "Lives with Mrs Okafor, a kinship carer",
                "\"Mrs Okafor\", which looks like a name",
            ),
            (
                "Placed with Jamie Smith temporarily",
                "\"Jamie Smith\", which looks like a name",
            ),
        ] {
            let why = flagged(text).unwrap_or_else(|| panic!("not flagged: {text}"));
            assert!(why.contains(found), "{text}: {why}");
        }
        for text in [
            "Emergency foster bed, judged suitable by the panel",
            "Youth Court agreed the Referral Order plan after 2 weeks",
            "Early Help and Social Care confirmed the plan. Health visits weekly.",
            "Suitable: the NHS unit is a secure children's home",
            "May be reviewed next quarter",
        ] {
            assert_eq!(flagged(text), None, "{text}");
        }
    }

    #[test]
    fn postcodes_are_noticed_in_explanations() {
        let ids = HashSet::new();
        for (text, found) in [
            (
                "Moved to LS1 4AB with his aunt",
                "\"LS1 4AB\", which looks like a postcode",
            ),
            ("Lives at 12 High Street, M1 1AE.", "\"M1 1AE\""),
            ("Placement at B33 8TH is suitable", "\"B33 8TH\""),
            ("Address CR2 6XH confirmed", "\"CR2 6XH\""),
            ("Staying in W1A 0AX temporarily", "\"W1A 0AX\""),
            ("Staying in EC1A 1BB temporarily", "\"EC1A 1BB\""),
            ("Postcode SW1A1AA on file", "\"SW1A1AA\""),
            ("Postcode (DN55 1PT) on file", "\"DN55 1PT\""),
        ] {
            let why = why(text, &ids).unwrap_or_else(|| panic!("not flagged: {text}"));
            assert!(why.contains(found), "{text}: {why}");
        }
        for text in [
            // Prose that shares part of the shape.
            "Reviewed in Q2 3rd week and again in Q3",
            "Year Y10 pupil, KS4 courses; placed in LS1 area",
            "S250 sentence, section 91, then a YRO",
            // An inward code never holds C, I, K, M, O or V.
            "Plan B2 3CV agreed",
        ] {
            assert_eq!(why(text, &ids), None, "{text}");
        }
    }

    #[test]
    fn phone_numbers_are_noticed_in_explanations() {
        let ids = HashSet::new();
        for (text, found) in [
            (
                "Carer on 07700 900123 agreed",
                "\"07700 900123\", which looks like a phone number",
            ),
            ("Call 07700900123 first", "\"07700900123\""),
            ("Office 0113 496 0000 confirmed", "\"0113 496 0000\""),
            ("Office (0113) 496-0000 confirmed", "\"(0113) 496-0000\""),
            ("Mobile +44 7700 900123", "\"+44 7700 900123\""),
            ("Mobile +447700900123.", "\"+447700900123\""),
            ("Office +44 (0)113 496 0000", "\"+44 (0)113 496 0000\""),
            ("Office 0044 113 496 0000", "\"0044 113 496 0000\""),
        ] {
            let why = why(text, &ids).unwrap_or_else(|| panic!("not flagged: {text}"));
            assert!(why.contains(found), "{text}: {why}");
        }
        for text in [
            // Ten digits, twelve digits, or part of a longer run of numbers.
            "Ref 0770090012 is ten digits",
            "Ref 077009001234 is twelve digits",
            "Counted 0 1 2 3 4 5 6 7 8 9 10 sessions",
            "Attended 10 of 12 sessions in 2 weeks, 40 hours offered",
            "Order 123 07700 900123 4",
        ] {
            assert_eq!(why(text, &ids), None, "{text}");
        }
    }

    #[test]
    fn ordinary_explanations_are_not_taken_for_names() {
        let ids = HashSet::new();
        for text in [
            "Child moved to Leeds in March",
            "Approved by Head of Service",
            "Approved by the Head of Service after the Youth Offending Team review",
            "Moved to Leeds City Council's supported accommodation",
            "Placement judged suitable by the social worker; reviewed weekly",
            "Education, Health and Care plan agreed with the school",
        ] {
            assert_eq!(why(text, &ids), None, "{text}");
        }
        for (text, found) in [
            ("Spoke to Miss Patel at the school", "\"Miss Patel\""),
            ("Dr Ahmed confirmed the need", "\"Dr Ahmed\""),
            ("Placed with his aunt, Jane Doe, in March", "\"Jane Doe\""),
        ] {
            let why = why(text, &ids).unwrap_or_else(|| panic!("not flagged: {text}"));
            assert!(why.contains(found), "{text}: {why}");
        }
    }
}
