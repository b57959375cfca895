//! The generic CSV format of docs/formats/csv.md, on synthetic files written here.

use proptest::prelude::*;
use walkaway_import::{Options, csv, read_bytes, read_path};
use walkaway_model::{Kind, ParsedChat, Severity, Source, flags};

fn tz(name: &str) -> Options {
    Options {
        tz: jiff::tz::TimeZone::get(name).expect("zone"),
        date_order: None,
    }
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

/// The example of docs/formats/csv.md.
const DOC_EXAMPLE: &str = "timestamp,sender,text,is_me,kind,handle
2024-01-05 18:30,Sam,are you free tonight?,false,,+1 555 000 1111
2024-01-05 18:42,Me,\"yes, after 8\",true,,
2024-01-05 18:43,Me,,true,media,
2024-01-05T19:10:00+01:00,Sam,\"see you \"\"there\"\"\",false,,
2024-01-06 09:00,Sam,,false,missed_call,
";

#[test]
fn the_documented_example() {
    let i = read_bytes("chat.csv", DOC_EXAMPLE.as_bytes(), &tz("Europe/Berlin")).unwrap();
    assert_eq!(i.format, "csv");
    assert!(
        i.parsed.diagnostics.is_empty(),
        "{:?}",
        i.parsed.diagnostics
    );
    let [c] = i.parsed.chats.as_slice() else {
        panic!("{:?}", i.parsed.chats)
    };
    assert_eq!(c.source, Some(Source::Csv));
    assert_eq!(c.people, ["Sam", "Me"]);
    assert_eq!(c.handles, ["+15550001111", ""]);
    assert_eq!(c.me_hint, Some(1));
    assert_eq!(
        rows(c),
        [
            (
                1_704_475_800_000,
                Some("Sam"),
                Kind::Text,
                "are you free tonight?"
            ),
            (1_704_476_520_000, Some("Me"), Kind::Text, "yes, after 8"),
            (1_704_476_580_000, Some("Me"), Kind::Media, ""),
            (
                1_704_478_200_000,
                Some("Sam"),
                Kind::Text,
                "see you \"there\""
            ),
            (1_704_528_000_000, Some("Sam"), Kind::MissedCall, ""),
        ]
    );
}

#[test]
fn header_in_any_case_and_order_semicolons_chats_and_sources() {
    let text = "\u{feff}Chat;Text;SENDER;Timestamp;Source;Is_Me;Mood\r\n\
        Ann;hi;Ann;1704475800;whatsapp;no;x\r\n\
        Ann;hello;Me;1704475860000;whatsapp;yes;x\r\n\
        Bo;yo;Bo;1704475800;;;\r\n\
        Bo;joined;Bo;1704475700;;;\r\n";
    let i = read_bytes("export.txt", text.as_bytes(), &tz("UTC")).unwrap();
    let chats: Vec<(Option<&str>, Option<Source>, usize)> = i
        .parsed
        .chats
        .iter()
        .map(|c| (c.title.as_deref(), c.source, c.events.len()))
        .collect();
    assert_eq!(
        chats,
        [
            (Some("Ann"), Some(Source::WhatsApp), 2),
            (Some("Bo"), Some(Source::Csv), 2)
        ]
    );
    // Rows in any order: events by time.
    let bo = &i.parsed.chats[1];
    assert_eq!(bo.events.text_at(0), "joined");
    assert_eq!(bo.me_hint, None);
    assert!(bo.handles.is_empty());
    let notes: Vec<&str> = i
        .parsed
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("mood"), "{notes:?}");
}

#[test]
fn bad_rows_are_diagnostics_with_their_line() {
    let text = "timestamp,sender,text,kind,source,is_me
2024-01-05 18:30,Sam,secret a,,,
yesterday,Sam,secret b,,,
,Sam,secret c,,,
2024-01-05 18:31,,secret d,,,
2024-01-05 18:32,Sam,secret e,hug,,
2024-01-05 18:33,Sam,secret f,,myspace,
2024-01-05 18:34,Sam,secret g,,,maybe
2024-01-05 18:35,Sam,\"secret
h spans lines\",,,
2024-01-05 18:36,Nobody,Sam left,system,,

2024-01-05 18:37,Sam,secret i,,,
";
    let i = read_bytes("c.csv", text.as_bytes(), &tz("UTC")).unwrap();
    let c = &i.parsed.chats[0];
    let kept: Vec<&str> = c.events.iter_texts().map(|(_, t)| t).collect();
    assert_eq!(
        kept,
        [
            "secret a",
            "secret f",
            "secret g",
            "secret\nh spans lines",
            "Sam left",
            "secret i"
        ]
    );
    assert_eq!(c.events[4].sender, None, "a system row has no sender");
    let lines: Vec<u32> = c.events.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 7, 8, 9, 11, 13]);
    let diags: Vec<(u32, Severity, &str)> = i
        .parsed
        .diagnostics
        .iter()
        .map(|d| (d.line, d.severity, d.message.as_str()))
        .collect();
    for (line, what) in [
        (3, "unreadable timestamp"),
        (4, "no timestamp"),
        (5, "no sender"),
        (6, "unknown kind"),
        (7, "unknown source"),
        (8, "neither true nor false"),
    ] {
        assert!(
            diags
                .iter()
                .any(|(l, s, m)| *l == line && *s == Severity::Warning && m.contains(what)),
            "{what}: {diags:?}"
        );
    }
    for (_, _, m) in &diags {
        assert!(!m.contains("secret"), "{m}");
    }
}

