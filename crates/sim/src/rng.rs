//! The simulator's own random numbers.
//!
//! Simulated histories must be byte-identical on every machine and every crate upgrade (the demo
//! files are committed and a test compares them), so the generator is fixed here: SplitMix64
//! (Steele et al. 2014) for the bits, Box-Muller for normal draws, and the usual transforms for
//! lognormal, exponential and geometric draws.

/// A seedable SplitMix64 stream (the analysis crate's generator) with the draws the simulator
/// needs.
#[derive(Clone, Debug)]
pub struct Rng(walkaway_analysis::rng::SplitMix64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(walkaway_analysis::rng::SplitMix64::new(seed))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform float in the open interval (0, 1), so that logarithms are always finite.
    pub fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform float in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Uniform integer in `0..n`; 0 when `n` is 0.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        ((self.next_u64() >> 32).wrapping_mul(n as u64) >> 32) as usize
    }

    /// A uniformly chosen element, `None` for an empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let i = self.below(items.len());
        items.get(i)
    }

    /// Standard normal draw (Box-Muller, one of the pair).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit();
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Lognormal draw with the given median and log-scale standard deviation.
    pub fn lognormal(&mut self, median: f64, sigma: f64) -> f64 {
        median * (sigma * self.normal()).exp()
    }

    /// Exponential draw with the given mean.
    pub fn exponential(&mut self, mean: f64) -> f64 {
        -mean * self.unit().ln()
    }

    /// Number of failures before the first success when each try continues with probability
    /// `p_continue` (a geometric count with mean p/(1-p)); capped at `cap`.
    pub fn geometric(&mut self, p_continue: f64, cap: u32) -> u32 {
        let mut k = 0;
        while k < cap && self.chance(p_continue) {
            k += 1;
        }
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn lognormal_median_is_the_median() {
        let mut r = Rng::new(7);
        let n = 20_000;
        let below = (0..n).filter(|_| r.lognormal(10.0, 0.8) < 10.0).count();
        let share = below as f64 / n as f64;
        assert!((share - 0.5).abs() < 0.02, "share below the median {share}");
    }

    #[test]
    fn unit_is_open_and_below_is_in_range() {
        let mut r = Rng::new(1);
        for _ in 0..10_000 {
            let u = r.unit();
            assert!(u > 0.0 && u < 1.0);
            assert!(r.below(7) < 7);
        }
        assert_eq!(r.below(0), 0);
        assert!(r.pick::<u8>(&[]).is_none());
    }

    #[test]
    fn exponential_mean() {
        let mut r = Rng::new(3);
        let n = 20_000;
        let mean = (0..n).map(|_| r.exponential(2.0)).sum::<f64>() / n as f64;
        assert!((mean - 2.0).abs() < 0.1, "mean {mean}");
    }
}
