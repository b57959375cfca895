//! Fuzz target: the WhatsApp parser and format detection must never panic on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use walkaway_import::{Options, read_bytes, whatsapp};

fuzz_target!(|data: &[u8]| {
    let opts = Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    };
    let text = String::from_utf8_lossy(data);
    let _ = whatsapp::parse(&text, &opts);
    let _ = read_bytes("input", data, &opts);
});
