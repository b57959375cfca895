//! The text of a `message.attributedBody` blob: an `NSAttributedString` archived by
//! `NSArchiver` in Apple's "typedstream" format.
//!
//! Since macOS Ventura, Messages often leaves `message.text` NULL and keeps the text only here.
//! A full typedstream decoder is not needed: the string's characters are the first `NSString`
//! object of the archive. After the class name `NSString` (length-prefixed, `0x08`) come the
//! class version and a reference to the superclass, then the type encoding `+` (a new C string
//! `0x84 0x01 '+'`, UTF-8 bytes follow) and the byte length of the text:
//!
//! - a byte below `0x80` is the length itself;
//! - `0x81` is followed by a little-endian `u16`;
//! - `0x82` by a little-endian `u32`.
//!
//! then that many bytes of UTF-8. Variants seen in real blobs, each handled below:
//!
//! - **Plain**: `NSAttributedString` → `NSString` (`…TextOnly2` in the corpus).
//! - **Mutable**: `NSMutableAttributedString` → `NSMutableString` → `NSString`: the first
//!   `NSString` marker is still the one that carries the text.
//! - **Blank**: a length of 0: no text.
//! - **Length past the end** (a damaged or truncated blob): the text is read up to the end of
//!   the string object (`0x86`, then `0x84` or the end), so what is there is still kept.
//!
//! Everything else (no header, no marker, invalid UTF-8) gives `None`: the message is kept
//! without text. Never panics, on any bytes.

/// The header every typedstream starts with: version 4, then the 11-byte signature.
const HEADER: &[u8] = b"\x04\x0bstreamtyped";

/// The class name marker: its length byte, then the name.
const NSSTRING: &[u8] = b"\x08NSString";

/// A new C string of length 1 holding `+`: the type encoding of the UTF-8 text that follows.
const PLUS: &[u8] = b"\x84\x01+";

/// How the text was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// The text as its length prefix says.
    Text(String),
    /// The length prefix points past the blob's end; the text up to the string object's end.
    Truncated(String),
    /// No text: an empty string, or a blob without a readable string.
    None,
}

/// The text of an `attributedBody` blob.
pub fn text(blob: &[u8]) -> Body {
    if !blob.starts_with(HEADER) {
        return Body::None;
    }
    let Some(at) = memchr::memmem::find(blob, NSSTRING) else {
        return Body::None;
    };
    let after = at + NSSTRING.len();
    // Class version and superclass reference come first; the `+` follows within a few bytes.
    let window = blob.get(after..blob.len().min(after + 16)).unwrap_or(&[]);
    let Some(plus) = memchr::memmem::find(window, PLUS) else {
        return Body::None;
    };
    let mut pos = after + plus + PLUS.len();
    let Some(len) = length(blob, &mut pos) else {
        return Body::None;
    };
    if len == 0 {
        return Body::None;
    }
    let rest = blob.get(pos..).unwrap_or(&[]);
    match pos.checked_add(len).and_then(|end| blob.get(pos..end)) {
        Some(bytes) => match std::str::from_utf8(bytes) {
            Ok(s) => Body::Text(s.to_owned()),
            Err(_) => Body::None,
        },
        // Past the end: up to the end of the string object.
        None => {
            let end = end_of_object(rest);
            let bytes = rest.get(..end).unwrap_or(&[]);
            let valid = match std::str::from_utf8(bytes) {
                Ok(s) => s,
                Err(e) => {
                    std::str::from_utf8(bytes.get(..e.valid_up_to()).unwrap_or(&[])).unwrap_or("")
                }
            };
            if valid.is_empty() {
                Body::None
            } else {
                Body::Truncated(valid.to_owned())
            }
        }
    }
}

