//! WhatsApp chat exports (`_chat.txt`, `WhatsApp Chat with X.txt`): text in, events out.
//!
//! WhatsApp's "Export chat" writes one line per message header, `DATE, TIME - Name: text` on
//! Android and `[DATE, TIME] Name: text` on iOS, with the phone's locale deciding the date
//! layout, the clock and the language of every notice. Nothing in the file says which layout
//! it uses, so the parser reads it in two passes: the first recognises headers and infers the
//! day/month order and the file's header style from the whole file, the second builds events.
//! Bad lines are data: they are kept (as continuation text) and reported as diagnostics with
//! line numbers, never as errors and never with message text.
//!
//! Conventions (see docs/formats/whatsapp.md): times are local wall-clock in
//! [`Options::tz`](crate::Options) converted to UTC; system notices have no sender, even when
//! iOS writes them under a name; continuation lines keep their newlines; events keep file
//! order and a line earlier than its predecessor gets [`flags::OUT_OF_ORDER`].

mod header;
mod kinds;
mod tz;

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;

use memchr::memchr;

use walkaway_model::{
    Diagnostic, Events, Kind, NewEvent, ParsedChat, PersonIdx, Severity, Source, flags,
};

use crate::{DateOrder, Options};
use header::{Header, Style};
use kinds::Notice;

/// Which app wrote the export, from the header shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// `DATE, TIME - Name: text` (WhatsApp for Android, also some desktop exports).
    Android,
    /// `[DATE, TIME] Name: text` (WhatsApp for iPhone).
    Ios,
}

impl Variant {
    /// The format name used in [`crate::Imported::format`].
    pub fn format(self) -> &'static str {
        match self {
            Variant::Android => "whatsapp-android",
            Variant::Ios => "whatsapp-ios",
        }
    }
}

/// One parsed WhatsApp export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhatsAppChat {
    pub chat: ParsedChat,
    /// Lines not understood, guesses made; line numbers are 1-based in the text given.
    pub diagnostics: Vec<Diagnostic>,
    pub variant: Variant,
    /// The day/month order the dates were read with (`Ymd` for year-first files).
    pub date_order: DateOrder,
}

/// At most this many diagnostics of one sort are listed line by line; the rest are counted.
const MAX_LISTED: usize = 50;

/// True when one of the first non-empty lines of `text` is a WhatsApp message header.
pub fn looks_like_whatsapp(text: &str) -> bool {
    Lines::new(text.as_bytes())
        .filter(|&(_, s, e)| !kinds::trim_marks(text.get(s..e).unwrap_or("")).is_empty())
        .take(10)
        .any(|(_, s, e)| text.as_bytes().get(s..e).and_then(header::parse).is_some())
}

/// Chat title from an export's file name: `WhatsApp Chat with X.txt` (and translations, and
/// the iOS `WhatsApp Chat - X.zip`) gives `X`; other names give nothing.
pub fn title_from_file_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = base
        .strip_suffix(".txt")
        .or_else(|| base.strip_suffix(".zip"))
        .unwrap_or(base);
    const PREFIXES: [&str; 16] = [
        "WhatsApp Chat with ",
        "WhatsApp Chat mit ",
        "WhatsApp-Chat mit ",
        "Chat de WhatsApp con ",
        "Discussion WhatsApp avec ",
        "Conversa do WhatsApp com ",
        "Conversa no WhatsApp com ",
        "Chat WhatsApp con ",
        "WhatsApp-chat met ",
        "WhatsApp Chat met ",
        "Чат WhatsApp с ",
        "WhatsApp Chat - ",
        "WhatsApp Chat – ",
        "WhatsApp_Chat_with_",
        "WhatsApp_Chat_-_",
        "Chat WhatsApp com ",
    ];
    let rest = PREFIXES.iter().find_map(|p| stem.strip_prefix(p))?;
    let rest = rest.trim();
    (!rest.is_empty()).then(|| rest.to_owned())
}

/// Lines of a byte slice: (1-based number, start, end without `\r\n`).
struct Lines<'a> {
    s: &'a [u8],
    pos: usize,
    no: u32,
}

impl<'a> Lines<'a> {
    fn new(s: &'a [u8]) -> Self {
        Lines { s, pos: 0, no: 0 }
    }
}

impl Iterator for Lines<'_> {
    type Item = (u32, usize, usize);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let len = self.s.len();
        if self.pos >= len {
            return None;
        }
        let start = self.pos;
        let nl = self
            .s
            .get(start..)
            .and_then(|r| memchr(b'\n', r))
            .map_or(len, |i| start + i);
        self.pos = nl + 1;
        let mut end = nl;
        if end > start && self.s.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        self.no = self.no.saturating_add(1);
        Some((self.no, start, end))
    }
}

/// Diagnostics of one sort: the first [`MAX_LISTED`] line by line, then a count.
struct Reporter {
    out: Vec<Diagnostic>,
    counts: [usize; 3],
}

const PRE_HEADER: usize = 0;
const BAD_DATE: usize = 1;
const OTHER_STYLE: usize = 2;

impl Reporter {
    fn line(&mut self, sort: usize, line: u32) {
        let n = &mut self.counts[sort];
        *n += 1;
        if *n > MAX_LISTED {
            return;
        }
        let message = match sort {
            PRE_HEADER => "line comes before the first message header; ignored",
            BAD_DATE => {
                "line looks like a message header but its date is impossible; kept as part of the previous message"
            }
            _ => {
                "line looks like a message header in another format than the rest of the file; kept as part of the previous message"
            }
        };
        self.out.push(Diagnostic {
            severity: Severity::Warning,
            line,
            message: message.to_owned(),
        });
    }

