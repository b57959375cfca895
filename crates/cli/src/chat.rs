//! Choosing a chat and the user's side of it.

use anyhow::{Result, bail};
use walkaway_model::PersonIdx;
use walkaway_store::{ChatInfo, Store};

/// Finds the chat a user meant: an exact id, else a unique case-insensitive title match,
/// else, with no query, the only chat in the database.
pub fn resolve(store: &Store, query: Option<&str>) -> Result<ChatInfo> {
    let chats = store.chats()?;
    if chats.is_empty() {
        bail!("the database has no chats yet; import an export first: walkaway import <PATH>");
    }
    let Some(q) = query else {
        if chats.len() == 1 {
            return Ok(chats.into_iter().next().expect("one chat"));
        }
        bail!(
            "the database has {} chats; name one (id or title):\n{}",
            chats.len(),
            list(&chats)
        );
    };
    if let Some(c) = chats.iter().find(|c| c.id == q) {
        return Ok(c.clone());
    }
    let ql = q.to_lowercase();
    let exact: Vec<&ChatInfo> = chats
        .iter()
        .filter(|c| c.title.to_lowercase() == ql)
        .collect();
    let hits: Vec<&ChatInfo> = if exact.is_empty() {
        chats
            .iter()
            .filter(|c| c.title.to_lowercase().contains(&ql))
            .collect()
    } else {
        exact
    };
    match hits.as_slice() {
        [one] => Ok((*one).clone()),
        [] => bail!(
            "no chat matches '{q}' (and no such file exists); the chats are:\n{}",
            list(&chats)
        ),
        many => bail!(
            "'{q}' matches {} chats; use an id:\n{}",
            many.len(),
            list(&many.iter().map(|c| (*c).clone()).collect::<Vec<_>>())
        ),
    }
}

fn list(chats: &[ChatInfo]) -> String {
    chats
        .iter()
        .map(|c| format!("  {}  {}  ({} messages)", c.id, c.title, c.messages))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The user and the partner of a loaded chat: `--me`, else the stored choice, else what the
/// export tells. Without any, stops with the names to choose from.
pub fn sides(
    people: &[String],
    known_me: Option<PersonIdx>,
    me_flag: Option<&str>,
) -> Result<(PersonIdx, Option<PersonIdx>)> {
    let me = if let Some(name) = me_flag {
        match find_person(people, name) {
            Some(i) => i,
            None => {
                return Err(crate::errors::usage(format!(
                    "--me: '{name}' is not a participant of this chat; choose one of: {}",
                    names(people)
                )));
            }
        }
    } else if let Some(i) = known_me.filter(|&i| (i as usize) < people.len()) {
        i
    } else {
        bail!(
            "cannot tell which participant is you; pass --me with one of: {}",
            names(people)
        );
    };
    let speakers: Vec<PersonIdx> = (0..people.len() as PersonIdx)
        .filter(|&i| i != me)
        .collect();
    let partner = if speakers.len() == 1 {
        Some(speakers[0])
    } else {
        None
    };
    Ok((me, partner))
}

/// Case-insensitive, whitespace-trimmed name lookup.
pub fn find_person(people: &[String], name: &str) -> Option<PersonIdx> {
    let n = name.trim();
    people
        .iter()
        .position(|p| p == n)
        .or_else(|| {
            people
                .iter()
                .position(|p| p.to_lowercase() == n.to_lowercase())
        })
        .map(|i| i as PersonIdx)
}

fn names(people: &[String]) -> String {
    people
        .iter()
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
