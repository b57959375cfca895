//! Integration tests of the store through its public API, on real database files.

use walkaway_model::{
    Activity, ActivityKind, Diagnostic, Events, Kind, NewEvent, Parsed, ParsedChat, Severity,
    Source,
};
use walkaway_store::{DataEndSource, ImportMeta, Plan, Store, StoreError};

fn meta(path: &str, hash: &str) -> ImportMeta {
    ImportMeta {
        path: path.to_owned(),
        file_hash: hash.to_owned(),
        bytes: 100,
        format: "whatsapp".to_owned(),
        tz: "Europe/Paris".to_owned(),
        modified: None,
        imported_at: 1_700_000_000_000,
    }
}

fn ev(ts: i64, sender: Option<u32>, text: &str, line: u32) -> NewEvent<'_> {
    NewEvent {
        ts,
        sender,
        kind: if sender.is_some() {
            Kind::Text
        } else {
            Kind::System
        },
        text,
        line,
        flags: 0,
    }
}

fn events<'t>(list: impl IntoIterator<Item = NewEvent<'t>>) -> Events {
    Events::try_from_iter(list).unwrap()
}

/// A two-person WhatsApp chat of `n` messages, one a minute, alternating senders.
fn chat(people: &[&str], n: usize) -> ParsedChat {
    let texts: Vec<String> = (0..n).map(|i| format!("message {i}")).collect();
    let events = events(texts.iter().enumerate().map(|(i, text)| {
        ev(
            1_600_000_000_000 + 60_000 * i as i64,
            Some((i % people.len()) as u32),
            text,
            i as u32 + 1,
        )
    }));
    ParsedChat {
        source: Some(Source::WhatsApp),
        title: Some("Chat".to_owned()),
        people: people.iter().map(|p| (*p).to_owned()).collect(),
        events,
        me_hint: None,
        exported_at: None,
        handles: Vec::new(),
    }
}

fn parsed(chats: Vec<ParsedChat>) -> Parsed {
    Parsed {
        chats,
        ..Parsed::default()
    }
}

fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("w.db")).expect("open");
    (dir, store)
}

fn only_chat_id(store: &Store) -> String {
    let chats = store.chats().expect("chats");
    assert_eq!(chats.len(), 1, "{chats:?}");
    chats[0].id.clone()
}

#[test]
fn migrates_from_empty_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/deeper/w.db");
    {
        let store = Store::open(&path).unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            walkaway_store::schema::latest_version()
        );
        assert!(store.chats().unwrap().is_empty());
        assert!(store.imports().unwrap().is_empty());
        assert!(store.activity().unwrap().is_empty());
    }
    let mut store = Store::open(&path).unwrap();
    store
        .import(
            &meta("a.txt", "h1"),
            &parsed(vec![chat(&["Ana", "Ben"], 3)]),
        )
        .unwrap();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.chats().unwrap().len(), 1);
    assert_eq!(
        store.schema_version().unwrap(),
        walkaway_store::schema::latest_version()
    );
}

#[cfg(unix)]
#[test]
fn database_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data/walkaway/w.db");
    let mut store = Store::open(&path).unwrap();
    store
        .import(
            &meta("a.txt", "h1"),
            &parsed(vec![chat(&["Ana", "Ben"], 3)]),
        )
        .unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let dir_mode = std::fs::metadata(path.parent().unwrap())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(dir_mode, 0o700);
    // SQLite gives the WAL the database file's permissions.
    let wal = path.with_extension("db-wal");
    if wal.exists() {
        let mode = std::fs::metadata(&wal).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn open_errors_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let not_db = dir.path().join("notes.db");
    std::fs::write(&not_db, vec![b'x'; 4096]).unwrap();
    let err = Store::open(&not_db).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("cannot open database {}: ", not_db.display())),
        "{err}"
    );

    // A directory where the file should be.
    let err = Store::open(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains(&format!("cannot open database {}", dir.path().display())),
        "{err}"
    );
}

#[test]
fn newer_schema_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    drop(Store::open(&path).unwrap());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(err, StoreError::NewerSchema { found: 99, .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains("schema version 99"), "{msg}");
    assert!(msg.contains("upgrade walkaway"), "{msg}");
}

#[test]
fn foreign_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE notes (x TEXT)").unwrap();
    }
    let err = Store::open(&path).unwrap_err();
    assert!(matches!(err, StoreError::Foreign { .. }), "{err:?}");
    // Nothing was added to the other application's file.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tables, 1);
}

