//! `walkaway plan`: declare a step-back, follow it in a few lines, end it, and see every plan
//! (active and ended) again. Plans are never deleted: `plan start --replace` ends the active
//! one, which stays in `plan list`.

use std::io::Write;

use anyhow::{Result, anyhow, bail};
use jiff::civil::Date;
use walkaway_report::json;
use walkaway_store::{Plan, StoreError};

use crate::config::{
    self, AsOf, Knobs, Output, PlanEndSettings, PlanListSettings, PlanShowSettings,
    PlanStartSettings, PlanStatusSettings,
};
use crate::errors::usage;
use crate::{chat, ingest, report};

pub fn start(s: PlanStartSettings) -> Result<()> {
    let mut store = ingest::open_store(&s.db)?;
    let c = chat::resolve(&store, s.chat.as_deref())?;
    if let Some(first) = c.first.and_then(|f| config::local_date(f, &s.tz))
        && s.date < first
    {
        return Err(usage(format!(
            "DATE: {} is before the chat's first message ({first}); a step-back starts on a \
             day from {first} on",
            s.date
        )));
    }
    config::check_accounts("--instagram", &s.instagram, &store.activity()?)?;
    let plan = Plan {
        start_date: s.date.to_string(),
        window_days: s.window,
        fast_reply_minutes: s.fast_reply,
        partner_accounts: s.instagram.clone(),
        created_at: config::now_millis(),
        ended_on: None,
    };
    let active = store.active_plan(&c.id)?;
    let mut out = std::io::stdout().lock();
    match (&active, s.replace) {
        (Some(old), false) => return Err(already_active(&c.title, &old.start_date)),
        (Some(old), true) => {
            // The old plan ran until the day before this one starts (and at least one day).
            let old_start: Date = old
                .start_date
                .parse()
                .map_err(|_| anyhow!("the active plan has an invalid date '{}'", old.start_date))?;
            let ends = s.date.yesterday().unwrap_or(s.date).max(old_start);
            store.replace_plan(&c.id, &plan, &ends.to_string())?;
            writeln!(
                out,
                "ended the plan that started on {old_start}: its last day is {ends} (it stays in \
                 `walkaway plan list`)"
            )?;
        }
        (None, _) => match store.start_plan(&c.id, &plan) {
            Err(StoreError::ActivePlan { start_date, .. }) => {
                return Err(already_active(&c.title, &start_date));
            }
            other => {
                other?;
            }
        },
    }
    let (date, fast, window) = (s.date, s.fast_reply, s.window);
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
    if date > config::today(&s.tz) {
        writeln!(
            out,
            "  {date} is in the future: the plan starts then, and `plan status` has something to \
             say once an export reaches past it"
        )?;
    }
    if plan.partner_accounts.is_empty() {
        writeln!(
            out,
            "  tip: add --instagram ACCOUNT to check likes and comments on their posts (needs your Instagram activity export)"
        )?;
    }
    Ok(())
}

fn already_active(title: &str, start: &str) -> anyhow::Error {
    usage(format!(
        "\"{title}\" already has an active step-back plan, started on {start}; to end it and \
         start this one instead, add --replace (the old plan stays in `walkaway plan list`), or \
         end it first with `walkaway plan end`"
    ))
}

pub fn end(s: PlanEndSettings) -> Result<()> {
    let mut store = ingest::open_store(&s.db)?;
    let c = chat::resolve(&store, s.chat.as_deref())?;
    let Some(active) = store.active_plan(&c.id)? else {
        bail!("no active step-back plan for \"{}\"", c.title);
    };
    let on = match s.on {
        Some(d) => d,
        None => config::today(&s.tz),
    };
    if on.to_string() < active.start_date {
        let flag = if s.on.is_some() {
            "--on"
        } else {
            "today (the default of --on)"
        };
        return Err(usage(format!(
            "{flag}: {on} is before the plan's start ({}); the last day of a plan is on or after \
             its start",
            active.start_date
        )));
    }
    if store.end_plan(&c.id, &on.to_string())? {
        println!(
            "step-back plan for \"{}\" ended on {on} (see it again with `walkaway plan list`)",
            c.title
        );
        Ok(())
    } else {
        bail!("no active step-back plan for \"{}\"", c.title)
    }
}