    fn finish(mut self) -> Vec<Diagnostic> {
        for (sort, &n) in self.counts.iter().enumerate() {
            if n > MAX_LISTED {
                let what = match sort {
                    PRE_HEADER => "lines before the first message header were ignored",
                    BAD_DATE => "header-like lines with impossible dates were kept as message text",
                    _ => "header-like lines in another format were kept as message text",
                };
                self.out.push(Diagnostic {
                    severity: Severity::Warning,
                    line: 0,
                    message: format!("{} more {what}", n - MAX_LISTED),
                });
            }
        }
        self.out
    }
}

/// Header styles accepted for this file: the dominant one, and any other holding at least a
/// fifth of the headers and at least ten (two exports pasted together).
fn accepted_styles(counts: &[(Style, u32)]) -> Vec<Style> {
    let total: u32 = counts.iter().map(|c| c.1).sum();
    let max = counts.iter().map(|c| c.1).max().unwrap_or(0);
    counts
        .iter()
        .filter(|c| c.1 == max || (c.1 >= 10 && u64::from(c.1) * 5 >= u64::from(total)))
        .map(|c| c.0)
        .collect()
}

/// Year, month, day of a header under `order`, if it is a real date.
fn ymd(h: &Header, order: DateOrder) -> Option<(i32, u8, u8)> {
    let [a, b, c] = h.f;
    let (y, m, d) = if h.year_first {
        (a, b, c)
    } else {
        match order {
            DateOrder::Mdy => (c, a, b),
            DateOrder::Dmy | DateOrder::Ymd => (c, b, a),
        }
    };
    let year = h.full_year(y);
    let (m, d) = (u8::try_from(m).ok()?, u8::try_from(d).ok()?);
    if !(1970..=2200).contains(&year)
        || m == 0
        || m > 12
        || d == 0
        || d > tz::days_in_month(year, m)
    {
        return None;
    }
    Some((year, m, d))
}

/// A sortable key of a header's local time under `order`.
fn local_key(h: &Header, order: DateOrder) -> Option<i64> {
    let (y, m, d) = ymd(h, order)?;
    Some(
        tz::days_from_civil(y, m, d) * 86_400
            + i64::from(h.hour24()) * 3600
            + i64::from(h.minute) * 60
            + i64::from(h.second),
    )
}

/// What pass 1 learns about the headers of one style.
#[derive(Clone, Copy, Default)]
struct StyleStats {
    count: u32,
    year_first: u32,
    /// Year-last headers whose first (second) field can only be a day.
    first_gt12: u32,
    second_gt12: u32,
    /// Times the local time goes backwards when read as d/m/y (m/d/y).
    back_dmy: u32,
    back_mdy: u32,
    prev_dmy: Option<i64>,
    prev_mdy: Option<i64>,
}

impl StyleStats {
    fn add(&mut self, h: &Header) {
        self.count += 1;
        if h.year_first {
            self.year_first += 1;
            return;
        }
        // A date with both fields above 12 is impossible either way: no evidence.
        let (a, b) = (h.f[0] > 12, h.f[1] > 12);
        if a && !b && h.f[0] <= 31 {
            self.first_gt12 += 1;
        }
        if b && !a && h.f[1] <= 31 {
            self.second_gt12 += 1;
        }
        // Chronology only matters while no field has decided the order.
        if self.first_gt12 > 0 || self.second_gt12 > 0 {
            return;
        }
        if let Some(k) = local_key(h, DateOrder::Dmy) {
            if self.prev_dmy.is_some_and(|p| k < p) {
                self.back_dmy += 1;
            }
            self.prev_dmy = Some(k);
        }
        if let Some(k) = local_key(h, DateOrder::Mdy) {
            if self.prev_mdy.is_some_and(|p| k < p) {
                self.back_mdy += 1;
            }
            self.prev_mdy = Some(k);
        }
    }
}

/// Infers the day/month order of year-last dates from the whole file.
fn infer_order(stats: &[StyleStats], diags: &mut Vec<Diagnostic>) -> DateOrder {
    let sum = |f: fn(&StyleStats) -> u32| stats.iter().map(f).sum::<u32>();
    let year_last = sum(|s| s.count - s.year_first);
    if year_last == 0 {
        return DateOrder::Ymd;
    }
    let first_gt12 = sum(|s| s.first_gt12);
    let second_gt12 = sum(|s| s.second_gt12);
    match (first_gt12 > 0, second_gt12 > 0) {
        (true, false) => DateOrder::Dmy,
        (false, true) => DateOrder::Mdy,
        (true, true) => {
            let order = if first_gt12 >= second_gt12 {
                DateOrder::Dmy
            } else {
                DateOrder::Mdy
            };
            diags.push(Diagnostic {
                severity: Severity::Warning,
                line: 0,
                message: format!(
                    "dates disagree on the day/month order; read as {}; pass --date-order to override",
                    order.as_str_slashed()
                ),
            });
            order
        }
        (false, false) => {
            // Truly ambiguous: take the order under which the file is most nearly chronological.
            let order = if sum(|s| s.back_mdy) < sum(|s| s.back_dmy) {
                DateOrder::Mdy
            } else {
                DateOrder::Dmy
            };
            diags.push(Diagnostic {
                severity: Severity::Warning,
                line: 0,
                message: format!(
                    "date order is ambiguous; read as {}; pass --date-order to override",
                    order.as_str_slashed()
                ),
            });
            order
        }
    }
}

