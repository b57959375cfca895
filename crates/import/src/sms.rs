//! Android "SMS Backup & Restore" XML: text messages (`sms-*.xml`) and call logs
//! (`calls-*.xml`).
//!
//! The app writes one XML file per backup. The reader streams it (a [`quick_xml`] reader over
//! a `BufRead`, one element at a time), so memory holds the events, never the file. Variants,
//! each a named path below and a section of docs/formats/sms.md:
//!
//! - **Messages** (`<smses count="N">`): `<sms address date type body contact_name/>` rows and
//!   `<mms date msg_box address contact_name>` with `<parts>` and `<addrs>`. One [`ParsedChat`]
//!   per conversation: per other party's normalised address ([`crate::handles`]) or, for a
//!   group MMS, per set of addresses (`address="+1555…~+1555…"`).
//! - **Who wrote it**: the backup knows which rows are the user's. `sms` `type` (and `mms`
//!   `msg_box`): 1 received → the other party; 2 sent, 4 outbox and 6 queued → the user, named
//!   [`ME`]; 3 drafts and 5 failed sends never reached anyone and are skipped (a Note counts
//!   them). A received MMS is from its `addr` of `type` 137 (from); 151/130/129 are to/cc/bcc.
//! - **MMS parts**: `text/plain` parts' `text` is the message text; `application/smil` is
//!   layout and ignored; any other part makes the message media (`audio/*` alone: voice).
//!   Binary parts carry base64 `data`: [`SkipData`] drops those attribute values on the way in,
//!   so no attachment is ever held in memory, however large.
//! - **Calls** (`<calls count="N">`, `<call number duration date type contact_name/>`): call
//!   events in the per-number chat, its caller the sender. `type` 1 incoming and 2 outgoing
//!   are answered calls when `duration` > 0 (else missed); 3 missed, 4 voicemail, 5 rejected
//!   and 6 blocked are missed calls by the other party; 7 (answered on another device) an
//!   answered one. A call from a hidden number (`number` empty or negative, `presentation`
//!   other than 1) belongs to no conversation and is skipped (a Note counts them).
//! - **Dates** are milliseconds since the epoch, UTC. Some tools rewrite backups with seconds:
//!   a `date` below 10^11 (1973 in milliseconds) is read as seconds, with a Note.
//! - **Text**: the five XML entities and character references are decoded, including emoji
//!   written as two UTF-16 surrogate references (`&#55357;&#56832;`), which the app does.
//!   No DTD is read and no other entity is ever expanded (an `&name;` stays as written), so an
//!   "entity bomb" cannot grow. Invalid UTF-8 is replaced, with a Warning.
//! - **Duplicates**: backups merged or restored twice hold rows twice. Rows with the same
//!   conversation, time, direction and text count once (a Note says how many repeated).
//! - **Declared `count`** that differs from the rows present: a Note; every row is read.
//! - **Cut-off file**: everything complete before the cut is imported, and a Warning names the
//!   line where the file stops (an MMS whose `</mms>` never came is not imported).
//!
//! The backup's order is by the phone's tables (SMS, then MMS), not by time, so each chat's
//! events are sorted by time (ties keep file order). A row that cannot be used is a
//! diagnostic with its line, never message text.

use std::collections::HashMap;
use std::io::{BufRead, Read};

use quick_xml::events::{BytesStart, Event};
use walkaway_model::{
    Diagnostic, Events, Kind, Millis, NewEvent, ParsedChat, PersonIdx, Severity, Source,
};

use crate::handles;
use crate::tally::Tally;

/// The user's name in every SMS chat: the backup knows which rows are the user's but not
/// the user's own number or name.
pub const ME: &str = "Me";

/// Which of the app's two backups a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backup {
    /// `<smses>`: SMS and MMS.
    Messages,
    /// `<calls>`: the call log.
    Calls,
}

impl Backup {
    /// `"sms-xml"` or `"sms-calls-xml"` ([`crate::Imported::format`]).
    pub fn format(self) -> &'static str {
        match self {
            Backup::Messages => "sms-xml",
            Backup::Calls => "sms-calls-xml",
        }
    }

    fn rows(self) -> &'static str {
        match self {
            Backup::Messages => "messages",
            Backup::Calls => "calls",
        }
    }
}

/// What one backup file held.
#[derive(Clone, Debug, Default)]
pub struct SmsExport {
    pub chats: Vec<ParsedChat>,
    pub diagnostics: Vec<Diagnostic>,
    /// `None` when the file's root element is neither `<smses>` nor `<calls>`.
    pub backup: Option<Backup>,
    /// `<sms>`, `<mms>` and `<call>` elements read (duplicates included).
    pub records: u64,
}

