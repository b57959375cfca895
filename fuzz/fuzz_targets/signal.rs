//! Fuzz target: the signal-export Markdown reader and its detection must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use walkaway_import::{Options, read_bytes, signal};

fuzz_target!(|data: &[u8]| {
    let opts = Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    };
    let text = String::from_utf8_lossy(data);
    let _ = signal::looks_like_signal(&text);
    let _ = signal::read("Ann/chat.md", &text, &opts);
    let _ = read_bytes("input", data, &opts);
});
