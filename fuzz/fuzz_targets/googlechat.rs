//! Fuzz target: the Hangouts Takeout reader and its detection must never panic on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use walkaway_import::{Options, googlechat, read_bytes};

fuzz_target!(|data: &[u8]| {
    let opts = Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    };
    let _ = googlechat::sniff(data);
    let _ = googlechat::read_slice("Hangouts.json", data);
    let _ = googlechat::read("Hangouts.json", data);
    let _ = read_bytes("input", data, &opts);
});
