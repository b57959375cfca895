//! SMS Backup & Restore XML: messages, MMS, group MMS, calls, and every trap of
//! docs/formats/sms.md, on synthetic backups written here.

use proptest::prelude::*;
use walkaway_import::{Options, handles, read_bytes, read_path, sms};
use walkaway_model::{Kind, ParsedChat, Severity, Source};

fn utc() -> Options {
    Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    }
}

/// (ms, sender name, kind, text) of each event.
fn rows(c: &ParsedChat) -> Vec<(i64, &str, Kind, &str)> {
    c.events
        .iter_texts()
        .map(|(e, t)| {
            (
                e.ts,
                e.sender.map_or("", |s| c.people[s as usize].as_str()),
                e.kind,
                t,
            )
        })
        .collect()
}

fn chat<'a>(out: &'a sms::SmsExport, title: &str) -> &'a ParsedChat {
    out.chats
        .iter()
        .find(|c| c.title.as_deref() == Some(title))
        .unwrap_or_else(|| panic!("no chat {title}: {:?}", out.chats))
}

const HEAD: &str = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<!--File Created By SMS Backup & Restore v10.20.002 on 01/02/2024 10:00:00-->\n<?xml-stylesheet type=\"text/xsl\" href=\"sms.xsl\"?>\n";

fn backup(rows: &str, count: usize) -> String {
    format!(
        "{HEAD}<smses count=\"{count}\" backup_set=\"0f\" backup_date=\"1706781600000\" type=\"full\">\n{rows}</smses>\n"
    )
}

const ONE_TO_ONE: &str = r#"  <sms protocol="0" address="+1 555-000-1111" date="1704103200000" type="1" subject="null" body="hi there" read="1" status="-1" contact_name="Sam Park" />
  <sms protocol="0" address="(555) 000-2222" date="1704103260000" type="2" subject="null" body="line one&#10;line &quot;two&quot; &amp; &#55357;&#56832;" read="1" status="-1" contact_name="(Unknown)" />
  <sms protocol="0" address="+15550001111" date="1704103320000" type="2" subject="null" body="hello Sam" read="1" status="-1" contact_name="Sam Park" />
  <sms protocol="0" address="+15550001111" date="1704103380000" type="3" body="a draft" contact_name="Sam Park" />
  <sms protocol="0" address="+15550001111" date="1704103440000" type="5" body="failed" contact_name="Sam Park" />
  <sms protocol="0" address="+15550001111" date="1704103500000" type="4" body="in the outbox" contact_name="Sam Park" />
"#;

#[test]
fn one_chat_per_number_with_the_user_known() {
    let out = sms::read_slice("sms-1.xml", backup(ONE_TO_ONE, 6).as_bytes());
    assert_eq!(out.backup, Some(sms::Backup::Messages));
    assert_eq!(out.records, 6);
    assert_eq!(out.chats.len(), 2);
    let sam = chat(&out, "Sam Park");
    assert_eq!(sam.source, Some(Source::Sms));
    assert_eq!(sam.people, ["Me", "Sam Park"]);
    assert_eq!(sam.handles, ["", "+15550001111"]);
    assert_eq!(sam.me_hint, Some(0));
    assert_eq!(sam.exported_at, Some(1_706_781_600_000));
    assert_eq!(
        rows(sam),
        [
            (1_704_103_200_000, "Sam Park", Kind::Text, "hi there"),
            (1_704_103_320_000, "Me", Kind::Text, "hello Sam"),
            (1_704_103_500_000, "Me", Kind::Text, "in the outbox"),
        ]
    );
    // A number the phone had no name for is named by its number (a national one by its
    // digits: no country code can be known).
    let other = chat(&out, "5550002222");
    assert_eq!(other.handles, ["", "tel:5550002222"]);
    assert_eq!(
        rows(other),
        [(
            1_704_103_260_000,
            "Me",
            Kind::Text,
            "line one\nline \"two\" & 😀"
        )]
    );
    let notes: Vec<&str> = out.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        notes.iter().any(|m| m.contains("1 drafts were skipped")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|m| m.contains("1 messages that failed to send")),
        "{notes:?}"
    );
    assert!(out.diagnostics.iter().all(|d| d.severity == Severity::Note));
}

