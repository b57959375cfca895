//! Every format, round trip: one known history is written as each app exports it
//! (`walkaway_sim::formats`), read back through the product's own entry point
//! (`walkaway_import::read_path`, which detects the file, folder or database by its content, as
//! `walkaway import` does) into a store, loaded, and analysed. What is read must be the history
//! as the format can hold it (`Format::expected`: the kinds it cannot write left out, those it
//! writes as another kind mapped, times at its resolution, wall-clock times as read in the
//! zone they were written in): event by event (instant, sender,
//! kind, and the text of every text message), and in the figures (messages per person,
//! conversations, who opened and closed them, reply counts and medians, calls per person).
//!
//! The history has names and texts that trip careless writers and readers: a partner named
//! "Zoë Martin" (Meta's mojibake), and texts with emoji beyond the Basic Multilingual Plane
//! (SMS Backup & Restore's surrogate references), quotes, commas, `&`, `<`, line breaks and
//! Japanese.

use std::path::Path;

use jiff::tz::TimeZone;
use walkaway_analysis::Config;
use walkaway_analysis::full::{FullAnalysis, analyze_full};
use walkaway_import::Options;
use walkaway_model::{Events, Kind, NewEvent, ParsedChat, PersonIdx, Severity};
use walkaway_sim::formats::{self, Carry, Format, Written};
use walkaway_sim::sim::{Injection, Scenario, generate};
use walkaway_sim::{civil, presets};
use walkaway_store::{ImportMeta, Store};

const SEEDS: [u64; 3] = [1, 2, 3];

/// Texts the partner writes (replacing his first message at or after each day of 2026).
const TRICKY: [(u32, u32, &str); 6] = [
    (3, 2, "Ça va? On se voit à 20h 😀"),
    (4, 11, "see you \"there\", ok? & bring <snacks>"),
    (5, 20, "東京で会おう 🎌"),
    (6, 7, "two lines\nand \"a second\", with a comma"),
    (7, 15, "50% off; 1,2,3 — deal?"),
    (8, 30, "ok 👍🏽 at 8:30 - or 9?"),
];

/// The validation history of `seed`, with the tricky names and texts and a late exchange in the
/// repeated hour of 25 October, its events spread over the seconds of their minute
/// (`formats::with_seconds`).
fn history(seed: u64) -> (ParsedChat, i64) {
    let mut p = presets::validation_params(seed, Scenario::AsBefore);
    p.user.name = "Alex Kim".to_owned();
    p.partner.name = "Zoë Martin".to_owned();
    p.injections = TRICKY
        .iter()
        .map(|&(m, d, text)| Injection {
            at: civil::midnight(2026, m, d),
            text: text.to_owned(),
        })
        .collect();
    let sim = generate(&p);
    // A short late-night exchange in the hour Paris lives twice (25 October 2026, 02:00-03:00
    // local: 00:00-01:00 UTC in summer time, then 01:00-02:00 UTC in winter time), in its
    // second pass, so that the wall-clock formats meet it whatever the seed.
    let fold = civil::midnight(2026, 10, 25) + civil::HOUR;
    let late = [
        (fold + 20 * civil::MINUTE, 1, "still up?"),
        (fold + 24 * civil::MINUTE, 0, "yes, can't sleep"),
        (fold + 31 * civil::MINUTE, 1, "same. night then"),
    ];
    let mut all: Vec<(i64, Option<PersonIdx>, Kind, &str)> = sim
        .chat
        .events
        .iter_texts()
        .map(|(e, t)| (e.ts, e.sender, e.kind, t))
        .chain(
            late.iter()
                .map(|&(ts, who, t)| (ts, Some(who), Kind::Text, t)),
        )
        .collect();
    all.sort_by_key(|r| r.0);
    let events = Events::try_from_iter(all.iter().map(|&(ts, sender, kind, text)| NewEvent {
        ts,
        sender,
        kind,
        text,
        line: 0,
        flags: 0,
    }))
    .unwrap();
    let chat = ParsedChat {
        events,
        ..sim.chat.clone()
    };
    (formats::with_seconds(&chat), sim.truth.as_of)
}

/// The zones the exports are written in: UTC, and one whose daylight-saving changes (29 March
/// and 25 October 2026) fall inside the histories, so wall-clock formats meet a skipped and a
/// repeated hour.
fn zones() -> [TimeZone; 2] {
    [TimeZone::UTC, TimeZone::get("Europe/Paris").unwrap()]
}

