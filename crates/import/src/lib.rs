//! Readers for chat exports: a path or bytes in, [`Parsed`] events and diagnostics out.
//!
//! Users hand walkaway whatever their apps exported: a WhatsApp `.txt` or `.zip`, a Telegram
//! Desktop `result.json`, Messenger and Instagram threads and Instagram activity from Meta's
//! "Download your information" (a `.json`, the folder or the zip), an unpacked WhatsApp export,
//! a Mac's Messages database (`chat.db`), a DiscordChatExporter channel, a signal-export chat.
//! This crate decides what a file is (by content first, name second; JSON by its keys only), reads it with the matching importer, and turns anything it
//! cannot read into an [`ImportError`] that names the file and says what is wrong. Inside a
//! readable file, bad records are diagnostics, never errors.
#![forbid(unsafe_code)]

pub mod archive;
pub mod discord;
mod dyi;
pub mod googlechat;
#[cfg(feature = "imessage")]
pub mod imessage;
/// Without the `imessage` feature (the in-browser build): a chat.db is recognised and refused
/// with a clear message.
#[cfg(not(feature = "imessage"))]
#[path = "imessage_off.rs"]
pub mod imessage;
pub mod instagram;
mod json;
pub mod meta;
mod recognise;
pub mod signal;
pub mod telegram;
mod text;
pub mod whatsapp;

// Issue 8, text and row formats: SMS Backup & Restore XML, LINE text, generic CSV.
pub mod csv;
pub mod handles;
pub mod line;
pub mod sms;
mod tally;

use std::fmt;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use walkaway_model::{Diagnostic, Millis, Parsed, Severity, Source};

/// How to read exports whose timestamps carry no zone.
#[derive(Clone, Debug)]
pub struct Options {
    /// Zone of the phone that wrote the export (WhatsApp times are local wall-clock).
    pub tz: jiff::tz::TimeZone,
    /// Day/month order of dates; `None` infers it from the whole file.
    pub date_order: Option<DateOrder>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tz: jiff::tz::TimeZone::system(),
            date_order: None,
        }
    }
}

/// Order of the fields of a numeric date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    Dmy,
    Mdy,
    Ymd,
}

impl DateOrder {
    /// `"dmy"`, `"mdy"` or `"ymd"`.
    pub fn as_str(self) -> &'static str {
        match self {
            DateOrder::Dmy => "dmy",
            DateOrder::Mdy => "mdy",
            DateOrder::Ymd => "ymd",
        }
    }

    /// `"d/m/y"`, for messages.
    pub fn as_str_slashed(self) -> &'static str {
        match self {
            DateOrder::Dmy => "d/m/y",
            DateOrder::Mdy => "m/d/y",
            DateOrder::Ymd => "y/m/d",
        }
    }
}

impl fmt::Display for DateOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DateOrder {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s
            .trim()
            .to_ascii_lowercase()
            .replace(['/', '-', '.'], "")
            .as_str()
        {
            "dmy" => Ok(DateOrder::Dmy),
            "mdy" => Ok(DateOrder::Mdy),
            "ymd" => Ok(DateOrder::Ymd),
            _ => Err(format!(
                "unknown date order {s:?}; expected dmy, mdy or ymd"
            )),
        }
    }
}

/// Whether a file found in a folder is worth reading as an export: the kinds of files exports
/// come in (WhatsApp and LINE .txt, zips, Telegram/Meta/Discord/Google .json, SMS Backup &
/// Restore .xml, .csv, iMessage's chat.db, Signal's chat.md), never photos or notes. Only which
/// files of a folder to try: each is then recognised by its content.
pub fn worth_trying(file_name: &str) -> bool {
    let file = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let ext = file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    file.eq_ignore_ascii_case("chat.md")
        || matches!(
            ext.as_deref(),
            Some("txt" | "zip" | "json" | "xml" | "csv" | "db")
        )
}

/// One imported file (or folder).
#[derive(Clone, Debug)]
pub struct Imported {
    pub parsed: Parsed,
    /// `"whatsapp-android"`, `"whatsapp-ios"`, `"telegram-json"`, `"messenger-json"`,
    /// `"instagram-json"` (direct messages) or `"instagram-activity"`. A folder or zip holding
    /// several formats gives the first read.
    pub format: &'static str,
    /// Hex xxh3-128 of the file bytes: identifies the file across imports.
    pub file_hash: String,
    /// File size in bytes.
    pub bytes: u64,
    /// Modification time of the data: the file's own, or for a zip the latest date the
    /// entries read carry (never the zip file's date, which only says when it was packed or
    /// copied). `None` when unknown.
    pub modified: Option<Millis>,
}

/// Why a file could not be imported at all. Messages are lowercase and name the file.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: no such file or folder")]
    NotFound { path: String },
    /// The cause is in the message and not also a [`std::error::Error::source`]: a caller
    /// printing the chain of sources would otherwise say it twice.
    #[error("cannot read {path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("{path} is empty")]
    Empty { path: String },
    #[error(
        "{path} is not a supported export ({reason}); supported are whatsapp chat exports (.txt or .zip), telegram desktop json exports (result.json, one chat or the whole account), facebook messenger and instagram messages and instagram activity from meta's \"download your information\" in json (a .json file, the folder or the .zip), the messages database of a mac (~/Library/Messages/chat.db), discordchatexporter json, signal chats exported by signal-export (chat.md), google hangouts takeout (Hangouts.json), android \"sms backup & restore\" backups (sms-*.xml, calls-*.xml), line chat histories (.txt), and any chat as csv (docs/formats/csv.md)"
    )]
    UnknownFormat { path: String, reason: String },
    /// A file recognised as something other than an export (a photo, a PDF, a Telegram
    /// export in HTML, an encrypted backup): `what` says what it is and what to do.
    #[error("{path} {what}")]
    NotAnExport { path: String, what: String },
    #[error("{path} is not a readable zip archive: {reason}")]
    BadZip { path: String, reason: String },
    #[error("{path}: zip entry {entry} {reason}; refusing to unpack it")]
    ZipBomb {
        path: String,
        entry: String,
        reason: String,
    },
    #[error(
        "{path} holds no whatsapp chat (.txt), no telegram or meta messages (.json) and no instagram activity (.json)"
    )]
    NoChat { path: String },
    #[error(
        "{path} is a folder without a whatsapp chat, telegram or meta messages, or instagram activity files (likes, comments, story likes); point walkaway at the export's own folder or zip"
    )]
    NoActivity { path: String },
    #[error(
        "{path} is a folder holding several whatsapp chats ({chats}); import each file on its own"
    )]
    SeveralChats { path: String, chats: String },
    #[error("cannot read instagram activity in {path}: {reason}")]
    Instagram { path: String, reason: String },
    /// A file over [`MAX_INPUT`], refused before it is read.
    #[error(
        "{path} is {}, more than the {} walkaway reads from one file; no chat export is that large: export only the chat you want (in telegram, from the chat's own menu rather than the whole account)",
        human_size(*size),
        human_size(MAX_INPUT)
    )]
    TooLarge { path: String, size: u64 },
    /// An archive of more than [`archive::MAX_FILES`] files, refused before any is read.
    #[error(
        "{path} holds {files} files; walkaway opens archives of up to {} (each file read costs memory); unzip it and import the folder, or the chat's own file",
        archive::MAX_FILES
    )]
    TooManyFiles { path: String, files: usize },
    /// A database (iMessage's chat.db) that SQLite could not open or read.
    #[error("cannot read {path}: {reason}")]
    Database { path: String, reason: String },
}

