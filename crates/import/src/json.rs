//! What the JSON exports share: recognising them by their keys, reading their message lists one
//! record at a time, and reporting records that could not be used.
//!
//! Telegram Desktop (`result.json`) and Meta's "Download your information" threads
//! (`message_1.json`) both hold a top-level `messages` list that can reach millions of entries.
//! They are read with `serde_json`'s streaming deserializer and a `DeserializeSeed` over that
//! list: each record is deserialized on its own (as a small `serde_json::Value`), turned into
//! events and dropped, so memory holds the events and never the document. A record of any
//! shape deserializes; only broken JSON (a cut-off file, a stray byte) stops the reading, and
//! then every record before the break is kept and a Warning says where it stopped.

use serde_json::Value;
use walkaway_model::{Diagnostic, Severity};

use crate::instagram::{Scan, strip_bom};

/// Bytes a streamed JSON reader reads ahead (see [`buffered`]).
pub(crate) const READ_AHEAD: usize = 64 << 10;

/// The reader to give `serde_json::Deserializer::from_reader`: `r` behind a buffer of its own.
///
/// serde_json takes a streamed document one byte per call (`Read::bytes`). Straight from a
/// `BufReader` the standard library serves each byte from the buffer inline; through any other
/// reader (the `SkipBom` wrapper, a `&mut` or a `dyn Read`) each byte is a whole `read` call,
/// which made a streamed Telegram export read at 49 MB/s against 116 MB/s in memory
/// (BENCHMARKS.md). Memory stays bounded: this buffer, plus the one record being read.
pub(crate) fn buffered<R: std::io::Read>(r: R) -> std::io::BufReader<R> {
    std::io::BufReader::with_capacity(READ_AHEAD, r)
}

/// What a JSON document is, from its first keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Telegram Desktop, one chat: `{"name", "type", "id", "messages": [{"date", "from"...}]}`.
    TelegramChat,
    /// Telegram Desktop, the whole account: `{"personal_information", "chats": {"list": [...]}}`.
    TelegramAccount,
    /// A Messenger or Instagram thread file: `{"participants", "messages": [{"sender_name",
    /// "timestamp_ms"...}], "title"...}`.
    MetaThread,
    /// A Meta profile file naming the user: Instagram `{"profile_user": [...]}`, Facebook
    /// `{"profile_v2": {...}}`.
    MetaProfile,
    /// Anything else.
    Other,
}

/// Keys of a Telegram message record.
const TELEGRAM_KEYS: [&[u8]; 8] = [
    b"date_unixtime",
    b"date",
    b"from",
    b"from_id",
    b"text_entities",
    b"actor",
    b"action",
    b"media_type",
];

/// Keys of a Meta message record.
const META_KEYS: [&[u8]; 6] = [
    b"sender_name",
    b"timestamp_ms",
    b"is_unsent",
    b"call_duration",
    b"is_geoblocked_for_viewer",
    b"reactions",
];

/// Top-level keys only Meta thread files have.
const META_THREAD_KEYS: [&[u8]; 6] = [
    b"participants",
    b"thread_path",
    b"thread_type",
    b"is_still_participant",
    b"magic_words",
    b"joinable_mode",
];

/// Recognises a JSON document by its keys, reading no further than needed (the bytes may be
/// only the file's beginning). Names never decide.
pub(crate) fn sniff(bytes: &[u8]) -> Shape {
    let mut scan = Scan::new(strip_bom(bytes));
    scan.ws();
    if !scan.eat(b'{') {
        return Shape::Other;
    }
    let mut evidence = Evidence::default();
    // `None`: the bytes ended or stopped making sense; decide on what was seen.
    let _ = sniff_members(&mut scan, &mut evidence);
    evidence.decide()
}

#[derive(Default)]
struct Evidence {
    /// A `messages` list was seen, and what its first record looked like.
    messages: Option<Shape>,
    meta_thread_keys: bool,
    /// `id` and `type` at the top level, as a Telegram chat has.
    telegram_chat_keys: u8,
    decided: Option<Shape>,
}

impl Evidence {
    fn decide(&self) -> Shape {
        if let Some(s) = self.decided {
            return s;
        }
        match self.messages {
            Some(s @ (Shape::TelegramChat | Shape::MetaThread)) => s,
            Some(_) if self.meta_thread_keys => Shape::MetaThread,
            Some(_) if self.telegram_chat_keys >= 2 => Shape::TelegramChat,
            _ => Shape::Other,
        }
    }
}

