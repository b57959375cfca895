//! One person across apps in the store: handles, people, suggestions, link/unlink, the chats of a
//! person, and chat matching that stays near-linear on whole-account exports.

use walkaway_model::{Events, Kind, NewEvent, Parsed, ParsedChat, Source};
use walkaway_store::{Handle, ImportMeta, Store, StoreError};

fn meta(path: &str, format: &str) -> ImportMeta {
    ImportMeta {
        path: path.to_owned(),
        file_hash: format!("hash-{path}"),
        bytes: 100,
        format: format.to_owned(),
        tz: String::new(),
        modified: None,
        imported_at: 1_700_000_000_000,
    }
}

/// A two-person chat of `n` messages one minute apart, alternating senders, from `start`.
fn chat(source: Source, people: &[&str], handles: &[&str], start: i64, n: usize) -> ParsedChat {
    let texts: Vec<String> = (0..n).map(|i| format!("message {i}")).collect();
    let events = Events::try_from_iter(texts.iter().enumerate().map(|(i, text)| NewEvent {
        ts: start + 60_000 * i as i64,
        sender: Some((i % people.len()) as u32),
        kind: Kind::Text,
        text,
        line: i as u32 + 1,
        flags: 0,
    }))
    .unwrap();
    ParsedChat {
        source: Some(source),
        title: None,
        people: people.iter().map(|p| (*p).to_owned()).collect(),
        events,
        me_hint: None,
        exported_at: None,
        handles: handles.iter().map(|h| (*h).to_owned()).collect(),
    }
}

fn parsed(chats: Vec<ParsedChat>) -> Parsed {
    Parsed {
        chats,
        ..Parsed::default()
    }
}

fn h(source: Source, handle: &str) -> Handle {
    Handle {
        source,
        handle: handle.to_owned(),
    }
}

const T0: i64 = 1_700_000_000_000;

/// WhatsApp (display names only) and SMS (phone numbers) with Sam; the user is Alex in both.
fn two_sources(store: &mut Store) -> (String, String) {
    let wa = store
        .import(
            &meta("wa.txt", "whatsapp"),
            &parsed(vec![chat(Source::WhatsApp, &["Alex", "Sam"], &[], T0, 10)]),
        )
        .unwrap();
    let sms = store
        .import(
            &meta("sms.xml", "sms"),
            &parsed(vec![chat(
                Source::Sms,
                &["Alex", "Sam"],
                &["+15550009999", "+15550001111"],
                T0 + 3_600_000,
                10,
            )]),
        )
        .unwrap();
    let (wa, sms) = (wa.chats[0].chat_id.clone(), sms.chats[0].chat_id.clone());
    store.set_me(&wa, "Alex").unwrap();
    store.set_me(&sms, "Alex").unwrap();
    (wa, sms)
}

#[test]
fn every_participant_is_a_handle_and_the_users_own_are_not_people() {
    let (_dir, mut store) = temp_store();
    two_sources(&mut store);
    let people = store.people().unwrap();
    let handles: Vec<String> = people
        .iter()
        .flat_map(|p| p.handles.iter().map(|h| h.to_string()))
        .collect();
    assert_eq!(handles, vec!["whatsapp:Sam", "sms:+15550001111"]);
    assert_eq!(people[0].name, "Sam");
    let mine: Vec<String> = store
        .my_handles()
        .unwrap()
        .iter()
        .map(|h| h.to_string())
        .collect();
    assert_eq!(mine, vec!["whatsapp:Alex", "sms:+15550009999"]);
    // Nothing is merged without the user's word, but the same display name is suggested.
    assert_eq!(people.len(), 2);
    let s = &people[0].suggestions;
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].handle, h(Source::Sms, "+15550001111"));
    assert!(s[0].why.contains("same display name"), "{}", s[0].why);
}

#[test]
fn reimport_stores_no_new_handle_or_person() {
    let (_dir, mut store) = temp_store();
    two_sources(&mut store);
    let before = store.people().unwrap();
    store
        .import(
            &meta("sms2.xml", "sms"),
            &parsed(vec![chat(
                Source::Sms,
                &["Alex", "Sam"],
                &["+15550009999", "+15550001111"],
                T0 + 3_600_000,
                12,
            )]),
        )
        .unwrap();
    assert_eq!(store.people().unwrap(), before);
    assert_eq!(store.chats().unwrap().len(), 2);
}

