//! Zip archives as exported by WhatsApp ("Export chat" → "Attach media") and Instagram.
//!
//! An export zip is user-supplied data: it may be truncated, fake, or a zip bomb. This module
//! lists entries, skips the noise macOS adds (`__MACOSX/`, `._*` resource forks), and unpacks
//! an entry only within caps: at most [`MAX_TOTAL`] bytes unpacked in all and a compression
//! ratio of at most [`MAX_RATIO`] per entry, checked on the declared sizes before unpacking
//! *and* on every read while unpacking (a lying header cannot push more bytes through than it
//! declared). An entry is unpacked as a stream ([`Archive::unpack`]): the caller decides how
//! much of it to hold.
//!
//! The archive itself is read in memory, in place from its file ([`Archive::open_file`]), or
//! piece by piece from wherever its bytes are ([`ReadAt`]: the browser app reads a dropped zip
//! this way), so a zipped chat never needs its packed or its unpacked bytes in memory at once.

use std::cell::Cell;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use zip::ZipArchive;

/// Total bytes all read entries may unpack to: [`crate::MAX_INPUT`], the most text walkaway
/// reads from one file.
pub const MAX_TOTAL: u64 = crate::MAX_INPUT;
/// The most files (not counting folders and macOS litter) an archive may hold. An archive of
/// 100,000 two-message chats imports in about 10 s at 155 MiB; every chat read keeps about
/// 1 KiB of bookkeeping, so this bounds memory whatever the text (docs/security.md).
pub const MAX_FILES: usize = 100_000;
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
    /// Unpacked size, as the header declares it.
    pub size: u64,
    /// Packed size, as the header declares it.
    pub packed: u64,
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

impl std::fmt::Display for EntryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EntryError::Bad(reason) => f.write_str(reason),
            EntryError::Bomb(entry, what) => write!(f, "zip entry {entry} {what}"),
        }
    }
}

impl std::error::Error for EntryError {}

impl EntryError {
    /// The entry error a reader of `entry` failed with: the one an [`Unpacking`] raised (carried
    /// inside the I/O error, through any decoding reader on top of it), else damage.
    pub fn from_io(e: std::io::Error, entry: &str) -> EntryError {
        match e.downcast::<EntryError>() {
            Ok(mine) => mine,
            Err(e) => EntryError::bad(entry, &e),
        }
    }

    fn bad(entry: &str, e: &dyn std::fmt::Display) -> EntryError {
        EntryError::Bad(format!("entry {entry}: {}", e.to_string().to_lowercase()))
    }
}

/// Random access to bytes held elsewhere: the browser app's dropped zip, of which only the
/// central directory and the entries worth reading are ever copied in (a WhatsApp export with
/// its photos and videos is gigabytes; its chat is megabytes).
pub trait ReadAt {
    /// Reads up to `buf.len()` bytes from `pos`; fewer only at the end.
    fn read_at(&self, pos: u64, buf: &mut [u8]) -> std::io::Result<usize>;
}

/// Bytes fetched at once from a [`ReadAt`]: the zip crate reads headers a few bytes at a time,
/// and each fetch may cross into JavaScript.
const FAR_CHUNK: usize = 64 << 10;

/// The bytes of an archive: in memory, a file read in place, or a [`ReadAt`] (each clone
/// keeps its own position, so several entries can be read at once).
#[derive(Clone)]
pub(crate) enum Source<'a> {
    Mem(Cursor<&'a [u8]>),
    File {
        file: Arc<Mutex<std::fs::File>>,
        pos: u64,
        len: u64,
    },
    Far {
        reader: Rc<dyn ReadAt>,
        pos: u64,
        len: u64,
        /// The last bytes fetched and where they start.
        chunk: Vec<u8>,
        chunk_at: u64,
    },
}

impl Source<'static> {
    /// `len` bytes read through `reader`, from the start.
    pub(crate) fn far(reader: Rc<dyn ReadAt>, len: u64) -> Source<'static> {
        Source::Far {
            reader,
            pos: 0,
            len,
            chunk: Vec::new(),
            chunk_at: 0,
        }
    }
}