#[test]
fn reimport_adds_nothing() {
    let (_dir, mut store) = temp_store();
    let p = parsed(vec![chat(&["Ana", "Ben"], 50)]);
    let first = store.import(&meta("a.txt", "h1"), &p).unwrap();
    assert!(!first.same_file_seen_before);
    assert_eq!(first.chats.len(), 1);
    assert!(first.chats[0].new_chat);
    assert_eq!((first.chats[0].added, first.chats[0].present), (50, 0));

    let again = store.import(&meta("a.txt", "h1"), &p).unwrap();
    assert!(again.same_file_seen_before);
    assert!(!again.chats[0].new_chat);
    assert_eq!(again.chats[0].chat_id, first.chats[0].chat_id);
    assert_eq!((again.chats[0].added, again.chats[0].present), (0, 50));

    let info = store.chat(&first.chats[0].chat_id).unwrap().unwrap();
    assert_eq!((info.events, info.messages), (50, 50));
    let imports = store.imports().unwrap();
    assert_eq!(imports.len(), 2);
    assert_eq!(
        (imports[0].events_added, imports[0].events_present),
        (50, 0)
    );
    assert_eq!(
        (imports[1].events_added, imports[1].events_present),
        (0, 50)
    );
    assert_eq!(imports[1].file_hash, "h1");
    assert_eq!(imports[1].tz, "Europe/Paris");
    assert_eq!(imports[1].format, "whatsapp");
}

#[test]
fn longer_export_adds_exactly_the_new_events() {
    let (_dir, mut store) = temp_store();
    store
        .import(
            &meta("a.txt", "h1"),
            &parsed(vec![chat(&["Ana", "Ben"], 40)]),
        )
        .unwrap();
    let longer = store
        .import(
            &meta("b.txt", "h2"),
            &parsed(vec![chat(&["Ana", "Ben"], 65)]),
        )
        .unwrap();
    assert!(!longer.same_file_seen_before);
    assert!(!longer.chats[0].new_chat);
    assert_eq!((longer.chats[0].added, longer.chats[0].present), (25, 40));

    let id = only_chat_id(&store);
    let loaded = store.load_chat(&id).unwrap();
    assert_eq!(loaded.events.len(), 65);
    let texts: Vec<String> = (0..65).map(|i| format!("message {i}")).collect();
    let got: Vec<String> = loaded
        .events
        .iter_texts()
        .map(|(_, t)| t.to_owned())
        .collect();
    assert_eq!(got, texts);
    assert_eq!(loaded.info.first, Some(1_600_000_000_000));
    assert_eq!(loaded.info.last, Some(1_600_000_000_000 + 64 * 60_000));

    // The shorter, older export again: nothing new.
    let old = store
        .import(
            &meta("a.txt", "h1"),
            &parsed(vec![chat(&["Ana", "Ben"], 40)]),
        )
        .unwrap();
    assert_eq!((old.chats[0].added, old.chats[0].present), (0, 40));
}

#[test]
fn identical_messages_stay_two_and_reimport_adds_none() {
    let (_dir, mut store) = temp_store();
    let mut c = chat(&["Ana", "Ben"], 2);
    // WhatsApp has minute resolution: the same "ok" twice in one minute is two messages.
    c.events
        .push(ev(1_700_000_000_000, Some(0), "ok", 3))
        .unwrap();
    c.events
        .push(ev(1_700_000_000_000, Some(0), "ok", 4))
        .unwrap();
    c.events
        .push(ev(1_700_000_000_000, Some(1), "ok", 5))
        .unwrap();
    c.events
        .push(ev(1_700_000_000_000, Some(0), "ok", 6))
        .unwrap();
    let p = parsed(vec![c]);
    let first = store.import(&meta("a.txt", "h1"), &p).unwrap();
    assert_eq!(first.chats[0].added, 6);
    let again = store.import(&meta("a.txt", "h1"), &p).unwrap();
    assert_eq!((again.chats[0].added, again.chats[0].present), (0, 6));

    let loaded = store.load_chat(&first.chats[0].chat_id).unwrap();
    let tail: Vec<(Option<u32>, &str, u32)> = loaded
        .events
        .iter_texts()
        .skip(2)
        .map(|(e, t)| (e.sender, t, e.line))
        .collect();
    assert_eq!(
        tail,
        vec![
            (Some(0), "ok", 3),
            (Some(0), "ok", 4),
            (Some(1), "ok", 5),
            (Some(0), "ok", 6)
        ]
    );

    // A later export with a third identical "ok" adds exactly that one.
    let mut c = chat(&["Ana", "Ben"], 2);
    for line in 3..=6 {
        let sender = if line == 5 { 1 } else { 0 };
        c.events
            .push(ev(1_700_000_000_000, Some(sender), "ok", line))
            .unwrap();
    }
    c.events
        .push(ev(1_700_000_000_000, Some(0), "ok", 7))
        .unwrap();
    let more = store
        .import(&meta("b.txt", "h2"), &parsed(vec![c]))
        .unwrap();
    assert_eq!((more.chats[0].added, more.chats[0].present), (1, 6));
}

