//! LINE chat histories (docs/formats/line.md) on synthetic files written here, in several UI
//! languages.

use proptest::prelude::*;
use walkaway_import::{DateOrder, Options, line, read_bytes};
use walkaway_model::{Kind, ParsedChat, Severity, Source, flags};

fn opts(tz: &str) -> Options {
    Options {
        tz: jiff::tz::TimeZone::get(tz).expect("zone"),
        date_order: None,
    }
}

fn ms(s: &str, tz: &str) -> i64 {
    s.parse::<jiff::civil::DateTime>()
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::get(tz).unwrap())
        .unwrap()
        .timestamp()
        .as_millisecond()
}

fn rows(c: &ParsedChat) -> Vec<(i64, Option<&str>, Kind, &str)> {
    c.events
        .iter_texts()
        .map(|(e, t)| {
            (
                e.ts,
                e.sender.map(|s| c.people[s as usize].as_str()),
                e.kind,
                t,
            )
        })
        .collect()
}

const ENGLISH: &str = "\u{feff}[LINE] Chat history with Sam Park\r
Saved on: 2020/01/06 10:00\r
\r
2020/01/05 Sun\r
09:58\tSam Park\thi\r
10:01\tAlex Kim\t\"first line\r
\r
second \"\"quoted\"\" line\"\r
10:02\tAlex Kim\t[Photo]\r
10:03\tSam Park\t[Sticker]\r
10:04\tSam Park\t[Voice message]\r
10:05\tSam Park\t☎ Missed call\r
10:06\tAlex Kim\t☎ Call time 1:15\r
10:07\tSam Park joined the group.\r
\r
2020/01/06 Mon\r
00:30\tSam Park\tlate\r
";

#[test]
fn english() {
    let i = read_bytes("chat.txt", ENGLISH.as_bytes(), &opts("Asia/Tokyo")).unwrap();
    assert_eq!(i.format, "line-txt");
    assert!(
        i.parsed.diagnostics.is_empty(),
        "{:?}",
        i.parsed.diagnostics
    );
    let c = &i.parsed.chats[0];
    assert_eq!(c.source, Some(Source::Line));
    assert_eq!(c.title.as_deref(), Some("Sam Park"));
    assert_eq!(c.people, ["Sam Park", "Alex Kim"]);
    // The header names the other person: the user is Alex.
    assert_eq!(c.me_hint, Some(1));
    assert_eq!(c.exported_at, Some(ms("2020-01-06T10:00", "Asia/Tokyo")));
    let t = |s: &str| ms(&format!("2020-01-05T{s}"), "Asia/Tokyo");
    assert_eq!(
        rows(c),
        [
            (t("09:58"), Some("Sam Park"), Kind::Text, "hi"),
            (
                t("10:01"),
                Some("Alex Kim"),
                Kind::Text,
                "first line\n\nsecond \"quoted\" line"
            ),
            (t("10:02"), Some("Alex Kim"), Kind::Media, ""),
            (t("10:03"), Some("Sam Park"), Kind::Media, ""),
            (t("10:04"), Some("Sam Park"), Kind::Voice, ""),
            (
                t("10:05"),
                Some("Sam Park"),
                Kind::MissedCall,
                "☎ Missed call"
            ),
            (t("10:06"), Some("Alex Kim"), Kind::Call, "☎ Call time 1:15"),
            (t("10:07"), None, Kind::System, "Sam Park joined the group."),
            (
                ms("2020-01-06T00:30", "Asia/Tokyo"),
                Some("Sam Park"),
                Kind::Text,
                "late"
            ),
        ]
    );
    assert_eq!(c.events[1].line, 6);
    assert!(c.handles.is_empty());
}

/// Older English: weekday first, month/day/year, 12-hour times.
const ENGLISH_US: &str = "[LINE] Chat history with Sam
Saved on: 1/14/2020, 9:00 PM

Mon, 1/13/2020
9:58 PM\tSam\thello
11:59 PM\tMe Myself\tnight

Tue, 1/14/2020
12:05 AM\tSam\tstill up?
";

