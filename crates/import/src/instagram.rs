//! Instagram activity importer: the user's own likes and comments from "Download your information".
//!
//! Direct messages tell only part of a relationship: a person who stopped writing may still like
//! every story. This module reads the activity files of an Instagram export (liked posts, liked
//! comments, story likes, post and reel comments) into [`Activity`] records so the analysis can
//! see that quieter channel. Files are recognised by their top-level keys, never by their path,
//! because Meta has moved them between folders across export versions (see
//! `docs/formats/instagram.md`). A bad record becomes a counted diagnostic and never aborts the
//! file; only a file that is not JSON of a known shape is an error.

use std::borrow::Cow;

use serde_json::{Map, Value};
use walkaway_model::{Activity, ActivityKind, Diagnostic, Millis, Parsed, Severity, Source};

/// How the records under one top-level key are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// `[{"title": ACCOUNT, "string_list_data": [{"href", "value", "timestamp"}]}]`: the likes
    /// files of exports since 2021 (`likes/liked_posts.json`, `story_likes.json`, ...).
    StringList(ActivityKind),
    /// `[{"string_map_data": {"Comment": {..}, "Media Owner": {..}, "Time": {..}}}]`: comment
    /// files of exports since 2021 (`post_comments_1.json`, `reels_comments.json`).
    StringMap,
    /// `[[ISO_DATE, ACCOUNT]]` for likes and `[[ISO_DATE, TEXT, ACCOUNT]]` for comments: the
    /// root-level `likes.json` and `comments.json` of exports made before 2021.
    Legacy(ActivityKind),
}

/// Top-level keys of the activity files and the shape of the list each holds.
const KEYS: [(&str, Shape); 8] = [
    (
        "likes_media_likes",
        Shape::StringList(ActivityKind::PostLike),
    ),
    (
        "likes_comment_likes",
        Shape::StringList(ActivityKind::CommentLike),
    ),
    (
        "story_activities_story_likes",
        Shape::StringList(ActivityKind::StoryLike),
    ),
    ("comments_media_comments", Shape::StringMap),
    ("comments_reels_comments", Shape::StringMap),
    ("media_likes", Shape::Legacy(ActivityKind::PostLike)),
    ("comment_likes", Shape::Legacy(ActivityKind::CommentLike)),
    ("media_comments", Shape::Legacy(ActivityKind::Comment)),
];

/// Keys of `string_map_data` that mark a comment entry in a top-level array file.
const COMMENT_FIELDS: [&str; 2] = ["Comment", "Media Owner"];

/// Latest accepted instant, in seconds (year 3000): anything later is a corrupt field.
const MAX_SECONDS: i64 = 32_503_680_000;

/// How many record numbers a diagnostic lists before summarising the rest.
const MAX_LISTED: usize = 10;

/// Repairs Meta's mojibake: UTF-8 bytes written out as one Latin-1 code point each.
///
/// The repair is applied only when the string really is mojibake: every character is at most
/// U+00FF, at least one is not ASCII, and the characters taken as bytes form valid UTF-8. Any
/// other string (one with a character above U+00FF, or a genuine "Müller" whose Latin-1 bytes are
/// not valid UTF-8) is returned unchanged, so repairing twice is harmless.
pub fn repair_mojibake(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    let mut bytes = Vec::with_capacity(s.len());
    for c in s.chars() {
        match u8::try_from(u32::from(c)) {
            Ok(b) => bytes.push(b),
            Err(_) => return Cow::Borrowed(s),
        }
    }
    match String::from_utf8(bytes) {
        Ok(fixed) if fixed != s => Cow::Owned(fixed),
        _ => Cow::Borrowed(s),
    }
}

