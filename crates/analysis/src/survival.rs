//! Silences and the forecast: "if you stay quiet, when does the partner reach out?"
//!
//! Every past silence in a chat is a small natural experiment: it starts when a conversation
//! ends and stops when someone opens the next one. The partner's reach-out time is observed
//! when the partner opens it, and censored when the user breaks the silence first or the data
//! ends. This module turns those silences into a Kaplan–Meier forecast (with Greenwood
//! variance and a log-log band), the competing-risks picture (Aalen–Johansen cumulative
//! incidence of "partner writes first" vs "you write first"), and the log-rank comparison the
//! step-back experiment uses. Everything is written out here because the definitions are the
//! product and must not drift with a dependency.

use crate::conversations::Conversation;
use crate::stats::{chi2_sf_1df, z95};
use crate::{HOUR, Millis};
use walkaway_model::PersonIdx;

/// Fewer partner reach-outs than this and the forecast median and interval are withheld.
pub const MIN_REACH_OUTS: usize = 5;

/// Horizons (hours) at which the competing-risks probabilities are reported: 24 h, 72 h, 7 days.
pub const CIF_HORIZONS_HOURS: [f64; 3] = [24.0, 72.0, 168.0];

/// The assumption behind the Kaplan–Meier forecast, to be printed next to it.
pub const FORECAST_ASSUMPTION: &str = "this forecast treats the times you broke a silence first as \
independent of when the other person would have written; if you tended to write exactly when \
they were about to, or never when they were, the forecast is biased";

/// Tolerance when comparing a survival probability with 0.5 (products of fractions such as
/// 9/10 * 8/9 * ... * 5/6 land a few ulps away from 0.5).
const HALF_TOL: f64 = 1e-9;

/// How a silence ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SilenceEnd {
    /// The partner opened the next conversation: the reach-out time is observed.
    PartnerOpened,
    /// The user opened the next conversation: the partner's time is censored there.
    UserOpened,
    /// No next conversation before the data end (`as_of`, or the step-back start for the
    /// before side of a split silence): censored there.
    DataEnd,
    /// The silence reaches into a period where one of the person's sources has no data (a
    /// merged person, [`censor_in_gaps`]): possibly missing data, censored where the gap starts.
    MissingData,
}

impl SilenceEnd {
    pub fn as_str(self) -> &'static str {
        match self {
            SilenceEnd::PartnerOpened => "partner_opened",
            SilenceEnd::UserOpened => "user_opened",
            SilenceEnd::DataEnd => "data_end",
            SilenceEnd::MissingData => "possibly_missing_data",
        }
    }
}

/// One silence: from the end of conversation `conv_before` to the start of `conv_after`
/// (or the data end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Silence {
    pub start: Millis,
    pub end: Millis,
    pub outcome: SilenceEnd,
    /// Index (into the conversation slice) of the conversation whose end started the silence.
    pub conv_before: usize,
    /// Index of the conversation that ended it; None when censored at the data end.
    pub conv_after: Option<usize>,
}

impl Silence {
    /// Length in hours (never negative).
    pub fn hours(&self) -> f64 {
        self.end.saturating_sub(self.start).max(0) as f64 / HOUR as f64
    }

    /// True when the partner's reach-out time is observed (not censored).
    pub fn is_reach_out(&self) -> bool {
        self.outcome == SilenceEnd::PartnerOpened
    }

    /// `(hours, observed)` as the survival estimators take it.
    pub fn observation(&self) -> (f64, bool) {
        (self.hours(), self.is_reach_out())
    }
}

