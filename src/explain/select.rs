//! Which measures to explain: `--measure` names a code (`kpi1.all.suitable`), a section or
//! the start of codes (`kpi1`, `kpi7.police`), or a pattern in which `*` stands for any text
//! (`kpi1.*.suitable`; `*` alone for every measure). Case is ignored. A name that selects no
//! measure the return can have is refused with the nearest codes.

use crate::export::records::Export;
use crate::kpi::Codes;
use crate::kpi::tally::Counter;
use crate::period::Period;

/// The measures asked for: every one when no name was given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    names: Vec<String>,
}

/// A name that selects no measure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "no measure is called {given:?}{}; name a measure (kpi1.all.suitable), a section (kpi1), a \
     pattern (kpi1.*.suitable) or * for every one",
    nearest_text(.nearest)
)]
pub struct UnknownMeasure {
    pub given: String,
    pub nearest: Vec<String>,
}

fn nearest_text(nearest: &[String]) -> String {
    if nearest.is_empty() {
        String::new()
    } else {
        format!(
            " (the nearest: {})",
            crate::text::list(nearest, nearest.len())
        )
    }
}

/// Longer names are cut before they are compared: nothing the return names is this long.
const MAX_NAME: usize = 80;

impl Selection {
    /// Every measure.
    pub fn every() -> Selection {
        Selection::default()
    }

    /// The measures `names` select among `known` (every code the return can have), or the
    /// first name that selects none.
    pub fn parse(names: &[String], known: &[String]) -> Result<Selection, UnknownMeasure> {
        let names: Vec<String> = names
            .iter()
            .map(|n| n.trim().chars().take(MAX_NAME).collect::<String>())
            .map(|n| n.to_lowercase())
            .collect();
        for name in &names {
            if !known.iter().any(|code| matches(name, code)) {
                return Err(UnknownMeasure {
                    given: crate::text::cut(name).into_owned(),
                    nearest: nearest(name, known),
                });
            }
        }
        Ok(Selection { names })
    }

    /// Whether every measure is asked for.
    pub fn is_every(&self) -> bool {
        self.names.is_empty() || self.names.iter().any(|n| n == "*")
    }

    pub fn selects(&self, code: &str) -> bool {
        self.names.is_empty() || self.names.iter().any(|n| matches(n, code))
    }

    /// The names given that are whole codes (not sections or patterns).
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.names
            .iter()
            .filter(|n| !n.contains('*'))
            .map(String::as_str)
    }
}

/// Whether `name` selects `code`: the code itself, a start of it up to a dot, or a pattern.
pub fn matches(name: &str, code: &str) -> bool {
    if name.contains('*') {
        return glob(name.as_bytes(), code.as_bytes());
    }
    code == name
        || code
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// `*` matches any text (dots included); everything else itself.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    // The classic two-pointer match with one backtrack point: linear in practice.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// Every code the return can have for these definitions: those of any export, and each
/// board partner's, which appear only when the partner has a line in the period.
pub fn known_codes(codes: &Codes, period: Period) -> Vec<String> {
    let mut counter = Counter::default();
    crate::kpi::decide(&Export::default(), period, codes, &mut counter);
    let mut known: Vec<String> = counter
        .families()
        .flat_map(|f| f.all_codes().map(str::to_string).collect::<Vec<_>>())
        .collect();
    for partner in &codes.partners {
        for code in crate::kpi::kpi7::partner_codes(partner) {
            if !known.contains(&code) {
                known.push(code);
            }
        }
    }
    known
}

/// Up to three codes or sections nearest to `name` by edit distance.
fn nearest(name: &str, known: &[String]) -> Vec<String> {
    let mut candidates: Vec<String> = Vec::new();
    for code in known {
        let parts: Vec<&str> = code.split('.').collect();
        for n in 1..=parts.len() {
            let start = parts[..n].join(".");
            if !candidates.contains(&start) {
                candidates.push(start);
            }
        }
    }
    let plain: String = name.chars().filter(|c| *c != '*').collect();
    let mut scored: Vec<(usize, usize, &String)> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (distance(&plain, c), i, c))
        .collect();
    scored.sort();
    let best = scored.first().map_or(0, |s| s.0);
    scored
        .into_iter()
        .take_while(|(d, _, _)| *d <= best.max(1) + 1 && *d <= (plain.chars().count() / 2).max(2))
        .take(3)
        .map(|(_, _, c)| c.clone())
        .collect()
}

/// The Levenshtein distance between two short texts.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = if ca == cb {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definitions::{Definitions, Source};

    fn known() -> Vec<String> {
        let defs = Definitions::latest(&Source::Embedded).unwrap();
        known_codes(
            &Codes::from_definitions(&defs),
            "2024-25 Q4".parse().unwrap(),
        )
    }

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_code_a_section_a_pattern_and_a_star_select() {
        let known = known();
        let s = Selection::parse(&names(&["kpi1.all.suitable"]), &known).unwrap();
        assert!(s.selects("kpi1.all.suitable"));
        assert!(!s.selects("kpi1.community.suitable"));
        let s = Selection::parse(&names(&["KPI1"]), &known).unwrap();
        assert!(s.selects("kpi1.community.type.nfa"));
        assert!(!s.selects("kpi10.victims"));
        let s = Selection::parse(&names(&["kpi1.*.suitable"]), &known).unwrap();
        assert!(s.selects("kpi1.custody.suitable"));
        assert!(!s.selects("kpi2.all.suitable"));
        assert!(!s.selects("kpi1.all.type.nfa"));
        let s = Selection::parse(&names(&["*"]), &known).unwrap();
        assert!(s.is_every() && s.selects("fte.children"));
        // A partner the definitions know, whether or not it met in the period.
        assert!(Selection::parse(&names(&["kpi7.courts.attended"]), &known).is_ok());
    }

    #[test]
    fn an_unknown_name_is_refused_with_the_nearest_codes() {
        let known = known();
        let e = Selection::parse(&names(&["kpi1.all.suitible"]), &known).unwrap_err();
        assert_eq!(e.nearest[0], "kpi1.all.suitable");
        assert!(
            e.to_string().starts_with(
                "no measure is called \"kpi1.all.suitible\" (the nearest: kpi1.all.suitable"
            ),
            "{e}"
        );
        let e = Selection::parse(&names(&["kpi11"]), &known).unwrap_err();
        assert!(e.nearest.contains(&"kpi1".to_string()), "{:?}", e.nearest);
        assert!(e.nearest.contains(&"kpi10".to_string()), "{:?}", e.nearest);
        // A section's start is no section.
        assert!(Selection::parse(&names(&["kpi"]), &known).is_err());
        let e = Selection::parse(&names(&["zzz*qqq"]), &known).unwrap_err();
        assert!(e.nearest.is_empty(), "{:?}", e.nearest);
        // Hostile names are cut before they are compared.
        let long = "x".repeat(100_000);
        let e = Selection::parse(&[long], &known).unwrap_err();
        assert!(e.given.chars().count() <= crate::text::MAX_SHOWN_CHARS);
    }

    #[test]
    fn star_matches_any_text() {
        assert!(glob(b"a*c", b"abbc"));
        assert!(glob(b"*", b""));
        assert!(glob(b"a**", b"a"));
        assert!(!glob(b"a*c", b"abcd"));
        assert!(glob(b"*.all.*", b"kpi1.all.type.nfa"));
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
