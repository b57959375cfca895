//! Domain types shared by every walkaway stage.
//!
//! The model is the common language of the pipeline `import -> store -> analysis -> report`.
//! It holds no I/O, no SQL and no serialization: importers produce these types, the store
//! persists them, analysis reads them. Instants are integer milliseconds since the Unix epoch
//! in UTC ([`Millis`]); conversion to local time happens only where a zone is explicitly given.
#![forbid(unsafe_code)]

use std::fmt;

/// Milliseconds since 1970-01-01T00:00:00Z. Every stored instant is UTC.
pub type Millis = i64;

/// Index of a person inside one [`ParsedChat::people`] (or one analysed chat).
pub type PersonIdx = u32;

/// Where a chat came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    WhatsApp,
    Telegram,
    Messenger,
    Instagram,
    IMessage,
    Sms,
    Discord,
    Signal,
    Csv,
    /// Google Hangouts / Google Chat (Google Takeout).
    GoogleChat,
    Line,
}

impl Source {
    pub const ALL: [Source; 11] = [
        Source::WhatsApp,
        Source::Telegram,
        Source::Messenger,
        Source::Instagram,
        Source::IMessage,
        Source::Sms,
        Source::Discord,
        Source::Signal,
        Source::Csv,
        Source::GoogleChat,
        Source::Line,
    ];

    /// Stable lowercase name used in the database and in JSON (`"whatsapp"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Source::WhatsApp => "whatsapp",
            Source::Telegram => "telegram",
            Source::Messenger => "messenger",
            Source::Instagram => "instagram",
            Source::IMessage => "imessage",
            Source::Sms => "sms",
            Source::Discord => "discord",
            Source::Signal => "signal",
            Source::Csv => "csv",
            Source::GoogleChat => "googlechat",
            Source::Line => "line",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The short prefix of chat ids from this source (`wa-…`). Part of every stored chat's id:
    /// never change one.
    pub fn id_prefix(self) -> &'static str {
        match self {
            Source::WhatsApp => "wa",
            Source::Telegram => "tg",
            Source::Messenger => "fb",
            Source::Instagram => "ig",
            Source::IMessage => "im",
            Source::Sms => "sms",
            Source::Discord => "dc",
            Source::Signal => "sg",
            Source::Csv => "csv",
            Source::GoogleChat => "gc",
            Source::Line => "ln",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an event is. METRICS.md: messages are text, media, voice and deleted; calls and
/// reactions are separate streams; system events never belong to a participant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Text,
    Media,
    Voice,
    /// A message that was sent and later deleted: it still counts as sent.
    Deleted,
    /// A call that was answered (direction: the sender placed it, when known).
    Call,
    /// A missed call (the sender placed it).
    MissedCall,
    /// Tapback, emoji reaction, like.
    Reaction,
    /// Encryption notice, group changes, subject changes... Never a message.
    System,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Text,
        Kind::Media,
        Kind::Voice,
        Kind::Deleted,
        Kind::Call,
        Kind::MissedCall,
        Kind::Reaction,
        Kind::System,
    ];

    /// True for the kinds METRICS.md calls messages.
    pub fn is_message(self) -> bool {
        matches!(self, Kind::Text | Kind::Media | Kind::Voice | Kind::Deleted)
    }

    pub fn is_call(self) -> bool {
        matches!(self, Kind::Call | Kind::MissedCall)
    }

    /// Stable small integer code used by the store.
    pub fn code(self) -> u8 {
        match self {
            Kind::Text => 0,
            Kind::Media => 1,
            Kind::Voice => 2,
            Kind::Deleted => 3,
            Kind::Call => 4,
            Kind::MissedCall => 5,
            Kind::Reaction => 6,
            Kind::System => 7,
        }
    }

    pub fn from_code(c: u8) -> Option<Kind> {
        Kind::ALL.get(c as usize).copied()
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Media => "media",
            Kind::Voice => "voice",
            Kind::Deleted => "deleted",
            Kind::Call => "call",
            Kind::MissedCall => "missed_call",
            Kind::Reaction => "reaction",
            Kind::System => "system",
        }
    }
}

/// Bit flags on an event.
pub mod flags {
    /// The local time was ambiguous (DST fold) and was resolved the compatible way.
    pub const TIME_AMBIGUOUS: u8 = 1;
    /// The local time did not exist (DST gap) and was resolved the compatible way.
    pub const TIME_SKIPPED: u8 = 2;
    /// The message was edited ("<This message was edited>").
    pub const EDITED: u8 = 4;
    /// The line was out of chronological order in the source file.
    pub const OUT_OF_ORDER: u8 = 8;
    /// Sent by SMS or RCS in an app that also carries its own messages (an iMessage chat's
    /// SMS fallback), so that a deduplication can recognise the same message in an SMS export.
    pub const SMS: u8 = 16;
    /// The text was longer than [`super::MAX_TEXT`] bytes; only its beginning was kept.
    pub const CUT: u8 = 32;
}