/// A message being read: its header is known, its continuation lines may follow.
struct Pending {
    ts: i64,
    flags: u8,
    line: u32,
    /// Sender name range in the text, or `None` for a sender-less (system) line.
    name: Option<(usize, usize)>,
    /// Start of the message text and end of its last line.
    text_start: usize,
    end: usize,
    /// The text began with an invisible mark (as iOS notices do).
    marked: bool,
    /// The text reached [`walkaway_model::MAX_TEXT`]: later lines of the message are dropped
    /// (it is flagged [`flags::CUT`]).
    full: bool,
}

impl Pending {
    /// First byte of the message the parser still needs.
    fn start(&self) -> usize {
        self.name
            .map_or(self.text_start, |(ns, _)| ns.min(self.text_start))
    }

    /// Moves the offsets `by` bytes back (the buffer dropped that many bytes before them).
    fn shift(&mut self, by: usize) {
        if let Some((ns, ne)) = self.name.as_mut() {
            *ns -= by;
            *ne -= by;
        }
        self.text_start -= by;
        self.end -= by;
    }
}

struct Builder {
    chat: ParsedChat,
    /// Sender names as written (before cleaning) to people.
    index: HashMap<Box<str>, PersonIdx, kinds::Fast>,
    /// The few names seen most recently, checked before the map (a chat alternates between
    /// two or three senders).
    recent: Vec<(Box<str>, PersonIdx)>,
    prev_ts: Option<i64>,
    /// The line whose event did not fit: the texts reached their 4 GiB limit there.
    full: Option<u32>,
}

/// Removes invisible marks anywhere in a name and turns no-break spaces into spaces.
fn clean_name(name: &str) -> std::borrow::Cow<'_, str> {
    let b = name.as_bytes();
    if memchr::memchr3(0xE2, 0xEF, 0xC2, b).is_none() {
        return std::borrow::Cow::Borrowed(name.trim());
    }
    let mut out = String::with_capacity(name.len());
    for ch in name.chars() {
        match ch {
            '\u{200E}'
            | '\u{200F}'
            | '\u{FEFF}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}' => {}
            '\u{A0}' | '\u{202F}' => out.push(' '),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out.trim().to_owned())
}

impl Builder {
    fn person(&mut self, raw: &str) -> PersonIdx {
        if let Some((_, i)) = self.recent.iter().find(|(n, _)| &**n == raw) {
            return *i;
        }
        let idx = match self.index.get(raw) {
            Some(&i) => i,
            None => {
                let name = clean_name(raw);
                let i = self.chat.person(&name);
                self.index.insert(raw.into(), i);
                i
            }
        };
        if self.recent.len() >= 4 {
            self.recent.remove(0);
        }
        self.recent.push((raw.into(), idx));
        idx
    }

    /// `s` with CRLF line ends made LF.
    fn lf(s: &str) -> Cow<'_, str> {
        if memchr(b'\r', s.as_bytes()).is_some() {
            Cow::Owned(s.replace("\r\n", "\n"))
        } else {
            Cow::Borrowed(s)
        }
    }

    /// Adds the event of `p`, whose offsets index `src`.
    fn finish(&mut self, src: &str, p: Pending) {
        let text = src.get(p.text_start..p.end.max(p.text_start)).unwrap_or("");
        let mut fl = p.flags;
        if self.prev_ts.is_some_and(|prev| p.ts < prev) {
            fl |= flags::OUT_OF_ORDER;
        }
        self.prev_ts = Some(p.ts);
        let Some((ns, ne)) = p.name else {
            let t = kinds::trim_marks(text);
            self.push(p.ts, None, Kind::System, &Self::lf(t), p.line, fl);
            return;
        };
        let name = src.get(ns..ne).unwrap_or("");
        let mut t = src
            .get(header::skip_invisible(text.as_bytes(), 0) + p.text_start..p.end.max(p.text_start))
            .unwrap_or(text);
        if let Some(stripped) = kinds::strip_edited(t) {
            t = stripped;
            fl |= flags::EDITED;
        }
        let (first, rest) = match memchr(b'\n', t.as_bytes()) {
            Some(i) => (t.get(..i).unwrap_or(t), t.get(i + 1..).unwrap_or("")),
            None => (t, ""),
        };
        let first_trim = kinds::trim_marks(first);
        if kinds::named_system(first_trim, p.marked) {
            self.push(
                p.ts,
                None,
                Kind::System,
                &Self::lf(kinds::trim_marks(t)),
                p.line,
                fl,
            );
            return;
        }
        let sender = self.person(name);
        let (kind, text) = match kinds::notice(first_trim) {
            Some(Notice::DeletedMine) => {
                self.chat.me_hint = Some(sender);
                (Kind::Deleted, rest)
            }
            Some(Notice::DeletedOther) => (Kind::Deleted, rest),
            Some(Notice::Media) => (Kind::Media, rest),
            Some(Notice::Voice) => (Kind::Voice, rest),
            Some(Notice::MissedCall) => (Kind::MissedCall, first_trim),
            Some(Notice::Call) => (Kind::Call, first_trim),
            None => match kinds::media(first_trim) {
                Some(k) => (k, rest),
                None => (Kind::Text, t),
            },
        };
        self.push(p.ts, Some(sender), kind, &Self::lf(text), p.line, fl);
    }

    #[inline]
    fn push(
        &mut self,
        ts: i64,
        sender: Option<PersonIdx>,
        kind: Kind,
        text: &str,
        line: u32,
        flags: u8,
    ) {
        if self.full.is_some() {
            return;
        }
        let pushed = self.chat.events.push(NewEvent {
            ts,
            sender,
            kind,
            text,
            line,
            flags,
        });
        if pushed.is_err() {
            self.full = Some(line);
        }
    }
}

