//! The whole analysis of one chat: reciprocity ([`crate::analyze`]) plus silences and the
//! forecast, signals, the step-back and exploratory change points, composed in one place so
//! that every caller (the CLI, the simulator's validation) runs exactly the same pipeline.

use walkaway_model::{Activity, Events};

use crate::calls::{self, Calls};
use crate::changepoint::{self, Change};
use crate::signals::{self, Matcher, Signal, SignalHit};
use crate::stepback::{self, StepbackInput, StepbackResult};
use crate::survival::{self, Forecast, Silence};
use crate::{Analysis, Config};

/// One exploratory change point, named by the weekly series it was found in.
#[derive(Clone, Debug)]
pub struct NamedChange {
    /// `opening_share`, `partner_openings`, `messages` or `partner_reply_latency`.
    pub series: &'static str,
    pub change: Change,
    /// Monday of the first week after the change.
    pub week: Option<jiff::civil::Date>,
}

/// At most this many change points are reported: the largest shifts (see [`weekly_changes`]).
pub const MAX_CHANGES: usize = 5;

/// Monitoring messages are "frequent" when they fall on at least this many different local
/// days within [`MONITORING_SPAN_DAYS`] days; only then does the report show the full warning.
pub const MONITORING_FREQUENT_DAYS: usize = 2;
pub const MONITORING_SPAN_DAYS: i64 = 30;

/// Everything a report shows.
pub struct FullAnalysis {
    pub base: Analysis,
    pub calls: Calls,
    /// The partner's monitoring messages (where are you / who are you with / why didn't you
    /// answer) are frequent (see [`MONITORING_FREQUENT_DAYS`]); a single one is listed calmly.
    pub monitoring_frequent: bool,
    pub silences: Vec<Silence>,
    /// Silences censored because they overlap a coverage gap of a merged person
    /// (`Config::coverage_gaps`); 0 for one chat.
    pub silences_in_gaps: usize,
    pub forecast: Forecast,
    pub signals: Vec<SignalHit>,
    pub stepback: Option<StepbackResult>,
    pub changes: Vec<NamedChange>,
}

