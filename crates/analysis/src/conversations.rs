//! Conversations: runs of messages separated by gaps of at most G.
//!
//! METRICS.md: G is chosen per chat at the valley between the two modes of the log-gap
//! distribution, clamped to [30 min, 6 h]; with fewer than 200 gaps or no clear valley,
//! G = 60 min. Openers are classified as new contact, follow-up (double text) or possible
//! late reply.
//!
//! The valley is found on a histogram of log10 gaps (in seconds; gaps under one second count as
//! one second) with [`BINS_PER_DECADE`] fixed bins from 1 s to 10^8 s, smoothed with a Gaussian
//! kernel of [`SMOOTH_SIGMA_BINS`] bins. The two modes are the highest local maximum and the
//! highest other local maximum at least [`MIN_MODE_SEPARATION_BINS`] bins (one decade) away and
//! at least [`MIN_MINOR_MODE_RATIO`] of its height. The valley is the lowest point between them
//! (the middle of a flat bottom). It is *clear* when its smoothed density is at most
//! [`MAX_VALLEY_RATIO`] of the lower mode and each side holds at least [`MIN_SIDE_MASS`] of the
//! gaps; otherwise the default G is used.

use crate::{HOUR, MINUTE, Millis, Msg};
use walkaway_model::{Events, PersonIdx};

/// Default gap when the data cannot choose one.
pub const DEFAULT_GAP: Millis = 60 * MINUTE;
/// Bounds of the adaptive gap.
pub const MIN_GAP: Millis = 30 * MINUTE;
pub const MAX_GAP: Millis = 6 * HOUR;
/// Fewer gaps than this and the adaptive choice is not attempted.
pub const MIN_GAPS_FOR_ADAPTIVE: usize = 200;
/// A conversation opened less than this after the other person's question may be a late reply.
pub const LATE_REPLY_WINDOW: Millis = 24 * HOUR;

/// Histogram resolution: bins per decade of gap length.
pub const BINS_PER_DECADE: usize = 10;
/// Decades covered (1 s to 10^8 s, about three years); longer gaps fall in the last bin.
pub const DECADES: usize = 8;
/// Standard deviation of the smoothing kernel, in bins (0.2 decade).
pub const SMOOTH_SIGMA_BINS: f64 = 2.0;
/// The two modes must be at least this many bins apart (one decade: a factor of ten in time).
pub const MIN_MODE_SEPARATION_BINS: usize = 10;
/// The minor mode must be at least this fraction of the major mode's height.
pub const MIN_MINOR_MODE_RATIO: f64 = 0.1;
/// A clear valley is at most this fraction of the lower of the two modes.
pub const MAX_VALLEY_RATIO: f64 = 0.5;
/// Each side of a clear valley holds at least this fraction of all gaps.
pub const MIN_SIDE_MASS: f64 = 0.05;

/// How the gap G was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GapChoice {
    /// Given with `--gap`.
    Override,
    /// The valley of the log-gap histogram.
    Valley,
    /// Too few gaps (< 200) for an adaptive choice.
    DefaultTooFewGaps,
    /// No clear bimodality.
    DefaultNoValley,
}

/// What kind of opening started a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OpenKind {
    /// The first conversation of the chat.
    First,
    /// The previous conversation ended with the other person.
    NewContact,
    /// The previous conversation ended with the same person (unanswered): a double text.
    FollowUp,
    /// The previous conversation ended with the other person's question < 24 h earlier.
    PossibleLateReply,
}

/// One conversation. `first..=last` index the message slice it was built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conversation {
    pub first: usize,
    pub last: usize,
    pub opener: PersonIdx,
    pub closer: PersonIdx,
    pub start: Millis,
    pub end: Millis,
    pub open_kind: OpenKind,
}

