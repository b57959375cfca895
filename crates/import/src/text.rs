//! Text encodings of chat exports other than UTF-8.
//!
//! WhatsApp writes UTF-8, but some Windows tools re-save an export as UTF-16 (little- or
//! big-endian, usually with a byte-order mark, sometimes without). Such a file is full of NUL
//! bytes and would look like binary data. [`utf16_of`] recognises it from its first bytes and
//! [`Utf16Reader`] turns it into UTF-8 *while it is read*, so a UTF-16 file streams through the
//! parser like any other (memory holds a block of it, never the whole file). Line ends are
//! kept as they are, so line numbers are those of the file.

use std::cell::Cell;
use std::io::Read;
use std::rc::Rc;

use walkaway_model::{Diagnostic, Severity};

/// Byte order of a UTF-16 text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Utf16 {
    Le,
    Be,
}

/// Bytes looked at to recognise UTF-16 without a byte-order mark.
const PROBE: usize = 4096;

/// The UTF-16 byte order of a text starting with `head`, if it is UTF-16: a byte-order mark
/// (`FF FE`, `FE FF`; `FF FE 00 00` is UTF-32 and not taken), or else the NUL pattern of
/// mostly-ASCII UTF-16 (every digit, bracket and colon of a header is one): at least a quarter
/// of the code units have a zero high byte, and almost none a zero low byte.
pub(crate) fn utf16_of(head: &[u8]) -> Option<Utf16> {
    match head {
        [0xFF, 0xFE, 0, 0, ..] => return None,
        [0xFF, 0xFE, ..] => return Some(Utf16::Le),
        [0xFE, 0xFF, ..] => return Some(Utf16::Be),
        _ => {}
    }
    let probe = head.get(..head.len().min(PROBE)).unwrap_or(head);
    let units = probe.len() / 2;
    if units < 8 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in probe.chunks_exact(2) {
        if let [a, b] = pair {
            even += usize::from(*a == 0);
            odd += usize::from(*b == 0);
        }
    }
    let rare = units / 50;
    if odd * 4 >= units && even <= rare {
        Some(Utf16::Le)
    } else if even * 4 >= units && odd <= rare {
        Some(Utf16::Be)
    } else {
        None
    }
}

/// Where the first code unit that is not UTF-16 (a lone surrogate, a final odd byte) was: its
/// 1-based line. Shared with the caller, which reads it once the reader is done.
pub(crate) type FirstBad = Rc<Cell<Option<u32>>>;

/// The Warning for a text whose first undecodable unit is on `line`.
pub(crate) fn bad_utf16(name: &str, line: u32) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning,
        line,
        message: format!(
            "{name} is not valid utf-16 (first at line {line}); undecodable units were replaced"
        ),
    }
}

/// Reads UTF-16 from `inner` and gives UTF-8: a leading byte-order mark is dropped, units that
/// are not UTF-16 become U+FFFD (the first one's line goes to `bad`).
pub(crate) struct Utf16Reader<R> {
    inner: R,
    order: Utf16,
    /// Bytes read and not decoded yet (an odd byte, between reads).
    raw: Vec<u8>,
    /// Decoded UTF-8 not given out yet, from `pos`.
    out: Vec<u8>,
    pos: usize,
    /// A high surrogate waiting for its low half.
    high: Option<u16>,
    first_unit: bool,
    eof: bool,
    /// Newlines given out so far.
    lines: u32,
    bad: FirstBad,
}

/// Bytes read from the inner reader in one go.
const BLOCK: usize = 64 << 10;

impl<R: Read> Utf16Reader<R> {
    pub fn new(inner: R, order: Utf16, bad: FirstBad) -> Self {
        Utf16Reader {
            inner,
            order,
            raw: Vec::with_capacity(BLOCK + 1),
            out: Vec::with_capacity(BLOCK * 3 / 2 + 4),
            pos: 0,
            high: None,
            first_unit: true,
            eof: false,
            lines: 0,
            bad,
        }
    }

    fn bad_here(&mut self) {
        if self.bad.get().is_none() {
            self.bad.set(Some(self.lines.saturating_add(1)));
        }
        self.push(char::REPLACEMENT_CHARACTER);
    }

    fn push(&mut self, c: char) {
        let mut b = [0u8; 4];
        self.out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
        if c == '\n' {
            self.lines = self.lines.saturating_add(1);
        }
    }

    fn unit(&mut self, u: u16) {
        if std::mem::take(&mut self.first_unit) && u == 0xFEFF {
            return;
        }
        if let Some(h) = self.high.take() {
            if (0xDC00..0xE000).contains(&u) {
                let c = 0x10000 + ((u32::from(h) - 0xD800) << 10) + (u32::from(u) - 0xDC00);
                match char::from_u32(c) {
                    Some(c) => self.push(c),
                    None => self.bad_here(),
                }
                return;
            }
            self.bad_here();
        }
        match u {
            0xD800..=0xDBFF => self.high = Some(u),
            0xDC00..=0xDFFF => self.bad_here(),
            _ => match char::from_u32(u32::from(u)) {
                Some(c) => self.push(c),
                None => self.bad_here(),
            },
        }
    }