#[test]
fn local_times_are_read_in_the_zone_and_flagged() {
    let text = "timestamp,sender,text\n2024-03-31 02:30,Sam,a\n2024-10-27 02:30,Sam,b\n";
    let i = read_bytes("c.csv", text.as_bytes(), &tz("Europe/Berlin")).unwrap();
    let c = &i.parsed.chats[0];
    assert_eq!(c.events[0].flags, flags::TIME_SKIPPED);
    assert_eq!(c.events[1].flags, flags::TIME_AMBIGUOUS);
}

#[test]
fn utf16_from_a_spreadsheet_and_streaming_from_disk() {
    // Excel's "Unicode text": UTF-16 LE with a byte-order mark, tab-separated.
    let tsv = "timestamp\tsender\ttext\n2024-01-05 18:30\tSam\tcafé 😂\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(tsv.encode_utf16().flat_map(u16::to_le_bytes));
    let dir = tempfile::tempdir().unwrap();
    let p16 = dir.path().join("chat.txt");
    std::fs::write(&p16, &utf16).unwrap();
    let i = read_path(&p16, &tz("UTC")).unwrap();
    assert_eq!(i.format, "csv");
    assert_eq!(i.parsed.chats[0].events.text_at(0), "café 😂");
    // A UTF-8 file is streamed, with the same result as from memory.
    let p8 = dir.path().join("chat.csv");
    std::fs::write(&p8, DOC_EXAMPLE).unwrap();
    let a = read_path(&p8, &tz("UTC")).unwrap();
    let b = read_bytes("x", DOC_EXAMPLE.as_bytes(), &tz("UTC")).unwrap();
    assert_eq!(a.parsed, b.parsed);
    assert_eq!(a.file_hash, b.file_hash);
}

#[test]
fn a_header_without_the_required_columns_is_not_csv() {
    let e = read_bytes(
        "c.csv",
        b"time,from,message\n2024-01-05,Sam,hi\n",
        &tz("UTC"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("csv"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every event's line is the file line its row starts on, whatever blank lines, CRLF
    /// endings and multi-line quoted texts come before it.
    #[test]
    fn lines_are_file_lines(rows in proptest::collection::vec((0usize..3, any::<bool>(), any::<bool>()), 1..30)) {
        let mut doc = String::from("timestamp,sender,text\n");
        let mut line = 2u32;
        let mut want = Vec::new();
        for (i, (blanks, crlf, multi)) in rows.iter().enumerate() {
            let nl = if *crlf { "\r\n" } else { "\n" };
            for _ in 0..*blanks {
                doc.push_str(nl);
                line += 1;
            }
            want.push(line);
            let text = if *multi { "\"a\nb\"" } else { "a" };
            doc.push_str(&format!("{},Sam,{text}{nl}", 1_704_475_800 + i as i64));
            line += 1 + u32::from(*multi);
        }
        let out = csv::read_slice("x.csv", doc.as_bytes(), b',', &tz("UTC"));
        let got: Vec<u32> = out.chats[0].events.iter().map(|e| e.line).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn never_panics(body in proptest::collection::vec(any::<u8>(), 0..400), d in prop_oneof![Just(b','), Just(b';'), Just(b'\t')]) {
        let mut doc = b"timestamp,sender,text,kind,is_me,handle,chat,source\n".to_vec();
        doc.extend_from_slice(&body);
        let out = csv::read_slice("x.csv", &doc, d, &tz("UTC"));
        let lines = doc.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        for d in &out.diagnostics {
            prop_assert!(d.line <= lines);
        }
        for c in &out.chats {
            prop_assert!(c.handles.is_empty() || c.handles.len() == c.people.len());
        }
    }
}
