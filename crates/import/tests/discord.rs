//! DiscordChatExporter JSON: synthetic exports of every variant, and conformance with the real
//! samples of the shared corpus when it is present (EXPECTED.md "Discord").

use std::path::PathBuf;

use walkaway_import::{Options, discord, read_bytes, read_path};
use walkaway_model::{Kind, ParsedChat, Source, flags};

fn utc() -> Options {
    Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    }
}

fn rows(c: &ParsedChat) -> Vec<(i64, Kind, Option<&str>, &str, u8)> {
    c.events
        .iter_texts()
        .map(|(e, t)| {
            (
                e.ts,
                e.kind,
                e.sender.map(|s| c.people[s as usize].as_str()),
                t,
                e.flags,
            )
        })
        .collect()
}

const GROUP: &str = r#"{
  "guild": {"id": "0", "name": "Direct Messages", "iconUrl": ""},
  "channel": {"id": "10", "type": "DirectGroupTextChat", "categoryId": "0", "category": "Group", "name": "weekend plans", "topic": null},
  "dateRange": {"after": null, "before": null},
  "exportedAt": "2024-03-02T10:00:00+01:00",
  "messages": [
    {"id": "1", "type": "RecipientAdd", "timestamp": "2024-03-01T09:00:00+00:00", "content": "Added cleo to the group.",
     "author": {"id": "100", "name": "ann_k", "discriminator": "0000", "nickname": "Ann", "isBot": false}},
    {"id": "2", "type": "Default", "timestamp": "2024-03-01T10:00:00.500+01:00", "timestampEdited": "2024-03-01T09:05:00+00:00",
     "content": "who is in?", "author": {"id": "100", "name": "ann_k", "discriminator": "0000", "nickname": "Ann", "isBot": false},
     "attachments": [], "reactions": [
        {"emoji": {"id": "", "name": "👍"}, "count": 2, "users": [
            {"id": "200", "name": "bo", "discriminator": "1234", "nickname": null, "isBot": false},
            {"id": "300", "name": "Deleted User", "discriminator": "0000", "nickname": "Deleted User", "isBot": false}]}]},
    {"id": "3", "type": "Reply", "timestamp": "2024-03-01T09:10:00+00:00", "content": "me",
     "author": {"id": "200", "name": "bo", "discriminator": "1234", "nickname": null, "isBot": false},
     "attachments": [{"id": "9", "url": "x", "fileName": "photo.png", "fileSizeBytes": 10}], "reference": {"messageId": "2"}},
    {"id": "4", "type": "Default", "timestamp": "2024-03-01T09:11:00+00:00", "content": "",
     "author": {"id": "200", "name": "bo", "discriminator": "1234", "nickname": null, "isBot": false},
     "attachments": [{"id": "8", "url": "x", "fileName": "voice-message.ogg", "fileSizeBytes": 10}]},
    {"id": "5", "type": "Call", "timestamp": "2024-03-01T09:20:00+00:00", "callEndedTimestamp": "2024-03-01T09:25:30+00:00",
     "content": "Started a call that lasted 5 minutes.", "author": {"id": "200", "name": "bo", "discriminator": "1234", "isBot": false}},
    {"id": "6", "type": "Call", "timestamp": "2024-03-01T09:30:00+00:00", "callEndedTimestamp": null,
     "content": "Started a call.", "author": {"id": "100", "name": "ann_k", "discriminator": "0000", "nickname": "Ann", "isBot": false}},
    {"id": "7", "type": "Default", "timestamp": "not a time", "content": "private words",
     "author": {"id": "100", "name": "ann_k", "nickname": "Ann"}},
    {"id": "8", "type": "Default", "timestamp": "2024-03-01T09:40:00+00:00", "content": "private too"},
    {"id": "9", "type": "Default", "timestamp": "2024-03-01T09:41:00+00:00", "content": "same name, other account",
     "author": {"id": "400", "name": "ann_other", "discriminator": "0000", "nickname": "Ann", "isBot": false},
     "reactions": [{"emoji": {"id": "", "name": "😂"}, "count": 3}]},
    17
  ],
  "messageCount": 10
}"#;

const T: i64 = 1_709_283_600_000; // 2024-03-01T09:00:00Z

