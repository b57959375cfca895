//! Crash safety (issue 10 §3): `walkaway import` killed with SIGKILL at random points, into a
//! database that already holds another chat and a plan. After every kill the database passes
//! `PRAGMA integrity_check`, the other chat and the plan are unchanged, the interrupted chat is
//! absent or complete, and a final import is exact.
//!
//! Runs `WALKAWAY_KILL_RUNS` kills (default 12, as CI runs it; docs/security.md records a
//! longer local run). The delays are drawn from a fixed seed (`WALKAWAY_KILL_SEED`) over the
//! length of one whole import, so the kills land all through it: while parsing, writing and
//! committing. Sleeping here is what is being tested (when the kill lands), not a wait for
//! something to happen.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use walkaway_store::Store;

const MESSAGES: usize = 150_000;

fn big_chat() -> String {
    let mut out = String::with_capacity(MESSAGES * 48);
    for i in 0..MESSAGES {
        let minute = i as u64;
        let (d, h, m) = (minute / 1440, (minute / 60) % 24, minute % 60);
        // 1 Jan 2024 onward, one message a minute, dates as M/D/YY.
        let day = jiff::civil::date(2024, 1, 1)
            .checked_add(jiff::Span::new().days(d as i64))
            .unwrap();
        let who = if i % 3 == 0 { "Sam" } else { "Alex" };
        out.push_str(&format!(
            "{}/{}/{:02}, {h:02}:{m:02} - {who}: message number {i}\n",
            day.month(),
            day.day(),
            day.year() % 100
        ));
    }
    out
}

fn walkaway(db: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_walkaway"));
    c.env("WALKAWAY_DB", db)
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// Everything that must survive a kill: the other chat's events and the plans.
fn snapshot(store: &Store, other: &str) -> (Vec<(i64, String)>, String) {
    let chat = store.load_chat(other).unwrap();
    let events = chat
        .events
        .iter_texts()
        .map(|(e, t)| (e.ts, t.to_owned()))
        .collect();
    (events, format!("{:?}", store.plans(None).unwrap()))
}

#[test]
fn sigkill_during_import_never_corrupts_or_leaves_half_a_chat() {
    let runs: u64 = std::env::var("WALKAWAY_KILL_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    let mut seed: u64 = std::env::var("WALKAWAY_KILL_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed);
    let first_seed = seed;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let big = dir.path().join("WhatsApp Chat with Sam.txt");
    std::fs::write(&big, big_chat()).unwrap();
    let other = dir.path().join("WhatsApp Chat with Kim.txt");
    std::fs::write(
        &other,
        "1/13/24, 10:00 - Kim: hi\n1/13/24, 10:01 - Alex: hello\n1/14/24, 09:00 - Kim: coffee?\n",
    )
    .unwrap();
    assert!(
        walkaway(&db)
            .args(["import"])
            .arg(&other)
            .status()
            .unwrap()
            .success()
    );
    let kim = Store::open(&db).unwrap().chats().unwrap()[0].id.clone();
    assert!(
        walkaway(&db)
            .args(["plan", "start", "2024-01-14", "--chat", &kim])
            .status()
            .unwrap()
            .success()
    );
    let before = snapshot(&Store::open(&db).unwrap(), &kim);
    assert!(
        !before.1.is_empty() && before.1.contains("2024-01-14"),
        "{}",
        before.1
    );

    // How long one whole import takes here, on a copy, to spread the kills over it.
    let probe = dir.path().join("probe.db");
    std::fs::copy(&db, &probe).unwrap();
    let t = Instant::now();
    assert!(
        walkaway(&probe)
            .args(["import"])
            .arg(&big)
            .status()
            .unwrap()
            .success()
    );
    let whole = t.elapsed().as_millis().max(50) as u64;

    let mut landed = [0u32; 2]; // [absent afterwards, complete afterwards]
    for run in 0..runs {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let delay = (seed >> 33) % (whole + whole / 5);
        let mut child = walkaway(&db).args(["import"]).arg(&big).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL; an import that already finished is fine too
        let _ = child.wait();

        let store = Store::open(&db).unwrap();
        let what = format!("run {run} (seed {first_seed}, kill after {delay} ms of ~{whole} ms)");
        assert_eq!(store.integrity_check().unwrap(), "ok", "{what}");
        assert_eq!(
            snapshot(&store, &kim),
            before,
            "{what}: the other chat or the plan changed"
        );
        let chats = store.chats().unwrap();
        match chats.iter().find(|c| c.id != kim) {
            None => landed[0] += 1,
            Some(c) => {
                assert_eq!(c.messages, MESSAGES as u64, "{what}: half a chat {c:?}");
                landed[1] += 1;
                // Start over, so the next kill lands on a first import again.
                drop(store);
                Store::open(&db)
                    .unwrap()
                    .forget(std::slice::from_ref(&c.id), None)
                    .unwrap();
            }
        }
    }
    eprintln!(
        "{runs} kills: {} left no trace, {} landed after the commit",
        landed[0], landed[1]
    );

    // The final import is exact, and once more adds nothing.
    assert!(
        walkaway(&db)
            .args(["import"])
            .arg(&big)
            .status()
            .unwrap()
            .success()
    );
    assert!(
        walkaway(&db)
            .args(["import"])
            .arg(&big)
            .status()
            .unwrap()
            .success()
    );
    let store = Store::open(&db).unwrap();
    let chats = store.chats().unwrap();
    assert_eq!(chats.len(), 2);
    let c = chats.iter().find(|c| c.id != kim).unwrap();
    assert_eq!(c.messages, MESSAGES as u64);
    assert_eq!(snapshot(&store, &kim), before);
}
