//! Silences, Kaplan–Meier, Aalen–Johansen, log-rank and the forecast against hand-computed
//! and textbook values.

use walkaway_analysis::HOUR;
use walkaway_analysis::conversations::{Conversation, OpenKind};
use walkaway_analysis::survival::{
    Endpoint, SilenceEnd, aalen_johansen, forecast, kaplan_meier, log_rank, silences,
};
use walkaway_model::Millis;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// Freireich et al. (1963) remission times, 6-MP group: the textbook KM example
/// (Kleinbaum & Klein, Survival Analysis, ch. 2). `false` = censored.
fn six_mp() -> Vec<(f64, bool)> {
    let ev = [6, 6, 6, 7, 10, 13, 16, 22, 23];
    let cens = [6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35];
    let mut v: Vec<(f64, bool)> = ev.iter().map(|&t| (t as f64, true)).collect();
    v.extend(cens.iter().map(|&t| (t as f64, false)));
    v
}

/// The placebo group of the same trial (no censoring).
fn placebo() -> Vec<(f64, bool)> {
    [
        1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23,
    ]
    .iter()
    .map(|&t| (t as f64, true))
    .collect()
}

#[test]
fn kaplan_meier_matches_textbook_six_mp() {
    let km = kaplan_meier(&six_mp());
    assert_eq!(km.n, 21);
    assert_eq!(km.events, 9);
    // (t, S, Greenwood SE) as printed in the textbook.
    let expected = [
        (6.0, 0.8571, 0.0764),
        (7.0, 0.8067, 0.0869),
        (10.0, 0.7529, 0.0963),
        (13.0, 0.6902, 0.1068),
        (16.0, 0.6275, 0.1141),
        (22.0, 0.5378, 0.1282),
        (23.0, 0.4482, 0.1346),
    ];
    for (t, s, se) in expected {
        assert!(close(km.s_at(t), s, 5e-4), "S({t}) = {}", km.s_at(t));
        assert!(close(km.se_at(t), se, 5e-4), "SE({t}) = {}", km.se_at(t));
    }
    // Ties: at t = 6 the three events come before the censoring, with 21 at risk.
    let p6 = km.point_at(6.0).unwrap();
    assert_eq!((p6.at_risk, p6.events, p6.censored), (21, 3, 1));
    // Between steps and before the first one.
    assert!(close(km.s_at(8.5), 0.8067, 5e-4));
    assert_eq!(km.s_at(0.0), 1.0);
    assert!(close(km.s_at(100.0), 0.4482, 5e-4));
    // Median and its log-log Brookmeyer–Crowley interval (R survfit, conf.type = "log-log":
    // median 23, 0.95LCL 13, 0.95UCL NA).
    assert_eq!(km.median(), Some(23.0));
    assert_eq!(km.median_ci95(), (Some(13.0), None));
    // Band is inside [0, 1] and brackets S.
    for p in &km.points {
        assert!(
            0.0 <= p.lo && p.lo <= p.s && p.s <= p.hi && p.hi <= 1.0,
            "{p:?}"
        );
    }
    // The log-log band at t = 13 by hand: S^exp(±1.96 · sqrt(Σ d/(n(n-d))) / |ln S|).
    let g: f64 =
        3.0 / (21.0 * 18.0) + 1.0 / (17.0 * 16.0) + 1.0 / (15.0 * 14.0) + 1.0 / (12.0 * 11.0);
    let s13 = km.s_at(13.0);
    let se = g.sqrt() / s13.ln().abs();
    let p13 = km.point_at(13.0).unwrap();
    assert!(close(p13.lo, s13.powf((1.959_964 * se).exp()), 1e-6));
    assert!(close(p13.hi, s13.powf((-1.959_964 * se).exp()), 1e-6));
    assert!(p13.lo < 0.5 && km.point_at(10.0).unwrap().lo > 0.5);
}

#[test]
fn kaplan_meier_median_closed_interval_and_edge_cases() {
    // No censoring, 10 events at 1..=10: S = 1 - t/10, median = 5 exactly at S = 0.5.
    let obs: Vec<(f64, bool)> = (1..=10).map(|t| (t as f64, true)).collect();
    let km = kaplan_meier(&obs);
    assert_eq!(km.median(), Some(5.0));
    let (lo, hi) = km.median_ci95();
    let (lo, hi) = (lo.unwrap(), hi.unwrap());
    assert!(
        lo <= 5.0 && hi >= 5.0 && lo >= 1.0 && hi <= 10.0,
        "{lo} {hi}"
    );
    // S reaches 0 at the last event: band collapses to 0, no NaN.
    let last = km.points.last().unwrap();
    assert_eq!((last.s, last.lo, last.hi), (0.0, 0.0, 0.0));
    // Empty input and junk times.
    let empty = kaplan_meier(&[]);
    assert_eq!(empty.median(), None);
    assert_eq!(empty.s_at(3.0), 1.0);
    let junk = kaplan_meier(&[(f64::NAN, true), (f64::INFINITY, false), (-1.0, true)]);
    assert_eq!(junk.n, 1);
    assert_eq!(junk.s_at(0.0), 0.0);
    // All censored: S stays 1, no median.
    let cens = kaplan_meier(&[(1.0, false), (2.0, false)]);
    assert_eq!(cens.median(), None);
    assert_eq!(cens.median_ci95(), (None, None));
}

