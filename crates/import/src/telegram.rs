//! Telegram Desktop JSON exports (`result.json`): one chat, or the whole account.
//!
//! Telegram Desktop's "Export chat history" (one chat) and "Export Telegram data" (the whole
//! account) write JSON. The reader streams it (see [`crate::json`]): a record at a time, so a
//! gigabyte export needs memory for its events only. Variants, each a named path below and a
//! section of docs/formats/telegram.md:
//!
//! - **Single chat**: `{"name", "type", "id", "messages": [...]}` → one [`ParsedChat`].
//! - **Whole account**: `{"personal_information": {"user_id"...}, "chats": {"list": [CHAT...]},
//!   "left_chats": {"list": [...]}}` → one [`ParsedChat`] per chat; the user is the
//!   participant whose `from_id` is `user<user_id>`.
//! - **Current schema** (since 2021): `date_unixtime` (seconds, a string) beside the local
//!   `date`; `text_entities`. The instant comes from `date_unixtime`.
//! - **Old schema** (2020 and before): only the local wall time `date`, read in
//!   [`Options::tz`] like a WhatsApp time (DST folds and gaps resolved the `compatible` way and
//!   flagged). A `date` carrying a zone (`2017-01-01T06:20:09.248Z`, as some tools write) is an
//!   instant. Numeric `from_id` (`19`) is the user id `user19`.
//! - **Text** as a string, or as a list of strings and entity objects `{"type", "text"}`
//!   (concatenated as written: Telegram splits the text into parts, it adds nothing between).
//! - **Service entries** (`"type": "service"`, with an `action`) are system events without a
//!   sender, never messages: `joined_telegram`, `create_group`, `pin_message`... except
//!   **`phone_call`**, which is a call by its `actor`: answered when it has a
//!   `duration_seconds` above zero and its `discard_reason` is not `missed` or `busy`
//!   (declined), missed otherwise.
//! - **Media**: `photo`, `file`, `media_type` (`sticker`, `animation`, `video_file`,
//!   `audio_file`, `video_message`), polls, locations, contacts → media; `media_type:
//!   voice_message` → voice. A caption stays the event's text. `edited` → [`flags::EDITED`].
//!
//! A record without a usable date, a record that is not an object, a call without a caller:
//! a Warning with the chat and record number, never message text, and the import goes on.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use walkaway_model::{
    Diagnostic, Kind, Millis, NewEvent, ParsedChat, PersonIdx, Severity, Source, flags,
};

use crate::Options;
use crate::json::{Tally, int_of, lenient_scalars, millis_of_seconds, record_no, stopped};

/// The chats of one Telegram export.
#[derive(Clone, Debug, Default)]
pub struct TelegramExport {
    pub chats: Vec<ParsedChat>,
    /// For each chat, each person's Telegram id (`user123`) where the export gives one:
    /// `handles[c][p]` belongs to `chats[c].people[p]`.
    pub handles: Vec<Vec<Option<String>>>,
    pub diagnostics: Vec<Diagnostic>,
    /// Message records read (all chats).
    pub records: u64,
}

/// Reads an export from a reader, streaming. `Err` only for an I/O error; broken JSON keeps
/// what came before it and says where it stopped.
pub fn read<R: Read>(name: &str, reader: R, opts: &Options) -> std::io::Result<TelegramExport> {
    let mut de = serde_json::Deserializer::from_reader(crate::json::buffered(reader));
    run(name, &mut de, opts)
}

/// Reads an export held in memory.
pub fn read_slice(name: &str, bytes: &[u8], opts: &Options) -> TelegramExport {
    let bytes = crate::instagram::strip_bom(bytes);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    run(name, &mut de, opts).unwrap_or_default()
}