/// Which backup a file's first bytes begin: its root element, after the XML declaration,
/// processing instructions, comments and a doctype. Names never decide.
pub fn sniff(head: &[u8]) -> Option<Backup> {
    let mut s = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    loop {
        let start = s.iter().position(|b| !b.is_ascii_whitespace())?;
        s = s.get(start..)?;
        let skip_past = |s: &[u8], end: &[u8]| -> Option<usize> {
            memchr::memmem::find(s, end).map(|i| i + end.len())
        };
        let n = if s.starts_with(b"<?") {
            skip_past(s, b"?>")?
        } else if s.starts_with(b"<!--") {
            skip_past(s, b"-->")?
        } else if s.starts_with(b"<!") {
            // A doctype, with or without an internal subset.
            let gt = memchr::memchr(b'>', s)?;
            match memchr::memchr(b'[', s.get(..gt)?) {
                Some(_) => skip_past(s, b"]>")?,
                None => gt + 1,
            }
        } else {
            let name_end = |name: &[u8]| {
                s.get(1..)?
                    .strip_prefix(name)
                    .and_then(|r| r.first())
                    .filter(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/'))
            };
            return if name_end(b"smses").is_some() {
                Some(Backup::Messages)
            } else if name_end(b"calls").is_some() {
                Some(Backup::Calls)
            } else {
                None
            };
        };
        s = s.get(n..)?;
    }
}

/// What an XML file that is not a backup looks like, for the refusal; `None` when the text
/// does not start like XML.
pub(crate) fn refusal(text: &str) -> Option<String> {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
    if !t.starts_with('<') {
        return None;
    }
    // The first element that is not a declaration, comment or doctype.
    let root = t
        .match_indices('<')
        .map(|(i, _)| t.get(i + 1..).unwrap_or(""))
        .find(|r| r.starts_with(|c: char| c.is_alphabetic()))
        .map(|r| {
            r.split(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .next()
                .unwrap_or("")
                .chars()
                .take(40)
                .collect::<String>()
        })
        .unwrap_or_default();
    Some(format!(
        "it is an xml file whose root element is <{root}>, not an android \"sms backup & restore\" backup (<smses> or <calls>); for another app's export, see whether walkaway reads its own format, or convert it to csv as docs/formats/csv.md describes"
    ))
}

/// Reads a backup from a reader, streaming. `Err` only for an I/O error; XML that stops
/// making sense keeps what came before it and says where it stopped.
pub fn read<R: BufRead>(name: &str, reader: R) -> std::io::Result<SmsExport> {
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::with_capacity(
        64 << 10,
        SkipData::new(reader),
    ));
    let config = xml.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    config.check_comments = false;
    config.expand_empty_elements = false;
    config.trim_text(false);
    let mut r = Reader::new(name);
    let mut buf = Vec::with_capacity(4 << 10);
    // Open elements, by name (capped: a document nested deeper than any backup is not one).
    let mut depth = 0usize;
    let mut open: Vec<Vec<u8>> = Vec::new();
    let mut ill_formed = 0u32;
    loop {
        buf.clear();
        let line = r.line;
        let event = match xml.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(quick_xml::Error::Io(e)) => {
                return Err(std::io::Error::new(e.kind(), e.to_string()));
            }
            Err(quick_xml::Error::Syntax(_)) => {
                r.cut_off(line, open.last().map(Vec::as_slice));
                break;
            }
            Err(_) => {
                // Ill-formed markup (a stray end tag, a bad attribute): the reader can go on.
                ill_formed += 1;
                r.tally.add(
                    Severity::Warning,
                    "is not well-formed xml; skipped to the next element",
                    line,
                );
                if ill_formed > 10_000 {
                    r.unreadable(line);
                    break;
                }
                continue;
            }
        };
        r.line = r.line.saturating_add(newlines(&event));
        match event {
            Event::Start(e) => {
                r.element(&e, line, depth, false);
                depth += 1;
                if open.len() < 64 {
                    open.push(e.name().as_ref().to_vec());
                }
            }
            Event::Empty(e) => r.element(&e, line, depth, true),
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if open.len() > depth {
                    open.truncate(depth);
                }
                if e.name().as_ref() == b"mms" {
                    r.end_mms();
                }
            }
            Event::DocType(_) => r.doctype = true,
            Event::Eof => {
                if depth > 0 {
                    r.cut_off(line, open.last().map(Vec::as_slice));
                }
                break;
            }
            _ => {}
        }
        if r.backup.is_none() && r.root_seen {
            break;
        }
    }
    Ok(r.finish())
}

/// Reads a backup held in memory.
pub fn read_slice(name: &str, bytes: &[u8]) -> SmsExport {
    read(name, bytes).unwrap_or_default()
}

/// Line breaks inside an event's bytes (the markup around them has none).
fn newlines(e: &Event<'_>) -> u32 {
    let raw: &[u8] = match e {
        Event::Start(b) | Event::Empty(b) => b,
        Event::End(b) => b,
        Event::Text(b) | Event::Comment(b) | Event::DocType(b) => b,
        Event::CData(b) => b,
        Event::Decl(b) => b,
        Event::PI(b) => b,
        Event::GeneralRef(b) => b,
        Event::Eof => &[],
    };
    u32::try_from(memchr::memchr_iter(b'\n', raw).count()).unwrap_or(u32::MAX)
}

/// Who wrote a row, from `sms` `type` or `mms` `msg_box`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dir {
    Received,
    Sent,
    Draft,
    Failed,
}

fn box_of(v: i64) -> Option<Dir> {
    match v {
        1 => Some(Dir::Received),
        // 2 sent; 4 outbox and 6 queued: the user sent them, the phone had not yet.
        2 | 4 | 6 => Some(Dir::Sent),
        3 => Some(Dir::Draft),
        5 => Some(Dir::Failed),
        _ => None,
    }
}

/// One conversation being read.
struct Chat {
    chat: ParsedChat,
    /// Whether each person's name came from the phone's contacts (else it is their number).
    named: Vec<bool>,
}

/// An `<mms>` whose parts are being read.
struct Mms {
    line: u32,
    date: Option<i64>,
    bad_date: bool,
    msg_box: Option<i64>,
    m_type: Option<i64>,
    address: Option<String>,
    contact_name: Option<String>,
    text: String,
    audio: bool,
    media: bool,
    /// (address, addr type) of `<addr>` elements.
    addrs: Vec<(String, i64)>,
}

/// State of one reading.
struct Reader<'a> {
    name: &'a str,
    chats: Vec<Chat>,
    /// Conversation key (its sorted handles) → index in `chats`.
    by_key: HashMap<String, usize>,
    /// Raw one-party address as written → index in `chats` (saves normalising each row).
    by_address: HashMap<Vec<u8>, usize>,
    tally: Tally,
    backup: Option<Backup>,
    root_seen: bool,
    declared: Option<u64>,
    exported_at: Option<Millis>,
    records: u64,
    seconds: u64,
    drafts: u64,
    failed: u64,
    hidden: u64,
    bad_text: Option<u32>,
    doctype: bool,
    cut: Option<Diagnostic>,
    mms: Option<Mms>,
    /// 1-based line of the next event.
    line: u32,
    /// Scratch for unescaped texts.
    text: String,
}

/// The attributes of an element this reader uses, as written (still escaped).
#[derive(Default)]
struct Attrs<'b> {
    address: Option<std::borrow::Cow<'b, [u8]>>,
    date: Option<std::borrow::Cow<'b, [u8]>>,
    kind: Option<std::borrow::Cow<'b, [u8]>>,
    body: Option<std::borrow::Cow<'b, [u8]>>,
    contact_name: Option<std::borrow::Cow<'b, [u8]>>,
    msg_box: Option<std::borrow::Cow<'b, [u8]>>,
    m_type: Option<std::borrow::Cow<'b, [u8]>>,
    duration: Option<std::borrow::Cow<'b, [u8]>>,
    presentation: Option<std::borrow::Cow<'b, [u8]>>,
    ct: Option<std::borrow::Cow<'b, [u8]>>,
    count: Option<std::borrow::Cow<'b, [u8]>>,
    backup_date: Option<std::borrow::Cow<'b, [u8]>>,
    malformed: bool,
}