    /// Reads one block and decodes its whole units; at the end, flags what is left over.
    fn refill(&mut self) -> std::io::Result<()> {
        self.out.clear();
        self.pos = 0;
        let old = self.raw.len();
        self.raw.resize(old + BLOCK, 0);
        let got = loop {
            match self.inner.read(self.raw.get_mut(old..).unwrap_or(&mut [])) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.raw.truncate(old);
                    return Err(e);
                }
            }
        };
        self.raw.truncate(old + got);
        let whole = self.raw.len() / 2 * 2;
        let raw = std::mem::take(&mut self.raw);
        for pair in raw.get(..whole).unwrap_or(&[]).chunks_exact(2) {
            if let [a, b] = *pair {
                let u = match self.order {
                    Utf16::Le => u16::from_le_bytes([a, b]),
                    Utf16::Be => u16::from_be_bytes([a, b]),
                };
                self.unit(u);
            }
        }
        self.raw = raw;
        self.raw.drain(..whole);
        if got == 0 {
            self.eof = true;
            if self.high.take().is_some() {
                self.bad_here();
            }
            if !self.raw.is_empty() {
                self.raw.clear();
                self.bad_here();
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let ready = self.out.get(self.pos..).unwrap_or(&[]);
            if !ready.is_empty() {
                let n = ready.len().min(buf.len());
                if let (Some(dst), Some(src)) = (buf.get_mut(..n), ready.get(..n)) {
                    dst.copy_from_slice(src);
                }
                self.pos += n;
                return Ok(n);
            }
            if self.eof || buf.is_empty() {
                return Ok(0);
            }
            self.refill()?;
        }
    }
}

/// Decodes a whole UTF-16 text held in memory (a zip entry), with the Warning for its first
/// undecodable unit. The UTF-8 copy is about as large as the input; zip entries are in memory
/// already, so this at most doubles what one entry takes.
pub(crate) fn decode_utf16(
    name: &str,
    bytes: &[u8],
    order: Utf16,
    diags: &mut Vec<Diagnostic>,
) -> String {
    let bad = FirstBad::default();
    let mut out = String::with_capacity(bytes.len() / 2 * 3 / 2);
    // Reading from memory cannot fail, and the reader gives UTF-8 only.
    let _ = Utf16Reader::new(bytes, order, bad.clone()).read_to_string(&mut out);
    if let Some(line) = bad.get() {
        diags.push(bad_utf16(name, line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gives one byte per read, to cut every unit and every character.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((b, rest)), Some(dst)) => {
                    *dst = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn any_cut_decodes_the_same() {
        let text = "\u{FEFF}a😀b\nü𝄞\r\n";
        let bytes = le(text);
        let mut whole = String::new();
        Utf16Reader::new(&bytes[..], Utf16::Le, FirstBad::default())
            .read_to_string(&mut whole)
            .unwrap();
        assert_eq!(whole, "a😀b\nü𝄞\r\n");
        let mut cut = String::new();
        let mut r = Utf16Reader::new(Trickle(&bytes), Utf16::Le, FirstBad::default());
        let mut byte = [0u8; 1];
        let mut raw = Vec::new();
        while r.read(&mut byte).unwrap() == 1 {
            raw.push(byte[0]);
        }
        cut.push_str(std::str::from_utf8(&raw).unwrap());
        assert_eq!(cut, whole);
    }

    #[test]
    fn detection() {
        assert_eq!(utf16_of(&le("\u{FEFF}12/31/23")), Some(Utf16::Le));
        assert_eq!(
            utf16_of(&le("12/31/23, 9:05 PM - Ann: hi")),
            Some(Utf16::Le)
        );
        let be: Vec<u8> = "12/31/23, 9:05 PM - Ann: hi"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(utf16_of(&be), Some(Utf16::Be));
        assert_eq!(utf16_of(b"12/31/23, 9:05 PM - Ann: hi"), None);
        assert_eq!(utf16_of(b"\xFF\xFE\0\0a\0\0\0"), None);
        assert_eq!(utf16_of(b""), None);
    }

    #[test]
    fn a_final_odd_byte_and_a_lone_high_surrogate_are_flagged() {
        let mut bytes = le("a\nb");
        bytes.extend_from_slice(&0xD83Du16.to_le_bytes());
        bytes.push(b'x');
        let mut d = Vec::new();
        let s = decode_utf16("f", &bytes, Utf16::Le, &mut d);
        assert_eq!(s, "a\nb\u{FFFD}\u{FFFD}");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, 2);
    }
}