fn run<'de, R: serde_json::de::Read<'de>>(
    name: &str,
    de: &mut serde_json::Deserializer<R>,
    opts: &Options,
) -> std::io::Result<TelegramExport> {
    let mut r = Reader {
        name,
        opts,
        chats: Vec::new(),
        me_user: None,
        diagnostics: Vec::new(),
        records: 0,
        local_times: 0,
        top: None,
    };
    let result = Root { r: &mut r }.deserialize(&mut *de);
    let result = result.and_then(|()| de.end());
    if let Err(e) = result {
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

/// State of one reading.
struct Reader<'a> {
    name: &'a str,
    opts: &'a Options,
    chats: Vec<Chat>,
    /// `user<id>` of the account's owner (`personal_information.user_id`).
    me_user: Option<String>,
    diagnostics: Vec<Diagnostic>,
    records: u64,
    /// Records dated by a local wall time only (old schema).
    local_times: u64,
    /// Index in `chats` of the single-chat export's chat (the top-level object).
    top: Option<usize>,
}

/// One chat being read.
struct Chat {
    chat: ParsedChat,
    /// Person by Telegram id (`user123`) or, without one, by `name:` + display name.
    by_key: HashMap<String, PersonIdx>,
    handles: Vec<Option<String>>,
    /// `type` of the chat (`personal_chat`, `private_group`, `saved_messages`...).
    kind: Option<String>,
    /// `id` of the chat: in a `personal_chat`, the other person's user id.
    id: Option<i64>,
    tally: Tally,
    last_ts: Millis,
}

impl Chat {
    fn new() -> Self {
        Chat {
            chat: ParsedChat {
                source: Some(Source::Telegram),
                ..ParsedChat::default()
            },
            by_key: HashMap::new(),
            handles: Vec::new(),
            kind: None,
            id: None,
            tally: Tally::default(),
            last_ts: Millis::MIN,
        }
    }

    /// The person with Telegram id `id` (or, without one, display name `name`).
    fn person(&mut self, id: Option<String>, name: Option<&str>) -> PersonIdx {
        let key = match (&id, name) {
            (Some(id), _) => id.clone(),
            (None, Some(n)) => format!("name:{n}"),
            (None, None) => "name:".to_owned(),
        };
        if let Some(&p) = self.by_key.get(&key) {
            return p;
        }
        // A deleted account has `"from": null`; Telegram's apps call it "Deleted Account".
        let display = name.map_or_else(|| "Deleted Account".to_owned(), str::to_owned);
        let p = PersonIdx::try_from(self.chat.people.len()).unwrap_or(PersonIdx::MAX);
        self.chat.people.push(display);
        self.handles.push(id);
        self.by_key.insert(key, p);
        p
    }
}

impl Reader<'_> {
    fn top_chat(&mut self) -> usize {
        match self.top {
            Some(i) => i,
            None => {
                self.chats.push(Chat::new());
                let i = self.chats.len() - 1;
                self.top = Some(i);
                i
            }
        }
    }

    /// Sets a chat's `name`, `type` or `id`.
    fn chat_field(&mut self, chat: usize, key: &str, v: Value) {
        let Some(c) = self.chats.get_mut(chat) else {
            return;
        };
        match key {
            "name" => c.chat.title = v.as_str().map(str::to_owned),
            "type" => c.kind = v.as_str().map(str::to_owned),
            _ => c.id = int_of(&v),
        }
    }

    /// Turns one message record into events.
    fn record(&mut self, chat: usize, index: u64, v: Value) {
        self.records += 1;
        let record = record_no(index);
        let tz = &self.opts.tz;
        let Some(c) = self.chats.get_mut(chat) else {
            return;
        };
        let Value::Object(m) = v else {
            c.tally
                .add(Severity::Warning, "is not a json object; skipped", record);
            return;
        };
        let get = |k: &str| m.get(k).filter(|v| !v.is_null());
        // Time: the instant when the export gives it, else the local wall time.
        let (ts, mut fl) = match get("date_unixtime").and_then(int_of) {
            Some(s) => match millis_of_seconds(s) {
                Some(ms) => (ms, 0),
                None => {
                    c.tally.add(
                        Severity::Warning,
                        "has an impossible date_unixtime; skipped",
                        record,
                    );
                    return;
                }
            },
            None => match get("date")
                .and_then(Value::as_str)
                .map(|d| local_date(d, tz))
            {
                Some(Some((ms, fl, local))) => {
                    if local {
                        self.local_times += 1;
                    }
                    (ms, fl)
                }
                Some(None) => {
                    c.tally
                        .add(Severity::Warning, "has an unreadable date; skipped", record);
                    return;
                }
                None => {
                    c.tally
                        .add(Severity::Warning, "has no date; skipped", record);
                    return;
                }
            },
        };
        if ts < c.last_ts {
            fl |= flags::OUT_OF_ORDER;
        }
        let mut text = String::new();
        match get("text") {
            Some(t) => text_of(t, &mut text),
            None => {
                if let Some(t) = get("text_entities") {
                    text_of(t, &mut text);
                }
            }
        }
        let id_of = |k: &str| get(k).and_then(user_id);
        let name_of = |k: &str| get(k).and_then(Value::as_str);
        let (sender, kind) = match get("type").and_then(Value::as_str) {
            Some("message") | None => {
                // A record without `type` is taken as a message when it has a sender.
                if get("from").is_none() && get("from_id").is_none() {
                    c.tally.add(
                        Severity::Warning,
                        "is a message without a sender; kept as a system event",
                        record,
                    );
                    (None, Kind::System)
                } else {
                    let p = c.person(id_of("from_id"), name_of("from"));
                    if get("edited").is_some() || get("edited_unixtime").is_some() {
                        fl |= flags::EDITED;
                    }
                    (Some(p), message_kind(&m))
                }
            }
            Some("service") => match get("action").and_then(Value::as_str) {
                Some("phone_call") => {
                    let answered = get("duration_seconds").and_then(int_of).unwrap_or(0) > 0
                        && !matches!(
                            get("discard_reason").and_then(Value::as_str),
                            Some("missed" | "busy")
                        );
                    text = call_text(&m, answered);
                    if get("actor").is_none() && get("actor_id").is_none() {
                        c.tally.add(
                            Severity::Warning,
                            "is a call without a caller; kept as a system event",
                            record,
                        );
                        (None, Kind::System)
                    } else {
                        let p = c.person(id_of("actor_id"), name_of("actor"));
                        (
                            Some(p),
                            if answered {
                                Kind::Call
                            } else {
                                Kind::MissedCall
                            },
                        )
                    }
                }
                // Every other action is a system event, named by its action.
                action => {
                    text = action.unwrap_or("service").to_owned();
                    (None, Kind::System)
                }
            },
            Some(_) => {
                c.tally.add(
                    Severity::Warning,
                    "has an unknown type; kept as a system event",
                    record,
                );
                text.clear();
                (None, Kind::System)
            }
        };
        c.last_ts = c.last_ts.max(ts);
        let pushed = c.chat.events.push(NewEvent {
            ts,
            sender,
            kind,
            text: &text,
            line: record,
            flags: fl,
        });
        if pushed.is_err() {
            c.tally.add(
                Severity::Warning,
                "does not fit: the chat's texts passed 4 gib; skipped",
                record,
            );
        }
    }

    fn finish(self) -> TelegramExport {
        let mut out = TelegramExport {
            diagnostics: self.diagnostics,
            records: self.records,
            ..TelegramExport::default()
        };
        if self.local_times > 0 {
            out.diagnostics.push(Diagnostic {
                severity: Severity::Note,
                line: 0,
                message: format!(
                    "{}: {} records carry only a local time (an export from before 2021); read in the zone {}",
                    self.name,
                    self.local_times,
                    self.opts.tz.iana_name().unwrap_or("given")
                ),
            });
        }
        let several = self.chats.len() > 1;
        for (i, mut c) in self.chats.into_iter().enumerate() {
            let prefix = if several {
                format!("{}: chat {} (id {}): ", self.name, i + 1, c.id.unwrap_or(0))
            } else {
                format!("{}: ", self.name)
            };
            std::mem::take(&mut c.tally).finish(&prefix, &mut out.diagnostics);
            if c.chat.events.is_empty() {
                out.diagnostics.push(Diagnostic {
                    severity: Severity::Note,
                    line: 0,
                    message: format!("{prefix}the chat holds no messages; skipped"),
                });
                continue;
            }
            c.chat.me_hint = me_of(&c, self.me_user.as_deref());
            c.chat.events.shrink_to_fit();
            // The stable handle of each person is their Telegram id (`user123`), which lets
            // `walkaway people` recognise them across imports; "" where the export has none.
            c.chat.handles = c
                .handles
                .iter()
                .map(|h| h.clone().unwrap_or_default())
                .collect();
            out.handles.push(c.handles);
            out.chats.push(c.chat);
        }
        out
    }
}