/// Cheap sniff: true when the JSON bytes look like an Instagram activity file (liked posts, liked
/// comments, story likes, post comments, reel comments), by top-level keys, not by path.
///
/// The sniff does not parse the whole document: it walks the top-level object's keys (skipping
/// values without building them) until it meets a known key whose value is a list, or looks at
/// the first entry of a top-level list for a `string_map_data` holding a comment field. A file
/// truncated after that point is still recognised, so [`read_activity_json`] can report it.
pub fn is_activity_json(bytes: &[u8]) -> bool {
    let mut scan = Scan::new(strip_bom(bytes));
    scan.ws();
    match scan.peek() {
        Some(b'{') => sniff_object(&mut scan).unwrap_or(false),
        Some(b'[') => sniff_array(&mut scan).unwrap_or(false),
        _ => false,
    }
}

/// Walks the members of the top-level object; `None` when the bytes stop making sense.
fn sniff_object(scan: &mut Scan<'_>) -> Option<bool> {
    scan.expect(b'{')?;
    scan.ws();
    if scan.eat(b'}') {
        return Some(false);
    }
    loop {
        let key = scan.member_key()?;
        if shape_of(key).is_some() && scan.peek() == Some(b'[') {
            return Some(true);
        }
        scan.skip_value()?;
        scan.ws();
        if !scan.eat(b',') {
            return Some(false);
        }
        scan.ws();
    }
}

/// Looks at the first entry of a top-level list for `string_map_data` with a comment field.
fn sniff_array(scan: &mut Scan<'_>) -> Option<bool> {
    scan.expect(b'[')?;
    scan.ws();
    if !scan.eat(b'{') {
        return Some(false);
    }
    scan.ws();
    if scan.eat(b'}') {
        return Some(false);
    }
    loop {
        let key = scan.member_key()?;
        if key == b"string_map_data" && scan.eat(b'{') {
            scan.ws();
            if scan.eat(b'}') {
                return Some(false);
            }
            loop {
                let field = scan.member_key()?;
                if COMMENT_FIELDS.iter().any(|f| f.as_bytes() == field) {
                    return Some(true);
                }
                scan.skip_value()?;
                scan.ws();
                if !scan.eat(b',') {
                    return Some(false);
                }
                scan.ws();
            }
        }
        scan.skip_value()?;
        scan.ws();
        if !scan.eat(b',') {
            return Some(false);
        }
        scan.ws();
    }
}

/// A forward-only cursor over JSON bytes that can read keys and skip values without allocating.
/// It trusts the input only as far as the sniff needs: it never indexes out of bounds.
pub(crate) struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scan<'a> {
    pub(crate) fn new(b: &'a [u8]) -> Self {
        Scan { b, i: 0 }
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    pub(crate) fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    pub(crate) fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    pub(crate) fn expect(&mut self, c: u8) -> Option<()> {
        self.eat(c).then_some(())
    }

    /// Reads a string and returns its raw bytes between the quotes (escapes are left as written).
    pub(crate) fn string(&mut self) -> Option<&'a [u8]> {
        self.expect(b'"')?;
        let start = self.i;
        loop {
            match self.peek()? {
                b'"' => {
                    let raw = self.b.get(start..self.i)?;
                    self.i += 1;
                    return Some(raw);
                }
                b'\\' => self.i += 2,
                _ => self.i += 1,
            }
        }
    }

    /// Reads `"key" :` and the whitespace after it, leaving the cursor on the value.
    pub(crate) fn member_key(&mut self) -> Option<&'a [u8]> {
        let key = self.string()?;
        self.ws();
        self.expect(b':')?;
        self.ws();
        Some(key)
    }

    /// Skips one value of any kind; nesting is tracked by a counter, not by recursion.
    pub(crate) fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.checked_sub(1)?;
                            if depth == 0 {
                                self.i += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
            }
            _ => {
                let rest = self.b.get(self.i..)?;
                let len = rest
                    .iter()
                    .position(|c| matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                    .unwrap_or(rest.len());
                if len == 0 {
                    return None;
                }
                self.i += len;
                Some(())
            }
        }
    }
}

pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

