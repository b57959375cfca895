//! Telegram Desktop JSON: every variant of docs/formats/telegram.md on synthetic exports.

use std::io::Write as _;

use walkaway_import::{Options, read_bytes, read_path, telegram};
use walkaway_model::{Kind, ParsedChat, Severity, Source, flags};

fn utc() -> Options {
    Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    }
}

fn sender(c: &ParsedChat, i: usize) -> Option<&str> {
    c.events[i].sender.map(|s| c.people[s as usize].as_str())
}

/// Current schema, one chat: text as a string and as entities, media, voice, sticker, an
/// edited message, service entries and calls of every outcome.
const CURRENT: &str = r#"{
 "name": "Sam Park",
 "type": "personal_chat",
 "id": 4242,
 "messages": [
  {"id": 1, "type": "service", "date": "2023-03-01T10:00:00", "date_unixtime": "1677664800",
   "actor": "Sam Park", "actor_id": "user4242", "action": "joined_telegram", "text": "", "text_entities": []},
  {"id": 2, "type": "message", "date": "2023-03-01T10:01:00", "date_unixtime": "1677664860",
   "from": "Alex Kim", "from_id": "user1111", "text": "hey there", "text_entities": [{"type": "plain", "text": "hey there"}]},
  {"id": 3, "type": "message", "date": "2023-03-01T10:02:00", "date_unixtime": "1677664920",
   "from": "Sam Park", "from_id": "user4242",
   "text": ["see ", {"type": "link", "text": "https://example.org"}, " ok?"],
   "text_entities": [{"type": "plain", "text": "see "}, {"type": "link", "text": "https://example.org"}, {"type": "plain", "text": " ok?"}]},
  {"id": 4, "type": "message", "date_unixtime": "1677664980", "from": "Sam Park", "from_id": "user4242",
   "photo": "(File not included. Change data exporting settings to download.)", "width": 10, "height": 10, "text": "a caption"},
  {"id": 5, "type": "message", "date_unixtime": "1677665040", "from": "Alex Kim", "from_id": "user1111",
   "file": "voice_messages/audio_1.ogg", "media_type": "voice_message", "duration_seconds": 3, "text": ""},
  {"id": 6, "type": "message", "date_unixtime": "1677665100", "from": "Alex Kim", "from_id": "user1111",
   "file": "stickers/sticker.webp", "media_type": "sticker", "sticker_emoji": "👍", "text": ""},
  {"id": 7, "type": "message", "date_unixtime": "1677665160", "edited": "2023-03-01T10:07:00", "edited_unixtime": "1677665220",
   "from": "Sam Park", "from_id": "user4242", "text": "fixed typo"},
  {"id": 8, "type": "service", "date_unixtime": "1677668400", "actor": "Alex Kim", "actor_id": "user1111",
   "action": "phone_call", "duration_seconds": 125, "discard_reason": "hangup", "text": ""},
  {"id": 9, "type": "service", "date_unixtime": "1677668500", "actor": "Sam Park", "actor_id": "user4242",
   "action": "phone_call", "discard_reason": "missed", "text": ""},
  {"id": 10, "type": "service", "date_unixtime": "1677668600", "actor": "Sam Park", "actor_id": "user4242",
   "action": "phone_call", "discard_reason": "busy", "text": ""},
  {"id": 11, "type": "service", "date_unixtime": "1677668700", "actor": "Alex Kim", "actor_id": "user1111",
   "action": "pin_message", "message_id": 3, "text": ""}
 ]
}"#;

