//! No input makes the JSON readers panic: random bytes, and valid exports with bytes changed,
//! cut or spliced (what the fuzz targets do, at test time).

use proptest::prelude::*;
use walkaway_import::{Options, meta, read_bytes, telegram};
use walkaway_model::{Kind, Source};

const TELEGRAM: &str = r#"{"personal_information": {"user_id": 1}, "chats": {"list": [
 {"name": "A", "type": "personal_chat", "id": 2, "messages": [
  {"id": 1, "type": "message", "date": "2020-03-29T02:30:00", "from": "A", "from_id": "user2", "text": ["x", {"type": "bold", "text": "y"}]},
  {"id": 2, "type": "service", "date_unixtime": "1677668400", "actor": "B", "actor_id": "user1", "action": "phone_call", "duration_seconds": 5},
  {"id": 3, "type": "message", "date_unixtime": "1677668500", "from": null, "from_id": 7, "media_type": "voice_message", "text": ""}
 ]}]}}"#;

const META: &str = "\u{feff}{\"participants\": [{\"name\": \"Zo\\u00c3\\u00ab\"}], \"messages\": [
 {\"sender_name\": \"Zo\\u00c3\\u00ab\", \"timestamp_ms\": 1700000100000, \"content\": \"Zo\\u00c3\\u00ab named the group x.\"},
 {\"sender_name\": \"B\", \"timestamp_ms\": 1700000000000, \"call_duration\": 0, \"reactions\": [{\"reaction\": \"\\u00e2\\u009d\\u00a4\", \"actor\": \"Zo\\u00c3\\u00ab\", \"timestamp\": 1700000200}]},
 {\"sender_name\": \"B\", \"timestamp_ms\": 1600000000000, \"is_unsent\": true}
 ], \"title\": \"t\", \"joinable_mode\": {\"link\": \"https://ig.me/j/x\"}}";

fn opts() -> Options {
    Options {
        tz: jiff::tz::TimeZone::get("Europe/Berlin").unwrap_or(jiff::tz::TimeZone::UTC),
        date_order: None,
    }
}

fn all_readers(data: &[u8]) {
    let o = opts();
    let tg = telegram::read_slice("r.json", data, &o);
    for c in &tg.chats {
        for e in c.events.iter() {
            assert_eq!(e.sender.is_none(), e.kind == Kind::System);
        }
    }
    let _ = telegram::read("r.json", data, &o);
    let mut t = meta::ThreadReader::new();
    t.read_slice("m.json", data);
    let _ = t.read("m.json", data);
    let (c, _) = t.finish(Source::Instagram, None);
    assert!(c.events.windows(2).all(|w| w[0].ts <= w[1].ts));
    let _ = read_bytes("x.json", data, &o);
    let _ = read_bytes("x", data, &o);
}

fn mutate(base: &str, edits: &[(usize, u8)], cut: usize) -> Vec<u8> {
    let mut b = base.as_bytes().to_vec();
    for &(i, v) in edits {
        let n = b.len();
        if n > 0 {
            b[i % n] = v;
        }
    }
    b.truncate(cut % (b.len() + 1));
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        all_readers(&data);
    }

    #[test]
    fn mutated_exports(
        edits in proptest::collection::vec((any::<usize>(), prop::sample::select(b"{}[]\",:0 \\n-9eu".to_vec())), 0..6),
        cut in any::<usize>(),
    ) {
        all_readers(&mutate(TELEGRAM, &edits, cut));
        all_readers(&mutate(META, &edits, cut));
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let deep = "[".repeat(100_000);
    all_readers(deep.as_bytes());
    let deep = format!("{{\"messages\": [{}", "{\"a\":".repeat(50_000));
    all_readers(deep.as_bytes());
}