/// Imports every written path into a fresh store, as `walkaway import` does, and loads the one
/// chat they make. Fails on any warning: a well-formed export reads without one.
fn import(format: Format, written: &Written, tz: &TimeZone) -> walkaway_store::LoadedChat {
    let mut store = Store::open_in_memory().unwrap();
    let opts = Options {
        tz: tz.clone(),
        date_order: None,
    };
    for path in &written.paths {
        let imported = walkaway_import::read_path(path, &opts)
            .unwrap_or_else(|e| panic!("{}: {e}", format.name()));
        let warnings: Vec<_> = imported
            .parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .collect();
        assert!(warnings.is_empty(), "{}: {warnings:?}", format.name());
        // The in-memory reading (the in-browser app's, `read_bytes`) gives the same chats as
        // the streamed one from disk.
        if path.is_file() {
            let bytes = std::fs::read(path).unwrap();
            let in_memory =
                walkaway_import::read_bytes(&path.display().to_string(), &bytes, &opts).unwrap();
            assert_eq!(in_memory.format, imported.format, "{}", format.name());
            assert!(
                in_memory.parsed.chats == imported.parsed.chats,
                "{}: read_bytes and read_path differ",
                format.name()
            );
        }
        let meta = ImportMeta {
            path: path.display().to_string(),
            file_hash: imported.file_hash.clone(),
            bytes: imported.bytes,
            format: imported.format.to_owned(),
            tz: if imported.format.starts_with("whatsapp") {
                tz.iana_name().unwrap_or("UTC").to_owned()
            } else {
                String::new()
            },
            modified: imported.modified,
            imported_at: 0,
        };
        store.import(&meta, &imported.parsed).unwrap();
    }
    let chats = store.chats().unwrap();
    assert_eq!(
        chats.len(),
        1,
        "{}: one chat expected, got {:?}",
        format.name(),
        chats.iter().map(|c| &c.participants).collect::<Vec<_>>()
    );
    assert_eq!(chats[0].sources, vec![format.source()], "{}", format.name());
    store.load_chat(&chats[0].id).unwrap()
}

/// The imported events with the user as person 0 and the partner as person 1.
fn canonical(format: Format, written: &Written, loaded: &walkaway_store::LoadedChat) -> Events {
    let name = format.name();
    let index = |who: &str| -> PersonIdx {
        let i = loaded
            .people
            .iter()
            .position(|p| p == who)
            .unwrap_or_else(|| panic!("{name}: no {who:?} among {:?}", loaded.people));
        i as PersonIdx
    };
    assert_eq!(loaded.people.len(), 2, "{name}: {:?}", loaded.people);
    let (me, partner) = (index(&written.user), index(&written.partner));
    if written.names_user {
        assert_eq!(
            loaded.me_hint,
            Some(me),
            "{name}: the export names the user"
        );
    }
    let mut out = Events::new();
    for (e, text) in loaded.events.iter_texts() {
        let sender = e.sender.map(|s| {
            if s == me {
                0
            } else {
                assert_eq!(s, partner, "{name}");
                1
            }
        });
        out.push(NewEvent {
            ts: e.ts,
            sender,
            kind: e.kind,
            text: if e.kind == Kind::Text { text } else { "" },
            line: 0,
            flags: 0,
        })
        .unwrap();
    }
    out
}

/// What must survive: messages per person, conversations, openers, closers, reply counts and
/// medians, calls per person.
fn figures(a: &FullAnalysis) -> String {
    let b = &a.base;
    let replies: Vec<(u64, Option<f64>)> = b
        .replies
        .iter()
        .map(|r| (r.latency.count, r.latency.median_ms))
        .collect();
    format!(
        "messages {} {:?}; conversations {} opened {:?} closed {:?}; replies {:?}; calls {:?}",
        b.messages.total,
        b.messages.by,
        b.conversations.count,
        b.conversations.opened_by,
        b.conversations.closed_by,
        replies,
        a.calls.by
    )
}

/// An event list as comparable rows (texts of text messages only).
fn rows(events: &Events) -> Vec<(i64, Option<PersonIdx>, Kind, String)> {
    events
        .iter_texts()
        .map(|(e, t)| {
            let text = if e.kind == Kind::Text { t } else { "" };
            (e.ts, e.sender, e.kind, text.to_owned())
        })
        .collect()
}

fn round_trip(format: Format, dir: &Path) {
    round_trip_with(format, dir, |chat, as_of, out, tz| {
        format.write_in(chat, as_of, out, tz)
    });
}

