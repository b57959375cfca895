//! The step-back (walk-away) experiment: what the user did after declaring a date D, and
//! what the partner did, compared with the partner's own usual behaviour.
//!
//! The advice says "stop reaching out and he will come back". This module checks the plan
//! against the data (breaches: opening conversations, fast replies, calls, likes and comments
//! on the partner's posts), classifies what happened after D with the fixed vocabulary of
//! METRICS.md, and — the question the advice never asks — compares the partner's reach-out
//! times after D with his reach-out times before D, respecting censoring. It deliberately never
//! computes "he now opens X% of conversations": once the user stops opening, that share is
//! expected to be high and says nothing about change.

use crate::calls::Calls;
use crate::conversations::Conversation;
use crate::replies::Turn;
use crate::survival::{KmCurve, LogRank, Silence, SilenceEnd, kaplan_meier, log_rank, silences};
use crate::{DAY, HOUR, Millis, Msg, StepbackConfig};
use walkaway_model::{Activity, Event, PersonIdx};

/// Baseline period of the pursuit test: the partner's rate over this many days before D
/// (shortened to the start of the chat when the history is shorter).
pub const BASELINE_DAYS: i64 = 90;

/// Fewer partner reach-outs than this before D and the comparison is `insufficient_history`.
pub const MIN_BEFORE_REACH_OUTS: usize = 5;

/// Monitoring hits after D from which the outcome is `monitoring`.
pub const MONITORING_THRESHOLD: usize = 2;

/// Significance level of the log-rank comparison once the window has passed.
pub const ALPHA: f64 = 0.05;

/// Significance level of a difference called before the window ends. A user checks again and
/// again during a plan; at 0.05 per look, 26% of unchanged partners were called sooner or later
/// at one look or more between 6 hours and 10 days; at 0.01, 17.5%, keeping 67% of early
/// detections (`walkaway-sim validate`, docs/simulation.md).
pub const ALPHA_EARLY: f64 = 0.01;

/// Before the window is over, a difference is called only on at least this many partner
/// reach-outs since D (see [`Comparison::TooEarly`]).
pub const MIN_AFTER_REACH_OUTS: usize = 3;

/// Replies needed for a median reply time on "your side" (the order-statistic interval needs
/// 6 for 95% coverage: docs/metrics.md "Minimum data").
pub const MIN_SIDE_REPLIES: u64 = 6;

/// One before/after episode cannot prove cause.
pub const CAUSE_CAVEAT: &str = "one before/after episode cannot prove that stepping back caused \
anything: people's behaviour changes from week to week for reasons a chat does not show";

/// The trap: openings after D are not evidence of change.
pub const OPENING_TRAP_CAVEAT: &str = "once you stop opening conversations, the other person \
opening every conversation is expected; it is not, by itself, evidence that they changed. What \
counts is whether they reached out sooner or later than they usually did when you were quiet";

/// Supportive wording for monitoring messages.
pub const MONITORING_NOTE: &str = "messages asking where you are, who you are with or why you did \
not answer are a recognised warning sign of control, not a sign that you are missed; if they \
worry you, consider talking to someone you trust";

/// Everything the experiment reads. All slices are borrowed from the caller.
#[derive(Clone, Copy)]
pub struct StepbackInput<'a> {
    /// Messages of the chat (see [`crate::messages`]), sorted by time.
    pub msgs: &'a [Msg],
    /// Conversations built from `msgs`.
    pub convs: &'a [Conversation],
    /// Turns built from `msgs` and `convs`.
    pub turns: &'a [Turn],
    /// The chat's calls (see [`crate::calls::calls`]), up to the data end.
    pub calls: &'a Calls,
    /// All events of the chat (calls are read from here, with their sender).
    pub events: &'a [Event],
    pub me: PersonIdx,
    pub partner: PersonIdx,
    pub config: &'a StepbackConfig,
    /// Data end.
    pub as_of: Millis,
    /// The user's likes and comments on the partner's account(s), already filtered.
    pub activity: &'a [Activity],
    /// Event indices of partner messages carrying the MONITORING signal.
    pub monitoring_events: &'a [usize],
    /// Every signal hit `(event index, signal name)` for display.
    pub signal_hits: &'a [(usize, &'static str)],
}

