//! Reading exports into the database and telling the user what was read: shared by `import`
//! and by `report EXPORT_PATH`.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use walkaway_import::{Imported, Options};
use walkaway_model::Severity;
use walkaway_store::{ImportMeta, ImportSummary, Store};

use crate::config::{self, ReadSettings};

pub fn open_store(path: &Path) -> Result<Store> {
    Ok(Store::open(path)?)
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

/// Imports every export behind `path` (a file, or a folder of exports) and returns the ids of
/// the chats it touched. Summaries go to stderr so stdout stays the report. With several
/// exports, one that fails is skipped with a message.
pub fn import_folder(
    store: &mut Store,
    path: &Path,
    read: &ReadSettings,
    quiet: bool,
) -> Result<Vec<String>> {
    let targets = expand_target(path)?;
    let opts = options(read);
    let mut chats = Vec::new();
    let mut err = std::io::stderr().lock();
    for t in &targets {
        match import_one(store, t, &opts, &read.tz_name) {
            Ok((imported, summary)) => {
                if !quiet {
                    write_summary(&mut err, t, &imported, &summary)?;
                }
                chats.extend(summary.chats.iter().map(|c| c.chat_id.clone()));
            }
            Err(e) if targets.len() > 1 => {
                writeln!(
                    err,
                    "walkaway: skipped {}: {}",
                    t.display(),
                    crate::errors::describe(&e)
                )?;
            }
            Err(e) => return Err(e),
        }
    }
    chats.sort();
    chats.dedup();
    Ok(chats)
}

/// True when the import failed because the file is not an export of any kind walkaway reads
/// (as opposed to a damaged or hostile export, which is an error).
pub fn is_not_an_export(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<walkaway_import::ImportError>(),
        Some(
            walkaway_import::ImportError::UnknownFormat { .. }
                | walkaway_import::ImportError::NotAnExport { .. }
        )
    )
}

/// The importer's options for these read settings.
pub fn options(read: &ReadSettings) -> Options {
    Options {
        tz: read.tz.clone(),
        date_order: read.date_order,
    }
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
    // An archive may hold thousands of chats: the first ones, then a count.
    let listed = if s.chats.len() > MAX_CHATS_LISTED + 5 {
        MAX_CHATS_LISTED
    } else {
        s.chats.len()
    };
    for c in s.chats.iter().take(listed) {
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
    if let Some(rest) = s.chats.get(listed..).filter(|r| !r.is_empty()) {
        let new = rest.iter().filter(|c| c.new_chat).count();
        let added: u64 = rest.iter().map(|c| c.added).sum();
        let present: u64 = rest.iter().map(|c| c.present).sum();
        writeln!(
            out,
            "  and {} more chats ({} new): events {} added, {} already present; `walkaway chats` lists them all",
            thousands(rest.len() as u64),
            thousands(new as u64),
            thousands(added),
            thousands(present)
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
    let listed = if groups.len() > MAX_DIAGNOSTICS_LISTED + 5 {
        MAX_DIAGNOSTICS_LISTED
    } else {
        groups.len()
    };
    for ((sev, msg), lines) in groups.iter().rev().take(listed) {
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
    if groups.len() > listed {
        let rest: usize = groups.values().rev().skip(listed).map(Vec::len).sum();
        writeln!(out, "    and {} other diagnostics", thousands(rest as u64))?;
    }
    Ok(())
}

/// Chats of one import listed one by one; past this (and five more), a count.
const MAX_CHATS_LISTED: usize = 20;
/// Distinct diagnostics listed; past this (and five more), a count.
const MAX_DIAGNOSTICS_LISTED: usize = 30;

pub fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

pub fn day(ms: i64) -> String {
    iso(ms).get(..10).unwrap_or_default().to_string()
}

pub fn truncate(s: &str, n: usize) -> String {
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

/// The exports behind a path: a file is itself; a folder that is one export is itself (the
/// importer walks it: Meta's "download your information", Telegram's export folder, a folder
/// holding `chat.db` such as `~/Library/Messages`); any other folder stands for the exports
/// directly inside it (chat .txt/.zip/.json/.xml/.csv/.db files, chat.md, and export folders),
/// so `walkaway import ~/Downloads/exports` works.
pub fn expand_target(path: &Path) -> Result<Vec<PathBuf>> {
    if !path.is_dir() || looks_like_one_export(path) {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("cannot read the folder {}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_dir()
                || p.file_name()
                    .is_some_and(|n| walkaway_import::worth_trying(&n.to_string_lossy()))
        })
        .collect();
    entries.sort();
    if entries.is_empty() {
        bail!(
            "{}: no exports (.txt, .zip, .json, .xml, .csv, .db, chat.md or Instagram \
             folders) in this folder",
            path.display()
        );
    }
    Ok(entries)
}

/// A folder the importer reads as one export: Instagram activity or Meta's "download your
/// information" (its top folders, current and older), Telegram's export (`result.json` beside
/// its media folders), or a Messages folder (`chat.db` beside `Attachments`). Split into its
/// subfolders, such a folder failed as a whole (its profile or media folders hold no chat).
fn looks_like_one_export(p: &Path) -> bool {
    [
        "your_instagram_activity",
        "your_facebook_activity",
        "your_activity_across_facebook",
        "likes",
        "comments",
        "story_interactions",
    ]
    .iter()
    .any(|d| p.join(d).is_dir())
        || p.join("messages").join("inbox").is_dir()
        || ["result.json", "chat.db"]
            .iter()
            .any(|f| p.join(f).is_file())
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
    }
}
