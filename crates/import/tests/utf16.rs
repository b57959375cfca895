//! WhatsApp exports re-saved as UTF-16 (some Windows tools do: little- or big-endian, with a
//! byte-order mark or without) read like the UTF-8 original: same events, same line numbers.

use std::io::Write as _;

use walkaway_import::{Imported, Options, read_bytes, read_path};

fn utc() -> Options {
    Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    }
}

/// A chat with a line before the first header (a Warning on line 1), a message of several
/// lines, a blank continuation line, non-BMP characters (surrogate pairs) and CRLF.
const CHAT: &str = "saved by some tool\r\n\
12/31/23, 9:05 PM - Ann: hi 😀\r\n\
12/31/23, 9:06 PM - Ben: first line\r\n\
second line\r\n\
\r\n\
fourth line ünïcödé 𝄞\r\n\
12/31/23, 9:07 PM - Ann: <Media omitted>\r\n\
not a header 12/31/23\r\n\
1/1/24, 10:00 AM - Ben: bye\r\n";

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let units = bom
        .then_some(0xFEFFu16)
        .into_iter()
        .chain(text.encode_utf16());
    for u in units {
        out.extend_from_slice(&if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    out
}

fn same_chat(got: &Imported, want: &Imported) {
    assert_eq!(got.parsed.chats, want.parsed.chats);
    assert_eq!(got.parsed.diagnostics, want.parsed.diagnostics);
    assert_eq!(got.format, want.format);
}

#[test]
fn utf16_files_read_like_utf8() {
    let want = read_bytes("chat.txt", CHAT.as_bytes(), &utc()).unwrap();
    assert_eq!(want.parsed.chats[0].events.len(), 4);
    assert_eq!(want.parsed.diagnostics[0].line, 1);
    let dir = tempfile::tempdir().unwrap();
    for (be, bom) in [(false, true), (true, true), (false, false), (true, false)] {
        let bytes = utf16(CHAT, be, bom);
        let got = read_bytes("chat.txt", &bytes, &utc())
            .unwrap_or_else(|e| panic!("be={be} bom={bom}: {e}"));
        same_chat(&got, &want);
        assert_eq!(got.bytes, bytes.len() as u64);
        let path = dir.path().join(format!("chat-{be}-{bom}.txt"));
        std::fs::write(&path, &bytes).unwrap();
        let streamed =
            read_path(&path, &utc()).unwrap_or_else(|e| panic!("be={be} bom={bom}: {e}"));
        same_chat(&streamed, &want);
        // The hash and size are those of the file as it is on disk.
        assert_eq!(streamed.file_hash, got.file_hash);
        assert_eq!(streamed.bytes, bytes.len() as u64);
    }
}

#[test]
fn utf16_chat_inside_a_zip() {
    let want = read_bytes("chat.txt", CHAT.as_bytes(), &utc()).unwrap();
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        w.start_file("_chat.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&utf16(CHAT, false, true)).unwrap();
        w.finish().unwrap();
    }
    let got = read_bytes("chat.zip", &buf.into_inner(), &utc()).unwrap();
    assert_eq!(got.parsed.chats, want.parsed.chats);
    assert_eq!(
        got.parsed.diagnostics.len(),
        want.parsed.diagnostics.len(),
        "{:?}",
        got.parsed.diagnostics
    );
}

/// A file of many chunks: the decoder and the chunked parser agree with the whole text.
#[test]
fn a_long_utf16_file_streams_like_utf8() {
    let mut text = String::new();
    let mut i = 0u32;
    while text.len() < 3 << 20 {
        let (d, h, m) = (1 + i / 1440 % 28, i / 60 % 24, i % 60);
        text.push_str(&format!(
            "{d:02}/01/2023, {h:02}:{m:02} - Ann: message {i} ✓ 😀\nmore {i}\n"
        ));
        i += 1;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.txt");
    std::fs::write(&path, utf16(&text, false, true)).unwrap();
    let want = read_bytes("long.txt", text.as_bytes(), &utc()).unwrap();
    let got = read_path(&path, &utc()).unwrap();
    assert_eq!(got.parsed.chats, want.parsed.chats);
    assert_eq!(got.parsed.diagnostics, want.parsed.diagnostics);
}

/// Units that are not UTF-16 (a lone surrogate) become U+FFFD with one Warning naming the
/// line, as invalid UTF-8 does.
#[test]
fn lone_surrogates_are_replaced_with_a_warning() {
    let mut bytes = utf16(
        "12/31/23, 9:05 PM - Ann: hi\n12/31/23, 9:06 PM - Ben: x",
        false,
        true,
    );
    bytes.extend_from_slice(&0xD800u16.to_le_bytes());
    bytes.extend_from_slice(&utf16("y\n", false, false));
    let i = read_bytes("bad.txt", &bytes, &utc()).unwrap();
    let c = &i.parsed.chats[0];
    assert_eq!(c.events.text(&c.events[1]), "x\u{FFFD}y");
    let d = &i.parsed.diagnostics[0];
    assert_eq!(d.line, 2);
    assert!(d.message.contains("not valid utf-16"), "{}", d.message);
}

/// Binary data with NUL bytes that is not UTF-16 text is still refused.
#[test]
fn binary_is_still_binary() {
    let bytes: Vec<u8> = (0u32..4096)
        .map(|i| if i % 5 == 0 { 0 } else { (i * 7) as u8 })
        .collect();
    let e = read_bytes("x.bin", &bytes, &utc()).unwrap_err();
    assert!(e.to_string().contains("not a supported export"), "{e}");
}