fn shape_of(key: &[u8]) -> Option<Shape> {
    KEYS.iter()
        .find(|(k, _)| k.as_bytes() == key)
        .map(|&(_, shape)| shape)
}

/// Parses one activity JSON file and appends model::Activity records (source Instagram) and
/// diagnostics to `parsed`. Bad records become Warning diagnostics naming the file `name` and the
/// record index (never message text); Err(String) only when the file as a whole is not readable
/// JSON of a known shape.
pub fn read_activity_json(name: &str, bytes: &[u8], parsed: &mut Parsed) -> Result<(), String> {
    let root: Value = serde_json::from_slice(strip_bom(bytes))
        .map_err(|e| format!("{name} is not readable json: {e}"))?;
    match root {
        Value::Object(map) => read_object(name, &map, parsed),
        // Exports since 2023 write `post_comments_1.json` as a bare list of comment entries.
        Value::Array(items) => {
            let has_comments = items
                .iter()
                .any(|item| item.get("string_map_data").is_some());
            if items.is_empty() || has_comments {
                let mut file = FileReader::new(name, None);
                file.read_list(Shape::StringMap, &items);
                file.finish(parsed);
                Ok(())
            } else {
                Err(format!(
                    "{name} is not an instagram activity file: its top-level list holds no comment entries"
                ))
            }
        }
        _ => Err(format!(
            "{name} is not an instagram activity file: the top level is neither an object nor a list"
        )),
    }
}

/// Reads every known key of a top-level object; old `likes.json` holds two lists in one file.
fn read_object(name: &str, map: &Map<String, Value>, parsed: &mut Parsed) -> Result<(), String> {
    // Keys are visited in the order of `KEYS`, not of the map, so the output does not depend on
    // whether serde_json keeps insertion order (its `preserve_order` feature).
    let known: Vec<(&str, &Value, Shape)> = KEYS
        .iter()
        .filter_map(|&(k, shape)| map.get(k).map(|v| (k, v, shape)))
        .collect();
    if known.is_empty() {
        return Err(format!(
            "{name} is not an instagram activity file: no known top-level key"
        ));
    }
    if !known.iter().any(|(_, v, _)| v.is_array()) {
        let keys: Vec<&str> = known.iter().map(|(k, _, _)| *k).collect();
        return Err(format!("{name}: field {} is not a list", keys.join(", ")));
    }
    let several = known.len() > 1;
    for (key, value, shape) in known {
        match value {
            Value::Array(items) => {
                let mut file = FileReader::new(name, several.then_some(key));
                file.read_list(shape, items);
                file.finish(parsed);
            }
            _ => parsed.diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                line: 0,
                message: format!("{name}: field {key} is not a list and was skipped"),
            }),
        }
    }
    Ok(())
}

/// Reads the records of one list and counts what it could not use.
struct FileReader<'a> {
    name: &'a str,
    /// The top-level key, named in diagnostics when a file holds several lists.
    key: Option<&'a str>,
    activity: Vec<Activity>,
    /// Records that are not of the expected shape (record numbers, 1-based).
    malformed: Vec<u32>,
    /// Records without a usable time: skipped.
    untimed: Vec<u32>,
    /// Records kept without a known account.
    unknown_target: Vec<u32>,
    /// Comments kept without text.
    textless: Vec<u32>,
}

/// One record's fields before the time is checked.
struct Draft {
    kind: ActivityKind,
    ts: Option<Millis>,
    target: Option<String>,
    url: Option<String>,
    text: Option<String>,
}

impl<'a> FileReader<'a> {
    fn new(name: &'a str, key: Option<&'a str>) -> Self {
        FileReader {
            name,
            key,
            activity: Vec::new(),
            malformed: Vec::new(),
            untimed: Vec::new(),
            unknown_target: Vec::new(),
            textless: Vec::new(),
        }
    }

