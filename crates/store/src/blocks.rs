//! The on-disk encoding of events: blocks of up to [`BLOCK_EVENTS`] events per row.
//!
//! Storing one SQLite row per event costs one B-tree insertion per event, which measured
//! 1.0-1.8 s for a 1M-message chat on the reference machine, against a budget of 0.5 s. Events
//! are therefore written in blocks: one row carries two blobs, the keys (instant and
//! fingerprint of each event, 16 bytes each, read alone when checking which events are new)
//! and the records. The identity rule is unchanged: an event is new unless its (instant,
//! fingerprint) is already stored for the chat, checked in memory against the chat's keys
//! inside the import transaction (see [`crate::import`]).
//!
//! Layout (all integers little-endian), version 1:
//! - keys: `n` times `ts: i64, fp: i64`;
//! - data: the byte `1` (layout version), then `n` times
//!   `sub: u32, sender: u32 (u32::MAX = none), kind: u8, flags: u8, line: u32, len: u32,
//!   text: len bytes of UTF-8`.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use walkaway_model::{Event, Events, Kind, Millis, NewEvent, PersonIdx};

/// Events per block: large enough that per-row costs vanish, small enough to keep a block's
/// blobs in a few hundred KiB.
pub const BLOCK_EVENTS: usize = 4096;

const DATA_VERSION: u8 = 1;
const NO_SENDER: u32 = u32::MAX;

/// Hasher for (instant, fingerprint) keys: the fingerprint is already a uniform 64-bit hash,
/// so mixing it with the instant is enough (SipHash would triple the cost of a re-import).
#[derive(Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_i64(&mut self, v: i64) {
        self.0 = (self.0 ^ v as u64)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29);
    }
}

/// The stored (instant, fingerprint) keys of one chat.
pub type KeySet = HashSet<(Millis, i64), BuildHasherDefault<KeyHasher>>;

/// Appends the keys of an encoded block to `set`; false when the blob is malformed.
pub fn extend_keys(set: &mut KeySet, keys: &[u8]) -> bool {
    let chunks = keys.chunks_exact(16);
    if !chunks.remainder().is_empty() {
        return false;
    }
    set.reserve(keys.len() / 16);
    for c in chunks {
        let (ts, fp) = c.split_at(8);
        set.insert((read_i64(ts), read_i64(fp)));
    }
    true
}

fn read_i64(b: &[u8]) -> i64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(b.get(..8).unwrap_or(&[0; 8]));
    i64::from_le_bytes(a)
}

/// A block being filled.
#[derive(Default)]
pub struct BlockWriter {
    pub keys: Vec<u8>,
    pub data: Vec<u8>,
    pub n: usize,
    pub first_ts: Millis,
    pub last_ts: Millis,
}

impl BlockWriter {
    pub fn clear(&mut self) {
        self.keys.clear();
        self.data.clear();
        self.n = 0;
    }

    /// Adds one event; `sender` is the stored member number.
    pub fn push(&mut self, e: &Event, text: &str, fp: i64, sub: u32, sender: Option<u32>) {
        if self.n == 0 {
            self.data.push(DATA_VERSION);
            self.first_ts = e.ts;
            self.last_ts = e.ts;
        }
        self.first_ts = self.first_ts.min(e.ts);
        self.last_ts = self.last_ts.max(e.ts);
        self.keys.extend_from_slice(&e.ts.to_le_bytes());
        self.keys.extend_from_slice(&fp.to_le_bytes());
        self.data.extend_from_slice(&sub.to_le_bytes());
        self.data
            .extend_from_slice(&sender.unwrap_or(NO_SENDER).to_le_bytes());
        self.data.push(e.kind.code());
        self.data.push(e.flags);
        self.data.extend_from_slice(&e.line.to_le_bytes());
        // Texts longer than 4 GiB cannot come out of any export; they are cut at the limit.
        let text = text.as_bytes();
        let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
        self.data.extend_from_slice(&len.to_le_bytes());
        self.data
            .extend_from_slice(text.get(..len as usize).unwrap_or(text));
        self.n += 1;
    }
}

/// Order of events that share an instant: position in their file, then import, then line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TieKey {
    pub ts: Millis,
    pub sub: u32,
    pub import: i64,
    pub line: u32,
}

