//! LINE chat histories (`[LINE] Chat history with X.txt`), in any UI language.
//!
//! LINE's "Export chat history" (Android, iOS, desktop) writes a text file: a header, a "saved
//! on" line, then per day a date line followed by one line per message, `TIME<TAB>NAME<TAB>TEXT`.
//! The words differ by UI language; the structure does not, so the reader goes by structure
//! and keeps small tables of words only where words matter. Variants, each a named path below
//! and a section of docs/formats/line.md:
//!
//! - **Header**: `[LINE] Chat history with X` (English), `[LINE] Xとのトーク履歴` (Japanese),
//!   `[LINE] 與X的聊天記錄` (Traditional Chinese), `[LINE] X님과의 대화` (Korean) name the other
//!   person of a one-to-one chat: the user is then the other participant. `Chat history in X`,
//!   `Xのトーク履歴`, `X的聊天記錄` name a group. An unknown header is the title, and the user
//!   stays unknown.
//! - **Saved on** (`Saved on: 2020/01/06 10:00`, `保存日時：…`, `儲存日期： …`): the export's
//!   time, read in [`Options::tz`].
//! - **Date lines**: any short line without a tab holding a date of three numbers and maybe a
//!   weekday: `2020/01/05 Sun`, `2020.01.05 Sunday`, `Sun, 1/5/2020`, `2017/11/20（一）`,
//!   `2020. 1. 5. 일요일`. A four-digit first number is year-month-day; a four-digit last
//!   number is month/day/year or day/month/year, decided by [`Options::date_order`] or else by
//!   the file's dates (a first number above 12 means day first), month first when nothing
//!   tells (a Note says so).
//! - **Times**: `16:46` (24-hour), `4:46 PM`, `PM 4:46`, and the 12-hour markers of Chinese
//!   (`上午`/`下午`…), Japanese (`午前`/`午後`) and Korean (`오전`/`오후`). Read in
//!   [`Options::tz`]; DST folds and gaps resolved the compatible way and flagged.
//! - **Multi-line messages**: LINE quotes them (`"first line` … `last line"`); lines that are
//!   neither a message nor a date belong to the message before them, the quotes are removed
//!   and doubled quotes undone.
//! - **Media**: `[Photo]`, `[Sticker]`, `[Video]`, `[File]`, `[Voice message]` and their
//!   translations → media or voice with an empty text.
//! - **Calls**: a text starting with `☎` is a call by the line's sender: answered when it holds
//!   a duration above zero (`☎ Call time 0:15`, `☎ 通話時間0:53`), missed otherwise
//!   (`☎ Missed call`, `☎ Canceled call`, `☎ 不在着信`).
//! - **System lines**: `TIME<TAB>TEXT` with no sender (`Sam joined the group.`) → system
//!   events.
//! - **Out of order**: a date line earlier than the one before it keeps its place (file order
//!   is kept) with a Warning; events earlier than one before them are flagged
//!   [`flags::OUT_OF_ORDER`].
//!
//! A line that cannot be understood is a diagnostic with its line number, never message text.

use walkaway_model::{Diagnostic, Kind, Millis, NewEvent, ParsedChat, Severity, Source, flags};

use crate::tally::Tally;
use crate::{DateOrder, Options};

/// The format's name ([`crate::Imported::format`]).
pub const FORMAT: &str = "line-txt";

/// What one LINE file held.
#[derive(Clone, Debug, Default)]
pub struct LineExport {
    pub chat: ParsedChat,
    pub diagnostics: Vec<Diagnostic>,
}

/// True when `text` (a file's beginning) is a LINE chat history: its first line starts with
/// `[LINE]`, or its first lines hold a date line followed by `TIME<TAB>NAME<TAB>TEXT` lines.
pub fn looks_like_line(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().map(str::trim_end).filter(|l| !l.is_empty());
    if lines
        .clone()
        .next()
        .is_some_and(|l| l.trim_start().starts_with("[LINE]"))
    {
        return true;
    }
    let mut dated = false;
    let mut messages = 0;
    for l in lines.by_ref().take(40) {
        match classify(l) {
            Line::Date(_) => dated = true,
            Line::Message { name: Some(_), .. } if dated => messages += 1,
            _ => {}
        }
    }
    messages >= 3
}

/// A line of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Line<'a> {
    Blank,
    /// A date line: its three numbers.
    Date(Numbers),
    Message {
        time: (u8, u8),
        /// `None` for a system line (no sender field).
        name: Option<&'a str>,
        text: &'a str,
    },
    Other,
}

