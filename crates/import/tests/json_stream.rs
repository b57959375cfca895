//! The JSON exports are streamed from disk through a read-ahead buffer of 64 KiB: a record
//! larger than that buffer (a long message, a record with a huge unknown field) reads the same
//! as in memory, and broken or too deeply nested JSON still stops with a Warning, never a panic.

use walkaway_import::{Imported, Options, read_bytes, read_path};

fn utc() -> Options {
    Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    }
}

/// Reads `bytes` from a file named `name` and from memory: both must give the same import.
fn streamed_and_in_memory(name: &str, bytes: &[u8]) -> Imported {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let disk = read_path(&path, &utc()).unwrap();
    let memory = read_bytes(&path.display().to_string(), bytes, &utc()).unwrap();
    assert_eq!(disk.parsed, memory.parsed);
    assert_eq!(disk.format, memory.format);
    assert_eq!(disk.file_hash, memory.file_hash);
    assert_eq!(disk.bytes, bytes.len() as u64);
    disk
}

/// A text of `n` bytes (no quotes or backslashes).
fn long_text(n: usize) -> String {
    "long words café 😂 ".chars().cycle().take(n).collect()
}

#[test]
fn telegram_records_larger_than_the_buffer() {
    let big = long_text(300_000);
    let junk = "x".repeat(200_000);
    let doc = format!(
        r#"{{"name": "Sam", "type": "personal_chat", "id": 1, "messages": [
  {{"id": 1, "type": "message", "date": "2024-01-01T10:00:00", "date_unixtime": "1704103200", "from": "Sam", "from_id": "user1", "text": "hi"}},
  {{"id": 2, "type": "message", "date": "2024-01-01T10:01:00", "date_unixtime": "1704103260", "from": "Alex", "from_id": "user2", "text": "{big}"}},
  {{"id": 3, "type": "message", "date": "2024-01-01T10:02:00", "date_unixtime": "1704103320", "from": "Sam", "from_id": "user1", "unknown": {{"deep": ["{junk}", ["{junk}"]]}}, "text": "after"}},
  {{"id": 4, "type": "message", "date": "2024-01-01T10:03:00", "date_unixtime": "1704103380", "from": "Alex", "from_id": "user2", "text": "last"}}
]}}"#
    );
    let i = streamed_and_in_memory("result.json", doc.as_bytes());
    let c = &i.parsed.chats[0];
    assert_eq!(c.events.len(), 4);
    let texts: Vec<&str> = c.events.iter_texts().map(|(_, t)| t).collect();
    assert_eq!(texts[1].len(), big.len());
    assert_eq!(texts[1], big);
    assert_eq!(texts[2..], ["after", "last"]);
}

#[test]
fn messenger_and_discord_records_larger_than_the_buffer() {
    let big = long_text(150_000);
    let meta = format!(
        r#"{{"participants": [{{"name": "Zoe"}}, {{"name": "Alex"}}], "messages": [
  {{"sender_name": "Zoe", "timestamp_ms": 1704103380000, "content": "last", "is_geoblocked_for_viewer": false}},
  {{"sender_name": "Alex", "timestamp_ms": 1704103260000, "content": "{big}", "is_geoblocked_for_viewer": false}}
], "title": "Zoe", "thread_path": "inbox/zoe_1"}}"#
    );
    let i = streamed_and_in_memory("message_1.json", meta.as_bytes());
    assert_eq!(i.parsed.chats[0].events.len(), 2);
    let discord = format!(
        r#"{{"guild": {{"id": "0", "name": "Direct Messages"}}, "channel": {{"id": "1", "type": "DirectTextChat", "name": "zoe"}}, "messages": [
  {{"id": "2", "type": "Default", "timestamp": "2024-01-01T10:01:00+00:00", "content": "{big}", "author": {{"id": "7", "name": "zoe"}}, "attachments": []}},
  {{"id": "3", "type": "Default", "timestamp": "2024-01-01T10:02:00+00:00", "content": "ok", "author": {{"id": "8", "name": "alex"}}, "attachments": []}}
], "messageCount": 2}}"#
    );
    let i = streamed_and_in_memory("channel.json", discord.as_bytes());
    assert_eq!(i.parsed.chats[0].events.len(), 2);
}

