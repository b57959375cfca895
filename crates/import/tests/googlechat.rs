//! Google Hangouts Takeout (Hangouts.json): a synthetic export, and the corpus sample when
//! present (EXPECTED.md "Google Hangouts").

use std::path::PathBuf;

use walkaway_import::{Options, googlechat, read_bytes, read_path};
use walkaway_model::{Kind, ParsedChat, Source};

fn utc() -> Options {
    Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    }
}

fn rows(c: &ParsedChat) -> Vec<(i64, Kind, Option<&str>, &str)> {
    c.events
        .iter_texts()
        .map(|(e, t)| {
            (
                e.ts,
                e.kind,
                e.sender.map(|s| c.people[s as usize].as_str()),
                t,
            )
        })
        .collect()
}

const SAMPLE: &str = r#"{"conversations": [
 {"conversation": {"conversation_id": {"id": "c1"}, "conversation": {"id": {"id": "c1"}, "type": "STICKY_ONE_TO_ONE",
   "self_conversation_state": {"self_read_state": {"participant_id": {"gaia_id": "1", "chat_id": "1"}}},
   "participant_data": [{"id": {"gaia_id": "2", "chat_id": "2"}, "fallback_name": "Ann"}, {"id": {"gaia_id": "1", "chat_id": "1"}, "fallback_name": "Me Myself"}]}},
  "events": [
   {"sender_id": {"gaia_id": "2"}, "timestamp": "1600000000000000", "event_type": "REGULAR_CHAT_MESSAGE",
    "chat_message": {"message_content": {"segment": [{"type": "TEXT", "text": "hi"}, {"type": "LINE_BREAK", "text": "\n"}, {"type": "LINK", "text": "https://example.org"}]}}},
   {"sender_id": {"gaia_id": "1"}, "timestamp": "1600000060000000", "event_type": "HANGOUT_EVENT", "hangout_event": {"event_type": "START_HANGOUT"}},
   {"sender_id": {"gaia_id": "2"}, "timestamp": "1600000090000000", "event_type": "HANGOUT_EVENT", "hangout_event": {"event_type": "END_HANGOUT", "hangout_duration_secs": "30"}},
   {"sender_id": {"gaia_id": "2"}, "timestamp": "1600000120000000", "event_type": "HANGOUT_EVENT", "hangout_event": {"event_type": "START_HANGOUT"}},
   {"sender_id": {"gaia_id": "2"}, "timestamp": "1600000125000000", "event_type": "HANGOUT_EVENT", "hangout_event": {"event_type": "END_HANGOUT", "hangout_duration_secs": "0"}},
   {"sender_id": {"gaia_id": "1"}, "timestamp": "1600000200000000", "event_type": "REGULAR_CHAT_MESSAGE",
    "chat_message": {"message_content": {"attachment": [{"embed_item": {"type": ["PLUS_PHOTO"]}}]}}},
   {"sender_id": {"gaia_id": "1"}, "timestamp": "1600000300000000", "event_type": "RENAME_CONVERSATION"},
   {"sender_id": {"gaia_id": "1"}, "timestamp": "soon", "event_type": "REGULAR_CHAT_MESSAGE"}
  ]},
 {"conversation": {"conversation": {"name": "empty"}}, "events": []}
]}"#;

#[test]
fn every_variant() {
    let i = read_bytes("Hangouts.json", SAMPLE.as_bytes(), &utc()).unwrap();
    assert_eq!(i.format, "hangouts-json");
    let [c] = i.parsed.chats.as_slice() else {
        panic!("{:?}", i.parsed)
    };
    assert_eq!(c.source, Some(Source::GoogleChat));
    assert_eq!(c.people, ["Ann", "Me Myself"]);
    assert_eq!(c.handles, ["2", "1"]);
    assert_eq!(c.me_hint, Some(1));
    assert_eq!(c.title.as_deref(), Some("Ann"));
    let t = 1_600_000_000_000;
    assert_eq!(
        rows(c),
        [
            (t, Kind::Text, Some("Ann"), "hi\nhttps://example.org"),
            (t + 60_000, Kind::Call, Some("Me Myself"), "call, 30 s"),
            (t + 120_000, Kind::MissedCall, Some("Ann"), "missed call"),
            (t + 200_000, Kind::Media, Some("Me Myself"), ""),
            (t + 300_000, Kind::System, None, "RENAME_CONVERSATION"),
        ]
    );
    let msgs: Vec<&str> = i
        .parsed
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        msgs,
        [
            "Hangouts.json: conversation 1: record 8: has no usable timestamp; skipped",
            "Hangouts.json: conversation 2: holds no events; skipped",
        ]
    );
    for n in 0..SAMPLE.len() {
        let _ = googlechat::read_slice("h", &SAMPLE.as_bytes()[..n]);
    }
}

#[test]
fn corpus_hangouts() {
    let dir = std::env::var_os("WALKAWAY_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"))
        .join("googlechat");
    if !dir.is_dir() {
        eprintln!(
            "skipped: no corpus at {} (set WALKAWAY_CORPUS)",
            dir.display()
        );
        return;
    }
    let i = read_path(&dir.join("hangouts_history_parser__Hangouts.json"), &utc()).unwrap();
    assert_eq!(i.format, "hangouts-json");
    let [c] = i.parsed.chats.as_slice() else {
        panic!()
    };
    assert_eq!(c.people.len(), 2);
    let kinds: Vec<(i64, Kind, &str)> = c
        .events
        .iter_texts()
        .map(|(e, t)| (e.ts, e.kind, t))
        .collect();
    assert_eq!(
        kinds,
        [
            (1_569_073_414_201, Kind::Text, "Hi"),
            (1_569_815_297_938, Kind::Call, "call, 24 s"),
            (1_570_268_475_328, Kind::Media, ""),
        ]
    );
}