impl<'b> Attrs<'b> {
    fn of(e: &'b BytesStart<'_>) -> Self {
        let mut a = Attrs::default();
        for attr in e.attributes().with_checks(false) {
            let Ok(attr) = attr else {
                a.malformed = true;
                break;
            };
            let v = Some(attr.value);
            match attr.key.as_ref() {
                // `text` is a part's text; `body` an sms's: one slot serves both.
                b"body" | b"text" => a.body = v,
                b"address" | b"number" => a.address = v,
                b"date" => a.date = v,
                b"type" => a.kind = v,
                b"contact_name" => a.contact_name = v,
                b"msg_box" => a.msg_box = v,
                b"m_type" => a.m_type = v,
                b"duration" => a.duration = v,
                b"presentation" => a.presentation = v,
                b"ct" => a.ct = v,
                b"count" => a.count = v,
                b"backup_date" => a.backup_date = v,
                _ => {}
            }
        }
        a
    }
}

fn int(v: Option<&[u8]>) -> Option<i64> {
    std::str::from_utf8(v?).ok()?.trim().parse().ok()
}

/// Latest instant accepted: year 3000.
const MAX_MILLIS: i64 = 32_503_680_000_000;

impl<'a> Reader<'a> {
    fn new(name: &'a str) -> Self {
        Reader {
            name,
            chats: Vec::new(),
            by_key: HashMap::new(),
            by_address: HashMap::new(),
            tally: Tally::default(),
            backup: None,
            root_seen: false,
            declared: None,
            exported_at: None,
            records: 0,
            seconds: 0,
            drafts: 0,
            failed: 0,
            hidden: 0,
            bad_text: None,
            doctype: false,
            cut: None,
            mms: None,
            line: 1,
            text: String::new(),
        }
    }

    /// An element's start (`empty`: it has no content and no end tag).
    fn element(&mut self, e: &BytesStart<'_>, line: u32, depth: usize, empty: bool) {
        let name = e.name();
        if depth == 0 {
            if !self.root_seen {
                self.root(name.as_ref(), &Attrs::of(e));
            }
            return;
        }
        match (self.backup, name.as_ref()) {
            (Some(Backup::Messages), b"sms") => {
                self.records += 1;
                self.sms(&Attrs::of(e), line);
            }
            (Some(Backup::Messages), b"mms") => {
                self.records += 1;
                if self.mms.is_some() {
                    // An `<mms>` inside an `<mms>`: the outer one never ended.
                    self.tally.add(
                        Severity::Warning,
                        "is an mms inside an unfinished mms; the outer one was not imported",
                        line,
                    );
                }
                self.start_mms(&Attrs::of(e), line);
                if empty {
                    self.end_mms();
                }
            }
            (Some(Backup::Messages), b"part") if self.mms.is_some() => self.part(&Attrs::of(e)),
            (Some(Backup::Messages), b"addr") if self.mms.is_some() => {
                let a = Attrs::of(e);
                let kind = int(a.kind.as_deref()).unwrap_or(0);
                let address = self.unescaped(a.address.as_deref(), line);
                if let Some(m) = &mut self.mms {
                    m.addrs.push((address, kind));
                }
            }
            (Some(Backup::Calls), b"call") => {
                self.records += 1;
                self.call(&Attrs::of(e), line);
            }
            _ => {}
        }
    }

    fn root(&mut self, name: &[u8], a: &Attrs<'_>) {
        self.root_seen = true;
        self.backup = match name {
            b"smses" => Some(Backup::Messages),
            b"calls" => Some(Backup::Calls),
            _ => None,
        };
        self.declared = int(a.count.as_deref()).and_then(|n| u64::try_from(n).ok());
        self.exported_at = int(a.backup_date.as_deref()).and_then(|d| self.instant(d).ok());
    }

    /// The instant of a `date`: milliseconds, or seconds below 10^11 (counted for a Note).
    fn instant(&mut self, v: i64) -> Result<Millis, ()> {
        if v <= 0 {
            return Err(());
        }
        let ms = if v < 100_000_000_000 {
            self.seconds += 1;
            v * 1000
        } else {
            v
        };
        if ms > MAX_MILLIS { Err(()) } else { Ok(ms) }
    }

    /// A row's instant, or a Warning saying why it has none.
    fn date_of(&mut self, raw: Option<&[u8]>, line: u32) -> Option<Millis> {
        let Some(raw) = raw else {
            self.tally
                .add(Severity::Warning, "has no date; skipped", line);
            return None;
        };
        match int(Some(raw)).map(|v| self.instant(v)) {
            Some(Ok(ms)) => Some(ms),
            Some(Err(())) => {
                self.tally
                    .add(Severity::Warning, "has an impossible date; skipped", line);
                None
            }
            None => {
                self.tally
                    .add(Severity::Warning, "has an unreadable date; skipped", line);
                None
            }
        }
    }

    /// The decoded text of an attribute value ("" when absent).
    fn unescaped(&mut self, raw: Option<&[u8]>, line: u32) -> String {
        let mut out = String::new();
        if let Some(raw) = raw
            && !unescape(raw, &mut out)
        {
            self.bad_text.get_or_insert(line);
        }
        out
    }

    /// A contact name the phone knew (not "(Unknown)", "null" or blank).
    fn contact(&mut self, raw: Option<&[u8]>, line: u32) -> Option<String> {
        let s = self.unescaped(raw, line);
        let t = s.trim();
        (!t.is_empty() && t != "(Unknown)" && t != "null").then(|| t.to_owned())
    }

