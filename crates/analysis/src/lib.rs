//! Pure, deterministic metrics of one chat.
//!
//! Everything here is a function of `(events, Config)`: no clock, no I/O, no global state,
//! and a fixed RNG seed for every resampling step, so the same input always gives the same
//! numbers. The definitions follow `docs/metrics.md` (and the product's METRICS.md).
//!
//! The pipeline inside one [`analyze`] call:
//! events -> [`messages`] (METRICS.md messages only) -> [`conversations`] (adaptive gap G)
//! -> replies, balance, series, silences/forecast, step-back, signals, change points.
//!
//! [`analyze`] does not assume the events are sorted: messages are sorted by instant (stably,
//! so ties keep file order) and [`Msg::event`] still points at the original event.
#![forbid(unsafe_code)]

pub mod balance;
pub mod calls;
pub mod changepoint;
pub mod conversations;
pub mod full;
pub mod merge;
pub mod minimum;
pub mod replies;
pub mod rng;
pub mod series;
pub mod signals;
pub mod stats;
pub mod stepback;
pub mod survival;

use walkaway_model::{Event, Events, Kind, Millis, PersonIdx};

use crate::balance::{Balance, ConvEffort, PersonEffort};
use crate::conversations::{Conversation, GapChoice, OpenKind};
use crate::replies::{PersonReplies, Turn};
use crate::series::{LocalClock, Month, Weekly};
use crate::stats::Proportion;

pub const SECOND: Millis = 1_000;
pub const MINUTE: Millis = 60 * SECOND;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;

/// A message (METRICS.md sense: text, media, voice, deleted) reduced to what metrics need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// 16 bytes: a chat of a million messages keeps a million of these; the text and the kind
/// stay in the [`Events`] (`events.text_at(m.event())`).
pub struct Msg {
    pub ts: Millis,
    /// Index of the originating event in the analysed [`Events`] (see [`Msg::event`]).
    pub event_idx: u32,
    pub who: PersonIdx,
}

impl Msg {
    /// Index of the originating event in the analysed [`Events`] (evidence links, text).
    pub fn event(&self) -> usize {
        self.event_idx as usize
    }
}

/// The messages of `events`, in order: system events, calls and reactions are left out,
/// and so is any event without a sender.
pub fn messages(events: &[Event]) -> Vec<Msg> {
    events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind.is_message())
        .filter_map(|(i, e)| {
            Some(Msg {
                ts: e.ts,
                // Events beyond 2^32 cannot be held in memory.
                event_idx: u32::try_from(i).ok()?,
                who: e.sender?,
            })
        })
        .collect()
}

/// Parameters of one analysis. Everything that could vary between runs is injected here.
#[derive(Clone, Debug)]
pub struct Config {
    /// The user.
    pub me: PersonIdx,
    /// The other person in a two-person chat (None in groups: per-person figures only).
    pub partner: Option<PersonIdx>,
    /// Zone for calendar buckets (months, weeks, hour of week) and step-back dates.
    pub tz: jiff::tz::TimeZone,
    /// Conversation gap override in milliseconds (`--gap`); None = adaptive (METRICS.md).
    pub gap: Option<Millis>,
    /// Data end: silences still open at this instant are censored here.
    pub as_of: Millis,
    /// Seed for every bootstrap.
    pub seed: u64,
    /// Bootstrap replicates.
    pub bootstrap_reps: u32,
    /// The declared step-back, if any.
    pub stepback: Option<StepbackConfig>,
    /// Extra signal patterns from the user's config file.
    pub extra_signal_patterns: Vec<signals::UserPattern>,
    /// Periods `[start, end)` where one of a merged person's sources has no data
    /// ([`merge::coverage_gaps`]): silences overlapping them are censored at the gap's start
    /// ([`survival::censor_in_gaps`]). Empty for one chat.
    pub coverage_gaps: Vec<(Millis, Millis)>,
}

impl Config {
    /// Defaults for everything except who is who and the data end.
    pub fn new(me: PersonIdx, partner: Option<PersonIdx>, as_of: Millis) -> Config {
        Config {
            me,
            partner,
            tz: jiff::tz::TimeZone::UTC,
            gap: None,
            as_of,
            seed: 0x5741_4c4b_4157_4159, // "WALKAWAY"
            bootstrap_reps: 1000,
            stepback: None,
            extra_signal_patterns: Vec::new(),
            coverage_gaps: Vec::new(),
        }
    }
}