#[test]
fn link_and_unlink_move_handles_between_people() {
    let (_dir, mut store) = temp_store();
    let (wa, sms) = two_sources(&mut store);
    let sam = store.people().unwrap()[0].id.clone();
    store.link(&sam, &[h(Source::Sms, "+15550001111")]).unwrap();
    let people = store.people().unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].id, sam);
    assert_eq!(people[0].handles.len(), 2);
    assert!(people[0].suggestions.is_empty());
    // Linking again changes nothing.
    store.link(&sam, &[h(Source::Sms, "+15550001111")]).unwrap();
    assert_eq!(store.people().unwrap(), people);

    let chats = store.person_chats(&sam).unwrap();
    let ids: Vec<&str> = chats.iter().map(|c| c.info.id.as_str()).collect();
    assert_eq!(ids, vec![wa.as_str(), sms.as_str()]);
    for c in &chats {
        assert_eq!(c.info.participants[c.partner as usize], "Sam");
        assert_eq!(c.info.participants[c.me as usize], "Alex");
    }

    store
        .unlink(&sam, &[h(Source::Sms, "+15550001111")])
        .unwrap();
    let people = store.people().unwrap();
    assert_eq!(people.len(), 2);
    assert_eq!(store.person_chats(&sam).unwrap().len(), 1);

    // Errors name the handle or the person.
    let err = store
        .link(&sam, &[h(Source::Sms, "+19999999999")])
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownHandle { .. }), "{err}");
    assert!(err.to_string().contains("sms:+19999999999"), "{err}");
    let err = store
        .link(&sam, &[h(Source::Sms, "+15550009999")])
        .unwrap_err();
    assert!(matches!(err, StoreError::HandleIsYou { .. }), "{err}");
    let err = store
        .unlink(&sam, &[h(Source::Sms, "+15550001111")])
        .unwrap_err();
    assert!(matches!(err, StoreError::NotHandleOf { .. }), "{err}");
    let err = store.link("p999", &[]).unwrap_err();
    assert!(matches!(err, StoreError::UnknownPerson { .. }), "{err}");
}

#[test]
fn people_are_found_by_id_name_or_handle_and_ambiguity_lists_candidates() {
    let (_dir, mut store) = temp_store();
    two_sources(&mut store);
    let people = store.people().unwrap();
    let by = |q: &str| -> Vec<String> {
        store
            .find_people(q)
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect()
    };
    assert_eq!(by(&people[1].id), vec![people[1].id.clone()]);
    assert_eq!(by("sms:+15550001111"), vec![people[1].id.clone()]);
    // Two unlinked people named Sam: the name is ambiguous.
    assert_eq!(by("sam").len(), 2);
    assert!(by("Nobody").is_empty());
}

#[test]
fn phone_numbers_and_emails_are_suggested_across_sources() {
    let (_dir, mut store) = temp_store();
    store
        .import(
            &meta("wa.txt", "whatsapp"),
            &parsed(vec![chat(
                Source::WhatsApp,
                &["Alex", "+1 (555) 000-1111"],
                &[],
                T0,
                4,
            )]),
        )
        .unwrap();
    store
        .import(
            &meta("sms.xml", "sms"),
            &parsed(vec![chat(
                Source::Sms,
                &["Alex", "Sam R"],
                &["+15550009999", "+15550001111"],
                T0,
                4,
            )]),
        )
        .unwrap();
    store
        .import(
            &meta("im.db", "imessage"),
            &parsed(vec![chat(
                Source::IMessage,
                &["Alex", "Sam iCloud"],
                &["alex@example.com", "Sam.R@Example.com"],
                T0,
                4,
            )]),
        )
        .unwrap();
    store
        .import(
            &meta("gc.json", "csv"),
            &parsed(vec![chat(
                Source::Csv,
                &["Alex", "Samuel"],
                &["me", "sam.r@example.com"],
                T0,
                4,
            )]),
        )
        .unwrap();
    let people = store.people().unwrap();
    let wa = people
        .iter()
        .find(|p| {
            p.handles
                .contains(&h(Source::WhatsApp, "+1 (555) 000-1111"))
        })
        .unwrap();
    assert_eq!(wa.suggestions.len(), 1, "{:?}", wa.suggestions);
    assert_eq!(wa.suggestions[0].handle, h(Source::Sms, "+15550001111"));
    assert!(wa.suggestions[0].why.contains("+15550001111"));
    let im = people
        .iter()
        .find(|p| {
            p.handles
                .contains(&h(Source::IMessage, "Sam.R@Example.com"))
        })
        .unwrap();
    assert_eq!(im.suggestions.len(), 1, "{:?}", im.suggestions);
    assert_eq!(
        im.suggestions[0].handle,
        h(Source::Csv, "sam.r@example.com")
    );
    assert!(im.suggestions[0].why.contains("email"));
}

