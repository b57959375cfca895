//! Zip archives as exported by WhatsApp ("Export chat" → "Attach media") and Instagram.
//!
//! An export zip is user-supplied data: it may be truncated, fake, or a zip bomb. This module
//! lists entries, skips the noise macOS adds (`__MACOSX/`, `._*` resource forks), and reads an
//! entry only within caps: at most [`MAX_TOTAL`] bytes unpacked in all and a compression ratio
//! of at most [`MAX_RATIO`] per entry, checked on the declared sizes *and* while reading (a
//! lying header cannot push more bytes through than it declared).

use std::io::{Cursor, Read};

use zip::ZipArchive;

/// Total bytes all read entries may unpack to.
pub const MAX_TOTAL: u64 = 4 << 30;
/// Largest accepted ratio of unpacked to packed size for one entry.
pub const MAX_RATIO: u64 = 1000;
/// Entries smaller than this cannot hurt, whatever their ratio (an empty-ish text compresses
/// very well).
const RATIO_MIN_SIZE: u64 = 64 << 10;

/// One file in the archive.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub index: usize,
    pub name: String,
    pub size: u64,
    /// The entry's last-modified date as written (a local wall time without zone), when it is
    /// a real date: see [`Entry::modified_in`].
    pub modified: Option<zip::DateTime>,
}

impl Entry {
    /// Lower-case file extension.
    pub fn ext(&self) -> String {
        let base = self.name.rsplit('/').next().unwrap_or(&self.name);
        match base.rsplit_once('.') {
            Some((_, e)) => e.to_ascii_lowercase(),
            None => String::new(),
        }
    }

    /// The entry's last-modified time as an instant, reading its wall time in `tz` (zip dates
    /// carry no zone; the phone that wrote the export wrote its own wall clock). DST gaps and
    /// folds are resolved like jiff's `compatible`, as WhatsApp times are.
    pub fn modified_in(&self, tz: &jiff::tz::TimeZone) -> Option<i64> {
        let d = self.modified?;
        let dt = jiff::civil::DateTime::new(
            i16::try_from(d.year()).ok()?,
            i8::try_from(d.month()).ok()?,
            i8::try_from(d.day()).ok()?,
            i8::try_from(d.hour()).ok()?,
            i8::try_from(d.minute()).ok()?,
            i8::try_from(d.second()).ok()?,
            0,
        )
        .ok()?;
        let ts = tz.to_ambiguous_timestamp(dt).compatible().ok()?;
        Some(ts.as_millisecond())
    }
}

/// A zip date that means something: valid, and not in 1980, the floor of the format that
/// tools write when they have no date (`1980-01-01 00:00:00`); no chat export is that old.
fn real_date(d: Option<zip::DateTime>) -> Option<zip::DateTime> {
    d.filter(|d| d.is_valid() && d.year() > 1980)
}

/// Why an entry could not be read.
#[derive(Debug)]
pub(crate) enum EntryError {
    /// The archive is damaged (the message is lowercase, without the file name).
    Bad(String),
    /// The entry breaks a cap: (entry name, what).
    Bomb(String, String),
}

pub(crate) struct Archive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    /// Regular files, without directories and macOS metadata.
    pub entries: Vec<Entry>,
    total: u64,
}

/// True for macOS metadata that is never content.
fn is_noise(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    name.starts_with("__MACOSX/")
        || name.contains("/__MACOSX/")
        || base.starts_with("._")
        || base == ".DS_Store"
}

impl<'a> Archive<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Self, String> {
        let mut zip =
            ZipArchive::new(Cursor::new(bytes)).map_err(|e| e.to_string().to_lowercase())?;
        let mut entries = Vec::new();
        for index in 0..zip.len() {
            let f = zip
                .by_index_raw(index)
                .map_err(|e| e.to_string().to_lowercase())?;
            if f.is_dir() {
                continue;
            }
            let name = f
                .name()
                .map(|n| n.into_owned())
                .unwrap_or_else(|_| format!("entry {index}"));
            if is_noise(&name) {
                continue;
            }
            entries.push(Entry {
                index,
                name,
                size: f.size(),
                modified: real_date(f.last_modified()),
            });
        }
        Ok(Archive {
            zip,
            entries,
            total: 0,
        })
    }

    /// Reads one entry fully, within the caps.
    pub fn read(&mut self, entry: &Entry) -> Result<Vec<u8>, EntryError> {
        let bomb = |what: String| EntryError::Bomb(entry.name.clone(), what);
        let f = self.zip.by_index(entry.index).map_err(|e| {
            EntryError::Bad(format!(
                "entry {}: {}",
                entry.name,
                e.to_string().to_lowercase()
            ))
        })?;
        let size = f.size();
        let packed = f.compressed_size().max(1);
        if size >= RATIO_MIN_SIZE && size / packed > MAX_RATIO {
            return Err(bomb(format!(
                "unpacks {size} bytes from {packed} (ratio above {MAX_RATIO})"
            )));
        }
        if self.total.saturating_add(size) > MAX_TOTAL {
            return Err(bomb(format!(
                "would take the unpacked total above {MAX_TOTAL} bytes"
            )));
        }
        let mut out = Vec::with_capacity(usize::try_from(size.min(1 << 30)).unwrap_or(0));
        f.take(size.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| {
                EntryError::Bad(format!(
                    "entry {}: {}",
                    entry.name,
                    e.to_string().to_lowercase()
                ))
            })?;
        if out.len() as u64 > size {
            return Err(bomb("holds more bytes than its header declares".to_owned()));
        }
        self.total += out.len() as u64;
        Ok(out)
    }

    /// The first `n` bytes of an entry (fewer when it is shorter), to recognise its format
    /// without unpacking it. Not counted against the caps: it reads at most `n` bytes.
    pub fn head(&mut self, entry: &Entry, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n);
        if let Ok(f) = self.zip.by_index(entry.index) {
            // A damaged entry gives what could be read; reading it in full reports the damage.
            let _ = f.take(n as u64).read_to_end(&mut out);
        }
        out
    }
}
