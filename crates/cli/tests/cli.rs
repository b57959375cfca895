//! End-to-end tests of the `walkaway` binary: what a user types, what they see.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn demo() -> PathBuf {
    root().join("examples/demo")
}

fn demo_chat() -> PathBuf {
    demo().join("WhatsApp Chat with Sam.txt")
}

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn db(&self) -> PathBuf {
        self.dir.path().join("w.db")
    }
    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("walkaway").unwrap();
        c.env("WALKAWAY_DB", self.db())
            .env("TZ", "UTC")
            .env("NO_COLOR", "1")
            .env_remove("WALKAWAY_CORPUS");
        c
    }
    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
    fn json(&self, args: &[&str]) -> Value {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

const DEMO_ARGS: [&str; 6] = [
    "--tz",
    "UTC",
    "--as-of",
    "2026-10-31",
    "--instagram",
    "sam.rivera",
];

#[test]
fn json_report_keeps_the_contract() {
    let env = Env::new();
    let demo = demo();
    let mut args = vec![
        "report",
        demo.to_str().unwrap(),
        "--json",
        "--stepback",
        "2026-10-01",
    ];
    args.extend(DEMO_ARGS);
    let v = env.json(&args);
    // The names PRODUCT.md fixes for schema_version 1.
    assert_eq!(v["schema_version"], 1);
    for k in ["id", "title", "sources"] {
        assert!(!v["chat"][k].is_null(), "chat.{k}");
    }
    assert_eq!(v["chat"]["sources"][0], "whatsapp");
    assert_eq!(v["me"], "Alex");
    assert_eq!(v["partner"], "Sam");
    assert_eq!(v["participants"], serde_json::json!(["Alex", "Sam"]));
    let total = v["messages"]["total"].as_u64().unwrap();
    let by: u64 = ["Alex", "Sam"]
        .iter()
        .map(|n| v["messages"]["by"][n].as_u64().unwrap())
        .sum();
    assert_eq!(total, by);
    assert!(v["conversations"]["gap_seconds"].as_i64().unwrap() >= 30 * 60);
    let convs = v["conversations"]["count"].as_u64().unwrap();
    let opened: u64 = ["Alex", "Sam"]
        .iter()
        .map(|n| v["conversations"]["opened_by"][n].as_u64().unwrap())
        .sum();
    assert_eq!(convs, opened);
    for n in ["Alex", "Sam"] {
        let r = &v["replies"][n];
        assert!(r["count"].as_u64().unwrap() > 0);
        let med = r["median_seconds"].as_f64().unwrap();
        let ci = r["ci95_seconds"].as_array().unwrap();
        assert!(ci[0].as_f64().unwrap() <= med && med <= ci[1].as_f64().unwrap());
        let rate = r["reply_rate"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&rate));
    }
    let ebi = v["balance"]["effort_balance_index"].as_f64().unwrap();
    let ci = v["balance"]["ci95"].as_array().unwrap();
    assert!(ci[0].as_f64().unwrap() <= ebi && ebi <= ci[1].as_f64().unwrap());
    assert!(ebi > 0.2, "the demo has a visible imbalance, got {ebi}");
    let band = v["balance"]["band"].as_str().unwrap();
    assert!(
        ["balanced", "moderate_imbalance", "strong_imbalance"].contains(&band),
        "band vocabulary: {band}"
    );
    let f = &v["forecast"];
    for k in [
        "partner_reach_out_median_hours",
        "ci95_hours",
        "silences",
        "partner_reach_outs",
    ] {
        assert!(f.get(k).is_some(), "forecast.{k}");
    }
    let s = &v["stepback"];
    assert_eq!(s["date"], "2026-10-01");
    for k in [
        "outcome",
        "compared_to_usual",
        "first_reach_out_hours",
        "breaches",
    ] {
        assert!(s.get(k).is_some(), "stepback.{k}");
    }
    let outcomes = [
        "plan_not_kept",
        "monitoring",
        "pursuit_intensified",
        "reached_out",
        "replied_only",
        "no_contact",
        "still_open",
    ];
    assert!(outcomes.contains(&s["outcome"].as_str().unwrap()));
    assert!(
        ["insufficient_history", "sooner", "later", "as_usual"]
            .contains(&s["compared_to_usual"].as_str().unwrap())
    );
    // The weekly series sums to the totals.
    let weekly = v["weekly"].as_array().unwrap();
    let weekly_msgs: u64 = weekly.iter().map(|w| w["messages"].as_u64().unwrap()).sum();
    assert_eq!(weekly_msgs, total);
    let weekly_opens: u64 = weekly.iter().map(|w| w["openings"].as_u64().unwrap()).sum();
    assert_eq!(weekly_opens, convs);
    // The whole document round-trips through the wire types with deny_unknown_fields.
    let wire: walkaway_report::json::Report = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(serde_json::to_value(&wire).unwrap(), v);
}

