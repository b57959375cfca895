//! Renders an analysis as terminal text, versioned JSON or self-contained HTML.
//!
//! The analysis is converted once into the wire types of [`json`] ([`to_wire`]); every
//! renderer then works from that one value, behind the [`Render`] trait, and returns bytes so
//! it can be tested without I/O.
#![forbid(unsafe_code)]

pub mod fmt;
pub mod html;
pub mod json;
pub mod person;
pub mod redact;
pub mod svg;
pub mod terminal;
pub mod words;

use std::collections::BTreeMap;

use walkaway_analysis::Config;
use walkaway_analysis::conversations::GapChoice;
use walkaway_analysis::full::FullAnalysis;
use walkaway_analysis::minimum;
use walkaway_analysis::stats::Proportion;
use walkaway_model::{Activity, Events, Kind, Millis, Source};

pub use walkaway_analysis::signals::MONITORING_NOTE;

/// Everything a renderer needs about one report.
pub struct Input<'a> {
    pub chat_id: &'a str,
    pub title: &'a str,
    pub sources: &'a [Source],
    pub people: &'a [String],
    pub events: &'a Events,
    pub cfg: &'a Config,
    pub tz_name: &'a str,
    pub analysis: &'a FullAnalysis,
    /// The partner's accounts whose likes/comments count as breaches.
    pub instagram_accounts: &'a [String],
    /// The activity the step-back looked at (indexes of breaches point here).
    pub activity: &'a [Activity],
    /// Where the data end (`cfg.as_of`) came from (METRICS.md "Data end").
    pub as_of_source: AsOfSource,
    /// Import warnings that bear on every figure of this chat (e.g. "date order is ambiguous;
    /// read as d/m/y; pass --date-order to override"): lowercase sentences, no message text.
    pub notes: &'a [String],
}

/// Where the data end came from, in METRICS.md's order of precedence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsOfSource {
    /// `--as-of DATE`.
    AsOfFlag,
    /// The moment the export itself records (e.g. the chat entry's time inside a zip).
    Export,
    /// The export file's modification time.
    FileModified,
    /// The last event (nothing says the data reaches further).
    LastEvent,
}

impl AsOfSource {
    pub fn as_str(self) -> &'static str {
        match self {
            AsOfSource::AsOfFlag => "as_of_flag",
            AsOfSource::Export => "export",
            AsOfSource::FileModified => "file_modified",
            AsOfSource::LastEvent => "last_event",
        }
    }
}

/// One output format.
pub trait Render {
    fn render(&self, input: &Input<'_>) -> Vec<u8>;
}

/// `--json`: pretty-printed [`json::Report`].
pub struct Json;

impl Render for Json {
    fn render(&self, input: &Input<'_>) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(&to_wire(input)).unwrap_or_default();
        v.push(b'\n');
        v
    }
}

/// The default text report.
pub struct Terminal {
    pub color: bool,
}

impl Render for Terminal {
    fn render(&self, input: &Input<'_>) -> Vec<u8> {
        terminal::render(&to_wire(input), self.color).into_bytes()
    }
}

/// `--html FILE`.
pub struct Html;

impl Render for Html {
    fn render(&self, input: &Input<'_>) -> Vec<u8> {
        html::render(&to_wire(input)).into_bytes()
    }
}

/// RFC 3339 UTC for an instant.
pub fn iso(ms: Millis) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| ms.to_string())
}

/// Local wall time `YYYY-MM-DDTHH:MM` in the report's zone (evidence is read in local time).
fn local(ms: Millis, cfg: &Config) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(cfg.tz.clone())
                .strftime("%Y-%m-%dT%H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| ms.to_string())
}

fn share(p: &Proportion) -> Option<json::Share> {
    Some(json::Share {
        value: p.estimate?,
        ci95: p.ci95.map(|(a, b)| [a, b])?,
        n: p.n,
    })
}