/// The three numbers of a date, in the order written, and which is the year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Numbers {
    n: [u32; 3],
    /// The first number has four digits (year first); else the last does.
    year_first: bool,
}

fn classify(line: &str) -> Line<'_> {
    let line = line.trim_end_matches('\r');
    if line.trim().is_empty() {
        return Line::Blank;
    }
    if let Some((t, rest)) = line.split_once('\t')
        && let Some(time) = time_of(t)
    {
        return match rest.split_once('\t') {
            Some((name, text)) if !name.trim().is_empty() => Line::Message {
                time,
                name: Some(name.trim()),
                text,
            },
            Some((_, text)) => Line::Message {
                time,
                name: None,
                text,
            },
            None => Line::Message {
                time,
                name: None,
                text: rest,
            },
        };
    }
    match date_numbers(line) {
        Some(n) => Line::Date(n),
        None => Line::Other,
    }
}

/// The date of a short tab-less line holding three numbers and at most a weekday's worth of
/// letters.
fn date_numbers(line: &str) -> Option<Numbers> {
    if line.contains('\t') || line.chars().count() > 40 {
        return None;
    }
    let mut groups: Vec<(u32, usize)> = Vec::new();
    let mut letters = 0usize;
    let mut cur: Option<(u32, usize)> = None;
    for c in line.chars() {
        if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
            let (v, n) = cur.unwrap_or((0, 0));
            cur = Some((v.saturating_mul(10).saturating_add(d), n + 1));
            continue;
        }
        if let Some(g) = cur.take() {
            groups.push(g);
        }
        if c.is_alphabetic() {
            letters += 1;
        }
    }
    if let Some(g) = cur {
        groups.push(g);
    }
    let [(a, la), (b, lb), (c, lc)] = groups.as_slice() else {
        return None;
    };
    // Weekday names (年月日 count as letters too: `2020年1月5日 日曜日`).
    if letters > 14 || *lb > 2 {
        return None;
    }
    if *la == 4 && *lc <= 2 {
        Some(Numbers {
            n: [*a, *b, *c],
            year_first: true,
        })
    } else if *lc == 4 && *la <= 2 {
        Some(Numbers {
            n: [*a, *b, *c],
            year_first: false,
        })
    } else {
        None
    }
}

/// 12-hour markers before or after the time.
const AM: [&str; 10] = [
    "am",
    "a.m.",
    "上午",
    "午前",
    "오전",
    "凌晨",
    "早上",
    "清晨",
    "ก่อนเที่ยง",
    "sa",
];
const PM: [&str; 9] = [
    "pm",
    "p.m.",
    "下午",
    "午後",
    "오후",
    "晚上",
    "中午",
    "หลังเที่ยง",
    "ch",
];

/// The time of a message line's first field: `H:MM` with an optional 12-hour marker.
fn time_of(field: &str) -> Option<(u8, u8)> {
    let f = field.trim();
    let colon = f.find(':')?;
    let start = f
        .get(..colon)?
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i)?;
    let hh = f.get(start..colon)?;
    let mm = f.get(colon + 1..colon + 3)?;
    if hh.len() > 2 || !mm.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u8, u8) = (hh.parse().ok()?, mm.parse().ok()?);
    let marker = format!("{}{}", f.get(..start)?, f.get(colon + 3..)?);
    let marker = marker.trim().to_lowercase();
    let h = if marker.is_empty() {
        h
    } else if AM.contains(&marker.as_str()) {
        if h > 12 {
            return None;
        }
        h % 12
    } else if PM.contains(&marker.as_str()) {
        if h > 12 {
            return None;
        }
        h % 12 + 12
    } else {
        return None;
    };
    (h < 24 && m < 60).then_some((h, m))
}

/// Placeholders LINE writes for non-text messages, by UI language.
const MEDIA: [&str; 24] = [
    "[Photo]",
    "[Sticker]",
    "[Video]",
    "[File]",
    "[Location]",
    "[Contact]",
    "[Album]",
    "[Gift]",
    "[照片]",
    "[貼圖]",
    "[影片]",
    "[檔案]",
    "[位置訊息]",
    "[聯絡資訊]",
    "[写真]",
    "[スタンプ]",
    "[動画]",
    "[ファイル]",
    "[位置情報]",
    "[連絡先]",
    "[사진]",
    "[스티커]",
    "[동영상]",
    "[파일]",
];
const VOICE: [&str; 5] = [
    "[Voice message]",
    "[Audio]",
    "[語音訊息]",
    "[ボイスメッセージ]",
    "[음성메시지]",
];

