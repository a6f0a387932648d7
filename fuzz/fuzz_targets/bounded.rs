#![allow(dead_code)] // each target uses what it needs of these

//! Shared by the targets that drive `diff` and `reproduce`: long values made from a short
//! input, and the property every account must keep, that no line of it holds a value whole.

/// The longest line an account may print: a few values of at most 200 characters each and
/// the tool's own words around them.
pub const MAX_LINE: usize = 2_000;

/// Splits off the first four bytes, which say which byte of the rest to repeat and how often
/// (up to 524,280 more times): a code, a label or a hash of any length, from an input that
/// stays small enough for the fuzzer to mutate. All zero (as seeded): nothing is repeated.
pub fn stretched(data: &[u8]) -> Option<Vec<u8>> {
    let (control, rest) = data.split_at_checked(4)?;
    let at = usize::from(u16::from_le_bytes([control[0], control[1]]));
    let times = usize::from(u16::from_le_bytes([control[2], control[3]])) * 8;
    let mut out = rest.to_vec();
    if times > 0 && !rest.is_empty() {
        let at = at % rest.len();
        let byte = rest[at];
        out.splice(at..at, std::iter::repeat_n(byte, times));
    }
    Some(out)
}

/// Panics (a finding for the fuzzer) when a line of `text` is longer than [`MAX_LINE`].
pub fn assert_bounded(what: &str, text: &str) {
    for line in text.lines() {
        let n = line.chars().count();
        assert!(
            n <= MAX_LINE,
            "{what}: a line of {n} characters: {}",
            line.chars().take(300).collect::<String>()
        );
    }
}
