//! The process's exit status: what a script reads after a command, the same four for every
//! command (README.md documents them command by command).

/// How a command ended, as the exit status says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: the command did its job and found nothing in the way. `validate`: no errors (warnings
    /// allowed); `build`: the return was written; `check`: fit to send; `reproduce`: reproduced
    /// byte for byte; `diff`: no figure changed; `scorecard`: written; `rules`: listed.
    Ok = 0,
    /// 1: the command ran and found what stops the work. `validate`: errors found; `build`:
    /// refused, the export has errors; `check`: not fit to send (an error, a provisional
    /// return, figures edited after the build); `reproduce`: not reproduced; `diff`: figures
    /// changed; `scorecard`: an input has errors, nothing was written.
    Findings = 1,
    /// 2: the command could not do its job: a file that cannot be read, an output that cannot
    /// be written, a target refused before any work, or the command line misused (as clap
    /// reports a usage error).
    Failure = 2,
    /// 130: stopped by Ctrl-C, a closed terminal or a stopped service, after removing whatever
    /// was half-written (128 + SIGINT, as shells report one).
    Interrupted = 130,
}

impl Exit {
    /// The status as the operating system takes it.
    pub fn code(self) -> i32 {
        self as i32
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statuses_are_those_the_readme_documents() {
        assert_eq!(Exit::Ok.code(), 0);
        assert_eq!(Exit::Findings.code(), 1);
        assert_eq!(Exit::Failure.code(), 2);
        assert_eq!(Exit::Interrupted.code(), 130);
    }
}
