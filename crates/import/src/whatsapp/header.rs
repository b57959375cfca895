//! Byte-level recognition of WhatsApp message headers.
//!
//! Every message of a WhatsApp export starts with a header giving the local date and time,
//! and the header's shape depends on the phone's OS and locale. Regular expressions would be
//! both slow (one per line of a file that can hold millions of lines) and hard to keep exact
//! across variants, so this module walks the bytes once and accepts every variant seen in real
//! exports (see docs/formats/whatsapp.md):
//!
//! * Android: `12/31/23, 9:05 PM - ` (also `–` EN DASH, `2022/12/14, 13:34. - `, no comma),
//! * iOS: `[31/12/2023, 21:05:33] ` (also without comma, `.` time separators, Arabic digits),
//! * Vietnamese iOS writes the time before the date: `[21:05:33, 31/12/2023] `,
//! * Thai Buddhist years (`2565 BE`), Japanese era years first or last (`R4/03/18`,
//!   `3/18/R4`, `令和4/03/18`),
//! * 12-hour markers in many spellings before or after the time.
//!
//! The parser does not decide the day/month order: it returns the three date fields as written
//! and leaves the order to a whole-file inference in the parent module.

/// How the header is wrapped, plus the date layout: two headers with a different style do not
/// come from the same export.
pub(crate) type Style = u16;

pub(crate) const STYLE_BRACKET: Style = 1;
pub(crate) const STYLE_YEAR_FIRST: Style = 1 << 1;
pub(crate) const STYLE_YEAR4: Style = 1 << 2;
pub(crate) const STYLE_TIME_FIRST: Style = 1 << 3;
pub(crate) const STYLE_ERA: Style = 1 << 4;
/// Bits 8.. hold the date separator byte.
const STYLE_SEP_SHIFT: u32 = 8;

/// A 12-hour clock marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Meridiem {
    None,
    Am,
    Pm,
}

/// One recognised header. Date fields are in the order written; `year_first` says where the
/// year is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    /// The three numbers of the date in writing order.
    pub f: [u16; 3],
    /// Digits of the year field as written (2 or 4; 1..4 for era years).
    pub year_digits: u8,
    pub year_first: bool,
    /// Calendar correction to add to the written year (Buddhist -543, Reiwa +2018...).
    pub era_offset: i32,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub meridiem: Meridiem,
    pub style: Style,
    /// Byte offset of the body (sender and text) in the line.
    pub body: usize,
}

impl Header {
    /// Hour of the 24-hour clock, applying the marker; a marker on an hour above 12 (the
    /// `13:37 p.m.` seen in the wild) is ignored.
    pub fn hour24(&self) -> u8 {
        match self.meridiem {
            _ if self.hour > 12 => self.hour,
            Meridiem::None => self.hour,
            Meridiem::Am => {
                if self.hour == 12 {
                    0
                } else {
                    self.hour
                }
            }
            Meridiem::Pm => {
                if self.hour == 12 {
                    12
                } else {
                    self.hour + 12
                }
            }
        }
    }

    /// The full year once the written year is known to be in `y`.
    pub fn full_year(&self, y: u16) -> i32 {
        let y = i32::from(y);
        if self.era_offset != 0 {
            return y + self.era_offset;
        }
        if self.year_digits <= 2 { 2000 + y } else { y }
    }
}

/// Length of an invisible formatting mark at `i` (U+200E, U+200F, U+FEFF, U+202A..U+202E,
/// U+2066..U+2069), or 0.
#[inline]
pub(crate) fn invisible_len(s: &[u8], i: usize) -> usize {
    match s.get(i) {
        Some(0xE2) => match (s.get(i + 1), s.get(i + 2)) {
            (Some(0x80), Some(0x8E | 0x8F | 0xAA..=0xAE)) => 3,
            (Some(0x81), Some(0xA6..=0xA9)) => 3,
            _ => 0,
        },
        Some(0xEF) => match (s.get(i + 1), s.get(i + 2)) {
            (Some(0xBB), Some(0xBF)) => 3,
            _ => 0,
        },
        _ => 0,
    }
}

#[inline]
pub(crate) fn skip_invisible(s: &[u8], mut i: usize) -> usize {
    loop {
        let n = invisible_len(s, i);
        if n == 0 {
            return i;
        }
        i += n;
    }
}

