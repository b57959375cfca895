//! iMessage chat.db: synthetic databases built here with rusqlite (the current schema, an old
//! one, damaged and foreign ones), read through `read_path` and `read_bytes`.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};
use walkaway_import::imessage::{bplist, typedstream};
use walkaway_import::{ImportError, Imported, Options, read_bytes, read_path};
use walkaway_model::{Kind, ParsedChat, Source, flags};

fn utc() -> Options {
    Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    }
}

/// 2023-01-01T00:00:00Z in nanoseconds since 2001-01-01.
const T0: i64 = 694_224_000_000_000_000;
const MIN: i64 = 60_000_000_000;
/// 2023-01-01T00:00:00Z in Unix milliseconds.
const MS0: i64 = 1_672_531_200_000;

/// A chat.db with the columns of a current macOS (a subset: the ones read, and a few others).
fn modern(path: &Path) {
    let c = Connection::open(path).unwrap();
    c.execute_batch(
        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT);
         CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT, style INTEGER, chat_identifier TEXT, service_name TEXT, display_name TEXT);
         CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER);
         CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER, message_date INTEGER DEFAULT 0);
         CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT, text TEXT, handle_id INTEGER DEFAULT 0,
            attributedBody BLOB, service TEXT, account TEXT, date INTEGER, is_from_me INTEGER DEFAULT 0,
            is_system_message INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, is_audio_message INTEGER DEFAULT 0,
            item_type INTEGER DEFAULT 0, associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0,
            message_summary_info BLOB, destination_caller_id TEXT, date_retracted INTEGER DEFAULT 0, date_edited INTEGER DEFAULT 0);
         INSERT INTO handle (ROWID, id, service) VALUES (1, '+1 (555) 000-1111', 'iMessage'), (2, '+15550001111', 'SMS'), (3, 'Bob@Example.org', 'iMessage');
         INSERT INTO chat (ROWID, style, chat_identifier, service_name, display_name) VALUES
            (1, 45, '+15550001111', 'iMessage', ''), (2, 45, '+15550001111', 'SMS', NULL), (3, 43, 'chat1', 'iMessage', 'Book club');
         INSERT INTO chat_handle_join VALUES (1, 1), (2, 2), (3, 1), (3, 3);",
    )
    .unwrap();
    let body = typedstream::encode("only in the attributed body");
    let unsent = bplist::encode(&["amc", "ust", "otr", "rp"]);
    let edited = bplist::encode(&["amc", "ec", "ust"]);
    // (rowid, chat, text, handle, body, service, minute, from_me, system, attach, audio, item, assoc, summary, retracted, edited)
    type Row<'a> = (
        i64,
        i64,
        Option<&'a str>,
        i64,
        Option<&'a [u8]>,
        &'a str,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
        Option<&'a [u8]>,
        i64,
        i64,
    );
    let rows: Vec<Row<'_>> = vec![
        (
            1,
            1,
            Some("hi Ann"),
            1,
            None,
            "iMessage",
            0,
            1,
            0,
            0,
            0,
            0,
            0,
            None,
            0,
            0,
        ),
        (
            2,
            1,
            Some("hello!"),
            1,
            None,
            "iMessage",
            1,
            0,
            0,
            0,
            0,
            0,
            0,
            None,
            0,
            0,
        ),
        (
            3,
            1,
            None,
            1,
            Some(&body),
            "iMessage",
            2,
            0,
            0,
            0,
            0,
            0,
            0,
            None,
            0,
            0,
        ),
        (
            4,
            1,
            Some("Loved “hi Ann”"),
            1,
            None,
            "iMessage",
            3,
            0,
            0,
            0,
            0,
            0,
            2000,
            None,
            0,
            0,
        ),
        (
            5,
            1,
            Some("Removed a heart from “hi Ann”"),
            1,
            None,
            "iMessage",
            4,
            0,
            0,
            0,
            0,
            0,
            3000,
            None,
            0,
            0,
        ),
        (
            6,
            1,
            Some("fixed typo"),
            1,
            None,
            "iMessage",
            5,
            1,
            0,
            0,
            0,
            0,
            0,
            Some(&edited),
            0,
            7,
        ),
        (
            7,
            1,
            None,
            1,
            None,
            "iMessage",
            6,
            1,
            0,
            0,
            0,
            0,
            0,
            Some(&unsent),
            0,
            8,
        ),
        (
            8, 1, None, 1, None, "iMessage", 7, 0, 0, 1, 1, 0, 0, None, 0, 0,
        ),
        (
            9,
            1,
            Some("\u{fffc}look"),
            1,
            None,
            "iMessage",
            8,
            0,
            0,
            1,
            0,
            0,
            0,
            None,
            0,
            0,
        ),
        // The SMS twin of the same one-to-one chat: merged into it, flagged.
        (
            10,
            2,
            Some("by sms"),
            2,
            None,
            "SMS",
            9,
            0,
            0,
            0,
            0,
            0,
            0,
            None,
            0,
            0,
        ),
        (
            11,
            2,
            Some("Liked “by sms”"),
            2,
            None,
            "SMS",
            10,
            1,
            0,
            0,
            0,
            0,
            0,
            None,
            0,
            0,
        ),
        // The group.
        (
            12,
            3,
            Some("welcome"),
            3,
            None,
            "iMessage",
            11,
            0,
            0,
            0,
            0,
            0,
            0,
            None,
            0,
            0,
        ),
        (
            13, 3, None, 3, None, "iMessage", 12, 0, 0, 0, 0, 2, 0, None, 0, 0,
        ),
        (
            14,
            3,
            Some("thanks"),
            0,
            None,
            "iMessage",
            13,
            1,
            0,
            0,
            0,
            0,
            0,
            None,
            0,
            0,
        ),
        // Bad rows: no date; not from me and no handle.
        (
            15,
            3,
            Some("secret words"),
            3,
            None,
            "iMessage",
            -1,
            0,
            0,
            0,
            0,
            0,
            0,
            None,
            0,
            0,
        ),
        (
            16,
            3,
            Some("who wrote this"),
            0,
            None,
            "iMessage",
            14,
            0,
            0,
            0,
            0,
            0,
            0,
            None,
            0,
            0,
        ),
        (
            17,
            1,
            Some("unsent later"),
            1,
            None,
            "iMessage",
            15,
            1,
            0,
            0,
            0,
            0,
            0,
            None,
            9,
            0,
        ),
    ];
    for r in rows {
        let date = if r.6 < 0 { 0 } else { T0 + r.6 * MIN };
        c.execute(
            "INSERT INTO message (ROWID, text, handle_id, attributedBody, service, date, is_from_me, is_system_message,
               cache_has_attachments, is_audio_message, item_type, associated_message_type, message_summary_info,
               date_retracted, date_edited, destination_caller_id, account)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, 'e:me@example.org')",
            params![
                r.0,
                r.2,
                r.3,
                r.4,
                r.5,
                date,
                r.7,
                r.8,
                r.9,
                r.10,
                r.11,
                r.12,
                r.13,
                r.14,
                r.15,
                if r.7 == 1 { Some("+15559998888") } else { None }
            ],
        )
        .unwrap();
        c.execute(
            "INSERT INTO chat_message_join (chat_id, message_id) VALUES (?1, ?2)",
            params![r.1, r.0],
        )
        .unwrap();
    }
}