/// A size in bytes as people read it ("1.2 GiB", "640 MiB", "12 KiB").
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else if value.fract() == 0.0 || value >= 100.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Hex xxh3-128 of some bytes.
fn hash_hex(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

fn millis(t: std::time::SystemTime) -> Option<Millis> {
    let d = t.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(d.as_millis()).ok()
}

/// Opening a file failed: on a Mac, a database in `~/Library/Messages` needs Full Disk Access,
/// which the message says; anything else as [`io_error`].
fn open_error(path: &Path, e: std::io::Error) -> ImportError {
    if e.kind() == std::io::ErrorKind::PermissionDenied && has_ext(&path.to_string_lossy(), "db") {
        return ImportError::Database {
            path: path.display().to_string(),
            reason: format!("permission denied; {}", imessage::ACCESS_HINT),
        };
    }
    io_error(path, e)
}

fn io_error(path: &Path, e: std::io::Error) -> ImportError {
    let path = path.display().to_string();
    if e.kind() == std::io::ErrorKind::NotFound {
        ImportError::NotFound { path }
    } else {
        ImportError::Io { path, error: e }
    }
}

/// The most bytes of one file walkaway reads as text (1 GiB), and the most an archive's
/// entries may unpack to in all ([`archive::MAX_TOTAL`]). Memory follows the text read (about
/// its size: the events hold their texts), so this bounds it; a larger export is refused
/// before anything is read. A chat export is far smaller: 1,000,000 WhatsApp messages take
/// 72 MiB. Databases (chat.db) are read through SQLite and are not held in memory; zips are
/// bounded by what they unpack.
pub const MAX_INPUT: u64 = 1 << 30;

/// Reads a file or folder, detecting its format.
///
/// A folder is walked for Instagram activity JSON files; a file is read with [`read_bytes`].
/// A message text longer than [`walkaway_model::MAX_TEXT`] keeps its beginning, with a
/// diagnostic.
pub fn read_path(path: &Path, opts: &Options) -> Result<Imported, ImportError> {
    read_path_raw(path, opts).map(note_cut_texts)
}

/// Adds a diagnostic per chat with texts cut to [`walkaway_model::MAX_TEXT`] (the events are
/// flagged [`flags::CUT`](walkaway_model::flags::CUT) by `Events::push`).
fn note_cut_texts(mut imported: Imported) -> Imported {
    let parsed = &mut imported.parsed;
    for chat in &parsed.chats {
        let mut cut = chat
            .events
            .iter()
            .filter(|e| e.flags & walkaway_model::flags::CUT != 0);
        let Some(first) = cut.next() else {
            continue;
        };
        let more = cut.count();
        let title = chat.title.as_deref().unwrap_or("a chat");
        let max = walkaway_model::MAX_TEXT >> 20;
        let message = if more == 0 {
            format!(
                "{title}: a message is longer than {max} MiB; only its first {max} MiB was kept"
            )
        } else {
            format!(
                "{title}: {} messages are longer than {max} MiB (the first is at the line given); only the first {max} MiB of each was kept",
                more + 1
            )
        };
        parsed.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            line: first.line,
            message,
        });
    }
    imported
}

/// [`read_path`] without the note on cut texts (for the readers that call each other).
fn read_path_raw(path: &Path, opts: &Options) -> Result<Imported, ImportError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_dir() {
        return read_dir(path, opts);
    }
    let modified = meta.modified().ok().and_then(millis);
    let mut file = std::fs::File::open(path).map_err(|e| open_error(path, e))?;
    let mut head = Vec::with_capacity(HEAD);
    (&mut file)
        .take(HEAD as u64)
        .read_to_end(&mut head)
        .map_err(|e| io_error(path, e))?;
    let name = path.display().to_string();
    let container = sniff(&name, &head) == Sniff::Zip;
    if imessage::is_sqlite(&head) {
        drop(file);
        return other_formats::read_database(path, &name, modified);
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        drop(head);
        return read_zip_file(path, &name, file, opts);
    }
    // Databases and zips are bounded by what they hold; everything below is read as text.
    if meta.len() > MAX_INPUT {
        return Err(ImportError::TooLarge {
            path: name,
            size: meta.len(),
        });
    }
    if let Some(json) = other_formats::json_kind(&head) {
        let mut imported = other_formats::read_json_stream(&name, head, file, json)
            .map_err(|e| io_error(path, e))?;
        imported.modified = modified;
        return Ok(imported);
    }
    let signal = other_formats::is_signal(&head);
    let mut imported = if let Some(encoding) = whatsapp_text(&name, &head).filter(|_| !signal) {
        read_whatsapp_stream(path, &name, head, file, encoding, opts)?
    } else if let Some(backup) = sms::sniff(&head) {
        read_sms_stream(&name, head, file, backup).map_err(|e| io_error(path, e))?
    } else if let Some(delimiter) = csv::sniff(&head) {
        read_csv_stream(&name, head, file, delimiter, opts).map_err(|e| io_error(path, e))?
    } else if let Some(shape) = streamed_json(&name, &head) {
        read_json_stream(&name, head, file, shape, opts).map_err(|e| io_error(path, e))?
    } else {
        // Zips, JSON and anything unrecognised are read whole (and refused with a reason).
        let mut bytes = head;
        file.read_to_end(&mut bytes)
            .map_err(|e| io_error(path, e))?;
        read_bytes_raw(&name, &bytes, opts)?
    };
    // A zip is a container: its own date says when it was packed or copied, not when the data
    // ends (docs/METRICS.md, "Data end"). Its entries' dates are used instead (`read_bytes`).
    if !container {
        imported.modified = modified;
    }
    Ok(imported)
}

/// The formats of issue 8's second wave (iMessage, Discord, Google Chat, Signal), kept apart
/// from the readers above so that this file changes in few places.
mod other_formats {
    use super::*;

    /// Reads a SQLite file: iMessage's chat.db, opened read-only and immutable.
    pub(super) fn read_database(
        path: &Path,
        name: &str,
        modified: Option<Millis>,
    ) -> Result<Imported, ImportError> {
        let parsed = imessage::read_path(path, name).map_err(|r| refusal(name, r))?;
        let (file_hash, bytes) = hash_file(path).map_err(|e| io_error(path, e))?;
        Ok(Imported {
            parsed,
            format: "imessage-db",
            file_hash,
            bytes,
            modified,
        })
    }

