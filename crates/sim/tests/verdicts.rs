//! No step-back verdict may contradict another (issue 7, "Step-back states"), pinned over many
//! generated histories: every scenario, long and short histories, with and without breaches of
//! the plan, cut at data ends before D, exactly at D, just after D and through the window; run
//! through the whole pipeline (`analyze_full`) and the wire report (`to_wire`) and its words.

use walkaway_analysis::full::{FullAnalysis, analyze_full};
use walkaway_analysis::stepback::{BreachKind, Comparison, Outcome, StepbackResult};
use walkaway_analysis::{Config, StepbackConfig};
use walkaway_model::Source;
use walkaway_report::json::Stepback;
use walkaway_report::{AsOfSource, Input, terminal, to_wire};
use walkaway_sim::civil::{DAY, HOUR, MINUTE};
use walkaway_sim::sim::{PARTNER, USER};
use walkaway_sim::{Params, Scenario, Sim, generate, presets, verdicts};

/// Data ends, relative to D.
const ENDS: [i64; 13] = [
    -2 * DAY,
    -MINUTE,
    0,
    MINUTE,
    6 * HOUR,
    DAY,
    2 * DAY + 7 * HOUR,
    3 * DAY,
    7 * DAY,
    14 * DAY - MINUTE,
    14 * DAY,
    20 * DAY,
    30 * DAY,
];

const SOURCES: [AsOfSource; 4] = [
    AsOfSource::AsOfFlag,
    AsOfSource::Export,
    AsOfSource::FileModified,
    AsOfSource::LastEvent,
];

/// A history: the validation one for `scenario`, shortened to start `days_before` days before
/// D (few reach-outs before D: insufficient history), and with breaches of the plan when
/// `breaches` (the user opens a conversation and replies fast after D).
fn params(seed: u64, scenario: Scenario, days_before: i64, breaches: bool) -> Params {
    let mut p = presets::validation_params(seed, scenario);
    let d = p.stepback.unwrap_or(p.start);
    p.start = d - days_before * DAY;
    if let Some((ts, _)) = p.system_lines.first_mut() {
        *ts = p.start;
    }
    if breaches {
        let at = |h: i64| d + h * HOUR + (seed as i64 % 7) * HOUR;
        p.user_openings = vec![at(20), at(100), at(300)];
        p.fast_replies = vec![at(50)];
    }
    p
}

fn stepback_config(d: i64) -> StepbackConfig {
    StepbackConfig {
        start: d,
        date: jiff::Timestamp::from_millisecond(d)
            .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
            .unwrap_or_default(),
        window_days: 14,
        fast_reply: 30 * MINUTE,
    }
}

fn analyse(sim: &Sim, as_of: i64) -> (Config, FullAnalysis) {
    let d = sim.truth.stepback.unwrap_or(0);
    let mut cfg = Config::new(USER, Some(PARTNER), as_of);
    cfg.bootstrap_reps = 0;
    cfg.stepback = Some(stepback_config(d));
    let a = analyze_full(&sim.chat.events, &sim.chat.people, &cfg, &[]).expect("builtin patterns");
    (cfg, a)
}

fn wire(sim: &Sim, cfg: &Config, a: &FullAnalysis, source: AsOfSource) -> (Stepback, String) {
    let input = Input {
        chat_id: "sim",
        title: "Sam",
        sources: &[Source::WhatsApp],
        people: &sim.chat.people,
        events: &sim.chat.events,
        cfg,
        tz_name: "UTC",
        analysis: a,
        instagram_accounts: &[],
        activity: &[],
        as_of_source: source,
        notes: &[],
    };
    let report = to_wire(&input);
    let text = terminal::render(&report, false);
    (report.stepback.expect("a step-back was declared"), text)
}

