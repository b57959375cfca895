//! Fuzz target: the generic CSV reader and its detection must never panic on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use walkaway_import::{Options, csv, read_bytes};

fuzz_target!(|data: &[u8]| {
    let opts = Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    };
    let _ = csv::sniff(data);
    let mut doc = b"timestamp,sender,text,kind,is_me,handle,chat,source\n".to_vec();
    doc.extend_from_slice(data);
    for d in [b',', b';', b'\t'] {
        let _ = csv::read_slice("chat.csv", &doc, d, &opts);
    }
    let _ = read_bytes("input", &doc, &opts);
});
