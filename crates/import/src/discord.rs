//! Discord channels exported by DiscordChatExporter (Tyrrrz/DiscordChatExporter) as JSON.
//!
//! Discord itself offers no export of a conversation (its data package holds only the user's
//! own messages); DiscordChatExporter is what people use. One file is one channel:
//! `{"guild": {"id", "name"}, "channel": {"id", "type", "category", "name"}, "exportedAt"?,
//! "messages": [...], "messageCount"}`. The `messages` list is streamed a record at a time
//! (like Telegram's, see [`crate::json`]). Variants, each a named path below and a section of
//! docs/formats/discord.md:
//!
//! - **Direct messages** (`channel.type` `DirectTextChat`, guild "Direct Messages"), **group
//!   DMs** (`DirectGroupTextChat`) and **server channels** (`GuildTextChat`, threads...): the
//!   title is the channel's name, prefixed by the server's for a server channel.
//! - **People** by `author.id`; the display name is the `nickname` when there is one (the
//!   server nickname or global display name), else the `name`; the handle is the username
//!   (`name`, with `#discriminator` for a pre-2023 account). A deleted account is "Deleted
//!   User" as Discord shows it. Two different accounts with one display name stay two people
//!   (the second gets its username in brackets).
//! - **Messages**: `type` `Default` and `Reply` (and the rare `ThreadStarterMessage`...) are
//!   messages: text, media when there are `attachments` or `stickers` (a caption stays the
//!   text), voice for a voice message (`voice-message.ogg`). `timestampEdited` →
//!   [`flags::EDITED`].
//! - **Calls**: `type` `Call` is a call placed by its author: answered when it lasted
//!   (`callEndedTimestamp` after `timestamp`), missed otherwise. The export does not say who
//!   joined, so a call that rang out for a while counts as answered (docs/formats/discord.md).
//! - **System entries**: every other `type` (`RecipientAdd`, `RecipientRemove`,
//!   `ChannelNameChange`, `ChannelIconChange`, `ChannelPinnedMessage`, `GuildMemberJoin`,
//!   `ThreadCreated`...) is a system event without a sender.
//! - **Reactions**: with `reactions[].users` (newer exports), one reaction event per user at
//!   the message's time; without it (older exports give only counts) nobody can be credited, so
//!   they are counted in a Note.
//!
//! A record without a usable timestamp or author: a Warning with its record number, never its
//! text.

use std::collections::HashMap;
use std::io::Read;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use walkaway_model::{
    Diagnostic, Kind, Millis, NewEvent, Parsed, ParsedChat, PersonIdx, Severity, Source, flags,
};

use crate::instagram::{Scan, strip_bom};
use crate::json::{MAX_MILLIS, Records, Tally, lenient_scalars, record_no, stopped};

/// Whether JSON bytes (possibly only the beginning of a file) are a DiscordChatExporter export:
/// top-level `guild` and `channel` objects.
pub fn sniff(bytes: &[u8]) -> bool {
    let keys = top_keys(bytes);
    keys.iter().any(|k| k == b"guild") && keys.iter().any(|k| k == b"channel")
}

/// The top-level keys of a JSON object, as far as the bytes go.
pub(crate) fn top_keys(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut scan = Scan::new(strip_bom(bytes));
    let mut keys = Vec::new();
    scan.ws();
    if !scan.eat(b'{') {
        return keys;
    }
    let _ = (|| -> Option<()> {
        scan.ws();
        loop {
            let key = scan.member_key()?;
            keys.push(key.to_vec());
            scan.skip_value()?;
            scan.ws();
            if !scan.eat(b',') {
                return Some(());
            }
            scan.ws();
        }
    })();
    keys
}

/// Reads an export from a reader, streaming. `Err` only for an I/O error; broken JSON keeps
/// what came before it and says where it stopped.
pub fn read<R: Read>(name: &str, reader: R) -> std::io::Result<Parsed> {
    let mut de = serde_json::Deserializer::from_reader(crate::json::buffered(reader));
    run(name, &mut de)
}

/// Reads an export held in memory.
pub fn read_slice(name: &str, bytes: &[u8]) -> Parsed {
    let mut de = serde_json::Deserializer::from_slice(strip_bom(bytes));
    run(name, &mut de).unwrap_or_default()
}

