//! What the report says, in plain words: one document built from the wire [`Report`], which
//! the terminal and the HTML renderers both lay out. The wording lives here once, so the two
//! can never say different things, and every sentence is built from figures the JSON carries.
//!
//! Rules the sentences keep (issue 7, METRICS.md):
//! - short sentences a worried, non-technical person understands; statistics (tests, p-values,
//!   the gap G, seeds, interval methods) only in the final "How this was worked out" section;
//! - a figure below its minimum sample is "too little data", never a number;
//! - every verdict that depends on an assumed data end says so;
//! - evidence (breaches, reach-outs, warning signs, signals) is shown with date, time, who and
//!   the message itself, the export line only as a secondary reference;
//! - no figure is said twice, lists say "and N more", plurals are right.

use crate::AsOfSource;
use crate::fmt::{count, day, human, minute, pct, signed, thousands};
use crate::json::{Evidence, Report, Stepback};

/// Evidence lists show at most this many items, then "and N more".
pub const MAX_EVIDENCE: usize = 10;

/// How a section should look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Normal,
    /// The full warning about controlling messages.
    Warning,
    /// Background detail.
    Quiet,
}

/// One message shown as evidence.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// "2026-10-07 00:56".
    pub at: String,
    /// "You" or the person's name; empty for activity without a message.
    pub who: String,
    pub text: String,
    /// What the item is evidence of ("fast reply: you answered after 2 minutes").
    pub label: Option<String>,
    /// Export line, a secondary reference (0: none).
    pub line: u32,
}

/// A chart the HTML renderer draws where the document puts it (the terminal skips it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chart {
    Balance,
    Forecast,
    Monthly,
    /// Reply times per person, as distributions.
    Replies,
    /// Messages per hour of the week.
    HourOfWeek,
    /// The step-back on one time line.
    Stepback,
    /// Which source of a merged person has data when.
    Coverage,
    /// The change point `r.changes[i]` on its weekly series.
    Change(usize),
}

/// One block of a section.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// The answer, in one sentence.
    Lead(String),
    Text(String),
    /// A caveat or a side remark.
    Note(String),
    /// Evidence, at most [`MAX_EVIDENCE`] items, then `more` not shown.
    Evidence {
        title: String,
        items: Vec<Item>,
        more: usize,
    },
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Chart(Chart),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// In sentence case ("Is it two-sided?"); the terminal prints it in capitals.
    pub heading: String,
    pub tone: Tone,
    pub blocks: Vec<Block>,
}

/// The whole report as words.
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    pub title: String,
    /// Sources, dates, zone.
    pub subtitle: String,
    /// The first lines: message counts, the data end when it is an assumption, notes, the
    /// group notice.
    pub intro: Vec<Block>,
    pub sections: Vec<Section>,
}

/// Where the report is read: the few sentences that say how to change a setting name the
/// command line's flag or the app's question.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Door {
    /// The terminal, and the HTML file `walkaway report --html` writes.
    #[default]
    CommandLine,
    /// The in-browser app.
    App,
}

/// The data end as reports state it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataEnd {
    /// YYYY-MM-DD of the last moment covered.
    pub day: String,
    pub source: AsOfSource,
    /// Where the report is read (how the user changes the date).
    pub door: Door,
}

impl DataEnd {
    pub fn from_report(r: &Report) -> DataEnd {
        let source = match r.parameters.as_of_source.as_str() {
            "as_of_flag" => AsOfSource::AsOfFlag,
            "export" => AsOfSource::Export,
            "file_modified" => AsOfSource::FileModified,
            _ => AsOfSource::LastEvent,
        };
        DataEnd {
            day: end_day(&r.parameters.as_of, &r.parameters.tz, source),
            source,
            door: Door::CommandLine,
        }
    }

    /// Where the date came from, in words.
    pub fn origin(&self) -> &'static str {
        match self.source {
            AsOfSource::AsOfFlag if self.door == Door::App => {
                "the date you gave for when you exported it"
            }
            AsOfSource::AsOfFlag => "the date you gave with --as-of",
            AsOfSource::Export => "the time the export itself records",
            AsOfSource::FileModified => "the date the export file was saved",
            AsOfSource::LastEvent => "the last message",
        }
    }

    /// The clause every verdict that depends on the data end carries.
    pub fn assumption(&self) -> String {
        let fix = match self.door {
            Door::CommandLine => "pass --as-of DATE",
            Door::App => "change “When did you export this?”",
        };
        format!(
            "assuming this export was made on {}; if not, {fix}",
            day(&self.day)
        )
    }
}

/// The local day (YYYY-MM-DD in the report's zone) of the data end. `--as-of DATE` ends the
/// data at the next midnight, so its last covered day is the day before that instant; the other
/// sources are instants inside their day.
fn end_day(as_of: &str, tz: &str, source: AsOfSource) -> String {
    let Ok(mut ts) = as_of.parse::<jiff::Timestamp>() else {
        return as_of.get(..10).unwrap_or(as_of).to_string();
    };
    if source == AsOfSource::AsOfFlag {
        ts = ts
            .checked_sub(jiff::SignedDuration::from_millis(1))
            .unwrap_or(ts);
    }
    let zone = jiff::tz::TimeZone::get(tz).unwrap_or(jiff::tz::TimeZone::UTC);
    ts.to_zoned(zone).date().to_string()
}

/// A source as people write it ("whatsapp" is "WhatsApp").
pub fn source_name(s: &str) -> &str {
    match s {
        "whatsapp" => "WhatsApp",
        "telegram" => "Telegram",
        "messenger" => "Messenger",
        "instagram" => "Instagram",
        "imessage" => "iMessage",
        "sms" => "SMS",
        "discord" => "Discord",
        "signal" => "Signal",
        "csv" => "CSV",
        "line" => "LINE",
        "googlechat" | "google_chat" => "Google Chat",
        other => other,
    }
}

/// "You" for the user, the name for anyone else.
fn who(r: &Report, name: &str) -> String {
    if name == r.me {
        "You".to_string()
    } else {
        name.to_string()
    }
}

