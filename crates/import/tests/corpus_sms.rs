//! Conformance: the real SMS Backup & Restore samples of the shared corpus, checked against the
//! facts in its EXPECTED.md ("SMS Backup & Restore XML", our reading) under our conventions:
//! one chat per other party's normalised number, exact duplicate rows counted once, a `date`
//! in seconds read as seconds. The corpus is not part of the repository: when it is absent the
//! tests say so and pass.

use std::path::PathBuf;

use walkaway_import::{Imported, Options, read_path};
use walkaway_model::{Kind, ParsedChat, Severity, Source};

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

fn import(name: &str) -> Option<Imported> {
    let dir = corpus("sms-xml")?;
    let opts = Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    };
    let i = read_path(&dir.join(name), &opts).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(i.format, "sms-xml", "{name}");
    for c in &i.parsed.chats {
        assert_eq!(c.source, Some(Source::Sms));
        assert_eq!(c.people.len(), c.handles.len());
        assert_eq!(c.me_hint, Some(0));
        assert_eq!(c.people[0], "Me");
        for (e, t) in c.events.iter_texts() {
            assert!(e.sender.is_some());
            for d in &i.parsed.diagnostics {
                if t.len() > 8 {
                    assert!(!d.message.contains(t), "{d:?}");
                }
            }
        }
        assert!(c.events.windows(2).all(|w| w[0].ts <= w[1].ts));
    }
    Some(i)
}

fn by_handle<'a>(i: &'a Imported, handle: &str) -> &'a ParsedChat {
    i.parsed
        .chats
        .iter()
        .find(|c| c.handles.get(1).map(String::as_str) == Some(handle))
        .unwrap_or_else(|| panic!("no chat with {handle}"))
}

fn senders(c: &ParsedChat) -> Vec<&str> {
    c.events
        .iter()
        .map(|e| c.people[e.sender.unwrap_or(0) as usize].as_str())
        .collect()
}

fn notes(i: &Imported) -> Vec<&str> {
    i.parsed
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect()
}

/// 9 `<sms>` though `count="2"`; some dates in seconds; one number written three ways.
#[test]
fn python_smsbackuptools() {
    let Some(i) = import("python-smsbackuptools__sms.xml") else {
        return;
    };
    let total: usize = i.parsed.chats.iter().map(|c| c.events.len()).sum();
    assert_eq!(total, 9);
    assert_eq!(i.parsed.chats.len(), 5);
    let n = notes(&i);
    assert!(
        n.iter()
            .any(|m| m.contains("declares 2 messages but holds 9")),
        "{n:?}"
    );
    assert!(
        n.iter().any(|m| m.contains("4 dates are in seconds")),
        "{n:?}"
    );
    assert!(
        i.parsed
            .diagnostics
            .iter()
            .all(|d| d.severity == Severity::Note)
    );
    // `(555) 555-4545` and `5555554545` are one number: one chat with Robot Cat.
    let cat = by_handle(&i, "tel:5555554545");
    assert_eq!(cat.people, ["Me", "Robot Cat"]);
    assert_eq!(senders(cat), ["Me", "Robot Cat", "Robot Cat"]);
    let dog = by_handle(&i, "tel:5555554455");
    assert_eq!(senders(dog), ["Robot Dog", "Me"]);
    assert_eq!(dog.events[0].ts, 1_335_046_217_074);
    // A date in seconds is read as seconds: 2017-02-01T03:51:24Z.
    let person = by_handle(&i, "tel:15555555655");
    assert_eq!(person.events[0].ts, 1_485_921_084_000);
    assert_eq!(person.events.text_at(0), "Beep boop");
}

/// 2 SMS and 2 MMS, all exact duplicates: one of each is left.
#[test]
fn cleaner_duplicates() {
    let Some(i) = import("AndroidSMSBackupRestoreCleaner__sms.xml") else {
        return;
    };
    assert_eq!(i.parsed.chats.len(), 2);
    let chic = by_handle(&i, "tel:09001234567");
    assert_eq!(chic.people, ["Me", "Cute Chic"]);
    assert_eq!(senders(chic), ["Me"]);
    assert_eq!(chic.events.text_at(0), "Hey! :) What you doing?");
    let mma = by_handle(&i, "+339001234567");
    assert_eq!(mma.people, ["Me", "MMA"]);
    assert_eq!(senders(mma), ["MMA"]);
    assert_eq!(mma.events[0].kind, Kind::Text);
    assert!(mma.events.text_at(0).starts_with("Bah en gros \"bonjour"));
    assert!(mma.events.text_at(0).contains("c'est pour quel sujet"));
    let n = notes(&i);
    assert!(n.iter().any(|m| m.contains("2 rows repeat")), "{n:?}");
    assert!(!n.iter().any(|m| m.contains("declares")), "{n:?}");
}

/// v7.42: 4 SMS (2 duplicate pairs) and 2 identical MMS with a base64 JPEG each.
#[test]
fn cleaner_old_with_attachments() {
    let Some(i) = import("AndroidSMSBackupRestoreCleaner__sms_old.xml") else {
        return;
    };
    let total: usize = i.parsed.chats.iter().map(|c| c.events.len()).sum();
    assert_eq!(total, 3);
    let n = notes(&i);
    assert!(n.iter().any(|m| m.contains("3 rows repeat")), "{n:?}");
    let sent = by_handle(&i, "tel:09001234567");
    assert_eq!(senders(sent), ["Me"]);
    // A contact saved as "Moi" is a contact like any other.
    assert_eq!(sent.people, ["Me", "Moi"]);
    let received = by_handle(&i, "+339001234567");
    assert_eq!(senders(received), ["Moi"]);
    let mms = by_handle(&i, "+336011111");
    assert_eq!(mms.people, ["Me", "B G"]);
    assert_eq!(senders(mms), ["Me"]);
    assert_eq!(mms.events[0].kind, Kind::Media);
    assert_eq!(mms.events[0].ts, 1_436_790_934_000);
}

/// 12 SMS with 3 contacts (A ×4, B ×1, C ×7), one body with two line breaks.
#[test]
fn backup_reader_small() {
    let Some(i) = import("sms-backup-reader-2__sms_small.xml") else {
        return;
    };
    assert!(i.parsed.diagnostics.is_empty(), "{:?}", notes(&i));
    let counts: Vec<(&str, usize)> = i
        .parsed
        .chats
        .iter()
        .map(|c| (c.people[1].as_str(), c.events.len()))
        .collect();
    assert_eq!(
        counts,
        [("Contact A", 4), ("Contact B", 1), ("Contact C", 7)]
    );
    let c = by_handle(&i, "+15550000004");
    assert!(
        c.events
            .iter_texts()
            .any(|(_, t)| t == "Body text 10\nBody text 11\nBody text 12")
    );
    assert_eq!(
        i.parsed.chats[0].exported_at,
        Some(1_721_556_032_311),
        "backup_date"
    );
}
