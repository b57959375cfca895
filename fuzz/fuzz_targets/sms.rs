//! Fuzz target: the SMS Backup & Restore reader, its attachment filter and XML detection must
//! never panic on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use walkaway_import::{Options, read_bytes, sms};

fuzz_target!(|data: &[u8]| {
    let opts = Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    };
    let _ = sms::sniff(data);
    let _ = sms::read_slice("sms.xml", data);
    // The same bytes behind a root element, so that the rows are reached.
    let mut doc = b"<smses count=\"1\">".to_vec();
    doc.extend_from_slice(data);
    let _ = sms::read_slice("sms.xml", &doc);
    let mut calls = b"<calls>".to_vec();
    calls.extend_from_slice(data);
    let _ = sms::read_slice("calls.xml", &calls);
    let _ = read_bytes("input", &doc, &opts);
});