fn item(r: &Report, e: &Evidence, label: Option<String>) -> Item {
    Item {
        at: minute(&e.at),
        who: if e.who.is_empty() {
            String::new()
        } else {
            who(r, &e.who)
        },
        text: e.text.clone(),
        label,
        line: e.line,
    }
}

fn evidence(title: String, items: Vec<Item>) -> Block {
    let more = items.len().saturating_sub(MAX_EVIDENCE);
    Block::Evidence {
        title,
        items: items.into_iter().take(MAX_EVIDENCE).collect(),
        more,
    }
}

fn times(n: u64) -> String {
    match n {
        0 => "never".to_string(),
        1 => "once".to_string(),
        2 => "twice".to_string(),
        n => format!("{} times", thousands(n)),
    }
}

/// Builds the document.
pub fn document(r: &Report) -> Doc {
    document_in(r, Door::CommandLine)
}

/// [`document`] as read through `door`.
pub fn document_in(r: &Report, door: Door) -> Doc {
    let two = r.is_two_person();
    let them = r.partner.clone().unwrap_or_else(|| "the others".into());
    let end = DataEnd {
        door,
        ..DataEnd::from_report(r)
    };
    let first = r.parameters.first_event.as_deref().map(day);
    let last = r.parameters.last_event.as_deref().map(day);
    let subtitle = format!(
        "{} · {} → {} · times in {}",
        r.chat
            .sources
            .iter()
            .map(|s| source_name(s))
            .collect::<Vec<_>>()
            .join(" + "),
        first.clone().unwrap_or_else(|| "-".into()),
        last.clone().unwrap_or_else(|| "-".into()),
        r.parameters.tz
    );
    let mut intro = Vec::new();
    if two {
        intro.push(Block::Text(format!(
            "{}: you{} {}, {them} {}.",
            count(r.messages.total, "message", "messages"),
            if r.me == crate::redact::YOU {
                String::new()
            } else {
                format!(" ({})", r.me)
            },
            thousands(r.messages.by.get(&r.me).copied().unwrap_or(0)),
            thousands(r.messages.by.get(&them).copied().unwrap_or(0)),
        )));
    } else {
        intro.push(Block::Lead(format!(
            "This is a group chat of {} people. walkaway's method is about one other person, so \
             this report shows what each person did, and no effort balance, forecast or \
             step-back.",
            r.participants.len()
        )));
        intro.push(Block::Text(format!(
            "{} in all.",
            count(r.messages.total, "message", "messages")
        )));
    }
    if r.messages.total == 0 {
        intro.push(Block::Lead(
            "There are no messages up to the data end, so there is nothing to measure yet.".into(),
        ));
    }
    let last_day = r
        .parameters
        .last_event
        .as_deref()
        .map(|s| s.get(..10).unwrap_or(s));
    if end.source != AsOfSource::LastEvent && last_day.is_some_and(|l| l < end.day.as_str()) {
        let text = format!(
            "The last message is from {}, but the data is taken to run until {} ({}), so the \
             days in between count as silence{}.",
            last.clone().unwrap_or_default(),
            day(&end.day),
            end.origin(),
            if end.source == AsOfSource::AsOfFlag {
                String::new()
            } else {
                format!(": {}", end.assumption())
            }
        );
        intro.push(Block::Note(text));
    }

    for n in &r.notes {
        intro.push(Block::Note(format!(
            "Note from the import: {}.",
            n.trim_end_matches('.')
        )));
    }

    let mut sections = Vec::new();
    if !r.sources.is_empty() {
        sections.push(sources_section(r));
    }
    if two {
        sections.push(two_sided(r, &them));
        sections.push(if_quiet(r, &them));
        if let Some(s) = &r.stepback {
            sections.push(stepback_section(r, s, &them, &end));
        }
    } else {
        sections.push(group_people(r));
        if r.stepback.is_some() {
            sections.push(Section {
                heading: "Step-back".into(),
                tone: Tone::Normal,
                blocks: vec![Block::Text(
                    "A step-back is not measured in a group chat: the method is about one \
                     other person. Report on your two-person chat with them instead."
                        .into(),
                )],
            });
        }
    }
    if let Some(w) = warning(r, &them) {
        sections.push(w);
    }
    if let Some(s) = signals(r) {
        sections.push(s);
    }
    if let Some(m) = months(r) {
        sections.push(m);
    }
    if let Some(c) = changes(r) {
        sections.push(c);
    }
    sections.push(method(r, &them, &end));
    Doc {
        title: r.chat.title.clone(),
        subtitle,
        intro,
        sections,
    }
}

