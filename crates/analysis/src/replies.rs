//! Turns and replies: who answers whom, how fast, and how often.
//!
//! METRICS.md: a turn is a maximal run of consecutive messages by one sender; the reply latency
//! of a turn is its first message's instant minus the last message of the preceding turn by the
//! other person, inside one conversation. Turns never cross a conversation boundary, so a
//! latency is one within-conversation gap and never exceeds G. A turn that is the last of its
//! conversation is unanswered (censored at G), except the very last turn of the data when the
//! data end (`as_of`) is less than G after it: that turn is *pending* (the answer may still
//! come) and counts neither as answered nor as received. In groups "the other person" is anyone
//! else: a turn by X received by everyone else is answered by whoever writes the next turn.

use crate::conversations::Conversation;
use crate::stats::{Proportion, median_ci95_ranks, quantile_sorted};
use crate::{Millis, Msg};
use walkaway_model::PersonIdx;

/// One turn: messages `first()..=last()` (indices into the message slice) by `who`.
///
/// 24 bytes (a chat of a million messages has over half a million turns): 32-bit message
/// indices, the latency with a sentinel for "none", the two flags in one byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Turn {
    pub who: PersonIdx,
    first: u32,
    last: u32,
    /// Milliseconds, or [`Turn::NO_LATENCY`].
    latency: Millis,
    flags: u8,
}

impl Turn {
    const NO_LATENCY: Millis = -1;
    const ANSWERED: u8 = 1;
    const PENDING: u8 = 2;

    /// Index of the turn's first message.
    pub fn first(&self) -> usize {
        self.first as usize
    }

    /// Index of the turn's last message.
    pub fn last(&self) -> usize {
        self.last as usize
    }

    /// Reply latency when the turn answers a preceding turn of the same conversation (so a
    /// turn has none exactly when it opens its conversation).
    pub fn latency(&self) -> Option<Millis> {
        (self.latency != Self::NO_LATENCY).then_some(self.latency)
    }

    /// Someone answered it (a later turn exists in the same conversation).
    pub fn answered(&self) -> bool {
        self.flags & Self::ANSWERED != 0
    }

    /// The last turn of the data, less than G before the data end: its answer may still come.
    pub fn pending(&self) -> bool {
        self.flags & Self::PENDING != 0
    }
}

/// A message index as a turn stores it (a chat cannot hold 2^32 messages in memory).
fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The turns of `msgs` split by `convs`. `gap` and `as_of` decide whether the final turn is
/// pending.
pub fn turns(msgs: &[Msg], convs: &[Conversation], gap: Millis, as_of: Millis) -> Vec<Turn> {
    let mut out: Vec<Turn> = Vec::with_capacity(msgs.len() / 2 + 1);
    for c in convs {
        let conv_start = out.len();
        let Some(slice) = msgs.get(c.first..=c.last) else {
            continue;
        };
        let mut run_start = c.first;
        for (off, m) in slice.iter().enumerate() {
            let i = c.first + off;
            let next_same = slice.get(off + 1).is_some_and(|n| n.who == m.who);
            if next_same {
                continue;
            }
            let latency = if out.len() > conv_start {
                out.last()
                    .and_then(|prev| msgs.get(prev.last()))
                    .zip(msgs.get(run_start))
                    .map(|(p, f)| f.ts.saturating_sub(p.ts).max(0))
            } else {
                None
            };
            if out.len() > conv_start
                && let Some(prev) = out.last_mut()
            {
                prev.flags |= Turn::ANSWERED;
            }
            out.push(Turn {
                who: m.who,
                first: index(run_start),
                last: index(i),
                latency: latency.unwrap_or(Turn::NO_LATENCY),
                flags: 0,
            });
            run_start = i + 1;
        }
    }
    if let Some(t) = out.last_mut()
        && let Some(m) = msgs.get(t.last())
        && as_of < m.ts.saturating_add(gap)
    {
        t.flags |= Turn::PENDING;
    }
    out
}

/// Median, quartiles and a distribution-free 95% interval of a sample of latencies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatencySummary {
    pub count: u64,
    /// Type-7 quantiles in milliseconds; `None` when there is no reply.
    pub median_ms: Option<f64>,
    pub p25_ms: Option<f64>,
    pub p75_ms: Option<f64>,
    /// Order-statistic interval (see [`median_ci95_ranks`]); `None` with fewer than 6 replies.
    pub ci95_ms: Option<(Millis, Millis)>,
}

