//! signal-export's Markdown (`NAME/chat.md`, docs/formats/signal.md), current version: one
//! message per header `[YYYY-MM-DD HH:MM:SS] NAME: TEXT` in the exporting computer's wall time,
//! the message's further lines below it, and two trailing spaces ending each
//! message (a Markdown line break). The user is `Me`. A photo is an image link
//! `![IMG_….jpg](./media/…)`, a voice note a link to its audio file; a deleted message reads
//! `(This message was deleted)`; a missed call is the partner's `Missed voice call`, or the
//! user's `Outgoing voice call (unanswered)`.

use std::io;
use std::path::Path;

use jiff::tz::TimeZone;
use walkaway_model::{Kind, ParsedChat};

use super::{Written, partner, wall, write_file};

pub fn write(chat: &ParsedChat, dir: &Path, tz: &TimeZone) -> io::Result<Written> {
    let path = dir
        .join("signal-export")
        .join(partner(chat))
        .join("chat.md");
    write_file(&path, render(chat, tz))?;
    Ok(Written {
        paths: vec![path],
        user: "Me".to_owned(),
        partner: partner(chat).to_owned(),
        names_user: true,
    })
}

pub fn render(chat: &ParsedChat, tz: &TimeZone) -> String {
    let mut out = String::new();
    for (i, (e, text)) in chat.events.iter_texts().enumerate() {
        let Some(sender) = e.sender else { continue };
        let stamp = wall(e.ts, tz, "%Y-%m-%d-%H-%M-%S");
        let body = match (e.kind, sender == 0) {
            (Kind::Text, _) => text.to_owned(),
            (Kind::Media, _) => format!("![IMG_{i}.jpg](./media/{stamp}_IMG_{i}.jpg)"),
            (Kind::Voice, _) => format!("[voice-{i}.aac](./media/{stamp}_voice-{i}.aac)"),
            (Kind::Deleted, _) => "(This message was deleted)".to_owned(),
            (Kind::MissedCall, true) => "Outgoing voice call (unanswered)".to_owned(),
            (Kind::MissedCall, false) => "Missed voice call".to_owned(),
            _ => continue,
        };
        let name = if sender == 0 { "Me" } else { partner(chat) };
        out.push_str(&format!(
            "[{}] {name}: {body}  \n",
            wall(e.ts, tz, "%Y-%m-%d %H:%M:%S")
        ));
    }
    out
}