/// What happened after D (first match wins, in declaration order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The data ends before D: nothing after the start can be seen, so no verdict of any kind.
    NoDataYet,
    PlanNotKept,
    Monitoring,
    PursuitIntensified,
    ReachedOut,
    RepliedOnly,
    NoContact,
    StillOpen,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::NoDataYet => "no_data_yet",
            Outcome::PlanNotKept => "plan_not_kept",
            Outcome::Monitoring => "monitoring",
            Outcome::PursuitIntensified => "pursuit_intensified",
            Outcome::ReachedOut => "reached_out",
            Outcome::RepliedOnly => "replied_only",
            Outcome::NoContact => "no_contact",
            Outcome::StillOpen => "still_open",
        }
    }
}

/// The partner's behaviour after D against his own behaviour before D.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Comparison {
    InsufficientHistory,
    /// Too little time has passed since D to tell either way: less than his usual median
    /// reach-out time, or the window not over and no clear difference yet (a difference needs
    /// [`MIN_AFTER_REACH_OUTS`] reach-outs, or a wait beyond every wait he showed before;
    /// "as usual" needs the whole window), or no reach-out of his since D to compare.
    TooEarly,
    Sooner,
    Later,
    AsUsual,
}

impl Comparison {
    pub fn as_str(self) -> &'static str {
        match self {
            Comparison::InsufficientHistory => "insufficient_history",
            Comparison::TooEarly => "too_early",
            Comparison::Sooner => "sooner",
            Comparison::Later => "later",
            Comparison::AsUsual => "as_usual",
        }
    }
}

/// Which rule of the plan was broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BreachKind {
    /// The user opened a conversation.
    OpenedConversation,
    /// The user replied faster than F.
    FastReply,
    /// The user placed a call (answered or missed).
    Call,
    /// The user picked up the first call of one of the partner's attempt sequences.
    AnsweredFirstCall,
    /// The user liked or commented on the partner's posts.
    LikedOrCommented,
}

impl BreachKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BreachKind::OpenedConversation => "opened_conversation",
            BreachKind::FastReply => "fast_reply",
            BreachKind::Call => "call",
            BreachKind::AnsweredFirstCall => "answered_first_call",
            BreachKind::LikedOrCommented => "liked_or_commented",
        }
    }
}

/// One breach of the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breach {
    pub kind: BreachKind,
    pub instant: Millis,
    /// Event indices involved (the user's message; for a fast reply, the partner's message
    /// first, then the user's reply; the call event). Empty for social-media activity.
    pub events: Vec<usize>,
    /// Index into `StepbackInput::activity` for likes and comments.
    pub activity: Option<usize>,
}

/// A conversation the partner opened after D.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReachOut {
    pub instant: Millis,
    /// Event index of the message that opened it.
    pub event: usize,
    /// Index of the conversation.
    pub conv: usize,
    /// Hours from the start of the silence it ended (the later of D and the end of the
    /// previous conversation).
    pub hours_since_silence_start: f64,
}

/// The exact conditional test of the partner's contact rate in the window against his baseline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateTest {
    /// Partner messages + calls in the window, and the window's length in days.
    pub window_count: u64,
    pub window_days: f64,
    /// Partner messages + calls in the baseline, and its length in days.
    pub baseline_count: u64,
    pub baseline_days: f64,
    /// Rate ratio window / baseline (infinite when the baseline count is 0).
    pub rate_ratio: f64,
    /// Lower end of the exact (Clopper–Pearson, conditional binomial) two-sided 95% interval.
    pub rate_ratio_lower95: f64,
    /// One-sided p-value for "the window rate is higher".
    pub p_higher: f64,
}

