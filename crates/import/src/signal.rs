//! Signal chats exported by signal-export (`sigexport`, carderne/signal-export) as Markdown.
//!
//! Signal has no export of its own (docs/formats/signal.md says which ways out exist and why
//! the others cannot be read here). signal-export decrypts Signal Desktop's database and
//! writes one `chat.md` per conversation, a message per header line, in the computer's local
//! time (read in [`Options::tz`], DST folds and gaps resolved the `compatible` way and flagged).
//! Variants, each a named path below:
//!
//! - **Current header**: `[2024-05-29 15:04:05] Name: text` followed by two spaces (a Markdown
//!   line break); **old header** (before 2023): `[2019-05-29, 15:04] Name: text`.
//! - Lines that are not headers continue the message above (joined with a newline).
//! - **The user** is `Me` (signal-export's name for outgoing messages) → [`ParsedChat::me_hint`].
//! - **Attachments** `![name](./media/…)` / `[name](./media/…)` make the message media (voice
//!   for audio files) and are removed from the text; a sticker `(( 😀 ))` is media.
//! - **Quotes** (`> …` lines of a reply) are not the message's text.
//! - **Reactions** `(- Ann: 👍, Bo: ❤️ -)` → one reaction event each, by that person, at the
//!   message's time.
//! - **Deleted**: `(This message was deleted)` → [`Kind::Deleted`].
//! - **Calls** written as the message (`Incoming voice call (accepted, 5m 3s)`, `Missed video
//!   call`, `Outgoing call (unanswered)`…) → calls by whoever placed them: the other person for
//!   incoming ones, the user for outgoing ones; answered when `accepted` (or in the legacy form
//!   `Incoming call` / `Outgoing call`, which does not tell).
//!
//! Recognised by content only: the headers carry an ISO date (`YYYY-MM-DD`) in brackets, and
//! either have no seconds after a comma (WhatsApp's bracketed headers always have seconds) or
//! end in signal-export's two spaces. Anything else is left to the WhatsApp reader.

use walkaway_model::{
    Diagnostic, Kind, Millis, NewEvent, ParsedChat, PersonIdx, Severity, Source, flags,
};

use crate::Options;

/// A header: (local date and time, sender, the rest of the line).
fn header(line: &str) -> Option<(jiff::civil::DateTime, &str, &str, bool)> {
    let rest = line.strip_prefix('[')?;
    let (stamp, rest) = rest.split_once("] ")?;
    let (sender, text) = rest
        .split_once(": ")
        .or_else(|| rest.strip_suffix(':').map(|s| (s, "")).filter(|_| true))?;
    if sender.is_empty() || sender.len() > 200 {
        return None;
    }
    let b = stamp.as_bytes();
    if b.len() < 16 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let date = stamp.get(..10)?;
    let (time, old) = match stamp.get(10..)? {
        t if t.starts_with(", ") => (t.get(2..)?, true),
        t if t.starts_with(' ') => (t.get(1..)?, false),
        _ => return None,
    };
    let time_ok = match time.len() {
        5 => old,
        8 => !old,
        _ => false,
    };
    if !time_ok {
        return None;
    }
    let dt: jiff::civil::DateTime = format!("{date}T{time}").parse().ok()?;
    Some((dt, sender, text, old))
}

/// Whether a text (the beginning of a file) is a signal-export Markdown chat.
pub fn looks_like_signal(text: &str) -> bool {
    let mut headers = 0;
    let mut evidence = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()).take(20) {
        if let Some((_, _, _, old)) = header(line) {
            headers += 1;
            if old || line.ends_with("  ") {
                evidence += 1;
            }
        } else if headers == 0 {
            return false;
        }
    }
    headers > 0 && evidence * 2 >= headers
}

/// One message being gathered.
struct Pending {
    ts: Millis,
    flags: u8,
    sender: String,
    text: String,
    line: u32,
}