/// A declared step-back (the walk-away experiment).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepbackConfig {
    /// Start instant D: local midnight of the declared date in `Config::tz`.
    pub start: Millis,
    /// The declared date, as the user wrote it (YYYY-MM-DD), for reports.
    pub date: jiff::civil::Date,
    /// Window W in days (default 14).
    pub window_days: u32,
    /// The fast-reply rule F in milliseconds (default 30 min).
    pub fast_reply: Millis,
}

/// Message totals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageTotals {
    pub total: u64,
    /// Indexed by person.
    pub by: Vec<u64>,
}

/// How many openings of each kind a person made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenKindCounts {
    pub first: u64,
    pub new_contact: u64,
    pub follow_up: u64,
    pub possible_late_reply: u64,
}

impl OpenKindCounts {
    fn add(&mut self, k: OpenKind) {
        match k {
            OpenKind::First => self.first += 1,
            OpenKind::NewContact => self.new_contact += 1,
            OpenKind::FollowUp => self.follow_up += 1,
            OpenKind::PossibleLateReply => self.possible_late_reply += 1,
        }
    }
}

/// Conversation figures.
#[derive(Clone, Debug, PartialEq)]
pub struct ConversationSummary {
    /// The gap G in milliseconds and how it was chosen.
    pub gap: Millis,
    pub gap_choice: GapChoice,
    pub count: u64,
    /// Indexed by person.
    pub opened_by: Vec<u64>,
    pub closed_by: Vec<u64>,
    /// Opening kinds by opener, indexed by person.
    pub open_kinds: Vec<OpenKindCounts>,
    /// User openings / all openings, Wilson 95%.
    pub opening_share: Proportion,
    /// The same with "possible late reply" openings left out of both counts.
    pub opening_share_excluding_late: Proportion,
}

/// Everything [`analyze`] computes about one chat. Per-person vectors are indexed by
/// [`PersonIdx`] and have length `n_people`.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub me: PersonIdx,
    pub partner: Option<PersonIdx>,
    pub n_people: usize,
    /// The messages, sorted by instant (ties in file order); `Msg::event` indexes the events
    /// given to [`analyze`].
    pub msgs: Vec<Msg>,
    /// Conversations over `msgs` (indices into `msgs`).
    pub convs: Vec<Conversation>,
    /// Turns over `msgs` (indices into `msgs` and `convs`).
    pub turns: Vec<Turn>,
    pub messages: MessageTotals,
    pub conversations: ConversationSummary,
    pub replies: Vec<PersonReplies>,
    pub balance: Balance,
    /// Calendar months in `Config::tz`, dense from the first message's month to the last's.
    pub monthly: Vec<Month>,
    /// ISO weeks in `Config::tz`, dense.
    pub weekly: Weekly,
    /// Messages by hour of week (Monday 00h = 0 ... Sunday 23h = 167) per person, in `Config::tz`.
    pub hour_of_week: Vec<[u64; 168]>,
    // Forecast, step-back, signals and change points are added below by their modules'
    // owners (as `Option<...>` fields filled in `analyze`).
}

/// Series reach back at most this many days before the last message (100 years), so a bogus
/// timestamp cannot make them huge; totals still count every message.
pub const MAX_SERIES_DAYS: i64 = 36_525;

/// The messages of `events` up to the data end `as_of` (inclusive) sorted by instant (stable),
/// senders outside `0..n_people` dropped. Nothing after the data end is analysed: `--as-of`
/// cuts every figure.
pub fn sorted_messages(events: &[Event], n_people: usize, as_of: Millis) -> Vec<Msg> {
    let mut msgs: Vec<Msg> = messages(events)
        .into_iter()
        .filter(|m| (m.who as usize) < n_people && m.ts <= as_of)
        .collect();
    if !msgs.windows(2).all(|w| matches!(w, [a, b] if a.ts <= b.ts)) {
        msgs.sort_by_key(|m| m.ts);
    }
    msgs
}

