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
}

impl Env {
    /// Runs `args`, expects exit code `code` and returns stderr.
    fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.cmd().args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        err
    }
}

/// Every invalid flag value is a usage error (exit 2) naming the flag and what it accepts,
/// found before anything is read: these run on an empty database.
#[test]
fn invalid_flag_values_exit_2_naming_the_flag_and_the_range() {
    let env = Env::new();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["report", "--tz", "Europe/Londn"],
            &["--tz", "Europe/London"],
        ),
        (
            &["report", "--stepback", "2026-10-01", "--window", "0"],
            &["--window", "1", "365"],
        ),
        (&["report", "--gap", "0"], &["--gap", "1", "10080"]),
        (
            &["report", "--stepback", "2026-10-01", "--fast-reply", "0"],
            &["--fast-reply", "1", "1440"],
        ),
        (
            &["report", "--as-of", "2026-13-01"],
            &["--as-of", "2026-13-01", "YYYY-MM-DD"],
        ),
        (
            &["report", "--date-order", "xyz"],
            &["--date-order", "dmy", "mdy", "ymd"],
        ),
        (
            &["report", "--stepback", "2026-13-45"],
            &["--stepback", "2026-13-45"],
        ),
        (&["import", "x.txt", "--tz", "Mars/Olympus"], &["--tz"]),
        (
            &["import", "x.txt", "--date-order", "abc"],
            &["--date-order"],
        ),
        (&["plan", "start", "2026-02-30"], &["DATE", "2026-02-30"]),
        (
            &["plan", "start", "2026-10-01", "--window", "0"],
            &["--window", "365"],
        ),
        (
            &["plan", "start", "2026-10-01", "--fast-reply", "99999"],
            &["--fast-reply", "1440"],
        ),
        (&["plan", "status", "--as-of", "yesterday"], &["--as-of"]),
        (&["plan", "end", "--on", "2026-1-1"], &["--on"]),
    ];
    for (args, words) in cases {
        let err = env.fails(args, 2);
        for w in *words {
            assert!(err.contains(w), "{args:?}: {w:?} not in {err}");
        }
        assert!(!err.contains("caused by"), "{args:?}: {err}");
    }
    // Nothing was created by a refused command.
    assert!(!env.db().exists());
}