/// Every invariant, on one history at one data end. Returns the failures.
fn check(
    sim: &Sim,
    as_of: i64,
    source: AsOfSource,
    r: &StepbackResult,
    sb: &Stepback,
    text: &str,
) -> Vec<String> {
    let mut bad = Vec::new();
    let mut need = |ok: bool, what: &str| {
        if !ok {
            bad.push(what.to_owned());
        }
    };
    let d = r.start;
    let events = &sim.chat.events;
    let partner_after = events.iter().any(|e| {
        e.sender == Some(PARTNER)
            && (e.kind.is_message() || e.kind.is_call())
            && e.ts >= d
            && e.ts <= as_of
    });
    let no_data = r.outcome == Outcome::NoDataYet;
    let compared = r.compared_to_usual;
    let elapsed_days = r.elapsed_hours / 24.0;

    // no_data_yet ⇔ data end ≤ D ⇔ compared null; then nothing at all after D.
    need(no_data == (as_of <= d), "no_data_yet ⇔ data end ≤ D");
    need(no_data == compared.is_none(), "no_data_yet ⇔ compared null");
    need(
        (sb.outcome == "no_data_yet") == sb.compared_to_usual.is_none(),
        "wire: no_data_yet ⇔ compared null",
    );
    need(
        sb.outcome == r.outcome.as_str(),
        "wire outcome = analysis outcome",
    );
    need(
        sb.compared_to_usual.as_deref() == compared.map(|c| c.as_str()),
        "wire compared = analysis compared",
    );
    if no_data {
        need(
            r.breaches.is_empty() && sb.breach_list.is_empty(),
            "no_data_yet: no breaches",
        );
        need(
            r.reach_outs.is_empty() && sb.partner_reach_outs.is_empty(),
            "no_data_yet: no reach-outs",
        );
        need(
            r.days_kept == 0.0 && sb.days_kept == 0.0,
            "no_data_yet: days kept 0",
        );
        need(r.elapsed_hours == 0.0, "no_data_yet: 0 h elapsed");
        need(
            r.first_reach_out_hours.is_none(),
            "no_data_yet: no first reach-out",
        );
        need(
            sb.explanation.len() == 1
                && sb
                    .explanation
                    .first()
                    .is_some_and(|s| s.starts_with("Nothing to judge yet")),
            "no_data_yet: the no-data sentence only",
        );
        need(!text.contains("Your plan"), "no_data_yet: no plan line");
    } else {
        need(
            sb.explanation.len() == 2,
            "one outcome sentence and one comparison sentence",
        );
    }
    need(
        !sb.explanation
            .iter()
            .skip(1)
            .any(|s| s.contains("Nothing to judge yet")),
        "the no-data sentence leads or is absent",
    );

    // Nothing from the partner.
    if matches!(r.outcome, Outcome::NoContact | Outcome::StillOpen) {
        need(
            !partner_after,
            "no_contact/still_open: nothing from the partner after D",
        );
        need(
            r.reach_outs.is_empty(),
            "no_contact/still_open: no reach-out",
        );
        need(
            compared != Some(Comparison::Sooner),
            "no_contact/still_open: not sooner",
        );
        need(
            compared != Some(Comparison::AsUsual),
            "no_contact/still_open: not 'wrote first about as soon as before'",
        );
    }
    need(
        (r.outcome == Outcome::NoContact) <= r.window_elapsed,
        "no_contact only once the window is over",
    );
    need(
        (r.outcome == Outcome::StillOpen) <= !r.window_elapsed,
        "still_open only before the window is over",
    );
    need(
        (r.outcome == Outcome::RepliedOnly) <= (partner_after && r.reach_outs.is_empty()),
        "replied_only: partner messages, no reach-out",
    );

    // The comparison.
    if compared == Some(Comparison::Sooner) {
        need(!r.reach_outs.is_empty(), "sooner needs a reach-out after D");
    }
    if compared == Some(Comparison::AsUsual) {
        need(r.window_elapsed, "as_usual only once the window is over");
        need(
            !r.reach_outs.is_empty(),
            "as_usual needs a reach-out since D",
        );
    }
    if compared == Some(Comparison::TooEarly) {
        need(
            !r.window_elapsed
                || r.usual_median_hours.is_some_and(|m| r.elapsed_hours < m)
                || r.reach_outs.is_empty(),
            "too_early: window not over, less than his usual median, or no reach-out since D",
        );
    }
    if compared == Some(Comparison::InsufficientHistory) {
        need(
            r.before_reach_outs < 5,
            "insufficient_history: < 5 reach-outs before D",
        );
    } else if !no_data {
        need(
            r.before_reach_outs >= 5,
            "a comparison needs ≥ 5 reach-outs before D",
        );
    }
    if r.usual_median_hours.is_some_and(|m| r.elapsed_hours < m) && !no_data {
        need(
            matches!(
                compared,
                Some(Comparison::TooEarly | Comparison::InsufficientHistory)
            ),
            "less than his usual median since D: no verdict",
        );
    }

    // The plan and his reach-outs.
    if r.outcome == Outcome::PlanNotKept {
        let first_ro = r.reach_outs.first().map(|x| x.instant);
        need(
            r.breaches.iter().any(|b| {
                b.kind == BreachKind::OpenedConversation && first_ro.is_none_or(|f| b.instant < f)
            }),
            "plan_not_kept: you opened before his first reach-out",
        );
    }
    if r.outcome == Outcome::ReachedOut {
        need(
            r.first_reach_out_hours.is_some(),
            "reached_out: first reach-out hours",
        );
    }
    need(
        r.first_reach_out_hours.is_some() != r.reach_outs.is_empty(),
        "first reach-out hours ⇔ reach-outs",
    );
    need(
        r.reach_outs.len() == sb.partner_reach_outs.len(),
        "wire lists every reach-out",
    );
    need(
        r.reach_outs
            .iter()
            .all(|x| x.instant >= d && x.instant <= as_of),
        "reach-outs within [D, data end]",
    );
    need(
        r.breaches
            .iter()
            .all(|b| b.instant >= d && b.instant <= as_of),
        "breaches within [D, data end]",
    );
    need(
        r.breaches.windows(2).all(|w| w[0].instant <= w[1].instant),
        "breaches in order",
    );
    need(
        r.days_kept >= 0.0 && r.days_kept <= elapsed_days + 1e-9,
        "0 ≤ days kept ≤ days since start",
    );
    need(
        (sb.days_since_start - elapsed_days).abs() < 1e-9,
        "wire days since start",
    );
    need(
        r.window_elapsed == (r.elapsed_hours >= 14.0 * 24.0),
        "window elapsed ⇔ 14 days since D",
    );
    if r.outcome == Outcome::Monitoring {
        need(
            r.monitoring_hits.len() >= 2,
            "monitoring: ≥ 2 monitoring messages",
        );
    }
    need(
        !(r.outcome == Outcome::PursuitIntensified
            && compared == Some(Comparison::Later)
            && r.reach_outs.is_empty()),
        "'more than usual' and 'later than ever' together",
    );
    need(
        !sb.data_end_assumed || source != AsOfSource::AsOfFlag,
        "an --as-of data end is never an assumption",
    );

    // The sentences.
    let all = sb.explanation.join(" ");
    let too_early = all.contains("Too early");
    need(
        !(too_early
            && (all.contains("nothing has clearly changed")
                || all.contains("wrote first sooner")
                || all.contains("later than")
                || all.contains("about as soon as before"))),
        "'too early' beside a verdict",
    );
    need(
        too_early == (compared == Some(Comparison::TooEarly)),
        "'too early' ⇔ too_early",
    );
    need(
        all.contains("nothing has clearly changed") == (compared == Some(Comparison::AsUsual)),
        "'nothing has clearly changed' ⇔ as_usual",
    );
    need(
        all.contains("sooner than before") == (compared == Some(Comparison::Sooner)),
        "'sooner' ⇔ sooner",
    );
    need(
        (all.contains("later than before") || all.contains("later than ever"))
            == (compared == Some(Comparison::Later)),
        "'later' ⇔ later",
    );
    if all.contains("Nothing from") {
        need(
            r.reach_outs.is_empty() && !partner_after,
            "'Nothing from' with contact",
        );
    }
    if all.contains("later than ever") {
        need(
            r.reach_outs.is_empty(),
            "'later than ever' with a reach-out",
        );
    }
    if all.contains("Sam started a conversation") {
        need(
            !r.reach_outs.is_empty(),
            "'Sam started a conversation' without a reach-out",
        );
    }
    if all.contains("about as soon as before") {
        need(
            !r.reach_outs.is_empty(),
            "'Sam wrote first about as soon as before' but Sam has not written first since D",
        );
    }
    if sb.data_end_assumed && matches!(r.outcome, Outcome::NoContact | Outcome::StillOpen) {
        need(
            sb.explanation
                .first()
                .is_some_and(|s| s.contains("assuming")),
            "an assumed data end is said where 'nothing from' depends on it",
        );
    }
    // The terminal's step-back section (the caveats name "sooner or later" on purpose).
    let section = text.split("STEP-BACK FROM").nth(1).unwrap_or("");
    let section = section
        .split('\n')
        .skip(1)
        .take_while(|l| l.starts_with(' ') || l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let section = section.split_whitespace().collect::<Vec<_>>().join(" ");
    need(
        section.contains(
            &sb.explanation
                .first()
                .cloned()
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        ),
        "terminal shows the first sentence",
    );
    for (a, b) in [
        ("nothing has clearly changed", "Too early to compare"),
        ("wrote first sooner", "later than ever"),
        ("wrote first sooner", "wrote first later"),
        ("Nothing to judge yet", "Your plan"),
        ("Nothing from Sam", "Sam started a conversation"),
    ] {
        need(
            !(section.contains(a) && section.contains(b)),
            &format!("terminal report says both {a:?} and {b:?}"),
        );
    }
    bad
}

#[test]
fn no_verdict_contradicts_another() {
    let mut failures = Vec::new();
    let mut seen: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
    let mut looks = 0usize;
    let mut k = 0usize;
    for seed in 1..=2u64 {
        for scenario in Scenario::ALL {
            for (days_before, breaches) in [(240, false), (45, true), (12, false)] {
                let sim = generate(&params(seed, scenario, days_before, breaches));
                let d = sim.truth.stepback.unwrap_or(0);
                for off in ENDS {
                    let as_of = d + off;
                    let source = SOURCES[k % SOURCES.len()];
                    k += 1;
                    let (cfg, a) = analyse(&sim, as_of);
                    let r = a.stepback.as_ref().expect("a step-back was declared");
                    let (sb, text) = wire(&sim, &cfg, &a, source);
                    looks += 1;
                    *seen
                        .entry((
                            r.outcome.as_str(),
                            r.compared_to_usual.map_or("null", |c| c.as_str()),
                        ))
                        .or_default() += 1;
                    for f in check(&sim, as_of, source, r, &sb, &text) {
                        failures.push(format!(
                            "{f}: {} seed {seed}, {days_before} days before D, breaches \
                             {breaches}, data end D{:+.2} d, {} / {:?}\n    {:?}",
                            scenario.as_str(),
                            off as f64 / DAY as f64,
                            r.outcome.as_str(),
                            r.compared_to_usual,
                            sb.explanation
                        ));
                    }
                }
            }
        }
    }
    assert!(looks >= 400, "{looks} looks");
    // The grid reaches every state that matters.
    for (o, c) in [
        ("no_data_yet", "null"),
        ("still_open", "too_early"),
        ("reached_out", "too_early"),
        ("reached_out", "as_usual"),
        ("no_contact", "later"),
        ("plan_not_kept", "too_early"),
        ("monitoring", "as_usual"),
        ("pursuit_intensified", "sooner"),
    ] {
        assert!(
            seen.contains_key(&(o, c)),
            "never reached {o} / {c}: {seen:?}"
        );
    }
    assert!(
        seen.keys().any(|(_, c)| *c == "insufficient_history"),
        "never reached insufficient_history: {seen:?}"
    );
    assert!(
        failures.is_empty(),
        "{} contradictions in {looks} reports:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The validation's lean path (messages, conversations, calls and the step-back cut at the data
/// end) gives exactly what the full pipeline gives.
#[test]
fn validation_path_matches_the_full_pipeline() {
    for scenario in Scenario::ALL {
        let sim = generate(&presets::validation_params(3, scenario));
        let d = sim.truth.stepback.unwrap_or(0);
        for off in [-DAY, 0, 2 * DAY, 5 * DAY, 14 * DAY, 30 * DAY] {
            let lean = verdicts::stepback_at(&sim, d + off).expect("step-back");
            let (_, full) = analyse(&sim, d + off);
            let full = full.stepback.expect("step-back");
            assert_eq!(
                lean.compared_to_usual, full.compared_to_usual,
                "{scenario:?} D{off:+}"
            );
            assert_eq!(lean.outcome, full.outcome, "{scenario:?} D{off:+}");
            assert_eq!(lean.breaches.len(), full.breaches.len());
        }
    }
}

/// `walkaway-sim validate`'s section by data end re-applies the shipped rule to compare it with
/// the old one and with other thresholds: its re-implementation must agree with the analysis.
#[test]
fn elapsed_validation_reimplements_the_shipped_rule() {
    let r = verdicts::run(2, &Scenario::ALL);
    assert_eq!(r.looks.len(), 2 * 6 * verdicts::DATA_ENDS_HOURS.len());
    assert_eq!(r.rule_mismatches(), 0);
    for l in &r.looks {
        assert_eq!(l.compared == "null", l.elapsed_hours <= 0, "{l:?}");
        if l.compared == "as_usual" {
            assert!(l.elapsed_hours >= 14 * 24, "{l:?}");
        }
    }
    let md = r.markdown();
    for heading in [
        "### compared_to_usual by data end",
        "### Definite verdicts",
        "### False-verdict rate of `as_usual`",
        "### Early false-change rate",
        "(shipped)",
        "old rule (no too_early)",
    ] {
        assert!(md.contains(heading), "{heading}\n{md}");
    }
}