/// The silences between consecutive conversations of a two-person chat (`convs` sorted by
/// start). A conversation opened by `partner` ends its silence with an observed reach-out;
/// one opened by anybody else (the user) censors it. The last silence runs to `as_of`.
/// Conversations starting after `as_of` are treated as not yet seen, and a conversation still
/// running at `as_of` starts no silence. Empty in group chats (`partner` None).
pub fn silences(
    convs: &[Conversation],
    me: PersonIdx,
    partner: Option<PersonIdx>,
    as_of: Millis,
) -> Vec<Silence> {
    let Some(partner) = partner else {
        return Vec::new();
    };
    if partner == me {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, conv) in convs.iter().enumerate() {
        if conv.end >= as_of {
            break;
        }
        let next = convs.get(i + 1).filter(|n| n.start <= as_of);
        let silence = match next {
            Some(n) => Silence {
                start: conv.end,
                end: n.start.max(conv.end),
                outcome: if n.opener == partner {
                    SilenceEnd::PartnerOpened
                } else {
                    SilenceEnd::UserOpened
                },
                conv_before: i,
                conv_after: Some(i + 1),
            },
            None => Silence {
                start: conv.end,
                end: as_of,
                outcome: SilenceEnd::DataEnd,
                conv_before: i,
                conv_after: None,
            },
        };
        out.push(silence);
        if next.is_none() {
            break;
        }
    }
    out
}

/// Censors every silence that overlaps a coverage gap (`[start, end)`, a period where one of a
/// merged person's sources has no data: before its first event or after its data end) at the
/// gap's start, or at its own start when it begins inside the gap. Such a silence is not
/// evidence of silence: the person may have written in the app whose data is missing. It then
/// counts as waiting only up to where the data is complete, and never as a reach-out time.
/// Returns how many silences were affected. Without gaps (one chat) nothing changes.
pub fn censor_in_gaps(silences: &mut [Silence], gaps: &[(Millis, Millis)]) -> usize {
    let mut affected = 0;
    for s in silences.iter_mut() {
        let first_gap = gaps
            .iter()
            .filter(|&&(gs, ge)| ge > gs && gs < s.end && ge > s.start)
            .map(|&(gs, _)| gs.max(s.start))
            .min();
        if let Some(cut) = first_gap {
            s.end = cut.min(s.end);
            s.outcome = SilenceEnd::MissingData;
            affected += 1;
        }
    }
    affected
}

/// One distinct time of a Kaplan–Meier curve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KmPoint {
    pub t: f64,
    /// Subjects at risk just before `t`.
    pub at_risk: usize,
    pub events: usize,
    pub censored: usize,
    /// S(t), right-continuous: includes the events at `t`.
    pub s: f64,
    /// Greenwood variance of S(t).
    pub var: f64,
    /// 95% pointwise band on the complementary log-log scale (`S^exp(±z·se)`).
    pub lo: f64,
    pub hi: f64,
}

/// A Kaplan–Meier estimate: one point per distinct observed time (events or censorings).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KmCurve {
    pub points: Vec<KmPoint>,
    /// Number of observations used.
    pub n: usize,
    /// Number of events among them.
    pub events: usize,
}

/// Sorts observations by time with events before censorings at equal times, dropping
/// non-finite times and clamping negative ones to 0.
fn sorted_obs<T: Copy>(obs: &[(f64, T)], is_event: impl Fn(T) -> bool) -> Vec<(f64, T)> {
    let mut v: Vec<(f64, T)> = obs
        .iter()
        .filter(|(t, _)| t.is_finite())
        .map(|&(t, e)| (t.max(0.0), e))
        .collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0).then(is_event(b.1).cmp(&is_event(a.1))));
    v
}