#[test]
fn chat_is_recognised_by_participants_not_file_name() {
    let (_dir, mut store) = temp_store();
    let a = store
        .import(
            &meta("WhatsApp Chat with Ben.txt", "h1"),
            &parsed(vec![chat(&["Ana", "Ben"], 10)]),
        )
        .unwrap();
    // Same people, listed in another order, from a renamed file with another title.
    let mut renamed = chat(&["Ben", "Ana"], 12);
    renamed.title = Some("renamed".to_owned());
    for e in renamed.events.iter_mut() {
        e.sender = e.sender.map(|s| 1 - s);
    }
    let b = store
        .import(&meta("export (1).txt", "h2"), &parsed(vec![renamed]))
        .unwrap();
    assert_eq!(b.chats[0].chat_id, a.chats[0].chat_id);
    assert!(!b.chats[0].new_chat);
    assert_eq!((b.chats[0].added, b.chats[0].present), (2, 10));
    // The stored title is the first one.
    assert_eq!(b.chats[0].title, "Chat");

    // Another person with the same file name is another chat.
    let c = store
        .import(
            &meta("WhatsApp Chat with Ben.txt", "h3"),
            &parsed(vec![chat(&["Ana", "Cleo"], 10)]),
        )
        .unwrap();
    assert!(c.chats[0].new_chat);
    assert_ne!(c.chats[0].chat_id, a.chats[0].chat_id);

    // Same people on another app is another chat.
    let mut tg = chat(&["Ana", "Ben"], 10);
    tg.source = Some(Source::Telegram);
    let d = store
        .import(&meta("result.json", "h4"), &parsed(vec![tg]))
        .unwrap();
    assert!(d.chats[0].new_chat);
    assert!(d.chats[0].chat_id.starts_with("tg-"));
    assert_eq!(store.chats().unwrap().len(), 3);
}

#[test]
fn chat_ids_are_stable_across_databases() {
    let (_d1, mut s1) = temp_store();
    let (_d2, mut s2) = temp_store();
    let p = parsed(vec![chat(&["Ana", "Ben"], 5)]);
    let a = s1.import(&meta("x.txt", "h"), &p).unwrap();
    let b = s2.import(&meta("y.txt", "other"), &p).unwrap();
    assert_eq!(a.chats[0].chat_id, b.chats[0].chat_id);
    assert!(a.chats[0].chat_id.starts_with("wa-"));
    assert_eq!(a.chats[0].chat_id.len(), 13);
}

#[test]
fn group_export_after_someone_joined_joins_the_stored_chat() {
    let (_dir, mut store) = temp_store();
    let first = store
        .import(
            &meta("g.txt", "h1"),
            &parsed(vec![chat(&["Ana", "Ben", "Cleo"], 30)]),
        )
        .unwrap();
    // The newer export holds the old history and Dan's messages after he joined.
    let mut newer = chat(&["Ana", "Ben", "Cleo"], 30);
    newer.people.push("Dan".to_owned());
    newer
        .events
        .push(ev(1_700_000_000_000, None, "Dan joined", 31))
        .unwrap();
    newer
        .events
        .push(ev(1_700_000_060_000, Some(3), "hi all", 32))
        .unwrap();
    let second = store
        .import(&meta("g2.txt", "h2"), &parsed(vec![newer.clone()]))
        .unwrap();
    assert_eq!(second.chats[0].chat_id, first.chats[0].chat_id);
    assert_eq!((second.chats[0].added, second.chats[0].present), (2, 30));
    assert_eq!(
        second.chats[0].participants,
        vec!["Ana", "Ben", "Cleo", "Dan"]
    );
    // Both the old and the new export still match directly.
    let again = store
        .import(
            &meta("g.txt", "h1"),
            &parsed(vec![chat(&["Ana", "Ben", "Cleo"], 30)]),
        )
        .unwrap();
    assert_eq!(again.chats[0].chat_id, first.chats[0].chat_id);
    assert_eq!(again.chats[0].added, 0);

    // A group with a superset of participants but no shared events is another chat.
    let mut other = chat(&["Ana", "Ben", "Cleo", "Eve"], 4);
    let texts: Vec<String> = other
        .events
        .iter_texts()
        .map(|(_, t)| format!("{t} elsewhere"))
        .collect();
    other.events = events(
        other
            .events
            .iter()
            .zip(&texts)
            .map(|(e, t)| ev(e.ts, e.sender, t, e.line)),
    );
    let third = store
        .import(&meta("g3.txt", "h3"), &parsed(vec![other]))
        .unwrap();
    assert!(third.chats[0].new_chat);
    assert_eq!(store.chats().unwrap().len(), 2);
}

#[test]
fn system_events_make_nobody_a_participant() {
    let (_dir, mut store) = temp_store();
    let mut c = chat(&["Ana", "Ben"], 4);
    c.people.push("Zed".to_owned());
    // A format that wrote a system line under a contact's name.
    c.events
        .push(NewEvent {
            ts: 1_600_000_000_000 - 1,
            sender: Some(2),
            kind: Kind::System,
            text: "Messages are end-to-end encrypted.",
            line: 1,
            flags: 0,
        })
        .unwrap();
    let s = store.import(&meta("a.txt", "h"), &parsed(vec![c])).unwrap();
    assert_eq!(s.chats[0].participants, vec!["Ana", "Ben"]);
    let loaded = store.load_chat(&s.chats[0].chat_id).unwrap();
    assert_eq!(loaded.people, vec!["Ana", "Ben"]);
    assert_eq!(loaded.events[0].kind, Kind::System);
    assert_eq!(loaded.events[0].sender, None);
    assert_eq!(loaded.info.events, 5);
    assert_eq!(loaded.info.messages, 4);
}