const MMS: &str = r#"  <mms date="1704200000000" msg_box="1" address="+15550001111" m_type="132" contact_name="Sam Park" text_only="0">
    <parts>
      <part seq="-1" ct="application/smil" name="null" text="&lt;smil&gt;&lt;body&gt;&lt;/body&gt;&lt;/smil&gt;" />
      <part seq="0" ct="image/jpeg" name="IMG_1.jpg" cl="IMG_1.jpg" data="/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHR8eHRoc
HCAkLicgIiwjHBwoNyksMDE0NDQfJzk9ODI8LjM0Mv/bAEMBCQkJDAsMGA0NGDIhHCEyMjIyMjIy" />
      <part seq="1" ct="text/plain" name="text_0.txt" chset="106" text="look at this" />
    </parts>
    <addrs>
      <addr address="+15550001111" type="137" charset="106" />
      <addr address="+15559990000" type="151" charset="106" />
    </addrs>
  </mms>
  <mms date="1704200060000" msg_box="2" address="+15550001111~+15550003333" m_type="128" contact_name="Sam Park, Alex Kim">
    <parts>
      <part seq="0" ct="text/plain" name="t.txt" text='hi &apos;both&apos;' />
    </parts>
    <addrs>
      <addr address="insert-address-token" type="137" charset="106" />
      <addr address="+15550001111" type="151" charset="106" />
      <addr address="+15550003333" type="151" charset="106" />
    </addrs>
  </mms>
  <mms date="1704200120000" msg_box="1" address="+15550003333~+15550001111" m_type="132" contact_name="Alex Kim, Sam Park">
    <parts>
      <part seq="0" ct="audio/amr" name="rec.amr" data="IyFBTVIK" />
    </parts>
    <addrs>
      <addr address="+15550003333" type="137" charset="106" />
      <addr address="+15550001111" type="151" charset="106" />
      <addr address="+15559990000" type="151" charset="106" />
    </addrs>
  </mms>
"#;

#[test]
fn mms_and_group_mms() {
    let out = sms::read_slice("sms.xml", backup(MMS, 3).as_bytes());
    assert_eq!(out.chats.len(), 2, "{:?}", out.diagnostics);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    let sam = chat(&out, "Sam Park");
    assert_eq!(
        rows(sam),
        [(1_704_200_000_000, "Sam Park", Kind::Media, "look at this")]
    );
    // A group MMS is one conversation per set of other parties, in whatever order written;
    // the user's own number (the `to` of a received one) is not a party.
    let group = chat(&out, "Sam Park, Alex Kim");
    assert_eq!(group.people, ["Me", "Sam Park", "Alex Kim"]);
    assert_eq!(group.handles, ["", "+15550001111", "+15550003333"]);
    assert_eq!(
        rows(group),
        [
            (1_704_200_060_000, "Me", Kind::Text, "hi 'both'"),
            (1_704_200_120_000, "Alex Kim", Kind::Voice, ""),
        ]
    );
}

#[test]
fn declared_count_that_lies_and_duplicates() {
    let dup = r#"  <sms address="+15550001111" date="1704103200000" type="1" body="same" contact_name="Sam" />
  <sms address="+15550001111" date="1704103200000" type="2" body="same" contact_name="Sam" />
  <sms address="+1 (555) 000-1111" date="1704103200000" type="1" body="same" contact_name="Sam" />
  <sms address="+15550001111" date="1704103200000" type="1" body="same" contact_name="Sam" />
  <sms address="+15550001111" date="1704103200001" type="1" body="same" contact_name="Sam" />
"#;
    let out = sms::read_slice("sms.xml", backup(dup, 2).as_bytes());
    let sam = chat(&out, "Sam");
    assert_eq!(sam.events.len(), 3, "{:?}", rows(sam));
    let msgs: Vec<&str> = out.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        msgs.iter()
            .any(|m| m.contains("declares 2 messages but holds 5")),
        "{msgs:?}"
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("2 rows repeat an earlier row")),
        "{msgs:?}"
    );
}

