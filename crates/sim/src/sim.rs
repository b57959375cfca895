//! The generative model: two people, competing reach-out clocks, and a step-back at a known date.
//!
//! Validation needs histories whose truth is known analytically. After every conversation both
//! people draw a time-to-reach-out from their own clock; whoever's clock fires first opens the
//! next conversation, so the partner's reach-out times are censored by the user's openings,
//! exactly the situation the forecast has to handle. A clock is a shifted lognormal
//! (`shift + X`, `X ~ LN(ln median, sigma)`), so its median `shift + median` is known and every
//! silence is longer than `shift`, which keeps conversations and silences apart whatever gap G
//! the analysis picks. From the step-back date D the user's clock stops, the user's replies are
//! slower than the fast-reply rule, and the partner's clock is scaled by the scenario. A silence
//! that spans D is split the way METRICS.md splits it: the partner's clock restarts at D.

use crate::civil::{self, DAY, HOUR, MINUTE};
use crate::rng::Rng;
use crate::text;
use walkaway_model::{Events, Kind, Millis, NewEvent, ParsedChat, PersonIdx, Source};

/// Index of the user in every simulated chat.
pub const USER: PersonIdx = 0;
/// Index of the partner in every simulated chat.
pub const PARTNER: PersonIdx = 1;

/// Longest reply latency inside a conversation (minutes) before the step-back.
pub const MAX_REPLY_MINUTES: f64 = 25.0;

/// What the partner does after the step-back date D.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// His reach-out clock runs three times faster (the lognormal part's median divided by 3).
    Sooner,
    /// Nothing changes.
    AsBefore,
    /// His reach-out clock runs three times slower.
    Later,
    /// He never reaches out again.
    Never,
    /// Timing as before, but his messages carry monitoring questions ("where are you?").
    Monitoring,
    /// Much more contact: a four times faster clock, message bursts and missed calls.
    Pursuit,
}

impl Scenario {
    /// The four scenarios the validation table reports.
    pub const CORE: [Scenario; 4] = [
        Scenario::Sooner,
        Scenario::AsBefore,
        Scenario::Later,
        Scenario::Never,
    ];
    pub const ALL: [Scenario; 6] = [
        Scenario::Sooner,
        Scenario::AsBefore,
        Scenario::Later,
        Scenario::Never,
        Scenario::Monitoring,
        Scenario::Pursuit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::Sooner => "sooner",
            Scenario::AsBefore => "as_before",
            Scenario::Later => "later",
            Scenario::Never => "never",
            Scenario::Monitoring => "monitoring",
            Scenario::Pursuit => "pursuit",
        }
    }

    pub fn parse(s: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Factor on the lognormal part of the partner's clock after D; `None`: he never writes.
    pub fn partner_factor(self) -> Option<f64> {
        match self {
            Scenario::Sooner => Some(1.0 / 3.0),
            Scenario::AsBefore | Scenario::Monitoring => Some(1.0),
            Scenario::Later => Some(3.0),
            Scenario::Never => None,
            Scenario::Pursuit => Some(0.25),
        }
    }

    /// The `compared_to_usual` verdict a correct analysis reaches with enough data.
    pub fn expected_compared(self) -> &'static str {
        match self {
            Scenario::Sooner | Scenario::Pursuit => "sooner",
            Scenario::AsBefore | Scenario::Monitoring => "as_usual",
            Scenario::Later | Scenario::Never => "later",
        }
    }
}

/// A reach-out clock: `shift + X` hours with `X` lognormal of median `median_hours`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Clock {
    pub shift_hours: f64,
    pub median_hours: f64,
    pub sigma: f64,
}

impl Clock {
    /// The true median in hours when the lognormal part is scaled by `factor`.
    pub fn median(&self, factor: f64) -> f64 {
        self.shift_hours + factor * self.median_hours
    }

    fn draw(&self, rng: &mut Rng, factor: f64) -> Millis {
        let h = self.shift_hours + factor * rng.lognormal(self.median_hours, self.sigma);
        (h * HOUR as f64) as Millis
    }
}

/// How one person writes inside conversations.
#[derive(Clone, Debug, PartialEq)]
pub struct Persona {
    pub name: String,
    /// Median reply latency inside a conversation, minutes (clamped to [0.2, 25]).
    pub reply_median_minutes: f64,
    pub reply_sigma: f64,
    /// Chance of answering the other person's turn (otherwise the conversation ends).
    pub reply_prob: f64,
    /// Chance of one more message in the same turn.
    pub burst: f64,
    /// Median words of a statement.
    pub words_median: f64,
    pub question_prob: f64,
    pub media_prob: f64,
    pub voice_prob: f64,
    pub deleted_prob: f64,
    pub multiline_prob: f64,
    /// Chance that an opening starts with a missed call.
    pub call_prob: f64,
}