pub fn list(s: PlanListSettings) -> Result<()> {
    let store = ingest::open_store(&s.db)?;
    let chat_id = match s.chat.as_deref() {
        Some(q) => Some(chat::resolve(&store, Some(q))?.id),
        None => None,
    };
    let plans = store.plans(chat_id.as_deref())?;
    let mut out = std::io::stdout().lock();
    if plans.is_empty() {
        writeln!(
            out,
            "no step-back plans yet; start one with: walkaway plan start YYYY-MM-DD"
        )?;
        return Ok(());
    }
    let titles: Vec<(String, String)> = store
        .chats()?
        .into_iter()
        .map(|c| (c.id, c.title))
        .collect();
    writeln!(
        out,
        "{:>4}  {:<14} {:<20} {:<10}  {:<10}  {:>6}  instagram",
        "id", "chat", "title", "start", "end", "window"
    )?;
    for e in &plans {
        let title = titles
            .iter()
            .find(|(id, _)| *id == e.chat_id)
            .map_or("", |(_, t)| t.as_str());
        let accounts = if e.plan.partner_accounts.is_empty() {
            "-".to_owned()
        } else {
            e.plan.partner_accounts.join(", ")
        };
        writeln!(
            out,
            "{:>4}  {:<14} {:<20} {:<10}  {:<10}  {:>4} d  {accounts}",
            e.id,
            e.chat_id,
            ingest::truncate(title, 20),
            e.plan.start_date,
            e.plan.ended_on.as_deref().unwrap_or("active"),
            e.plan.window_days,
        )?;
    }
    writeln!(out, "(`walkaway plan show ID` shows a plan's report again)")?;
    Ok(())
}

pub fn show(s: PlanShowSettings) -> Result<()> {
    let mut store = ingest::open_store(&s.db)?;
    let Some(entry) = store.plan(s.id)? else {
        bail!("no plan with id {}; `walkaway plan list` shows them", s.id);
    };
    let info = store
        .chat(&entry.chat_id)?
        .ok_or_else(|| anyhow!("plan {}: its chat {} is missing", s.id, entry.chat_id))?;
    let as_of = match entry.plan.ended_on.as_deref() {
        Some(d) => AsOf::PlanEnd(
            d.parse()
                .map_err(|_| anyhow!("plan {} has an invalid end date '{d}'", s.id))?,
        ),
        None => AsOf::Data,
    };
    let knobs = Knobs {
        as_of,
        patterns: s.patterns,
        ..Knobs::default()
    };
    let chat = report::load(&store, info)?;
    let r = report::build(&mut store, chat, &knobs, None, &s.tz, Some(&entry.plan))?;
    report::render(&s.output, &r)
}

