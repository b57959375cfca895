//! Data-driven tests of header variants and kinds, on synthetic lines.

use super::*;

fn utc() -> Options {
    Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    }
}

/// One line per event: `local-iso sender kind [flags] text` (text with `\n` escaped).
fn render(c: &WhatsAppChat) -> String {
    let mut out = String::new();
    for (e, text) in c.chat.events.iter_texts() {
        let ts = jiff::Timestamp::from_millisecond(e.ts)
            .map(|t| t.strftime("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default();
        let who = e
            .sender
            .and_then(|s| c.chat.people.get(s as usize))
            .map_or("-", |s| s.as_str());
        out.push_str(&format!("{ts} {who} {}", e.kind.as_str()));
        if e.flags != 0 {
            out.push_str(&format!(" f{}", e.flags));
        }
        out.push_str(&format!(" {}\n", text.replace('\n', "\\n")));
    }
    out
}

#[track_caller]
fn check(input: &str, expect: &str) {
    let got = render(&parse(input, &utc()));
    assert_eq!(got.trim_end(), expect.trim_end(), "input: {input:?}");
}

#[test]
fn android_variants() {
    check(
        "12/31/23, 9:05 PM - Ann: hi",
        "2023-12-31 21:05:00 Ann text hi",
    );
    check(
        "12/31/23, 9:05\u{202F}PM - Ann: hi",
        "2023-12-31 21:05:00 Ann text hi",
    );
    check(
        "31/12/2023, 21:05 - Ann: hi",
        "2023-12-31 21:05:00 Ann text hi",
    );
    check(
        "31.12.23, 21:05 - Ann: hi",
        "2023-12-31 21:05:00 Ann text hi",
    );
    check(
        "31-12-2023 21:05 - Ann: hi",
        "2023-12-31 21:05:00 Ann text hi",
    );
    check(
        "2023/12/31, 21:05. - Ann: hi",
        "2023-12-31 21:05:00 Ann text hi",
    );
    check(
        "12/31/23, 9:05:07 pm \u{2013} Ann: hi",
        "2023-12-31 21:05:07 Ann text hi",
    );
    check(
        "12/31/2023, 11:05 p.\u{A0}m. - Ann: hi",
        "2023-12-31 23:05:00 Ann text hi",
    );
    check(
        "12/31/2023, 12:05 a. m. - Ann: hi",
        "2023-12-31 00:05:00 Ann text hi",
    );
    check(
        "31.12.23, 9:05 nachm. - Ann: hi",
        "2023-12-31 21:05:00 Ann text hi",
    );
    // An hour above 12 ignores the marker.
    check(
        "31/12/23, 13:37 p.m. - Ann: hi",
        "2023-12-31 13:37:00 Ann text hi",
    );
}

#[test]
fn ios_variants() {
    check(
        "[31/12/2023, 21:05:33] Ann: hi",
        "2023-12-31 21:05:33 Ann text hi",
    );
    check(
        "\u{200E}[12/31/23 9:05:33 PM] Ann: hi",
        "2023-12-31 21:05:33 Ann text hi",
    );
    check(
        "[\u{FEFF}31.12.23, 21:05:33] Ann: hi",
        "2023-12-31 21:05:33 Ann text hi",
    );
    check(
        "[2023/12/31 21:05] Ann: hi",
        "2023-12-31 21:05:00 Ann text hi",
    );
    check(
        "[12/31/23 21.05.33] Ann: hi",
        "2023-12-31 21:05:33 Ann text hi",
    );
    check(
        "[12/31/2566 BE, 21:05:33] Ann: hi",
        "2023-12-31 21:05:33 Ann text hi",
    );
    check(
        "[R5/12/31 21:05:33] Ann: hi",
        "2023-12-31 21:05:33 Ann text hi",
    );
    check(
        "[21:05:33, 31/12/2023] Ann: hi",
        "2023-12-31 21:05:33 Ann text hi",
    );
    check(
        "[\u{663}\u{661}\u{200F}/\u{661}\u{662}\u{200F}/\u{662}\u{660}\u{662}\u{663}\u{60C} \u{669}:\u{660}\u{665}:\u{663}\u{663}\u{A0}\u{645}] \u{202A}+1\u{A0}555\u{202C}: hi",
        "2023-12-31 21:05:33 +1 555 text hi",
    );
    check(
        "[31/12/2023, 午後9:05:33] Ann: hi",
        "2023-12-31 21:05:33 Ann text hi",
    );
}

#[test]
fn multiline_crlf_and_trailing_newline() {
    check(
        "1/2/21, 10:00 - Ann: one\r\ntwo\r\n\r\nthree\r\n1/2/21, 10:01 - Bob: ok\n",
        "2021-02-01 10:00:00 Ann text one\\ntwo\\n\\nthree\n2021-02-01 10:01:00 Bob text ok",
    );
}

#[test]
fn kinds() {
    check(
        "[1/2/21, 10:00:00] Ann: \u{200E}Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.\n\
         [1/2/21, 10:00:01] Bob: \u{200E}image omitted\n\
         [1/2/21, 10:00:02] Bob: \u{200E}audio omitted\n\
         [1/2/21, 10:00:03] Bob: \u{200E}<attached: 00000038-PHOTO-2021-01-02.jpg>\n\
         [1/2/21, 10:00:04] Bob: \u{200E}You deleted this message.\n\
         [1/2/21, 10:00:05] Ann: \u{200E}This message was deleted.\n\
         [1/2/21, 10:00:06] Ann: \u{200E}Missed voice call, \u{200E}Tap to call back\n\
         [1/2/21, 10:00:07] Ann: fine \u{200E}<This message was edited>\n\
         [1/2/21, 10:00:08] Ann: \u{200E}Your security code with Bob changed. \u{200E}Tap to learn more.\n\
         [1/2/21, 10:00:09] Bob: Report.pdf \u{2022} \u{200E}2 pages \u{200E}document omitted\n\
         [1/2/21, 10:00:10] Bob: image omitted is what I saw",
        "2021-02-01 10:00:00 - system Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.\n\
         2021-02-01 10:00:01 Bob media \n\
         2021-02-01 10:00:02 Bob voice \n\
         2021-02-01 10:00:03 Bob media \n\
         2021-02-01 10:00:04 Bob deleted \n\
         2021-02-01 10:00:05 Ann deleted \n\
         2021-02-01 10:00:06 Ann missed_call Missed voice call, \u{200E}Tap to call back\n\
         2021-02-01 10:00:07 Ann text f4 fine\n\
         2021-02-01 10:00:08 - system Your security code with Bob changed. \u{200E}Tap to learn more.\n\
         2021-02-01 10:00:09 Bob media \n\
         2021-02-01 10:00:10 Bob text image omitted is what I saw",
    );
    let c = parse(
        "1/2/21, 10:00 - Ann: You deleted this message\n1/2/21, 10:00 - Bob: x",
        &utc(),
    );
    assert_eq!(c.chat.me_hint, Some(0));
    assert_eq!(c.chat.people, vec!["Ann", "Bob"]);
}

#[test]
fn android_media_and_system() {
    check(
        "13/1/21, 10:00 - Messages and calls are end-to-end encrypted. Tap to learn more.\n\
         13/1/21, 10:01 - Ann created group \"a: b\"\n\
         13/1/21, 10:02 - Ann: <Media omitted>\nCaption\n\
         13/1/21, 10:03 - Bob: PTT-20210113-WA0001.opus (file attached)\n\
         13/1/21, 10:04 - Bob: IMG-20210113-WA0002.jpg (Datei angehängt)\n\
         13/1/21, 10:05 - Bob: Verpasster Sprachanruf\n\
         13/1/21, 10:06 - Bob:",
        "2021-01-13 10:00:00 - system Messages and calls are end-to-end encrypted. Tap to learn more.\n\
         2021-01-13 10:01:00 - system Ann created group \"a: b\"\n\
         2021-01-13 10:02:00 Ann media Caption\n\
         2021-01-13 10:03:00 Bob voice \n\
         2021-01-13 10:04:00 Bob media \n\
         2021-01-13 10:05:00 Bob missed_call Verpasster Sprachanruf\n\
         2021-01-13 10:06:00 Bob text",
    );
}

#[test]
fn date_order_inference_and_override() {
    // 13 in the second field decides m/d/y.
    let c = parse("1/13/21, 10:00 - A: x\n1/14/21, 10:00 - A: y", &utc());
    assert_eq!(c.date_order, DateOrder::Mdy);
    assert!(c.diagnostics.is_empty());
    // Everything ambiguous: chronology decides (m/d/y keeps this file in order) and warns.
    let c = parse(
        "1/2/21, 10:00 - A: x\n1/3/21, 10:00 - A: y\n2/1/21, 10:00 - A: z",
        &utc(),
    );
    assert_eq!(c.date_order, DateOrder::Mdy);
    assert!(
        c.diagnostics
            .iter()
            .any(|d| d.message.contains("ambiguous; read as m/d/y"))
    );
    let c = parse("1/1/21, 10:00 - A: x", &utc());
    assert_eq!(c.date_order, DateOrder::Dmy);
    assert!(
        c.diagnostics
            .iter()
            .any(|d| d.message.contains("ambiguous; read as d/m/y"))
    );
    let opts = Options {
        date_order: Some(DateOrder::Mdy),
        ..utc()
    };
    let c = parse("1/2/21, 10:00 - A: x", &opts);
    assert_eq!(render(&c).trim_end(), "2021-01-02 10:00:00 A text x");
}

#[test]
fn bad_lines_are_reported_and_kept() {
    let c = parse(
        "junk before\n\n31/12/21, 09:00 - A: w\n31/12/21, 09:30 - A: v\n31/12/21, 10:00 - A: x\n31/13/21, 10:01 - A: bad date\n[1.2.2021, 10:00:00] other style\n",
        &utc(),
    );
    assert_eq!(
        render(&c).trim_end(),
        "2021-12-31 09:00:00 A text w\n2021-12-31 09:30:00 A text v\n2021-12-31 10:00:00 A text x\\n31/13/21, 10:01 - A: bad date\\n[1.2.2021, 10:00:00] other style"
    );
    let lines: Vec<u32> = c.diagnostics.iter().map(|d| d.line).collect();
    assert_eq!(lines, vec![1, 6, 7]);
    for d in &c.diagnostics {
        assert!(!d.message.contains("bad date") && !d.message.contains("junk"));
    }
}

#[test]
fn other_style_minority_is_continuation() {
    let mut s = String::new();
    for i in 0..10 {
        s.push_str(&format!("[04.01.18, 11:5{i}:00] A: m{i}\n"));
    }
    s.push_str("[1.2.2019, 00:00:00] A: not a header here\n");
    let c = parse(&s, &utc());
    assert_eq!(c.chat.events.len(), 10);
    assert!(
        c.chat
            .events
            .text_at(9)
            .ends_with("\n[1.2.2019, 00:00:00] A: not a header here")
    );
    assert_eq!(c.diagnostics.iter().filter(|d| d.line == 11).count(), 1);
}

#[test]
fn out_of_order_and_dst() {
    let c = parse("31/12/21, 10:05 - A: x\n31/12/21, 10:00 - A: y", &utc());
    assert_eq!(
        c.chat.events[1].flags & flags::OUT_OF_ORDER,
        flags::OUT_OF_ORDER
    );
    let opts = Options {
        tz: jiff::tz::TimeZone::get("Europe/Berlin").unwrap(),
        date_order: None,
    };
    let c = parse(
        "28/03/21, 02:30 - A: x\n31/10/21, 02:30 - A: y\n01/07/21, 12:00 - A: z",
        &opts,
    );
    assert_eq!(
        c.chat.events[0].flags & flags::TIME_SKIPPED,
        flags::TIME_SKIPPED
    );
    assert_eq!(
        c.chat.events[1].flags & flags::TIME_AMBIGUOUS,
        flags::TIME_AMBIGUOUS
    );
    // 12:00 CEST is 10:00 UTC.
    assert_eq!(c.chat.events[2].ts, 1_625_133_600_000);
}

#[test]
fn titles() {
    assert_eq!(
        title_from_file_name("WhatsApp Chat with Ann B.txt").as_deref(),
        Some("Ann B")
    );
    assert_eq!(
        title_from_file_name("dir/WhatsApp Chat mit Ann.txt").as_deref(),
        Some("Ann")
    );
    assert_eq!(
        title_from_file_name("WhatsApp Chat - Ann.zip").as_deref(),
        Some("Ann")
    );
    assert_eq!(title_from_file_name("_chat.txt"), None);
    let c = parse_named(
        Some("WhatsApp Chat with Zed.txt"),
        "1/1/21, 10:00 - A: x",
        &utc(),
    );
    assert_eq!(c.chat.title.as_deref(), Some("Zed"));
    let c = parse("1/1/21, 10:00 - A: x\n1/1/21, 10:00 - B: x", &utc());
    assert_eq!(c.chat.title.as_deref(), Some("A, B"));
}

#[test]
fn sniff() {
    assert!(looks_like_whatsapp("\u{FEFF}\n1/1/21, 10:00 - A: x"));
    assert!(!looks_like_whatsapp("hello\nworld"));
    assert!(!looks_like_whatsapp(""));
}

/// Parses `bytes` read `chunk` bytes at a time, by a reader that gives at most `step` bytes
/// per call; also returns how many readings it took.
fn parse_in_chunks(bytes: &[u8], chunk: usize, step: usize) -> (WhatsAppChat, usize) {
    struct Trickle<'a> {
        b: &'a [u8],
        step: usize,
    }
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.b.len().min(out.len()).min(self.step);
            let (head, rest) = self.b.split_at(n);
            out[..n].copy_from_slice(head);
            self.b = rest;
            Ok(n)
        }
    }
    let mut readings = 0;
    let mut open = |_: Pass| {
        readings += 1;
        Ok(Trickle { b: bytes, step })
    };
    let chat = parse_chunked(Some("chat.txt"), Some("chat.txt"), &mut open, &utc(), chunk).unwrap();
    (chat, readings)
}