/// Decodes one block, appending to `events` and `ties`. `people` bounds sender numbers.
/// Returns a description of the first problem on malformed input.
pub fn decode(
    keys: &[u8],
    data: &[u8],
    import: i64,
    people: usize,
    events: &mut Events,
    ties: &mut Vec<TieKey>,
) -> Result<(), &'static str> {
    let mut r = Reader { b: data };
    if r.u8()? != DATA_VERSION {
        return Err("event block layout");
    }
    let key_chunks = keys.chunks_exact(16);
    if !key_chunks.remainder().is_empty() {
        return Err("event block keys");
    }
    for k in key_chunks {
        let ts = read_i64(k);
        let sub = r.u32()?;
        let sender = match r.u32()? {
            NO_SENDER => None,
            s if (s as usize) < people => Some(s as PersonIdx),
            _ => return Err("event sender"),
        };
        let kind = Kind::from_code(r.u8()?).ok_or("event kind")?;
        let flags = r.u8()?;
        let line = r.u32()?;
        let len = r.u32()? as usize;
        let text = r.take(len)?;
        let text = std::str::from_utf8(text).map_err(|_| "event text (not utf-8)")?;
        events
            .push(NewEvent {
                ts,
                sender,
                kind,
                text,
                line,
                flags,
            })
            .map_err(|_| "event texts (over 4 GiB)")?;
        ties.push(TieKey {
            ts,
            sub,
            import,
            line,
        });
    }
    if !r.b.is_empty() {
        return Err("event block length");
    }
    Ok(())
}

struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], &'static str> {
        if self.b.len() < n {
            return Err("event block (truncated)");
        }
        let (head, rest) = self.b.split_at(n);
        self.b = rest;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, &'static str> {
        Ok(self.take(1)?.first().copied().unwrap_or(0))
    }
    fn u32(&mut self) -> Result<u32, &'static str> {
        let mut a = [0u8; 4];
        a.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(ts: i64, sender: Option<u32>, kind: Kind, text: &str, line: u32) -> NewEvent<'_> {
        NewEvent {
            ts,
            sender,
            kind,
            text,
            line,
            flags: 5,
        }
    }

    fn events(list: &[NewEvent<'_>]) -> Events {
        let mut out = Events::new();
        for e in list {
            out.push(*e).map_err(|e| e.to_string()).unwrap();
        }
        out
    }

    #[test]
    fn round_trip() {
        let input = events(&[
            ev(10, Some(1), Kind::Text, "héllo", 3),
            ev(10, None, Kind::System, "", 4),
            ev(-5, Some(0), Kind::Voice, "x", 9),
        ]);
        let mut w = BlockWriter::default();
        for (i, (e, t)) in input.iter_texts().enumerate() {
            w.push(e, t, i as i64 * 7, i as u32, e.sender);
        }
        assert_eq!((w.n, w.first_ts, w.last_ts), (3, -5, 10));
        let (mut events, mut ties) = (Events::new(), Vec::new());
        decode(&w.keys, &w.data, 4, 2, &mut events, &mut ties)
            .map_err(String::from)
            .unwrap();
        assert_eq!(events, input);
        assert_eq!(ties.get(2).map(|t| (t.sub, t.import)), Some((2, 4)));
        let mut set = KeySet::default();
        assert!(extend_keys(&mut set, &w.keys));
        assert!(set.contains(&(10, 7)) && set.contains(&(-5, 14)) && !set.contains(&(10, 14)));
    }

    #[test]
    fn malformed_blocks_are_errors_not_panics() {
        let mut w = BlockWriter::default();
        let one = events(&[ev(1, Some(1), Kind::Text, "abc", 1)]);
        if let Some(e) = one.first() {
            w.push(e, one.text(e), 0, 0, Some(1));
        }
        let (mut events, mut ties) = (Events::new(), Vec::new());
        // Sender 1 with a single person is out of range.
        assert!(decode(&w.keys, &w.data, 1, 1, &mut events, &mut ties).is_err());
        for cut in 0..w.data.len() {
            let data = &w.data[..cut];
            assert!(decode(&w.keys, data, 1, 2, &mut events, &mut ties).is_err());
        }
        assert!(decode(&w.keys[..15], &w.data, 1, 2, &mut events, &mut ties).is_err());
        assert!(!extend_keys(&mut KeySet::default(), &w.keys[..15]));
    }
}