    /// The chat of the conversation with the parties at `addresses` (raw), created on first
    /// use; `names` are the phone's names for them (a group's are comma-separated, in the same
    /// order, and used only when they are as many as the addresses).
    fn chat_of(&mut self, addresses: &[String], names: Option<&str>) -> Option<usize> {
        let mut parties: Vec<(String, Option<String>)> = Vec::new();
        let names: Vec<&str> = match names {
            Some(n) if addresses.len() == 1 => vec![n],
            Some(n) => {
                let v: Vec<&str> = n.split(',').map(str::trim).collect();
                if v.len() == addresses.len() {
                    v
                } else {
                    Vec::new()
                }
            }
            None => Vec::new(),
        };
        for (i, a) in addresses.iter().enumerate() {
            let h = handles::normalize(a);
            if h.is_empty() || parties.iter().any(|(p, _)| *p == h) {
                continue;
            }
            let name = names
                .get(i)
                .filter(|n| !n.is_empty())
                .map(|n| (*n).to_owned());
            parties.push((h, name));
        }
        if parties.is_empty() {
            return None;
        }
        let mut key: Vec<&str> = parties.iter().map(|(h, _)| h.as_str()).collect();
        key.sort_unstable();
        let key = key.join("\u{1f}");
        if let Some(&i) = self.by_key.get(&key) {
            if let Some(c) = self.chats.get_mut(i) {
                for (h, name) in &parties {
                    c.name(h, name.as_deref());
                }
            }
            return Some(i);
        }
        let mut c = Chat {
            chat: ParsedChat {
                source: Some(Source::Sms),
                people: vec![ME.to_owned()],
                handles: vec![String::new()],
                me_hint: Some(0),
                ..ParsedChat::default()
            },
            named: vec![true],
        };
        for (h, name) in &parties {
            c.person(h, name.as_deref());
        }
        self.chats.push(c);
        let i = self.chats.len() - 1;
        self.by_key.insert(key, i);
        Some(i)
    }

    /// The chat of a one-party row (an sms or a call) by its raw address.
    fn chat_of_address(&mut self, raw: &[u8], name: Option<&str>, line: u32) -> Option<usize> {
        if let Some(&i) = self.by_address.get(raw) {
            if let (Some(n), Some(c)) = (name, self.chats.get_mut(i))
                && let Some(h) = c.chat.handles.get(1).cloned()
            {
                c.name(&h, Some(n));
            }
            return Some(i);
        }
        let address = self.unescaped(Some(raw), line);
        let i = self.chat_of(&[address], name)?;
        if self.by_address.len() < 1 << 20 {
            self.by_address.insert(raw.to_vec(), i);
        }
        Some(i)
    }

    fn push(&mut self, chat: usize, e: NewEvent<'_>) {
        let line = e.line;
        let full = self
            .chats
            .get_mut(chat)
            .is_some_and(|c| c.chat.events.push(e).is_err());
        if full {
            self.tally.add(
                Severity::Warning,
                "does not fit: the chat's texts passed 4 gib; skipped",
                line,
            );
        }
    }

    /// Path **sms**: one text message.
    fn sms(&mut self, a: &Attrs<'_>, line: u32) {
        let Some(ts) = self.date_of(a.date.as_deref(), line) else {
            return;
        };
        let who = match int(a.kind.as_deref()).and_then(box_of) {
            Some(Dir::Draft) => {
                self.drafts += 1;
                return;
            }
            Some(Dir::Failed) => {
                self.failed += 1;
                return;
            }
            Some(b) => b,
            None => {
                self.tally
                    .add(Severity::Warning, "has an unknown type; skipped", line);
                return;
            }
        };
        let name = self.contact(a.contact_name.as_deref(), line);
        let Some(chat) = a
            .address
            .as_deref()
            .and_then(|raw| self.chat_of_address(raw, name.as_deref(), line))
        else {
            self.tally
                .add(Severity::Warning, "has no address; skipped", line);
            return;
        };
        let sender = match who {
            Dir::Received => 1,
            _ => 0,
        };
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        if let Some(raw) = a.body.as_deref()
            && !unescape(raw, &mut text)
        {
            self.bad_text.get_or_insert(line);
        }
        self.push(
            chat,
            NewEvent {
                ts,
                sender: Some(sender),
                kind: Kind::Text,
                text: &text,
                line,
                flags: 0,
            },
        );
        self.text = text;
    }

    /// Path **mms**, start: the message's own attributes; its parts and addresses follow.
    fn start_mms(&mut self, a: &Attrs<'_>, line: u32) {
        let date = int(a.date.as_deref());
        let address = a
            .address
            .as_deref()
            .map(|raw| self.unescaped(Some(raw), line));
        let contact_name = self.contact(a.contact_name.as_deref(), line);
        self.mms = Some(Mms {
            line,
            date,
            bad_date: a.date.is_some() && date.is_none(),
            msg_box: int(a.msg_box.as_deref()),
            m_type: int(a.m_type.as_deref()),
            address,
            contact_name,
            text: String::new(),
            audio: false,
            media: false,
            addrs: Vec::new(),
        });
    }

    /// Path **mms parts**: text kept, layout ignored, anything else makes it media.
    fn part(&mut self, a: &Attrs<'_>) {
        let ct =
            a.ct.as_deref()
                .map(|c| {
                    let c = String::from_utf8_lossy(c);
                    c.split(';')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_ascii_lowercase()
                })
                .unwrap_or_default();
        let line = self.mms.as_ref().map_or(0, |m| m.line);
        match ct.as_str() {
            "text/plain" => {
                let t = self.unescaped(a.body.as_deref(), line);
                if let Some(m) = &mut self.mms
                    && !t.is_empty()
                {
                    if !m.text.is_empty() {
                        m.text.push('\n');
                    }
                    m.text.push_str(&t);
                }
            }
            "application/smil" => {}
            other => {
                if let Some(m) = &mut self.mms {
                    if other.starts_with("audio/") {
                        m.audio = true;
                    } else {
                        m.media = true;
                    }
                }
            }
        }
    }