#[test]
fn reimport_adds_nothing_and_a_longer_export_adds_exactly_the_new_messages() {
    let env = Env::new();
    let full = std::fs::read_to_string(demo_chat()).unwrap();
    let lines: Vec<&str> = full.lines().collect();
    let cut = lines.len() * 2 / 3;
    // Cut at a message header so the shorter file is a true prefix export.
    let cut = (cut..lines.len())
        .find(|&i| lines[i].starts_with(|c: char| c.is_ascii_digit()))
        .unwrap();
    let short = env.file(
        "WhatsApp Chat with Sam (old).txt",
        (lines[..cut].join("\n") + "\n").as_bytes(),
    );
    let out = env
        .cmd()
        .args(["import", short.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(first.contains("already present"), "{first}");
    let again = env
        .cmd()
        .args(["import", short.to_str().unwrap()])
        .output()
        .unwrap();
    let again = String::from_utf8_lossy(&again.stdout).to_string();
    assert!(again.contains(" 0 added"), "{again}");
    // The full export under a different name is the same chat: only the tail is new.
    let out = env
        .cmd()
        .args(["import", demo_chat().to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!text.contains("(new)"), "{text}");
    let chats = env.json(&["chats", "--json"]);
    assert_eq!(chats.as_array().unwrap().len(), 1);
    let once = Env::new();
    once.cmd()
        .args(["import", demo_chat().to_str().unwrap()])
        .assert()
        .success();
    let direct = once.json(&["chats", "--json"]);
    assert_eq!(chats[0]["messages"], direct[0]["messages"]);
    assert_eq!(
        chats[0]["id"], direct[0]["id"],
        "chat ids are stable across databases"
    );
}

#[test]
fn bad_input_exits_1_names_the_file_and_changes_nothing() {
    let env = Env::new();
    env.cmd()
        .args(["import", demo_chat().to_str().unwrap()])
        .assert()
        .success();
    let before = env.json(&["chats", "--json"]);
    let random: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("random.bin", random),
        ("empty.txt", Vec::new()),
        ("fake.zip", b"PK\x03\x04 this is not really a zip".to_vec()),
        ("notes.txt", b"shopping list\nmilk\neggs\n".to_vec()),
        ("other.json", br#"{"messages": [{"text": "hi"}]}"#.to_vec()),
    ];
    for (name, bytes) in cases {
        let p = env.file(name, &bytes);
        let out = env
            .cmd()
            .args(["import", p.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(name), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
    let missing = env.dir.path().join("nope.txt");
    let out = env
        .cmd()
        .args(["import", missing.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.txt"));
    // A truncated zip of a real export.
    let out = env.cmd().args(["report", "nosuchchat"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(env.json(&["chats", "--json"]), before);
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    env.cmd().args(["report", "--window"]).assert().code(2);
    env.cmd().arg("frobnicate").assert().code(2);
    env.cmd()
        .args(["report", "--stepback", "2026-13-45"])
        .assert()
        .code(1);
}

#[test]
fn me_is_inferred_or_asked_for() {
    let env = Env::new();
    // No "You deleted this message" line: the export does not say who the user is.
    let p = env.file(
        "WhatsApp Chat with Kim.txt",
        "1/5/26, 9:00 AM - Lee: hi\n1/5/26, 9:05 AM - Kim: hey\n1/5/26, 9:06 AM - Lee: how are you?\n".as_bytes(),
    );
    let out = env
        .cmd()
        .args(["report", p.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--me") && err.contains("\"Lee\"") && err.contains("\"Kim\""),
        "{err}"
    );
    let out = env
        .cmd()
        .args(["report", p.to_str().unwrap(), "--me", "Nobody"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    env.cmd()
        .args(["report", p.to_str().unwrap(), "--me", "lee"])
        .assert()
        .success();
    // Remembered for the chat.
    env.cmd().args(["report"]).assert().success();
    // The demo export says who the user is ("You deleted this message" under Alex).
    let v = env.json(&["report", demo_chat().to_str().unwrap(), "--json"]);
    assert_eq!(v["me"], "Alex");
    // Two chats now: report without a target lists them.
    let out = env.cmd().args(["report"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 chats"));
}

#[test]
fn plan_lifecycle() {
    let env = Env::new();
    // A folder imports every export in it: the chat and the Instagram activity.
    let out = env
        .cmd()
        .args(["import", demo().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("whatsapp") && text.contains("instagram likes and comments"),
        "{text}"
    );
    env.cmd().args(["plan", "status"]).assert().code(1);
    env.cmd()
        .args(["plan", "start", "2026-10-01", "--instagram", "@Sam.Rivera"])
        .assert()
        .success();
    let v = env.json(&[
        "plan",
        "status",
        "--json",
        "--as-of",
        "2026-10-31",
        "--tz",
        "UTC",
    ]);
    assert_eq!(v["stepback"]["date"], "2026-10-01");
    let likes = v["stepback"]["breach_list"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["kind"] == "liked_or_commented")
        .count();
    assert!(
        likes > 0,
        "likes on sam.rivera's posts after the start are breaches"
    );
    env.cmd()
        .args(["plan", "end", "--on", "2026-10-31"])
        .assert()
        .success();
    env.cmd().args(["plan", "status"]).assert().code(1);
}

#[test]
fn text_report_answers_first_and_has_no_colour_when_piped() {
    let env = Env::new();
    let demo = demo();
    let mut args = vec!["report", demo.to_str().unwrap(), "--stepback", "2026-10-01"];
    args.extend(DEMO_ARGS);
    let out = env.cmd().args(&args).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'));
    let two = text.find("IS IT TWO-SIDED?").unwrap();
    let quiet = text.find("IF YOU GO QUIET").unwrap();
    let step = text.find("STEP-BACK FROM 1 OCT 2026").unwrap();
    assert!(two < quiet && quiet < step);
    assert!(text.contains("One before/after episode cannot prove"));
    // The trap: never "he now opens X%" as evidence.
    assert!(!text.to_lowercase().contains("now opens"));
}

#[test]
fn html_report_is_self_contained() {
    let env = Env::new();
    let html = env.dir.path().join("r.html");
    let demo = demo();
    let mut args = vec![
        "report",
        demo.to_str().unwrap(),
        "--stepback",
        "2026-10-01",
        "--html",
        html.to_str().unwrap(),
    ];
    args.extend(DEMO_ARGS);
    env.cmd().args(&args).assert().success();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!doctype html>"));
    assert!(page.contains("Content-Security-Policy"));
    for remote in ["http://", "https://", "<script", "src="] {
        assert!(!page.contains(remote), "{remote} in the HTML report");
    }
}

#[cfg(unix)]
#[test]
fn database_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.cmd()
        .args(["import", demo_chat().to_str().unwrap()])
        .assert()
        .success();
    let mode = std::fs::metadata(env.db()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

/// `report FILE` on a new chat analyses the parsed events while the database commits; it must
/// print exactly what importing first and reporting from the database prints.
#[test]
fn overlapped_report_equals_report_from_the_database() {
    let chat = demo_chat();
    let chat = chat.to_str().unwrap();
    for extra in [
        vec!["--stepback", "2026-10-01", "--as-of", "2026-10-31"],
        vec![],
    ] {
        let fast = Env::new();
        let mut args = vec!["report", chat, "--json", "--tz", "Europe/Berlin"];
        args.extend(extra.iter().copied());
        let a = fast.json(&args);
        let slow = Env::new();
        slow.cmd()
            .args(["import", chat, "--tz", "Europe/Berlin"])
            .assert()
            .success();
        let id = a["chat"]["id"].as_str().unwrap().to_string();
        let mut args = vec!["report", id.as_str(), "--json", "--tz", "Europe/Berlin"];
        args.extend(extra.iter().copied());
        let b = slow.json(&args);
        assert_eq!(a, b, "with {extra:?}");
    }
}

/// Regression: WhatsApp times have no zone, so the same export read in another zone has other
/// instants. Re-importing it with a different --tz must not double the chat; it is refused with
/// both zones named, and nothing is stored.
#[test]
fn reimport_in_another_zone_is_refused_not_doubled() {
    let env = Env::new();
    let chat = demo_chat();
    let chat = chat.to_str().unwrap();
    env.cmd()
        .args(["import", chat, "--tz", "UTC"])
        .assert()
        .success();
    let before = env.json(&["chats", "--json"]);
    let out = env
        .cmd()
        .args(["import", chat, "--tz", "Europe/Berlin"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("UTC") && err.contains("Europe/Berlin"),
        "{err}"
    );
    assert_eq!(env.json(&["chats", "--json"]), before);
    // The same zone again is fine (and adds nothing).
    env.cmd()
        .args(["import", chat, "--tz", "UTC"])
        .assert()
        .success();
    assert_eq!(env.json(&["chats", "--json"]), before);
}
