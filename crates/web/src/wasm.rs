//! The JavaScript face of [`Session`]: JSON strings in and out, so the page needs no generated
//! types and an error is an ordinary value (`{"error": "..."}`), never an exception.

use wasm_bindgen::prelude::wasm_bindgen;

use crate::{FileIn, ReportOptions, Session};

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

    /// The report on one chat: `{"html": "...", "json": "...", "notes": [...]}` or
    /// `{"error": "..."}`. `options` is a JSON [`ReportOptions`].
    pub fn report(&mut self, options: &str) -> String {
        let options: ReportOptions = match serde_json::from_str(options) {
            Ok(o) => o,
            Err(e) => return error(&format!("bad options: {e}")),
        };
        match self.session.report(&options) {
            // The JSON report goes as the string the CLI would print (key order kept).
            Ok(r) => {
                serde_json::json!({ "html": r.html, "json": r.json, "notes": r.notes }).to_string()
            }
            Err(e) => error(&e),
        }
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
