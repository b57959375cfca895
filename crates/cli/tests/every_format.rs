//! Every format through the binary: one simulated history written as each app exports it
//! (`walkaway_sim::formats`, by a phone or computer in Europe/Paris), then `walkaway report
//! FILE --json` (which analyses the parsed events while the database commits) must print
//! exactly what `import` followed by `report CHAT --json` prints, and what the in-browser app
//! (`walkaway-web`) reports on the same file; and its messages per person and conversations
//! must be the history's as the format holds it.

use assert_cmd::Command;
use serde_json::Value;
use walkaway_analysis::Config;
use walkaway_analysis::full::analyze_full;
use walkaway_sim::formats::{self, Format};
use walkaway_sim::presets;
use walkaway_sim::sim::{Scenario, generate};
use walkaway_web::{FileIn, ReportOptions, Session};

fn walkaway(db: &std::path::Path, args: &[&str]) -> Value {
    let out = Command::cargo_bin("walkaway")
        .unwrap()
        .env("WALKAWAY_DB", db)
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if out.stdout.is_empty() {
        return Value::Null;
    }
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

#[test]
fn report_file_equals_import_then_report_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = presets::validation_params(4, Scenario::AsBefore);
    p.user.name = "Alex Kim".to_owned();
    p.partner.name = "Zoë Martin".to_owned();
    let sim = generate(&p);
    let whole = formats::with_seconds(&sim.chat);
    let as_of = sim.truth.as_of;
    let tz = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    let flags = [
        "--json",
        "--tz",
        "Europe/Paris",
        "--stepback",
        "2026-10-01",
        "--as-of",
        "2026-10-31",
    ];
    for format in Format::ALL {
        let name = format.name();
        let out = dir.path().join(name);
        std::fs::create_dir_all(&out).unwrap();
        let written = format.write_in(&whole, as_of, &out, &tz).unwrap();
        // The SMS backup's messages file (its call log is a file of its own).
        let file = written.paths[0].to_str().unwrap();
        let me = written.user.as_str();

        let fast_db = out.join("fast.db");
        let mut args = vec!["report", file, "--me", me];
        args.extend(flags);
        let fast = walkaway(&fast_db, &args);

        let slow_db = out.join("slow.db");
        walkaway(
            &slow_db,
            &["import", file, "--me", me, "--tz", "Europe/Paris"],
        );
        let id = fast["chat"]["id"].as_str().unwrap().to_owned();
        let mut args = vec!["report", id.as_str()];
        args.extend(flags);
        let slow = walkaway(&slow_db, &args);
        assert!(
            fast == slow,
            "{name}: report FILE and import + report differ"
        );

        // The in-browser app, handed the same file (or the folder's files, by their paths
        // relative to the folder's parent, as a browser hands a dropped folder), reports the same.
        let path = &written.paths[0];
        let base = path.parent().unwrap();
        // signal-export names the chat by its folder.
        let base = if format == Format::Signal {
            base.parent().unwrap()
        } else {
            base
        };
        let mut session = Session::new();
        let mut stack = vec![path.clone()];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            session.add(FileIn {
                name: p.strip_prefix(base).unwrap().to_str().unwrap().to_owned(),
                bytes: std::fs::read(&p).unwrap(),
                modified: None,
            });
        }
        let app = session
            .report(&ReportOptions {
                tz: "Europe/Paris".into(),
                me: Some(me.to_owned()),
                stepback: Some("2026-10-01".into()),
                as_of: Some("2026-10-31".into()),
                ..ReportOptions::default()
            })
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut app: Value = serde_json::from_str(&app.json).unwrap();
        if format == Format::Signal {
            // A known difference, not fixed here: the app reads a dropped folder as a zip of
            // what is inside it (walkaway-web's folder_as_zip), so signal-export's chat.md loses
            // the folder that names the chat and the app titles it by its people. Pinned, so
            // that this test says when it changes.
            assert_eq!(app["chat"]["title"], "Me, Zoë Martin", "{name}");
            assert_eq!(fast["chat"]["title"], "Zoë Martin", "{name}");
            app["chat"]["title"] = fast["chat"]["title"].clone();
        }
        if app != fast {
            let keys: Vec<&String> = fast
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| app.get(k.as_str()) != fast.get(k.as_str()))
                .collect();
            panic!(
                "{name}: the app and report FILE differ in {keys:?}: {} / {}",
                keys.first()
                    .map_or(Value::Null, |k| app[k.as_str()].clone()),
                keys.first()
                    .map_or(Value::Null, |k| fast[k.as_str()].clone())
            );
        }

        // The figures are the history's as the format holds it (the SMS file without calls).
        let expected = format.expected_in(&whole, &tz);
        let cfg = Config::new(0, Some(1), as_of);
        let a = analyze_full(&expected.events, &expected.people, &cfg, &[]).unwrap();
        let (me, partner) = (
            fast["me"].as_str().unwrap(),
            fast["partner"].as_str().unwrap(),
        );
        assert_eq!(me, written.user, "{name}");
        assert_eq!(partner, written.partner, "{name}");
        assert_eq!(fast["messages"]["total"], a.base.messages.total, "{name}");
        assert_eq!(fast["messages"]["by"][me], a.base.messages.by[0], "{name}");
        assert_eq!(
            fast["messages"]["by"][partner], a.base.messages.by[1],
            "{name}"
        );
        assert_eq!(
            fast["conversations"]["count"], a.base.conversations.count as u64,
            "{name}"
        );
        assert_eq!(
            fast["conversations"]["opened_by"][partner], a.base.conversations.opened_by[1],
            "{name}"
        );
    }
}

/// `walkaway import FOLDER` on a folder that is one export, as the user has it: Telegram's
/// export folder (`result.json` beside its media folders), a Messages folder (`chat.db` beside
/// `Attachments`), Facebook's "download your information" (its profile folder beside
/// `your_facebook_activity`). Each is one chat with the history's messages; none is split into
/// its subfolders (which hold no chat, and failed the whole import).
#[test]
fn an_export_folder_imports_as_one_export() {
    let dir = tempfile::tempdir().unwrap();
    let sim = generate(&presets::validation_params(5, Scenario::AsBefore));
    let whole = formats::with_seconds(&sim.chat);
    let as_of = sim.truth.as_of;
    for format in [Format::Telegram, Format::IMessage, Format::Messenger] {
        let name = format.name();
        let out = dir.path().join(name);
        std::fs::create_dir_all(&out).unwrap();
        let written = format.write(&whole, as_of, &out).unwrap();
        let folder = if written.paths[0].is_dir() {
            written.paths[0].clone()
        } else {
            written.paths[0].parent().unwrap().to_path_buf()
        };
        // The media the apps put beside the data.
        let media = folder.join(match format {
            Format::IMessage => "Attachments/0a/10",
            Format::Telegram => "photos",
            _ => "your_facebook_activity/messages/photos",
        });
        std::fs::create_dir_all(&media).unwrap();
        std::fs::write(
            media.join("IMG_0001.jpg"),
            b"\xff\xd8\xff\xe0 not really a photo",
        )
        .unwrap();

        let db = out.join("w.db");
        walkaway(&db, &["import", folder.to_str().unwrap()]);
        let chats = walkaway(&db, &["chats", "--json"]);
        let chats = chats.as_array().unwrap();
        assert_eq!(chats.len(), 1, "{name}: {chats:?}");
        let expected = format.expected(&whole);
        let messages = expected
            .events
            .iter()
            .filter(|e| e.kind.is_message())
            .count();
        assert_eq!(
            chats[0]["messages"], messages as u64,
            "{name}: {:?}",
            chats[0]
        );
    }
}
