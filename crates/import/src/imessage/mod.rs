//! iMessage and SMS from macOS Messages' database, `~/Library/Messages/chat.db` (SQLite).
//!
//! The file is opened **read-only and immutable** (`file:…?immutable=1`, `SQLITE_OPEN_READ_ONLY`):
//! SQLite then takes no lock, writes nothing, and creates no `-wal`, `-shm` or journal beside
//! it, so the user's database is never touched (a test pins its bytes and date). The price:
//! messages still in a `chat.db-wal` beside the file (written since Messages last folded its
//! log into the database) are not seen; a Warning says so when such a file is there.
//!
//! Variants, each a named path below and a section of docs/formats/imessage.md:
//!
//! - **Schema by age**: columns are looked up with `PRAGMA table_info` and the missing ones read
//!   as NULL: `attributedBody` (Lion+), `associated_message_type` (Sierra+, tapbacks),
//!   `date_edited`, `date_retracted`, `message_summary_info` (Ventura+, edits and unsends),
//!   `service`, `is_audio_message`, `item_type`, `is_system_message`. Only `message.date` and
//!   `message.text` or `attributedBody` are required, with a `handle` table.
//! - **Dates**: nanoseconds since 2001-01-01 UTC (High Sierra and later), seconds since then on
//!   older databases; a value of at least 1e11 is taken as nanoseconds.
//! - **Text**: `text`, or when it is NULL the `attributedBody` typedstream ([`typedstream`]).
//!   U+FFFC object replacement characters mark attachments: they make the message media and
//!   are removed from its text. `is_audio_message` → voice.
//! - **Tapbacks**: `associated_message_type` 2000–2999 add a reaction by the row's sender (its
//!   text is the emoji); 3000–3999 remove one: not an event (the reaction happened), counted in
//!   a Note. A reaction written as text (`Loved “…”`, `Reacted 👋 to “…”`: SMS and RCS rows,
//!   and older clients; English only) is a reaction too.
//! - **Edits and unsends**: `date_edited`, or `ec` in `message_summary_info` → [`flags::EDITED`];
//!   `date_retracted`, or a non-empty `rp` → [`Kind::Deleted`] (sent, then unsent).
//! - **System rows**: `is_system_message`, or an `item_type` other than 0 (members added or
//!   removed, the group renamed, its photo changed, location sharing…) → system events.
//! - **People**: the user is `Me` (`is_from_me`; their own handle from `destination_caller_id`
//!   or `account` where present) and comes first; the others are their handles (`handle.id`:
//!   phone numbers normalised to E.164 when they carry a `+`, emails lowercased), which are
//!   both their display names and their [`ParsedChat::handles`].
//! - **Chats**: one [`ParsedChat`] per `chat` row (through `chat_message_join`), titled by its
//!   `display_name` or else its handles; the one-to-one chats with the same person (an
//!   iMessage chat and its SMS twin) are one chat. A message in no chat goes to a chat with its
//!   handle, with a Note.
//! - **Service**: a row sent by SMS or RCS (an iMessage's SMS fallback, or a phone without
//!   iMessage) carries [`flags::SMS`], so that a later deduplication can recognise the same
//!   message seen as SMS in another export.
//!
//! A row without a date, or from someone with no handle: a Warning naming its `ROWID`, never
//! its text; the import goes on. A damaged database keeps the rows read before the damage.

pub mod bplist;
pub mod typedstream;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use walkaway_model::{
    Diagnostic, Kind, Millis, NewEvent, Parsed, ParsedChat, PersonIdx, Severity, Source, flags,
};

use crate::json::Tally;

/// The first 16 bytes of every SQLite database file.
pub const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// Seconds from 1970-01-01 to 2001-01-01 (Apple's reference date).
const APPLE_EPOCH_SECS: i64 = 978_307_200;

/// The display name of the user in every chat.
pub const ME: &str = "Me";

/// What Messages' tapback codes mean (2000 + n adds, 3000 + n removes).
const TAPBACKS: [&str; 8] = ["❤️", "👍", "👎", "😂", "‼️", "❓", "", "sticker"];

