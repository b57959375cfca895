//! Conformance: the real LINE sample of the shared corpus (Traditional Chinese UI), checked
//! against the facts in its EXPECTED.md ("Google Hangouts, LINE", our reading) under our
//! conventions: every `TIME<TAB>NAME<TAB>TEXT` line is an event, `[照片]`/`[貼圖]` are media,
//! `☎ 通話時間0:53` an answered call, read in UTC here. The corpus is not part of the
//! repository: when it is absent the test says so and passes.

use std::path::PathBuf;

use walkaway_import::{Options, read_path};
use walkaway_model::{Kind, Severity, Source, flags};

#[test]
fn line_message_analyzer_sample() {
    let dir = std::env::var_os("WALKAWAY_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"))
        .join("line");
    if !dir.is_dir() {
        eprintln!(
            "skipped: no corpus at {} (set WALKAWAY_CORPUS)",
            dir.display()
        );
        return;
    }
    let opts = Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    };
    let i = read_path(&dir.join("line-message-analyzer__sample.txt"), &opts).expect("read");
    assert_eq!(i.format, "line-txt");
    let [c] = i.parsed.chats.as_slice() else {
        panic!("{:?}", i.parsed.chats)
    };
    let utc = |s: &str| {
        s.parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_millisecond()
    };
    assert_eq!(c.source, Some(Source::Line));
    // Header `[LINE] 與User1的聊天記錄`: the chat partner is User1, so the user is User2.
    assert_eq!(c.title.as_deref(), Some("User1"));
    assert_eq!(c.people, ["User1", "User2"]);
    assert_eq!(c.me_hint, Some(1));
    // `儲存日期： 2020/02/12 02:42` (full-width colon).
    assert_eq!(c.exported_at, Some(utc("2020-02-12T02:42")));
    // First day 2017/11/20（一）, `下午04:46` = 16:46.
    assert_eq!(c.events[0].ts, utc("2017-11-20T16:46"));
    assert_eq!(c.events.text_at(0), "testing");
    assert_eq!(c.events.len(), 53);
    let count = |k: Kind| c.events.iter().filter(|e| e.kind == k).count();
    assert_eq!(count(Kind::Media), 10);
    assert_eq!(count(Kind::Call), 4);
    assert_eq!(count(Kind::Text), 39);
    // `下午01:09` after `下午04:46` on the same day, and the 2016 day after 2017: file order
    // kept, flagged, and one Warning for the date line.
    let call = c.events.iter().position(|e| e.kind == Kind::Call).unwrap();
    assert_eq!(c.events[call].ts, utc("2017-11-20T13:09"));
    assert_eq!(
        c.events[call].flags & flags::OUT_OF_ORDER,
        flags::OUT_OF_ORDER
    );
    let last = c.events.last().unwrap();
    assert_eq!(last.ts, utc("2016-05-08T23:25"));
    let w: Vec<_> = i.parsed.diagnostics.iter().collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!((w[0].severity, w[0].line), (Severity::Warning, 48));
}