/// Length of a space-like character at `i`: ASCII space, U+00A0, U+202F, U+2009, or 0.
#[inline]
fn space_len(s: &[u8], i: usize) -> usize {
    match s.get(i) {
        Some(b' ') => 1,
        Some(0xC2) if s.get(i + 1) == Some(&0xA0) => 2,
        Some(0xE2) if s.get(i + 1) == Some(&0x80) && matches!(s.get(i + 2), Some(0xAF | 0x89)) => 3,
        _ => 0,
    }
}

/// Skips spaces and invisible marks; returns the new position.
#[inline]
fn skip_blank(s: &[u8], mut i: usize) -> usize {
    loop {
        let n = space_len(s, i).max(invisible_len(s, i));
        if n == 0 {
            return i;
        }
        i += n;
    }
}

/// Decimal digit at `i` (ASCII, Arabic-Indic U+0660.., Extended Arabic-Indic U+06F0..):
/// returns (value, byte length).
#[inline]
fn digit(s: &[u8], i: usize) -> Option<(u8, usize)> {
    match s.get(i) {
        Some(&b) if b.is_ascii_digit() => Some((b - b'0', 1)),
        Some(0xD9) => match s.get(i + 1) {
            Some(&b @ 0xA0..=0xA9) => Some((b - 0xA0, 2)),
            _ => None,
        },
        Some(0xDB) => match s.get(i + 1) {
            Some(&b @ 0xB0..=0xB9) => Some((b - 0xB0, 2)),
            _ => None,
        },
        _ => None,
    }
}

/// Reads 1..=4 digits: (value, digit count, new position).
#[inline]
fn number(s: &[u8], mut i: usize) -> Option<(u16, u8, usize)> {
    let mut v: u16 = 0;
    let mut n = 0u8;
    while let Some((d, len)) = digit(s, i) {
        if n == 4 {
            return None;
        }
        v = v * 10 + u16::from(d);
        n += 1;
        i += len;
    }
    if n == 0 { None } else { Some((v, n, i)) }
}

/// A date separator (`/`, `.`, `-`) possibly wrapped in invisible marks and followed by one
/// space (`18. 3. 2022`): (separator byte, new position).
#[inline]
fn date_sep(s: &[u8], i: usize) -> Option<(u8, usize)> {
    let i = skip_invisible(s, i);
    let c = *s.get(i)?;
    if !matches!(c, b'/' | b'.' | b'-') {
        return None;
    }
    let mut j = skip_invisible(s, i + 1);
    if s.get(j) == Some(&b' ') && digit(s, j + 1).is_some() {
        j += 1;
    }
    Some((c, j))
}

struct Date {
    f: [u16; 3],
    digits: [u8; 3],
    sep: u8,
    era_offset: i32,
    /// The year is a Japanese era year.
    era: bool,
    /// ... written last (`3/18/R4`), not first (`R4/03/18`).
    era_last: bool,
}

/// Japanese era prefix of a year (`R4`, `H31`, `S64`, or the kanji `令和4`, `平成31`,
/// `昭和64`): offset to add to the era year, and the position of its digits.
fn era_prefix(s: &[u8], i: usize) -> Option<(i32, usize)> {
    const ERAS: [(&[u8], i32); 6] = [
        (b"R", 2018),
        (b"H", 1988),
        (b"S", 1925),
        ("令和".as_bytes(), 2018),
        ("平成".as_bytes(), 1988),
        ("昭和".as_bytes(), 1925),
    ];
    let rest = s.get(i..)?;
    let (name, off) = ERAS.iter().find(|(name, _)| rest.starts_with(name))?;
    let j = i + name.len();
    digit(s, j)?;
    Some((*off, j))
}

