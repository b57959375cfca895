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
    let lo = if k == 0 { 0.0 } else { (center - half).max(0.0) };
    let hi = if k as f64 == n { 1.0 } else { (center + half).min(1.0) };
    Some((lo, hi))
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
}