fn run<'de, R: serde_json::de::Read<'de>>(
    name: &str,
    de: &mut serde_json::Deserializer<R>,
) -> std::io::Result<Parsed> {
    let mut r = Reader {
        name,
        chat: ParsedChat {
            source: Some(Source::Discord),
            ..ParsedChat::default()
        },
        by_id: HashMap::new(),
        guild: None,
        channel: None,
        tally: Tally::default(),
        records: 0,
        uncredited: 0,
        diagnostics: Vec::new(),
    };
    let result = Root { r: &mut r }.deserialize(&mut *de);
    if let Err(e) = result.and_then(|()| de.end()) {
        if e.is_io() {
            return Err(std::io::Error::other(format!(
                "reading stopped at line {}",
                e.line()
            )));
        }
        r.diagnostics.push(stopped(name, &e, r.records));
    }
    Ok(r.finish())
}

struct Reader<'a> {
    name: &'a str,
    chat: ParsedChat,
    by_id: HashMap<String, PersonIdx>,
    guild: Option<Value>,
    channel: Option<Value>,
    tally: Tally,
    records: u64,
    /// Reactions without the users who gave them.
    uncredited: u64,
    diagnostics: Vec<Diagnostic>,
}

/// An RFC 3339 timestamp in milliseconds, within 1970–3000.
fn instant(v: Option<&Value>) -> Option<Millis> {
    let t: jiff::Timestamp = v?.as_str()?.parse().ok()?;
    let ms = t.as_millisecond();
    (0..=MAX_MILLIS).contains(&ms).then_some(ms)
}