    /// The hash and size of a file, read a megabyte at a time.
    pub(super) fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
        let digest = Digest::start();
        let mut r = Digesting {
            inner: std::fs::File::open(path)?,
            digest: &digest,
        };
        std::io::copy(&mut r, &mut std::io::sink())?;
        Ok(Digest::finish(digest))
    }

    fn refusal(name: &str, r: imessage::Refusal) -> ImportError {
        match r {
            imessage::Refusal::Open(reason) => ImportError::Database {
                path: name.to_owned(),
                reason,
            },
            imessage::Refusal::NotMessages(reason) => ImportError::UnknownFormat {
                path: name.to_owned(),
                reason: format!(
                    "{reason}; walkaway reads the messages database of a mac, ~/Library/Messages/chat.db"
                ),
            },
        }
    }

    /// Reads the exports of this wave in a folder: a Messages database (`chat.db`, e.g. the
    /// folder `~/Library/Messages` itself), else every DiscordChatExporter channel, Hangouts
    /// takeout and signal-export chat in it, merged. `None` when there are none.
    pub(super) fn read_dir(
        files: &[PathBuf],
        opts: &Options,
    ) -> Option<Result<Imported, ImportError>> {
        let head_of = |f: &Path| -> Vec<u8> {
            let mut head = Vec::new();
            let _ = std::fs::File::open(f)
                .and_then(|file| file.take(HEAD as u64).read_to_end(&mut head));
            head
        };
        let mut databases: Vec<&PathBuf> = files
            .iter()
            .filter(|f| imessage::is_sqlite(&head_of(f)))
            .collect();
        databases.sort_by_key(|f| f.file_name().and_then(|n| n.to_str()) != Some("chat.db"));
        if let Some(db) = databases.first() {
            return Some(read_path_raw(db, opts));
        }
        let mut out: Option<Imported> = None;
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for f in files {
            let head = head_of(f);
            if json_kind(&head).is_none() && !is_signal(&head) {
                continue;
            }
            let one = match read_path_raw(f, opts) {
                Ok(i) => i,
                Err(e) => return Some(Err(e)),
            };
            hasher.update(one.file_hash.as_bytes());
            out = Some(match out {
                None => one,
                Some(mut all) => {
                    all.parsed.chats.extend(one.parsed.chats);
                    all.parsed.diagnostics.extend(one.parsed.diagnostics);
                    all.bytes += one.bytes;
                    all.modified = all.modified.max(one.modified);
                    all
                }
            });
        }
        out.map(|mut all| {
            all.file_hash = format!("{:032x}", hasher.digest128());
            Ok(all)
        })
    }

    /// What a zip gave: the parsed data, its format, the latest date of the entries read.
    pub(super) type ZipRead = (Parsed, &'static str, Option<Millis>);

    /// Reads the exports of this wave in a zip (as [`read_dir`] does a folder), each entry in
    /// memory within the archive's caps.
    pub(super) fn read_zip(
        name: &str,
        zip: &mut archive::Archive<'_>,
        entries: &[archive::Entry],
        opts: &Options,
    ) -> Result<Option<ZipRead>, ImportError> {
        let mut out: Option<ZipRead> = None;
        for e in entries {
            let head = zip.head(e, HEAD);
            if !imessage::is_sqlite(&head) && json_kind(&head).is_none() && !is_signal(&head) {
                continue;
            }
            let data = zip_read(name, zip, e)?;
            let Some((parsed, format)) = read_bytes(&e.name, &data, opts)? else {
                continue;
            };
            let dated = e.modified_in(&opts.tz);
            out = Some(match out {
                None => (parsed, format, dated),
                Some((mut all, f, m)) => {
                    all.chats.extend(parsed.chats);
                    all.diagnostics.extend(parsed.diagnostics);
                    (all, f, m.max(dated))
                }
            });
        }
        Ok(out)
    }

    /// Reads the bytes of a format of this wave, `None` when they are none of them.
    pub(super) fn read_bytes(
        name: &str,
        bytes: &[u8],
        opts: &Options,
    ) -> Result<Option<(Parsed, &'static str)>, ImportError> {
        if imessage::is_sqlite(bytes) {
            let parsed = imessage::read_bytes(name, bytes).map_err(|r| refusal(name, r))?;
            return Ok(Some((parsed, "imessage-db")));
        }
        if is_signal(bytes) {
            let mut diagnostics = Vec::new();
            let text = decode(name, bytes, &mut diagnostics);
            let (chat, more) = signal::read(name, &text, opts);
            diagnostics.extend(more);
            let chats = if chat.events.is_empty() {
                Vec::new()
            } else {
                vec![chat]
            };
            let parsed = Parsed {
                chats,
                activity: Vec::new(),
                diagnostics,
            };
            return Ok(Some((parsed, "signal-md")));
        }
        Ok(match json_kind(bytes.get(..HEAD).unwrap_or(bytes)) {
            Some(Json::Discord) => Some((discord::read_slice(name, bytes), "discord-json")),
            Some(Json::Hangouts) => Some((googlechat::read_slice(name, bytes), "hangouts-json")),
            None => None,
        })
    }

    /// The JSON exports of this wave, recognised by their top-level keys.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub(super) enum Json {
        /// DiscordChatExporter: `guild` and `channel`.
        Discord,
        /// Google Takeout's Hangouts.json: `conversations`.
        Hangouts,
    }

    /// A signal-export Markdown chat (UTF-8 text with its bracketed ISO headers).
    pub(super) fn is_signal(head: &[u8]) -> bool {
        let head = head.get(..HEAD).unwrap_or(head);
        if is_binary(head) {
            return false;
        }
        let text = String::from_utf8_lossy(head);
        let whole = match text.rfind('\n') {
            Some(i) if head.len() == HEAD => text.get(..i).unwrap_or(&text),
            _ => &text,
        };
        signal::looks_like_signal(whole.strip_prefix('\u{feff}').unwrap_or(whole))
    }

    pub(super) fn json_kind(head: &[u8]) -> Option<Json> {
        if discord::sniff(head) {
            return Some(Json::Discord);
        }
        if googlechat::sniff(head) {
            return Some(Json::Hangouts);
        }
        None
    }

    /// Reads one of this wave's JSON exports from disk a record at a time, hashing the bytes on
    /// the way.
    pub(super) fn read_json_stream(
        name: &str,
        head: Vec<u8>,
        rest: std::fs::File,
        json: Json,
    ) -> std::io::Result<Imported> {
        read_hashed(head, rest, |reader| {
            Ok(match json {
                Json::Discord => (
                    discord::read(name, meta::SkipBom::new(reader))?,
                    "discord-json",
                ),
                Json::Hangouts => (
                    googlechat::read(name, meta::SkipBom::new(reader))?,
                    "hangouts-json",
                ),
            })
        })
    }
}

/// The shape of a file that is a Telegram or Meta chat export, read by streaming.
fn streamed_json(name: &str, head: &[u8]) -> Option<json::Shape> {
    if !matches!(sniff(name, head), Sniff::Json | Sniff::JsonLike) {
        return None;
    }
    let shape = json::sniff(head);
    matches!(
        shape,
        json::Shape::TelegramChat | json::Shape::TelegramAccount | json::Shape::MetaThread
    )
    .then_some(shape)
}

/// Reads a Telegram export or a Meta thread file from disk a record at a time (memory holds
/// the events, never the file), hashing the bytes on the way.
fn read_json_stream(
    name: &str,
    head: Vec<u8>,
    rest: std::fs::File,
    shape: json::Shape,
    opts: &Options,
) -> std::io::Result<Imported> {
    read_hashed(head, rest, |reader| {
        Ok(match shape {
            json::Shape::MetaThread => {
                let mut t = meta::ThreadReader::new();
                t.read(name, reader)?;
                single_thread(name, t)
            }
            _ => {
                let out = telegram::read(name, meta::SkipBom::new(reader), opts)?;
                (
                    Parsed {
                        chats: out.chats,
                        activity: Vec::new(),
                        diagnostics: out.diagnostics,
                    },
                    "telegram-json",
                )
            }
        })
    })
}

