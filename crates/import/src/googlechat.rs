//! Google Hangouts conversations from Google Takeout (`Hangouts.json`, 2018–2022 schema).
//!
//! `{"conversations": [{"conversation": {...}, "events": [...]}]}`: the list is streamed one
//! conversation at a time, and each conversation's `events` one event at a time (memory holds
//! one event's JSON and the events, never a conversation's JSON: a one-to-one conversation of
//! a million events held as JSON values took 4.5 GB). Variants, each
//! a named path below and a section of docs/formats/googlechat.md:
//!
//! - **People**: `conversation.conversation.participant_data[]`, by `id.gaia_id`; the display
//!   name is `fallback_name` (else the id); the handle is the Google account id. The user is the
//!   `self_conversation_state.self_read_state.participant_id`.
//! - **Title**: `conversation.conversation.name`, else the other participants' names.
//! - **Messages**: `REGULAR_CHAT_MESSAGE`: the `segment` texts (`TEXT`, `LINK`; `LINE_BREAK` is
//!   a newline); with an `attachment` → media.
//! - **Calls**: `HANGOUT_EVENT` `START_HANGOUT` opens a call by its sender, `END_HANGOUT` closes
//!   it: answered when `hangout_duration_secs` is above 0, missed otherwise; a start never
//!   ended is a missed call.
//! - **Other events** (`ADD_USER`, `REMOVE_USER`, `RENAME_CONVERSATION`, `OTR_MODIFICATION`...)
//!   → system events, named by their type.
//! - Timestamps are microseconds since 1970 (as strings).
//!
//! The older Takeout (`conversation_state`, before 2018) and the newer Google Chat Takeout
//! (`Google Chat/Groups/*/messages.json`) are not read; see the docs.

use std::collections::HashMap;
use std::io::Read;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use walkaway_model::{
    Diagnostic, Kind, Millis, NewEvent, Parsed, ParsedChat, PersonIdx, Severity, Source,
};

use crate::instagram::strip_bom;
use crate::json::{MAX_MILLIS, Tally, int_of, lenient_scalars, record_no, stopped};

/// Whether JSON bytes (possibly only the beginning) are a Hangouts Takeout: a top-level
/// `conversations` list whose first entry has `conversation` or `events`.
pub fn sniff(bytes: &[u8]) -> bool {
    let keys = crate::discord::top_keys(bytes);
    if keys.first().map(Vec::as_slice) != Some(b"conversations") {
        return false;
    }
    let b = strip_bom(bytes);
    let Some(at) = memchr::memmem::find(b, b"\"conversations\"") else {
        return false;
    };
    let rest = b.get(at..b.len().min(at + 400)).unwrap_or(&[]);
    memchr::memmem::find(rest, b"\"conversation\"").is_some()
        || memchr::memmem::find(rest, b"\"events\"").is_some()
}

pub fn read<R: Read>(name: &str, reader: R) -> std::io::Result<Parsed> {
    let mut de = serde_json::Deserializer::from_reader(crate::json::buffered(reader));
    run(name, &mut de)
}

pub fn read_slice(name: &str, bytes: &[u8]) -> Parsed {
    let mut de = serde_json::Deserializer::from_slice(strip_bom(bytes));
    run(name, &mut de).unwrap_or_default()
}

fn run<'de, R: serde_json::de::Read<'de>>(
    name: &str,
    de: &mut serde_json::Deserializer<R>,
) -> std::io::Result<Parsed> {
    let mut out = Parsed::default();
    let mut records = 0u64;
    let result = Root {
        name,
        out: &mut out,
        records: &mut records,
    }
    .deserialize(&mut *de);
    if let Err(e) = result.and_then(|()| de.end()) {
        if e.is_io() {
            return Err(std::io::Error::other(format!(
                "reading stopped at line {}",
                e.line()
            )));
        }
        out.diagnostics.push(stopped(name, &e, records));
    }
    Ok(out)
}

fn gaia(v: Option<&Value>) -> Option<String> {
    let v = v?;
    match v.get("gaia_id").or_else(|| v.get("chat_id"))? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One conversation being read: its people, its events so far.
struct Conv<'a> {
    prefix: String,
    chat: ParsedChat,
    by_id: HashMap<String, PersonIdx>,
    tally: Tally,
    open_call: Option<(Millis, PersonIdx, u32)>,
    records: &'a mut u64,
}

