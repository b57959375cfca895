//! walkaway's documented generic CSV (docs/formats/csv.md): a header row naming the columns
//! `timestamp,sender,text,is_me,kind,handle`, one row per event, times as a spreadsheet
//! writes them, wall-clock time without a zone (`2026-02-01 00:10:00`, read in `--tz`), cells
//! quoted where they hold a comma, a quote or a line break (quotes doubled). Every kind has its
//! `kind` value, so every kind the simulator generates is carried, system rows with an empty
//! sender.

use std::io;
use std::path::Path;

use jiff::tz::TimeZone;
use walkaway_model::{Kind, ParsedChat};

use super::{PARTNER_PHONE, Written, partner, user, wall, write_file};

pub fn write(chat: &ParsedChat, dir: &Path, tz: &TimeZone) -> io::Result<Written> {
    let path = dir.join("chat.csv");
    write_file(&path, render(chat, tz))?;
    Ok(Written {
        paths: vec![path],
        user: user(chat).to_owned(),
        partner: partner(chat).to_owned(),
        names_user: true,
    })
}

/// A cell, quoted when it needs to be.
fn cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

pub fn render(chat: &ParsedChat, tz: &TimeZone) -> String {
    let mut out = String::from("timestamp,sender,text,is_me,kind,handle\n");
    for (e, text) in chat.events.iter_texts() {
        let (sender, is_me, handle) = match e.sender {
            Some(0) => (user(chat), "true", ""),
            Some(_) => (partner(chat), "false", PARTNER_PHONE),
            None => ("", "", ""),
        };
        let text = match e.kind {
            Kind::Text | Kind::System => text,
            _ => "",
        };
        out.push_str(&format!(
            "{},{},{},{is_me},{},{}\n",
            wall(e.ts, tz, "%Y-%m-%d %H:%M:%S"),
            cell(sender),
            cell(text),
            e.kind.as_str(),
            cell(handle)
        ));
    }
    out
}