fn fixture_texts() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/whatsapp");
    let mut out: Vec<String> = [
        "android_en_us.txt",
        "ios_buddhist.txt",
        "ios_de_crlf.txt",
        "ios_ymd_bad_lines.txt",
    ]
    .iter()
    .map(|f| std::fs::read_to_string(dir.join(f)).unwrap())
    .collect();
    // Multi-line messages, a line before the first header, no final newline.
    out.push(
        "junk before\n1/2/24, 10:00 - A: one\ntwo\n\nthree\n1/2/24, 10:01 - B: ‎image omitted\n\
         1/2/24, 10:02 - B: x\r\ny\r\n1/2/24, 10:03 - A: last line, no newline"
            .to_owned(),
    );
    out
}

#[test]
fn chunk_boundaries_never_change_the_result() {
    for text in fixture_texts() {
        let whole = parse_named(Some("chat.txt"), &text, &utc());
        for (chunk, step) in [(1, 1), (2, 1), (3, 2), (7, 7), (16, 5), (61, 64), (4096, 3)] {
            let (got, _) = parse_in_chunks(text.as_bytes(), chunk, step);
            assert_eq!(got, whole, "chunk {chunk}, step {step}");
        }
    }
}

#[test]
fn bad_utf8_is_replaced_and_reported_wherever_the_chunks_fall() {
    let mut bytes = b"1/2/24, 10:00 - A: caf\xC3\xA9\n1/2/24, 10:01 - B: ok\n".to_vec();
    bytes.extend_from_slice(b"1/2/24, 10:02 - A: bad \xFF\xFE byte\nsecond line \xC3\n");
    bytes.extend_from_slice(b"1/2/24, 10:03 - B: fine\n");
    let (reference, _) = parse_in_chunks(&bytes, 1 << 20, 1 << 20);
    assert_eq!(reference.chat.events.len(), 4);
    assert_eq!(
        reference.chat.events.text_at(2),
        "bad \u{FFFD}\u{FFFD} byte\nsecond line \u{FFFD}"
    );
    let d = &reference.diagnostics[0];
    assert_eq!(d.line, 3);
    assert!(
        d.message
            .contains("chat.txt is not valid utf-8 (first at line 3)")
    );
    for (chunk, step) in [(1, 1), (5, 3), (40, 40), (57, 100)] {
        let (got, _) = parse_in_chunks(&bytes, chunk, step);
        assert_eq!(got, reference, "chunk {chunk}, step {step}");
    }
}