/// A text the partner writes (in his first message at or after `at`), e.g. a monitoring line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Injection {
    pub at: Millis,
    pub text: String,
}

/// Everything that determines one simulated history.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub seed: u64,
    pub start: Millis,
    /// Data end: nothing happens at or after it.
    pub as_of: Millis,
    /// Step-back start D.
    pub stepback: Option<Millis>,
    pub scenario: Scenario,
    pub user: Persona,
    pub partner: Persona,
    pub user_clock: Clock,
    pub partner_clock: Clock,
    /// Chance that a conversation goes on for one more exchange.
    pub turn_continue: f64,
    /// The user's reply latency after D, minutes, uniform in this range (slower than F = 30).
    pub slow_reply_minutes: (f64, f64),
    /// Openings between 01:00 and 07:00 are pushed to the morning (demo realism; this breaks
    /// the analytic truth, so validation leaves it off).
    pub quiet_hours: bool,
    /// Scripted breaches: the user opens a conversation at each instant (or right after the
    /// conversation running then).
    pub user_openings: Vec<Millis>,
    /// Scripted breaches: the user's first reply at or after each instant is fast (1-4 min).
    pub fast_replies: Vec<Millis>,
    /// Lines the partner writes after given instants (sorted by `at`).
    pub injections: Vec<Injection>,
    /// System lines (encryption notice, security code changes).
    pub system_lines: Vec<(Millis, String)>,
}

/// What is known to be true of a simulated history.
#[derive(Clone, Debug, PartialEq)]
pub struct Truth {
    pub scenario: Scenario,
    pub start: Millis,
    pub stepback: Option<Millis>,
    pub as_of: Millis,
    /// True median of the partner's reach-out time before D, hours.
    pub partner_median_before_hours: f64,
    /// True median after D (None: he never reaches out).
    pub partner_median_after_hours: Option<f64>,
    /// True median of the user's reach-out clock, hours.
    pub user_median_hours: f64,
    /// The verdict a correct analysis should reach.
    pub expected_compared: &'static str,
    /// Conversations the partner opened before / after D, and the user's, as generated.
    pub partner_openings_before: u32,
    pub partner_openings_after: u32,
    pub user_openings_before: u32,
    pub user_openings_after: u32,
}

/// A simulated chat and its truth.
#[derive(Clone, Debug, PartialEq)]
pub struct Sim {
    pub chat: ParsedChat,
    pub truth: Truth,
}

/// Builds the history described by `p`. Deterministic: the same params give the same chat.
pub fn generate(p: &Params) -> Sim {
    let mut g = Gen {
        p,
        rng: Rng::new(p.seed),
        events: Vec::new(),
        openings: p.user_openings.clone(),
        next_opening: 0,
        next_fast: 0,
        next_injection: 0,
        media_counter: 0,
        truth_counts: [0; 4],
    };
    g.run();
    let Gen {
        events,
        truth_counts,
        ..
    } = g;
    let chat = assemble(p, events);
    let factor = p.scenario.partner_factor();
    let truth = Truth {
        scenario: p.scenario,
        start: p.start,
        stepback: p.stepback,
        as_of: p.as_of,
        partner_median_before_hours: p.partner_clock.median(1.0),
        partner_median_after_hours: factor.map(|f| p.partner_clock.median(f)),
        user_median_hours: p.user_clock.median(1.0),
        expected_compared: p.scenario.expected_compared(),
        partner_openings_before: truth_counts[0],
        partner_openings_after: truth_counts[1],
        user_openings_before: truth_counts[2],
        user_openings_after: truth_counts[3],
    };
    Sim { chat, truth }
}

/// One raw event before line numbers are assigned.
struct Raw {
    ts: Millis,
    who: Option<PersonIdx>,
    kind: Kind,
    text: String,
}

struct Gen<'a> {
    p: &'a Params,
    rng: Rng,
    events: Vec<Raw>,
    /// Scripted openings still pending (an instant moves when it falls inside a conversation).
    openings: Vec<Millis>,
    next_opening: usize,
    next_fast: usize,
    next_injection: usize,
    media_counter: u32,
    /// Partner before, partner after, user before, user after.
    truth_counts: [u32; 4],
}