/// Reads an SMS Backup & Restore file from disk an element at a time (memory holds the events,
/// never the file nor any attachment), hashing the bytes on the way.
fn read_sms_stream(
    name: &str,
    head: Vec<u8>,
    rest: std::fs::File,
    backup: sms::Backup,
) -> std::io::Result<Imported> {
    read_hashed(head, rest, |reader| {
        let out = sms::read(name, reader)?;
        Ok((
            Parsed {
                chats: out.chats,
                activity: Vec::new(),
                diagnostics: out.diagnostics,
            },
            backup.format(),
        ))
    })
}

/// Reads a generic CSV file from disk a row at a time, hashing the bytes on the way.
fn read_csv_stream(
    name: &str,
    head: Vec<u8>,
    rest: std::fs::File,
    delimiter: u8,
    opts: &Options,
) -> std::io::Result<Imported> {
    read_hashed(head, rest, |reader| {
        let out = csv::read(name, reader, delimiter, opts)?;
        Ok((
            Parsed {
                chats: out.chats,
                activity: Vec::new(),
                diagnostics: out.diagnostics,
            },
            csv::FORMAT,
        ))
    })
}

/// Reads a file from disk with `read`, given its first bytes (`head`, already read to
/// recognise it) and then the rest, buffered: memory holds what `read` keeps, never the file.
/// Every byte is hashed on the way, and so is whatever `read` left after it stopped (after
/// broken JSON or XML), so the hash and size are always those of the whole file.
fn read_hashed(
    head: Vec<u8>,
    rest: std::fs::File,
    read: impl FnOnce(&mut dyn std::io::BufRead) -> std::io::Result<(Parsed, &'static str)>,
) -> std::io::Result<Imported> {
    let digest = Digest::start();
    let mut reader = std::io::BufReader::with_capacity(
        1 << 20,
        Digesting {
            inner: std::io::Cursor::new(head).chain(rest),
            digest: &digest,
        },
    );
    let (parsed, format) = read(&mut reader)?;
    std::io::copy(&mut reader, &mut std::io::sink())?;
    drop(reader);
    let (file_hash, bytes) = Digest::finish(digest);
    Ok(Imported {
        parsed,
        format,
        file_hash,
        bytes,
        modified: None,
    })
}

/// One Meta thread file read on its own: its app from its path (`your_instagram_activity/`)
/// or its content, Messenger with a Note when nothing tells.
fn single_thread(name: &str, t: meta::ThreadReader) -> (Parsed, &'static str) {
    let app = match dyi::app_of_path(&name.replace('\\', "/")) {
        meta::AppHint::Unknown => t.hint(),
        a => a,
    };
    let (source, format) = match app {
        meta::AppHint::Instagram => (Source::Instagram, "instagram-json"),
        _ => (Source::Messenger, "messenger-json"),
    };
    let (chat, mut diagnostics) = t.finish(source, None);
    if app == meta::AppHint::Unknown {
        diagnostics.push(dyi::unknown_app_note(name, 1));
    }
    let chats = if chat.events.is_empty() {
        diagnostics.push(Diagnostic {
            severity: Severity::Note,
            line: 0,
            message: format!("{name}: the thread holds no messages"),
        });
        Vec::new()
    } else {
        vec![chat]
    };
    (
        Parsed {
            chats,
            activity: Vec::new(),
            diagnostics,
        },
        format,
    )
}

/// Bytes of a file's beginning that decide its format.
const HEAD: usize = 64 << 10;

/// What a file is, from its name and first bytes (the content decides first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sniff {
    /// Zip magic or a `.zip` name.
    Zip,
    /// A `.json` name.
    Json,
    /// Starts like JSON (`{` or `[`) without the name saying so.
    JsonLike,
    /// Anything else: a chat text, or something to refuse.
    Other,
}

fn sniff(name: &str, head: &[u8]) -> Sniff {
    let is_zip_magic = head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06");
    let trimmed = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let json_like = matches!(
        trimmed.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    );
    if is_zip_magic || has_ext(name, "zip") {
        Sniff::Zip
    } else if has_ext(name, "json") {
        Sniff::Json
    } else if json_like {
        Sniff::JsonLike
    } else {
        Sniff::Other
    }
}

/// A NUL byte in the first 4 KiB: binary data, not a text export.
fn is_binary(head: &[u8]) -> bool {
    memchr::memchr(0, head.get(..head.len().min(4096)).unwrap_or(&[])).is_some()
}

/// How a chat text is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    /// UTF-8 (what WhatsApp writes); invalid bytes are replaced with a Warning.
    Utf8,
    /// UTF-16, as some Windows tools re-save exports (see [`text`]).
    Utf16(text::Utf16),
}

/// The encoding of a file starting with `head` when it is a WhatsApp chat text by the rules
/// of [`read_bytes`]: not a zip, not JSON, not binary, and its first lines are message headers.
fn whatsapp_text(name: &str, head: &[u8]) -> Option<Encoding> {
    // An iOS export starts with `[` like JSON does: the headers decide.
    if head.is_empty() || !matches!(sniff(name, head), Sniff::Other | Sniff::JsonLike) {
        return None;
    }
    let (encoding, text) = match text::utf16_of(head) {
        Some(order) => {
            let text = text::decode_utf16(name, head, order, &mut Vec::new());
            (Encoding::Utf16(order), std::borrow::Cow::Owned(text))
        }
        None if is_binary(head) => return None,
        None => (Encoding::Utf8, String::from_utf8_lossy(head)),
    };
    // Whole lines only: the head may end inside a character.
    let lines = if head.len() < HEAD {
        &text[..]
    } else {
        text.rfind('\n')
            .map_or(&text[..], |i| text.get(..i).unwrap_or(&text))
    };
    whatsapp::looks_like_whatsapp(lines).then_some(encoding)
}

/// The text of a file that is not a zip or JSON: UTF-16 decoded, or UTF-8 (decoded lossily
/// with a Warning); `None` for binary data.
fn text_of<'a>(
    name: &str,
    bytes: &'a [u8],
    diags: &mut Vec<Diagnostic>,
) -> Option<std::borrow::Cow<'a, str>> {
    match text::utf16_of(bytes) {
        Some(order) => Some(std::borrow::Cow::Owned(text::decode_utf16(
            name, bytes, order, diags,
        ))),
        None if is_binary(bytes) => None,
        None => Some(decode(name, bytes, diags)),
    }
}

/// Reads a WhatsApp chat text from its file without holding the file in memory: the parser
/// reads it a chunk at a time (and, rarely, twice; see [`whatsapp::parse_stream`]), and the
/// first reading is hashed and counted on the way. A UTF-16 file is decoded to UTF-8 as it is
/// read (the hash and size are those of the file's bytes).
fn read_whatsapp_stream(
    path: &Path,
    name: &str,
    head: Vec<u8>,
    rest: std::fs::File,
    encoding: Encoding,
    opts: &Options,
) -> Result<Imported, ImportError> {
    let digest = Digest::start();
    let bad = text::FirstBad::default();
    let mut first = Some(std::io::Cursor::new(head).chain(rest));
    let chat = {
        let mut open = |pass: whatsapp::Pass| -> std::io::Result<Box<dyn Read + '_>> {
            let raw: Box<dyn Read + '_> = match (pass, first.take()) {
                (whatsapp::Pass::First, Some(inner)) => Box::new(Digesting {
                    inner,
                    digest: &digest,
                }),
                _ => Box::new(std::fs::File::open(path)?),
            };
            Ok(match encoding {
                Encoding::Utf8 => raw,
                Encoding::Utf16(order) => Box::new(text::Utf16Reader::new(raw, order, bad.clone())),
            })
        };
        whatsapp::parse_stream(Some(name), &mut open, opts).map_err(|e| io_error(path, e))?
    };
    let (file_hash, bytes) = Digest::finish(digest);
    let format = chat.variant.format();
    let mut diagnostics = chat.diagnostics;
    if let Some(line) = bad.get() {
        diagnostics.insert(0, text::bad_utf16(name, line));
    }
    Ok(Imported {
        parsed: Parsed {
            chats: vec![chat.chat],
            activity: Vec::new(),
            diagnostics,
        },
        format,
        file_hash,
        bytes,
        modified: None,
    })
}