#[test]
fn english_twelve_hour_month_first() {
    let i = read_bytes("x.txt", ENGLISH_US.as_bytes(), &opts("UTC")).unwrap();
    let c = &i.parsed.chats[0];
    assert_eq!(
        c.events.iter().map(|e| e.ts).collect::<Vec<_>>(),
        [
            ms("2020-01-13T21:58", "UTC"),
            ms("2020-01-13T23:59", "UTC"),
            ms("2020-01-14T00:05", "UTC")
        ]
    );
    assert_eq!(c.exported_at, Some(ms("2020-01-14T21:00", "UTC")));
    assert!(
        i.parsed.diagnostics.is_empty(),
        "{:?}",
        i.parsed.diagnostics
    );
    // Day first when told.
    let o = Options {
        date_order: Some(DateOrder::Dmy),
        ..opts("UTC")
    };
    let ambiguous = "[LINE] Chat history with Sam\n\nMon, 6/1/2020\n10:00\tSam\thi\n";
    let a = line::parse("x.txt", ambiguous, &opts("UTC"));
    assert_eq!(a.chat.events[0].ts, ms("2020-06-01T10:00", "UTC"));
    assert!(
        a.diagnostics
            .iter()
            .any(|d| d.message.contains("month first"))
    );
    let b = line::parse("x.txt", ambiguous, &o);
    assert_eq!(b.chat.events[0].ts, ms("2020-01-06T10:00", "UTC"));
}

const JAPANESE: &str = "[LINE] サムとのトーク履歴
保存日時：2020/01/06 10:00

2020/01/05(日)
午前9:58\tサム\tこんにちは
午後1:01\tアレックス\t[写真]
午後1:02\tサム\t☎ 通話時間 0:53
午後1:03\tアレックス\t☎ 不在着信
";

#[test]
fn japanese() {
    let i = read_bytes("x.txt", JAPANESE.as_bytes(), &opts("Asia/Tokyo")).unwrap();
    let c = &i.parsed.chats[0];
    assert_eq!(c.title.as_deref(), Some("サム"));
    assert_eq!(c.me_hint, Some(1));
    assert_eq!(c.exported_at, Some(ms("2020-01-06T10:00", "Asia/Tokyo")));
    let kinds: Vec<Kind> = c.events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [Kind::Text, Kind::Media, Kind::Call, Kind::MissedCall]
    );
    assert_eq!(c.events[1].ts, ms("2020-01-05T13:01", "Asia/Tokyo"));
}

#[test]
fn out_of_order_dates_keep_file_order_with_a_warning() {
    let text = "[LINE] Chat history in Climbing
Saved on: 2020/01/06 10:00

2020/01/05 Sun
10:00\tAnn\tb
2019/12/31 Tue
10:00\tBo\ta
2020/01/06 Mon
09:00\tAnn\tc
";
    let out = line::parse("x.txt", text, &opts("UTC"));
    let texts: Vec<&str> = out.chat.events.iter_texts().map(|(_, t)| t).collect();
    assert_eq!(texts, ["b", "a", "c"]);
    assert_eq!(
        out.chat.events[1].flags & flags::OUT_OF_ORDER,
        flags::OUT_OF_ORDER
    );
    assert_eq!(out.chat.events[2].flags, 0);
    // A group: nobody is known to be the user.
    assert_eq!(out.chat.title.as_deref(), Some("Climbing"));
    assert_eq!(out.chat.me_hint, None);
    let w: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].line, 6);
}

#[test]
fn lines_not_understood_are_warnings_with_their_line() {
    let text = "[LINE] Chat history with Sam
Saved on: 2020/01/06 10:00
secret before
10:00\tSam\tsecret too early

2020/01/05 Sun
10:00\tSam\tfine
";
    let out = line::parse("x.txt", text, &opts("UTC"));
    assert_eq!(out.chat.events.len(), 1);
    let d: Vec<(u32, &str)> = out
        .diagnostics
        .iter()
        .map(|d| (d.line, d.message.as_str()))
        .collect();
    assert!(
        d.iter()
            .any(|(l, m)| *l == 3 && m.contains("not understood")),
        "{d:?}"
    );
    assert!(
        d.iter()
            .any(|(l, m)| *l == 4 && m.contains("before any date")),
        "{d:?}"
    );
    assert!(d.iter().all(|(_, m)| !m.contains("secret")));
}

#[test]
fn a_line_file_is_recognised_by_content() {
    assert!(line::looks_like_line(ENGLISH));
    assert!(line::looks_like_line(JAPANESE));
    // Without the header, by its structure.
    let body = ENGLISH.split_once("\r\n\r\n").unwrap().1;
    assert!(line::looks_like_line(body));
    assert!(!line::looks_like_line("31/12/2023, 21:05 - Ann: hi\n"));
    assert!(!line::looks_like_line("timestamp,sender,text\n"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics(s in "(\\[LINE\\] |[0-9/: \\t\"☎a-zA-Z上下午\\n\\r]){0,300}") {
        let out = line::parse("x.txt", &s, &opts("Europe/Berlin"));
        let lines = s.split('\n').count() as u32;
        for d in &out.diagnostics {
            prop_assert!(d.line <= lines);
        }
        let _ = read_bytes("x.txt", s.as_bytes(), &opts("UTC"));
    }
}