/// [`round_trip`] with another writer of the format.
fn round_trip_with(
    format: Format,
    dir: &Path,
    write: impl Fn(&ParsedChat, i64, &Path, &TimeZone) -> std::io::Result<Written>,
) {
    let mut kinds_seen = std::collections::BTreeSet::new();
    let mut moved = 0usize;
    for (seed, tz) in SEEDS.into_iter().flat_map(|s| zones().map(|z| (s, z))) {
        let zone = tz.iana_name().unwrap_or("UTC").to_owned();
        let (whole, as_of) = history(seed);
        for (e, _) in whole.events.iter_texts() {
            kinds_seen.insert(e.kind);
        }
        let out = dir.join(format!(
            "{}-{seed}-{}",
            format.name(),
            zone.replace('/', "-")
        ));
        std::fs::create_dir_all(&out).unwrap();
        let written = write(&whole, as_of, &out, &tz).unwrap();
        let loaded = import(format, &written, &tz);
        if written
            .paths
            .iter()
            .all(|p| p.extension().is_some_and(|e| e == "zip"))
        {
            assert_eq!(
                loaded.info.data_end,
                Some(as_of),
                "{} seed {seed} {zone}: a zip's entry date is the data end ({:?})",
                format.name(),
                loaded.info.data_end_source
            );
        }
        let got = canonical(format, &written, &loaded);
        let expected = format.expected_in(&whole, &tz);
        moved += expected
            .events
            .iter()
            .zip(format.expected(&whole).events.iter())
            .filter(|(a, b)| a.ts != b.ts)
            .count();

        // Event by event: the first difference names the row.
        let (want, have) = (rows(&expected.events), rows(&got));
        if let Some(i) = (0..want.len().max(have.len())).find(|&i| want.get(i) != have.get(i)) {
            panic!(
                "{} seed {seed} {zone}: event {i} differs: expected {:?}, read {:?} ({} expected, {} read)",
                format.name(),
                want.get(i),
                have.get(i),
                want.len(),
                have.len()
            );
        }

        // The figures of the analysis.
        let mut cfg = Config::new(0, Some(1), as_of);
        // Intervals are not compared; few bootstrap replicates keep the test fast.
        cfg.bootstrap_reps = 20;
        let a = analyze_full(&expected.events, &whole.people, &cfg, &[]).unwrap();
        let b = analyze_full(&got, &whole.people, &cfg, &[]).unwrap();
        assert_eq!(
            figures(&b),
            figures(&a),
            "{} seed {seed} {zone}",
            format.name()
        );
        assert!(a.base.messages.total > 1000 && a.base.conversations.count > 100);
    }
    // The histories hold every kind the simulator makes, so every kind's path was taken.
    for k in [
        Kind::Text,
        Kind::Media,
        Kind::Voice,
        Kind::Deleted,
        Kind::MissedCall,
        Kind::System,
    ] {
        assert!(kinds_seen.contains(&k), "no {k:?} in the histories");
    }
    // Some wall time fell in the repeated hour of 25 October and was read an hour early, so
    // that path was taken too (and only wall-clock formats move).
    assert_eq!(
        moved > 0,
        format.wall_clock(),
        "{}: {moved} moved",
        format.name()
    );
}

/// The expected history of a format differs from the whole only as `carry` says.
#[test]
fn expected_histories_drop_only_what_the_format_cannot_carry() {
    let (whole, _) = history(1);
    for f in Format::ALL {
        let exp = f.expected(&whole);
        let kept = |k: Kind| exp.events.iter().filter(|e| e.kind == k).count();
        let orig = |k: Kind| whole.events.iter().filter(|e| e.kind == k).count();
        let mut mapped_in = std::collections::BTreeMap::<Kind, usize>::new();
        for k in Kind::ALL {
            if let Carry::As(to, _) = f.carry(k) {
                *mapped_in.entry(to).or_default() += orig(k);
            }
        }
        for k in Kind::ALL {
            let want = match f.carry(k) {
                Carry::Same => orig(k),
                Carry::As(..) | Carry::Not(_) => 0,
            } + mapped_in.get(&k).copied().unwrap_or(0);
            assert_eq!(kept(k), want, "{} {k:?}", f.name());
        }
    }
}

macro_rules! format_test {
    ($name:ident, $format:expr) => {
        #[test]
        fn $name() {
            let dir = tempfile::tempdir().unwrap();
            round_trip($format, dir.path());
        }
    };
}

format_test!(whatsapp_round_trip, Format::WhatsApp);
format_test!(whatsapp_ios_round_trip, Format::WhatsAppIos);
format_test!(telegram_round_trip, Format::Telegram);
format_test!(messenger_round_trip, Format::Messenger);
format_test!(instagram_round_trip, Format::Instagram);
format_test!(sms_round_trip, Format::Sms);
#[cfg(feature = "imessage")]
format_test!(imessage_round_trip, Format::IMessage);
format_test!(discord_round_trip, Format::Discord);
format_test!(line_round_trip, Format::Line);
format_test!(signal_round_trip, Format::Signal);
format_test!(googlechat_round_trip, Format::GoogleChat);
format_test!(csv_round_trip, Format::Csv);