/// Per-message figures the effort metrics need (text messages only). 8 bytes: a chat of a
/// million messages keeps a million of these.
#[derive(Clone, Copy, Debug, Default)]
struct Facts {
    words: u32,
    /// Saturates at 65,535 emoji in one message.
    emoji: u16,
    question: bool,
    /// A within-conversation double text (see [`balance::PersonEffort::within_double_texts`]).
    double_text: bool,
}

/// Analyses one chat. `people` names the participants (`Event::sender` indexes it); senders
/// beyond it (and beyond `cfg.me`/`cfg.partner`) are not participants and are left out.
pub fn analyze(events: &Events, people: &[String], cfg: &Config) -> Analysis {
    let n_people = analysed_people(people, cfg);
    analyze_sorted(
        sorted_messages(events, n_people, cfg.as_of),
        events,
        n_people,
        cfg,
    )
}

/// The number of people an analysis indexes: the named participants, and the user and the
/// partner even if they sent nothing.
pub fn analysed_people(people: &[String], cfg: &Config) -> usize {
    people
        .len()
        .max(cfg.me as usize + 1)
        .max(cfg.partner.map_or(0, |p| p as usize + 1))
}

/// [`analyze`] from the messages [`sorted_messages`] gives for `n_people` (see
/// [`analysed_people`]), so that a caller running other scans on them sorts them only once.
pub fn analyze_sorted(msgs: Vec<Msg>, events: &Events, n_people: usize, cfg: &Config) -> Analysis {
    let mut a = analyze_borrowed(&msgs, events, n_people, cfg);
    a.msgs = msgs;
    a
}

/// [`analyze_sorted`] on borrowed messages, so that other scans can read them at the same
/// time; the result's `msgs` is left empty for the caller to fill with the same messages.
pub(crate) fn analyze_borrowed(
    msgs: &[Msg],
    events: &Events,
    n_people: usize,
    cfg: &Config,
) -> Analysis {
    let (gap, gap_choice) = match cfg.gap {
        Some(g) => (g.max(0), GapChoice::Override),
        None => conversations::choose_gap(msgs),
    };
    let convs = conversations::segment(msgs, events, gap);
    let turns = replies::turns(msgs, &convs, gap, cfg.as_of);
    let replies = replies::per_person(&turns, n_people, replies::timestamp_resolution(msgs));
    let mut facts = message_facts(msgs, events);
    mark_double_texts(msgs, &convs, &mut facts);

    let mut by = vec![0u64; n_people];
    let mut effort = vec![PersonEffort::default(); n_people];
    for (m, f) in msgs.iter().zip(&facts) {
        if let (Some(c), Some(e)) = (by.get_mut(m.who as usize), effort.get_mut(m.who as usize)) {
            *c += 1;
            e.words += u64::from(f.words);
            e.emoji += u64::from(f.emoji);
            e.questions += u64::from(f.question);
            e.within_double_texts += u64::from(f.double_text);
        }
    }
    let conversations = summarize_conversations(&convs, n_people, cfg.me, gap, gap_choice);
    for (e, k) in effort.iter_mut().zip(&conversations.open_kinds) {
        e.follow_ups = k.follow_up;
    }
    let balance = effort_balance(msgs, &convs, &facts, effort, cfg);
    let mut clock = LocalClock::new(cfg.tz.clone());
    let mut hour_of_week = vec![[0u64; 168]; n_people];
    let local: Vec<i32> = msgs
        .iter()
        .map(|m| {
            let (d, t) = clock.local_day(m.ts);
            if let Some(h) = hour_of_week.get_mut(m.who as usize)
                && let Some(c) = h.get_mut(series::hour_of_week(d, t))
            {
                *c += 1;
            }
            // Day numbers of instants jiff can represent fit in 32 bits.
            d.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
        })
        .collect();
    let ctx = SeriesInput {
        msgs,
        convs: &convs,
        turns: &turns,
        facts: &facts,
        local: &local,
        n_people,
        cfg,
    };
    let monthly = monthly(&ctx);
    let weekly = weekly(&ctx);
    Analysis {
        me: cfg.me,
        partner: cfg.partner,
        n_people,
        messages: MessageTotals {
            total: msgs.len() as u64,
            by,
        },
        msgs: Vec::new(),
        convs,
        turns,
        conversations,
        replies,
        balance,
        monthly,
        weekly,
        hour_of_week,
    }
}