/// Kaplan–Meier estimate of `obs = (time, event)`. Ties: events at a time are counted before
/// the censorings at the same time (a subject censored at t was at risk at t). Greenwood
/// variance; 95% band on the log(-log S) scale, which stays inside [0, 1].
pub fn kaplan_meier(obs: &[(f64, bool)]) -> KmCurve {
    let v = sorted_obs(obs, |e| e);
    let n_total = v.len();
    let z = z95();
    let mut points = Vec::new();
    let mut s = 1.0f64;
    let mut greenwood = 0.0f64; // Σ d / (n (n - d))
    let mut at_risk = n_total;
    let mut events_total = 0usize;
    let mut i = 0usize;
    while i < v.len() {
        let t = v.get(i).map_or(0.0, |x| x.0);
        let mut d = 0usize;
        let mut c = 0usize;
        while let Some(&(tj, e)) = v.get(i) {
            if tj != t {
                break;
            }
            if e {
                d += 1;
            } else {
                c += 1;
            }
            i += 1;
        }
        let n = at_risk;
        if d > 0 && n > 0 {
            s *= 1.0 - d as f64 / n as f64;
            if n > d {
                greenwood += d as f64 / (n as f64 * (n - d) as f64);
            }
        }
        events_total += d;
        let (lo, hi, var) = band(s, greenwood, z);
        points.push(KmPoint {
            t,
            at_risk: n,
            events: d,
            censored: c,
            s,
            var,
            lo,
            hi,
        });
        at_risk = at_risk.saturating_sub(d + c);
    }
    KmCurve {
        points,
        n: n_total,
        events: events_total,
    }
}

/// Greenwood variance and log-log band for one survival value.
fn band(s: f64, greenwood: f64, z: f64) -> (f64, f64, f64) {
    if s <= 0.0 {
        return (0.0, 0.0, 0.0);
    }
    if s >= 1.0 {
        return (1.0, 1.0, 0.0);
    }
    let var = s * s * greenwood;
    let ln_s = s.ln();
    let se = greenwood.sqrt() / ln_s.abs();
    let lo = s.powf((z * se).exp());
    let hi = s.powf((-z * se).exp());
    (lo, hi, var)
}

impl KmCurve {
    /// S(t): the estimate at the last point at or before `t` (1 before the first point).
    pub fn s_at(&self, t: f64) -> f64 {
        self.point_at(t).map_or(1.0, |p| p.s)
    }

    /// The curve point in force at `t`, if any.
    pub fn point_at(&self, t: f64) -> Option<&KmPoint> {
        let idx = self.points.partition_point(|p| p.t <= t);
        idx.checked_sub(1).and_then(|k| self.points.get(k))
    }

    /// Greenwood standard error of S(t).
    pub fn se_at(&self, t: f64) -> f64 {
        self.point_at(t).map_or(0.0, |p| p.var.sqrt())
    }

    /// First time at which `f(point) <= 0.5`.
    fn first_below_half(&self, f: impl Fn(&KmPoint) -> f64) -> Option<f64> {
        self.points
            .iter()
            .find(|p| f(p) <= 0.5 + HALF_TOL)
            .map(|p| p.t)
    }

    /// Median: the first time with S(t) <= 0.5; None when the curve never gets there.
    pub fn median(&self) -> Option<f64> {
        self.first_below_half(|p| p.s)
    }

    /// 95% interval of the median by Brookmeyer–Crowley inversion of the log-log band: the
    /// times whose band contains 0.5. Lower = first time the band's LOWER curve is <= 0.5
    /// (before it the whole band is above 0.5); upper = first time the band's UPPER curve is
    /// <= 0.5 (None when it never gets there, i.e. the interval is open to the right).
    ///
    /// Where S(t) = 0 the band is undefined (as in R's `survfit`): such points never give the
    /// upper end. Before this rule the band read [0, 0] there, so the last observed reach-out
    /// became the upper end, and with 3-5 reach-outs those intervals covered only 58-75%
    /// (`walkaway-sim minimums`, docs/simulation.md).
    pub fn median_ci95(&self) -> (Option<f64>, Option<f64>) {
        let hi = self
            .points
            .iter()
            .filter(|p| p.s > 0.0)
            .find(|p| p.hi <= 0.5 + HALF_TOL)
            .map(|p| p.t);
        (self.first_below_half(|p| p.lo), hi)
    }

    /// Largest observed time (events or censorings), 0 when empty.
    pub fn max_time(&self) -> f64 {
        self.points.last().map_or(0.0, |p| p.t)
    }
}

/// An observation with two competing causes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Censored,
    /// Cause 1 (in the forecast: the partner wrote first).
    Cause1,
    /// Cause 2 (in the forecast: the user wrote first).
    Cause2,
}

