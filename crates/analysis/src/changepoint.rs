//! Change points in weekly series, by PELT (Killick, Fearnhead & Eckley 2012).
//!
//! "Did anything change, and when?" is asked of weekly series: the opening share, the
//! partner's openings and messages, the partner's median latency. PELT finds the segmentation
//! minimising the sum of segment costs plus a penalty per change, exactly (not greedily), in
//! about linear time. Costs are twice the negative log-likelihood of a model that fits the data:
//! binomial for shares, Poisson for counts, a normal mean shift for log latencies. Results are
//! exploratory: the caller labels them so.

/// Minimum segment length in weeks (METRICS.md).
pub const DEFAULT_MIN_SEG_WEEKS: usize = 3;

/// Default penalty per change for a series of `n` points: `3 ln n`, the change-count term of
/// Zhang & Siegmund's modified BIC (the default of R's `changepoint` package). Plain BIC
/// (`ln n` per parameter) finds too many changes in overdispersed weekly chat data.
pub fn default_penalty(n: usize) -> f64 {
    3.0 * (n.max(2) as f64).ln()
}

/// The cost of one segment `[start, end)` of a series (twice its negative log-likelihood).
pub trait SegmentCost {
    fn cost(&self, start: usize, end: usize) -> f64;
}

/// PELT: the change indices (first index of every segment after the first) minimising
/// Σ cost + `penalty` × changes, with every segment at least `min_seg` long (`min_seg` >= 1).
/// Empty when `n < 2 * min_seg`.
pub fn pelt(cost: &dyn SegmentCost, n: usize, min_seg: usize, penalty: f64) -> Vec<usize> {
    let m = min_seg.max(1);
    if n < 2 * m {
        return Vec::new();
    }
    let penalty = if penalty.is_finite() {
        penalty.max(0.0)
    } else {
        return Vec::new();
    };
    // f[t]: optimal cost of x[0..t]; prev[t]: start of its last segment.
    let mut f = vec![f64::INFINITY; n + 1];
    let mut prev = vec![0usize; n + 1];
    if let Some(f0) = f.get_mut(0) {
        *f0 = -penalty;
    }
    let mut candidates: Vec<usize> = Vec::new();
    for t in m..=n {
        // A segment ending at t may start at r = t - m, once r is itself reachable.
        let r = t - m;
        if r == 0 || r >= m {
            // Pruning (K = 0 for likelihood costs, which never grow when split): τ with
            // F(τ) + C(τ, r) > F(r) can never beat r for any later end s >= r + m, because
            // F(τ) + C(τ, s) >= F(τ) + C(τ, r) + C(r, s) > F(r) + C(r, s). Pruning against r
            // (rather than t) keeps the search exact with a minimum segment length.
            let fr = f.get(r).copied().unwrap_or(f64::INFINITY);
            if fr.is_finite() {
                candidates.retain(|&tau| {
                    let ft = f.get(tau).copied().unwrap_or(f64::INFINITY);
                    ft + cost.cost(tau, r) <= fr
                });
            }
            candidates.push(r);
        }
        let mut best = f64::INFINITY;
        let mut best_tau = 0usize;
        for &tau in &candidates {
            let ft = f.get(tau).copied().unwrap_or(f64::INFINITY);
            let total = ft + cost.cost(tau, t) + penalty;
            if total < best {
                best = total;
                best_tau = tau;
            }
        }
        if let Some(x) = f.get_mut(t) {
            *x = best;
        }
        if let Some(x) = prev.get_mut(t) {
            *x = best_tau;
        }
    }
    let mut changes = Vec::new();
    let mut t = n;
    while t > 0 {
        let tau = prev.get(t).copied().unwrap_or(0);
        if tau == 0 || tau >= t {
            break;
        }
        changes.push(tau);
        t = tau;
    }
    changes.reverse();
    changes
}

/// x ln x with 0 ln 0 = 0.
fn xlogx(x: f64) -> f64 {
    if x > 0.0 { x * x.ln() } else { 0.0 }
}

/// Binomial cost over weeks with `k` successes out of `n` trials.
pub struct BinomialCost {
    ck: Vec<f64>,
    cn: Vec<f64>,
}

