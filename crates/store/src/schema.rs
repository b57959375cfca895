//! The database schema as a list of numbered migrations.
//!
//! The schema version lives in SQLite's `PRAGMA user_version`. Migration `n` (1-based) brings a
//! database from version `n - 1` to `n` inside one transaction, so a crash mid-migration leaves
//! the previous version intact. Migrations are never edited once shipped: a change is a new
//! entry at the end of [`MIGRATIONS`]. A database whose version is newer than this list is
//! refused rather than guessed at.

use rusqlite::{Connection, OptionalExtension};

/// `PRAGMA application_id` of walkaway databases ("WALK" in ASCII), so that another
/// application's SQLite file is recognised and refused.
pub const APPLICATION_ID: i32 = 0x5741_4c4b;

/// Every migration in order; index `i` produces schema version `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // Version 1: the initial schema.
    r#"
    -- One row per import of one file.
    CREATE TABLE import (
        id               INTEGER PRIMARY KEY,
        path             TEXT    NOT NULL,
        file_hash        TEXT    NOT NULL,
        bytes            INTEGER NOT NULL,
        format           TEXT    NOT NULL,
        tz               TEXT    NOT NULL,
        modified         INTEGER,
        imported_at      INTEGER NOT NULL,
        events_added     INTEGER NOT NULL DEFAULT 0,
        events_present   INTEGER NOT NULL DEFAULT 0,
        activity_added   INTEGER NOT NULL DEFAULT 0,
        activity_present INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX import_by_hash ON import(file_hash);

    -- A conversation. `id` is the public text id; `pk` is what other tables reference.
    -- The counters are maintained by the importer so that listing chats never scans events.
    CREATE TABLE chat (
        pk         INTEGER PRIMARY KEY,
        id         TEXT    NOT NULL UNIQUE,
        source     TEXT    NOT NULL,
        title      TEXT    NOT NULL,
        me         INTEGER,
        me_hint    TEXT,
        n_events   INTEGER NOT NULL DEFAULT 0,
        n_messages INTEGER NOT NULL DEFAULT 0,
        first_ts   INTEGER,
        last_ts    INTEGER
    );
    CREATE INDEX chat_by_source ON chat(source);

    -- Every participant set (sorted names joined by U+001F) a chat was imported under,
    -- so that re-importing any earlier export finds the chat directly.
    CREATE TABLE chat_key (
        source TEXT    NOT NULL,
        key    TEXT    NOT NULL,
        chat   INTEGER NOT NULL REFERENCES chat(pk),
        PRIMARY KEY (source, key)
    ) WITHOUT ROWID;

    -- A person across chats. For now one person per chat member; merging people across
    -- apps will alias members to one person.
    CREATE TABLE person (
        id           INTEGER PRIMARY KEY,
        display_name TEXT NOT NULL
    );

    -- A participant of a chat under the name the source used. `idx` is the sender number
    -- stored on events and the position in `LoadedChat::people`.
    CREATE TABLE chat_member (
        chat           INTEGER NOT NULL REFERENCES chat(pk),
        idx            INTEGER NOT NULL,
        person         INTEGER NOT NULL REFERENCES person(id),
        name_in_source TEXT    NOT NULL,
        PRIMARY KEY (chat, idx),
        UNIQUE (chat, name_in_source)
    ) WITHOUT ROWID;

    -- What each import contributed to each chat, and the data end it vouches for.
    CREATE TABLE import_chat (
        import      INTEGER NOT NULL REFERENCES import(id),
        chat        INTEGER NOT NULL REFERENCES chat(pk),
        added       INTEGER NOT NULL,
        present     INTEGER NOT NULL,
        exported_at INTEGER,
        data_end    INTEGER,
        PRIMARY KEY (import, chat)
    ) WITHOUT ROWID;
    CREATE INDEX import_chat_by_chat ON import_chat(chat);

    -- Events, in blocks of up to 4096 (see blocks.rs for the blob layout and why). An event
    -- is identified by (chat, ts, fp); the importer keeps that unique. Blocks are written in
    -- instant order and read back ordered by first_ts.
    CREATE TABLE event_block (
        id       INTEGER PRIMARY KEY,
        chat     INTEGER NOT NULL REFERENCES chat(pk),
        import   INTEGER NOT NULL REFERENCES import(id),
        first_ts INTEGER NOT NULL,
        last_ts  INTEGER NOT NULL,
        n        INTEGER NOT NULL,
        keys     BLOB    NOT NULL,
        data     BLOB    NOT NULL
    );
    CREATE INDEX event_block_by_chat ON event_block(chat, first_ts);

    -- Social-media activity (Instagram likes and comments). Absent values are stored as NULL;
    -- the unique index maps NULL to an empty blob, which never equals any text, so that
    -- "no target" and "empty target" stay distinct and NULLs still deduplicate.
    CREATE TABLE activity (
        id     INTEGER PRIMARY KEY,
        source TEXT    NOT NULL,
        ts     INTEGER NOT NULL,
        kind   TEXT    NOT NULL,
        target TEXT,
        url    TEXT,
        text   TEXT,
        import INTEGER NOT NULL REFERENCES import(id)
    );
    CREATE UNIQUE INDEX activity_identity ON activity(
        kind, ts, coalesce(target, x''), coalesce(url, x''), coalesce(text, x''), source
    );
    CREATE INDEX activity_by_ts ON activity(ts);

    -- Step-back plans. At most one active (not ended) plan per chat.
    CREATE TABLE plan (
        id                 INTEGER PRIMARY KEY,
        chat               INTEGER NOT NULL REFERENCES chat(pk),
        start_date         TEXT    NOT NULL,
        window_days        INTEGER NOT NULL,
        fast_reply_minutes INTEGER NOT NULL,
        created_at         INTEGER NOT NULL,
        ended_on           TEXT
    );
    CREATE UNIQUE INDEX plan_one_active ON plan(chat) WHERE ended_on IS NULL;

    CREATE TABLE plan_account (
        plan    INTEGER NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
        ord     INTEGER NOT NULL,
        account TEXT    NOT NULL,
        PRIMARY KEY (plan, ord)
    ) WITHOUT ROWID;
    "#,
    // Version 2: where each import's data end came from (METRICS.md "Data end": the export's
    // own time, the file's modification time or the last event) and the whole-file warnings
    // of each import, kept per chat for the report. Rows of version 1 get the source their
    // data end was taken from (version 1 used the export's time, else the later of the
    // modification time and the last event). Plans need no change: version 1 already keeps
    // ended plans; only the code deleted a replaced one.
    r#"
    ALTER TABLE import_chat ADD COLUMN data_end_source TEXT;
    ALTER TABLE import_chat ADD COLUMN notes TEXT NOT NULL DEFAULT '';
    UPDATE import_chat SET data_end_source = CASE
        WHEN data_end IS NULL THEN NULL
        WHEN exported_at IS NOT NULL AND data_end = exported_at THEN 'export'
        WHEN data_end = (SELECT modified FROM import WHERE import.id = import_chat.import)
            THEN 'file_modified'
        ELSE 'last_event'
    END;
    "#,
    // Version 3: one person across apps (METRICS.md "One person across apps"). Every participant
    // of every chat is a handle: the stable handle the importer gave (an E.164 phone number, an
    // email, a username or user id), else the display name, per source. A handle belongs to
    // exactly one person; a new handle gets a person of its own, and only `link`/`unlink` move
    // handles between people, so nothing is merged without the user's word. A member's person
    // is its handle's (`chat_member.person` of version 1 is no longer read). Members of older
    // versions get their display name as their handle; members of one source with one display
    // name share a handle.
    r#"
    CREATE TABLE handle (
        id     INTEGER PRIMARY KEY,
        source TEXT    NOT NULL,
        handle TEXT    NOT NULL,
        -- The display name the source last used for this handle.
        name   TEXT    NOT NULL,
        person INTEGER NOT NULL REFERENCES person(id),
        UNIQUE (source, handle)
    );
    CREATE INDEX handle_by_person ON handle(person);
    ALTER TABLE chat_member ADD COLUMN handle INTEGER REFERENCES handle(id);
    INSERT INTO handle (source, handle, name, person)
        SELECT c.source, m.name_in_source, m.name_in_source, min(m.person)
          FROM chat_member m JOIN chat c ON c.pk = m.chat
         GROUP BY c.source, m.name_in_source
         ORDER BY min(m.person);
    UPDATE chat_member SET handle = (
        SELECT h.id FROM handle h JOIN chat c ON c.pk = chat_member.chat
         WHERE h.source = c.source AND h.handle = chat_member.name_in_source);
    CREATE INDEX chat_member_by_handle ON chat_member(handle);
    "#,
];

