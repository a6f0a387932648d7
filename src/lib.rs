//! `yjb-return`: validate a youth justice service's case-management export and build its
//! quarterly statutory return to the Youth Justice Board.
//!
//! Data flows one way: [`export`] reads the workbook, [`validate`] applies the data
//! dictionary, [`kpi`] aggregates the typed records into [`measures::Return`], and the writers
//! turn that into the workbook, XML and JSON.

pub mod atomic;
pub mod build;
pub mod check;
pub mod commands;
pub mod date;
pub mod definitions;
pub mod diff;
pub mod export;
pub mod kpi;
pub mod manifest;
pub mod measures;
pub mod period;
pub mod report;
pub mod return_json;
pub mod template;
pub mod validate;
pub mod workbook;
pub mod xml;

/// Lower-case hexadecimal, for SHA-256 digests (sha2 0.11 no longer formats with `{:x}`).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(bytes))
}
