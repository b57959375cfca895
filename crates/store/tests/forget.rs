//! `forget` (issue 10 §8): a forgotten chat's text is gone from the database files, not only
//! from the tables; everything else stays exactly as it was.

use walkaway_model::{Events, Kind, NewEvent, Parsed, ParsedChat, Source};
use walkaway_store::{ImportMeta, Plan, Store};

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

fn parsed(them: &str, secret: &str, n: usize) -> Parsed {
    let texts: Vec<String> = (0..n).map(|i| format!("{secret} number {i}")).collect();
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
            me_hint: Some(0),
            exported_at: None,
            handles: Vec::new(),
        }],
        ..Parsed::default()
    }
}

/// Every byte of the database's files (the WAL and its index too).
fn files_contain(dir: &std::path::Path, needle: &str) -> bool {
    std::fs::read_dir(dir).unwrap().flatten().any(|f| {
        let bytes = std::fs::read(f.path()).unwrap_or_default();
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    })
}

#[test]
fn a_forgotten_chat_leaves_no_text_in_the_files_and_the_rest_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let mut store = Store::open(&path).unwrap();
    store
        .import(
            &meta("WhatsApp Chat with Sam.txt"),
            &parsed("Sam", "zebra-lantern", 3000),
        )
        .unwrap();
    store
        .import(
            &meta("WhatsApp Chat with Kim.txt"),
            &parsed("Kim", "kept-orchard", 500),
        )
        .unwrap();
    let chats = store.chats().unwrap();
    let sam = chats.iter().find(|c| c.title == "Sam").unwrap().id.clone();
    let kim = chats.iter().find(|c| c.title == "Kim").unwrap().id.clone();
    let plan = Plan {
        start_date: "2020-09-14".to_owned(),
        window_days: 14,
        fast_reply_minutes: 30,
        partner_accounts: vec!["sam.secret.account".to_owned()],
        created_at: 1_700_000_000_000,
        ended_on: None,
    };
    store.start_plan(&sam, &plan).unwrap();
    let kim_before = store.load_chat(&kim).unwrap();
    // The test can fail: before, the text is there to find.
    assert!(files_contain(dir.path(), "zebra-lantern"));
    assert!(files_contain(dir.path(), "Chat with Sam"));
    assert!(files_contain(dir.path(), "sam.secret.account"));

    let people = store.people().unwrap();
    let sam_person = people.iter().find(|p| p.name == "Sam").unwrap().id.clone();
    let gone = store.forget(&[], Some(&sam_person)).unwrap();
    assert_eq!(gone.chats, std::slice::from_ref(&sam));
    assert_eq!(gone.events, 3000);
    assert_eq!(gone.plans, 1);
    assert_eq!(gone.imports, 1);
    assert!(gone.handles >= 1 && gone.people >= 1, "{gone:?}");
    drop(store);

    assert!(
        !files_contain(dir.path(), "zebra-lantern"),
        "message text survived"
    );
    assert!(
        !files_contain(dir.path(), "Chat with Sam"),
        "the import's file name survived"
    );
    assert!(
        !files_contain(dir.path(), "sam.secret.account"),
        "the plan's account survived"
    );
    let store = Store::open(&path).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert!(store.chat(&sam).unwrap().is_none());
    assert!(store.people().unwrap().iter().all(|p| p.name != "Sam"));
    let kim_after = store.load_chat(&kim).unwrap();
    assert_eq!(kim_after.events.len(), kim_before.events.len());
    assert_eq!(
        kim_after
            .events
            .iter_texts()
            .map(|(_, t)| t)
            .collect::<Vec<_>>(),
        kim_before
            .events
            .iter_texts()
            .map(|(_, t)| t)
            .collect::<Vec<_>>()
    );
    assert!(files_contain(dir.path(), "kept-orchard"));
}