#[test]
fn load_orders_by_instant_and_keeps_file_order_for_ties() {
    let (_dir, mut store) = temp_store();
    let mut c = chat(&["Ana", "Ben"], 0);
    c.events = events([
        ev(3_000, Some(0), "c", 1),
        ev(1_000, Some(1), "a", 2),
        ev(2_000, Some(0), "b2", 3),
        ev(2_000, Some(1), "b1", 4),
        ev(2_000, None, "sys", 5),
    ]);
    c.events[2].flags = walkaway_model::flags::OUT_OF_ORDER;
    c.me_hint = Some(1);
    let s = store.import(&meta("a.txt", "h"), &parsed(vec![c])).unwrap();
    let loaded = store.load_chat(&s.chats[0].chat_id).unwrap();
    let got: Vec<(i64, &str, u32)> = loaded
        .events
        .iter_texts()
        .map(|(e, t)| (e.ts, t, e.line))
        .collect();
    assert_eq!(
        got,
        vec![
            (1_000, "a", 2),
            (2_000, "b2", 3),
            (2_000, "b1", 4),
            (2_000, "sys", 5),
            (3_000, "c", 1)
        ]
    );
    assert_eq!(loaded.events[1].flags, walkaway_model::flags::OUT_OF_ORDER);
    // Senders index `people`, which is in first-stored order.
    assert_eq!(loaded.people, vec!["Ana", "Ben"]);
    assert_eq!(loaded.events[0].sender, Some(1));
    assert_eq!(loaded.me_hint, Some(1));
    assert_eq!(loaded.me, None);
}

#[test]
fn ties_across_imports_keep_file_order() {
    let (_dir, mut store) = temp_store();
    let mut c = chat(&["Ana", "Ben"], 0);
    c.events = events([ev(5_000, Some(0), "first", 1), ev(6_000, Some(1), "x", 2)]);
    store
        .import(&meta("a.txt", "h1"), &parsed(vec![c.clone()]))
        .unwrap();
    // The newer export shows a message in the same minute as "first", after it.
    c.events = events([
        ev(5_000, Some(0), "first", 1),
        ev(5_000, Some(1), "second", 2),
        ev(6_000, Some(1), "x", 3),
    ]);
    let s = store
        .import(&meta("b.txt", "h2"), &parsed(vec![c]))
        .unwrap();
    assert_eq!(s.chats[0].added, 1);
    let loaded = store.load_chat(&s.chats[0].chat_id).unwrap();
    let texts: Vec<&str> = loaded.events.iter_texts().map(|(_, t)| t).collect();
    assert_eq!(texts, vec!["first", "second", "x"]);
}

#[test]
fn set_me_accepts_participants_only() {
    let (_dir, mut store) = temp_store();
    let s = store
        .import(&meta("a.txt", "h"), &parsed(vec![chat(&["Ana", "Ben"], 4)]))
        .unwrap();
    let id = &s.chats[0].chat_id;
    let err = store.set_me(id, "Zoe").unwrap_err();
    assert!(matches!(err, StoreError::NotParticipant { .. }));
    let msg = err.to_string();
    assert!(msg.contains("Zoe"), "{msg}");
    assert!(msg.contains(id.as_str()), "{msg}");
    assert!(msg.contains("Ana, Ben"), "{msg}");
    assert!(matches!(
        store.set_me("wa-0000000000", "Ana").unwrap_err(),
        StoreError::UnknownChat { .. }
    ));

    store.set_me(id, "Ben").unwrap();
    assert_eq!(store.chat(id).unwrap().unwrap().me.as_deref(), Some("Ben"));
    assert_eq!(store.load_chat(id).unwrap().me, Some(1));
    store.set_me(id, "Ana").unwrap();
    assert_eq!(store.load_chat(id).unwrap().me, Some(0));
}

fn plan(start: &str, accounts: &[&str]) -> Plan {
    Plan {
        start_date: start.to_owned(),
        window_days: 14,
        fast_reply_minutes: 30,
        partner_accounts: accounts.iter().map(|a| (*a).to_owned()).collect(),
        created_at: 1_700_000_000_000,
        ended_on: None,
    }
}

