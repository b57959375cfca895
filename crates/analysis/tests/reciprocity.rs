//! Hand-computed cases, properties and edge cases of the "is it two-sided?" metrics:
//! conversations and the gap G, replies, effort balance and the series.

use proptest::prelude::*;
use walkaway_analysis::balance::{self, Band};
use walkaway_analysis::conversations::{self, GapChoice, OpenKind};
use walkaway_analysis::{Analysis, Config, MINUTE, analyze};
use walkaway_model::{Events, Kind, Millis, NewEvent};

/// Test events carry literal texts.
type Event = NewEvent<'static>;

fn evs(list: &[Event]) -> Events {
    Events::try_from_iter(list.iter().copied()).unwrap()
}

/// 2024-01-01T00:00:00Z, a Monday.
const T0: Millis = 1_704_067_200_000;

fn ev(ts: Millis, who: u32, text: &'static str) -> Event {
    Event {
        ts,
        sender: Some(who),
        kind: Kind::Text,
        text,
        line: 0,
        flags: 0,
    }
}

fn at(min: i64, who: u32, text: &'static str) -> Event {
    ev(T0 + min * MINUTE, who, text)
}

fn people() -> Vec<String> {
    vec!["A".to_owned(), "B".to_owned()]
}

fn cfg() -> Config {
    Config::new(0, Some(1), T0 + 365 * 24 * 60 * MINUTE)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// The small chat every hand computation below refers to (minutes after T0; A = user 0,
/// B = partner 1). Fewer than 200 gaps, so G = 60 min.
///
/// conv 1: m0 0' A "hi, how are you?", m1 7' A "hello", m2 10' B "good thanks",
///         m3 11' B "and you?", m4 30' A "fine 😀"          (First, closed by A)
/// conv 2: m5 200' A "ping"                                 (FollowUp: A closed conv 1)
/// conv 3: m6 300' B "sorry, was busy", m7 305' A "ok", m8 320' B "dinner tomorrow?"
///                                                          (NewContact: A closed conv 2)
/// conv 4: m9 420' A "yes!"                 (PossibleLateReply: B's question 100' earlier)
fn small_chat() -> Vec<Event> {
    vec![
        at(0, 0, "hi, how are you?"),
        at(7, 0, "hello"),
        at(10, 1, "good thanks"),
        at(11, 1, "and you?"),
        at(30, 0, "fine 😀"),
        at(200, 0, "ping"),
        at(300, 1, "sorry, was busy"),
        at(305, 0, "ok"),
        at(320, 1, "dinner tomorrow?"),
        at(420, 0, "yes!"),
    ]
}

#[test]
fn conversations_hand_computed() {
    let events = small_chat();
    let a = analyze(&evs(&events), &people(), &cfg());
    assert_eq!(a.conversations.gap, 60 * MINUTE);
    assert_eq!(a.conversations.gap_choice, GapChoice::DefaultTooFewGaps);
    assert_eq!(a.conversations.count, 4);
    let kinds: Vec<OpenKind> = a.convs.iter().map(|c| c.open_kind).collect();
    assert_eq!(
        kinds,
        [
            OpenKind::First,
            OpenKind::FollowUp,
            OpenKind::NewContact,
            OpenKind::PossibleLateReply
        ]
    );
    // Openers A, A, B, A; closers A, A, B, A.
    assert_eq!(a.conversations.opened_by, [3, 1]);
    assert_eq!(a.conversations.closed_by, [3, 1]);
    assert_eq!(a.conversations.open_kinds[0].follow_up, 1);
    assert_eq!(a.conversations.open_kinds[0].possible_late_reply, 1);
    assert_eq!(a.conversations.open_kinds[1].new_contact, 1);
    // Opening share 3/4; without the late reply, 2 of the 3 remaining openings.
    assert_eq!(a.conversations.opening_share.estimate, Some(0.75));
    assert_eq!(
        (
            a.conversations.opening_share_excluding_late.k,
            a.conversations.opening_share_excluding_late.n
        ),
        (2, 3)
    );
    assert_eq!(a.messages.total, 10);
    assert_eq!(a.messages.by, [6, 4]);
}

#[test]
fn replies_hand_computed() {
    let events = small_chat();
    let a = analyze(&evs(&events), &people(), &cfg());
    // Turns: A[m0,m1] B[m2,m3] A[m4] | A[m5] | B[m6] A[m7] B[m8] | A[m9].
    assert_eq!(a.turns.len(), 8);
    // B's replies: m2 - m1 = 10' - 7' = 3'; m8 - m7 = 320' - 305' = 15'.
    // Median (3 + 15) / 2 = 9'; p25 = 3 + 0.25 * 12 = 6'; p75 = 3 + 0.75 * 12 = 12'.
    let b = &a.replies[1];
    assert_eq!(b.latency.count, 2);
    assert_eq!(b.latency.median_ms, Some(9.0 * MINUTE as f64));
    assert_eq!(b.latency.p25_ms, Some(6.0 * MINUTE as f64));
    assert_eq!(b.latency.p75_ms, Some(12.0 * MINUTE as f64));
    assert_eq!(
        b.latency.ci95_ms, None,
        "two replies cannot give a 95% interval"
    );
    // A's replies: m4 - m3 = 19'; m7 - m6 = 5'. Median 12'.
    let a0 = &a.replies[0];
    assert_eq!(a0.latency.count, 2);
    assert_eq!(a0.latency.median_ms, Some(12.0 * MINUTE as f64));
    // A sent 5 turns and answered 2 of B's 3 turns; B answered 2 of A's 5.
    assert_eq!(a0.turns, 5);
    assert_eq!((a0.reply_rate.k, a0.reply_rate.n), (2, 3));
    assert_eq!((b.reply_rate.k, b.reply_rate.n), (2, 5));
    // Unanswered: A's m4, m5, m9 closed their conversations; B's m8 closed conv 3.
    assert_eq!(a0.unanswered, 3);
    assert_eq!(b.unanswered, 1);
}

#[test]
fn balance_hand_computed() {
    let events = small_chat();
    let a = analyze(&evs(&events), &people(), &cfg());
    // Words A: 4 (hi how are you) + 1 + 1 (fine) + 1 + 1 + 1 = 9;
    // B: 2 + 2 + 3 (sorry was busy) + 2 = 9.
    let words = a.balance.words.unwrap();
    assert_eq!((words.user, words.partner), (9, 9));
    // Questions: A m0; B m3, m8.
    let q = a.balance.questions.unwrap();
    assert_eq!((q.user, q.partner), (1, 2));
    let o = a.balance.openings.unwrap();
    assert_eq!((o.user, o.partner), (3, 1));
    // EBI = mean(2*3/4 - 1, 2*9/18 - 1, 2*1/3 - 1) = (0.5 + 0 - 1/3) / 3 = 1/18.
    assert!(close(a.balance.ebi.unwrap(), 1.0 / 18.0));
    assert_eq!(a.balance.band, Some(Band::Balanced));
    let (lo, hi) = a.balance.ci95.unwrap();
    assert!(lo <= hi && lo >= -1.0 && hi <= 1.0);
    assert_eq!(a.balance.per_person[0].emoji, 1);
    // Double texts of A: the follow-up opening of conv 2, and m1 ("hello") 7' after m0
    // with nobody in between (> 5'). m3 comes 1' after m2: not a double text.
    assert_eq!(a.balance.per_person[0].follow_ups, 1);
    assert_eq!(a.balance.per_person[0].within_double_texts, 1);
    assert_eq!(a.balance.per_person[0].double_texts(), 2);
    assert_eq!(a.balance.per_person[1].double_texts(), 0);
}

#[test]
fn series_hand_computed_utc() {
    let events = small_chat();
    let a = analyze(&evs(&events), &people(), &cfg());
    assert_eq!(a.monthly.len(), 1);
    let m = &a.monthly[0];
    assert_eq!((m.year, m.month), (2024, 1));
    assert_eq!(m.messages, [6, 4]);
    assert_eq!(m.conversations, 4);
    assert_eq!(m.openings, [3, 1]);
    assert_eq!(m.opening_share.k, 3);
    assert_eq!(
        m.median_latency_ms,
        [Some(12.0 * 60_000.0), Some(9.0 * 60_000.0)]
    );
    assert_eq!((m.reply_rate[0].k, m.reply_rate[0].n), (2, 3));
    assert_eq!((m.reply_rate[1].k, m.reply_rate[1].n), (2, 5));
    assert_eq!(m.words, [9, 9]);
    assert_eq!(m.questions, [1, 2]);
    assert_eq!(m.double_texts, [2, 0]);
    assert!(close(m.ebi.unwrap(), 1.0 / 18.0));
    let w = &a.weekly;
    assert_eq!(w.len(), 1);
    assert_eq!(w.week_start[0], Some(jiff::civil::date(2024, 1, 1)));
    assert_eq!(w.user_openings, [3]);
    assert_eq!(w.total_openings, [4]);
    assert_eq!(w.partner_openings, [1]);
    assert_eq!(w.messages, [10]);
    assert_eq!(w.partner_replies, [2]);
    assert_eq!(w.partner_median_latency_ms, [9.0 * 60_000.0]);
    // Monday: A at 00:00, 00:07, 00:30 (hour 0), 03:20 (hour 3), 05:05 (hour 5), 07:00 (hour 7);
    // B at 00:10, 00:11 (hour 0), 05:00, 05:20 (hour 5).
    let h = &a.hour_of_week;
    assert_eq!((h[0][0], h[0][3], h[0][5], h[0][7]), (3, 1, 1, 1));
    assert_eq!((h[1][0], h[1][5]), (2, 2));
    assert_eq!(h[0].iter().sum::<u64>(), 6);
}

#[test]
fn series_follow_the_zone() {
    // At UTC-5, m0..m5 (00:00-03:20Z) fall on Sunday 2023-12-31 19:00-22:20 local and
    // m6..m9 (05:00-07:00Z) on Monday 2024-01-01 00:00-02:00: two months and two ISO weeks.
    let events = small_chat();
    let mut c = cfg();
    c.tz = jiff::tz::TimeZone::fixed(jiff::tz::offset(-5));
    let a = analyze(&evs(&events), &people(), &c);
    assert_eq!(a.monthly.len(), 2);
    assert_eq!((a.monthly[0].year, a.monthly[0].month), (2023, 12));
    assert_eq!(a.monthly[0].messages, [4, 2]);
    assert_eq!(a.monthly[1].messages, [2, 2]);
    // December: conv 1 (A) and conv 2 (A); January: conv 3 (B) and conv 4 (A).
    assert_eq!(a.monthly[0].openings, [2, 0]);
    assert_eq!(a.monthly[1].openings, [1, 1]);
    assert_eq!(
        a.weekly.week_start,
        [
            Some(jiff::civil::date(2023, 12, 25)),
            Some(jiff::civil::date(2024, 1, 1))
        ]
    );
    assert_eq!(a.weekly.messages, [6, 4]);
    // Sunday 19:00-19:59 is hour-of-week 6 * 24 + 19 = 163: A's m0, m1 and m4.
    assert_eq!(a.hour_of_week[0][163], 3);
}

#[test]
fn series_with_daylight_saving_zone() {
    let Ok(tz) = jiff::tz::TimeZone::get("Europe/Berlin") else {
        eprintln!("skipping: no time zone database on this machine");
        return;
    };
    // 2024-03-31 00:30Z is 01:30 CET (hour 1 of a Sunday); 01:30Z is 03:30 CEST (hour 3).
    let base = 1_711_845_000_000; // 2024-03-31T00:30:00Z
    let events = vec![ev(base, 0, "a"), ev(base + 60 * MINUTE, 1, "b")];
    let mut c = cfg();
    c.tz = tz;
    let a = analyze(&evs(&events), &people(), &c);
    assert_eq!(a.hour_of_week[0][6 * 24 + 1], 1);
    assert_eq!(a.hour_of_week[1][6 * 24 + 3], 1);
}

#[test]
fn median_interval_from_order_statistics() {
    // Ten replies by B of 1..=10 minutes: n = 10 gives ranks 2 and 9 (P(Bin(10, 1/2) <= 1)
    // = 11/1024 <= 0.025), so the interval is [2', 9'] and the median 5.5'.
    let mut events = Vec::new();
    for i in 0..10i64 {
        let start = i * 1000;
        events.push(at(start, 0, "x"));
        events.push(at(start + i + 1, 1, "y"));
    }
    let a = analyze(&evs(&events), &people(), &cfg());
    let b = &a.replies[1];
    assert_eq!(b.latency.count, 10);
    assert_eq!(b.latency.median_ms, Some(5.5 * 60_000.0));
    // Order statistics 2' and 9', widened by half the minute resolution of the timestamps.
    assert_eq!(
        b.latency.ci95_ms,
        Some((2 * MINUTE - 30_000, 9 * MINUTE + 30_000))
    );
}

#[test]
fn the_data_end_cuts_every_figure() {
    // Issue 7: `--as-of` before the data still counted every message, month and signal.
    let events = vec![
        at(0, 0, "hi?"),
        at(2, 1, "hey"),
        at(60 * 24 * 40, 0, "later?"),
        at(60 * 24 * 40 + 3, 1, "yes"),
    ];
    let mut c = cfg();
    c.as_of = T0 + 60 * 24 * 10 * MINUTE;
    let a = analyze(&evs(&events), &people(), &c);
    assert_eq!(a.messages.total, 2);
    assert_eq!(a.conversations.count, 1);
    assert_eq!(a.monthly.len(), 1);
    assert_eq!(a.weekly.messages.iter().sum::<u64>(), 2);
    assert_eq!(a.balance.per_person[0].questions, 1);
    // Before the first message: nothing at all.
    c.as_of = T0 - 1;
    let a = analyze(&evs(&events), &people(), &c);
    assert_eq!(a.messages.total, 0);
    assert!(a.convs.is_empty() && a.monthly.is_empty());
}

#[test]
fn pending_final_turn_is_not_unanswered() {
    // The data end is 10' after A's last message, inside G: the answer may still come.
    let events = vec![at(0, 1, "hey"), at(5, 0, "hi")];
    let c = Config::new(0, Some(1), T0 + 15 * MINUTE);
    let a = analyze(&evs(&events), &people(), &c);
    assert!(a.turns[1].pending());
    assert_eq!(a.replies[0].unanswered, 0);
    // B's turn was answered by A: 1 of 1; A's pending turn counts for B as nothing: 0 of 0.
    assert_eq!(
        (a.replies[0].reply_rate.k, a.replies[0].reply_rate.n),
        (1, 1)
    );
    assert_eq!(a.replies[1].reply_rate.n, 0);
}

/// Messages with the given gaps (ms) between them, alternating senders.
fn chat_with_gaps(gaps: &[Millis]) -> Vec<Event> {
    let mut ts = T0;
    let mut out = vec![ev(ts, 0, "a")];
    for (i, g) in gaps.iter().enumerate() {
        ts += g;
        out.push(ev(ts, (i % 2) as u32, "a"));
    }
    out
}

fn gap_of(events: &[Event]) -> (Millis, GapChoice) {
    let msgs = walkaway_analysis::messages(&evs(events));
    conversations::choose_gap(&msgs)
}

#[test]
fn gap_valley_hand_computed() {
    // 300 gaps of 12 s (log10 = 1.08, bin 10) and 300 of 2e6 s (log10 = 6.30, bin 63). The
    // kernel reaches 6 bins, so the smoothed density is exactly 0 on bins 17..=56 (40 bins);
    // the middle of that flat bottom is bin 17 + 20 = 37, centre 3.75 decades:
    // G = 10^3.75 s = 5623.41 s, inside [30 min, 6 h].
    let gaps: Vec<Millis> = (0..600)
        .map(|i| if i % 2 == 0 { 12_000 } else { 2_000_000_000 })
        .collect();
    let (g, how) = gap_of(&chat_with_gaps(&gaps));
    assert_eq!(how, GapChoice::Valley);
    assert_eq!(g, 5_623_413);
}

#[test]
fn gap_valley_is_clamped() {
    // Modes at 12 s (bin 10) and 300 s (log10 = 2.48, bin 24): the only zero bin between
    // them is 17 (10^1.75 s = 56 s), clamped up to 30 min.
    let gaps: Vec<Millis> = (0..400)
        .map(|i| if i % 2 == 0 { 12_000 } else { 300_000 })
        .collect();
    assert_eq!(
        gap_of(&chat_with_gaps(&gaps)),
        (30 * MINUTE, GapChoice::Valley)
    );
}

#[test]
fn gap_defaults() {
    // 199 gaps: too few.
    let few = chat_with_gaps(&[60_000; 199]);
    assert_eq!(gap_of(&few), (60 * MINUTE, GapChoice::DefaultTooFewGaps));
    // 200 gaps of one minute: one mode, no valley.
    let one_mode = chat_with_gaps(&[60_000; 200]);
    assert_eq!(gap_of(&one_mode), (60 * MINUTE, GapChoice::DefaultNoValley));
    // A minor mode below a tenth of the major one does not count: 380 gaps of 12 s,
    // 20 of a day (the smoothed peak ratio is 20/380 = 0.05 < 0.1).
    let gaps: Vec<Millis> = (0..400)
        .map(|i| if i % 20 == 0 { 86_400_000 } else { 12_000 })
        .collect();
    assert_eq!(
        gap_of(&chat_with_gaps(&gaps)),
        (60 * MINUTE, GapChoice::DefaultNoValley)
    );
    // --gap overrides.
    let mut c = cfg();
    c.gap = Some(5 * MINUTE);
    let events = small_chat();
    let a = analyze(&evs(&events), &people(), &c);
    assert_eq!(a.conversations.gap_choice, GapChoice::Override);
    assert_eq!(a.conversations.gap, 5 * MINUTE);
}

#[test]
fn questions_per_language() {
    let yes = [
        "are you coming?",
        "Are you coming",
        "see https://x.com/?a=1 what do you think?",
        "¿Dónde estás",
        "dónde estás",
        "por qué no me llamaste",
        "Hast du Zeit",
        "wann kommst du",
        "Est-ce que tu viens",
        "tu viens ?",
        "onde você está",
        "come stai",
        "ما هذا؟",
        "你好吗？",
        "how are you 😊",
    ];
    for t in yes {
        assert!(balance::is_question(t), "{t}");
    }
    let no = [
        "",
        "what a day",
        "how nice",
        "qué bonito",
        "perché ti amo",
        "when I got home I slept",
        "https://example.com/?q=1",
        "tienes razón",
        "ça va",
        "doing well",
        "Porque sí",
    ];
    for t in no {
        assert!(!balance::is_question(t), "{t}");
    }
}

#[test]
fn words_and_emoji() {
    // UAX #29: "can't" and "3.14" are one word each, "e.g." is one word plus a period.
    assert_eq!(balance::count_words("I can't pay 3.14, e.g. now"), 6);
    assert_eq!(balance::count_words("¡Hola, señor! ¿Qué tal?"), 4);
    assert_eq!(balance::count_words("你好"), 2);
    assert_eq!(balance::count_words("😀 🎉"), 0);
    assert_eq!(balance::count_words("___ !!"), 0);
    assert_eq!(balance::count_emoji("😀 🎉"), 2);
    // A skin tone, a ZWJ family and a flag each count once; two flags twice.
    assert_eq!(balance::count_emoji("👍🏽"), 1);
    assert_eq!(balance::count_emoji("👨\u{200D}👩\u{200D}👧"), 1);
    assert_eq!(balance::count_emoji("🇪🇸"), 1);
    assert_eq!(balance::count_emoji("🇪🇸🇫🇷"), 2);
    assert_eq!(balance::count_emoji("love ❤️"), 1);
    assert_eq!(balance::count_emoji("plain ascii :)"), 0);
}

#[test]
fn band_thresholds() {
    assert_eq!(Band::of(0.2), Band::Balanced);
    assert_eq!(Band::of(-0.21), Band::ModerateImbalance);
    assert_eq!(Band::of(0.5), Band::ModerateImbalance);
    assert_eq!(Band::of(0.51), Band::StrongImbalance);
    assert_eq!(Band::StrongImbalance.as_str(), "strong_imbalance");
    assert_eq!(balance::ebi(&[None, None]), None);
    // Only the defined shares count: mean(2*1 - 1) = 1.
    assert_eq!(balance::ebi(&[Some(1.0), None]), Some(1.0));
}

#[test]
fn determinism_of_the_interval() {
    let chat = random_like_chat(400);
    let a1 = analyze(&evs(&chat), &people(), &cfg());
    let a2 = analyze(&evs(&chat), &people(), &cfg());
    assert!(a1.balance.ci95.is_some());
    assert_eq!(a1.balance.ci95, a2.balance.ci95);
    let mut other = cfg();
    other.seed = 1;
    let a3 = analyze(&evs(&chat), &people(), &other);
    // A different seed gives a (slightly) different interval around the same point.
    assert_eq!(a1.balance.ebi, a3.balance.ebi);
    assert_ne!(a1.balance.ci95, a3.balance.ci95);
}

/// A deterministic chat of `n` messages with varied gaps, senders and texts.
fn random_like_chat(n: usize) -> Vec<Event> {
    let mut rng = walkaway_analysis::rng::SplitMix64::new(42);
    let texts = [
        "hey",
        "how are you?",
        "ok",
        "see you tomorrow",
        "😀",
        "what time?",
    ];
    let mut ts = T0;
    (0..n)
        .map(|_| {
            ts += [30_000, 120_000, 3_600_000, 86_400_000][rng.below(4)];
            ev(ts, rng.below(2) as u32, texts[rng.below(texts.len())])
        })
        .collect()
}

#[test]
fn unsorted_events_are_sorted_and_keep_their_index() {
    let mut events = small_chat();
    events.reverse();
    let a = analyze(&evs(&events), &people(), &cfg());
    let b_events = small_chat();
    let b = analyze(&evs(&b_events), &people(), &cfg());
    assert_eq!(a.conversations, b.conversations);
    assert_eq!(a.balance.ebi, b.balance.ebi);
    // The first message (m0) is the last event of the reversed slice.
    assert_eq!(a.msgs[0].event(), 9);
    assert_eq!(events[9].text, "hi, how are you?");
}

#[test]
fn edge_cases() {
    // Empty chat.
    let a = analyze(&Events::new(), &people(), &cfg());
    assert_eq!(a.messages.total, 0);
    assert_eq!(a.conversations.count, 0);
    assert_eq!(a.balance.ebi, None);
    assert!(a.monthly.is_empty() && a.weekly.is_empty());
    assert_eq!(a.conversations.opening_share.estimate, None);
    // One person only: the user opens everything, the partner never writes.
    let solo: Vec<Event> = (0..5).map(|i| at(i * 600, 0, "hello?")).collect();
    let a = analyze(&evs(&solo), &people(), &cfg());
    assert_eq!(a.conversations.opened_by, [5, 0]);
    assert_eq!(a.balance.ebi, Some(1.0));
    assert_eq!(a.balance.band, Some(Band::StrongImbalance));
    assert_eq!(a.replies[0].latency.count, 0);
    assert_eq!(a.replies[0].reply_rate.n, 0);
    // All at the same instant: one conversation, zero latencies.
    let same: Vec<Event> = (0..300).map(|i| at(0, i % 2, "x")).collect();
    let a = analyze(&evs(&same), &people(), &cfg());
    assert_eq!(a.conversations.count, 1);
    assert_eq!(a.replies[1].latency.median_ms, Some(0.0));
    // Huge gaps and extreme instants: no panic, every message counted.
    let huge = vec![
        ev(i64::MIN, 0, "a"),
        ev(-1, 1, "b"),
        ev(0, 0, "c"),
        ev(T0, 1, "d"),
        ev(i64::MAX, 0, "e"),
    ];
    let mut end_of_time = cfg();
    end_of_time.as_of = i64::MAX;
    let a = analyze(&evs(&huge), &people(), &end_of_time);
    assert_eq!(a.messages.total, 5);
    // -1 ms and 0 ms are 1 ms apart: one conversation; every other gap is huge.
    assert_eq!(a.conversations.count, 4);
    assert!(a.monthly.len() as i64 <= walkaway_analysis::MAX_SERIES_DAYS / 28 + 2);
    // Senders outside `people`, system events and sender-less events are not messages.
    let mut odd = small_chat();
    odd.push(ev(T0, 7, "stranger"));
    odd.push(Event {
        sender: None,
        kind: Kind::System,
        ..ev(T0, 0, "encryption")
    });
    let a = analyze(&evs(&odd), &people(), &cfg());
    assert_eq!(a.messages.total, 10);
    // Groups: no partner, no index; per-person figures remain.
    let mut g = cfg();
    g.partner = None;
    let group: Vec<Event> = (0..9).map(|i| at(i, (i % 3) as u32, "hi")).collect();
    let names = vec!["A".into(), "B".into(), "C".into()];
    let a = analyze(&evs(&group), &names, &g);
    assert_eq!(a.balance.ebi, None);
    assert_eq!(a.replies.len(), 3);
    // One conversation of 9 one-message turns A B C A B C A B C, none pending (the data end is
    // far away). C answered the turns before 2', 5', 8' (3) of the 9 - 3 = 6 turns by others.
    assert_eq!(
        (a.replies[2].reply_rate.k, a.replies[2].reply_rate.n),
        (3, 6)
    );
}

fn check_mirror(a: &Analysis, b: &Analysis) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.conversations.count, b.conversations.count);
    prop_assert_eq!(a.conversations.opened_by[0], b.conversations.opened_by[1]);
    prop_assert_eq!(a.conversations.opened_by[1], b.conversations.opened_by[0]);
    for (x, y) in [
        (a.balance.openings, b.balance.openings),
        (a.balance.words, b.balance.words),
        (a.balance.questions, b.balance.questions),
    ] {
        let (x, y) = (x.and_then(|s| s.share), y.and_then(|s| s.share));
        match (x, y) {
            (Some(x), Some(y)) => prop_assert!((x - (1.0 - y)).abs() < 1e-12),
            (x, y) => prop_assert_eq!(x, y),
        }
    }
    match (a.balance.ebi, b.balance.ebi) {
        (Some(x), Some(y)) => prop_assert!((x + y).abs() < 1e-12),
        (x, y) => prop_assert_eq!(x, y),
    }
    match (a.balance.ci95, b.balance.ci95) {
        (Some((lo, hi)), Some((lo2, hi2))) => {
            prop_assert!((lo + hi2).abs() < 1e-9 && (hi + lo2).abs() < 1e-9)
        }
        (x, y) => prop_assert_eq!(x.is_some(), y.is_some()),
    }
    Ok(())
}