    /// Path **mms**, end: the complete message becomes an event.
    fn end_mms(&mut self) {
        let Some(m) = self.mms.take() else {
            return;
        };
        let line = m.line;
        let ts = match m.date {
            Some(d) => match self.instant(d) {
                Ok(ts) => ts,
                Err(()) => {
                    self.tally
                        .add(Severity::Warning, "has an impossible date; skipped", line);
                    return;
                }
            },
            None => {
                let what = if m.bad_date {
                    "has an unreadable date; skipped"
                } else {
                    "has no date; skipped"
                };
                self.tally.add(Severity::Warning, what, line);
                return;
            }
        };
        // msg_box decides; without it, the PDU type: 128 is a sent message (send_req),
        // 130 and 132 received ones (notification, retrieved).
        let who = match m.msg_box.and_then(box_of) {
            Some(b) => Some(b),
            None => match m.m_type {
                Some(128) => Some(Dir::Sent),
                Some(130 | 132) => Some(Dir::Received),
                _ => None,
            },
        };
        let who = match who {
            Some(Dir::Draft) => {
                self.drafts += 1;
                return;
            }
            Some(Dir::Failed) => {
                self.failed += 1;
                return;
            }
            Some(b) => b,
            None => {
                self.tally.add(
                    Severity::Warning,
                    "has an unknown message box; skipped",
                    line,
                );
                return;
            }
        };
        let is_token = |a: &str| a.trim() == "insert-address-token" || a.trim().is_empty();
        let from = m
            .addrs
            .iter()
            .find(|(a, t)| *t == 137 && !is_token(a))
            .map(|(a, _)| a.clone());
        // The conversation: the `address` list (`~`-separated: everyone but the user); without
        // it, the sender of a received message or the recipients of a sent one.
        let parties: Vec<String> = match &m.address {
            Some(list) if !list.trim().is_empty() => list
                .split('~')
                .filter(|a| !is_token(a))
                .map(str::to_owned)
                .collect(),
            _ => match who {
                Dir::Received => from.iter().cloned().collect(),
                _ => m
                    .addrs
                    .iter()
                    .filter(|(a, t)| matches!(t, 151 | 130 | 129) && !is_token(a))
                    .map(|(a, _)| a.clone())
                    .collect(),
            },
        };
        let Some(chat) = self.chat_of(&parties, m.contact_name.as_deref()) else {
            self.tally
                .add(Severity::Warning, "has no address; skipped", line);
            return;
        };
        let sender = match who {
            Dir::Received => {
                let c = &mut self.chats[chat];
                match from.map(|f| handles::normalize(&f)) {
                    Some(h) if !h.is_empty() => c.person(&h, None),
                    // No usable from address: in a one-to-one chat it is the other party.
                    _ if c.chat.people.len() == 2 => 1,
                    _ => {
                        self.tally.add(
                            Severity::Warning,
                            "is a received group mms without a sender; skipped",
                            line,
                        );
                        return;
                    }
                }
            }
            _ => 0,
        };
        let kind = if m.media {
            Kind::Media
        } else if m.audio {
            Kind::Voice
        } else {
            Kind::Text
        };
        self.push(
            chat,
            NewEvent {
                ts,
                sender: Some(sender),
                kind,
                text: &m.text,
                line,
                flags: 0,
            },
        );
    }

    /// Path **calls**: one call of the call log.
    fn call(&mut self, a: &Attrs<'_>, line: u32) {
        let Some(ts) = self.date_of(a.date.as_deref(), line) else {
            return;
        };
        let number = a.address.as_deref().map(String::from_utf8_lossy);
        let number = number.as_deref().map_or("", str::trim);
        let presentation = int(a.presentation.as_deref()).unwrap_or(1);
        // Hidden numbers: empty, or Android's negative codes (-1 unknown, -2 private, -3
        // payphone), or a presentation other than "allowed".
        if number.is_empty() || number.starts_with('-') || presentation != 1 {
            self.hidden += 1;
            return;
        }
        let secs = int(a.duration.as_deref()).unwrap_or(0).max(0);
        let Some(call_type) = int(a.kind.as_deref()) else {
            self.tally
                .add(Severity::Warning, "has no call type; skipped", line);
            return;
        };
        // (caller is the user, answered, description)
        let (mine, answered, text) = match call_type {
            1 if secs > 0 => (false, true, format!("phone call, {secs} s")),
            1 => (false, false, "missed phone call".to_owned()),
            2 if secs > 0 => (true, true, format!("phone call, {secs} s")),
            2 => (true, false, "unanswered phone call".to_owned()),
            3 => (false, false, "missed phone call".to_owned()),
            4 => (false, false, "missed phone call, voicemail".to_owned()),
            5 => (false, false, "declined phone call".to_owned()),
            6 => (false, false, "blocked phone call".to_owned()),
            7 => (
                false,
                true,
                format!("phone call answered on another device, {secs} s"),
            ),
            _ => {
                self.tally
                    .add(Severity::Warning, "has an unknown call type; skipped", line);
                return;
            }
        };
        let name = self.contact(a.contact_name.as_deref(), line);
        let Some(raw) = a.address.as_deref() else {
            return;
        };
        let Some(chat) = self.chat_of_address(raw, name.as_deref(), line) else {
            self.hidden += 1;
            return;
        };
        self.push(
            chat,
            NewEvent {
                ts,
                sender: Some(if mine { 0 } else { 1 }),
                kind: if answered {
                    Kind::Call
                } else {
                    Kind::MissedCall
                },
                text: &text,
                line,
                flags: 0,
            },
        );
    }

    /// The file ends (or stops being XML) at `line`, inside element `inside`.
    fn cut_off(&mut self, line: u32, inside: Option<&[u8]>) {
        let lost = if self.mms.take().is_some() {
            "; the mms being read there is incomplete and was not imported"
        } else {
            ""
        };
        let inside = inside.map_or_else(String::new, |n| {
            format!(" inside <{}>", String::from_utf8_lossy(n))
        });
        self.cut = Some(Diagnostic {
            severity: Severity::Warning,
            line,
            message: format!(
                "{}: the file ends at line {line}{inside} (cut off while copying?); every complete {} before it was imported{lost}",
                self.name,
                self.backup.map_or("row", |b| match b {
                    Backup::Messages => "message",
                    Backup::Calls => "call",
                }),
            ),
        });
    }

    fn unreadable(&mut self, line: u32) {
        self.mms = None;
        self.cut = Some(Diagnostic {
            severity: Severity::Warning,
            line,
            message: format!(
                "{}: the file stops being readable xml around line {line}; reading stopped there and everything before it was imported",
                self.name
            ),
        });
    }