/// Runs the full pipeline. `activity` must already be filtered to the partner's accounts.
/// Errors only when the user's extra signal patterns do not compile.
pub fn analyze_full(
    events: &Events,
    people: &[String],
    cfg: &Config,
    activity: &[Activity],
) -> Result<FullAnalysis, String> {
    let own;
    let matcher: &Matcher = if cfg.extra_signal_patterns.is_empty() {
        Matcher::shared_builtin()?
    } else {
        own = Matcher::with_user_patterns(&cfg.extra_signal_patterns)?;
        &own
    };
    // The signal scan reads the same messages as the reciprocity metrics but depends on none
    // of them, so it runs beside them on the second core. Results do not depend on timing.
    let n_people = crate::analysed_people(people, cfg);
    let msgs = crate::sorted_messages(events, n_people, cfg.as_of);
    #[cfg(not(target_arch = "wasm32"))]
    let (mut base, hits) = std::thread::scope(|s| {
        let scan = s.spawn(|| signals::scan(&msgs, events, None, matcher));
        let base = crate::analyze_borrowed(&msgs, events, n_people, cfg);
        match scan.join() {
            Ok(hits) => (base, hits),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    // WebAssembly in the browser has no threads (spawning panics there): one after the other.
    #[cfg(target_arch = "wasm32")]
    let (mut base, hits) = (
        crate::analyze_borrowed(&msgs, events, n_people, cfg),
        signals::scan(&msgs, events, None, matcher),
    );
    base.msgs = msgs;
    let mut silences = survival::silences(&base.convs, cfg.me, cfg.partner, cfg.as_of);
    let silences_in_gaps = survival::censor_in_gaps(&mut silences, &cfg.coverage_gaps);
    let forecast = survival::forecast(&silences);
    let calls = calls::calls(events, n_people, cfg.as_of);
    let monitoring_frequent = cfg.partner.is_some_and(|partner| {
        let ts: Vec<i64> = hits
            .iter()
            .filter(|h| h.who == partner && h.signal == Signal::Monitoring)
            .map(|h| h.ts)
            .collect();
        frequent(&ts, &cfg.tz)
    });

    let stepback = match (cfg.partner, cfg.stepback.as_ref()) {
        (Some(partner), Some(sb)) => {
            let monitoring: Vec<usize> = hits
                .iter()
                .filter(|h| h.who == partner && h.signal == Signal::Monitoring)
                .map(|h| h.event)
                .collect();
            let display: Vec<(usize, &'static str)> = hits
                .iter()
                .filter(|h| h.who == partner)
                .map(|h| (h.event, h.signal.as_str()))
                .collect();
            Some(stepback::stepback_in_coverage(
                &StepbackInput {
                    msgs: &base.msgs,
                    convs: &base.convs,
                    turns: &base.turns,
                    calls: &calls,
                    events,
                    me: cfg.me,
                    partner,
                    config: sb,
                    as_of: cfg.as_of,
                    activity,
                    monitoring_events: &monitoring,
                    signal_hits: &display,
                },
                &cfg.coverage_gaps,
            ))
        }
        _ => None,
    };

    let changes = if cfg.partner.is_some() {
        weekly_changes(&base)
    } else {
        Vec::new()
    };
    Ok(FullAnalysis {
        base,
        calls,
        monitoring_frequent,
        silences,
        silences_in_gaps,
        forecast,
        signals: hits,
        stepback,
        changes,
    })
}

/// True when the instants fall on at least [`MONITORING_FREQUENT_DAYS`] different local days
/// within some span of [`MONITORING_SPAN_DAYS`] days.
pub fn frequent(ts: &[i64], tz: &jiff::tz::TimeZone) -> bool {
    let mut clock = crate::series::LocalClock::new(tz.clone());
    let mut days: Vec<i64> = ts.iter().map(|&t| clock.local_day(t).0).collect();
    days.sort_unstable();
    days.dedup();
    let need = MONITORING_FREQUENT_DAYS.max(1);
    days.windows(need).any(|w| match (w.first(), w.last()) {
        (Some(a), Some(b)) => b - a < MONITORING_SPAN_DAYS,
        _ => false,
    })
}

/// The change points of the weekly series, the [`MAX_CHANGES`] largest shifts (by the size of
/// the level change on a log scale), in time order.
fn weekly_changes(a: &Analysis) -> Vec<NamedChange> {
    let mut all = all_weekly_changes(a);
    let size = |c: &NamedChange| {
        let (x, y) = (c.change.before_level, c.change.after_level);
        if c.series == "opening_share" {
            // Shares: the difference in log-odds, bounded away from 0 and 1.
            let lo = |p: f64| {
                let p = p.clamp(0.01, 0.99);
                (p / (1.0 - p)).ln()
            };
            (lo(y) - lo(x)).abs()
        } else {
            ((y.max(0.0) + 0.1) / (x.max(0.0) + 0.1)).ln().abs()
        }
    };
    all.sort_by(|p, q| size(q).total_cmp(&size(p)));
    all.truncate(MAX_CHANGES);
    all.sort_by_key(|c| c.week);
    all
}

fn all_weekly_changes(a: &Analysis) -> Vec<NamedChange> {
    let w = &a.weekly;
    let mut out = Vec::new();
    let mut push = |series: &'static str, found: Vec<Change>| {
        for change in found {
            let week = w.week_start.get(change.index).copied().flatten();
            out.push(NamedChange {
                series,
                change,
                week,
            });
        }
    };
    push(
        "opening_share",
        changepoint::binomial_changes(&w.user_openings, &w.total_openings),
    );
    push(
        "partner_openings",
        changepoint::poisson_changes(&w.partner_openings),
    );
    push("messages", changepoint::poisson_changes(&w.messages));
    let latency: Vec<Option<f64>> = w
        .partner_median_latency_ms
        .iter()
        .map(|&ms| (ms.is_finite() && ms > 0.0).then_some(ms / 1000.0))
        .collect();
    push(
        "partner_reply_latency",
        changepoint::lognormal_changes(&latency),
    );
    out
}
