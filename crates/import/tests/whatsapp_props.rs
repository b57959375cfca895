//! Property tests: the WhatsApp parser never panics, and a rendered export round-trips.

use proptest::prelude::*;
use walkaway_import::{Options, whatsapp};
use walkaway_model::Kind;

fn utc() -> Options {
    Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    }
}

const VALID: &str = "\u{200E}[31.12.23, 21:05:01] G: \u{200E}Messages and calls are end-to-end encrypted. WhatsApp.\n\
[31/12/2023, 21:05:30] Ann: hi\nsecond\n12/31/23, 9:05\u{202F}PM - Ben: <Media omitted>\n\
[1.2.2019, 00:00:00] x\n2023/12/31, 21:05. - Ann: \u{200E}image omitted\n";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_arbitrary_text(s in ".{0,400}") {
        let _ = whatsapp::parse(&s, &utc());
    }

    #[test]
    fn never_panics_on_mutated_exports(
        edits in proptest::collection::vec((0usize..400, any::<char>()), 0..12),
        cut in 0usize..400,
    ) {
        let mut chars: Vec<char> = VALID.chars().collect();
        for (pos, c) in edits {
            let n = chars.len().max(1);
            chars.insert(pos % n, c);
        }
        chars.truncate(cut.max(1));
        let s: String = chars.into_iter().collect();
        let out = whatsapp::parse(&s, &utc());
        for e in &out.chat.events {
            prop_assert_eq!(e.kind == Kind::System, e.sender.is_none());
        }
    }

    #[test]
    fn rendered_android_export_round_trips(
        msgs in proptest::collection::vec(
            (0usize..3, 0i64..5_000_000, "[a-zA-Z0-9 ,.!?]{1,30}", proptest::option::of("[a-z ]{1,20}")),
            1..40,
        )
    ) {
        let names = ["Ann Example", "Ben 🌻", "+1 555 0100"];
        // Minutes from 2021-01-13 00:00 (a day above 12 pins the order to d/m/y).
        let base = 1_610_496_000_000i64;
        let mut t = base;
        let mut text = String::new();
        let mut want = Vec::new();
        for (who, gap, body, extra) in &msgs {
            t += gap / 60 * 60_000;
            let dt = jiff::Timestamp::from_millisecond(t).unwrap().to_zoned(jiff::tz::TimeZone::UTC);
            let mut msg = body.trim().to_owned();
            if msg.is_empty() { msg.push('x'); }
            if let Some(x) = extra { msg.push('\n'); msg.push_str(x); }
            text.push_str(&format!("{}, {} - {}: {}\n", dt.strftime("%d/%m/%Y"), dt.strftime("%H:%M"), names[*who], msg));
            want.push((t, names[*who].to_owned(), msg));
        }
        let dt0 = jiff::Timestamp::from_millisecond(base).unwrap().to_zoned(jiff::tz::TimeZone::UTC);
        text.insert_str(0, &format!("{}, 00:00 - Z: 13th\n", dt0.strftime("%d/%m/%Y")));
        let out = whatsapp::parse(&text, &utc());
        let got: Vec<(i64, String, String)> = out.chat.events.iter_texts().skip(1).map(|(e, t)| {
            (e.ts, out.chat.people[e.sender.unwrap() as usize].clone(), t.to_owned())
        }).collect();
        prop_assert_eq!(got, want);
    }
}
