//! Excel's own vocabulary, shared by every stage that reads or writes a workbook: column
//! letters, how a sheet is named in a reference, what a sheet name and a cell may hold.

use crate::text::xml_safe;

/// Excel's column letters for a 0-based index (0 → A, 26 → AA).
pub fn column_letters(mut index: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII")
}

/// How a sheet name must be written in a formula or link: quoted when it is not a plain word.
/// A name longer than any Excel gives a sheet (a hand-made file's) is [`cut`](crate::text::cut):
/// every finding on the sheet shows it.
pub fn sheet_ref(name: &str) -> String {
    let name = crate::text::cut(name);
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        name.to_string()
    } else {
        format!("'{}'", name.replace('\'', "''"))
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

    #[test]
    fn letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(5), "F");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn quoted_sheet_names() {
        assert_eq!(sheet_ref("Orders"), "Orders");
        assert_eq!(sheet_ref("Board Attendance"), "'Board Attendance'");
        assert_eq!(sheet_ref("O'Neil"), "'O''Neil'");
        let long = format!("{}Orders", " ".repeat(100_000));
        assert_eq!(
            sheet_ref(&long),
            format!("'{}... (100006 characters)'", " ".repeat(177))
        );
    }
}