/// Nesting deeper than serde_json's limit inside a record far past the first buffer: the
/// records before it are kept and a Warning says where reading stopped.
#[test]
fn deep_nesting_past_the_buffer_stops_with_a_warning() {
    let mut doc =
        String::from(r#"{"name": "Sam", "type": "personal_chat", "id": 1, "messages": ["#);
    for k in 0..2000 {
        doc.push_str(&format!(
            r#"{{"id": {k}, "type": "message", "date_unixtime": "{}", "from": "Sam", "from_id": "user1", "text": "message number {k}"}},"#,
            1_704_103_200 + k
        ));
    }
    doc.push_str(r#"{"id": 9999, "type": "message", "x": "#);
    doc.push_str(&"[".repeat(10_000));
    doc.push_str(&"]".repeat(10_000));
    doc.push_str("}]}");
    assert!(doc.len() > 3 * (64 << 10));
    let i = streamed_and_in_memory("result.json", doc.as_bytes());
    assert_eq!(i.parsed.chats[0].events.len(), 2000);
    let warning = i
        .parsed
        .diagnostics
        .iter()
        .find(|d| d.message.contains("reading stopped"))
        .expect("a warning where reading stopped");
    assert!(
        warning
            .message
            .contains("the 2000 message records before it were imported"),
        "{}",
        warning.message
    );
}

/// Hangouts events are streamed one at a time once the conversation's people are known; a
/// file listing `events` before `conversation` gives the same chat (its events are held).
#[test]
fn hangouts_events_before_or_after_the_people_read_the_same() {
    let conv = r#""conversation": {"conversation": {"id": {"id": "c1"}, "type": "STICKY_ONE_TO_ONE",
   "self_conversation_state": {"self_read_state": {"participant_id": {"gaia_id": "1"}}},
   "participant_data": [{"id": {"gaia_id": "2"}, "fallback_name": "Ann"}, {"id": {"gaia_id": "1"}, "fallback_name": "Me Myself"}]}}"#;
    let events = r#""events": [
   {"sender_id": {"gaia_id": "2"}, "timestamp": "1600000000000000", "event_type": "REGULAR_CHAT_MESSAGE",
    "chat_message": {"message_content": {"segment": [{"type": "TEXT", "text": "hi"}]}}},
   {"sender_id": {"gaia_id": "1"}, "timestamp": "1600000060000000", "event_type": "HANGOUT_EVENT", "hangout_event": {"event_type": "START_HANGOUT"}},
   {"sender_id": {"gaia_id": "2"}, "timestamp": "1600000090000000", "event_type": "HANGOUT_EVENT", "hangout_event": {"event_type": "END_HANGOUT", "hangout_duration_secs": "30"}},
   {"sender_id": {"gaia_id": "1"}, "timestamp": "soon", "event_type": "REGULAR_CHAT_MESSAGE"}]"#;
    let after = format!(r#"{{"conversations": [{{{conv}, {events}}}, 7]}}"#);
    let before = format!(r#"{{"conversations": [{{{events}, {conv}}}, 7]}}"#);
    let a = streamed_and_in_memory("Hangouts.json", after.as_bytes());
    let b = streamed_and_in_memory("Hangouts.json", before.as_bytes());
    assert_eq!(a.parsed.chats, b.parsed.chats);
    let tail = |i: &Imported| -> Vec<String> {
        i.parsed
            .diagnostics
            .iter()
            .map(|d| {
                d.message
                    .rsplit("Hangouts.json")
                    .next()
                    .unwrap_or("")
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(tail(&a), tail(&b));
    let c = &a.parsed.chats[0];
    assert_eq!(c.people, ["Ann", "Me Myself"]);
    assert_eq!(c.me_hint, Some(1));
    assert_eq!(c.events.len(), 2);
    let diags: Vec<&str> = a
        .parsed
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        diags
            .iter()
            .any(|d| d.contains("conversation 1: record 4: has no usable timestamp")),
        "{diags:?}"
    );
    assert!(
        diags
            .iter()
            .any(|d| d.contains("conversation 2: is not a json object")),
        "{diags:?}"
    );
}