#[test]
fn plans_keep_their_history() {
    let (_dir, mut store) = temp_store();
    let s = store
        .import(&meta("a.txt", "h"), &parsed(vec![chat(&["Ana", "Ben"], 4)]))
        .unwrap();
    let id = s.chats[0].chat_id.clone();
    assert_eq!(store.active_plan(&id).unwrap(), None);
    assert!(!store.end_plan(&id, "2024-03-01").unwrap());
    assert!(store.plans(None).unwrap().is_empty());

    let first = store
        .start_plan(&id, &plan("2024-03-01", &["ben.ig", "ben2"]))
        .unwrap();
    assert_eq!(
        store.active_plan(&id).unwrap(),
        Some(plan("2024-03-01", &["ben.ig", "ben2"]))
    );
    // A second plan is refused while one is active: nothing is lost silently.
    let mut replacement = plan("2024-04-10", &[]);
    replacement.window_days = 21;
    let err = store.start_plan(&id, &replacement).unwrap_err();
    assert!(
        matches!(&err, StoreError::ActivePlan { start_date, .. } if start_date == "2024-03-01"),
        "{err:?}"
    );
    assert_eq!(store.plans(Some(&id)).unwrap().len(), 1);
    // Replacing ends the old plan (kept, with its accounts) and starts the new one.
    let second = store.replace_plan(&id, &replacement, "2024-04-09").unwrap();
    assert_ne!(first, second);
    assert_eq!(store.active_plan(&id).unwrap(), Some(replacement.clone()));
    let all = store.plans(Some(&id)).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].id, first);
    assert_eq!(all[0].chat_id, id);
    assert_eq!(all[0].plan.ended_on.as_deref(), Some("2024-04-09"));
    assert_eq!(all[0].plan.partner_accounts, vec!["ben.ig", "ben2"]);
    assert_eq!(all[1].id, second);
    assert_eq!(store.plan(first).unwrap().unwrap(), all[0]);
    assert_eq!(store.plan(9999).unwrap(), None);
    assert_eq!(store.plans(None).unwrap(), all);

    // An end before the plan's start is refused; the plan stays active.
    let err = store.end_plan(&id, "2024-04-01").unwrap_err();
    assert!(err.to_string().contains("2024-04-10"), "{err}");
    assert!(store.active_plan(&id).unwrap().is_some());
    assert!(store.end_plan(&id, "2024-05-01").unwrap());
    assert_eq!(store.active_plan(&id).unwrap(), None);
    assert!(!store.end_plan(&id, "2024-05-02").unwrap());
    assert_eq!(store.plans(Some(&id)).unwrap().len(), 2);
    // Replacing with nothing active simply starts.
    store
        .replace_plan(&id, &plan("2024-06-01", &[]), "2024-05-31")
        .unwrap();
    assert_eq!(store.plans(None).unwrap().len(), 3);

    let err = store.start_plan(&id, &plan("2024-02-30", &[])).unwrap_err();
    assert!(err.to_string().contains("2024-02-30"), "{err}");
    let mut zero = plan("2024-02-01", &[]);
    zero.window_days = 0;
    assert!(store.replace_plan(&id, &zero, "2024-01-31").is_err());
    assert!(store.end_plan(&id, "tomorrow").is_err());
    assert!(store.start_plan("nope", &plan("2024-02-01", &[])).is_err());
}

/// A version-1 database (before data-end sources, import notes and plan history) opens with
/// every plan, chat and data end intact.
#[test]
fn migration_from_version_1_keeps_plans_and_data_ends() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(walkaway_store::schema::MIGRATIONS[0])
            .unwrap();
        conn.execute_batch(&format!(
            "PRAGMA user_version = 1; PRAGMA application_id = {};
             INSERT INTO import (id, path, file_hash, bytes, format, tz, modified, imported_at)
                  VALUES (1, 'a.txt', 'h', 1, 'whatsapp', 'UTC', 5000, 1),
                         (2, 'b.txt', 'h2', 1, 'whatsapp', 'UTC', NULL, 2);
             INSERT INTO chat (pk, id, source, title, n_events, n_messages, first_ts, last_ts)
                  VALUES (1, 'wa-1', 'whatsapp', 'One', 1, 1, 1000, 1000),
                         (2, 'wa-2', 'whatsapp', 'Two', 1, 1, 1000, 3000),
                         (3, 'wa-3', 'whatsapp', 'Three', 1, 1, 1000, 3000);
             INSERT INTO import_chat (import, chat, added, present, exported_at, data_end)
                  VALUES (1, 1, 1, 0, NULL, 5000), (2, 2, 1, 0, 4000, 4000),
                         (2, 3, 1, 0, NULL, 3000);
             INSERT INTO plan (id, chat, start_date, window_days, fast_reply_minutes, created_at, ended_on)
                  VALUES (1, 1, '2024-01-01', 14, 30, 1, '2024-01-20'),
                         (2, 1, '2024-02-01', 7, 20, 2, NULL);
             INSERT INTO plan_account (plan, ord, account) VALUES (2, 0, 'ben.ig');",
            walkaway_store::schema::APPLICATION_ID
        ))
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        walkaway_store::schema::latest_version()
    );
    let plans = store.plans(None).unwrap();
    assert_eq!(plans.len(), 2);
    assert_eq!(plans[0].plan.ended_on.as_deref(), Some("2024-01-20"));
    assert_eq!(plans[1].plan.partner_accounts, vec!["ben.ig"]);
    let source = |id: &str| {
        let c = store.chat(id).unwrap().unwrap();
        (c.data_end, c.data_end_source)
    };
    assert_eq!(
        source("wa-1"),
        (Some(5000), Some(DataEndSource::FileModified))
    );
    assert_eq!(source("wa-2"), (Some(4000), Some(DataEndSource::Export)));
    assert_eq!(source("wa-3"), (Some(3000), Some(DataEndSource::LastEvent)));
    assert!(store.chat("wa-1").unwrap().unwrap().notes.is_empty());
}