impl Gen<'_> {
    fn after(&self, t: Millis) -> bool {
        self.p.stepback.is_some_and(|d| t >= d)
    }

    fn persona(&self, who: PersonIdx) -> &Persona {
        if who == USER {
            &self.p.user
        } else {
            &self.p.partner
        }
    }

    fn pursuing(&self, who: PersonIdx, t: Millis) -> bool {
        who == PARTNER && self.p.scenario == Scenario::Pursuit && self.after(t)
    }

    fn run(&mut self) {
        let p = self.p;
        let mut opener = USER;
        let mut open_at = p.start + 10 * MINUTE;
        while open_at < p.as_of {
            let slot = usize::from(self.after(open_at)) + if opener == USER { 2 } else { 0 };
            if let Some(c) = self.truth_counts.get_mut(slot) {
                *c += 1;
            }
            let end = self.conversation(opener, open_at);
            let (user_next, scripted) = self.user_clock_after(end);
            let partner_next = self.partner_clock_after(end);
            let (mut t, who) = match (user_next, partner_next) {
                (Some(u), Some(q)) if q < u => (q, PARTNER),
                (Some(u), _) => (u, USER),
                (None, Some(q)) => (q, PARTNER),
                (None, None) => break,
            };
            if who == USER && scripted {
                self.next_opening += 1;
            }
            if p.quiet_hours && !(who == USER && scripted) {
                t = self.push_out_of_night(t);
            }
            opener = who;
            open_at = t;
        }
    }

    /// The user's next opening after a conversation that ended at `end`, and whether it is a
    /// scripted one.
    fn user_clock_after(&mut self, end: Millis) -> (Option<Millis>, bool) {
        let p = self.p;
        let mut next = None;
        if !self.after(end) {
            let u = end + p.user_clock.draw(&mut self.rng, 1.0);
            if p.stepback.is_none_or(|d| u < d) {
                next = Some(u);
            }
        }
        if let Some(b) = self.openings.get_mut(self.next_opening) {
            // A scripted opening that fell inside a conversation happens two hours after it.
            if *b <= end {
                *b = end + 2 * HOUR;
            }
            let b = *b;
            if next.is_none_or(|u| b <= u) {
                return (Some(b), true);
            }
        }
        (next, false)
    }

    fn partner_clock_after(&mut self, end: Millis) -> Option<Millis> {
        let p = self.p;
        let factor = p.scenario.partner_factor();
        match p.stepback {
            Some(d) if end >= d => factor.map(|f| end + p.partner_clock.draw(&mut self.rng, f)),
            Some(d) => {
                let q = end + p.partner_clock.draw(&mut self.rng, 1.0);
                if q < d {
                    Some(q)
                } else {
                    factor.map(|f| d + p.partner_clock.draw(&mut self.rng, f))
                }
            }
            None => Some(end + p.partner_clock.draw(&mut self.rng, 1.0)),
        }
    }

    fn push_out_of_night(&mut self, t: Millis) -> Millis {
        let h = civil::hour_of_day(t);
        if (1..7).contains(&h) {
            let day = t.div_euclid(DAY) * DAY;
            day + 7 * HOUR + (self.rng.range(0.0, 150.0) * MINUTE as f64) as Millis
        } else {
            t
        }
    }

    /// Writes one conversation opened by `opener` at `t0`; returns its last message's instant.
    fn conversation(&mut self, opener: PersonIdx, t0: Millis) -> Millis {
        let mut t = t0;
        let call_prob = if self.pursuing(opener, t0) {
            0.6
        } else if opener == USER && self.after(t0) {
            // The user does not call during a step-back (a call would be a breach).
            0.0
        } else {
            self.persona(opener).call_prob
        };
        if self.rng.chance(call_prob) {
            let text = if self.rng.chance(0.3) {
                "Missed video call"
            } else {
                "Missed voice call"
            };
            self.push(t, Some(opener), Kind::MissedCall, text.to_owned());
            t += (self.rng.range(1.0, 4.0) * MINUTE as f64) as Millis;
        }
        let extra_turns = self.rng.geometric(self.p.turn_continue, 60);
        let mut who = opener;
        let mut last = t;
        for turn in 0..=extra_turns {
            if turn > 0 {
                let reply_prob = if self.pursuing(who, t) {
                    0.95
                } else {
                    self.persona(who).reply_prob
                };
                if !self.rng.chance(reply_prob) {
                    break;
                }
                t += self.latency(who, t);
            }
            let burst = if self.pursuing(who, t) {
                0.75
            } else {
                self.persona(who).burst
            };
            let n = 1 + self.rng.geometric(burst, 8);
            for k in 0..n {
                if k > 0 {
                    t += (self.rng.range(5.0, 90.0) * 1000.0) as Millis;
                }
                self.message(who, t, turn == 0 && k == 0, turn > 0 && k == 0);
            }
            last = t;
            who = if who == USER { PARTNER } else { USER };
        }
        last
    }

    /// Reply latency of `who` answering a turn whose last message was at `t`.
    fn latency(&mut self, who: PersonIdx, t: Millis) -> Millis {
        if who == USER && self.after(t) {
            if let Some(&f) = self.p.fast_replies.get(self.next_fast)
                && f <= t
            {
                self.next_fast += 1;
                return (self.rng.range(1.0, 4.0) * MINUTE as f64) as Millis;
            }
            let (lo, hi) = self.p.slow_reply_minutes;
            return (self.rng.range(lo, hi) * MINUTE as f64) as Millis;
        }
        let per = self.persona(who);
        let (m, s) = (per.reply_median_minutes, per.reply_sigma);
        let minutes = self.rng.lognormal(m, s).clamp(0.2, MAX_REPLY_MINUTES);
        (minutes * MINUTE as f64) as Millis
    }

    /// Writes one message of `who` at `t`.
    fn message(&mut self, who: PersonIdx, t: Millis, opening: bool, responding: bool) {
        if who == PARTNER
            && let Some(inj) = self.p.injections.get(self.next_injection)
            && inj.at <= t
        {
            self.next_injection += 1;
            self.push(t, Some(who), Kind::Text, inj.text.clone());
            return;
        }
        let per = self.persona(who);
        let (deleted, media, voice) = (per.deleted_prob, per.media_prob, per.voice_prob);
        let (question, words, multiline) =
            (per.question_prob, per.words_median, per.multiline_prob);
        let r = self.rng.unit();
        let (kind, text) = if r < deleted {
            let text = if who == USER {
                "You deleted this message"
            } else {
                "This message was deleted"
            };
            (Kind::Deleted, text.to_owned())
        } else if r < deleted + media {
            (Kind::Media, self.file_name(t, "IMG", "jpg"))
        } else if r < deleted + media + voice {
            (Kind::Voice, self.file_name(t, "PTT", "opus"))
        } else if opening && self.rng.chance(0.5) {
            (Kind::Text, text::opener(&mut self.rng).to_owned())
        } else if self.rng.chance(question) {
            (Kind::Text, text::question(&mut self.rng).to_owned())
        } else if responding && self.rng.chance(0.4) {
            (Kind::Text, text::reply(&mut self.rng).to_owned())
        } else {
            let n = self.rng.lognormal(words, 0.5).round().max(1.0) as usize;
            let mut s = text::statement(&mut self.rng, n);
            if self.rng.chance(multiline) {
                s.push('\n');
                s.push_str(&text::statement(&mut self.rng, n));
            }
            (Kind::Text, s)
        };
        self.push(t, Some(who), kind, text);
    }

    /// An attachment name the way Android exports write it.
    fn file_name(&mut self, t: Millis, prefix: &str, ext: &str) -> String {
        let w = civil::wall_clock(t);
        self.media_counter = (self.media_counter + 1) % 10_000;
        format!(
            "{prefix}-{:04}{:02}{:02}-WA{:04}.{ext} (file attached)",
            w.year, w.month, w.day, self.media_counter
        )
    }

    fn push(&mut self, ts: Millis, who: Option<PersonIdx>, kind: Kind, text: String) {
        // Android exports keep whole minutes only; the simulated chat is exactly what the
        // export says.
        let ts = ts.div_euclid(MINUTE) * MINUTE;
        self.events.push(Raw {
            ts,
            who,
            kind,
            text,
        });
    }
}

