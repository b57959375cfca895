//! Two walkaway processes on one database at the same moment (issue 10 §4): the very first two
//! imports, which both create it, imports racing each other, and an import while a report
//! reads. Each either completes, or fails with the plain "busy, try again" error; the database
//! is never left corrupt or partial. Threads stand in for processes: each opens its own SQLite
//! connection, exactly as two processes would.

use std::sync::{Arc, Barrier};

use walkaway_model::{Events, Kind, NewEvent, Parsed, ParsedChat, Source};
use walkaway_store::{ImportMeta, Store, StoreError};

fn meta(path: &str) -> ImportMeta {
    ImportMeta {
        path: path.to_owned(),
        file_hash: format!("hash-{path}"),
        bytes: 100,
        format: "whatsapp".to_owned(),
        tz: "UTC".to_owned(),
        modified: None,
        imported_at: 1_700_000_000_000,
    }
}

/// A two-person chat between `me` and `them`, `n` messages a minute apart.
fn parsed(them: &str, n: usize) -> Parsed {
    let texts: Vec<String> = (0..n).map(|i| format!("{them} message {i}")).collect();
    let events = Events::try_from_iter(texts.iter().enumerate().map(|(i, text)| NewEvent {
        ts: 1_600_000_000_000 + 60_000 * i as i64,
        sender: Some((i % 2) as u32),
        kind: Kind::Text,
        text,
        line: i as u32 + 1,
        flags: 0,
    }))
    .unwrap();
    Parsed {
        chats: vec![ParsedChat {
            source: Some(Source::WhatsApp),
            title: Some(them.to_owned()),
            people: vec!["Me".to_owned(), them.to_owned()],
            events,
            me_hint: None,
            exported_at: None,
            handles: Vec::new(),
        }],
        ..Parsed::default()
    }
}

/// Ok, or the busy error; anything else fails the test with what it was.
fn busy_or_ok<T>(r: Result<T, StoreError>, what: &str) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(e @ StoreError::Busy { .. }) => {
            let text = e.to_string();
            assert!(text.contains("try again"), "{what}: {text}");
            None
        }
        Err(e) => panic!("{what}: {e}"),
    }
}

#[test]
fn the_first_two_imports_into_a_new_database_both_complete_or_say_busy() {
    for round in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let path = Arc::new(dir.path().join("w.db"));
        let start = Arc::new(Barrier::new(2));
        let handles: Vec<_> = ["Sam", "Kim"]
            .into_iter()
            .map(|who| {
                let (path, start) = (Arc::clone(&path), Arc::clone(&start));
                std::thread::spawn(move || {
                    start.wait();
                    let mut store = busy_or_ok(Store::open(&path), "open")?;
                    busy_or_ok(store.import(&meta(who), &parsed(who, 500)), "import")
                })
            })
            .collect();
        let done = handles
            .into_iter()
            .map(|h| h.join().expect("no panic"))
            .filter(Option::is_some)
            .count();
        let store = Store::open(&path).unwrap();
        let chats = store.chats().unwrap();
        assert_eq!(chats.len(), done, "round {round}: {chats:?}");
        for c in &chats {
            assert_eq!(c.messages, 500, "round {round}: a partial chat {c:?}");
        }
        assert_eq!(store.integrity_check().unwrap(), "ok", "round {round}");
        assert!(done >= 1, "round {round}: neither import completed");
    }
}

#[test]
fn an_import_while_another_reads_and_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = Arc::new(dir.path().join("w.db"));
    Store::open(&path)
        .unwrap()
        .import(&meta("Ann"), &parsed("Ann", 2000))
        .unwrap();
    let start = Arc::new(Barrier::new(3));
    let writers: Vec<_> = ["Sam", "Kim"]
        .into_iter()
        .map(|who| {
            let (path, start) = (Arc::clone(&path), Arc::clone(&start));
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                start.wait();
                busy_or_ok(store.import(&meta(who), &parsed(who, 20_000)), "import").is_some()
            })
        })
        .collect();
    let reader = {
        let (path, start) = (Arc::clone(&path), Arc::clone(&start));
        std::thread::spawn(move || {
            let store = Store::open(&path).unwrap();
            start.wait();
            // A reader always sees whole chats: Ann's, and the others complete or absent.
            for _ in 0..20 {
                for c in store.chats().unwrap() {
                    let expected = if c.title == "Ann" { 2000 } else { 20_000 };
                    assert_eq!(c.messages, expected, "{c:?}");
                }
            }
        })
    };
    let done = writers
        .into_iter()
        .map(|h| h.join().expect("no panic"))
        .filter(|d| *d)
        .count();
    reader.join().expect("reader");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.chats().unwrap().len(), 1 + done);
    assert_eq!(store.integrity_check().unwrap(), "ok");
}
