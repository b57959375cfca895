//! The whole analysis of one chat: reciprocity ([`crate::analyze`]) plus silences and the
//! forecast, signals, the step-back and exploratory change points, composed in one place so
//! that every caller (the CLI, the simulator's validation) runs exactly the same pipeline.

use walkaway_model::{Activity, Events};

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

/// Everything a report shows.
pub struct FullAnalysis {
    pub base: Analysis,
    pub silences: Vec<Silence>,
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
    let matcher = if cfg.extra_signal_patterns.is_empty() {
        Matcher::try_builtin()?
    } else {
        Matcher::with_user_patterns(&cfg.extra_signal_patterns)?
    };
    // The signal scan reads the same messages as the reciprocity metrics but depends on none
    // of them, so it runs beside them on the second core. Results do not depend on timing.
    let n_people = crate::analysed_people(people, cfg);
    let msgs = crate::sorted_messages(events, n_people);
    let (mut base, hits) = std::thread::scope(|s| {
        let scan = s.spawn(|| signals::scan(&msgs, events, None, &matcher));
        let base = crate::analyze_borrowed(&msgs, events, n_people, cfg);
        match scan.join() {
            Ok(hits) => (base, hits),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    base.msgs = msgs;
    let silences = survival::silences(&base.convs, cfg.me, cfg.partner, cfg.as_of);
    let forecast = survival::forecast(&silences);

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
            Some(stepback::stepback(&StepbackInput {
                msgs: &base.msgs,
                convs: &base.convs,
                events,
                me: cfg.me,
                partner,
                config: sb,
                as_of: cfg.as_of,
                activity,
                monitoring_events: &monitoring,
                signal_hits: &display,
            }))
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
        silences,
        forecast,
        signals: hits,
        stepback,
        changes,
    })
}

fn weekly_changes(a: &Analysis) -> Vec<NamedChange> {
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
