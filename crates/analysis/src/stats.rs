//! Small statistical building blocks shared by the metrics: quantiles, the normal and
//! chi-square distributions, binomial (Wilson) intervals.
//!
//! Written out here (a few lines each) because the metrics need exactly these and the
//! statistics crates that provide them pull in far more than they are worth.

/// Standard normal cumulative distribution function.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// Standard normal quantile (inverse CDF), Acklam's rational approximation refined by one
/// Halley step (absolute error < 1e-12 on (0, 1)). Returns ±inf at 0 and 1.
pub fn normal_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let plow = 0.02425;
    let x = if p < plow {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - plow {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    // One Halley refinement step.
    let e = normal_cdf(x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// The 1.96 of a two-sided 95% interval.
pub fn z95() -> f64 {
    normal_quantile(0.975)
}

/// Upper tail P(X > x) of a chi-square distribution with one degree of freedom.
pub fn chi2_sf_1df(x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    libm::erfc((x / 2.0).sqrt())
}

/// Wilson score 95% interval for `k` successes out of `n`. `None` when n = 0.
pub fn wilson95(k: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let z = z95();
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    // At k = 0 (k = n) the bound is exactly 0 (1); the formula leaves rounding residue.
    let lo = if k == 0 {
        0.0
    } else {
        (center - half).max(0.0)
    };
    let hi = if k as f64 == n {
        1.0
    } else {
        (center + half).min(1.0)
    };
    Some((lo, hi))
}

/// A binomial proportion `k / n` with its Wilson 95% interval. Both are `None` when n = 0.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Proportion {
    pub k: u64,
    pub n: u64,
    pub estimate: Option<f64>,
    pub ci95: Option<(f64, f64)>,
}

impl Proportion {
    pub fn new(k: u64, n: u64) -> Proportion {
        let k = k.min(n);
        Proportion {
            k,
            n,
            estimate: if n == 0 {
                None
            } else {
                Some(k as f64 / n as f64)
            },
            ci95: wilson95(k, n),
        }
    }
}

/// Quantile `p` of sorted values by linear interpolation between order statistics
/// (Hyndman and Fan type 7, R's default): with h = (n - 1) p the result is
/// x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]). `None` for an empty slice.
pub fn quantile_sorted(sorted: &[i64], p: f64) -> Option<f64> {
    let n = sorted.len();
    let first = *sorted.first()?;
    if n == 1 || !p.is_finite() {
        return Some(first as f64);
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let x_lo = *sorted.get(lo)? as f64;
    let x_hi = sorted.get(lo + 1).map_or(x_lo, |v| *v as f64);
    Some(x_lo + (h - lo as f64) * (x_hi - x_lo))
}

/// Quantile `p` (type 7) of sorted floats; `None` for an empty slice.
pub fn quantile_sorted_f64(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len();
    let first = *sorted.first()?;
    if n == 1 || !p.is_finite() {
        return Some(first);
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let x_lo = *sorted.get(lo)?;
    let x_hi = sorted.get(lo + 1).copied().unwrap_or(x_lo);
    Some(x_lo + (h - lo as f64) * (x_hi - x_lo))
}

/// Above this many values the binomial tail of [`median_ci95_ranks`] uses the normal
/// approximation with continuity correction (its rank error is at most one position there).
const EXACT_BINOMIAL_MAX_N: usize = 10_000;

/// The distribution-free 95% interval of a median from order statistics: the 0-based ranks
/// `(l - 1, n - l)` of the sorted sample, where l is the largest rank with
/// P(Binomial(n, 1/2) <= l - 1) <= 0.025, so the interval [x(l), x(n-l+1)] covers the population
/// median with probability at least 95% whatever the distribution. `None` when n < 6, where
/// even the sample extremes cover less than 95%.
pub fn median_ci95_ranks(n: usize) -> Option<(usize, usize)> {
    if n < 6 {
        return None;
    }
    let l = if n <= EXACT_BINOMIAL_MAX_N {
        // Accumulate the lower binomial tail in log space to stay clear of underflow.
        let nf = n as f64;
        let mut log_pmf = -nf * std::f64::consts::LN_2;
        let mut cdf = 0.0;
        let mut l = 0usize;
        for k in 0..n {
            cdf += log_pmf.exp();
            if cdf > 0.025 {
                break;
            }
            l = k + 1;
            log_pmf += ((n - k) as f64).ln() - ((k + 1) as f64).ln();
        }
        l
    } else {
        let nf = n as f64;
        // P(B <= l - 1) ~ Phi((l - 1 + 0.5 - n/2) / (sqrt(n)/2)) = 0.025.
        (nf / 2.0 - z95() * nf.sqrt() / 2.0 + 0.5).floor() as usize
    };
    if l == 0 || l > n / 2 {
        return None;
    }
    Some((l - 1, n - l))
}

/// Student t quantile of probability 0.975 with `df` degrees of freedom by the Cornish–Fisher
/// expansion (Hill 1970, four terms): within 0.002 of the exact value from 3 degrees of
/// freedom on (4: 2.775 against 2.776), rough below.
pub fn t975(df: usize) -> f64 {
    let z = 1.959_963_984_540_054f64;
    let v = df.max(1) as f64;
    let (z3, z5, z7, z9) = (z.powi(3), z.powi(5), z.powi(7), z.powi(9));
    z + (z3 + z) / (4.0 * v)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * v * v)
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * v.powi(3))
        + (79.0 * z9 + 776.0 * z7 + 1482.0 * z5 - 1920.0 * z3 - 945.0 * z) / (92_160.0 * v.powi(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn normal_quantile_known_values() {
        assert!(close(normal_quantile(0.975), 1.959_963_984_540_054, 1e-9));
        assert!(close(normal_quantile(0.5), 0.0, 1e-12));
        assert!(close(normal_quantile(0.001), -3.090_232_306_167_813, 1e-9));
        for p in [0.01, 0.1, 0.3, 0.7, 0.99] {
            assert!(close(normal_cdf(normal_quantile(p)), p, 1e-12));
        }
    }

    #[test]
    fn chi2_known_values() {
        // P(chi2_1 > 3.841459) = 0.05
        assert!(close(chi2_sf_1df(3.841_458_820_694_124), 0.05, 1e-9));
        assert_eq!(chi2_sf_1df(0.0), 1.0);
    }

    #[test]
    fn wilson_known_values() {
        // 8 of 10: Wilson 95% = (0.4902, 0.9433)
        let (lo, hi) = wilson95(8, 10).unwrap();
        assert!(close(lo, 0.4902, 1e-4), "{lo}");
        assert!(close(hi, 0.9433, 1e-4), "{hi}");
        assert_eq!(wilson95(0, 0), None);
        let (lo, hi) = wilson95(0, 5).unwrap();
        assert_eq!(lo, 0.0);
        assert!(hi > 0.4 && hi < 0.5);
    }

    #[test]
    fn median_ranks_known_values() {
        // n = 10: P(B <= 1) = 11/1024 = 0.0107 <= 0.025 < P(B <= 2) = 56/1024, so l = 2 and
        // the interval is [x(2), x(9)], 0-based ranks (1, 8).
        assert_eq!(median_ci95_ranks(10), Some((1, 8)));
        // n = 6: P(B <= 0) = 1/64 = 0.0156 <= 0.025 < P(B <= 1) = 7/64: the extremes.
        assert_eq!(median_ci95_ranks(6), Some((0, 5)));
        // n = 5: P(B <= 0) = 1/32 = 0.031 > 0.025: no interval.
        assert_eq!(median_ci95_ranks(5), None);
        assert_eq!(median_ci95_ranks(0), None);
        // n = 100: the textbook ranks are 40 and 61 (1-based).
        assert_eq!(median_ci95_ranks(100), Some((39, 60)));
        // The normal branch agrees with the exact one at the switch within one rank.
        let (a, _) = median_ci95_ranks(EXACT_BINOMIAL_MAX_N).unwrap();
        let (b, _) = median_ci95_ranks(EXACT_BINOMIAL_MAX_N + 1).unwrap();
        assert!(a.abs_diff(b) <= 1, "{a} {b}");
    }

    #[test]
    fn quantiles_type7() {
        // Sorted 10, 20, 30, 40: median h = 1.5 -> 20 + 0.5 * 10 = 25; p25 h = 0.75 -> 17.5.
        let xs = [10, 20, 30, 40];
        assert_eq!(quantile_sorted(&xs, 0.5), Some(25.0));
        assert_eq!(quantile_sorted(&xs, 0.25), Some(17.5));
        assert_eq!(quantile_sorted(&xs, 0.75), Some(32.5));
        assert_eq!(quantile_sorted(&[], 0.5), None);
        assert_eq!(quantile_sorted(&[7], 0.9), Some(7.0));
        assert_eq!(quantile_sorted_f64(&[1.0, 2.0, 4.0], 0.5), Some(2.0));
    }

    #[test]
    fn proportion_basics() {
        let p = Proportion::new(3, 4);
        assert_eq!(p.estimate, Some(0.75));
        assert!(p.ci95.is_some());
        assert_eq!(Proportion::new(0, 0).estimate, None);
    }
}