fn two_sided(r: &Report, them: &str) -> Section {
    let mut b = Vec::new();
    match (r.balance.effort_balance_index, r.balance.band.as_deref()) {
        (Some(ebi), Some(band)) => {
            let who_more = if ebi > 0.0 {
                "you put in more of the effort".to_string()
            } else {
                format!("{them} puts in more of the effort")
            };
            b.push(Block::Lead(match band {
                "balanced" => "Balanced: you both put in about the same effort.".to_string(),
                "moderate_imbalance" => format!("Somewhat one-sided: {who_more}."),
                _ => format!("Clearly one-sided: {who_more}."),
            }));
            b.push(Block::Chart(Chart::Balance));
        }
        _ => b.push(Block::Lead(format!(
            "Too early to say whether it is two-sided: {}.",
            r.balance
                .null_reason
                .as_deref()
                .unwrap_or("not enough two-way data")
        ))),
    }
    let c = &r.conversations;
    match &c.opening_share {
        Some(sh) => {
            b.push(Block::Text(format!(
                "You started {} of the {} conversations; {them} started {}.",
                pct(sh.value),
                thousands(sh.n),
                pct(1.0 - sh.value)
            )));
            if let Some(x) = &c.opening_share_excluding_late_replies
                && x.n != sh.n
                && (x.value - sh.value).abs() >= 0.005
            {
                b.push(Block::Text(format!(
                    "Some of those may have been late answers to a question; leaving out those \
                     {}, you started {}.",
                    thousands(sh.n - x.n),
                    pct(x.value)
                )));
            }
        }
        None => b.push(Block::Text(format!(
            "Who starts conversations: you started {}, {them} {}; {}.",
            c.opened_by.get(&r.me).copied().unwrap_or(0),
            c.opened_by.get(them).copied().unwrap_or(0),
            c.opening_share_null_reason
                .as_deref()
                .unwrap_or("too little data")
        ))),
    }
    // Reply speed: the typical (median) reply of each side.
    let median = |name: &str| r.replies.get(name).and_then(|x| x.median_seconds);
    let replies = |name: &str| r.replies.get(name).map_or(0, |x| x.count);
    b.push(Block::Text(match (median(&r.me), median(them)) {
        (Some(x), Some(y)) => format!(
            "Typical reply time: you within about {}; {them} within about {}.",
            human(x),
            human(y)
        ),
        (Some(x), None) => format!(
            "Typical reply time: you within about {}; {them}: too few replies to tell ({}).",
            human(x),
            replies(them)
        ),
        (None, Some(y)) => format!(
            "Typical reply time: {them} within about {}; you: too few replies to tell ({}).",
            human(y),
            replies(&r.me)
        ),
        (None, None) => format!(
            "Typical reply time: too few replies to tell yet (you {}, {them} {}; at least {} \
             each are needed).",
            replies(&r.me),
            replies(them),
            walkaway_analysis::minimum::REPLIES
        ),
    }));
    b.push(Block::Chart(Chart::Replies));
    let rate = |name: &str| r.replies.get(name).and_then(|x| x.reply_rate);
    match (rate(&r.me), rate(them)) {
        (Some(mine), Some(theirs)) => b.push(Block::Text(format!(
            "You answered {} of the times {them} wrote; {them} answered {} of the times you \
             wrote.",
            pct(mine),
            pct(theirs)
        ))),
        _ => b.push(Block::Text(
            "How often each of you answers: too little data to tell.".into(),
        )),
    }
    let get = |m: &std::collections::BTreeMap<String, u64>, k: &str| m.get(k).copied().unwrap_or(0);
    let enough = c.count >= walkaway_analysis::minimum::SHARE;
    let (my_words, their_words) = (
        get(&r.messages.words_by, &r.me),
        get(&r.messages.words_by, them),
    );
    let (my_q, their_q) = (
        get(&r.messages.questions_by, &r.me),
        get(&r.messages.questions_by, them),
    );
    match (
        r.balance.components.get("words"),
        r.balance.components.get("questions"),
    ) {
        (Some(Some(w)), Some(Some(q))) if enough => b.push(Block::Text(format!(
            "You wrote {} of the words ({} vs {}) and asked {} of the questions ({} vs {}).",
            pct(*w),
            thousands(my_words),
            thousands(their_words),
            pct(*q),
            thousands(my_q),
            thousands(their_q),
        ))),
        _ => b.push(Block::Text(format!(
            "Words: you wrote {}, {them} {}; questions: you asked {}, {them} {}.",
            thousands(my_words),
            thousands(their_words),
            thousands(my_q),
            thousands(their_q),
        ))),
    }
    let (my_dt, their_dt) = (
        get(&c.double_texts_by, &r.me),
        get(&c.double_texts_by, them),
    );
    b.push(Block::Text(if my_dt == 0 && their_dt == 0 {
        "Writing again before getting an answer: neither of you did.".to_string()
    } else {
        format!(
            "Writing again before getting an answer: you {}, {them} {}.",
            times(my_dt),
            times(their_dt),
        )
    }));
    if c.count > 0 {
        let share = |k: &str| get(&c.closed_by, k) as f64 / c.count as f64;
        b.push(Block::Text(if enough {
            format!(
                "Who sends the last message of a conversation: you in {}, {them} in {}.",
                pct(share(&r.me)),
                pct(share(them))
            )
        } else {
            format!(
                "Who sent the last message of a conversation: you {}, {them} {}.",
                times(get(&c.closed_by, &r.me)),
                times(get(&c.closed_by, them))
            )
        }));
    }
    if r.calls.has_call_data {
        let line = |k: &str| {
            r.calls
                .by
                .get(k)
                .map_or("no calls".to_string(), |p| match (p.placed, p.answered) {
                    (0, _) => "no calls".to_string(),
                    (n, 0) => format!("{} (none picked up)", count(n, "call", "calls")),
                    (n, a) if a == n => format!("{} (all picked up)", count(n, "call", "calls")),
                    (n, a) => format!("{} ({} picked up)", count(n, "call", "calls"), thousands(a)),
                })
        };
        b.push(Block::Text(format!(
            "Calls: you placed {}; {them} placed {}.",
            line(&r.me),
            line(them)
        )));
    }
    Section {
        heading: "Is it two-sided?".into(),
        tone: Tone::Normal,
        blocks: b,
    }
}

