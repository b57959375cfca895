//! The step-back experiment: every outcome branch, every comparison branch, the split of a
//! silence spanning D, the breaches, and the trap (the partner opening every conversation
//! after D with unchanged timing is `as_usual`).

use walkaway_analysis::conversations::segment;
use walkaway_analysis::stepback::{
    BreachKind, CAUSE_CAVEAT, Comparison, OPENING_TRAP_CAVEAT, Outcome, StepbackInput,
    StepbackResult, rate_ratio_test, split_silences, stepback,
};
use walkaway_analysis::survival::{Silence, SilenceEnd};
use walkaway_analysis::{DAY, HOUR, MINUTE, StepbackConfig, messages};
use walkaway_model::{Activity, ActivityKind, Events, Kind, Millis, NewEvent, Source};

const ME: u32 = 0;
const HIM: u32 = 1;
/// 2024-03-01T00:00:00Z; the step-back starts 60 days later.
const T0: Millis = 1_709_251_200_000;
const D: Millis = T0 + 60 * DAY;

/// A chat under construction: messages and calls in time order.
#[derive(Default)]
struct Chat {
    events: Events,
    activity: Vec<Activity>,
}

impl Chat {
    fn msg(&mut self, ts: Millis, who: u32) -> usize {
        self.event(ts, who, Kind::Text)
    }

    fn event(&mut self, ts: Millis, who: u32, kind: Kind) -> usize {
        let line = self.events.len() as u32 + 1;
        self.events
            .push(NewEvent {
                ts,
                sender: Some(who),
                kind,
                text: "x",
                line,
                flags: 0,
            })
            .unwrap();
        self.events.len() - 1
    }

    /// A conversation opened by `who` at `ts`, answered 45 minutes later (not a fast reply).
    fn conv(&mut self, ts: Millis, who: u32) -> usize {
        let first = self.msg(ts, who);
        self.msg(ts + 45 * MINUTE, 1 - who);
        first
    }

    /// A history ending before D: conversations separated by silences `(hours, opener)`, the
    /// first starting at T0. Returns the end of the last conversation.
    fn history(&mut self, silences: &[(f64, u32)]) -> Millis {
        self.history_from(T0, silences)
    }

    fn history_from(&mut self, first: Millis, silences: &[(f64, u32)]) -> Millis {
        self.conv(first, ME);
        let mut end = first + 45 * MINUTE;
        for &(h, who) in silences {
            let start = end + (h * HOUR as f64) as Millis;
            self.conv(start, who);
            end = start + 45 * MINUTE;
        }
        end
    }

    fn run(&self, as_of: Millis, monitoring: &[usize]) -> StepbackResult {
        self.run_with(as_of, monitoring, 14)
    }

