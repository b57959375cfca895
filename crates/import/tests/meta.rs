//! Messenger and Instagram direct messages (Meta "Download your information" JSON): every
//! variant of docs/formats/messenger.md on synthetic threads.

use std::io::Write as _;
use std::path::Path;

use walkaway_import::{Options, read_bytes, read_path};
use walkaway_model::{Kind, ParsedChat, Severity, Source};

fn utc() -> Options {
    Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    }
}

fn sender(c: &ParsedChat, i: usize) -> Option<&str> {
    c.events[i].sender.map(|s| c.people[s as usize].as_str())
}

/// The newer half of a thread (`message_1.json`), newest first, mojibake as Meta writes it.
const PART1: &str = r#"{
  "participants": [{"name": "Zo\u00c3\u00ab Martin"}, {"name": "Alex Kim"}],
  "messages": [
    {"sender_name": "Alex Kim", "timestamp_ms": 1700000600000, "content": "You sent an attachment.",
     "share": {"link": "https://example.org/a"}},
    {"sender_name": "Zo\u00c3\u00ab Martin", "timestamp_ms": 1700000500000, "content": "Zo\u00c3\u00ab Martin named the group Trip.", "type": "Generic"},
    {"sender_name": "Alex Kim", "timestamp_ms": 1700000400000, "call_duration": 0, "content": "You called Zo\u00c3\u00ab.", "type": "Call"},
    {"sender_name": "Zo\u00c3\u00ab Martin", "timestamp_ms": 1700000300000, "call_duration": 95, "content": "Zo\u00c3\u00ab called you.", "type": "Call"},
    {"sender_name": "Alex Kim", "timestamp_ms": 1700000200000, "is_unsent": true},
    {"sender_name": "Zo\u00c3\u00ab Martin", "timestamp_ms": 1700000100000, "content": "caf\u00c3\u00a9?",
     "reactions": [{"reaction": "\u00e2\u009d\u00a4", "actor": "Alex Kim"}]}
  ],
  "title": "Zo\u00c3\u00ab Martin",
  "is_still_participant": true,
  "thread_path": "inbox/zoemartin_123",
  "magic_words": []
}"#;

/// The older half (`message_2.json`).
const PART2: &str = r#"{
  "participants": [{"name": "Zo\u00c3\u00ab Martin"}, {"name": "Alex Kim"}],
  "messages": [
    {"sender_name": "Alex Kim", "timestamp_ms": 1600000300000, "audio_files": [{"uri": "messages/inbox/zoemartin_123/audio/a.mp4"}]},
    {"sender_name": "Zo\u00c3\u00ab Martin", "timestamp_ms": 1600000200000, "photos": [{"uri": "p.jpg"}], "content": "look"},
    {"sender_name": "Alex Kim", "timestamp_ms": 1600000100000, "content": "first"},
    {"sender_name": "Zo\u00c3\u00ab Martin", "timestamp_ms": 1600000100000, "content": "same time, written after"}
  ],
  "title": "Zo\u00c3\u00ab Martin",
  "thread_path": "inbox/zoemartin_123"
}"#;

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::from_date_and_time(2024, 5, 1, 12, 0, 0).unwrap());
        for (name, data) in entries {
            w.start_file(*name, o).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

fn write(dir: &Path, rel: &str, data: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, data).unwrap();
}

/// The merged thread, checked event by event.
fn check_thread(c: &ParsedChat) {
    assert_eq!(c.title.as_deref(), Some("Zoë Martin"));
    assert_eq!(c.people[..2], ["Zoë Martin", "Alex Kim"]);
    let got: Vec<(Kind, Option<&str>, &str)> = (0..c.events.len())
        .map(|i| (c.events[i].kind, sender(c, i), c.events.text_at(i)))
        .collect();
    assert_eq!(
        got,
        [
            // Ties keep the order they were written in (the file is newest first).
            (Kind::Text, Some("Zoë Martin"), "same time, written after"),
            (Kind::Text, Some("Alex Kim"), "first"),
            (Kind::Media, Some("Zoë Martin"), "look"),
            (Kind::Voice, Some("Alex Kim"), ""),
            (Kind::Text, Some("Zoë Martin"), "café?"),
            (Kind::Reaction, Some("Alex Kim"), "❤"),
            (Kind::Deleted, Some("Alex Kim"), ""),
            (Kind::Call, Some("Zoë Martin"), "call, 95 s"),
            (Kind::MissedCall, Some("Alex Kim"), "missed call"),
            (Kind::System, None, "Zoë Martin named the group Trip."),
            (Kind::Media, Some("Alex Kim"), ""),
        ]
    );
    assert!(c.events.windows(2).all(|w| w[0].ts <= w[1].ts));
}