fn push(
    chat: &mut ParsedChat,
    ts: Millis,
    sender: Option<PersonIdx>,
    kind: Kind,
    text: &str,
    line: u32,
) {
    let _ = chat.events.push(NewEvent {
        ts,
        sender,
        kind,
        text,
        line,
        flags: 0,
    });
}

impl<'a> Conv<'a> {
    fn new(name: &str, index: u64, records: &'a mut u64) -> Self {
        Conv {
            prefix: format!("{name}: conversation {}: ", record_no(index)),
            chat: ParsedChat {
                source: Some(Source::GoogleChat),
                ..ParsedChat::default()
            },
            by_id: HashMap::new(),
            tally: Tally::default(),
            open_call: None,
            records,
        }
    }

    /// The conversation's own part (`conversation`): people, the user, the title.
    fn meta(&mut self, conv: &Value) {
        let c = conv.get("conversation").unwrap_or(conv);
        let chat = &mut self.chat;
        if let Some(Value::Array(ps)) = c.get("participant_data") {
            for p in ps {
                let Some(id) = gaia(p.get("id")) else {
                    continue;
                };
                let display = p
                    .get("fallback_name")
                    .and_then(Value::as_str)
                    .filter(|s| !s.trim().is_empty())
                    .map_or_else(|| id.clone(), str::to_owned);
                self.by_id.entry(id.clone()).or_insert_with(|| {
                    chat.people.push(display);
                    chat.handles.push(id);
                    PersonIdx::try_from(chat.people.len() - 1).unwrap_or(PersonIdx::MAX)
                });
            }
        }
        let me = gaia(
            c.get("self_conversation_state")
                .and_then(|s| s.get("self_read_state"))
                .and_then(|s| s.get("participant_id")),
        );
        chat.title = c
            .get("name")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned);
        chat.me_hint = me.as_ref().and_then(|id| self.by_id.get(id).copied());
    }

    /// Event `i` of the conversation.
    fn event(&mut self, i: u64, e: &Value) {
        *self.records += 1;
        let line = record_no(i);
        let ts = e
            .get("timestamp")
            .and_then(int_of)
            .map(|us| us / 1000)
            .filter(|ms| (0..=MAX_MILLIS).contains(ms));
        let Some(ts) = ts else {
            self.tally
                .add(Severity::Warning, "has no usable timestamp; skipped", line);
            return;
        };
        let chat = &mut self.chat;
        let sender = gaia(e.get("sender_id")).map(|id| {
            *self.by_id.entry(id.clone()).or_insert_with(|| {
                chat.people.push(id.clone());
                chat.handles.push(id);
                PersonIdx::try_from(chat.people.len() - 1).unwrap_or(PersonIdx::MAX)
            })
        });
        let kind = e.get("event_type").and_then(Value::as_str).unwrap_or("");
        match (kind, sender) {
            ("REGULAR_CHAT_MESSAGE", Some(p)) => {
                let content = e.get("chat_message").and_then(|c| c.get("message_content"));
                let mut text = String::new();
                if let Some(Value::Array(segs)) = content.and_then(|c| c.get("segment")) {
                    for s in segs {
                        match s.get("type").and_then(Value::as_str) {
                            Some("LINE_BREAK") => text.push('\n'),
                            _ => text.push_str(s.get("text").and_then(Value::as_str).unwrap_or("")),
                        }
                    }
                }
                let media = matches!(content.and_then(|c| c.get("attachment")), Some(Value::Array(a)) if !a.is_empty());
                push(
                    chat,
                    ts,
                    Some(p),
                    if media { Kind::Media } else { Kind::Text },
                    &text,
                    line,
                );
            }
            ("HANGOUT_EVENT", Some(p)) => {
                let h = e.get("hangout_event");
                match h.and_then(|h| h.get("event_type")).and_then(Value::as_str) {
                    Some("START_HANGOUT") => {
                        if let Some((t, c, l)) = self.open_call.replace((ts, p, line)) {
                            push(chat, t, Some(c), Kind::MissedCall, "missed call", l);
                        }
                    }
                    Some("END_HANGOUT") => {
                        let secs = h
                            .and_then(|h| h.get("hangout_duration_secs"))
                            .and_then(int_of)
                            .unwrap_or(0);
                        let (t, c, l) =
                            self.open_call.take().unwrap_or((ts - secs * 1000, p, line));
                        if secs > 0 {
                            push(chat, t, Some(c), Kind::Call, &format!("call, {secs} s"), l);
                        } else {
                            push(chat, t, Some(c), Kind::MissedCall, "missed call", l);
                        }
                    }
                    _ => push(chat, ts, None, Kind::System, "HANGOUT_EVENT", line),
                }
            }
            ("REGULAR_CHAT_MESSAGE" | "HANGOUT_EVENT", None) => {
                self.tally.add(
                    Severity::Warning,
                    "has no sender; kept as a system event",
                    line,
                );
                push(chat, ts, None, Kind::System, "", line);
            }
            (other, _) => push(chat, ts, None, Kind::System, other, line),
        }
    }

    /// The chat (or a Note when it holds nothing).
    fn finish(mut self, out: &mut Parsed) {
        let chat = &mut self.chat;
        if let Some((t, c, l)) = self.open_call {
            push(chat, t, Some(c), Kind::MissedCall, "missed call", l);
        }
        self.tally.finish(&self.prefix, &mut out.diagnostics);
        if chat.title.is_none() {
            let others: Vec<&str> = chat
                .people
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i as PersonIdx) != chat.me_hint)
                .map(|(_, p)| p.as_str())
                .collect();
            chat.title = Some(others.join(", "));
        }
        if chat.events.is_empty() {
            out.diagnostics.push(Diagnostic {
                severity: Severity::Note,
                line: 0,
                message: format!("{}holds no events; skipped", self.prefix),
            });
            return;
        }
        // Stable: ties keep the file order.
        chat.events.sort_by_key(|e| e.ts);
        chat.events.shrink_to_fit();
        out.chats.push(self.chat);
    }
}