/// Why a database could not be read at all.
#[derive(Debug)]
pub enum Refusal {
    /// SQLite could not open or query it (permissions, encryption, damage).
    Open(String),
    /// A SQLite database, but not Messages' (its tables are listed, names only).
    NotMessages(String),
}

/// Whether bytes start like a SQLite database.
pub fn is_sqlite(head: &[u8]) -> bool {
    head.starts_with(SQLITE_MAGIC)
}

/// The advice when a chat.db cannot be opened.
pub const ACCESS_HINT: &str = "on a mac, give the terminal (or the app running walkaway) full disk access in system settings → privacy & security, or copy ~/Library/Messages/chat.db somewhere else and import the copy";

/// Reads a chat.db from disk, read-only and immutable.
pub fn read_path(path: &Path, name: &str) -> Result<Parsed, Refusal> {
    let uri = file_uri(path);
    let conn = Connection::open_with_flags(
        &uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| Refusal::Open(format!("sqlite cannot open it ({e}); {ACCESS_HINT}")))?;
    let mut parsed = read_conn(name, &conn)?;
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        parsed.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            line: 0,
            message: format!(
                "{name}: a chat.db-wal file is beside it, holding messages messages.app has not yet written into chat.db; they were not read (the database is opened read-only and never changed). quit messages, then import again to include them"
            ),
        });
    }
    Ok(parsed)
}

/// Reads a chat.db held in memory (a zip entry): SQLite reads its own copy.
pub fn read_bytes(name: &str, bytes: &[u8]) -> Result<Parsed, Refusal> {
    let mut conn = Connection::open_in_memory()
        .map_err(|e| Refusal::Open(format!("sqlite cannot start ({e})")))?;
    let mut copy = bytes.to_vec();
    // A database in WAL mode (header bytes 18 and 19 = 2) cannot be read from memory; the copy
    // says "rollback journal" instead, which changes nothing in its contents.
    if let Some(v) = copy.get_mut(18..20)
        && v == [2, 2]
    {
        v.copy_from_slice(&[1, 1]);
    }
    let len = copy.len();
    conn.deserialize_read_exact(rusqlite::MAIN_DB, std::io::Cursor::new(copy), len, true)
        .map_err(|e| Refusal::Open(format!("sqlite cannot read it ({e})")))?;
    read_conn(name, &conn)
}

/// `file:` URI of a path, percent-encoding what a URI cannot hold, with `immutable=1`.
fn file_uri(path: &Path) -> String {
    let raw = path.to_string_lossy();
    let raw = raw.replace('\\', "/");
    let mut out = String::from("file:");
    if raw.len() > 1 && raw.as_bytes().get(1) == Some(&b':') {
        // A Windows drive path: file:///C:/...
        out.push_str("///");
    }
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.push_str("?immutable=1&mode=ro");
    out
}

/// The names of a table's columns (empty when there is no such table).
fn columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info(\"{table}\")"))?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(1))?;
    rows.collect()
}

fn tables(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt =
        conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.collect()
}

fn open_error(e: &rusqlite::Error) -> Refusal {
    Refusal::Open(format!(
        "sqlite cannot read it ({e}); if it is a copy of chat.db, copy it again with messages closed"
    ))
}

/// A row key (`ROWID`, `chat_id`...): integers in real databases, text in some test ones.
fn key(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Text(t) => Some(format!("t:{}", String::from_utf8_lossy(t))),
        ValueRef::Real(f) => Some(format!("{f}")),
        _ => None,
    }
}

fn int(v: ValueRef<'_>) -> Option<i64> {
    match v {
        ValueRef::Integer(i) => Some(i),
        ValueRef::Real(f) if f.is_finite() => Some(f as i64),
        ValueRef::Text(t) => std::str::from_utf8(t).ok()?.trim().parse().ok(),
        _ => None,
    }
}

fn text(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
        _ => None,
    }
}

