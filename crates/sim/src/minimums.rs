//! Minimum data: the actual coverage of every 95% interval walkaway reports, as a function of
//! the sample size it rests on.
//!
//! METRICS.md ("Minimum data"): every figure has a minimum sample below which it is not shown as
//! a number, set where simulation shows its interval reaching nominal coverage, and no interval
//! of zero width is ever shown. This module measures, for each interval method the analysis
//! uses, how often the interval contains the truth at each n:
//!
//! 1. **Wilson interval of a share** (opening share, reply rate, word and question shares,
//!    monthly cells): computed exactly from the binomial distribution (no Monte Carlo error),
//!    averaged over true shares p ~ U(0.05, 0.95), at fixed p, and its infimum over
//!    p in [0.1, 0.9].
//! 2. **Order-statistic interval of a median latency** ([`LatencySummary::of`]): lognormal
//!    latencies (and a bimodal mixture) truncated at the conversation gap, observed as the
//!    difference of two timestamps floored to whole minutes (Android WhatsApp) or to seconds.
//! 3. **Effort balance index with the conversation-level block bootstrap**
//!    ([`bootstrap_ebi`]): short histories of n conversations drawn from a population of
//!    20,000 conversations whose EBI is the target.
//! 4. **Forecast median (Kaplan–Meier, Brookmeyer–Crowley interval)** by the number of partner
//!    reach-outs, the silences drawn from the simulator's competing clocks.
//!
//! The recommended minimum of a figure is the smallest n of the grid from which the coverage
//! is at least [`TARGET`] (95% less Monte Carlo error) at that n and at every larger n of the
//! grid, in every generating scenario. Everything is deterministic in the seed (SplitMix64),
//! each cell with its own stream, and runs on one thread.

use std::fmt::Write as _;
use walkaway_analysis::balance::widen_small_sample;
#[cfg(test)]
use walkaway_analysis::stats::t975;

use walkaway_analysis::balance::{ConvEffort, EffortTotals, bootstrap_ebi, text_facts};
use walkaway_analysis::replies::LatencySummary;
use walkaway_analysis::rng::SplitMix64;
use walkaway_analysis::stats::{normal_cdf, wilson95};
use walkaway_analysis::survival::{MIN_REACH_OUTS, kaplan_meier};
use walkaway_analysis::{Config, analyze};
use walkaway_model::Kind;

use crate::rng::Rng;
use crate::sim::{Clock, PARTNER, Params, Scenario, USER, generate};

/// Monte Carlo histories per cell by default: the standard error of a 95% coverage is then
/// 0.34 points, so [`TARGET`] lies six standard errors below the nominal 95%.
pub const DEFAULT_REPS: u32 = 4000;

/// Bootstrap replicates per simulated history in the effort balance section (the report uses
/// 1000; 400 keep the run short and move a percentile endpoint by well under the Monte Carlo
/// error of the coverage).
pub const BOOTSTRAP_REPS: u32 = 400;

/// Coverage a figure must reach: 95% less Monte Carlo error.
pub const TARGET: f64 = 0.93;

/// Sample sizes of the share section.
pub const SHARE_NS: [usize; 27] = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 25, 30, 35, 40, 45, 50,
    60,
];

/// Sample sizes (replies) of the median section; below 6 there is no interval by construction.
pub const MEDIAN_NS: [usize; 15] = [6, 7, 8, 9, 10, 11, 12, 15, 20, 25, 30, 40, 50, 60, 100];

/// Conversations of the effort balance section.
pub const EBI_NS: [usize; 18] = [
    1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 75, 100, 200,
];

/// Partner reach-outs of the forecast section.
pub const REACH_OUTS: [usize; 9] = [3, 4, 5, 6, 8, 10, 15, 20, 30];

/// Conversations in each effort-balance population (the target is its EBI).
pub const POPULATION: usize = 20_000;

/// Run settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Monte Carlo histories per cell.
    pub reps: u32,
    pub seed: u64,
    /// Bootstrap replicates per history (effort balance).
    pub bootstrap_reps: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            reps: DEFAULT_REPS,
            seed: 1,
            bootstrap_reps: BOOTSTRAP_REPS,
        }
    }
}

/// An independent stream for one cell: the seed and the cell's coordinates hashed together.
fn stream(seed: u64, parts: &[u64]) -> Rng {
    let mut s = SplitMix64::new(seed).next_u64();
    for &p in parts {
        s = SplitMix64::new(s ^ p.wrapping_mul(0xD1B5_4A32_D192_ED03)).next_u64();
    }
    Rng::new(s)
}

/// The smallest n from which `ok` holds at every point from there to the end of `points`
/// (sorted by n); `None` when it fails at the largest n.
pub fn minimum_from(points: &[(usize, bool)]) -> Option<usize> {
    let mut min = None;
    for &(n, ok) in points.iter().rev() {
        if !ok {
            break;
        }
        min = Some(n);
    }
    min
}

fn share(k: usize, n: usize) -> f64 {
    if n == 0 { 0.0 } else { k as f64 / n as f64 }
}

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1}", 100.0 * x)
    } else {
        "–".to_owned()
    }
}

fn min_str(m: Option<usize>) -> String {
    m.map_or("not reached in the grid".to_owned(), |n| n.to_string())
}

// ---------------------------------------------------------------------------------------------
// 1. Shares: the Wilson interval, exactly.
// ---------------------------------------------------------------------------------------------

/// Binomial probabilities P(K = k), k = 0..=n, for success probability p in (0, 1).
fn binomial_pmf(n: usize, p: f64) -> Vec<f64> {
    // In log space: n is small here, but p near 0 or 1 would underflow a running product.
    let (lp, lq) = (p.ln(), (1.0 - p).ln());
    let mut log_choose = 0.0f64;
    let mut out = Vec::with_capacity(n + 1);
    for k in 0..=n {
        if k > 0 {
            log_choose += ((n + 1 - k) as f64).ln() - (k as f64).ln();
        }
        out.push((log_choose + k as f64 * lp + (n - k) as f64 * lq).exp());
    }
    out
}

/// The Wilson intervals for k = 0..=n.
fn wilson_table(n: usize) -> Vec<(f64, f64)> {
    (0..=n)
        .map(|k| wilson95(k as u64, n as u64).unwrap_or((0.0, 1.0)))
        .collect()
}