/// Aalen–Johansen estimate for two competing causes: at each distinct time, the
/// cumulative incidences of both causes and the overall survival (no event yet).
/// For every time, `cif1 + cif2 + surv = 1` (up to rounding).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cif {
    pub times: Vec<f64>,
    pub cif1: Vec<f64>,
    pub cif2: Vec<f64>,
    pub surv: Vec<f64>,
}

impl Cif {
    /// `(cif1, cif2)` at time `t` (step function, right-continuous; zeros before any event).
    pub fn at(&self, t: f64) -> (f64, f64) {
        let idx = self.times.partition_point(|&x| x <= t);
        match idx.checked_sub(1) {
            Some(k) => (
                self.cif1.get(k).copied().unwrap_or(0.0),
                self.cif2.get(k).copied().unwrap_or(0.0),
            ),
            None => (0.0, 0.0),
        }
    }

    /// Largest observed time, 0 when empty.
    pub fn max_time(&self) -> f64 {
        self.times.last().copied().unwrap_or(0.0)
    }
}

/// Aalen–Johansen cumulative incidence: CIF_k(t) = Σ_{t_j ≤ t} S(t_j−) d_kj / n_j, with S the
/// Kaplan–Meier survival from any cause. Ties: events before censorings.
pub fn aalen_johansen(obs: &[(f64, Endpoint)]) -> Cif {
    let v = sorted_obs(obs, |e| e != Endpoint::Censored);
    let mut out = Cif::default();
    let mut at_risk = v.len();
    let (mut s, mut c1, mut c2) = (1.0f64, 0.0f64, 0.0f64);
    let mut i = 0usize;
    while i < v.len() {
        let t = v.get(i).map_or(0.0, |x| x.0);
        let (mut d1, mut d2, mut c) = (0usize, 0usize, 0usize);
        while let Some(&(tj, e)) = v.get(i) {
            if tj != t {
                break;
            }
            match e {
                Endpoint::Cause1 => d1 += 1,
                Endpoint::Cause2 => d2 += 1,
                Endpoint::Censored => c += 1,
            }
            i += 1;
        }
        if at_risk > 0 {
            let n = at_risk as f64;
            c1 += s * d1 as f64 / n;
            c2 += s * d2 as f64 / n;
            s *= 1.0 - (d1 + d2) as f64 / n;
        }
        out.times.push(t);
        out.cif1.push(c1);
        out.cif2.push(c2);
        out.surv.push(s);
        at_risk = at_risk.saturating_sub(d1 + d2 + c);
    }
    out
}

/// The log-rank comparison of two groups (group 1 against group 2).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogRank {
    pub n1: usize,
    pub n2: usize,
    /// Observed and expected events per group.
    pub o1: f64,
    pub e1: f64,
    pub o2: f64,
    pub e2: f64,
    /// Hypergeometric variance of O1 − E1.
    pub variance: f64,
    /// (O1 − E1)² / V, chi-square with 1 degree of freedom.
    pub chi2: f64,
    pub p: f64,
    /// (O1/E1) / (O2/E2): above 1 means group 1 has the higher event rate.
    pub oe_ratio: f64,
    /// Peto's one-step hazard ratio of group 1 vs group 2: exp((O1 − E1) / V).
    pub hazard_ratio: f64,
    /// 95% interval of the Peto hazard ratio: exp((O1 − E1)/V ± z/√V).
    pub hazard_ratio_ci95: (f64, f64),
}