    fn read_list(&mut self, shape: Shape, items: &[Value]) {
        for (i, item) in items.iter().enumerate() {
            let record = u32::try_from(i).map_or(u32::MAX, |i| i.saturating_add(1));
            match shape {
                Shape::StringList(kind) => self.string_list_entry(record, kind, item),
                Shape::StringMap => self.string_map_entry(record, item),
                Shape::Legacy(kind) => self.legacy_entry(record, kind, item),
            }
        }
    }

    /// `{"title": ACCOUNT, "string_list_data": [{"href": URL, "value": ..., "timestamp": S}]}`.
    /// The account is in `title`; some exports leave it empty and put it in `value` or only in
    /// the post URL. A few variants carry `timestamp` on the entry instead of the inner item.
    fn string_list_entry(&mut self, record: u32, kind: ActivityKind, item: &Value) {
        let Some(entry) = item.as_object() else {
            return push_once(&mut self.malformed, record);
        };
        let title = entry.get("title").and_then(Value::as_str);
        let entry_ts = entry.get("timestamp");
        let list = entry.get("string_list_data").and_then(Value::as_array);
        let inner: Vec<&Map<String, Value>> = match list {
            Some(list) => {
                let objects: Vec<_> = list.iter().filter_map(Value::as_object).collect();
                if objects.len() != list.len() {
                    push_once(&mut self.malformed, record);
                }
                objects
            }
            None if entry.contains_key("string_list_data") => {
                return push_once(&mut self.malformed, record);
            }
            None => Vec::new(),
        };
        if inner.is_empty() {
            if list.is_none() && entry_ts.is_none() {
                return push_once(&mut self.malformed, record);
            }
            let draft = Draft {
                kind,
                ts: entry_ts.and_then(seconds_to_ms),
                target: title.and_then(account_from_name),
                url: None,
                text: None,
            };
            return self.keep(record, draft);
        }
        for data in inner {
            let href = data
                .get("href")
                .and_then(Value::as_str)
                .filter(|h| !h.is_empty());
            let value = data.get("value").and_then(Value::as_str);
            let target = title
                .and_then(account_from_name)
                .or_else(|| value.and_then(account_from_name))
                .or_else(|| href.and_then(account_from_url));
            let draft = Draft {
                kind,
                ts: data.get("timestamp").or(entry_ts).and_then(seconds_to_ms),
                target,
                url: href.map(str::to_owned),
                text: None,
            };
            self.keep(record, draft);
        }
    }

    /// `{"string_map_data": {"Comment": {"value": TEXT}, "Media Owner": {"value": ACCOUNT},
    /// "Time": {"timestamp": S}}}`.
    fn string_map_entry(&mut self, record: u32, item: &Value) {
        let Some(fields) = item.get("string_map_data").and_then(Value::as_object) else {
            return push_once(&mut self.malformed, record);
        };
        let field = |k: &str, inner: &str| fields.get(k).and_then(|f| f.get(inner));
        let text = field("Comment", "value")
            .and_then(Value::as_str)
            .map(|t| repair_mojibake(t).into_owned());
        let owner = field("Media Owner", "value")
            .and_then(Value::as_str)
            .and_then(account_from_name);
        let href = ["Comment", "Media Owner"]
            .into_iter()
            .filter_map(|k| field(k, "href").and_then(Value::as_str))
            .find(|h| !h.is_empty());
        let target = owner.or_else(|| href.and_then(account_from_url));
        let ts = field("Time", "timestamp")
            .or_else(|| item.get("timestamp"))
            .and_then(seconds_to_ms);
        let draft = Draft {
            kind: ActivityKind::Comment,
            ts,
            target,
            url: href.map(str::to_owned),
            text,
        };
        self.keep(record, draft);
    }

