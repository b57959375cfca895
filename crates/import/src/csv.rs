//! The generic CSV format: for any chat a user can get into rows (docs/formats/csv.md).
//!
//! A file with a header row naming at least `timestamp`, `sender` and `text` (in any order,
//! any letter case), and optionally `chat`, `kind`, `handle`, `is_me` and `source`. Variants,
//! each a named path below:
//!
//! - **Separator**: comma, or semicolon (what spreadsheets in many European locales write), or
//!   tab; the header decides. Quoted fields may hold separators, quotes (`""`) and line breaks.
//!   A UTF-8 byte-order mark is skipped; UTF-16 (Excel's "Unicode text") is decoded by
//!   [`crate::read_bytes`] before it gets here.
//! - **`timestamp`**: RFC 3339 with an offset (`2024-01-05T18:30:00+01:00`, `…Z`) is an
//!   instant; a wall time without offset (`2024-01-05 18:30`, `2024-01-05T18:30:05`) is read in
//!   [`crate::Options::tz`], daylight-saving folds and gaps resolved the compatible way and
//!   flagged; a number is Unix time, seconds below 10^11 and milliseconds from there.
//! - **`kind`**: `text` (or empty), `media`, `voice`, `deleted`, `call`, `missed_call`,
//!   `reaction`, `system`. A system row has no sender (METRICS.md: system lines never belong to
//!   anyone), whatever its `sender` says.
//! - **`chat`**: rows are grouped into one chat per value (and per `source`), titled by it;
//!   without the column the whole file is one chat.
//! - **`is_me`**: `true`/`false` (also `yes`/`no`, `1`/`0`, `x`/empty): the sender of the rows
//!   marked true is the user in that chat.
//! - **`handle`**: the sender's phone number, email or username, normalised
//!   ([`crate::handles`]) into [`ParsedChat::handles`].
//! - **`source`**: the app the rows came from (`whatsapp`, `sms`, `telegram`…, walkaway's
//!   names), so that they join that app's chats; empty or absent is `csv`.
//!
//! Rows may be in any order: each chat's events are ordered by time, rows with the same time
//! keep file order. A row that cannot be used (no readable time, no sender, an unknown kind or
//! source) is a diagnostic with its line, and the import goes on.

use std::collections::HashMap;
use std::io::Read;

use walkaway_model::{
    Diagnostic, Kind, Millis, NewEvent, ParsedChat, PersonIdx, Severity, Source, flags,
};

use crate::Options;
use crate::handles;
use crate::tally::Tally;

/// The format's name ([`crate::Imported::format`]).
pub const FORMAT: &str = "csv";

/// Columns a file must have.
pub const REQUIRED: [&str; 3] = ["timestamp", "sender", "text"];

/// The separator of a file whose first line is a header naming the required columns.
pub fn sniff(head: &[u8]) -> Option<u8> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let end = memchr::memchr(b'\n', head)?;
    let line = head.get(..end)?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    [b',', b';', b'\t'].into_iter().find(|&d| {
        let names: Vec<String> = line.split(|&b| b == d).map(column_name).collect();
        REQUIRED.iter().all(|r| names.iter().any(|n| n == r))
    })
}

/// Why a text that looks like rows (its first line has two or more separators) is not this
/// format, for the refusal; `None` when it does not look like rows.
pub(crate) fn refusal(text: &str) -> Option<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let line = text.lines().next()?;
    let d = [',', ';', '\t']
        .into_iter()
        .max_by_key(|&d| line.matches(d).count())?;
    if line.matches(d).count() < 2 {
        return None;
    }
    let names: Vec<String> = line.split(d).map(|c| column_name(c.as_bytes())).collect();
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|r| !names.iter().any(|n| n == r))
        .collect();
    Some(format!(
        "it looks like a csv or spreadsheet file, but its first line lacks the column(s) {}; walkaway reads any chat as csv when its header names the columns timestamp, sender and text, as docs/formats/csv.md describes",
        missing.join(", ")
    ))
}