fn arb_chat() -> impl Strategy<Value = Vec<(u32, bool, usize)>> {
    proptest::collection::vec(
        (
            prop_oneof![0u32..120, 0u32..7200, 0u32..200_000],
            any::<bool>(),
            0usize..6,
        ),
        0..120,
    )
}

fn build(spec: &[(u32, bool, usize)], swap: bool) -> Vec<Event> {
    let texts = [
        "hey",
        "how are you?",
        "ok",
        "see you tomorrow 😀",
        "dónde estás",
        "",
    ];
    let mut ts = T0;
    spec.iter()
        .map(|(gap_s, who, t)| {
            ts += Millis::from(*gap_s) * 1000;
            let who = u32::from(*who != swap);
            ev(ts, who, texts.get(*t).copied().unwrap_or(""))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn swapping_people_mirrors_every_share(spec in arb_chat()) {
        let mut c = cfg();
        c.bootstrap_reps = 200;
        let e1 = build(&spec, false);
        let e2 = build(&spec, true);
        let a = analyze(&evs(&e1), &people(), &c);
        let b = analyze(&evs(&e2), &people(), &c);
        check_mirror(&a, &b)?;
    }

    #[test]
    fn latencies_are_within_zero_and_g(spec in arb_chat()) {
        let e = build(&spec, false);
        let a = analyze(&evs(&e), &people(), &cfg());
        for t in &a.turns {
            if let Some(l) = t.latency() {
                prop_assert!(l >= 0 && l <= a.conversations.gap);
            }
        }
        // Every reply counts once: replies = turns - conversations.
        let replies: u64 = a.replies.iter().map(|r| r.latency.count).sum();
        prop_assert_eq!(replies, a.turns.len() as u64 - a.conversations.count);
    }

    #[test]
    fn adding_a_message_never_decreases_totals(spec in arb_chat(), extra_gap in 0u32..100_000, who in any::<bool>()) {
        let mut e = build(&spec, false);
        let a = analyze(&evs(&e), &people(), &cfg());
        let (total, by) = (a.messages.total, a.messages.by.clone());
        let last = e.last().map_or(T0, |x| x.ts);
        e.push(ev(last + Millis::from(extra_gap) * 1000, u32::from(who), "more"));
        let b = analyze(&evs(&e), &people(), &cfg());
        prop_assert_eq!(b.messages.total, total + 1);
        for (x, y) in by.iter().zip(&b.messages.by) {
            prop_assert!(y >= x);
        }
        let monthly_total: u64 = b.monthly.iter().flat_map(|m| m.messages.iter()).sum();
        prop_assert_eq!(monthly_total, b.messages.total);
        let weekly_total: u64 = b.weekly.messages.iter().sum();
        prop_assert_eq!(weekly_total, b.messages.total);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn ascii_words_match_uax29(s in "[ab1_.:,;' \n!\"-]{0,40}") {
        use unicode_segmentation::UnicodeSegmentation;
        prop_assert_eq!(balance::count_words(&s) as usize, s.unicode_words().count());
    }

    #[test]
    fn fused_text_facts_match_the_separate_counts(
        s in "[aéA1_.:,;'’‘·ñ \n!?¿¡«»…–😀❤❓\u{FE0F}\u{200D}\u{1F3FD}\u{1F1EB}\u{1F1F7}\u{0301}×ª-]{0,40}"
    ) {
        prop_assert_eq!(
            balance::text_facts(&s),
            (balance::count_words(&s), balance::count_emoji(&s), balance::is_question(&s))
        );
        for opener in ["do you ", "Where do ", "¿Dónde ", "Hast du "] {
            let t = format!("{opener}{s}");
            prop_assert_eq!(
                balance::text_facts(&t),
                (balance::count_words(&t), balance::count_emoji(&t), balance::is_question(&t))
            );
        }
    }

    #[test]
    fn fast_words_match_uax29(
        s in "[aé1_.:,;'’‘·ñ \n!¿¡«»…–😀❤\u{FE0F}\u{200D}\u{1F3FD}\u{0301}×ª-]{0,40}"
    ) {
        use unicode_segmentation::UnicodeSegmentation;
        prop_assert_eq!(balance::count_words(&s) as usize, s.unicode_words().count());
    }
}

/// Regression: exports with minute resolution (WhatsApp Android) give many 0 s gaps between
/// messages sent in the same minute. They must not form a "mode" of their own: the valley
/// sits between the burst gaps (minutes) and the fresh-contact gaps (hours), not between
/// 0 s and 1 min (which the clamp would silently turn into G = 30 min).
#[test]
fn gap_valley_ignores_same_minute_zero_gaps() {
    use walkaway_analysis::conversations::{GapChoice, choose_gap};
    let mut events = Vec::new();
    let mut t: i64 = 1_700_000_000_000;
    let mut x: u64 = 12345;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _conv in 0..150 {
        for i in 0..8u32 {
            // Within a conversation: 0..20 whole minutes, a third of them in the same minute.
            let r = next();
            let mins = if r % 3 == 0 { 0 } else { (r >> 8) % 21 };
            t += (mins * 60_000) as i64;
            events.push(Event {
                ts: t,
                sender: Some(i % 2),
                kind: walkaway_model::Kind::Text,
                text: "hey",
                line: events.len() as u32 + 1,
                flags: 0,
            });
        }
        // Between conversations: 6 to 48 hours.
        t += ((6 + next() % 43) * 3_600_000) as i64;
    }
    let msgs = walkaway_analysis::messages(&evs(&events));
    let (g, choice) = choose_gap(&msgs);
    assert_eq!(choice, GapChoice::Valley);
    assert!(
        g > 45 * 60_000 && g < 6 * 3_600_000,
        "G = {} min",
        g / 60_000
    );
}

/// A million-message chat keeps a million messages and over half a million turns in memory:
/// their sizes are part of the memory budget (BENCHMARKS.md).
#[test]
fn per_message_types_stay_small() {
    assert_eq!(std::mem::size_of::<walkaway_analysis::Msg>(), 16);
    assert_eq!(std::mem::size_of::<walkaway_analysis::replies::Turn>(), 24);
    assert_eq!(std::mem::size_of::<walkaway_model::Event>(), 32);
}
