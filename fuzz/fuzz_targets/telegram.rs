//! Fuzz target: the Telegram reader and JSON detection must never panic on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use walkaway_import::{Options, read_bytes, telegram};

fuzz_target!(|data: &[u8]| {
    let opts = Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    };
    let _ = telegram::read_slice("result.json", data, &opts);
    let _ = telegram::read("result.json", data, &opts);
    let _ = read_bytes("input", data, &opts);
});