impl Read for Source<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Source::Mem(c) => c.read(buf),
            Source::Far {
                reader,
                pos,
                len,
                chunk,
                chunk_at,
            } => {
                if *pos >= *len || buf.is_empty() {
                    return Ok(0);
                }
                let cached = *pos >= *chunk_at && *pos < *chunk_at + chunk.len() as u64;
                if !cached {
                    if buf.len() >= FAR_CHUNK {
                        // A large read (an entry's data) goes straight into the caller's buffer.
                        let want = buf.len().min((*len - *pos) as usize);
                        let n = reader.read_at(*pos, &mut buf[..want])?;
                        *pos += n as u64;
                        return Ok(n);
                    }
                    let want = FAR_CHUNK.min((*len - *pos) as usize);
                    chunk.resize(want, 0);
                    let n = reader.read_at(*pos, chunk)?;
                    chunk.truncate(n);
                    *chunk_at = *pos;
                    if n == 0 {
                        return Ok(0);
                    }
                }
                let from = (*pos - *chunk_at) as usize;
                let n = buf.len().min(chunk.len() - from);
                buf[..n].copy_from_slice(&chunk[from..from + n]);
                *pos += n as u64;
                Ok(n)
            }
            Source::File { file, pos, .. } => {
                let mut f = file
                    .lock()
                    .map_err(|_| std::io::Error::other("the archive's file lock is poisoned"))?;
                f.seek(SeekFrom::Start(*pos))?;
                let n = f.read(buf)?;
                *pos += n as u64;
                Ok(n)
            }
        }
    }
}

impl Seek for Source<'_> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        match self {
            Source::Mem(c) => c.seek(to),
            Source::File { pos, len, .. } | Source::Far { pos, len, .. } => {
                let next = match to {
                    SeekFrom::Start(n) => Some(n),
                    SeekFrom::End(d) => len.checked_add_signed(d),
                    SeekFrom::Current(d) => pos.checked_add_signed(d),
                };
                let Some(next) = next else {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        "seek before the start of the archive",
                    ));
                };
                *pos = next;
                Ok(next)
            }
        }
    }
}

/// A zip archive opened over a [`Source`].
pub(crate) type Zip<'a> = ZipArchive<Source<'a>>;

pub(crate) struct Archive<'a> {
    zip: Zip<'a>,
    /// Regular files, without directories and macOS metadata.
    pub entries: Vec<Entry>,
    /// Bytes unpacked so far by all entries (an entry read twice counts once).
    total: Cell<u64>,
    /// The entry unpacked last and the total before it: reading it again starts from there.
    last: Cell<Option<(usize, u64)>>,
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
    /// An archive held in memory.
    pub fn open(bytes: &'a [u8]) -> Result<Self, String> {
        Self::open_source(Source::Mem(Cursor::new(bytes)))
    }

    /// An archive read in place from its file: only the central directory is held.
    pub fn open_file(file: std::fs::File) -> Result<Archive<'static>, String> {
        let len = file
            .metadata()
            .map_err(|e| e.to_string().to_lowercase())?
            .len();
        Archive::open_source(Source::File {
            file: Arc::new(Mutex::new(file)),
            pos: 0,
            len,
        })
    }

    /// An archive of `len` bytes read piece by piece through `reader`.
    pub fn open_far(reader: Rc<dyn ReadAt>, len: u64) -> Result<Archive<'static>, String> {
        Archive::open_source(Source::far(reader, len))
    }

    fn open_source(source: Source<'a>) -> Result<Self, String> {
        let mut zip = ZipArchive::new(source).map_err(|e| e.to_string().to_lowercase())?;
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
                packed: f.compressed_size(),
                modified: real_date(f.last_modified()),
            });
        }
        Ok(Archive {
            zip,
            entries,
            total: Cell::new(0),
            last: Cell::new(None),
        })
    }

    /// Refuses an entry whose declared sizes break a cap, before anything is unpacked.
    pub fn check(&self, entry: &Entry) -> Result<(), EntryError> {
        let bomb = |what: String| EntryError::Bomb(entry.name.clone(), what);
        let (size, packed) = (entry.size, entry.packed.max(1));
        if size >= RATIO_MIN_SIZE && size / packed > MAX_RATIO {
            return Err(bomb(format!(
                "unpacks {size} bytes from {packed} (ratio above {MAX_RATIO})"
            )));
        }
        if self.base(entry).saturating_add(size) > MAX_TOTAL {
            return Err(bomb(format!(
                "unpacks to {}, which would take what walkaway unpacks from one file above {} (a chat export is far smaller)",
                crate::human_size(size),
                crate::human_size(MAX_TOTAL)
            )));
        }
        Ok(())
    }

    /// The unpacked total before `entry`: the total so far, or, when `entry` is being read
    /// again, the total before its first reading.
    fn base(&self, entry: &Entry) -> u64 {
        match self.last.get() {
            Some((index, base)) if index == entry.index => base,
            _ => self.total.get(),
        }
    }

    /// A handle on the archive that can unpack one entry while others are read (cheap: the
    /// directory is shared).
    pub fn fork(&self) -> Zip<'a> {
        self.zip.clone()
    }

    /// Unpacks an entry as a stream from `zip` (a [`fork`](Self::fork) of this archive),
    /// within the caps: the declared sizes are checked first, and every read checks the bytes
    /// unpacked so far against the declared size, the ratio and the archive's total. A broken
    /// cap or damaged data fails the read with an I/O error carrying the [`EntryError`] (see
    /// [`EntryError::from_io`]). Reading the same entry again does not count it twice.
    pub fn unpack<'s>(
        &'s self,
        zip: &'s mut Zip<'a>,
        entry: &'s Entry,
    ) -> Result<Unpacking<'s, 'a>, EntryError> {
        self.check(entry)?;
        let base = self.base(entry);
        self.last.set(Some((entry.index, base)));
        let inner = zip
            .by_index(entry.index)
            .map_err(|e| EntryError::bad(&entry.name, &e))?;
        Ok(Unpacking {
            inner,
            entry,
            base,
            unpacked: 0,
            total: &self.total,
        })
    }

    /// Reads one entry fully, within the caps.
    pub fn read(&mut self, entry: &Entry) -> Result<Vec<u8>, EntryError> {
        let mut zip = self.fork();
        let mut out = Vec::with_capacity(usize::try_from(entry.size.min(1 << 30)).unwrap_or(0));
        self.unpack(&mut zip, entry)?
            .read_to_end(&mut out)
            .map_err(|e| EntryError::from_io(e, &entry.name))?;
        Ok(out)
    }

    /// The first `n` bytes of an entry (fewer when it is shorter), to recognise its format
    /// without unpacking it. Not counted against the caps: it reads at most `n` bytes.
    pub fn head(&mut self, entry: &Entry, n: usize) -> Vec<u8> {
        // Sized by the declared size (a lie only costs a reallocation): an archive of many
        // tiny chats must not cost a buffer of `n` bytes each.
        let mut out = Vec::with_capacity(usize::try_from(entry.size).map_or(n, |s| s.min(n)));
        if let Ok(f) = self.zip.by_index(entry.index) {
            // A damaged entry gives what could be read; reading it in full reports the damage.
            let _ = f.take(n as u64).read_to_end(&mut out);
        }
        out
    }
}

