//! Storing one parsed export: chat matching, event identity and the bulk insert.
//!
//! The caller runs [`import`] inside one transaction, so an error anywhere (including a
//! malformed parsed chat discovered halfway through a file) rolls everything back.
//!
//! **Which stored chat a parsed chat belongs to.** Participants are the distinct names that
//! send at least one non-system event (system events have no sender and never make anyone a
//! participant), and in a two-person chat whose export names the user (`me_hint`) and gives the
//! other a stable handle, both people even when one sent nothing (a call log of the calls the
//! user placed). A parsed chat is matched, in order:
//! 1. to the chat that was already imported with the same source and exactly the same
//!    participant set (every participant set a chat was ever imported under is remembered,
//!    so an older export still matches after the group grew);
//! 2. otherwise to a chat of the same source whose participants are a subset or a superset of
//!    the parsed ones and that already stores at least one of the parsed events (same instant
//!    and fingerprint): a newer export after someone joined, or an older one after someone
//!    left. Among several, the one sharing most participants wins, then the oldest;
//!    The candidates come from an index of member names ([`ChatIndex`]), loaded once per import:
//!    comparing each new chat with every stored one made a 10,000-chat export take minutes;
//! 3. otherwise to a new chat. Its id is a prefix for the source and 10 hex digits of xxh3 of
//!    the source and the sorted participant names, so the same export gets the same id in any
//!    database; on the (unlikely) collision with an unrelated chat a `-2`, `-3`... suffix is
//!    added. A chat without participants is keyed by its title instead.
//!
//! File names never take part: renaming an export changes nothing.
//!
//! **Handles.** Every participant is stored with its handle in the chat's source (the stable
//! handle the importer gave, else its display name; see [`crate::people`]); a new handle gets a
//! person of its own. An import never moves a handle to another person.
//!
//! **Which events are new.** See [`crate::fingerprint`]: an event is identified by (chat,
//! instant, fingerprint). The importer loads the keys of the stored blocks that overlap the
//! parsed chat's time range, skips every event whose key is there, and appends the rest as new
//! blocks ([`crate::blocks`]); this is exactly what `UNIQUE(chat, ts, fp)` with
//! `INSERT OR IGNORE` would do, at a fraction of the cost of one B-tree insertion per event.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use walkaway_model::{Event, Kind, Millis, Parsed, ParsedChat, PersonIdx, Source};
use xxhash_rust::xxh3::xxh3_64;

use crate::blocks::{BLOCK_EVENTS, BlockWriter, KeySet, extend_keys};
use crate::fingerprint::fingerprint_with;
use crate::{ChatImportSummary, Ctx, ImportMeta, ImportSummary, Result, StoreError};

/// Separates names in a participant key; it cannot appear in names typed by people.
const KEY_SEP: char = '\u{1f}';

/// Above this many events at one instant, ordinals are counted with a hash map instead of
/// pairwise comparison.
const SMALL_GROUP: usize = 32;

