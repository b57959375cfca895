//! `people`, `link`, `unlink` and `report PERSON` end to end: one relationship on WhatsApp and
//! Telegram, linked by the user, reported as one person.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("walkaway").unwrap();
        c.env("WALKAWAY_DB", self.dir.path().join("w.db"))
            .env("TZ", "UTC")
            .env("NO_COLOR", "1");
        c
    }
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
    fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }
    fn usage_error(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        String::from_utf8(out.stderr).unwrap()
    }
}

/// WhatsApp in January 2026 (Android, 24 h).
const WHATSAPP: &str = "\
01/01/2026, 10:00 - Alex: good morning
01/01/2026, 10:05 - Sam: morning!
01/02/2026, 18:00 - Sam: dinner?
01/02/2026, 18:02 - Alex: yes
01/05/2026, 09:00 - Alex: how was work
01/05/2026, 09:30 - Sam: long
";

/// Telegram in February 2026, Sam under another name; its first message is a copy of the last
/// WhatsApp one (the same message seen in two apps).
fn telegram(sam: &str) -> String {
    let msg = |id: u32, unix: i64, from: &str, from_id: &str, text: &str| {
        format!(
            r#"{{"id": {id}, "type": "message", "date_unixtime": "{unix}", "from": "{from}", "from_id": "{from_id}", "text": "{text}"}}"#
        )
    };
    // 2026-01-05T09:30:30Z, 2026-02-01T12:00Z, +10 min, 2026-02-03T08:00Z.
    let list = [
        msg(1, 1_767_605_430, sam, "user4242", "long"),
        msg(2, 1_769_947_200, sam, "user4242", "new app, who dis"),
        msg(3, 1_769_947_800, "Alex K", "user1111", "haha hi"),
        msg(4, 1_770_105_600, "Alex K", "user1111", "coffee?"),
    ];
    format!(
        r#"{{"name": "{sam}", "type": "personal_chat", "id": 4242, "messages": [{}]}}"#,
        list.join(",\n")
    )
}

fn setup(env: &Env, tg_name: &str) {
    let wa = env.file("WhatsApp Chat with Sam.txt", WHATSAPP);
    // Exported the day after its last message: its data ends there.
    let t: std::time::SystemTime = "2026-01-06T00:00:00Z"
        .parse::<jiff::Timestamp>()
        .unwrap()
        .into();
    std::fs::File::options()
        .write(true)
        .open(&wa)
        .unwrap()
        .set_modified(t)
        .unwrap();
    let tg = env.file("result.json", &telegram(tg_name));
    env.ok(&[
        "import",
        wa.to_str().unwrap(),
        "--me",
        "Alex",
        "--tz",
        "UTC",
        "--date-order",
        "mdy",
    ]);
    env.ok(&["import", tg.to_str().unwrap(), "--me", "Alex K"]);
}