/// A header cell as a column name: trimmed, unquoted, lowercase.
fn column_name(cell: &[u8]) -> String {
    let s = String::from_utf8_lossy(cell);
    s.trim()
        .trim_matches('"')
        .trim()
        .to_ascii_lowercase()
        .replace([' ', '-'], "_")
}

/// What a CSV file held.
#[derive(Clone, Debug, Default)]
pub struct CsvExport {
    pub chats: Vec<ParsedChat>,
    pub diagnostics: Vec<Diagnostic>,
    /// Data rows read.
    pub rows: u64,
}

/// Where each known column is.
#[derive(Default)]
struct Columns {
    timestamp: usize,
    sender: usize,
    text: usize,
    chat: Option<usize>,
    kind: Option<usize>,
    handle: Option<usize>,
    is_me: Option<usize>,
    source: Option<usize>,
}

/// One chat being read.
struct Chat {
    chat: ParsedChat,
    /// The first line that named someone else as the user, for one Warning per chat.
    other_me: Option<u32>,
}

/// Reads a CSV file with separator `delimiter` from a reader. `Err` only for an I/O error.
pub fn read<R: Read>(
    name: &str,
    reader: R,
    delimiter: u8,
    opts: &Options,
) -> std::io::Result<CsvExport> {
    let mut rdr = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(Newlines::new(crate::meta::SkipBom::new(reader)));
    let mut out = CsvExport::default();
    let mut tally: Tally = Tally::default();
    let mut rec = ::csv::ByteRecord::new();
    let mut bad_utf8: Option<u32> = None;
    // The header.
    let header = loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(false) => break None,
            Ok(true) => break Some(rec.clone()),
            Err(e) => match e.into_kind() {
                ::csv::ErrorKind::Io(e) => return Err(e),
                _ => continue,
            },
        }
    };
    let Some(header) = header else {
        out.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            line: 0,
            message: format!("{name}: the file is empty"),
        });
        return Ok(out);
    };
    let names: Vec<String> = header.iter().map(column_name).collect();
    let col = |n: &str| names.iter().position(|x| x == n);
    let (Some(timestamp), Some(sender), Some(text)) =
        (col("timestamp"), col("sender"), col("text"))
    else {
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|r| col(r).is_none())
            .collect();
        out.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            line: 1,
            message: format!(
                "{name}: the header lacks the column(s) {}; see docs/formats/csv.md",
                missing.join(", ")
            ),
        });
        return Ok(out);
    };
    let cols = Columns {
        timestamp,
        sender,
        text,
        chat: col("chat"),
        kind: col("kind"),
        handle: col("handle"),
        is_me: col("is_me"),
        source: col("source"),
    };
    let unknown: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| {
            !n.is_empty()
                && ![
                    "timestamp",
                    "sender",
                    "text",
                    "chat",
                    "kind",
                    "handle",
                    "is_me",
                    "source",
                ]
                .contains(n)
        })
        .collect();
    if !unknown.is_empty() {
        out.diagnostics.push(Diagnostic {
            severity: Severity::Note,
            line: 1,
            message: format!(
                "{name}: columns walkaway does not use were ignored: {}",
                unknown.join(", ")
            ),
        });
    }
    let mut chats: Vec<Chat> = Vec::new();
    let mut by_chat: HashMap<(String, Source), usize> = HashMap::new();
    loop {
        let more = match rdr.read_byte_record(&mut rec) {
            Ok(more) => more,
            Err(e) => {
                let line = e.position().map_or(0, |p| rdr.get_ref().line_at(p.byte()));
                match e.into_kind() {
                    ::csv::ErrorKind::Io(e) => return Err(e),
                    _ => {
                        tally.add(Severity::Warning, "is not readable csv; skipped", line);
                        continue;
                    }
                }
            }
        };
        if !more {
            break;
        }
        let line = rec
            .position()
            .map_or(0, |p| rdr.get_ref().line_at(p.byte()));
        // A blank line (one empty field) is no row.
        if rec.len() <= 1 && rec.get(0).is_none_or(|f| f.trim_ascii().is_empty()) {
            continue;
        }
        out.rows += 1;
        let mut field = |i: Option<usize>| -> std::borrow::Cow<'_, str> {
            let raw = i.and_then(|i| rec.get(i)).unwrap_or(b"");
            match std::str::from_utf8(raw) {
                Ok(s) => std::borrow::Cow::Borrowed(s),
                Err(_) => {
                    bad_utf8.get_or_insert(line);
                    String::from_utf8_lossy(raw)
                }
            }
        };
        let Some((ts, fl)) = timestamp_of(field(Some(cols.timestamp)).trim(), &opts.tz) else {
            let what = if field(Some(cols.timestamp)).trim().is_empty() {
                "has no timestamp; skipped"
            } else {
                "has an unreadable timestamp; skipped"
            };
            tally.add(Severity::Warning, what, line);
            continue;
        };
        let kind = match kind_of(field(cols.kind).trim()) {
            Some(k) => k,
            None => {
                tally.add(
                    Severity::Warning,
                    "has an unknown kind (see docs/formats/csv.md for the list); skipped",
                    line,
                );
                continue;
            }
        };
        let source = match field(cols.source).trim() {
            "" => Source::Csv,
            s => match Source::parse(&s.to_ascii_lowercase()) {
                Some(s) => s,
                None => {
                    tally.add(
                        Severity::Warning,
                        "names an unknown source; read as csv",
                        line,
                    );
                    Source::Csv
                }
            },
        };
        let sender_name = field(Some(cols.sender)).trim().to_owned();
        if sender_name.is_empty() && kind != Kind::System {
            tally.add(Severity::Warning, "has no sender; skipped", line);
            continue;
        }
        let is_me = match is_me_of(field(cols.is_me).trim()) {
            Some(b) => b,
            None => {
                tally.add(
                    Severity::Warning,
                    "has an is_me that is neither true nor false; read as false",
                    line,
                );
                false
            }
        };
        let handle = handles::normalize(field(cols.handle).trim());
        let chat_name = field(cols.chat).trim().to_owned();
        let text = field(Some(cols.text)).into_owned();
        let key = (chat_name, source);
        let ci = match by_chat.get(&key) {
            Some(&i) => i,
            None => {
                chats.push(Chat {
                    chat: ParsedChat {
                        source: Some(source),
                        title: (!key.0.is_empty()).then(|| key.0.clone()),
                        ..ParsedChat::default()
                    },
                    other_me: None,
                });
                by_chat.insert(key, chats.len() - 1);
                chats.len() - 1
            }
        };
        let Some(c) = chats.get_mut(ci) else { continue };
        let sender = if kind == Kind::System {
            None
        } else {
            let p = person(&mut c.chat, &sender_name, &handle);
            if is_me {
                match c.chat.me_hint {
                    None => c.chat.me_hint = Some(p),
                    Some(m) if m != p => {
                        c.other_me.get_or_insert(line);
                    }
                    Some(_) => {}
                }
            }
            Some(p)
        };
        let pushed = c.chat.events.push(NewEvent {
            ts,
            sender,
            kind,
            text: &text,
            line,
            flags: fl,
        });
        if pushed.is_err() {
            tally.add(
                Severity::Warning,
                "does not fit: the chat's texts passed 4 gib; skipped",
                line,
            );
        }
    }
    if let Some(line) = bad_utf8 {
        out.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            line,
            message: format!(
                "{name} is not valid utf-8 (first at line {line}); undecodable bytes were replaced"
            ),
        });
    }
    for c in &chats {
        if let Some(line) = c.other_me {
            out.diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                line,
                message: format!(
                    "{name}: line {line}: is_me marks a second person as the user in chat {:?}; the first one is kept",
                    c.chat.title.as_deref().unwrap_or("")
                ),
            });
        }
    }
    tally.finish(&format!("{name}: "), &mut out.diagnostics);
    for mut c in chats {
        if c.chat.events.is_empty() {
            continue;
        }
        c.chat.events.sort_by_key(|e| e.ts);
        c.chat.events.shrink_to_fit();
        // Handles are filled only where some row gave one.
        if c.chat.handles.iter().all(String::is_empty) {
            c.chat.handles.clear();
        }
        out.chats.push(c.chat);
    }
    if out.chats.is_empty() {
        out.diagnostics.push(Diagnostic {
            severity: Severity::Note,
            line: 0,
            message: format!("{name}: the file holds no usable rows"),
        });
    }
    Ok(out)
}

