//! A small, fixed validation run: the obviously-right answers must come out of the real
//! analysis pipeline on simulated histories with known behaviour.

use walkaway_sim::Scenario;
use walkaway_sim::validate::{Report, Trial, run_scenarios};

fn trials(r: &Report, s: Scenario) -> Vec<&Trial> {
    r.trials.iter().filter(|t| t.scenario == s).collect()
}

#[test]
fn obvious_cases_are_recognised() {
    let r = run_scenarios(5, &Scenario::ALL, None);
    assert_eq!(r.trials.len(), 30);

    for t in trials(&r, Scenario::Never) {
        assert_eq!(t.outcome, "no_contact", "never, seed {}", t.seed);
        assert_eq!(t.compared, "later", "never, seed {}", t.seed);
    }
    for t in trials(&r, Scenario::Sooner) {
        assert_eq!(t.compared, "sooner", "sooner, seed {}", t.seed);
    }
    for t in trials(&r, Scenario::Pursuit) {
        assert_eq!(t.compared, "sooner", "pursuit, seed {}", t.seed);
    }
    let monitoring = trials(&r, Scenario::Monitoring);
    assert!(
        monitoring
            .iter()
            .filter(|t| t.outcome == "monitoring")
            .count()
            >= 4,
        "{monitoring:?}"
    );
    let same = trials(&r, Scenario::AsBefore);
    assert!(
        same.iter().filter(|t| t.compared == "as_usual").count() >= 4,
        "{same:?}"
    );
    assert!(
        same.iter()
            .all(|t| t.outcome == "reached_out" || t.outcome == "plan_not_kept"),
        "{same:?}"
    );
    // Every history has plenty of partner reach-outs before D, so the forecast exists (its
    // median is not reached in a few histories where the user broke most silences first:
    // docs/simulation.md), and its interval covers the true median in most of them.
    assert!(r.trials.iter().all(|t| t.before_reach_outs >= 20));
    let with_median = r
        .trials
        .iter()
        .filter(|t| t.forecast_median.is_some())
        .count();
    assert!(with_median >= 25, "{with_median} of 30 with a median");
    let (k, n) = r.coverage_given_interval();
    assert!(n >= 20 && k as f64 >= 0.8 * n as f64, "coverage {k}/{n}");
    let md = r.markdown();
    assert!(md.contains("| never | later | 5 |"), "{md}");
}

#[test]
fn markdown_reports_every_scenario_and_the_targets() {
    let r = run_scenarios(1, &Scenario::CORE, Some(60 * 60_000));
    let md = r.markdown();
    for s in Scenario::CORE {
        assert!(md.contains(&format!("| {} |", s.as_str())), "{md}");
    }
    assert!(md.contains("false-change rate"));
    assert!(md.contains("G fixed at 60 min"));
}
