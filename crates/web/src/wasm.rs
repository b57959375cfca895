//! The JavaScript face of [`Session`]: JSON strings in and out, so the page needs no generated
//! types and an error is an ordinary value (`{"error": "..."}`), never an exception.

use wasm_bindgen::prelude::wasm_bindgen;

use std::rc::Rc;

use walkaway_import::archive::ReadAt;

use crate::{FarZip, FileIn, ReportOptions, Session};

#[wasm_bindgen]
extern "C" {
    /// A JavaScript object with `read_at(pos, len)` answering a `Uint8Array` of at most `len`
    /// bytes of a file from `pos` (in a worker: `FileReaderSync` on `File.slice`), or throwing.
    pub type FileReaderAt;

    #[wasm_bindgen(method, catch, js_name = read_at)]
    fn fetch(this: &FileReaderAt, pos: f64, len: u32) -> Result<Vec<u8>, wasm_bindgen::JsValue>;
}

impl ReadAt for FileReaderAt {
    fn read_at(&self, pos: u64, buf: &mut [u8]) -> std::io::Result<usize> {
        let len = u32::try_from(buf.len()).unwrap_or(u32::MAX);
        let bytes = self.fetch(pos as f64, len).map_err(|e| {
            std::io::Error::other(
                e.as_string()
                    .unwrap_or_else(|| "the file can no longer be read".to_owned()),
            )
        })?;
        let n = bytes.len().min(buf.len());
        buf[..n].copy_from_slice(&bytes[..n]);
        Ok(n)
    }
}

/// Whether a file of a dropped folder is worth reading at all (`walkaway_import::worth_trying`):
/// the page never reads the photos and videos of an export.
#[wasm_bindgen]
pub fn worth_trying(name: &str) -> bool {
    walkaway_import::worth_trying(name)
}

/// The files of one visit and their reports.
#[wasm_bindgen]
pub struct App {
    session: Session,
}

#[wasm_bindgen]
impl App {
    #[wasm_bindgen(constructor)]
    pub fn new() -> App {
        // The worker makes the app as it starts, before any file: compile the signal
        // patterns now rather than after "Show the report".
        walkaway_analysis::signals::Matcher::warm_up();
        App {
            session: Session::new(),
        }
    }

    /// Adds a file: its name (a folder's files: the relative path), bytes and
    /// `File.lastModified` (milliseconds; NaN or negative when unknown).
    pub fn add_file(&mut self, name: String, bytes: Vec<u8>, last_modified: f64) {
        let modified =
            (last_modified.is_finite() && last_modified > 0.0).then_some(last_modified as i64);
        self.session.add(FileIn {
            name,
            bytes,
            modified,
        });
    }

    /// Adds a zip of `len` bytes that stays in the browser's file: only its central directory
    /// and the entries worth reading are fetched, through `reader`, whenever the files are read.
    pub fn add_zip_at(&mut self, name: String, len: f64, last_modified: f64, reader: FileReaderAt) {
        let modified =
            (last_modified.is_finite() && last_modified > 0.0).then_some(last_modified as i64);
        self.session.add_zip_at(FarZip {
            name,
            reader: Rc::new(reader),
            len: len.max(0.0) as u64,
            modified,
        });
    }

    /// Forgets every file.
    pub fn clear(&mut self) {
        self.session.clear();
    }

    /// What the files hold, read in zone `tz`: `{"files": [...], "chats": [...],
    /// "instagram_accounts": [...]}` or `{"error": "..."}`.
    pub fn inspect(&mut self, tz: &str) -> String {
        match self.session.inspect(tz) {
            Ok(found) => serde_json::to_string(&found).unwrap_or_else(|e| error(&e.to_string())),
            Err(e) => error(&e),
        }
    }

    /// The report on one chat: a [`ReportOut`] whose `error` is empty, or whose `error` says
    /// why there is none. `options` is a JSON [`ReportOptions`]. The HTML and the JSON come
    /// back as two strings, never wrapped in one more JSON document: at a million messages
    /// the JSON alone is megabytes, and escaping it again cost time in the page.
    pub fn report(&mut self, options: &str) -> ReportOut {
        let options: ReportOptions = match serde_json::from_str(options) {
            Ok(o) => o,
            Err(e) => return ReportOut::error(format!("bad options: {e}")),
        };
        match self.session.report(&options) {
            // The JSON report is the string the CLI would print (key order kept).
            Ok(r) => ReportOut {
                html: r.html,
                json: r.json,
                notes: serde_json::to_string(&r.notes).unwrap_or_else(|_| "[]".to_owned()),
                error: String::new(),
            },
            Err(e) => ReportOut::error(e),
        }
    }
}

/// A report handed to JavaScript: each field is read once (`take_*` moves the string out).
#[wasm_bindgen]
pub struct ReportOut {
    html: String,
    json: String,
    /// A JSON array of one-line notes.
    notes: String,
    error: String,
}

#[wasm_bindgen]
impl ReportOut {
    fn error(message: String) -> ReportOut {
        ReportOut {
            html: String::new(),
            json: String::new(),
            notes: "[]".to_owned(),
            error: message,
        }
    }

    /// Why there is no report ("" when there is one).
    pub fn take_error(&mut self) -> String {
        std::mem::take(&mut self.error)
    }

    pub fn take_html(&mut self) -> String {
        std::mem::take(&mut self.html)
    }

    pub fn take_json(&mut self) -> String {
        std::mem::take(&mut self.json)
    }

    /// A JSON array of strings.
    pub fn take_notes(&mut self) -> String {
        std::mem::take(&mut self.notes)
    }
}

impl Default for App {
    fn default() -> App {
        App::new()
    }
}

fn error(message: &str) -> String {
    serde_json::json!({ "error": message }).to_string()
}
