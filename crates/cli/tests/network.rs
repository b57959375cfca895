//! No network, proven (issue 10 §6): import and report (terminal, JSON, HTML) run inside a
//! fresh network namespace that has only loopback (`unshare -n`), and under strace no socket
//! is even opened. (`walkaway app` with a browser session is run in such a namespace by
//! crates/web/browser-test.sh.)
//!
//! Needs `unshare` (root, or user namespaces) and `strace`; where either is missing the test
//! says so and passes, unless WALKAWAY_REQUIRE_NETNS=1 (as scripts/test sets it when it runs
//! as root, so CI cannot skip it silently).

use std::path::Path;
use std::process::Command;

fn demo() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo")
}

fn available() -> bool {
    let ok = |cmd: &mut Command| cmd.output().is_ok_and(|o| o.status.success());
    let have = ok(Command::new("unshare").args(["-n", "true"]))
        && ok(Command::new("strace").args(["-o", "/dev/null", "true"]));
    if !have {
        assert!(
            std::env::var("WALKAWAY_REQUIRE_NETNS").as_deref() != Ok("1"),
            "WALKAWAY_REQUIRE_NETNS=1 but unshare -n or strace does not work here"
        );
        eprintln!("no-network test skipped: unshare -n or strace is not available here");
    }
    have
}

#[test]
fn import_and_every_report_run_offline_and_open_no_socket() {
    if !available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let html = dir.path().join("r.html");
    let trace = dir.path().join("trace");
    let bin = env!("CARGO_BIN_EXE_walkaway");
    let chat = demo().join("WhatsApp Chat with Sam.txt");
    let chat = chat.to_str().unwrap();
    let runs: Vec<Vec<&str>> = vec![
        vec!["import", demo().to_str().unwrap().to_owned().leak()],
        vec!["report", chat, "--me", "Alex", "--as-of", "2026-10-31"],
        vec!["report", chat, "--json", "--as-of", "2026-10-31"],
        vec![
            "report",
            chat,
            "--as-of",
            "2026-10-31",
            "--stepback",
            "2026-10-01",
            "--instagram",
            "sam.rivera",
            "--html",
            html.to_str().unwrap(),
        ],
        vec!["people"],
        vec!["forget", "Sam"],
    ];
    for args in runs {
        let out = Command::new("unshare")
            .args(["-n", "strace", "-f", "-qq", "-e", "trace=%network", "-o"])
            .arg(&trace)
            .arg(bin)
            .args(&args)
            .env("WALKAWAY_DB", &db)
            .env("TZ", "UTC")
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?} failed offline: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let calls = std::fs::read_to_string(&trace).unwrap();
        let calls: Vec<&str> = calls
            .lines()
            .filter(|l| !l.contains("+++ exited") && !l.trim().is_empty())
            .collect();
        assert!(
            calls.is_empty(),
            "{args:?} made network system calls:\n{}",
            calls.join("\n")
        );
    }
    assert!(std::fs::metadata(&html).unwrap().len() > 10_000);
}