/// Splits a header body into sender and text: the sender ends at the first `": "` (or at a
/// final `:`). Returns (name start, name end, text start), all relative to `body`.
fn split_sender(body: &[u8]) -> Option<(usize, usize, usize)> {
    let start = header::skip_invisible(body, 0);
    let mut from = start;
    while let Some(i) = body.get(from..).and_then(|r| memchr(b':', r)) {
        let c = from + i;
        match body.get(c + 1) {
            Some(b' ') => return Some((start, c, c + 2)),
            None => return Some((start, c, c + 1)),
            _ => from = c + 1,
        }
    }
    None
}

/// A sender candidate that is really part of a system sentence (`X changed the subject from
/// "a: b"`).
fn is_sentence(name: &[u8]) -> bool {
    name.is_empty()
        || memchr::memchr2(b'"', 0xE2, name).is_some_and(|_| {
            let s = std::str::from_utf8(name).unwrap_or("");
            s.contains(['"', '“', '”', '«', '»', '„'])
        })
}

/// Lines a sender may head and still be taken for a system sentence: notices come once per
/// chat (the encryption notice) or per event, never as a correspondence.
const SENTENCE_MAX_LINES: u32 = 2;

/// Words of a name: whitespace-separated tokens holding a letter (a phone number has none).
fn words(name: &str) -> usize {
    name.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count()
}

/// A name that reads like a sentence: many words; or a few words and the "message" is empty
/// (the line ended with the colon: Armenian writes its full stop as `:`); or a few words
/// ending with sentence punctuation. Real names, long ones included (`Dr. Maria de la Cruz`,
/// `Even longer username with emoticons! 🙈 🙈`, `Mary Jane Watson Jr.`), do not.
fn reads_like_sentence(name: &str, empty_text: bool) -> bool {
    let n = words(name);
    // A final full stop after a word, not after an abbreviation or initial (`Jr.`, `B.`).
    let last = name.split_whitespace().next_back().unwrap_or("");
    let ends_like_sentence = last
        .strip_suffix(['.', '!', '?', '…', '。', '։', '؟', '।', '！', '？'])
        .is_some_and(|w| w.chars().filter(|c| c.is_alphabetic()).count() > 3);
    n >= 7 || (n >= 3 && empty_text) || (n >= 4 && ends_like_sentence)
}

/// System notices in languages without a pattern here, whose text holds `": "` (or ends with
/// `:`) and so looked like `Name: text`, become System events again, and their "senders" are
/// not participants.
///
/// A sender is taken for a sentence when all of this holds (decided from the whole chat, as a
/// notice is only recognisable against the real correspondents):
/// * it heads at most [`SENTENCE_MAX_LINES`] lines;
/// * every one of them is a one-line plain text (a media, voice, deletion or call notice, an
///   edit, or a message of several lines shows a person);
/// * its name [reads like a sentence](reads_like_sentence).
///
/// Each such line becomes a System event whose text is the whole line body (`name: text`, the
/// name as cleaned), with a Warning naming the line and no text.
fn demote_sentences(chat: &mut ParsedChat, diagnostics: &mut Vec<Diagnostic>) {
    #[derive(Clone, Copy)]
    struct Seen {
        lines: u32,
        plain: bool,
        empty: bool,
    }
    let mut seen = vec![
        Seen {
            lines: 0,
            plain: true,
            empty: false,
        };
        chat.people.len()
    ];
    for (e, text) in chat.events.iter_texts() {
        if let Some(s) = e.sender.and_then(|i| seen.get_mut(i as usize)) {
            s.lines = s.lines.saturating_add(1);
            if s.lines > SENTENCE_MAX_LINES {
                continue;
            }
            s.plain &= e.kind == Kind::Text
                && e.flags & flags::EDITED == 0
                && memchr(b'\n', text.as_bytes()).is_none();
            s.empty |= text.is_empty();
        }
    }
    let demoted: Vec<bool> = seen
        .iter()
        .zip(&chat.people)
        .map(|(s, name)| {
            s.lines <= SENTENCE_MAX_LINES && s.plain && reads_like_sentence(name, s.empty)
        })
        .collect();
    if !demoted.contains(&true) {
        return;
    }
    // New indices of the people kept.
    let mut kept = 0 as PersonIdx;
    let remap: Vec<Option<PersonIdx>> = demoted
        .iter()
        .map(|&d| {
            (!d).then(|| {
                kept += 1;
                kept - 1
            })
        })
        .collect();
    let new_idx = |s: PersonIdx| remap.get(s as usize).copied().flatten();
    let old = std::mem::take(&mut chat.events);
    let mut events = Events::with_capacity(old.len(), old.text_bytes());
    let mut listed = 0usize;
    let mut body = String::new();
    for (e, text) in old.iter_texts() {
        let (sender, kind, text) = match e.sender {
            Some(s) if demoted.get(s as usize) == Some(&true) => {
                let name = chat.people.get(s as usize).map_or("", String::as_str);
                body.clear();
                body.push_str(name);
                body.push(':');
                if !text.is_empty() {
                    body.push(' ');
                    body.push_str(text);
                }
                listed += 1;
                if listed <= MAX_LISTED {
                    diagnostics.push(Diagnostic {
                        severity: Severity::Warning,
                        line: e.line,
                        message: "line reads like a system notice (a sentence, not a sender's name, before its colon); kept as a system event, not as a participant".to_owned(),
                    });
                }
                (None, Kind::System, body.as_str())
            }
            s => (s.and_then(new_idx), e.kind, text),
        };
        // The texts only grow by a few bytes a line; past 4 GiB the line was not read anyway.
        let _ = events.push(NewEvent {
            ts: e.ts,
            sender,
            kind,
            text,
            line: e.line,
            flags: e.flags,
        });
    }
    if listed > MAX_LISTED {
        diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            line: 0,
            message: format!(
                "{} more lines that read like system notices were kept as system events",
                listed - MAX_LISTED
            ),
        });
    }
    chat.events = events;
    chat.me_hint = chat.me_hint.and_then(new_idx);
    let mut i = 0usize;
    chat.people.retain(|_| {
        i += 1;
        demoted.get(i - 1) != Some(&true)
    });
}