/// Who the user is: the account's owner where the export names them; in a one-to-one chat
/// (`personal_chat`, whose `id` is the other person's), the one who is not the other; in
/// Saved Messages, the only one.
fn me_of(c: &Chat, me_user: Option<&str>) -> Option<PersonIdx> {
    if let Some(me) = me_user
        && let Some(&p) = c.by_key.get(me)
    {
        return Some(p);
    }
    match c.kind.as_deref() {
        Some("personal_chat") if c.chat.people.len() == 2 => {
            let other = format!("user{}", c.id?);
            let i = c
                .handles
                .iter()
                .position(|h| h.as_deref() == Some(&other))?;
            PersonIdx::try_from(1 - i).ok()
        }
        Some("saved_messages") if c.chat.people.len() == 1 => Some(0),
        _ => None,
    }
}

/// A Telegram user id: `"user123"` as written, a bare number as `user<n>`.
fn user_id(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => n.as_i64().map(|n| format!("user{n}")),
        _ => None,
    }
}

/// The kind of a `"type": "message"` record from its media fields.
fn message_kind(m: &serde_json::Map<String, Value>) -> Kind {
    let has = |k: &str| m.get(k).is_some_and(|v| !v.is_null());
    match m.get("media_type").and_then(Value::as_str) {
        Some("voice_message") => Kind::Voice,
        Some(_) => Kind::Media,
        None if [
            "photo",
            "file",
            "sticker_emoji",
            "poll",
            "location_information",
            "contact_information",
            "live_location_period_seconds",
            "place_name",
            "game_title",
            "invoice_information",
            "todo_list",
        ]
        .iter()
        .any(|k| has(k)) =>
        {
            Kind::Media
        }
        None => Kind::Text,
    }
}