#[test]
fn a_thread_in_an_instagram_zip() {
    let profile = br#"{"profile_user": [{"title": "User Information", "string_map_data": {"Name": {"href": "", "value": "Alex Kim", "timestamp": 0}}}]}"#;
    let z = zip_of(&[
        (
            "your_instagram_activity/messages/inbox/zoemartin_123/message_1.json",
            PART1.as_bytes(),
        ),
        (
            "your_instagram_activity/messages/inbox/zoemartin_123/message_2.json",
            PART2.as_bytes(),
        ),
        (
            "your_instagram_activity/messages/inbox/zoemartin_123/audio/a.mp4",
            b"\0\0\0 ftyp",
        ),
        (
            "personal_information/personal_information/personal_information.json",
            profile,
        ),
    ]);
    let i = read_bytes("instagram-alexkim-2024.zip", &z, &utc()).unwrap();
    assert_eq!(i.format, "instagram-json");
    let [c] = i.parsed.chats.as_slice() else {
        panic!("{:?}", i.parsed)
    };
    assert_eq!(c.source, Some(Source::Instagram));
    check_thread(c);
    assert_eq!(
        c.me_hint.map(|m| c.people[m as usize].as_str()),
        Some("Alex Kim")
    );
    assert!(c.exported_at.is_some(), "zip entry dates are export times");
    assert!(
        i.parsed.diagnostics.is_empty(),
        "{:?}",
        i.parsed.diagnostics
    );
}

/// The older layout, unpacked: `messages/inbox/<thread>/` at the root of a Facebook export
/// whose profile file says so. The user is also found from "You ..." notices.
#[test]
fn a_thread_in_an_old_facebook_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "messages/inbox/zoemartin_123/message_1.json",
        PART1.as_bytes(),
    );
    write(
        dir.path(),
        "messages/inbox/zoemartin_123/message_2.json",
        PART2.as_bytes(),
    );
    write(
        dir.path(),
        "messages/inbox/zoemartin_123/photos/p.jpg",
        &[0xFF, 0xD8, 0xFF],
    );
    write(
        dir.path(),
        "profile_information/profile_information.json",
        br#"{"profile_v2": {"name": {"full_name": "Alex Kim"}}}"#,
    );
    let i = read_path(dir.path(), &utc()).unwrap();
    assert_eq!(i.format, "messenger-json");
    let c = &i.parsed.chats[0];
    assert_eq!(c.source, Some(Source::Messenger));
    check_thread(c);
    assert_eq!(
        c.me_hint.map(|m| c.people[m as usize].as_str()),
        Some("Alex Kim")
    );
    assert_eq!(c.exported_at, None);

    // One file on its own: Messenger by default, with a Note saying nothing told.
    let one = read_path(
        &dir.path()
            .join("messages/inbox/zoemartin_123/message_1.json"),
        &utc(),
    )
    .unwrap();
    assert_eq!(one.format, "messenger-json");
    let c = &one.parsed.chats[0];
    assert_eq!(c.events.len(), 7);
    assert_eq!(
        c.me_hint.map(|m| c.people[m as usize].as_str()),
        Some("Alex Kim")
    );
    assert!(
        one.parsed
            .diagnostics
            .iter()
            .any(|d| d.message.contains("read as messenger"))
    );
}

/// The current Facebook layout, with several threads: several chats.
#[test]
fn current_facebook_layout_several_threads() {
    let other = r#"{"participants": [{"name": "Ben"}, {"name": "Alex Kim"}],
      "messages": [{"sender_name": "Ben", "timestamp_ms": 1500000000000, "content": "yo"}],
      "title": "Ben", "thread_path": "inbox/ben_9"}"#;
    let z = zip_of(&[
        (
            "your_facebook_activity/messages/inbox/zoemartin_123/message_1.json",
            PART1.as_bytes(),
        ),
        (
            "your_facebook_activity/messages/inbox/zoemartin_123/message_2.json",
            PART2.as_bytes(),
        ),
        (
            "your_facebook_activity/messages/e2ee_cutover/ben_9/message_1.json",
            other.as_bytes(),
        ),
    ]);
    let i = read_bytes("facebook.zip", &z, &utc()).unwrap();
    assert_eq!(i.parsed.chats.len(), 2);
    assert!(
        i.parsed
            .chats
            .iter()
            .all(|c| c.source == Some(Source::Messenger))
    );
    check_thread(&i.parsed.chats[1]);
}

