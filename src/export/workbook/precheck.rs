//! The checks made before a workbook is opened: it is a zip, not an old or encrypted file, not
//! a zip bomb, and no count in it would make the reader reserve memory the content cannot fill.
//! Used by every reader of untrusted .xlsx files (the export, and a return workbook given to
//! `check`).
//!
//! Invariant: only the central directory and the shared-strings table's first element are
//! read; nothing is decompressed beyond that before the file is accepted.

use std::io::{BufReader, Cursor};

use super::error::ReadError;

/// The most a workbook may unpack to. Measured: an export unpacks to about 1.1 KB per
/// intervention in all (Excel's fullest Interventions sheet, every row complete, is about
/// 1.26 GB); this leaves room for the other sheets and suppliers' extra columns. The
/// reasoning is in docs/decisions.md.
pub const MAX_UNPACKED_BYTES: u64 = 3 << 30;
/// An entry that compresses better than this (and is not tiny) is treated as a zip bomb.
/// Sheets as spreadsheet programs write them compress about 8:1, shared strings about 10:1;
/// deflate cannot exceed about 1,030:1.
pub const MAX_COMPRESSION_RATIO: u64 = 500;

/// The checks made before a workbook is opened: it is a zip, not an old or encrypted file,
/// not a zip bomb, and no count in it would make the reader reserve memory the content cannot
/// fill. Used by every reader of untrusted .xlsx files (the export, and a return workbook
/// given to `check`).
pub fn precheck(bytes: &[u8]) -> Result<(), ReadError> {
    sniff(bytes)?;
    check_zip(bytes)?;
    check_shared_strings(bytes)
}

/// The fewest bytes one shared string takes (`<si/>`).
const MIN_SHARED_STRING_BYTES: u64 = 5;
/// A declared count this small is harmless to reserve, whatever the content.
const HARMLESS_SHARED_STRINGS: u64 = 1 << 20;

/// Refuses a shared-strings table whose declared `uniqueCount` is more than its content could
/// hold: the library reserves memory for that many strings up front, so
/// `uniqueCount="4294967295"` in a tiny file would otherwise ask for about 100 GB and abort.
fn check_shared_strings(bytes: &[u8]) -> Result<(), ReadError> {
    use quick_xml::events::Event;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| ReadError::Damaged("its zip archive is damaged".into()))?;
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|_| ReadError::Damaged("its zip archive is damaged".into()))?;
        let is_table = entry
            .name()
            .map(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
            .unwrap_or(false);
        if !is_table {
            continue;
        }
        let size = entry.size();
        let mut xml = quick_xml::Reader::from_reader(BufReader::new(entry));
        let mut buf = Vec::new();
        let declared = loop {
            buf.clear();
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                    break e
                        .try_get_attribute("uniqueCount")
                        .ok()
                        .flatten()
                        .and_then(|a| count(&a.value));
                }
                Ok(Event::Eof) | Err(_) => break None,
                Ok(_) => {}
            }
        };
        if let Some(n) = declared
            && n > HARMLESS_SHARED_STRINGS
            && n > size / MIN_SHARED_STRING_BYTES
        {
            return Err(ReadError::Damaged(format!(
                "its shared-strings table says it holds {n} strings, but its {size} bytes \
                 cannot hold more than {}",
                size / MIN_SHARED_STRING_BYTES
            )));
        }
    }
    Ok(())
}

/// A count as the library reads it: decimal digits, leading zeros allowed.
fn count(raw: &str) -> Option<u64> {
    let digits = raw.trim_start_matches('0');
    if digits.is_empty() {
        return Some(0);
    }
    digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| digits.parse().ok())
        .flatten()
}

fn sniff(bytes: &[u8]) -> Result<(), ReadError> {
    if bytes.starts_with(b"PK\x03\x04") {
        Ok(())
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Err(compound_kind(bytes))
    } else if bytes.starts_with(b"PK\x05\x06") {
        Err(ReadError::Damaged("the zip archive is empty".into()))
    } else {
        Err(ReadError::NotXlsx)
    }
}