#[test]
fn a_cut_off_file_keeps_what_is_complete() {
    let full = backup(&format!("{ONE_TO_ONE}{MMS}"), 9);
    // Cut inside the second MMS's parts.
    let cut = full.find("hi &apos;both").unwrap();
    let out = sms::read_slice("sms.xml", &full.as_bytes()[..cut]);
    let all: usize = out.chats.iter().map(|c| c.events.len()).sum();
    assert_eq!(all, 5, "four sms kept and the first mms");
    let w: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    let line = full[..cut].lines().count() as u32;
    assert_eq!(w[0].line, line, "{w:?}");
    assert!(
        w[0].message.contains(&format!("ends at line {line}")),
        "{w:?}"
    );
    assert!(w[0].message.contains("not imported"), "{w:?}");
    // Cut between rows: no message lost, the warning still says the file ends early.
    let cut = full.find("  <mms").unwrap();
    let out = sms::read_slice("sms.xml", &full.as_bytes()[..cut]);
    assert_eq!(out.chats.iter().map(|c| c.events.len()).sum::<usize>(), 4);
    assert!(
        out.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Warning
                && d.message.contains("cut off")
                && d.message.contains("inside <smses>"))
    );
}

#[test]
fn bad_rows_are_diagnostics_with_their_line_and_no_text() {
    let bad = r#"  <sms address="+15550001111" type="1" body="secret one" />
  <sms address="+15550001111" date="soon" type="1" body="secret two" />
  <sms address="+15550001111" date="1704103200000" type="9" body="secret three" />
  <sms address="" date="1704103200000" type="1" body="secret four" />
  <sms address="+15550001111" date="1485921084" type="1" body="in seconds" />
  <sms address="+15550001111" date="1704103200000" type="1" body="fine" />
"#;
    let out = sms::read_slice("sms.xml", backup(bad, 6).as_bytes());
    let c = &out.chats[0];
    assert_eq!(
        rows(c).iter().map(|r| (r.0, r.3)).collect::<Vec<_>>(),
        [
            (1_485_921_084_000, "in seconds"),
            (1_704_103_200_000, "fine")
        ]
    );
    let lines: Vec<(u32, &str)> = out
        .diagnostics
        .iter()
        .map(|d| (d.line, d.message.as_str()))
        .collect();
    for (line, what) in [
        (5, "has no date"),
        (6, "unreadable date"),
        (7, "unknown type"),
        (8, "no address"),
    ] {
        assert!(
            lines.iter().any(|(l, m)| *l == line && m.contains(what)),
            "{what}: {lines:?}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|(_, m)| m.contains("1 dates are in seconds"))
    );
    for d in &out.diagnostics {
        assert!(!d.message.contains("secret"), "{d:?}");
    }
}

/// The billion laughs: entities are never expanded, so the text stays as written and small.
#[test]
fn entities_are_never_expanded() {
    let mut dtd = String::from("<!DOCTYPE smses [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        dtd.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    dtd.push_str("]>\n");
    let doc = format!(
        "<?xml version=\"1.0\"?>\n{dtd}<smses count=\"1\">\n<sms address=\"+15550001111\" date=\"1704103200000\" type=\"1\" body=\"&lol9;\" />\n</smses>\n"
    );
    let imported = read_bytes("x.xml", doc.as_bytes(), &utc()).expect("read");
    assert_eq!(imported.format, "sms-xml");
    let c = &imported.parsed.chats[0];
    assert_eq!(c.events.text_at(0), "&lol9;");
    assert!(
        imported
            .parsed
            .diagnostics
            .iter()
            .any(|d| d.message.contains("entities were not expanded"))
    );
}

const CALLS: &str = r#"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<calls count="9" backup_set="1" backup_date="1706781600000" type="full">
  <call number="+15550001111" duration="53" date="1704103200000" type="1" presentation="1" readable_date="Jan 1, 2024 10:00:00" contact_name="Sam Park" />
  <call number="+15550001111" duration="0" date="1704103300000" type="2" presentation="1" contact_name="Sam Park" />
  <call number="+15550001111" duration="120" date="1704103400000" type="2" presentation="1" contact_name="Sam Park" />
  <call number="+15550001111" duration="0" date="1704103500000" type="3" presentation="1" contact_name="Sam Park" />
  <call number="+15550001111" duration="0" date="1704103600000" type="5" presentation="1" contact_name="Sam Park" />
  <call number="+15550001111" duration="0" date="1704103700000" type="6" presentation="1" contact_name="Sam Park" />
  <call number="-2" duration="0" date="1704103800000" type="3" presentation="2" contact_name="(Unknown)" />
  <call number="(555) 000-2222" duration="10" date="1704103900000" type="1" presentation="1" contact_name="(Unknown)" />
  <call number="+15550001111" duration="7" date="1704104000000" type="42" presentation="1" contact_name="Sam Park" />
</calls>
"#;

#[test]
fn calls_are_call_events_by_their_caller() {
    let imported = read_bytes("calls-1.xml", CALLS.as_bytes(), &utc()).expect("read");
    assert_eq!(imported.format, "sms-calls-xml");
    let p = &imported.parsed;
    let sam = p
        .chats
        .iter()
        .find(|c| c.title.as_deref() == Some("Sam Park"))
        .unwrap();
    assert_eq!(sam.people, ["Me", "Sam Park"]);
    assert_eq!(
        rows(sam),
        [
            (
                1_704_103_200_000,
                "Sam Park",
                Kind::Call,
                "phone call, 53 s"
            ),
            (
                1_704_103_300_000,
                "Me",
                Kind::MissedCall,
                "unanswered phone call"
            ),
            (1_704_103_400_000, "Me", Kind::Call, "phone call, 120 s"),
            (
                1_704_103_500_000,
                "Sam Park",
                Kind::MissedCall,
                "missed phone call"
            ),
            (
                1_704_103_600_000,
                "Sam Park",
                Kind::MissedCall,
                "declined phone call"
            ),
            (
                1_704_103_700_000,
                "Sam Park",
                Kind::MissedCall,
                "blocked phone call"
            ),
        ]
    );
    assert_eq!(p.chats.len(), 2);
    let msgs: Vec<(u32, &str)> = p
        .diagnostics
        .iter()
        .map(|d| (d.line, d.message.as_str()))
        .collect();
    assert!(
        msgs.iter()
            .any(|(_, m)| m.contains("1 calls from or to a hidden number"))
    );
    assert!(
        msgs.iter()
            .any(|(l, m)| *l == 11 && m.contains("unknown call type"))
    );
}

/// The SMS file and the call log of one phone give chats with the same source and the same
/// participants, so the store files them under one chat.
#[test]
fn sms_and_calls_of_one_number_have_the_same_participants() {
    let texts = sms::read_slice("sms.xml", backup(ONE_TO_ONE, 6).as_bytes());
    let calls = sms::read_slice("calls.xml", CALLS.as_bytes());
    for title in ["Sam Park", "5550002222"] {
        let a = chat(&texts, title);
        let b = chat(&calls, title);
        assert_eq!(a.people, b.people);
        assert_eq!(a.handles, b.handles);
        assert_eq!(a.source, b.source);
    }
}

#[test]
fn read_path_streams_the_same_as_read_bytes() {
    let doc = backup(&format!("{ONE_TO_ONE}{MMS}"), 9);
    let dir = tempfile::tempdir().unwrap();
    // The name says nothing: the content decides.
    let path = dir.path().join("backup.dat");
    std::fs::write(&path, &doc).unwrap();
    let a = read_path(&path, &utc()).unwrap();
    let b = read_bytes(&path.display().to_string(), doc.as_bytes(), &utc()).unwrap();
    assert_eq!(a.format, "sms-xml");
    assert_eq!(a.parsed, b.parsed);
    assert_eq!(a.file_hash, b.file_hash);
    assert_eq!(a.bytes, doc.len() as u64);
}

#[test]
fn attachments_never_reach_the_parser() {
    // A 20 MB attachment: `SkipData` passes on only the markup around it.
    let big = "QUJD".repeat(5 << 20);
    let doc = backup(
        &format!(
            "<mms date=\"1704200000000\" msg_box=\"1\" address=\"+15550001111\"><parts><part ct=\"video/mp4\" data=\"{big}\" /></parts><addrs><addr address=\"+15550001111\" type=\"137\"/></addrs></mms>\n"
        ),
        1,
    );
    let mut skip = sms::SkipData::new(doc.as_bytes());
    let mut passed = Vec::new();
    std::io::Read::read_to_end(&mut skip, &mut passed).unwrap();
    assert!(passed.len() < 1000, "{}", passed.len());
    assert_eq!(skip.skipped(), big.len() as u64);
    let out = sms::read_slice("sms.xml", doc.as_bytes());
    assert_eq!(
        rows(&out.chats[0]),
        [(1_704_200_000_000, "+15550001111", Kind::Media, "")]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any bytes: no panic, and every diagnostic is about a line that exists.
    #[test]
    fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = sms::read_slice("x.xml", &bytes);
        let mut doc = b"<smses count=\"1\">".to_vec();
        doc.extend_from_slice(&bytes);
        let out = sms::read_slice("x.xml", &doc);
        let lines = doc.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        for d in &out.diagnostics {
            prop_assert!(d.line <= lines);
        }
    }

    /// A backup cut anywhere keeps a prefix of the messages, never more.
    #[test]
    fn any_cut_keeps_a_prefix(at in 0usize..2000) {
        let full = backup(ONE_TO_ONE, 6);
        let whole = sms::read_slice("x.xml", full.as_bytes());
        let at = at.min(full.len());
        let cut = sms::read_slice("x.xml", &full.as_bytes()[..at]);
        let n = |o: &sms::SmsExport| o.chats.iter().map(|c| c.events.len()).sum::<usize>();
        prop_assert!(n(&cut) <= n(&whole));
        if at < full.len() - 1 {
            prop_assert!(cut.diagnostics.iter().any(|d| d.severity == Severity::Warning
                || d.message.contains("holds no")), "{:?}", cut.diagnostics);
        }
    }

    #[test]
    fn handles_are_idempotent(s in ".{0,30}") {
        let once = handles::normalize(&s);
        prop_assert_eq!(handles::normalize(&once), once.clone());
    }

    #[test]
    fn phone_spellings_meet(d in "[1-9][0-9]{6,12}", seps in proptest::collection::vec(prop_oneof![Just(""), Just(" "), Just("-"), Just("."), Just("(")], 0..4)) {
        let mut spelled = String::from("+");
        for (i, c) in d.chars().enumerate() {
            spelled.push(c);
            if let Some(s) = seps.get(i) {
                spelled.push_str(s);
            }
        }
        prop_assert_eq!(handles::normalize(&spelled), format!("+{d}"));
        prop_assert_eq!(handles::normalize(&format!("00{d}")), format!("+{d}"));
        prop_assert_eq!(handles::normalize(&d), format!("tel:{d}"));
    }
}
