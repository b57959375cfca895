//! Fuzz target: the Messenger / Instagram thread reader must never panic on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use walkaway_import::{Options, meta, read_bytes};
use walkaway_model::Source;

fuzz_target!(|data: &[u8]| {
    let opts = Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    };
    let mut t = meta::ThreadReader::new();
    t.read_slice("message_1.json", data);
    let _ = t.read("message_2.json", data);
    let _ = t.finish(Source::Messenger, Some("A"));
    let _ = meta::profile_name(data);
    let _ = read_bytes("input", data, &opts);
});
