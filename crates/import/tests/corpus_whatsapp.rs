//! Conformance: every real WhatsApp sample in the shared corpus, checked against the facts in
//! its EXPECTED.md, translated to our conventions (system lines are events without a sender and
//! not messages; times are wall-clock read in UTC here; a final newline is not message text).
//! The corpus is not part of the repository: when it is absent the tests say so and pass.

use std::collections::BTreeMap;
use std::path::PathBuf;

use walkaway_import::{DateOrder, Imported, Options, read_path};
use walkaway_model::{Kind, ParsedChat};

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("WALKAWAY_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
        });
    if dir.join("whatsapp").is_dir() {
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

fn import(dir: &std::path::Path, name: &str, opts: &Options) -> Imported {
    let p = dir.join("whatsapp").join(name);
    read_path(&p, opts).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn only_chat(i: &Imported) -> &ParsedChat {
    assert_eq!(i.parsed.chats.len(), 1);
    &i.parsed.chats[0]
}

fn wall(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S").to_string())
        .unwrap_or_default()
}

fn sender(c: &ParsedChat, i: usize) -> Option<&str> {
    c.events[i].sender.map(|s| c.people[s as usize].as_str())
}

fn kinds(c: &ParsedChat) -> BTreeMap<Kind, usize> {
    let mut m = BTreeMap::new();
    for e in &c.events {
        *m.entry(e.kind).or_default() += 1;
    }
    m
}

fn per_sender(c: &ParsedChat) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for e in &c.events {
        if let Some(s) = e.sender {
            *m.entry(c.people[s as usize].clone()).or_default() += 1;
        }
    }
    m
}

#[test]
fn every_sample_imports() {
    let Some(dir) = corpus() else { return };
    let mut n = 0;
    for entry in std::fs::read_dir(dir.join("whatsapp")).unwrap() {
        let p = entry.unwrap().path();
        let imported = read_path(&p, &utc()).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert!(imported.format.starts_with("whatsapp-"), "{}", p.display());
        assert!(!imported.parsed.chats.is_empty());
        for c in &imported.parsed.chats {
            assert!(!c.events.is_empty(), "{}", p.display());
            for e in &c.events {
                assert_eq!(
                    e.kind == Kind::System,
                    e.sender.is_none(),
                    "{} line {}",
                    p.display(),
                    e.line
                );
            }
        }
        n += 1;
    }
    assert!(n >= 40, "only {n} samples");
}

#[test]
fn whatsr_rows_senders_and_times() {
    let Some(dir) = corpus() else { return };
    for v in [
        "englishandroid24h",
        "englishios24h",
        "englishiosampm",
        "germanandroid24h",
        "germanandroidampm",
        "germanios24h",
    ] {
        let i = import(&dir, &format!("WhatsR__{v}.txt"), &utc());
        let c = only_chat(&i);
        let exp: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("_expected/WhatsR__{v}.expected.json")))
                .unwrap(),
        )
        .unwrap();
        let rows = exp["messages"].as_array().unwrap();
        assert_eq!(c.events.len(), rows.len(), "{v}");
        for (k, row) in rows.iter().enumerate() {
            assert_eq!(
                wall(c.events[k].ts),
                row["datetime_wallclock"].as_str().unwrap(),
                "{v} row {k}"
            );
            let s = row["sender"].as_str().unwrap();
            let want = (s != "WhatsApp System Message").then_some(s);
            assert_eq!(sender(c, k), want, "{v} row {k}");
        }
        let counts = per_sender(c);
        let want: BTreeMap<String, usize> = [
            ("Bob", 19),
            ("Alice", 13),
            ("Carol", 5),
            ("Dave", 4),
            ("Mallory", 1),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b))
        .collect();
        assert_eq!(counts, want, "{v}");
        assert_eq!(kinds(c).get(&Kind::System), Some(&8), "{v}");
        let messages = c.events.iter().filter(|e| e.kind.is_message()).count();
        assert_eq!(messages, 42, "{v}");
        // The voice note and the omitted image.
        assert_eq!(kinds(c).get(&Kind::Voice), Some(&1), "{v}");
        assert_eq!(kinds(c).get(&Kind::Media), Some(&1), "{v}");
        // The file has a line out of chronological order.
        assert!(
            c.events
                .iter()
                .any(|e| e.flags & walkaway_model::flags::OUT_OF_ORDER != 0),
            "{v}"
        );
    }
}

