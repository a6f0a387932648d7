//! Text as the tool shows it: user values cut to a length a person can read, text made safe
//! for XML, and names listed as a person lists them. Shared by every stage.
//!
//! **Cut values.**//!
//! A cell, a measure code, a label or a field of a return can hold any text a file carries:
//! 32,767 characters from Excel, megabytes from a hand-made file. Such a value is evidence,
//! not something to read whole: a finding, a message or an account shows at most
//! [`MAX_SHOWN_CHARS`] characters of it, and says how long it was. The cut is made where the
//! finding or message is made, so that one long value repeated on many rows costs neither
//! memory nor terminal output.

use std::borrow::Cow;

/// The most characters one user value takes in a finding, a message or an account, the note
/// of its full length included.
pub const MAX_SHOWN_CHARS: usize = 200;

/// `text` as a finding or message shows it: whole when it has at most [`MAX_SHOWN_CHARS`]
/// characters, else its start followed by `... (N characters)`, N its full length, the whole
/// within [`MAX_SHOWN_CHARS`]. Cut between characters, never inside one. A text already cut
/// is left as it is.
pub fn cut(text: &str) -> Cow<'_, str> {
    // No more bytes than the limit: no more characters either (most values, at once).
    if text.len() <= MAX_SHOWN_CHARS || text.chars().nth(MAX_SHOWN_CHARS).is_none() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(cut_mapped(text, std::iter::once))
}

/// [`cut`] into a new string, `map` applied to each character kept (not to the note): a code
/// upper-cased, say, without upper-casing megabytes first.
pub fn cut_mapped<I: IntoIterator<Item = char>>(text: &str, map: impl FnMut(char) -> I) -> String {
    if text.chars().nth(MAX_SHOWN_CHARS).is_none() {
        return text.chars().flat_map(map).collect();
    }
    let note = format!("... ({} characters)", text.chars().count());
    let mut shown: String = text
        .chars()
        .take(MAX_SHOWN_CHARS - note.len())
        .flat_map(map)
        .collect();
    shown.push_str(&note);
    shown
}

/// [`cut`] for a value already owned: returned as it is when it is short enough.
pub fn cut_owned(text: String) -> String {
    match cut(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(shown) => shown,
    }
}

/// Serialises a text field [`cut`], for a value kept whole in memory (something is matched by
/// it) that a report only shows.
pub fn serialize<S: serde::Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&cut(text))
}

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

/// Names joined as a person lists them: `a`, `a and b`, `a, b and c`; beyond `at_most`
/// names, how many more.
pub fn list(names: &[String], at_most: usize) -> String {
    let mut shown: Vec<String> = names.iter().take(at_most).cloned().collect();
    if names.len() > at_most {
        shown.push(format!("{} more", names.len() - at_most));
    }
    match shown.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_shown_whole() {
        assert_eq!(cut(""), "");
        let exact = "x".repeat(MAX_SHOWN_CHARS);
        assert!(matches!(cut(&exact), Cow::Borrowed(_)));
        assert_eq!(cut_owned(exact.clone()), exact);
        // Two hundred characters of two bytes each are two hundred characters.
        let wide = "é".repeat(MAX_SHOWN_CHARS);
        assert_eq!(cut(&wide), wide);
    }

    #[test]
    fn long_values_keep_their_start_and_say_how_long_they_were() {
        let long = format!("{}{}", "a".repeat(150), "b".repeat(69_850));
        let shown = cut(&long);
        // "... (70000 characters)" is 22 characters: 178 of the value are kept.
        assert_eq!(
            shown,
            format!(
                "{}... (70000 characters)",
                "a".repeat(150) + &"b".repeat(28)
            )
        );
        assert_eq!(shown.chars().count(), MAX_SHOWN_CHARS);
        // One character over is cut too.
        let over = "z".repeat(MAX_SHOWN_CHARS + 1);
        assert_eq!(
            cut(&over),
            format!("{}... (201 characters)", "z".repeat(180))
        );
    }

    #[test]
    fn multi_byte_text_is_cut_between_characters_and_counted_in_characters() {
        // 1,000 characters of 1, 2, 3 and 4 bytes: a byte index would split one.
        let mixed = "aé€😀".repeat(250);
        let shown = cut(&mixed);
        assert!(shown.ends_with("... (1000 characters)"), "{shown}");
        assert_eq!(shown.chars().count(), MAX_SHOWN_CHARS);
        assert!(mixed.starts_with(shown.trim_end_matches("... (1000 characters)")));
    }

    #[test]
    fn a_mapped_cut_maps_the_value_and_not_the_note() {
        assert_eq!(cut_mapped("yc", char::to_uppercase), "YC");
        let long = "é".repeat(500);
        assert_eq!(
            cut_mapped(&long, char::to_uppercase),
            format!("{}... (500 characters)", "É".repeat(180))
        );
    }

    #[test]
    fn cutting_twice_changes_nothing() {
        let once = cut_owned("q".repeat(10_000_000));
        assert_eq!(cut(&once), once);
        assert_eq!(cut_owned(once.clone()), once);
    }

    #[test]
    fn lists_read_as_prose() {
        let names = |n: usize| (1..=n).map(|i| format!("f{i}")).collect::<Vec<_>>();
        assert_eq!(list(&names(0), 3), "");
        assert_eq!(list(&names(1), 3), "f1");
        assert_eq!(list(&names(2), 3), "f1 and f2");
        assert_eq!(list(&names(3), 3), "f1, f2 and f3");
        assert_eq!(list(&names(5), 3), "f1, f2, f3 and 2 more");
    }
}