    /// `[ISO_DATE, ACCOUNT]` (likes) or `[ISO_DATE, TEXT, ACCOUNT]` (comments), pre-2021 exports.
    fn legacy_entry(&mut self, record: u32, kind: ActivityKind, item: &Value) {
        let Some(cells) = item.as_array().filter(|c| !c.is_empty()) else {
            return push_once(&mut self.malformed, record);
        };
        let cell = |i: usize| cells.get(i).and_then(Value::as_str);
        let (text, account) = match kind {
            ActivityKind::Comment => (cell(1).map(|t| repair_mojibake(t).into_owned()), cell(2)),
            _ => (None, cell(1)),
        };
        let draft = Draft {
            kind,
            ts: cells.first().and_then(seconds_to_ms),
            target: account.and_then(account_from_name),
            url: None,
            text,
        };
        self.keep(record, draft);
    }

    fn keep(&mut self, record: u32, draft: Draft) {
        let Some(ts) = draft.ts else {
            return push_once(&mut self.untimed, record);
        };
        if draft.target.is_none() {
            push_once(&mut self.unknown_target, record);
        }
        if draft.kind == ActivityKind::Comment && draft.text.as_deref().is_none_or(str::is_empty) {
            push_once(&mut self.textless, record);
        }
        self.activity.push(Activity {
            source: Source::Instagram,
            ts,
            kind: draft.kind,
            target: draft.target,
            url: draft.url,
            text: draft.text,
        });
    }

    fn finish(self, parsed: &mut Parsed) {
        let place = match self.key {
            Some(key) => format!("{} under {key}", self.name),
            None => self.name.to_owned(),
        };
        let groups = [
            (Severity::Warning, &self.malformed, "not understood"),
            (Severity::Warning, &self.untimed, "without a time"),
            (
                Severity::Note,
                &self.unknown_target,
                "without a known account",
            ),
            (Severity::Note, &self.textless, "without comment text"),
        ];
        for (severity, records, what) in groups {
            if let Some(&first) = records.first() {
                parsed.diagnostics.push(Diagnostic {
                    severity,
                    line: first,
                    message: format!(
                        "{} {} {what} in {place} ({})",
                        records.len(),
                        if records.len() == 1 {
                            "record"
                        } else {
                            "records"
                        },
                        record_list(records)
                    ),
                });
            }
        }
        parsed.activity.extend(self.activity);
    }
}

/// Appends a record number unless it was the last one added (an entry can hold several items).
fn push_once(records: &mut Vec<u32>, record: u32) {
    if records.last() != Some(&record) {
        records.push(record);
    }
}

/// "record 4", "records 4, 9", "records 1, 2, ... 10 and 5 more".
fn record_list(records: &[u32]) -> String {
    let shown: Vec<String> = records
        .iter()
        .take(MAX_LISTED)
        .map(u32::to_string)
        .collect();
    let word = if records.len() == 1 {
        "record"
    } else {
        "records"
    };
    let mut out = format!("{word} {}", shown.join(", "));
    if records.len() > MAX_LISTED {
        out.push_str(&format!(" and {} more", records.len() - MAX_LISTED));
    }
    out
}

/// Seconds since the epoch (a number, a string of digits, or an RFC 3339 date in old exports)
/// to milliseconds; `None` for zero (Meta's "no time"), negative, fractional-garbage or absurd
/// values.
fn seconds_to_ms(v: &Value) -> Option<Millis> {
    let seconds = match v {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0 && *f <= MAX_SECONDS as f64)
                .map(|f| f.trunc() as i64)
        })?,
        Value::String(s) => {
            let s = s.trim();
            match s.parse::<i64>() {
                Ok(n) => n,
                Err(_) => {
                    let ts: jiff::Timestamp = s.parse().ok()?;
                    let ms = ts.as_millisecond();
                    return (ms > 0 && ms <= MAX_SECONDS * 1000).then_some(ms);
                }
            }
        }
        _ => return None,
    };
    (1..=MAX_SECONDS).contains(&seconds).then(|| seconds * 1000)
}

