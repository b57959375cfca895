//! Step-back verdicts by elapsed time: each validation history evaluated with the data ending at
//! several points around the step-back date D.
//!
//! A user runs the report while the step-back is going on: two days after D, a week after, when
//! the window W ends. `compared_to_usual` must then withhold a verdict it cannot support yet
//! (`too_early`) and give `as_usual` only once the window is over. This module measures, on
//! histories whose truth is known, how often each verdict is wrong at each data end, and what the
//! `too_early` rule protects against: the rule before it ("old": insufficient history /
//! significant log-rank / no reach-out and a wait longer than any before / else as usual) is
//! re-implemented here and applied to the same data.
//!
//! Each history is generated once (30 days after D) and cut at every data end E: the analysis
//! sees only what happened up to E (messages, conversations, calls), exactly as `--as-of E`
//! does, through the same functions [`walkaway_analysis::full::analyze_full`] composes
//! (adaptive G on the messages up to E, conversations, turns, calls, `stepback::stepback`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use walkaway_analysis::stepback::{
    self, ALPHA, ALPHA_EARLY, MIN_AFTER_REACH_OUTS, MIN_BEFORE_REACH_OUTS, StepbackInput,
    StepbackResult,
};
use walkaway_analysis::{MINUTE, StepbackConfig, calls, conversations, replies, sorted_messages};

use crate::civil::HOUR;
use crate::presets;
use crate::sim::{PARTNER, Scenario, Sim, USER, generate};
use crate::validate::wilson;

/// The window W of the validation (the default of `walkaway report`).
pub const WINDOW_DAYS: u32 = 14;

/// Data ends, in hours after D (negative: before D).
pub const DATA_ENDS_HOURS: [i64; 12] = [-48, 0, 6, 24, 48, 72, 120, 168, 240, 336, 504, 720];

/// Histories per scenario evaluated at every data end, by default (seeds 1..=N).
pub const DEFAULT_SEEDS: u64 = 300;

/// How a wait with no reach-out since D is called `later`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WaitRule {
    /// The wait exceeds every reach-out time he showed before D (shipped).
    LongerThanEver,
    /// His usual Kaplan–Meier curve gives less than this chance of still not having written
    /// after a wait this long.
    UsualSurvivalBelow(f64),
}

/// The thresholds of the rules that may call a difference before the window is over.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EarlyRule {
    /// Reach-outs since D needed for the log-rank test to count before the window is over.
    pub min_after: usize,
    /// Its significance level.
    pub alpha: f64,
    pub wait: WaitRule,
}

/// The rule as shipped in crates/analysis/src/stepback.rs.
pub const SHIPPED: EarlyRule = EarlyRule {
    min_after: MIN_AFTER_REACH_OUTS,
    alpha: ALPHA_EARLY,
    wait: WaitRule::LongerThanEver,
};

/// The alternatives compared with the shipped rule.
pub const EARLY_RULES: [EarlyRule; 9] = [
    SHIPPED,
    EarlyRule {
        alpha: ALPHA,
        ..SHIPPED
    },
    EarlyRule {
        min_after: 4,
        ..SHIPPED
    },
    EarlyRule {
        min_after: 5,
        ..SHIPPED
    },
    EarlyRule {
        min_after: 6,
        ..SHIPPED
    },
    EarlyRule {
        min_after: 8,
        ..SHIPPED
    },
    EarlyRule {
        wait: WaitRule::UsualSurvivalBelow(0.05),
        ..SHIPPED
    },
    EarlyRule {
        min_after: 5,
        alpha: 0.05,
        wait: WaitRule::UsualSurvivalBelow(0.05),
    },
    EarlyRule {
        min_after: 5,
        alpha: 0.01,
        wait: WaitRule::UsualSurvivalBelow(0.05),
    },
];

impl EarlyRule {
    fn describe(&self) -> String {
        let wait = match self.wait {
            WaitRule::LongerThanEver => "wait > longest before D".to_owned(),
            WaitRule::UsualSurvivalBelow(s) => format!("wait with usual S(wait) < {s}"),
        };
        format!(
            "≥ {} reach-outs, p < {}; {wait}{}",
            self.min_after,
            self.alpha,
            if *self == SHIPPED { " (shipped)" } else { "" }
        )
    }
}