/// A handle in the form used across apps: a phone number with a `+` in E.164 (`+15550001111`),
/// an email lowercased, anything else trimmed.
pub fn normalise_handle(h: &str) -> String {
    let h = h.trim();
    if h.contains('@') {
        return h.to_lowercase();
    }
    let phone_chars = |c: char| c.is_ascii_digit() || " -().\u{a0}/".contains(c);
    if let Some(rest) = h.strip_prefix('+')
        && rest.chars().all(phone_chars)
    {
        let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        if (7..=15).contains(&digits.len()) {
            return format!("+{digits}");
        }
    }
    if h.chars().all(phone_chars) && h.chars().any(|c| c.is_ascii_digit()) {
        // Without a country code the number cannot be made E.164: its digits as written.
        return h.chars().filter(char::is_ascii_digit).collect();
    }
    h.to_owned()
}

/// An Apple date (nanoseconds or seconds since 2001-01-01) in Unix milliseconds.
pub fn millis_of_apple(v: i64) -> Option<Millis> {
    let ms_since_2001 = if v.unsigned_abs() >= 100_000_000_000 {
        v / 1_000_000
    } else {
        v.checked_mul(1000)?
    };
    let ms = ms_since_2001.checked_add(APPLE_EPOCH_SECS * 1000)?;
    (0..=crate::json::MAX_MILLIS).contains(&ms).then_some(ms)
}

/// A reaction written as text by SMS/RCS rows and older clients (English): its emoji, and
/// whether it removes a reaction.
fn text_tapback(t: &str) -> Option<(String, bool)> {
    const ADDS: [(&str, &str); 6] = [
        ("Loved ", "❤️"),
        ("Liked ", "👍"),
        ("Disliked ", "👎"),
        ("Laughed at ", "😂"),
        ("Emphasized ", "‼️"),
        ("Questioned ", "❓"),
    ];
    const OBJECTS: [&str; 5] = ["an image", "a movie", "an attachment", "a photo", "a video"];
    let quoted = |rest: &str| {
        (rest.starts_with('“') && rest.ends_with('”') && rest.len() > 6) || OBJECTS.contains(&rest)
    };
    for (verb, emoji) in ADDS {
        if let Some(rest) = t.strip_prefix(verb)
            && quoted(rest)
        {
            return Some((emoji.to_owned(), false));
        }
    }
    if let Some(rest) = t.strip_prefix("Reacted ")
        && let Some((emoji, target)) = rest.split_once(" to ")
        && quoted(target)
        && !emoji.is_empty()
        && emoji.chars().count() <= 8
    {
        return Some((emoji.to_owned(), false));
    }
    if let Some(rest) = t.strip_prefix("Removed ")
        && let Some((_, target)) = rest.split_once(" from ")
        && quoted(target)
    {
        return Some((String::new(), true));
    }
    None
}

/// One chat being built.
struct Chat {
    chat: ParsedChat,
    by_handle: HashMap<String, PersonIdx>,
    /// Normalised handles of the chat's members (`chat_handle_join`), for merging one-to-one
    /// chats.
    members: Vec<String>,
    tally: Tally,
    /// Rows of the chat read.
    rows: u64,
}

impl Chat {
    fn new(title: Option<String>) -> Self {
        Chat {
            chat: ParsedChat {
                source: Some(Source::IMessage),
                title,
                people: vec![ME.to_owned()],
                handles: vec![String::new()],
                me_hint: Some(0),
                ..ParsedChat::default()
            },
            by_handle: HashMap::new(),
            members: Vec::new(),
            tally: Tally::default(),
            rows: 0,
        }
    }

    fn person(&mut self, handle: &str) -> PersonIdx {
        if let Some(&p) = self.by_handle.get(handle) {
            return p;
        }
        let p = PersonIdx::try_from(self.chat.people.len()).unwrap_or(PersonIdx::MAX);
        self.chat.people.push(handle.to_owned());
        self.chat.handles.push(handle.to_owned());
        self.by_handle.insert(handle.to_owned(), p);
        p
    }
}

