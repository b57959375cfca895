//! signal-export Markdown chats: synthetic chats of both header versions, and the chat-miner
//! sample of the shared corpus when it is present (EXPECTED.md "Signal").

use std::path::PathBuf;

use walkaway_import::{Options, read_bytes, read_path};
use walkaway_model::{Kind, ParsedChat, Source};

fn utc() -> Options {
    Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    }
}

fn rows(c: &ParsedChat) -> Vec<(String, Kind, Option<&str>, &str)> {
    c.events
        .iter_texts()
        .map(|(e, t)| {
            (
                jiff::Timestamp::from_millisecond(e.ts).unwrap().to_string(),
                e.kind,
                e.sender.map(|s| c.people[s as usize].as_str()),
                t,
            )
        })
        .collect()
}

const CURRENT: &str = "[2024-05-29 15:04:05] Me: How is everyone?  \n\
[2024-05-29 15:10:00] Aya: \n\n> How is everyone?\n\nWe're great!  \n(- Me: 👍, Jim: ❤️ -)\n\
[2024-05-29 15:20:00] Jim: look ![IMG_1.jpg](./media/2024-05-29T15-20-00_00_IMG_1.jpg)  \n\
[2024-05-29 15:21:00] Jim: [voice.m4a](./media/voice.m4a)  \n\
[2024-05-29 15:22:00] Jim: (This message was deleted)\n\
[2024-05-29 15:30:00] Aya: Incoming voice call (accepted, 5m 3s)  \n\
[2024-05-29 15:40:00] Me: Outgoing video call (unanswered)  \n\
[2024-05-29 15:50:00] Aya: see [the docs](https://example.org) \n  second line  \n";

#[test]
fn current_version_every_variant() {
    let i = read_bytes("Book club/chat.md", CURRENT.as_bytes(), &utc()).unwrap();
    assert_eq!(i.format, "signal-md");
    let [c] = i.parsed.chats.as_slice() else {
        panic!("{:?}", i.parsed)
    };
    assert_eq!(c.source, Some(Source::Signal));
    assert_eq!(c.title.as_deref(), Some("Book club"));
    assert_eq!(c.me_hint, Some(0));
    assert_eq!(
        rows(c),
        [
            (
                "2024-05-29T15:04:05Z".into(),
                Kind::Text,
                Some("Me"),
                "How is everyone?"
            ),
            (
                "2024-05-29T15:10:00Z".into(),
                Kind::Text,
                Some("Aya"),
                "We're great!"
            ),
            (
                "2024-05-29T15:10:00Z".into(),
                Kind::Reaction,
                Some("Me"),
                "👍"
            ),
            (
                "2024-05-29T15:10:00Z".into(),
                Kind::Reaction,
                Some("Jim"),
                "❤️"
            ),
            (
                "2024-05-29T15:20:00Z".into(),
                Kind::Media,
                Some("Jim"),
                "look"
            ),
            ("2024-05-29T15:21:00Z".into(), Kind::Voice, Some("Jim"), ""),
            (
                "2024-05-29T15:22:00Z".into(),
                Kind::Deleted,
                Some("Jim"),
                ""
            ),
            (
                "2024-05-29T15:30:00Z".into(),
                Kind::Call,
                Some("Aya"),
                "Incoming voice call (accepted, 5m 3s)"
            ),
            (
                "2024-05-29T15:40:00Z".into(),
                Kind::MissedCall,
                Some("Me"),
                "Outgoing video call (unanswered)"
            ),
            (
                "2024-05-29T15:50:00Z".into(),
                Kind::Text,
                Some("Aya"),
                "see [the docs](https://example.org)\n  second line"
            ),
        ]
    );
}

#[test]
fn local_times_in_the_zone_and_whatsapp_untouched() {
    let berlin = Options {
        tz: jiff::tz::TimeZone::get("Europe/Berlin").unwrap(),
        date_order: None,
    };
    let i = read_bytes("chat.md", b"[2019-12-24, 12:23] Ann: hi\n", &berlin).unwrap();
    assert_eq!(rows(&i.parsed.chats[0])[0].0, "2019-12-24T11:23:00Z");
    // A WhatsApp iOS export with ISO dates (seconds, no trailing spaces) stays WhatsApp.
    let w = read_bytes("_chat.txt", b"[2019-12-24 12:23:00] Ann: hi\n", &utc()).unwrap();
    assert_ne!(w.format, "signal-md");
}

#[test]
fn corpus_chat_miner() {
    let dir = std::env::var_os("WALKAWAY_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"))
        .join("signal");
    if !dir.is_dir() {
        eprintln!(
            "skipped: no corpus at {} (set WALKAWAY_CORPUS)",
            dir.display()
        );
        return;
    }
    let i = read_path(&dir.join("chat-miner__test_export.txt"), &utc()).unwrap();
    assert_eq!(i.format, "signal-md");
    let [c] = i.parsed.chats.as_slice() else {
        panic!()
    };
    // chat-miner joins continuation lines with a space; we keep the newline, as for WhatsApp.
    assert_eq!(
        rows(c),
        [
            (
                "2019-12-24T12:23:00Z".into(),
                Kind::Text,
                Some("Jane Doe"),
                "Hello John!"
            ),
            (
                "2020-01-17T21:49:00Z".into(),
                Kind::Text,
                Some("John Doe"),
                "Hello\nJane!"
            ),
        ]
    );
}