/// The description a call event carries ("phone call, 56 s"); never message text.
fn call_text(m: &serde_json::Map<String, Value>, answered: bool) -> String {
    let secs = m.get("duration_seconds").and_then(int_of).unwrap_or(0);
    let reason = m.get("discard_reason").and_then(Value::as_str);
    match (answered, reason) {
        (true, _) => format!("phone call, {secs} s"),
        (false, Some("busy")) => "declined phone call".to_owned(),
        (false, Some("missed") | None) => "missed phone call".to_owned(),
        (false, Some(_)) => "unanswered phone call".to_owned(),
    }
}

/// Appends a `text` field: a string, or a list of strings and `{"type", "text"}` entities.
fn text_of(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Array(parts) => {
            for p in parts {
                match p {
                    Value::String(s) => out.push_str(s),
                    Value::Object(o) => {
                        if let Some(Value::String(s)) = o.get("text") {
                            out.push_str(s);
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// A `date` field: (UTC milliseconds, DST flags, whether it was a local wall time). A date with
/// a zone (`Z`, `+02:00`) is an instant; one without is read in `tz`.
fn local_date(s: &str, tz: &jiff::tz::TimeZone) -> Option<(Millis, u8, bool)> {
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        let ms = t.as_millisecond();
        return (0..=crate::json::MAX_MILLIS)
            .contains(&ms)
            .then_some((ms, 0, false));
    }
    let dt: jiff::civil::DateTime = s.parse().ok()?;
    let amb = tz.to_ambiguous_timestamp(dt);
    let fl = match amb.offset() {
        jiff::tz::AmbiguousOffset::Unambiguous { .. } => 0,
        jiff::tz::AmbiguousOffset::Gap { .. } => flags::TIME_SKIPPED,
        jiff::tz::AmbiguousOffset::Fold { .. } => flags::TIME_AMBIGUOUS,
    };
    let ms = amb.compatible().ok()?.as_millisecond();
    (0..=crate::json::MAX_MILLIS)
        .contains(&ms)
        .then_some((ms, fl, true))
}

// ---- The streaming walk over the document --------------------------------------------------

/// The top-level object: a single chat's fields, or the account's sections.
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

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a telegram export object")
    }

    lenient_scalars!(());

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                // Single-chat export.
                "messages" => {
                    let chat = self.r.top_chat();
                    map.next_value_seed(Messages {
                        r: &mut *self.r,
                        chat,
                    })?;
                }
                "name" | "type" | "id" => {
                    let v: Value = map.next_value()?;
                    let chat = self.r.top_chat();
                    self.r.chat_field(chat, &key, v);
                }
                // Whole-account export.
                "personal_information" => {
                    let v: Value = map.next_value()?;
                    self.r.me_user = v
                        .get("user_id")
                        .and_then(int_of)
                        .map(|n| format!("user{n}"));
                }
                "chats" | "left_chats" => map.next_value_seed(ChatSection { r: &mut *self.r })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// `{"about": ..., "list": [CHAT...]}`.
struct ChatSection<'r, 'a> {
    r: &'r mut Reader<'a>,
}

impl<'de> DeserializeSeed<'de> for ChatSection<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ChatSection<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of chats")
    }

    lenient_scalars!(());

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        ChatList { r: &mut *self.r }.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "list" {
                map.next_value_seed(ChatList { r: &mut *self.r })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// `[CHAT...]`.
struct ChatList<'r, 'a> {
    r: &'r mut Reader<'a>,
}

impl<'de> DeserializeSeed<'de> for ChatList<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ChatList<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of chats")
    }

    lenient_scalars!(());

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            self.r.chats.push(Chat::new());
            let chat = self.r.chats.len() - 1;
            if seq
                .next_element_seed(ChatObject {
                    r: &mut *self.r,
                    chat,
                })?
                .is_none()
            {
                self.r.chats.pop();
                return Ok(());
            }
        }
    }
}

