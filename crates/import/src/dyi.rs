//! JSON chat exports inside a folder or a zip: Telegram's `result.json`, Meta's thread files
//! and profile, gathered and read into chats.
//!
//! Every candidate is recognised by its content ([`json::sniff`]); a path only groups the files
//! of one Meta thread (they share a folder), orders them (`message_2.json` holds older messages
//! than `message_1.json`) and says which app wrote the export (`your_instagram_activity/`).

use std::collections::BTreeMap;

use walkaway_model::{Diagnostic, Millis, ParsedChat, Severity, Source};

use crate::json::Shape;
use crate::meta::{self, AppHint, ThreadReader};

/// A JSON file of a folder or zip that holds chats, or names the user.
#[derive(Clone, Debug)]
pub(crate) struct Candidate {
    /// Path relative to the folder or zip root, with `/` separators.
    pub name: String,
    pub shape: Shape,
    /// Index of the file in the caller's list.
    pub index: usize,
}

/// What the caller reads a candidate's bytes with: a file streamed from disk or an entry in
/// memory.
pub(crate) trait Reads {
    /// Reads a Telegram export.
    fn telegram(
        &mut self,
        c: &Candidate,
    ) -> Result<crate::telegram::TelegramExport, crate::ImportError>;
    /// Reads one Meta thread file into `t`.
    fn thread_file(
        &mut self,
        c: &Candidate,
        t: &mut ThreadReader,
    ) -> Result<(), crate::ImportError>;
    /// The whole (small) file.
    fn bytes(&mut self, c: &Candidate) -> Result<Vec<u8>, crate::ImportError>;
    /// When the file was written, if known.
    fn dated(&self, c: &Candidate) -> Option<Millis>;
    /// Whether [`Reads::dated`] is the moment of the export (a zip entry's date, written when
    /// the export was made) rather than a file date that copying may have changed.
    fn dates_are_export_times(&self) -> bool;
}

/// What was read.
#[derive(Default)]
pub(crate) struct Found {
    pub chats: Vec<ParsedChat>,
    pub diagnostics: Vec<Diagnostic>,
    pub format: Option<&'static str>,
    /// Latest date of the files read.
    pub modified: Option<Millis>,
}

/// The number in `message_N.json` (1 for a name without one): higher numbers hold older
/// messages.
fn file_number(name: &str) -> u64 {
    let base = name.rsplit('/').next().unwrap_or(name);
    let digits: String = base
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap_or(1)
}

fn parent(name: &str) -> &str {
    name.rsplit_once('/').map_or("", |(p, _)| p)
}

/// The app a Meta path belongs to, from its folders.
pub(crate) fn app_of_path(name: &str) -> AppHint {
    let lower = name.to_ascii_lowercase();
    if lower.contains("your_instagram_activity/") || lower.starts_with("instagram") {
        AppHint::Instagram
    } else if lower.contains("your_facebook_activity/")
        || lower.contains("your_activity_across_facebook/")
        || lower.starts_with("facebook")
    {
        AppHint::Messenger
    } else {
        AppHint::Unknown
    }
}

/// Reads every candidate: each Telegram export, and each Meta thread (its files merged).
/// `label` names the folder or zip in diagnostics.
pub(crate) fn read_all(
    label: &str,
    candidates: &[Candidate],
    src: &mut dyn Reads,
) -> Result<Found, crate::ImportError> {
    let mut found = Found::default();
    // The user's name and the app, from a profile file.
    let mut profile: Option<(AppHint, String)> = None;
    for c in candidates.iter().filter(|c| c.shape == Shape::MetaProfile) {
        let bytes = src.bytes(c)?;
        if let Some(p) = meta::profile_name(&bytes) {
            profile.get_or_insert(p);
        }
    }
    for c in candidates
        .iter()
        .filter(|c| matches!(c.shape, Shape::TelegramChat | Shape::TelegramAccount))
    {
        let out = src.telegram(c)?;
        found.format.get_or_insert("telegram-json");
        let dated = src.dated(c);
        found.modified = found.modified.max(dated);
        for mut d in out.diagnostics {
            d.message = prefixed(label, &d.message);
            found.diagnostics.push(d);
        }
        for mut chat in out.chats {
            if src.dates_are_export_times() {
                chat.exported_at = crate::export_time(dated, &chat);
            }
            found.chats.push(chat);
        }
    }
    // Meta threads: the files of a folder, oldest (highest number) first.
    let mut threads: BTreeMap<&str, Vec<&Candidate>> = BTreeMap::new();
    for c in candidates.iter().filter(|c| c.shape == Shape::MetaThread) {
        threads.entry(parent(&c.name)).or_default().push(c);
    }
    let mut unknown_app = 0usize;
    for (dir, mut files) in threads {
        files.sort_by_key(|c| std::cmp::Reverse(file_number(&c.name)));
        let mut t = ThreadReader::new();
        let mut dated = None;
        for c in &files {
            src.thread_file(c, &mut t)?;
            dated = dated.max(src.dated(c));
        }
        let app = match (app_of_path(dir), &profile, t.hint()) {
            (AppHint::Unknown, Some((p, _)), _) => *p,
            (AppHint::Unknown, None, h) => h,
            (p, _, _) => p,
        };
        let source = match app {
            AppHint::Instagram => Source::Instagram,
            AppHint::Messenger => Source::Messenger,
            AppHint::Unknown => {
                unknown_app += 1;
                Source::Messenger
            }
        };
        let me = profile
            .as_ref()
            .filter(|(p, _)| *p == app)
            .map(|(_, n)| n.as_str());
        let (mut chat, diags) = t.finish(source, me);
        for mut d in diags {
            d.message = prefixed(label, &d.message);
            found.diagnostics.push(d);
        }
        found.format.get_or_insert(match source {
            Source::Instagram => "instagram-json",
            _ => "messenger-json",
        });
        found.modified = found.modified.max(dated);
        if chat.events.is_empty() {
            found.diagnostics.push(Diagnostic {
                severity: Severity::Note,
                line: 0,
                message: format!("{label}: thread {dir} holds no messages; skipped"),
            });
            continue;
        }
        if src.dates_are_export_times() {
            chat.exported_at = crate::export_time(dated, &chat);
        }
        found.chats.push(chat);
    }
    if unknown_app > 0 {
        found.diagnostics.push(unknown_app_note(label, unknown_app));
    }
    Ok(found)
}

pub(crate) fn unknown_app_note(label: &str, n: usize) -> Diagnostic {
    Diagnostic {
        severity: Severity::Note,
        line: 0,
        message: format!(
            "{label}: nothing tells whether {n} thread(s) come from messenger or instagram (no your_instagram_activity folder, profile file or instagram link); read as messenger"
        ),
    }
}

fn prefixed(label: &str, message: &str) -> String {
    if message.starts_with(label) {
        message.to_owned()
    } else {
        format!("{label}: {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_apps() {
        assert_eq!(file_number("a/message_12.json"), 12);
        assert_eq!(file_number("a/message.json"), 1);
        assert_eq!(
            app_of_path("your_instagram_activity/messages/inbox/x_1"),
            AppHint::Instagram
        );
        assert_eq!(
            app_of_path("your_facebook_activity/messages/inbox/x_1"),
            AppHint::Messenger
        );
        assert_eq!(app_of_path("messages/inbox/x_1"), AppHint::Unknown);
    }
}
