//! What a job gives back to the page: the exit status the command line would end with, the
//! same words it prints, its JSON report where it has one, and the files it would write, all
//! packed into one buffer the page unpacks.

use serde::Serialize;

/// The command line's exit statuses, with the same meanings: 0 nothing blocks (fit to send,
/// reproduced, written), 1 errors found (or figures changed, or not reproduced), 2 the job
/// could not be done (an unreadable file, a missing choice).
pub const EXIT_OK: i32 = 0;
pub const EXIT_ERRORS: i32 = 1;
pub const EXIT_FAILURE: i32 = 2;

/// A job's answer.
#[derive(Debug, Default, Serialize)]
pub struct Answer {
    pub exit: i32,
    /// What the page says before anything else, prominently: `explain`'s notice that its
    /// answer holds case identifiers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<&'static str>,
    /// The verdict in one line, for the banner at the top of the results.
    pub headline: String,
    /// What the command prints on the terminal.
    pub text: String,
    /// What the command prints with `--format json`, where it has that option: the page's
    /// tables are drawn from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json: Option<String>,
    /// The files to download (or show), in the order offered; their bytes follow the answer.
    pub files: Vec<Output>,
    #[serde(skip)]
    pub bytes: Vec<Vec<u8>>,
}

/// A job that could not be done, or that stopped early with its answer (the exit status says
/// which): what `?` carries out of a job.
#[derive(Debug)]
pub struct Failed(pub Box<Answer>);

impl From<Answer> for Failed {
    fn from(answer: Answer) -> Failed {
        Failed(Box::new(answer))
    }
}

/// A job that could not be done: one sentence, exit 2.
pub fn fail(sentence: impl Into<String>) -> Failed {
    Answer::failure(sentence).into()
}

/// A file the job made.
#[derive(Debug, Serialize)]
pub struct Output {
    pub name: String,
    /// Its media type, for the browser's download.
    #[serde(rename = "type")]
    pub media: &'static str,
    pub size: usize,
    /// What it is, in a few words for the page's download button.
    pub what: String,
}

impl Answer {
    /// A job that could not be done: one sentence, exit 2.
    pub fn failure(sentence: impl Into<String>) -> Answer {
        let sentence = sentence.into();
        Answer {
            exit: EXIT_FAILURE,
            headline: sentence.clone(),
            text: format!("{sentence}\n"),
            ..Answer::default()
        }
    }

    /// Offers a file for download.
    pub fn file(&mut self, name: &str, bytes: Vec<u8>, what: &str) {
        self.files.push(Output {
            name: name.to_string(),
            media: media(name),
            size: bytes.len(),
            what: what.to_string(),
        });
        self.bytes.push(bytes);
    }

    /// The answer as the page reads it: the length of the JSON (4 bytes, little-endian), the
    /// JSON, then each file's bytes in the order listed.
    pub fn pack(&self) -> Vec<u8> {
        let json = serde_json::to_vec(self).expect("an answer is serialisable");
        let total: usize = self.bytes.iter().map(Vec::len).sum();
        let mut out = Vec::with_capacity(4 + json.len() + total);
        out.extend_from_slice(&(json.len() as u32).to_le_bytes());
        out.extend_from_slice(&json);
        for b in &self.bytes {
            out.extend_from_slice(b);
        }
        out
    }
}

/// The media type of a file the tool writes, by its ending.
fn media(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xml" => "application/xml",
        "json" => "application/json",
        "csv" => "text/csv",
        "html" => "text/html",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// Files as one zip, in the order given, every entry dated `at` (the generation time), so
/// the same files always give the same zip. Workbooks and exports are zips already and are
/// stored; text is compressed.
pub fn zip(files: &[(&str, &[u8])], at: yjb_return::date::Timestamp) -> Vec<u8> {
    use std::io::Write as _;
    let (h, m, s) = at.hms();
    let when = zip::DateTime::from_date_and_time(
        at.date.year().clamp(1980, 2107) as u16,
        at.date.month() as u8,
        at.date.day() as u8,
        h as u8,
        m as u8,
        s as u8,
    )
    .unwrap_or_default();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        let method = if name.to_ascii_lowercase().ends_with(".xlsx") {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(when)
            .large_file(bytes.len() as u64 >= u64::from(u32::MAX));
        w.start_file(*name, options)
            .and_then(|()| w.write_all(bytes).map_err(Into::into))
            .expect("writing a zip in memory cannot fail");
    }
    w.finish()
        .expect("writing a zip in memory cannot fail")
        .into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_packs_its_json_then_its_files() {
        let mut a = Answer {
            headline: "Verdict: passed".into(),
            ..Answer::default()
        };
        a.file("return.xml", b"<r/>".to_vec(), "the figures as XML");
        a.file("x.zip", b"PK".to_vec(), "both");
        let packed = a.pack();
        let n = u32::from_le_bytes(packed[..4].try_into().unwrap()) as usize;
        let json: serde_json::Value = serde_json::from_slice(&packed[4..4 + n]).unwrap();
        assert_eq!(json["headline"], "Verdict: passed");
        assert_eq!(json["files"][0]["type"], "application/xml");
        assert_eq!(json["files"][1]["size"], 2);
        assert_eq!(&packed[4 + n..], b"<r/>PK");
        assert!(json.get("json").is_none());
    }

    #[test]
    fn the_same_files_and_time_make_the_same_zip() {
        let at = yjb_return::date::Timestamp::parse("2024-10-21T09:30:00Z").unwrap();
        let files: [(&str, &[u8]); 2] = [("return.xml", b"<r/>"), ("input.xlsx", b"PK")];
        let a = zip(&files, at);
        assert_eq!(a, zip(&files, at));
        let mut read = zip::ZipArchive::new(std::io::Cursor::new(a)).unwrap();
        assert_eq!(read.len(), 2);
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut read.by_name("return.xml").unwrap(), &mut xml).unwrap();
        assert_eq!(xml, "<r/>");
        let entry = read.by_name("input.xlsx").unwrap();
        assert_eq!(entry.compression(), zip::CompressionMethod::Stored);
        let t = entry.last_modified().unwrap();
        assert_eq!((t.year(), t.month(), t.day(), t.hour()), (2024, 10, 21, 9));
    }
}