#[test]
fn a_decision_the_first_chunk_got_wrong_is_read_again() {
    // Ten dates that read chronologically either way (a tie reads as d/m/y), then the 13th
    // of February written m/d: the whole file is m/d/y.
    let mut text = String::new();
    for day in 1..=10 {
        text.push_str(&format!("02/{day:02}/24, 10:00 - A: m{day}\n"));
    }
    text.push_str("02/13/24, 10:00 - B: late evidence\n");
    let whole = parse_named(Some("chat.txt"), &text, &utc());
    assert_eq!(whole.date_order, DateOrder::Mdy);
    let (first_chunk_only, readings) = parse_in_chunks(text.as_bytes(), 40, 40);
    assert_eq!(
        readings, 2,
        "the first guess came from one line and was wrong"
    );
    assert_eq!(first_chunk_only, whole);
    let (one_chunk, readings) = parse_in_chunks(text.as_bytes(), 1 << 20, 1 << 20);
    assert_eq!((one_chunk, readings), (whole, 1));
}

/// Japanese-calendar years wherever the year field is: first (`R4/03/18`) or last, as iPhones
/// with the Japanese calendar and a US region write (`[3/18/R4, 14:56:01]`), in the letter and
/// the kanji forms, across an era change (H31 → R1 in 2019).
#[test]
fn japanese_era_years_in_any_position() {
    check(
        "[3/18/R4, 14:56:01] Ann: hi\n[3/27/R4, 21:41:35] Ben: yo",
        "2022-03-18 14:56:01 Ann text hi\n2022-03-27 21:41:35 Ben text yo",
    );
    check(
        "[4/30/H31, 10:00:00] Ann: last day of Heisei\n[5/1/R1, 10:00:00] Ann: first of Reiwa",
        "2019-04-30 10:00:00 Ann text last day of Heisei\n2019-05-01 10:00:00 Ann text first of Reiwa",
    );
    check(
        "[12/31/S63 21:05:33] Ann: hi",
        "1988-12-31 21:05:33 Ann text hi",
    );
    // Day first with the era year last, Android style.
    check(
        "18/03/R4, 14:56 - Ann: hi",
        "2022-03-18 14:56:00 Ann text hi",
    );
    // Kanji era names, first and last.
    check(
        "[令和4/03/18 14:56:00] Ann: hi",
        "2022-03-18 14:56:00 Ann text hi",
    );
    check(
        "[1/7/昭和64, 10:00:00] Ann: old\n[4/30/平成31, 10:00:00] Ann: yo\n[3/18/令和4, 14:56:01] Ann: hi",
        "1989-01-07 10:00:00 Ann text old\n2019-04-30 10:00:00 Ann text yo\n2022-03-18 14:56:01 Ann text hi",
    );
    assert!(looks_like_whatsapp("[3/18/R4, 14:56:01] Ann: hi"));
    // A letter that is no era stays not a header.
    assert!(!looks_like_whatsapp("[3/18/X4, 14:56:01] Ann: hi"));
}

