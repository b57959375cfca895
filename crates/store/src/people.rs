//! One person across apps (METRICS.md "One person across apps"): handles, people, suggested
//! merges, `link`/`unlink`, and the chats of a person.
//!
//! Every participant of every stored chat is a [`Handle`] in its chat's source: the stable
//! handle the importer gave (an E.164 phone number, an email, a username or user id), else the
//! display name. A handle belongs to exactly one person; an import gives a new handle a person
//! of its own and never moves one, so nothing is merged without the user's word
//! ([`Store::link`]). The user's own handles are those of the members that are the user in a
//! chat (`--me`, else what the export says); they are never listed as people nor linked.
//!
//! Suggestions ([`Store::people`]) pair handles of different people that share an E.164 phone
//! number (a display name that is a phone number counts: WhatsApp shows unsaved contacts so), an
//! email (case-insensitive), or a display name in two different sources.

use std::collections::{HashMap, HashSet};
use std::fmt;

use rusqlite::{OptionalExtension, Transaction, params};
use walkaway_model::{PersonIdx, Source};

use crate::{ChatInfo, Ctx, Result, Store, StoreError};

/// A participant's identity in one source, written `SOURCE:HANDLE` (`sms:+15550001111`,
/// `whatsapp:Sam`, `instagram:sam.rivera`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Handle {
    pub source: Source,
    pub handle: String,
}

impl Handle {
    /// Parses `SOURCE:HANDLE` (the source as [`Source::as_str`] writes it; the handle is
    /// everything after the first colon, and is not empty).
    pub fn parse(s: &str) -> Option<Handle> {
        let (source, handle) = s.trim().split_once(':')?;
        let source = Source::parse(&source.trim().to_lowercase())?;
        let handle = handle.trim();
        (!handle.is_empty()).then(|| Handle {
            source,
            handle: handle.to_owned(),
        })
    }
}

impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.source, self.handle)
    }
}

/// A person with their handles, as `walkaway people` lists them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    /// Stable in this database: `p` and a number (`p12`).
    pub id: String,
    /// The display name of the handle the person was first seen with.
    pub name: String,
    /// Oldest first.
    pub handles: Vec<Handle>,
    /// The display name each handle last had in its source, parallel to `handles`.
    pub names: Vec<String>,
    /// Handles of other people that may be this person too, with the reason.
    pub suggestions: Vec<Suggestion>,
}

/// A suggested merge: `handle` (now of person `person`) may belong to this person too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub handle: Handle,
    /// The id of the person the handle belongs to now.
    pub person: String,
    /// Lowercase reason, e.g. `same phone number +15550001111 as sms:+15550001111`.
    pub why: String,
}

/// A two-person chat with a person: which member is the person and which is the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonChat {
    pub info: ChatInfo,
    /// Member number (index of `info.participants`) of the user: the other member.
    pub me: PersonIdx,
    /// Member number of the person.
    pub partner: PersonIdx,
    /// The person's handle in this chat.
    pub handle: Handle,
}

/// The handle of `text` in `source`, creating it (with a person of its own) when new. Returns
/// the handle's id and its person. The display name is refreshed when it changed.
pub(crate) fn ensure_handle(
    tx: &Transaction<'_>,
    db_path: &str,
    source: Source,
    text: &str,
    name: &str,
) -> Result<(i64, i64)> {
    let found: Option<(i64, i64, String)> = tx
        .prepare("SELECT id, person, name FROM handle WHERE source = ?1 AND handle = ?2")
        .and_then(|mut st| {
            st.query_row(params![source.as_str(), text], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
        })
        .db(db_path)?;
    if let Some((id, person, stored)) = found {
        if stored != name {
            tx.prepare("UPDATE handle SET name = ?1 WHERE id = ?2")
                .and_then(|mut st| st.execute(params![name, id]))
                .db(db_path)?;
        }
        return Ok((id, person));
    }
    tx.prepare("INSERT INTO person (display_name) VALUES (?1)")
        .and_then(|mut st| st.execute([name]))
        .db(db_path)?;
    let person = tx.last_insert_rowid();
    tx.prepare("INSERT INTO handle (source, handle, name, person) VALUES (?1, ?2, ?3, ?4)")
        .and_then(|mut st| st.execute(params![source.as_str(), text, name, person]))
        .db(db_path)?;
    Ok((tx.last_insert_rowid(), person))
}

/// `p12` for person 12.
fn person_id(pk: i64) -> String {
    format!("p{pk}")
}

fn person_pk(id: &str) -> Option<i64> {
    id.trim()
        .strip_prefix('p')
        .and_then(|n| n.parse().ok())
        .filter(|&n: &i64| n > 0)
}

/// An E.164 number (`+` and 8 to 15 digits) from a handle or display name written with spaces,
/// dashes, dots or parentheses (`+1 (555) 000-1111`); None for anything else. Numbers without a
/// country code are not guessed at.
pub fn normalise_phone(s: &str) -> Option<String> {
    let marks: &[char] = &['\u{200e}', '\u{200f}', '\u{202a}', '\u{202c}'];
    let t = s.trim().trim_matches(marks).trim();
    let rest = t.strip_prefix('+')?;
    let mut digits = String::with_capacity(16);
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '\u{a0}' | '\u{202f}' | '\u{2011}' => {}
            // WhatsApp wraps numbers in direction marks.
            '\u{200e}' | '\u{200f}' | '\u{202a}' | '\u{202c}' => {}
            _ => return None,
        }
    }
    (8..=15)
        .contains(&digits.len())
        .then(|| format!("+{digits}"))
}