    fn finish(mut self) -> SmsExport {
        let name = self.name;
        let note = |message: String| Diagnostic {
            severity: Severity::Note,
            line: 0,
            message,
        };
        let mut out = SmsExport {
            backup: self.backup,
            records: self.records,
            ..SmsExport::default()
        };
        let Some(backup) = self.backup else {
            out.diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                line: 0,
                message: format!(
                    "{name}: the file is not an sms backup & restore backup (its root element is neither <smses> nor <calls>)"
                ),
            });
            return out;
        };
        if let Some(d) = self.cut.take() {
            out.diagnostics.push(d);
        }
        if self.doctype {
            out.diagnostics.push(note(format!(
                "{name}: the file declares a document type; it was ignored and its entities were not expanded"
            )));
        }
        if let Some(line) = self.bad_text {
            out.diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                line,
                message: format!(
                    "{name}: some texts are not valid utf-8 or hold invalid character references (first at line {line}); those characters were replaced"
                ),
            });
        }
        if let Some(d) = self.declared
            && d != self.records
        {
            out.diagnostics.push(note(format!(
                "{name}: the backup declares {d} {rows} but holds {r}; all {r} were read",
                rows = backup.rows(),
                r = self.records
            )));
        }
        if self.seconds > 0 {
            out.diagnostics.push(note(format!(
                "{name}: {} dates are in seconds rather than milliseconds (as some tools that rewrite backups write them); read as seconds",
                self.seconds
            )));
        }
        if self.drafts > 0 {
            out.diagnostics.push(note(format!(
                "{name}: {} drafts were skipped (never sent)",
                self.drafts
            )));
        }
        if self.failed > 0 {
            out.diagnostics.push(note(format!(
                "{name}: {} messages that failed to send were skipped (they never reached anyone)",
                self.failed
            )));
        }
        if self.hidden > 0 {
            out.diagnostics.push(note(format!(
                "{name}: {} calls from or to a hidden number were skipped (they belong to no conversation)",
                self.hidden
            )));
        }
        std::mem::take(&mut self.tally).finish(&format!("{name}: "), &mut out.diagnostics);
        let mut repeated = 0usize;
        for mut c in self.chats {
            repeated += dedup(&mut c.chat.events);
            if c.chat.events.is_empty() {
                continue;
            }
            // Time order; ties keep file order (the sort is stable).
            c.chat.events.sort_by_key(|e| e.ts);
            c.chat.events.shrink_to_fit();
            let others: Vec<&str> = c.chat.people.iter().skip(1).map(String::as_str).collect();
            c.chat.title = Some(others.join(", "));
            c.chat.exported_at = self.exported_at;
            out.chats.push(c.chat);
        }
        if repeated > 0 {
            out.diagnostics.push(note(format!(
                "{name}: {repeated} rows repeat an earlier row (same conversation, time, direction and text) and were counted once"
            )));
        }
        if out.chats.is_empty() {
            out.diagnostics.push(note(format!(
                "{name}: the backup holds no {}",
                backup.rows()
            )));
        }
        out
    }
}

impl Chat {
    /// The person with handle `h`, added (named `name`, else by their number) when new.
    fn person(&mut self, h: &str, name: Option<&str>) -> PersonIdx {
        if let Some(i) = self.chat.handles.iter().skip(1).position(|x| x == h) {
            let p = i + 1;
            self.name_at(p, name);
            return PersonIdx::try_from(p).unwrap_or(PersonIdx::MAX);
        }
        let p = self.chat.people.len();
        self.chat.people.push(String::new());
        self.chat.handles.push(h.to_owned());
        self.named.push(false);
        self.name_at(p, name);
        if !self.named.get(p).copied().unwrap_or(false) {
            let display = self.unique(handles::display(h).to_owned());
            if let Some(slot) = self.chat.people.get_mut(p) {
                *slot = display;
            }
        }
        PersonIdx::try_from(p).unwrap_or(PersonIdx::MAX)
    }

    /// Gives the person with handle `h` the phone's name for them, if they have none yet.
    fn name(&mut self, h: &str, name: Option<&str>) {
        if let Some(i) = self.chat.handles.iter().skip(1).position(|x| x == h) {
            self.name_at(i + 1, name);
        }
    }

    fn name_at(&mut self, p: usize, name: Option<&str>) {
        let Some(name) = name else { return };
        if self.named.get(p).copied().unwrap_or(true) {
            return;
        }
        // The user is `ME`; a contact saved under that name (or a name another party of
        // the chat already has) gets their number beside it.
        let handle = self.chat.handles.get(p).cloned().unwrap_or_default();
        let taken = |people: &[String]| people.iter().enumerate().any(|(i, n)| i != p && n == name);
        let name = if taken(&self.chat.people) {
            format!("{name} ({})", handles::display(&handle))
        } else {
            name.to_owned()
        };
        if let Some(slot) = self.chat.people.get_mut(p) {
            *slot = name;
        }
        if let Some(n) = self.named.get_mut(p) {
            *n = true;
        }
    }

    /// `name`, or with a suffix when another person of the chat already has it.
    fn unique(&self, name: String) -> String {
        if !self.chat.people.contains(&name) {
            return name;
        }
        (2..)
            .map(|i| format!("{name} ({i})"))
            .find(|n| !self.chat.people.contains(n))
            .unwrap_or(name)
    }
}

/// Drops events that repeat an earlier one (same instant, sender, kind and text), keeping the
/// first; returns how many were dropped. O(n log n) whatever the data.
fn dedup(events: &mut Events) -> usize {
    let n = events.len();
    let Ok(n32) = u32::try_from(n) else {
        return 0;
    };
    let mut order: Vec<u32> = (0..n32).collect();
    let key = |i: u32| {
        let e = &events[i as usize];
        (e.ts, e.sender, e.kind)
    };
    order.sort_unstable_by(|&a, &b| {
        key(a)
            .cmp(&key(b))
            .then_with(|| events.text_at(a as usize).cmp(events.text_at(b as usize)))
            .then(a.cmp(&b))
    });
    let mut dup = vec![false; n];
    let mut dropped = 0;
    for w in order.windows(2) {
        if let [a, b] = *w
            && key(a) == key(b)
            && events.text_at(a as usize) == events.text_at(b as usize)
        {
            dup[b as usize] = true;
            dropped += 1;
        }
    }
    if dropped > 0 {
        let mut i = 0;
        events.retain(|_, _| {
            let keep = !dup.get(i).copied().unwrap_or(false);
            i += 1;
            keep
        });
    }
    dropped
}

