//! Rendering a simulated chat as a WhatsApp export (en-US): Android, and iPhone
//! ([`render_ios_en_us_in`]).
//!
//! The command-line tool reads exports, not our types, so the demo and any end-to-end test need
//! the history as the phone would write it: `M/D/YY, H:MM AM - Name: text`, system lines without
//! a name, continuation lines of multi-line messages on their own lines. The format is the one of
//! the benchmark generator (`gen_whatsapp.py --format android-en-us`).

use crate::civil;
use walkaway_model::{Kind, ParsedChat};

/// The Android en-US header of an instant (UTC wall clock), e.g. `10/1/26, 9:05 PM`.
pub fn header(ts: walkaway_model::Millis) -> String {
    let w = civil::wall_clock(ts);
    let h12 = match w.hour % 12 {
        0 => 12,
        h => h,
    };
    let ampm = if w.hour < 12 { "AM" } else { "PM" };
    format!(
        "{}/{}/{:02}, {}:{:02} {}",
        w.month,
        w.day,
        w.year.rem_euclid(100),
        h12,
        w.minute,
        ampm
    )
}

/// The whole chat as an Android en-US export, one event per entry, `\n` line endings.
pub fn render_android_en_us(chat: &ParsedChat) -> String {
    render_android_en_us_in(chat, &jiff::tz::TimeZone::UTC)
}

/// [`render_android_en_us`] by a phone set to `tz`: its wall-clock times.
pub fn render_android_en_us_in(chat: &ParsedChat, tz: &jiff::tz::TimeZone) -> String {
    let mut out = String::new();
    for (e, text) in chat.events.iter_texts() {
        let offset = jiff::Timestamp::from_millisecond(e.ts)
            .map_or(0, |t| i64::from(tz.to_offset(t).seconds()) * 1000);
        out.push_str(&header(e.ts + offset));
        out.push_str(" - ");
        let name = e
            .sender
            .and_then(|i| chat.people.get(usize::try_from(i).ok()?));
        if let Some(name) = name {
            out.push_str(name);
            out.push_str(": ");
        }
        out.push_str(text);
        out.push('\n');
    }
    out
}

/// The whole chat as an iPhone export (en-US) by a phone set to `tz`: `[M/D/YY, H:MM:SS AM]
/// Name: text`. Notices come after a left-to-right mark (U+200E), as the iPhone writes them:
/// media `image omitted`, voice notes `audio omitted`, deletions `This message was deleted.` /
/// `You deleted this message.`, missed calls `Missed voice call, Tap to call back` under the
/// caller's name; system lines (the encryption notice) under the partner's name.
pub fn render_ios_en_us_in(chat: &ParsedChat, tz: &jiff::tz::TimeZone) -> String {
    const LRM: char = '\u{200e}';
    let mut out = String::new();
    for (e, text) in chat.events.iter_texts() {
        let stamp = jiff::Timestamp::from_millisecond(e.ts)
            .map(|t| {
                t.to_zoned(tz.clone())
                    .strftime("%-m/%-d/%y, %-I:%M:%S %p")
                    .to_string()
            })
            .unwrap_or_default();
        // System lines are written under the partner's name.
        let who = e.sender.unwrap_or(1);
        let name = chat
            .people
            .get(usize::try_from(who).unwrap_or(usize::MAX))
            .map_or("", String::as_str);
        let by_user = e.sender == Some(0);
        let body = match e.kind {
            Kind::Media => format!("{LRM}image omitted"),
            Kind::Voice => format!("{LRM}audio omitted"),
            Kind::Deleted if by_user => format!("{LRM}You deleted this message."),
            Kind::Deleted => format!("{LRM}This message was deleted."),
            Kind::MissedCall if text.contains("video") => {
                format!("{LRM}Missed video call, {LRM}Tap to call back")
            }
            Kind::MissedCall => format!("{LRM}Missed voice call, {LRM}Tap to call back"),
            Kind::System => format!("{LRM}{text}"),
            _ => text.to_owned(),
        };
        out.push_str(&format!("[{stamp}] {name}: {body}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use walkaway_model::{Events, Kind, NewEvent};

    #[test]
    fn header_uses_twelve_hour_clock() {
        let d = civil::midnight(2026, 10, 1);
        assert_eq!(header(d), "10/1/26, 12:00 AM");
        assert_eq!(
            header(d + 21 * civil::HOUR + 5 * civil::MINUTE),
            "10/1/26, 9:05 PM"
        );
        assert_eq!(header(d + 12 * civil::HOUR), "10/1/26, 12:00 PM");
    }

    #[test]
    fn renders_system_and_multiline() {
        let ev = |ts, sender, kind, text: &'static str| NewEvent {
            ts,
            sender,
            kind,
            text,
            line: 0,
            flags: 0,
        };
        let d = civil::midnight(2026, 2, 1);
        let chat = ParsedChat {
            people: vec!["Alex".into(), "Sam".into()],
            events: Events::try_from_iter([
                ev(
                    d,
                    None,
                    Kind::System,
                    "Messages and calls are end-to-end encrypted.",
                ),
                ev(d + civil::MINUTE, Some(0), Kind::Text, "one\ntwo"),
                ev(d + 2 * civil::MINUTE, Some(7), Kind::Text, "orphan"),
            ])
            .unwrap(),
            ..ParsedChat::default()
        };
        assert_eq!(
            render_android_en_us(&chat),
            "2/1/26, 12:00 AM - Messages and calls are end-to-end encrypted.\n\
             2/1/26, 12:01 AM - Alex: one\ntwo\n\
             2/1/26, 12:02 AM - orphan\n"
        );
    }
}
