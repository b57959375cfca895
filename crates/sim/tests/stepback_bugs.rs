//! Two contradictions in `crates/analysis/src/stepback.rs` found by `tests/verdicts.rs`, each
//! pinned on a small hand-built chat. Both fail until the analysis is fixed (see the comments).

use walkaway_analysis::full::analyze_full;
use walkaway_analysis::stepback::{Comparison, Outcome, StepbackResult};
use walkaway_analysis::{Config, StepbackConfig};
use walkaway_model::{Events, Kind, NewEvent};
use walkaway_sim::civil::{DAY, HOUR, MINUTE, midnight};

const ME: u32 = 0;
const THEM: u32 = 1;

fn chat(msgs: &[(i64, u32)]) -> Events {
    let mut events = Events::new();
    for (i, &(ts, who)) in msgs.iter().enumerate() {
        let _ = events.push(NewEvent {
            ts,
            sender: Some(who),
            kind: Kind::Text,
            text: "ok",
            line: i as u32 + 1,
            flags: 0,
        });
    }
    events
}

fn run(events: &Events, d: i64, as_of: i64) -> StepbackResult {
    let people = vec!["Alex".to_owned(), "Sam".to_owned()];
    let mut cfg = Config::new(ME, Some(THEM), as_of);
    cfg.bootstrap_reps = 0;
    cfg.gap = Some(HOUR);
    cfg.stepback = Some(StepbackConfig {
        start: d,
        date: jiff::civil::date(2026, 10, 1),
        window_days: 14,
        fast_reply: 30 * MINUTE,
    });
    let a = analyze_full(events, &people, &cfg, &[]).expect("builtin patterns");
    a.stepback.expect("a step-back was declared")
}

/// 30 days before D: each day you write at 10:00 and Sam answers; Sam writes first at 20:00 (a
/// reach-out after a 10-hour silence) and you answer.
fn usual_days(d: i64) -> Vec<(i64, u32)> {
    let mut v = Vec::new();
    for day in (1..=30).rev() {
        let t = d - day * DAY;
        v.extend([
            (t + 10 * HOUR, ME),
            (t + 10 * HOUR + 5 * MINUTE, THEM),
            (t + 20 * HOUR, THEM),
            (t + 20 * HOUR + 5 * MINUTE, ME),
        ]);
    }
    v
}

/// `stepback()` sets `no_data_yet = as_of <= D` but counts as "after D" every instant in
/// `[D, as_of]`, which is not empty when `as_of == D`. A fast reply sent at exactly D (00:00, a
/// minute-resolution export) with the data ending at D is then reported as a breach beside
/// "Nothing to judge yet". Fix: nothing is "after D" when `no_data_yet` (e.g. `in_after = |ts|
/// !no_data_yet && ts >= d && ts <= as_of`).
#[test]
fn no_data_yet_has_no_breach_at_exactly_d() {
    let d = midnight(2026, 10, 1);
    let mut msgs = usual_days(d);
    msgs.extend([(d - 5 * MINUTE, THEM), (d, ME)]);
    let r = run(&chat(&msgs), d, d);
    assert_eq!(r.outcome, Outcome::NoDataYet);
    assert_eq!(r.compared_to_usual, None);
    assert!(
        r.breaches.is_empty(),
        "no_data_yet with breaches: {:?}",
        r.breaches
    );
    assert_eq!(r.days_kept, 0.0);
}

/// After D you go on writing first, two hours after every conversation ends; Sam never writes
/// first. Every silence after D is censored before his shortest usual wait, so the log-rank test
/// has nothing to compare (`logrank` is None), no wait exceeds his longest, and the rule falls
/// through to `as_usual` once the window is over. The report then says "nothing has clearly
/// changed: Sam wrote first about as soon as before the start" although Sam has not written
/// first once since D. (`tests/verdicts.rs` meets the same case in a generated history: the
/// `never` scenario with breaches, at D+14 d.) `as_usual` needs evidence that he wrote first:
/// at least one reach-out since D (and arguably a log-rank test that exists); otherwise the
/// verdict should be one that says the data cannot compare (with `plan_not_kept` the outcome
/// already says why), and its sentence must not say "the comparison is made when the window
/// ends" once the window is over.
#[test]
fn as_usual_needs_a_reach_out_since_d() {
    let d = midnight(2026, 10, 1);
    let mut msgs = usual_days(d);
    let mut t = d + 9 * HOUR;
    while t < d + 14 * DAY {
        msgs.extend([(t, ME), (t + 5 * MINUTE, THEM)]);
        t += 5 * MINUTE + 2 * HOUR;
    }
    let r = run(&chat(&msgs), d, d + 14 * DAY);
    assert!(r.reach_outs.is_empty());
    assert!(r.window_elapsed);
    assert!(r.before_reach_outs >= 5);
    assert_ne!(
        r.compared_to_usual,
        Some(Comparison::AsUsual),
        "as_usual with no reach-out since D (outcome {}, log-rank {:?})",
        r.outcome.as_str(),
        r.logrank
    );
}