pub(crate) fn import(
    tx: &Transaction<'_>,
    db_path: &str,
    meta: &ImportMeta,
    parsed: &Parsed,
) -> Result<ImportSummary> {
    let same_file_seen_before: bool = tx
        .query_row(
            "SELECT EXISTS(SELECT 1 FROM import WHERE file_hash = ?1)",
            [&meta.file_hash],
            |r| r.get(0),
        )
        .db(db_path)?;
    tx.run(
        "INSERT INTO import (path, file_hash, bytes, format, tz, modified, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            meta.path,
            meta.file_hash,
            i64::try_from(meta.bytes).unwrap_or(i64::MAX),
            meta.format,
            meta.tz,
            meta.modified,
            meta.imported_at
        ],
    )
    .db(db_path)?;
    let import_id = tx.last_insert_rowid();

    // A file's notes go to each of its chats (crate::import_notes).
    let notes = crate::import_notes(&parsed.diagnostics).join("\n");

    let mut chats = Vec::with_capacity(parsed.chats.len());
    let (mut added, mut present) = (0u64, 0u64);
    let mut chat_index = ChatIndex::default();
    for (index, chat) in parsed.chats.iter().enumerate() {
        let summary = import_chat(
            tx,
            db_path,
            meta,
            import_id,
            (index + 1, &mut chat_index),
            chat,
            &notes,
        )?;
        added += summary.added;
        present += summary.present;
        chats.push(summary);
    }

    let (mut activity_added, mut activity_present) = (0u64, 0u64);
    {
        let mut stmt = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO activity (source, ts, kind, target, url, text, import)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .db(db_path)?;
        for a in &parsed.activity {
            let n = stmt
                .execute(params![
                    a.source.as_str(),
                    a.ts,
                    a.kind.as_str(),
                    a.target,
                    a.url,
                    a.text,
                    import_id
                ])
                .db(db_path)?;
            if n > 0 {
                activity_added += 1;
            } else {
                activity_present += 1;
            }
        }
    }

    tx.run(
        "UPDATE import SET events_added = ?1, events_present = ?2, activity_added = ?3,
                activity_present = ?4 WHERE id = ?5",
        params![
            clamp(added),
            clamp(present),
            clamp(activity_added),
            clamp(activity_present),
            import_id
        ],
    )
    .db(db_path)?;

    Ok(ImportSummary {
        import_id,
        chats,
        activity_added,
        activity_present,
        same_file_seen_before,
    })
}