/// A reader that remembers where the line breaks it passed on are, until asked for the line
/// of a byte offset: the csv crate's own line count skips blank lines, and the position it
/// gives a record after blank lines is that of the first blank line. Only the breaks not yet
/// asked about are kept (those of the csv reader's buffer), so memory stays small.
struct Newlines<R> {
    inner: R,
    offset: u64,
    /// Offsets of `\n`, and whether a `\r` came just before.
    breaks: std::cell::RefCell<std::collections::VecDeque<(u64, bool)>>,
    before: std::cell::Cell<u32>,
    last_cr: bool,
}

impl<R> Newlines<R> {
    fn new(inner: R) -> Self {
        Newlines {
            inner,
            offset: 0,
            breaks: std::cell::RefCell::new(std::collections::VecDeque::new()),
            before: std::cell::Cell::new(0),
            last_cr: false,
        }
    }

    /// The 1-based line of the record starting at byte `byte`, blank lines before it skipped
    /// (offsets are asked in increasing order).
    fn line_at(&self, byte: u64) -> u32 {
        let mut breaks = self.breaks.borrow_mut();
        let mut n = self.before.get();
        let mut start = byte;
        while let Some(&(b, cr)) = breaks.front() {
            // Breaks before the record, and blank lines at its start.
            let blank = b == start || (cr && b == start + 1);
            if b < start || blank {
                breaks.pop_front();
                n = n.saturating_add(1);
                if blank {
                    start = b + 1;
                }
            } else {
                break;
            }
        }
        self.before.set(n);
        n.saturating_add(1)
    }
}

