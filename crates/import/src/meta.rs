//! Facebook Messenger and Instagram direct messages, from Meta's "Download your information"
//! JSON: one thread per folder, its messages split over `message_1.json`, `message_2.json`...
//!
//! Both apps write the same thread shape, `{"participants": [{"name"}], "messages": [...],
//! "title", "thread_path"...}`, with the messages newest first. The files of a thread are read
//! one after the other into one [`ParsedChat`] (streamed record by record, see
//! [`crate::json`]), then ordered by time (stable: ties keep the oldest-first order of the
//! files). Variants and conventions, each a named path below and in docs/formats/messenger.md:
//!
//! - **Layouts**: `messages/inbox/<thread>/message_N.json` (exports before 2024, both apps) and
//!   `your_facebook_activity/messages/inbox/...`, `your_instagram_activity/messages/inbox/...`
//!   (current). Which app wrote a thread is told by the path (`your_instagram_activity`), the
//!   archive's profile file (`profile_user` is Instagram's, `profile_v2` Facebook's) or the
//!   thread itself (an `ig.me` join link, shared `instagram.com` posts); see [`ThreadReader`].
//! - **Mojibake**: Meta writes UTF-8 bytes as one Latin-1 code point each (`Ã©` for `é`); every
//!   string is repaired with [`repair_mojibake`], which leaves a string alone unless it really
//!   is mojibake.
//! - **Kinds**: `is_unsent` (or "X unsent a message.") → deleted; `call_duration` or
//!   `"type": "Call"` → a call by the sender, missed when the duration is 0; `audio_files` →
//!   voice; `photos`, `videos`, `gifs`, `files`, `sticker`, `share`, `attachments` → media (the
//!   placeholder "X sent an attachment." is not kept as text); `"type": "Subscribe"` /
//!   `"Unsubscribe"`, a `users` list, and notices written as message text ("X named the group
//!   Y.", "X created the group.", "X's poll has multiple updates."...) → system events without
//!   a sender; Instagram's "Liked a message" and "Reacted 😂 to your message" → reactions.
//!   A record with neither text nor attachment (a disappearing message) counts as media, with a
//!   Note.
//! - **Reactions**: `reactions: [{"reaction", "actor"}]` → one reaction event per entry, by its
//!   actor, at the message's time (or the entry's own `timestamp`, where there is one).
//!
//! The system notices are recognised in English only (the strings were checked against the
//! samples we have; other languages stay messages until a sample shows their wording).

use std::io::Read;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};
use walkaway_model::{Diagnostic, Kind, Millis, NewEvent, ParsedChat, PersonIdx, Severity, Source};

use crate::instagram::{repair_mojibake, strip_bom};
use crate::json::{MAX_MILLIS, Records, Tally, int_of, lenient_scalars, record_no, stopped};

/// Which app a thread is from, as far as the thread itself tells.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AppHint {
    #[default]
    Unknown,
    Messenger,
    Instagram,
}

/// Reads the files of one thread and merges them.
pub struct ThreadReader {
    chat: ParsedChat,
    diagnostics: Vec<Diagnostic>,
    /// Where each file's events start in `chat.events`.
    file_starts: Vec<usize>,
    /// Senders of "You ..." notices (the user, in the exports we have seen).
    you: Vec<PersonIdx>,
    hint: AppHint,
    records: u64,
}

impl Default for ThreadReader {
    fn default() -> Self {
        Self::new()
    }
}

impl ThreadReader {
    pub fn new() -> Self {
        ThreadReader {
            chat: ParsedChat::default(),
            diagnostics: Vec::new(),
            file_starts: Vec::new(),
            you: Vec::new(),
            hint: AppHint::Unknown,
            records: 0,
        }
    }

    /// Reads one `message_N.json` from a reader, streaming. `Err` only for an I/O error.
    pub fn read<R: Read>(&mut self, name: &str, reader: R) -> std::io::Result<()> {
        let mut de =
            serde_json::Deserializer::from_reader(crate::json::buffered(SkipBom::new(reader)));
        self.run(name, &mut de)
    }