fn date(s: &[u8], i: usize) -> Option<(Date, usize)> {
    let (era_offset, era, i) = match era_prefix(s, i) {
        Some((off, j)) => (off, true, j),
        None => (0, false, i),
    };
    let (a, da, i) = number(s, i)?;
    let (sep, i) = date_sep(s, i)?;
    let (b, db, i) = number(s, i)?;
    let (sep2, i) = date_sep(s, i)?;
    if sep2 != sep {
        return None;
    }
    // An era year may come last too: "3/18/R4" (iPhone, Japanese calendar, US region).
    let (era_offset, era_last, i) = match era_prefix(s, i) {
        Some((off, j)) if !era => (off, true, j),
        _ => (era_offset, false, i),
    };
    let era = era || era_last;
    let (c, dc, mut i) = number(s, i)?;
    let mut era_offset = era_offset;
    // Thai Buddhist calendar: "3/18/2565 BE" (the year is 543 ahead of the Gregorian one).
    if s.get(i) == Some(&b' ') && s.get(i + 1) == Some(&b'B') && s.get(i + 2) == Some(&b'E') {
        i += 3;
    }
    // Hungarian-style trailing dot: "2022. 03. 18." is rare but harmless to accept.
    if sep == b'.' && s.get(i) == Some(&b'.') {
        i += 1;
    }
    let year_first = (era && !era_last) || da == 4;
    let year = if year_first { a } else { c };
    let ydigits = if year_first { da } else { dc };
    if !era && ydigits == 4 && year >= 2400 {
        era_offset = -543;
    }
    Some((
        Date {
            f: [a, b, c],
            digits: [da, db, dc],
            sep,
            era_offset,
            era,
            era_last,
        },
        i,
    ))
}

/// Matches a 12-hour marker at `i`: (meridiem, new position).
fn meridiem(s: &[u8], i: usize) -> Option<(Meridiem, usize)> {
    let c = *s.get(i)?;
    match c | 0x20 {
        b'a' | b'p' => {
            let m = if c | 0x20 == b'a' {
                Meridiem::Am
            } else {
                Meridiem::Pm
            };
            let mut j = i + 1;
            if s.get(j) == Some(&b'.') {
                j += 1;
                j += space_len(s, j);
            }
            if s.get(j).map(|b| b | 0x20) != Some(b'm') {
                return None;
            }
            j += 1;
            if s.get(j) == Some(&b'.') {
                j += 1;
            }
            return Some((m, j));
        }
        _ => {}
    }
    let rest = s.get(i..)?;
    const MARKS: [(&[u8], Meridiem); 10] = [
        (b"vorm.", Meridiem::Am),
        (b"nachm.", Meridiem::Pm),
        ("\u{635}".as_bytes(), Meridiem::Am),
        ("\u{645}".as_bytes(), Meridiem::Pm),
        ("午前".as_bytes(), Meridiem::Am),
        ("午後".as_bytes(), Meridiem::Pm),
        ("上午".as_bytes(), Meridiem::Am),
        ("下午".as_bytes(), Meridiem::Pm),
        ("오전".as_bytes(), Meridiem::Am),
        ("오후".as_bytes(), Meridiem::Pm),
    ];
    MARKS
        .iter()
        .find(|(m, _)| rest.starts_with(m))
        .map(|(m, mer)| (*mer, i + m.len()))
}

struct Time {
    hour: u8,
    minute: u8,
    second: u8,
    meridiem: Meridiem,
}

fn two_digits(s: &[u8], i: usize) -> Option<(u8, usize)> {
    let (a, l1) = digit(s, i)?;
    let (b, l2) = digit(s, i + l1)?;
    Some((a * 10 + b, i + l1 + l2))
}

fn time(s: &[u8], i: usize) -> Option<(Time, usize)> {
    // Chinese, Japanese and Korean exports put the marker before the time.
    let (pre, i) = match meridiem(s, i) {
        Some((m, j)) if m != Meridiem::None && s.get(i).is_some_and(|b| !b.is_ascii()) => {
            (m, skip_blank(s, j))
        }
        _ => (Meridiem::None, i),
    };
    let (h, dh, i) = number(s, i)?;
    if dh > 2 || h > 24 {
        return None;
    }
    let sep = *s.get(i)?;
    if sep != b':' && sep != b'.' {
        return None;
    }
    let (minute, mut i) = two_digits(s, i + 1)?;
    let mut second = 0;
    if s.get(i) == Some(&sep)
        && let Some((sec, j)) = two_digits(s, i + 1)
    {
        second = sec;
        i = j;
    }
    // "13:34. -" (seen in y/m/d Android exports).
    if s.get(i) == Some(&b'.') {
        i += 1;
    }
    let mut mer = pre;
    if mer == Meridiem::None {
        let j = skip_blank(s, i);
        if j > i
            && let Some((m, k)) = meridiem(s, j)
        {
            mer = m;
            i = k;
        }
    }
    if minute > 59 || second > 59 || h > 23 {
        return None;
    }
    Some((
        Time {
            hour: h as u8,
            minute,
            second,
            meridiem: mer,
        },
        i,
    ))
}