impl<R: Read> Read for Newlines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let got = buf.get(..n).unwrap_or(&[]);
        let mut breaks = self.breaks.borrow_mut();
        for i in memchr::memchr_iter(b'\n', got) {
            let cr = match i.checked_sub(1) {
                Some(j) => got.get(j) == Some(&b'\r'),
                None => self.last_cr,
            };
            breaks.push_back((self.offset + i as u64, cr));
        }
        if let Some(&last) = got.last() {
            self.last_cr = last == b'\r';
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Reads a CSV file held in memory.
pub fn read_slice(name: &str, bytes: &[u8], delimiter: u8, opts: &Options) -> CsvExport {
    read(name, bytes, delimiter, opts).unwrap_or_default()
}

/// The person named `name` (with `handle`, when the row gives one) in `chat`.
fn person(chat: &mut ParsedChat, name: &str, handle: &str) -> PersonIdx {
    let p = chat.person(name);
    let i = p as usize;
    if chat.handles.len() <= i {
        chat.handles.resize(i + 1, String::new());
    }
    if let Some(h) = chat.handles.get_mut(i)
        && h.is_empty()
    {
        handle.clone_into(h);
    }
    p
}

fn kind_of(s: &str) -> Option<Kind> {
    if s.is_empty() {
        return Some(Kind::Text);
    }
    let s = s.to_ascii_lowercase().replace([' ', '-'], "_");
    Kind::ALL.into_iter().find(|k| k.as_str() == s)
}

fn is_me_of(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "x" | "y" | "me" => Some(true),
        "false" | "no" | "0" | "" | "n" => Some(false),
        _ => None,
    }
}

/// Latest instant accepted: year 3000.
const MAX_MILLIS: i64 = 32_503_680_000_000;