/// One chat of an account export: `{"name", "type", "id", "messages"}`.
struct ChatObject<'r, 'a> {
    r: &'r mut Reader<'a>,
    chat: usize,
}

impl<'de> DeserializeSeed<'de> for ChatObject<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ChatObject<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a chat object")
    }

    lenient_scalars!(());

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "messages" => map.next_value_seed(Messages {
                    r: &mut *self.r,
                    chat: self.chat,
                })?,
                "name" | "type" | "id" => {
                    let v: Value = map.next_value()?;
                    self.r.chat_field(self.chat, &key, v);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A chat's `messages` list, read one record at a time.
struct Messages<'r, 'a> {
    r: &'r mut Reader<'a>,
    chat: usize,
}

impl<'de> DeserializeSeed<'de> for Messages<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Messages<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of messages")
    }

    lenient_scalars!(());

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0u64;
        while let Some(v) = seq.next_element::<Value>()? {
            self.r.record(self.chat, i, v);
            i += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc() -> Options {
        Options {
            tz: jiff::tz::TimeZone::UTC,
            date_order: None,
        }
    }

    #[test]
    fn text_parts_are_concatenated() {
        let mut s = String::new();
        text_of(
            &serde_json::json!(["Look: ", {"type": "link", "text": "https://example.org"}, 5]),
            &mut s,
        );
        assert_eq!(s, "Look: https://example.org");
    }

    #[test]
    fn dates_local_and_zoned() {
        let tz = jiff::tz::TimeZone::get("Europe/Berlin").unwrap();
        assert_eq!(
            local_date("2020-07-01T12:00:00", &tz),
            Some((1_593_597_600_000, 0, true))
        );
        assert_eq!(
            local_date("2017-01-01T06:20:09.248Z", &tz),
            Some((1_483_251_609_248, 0, false))
        );
        // 02:30 on the spring-forward day does not exist in Berlin.
        assert_eq!(
            local_date("2020-03-29T02:30:00", &tz).map(|t| t.1),
            Some(flags::TIME_SKIPPED)
        );
        assert_eq!(
            local_date("2020-10-25T02:30:00", &tz).map(|t| t.1),
            Some(flags::TIME_AMBIGUOUS)
        );
        assert_eq!(local_date("yesterday", &tz), None);
    }

    #[test]
    fn the_document_need_not_be_an_object() {
        let out = read_slice("x.json", b"[1, 2, {\"a\": 3}]", &utc());
        assert!(out.chats.is_empty());
        let out = read_slice("x.json", b"{\"messages\": 5, \"chats\": \"no\"}", &utc());
        assert!(out.chats.is_empty());
    }
}