#[test]
fn chat_miner_targets() {
    let Some(dir) = corpus() else { return };
    let target: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("_expected/chat-miner__whatsapp__target.json")).unwrap(),
    )
    .unwrap();
    let mut want: Vec<(String, String)> = target
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["timestamp"].as_str().unwrap().to_owned(),
                r["author"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    want.sort();
    for f in [
        "mmddyy_24hrs",
        "ddmmyy_24hrs",
        "mmddyyyy_12hrs",
        "yyyymmdd_24hrs",
    ] {
        let i = import(&dir, &format!("chat-miner__test_{f}.txt"), &utc());
        let c = only_chat(&i);
        let mut got: Vec<(String, String)> = c
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind.is_message())
            .map(|(k, e)| (wall(e.ts), sender(c, k).unwrap_or("").to_owned()))
            .collect();
        got.sort();
        assert_eq!(got, want, "{f}");
        // The colon inside the text is kept.
        assert!(
            c.events
                .iter_texts()
                .any(|(_, t)| t == "Lorem ipsum : dolor sit amet.")
        );
    }
    for (f, rows) in [
        ("dateformat2", 4),
        ("dateformat3", 4),
        ("dateformat4", 4),
        ("dateformat5", 4),
        ("unicode", 3),
    ] {
        let csv =
            std::fs::read_to_string(dir.join(format!("_expected/chat-miner__test_{f}_target.csv")))
                .unwrap();
        let mut want: Vec<(String, String)> = csv
            .lines()
            .skip(1)
            .filter_map(|l| {
                let mut it = l.splitn(3, ',');
                Some((it.next()?.replace(' ', "T"), it.next()?.to_owned()))
            })
            .collect();
        want.sort();
        assert_eq!(want.len(), rows);
        let i = import(&dir, &format!("chat-miner__test_{f}.txt"), &utc());
        let c = only_chat(&i);
        let mut got: Vec<(String, String)> = c
            .events
            .iter()
            .enumerate()
            .map(|(k, e)| (wall(e.ts), sender(c, k).unwrap_or("").to_owned()))
            .collect();
        got.sort();
        assert_eq!(got, want, "{f}");
    }
}

#[test]
fn chatistics() {
    let Some(dir) = corpus() else { return };
    let i = import(&dir, "Chatistics___chat.txt", &utc());
    let c = only_chat(&i);
    let msgs: Vec<usize> = (0..c.events.len())
        .filter(|&k| c.events[k].kind.is_message())
        .collect();
    // The sender-less info line is not a message.
    assert!(
        c.events
            .iter_texts()
            .any(|(e, t)| e.kind == Kind::System && t == "This is an info entry")
    );
    assert_eq!(sender(c, msgs[0]), Some("Alice Placeholder"));
    // The "empty" message holds invisible C1 control characters, then the header-looking line.
    assert!(c.events.iter_texts().any(|(_, t)| {
        t.contains('\n')
            && t.ends_with("\n[1.2.2019, 00:00:00] John Doe: this line is not a message on its own")
    }));
    assert!(c.events.iter_texts().any(|(_, t)| t
        == "What is that?\n2/11/19, 14:48 Alice Placeholder: this is a message from another chat!"));
    let last = *msgs.last().unwrap();
    assert_eq!(
        c.events.text_at(last),
        "This is the last message of this test file."
    );
    assert_eq!(sender(c, last), Some("Alice Placeholder"));
    assert_eq!(c.people, vec!["Alice Placeholder", "John Doe"]);
    // The header-looking line in another date style is reported.
    assert!(i.parsed.diagnostics.iter().any(|d| d.line == 19));

    // chat_3: Chatistics reads it month-first (its configuration); on its own the file is
    // ambiguous, which we report.
    let auto = import(&dir, "Chatistics___chat_3.txt", &utc());
    assert!(
        auto.parsed
            .diagnostics
            .iter()
            .any(|d| d.message.contains("date order is ambiguous"))
    );
    let opts = Options {
        date_order: Some(DateOrder::Mdy),
        ..utc()
    };
    let i = import(&dir, "Chatistics___chat_3.txt", &opts);
    let c = only_chat(&i);
    let got: Vec<String> = c
        .events
        .iter()
        .filter(|e| e.kind.is_message())
        .map(|e| wall(e.ts))
        .collect();
    let want: Vec<String> = [
        "2019-02-11T14:18",
        "2019-02-11T14:21",
        "2019-02-11T14:21",
        "2019-02-11T14:21",
        "2019-02-11T14:22",
        "2019-10-11T14:25",
        "2019-02-11T14:33",
        "2019-02-11T14:48",
        "2019-02-11T14:51",
    ]
    .iter()
    .map(|s| format!("{s}:00"))
    .collect();
    assert_eq!(got, want);
    assert_eq!(kinds(c).get(&Kind::System), Some(&2));

    let i = import(&dir, "Chatistics___chat_4.txt", &utc());
    let c = only_chat(&i);
    let got: Vec<(String, &str, &str)> = (0..c.events.len())
        .map(|k| {
            (
                wall(c.events[k].ts),
                sender(c, k).unwrap_or(""),
                c.events.text_at(k),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "2019-09-17T08:30:52".to_owned(),
                "John Doe",
                "US datetime format"
            ),
            (
                "2019-09-17T16:30:10".to_owned(),
                "John Doe",
                "US datetime format"
            ),
            (
                "2019-09-18T16:50:32".to_owned(),
                "John Doe",
                "US datetime format"
            ),
        ]
    );
}

