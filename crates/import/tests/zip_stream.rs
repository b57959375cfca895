//! A zipped WhatsApp chat is parsed as it is unpacked (never held whole), from memory
//! (`read_bytes`) or in place from its file (`read_path`), with the same result as the text
//! itself; an entry that breaks a cap or is damaged fails the import naming the entry, even
//! half-way through.

use std::io::Write as _;

use walkaway_import::{ImportError, Imported, Options, read_bytes, read_path};

fn utc() -> Options {
    Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    }
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::from_date_and_time(2030, 1, 1, 0, 0, 0).unwrap());
        for (name, data) in entries {
            w.start_file(*name, o).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

/// A two-person chat of about `bytes` bytes: many 1 MiB chunks of the streaming parser, lines
/// of several kinds, text that compresses like a real chat (not a bomb).
fn chat(bytes: usize) -> Vec<u8> {
    let mut text = Vec::new();
    let mut i = 0u64;
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    while text.len() < bytes {
        let (d, h, m) = (1 + i / 1440 % 28, i / 60 % 24, i % 60);
        let who = if i.is_multiple_of(3) {
            "Ann"
        } else {
            "Ben Okafor"
        };
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let words: Vec<String> = (0..(x % 12 + 1))
            .map(|k| format!("w{:x}", (x >> (k * 5)) & 0xfff))
            .collect();
        let body = match i % 9 {
            0 => format!("{}\nsecond line", words.join(" ")),
            1 => "<Media omitted>".to_owned(),
            _ => words.join(" "),
        };
        writeln!(
            text,
            "{}/{d}/23, {}:{m:02} - {who}: {body}",
            1 + i / 40_320 % 12,
            h
        )
        .unwrap();
        i += 1;
    }
    text
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Both ways of reading a zip: from its file, and from memory.
fn both(dir: &tempfile::TempDir, name: &str, z: &[u8]) -> [Result<Imported, ImportError>; 2] {
    let path = write(dir, name, z);
    [read_path(&path, &utc()), read_bytes(name, z, &utc())]
}

#[test]
fn a_zipped_chat_streams_like_the_text_parses() {
    let text = chat(3 << 20);
    let name = "WhatsApp Chat with Ann.txt";
    let z = zip_of(&[(name, &text), ("IMG-20230101-WA0001.jpg", b"\xff\xd8\xff")]);
    let plain = read_bytes(name, &text, &utc()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "WhatsApp Chat with Ann.zip", &z);
    let from_file = read_path(&path, &utc()).unwrap();
    let from_memory = read_bytes("WhatsApp Chat with Ann.zip", &z, &utc()).unwrap();
    for got in [&from_file, &from_memory] {
        assert_eq!(got.format, plain.format);
        assert_eq!(got.bytes, z.len() as u64);
        assert_eq!(got.parsed.diagnostics, plain.parsed.diagnostics);
        let mut chat = got.parsed.chats[0].clone();
        assert!(
            chat.exported_at.is_some(),
            "the entry's date is the export time"
        );
        chat.exported_at = None;
        assert_eq!(chat, plain.parsed.chats[0]);
    }
    assert_eq!(from_file.parsed, from_memory.parsed);
    assert_eq!(from_file.file_hash, from_memory.file_hash);
    assert_eq!(from_file.modified, from_memory.modified);
    assert_eq!(plain.parsed.chats[0].title.as_deref(), Some("Ann"));
}

/// The rare second reading (the whole chat overturns the day/month order its first 4096 lines
/// suggested) unpacks the entry again.
#[test]
fn a_decision_overturned_late_reads_the_entry_again() {
    let mut text = String::new();
    for i in 0..5000u32 {
        let (d, h, m) = (1 + i / 1440, i / 60 % 24, i % 60);
        text.push_str(&format!("02/0{d}/24, {h:02}:{m:02} - A: m{i}\n"));
    }
    text.push_str("02/13/24, 10:00 - B: late evidence\n");
    let plain = read_bytes("_chat.txt", text.as_bytes(), &utc()).unwrap();
    let last = plain.parsed.chats[0].events.iter().map(|e| e.ts).max();
    // 13 February 2024, 10:00 UTC: read month first.
    assert_eq!(last, Some(1_707_818_400_000));
    let z = zip_of(&[("_chat.txt", text.as_bytes())]);
    let dir = tempfile::tempdir().unwrap();
    for got in both(&dir, "WhatsApp Chat - Ann.zip", &z) {
        let got = got.unwrap();
        let mut chat = got.parsed.chats[0].clone();
        chat.exported_at = None;
        chat.title = plain.parsed.chats[0].title.clone();
        assert_eq!(chat, plain.parsed.chats[0]);
    }
}

/// Rewrites an entry's declared unpacked size (local header and central directory).
fn declare_size(z: &mut [u8], size: u32) {
    let mut at = 0;
    while let Some(i) = z[at..]
        .windows(4)
        .position(|w| w == b"PK\x03\x04" || w == b"PK\x01\x02")
    {
        let i = at + i;
        let field = if z[i + 2] == 3 { i + 22 } else { i + 24 };
        z[field..field + 4].copy_from_slice(&size.to_le_bytes());
        at = i + 4;
    }
}

#[test]
fn an_entry_holding_more_than_it_declares_fails_naming_it() {
    let text = chat(3 << 20);
    let mut z = zip_of(&[("WhatsApp Chat with Ann.txt", &text)]);
    // Declares 2 MiB: the lie shows only after 2 MiB of the chat were parsed.
    declare_size(&mut z, 2 << 20);
    let dir = tempfile::tempdir().unwrap();
    for got in both(&dir, "liar.zip", &z) {
        let e = got.unwrap_err();
        assert!(matches!(e, ImportError::ZipBomb { .. }), "{e}");
        let msg = e.to_string();
        assert!(msg.contains("WhatsApp Chat with Ann.txt"), "{msg}");
        assert!(msg.contains("more bytes than its header declares"), "{msg}");
    }
}

#[test]
fn a_declared_bomb_is_refused_before_unpacking() {
    let big = vec![b'a'; 8 << 20];
    let z = zip_of(&[("WhatsApp Chat with Ann.txt", &big)]);
    let dir = tempfile::tempdir().unwrap();
    for got in both(&dir, "bomb.zip", &z) {
        let e = got.unwrap_err();
        assert!(matches!(e, ImportError::ZipBomb { .. }), "{e}");
        assert!(e.to_string().contains("WhatsApp Chat with Ann.txt"), "{e}");
        assert!(e.to_string().contains("ratio above 1000"), "{e}");
    }
}

#[test]
fn damage_half_way_fails_naming_the_entry() {
    let text = chat(3 << 20);
    let z = zip_of(&[("WhatsApp Chat with Ann.txt", &text)]);
    let dir = tempfile::tempdir().unwrap();
    // Overwrite a stretch in the middle of the packed data with garbage, in a few places.
    for at in [z.len() / 3, z.len() / 2, 2 * z.len() / 3] {
        let mut bad = z.clone();
        for (k, b) in bad[at..at + 64].iter_mut().enumerate() {
            *b ^= 0x5A ^ (k as u8);
        }
        for got in both(&dir, "damaged.zip", &bad) {
            // Garbage may inflate to more bytes than declared: then that is what is said.
            let e = got.unwrap_err();
            assert!(
                matches!(e, ImportError::BadZip { .. } | ImportError::ZipBomb { .. }),
                "{e}"
            );
            assert!(e.to_string().contains("WhatsApp Chat with Ann.txt"), "{e}");
        }
    }
}

/// A UTF-16 chat in a zip is decoded as it is unpacked, like the same file on disk.
#[test]
fn a_utf16_chat_in_a_zip_reads_like_the_file() {
    let text = String::from_utf8(chat(200_000)).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let plain = read_bytes("_chat.txt", &utf16, &utc()).unwrap();
    let z = zip_of(&[("_chat.txt", &utf16)]);
    let dir = tempfile::tempdir().unwrap();
    for got in both(&dir, "WhatsApp Chat - Ann.zip", &z) {
        let got = got.unwrap();
        let mut chat = got.parsed.chats[0].clone();
        chat.exported_at = None;
        chat.title = plain.parsed.chats[0].title.clone();
        assert_eq!(chat, plain.parsed.chats[0]);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Damage anywhere in a zipped chat (header, directory, packed data) never panics: the
    /// import succeeds or fails with an error naming the zip.
    #[test]
    fn random_damage_never_panics(
        edits in proptest::collection::vec((proptest::prelude::any::<usize>(), proptest::prelude::any::<u8>()), 1..8),
    ) {
        let text = chat(150_000);
        let mut z = zip_of(&[("WhatsApp Chat with Ann.txt", &text)]);
        for (at, b) in edits {
            let i = at % z.len();
            z[i] = b;
        }
        match read_bytes("damaged.zip", &z, &utc()) {
            Ok(i) => proptest::prop_assert!(i.parsed.chats.len() <= 1),
            Err(e) => proptest::prop_assert!(e.to_string().contains("damaged.zip"), "{}", e),
        }
    }
}