fn clamp(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// One event of the parsed chat, in insertion order (by instant, ties in file order).
#[derive(Clone, Copy)]
struct Keyed {
    /// Index into `ParsedChat::events`.
    idx: u32,
    /// Position among the events of the same instant, in file order, with [`Keyed::DUP`]
    /// set when the event has the same instant and fingerprint as an earlier event of this
    /// file (only on a hash collision, since identical events differ by their ordinal): such
    /// an event is stored once, like a UNIQUE constraint would. Packed so that a keyed event
    /// takes 16 bytes: a million-event import keeps a million of them.
    sub_dup: u32,
    fp: i64,
}

impl Keyed {
    const DUP: u32 = 1 << 31;

    fn sub(&self) -> u32 {
        self.sub_dup & !Self::DUP
    }

    fn dup(&self) -> bool {
        self.sub_dup & Self::DUP != 0
    }
}

fn import_chat(
    tx: &Transaction<'_>,
    db_path: &str,
    meta: &ImportMeta,
    import_id: i64,
    (index, chat_index): (usize, &mut ChatIndex),
    chat: &ParsedChat,
    notes: &str,
) -> Result<ChatImportSummary> {
    let invalid = |problem: String| StoreError::InvalidChat {
        path: meta.path.clone(),
        index,
        problem,
    };
    let source = chat
        .source
        .or_else(|| Source::parse(&meta.format))
        .ok_or_else(|| StoreError::MissingSource {
            path: meta.path.clone(),
            index,
            format: meta.format.clone(),
        })?;
    if u32::try_from(chat.events.len()).is_err() {
        return Err(invalid("it has more than 4294967295 events".to_owned()));
    }

    // Every sender must be a listed person; system events never have one.
    let people = chat.people.len();
    let mut range: Option<(Millis, Millis)> = None;
    let mut sorted = true;
    for e in &chat.events {
        range = Some(match range {
            None => (e.ts, e.ts),
            Some((lo, hi)) => {
                sorted &= e.ts >= hi;
                (lo.min(e.ts), hi.max(e.ts))
            }
        });
        if let Some(s) = e.sender
            && e.kind != Kind::System
            && s as usize >= people
        {
            return Err(invalid(format!(
                "the event at line {} names person {s} but the chat lists {people}",
                e.line
            )));
        }
    }
    // Who takes part (`ParsedChat::participants`, shared with the in-browser app): the senders
    // checked above, and in a two-person chat whose export names both sides, both even when one
    // sent nothing. Keyed by its senders alone, the calls the user placed to two numbers were
    // one chat ("Me"), and a call log never joined the SMS chat of its number.
    let is_participant = chat.participants();
    let me_hint = match chat.me_hint {
        None => None,
        Some(h) => Some(chat.people.get(h as usize).ok_or_else(|| {
            invalid(format!(
                "the user hint names person {h} but the chat lists {people}"
            ))
        })?),
    };
    let mut participants: Vec<&str> = chat
        .people
        .iter()
        .zip(&is_participant)
        .filter(|(_, p)| **p)
        .map(|(n, _)| n.as_str())
        .collect();
    participants.sort_unstable();
    participants.dedup();
    let key = if participants.is_empty() {
        format!("{KEY_SEP}title:{}", chat.title.as_deref().unwrap_or(""))
    } else {
        participants.join(&KEY_SEP.to_string())
    };

    // Find or create the stored chat.
    let found: Option<i64> = tx
        .prepare_cached("SELECT chat FROM chat_key WHERE source = ?1 AND key = ?2")
        .and_then(|mut st| {
            st.query_row(params![source.as_str(), key], |r| r.get(0))
                .optional()
        })
        .db(db_path)?;
    let found = match found {
        Some(pk) => Some(pk),
        None if !participants.is_empty() => {
            overlapping_chat(tx, db_path, chat_index, source, &participants, chat, sorted)?
        }
        None => None,
    };
    let (pk, new_chat) = match found {
        Some(pk) => {
            refuse_other_zone(tx, db_path, meta, pk)?;
            (pk, false)
        }
        None => {
            let title = match chat.title.as_deref().map(str::trim) {
                Some(t) if !t.is_empty() => t.to_owned(),
                _ if participants.is_empty() => "untitled chat".to_owned(),
                _ => participants.join(", "),
            };
            (create_chat(tx, db_path, source, &key, &title)?, true)
        }
    };
    tx.prepare_cached("INSERT OR IGNORE INTO chat_key (source, key, chat) VALUES (?1, ?2, ?3)")
        .and_then(|mut st| st.execute(params![source.as_str(), key, pk]))
        .db(db_path)?;

    // Map parsed people to stored member numbers, adding new members, each with its handle.
    let mut members = members(tx, pk).db(db_path)?;
    let mut member_of: Vec<Option<u32>> = vec![None; people];
    for (i, name) in chat.people.iter().enumerate() {
        if !is_participant.get(i).copied().unwrap_or(false) {
            continue;
        }
        let stable = chat.handle(i as PersonIdx).trim();
        let idx = match members.iter().position(|m| m == name) {
            Some(idx) => {
                // A stable handle wins over the display name an earlier import had to use.
                if !stable.is_empty() {
                    let (handle, _) =
                        crate::people::ensure_handle(tx, db_path, source, stable, name)?;
                    tx.prepare_cached(
                        "UPDATE chat_member SET handle = ?1
                          WHERE chat = ?2 AND idx = ?3 AND handle IS NOT ?1",
                    )
                    .and_then(|mut st| st.execute(params![handle, pk, idx as i64]))
                    .db(db_path)?;
                }
                idx
            }
            None => {
                let text = if stable.is_empty() {
                    name.as_str()
                } else {
                    stable
                };
                let (handle, person) =
                    crate::people::ensure_handle(tx, db_path, source, text, name)?;
                tx.prepare_cached(
                    "INSERT INTO chat_member (chat, idx, person, name_in_source, handle)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .and_then(|mut st| {
                    st.execute(params![pk, members.len() as i64, person, name, handle])
                })
                .db(db_path)?;
                chat_index.add(source, pk, name);
                members.push(name.clone());
                members.len() - 1
            }
        };
        if let Some(slot) = member_of.get_mut(i) {
            *slot = u32::try_from(idx).ok();
        }
    }
    if let Some(name) = me_hint {
        tx.run(
            "UPDATE chat SET me_hint = ?1 WHERE pk = ?2",
            params![name, pk],
        )
        .db(db_path)?;
    }

    // The bulk insert: events whose (instant, fingerprint) the chat does not hold yet, in
    // instant order, written in blocks.
    let stored = if new_chat {
        KeySet::default()
    } else {
        match range {
            Some((lo, hi)) => stored_keys(tx, db_path, pk, lo, hi)?,
            None => KeySet::default(),
        }
    };
    let (mut added, mut present, mut messages) = (0u64, 0u64, 0u64);
    let mut first: Option<Millis> = None;
    let mut last: Option<Millis> = None;
    {
        let mut stmt = tx
            .prepare_cached(
                "INSERT INTO event_block (chat, import, first_ts, last_ts, n, keys, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .db(db_path)?;
        let mut block = BlockWriter::default();
        let mut flush = |block: &mut BlockWriter| -> Result<()> {
            if block.n > 0 {
                stmt.execute(params![
                    pk,
                    import_id,
                    block.first_ts,
                    block.last_ts,
                    block.n as i64,
                    block.keys,
                    block.data
                ])
                .db(db_path)?;
                block.clear();
            }
            Ok(())
        };
        for k in Keys::new(chat, sorted) {
            let Some(e) = chat.events.get(k.idx as usize) else {
                continue;
            };
            if k.dup() || stored.contains(&(e.ts, k.fp)) {
                present += 1;
                continue;
            }
            let sender = if e.kind == Kind::System {
                None
            } else {
                e.sender
                    .and_then(|s| member_of.get(s as usize).copied().flatten())
            };
            block.push(e, chat.events.text(e), k.fp, k.sub(), sender);
            if block.n >= BLOCK_EVENTS {
                flush(&mut block)?;
            }
            added += 1;
            if e.kind.is_message() {
                messages += 1;
            }
            first = Some(first.map_or(e.ts, |f| f.min(e.ts)));
            last = Some(last.map_or(e.ts, |l| l.max(e.ts)));
        }
        flush(&mut block)?;
    }
    tx.run(
        "UPDATE chat SET n_events = n_events + ?1, n_messages = n_messages + ?2,
            first_ts = CASE WHEN ?3 IS NOT NULL AND (first_ts IS NULL OR ?3 < first_ts)
                            THEN ?3 ELSE first_ts END,
            last_ts = CASE WHEN ?4 IS NOT NULL AND (last_ts IS NULL OR ?4 > last_ts)
                           THEN ?4 ELSE last_ts END
         WHERE pk = ?5",
        params![clamp(added), clamp(messages), first, last, pk],
    )
    .db(db_path)?;

    // The data end this import vouches for and where it came from (crate::data_end).
    let last_in_file = range.map(|(_, hi)| hi);
    let end = crate::data_end(chat.exported_at, meta.modified, last_in_file);
    // Two parsed chats of one file may land in one stored chat: the later data end wins, with
    // its source.
    tx.run(
        "INSERT INTO import_chat
            (import, chat, added, present, exported_at, data_end, data_end_source, notes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (import, chat) DO UPDATE SET
            added = added + excluded.added,
            present = present + excluded.present,
            exported_at = max(coalesce(exported_at, excluded.exported_at),
                              coalesce(excluded.exported_at, exported_at)),
            data_end = max(coalesce(data_end, excluded.data_end),
                           coalesce(excluded.data_end, data_end)),
            data_end_source = CASE
                WHEN excluded.data_end IS NOT NULL
                     AND (data_end IS NULL OR excluded.data_end > data_end)
                THEN excluded.data_end_source ELSE data_end_source END",
        params![
            import_id,
            pk,
            clamp(added),
            clamp(present),
            chat.exported_at,
            end.map(|e| e.0),
            end.map(|e| e.1.as_str()),
            notes
        ],
    )
    .db(db_path)?;

    let (chat_id, title): (String, String) = tx
        .row("SELECT id, title FROM chat WHERE pk = ?1", [pk], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .db(db_path)?;
    Ok(ChatImportSummary {
        chat_id,
        title,
        participants: members,
        new_chat,
        added,
        present,
    })
}

/// The name of an event's sender as the fingerprint knows it: system events have none.
fn sender_name<'c>(chat: &'c ParsedChat, e: &Event) -> Option<&'c str> {
    match e.sender {
        Some(s) if e.kind != Kind::System => chat.people.get(s as usize).map(String::as_str),
        _ => None,
    }
}

/// The events in instant order (stable, so ties keep file order), each with its position among
/// same-instant events and its fingerprint. Keys are computed one instant at a time as the
/// iterator advances: an import never holds a key per event.
struct Keys<'c> {
    chat: &'c ParsedChat,
    /// Event indices in instant order; `None` when the file is in order already.
    order: Option<Vec<u32>>,
    /// Start (in instant order) of the next group of same-instant events.
    start: usize,
    /// Keys of the current group and the next one to yield.
    group: Vec<Keyed>,
    next: usize,
    /// Event indices of the current group.
    members: Vec<u32>,
    buf: Vec<u8>,
    counts: HashMap<(Option<&'c str>, u8, &'c str), u32>,
    group_fps: HashSet<i64>,
}

