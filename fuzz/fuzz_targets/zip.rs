//! Fuzz target: the zip/folder walker must never panic on any bytes.
//!
//! Two ways in: the raw bytes as a zip (`read_bytes("x.zip", ...)`: the zip reader's handling of
//! damaged central directories, lying sizes, bombs), and, since random bytes rarely make a
//! valid archive, a real archive built from the bytes: the first byte picks entry names from
//! the layouts the walker knows (WhatsApp, Telegram, Meta "download your information",
//! Instagram activity, SMS, Signal, Discord, Hangouts, chat.db, macOS noise), and the rest is
//! split on `\0\0` into the entries' contents, so the walker's choice of entries and every
//! reader behind it are reached.
#![no_main]

use std::io::{Cursor, Write};

use libfuzzer_sys::fuzz_target;
use walkaway_import::{Options, read_bytes};

const NAMES: &[&str] = &[
    "WhatsApp Chat with Sam.txt",
    "_chat.txt",
    "result.json",
    "chats/chat_01/messages.json",
    "your_instagram_activity/messages/inbox/sam_1/message_1.json",
    "messages/inbox/sam_1/message_1.json",
    "personal_information/personal_information.json",
    "your_instagram_activity/comments/post_comments_1.json",
    "likes/liked_posts.json",
    "sms-20240101.xml",
    "calls-20240101.xml",
    "Sam/chat.md",
    "Sam - general [1].json",
    "Takeout/Hangouts/Hangouts.json",
    "chat.db",
    "__MACOSX/._chat.txt",
    "chat.csv",
    "[LINE] Chat with Sam.txt",
    "notes/readme.txt",
    "dir/",
];

fuzz_target!(|data: &[u8]| {
    let opts = Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    };
    let _ = read_bytes("x.zip", data, &opts);

    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored);
    let mut start = 0;
    let mut i = 0usize;
    loop {
        let end = memchr_pair(&rest[start..]).map(|p| start + p);
        let part = &rest[start..end.unwrap_or(rest.len())];
        let name = NAMES[(pick as usize + i * 7) % NAMES.len()];
        let name = if i > 0 && name == NAMES[pick as usize % NAMES.len()] {
            format!("{i}/{name}")
        } else {
            name.to_owned()
        };
        if name.ends_with('/') {
            let _ = w.add_directory(name, stored);
        } else if w.start_file(name, stored).is_ok() {
            let _ = w.write_all(part);
        }
        i += 1;
        match end {
            Some(e) if i < 8 => start = e + 2,
            _ => break,
        }
    }
    if let Ok(buf) = w.finish() {
        let _ = read_bytes("x.zip", &buf.into_inner(), &opts);
    }
});

fn memchr_pair(s: &[u8]) -> Option<usize> {
    s.windows(2).position(|w| w == b"\0\0")
}
