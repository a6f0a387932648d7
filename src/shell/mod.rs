//! What only the command line does: reading the user's files from disk ([`files`], with their
//! caps, and [`files::Disk`], the engine's [`yjb_return::folder::Folder`] on disk), placing
//! outputs whole or not at all ([`atomic`], [`folders`]), the operating system's failures put
//! into words ([`words`]), and progress on a terminal ([`progress`]).

pub mod atomic;
pub mod files;
pub mod folders;
pub mod progress;
pub mod words;
