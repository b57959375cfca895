//! The subcommands. Each turns validated settings into calls on the library crates and
//! prints the result; errors carry the file, flag or chat they concern.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use walkaway_import::{Imported, Options};
use walkaway_model::{Severity, Source};
use walkaway_store::{ImportMeta, ImportSummary, Plan, Store};

use crate::args::{
    ChatsArgs, Cli, Command, ImportArgs, PlanCommand, PlanEndArgs, PlanStartArgs, PlanStatusArgs,
    ReportArgs,
};
use crate::{chat, config, report};

pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Import(a) => import(a),
        Command::Chats(a) => chats(a),
        Command::Report(a) => report::run(a),
        Command::Plan(PlanCommand::Start(a)) => plan_start(a),
        Command::Plan(PlanCommand::Status(a)) => plan_status(a),
        Command::Plan(PlanCommand::End(a)) => plan_end(a),
    }
}

pub fn open_store(flag: Option<&Path>) -> Result<Store> {
    let path = config::db_path(flag)?;
    Ok(Store::open(&path)?)
}

/// Reads `path` and stores it in one transaction. Returns what was added.
pub fn import_one(
    store: &mut Store,
    path: &Path,
    opts: &Options,
    tz_name: &str,
) -> Result<(Imported, ImportSummary)> {
    let imported = walkaway_import::read_path(path, opts)?;
    let summary = store_imported(store, path, &imported, tz_name)?;
    Ok((imported, summary))
}

/// Stores what was read from `path` in one transaction.
pub fn store_imported(
    store: &mut Store,
    path: &Path,
    imported: &Imported,
    tz_name: &str,
) -> Result<ImportSummary> {
    if imported.parsed.chats.is_empty() && imported.parsed.activity.is_empty() {
        bail!(
            "{}: no chat or activity found in this {} file",
            path.display(),
            imported.format
        );
    }
    let meta = ImportMeta {
        path: path.display().to_string(),
        file_hash: imported.file_hash.clone(),
        bytes: imported.bytes,
        format: imported.format.to_string(),
        // Only wall-clock formats depend on the zone they are read in.
        tz: if imported.format.starts_with("whatsapp") {
            tz_name.to_string()
        } else {
            String::new()
        },
        modified: imported.modified,
        imported_at: config::now_millis(),
    };
    store
        .import(&meta, &imported.parsed)
        .with_context(|| format!("{}: could not store the import", path.display()))
}