/// A Messenger thread of more than one file (`message_1.json` the newest, `message_N.json` the
/// oldest, each newest first) reads as the one thread. Meta splits at about 10,000 messages;
/// here at 1,000, so a simulated history spans several files.
#[test]
fn messenger_thread_over_several_files_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    round_trip_with(Format::Messenger, dir.path(), |chat, as_of, out, _| {
        let w = formats::meta::write_split(chat, as_of, out, formats::meta::App::Messenger, 1000)?;
        let inbox = w.paths[0].join("your_facebook_activity/messages/inbox");
        let thread = std::fs::read_dir(&inbox)?.next().unwrap()?.path();
        assert!(thread.join("message_3.json").exists());
        Ok(w)
    });
}

/// Zips everything under `root` (entries named relative to it, dated `date`), as the app or
/// the phone delivers the export.
fn zip_tree(root: &Path, files: &[std::path::PathBuf], to: &Path, date: zip::DateTime) {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(date);
    let mut stack: Vec<std::path::PathBuf> = files.to_vec();
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                stack.push(e.unwrap().path());
            }
            continue;
        }
        let name = p
            .strip_prefix(root)
            .unwrap()
            .to_str()
            .unwrap()
            .replace('\\', "/");
        w.start_file(name, opts).unwrap();
        w.write_all(&std::fs::read(&p).unwrap()).unwrap();
    }
    w.finish().unwrap();
}

/// The formats delivered as a zip (or whose folder a user may zip): the same round trip from
/// the zip, and the zip entries' date (the moment the export was written, a wall time in the
/// phone's zone) is the chat's data end.
fn zip_round_trip(format: Format, dir: &Path) {
    round_trip_with(format, dir, |chat, as_of, out, tz| {
        let inner = out.join("unzipped");
        std::fs::create_dir_all(&inner)?;
        let w = format.write_in(chat, as_of, &inner, tz)?;
        let local = jiff::Timestamp::from_millisecond(as_of)
            .unwrap()
            .to_zoned(tz.clone());
        let date = zip::DateTime::from_date_and_time(
            local.year() as u16,
            local.month() as u8,
            local.day() as u8,
            local.hour() as u8,
            local.minute() as u8,
            local.second() as u8,
        )
        .unwrap();
        let to = out.join(format!("{}-export.zip", format.name()));
        zip_tree(&inner, &w.paths, &to, date);
        Ok(Written {
            paths: vec![to],
            ..w
        })
    });
}

macro_rules! zip_test {
    ($name:ident, $format:expr) => {
        #[test]
        fn $name() {
            let dir = tempfile::tempdir().unwrap();
            zip_round_trip($format, dir.path());
        }
    };
}

zip_test!(whatsapp_zip_round_trip, Format::WhatsApp);
zip_test!(whatsapp_ios_zip_round_trip, Format::WhatsAppIos);
zip_test!(telegram_zip_round_trip, Format::Telegram);
zip_test!(messenger_zip_round_trip, Format::Messenger);
zip_test!(instagram_zip_round_trip, Format::Instagram);
#[cfg(feature = "imessage")]
zip_test!(imessage_zip_round_trip, Format::IMessage);
zip_test!(discord_zip_round_trip, Format::Discord);
zip_test!(signal_zip_round_trip, Format::Signal);
zip_test!(googlechat_zip_round_trip, Format::GoogleChat);

/// The folder an export was written into (an unpacked zip, DiscordChatExporter's batch export,
/// `~/Library/Messages`, signal-export's output) reads as the export.
fn folder_round_trip(format: Format, dir: &Path) {
    round_trip_with(format, dir, |chat, as_of, out, tz| {
        let folder = out.join("export");
        std::fs::create_dir_all(&folder)?;
        let w = format.write_in(chat, as_of, &folder, tz)?;
        Ok(Written {
            paths: vec![folder],
            ..w
        })
    });
}

macro_rules! folder_test {
    ($name:ident, $format:expr) => {
        #[test]
        fn $name() {
            let dir = tempfile::tempdir().unwrap();
            folder_round_trip($format, dir.path());
        }
    };
}

folder_test!(whatsapp_folder_round_trip, Format::WhatsApp);
folder_test!(telegram_folder_round_trip, Format::Telegram);
#[cfg(feature = "imessage")]
folder_test!(imessage_folder_round_trip, Format::IMessage);
folder_test!(discord_folder_round_trip, Format::Discord);
folder_test!(signal_folder_round_trip, Format::Signal);
folder_test!(googlechat_folder_round_trip, Format::GoogleChat);

/// Telegram's whole-account export ("Export Telegram data"): the chat in `chats.list`, the
/// user named by `personal_information`.
#[test]
fn telegram_account_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    round_trip_with(Format::Telegram, dir.path(), |chat, _, out, tz| {
        formats::telegram::write_account(chat, out, tz)
    });
}