/// Parses a whole export. `text` is the file's content (a leading BOM is fine).
pub fn parse(text: &str, opts: &Options) -> WhatsAppChat {
    parse_named(None, text, opts)
}

/// Per-style header statistics, in first-seen order.
type Stats = Vec<(Style, StyleStats)>;

fn add_stats(stats: &mut Stats, h: &Header) {
    match stats.iter_mut().find(|c| c.0 == h.style) {
        Some(c) => c.1.add(h),
        None => {
            let mut st = StyleStats::default();
            st.add(h);
            stats.push((h.style, st));
        }
    }
}

/// How to read a file: decided from header statistics.
#[derive(Clone, PartialEq, Eq)]
struct Decision {
    accepted: Vec<Style>,
    order: DateOrder,
    variant: Variant,
    diagnostics: Vec<Diagnostic>,
    headers: usize,
}

fn decide(stats: &Stats, opts: &Options) -> Decision {
    let counts: Vec<(Style, u32)> = stats.iter().map(|(s, st)| (*s, st.count)).collect();
    let accepted = accepted_styles(&counts);
    let kept: Vec<StyleStats> = stats
        .iter()
        .filter(|(s, _)| accepted.contains(s))
        .map(|(_, st)| *st)
        .collect();
    let total: u32 = kept.iter().map(|s| s.count).sum();
    let bracketed: u32 = stats
        .iter()
        .filter(|(s, _)| accepted.contains(s) && s & header::STYLE_BRACKET != 0)
        .map(|(_, st)| st.count)
        .sum();
    let variant = if bracketed * 2 > total {
        Variant::Ios
    } else {
        Variant::Android
    };
    let mut diagnostics = Vec::new();
    let order = match opts.date_order {
        Some(o @ (DateOrder::Dmy | DateOrder::Mdy)) => o,
        _ => infer_order(&kept, &mut diagnostics),
    };
    Decision {
        accepted,
        order,
        variant,
        diagnostics,
        headers: total as usize,
    }
}

/// Header statistics of the first `max_lines` lines: a cheap first guess of the decision.
fn prefix_stats(bytes: &[u8], max_lines: usize) -> Stats {
    let mut stats = Stats::new();
    for (_, s, e) in Lines::new(bytes).take(max_lines) {
        if let Some(h) = bytes.get(s..e).and_then(header::parse) {
            add_stats(&mut stats, &h);
        }
    }
    stats
}

/// Like [`parse`], taking the chat title from the export's file name when it has one.
pub fn parse_named(file_name: Option<&str>, text: &str, opts: &Options) -> WhatsAppChat {
    let mut whole = |_: Pass| Ok(Chunks::<&[u8]>::whole(text, file_name));
    match read_twice_if_needed(file_name, opts, &mut whole) {
        Ok(chat) => chat,
        // Reading from memory cannot fail.
        Err(_) => finish_chat(
            file_name,
            ParsedChat::default(),
            Vec::new(),
            Decision::none(),
        ),
    }
}

/// Which reading of the file [`parse_stream`] asks its source for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    /// The first reading, which every export gets.
    First,
    /// A second reading, in the rare case where the whole file leads to another decision
    /// (header style, day/month order) than its first lines did.
    Again,
}

/// Bytes read in one go. The parser holds about this much of the file at a time (plus the
/// message being read), never the whole file.
const CHUNK: usize = 1 << 20;

/// Bytes read by the first read of a file (see [`Chunks::step`]).
const FIRST_STEP: usize = 16 << 10;

/// Parses an export read from `open`, chunk by chunk: memory holds the events, not the file.
///
/// The file is read in one pass with a decision (header style, day/month order) guessed from
/// its first lines; the pass also gathers the statistics of the whole file, and in the rare case
/// where they lead to another decision the file is read again (`open(Pass::Again)`) with it.
/// The result is the same as deciding from the whole file first. Text that is not UTF-8 is
/// decoded lossily, with a diagnostic naming the first bad line.
pub fn parse_stream<R: Read>(
    file_name: Option<&str>,
    open: &mut dyn FnMut(Pass) -> std::io::Result<R>,
    opts: &Options,
) -> std::io::Result<WhatsAppChat> {
    parse_chunked(file_name, file_name, open, opts, CHUNK)
}

/// Like [`parse_stream`] for a file named `file_name` (in diagnostics) whose chat title comes
/// from `title_from` instead: a zip's `_chat.txt` is titled by the zip's name.
pub fn parse_stream_titled<R: Read>(
    file_name: &str,
    title_from: &str,
    open: &mut dyn FnMut(Pass) -> std::io::Result<R>,
    opts: &Options,
) -> std::io::Result<WhatsAppChat> {
    parse_chunked(Some(file_name), Some(title_from), open, opts, CHUNK)
}