/// A lowercase email address, or None.
fn normalise_email(s: &str) -> Option<String> {
    let t = s.trim();
    let (user, domain) = t.split_once('@')?;
    let ok = !user.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !t.chars().any(char::is_whitespace);
    ok.then(|| t.to_lowercase())
}

/// What two handles may share.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Phone(String),
    Email(String),
    /// A display name (lowercase, spaces collapsed); matches only across sources.
    Name(String),
}

/// One stored handle with its person.
struct Row {
    id: i64,
    handle: Handle,
    name: String,
    person: i64,
    person_name: String,
}

impl Store {
    /// The ids of the handles that are the user in some chat, with the chat's id.
    fn my_handle_ids(&self) -> Result<HashMap<i64, String>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT m.handle, c.id FROM chat c JOIN chat_member m ON m.chat = c.pk
                  WHERE m.handle IS NOT NULL
                    AND ((c.me IS NOT NULL AND m.idx = c.me)
                         OR (c.me IS NULL AND m.name_in_source = c.me_hint))
                  ORDER BY c.pk",
            )
            .db(&self.path)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .db(&self.path)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .db(&self.path)?;
        let mut out = HashMap::new();
        for (h, chat) in rows {
            out.entry(h).or_insert(chat);
        }
        Ok(out)
    }

    /// Every handle some chat member has, oldest first.
    fn handle_rows(&self) -> Result<Vec<Row>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT h.id, h.source, h.handle, h.name, h.person, p.display_name
                   FROM handle h JOIN person p ON p.id = h.person
                  WHERE EXISTS (SELECT 1 FROM chat_member m WHERE m.handle = h.id)
                  ORDER BY h.id",
            )
            .db(&self.path)?;
        let raw = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })
            .db(&self.path)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .db(&self.path)?;
        raw.into_iter()
            .map(|(id, source, handle, name, person, person_name)| {
                let source = Source::parse(&source).ok_or_else(|| StoreError::Corrupt {
                    path: self.path.clone(),
                    what: format!("source {source:?} of handle {handle:?}"),
                })?;
                Ok(Row {
                    id,
                    handle: Handle { source, handle },
                    name,
                    person,
                    person_name,
                })
            })
            .collect()
    }

    /// The user's own handles (members that are the user in some chat), oldest first.
    pub fn my_handles(&self) -> Result<Vec<Handle>> {
        let mine = self.my_handle_ids()?;
        Ok(self
            .handle_rows()?
            .into_iter()
            .filter(|r| mine.contains_key(&r.id))
            .map(|r| r.handle)
            .collect())
    }

    /// Every person (but the user) with their handles and suggested merges, in the order they
    /// were first seen.
    pub fn people(&self) -> Result<Vec<Person>> {
        let mine = self.my_handle_ids()?;
        let rows: Vec<Row> = self
            .handle_rows()?
            .into_iter()
            .filter(|r| !mine.contains_key(&r.id))
            .collect();

        let keys = |r: &Row| -> Vec<Key> {
            let mut k = Vec::new();
            for text in [r.handle.handle.as_str(), r.name.as_str()] {
                if let Some(p) = normalise_phone(text) {
                    k.push(Key::Phone(p));
                }
                if let Some(e) = normalise_email(text) {
                    k.push(Key::Email(e));
                }
            }
            let name = r.name.split_whitespace().collect::<Vec<_>>().join(" ");
            let name_is_address =
                normalise_phone(&name).is_some() || normalise_email(&name).is_some();
            if !name.is_empty() && !name_is_address {
                k.push(Key::Name(name.to_lowercase()));
            }
            k.dedup();
            k
        };
        let row_keys: Vec<Vec<Key>> = rows.iter().map(keys).collect();
        let mut by_key: HashMap<&Key, Vec<usize>> = HashMap::new();
        for (i, ks) in row_keys.iter().enumerate() {
            for k in ks {
                by_key.entry(k).or_default().push(i);
            }
        }

        let mut people: Vec<Person> = Vec::new();
        let mut slot: HashMap<i64, usize> = HashMap::new();
        for r in &rows {
            let i = *slot.entry(r.person).or_insert_with(|| {
                people.push(Person {
                    id: person_id(r.person),
                    name: r.person_name.clone(),
                    handles: Vec::new(),
                    names: Vec::new(),
                    suggestions: Vec::new(),
                });
                people.len() - 1
            });
            if let Some(p) = people.get_mut(i) {
                p.handles.push(r.handle.clone());
                p.names.push(r.name.clone());
            }
        }
        for (i, r) in rows.iter().enumerate() {
            let Some(p) = slot.get(&r.person).and_then(|&s| people.get_mut(s)) else {
                continue;
            };
            for k in row_keys.get(i).into_iter().flatten() {
                for &j in by_key.get(k).into_iter().flatten() {
                    let Some(other) = rows.get(j) else {
                        continue;
                    };
                    if other.person == r.person
                        || p.suggestions.iter().any(|s| s.handle == other.handle)
                    {
                        continue;
                    }
                    let why = match k {
                        Key::Phone(n) => format!("same phone number {n} as {}", r.handle),
                        Key::Email(e) => format!("same email {e} as {}", r.handle),
                        Key::Name(_) if other.handle.source == r.handle.source => continue,
                        Key::Name(_) => {
                            format!("same display name \"{}\" as {}", other.name, r.handle)
                        }
                    };
                    p.suggestions.push(Suggestion {
                        handle: other.handle.clone(),
                        person: person_id(other.person),
                        why,
                    });
                }
            }
        }
        Ok(people)
    }

    /// The people a query means: an id as `people` prints it; else the owner of a handle
    /// written `SOURCE:HANDLE`; else every person whose name, or a handle's display name, is
    /// the query (case-insensitive). Several results mean the query is ambiguous.
    pub fn find_people(&self, query: &str) -> Result<Vec<Person>> {
        let q = query.trim();
        let people = self.people()?;
        if let Some(p) = people.iter().find(|p| p.id == q) {
            return Ok(vec![p.clone()]);
        }
        if let Some(h) = Handle::parse(q)
            && let Some(p) = people.iter().find(|p| p.handles.contains(&h))
        {
            return Ok(vec![p.clone()]);
        }
        let ql = q.to_lowercase();
        Ok(people
            .into_iter()
            .filter(|p| {
                p.name.to_lowercase() == ql || p.names.iter().any(|n| n.to_lowercase() == ql)
            })
            .collect())
    }

    /// Moves each handle to the person `person_id` (an id as [`Store::people`] prints it), in
    /// one transaction. A handle already theirs is left as it is.
    pub fn link(&mut self, person_id: &str, handles: &[Handle]) -> Result<()> {
        let pk = self.require_person(person_id)?;
        let mine = self.my_handle_ids()?;
        let path = self.path.clone();
        let tx = self.conn.transaction().db(&path)?;
        for h in handles {
            let (id, _) = stored_handle(&tx, &path, h)?;
            if let Some(chat) = mine.get(&id) {
                return Err(StoreError::HandleIsYou {
                    handle: h.to_string(),
                    chat: chat.clone(),
                });
            }
            tx.execute(
                "UPDATE handle SET person = ?1 WHERE id = ?2",
                params![pk, id],
            )
            .db(&path)?;
        }
        tx.commit().db(&path)
    }

    /// Takes each handle away from the person `person_id`: it becomes a person of its own
    /// again. A handle that is not theirs, or their only one, is refused.
    pub fn unlink(&mut self, person_id: &str, handles: &[Handle]) -> Result<()> {
        let pk = self.require_person(person_id)?;
        let path = self.path.clone();
        let tx = self.conn.transaction().db(&path)?;
        for h in handles {
            let (id, owner) = stored_handle(&tx, &path, h)?;
            if owner != pk {
                return Err(StoreError::NotHandleOf {
                    handle: h.to_string(),
                    person: person_id.trim().to_owned(),
                });
            }
            let count: i64 = tx
                .query_row(
                    "SELECT count(*) FROM handle h WHERE h.person = ?1
                        AND EXISTS (SELECT 1 FROM chat_member m WHERE m.handle = h.id)",
                    [pk],
                    |r| r.get(0),
                )
                .db(&path)?;
            if count <= 1 {
                return Err(StoreError::OnlyHandle {
                    handle: h.to_string(),
                    person: person_id.trim().to_owned(),
                });
            }
            let name: String = tx
                .query_row("SELECT name FROM handle WHERE id = ?1", [id], |r| r.get(0))
                .db(&path)?;
            tx.execute("INSERT INTO person (display_name) VALUES (?1)", [&name])
                .db(&path)?;
            let person = tx.last_insert_rowid();
            tx.execute(
                "UPDATE handle SET person = ?1 WHERE id = ?2",
                params![person, id],
            )
            .db(&path)?;
        }
        tx.commit().db(&path)
    }

    /// Every two-person chat in which one member is a handle of the person `person_id`, in the
    /// order the chats were first imported, and every chat whose only sender is the person. A chat whose both members are this person (a
    /// handle of the user linked by mistake) is left out: it cannot tell who is who.
    pub fn person_chats(&self, person_id: &str) -> Result<Vec<PersonChat>> {
        let pk = self.require_person(person_id)?;
        let rows: Vec<(i64, i64, String, String)> = {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT m.chat, m.idx, h.source, h.handle
                       FROM chat_member m JOIN handle h ON h.id = m.handle
                      WHERE h.person = ?1 ORDER BY m.chat, m.idx",
                )
                .db(&self.path)?;
            stmt.query_map([pk], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .db(&self.path)?
                .collect::<rusqlite::Result<_>>()
                .db(&self.path)?
        };
        let mut out = Vec::new();
        let mut seen: HashSet<i64> = HashSet::new();
        for (chat, idx, source, handle) in &rows {
            if !seen.insert(*chat) || rows.iter().filter(|r| r.0 == *chat).count() > 1 {
                continue;
            }
            let Some(info) = self.chat_by_pk(*chat)? else {
                continue;
            };
            // A two-person chat; or a chat in which only the person ever sent anything (a
            // call log of incoming calls, a thread you never answered): the user is its
            // other side.
            if !matches!(info.participants.len(), 1 | 2) {
                continue;
            }
            let (Ok(partner), Some(source)) = (PersonIdx::try_from(*idx), Source::parse(source))
            else {
                continue;
            };
            if partner > 1 {
                continue;
            }
            out.push(PersonChat {
                info,
                me: 1 - partner,
                partner,
                handle: Handle {
                    source,
                    handle: handle.clone(),
                },
            });
        }
        Ok(out)
    }

    fn require_person(&self, id: &str) -> Result<i64> {
        let unknown = || StoreError::UnknownPerson {
            query: id.trim().to_owned(),
        };
        let pk = person_pk(id).ok_or_else(unknown)?;
        let exists: bool = self
            .conn
            .query_row(
                "SELECT EXISTS(SELECT 1 FROM person WHERE id = ?1)",
                [pk],
                |r| r.get(0),
            )
            .db(&self.path)?;
        if exists { Ok(pk) } else { Err(unknown()) }
    }
}

