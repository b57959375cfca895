//! Event fingerprints: the identity that makes re-imports idempotent.
//!
//! An event is identified within its chat by its instant and a 64-bit fingerprint of
//! (sender name, kind, text, occurrence ordinal). The ordinal counts earlier events of the same
//! parsed chat with the same (instant, sender, kind, text), so two identical messages sent in
//! the same minute stay two events, and a re-import produces the same ordinals again. The
//! fingerprints are stored, so the encoding and the hash (xxh3-64, seed 0, a frozen
//! specification) must never change; the test below pins them.

use walkaway_model::Kind;
use xxhash_rust::xxh3::xxh3_64;

/// Fingerprint of one event. `sender` is the sender's display name (`None` for system events).
pub fn fingerprint(sender: Option<&str>, kind: Kind, text: &str, ordinal: u32) -> u64 {
    let mut buf = Vec::new();
    fingerprint_with(&mut buf, sender, kind, text, ordinal)
}

/// [`fingerprint`] reusing `buf` so that bulk imports do not allocate per event.
pub(crate) fn fingerprint_with(
    buf: &mut Vec<u8>,
    sender: Option<&str>,
    kind: Kind,
    text: &str,
    ordinal: u32,
) -> u64 {
    buf.clear();
    // Every variable-length field is length-prefixed so that no two inputs share an encoding.
    match sender {
        None => buf.push(0xff),
        Some(name) => {
            buf.push(0x01);
            push_len(buf, name.len());
            buf.extend_from_slice(name.as_bytes());
        }
    }
    buf.push(kind.code());
    push_len(buf, text.len());
    buf.extend_from_slice(text.as_bytes());
    buf.extend_from_slice(&ordinal.to_le_bytes());
    xxh3_64(buf)
}

fn push_len(buf: &mut Vec<u8>, len: usize) {
    buf.extend_from_slice(&(len as u64).to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_frozen() {
        // These values are stored in users' databases: if this test fails, the change would
        // make every re-import duplicate its events. Add a migration instead.
        let got = [
            fingerprint(Some("Ana"), Kind::Text, "hello", 0),
            fingerprint(None, Kind::System, "Messages are end-to-end encrypted.", 0),
            fingerprint(Some("Ana"), Kind::Text, "hello", 1),
        ];
        assert_eq!(got, FROZEN);
        // The algorithm itself: the reference xxh3-64 of the empty input.
        assert_eq!(xxh3_64(b""), 0x2d06_8005_38d3_94c2);
    }

    const FROZEN: [u64; 3] = [
        2_399_541_945_982_092_934,
        13_326_683_572_130_652_817,
        16_437_981_346_296_532_069,
    ];

    #[test]
    fn fields_do_not_run_into_each_other() {
        assert_ne!(
            fingerprint(Some("ab"), Kind::Text, "c", 0),
            fingerprint(Some("a"), Kind::Text, "bc", 0)
        );
        assert_ne!(
            fingerprint(Some(""), Kind::Text, "x", 0),
            fingerprint(None, Kind::Text, "x", 0)
        );
        assert_ne!(
            fingerprint(Some("a"), Kind::Text, "x", 0),
            fingerprint(Some("a"), Kind::Media, "x", 0)
        );
    }
}