/// [`parse_stream`] reading `chunk` bytes at a time.
fn parse_chunked<R: Read>(
    file_name: Option<&str>,
    title_from: Option<&str>,
    open: &mut dyn FnMut(Pass) -> std::io::Result<R>,
    opts: &Options,
    chunk: usize,
) -> std::io::Result<WhatsAppChat> {
    read_twice_if_needed(title_from, opts, &mut |pass| {
        Ok(Chunks::reader(open(pass)?, file_name, chunk))
    })
}

/// Reads the file once, and a second time when the whole file overturns the decision its
/// first lines suggested.
fn read_twice_if_needed<'h, R: Read>(
    file_name: Option<&str>,
    opts: &Options,
    chunks: &mut dyn FnMut(Pass) -> std::io::Result<Chunks<'h, R>>,
) -> std::io::Result<WhatsAppChat> {
    let mut decision: Option<Decision> = None;
    let mut pass = Pass::First;
    loop {
        let built = build(chunks(pass)?, decision.as_ref(), opts)?;
        let mut full = decide(&built.stats, opts);
        let same = full.accepted == built.decision.accepted && full.order == built.decision.order;
        if same || pass == Pass::Again {
            let mut diagnostics = built.utf8;
            diagnostics.append(&mut full.diagnostics);
            diagnostics.extend(built.diagnostics);
            return Ok(finish_chat(file_name, built.chat, diagnostics, full));
        }
        decision = Some(full);
        pass = Pass::Again;
    }
}

/// Words that mark a system line naming a group ("X created group \"Name\"", "X changed the
/// subject from \"A\" to \"B\"", and their translations): the group's name is its last quoted
/// part.
const GROUP_NAME_MARKS: &[&str] = &[
    "created group",
    "changed the subject",
    "changed the group name",
    "changed this group's name",
    "group name",
    "gruppe",
    "betreff",
    "grupo",
    "asunto",
    "groupe",
    "sujet",
    "gruppo",
    "oggetto",
    "assunto",
];

/// The group's name from the latest system line that names it, when the export has one.
fn group_name(chat: &ParsedChat) -> Option<String> {
    chat.events
        .iter_texts()
        .filter_map(|(e, text)| {
            if e.kind != Kind::System || chat.people.len() < 3 {
                return None;
            }
            let lower = text.to_lowercase();
            if !GROUP_NAME_MARKS.iter().any(|m| lower.contains(m)) {
                return None;
            }
            last_quoted(text)
        })
        .last()
}

/// The last part of `text` between quotes (straight, curly, low-high or guillemets).
fn last_quoted(text: &str) -> Option<String> {
    const PAIRS: [(char, char); 5] = [
        ('"', '"'),
        ('\u{201C}', '\u{201D}'),
        ('\u{201E}', '\u{201C}'),
        ('\u{00AB}', '\u{00BB}'),
        ('\u{201C}', '\u{201C}'),
    ];
    PAIRS
        .iter()
        .filter_map(|&(open, close)| {
            let end = text.rfind(close)?;
            let start = text.get(..end)?.rfind(open)?;
            let name = text.get(start + open.len_utf8()..end)?.trim();
            (!name.is_empty()).then(|| (end, name.to_owned()))
        })
        .max_by_key(|(end, _)| *end)
        .map(|(_, name)| name)
}

/// The chat of a finished reading, titled. `diagnostics` are in order already.
fn finish_chat(
    file_name: Option<&str>,
    mut chat: ParsedChat,
    mut diagnostics: Vec<Diagnostic>,
    decision: Decision,
) -> WhatsAppChat {
    demote_sentences(&mut chat, &mut diagnostics);
    if chat.events.is_empty() {
        diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            line: 0,
            message: "no whatsapp message header was found".to_owned(),
        });
    }
    chat.title = file_name
        .and_then(title_from_file_name)
        .or_else(|| group_name(&chat))
        .or_else(|| (!chat.people.is_empty()).then(|| chat.people.join(", ")));
    WhatsAppChat {
        chat,
        diagnostics,
        variant: decision.variant,
        date_order: decision.order,
    }
}

impl Decision {
    /// The decision for a file without headers.
    fn none() -> Self {
        Decision {
            accepted: Vec::new(),
            order: DateOrder::Dmy,
            variant: Variant::Android,
            diagnostics: Vec::new(),
            headers: 0,
        }
    }
}

/// What one reading of the file gives.
struct Built {
    chat: ParsedChat,
    /// The UTF-8 warning, if the file is not valid UTF-8.
    utf8: Vec<Diagnostic>,
    /// Line diagnostics.
    diagnostics: Vec<Diagnostic>,
    /// Statistics of every header, to check the decision against.
    stats: Stats,
    /// The decision the events were built with.
    decision: Decision,
}

/// The longest line kept whole: a message's most text ([`walkaway_model::MAX_TEXT`]) and room
/// for its header. A longer line keeps this many bytes; the rest is read and dropped, so one
/// line never costs more memory than this however long it is.
const MAX_LINE: usize = walkaway_model::MAX_TEXT + (4 << 10);

/// A file's text, a chunk at a time, cut at line ends and made valid UTF-8 (each byte is
/// validated once). Text already in memory is given whole and never copied.
struct Chunks<'h, R> {
    /// `None` when the whole text was given.
    input: Option<R>,
    name: Option<&'h str>,
    /// Bytes read after the last complete line.
    raw: Vec<u8>,
    /// Complete lines not yet dropped (the message being read and the lines after it).
    text: Cow<'h, str>,
    /// Most bytes to read in one go.
    chunk: usize,
    /// Bytes to read next: from [`FIRST_STEP`], doubling up to `chunk`, so that a small file
    /// (an archive may hold thousands of tiny chats) never costs a whole chunk's buffers.
    step: usize,
    eof: bool,
    /// Lines the parser has read (all of them end in `text`), given by [`Chunks::fill`].
    read: u32,
    /// Lines longer than [`MAX_LINE`] (their numbers), cut to it.
    cut: Vec<u32>,
    utf8: Vec<Diagnostic>,
}