#[test]
fn whats_json_languages() {
    let Some(dir) = corpus() else { return };
    for lang in [
        "english",
        "arabic",
        "czech",
        "deutch",
        "french",
        "spanish",
        "portugal",
        "russian",
        "italian",
        "japanese",
        "hindi",
        "indonesian",
    ] {
        let i = import(&dir, &format!("whats_json__{lang}_ios.txt"), &utc());
        assert_eq!(i.format, "whatsapp-ios");
        let c = only_chat(&i);
        assert_eq!(c.events.len(), 23, "{lang}");
        let k = kinds(c);
        // The encryption notice under the contact's name is a system event.
        assert_eq!(k.get(&Kind::System), Some(&1), "{lang}");
        assert_eq!(c.events[0].kind, Kind::System, "{lang}");
        // Text 4 + 2 locations; two deletions; the rest are media and voice notices.
        assert_eq!(k.get(&Kind::Text), Some(&6), "{lang}: {k:?}");
        assert_eq!(k.get(&Kind::Deleted), Some(&2), "{lang}");
        assert_eq!(k.get(&Kind::Voice), Some(&1), "{lang}");
        assert_eq!(k.get(&Kind::Media), Some(&13), "{lang}");
        assert_eq!(
            c.me_hint.map(|p| c.people[p as usize].as_str()),
            Some("Dmitry S"),
            "{lang}"
        );
        assert_eq!(wall(c.events[1].ts), "2022-03-27T21:41:35", "{lang}");
    }
    for f in ["english_android", "russian_android"] {
        let i = import(&dir, &format!("whats_json__{f}.txt"), &utc());
        let c = only_chat(&i);
        assert_eq!(c.events.len(), 60, "{f}");
        let k = kinds(c);
        assert_eq!(k.get(&Kind::System), Some(&1), "{f}");
        assert_eq!(k.get(&Kind::MissedCall), Some(&2), "{f}");
        assert_eq!(
            c.me_hint.map(|p| c.people[p as usize].as_str()),
            Some("Elon"),
            "{f}"
        );
    }
    let i = import(&dir, "whats_json__english_ios_media.txt", &utc());
    let c = only_chat(&i);
    assert_eq!(c.events.len(), 25);
    // Encryption notice and two security-code notices.
    assert_eq!(kinds(c).get(&Kind::System), Some(&3));
    assert_eq!(c.people, vec!["Dmitry S", "Elon Musk"]);
    let i = import(&dir, "whats_json__english_android_media.txt", &utc());
    assert_eq!(only_chat(&i).events.len(), 60);
    let i = import(&dir, "whats_json__deutch_android_media.txt", &utc());
    let c = only_chat(&i);
    assert_eq!(c.events.len(), 41);
    assert_eq!(kinds(c).get(&Kind::MissedCall), Some(&2));

    let i = import(&dir, "whats_json__Buddhist_iOS.txt", &utc());
    let c = only_chat(&i);
    assert_eq!(wall(c.events[0].ts), "2022-03-18T14:56:01");
    assert_eq!(wall(c.events[c.events.len() - 1].ts), "2023-01-12T15:35:15");
    assert_eq!(kinds(c).get(&Kind::System), Some(&3));

    let i = import(
        &dir,
        "whats_json__WhatsApp_Chat_-_Elon_Musk__RU_.zip",
        &utc(),
    );
    let c = only_chat(&i);
    assert_eq!(c.events[0].kind, Kind::System);
    // The Russian zip also holds two "security code changed" notices.
    assert_eq!(c.events.len(), 25);
    assert_eq!(kinds(c).get(&Kind::System), Some(&3));
}