/// The result of the experiment.
#[derive(Clone, Debug, PartialEq)]
pub struct StepbackResult {
    pub date: jiff::civil::Date,
    pub start: Millis,
    pub window_days: u32,
    pub fast_reply: Millis,
    pub as_of: Millis,
    pub outcome: Outcome,
    /// None exactly when the outcome is [`Outcome::NoDataYet`].
    pub compared_to_usual: Option<Comparison>,
    /// Hours from D to the data end (0 when the data ends before D).
    pub elapsed_hours: f64,
    /// Whether the window W has passed by the data end.
    pub window_elapsed: bool,
    /// His usual median reach-out time before D (Kaplan–Meier, hours), when it is reached.
    pub usual_median_hours: Option<f64>,
    /// Whether the chat has call events, so that the calling rules could be checked.
    pub call_data: bool,
    /// The partner's calls after D (event indices), and his attempt sequences after D.
    pub partner_calls_after: u64,
    pub partner_call_sequences_after: u64,
    /// How your own availability changed (the method's "get busy").
    pub your_side: YourSide,
    /// Hours from D to the first conversation the partner opened after D.
    pub first_reach_out_hours: Option<f64>,
    /// Breaches in time order.
    pub breaches: Vec<Breach>,
    /// Days from D to the first breach (or to `as_of` when none); 0 when D is after `as_of`.
    pub days_kept: f64,
    pub reach_outs: Vec<ReachOut>,
    /// Silences before D (a silence spanning D is censored at D) and after D (starting at D).
    pub before: Vec<Silence>,
    pub after: Vec<Silence>,
    /// Partner reach-outs among the before-D silences.
    pub before_reach_outs: usize,
    /// His usual curve: Kaplan–Meier of the before-D silences (hours).
    pub usual_curve: KmCurve,
    /// Kaplan–Meier of the after-D silences (hours).
    pub after_curve: KmCurve,
    /// Log-rank test, group 1 = after D, group 2 = before D (hazard ratio > 1: sooner).
    pub logrank: Option<LogRank>,
    /// Longest reach-out time he showed before D, hours.
    pub longest_usual_hours: Option<f64>,
    /// The current wait (the silence still open at `as_of`, after D), hours.
    pub current_wait_hours: Option<f64>,
    pub pursuit: Option<RateTest>,
    /// Monitoring hits from the partner after D (event indices).
    pub monitoring_hits: Vec<usize>,
    /// All signal hits on partner messages after D, for display.
    pub signal_hits: Vec<(usize, &'static str)>,
    /// Fixed caveats, always shown (the opening trap only once he reached out).
    pub caveats: Vec<&'static str>,
}

/// The user's own figures over one period.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SideFigures {
    /// Length of the period in days.
    pub days: f64,
    pub messages: u64,
    /// Conversations the user opened.
    pub openings: u64,
    /// The user's replies (answered turns) and their median latency; the median is None
    /// below [`MIN_SIDE_REPLIES`].
    pub replies: u64,
    pub reply_median_ms: Option<f64>,
}

impl SideFigures {
    /// Messages per week, when the period is at least a week long.
    pub fn messages_per_week(&self) -> Option<f64> {
        (self.days >= 7.0).then(|| self.messages as f64 * 7.0 / self.days)
    }
    pub fn openings_per_week(&self) -> Option<f64> {
        (self.days >= 7.0).then(|| self.openings as f64 * 7.0 / self.days)
    }
}

/// The user's availability before D (the baseline period) and after D.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct YourSide {
    pub before: SideFigures,
    pub after: SideFigures,
}

