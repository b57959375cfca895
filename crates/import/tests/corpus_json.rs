//! Conformance: the real Telegram, Messenger and Instagram direct-message samples of the shared
//! corpus, checked against the facts in its EXPECTED.md under our conventions (service entries
//! and notices are system events, not messages; Telegram text parts are joined as written, with
//! nothing added between them; local Telegram dates are read in UTC here; Meta files are newest
//! first, so ties keep the reverse of the file order). The corpus is not part of the
//! repository: when it is absent the tests say so and pass.

use std::collections::BTreeMap;
use std::path::PathBuf;

use walkaway_import::{Imported, Options, read_path};
use walkaway_model::{Kind, ParsedChat, Source};

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

fn import(dir: &std::path::Path, name: &str) -> Imported {
    read_path(&dir.join(name), &utc()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// (seconds or ms, kind, sender, text) of each event.
fn rows(c: &ParsedChat) -> Vec<(i64, Kind, Option<&str>, &str)> {
    c.events
        .iter_texts()
        .map(|(e, t)| {
            (
                e.ts,
                e.kind,
                e.sender.map(|s| c.people[s as usize].as_str()),
                t,
            )
        })
        .collect()
}

fn messages(c: &ParsedChat) -> usize {
    c.events.iter().filter(|e| e.kind.is_message()).count()
}

fn me(c: &ParsedChat) -> Option<&str> {
    c.me_hint.map(|m| c.people[m as usize].as_str())
}

/// Invariants every sample keeps: system events and only they have no sender; diagnostics
/// hold no message text.
fn sane(i: &Imported) {
    for c in &i.parsed.chats {
        assert!(!c.events.is_empty());
        for (e, t) in c.events.iter_texts() {
            assert_eq!(
                e.kind == Kind::System,
                e.sender.is_none(),
                "line {}",
                e.line
            );
            for d in &i.parsed.diagnostics {
                if t.len() > 8 && !e.kind.is_call() && e.kind != Kind::System {
                    assert!(!d.message.contains(t), "{d:?}");
                }
            }
        }
    }
}

#[test]
fn telegram_chat_miner_single_and_batch() {
    let Some(dir) = corpus("telegram") else {
        return;
    };
    for f in [
        "chat-miner__test_single_export.json",
        "chat-miner__test_batch_export.json",
    ] {
        let i = import(&dir, f);
        sane(&i);
        assert_eq!(i.format, "telegram-json");
        let [c] = i.parsed.chats.as_slice() else {
            panic!("{f}")
        };
        assert_eq!(c.source, Some(Source::Telegram));
        assert_eq!(
            rows(c),
            [
                (
                    1_544_006_350_000,
                    Kind::Text,
                    Some("Author 1"),
                    "Minimal Message"
                ),
                // chat-miner joins entity parts with a space; Telegram's text is the parts as
                // written.
                (
                    1_544_006_964_000,
                    Kind::Text,
                    Some("Author 2"),
                    "Link:https://telegram.org/"
                ),
            ],
            "{f}"
        );
    }
}

#[test]
fn telegram_chat_analytics_dm() {
    let Some(dir) = corpus("telegram") else {
        return;
    };
    let i = import(&dir, "chat-analytics__DM_2A_7M.json");
    sane(&i);
    let [c] = i.parsed.chats.as_slice() else {
        panic!()
    };
    let local = |s: &str| {
        s.parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_millisecond()
    };
    assert_eq!(c.title.as_deref(), Some("Bob"));
    assert_eq!(messages(c), 6);
    assert_eq!(
        rows(c),
        [
            (
                local("2019-07-05T16:55:32"),
                Kind::System,
                None,
                "joined_telegram"
            ),
            (
                local("2019-07-12T16:55:32"),
                Kind::Text,
                Some("Bob"),
                "https://google.com 👀"
            ),
            (
                local("2022-03-08T13:07:42"),
                Kind::Text,
                Some("Alice"),
                "hello world"
            ),
            (1_652_135_033_000, Kind::Text, Some("Bob"), "world?"),
            (1_652_138_769_000, Kind::Text, Some("Alice"), "blah blah"),
            (1_654_898_798_000, Kind::Media, Some("Alice"), ""),
            (1_654_898_799_000, Kind::Media, Some("Alice"), ""),
            (
                1_691_719_862_000,
                Kind::Call,
                Some("Alice"),
                "phone call, 56 s"
            ),
        ]
    );
    // The chat's id is Bob's user id: the user is Alice.
    assert_eq!(me(c), Some("Alice"));
    assert_eq!(c.events.iter().map(|e| e.ts).max(), Some(1_691_719_862_000));
}

#[test]
fn telegram_chat_analytics_multichat() {
    let Some(dir) = corpus("telegram") else {
        return;
    };
    let i = import(&dir, "chat-analytics__MultiChat_2C_6M.json");
    sane(&i);
    let [one, two] = i.parsed.chats.as_slice() else {
        panic!()
    };
    assert_eq!(one.title.as_deref(), Some("Chat One"));
    assert_eq!(
        rows(one),
        [
            (
                1_672_574_400_000,
                Kind::Text,
                Some("Alice"),
                "Hello from chat one!"
            ),
            (1_672_574_460_000, Kind::Text, Some("Bob"), "Hi there!"),
        ]
    );
    assert_eq!(two.title.as_deref(), Some("Chat Two"));
    assert_eq!(
        rows(two),
        [
            (
                1_672_660_800_000,
                Kind::Text,
                Some("Charlie"),
                "Welcome to chat two!"
            ),
            (
                1_672_660_920_000,
                Kind::Text,
                Some("David"),
                "Group chat is fun!"
            ),
            (
                1_672_660_980_000,
                Kind::Call,
                Some("Charlie"),
                "phone call, 120 s"
            ),
            (1_672_747_200_000, Kind::Media, Some("Eve"), ""),
        ]
    );
    // personal_information names user 100000001, who wrote nothing in either chat.
    assert_eq!(one.me_hint, None);
    let authors: std::collections::BTreeSet<&str> = i
        .parsed
        .chats
        .iter()
        .flat_map(|c| c.people.iter().map(String::as_str))
        .collect();
    assert_eq!(authors.len(), 5);
}

#[test]
fn telegram_chat_analytics_big() {
    let Some(dir) = corpus("telegram") else {
        return;
    };
    let i = import(&dir, "chat-analytics__BIG_20A_5475M.json");
    sane(&i);
    let c = &i.parsed.chats[0];
    assert_eq!(messages(c), 5475);
    assert_eq!(c.people.len(), 20);
    assert!(
        i.parsed.diagnostics.is_empty(),
        "{:?}",
        i.parsed.diagnostics
    );
}

#[test]
fn messenger_samples() {
    let Some(dir) = corpus("messenger") else {
        return;
    };
    let i = import(&dir, "chat-miner__testlog.json");
    sane(&i);
    assert_eq!(i.format, "messenger-json");
    assert_eq!(
        rows(&i.parsed.chats[0]),
        [
            (
                1_668_628_203_612,
                Kind::Text,
                Some("John Doe"),
                "Hello Allan"
            ),
            (
                1_668_628_203_612,
                Kind::Text,
                Some("Allan Smith"),
                "Hello John"
            ),
        ]
    );

    let i = import(&dir, "chat-analytics__2A_7M.json");
    sane(&i);
    let c = &i.parsed.chats[0];
    assert_eq!(c.title.as_deref(), Some("Alice"));
    assert_eq!(c.people, ["Alice", "Bob"]);
    assert_eq!(
        rows(c),
        [
            (1_415_147_240_411, Kind::Media, Some("Bob"), ""),
            (1_415_147_254_275, Kind::Media, Some("Bob"), ""),
            (1_415_147_297_141, Kind::Voice, Some("Alice"), ""),
            (1_415_147_308_604, Kind::Media, Some("Bob"), ""),
            (1_415_147_325_354, Kind::Text, Some("Bob"), "you what"),
            (1_415_147_681_489, Kind::Text, Some("Bob"), "Whats up!"),
            (1_415_147_732_056, Kind::Text, Some("Alice"), "Hello"),
        ]
    );

    let i = import(&dir, "facebookChatToTXT__message_1.json");
    sane(&i);
    let c = &i.parsed.chats[0];
    assert_eq!(c.title.as_deref(), Some("Group Name"));
    assert_eq!(
        rows(c),
        [
            (1_564_921_172_149, Kind::Text, Some("Peter Müsterman"), "😱"),
            (
                1_564_921_172_149,
                Kind::Reaction,
                Some("Peter Müsterman"),
                "😠"
            ),
        ]
    );
}

#[test]
fn instagram_samples() {
    let Some(dir) = corpus("instagram") else {
        return;
    };
    let i = import(&dir, "chat-miner__test_export.json");
    sane(&i);
    assert_eq!(
        rows(&i.parsed.chats[0]),
        [
            (
                1_577_186_580_000,
                Kind::Text,
                Some("Jane Doe"),
                "Hello John!"
            ),
            (
                1_579_294_140_000,
                Kind::Text,
                Some("John Doe"),
                "Hello Jane!"
            ),
        ]
    );

    let i = import(&dir, "chat-miner__testlog.json");
    sane(&i);
    // Its ig.me join link says Instagram.
    assert_eq!(i.format, "instagram-json");
    let c = &i.parsed.chats[0];
    assert_eq!(c.source, Some(Source::Instagram));
    assert!(c.people.contains(&"J❤️hn Doe".to_owned()), "{:?}", c.people);
    assert!(c.people.contains(&"❤️".to_owned()));
    let mut kinds = BTreeMap::new();
    for e in &c.events {
        *kinds.entry(e.kind).or_insert(0) += 1;
    }
    // chat-miner's 11 rows, less "Jane Doe joined the group." (a system event here); its
    // two poll notices are system events too.
    assert_eq!(messages(c), 10);
    assert_eq!(
        kinds,
        BTreeMap::from([
            (Kind::Text, 5),
            (Kind::Media, 4),
            (Kind::Voice, 1),
            (Kind::Reaction, 4),
            (Kind::System, 3),
        ])
    );
    let texts: Vec<&str> = c.events.iter_texts().map(|(_, t)| t).collect();
    assert!(texts.contains(&"Testing username with emoji: J❤️hn Doe"));
    assert!(texts.contains(&"Testing message with emoji: ❤️"));

    let i = import(&dir, "dona-V2__artificial_instagram_export_valid.zip");
    sane(&i);
    assert_eq!(i.format, "instagram-json");
    assert_eq!(i.parsed.chats.len(), 6);
    assert!(
        i.parsed
            .chats
            .iter()
            .all(|c| c.source == Some(Source::Instagram))
    );
    let total: usize = i.parsed.chats.iter().map(messages).sum();
    assert_eq!(total, 946);
    for c in &i.parsed.chats {
        assert!(c.people.len() >= 2);
        // The donor named by personal_information.json, Caleb Gonzalez, is in no thread of
        // this synthetic export: no thread gets a user.
        assert!(!c.people.contains(&"Caleb Gonzalez".to_owned()));
        assert_eq!(c.me_hint, None);
    }
}
