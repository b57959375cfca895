//! Fuzz target: the Instagram activity JSON reader (comments, likes, story interactions) and
//! its sniff must never panic on any bytes; nor may the mojibake repair on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use walkaway_import::{Options, instagram, read_bytes};
use walkaway_model::Parsed;

fuzz_target!(|data: &[u8]| {
    let opts = Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    };
    let _ = instagram::is_activity_json(data);
    let mut parsed = Parsed::default();
    let _ = instagram::read_activity_json("post_comments_1.json", data, &mut parsed);
    let _ = instagram::repair_mojibake(&String::from_utf8_lossy(data));
    let _ = read_bytes("input", data, &opts);
});
