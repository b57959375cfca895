//! The walkaway database: the only code that knows the SQLite schema.
//!
//! Everything walkaway remembers between runs (imported chats, the user's choice of who they
//! are in each chat, step-back plans, Instagram activity and the log of imports) lives in one
//! SQLite file whose path the caller chooses. This crate owns that file: it creates it private
//! to its owner, migrates its schema ([`schema`]), imports parsed exports idempotently in one
//! transaction each ([`import`]), and answers typed queries. No other crate writes SQL.
//!
//! Invariants:
//! - An import is one transaction: a failure or a kill leaves the previous state intact.
//! - Importing the same export twice adds nothing; a newer, longer export of the same chat adds
//!   exactly its new events. Events are identified by (chat, instant, fingerprint), see
//!   [`import`].
//! - A chat is identified by its source and its participants, never by a file name.
#![forbid(unsafe_code)]

mod blocks;
mod fingerprint;
mod import;
mod people;
pub mod schema;

use std::io;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};
use walkaway_model::{Activity, ActivityKind, Event, Events, Millis, Parsed, PersonIdx, Source};

pub use fingerprint::fingerprint;
pub use people::{Forgotten, Handle, Person, PersonChat, Suggestion, normalise_phone};

/// Everything that can go wrong in the store. Messages are lowercase and name the database
/// path or the chat involved.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the folder of database {}: {source}", path.display())]
    CreateDir { path: PathBuf, source: io::Error },
    #[error("cannot open database {}: {source}", path.display())]
    OpenFile { path: PathBuf, source: io::Error },
    #[error("cannot open database {}: {source}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "database {path} has schema version {found}, newer than version {supported} that this \
         walkaway understands; upgrade walkaway to open it"
    )]
    NewerSchema {
        path: String,
        found: i64,
        supported: i64,
    },
    #[error("{path} is an sqlite database of another application, not a walkaway database")]
    Foreign { path: String },
    /// Another process holds the database's write lock longer than the busy timeout.
    #[error("database {path} is busy: another walkaway is writing to it; try again in a moment")]
    Busy { path: String },
    #[error("database {path}: {source}")]
    Sqlite {
        path: String,
        source: rusqlite::Error,
    },
    #[error("database {path} holds an invalid {what}")]
    Corrupt { path: String, what: String },
    #[error("no chat with id {id}")]
    UnknownChat { id: String },
    #[error("{name} is not a participant of chat {chat} (participants: {participants})")]
    NotParticipant {
        chat: String,
        name: String,
        participants: String,
    },
    #[error("chat {index} of {path} has no source and the format {format} names none")]
    MissingSource {
        path: String,
        index: usize,
        format: String,
    },
    #[error("chat {index} of {path}: {problem}")]
    InvalidChat {
        path: String,
        index: usize,
        problem: String,
    },
    #[error("invalid plan for chat {chat}: {problem}")]
    InvalidPlan { chat: String, problem: String },
    #[error(
        "chat {chat} already has an active step-back plan (started {start_date}); end it first \
         or replace it"
    )]
    ActivePlan { chat: String, start_date: String },
    #[error(
        "chat {chat} was imported with its times read in {stored}, and this import reads \
         them in {given}; that would shift every message and store it twice. Import it again \
         with --tz {stored}"
    )]
    ZoneMismatch {
        path: String,
        chat: String,
        stored: String,
        given: String,
    },
    #[error("no person {query}; `walkaway people` lists them with their ids")]
    UnknownPerson { query: String },
    #[error(
        "no handle {handle} in the database; `walkaway people` lists every handle as \
         SOURCE:HANDLE"
    )]
    UnknownHandle { handle: String },
    #[error("{handle} is you (in chat {chat}); only other people's handles can be linked")]
    HandleIsYou { handle: String, chat: String },
    #[error("{handle} does not belong to {person}; `walkaway people` shows whose it is")]
    NotHandleOf { handle: String, person: String },
    #[error("{handle} is the only handle of {person}; there is nothing to unlink it from")]
    OnlyHandle { handle: String, person: String },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Attaches the database path to SQLite errors.
trait Ctx<T> {
    fn db(self, path: &str) -> Result<T>;
}

