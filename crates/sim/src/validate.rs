//! Validation: how often does the analysis recover behaviour that is known to be true?
//!
//! For every scenario and seed a history is generated, analysed by the real pipeline
//! (`walkaway_analysis::analyze`, the silences, the forecast and the step-back experiment), and
//! the verdicts are compared with the generator's truth: the accuracy of `compared_to_usual`,
//! the false-change rate (an unchanged partner called sooner or later), the coverage of the
//! forecast's 95% interval for the true median reach-out time before D, and the outcomes.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use walkaway_analysis::stepback::{self, StepbackInput, split_silences};
use walkaway_analysis::survival::{forecast, silences};
use walkaway_analysis::{Config, MINUTE, StepbackConfig, analyze};

use crate::presets;
use crate::sim::{PARTNER, Scenario, Sim, USER, generate};

/// Bootstrap replicates used during validation: the bootstrap only feeds the effort balance
/// interval, which validation does not score, so a small number keeps the run fast.
pub const VALIDATION_BOOTSTRAP_REPS: u32 = 20;

/// What the analysis said about one simulated history.
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    pub scenario: Scenario,
    pub seed: u64,
    pub compared: &'static str,
    pub outcome: &'static str,
    /// Conversation gap G chosen by the analysis, milliseconds.
    pub gap: i64,
    /// Forecast before D: median and 95% interval (hours), when the forecast has them.
    pub forecast_median: Option<f64>,
    pub forecast_ci: Option<(f64, f64)>,
    /// Lower end of the interval when its upper end is not reached (the report then shows the
    /// one-sided interval [lower, ∞)).
    pub forecast_lower: Option<f64>,
    pub true_median_before: f64,
    pub before_reach_outs: usize,
    /// Breaches the analysis found (the generator makes none in validation histories).
    pub breaches: usize,
}

impl Trial {
    /// True when the 95% interval contains the true median; None when there is no interval.
    pub fn covered(&self) -> Option<bool> {
        self.forecast_ci
            .map(|(lo, hi)| lo <= self.true_median_before && self.true_median_before <= hi)
    }

    /// True when the interval the report shows contains the true median: the two-sided one,
    /// or [lower, ∞) when the upper end is not reached; None when neither end exists.
    pub fn covered_as_reported(&self) -> Option<bool> {
        self.covered()
            .or_else(|| self.forecast_lower.map(|lo| lo <= self.true_median_before))
    }
}

/// Runs the analysis on one simulated history; `gap` overrides the adaptive conversation gap.
pub fn analyse(sim: &Sim, gap: Option<i64>) -> Option<Trial> {
    let t = &sim.truth;
    let d = t.stepback?;
    let date = {
        let w = crate::civil::wall_clock(d);
        jiff::civil::Date::new(
            i16::try_from(w.year).ok()?,
            i8::try_from(w.month).ok()?,
            i8::try_from(w.day).ok()?,
        )
        .ok()?
    };
    let sb = StepbackConfig {
        start: d,
        date,
        window_days: 14,
        fast_reply: 30 * MINUTE,
    };
    let mut cfg = Config::new(USER, Some(PARTNER), t.as_of);
    cfg.bootstrap_reps = VALIDATION_BOOTSTRAP_REPS;
    cfg.gap = gap;
    cfg.stepback = Some(sb.clone());
    let events = &sim.chat.events;
    let a = analyze(events, &sim.chat.people, &cfg);
    let all = silences(&a.convs, USER, Some(PARTNER), t.as_of);
    let (before, _) = split_silences(&all, d);
    let f = forecast(&before);
    let monitoring = monitoring_events(sim);
    let calls = walkaway_analysis::calls::calls(events, sim.chat.people.len(), t.as_of);
    let r = stepback::stepback(&StepbackInput {
        msgs: &a.msgs,
        convs: &a.convs,
        turns: &a.turns,
        calls: &calls,
        events,
        me: USER,
        partner: PARTNER,
        config: &sb,
        as_of: t.as_of,
        activity: &[],
        monitoring_events: &monitoring,
        signal_hits: &[],
    });
    Some(Trial {
        scenario: t.scenario,
        seed: 0,
        compared: r.compared_to_usual.map_or("null", |c| c.as_str()),
        outcome: r.outcome.as_str(),
        gap: a.conversations.gap,
        forecast_median: f.median_hours,
        forecast_ci: f.ci95_hours,
        forecast_lower: if f.ci95_hours.is_none() {
            f.ci95_lower_hours
        } else {
            None
        },
        true_median_before: t.partner_median_before_hours,
        before_reach_outs: r.before_reach_outs,
        breaches: r.breaches.len(),
    })
}