/// Which branch of the rule gave a verdict (for the early false-change figures).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Branch {
    /// No verdict (null, insufficient history, too early).
    None,
    /// No reach-out since D and a wait longer than any reach-out time before D.
    LongestWait,
    /// Significant log-rank before the window is over (≥ MIN_AFTER_REACH_OUTS reach-outs).
    EarlyLogRank,
    /// Significant log-rank once the window is over.
    LogRank,
    /// The window is over and nothing differs.
    AsUsual,
}

/// What the rule reads from one step-back result: enough to re-apply it with other thresholds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Evidence {
    pub no_data_yet: bool,
    pub before_reach_outs: usize,
    pub after_reach_outs: usize,
    pub usual_median_hours: Option<f64>,
    pub elapsed_hours: f64,
    pub window_elapsed: bool,
    /// No reach-out since D and the current wait exceeds every reach-out time before D.
    pub waited_longer_than_ever: bool,
    /// With no reach-out since D: his usual curve (before D) at the current wait.
    pub usual_survival_at_wait: Option<f64>,
    /// Log-rank p and hazard ratio (after vs before), when the test exists.
    pub logrank: Option<(f64, f64)>,
}

impl Evidence {
    pub fn of(r: &StepbackResult) -> Evidence {
        let after_reach_outs = r.after.iter().filter(|s| s.is_reach_out()).count();
        let waited_longer_than_ever = after_reach_outs == 0
            && matches!((r.current_wait_hours, r.longest_usual_hours), (Some(w), Some(m)) if w > m);
        Evidence {
            no_data_yet: r.as_of <= r.start,
            before_reach_outs: r.before_reach_outs,
            after_reach_outs,
            usual_median_hours: r.usual_median_hours,
            elapsed_hours: r.elapsed_hours,
            window_elapsed: r.window_elapsed,
            waited_longer_than_ever,
            usual_survival_at_wait: r
                .current_wait_hours
                .filter(|_| after_reach_outs == 0 && !r.usual_curve.points.is_empty())
                .map(|w| r.usual_curve.s_at(w)),
            logrank: r.logrank.map(|l| (l.p, l.hazard_ratio)),
        }
    }

    fn direction(&self, alpha: f64) -> Option<&'static str> {
        self.logrank
            .filter(|(p, _)| *p < alpha)
            .map(|(_, hr)| if hr > 1.0 { "sooner" } else { "later" })
    }

    fn waited_too_long(&self, rule: WaitRule) -> bool {
        match rule {
            WaitRule::LongerThanEver => self.waited_longer_than_ever,
            WaitRule::UsualSurvivalBelow(s) => self.usual_survival_at_wait.is_some_and(|x| x < s),
        }
    }

    /// The current rule (crates/analysis/src/stepback.rs) with the thresholds of its early
    /// branches as parameters; with [`SHIPPED`] it is the shipped rule.
    pub fn rule(&self, early: EarlyRule) -> (&'static str, Branch) {
        if self.no_data_yet {
            ("null", Branch::None)
        } else if self.before_reach_outs < MIN_BEFORE_REACH_OUTS {
            ("insufficient_history", Branch::None)
        } else if self
            .usual_median_hours
            .is_some_and(|m| self.elapsed_hours < m)
        {
            ("too_early", Branch::None)
        } else if self.waited_too_long(early.wait) {
            ("later", Branch::LongestWait)
        } else if let Some(d) = self
            .direction(early.alpha)
            .filter(|_| self.after_reach_outs >= early.min_after)
        {
            (d, Branch::EarlyLogRank)
        } else if !self.window_elapsed {
            ("too_early", Branch::None)
        } else if let Some(d) = self.direction(ALPHA) {
            (d, Branch::LogRank)
        } else if self.after_reach_outs == 0 {
            ("too_early", Branch::None)
        } else {
            ("as_usual", Branch::AsUsual)
        }
    }

    /// The rule before `too_early` and `no_data_yet` existed (commit 52d5914^).
    pub fn old_rule(&self) -> &'static str {
        if self.before_reach_outs < MIN_BEFORE_REACH_OUTS {
            "insufficient_history"
        } else if let Some(d) = self.direction(ALPHA) {
            d
        } else if self.waited_longer_than_ever {
            "later"
        } else {
            "as_usual"
        }
    }
}