pub fn status(s: PlanStatusSettings) -> Result<()> {
    let mut store = ingest::open_store(&s.db)?;
    let c = chat::resolve(&store, s.chat.as_deref())?;
    let Some(plan) = store.active_plan(&c.id)? else {
        bail!(
            "no active step-back plan for \"{}\"; start one with: walkaway plan start YYYY-MM-DD",
            c.title
        );
    };
    let knobs = Knobs {
        as_of: s.as_of,
        patterns: s.patterns,
        ..Knobs::default()
    };
    let chat = report::load(&store, c)?;
    let r = report::build(&mut store, chat, &knobs, None, &s.tz, Some(&plan))?;
    if s.json {
        return report::render(
            &Output {
                json: true,
                html: None,
                redact: false,
            },
            &r,
        );
    }
    let text = short_status(&r, &s.tz, "");
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// A few lines on how the plan is going, built from the wire report (so every figure is the
/// one the full report and the JSON give): days kept, breaches by kind, his reach-outs since
/// the start, and the next thing to know. Each line starts with `indent`.
pub fn short_status(r: &report::Report, tz: &jiff::tz::TimeZone, indent: &str) -> String {
    let wire = walkaway_report::to_wire(&r.input());
    let cfg = &r.settled.cfg;
    let mut lines = Vec::new();
    let Some((sb, start_cfg)) = wire.stepback.as_ref().zip(cfg.stepback.as_ref()) else {
        return format!("{indent}step-back: no figures for this chat\n");
    };
    // The last day the data covers (a data end at midnight closes the day before).
    let data_end = config::local_date(cfg.as_of - 1, tz)
        .map(|d| d.to_string())
        .unwrap_or_default();
    lines.push(format!(
        "step-back since {} in \"{}\"; the data ends on {data_end} ({})",
        sb.date,
        wire.chat.title,
        source_words(&wire.parameters.as_of_source)
    ));
    let partner = wire.partner.clone().unwrap_or_else(|| "they".to_owned());
    if sb.outcome == "no_data_yet" || cfg.as_of <= start_cfg.start {
        lines.push(format!(
            "no data after the start yet: import a newer export (this one ends on {data_end})"
        ));
        return finish(lines, indent);
    }
    lines.push(format!("days kept: {:.1}", sb.days_kept));
    lines.push(breaches_line(sb));
    let n = sb.partner_reach_outs.len();
    lines.push(format!(
        "{partner} reached out {} since {}",
        times(n),
        sb.date
    ));
    let window_end = start_cfg
        .date
        .checked_add(jiff::Span::new().days(i64::from(sb.window_days)))
        .map(|d| d.to_string())
        .unwrap_or_default();
    let window_end_ms = start_cfg.start + i64::from(sb.window_days) * 86_400_000;
    if cfg.as_of < window_end_ms {
        lines.push(format!(
            "next: the {}-day window ends on {window_end}; import a newer export then",
            sb.window_days
        ));
    } else {
        lines.push(format!(
            "next: the {}-day window ended on {window_end}; `walkaway report` compares what {partner} did with {partner}'s usual",
            sb.window_days
        ));
    }
    finish(lines, indent)
}

fn finish(lines: Vec<String>, indent: &str) -> String {
    lines
        .iter()
        .map(|l| format!("{indent}{l}\n"))
        .collect::<String>()
}

fn times(n: usize) -> String {
    match n {
        0 => "0 times".to_owned(),
        1 => "once".to_owned(),
        2 => "twice".to_owned(),
        n => format!("{n} times"),
    }
}

/// "breaches: 5 (2 fast replies, 3 likes or comments)".
fn breaches_line(sb: &json::Stepback) -> String {
    if sb.breach_list.is_empty() && sb.breaches == 0 {
        return "breaches: none".to_owned();
    }
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for b in &sb.breach_list {
        match kinds.iter_mut().find(|(k, _)| *k == b.kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((&b.kind, 1)),
        }
    }
    let parts: Vec<String> = kinds
        .iter()
        .map(|&(kind, n)| {
            let (one, many) = match kind {
                "opened_conversation" => ("conversation you opened", "conversations you opened"),
                "fast_reply" => ("fast reply", "fast replies"),
                "call" => ("call you made", "calls you made"),
                "answered_first_call" => (
                    "first call of theirs you answered",
                    "first calls of theirs you answered",
                ),
                "liked_or_commented" => ("like or comment", "likes or comments"),
                other => (other, other),
            };
            let word = if n == 1 { one } else { many };
            format!("{n} {}", word.replace('_', " "))
        })
        .collect();
    if parts.is_empty() {
        format!("breaches: {}", sb.breaches)
    } else {
        format!("breaches: {} ({})", sb.breaches, parts.join(", "))
    }
}

fn source_words(source: &str) -> &'static str {
    match source {
        "as_of_flag" => "the date you gave",
        "export" => "when the export was made, as it records",
        "file_modified" => "the export file's date; if you exported earlier, pass --as-of DATE",
        _ => "its last message",
    }
}