fn sniff_members(scan: &mut Scan<'_>, ev: &mut Evidence) -> Option<()> {
    scan.ws();
    if scan.eat(b'}') {
        return Some(());
    }
    loop {
        let key = scan.member_key()?;
        match key {
            b"chats" | b"left_chats" if scan.peek() == Some(b'{') => {
                ev.decided = Some(Shape::TelegramAccount);
                return Some(());
            }
            b"personal_information" if scan.peek() == Some(b'{') => {
                ev.decided = Some(Shape::TelegramAccount);
                return Some(());
            }
            b"profile_user" | b"profile_v2" => {
                ev.decided = Some(Shape::MetaProfile);
                return Some(());
            }
            b"messages" if scan.peek() == Some(b'[') => {
                match first_record(scan) {
                    // An empty list: the other keys decide (the cursor is past the list).
                    Some(Shape::Other) => ev.messages = Some(Shape::Other),
                    first => {
                        ev.messages = first;
                        return Some(());
                    }
                }
            }
            _ => {
                if META_THREAD_KEYS.contains(&key) {
                    ev.meta_thread_keys = true;
                }
                if key == b"id" || key == b"type" {
                    ev.telegram_chat_keys += 1;
                }
                scan.skip_value()?;
            }
        }
        scan.ws();
        if !scan.eat(b',') {
            return Some(());
        }
        scan.ws();
    }
}

/// The kind of the first record of a `messages` list (the cursor is on its `[`): `Other` for
/// an empty list (the cursor is then after it), `None` for a record of neither kind.
fn first_record(scan: &mut Scan<'_>) -> Option<Shape> {
    let look = |scan: &mut Scan<'_>| -> Option<Shape> {
        scan.expect(b'[')?;
        scan.ws();
        if scan.eat(b']') {
            return Some(Shape::Other);
        }
        scan.expect(b'{')?;
        let (mut tg, mut meta) = (0, 0);
        scan.ws();
        if scan.eat(b'}') {
            return None;
        }
        loop {
            let key = scan.member_key()?;
            if TELEGRAM_KEYS.contains(&key) {
                tg += 1;
            }
            if META_KEYS.contains(&key) {
                meta += 1;
            }
            scan.skip_value()?;
            scan.ws();
            if !scan.eat(b',') {
                break;
            }
            scan.ws();
        }
        if meta > tg {
            Some(Shape::MetaThread)
        } else if tg > meta {
            Some(Shape::TelegramChat)
        } else {
            None
        }
    };
    look(scan)
}

/// What a JSON file that walkaway does not read looks like, for the refusal: the app it seems
/// to come from, or its top-level keys (names of fields, never values).
pub(crate) fn describe(bytes: &[u8]) -> String {
    let mut scan = Scan::new(strip_bom(bytes));
    scan.ws();
    if !scan.eat(b'{') {
        return "a json file that is not a chat export walkaway knows (its top level is not an object)".to_owned();
    }
    let mut keys: Vec<String> = Vec::new();
    let _ = (|| -> Option<()> {
        scan.ws();
        loop {
            let key = scan.member_key()?;
            if keys.len() < 8 {
                keys.push(String::from_utf8_lossy(key).into_owned());
            }
            scan.skip_value()?;
            scan.ws();
            if !scan.eat(b',') {
                return Some(());
            }
            scan.ws();
        }
    })();
    let has = |k: &str| keys.iter().any(|x| x == k);
    if has("guild") && has("channel") {
        "it looks like a discordchatexporter export, which walkaway does not read yet".to_owned()
    } else if has("conversations") {
        "it looks like a google hangouts / google chat takeout, which walkaway does not read yet"
            .to_owned()
    } else if has("messages") {
        "a json chat export whose messages are neither telegram's nor meta's; walkaway reads telegram desktop and meta (messenger, instagram) json".to_owned()
    } else if keys.is_empty() {
        "a json file without recognisable content".to_owned()
    } else {
        format!(
            "a json file that is no chat export walkaway knows (its top-level fields: {})",
            keys.join(", ")
        )
    }
}

/// Records that could not be fully used, by sort (the first 10 of each listed with their
/// record number, the rest counted).
pub(crate) type Tally = crate::tally::Tally<crate::tally::Records>;

/// The Warning for JSON that stops making sense part-way: where, and how many records were
/// kept. `serde_json`'s own message is not used, since it can quote the data.
pub(crate) fn stopped(name: &str, e: &serde_json::Error, records: u64) -> Diagnostic {
    use serde_json::error::Category;
    let why = match e.classify() {
        Category::Eof => "the file ends in the middle of the data (cut off while copying?)",
        Category::Syntax => "the text there is not valid json",
        Category::Data => "the data there has an unexpected shape",
        Category::Io => "the file could not be read further",
    };
    Diagnostic {
        severity: Severity::Warning,
        line: u32::try_from(e.line()).unwrap_or(u32::MAX),
        message: format!(
            "{name}: reading stopped at line {} column {}: {why}; the {records} message records before it were imported",
            e.line(),
            e.column()
        ),
    }
}