#[test]
fn aalen_johansen_hand_case_and_sum_to_one() {
    // n = 4: cause 1 at t=1, cause 2 at t=2, censored at 3, cause 1 at 4.
    // t=1: CIF1 = 1/4, S = 3/4. t=2: CIF2 = 3/4 · 1/3 = 1/4, S = 1/2.
    // t=3: censored, 1 left. t=4: CIF1 += 1/2 · 1/1 -> 3/4, S = 0.
    let obs = [
        (1.0, Endpoint::Cause1),
        (2.0, Endpoint::Cause2),
        (3.0, Endpoint::Censored),
        (4.0, Endpoint::Cause1),
    ];
    let cif = aalen_johansen(&obs);
    assert_eq!(cif.at(0.5), (0.0, 0.0));
    let (a, b) = cif.at(1.0);
    assert!(close(a, 0.25, 1e-12) && close(b, 0.0, 1e-12));
    let (a, b) = cif.at(2.5);
    assert!(close(a, 0.25, 1e-12) && close(b, 0.25, 1e-12));
    let (a, b) = cif.at(4.0);
    assert!(close(a, 0.75, 1e-12) && close(b, 0.25, 1e-12));
    for k in 0..cif.times.len() {
        assert!(close(cif.cif1[k] + cif.cif2[k] + cif.surv[k], 1.0, 1e-12));
    }
    // The competing-risk incidence of cause 1 is below 1 - KM(cause 1 only).
    let km = kaplan_meier(&[(1.0, true), (2.0, false), (3.0, false), (4.0, true)]);
    assert!(cif.at(4.0).0 <= 1.0 - km.s_at(4.0) + 1e-12);
}

#[test]
fn log_rank_matches_textbook_six_mp_vs_placebo() {
    // Kleinbaum & Klein: E1 = 19.25 (6-MP), E2 = 10.75, chi-square = 16.79.
    let lr = log_rank(&six_mp(), &placebo()).unwrap();
    assert_eq!((lr.n1, lr.n2), (21, 21));
    assert_eq!((lr.o1, lr.o2), (9.0, 21.0));
    assert!(close(lr.e1, 19.25, 0.01), "{}", lr.e1);
    assert!(close(lr.e2, 10.75, 0.01), "{}", lr.e2);
    assert!(close(lr.variance, 6.257, 0.005), "{}", lr.variance);
    assert!(close(lr.chi2, 16.79, 0.01), "{}", lr.chi2);
    assert!(lr.p < 1e-4 && lr.p > 1e-5, "{}", lr.p);
    // 6-MP has the lower hazard: HR < 1 with an interval below 1.
    assert!(lr.hazard_ratio < 1.0 && lr.hazard_ratio_ci95.1 < 1.0);
    assert!(close(lr.hazard_ratio, (-10.25f64 / 6.257).exp(), 0.005));
    assert!(lr.oe_ratio < 1.0);
    // Symmetry: swapping the groups inverts the hazard ratio, same chi-square.
    let rev = log_rank(&placebo(), &six_mp()).unwrap();
    assert!(close(rev.chi2, lr.chi2, 1e-9));
    assert!(close(rev.hazard_ratio * lr.hazard_ratio, 1.0, 1e-9));
    // Nothing to compare.
    assert!(log_rank(&[(1.0, false)], &[(2.0, false)]).is_none());
    assert!(log_rank(&[], &placebo()).is_none());
}

fn conv(start_h: f64, end_h: f64, opener: u32) -> Conversation {
    let ms = |h: f64| (h * HOUR as f64) as Millis;
    Conversation {
        first: 0,
        last: 0,
        opener,
        closer: opener,
        start: ms(start_h),
        end: ms(end_h),
        open_kind: OpenKind::NewContact,
    }
}