/// Log-rank test of two samples of `(time, event)`. None when the variance is zero (no
/// event at a time where both groups had someone at risk), i.e. the data cannot compare them.
pub fn log_rank(g1: &[(f64, bool)], g2: &[(f64, bool)]) -> Option<LogRank> {
    let mut all: Vec<(f64, bool, u8)> = Vec::with_capacity(g1.len() + g2.len());
    all.extend(
        g1.iter()
            .filter(|x| x.0.is_finite())
            .map(|&(t, e)| (t.max(0.0), e, 1u8)),
    );
    all.extend(
        g2.iter()
            .filter(|x| x.0.is_finite())
            .map(|&(t, e)| (t.max(0.0), e, 2u8)),
    );
    all.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    let n1_total = all.iter().filter(|x| x.2 == 1).count();
    let n2_total = all.len() - n1_total;
    let (mut r1, mut r2) = (n1_total as f64, n2_total as f64);
    let (mut o1, mut e1, mut o2, mut e2, mut v) = (0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut i = 0usize;
    while i < all.len() {
        let t = all.get(i).map_or(0.0, |x| x.0);
        let (mut d1, mut d2, mut c1, mut c2) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        while let Some(&(tj, e, g)) = all.get(i) {
            if tj != t {
                break;
            }
            match (e, g) {
                (true, 1) => d1 += 1.0,
                (true, _) => d2 += 1.0,
                (false, 1) => c1 += 1.0,
                (false, _) => c2 += 1.0,
            }
            i += 1;
        }
        let n = r1 + r2;
        let d = d1 + d2;
        if d > 0.0 && n > 0.0 {
            o1 += d1;
            o2 += d2;
            e1 += d * r1 / n;
            e2 += d * r2 / n;
            if n > 1.0 {
                v += r1 * r2 * d * (n - d) / (n * n * (n - 1.0));
            }
        }
        r1 -= d1 + c1;
        r2 -= d2 + c2;
    }
    if v <= 0.0 || !v.is_finite() {
        return None;
    }
    let diff = o1 - e1;
    let chi2 = diff * diff / v;
    let z = z95();
    let log_hr = diff / v;
    let half = z / v.sqrt();
    let oe_ratio = if e1 > 0.0 && e2 > 0.0 && o2 > 0.0 {
        (o1 / e1) / (o2 / e2)
    } else {
        f64::INFINITY
    };
    Some(LogRank {
        n1: n1_total,
        n2: n2_total,
        o1,
        e1,
        o2,
        e2,
        variance: v,
        chi2,
        p: chi2_sf_1df(chi2),
        oe_ratio,
        hazard_ratio: log_hr.exp(),
        hazard_ratio_ci95: ((log_hr - half).exp(), (log_hr + half).exp()),
    })
}

/// One point of the forecast curve, in hours.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CurvePoint {
    pub hours: f64,
    /// Probability that the partner has not yet reached out (Kaplan–Meier).
    pub s: f64,
    pub lo: f64,
    pub hi: f64,
    pub at_risk: usize,
}

/// The forecast: Kaplan–Meier of the partner's reach-out time (user openings censor), and the
/// competing-risks "as you usually behave" picture.
#[derive(Clone, Debug, PartialEq)]
pub struct Forecast {
    /// Median reach-out time in hours; None with too few reach-outs or when the curve never
    /// falls to 0.5 (see `null_reason`).
    pub median_hours: Option<f64>,
    /// Both ends of the 95% interval of the median, when both exist (JSON `ci95_hours`).
    pub ci95_hours: Option<(f64, f64)>,
    /// The lower end alone (present also when the upper end is not reached).
    pub ci95_lower_hours: Option<f64>,
    /// The upper end alone (None when the band never falls to 0.5: open to the right).
    pub ci95_upper_hours: Option<f64>,
    /// Plain-language note when the interval is open to the right.
    pub ci95_note: Option<String>,
    pub silences: usize,
    /// Silences the partner ended by opening the next conversation.
    pub partner_reach_outs: usize,
    /// Silences the user ended (censored in the forecast, competing event in the CIF view).
    pub user_breaks: usize,
    /// Silences still open at the data end.
    pub censored_at_end: usize,
    /// Silences censored where a source of a merged person has no data ([`censor_in_gaps`]).
    pub possibly_missing: usize,
    pub curve: Vec<CurvePoint>,
    /// Cumulative incidence of "partner writes first", `(hours, probability)` per distinct time.
    pub cif_partner: Vec<(f64, f64)>,
    /// Cumulative incidence of "you write first".
    pub cif_user: Vec<(f64, f64)>,
    /// `(hours, probability)` at 24 h, 72 h and 7 days; None past the last observed time.
    pub partner_first_by: Vec<(f64, Option<f64>)>,
    pub user_first_by: Vec<(f64, Option<f64>)>,
    /// Why the median (or its interval) is missing, in plain words.
    pub null_reason: Option<String>,
    pub assumption: &'static str,
    /// The underlying Kaplan–Meier curve (hours).
    pub km: KmCurve,
}