/// Orders the events (system lines among them by time), assigns line numbers as the Android
/// rendering writes them, and wraps them in a chat.
fn assemble(p: &Params, mut raw: Vec<Raw>) -> ParsedChat {
    for (ts, text) in &p.system_lines {
        raw.push(Raw {
            ts: ts.div_euclid(MINUTE) * MINUTE,
            who: None,
            kind: Kind::System,
            text: text.clone(),
        });
    }
    // Stable: messages keep their order, and a system line comes after messages of its minute
    // unless it is the very first line.
    raw.sort_by_key(|r| (r.ts, u8::from(r.who.is_some() || r.ts > p.start)));
    let mut line = 1u32;
    let mut events = Events::new();
    for r in raw {
        // A simulated history is far below the 4 GiB a chat's texts may reach.
        let _ = events.push(NewEvent {
            ts: r.ts,
            sender: r.who,
            kind: r.kind,
            text: &r.text,
            line,
            flags: 0,
        });
        let extra = r.text.matches('\n').count() as u32;
        line = line.saturating_add(1 + extra);
    }
    ParsedChat {
        source: Some(Source::WhatsApp),
        title: Some(p.partner.name.clone()),
        people: vec![p.user.name.clone(), p.partner.name.clone()],
        events,
        me_hint: Some(USER),
        exported_at: None,
        handles: Vec::new(),
    }
}
