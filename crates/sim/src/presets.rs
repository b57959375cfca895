//! Parameter sets: the people of the demo and the randomised histories of the validation.
//!
//! Validation histories vary their clocks per seed (partner median 10-30 h, user median 5-12 h,
//! spreads 0.6-1.0), so the measured accuracy is not the accuracy on one lucky parameter set.
//! Every history spans 2026-02-01 to 2026-10-31 with the step-back on 2026-10-01: eight months
//! before D (hundreds of silences, dozens to hundreds of partner reach-outs) and thirty days after
//! it, more than the default window of 14 days.

use crate::civil::midnight;
use crate::rng::Rng;
use crate::sim::{Clock, Injection, Params, Persona, Scenario};

/// The user: opens more, writes more, asks more, replies fast.
pub fn user_persona(name: &str) -> Persona {
    Persona {
        name: name.to_owned(),
        reply_median_minutes: 2.0,
        reply_sigma: 0.9,
        reply_prob: 0.93,
        burst: 0.45,
        words_median: 9.0,
        question_prob: 0.22,
        media_prob: 0.03,
        voice_prob: 0.01,
        deleted_prob: 0.004,
        multiline_prob: 0.01,
        call_prob: 0.02,
    }
}

/// The partner: shorter messages, fewer questions, slower and less reliable replies.
pub fn partner_persona(name: &str) -> Persona {
    Persona {
        name: name.to_owned(),
        reply_median_minutes: 6.0,
        reply_sigma: 1.0,
        reply_prob: 0.8,
        burst: 0.25,
        words_median: 5.0,
        question_prob: 0.08,
        media_prob: 0.04,
        voice_prob: 0.015,
        deleted_prob: 0.003,
        multiline_prob: 0.003,
        call_prob: 0.02,
    }
}

/// Start, step-back date and data end shared by the validation histories.
pub fn validation_dates() -> (i64, i64, i64) {
    (
        midnight(2026, 2, 1),
        midnight(2026, 10, 1),
        midnight(2026, 10, 31),
    )
}

/// The monitoring lines the `monitoring` scenario puts in the partner's messages after D.
pub const MONITORING_LINES: [&str; 3] = [
    "where are you?",
    "who are you with?",
    "why didn't you answer?",
];

/// One validation history: scenario × seed.
///
/// Each (seed, scenario) pair gets its own stream: the seed and the scenario are hashed into
/// the generator's seed, so the histories are independent, also before D and across seeds.
///
/// The hash matters: SplitMix64 advances its state by the constant γ = 0x9E37_79B9_7F4A_7C15, so
/// seeding the generator with `seed · γ + salt` (as before 2026-11-22) made the stream of seed
/// n + 1 the stream of seed n shifted by one draw. Such overlapping histories tend to fall back
/// in step (the same draws at the same point of the generator), so neighbouring seeds shared
/// long stretches of their random draws, and one scenario's 300 histories were far fewer
/// independent ones than they looked (the `monitoring` scenario, with the timing of `as_before`,
/// was called sooner ten times as often).
pub fn validation_params(seed: u64, scenario: Scenario) -> Params {
    let salt = Scenario::ALL
        .iter()
        .position(|s| *s == scenario)
        .unwrap_or(0) as u64;
    let seed = Rng::new(
        seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(salt.wrapping_mul(0xD1B5_4A32_D192_ED03)),
    )
    .next_u64();
    let mut r = Rng::new(seed ^ 0x5349_4d5f_5041_5241); // "SIM_PARA"
    let (start, d, as_of) = validation_dates();
    let partner_clock = Clock {
        shift_hours: 1.5,
        median_hours: r.range(10.0, 30.0),
        sigma: r.range(0.6, 1.0),
    };
    let user_clock = Clock {
        shift_hours: 1.5,
        median_hours: r.range(5.0, 12.0),
        sigma: r.range(0.6, 1.0),
    };
    let injections = if scenario == Scenario::Monitoring {
        MONITORING_LINES
            .iter()
            .zip([0i64, 6, 13])
            .map(|(text, days)| Injection {
                at: d + days * crate::civil::DAY,
                text: (*text).to_owned(),
            })
            .collect()
    } else {
        Vec::new()
    };
    Params {
        seed,
        start,
        as_of,
        stepback: Some(d),
        scenario,
        user: user_persona("Alex"),
        partner: partner_persona("Sam"),
        user_clock,
        partner_clock,
        turn_continue: 0.8,
        slow_reply_minutes: (35.0, 50.0),
        quiet_hours: false,
        user_openings: Vec::new(),
        fast_replies: Vec::new(),
        injections,
        system_lines: vec![(start, crate::demo::ENCRYPTION_NOTICE.to_owned())],
    }
}