fn if_quiet(r: &Report, them: &str) -> Section {
    let f = &r.forecast;
    let mut b = Vec::new();
    match f.partner_reach_out_median_hours {
        Some(m) => {
            let range = match (f.ci95_hours, f.ci95_lower_hours) {
                // "between 2.1 days and 2.1 days": a narrow interval rounds to one value.
                (Some([lo, hi]), _) if human(lo * 3600.0) == human(hi * 3600.0) => {
                    "; the data pins this down closely".to_string()
                }
                (Some([lo, hi]), _) => format!(
                    "; probably between {} and {}",
                    human(lo * 3600.0),
                    human(hi * 3600.0)
                ),
                (None, Some(lo)) => format!(
                    "; at least {}, and the data cannot rule out much longer",
                    human(lo * 3600.0)
                ),
                _ => String::new(),
            };
            b.push(Block::Lead(format!(
                "If you stay quiet, {them} usually writes first within about {} (half the time \
                 sooner, half later{range}).",
                human(m * 3600.0)
            )));
            b.push(Block::Chart(Chart::Forecast));
        }
        None if f.partner_reach_outs < walkaway_analysis::minimum::REACH_OUTS => {
            let so_far = match f.partner_reach_outs {
                0 => "has never written first after a silence".to_owned(),
                n => format!("has written first after a silence {} so far", times(n)),
            };
            b.push(Block::Lead(format!(
                "No forecast yet: {them} {so_far}, and at least {} times are needed to say how \
                 long {them} usually takes.",
                walkaway_analysis::minimum::REACH_OUTS
            )))
        }
        None => b.push(Block::Lead(format!(
            "No forecast: {them} wrote first after fewer than half of the silences the data can \
             follow, so a typical waiting time cannot be given (it may be very long).",
        ))),
    }
    if f.silences > 0 {
        let mut parts = Vec::new();
        if f.partner_reach_outs > 0 {
            parts.push(format!(
                "{them} wrote first in {}",
                thousands(f.partner_reach_outs)
            ));
        }
        if f.user_reach_outs > 0 {
            parts.push(format!(
                "you wrote first in {}",
                thousands(f.user_reach_outs)
            ));
        }
        if f.censored_at_end > 0 {
            parts.push(format!(
                "{} still going at the end of the data",
                thousands(f.censored_at_end)
            ));
        }
        // A person merged across apps: silences where one of the apps has no data.
        if let Some(c) = r.coverage.as_ref()
            && c.silences_possibly_missing_data > 0
        {
            parts.push(format!(
                "{} possibly missing data (an app had no data then)",
                thousands(c.silences_possibly_missing_data)
            ));
        }
        b.push(Block::Text(format!(
            "Silences after a conversation ended: {}; {}.",
            thousands(f.silences),
            parts.join(", ")
        )));
    }
    if let (Some(pm), Some(um)) = (f.as_usual.get("partner_first"), f.as_usual.get("you_first"))
        && let (Some(p), Some(u)) = (pm.get("24h"), um.get("24h"))
        && f.partner_reach_outs >= walkaway_analysis::minimum::REACH_OUTS
    {
        let lead = if u > p {
            "What usually happens is different, because you often write first"
        } else {
            "What usually happens"
        };
        b.push(Block::Text(format!(
            "{lead}: within a day of a conversation ending, {them} had written first after {} of \
             silences and you after {}. The forecast above imagines you not writing at all.",
            pct(*p),
            pct(*u)
        )));
    }
    b.push(Block::Note(format!(
        "The forecast assumes that when you wrote first, it had nothing to do with when {them} \
         was about to write."
    )));
    Section {
        heading: "If you go quiet".into(),
        tone: Tone::Normal,
        blocks: b,
    }
}

/// The sentences of the step-back verdict, in order (also the JSON `explanation`).
pub fn stepback_sentences(s: &Stepback, them: &str, end: &DataEnd) -> Vec<String> {
    let mut out = Vec::new();
    let assumed = |text: String| {
        if s.data_end_assumed {
            format!("{text} ({})", end.assumption())
        } else {
            text
        }
    };
    let since = human(s.days_since_start * 86400.0);
    let window_end = s
        .date
        .parse::<jiff::civil::Date>()
        .ok()
        .and_then(|d| {
            d.checked_add(jiff::Span::new().days(i64::from(s.window_days)))
                .ok()
        })
        .map(|d| day(&d.to_string()))
        .unwrap_or_default();
    // What they did.
    out.push(match s.outcome.as_str() {
        "no_data_yet" => format!(
            "Nothing to judge yet: the data ends on {}, before the step-back starts on {}. \
             Import a newer export once some days have passed.",
            day(&end.day),
            day(&s.date)
        ),
        "plan_not_kept" => format!(
            "The plan was not kept: you started a conversation before {them} reached out, so \
             this does not show whether {them} would have."
        ),
        "monitoring" => format!(
            "Since the start, {them} has sent messages asking where you are, who you are with or \
             why you did not answer. That is a warning sign, not a sign that you are missed \
             (see below)."
        ),
        "pursuit_intensified" => match &s.pursuit {
            Some(p) => format!(
                "{them} wrote and called clearly more than usual: {} messages and calls in {}, \
                 against about {:.0} in the same time before.",
                thousands(p.window_count),
                human(p.window_days * 86400.0),
                if p.baseline_days > 0.0 {
                    p.baseline_count as f64 * p.window_days / p.baseline_days
                } else {
                    0.0
                }
            ),
            None => format!("{them} wrote and called clearly more than usual."),
        },
        "reached_out" => match s.partner_reach_outs.len() {
            1 => format!(
                "{them} started a conversation {} after the start.",
                human(s.first_reach_out_hours.unwrap_or(0.0) * 3600.0)
            ),
            n => format!(
                "{them} started a conversation {} since the start, the first {} after it.",
                times(n as u64),
                human(s.first_reach_out_hours.unwrap_or(0.0) * 3600.0)
            ),
        },
        "replied_only" => {
            format!("{them} answered you but has not started a conversation since the start.")
        }
        "no_contact" => {
            assumed(format!(
                "Nothing from {them} in the {} days since the start",
                s.window_days
            )) + "."
        }
        "still_open" => {
            assumed(format!(
                "Nothing from {them} yet, {since} into the {}-day wait (it ends on {window_end})",
                s.window_days
            )) + "."
        }
        other => other.to_string(),
    });
    // Compared with their own usual.
    let usual = s
        .usual_median_hours
        .map(|h| format!(" (usually within about {})", human(h * 3600.0)))
        .unwrap_or_default();
    if let Some(c) = s.compared_to_usual.as_deref() {
        out.push(match c {
            "insufficient_history" => format!(
                "Whether this is different from {them}'s usual cannot be told: before the start, \
                 {them} {} after a silence, and at least {} times are needed to know their usual \
                 pattern.",
                match s.reach_outs_before {
                    0 => "never wrote first".to_string(),
                    n => format!("wrote first only {}", times(n)),
                },
                walkaway_analysis::stepback::MIN_BEFORE_REACH_OUTS
            ),
            "too_early" => {
                if s.usual_median_hours
                    .is_some_and(|m| s.days_since_start * 24.0 < m)
                {
                    assumed(format!(
                        "Too early to compare with {them}'s usual: only {since} since the start, \
                         and {them} usually takes about {} to write first after a silence",
                        human(s.usual_median_hours.unwrap_or(0.0) * 3600.0)
                    )) + "."
                } else if s.partner_reach_outs.is_empty() && s.window_elapsed {
                    match (s.current_wait_hours, s.longest_usual_hours) {
                        (Some(w), Some(l)) => {
                            assumed(format!(
                                "Too early to compare with {them}'s usual: {them} has not written \
                             first since the start ({} so far), but has waited longer before \
                             (up to {})",
                                human(w * 3600.0),
                                human(l * 3600.0)
                            )) + "."
                        }
                        _ => format!(
                            "Nothing to compare with {them}'s usual yet: since the start you \
                             wrote first every time, so {them} had no silence in which to write \
                             first."
                        ),
                    }
                } else {
                    format!(
                        "Too early to compare with {them}'s usual: {since} since the start, and no \
                         clear difference so far; the comparison is made when the {}-day window \
                         ends on {window_end}.",
                        s.window_days
                    )
                }
            }
            "sooner" => format!(
                "Compared with {them}'s own usual, {them} wrote first sooner than before the \
                 start{usual}."
            ),
            "later" => match (s.current_wait_hours, s.longest_usual_hours) {
                (Some(w), Some(l)) if s.partner_reach_outs.is_empty() && w > l => {
                    assumed(format!(
                        "Compared with {them}'s own usual, {them} is later than ever: no conversation \
                     from them for {}, longer than any wait before the start (longest {})",
                        human(w * 3600.0),
                        human(l * 3600.0)
                    )) + "."
                }
                _ => format!(
                    "Compared with {them}'s own usual, {them} wrote first later than before the \
                     start{usual}."
                ),
            },
            "as_usual" => format!(
                "Compared with {them}'s own usual, nothing has clearly changed: {them} wrote first \
                 about as soon as before the start{usual}."
            ),
            other => other.to_string(),
        });
    }
    out
}