impl<T> Ctx<T> for rusqlite::Result<T> {
    fn db(self, path: &str) -> Result<T> {
        self.map_err(|source| sqlite_error(path, source))
    }
}

/// True for SQLite's "busy" and "locked": another connection holds the lock.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// A SQLite error on database `path`: busy becomes [`StoreError::Busy`].
fn sqlite_error(path: &str, source: rusqlite::Error) -> StoreError {
    if is_busy(&source) {
        StoreError::Busy {
            path: path.to_owned(),
        }
    } else {
        StoreError::Sqlite {
            path: path.to_owned(),
            source,
        }
    }
}

/// What the caller knows about the file being imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportMeta {
    pub path: String,
    /// Hash of the file's bytes (any stable text form, e.g. hex SHA-256 or xxh3).
    pub file_hash: String,
    pub bytes: u64,
    /// Format name as the importer reports it (e.g. "whatsapp"); also the fallback source of
    /// chats whose [`walkaway_model::ParsedChat::source`] is `None`.
    pub format: String,
    /// Zone the file's wall-clock times were read in (IANA name), for formats without zones;
    /// empty for formats that record instants. A chat refuses an import whose zone differs from
    /// the one its earlier imports used (the same export would otherwise be stored twice).
    pub tz: String,
    /// The file's modification time, when known.
    pub modified: Option<Millis>,
    pub imported_at: Millis,
}

/// What one import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportSummary {
    pub import_id: i64,
    pub chats: Vec<ChatImportSummary>,
    pub activity_added: u64,
    pub activity_present: u64,
    /// An import with the same file hash was recorded before (events were still checked).
    pub same_file_seen_before: bool,
}

/// What one import did to one chat. Counts are events (messages, calls, reactions, system).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatImportSummary {
    pub chat_id: String,
    pub title: String,
    pub participants: Vec<String>,
    /// The chat was created by this import.
    pub new_chat: bool,
    pub added: u64,
    /// Events of the export that were already stored.
    pub present: u64,
}

/// A stored chat, without its events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatInfo {
    pub id: String,
    pub title: String,
    pub sources: Vec<Source>,
    /// Names of the participants, in the order they were first stored (the sender indexes of
    /// [`LoadedChat::events`]).
    pub participants: Vec<String>,
    /// The participant the user said they are ([`Store::set_me`]).
    pub me: Option<String>,
    /// The participant the export itself says is the user (e.g. wrote "You deleted this
    /// message"), when an import said so; `me` wins when both are known.
    pub me_hint: Option<String>,
    pub messages: u64,
    pub events: u64,
    /// Instant of the first and last stored event.
    pub first: Option<Millis>,
    pub last: Option<Millis>,
    /// Default "as of": the latest instant any import vouches the data covers ([`data_end`]).
    pub data_end: Option<Millis>,
    /// Where `data_end` came from.
    pub data_end_source: Option<DataEndSource>,
    /// Whole-file warnings of the imports that added events to this chat (e.g. "date order is
    /// ambiguous; ..."), in import order, each once. Lowercase sentences without message text.
    pub notes: Vec<String>,
}

pub use walkaway_model::{DataEndSource, data_end};

/// A chat with all its events, ready for analysis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadedChat {
    pub info: ChatInfo,
    /// Participant names; `Event::sender` indexes this.
    pub people: Vec<String>,
    /// Events sorted by instant; ties keep the source file's order.
    pub events: Events,
    /// The stored choice of [`Store::set_me`].
    pub me: Option<PersonIdx>,
    /// Who the export itself says the user is, when it says.
    pub me_hint: Option<PersonIdx>,
}

/// A step-back plan (METRICS.md): from `start_date` the user stays quiet for `window_days`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Local date `YYYY-MM-DD`.
    pub start_date: String,
    pub window_days: u32,
    pub fast_reply_minutes: u32,
    /// The partner's social-media accounts (for the likes-and-comments breach rule).
    pub partner_accounts: Vec<String>,
    pub created_at: Millis,
    /// Local date `YYYY-MM-DD` the plan was ended, `None` while active.
    pub ended_on: Option<String>,
}

pub use walkaway_model::import_notes;

/// A stored plan with its identity: plans are never deleted, so ended ones stay listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanEntry {
    /// Stable number of the plan in this database (`walkaway plan show ID`).
    pub id: i64,
    pub chat_id: String,
    pub plan: Plan,
}