impl<'h, R: Read> Chunks<'h, R> {
    fn reader(input: R, name: Option<&'h str>, chunk: usize) -> Self {
        Chunks {
            input: Some(input),
            name,
            raw: Vec::new(),
            text: Cow::Owned(String::new()),
            chunk,
            step: FIRST_STEP.min(chunk.max(1)),
            eof: false,
            read: 0,
            cut: Vec::new(),
            utf8: Vec::new(),
        }
    }

    fn whole(text: &'h str, name: Option<&'h str>) -> Self {
        Chunks {
            input: None,
            name,
            raw: Vec::new(),
            text: Cow::Borrowed(text),
            chunk: 0,
            step: 0,
            eof: true,
            read: 0,
            cut: Vec::new(),
            utf8: Vec::new(),
        }
    }

    /// Drops the first `n` bytes of the text.
    fn consume(&mut self, n: usize) {
        if let Cow::Owned(t) = &mut self.text {
            t.drain(..n.min(t.len()));
        }
    }

    /// Drops the text after its first `n` bytes, ending it with a line end: the lines there
    /// were read, and belong to a message that reached its most text.
    fn drop_after(&mut self, n: usize) {
        if let Cow::Owned(t) = &mut self.text
            && n < t.len()
        {
            t.truncate(n);
            t.push('\n');
        }
    }

    /// Reads until the text holds at least one more complete line, or the file ends. `read`
    /// lines have been read by the parser: those in the text, and all before.
    fn fill(&mut self, read: u32) -> std::io::Result<()> {
        self.read = read;
        if self.input.is_none() {
            return Ok(());
        }
        loop {
            if !self.eof
                && let Some(input) = self.input.as_mut()
            {
                let want = self.step as u64;
                // `read_to_end` appends without zeroing the buffer first (it tracks what it
                // has initialised), and retries interrupted reads.
                let got = input.by_ref().take(want).read_to_end(&mut self.raw)?;
                if (got as u64) < want {
                    self.eof = true;
                }
                self.step = (self.step * 2).min(self.chunk.max(1));
            }
            let cut = if self.eof {
                self.raw.len()
            } else {
                match memchr::memrchr(b'\n', &self.raw) {
                    Some(i) => i + 1,
                    // No line end yet: read more, up to the longest line kept.
                    None if self.raw.len() <= MAX_LINE => continue,
                    None => {
                        self.cut_line()?;
                        continue;
                    }
                }
            };
            self.take_lines(cut);
            return Ok(());
        }
    }

    /// The raw bytes hold the start of a line longer than [`MAX_LINE`] and no line end: keeps
    /// its first `MAX_LINE` bytes (at a character boundary), ended with a line end, and reads
    /// and drops the rest of the line.
    fn cut_line(&mut self) -> std::io::Result<()> {
        let line = self.read.saturating_add(1);
        self.cut.push(line);
        let mut end = MAX_LINE;
        // Back off continuation bytes so that no character is split.
        while end > 0 && self.raw.get(end).is_some_and(|b| b & 0xC0 == 0x80) {
            end -= 1;
        }
        self.raw.truncate(end);
        self.raw.push(b'\n');
        let Some(input) = self.input.as_mut() else {
            return Ok(());
        };
        let mut scratch = vec![0u8; 64 << 10];
        loop {
            let n = match input.read(&mut scratch) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            let got = scratch.get(..n).unwrap_or(&[]);
            if let Some(i) = memchr(b'\n', got) {
                self.raw.extend_from_slice(got.get(i + 1..).unwrap_or(&[]));
                return Ok(());
            }
        }
    }

    /// Moves the first `cut` raw bytes (whole lines, so no character is cut) to the text,
    /// decoding them lossily with one warning per file when they are not UTF-8.
    fn take_lines(&mut self, cut: usize) {
        let lines = self.raw.get(..cut).unwrap_or(&[]);
        let Cow::Owned(text) = &mut self.text else {
            return;
        };
        match simdutf8::basic::from_utf8(lines) {
            Ok(s) => text.push_str(s),
            Err(_) => {
                if self.utf8.is_empty() {
                    let valid =
                        std::str::from_utf8(lines).map_or_else(|e| e.valid_up_to(), |s| s.len());
                    let line =
                        u64::from(self.read) + u64::from(count_lines(lines.get(..valid))) + 1;
                    let name = self.name.unwrap_or("the file");
                    self.utf8.push(Diagnostic {
                        severity: Severity::Warning,
                        line: u32::try_from(line).unwrap_or(u32::MAX),
                        message: format!(
                            "{name} is not valid utf-8 (first at line {line}); undecodable bytes were replaced"
                        ),
                    });
                }
                text.push_str(&String::from_utf8_lossy(lines));
            }
        }
        self.raw.drain(..cut);
    }
}

