//! Messenger and Instagram direct messages from Meta's "Download your information", JSON
//! (docs/formats/messenger.md): the export folder holds the account's profile file and one
//! folder per thread, `…/messages/inbox/<thread>/message_1.json`, `message_2.json`…, at most
//! [`PER_FILE`] messages each, **newest first** (`message_1.json` holds the newest).
//!
//! Meta writes every string with each UTF-8 byte as one Latin-1 code point, escaped:
//! `Zoë` is `"Zo\u00c3\u00ab"` ([`mojibake`]).
//!
//! Kinds: a photo has `photos`, a voice note `audio_files` (both `[{"uri",
//! "creation_timestamp"}]`); an unsent message keeps its placeholder "NAME unsent a message."
//! ("You unsent a message." for the user) with `is_unsent`; a missed call has
//! `call_duration: 0` under the caller's name, its text "You missed a call from NAME." when
//! the partner called and "NAME missed your call." when the user did.

use std::io;
use std::path::Path;

use walkaway_model::{Kind, Millis, ParsedChat};

use super::{Written, partner, user, write_file};

/// Messages per thread file (Meta splits threads at about 10,000).
pub const PER_FILE: usize = 10_000;

/// The thread's folder name.
pub const THREAD: &str = "zoemartin_1234567890";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum App {
    Messenger,
    Instagram,
}

/// Writes the export folder (`facebook-export/` or `instagram-export/`) under `dir`.
pub fn write(chat: &ParsedChat, exported_at: Millis, dir: &Path, app: App) -> io::Result<Written> {
    write_split(chat, exported_at, dir, app, PER_FILE)
}

/// [`write`] with `per_file` messages per thread file (a test of the reading of several files
/// needs no 10,000-message history).
pub fn write_split(
    chat: &ParsedChat,
    exported_at: Millis,
    dir: &Path,
    app: App,
    per_file: usize,
) -> io::Result<Written> {
    let (root, activity, profile_path, profile) = match app {
        App::Messenger => (
            dir.join("facebook-export"),
            "your_facebook_activity",
            "personal_information/profile_information/profile_information.json",
            format!(
                "{{\n  \"profile_v2\": {{\n    \"name\": {{\n      \"full_name\": {}\n    }},\n    \"registration_timestamp\": 1388534400\n  }}\n}}\n",
                mojibake(user(chat))
            ),
        ),
        App::Instagram => (
            dir.join("instagram-export"),
            "your_instagram_activity",
            "personal_information/personal_information/personal_information.json",
            format!(
                "{{\n  \"profile_user\": [\n    {{\n      \"media_map_data\": {{}},\n      \"string_map_data\": {{\n        \"Name\": {{\n          \"href\": \"\",\n          \"value\": {},\n          \"timestamp\": 0\n        }},\n        \"Username\": {{\n          \"href\": \"\",\n          \"value\": \"alex.kim\",\n          \"timestamp\": 0\n        }}\n      }}\n    }}\n  ]\n}}\n",
                mojibake(user(chat))
            ),
        ),
    };
    write_file(&root.join(profile_path), profile)?;
    let thread = root.join(activity).join("messages/inbox").join(THREAD);
    let records: Vec<String> = chat
        .events
        .iter_texts()
        .filter_map(|(e, text)| record(chat, app, e.ts, e.sender, e.kind, text))
        .collect();
    // Newest first, split into files of PER_FILE: message_1.json holds the newest.
    let newest_first: Vec<&String> = records.iter().rev().collect();
    for (n, part) in newest_first.chunks(per_file.max(1)).enumerate() {
        let body = thread_file(chat, app, part);
        write_file(&thread.join(format!("message_{}.json", n + 1)), body)?;
    }
    // The export's time is the files' modification time; nothing in a thread file says it.
    let _ = exported_at;
    Ok(Written {
        paths: vec![root],
        user: user(chat).to_owned(),
        partner: partner(chat).to_owned(),
        names_user: true,
    })
}

