//! DiscordChatExporter's JSON export of a direct message channel (docs/formats/discord.md):
//! `guild` "Direct Messages", `channel` of type `DirectTextChat` named after the partner,
//! `exportedAt`, and `messages` oldest first, each with `timestamp` (RFC 3339 with the
//! exporting computer's offset), `content`, `author` (`id`, `name` the username,
//! `discriminator` `0000` since 2023, `nickname` the display name), `attachments`, `reactions`.
//!
//! Kinds: a photo is an attachment `IMG_….jpg`, a voice note the attachment Discord names
//! `voice-message.ogg`; a call is a record of `type` `Call` by its caller with
//! `callEndedTimestamp`. A call nobody picked up still ends when it stops ringing (here after
//! 30 s), and the export does not say who joined, so it reads as answered ([`super::Carry::As`]).
//! Deleted messages are not in the export.

use std::io;
use std::path::Path;

use jiff::tz::TimeZone;
use walkaway_model::{Kind, Millis, ParsedChat};

use super::{Written, json_str, partner, rfc3339, user, write_file};

/// The user's and the partner's usernames and ids.
pub const USER_NAME: &str = "alex.kim";
pub const PARTNER_NAME: &str = "zoe.martin";
const USER_ID: &str = "310000000000000001";
const PARTNER_ID: &str = "320000000000000002";

pub fn write(
    chat: &ParsedChat,
    exported_at: Millis,
    dir: &Path,
    tz: &TimeZone,
) -> io::Result<Written> {
    let path = dir.join(format!(
        "Direct Messages - Private - {PARTNER_NAME} [900000000000000009].json"
    ));
    write_file(&path, render(chat, exported_at, tz))?;
    Ok(Written {
        paths: vec![path],
        user: user(chat).to_owned(),
        partner: partner(chat).to_owned(),
        names_user: false,
    })
}

fn author(chat: &ParsedChat, by_user: bool) -> String {
    let (id, name, nick) = if by_user {
        (USER_ID, USER_NAME, user(chat))
    } else {
        (PARTNER_ID, PARTNER_NAME, partner(chat))
    };
    format!(
        "{{\n        \"id\": \"{id}\",\n        \"name\": \"{name}\",\n        \"discriminator\": \"0000\",\n        \"nickname\": {},\n        \"color\": null,\n        \"isBot\": false,\n        \"roles\": [],\n        \"avatarUrl\": \"https://cdn.discordapp.com/embed/avatars/0.png\"\n      }}",
        json_str(nick)
    )
}

pub fn render(chat: &ParsedChat, exported_at: Millis, tz: &TimeZone) -> String {
    let mut messages = Vec::new();
    for (i, (e, text)) in chat.events.iter_texts().enumerate() {
        let Some(sender) = e.sender else { continue };
        let id = 1_000_000_000_000_000_000u64 + i as u64;
        let attachment = |file: &str| {
            format!(
                "[\n        {{\n          \"id\": \"{}\",\n          \"url\": \"https://cdn.discordapp.com/attachments/900000000000000009/{id}/{file}\",\n          \"fileName\": \"{file}\",\n          \"fileSizeBytes\": 20480\n        }}\n      ]",
                id + 1
            )
        };
        let (kind, content, attachments, ended) = match e.kind {
            Kind::Text => (
                "Default",
                json_str(text),
                "[]".to_owned(),
                "null".to_owned(),
            ),
            Kind::Media => (
                "Default",
                "\"\"".to_owned(),
                attachment("IMG_2041.jpg"),
                "null".to_owned(),
            ),
            Kind::Voice => (
                "Default",
                "\"\"".to_owned(),
                attachment("voice-message.ogg"),
                "null".to_owned(),
            ),
            Kind::MissedCall => (
                "Call",
                "\"Started a call.\"".to_owned(),
                "[]".to_owned(),
                format!("\"{}\"", rfc3339(e.ts + 30_000, tz)),
            ),
            _ => continue,
        };
        messages.push(format!(
            "    {{\n      \"id\": \"{id}\",\n      \"type\": \"{kind}\",\n      \"timestamp\": \"{}\",\n      \"timestampEdited\": null,\n      \"callEndedTimestamp\": {ended},\n      \"isPinned\": false,\n      \"content\": {content},\n      \"author\": {},\n      \"attachments\": {attachments},\n      \"embeds\": [],\n      \"stickers\": [],\n      \"reactions\": [],\n      \"mentions\": []\n    }}",
            rfc3339(e.ts, tz),
            author(chat, sender == 0)
        ));
    }
    format!(
        "{{\n  \"guild\": {{\n    \"id\": \"0\",\n    \"name\": \"Direct Messages\",\n    \"iconUrl\": \"https://cdn.discordapp.com/embed/avatars/0.png\"\n  }},\n  \"channel\": {{\n    \"id\": \"900000000000000009\",\n    \"type\": \"DirectTextChat\",\n    \"categoryId\": \"0\",\n    \"category\": \"Private\",\n    \"name\": \"{PARTNER_NAME}\",\n    \"topic\": null\n  }},\n  \"dateRange\": {{\n    \"after\": null,\n    \"before\": null\n  }},\n  \"exportedAt\": \"{}\",\n  \"messages\": [\n{}\n  ],\n  \"messageCount\": {}\n}}\n",
        rfc3339(exported_at, tz),
        messages.join(",\n"),
        messages.len()
    )
}