/// Exact coverage of the Wilson 95% interval at true share `p` with `n` trials.
pub fn wilson_coverage(n: usize, p: f64) -> f64 {
    coverage_with(&wilson_table(n), n, p)
}

fn coverage_with(table: &[(f64, f64)], n: usize, p: f64) -> f64 {
    binomial_pmf(n, p)
        .iter()
        .zip(table)
        .filter(|(_, (lo, hi))| *lo <= p && p <= *hi)
        .map(|(w, _)| w)
        .sum()
}

/// Shares at which the share section reports pointwise coverage.
pub const SHARE_POINTS: [f64; 5] = [0.5, 0.7, 0.8, 0.9, 0.95];

/// One n of the share section.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareRow {
    pub n: usize,
    /// Coverage averaged over p ~ U(0.05, 0.95).
    pub mean: f64,
    /// Infimum of the coverage over p in [0.1, 0.9], and where it is reached.
    pub worst: f64,
    pub worst_p: f64,
    /// Coverage averaged over a window p ± 0.05, worst over window centres in [0.1, 0.9]
    /// (window centres in [0.1, 0.9]; Brown, Cai and DasGupta's smoothed coverage: the pointwise infimum is an artefact of
    /// the lattice, the smoothed one is what a user sees across chats).
    pub worst_smoothed: f64,
    /// Coverage at each of [`SHARE_POINTS`].
    pub at: Vec<f64>,
    /// Chance (averaged over p ~ U(0.05, 0.95)) that the estimate is exactly 0 or 1.
    pub extreme: f64,
    /// Values of k whose interval has zero width (never expected for Wilson).
    pub zero_width: usize,
}

const MEAN_GRID: usize = 900;

/// The share section, exact.
pub fn shares() -> Vec<ShareRow> {
    SHARE_NS.iter().map(|&n| share_row(n)).collect()
}

