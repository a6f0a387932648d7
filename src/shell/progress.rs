//! Progress on the terminal: a spinner on standard error saying which sheet is being read and
//! how many rows so far, then each later stage. Shown only when standard error is a terminal
//! and the output is text: never in `--format json`, never when standard error is redirected
//! (a log file, a pipe, a test), so nothing a program reads ever carries it. Plain ASCII and no
//! colour, so a Windows console on any code page shows it and `NO_COLOR` has nothing to turn
//! off.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use yjb_return::progress::{Progress, Sink};

/// Whether progress is shown: only for text output to a person at a terminal.
pub fn wanted(json: bool, stderr_is_terminal: bool) -> bool {
    !json && stderr_is_terminal
}

/// The progress of a command whose output is JSON when `json` is set.
pub fn for_terminal(json: bool) -> Progress {
    if wanted(json, std::io::stderr().is_terminal()) {
        Progress::to(Spinner::new())
    } else {
        Progress::default()
    }
}

struct Spinner {
    bar: ProgressBar,
    sheet: Mutex<String>,
}

impl Spinner {
    fn new() -> Spinner {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner())
                .tick_chars("-\\|/ "),
        );
        bar.enable_steady_tick(Duration::from_millis(150));
        Spinner {
            bar,
            sheet: Mutex::new(String::new()),
        }
    }
}

impl Sink for Spinner {
    fn reading(&self, name: &str) {
        if let Ok(mut sheet) = self.sheet.lock() {
            name.clone_into(&mut sheet);
        }
        self.bar.set_message(format!("Reading sheet {name}"));
    }

    fn rows(&self, rows: u64) {
        let sheet = self.sheet.lock().map(|s| s.clone()).unwrap_or_default();
        self.bar
            .set_message(format!("Reading sheet {sheet}: {} rows", thousands(rows)));
    }

    fn stage(&self, what: &str) {
        self.bar.set_message(what.to_string());
    }

    fn done(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// `123456` as `123,456`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_only_for_text_on_a_terminal() {
        assert!(wanted(false, true));
        assert!(!wanted(true, true), "never beside JSON");
        assert!(!wanted(false, false), "never into a file or pipe");
        assert!(!wanted(true, false));
    }

    #[test]
    fn counts_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(4096), "4,096");
        assert_eq!(thousands(1_048_575), "1,048,575");
    }
}