impl BinomialCost {
    /// Weeks where `k > n` are clamped to `k = n`.
    pub fn new(k: &[u64], n: &[u64]) -> BinomialCost {
        let mut ck = vec![0.0];
        let mut cn = vec![0.0];
        let (mut sk, mut sn) = (0.0, 0.0);
        for (&ki, &ni) in k.iter().zip(n) {
            sk += ki.min(ni) as f64;
            sn += ni as f64;
            ck.push(sk);
            cn.push(sn);
        }
        BinomialCost { ck, cn }
    }

    fn sums(&self, s: usize, e: usize) -> (f64, f64) {
        let g = |v: &Vec<f64>, i: usize| v.get(i).copied().unwrap_or(0.0);
        (
            g(&self.ck, e) - g(&self.ck, s),
            g(&self.cn, e) - g(&self.cn, s),
        )
    }
}

impl SegmentCost for BinomialCost {
    fn cost(&self, start: usize, end: usize) -> f64 {
        let (k, n) = self.sums(start, end);
        // -2 [K ln(K/N) + (N-K) ln((N-K)/N)]
        -2.0 * (xlogx(k) + xlogx(n - k) - xlogx(n))
    }
}

/// Poisson cost over weekly counts.
pub struct PoissonCost {
    c: Vec<f64>,
}

impl PoissonCost {
    pub fn new(counts: &[u64]) -> PoissonCost {
        let mut c = vec![0.0];
        let mut s = 0.0;
        for &x in counts {
            s += x as f64;
            c.push(s);
        }
        PoissonCost { c }
    }
}

impl SegmentCost for PoissonCost {
    fn cost(&self, start: usize, end: usize) -> f64 {
        let g = |i: usize| self.c.get(i).copied().unwrap_or(0.0);
        let k = g(end) - g(start);
        let len = end.saturating_sub(start) as f64;
        if len <= 0.0 {
            return 0.0;
        }
        // -2 [K ln(K/L) - K]
        -2.0 * (xlogx(k) - k * len.ln() - k)
    }
}

/// Normal mean-shift cost with a known variance: Σ (x - mean)² / σ².
pub struct NormalMeanCost {
    c1: Vec<f64>,
    c2: Vec<f64>,
    var: f64,
}

impl NormalMeanCost {
    /// `var` must be positive; see [`robust_variance`].
    pub fn new(x: &[f64], var: f64) -> NormalMeanCost {
        let mut c1 = vec![0.0];
        let mut c2 = vec![0.0];
        let (mut s1, mut s2) = (0.0, 0.0);
        for &v in x {
            s1 += v;
            s2 += v * v;
            c1.push(s1);
            c2.push(s2);
        }
        NormalMeanCost { c1, c2, var }
    }
}

impl SegmentCost for NormalMeanCost {
    fn cost(&self, start: usize, end: usize) -> f64 {
        let g = |v: &Vec<f64>, i: usize| v.get(i).copied().unwrap_or(0.0);
        let len = end.saturating_sub(start) as f64;
        if len <= 0.0 || self.var <= 0.0 {
            return 0.0;
        }
        let s1 = g(&self.c1, end) - g(&self.c1, start);
        let s2 = g(&self.c2, end) - g(&self.c2, start);
        ((s2 - s1 * s1 / len) / self.var).max(0.0)
    }
}

/// Robust noise variance of a series whose mean may shift: (MAD of first differences /
/// (0.6745 √2))², insensitive to the shifts themselves. None with fewer than 3 points or no
/// variation at all.
pub fn robust_variance(x: &[f64]) -> Option<f64> {
    if x.len() < 3 {
        return None;
    }
    let mut d: Vec<f64> = x
        .windows(2)
        .filter_map(|w| match w {
            [a, b] => Some((b - a).abs()),
            _ => None,
        })
        .collect();
    d.sort_by(f64::total_cmp);
    let mid = d.len() / 2;
    let mad = if d.len() % 2 == 1 {
        d.get(mid).copied()?
    } else {
        (d.get(mid.checked_sub(1)?).copied()? + d.get(mid).copied()?) / 2.0
    };
    let sigma = mad / (0.674_489_75 * std::f64::consts::SQRT_2);
    if sigma > 0.0 && sigma.is_finite() {
        Some(sigma * sigma)
    } else {
        // Over half of the steps are exactly zero: fall back to the plain variance.
        let n = x.len() as f64;
        let mean = x.iter().sum::<f64>() / n;
        let v = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
        // A series without real variation (rounding residue only) has nothing to segment.
        (v.is_finite() && v > 1e-12 * (1.0 + mean * mean)).then_some(v)
    }
}

