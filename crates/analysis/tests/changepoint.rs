//! PELT change points on synthetic weekly series with a known change (found within ±1 week)
//! and without one (no false change over several seeds), and PELT's pruning checked against
//! the unpruned optimal-partition search.

use walkaway_analysis::changepoint::{
    BinomialCost, PoissonCost, SegmentCost, binomial_changes, default_penalty, lognormal_changes,
    pelt, poisson_changes,
};
use walkaway_analysis::rng::SplitMix64;

fn poisson(rng: &mut SplitMix64, lambda: f64) -> u64 {
    // Knuth's multiplication method (fine for the small rates used here).
    let l = (-lambda).exp();
    let mut k = 0u64;
    let mut p = 1.0;
    loop {
        p *= rng.unit();
        if p <= l {
            return k;
        }
        k += 1;
    }
}

fn binomial(rng: &mut SplitMix64, n: u64, p: f64) -> u64 {
    (0..n).filter(|_| rng.unit() < p).count() as u64
}

fn normal(rng: &mut SplitMix64) -> f64 {
    let u1 = rng.unit().max(1e-300);
    let u2 = rng.unit();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

#[test]
fn poisson_change_found_within_one_week() {
    for seed in 1..=8u64 {
        let mut rng = SplitMix64::new(seed);
        let counts: Vec<u64> = (0..52)
            .map(|w| poisson(&mut rng, if w < 26 { 3.0 } else { 9.0 }))
            .collect();
        let ch = poisson_changes(&counts);
        assert_eq!(ch.len(), 1, "seed {seed}: {ch:?}");
        assert!(ch[0].index.abs_diff(26) <= 1, "seed {seed}: {ch:?}");
        assert!(
            ch[0].before_level < 5.0 && ch[0].after_level > 7.0,
            "{ch:?}"
        );
    }
}

#[test]
fn binomial_change_found_within_one_week() {
    for seed in 1..=8u64 {
        let mut rng = SplitMix64::new(100 + seed);
        let n: Vec<u64> = (0..40).map(|_| 10 + rng.below(10) as u64).collect();
        let k: Vec<u64> = n
            .iter()
            .enumerate()
            .map(|(w, &ni)| binomial(&mut rng, ni, if w < 20 { 0.7 } else { 0.3 }))
            .collect();
        let ch = binomial_changes(&k, &n);
        assert_eq!(ch.len(), 1, "seed {seed}: {ch:?}");
        assert!(ch[0].index.abs_diff(20) <= 1, "seed {seed}: {ch:?}");
        assert!(
            ch[0].before_level > 0.6 && ch[0].after_level < 0.4,
            "{ch:?}"
        );
    }
}

#[test]
fn lognormal_change_found_with_missing_weeks() {
    for seed in 1..=8u64 {
        let mut rng = SplitMix64::new(200 + seed);
        let values: Vec<Option<f64>> = (0..50)
            .map(|w| {
                if w % 7 == 5 {
                    return None;
                }
                let mu = if w < 30 { 600f64.ln() } else { 3600f64.ln() };
                Some((mu + 0.5 * normal(&mut rng)).exp())
            })
            .collect();
        let ch = lognormal_changes(&values);
        assert_eq!(ch.len(), 1, "seed {seed}: {ch:?}");
        // Weeks 5, 12, ..., 47 have no data; indices still refer to the original weeks.
        assert!(ch[0].index.abs_diff(30) <= 1, "seed {seed}: {ch:?}");
        assert!(
            ch[0].before_level < 1200.0 && ch[0].after_level > 1800.0,
            "{ch:?}"
        );
    }
}

#[test]
fn stationary_series_give_no_change() {
    for seed in 1..=10u64 {
        let mut rng = SplitMix64::new(1000 + seed);
        let counts: Vec<u64> = (0..52).map(|_| poisson(&mut rng, 5.0)).collect();
        assert!(poisson_changes(&counts).is_empty(), "poisson seed {seed}");
        let n: Vec<u64> = (0..52).map(|_| 5 + rng.below(15) as u64).collect();
        let k: Vec<u64> = n.iter().map(|&ni| binomial(&mut rng, ni, 0.55)).collect();
        assert!(binomial_changes(&k, &n).is_empty(), "binomial seed {seed}");
        let v: Vec<Option<f64>> = (0..52)
            .map(|_| Some((900f64.ln() + 0.7 * normal(&mut rng)).exp()))
            .collect();
        assert!(lognormal_changes(&v).is_empty(), "lognormal seed {seed}");
    }
}

#[test]
fn short_and_degenerate_series() {
    assert!(poisson_changes(&[]).is_empty());
    assert!(poisson_changes(&[1, 50, 50, 50, 50]).is_empty()); // n < 2 × 3
    assert!(binomial_changes(&[0; 10], &[0; 10]).is_empty());
    assert!(lognormal_changes(&[None; 20]).is_empty());
    assert!(lognormal_changes(&[Some(5.0); 20]).is_empty());
    // k > n is clamped, not a panic.
    let _ = binomial_changes(&[9, 9, 9, 9, 9, 9, 9], &[1, 1, 1, 1, 1, 1, 1]);
    // A clean step is found exactly, and the minimum segment length is respected.
    let counts = [0, 0, 0, 0, 0, 0, 20, 20, 20, 20, 20, 20];
    let ch = poisson_changes(&counts);
    assert_eq!(ch.len(), 1);
    assert_eq!(ch[0].index, 6);
    assert_eq!((ch[0].before_level, ch[0].after_level), (0.0, 20.0));
    let spike = [5, 5, 5, 5, 5, 60, 5, 5, 5, 5, 5, 5];
    let cps = pelt(
        &PoissonCost::new(&spike),
        spike.len(),
        3,
        default_penalty(spike.len()),
    );
    let mut bounds = vec![0];
    bounds.extend(&cps);
    bounds.push(spike.len());
    assert!(bounds.windows(2).all(|w| w[1] - w[0] >= 3), "{cps:?}");
}

/// Unpruned optimal partitioning with a minimum segment length: the exact answer.
fn optimal_partition(cost: &dyn SegmentCost, n: usize, m: usize, beta: f64) -> (f64, Vec<usize>) {
    let mut f = vec![f64::INFINITY; n + 1];
    let mut prev = vec![0usize; n + 1];
    f[0] = -beta;
    for t in m..=n {
        for tau in 0..=t - m {
            if tau != 0 && tau < m {
                continue;
            }
            let v = f[tau] + cost.cost(tau, t) + beta;
            if v < f[t] {
                f[t] = v;
                prev[t] = tau;
            }
        }
    }
    let mut cps = Vec::new();
    let mut t = n;
    while t > 0 && prev[t] > 0 {
        cps.push(prev[t]);
        t = prev[t];
    }
    cps.reverse();
    (f[n], cps)
}

fn total_cost(cost: &dyn SegmentCost, n: usize, cps: &[usize], beta: f64) -> f64 {
    let mut b = vec![0];
    b.extend(cps);
    b.push(n);
    b.windows(2).map(|w| cost.cost(w[0], w[1])).sum::<f64>() + beta * cps.len() as f64
}

#[test]
fn pelt_pruning_is_exact() {
    for seed in 0..60u64 {
        let mut rng = SplitMix64::new(seed);
        let n = 6 + rng.below(40);
        let m = 1 + rng.below(4);
        let beta = [1.0, 3.0, default_penalty(n), 20.0][rng.below(4)];
        let lam = [1.0, 4.0, 10.0];
        let counts: Vec<u64> = (0..n)
            .map(|w| poisson(&mut rng, lam[(w * 3 / n + seed as usize) % 3]))
            .collect();
        let cost = PoissonCost::new(&counts);
        let got = pelt(&cost, n, m, beta);
        let (best, exact) = optimal_partition(&cost, n, m, beta);
        if n >= 2 * m {
            let got_cost = total_cost(&cost, n, &got, beta);
            assert!(
                (got_cost - best).abs() < 1e-6,
                "seed {seed}: {got:?} vs {exact:?}"
            );
        }
        let trials: Vec<u64> = (0..n).map(|_| 1 + rng.below(12) as u64).collect();
        let succ: Vec<u64> = trials.iter().map(|&t| binomial(&mut rng, t, 0.5)).collect();
        let bc = BinomialCost::new(&succ, &trials);
        let got = pelt(&bc, n, m, beta);
        let (best, _) = optimal_partition(&bc, n, m, beta);
        if n >= 2 * m {
            assert!(
                (total_cost(&bc, n, &got, beta) - best).abs() < 1e-6,
                "binomial seed {seed}"
            );
        }
    }
}