#[test]
fn current_single_chat() {
    let i = read_bytes("result.json", CURRENT.as_bytes(), &utc()).unwrap();
    assert_eq!(i.format, "telegram-json");
    assert!(
        i.parsed.diagnostics.is_empty(),
        "{:?}",
        i.parsed.diagnostics
    );
    let [c] = i.parsed.chats.as_slice() else {
        panic!("one chat")
    };
    assert_eq!(c.source, Some(Source::Telegram));
    assert_eq!(c.title.as_deref(), Some("Sam Park"));
    assert_eq!(c.people, ["Alex Kim", "Sam Park"]);
    // A personal chat's id is the other person's: the user is the one who is not.
    assert_eq!(c.me_hint, Some(0));
    let kinds: Vec<Kind> = c.events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            Kind::System,
            Kind::Text,
            Kind::Text,
            Kind::Media,
            Kind::Voice,
            Kind::Media,
            Kind::Text,
            Kind::Call,
            Kind::MissedCall,
            Kind::MissedCall,
            Kind::System,
        ]
    );
    assert_eq!(c.events[0].sender, None, "service entries have no sender");
    assert_eq!(c.events.text_at(2), "see https://example.org ok?");
    assert_eq!(c.events.text_at(3), "a caption");
    assert_eq!(c.events[1].ts, 1_677_664_860_000);
    assert_eq!(c.events[6].flags & flags::EDITED, flags::EDITED);
    assert_eq!(sender(c, 7), Some("Alex Kim"), "the caller is the actor");
    assert_eq!(c.events.text_at(7), "phone call, 125 s");
    assert_eq!(c.events.text_at(9), "declined phone call");
    assert_eq!(c.events[10].sender, None);
    assert_eq!(c.events[4].line, 5, "line is the record number");
    let tg = telegram::read_slice("result.json", CURRENT.as_bytes(), &utc());
    assert_eq!(
        tg.handles[0],
        [Some("user1111".to_owned()), Some("user4242".to_owned())]
    );
}

/// Old schema: only a local `date`, read in the zone given; DST gaps and folds flagged. A
/// numeric `from_id`, and a date with a zone (an instant).
#[test]
fn old_schema_local_times() {
    let old = r#"{"name": "Group", "type": "private_group", "id": 9, "messages": [
      {"id": 1, "type": "message", "date": "2020-07-01T12:00:00", "from": "Ann", "from_id": 17, "text": "a"},
      {"id": 2, "type": "message", "date": "2020-10-25T02:30:00", "from": "Ben", "from_id": 18, "text": "b"},
      {"id": 3, "type": "message", "date": "2021-03-28T02:30:00", "from": "Ann", "from_id": 17, "text": "c"},
      {"id": 4, "type": "message", "date": "2021-04-01T06:20:09.248Z", "from": "Ben", "from_id": 18, "text": "d"}
    ]}"#;
    let berlin = Options {
        tz: jiff::tz::TimeZone::get("Europe/Berlin").unwrap(),
        date_order: None,
    };
    let i = read_bytes("result.json", old.as_bytes(), &berlin).unwrap();
    let c = &i.parsed.chats[0];
    assert_eq!(c.events[0].ts, 1_593_597_600_000, "12:00 CEST = 10:00 UTC");
    assert_eq!(
        c.events[1].flags & flags::TIME_AMBIGUOUS,
        flags::TIME_AMBIGUOUS
    );
    assert_eq!(c.events[2].flags & flags::TIME_SKIPPED, flags::TIME_SKIPPED);
    assert_eq!(
        c.events[3].ts, 1_617_258_009_248,
        "a zoned date is an instant"
    );
    assert_eq!(c.events[3].flags, 0);
    let note = i
        .parsed
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Note)
        .unwrap();
    assert!(
        note.message.contains("3 records carry only a local time"),
        "{note:?}"
    );
    assert!(note.message.contains("Europe/Berlin"));
    let tg = telegram::read_slice("result.json", old.as_bytes(), &berlin);
    assert_eq!(tg.handles[0][0].as_deref(), Some("user17"));
}