/// One history seen at one data end.
#[derive(Clone, Debug, PartialEq)]
pub struct Look {
    pub scenario: Scenario,
    pub seed: u64,
    /// Data end minus D, hours.
    pub elapsed_hours: i64,
    /// `compared_to_usual` as the analysis gave it ("null" for None).
    pub compared: &'static str,
    /// The same by the re-implemented rule (must equal `compared`).
    pub rule: &'static str,
    pub branch: Branch,
    /// What the old rule would have said.
    pub old: &'static str,
    pub outcome: &'static str,
    pub evidence: Evidence,
}

impl Look {
    pub fn truth(&self) -> &'static str {
        self.scenario.expected_compared()
    }
}

/// A definite verdict: sooner, later or as usual.
pub fn definite(v: &str) -> bool {
    matches!(v, "sooner" | "later" | "as_usual")
}

/// Whether the partner's behaviour changed at D in this scenario.
pub fn is_change(s: Scenario) -> bool {
    s.expected_compared() != "as_usual"
}

/// Analyses `sim` as if the data ended at `as_of` (the `--as-of` cut), window W = 14 days.
pub fn stepback_at(sim: &Sim, as_of: i64) -> Option<StepbackResult> {
    let d = sim.truth.stepback?;
    let w = crate::civil::wall_clock(d);
    let date = jiff::civil::Date::new(
        i16::try_from(w.year).ok()?,
        i8::try_from(w.month).ok()?,
        i8::try_from(w.day).ok()?,
    )
    .ok()?;
    let sb = StepbackConfig {
        start: d,
        date,
        window_days: WINDOW_DAYS,
        fast_reply: 30 * MINUTE,
    };
    let events = &sim.chat.events;
    let n_people = sim.chat.people.len().max(2);
    let msgs = sorted_messages(events, n_people, as_of);
    let (gap, _) = conversations::choose_gap(&msgs);
    let convs = conversations::segment(&msgs, events, gap);
    let turns = replies::turns(&msgs, &convs, gap, as_of);
    let calls = calls::calls(events, n_people, as_of);
    let monitoring = crate::validate::monitoring_events(sim);
    Some(stepback::stepback(&StepbackInput {
        msgs: &msgs,
        convs: &convs,
        turns: &turns,
        calls: &calls,
        events,
        me: USER,
        partner: PARTNER,
        config: &sb,
        as_of,
        activity: &[],
        monitoring_events: &monitoring,
        signal_hits: &[],
    }))
}

/// Every data end of one history.
pub fn looks(scenario: Scenario, seed: u64) -> Vec<Look> {
    let sim = generate(&presets::validation_params(seed, scenario));
    let Some(d) = sim.truth.stepback else {
        return Vec::new();
    };
    DATA_ENDS_HOURS
        .iter()
        .filter_map(|&h| {
            let r = stepback_at(&sim, d + h * HOUR)?;
            let ev = Evidence::of(&r);
            let (rule, branch) = ev.rule(SHIPPED);
            Some(Look {
                scenario,
                seed,
                elapsed_hours: h,
                compared: r.compared_to_usual.map_or("null", |c| c.as_str()),
                rule,
                branch,
                old: ev.old_rule(),
                outcome: r.outcome.as_str(),
                evidence: ev,
            })
        })
        .collect()
}

/// All looks of a run.
#[derive(Clone, Debug, Default)]
pub struct Report {
    pub seeds: u64,
    pub looks: Vec<Look>,
    pub seconds: f64,
}