/// Normalises an Instagram username: trimmed, without a leading '@', lowercase. `None` when the
/// result is not a plausible username (letters, digits, '.' and '_', at most 30 characters), so a
/// "👍" in `value` or a display name is not taken for an account.
fn account_from_name(raw: &str) -> Option<String> {
    let repaired = repair_mojibake(raw);
    let name = repaired.trim();
    let name = name.strip_prefix('@').unwrap_or(name).to_ascii_lowercase();
    let valid = !name.is_empty()
        && name.len() <= 30
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_');
    valid.then_some(name)
}

/// Path segments of instagram.com URLs that are not accounts.
const RESERVED_PATHS: [&str; 10] = [
    "p", "reel", "reels", "tv", "explore", "accounts", "direct", "s", "stories", "_u",
];

/// The account in an instagram.com URL: `/ACCOUNT/...`, `/stories/ACCOUNT/ID`, `/_u/ACCOUNT`.
/// Post links (`/p/ID`, `/reel/ID`) do not name the account: `None`.
fn account_from_url(href: &str) -> Option<String> {
    let rest = href
        .trim()
        .strip_prefix("https://")
        .or_else(|| href.trim().strip_prefix("http://"))?;
    let rest = rest.split(['?', '#']).next()?;
    let mut parts = rest.split('/').filter(|p| !p.is_empty());
    let host = parts.next()?.to_ascii_lowercase();
    let host = host
        .strip_prefix("www.")
        .or_else(|| host.strip_prefix("m."))
        .unwrap_or(&host);
    if host != "instagram.com" {
        return None;
    }
    let first = parts.next()?;
    match first {
        "stories" | "_u" => parts
            .next()
            .filter(|a| *a != "highlights")
            .and_then(account_from_name),
        _ if RESERVED_PATHS.contains(&first) => None,
        _ => account_from_name(first),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mojibake_table() {
        let cases: [(&str, &str); 10] = [
            // é written as its two UTF-8 bytes.
            ("Caf\u{00c3}\u{00a9}", "Café"),
            // A 4-byte emoji (U+1F631).
            ("\u{00f0}\u{009f}\u{0098}\u{00b1}", "\u{1F631}"),
            // Heart with variation selector inside a name, as chat-miner's sample has it.
            (
                "J\u{00e2}\u{009d}\u{00a4}\u{00ef}\u{00b8}\u{008f}hn",
                "J\u{2764}\u{FE0F}hn",
            ),
            // Already correct text stays: its Latin-1 bytes are not valid UTF-8.
            ("Müller", "Müller"),
            ("naïve", "naïve"),
            ("plain ascii", "plain ascii"),
            // A genuine "Ã" (Portuguese capitals) is not followed by a continuation byte.
            ("MÃE", "MÃE"),
            ("São Paulo", "São Paulo"),
            // Characters above U+00FF prove the text was decoded already.
            (
                "Caf\u{00c3}\u{00a9} \u{1F600}",
                "Caf\u{00c3}\u{00a9} \u{1F600}",
            ),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(repair_mojibake(input), want, "input {input:?}");
        }
    }

    #[test]
    fn mojibake_borrows_when_unchanged_and_is_idempotent() {
        assert!(matches!(repair_mojibake("Müller"), Cow::Borrowed(_)));
        assert!(matches!(
            repair_mojibake("Caf\u{00c3}\u{00a9}"),
            Cow::Owned(_)
        ));
        let once = repair_mojibake("Caf\u{00c3}\u{00a9}").into_owned();
        assert_eq!(repair_mojibake(&once), once);
    }

    #[test]
    fn account_names() {
        let cases = [
            ("sam.rivera", Some("sam.rivera")),
            ("@Coffee_Lab", Some("coffee_lab")),
            ("  Sam.Rivera ", Some("sam.rivera")),
            ("\u{1F44D}", None),
            ("Sam Rivera", None),
            ("", None),
            ("@", None),
            ("a_name_that_is_far_too_long_for_ig", None),
        ];
        for (input, want) in cases {
            assert_eq!(account_from_name(input).as_deref(), want, "input {input:?}");
        }
    }

    #[test]
    fn accounts_in_urls() {
        let cases = [
            ("https://www.instagram.com/sam.rivera/", Some("sam.rivera")),
            (
                "https://www.instagram.com/Coffee_Lab/p/Cx1/",
                Some("coffee_lab"),
            ),
            (
                "https://instagram.com/stories/sam.rivera/3141/",
                Some("sam.rivera"),
            ),
            (
                "https://www.instagram.com/_u/coffee_lab",
                Some("coffee_lab"),
            ),
            ("https://www.instagram.com/p/Cx1AbC/", None),
            ("https://www.instagram.com/reel/Cx1AbC/?igsh=x", None),
            ("https://www.instagram.com/stories/highlights/1/", None),
            ("https://example.com/sam.rivera/", None),
            ("instagram.com/sam.rivera", None),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(account_from_url(input).as_deref(), want, "input {input:?}");
        }
    }

    #[test]
    fn times() {
        let cases = [
            (serde_json::json!(1_700_000_000), Some(1_700_000_000_000)),
            (serde_json::json!("1700000000"), Some(1_700_000_000_000)),
            (serde_json::json!(1_700_000_000.9), Some(1_700_000_000_000)),
            (
                serde_json::json!("2019-06-25T18:07:39+00:00"),
                Some(1_561_486_059_000),
            ),
            (
                serde_json::json!("2019-06-25T20:07:39+02:00"),
                Some(1_561_486_059_000),
            ),
            (serde_json::json!(0), None),
            (serde_json::json!(-5), None),
            (serde_json::json!(1e300), None),
            (serde_json::json!(99_999_999_999_999i64), None),
            (serde_json::json!("yesterday"), None),
            (serde_json::json!(null), None),
        ];
        for (input, want) in cases {
            assert_eq!(seconds_to_ms(&input), want, "input {input}");
        }
    }

    #[test]
    fn sniff_table() {
        let cases: [(&str, bool); 16] = [
            (r#"{"likes_media_likes": []}"#, true),
            ("\u{feff}{\n  \"likes_comment_likes\" : [ ] }", true),
            (
                r#"{"story_activities_story_likes": [{"title": "x"}]}"#,
                true,
            ),
            (r#"{"comments_reels_comments": []}"#, true),
            (
                r#"{"other": {"a": [1, "}"]}, "comments_media_comments": []}"#,
                true,
            ),
            (
                r#"{"media_likes": [["2019-01-01T00:00:00+00:00", "x"]], "comment_likes": []}"#,
                true,
            ),
            (
                r#"[{"media": [], "string_map_data": {"Comment": {"value": "hi"}}}]"#,
                true,
            ),
            (
                r#"[{"string_map_data": {"Time": {"timestamp": 1}, "Media Owner": {"value": "x"}}}]"#,
                true,
            ),
            // Truncated after the key: still recognised so the reader can report it.
            (r#"{"likes_media_likes": [{"title": "#, true),
            (r#"{"likes_media_likes": 5}"#, false),
            (
                r#"{"participants": [], "messages": [{"content": "likes_media_likes"}]}"#,
                false,
            ),
            (r#"[{"string_map_data": {"Email": {"value": "x"}}}]"#, false),
            (r#"[{"timestamp": 1, "change": "x"}]"#, false),
            ("{}", false),
            ("[]", false),
            ("", false),
        ];
        for (input, want) in cases {
            assert_eq!(is_activity_json(input.as_bytes()), want, "input {input}");
        }
    }

    #[test]
    fn sniff_never_panics_on_prefixes() {
        let doc = r#"{"x": ["a\"b", {"c": [1, 2.5e3, true, null]}], "likes_media_likes": []}"#;
        for end in 0..=doc.len() {
            if let Some(prefix) = doc.get(..end) {
                let _ = is_activity_json(prefix.as_bytes());
            }
        }
        assert!(is_activity_json(doc.as_bytes()));
        assert!(!is_activity_json(b"{\"a\": \"\\"));
    }
}