/// Whole-account export: each chat its own ParsedChat, the user from personal_information,
/// left chats too, chats without messages skipped with a Note.
#[test]
fn account_export() {
    let account = r#"{
     "about": "Here is the data you requested.",
     "personal_information": {"user_id": 1111, "first_name": "Alex", "last_name": "Kim", "phone_number": "+1 555 0100"},
     "contacts": {"about": "x", "list": [{"first_name": "Sam", "phone_number": "+1 555 0101"}]},
     "chats": {"about": "This page lists all chats from this export.", "list": [
       {"name": "Sam Park", "type": "personal_chat", "id": 4242, "messages": [
         {"id": 1, "type": "message", "date_unixtime": "1677664860", "from": "Sam Park", "from_id": "user4242", "text": "hi"},
         {"id": 2, "type": "message", "date_unixtime": "1677664870", "from": "Alex Kim", "from_id": "user1111", "text": "yo"}
       ]},
       {"name": "Climbing", "type": "private_supergroup", "id": 77, "messages": [
         {"id": 1, "type": "service", "date_unixtime": "1677000000", "actor": "Lee", "actor_id": "user5", "action": "create_group", "title": "Climbing", "members": ["Lee"], "text": ""},
         {"id": 2, "type": "message", "date_unixtime": "1677000100", "from": "Alex Kim", "from_id": "user1111", "text": "in"},
         {"id": 3, "type": "message", "date_unixtime": "1677000200", "from": null, "from_id": "user6", "text": "me too"}
       ]},
       {"name": "Empty", "type": "personal_chat", "id": 5, "messages": []}
     ]},
     "left_chats": {"about": "x", "list": [
       {"name": "Old group", "type": "private_group", "id": 88, "messages": [
         {"id": 1, "type": "message", "date_unixtime": "1600000000", "from": "Alex Kim", "from_id": "user1111", "text": "bye"}
       ]}
     ]}
    }"#;
    let i = read_bytes("result.json", account.as_bytes(), &utc()).unwrap();
    let titles: Vec<_> = i
        .parsed
        .chats
        .iter()
        .map(|c| c.title.clone().unwrap())
        .collect();
    assert_eq!(titles, ["Sam Park", "Climbing", "Old group"]);
    for c in &i.parsed.chats {
        let me = c.me_hint.map(|m| c.people[m as usize].as_str());
        assert_eq!(me, Some("Alex Kim"), "{:?}", c.title);
    }
    let g = &i.parsed.chats[1];
    assert_eq!(g.events[0].kind, Kind::System);
    assert_eq!(g.events[0].sender, None);
    assert!(
        !g.people.contains(&"Lee".to_owned()),
        "service actors are not participants"
    );
    assert_eq!(sender(g, 2), Some("Deleted Account"));
    assert!(i.parsed.diagnostics.iter().any(|d| {
        d.message
            .contains("chat 3 (id 5): the chat holds no messages")
    }));
}

/// Bad records are diagnostics with their record number, never text, and never stop the
/// import.
#[test]
fn bad_records_are_reported() {
    let bad = r#"{"name": "X", "type": "personal_chat", "id": 2, "messages": [
      {"id": 1, "type": "message", "date_unixtime": "1677664860", "from": "A", "from_id": "user1", "text": "kept"},
      "SECRET-not-an-object",
      {"id": 3, "type": "message", "from": "A", "from_id": "user1", "text": "SECRET-undated"},
      {"id": 4, "type": "message", "date": "last tuesday", "from": "A", "from_id": "user1", "text": "SECRET-bad-date"},
      {"id": 5, "type": "message", "date_unixtime": "99999999999999", "from": "A", "from_id": "user1", "text": "SECRET"},
      {"id": 6, "type": "message", "date_unixtime": "1677664870", "text": "SECRET-no-sender"},
      {"id": 7, "type": "service", "date_unixtime": "1677664880", "action": "phone_call", "duration_seconds": 3},
      {"id": 8, "type": "mystery", "date_unixtime": "1677664890", "text": "SECRET-unknown"},
      {"id": 9, "type": "message", "date_unixtime": {"SECRET": 1}, "date": ["SECRET"], "from": 5, "text": 7},
      {"id": 10, "type": "message", "date_unixtime": 1677664900, "from": "B", "from_id": "user2", "text": "also kept"}
    ]}"#;
    let i = read_bytes("result.json", bad.as_bytes(), &utc()).unwrap();
    let c = &i.parsed.chats[0];
    let texts: Vec<&str> = c.events.iter_texts().map(|(_, t)| t).collect();
    assert_eq!(texts.first(), Some(&"kept"));
    assert_eq!(texts.last(), Some(&"also kept"));
    let lines: Vec<u32> = i.parsed.diagnostics.iter().map(|d| d.line).collect();
    for r in [2, 3, 4, 5, 6, 7, 8, 9] {
        assert!(
            lines.contains(&r),
            "record {r} in {:?}",
            i.parsed.diagnostics
        );
    }
    for d in &i.parsed.diagnostics {
        assert!(!d.message.contains("SECRET"), "{d:?}");
        assert!(d.message.contains(&format!("record {}", d.line)), "{d:?}");
    }
    // Kept as system events (never a message without a sender).
    for e in c.events.iter() {
        assert_eq!(e.sender.is_none(), e.kind == Kind::System);
    }
}