/// Appends the text of an attribute value as written in the file: the five XML entities and
/// character references decoded, a UTF-16 surrogate pair written as two references joined
/// into one character, an unknown entity kept as written (never expanded), invalid UTF-8
/// replaced. False when something had to be replaced.
pub(crate) fn unescape(raw: &[u8], out: &mut String) -> bool {
    let mut clean = true;
    let mut rest = raw;
    let mut high: Option<u32> = None;
    let flush = |high: &mut Option<u32>, out: &mut String, clean: &mut bool| {
        if high.take().is_some() {
            out.push(char::REPLACEMENT_CHARACTER);
            *clean = false;
        }
    };
    while let Some(i) = memchr::memchr(b'&', rest) {
        let (before, at) = rest.split_at(i);
        if !before.is_empty() {
            flush(&mut high, out, &mut clean);
            push_utf8(before, out, &mut clean);
        }
        let semi = at.iter().take(12).position(|&b| b == b';');
        let reference = semi.and_then(|s| at.get(1..s)).and_then(reference);
        match (reference, semi) {
            (Some(Ref::Char(c)), Some(s)) => {
                flush(&mut high, out, &mut clean);
                out.push(c);
                rest = at.get(s + 1..).unwrap_or(&[]);
            }
            (Some(Ref::High(h)), Some(s)) => {
                flush(&mut high, out, &mut clean);
                high = Some(h);
                rest = at.get(s + 1..).unwrap_or(&[]);
            }
            (Some(Ref::Low(l)), Some(s)) => {
                match high.take() {
                    Some(h) => {
                        let c = 0x10000 + ((h - 0xD800) << 10) + (l - 0xDC00);
                        out.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                    }
                    None => {
                        out.push(char::REPLACEMENT_CHARACTER);
                        clean = false;
                    }
                }
                rest = at.get(s + 1..).unwrap_or(&[]);
            }
            _ => {
                // Not a reference this reader knows: the `&` stays as written.
                flush(&mut high, out, &mut clean);
                out.push('&');
                rest = at.get(1..).unwrap_or(&[]);
            }
        }
    }
    flush(&mut high, out, &mut clean);
    push_utf8(rest, out, &mut clean);
    clean
}

enum Ref {
    Char(char),
    High(u32),
    Low(u32),
}

/// The meaning of `&name;` (`name` without `&` and `;`).
fn reference(name: &[u8]) -> Option<Ref> {
    let c = match name {
        b"lt" => '<',
        b"gt" => '>',
        b"amp" => '&',
        b"quot" => '"',
        b"apos" => '\'',
        [b'#', b'x' | b'X', hex @ ..] => {
            return code_point(u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
        }
        [b'#', dec @ ..] => {
            return code_point(std::str::from_utf8(dec).ok()?.parse().ok()?);
        }
        _ => return None,
    };
    Some(Ref::Char(c))
}

fn code_point(v: u32) -> Option<Ref> {
    match v {
        0xD800..=0xDBFF => Some(Ref::High(v)),
        0xDC00..=0xDFFF => Some(Ref::Low(v)),
        _ => Some(Ref::Char(
            char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER),
        )),
    }
}

fn push_utf8(bytes: &[u8], out: &mut String, clean: &mut bool) {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => out.push_str(s),
        Err(_) => {
            out.push_str(&String::from_utf8_lossy(bytes));
            *clean = false;
        }
    }
}

/// A reader that drops the values of `data="…"` attributes (MMS attachments, base64) on the
/// way to the XML parser, keeping only their line breaks (so line numbers stay right): the
/// parser then never holds an attachment, whatever its size. Everything else passes through
/// unchanged. It follows just enough XML to know when it is inside a tag, a quoted value, a
/// comment or a CDATA section.
pub struct SkipData<R> {
    inner: R,
    scan: Scanner,
}

/// Where [`SkipData`] is in the markup.
#[derive(Debug)]
struct Scanner {
    state: State,
    /// The last bytes of the current tag since its start or its last quoted value: what
    /// precedes a quote tells whether the value is a `data` attribute's.
    tail: [u8; 16],
    tail_len: usize,
    /// Bytes dropped.
    skipped: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Text,
    /// Just after `<`.
    Lt,
    /// `<!`.
    Bang,
    /// `<!-`.
    BangDash,
    /// Inside `<!-- -->`, with how many `-` just passed.
    Comment(u8),
    /// Inside `<![CDATA[ ]]>`, with how many `]` just passed.
    CData(u8),
    Tag,
    /// Inside a quoted value (its quote), dropping it or not.
    Quote(u8, bool),
}

impl<R> SkipData<R> {
    pub fn new(inner: R) -> Self {
        SkipData {
            inner,
            scan: Scanner {
                state: State::Text,
                tail: [0; 16],
                tail_len: 0,
                skipped: 0,
            },
        }
    }

    /// Bytes of `data` values dropped so far.
    pub fn skipped(&self) -> u64 {
        self.scan.skipped
    }
}

impl Scanner {
    /// Moves bytes of `input` to `out`; returns (bytes of input used, bytes written).
    fn step(&mut self, input: &[u8], out: &mut [u8]) -> (usize, usize) {
        let (mut i, mut w) = (0, 0);
        while i < input.len() && w < out.len() {
            let room = out.len() - w;
            let rest = input.get(i..).unwrap_or(&[]);
            let seg = rest.get(..rest.len().min(room)).unwrap_or(&[]);
            // Copies `n` bytes of `seg`.
            let mut copy = |n: usize, w: &mut usize, i: &mut usize| {
                if let (Some(dst), Some(src)) = (out.get_mut(*w..*w + n), seg.get(..n)) {
                    dst.copy_from_slice(src);
                }
                *w += n;
                *i += n;
            };
            match self.state {
                // Text and kept values: copy up to the byte that ends them.
                State::Text | State::Quote(_, false) => {
                    let stop = match self.state {
                        State::Quote(q, _) => q,
                        _ => b'<',
                    };
                    match memchr::memchr(stop, seg) {
                        Some(k) => {
                            copy(k + 1, &mut w, &mut i);
                            self.state = match self.state {
                                State::Text => State::Lt,
                                _ => {
                                    self.tail_len = 0;
                                    State::Tag
                                }
                            };
                        }
                        None => copy(seg.len(), &mut w, &mut i),
                    }
                }
                // Inside a tag: copy up to a quote or its end, remembering what came last.
                State::Tag => match memchr::memchr3(b'"', b'\'', b'>', seg) {
                    Some(k) => {
                        self.remember(seg.get(..k).unwrap_or(&[]));
                        let b = seg.get(k).copied().unwrap_or(b'>');
                        copy(k + 1, &mut w, &mut i);
                        self.state = if b == b'>' {
                            State::Text
                        } else {
                            State::Quote(b, self.before_data_value())
                        };
                        self.tail_len = 0;
                    }
                    None => {
                        self.remember(seg);
                        copy(seg.len(), &mut w, &mut i);
                    }
                },
                // A dropped value: only its line breaks and its closing quote pass.
                State::Quote(q, true) => match memchr::memchr2(q, b'\n', rest) {
                    Some(k) => {
                        self.skipped += k as u64;
                        let b = rest.get(k).copied().unwrap_or(q);
                        if let Some(slot) = out.get_mut(w) {
                            *slot = b;
                        }
                        w += 1;
                        i += k + 1;
                        if b == q {
                            self.state = State::Tag;
                            self.tail_len = 0;
                        }
                    }
                    None => {
                        self.skipped += rest.len() as u64;
                        i += rest.len();
                    }
                },
                // The few bytes after `<` that tell a comment or CDATA from a tag, and the
                // ends of those: one byte at a time.
                _ => {
                    let b = seg.first().copied().unwrap_or(0);
                    match self.after(b) {
                        Some(next) => {
                            copy(1, &mut w, &mut i);
                            self.state = next;
                        }
                        // Not special: the byte is the tag's, read again in `Tag`.
                        None => {
                            self.state = State::Tag;
                            self.tail_len = 0;
                        }
                    }
                }
            }
        }
        (i, w)
    }

