//! `read_path` streams WhatsApp texts from disk a chunk at a time; `read_bytes` parses a
//! buffer. Both must give exactly the same import: events, diagnostics, hash and size.

use std::path::{Path, PathBuf};

use walkaway_import::{Imported, Options, read_bytes, read_path};

fn utc() -> Options {
    Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    }
}

fn same(a: &Imported, b: &Imported) {
    assert_eq!(a.parsed, b.parsed);
    assert_eq!(a.format, b.format);
    assert_eq!(a.file_hash, b.file_hash);
    assert_eq!(a.bytes, b.bytes);
}

fn check(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    let name = path.display().to_string();
    let streamed = read_path(path, &utc()).unwrap();
    let buffered = read_bytes(&name, &bytes, &utc()).unwrap();
    same(&streamed, &buffered);
    assert!(streamed.modified.is_some());
}

#[test]
fn fixtures_stream_like_they_parse_in_memory() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/whatsapp");
    for f in std::fs::read_dir(&dir).unwrap() {
        check(&f.unwrap().path());
    }
}

#[test]
fn a_file_of_many_chunks_streams_like_it_parses_in_memory() {
    // About 5 MB: several 1 MiB chunks, messages of many lines across their ends, CRLF in
    // one stretch, invalid UTF-8 in the fourth megabyte.
    let mut text: Vec<u8> = Vec::new();
    let mut i = 0u64;
    while text.len() < 5 << 20 {
        let (d, h, m) = (1 + i / 1440 % 28, i / 60 % 24, i % 60);
        let who = if i.is_multiple_of(3) {
            "Ana Lopes"
        } else {
            "Ben"
        };
        let body = match i % 7 {
            0 => "short".to_owned(),
            1 => format!("line one {i}\nline two\n\nline four"),
            2 => "<Media omitted>".to_owned(),
            3 => "word ".repeat((i % 400) as usize),
            _ => format!("message {i} with some words"),
        };
        let eol: &[u8] = if (2_000..3_000).contains(&i) {
            b"\r\n"
        } else {
            b"\n"
        };
        text.extend_from_slice(format!("3/{d}/24, {h}:{m:02} - {who}: ").as_bytes());
        text.extend_from_slice(
            body.replace('\n', std::str::from_utf8(eol).unwrap())
                .as_bytes(),
        );
        if i == 20_000 {
            text.extend_from_slice(b" \xF0\x9F\x98");
        }
        text.extend_from_slice(eol);
        i += 1;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("WhatsApp Chat with Ana Lopes.txt");
    std::fs::write(&path, &text).unwrap();
    check(&path);
    let streamed = read_path(&path, &utc()).unwrap();
    assert_eq!(streamed.parsed.chats[0].events.len() as u64, i);
    assert!(
        streamed.parsed.diagnostics[0]
            .message
            .contains("is not valid utf-8")
    );
    assert_eq!(
        streamed.file_hash,
        format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&text))
    );
}