/// An error whose message already contains its cause is printed once, not as
/// "...(os error 20): ...(os error 20)".
#[test]
fn error_causes_are_not_printed_twice() {
    let env = Env::new();
    let file = env.file("plain", b"not a folder");
    let db = file.join("w.db");
    let out = env
        .cmd()
        .args(["chats", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("os error").count(), 1, "{err}");
    assert!(err.contains("w.db"), "{err}");
}

/// A small chat whose file was saved `mtime` (RFC 3339) after its last message (2026-01-05).
fn small_chat(env: &Env, name: &str, mtime: &str) -> PathBuf {
    let p = env.file(
        name,
        "1/5/26, 9:00 AM - Lee: hi\n1/5/26, 9:05 AM - Kim: hey\n1/5/26, 9:06 AM - Lee: how are you?\n"
            .as_bytes(),
    );
    let t: std::time::SystemTime = mtime.parse::<jiff::Timestamp>().unwrap().into();
    std::fs::File::options()
        .write(true)
        .open(&p)
        .unwrap()
        .set_modified(t)
        .unwrap();
    p
}

/// METRICS.md "Data end": --as-of, the export's own time, the file's modification time, the
/// last event; the report says which, and both report paths agree.
#[test]
fn data_end_and_its_source_are_reported() {
    let cases = [
        (
            "2026-01-10T12:00:00Z",
            &[][..],
            "2026-01-10T12:00:00Z",
            "file_modified",
        ),
        (
            "2026-01-01T00:00:00Z",
            &[][..],
            "2026-01-05T09:06:00Z",
            "last_event",
        ),
        (
            "2026-01-10T12:00:00Z",
            &["--as-of", "2026-01-07"][..],
            "2026-01-08T00:00:00Z",
            "as_of_flag",
        ),
    ];
    for (mtime, extra, as_of, source) in cases {
        let fast = Env::new();
        let p = small_chat(&fast, "WhatsApp Chat with Kim.txt", mtime);
        let mut args = vec![
            "report",
            p.to_str().unwrap(),
            "--json",
            "--me",
            "Lee",
            "--tz",
            "UTC",
            "--date-order",
            "mdy",
        ];
        args.extend(extra);
        let a = fast.json(&args);
        assert_eq!(a["parameters"]["as_of"], as_of, "{mtime} {extra:?}");
        assert_eq!(a["parameters"]["as_of_source"], source, "{mtime} {extra:?}");
        // The same from the database.
        let slow = Env::new();
        let p = small_chat(&slow, "WhatsApp Chat with Kim.txt", mtime);
        slow.cmd()
            .args([
                "import",
                p.to_str().unwrap(),
                "--me",
                "Lee",
                "--tz",
                "UTC",
                "--date-order",
                "mdy",
            ])
            .assert()
            .success();
        let mut args = vec!["report", "--json", "--tz", "UTC"];
        args.extend(extra);
        assert_eq!(slow.json(&args), a, "{mtime} {extra:?}");
    }
    let help = Env::new()
        .cmd()
        .args(["report", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(!help.contains("the export's end"), "{help}");
    assert!(help.contains("modification time"), "{help}");
}

/// --as-of and --stepback must fall inside the data: before the first event (or after today)
/// is a usage error naming the valid range.
#[test]
fn dates_outside_the_data_are_usage_errors() {
    let env = Env::new();
    env.cmd()
        .args(["import", demo_chat().to_str().unwrap(), "--tz", "UTC"])
        .assert()
        .success();
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::UTC)
        .date()
        .to_string();
    let err = env.fails(&["report", "--tz", "UTC", "--as-of", "2026-01-15"], 2);
    assert!(
        err.contains("--as-of") && err.contains("2026-02-01") && err.contains(&today),
        "{err}"
    );
    let err = env.fails(&["report", "--tz", "UTC", "--as-of", "2099-01-01"], 2);
    assert!(err.contains("--as-of") && err.contains(&today), "{err}");
    let err = env.fails(&["report", "--tz", "UTC", "--stepback", "2025-06-01"], 2);
    assert!(
        err.contains("--stepback") && err.contains("2026-02-01"),
        "{err}"
    );
    // Step-back settings without a step-back (and no plan).
    let err = env.fails(&["report", "--tz", "UTC", "--window", "3"], 2);
    assert!(
        err.contains("--window") && err.contains("--stepback"),
        "{err}"
    );
    // The first day itself is fine.
    env.cmd()
        .args([
            "report",
            "--tz",
            "UTC",
            "--stepback",
            "2026-02-01",
            "--as-of",
            "2026-02-01",
        ])
        .assert()
        .success();
    // The same checks on a chat the database has never seen (the overlapped path).
    let fresh = Env::new();
    let chat = demo_chat();
    let err = fresh.fails(
        &[
            "report",
            chat.to_str().unwrap(),
            "--tz",
            "UTC",
            "--as-of",
            "2020-01-01",
        ],
        2,
    );
    assert!(err.contains("2026-02-01"), "{err}");
}

#[test]
fn instagram_accounts_are_checked_against_the_imported_activity() {
    let env = Env::new();
    env.cmd()
        .args(["import", demo().to_str().unwrap(), "--tz", "UTC"])
        .assert()
        .success();
    let base = [
        "report",
        "--tz",
        "UTC",
        "--as-of",
        "2026-10-31",
        "--stepback",
        "2026-10-01",
    ];
    let mut args = base.to_vec();
    args.extend(["--instagram", "sam_rivera"]);
    let err = env.fails(&args, 2);
    assert!(
        err.contains("--instagram") && err.contains("sam_rivera"),
        "{err}"
    );
    let listed = err
        .find("sam.rivera")
        .expect("the closest account is listed");
    let other = err
        .find("marcos.trails")
        .expect("the others are listed too");
    assert!(listed < other, "closest first: {err}");
    // Normalised like the accounts themselves.
    let mut args = base.to_vec();
    args.extend(["--instagram", "@Sam.Rivera"]);
    env.cmd().args(&args).assert().success();
    env.fails(
        &["plan", "start", "2026-10-01", "--instagram", "sam_rivera"],
        2,
    );

    // Without any Instagram activity imported the rule is reported as not checked: no error.
    let chat_only = Env::new();
    chat_only
        .cmd()
        .args(["import", demo_chat().to_str().unwrap(), "--tz", "UTC"])
        .assert()
        .success();
    let mut args = base.to_vec();
    args.extend(["--instagram", "sam_rivera"]);
    chat_only.cmd().args(&args).assert().success();

    // Without a step-back or a plan, --instagram does nothing: say so, and succeed.
    let out = env
        .cmd()
        .args([
            "report",
            "--tz",
            "UTC",
            "--as-of",
            "2026-10-31",
            "--instagram",
            "sam.rivera",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--instagram") && err.contains("no effect"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn chats_json_shows_an_inferred_me() {
    let env = Env::new();
    env.cmd()
        .args(["import", demo_chat().to_str().unwrap()])
        .assert()
        .success();
    let v = env.json(&["chats", "--json"]);
    assert_eq!(v[0]["me"], "Alex");
    assert_eq!(v[0]["me_source"], "inferred");
    env.cmd().args(["report", "--me", "Sam"]).assert().success();
    let v = env.json(&["chats", "--json"]);
    assert_eq!(v[0]["me"], "Sam");
    assert_eq!(v[0]["me_source"], "set");
}

/// The "date order is ambiguous" warning of the import reaches the report (JSON `notes`), on
/// both report paths.
#[test]
fn import_warnings_reach_the_report() {
    let fast = Env::new();
    let p = small_chat(&fast, "WhatsApp Chat with Kim.txt", "2026-01-10T12:00:00Z");
    let a = fast.json(&[
        "report",
        p.to_str().unwrap(),
        "--json",
        "--me",
        "Lee",
        "--tz",
        "UTC",
    ]);
    let notes = a["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().unwrap().contains("date order is ambiguous")),
        "{notes:?}"
    );
    let id = a["chat"]["id"].as_str().unwrap();
    assert_eq!(fast.json(&["report", id, "--json", "--tz", "UTC"]), a);
    // An unambiguous export has none.
    let v = Env::new().json(&[
        "report",
        demo_chat().to_str().unwrap(),
        "--json",
        "--tz",
        "UTC",
    ]);
    assert_eq!(v["notes"], serde_json::json!([]));
}

#[test]
fn plans_keep_their_history() {
    let env = Env::new();
    env.cmd()
        .args(["import", demo().to_str().unwrap(), "--tz", "UTC"])
        .assert()
        .success();
    env.cmd()
        .args([
            "plan",
            "start",
            "2026-10-01",
            "--instagram",
            "sam.rivera",
            "--window",
            "10",
        ])
        .assert()
        .success();
    // A second start is refused and explains --replace; the first plan is untouched.
    let err = env.fails(&["plan", "start", "2026-10-05"], 2);
    assert!(
        err.contains("--replace") && err.contains("2026-10-01"),
        "{err}"
    );
    // Dates are checked against the data and the plan.
    let err = env.fails(&["plan", "start", "2025-01-01", "--replace"], 2);
    assert!(err.contains("2026-02-01"), "{err}");
    let err = env.fails(&["plan", "end", "--on", "2026-09-30"], 2);
    assert!(err.contains("2026-10-01"), "{err}");
    let out = env
        .cmd()
        .args(["plan", "start", "2026-10-20", "--replace"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("2026-10-19"),
        "the old plan's end is said: {text}"
    );
    // Both are listed, the old one with its end and its account.
    let out = env.cmd().args(["plan", "list"]).output().unwrap();
    assert!(out.status.success());
    let list = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = list.lines().filter(|l| l.contains("2026-10-")).collect();
    assert_eq!(rows.len(), 2, "{list}");
    assert!(
        rows[0].contains("2026-10-01") && rows[0].contains("2026-10-19"),
        "{list}"
    );
    assert!(
        rows[0].contains("sam.rivera") && rows[0].contains("10"),
        "{list}"
    );
    assert!(
        rows[1].contains("2026-10-20") && rows[1].contains("active"),
        "{list}"
    );
    let first_id = rows[0].split_whitespace().next().unwrap().to_string();
    // The ended plan's report again: its settings, its end as the data end.
    let v = env.json(&["plan", "show", &first_id, "--json", "--tz", "UTC"]);
    assert_eq!(v["stepback"]["date"], "2026-10-01");
    assert_eq!(v["stepback"]["window_days"], 10);
    assert_eq!(
        v["stepback"]["instagram_accounts"],
        serde_json::json!(["sam.rivera"])
    );
    assert_eq!(v["parameters"]["as_of"], "2026-10-20T00:00:00Z");
    env.fails(&["plan", "show", "999"], 1);
    // A start in the future is allowed, and said.
    let out = env
        .cmd()
        .args(["plan", "start", "2099-01-01", "--replace"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("future"));
}

#[test]
fn plan_status_is_short() {
    let env = Env::new();
    env.cmd()
        .args(["import", demo().to_str().unwrap(), "--tz", "UTC"])
        .assert()
        .success();
    env.cmd()
        .args(["plan", "start", "2026-10-20", "--instagram", "sam.rivera"])
        .assert()
        .success();
    let out = env
        .cmd()
        .args(["plan", "status", "--tz", "UTC", "--as-of", "2026-10-26"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().count() <= 10, "{text}");
    assert!(!text.contains("IS IT TWO-SIDED"), "{text}");
    for w in ["2026-10-20", "days kept", "breach", "Sam", "2026-11-03"] {
        assert!(text.contains(w), "{w:?} not in {text}");
    }
    // No data after the start yet.
    env.cmd()
        .args(["plan", "start", "2026-11-20", "--replace"])
        .assert()
        .success();
    let out = env
        .cmd()
        .args(["plan", "status", "--tz", "UTC", "--as-of", "2026-10-31"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("import a newer export"), "{text}");
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
    // An invalid flag value: a usage error.
    assert_eq!(out.status.code(), Some(2));
    // The same at import.
    let err = env.fails(&["import", p.to_str().unwrap(), "--me", "Nobody"], 2);
    assert!(err.contains("--me") && err.contains("Nobody"), "{err}");
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