/// Words, emoji and questions of each message (text messages only). Large chats are split
/// over the available cores: word segmentation dominates the cost of an analysis.
fn message_facts(msgs: &[Msg], events: &Events) -> Vec<Facts> {
    let one = |m: &Msg| {
        if let Some(e) = events.get(m.event())
            && e.kind == Kind::Text
        {
            let (words, emoji, question) = balance::text_facts(events.text(e));
            Facts {
                words,
                emoji: u16::try_from(emoji).unwrap_or(u16::MAX),
                question,
                double_text: false,
            }
        } else {
            Facts::default()
        }
    };
    let workers = if msgs.len() >= 50_000 {
        std::thread::available_parallelism().map_or(1, |w| w.get().min(8))
    } else {
        1
    };
    let mut out = vec![Facts::default(); msgs.len()];
    let chunk = msgs.len().div_ceil(workers).max(1);
    // Each worker fills its own part of the result in place: no per-worker copies.
    std::thread::scope(|s| {
        for (part, dst) in msgs.chunks(chunk).zip(out.chunks_mut(chunk)) {
            let mut fill = move || {
                for (m, f) in part.iter().zip(dst.iter_mut()) {
                    *f = one(m);
                }
            };
            if workers <= 1 {
                fill();
            } else {
                s.spawn(fill);
            }
        }
    });
    out
}

/// Marks within-conversation double texts: a message sent more than
/// [`balance::DOUBLE_TEXT_PAUSE`] after the same person's previous message of the same
/// conversation, nobody having written in between.
fn mark_double_texts(msgs: &[Msg], convs: &[Conversation], facts: &mut [Facts]) {
    for c in convs {
        for i in c.first + 1..=c.last {
            if let (Some(a), Some(b)) = (msgs.get(i - 1), msgs.get(i))
                && a.who == b.who
                && b.ts.saturating_sub(a.ts) > balance::DOUBLE_TEXT_PAUSE
                && let Some(f) = facts.get_mut(i)
            {
                f.double_text = true;
            }
        }
    }
}

fn summarize_conversations(
    convs: &[Conversation],
    n_people: usize,
    me: PersonIdx,
    gap: Millis,
    gap_choice: GapChoice,
) -> ConversationSummary {
    let mut opened_by = vec![0u64; n_people];
    let mut closed_by = vec![0u64; n_people];
    let mut open_kinds = vec![OpenKindCounts::default(); n_people];
    let (mut mine, mut mine_nl, mut all_nl) = (0u64, 0u64, 0u64);
    for c in convs {
        if let (Some(o), Some(k)) = (
            opened_by.get_mut(c.opener as usize),
            open_kinds.get_mut(c.opener as usize),
        ) {
            *o += 1;
            k.add(c.open_kind);
        }
        if let Some(x) = closed_by.get_mut(c.closer as usize) {
            *x += 1;
        }
        let late = c.open_kind == OpenKind::PossibleLateReply;
        mine += u64::from(c.opener == me);
        all_nl += u64::from(!late);
        mine_nl += u64::from(!late && c.opener == me);
    }
    let count = convs.len() as u64;
    ConversationSummary {
        gap,
        gap_choice,
        count,
        opened_by,
        closed_by,
        open_kinds,
        opening_share: Proportion::new(mine, count),
        opening_share_excluding_late: Proportion::new(mine_nl, all_nl),
    }
}

/// The effort of the user and the partner in each conversation.
fn conv_efforts(
    msgs: &[Msg],
    convs: &[Conversation],
    facts: &[Facts],
    me: PersonIdx,
    partner: PersonIdx,
) -> Vec<ConvEffort> {
    convs
        .iter()
        .map(|c| {
            let mut e = ConvEffort {
                user_open: u32::from(c.opener == me),
                partner_open: u32::from(c.opener == partner),
                ..ConvEffort::default()
            };
            let ms = msgs.get(c.first..=c.last).unwrap_or(&[]);
            let fs = facts.get(c.first..=c.last).unwrap_or(&[]);
            for (m, f) in ms.iter().zip(fs) {
                if m.who == me {
                    e.user_words = e.user_words.saturating_add(f.words);
                    e.user_questions = e.user_questions.saturating_add(u32::from(f.question));
                } else if m.who == partner {
                    e.partner_words = e.partner_words.saturating_add(f.words);
                    e.partner_questions = e.partner_questions.saturating_add(u32::from(f.question));
                }
            }
            e
        })
        .collect()
}