/// The most bytes of text kept for one event (1 MiB). WhatsApp caps a message at 65,536
/// characters, Telegram at 4,096, Discord at 4,000: a longer "message" is a damaged or hostile
/// file, and keeping it whole would let one line cost memory without bound. A longer text
/// keeps its first `MAX_TEXT` bytes (cut at a character boundary) and is flagged
/// [`flags::CUT`]; importers report it.
pub const MAX_TEXT: usize = 1 << 20;

/// `text` cut to at most `max` bytes at a character boundary, and whether it was cut.
pub fn cut_text(text: &str, max: usize) -> (&str, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (text.get(..end).unwrap_or(""), true)
}

/// One event of a chat, as read from a source. Its text lives in the [`Events`] that holds
/// it: `events.text(e)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// Instant in UTC.
    pub ts: Millis,
    /// Index into [`ParsedChat::people`]; `None` for system events.
    pub sender: Option<PersonIdx>,
    pub kind: Kind,
    /// Where the text is in [`Events`]' text buffer.
    text: Span,
    /// 1-based line (or record number) in the source, for diagnostics and evidence links.
    pub line: u32,
    /// See [`flags`].
    pub flags: u8,
}

/// A byte range of an [`Events`] text buffer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Span {
    start: u32,
    len: u32,
}

impl Span {
    fn range(self) -> std::ops::Range<usize> {
        let start = self.start as usize;
        start..start + self.len as usize
    }
}

/// An event to add to [`Events`], with its text borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewEvent<'t> {
    pub ts: Millis,
    pub sender: Option<PersonIdx>,
    pub kind: Kind,
    /// Message text (empty for pure media); for calls a short description; for system
    /// events the system text. Never logged.
    pub text: &'t str,
    pub line: u32,
    pub flags: u8,
}

/// The texts of one chat's events passed 4 GiB, the most one [`Events`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextsFull;

impl fmt::Display for TextsFull {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the chat's message texts exceed 4 GiB")
    }
}

impl std::error::Error for TextsFull {}

/// The events of one chat, in order, with all their texts in one buffer.
///
/// A chat can hold millions of events; one heap string per text would cost an allocation and
/// about 40 bytes of overhead each. Here an event is 32 bytes and its text is a range of a
/// single buffer, so a chat takes little more memory than its texts. The list derefs to
/// `[Event]`; [`Events::text`] gives an event's text.
#[derive(Clone, Default)]
pub struct Events {
    list: Vec<Event>,
    texts: String,
}

impl Events {
    pub fn new() -> Self {
        Self::default()
    }

    /// Room for `events` events and `text_bytes` bytes of text. Capacity that is never used
    /// costs address space, not memory, so a generous estimate is cheap.
    pub fn with_capacity(events: usize, text_bytes: usize) -> Self {
        Events {
            list: Vec::with_capacity(events),
            texts: String::with_capacity(text_bytes),
        }
    }

    /// Appends an event. Fails, adding nothing, when the texts would pass 4 GiB. A text longer
    /// than [`MAX_TEXT`] keeps its first `MAX_TEXT` bytes and the event is flagged
    /// [`flags::CUT`].
    pub fn push(&mut self, e: NewEvent<'_>) -> Result<(), TextsFull> {
        let (text, cut) = cut_text(e.text, MAX_TEXT);
        let start = u32::try_from(self.texts.len()).map_err(|_| TextsFull)?;
        let len = u32::try_from(text.len()).map_err(|_| TextsFull)?;
        start.checked_add(len).ok_or(TextsFull)?;
        self.texts.push_str(text);
        self.list.push(Event {
            ts: e.ts,
            sender: e.sender,
            kind: e.kind,
            text: Span { start, len },
            line: e.line,
            flags: if cut { e.flags | flags::CUT } else { e.flags },
        });
        Ok(())
    }

    /// The text of an event of this list.
    pub fn text(&self, e: &Event) -> &str {
        self.texts.get(e.text.range()).unwrap_or("")
    }

    /// The text of the event at `index` ("" when there is none).
    pub fn text_at(&self, index: usize) -> &str {
        self.list.get(index).map_or("", |e| self.text(e))
    }

