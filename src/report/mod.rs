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
