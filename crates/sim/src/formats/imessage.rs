//! macOS Messages' `chat.db` (docs/formats/imessage.md): a SQLite database with the tables and
//! columns of a current macOS that the reader uses (`handle`, `chat`, `chat_handle_join`,
//! `chat_message_join`, `message`), one one-to-one chat (`style` 45) with the partner's number.
//!
//! Dates are nanoseconds since 2001-01-01 UTC. As since macOS Ventura, many rows keep their
//! text only in `attributedBody` (every other text message here, `text` NULL), a typedstream
//! ([`typedstream`]). The user's rows have `is_from_me` 1, the partner's handle; every row has the
//! user's address in `account` and `destination_caller_id`. A photo is U+FFFC with `cache_has_attachments`; a voice
//! note adds `is_audio_message`; an unsent message has no text left and `date_retracted` (and
//! `date_edited`) set. Missed calls are FaceTime's, which keeps them outside chat.db.

use std::io;
use std::path::Path;

use rusqlite::{Connection, params};
use walkaway_model::{Kind, Millis, ParsedChat};

use super::{PARTNER_E164, Written};

/// 2001-01-01T00:00:00Z in Unix milliseconds: Apple's epoch.
const APPLE_EPOCH_MS: Millis = 978_307_200_000;

/// The user's iMessage address.
pub const USER_ADDRESS: &str = "alex.kim@example.org";

fn sql(e: rusqlite::Error) -> io::Error {
    io::Error::other(e.to_string())
}

pub fn write(chat: &ParsedChat, dir: &Path) -> io::Result<Written> {
    let path = dir.join("chat.db");
    let mut c = Connection::open(&path).map_err(sql)?;
    c.execute_batch(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, UNIQUE (id, service));
         CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER, state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT, room_name TEXT, account_login TEXT, is_archived INTEGER DEFAULT 0, last_addressed_handle TEXT, display_name TEXT, group_id TEXT, is_filtered INTEGER DEFAULT 0, successful_query INTEGER);
         CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id));
         CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE, message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, message_date INTEGER DEFAULT 0, PRIMARY KEY (chat_id, message_id));
         CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT, account TEXT, account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0, is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0, is_empty INTEGER DEFAULT 0, is_delayed INTEGER DEFAULT 0, is_auto_reply INTEGER DEFAULT 0, is_prepared INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, is_system_message INTEGER DEFAULT 0, is_sent INTEGER DEFAULT 0, has_dd_results INTEGER DEFAULT 0, is_service_message INTEGER DEFAULT 0, is_forward INTEGER DEFAULT 0, was_downgraded INTEGER DEFAULT 0, is_archive INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, cache_roomnames TEXT, was_data_detected INTEGER DEFAULT 0, was_deduplicated INTEGER DEFAULT 0, is_audio_message INTEGER DEFAULT 0, is_played INTEGER DEFAULT 0, date_played INTEGER, item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0, group_title TEXT, group_action_type INTEGER DEFAULT 0, share_status INTEGER DEFAULT 0, share_direction INTEGER DEFAULT 0, is_expirable INTEGER DEFAULT 0, expire_state INTEGER DEFAULT 0, message_action_type INTEGER DEFAULT 0, message_source INTEGER DEFAULT 0, associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0, balloon_bundle_id TEXT, payload_data BLOB, expressive_send_style_id TEXT, associated_message_range_location INTEGER DEFAULT 0, associated_message_range_length INTEGER DEFAULT 0, time_expressive_send_played INTEGER, message_summary_info BLOB, destination_caller_id TEXT, date_retracted INTEGER DEFAULT 0, date_edited INTEGER DEFAULT 0);",
    )
    .map_err(sql)?;
    let tx = c.transaction().map_err(sql)?;
    tx.execute(
        "INSERT INTO handle (ROWID, id, country, service, uncanonicalized_id) VALUES (1, ?1, 'us', 'iMessage', NULL)",
        params![PARTNER_E164],
    )
    .map_err(sql)?;
    tx.execute(
        "INSERT INTO chat (ROWID, guid, style, state, chat_identifier, service_name, display_name) VALUES (1, ?1, 45, 3, ?2, 'iMessage', '')",
        params![format!("iMessage;-;{PARTNER_E164}"), PARTNER_E164],
    )
    .map_err(sql)?;
    tx.execute("INSERT INTO chat_handle_join VALUES (1, 1)", [])
        .map_err(sql)?;
    let mut rowid = 0i64;
    let mut texts = 0u64;
    for (e, text) in chat.events.iter_texts() {
        let Some(sender) = e.sender else { continue };
        let from_me = sender == 0;
        let date = (e.ts - APPLE_EPOCH_MS) * 1_000_000;
        let (mut text_col, mut body, mut attach, mut audio, mut retracted) =
            (None, None, 0, 0, 0i64);
        match e.kind {
            Kind::Text => {
                texts += 1;
                body = Some(typedstream(text));
                // Ventura and later often leave `text` empty.
                if texts % 2 == 1 {
                    text_col = Some(text.to_owned());
                }
            }
            Kind::Media | Kind::Voice => {
                text_col = Some("\u{fffc}".to_owned());
                body = Some(typedstream("\u{fffc}"));
                attach = 1;
                audio = i32::from(e.kind == Kind::Voice);
            }
            Kind::Deleted => retracted = date + 60_000_000_000,
            _ => continue,
        }
        rowid += 1;
        tx.execute(
            "INSERT INTO message (ROWID, guid, text, handle_id, attributedBody, service, account, date, date_read, date_delivered, is_delivered, is_finished, is_from_me, is_read, is_sent, cache_has_attachments, is_audio_message, destination_caller_id, date_retracted, date_edited)
             VALUES (?1, ?2, ?3, 1, ?4, 'iMessage', ?5, ?6, ?6, ?6, 1, 1, ?7, 1, ?7, ?8, ?9, ?10, ?11, ?11)",
            params![
                rowid,
                format!("5A1B2C3D-0000-4000-8000-{rowid:012}"),
                text_col,
                body,
                format!("e:{USER_ADDRESS}"),
                date,
                i32::from(from_me),
                attach,
                audio,
                USER_ADDRESS,
                retracted,
            ],
        )
        .map_err(sql)?;
        tx.execute(
            "INSERT INTO chat_message_join VALUES (1, ?1, ?2)",
            params![rowid, date],
        )
        .map_err(sql)?;
    }
    tx.commit().map_err(sql)?;
    // Messages folds its log into the database when it quits; the copy a user imports is whole.
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
        .map_err(sql)?;
    drop(c);
    Ok(Written {
        paths: vec![path],
        user: "Me".to_owned(),
        partner: PARTNER_E164.to_owned(),
        names_user: true,
    })
}