/// Reads every chat of an open database.
fn read_conn(name: &str, conn: &Connection) -> Result<Parsed, Refusal> {
    let all = tables(conn).map_err(|e| open_error(&e))?;
    let has = |t: &str| all.iter().any(|x| x == t);
    let msg_cols = columns(conn, "message").map_err(|e| open_error(&e))?;
    let mcol = |c: &str| msg_cols.iter().any(|x| x == c);
    if !has("message")
        || !has("handle")
        || !mcol("date")
        || !(mcol("text") || mcol("attributedBody"))
    {
        let list: Vec<&str> = all.iter().take(12).map(String::as_str).collect();
        return Err(Refusal::NotMessages(if list.is_empty() {
            "an sqlite database without tables".to_owned()
        } else {
            format!(
                "an sqlite database, but not the messages database of a mac: it has no message and handle tables with dates and texts (its tables: {})",
                list.join(", ")
            )
        }));
    }
    let handle_cols = columns(conn, "handle").map_err(|e| open_error(&e))?;
    let chat_cols = columns(conn, "chat").map_err(|e| open_error(&e))?;
    let hcol = |c: &str| handle_cols.iter().any(|x| x == c);
    let ccol = |c: &str| chat_cols.iter().any(|x| x == c);
    let mut diagnostics = Vec::new();

    // Handles by ROWID.
    let mut handles: HashMap<String, String> = HashMap::new();
    if hcol("id") {
        let mut stmt = conn
            .prepare("SELECT ROWID, id FROM handle")
            .map_err(|e| open_error(&e))?;
        let mut rows = stmt.query([]).map_err(|e| open_error(&e))?;
        while let Ok(Some(r)) = rows.next() {
            if let (Ok(k), Ok(v)) = (r.get_ref(0), r.get_ref(1))
                && let (Some(k), Some(v)) = (key(k), text(v))
            {
                handles.insert(k, normalise_handle(&v));
            }
        }
    }

    // Chats and their members.
    let mut chats: BTreeMap<String, Chat> = BTreeMap::new();
    if has("chat") {
        let pick = |c: &str| {
            if ccol(c) {
                format!("\"{c}\"")
            } else {
                "NULL".to_owned()
            }
        };
        let sql = format!("SELECT ROWID, {} FROM chat", pick("display_name"));
        let mut stmt = conn.prepare(&sql).map_err(|e| open_error(&e))?;
        let mut rows = stmt.query([]).map_err(|e| open_error(&e))?;
        while let Ok(Some(r)) = rows.next() {
            let Some(k) = r.get_ref(0).ok().and_then(key) else {
                continue;
            };
            let title = r
                .get_ref(1)
                .ok()
                .and_then(text)
                .filter(|t| !t.trim().is_empty());
            chats.insert(k, Chat::new(title));
        }
    }
    if has("chat_handle_join") {
        let mut stmt = conn
            .prepare("SELECT chat_id, handle_id FROM chat_handle_join")
            .map_err(|e| open_error(&e))?;
        let mut rows = stmt.query([]).map_err(|e| open_error(&e))?;
        let mut pairs = Vec::new();
        while let Ok(Some(r)) = rows.next() {
            if let (Some(c), Some(h)) = (
                r.get_ref(0).ok().and_then(key),
                r.get_ref(1).ok().and_then(key),
            ) {
                pairs.push((c, h));
            }
        }
        pairs.sort();
        for (c, h) in pairs {
            if let (Some(chat), Some(handle)) = (chats.get_mut(&c), handles.get(&h)) {
                if !chat.members.contains(handle) {
                    chat.members.push(handle.clone());
                }
                chat.person(handle);
            }
        }
    }

    // Messages, with whichever columns this schema has.
    let m = |c: &str| {
        if mcol(c) {
            format!("m.\"{c}\"")
        } else {
            "NULL".to_owned()
        }
    };
    let join = if has("chat_message_join") {
        "LEFT JOIN chat_message_join j ON j.message_id = m.ROWID"
    } else {
        "LEFT JOIN (SELECT NULL AS chat_id, NULL AS message_id) j ON 0"
    };
    let sql = format!(
        "SELECT j.chat_id, m.ROWID, {text}, {body}, m.date, {from_me}, {handle_id}, {service}, \
         {assoc}, {edited}, {retracted}, {summary}, {system}, {item}, {attach}, {audio}, \
         {caller}, {account} FROM message m {join}",
        text = m("text"),
        body = m("attributedBody"),
        from_me = m("is_from_me"),
        handle_id = m("handle_id"),
        service = m("service"),
        assoc = m("associated_message_type"),
        edited = m("date_edited"),
        retracted = m("date_retracted"),
        summary = m("message_summary_info"),
        system = m("is_system_message"),
        item = m("item_type"),
        attach = m("cache_has_attachments"),
        audio = m("is_audio_message"),
        caller = m("destination_caller_id"),
        account = m("account"),
    );
    let mut stmt = conn.prepare(&sql).map_err(|e| open_error(&e))?;
    let mut rows = stmt.query([]).map_err(|e| open_error(&e))?;
    let mut me_handle: Option<String> = None;
    let mut orphans = 0u64;
    let mut removals = 0u64;
    let mut truncated = 0u64;
    let mut index = 0u64;
    loop {
        let r = match rows.next() {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(e) => {
                diagnostics.push(Diagnostic {
                    severity: Severity::Warning,
                    line: 0,
                    message: format!(
                        "{name}: reading stopped after {index} messages: the database is damaged there ({}); the messages before it were imported",
                        short_error(&e)
                    ),
                });
                break;
            }
        };
        index += 1;
        let get = |i: usize| r.get_ref(i).unwrap_or(ValueRef::Null);
        let rowid = int(get(1));
        let record = rowid
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or_else(|| u32::try_from(index).unwrap_or(u32::MAX));
        let from_me = int(get(5)).unwrap_or(0) != 0;
        let handle = key(get(6))
            .filter(|k| k != "0")
            .and_then(|k| handles.get(&k).cloned());
        let chat_key = match key(get(0)) {
            Some(k) if chats.contains_key(&k) => k,
            _ => {
                // A message in no chat: a chat of its own with its handle.
                orphans += 1;
                let k = format!("handle:{}", handle.as_deref().unwrap_or(""));
                chats.entry(k.clone()).or_insert_with(|| {
                    let mut c = Chat::new(None);
                    if let Some(h) = &handle {
                        c.members.push(h.clone());
                        c.person(h);
                    }
                    c
                });
                k
            }
        };
        let Some(c) = chats.get_mut(&chat_key) else {
            continue;
        };
        c.rows += 1;
        if from_me && me_handle.is_none() {
            me_handle = text(get(16))
                .filter(|s| !s.trim().is_empty())
                .or_else(|| {
                    text(get(17)).and_then(|a| {
                        a.split_once(':')
                            .map(|(_, h)| h.to_owned())
                            .filter(|h| !h.trim().is_empty())
                    })
                })
                .map(|h| normalise_handle(&h));
        }
        let Some(ts) = int(get(4)).filter(|&d| d != 0).and_then(millis_of_apple) else {
            c.tally
                .add(Severity::Warning, "has no usable date; skipped", record);
            continue;
        };
        let mut fl = 0u8;
        if let Some(s) = text(get(7))
            && (s.eq_ignore_ascii_case("SMS") || s.eq_ignore_ascii_case("RCS"))
        {
            fl |= flags::SMS;
        }
        let summary = match get(11) {
            ValueRef::Blob(b) => bplist::summary(b),
            _ => bplist::Summary::default(),
        };
        if int(get(9)).unwrap_or(0) != 0 || summary.edited {
            fl |= flags::EDITED;
        }
        // The text: `text`, else the attributedBody typedstream.
        let mut body = text(get(2)).unwrap_or_default();
        if body.is_empty()
            && let ValueRef::Blob(b) = get(3)
        {
            match typedstream::text(b) {
                typedstream::Body::Text(t) => body = t,
                typedstream::Body::Truncated(t) => {
                    truncated += 1;
                    body = t;
                }
                typedstream::Body::None => {}
            }
        }
        let system = int(get(12)).unwrap_or(0) != 0 || int(get(13)).unwrap_or(0) != 0;
        let assoc = int(get(8)).unwrap_or(0);
        let retracted = int(get(10)).unwrap_or(0) != 0 || summary.retracted;
        let has_object = body.contains('\u{fffc}');
        if has_object {
            body = body.replace('\u{fffc}', "");
        }
        let attachments = int(get(14)).unwrap_or(0) != 0 || has_object;
        let audio = int(get(15)).unwrap_or(0) != 0;
        let sender = if system {
            None
        } else if from_me {
            Some(0)
        } else if let Some(h) = &handle {
            Some(c.person(h))
        } else {
            c.tally.add(
                Severity::Warning,
                "is from someone without a handle; kept as a system event",
                record,
            );
            None
        };
        let text_tap = if (assoc == 0 || !mcol("associated_message_type")) && !system {
            text_tapback(body.trim())
        } else {
            None
        };
        let kind = if sender.is_none() {
            Kind::System
        } else if (2000..3000).contains(&assoc) {
            // A tapback: its emoji (a custom one is in the text, `Reacted 👋 to “…”`).
            let code = usize::try_from(assoc - 2000).unwrap_or(usize::MAX);
            body = match TAPBACKS.get(code) {
                Some(e) if !e.is_empty() => (*e).to_owned(),
                _ => text_tapback(body.trim())
                    .map(|(e, _)| e)
                    .unwrap_or_default(),
            };
            Kind::Reaction
        } else if (3000..4000).contains(&assoc) {
            removals += 1;
            continue;
        } else if let Some((emoji, removal)) = text_tap {
            if removal {
                removals += 1;
                continue;
            }
            body = emoji;
            Kind::Reaction
        } else if retracted && body.trim().is_empty() {
            // Unsending also sets `date_edited`: it is not an edit.
            fl &= !flags::EDITED;
            Kind::Deleted
        } else if audio {
            Kind::Voice
        } else if attachments {
            Kind::Media
        } else if body.is_empty() {
            c.tally.add(
                Severity::Note,
                "has no text and no attachment (an app message, digital touch or similar); counted as media",
                record,
            );
            Kind::Media
        } else {
            Kind::Text
        };
        let pushed = c.chat.events.push(NewEvent {
            ts,
            sender,
            kind,
            text: &body,
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
    if orphans > 0 {
        diagnostics.push(Diagnostic {
            severity: Severity::Note,
            line: 0,
            message: format!(
                "{name}: {orphans} messages belong to no chat; they were put in a chat with their sender"
            ),
        });
    }
    if removals > 0 {
        diagnostics.push(Diagnostic {
            severity: Severity::Note,
            line: 0,
            message: format!(
                "{name}: {removals} tapbacks were taken back later; the reactions still count, the removals are not events"
            ),
        });
    }
    if truncated > 0 {
        diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            line: 0,
            message: format!(
                "{name}: {truncated} messages have a damaged attributedbody (its length points past its end); their text was read up to the end of the string"
            ),
        });
    }
    Ok(Parsed {
        chats: finish(name, chats, me_handle.as_deref(), &mut diagnostics),
        activity: Vec::new(),
        diagnostics,
    })
}

/// SQLite's message without the data it may quote (none does, but be sure): its first clause.
fn short_error(e: &rusqlite::Error) -> String {
    let s = e.to_string();
    s.chars().take(80).collect()
}

/// Merges one-to-one chats with the same person, orders events, titles and reports.
fn finish(
    name: &str,
    chats: BTreeMap<String, Chat>,
    me_handle: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<ParsedChat> {
    let mut out: Vec<Chat> = Vec::new();
    let mut one_to_one: HashMap<String, usize> = HashMap::new();
    for (k, mut c) in chats {
        let prefix = format!("{name}: chat {}: ", k.trim_start_matches("t:"));
        std::mem::take(&mut c.tally).finish(&prefix, diagnostics);
        if c.chat.events.is_empty() {
            if c.rows > 0 {
                diagnostics.push(Diagnostic {
                    severity: Severity::Note,
                    line: 0,
                    message: format!("{prefix}no usable messages; skipped"),
                });
            }
            continue;
        }
        let single = match c.members.as_slice() {
            [one] => Some(one.clone()),
            [] if c.chat.people.len() == 2 => c.chat.handles.get(1).cloned(),
            _ => None,
        };
        match single.and_then(|h| one_to_one.get(&h).copied().map(|i| (h, i))) {
            Some((_, i)) => {
                let Some(into) = out.get_mut(i) else { continue };
                merge(into, c);
            }
            None => {
                if let [one] = c.members.as_slice() {
                    one_to_one.insert(one.clone(), out.len());
                } else if c.members.is_empty() && c.chat.people.len() == 2 {
                    one_to_one.insert(c.chat.handles[1].clone(), out.len());
                }
                out.push(c);
            }
        }
    }
    out.into_iter()
        .map(|mut c| {
            // Rows come in database order: by time, ties by ROWID.
            c.chat.events.sort_by_key(|e| (e.ts, e.line));
            if let Some(h) = me_handle
                && let Some(first) = c.chat.handles.first_mut()
            {
                *first = h.to_owned();
            }
            if c.chat.title.is_none() {
                let others: Vec<&str> = c.chat.people.iter().skip(1).map(String::as_str).collect();
                c.chat.title = Some(if others.is_empty() {
                    ME.to_owned()
                } else {
                    others.join(", ")
                });
            }
            c.chat.events.shrink_to_fit();
            c.chat
        })
        .collect()
}

/// Adds the events of `from` (a one-to-one chat with the same person) to `into`.
fn merge(into: &mut Chat, from: Chat) {
    if into.chat.title.is_none() {
        into.chat.title = from.chat.title.clone();
    }
    for (e, t) in from.chat.events.iter_texts() {
        let sender = e.sender.map(|s| match s {
            0 => 0,
            s => into.person(from.chat.people.get(s as usize).map_or("", String::as_str)),
        });
        let _ = into.chat.events.push(NewEvent {
            ts: e.ts,
            sender,
            kind: e.kind,
            text: t,
            line: e.line,
            flags: e.flags,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_normalised() {
        assert_eq!(normalise_handle("+1 (555) 000-1111"), "+15550001111");
        assert_eq!(normalise_handle("+447700900123"), "+447700900123");
        assert_eq!(normalise_handle(" Ann@Example.ORG "), "ann@example.org");
        assert_eq!(normalise_handle("555-0100"), "5550100");
        assert_eq!(normalise_handle("+12"), "+12");
        assert_eq!(normalise_handle("urn:biz:abc"), "urn:biz:abc");
    }

    #[test]
    fn apple_dates() {
        // 2023-01-01T00:00:00Z is 694224000 s after 2001-01-01.
        assert_eq!(millis_of_apple(694_224_000), Some(1_672_531_200_000));
        assert_eq!(
            millis_of_apple(694_224_000_123_456_789),
            Some(1_672_531_200_123)
        );
        assert_eq!(millis_of_apple(-978_307_201), None);
        assert_eq!(millis_of_apple(99_999_999_999), None);
        assert!(millis_of_apple(i64::MAX).is_some() && millis_of_apple(i64::MIN).is_none());
    }

    #[test]
    fn tapbacks_as_text() {
        assert_eq!(
            text_tapback("Loved “see you”"),
            Some(("❤️".to_owned(), false))
        );
        assert_eq!(
            text_tapback("Reacted 👋 to “hi there”"),
            Some(("👋".to_owned(), false))
        );
        assert_eq!(
            text_tapback("Liked an image"),
            Some(("👍".to_owned(), false))
        );
        assert_eq!(
            text_tapback("Removed a heart from “see you”"),
            Some((String::new(), true))
        );
        assert_eq!(text_tapback("Loved it, thanks"), None);
        assert_eq!(text_tapback("Liked “"), None);
    }

    #[test]
    fn uris_escape() {
        assert_eq!(
            file_uri(Path::new("/a b/c?d#e%.db")),
            "file:/a%20b/c%3Fd%23e%25.db?immutable=1&mode=ro"
        );
    }
}
