//! The in-browser app gives the command line's report: the adapter (`walkaway-web`, compiled
//! natively here) on the demo export prints exactly the JSON of `walkaway report FILE --json`
//! with the same settings. And `walkaway app` serves on 127.0.0.1 with the page it embeds.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use walkaway_web::{FileIn, ReportOptions, Session};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo")
}

/// The demo's files as the browser hands them over (the folder's files with relative paths).
fn session(chat: &Path) -> Session {
    let modified = std::fs::metadata(chat)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_millis() as i64);
    let mut s = Session::new();
    s.add(FileIn {
        name: "WhatsApp Chat with Sam.txt".into(),
        bytes: std::fs::read(chat).unwrap(),
        modified,
    });
    let base = demo().join("instagram");
    for rel in [
        "your_instagram_activity/likes/liked_posts.json",
        "your_instagram_activity/comments/post_comments_1.json",
        "your_instagram_activity/story_interactions/story_likes.json",
    ] {
        s.add(FileIn {
            name: format!("instagram/{rel}"),
            bytes: std::fs::read(base.join(rel)).unwrap(),
            modified: None,
        });
    }
    s
}

fn cli_json(db: &Path, chat: &Path, extra: &[&str]) -> String {
    let bin = env!("CARGO_BIN_EXE_walkaway");
    let out = Command::new(bin)
        .args(["import", demo().join("instagram").to_str().unwrap()])
        .env("WALKAWAY_DB", db)
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(bin)
        .arg("report")
        .arg(chat)
        .args(["--json", "--tz", "UTC"])
        .args(extra)
        .env("WALKAWAY_DB", db)
        .env("TZ", "UTC")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_app_reports_what_the_command_line_reports() {
    let dir = tempfile::tempdir().unwrap();
    // A copy, so that the file's date is today's and within reach of every check.
    let chat = dir.path().join("WhatsApp Chat with Sam.txt");
    std::fs::copy(demo().join("WhatsApp Chat with Sam.txt"), &chat).unwrap();
    let cases: [(&str, &[&str], ReportOptions); 2] = [
        (
            "the step-back with Instagram, as of a day",
            &[
                "--me",
                "Alex",
                "--stepback",
                "2026-10-01",
                "--as-of",
                "2026-10-31",
                "--instagram",
                "sam.rivera",
            ],
            ReportOptions {
                tz: "UTC".into(),
                me: Some("Alex".into()),
                stepback: Some("2026-10-01".into()),
                as_of: Some("2026-10-31".into()),
                instagram: vec!["sam.rivera".into()],
                ..ReportOptions::default()
            },
        ),
        (
            "no settings: who is who and the data end from the export",
            &[],
            ReportOptions {
                tz: "UTC".into(),
                ..ReportOptions::default()
            },
        ),
    ];
    for (i, (what, flags, options)) in cases.into_iter().enumerate() {
        let db = dir.path().join(format!("w{i}.db"));
        let cli = cli_json(&db, &chat, flags);
        let app = session(&chat).report(&options).unwrap().json;
        assert_eq!(app, cli, "{what}");
    }
}

#[test]
fn walkaway_app_serves_on_loopback_and_prints_where() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_walkaway"))
        .args(["app", "--no-open"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_owned();
    let authority = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    assert!(authority.starts_with("127.0.0.1:"), "{url}");
    let mut s = std::net::TcpStream::connect(&authority).unwrap();
    write!(s, "GET / HTTP/1.1\r\nHost: {authority}\r\n\r\n").unwrap();
    let mut page = String::new();
    s.read_to_string(&mut page).unwrap();
    // Still serving after whoever started it stopped reading its output.
    drop(stdout);
    let mut again = std::net::TcpStream::connect(&authority).unwrap();
    write!(again, "HEAD / HTTP/1.1\r\nHost: {authority}\r\n\r\n").unwrap();
    let mut head = String::new();
    again.read_to_string(&mut head).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page}");
    assert!(page.contains("Content-Security-Policy: default-src 'none'"));
    // Either the app, or the page that says how to build it.
    assert!(
        page.contains("walkaway") && (page.contains("app.js") || page.contains("build-site.sh")),
        "{page}"
    );
}
