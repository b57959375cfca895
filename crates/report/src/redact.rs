//! `--redact`: a copy of the wire report that is safe to share. Names become "You" and "Them"
//! (in a group "Person 2", "Person 3", …), handles and message texts disappear, evidence keeps
//! only its date, time and what it is evidence of. Every renderer then works from the redacted
//! report as from any other, so no renderer can leak what redaction removed.

use std::collections::BTreeMap;

use crate::json::{Evidence, Report};

/// What a redacted partner is called.
pub const THEM: &str = "Them";
/// What the user is called (also the word reports already use for the user).
pub const YOU: &str = "You";

/// The report with every name, handle and message text removed.
pub fn redact(r: &Report) -> Report {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    names.insert(r.me.clone(), YOU.to_string());
    if let Some(p) = &r.partner {
        names.insert(p.clone(), THEM.to_string());
    }
    let mut n = 1;
    for p in &r.participants {
        if !names.contains_key(p) {
            n += 1;
            let label = if r.is_two_person() {
                THEM.to_string()
            } else {
                format!("Person {n}")
            };
            names.insert(p.clone(), label);
        }
    }
    let name = |s: &str| -> String {
        if s.is_empty() {
            String::new()
        } else {
            names
                .get(s)
                .cloned()
                .unwrap_or_else(|| "Someone".to_string())
        }
    };
    let keys = |m: &mut BTreeMap<String, u64>| {
        *m = std::mem::take(m)
            .into_iter()
            .map(|(k, v)| (name(&k), v))
            .collect();
    };
    let ev = |e: &mut Evidence| {
        e.who = name(&e.who);
        e.text = String::new();
    };

    let end = crate::words::DataEnd::from_report(r);
    let mut o = r.clone();
    o.chat.id = "redacted".into();
    o.chat.title = if o.is_two_person() {
        "You and Them".into()
    } else {
        "A group chat".into()
    };
    o.me = name(&r.me);
    o.partner = r.partner.as_deref().map(name);
    o.participants = r.participants.iter().map(|p| name(p)).collect();
    for m in [
        &mut o.messages.by,
        &mut o.messages.words_by,
        &mut o.messages.questions_by,
        &mut o.messages.emoji_by,
        &mut o.messages.media_by,
        &mut o.messages.calls_by,
        &mut o.conversations.opened_by,
        &mut o.conversations.closed_by,
        &mut o.conversations.double_texts_by,
    ] {
        keys(m);
    }
    o.conversations.open_kinds = std::mem::take(&mut o.conversations.open_kinds)
        .into_iter()
        .map(|(k, v)| (name(&k), v))
        .collect();
    o.replies = std::mem::take(&mut o.replies)
        .into_iter()
        .map(|(k, v)| (name(&k), v))
        .collect();
    o.calls.by = std::mem::take(&mut o.calls.by)
        .into_iter()
        .map(|(k, v)| (name(&k), v))
        .collect();
    o.hour_of_week = std::mem::take(&mut o.hour_of_week)
        .into_iter()
        .map(|(k, v)| (name(&k), v))
        .collect();
    for m in &mut o.monthly {
        for x in [
            &mut m.messages,
            &mut m.opened_by,
            &mut m.words,
            &mut m.questions,
            &mut m.double_texts,
        ] {
            keys(x);
        }
        m.median_reply_seconds = std::mem::take(&mut m.median_reply_seconds)
            .into_iter()
            .map(|(k, v)| (name(&k), v))
            .collect();
        m.reply_rate = std::mem::take(&mut m.reply_rate)
            .into_iter()
            .map(|(k, v)| (name(&k), v))
            .collect();
    }
    for s in &mut o.signals {
        s.who = name(&s.who);
        s.text = String::new();
    }
    for e in &mut o.warning_signs.messages {
        ev(e);
    }
    if let Some(s) = &mut o.stepback {
        for b in &mut s.breach_list {
            b.messages.iter_mut().for_each(ev);
            if b.kind == "liked_or_commented" {
                // "you liked a post of @handle": the handle goes.
                b.detail = "you liked or commented on their post".into();
            }
        }
        for ro in &mut s.partner_reach_outs {
            if let Some(e) = &mut ro.message {
                ev(e);
            }
        }
        s.instagram_accounts = s
            .instagram_accounts
            .iter()
            .map(|_| "their-account".to_string())
            .collect();
        // The sentences name the partner: said again with the redacted name.
        if !s.explanation.is_empty() {
            s.explanation = crate::words::stepback_sentences(s, THEM, &end);
        }
    }
    // Import notes can name a file or a chat ("WhatsApp Chat with Sam.txt: …"): said without.
    o.notes = match r.notes.len() {
        0 => Vec::new(),
        n => vec![format!(
            "{} about the export {} left out of this shared report, because such notes can \
             name files or chats",
            crate::fmt::count(n as u64, "note", "notes"),
            if n == 1 { "is" } else { "are" }
        )],
    };
    if let Some(p) = &mut o.person {
        p.id = "redacted".into();
        p.name = THEM.into();
        for h in &mut p.handles {
            h.handle = "(hidden)".into();
        }
    }
    o
}
