//! End to end from a file on disk to the stored data end: a WhatsApp zip packed today whose
//! chat entry the phone dated 2018 ends its data in 2018 (docs/METRICS.md, "Data end": never
//! the modification time of a container).

use std::io::Write as _;

use walkaway_import::{Options, read_path};
use walkaway_store::{ImportMeta, Store};

const CHAT: &str = "3/14/18, 9:05 PM - Ann: hi\n3/15/18, 9:06 PM - Ben: hello\n";

fn ms(s: &str) -> i64 {
    s.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

fn zip_with_entry_dated(date: Option<zip::DateTime>) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let mut o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        if let Some(d) = date {
            o = o.last_modified_time(d);
        }
        w.start_file("_chat.txt", o).unwrap();
        w.write_all(CHAT.as_bytes()).unwrap();
        w.finish().unwrap();
    }
    buf.into_inner()
}

/// Imports `zip` from a fresh file (modified now) the way the CLI does; returns the data end.
fn stored_data_end(zip: Vec<u8>) -> Option<i64> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("WhatsApp Chat - Ann.zip");
    std::fs::write(&path, zip).unwrap();
    let opts = Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    };
    let imported = read_path(&path, &opts).unwrap();
    let meta = ImportMeta {
        path: path.display().to_string(),
        file_hash: imported.file_hash.clone(),
        bytes: imported.bytes,
        format: imported.format.to_owned(),
        tz: "UTC".to_owned(),
        modified: imported.modified,
        imported_at: ms("2026-01-01T00:00:00Z"),
    };
    let mut store = Store::open(&dir.path().join("w.db")).unwrap();
    let s = store.import(&meta, &imported.parsed).unwrap();
    store.chat(&s.chats[0].chat_id).unwrap().unwrap().data_end
}

#[test]
fn zip_entry_dated_2018_gives_a_data_end_in_2018() {
    let date = zip::DateTime::from_date_and_time(2018, 3, 20, 10, 20, 30).unwrap();
    assert_eq!(
        stored_data_end(zip_with_entry_dated(Some(date))),
        Some(ms("2018-03-20T10:20:30Z"))
    );
}

#[test]
fn undated_zip_entry_ends_at_the_last_event_not_at_the_zip_date() {
    assert_eq!(
        stored_data_end(zip_with_entry_dated(None)),
        Some(ms("2018-03-15T21:06:00Z"))
    );
}