    /// Reads one `message_N.json` held in memory.
    pub fn read_slice(&mut self, name: &str, bytes: &[u8]) {
        let mut de = serde_json::Deserializer::from_slice(strip_bom(bytes));
        // A slice cannot fail to read.
        let _ = self.run(name, &mut de);
    }

    fn run<'de, R: serde_json::de::Read<'de>>(
        &mut self,
        name: &str,
        de: &mut serde_json::Deserializer<R>,
    ) -> std::io::Result<()> {
        self.file_starts.push(self.chat.events.len());
        let before = self.records;
        let mut file = FileState {
            tally: Tally::default(),
            first_ts: None,
            last_ts: None,
        };
        let result = Root {
            t: &mut *self,
            file: &mut file,
        }
        .deserialize(&mut *de)
        .and_then(|()| de.end());
        if let Err(e) = result {
            if e.is_io() {
                return Err(std::io::Error::other(format!(
                    "reading stopped at line {}",
                    e.line()
                )));
            }
            self.diagnostics
                .push(stopped(name, &e, self.records - before));
        }
        file.tally
            .finish(&format!("{name}: "), &mut self.diagnostics);
        // Meta writes newest first: a file is turned oldest first (unless its times say it is
        // already), so that after the
        // stable sort by time, ties keep the order in which they were written.
        if let (Some(first), Some(last)) = (file.first_ts, file.last_ts)
            && first >= last
            && let Some(&start) = self.file_starts.last()
            && let Some(events) = self.chat.events.get_mut(start..)
        {
            events.reverse();
        }
        Ok(())
    }

    /// What the thread itself says about its app.
    pub fn hint(&self) -> AppHint {
        self.hint
    }

    /// Message records read so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// The merged chat, ordered by time, and the diagnostics. `me` is the user's name where
    /// the export says it (the profile file); otherwise the sender of "You ..." notices is the
    /// user when there is exactly one.
    pub fn finish(mut self, source: Source, me: Option<&str>) -> (ParsedChat, Vec<Diagnostic>) {
        self.chat.source = Some(source);
        // Stable: ties keep the order of the files; a reaction follows its message.
        self.chat
            .events
            .sort_by_key(|e| (e.ts, e.kind == Kind::Reaction));
        self.chat.me_hint = match me {
            Some(me) => {
                let me = repair_mojibake(me);
                self.chat
                    .people
                    .iter()
                    .position(|p| *p == me)
                    .and_then(|i| PersonIdx::try_from(i).ok())
            }
            None => {
                self.you.sort_unstable();
                self.you.dedup();
                match self.you.as_slice() {
                    [one] => Some(*one),
                    _ => None,
                }
            }
        };
        self.chat.events.shrink_to_fit();
        (self.chat, self.diagnostics)
    }

    fn person(&mut self, name: &str) -> PersonIdx {
        self.chat.person(&repair_mojibake(name))
    }

    fn participants(&mut self, v: &Value) {
        let Some(list) = v.as_array() else { return };
        for p in list {
            let name = match p {
                Value::String(s) => Some(s.as_str()),
                Value::Object(o) => o.get("name").and_then(Value::as_str),
                _ => None,
            };
            if let Some(n) = name.filter(|n| !n.is_empty()) {
                self.person(n);
            }
        }
    }