fn times_word(n: usize) -> &'static str {
    if n == 1 { "time" } else { "times" }
}

/// Builds the forecast from a chat's silences (see [`silences`]).
pub fn forecast(silences: &[Silence]) -> Forecast {
    let obs: Vec<(f64, bool)> = silences.iter().map(Silence::observation).collect();
    let km = kaplan_meier(&obs);
    let count = |o: SilenceEnd| silences.iter().filter(|s| s.outcome == o).count();
    let partner_reach_outs = count(SilenceEnd::PartnerOpened);
    let user_breaks = count(SilenceEnd::UserOpened);
    let censored_at_end = count(SilenceEnd::DataEnd);
    let possibly_missing = count(SilenceEnd::MissingData);

    let competing: Vec<(f64, Endpoint)> = silences
        .iter()
        .map(|s| {
            let e = match s.outcome {
                SilenceEnd::PartnerOpened => Endpoint::Cause1,
                SilenceEnd::UserOpened => Endpoint::Cause2,
                SilenceEnd::DataEnd | SilenceEnd::MissingData => Endpoint::Censored,
            };
            (s.hours(), e)
        })
        .collect();
    let cif = aalen_johansen(&competing);
    let horizon = |which: usize| -> Vec<(f64, Option<f64>)> {
        CIF_HORIZONS_HOURS
            .iter()
            .map(|&h| {
                let p = (h <= cif.max_time()).then(|| {
                    let (a, b) = cif.at(h);
                    if which == 1 { a } else { b }
                });
                (h, p)
            })
            .collect()
    };
    let partner_first_by = horizon(1);
    let user_first_by = horizon(2);

    let (mut median, (mut lo, mut hi)) = (km.median(), km.median_ci95());
    let mut null_reason = None;
    let mut ci95_note = None;
    if partner_reach_outs < MIN_REACH_OUTS {
        null_reason = Some(format!(
            "the other person reached out first only {partner_reach_outs} {} in {} silences; \
             at least {MIN_REACH_OUTS} are needed for a forecast",
            times_word(partner_reach_outs),
            silences.len()
        ));
        median = None;
        lo = None;
        hi = None;
    } else if median.is_none() {
        null_reason = Some(format!(
            "the other person reached out first in fewer than half of the silences as far as the \
             data can tell (the curve stays above 50% up to {:.0} hours), so the median is not \
             reached",
            km.max_time()
        ));
        hi = None;
    } else if hi.is_none() {
        ci95_note = Some(
            "the upper end of the interval is not reached: the data cannot rule out much longer \
             waits"
                .to_owned(),
        );
    }
    let ci95_hours = match (lo, hi) {
        (Some(a), Some(b)) => Some((a, b)),
        _ => None,
    };
    Forecast {
        median_hours: median,
        ci95_hours,
        ci95_lower_hours: lo,
        ci95_upper_hours: hi,
        ci95_note,
        silences: silences.len(),
        partner_reach_outs,
        user_breaks,
        censored_at_end,
        possibly_missing,
        curve: km
            .points
            .iter()
            .map(|p| CurvePoint {
                hours: p.t,
                s: p.s,
                lo: p.lo,
                hi: p.hi,
                at_risk: p.at_risk,
            })
            .collect(),
        cif_partner: cif
            .times
            .iter()
            .copied()
            .zip(cif.cif1.iter().copied())
            .collect(),
        cif_user: cif
            .times
            .iter()
            .copied()
            .zip(cif.cif2.iter().copied())
            .collect(),
        partner_first_by,
        user_first_by,
        null_reason,
        assumption: FORECAST_ASSUMPTION,
        km,
    }
}
