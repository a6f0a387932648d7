//! Presenting a [`Validation`](crate::validate::Validation) to people and machines.

pub mod json;
pub mod redact;
pub mod terminal;
pub mod xlsx;

/// Strips characters that XML 1.0 forbids (and so every xlsx part): a stray U+000B in a cell
/// would make the report unreadable to Excel.
pub fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}');
    if text.chars().any(bad) {
        text.chars().filter(|c| !bad(*c)).collect::<String>().into()
    } else {
        text.into()
    }
}

/// Excel's limit on the characters in one cell.
pub const MAX_CELL_CHARS: usize = 32_767;

/// Text as a workbook cell can hold it: XML-safe, and cut to Excel's limit with a marker
/// saying so, so that one over-long value never loses the whole report.
pub fn cell_text(text: &str) -> std::borrow::Cow<'_, str> {
    const MARKER: &str = " […cut: longer than an Excel cell holds]";
    let safe = xml_safe(text);
    if safe.chars().count() <= MAX_CELL_CHARS {
        return safe;
    }
    let keep = MAX_CELL_CHARS - MARKER.chars().count();
    let mut cut: String = safe.chars().take(keep).collect();
    cut.push_str(MARKER);
    cut.into()
}

/// A name Excel accepts for a sheet, made from `wanted`: at most 31 characters, none of
/// `[ ] : * ? / \`, no apostrophe at either end, not empty, not the reserved "History", and
/// none of `taken` (Excel compares sheet names ignoring case). A hostile export can name its
/// sheets anything, and one refused name would lose the whole workbook.
pub fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let cleaned: String = xml_safe(wanted)
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .collect();
    let cleaned = cleaned.trim_matches('\'').trim();
    let base = if cleaned.is_empty() || cleaned.eq_ignore_ascii_case("history") {
        "Sheet".to_string()
    } else {
        cleaned.chars().take(31).collect()
    };
    let free = |name: &str| {
        !taken
            .iter()
            .any(|t| t.to_lowercase() == name.to_lowercase())
    };
    if free(&base) {
        return base;
    }
    (2..)
        .map(|n| {
            let suffix = format!(" ({n})");
            let room = 31 - suffix.chars().count();
            format!("{}{suffix}", base.chars().take(room).collect::<String>())
        })
        .find(|name| free(name))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_ones_excel_accepts() {
        assert_eq!(sheet_name("Interventions", &[]), "Interventions");
        assert_eq!(sheet_name("", &[]), "Sheet");
        assert_eq!(sheet_name("'a[b]:c*?/\\'", &[]), "abc");
        assert_eq!(sheet_name("History", &[]), "Sheet");
        assert_eq!(sheet_name(&"x".repeat(40), &[]).chars().count(), 31);
        let taken = vec!["Issues".to_string(), "Sheet".to_string()];
        assert_eq!(sheet_name("issues", &taken), "issues (2)");
        assert_eq!(sheet_name("", &taken), "Sheet (2)");
        let long = "y".repeat(40);
        let taken = vec!["y".repeat(31)];
        let name = sheet_name(&long, &taken);
        assert_eq!((name.chars().count(), name.ends_with(" (2)")), (31, true));
    }

    #[test]
    fn over_long_text_is_cut_with_a_marker() {
        assert_eq!(cell_text("short"), "short");
        let long = "é".repeat(40_000);
        let cut = cell_text(&long);
        assert_eq!(cut.chars().count(), MAX_CELL_CHARS);
        assert!(cut.ends_with("longer than an Excel cell holds]"));
    }
}
