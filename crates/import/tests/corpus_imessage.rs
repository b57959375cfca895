//! Conformance: the real iMessage samples of the shared corpus (EXPECTED.md "iMessage"), under
//! our conventions (tapbacks are reactions, not messages; system rows are system events;
//! attachments are media). The corpus is not part of the repository: when it is absent the
//! tests say so and pass. Databases are copied to a temporary folder first, and the originals
//! are checked unchanged.

use std::path::{Path, PathBuf};

use walkaway_import::imessage::{bplist, typedstream};
use walkaway_import::{Options, read_path};
use walkaway_model::{Kind, Source};

fn corpus(app: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("WALKAWAY_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
        });
    let dir = dir.join(app);
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

fn utc() -> Options {
    Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    }
}

#[test]
fn typedstream_blobs() {
    let Some(dir) = corpus("imessage") else {
        return;
    };
    let read = |f: &str| typedstream::text(&std::fs::read(dir.join(f)).unwrap());
    use typedstream::Body;
    assert_eq!(
        read("imessage-exporter__AttributedBodyTextOnly"),
        Body::Text("Noter test".to_owned())
    );
    assert_eq!(
        read("imessage-exporter__AttributedBodyTextOnly2"),
        Body::Text("Test 3".to_owned())
    );
    assert_eq!(
        read("imessage-exporter__URL"),
        Body::Text("https://github.com/ReagentX/Logria".to_owned())
    );
    assert_eq!(read("imessage-exporter__Blank"), Body::None);
    match read("imessage-exporter__ExtraData") {
        Body::Truncated(t) => assert!(t.starts_with("This is parsing"), "{t:?}"),
        b => panic!("{b:?}"),
    }
}

#[test]
fn message_summary_info_plists() {
    let Some(dir) = corpus("imessage") else {
        return;
    };
    let read = |f: &str| bplist::summary(&std::fs::read(dir.join(f)).unwrap());
    assert!(read("imessage-exporter__Deleted.plist").retracted);
    assert!(!read("imessage-exporter__Deleted.plist").edited);
    for f in [
        "imessage-exporter__Edited.plist",
        "imessage-exporter__EditedToLink.plist",
        "imessage-exporter__EditedToLinkAndBack.plist",
    ] {
        let s = read(f);
        assert!(s.edited && !s.retracted, "{f}: {s:?}");
    }
}