/// The id and person of a stored handle that some chat member has.
fn stored_handle(tx: &Transaction<'_>, path: &str, h: &Handle) -> Result<(i64, i64)> {
    tx.query_row(
        "SELECT h.id, h.person FROM handle h WHERE h.source = ?1 AND h.handle = ?2
            AND EXISTS (SELECT 1 FROM chat_member m WHERE m.handle = h.id)",
        params![h.source.as_str(), h.handle],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
    .db(path)?
    .ok_or_else(|| StoreError::UnknownHandle {
        handle: h.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_emails_normalise() {
        assert_eq!(
            normalise_phone("+1 (555) 000-1111").as_deref(),
            Some("+15550001111")
        );
        assert_eq!(
            normalise_phone("\u{202a}+44 7700 900123\u{202c}").as_deref(),
            Some("+447700900123")
        );
        assert_eq!(normalise_phone("5550001111"), None);
        assert_eq!(normalise_phone("+1 555 Sam"), None);
        assert_eq!(normalise_phone("+123"), None);
        assert_eq!(
            normalise_email(" Sam.R@Example.com").as_deref(),
            Some("sam.r@example.com")
        );
        assert_eq!(normalise_email("sam@localhost"), None);
        assert_eq!(normalise_email("@x.com"), None);
    }

    #[test]
    fn handles_parse_and_print() {
        let h = Handle::parse("sms:+15550001111").unwrap();
        assert_eq!(h.source, Source::Sms);
        assert_eq!(h.to_string(), "sms:+15550001111");
        // Only the first colon separates the source.
        assert_eq!(Handle::parse("telegram:a:b").unwrap().handle, "a:b");
        assert_eq!(
            Handle::parse("WhatsApp:Sam").unwrap().source,
            Source::WhatsApp
        );
        assert_eq!(Handle::parse("kik:sam"), None);
        assert_eq!(Handle::parse("sms:"), None);
        assert_eq!(Handle::parse("sam"), None);
        assert_eq!(person_pk("p12"), Some(12));
        assert_eq!(person_pk("12"), None);
        assert_eq!(person_pk("p0"), None);
    }
}

/// What [`Store::forget`] deleted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Forgotten {
    /// Ids of the chats deleted with all their events.
    pub chats: Vec<String>,
    pub events: u64,
    pub plans: u64,
    /// Handles and people no chat refers to any more.
    pub handles: u64,
    pub people: u64,
    /// Import records that described only what was deleted.
    pub imports: u64,
    /// Group chats the person is still a member of (they are not deleted: other people's
    /// messages are in them); forget them by id.
    pub groups_kept: Vec<String>,
}

impl Store {
    /// Deletes chats with everything stored about them: events, plans, the import records that
    /// held nothing else, and the handles and people no remaining chat refers to; then VACUUMs
    /// and truncates the write-ahead log, so that no deleted text is left in the files.
    /// `chat_ids` are chat ids; `person`, a person id whose two-person chats go too.
    pub fn forget(&mut self, chat_ids: &[String], person: Option<&str>) -> Result<Forgotten> {
        let mut out = Forgotten::default();
        let mut pks: Vec<i64> = Vec::new();
        for id in chat_ids {
            let pk = self
                .chat_pk(id)?
                .ok_or_else(|| StoreError::UnknownChat { id: id.clone() })?;
            if !pks.contains(&pk) {
                pks.push(pk);
                out.chats.push(id.clone());
            }
        }
        if let Some(p) = person {
            for c in self.person_chats(p)? {
                if let Some(pk) = self.chat_pk(&c.info.id)?
                    && !pks.contains(&pk)
                {
                    pks.push(pk);
                    out.chats.push(c.info.id.clone());
                }
            }
            let pk = self.require_person(p)?;
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT DISTINCT c.id FROM chat c JOIN chat_member m ON m.chat = c.pk
                       JOIN handle h ON h.id = m.handle
                      WHERE h.person = ?1 ORDER BY c.id",
                )
                .db(&self.path)?;
            let groups = stmt
                .query_map([pk], |r| r.get::<_, String>(0))
                .db(&self.path)?
                .collect::<rusqlite::Result<Vec<_>>>()
                .db(&self.path)?;
            out.groups_kept = groups
                .into_iter()
                .filter(|g| !out.chats.contains(g))
                .collect();
        }
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .db(&path)?;
        for &pk in &pks {
            out.events += tx
                .query_row(
                    "SELECT coalesce(sum(n), 0) FROM event_block WHERE chat = ?1",
                    [pk],
                    |r| r.get::<_, i64>(0),
                )
                .db(&path)? as u64;
            out.plans += tx
                .execute("DELETE FROM plan WHERE chat = ?1", [pk])
                .db(&path)? as u64;
            for sql in [
                "DELETE FROM event_block WHERE chat = ?1",
                "DELETE FROM import_chat WHERE chat = ?1",
                "DELETE FROM chat_key WHERE chat = ?1",
                "DELETE FROM chat_member WHERE chat = ?1",
                "DELETE FROM chat WHERE pk = ?1",
            ] {
                tx.execute(sql, [pk]).db(&path)?;
            }
        }
        out.handles = tx
            .execute(
                "DELETE FROM handle WHERE id NOT IN
                   (SELECT handle FROM chat_member WHERE handle IS NOT NULL)",
                [],
            )
            .db(&path)? as u64;
        out.people = tx
            .execute(
                "DELETE FROM person WHERE id NOT IN (SELECT person FROM handle)
                   AND id NOT IN (SELECT person FROM chat_member)",
                [],
            )
            .db(&path)? as u64;
        out.imports = tx
            .execute(
                "DELETE FROM import WHERE id NOT IN (SELECT import FROM import_chat)
                   AND id NOT IN (SELECT import FROM event_block)
                   AND id NOT IN (SELECT import FROM activity)",
                [],
            )
            .db(&path)? as u64;
        tx.commit().db(&path)?;
        // The deleted pages still hold the text until the file is rewritten, and the WAL may
        // hold copies of them: rewrite, then fold the WAL in and empty it.
        self.conn.execute_batch("VACUUM").db(&path)?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .db(&path)?;
        Ok(out)
    }
}
