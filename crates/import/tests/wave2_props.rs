//! No input makes the iMessage, Discord, Hangouts or Signal readers panic: random bytes, and valid inputs
//! with bytes changed or cut (what the fuzz targets in fuzz/ do, at test time).

use proptest::prelude::*;
use walkaway_import::imessage::{bplist, typedstream};
use walkaway_import::{Options, discord, googlechat, read_bytes, signal};
use walkaway_model::Kind;

fn opts() -> Options {
    Options {
        tz: jiff::tz::TimeZone::get("Europe/Berlin").unwrap_or(jiff::tz::TimeZone::UTC),
        date_order: None,
    }
}

const DISCORD: &str = r#"{"guild": {"id": "0", "name": "Direct Messages"}, "channel": {"id": "1", "type": "DirectTextChat", "name": "b"},
 "messages": [{"id": "1", "type": "Default", "timestamp": "2024-01-01T00:00:00+00:00", "content": "x", "author": {"id": "1", "name": "a", "nickname": "A"},
   "reactions": [{"emoji": {"name": "👍"}, "count": 1, "users": [{"id": "2", "name": "b"}]}]},
  {"id": "2", "type": "Call", "timestamp": "2024-01-01T00:01:00+00:00", "callEndedTimestamp": "2024-01-01T00:02:00+00:00", "author": {"id": "2", "name": "b"}}]}"#;

const SIGNAL: &str = "[2024-05-29 15:04:05] Me: hi  \n[2024-05-29 15:10:00] Aya: \n> hi\nyes ![a.jpg](./media/a.jpg)  \n(- Me: 👍 -)\n[2024-05-29 15:30:00] Aya: Missed voice call  \n";

/// Every reader of this wave on the bytes; the invariant every chat keeps.
fn all(data: &[u8]) {
    let o = opts();
    let _ = typedstream::text(data);
    let _ = bplist::summary(data);
    let _ = discord::sniff(data);
    let d = discord::read_slice("c.json", data);
    let _ = googlechat::sniff(data);
    let g = googlechat::read_slice("Hangouts.json", data);
    let text = String::from_utf8_lossy(data);
    let _ = signal::looks_like_signal(&text);
    let (s, _) = signal::read("Ann/chat.md", &text, &o);
    for c in d.chats.iter().chain(&g.chats).chain(std::iter::once(&s)) {
        for e in c.events.iter() {
            assert_eq!(e.kind == Kind::System, e.sender.is_none());
            if let Some(p) = e.sender {
                assert!((p as usize) < c.people.len());
            }
        }
    }
    if let Ok(i) = read_bytes("x", data, &o) {
        for c in &i.parsed.chats {
            for e in c.events.iter() {
                if let Some(p) = e.sender {
                    assert!((p as usize) < c.people.len());
                }
            }
        }
    }
    let mut db = b"SQLite format 3\0".to_vec();
    db.extend_from_slice(data);
    let _ = read_bytes("chat.db", &db, &o);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        all(&data);
    }

    #[test]
    fn valid_inputs_changed_and_cut(which in 0..4usize, at in 0..2000usize, byte in any::<u8>(), cut in 0..2000usize) {
        let mut data = match which {
            0 => DISCORD.as_bytes().to_vec(),
            1 => SIGNAL.as_bytes().to_vec(),
            2 => typedstream::encode("some text here"),
            _ => bplist::encode(&["ec", "rp"]),
        };
        if !data.is_empty() {
            let i = at % data.len();
            data[i] = byte;
            data.truncate(cut % (data.len() + 1));
        }
        all(&data);
    }
}