/// Evaluates `seeds` histories per scenario (seeds 1..=seeds) at every data end.
pub fn run(seeds: u64, scenarios: &[Scenario]) -> Report {
    let started = std::time::Instant::now();
    let jobs: Vec<(Scenario, u64)> = scenarios
        .iter()
        .flat_map(|&s| (1..=seeds).map(move |seed| (s, seed)))
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let chunk = jobs.len().div_ceil(threads).max(1);
    let mut looks: Vec<Look> = std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .flat_map(|&(s, seed)| looks(s, seed))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    looks.sort_by_key(|l| (l.elapsed_hours, l.scenario as u8, l.seed));
    Report {
        seeds,
        looks,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// "12.3% (10.1–14.9)" with a Wilson interval; "–" when n = 0.
fn pct(k: usize, n: usize) -> String {
    if n == 0 {
        return "–".to_owned();
    }
    let (lo, hi) = wilson(k, n);
    format!(
        "{:.1}% ({:.1}–{:.1})",
        100.0 * k as f64 / n as f64,
        100.0 * lo,
        100.0 * hi
    )
}

fn share(k: usize, n: usize) -> String {
    if n == 0 {
        return "–".to_owned();
    }
    format!("{:.1}%", 100.0 * k as f64 / n as f64)
}

/// "D−2 d", "D", "D+6 h", "D+3 d".
pub fn label(h: i64) -> String {
    match h {
        0 => "D".to_owned(),
        h if h % 24 == 0 => format!("D{}{} d", if h < 0 { "−" } else { "+" }, h.abs() / 24),
        h => format!("D{}{} h", if h < 0 { "−" } else { "+" }, h.abs()),
    }
}

const VERDICTS: [&str; 6] = [
    "null",
    "insufficient_history",
    "too_early",
    "sooner",
    "as_usual",
    "later",
];

/// Counts of definite verdicts and wrong ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub looks: usize,
    pub definite: usize,
    pub wrong: usize,
}

impl Report {
    fn ends(&self) -> Vec<i64> {
        let mut v: Vec<i64> = self.looks.iter().map(|l| l.elapsed_hours).collect();
        v.dedup();
        v
    }

    fn scenarios(&self) -> Vec<Scenario> {
        Scenario::ALL
            .into_iter()
            .filter(|s| self.looks.iter().any(|l| l.scenario == *s))
            .collect()
    }

    fn at(&self, h: i64) -> impl Iterator<Item = &Look> {
        self.looks.iter().filter(move |l| l.elapsed_hours == h)
    }

    /// Looks whose reported verdict differs from the re-implemented rule (must be 0).
    pub fn rule_mismatches(&self) -> usize {
        self.looks.iter().filter(|l| l.compared != l.rule).count()
    }

    /// Definite verdicts and wrong ones among `looks`, by `verdict`.
    pub fn tally<'a>(
        looks: impl Iterator<Item = &'a Look>,
        verdict: impl Fn(&Look) -> &'static str,
    ) -> Tally {
        let mut t = Tally::default();
        for l in looks {
            t.looks += 1;
            let v = verdict(l);
            if definite(v) {
                t.definite += 1;
                if v != l.truth() {
                    t.wrong += 1;
                }
            }
        }
        t
    }

    /// `as_usual` verdicts given (new rule) and those where the truth is a change.
    pub fn as_usual_false(&self, from_hours: i64) -> (usize, usize) {
        let au: Vec<&Look> = self
            .looks
            .iter()
            .filter(|l| l.elapsed_hours >= from_hours && l.compared == "as_usual")
            .collect();
        (
            au.iter().filter(|l| is_change(l.scenario)).count(),
            au.len(),
        )
    }

    /// Before the window ends (0 < elapsed < W): looks at unchanged partners (as_before,
    /// monitoring) called sooner or later by `rule`, over all such looks.
    pub fn early_false_change(&self, rule: impl Fn(&Look) -> &'static str) -> (usize, usize) {
        let ls: Vec<&Look> = self.early_unchanged().collect();
        (
            ls.iter()
                .filter(|l| matches!(rule(l), "sooner" | "later"))
                .count(),
            ls.len(),
        )
    }

    fn early_unchanged(&self) -> impl Iterator<Item = &Look> {
        let w = i64::from(WINDOW_DAYS) * 24;
        self.looks
            .iter()
            .filter(move |l| l.elapsed_hours > 0 && l.elapsed_hours < w && !is_change(l.scenario))
    }

    /// Unchanged histories called sooner or later at *any* data end before the window ends (a
    /// user who looks at every one of those data ends).
    pub fn early_false_change_ever(&self, rule: impl Fn(&Look) -> &'static str) -> (usize, usize) {
        let mut by: BTreeMap<(u8, u64), bool> = BTreeMap::new();
        for l in self.early_unchanged() {
            let e = by.entry((l.scenario as u8, l.seed)).or_default();
            *e |= matches!(rule(l), "sooner" | "later");
        }
        (by.values().filter(|b| **b).count(), by.len())
    }

    /// Before the window ends: looks at changed partners given the right verdict by `rule`.
    pub fn early_power(
        &self,
        scenarios: &[Scenario],
        rule: impl Fn(&Look) -> &'static str,
    ) -> (usize, usize) {
        let w = i64::from(WINDOW_DAYS) * 24;
        let ls: Vec<&Look> = self
            .looks
            .iter()
            .filter(|l| {
                l.elapsed_hours > 0 && l.elapsed_hours < w && scenarios.contains(&l.scenario)
            })
            .collect();
        (ls.iter().filter(|l| rule(l) == l.truth()).count(), ls.len())
    }

    /// The whole section as Markdown.
    pub fn markdown(&self) -> String {
        let mut o = String::new();
        let histories = self.looks.len() / DATA_ENDS_HOURS.len().max(1);
        let _ = writeln!(
            o,
            "## Step-back verdicts by elapsed time: {} histories per scenario, {histories} \
             histories, {} data ends each ({} looks), W = {WINDOW_DAYS} days, {:.1} s\n",
            self.seeds,
            DATA_ENDS_HOURS.len(),
            self.looks.len(),
            self.seconds
        );
        let _ = writeln!(
            o,
            "Rule as shipped: too early below his usual median reach-out time; before the window \
             ends a difference needs a log-rank p < {ALPHA_EARLY} on at least {MIN_AFTER_REACH_OUTS} \
             reach-outs since D, or a wait longer than any before D. Re-implemented rule agrees \
             with the analysis on {} of {} looks.\n",
            self.looks.len() - self.rule_mismatches(),
            self.looks.len()
        );

        // 1. The distribution of compared_to_usual.
        let _ = writeln!(
            o,
            "### compared_to_usual by data end (share of histories)\n"
        );
        for s in self.scenarios() {
            let _ = writeln!(
                o,
                "#### {} (truth: {})\n\n| data end | n | {} | old rule: wrong |\n|---|---|{}---|",
                s.as_str(),
                s.expected_compared(),
                VERDICTS.join(" | "),
                "---|".repeat(VERDICTS.len())
            );
            for h in self.ends() {
                let ls: Vec<&Look> = self.at(h).filter(|l| l.scenario == s).collect();
                let n = ls.len();
                let _ = write!(o, "| {} | {n} |", label(h));
                for v in VERDICTS {
                    let k = ls.iter().filter(|l| l.compared == v).count();
                    let _ = write!(
                        o,
                        " {} |",
                        if k == 0 { "·".to_owned() } else { share(k, n) }
                    );
                }
                let old = Self::tally(ls.iter().copied(), |l| l.old);
                let _ = writeln!(o, " {} |", share(old.wrong, n));
            }
            let _ = writeln!(o);
        }

        // 2. Definite verdicts by data end, new rule against old.
        let _ = writeln!(
            o,
            "### Definite verdicts (sooner / later / as_usual) by data end, all six scenarios\n\n\
             *wrong* = a definite verdict that is not the truth of the scenario, over the definite \
             verdicts; *withheld, would have been wrong / right* = `too_early` (or `null`) where the \
             old rule gave a wrong / right definite verdict, over all looks.\n\n\
             | data end | looks | definite (now) | wrong among definite (now) | definite (old rule) | wrong among definite (old rule) | withheld, old would have been wrong | withheld, old would have been right |\n\
             |---|---|---|---|---|---|---|---|"
        );
        for h in self.ends() {
            let now = Self::tally(self.at(h), |l| l.compared);
            let old = Self::tally(self.at(h), |l| l.old);
            let withheld: Vec<&Look> = self
                .at(h)
                .filter(|l| matches!(l.compared, "too_early" | "null") && definite(l.old))
                .collect();
            let saved = withheld.iter().filter(|l| l.old != l.truth()).count();
            let cost = withheld.len() - saved;
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                label(h),
                now.looks,
                share(now.definite, now.looks),
                pct(now.wrong, now.definite),
                share(old.definite, old.looks),
                pct(old.wrong, old.definite),
                share(saved, now.looks),
                share(cost, now.looks)
            );
        }
        let w = i64::from(WINDOW_DAYS) * 24;
        let early = |l: &&Look| l.elapsed_hours < w;
        let now = Self::tally(self.looks.iter().filter(early), |l| l.compared);
        let old = Self::tally(self.looks.iter().filter(early), |l| l.old);
        let _ = writeln!(
            o,
            "\nBefore the window ends (all data ends < D+{WINDOW_DAYS} d pooled): a definite \
             verdict is wrong in {} of definite verdicts now, against {} under the old rule.",
            pct(now.wrong, now.definite),
            pct(old.wrong, old.definite)
        );

        // 3. as_usual.
        let (k, n) = self.as_usual_false(i64::MIN);
        let _ = writeln!(
            o,
            "\n### False-verdict rate of `as_usual`\n\n\
             Share of `as_usual` verdicts given where the truth is a change (sooner, later, never, \
             pursuit), with the six scenarios equally likely (four of them are changes): {} of \
             {n} `as_usual` verdicts (all data ends; `as_usual` is given only once the window is \
             over).\n\n\
             | data end | as_usual given | of which truth is a change | later called as_usual | never called as_usual | sooner called as_usual | pursuit called as_usual | old rule: as_usual false |\n\
             |---|---|---|---|---|---|---|---|",
            pct(k, n)
        );
        for h in self.ends() {
            let au: Vec<&Look> = self.at(h).filter(|l| l.compared == "as_usual").collect();
            let bad = au.iter().filter(|l| is_change(l.scenario)).count();
            let miss = |s: Scenario| {
                let ls: Vec<&Look> = self.at(h).filter(|l| l.scenario == s).collect();
                share(
                    ls.iter().filter(|l| l.compared == "as_usual").count(),
                    ls.len(),
                )
            };
            let old_au: Vec<&Look> = self.at(h).filter(|l| l.old == "as_usual").collect();
            let old_bad = old_au.iter().filter(|l| is_change(l.scenario)).count();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                label(h),
                au.len(),
                pct(bad, au.len()),
                miss(Scenario::Later),
                miss(Scenario::Never),
                miss(Scenario::Sooner),
                miss(Scenario::Pursuit),
                pct(old_bad, old_au.len())
            );
        }

        // 4. Early false change and the early rule's threshold.
        let _ = writeln!(
            o,
            "\n### Early false-change rate (before the window ends)\n\n\
             Unchanged partners (as_before, monitoring) called sooner or later at D+6 h … D+10 d, \
             by the branch of the rule that gave the verdict.\n\n\
             | data end | looks | sooner/later (any branch) | by the early log-rank (≥ {MIN_AFTER_REACH_OUTS} reach-outs, p < {ALPHA_EARLY}) | by the longest wait |\n\
             |---|---|---|---|---|"
        );
        for h in self.ends().into_iter().filter(|h| *h > 0 && *h < w) {
            let ls: Vec<&Look> = self.at(h).filter(|l| !is_change(l.scenario)).collect();
            let any = ls
                .iter()
                .filter(|l| matches!(l.compared, "sooner" | "later"))
                .count();
            let lr = ls
                .iter()
                .filter(|l| l.branch == Branch::EarlyLogRank)
                .count();
            let lw = ls
                .iter()
                .filter(|l| l.branch == Branch::LongestWait)
                .count();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                label(h),
                ls.len(),
                pct(any, ls.len()),
                pct(lr, ls.len()),
                pct(lw, ls.len())
            );
        }
        let _ = writeln!(
            o,
            "\n#### The early rules' thresholds\n\n\
             Each row re-applies the rule to the same looks with other thresholds for its two \
             early branches (the log-rank test before the window is over, and the wait with no \
             reach-out since D). *False change* (unchanged partners called sooner or later), \
             *per look*: pooled over D+6 h … D+10 d; *ever*: histories called sooner or later at \
             one or more of those data ends (a user who looks every time); *after W*: per look at \
             D+14, 21, 30 d. *Right early*: changed partners given the right verdict at \
             D+6 h … D+10 d.\n\n\
             | early rules | false change, per look | false change, ever (by D+10 d) | false change after W | right early: sooner + pursuit | right early: later | right early: never | wrong among early definite |\n\
             |---|---|---|---|---|---|---|---|"
        );
        for rule in EARLY_RULES {
            let v = |l: &Look| l.evidence.rule(rule).0;
            let (fk, fn_) = self.early_false_change(v);
            let (ek, en) = self.early_false_change_ever(v);
            let late: Vec<&Look> = self
                .looks
                .iter()
                .filter(|l| l.elapsed_hours >= w && !is_change(l.scenario))
                .collect();
            let lk = late
                .iter()
                .filter(|l| matches!(v(l), "sooner" | "later"))
                .count();
            let (sk, sn) = self.early_power(&[Scenario::Sooner, Scenario::Pursuit], v);
            let (rk, rn) = self.early_power(&[Scenario::Later], v);
            let (nk, nn) = self.early_power(&[Scenario::Never], v);
            let all = Self::tally(
                self.looks
                    .iter()
                    .filter(|l| l.elapsed_hours > 0 && l.elapsed_hours < w),
                v,
            );
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                rule.describe(),
                pct(fk, fn_),
                pct(ek, en),
                pct(lk, late.len()),
                share(sk, sn),
                share(rk, rn),
                share(nk, nn),
                pct(all.wrong, all.definite)
            );
        }
        let old = |l: &Look| l.old;
        let (fk, fn_) = self.early_false_change(old);
        let (ek, en) = self.early_false_change_ever(old);
        let late: Vec<&Look> = self
            .looks
            .iter()
            .filter(|l| l.elapsed_hours >= w && !is_change(l.scenario))
            .collect();
        let lk = late
            .iter()
            .filter(|l| matches!(old(l), "sooner" | "later"))
            .count();
        let (sk, sn) = self.early_power(&[Scenario::Sooner, Scenario::Pursuit], old);
        let (rk, rn) = self.early_power(&[Scenario::Later], old);
        let (nk, nn) = self.early_power(&[Scenario::Never], old);
        let all = Self::tally(
            self.looks
                .iter()
                .filter(|l| l.elapsed_hours > 0 && l.elapsed_hours < w),
            old,
        );
        let _ = writeln!(
            o,
            "| old rule (no too_early) | {} | {} | {} | {} | {} | {} | {} |",
            pct(fk, fn_),
            pct(ek, en),
            pct(lk, late.len()),
            share(sk, sn),
            share(rk, rn),
            share(nk, nn),
            pct(all.wrong, all.definite)
        );

        // 5. Outcomes by data end (pooled over scenarios would hide the point: per scenario).
        let _ = writeln!(
            o,
            "\n### outcome by data end\n\n| scenario | data end | {} |\n|---|---|{}",
            OUTCOMES.join(" | "),
            "---|".repeat(OUTCOMES.len())
        );
        for s in self.scenarios() {
            for h in self.ends() {
                let ls: Vec<&Look> = self.at(h).filter(|l| l.scenario == s).collect();
                let _ = write!(o, "| {} | {} |", s.as_str(), label(h));
                for c in OUTCOMES {
                    let k = ls.iter().filter(|l| l.outcome == c).count();
                    let _ = write!(
                        o,
                        " {} |",
                        if k == 0 {
                            "·".to_owned()
                        } else {
                            k.to_string()
                        }
                    );
                }
                let _ = writeln!(o);
            }
        }
        o
    }
}

const OUTCOMES: [&str; 8] = [
    "no_data_yet",
    "plan_not_kept",
    "monitoring",
    "pursuit_intensified",
    "reached_out",
    "replied_only",
    "no_contact",
    "still_open",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(label(-48), "D−2 d");
        assert_eq!(label(0), "D");
        assert_eq!(label(6), "D+6 h");
        assert_eq!(label(720), "D+30 d");
    }

    #[test]
    fn old_rule_calls_no_data_as_usual_and_new_rule_gives_null() {
        let ev = Evidence {
            no_data_yet: true,
            before_reach_outs: 100,
            after_reach_outs: 0,
            usual_median_hours: Some(20.0),
            elapsed_hours: 0.0,
            window_elapsed: false,
            waited_longer_than_ever: false,
            usual_survival_at_wait: None,
            logrank: None,
        };
        assert_eq!(ev.rule(SHIPPED).0, "null");
        assert_eq!(ev.old_rule(), "as_usual");
    }
}