/// Header forms naming the chat: (prefix, suffix, one-to-one).
const HEADERS: [(&str, &str, bool); 8] = [
    ("Chat history with ", "", true),
    ("Chat history in ", "", false),
    ("與", "的聊天記錄", true),
    ("", "的聊天記錄", false),
    ("", "とのトーク履歴", true),
    ("", "のトーク履歴", false),
    ("", "님과의 대화", true),
    ("", "의 대화", false),
];

/// The chat's name in a header line, and whether it names the other person of a one-to-one
/// chat.
fn header(line: &str) -> Option<(String, bool)> {
    let rest = line.trim().strip_prefix("[LINE]")?.trim();
    for (pre, suf, one) in HEADERS {
        if let Some(x) = rest.strip_prefix(pre).and_then(|r| r.strip_suffix(suf))
            && !x.trim().is_empty()
        {
            return Some((x.trim().to_owned(), one));
        }
    }
    Some((rest.to_owned(), false))
}

/// Parses a LINE chat history.
pub fn parse(name: &str, text: &str, opts: &Options) -> LineExport {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let classes: Vec<Line<'_>> = lines.iter().map(|l| classify(l)).collect();
    let mut out = LineExport {
        chat: ParsedChat {
            source: Some(Source::Line),
            ..ParsedChat::default()
        },
        diagnostics: Vec::new(),
    };
    let order = date_order(&classes, opts, name, &mut out.diagnostics);
    let mut tally = Tally::default();
    let tz = &opts.tz;
    let mut partner: Option<String> = None;
    let mut date: Option<jiff::civil::Date> = None;
    let mut latest_date: Option<jiff::civil::Date> = None;
    let mut last_ts = Millis::MIN;
    // The message being read: (first line, ts, sender, kind, flags, text, lines it spans).
    let mut open: Option<Open> = None;
    // Blank lines seen since the last text line: kept only if a continuation line follows.
    let mut blanks = 0usize;
    for (i, (raw, class)) in lines.iter().zip(&classes).enumerate() {
        let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        // Path **header** and **saved on**: the lines before the first date line.
        if date.is_none() && !matches!(class, Line::Date(_)) {
            if i == 0
                && let Some((title, one)) = header(raw)
            {
                out.chat.title = Some(title.clone());
                partner = one.then_some(title);
                continue;
            }
            if out.chat.exported_at.is_none()
                && let Some(t) = saved_on(raw, order, tz)
            {
                out.chat.exported_at = Some(t);
                continue;
            }
            match class {
                Line::Blank => {}
                Line::Message { .. } => tally.add(
                    Severity::Warning,
                    "is a message before any date line; skipped",
                    no,
                ),
                _ => tally.add(Severity::Warning, "was not understood; skipped", no),
            }
            continue;
        }
        match class {
            Line::Blank => blanks += 1,
            // Path **date lines**.
            Line::Date(n) => {
                close(&mut open, &mut out.chat, &mut tally);
                blanks = 0;
                match to_date(*n, order) {
                    Some(d) => {
                        if latest_date.is_some_and(|l| d < l) {
                            tally.add(
                                Severity::Warning,
                                "is a date line earlier than one before it; file order kept",
                                no,
                            );
                        }
                        latest_date = latest_date.max(Some(d));
                        date = Some(d);
                    }
                    None => tally.add(
                        Severity::Warning,
                        "is a date line with an impossible date; its messages are dated by the date before",
                        no,
                    ),
                }
            }
            // Path **messages**, **system lines**.
            Line::Message {
                time,
                name: who,
                text,
            } => {
                close(&mut open, &mut out.chat, &mut tally);
                blanks = 0;
                let Some(d) = date else { continue };
                let dt = jiff::civil::Time::new(time.0 as i8, time.1 as i8, 0, 0)
                    .ok()
                    .map(|t| jiff::civil::DateTime::from_parts(d, t));
                let Some((ts, mut fl)) = dt.and_then(|dt| crate::csv::local_millis(dt, tz)) else {
                    tally.add(Severity::Warning, "has an impossible time; skipped", no);
                    continue;
                };
                if ts < last_ts {
                    fl |= flags::OUT_OF_ORDER;
                }
                last_ts = last_ts.max(ts);
                let sender = who.map(|w| out.chat.person(w));
                open = Some(Open {
                    line: no,
                    ts,
                    sender,
                    flags: fl,
                    text: (*text).to_owned(),
                    lines: 1,
                });
            }
            // Path **multi-line messages**: a line that is neither belongs to the message
            // before it.
            Line::Other => match &mut open {
                Some(o) => {
                    for _ in 0..blanks {
                        o.text.push('\n');
                    }
                    o.text.push('\n');
                    o.text.push_str(raw);
                    o.lines += 1 + blanks;
                    blanks = 0;
                }
                None => {
                    blanks = 0;
                    tally.add(Severity::Warning, "was not understood; skipped", no);
                }
            },
        }
    }
    close(&mut open, &mut out.chat, &mut tally);
    // The user: in a one-to-one chat, whoever is not the person the header names.
    if let Some(p) = partner
        && out.chat.people.len() == 2
        && let Some(i) = out.chat.people.iter().position(|x| *x == p)
    {
        out.chat.me_hint = Some(u32::from(i == 0));
    }
    tally.finish(&format!("{name}: "), &mut out.diagnostics);
    if out.chat.events.is_empty() {
        out.diagnostics.push(Diagnostic {
            severity: Severity::Note,
            line: 0,
            message: format!("{name}: the chat holds no messages"),
        });
    }
    out.chat.events.shrink_to_fit();
    out
}