/// A typedstream integer at `pos` used as a length, advancing `pos`.
fn length(blob: &[u8], pos: &mut usize) -> Option<usize> {
    let tag = *blob.get(*pos)?;
    *pos += 1;
    match tag {
        0x00..=0x7f => Some(usize::from(tag)),
        0x81 => {
            let b = blob.get(*pos..*pos + 2)?;
            *pos += 2;
            Some(usize::from(u16::from_le_bytes([b[0], b[1]])))
        }
        0x82 => {
            let b = blob.get(*pos..*pos + 4)?;
            *pos += 4;
            usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok()
        }
        _ => None,
    }
}

/// Where the string object ends in `rest`: the first `0x86` followed by `0x84` or by the end.
fn end_of_object(rest: &[u8]) -> usize {
    let mut from = 0;
    while let Some(i) = memchr::memchr(0x86, rest.get(from..).unwrap_or(&[])) {
        let i = from + i;
        match rest.get(i + 1) {
            None | Some(0x84) => return i,
            _ => from = i + 1,
        }
    }
    rest.len()
}

/// A typedstream holding `text` the way Messages writes a plain message (for tests and
/// fixtures): `NSAttributedString` → `NSString`, then an attribute run.
pub fn encode(text: &str) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(HEADER);
    b.extend_from_slice(b"\x81\xe8\x03\x84\x01@\x84\x84\x84\x12NSAttributedString\x00");
    b.extend_from_slice(b"\x84\x84\x08NSObject\x00\x85\x92\x84\x84\x84\x08NSString\x01\x94");
    b.extend_from_slice(PLUS);
    let n = text.len();
    if n < 0x80 {
        b.push(n as u8);
    } else if let Ok(n) = u16::try_from(n) {
        b.push(0x81);
        b.extend_from_slice(&n.to_le_bytes());
    } else {
        b.push(0x82);
        b.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
    }
    b.extend_from_slice(text.as_bytes());
    b.extend_from_slice(b"\x86\x84\x02iI\x01\x01\x92\x84\x84\x84\x0cNSDictionary\x00\x86\x86");
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_medium_and_long_lengths() {
        for n in [1usize, 0x7f, 0x80, 200, 0xffff, 0x10000, 70_000] {
            let s: String = "é".repeat(n / 2) + &"a".repeat(n % 2);
            assert_eq!(text(&encode(&s)), Body::Text(s.clone()), "{n}");
        }
    }

    #[test]
    fn blank_and_garbage() {
        assert_eq!(text(&encode("")), Body::None);
        assert_eq!(text(b""), Body::None);
        assert_eq!(text(b"\x04\x0bstreamtyped"), Body::None);
        assert_eq!(text(b"not a typedstream NSString"), Body::None);
        // A marker without the type encoding after it.
        assert_eq!(text(b"\x04\x0bstreamtyped\x08NSString\x01\x94"), Body::None);
        // An unknown length tag.
        assert_eq!(
            text(b"\x04\x0bstreamtyped\x08NSString\x01\x94\x84\x01+\x83abc"),
            Body::None
        );
        // Invalid UTF-8 within the declared length.
        assert_eq!(
            text(b"\x04\x0bstreamtyped\x08NSString\x01\x94\x84\x01+\x02\xff\xfe\x86"),
            Body::None
        );
    }

    #[test]
    fn a_length_past_the_end_keeps_the_string_object() {
        let mut b = encode("This is parsing");
        let at = memchr::memmem::find(&b, b"+\x0f").unwrap() + 1;
        b.splice(at..at + 1, [0x81, 0x9d, 0x00]);
        b.truncate(b.len() - 20);
        assert_eq!(text(&b), Body::Truncated("This is parsing".to_owned()));
        // Cut inside a character: the whole characters before it.
        let mut c = b"\x04\x0bstreamtyped\x08NSString\x01\x94\x84\x01+\x10ab".to_vec();
        c.extend_from_slice("é".as_bytes().get(..1).unwrap());
        assert_eq!(text(&c), Body::Truncated("ab".to_owned()));
    }

    #[test]
    fn every_prefix_is_safe() {
        let b = encode("hello there, a somewhat longer text to cut anywhere");
        for i in 0..b.len() {
            let _ = text(&b[..i]);
        }
    }
}