/// Splits silences around `d`: before = silences starting before D (one spanning D is censored
/// at D); after = silences starting at or after D (a spanning one restarts at D).
pub fn split_silences(all: &[Silence], d: Millis) -> (Vec<Silence>, Vec<Silence>) {
    let mut before = Vec::new();
    let mut after = Vec::new();
    for s in all {
        if s.start < d {
            if s.end <= d {
                before.push(*s);
            } else {
                before.push(Silence {
                    end: d,
                    outcome: SilenceEnd::DataEnd,
                    conv_after: None,
                    ..*s
                });
                after.push(Silence { start: d, ..*s });
            }
        } else {
            after.push(*s);
        }
    }
    (before, after)
}

fn hours(ms: Millis) -> f64 {
    ms as f64 / HOUR as f64
}

/// ln P(X = k) for X ~ Binomial(n, p), 0 < p < 1.
fn ln_binom_pmf(k: u64, n: u64, p: f64) -> f64 {
    let (kf, nf) = (k as f64, n as f64);
    libm::lgamma(nf + 1.0) - libm::lgamma(kf + 1.0) - libm::lgamma(nf - kf + 1.0)
        + kf * p.ln()
        + (nf - kf) * (-p).ln_1p()
}

/// P(X >= x) for X ~ Binomial(n, p). (Candidate for stats.rs.)
fn binom_sf(x: u64, n: u64, p: f64) -> f64 {
    if x == 0 {
        return 1.0;
    }
    if x > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let terms: Vec<f64> = (x..=n).map(|k| ln_binom_pmf(k, n, p)).collect();
    let m = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !m.is_finite() {
        return 0.0;
    }
    (m + terms.iter().map(|t| (t - m).exp()).sum::<f64>().ln())
        .exp()
        .min(1.0)
}