/// One entry being unpacked within the caps (see [`Archive::unpack`]).
pub(crate) struct Unpacking<'s, 'a> {
    inner: zip::read::ZipFile<'s, Source<'a>>,
    entry: &'s Entry,
    /// The archive's total before this entry.
    base: u64,
    /// Bytes this reading has given so far.
    unpacked: u64,
    total: &'s Cell<u64>,
}

impl Unpacking<'_, '_> {
    fn bomb(&self, what: String) -> std::io::Error {
        std::io::Error::other(EntryError::Bomb(self.entry.name.clone(), what))
    }
}

impl Read for Unpacking<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = match self.inner.read(buf) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => return Err(e),
            // The zip reader checks the declared size too, and fails first: that is a broken
            // cap, not damage (pinned by the tests/zip_stream.rs test of a lying header).
            Err(e) if e.to_string().contains("declared uncompressed size") => {
                return Err(self.bomb(format!(
                    "holds more bytes than its header declares ({})",
                    self.entry.size
                )));
            }
            Err(e) => {
                return Err(std::io::Error::other(EntryError::bad(&self.entry.name, &e)));
            }
        };
        // Our own checks: the bytes given so far stay within the declared size, and so (as
        // the declared sizes were checked before unpacking) within the ratio and the total;
        // both are checked again here all the same, on the bytes actually unpacked.
        self.unpacked = self.unpacked.saturating_add(n as u64);
        let (unpacked, size, packed) = (self.unpacked, self.entry.size, self.entry.packed.max(1));
        if unpacked > size {
            return Err(self.bomb(format!(
                "holds more bytes than its header declares ({size})"
            )));
        }
        if unpacked >= RATIO_MIN_SIZE && unpacked / packed > MAX_RATIO {
            return Err(self.bomb(format!(
                "unpacks more than {unpacked} bytes from {packed} (ratio above {MAX_RATIO})"
            )));
        }
        let total = self.base.saturating_add(unpacked);
        if total > MAX_TOTAL {
            return Err(self.bomb(format!(
                "takes what walkaway unpacks from one file above {} (a chat export is far smaller)",
                crate::human_size(MAX_TOTAL)
            )));
        }
        self.total.set(self.total.get().max(total));
        Ok(n)
    }
}
