//! The subcommands. Each takes its validated settings ([`crate::config`]), calls the library
//! crates and prints the result; errors carry the file, flag or chat they concern.

use std::io::Write;

use anyhow::{Context, Result, bail};
use walkaway_model::Source;

use crate::config::{ChatsSettings, ImportSettings, Settings};
use crate::ingest::{self, day, thousands, truncate};
use crate::{people, plan, report};

pub fn run(settings: Settings) -> Result<()> {
    match settings {
        Settings::Import(s) => import(s),
        Settings::Chats(s) => chats(s),
        Settings::Report(s) => report::run(&s),
        Settings::PlanStart(s) => plan::start(s),
        Settings::PlanStatus(s) => plan::status(s),
        Settings::PlanEnd(s) => plan::end(s),
        Settings::PlanList(s) => plan::list(s),
        Settings::PlanShow(s) => plan::show(s),
        Settings::People(s) => people::list(s),
        Settings::Link(s) => people::link(s, true),
        Settings::Unlink(s) => people::link(s, false),
        Settings::Forget(s) => people::forget(s),
        Settings::App(s) => crate::app::run(&s),
    }
}

fn import(s: ImportSettings) -> Result<()> {
    let opts = ingest::options(&s.read);
    let mut store = ingest::open_store(&s.db)?;
    let mut out = std::io::stdout().lock();
    let mut failed = 0usize;
    // (path, found inside a folder the user named)
    let mut paths: Vec<(std::path::PathBuf, bool)> = Vec::new();
    for p in &s.paths {
        let inside = ingest::expand_target(p)?;
        let from_folder = inside.as_slice() != std::slice::from_ref(p);
        paths.extend(inside.into_iter().map(|t| (t, from_folder)));
    }
    let mut skipped = 0usize;
    for (path, from_folder) in &paths {
        match ingest::import_one(&mut store, path, &opts, &s.read.tz_name) {
            Ok((imported, summary)) => {
                ingest::write_summary(&mut out, path, &imported, &summary)?;
                if let Some(me) = s.me.as_deref() {
                    for c in &summary.chats {
                        match store.set_me(&c.chat_id, me) {
                            Err(e @ walkaway_store::StoreError::NotParticipant { .. }) => {
                                return Err(crate::errors::usage(format!("--me: {e}")));
                            }
                            other => {
                                other.with_context(|| format!("--me for chat {}", c.chat_id))?
                            }
                        }
                    }
                }
                for c in &summary.chats {
                    if let Some(text) =
                        crate::progress::plan_progress(&mut store, &c.chat_id, &s.read.tz)?
                    {
                        out.write_all(text.as_bytes())?;
                    }
                }
            }
            // A file of a folder that is no export at all (notes, settings, photos) is
            // named and passed over; the folder's exports are what was asked for.
            Err(e) if *from_folder && ingest::is_not_an_export(&e) => {
                skipped += 1;
                eprintln!(
                    "walkaway: skipped {}: {}",
                    path.display(),
                    crate::errors::describe(&e)
                );
            }
            Err(e) => {
                failed += 1;
                eprintln!("walkaway: error: {}", crate::errors::describe(&e));
            }
        }
    }
    out.flush()?;
    if failed > 0 {
        bail!(
            "{failed} of {} imports failed (see above); nothing from them was stored",
            paths.len()
        );
    }
    if skipped == paths.len() {
        bail!("none of the {skipped} files found is an export (see above)");
    }
    Ok(())
}

fn chats(s: ChatsSettings) -> Result<()> {
    let store = ingest::open_store(&s.db)?;
    let chats = store.chats()?;
    let mut out = std::io::stdout().lock();
    if s.json {
        let v: Vec<serde_json::Value> = chats
            .iter()
            .map(|c| {
                // The user as set with --me, else as the export says (inferred).
                let (me, me_source) = match (&c.me, &c.me_hint) {
                    (Some(m), _) => (Some(m), Some("set")),
                    (None, Some(h)) => (Some(h), Some("inferred")),
                    (None, None) => (None, None),
                };
                serde_json::json!({
                    "id": c.id,
                    "title": c.title,
                    "sources": c.sources.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                    "participants": c.participants,
                    "me": me,
                    "me_source": me_source,
                    "messages": c.messages,
                    "first": c.first.map(ingest::iso),
                    "last": c.last.map(ingest::iso),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    if chats.is_empty() {
        writeln!(
            out,
            "no chats yet; import an export: walkaway import <PATH>"
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<14} {:<28} {:>9}  {:<10}  {:<10}  participants",
        "id", "title", "messages", "first", "last"
    )?;
    for c in &chats {
        let srcs: Vec<&str> = c.sources.iter().map(|s: &Source| s.as_str()).collect();
        writeln!(
            out,
            "{:<14} {:<28} {:>9}  {:<10}  {:<10}  {} [{}]",
            c.id,
            truncate(&c.title, 28),
            thousands(c.messages),
            c.first.map(day).unwrap_or_default(),
            c.last.map(day).unwrap_or_default(),
            c.participants.join(", "),
            srcs.join(", ")
        )?;
    }
    Ok(())
}