fn thread_file(chat: &ParsedChat, app: App, records: &[&String]) -> String {
    let mut out = format!(
        "{{\n  \"participants\": [\n    {{\n      \"name\": {}\n    }},\n    {{\n      \"name\": {}\n    }}\n  ],\n  \"messages\": [",
        mojibake(partner(chat)),
        mojibake(user(chat))
    );
    for (i, r) in records.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('\n');
        out.push_str(r);
    }
    out.push_str(&format!(
        "\n  ],\n  \"title\": {},\n  \"is_still_participant\": true,\n  \"thread_path\": \"inbox/{THREAD}\",\n  \"magic_words\": []",
        mojibake(partner(chat))
    ));
    if app == App::Messenger {
        out.push_str(",\n  \"image\": {\n    \"uri\": \"\",\n    \"creation_timestamp\": 0\n  },\n  \"joinable_mode\": {\n    \"mode\": 1,\n    \"link\": \"\"\n  }");
    }
    out.push_str("\n}\n");
    out
}

/// One record of `messages`, or `None` for a kind not written.
fn record(
    chat: &ParsedChat,
    app: App,
    ts: Millis,
    sender: Option<u32>,
    kind: Kind,
    text: &str,
) -> Option<String> {
    let by_user = sender? == 0;
    let name = if by_user { user(chat) } else { partner(chat) };
    let other = if by_user { partner(chat) } else { user(chat) };
    let media_dir = match app {
        App::Messenger => "your_facebook_activity",
        App::Instagram => "your_instagram_activity",
    };
    let mut r = format!(
        "    {{\n      \"sender_name\": {},\n      \"timestamp_ms\": {ts},\n",
        mojibake(name)
    );
    let attachment = |folder: &str, ext: &str| {
        format!(
            "      \"{}\": [\n        {{\n          \"uri\": \"{media_dir}/messages/inbox/{THREAD}/{folder}/{ts}.{ext}\",\n          \"creation_timestamp\": {}\n        }}\n      ],\n",
            if folder == "audio" {
                "audio_files"
            } else {
                "photos"
            },
            ts.div_euclid(1000)
        )
    };
    match kind {
        Kind::Text => r.push_str(&format!("      \"content\": {},\n", mojibake(text))),
        Kind::Media => r.push_str(&attachment("photos", "jpg")),
        Kind::Voice => r.push_str(&attachment("audio", "mp4")),
        Kind::Deleted => {
            let placeholder = if by_user {
                "You unsent a message.".to_owned()
            } else {
                format!("{name} unsent a message.")
            };
            r.push_str(&format!(
                "      \"content\": {},\n      \"is_unsent\": true,\n",
                mojibake(&placeholder)
            ));
        }
        Kind::MissedCall => {
            let content = if by_user {
                format!("{other} missed your call.")
            } else {
                format!("You missed a call from {name}.")
            };
            r.push_str(&format!(
                "      \"content\": {},\n      \"call_duration\": 0,\n",
                mojibake(&content)
            ));
        }
        _ => return None,
    }
    r.push_str("      \"is_geoblocked_for_viewer\": false\n    }");
    Some(r)
}

/// A JSON string literal as Meta writes it: every byte of the UTF-8 text above ASCII as the
/// Latin-1 code point of that byte, escaped (`é` → `\u00c3\u00a9`).
pub fn mojibake(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c.is_ascii() {
            super::push_json_char(&mut out, c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\u{b:04x}"));
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mojibake_escapes_each_byte() {
        assert_eq!(mojibake("Zoë"), "\"Zo\\u00c3\\u00ab\"");
        assert_eq!(mojibake("❤"), "\"\\u00e2\\u009d\\u00a4\"");
        assert_eq!(mojibake("a\"b\n"), "\"a\\\"b\\n\"");
    }
}
