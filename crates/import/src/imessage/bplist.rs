//! Just enough of Apple's binary property list format to read the keys of the top-level
//! dictionary of `message.message_summary_info` (macOS Ventura and later): `ec` (edited
//! content: the message was edited) and `rp` (retracted parts: it was unsent, wholly or in
//! part). Values other than the length of an array are not read.
//!
//! Layout: `bplist00`, the objects, an offset table, and a 32-byte trailer (offset size, object
//! reference size, object count, top object, offset table start). A dictionary is marker
//! `0xDn` (n entries; `0xDF` then an integer for 15 or more), n key references, n value
//! references. Anything malformed gives an empty answer, never a panic.

/// What the summary says about a message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// `ec` is present: the message was edited.
    pub edited: bool,
    /// `rp` is present and not an empty array: some or all of it was unsent.
    pub retracted: bool,
}

pub fn summary(b: &[u8]) -> Summary {
    read(b).unwrap_or_default()
}

fn read(b: &[u8]) -> Option<Summary> {
    if !b.starts_with(b"bplist00") || b.len() < 8 + 32 {
        return None;
    }
    let t = b.get(b.len() - 32..)?;
    let off_size = usize::from(t[6]);
    let ref_size = usize::from(t[7]);
    let count = be(t.get(8..16)?)?;
    let top = be(t.get(16..24)?)?;
    let table = be(t.get(24..32)?)?;
    if !(1..=8).contains(&off_size) || !(1..=8).contains(&ref_size) || top >= count {
        return None;
    }
    let offset = |i: usize| -> Option<usize> {
        let at = table.checked_add(i.checked_mul(off_size)?)?;
        be(b.get(at..at.checked_add(off_size)?)?)
    };
    let at = offset(top)?;
    let marker = *b.get(at)?;
    if marker >> 4 != 0xD {
        return None;
    }
    let (n, mut pos) = count_of(b, at)?;
    let keys = pos;
    pos = pos.checked_add(n.checked_mul(ref_size)?)?;
    let values = pos;
    let mut s = Summary::default();
    for i in 0..n {
        let r = |base: usize| -> Option<usize> {
            let at = base.checked_add(i.checked_mul(ref_size)?)?;
            be(b.get(at..at.checked_add(ref_size)?)?)
        };
        let key_obj = offset(r(keys)?)?;
        let key = ascii_string(b, key_obj);
        match key {
            Some(b"ec") => s.edited = true,
            Some(b"rp") => {
                let v = offset(r(values)?)?;
                let m = *b.get(v)?;
                // An array (0xAn) with at least one element; anything else present counts.
                s.retracted = if m >> 4 == 0xA {
                    count_of(b, v).is_some_and(|(n, _)| n > 0)
                } else {
                    true
                };
            }
            _ => {}
        }
    }
    Some(s)
}

/// A big-endian unsigned integer of 1 to 8 bytes.
fn be(b: &[u8]) -> Option<usize> {
    if b.is_empty() || b.len() > 8 {
        return None;
    }
    let v = b.iter().fold(0u64, |a, &x| (a << 8) | u64::from(x));
    usize::try_from(v).ok()
}

/// The element count of the container or string at `at` and where its contents start.
fn count_of(b: &[u8], at: usize) -> Option<(usize, usize)> {
    let low = usize::from(*b.get(at)? & 0x0f);
    if low != 0x0f {
        return Some((low, at + 1));
    }
    // An integer object follows: 0x1n, 2^n bytes.
    let int = *b.get(at + 1)?;
    if int >> 4 != 1 {
        return None;
    }
    let bytes = 1usize.checked_shl(u32::from(int & 0x0f))?;
    let n = be(b.get(at + 2..at + 2 + bytes)?)?;
    Some((n, at + 2 + bytes))
}

/// The bytes of an ASCII string object (`0x5n`).
fn ascii_string(b: &[u8], at: usize) -> Option<&[u8]> {
    if *b.get(at)? >> 4 != 5 {
        return None;
    }
    let (n, start) = count_of(b, at)?;
    b.get(start..start.checked_add(n)?)
}

/// A binary plist `{key: [1]...}` with the given keys (for tests and fixtures); `rp` gets a
/// one-element array, other keys an empty one.
pub fn encode(keys: &[&str]) -> Vec<u8> {
    let mut b = b"bplist00".to_vec();
    let n = keys.len();
    // Objects: 0 = dict, 1..=n keys, n+1 = empty array, n+2 = [int 0], n+3 = int 0.
    let mut offsets = vec![b.len()];
    b.push(0xD0 | n as u8);
    for i in 0..n {
        b.push((1 + i) as u8);
    }
    for k in keys {
        b.push(if *k == "rp" {
            (n + 2) as u8
        } else {
            (n + 1) as u8
        });
    }
    for k in keys {
        offsets.push(b.len());
        b.push(0x50 | k.len() as u8);
        b.extend_from_slice(k.as_bytes());
    }
    offsets.push(b.len());
    b.push(0xA0);
    offsets.push(b.len());
    b.extend_from_slice(&[0xA1, (n + 3) as u8]);
    offsets.push(b.len());
    b.extend_from_slice(&[0x10, 0x00]);
    let table = b.len();
    for o in &offsets {
        b.push(*o as u8);
    }
    let mut trailer = [0u8; 32];
    trailer[6] = 1;
    trailer[7] = 1;
    trailer[8..16].copy_from_slice(&(offsets.len() as u64).to_be_bytes());
    trailer[24..32].copy_from_slice(&(table as u64).to_be_bytes());
    b.extend_from_slice(&trailer);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_the_top_dictionary() {
        assert_eq!(
            summary(&encode(&["amc", "ust", "otr", "rp"])),
            Summary {
                edited: false,
                retracted: true
            }
        );
        assert_eq!(
            summary(&encode(&["amc", "ec", "ust"])),
            Summary {
                edited: true,
                retracted: false
            }
        );
        assert_eq!(summary(&encode(&["ust"])), Summary::default());
    }

    #[test]
    fn malformed_is_empty() {
        let good = encode(&["ec", "rp"]);
        for i in 0..good.len() {
            let _ = summary(&good[..i]);
            let mut bad = good.clone();
            bad[i] ^= 0xff;
            let _ = summary(&bad);
        }
        assert_eq!(summary(b"bplist00"), Summary::default());
    }
}