fn effort_balance(
    msgs: &[Msg],
    convs: &[Conversation],
    facts: &[Facts],
    per_person: Vec<PersonEffort>,
    cfg: &Config,
) -> Balance {
    let mut b = Balance {
        per_person,
        openings: None,
        words: None,
        questions: None,
        ebi: None,
        ci95: None,
        band: None,
        bootstrap_reps: cfg.bootstrap_reps,
        seed: cfg.seed,
    };
    let Some(partner) = cfg.partner.filter(|p| *p != cfg.me) else {
        return b;
    };
    let blocks = conv_efforts(msgs, convs, facts, cfg.me, partner);
    let totals = balance::EffortTotals::of(&blocks);
    let [o, w, q] = totals.shares();
    b.openings = Some(o);
    b.words = Some(w);
    b.questions = Some(q);
    b.ebi = totals.ebi();
    b.band = b.ebi.map(balance::Band::of);
    if let Some(point) = b.ebi {
        // The percentile interval undercovers on few conversations; stretched by the
        // small-sample factor it reaches nominal coverage from about 50 (docs/simulation.md).
        b.ci95 = balance::bootstrap_ebi(&blocks, cfg.bootstrap_reps, cfg.seed)
            .map(|ci| balance::widen_small_sample(point, ci, blocks.len()));
    }
    b
}

/// What the series builders read.
struct SeriesInput<'s> {
    msgs: &'s [Msg],
    convs: &'s [Conversation],
    turns: &'s [Turn],
    facts: &'s [Facts],
    /// Local day (days since 1970-01-01 in `Config::tz`) of each message.
    local: &'s [i32],
    n_people: usize,
    cfg: &'s Config,
}

impl SeriesInput<'_> {
    /// First and last local day covered by the series.
    fn day_range(&self) -> Option<(i64, i64)> {
        let last = i64::from(*self.local.last()?);
        let first = i64::from(*self.local.first()?).max(last - MAX_SERIES_DAYS);
        Some((first, last))
    }

    fn day(&self, msg: usize) -> Option<i64> {
        self.local.get(msg).map(|&d| i64::from(d))
    }

    fn is_partner(&self, p: PersonIdx) -> bool {
        match self.cfg.partner {
            Some(q) => p == q,
            None => p != self.cfg.me,
        }
    }
}

/// Latencies grouped by the bucket (month, week) they fall in, kept in arrival order: the
/// values (8 bytes each: a large chat has hundreds of thousands) and the runs of equal buckets.
#[derive(Clone, Debug, Default)]
struct Buckets {
    values: Vec<Millis>,
    /// (bucket, number of values) of consecutive values in the same bucket.
    runs: Vec<(usize, usize)>,
}

impl Buckets {
    fn push(&mut self, bucket: usize, value: Millis) {
        self.values.push(value);
        match self.runs.last_mut() {
            Some((b, n)) if *b == bucket => *n += 1,
            _ => self.runs.push((bucket, 1)),
        }
    }

    /// The median of each bucket's values into `out[bucket]`. Values arrive in time order, so a
    /// bucket is usually one run; a bucket met again later (a local day going back at a DST
    /// change) has its runs merged.
    fn medians(&mut self, out: &mut [Option<f64>]) {
        let mut starts = Vec::with_capacity(self.runs.len());
        let mut at = 0;
        for &(_, n) in &self.runs {
            starts.push(at);
            at += n;
        }
        let mut order: Vec<usize> = (0..self.runs.len()).collect();
        order.sort_by_key(|&i| self.runs.get(i).map_or(0, |r| r.0));
        for group in
            order.chunk_by(|a, b| self.runs.get(*a).map(|r| r.0) == self.runs.get(*b).map(|r| r.0))
        {
            let Some(&(bucket, _)) = group.first().and_then(|&i| self.runs.get(i)) else {
                continue;
            };
            let range = |i: usize| {
                let s = starts.get(i).copied().unwrap_or(0);
                s..s + self.runs.get(i).map_or(0, |r| r.1)
            };
            let median = match group {
                [one] => self.values.get_mut(range(*one)).and_then(|v| {
                    v.sort_unstable();
                    stats::quantile_sorted(v, 0.5)
                }),
                _ => {
                    let mut v: Vec<Millis> = group
                        .iter()
                        .flat_map(|&i| self.values.get(range(i)).unwrap_or(&[]).iter().copied())
                        .collect();
                    v.sort_unstable();
                    stats::quantile_sorted(&v, 0.5)
                }
            };
            if let Some(slot) = out.get_mut(bucket) {
                *slot = median;
            }
        }
    }
}

