//! A zip read piece by piece through `ReadAt` (the browser app's dropped export) gives what the
//! same bytes read whole give, while fetching only the central directory and the chat: the
//! photos and videos beside it are never copied in.

use std::cell::Cell;
use std::io::Write as _;
use std::rc::Rc;

use walkaway_import::archive::ReadAt;
use walkaway_import::{ImportError, Options, read_bytes, read_zip_at};

fn utc() -> Options {
    Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    }
}

/// Bytes behind a `ReadAt` that counts what was asked of it, and hands out at most `step`
/// bytes per call (a reader may return fewer than asked).
struct Counting {
    bytes: Vec<u8>,
    step: usize,
    fetched: Cell<u64>,
}

impl ReadAt for Counting {
    fn read_at(&self, pos: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = (pos as usize).min(self.bytes.len());
        let n = buf.len().min(self.step).min(self.bytes.len() - start);
        buf[..n].copy_from_slice(&self.bytes[start..start + n]);
        self.fetched.set(self.fetched.get() + n as u64);
        Ok(n)
    }
}

/// A WhatsApp export with media: the chat (deflated) and 10 MiB of photo and video (stored,
/// as phones store them: they do not compress).
fn export_with_media() -> Vec<u8> {
    let mut chat = String::new();
    for i in 0..2000u32 {
        let who = if i % 3 == 0 { "Ann" } else { "Ben" };
        chat.push_str(&format!(
            "{}/{}/23, {}:{:02} - {who}: message {i}\n",
            1 + i / 600 % 12,
            1 + i / 24 % 28,
            i % 24,
            i % 60
        ));
    }
    let mut noise = vec![0u8; 10 << 20];
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    for b in &mut noise {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        let at = zip::DateTime::from_date_and_time(2024, 1, 2, 3, 4, 5).unwrap();
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(at);
        let stored = deflated.compression_method(zip::CompressionMethod::Stored);
        w.start_file("VID-20230101-WA0001.mp4", stored).unwrap();
        w.write_all(&noise[..8 << 20]).unwrap();
        w.start_file("WhatsApp Chat with Ben.txt", deflated)
            .unwrap();
        w.write_all(chat.as_bytes()).unwrap();
        w.start_file("IMG-20230102-WA0002.jpg", stored).unwrap();
        w.write_all(&noise[8 << 20..]).unwrap();
        w.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn reads_the_chat_and_fetches_none_of_the_media() {
    let bytes = export_with_media();
    let whole = read_bytes("export.zip", &bytes, &utc()).unwrap();
    for step in [usize::MAX, 1000] {
        let reader = Rc::new(Counting {
            bytes: bytes.clone(),
            step,
            fetched: Cell::new(0),
        });
        let far = read_zip_at("export.zip", reader.clone(), bytes.len() as u64, &utc()).unwrap();
        assert_eq!(far.format, whole.format);
        assert_eq!(far.modified, whole.modified);
        assert_eq!(far.bytes, bytes.len() as u64);
        assert_eq!(far.parsed.chats.len(), 1);
        let (a, b) = (&far.parsed.chats[0], &whole.parsed.chats[0]);
        assert_eq!(a.people, b.people);
        assert_eq!(a.events.len(), 2000);
        assert!(a.events.iter().eq(b.events.iter()), "the same events");
        assert_eq!(far.parsed.diagnostics, whole.parsed.diagnostics);
        let fetched = reader.fetched.get();
        assert!(
            fetched < 512 << 10,
            "fetched {fetched} bytes of a {} byte zip (steps of {step})",
            bytes.len()
        );
    }
}

#[test]
fn a_cut_or_failing_zip_is_an_error_naming_it() {
    let bytes = export_with_media();
    // The zip cut before its central directory: as read whole, an error, never a panic.
    let cut = bytes[..bytes.len() - 100].to_vec();
    let len = cut.len() as u64;
    let reader = Rc::new(Counting {
        bytes: cut,
        step: usize::MAX,
        fetched: Cell::new(0),
    });
    match read_zip_at("export.zip", reader, len, &utc()) {
        Err(ImportError::BadZip { path, .. }) => assert_eq!(path, "export.zip"),
        other => panic!("{:?}", other.map(|i| i.format)),
    }

    struct Failing;
    impl ReadAt for Failing {
        fn read_at(&self, _: u64, _: &mut [u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("the file can no longer be read"))
        }
    }
    let e = read_zip_at("export.zip", Rc::new(Failing), 1 << 20, &utc()).unwrap_err();
    assert!(e.to_string().contains("export.zip"), "{e}");
    assert!(e.to_string().contains("no longer be read"), "{e}");
    assert!(matches!(
        read_zip_at("empty.zip", Rc::new(Failing), 0, &utc()),
        Err(ImportError::Empty { .. })
    ));
}