/// A system line in a language we have no pattern for, whose text holds `": "` or ends with
/// `:` (Armenian writes its full stop as a colon), is a System event and never a participant;
/// a Warning names its line and holds no text.
#[test]
fn localized_system_sentences_never_become_participants() {
    // The Armenian group encryption notice, as seen in a real sample (dona-V2), and a
    // synthetic notice of many words in a made-up language.
    let input = "25/05/23, 08:15 - Ann: hi\n\
25/05/23, 08:16 - Խմբի հաղորդագրությունները այժմ պաշտպանված են ծայրից ծայր գաղտնագրմամբ:\n\
25/05/23, 08:17 - Ben: hello\n\
25/05/23, 08:18 - Lorem ipsum dolor sit amet nova quarta verba: sed do eiusmod.\n\
25/05/23, 08:19 - Ann: You deleted this message\n";
    let c = parse(input, &utc());
    assert_eq!(c.chat.people, vec!["Ann", "Ben"]);
    assert_eq!(
        render(&c),
        "2023-05-25 08:15:00 Ann text hi\n\
2023-05-25 08:16:00 - system Խմբի հաղորդագրությունները այժմ պաշտպանված են ծայրից ծայր գաղտնագրմամբ:\n\
2023-05-25 08:17:00 Ben text hello\n\
2023-05-25 08:18:00 - system Lorem ipsum dolor sit amet nova quarta verba: sed do eiusmod.\n\
2023-05-25 08:19:00 Ann deleted \n"
    );
    assert_eq!(c.chat.me_hint, Some(0));
    let warned: Vec<u32> = c
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("system notice"))
        .map(|d| d.line)
        .collect();
    assert_eq!(warned, vec![2, 4]);
    for d in &c.diagnostics {
        assert!(!d.message.contains("Lorem") && !d.message.contains("Խմբի"));
    }
}