#[test]
fn group_dm_every_variant() {
    let i = read_bytes("weekend.json", GROUP.as_bytes(), &utc()).unwrap();
    assert_eq!(i.format, "discord-json");
    let [c] = i.parsed.chats.as_slice() else {
        panic!("{:?}", i.parsed)
    };
    assert_eq!(c.source, Some(Source::Discord));
    assert_eq!(c.title.as_deref(), Some("weekend plans"));
    assert_eq!(c.exported_at, Some(T + 86_400_000));
    assert_eq!(c.me_hint, None);
    assert_eq!(c.people, ["Ann", "bo", "Deleted User", "Ann (ann_other)"]);
    assert_eq!(c.handles, ["ann_k", "bo#1234", "Deleted User", "ann_other"]);
    let min = 60_000;
    assert_eq!(
        rows(c),
        [
            (T, Kind::System, None, "RecipientAdd", 0),
            (
                T + 500,
                Kind::Text,
                Some("Ann"),
                "who is in?",
                flags::EDITED
            ),
            (T + 500, Kind::Reaction, Some("bo"), "👍", 0),
            (T + 500, Kind::Reaction, Some("Deleted User"), "👍", 0),
            (T + 10 * min, Kind::Media, Some("bo"), "me", 0),
            (T + 11 * min, Kind::Voice, Some("bo"), "", 0),
            (T + 20 * min, Kind::Call, Some("bo"), "call, 330 s", 0),
            (
                T + 30 * min,
                Kind::MissedCall,
                Some("Ann"),
                "missed call",
                0
            ),
            (T + 40 * min, Kind::System, None, "", 0),
            (
                T + 41 * min,
                Kind::Text,
                Some("Ann (ann_other)"),
                "same name, other account",
                0
            ),
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
            "weekend.json: record 7: has no readable timestamp; skipped",
            "weekend.json: record 8: is a message without an author; kept as a system event",
            "weekend.json: record 10: is not a json object; skipped",
            "weekend.json: 3 reactions do not name who gave them (an older discordchatexporter writes only counts); they are not counted",
        ]
    );
}

#[test]
fn file_stream_and_bytes_agree_and_truncation_keeps_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export");
    std::fs::write(&path, GROUP).unwrap();
    let a = read_path(&path, &utc()).unwrap();
    let b = read_bytes("export", GROUP.as_bytes(), &utc()).unwrap();
    assert_eq!(a.parsed.chats, b.parsed.chats);
    assert_eq!(a.file_hash, b.file_hash);
    assert_eq!(a.bytes, GROUP.len() as u64);
    let cut = &GROUP[..GROUP.find("\"id\": \"5\"").unwrap()];
    let c = read_bytes("export", cut.as_bytes(), &utc()).unwrap();
    assert_eq!(c.parsed.chats[0].events.len(), 6);
    assert!(
        c.parsed
            .diagnostics
            .iter()
            .any(|d| d.message.contains("reading stopped"))
    );
    for i in 0..GROUP.len() {
        let _ = discord::read_slice("x", &GROUP.as_bytes()[..i]);
    }
}

#[test]
fn server_channel_title() {
    let j = r#"{"guild": {"id": "5", "name": "Climbing"}, "channel": {"id": "6", "type": "GuildTextChat", "category": "Text", "name": "general"},
      "messages": [{"id": "1", "type": "Default", "timestamp": "2024-01-01T00:00:00Z", "content": "hi", "author": {"id": "1", "name": "a"}}]}"#;
    let i = read_bytes("c.json", j.as_bytes(), &utc()).unwrap();
    assert_eq!(
        i.parsed.chats[0].title.as_deref(),
        Some("Climbing #general")
    );
}

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("WALKAWAY_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"))
        .join("discord");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: no corpus at {} (set WALKAWAY_CORPUS)",
            dir.display()
        );
        None
    }
}