#[test]
fn chat_analytics_and_others() {
    let Some(dir) = corpus() else { return };
    for f in ["chat-analytics__4A_11M.txt", "chat-analytics__4A_11M.zip"] {
        let i = import(&dir, f, &utc());
        let c = only_chat(&i);
        let mut people = c.people.clone();
        people.sort();
        assert_eq!(
            people,
            vec!["Alice", "Bob", "Eve", "Mallory", "Trent"],
            "{f}"
        );
        let (boiii, _) = c.events.iter_texts().find(|(_, t)| *t == "boiii").unwrap();
        assert_eq!(wall(boiii.ts), "2020-09-12T23:55:00", "{f}");
        assert!(c.events.iter_texts().any(|(_, t)| t == "👩🏻‍⚖️"));
        assert_eq!(
            c.events.iter().filter(|e| e.kind.is_message()).count(),
            11,
            "{f}"
        );
    }
    let i = import(&dir, "chat-analytics__2A_5M.txt", &utc());
    let c = only_chat(&i);
    assert_eq!(c.events.len(), 5);
    assert_eq!(c.events[3].kind, Kind::Media);
    assert!(c.events[4].flags & walkaway_model::flags::OUT_OF_ORDER != 0);

    let i = import(&dir, "whatsapp-chat-parser__short-chat.txt", &utc());
    let c = only_chat(&i);
    assert_eq!(c.events.len(), 5);
    // The peer keeps the file's final newline; we do not (a final newline ends the line).
    assert_eq!(
        c.events.text_at(4),
        "How are you?\n\nIs everything alright?"
    );
    assert_eq!(kinds(c).get(&Kind::System), Some(&2));

    let i = import(&dir, "whatstk__pokemon.txt", &utc());
    let c = only_chat(&i);
    let head: Vec<(String, Option<&str>)> = (0..c.events.len())
        .filter(|&k| c.events[k].kind.is_message())
        .take(5)
        .map(|k| (wall(c.events[k].ts), sender(c, k)))
        .collect();
    assert_eq!(
        head,
        vec![
            ("2016-08-06T13:23:00".to_owned(), Some("Ash Ketchum")),
            ("2016-08-06T13:25:00".to_owned(), Some("Brock")),
            ("2016-08-06T13:30:00".to_owned(), Some("Misty")),
            ("2016-08-06T13:45:00".to_owned(), Some("Ash Ketchum")),
            ("2016-08-06T14:30:00".to_owned(), Some("Misty")),
        ]
    );
    assert!(!c.people.iter().any(|p| p == "Pokemon Chat"));

    let i = import(&dir, "whatstk__lorem.txt", &utc());
    let c = only_chat(&i);
    assert_eq!(c.events.iter().filter(|e| e.kind.is_message()).count(), 500);
    assert_eq!(wall(c.events[0].ts), "2020-01-15T02:22:56");
    assert_eq!(sender(c, 2), Some("+1 123 456 789"));

    let i = import(&dir, "dona-V2__whatsapp_artificial_export.zip", &utc());
    assert_eq!(i.parsed.chats.len(), 6);
    // Two groups hold the Armenian group encryption notice, which ends with `:` (Armenian's
    // full stop): a System event each, never a participant, and a Warning naming its line.
    for c in &i.parsed.chats {
        assert!(
            c.people.iter().all(|p| p.split_whitespace().count() <= 2),
            "{:?}",
            c.people
        );
    }
    let notices = i
        .parsed
        .chats
        .iter()
        .flat_map(|c| c.events.iter_texts())
        .filter(|(e, t)| e.kind == Kind::System && t.contains("գաղտնագրմամբ"))
        .count();
    assert_eq!(notices, 2);
    let warned: Vec<&str> = i
        .parsed
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("system notice"))
        .map(|d| d.message.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(warned, vec!["group_chat_5.txt", "group_chat_6.txt"]);
}