fn share_row(n: usize) -> ShareRow {
    let table = wilson_table(n);
    let cov = |p: f64| coverage_with(&table, n, p);
    // Midpoint rule over U(0.05, 0.95), fine enough for the jumps of the coverage function.
    let grid: Vec<f64> = (0..MEAN_GRID)
        .map(|i| 0.05 + 0.9 * (i as f64 + 0.5) / MEAN_GRID as f64)
        .collect();
    let covs: Vec<f64> = grid.iter().map(|&p| cov(p)).collect();
    let mean = covs.iter().sum::<f64>() / MEAN_GRID as f64;
    let extreme = grid
        .iter()
        .map(|&p| {
            let pmf = binomial_pmf(n, p);
            pmf.first().copied().unwrap_or(0.0)
                + if n > 0 {
                    pmf.last().copied().unwrap_or(0.0)
                } else {
                    0.0
                }
        })
        .sum::<f64>()
        / MEAN_GRID as f64;
    // The coverage is piecewise smooth with jumps at the interval ends: its infimum is reached
    // just outside an end, so those points (and the range ends) are the candidates.
    let mut candidates = vec![0.1, 0.9];
    for &(lo, hi) in &table {
        for x in [lo - 1e-9, hi + 1e-9] {
            if (0.1..=0.9).contains(&x) {
                candidates.push(x);
            }
        }
    }
    let (worst_p, worst) = candidates
        .iter()
        .map(|&p| (p, cov(p)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or((0.5, 1.0));
    // Window averages: the grid step is 0.001, a window of ±0.05 is 100 points.
    let worst_smoothed = grid
        .iter()
        .enumerate()
        .filter(|(_, p)| (0.1..=0.9).contains(*p))
        .map(|(i, _)| {
            let lo = i.saturating_sub(50);
            let hi = (i + 50).min(covs.len());
            let w = covs.get(lo..hi).unwrap_or(&[]);
            w.iter().sum::<f64>() / w.len().max(1) as f64
        })
        .fold(1.0f64, f64::min);
    ShareRow {
        n,
        mean,
        worst,
        worst_p,
        worst_smoothed,
        at: SHARE_POINTS.iter().map(|&p| cov(p)).collect(),
        extreme,
        zero_width: table.iter().filter(|(lo, hi)| hi - lo <= 0.0).count(),
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Median latency: the order-statistic interval on tied, floored data.
// ---------------------------------------------------------------------------------------------

/// A reply-latency distribution: a lognormal mixture truncated at the conversation gap G
/// (a reply slower than G is not a reply: it opens a new conversation). Each simulated history
/// scales the medians by a factor drawn from [`LATENCY_SCALE`], so that the true median falls
/// anywhere relative to the minute lattice (a round true median such as exactly 2 min would sit
/// on a knife edge of the minute-resolution data).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatencyDist {
    pub name: &'static str,
    /// (weight, median minutes at scale 1, sigma) per component.
    pub parts: &'static [(f64, f64, f64)],
    /// Truncation (the gap G), minutes.
    pub cap_minutes: f64,
}

/// Range of the per-history factor on the component medians.
pub const LATENCY_SCALE: (f64, f64) = (0.6, 1.6);

/// The latency distributions of the median section.
pub const LATENCY_DISTS: [LatencyDist; 4] = [
    LatencyDist {
        name: "quick: LN(1 min, 1.2), G 60 min",
        parts: &[(1.0, 1.0, 1.2)],
        cap_minutes: 60.0,
    },
    LatencyDist {
        name: "sim user: LN(2 min, 0.9), G 60 min",
        parts: &[(1.0, 2.0, 0.9)],
        cap_minutes: 60.0,
    },
    LatencyDist {
        name: "sim partner: LN(6 min, 1.0), G 60 min",
        parts: &[(1.0, 6.0, 1.0)],
        cap_minutes: 60.0,
    },
    LatencyDist {
        name: "bimodal: 0.7 LN(2 min, 1) + 0.3 LN(45 min, 0.8), G 6 h",
        parts: &[(0.7, 2.0, 1.0), (0.3, 45.0, 0.8)],
        cap_minutes: 360.0,
    },
];

impl LatencyDist {
    fn cdf_untruncated(&self, minutes: f64, scale: f64) -> f64 {
        if minutes <= 0.0 {
            return 0.0;
        }
        let total: f64 = self.parts.iter().map(|p| p.0).sum();
        self.parts
            .iter()
            .map(|&(w, m, s)| w * normal_cdf((minutes.ln() - (scale * m).ln()) / s))
            .sum::<f64>()
            / total
    }

    /// True median of the truncated distribution with medians scaled by `scale`, minutes
    /// (bisection to well below a millisecond).
    pub fn median_minutes(&self, scale: f64) -> f64 {
        let half = 0.5 * self.cdf_untruncated(self.cap_minutes, scale);
        let (mut lo, mut hi) = (0.0f64, self.cap_minutes);
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if self.cdf_untruncated(mid, scale) < half {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    /// One latency, minutes.
    fn draw(&self, rng: &mut Rng, scale: f64) -> f64 {
        let total: f64 = self.parts.iter().map(|p| p.0).sum();
        loop {
            let mut u = rng.unit() * total;
            let mut chosen = self.parts.first().copied().unwrap_or((1.0, 1.0, 1.0));
            for &part in self.parts {
                if u < part.0 {
                    chosen = part;
                    break;
                }
                u -= part.0;
            }
            let x = rng.lognormal(scale * chosen.1, chosen.2);
            if x <= self.cap_minutes {
                return x;
            }
        }
    }
}

/// Timestamp resolution of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Whole minutes (Android WhatsApp).
    Minute,
    /// Whole seconds (iOS WhatsApp).
    Second,
}

impl Resolution {
    pub const ALL: [Resolution; 2] = [Resolution::Minute, Resolution::Second];

    pub fn ms(self) -> i64 {
        match self {
            Resolution::Minute => 60_000,
            Resolution::Second => 1_000,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Minute => "minute",
            Resolution::Second => "second",
        }
    }
}

/// Coverage facts of one (distribution, resolution, n) cell of the median section.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MedianCell {
    pub n: usize,
    /// [lo, hi] as the analysis gives it contains the true (continuous) median.
    pub covered: f64,
    /// lo == hi.
    pub zero_width: f64,
    /// Coverage when a zero-width interval is withheld (counted as a miss).
    pub covered_nonzero: f64,
    /// Coverage of [lo − r/2, hi + r/2], r the resolution.
    pub covered_half: f64,
    /// Coverage of [lo − r, hi + r]: contains the order-statistic interval of the unfloored
    /// latencies (each observed latency is within r of the true one), so it covers at least
    /// nominally whatever the ties, and it never has zero width.
    pub covered_widened: f64,
}

/// The median section for one distribution and resolution.
pub fn median_cells(dist: &LatencyDist, res: Resolution, s: &Settings, di: u64) -> Vec<MedianCell> {
    let r = res.ms();
    let rf = r as f64;
    MEDIAN_NS
        .iter()
        .map(|&n| {
            let mut rng = stream(s.seed, &[2, di, r as u64, n as u64]);
            let (mut cov, mut zero, mut cov_nz, mut cov_h, mut cov_w) = (0, 0, 0, 0, 0);
            let mut v: Vec<i64> = Vec::with_capacity(n);
            for _ in 0..s.reps {
                let scale = rng.range(LATENCY_SCALE.0, LATENCY_SCALE.1);
                let truth = dist.median_minutes(scale) * 60_000.0;
                v.clear();
                for _ in 0..n {
                    // The previous turn's last message at a uniform phase of the clock; both
                    // timestamps are floored, the latency is their difference.
                    let phase = rng.unit() * rf;
                    let lat = dist.draw(&mut rng, scale) * 60_000.0;
                    v.push(((phase + lat) / rf).floor() as i64 * r);
                }
                let Some((lo, hi)) = LatencySummary::of(&mut v).ci95_ms else {
                    continue;
                };
                let (lo, hi) = (lo as f64, hi as f64);
                let within = |pad: f64| lo - pad <= truth && truth <= hi + pad;
                cov += usize::from(within(0.0));
                zero += usize::from(lo == hi);
                cov_nz += usize::from(within(0.0) && lo < hi);
                cov_h += usize::from(within(rf / 2.0));
                cov_w += usize::from(within(rf));
            }
            let reps = s.reps as usize;
            MedianCell {
                n,
                covered: share(cov, reps),
                zero_width: share(zero, reps),
                covered_nonzero: share(cov_nz, reps),
                covered_half: share(cov_h, reps),
                covered_widened: share(cov_w, reps),
            }
        })
        .collect()
}

/// The median section: one column per distribution, for one resolution.
#[derive(Clone, Debug, PartialEq)]
pub struct MedianTable {
    pub res: Resolution,
    /// Per distribution (in [`LATENCY_DISTS`] order), one cell per n of [`MEDIAN_NS`].
    pub cells: Vec<Vec<MedianCell>>,
}

// ---------------------------------------------------------------------------------------------
// 3. Effort balance index: the conversation-level block bootstrap.
// ---------------------------------------------------------------------------------------------

/// A population of conversations whose EBI is the target.
#[derive(Clone, Debug)]
pub struct Population {
    pub name: String,
    pub convs: Vec<ConvEffort>,
    /// EBI of the whole population.
    pub target: f64,
}

/// The effort blocks of a simulated history, computed the way the analysis computes them
/// (words and questions of text messages, opener of each conversation).
pub fn sim_blocks(p: &Params) -> Vec<ConvEffort> {
    let sim = generate(p);
    let mut cfg = Config::new(USER, Some(PARTNER), p.as_of);
    cfg.bootstrap_reps = 0;
    let a = analyze(&sim.chat.events, &sim.chat.people, &cfg);
    let events = &sim.chat.events;
    a.convs
        .iter()
        .map(|c| {
            let mut e = ConvEffort {
                user_open: u32::from(c.opener == USER),
                partner_open: u32::from(c.opener == PARTNER),
                ..ConvEffort::default()
            };
            for m in a.msgs.get(c.first..=c.last).unwrap_or(&[]) {
                let Some(ev) = events.get(m.event()) else {
                    continue;
                };
                if ev.kind != Kind::Text {
                    continue;
                }
                let (words, _, q) = text_facts(events.text(ev));
                if m.who == USER {
                    e.user_words += words;
                    e.user_questions += u32::from(q);
                } else if m.who == PARTNER {
                    e.partner_words += words;
                    e.partner_questions += u32::from(q);
                }
            }
            e
        })
        .collect()
}

/// Parameters of a long simulated history (no step-back) with fixed clocks.
fn long_params(seed: u64, balanced: bool, days: i64) -> Params {
    let mut p = crate::presets::validation_params(seed, Scenario::AsBefore);
    p.stepback = None;
    p.injections.clear();
    p.as_of = p.start + days * crate::civil::DAY;
    p.partner_clock = Clock {
        shift_hours: 1.5,
        median_hours: 20.0,
        sigma: 0.8,
    };
    p.user_clock = Clock {
        shift_hours: 1.5,
        median_hours: if balanced { 20.0 } else { 8.0 },
        sigma: 0.8,
    };
    if balanced {
        p.user = crate::presets::partner_persona("Alex");
    }
    p
}

/// A population from the simulator: one long history, its first [`POPULATION`] conversations.
pub fn sim_population(name: &str, seed: u64, balanced: bool) -> Population {
    // About 2.5 conversations a day in the unbalanced model and 1.7 in the balanced one.
    let days = (POPULATION as i64 * 2) / 3 + 2_000;
    let mut convs = sim_blocks(&long_params(seed, balanced, days));
    convs.truncate(POPULATION);
    let target = EffortTotals::of(&convs).ebi().unwrap_or(0.0);
    Population {
        name: name.to_owned(),
        convs,
        target,
    }
}

/// A population of heterogeneous conversations drawn directly: lengths heavy-tailed
/// (1 + LN(median 6, sigma 1.2) messages), the user's share of the messages varying from one
/// conversation to the next (logistic of N(0.4, 1.0)), words per message LN(6, 1.0), a question
/// in 15% of messages, the user opening 65% of conversations.
pub fn heterogeneous_population(seed: u64, size: usize) -> Population {
    let mut rng = stream(seed, &[3, 99]);
    let convs: Vec<ConvEffort> = (0..size).map(|_| heterogeneous_conv(&mut rng)).collect();
    let target = EffortTotals::of(&convs).ebi().unwrap_or(0.0);
    Population {
        name: "heterogeneous conversations (direct)".to_owned(),
        convs,
        target,
    }
}

fn heterogeneous_conv(rng: &mut Rng) -> ConvEffort {
    let user_opens = rng.chance(0.65);
    let msgs = 1 + rng.lognormal(6.0, 1.2).round().min(2_000.0) as u32;
    let s = 1.0 / (1.0 + (-(0.4 + rng.normal())).exp());
    let mut e = ConvEffort {
        user_open: u32::from(user_opens),
        partner_open: u32::from(!user_opens),
        ..ConvEffort::default()
    };
    for k in 0..msgs {
        let user = if k == 0 { user_opens } else { rng.chance(s) };
        let words = rng.lognormal(6.0, 1.0).round().max(1.0) as u32;
        let q = u32::from(rng.chance(0.15));
        if user {
            e.user_words += words;
            e.user_questions += q;
        } else {
            e.partner_words += words;
            e.partner_questions += q;
        }
    }
    e
}

/// Coverage facts of one (population, n) cell of the effort balance section.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EbiCell {
    pub n: usize,
    /// The bootstrap interval contains the population EBI (no interval = a miss).
    pub covered: f64,
    /// The interval has zero width (hi == lo).
    pub zero_width: f64,
    /// Coverage of the small-sample corrected interval ([`widen_small_sample`]).
    pub covered_corrected: f64,
    /// The point estimate is exactly ±1 (one side did all of every component).
    pub extreme: f64,
    /// No index at all (no component defined).
    pub undefined: f64,
}

/// The effort balance section for one population.
pub fn ebi_cells(pop: &Population, pi: u64, s: &Settings) -> Vec<EbiCell> {
    EBI_NS
        .iter()
        .map(|&n| {
            let mut rng = stream(s.seed, &[3, pi, n as u64]);
            let (mut cov, mut zero, mut cov_c, mut ext, mut undef) = (0, 0, 0, 0, 0);
            let mut h: Vec<ConvEffort> = Vec::with_capacity(n);
            for _ in 0..s.reps {
                h.clear();
                for _ in 0..n {
                    if let Some(c) = rng.pick(&pop.convs) {
                        h.push(*c);
                    }
                }
                let Some(point) = EffortTotals::of(&h).ebi() else {
                    undef += 1;
                    continue;
                };
                ext += usize::from(point.abs() >= 1.0);
                let Some((lo, hi)) = bootstrap_ebi(&h, s.bootstrap_reps, rng.next_u64()) else {
                    continue;
                };
                let c = lo <= pop.target && pop.target <= hi;
                cov += usize::from(c);
                zero += usize::from(hi - lo <= 0.0);
                let (clo, chi) = widen_small_sample(point, (lo, hi), n);
                cov_c += usize::from(clo <= pop.target && pop.target <= chi);
            }
            let reps = s.reps as usize;
            EbiCell {
                n,
                covered: share(cov, reps),
                zero_width: share(zero, reps),
                covered_corrected: share(cov_c, reps),
                extreme: share(ext, reps),
                undefined: share(undef, reps),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 4. Forecast: Kaplan–Meier median by the number of partner reach-outs.
// ---------------------------------------------------------------------------------------------

/// Ranges from which each history's clocks are drawn (hours; shift 1.5 h as in the simulator).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Regime {
    pub name: &'static str,
    pub partner_median: (f64, f64),
    pub user_median: (f64, f64),
    pub sigma: (f64, f64),
}

/// The clock regimes of the forecast section.
pub const REGIMES: [Regime; 3] = [
    Regime {
        name: "validation clocks (user usually first)",
        partner_median: (10.0, 30.0),
        user_median: (5.0, 12.0),
        sigma: (0.6, 1.0),
    },
    Regime {
        name: "even clocks",
        partner_median: (10.0, 30.0),
        user_median: (10.0, 30.0),
        sigma: (0.6, 1.0),
    },
    Regime {
        name: "partner usually first",
        partner_median: (10.0, 30.0),
        user_median: (40.0, 120.0),
        sigma: (0.6, 1.0),
    },
];

const SHIFT_HOURS: f64 = 1.5;

/// The interval of the forecast median as `survival::forecast` reports it (without its gate on
/// the number of reach-outs): `(median, lower, upper)`; the upper end is dropped when the
/// median is not reached.
pub fn reported_interval(obs: &[(f64, bool)]) -> (Option<f64>, Option<f64>, Option<f64>) {
    let km = kaplan_meier(obs);
    let median = km.median();
    let (lo, hi) = km.median_ci95();
    (median, lo, if median.is_some() { hi } else { None })
}

/// [`reported_interval`] with the upper end taken only where the curve is above zero: where
/// S(t) = 0 (the largest observation was a reach-out with one silence at risk) the log-log band
/// is undefined and `survival::kaplan_meier` sets it to [0, 0], which "reaches" the upper end
/// of the median interval at that time. Measured here as a candidate fix.
pub fn reported_interval_fixed(obs: &[(f64, bool)]) -> (Option<f64>, Option<f64>, Option<f64>) {
    let km = kaplan_meier(obs);
    let median = km.median();
    let (lo, _) = km.median_ci95();
    let hi = km
        .points
        .iter()
        .find(|p| p.s > 0.0 && p.hi <= 0.5 + 1e-9)
        .map(|p| p.t);
    (median, lo, if median.is_some() { hi } else { None })
}

/// True when the upper end of the reported interval sits where the curve is zero.
fn upper_at_zero(obs: &[(f64, bool)]) -> bool {
    let km = kaplan_meier(obs);
    let (_, hi) = km.median_ci95();
    hi.is_some_and(|h| km.point_at(h).is_some_and(|p| p.s <= 0.0))
}

/// One history of silences with exactly `r` partner reach-outs: silences from the competing
/// clocks until the (r+1)-th reach-out, which the data end censors at a uniform point.
/// Returns the observations (hours, reach-out observed) and the true median.
pub fn forecast_history(regime: &Regime, r: usize, rng: &mut Rng) -> (Vec<(f64, bool)>, f64) {
    let partner = Clock {
        shift_hours: SHIFT_HOURS,
        median_hours: rng.range(regime.partner_median.0, regime.partner_median.1),
        sigma: rng.range(regime.sigma.0, regime.sigma.1),
    };
    let user = Clock {
        shift_hours: SHIFT_HOURS,
        median_hours: rng.range(regime.user_median.0, regime.user_median.1),
        sigma: rng.range(regime.sigma.0, regime.sigma.1),
    };
    let draw = |c: &Clock, rng: &mut Rng| c.shift_hours + rng.lognormal(c.median_hours, c.sigma);
    let mut obs = Vec::new();
    let mut seen = 0usize;
    while obs.len() < 100_000 {
        let (p, u) = (draw(&partner, rng), draw(&user, rng));
        if p < u {
            if seen == r {
                obs.push((rng.unit() * p, false));
                break;
            }
            obs.push((p, true));
            seen += 1;
        } else {
            obs.push((u, false));
        }
    }
    (obs, partner.median(1.0))
}

/// Coverage facts of one (regime, r) cell of the forecast section.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ForecastCell {
    pub r: usize,
    /// Share of histories whose Kaplan–Meier median is reached.
    pub median_reached: f64,
    /// Share with a two-sided interval.
    pub two_sided: f64,
    /// The two-sided interval contains the truth (no two-sided interval = a miss).
    pub covered_two_sided: f64,
    /// The same among histories with a two-sided interval.
    pub covered_given_two_sided: f64,
    /// Share with any interval shown (two-sided, or [lower, ∞)).
    pub shown: f64,
    /// The interval as reported (two-sided, or [lower, ∞)) contains the truth, among histories
    /// where one is shown.
    pub covered_as_reported: f64,
    /// Two-sided intervals of zero width.
    pub zero_width: f64,
    /// Two-sided intervals whose upper end is where the curve is zero (an artefact).
    pub upper_at_zero: f64,
    /// With [`reported_interval_fixed`]: as-reported coverage among histories where an
    /// interval is shown, and the share of zero-width two-sided intervals.
    pub covered_fixed: f64,
    pub zero_width_fixed: f64,
    /// Median silences per history.
    pub silences: usize,
}

/// The forecast section for one regime.
pub fn forecast_cells(regime: &Regime, ri: u64, s: &Settings) -> Vec<ForecastCell> {
    REACH_OUTS
        .iter()
        .map(|&r| {
            let mut rng = stream(s.seed, &[4, ri, r as u64]);
            let (mut reached, mut two, mut cov2, mut shown, mut cov_rep, mut zero) =
                (0, 0, 0, 0, 0, 0);
            let (mut at_zero, mut shown_f, mut cov_f, mut zero_f) = (0, 0, 0, 0);
            let mut lens = Vec::with_capacity(s.reps as usize);
            for _ in 0..s.reps {
                let (obs, truth) = forecast_history(regime, r, &mut rng);
                lens.push(obs.len());
                let (median, lo, hi) = reported_interval(&obs);
                reached += usize::from(median.is_some());
                at_zero += usize::from(hi.is_some() && upper_at_zero(&obs));
                match reported_interval_fixed(&obs) {
                    (_, Some(a), Some(b)) => {
                        shown_f += 1;
                        cov_f += usize::from(a <= truth && truth <= b);
                        zero_f += usize::from(b <= a);
                    }
                    (_, Some(a), None) => {
                        shown_f += 1;
                        cov_f += usize::from(a <= truth);
                    }
                    _ => {}
                }
                match (lo, hi) {
                    (Some(a), Some(b)) => {
                        two += 1;
                        shown += 1;
                        let c = a <= truth && truth <= b;
                        cov2 += usize::from(c);
                        cov_rep += usize::from(c);
                        zero += usize::from(b <= a);
                    }
                    (Some(a), None) => {
                        shown += 1;
                        cov_rep += usize::from(a <= truth);
                    }
                    _ => {}
                }
            }
            lens.sort_unstable();
            let reps = s.reps as usize;
            ForecastCell {
                r,
                median_reached: share(reached, reps),
                two_sided: share(two, reps),
                covered_two_sided: share(cov2, reps),
                covered_given_two_sided: if two == 0 { f64::NAN } else { share(cov2, two) },
                shown: share(shown, reps),
                covered_as_reported: if shown == 0 {
                    f64::NAN
                } else {
                    share(cov_rep, shown)
                },
                zero_width: share(zero, reps),
                upper_at_zero: share(at_zero, reps),
                covered_fixed: if shown_f == 0 {
                    f64::NAN
                } else {
                    share(cov_f, shown_f)
                },
                zero_width_fixed: share(zero_f, reps),
                silences: lens.get(lens.len() / 2).copied().unwrap_or(0),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The whole run.
// ---------------------------------------------------------------------------------------------

/// Everything `walkaway-sim minimums` measures.
#[derive(Clone, Debug)]
pub struct Minimums {
    pub settings: Settings,
    pub shares: Vec<ShareRow>,
    pub medians: Vec<MedianTable>,
    /// (population name, target EBI, conversations, cells).
    pub ebi: Vec<(String, f64, usize, Vec<EbiCell>)>,
    pub forecast: Vec<(&'static str, Vec<ForecastCell>)>,
    pub seconds: f64,
}

/// Runs every section.
pub fn run(s: &Settings) -> Minimums {
    let started = std::time::Instant::now();
    let shares = shares();
    let medians = Resolution::ALL
        .iter()
        .map(|&res| MedianTable {
            res,
            cells: LATENCY_DISTS
                .iter()
                .enumerate()
                .map(|(i, d)| median_cells(d, res, s, i as u64))
                .collect(),
        })
        .collect();
    let pops = [
        sim_population("simulator, validation personas", s.seed, false),
        sim_population("simulator, same persona and clock", s.seed, true),
        heterogeneous_population(s.seed, POPULATION),
    ];
    let ebi = pops
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                p.name.clone(),
                p.target,
                p.convs.len(),
                ebi_cells(p, i as u64, s),
            )
        })
        .collect();
    let forecast = REGIMES
        .iter()
        .enumerate()
        .map(|(i, g)| (g.name, forecast_cells(g, i as u64, s)))
        .collect();
    Minimums {
        settings: *s,
        shares,
        medians,
        ebi,
        forecast,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// A recommended minimum with the rule and the coverage behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recommendation {
    pub figure: &'static str,
    pub minimum: Option<usize>,
    pub rule: String,
}

impl Minimums {
    /// Minimum n of the Wilson interval by the average coverage over p ~ U(0.05, 0.95).
    pub fn share_min_mean(&self) -> Option<usize> {
        minimum_from(
            &self
                .shares
                .iter()
                .map(|r| (r.n, r.mean >= TARGET))
                .collect::<Vec<_>>(),
        )
    }

    /// Minimum n by the smoothed worst case (window centres in [0.1, 0.9]).
    pub fn share_min_smoothed(&self) -> Option<usize> {
        minimum_from(
            &self
                .shares
                .iter()
                .map(|r| (r.n, r.worst_smoothed >= TARGET))
                .collect::<Vec<_>>(),
        )
    }

    /// Minimum n by the pointwise infimum over p in [0.1, 0.9].
    pub fn share_min_worst(&self) -> Option<usize> {
        minimum_from(
            &self
                .shares
                .iter()
                .map(|r| (r.n, r.worst >= TARGET))
                .collect::<Vec<_>>(),
        )
    }

    /// Minimum replies of the median: coverage of the interval as given, every distribution and
    /// resolution.
    pub fn median_min(&self, f: impl Fn(&MedianCell) -> f64) -> Option<usize> {
        let points: Vec<(usize, bool)> = MEDIAN_NS
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                let ok = self.medians.iter().all(|t| {
                    t.cells
                        .iter()
                        .all(|col| col.get(i).is_some_and(|c| f(c) >= TARGET))
                });
                (n, ok)
            })
            .collect();
        minimum_from(&points)
    }

    /// Minimum conversations of the effort balance (every population), by `f` of each cell.
    pub fn ebi_min(&self, f: impl Fn(&EbiCell) -> f64) -> Option<usize> {
        let points: Vec<(usize, bool)> = EBI_NS
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                let ok = self.ebi.iter().all(|(_, _, _, cells)| {
                    cells
                        .get(i)
                        .is_some_and(|c| f(c) >= TARGET && c.zero_width == 0.0)
                });
                (n, ok)
            })
            .collect();
        minimum_from(&points)
    }

    /// Minimum partner reach-outs of the forecast (every regime), by `f` of each cell (a
    /// coverage of the interval as reported among histories where one is shown) and `zero` (its
    /// zero-width share, which must be 0).
    pub fn forecast_min(
        &self,
        f: impl Fn(&ForecastCell) -> f64,
        zero: impl Fn(&ForecastCell) -> f64,
    ) -> Option<usize> {
        let points: Vec<(usize, bool)> = REACH_OUTS
            .iter()
            .enumerate()
            .map(|(i, &r)| {
                let ok = self.forecast.iter().all(|(_, cells)| {
                    cells
                        .get(i)
                        .is_some_and(|c| f(c) >= TARGET && zero(c) == 0.0)
                });
                (r, ok)
            })
            .collect();
        minimum_from(&points)
    }

    pub fn recommendations(&self) -> Vec<Recommendation> {
        vec![
            Recommendation {
                figure: "share with a Wilson interval (opening share, reply rate, word and \
                         question shares; monthly cells): n = trials",
                minimum: self.share_min_smoothed(),
                rule: format!(
                    "smoothed worst-case coverage (±0.05 window, centres p in [0.1, 0.9]) ≥ {}% from \
                     there on; by the average over p ~ U(0.05, 0.95): {}; pointwise infimum \
                     over [0.1, 0.9]: {}",
                    pct(TARGET),
                    min_str(self.share_min_mean()),
                    min_str(self.share_min_worst())
                ),
            },
            Recommendation {
                figure: "median reply latency with its order-statistic interval: n = replies",
                minimum: self.median_min(|c| c.covered_half),
                rule: format!(
                    "coverage ≥ {}% in every distribution at minute and second resolution with \
                     the interval widened by half the timestamp resolution, [lo − r/2, hi + r/2] \
                     (never of zero width); the interval as given: {} (minute data: coverage \
                     falls with n and zero-width intervals grow); widened by the whole \
                     resolution: {}",
                    pct(TARGET),
                    min_str(self.median_min(|c| c.covered)),
                    min_str(self.median_min(|c| c.covered_widened))
                ),
            },
            Recommendation {
                figure: "effort balance index with the block bootstrap: n = conversations",
                minimum: self.ebi_min(|c| c.covered),
                rule: format!(
                    "coverage of the population EBI ≥ {}% and no zero-width interval, in every \
                     population, percentile interval as the analysis computes it; with the \
                     small-sample correction: {}",
                    pct(TARGET),
                    min_str(self.ebi_min(|c| c.covered_corrected))
                ),
            },
            Recommendation {
                figure: "forecast median (Kaplan–Meier): n = partner reach-outs",
                minimum: self.forecast_min(|c| c.covered_fixed, |c| c.zero_width_fixed),
                rule: format!(
                    "coverage of the interval as reported (two-sided, or [lower, ∞) when the \
                     upper end is not reached), among histories where one is shown, ≥ {}% in \
                     every regime and no zero-width interval, with the upper end taken only \
                     where S > 0; with the band as `survival` computes it today: {} (current \
                     gate: {MIN_REACH_OUTS})",
                    pct(TARGET),
                    min_str(self.forecast_min(|c| c.covered_as_reported, |c| c.zero_width))
                ),
            },
        ]
    }

    /// The whole run as Markdown.
    pub fn markdown(&self) -> String {
        let s = &self.settings;
        let mut o = String::new();
        let _ = writeln!(
            o,
            "## walkaway-sim minimums: {} histories per cell, seed {}, {} bootstrap replicates, {:.1} s\n",
            s.reps, s.seed, s.bootstrap_reps, self.seconds
        );
        let _ = writeln!(
            o,
            "Coverage in %. Rule: the minimum is the smallest n from which coverage is ≥ {}% at \
             that n and every larger n of the grid, in every scenario.\n",
            pct(TARGET)
        );

        let _ = writeln!(
            o,
            "### 1. Shares: Wilson 95% interval (exact binomial computation)\n"
        );
        let _ = write!(
            o,
            "| n | mean p~U(.05,.95) | smoothed worst [.1,.9] | worst [.1,.9] (at p) |"
        );
        for p in SHARE_POINTS {
            let _ = write!(o, " p={p} |");
        }
        let _ = writeln!(o, " estimate 0 or 1 | zero-width |");
        let _ = writeln!(
            o,
            "|---|---|---|---|{}---|---|",
            "---|".repeat(SHARE_POINTS.len())
        );
        for r in &self.shares {
            let _ = write!(
                o,
                "| {} | {} | {} | {} ({:.3}) |",
                r.n,
                pct(r.mean),
                pct(r.worst_smoothed),
                pct(r.worst),
                r.worst_p
            );
            for c in &r.at {
                let _ = write!(o, " {} |", pct(*c));
            }
            let _ = writeln!(o, " {} | {} |", pct(r.extreme), r.zero_width);
        }

        let _ = writeln!(
            o,
            "\n### 2. Median reply latency: order-statistic 95% interval\n\n\
             Cells: coverage of [lo, hi] as given / share of zero-width intervals (lo = hi) / \
             coverage of [lo − r/2, hi + r/2] / coverage of [lo − r, hi + r], r the \
             resolution. The true median of each history is drawn (component medians × U({}, {})). \
             n < 6 has no interval.\n",
            LATENCY_SCALE.0, LATENCY_SCALE.1
        );
        for t in &self.medians {
            let _ = writeln!(o, "#### {} resolution\n", t.res.as_str());
            let _ = write!(o, "| n |");
            for d in &LATENCY_DISTS {
                let _ = write!(
                    o,
                    " {} (true median {:.2}–{:.2} min) |",
                    d.name,
                    d.median_minutes(LATENCY_SCALE.0),
                    d.median_minutes(LATENCY_SCALE.1)
                );
            }
            let _ = writeln!(o, "\n|---|{}", "---|".repeat(LATENCY_DISTS.len()));
            for (i, n) in MEDIAN_NS.iter().enumerate() {
                let _ = write!(o, "| {n} |");
                for col in &t.cells {
                    if let Some(c) = col.get(i) {
                        let _ = write!(
                            o,
                            " {} / {} / {} / {} |",
                            pct(c.covered),
                            pct(c.zero_width),
                            pct(c.covered_half),
                            pct(c.covered_widened)
                        );
                    }
                }
                let _ = writeln!(o);
            }
            let _ = writeln!(o);
        }

        let _ = writeln!(
            o,
            "### 3. Effort balance index: conversation-level block bootstrap ({} replicates)\n\n\
             Cells: coverage of the percentile interval (as the analysis gives it) / zero-width / \
             coverage of the small-sample corrected interval (each half stretched by \
             t(n−1)/z·√(n/(n−1))) / estimate exactly ±1 / no index.\n",
            s.bootstrap_reps
        );
        let _ = write!(o, "| n |");
        for (name, target, size, _) in &self.ebi {
            let _ = write!(o, " {name} (EBI {target:+.3} over {size}) |");
        }
        let _ = writeln!(o, "\n|---|{}", "---|".repeat(self.ebi.len()));
        for (i, n) in EBI_NS.iter().enumerate() {
            let _ = write!(o, "| {n} |");
            for (_, _, _, cells) in &self.ebi {
                if let Some(c) = cells.get(i) {
                    let _ = write!(
                        o,
                        " {} / {} / {} / {} / {} |",
                        pct(c.covered),
                        pct(c.zero_width),
                        pct(c.covered_corrected),
                        pct(c.extreme),
                        pct(c.undefined)
                    );
                }
            }
            let _ = writeln!(o);
        }

        let _ = writeln!(
            o,
            "\n### 4. Forecast median: Kaplan–Meier with Brookmeyer–Crowley 95% interval\n\n\
             Cells: median reached / two-sided / two-sided covers (missing = miss) / covers \
             given two-sided / any interval shown / as reported covers given shown / \
             zero-width / upper end where S = 0 / as reported covers given shown, upper end only \
             where S > 0 / zero-width then / silences (median).\n"
        );
        let _ = write!(o, "| reach-outs |");
        for (name, _) in &self.forecast {
            let _ = write!(o, " {name} |");
        }
        let _ = writeln!(o, "\n|---|{}", "---|".repeat(self.forecast.len()));
        for (i, r) in REACH_OUTS.iter().enumerate() {
            let _ = write!(o, "| {r} |");
            for (_, cells) in &self.forecast {
                if let Some(c) = cells.get(i) {
                    let _ = write!(
                        o,
                        " {} / {} / {} / {} / {} / {} / {} / {} / {} / {} / {} |",
                        pct(c.median_reached),
                        pct(c.two_sided),
                        pct(c.covered_two_sided),
                        pct(c.covered_given_two_sided),
                        pct(c.shown),
                        pct(c.covered_as_reported),
                        pct(c.zero_width),
                        pct(c.upper_at_zero),
                        pct(c.covered_fixed),
                        pct(c.zero_width_fixed),
                        c.silences
                    );
                }
            }
            let _ = writeln!(o);
        }

        let _ = writeln!(
            o,
            "\n### Recommended minimums\n\n| figure | minimum | rule |\n|---|---|---|"
        );
        for r in self.recommendations() {
            let _ = writeln!(o, "| {} | {} | {} |", r.figure, min_str(r.minimum), r.rule);
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(reps: u32) -> Settings {
        Settings {
            reps,
            seed: 11,
            bootstrap_reps: 200,
        }
    }

    #[test]
    fn minimum_from_takes_the_last_run() {
        assert_eq!(
            minimum_from(&[(1, true), (2, false), (3, true), (4, true)]),
            Some(3)
        );
        assert_eq!(minimum_from(&[(1, true), (2, true)]), Some(1));
        assert_eq!(minimum_from(&[(1, true), (2, false)]), None);
        assert_eq!(minimum_from(&[]), None);
    }

    #[test]
    fn wilson_coverage_is_near_nominal_at_moderate_n() {
        let c = wilson_coverage(30, 0.5);
        assert!((0.92..=0.98).contains(&c), "{c}");
        // Exactness: at n = 1 and p = 0.5 both intervals contain 0.5.
        assert!((wilson_coverage(1, 0.5) - 1.0).abs() < 1e-12);
        // Wilson never has zero width.
        assert!(shares().iter().all(|r| r.zero_width == 0));
    }

    #[test]
    fn order_statistic_interval_covers_at_six_on_continuous_data() {
        // Exact coverage at n = 6 is 1 − 2/64 = 96.9%; 4000 draws have a standard error of
        // 0.35 points, so ≥ 95% less three standard errors.
        let s = settings(4000);
        let d = &LATENCY_DISTS[2];
        let cells = median_cells(d, Resolution::Second, &s, 2);
        let c = cells.first().copied().unwrap_or(MedianCell {
            n: 0,
            covered: 0.0,
            zero_width: 1.0,
            covered_nonzero: 0.0,
            covered_half: 0.0,
            covered_widened: 0.0,
        });
        assert_eq!(c.n, 6);
        assert!(c.covered >= 0.94, "{c:?}");
        assert!(c.zero_width < 0.01, "{c:?}");
    }

    #[test]
    fn minute_ties_make_zero_width_intervals_and_widening_removes_them() {
        // Quick replies on minute data: the interval shrinks onto one lattice value as n grows
        // (at n = 100 about half are zero-width and coverage is near 50%), while widening by
        // half a minute on each side covers ≥ 97% at every n.
        let s = settings(1000);
        let cells = median_cells(&LATENCY_DISTS[0], Resolution::Minute, &s, 0);
        let last = cells.last().copied();
        assert_eq!(last.map(|c| c.n), Some(100));
        assert!(
            last.is_some_and(|c| c.zero_width > 0.3 && c.covered < 0.7),
            "{last:?}"
        );
        assert!(cells.iter().all(|c| c.covered_half >= 0.95), "{cells:?}");
    }

    #[test]
    fn tiny_histories_give_zero_width_ebi_intervals_and_large_ones_cover() {
        let s = settings(300);
        let pop = heterogeneous_population(s.seed, 5_000);
        let cells = ebi_cells(&pop, 0, &s);
        let at = |n: usize| cells.iter().find(|c| c.n == n).copied();
        let one = at(1).map_or(0.0, |c| c.zero_width);
        assert_eq!(one, 1.0 - at(1).map_or(0.0, |c| c.undefined));
        let two = at(2).map_or(1.0, |c| c.covered);
        assert!(
            two < 0.85,
            "the percentile bootstrap undercovers at n = 2: {two}"
        );
        let fifty = at(50).map_or(0.0, |c| c.covered);
        assert!(fifty >= 0.88, "coverage at n = 50: {fifty}");
    }

    #[test]
    fn reported_interval_matches_the_forecast() {
        use walkaway_analysis::survival::{Silence, SilenceEnd, forecast};
        let mut rng = stream(5, &[1]);
        let (obs, _) = forecast_history(&REGIMES[1], 8, &mut rng);
        let silences: Vec<Silence> = obs
            .iter()
            .enumerate()
            .map(|(i, &(h, ev))| Silence {
                start: 0,
                end: (h * 3_600_000.0).round() as i64,
                outcome: if ev {
                    SilenceEnd::PartnerOpened
                } else {
                    SilenceEnd::UserOpened
                },
                conv_before: i,
                conv_after: Some(i + 1),
            })
            .collect();
        let f = forecast(&silences);
        assert_eq!(f.partner_reach_outs, 8);
        let ms: Vec<(f64, bool)> = silences.iter().map(Silence::observation).collect();
        let (median, lo, hi) = reported_interval(&ms);
        assert_eq!(f.median_hours, median);
        assert_eq!(f.ci95_lower_hours, lo);
        assert_eq!(f.ci95_upper_hours, hi);
    }

    #[test]
    fn forecast_interval_with_the_upper_end_where_the_curve_is_positive_covers_at_five() {
        // Light censoring, 5 reach-outs: the interval as reported (upper end only where S > 0)
        // covers about 98%; 600 histories have a standard error under 0.9 points.
        let s = settings(600);
        let cells = forecast_cells(&REGIMES[2], 2, &s);
        let c = cells.iter().find(|c| c.r == 5).copied();
        let cov = c.map_or(0.0, |c| c.covered_fixed);
        assert!(cov >= 0.93, "{c:?}");
        assert_eq!(c.map_or(1.0, |c| c.zero_width_fixed), 0.0);
    }

    #[test]
    fn t_quantile_is_close() {
        assert!((t975(4) - 2.776).abs() < 0.002, "{}", t975(4));
        assert!((t975(9) - 2.262).abs() < 0.002, "{}", t975(9));
        assert!((t975(1000) - 1.962).abs() < 0.002);
    }

    #[test]
    fn deterministic_in_the_seed() {
        let s = settings(50);
        let a = forecast_cells(&REGIMES[0], 0, &s);
        let b = forecast_cells(&REGIMES[0], 0, &s);
        // Compared as text: a cell without two-sided intervals holds NaN, which is != itself.
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
}