/// A file cut off mid-way keeps every record before the cut and says where it stopped.
#[test]
fn truncated_file_keeps_what_is_complete() {
    let cut = CURRENT.find("\"id\": 5").unwrap();
    let i = read_bytes("result.json", &CURRENT.as_bytes()[..cut], &utc()).unwrap();
    assert_eq!(i.parsed.chats[0].events.len(), 4);
    let w = &i.parsed.diagnostics[0];
    assert_eq!(w.severity, Severity::Warning);
    assert!(w.message.contains("reading stopped at line"), "{w:?}");
    assert!(w.message.contains("cut off"), "{w:?}");
    // Every prefix: never a panic, never more events than the whole.
    for n in 0..CURRENT.len() {
        if let Ok(i) = read_bytes("result.json", &CURRENT.as_bytes()[..n], &utc()) {
            assert!(i.parsed.chats.iter().all(|c| c.events.len() <= 11));
        }
    }
}

/// A file on disk is streamed; the result is the same as from memory, the hash that of the
/// bytes. A folder and a zip holding it give the same chat; nothing depends on the name.
#[test]
fn file_folder_and_zip_agree() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("ChatExport_2023-03-02");
    std::fs::create_dir(&export).unwrap();
    std::fs::create_dir(export.join("photos")).unwrap();
    std::fs::write(export.join("photos").join("p.jpg"), [0xFF, 0xD8, 0xFF, 0]).unwrap();
    let file = export.join("export-data.bin");
    std::fs::write(&file, CURRENT).unwrap();
    let mem = read_bytes("x", CURRENT.as_bytes(), &utc()).unwrap();
    let disk = read_path(&file, &utc()).unwrap();
    assert_eq!(disk.parsed.chats, mem.parsed.chats);
    assert_eq!(disk.file_hash, mem.file_hash);
    assert_eq!(disk.bytes, CURRENT.len() as u64);
    let folder = read_path(&export, &utc()).unwrap();
    assert_eq!(folder.format, "telegram-json");
    assert_eq!(folder.parsed.chats, mem.parsed.chats);

    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("Telegram Desktop/ChatExport/result.json", o)
            .unwrap();
        w.write_all(CURRENT.as_bytes()).unwrap();
        w.start_file("Telegram Desktop/ChatExport/photos/p.jpg", o)
            .unwrap();
        w.write_all(&[0xFF, 0xD8]).unwrap();
        w.finish().unwrap();
    }
    let z = read_bytes("export.zip", buf.get_ref(), &utc()).unwrap();
    assert_eq!(z.format, "telegram-json");
    assert_eq!(z.parsed.chats.len(), 1);
    assert_eq!(z.parsed.chats[0].events, mem.parsed.chats[0].events);
}