/// Lower end of the two-sided 95% Clopper–Pearson interval for a binomial proportion x/n:
/// the p with P(X >= x; p) = 0.025, by bisection. (Candidate for stats.rs.)
fn clopper_pearson_lower95(x: u64, n: u64) -> f64 {
    if x == 0 || n == 0 {
        return 0.0;
    }
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if binom_sf(x, n, mid) < 0.025 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Exact conditional test of a Poisson rate ratio: given n = x1 + x0 events in exposures
/// t1 and t0, x1 ~ Binomial(n, t1·RR / (t1·RR + t0)).
pub fn rate_ratio_test(x1: u64, t1_days: f64, x0: u64, t0_days: f64) -> Option<RateTest> {
    if !(t1_days > 0.0 && t0_days > 0.0) {
        return None;
    }
    let n = x1 + x0;
    let rate_ratio = if x0 == 0 {
        if x1 == 0 { f64::NAN } else { f64::INFINITY }
    } else {
        (x1 as f64 / t1_days) / (x0 as f64 / t0_days)
    };
    let p_lo = clopper_pearson_lower95(x1, n);
    let lower = if p_lo >= 1.0 {
        f64::INFINITY
    } else {
        p_lo / (1.0 - p_lo) * t0_days / t1_days
    };
    let p0 = t1_days / (t1_days + t0_days);
    Some(RateTest {
        window_count: x1,
        window_days: t1_days,
        baseline_count: x0,
        baseline_days: t0_days,
        rate_ratio,
        rate_ratio_lower95: lower,
        p_higher: binom_sf(x1, n, p0),
    })
}

/// The user's figures over `[from, to)`.
fn side_figures(input: &StepbackInput<'_>, from: Millis, to: Millis) -> SideFigures {
    let me = input.me;
    let within = |ts: Millis| ts >= from && ts < to;
    let messages = input
        .msgs
        .iter()
        .filter(|m| m.who == me && within(m.ts))
        .count() as u64;
    let openings = input
        .convs
        .iter()
        .filter(|c| c.opener == me && within(c.start))
        .count() as u64;
    let mut lat: Vec<Millis> = input
        .turns
        .iter()
        .filter(|t| t.who == me)
        .filter_map(|t| {
            let l = t.latency()?;
            within(input.msgs.get(t.first())?.ts).then_some(l)
        })
        .collect();
    lat.sort_unstable();
    let replies = lat.len() as u64;
    SideFigures {
        days: to.saturating_sub(from).max(0) as f64 / DAY as f64,
        messages,
        openings,
        replies,
        reply_median_ms: if replies >= MIN_SIDE_REPLIES {
            crate::stats::quantile_sorted(&lat, 0.5)
        } else {
            None
        },
    }
}

/// Runs the experiment. The messages, conversations and calls must already stop at
/// `input.as_of` (see [`crate::full::analyze_full`]).
pub fn stepback(input: &StepbackInput<'_>) -> StepbackResult {
    stepback_in_coverage(input, &[])
}

/// [`stepback`] for a person merged across apps: silences that overlap a coverage gap (a period
/// where one of the person's sources has no data) are censored at the gap's start
/// ([`crate::survival::censor_in_gaps`]) before they are split at D, so they never count as his
/// reach-out times, before D or after.
pub fn stepback_in_coverage(
    input: &StepbackInput<'_>,
    gaps: &[(Millis, Millis)],
) -> StepbackResult {
    let cfg = input.config;
    let d = cfg.start;
    let as_of = input.as_of;
    let (me, partner) = (input.me, input.partner);
    let no_data_yet = as_of <= d;
    // Nothing is "after D" while the data ends at or before D.
    let in_after = |ts: Millis| !no_data_yet && ts >= d && ts <= as_of;
    let elapsed_ms = as_of.saturating_sub(d).max(0);

    // Silences, split at D.
    let mut all = silences(input.convs, me, Some(partner), as_of);
    crate::survival::censor_in_gaps(&mut all, gaps);
    let (before, after) = split_silences(&all, d);

    // Breaches.
    let mut breaches = Vec::new();
    for conv in input.convs.iter().filter(|c| in_after(c.start)) {
        if conv.opener == me {
            breaches.push(Breach {
                kind: BreachKind::OpenedConversation,
                instant: conv.start,
                events: input
                    .msgs
                    .get(conv.first)
                    .map(|m| vec![m.event()])
                    .unwrap_or_default(),
                activity: None,
            });
        }
    }
    for conv in input.convs {
        if conv.end < d || conv.start > as_of {
            continue;
        }
        let Some(run) = input.msgs.get(conv.first..=conv.last) else {
            continue;
        };
        for pair in run.windows(2) {
            if let [prev, cur] = pair
                && prev.who == partner
                && cur.who == me
                && in_after(cur.ts)
                && cur.ts.saturating_sub(prev.ts) < cfg.fast_reply
            {
                breaches.push(Breach {
                    kind: BreachKind::FastReply,
                    instant: cur.ts,
                    events: vec![prev.event(), cur.event()],
                    activity: None,
                });
            }
        }
    }
    let mut partner_call_sequences_after = 0u64;
    for seq in input.calls.sequences.iter().filter(|s| in_after(s.start)) {
        if seq.caller == me {
            for &i in &seq.calls {
                if let Some(e) = input.events.get(i) {
                    breaches.push(Breach {
                        kind: BreachKind::Call,
                        instant: e.ts,
                        events: vec![i],
                        activity: None,
                    });
                }
            }
        } else if seq.caller == partner {
            partner_call_sequences_after += 1;
            if seq.first_answered
                && let Some(&first) = seq.calls.first()
            {
                breaches.push(Breach {
                    kind: BreachKind::AnsweredFirstCall,
                    instant: seq.start,
                    events: vec![first],
                    activity: None,
                });
            }
        }
    }
    for (i, a) in input.activity.iter().enumerate() {
        if in_after(a.ts) {
            breaches.push(Breach {
                kind: BreachKind::LikedOrCommented,
                instant: a.ts,
                events: Vec::new(),
                activity: Some(i),
            });
        }
    }
    breaches.sort_by_key(|b| b.instant);
    let days_kept = match breaches.first() {
        Some(b) => b.instant.saturating_sub(d).max(0) as f64 / DAY as f64,
        None => elapsed_ms as f64 / DAY as f64,
    };

    // The partner's reach-outs after D.
    let reach_outs: Vec<ReachOut> = input
        .convs
        .iter()
        .enumerate()
        .filter(|(_, c)| c.opener == partner && in_after(c.start))
        .map(|(i, c)| {
            let silence_start = after
                .iter()
                .find(|s| s.conv_after == Some(i))
                .map_or(d, |s| s.start);
            ReachOut {
                instant: c.start,
                event: input.msgs.get(c.first).map_or(0, |m| m.event()),
                conv: i,
                hours_since_silence_start: hours(c.start.saturating_sub(silence_start)),
            }
        })
        .collect();
    let first_reach_out_hours = reach_outs
        .first()
        .map(|r| hours(r.instant.saturating_sub(d)));
    let first_user_open = breaches
        .iter()
        .find(|b| b.kind == BreachKind::OpenedConversation)
        .map(|b| b.instant);

    // Partner activity after D.
    let partner_event =
        |e: &Event| e.sender == Some(partner) && (e.kind.is_message() || e.kind.is_call());
    let partner_after = input
        .events
        .iter()
        .filter(|e| partner_event(e) && in_after(e.ts))
        .count();
    let partner_calls_after = input
        .events
        .iter()
        .filter(|e| e.sender == Some(partner) && e.kind.is_call() && in_after(e.ts))
        .count() as u64;
    let from_partner_after = |&idx: &usize| {
        input
            .events
            .get(idx)
            .is_some_and(|e| e.sender == Some(partner) && in_after(e.ts))
    };
    let mut monitoring_hits: Vec<usize> = input
        .monitoring_events
        .iter()
        .copied()
        .filter(from_partner_after)
        .collect();
    monitoring_hits.sort_unstable();
    monitoring_hits.dedup();
    let signal_hits: Vec<(usize, &'static str)> = input
        .signal_hits
        .iter()
        .copied()
        .filter(|(i, _)| from_partner_after(i))
        .collect();

    // Pursuit: partner messages + calls in the window against his baseline before D.
    let window_ms = (cfg.window_days as i64).saturating_mul(DAY);
    let window_end = d.saturating_add(window_ms.min(elapsed_ms));
    let first_ts = input
        .events
        .iter()
        .filter(|e| {
            e.ts <= as_of && (partner_event(e) || (e.sender == Some(me) && e.kind.is_message()))
        })
        .map(|e| e.ts)
        .min();
    let baseline_start = first_ts.map_or(d, |f| f.max(d.saturating_sub(BASELINE_DAYS * DAY)));
    let count_in = |from: Millis, to: Millis| {
        input
            .events
            .iter()
            .filter(|e| partner_event(e) && e.ts >= from && e.ts < to)
            .count() as u64
    };
    let pursuit = rate_ratio_test(
        count_in(d, window_end),
        window_end.saturating_sub(d) as f64 / DAY as f64,
        count_in(baseline_start, d),
        d.saturating_sub(baseline_start).max(0) as f64 / DAY as f64,
    );

    // Outcome, first match wins.
    let window_elapsed = elapsed_ms >= window_ms;
    let opened_before_reach_out =
        first_user_open.is_some_and(|u| reach_outs.first().is_none_or(|r| u < r.instant));
    let outcome = if no_data_yet {
        Outcome::NoDataYet
    } else if opened_before_reach_out {
        Outcome::PlanNotKept
    } else if monitoring_hits.len() >= MONITORING_THRESHOLD {
        Outcome::Monitoring
    } else if pursuit.is_some_and(|p| p.rate_ratio_lower95 > 1.0) {
        Outcome::PursuitIntensified
    } else if !reach_outs.is_empty() {
        Outcome::ReachedOut
    } else if partner_after > 0 {
        Outcome::RepliedOnly
    } else if window_elapsed {
        Outcome::NoContact
    } else {
        Outcome::StillOpen
    };

    // Compared to usual.
    let before_obs: Vec<(f64, bool)> = before.iter().map(Silence::observation).collect();
    let after_obs: Vec<(f64, bool)> = after.iter().map(Silence::observation).collect();
    let usual_curve = kaplan_meier(&before_obs);
    let after_curve = kaplan_meier(&after_obs);
    let before_reach_outs = before.iter().filter(|s| s.is_reach_out()).count();
    let after_reach_outs = after.iter().filter(|s| s.is_reach_out()).count();
    let logrank = log_rank(&after_obs, &before_obs);
    let longest_usual_hours = before
        .iter()
        .filter(|s| s.is_reach_out())
        .map(Silence::hours)
        .reduce(f64::max);
    let current_wait_hours = after
        .iter()
        .rev()
        .find(|s| s.outcome == SilenceEnd::DataEnd)
        .map(Silence::hours);
    let usual_median_hours = usual_curve.median();
    let elapsed_hours = hours(elapsed_ms);
    let significant = logrank.filter(|l| l.p < ALPHA);
    let waited_longer_than_ever = after_reach_outs == 0
        && matches!((current_wait_hours, longest_usual_hours), (Some(w), Some(m)) if w > m);
    // A difference may be called before the window ends (when the log-rank test finds one on
    // at least MIN_AFTER_REACH_OUTS reach-outs, or the wait already exceeds every usual one);
    // "as usual" only once the window has passed.
    let early_difference =
        logrank.filter(|l| l.p < ALPHA_EARLY && after_reach_outs >= MIN_AFTER_REACH_OUTS);
    let by_direction = |l: LogRank| {
        if l.hazard_ratio > 1.0 {
            Comparison::Sooner
        } else {
            Comparison::Later
        }
    };
    let compared_to_usual = if no_data_yet {
        None
    } else if before_reach_outs < MIN_BEFORE_REACH_OUTS {
        Some(Comparison::InsufficientHistory)
    } else if usual_median_hours.is_some_and(|m| elapsed_hours < m) {
        Some(Comparison::TooEarly)
    } else if waited_longer_than_ever {
        Some(Comparison::Later)
    } else if let Some(l) = early_difference {
        Some(by_direction(l))
    } else if !window_elapsed {
        Some(Comparison::TooEarly)
    } else if let Some(l) = significant {
        Some(by_direction(l))
    } else if after_reach_outs == 0 {
        // He has not written first since D, and no wait of his exceeds his usual ones (or you
        // broke every silence): nothing to compare yet, whatever the calendar says.
        Some(Comparison::TooEarly)
    } else {
        Some(Comparison::AsUsual)
    };

    let your_side = YourSide {
        before: side_figures(input, baseline_start, d),
        after: if no_data_yet {
            SideFigures::default()
        } else {
            side_figures(input, d, as_of.saturating_add(1))
        },
    };
    let mut caveats = vec![CAUSE_CAVEAT];
    // Any mention of his openings after D is paired with the trap caveat.
    if !reach_outs.is_empty() {
        caveats.push(OPENING_TRAP_CAVEAT);
    }

    StepbackResult {
        date: cfg.date,
        start: d,
        window_days: cfg.window_days,
        fast_reply: cfg.fast_reply,
        as_of,
        outcome,
        compared_to_usual,
        elapsed_hours,
        window_elapsed,
        usual_median_hours,
        call_data: input.calls.has_data(),
        partner_calls_after,
        partner_call_sequences_after,
        your_side,
        first_reach_out_hours,
        breaches,
        days_kept,
        reach_outs,
        before,
        after,
        before_reach_outs,
        usual_curve,
        after_curve,
        logrank,
        longest_usual_hours,
        current_wait_hours,
        pursuit,
        monitoring_hits,
        signal_hits,
        caveats,
    }
}