/// A detected change: `index` is the first week of the new segment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Change {
    pub index: usize,
    /// Level of the segment before and after (a share, a weekly count, or a latency in the
    /// original units).
    pub before_level: f64,
    pub after_level: f64,
}

/// Segments `[0, c1), [c1, c2), …, [ck, n)` from change indices.
fn segments(changes: &[usize], n: usize) -> Vec<(usize, usize)> {
    let mut bounds = vec![0];
    bounds.extend_from_slice(changes);
    bounds.push(n);
    bounds
        .windows(2)
        .filter_map(|w| match w {
            [a, b] => Some((*a, *b)),
            _ => None,
        })
        .collect()
}

fn changes_with_levels(
    changes: &[usize],
    n: usize,
    level: impl Fn(usize, usize) -> f64,
) -> Vec<Change> {
    let segs = segments(changes, n);
    segs.windows(2)
        .filter_map(|w| match w {
            [(a, b), (c, e)] => Some(Change {
                index: *c,
                before_level: level(*a, *b),
                after_level: level(*c, *e),
            }),
            _ => None,
        })
        .collect()
}

/// Changes in a weekly share (`k` successes of `n` trials per week), defaults: min segment 3
/// weeks, penalty `3 ln n`. Weeks with no trials carry no information but keep their place.
pub fn binomial_changes(k: &[u64], n: &[u64]) -> Vec<Change> {
    let len = k.len().min(n.len());
    binomial_changes_with(k, n, DEFAULT_MIN_SEG_WEEKS, default_penalty(len))
}

pub fn binomial_changes_with(k: &[u64], n: &[u64], min_seg: usize, penalty: f64) -> Vec<Change> {
    let len = k.len().min(n.len());
    let cost = BinomialCost::new(k, n);
    let cps = pelt(&cost, len, min_seg, penalty);
    changes_with_levels(&cps, len, |s, e| {
        let (sk, sn) = cost.sums(s, e);
        if sn > 0.0 { sk / sn } else { f64::NAN }
    })
}

/// Changes in weekly counts; defaults as [`binomial_changes`]. Levels are counts per week.
pub fn poisson_changes(counts: &[u64]) -> Vec<Change> {
    poisson_changes_with(counts, DEFAULT_MIN_SEG_WEEKS, default_penalty(counts.len()))
}

pub fn poisson_changes_with(counts: &[u64], min_seg: usize, penalty: f64) -> Vec<Change> {
    let cost = PoissonCost::new(counts);
    let cps = pelt(&cost, counts.len(), min_seg, penalty);
    changes_with_levels(&cps, counts.len(), |s, e| {
        let k: u64 = counts.get(s..e).map_or(0, |v| v.iter().sum());
        k as f64 / (e - s).max(1) as f64
    })
}

/// Changes in a weekly positive quantity (median partner latency), as mean shifts of its
/// logarithm. Weeks with no value (None, non-finite or <= 0) are skipped: the minimum segment
/// counts weeks with data, and indices refer to the original weeks. Levels are geometric means
/// in the original units. Defaults as [`binomial_changes`], with `n` = weeks with data.
pub fn lognormal_changes(values: &[Option<f64>]) -> Vec<Change> {
    let observed = values
        .iter()
        .filter(|v| v.is_some_and(|x| x > 0.0 && x.is_finite()))
        .count();
    lognormal_changes_with(values, DEFAULT_MIN_SEG_WEEKS, default_penalty(observed))
}

pub fn lognormal_changes_with(values: &[Option<f64>], min_seg: usize, penalty: f64) -> Vec<Change> {
    let (idx, logs): (Vec<usize>, Vec<f64>) = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.filter(|x| *x > 0.0 && x.is_finite()).map(|x| (i, x.ln())))
        .unzip();
    let Some(var) = robust_variance(&logs) else {
        return Vec::new();
    };
    let cost = NormalMeanCost::new(&logs, var);
    let cps = pelt(&cost, logs.len(), min_seg, penalty);
    changes_with_levels(&cps, logs.len(), |s, e| {
        let seg = logs.get(s..e).unwrap_or(&[]);
        (seg.iter().sum::<f64>() / seg.len().max(1) as f64).exp()
    })
    .into_iter()
    .filter_map(|c| {
        Some(Change {
            index: *idx.get(c.index)?,
            ..c
        })
    })
    .collect()
}