/// The hash (as [`hash_hex`] computes it) and size of the bytes a reader gave.
struct Digest {
    hasher: xxhash_rust::xxh3::Xxh3,
    bytes: u64,
}

impl Digest {
    /// A fresh digest, shared with the [`Digesting`] reader that feeds it.
    fn start() -> std::cell::RefCell<Digest> {
        std::cell::RefCell::new(Digest {
            hasher: xxhash_rust::xxh3::Xxh3::new(),
            bytes: 0,
        })
    }

    /// The file's hash (hex xxh3-128) and size.
    fn finish(digest: std::cell::RefCell<Digest>) -> (String, u64) {
        let d = digest.into_inner();
        (format!("{:032x}", d.hasher.digest128()), d.bytes)
    }
}

/// A reader that feeds every byte it gives to a [`Digest`].
struct Digesting<'d, R> {
    inner: R,
    digest: &'d std::cell::RefCell<Digest>,
}

impl<R: Read> Read for Digesting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let got = self.inner.read(buf)?;
        let mut d = self.digest.borrow_mut();
        d.hasher.update(buf.get(..got).unwrap_or(&[]));
        d.bytes += got as u64;
        Ok(got)
    }
}

/// Every regular file under `dir`, sorted, skipping hidden entries.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ImportError> {
    let rd = std::fs::read_dir(dir).map_err(|e| io_error(dir, e))?;
    let mut items: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    items.sort();
    for p in items {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.') || n == "__MACOSX");
        if hidden {
            continue;
        }
        if p.is_dir() {
            walk(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

/// Reads a folder: the Instagram activity files in it, or else the one WhatsApp chat text in
/// it (an unpacked export: `_chat.txt` beside its media), read as that file.
fn read_dir(dir: &Path, opts: &Options) -> Result<Imported, ImportError> {
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    let walked = files.clone();
    let mut parsed = Parsed::default();
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut bytes_total = 0u64;
    let mut modified: Option<Millis> = None;
    let mut found = 0usize;
    // Telegram and Meta chat exports, recognised by their content.
    let mut candidates = Vec::new();
    for (index, f) in files.iter().enumerate() {
        let Some(head) = json_head(f).map_err(|e| io_error(f, e))? else {
            continue;
        };
        // DiscordChatExporter and Hangouts first, as for a file: a DiscordChatExporter
        // record's `reactions` list is also a Meta key.
        if other_formats::json_kind(&head).is_some() {
            continue;
        }
        let shape = json::sniff(&head);
        if shape != json::Shape::Other {
            let name = f
                .strip_prefix(dir)
                .unwrap_or(f)
                .to_string_lossy()
                .replace('\\', "/");
            candidates.push(dyi::Candidate { name, shape, index });
        }
    }
    let mut format = "instagram-activity";
    if candidates
        .iter()
        .any(|c| c.shape != json::Shape::MetaProfile)
    {
        let mut src = DirReads {
            files: &files,
            opts,
            hasher: &mut hasher,
            bytes: &mut bytes_total,
        };
        let got = dyi::read_all(&dir.display().to_string(), &candidates, &mut src)?;
        parsed.chats = got.chats;
        parsed.diagnostics = got.diagnostics;
        modified = got.modified;
        found += 1;
        format = got.format.unwrap_or("messenger-json");
    }
    let taken: std::collections::HashSet<usize> = candidates.iter().map(|c| c.index).collect();
    for (i, f) in files.into_iter().enumerate() {
        if taken.contains(&i) {
            continue;
        }
        let is_json = f
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if !is_json {
            continue;
        }
        let bytes = std::fs::read(&f).map_err(|e| io_error(&f, e))?;
        if !instagram::is_activity_json(&bytes) {
            continue;
        }
        let rel = f.strip_prefix(dir).unwrap_or(&f).display().to_string();
        instagram::read_activity_json(&rel, &bytes, &mut parsed).map_err(|reason| {
            ImportError::Instagram {
                path: f.display().to_string(),
                reason,
            }
        })?;
        hasher.update(rel.as_bytes());
        hasher.update(&xxhash_rust::xxh3::xxh3_128(&bytes).to_le_bytes());
        bytes_total += bytes.len() as u64;
        let m = std::fs::metadata(&f)
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(millis);
        modified = modified.max(m);
        found += 1;
    }
    if found == 0 {
        if let Some(read) = other_formats::read_dir(&walked, opts) {
            return read;
        }
        return read_dir_chat(dir, &walked, opts);
    }
    Ok(Imported {
        parsed,
        format,
        file_hash: format!("{:032x}", hasher.digest128()),
        bytes: bytes_total,
        modified,
    })
}

/// The first bytes of a file that starts like a JSON object (after a byte-order mark and
/// whitespace), `None` for any other file. Media files cost one small read.
fn json_head(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let mut file = std::fs::File::open(path)?;
    let mut head = Vec::with_capacity(64);
    (&mut file).take(64).read_to_end(&mut head)?;
    let trimmed = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    if trimmed.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Ok(None);
    }
    file.take(HEAD as u64).read_to_end(&mut head)?;
    Ok(Some(head))
}

/// Reads a folder's JSON chat exports from disk, streaming, and hashes what it reads.
struct DirReads<'a> {
    files: &'a [PathBuf],
    opts: &'a Options,
    hasher: &'a mut xxhash_rust::xxh3::Xxh3,
    bytes: &'a mut u64,
}

impl DirReads<'_> {
    /// Streams one file through `read`, then hashes its name and bytes into the folder's hash.
    fn stream<T>(
        &mut self,
        c: &dyi::Candidate,
        read: impl FnOnce(&mut dyn Read) -> std::io::Result<T>,
    ) -> Result<T, ImportError> {
        let path = self.files.get(c.index).cloned().unwrap_or_default();
        let file = std::fs::File::open(&path).map_err(|e| io_error(&path, e))?;
        let digest = Digest::start();
        let mut reader = std::io::BufReader::with_capacity(
            1 << 20,
            Digesting {
                inner: file,
                digest: &digest,
            },
        );
        let out = read(&mut reader).map_err(|e| io_error(&path, e))?;
        std::io::copy(&mut reader, &mut std::io::sink()).map_err(|e| io_error(&path, e))?;
        drop(reader);
        let d = digest.into_inner();
        self.hasher.update(c.name.as_bytes());
        self.hasher.update(&d.hasher.digest128().to_le_bytes());
        *self.bytes += d.bytes;
        Ok(out)
    }
}