    /// The events with their texts.
    pub fn iter_texts(&self) -> impl ExactSizeIterator<Item = (&Event, &str)> + '_ {
        self.list.iter().map(|e| (e, self.text(e)))
    }

    /// A list of the given events, in order.
    pub fn try_from_iter<'t>(
        events: impl IntoIterator<Item = NewEvent<'t>>,
    ) -> Result<Self, TextsFull> {
        let mut out = Events::new();
        for e in events {
            out.push(e)?;
        }
        Ok(out)
    }

    /// Keeps the events for which `keep(event, text)` is true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&Event, &str) -> bool) {
        let mut texts = String::with_capacity(self.texts.len());
        let old = std::mem::take(&mut self.texts);
        self.list.retain_mut(|e| {
            let text = old.get(e.text.range()).unwrap_or("");
            if !keep(e, text) {
                return false;
            }
            // Offsets cannot overflow: the kept texts are a part of the old ones.
            e.text.start = texts.len() as u32;
            texts.push_str(text);
            true
        });
        self.texts = texts;
    }

    /// Bytes of text held.
    pub fn text_bytes(&self) -> usize {
        self.texts.len()
    }

    /// Releases unused capacity.
    pub fn shrink_to_fit(&mut self) {
        self.list.shrink_to_fit();
        self.texts.shrink_to_fit();
    }
}

impl std::ops::Deref for Events {
    type Target = [Event];

    fn deref(&self) -> &[Event] {
        &self.list
    }
}

/// Events can be reordered and their fields changed in place; their texts cannot.
impl std::ops::DerefMut for Events {
    fn deref_mut(&mut self) -> &mut [Event] {
        &mut self.list
    }
}

impl<'a> IntoIterator for &'a Events {
    type Item = &'a Event;
    type IntoIter = std::slice::Iter<'a, Event>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

/// Equal when the events are equal one by one, texts included (wherever they are stored).
impl PartialEq for Events {
    fn eq(&self, other: &Self) -> bool {
        let fields = |e: &Event| (e.ts, e.sender, e.kind, e.line, e.flags);
        self.len() == other.len()
            && self
                .iter_texts()
                .zip(other.iter_texts())
                .all(|((a, ta), (b, tb))| fields(a) == fields(b) && ta == tb)
    }
}

impl Eq for Events {}

impl fmt::Debug for Events {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Texts are private: the count and byte size only, even in debug output.
        f.debug_struct("Events")
            .field("len", &self.list.len())
            .field("text_bytes", &self.texts.len())
            .finish()
    }
}

/// Where a chat's data end came from (METRICS.md "Data end", after `--as-of`, which only the
/// caller knows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataEndSource {
    /// The moment the export itself records ([`ParsedChat::exported_at`]).
    Export,
    /// The export file's modification time.
    FileModified,
    /// The last event: nothing says the data reaches further.
    LastEvent,
}

impl DataEndSource {
    pub fn as_str(self) -> &'static str {
        match self {
            DataEndSource::Export => "export",
            DataEndSource::FileModified => "file_modified",
            DataEndSource::LastEvent => "last_event",
        }
    }

    pub fn parse(s: &str) -> Option<DataEndSource> {
        match s {
            "export" => Some(DataEndSource::Export),
            "file_modified" => Some(DataEndSource::FileModified),
            "last_event" => Some(DataEndSource::LastEvent),
            _ => None,
        }
    }
}

/// The data end one export vouches for, in METRICS.md's order: the moment the export records,
/// else the file's modification time, else its last event. A moment before the last event
/// cannot be when the export was made (a clock or a copy changed it), so it gives way to the
/// next in the order. The store applies this per import; the in-browser app, which analyses parsed events
/// without a store, applies it to get the same answer.
pub fn data_end(
    exported_at: Option<Millis>,
    modified: Option<Millis>,
    last_event: Option<Millis>,
) -> Option<(Millis, DataEndSource)> {
    let usable = |t: Option<Millis>| t.filter(|&t| last_event.is_none_or(|l| t >= l));
    if let Some(t) = usable(exported_at) {
        return Some((t, DataEndSource::Export));
    }
    if let Some(t) = usable(modified) {
        return Some((t, DataEndSource::FileModified));
    }
    last_event.map(|l| (l, DataEndSource::LastEvent))
}

