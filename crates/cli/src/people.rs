//! `walkaway people`, `link` and `unlink`, and finding the person `report PERSON` means.
//!
//! Nothing is merged without the user's word: `people` only suggests, `link` moves handles.

use std::io::Write;

use anyhow::{Result, anyhow};
use walkaway_store::{Person, PersonChat, Store, StoreError};

use crate::config::{ForgetSettings, LinkSettings, PeopleSettings};
use crate::errors::usage;
use crate::ingest;

pub fn list(s: PeopleSettings) -> Result<()> {
    let store = ingest::open_store(&s.db)?;
    let people = store.people()?;
    let mut out = std::io::stdout().lock();
    if s.json {
        let v: Vec<serde_json::Value> = people
            .iter()
            .map(|p| {
                serde_json::json!({
                    "person": p.name,
                    "id": p.id,
                    "handles": p.handles.iter().zip(&p.names).map(|(h, n)| serde_json::json!({
                        "source": h.source.as_str(),
                        "handle": h.handle,
                        "name": n,
                    })).collect::<Vec<_>>(),
                    "suggestions": p.suggestions.iter().map(|x| serde_json::json!({
                        "source": x.handle.source.as_str(),
                        "handle": x.handle.handle,
                        "why": x.why,
                        "person": x.person,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    if people.is_empty() {
        writeln!(
            out,
            "no people yet; import an export: walkaway import <PATH>"
        )?;
        return Ok(());
    }
    for p in &people {
        writeln!(out, "{:<6} {}", p.id, p.name)?;
        for (h, n) in p.handles.iter().zip(&p.names) {
            let h = h.to_string();
            if h.ends_with(&format!(":{n}")) {
                writeln!(out, "         {h}")?;
            } else {
                writeln!(out, "         {h}  ({n})")?;
            }
        }
        for x in &p.suggestions {
            writeln!(
                out,
                "         suggested: {} ({}): walkaway link {} {}",
                x.handle,
                x.why,
                p.id,
                shell_word(&x.handle.to_string())
            )?;
        }
    }
    let mine = store.my_handles()?;
    if !mine.is_empty() {
        let mine: Vec<String> = mine.iter().map(|h| h.to_string()).collect();
        writeln!(out, "\nyou: {}", mine.join(", "))?;
    }
    Ok(())
}

/// A handle as a shell word: quoted when it holds anything but plain characters.
fn shell_word(s: &str) -> String {
    let plain = s
        .chars()
        .all(|c| c.is_alphanumeric() || "+-_.:@".contains(c));
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// `link PERSON HANDLE...` (`add`) or `unlink PERSON HANDLE...`.
pub fn link(s: LinkSettings, add: bool) -> Result<()> {
    let mut store = ingest::open_store(&s.db)?;
    let person = resolve(&store, &s.person)?;
    let done = if add {
        store.link(&person.id, &s.handles)
    } else {
        store.unlink(&person.id, &s.handles)
    };
    done.map_err(|e| match e {
        StoreError::UnknownHandle { .. }
        | StoreError::HandleIsYou { .. }
        | StoreError::NotHandleOf { .. }
        | StoreError::OnlyHandle { .. }
        | StoreError::UnknownPerson { .. } => usage(format!("HANDLE: {e}")),
        other => anyhow!(other),
    })?;
    let now = store
        .find_people(&person.id)?
        .into_iter()
        .next()
        .map(|p| {
            p.handles
                .iter()
                .map(|h| h.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let handles: Vec<String> = s.handles.iter().map(|h| h.to_string()).collect();
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} {} {} {} ({}); {} now has: {now}",
        if add { "linked" } else { "unlinked" },
        handles.join(", "),
        if add { "to" } else { "from" },
        person.id,
        person.name,
        person.name
    )?;
    Ok(())
}

/// The one person `query` means (an id, a `SOURCE:HANDLE`, or a name), or a usage error that
/// lists the candidates when the name is ambiguous.
pub fn resolve(store: &Store, query: &str) -> Result<Person> {
    let found = store.find_people(query)?;
    match found.len() {
        1 => found
            .into_iter()
            .next()
            .ok_or_else(|| anyhow!("no person {query}")),
        0 => Err(usage(format!(
            "PERSON: no person '{}'; `walkaway people` lists them with their ids",
            query.trim()
        ))),
        _ => Err(usage(format!(
            "PERSON: '{}' names {} people; use an id:\n{}",
            query.trim(),
            found.len(),
            candidates(&found)
        ))),
    }
}

fn candidates(people: &[Person]) -> String {
    people
        .iter()
        .map(|p| {
            let handles: Vec<String> = p.handles.iter().map(|h| h.to_string()).collect();
            format!("  {}  {}  ({})", p.id, p.name, handles.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The person `report QUERY` means, with their two-person chats, when it means one: a chat id
/// always means the chat; a person's id means the person; a name or a `SOURCE:HANDLE` means
/// the person when their handles reach at least two chats (with one chat, the chat's report is
/// the same thing and keeps its own id). A name shared by several people who reach two chats
/// or more is ambiguous (a usage error listing them).
pub fn for_report(store: &Store, query: &str) -> Result<Option<(Person, Vec<PersonChat>)>> {
    let q = query.trim();
    if store.chat(q)?.is_some() {
        return Ok(None);
    }
    let found = store.find_people(q)?;
    let mut merged = Vec::new();
    for p in found {
        let chats = store.person_chats(&p.id)?;
        if p.id == q || chats.len() >= 2 {
            merged.push((p, chats));
        }
    }
    match merged.len() {
        0 => Ok(None),
        1 => Ok(merged.pop()),
        n => Err(usage(format!(
            "PERSON: '{q}' names {n} people with chats in several apps; use an id:\n{}",
            candidates(&merged.into_iter().map(|(p, _)| p).collect::<Vec<_>>())
        ))),
    }
}

/// `walkaway forget CHAT|PERSON [--yes]`: a chat id means that chat; otherwise a person (an id,
/// a name or a `SOURCE:HANDLE`) and every two-person chat with them. Without `--yes` it lists
/// what would go and deletes nothing.
pub fn forget(s: ForgetSettings) -> Result<()> {
    let mut store = ingest::open_store(&s.db)?;
    let q = s.target.trim();
    let (chats, person): (Vec<String>, Option<Person>) = if store.chat(q)?.is_some() {
        (vec![q.to_owned()], None)
    } else {
        let mut found = store.find_people(q)?;
        match found.len() {
            0 => {
                return Err(usage(format!(
                    "forget: no chat or person '{q}'; `walkaway chats` lists chat ids and \
                     `walkaway people` people"
                )));
            }
            1 => {}
            n => {
                return Err(usage(format!(
                    "forget: '{q}' names {n} people; use an id:\n{}",
                    candidates(&found)
                )));
            }
        }
        let p = found.remove(0);
        let chats = store
            .person_chats(&p.id)?
            .into_iter()
            .map(|c| c.info.id)
            .collect();
        (chats, Some(p))
    };
    let mut out = std::io::stdout().lock();
    let what = match &person {
        Some(p) => format!("{} ({})", p.name, p.id),
        None => format!("chat {q}"),
    };
    if !s.yes {
        writeln!(out, "walkaway forget would delete {what}, for good:")?;
        for id in &chats {
            if let Some(c) = store.chat(id)? {
                writeln!(
                    out,
                    "  {id}  {}  ({} messages, {} plans)",
                    c.title,
                    c.messages,
                    store.plans(Some(id))?.len()
                )?;
            }
        }
        if let Some(p) = &person {
            let handles: Vec<String> = p.handles.iter().map(|h| h.to_string()).collect();
            writeln!(out, "  and their handles: {}", handles.join(", "))?;
        }
        writeln!(
            out,
            "Nothing was deleted. To delete it, run: walkaway forget {} --yes",
            shell_word(q)
        )?;
        return Ok(());
    }
    let gone = store.forget(
        if person.is_some() { &[] } else { &chats },
        person.as_ref().map(|p| p.id.as_str()),
    )?;
    writeln!(
        out,
        "forgot {what}: {} chat{}, {} messages and events, {} plan{}, {} handle{}, {} import \
         record{}; the database file was rewritten without them",
        gone.chats.len(),
        plural(gone.chats.len() as u64),
        gone.events,
        gone.plans,
        plural(gone.plans),
        gone.handles,
        plural(gone.handles),
        gone.imports,
        plural(gone.imports),
    )?;
    if !gone.groups_kept.is_empty() {
        writeln!(
            out,
            "still in {} group chat{} (other people's messages are there too; forget them by \
             id): {}",
            gone.groups_kept.len(),
            plural(gone.groups_kept.len() as u64),
            gone.groups_kept.join(", ")
        )?;
    }
    Ok(())
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}