/// A message whose continuation lines may still follow.
struct Open {
    line: u32,
    ts: Millis,
    sender: Option<u32>,
    flags: u8,
    text: String,
    lines: usize,
}

/// Turns the open message into an event: its kind from its text, quotes of a multi-line
/// message removed.
fn close(open: &mut Option<Open>, chat: &mut ParsedChat, tally: &mut Tally) {
    let Some(mut o) = open.take() else { return };
    if o.lines > 1 && o.text.len() >= 2 && o.text.starts_with('"') && o.text.ends_with('"') {
        o.text = o
            .text
            .get(1..o.text.len() - 1)
            .unwrap_or("")
            .replace("\"\"", "\"");
    }
    let t = o.text.trim();
    let kind = match o.sender {
        None => Kind::System,
        Some(_) if t.starts_with('☎') => {
            if call_seconds(t) > 0 {
                Kind::Call
            } else {
                Kind::MissedCall
            }
        }
        Some(_) if MEDIA.contains(&t) => Kind::Media,
        Some(_) if VOICE.contains(&t) => Kind::Voice,
        Some(_) => Kind::Text,
    };
    let text = if matches!(kind, Kind::Media | Kind::Voice) {
        ""
    } else {
        o.text.as_str()
    };
    let pushed = chat.events.push(NewEvent {
        ts: o.ts,
        sender: o.sender,
        kind,
        text,
        line: o.line,
        flags: o.flags,
    });
    if pushed.is_err() {
        tally.add(
            Severity::Warning,
            "does not fit: the chat's texts passed 4 gib; skipped",
            o.line,
        );
    }
}

/// Seconds of the first `M:SS` or `H:MM:SS` duration in a call text (0 when none).
fn call_seconds(t: &str) -> u64 {
    let digits_or_colon = |c: char| c.is_ascii_digit() || c == ':';
    t.split(|c: char| !digits_or_colon(c))
        .filter(|w| w.contains(':'))
        .find_map(|w| {
            let parts: Vec<u64> = w
                .split(':')
                .map(|p| p.parse().ok())
                .collect::<Option<Vec<_>>>()?;
            // Saturating: a duration too long for u64 (only a damaged file writes one) is
            // still a duration, so the call stays a call.
            (parts.len() >= 2).then(|| {
                parts
                    .iter()
                    .fold(0u64, |a, &p| a.saturating_mul(60).saturating_add(p))
            })
        })
        .unwrap_or(0)
}