/// Mojibake is repaired only where it is mojibake: correct UTF-8 text stays as it is.
#[test]
fn correct_text_is_left_alone() {
    let fine = r#"{"participants": [{"name": "Zoë"}, {"name": "Ann"}], "messages": [
      {"sender_name": "Zoë", "timestamp_ms": 1600000000000, "content": "Ã© is how mojibake looks, 東京"},
      {"sender_name": "Ann", "timestamp_ms": 1600000000001, "content": "Müller"}
    ]}"#;
    let i = read_bytes("t.json", fine.as_bytes(), &utc()).unwrap();
    let c = &i.parsed.chats[0];
    assert_eq!(c.people, ["Zoë", "Ann"]);
    assert_eq!(c.events.text_at(0), "Ã© is how mojibake looks, 東京");
    assert_eq!(c.events.text_at(1), "Müller");
}

#[test]
fn bad_records_are_reported() {
    let bad = "\u{feff}".to_owned()
        + r#"{"participants": [{"name": "A"}, "B", 7], "messages": [
      {"sender_name": "A", "timestamp_ms": 1600000000000, "content": "kept"},
      ["SECRET"],
      {"sender_name": "A", "content": "SECRET-undated"},
      {"timestamp_ms": 1600000000002, "content": "SECRET-no-sender"},
      {"sender_name": "B", "timestamp_ms": "soon", "content": "SECRET"},
      {"sender_name": "B", "timestamp_ms": 1600000000004, "reactions": [{"reaction": "x"}], "content": "SECRET-with-bad-reaction"},
      {"sender_name": "B", "timestamp_ms": 1600000000005},
      {"sender_name": "B", "timestamp_ms": 1600000000006, "content": {"SECRET": 1}, "photos": 5}
    ]}"#;
    let i = read_bytes("t.json", bad.as_bytes(), &utc()).unwrap();
    let c = &i.parsed.chats[0];
    assert_eq!(c.people, ["A", "B"]);
    assert_eq!(c.events.len(), 4);
    let lines: Vec<u32> = i.parsed.diagnostics.iter().map(|d| d.line).collect();
    for r in [2, 3, 4, 5, 6, 7] {
        assert!(
            lines.contains(&r),
            "record {r} in {:?}",
            i.parsed.diagnostics
        );
    }
    for d in &i.parsed.diagnostics {
        assert!(!d.message.contains("SECRET"), "{d:?}");
    }
    let note = i.parsed.diagnostics.iter().find(|d| d.line == 7).unwrap();
    assert_eq!(note.severity, Severity::Note);
    // A cut-off file keeps what came before the cut, with a Warning.
    let cut = bad
        .find("{\"sender_name\": \"B\", \"timestamp_ms\": 1600000000005")
        .unwrap();
    let i = read_bytes("t.json", &bad.as_bytes()[..cut], &utc()).unwrap();
    assert_eq!(i.parsed.chats[0].events.len(), 2);
    assert!(
        i.parsed
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Warning && d.message.contains("reading stopped"))
    );
    for n in 0..bad.len() {
        let _ = read_bytes("t.json", &bad.as_bytes()[..n], &utc());
    }
}

/// Files that are not chats are refused saying what they look like and what to do.
#[test]
fn refusals_say_what_the_file_is() {
    let e = read_bytes(
        "personal_information.json",
        br#"{"profile_user": [{"string_map_data": {"Name": {"value": "A"}}}]}"#,
        &utc(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("meta profile file"), "{e}");
    assert!(e.contains("folder or zip"), "{e}");
    // A DiscordChatExporter export is read now (an empty channel gives no chat and a Note).
    let d = read_bytes(
        "x.json",
        br#"{"guild": {"id": "1"}, "channel": {"id": "2"}, "messages": []}"#,
        &utc(),
    )
    .unwrap();
    assert_eq!(d.format, "discord-json");
    assert!(d.parsed.chats.is_empty());
    let e = read_bytes(
        "x.json",
        br#"{"settings": {"a": "SECRET"}, "n": 2}"#,
        &utc(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("settings, n"), "{e}");
    assert!(!e.contains("SECRET"), "{e}");
}
