//! Pure, deterministic metrics of one chat.
//!
//! Everything here is a function of `(events, Config)`: no clock, no I/O, no global state,
//! and a fixed RNG seed for every resampling step, so the same input always gives the same
//! numbers. The definitions follow `docs/metrics.md` (and the product's METRICS.md).
//!
//! The pipeline inside one [`analyze`] call:
//! events -> [`messages`] (METRICS.md messages only) -> [`conversations`] (adaptive gap G)
//! -> replies, balance, series, silences/forecast, step-back, signals, change points.

pub mod balance;
pub mod changepoint;
pub mod conversations;
pub mod replies;
pub mod rng;
pub mod series;
pub mod signals;
pub mod stats;
pub mod stepback;
pub mod survival;

use walkaway_model::{Event, Kind, Millis, PersonIdx};

pub const SECOND: Millis = 1_000;
pub const MINUTE: Millis = 60 * SECOND;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;

/// A message (METRICS.md sense: text, media, voice, deleted) reduced to what metrics need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Msg<'a> {
    pub ts: Millis,
    pub who: PersonIdx,
    pub kind: Kind,
    pub text: &'a str,
    /// Index of the originating event in the analysed event slice (evidence links).
    pub event: usize,
}

/// The messages of `events`, in order: system events, calls and reactions are left out,
/// and so is any event without a sender.
pub fn messages(events: &[Event]) -> Vec<Msg<'_>> {
    events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind.is_message())
        .filter_map(|(i, e)| {
            Some(Msg {
                ts: e.ts,
                who: e.sender?,
                kind: e.kind,
                text: &e.text,
                event: i,
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