fn handles(p: &Value) -> Vec<String> {
    p["handles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{}:{}",
                h["source"].as_str().unwrap(),
                h["handle"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn people_link_and_report_person_end_to_end() {
    let env = Env::new();
    setup(&env, "Sam Park");
    let people = env.json(&["people", "--json"]);
    let people = people.as_array().unwrap();
    assert_eq!(people.len(), 2, "{people:?}");
    let wa = people.iter().find(|p| p["person"] == "Sam").unwrap();
    let tg = people.iter().find(|p| p["person"] == "Sam Park").unwrap();
    assert_eq!(handles(wa), vec!["whatsapp:Sam"]);
    let tg_handle = handles(tg).remove(0);
    assert!(tg_handle.starts_with("telegram:"), "{tg_handle}");
    assert!(wa["id"].as_str().unwrap().starts_with('p'));

    // Before linking, `report Sam` is the WhatsApp chat alone.
    let v = env.json(&["report", "Sam", "--json", "--tz", "UTC"]);
    assert!(v.get("person").is_none());
    assert_eq!(v["messages"]["total"], 6);

    let out = env.ok(&["link", "Sam", &tg_handle]);
    assert!(out.contains("linked"), "{out}");
    let people = env.json(&["people", "--json"]);
    assert_eq!(people.as_array().unwrap().len(), 1);
    assert_eq!(
        handles(&people[0]),
        vec!["whatsapp:Sam".to_string(), tg_handle.clone()]
    );

    let v = env.json(&[
        "report",
        "Sam",
        "--json",
        "--tz",
        "UTC",
        "--as-of",
        "2026-02-10",
    ]);
    assert_eq!(v["person"]["name"], "Sam");
    assert_eq!(v["person"]["handles"].as_array().unwrap().len(), 2);
    assert_eq!(
        v["chat"]["sources"],
        serde_json::json!(["whatsapp", "telegram"])
    );
    assert_eq!(v["me"], "Alex");
    assert_eq!(v["partner"], "Sam");
    // 6 WhatsApp + 4 Telegram messages, one of them a copy.
    assert_eq!(v["messages"]["total"], 9);
    assert_eq!(v["coverage"]["duplicates"], 1);
    let sources = v["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[0]["source"], "whatsapp");
    assert_eq!(sources[0]["messages"], 6);
    assert_eq!(sources[1]["messages"], 3);
    assert_eq!(sources[1]["duplicates"], 1);
    assert_eq!(sources[0]["first_event"], "2026-01-01T10:00");
    // WhatsApp's data ends before --as-of, Telegram starts after WhatsApp: both are gaps.
    let gaps = v["coverage"]["gaps"].as_array().unwrap();
    let kinds: Vec<(&str, &str)> = gaps
        .iter()
        .map(|g| (g["source"].as_str().unwrap(), g["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("telegram", "before_first_event"),
            ("whatsapp", "after_data_end")
        ]
    );
    assert!(
        v["coverage"]["silences_possibly_missing_data"]
            .as_u64()
            .unwrap()
            >= 1
    );

    // The text report says what each source covers.
    let text = env.ok(&["report", "Sam", "--tz", "UTC", "--as-of", "2026-02-10"]);
    assert!(text.contains("Sources: WhatsApp 1 Jan–6 Jan 2026 (6 messages), Telegram 5 Jan–10 Feb 2026 (3 messages)"), "{text}");
    assert!(text.contains("not counted as waiting"), "{text}");

    // Unlinking restores two people.
    env.ok(&["unlink", "Sam", &tg_handle]);
    assert_eq!(env.json(&["people", "--json"]).as_array().unwrap().len(), 2);
}

#[test]
fn ambiguous_names_and_bad_handles_are_usage_errors() {
    let env = Env::new();
    setup(&env, "Sam");
    let people = env.json(&["people", "--json"]);
    let tg = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| handles(p)[0].starts_with("telegram:"))
        .unwrap()
        .clone();
    // Same display name in two sources: suggested, not merged.
    let wa = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| handles(p)[0] == "whatsapp:Sam")
        .unwrap();
    assert_eq!(wa["suggestions"][0]["source"], "telegram");
    assert!(
        wa["suggestions"][0]["why"]
            .as_str()
            .unwrap()
            .contains("same display name")
    );
    let tg_handle = handles(&tg).remove(0);
    let err = env.usage_error(&["link", "Sam", &tg_handle]);
    assert!(err.contains("names 2 people"), "{err}");
    assert!(err.contains(tg["id"].as_str().unwrap()), "{err}");
    let err = env.usage_error(&["link", wa["id"].as_str().unwrap(), "kik:sam"]);
    assert!(err.contains("HANDLE") && err.contains("kik:sam"), "{err}");
    let err = env.usage_error(&["link", wa["id"].as_str().unwrap(), "sms:+15550001111"]);
    assert!(err.contains("sms:+15550001111"), "{err}");
    let err = env.usage_error(&["link", "Nobody", "sms:+15550001111"]);
    assert!(err.contains("no person 'Nobody'"), "{err}");
    let err = env.usage_error(&["link", wa["id"].as_str().unwrap(), "whatsapp:Alex"]);
    assert!(err.contains("is you"), "{err}");
    // By id it works, and `report` by the person's id merges.
    env.ok(&["link", wa["id"].as_str().unwrap(), &tg_handle]);
    let v = env.json(&[
        "report",
        wa["id"].as_str().unwrap(),
        "--json",
        "--tz",
        "UTC",
    ]);
    assert_eq!(v["chat"]["sources"].as_array().unwrap().len(), 2);
}

/// SMS Backup & Restore: messages with Sam, and a call log of Sam's calls alone.
const SMS: &str = r#"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<smses count="2">
  <sms protocol="0" address="+1 555 000 1111" date="1767780000000" type="1" body="are you free tonight?" contact_name="Sam" />
  <sms protocol="0" address="+15550001111" date="1767780600000" type="2" body="maybe later" contact_name="Sam" />
</smses>
"#;
const CALLS: &str = r#"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<calls count="2">
  <call number="+15550001111" duration="0" date="1767790000000" type="3" contact_name="Sam" />
  <call number="+15550001111" duration="120" date="1767790300000" type="1" contact_name="Sam" />
</calls>
"#;

#[test]
fn whatsapp_sms_and_the_call_log_are_one_person() {
    // Issue 8: a relationship over WhatsApp and SMS with its call log. The call log holds only
    // Sam's calls (a chat with one sender); it still belongs to Sam's report.
    let env = Env::new();
    let wa = env.file("WhatsApp Chat with Sam.txt", WHATSAPP);
    let sms = env.file("sms-1.xml", SMS);
    let calls = env.file("calls-1.xml", CALLS);
    for f in [&wa, &sms, &calls] {
        env.ok(&["import", f.to_str().unwrap(), "--tz", "UTC"]);
    }
    let people = env.json(&["people", "--json"]);
    let sam = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["handles"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["handle"] == "+15550001111")
        })
        .unwrap();
    let id = sam["id"].as_str().unwrap().to_owned();
    env.ok(&["link", &id, "whatsapp:Sam"]);
    let r = env.json(&[
        "report",
        &id,
        "--json",
        "--tz",
        "UTC",
        "--as-of",
        "2026-06-30",
    ]);
    let sources: Vec<&str> = r["chat"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        sources.contains(&"whatsapp") && sources.contains(&"sms"),
        "{sources:?}"
    );
    assert_eq!(r["calls"]["has_call_data"], true);
    assert_eq!(
        r["calls"]["by"][r["partner"].as_str().unwrap()]["placed"],
        2
    );
    assert_eq!(r["messages"]["total"], 8);
}

/// A phone's "SMS Backup & Restore" folder: the messages and the call log side by side, given
/// as the folder; a README in the folder is not an export and is not tried.
#[test]
fn an_sms_backup_folder_imports_messages_and_calls_and_forget_removes_them() {
    let env = Env::new();
    let dir = env.dir.path().join("SMSBackup");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("sms-20260101.xml"),
        r#"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<smses count="3">
  <sms protocol="0" address="+15550001111" date="1767261600000" type="1" body="hey are you up" read="1" status="-1" contact_name="Sam" />
  <sms protocol="0" address="+15550001111" date="1767261660000" type="2" body="yes" read="1" status="-1" contact_name="Sam" />
  <sms protocol="0" address="+15550001111" date="1767265200000" type="1" body="call me" read="1" status="-1" contact_name="Sam" />
</smses>
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("calls-20260101.xml"),
        r#"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<calls count="2">
  <call number="+15550001111" duration="0" date="1767265300000" type="3" contact_name="Sam" />
  <call number="+15550001111" duration="120" date="1767265400000" type="1" contact_name="Sam" />
</calls>
"#,
    )
    .unwrap();
    std::fs::write(dir.join("README.md"), "# my backups\n").unwrap();
    // The backup app's own settings file: not an export, named and passed over.
    std::fs::write(
        dir.join("prefs.xml"),
        "<?xml version=\"1.0\"?><settings/>\n",
    )
    .unwrap();
    let out = env
        .cmd()
        .args(["import", dir.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("README"), "{stderr}");
    assert!(
        stderr.contains("skipped") && stderr.contains("prefs.xml"),
        "{stderr}"
    );
    let report = env.json(&["report", "Sam", "--json"]);
    assert_eq!(report["messages"]["total"], 3, "{report}");
    assert_eq!(report["calls"]["has_call_data"], true);
    assert_eq!(report["calls"]["by"]["Sam"]["placed"], 2);

    // Shown, not deleted, without --yes; deleted with it.
    let shown = env.ok(&["forget", "Sam"]);
    assert!(shown.contains("Nothing was deleted"), "{shown}");
    assert_eq!(
        env.json(&["report", "Sam", "--json"])["messages"]["total"],
        3
    );
    let done = env.ok(&["forget", "Sam", "--yes"]);
    assert!(done.contains("forgot Sam"), "{done}");
    let err = env.usage_error(&["forget", "Sam"]);
    assert!(err.contains("no chat or person"), "{err}");
    let db = std::fs::read(env.dir.path().join("w.db")).unwrap();
    assert!(!db.windows(14).any(|w| w == b"hey are you up"));
}
