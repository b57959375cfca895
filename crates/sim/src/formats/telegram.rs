//! Telegram Desktop's "Export chat history" of one personal chat, machine-readable JSON, current
//! schema (docs/formats/telegram.md): `result.json` with the chat's `name`, `type`
//! `personal_chat` and `id` (the partner's user id), and `messages` oldest first, each with
//! `date` (the exporting computer's wall time), `date_unixtime` (seconds, as a
//! string), `from`/`from_id` and `text` plus `text_entities`.
//!
//! Kinds: a photo has `photo`, `width`, `height`; a voice note `file` with `media_type`
//! `voice_message`; a missed call is a `service` record with `action` `phone_call`, its caller
//! as `actor` and `discard_reason` `missed`. Deleted messages are not in the export.
//!
//! [`write_account`] writes the other variant, "Export Telegram data" (the whole account):
//! `personal_information` naming the user, and the chat in `chats.list`.

use std::io;
use std::path::Path;

use jiff::tz::TimeZone;
use walkaway_model::{Kind, ParsedChat};

use super::{Written, json_str, partner, user, wall, write_file};

/// The user's and the partner's Telegram user ids.
pub const USER_ID: u64 = 1_100_000_001;
pub const PARTNER_ID: u64 = 2_200_000_002;

pub fn write(chat: &ParsedChat, dir: &Path, tz: &TimeZone) -> io::Result<Written> {
    let path = dir.join("ChatExport_2026-10-31").join("result.json");
    write_file(&path, render(chat, tz))?;
    Ok(Written {
        paths: vec![path],
        user: user(chat).to_owned(),
        partner: partner(chat).to_owned(),
        names_user: true,
    })
}

/// "Export Telegram data": the whole account's `result.json`, holding this one chat (and a
/// contact list and an empty `left_chats`, which the reader skips).
pub fn write_account(chat: &ParsedChat, dir: &Path, tz: &TimeZone) -> io::Result<Written> {
    let path = dir.join("DataExport_2026-10-31").join("result.json");
    let body = format!(
        "{{\n \"about\": \"Here is the data you requested. Remember: Telegram is ad free, it doesn't sell your data.\",\n \"personal_information\": {{\n  \"user_id\": {USER_ID},\n  \"first_name\": {},\n  \"last_name\": \"\",\n  \"phone_number\": \"+1 555 010 9999\",\n  \"username\": \"@alexkim\",\n  \"bio\": \"\"\n }},\n \"contacts\": {{\n  \"about\": \"This is your contact list.\",\n  \"list\": [\n   {{\n    \"user_id\": {PARTNER_ID},\n    \"first_name\": {},\n    \"last_name\": \"\",\n    \"phone_number\": \"+1 555 010 2345\",\n    \"date\": \"2025-12-01T10:00:00\",\n    \"date_unixtime\": \"1764583200\"\n   }}\n  ]\n }},\n \"chats\": {{\n  \"about\": \"This page lists all chats from this export.\",\n  \"list\": [\n{}  ]\n }},\n \"left_chats\": {{\n  \"about\": \"This page lists all supergroups and channels you left.\",\n  \"list\": []\n }}\n}}\n",
        json_str(user(chat)),
        json_str(partner(chat)),
        render(chat, tz)
    );
    write_file(&path, body)?;
    Ok(Written {
        paths: vec![path],
        user: user(chat).to_owned(),
        partner: partner(chat).to_owned(),
        names_user: true,
    })
}

/// The whole `result.json`, written by a computer set to `tz`.
pub fn render(chat: &ParsedChat, tz: &TimeZone) -> String {
    let mut out = format!(
        "{{\n \"name\": {},\n \"type\": \"personal_chat\",\n \"id\": {PARTNER_ID},\n \"messages\": [",
        json_str(partner(chat))
    );
    let mut photo = 0u32;
    for (i, (e, text)) in chat.events.iter_texts().enumerate() {
        let Some(sender) = e.sender else { continue };
        // Deleted messages are not in the export; the simulator makes no other kind.
        if !matches!(
            e.kind,
            Kind::Text | Kind::Media | Kind::Voice | Kind::MissedCall
        ) {
            continue;
        }
        let (name, id) = if sender == 0 {
            (user(chat), USER_ID)
        } else {
            (partner(chat), PARTNER_ID)
        };
        let id_no = i + 1;
        let date = wall(e.ts, tz, "%Y-%m-%dT%H:%M:%S");
        let unix = e.ts.div_euclid(1000);
        let head = format!(
            "  {{\n   \"id\": {id_no},\n   \"type\": \"{}\",\n   \"date\": \"{date}\",\n   \"date_unixtime\": \"{unix}\",\n",
            if e.kind == Kind::MissedCall {
                "service"
            } else {
                "message"
            }
        );
        let body = match e.kind {
            Kind::MissedCall => format!(
                "   \"actor\": {},\n   \"actor_id\": \"user{id}\",\n   \"action\": \"phone_call\",\n   \"discard_reason\": \"missed\",\n   \"text\": \"\",\n   \"text_entities\": []\n",
                json_str(name)
            ),
            kind => {
                let mut b = format!(
                    "   \"from\": {},\n   \"from_id\": \"user{id}\",\n",
                    json_str(name)
                );
                match kind {
                    Kind::Media => {
                        photo += 1;
                        b.push_str(&format!(
                            "   \"photo\": \"photos/photo_{photo}@{}.jpg\",\n   \"width\": 1280,\n   \"height\": 960,\n   \"text\": \"\",\n   \"text_entities\": []\n",
                            wall(e.ts, tz, "%d-%m-%Y_%H-%M-%S")
                        ));
                    }
                    Kind::Voice => {
                        photo += 1;
                        b.push_str(&format!(
                            "   \"file\": \"voice_messages/audio_{photo}@{}.ogg\",\n   \"media_type\": \"voice_message\",\n   \"mime_type\": \"audio/ogg\",\n   \"duration_seconds\": 4,\n   \"text\": \"\",\n   \"text_entities\": []\n",
                            wall(e.ts, tz, "%d-%m-%Y_%H-%M-%S")
                        ));
                    }
                    _ => {
                        let t = json_str(text);
                        b.push_str(&format!(
                            "   \"text\": {t},\n   \"text_entities\": [\n    {{\n     \"type\": \"plain\",\n     \"text\": {t}\n    }}\n   ]\n"
                        ));
                    }
                }
                b
            }
        };
        if !out.ends_with('[') {
            out.push(',');
        }
        out.push('\n');
        out.push_str(&head);
        out.push_str(&body);
        out.push_str("  }");
    }
    out.push_str("\n ]\n}\n");
    out
}