/// A whole-account export of 10,000 two-person chats, each with a new friend and the user in
/// every one: matching must not compare each new chat with every stored one.
#[test]
fn ten_thousand_chats_import_near_linearly() {
    let (_dir, mut store) = temp_store();
    let n = 10_000;
    let names: Vec<String> = (0..n).map(|i| format!("Friend {i}")).collect();
    let phones: Vec<String> = (0..n).map(|i| format!("+1666{i:07}")).collect();
    let chats: Vec<ParsedChat> = (0..n)
        .map(|i| {
            chat(
                Source::Sms,
                &["Alex", &names[i]],
                &["+15550009999", &phones[i]],
                T0 + i as i64,
                3,
            )
        })
        .collect();
    let p = parsed(chats);
    let started = std::time::Instant::now();
    let summary = store.import(&meta("all.xml", "sms"), &p).unwrap();
    eprintln!(
        "10,000-chat import: {:.2} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(summary.chats.len(), n);
    assert!(summary.chats.iter().all(|c| c.new_chat));
    let again = std::time::Instant::now();
    let summary = store.import(&meta("all2.xml", "sms"), &p).unwrap();
    eprintln!(
        "10,000-chat re-import: {:.2} s",
        again.elapsed().as_secs_f64()
    );
    assert!(summary.chats.iter().all(|c| !c.new_chat && c.added == 0));
    assert_eq!(store.chats().unwrap().len(), n);
    assert_eq!(store.people().unwrap().len(), n + 1);
}

#[test]
fn migration_from_version_2_gives_every_member_a_handle() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(walkaway_store::schema::MIGRATIONS[0])
            .unwrap();
        conn.execute_batch(walkaway_store::schema::MIGRATIONS[1])
            .unwrap();
        conn.execute_batch(&format!(
            "PRAGMA user_version = 2; PRAGMA application_id = {};
             INSERT INTO chat (pk, id, source, title, me, n_events, n_messages, first_ts, last_ts)
                  VALUES (1, 'wa-1', 'whatsapp', 'Sam', 0, 0, 0, NULL, NULL),
                         (2, 'wa-2', 'whatsapp', 'Sam 2', NULL, 0, 0, NULL, NULL);
             INSERT INTO person (id, display_name) VALUES (1, 'Alex'), (2, 'Sam'), (3, 'Alex'),
                         (4, 'Sam');
             INSERT INTO chat_member (chat, idx, person, name_in_source)
                  VALUES (1, 0, 1, 'Alex'), (1, 1, 2, 'Sam'), (2, 0, 3, 'Alex'), (2, 1, 4, 'Sam');",
            walkaway_store::schema::APPLICATION_ID
        ))
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let people = store.people().unwrap();
    let handles: Vec<String> = people
        .iter()
        .flat_map(|p| p.handles.iter().map(|h| h.to_string()))
        .collect();
    // One handle per source and display name; Alex is the user (chat wa-1 says so).
    assert_eq!(handles, vec!["whatsapp:Sam"]);
    assert_eq!(store.person_chats(&people[0].id).unwrap().len(), 2);
}

fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("w.db")).expect("open");
    (dir, store)
}