impl dyi::Reads for DirReads<'_> {
    fn telegram(&mut self, c: &dyi::Candidate) -> Result<telegram::TelegramExport, ImportError> {
        let opts = self.opts;
        let name = c.name.clone();
        self.stream(c, |r| telegram::read(&name, meta::SkipBom::new(r), opts))
    }

    fn thread_file(
        &mut self,
        c: &dyi::Candidate,
        t: &mut meta::ThreadReader,
    ) -> Result<(), ImportError> {
        let name = c.name.clone();
        self.stream(c, |r| t.read(&name, r))
    }

    fn bytes(&mut self, c: &dyi::Candidate) -> Result<Vec<u8>, ImportError> {
        self.stream(c, |r| {
            let mut v = Vec::new();
            r.read_to_end(&mut v)?;
            Ok(v)
        })
    }

    fn dated(&self, c: &dyi::Candidate) -> Option<Millis> {
        let path = self.files.get(c.index)?;
        std::fs::metadata(path)
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(millis)
    }

    fn dates_are_export_times(&self) -> bool {
        false
    }
}

/// Reads a zip's JSON chat exports, one entry in memory at a time (within the archive's caps).
struct ZipReads<'z, 'b> {
    name: &'z str,
    zip: &'z mut archive::Archive<'b>,
    entries: &'z [archive::Entry],
    opts: &'z Options,
}

impl ZipReads<'_, '_> {
    fn data(&mut self, c: &dyi::Candidate) -> Result<Vec<u8>, ImportError> {
        let Some(e) = self.entries.get(c.index) else {
            return Ok(Vec::new());
        };
        zip_read(self.name, self.zip, e)
    }
}

impl dyi::Reads for ZipReads<'_, '_> {
    fn telegram(&mut self, c: &dyi::Candidate) -> Result<telegram::TelegramExport, ImportError> {
        let data = self.data(c)?;
        Ok(telegram::read_slice(&c.name, &data, self.opts))
    }

    fn thread_file(
        &mut self,
        c: &dyi::Candidate,
        t: &mut meta::ThreadReader,
    ) -> Result<(), ImportError> {
        let data = self.data(c)?;
        t.read_slice(&c.name, &data);
        Ok(())
    }

    fn bytes(&mut self, c: &dyi::Candidate) -> Result<Vec<u8>, ImportError> {
        self.data(c)
    }

    fn dated(&self, c: &dyi::Candidate) -> Option<Millis> {
        self.entries.get(c.index)?.modified_in(&self.opts.tz)
    }

    fn dates_are_export_times(&self) -> bool {
        true
    }
}

/// Reads one zip entry within the caps.
fn zip_read(
    name: &str,
    zip: &mut archive::Archive<'_>,
    e: &archive::Entry,
) -> Result<Vec<u8>, ImportError> {
    zip.read(e).map_err(|err| entry_error(name, err))
}

/// The import error of a zip entry that could not be read.
fn entry_error(name: &str, err: archive::EntryError) -> ImportError {
    match err {
        archive::EntryError::Bad(reason) => ImportError::BadZip {
            path: name.to_owned(),
            reason,
        },
        archive::EntryError::Bomb(entry, reason) => ImportError::ZipBomb {
            path: name.to_owned(),
            entry,
            reason,
        },
    }
}

/// The one WhatsApp chat text of a folder without Instagram activity, read as that file (its
/// own modification time, not the folder's, is the file's date).
fn read_dir_chat(dir: &Path, files: &[PathBuf], opts: &Options) -> Result<Imported, ImportError> {
    let mut chats = Vec::new();
    for f in files
        .iter()
        .filter(|f| has_ext(&f.display().to_string(), "txt"))
    {
        let mut head = Vec::with_capacity(HEAD);
        std::fs::File::open(f)
            .and_then(|file| file.take(HEAD as u64).read_to_end(&mut head))
            .map_err(|e| io_error(f, e))?;
        if whatsapp_text(&f.display().to_string(), &head).is_some() {
            chats.push(f);
        }
    }
    match chats.as_slice() {
        [one] => read_path_raw(one, opts),
        [] => Err(ImportError::NoActivity {
            path: dir.display().to_string(),
        }),
        several => Err(ImportError::SeveralChats {
            path: dir.display().to_string(),
            chats: several
                .iter()
                .map(|f| f.strip_prefix(dir).unwrap_or(f).display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

fn has_ext(name: &str, ext: &str) -> bool {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    base.rsplit_once('.')
        .is_some_and(|(_, e)| e.eq_ignore_ascii_case(ext))
}

/// Text of a file: UTF-8, or decoded lossily with a warning naming the first bad line.
fn decode<'a>(
    name: &str,
    bytes: &'a [u8],
    diags: &mut Vec<Diagnostic>,
) -> std::borrow::Cow<'a, str> {
    // SIMD validation first: it is many times faster than the standard library on non-ASCII
    // text, and a chat export is validated whole.
    if let Ok(s) = simdutf8::basic::from_utf8(bytes) {
        return std::borrow::Cow::Borrowed(s);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(e) => {
            let upto = bytes.get(..e.valid_up_to()).unwrap_or(&[]);
            let line = memchr::memchr_iter(b'\n', upto).count() + 1;
            diags.push(Diagnostic {
                severity: Severity::Warning,
                line: u32::try_from(line).unwrap_or(u32::MAX),
                message: format!(
                    "{name} is not valid utf-8 (first at line {line}); undecodable bytes were replaced"
                ),
            });
            String::from_utf8_lossy(bytes)
        }
    }
}

/// Reads an export from memory. `name` is the file name, used in messages, for the chat
/// title, and as a hint for the format (the content decides first).
pub fn read_bytes(name: &str, bytes: &[u8], opts: &Options) -> Result<Imported, ImportError> {
    read_bytes_raw(name, bytes, opts).map(note_cut_texts)
}

/// [`read_bytes`] without the note on cut texts.
fn read_bytes_raw(name: &str, bytes: &[u8], opts: &Options) -> Result<Imported, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty {
            path: name.to_owned(),
        });
    }
    // As `read_path` does on the file's size (a zip is bounded by what it unpacks, a database
    // by SQLite): the app reads dropped files whole.
    let container = bytes.starts_with(b"PK") || imessage::is_sqlite(bytes);
    if !container && bytes.len() as u64 > MAX_INPUT {
        return Err(ImportError::TooLarge {
            path: name.to_owned(),
            size: bytes.len() as u64,
        });
    }
    let file_hash = hash_hex(bytes);
    let size = bytes.len() as u64;
    let done = |parsed: Parsed, format: &'static str| Imported {
        parsed,
        format,
        file_hash: file_hash.clone(),
        bytes: size,
        modified: None,
    };
    if let Some(read) = other_formats::read_bytes(name, bytes, opts)? {
        return Ok(done(read.0, read.1));
    }
    let sniffed = sniff(name, bytes);
    if sniffed == Sniff::Zip {
        let (parsed, format, modified) = read_zip(name, bytes, opts)?;
        return Ok(Imported {
            modified,
            ..done(parsed, format)
        });
    }
    if matches!(sniffed, Sniff::Json | Sniff::JsonLike) {
        match json::sniff(bytes) {
            json::Shape::TelegramChat | json::Shape::TelegramAccount => {
                let out = telegram::read_slice(name, bytes, opts);
                let parsed = Parsed {
                    chats: out.chats,
                    activity: Vec::new(),
                    diagnostics: out.diagnostics,
                };
                return Ok(done(parsed, "telegram-json"));
            }
            json::Shape::MetaThread => {
                let mut t = meta::ThreadReader::new();
                t.read_slice(name, bytes);
                let (parsed, format) = single_thread(name, t);
                return Ok(done(parsed, format));
            }
            json::Shape::MetaProfile => {
                return Err(ImportError::UnknownFormat {
                    path: name.to_owned(),
                    reason: "it is a meta profile file (the account's name and details), which holds no messages; import the whole \"download your information\" folder or zip instead".to_owned(),
                });
            }
            json::Shape::Other => {}
        }
    }
    if sniffed == Sniff::Json || (sniffed == Sniff::JsonLike && instagram::is_activity_json(bytes))
    {
        if !instagram::is_activity_json(bytes) {
            return Err(ImportError::UnknownFormat {
                path: name.to_owned(),
                reason: json::describe(bytes),
            });
        }
        let mut parsed = Parsed::default();
        instagram::read_activity_json(name, bytes, &mut parsed).map_err(|reason| {
            ImportError::Instagram {
                path: name.to_owned(),
                reason,
            }
        })?;
        return Ok(done(parsed, "instagram-activity"));
    }
    if let Some(backup) = sms::sniff(bytes.get(..HEAD).unwrap_or(bytes)) {
        let out = sms::read_slice(name, bytes);
        let parsed = Parsed {
            chats: out.chats,
            activity: Vec::new(),
            diagnostics: out.diagnostics,
        };
        return Ok(done(parsed, backup.format()));
    }
    let mut diags = Vec::new();
    if let Some(what) = recognise::recognise(name, bytes) {
        return Err(ImportError::NotAnExport {
            path: name.to_owned(),
            what,
        });
    }
    let Some(text) = text_of(name, bytes, &mut diags) else {
        return Err(ImportError::UnknownFormat {
            path: name.to_owned(),
            reason: "binary data, not a text export".to_owned(),
        });
    };
    if let Some(delimiter) = csv::sniff(text.as_bytes()) {
        let out = csv::read_slice(name, text.as_bytes(), delimiter, opts);
        diags.extend(out.diagnostics);
        let parsed = Parsed {
            chats: out.chats,
            activity: Vec::new(),
            diagnostics: diags,
        };
        return Ok(done(parsed, csv::FORMAT));
    }
    if line::looks_like_line(&text) {
        let out = line::parse(name, &text, opts);
        diags.extend(out.diagnostics);
        let parsed = Parsed {
            chats: (!out.chat.events.is_empty())
                .then_some(out.chat)
                .into_iter()
                .collect(),
            activity: Vec::new(),
            diagnostics: diags,
        };
        return Ok(done(parsed, line::FORMAT));
    }
    if !whatsapp::looks_like_whatsapp(&text) {
        // What the text looks like, and what to do (issue 8's readers first).
        let reason = sms::refusal(&text)
            .or_else(|| csv::refusal(&text))
            .unwrap_or_else(|| "its first lines are not whatsapp message headers".to_owned());
        return Err(ImportError::UnknownFormat {
            path: name.to_owned(),
            reason,
        });
    }
    let chat = whatsapp::parse_named(Some(name), &text, opts);
    let format = chat.variant.format();
    let mut parsed = Parsed {
        diagnostics: diags,
        ..Parsed::default()
    };
    parsed.diagnostics.extend(chat.diagnostics);
    parsed.chats.push(chat.chat);
    Ok(done(parsed, format))
}