fn rows(c: &ParsedChat) -> Vec<(i64, Kind, Option<&str>, &str, u8)> {
    c.events
        .iter_texts()
        .map(|(e, t)| {
            (
                (e.ts - MS0) / 60_000,
                e.kind,
                e.sender.map(|s| c.people[s as usize].as_str()),
                t,
                e.flags,
            )
        })
        .collect()
}

fn tmp_db(build: fn(&Path)) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chat.db");
    build(&path);
    (dir, path)
}

fn check_modern(i: &Imported) {
    assert_eq!(i.format, "imessage-db");
    let chats = &i.parsed.chats;
    assert_eq!(chats.len(), 2, "{chats:?}");
    let one = &chats[0];
    assert_eq!(one.source, Some(Source::IMessage));
    assert_eq!(one.people, ["Me", "+15550001111"]);
    assert_eq!(one.handles, ["+15559998888", "+15550001111"]);
    assert_eq!(one.me_hint, Some(0));
    assert_eq!(one.title.as_deref(), Some("+15550001111"));
    let ann = Some("+15550001111");
    assert_eq!(
        rows(one),
        [
            (0, Kind::Text, Some("Me"), "hi Ann", 0),
            (1, Kind::Text, ann, "hello!", 0),
            (2, Kind::Text, ann, "only in the attributed body", 0),
            (3, Kind::Reaction, ann, "❤️", 0),
            (5, Kind::Text, Some("Me"), "fixed typo", flags::EDITED),
            (6, Kind::Deleted, Some("Me"), "", 0),
            (7, Kind::Voice, ann, "", 0),
            (8, Kind::Media, ann, "look", 0),
            (9, Kind::Text, ann, "by sms", flags::SMS),
            (10, Kind::Reaction, Some("Me"), "👍", flags::SMS),
            (15, Kind::Text, Some("Me"), "unsent later", 0),
        ]
    );
    let group = &chats[1];
    assert_eq!(group.title.as_deref(), Some("Book club"));
    assert_eq!(group.people, ["Me", "+15550001111", "bob@example.org"]);
    assert_eq!(
        rows(group),
        [
            (11, Kind::Text, Some("bob@example.org"), "welcome", 0),
            (12, Kind::System, None, "", 0),
            (13, Kind::Text, Some("Me"), "thanks", 0),
            (14, Kind::System, None, "who wrote this", 0),
        ]
    );
    let msgs: Vec<&str> = i
        .parsed
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        msgs.iter()
            .any(|m| m.ends_with("chat 3: record 15: has no usable date; skipped")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter().any(|m| m.ends_with(
            "chat 3: record 16: is from someone without a handle; kept as a system event"
        )),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("1 tapbacks were taken back"))
    );
    for m in &msgs {
        assert!(!m.contains("secret") && !m.contains("who wrote"), "{m}");
    }
}