/// The import diagnostics a chat keeps as the store's `ChatInfo::notes`: warnings about the whole file
/// (line 0, e.g. "date order is ambiguous; ..."), which bear on every figure of its chats, each
/// once and on one line. Diagnostics are per file, so a file of several chats gives each the
/// file's notes. A caller that reports on parsed events before they are stored uses this to get
/// the same notes.
pub fn import_notes(diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut notes: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut more = 0usize;
    for d in diagnostics {
        if d.severity != Severity::Warning || d.line != 0 {
            continue;
        }
        let text = d.message.trim().replace('\n', " ");
        if text.is_empty() || !seen.insert(text.clone()) {
            continue;
        }
        if notes.len() < MAX_NOTES {
            notes.push(text);
        } else {
            more += 1;
        }
    }
    if more > 0 {
        notes.push(format!(
            "and {more} more warnings about the file; its import lists them all"
        ));
    }
    notes
}

/// The most notes [`import_notes`] keeps of one file (then a count). Every chat of the file
/// keeps them: an archive of 100,000 chats, each with its own warning, would otherwise store
/// 100,000 notes in each of its 100,000 chats.
pub const MAX_NOTES: usize = 10;

/// A chat as one importer understood it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedChat {
    pub source: Option<Source>,
    /// Title if the source names the chat (group name, file name stem otherwise).
    pub title: Option<String>,
    /// Display names of the participants, in first-seen order. `Event::sender` indexes this.
    pub people: Vec<String>,
    /// Events in source order (ties keep file order).
    pub events: Events,
    /// The participant the export says is the user (e.g. wrote "You deleted this message").
    pub me_hint: Option<PersonIdx>,
    /// The export's own creation time, where the format records one.
    pub exported_at: Option<Millis>,
    /// A stable handle of each participant in this source, parallel to `people` where the
    /// format has one: a phone number in E.164 (`+15550001111`), an email, a username or a user
    /// id (`user12345`); empty where the export gives only a display name (WhatsApp). Used to
    /// recognise one person across apps (METRICS.md "One person across apps").
    pub handles: Vec<String>,
}

impl ParsedChat {
    /// Who takes part in the chat, parallel to `people`: everyone who sent something other than
    /// a system event, and, in a two-person chat whose export names the user (`me_hint`) and
    /// gives the other a stable handle (a phone number, an email, a user id), both, even when
    /// one of them sent nothing (a call log of the calls the user placed, an SMS thread only
    /// one side wrote in). A chat's identity is its source and these people's names: the store
    /// matches and names chats by them, and the in-browser app names a chat as the store would.
    pub fn participants(&self) -> Vec<bool> {
        let mut is = vec![false; self.people.len()];
        for e in self.events.iter() {
            if let Some(s) = e.sender
                && e.kind != Kind::System
                && let Some(flag) = is.get_mut(s as usize)
            {
                *flag = true;
            }
        }
        if let (2, Some(me @ 0..=1)) = (is.len(), self.me_hint)
            && is.iter().any(|p| *p)
            && !self.handle(1 - me).trim().is_empty()
        {
            is = vec![true, true];
        }
        is
    }

    /// The handle of participant `p` ("" when the source has none).
    pub fn handle(&self, p: PersonIdx) -> &str {
        self.handles.get(p as usize).map_or("", String::as_str)
    }

    /// Index of `name` in `people`, appending it when new.
    pub fn person(&mut self, name: &str) -> PersonIdx {
        if let Some(i) = self.people.iter().position(|p| p == name) {
            return i as PersonIdx;
        }
        self.people.push(name.to_owned());
        (self.people.len() - 1) as PersonIdx
    }
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing (e.g. a DST-ambiguous time resolved).
    Note,
    /// Something was not understood and kept as best we could (e.g. a line appended to the
    /// previous message, a date order guessed).
    Warning,
}

/// Something an importer could not fully understand. Bad records are data, not errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// 1-based line or record number, 0 when the diagnostic is about the whole file.
    pub line: u32,
    /// Lowercase sentence, never containing message text.
    pub message: String,
}