/// One reading of the file under `decision` (or, on the first reading, a decision guessed
/// from the first lines): events, line diagnostics, and the statistics of every header.
fn build<R: Read>(
    mut chunks: Chunks<'_, R>,
    decision: Option<&Decision>,
    opts: &Options,
) -> std::io::Result<Built> {
    chunks.fill(0)?;
    let decision = match decision {
        Some(d) => d.clone(),
        None => decide(&prefix_stats(chunks.text.as_bytes(), 4096), opts),
    };
    let accepted = &decision.accepted;
    let order = decision.order;
    let mut stats = Stats::new();
    let mut b = Builder {
        chat: ParsedChat {
            source: Some(Source::WhatsApp),
            events: Events::new(),
            ..ParsedChat::default()
        },
        index: HashMap::default(),
        recent: Vec::new(),
        prev_ts: None,
        full: None,
    };
    let mut clock = tz::LocalClock::new(&opts.tz);
    let mut rep = Reporter {
        out: Vec::new(),
        counts: [0; 3],
    };
    let mut pending: Option<Pending> = None;
    // `pos` is where unread lines start in the text; `read` counts the lines before it.
    let mut pos = 0usize;
    let mut read = 0u32;
    loop {
        let text: &str = &chunks.text;
        let bytes = text.as_bytes();
        let mut lines = Lines {
            s: bytes,
            pos,
            no: read,
        };
        for (no, s, e) in lines.by_ref() {
            let line = bytes.get(s..e).unwrap_or(&[]);
            if let Some(h) = header::parse(line) {
                add_stats(&mut stats, &h);
                let date = if accepted.contains(&h.style) {
                    ymd(&h, order)
                } else {
                    rep.line(OTHER_STYLE, no);
                    None
                };
                if let Some((y, m, d)) = date {
                    let (ts, fl) = clock.utc_of(y, m, d, h.hour24(), h.minute, h.second);
                    let body_start = s + h.body;
                    let body = bytes.get(body_start..e).unwrap_or(&[]);
                    let (name, text_start) = match split_sender(body) {
                        Some((ns, ne, ts_)) if !is_sentence(body.get(ns..ne).unwrap_or(&[])) => {
                            (Some((body_start + ns, body_start + ne)), body_start + ts_)
                        }
                        _ => (None, body_start),
                    };
                    let marked = header::invisible_len(bytes, text_start) > 0;
                    if let Some(p) = pending.take() {
                        b.finish(text, p);
                    }
                    // A header line cut to its most bytes (see `Chunks::cut_line`).
                    let fl = if chunks.cut.contains(&no) {
                        fl | flags::CUT
                    } else {
                        fl
                    };
                    pending = Some(Pending {
                        ts,
                        flags: fl,
                        line: no,
                        name,
                        text_start,
                        end: e,
                        marked,
                        full: false,
                    });
                    continue;
                } else if accepted.contains(&h.style) {
                    rep.line(BAD_DATE, no);
                }
            }
            match pending.as_mut() {
                Some(p) if p.full => {}
                Some(p) => {
                    if e - p.text_start > walkaway_model::MAX_TEXT {
                        // The message has its most text: the lines after are dropped.
                        p.full = true;
                        p.flags |= flags::CUT;
                    } else {
                        p.end = e;
                    }
                }
                None => {
                    if !kinds::trim_marks(text.get(s..e).unwrap_or("")).is_empty() {
                        rep.line(PRE_HEADER, no);
                    }
                }
            }
        }
        read = lines.no;
        if chunks.eof {
            if let Some(p) = pending.take() {
                b.finish(text, p);
            }
            break;
        }
        // Keep the message being read (its text may go on in the next chunk; the text kept
        // starts inside its header line); drop the rest, which ends with a complete line.
        let end = bytes.len();
        let keep = match pending.as_mut() {
            Some(p) => {
                let keep = p.start().min(end);
                p.shift(keep);
                keep
            }
            None => end,
        };
        chunks.consume(keep);
        pos = end - keep;
        // A message at its most text keeps only its own text: the lines after it were read.
        if let Some(p) = pending.as_ref().filter(|p| p.full) {
            chunks.drop_after(p.end);
            pos = chunks.text.len();
        }
        chunks.fill(read)?;
    }
    let mut diags = rep.finish();
    if let Some(line) = b.full {
        diags.push(Diagnostic {
            severity: Severity::Warning,
            line,
            message:
                "the chat's texts exceed 4 GiB; this message and the rest of the file were not read"
                    .to_owned(),
        });
    }
    b.chat.events.shrink_to_fit();
    Ok(Built {
        chat: b.chat,
        utf8: chunks.utf8,
        diagnostics: diags,
        stats,
        decision,
    })
}

/// Lines that end in `bytes` (its `\n` count).
fn count_lines(bytes: Option<&[u8]>) -> u32 {
    let n = bytes.map_or(0, |b| memchr::memchr_iter(b'\n', b).count());
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod group_name_tests {
    use super::*;

    #[test]
    fn a_group_is_titled_by_the_name_its_system_lines_give() {
        // Issue 7: a group's title was its member list.
        let text = "01/09/2026, 10:00 - Dave created group \"Friday climbing\"\n\
                    01/09/2026, 10:01 - Dave: who is in?\n\
                    01/09/2026, 10:02 - Alex: me\n\
                    01/09/2026, 10:03 - Priya: me too\n\
                    02/09/2026, 10:00 - Priya changed the subject from \"Friday climbing\" to \"Climbing 🧗\"\n";
        let got = parse(text, &Options::default());
        assert_eq!(got.chat.title.as_deref(), Some("Climbing 🧗"));
        // A two-person chat is never titled from a quoted message.
        let two = "01/09/2026, 10:01 - Dave: who is in?\n01/09/2026, 10:02 - Alex: me\n";
        assert_eq!(
            parse(two, &Options::default()).chat.title.as_deref(),
            Some("Dave, Alex")
        );
        assert_eq!(last_quoted("a «b» c"), Some("b".into()));
        assert_eq!(last_quoted("no quotes"), None);
    }
}
