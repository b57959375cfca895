//! The data end an import vouches for comes from the export, never from a container: a chat
//! read from a zip carries the date the phone wrote on its entry (`ParsedChat::exported_at`),
//! and the zip file's own modification time is not reported (docs/METRICS.md, "Data end").

use std::io::Write as _;

use walkaway_import::{Options, read_bytes, read_path};

const CHAT: &str = "3/14/18, 9:05 PM - Ann: hi\n3/15/18, 9:06 PM - Ben: hello\n";

fn berlin() -> Options {
    Options {
        tz: jiff::tz::TimeZone::get("Europe/Berlin").unwrap(),
        date_order: None,
    }
}

fn zip_dated(entries: &[(&str, &[u8], Option<zip::DateTime>)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        for (name, data, date) in entries {
            let mut o = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            if let Some(d) = date {
                o = o.last_modified_time(*d);
            }
            w.start_file(*name, o).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

fn dos(y: u16, mo: u8, d: u8, h: u8, mi: u8, s: u8) -> Option<zip::DateTime> {
    Some(zip::DateTime::from_date_and_time(y, mo, d, h, mi, s).unwrap())
}

fn ms(s: &str) -> i64 {
    s.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

/// A zip written today whose chat entry the phone dated 2018 ends its data in 2018.
#[test]
fn zip_entry_date_is_the_export_time_and_the_zip_mtime_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("WhatsApp Chat - Ann.zip");
    let z = zip_dated(&[("_chat.txt", CHAT.as_bytes(), dos(2018, 3, 20, 10, 20, 30))]);
    std::fs::write(&path, z).unwrap();
    let i = read_path(&path, &berlin()).unwrap();
    let c = &i.parsed.chats[0];
    // 10:20:30 wall time in Berlin (CET, +01:00).
    assert_eq!(c.exported_at, Some(ms("2018-03-20T09:20:30Z")));
    // The zip file was written just now: that date must not reach the data end.
    let container = std::fs::metadata(&path)
        .unwrap()
        .modified()
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert_ne!(i.modified, Some(container));
    assert!(i.modified.is_none_or(|m| m < ms("2019-01-01T00:00:00Z")));
}

/// An entry without a real date (the 1980 default many tools write) gives no export time, and
/// still the container's date is not used: the data end falls back to the last event.
#[test]
fn undated_zip_entry_gives_no_export_time_and_no_container_date() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chat.zip");
    std::fs::write(&path, zip_dated(&[("_chat.txt", CHAT.as_bytes(), None)])).unwrap();
    let i = read_path(&path, &berlin()).unwrap();
    assert_eq!(i.parsed.chats[0].exported_at, None);
    assert_eq!(i.modified, None);
}

/// Each chat of a zip gets its own entry's date; times in a DST gap are read like jiff's
/// `compatible` (the offset before the gap).
#[test]
fn each_chat_gets_its_entry_date_and_dst_gaps_are_compatible() {
    let z = zip_dated(&[
        (
            "WhatsApp Chat with Ann.txt",
            CHAT.as_bytes(),
            dos(2018, 3, 25, 2, 30, 0),
        ),
        (
            "WhatsApp Chat with Ben.txt",
            CHAT.as_bytes(),
            dos(2018, 7, 1, 12, 0, 0),
        ),
    ]);
    let i = read_bytes("chats.zip", &z, &berlin()).unwrap();
    let ends: Vec<_> = i.parsed.chats.iter().map(|c| c.exported_at).collect();
    // 02:30 does not exist in Berlin on 2018-03-25: read with +01:00, i.e. 01:30Z.
    assert_eq!(
        ends,
        vec![
            Some(ms("2018-03-25T01:30:00Z")),
            Some(ms("2018-07-01T10:00:00Z"))
        ]
    );
}

/// A plain `.txt` keeps its file's modification time (it is the export itself).
#[test]
fn plain_text_file_keeps_its_mtime() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chat.txt");
    std::fs::write(&path, CHAT).unwrap();
    let i = read_path(&path, &berlin()).unwrap();
    assert!(i.modified.is_some());
    assert_eq!(i.parsed.chats[0].exported_at, None);
}

/// An entry dated before the chat's last message was not written at export time (re-packed,
/// or a phone clock gone wrong): it is not taken as the export time, and a Note says so.
#[test]
fn entry_dated_before_the_last_message_is_not_the_export_time() {
    let z = zip_dated(&[("_chat.txt", CHAT.as_bytes(), dos(2018, 3, 15, 20, 0, 0))]);
    let i = read_bytes("chat.zip", &z, &berlin()).unwrap();
    assert_eq!(i.parsed.chats[0].exported_at, None);
    assert!(
        i.parsed
            .diagnostics
            .iter()
            .any(|d| d.message.contains("dated before the chat's last message")),
        "{:?}",
        i.parsed.diagnostics
    );
}
