//! The module's interface to the page, WebAssembly only: a few numbers and byte buffers, no
//! generated glue, so nothing beyond cargo is needed to build it.
//!
//! The page instantiates the module afresh for each job, so nothing outlives a job: it writes
//! the request (JSON) into memory from [`alloc`], calls [`run`], and reads the answer
//! ([`crate::answer::Answer::pack`]) at the pointer returned, [`answer_len`] bytes long. What
//! the module asks of the page are the imports of `host`: the bytes of a picked file, progress
//! to show, the message of a panic, and that memory ran out (both of which then stop the
//! module, and the page says so in a sentence).

use std::alloc::{GlobalAlloc, Layout, System};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

use yjb_return::progress::{Progress, Sink};

use crate::host::Host;

#[link(wasm_import_module = "host")]
unsafe extern "C" {
    /// Writes the picked file `handle` (`len` bytes) at `ptr`: 0 done, 1 it no longer has
    /// that size, 2 the browser could not read it.
    fn read_file(handle: u32, ptr: *mut u8, len: usize) -> u32;
    /// Progress: `kind` 0 reading a sheet (`text` its name), 1 rows so far, 2 a stage begins
    /// (`text` what), 3 done.
    fn progress(kind: u32, text: *const u8, len: usize, rows: f64);
    /// The message of a panic, just before the module stops.
    fn panicked(text: *const u8, len: usize);
    /// An allocation of `size` bytes failed: the module is about to stop.
    fn out_of_memory(size: usize);
}

/// The system allocator, telling the page when memory runs out: the module then stops, and
/// the page's sentence says why instead of showing a bare error.
struct Watched;

// SAFETY: every call is passed unchanged to the system allocator.
unsafe impl GlobalAlloc for Watched {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            unsafe { out_of_memory(layout.size()) };
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            unsafe { out_of_memory(layout.size()) };
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            unsafe { out_of_memory(new_size) };
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Watched = Watched;

/// The files the page's worker holds.
struct Browser;

impl Host for Browser {
    fn read(&self, handle: u32, size: u64) -> Result<Vec<u8>, String> {
        let len = usize::try_from(size)
            .map_err(|_| "it is larger than this browser tab can hold".to_string())?;
        let mut bytes: Vec<u8> = Vec::new();
        bytes
            .try_reserve_exact(len)
            .map_err(|_| "this browser tab has not the memory to hold it".to_string())?;
        // SAFETY: the page writes exactly `len` bytes at the start of the reserved capacity,
        // or nothing (and says so), before the length is set.
        match unsafe { read_file(handle, bytes.as_mut_ptr(), len) } {
            0 => {
                unsafe { bytes.set_len(len) };
                Ok(bytes)
            }
            1 => Err("it has changed since it was chosen: choose it again".to_string()),
            _ => Err(
                "the browser could not read it (was it moved, renamed or opened elsewhere since \
                 it was chosen?): choose it again"
                    .to_string(),
            ),
        }
    }
}

/// Progress, passed to the page as it comes.
struct ToPage;

fn tell(kind: u32, text: &str, rows: u64) {
    // SAFETY: the page reads `text` during the call only.
    unsafe { progress(kind, text.as_ptr(), text.len(), rows as f64) }
}

impl Sink for ToPage {
    fn reading(&self, name: &str) {
        tell(0, name, 0);
    }
    fn rows(&self, rows: u64) {
        tell(1, "", rows);
    }
    fn stage(&self, what: &str) {
        tell(2, what, 0);
    }
    fn done(&self) {
        tell(3, "", 0);
    }
}

static ANSWER_LEN: AtomicUsize = AtomicUsize::new(0);

/// Room for `len` bytes the page writes (the request), handed to [`run`].
#[unsafe(no_mangle)]
pub extern "C" fn alloc(len: usize) -> *mut u8 {
    let mut bytes = std::mem::ManuallyDrop::new(Vec::<u8>::with_capacity(len));
    bytes.as_mut_ptr()
}

/// Runs the job of the request at `ptr` (`len` bytes from [`alloc`], written by the page) and
/// returns where its packed answer is; [`answer_len`] says how long.
///
/// # Safety
/// `ptr` must come from [`alloc`] with the same `len`, with `len` bytes written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn run(ptr: *mut u8, len: usize) -> *const u8 {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        // SAFETY: the page reads the message during the call only.
        unsafe { panicked(message.as_ptr(), message.len()) }
    }));
    // SAFETY: as the caller promises, `ptr` is the start of a `len`-byte allocation, all
    // written.
    let request = unsafe { Vec::from_raw_parts(ptr, len, len) };
    let answer = crate::jobs::run(&request, Rc::new(Browser), Progress::to(ToPage));
    drop(request);
    let packed = answer.pack();
    drop(answer);
    ANSWER_LEN.store(packed.len(), Ordering::Relaxed);
    // The instance ends with the job: the answer is left for the page to read.
    Box::leak(packed.into_boxed_slice()).as_ptr()
}

/// The length of the answer [`run`] returned.
#[unsafe(no_mangle)]
pub extern "C" fn answer_len() -> usize {
    ANSWER_LEN.load(Ordering::Relaxed)
}