/// A `timestamp` cell as an instant and its flags (see the module docs for the forms).
pub(crate) fn timestamp_of(s: &str, tz: &jiff::tz::TimeZone) -> Option<(Millis, u8)> {
    if s.is_empty() {
        return None;
    }
    let ms = if s.bytes().all(|b| b.is_ascii_digit()) {
        let v: i64 = s.parse().ok()?;
        if v < 100_000_000_000 {
            v.checked_mul(1000)?
        } else {
            v
        }
    } else if let Some((whole, frac)) = s.split_once('.')
        && !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && !frac.is_empty()
        && frac.bytes().all(|b| b.is_ascii_digit())
    {
        // Unix seconds with a fraction.
        let secs: i64 = whole.parse().ok()?;
        let ms: i64 = format!("{:0<3}", frac.get(..frac.len().min(3))?)
            .parse()
            .ok()?;
        secs.checked_mul(1000)?.checked_add(ms)?
    } else if let Ok(t) = s.parse::<jiff::Timestamp>() {
        t.as_millisecond()
    } else {
        let dt: jiff::civil::DateTime = s.parse().ok()?;
        return local_millis(dt, tz);
    };
    (0..=MAX_MILLIS).contains(&ms).then_some((ms, 0))
}

/// A wall time in `tz`, resolved like jiff's compatible disambiguation, with the flag saying
/// whether it was ambiguous or skipped.
pub(crate) fn local_millis(
    dt: jiff::civil::DateTime,
    tz: &jiff::tz::TimeZone,
) -> Option<(Millis, u8)> {
    let amb = tz.to_ambiguous_timestamp(dt);
    let fl = match amb.offset() {
        jiff::tz::AmbiguousOffset::Unambiguous { .. } => 0,
        jiff::tz::AmbiguousOffset::Gap { .. } => flags::TIME_SKIPPED,
        jiff::tz::AmbiguousOffset::Fold { .. } => flags::TIME_AMBIGUOUS,
    };
    let ms = amb.compatible().ok()?.as_millisecond();
    (0..=MAX_MILLIS).contains(&ms).then_some((ms, fl))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let tz = jiff::tz::TimeZone::get("Europe/Berlin").unwrap_or(jiff::tz::TimeZone::UTC);
        let berlin = tz.iana_name() == Some("Europe/Berlin");
        assert_eq!(
            timestamp_of("2024-01-05T18:30:00+01:00", &tz),
            Some((1_704_475_800_000, 0))
        );
        assert_eq!(
            timestamp_of("2024-01-05T17:30:00Z", &tz),
            Some((1_704_475_800_000, 0))
        );
        assert_eq!(
            timestamp_of("1704475800", &tz),
            Some((1_704_475_800_000, 0))
        );
        assert_eq!(
            timestamp_of("1704475800123", &tz),
            Some((1_704_475_800_123, 0))
        );
        assert_eq!(
            timestamp_of("1704475800.5", &tz),
            Some((1_704_475_800_500, 0))
        );
        if berlin {
            assert_eq!(
                timestamp_of("2024-01-05 18:30", &tz),
                Some((1_704_475_800_000, 0))
            );
            assert_eq!(
                timestamp_of("2024-01-05T18:30:00", &tz),
                Some((1_704_475_800_000, 0))
            );
            // 02:30 on the last Sunday of March does not exist in Berlin.
            assert_eq!(
                timestamp_of("2024-03-31 02:30", &tz).map(|t| t.1),
                Some(flags::TIME_SKIPPED)
            );
        }
        assert_eq!(timestamp_of("yesterday", &tz), None);
        assert_eq!(timestamp_of("99999999999999999999", &tz), None);
    }

    #[test]
    fn sniffs_the_header() {
        assert_eq!(sniff(b"timestamp,sender,text\n"), Some(b','));
        assert_eq!(
            sniff(b"\xEF\xBB\xBF\"Text\";\"Sender\";\"Timestamp\";chat\r\n"),
            Some(b';')
        );
        assert_eq!(sniff(b"timestamp\tsender\ttext\tis_me\n"), Some(b'\t'));
        assert_eq!(sniff(b"timestamp,sender\n"), None);
        assert_eq!(sniff(b"timestamp,sender,text"), None, "no whole line");
    }
}