/// One entry of `conversations`, streamed: its `conversation` part is read whole (it is
/// small), its `events` one at a time, so memory holds one event's JSON and the events, never
/// the conversation's JSON. Should `events` come before `conversation` (Takeout writes it
/// after), they are held until the people are known, so the result is the same.
struct ConvSeed<'a, 'o> {
    name: &'a str,
    index: u64,
    out: &'o mut Parsed,
    records: &'o mut u64,
}

impl<'de> DeserializeSeed<'de> for ConvSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl ConvSeed<'_, '_> {
    fn not_an_object(self) {
        self.out.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            line: record_no(self.index),
            message: format!(
                "{}: conversation {}: is not a json object; skipped",
                self.name,
                record_no(self.index)
            ),
        });
    }
}

impl<'de> Visitor<'de> for ConvSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a conversation")
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.not_an_object();
        Ok(())
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.not_an_object();
        Ok(())
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.not_an_object();
        Ok(())
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.not_an_object();
        Ok(())
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        self.not_an_object();
        Ok(())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.not_an_object();
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.not_an_object();
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let out = self.out;
        let mut conv = Conv::new(self.name, self.index, self.records);
        let mut meta_seen = false;
        let mut held: Vec<Value> = Vec::new();
        let mut next = 0u64;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "conversation" if !meta_seen => {
                    let v: Value = map.next_value()?;
                    conv.meta(&v);
                    meta_seen = true;
                }
                "events" if meta_seen => {
                    let mut each = |_: u64, e: Value| {
                        conv.event(next, &e);
                        next += 1;
                    };
                    map.next_value_seed(crate::json::Records { each: &mut each })?;
                }
                "events" => {
                    let mut each = |_: u64, e: Value| held.push(e);
                    map.next_value_seed(crate::json::Records { each: &mut each })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        for e in held {
            conv.event(next, &e);
            next += 1;
        }
        conv.finish(out);
        Ok(())
    }
}

/// The `conversations` list, one [`ConvSeed`] per entry.
struct Conversations<'a, 'o> {
    name: &'a str,
    out: &'o mut Parsed,
    records: &'o mut u64,
}

impl<'de> DeserializeSeed<'de> for Conversations<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Conversations<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of conversations")
    }

    lenient_scalars!(());

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0u64;
        loop {
            let seed = ConvSeed {
                name: self.name,
                index,
                out: &mut *self.out,
                records: &mut *self.records,
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }
}

struct Root<'a, 'o> {
    name: &'a str,
    out: &'o mut Parsed,
    records: &'o mut u64,
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
        f.write_str("a hangouts takeout")
    }

    lenient_scalars!(());

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "conversations" {
                map.next_value_seed(Conversations {
                    name: self.name,
                    out: &mut *self.out,
                    records: &mut *self.records,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}