/// Converts the analysis into the wire report (schema_version 1).
pub fn to_wire(input: &Input<'_>) -> json::Report {
    let a = input.analysis;
    let b = &a.base;
    let cfg = input.cfg;
    let name = |i: usize| {
        input
            .people
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("person {i}"))
    };
    let by = |v: &[u64]| -> BTreeMap<String, u64> {
        v.iter().enumerate().map(|(i, &n)| (name(i), n)).collect()
    };
    let line_of = |ev: usize| input.events.get(ev).map_or(0, |e| e.line);
    let evidence = |ev: usize| evidence(input, ev);

    let mut media = vec![0u64; input.people.len()];
    let mut calls = vec![0u64; input.people.len()];
    for e in input.events.iter().filter(|e| e.ts <= cfg.as_of) {
        if let Some(s) = e.sender.map(|s| s as usize).filter(|&s| s < media.len()) {
            match e.kind {
                Kind::Media | Kind::Voice => media[s] += 1,
                Kind::Call | Kind::MissedCall => calls[s] += 1,
                _ => {}
            }
        }
    }
    let effort = &b.balance.per_person;
    let messages = json::Messages {
        total: b.messages.total,
        by: by(&b.messages.by),
        words_by: by(&effort.iter().map(|p| p.words).collect::<Vec<_>>()),
        questions_by: by(&effort.iter().map(|p| p.questions).collect::<Vec<_>>()),
        emoji_by: by(&effort.iter().map(|p| p.emoji).collect::<Vec<_>>()),
        media_by: by(&media),
        calls_by: by(&calls),
    };

    let c = &b.conversations;
    let two = cfg.partner.is_some();
    let conversations = json::Conversations {
        gap_seconds: c.gap / 1000,
        count: c.count,
        opened_by: by(&c.opened_by),
        closed_by: by(&c.closed_by),
        opening_share: if two && c.count >= minimum::SHARE {
            share(&c.opening_share)
        } else {
            None
        },
        opening_share_null_reason: if two {
            minimum::null_reason(c.count, minimum::SHARE, "conversations")
        } else {
            Some("a group chat has no opening share: the method is about one other person".into())
        },
        opening_share_excluding_late_replies: if two
            && c.opening_share_excluding_late.n >= minimum::SHARE
        {
            share(&c.opening_share_excluding_late)
        } else {
            None
        },
        open_kinds: c
            .open_kinds
            .iter()
            .enumerate()
            .map(|(i, k)| {
                (
                    name(i),
                    BTreeMap::from([
                        ("first".to_string(), k.first),
                        ("new_contact".to_string(), k.new_contact),
                        ("follow_up".to_string(), k.follow_up),
                        ("possible_late_reply".to_string(), k.possible_late_reply),
                    ]),
                )
            })
            .collect(),
        double_texts_by: by(&effort.iter().map(|p| p.double_texts()).collect::<Vec<_>>()),
    };

    let replies = b
        .replies
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let enough = r.latency.count >= minimum::REPLIES;
            let s = |ms: Option<f64>| ms.filter(|_| enough).map(|x| x / 1000.0);
            // An interval of zero width (all middle replies took the same time, to the
            // timestamp's resolution) is never shown.
            let ci = r
                .latency
                .ci95_ms
                .filter(|(lo, hi)| enough && hi > lo)
                .map(|(lo, hi)| [lo as f64 / 1000.0, hi as f64 / 1000.0]);
            let rate_ok = two && r.reply_rate.n >= minimum::SHARE;
            let mut reasons: Vec<String> = Vec::new();
            if let Some(x) = minimum::null_reason(r.latency.count, minimum::REPLIES, "replies") {
                reasons.push(format!("reply time: {x}"));
            } else if ci.is_none() {
                reasons.push(
                    "reply time: no interval (the middle replies all took the same time to the \
                     minute)"
                        .into(),
                );
            }
            if two
                && let Some(x) =
                    minimum::null_reason(r.reply_rate.n, minimum::SHARE, "turns received")
            {
                reasons.push(format!("reply rate: {x}"));
            }
            (
                name(i),
                json::Replies {
                    count: r.latency.count,
                    median_seconds: s(r.latency.median_ms),
                    ci95_seconds: ci,
                    p25_seconds: s(r.latency.p25_ms),
                    p75_seconds: s(r.latency.p75_ms),
                    reply_rate: r.reply_rate.estimate.filter(|_| rate_ok),
                    reply_rate_ci95: r.reply_rate.ci95.filter(|_| rate_ok).map(|(a, b)| [a, b]),
                    turns_received: r.reply_rate.n,
                    unanswered: r.unanswered,
                    null_reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
                },
            )
        })
        .collect();

    let bal = &b.balance;
    let bal_ok = two && c.count >= minimum::BALANCE_CONVERSATIONS;
    let bal_ci = bal.ci95.filter(|(lo, hi)| bal_ok && hi > lo);
    let balance = json::Balance {
        effort_balance_index: bal.ebi.filter(|_| bal_ok && bal_ci.is_some()),
        ci95: bal_ci.map(|(a, b)| [a, b]),
        band: bal
            .band
            .filter(|_| bal_ok && bal_ci.is_some())
            .map(|x| x.as_str().to_string()),
        conversations: c.count,
        null_reason: if !two {
            Some("a group chat has no effort balance: the method is about one other person".into())
        } else if let Some(x) =
            minimum::null_reason(c.count, minimum::BALANCE_CONVERSATIONS, "conversations")
        {
            Some(x)
        } else if bal.ebi.is_none() || bal_ci.is_none() {
            Some("not enough two-way data for an effort balance".into())
        } else {
            None
        },
        components: [
            ("openings", &bal.openings),
            ("words", &bal.words),
            ("questions", &bal.questions),
        ]
        .into_iter()
        .filter(|_| two)
        .map(|(k, s)| (k.to_string(), s.as_ref().and_then(|s| s.share)))
        .collect(),
    };

    let f = &a.forecast;
    let mut as_usual = BTreeMap::new();
    for (key, series) in [
        ("partner_first", &f.partner_first_by),
        ("you_first", &f.user_first_by),
    ] {
        let m: BTreeMap<String, f64> = series
            .iter()
            .filter_map(|(h, p)| Some((horizon(*h), (*p)?)))
            .collect();
        as_usual.insert(key.to_string(), m);
    }
    let forecast = json::Forecast {
        partner_reach_out_median_hours: f.median_hours,
        // An interval of zero width is never shown.
        ci95_hours: f.ci95_hours.filter(|(a, b)| b > a).map(|(a, b)| [a, b]),
        silences: f.silences as u64,
        partner_reach_outs: f.partner_reach_outs as u64,
        user_reach_outs: f.user_breaks as u64,
        censored_at_end: f.censored_at_end as u64,
        ci95_lower_hours: if f.ci95_hours.is_none() {
            f.ci95_lower_hours
        } else {
            None
        },
        null_reason: f.null_reason.clone().or_else(|| f.ci95_note.clone()),
        assumption: f.assumption.to_string(),
        // No chart for a null figure: the curve goes with the median.
        curve: if f.median_hours.is_some() || f.partner_reach_outs as u64 >= minimum::REACH_OUTS {
            thin_curve(
                f.curve.iter().map(|p| [p.hours, p.s, p.lo, p.hi]).collect(),
                400,
            )
        } else {
            Vec::new()
        },
        as_usual,
    };

    let last_event = b.msgs.last().map(|m| m.ts);
    let data_end_assumed =
        input.as_of_source != AsOfSource::AsOfFlag && last_event.is_some_and(|l| cfg.as_of > l);
    let stepback = a.stepback.as_ref().map(|s| {
        let reach_outs = s
            .reach_outs
            .iter()
            .map(|r| json::ReachOut {
                at: local(r.instant, cfg),
                hours_after_silence_start: r.hours_since_silence_start,
                line: line_of(r.event),
                signals: a
                    .signals
                    .iter()
                    .filter(|h| {
                        b.convs.get(r.conv).is_some_and(|conv| {
                            b.msgs
                                .get(conv.first..=conv.last)
                                .is_some_and(|ms| ms.iter().any(|m| m.event() == h.event))
                        }) && Some(h.who) == cfg.partner
                    })
                    .map(|h| h.signal.as_str().to_string())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect(),
                message: evidence(r.event),
            })
            .collect();
        let side = |f: &walkaway_analysis::stepback::SideFigures| json::SidePeriod {
            days: f.days,
            messages: f.messages,
            conversations_opened: f.openings,
            replies: f.replies,
            reply_median_seconds: f.reply_median_ms.map(|x| x / 1000.0),
            messages_per_week: f.messages_per_week(),
            openings_per_week: f.openings_per_week(),
        };
        let finite = |x: f64| x.is_finite().then_some(x);
        let mut sb = json::Stepback {
            date: s.date.to_string(),
            window_days: s.window_days,
            fast_reply_minutes: (s.fast_reply / 60_000) as u32,
            outcome: s.outcome.as_str().to_string(),
            compared_to_usual: s.compared_to_usual.map(|c| c.as_str().to_string()),
            first_reach_out_hours: s.first_reach_out_hours,
            breaches: s.breaches.len() as u64,
            breach_list: s
                .breaches
                .iter()
                .map(|br| json::Breach {
                    kind: br.kind.as_str().to_string(),
                    at: local(br.instant, cfg),
                    lines: br.events.iter().map(|&e| line_of(e)).collect(),
                    detail: breach_detail(br, input),
                    messages: br.events.iter().filter_map(|&e| evidence(e)).collect(),
                })
                .collect(),
            days_kept: s.days_kept,
            days_since_start: s.elapsed_hours / 24.0,
            window_elapsed: s.window_elapsed,
            data_end_assumed,
            partner_reach_outs: reach_outs,
            logrank_p: s.logrank.as_ref().map(|l| l.p),
            hazard_ratio: s.logrank.as_ref().map(|l| l.hazard_ratio).and_then(finite),
            reach_outs_before: s.before_reach_outs as u64,
            usual_median_hours: s.usual_median_hours,
            longest_usual_hours: s.longest_usual_hours,
            current_wait_hours: s.current_wait_hours,
            call_data: s.call_data,
            partner_calls_since: s.partner_calls_after,
            your_side: json::YourSide {
                before: side(&s.your_side.before),
                since: side(&s.your_side.after),
            },
            pursuit: s.pursuit.map(|p| json::Pursuit {
                window_count: p.window_count,
                window_days: p.window_days,
                baseline_count: p.baseline_count,
                baseline_days: p.baseline_days,
                rate_ratio: finite(p.rate_ratio),
                rate_ratio_lower95: finite(p.rate_ratio_lower95),
            }),
            explanation: Vec::new(),
            caveats: s.caveats.iter().map(|c| c.to_string()).collect(),
            instagram_accounts: input.instagram_accounts.to_vec(),
            instagram_activity_records: input.activity.len() as u64,
        };
        let them = cfg
            .partner
            .map(|p| name(p as usize))
            .unwrap_or_else(|| "the other person".into());
        sb.explanation = words::stepback_sentences(&sb, &them, &input_data_end(input, cfg));
        sb
    });

    let signals = a
        .signals
        .iter()
        .map(|h| json::SignalHit {
            signal: h.signal.as_str().to_string(),
            who: name(h.who as usize),
            at: local(h.ts, cfg),
            lang: h.lang.clone(),
            line: line_of(h.event),
            text: input.events.text_at(h.event).to_string(),
        })
        .collect();
    let warning_signs = json::WarningSigns {
        frequent: a.monitoring_frequent,
        messages: a
            .signals
            .iter()
            .filter(|h| {
                Some(h.who) == cfg.partner
                    && h.signal == walkaway_analysis::signals::Signal::Monitoring
            })
            .filter_map(|h| evidence(h.event))
            .collect(),
    };
    let calls = json::Calls {
        has_call_data: a.calls.has_data(),
        by: a
            .calls
            .by
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    name(i),
                    json::PersonCalls {
                        placed: p.placed,
                        answered: p.answered,
                        missed_or_declined: p.missed,
                        attempt_sequences: p.sequences,
                        first_call_answered: p.first_call_answered,
                    },
                )
            })
            .collect(),
    };

    let monthly = b
        .monthly
        .iter()
        .map(|m| {
            let share_ok = m.conversations >= minimum::SHARE;
            let ebi_ok = m.conversations >= minimum::BALANCE_CONVERSATIONS;
            let mut thin = !share_ok;
            let month = json::Month {
                month: format!("{:04}-{:02}", m.year, m.month),
                messages: by(&m.messages),
                conversations: m.conversations,
                opened_by: by(&m.openings),
                opening_share: if two && share_ok {
                    share(&m.opening_share)
                } else {
                    None
                },
                median_reply_seconds: m
                    .median_latency_ms
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let ok = m.replies.get(i).copied().unwrap_or(0) >= minimum::REPLIES;
                        thin |= !ok && v.is_some();
                        (name(i), v.filter(|_| ok).map(|x| x / 1000.0))
                    })
                    .collect(),
                reply_rate: m
                    .reply_rate
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (name(i), p.estimate.filter(|_| p.n >= minimum::SHARE)))
                    .collect(),
                words: by(&m.words),
                questions: by(&m.questions),
                double_texts: by(&m.double_texts),
                effort_balance_index: m.ebi.filter(|_| two && ebi_ok),
                null_reason: None,
            };
            json::Month {
                null_reason: thin.then(|| {
                    format!(
                        "too little data this month for some figures ({} conversation{})",
                        m.conversations,
                        if m.conversations == 1 { "" } else { "s" }
                    )
                }),
                ..month
            }
        })
        .collect();

    let w = &b.weekly;
    let weekly = (0..w.len())
        .map(|i| json::Week {
            week: w
                .week_start
                .get(i)
                .copied()
                .flatten()
                .map(|d| d.to_string())
                .unwrap_or_default(),
            messages: w.messages.get(i).copied().unwrap_or(0),
            your_openings: w.user_openings.get(i).copied().unwrap_or(0),
            openings: w.total_openings.get(i).copied().unwrap_or(0),
            partner_openings: w.partner_openings.get(i).copied().unwrap_or(0),
            partner_replies: w.partner_replies.get(i).copied().unwrap_or(0),
            partner_median_reply_seconds: w
                .partner_median_latency_ms
                .get(i)
                .copied()
                .filter(|x| x.is_finite())
                .map(|x| x / 1000.0),
        })
        .collect();

    let changes = a
        .changes
        .iter()
        .map(|ch| json::Change {
            series: ch.series.to_string(),
            week: ch.week.map(|d| d.to_string()).unwrap_or_default(),
            before: ch.change.before_level,
            after: ch.change.after_level,
        })
        .collect();

    let hour_of_week = b
        .hour_of_week
        .iter()
        .enumerate()
        .map(|(i, h)| (name(i), h.to_vec()))
        .collect();

    json::Report {
        schema_version: json::SCHEMA_VERSION,
        chat: json::Chat {
            kind: if two { "two_person" } else { "group" }.to_string(),
            id: input.chat_id.to_string(),
            title: input.title.to_string(),
            sources: input
                .sources
                .iter()
                .map(|s| s.as_str().to_string())
                .collect(),
        },
        me: name(cfg.me as usize),
        partner: cfg.partner.map(|p| name(p as usize)),
        participants: input.people.to_vec(),
        parameters: json::Parameters {
            tz: input.tz_name.to_string(),
            as_of: iso(cfg.as_of),
            as_of_source: input.as_of_source.as_str().to_string(),
            gap_seconds: c.gap / 1000,
            gap_choice: match c.gap_choice {
                GapChoice::Override => "override",
                GapChoice::Valley => "valley",
                GapChoice::DefaultTooFewGaps => "default_too_few_gaps",
                GapChoice::DefaultNoValley => "default_no_valley",
            }
            .to_string(),
            bootstrap_reps: bal.bootstrap_reps,
            seed: bal.seed,
            first_event: b.msgs.first().map(|m| local(m.ts, cfg)),
            last_event: b.msgs.last().map(|m| local(m.ts, cfg)),
        },
        messages,
        conversations,
        replies,
        balance,
        forecast,
        calls,
        stepback,
        signals,
        warning_signs,
        monthly,
        weekly,
        changes,
        hour_of_week,
        notes: input.notes.to_vec(),
        person: None,
        sources: Vec::new(),
        coverage: None,
    }
}