impl<'c> Keys<'c> {
    fn new(chat: &'c ParsedChat, sorted: bool) -> Self {
        let events = &chat.events;
        let order = (!sorted).then(|| {
            let mut order: Vec<u32> = (0..events.len() as u32).collect();
            order.sort_by_key(|&i| events.get(i as usize).map_or(0, |e| e.ts));
            order
        });
        Keys {
            chat,
            order,
            start: 0,
            group: Vec::new(),
            next: 0,
            members: Vec::new(),
            buf: Vec::with_capacity(256),
            counts: HashMap::new(),
            group_fps: HashSet::new(),
        }
    }

    /// The event index at position `k` of instant order.
    fn at(&self, k: usize) -> Option<u32> {
        match &self.order {
            Some(o) => o.get(k).copied(),
            None => (k < self.chat.events.len()).then_some(k as u32),
        }
    }

    /// The identity of an event apart from its instant.
    fn ident(&self, i: u32) -> (Option<&'c str>, u8, &'c str) {
        let chat = self.chat;
        let e = chat.events.get(i as usize);
        (
            e.and_then(|e| sender_name(chat, e)),
            e.map_or(0, |e| e.kind.code()),
            e.map_or("", |e| chat.events.text(e)),
        )
    }

    /// Computes the keys of the next group of same-instant events; false at the end.
    fn next_group(&mut self) -> bool {
        let events = &self.chat.events;
        let ts_of = |i: u32| events.get(i as usize).map_or(0, |e| e.ts);
        let Some(first) = self.at(self.start) else {
            return false;
        };
        let ts = ts_of(first);
        let mut end = self.start + 1;
        while self.at(end).is_some_and(|i| ts_of(i) == ts) {
            end += 1;
        }
        // The buffer is reused from group to group (taken out while `self` is borrowed).
        let mut members = std::mem::take(&mut self.members);
        members.clear();
        members.extend((self.start..end).filter_map(|k| self.at(k)));
        self.group.clear();
        self.next = 0;
        self.counts.clear();
        self.group_fps.clear();
        for (pos, &i) in members.iter().enumerate() {
            let id = self.ident(i);
            let ordinal = if members.len() == 1 {
                0
            } else if members.len() <= SMALL_GROUP {
                members
                    .get(..pos)
                    .unwrap_or(&[])
                    .iter()
                    .filter(|&&j| self.ident(j) == id)
                    .count() as u32
            } else {
                let c = self.counts.entry(id).or_insert(0);
                *c += 1;
                *c - 1
            };
            let kind = events.get(i as usize).map_or(Kind::System, |e| e.kind);
            let fp = fingerprint_with(&mut self.buf, id.0, kind, id.2, ordinal) as i64;
            let dup = if members.len() <= SMALL_GROUP {
                self.group.iter().any(|k| k.fp == fp)
            } else {
                !self.group_fps.insert(fp)
            };
            self.group.push(Keyed {
                idx: i,
                sub_dup: (pos as u32 & !Keyed::DUP) | if dup { Keyed::DUP } else { 0 },
                fp,
            });
        }
        self.members = members;
        self.start = end;
        true
    }
}

