//! Snapshot tests of the synthetic WhatsApp fixtures, through the public entry point.
//!
//! Each fixture is a small export written by us for one variant (tests/fixtures/whatsapp); the
//! snapshot renders every event and diagnostic compactly so that a change in parsing shows up
//! as a readable diff.

use std::fmt::Write as _;
use std::path::PathBuf;

use walkaway_import::{Imported, Options, read_path};

fn render(i: &Imported) -> String {
    let mut out = format!("format: {}\n", i.format);
    for c in &i.parsed.chats {
        let _ = writeln!(out, "title: {:?}", c.title);
        let _ = writeln!(out, "people: {:?}", c.people);
        let _ = writeln!(out, "me_hint: {:?}", c.me_hint);
        for (e, text) in c.events.iter_texts() {
            let ts = jiff::Timestamp::from_millisecond(e.ts)
                .map(|t| t.strftime("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default();
            let who = e.sender.map_or("-".to_owned(), |s| s.to_string());
            let _ = writeln!(
                out,
                "L{} {ts} {who} {} f{} {:?}",
                e.line,
                e.kind.as_str(),
                e.flags,
                text
            );
        }
    }
    for d in &i.parsed.diagnostics {
        let _ = writeln!(out, "{:?} line {}: {}", d.severity, d.line, d.message);
    }
    out
}

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/whatsapp")
        .join(name);
    let opts = Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    };
    render(&read_path(&p, &opts).unwrap_or_else(|e| panic!("{e}")))
}

#[test]
fn android_en_us() {
    insta::assert_snapshot!(fixture("android_en_us.txt"));
}

#[test]
fn ios_de_crlf() {
    insta::assert_snapshot!(fixture("ios_de_crlf.txt"));
}

#[test]
fn ios_ymd_bad_lines() {
    insta::assert_snapshot!(fixture("ios_ymd_bad_lines.txt"));
}

#[test]
fn ios_buddhist() {
    insta::assert_snapshot!(fixture("ios_buddhist.txt"));
}
