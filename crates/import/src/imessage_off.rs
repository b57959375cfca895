//! The iMessage reader when this build has no SQLite (the `imessage` feature is off, as in the
//! in-browser app): a chat.db is recognised by its header and refused with a message that says
//! where it can be read.

use std::path::Path;

use walkaway_model::Parsed;

/// Why a SQLite file was not read.
#[derive(Debug)]
pub enum Refusal {
    /// SQLite could not open or query it.
    Open(String),
    /// A SQLite database, but not Messages' (or not readable in this build).
    NotMessages(String),
}

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// True when `head` starts like a SQLite database.
pub fn is_sqlite(head: &[u8]) -> bool {
    head.starts_with(SQLITE_MAGIC)
}

/// The advice when a chat.db cannot be opened.
pub const ACCESS_HINT: &str = "on a mac, give the terminal (or the app running walkaway) full disk access in system settings → privacy & security, or copy ~/Library/Messages/chat.db somewhere else and import the copy";

const UNAVAILABLE: &str = "a messages database (chat.db) cannot be read in this build; import it with the walkaway command-line program";

/// Refuses: this build reads no SQLite databases.
pub fn read_path(_path: &Path, _name: &str) -> Result<Parsed, Refusal> {
    Err(Refusal::NotMessages(UNAVAILABLE.to_owned()))
}

/// Refuses: this build reads no SQLite databases.
pub fn read_bytes(_name: &str, _bytes: &[u8]) -> Result<Parsed, Refusal> {
    Err(Refusal::NotMessages(UNAVAILABLE.to_owned()))
}