/// Imports a copy of a corpus database and checks the original is unchanged.
fn import_copy(src: &Path) -> walkaway_import::Imported {
    let before = std::fs::read(src).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("chat.db");
    std::fs::copy(src, &copy).unwrap();
    let i = read_path(&copy, &utc()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(std::fs::read(&copy).unwrap(), before);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    assert_eq!(i.format, "imessage-db");
    for c in &i.parsed.chats {
        assert_eq!(c.source, Some(Source::IMessage));
        assert_eq!(c.people.len(), c.handles.len());
        for (e, t) in c.events.iter_texts() {
            assert_eq!(e.kind == Kind::System, e.sender.is_none());
            for d in &i.parsed.diagnostics {
                assert!(t.len() < 8 || !d.message.contains(t), "{d:?}");
            }
        }
    }
    i
}

#[test]
fn imessagedb_real_ventura_database() {
    let Some(dir) = corpus("imessage") else {
        return;
    };
    let i = import_copy(&dir.join("imessagedb__chat.db"));
    assert_eq!(i.parsed.chats.len(), 2, "{:?}", i.parsed.chats);
    let mut all: Vec<(u32, Kind, String)> = i
        .parsed
        .chats
        .iter()
        .flat_map(|c| {
            c.events
                .iter_texts()
                .map(|(e, t)| (e.line, e.kind, t.to_owned()))
        })
        .collect();
    all.sort();
    assert_eq!(all.len(), 2);
    // Text NULL: from the attributedBody.
    assert_eq!(all[0].0, 1_602_652);
    assert_eq!(all[0].1, Kind::Text);
    assert!(all[0].2.starts_with("iMessagedb test"), "{:?}", all[0].2);
    // Two HEIC attachments (U+FFFC each) before the text.
    assert_eq!(
        all[1],
        (1_602_655, Kind::Media, "It’s a lovely day!".to_owned())
    );
    for c in &i.parsed.chats {
        assert_eq!(c.me_hint, Some(0));
        assert!(c.events.iter().all(|e| e.sender == Some(0)));
    }
}

#[test]
fn dona_synthetic_database() {
    let Some(dir) = corpus("imessage") else {
        return;
    };
    let i = import_copy(&dir.join("dona-V2__casual_user_export.db"));
    let chats = &i.parsed.chats;
    assert_eq!(chats.len(), 7);
    let events: usize = chats.iter().map(|c| c.events.len()).sum();
    assert_eq!(events, 768);
    let system = chats
        .iter()
        .flat_map(|c| c.events.iter())
        .filter(|e| e.kind == Kind::System)
        .count();
    assert_eq!(system, 11, "is_system_message rows");
    let group = chats
        .iter()
        .find(|c| c.title.as_deref() == Some("Study Group"))
        .unwrap();
    assert_eq!(group.people.len(), 8, "the user and 7 members");
    let sms = chats
        .iter()
        .flat_map(|c| c.events.iter())
        .filter(|e| e.flags & walkaway_model::flags::SMS != 0)
        .count();
    assert_eq!(sms, 272);
    let voice = chats
        .iter()
        .flat_map(|c| c.events.iter())
        .filter(|e| e.kind == Kind::Voice)
        .count();
    assert_eq!(voice, 55);
}

/// imessage-conversation-analyzer's mock tables: a database is built from the JSON files
/// (values `base64:…` are blobs), as its tests do.
fn build_ica(dir: &Path, db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    for table in [
        "message",
        "handle",
        "chat",
        "chat_message_join",
        "chat_handle_join",
        "attachment",
        "message_attachment_join",
    ] {
        let text = std::fs::read_to_string(dir.join(format!("ica__{table}.json"))).unwrap();
        let rows: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(&text).unwrap();
        let mut cols: Vec<String> = Vec::new();
        for r in &rows {
            for k in r.keys() {
                if !cols.contains(k) {
                    cols.push(k.clone());
                }
            }
        }
        let quoted: Vec<String> = cols.iter().map(|c| format!("\"{c}\"")).collect();
        conn.execute(&format!("CREATE TABLE {table} ({})", quoted.join(", ")), [])
            .unwrap();
        for r in &rows {
            let values: Vec<rusqlite::types::Value> = cols
                .iter()
                .map(|c| match r.get(c) {
                    None | Some(serde_json::Value::Null) => rusqlite::types::Value::Null,
                    Some(serde_json::Value::Bool(b)) => rusqlite::types::Value::Integer(*b as i64),
                    Some(serde_json::Value::Number(n)) => {
                        rusqlite::types::Value::Integer(n.as_i64().unwrap())
                    }
                    Some(serde_json::Value::String(s)) => match s.strip_prefix("base64:") {
                        Some(b) => rusqlite::types::Value::Blob(base64(b)),
                        None => rusqlite::types::Value::Text(s.clone()),
                    },
                    Some(v) => rusqlite::types::Value::Text(v.to_string()),
                })
                .collect();
            let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
            conn.execute(
                &format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    quoted.join(", "),
                    marks.join(", ")
                ),
                rusqlite::params_from_iter(values),
            )
            .unwrap();
        }
    }
}

fn base64(s: &str) -> Vec<u8> {
    let val = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            _ => 63,
        }
    };
    let clean: Vec<u8> = s.bytes().filter(|&c| c != b'=' && c != b'\n').collect();
    let mut out = Vec::new();
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= val(c) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

#[test]
fn ica_mock_tables_jane_fernbrook() {
    let Some(dir) = corpus("imessage") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("chat.db");
    build_ica(&dir, &db);
    let i = read_path(&db, &utc()).unwrap();
    // Jane is +12234567890 (the contacts tables name the handle; walkaway has no contacts).
    let jane = i
        .parsed
        .chats
        .iter()
        .find(|c| c.people == ["Me", "+12234567890"])
        .unwrap();
    let count = |who: u32, kind: fn(Kind) -> bool| {
        jane.events
            .iter()
            .filter(|e| e.sender == Some(who) && kind(e.kind))
            .count()
    };
    assert_eq!(count(0, Kind::is_message), 5, "messages from me");
    assert_eq!(count(1, Kind::is_message), 4, "messages from Jane");
    assert_eq!(count(1, |k| k == Kind::Reaction), 2, "reactions from Jane");
    assert_eq!(count(0, |k| k == Kind::Reaction), 0);
    // Days messaged, in UTC.
    let mut days: Vec<i64> = jane
        .events
        .iter()
        .filter(|e| e.kind.is_message())
        .map(|e| e.ts.div_euclid(86_400_000))
        .collect();
    days.dedup();
    assert_eq!(days.len(), 7);
    // The group and the tapback written in an attributedBody (Thomas's chat).
    assert_eq!(i.parsed.chats.len(), 4);
    let thomas = i
        .parsed
        .chats
        .iter()
        .find(|c| c.people == ["Me", "thomas.riverstone@example.com"])
        .unwrap();
    let last = thomas.events.iter_texts().last().unwrap();
    assert_eq!((last.0.kind, last.1), (Kind::Reaction, "❤️"));
}