/// Reads a signal-export Markdown chat.
pub fn read(name: &str, text: &str, opts: &Options) -> (ParsedChat, Vec<Diagnostic>) {
    let mut chat = ParsedChat {
        source: Some(Source::Signal),
        title: title_of(name),
        ..ParsedChat::default()
    };
    let mut diagnostics = Vec::new();
    let mut pending: Option<Pending> = None;
    for (i, line) in text.lines().enumerate() {
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        match header(line) {
            Some((dt, sender, rest, _)) => {
                if let Some(p) = pending.take() {
                    emit(&mut chat, p);
                }
                let amb = opts.tz.to_ambiguous_timestamp(dt);
                let fl = match amb.offset() {
                    jiff::tz::AmbiguousOffset::Unambiguous { .. } => 0,
                    jiff::tz::AmbiguousOffset::Gap { .. } => flags::TIME_SKIPPED,
                    jiff::tz::AmbiguousOffset::Fold { .. } => flags::TIME_AMBIGUOUS,
                };
                let Some(ts) = amb.compatible().ok().map(|t| t.as_millisecond()) else {
                    diagnostics.push(Diagnostic {
                        severity: Severity::Warning,
                        line: line_no,
                        message: format!(
                            "{name}: line {line_no}: the time cannot be placed in the zone; skipped"
                        ),
                    });
                    continue;
                };
                pending = Some(Pending {
                    ts,
                    flags: fl,
                    sender: sender.to_owned(),
                    text: rest.to_owned(),
                    line: line_no,
                });
            }
            None => match pending.as_mut() {
                Some(p) => {
                    p.text.push('\n');
                    p.text.push_str(line);
                }
                None if line.trim().is_empty() => {}
                None => diagnostics.push(Diagnostic {
                    severity: Severity::Warning,
                    line: line_no,
                    message: format!(
                        "{name}: line {line_no} comes before the first message header; skipped"
                    ),
                }),
            },
        }
    }
    if let Some(p) = pending.take() {
        emit(&mut chat, p);
    }
    chat.me_hint = chat
        .people
        .iter()
        .position(|p| p == "Me")
        .and_then(|i| PersonIdx::try_from(i).ok());
    chat.events.shrink_to_fit();
    (chat, diagnostics)
}

/// The chat's title: the folder signal-export named after the conversation (`Ann/chat.md`).
fn title_of(name: &str) -> Option<String> {
    let parts: Vec<&str> = name.rsplit(['/', '\\']).collect();
    match parts.as_slice() {
        [file, folder, ..] if file.eq_ignore_ascii_case("chat.md") && !folder.is_empty() => {
            Some((*folder).to_owned())
        }
        _ => None,
    }
}

const AUDIO: [&str; 7] = ["m4a", "aac", "mp3", "ogg", "opus", "wav", "flac"];