impl LatencySummary {
    /// Summarises `values`, sorting them in place.
    pub fn of(values: &mut [Millis]) -> LatencySummary {
        LatencySummary::with_resolution(values, 0)
    }

    /// As [`LatencySummary::of`] for latencies measured between timestamps rounded to
    /// `resolution` ms (60,000 for exports that write whole minutes): the interval is widened
    /// by half the resolution on each side. With ties the plain order-statistic interval
    /// closes in on the rounded value, not the true median, and its coverage falls as the
    /// sample grows (about 50% for quick repliers at 100 replies on minute data); widened, it
    /// covers at least 97% and never has zero width (`walkaway-sim minimums`).
    pub fn with_resolution(values: &mut [Millis], resolution: Millis) -> LatencySummary {
        values.sort_unstable();
        let half = resolution.max(0) / 2;
        let ci95_ms = median_ci95_ranks(values.len()).and_then(|(lo, hi)| {
            Some((
                values.get(lo)?.saturating_sub(half).max(0),
                values.get(hi)?.saturating_add(half),
            ))
        });
        LatencySummary {
            count: values.len() as u64,
            median_ms: quantile_sorted(values, 0.5),
            p25_ms: quantile_sorted(values, 0.25),
            p75_ms: quantile_sorted(values, 0.75),
            ci95_ms,
        }
    }
}

/// Reply figures of one person.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PersonReplies {
    /// Turns this person sent.
    pub turns: u64,
    /// Latencies of this person's replies; `latency.count` is the number of replies.
    pub latency: LatencySummary,
    /// Answered turns of others / turns of others (pending turn excluded), Wilson interval.
    /// The person answered a turn when theirs is the next turn of the same conversation.
    pub reply_rate: Proportion,
    /// This person's turns that closed a conversation without an answer.
    pub unanswered: u64,
}

/// Per-person reply figures, indexed by person (length `n_people`). Senders outside
/// `0..n_people` are ignored. `resolution` is the timestamps' resolution (see
/// [`timestamp_resolution`]).
pub fn per_person(turns: &[Turn], n_people: usize, resolution: Millis) -> Vec<PersonReplies> {
    let mut latencies: Vec<Vec<Millis>> = vec![Vec::new(); n_people];
    let mut sent = vec![0u64; n_people];
    let mut replies = vec![0u64; n_people];
    let mut unanswered = vec![0u64; n_people];
    let mut received_total = 0u64;
    for t in turns {
        let p = t.who as usize;
        if p >= n_people {
            continue;
        }
        sent[p] += 1;
        if let Some(l) = t.latency() {
            replies[p] += 1;
            if let Some(v) = latencies.get_mut(p) {
                v.push(l);
            }
        }
        if !t.answered() && !t.pending() {
            unanswered[p] += 1;
        }
        if !t.pending() {
            received_total += 1;
        }
    }
    // A pending turn counts for nobody; each other turn is received by everyone but its sender.
    let mut pending_by = vec![0u64; n_people];
    for t in turns.iter().filter(|t| t.pending()) {
        if let Some(c) = pending_by.get_mut(t.who as usize) {
            *c += 1;
        }
    }
    latencies
        .iter_mut()
        .enumerate()
        .map(|(p, lat)| {
            let own_settled = sent[p] - pending_by[p];
            let received = received_total.saturating_sub(own_settled);
            PersonReplies {
                turns: sent[p],
                latency: LatencySummary::with_resolution(lat, resolution),
                reply_rate: Proportion::new(replies[p], received),
                unanswered: unanswered[p],
            }
        })
        .collect()
}

/// The resolution of the messages' timestamps: 60,000 ms when every one is a whole minute
/// (Android WhatsApp), 1,000 when every one is a whole second, else 1.
pub fn timestamp_resolution(msgs: &[Msg]) -> Millis {
    if msgs.iter().all(|m| m.ts.rem_euclid(60_000) == 0) {
        60_000
    } else if msgs.iter().all(|m| m.ts.rem_euclid(1_000) == 0) {
        1_000
    } else {
        1
    }
}