fn import(a: ImportArgs) -> Result<()> {
    let tz = config::time_zone(a.read.tz.as_deref())?;
    let opts = Options {
        tz: tz.clone(),
        date_order: config::date_order(a.read.date_order.as_deref())?,
    };
    let mut store = open_store(a.db.db.as_deref())?;
    let mut out = std::io::stdout().lock();
    let mut failed = 0usize;
    let mut paths = Vec::new();
    for p in &a.paths {
        paths.extend(expand_target(p)?);
    }
    for path in &paths {
        match import_one(&mut store, path, &opts, &config::zone_name(&tz)) {
            Ok((imported, summary)) => {
                write_summary(&mut out, path, &imported, &summary)?;
                if let Some(me) = a.me.as_deref() {
                    for c in &summary.chats {
                        store
                            .set_me(&c.chat_id, me)
                            .with_context(|| format!("--me for chat {}", c.chat_id))?;
                    }
                }
                for c in &summary.chats {
                    if let Some(text) = crate::progress::plan_progress(
                        &store,
                        &c.chat_id,
                        &tz,
                        crate::style::color_stdout(),
                    )? {
                        out.write_all(text.as_bytes())?;
                    }
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("walkaway: error: {e:#}");
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
    Ok(())
}

/// The import summary a person reads after `walkaway import`.
pub fn write_summary(
    out: &mut dyn Write,
    path: &Path,
    imported: &Imported,
    s: &ImportSummary,
) -> Result<()> {
    writeln!(
        out,
        "imported {} ({}, {})",
        path.display(),
        imported.format,
        human_bytes(imported.bytes)
    )?;
    if s.same_file_seen_before {
        writeln!(
            out,
            "  this exact file was imported before; nothing new in it"
        )?;
    }
    for c in &s.chats {
        writeln!(
            out,
            "  chat {}  \"{}\"{}",
            c.chat_id,
            c.title,
            if c.new_chat { "  (new)" } else { "" }
        )?;
        writeln!(out, "    participants: {}", c.participants.join(", "))?;
        writeln!(
            out,
            "    events: {} added, {} already present",
            thousands(c.added),
            thousands(c.present)
        )?;
    }
    if s.activity_added + s.activity_present > 0 {
        writeln!(
            out,
            "  instagram likes and comments: {} added, {} already present",
            thousands(s.activity_added),
            thousands(s.activity_present)
        )?;
    }
    write_diagnostics(out, &imported.parsed.diagnostics)?;
    Ok(())
}

/// Groups diagnostics by message: "3 lines: <what> (lines 120, 121, 4077)".
pub fn write_diagnostics(out: &mut dyn Write, diags: &[walkaway_model::Diagnostic]) -> Result<()> {
    if diags.is_empty() {
        writeln!(out, "  diagnostics: none")?;
        return Ok(());
    }
    let mut groups: BTreeMap<(Severity, &str), Vec<u32>> = BTreeMap::new();
    for d in diags {
        groups
            .entry((d.severity, d.message.as_str()))
            .or_default()
            .push(d.line);
    }
    writeln!(out, "  diagnostics: {}", diags.len())?;
    for ((sev, msg), lines) in groups.iter().rev() {
        let label = match sev {
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        let shown: Vec<String> = lines
            .iter()
            .filter(|&&l| l > 0)
            .take(8)
            .map(|l| l.to_string())
            .collect();
        let more = lines
            .iter()
            .filter(|&&l| l > 0)
            .count()
            .saturating_sub(shown.len());
        let where_ = if shown.is_empty() {
            String::new()
        } else if more > 0 {
            format!(" (lines {}, and {more} more)", shown.join(", "))
        } else if shown.len() == 1 {
            format!(" (line {})", shown[0])
        } else {
            format!(" (lines {})", shown.join(", "))
        };
        if lines.len() > 1 {
            writeln!(out, "    {label}: {}x {msg}{where_}", lines.len())?;
        } else {
            writeln!(out, "    {label}: {msg}{where_}")?;
        }
    }
    Ok(())
}

fn chats(a: ChatsArgs) -> Result<()> {
    let store = open_store(a.db.db.as_deref())?;
    let chats = store.chats()?;
    let mut out = std::io::stdout().lock();
    if a.json {
        let v: Vec<serde_json::Value> = chats
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id,
                    "title": c.title,
                    "sources": c.sources.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                    "participants": c.participants,
                    "me": c.me,
                    "messages": c.messages,
                    "first": c.first.map(iso),
                    "last": c.last.map(iso),
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

fn plan_start(a: PlanStartArgs) -> Result<()> {
    let date = config::date("DATE", &a.date)?;
    let window = config::positive("--window", a.window, 365)?;
    let fast = config::positive("--fast-reply", a.fast_reply, 24 * 60)?;
    let mut store = open_store(a.db.db.as_deref())?;
    let c = chat::resolve(&store, a.chat.as_deref())?;
    let plan = Plan {
        start_date: date.to_string(),
        window_days: window,
        fast_reply_minutes: fast,
        partner_accounts: normalise_accounts(&a.instagram),
        created_at: config::now_millis(),
        ended_on: None,
    };
    store.start_plan(&c.id, &plan)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "step-back plan started for \"{}\" ({}) on {date}",
        c.title, c.id
    )?;
    writeln!(
        out,
        "  rules: don't open conversations; don't reply within {fast} min; don't call; don't like or comment on their posts"
    )?;
    writeln!(
        out,
        "  window: {window} days; each `walkaway import` of a newer export updates `walkaway plan status`"
    )?;
    if plan.partner_accounts.is_empty() {
        writeln!(
            out,
            "  tip: add --instagram ACCOUNT to check likes and comments on their posts (needs your Instagram activity export)"
        )?;
    }
    Ok(())
}

fn plan_status(a: PlanStatusArgs) -> Result<()> {
    let store = open_store(a.db.db.as_deref())?;
    let c = chat::resolve(&store, a.chat.as_deref())?;
    if store.active_plan(&c.id)?.is_none() {
        bail!(
            "no active step-back plan for \"{}\"; start one with: walkaway plan start YYYY-MM-DD",
            c.title
        );
    }
    drop(store);
    let mut args = ReportArgs::for_chat(Some(c.id));
    args.read.tz = a.tz;
    args.json = a.json;
    args.as_of = a.as_of;
    args.db = a.db;
    report::run(args)
}

fn plan_end(a: PlanEndArgs) -> Result<()> {
    let mut store = open_store(a.db.db.as_deref())?;
    let c = chat::resolve(&store, a.chat.as_deref())?;
    let tz = config::time_zone(None)?;
    let on = match a.on.as_deref() {
        Some(s) => config::date("--on", s)?,
        None => config::today(&tz),
    };
    if store.end_plan(&c.id, &on.to_string())? {
        println!("step-back plan for \"{}\" ended on {on}", c.title);
        Ok(())
    } else {
        bail!("no active step-back plan for \"{}\"", c.title)
    }
}

pub fn normalise_accounts(v: &[String]) -> Vec<String> {
    let mut out: Vec<String> = v
        .iter()
        .map(|s| s.trim().trim_start_matches('@').to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

pub fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn day(ms: i64) -> String {
    iso(ms).get(..10).unwrap_or_default().to_string()
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

pub fn human_bytes(b: u64) -> String {
    const K: f64 = 1024.0;
    let f = b as f64;
    if f < K {
        format!("{b} B")
    } else if f < K * K {
        format!("{:.1} KiB", f / K)
    } else if f < K * K * K {
        format!("{:.1} MiB", f / K / K)
    } else {
        format!("{:.2} GiB", f / K / K / K)
    }
}

/// The exports behind a path: a file is itself; an Instagram activity folder is itself (the
/// importer walks it); any other folder stands for the exports directly inside it (chat
/// .txt/.zip/.json files and activity folders), so `walkaway import ~/Downloads/exports` works.
pub fn expand_target(path: &Path) -> Result<Vec<PathBuf>> {
    if !path.is_dir() || looks_like_instagram_folder(path) {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("cannot read the folder {}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_dir()
                || p.extension().is_some_and(|x| {
                    let x = x.to_string_lossy().to_lowercase();
                    x == "txt" || x == "zip" || x == "json"
                })
        })
        .collect();
    entries.sort();
    if entries.is_empty() {
        bail!(
            "{}: no exports (.txt, .zip, .json or Instagram folders) in this folder",
            path.display()
        );
    }
    Ok(entries)
}

fn looks_like_instagram_folder(p: &Path) -> bool {
    [
        "your_instagram_activity",
        "likes",
        "comments",
        "story_interactions",
    ]
    .iter()
    .any(|d| p.join(d).is_dir())
}

/// True when `target` names an existing file or folder (an export to import first).
pub fn is_path(target: &str) -> Option<PathBuf> {
    let p = PathBuf::from(target);
    p.exists().then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(100), "100");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(
            normalise_accounts(&["@Sam.Rivera ".into(), "sam.rivera".into()]),
            vec!["sam.rivera"]
        );
    }
}
