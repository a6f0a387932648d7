//! What only the command line does: reading the user's files from disk ([`files`], with their
//! caps, and [`files::Disk`], the engine's [`yjb_return::folder::Folder`] on disk), placing
//! outputs whole or not at all ([`atomic`], [`folders`]), the operating system's failures put
//! into words ([`words`]), progress on a terminal ([`progress`]), and stops held until they
//! can be handled, then handled ([`signals`]).

pub mod atomic;
pub mod files;
pub mod folders;
pub mod progress;
pub mod signals;
pub mod words;