fn monthly(x: &SeriesInput<'_>) -> Vec<Month> {
    let Some((first_day, last_day)) = x.day_range() else {
        return Vec::new();
    };
    let m0 = series::month_index(first_day);
    let nm = (series::month_index(last_day) - m0 + 1).max(0) as usize;
    let np = x.n_people;
    let bucket = |day: i64| -> Option<usize> {
        if day < first_day {
            return None;
        }
        usize::try_from(series::month_index(day) - m0)
            .ok()
            .filter(|i| *i < nm)
    };
    let mut months: Vec<Month> = (0..nm)
        .map(|i| {
            let mi = m0 + i as i64;
            Month {
                year: mi.div_euclid(12),
                month: (mi.rem_euclid(12) + 1) as u8,
                messages: vec![0; np],
                conversations: 0,
                openings: vec![0; np],
                opening_share: Proportion::new(0, 0),
                median_latency_ms: vec![None; np],
                replies: vec![0; np],
                reply_rate: Vec::new(),
                words: vec![0; np],
                questions: vec![0; np],
                double_texts: vec![0; np],
                ebi: None,
            }
        })
        .collect();
    for (i, (m, f)) in x.msgs.iter().zip(x.facts).enumerate() {
        let Some(b) = x.day(i).and_then(bucket) else {
            continue;
        };
        let Some(mo) = months.get_mut(b) else {
            continue;
        };
        let p = m.who as usize;
        if let Some(c) = mo.messages.get_mut(p) {
            *c += 1;
        }
        if let Some(c) = mo.words.get_mut(p) {
            *c += u64::from(f.words);
        }
        if let Some(c) = mo.questions.get_mut(p) {
            *c += u64::from(f.question);
        }
        if f.double_text
            && let Some(c) = mo.double_texts.get_mut(p)
        {
            *c += 1;
        }
    }
    for c in x.convs {
        let Some(mo) = x
            .day(c.first)
            .and_then(bucket)
            .and_then(|b| months.get_mut(b))
        else {
            continue;
        };
        mo.conversations += 1;
        if let Some(o) = mo.openings.get_mut(c.opener as usize) {
            *o += 1;
        }
        if c.open_kind == OpenKind::FollowUp
            && let Some(d) = mo.double_texts.get_mut(c.opener as usize)
        {
            *d += 1;
        }
    }
    // Replies and reply rates.
    let mut lat: Vec<Buckets> = vec![Buckets::default(); np];
    let mut received_total = vec![0u64; nm];
    let mut own_settled = vec![vec![0u64; np]; nm];
    for t in x.turns {
        if let Some(l) = t.latency()
            && let Some(b) = x.day(t.first()).and_then(bucket)
        {
            if let Some(v) = lat.get_mut(t.who as usize) {
                v.push(b, l);
            }
            if let Some(c) = months
                .get_mut(b)
                .and_then(|mo| mo.replies.get_mut(t.who as usize))
            {
                *c += 1;
            }
        }
        if !t.pending()
            && let Some(b) = x.day(t.last()).and_then(bucket)
        {
            if let Some(r) = received_total.get_mut(b) {
                *r += 1;
            }
            if let Some(o) = own_settled
                .get_mut(b)
                .and_then(|v| v.get_mut(t.who as usize))
            {
                *o += 1;
            }
        }
    }
    // Answers are counted in the month of the turn they answer.
    let mut answered = vec![vec![0u64; np]; nm];
    for w in x.turns.windows(2) {
        if let [a, b] = w
            // b answers a exactly when it does not open a conversation.
            && b.latency().is_some()
            && let Some(mb) = x.day(a.last()).and_then(bucket)
            && let Some(c) = answered.get_mut(mb).and_then(|v| v.get_mut(b.who as usize))
        {
            *c += 1;
        }
    }
    let mut medians = vec![None; nm];
    for p in 0..np {
        medians.iter_mut().for_each(|m| *m = None);
        if let Some(v) = lat.get_mut(p) {
            v.medians(&mut medians);
        }
        for (mo, med) in months.iter_mut().zip(&medians) {
            if let Some(slot) = mo.median_latency_ms.get_mut(p) {
                *slot = *med;
            }
        }
    }
    let me = x.cfg.me as usize;
    for (i, mo) in months.iter_mut().enumerate() {
        let total = received_total.get(i).copied().unwrap_or(0);
        mo.reply_rate = (0..np)
            .map(|p| {
                let own = own_settled
                    .get(i)
                    .and_then(|v| v.get(p))
                    .copied()
                    .unwrap_or(0);
                let ans = answered.get(i).and_then(|v| v.get(p)).copied().unwrap_or(0);
                Proportion::new(ans, total.saturating_sub(own))
            })
            .collect();
        let mine = mo.openings.get(me).copied().unwrap_or(0);
        mo.opening_share = Proportion::new(mine, mo.conversations);
        if let Some(q) = x.cfg.partner.filter(|q| *q != x.cfg.me) {
            let q = q as usize;
            let get = |v: &Vec<u64>, p: usize| v.get(p).copied().unwrap_or(0);
            mo.ebi = balance::ebi(&[
                balance::Share::new(get(&mo.openings, me), get(&mo.openings, q)).share,
                balance::Share::new(get(&mo.words, me), get(&mo.words, q)).share,
                balance::Share::new(get(&mo.questions, me), get(&mo.questions, q)).share,
            ]);
        }
    }
    months
}