/// The export time a chat entry's date vouches for. The phone writes the entry after the
/// chat's last message; an entry dated earlier (beyond the 2-second resolution of zip dates)
/// was re-dated by something else and says nothing about when the data ends.
fn export_time(entry: Option<Millis>, chat: &walkaway_model::ParsedChat) -> Option<Millis> {
    let entry = entry?;
    let last = chat.events.iter().map(|e| e.ts).max();
    match last {
        Some(l) if entry < l.saturating_sub(2_000) => None,
        _ => Some(entry),
    }
}

/// Folders of an Instagram export that hold activity files.
fn is_instagram_activity_path(name: &str) -> bool {
    [
        "your_instagram_activity/",
        "likes/",
        "comments/",
        "story_interactions/",
    ]
    .iter()
    .any(|p| name.starts_with(p) || name.contains(&format!("/{p}")))
}

/// Reads the chats (or the Instagram activity) of a zip: the parsed data, its format, and the
/// latest date of the entries read. Each WhatsApp chat's `exported_at` is its entry's date: the
/// time the phone wrote the chat when it exported it.
fn read_zip(
    name: &str,
    bytes: &[u8],
    opts: &Options,
) -> Result<(Parsed, &'static str, Option<Millis>), ImportError> {
    let zip = archive::Archive::open(bytes).map_err(|reason| ImportError::BadZip {
        path: name.to_owned(),
        reason,
    })?;
    read_archive(name, zip, opts)
}

/// Reads a zip file in place (it is never held in memory, nor are its WhatsApp chats: they are
/// parsed as they are unpacked), as [`read_bytes`] reads the same bytes; the hash and size are
/// those of the file.
fn read_zip_file(
    path: &Path,
    name: &str,
    file: std::fs::File,
    opts: &Options,
) -> Result<Imported, ImportError> {
    let zip = archive::Archive::open_file(file).map_err(|reason| ImportError::BadZip {
        path: name.to_owned(),
        reason,
    })?;
    let (parsed, format, modified) = read_archive(name, zip, opts)?;
    let (file_hash, bytes) = other_formats::hash_file(path).map_err(|e| io_error(path, e))?;
    Ok(Imported {
        parsed,
        format,
        file_hash,
        bytes,
        modified,
    })
}

/// Reads a zip of `len` bytes whose bytes stay where they are, fetched piece by piece through
/// `reader` (the browser app: a dropped export with its media is gigabytes, its chat megabytes).
/// Only the central directory and the entries read are fetched. As [`read_bytes`] reads the
/// same bytes, except the hash: it is of the size and the last 64 KiB (the central directory,
/// which holds every entry's checksum), since hashing the whole would mean fetching it all.
pub fn read_zip_at(
    name: &str,
    reader: std::rc::Rc<dyn archive::ReadAt>,
    len: u64,
    opts: &Options,
) -> Result<Imported, ImportError> {
    if len == 0 {
        return Err(ImportError::Empty {
            path: name.to_owned(),
        });
    }
    let mut tail = Vec::new();
    let mut source = archive::Source::far(reader.clone(), len);
    source
        .seek(SeekFrom::Start(len.saturating_sub(64 << 10)))
        .and_then(|_| source.read_to_end(&mut tail))
        .map_err(|e| ImportError::BadZip {
            path: name.to_owned(),
            reason: e.to_string().to_lowercase(),
        })?;
    tail.extend_from_slice(&len.to_le_bytes());
    let zip = archive::Archive::open_far(reader, len).map_err(|reason| ImportError::BadZip {
        path: name.to_owned(),
        reason,
    })?;
    let (parsed, format, modified) = read_archive(name, zip, opts)?;
    Ok(note_cut_texts(Imported {
        parsed,
        format,
        file_hash: hash_hex(&tail),
        bytes: len,
        modified,
    }))
}