/// The data end as the report states it: the date and where it came from.
fn input_data_end(input: &Input<'_>, cfg: &Config) -> words::DataEnd {
    words::DataEnd {
        day: local(cfg.as_of.saturating_sub(1), cfg)
            .get(..10)
            .unwrap_or("")
            .to_string(),
        source: input.as_of_source,
        door: words::Door::CommandLine,
    }
}

/// One event as evidence: local time, who, the text (media and calls: a short description).
fn evidence(input: &Input<'_>, ev: usize) -> Option<json::Evidence> {
    let e = input.events.get(ev)?;
    let who = e
        .sender
        .and_then(|s| input.people.get(s as usize))
        .cloned()
        .unwrap_or_default();
    let text = input.events.text(e);
    let text = match e.kind {
        Kind::Text | Kind::Deleted if !text.is_empty() => text.to_string(),
        Kind::Deleted => "(deleted message)".to_string(),
        Kind::Media if !text.is_empty() => format!("(media) {text}"),
        Kind::Media => "(media)".to_string(),
        Kind::Voice => "(voice message)".to_string(),
        Kind::Call => "(call, picked up)".to_string(),
        Kind::MissedCall => "(missed call)".to_string(),
        _ => text.to_string(),
    };
    Some(json::Evidence {
        at: local(e.ts, input.cfg),
        who,
        text,
        line: e.line,
    })
}