/// Real names stay participants, however unusual: one message each from long names, names
/// with punctuation, emoji and phone numbers; a sentence-like name that writes often, or sends
/// media, is a person.
#[test]
fn unusual_names_stay_participants() {
    let input = "2/11/19, 14:18 - Ann: hi\n\
2/11/19, 14:19 - Even longer username with emoticons! 🙈 🙈: Maybe this will crash?\n\
2/11/19, 14:20 - Dr. Maria de la Cruz: hola\n\
2/11/19, 14:21 - The final test: Does it work with colons?: yes\n\
2/11/19, 14:22 - +1 555 123 4567: hi\n\
2/11/19, 14:23 - Ann B.: hi\n\
2/11/19, 14:24 - Mary Jane Watson Jr.: hi\n\
2/11/19, 14:25 - Lorem ipsum dolor sit amet nova quarta verba: <Media omitted>\n\
2/11/19, 14:26 - Uno dos tres cuatro cinco seis siete ocho: one\n\
2/11/19, 14:27 - Uno dos tres cuatro cinco seis siete ocho: two\n\
2/11/19, 14:28 - Uno dos tres cuatro cinco seis siete ocho: three\n\
2/11/19, 14:29 - Zed Alpha Beta: multi\nline\n";
    let c = parse(input, &utc());
    assert_eq!(
        c.chat.people,
        vec![
            "Ann",
            "Even longer username with emoticons! 🙈 🙈",
            "Dr. Maria de la Cruz",
            "The final test",
            "+1 555 123 4567",
            "Ann B.",
            "Mary Jane Watson Jr.",
            "Lorem ipsum dolor sit amet nova quarta verba",
            "Uno dos tres cuatro cinco seis siete ocho",
            "Zed Alpha Beta",
        ]
    );
    assert!(
        !c.diagnostics
            .iter()
            .any(|d| d.message.contains("system notice")),
        "{:?}",
        c.diagnostics
    );
}

