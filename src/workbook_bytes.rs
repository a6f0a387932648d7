//! The same workbook bytes on every operating system.
//!
//! A workbook is a zip, and each entry of a zip's central directory names the system that
//! wrote it ("version made by": 3 for Unix, 0 for MS-DOS). The zip writer under the
//! spreadsheet library fills that in from the system it runs on, so the same return built on
//! Windows and on Linux differed in those bytes and nothing else: a return built on a council's
//! Windows laptop could not be reproduced byte-identical on an auditor's Mac or Linux machine,
//! nor the other way round. Every workbook the tool writes passes through [`same_everywhere`],
//! which names Unix in every entry; the attributes beside it are the same on both systems.

/// The signatures that start the zip records read here.
const CENTRAL_ENTRY: [u8; 4] = *b"PK\x01\x02";
const END: [u8; 4] = *b"PK\x05\x06";
const ZIP64_LOCATOR: [u8; 4] = *b"PK\x06\x07";
const ZIP64_END_RECORD: [u8; 4] = *b"PK\x06\x06";
/// "Version made by"'s high byte for Unix.
const UNIX: u8 = 3;

/// `zip` (a workbook just written) with every central-directory entry marked as made on Unix.
/// Bytes that are not a zip laid out as the writer lays it out (no comment after the end
/// record) are returned unchanged.
pub fn same_everywhere(mut zip: Vec<u8>) -> Vec<u8> {
    if let Some(entries) = central_entries(&zip) {
        for at in entries {
            zip[at + 5] = UNIX;
        }
    }
    zip
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    Some(usize::from(u16::from_le_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    usize::try_from(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?)).ok()
}

fn u64_at(b: &[u8], at: usize) -> Option<usize> {
    usize::try_from(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?)).ok()
}

/// The offset of every central-directory entry, or `None` if the layout is not the expected
/// one (checked whole before anything is changed).
fn central_entries(b: &[u8]) -> Option<Vec<usize>> {
    let end = b.len().checked_sub(22)?;
    if b.get(end..end + 4)? != END {
        return None;
    }
    let (mut count, mut at) = (u16_at(b, end + 10)?, u32_at(b, end + 16)?);
    // A large workbook's zip keeps the real numbers in its Zip64 end record.
    if count == 0xFFFF || at == 0xFFFF_FFFF {
        let locator = end.checked_sub(20)?;
        if b.get(locator..locator + 4)? != ZIP64_LOCATOR {
            return None;
        }
        let record = u64_at(b, locator + 8)?;
        if b.get(record..record + 4)? != ZIP64_END_RECORD {
            return None;
        }
        count = u64_at(b, record + 32)?;
        at = u64_at(b, record + 48)?;
    }
    let mut entries = Vec::with_capacity(count.min(b.len() / 46));
    for _ in 0..count {
        if b.get(at..at + 4)? != CENTRAL_ENTRY {
            return None;
        }
        entries.push(at);
        let variable = u16_at(b, at + 28)? + u16_at(b, at + 30)? + u16_at(b, at + 32)?;
        at = at.checked_add(46 + variable)?;
    }
    Some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    /// A zip of two entries, each written as made on `system`.
    fn zip_made_on(system: zip::System, large: bool) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default()
            .system(system)
            .unix_permissions(0o600)
            .large_file(large);
        for (name, text) in [("a.xml", "<a/>"), ("xl/b.xml", "<b/>")] {
            z.start_file(name, options).unwrap();
            z.write_all(text.as_bytes()).unwrap();
        }
        z.finish().unwrap().into_inner()
    }

    #[test]
    fn a_zip_written_on_windows_becomes_the_one_written_on_unix() {
        for large in [false, true] {
            let dos = zip_made_on(zip::System::Dos, large);
            let unix = zip_made_on(zip::System::Unix, large);
            assert_ne!(dos, unix, "large {large}");
            assert_eq!(same_everywhere(dos), unix, "large {large}");
            assert_eq!(same_everywhere(unix.clone()), unix, "large {large}");
        }
    }

    #[test]
    fn a_real_workbook_is_marked_as_made_on_unix_and_still_reads() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet().write_string(0, 0, "x").unwrap();
        let bytes = same_everywhere(wb.save_to_buffer().unwrap());
        let entries = central_entries(&bytes).unwrap();
        assert!(entries.len() > 5, "{entries:?}");
        assert!(entries.iter().all(|&at| bytes[at + 5] == UNIX));
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        assert!(z.by_name("xl/workbook.xml").is_ok());
    }

    #[test]
    fn anything_else_is_left_as_it_is() {
        for bytes in [
            Vec::new(),
            b"not a zip at all, but long enough to hold an end record".to_vec(),
            {
                let mut z = zip_made_on(zip::System::Dos, false);
                z.extend_from_slice(b"trailing");
                z
            },
            {
                // An end record pointing past the end of the bytes.
                let mut z = zip_made_on(zip::System::Dos, false);
                let end = z.len() - 22;
                z[end + 16..end + 20].copy_from_slice(&u32::MAX.to_le_bytes()[..]);
                z[end + 10..end + 12].copy_from_slice(&3u16.to_le_bytes());
                z
            },
        ] {
            assert_eq!(same_everywhere(bytes.clone()), bytes);
        }
    }
}