/// An `NSAttributedString` archived as a typedstream holding `text`, abridged after the
/// string: the header, the class chain `NSAttributedString` → `NSObject`, then the
/// `NSString` class, its type `+` and the UTF-8 bytes with their length (a byte below 0x80,
/// else 0x81 and a little-endian u16, else 0x82 and a u32), then the end of the object.
pub fn typedstream(text: &str) -> Vec<u8> {
    let mut b = vec![0x04, 0x0b];
    b.extend_from_slice(b"streamtyped");
    b.extend_from_slice(&[0x81, 0xe8, 0x03, 0x84, 0x01, 0x40, 0x84, 0x84, 0x84, 0x12]);
    b.extend_from_slice(b"NSAttributedString");
    b.extend_from_slice(&[0x00, 0x84, 0x84, 0x08]);
    b.extend_from_slice(b"NSObject");
    b.extend_from_slice(&[0x00, 0x85, 0x92, 0x84, 0x84, 0x84, 0x08]);
    b.extend_from_slice(b"NSString");
    b.extend_from_slice(&[0x01, 0x94, 0x84, 0x01, 0x2b]);
    let bytes = text.as_bytes();
    match u16::try_from(bytes.len()) {
        Ok(n) if n < 0x80 => b.push(n as u8),
        Ok(n) => {
            b.push(0x81);
            b.extend_from_slice(&n.to_le_bytes());
        }
        Err(_) => {
            b.push(0x82);
            b.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        }
    }
    b.extend_from_slice(bytes);
    b.extend_from_slice(&[0x86, 0x84, 0x02, 0x69, 0x49, 0x01, 0x01, 0x92, 0x86, 0x86]);
    b
}