impl Iterator for Keys<'_> {
    type Item = Keyed;

    fn next(&mut self) -> Option<Keyed> {
        while self.next >= self.group.len() {
            if !self.next_group() {
                return None;
            }
        }
        let k = self.group.get(self.next).copied();
        self.next += 1;
        k
    }
}

/// Step 2 of the matching rules: a stored chat of the same source whose participants are a
/// subset or superset of `participants` and that already holds one of the parsed events.
fn overlapping_chat(
    tx: &Transaction<'_>,
    db_path: &str,
    index: &mut ChatIndex,
    source: Source,
    participants: &[&str],
    chat: &ParsedChat,
    sorted: bool,
) -> Result<Option<i64>> {
    index.load(tx, db_path, source)?;
    let mut best: Option<(usize, i64)> = None;
    for pk in index.candidates(source, participants) {
        let Some(stored) = index.members.get(&pk) else {
            continue;
        };
        if stored.is_empty() {
            continue;
        }
        let shared = stored
            .iter()
            .filter(|s| participants.contains(&s.as_str()))
            .count();
        let subset = shared == stored.len();
        let superset = shared == participants.len();
        if !(subset || superset) || best.is_some_and(|(n, _)| n >= shared) {
            continue;
        }
        let range: (Option<i64>, Option<i64>) = tx
            .prepare_cached("SELECT first_ts, last_ts FROM chat WHERE pk = ?1")
            .and_then(|mut st| st.query_row([pk], |r| Ok((r.get(0)?, r.get(1)?))))
            .db(db_path)?;
        let (Some(first), Some(last)) = range else {
            continue;
        };
        let keys = stored_keys(tx, db_path, pk, first, last)?;
        let hit = Keys::new(chat, sorted).any(|k| {
            chat.events
                .get(k.idx as usize)
                .is_some_and(|e| keys.contains(&(e.ts, k.fp)))
        });
        if hit {
            best = Some((shared, pk));
        }
    }
    Ok(best.map(|(_, pk)| pk))
}