/// The schema version this build writes and understands.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Why [`migrate`] refused or failed.
#[derive(Debug)]
pub enum MigrateError {
    /// The database was written by a newer walkaway.
    Newer {
        found: i64,
    },
    /// The file is an SQLite database of another application.
    Foreign,
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for MigrateError {
    fn from(e: rusqlite::Error) -> Self {
        MigrateError::Sqlite(e)
    }
}

/// Brings the database up to [`latest_version`], one transaction per migration.
pub fn migrate(conn: &mut Connection) -> Result<(), MigrateError> {
    // Up to date: nothing to lock (the common case, and a reader never waits here).
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version == latest_version() {
        return check(conn, version);
    }
    // The version is read again under the write lock: two processes that both found an old
    // (or no) schema must not both apply the same migration ("table already exists").
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    check(&tx, version)?;
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let target = i as i64 + 1;
        if target <= version {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", target)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    tx.commit()?;
    Ok(())
}

/// Refuses a newer schema and another application's database.
fn check(conn: &Connection, version: i64) -> Result<(), MigrateError> {
    let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if version > latest_version() {
        return Err(MigrateError::Newer { found: version });
    }
    if app_id != 0 && app_id != APPLICATION_ID {
        return Err(MigrateError::Foreign);
    }
    if version == 0 {
        // A fresh walkaway database has no tables; anything else belongs to someone else.
        let foreign: Option<String> = conn
            .query_row(
                "SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if foreign.is_some() {
            return Err(MigrateError::Foreign);
        }
    }
    Ok(())
}