fn ms(s: &str) -> i64 {
    s.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

#[test]
fn corpus_dm() {
    let Some(dir) = corpus() else { return };
    let i = read_path(&dir.join("chat-analytics__DM_2A_2M.json"), &utc()).unwrap();
    assert_eq!(i.format, "discord-json");
    let [c] = i.parsed.chats.as_slice() else {
        panic!()
    };
    assert_eq!(c.title.as_deref(), Some("Someones name"));
    assert_eq!(
        rows(c),
        [
            (
                ms("2019-01-04T17:52:39.762Z"),
                Kind::Text,
                Some("mlomb"),
                "blah",
                0
            ),
            (
                ms("2019-01-25T00:11:04.083Z"),
                Kind::Text,
                Some("Someones nickname"),
                "something something text",
                0
            ),
            // 17:03:14.366 to 21:14:52.787.
            (
                ms("2020-07-17T17:03:14.366Z"),
                Kind::Call,
                Some("Someones nickname"),
                "call, 15098 s",
                0
            ),
        ]
    );
    // The 👆 ×42 reaction names nobody: a Note, not 42 events.
    assert!(
        i.parsed
            .diagnostics
            .iter()
            .any(|d| d.message.contains("42 reactions"))
    );
}

#[test]
fn corpus_group() {
    let Some(dir) = corpus() else { return };
    let i = read_path(&dir.join("chat-analytics__GC_3A_5M.json"), &utc()).unwrap();
    let [c] = i.parsed.chats.as_slice() else {
        panic!()
    };
    assert_eq!(c.title.as_deref(), Some("a group chat"));
    let texts: Vec<_> = rows(c)
        .into_iter()
        .filter(|r| r.1 == Kind::Text)
        .map(|r| (r.0, r.2.unwrap(), r.3))
        .collect();
    assert_eq!(
        texts,
        [
            (
                ms("2023-01-17T19:33:19.087Z"),
                "theplant",
                "Should honor nickname over name"
            ),
            (
                ms("2023-01-17T19:34:17.742Z"),
                "lombi",
                "hey @mlomb whats up, check out https://chatanalytics.app"
            ),
            (
                ms("2023-01-18T20:12:12.123Z"),
                "mlomb",
                "woah nice :custom_emoji:"
            ),
        ]
    );
    let system = c.events.iter().filter(|e| e.kind == Kind::System).count();
    assert_eq!(system, 2, "ChannelNameChange and ChannelIconChange");
    let calls: Vec<_> = rows(c).into_iter().filter(|r| r.1 == Kind::Call).collect();
    assert_eq!(
        calls,
        [(
            ms("2023-03-03T14:47:59.187Z"),
            Kind::Call,
            Some("mlomb"),
            "call, 6780 s",
            0
        )]
    );
}

#[test]
fn a_folder_of_channels_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("weekend.json"), GROUP).unwrap();
    let other = GROUP.replace("weekend plans", "other plans");
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/other.json"), other).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a chat").unwrap();
    let i = read_path(dir.path(), &utc()).unwrap();
    assert_eq!(i.format, "discord-json");
    let titles: Vec<_> = i
        .parsed
        .chats
        .iter()
        .map(|c| c.title.clone().unwrap())
        .collect();
    assert_eq!(titles, ["other plans", "weekend plans"]);
}

/// DiscordChatExporter writes `"reactions": []` on every message; a Meta key too. A channel
/// whose first message has it, in a folder or a zip, is still a Discord channel (it was taken
/// for a Meta thread, and every record skipped for want of `timestamp_ms`).
#[test]
fn a_channel_with_reactions_first_in_a_folder_or_zip() {
    const DM: &str = r#"{"guild": {"id": "0", "name": "Direct Messages"},
  "channel": {"id": "10", "type": "DirectTextChat", "name": "bo"},
  "messages": [
    {"id": "1", "type": "Default", "timestamp": "2024-03-01T09:00:00+00:00", "content": "hi",
     "author": {"id": "100", "name": "ann_k", "nickname": "Ann"}, "attachments": [], "reactions": []},
    {"id": "2", "type": "Default", "timestamp": "2024-03-01T09:01:00+00:00", "content": "hey",
     "author": {"id": "200", "name": "bo"}, "attachments": [], "reactions": []}]}"#;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("export");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("bo.json"), DM).unwrap();
    let zipped = dir.path().join("export.zip");
    {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::fs::File::create(&zipped).unwrap());
        w.start_file("bo.json", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(DM.as_bytes()).unwrap();
        w.finish().unwrap();
    }
    for path in [&folder, &zipped] {
        let i = read_path(path, &utc()).unwrap();
        assert_eq!(i.format, "discord-json", "{path:?}");
        assert_eq!(i.parsed.chats.len(), 1, "{path:?}");
        let c = &i.parsed.chats[0];
        assert_eq!(c.source, Some(Source::Discord));
        assert_eq!(c.events.len(), 2, "{path:?}: {:?}", i.parsed.diagnostics);
    }
}