/// Tells an old .xls from a password-protected .xlsx: both are OLE compound files, told apart
/// by the names of their streams, which the file's directory holds in UTF-16LE, each ended by
/// a NUL: an encrypted .xlsx has `EncryptionInfo` and `EncryptedPackage`, an .xls `Workbook`
/// (Excel 97 and later) or `Book` (Excel 5).
fn compound_kind(bytes: &[u8]) -> ReadError {
    let has = |name: &str| {
        let needle: Vec<u8> = name
            .encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect();
        bytes.windows(needle.len()).any(|w| w == needle)
    };
    if has("EncryptedPackage") || has("EncryptionInfo") {
        ReadError::Encrypted
    } else if has("Workbook") || has("Book") {
        ReadError::OldXls
    } else {
        ReadError::OldOrEncrypted
    }
}

/// Refuses zip bombs and non-workbook zips from the central directory alone, before anything
/// is decompressed.
fn check_zip(bytes: &[u8]) -> Result<(), ReadError> {
    let broken = || ReadError::Damaged("its zip archive is incomplete or damaged".into());
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| broken())?;
    let mut total: u64 = 0;
    let mut has_workbook = false;
    let mut kind = None;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|_| broken())?;
        let name = entry.name().map_err(|_| broken())?.into_owned();
        match name.as_str() {
            "xl/workbook.xml" => has_workbook = true,
            "xl/workbook.bin" => kind = Some("an .xlsb (binary) workbook"),
            "content.xml" => kind = Some("an OpenDocument (.ods) spreadsheet"),
            "word/document.xml" => kind = Some("a Word document"),
            _ => {}
        }
        if entry.encrypted() {
            return Err(ReadError::Encrypted);
        }
        let size = entry.size();
        total = total.saturating_add(size);
        if size > (1 << 20) && size / entry.compressed_size().max(1) > MAX_COMPRESSION_RATIO {
            return Err(ReadError::TooLarge(format!(
                "{name} is {size} bytes compressed {}:1",
                size / entry.compressed_size().max(1)
            )));
        }
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(ReadError::TooLarge(format!("{total} bytes in all")));
    }
    match (has_workbook, kind) {
        (true, _) => Ok(()),
        (false, kind) => Err(ReadError::WrongKind(kind)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{open, read};
    use super::*;

    #[test]
    fn refuses_what_is_not_a_workbook() {
        assert_eq!(open(b"hello, world").err(), Some(ReadError::NotXlsx));
        assert_eq!(open(b"").err(), Some(ReadError::NotXlsx));
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert_eq!(open(&ole).err(), Some(ReadError::OldOrEncrypted));
        // The stream names of a directory entry, UTF-16LE and NUL-ended.
        let with = |name: &str| {
            let mut bytes = ole.to_vec();
            bytes.extend(name.encode_utf16().chain([0]).flat_map(u16::to_le_bytes));
            bytes
        };
        assert_eq!(read(&with("Workbook")).unwrap_err(), ReadError::OldXls);
        assert_eq!(read(&with("Book")).unwrap_err(), ReadError::OldXls);
        assert_eq!(
            read(&with("EncryptedPackage")).unwrap_err(),
            ReadError::Encrypted
        );
        assert_eq!(
            read(&with("EncryptionInfo")).unwrap_err(),
            ReadError::Encrypted
        );
        // A name that merely ends like one is not it.
        assert_eq!(
            read(&with("NotAWorkbookX")).unwrap_err(),
            ReadError::OldOrEncrypted
        );
        assert_eq!(ReadError::Encrypted.code(), "F002");
        assert!(matches!(
            open(b"PK\x03\x04truncated").err(),
            Some(ReadError::Damaged(_))
        ));
    }
}
