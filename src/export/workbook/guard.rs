//! The spreadsheet library run over untrusted bytes with its panics contained: a panic inside
//! it is a damaged file, reported in a sentence; a panic in the tool's own code, called back
//! from inside it, goes on as the defect it is.
//!
//! Invariant: while the library runs guarded its panics print nothing; outside, the panic hook
//! behaves as before.

use std::cell::Cell as Flag;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use super::error::{FORMAT, ReadError};

thread_local! {
    /// Set while [`guarded`] runs: a panic then is reported as a damaged file, not printed.
    static GUARDED: Flag<bool> = const { Flag::new(false) };
}

/// Runs the spreadsheet library over untrusted bytes. A panic inside it (arithmetic on a
/// hostile cell reference, say) is a defect of the library on a damaged file: it becomes a
/// sentence for the user, never a crash or a stack trace.
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, ReadError> {
    static QUIET_HOOK: Once = Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Flag::get) {
                previous(info);
            }
        }));
    });
    let outer = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(outer));
    result.map_err(|_| ReadError::Damaged(FORMAT.into()))
}

/// Runs `f`, the tool's own code called from inside [`guarded`], with panics reported as
/// usual.
pub(super) fn unguarded<T>(f: impl FnOnce() -> T) -> T {
    let outer = GUARDED.with(|g| g.replace(false));
    let result = f();
    GUARDED.with(|g| g.set(outer));
    result
}