/// [`read_zip`] of an opened archive.
fn read_archive(
    name: &str,
    mut zip: archive::Archive<'_>,
    opts: &Options,
) -> Result<(Parsed, &'static str, Option<Millis>), ImportError> {
    if zip.entries.len() > archive::MAX_FILES {
        return Err(ImportError::TooManyFiles {
            path: name.to_owned(),
            files: zip.entries.len(),
        });
    }
    let entries = zip.entries.clone();
    let read = |zip: &mut archive::Archive<'_>, e: &archive::Entry| zip_read(name, zip, e);

    // Telegram and Meta chat exports, recognised by their content; then Instagram activity.
    let mut parsed = Parsed::default();
    let mut modified: Option<Millis> = None;
    let mut activity_files = 0usize;
    let mut candidates = Vec::new();
    for (index, e) in entries.iter().enumerate() {
        let first = zip.head(e, 64);
        let trimmed = first.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&first);
        if trimmed.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            continue;
        }
        let head = zip.head(e, HEAD);
        // DiscordChatExporter and Hangouts are read below, as for a file.
        if other_formats::json_kind(&head).is_some() {
            continue;
        }
        let shape = json::sniff(&head);
        if shape != json::Shape::Other {
            candidates.push(dyi::Candidate {
                name: e.name.clone(),
                shape,
                index,
            });
        }
    }
    let mut json_format = None;
    if candidates
        .iter()
        .any(|c| c.shape != json::Shape::MetaProfile)
    {
        let mut src = ZipReads {
            name,
            zip: &mut zip,
            entries: &entries,
            opts,
        };
        let got = dyi::read_all(name, &candidates, &mut src)?;
        parsed.chats = got.chats;
        parsed.diagnostics = got.diagnostics;
        modified = got.modified;
        json_format = got.format;
    }
    let taken: std::collections::HashSet<usize> = candidates.iter().map(|c| c.index).collect();
    for (_, e) in entries
        .iter()
        .enumerate()
        .filter(|(i, e)| e.ext() == "json" && !taken.contains(i))
    {
        // Outside the known folders only small files are sniffed (DMs can be large).
        if !is_instagram_activity_path(&e.name) && e.size > 64 << 20 {
            continue;
        }
        let data = read(&mut zip, e)?;
        if !instagram::is_activity_json(&data) {
            continue;
        }
        instagram::read_activity_json(&e.name, &data, &mut parsed).map_err(|reason| {
            ImportError::Instagram {
                path: format!("{name} ({})", e.name),
                reason,
            }
        })?;
        activity_files += 1;
        modified = modified.max(e.modified_in(&opts.tz));
    }
    if let Some(f) = json_format {
        return Ok((parsed, f, modified));
    }
    if activity_files > 0 {
        return Ok((parsed, "instagram-activity", modified));
    }

    // WhatsApp: every chat text inside, whatever its name.
    let mut format = None;
    for e in &entries {
        match e.ext().as_str() {
            "txt" => {}
            "zip" => {
                parsed.diagnostics.push(Diagnostic {
                    severity: Severity::Note,
                    line: 0,
                    message: format!("{name}: nested zip archive {} was not opened", e.name),
                });
                continue;
            }
            _ => continue,
        }
        // The chat is parsed as it is unpacked, never held whole: the caps are checked on the
        // declared sizes first and then on every read (a bomb fails the import naming the
        // entry, even half-way through the chat).
        zip.check(e).map_err(|err| entry_error(name, err))?;
        let head = zip.head(e, HEAD);
        let Some(encoding) = whatsapp_text(&e.name, &head) else {
            parsed.diagnostics.push(Diagnostic {
                severity: Severity::Note,
                line: 0,
                message: format!("{name}: {} is not a whatsapp chat; skipped", e.name),
            });
            continue;
        };
        drop(head);
        let title_source = if whatsapp::title_from_file_name(&e.name).is_some() {
            e.name.as_str()
        } else {
            name
        };
        let bad = text::FirstBad::default();
        let chat = {
            // One fork of the archive per reading (the parser reads the entry a second time
            // in the rare case the whole chat overturns the decision its first lines gave).
            let (mut first, mut again) = (zip.fork(), zip.fork());
            let mut forks = [Some(&mut first), Some(&mut again)];
            let archive = &zip;
            let mut open = |pass: whatsapp::Pass| -> std::io::Result<Box<dyn Read + '_>> {
                let slot = match pass {
                    whatsapp::Pass::First => 0,
                    whatsapp::Pass::Again => 1,
                };
                let fork = forks
                    .get_mut(slot)
                    .and_then(Option::take)
                    .ok_or_else(|| std::io::Error::other("the chat was read more than twice"))?;
                let raw = archive.unpack(fork, e).map_err(std::io::Error::other)?;
                Ok(match encoding {
                    Encoding::Utf8 => Box::new(raw),
                    Encoding::Utf16(order) => {
                        Box::new(text::Utf16Reader::new(raw, order, bad.clone()))
                    }
                })
            };
            whatsapp::parse_stream_titled(&e.name, title_source, &mut open, opts)
                .map_err(|err| entry_error(name, archive::EntryError::from_io(err, &e.name)))?
        };
        let mut chat = chat;
        let mut diags = Vec::new();
        if let Some(line) = bad.get() {
            diags.push(text::bad_utf16(&e.name, line));
        }
        format.get_or_insert(chat.variant.format());
        for mut d in diags.into_iter().chain(chat.diagnostics) {
            d.message = format!("{}: {}", e.name, d.message);
            parsed.diagnostics.push(d);
        }
        let dated = e.modified_in(&opts.tz);
        modified = modified.max(dated);
        chat.chat.exported_at = export_time(dated, &chat.chat);
        if dated.is_some() && chat.chat.exported_at.is_none() {
            parsed.diagnostics.push(Diagnostic {
                severity: Severity::Note,
                line: 0,
                message: format!(
                    "{}: the zip entry is dated before the chat's last message, so its date is not taken as the export time",
                    e.name
                ),
            });
        }
        parsed.chats.push(chat.chat);
    }
    if format.is_none()
        && let Some(read) = other_formats::read_zip(name, &mut zip, &entries, opts)?
    {
        return Ok(read);
    }
    match format {
        Some(f) => Ok((parsed, f, modified)),
        None => Err(ImportError::NoChat {
            path: name.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every chat text is streamed from disk, iOS ones (which start with `[`, like JSON) too.
    #[test]
    fn chat_texts_are_recognised_for_streaming() {
        let ios = b"[31/12/2023, 21:05:33] Ann: hi\n".as_slice();
        let android = b"31/12/2023, 21:05 - Ann: hi\n".as_slice();
        let utf16: Vec<u8> = "[31/12/2023, 21:05:33] Ann: hi\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(whatsapp_text("_chat.txt", ios), Some(Encoding::Utf8));
        assert_eq!(whatsapp_text("chat", android), Some(Encoding::Utf8));
        assert_eq!(
            whatsapp_text("_chat.txt", &utf16),
            Some(Encoding::Utf16(text::Utf16::Le))
        );
        assert_eq!(whatsapp_text("a.json", ios), None);
        assert_eq!(whatsapp_text("x", b"[1, 2, 3]"), None);
        assert_eq!(whatsapp_text("x.zip", android), None);
    }
}
