//! Fuzz target: the LINE reader and its detection must never panic on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use walkaway_import::{Options, line, read_bytes};

fuzz_target!(|data: &[u8]| {
    let opts = Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    };
    let text = String::from_utf8_lossy(data);
    let _ = line::looks_like_line(&text);
    let _ = line::parse("chat.txt", &text, &opts);
    let mut doc = String::from("[LINE] Chat history with Sam\n");
    doc.push_str(&text);
    let _ = read_bytes("input", doc.as_bytes(), &opts);
});