impl Conversation {
    pub fn len(&self) -> usize {
        self.last - self.first + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Chooses the conversation gap G for `msgs` (sorted by time) as METRICS.md defines it; see
/// the module documentation for the valley criterion. Never fails: too few gaps or no clear
/// valley give [`DEFAULT_GAP`] with the reason.
pub fn choose_gap(msgs: &[Msg]) -> (Millis, GapChoice) {
    let n_gaps = msgs.len().saturating_sub(1);
    if n_gaps < MIN_GAPS_FOR_ADAPTIVE {
        return (DEFAULT_GAP, GapChoice::DefaultTooFewGaps);
    }
    let edges = bin_edges_ms();
    let nbins = BINS_PER_DECADE * DECADES;
    let mut hist = vec![0u64; nbins];
    for w in msgs.windows(2) {
        if let [a, b] = w {
            let gap = b.ts.saturating_sub(a.ts);
            // A zero gap (two messages stamped with the same minute on minute-resolution
            // exports) says nothing about spacing; counted, such ties form a spurious mode
            // whose "valley" with the one-minute gaps pins G to the 30 min floor.
            if gap <= 0 {
                continue;
            }
            // edges[i] is the lower edge of bin i + 1; bin 0 also takes gaps under one second.
            let bin = edges.partition_point(|&e| e <= gap).min(nbins - 1);
            if let Some(h) = hist.get_mut(bin) {
                *h += 1;
            }
        }
    }
    match valley_bin(&hist) {
        Some(bin) => {
            let log10_s = (bin as f64 + 0.5) / BINS_PER_DECADE as f64;
            let ms = (10f64.powf(log10_s) * 1000.0).round() as Millis;
            (ms.clamp(MIN_GAP, MAX_GAP), GapChoice::Valley)
        }
        None => (DEFAULT_GAP, GapChoice::DefaultNoValley),
    }
}

/// Upper edges of the histogram bins 0..nbins-1 in milliseconds: bin i covers gaps with
/// 10^(i/10) s <= gap < 10^((i+1)/10) s.
fn bin_edges_ms() -> Vec<Millis> {
    (1..BINS_PER_DECADE * DECADES)
        .map(|i| (10f64.powf(i as f64 / BINS_PER_DECADE as f64) * 1000.0).round() as Millis)
        .collect()
}

/// Gaussian smoothing of a histogram into a density (fractions of all gaps per bin), the
/// kernel truncated at three standard deviations and renormalised at the edges.
fn smooth(hist: &[u64]) -> Vec<f64> {
    let total: u64 = hist.iter().sum();
    let radius = (3.0 * SMOOTH_SIGMA_BINS).ceil() as isize;
    let kernel: Vec<f64> = (-radius..=radius)
        .map(|d| (-(d as f64).powi(2) / (2.0 * SMOOTH_SIGMA_BINS * SMOOTH_SIGMA_BINS)).exp())
        .collect();
    let n = hist.len() as isize;
    (0..n)
        .map(|i| {
            let (mut acc, mut wsum) = (0.0, 0.0);
            for (k, w) in kernel.iter().enumerate() {
                let j = i + k as isize - radius;
                if (0..n).contains(&j)
                    && let Some(h) = hist.get(j as usize)
                {
                    acc += w * *h as f64;
                    wsum += w;
                }
            }
            if wsum > 0.0 && total > 0 {
                acc / wsum / total as f64
            } else {
                0.0
            }
        })
        .collect()
}

/// The bin of a clear valley between the two modes of `hist`, or `None`.
fn valley_bin(hist: &[u64]) -> Option<usize> {
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return None;
    }
    let d = smooth(hist);
    let n = d.len();
    // Local maxima: higher than the left neighbour, at least the right one (plateaus count once).
    let peaks: Vec<usize> = (0..n)
        .filter(|&i| {
            let v = d.get(i).copied().unwrap_or(0.0);
            let left = if i == 0 {
                f64::NEG_INFINITY
            } else {
                d.get(i - 1).copied().unwrap_or(0.0)
            };
            let right = d.get(i + 1).copied().unwrap_or(f64::NEG_INFINITY);
            v > 0.0 && v > left && v >= right
        })
        .collect();
    let height = |i: usize| d.get(i).copied().unwrap_or(0.0);
    let major = peaks
        .iter()
        .copied()
        .max_by(|&a, &b| height(a).total_cmp(&height(b)).then(b.cmp(&a)))?;
    let minor = peaks
        .iter()
        .copied()
        .filter(|&p| p.abs_diff(major) >= MIN_MODE_SEPARATION_BINS)
        .filter(|&p| height(p) >= MIN_MINOR_MODE_RATIO * height(major))
        .max_by(|&a, &b| height(a).total_cmp(&height(b)).then(b.cmp(&a)))?;
    let (lo, hi) = (major.min(minor), major.max(minor));
    let floor = (lo..=hi).map(height).fold(f64::INFINITY, f64::min);
    // The middle of the (possibly flat) bottom.
    let bottom: Vec<usize> = (lo..=hi).filter(|&i| height(i) <= floor + 1e-12).collect();
    let valley = *bottom.get(bottom.len() / 2)?;
    let lower_mode = height(lo).min(height(hi));
    if floor > MAX_VALLEY_RATIO * lower_mode {
        return None;
    }
    let left_mass: u64 = hist.iter().take(valley).sum();
    let right_mass: u64 = hist.iter().skip(valley + 1).sum();
    let min_mass = MIN_SIDE_MASS * total as f64;
    if (left_mass as f64) < min_mass || (right_mass as f64) < min_mass {
        return None;
    }
    Some(valley)
}

/// Splits `msgs` (sorted by time) into conversations with gap `gap`: consecutive messages
/// belong together when the time between them is at most `gap`.
pub fn segment(msgs: &[Msg], events: &Events, gap: Millis) -> Vec<Conversation> {
    let mut out: Vec<Conversation> = Vec::new();
    let mut start = 0usize;
    for i in 1..=msgs.len() {
        let boundary = i == msgs.len() || msgs[i].ts.saturating_sub(msgs[i - 1].ts) > gap;
        if boundary && i > start {
            let (first, last) = (start, i - 1);
            let opener = msgs[first].who;
            let open_kind = match out.last() {
                None => OpenKind::First,
                Some(prev) if prev.closer == opener => OpenKind::FollowUp,
                Some(prev) => {
                    let closing = &msgs[prev.last];
                    if msgs[first].ts.saturating_sub(closing.ts) < LATE_REPLY_WINDOW
                        && crate::balance::is_question(events.text_at(closing.event()))
                    {
                        OpenKind::PossibleLateReply
                    } else {
                        OpenKind::NewContact
                    }
                }
            };
            out.push(Conversation {
                first,
                last,
                opener,
                closer: msgs[last].who,
                start: msgs[first].ts,
                end: msgs[last].ts,
                open_kind,
            });
            start = i;
        }
    }
    out
}