/// The `i64` a number or a numeric string holds (`"1652135033"` and `1652135033` alike).
pub(crate) fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A record number from a 0-based index.
pub(crate) fn record_no(i: u64) -> u32 {
    u32::try_from(i.saturating_add(1)).unwrap_or(u32::MAX)
}

/// Latest accepted instant (year 3000), in milliseconds: anything later is a corrupt field.
pub(crate) const MAX_MILLIS: i64 = 32_503_680_000_000;

/// Seconds to milliseconds, when the instant is between 1970 and 3000.
pub(crate) fn millis_of_seconds(s: i64) -> Option<i64> {
    s.checked_mul(1000)
        .filter(|&ms| (0..=MAX_MILLIS).contains(&ms))
}

/// Scalars a lenient visitor accepts and reports as "not the expected shape": serde would
/// otherwise fail the whole document, and its message could quote the data.
macro_rules! lenient_scalars {
    ($wrong:expr) => {
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($wrong)
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($wrong)
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($wrong)
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($wrong)
        }
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($wrong)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok($wrong)
        }
    };
}
pub(crate) use lenient_scalars;

/// A `messages` list read one record at a time: `each(index, record)` for every record, in
/// order. A value that is not a list is skipped whole (and `each` never called).
pub(crate) struct Records<'f, F> {
    pub each: &'f mut F,
}

impl<'de, F: FnMut(u64, Value)> serde::de::DeserializeSeed<'de> for Records<'_, F> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, F: FnMut(u64, Value)> serde::de::Visitor<'de> for Records<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of messages")
    }

    lenient_scalars!(());

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0u64;
        while let Some(v) = seq.next_element::<Value>()? {
            (self.each)(i, v);
            i += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_by_keys() {
        assert_eq!(
            sniff(br#"{"name":"A","type":"personal_chat","id":1,"messages":[{"id":1,"type":"message","date":"2020-01-01T00:00:00","from":"A"}]}"#),
            Shape::TelegramChat
        );
        assert_eq!(
            sniff(br#"{"about":"x","personal_information":{"user_id":1},"chats":{"list":[]}}"#),
            Shape::TelegramAccount
        );
        assert_eq!(sniff(br#"{"chats":{"list":[]}}"#), Shape::TelegramAccount);
        assert_eq!(
            sniff(br#"{"participants":[{"name":"A"}],"messages":[{"sender_name":"A","timestamp_ms":1}]}"#),
            Shape::MetaThread
        );
        assert_eq!(
            sniff("\u{feff}{\"messages\":[{\"sender_name\":\"A\",\"timestamp_ms\":1,\"content\":\"x\"}]}".as_bytes()),
            Shape::MetaThread
        );
        assert_eq!(
            sniff(br#"{"messages":[],"participants":[]}"#),
            Shape::MetaThread
        );
        assert_eq!(
            sniff(br#"{"name":"A","type":"personal_chat","id":5,"messages":[]}"#),
            Shape::TelegramChat
        );
        assert_eq!(sniff(br#"{"profile_user":[]}"#), Shape::MetaProfile);
        assert_eq!(sniff(br#"{"likes_media_likes":[]}"#), Shape::Other);
        assert_eq!(sniff(br#"[1,2]"#), Shape::Other);
        assert_eq!(
            sniff(b"{\"messages\":[{\"sender_name\":\"A\",\"time"),
            Shape::Other
        );
        assert_eq!(sniff(b""), Shape::Other);
        // A cut-off head still decides once the first record is whole.
        assert_eq!(
            sniff(b"{\"messages\":[{\"sender_name\":\"A\",\"timestamp_ms\":1},{\"sen"),
            Shape::MetaThread
        );
    }

    #[test]
    fn tally_lists_then_counts() {
        let mut t = Tally::default();
        for r in 1..=12 {
            t.add(Severity::Warning, "has no date; skipped", r);
        }
        let mut out = Vec::new();
        t.finish("chat 1: ", &mut out);
        assert_eq!(out.len(), 11);
        assert_eq!(out[0].message, "chat 1: record 1: has no date; skipped");
        assert_eq!(
            out[10].message,
            "chat 1: 2 more records: has no date; skipped"
        );
    }
}