impl Reader<'_> {
    /// The person an `author` (or reaction user) object names.
    fn person(&mut self, a: &Value) -> Option<PersonIdx> {
        let id = match a.get("id")? {
            Value::String(s) if !s.is_empty() => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        if let Some(&p) = self.by_id.get(&id) {
            return Some(p);
        }
        let s = |k: &str| {
            a.get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let username = s("name").unwrap_or("Deleted User");
        let handle = match s("discriminator") {
            Some(d) if d != "0000" && d != "0" => format!("{username}#{d}"),
            _ => username.to_owned(),
        };
        let mut display = s("nickname").unwrap_or(username).to_owned();
        if self.chat.people.contains(&display) {
            display = format!("{display} ({handle})");
        }
        let p = PersonIdx::try_from(self.chat.people.len()).unwrap_or(PersonIdx::MAX);
        self.chat.people.push(display);
        self.chat.handles.push(handle);
        self.by_id.insert(id, p);
        Some(p)
    }

    fn record(&mut self, index: u64, v: Value) {
        self.records += 1;
        let record = record_no(index);
        let Value::Object(m) = v else {
            self.tally
                .add(Severity::Warning, "is not a json object; skipped", record);
            return;
        };
        let get = |k: &str| m.get(k).filter(|v| !v.is_null());
        let Some(ts) = instant(get("timestamp")) else {
            self.tally.add(
                Severity::Warning,
                "has no readable timestamp; skipped",
                record,
            );
            return;
        };
        let kind_field = get("type").and_then(Value::as_str).unwrap_or("Default");
        let author = get("author").and_then(|a| self.person(a));
        let mut fl = 0u8;
        let mut text = get("content")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let (sender, kind) = match kind_field {
            // Messages.
            "Default"
            | "Reply"
            | "ThreadStarterMessage"
            | "ContextMenuCommand"
            | "ChatInputCommand" => {
                let Some(p) = author else {
                    self.tally.add(
                        Severity::Warning,
                        "is a message without an author; kept as a system event",
                        record,
                    );
                    self.push(ts, None, Kind::System, "", record, 0);
                    return;
                };
                if get("timestampEdited").is_some() {
                    fl |= flags::EDITED;
                }
                (Some(p), message_kind(&m))
            }
            // Calls, placed by the author.
            "Call" => {
                let ended = instant(get("callEndedTimestamp"));
                let secs = ended.map_or(0, |e| (e - ts).max(0) / 1000);
                text = if secs > 0 {
                    format!("call, {secs} s")
                } else {
                    "missed call".to_owned()
                };
                let kind = if secs > 0 {
                    Kind::Call
                } else {
                    Kind::MissedCall
                };
                match author {
                    Some(p) => (Some(p), kind),
                    None => {
                        self.tally.add(
                            Severity::Warning,
                            "is a call without a caller; kept as a system event",
                            record,
                        );
                        (None, Kind::System)
                    }
                }
            }
            // Everything else is a system entry, named by its type (never its text).
            other => {
                text = other.to_owned();
                (None, Kind::System)
            }
        };
        self.push(ts, sender, kind, &text, record, fl);
        // Reactions, credited where the export names who gave them.
        if let Some(Value::Array(reactions)) = get("reactions") {
            for r in reactions {
                let emoji = r
                    .get("emoji")
                    .and_then(|e| e.get("name"))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                match r.get("users") {
                    Some(Value::Array(users)) => {
                        for u in users {
                            match self.person(u) {
                                Some(p) => {
                                    self.push(ts, Some(p), Kind::Reaction, &emoji, record, 0)
                                }
                                None => self.uncredited += 1,
                            }
                        }
                    }
                    _ => {
                        let n = r.get("count").and_then(Value::as_u64).unwrap_or(1);
                        self.uncredited += n;
                    }
                }
            }
        }
    }

    fn push(
        &mut self,
        ts: Millis,
        sender: Option<PersonIdx>,
        kind: Kind,
        text: &str,
        record: u32,
        flags: u8,
    ) {
        let pushed = self.chat.events.push(NewEvent {
            ts,
            sender,
            kind,
            text,
            line: record,
            flags,
        });
        if pushed.is_err() {
            self.tally.add(
                Severity::Warning,
                "does not fit: the chat's texts passed 4 gib; skipped",
                record,
            );
        }
    }

    fn finish(mut self) -> Parsed {
        let s = |v: &Option<Value>, k: &str| {
            v.as_ref()
                .and_then(|v| v.get(k))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        let channel = s(&self.channel, "name");
        let guild = s(&self.guild, "name");
        let kind = s(&self.channel, "type").unwrap_or_default();
        self.chat.title = match (kind.starts_with("Direct"), guild, channel) {
            (false, Some(g), Some(c)) if g != "Direct Messages" => Some(format!("{g} #{c}")),
            (_, _, Some(c)) => Some(c),
            (_, g, None) => g,
        };
        let prefix = format!("{}: ", self.name);
        std::mem::take(&mut self.tally).finish(&prefix, &mut self.diagnostics);
        if self.uncredited > 0 {
            self.diagnostics.push(Diagnostic {
                severity: Severity::Note,
                line: 0,
                message: format!(
                    "{prefix}{} reactions do not name who gave them (an older discordchatexporter writes only counts); they are not counted",
                    self.uncredited
                ),
            });
        }
        // Stable: ties keep the file order (a reaction follows its message).
        self.chat.events.sort_by_key(|e| e.ts);
        let chats = if self.chat.events.is_empty() {
            self.diagnostics.push(Diagnostic {
                severity: Severity::Note,
                line: 0,
                message: format!("{prefix}the channel holds no messages"),
            });
            Vec::new()
        } else {
            self.chat.events.shrink_to_fit();
            vec![self.chat]
        };
        Parsed {
            chats,
            activity: Vec::new(),
            diagnostics: self.diagnostics,
        }
    }
}

/// Text, media or voice, from a message's attachments and stickers.
fn message_kind(m: &serde_json::Map<String, Value>) -> Kind {
    let non_empty = |k: &str| matches!(m.get(k), Some(Value::Array(a)) if !a.is_empty());
    if let Some(Value::Array(atts)) = m.get("attachments") {
        let voice = atts.iter().any(|a| {
            a.get("fileName")
                .and_then(Value::as_str)
                .is_some_and(|f| f.starts_with("voice-message"))
        });
        if voice {
            return Kind::Voice;
        }
    }
    if non_empty("attachments") || non_empty("stickers") {
        Kind::Media
    } else {
        Kind::Text
    }
}

// ---- The streaming walk over the document --------------------------------------------------

struct Root<'r, 'a> {
    r: &'r mut Reader<'a>,
}

impl<'de> DeserializeSeed<'de> for Root<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Root<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a discordchatexporter export")
    }

    lenient_scalars!(());

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "messages" => {
                    let r = &mut *self.r;
                    let mut each = |i: u64, v: Value| r.record(i, v);
                    map.next_value_seed(Records { each: &mut each })?;
                }
                "guild" => self.r.guild = Some(map.next_value()?),
                "channel" => self.r.channel = Some(map.next_value()?),
                "exportedAt" => {
                    let v: Value = map.next_value()?;
                    self.r.chat.exported_at = instant(Some(&v));
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_top_level_keys() {
        assert!(sniff(
            br#"{"guild":{"id":"0"},"channel":{"id":"1"},"messages":[{"#
        ));
        assert!(sniff("\u{feff}{\"channel\":{},\"guild\":{}}".as_bytes()));
        assert!(!sniff(br#"{"channel":{},"messages":[]}"#));
        assert!(!sniff(br#"[{"guild":1,"channel":2}]"#));
        assert!(!sniff(b""));
    }

    #[test]
    fn not_an_object_is_empty() {
        assert!(read_slice("x.json", b"[1,2]").chats.is_empty());
        assert!(
            read_slice("x.json", br#"{"guild":1,"channel":"x","messages":{"a":1}}"#)
                .chats
                .is_empty()
        );
    }
}
