//! LINE's "Export chat history" of a one-to-one chat, English UI (docs/formats/line.md):
//! `[LINE] Chat history with NAME`, `Saved on: YYYY/MM/DD HH:MM`, then per day a blank line
//! and a date line `YYYY/MM/DD Www`, and one line per message, `HH:MM<TAB>NAME<TAB>TEXT`, in
//! the phone's wall time, whole minutes. A message with line breaks is put in double
//! quotes, a quote inside doubled. A photo is `[Photo]`, a voice note `[Voice message]`, a
//! missed call `☎ Missed call` under the caller's name. Unsent messages: see
//! [`super::Format::carry`].

use std::io;
use std::path::Path;

use jiff::tz::TimeZone;
use walkaway_model::{Kind, Millis, ParsedChat};

use super::{Written, partner, user, wall, write_file};

pub fn write(
    chat: &ParsedChat,
    exported_at: Millis,
    dir: &Path,
    tz: &TimeZone,
) -> io::Result<Written> {
    let path = dir.join(format!("[LINE] Chat with {}.txt", partner(chat)));
    write_file(&path, render(chat, exported_at, tz))?;
    Ok(Written {
        paths: vec![path],
        user: user(chat).to_owned(),
        partner: partner(chat).to_owned(),
        names_user: true,
    })
}

pub fn render(chat: &ParsedChat, exported_at: Millis, tz: &TimeZone) -> String {
    let mut out = format!(
        "[LINE] Chat history with {}\nSaved on: {}\n",
        partner(chat),
        wall(exported_at, tz, "%Y/%m/%d %H:%M")
    );
    let mut day = String::new();
    for (e, text) in chat.events.iter_texts() {
        let Some(sender) = e.sender else { continue };
        let body = match e.kind {
            Kind::Text if text.contains('\n') => format!("\"{}\"", text.replace('"', "\"\"")),
            Kind::Text => text.to_owned(),
            Kind::Media => "[Photo]".to_owned(),
            Kind::Voice => "[Voice message]".to_owned(),
            Kind::MissedCall => "☎ Missed call".to_owned(),
            _ => continue,
        };
        let d = wall(e.ts, tz, "%Y/%m/%d %a");
        if d != day {
            out.push('\n');
            out.push_str(&d);
            out.push('\n');
            day = d;
        }
        let name = if sender == 0 {
            user(chat)
        } else {
            partner(chat)
        };
        out.push_str(&format!("{}\t{name}\t{body}\n", wall(e.ts, tz, "%H:%M")));
    }
    out
}
