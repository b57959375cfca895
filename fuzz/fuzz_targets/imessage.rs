//! Fuzz target: the iMessage pieces must never panic on any bytes: the attributedBody
//! typedstream reader, the message_summary_info plist reader, and a whole chat.db read from
//! memory (bytes after the SQLite magic).
#![no_main]

use libfuzzer_sys::fuzz_target;
use walkaway_import::imessage::{bplist, typedstream};
use walkaway_import::{Options, read_bytes};

fuzz_target!(|data: &[u8]| {
    let _ = typedstream::text(data);
    let _ = bplist::summary(data);
    let mut db = b"SQLite format 3\0".to_vec();
    db.extend_from_slice(data);
    let opts = Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    };
    let _ = read_bytes("input", &db, &opts);
});