/// The result of reading one export file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    pub chats: Vec<ParsedChat>,
    /// Social-media activity by the user (Instagram likes and comments).
    pub activity: Vec<Activity>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What the user did on someone's social-media content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActivityKind {
    PostLike,
    StoryLike,
    CommentLike,
    Comment,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 4] = [
        ActivityKind::PostLike,
        ActivityKind::StoryLike,
        ActivityKind::CommentLike,
        ActivityKind::Comment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::PostLike => "post_like",
            ActivityKind::StoryLike => "story_like",
            ActivityKind::CommentLike => "comment_like",
            ActivityKind::Comment => "comment",
        }
    }

    pub fn parse(s: &str) -> Option<ActivityKind> {
        ActivityKind::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// One like or comment the user made, from an Instagram activity export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activity {
    pub source: Source,
    pub ts: Millis,
    pub kind: ActivityKind,
    /// The account whose content it was (Instagram username), when known.
    pub target: Option<String>,
    /// Post URL, when known.
    pub url: Option<String>,
    /// Comment text, for comments.
    pub text: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_notes_are_distinct_and_bounded() {
        let warn = |line, m: &str| Diagnostic {
            severity: Severity::Warning,
            line,
            message: m.to_owned(),
        };
        let mut ds = vec![
            warn(0, "a"),
            warn(3, "line note"),
            warn(0, "a"),
            warn(0, "b\nc"),
        ];
        assert_eq!(import_notes(&ds), ["a", "b c"]);
        // An archive of many chats, each with its own warning: a bounded list and a count.
        ds.extend((0..100_000).map(|i| warn(0, &format!("chat {i}.txt: date order is ambiguous"))));
        let notes = import_notes(&ds);
        assert_eq!(notes.len(), MAX_NOTES + 1);
        assert_eq!(notes[2], "chat 0.txt: date order is ambiguous");
        assert_eq!(
            notes[MAX_NOTES],
            format!(
                "and {} more warnings about the file; its import lists them all",
                100_002 - MAX_NOTES
            )
        );
    }

    #[test]
    fn codes_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_code(k.code()), Some(k));
        }
        for s in Source::ALL {
            assert_eq!(Source::parse(s.as_str()), Some(s));
        }
        for a in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(a.as_str()), Some(a));
        }
    }

    #[test]
    fn events_keep_their_texts() {
        let mut ev = Events::new();
        for (i, t) in ["hi", "", "ça va?\nyes"].into_iter().enumerate() {
            let pushed = ev.push(NewEvent {
                ts: i as Millis,
                sender: Some(0),
                kind: Kind::Text,
                text: t,
                line: i as u32 + 1,
                flags: 0,
            });
            assert_eq!(pushed, Ok(()));
        }
        assert_eq!(ev.len(), 3);
        let texts: Vec<&str> = ev.iter_texts().map(|(_, t)| t).collect();
        assert_eq!(texts, ["hi", "", "ça va?\nyes"]);
        assert_eq!(ev.text_at(2), "ça va?\nyes");
        assert_eq!(ev.text_at(9), "");
        assert_eq!(std::mem::size_of::<Event>(), 32);
        // Equality is by content, not by buffer layout.
        let mut other = Events::new();
        for (e, t) in ev.iter_texts() {
            let _ = other.push(NewEvent {
                ts: e.ts,
                sender: e.sender,
                kind: e.kind,
                text: t,
                line: e.line,
                flags: e.flags,
            });
        }
        assert_eq!(ev, other);
        ev.retain(|_, t| !t.is_empty());
        let texts: Vec<&str> = ev.iter_texts().map(|(_, t)| t).collect();
        assert_eq!(texts, ["hi", "ça va?\nyes"]);
        // Debug output never shows texts.
        assert!(!format!("{ev:?}").contains("hi"));
    }

    #[test]
    fn participants_are_senders_and_a_named_silent_side() {
        let call = |sender| NewEvent {
            ts: 0,
            sender: Some(sender),
            kind: Kind::MissedCall,
            text: "",
            line: 1,
            flags: 0,
        };
        let mut c = ParsedChat {
            people: vec!["Me".into(), "Ann".into()],
            events: Events::try_from_iter([call(0)]).unwrap(),
            me_hint: Some(0),
            handles: vec![String::new(), "+15550001111".into()],
            ..ParsedChat::default()
        };
        // The export names both: the user, and Ann by her number.
        assert_eq!(c.participants(), [true, true]);
        // Without a handle (a display name only), or without knowing the user: senders only.
        c.handles = Vec::new();
        assert_eq!(c.participants(), [true, false]);
        c.handles = vec![String::new(), "+15550001111".into()];
        c.me_hint = None;
        assert_eq!(c.participants(), [true, false]);
        // Nobody sent anything: nobody.
        c.me_hint = Some(0);
        c.events = Events::new();
        assert_eq!(c.participants(), [false, false]);
        // A group: senders only.
        c.people.push("Bo".into());
        c.handles.push("+15550002222".into());
        c.events = Events::try_from_iter([call(0)]).unwrap();
        assert_eq!(c.participants(), [true, false, false]);
    }

    #[test]
    fn person_dedups() {
        let mut c = ParsedChat::default();
        assert_eq!(c.person("A"), 0);
        assert_eq!(c.person("B"), 1);
        assert_eq!(c.person("A"), 0);
    }
}
