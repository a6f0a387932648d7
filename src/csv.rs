//! CSV as Excel writes it: the officer's own files (acknowledged queries, the scorecard's
//! targets, benchmarks and commentary) are kept in Excel and saved as CSV.

/// The text of a CSV file: UTF-8 (with or without Excel's byte-order mark), or else Windows-1252,
/// which is what Excel's plain "CSV (Comma delimited)" writes on a council laptop, so a "£" or
/// a curly apostrophe in a comment is read as typed rather than refused.
pub fn decode(bytes: &[u8]) -> String {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    };
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Splits CSV text into records of fields (RFC 4180 quoting). A record ends at CRLF (Windows),
/// LF (Linux, macOS) or a lone CR (classic Mac OS, which Excel for Mac still offers as "CSV
/// (Macintosh)"), so a file saved any of these ways is read alike. Record `i` is Excel's row
/// `i + 1`, even when a quoted field holds a line break (kept as typed).
pub fn records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r' | '\n') => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_and_line_breaks() {
        let r = records("a,b\r\n\"x, \"\"y\"\"\",\"two\nlines\"\nlast");
        assert_eq!(
            r,
            vec![
                vec!["a".to_string(), "b".to_string()],
                vec!["x, \"y\"".to_string(), "two\nlines".to_string()],
                vec!["last".to_string()],
            ]
        );
    }

    #[test]
    fn crlf_lf_and_a_lone_cr_end_a_record_alike() {
        let want = vec![
            vec!["a".to_string(), "b".to_string()],
            vec!["1".to_string(), "".to_string()],
            vec!["x\ry".to_string(), "2".to_string()],
        ];
        for end in ["\r\n", "\n", "\r"] {
            let text = format!("a,b{end}1,{end}\"x\ry\",2{end}");
            assert_eq!(records(&text), want, "{end:?}");
        }
        // Without a line end after the last record, and with a blank line between records.
        assert_eq!(records("a\r\rb"), vec![vec!["a"], vec![""], vec!["b"]]);
        assert_eq!(
            records("a\r\n\r\nb\r"),
            vec![vec!["a"], vec![""], vec!["b"]]
        );
    }

    #[test]
    fn decodes_utf8_with_a_bom_and_windows_1252() {
        assert_eq!(decode("\u{feff}a,£".as_bytes()), "a,£");
        assert_eq!(decode(b"officer\x92s \xa35"), "officer’s £5");
    }
}