/// Partner messages after D that carry a monitoring line the scenario injected. The signal
/// detector is validated on its own labelled sets; here the step-back logic is under test, so
/// the injected lines are marked directly.
pub fn monitoring_events(sim: &Sim) -> Vec<usize> {
    let d = sim.truth.stepback.unwrap_or(i64::MAX);
    sim.chat
        .events
        .iter_texts()
        .enumerate()
        .filter(|(_, (e, _))| e.ts >= d && e.sender == Some(PARTNER))
        .filter(|(_, (_, text))| presets::MONITORING_LINES.contains(text))
        .map(|(i, _)| i)
        .collect()
}

/// All trials of a validation run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub seeds: u64,
    /// The gap override in milliseconds, None = adaptive G.
    pub gap: Option<i64>,
    pub trials: Vec<Trial>,
    pub seconds: f64,
}

/// Generates and analyses `seeds` histories per scenario (all six scenarios).
pub fn run(seeds: u64, gap: Option<i64>) -> Report {
    run_scenarios(seeds, &Scenario::ALL, gap)
}

/// Generates and analyses `seeds` histories for each of `scenarios` (seeds 1..=seeds).
pub fn run_scenarios(seeds: u64, scenarios: &[Scenario], gap: Option<i64>) -> Report {
    let started = std::time::Instant::now();
    let jobs: Vec<(Scenario, u64)> = scenarios
        .iter()
        .flat_map(|&s| (1..=seeds).map(move |seed| (s, seed)))
        .collect();
    let one = |&(s, seed): &(Scenario, u64)| {
        let sim = generate(&presets::validation_params(seed, s));
        analyse(&sim, gap).map(|mut t| {
            t.seed = seed;
            t
        })
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let chunk = jobs.len().div_ceil(threads).max(1);
    let trials: Vec<Trial> = std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().filter_map(one).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    Report {
        seeds,
        gap,
        trials,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Wilson 95% interval of k successes in n.
pub fn wilson(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (k as f64, n as f64);
    let z = 1.959_964;
    let p = k / n;
    let den = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / den;
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / den;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

fn pct(k: usize, n: usize) -> String {
    if n == 0 {
        return "n/a".to_owned();
    }
    let (lo, hi) = wilson(k, n);
    format!(
        "{:.1}% ({:.1}–{:.1})",
        100.0 * k as f64 / n as f64,
        100.0 * lo,
        100.0 * hi
    )
}

const COMPARISONS: [&str; 4] = ["sooner", "as_usual", "later", "insufficient_history"];
const OUTCOMES: [&str; 7] = [
    "plan_not_kept",
    "monitoring",
    "pursuit_intensified",
    "reached_out",
    "replied_only",
    "no_contact",
    "still_open",
];

impl Report {
    fn of(&self, s: Scenario) -> Vec<&Trial> {
        self.trials.iter().filter(|t| t.scenario == s).collect()
    }

    fn scenarios(&self) -> Vec<Scenario> {
        Scenario::ALL
            .into_iter()
            .filter(|s| self.trials.iter().any(|t| t.scenario == *s))
            .collect()
    }

    /// Share of histories whose `compared_to_usual` is the expected verdict.
    pub fn accuracy(&self, s: Scenario) -> (usize, usize) {
        let ts = self.of(s);
        let ok = ts
            .iter()
            .filter(|t| t.compared == s.expected_compared())
            .count();
        (ok, ts.len())
    }

    /// Unchanged partners (as_before) called sooner or later.
    pub fn false_change(&self) -> (usize, usize) {
        let ts = self.of(Scenario::AsBefore);
        let k = ts
            .iter()
            .filter(|t| t.compared == "sooner" || t.compared == "later")
            .count();
        (k, ts.len())
    }

    /// Histories whose forecast interval (before D) contains the true median, over all
    /// histories (a missing interval counts as not covering).
    pub fn coverage(&self) -> (usize, usize) {
        let k = self
            .trials
            .iter()
            .filter(|t| t.covered() == Some(true))
            .count();
        (k, self.trials.len())
    }

    /// Histories whose reported interval (two-sided, or one-sided [lower, ∞) when the upper end
    /// is not reached) contains the true median, over all histories (no interval = a miss).
    pub fn coverage_as_reported(&self) -> (usize, usize) {
        let k = self
            .trials
            .iter()
            .filter(|t| t.covered_as_reported() == Some(true))
            .count();
        (k, self.trials.len())
    }

    /// The same, over the histories whose forecast has a two-sided interval.
    pub fn coverage_given_interval(&self) -> (usize, usize) {
        let with: Vec<_> = self.trials.iter().filter_map(Trial::covered).collect();
        (with.iter().filter(|c| **c).count(), with.len())
    }

    /// The whole report as Markdown.
    pub fn markdown(&self) -> String {
        let mut o = String::new();
        let n = self.trials.len();
        let gap = self.gap.map_or("adaptive G".to_owned(), |g| {
            format!("G fixed at {} min", g / 60_000)
        });
        let _ = writeln!(
            o,
            "## walkaway-sim validate: {} seeds per scenario, {n} histories, {gap}, {:.1} s\n",
            self.seeds, self.seconds
        );
        let _ = writeln!(
            o,
            "### compared_to_usual\n\n| scenario | expected | n | sooner | as_usual | later | insufficient_history | accuracy (95% CI) |\n|---|---|---|---|---|---|---|---|"
        );
        for s in self.scenarios() {
            let ts = self.of(s);
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for t in &ts {
                *counts.entry(t.compared).or_default() += 1;
            }
            let (ok, total) = self.accuracy(s);
            let _ = write!(
                o,
                "| {} | {} | {} |",
                s.as_str(),
                s.expected_compared(),
                total
            );
            for c in COMPARISONS {
                let _ = write!(o, " {} |", counts.get(c).copied().unwrap_or(0));
            }
            let _ = writeln!(o, " {} |", pct(ok, total));
        }
        let (fk, fn_) = self.false_change();
        let (ck, cn) = self.coverage();
        let (gk, gn) = self.coverage_given_interval();
        let (rk, rn) = self.coverage_as_reported();
        let _ = writeln!(
            o,
            "\n- false-change rate (as_before called sooner or later): {} (target ≤ 5%)",
            pct(fk, fn_)
        );
        let _ = writeln!(
            o,
            "- forecast 95% interval (silences before D) covers the true median: {} of all \
             histories, a missing interval counted as a miss (target ≥ 90%); {} of the {gn} \
             histories with a two-sided interval",
            pct(ck, cn),
            pct(gk, gn)
        );
        let _ = writeln!(
            o,
            "- the interval as the report shows it (two-sided, or [lower, ∞) when the upper end is \
             not reached; no interval counted as a miss) covers the true median: {} of all histories",
            pct(rk, rn)
        );
        let _ = writeln!(
            o,
            "\n### outcome\n\n| scenario | n | {} |\n|---|---|{}",
            OUTCOMES.join(" | "),
            "---|".repeat(OUTCOMES.len())
        );
        for s in self.scenarios() {
            let ts = self.of(s);
            let _ = write!(o, "| {} | {} |", s.as_str(), ts.len());
            for c in OUTCOMES {
                let k = ts.iter().filter(|t| t.outcome == c).count();
                let _ = write!(o, " {k} |");
            }
            let _ = writeln!(o);
        }
        let _ = writeln!(
            o,
            "\n### forecast before D\n\n| scenario | n | with interval | covers true median | median |log error| | partner reach-outs before D (median) | gap G in minutes (median) | breaches found |\n|---|---|---|---|---|---|---|---|"
        );
        for s in self.scenarios() {
            let ts = self.of(s);
            let with_ci = ts.iter().filter(|t| t.forecast_ci.is_some()).count();
            let cov = ts.iter().filter(|t| t.covered() == Some(true)).count();
            let mut errs: Vec<f64> = ts
                .iter()
                .filter_map(|t| {
                    t.forecast_median
                        .map(|m| (m / t.true_median_before).ln().abs())
                })
                .collect();
            let mut ros: Vec<f64> = ts.iter().map(|t| t.before_reach_outs as f64).collect();
            let mut gaps: Vec<f64> = ts.iter().map(|t| t.gap as f64 / 60_000.0).collect();
            let breaches: usize = ts.iter().map(|t| t.breaches).sum();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {:.3} | {:.0} | {:.0} | {} |",
                s.as_str(),
                ts.len(),
                with_ci,
                pct(cov, ts.len()),
                median(&mut errs).unwrap_or(f64::NAN),
                median(&mut ros).unwrap_or(f64::NAN),
                median(&mut gaps).unwrap_or(f64::NAN),
                breaches
            );
        }
        o
    }
}

fn median(v: &mut [f64]) -> Option<f64> {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return None;
    }
    let hi = *v.get(n / 2)?;
    if n % 2 == 1 {
        Some(hi)
    } else {
        Some((*v.get(n / 2 - 1)? + hi) / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_brackets_the_share() {
        let (lo, hi) = wilson(5, 100);
        assert!(lo < 0.05 && 0.05 < hi);
        assert_eq!(wilson(0, 0), (0.0, 1.0));
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&mut []), None);
    }
}