#[test]
fn whole_file_warnings_are_kept_per_chat_as_notes() {
    let (_dir, mut store) = temp_store();
    let mut p = parsed(vec![chat(&["Ana", "Ben"], 4)]);
    let diag = |severity, line: u32, message: &str| Diagnostic {
        severity,
        line,
        message: message.to_owned(),
    };
    p.diagnostics = vec![
        diag(
            Severity::Warning,
            0,
            "date order is ambiguous; read as d/m/y",
        ),
        diag(Severity::Warning, 3, "a line-level warning"),
        diag(Severity::Note, 0, "a note about the whole file"),
    ];
    let s = store.import(&meta("a.txt", "h"), &p).unwrap();
    let id = s.chats[0].chat_id.clone();
    let notes = store.chat(&id).unwrap().unwrap().notes;
    assert_eq!(notes, vec!["date order is ambiguous; read as d/m/y"]);
    // Importing the same file again does not repeat them; a longer export's own notes join.
    store.import(&meta("a.txt", "h"), &p).unwrap();
    let mut longer = parsed(vec![chat(&["Ana", "Ben"], 6)]);
    longer.diagnostics = vec![
        diag(
            Severity::Warning,
            0,
            "date order is ambiguous; read as d/m/y",
        ),
        diag(
            Severity::Warning,
            0,
            "3 more lines before the first message header were ignored",
        ),
    ];
    store.import(&meta("b.txt", "h2"), &longer).unwrap();
    assert_eq!(
        store.chat(&id).unwrap().unwrap().notes,
        vec![
            "date order is ambiguous; read as d/m/y",
            "3 more lines before the first message header were ignored"
        ]
    );
}

#[test]
fn me_hint_is_visible_in_chat_info() {
    let (_dir, mut store) = temp_store();
    let mut c = chat(&["Ana", "Ben"], 4);
    c.me_hint = Some(1);
    let s = store.import(&meta("a.txt", "h"), &parsed(vec![c])).unwrap();
    let info = store.chat(&s.chats[0].chat_id).unwrap().unwrap();
    assert_eq!(info.me, None);
    assert_eq!(info.me_hint.as_deref(), Some("Ben"));
}

fn like(ts: i64, target: Option<&str>, url: Option<&str>) -> Activity {
    Activity {
        source: Source::Instagram,
        ts,
        kind: ActivityKind::PostLike,
        target: target.map(str::to_owned),
        url: url.map(str::to_owned),
        text: None,
    }
}

#[test]
fn activity_is_deduplicated() {
    let (_dir, mut store) = temp_store();
    let mut p = Parsed {
        activity: vec![
            like(20, Some("ben"), Some("https://instagram.com/p/1")),
            like(10, Some("ben"), None),
            like(10, Some(""), None),
            Activity {
                kind: ActivityKind::Comment,
                text: Some("nice".to_owned()),
                ..like(30, Some("ben"), None)
            },
        ],
        ..Parsed::default()
    };
    let mut m = meta("likes.json", "h1");
    m.format = "instagram".to_owned();
    let first = store.import(&m, &p).unwrap();
    assert_eq!((first.activity_added, first.activity_present), (4, 0));
    // The same file again, plus one new like and a duplicate inside the file.
    p.activity.push(like(40, None, None));
    p.activity.push(like(40, None, None));
    let second = store.import(&meta("likes2.json", "h2"), &p).unwrap();
    assert_eq!((second.activity_added, second.activity_present), (1, 5));
    let all = store.activity().unwrap();
    let ts: Vec<i64> = all.iter().map(|a| a.ts).collect();
    assert_eq!(ts, vec![10, 10, 20, 30, 40]);
    assert_eq!(all[3].text.as_deref(), Some("nice"));
    assert_eq!(all[4].target, None);
}