/// Separator between date and time: commas, spaces, the Arabic comma, invisible marks.
fn date_time_gap(s: &[u8], mut i: usize) -> Option<usize> {
    let start = i;
    loop {
        let n = match s.get(i) {
            Some(b',') => 1,
            Some(0xD8) if s.get(i + 1) == Some(&0x8C) => 2,
            _ => space_len(s, i).max(invisible_len(s, i)),
        };
        if n == 0 {
            break;
        }
        i += n;
    }
    (i > start).then_some(i)
}

/// Recognises the header at the start of `line` (which has no line terminator).
pub(crate) fn parse(line: &[u8]) -> Option<Header> {
    // Fast reject: a header starts with a digit, a bracket, an invisible mark, an Arabic
    // digit, an era letter or the first byte of an era name or CJK marker.
    let first = *line.first()?;
    if !(first.is_ascii_digit()
        || matches!(
            first,
            b'[' | 0xE2 | 0xEF | 0xD9 | 0xDB | b'R' | b'H' | b'S' | 0xE4 | 0xE5 | 0xE6 | 0xEC
        ))
    {
        return None;
    }
    let mut i = skip_invisible(line, 0);
    let bracket = line.get(i) == Some(&b'[');
    if bracket {
        i = skip_invisible(line, i + 1);
    }
    // Vietnamese iOS: the time comes first ("[21:05:33, 31/12/2023]").
    let time_first = match number(line, i) {
        Some((_, _, j)) => line.get(j) == Some(&b':') && bracket,
        None => false,
    };
    let (d, t, mut i) = if time_first {
        let (t, j) = time(line, i)?;
        let j = date_time_gap(line, j)?;
        let (d, j) = date(line, j)?;
        (d, t, j)
    } else {
        let (d, j) = date(line, i)?;
        let j = date_time_gap(line, j)?;
        let (t, j) = time(line, j)?;
        (d, t, j)
    };
    if bracket {
        i = skip_invisible(line, i);
        if line.get(i) != Some(&b']') {
            return None;
        }
        i += 1;
        if line.get(i) == Some(&b' ') {
            i += 1;
        }
    } else {
        let j = skip_blank(line, i);
        if j == i {
            return None;
        }
        i = j;
        match line.get(i) {
            Some(b'-') => i += 1,
            // EN DASH and EM DASH.
            Some(0xE2)
                if line.get(i + 1) == Some(&0x80)
                    && matches!(line.get(i + 2), Some(0x93 | 0x94)) =>
            {
                i += 3
            }
            _ => return None,
        }
        match line.get(i) {
            Some(b' ') => i += 1,
            None => {}
            _ => return None,
        }
    }
    let year_first = (d.era && !d.era_last) || d.digits[0] == 4;
    let year_digits = if year_first { d.digits[0] } else { d.digits[2] };
    if !(year_first || d.era_last || year_digits == 2 || year_digits == 4) {
        return None;
    }
    // Day and month fields have one or two digits.
    let (x, y) = if year_first { (1, 2) } else { (0, 1) };
    if d.digits[x] > 2 || d.digits[y] > 2 {
        return None;
    }
    let mut style = Style::from(d.sep) << STYLE_SEP_SHIFT;
    if bracket {
        style |= STYLE_BRACKET;
    }
    if year_first {
        style |= STYLE_YEAR_FIRST;
    }
    if year_digits == 4 {
        style |= STYLE_YEAR4;
    }
    if time_first {
        style |= STYLE_TIME_FIRST;
    }
    if d.era {
        style |= STYLE_ERA;
    }
    Some(Header {
        f: d.f,
        year_digits,
        year_first,
        era_offset: d.era_offset,
        hour: t.hour,
        minute: t.minute,
        second: t.second,
        meridiem: t.meridiem,
        style,
        body: i,
    })
}