#[test]
fn modern_schema_every_variant() {
    let (_dir, path) = tmp_db(modern);
    let i = read_path(&path, &utc()).unwrap();
    check_modern(&i);
    assert_eq!(i.bytes, std::fs::metadata(&path).unwrap().len());
    assert!(i.modified.is_some());
}

#[test]
fn bytes_read_like_the_file() {
    let (_dir, path) = tmp_db(modern);
    let bytes = std::fs::read(&path).unwrap();
    let a = read_bytes("chat.db", &bytes, &utc()).unwrap();
    check_modern(&a);
    let b = read_path(&path, &utc()).unwrap();
    assert_eq!(a.file_hash, b.file_hash);
    assert_eq!(a.parsed.chats, b.parsed.chats);
}

#[test]
fn the_database_is_never_modified() {
    let (dir, path) = tmp_db(modern);
    // A WAL-mode database, as Messages keeps it.
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "journal_mode", "wal")
        .unwrap();
    let listing = || {
        let mut v: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        v.sort();
        v
    };
    let before = std::fs::read(&path).unwrap();
    assert_eq!(&before[18..20], [2, 2], "wal mode");
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    let files = listing();
    let i = read_path(&path, &utc()).unwrap();
    check_modern(&i);
    // Read-only files too.
    let mut perm = std::fs::metadata(&path).unwrap().permissions();
    perm.set_readonly(true);
    std::fs::set_permissions(&path, perm).unwrap();
    check_modern(&read_path(&path, &utc()).unwrap());
    check_modern(&read_bytes("chat.db", &before, &utc()).unwrap());
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), mtime);
    assert_eq!(listing(), files, "no -wal, -shm or journal created");
}

#[test]
fn a_wal_beside_it_is_reported() {
    let (_dir, path) = tmp_db(modern);
    let mut wal = path.clone().into_os_string();
    wal.push("-wal");
    std::fs::write(&wal, b"pending").unwrap();
    let i = read_path(&path, &utc()).unwrap();
    assert!(
        i.parsed
            .diagnostics
            .iter()
            .any(|d| d.message.contains("chat.db-wal")),
        "{:?}",
        i.parsed.diagnostics
    );
}