#[test]
fn silences_observed_censored_and_data_end() {
    let (me, partner) = (0u32, 1u32);
    let convs = [
        conv(0.0, 1.0, me),
        conv(11.0, 12.0, partner),
        conv(32.0, 33.0, me),
        conv(40.0, 41.0, partner),
    ];
    let s = silences(&convs, me, Some(partner), 100 * HOUR);
    assert_eq!(s.len(), 4);
    assert_eq!(s[0].outcome, SilenceEnd::PartnerOpened);
    assert_eq!(s[0].hours(), 10.0);
    assert_eq!((s[0].conv_before, s[0].conv_after), (0, Some(1)));
    assert_eq!(s[1].outcome, SilenceEnd::UserOpened);
    assert_eq!(s[1].hours(), 20.0);
    assert_eq!(s[2].outcome, SilenceEnd::PartnerOpened);
    assert_eq!(s[3].outcome, SilenceEnd::DataEnd);
    assert_eq!(s[3].hours(), 59.0);
    assert_eq!(s[3].conv_after, None);
    // as_of before the third conversation: it is not seen yet.
    let s = silences(&convs, me, Some(partner), 20 * HOUR);
    assert_eq!(s.len(), 2);
    assert_eq!(s[1].outcome, SilenceEnd::DataEnd);
    assert_eq!(s[1].hours(), 8.0);
    // Group chat: no silences. Empty chat: none.
    assert!(silences(&convs, me, None, 100 * HOUR).is_empty());
    assert!(silences(&[], me, Some(partner), 100 * HOUR).is_empty());
}