/// Turns one gathered message into its events.
fn emit(chat: &mut ParsedChat, p: Pending) {
    let mut body = String::new();
    let mut reactions: Vec<(String, String)> = Vec::new();
    let mut media = false;
    let mut voice = false;
    for l in p.text.split('\n') {
        let t = l.trim_end();
        // Quoted lines of a reply.
        if t.starts_with("> ") || t == ">" {
            continue;
        }
        if let Some(inner) = t.strip_prefix("(- ").and_then(|r| r.strip_suffix(" -)")) {
            for r in inner.split(", ") {
                if let Some((who, emoji)) = r.rsplit_once(": ").or_else(|| r.rsplit_once(':')) {
                    reactions.push((who.trim().to_owned(), emoji.trim().to_owned()));
                }
            }
            continue;
        }
        if t.starts_with("(( ") && t.ends_with(" ))") {
            media = true;
            continue;
        }
        // Attachments: `![name](path)` or `[name](./media/…)`.
        let mut rest = t;
        let mut kept = String::new();
        while let Some(open) = rest.find('[') {
            let bang = open > 0 && rest.as_bytes().get(open - 1) == Some(&b'!');
            let Some(close) = rest[open..].find("](").map(|c| open + c) else {
                break;
            };
            let Some(end) = rest[close..].find(')').map(|e| close + e) else {
                break;
            };
            let path = &rest[close + 2..end];
            if bang
                || path.starts_with("./media/")
                || path.starts_with("media/")
                || path.starts_with("../")
            {
                media = true;
                let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
                voice |= AUDIO.contains(&ext.as_str());
                kept.push_str(&rest[..open - usize::from(bang)]);
                rest = &rest[end + 1..];
            } else {
                kept.push_str(&rest[..end + 1]);
                rest = &rest[end + 1..];
            }
        }
        kept.push_str(rest);
        if !body.is_empty() || !kept.trim().is_empty() {
            if !body.is_empty() {
                body.push('\n');
            }
            body.push_str(kept.trim_end());
        }
    }
    let body = body.trim().to_owned();
    let sender = chat.person(&p.sender);
    let (who, kind, text) = if body == "(This message was deleted)" {
        (sender, Kind::Deleted, String::new())
    } else if let Some((outgoing, answered)) = call(&body) {
        let caller = if outgoing { chat.person("Me") } else { sender };
        (
            caller,
            if answered {
                Kind::Call
            } else {
                Kind::MissedCall
            },
            body.clone(),
        )
    } else if voice {
        (sender, Kind::Voice, body)
    } else if media {
        (sender, Kind::Media, body)
    } else {
        (sender, Kind::Text, body)
    };
    let _ = chat.events.push(NewEvent {
        ts: p.ts,
        sender: Some(who),
        kind,
        text: &text,
        line: p.line,
        flags: p.flags,
    });
    for (name, emoji) in reactions {
        let r = chat.person(&name);
        let _ = chat.events.push(NewEvent {
            ts: p.ts,
            sender: Some(r),
            kind: Kind::Reaction,
            text: &emoji,
            line: p.line,
            flags: p.flags,
        });
    }
}

/// A call written as the message: (placed by the user, answered).
fn call(body: &str) -> Option<(bool, bool)> {
    let kinds = ["call", "voice call", "video call"];
    let (dir, rest) = if let Some(r) = body.strip_prefix("Incoming ") {
        (Some(false), r)
    } else if let Some(r) = body.strip_prefix("Outgoing ") {
        (Some(true), r)
    } else if let Some(r) = body.strip_prefix("Missed ") {
        (None, r)
    } else {
        return None;
    };
    let (label, detail) = match rest.split_once(" (") {
        Some((l, d)) => (l, d.strip_suffix(')')?),
        None => (rest, ""),
    };
    if !kinds.contains(&label) {
        return None;
    }
    Some(match dir {
        // Missed: the other person called.
        None => (false, false),
        Some(out) => (out, detail.is_empty() || detail.starts_with("accepted")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_of_both_versions() {
        assert!(header("[2019-05-29, 15:04] Me: How is everyone?").is_some());
        assert!(header("[2024-05-29 15:04:05] Aya: We're great!  ").is_some());
        assert!(header("[2019-05-29, 15:04:05] Me: x").is_none());
        assert!(header("[29/05/2019, 15:04:05] Me: x").is_none());
        assert!(header("[2019-05-29 15:04] Me: x").is_none());
    }

    #[test]
    fn not_whatsapp() {
        assert!(looks_like_signal(
            "[2019-12-24, 12:23] Jane Doe: Hello John!\n"
        ));
        assert!(looks_like_signal("[2019-12-24 12:23:00] Me: hi  \n"));
        // A bracketed ISO header with seconds and no trailing spaces could be WhatsApp.
        assert!(!looks_like_signal("[2019-12-24 12:23:00] Ann: hi\n"));
        assert!(!looks_like_signal("[24/12/2019, 12:23:00] Ann: hi\n"));
        assert!(!looks_like_signal("hello\n[2019-12-24, 12:23] Ann: hi\n"));
    }

    #[test]
    fn calls() {
        assert_eq!(
            call("Incoming voice call (accepted, 5m 3s)"),
            Some((false, true))
        );
        assert_eq!(
            call("Outgoing video call (unanswered)"),
            Some((true, false))
        );
        assert_eq!(call("Missed voice call"), Some((false, false)));
        assert_eq!(call("Outgoing call"), Some((true, true)));
        assert_eq!(call("Incoming call (declined)"), Some((false, false)));
        assert_eq!(call("Incoming mail"), None);
    }
}
