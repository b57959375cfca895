//! Google Hangouts conversations from Google Takeout (`Hangouts.json`, 2018–2022 schema).
//!
//! `{"conversations": [{"conversation": {...}, "events": [...]}]}`: the list is streamed one
//! conversation at a time (memory holds one conversation's JSON, and the events). Variants, each
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

/// One conversation → a chat (or nothing, with a Note).
fn conversation(name: &str, index: u64, v: Value, out: &mut Parsed, records: &mut u64) {
    let no = record_no(index);
    let prefix = format!("{name}: conversation {no}: ");
    let Value::Object(m) = v else {
        out.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            line: no,
            message: format!("{prefix}is not a json object; skipped"),
        });
        return;
    };
    let mut chat = ParsedChat {
        source: Some(Source::GoogleChat),
        ..ParsedChat::default()
    };
    let mut by_id: HashMap<String, PersonIdx> = HashMap::new();
    let conv = m
        .get("conversation")
        .map(|c| c.get("conversation").unwrap_or(c));
    let mut me = None;
    if let Some(c) = conv {
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
                by_id.entry(id.clone()).or_insert_with(|| {
                    chat.people.push(display);
                    chat.handles.push(id);
                    PersonIdx::try_from(chat.people.len() - 1).unwrap_or(PersonIdx::MAX)
                });
            }
        }
        me = gaia(
            c.get("self_conversation_state")
                .and_then(|s| s.get("self_read_state"))
                .and_then(|s| s.get("participant_id")),
        );
        chat.title = c
            .get("name")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned);
    }
    chat.me_hint = me.as_ref().and_then(|id| by_id.get(id).copied());
    let mut tally = Tally::default();
    let mut open_call: Option<(Millis, PersonIdx, u32)> = None;
    let push = |chat: &mut ParsedChat, ts, sender, kind, text: &str, line| {
        let _ = chat.events.push(NewEvent {
            ts,
            sender,
            kind,
            text,
            line,
            flags: 0,
        });
    };
    let events = match m.get("events") {
        Some(Value::Array(e)) => e.as_slice(),
        _ => &[],
    };
    for (i, e) in events.iter().enumerate() {
        *records += 1;
        let line = record_no(i as u64);
        let ts = e
            .get("timestamp")
            .and_then(int_of)
            .map(|us| us / 1000)
            .filter(|ms| (0..=MAX_MILLIS).contains(ms));
        let Some(ts) = ts else {
            tally.add(Severity::Warning, "has no usable timestamp; skipped", line);
            continue;
        };
        let sender = gaia(e.get("sender_id")).map(|id| {
            *by_id.entry(id.clone()).or_insert_with(|| {
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
                    &mut chat,
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
                        if let Some((t, c, l)) = open_call.replace((ts, p, line)) {
                            push(&mut chat, t, Some(c), Kind::MissedCall, "missed call", l);
                        }
                    }
                    Some("END_HANGOUT") => {
                        let secs = h
                            .and_then(|h| h.get("hangout_duration_secs"))
                            .and_then(int_of)
                            .unwrap_or(0);
                        let (t, c, l) = open_call.take().unwrap_or((ts - secs * 1000, p, line));
                        if secs > 0 {
                            push(
                                &mut chat,
                                t,
                                Some(c),
                                Kind::Call,
                                &format!("call, {secs} s"),
                                l,
                            );
                        } else {
                            push(&mut chat, t, Some(c), Kind::MissedCall, "missed call", l);
                        }
                    }
                    _ => push(&mut chat, ts, None, Kind::System, "HANGOUT_EVENT", line),
                }
            }
            ("REGULAR_CHAT_MESSAGE" | "HANGOUT_EVENT", None) => {
                tally.add(
                    Severity::Warning,
                    "has no sender; kept as a system event",
                    line,
                );
                push(&mut chat, ts, None, Kind::System, "", line);
            }
            (other, _) => push(&mut chat, ts, None, Kind::System, other, line),
        }
    }
    if let Some((t, c, l)) = open_call {
        push(&mut chat, t, Some(c), Kind::MissedCall, "missed call", l);
    }
    tally.finish(&prefix, &mut out.diagnostics);
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
            message: format!("{prefix}holds no events; skipped"),
        });
        return;
    }
    // Stable: ties keep the file order.
    chat.events.sort_by_key(|e| e.ts);
    chat.events.shrink_to_fit();
    out.chats.push(chat);
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
                let name = self.name;
                let out = &mut *self.out;
                let records = &mut *self.records;
                let mut each = |i: u64, v: Value| conversation(name, i, v, out, records);
                map.next_value_seed(crate::json::Records { each: &mut each })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}