#[test]
fn forecast_null_with_few_reach_outs_and_values_with_enough() {
    let (me, partner) = (0u32, 1u32);
    // Openers: partner reaches out 3 times, user twice.
    let mut convs = Vec::new();
    let mut t = 0.0;
    for (gap, who) in [
        (0.0, me),
        (10.0, partner),
        (20.0, me),
        (30.0, partner),
        (5.0, me),
        (40.0, partner),
    ] {
        t += gap;
        convs.push(conv(t, t + 1.0, who));
        t += 1.0;
    }
    let s = silences(
        &convs,
        me,
        Some(partner),
        ((t + 2.0) * HOUR as f64) as Millis,
    );
    let f = forecast(&s);
    assert_eq!(
        (
            f.silences,
            f.partner_reach_outs,
            f.user_breaks,
            f.censored_at_end
        ),
        (6, 3, 2, 1)
    );
    assert_eq!(f.median_hours, None);
    assert_eq!(f.ci95_hours, None);
    let why = f.null_reason.clone().unwrap();
    assert!(
        why.contains("only 3 times") && why.contains("at least 5"),
        "{why}"
    );
    assert!(!f.curve.is_empty());
    assert!(!f.assumption.is_empty());

    // 8 reach-outs at 10..80 h, 2 user breaks at 15 and 45 h, one open silence at the end.
    let mut convs = Vec::new();
    let mut t = 0.0;
    convs.push(conv(t, t + 1.0, me));
    t += 1.0;
    for (gap, who) in [
        (10.0, partner),
        (15.0, me),
        (20.0, partner),
        (30.0, partner),
        (45.0, me),
        (40.0, partner),
        (50.0, partner),
        (60.0, partner),
        (70.0, partner),
        (80.0, partner),
    ] {
        t += gap;
        convs.push(conv(t, t + 1.0, who));
        t += 1.0;
    }
    let as_of = ((t + 100.0) * HOUR as f64) as Millis;
    let f = forecast(&silences(&convs, me, Some(partner), as_of));
    assert_eq!(f.partner_reach_outs, 8);
    // Hand KM: at risk 11. t10: 10/11; t15 censored; t20: ×8/9; t30: ×7/8; t40: ×6/7 (t45
    // censored after); S(40) = 0.606; t50: ×4/5 = 0.485 -> median 50.
    assert!(close(
        f.km.s_at(40.0),
        10.0 / 11.0 * 8.0 / 9.0 * 7.0 / 8.0 * 6.0 / 7.0,
        1e-9
    ));
    assert_eq!(f.median_hours, Some(50.0));
    let lo = f.ci95_lower_hours.unwrap();
    assert!(lo <= 50.0);
    assert!(f.null_reason.is_none());
    if let Some((a, b)) = f.ci95_hours {
        assert!(a <= 50.0 && b >= 50.0);
    } else {
        assert!(f.ci95_note.is_some());
    }
    // Competing risks: at 24 h partner 2/11, user 1/11 (by hand: 1/11, then 10/11·1/10
    // at 15 h for the user, then 9/11 · 1/9 at 20 h for the partner).
    let (h, p) = f.partner_first_by[0];
    assert_eq!(h, 24.0);
    assert!(close(p.unwrap(), 2.0 / 11.0, 1e-12));
    assert!(close(f.user_first_by[0].1.unwrap(), 1.0 / 11.0, 1e-12));
    for (i, &(hours, pp)) in f.cif_partner.iter().enumerate() {
        let pu = f.cif_user[i].1;
        let km_all = 1.0 - pp - pu;
        assert!(km_all >= -1e-12, "{hours}");
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn obs() -> impl Strategy<Value = Vec<(f64, bool)>> {
        proptest::collection::vec(((0u32..50).prop_map(f64::from), any::<bool>()), 0..60)
    }

    proptest! {
        #[test]
        fn km_invariants(o in obs()) {
            let km = kaplan_meier(&o);
            let mut last = 1.0;
            for p in &km.points {
                prop_assert!(p.s <= last + 1e-12);
                prop_assert!(p.lo <= p.s + 1e-12 && p.s <= p.hi + 1e-12);
                prop_assert!((0.0..=1.0).contains(&p.lo) && (0.0..=1.0).contains(&p.hi));
                prop_assert!(p.var >= 0.0 && p.var.is_finite());
                last = p.s;
            }
            if let Some(m) = km.median() {
                let (lo, hi) = km.median_ci95();
                prop_assert!(lo.is_some_and(|l| l <= m));
                prop_assert!(hi.is_none_or(|h| h >= m));
            }
        }

        #[test]
        fn aj_sums_to_one(o in proptest::collection::vec(((0u32..30).prop_map(f64::from), 0u8..3), 0..60)) {
            let obs: Vec<(f64, Endpoint)> = o
                .iter()
                .map(|&(t, c)| (t, match c { 0 => Endpoint::Censored, 1 => Endpoint::Cause1, _ => Endpoint::Cause2 }))
                .collect();
            let cif = aalen_johansen(&obs);
            for k in 0..cif.times.len() {
                prop_assert!((cif.cif1[k] + cif.cif2[k] + cif.surv[k] - 1.0).abs() < 1e-9);
            }
            // Without competing events (cause 2 treated as censoring) the KM complement
            // bounds the cumulative incidence of cause 1 from above.
            let km = kaplan_meier(&obs.iter().map(|&(t, e)| (t, e == Endpoint::Cause1)).collect::<Vec<_>>());
            for &t in &cif.times {
                prop_assert!(cif.at(t).0 <= 1.0 - km.s_at(t) + 1e-9);
            }
        }

        #[test]
        fn log_rank_is_well_formed(a in obs(), b in obs()) {
            if let Some(l) = log_rank(&a, &b) {
                prop_assert!((0.0..=1.0).contains(&l.p));
                prop_assert!(l.chi2 >= 0.0 && l.variance > 0.0);
                prop_assert!((l.o1 + l.o2 - (l.e1 + l.e2)).abs() < 1e-9);
                prop_assert!(l.hazard_ratio_ci95.0 <= l.hazard_ratio && l.hazard_ratio <= l.hazard_ratio_ci95.1);
            }
        }
    }
}

fn silence(h: f64, outcome: SilenceEnd) -> walkaway_analysis::survival::Silence {
    walkaway_analysis::survival::Silence {
        start: 0,
        end: (h * HOUR as f64) as Millis,
        outcome,
        conv_before: 0,
        conv_after: None,
    }
}

#[test]
fn forecast_median_not_reached_and_open_interval() {
    // 5 reach-outs early, 20 silences you broke later: S never reaches 0.5.
    let mut s: Vec<_> = (1..=5)
        .map(|h| silence(h as f64, SilenceEnd::PartnerOpened))
        .collect();
    s.extend((10..30).map(|h| silence(h as f64, SilenceEnd::UserOpened)));
    let f = forecast(&s);
    assert_eq!(f.partner_reach_outs, 5);
    assert_eq!(f.median_hours, None);
    assert_eq!(f.ci95_hours, None);
    assert!(f.null_reason.unwrap().contains("median is not reached"));

    // The 6-MP pattern in hours: the median is reached but the band's upper curve is not.
    let s: Vec<_> = six_mp()
        .into_iter()
        .map(|(t, e)| {
            silence(
                t,
                if e {
                    SilenceEnd::PartnerOpened
                } else {
                    SilenceEnd::UserOpened
                },
            )
        })
        .collect();
    let f = forecast(&s);
    assert_eq!(f.median_hours, Some(23.0));
    assert_eq!((f.ci95_lower_hours, f.ci95_upper_hours), (Some(13.0), None));
    assert_eq!(f.ci95_hours, None);
    assert!(f.ci95_note.is_some() && f.null_reason.is_none());
    // Horizons beyond the last observation are not extrapolated.
    assert_eq!(f.partner_first_by[2], (168.0, None));
}
