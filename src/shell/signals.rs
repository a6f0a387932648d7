//! Stops (Ctrl-C, a closed terminal, a stopped service): held from the program's first
//! instruction until the handler is in place, then handled by removing whatever was being
//! written before going.

use std::io::IsTerminal;

/// First of all. Ctrl-C, a closed terminal or a stopped service: remove whatever was being
/// written (an archive's staging folder holds a copy of the child-level export) before going,
/// rather than leave it for the next build to find, and end with `status`. If the handler
/// cannot be installed the tool still works; a build killed part-way is then cleaned by the
/// next build of the same target.
pub fn install(status: i32) {
    let _ = ctrlc::set_handler(move || {
        crate::shell::atomic::remove_unplaced();
        let lead = if std::io::stderr().is_terminal() {
            "\n"
        } else {
            ""
        };
        eprintln!("{lead}yjb-return: stopped. Nothing half-written was left behind.");
        std::process::exit(status);
    });
    #[cfg(target_os = "linux")]
    held::release();
}

/// A stop (Ctrl-C, SIGTERM, SIGHUP) that comes before the interrupt handler is in place is held,
/// not obeyed: the first code of the program, run by the C library as it starts (before the Rust
/// runtime and `main`), blocks those signals, and `main` unblocks them once the handler is
/// installed, so one that arrived meanwhile is then handled like any other (status 130). What
/// remains is the moment before that first code (the kernel starting the program and the
/// loader linking it): a stop then ends the process by the signal, before it has read or
/// written anything. No program can close that.
#[cfg(target_os = "linux")]
mod held {
    use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask};

    fn stops() -> SigSet {
        let mut set = SigSet::empty();
        for signal in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
            set.add(signal);
        }
        set
    }

    /// Run by the C library before `main`, on the only thread there is: nothing here may
    /// panic or allocate.
    extern "C" fn hold() {
        let _ = pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&stops()), None);
    }

    #[used]
    #[unsafe(link_section = ".init_array")]
    static HOLD: extern "C" fn() = hold;

    /// Lets the stops through to the handler, on this thread (the handler's own thread, spawned
    /// while they were held, keeps them blocked, which is harmless: a signal goes to a thread
    /// that takes it). Also a stop blocked by whoever started the program is let through: the
    /// tool's promise is that a stop is always handled.
    pub fn release() {
        let _ = pthread_sigmask(SigmaskHow::SIG_UNBLOCK, Some(&stops()), None);
    }
}