    fn record(&mut self, file: &mut FileState, index: u64, v: Value) {
        self.records += 1;
        let record = record_no(index);
        let Value::Object(m) = v else {
            file.tally
                .add(Severity::Warning, "is not a json object; skipped", record);
            return;
        };
        let get = |k: &str| m.get(k).filter(|v| !v.is_null());
        let Some(ts) = get("timestamp_ms")
            .and_then(int_of)
            .filter(|t| (0..=MAX_MILLIS).contains(t))
        else {
            file.tally.add(
                Severity::Warning,
                "has no usable timestamp_ms; skipped",
                record,
            );
            return;
        };
        file.first_ts.get_or_insert(ts);
        file.last_ts = Some(ts);
        let Some(sender_name) = get("sender_name").and_then(Value::as_str) else {
            file.tally
                .add(Severity::Warning, "has no sender_name; skipped", record);
            return;
        };
        let sender_name = repair_mojibake(sender_name).into_owned();
        let content = get("content")
            .and_then(Value::as_str)
            .map(|c| repair_mojibake(c).into_owned());
        if let Some(link) = get("share")
            .and_then(|s| s.get("link"))
            .and_then(Value::as_str)
            && link.contains("instagram.com/")
        {
            self.hint = AppHint::Instagram;
        }
        let has = |k: &str| {
            get(k).is_some_and(|v| match v {
                Value::Array(a) => !a.is_empty(),
                Value::Object(o) => !o.is_empty(),
                _ => true,
            })
        };
        let kind_field = get("type").and_then(Value::as_str);
        let (notice, by_you) = content
            .as_deref()
            .map(|c| notice_of(c, &sender_name, &self.chat.people))
            .unwrap_or((Notice::None, false));
        if by_you {
            let p = self.person(&sender_name);
            self.you.push(p);
        }
        let mut text = content.clone().unwrap_or_default();
        let unsent = get("is_unsent").and_then(Value::as_bool) == Some(true);
        let (sender, kind) = if unsent || notice == Notice::Unsent {
            text.clear();
            (Some(self.person(&sender_name)), Kind::Deleted)
        } else if kind_field == Some("Call") || has("call_duration") {
            let secs = get("call_duration").and_then(int_of).unwrap_or(0);
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
            (Some(self.person(&sender_name)), kind)
        } else if matches!(kind_field, Some("Subscribe" | "Unsubscribe"))
            || has("users")
            || notice == Notice::System
        {
            if text.is_empty() {
                text = kind_field.unwrap_or("system").to_owned();
            }
            (None, Kind::System)
        } else if let Notice::Reaction(emoji) = &notice {
            text = emoji.clone();
            (Some(self.person(&sender_name)), Kind::Reaction)
        } else if has("audio_files") {
            if notice == Notice::Attachment {
                text.clear();
            }
            (Some(self.person(&sender_name)), Kind::Voice)
        } else if [
            "photos",
            "videos",
            "gifs",
            "files",
            "sticker",
            "share",
            "attachments",
        ]
        .iter()
        .any(|k| has(k))
            || notice == Notice::Attachment
        {
            if notice == Notice::Attachment {
                text.clear();
            }
            (Some(self.person(&sender_name)), Kind::Media)
        } else if content.is_some() {
            (Some(self.person(&sender_name)), Kind::Text)
        } else {
            file.tally.add(
                Severity::Note,
                "holds neither text nor an attachment (a disappearing or unsupported message); counted as a media message",
                record,
            );
            (Some(self.person(&sender_name)), Kind::Media)
        };
        self.push(file, record, ts, sender, kind, &text);
        if kind.is_message()
            && let Some(Value::Array(reactions)) = get("reactions")
        {
            for r in reactions {
                let actor = r.get("actor").and_then(Value::as_str);
                let emoji = r.get("reaction").and_then(Value::as_str).unwrap_or("");
                let Some(actor) = actor else {
                    file.tally.add(
                        Severity::Warning,
                        "has a reaction without an actor; that reaction was skipped",
                        record,
                    );
                    continue;
                };
                // Newer exports date a reaction (seconds); older ones do not.
                let at = r
                    .get("timestamp")
                    .and_then(int_of)
                    .map(|t| if t < 100_000_000_000 { t * 1000 } else { t })
                    .filter(|t| (0..=MAX_MILLIS).contains(t) && *t >= ts)
                    .unwrap_or(ts);
                let p = self.person(actor);
                let emoji = repair_mojibake(emoji).into_owned();
                self.push(file, record, at, Some(p), Kind::Reaction, &emoji);
            }
        }
    }

    fn push(
        &mut self,
        file: &mut FileState,
        record: u32,
        ts: Millis,
        sender: Option<PersonIdx>,
        kind: Kind,
        text: &str,
    ) {
        let pushed = self.chat.events.push(NewEvent {
            ts,
            sender,
            kind,
            text,
            line: record,
            flags: 0,
        });
        if pushed.is_err() {
            file.tally.add(
                Severity::Warning,
                "does not fit: the thread's texts passed 4 gib; skipped",
                record,
            );
        }
    }
}

/// State of one file of a thread.
struct FileState {
    tally: Tally,
    first_ts: Option<Millis>,
    last_ts: Option<Millis>,
}