fn breach_label(kind: &str) -> &'static str {
    match kind {
        "opened_conversation" => "you started a conversation",
        "fast_reply" => "fast reply",
        "call" => "you called",
        "answered_first_call" => "you picked up their first call",
        "liked_or_commented" => "like or comment on their posts",
        _ => "breach",
    }
}

fn stepback_section(r: &Report, s: &Stepback, them: &str, end: &DataEnd) -> Section {
    let mut b = Vec::new();
    // The JSON's sentences say how to change the date on the command line; the app says it
    // in its own words.
    let sentences = if s.explanation.is_empty() || end.door != Door::CommandLine {
        stepback_sentences(s, them, end)
    } else {
        s.explanation.clone()
    };
    let mut it = sentences.into_iter();
    if let Some(first) = it.next() {
        b.push(Block::Lead(first));
    }
    for rest in it {
        b.push(Block::Text(rest));
    }
    if s.outcome == "no_data_yet" {
        b.push(Block::Note(format!(
            "The rules: no starting conversations, no replies within {} minutes, no calls, not \
             picking up their first call, no likes or comments on their posts.",
            s.fast_reply_minutes
        )));
        return Section {
            heading: format!("Step-back from {}", day(&s.date)),
            tone: Tone::Normal,
            blocks: b,
        };
    }
    // The plan.
    let kinds = [
        (
            "opened_conversation",
            "conversation you started",
            "conversations you started",
        ),
        ("fast_reply", "fast reply", "fast replies"),
        ("call", "call you placed", "calls you placed"),
        (
            "answered_first_call",
            "first call of theirs you picked up",
            "first calls of theirs you picked up",
        ),
        (
            "liked_or_commented",
            "like or comment on their posts",
            "likes or comments on their posts",
        ),
    ];
    let parts: Vec<String> = kinds
        .iter()
        .filter_map(|(k, one, many)| {
            let n = s.breach_list.iter().filter(|x| x.kind == *k).count() as u64;
            (n > 0).then(|| count(n, one, many))
        })
        .collect();
    let kept = human(s.days_kept * 86400.0);
    b.push(Block::Text(if s.breach_list.is_empty() {
        let text = format!("Your plan: kept so far, {kept} without breaking a rule");
        if s.data_end_assumed {
            format!("{text} ({}).", end.assumption())
        } else {
            format!("{text}.")
        }
    } else {
        format!(
            "Your plan: kept for {kept}, then broken {}: {}.",
            times(s.breach_list.len() as u64),
            parts.join(", ")
        )
    }));
    let items: Vec<Item> = s
        .breach_list
        .iter()
        .map(|x| {
            // The message that broke the rule: yours (for a fast reply, the second).
            let msg = x.messages.last();
            let label = Some(match x.kind.as_str() {
                "fast_reply" | "liked_or_commented" => x.detail.clone(),
                k => breach_label(k).to_string(),
            });
            match msg {
                Some(e) => item(r, e, label),
                None => Item {
                    at: minute(&x.at),
                    who: String::new(),
                    text: String::new(),
                    label,
                    line: 0,
                },
            }
        })
        .collect();
    b.push(Block::Chart(Chart::Stepback));
    if !items.is_empty() {
        b.push(evidence("The breaches:".into(), items));
    }
    // Calls and Instagram: whether those rules could be checked.
    b.push(Block::Text(if s.call_data {
        match s.partner_calls_since {
            0 => format!("Calls: none from {them} since the start (this chat does record calls)."),
            n => format!(
                "Calls: {} from {them} since the start; whether you picked up their first call \
                 was checked.",
                count(n, "call", "calls")
            ),
        }
    } else {
        "Calls: this chat has no call records, so the rules about calling (not calling, not \
         picking up their first call) could not be checked."
            .to_string()
    }));
    b.push(Block::Text(crate::terminal::instagram_line(s)));
    // Your side.
    let (bf, af) = (&s.your_side.before, &s.your_side.since);
    let mut side = Vec::new();
    match (bf.reply_median_seconds, af.reply_median_seconds) {
        (Some(x), Some(y)) => side.push(format!(
            "you replied within about {} before and {} since",
            human(x),
            human(y)
        )),
        (Some(x), None) => side.push(format!(
            "you replied within about {} before; since, too few replies to tell (n = {})",
            human(x),
            af.replies
        )),
        _ => {}
    }
    match (bf.messages_per_week, af.messages_per_week) {
        (Some(x), Some(y)) => side.push(format!(
            "you sent about {x:.0} messages a week before and {y:.0} since"
        )),
        (Some(x), None) => side.push(format!(
            "you sent about {x:.0} messages a week before, and {} in the {} since",
            thousands(af.messages),
            human(af.days * 86400.0)
        )),
        _ => {}
    }
    match (bf.openings_per_week, af.openings_per_week) {
        (Some(x), Some(y)) => side.push(format!(
            "you started about {x:.1} conversations a week before and {y:.1} since"
        )),
        (Some(x), None) => side.push(format!(
            "you started about {x:.1} conversations a week before, and {} since",
            thousands(af.conversations_opened)
        )),
        _ => {}
    }
    if !side.is_empty() {
        let mut text = side.join("; ");
        if let Some(f) = text.get(..1) {
            text = f.to_uppercase() + text.get(1..).unwrap_or("");
        }
        b.push(Block::Text(format!(
            "Your side (did you really step back?): {text}. \"Before\" is the {} before the start.",
            human(bf.days * 86400.0)
        )));
    }
    // Their reach-outs.
    if !s.partner_reach_outs.is_empty() {
        let items: Vec<Item> = s
            .partner_reach_outs
            .iter()
            .map(|ro| {
                let label = Some(format!(
                    "after {} of silence",
                    human(ro.hours_after_silence_start * 3600.0)
                ));
                match &ro.message {
                    Some(e) => item(r, e, label),
                    None => Item {
                        at: minute(&ro.at),
                        who: them.to_string(),
                        text: String::new(),
                        label,
                        line: ro.line,
                    },
                }
            })
            .collect();
        b.push(evidence(
            format!(
                "{them} started {} since the start:",
                count(items.len() as u64, "conversation", "conversations")
            ),
            items,
        ));
    }
    for c in &s.caveats {
        b.push(Block::Note(sentence(c)));
    }
    Section {
        heading: format!("Step-back from {}", day(&s.date)),
        tone: Tone::Normal,
        blocks: b,
    }
}