/// The member names of the stored chats of each source, for step 2 of the matching rules.
///
/// A whole-account export brings thousands of chats, each with the user in it; comparing each
/// new chat with every stored chat of its source (a query per stored chat) made 10,000 chats
/// take 146 s. A source is loaded once per import, the first time one of its chats is not found
/// by its participant key, and kept up to date as the import adds chats and members; the
/// candidates of a chat are then found through its participants' postings, skipping the
/// posting of its most common participant (the user, in every chat) wherever possible.
#[derive(Default)]
pub(crate) struct ChatIndex {
    loaded: HashSet<Source>,
    /// Members of each chat of a loaded source.
    members: HashMap<i64, Vec<String>>,
    /// The chats of a loaded source that have a member of this name, oldest first.
    postings: HashMap<(Source, String), Vec<i64>>,
    /// Chats that had exactly this one member at some point (checked again when used).
    singles: HashMap<(Source, String), Vec<i64>>,
}

impl ChatIndex {
    fn load(&mut self, tx: &Transaction<'_>, db_path: &str, source: Source) -> Result<()> {
        if self.loaded.contains(&source) {
            return Ok(());
        }
        let rows: Vec<(i64, String)> = {
            let mut stmt = tx
                .prepare_cached(
                    "SELECT m.chat, m.name_in_source FROM chat_member m
                       JOIN chat c ON c.pk = m.chat
                      WHERE c.source = ?1 ORDER BY m.chat, m.idx",
                )
                .db(db_path)?;
            stmt.query_map([source.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
                .db(db_path)?
                .collect::<rusqlite::Result<_>>()
                .db(db_path)?
        };
        self.loaded.insert(source);
        for (pk, name) in rows {
            self.add(source, pk, &name);
        }
        Ok(())
    }

    /// Records a new member of a chat (nothing until the source is loaded: loading reads it).
    fn add(&mut self, source: Source, pk: i64, name: &str) {
        if !self.loaded.contains(&source) {
            return;
        }
        let members = self.members.entry(pk).or_default();
        members.push(name.to_owned());
        if members.len() == 1 {
            self.singles
                .entry((source, name.to_owned()))
                .or_default()
                .push(pk);
        }
        let posting = self.postings.entry((source, name.to_owned())).or_default();
        if let Err(at) = posting.binary_search(&pk) {
            posting.insert(at, pk);
        }
    }

    fn posting(&self, source: Source, name: &str) -> &[i64] {
        self.postings
            .get(&(source, name.to_owned()))
            .map_or(&[], Vec::as_slice)
    }

    /// Every stored chat that can be a subset or a superset of `participants`, oldest first.
    /// A superset holds every participant, so it is in the shortest posting. A subset's members
    /// all lie among the participants: one of them other than the most common participant `m`
    /// puts it in that member's posting; otherwise its only member is `m`.
    fn candidates(&self, source: Source, participants: &[&str]) -> Vec<i64> {
        let by_size = |p: &&&str| self.posting(source, p).len();
        let (Some(rarest), Some(common)) = (
            participants.iter().min_by_key(by_size),
            participants.iter().max_by_key(by_size),
        ) else {
            return Vec::new();
        };
        let mut out: Vec<i64> = self.posting(source, rarest).to_vec();
        for p in participants.iter().filter(|p| *p != common) {
            out.extend_from_slice(self.posting(source, p));
        }
        if let Some(single) = self.singles.get(&(source, (*common).to_owned())) {
            out.extend(
                single
                    .iter()
                    .copied()
                    .filter(|pk| self.members.get(pk).is_some_and(|m| m.len() == 1)),
            );
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The (instant, fingerprint) keys of the chat's blocks that overlap `[lo, hi]`.
fn stored_keys(
    tx: &Transaction<'_>,
    db_path: &str,
    pk: i64,
    lo: Millis,
    hi: Millis,
) -> Result<KeySet> {
    let mut stmt = tx
        .prepare_cached(
            "SELECT keys FROM event_block WHERE chat = ?1 AND last_ts >= ?2 AND first_ts <= ?3",
        )
        .db(db_path)?;
    let mut rows = stmt.query(params![pk, lo, hi]).db(db_path)?;
    let mut set = KeySet::default();
    while let Some(row) = rows.next().db(db_path)? {
        let keys = row.get_ref(0).db(db_path)?;
        let ok = keys.as_blob().is_ok_and(|b| extend_keys(&mut set, b));
        if !ok {
            return Err(StoreError::Corrupt {
                path: db_path.to_owned(),
                what: "event block keys".to_owned(),
            });
        }
    }
    Ok(set)
}

/// Wall-clock formats (WhatsApp) turn into other instants in another zone, so the same export
/// read in two zones would look like two sets of messages. A chat keeps the zone of its first
/// zone-dependent import.
fn refuse_other_zone(
    tx: &Transaction<'_>,
    db_path: &str,
    meta: &ImportMeta,
    pk: i64,
) -> Result<()> {
    if meta.tz.is_empty() {
        return Ok(());
    }
    let other: Option<(String, String)> = tx
        .row(
            "SELECT i.tz, c.id FROM import i
               JOIN import_chat ic ON ic.import = i.id
               JOIN chat c ON c.pk = ic.chat
              WHERE ic.chat = ?1 AND i.tz <> '' AND i.tz <> ?2
              LIMIT 1",
            params![pk, meta.tz],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .db(db_path)?;
    match other {
        Some((stored, chat)) => Err(StoreError::ZoneMismatch {
            path: meta.path.clone(),
            chat,
            stored,
            given: meta.tz.clone(),
        }),
        None => Ok(()),
    }
}

fn create_chat(
    tx: &Transaction<'_>,
    db_path: &str,
    source: Source,
    key: &str,
    title: &str,
) -> Result<i64> {
    let base = chat_id(source, key);
    let mut id = base.clone();
    let mut n = 1u32;
    loop {
        let taken: bool = tx
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM chat WHERE id = ?1)")
            .and_then(|mut st| st.query_row([&id], |r| r.get(0)))
            .db(db_path)?;
        if !taken {
            break;
        }
        n += 1;
        id = format!("{base}-{n}");
    }
    tx.run(
        "INSERT INTO chat (id, source, title) VALUES (?1, ?2, ?3)",
        params![id, source.as_str(), title],
    )
    .db(db_path)?;
    Ok(tx.last_insert_rowid())
}

/// The stable public id of a chat first imported with this participant key.
pub(crate) fn chat_id(source: Source, key: &str) -> String {
    let prefix = source.id_prefix();
    let mut bytes = Vec::with_capacity(key.len() + 16);
    bytes.extend_from_slice(source.as_str().as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(key.as_bytes());
    let h = xxh3_64(&bytes);
    format!("{prefix}-{:010x}", h >> 24)
}

/// Member names of a stored chat, by member number.
pub(crate) fn members(conn: &Connection, pk: i64) -> rusqlite::Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT name_in_source FROM chat_member WHERE chat = ?1 ORDER BY idx")?;
    stmt.query_map([pk], |r| r.get(0))?.collect()
}

/// `execute` and `query_row` through the connection's statement cache: an import of an archive
/// runs the same few statements once per chat, and preparing them anew each time (SQLite's
/// parser) was most of the time of a zip of 100,000 chats.
trait Cached {
    fn run<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize>;
    fn row<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>;
}

impl Cached for rusqlite::Connection {
    fn run<P: rusqlite::Params>(&self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    fn row<T, P, F>(&self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.prepare_cached(sql)?.query_row(params, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use walkaway_model::{Events, NewEvent};

    fn ev(ts: i64, sender: Option<u32>, text: &str) -> NewEvent<'_> {
        NewEvent {
            ts,
            sender,
            kind: Kind::Text,
            text,
            line: 0,
            flags: 0,
        }
    }

    fn keyed(events: Vec<NewEvent<'_>>) -> Vec<(u32, u32, i64)> {
        let chat = ParsedChat {
            people: vec!["A".into(), "B".into()],
            events: Events::try_from_iter(events).unwrap(),
            ..ParsedChat::default()
        };
        let sorted = chat.events.is_sorted_by_key(|e| e.ts);
        Keys::new(&chat, sorted)
            .map(|k| (k.idx, k.sub(), k.fp))
            .collect()
    }

    #[test]
    fn duplicates_get_ordinals_and_order_is_by_instant() {
        let k = keyed(vec![
            ev(5, Some(0), "x"),
            ev(1, Some(0), "x"),
            ev(5, Some(0), "x"),
            ev(5, Some(1), "x"),
        ]);
        let idx: Vec<u32> = k.iter().map(|k| k.0).collect();
        assert_eq!(idx, vec![1, 0, 2, 3]);
        let subs: Vec<u32> = k.iter().map(|k| k.1).collect();
        assert_eq!(subs, vec![0, 0, 1, 2]);
        let fp = |i: usize| k.get(i).map(|k| k.2);
        // Same text and sender at another instant: same fingerprint (the instant is keyed apart).
        assert_eq!(fp(0), fp(1));
        // The second identical message at the same instant gets ordinal 1.
        assert_ne!(fp(1), fp(2));
        assert_eq!(
            fp(2),
            Some(crate::fingerprint(Some("A"), Kind::Text, "x", 1) as i64)
        );
        assert_ne!(fp(1), fp(3));
    }

    #[test]
    fn large_groups_count_like_small_ones() {
        let mut events = Vec::new();
        for i in 0..100 {
            events.push(ev(7, Some(i % 2), if i % 3 == 0 { "a" } else { "b" }));
        }
        let k = keyed(events.clone());
        for (pos, (idx, sub, fp)) in k.iter().enumerate() {
            assert_eq!(*idx as usize, pos);
            assert_eq!(*sub as usize, pos);
            let e = &events[pos];
            let ordinal = events[..pos]
                .iter()
                .filter(|x| x.sender == e.sender && x.text == e.text)
                .count() as u32;
            let name = if e.sender == Some(0) { "A" } else { "B" };
            assert_eq!(
                *fp,
                crate::fingerprint(Some(name), Kind::Text, e.text, ordinal) as i64
            );
        }
    }

    #[test]
    fn chat_ids_are_short_and_stable() {
        let a = chat_id(Source::WhatsApp, "Ana\u{1f}Ben");
        assert_eq!(a.len(), 13);
        assert!(a.starts_with("wa-"));
        assert_eq!(a, chat_id(Source::WhatsApp, "Ana\u{1f}Ben"));
        assert_ne!(a, chat_id(Source::WhatsApp, "Ana\u{1f}Bo"));
        assert_ne!(a[3..], chat_id(Source::Telegram, "Ana\u{1f}Ben")[3..]);
    }
}