/// What a message's text says it is, beyond being text.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Notice {
    None,
    /// A group change, a poll update, "You are now connected": a system event.
    System,
    /// "X sent an attachment.": the attachment's placeholder.
    Attachment,
    /// "X unsent a message.".
    Unsent,
    /// Instagram's "Liked a message" / "Reacted 😂 to your message", with the emoji.
    Reaction(String),
}

/// Whole texts that are system notices (no name before them).
const SYSTEM_TEXTS: [&str; 5] = [
    "This poll is no longer available.",
    "Say hi to your new Facebook friend",
    "You can now message and call each other",
    "Messages and calls are secured with end-to-end encryption",
    "You are now connected on Messenger",
];

/// What follows "NAME " in a system notice (English exports).
const SYSTEM_VERBS: [&str; 40] = [
    "named the group",
    "changed the group name",
    "removed the group name",
    "created the group",
    "created a group",
    "left the group",
    "joined the group",
    "changed the group photo",
    "changed the group's photo",
    "changed the chat theme",
    "changed the theme",
    "set the chat theme",
    "set the emoji",
    "changed the emoji",
    "set the quick reaction",
    "set the nickname",
    "set your nickname",
    "set his own nickname",
    "set her own nickname",
    "set their own nickname",
    "cleared the nickname",
    "cleared your nickname",
    "cleared his own nickname",
    "cleared her own nickname",
    "cleared their own nickname",
    "pinned a message",
    "unpinned a message",
    "started a video chat",
    "joined the video chat",
    "started sharing video",
    "stopped sharing video",
    "created a poll",
    "created the poll",
    "voted for",
    "changed their vote",
    "changed his vote",
    "changed her vote",
    "removed their vote",
    "are now connected",
    "turned on disappearing messages",
];

/// What a message text is, and whether it is written in the user's voice ("You named the
/// group..."). A notice is "NAME VERB..." where NAME is the sender, a participant or "You"
/// (anchoring on a known name keeps ordinary sentences from being taken for notices).
fn notice_of(content: &str, sender: &str, people: &[String]) -> (Notice, bool) {
    let c = content.trim();
    if SYSTEM_TEXTS.iter().any(|t| c.starts_with(t)) {
        return (Notice::System, false);
    }
    if c == "Liked a message" || c == "liked a message" {
        return (Notice::Reaction("❤".to_owned()), false);
    }
    if let Some(emoji) = c
        .strip_prefix("Reacted ")
        .and_then(|r| r.strip_suffix(" to your message"))
    {
        return (Notice::Reaction(emoji.to_owned()), false);
    }
    let names = std::iter::once("You")
        .chain(std::iter::once(sender))
        .chain(people.iter().map(String::as_str));
    for name in names.filter(|n| !n.is_empty()) {
        let Some(rest) = c.strip_prefix(name) else {
            continue;
        };
        let found = if rest.starts_with("'s poll") {
            Notice::System
        } else if let Some(rest) = rest.strip_prefix(' ') {
            if rest == "sent an attachment." {
                Notice::Attachment
            } else if rest == "unsent a message." {
                Notice::Unsent
            } else if SYSTEM_VERBS.iter().any(|v| rest.starts_with(v))
                || (rest.starts_with("added ") && rest.contains(" to the group"))
                || (rest.starts_with("removed ") && rest.contains(" from the group"))
            {
                Notice::System
            } else {
                continue;
            }
        } else {
            continue;
        };
        return (found, name == "You" && sender != "You");
    }
    (Notice::None, false)
}

// ---- The streaming walk over one file ------------------------------------------------------