/// A caveat constant as a sentence: capitalised, with a full stop.
fn sentence(s: &str) -> String {
    let mut out = match s.get(..1) {
        Some(f) => f.to_uppercase() + s.get(1..).unwrap_or(""),
        None => String::new(),
    };
    if !out.ends_with('.') {
        out.push('.');
    }
    out
}

fn warning(r: &Report, them: &str) -> Option<Section> {
    let w = &r.warning_signs;
    if w.messages.is_empty() {
        return None;
    }
    let items: Vec<Item> = w.messages.iter().map(|e| item(r, e, None)).collect();
    if w.frequent {
        Some(Section {
            heading: "A warning sign worth noticing".into(),
            tone: Tone::Warning,
            blocks: vec![
                Block::Lead(format!(
                    "{them} asked where you are, who you are with or why you didn't answer {}, on \
                     more than one day.",
                    times(w.messages.len() as u64)
                )),
                evidence("The messages:".into(), items),
                Block::Text(crate::MONITORING_NOTE.to_string()),
            ],
        })
    } else {
        Some(Section {
            heading: "Worth a look".into(),
            tone: Tone::Normal,
            blocks: vec![
                evidence(
                    format!("{them} once asked where you were or who you were with:"),
                    items,
                ),
                Block::Note(
                    "A question like this is usually ordinary. It is worth noticing only when \
                     such questions come often or insistently."
                        .into(),
                ),
            ],
        })
    }
}

/// What a signal means, said of the partner (`mine` false) or of the user.
fn signal_label(sig: &str, mine: bool) -> &'static str {
    match (sig, mine) {
        ("MEET_REQUEST", _) => "asked to meet",
        ("MISSES_YOU", false) => "said they miss you",
        ("MISSES_YOU", true) => "said you miss them",
        ("CURIOSITY", false) => "asked what you are doing",
        ("CURIOSITY", true) => "asked what they are doing",
        ("NOSTALGIA", _) => "brought up old times",
        ("APOLOGY", _) => "apologised",
        ("MONITORING", false) => "asked where you are or who you are with",
        ("MONITORING", true) => "asked where they are or who they are with",
        _ => "matched a pattern",
    }
}

fn signals(r: &Report) -> Option<Section> {
    let mut groups: std::collections::BTreeMap<(String, &str), Vec<Item>> = Default::default();
    for h in r.signals.iter().filter(|h| h.signal != "MONITORING") {
        let who_name = who(r, &h.who);
        groups
            .entry((who_name.clone(), h.signal.as_str()))
            .or_default()
            .push(Item {
                at: minute(&h.at),
                who: who_name,
                text: h.text.clone(),
                label: None,
                line: h.line,
            });
    }
    if groups.is_empty() {
        return None;
    }
    let mut b = vec![Block::Note(
        "Found by word patterns, which can miss or misread a message: read them yourself.".into(),
    )];
    // Theirs first, then yours.
    let mut keys: Vec<_> = groups.keys().cloned().collect();
    keys.sort_by_key(|(w, s)| (w == "You", w.clone(), *s));
    for key in keys {
        let items = groups.remove(&key).unwrap_or_default();
        let (w, sig) = key;
        let verb = signal_label(sig, w == "You");
        let title = format!("{w} {verb} {}:", times(items.len() as u64));
        b.push(evidence(title, items));
    }
    Some(Section {
        heading: "What the messages say".into(),
        tone: Tone::Normal,
        blocks: b,
    })
}