    /// The state after byte `b` of `<!…`, a comment or CDATA; `None` when the markup is a
    /// plain tag from here on.
    fn after(&self, b: u8) -> Option<State> {
        Some(match (self.state, b) {
            (State::Lt, b'!') => State::Bang,
            (State::Bang, b'-') => State::BangDash,
            (State::Bang, b'[') => State::CData(0),
            (State::BangDash, b'-') => State::Comment(0),
            (State::Comment(n), b'-') => State::Comment(n.saturating_add(1).min(2)),
            (State::Comment(2), b'>') => State::Text,
            (State::Comment(_), _) => State::Comment(0),
            (State::CData(n), b']') => State::CData(n.saturating_add(1).min(2)),
            (State::CData(2), b'>') => State::Text,
            (State::CData(_), _) => State::CData(0),
            _ => return None,
        })
    }

    /// Keeps the last bytes of `seg` in `tail`.
    fn remember(&mut self, seg: &[u8]) {
        let cap = self.tail.len();
        if seg.len() >= cap {
            self.tail
                .copy_from_slice(seg.get(seg.len() - cap..).unwrap_or(&[0; 16]));
            self.tail_len = cap;
            return;
        }
        let keep = (cap - seg.len()).min(self.tail_len);
        self.tail
            .copy_within(self.tail_len - keep..self.tail_len, 0);
        if let Some(dst) = self.tail.get_mut(keep..keep + seg.len()) {
            dst.copy_from_slice(seg);
        }
        self.tail_len = keep + seg.len();
    }

    /// Whether the tag's bytes before a quote end with `data=` (blanks allowed around `=`).
    fn before_data_value(&self) -> bool {
        let t = self.tail.get(..self.tail_len).unwrap_or(&[]);
        let t = t.trim_ascii_end();
        let Some(t) = t.strip_suffix(b"=") else {
            return false;
        };
        let t = t.trim_ascii_end();
        match t.strip_suffix(b"data") {
            Some(before) => before.last().is_none_or(u8::is_ascii_whitespace),
            None => false,
        }
    }
}

impl<R: BufRead> Read for SkipData<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            let input = self.inner.fill_buf()?;
            if input.is_empty() {
                return Ok(0);
            }
            let (used, wrote) = self.scan.step(input, out);
            self.inner.consume(used);
            if wrote > 0 {
                return Ok(wrote);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skip(input: &[u8], chunk: usize) -> Vec<u8> {
        // A reader that hands out `chunk` bytes at a time, and reads of `chunk` bytes.
        let inner = std::io::BufReader::with_capacity(chunk, input);
        let mut s = SkipData::new(inner);
        let mut out = Vec::new();
        let mut buf = vec![0; chunk];
        loop {
            let n = s.read(&mut buf).unwrap_or(0);
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        out
    }

    #[test]
    fn data_values_are_dropped_in_any_chunking() {
        let doc = br#"<?xml version="1.0"?><!-- it's data="x" --><smses><mms><parts><part ct="image/jpeg" data="QUJD
REVG" text='a data="keep"' /><part data = 'Zm9v' cl="data"/></parts></mms><![CDATA[ data="k" ]]></smses>"#;
        let want = br#"<?xml version="1.0"?><!-- it's data="x" --><smses><mms><parts><part ct="image/jpeg" data="
" text='a data="keep"' /><part data = '' cl="data"/></parts></mms><![CDATA[ data="k" ]]></smses>"#;
        for chunk in [1, 2, 3, 7, 64, 4096] {
            assert_eq!(
                String::from_utf8_lossy(&skip(doc, chunk)),
                String::from_utf8_lossy(want),
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn references() {
        let mut s = String::new();
        assert!(unescape(
            b"a&lt;b&amp;&#10;&#x41;&#55357;&#56832;&apos;&quot;&gt;",
            &mut s
        ));
        assert_eq!(s, "a<b&\nA😀'\">");
        s.clear();
        assert!(unescape(b"&lol; & &", &mut s));
        assert_eq!(s, "&lol; & &");
        s.clear();
        assert!(!unescape(b"&#55357;x&#56832;", &mut s));
        assert_eq!(s, "\u{fffd}x\u{fffd}");
        s.clear();
        assert!(!unescape(b"a\xffb", &mut s));
        assert_eq!(s, "a\u{fffd}b");
    }

    #[test]
    fn sniffs_the_root() {
        assert_eq!(
            sniff(b"\xEF\xBB\xBF<?xml version='1.0'?>\n<!-- made -->\n<?xml-stylesheet x?>\n<smses count=\"1\">"),
            Some(Backup::Messages)
        );
        assert_eq!(sniff(b"<calls count=\"3\">"), Some(Backup::Calls));
        assert_eq!(
            sniff(b"<!DOCTYPE calls [<!ENTITY a \"b\">]><calls>"),
            Some(Backup::Calls)
        );
        assert_eq!(sniff(b"<smsesx>"), None);
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(b"<?xml version='1.0'"), None);
        assert_eq!(sniff(b""), None);
    }
}