/// iOS writes notices under the group's name after a U+200E mark; the Armenian group
/// encryption notice (which does not mention WhatsApp) is one.
#[test]
fn marked_armenian_encryption_notice_is_system() {
    check(
        "[25/05/2023, 08:16:00] Խումբ: \u{200E}Խմբի հաղորդագրությունները այժմ պաշտպանված են ծայրից ծայր գաղտնագրմամբ:\n[25/05/2023, 08:17:00] Ann: hi",
        "2023-05-25 08:16:00 - system Խմբի հաղորդագրությունները այժմ պաշտպանված են ծայրից ծայր գաղտնագրմամբ:\n2023-05-25 08:17:00 Ann text hi",
    );
}

#[test]
fn a_line_longer_than_a_message_may_be_is_cut_and_flagged_wherever_the_chunks_fall() {
    use walkaway_model::MAX_TEXT;
    // Two-byte characters, so that a cut in the middle of one would show.
    let long = "é".repeat(MAX_TEXT);
    let text =
        format!("1/2/24, 10:00 - A: hi\n1/2/24, 10:01 - B: {long}\n1/2/24, 10:02 - A: after\n");
    let whole = parse_named(Some("chat.txt"), &text, &utc());
    let events = &whole.chat.events;
    assert_eq!(events.len(), 3);
    assert_eq!(events.text_at(1), &long[..MAX_TEXT]);
    assert_eq!(events[1].flags & flags::CUT, flags::CUT);
    assert_eq!(events[0].flags & flags::CUT, 0);
    assert_eq!((events.text_at(2), events[2].line), ("after", 3));
    for (chunk, step) in [
        (1 << 20, 1 << 20),
        (4096, 1000),
        (MAX_LINE + 1, 7777),
        (3 << 20, 1 << 16),
    ] {
        let (got, _) = parse_in_chunks(text.as_bytes(), chunk, step);
        assert_eq!(got, whole, "chunk {chunk}, step {step}");
    }
}

