//! Progress of long work, for a person watching a terminal: a 200,000-row export takes
//! seconds to validate and the report longer, and a silent terminal looks like a hang.
//!
//! The library only says what it is doing ([`Progress`]); whether and how that is shown is the
//! command line's business (a spinner on stderr when it is a terminal, nothing otherwise), so
//! output meant for other programs never carries it.

use std::fmt;
use std::sync::Arc;

/// What long work reports as it goes.
pub trait Sink: Send + Sync {
    /// Reading of a sheet begins (`name` as the workbook has it).
    fn reading(&self, name: &str);
    /// `rows` rows of the current sheet have been read so far.
    fn rows(&self, rows: u64);
    /// A stage that is not reading rows begins ("checking across sheets", "writing the report").
    fn stage(&self, what: &str);
    /// The work is done: whatever is shown should go before the results are printed.
    fn done(&self);
}

/// Rows between two reports of the count: often enough to move, rarely enough to cost nothing.
pub const ROWS_PER_TICK: u64 = 4096;

/// A handle to an optional [`Sink`]; the default reports to nobody.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<dyn Sink>>);

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(shown)"
        } else {
            "Progress(silent)"
        })
    }
}

impl Progress {
    pub fn to(sink: impl Sink + 'static) -> Progress {
        Progress(Some(Arc::new(sink)))
    }

    pub fn reading(&self, name: &str) {
        if let Some(s) = &self.0 {
            s.reading(name);
        }
    }

    /// Called for every row; passes the count on every [`ROWS_PER_TICK`] rows.
    pub fn row(&self, rows: u64) {
        if let Some(s) = &self.0
            && rows.is_multiple_of(ROWS_PER_TICK)
        {
            s.rows(rows);
        }
    }

    pub fn stage(&self, what: &str) {
        if let Some(s) = &self.0 {
            s.stage(what);
        }
    }

    pub fn done(&self) {
        if let Some(s) = &self.0 {
            s.done();
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Mutex;

    use super::*;

    /// Records what was reported, for tests of the stages that report.
    #[derive(Default)]
    pub(crate) struct Record(pub Mutex<Vec<String>>);

    impl Sink for Arc<Record> {
        fn reading(&self, name: &str) {
            self.0.lock().unwrap().push(format!("reading {name}"));
        }
        fn rows(&self, rows: u64) {
            self.0.lock().unwrap().push(format!("rows {rows}"));
        }
        fn stage(&self, what: &str) {
            self.0.lock().unwrap().push(format!("stage {what}"));
        }
        fn done(&self) {
            self.0.lock().unwrap().push("done".into());
        }
    }

    #[test]
    fn rows_are_passed_on_every_tick_and_silence_costs_nothing() {
        let record = Arc::new(Record::default());
        let p = Progress::to(record.clone());
        for n in 1..=(ROWS_PER_TICK * 2 + 5) {
            p.row(n);
        }
        p.done();
        assert_eq!(
            *record.0.lock().unwrap(),
            vec![
                format!("rows {ROWS_PER_TICK}"),
                format!("rows {}", ROWS_PER_TICK * 2),
                "done".to_string()
            ]
        );
        let silent = Progress::default();
        silent.reading("Interventions");
        silent.row(ROWS_PER_TICK);
        assert_eq!(format!("{silent:?}"), "Progress(silent)");
    }
}