/// An old database: dates in seconds, no attributedBody, no tapback or edit columns.
fn old(path: &Path) {
    let c = Connection::open(path).unwrap();
    c.execute_batch(
        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);
         CREATE TABLE chat (ROWID INTEGER PRIMARY KEY, chat_identifier TEXT);
         CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER);
         CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER);
         CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT, handle_id INTEGER, date INTEGER, is_from_me INTEGER);
         INSERT INTO handle VALUES (1, 'ann@example.org');
         INSERT INTO chat VALUES (1, 'ann@example.org');
         INSERT INTO chat_handle_join VALUES (1, 1);
         INSERT INTO message VALUES (1, 'first', 1, 694224000, 0), (2, 'second', 1, 694224060, 1), (3, 'stray', 1, 694224120, 0);
         INSERT INTO chat_message_join VALUES (1, 1), (1, 2);",
    )
    .unwrap();
}

#[test]
fn old_schema_in_seconds() {
    let (_dir, path) = tmp_db(old);
    let i = read_path(&path, &utc()).unwrap();
    let [c] = i.parsed.chats.as_slice() else {
        panic!("{:?}", i.parsed.chats)
    };
    assert_eq!(
        rows(c),
        [
            (0, Kind::Text, Some("ann@example.org"), "first", 0),
            (1, Kind::Text, Some("Me"), "second", 0),
            (2, Kind::Text, Some("ann@example.org"), "stray", 0),
        ]
    );
    assert!(
        i.parsed
            .diagnostics
            .iter()
            .any(|d| d.message.contains("1 messages belong to no chat"))
    );
}

#[test]
fn foreign_and_broken_databases_are_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("notes.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE notes (id INTEGER, body TEXT);")
        .unwrap();
    match read_path(&other, &utc()) {
        Err(ImportError::UnknownFormat { reason, .. }) => {
            assert!(reason.contains("its tables: notes"), "{reason}");
            assert!(reason.contains("chat.db"), "{reason}");
        }
        r => panic!("{r:?}"),
    }
    let broken = dir.path().join("chat.db");
    let mut b = b"SQLite format 3\0".to_vec();
    b.extend(std::iter::repeat_n(0xA5u8, 5000));
    std::fs::write(&broken, &b).unwrap();
    match read_path(&broken, &utc()) {
        Err(e @ ImportError::Database { .. }) => {
            let m = e.to_string();
            assert!(m.starts_with("cannot read "), "{m}");
        }
        r => panic!("{r:?}"),
    }
    assert!(matches!(
        read_bytes("chat.db", &b, &utc()),
        Err(ImportError::Database { .. })
    ));
}

#[cfg(unix)]
#[test]
fn unreadable_database_says_full_disk_access() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, path) = tmp_db(old);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&path).is_ok() {
        eprintln!("skipped: running as root, permissions are not enforced");
        return;
    }
    let e = read_path(&path, &utc()).unwrap_err();
    assert!(e.to_string().contains("full disk access"), "{e}");
}

#[test]
fn damaged_pages_keep_what_was_read_or_refuse_never_panic() {
    let (_dir, path) = tmp_db(modern);
    let good = std::fs::read(&path).unwrap();
    let mut i = 100;
    while i < good.len() {
        let mut bad = good.clone();
        for b in bad.iter_mut().skip(i).take(64) {
            *b ^= 0x5a;
        }
        let _ = read_bytes("chat.db", &bad, &utc());
        let _ = read_bytes("chat.db", &good[..i], &utc());
        i += 997;
    }
}

#[test]
fn the_messages_folder_reads_its_chat_db() {
    let (dir, path) = tmp_db(modern);
    std::fs::write(dir.path().join("chat.db-shm"), b"x").unwrap();
    std::fs::create_dir(dir.path().join("Attachments")).unwrap();
    std::fs::write(dir.path().join("Attachments/a.heic"), b"img").unwrap();
    let i = read_path(dir.path(), &utc()).unwrap();
    check_modern(&i);
    assert_eq!(i.file_hash, read_path(&path, &utc()).unwrap().file_hash);
}

#[test]
fn a_zip_holding_chat_db_is_read_from_memory() {
    use std::io::Write;
    let (_dir, path) = tmp_db(modern);
    let db = std::fs::read(&path).unwrap();
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file("Messages/chat.db", o).unwrap();
        w.write_all(&db).unwrap();
        w.finish().unwrap();
    }
    let i = read_bytes("Messages.zip", &buf.into_inner(), &utc()).unwrap();
    check_modern(&i);
}