    fn run_with(&self, as_of: Millis, monitoring: &[usize], window_days: u32) -> StepbackResult {
        let mut events = self.events.clone();
        events.sort_by_key(|e| e.ts);
        // Keep indices stable for the caller: the helpers add events in time order.
        assert_eq!(
            events, self.events,
            "test chats must be built in time order"
        );
        let msgs = messages(&self.events);
        let convs = segment(&msgs, &self.events, HOUR);
        let cfg = StepbackConfig {
            start: D,
            date: jiff::civil::date(2024, 4, 30),
            window_days,
            fast_reply: 30 * MINUTE,
        };
        let hits: Vec<(usize, &'static str)> =
            monitoring.iter().map(|&i| (i, "MONITORING")).collect();
        let turns = walkaway_analysis::replies::turns(&msgs, &convs, HOUR, as_of);
        let calls = walkaway_analysis::calls::calls(&self.events, 2, as_of);
        stepback(&StepbackInput {
            msgs: &msgs,
            convs: &convs,
            turns: &turns,
            calls: &calls,
            events: &self.events,
            me: ME,
            partner: HIM,
            config: &cfg,
            as_of,
            activity: &self.activity,
            monitoring_events: monitoring,
            signal_hits: &hits,
        })
    }
}

/// His usual pattern: 8 reach-outs at 20–60 h, 2 silences you broke (15 h, 70 h). Ends
/// about 12 days after T0, well before D.
const USUAL: [(f64, u32); 10] = [
    (20.0, HIM),
    (15.0, ME),
    (30.0, HIM),
    (40.0, HIM),
    (70.0, ME),
    (50.0, HIM),
    (60.0, HIM),
    (25.0, HIM),
    (35.0, HIM),
    (45.0, HIM),
];

fn usual_chat() -> Chat {
    let mut c = Chat::default();
    c.history(&USUAL);
    c
}

/// The same pattern, ending 1.75 h before D (no long quiet stretch before the step-back, so
/// the baseline rate and the before-side censoring reflect the usual pattern only).
fn usual_chat_up_to_d() -> Chat {
    let mut c = Chat::default();
    let end = c.history_from(D - 400 * HOUR, &USUAL);
    assert_eq!(end, D - 105 * MINUTE);
    c
}

#[test]
fn plan_not_kept_when_user_opens_first() {
    let mut c = usual_chat();
    let e = c.conv(D + 10 * HOUR, ME);
    c.conv(D + 50 * HOUR, HIM);
    let r = c.run(D + 20 * DAY, &[]);
    assert_eq!(r.outcome, Outcome::PlanNotKept);
    assert_eq!(r.outcome.as_str(), "plan_not_kept");
    let b = &r.breaches[0];
    assert_eq!(
        (b.kind, b.instant, b.events.clone()),
        (BreachKind::OpenedConversation, D + 10 * HOUR, vec![e])
    );
    assert!((r.days_kept - 10.0 / 24.0).abs() < 1e-9);
    assert_eq!(r.first_reach_out_hours, Some(50.0));
    // His reach-out ended the silence that started at the end of your conversation.
    assert!((r.reach_outs[0].hours_since_silence_start - (40.0 - 0.75)).abs() < 1e-9);
    assert!(r.caveats.contains(&CAUSE_CAVEAT));
    // No call events in this chat: the calling rules could not be checked.
    assert!(!r.call_data);
}

#[test]
fn user_opening_after_his_reach_out_is_a_breach_but_not_plan_not_kept() {
    let mut c = usual_chat();
    c.conv(D + 30 * HOUR, HIM);
    c.conv(D + 80 * HOUR, ME);
    let r = c.run(D + 20 * DAY, &[]);
    assert_eq!(r.outcome, Outcome::ReachedOut);
    assert_eq!(r.breaches.len(), 1);
    assert!((r.days_kept - 80.0 / 24.0).abs() < 1e-9);
}

#[test]
fn monitoring_with_two_hits() {
    let mut c = usual_chat();
    let a = c.msg(D + 30 * HOUR, HIM);
    let b = c.msg(D + 30 * HOUR + 5 * MINUTE, HIM);
    let r = c.run(D + 20 * DAY, &[a, b]);
    assert_eq!(r.outcome, Outcome::Monitoring);
    assert_eq!(r.monitoring_hits, vec![a, b]);
    assert_eq!(r.signal_hits.len(), 2);
    // One hit is not enough; hits before D or on your own messages do not count.
    let r = c.run(D + 20 * DAY, &[a]);
    assert_eq!(r.outcome, Outcome::ReachedOut);
    let mut c2 = usual_chat();
    let early = c2.msg(D - 2 * DAY, HIM);
    let mine = c2.msg(D + HOUR, ME);
    let his = c2.msg(D + 2 * HOUR, HIM);
    let r = c2.run(D + 20 * DAY, &[early, mine, his]);
    assert_ne!(r.outcome, Outcome::Monitoring);
    assert_eq!(r.monitoring_hits, vec![his]);
}

#[test]
fn pursuit_intensified_when_his_rate_jumps() {
    let mut c = usual_chat();
    // 40 messages from him over the first week after D (none opened by you; you never reply).
    for i in 0..40 {
        c.msg(D + 2 * HOUR + i * 4 * HOUR, HIM);
    }
    let r = c.run(D + 20 * DAY, &[]);
    assert_eq!(r.outcome, Outcome::PursuitIntensified);
    let p = r.pursuit.unwrap();
    assert_eq!(p.window_count, 40);
    assert_eq!(p.window_days, 14.0);
    assert!(p.rate_ratio_lower95 > 1.0);
    // Calls count too: 3 messages + 30 missed calls.
    let mut c = usual_chat();
    for i in 0..30 {
        c.event(D + HOUR + i * 3 * HOUR, HIM, Kind::MissedCall);
    }
    let r = c.run(D + 20 * DAY, &[]);
    assert_eq!(r.outcome, Outcome::PursuitIntensified);
    // His own calls are not breaches of your plan.
    assert!(r.breaches.is_empty());
}

#[test]
fn reached_out_with_ordinary_volume() {
    let mut c = usual_chat();
    c.conv(D + 30 * HOUR, HIM);
    let r = c.run(D + 20 * DAY, &[]);
    assert_eq!(r.outcome, Outcome::ReachedOut);
    assert!(r.pursuit.unwrap().rate_ratio_lower95 <= 1.0);
    assert_eq!(r.reach_outs.len(), 1);
}

#[test]
fn replied_only_and_no_contact_and_still_open() {
    // A conversation you opened before D continues after D with his reply only.
    let mut c = usual_chat();
    c.msg(D - 20 * MINUTE, ME);
    c.msg(D + 15 * MINUTE, HIM);
    let r = c.run(D + 20 * DAY, &[]);
    assert_eq!(r.outcome, Outcome::RepliedOnly);
    assert!(r.breaches.is_empty());
    // A call from him, nothing else.
    let mut c = usual_chat();
    c.event(D + 3 * DAY, HIM, Kind::Call);
    assert_eq!(c.run(D + 20 * DAY, &[]).outcome, Outcome::RepliedOnly);
    // Nothing after D.
    let c = usual_chat();
    let r = c.run(D + 20 * DAY, &[]);
    assert_eq!(r.outcome, Outcome::NoContact);
    assert_eq!(r.outcome.as_str(), "no_contact");
    assert!((r.days_kept - 20.0).abs() < 1e-9);
    // Exactly W elapsed is enough; one day less is still open.
    assert_eq!(c.run(D + 14 * DAY, &[]).outcome, Outcome::NoContact);
    let r = c.run(D + 13 * DAY, &[]);
    assert_eq!(r.outcome, Outcome::StillOpen);
    assert_eq!(r.outcome.as_str(), "still_open");
    // Data ending before D: no verdict of any kind.
    let r = c.run(D - DAY, &[]);
    assert_eq!(r.outcome, Outcome::NoDataYet);
    assert_eq!(r.days_kept, 0.0);
    assert!(r.after.is_empty());
}

#[test]
fn breaches_fast_reply_call_and_likes() {
    let mut c = usual_chat();
    let his = c.msg(D + 5 * HOUR, HIM);
    let mine = c.msg(D + 5 * HOUR + 10 * MINUTE, ME); // fast reply (< 30 min)
    c.msg(D + 5 * HOUR + 50 * MINUTE, HIM);
    c.msg(D + 6 * HOUR + 25 * MINUTE, ME); // 35 min: not fast
    let call = c.event(D + 2 * DAY, ME, Kind::MissedCall);
    c.activity.push(Activity {
        source: Source::Instagram,
        ts: D + 3 * DAY,
        kind: ActivityKind::PostLike,
        target: Some("him".to_owned()),
        url: None,
        text: None,
    });
    c.activity.push(Activity {
        source: Source::Instagram,
        ts: D - 3 * DAY, // before D: not a breach
        kind: ActivityKind::Comment,
        target: Some("him".to_owned()),
        url: None,
        text: None,
    });
    let r = c.run(D + 20 * DAY, &[]);
    let kinds: Vec<&str> = r.breaches.iter().map(|b| b.kind.as_str()).collect();
    assert_eq!(kinds, ["fast_reply", "call", "liked_or_commented"]);
    assert_eq!(r.breaches[0].events, vec![his, mine]);
    assert_eq!(r.breaches[1].events, vec![call]);
    assert_eq!(r.breaches[2].activity, Some(0));
    assert!((r.days_kept - (5.0 + 10.0 / 60.0) / 24.0).abs() < 1e-9);
    assert_eq!(r.outcome, Outcome::ReachedOut);
}

#[test]
fn silence_spanning_d_is_split() {
    let s = Silence {
        start: D - 10 * HOUR,
        end: D + 20 * HOUR,
        outcome: SilenceEnd::PartnerOpened,
        conv_before: 3,
        conv_after: Some(4),
    };
    let ended_before = Silence {
        start: D - 40 * HOUR,
        end: D - 30 * HOUR,
        outcome: SilenceEnd::UserOpened,
        conv_before: 1,
        conv_after: Some(2),
    };
    let (before, after) = split_silences(&[ended_before, s], D);
    assert_eq!(before.len(), 2);
    assert_eq!(before[0], ended_before);
    assert_eq!(
        (before[1].start, before[1].end, before[1].outcome),
        (D - 10 * HOUR, D, SilenceEnd::DataEnd)
    );
    assert_eq!(after.len(), 1);
    assert_eq!(
        (after[0].start, after[0].end, after[0].outcome),
        (D, D + 20 * HOUR, SilenceEnd::PartnerOpened)
    );

    // End to end: the last conversation before D ends 10 h before D, he writes 20 h after D.
    let mut c = Chat::default();
    let mut silences = USUAL.to_vec();
    silences.pop();
    let end = c.history(&silences);
    let last = D - 10 * HOUR - 45 * MINUTE;
    assert!(last > end);
    c.conv(last, ME);
    c.conv(D + 20 * HOUR, HIM);
    let r = c.run(D + 20 * DAY, &[]);
    assert_eq!(r.first_reach_out_hours, Some(20.0));
    assert_eq!(r.reach_outs[0].hours_since_silence_start, 20.0);
    let spanning = r.before.last().unwrap();
    assert_eq!((spanning.end, spanning.outcome), (D, SilenceEnd::DataEnd));
    assert_eq!(r.after[0].start, D);
    assert_eq!(r.after[0].outcome, SilenceEnd::PartnerOpened);
}

#[test]
fn no_data_yet_when_the_data_ends_before_the_start() {
    let c = usual_chat();
    for as_of in [D - DAY, D] {
        let r = c.run(as_of, &[]);
        assert_eq!(r.outcome, Outcome::NoDataYet);
        assert_eq!(r.outcome.as_str(), "no_data_yet");
        assert_eq!(r.compared_to_usual, None);
        assert_eq!(r.days_kept, 0.0);
    }
}

#[test]
fn too_early_days_in_with_three_reach_outs() {
    // Issue 7: two days after the date, with three reach-outs, the report said "as usual".
    // The window is not over and nothing clearly differs yet: too early.
    let mut c = usual_chat_up_to_d();
    // Waits of 30, 40 and 50 hours, in the middle of his usual 20-60 hours.
    for h in [30.0, 70.75, 121.5] {
        c.conv(D + (h * HOUR as f64) as Millis, HIM);
    }
    let r = c.run(D + 124 * HOUR, &[]);
    assert_eq!(r.reach_outs.len(), 3);
    assert_eq!(r.outcome, Outcome::ReachedOut);
    assert!(r.logrank.is_some_and(|l| l.p >= 0.05), "{:?}", r.logrank);
    assert_eq!(r.compared_to_usual, Some(Comparison::TooEarly));
    // The same reach-outs once the window is over: as usual.
    assert_eq!(
        c.run_with(D + 124 * HOUR, &[], 5).compared_to_usual,
        Some(Comparison::AsUsual)
    );
    // Less time than his usual median wait: too early as well, even with the window over.
    let r = c.run_with(D + 10 * HOUR, &[], 0);
    assert!(r.usual_median_hours.is_some_and(|m| m > 10.0));
    assert_eq!(r.compared_to_usual, Some(Comparison::TooEarly));
}

#[test]
fn calls_first_attempt_answered_and_your_calls_are_breaches() {
    let mut c = usual_chat();
    // His attempt: missed, then picked up 10 minutes later: the first ring was not answered.
    c.event(D + 3 * HOUR, HIM, Kind::MissedCall);
    c.event(D + 3 * HOUR + 10 * MINUTE, HIM, Kind::Call);
    // A new attempt a day later, picked up at once: a breach.
    let first = c.event(D + 27 * HOUR, HIM, Kind::Call);
    // You call him: a breach.
    let mine = c.event(D + 40 * HOUR, ME, Kind::MissedCall);
    let r = c.run(D + 20 * DAY, &[]);
    assert!(r.call_data);
    let kinds: Vec<(BreachKind, Vec<usize>)> = r
        .breaches
        .iter()
        .map(|b| (b.kind, b.events.clone()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (BreachKind::AnsweredFirstCall, vec![first]),
            (BreachKind::Call, vec![mine]),
        ]
    );
    assert_eq!(r.partner_calls_after, 3);
    assert_eq!(r.partner_call_sequences_after, 2);
    assert_eq!(
        BreachKind::AnsweredFirstCall.as_str(),
        "answered_first_call"
    );
}

#[test]
fn your_side_before_and_after() {
    let mut c = usual_chat_up_to_d();
    c.conv(D + 30 * HOUR, HIM);
    let r = c.run(D + 14 * DAY, &[]);
    let (b, a) = (r.your_side.before, r.your_side.after);
    // Before: the usual history (you opened 3 of 11 conversations, you replied 8 times at 45').
    assert_eq!(b.openings, 3);
    assert_eq!(b.replies, 8);
    assert_eq!(b.reply_median_ms, Some((45 * MINUTE) as f64));
    // After: one reply at 45', too few for a median; 14 days: per-week figures exist.
    assert_eq!((a.openings, a.replies, a.messages), (0, 1, 1));
    assert_eq!(a.reply_median_ms, None);
    assert!((a.days - 14.0).abs() < 1e-6);
    assert!(
        a.messages_per_week()
            .is_some_and(|x| (x - 0.5).abs() < 1e-6)
    );
}

#[test]
fn insufficient_history() {
    let mut c = Chat::default();
    c.history(&[
        (20.0, HIM),
        (30.0, ME),
        (25.0, HIM),
        (40.0, ME),
        (30.0, HIM),
    ]);
    c.conv(D + 5 * HOUR, HIM);
    let r = c.run(D + 20 * DAY, &[]);
    assert_eq!(r.before_reach_outs, 3);
    assert_eq!(r.compared_to_usual, Some(Comparison::InsufficientHistory));
    assert_eq!(
        r.compared_to_usual.map(Comparison::as_str),
        Some("insufficient_history")
    );
}

#[test]
fn sooner_by_log_rank() {
    let mut c = usual_chat();
    let mut t = D + 2 * HOUR;
    for _ in 0..8 {
        c.conv(t, HIM);
        t += 45 * MINUTE + 2 * HOUR;
    }
    let r = c.run(D + 20 * DAY, &[]);
    let l = r.logrank.unwrap();
    assert!(l.p < 0.05 && l.hazard_ratio > 1.0, "{l:?}");
    assert_eq!(r.compared_to_usual, Some(Comparison::Sooner));
}

#[test]
fn later_by_log_rank() {
    let mut c = usual_chat_up_to_d();
    let mut t = D;
    for k in 0..7 {
        t += (150 + 10 * k) as i64 * HOUR;
        c.conv(t, HIM);
        t += 45 * MINUTE;
    }
    let r = c.run(t + 10 * HOUR, &[]);
    let l = r.logrank.unwrap();
    assert!(l.p < 0.05 && l.hazard_ratio < 1.0, "{l:?}");
    assert_eq!(r.compared_to_usual, Some(Comparison::Later));
}

#[test]
fn later_because_the_wait_exceeds_every_usual_reach_out() {
    let c = usual_chat();
    // Longest usual reach-out is 60 h; 100 h of silence since D, not significant by log-rank.
    let r = c.run(D + 100 * HOUR, &[]);
    assert!(r.logrank.is_none_or(|l| l.p >= 0.05), "{:?}", r.logrank);
    assert_eq!(r.longest_usual_hours, Some(60.0));
    assert_eq!(r.compared_to_usual, Some(Comparison::Later));
    // 50 h is within his usual range, and the window is still open: too early to tell (never
    // "as usual" before the window ends), and still open.
    let r = c.run(D + 50 * HOUR, &[]);
    assert_eq!(r.compared_to_usual, Some(Comparison::TooEarly));
    assert_eq!(r.outcome, Outcome::StillOpen);
    // A 2-day window over after 50 h: still nothing to compare (no reach-out of his since D,
    // and he has waited longer before), never "as usual".
    let r = c.run_with(D + 50 * HOUR, &[], 2);
    assert_eq!(r.compared_to_usual, Some(Comparison::TooEarly));
    assert_eq!(r.outcome, Outcome::NoContact);
}

#[test]
fn the_trap_opening_every_conversation_with_unchanged_timing_is_as_usual() {
    // Before D you opened some conversations; after D you open none and he opens all of them,
    // with the same reach-out times he always showed.
    let mut c = usual_chat_up_to_d();
    let mut t = D;
    for h in [20.0, 30.0, 40.0, 50.0, 25.0, 35.0, 45.0, 60.0] {
        t += (h * HOUR as f64) as Millis;
        c.conv(t, HIM);
        t += 45 * MINUTE;
    }
    // The window has passed (about 13 days of reach-outs, data to day 15).
    let r = c.run(D + 15 * DAY, &[]);
    assert_eq!(r.reach_outs.len(), 8);
    assert!(r.breaches.is_empty());
    assert_eq!(r.outcome, Outcome::ReachedOut);
    assert_eq!(
        r.compared_to_usual,
        Some(Comparison::AsUsual),
        "{:?}",
        r.logrank
    );
    assert!(r.logrank.unwrap().p > 0.5);
    // His openings are always paired with the caveat.
    assert!(r.caveats.contains(&OPENING_TRAP_CAVEAT));
}

#[test]
fn rate_ratio_exact_interval_matches_clopper_pearson() {
    // 20 vs 10 events in equal exposures: binom.test(20, 30) gives 0.47188 as the lower end,
    // so RR lower = 0.47188 / 0.52812 = 0.8935.
    let t = rate_ratio_test(20, 10.0, 10, 10.0).unwrap();
    assert!((t.rate_ratio - 2.0).abs() < 1e-12);
    assert!(
        (t.rate_ratio_lower95 - 0.47188 / 0.52812).abs() < 1e-3,
        "{t:?}"
    );
    assert!(t.p_higher > 0.025 && t.p_higher < 0.06, "{t:?}");
    let t = rate_ratio_test(0, 5.0, 0, 5.0).unwrap();
    assert_eq!(t.rate_ratio_lower95, 0.0);
    assert!(rate_ratio_test(3, 0.0, 1, 10.0).is_none());
    let t = rate_ratio_test(5, 1.0, 0, 10.0).unwrap();
    assert!(t.rate_ratio.is_infinite() && t.rate_ratio_lower95 > 1.0);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn random_chats_never_panic_and_stay_consistent(
            steps in proptest::collection::vec((0i64..200 * 60, 0u32..2, 0u8..10), 0..80),
            as_of_days in -5i64..40,
            window in 0u32..30,
        ) {
            // Random messages and calls from 30 days before D onwards (gaps in minutes).
            let mut c = Chat::default();
            let mut t = D - 30 * DAY;
            for (gap, who, k) in steps {
                t += gap * MINUTE;
                let kind = match k { 0 => Kind::Call, 1 => Kind::MissedCall, _ => Kind::Text };
                c.event(t, who, kind);
            }
            let as_of = D + as_of_days * DAY;
            let r = c.run_with(as_of, &[], window);
            prop_assert!(r.days_kept >= 0.0);
            prop_assert!(r.breaches.windows(2).all(|w| w[0].instant <= w[1].instant));
            prop_assert!(r.breaches.iter().all(|b| b.instant >= D && b.instant <= as_of));
            prop_assert!(r.before.iter().all(|s| s.start < D && s.end <= D.max(as_of)));
            prop_assert!(r.after.iter().all(|s| s.start >= D));
            let his_after = c.events.iter().any(|e| e.sender == Some(HIM) && e.ts >= D && e.ts <= as_of);
            match r.outcome {
                Outcome::NoContact | Outcome::StillOpen => prop_assert!(!his_after),
                Outcome::ReachedOut => prop_assert!(!r.reach_outs.is_empty()),
                Outcome::PlanNotKept => prop_assert!(r.breaches.iter().any(|b| b.kind == BreachKind::OpenedConversation)),
                _ => {}
            }
            prop_assert_eq!(r.first_reach_out_hours.is_some(), !r.reach_outs.is_empty());
            if !r.reach_outs.is_empty() {
                prop_assert!(r.caveats.contains(&OPENING_TRAP_CAVEAT));
            }
            // The states never contradict each other.
            let no_data = as_of <= D;
            prop_assert_eq!(r.outcome == Outcome::NoDataYet, no_data);
            prop_assert_eq!(r.compared_to_usual.is_none(), no_data);
            if no_data {
                prop_assert!(r.breaches.is_empty() && r.reach_outs.is_empty());
                prop_assert_eq!(r.days_kept, 0.0);
            }
            if r.compared_to_usual == Some(Comparison::Sooner) {
                prop_assert!(!r.reach_outs.is_empty());
            }
            if r.compared_to_usual == Some(Comparison::AsUsual) {
                prop_assert!(r.window_elapsed);
            }
            prop_assert!(r.days_kept <= r.elapsed_hours / 24.0 + 1e-9);
        }
    }
}
