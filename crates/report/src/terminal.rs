//! The terminal report: answers first, in plain language, each with its number, interval and
//! sample size; then the monthly trend and the parameters used. Renders from the wire
//! [`Report`] so the text can never say something the JSON does not.

use std::fmt::Write;

use crate::fmt::{duration, pct, signed};
use crate::json::{Replies, Report};

/// Colour is used only for headings and warnings, and only when the caller says the output is
/// a terminal without NO_COLOR.
pub fn render(r: &Report, color: bool) -> String {
    let mut o = String::new();
    let p = Paint(color);
    let partner = r.partner.clone();
    let them = partner.as_deref().unwrap_or("the others");

    let _ = writeln!(
        o,
        "{} — \"{}\" ({}) · {} · {} → {} · times in {}",
        p.bold("walkaway"),
        r.chat.title,
        r.chat.id,
        r.chat.sources.join(" + "),
        r.parameters.first_event.as_deref().map(day).unwrap_or("-"),
        r.parameters.last_event.as_deref().map(day).unwrap_or("-"),
        r.parameters.tz
    );
    let _ = writeln!(
        o,
        "{} messages: you ({}) {}, {} {}",
        r.messages.total,
        r.me,
        r.messages.by.get(&r.me).copied().unwrap_or(0),
        them,
        partner
            .as_ref()
            .and_then(|n| r.messages.by.get(n))
            .copied()
            .unwrap_or_else(|| r.messages.total - r.messages.by.get(&r.me).copied().unwrap_or(0))
    );

    // 1. Is it two-sided?
    let _ = writeln!(o, "\n{}", p.heading("IS IT TWO-SIDED?"));
    match (r.balance.effort_balance_index, r.balance.band.as_deref()) {
        (Some(ebi), Some(band)) => {
            let who = if ebi > 0.0 {
                "you put in more of the effort"
            } else if ebi < 0.0 {
                "they put in more of the effort"
            } else {
                "neither side puts in more"
            };
            let head = match band {
                "balanced" => "Balanced".to_string(),
                "moderate_imbalance" => format!("Moderate imbalance: {who}"),
                _ => format!("Strong imbalance: {who}"),
            };
            let ci = r
                .balance
                .ci95
                .map(|[lo, hi]| format!(", 95% CI {} to {}", signed(lo), signed(hi)))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "  {} (effort balance {}{ci}; +1 = you do all of it, 0 = even).",
                p.bold(&head),
                signed(ebi)
            );
        }
        _ => {
            let _ = writeln!(o, "  Not enough two-way data for an effort balance.");
        }
    }
    let label = |s: &str| format!("  {s:<24}");
    if let Some(sh) = &r.conversations.opening_share {
        let _ = writeln!(
            o,
            "{}You opened {} of {} conversations (95% CI {}–{}); {} opened {}.",
            label("Who opens"),
            pct(sh.value),
            sh.n,
            pct(sh.ci95[0]),
            pct(sh.ci95[1]),
            them,
            pct(1.0 - sh.value)
        );
        if let Some(x) = &r.conversations.opening_share_excluding_late_replies
            && x.n != sh.n
        {
            {
                let _ = writeln!(
                    o,
                    "{}Leaving out {} possible late replies: you opened {} (n = {}).",
                    label(""),
                    sh.n - x.n,
                    pct(x.value),
                    x.n
                );
            }
        }
    } else {
        let opened: Vec<String> = r
            .conversations
            .opened_by
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        let _ = writeln!(
            o,
            "{}{} conversations; opened by {}.",
            label("Who opens"),
            r.conversations.count,
            opened.join(", ")
        );
    }
    let mut first = true;
    for (name, rep) in &r.replies {
        let who = if *name == r.me {
            "You".to_string()
        } else {
            name.clone()
        };
        let _ = writeln!(
            o,
            "{}{}",
            label(if first { "Who replies how fast" } else { "" }),
            reply_line(&who, rep)
        );
        first = false;
    }
    for (key, title) in [("words", "Words"), ("questions", "Questions")] {
        if let Some(Some(s)) = r.balance.components.get(key) {
            let mine = if key == "words" {
                &r.messages.words_by
            } else {
                &r.messages.questions_by
            };
            let theirs: u64 = mine
                .iter()
                .filter(|(k, _)| **k != r.me)
                .map(|(_, v)| v)
                .sum();
            let _ = writeln!(
                o,
                "{}You {} ({} vs {}).",
                label(title),
                if key == "words" {
                    format!("wrote {} of the words", pct(*s))
                } else {
                    format!("asked {} of the questions", pct(*s))
                },
                mine.get(&r.me).copied().unwrap_or(0),
                theirs
            );
        }
    }
    let dt: Vec<String> = r
        .conversations
        .double_texts_by
        .iter()
        .map(|(k, v)| format!("{} {v}", if *k == r.me { "you" } else { k.as_str() }))
        .collect();
    let _ = writeln!(
        o,
        "{}Wrote again after their own unanswered conversation: {}.",
        label("Double texts"),
        dt.join(", ")
    );
    if r.conversations.count > 0 {
        let closed: Vec<String> = r
            .conversations
            .closed_by
            .iter()
            .map(|(k, v)| {
                format!(
                    "{} {}",
                    if *k == r.me { "you" } else { k.as_str() },
                    pct(*v as f64 / r.conversations.count as f64)
                )
            })
            .collect();
        let _ = writeln!(
            o,
            "{}Last message of a conversation: {}.",
            label("Who ends"),
            closed.join(", ")
        );
    }

    // 2. If you go quiet.
    if partner.is_some() {
        let f = &r.forecast;
        let _ = writeln!(o, "\n{}", p.heading("IF YOU GO QUIET"));
        let _ = writeln!(
            o,
            "  Of {} silences, {} reached out first {} times; you broke {} first; {} still open at the data end.",
            f.silences, them, f.partner_reach_outs, f.user_reach_outs, f.censored_at_end
        );
        match (f.partner_reach_out_median_hours, f.ci95_hours) {
            (Some(m), Some([lo, hi])) => {
                let _ = writeln!(
                    o,
                    "  {}",
                    p.bold(&format!(
                        "If you stay quiet, {them} usually reaches out within about {} (median; 95% CI {}–{}).",
                        duration(m * 3600.0),
                        duration(lo * 3600.0),
                        duration(hi * 3600.0)
                    ))
                );
            }
            (Some(m), None) => {
                let lo = f
                    .ci95_lower_hours
                    .map(|l| format!("at least {}", duration(l * 3600.0)))
                    .unwrap_or_else(|| "unknown".into());
                let _ = writeln!(
                    o,
                    "  If you stay quiet, {them}'s median wait to reach out is about {} (95% CI: {lo}; the upper end is beyond the data).",
                    duration(m * 3600.0)
                );
            }
            (None, _) => {
                let _ = writeln!(
                    o,
                    "  No forecast: {}",
                    f.null_reason.as_deref().unwrap_or("not enough data.")
                );
            }
        }
        if let (Some(pm), Some(um)) = (f.as_usual.get("partner_first"), f.as_usual.get("you_first"))
        {
            let cells: Vec<String> = ["24h", "72h", "7d"]
                .iter()
                .filter_map(|k| {
                    Some(format!(
                        "within {k}: {them} {} / you {}",
                        pct(*pm.get(*k)?),
                        pct(*um.get(*k)?)
                    ))
                })
                .collect();
            if !cells.is_empty() {
                let _ = writeln!(
                    o,
                    "  As you usually behave (who writes first): {}.",
                    cells.join("; ")
                );
            }
        }
        let _ = writeln!(o, "  {}", p.dim(&format!("Assumption: {}", f.assumption)));
    }

    // 3. The step-back.
    o.push_str(&stepback_section(r, color));

    // Signals, with monitoring as a warning sign.
    let monitoring: Vec<_> = r
        .signals
        .iter()
        .filter(|h| h.signal == "MONITORING" && Some(&h.who) == partner.as_ref())
        .collect();
    if !monitoring.is_empty() {
        let _ = writeln!(o, "\n{}", p.warn("A WARNING SIGN WORTH NOTICING"));
        let _ = writeln!(
            o,
            "  {} messages from {them} ask where you are, who you are with, or why you didn't answer (lines {}).",
            monitoring.len(),
            monitoring
                .iter()
                .take(8)
                .map(|h| h.line.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let _ = writeln!(o, "  {}", crate::MONITORING_NOTE);
    }
    let mut counts: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
    for h in &r.signals {
        if h.signal != "MONITORING" {
            *counts
                .entry((h.who.as_str(), h.signal.as_str()))
                .or_default() += 1;
        }
    }
    if !counts.is_empty() {
        let _ = writeln!(
            o,
            "\n{}",
            p.heading("WHAT THE MESSAGES SAY (pattern matches, see --json for each message)")
        );
        for ((who, sig), n) in counts {
            let who = if who == r.me { "you" } else { who };
            let _ = writeln!(o, "  {who}: {} × {n}", sig.to_lowercase().replace('_', " "));
        }
    }

    // Monthly trend.
    if !r.monthly.is_empty() {
        let _ = writeln!(o, "\n{}", p.heading("MONTH BY MONTH"));
        let _ = writeln!(
            o,
            "  {:<8} {:>13} {:>8} {:>11} {:>14} {:>14} {:>7}",
            "month", "msgs you/them", "convs", "you opened", "your reply", "their reply", "balance"
        );
        for m in &r.monthly {
            let [month, msgs, convs, opened, mine, theirs, balance] = month_cells(r, m);
            let _ = writeln!(
                o,
                "  {month:<8} {msgs:>13} {convs:>8} {opened:>11} {mine:>14} {theirs:>14} {balance:>7}"
            );
        }
    }
    if !r.changes.is_empty() {
        let _ = writeln!(
            o,
            "\n{}",
            p.heading("THINGS THAT SHIFTED (exploratory change points)")
        );
        for c in &r.changes {
            let _ = writeln!(
                o,
                "  around the week of {}: {} went from {} to {}",
                c.week,
                c.series.replace('_', " "),
                level(&c.series, c.before),
                level(&c.series, c.after)
            );
        }
    }
    let _ = writeln!(
        o,
        "\n{}",
        p.dim(&format!(
            "Conversation gap G = {} ({}); intervals: Wilson, order-statistic and {} bootstrap replicates (seed {}); data end {}.",
            duration(r.parameters.gap_seconds as f64),
            r.parameters.gap_choice.replace('_', " "),
            r.parameters.bootstrap_reps,
            r.parameters.seed,
            minute(&r.parameters.as_of)
        ))
    );
    o
}

/// The step-back section alone: the report shows it, and `walkaway import` shows it after each
/// import while a plan is active.
pub fn stepback_section(r: &Report, color: bool) -> String {
    let mut o = String::new();
    let p = Paint(color);
    let them = r.partner.as_deref().unwrap_or("the others");
    let Some(s) = &r.stepback else {
        return o;
    };
    let _ = writeln!(
        o,
        "\n{}",
        p.heading(&format!(
            "STEP-BACK FROM {} (window {} days; fast reply = under {} min)",
            s.date, s.window_days, s.fast_reply_minutes
        ))
    );
    let _ = writeln!(o, "  Outcome: {}", p.bold(&outcome_words(&s.outcome, them)));
    let _ = writeln!(
        o,
        "  Compared with {them}'s own usual: {}",
        p.bold(&usual_words(&s.compared_to_usual))
    );
    for line in s.explanation.iter().filter(|l| !s.caveats.contains(l)) {
        let _ = writeln!(o, "    {line}");
    }
    let _ = writeln!(
        o,
        "  Days kept: {:.1}. Breaches: {}.",
        s.days_kept, s.breaches
    );
    let _ = writeln!(o, "  {}", instagram_line(s));
    for b in s.breach_list.iter().take(12) {
        let lines = if b.lines.is_empty() {
            String::new()
        } else {
            format!(
                " [line {}]",
                b.lines
                    .iter()
                    .map(|l| l.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let _ = writeln!(
            o,
            "    {} {}: {}{lines}",
            minute(&b.at),
            b.kind.replace('_', " "),
            b.detail
        );
    }
    if s.breach_list.len() > 12 {
        let _ = writeln!(
            o,
            "    … and {} more (see --json)",
            s.breach_list.len() - 12
        );
    }
    if !s.partner_reach_outs.is_empty() {
        let _ = writeln!(
            o,
            "  {them} reached out {} times since:",
            s.partner_reach_outs.len()
        );
        for ro in s.partner_reach_outs.iter().take(10) {
            let sig = if ro.signals.is_empty() {
                String::new()
            } else {
                format!(" — {}", ro.signals.join(", "))
            };
            let _ = writeln!(
                o,
                "    {} after {} of silence [line {}]{sig}",
                minute(&ro.at),
                duration(ro.hours_after_silence_start * 3600.0),
                ro.line
            );
        }
    }
    for c in &s.caveats {
        let _ = writeln!(o, "  {}", p.dim(c));
    }
    o
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
        (true, _) => {
            "Likes and comments on their posts: not checked (pass --instagram ACCOUNT and \
                      import your Instagram activity export)."
                .to_string()
        }
        (false, 0) => format!(
            "Likes and comments on {}: none found in the imported Instagram activity (import your \
             Instagram export if you have not).",
            accounts.join(", ")
        ),
        (false, n) => format!(
            "Likes and comments on {}: checked ({n} in your Instagram activity in all).",
            accounts.join(", ")
        ),
    }
}

fn reply_line(who: &str, r: &Replies) -> String {
    let med = match (r.median_seconds, r.ci95_seconds) {
        (Some(m), Some([lo, hi])) => format!(
            "median {} (95% CI {}–{})",
            duration(m),
            duration(lo),
            duration(hi)
        ),
        (Some(m), None) => format!("median {} (too few replies for an interval)", duration(m)),
        _ => "no replies".to_string(),
    };
    let iqr = match (r.p25_seconds, r.p75_seconds) {
        (Some(a), Some(b)) => format!(", half within {}–{}", duration(a), duration(b)),
        _ => String::new(),
    };
    let rate = r
        .reply_rate
        .map(|x| format!("; answers {} of {} turns", pct(x), r.turns_received))
        .unwrap_or_default();
    format!("{who}: {med}{iqr}{rate} (n = {}).", r.count)
}

fn level(series: &str, v: f64) -> String {
    if series.contains("latency") {
        duration(v)
    } else if series.contains("share") {
        pct(v)
    } else {
        format!("{v:.1}/week")
    }
}

pub fn outcome_words(o: &str, them: &str) -> String {
    match o {
        "plan_not_kept" => {
            "plan not kept — you opened a conversation before they reached out".to_string()
        }
        "monitoring" => format!(
            "{them} checked up on you (where are you / who are you with) — a warning sign, not a success"
        ),
        "pursuit_intensified" => format!("{them} wrote and called clearly more than usual"),
        "reached_out" => format!("{them} reached out (opened at least one conversation)"),
        "replied_only" => format!("{them} replied but did not open a conversation"),
        "no_contact" => format!("no contact from {them} during the window"),
        "still_open" => "nothing yet, and the window has not ended".to_string(),
        other => other.to_string(),
    }
}

pub fn usual_words(c: &str) -> String {
    match c {
        "insufficient_history" => {
            "not enough history to compare (fewer than 5 reach-outs before)".to_string()
        }
        "sooner" => "sooner than usual".to_string(),
        "later" => "later than usual".to_string(),
        "as_usual" => "as usual — no clear difference from before".to_string(),
        other => other.to_string(),
    }
}

fn day(s: &str) -> &str {
    s.get(..10).unwrap_or(s)
}

fn minute(s: &str) -> String {
    s.get(..16).unwrap_or(s).replace('T', " ")
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