/// One row of the import log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRecord {
    pub id: i64,
    pub path: String,
    pub file_hash: String,
    pub format: String,
    pub tz: String,
    pub imported_at: Millis,
    pub events_added: u64,
    pub events_present: u64,
}

/// An open walkaway database.
pub struct Store {
    conn: Connection,
    /// The path as shown in error messages (`:memory:` for in-memory databases).
    path: String,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (creating it and its folders when missing) the database at `path` and brings its
    /// schema up to date. A new file is readable and writable by its owner only.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
            && !parent.exists()
        {
            create_private_dir(parent).map_err(|source| StoreError::CreateDir {
                path: path.to_path_buf(),
                source,
            })?;
        }
        create_private_file(path).map_err(|source| StoreError::OpenFile {
            path: path.to_path_buf(),
            source,
        })?;
        let conn = Connection::open(path).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        Store::setup(conn, path)
    }

    /// Opens a fresh database that lives in memory only (tests, dry runs).
    pub fn open_in_memory() -> Result<Store> {
        let path = Path::new(":memory:");
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        Store::setup(conn, path)
    }

    fn setup(mut conn: Connection, path: &Path) -> Result<Store> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        // Larger pages make the bulk event insert and scan cheaper; SQLite ignores this on an
        // existing database.
        conn.pragma_update(None, "page_size", 16384)
            .map_err(open_err)?;
        // An import runs a few dozen statements per chat (crates/store/src/import.rs): all of
        // them stay prepared.
        conn.set_prepared_statement_cache_capacity(64);
        // Another walkaway process (a second import, `serve`) may hold the write lock briefly.
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(open_err)?;
        // Switching a new database to WAL needs a moment's exclusive lock, and SQLite does not
        // always wait on the busy handler for it: wait here, as long as the busy timeout.
        let shown_busy = || StoreError::Busy {
            path: path.display().to_string(),
        };
        let waited = std::time::Instant::now();
        loop {
            match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
                Ok(_) => break,
                Err(e) if is_busy(&e) => {
                    if waited.elapsed() > std::time::Duration::from_secs(10) {
                        return Err(shown_busy());
                    }
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(e) => return Err(open_err(e)),
            }
        }
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;",
        )
        .map_err(open_err)?;
        let shown = path.display().to_string();
        schema::migrate(&mut conn).map_err(|e| match e {
            schema::MigrateError::Newer { found } => StoreError::NewerSchema {
                path: shown.clone(),
                found,
                supported: schema::latest_version(),
            },
            schema::MigrateError::Foreign => StoreError::Foreign {
                path: shown.clone(),
            },
            schema::MigrateError::Sqlite(source) if is_busy(&source) => StoreError::Busy {
                path: shown.clone(),
            },
            schema::MigrateError::Sqlite(source) => open_err(source),
        })?;
        Ok(Store { conn, path: shown })
    }

    /// The path shown in messages.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// SQLite's `PRAGMA integrity_check`: `"ok"`, or the problems found.
    pub fn integrity_check(&self) -> Result<String> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check").db(&self.path)?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .db(&self.path)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .db(&self.path)?;
        Ok(rows.join("\n"))
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .db(&self.path)
    }

    /// Stores a parsed export in one transaction and records the import. See [`import`] for
    /// how chats and events are recognised.
    pub fn import(&mut self, meta: &ImportMeta, parsed: &Parsed) -> Result<ImportSummary> {
        // Events are written as a few hundred block rows appended at the B-tree's right edge,
        // so a small page cache is enough: a large one only held every dirty page of the
        // import in memory until the commit (60 MB more peak memory for a 1M-message chat,
        // no faster). SQLite spills the excess to the WAL inside the transaction, which stays
        // uncommitted (and invisible) until the commit (negative values are KiB).
        self.conn
            .pragma_update(None, "cache_size", -2048)
            .db(&self.path)?;
        // IMMEDIATE takes the write lock up front, so a concurrent writer makes this import
        // wait (busy timeout) instead of failing halfway through.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .db(&self.path)?;
        let summary = import::import(&tx, &self.path, meta, parsed)?;
        tx.commit().db(&self.path)?;
        self.conn
            .pragma_update(None, "cache_size", -16_384)
            .db(&self.path)?;
        Ok(summary)
    }

    /// Every chat, in the order they were first imported.
    pub fn chats(&self) -> Result<Vec<ChatInfo>> {
        let mut stmt = self
            .conn
            .prepare("SELECT pk FROM chat ORDER BY pk")
            .db(&self.path)?;
        let pks = stmt
            .query_map([], |r| r.get::<_, i64>(0))
            .db(&self.path)?
            .collect::<rusqlite::Result<Vec<i64>>>()
            .db(&self.path)?;
        let mut out = Vec::with_capacity(pks.len());
        for pk in pks {
            if let Some(info) = self.chat_by_pk(pk)? {
                out.push(info);
            }
        }
        Ok(out)
    }

    /// The chat with this id, if any.
    pub fn chat(&self, id: &str) -> Result<Option<ChatInfo>> {
        match self.chat_pk(id)? {
            Some(pk) => self.chat_by_pk(pk),
            None => Ok(None),
        }
    }

    /// A chat with all its events, sorted by instant with ties in file order.
    pub fn load_chat(&self, id: &str) -> Result<LoadedChat> {
        let pk = self.require_chat(id)?;
        let Some(info) = self.chat_by_pk(pk)? else {
            return Err(StoreError::UnknownChat { id: id.to_owned() });
        };
        let people = info.participants.clone();
        let events = self.load_events(pk, &info, people.len())?;
        let position = |name: &Option<String>| {
            name.as_ref()
                .and_then(|n| people.iter().position(|p| p == n))
                .map(|i| i as PersonIdx)
        };
        let me = position(&info.me);
        let me_hint = position(&info.me_hint);
        Ok(LoadedChat {
            info,
            people,
            events,
            me,
            me_hint,
        })
    }

    fn load_events(&self, pk: i64, info: &ChatInfo, people: usize) -> Result<Events> {
        let capacity = usize::try_from(info.events).unwrap_or(0).min(1 << 26);
        let mut events = Events::with_capacity(capacity, 0);
        let mut ties = Vec::with_capacity(capacity);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT import, keys, data FROM event_block WHERE chat = ?1 ORDER BY first_ts, id",
            )
            .db(&self.path)?;
        let mut rows = stmt.query([pk]).db(&self.path)?;
        let corrupt = |what: &str| StoreError::Corrupt {
            path: self.path.clone(),
            what: format!("{what} in chat {}", info.id),
        };
        while let Some(row) = rows.next().db(&self.path)? {
            let import: i64 = row.get(0).db(&self.path)?;
            let keys = row.get_ref(1).db(&self.path)?;
            let keys = keys.as_blob().map_err(|_| corrupt("event block keys"))?;
            let data = row.get_ref(2).db(&self.path)?;
            let data = data.as_blob().map_err(|_| corrupt("event block"))?;
            blocks::decode(keys, data, import, people, &mut events, &mut ties).map_err(corrupt)?;
        }
        if !ties.is_sorted() {
            // Reorder the events (their texts stay where they are in the buffer).
            let mut keyed: Vec<(blocks::TieKey, Event)> =
                ties.into_iter().zip(events.iter().copied()).collect();
            keyed.sort_by_key(|(k, _)| *k);
            for (slot, (_, e)) in events.iter_mut().zip(keyed) {
                *slot = e;
            }
        }
        Ok(events)
    }

    /// Records which participant the user is in this chat.
    pub fn set_me(&mut self, chat_id: &str, name: &str) -> Result<()> {
        let pk = self.require_chat(chat_id)?;
        let members = self.members(pk)?;
        let Some(idx) = members.iter().position(|m| m == name) else {
            return Err(StoreError::NotParticipant {
                chat: chat_id.to_owned(),
                name: name.to_owned(),
                participants: members.join(", "),
            });
        };
        self.conn
            .execute(
                "UPDATE chat SET me = ?1 WHERE pk = ?2",
                params![idx as i64, pk],
            )
            .db(&self.path)?;
        Ok(())
    }

    /// Stores a new plan for the chat and returns its id. Refused with
    /// [`StoreError::ActivePlan`] while another plan of the chat is active: use
    /// [`Store::replace_plan`].
    pub fn start_plan(&mut self, chat_id: &str, plan: &Plan) -> Result<i64> {
        self.insert_plan(chat_id, plan, None)
    }

    /// Ends the chat's active plan (if any) on `old_ends_on` and stores `plan`, in one
    /// transaction; the ended plan stays in the history. Returns the new plan's id.
    pub fn replace_plan(&mut self, chat_id: &str, plan: &Plan, old_ends_on: &str) -> Result<i64> {
        self.insert_plan(chat_id, plan, Some(old_ends_on))
    }

    fn insert_plan(&mut self, chat_id: &str, plan: &Plan, replace: Option<&str>) -> Result<i64> {
        let pk = self.require_chat(chat_id)?;
        let invalid = |problem: String| StoreError::InvalidPlan {
            chat: chat_id.to_owned(),
            problem,
        };
        if !valid_date(&plan.start_date) {
            return Err(invalid(format!(
                "start date {:?} is not a date of the form YYYY-MM-DD",
                plan.start_date
            )));
        }
        if plan.window_days == 0 {
            return Err(invalid("the window must be at least one day".to_owned()));
        }
        if let Some(end) = &plan.ended_on {
            if !valid_date(end) {
                return Err(invalid(format!(
                    "end date {end:?} is not a date of the form YYYY-MM-DD"
                )));
            }
            if end.as_str() < plan.start_date.as_str() {
                return Err(invalid(format!(
                    "end date {end} is before the start date {}",
                    plan.start_date
                )));
            }
        }
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .db(&path)?;
        if plan.ended_on.is_none() {
            let active: Option<String> = tx
                .query_row(
                    "SELECT start_date FROM plan WHERE chat = ?1 AND ended_on IS NULL",
                    [pk],
                    |r| r.get(0),
                )
                .optional()
                .db(&path)?;
            if let Some(start_date) = active {
                let Some(ends_on) = replace else {
                    return Err(StoreError::ActivePlan {
                        chat: chat_id.to_owned(),
                        start_date,
                    });
                };
                if !valid_date(ends_on) || ends_on < start_date.as_str() {
                    return Err(invalid(format!(
                        "the replaced plan cannot end on {ends_on:?}: it started on {start_date}"
                    )));
                }
                tx.execute(
                    "UPDATE plan SET ended_on = ?1 WHERE chat = ?2 AND ended_on IS NULL",
                    params![ends_on, pk],
                )
                .db(&path)?;
            }
        }
        tx.execute(
            "INSERT INTO plan (chat, start_date, window_days, fast_reply_minutes, created_at, ended_on)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                pk,
                plan.start_date,
                plan.window_days,
                plan.fast_reply_minutes,
                plan.created_at,
                plan.ended_on
            ],
        )
        .db(&path)?;
        let plan_id = tx.last_insert_rowid();
        {
            let mut stmt = tx
                .prepare("INSERT INTO plan_account (plan, ord, account) VALUES (?1, ?2, ?3)")
                .db(&path)?;
            for (ord, account) in plan.partner_accounts.iter().enumerate() {
                stmt.execute(params![plan_id, ord as i64, account])
                    .db(&path)?;
            }
        }
        tx.commit().db(&path)?;
        Ok(plan_id)
    }

    /// The chat's plan that has not ended, if any.
    pub fn active_plan(&self, chat_id: &str) -> Result<Option<Plan>> {
        let pk = self.require_chat(chat_id)?;
        Ok(self
            .plan_rows("p.chat = ?1 AND p.ended_on IS NULL", pk)?
            .into_iter()
            .next()
            .map(|e| e.plan))
    }

    /// Every plan, active and ended, oldest first; only the chat's with `Some(chat_id)`.
    pub fn plans(&self, chat_id: Option<&str>) -> Result<Vec<PlanEntry>> {
        match chat_id {
            Some(id) => {
                let pk = self.require_chat(id)?;
                self.plan_rows("p.chat = ?1", pk)
            }
            None => self.plan_rows("?1 IS NOT NULL", 0),
        }
    }

    /// The plan with this id, active or ended.
    pub fn plan(&self, id: i64) -> Result<Option<PlanEntry>> {
        Ok(self.plan_rows("p.id = ?1", id)?.into_iter().next())
    }

    fn plan_rows(&self, filter: &str, arg: i64) -> Result<Vec<PlanEntry>> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT p.id, c.id, p.start_date, p.window_days, p.fast_reply_minutes,
                        p.created_at, p.ended_on
                 FROM plan p JOIN chat c ON c.pk = p.chat WHERE {filter} ORDER BY p.id"
            ))
            .db(&self.path)?;
        let mut entries = stmt
            .query_map([arg], |r| {
                Ok(PlanEntry {
                    id: r.get(0)?,
                    chat_id: r.get(1)?,
                    plan: Plan {
                        start_date: r.get(2)?,
                        window_days: r.get(3)?,
                        fast_reply_minutes: r.get(4)?,
                        partner_accounts: Vec::new(),
                        created_at: r.get(5)?,
                        ended_on: r.get(6)?,
                    },
                })
            })
            .db(&self.path)?
            .collect::<rusqlite::Result<Vec<PlanEntry>>>()
            .db(&self.path)?;
        let mut stmt = self
            .conn
            .prepare("SELECT account FROM plan_account WHERE plan = ?1 ORDER BY ord")
            .db(&self.path)?;
        for e in &mut entries {
            e.plan.partner_accounts = stmt
                .query_map([e.id], |r| r.get(0))
                .db(&self.path)?
                .collect::<rusqlite::Result<Vec<String>>>()
                .db(&self.path)?;
        }
        Ok(entries)
    }

    /// Ends the chat's active plan on `ended_on` (`YYYY-MM-DD`); false when none is active.
    /// An end before the plan's start is refused.
    pub fn end_plan(&mut self, chat_id: &str, ended_on: &str) -> Result<bool> {
        let pk = self.require_chat(chat_id)?;
        let invalid = |problem: String| StoreError::InvalidPlan {
            chat: chat_id.to_owned(),
            problem,
        };
        if !valid_date(ended_on) {
            return Err(invalid(format!(
                "end date {ended_on:?} is not a date of the form YYYY-MM-DD"
            )));
        }
        if let Some(active) = self.active_plan(chat_id)?
            && ended_on < active.start_date.as_str()
        {
            return Err(invalid(format!(
                "end date {ended_on} is before the plan's start date {}",
                active.start_date
            )));
        }
        let n = self
            .conn
            .execute(
                "UPDATE plan SET ended_on = ?1 WHERE chat = ?2 AND ended_on IS NULL",
                params![ended_on, pk],
            )
            .db(&self.path)?;
        Ok(n > 0)
    }

    /// All stored social-media activity, by instant.
    pub fn activity(&self) -> Result<Vec<Activity>> {
        let mut stmt = self
            .conn
            .prepare("SELECT source, ts, kind, target, url, text FROM activity ORDER BY ts, id")
            .db(&self.path)?;
        let mut rows = stmt.query([]).db(&self.path)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().db(&self.path)? {
            let source: String = r.get(0).db(&self.path)?;
            let kind: String = r.get(2).db(&self.path)?;
            let corrupt = |what: String| StoreError::Corrupt {
                path: self.path.clone(),
                what,
            };
            out.push(Activity {
                source: Source::parse(&source)
                    .ok_or_else(|| corrupt(format!("activity source {source:?}")))?,
                ts: r.get(1).db(&self.path)?,
                kind: ActivityKind::parse(&kind)
                    .ok_or_else(|| corrupt(format!("activity kind {kind:?}")))?,
                target: r.get(3).db(&self.path)?,
                url: r.get(4).db(&self.path)?,
                text: r.get(5).db(&self.path)?,
            });
        }
        Ok(out)
    }

    /// The import log, oldest first.
    pub fn imports(&self) -> Result<Vec<ImportRecord>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, path, file_hash, format, tz, imported_at, events_added, events_present
                 FROM import ORDER BY id",
            )
            .db(&self.path)?;
        stmt.query_map([], |r| {
            Ok(ImportRecord {
                id: r.get(0)?,
                path: r.get(1)?,
                file_hash: r.get(2)?,
                format: r.get(3)?,
                tz: r.get(4)?,
                imported_at: r.get(5)?,
                events_added: to_u64(r.get(6)?),
                events_present: to_u64(r.get(7)?),
            })
        })
        .db(&self.path)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .db(&self.path)
    }

    fn chat_pk(&self, id: &str) -> Result<Option<i64>> {
        self.conn
            .query_row("SELECT pk FROM chat WHERE id = ?1", [id], |r| r.get(0))
            .optional()
            .db(&self.path)
    }

    fn require_chat(&self, id: &str) -> Result<i64> {
        self.chat_pk(id)?
            .ok_or_else(|| StoreError::UnknownChat { id: id.to_owned() })
    }

    fn members(&self, pk: i64) -> Result<Vec<String>> {
        import::members(&self.conn, pk).db(&self.path)
    }

    /// The distinct notes of the imports that added events to the chat, in import order.
    fn notes(&self, pk: i64) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT notes FROM import_chat WHERE chat = ?1 AND added > 0 AND notes <> ''
                 ORDER BY import",
            )
            .db(&self.path)?;
        let rows = stmt
            .query_map([pk], |r| r.get::<_, String>(0))
            .db(&self.path)?
            .collect::<rusqlite::Result<Vec<String>>>()
            .db(&self.path)?;
        let mut notes: Vec<String> = Vec::new();
        for n in rows.iter().flat_map(|r| r.split('\n')) {
            if !n.is_empty() && !notes.iter().any(|x| x == n) {
                notes.push(n.to_owned());
            }
        }
        Ok(notes)
    }

    fn chat_by_pk(&self, pk: i64) -> Result<Option<ChatInfo>> {
        let row = self
            .conn
            .query_row(
                "SELECT id, source, title, me, me_hint, n_events, n_messages, first_ts, last_ts,
                        (SELECT data_end FROM import_chat WHERE chat = chat.pk
                          ORDER BY data_end DESC, import DESC LIMIT 1),
                        (SELECT data_end_source FROM import_chat WHERE chat = chat.pk
                          ORDER BY data_end DESC, import DESC LIMIT 1)
                 FROM chat WHERE pk = ?1",
                [pk],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<i64>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, i64>(5)?,
                        r.get::<_, i64>(6)?,
                        r.get::<_, Option<i64>>(7)?,
                        r.get::<_, Option<i64>>(8)?,
                        r.get::<_, Option<i64>>(9)?,
                        r.get::<_, Option<String>>(10)?,
                    ))
                },
            )
            .optional()
            .db(&self.path)?;
        let Some((
            id,
            source,
            title,
            me,
            me_hint,
            n_events,
            n_messages,
            first,
            last,
            data_end,
            data_end_source,
        )) = row
        else {
            return Ok(None);
        };
        let data_end_source = match data_end_source {
            None => None,
            Some(s) => Some(DataEndSource::parse(&s).ok_or_else(|| StoreError::Corrupt {
                path: self.path.clone(),
                what: format!("data end source {s:?} of chat {id}"),
            })?),
        };
        let notes = self.notes(pk)?;
        let source = Source::parse(&source).ok_or_else(|| StoreError::Corrupt {
            path: self.path.clone(),
            what: format!("source {source:?} of chat {id}"),
        })?;
        let participants = self.members(pk)?;
        let me = me
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| participants.get(i).cloned());
        Ok(Some(ChatInfo {
            id,
            title,
            sources: vec![source],
            participants,
            me,
            me_hint,
            messages: to_u64(n_messages),
            events: to_u64(n_events),
            first,
            last,
            data_end,
            data_end_source,
            notes,
        }))
    }
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// True for `YYYY-MM-DD` naming a real calendar date.
fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .map(drop)
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> io::Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map(drop)
}

#[cfg(unix)]
fn create_private_dir(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
}

#[cfg(not(unix))]
fn create_private_dir(path: &Path) -> io::Result<()> {
    std::fs::create_dir_all(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        for (s, ok) in [
            ("2024-02-29", true),
            ("2023-02-29", false),
            ("2000-02-29", true),
            ("1900-02-29", false),
            ("2024-13-01", false),
            ("2024-04-31", false),
            ("2024-4-01", false),
            ("2024-04-0a", false),
            ("2024-04-01", true),
            ("+024-04-01", false),
            ("", false),
        ] {
            assert_eq!(valid_date(s), ok, "{s}");
        }
    }
}
