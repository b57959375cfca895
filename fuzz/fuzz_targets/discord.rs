//! Fuzz target: the DiscordChatExporter reader and its detection must never panic on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use walkaway_import::{Options, discord, read_bytes};

fuzz_target!(|data: &[u8]| {
    let opts = Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    };
    let _ = discord::sniff(data);
    let _ = discord::read_slice("channel.json", data);
    let _ = discord::read("channel.json", data);
    let _ = read_bytes("input", data, &opts);
});
