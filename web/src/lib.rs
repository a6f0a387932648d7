//! `yjb-return` in a browser tab: the engine compiled to WebAssembly, behind the thinnest
//! interface a page can call without any tool beyond cargo.
//!
//! This crate is a shell, like the command line (`src/main.rs`): it takes what the page's user
//! picked and chose, calls the engine, and hands back the engine's own words, reports and
//! files. Every decision (a verdict, an exit status, what a file holds) is the engine's.
//!
//! - [`host`]: the picked files, read when a job reads them, and the folders they make;
//! - [`jobs`]: one module per command (`validate`, `build`, `check`, `diff`, `reproduce`,
//!   `scorecard`, `explain`), each from a request to an [`answer::Answer`];
//! - [`answer`]: the answer packed for the page, and the zips it offers;
//! - `abi` (WebAssembly only): the exports the page calls (`alloc`, `run`) and the imports it
//!   provides (reading a picked file, progress, a panic's message, memory running out).
//!
//! The page (`web/page/`) runs each job in a Web Worker, on a fresh instance of the module.

pub mod answer;
pub mod host;
pub mod jobs;

#[cfg(target_arch = "wasm32")]
mod abi;