fn months(r: &Report) -> Option<Section> {
    if r.monthly.is_empty() {
        return None;
    }
    let two = r.is_two_person();
    let mut rows = Vec::new();
    for m in &r.monthly {
        let cells = crate::terminal::month_cells(r, m);
        rows.push(if two {
            cells.to_vec()
        } else {
            cells.iter().take(3).cloned().collect()
        });
    }
    let head: Vec<String> = if two {
        [
            "month",
            "messages you/them",
            "conversations",
            "you started",
            "your reply",
            "their reply",
            "balance",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    } else {
        ["month", "messages you/others", "conversations"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let mut blocks = Vec::new();
    if two {
        blocks.push(Block::Chart(Chart::Monthly));
    }
    blocks.push(Block::Table { head, rows });
    blocks.push(Block::Chart(Chart::HourOfWeek));
    if two && r.monthly.iter().any(|m| m.null_reason.is_some()) {
        blocks.push(Block::Note(format!(
            "\"-\" means too little data that month for the figure (fewer than {} \
             conversations, or fewer than {} replies).",
            walkaway_analysis::minimum::SHARE,
            walkaway_analysis::minimum::REPLIES
        )));
    }
    Some(Section {
        heading: "Month by month".into(),
        tone: Tone::Normal,
        blocks,
    })
}

fn changes(r: &Report) -> Option<Section> {
    if r.changes.is_empty() {
        return None;
    }
    let them = r.partner.as_deref().unwrap_or("they");
    let mut b = Vec::new();
    for (i, c) in r.changes.iter().enumerate() {
        let (what, from, to) = match c.series.as_str() {
            "opening_share" => (
                "the share of conversations you started".to_string(),
                pct(c.before),
                pct(c.after),
            ),
            "partner_openings" => (
                format!("conversations {them} started"),
                format!("{:.1} a week", c.before),
                format!("{:.1} a week", c.after),
            ),
            "messages" => (
                "messages".to_string(),
                format!("{:.0} a week", c.before),
                format!("{:.0} a week", c.after),
            ),
            "partner_reply_latency" => (
                format!("{them}'s typical reply time"),
                human(c.before),
                human(c.after),
            ),
            other => (
                other.replace('_', " "),
                format!("{:.1}", c.before),
                format!("{:.1}", c.after),
            ),
        };
        b.push(Block::Text(format!(
            "Around the week of {}: {what} went from {from} to {to}.",
            day(&c.week)
        )));
        b.push(Block::Chart(Chart::Change(i)));
    }
    b.push(Block::Note(
        "These are the largest shifts found automatically; treat them as hints, not proof.".into(),
    ));
    Some(Section {
        heading: "What changed over time".into(),
        tone: Tone::Normal,
        blocks: b,
    })
}

fn group_people(r: &Report) -> Section {
    let mut rows = Vec::new();
    for name in &r.participants {
        let msgs = r.messages.by.get(name).copied().unwrap_or(0);
        let opened = r.conversations.opened_by.get(name).copied().unwrap_or(0);
        let reply = r
            .replies
            .get(name)
            .map(|x| match x.median_seconds {
                Some(m) => format!("about {}", human(m)),
                None => format!("too few replies (n = {})", x.count),
            })
            .unwrap_or_else(|| "-".into());
        rows.push(vec![
            who(r, name),
            thousands(msgs),
            thousands(opened),
            reply,
        ]);
    }
    Section {
        heading: "Who writes".into(),
        tone: Tone::Normal,
        blocks: vec![Block::Table {
            head: vec![
                "person".into(),
                "messages".into(),
                "conversations started".into(),
                "typical reply time".into(),
            ],
            rows,
        }],
    }
}

fn method(r: &Report, them: &str, end: &DataEnd) -> Section {
    let p = &r.parameters;
    let mut b = vec![Block::Text(format!(
        "Data: {} → {}, times in {}; the data is taken to end on {} ({}).",
        p.first_event
            .as_deref()
            .map(day)
            .unwrap_or_else(|| "-".into()),
        p.last_event
            .as_deref()
            .map(day)
            .unwrap_or_else(|| "-".into()),
        p.tz,
        day(&end.day),
        end.origin()
    ))];
    b.push(Block::Text(format!(
        "A conversation is a run of messages with gaps of at most {} ({}).",
        human(p.gap_seconds as f64),
        match p.gap_choice.as_str() {
            "override" => "set with --gap",
            "valley" => "chosen from this chat's own rhythm",
            "default_too_few_gaps" => "the default: too few messages to learn this chat's rhythm",
            _ => "the default: this chat's rhythm shows no clear break",
        }
    )));
    if r.is_two_person() {
        if let (Some(ebi), Some([lo, hi])) = (r.balance.effort_balance_index, r.balance.ci95) {
            b.push(Block::Text(format!(
                "Effort balance index {} (95% interval {} to {}; −1 = they do all of it, +1 = \
                 you do), over {}: the average of your shares of openings, words and questions, \
                 interval by resampling whole conversations ({} replicates, seed {}). Bands: up \
                 to 0.2 balanced, 0.2–0.5 somewhat one-sided, above 0.5 clearly one-sided \
                 (conventions, not diagnoses).",
                signed(ebi),
                signed(lo),
                signed(hi),
                count(r.balance.conversations, "conversation", "conversations"),
                p.bootstrap_reps,
                p.seed
            )));
        }
        if let Some(sh) = &r.conversations.opening_share {
            b.push(Block::Text(format!(
                "Conversations you started: {} of {} (95% Wilson interval {}–{}).",
                pct(sh.value),
                thousands(sh.n),
                pct(sh.ci95[0]),
                pct(sh.ci95[1])
            )));
        }
    }
    for (name, rep) in &r.replies {
        let w = who(r, name);
        let mut parts = Vec::new();
        match (rep.median_seconds, rep.ci95_seconds) {
            (Some(m), Some([lo, hi])) => parts.push(format!(
                "median reply {} (95% interval {}–{}; middle half {}–{})",
                human(m),
                human(lo),
                human(hi),
                rep.p25_seconds.map(human).unwrap_or_else(|| "-".into()),
                rep.p75_seconds.map(human).unwrap_or_else(|| "-".into()),
            )),
            (Some(m), None) => parts.push(format!("median reply {}", human(m))),
            _ => {}
        }
        parts.push(count(rep.count, "reply", "replies"));
        if let (Some(x), Some([lo, hi])) = (rep.reply_rate, rep.reply_rate_ci95) {
            parts.push(format!(
                "answered {} of {} turns received (95% interval {}–{})",
                pct(x),
                thousands(rep.turns_received),
                pct(lo),
                pct(hi)
            ));
        }
        if let Some(reason) = &rep.null_reason {
            parts.push(reason.clone());
        }
        b.push(Block::Text(format!("{w}: {}.", parts.join("; "))));
    }
    if r.is_two_person() {
        let f = &r.forecast;
        b.push(Block::Text(format!(
            "Forecast: Kaplan–Meier estimate of the time until {them} writes first after a \
             conversation ends, counting the times you wrote first as censored (not ignored); \
             95% interval of the median by the Brookmeyer–Crowley method with a log-log band. \
             {} A forecast needs {them} to have written first at least {} times.",
            match (f.partner_reach_out_median_hours, f.ci95_hours) {
                (Some(m), Some([lo, hi])) => format!(
                    "Median {} (95% interval {}–{}).",
                    human(m * 3600.0),
                    human(lo * 3600.0),
                    human(hi * 3600.0)
                ),
                (Some(m), None) => format!("Median {} (upper end not reached).", human(m * 3600.0)),
                _ => "No median.".to_string(),
            },
            walkaway_analysis::minimum::REACH_OUTS
        )));
        b.push(Block::Text(format!(
            "\"What usually happens\": Aalen–Johansen cumulative incidence of {them} writing \
             first versus you writing first (competing risks)."
        )));
        if let Some(s) = &r.stepback {
            let mut t = format!(
                "Step-back: silences before {} against silences since (a silence spanning the \
                 date is split there); window {} days; fast reply = under {} minutes.",
                day(&s.date),
                s.window_days,
                s.fast_reply_minutes
            );
            if let Some(pv) = s.logrank_p {
                t.push_str(&format!(
                    " Log-rank test of {them}'s reach-out times since against before: p = {pv:.3}"
                ));
                if let Some(hr) = s.hazard_ratio {
                    t.push_str(&format!(", hazard ratio {hr:.2} (above 1: sooner)"));
                }
                t.push('.');
            }
            t.push_str(&format!(
                " Compared with {} reach-outs before the start. A comparison needs at least {}; \
                 it is \"too early\" while less time has passed than {them}'s usual median wait; \
                 before the window ends a difference is called only at p < {} on at least {} \
                 reach-outs, or when the wait exceeds every wait before, and \"as usual\" waits \
                 for the end of the window.",
                thousands(s.reach_outs_before),
                walkaway_analysis::stepback::MIN_BEFORE_REACH_OUTS,
                walkaway_analysis::stepback::ALPHA_EARLY,
                walkaway_analysis::stepback::MIN_AFTER_REACH_OUTS
            ));
            if let Some(pu) = &s.pursuit {
                t.push_str(&format!(
                    " Contact rate: {} in {:.1} days against {} in the {:.0} days before{}.",
                    count(pu.window_count, "message or call", "messages and calls"),
                    pu.window_days,
                    thousands(pu.baseline_count),
                    pu.baseline_days,
                    pu.rate_ratio_lower95
                        .map(|l| format!(" (exact rate-ratio test, lower 95% bound {l:.2})"))
                        .unwrap_or_default()
                ));
            }
            b.push(Block::Text(t));
        }
    }
    {
        use walkaway_analysis::minimum as min;
        b.push(Block::Text(format!(
            "Figures with too little data are not shown as numbers: shares need {} conversations \
             or turns, reply times {} replies, the effort balance {} conversations, the forecast \
             {} reach-outs (docs/metrics.md explains why).",
            min::SHARE,
            min::REPLIES,
            min::BALANCE_CONVERSATIONS,
            min::REACH_OUTS
        )));
    }
    Section {
        heading: "How this was worked out".into(),
        tone: Tone::Quiet,
        blocks: b,
    }
}

/// "1 Feb–26 Oct 2026", or "1 Feb 2025–26 Oct 2026" across years.
fn span(first: &str, last: &str) -> String {
    let (a, b) = (day(first), day(last));
    match (a.rsplit_once(' '), b.rsplit_once(' ')) {
        (Some((a_dm, a_y)), Some((_, b_y))) if a_y == b_y && a != b => format!("{a_dm}–{b}"),
        _ if a == b => a,
        _ => format!("{a}–{b}"),
    }
}

/// A person merged across apps: what each source covers, and that silences where a source has
/// no data are not counted as waiting (`report PERSON`; `r.sources` is empty otherwise).
pub fn sources_section(r: &Report) -> Section {
    let parts: Vec<String> = r
        .sources
        .iter()
        .map(|s| {
            let when = match (&s.first_event, &s.data_end) {
                (Some(f), Some(e)) => format!("{} ", span(f, e)),
                (Some(f), None) => format!("from {} ", day(f)),
                _ => String::new(),
            };
            format!(
                "{} {when}({})",
                source_name(&s.source),
                count(s.messages, "message", "messages")
            )
        })
        .collect();
    let mut blocks = vec![
        Block::Text(format!("Sources: {}.", parts.join(", "))),
        Block::Chart(Chart::Coverage),
    ];
    if let Some(p) = &r.person
        && p.handles.len() > 1
    {
        let handles: Vec<String> = p
            .handles
            .iter()
            .map(|h| format!("{}:{}", h.source, h.handle))
            .collect();
        blocks.push(Block::Note(format!(
            "{} is reported as one person by the handles you linked: {}.",
            p.name,
            handles.join(", ")
        )));
    }
    if let Some(c) = &r.coverage {
        if c.duplicates > 0 {
            blocks.push(Block::Note(format!(
                "{} seen in two apps {} counted once.",
                count(c.duplicates, "message", "messages"),
                if c.duplicates == 1 { "was" } else { "were" }
            )));
        }
        if !c.gaps.is_empty() {
            let affected = if c.silences_possibly_missing_data > 0 {
                format!(
                    " ({} fell in such a period)",
                    count(c.silences_possibly_missing_data, "silence", "silences")
                )
            } else {
                String::new()
            };
            blocks.push(Block::Note(format!(
                "Silences that fall where a source has no data are not counted as waiting: the \
                 other person may have written in the app whose data is missing{affected}."
            )));
        }
    }
    Section {
        heading: "Sources".into(),
        tone: Tone::Normal,
        blocks,
    }
}