struct Root<'t, 'f> {
    t: &'t mut ThreadReader,
    file: &'f mut FileState,
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
        f.write_str("a messenger or instagram thread object")
    }

    lenient_scalars!(());

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "messages" => {
                    let t = &mut *self.t;
                    let file = &mut *self.file;
                    let mut each = |i: u64, v: Value| t.record(file, i, v);
                    map.next_value_seed(Records { each: &mut each })?;
                }
                "participants" => {
                    let v: Value = map.next_value()?;
                    self.t.participants(&v);
                }
                "title" => {
                    let v: Value = map.next_value()?;
                    if self.t.chat.title.is_none()
                        && let Some(t) = v.as_str().filter(|t| !t.is_empty())
                    {
                        self.t.chat.title = Some(repair_mojibake(t).into_owned());
                    }
                }
                "joinable_mode" => {
                    let v: Value = map.next_value()?;
                    if let Some(link) = v.get("link").and_then(Value::as_str)
                        && link.contains("ig.me/")
                    {
                        self.t.hint = AppHint::Instagram;
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Strips a UTF-8 byte-order mark from the start of a reader (Meta writes some files with one).
pub(crate) struct SkipBom<R> {
    inner: R,
    /// The first bytes read, served before the rest (without a mark); `None` until read.
    head: Option<([u8; 3], usize, usize)>,
}

impl<R: Read> SkipBom<R> {
    pub(crate) fn new(inner: R) -> Self {
        SkipBom { inner, head: None }
    }
}

impl<R: Read> Read for SkipBom<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let (bytes, pos, end) = match &mut self.head {
            Some(h) => h,
            None => {
                let mut bytes = [0u8; 3];
                let mut got = 0;
                while got < 3 {
                    let n = self.inner.read(bytes.get_mut(got..).unwrap_or(&mut []))?;
                    if n == 0 {
                        break;
                    }
                    got += n;
                }
                let pos = if bytes == *b"\xEF\xBB\xBF" { 3 } else { 0 };
                self.head.insert((bytes, pos, got))
            }
        };
        if *pos < *end {
            let pending = bytes.get(*pos..*end).unwrap_or(&[]);
            let n = pending.len().min(buf.len());
            if let (Some(dst), Some(src)) = (buf.get_mut(..n), pending.get(..n)) {
                dst.copy_from_slice(src);
            }
            *pos += n;
            return Ok(n);
        }
        self.inner.read(buf)
    }
}

/// The user's display name in a Meta profile file: Instagram's `personal_information.json`
/// (`profile_user[0].string_map_data.Name.value`) or Facebook's `profile_information.json`
/// (`profile_v2.name.full_name`). Also which app the file is from.
pub fn profile_name(bytes: &[u8]) -> Option<(AppHint, String)> {
    let v: Value = serde_json::from_slice(strip_bom(bytes)).ok()?;
    let o: &Map<String, Value> = v.as_object()?;
    if let Some(users) = o.get("profile_user") {
        let name = users
            .get(0)?
            .get("string_map_data")?
            .get("Name")?
            .get("value")?
            .as_str()?;
        return Some((AppHint::Instagram, repair_mojibake(name).into_owned()));
    }
    let name = o
        .get("profile_v2")?
        .get("name")?
        .get("full_name")?
        .as_str()?;
    Some((AppHint::Messenger, repair_mojibake(name).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices() {
        let people = vec!["Ann Lee".to_owned(), "Ben".to_owned()];
        let n = |c: &str| notice_of(c, "Ben", &people).0;
        assert_eq!(n("Ben named the group Trip."), Notice::System);
        assert_eq!(n("Ann Lee added Ben to the group."), Notice::System);
        assert_eq!(n("Ann Lee's poll has multiple updates."), Notice::System);
        assert_eq!(n("This poll is no longer available."), Notice::System);
        assert_eq!(n("Ben sent an attachment."), Notice::Attachment);
        assert_eq!(n("Ann Lee sent an attachment."), Notice::Attachment);
        assert_eq!(
            notice_of("You sent an attachment.", "Ben", &people),
            (Notice::Attachment, true)
        );
        assert_eq!(
            n("Reacted 😂 to your message"),
            Notice::Reaction("😂".into())
        );
        // Ordinary sentences stay text, even with the words in them.
        assert_eq!(n("I named the group Trip."), Notice::None);
        assert_eq!(n("Ben: created the group?"), Notice::None);
        assert_eq!(n("Ben added salt to the soup"), Notice::None);
    }

    #[test]
    fn bom_is_skipped_in_streams() {
        let mut out = String::new();
        SkipBom::new("\u{feff}{\"a\":1}".as_bytes())
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "{\"a\":1}");
        let mut out = String::new();
        SkipBom::new("{}".as_bytes())
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "{}");
    }
}