/// Day/month order for dates written with the year last.
fn date_order(
    classes: &[Line<'_>],
    opts: &Options,
    name: &str,
    diags: &mut Vec<Diagnostic>,
) -> DateOrder {
    if let Some(o) = opts.date_order {
        return o;
    }
    let year_last: Vec<[u32; 3]> = classes
        .iter()
        .filter_map(|c| match c {
            Line::Date(n) if !n.year_first => Some(n.n),
            _ => None,
        })
        .collect();
    if year_last.is_empty() {
        return DateOrder::Ymd;
    }
    if year_last.iter().any(|n| n[0] > 12) {
        return DateOrder::Dmy;
    }
    if !year_last.iter().any(|n| n[1] > 12) {
        diags.push(Diagnostic {
            severity: Severity::Note,
            line: 0,
            message: format!(
                "{name}: no date tells whether the day or the month comes first; read month first (use --date-order dmy if that is wrong)"
            ),
        });
    }
    DateOrder::Mdy
}

fn to_date(n: Numbers, order: DateOrder) -> Option<jiff::civil::Date> {
    let [a, b, c] = n.n;
    let (y, m, d) = if n.year_first {
        (a, b, c)
    } else if order == DateOrder::Dmy {
        (c, b, a)
    } else {
        (c, a, b)
    };
    jiff::civil::Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// The instant of a "saved on" line: its date (three numbers) and time (`H:MM`, maybe with a
/// 12-hour marker), read in `tz`.
fn saved_on(line: &str, order: DateOrder, tz: &jiff::tz::TimeZone) -> Option<Millis> {
    let (_, value) = line.split_once([':', '：'])?;
    let value = value.trim();
    // The time is the last `H:MM` with what surrounds it up to the date's end.
    let colon = value.rfind(':')?;
    let split = value.get(..colon)?.rfind([' ', ',']).unwrap_or(0);
    let (date_part, time_part) = value.split_at(split);
    let n = date_numbers(date_part.trim().trim_end_matches(','))?;
    let d = to_date(n, order)?;
    let (h, m) = time_of(time_part.trim().trim_start_matches(','))?;
    let t = jiff::civil::Time::new(h as i8, m as i8, 0, 0).ok()?;
    crate::csv::local_millis(jiff::civil::DateTime::from_parts(d, t), tz).map(|x| x.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(time_of("16:46"), Some((16, 46)));
        assert_eq!(time_of("4:46 PM"), Some((16, 46)));
        assert_eq!(time_of("PM 4:46"), Some((16, 46)));
        assert_eq!(time_of("12:05 AM"), Some((0, 5)));
        assert_eq!(time_of("下午04:46"), Some((16, 46)));
        assert_eq!(time_of("上午12:10"), Some((0, 10)));
        assert_eq!(time_of("午後 4:46"), Some((16, 46)));
        assert_eq!(time_of("오전 9:01"), Some((9, 1)));
        assert_eq!(time_of("25:00"), None);
        assert_eq!(time_of("Sam"), None);
        assert_eq!(time_of("13:00 PM"), None);
        assert_eq!(time_of("later 4:46"), None);
    }

    #[test]
    fn date_lines() {
        let ymd = |n: [u32; 3]| {
            Some(Numbers {
                n,
                year_first: true,
            })
        };
        let yl = |n: [u32; 3]| {
            Some(Numbers {
                n,
                year_first: false,
            })
        };
        assert_eq!(date_numbers("2020/01/05 Sun"), ymd([2020, 1, 5]));
        assert_eq!(date_numbers("2020.01.05 Sunday"), ymd([2020, 1, 5]));
        assert_eq!(date_numbers("2017/11/20（一）"), ymd([2017, 11, 20]));
        assert_eq!(date_numbers("2016/5/8（週日）"), ymd([2016, 5, 8]));
        assert_eq!(date_numbers("2020. 1. 5. 일요일"), ymd([2020, 1, 5]));
        assert_eq!(date_numbers("Mon, 1/6/2020"), yl([1, 6, 2020]));
        assert_eq!(date_numbers("Wednesday, 22/01/2020"), yl([22, 1, 2020]));
        assert_eq!(
            date_numbers("meet me at 5/6/2020 by the big old station"),
            None
        );
        assert_eq!(date_numbers("10:00\tSam\thi"), None);
        assert_eq!(date_numbers("call 555 1234 567"), None);
    }

    #[test]
    fn headers() {
        assert_eq!(
            header("[LINE] Chat history with Sam Park"),
            Some(("Sam Park".to_owned(), true))
        );
        assert_eq!(
            header("[LINE] Chat history in Climbing"),
            Some(("Climbing".to_owned(), false))
        );
        assert_eq!(
            header("[LINE] 與User1的聊天記錄"),
            Some(("User1".to_owned(), true))
        );
        assert_eq!(
            header("[LINE] サムとのトーク履歴"),
            Some(("サム".to_owned(), true))
        );
        assert_eq!(header("Chat history with Sam"), None);
    }

    #[test]
    fn calls() {
        assert_eq!(call_seconds("☎ Call time 0:15"), 15);
        assert_eq!(call_seconds("☎ 通話時間0:53"), 53);
        assert_eq!(call_seconds("☎ Call time 1:02:03"), 3723);
        assert_eq!(call_seconds("☎ Missed call"), 0);
        assert_eq!(call_seconds("☎ Call time 0:00"), 0);
    }
}
