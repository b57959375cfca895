//! The terminal report: the plain-words document of [`crate::words`] laid out as text, answers
//! first, statistics last. Renders from the wire [`Report`] so the text can never say something
//! the JSON does not.

use std::fmt::Write;

use crate::fmt::{duration, pct, signed};
use crate::json::Report;
use crate::words::{Block, Doc, Item, Section, Tone};

/// Text is wrapped to this many columns.
const WIDTH: usize = 100;

/// Evidence texts longer than this are cut with "…".
const MAX_TEXT: usize = 160;

/// Colour is used only for headings and warnings, and only when the caller says the output is
/// a terminal without NO_COLOR.
pub fn render(r: &Report, color: bool) -> String {
    let doc = crate::words::document(r);
    let p = Paint(color);
    let mut o = String::new();
    let _ = writeln!(o, "{} — \"{}\"", p.bold("walkaway"), doc.title);
    let _ = writeln!(o, "{}", doc.subtitle);
    for b in &doc.intro {
        block(&mut o, b, &p, "");
    }
    for s in &doc.sections {
        section(&mut o, s, &p);
    }
    o
}

/// The step-back section alone: `walkaway import` shows it after each import while a plan is
/// active.
pub fn stepback_section(r: &Report, color: bool) -> String {
    let doc: Doc = crate::words::document(r);
    let p = Paint(color);
    let mut o = String::new();
    for s in doc
        .sections
        .iter()
        .filter(|s| s.heading.starts_with("Step-back"))
    {
        section(&mut o, s, &p);
    }
    o
}

fn section(o: &mut String, s: &Section, p: &Paint) {
    let caps = s.heading.to_uppercase();
    let heading = match s.tone {
        Tone::Warning => p.warn(&caps),
        Tone::Quiet => p.dim(&caps),
        Tone::Normal => p.heading(&caps),
    };
    let _ = writeln!(o, "\n{heading}");
    for b in &s.blocks {
        block(o, b, p, "  ");
    }
}

fn block(o: &mut String, b: &Block, p: &Paint, indent: &str) {
    match b {
        Block::Lead(t) => wrap(o, indent, &p.bold(t), t),
        Block::Text(t) => wrap(o, indent, t, t),
        Block::Note(t) => wrap(o, indent, &p.dim(t), t),
        Block::Evidence { title, items, more } => {
            wrap(o, indent, title, title);
            for it in items {
                let _ = writeln!(o, "{indent}  {}", evidence_line(it));
            }
            if *more > 0 {
                let _ = writeln!(o, "{indent}  … and {more} more (all of them are in --json)");
            }
        }
        Block::Table { head, rows } => table(o, indent, head, rows),
        Block::Chart(_) => {}
    }
}

/// One evidence item on one line: when, what, who, the message, the export line last.
pub(crate) fn evidence_line(it: &Item) -> String {
    let mut line = it.at.clone();
    if let Some(l) = &it.label {
        line.push_str("  ");
        line.push_str(l);
        if !it.text.is_empty() {
            line.push_str(" —");
        }
    }
    if !it.text.is_empty() {
        let sep = if it.label.is_some() { " " } else { "  " };
        line.push_str(&format!("{sep}{}: “{}”", it.who, clip(&it.text)));
    }
    if it.line > 0 {
        line.push_str(&format!("  (line {})", it.line));
    }
    line
}

/// A message on one line, cut at [`MAX_TEXT`] characters.
fn clip(text: &str) -> String {
    let one: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let one = one.trim();
    if one.chars().count() > MAX_TEXT {
        let cut: String = one.chars().take(MAX_TEXT).collect();
        format!("{cut}…")
    } else {
        one.to_string()
    }
}

/// Writes `painted` (the same words as `plain`, maybe with colour codes) wrapped at [`WIDTH`].
fn wrap(o: &mut String, indent: &str, painted: &str, plain: &str) {
    if painted != plain {
        // Colour codes around the whole text: wrap the plain text, colour each line.
        let (pre, post) = painted.split_once(plain).unwrap_or(("", ""));
        for l in wrap_lines(plain, WIDTH.saturating_sub(indent.len())) {
            let _ = writeln!(o, "{indent}{pre}{l}{post}");
        }
    } else {
        for l in wrap_lines(plain, WIDTH.saturating_sub(indent.len())) {
            let _ = writeln!(o, "{indent}{l}");
        }
    }
}

fn wrap_lines(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let len = cur.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

fn table(o: &mut String, indent: &str, head: &[String], rows: &[Vec<String>]) {
    let mut w: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(x) = w.get_mut(i) {
                *x = (*x).max(c.chars().count());
            }
        }
    }
    let fmt_row = |cells: &[String]| {
        let mut line = String::from(indent);
        for (i, c) in cells.iter().enumerate() {
            let width = w.get(i).copied().unwrap_or(0);
            let pad = width.saturating_sub(c.chars().count());
            if i == 0 {
                line.push_str(c);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str("  ");
                line.push_str(&" ".repeat(pad));
                line.push_str(c);
            }
        }
        line.trim_end().to_string()
    };
    let _ = writeln!(o, "{}", fmt_row(head));
    for r in rows {
        let _ = writeln!(o, "{}", fmt_row(r));
    }
}

/// The cells of one row of the monthly table, shared by the text and HTML renderers: month,
/// messages "you/them", conversations, your opening share, your and their median reply, and
/// the month's effort balance ("-" where there is no figure).
pub(crate) fn month_cells(r: &Report, m: &crate::json::Month) -> [String; 7] {
    let mine = m.messages.get(&r.me).copied().unwrap_or(0);
    let theirs: u64 = m
        .messages
        .iter()
        .filter(|(k, _)| **k != r.me)
        .map(|(_, v)| v)
        .sum();
    let reply = |name: Option<&String>| {
        name.and_then(|n| m.median_reply_seconds.get(n).copied().flatten())
            .map(duration)
            .unwrap_or_else(|| "-".into())
    };
    [
        m.month.clone(),
        format!("{mine}/{theirs}"),
        m.conversations.to_string(),
        m.opening_share
            .as_ref()
            .map(|s| pct(s.value))
            .unwrap_or_else(|| "-".into()),
        reply(Some(&r.me)),
        reply(r.partner.as_ref()),
        m.effort_balance_index
            .map(signed)
            .unwrap_or_else(|| "-".into()),
    ]
}

/// Whether the "no likes or comments on their posts" rule could be checked, and against what.
pub(crate) fn instagram_line(s: &crate::json::Stepback) -> String {
    let accounts: Vec<String> = s
        .instagram_accounts
        .iter()
        .map(|a| format!("@{a}"))
        .collect();
    match (accounts.is_empty(), s.instagram_activity_records) {
        (true, _) => "Likes and comments on their posts: not checked (pass --instagram ACCOUNT \
                      and import your Instagram export to check them)."
            .to_string(),
        (false, 0) => format!(
            "Likes and comments on {}: nothing found; if you have not imported your Instagram \
             export, this rule was not really checked.",
            accounts.join(", ")
        ),
        (false, _) => format!(
            "Likes and comments on {}: checked against your Instagram export.",
            accounts.join(", ")
        ),
    }
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn heading(&self, s: &str) -> String {
        self.wrap("1;36", s)
    }
    fn warn(&self, s: &str) -> String {
        self.wrap("1;33", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
}