#[test]
fn failed_import_leaves_everything_intact() {
    let (dir, mut store) = temp_store();
    let mut p = parsed(vec![chat(&["Ana", "Ben"], 20)]);
    p.activity = vec![like(1, Some("ben"), None)];
    store.import(&meta("a.txt", "h1"), &p).unwrap();
    let id = only_chat_id(&store);
    let before = (
        store.chats().unwrap(),
        store.imports().unwrap(),
        store.activity().unwrap(),
        store.load_chat(&id).unwrap(),
    );

    // A valid longer export, a new chat, and then a malformed chat naming a sender that does
    // not exist: the error comes after the first two chats were written.
    let mut bad = chat(&["Ana", "Cleo"], 3);
    bad.events[2].sender = Some(7);
    let mut p2 = parsed(vec![
        chat(&["Ana", "Ben"], 30),
        chat(&["Ana", "Dan"], 5),
        bad,
    ]);
    p2.activity = vec![like(2, Some("ben"), None)];
    let err = store.import(&meta("b.txt", "h2"), &p2).unwrap_err();
    assert!(
        matches!(err, StoreError::InvalidChat { index: 3, .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(msg.contains("b.txt") && msg.contains("line 3"), "{msg}");

    let after = (
        store.chats().unwrap(),
        store.imports().unwrap(),
        store.activity().unwrap(),
        store.load_chat(&id).unwrap(),
    );
    assert_eq!(before, after);
    // Also as seen by a fresh connection.
    drop(store);
    let store = Store::open(&dir.path().join("w.db")).unwrap();
    assert_eq!(store.chats().unwrap(), before.0);
    assert_eq!(store.load_chat(&id).unwrap().events.len(), 20);
}

#[test]
fn data_end_prefers_the_exports_own_timestamp() {
    let (_dir, mut store) = temp_store();
    let c = chat(&["Ana", "Ben"], 10);
    let last = c.events.last().unwrap().ts;
    let s = store
        .import(&meta("a.txt", "h1"), &parsed(vec![c.clone()]))
        .unwrap();
    let id = s.chats[0].chat_id.clone();
    // Without an export timestamp or modification time: the last event.
    assert_eq!(store.chat(&id).unwrap().unwrap().data_end, Some(last));

    // The file's modification time, when later than the last event.
    let mut m = meta("a.txt", "h1");
    m.modified = Some(last + 3_600_000);
    store.import(&m, &parsed(vec![c.clone()])).unwrap();
    assert_eq!(
        store.chat(&id).unwrap().unwrap().data_end,
        Some(last + 3_600_000)
    );

    // The export's own timestamp wins over the modification time of its file.
    let mut exported = c;
    exported.exported_at = Some(last + 7_200_000);
    let mut m = meta("b.txt", "h2");
    m.modified = Some(last + 99_000_000);
    store.import(&m, &parsed(vec![exported])).unwrap();
    assert_eq!(
        store.chat(&id).unwrap().unwrap().data_end,
        Some(last + 7_200_000)
    );
    assert_eq!(
        store.chat(&id).unwrap().unwrap().data_end_source,
        Some(DataEndSource::Export)
    );
}

/// METRICS.md "Data end": the export's own time, else the file's modification time, else the
/// last event; a moment before the last event cannot be the data end.
#[test]
fn data_end_says_where_it_came_from() {
    use walkaway_store::data_end;
    assert_eq!(data_end(None, None, None), None);
    assert_eq!(
        data_end(None, None, Some(10)),
        Some((10, DataEndSource::LastEvent))
    );
    assert_eq!(
        data_end(None, Some(20), Some(10)),
        Some((20, DataEndSource::FileModified))
    );
    assert_eq!(
        data_end(None, Some(5), Some(10)),
        Some((10, DataEndSource::LastEvent))
    );
    assert_eq!(
        data_end(Some(15), Some(20), Some(10)),
        Some((15, DataEndSource::Export))
    );
    assert_eq!(
        data_end(Some(5), Some(20), Some(10)),
        Some((20, DataEndSource::FileModified))
    );
    assert_eq!(
        data_end(Some(5), None, Some(10)),
        Some((10, DataEndSource::LastEvent))
    );
    assert_eq!(
        data_end(None, Some(20), None),
        Some((20, DataEndSource::FileModified))
    );

    let (_dir, mut store) = temp_store();
    let c = chat(&["Ana", "Ben"], 10);
    let last = c.events.last().unwrap().ts;
    let s = store
        .import(&meta("a.txt", "h1"), &parsed(vec![c.clone()]))
        .unwrap();
    let id = s.chats[0].chat_id.clone();
    let info = || store.chat(&id).unwrap().unwrap();
    assert_eq!(
        (info().data_end, info().data_end_source),
        (Some(last), Some(DataEndSource::LastEvent))
    );
    let mut m = meta("a.txt", "h1");
    m.modified = Some(last + 1000);
    store.import(&m, &parsed(vec![c])).unwrap();
    let info = store.chat(&id).unwrap().unwrap();
    assert_eq!(
        (info.data_end, info.data_end_source),
        (Some(last + 1000), Some(DataEndSource::FileModified))
    );
}

#[test]
fn missing_source_falls_back_to_the_format_or_fails() {
    let (_dir, mut store) = temp_store();
    let mut c = chat(&["Ana", "Ben"], 2);
    c.source = None;
    let s = store
        .import(&meta("a.txt", "h"), &parsed(vec![c.clone()]))
        .unwrap();
    assert!(s.chats[0].chat_id.starts_with("wa-"));
    let mut m = meta("a.bin", "h2");
    m.format = "mystery".to_owned();
    let err = store.import(&m, &parsed(vec![c])).unwrap_err();
    assert!(err.to_string().contains("a.bin"), "{err}");
}

#[test]
fn in_memory_store_works() {
    let mut store = Store::open_in_memory().unwrap();
    let s = store
        .import(&meta("a.txt", "h"), &parsed(vec![chat(&["Ana", "Ben"], 3)]))
        .unwrap();
    assert_eq!(s.chats[0].added, 3);
    assert_eq!(store.path(), ":memory:");
}

#[test]
fn unknown_chat_is_an_error_naming_it() {
    let store = Store::open_in_memory().unwrap();
    assert_eq!(store.chat("wa-123").unwrap(), None);
    let err = store.load_chat("wa-123").unwrap_err().to_string();
    assert_eq!(err, "no chat with id wa-123");
}

#[test]
fn two_connections_share_one_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let mut writer = Store::open(&path).unwrap();
    let reader = Store::open(&path).unwrap();
    assert!(reader.chats().unwrap().is_empty());
    writer
        .import(&meta("a.txt", "h"), &parsed(vec![chat(&["Ana", "Ben"], 7)]))
        .unwrap();
    let chats = reader.chats().unwrap();
    assert_eq!(chats.len(), 1);
    assert_eq!(chats[0].events, 7);
    let mut second_writer = Store::open(&path).unwrap();
    let again = second_writer
        .import(&meta("a.txt", "h"), &parsed(vec![chat(&["Ana", "Ben"], 8)]))
        .unwrap();
    assert_eq!(again.chats[0].added, 1);
}

#[test]
fn older_export_after_someone_left_joins_the_stored_chat() {
    let (_dir, mut store) = temp_store();
    let first = store
        .import(
            &meta("g.txt", "h1"),
            &parsed(vec![chat(&["Ana", "Ben", "Cleo"], 30)]),
        )
        .unwrap();
    // Another export of the same group, cut to a period where Cleo had not written yet.
    let mut older = chat(&["Ana", "Ben", "Cleo"], 30);
    older.events.retain(|e, _| e.sender != Some(2));
    older.people.truncate(2);
    let s = store
        .import(&meta("g0.txt", "h0"), &parsed(vec![older]))
        .unwrap();
    assert_eq!(s.chats[0].chat_id, first.chats[0].chat_id);
    assert_eq!((s.chats[0].added, s.chats[0].present), (0, 20));
}

/// A call log's chat with one number, from `calls` as (instant, placed by the user).
fn call_chat(number: &str, name: &str, calls: &[(i64, bool)]) -> ParsedChat {
    ParsedChat {
        source: Some(Source::Sms),
        title: Some(name.to_owned()),
        people: vec!["Me".to_owned(), name.to_owned()],
        events: Events::try_from_iter(calls.iter().map(|&(ts, by_me)| NewEvent {
            ts,
            sender: Some(u32::from(!by_me)),
            kind: Kind::MissedCall,
            text: "missed call",
            line: 1,
            flags: 0,
        }))
        .unwrap(),
        me_hint: Some(0),
        exported_at: None,
        handles: vec![String::new(), number.to_owned()],
    }
}

/// A two-person chat whose export names both people (the user by `me_hint`, the other by a
/// stable handle) is with both, even when one of them sent nothing: the calls the user placed
/// to two numbers stay two chats (they were one chat, "Me", mixing two people), and a call log
/// in which only one side called joins the SMS chat of the same number.
#[test]
fn a_silent_side_named_by_the_export_is_a_participant() {
    let (_dir, mut store) = temp_store();
    let t = 1_600_000_000_000;
    let mut m = meta("calls.xml", "h-calls");
    m.format = "sms-xml".to_owned();
    m.tz = String::new();
    store
        .import(
            &m,
            &parsed(vec![
                call_chat("+15550001111", "Ann", &[(t, true)]),
                call_chat("+15550002222", "Bo", &[(t + 60_000, true)]),
            ]),
        )
        .unwrap();
    let chats = store.chats().unwrap();
    assert_eq!(
        chats.len(),
        2,
        "{:?}",
        chats.iter().map(|c| &c.participants).collect::<Vec<_>>()
    );
    for c in &chats {
        assert_eq!(c.participants.len(), 2, "{:?}", c.participants);
    }

    // Ann's texts, where both wrote, and a call log where only Ann called: one chat.
    let mut texts = call_chat(
        "+15550001111",
        "Ann",
        &[(t + 120_000, true), (t + 180_000, false)],
    );
    for e in texts.events.iter_mut() {
        e.kind = Kind::Text;
    }
    let mut m = meta("sms.xml", "h-sms");
    m.format = "sms-xml".to_owned();
    m.tz = String::new();
    store.import(&m, &parsed(vec![texts])).unwrap();
    let mut m = meta("calls2.xml", "h-calls2");
    m.format = "sms-xml".to_owned();
    m.tz = String::new();
    store
        .import(
            &m,
            &parsed(vec![call_chat(
                "+15550001111",
                "Ann",
                &[(t + 240_000, false)],
            )]),
        )
        .unwrap();
    let chats = store.chats().unwrap();
    assert_eq!(chats.len(), 2);
    let ann = chats
        .iter()
        .find(|c| c.participants.contains(&"Ann".to_owned()))
        .unwrap();
    // One call from the first log, two texts, one call from the second log.
    assert_eq!(ann.events, 4);
}
