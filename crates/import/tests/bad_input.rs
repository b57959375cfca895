//! Bad input never panics and always names the file and what is wrong.

use std::io::Write as _;

use walkaway_import::{ImportError, Options, read_bytes, read_path};

fn opts() -> Options {
    Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    }
}

const CHAT: &str = "12/31/23, 9:05 PM - Ann: hi\n12/31/23, 9:06 PM - Ben: hello\n";

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            w.start_file(*name, o).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn missing_path() {
    let e = read_path(std::path::Path::new("/nonexistent/chat.txt"), &opts()).unwrap_err();
    assert!(matches!(e, ImportError::NotFound { .. }));
    assert!(e.to_string().contains("/nonexistent/chat.txt"));
}

#[test]
fn empty_file() {
    let e = read_bytes("empty.txt", b"", &opts()).unwrap_err();
    assert_eq!(e.to_string(), "empty.txt is empty");
}

#[test]
fn random_bytes_and_plain_text() {
    let bytes: Vec<u8> = (0u32..4096)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let e = read_bytes("noise.bin", &bytes, &opts()).unwrap_err();
    assert!(matches!(e, ImportError::UnknownFormat { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with("noise.bin is not a supported export")
    );
    let e = read_bytes("notes.txt", b"shopping list\nmilk\n", &opts()).unwrap_err();
    assert!(e.to_string().contains("notes.txt"));
    assert!(e.to_string().contains("whatsapp"));
}

#[test]
fn fake_and_truncated_zip() {
    let e = read_bytes("fake.zip", b"PK\x03\x04 this is not really a zip", &opts()).unwrap_err();
    assert!(matches!(e, ImportError::BadZip { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with("fake.zip is not a readable zip archive")
    );
    let z = zip_of(&[("_chat.txt", CHAT.as_bytes())]);
    let e = read_bytes("cut.zip", &z[..z.len() / 2], &opts()).unwrap_err();
    assert!(matches!(e, ImportError::BadZip { .. }), "{e}");
    let e = read_bytes("media.zip", &zip_of(&[("IMG-1.jpg", b"\xff\xd8")]), &opts()).unwrap_err();
    assert!(matches!(e, ImportError::NoChat { .. }), "{e}");
}

#[test]
fn zip_with_chats_and_noise() {
    let z = zip_of(&[
        ("__MACOSX/._chat.txt", b"junk"),
        ("._WhatsApp Chat with Ann.txt", b"junk"),
        ("WhatsApp Chat with Ann.txt", CHAT.as_bytes()),
        ("other.txt", CHAT.as_bytes()),
        ("IMG-20231231-WA0001.jpg", b"\xff\xd8\xff"),
        ("inner.zip", b"PK\x05\x06"),
    ]);
    let i = read_bytes("WhatsApp Chat - Group.zip", &z, &opts()).unwrap();
    assert_eq!(i.format, "whatsapp-android");
    assert_eq!(i.parsed.chats.len(), 2);
    assert_eq!(i.parsed.chats[0].title.as_deref(), Some("Ann"));
    assert_eq!(i.parsed.chats[1].title.as_deref(), Some("Group"));
    assert!(
        i.parsed
            .diagnostics
            .iter()
            .any(|d| d.message.contains("nested zip archive inner.zip"))
    );
    assert_eq!(i.bytes, z.len() as u64);
    assert_eq!(i.file_hash.len(), 32);
}

#[test]
fn zip_bomb_ratio() {
    let big = vec![b'a'; 8 << 20];
    let z = zip_of(&[("_chat.txt", &big)]);
    let e = read_bytes("bomb.zip", &z, &opts()).unwrap_err();
    assert!(matches!(e, ImportError::ZipBomb { .. }), "{e}");
    assert!(e.to_string().contains("_chat.txt"), "{e}");
}

#[test]
fn json_of_another_kind() {
    let e = read_bytes("result.json", br#"{"name": "x", "messages": []}"#, &opts()).unwrap_err();
    assert!(matches!(e, ImportError::UnknownFormat { .. }), "{e}");
    assert!(e.to_string().contains("result.json"));
    assert!(e.to_string().contains("instagram"));
}

#[test]
fn invalid_utf8_is_decoded_with_a_warning() {
    let mut bytes = b"12/31/23, 9:05 PM - Ann: hi\n12/31/23, 9:06 PM - Ben: caf".to_vec();
    bytes.push(0xE9);
    bytes.extend_from_slice(b"\n");
    let i = read_bytes("latin.txt", &bytes, &opts()).unwrap();
    assert_eq!(i.parsed.chats[0].events.len(), 2);
    let d = &i.parsed.diagnostics[0];
    assert_eq!(d.line, 2);
    assert!(d.message.contains("not valid utf-8"));
}

#[test]
fn folder_without_activity() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.json"), br#"{"x": 1}"#).unwrap();
    std::fs::write(dir.path().join("b.txt"), b"shopping list\nmilk\n").unwrap();
    let e = read_path(dir.path(), &opts()).unwrap_err();
    assert!(matches!(e, ImportError::NoActivity { .. }), "{e}");
}

#[test]
fn txt_file_on_disk_has_mtime_and_hash() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("WhatsApp Chat with Ann.txt");
    std::fs::write(&p, CHAT).unwrap();
    let i = read_path(&p, &opts()).unwrap();
    assert!(i.modified.is_some());
    assert_eq!(i.bytes, CHAT.len() as u64);
    let again = read_bytes("x.txt", CHAT.as_bytes(), &opts()).unwrap();
    assert_eq!(i.file_hash, again.file_hash);
}

/// An I/O error names the file and its cause once, however the caller prints it: with the
/// error alone, or with its chain of sources (as `{:#}` and "caused by" do).
#[cfg(target_os = "linux")]
#[test]
fn io_errors_say_their_cause_once() {
    // Reading /proc/self/mem from offset 0 fails with an I/O error, even as root.
    let e = read_path(std::path::Path::new("/proc/self/mem"), &opts()).unwrap_err();
    assert!(matches!(e, ImportError::Io { .. }), "{e}");
    let mut chain = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        chain.push_str(&format!(": {s}"));
        source = s.source();
    }
    assert!(chain.starts_with("cannot read /proc/self/mem: "), "{chain}");
    assert_eq!(chain.matches("os error").count(), 1, "{chain}");
}

/// An unpacked WhatsApp export (a folder holding the chat text and its media) is read as its
/// chat; a folder of several chats names them instead of talking about Instagram.
#[test]
fn folder_holding_a_whatsapp_chat() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("_chat.txt"), CHAT).unwrap();
    std::fs::write(dir.path().join("IMG-1.jpg"), b"\xff\xd8").unwrap();
    let i = read_path(dir.path(), &opts()).unwrap();
    assert_eq!(i.format, "whatsapp-android");
    assert_eq!(i.parsed.chats[0].events.len(), 2);
    assert!(i.modified.is_some());

    std::fs::write(dir.path().join("WhatsApp Chat with Ben.txt"), CHAT).unwrap();
    let e = read_path(dir.path(), &opts()).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("_chat.txt") && msg.contains("WhatsApp Chat with Ben.txt"),
        "{msg}"
    );
    assert!(!msg.contains("instagram"), "{msg}");
}
