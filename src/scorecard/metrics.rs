//! How wide text prints in Arial (and Liberation Sans, which has the same metrics), so the HTML
//! pages and the workbook's rows can be sized before any program draws them: every estimate is
//! a little wider than the text, never narrower, so a page or a row made to hold it does.

/// Widths of the printable ASCII characters in Arial (Helvetica's metrics), in thousandths of
/// the font size, from the space (32) to the tilde (126).
const WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // ' '..'/'
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // '0'..'9'
    278, 278, 584, 584, 584, 556, 1015, // ':'..'@'
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667,
    611, 722, 667, 944, 667, 667, 611, // 'A'..'Z'
    278, 278, 278, 469, 556, 333, // '['..'`'
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
    278, 556, 500, 722, 500, 500, 500, // 'a'..'z'
    334, 260, 334, 584, // '{'..'~'
];

/// Bold is up to a tenth wider; any other font a browser falls back to a little wider still.
const BOLD: f64 = 1.1;
const SAFETY: f64 = 1.02;

/// The width of one character, in thousandths of the font size: anything beyond ASCII (an
/// arrow, an accented letter, a character of another script) as a full em, the widest.
fn advance(c: char) -> u16 {
    let code = c as u32;
    if (32..127).contains(&code) {
        WIDTHS[(code - 32) as usize]
    } else {
        1000
    }
}

/// The width of a text in points.
pub fn width(text: &str, size: f64, bold: bool) -> f64 {
    let thousandths: u64 = text.chars().map(|c| u64::from(advance(c))).sum();
    let w = thousandths as f64 / 1000.0 * size * SAFETY;
    if bold { w * BOLD } else { w }
}

/// How many lines a text takes in `width` points, wrapped at spaces (a word longer than the
/// line is broken, as the page's `overflow-wrap: anywhere` lets the browser do); a line break
/// in the text starts a new line. Never less than one.
pub fn lines(text: &str, size: f64, bold: bool, line_width: f64) -> usize {
    let space = width(" ", size, bold);
    let mut total = 0;
    for paragraph in text.split('\n') {
        let mut count = 1;
        let mut used = 0.0;
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let w = width(word, size, bold);
            if w > line_width {
                // Broken across lines: it starts on a fresh line and fills whole ones.
                if used > 0.0 {
                    count += 1;
                }
                let pieces = (w / line_width).ceil().max(1.0) as usize;
                count += pieces - 1;
                used = w - (pieces - 1) as f64 * line_width;
                continue;
            }
            let need = if used > 0.0 { used + space + w } else { w };
            if need > line_width {
                count += 1;
                used = w;
            } else {
                used = need;
            }
        }
        total += count;
    }
    total.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_arials_metrics() {
        // "Hi" at 10 pt: H 722 + i 222 = 944 thousandths, times the safety margin.
        assert!((width("Hi", 10.0, false) - 9.44 * SAFETY).abs() < 1e-9);
        assert!(width("Hi", 10.0, true) > width("Hi", 10.0, false));
        // Beyond ASCII counts as a full em.
        assert!((width("→", 10.0, false) - 10.0 * SAFETY).abs() < 1e-9);
    }

    #[test]
    fn lines_wrap_at_spaces_and_break_long_words() {
        let one = width("aaaa", 10.0, false);
        // Two words of four letters fit side by side only with the space between them.
        assert_eq!(lines("aaaa aaaa", 10.0, false, one * 2.0), 2);
        assert_eq!(
            lines(
                "aaaa aaaa",
                10.0,
                false,
                one * 2.0 + width(" ", 10.0, false)
            ),
            1
        );
        // A word three lines long, then a short one on the line it ends.
        assert_eq!(lines(&"a".repeat(12), 10.0, false, one), 3);
        assert_eq!(lines(&format!("{} a", "a".repeat(10)), 10.0, false, one), 3);
        // Line breaks start new lines; nothing is still one line.
        assert_eq!(lines("a\nb\nc", 10.0, false, 100.0), 3);
        assert_eq!(lines("", 10.0, false, 100.0), 1);
    }
}