#[test]
fn a_message_of_many_lines_stops_at_the_most_text_a_message_may_hold() {
    use walkaway_model::MAX_TEXT;
    let line = "x".repeat(999);
    let lines = 3 * MAX_TEXT / 1000;
    let mut text = String::from("1/2/24, 10:00 - A: start\n");
    for _ in 0..lines {
        text.push_str(&line);
        text.push('\n');
    }
    text.push_str("1/2/24, 10:02 - B: after\n");
    let whole = parse_named(Some("chat.txt"), &text, &utc());
    let events = &whole.chat.events;
    assert_eq!(events.len(), 2);
    let first = events.text_at(0);
    assert!(
        first.len() <= MAX_TEXT && first.len() > MAX_TEXT - 1000,
        "{}",
        first.len()
    );
    assert!(first.starts_with("start\nxxx") && first.ends_with("xxx"));
    assert_eq!(events[0].flags & flags::CUT, flags::CUT);
    let after = u32::try_from(lines).unwrap() + 2;
    assert_eq!((events.text_at(1), events[1].line), ("after", after));
    assert_eq!(events[1].flags & flags::CUT, 0);
    for (chunk, step) in [(1 << 20, 1 << 20), (4096, 1000), (100_000, 777)] {
        let (got, _) = parse_in_chunks(text.as_bytes(), chunk, step);
        assert_eq!(got, whole, "chunk {chunk}, step {step}");
    }
}

#[test]
fn a_cut_line_keeps_the_line_numbers_and_utf8_report_of_the_lines_after_it() {
    use walkaway_model::MAX_TEXT;
    let mut bytes = b"1/2/24, 10:00 - A: ".to_vec();
    bytes.extend(std::iter::repeat_n(b'y', 2 * MAX_TEXT));
    bytes.extend_from_slice(b"\n1/2/24, 10:01 - B: ok\n1/2/24, 10:02 - A: bad \xFF\n");
    let (got, _) = parse_in_chunks(&bytes, 1 << 20, 1 << 20);
    assert_eq!(got.chat.events.len(), 3);
    assert_eq!(got.chat.events[2].line, 3);
    assert_eq!(got.diagnostics[0].line, 3, "{:?}", got.diagnostics);
}