fn horizon(h: f64) -> String {
    if h >= 24.0 && (h / 24.0).fract() == 0.0 && h > 72.0 {
        format!("{}d", (h / 24.0) as i64)
    } else {
        format!("{}h", h as i64)
    }
}

/// Keeps at most `max` curve steps (evenly spread, always the first and last) so a chat with
/// 10^5 silences does not produce a 10^5-point JSON curve.
fn thin_curve(points: Vec<[f64; 4]>, max: usize) -> Vec<[f64; 4]> {
    if points.len() <= max || max < 2 {
        return points;
    }
    let step = (points.len() - 1) as f64 / (max - 1) as f64;
    (0..max)
        .filter_map(|i| points.get((i as f64 * step).round() as usize).copied())
        .collect()
}

fn breach_detail(br: &walkaway_analysis::stepback::Breach, input: &Input<'_>) -> String {
    use walkaway_analysis::stepback::BreachKind;
    match br.kind {
        BreachKind::OpenedConversation => "you opened a conversation".to_string(),
        BreachKind::FastReply => match br.events.as_slice() {
            [theirs, yours, ..] => {
                let t = input.events.get(*theirs).map(|e| e.ts);
                let y = input.events.get(*yours).map(|e| e.ts);
                match (t, y) {
                    (Some(t), Some(y)) => {
                        format!("you replied after {}", fmt::human((y - t) as f64 / 1000.0))
                    }
                    _ => "you replied quickly".to_string(),
                }
            }
            _ => "you replied quickly".to_string(),
        },
        BreachKind::Call => "you called".to_string(),
        BreachKind::AnsweredFirstCall => {
            "you picked up the first call of their attempt".to_string()
        }
        BreachKind::LikedOrCommented => br
            .activity
            .and_then(|i| input.activity.get(i))
            .map(|x| {
                format!(
                    "you {} @{}",
                    match x.kind {
                        walkaway_model::ActivityKind::PostLike => "liked a post of",
                        walkaway_model::ActivityKind::StoryLike => "liked a story of",
                        walkaway_model::ActivityKind::CommentLike => "liked a comment of",
                        walkaway_model::ActivityKind::Comment => "commented on a post of",
                    },
                    x.target.as_deref().unwrap_or("?")
                )
            })
            .unwrap_or_else(|| "you liked or commented on their post".to_string()),
    }
}