fn weekly(x: &SeriesInput<'_>) -> Weekly {
    let Some((first_day, last_day)) = x.day_range() else {
        return Weekly::default();
    };
    let monday = |d: i64| d - series::weekday_mon0(d);
    let w0 = monday(first_day);
    let nw = ((monday(last_day) - w0) / 7 + 1).max(0) as usize;
    let bucket = |day: i64| -> Option<usize> {
        if day < first_day {
            return None;
        }
        usize::try_from((monday(day) - w0) / 7)
            .ok()
            .filter(|i| *i < nw)
    };
    let mut w = Weekly {
        week_start: (0..nw)
            .map(|i| series::date_of_days(w0 + 7 * i as i64))
            .collect(),
        user_openings: vec![0; nw],
        total_openings: vec![0; nw],
        partner_openings: vec![0; nw],
        messages: vec![0; nw],
        partner_replies: vec![0; nw],
        partner_median_latency_ms: vec![f64::NAN; nw],
    };
    for (i, _) in x.msgs.iter().enumerate() {
        if let Some(c) = x
            .day(i)
            .and_then(bucket)
            .and_then(|b| w.messages.get_mut(b))
        {
            *c += 1;
        }
    }
    for c in x.convs {
        let Some(b) = x.day(c.first).and_then(bucket) else {
            continue;
        };
        if let Some(t) = w.total_openings.get_mut(b) {
            *t += 1;
        }
        if c.opener == x.cfg.me
            && let Some(u) = w.user_openings.get_mut(b)
        {
            *u += 1;
        }
        if x.is_partner(c.opener)
            && let Some(u) = w.partner_openings.get_mut(b)
        {
            *u += 1;
        }
    }
    let mut lat = Buckets::default();
    for t in x.turns {
        if let Some(l) = t.latency()
            && x.is_partner(t.who)
            && let Some(b) = x.day(t.first()).and_then(bucket)
        {
            lat.push(b, l);
            if let Some(c) = w.partner_replies.get_mut(b) {
                *c += 1;
            }
        }
    }
    let mut med = vec![None; nw];
    lat.medians(&mut med);
    for (slot, m) in w.partner_median_latency_ms.iter_mut().zip(med) {
        if let Some(m) = m {
            *slot = m;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_medians_merge_a_bucket_met_twice() {
        let mut b = Buckets::default();
        for (bucket, v) in [(0, 5), (0, 1), (2, 7), (1, 4), (2, 9), (2, 11)] {
            b.push(bucket, v);
        }
        let mut out = vec![None; 4];
        b.medians(&mut out);
        // Bucket 2 is met, left for bucket 1, and met again: its values are 7, 9, 11.
        assert_eq!(out, vec![Some(3.0), Some(4.0), Some(9.0), None]);
    }
}
