//! The HTML report's charts, drawn here as inline SVG from the wire [`Report`] (no script, no
//! library). Every chart has axis titles, ticks at round values in units people use (hours,
//! days, weeks; "Feb 2026"), a caption saying what to read from it and a text alternative
//! (`<title>`/`<desc>`, or a visually hidden table). A figure below its minimum draws nothing.
//!
//! Sizes: every chart's viewBox is [`W`] wide and its text [`FONT`] px; the page shows charts
//! at most 480 px wide, and at a 390 px phone about 330 px wide, so text renders at
//! `FONT × 330 / W` ≈ 11.5 px there and at most ≈ 17 px on a desktop.
//!
//! Colours (Okabe–Ito, safe for colour-blind readers) come from CSS classes (`you`, `them`,
//! `band`, …) so dark mode can change them; the two people also differ by shape (you: circles,
//! them: squares) and every series is labelled in words.

use std::fmt::Write;

use crate::fmt::pct;
use crate::html::esc;
use crate::json::{Change, Report};

/// The width of every chart's viewBox.
pub const W: f64 = 400.0;
/// The font size of chart text, in viewBox units (see the module note).
pub const FONT: f64 = 14.0;
/// The hour-of-week heatmap needs this many messages: fewer say nothing about habits.
pub const HEATMAP_MIN_MESSAGES: u64 = 50;

const LEFT: f64 = 48.0;
const RIGHT: f64 = 12.0;

/// A chart: the SVG, its caption and an optional hidden table for screen readers.
struct Figure {
    svg: String,
    caption: String,
    table: Option<String>,
}

impl Figure {
    fn html(self) -> String {
        let mut o = String::from("<figure>");
        o.push_str(&self.svg);
        let _ = write!(o, "<figcaption>{}</figcaption>", esc(&self.caption));
        if let Some(t) = self.table {
            o.push_str(&t);
        }
        o.push_str("</figure>");
        o
    }
}

fn open(h: f64, title: &str, desc: &str) -> String {
    format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} {h}\" font-size=\"{FONT}\" role=\"img\">\
         <title>{}</title><desc>{}</desc>",
        esc(title),
        esc(desc)
    )
}

/// "change" beside a vertical line at `x`, on the side with room.
fn change_label(o: &mut String, x: f64, y: f64) {
    if x > W - 80.0 {
        text(o, x - 4.0, y, "end", "tick", "change");
    } else {
        text(o, x + 4.0, y, "start", "tick", "change");
    }
}

fn text(o: &mut String, x: f64, y: f64, anchor: &str, class: &str, s: &str) {
    let _ = write!(
        o,
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" class=\"{class}\">{}</text>",
        esc(s)
    );
}

fn line(o: &mut String, x1: f64, y1: f64, x2: f64, y2: f64, class: &str) {
    let _ = write!(
        o,
        "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" class=\"{class}\"/>"
    );
}

/// A marker: a circle for the user, a square for the other person, a diamond otherwise.
fn marker(o: &mut String, x: f64, y: f64, r: f64, class: &str) {
    match class {
        "you" => {
            let _ = write!(
                o,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\" class=\"you\"/>"
            );
        }
        "them" => {
            let _ = write!(
                o,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" class=\"them\"/>",
                x - r,
                y - r,
                2.0 * r,
                2.0 * r
            );
        }
        c => {
            let _ = write!(
                o,
                "<path d=\"M{x:.1},{:.1} L{:.1},{y:.1} L{x:.1},{:.1} L{:.1},{y:.1}Z\" class=\"{c}\"/>",
                y - r * 1.3,
                x + r * 1.3,
                y + r * 1.3,
                x - r * 1.3
            );
        }
    }
}

/// Cuts a label for a chart (SVG text does not wrap) at `max` characters.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        s.to_string()
    }
}

// ---- calendar helpers (proleptic Gregorian; no zone: the wire times are already local) ----

/// Days since 1970-01-01 of a civil date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `YYYY-MM-DD[THH:MM…]` as fractional days since 1970-01-01.
fn when(s: &str) -> Option<f64> {
    let y = s.get(0..4)?.parse().ok()?;
    let m = s.get(5..7)?.parse().ok()?;
    let d = s.get(8..10)?.parse().ok()?;
    let mut t = days_from_civil(y, m, d) as f64;
    if let (Some(h), Some(mi)) = (s.get(11..13), s.get(14..16))
        && let (Ok(h), Ok(mi)) = (h.parse::<f64>(), mi.parse::<f64>())
    {
        t += (h * 60.0 + mi) / 1440.0;
    }
    Some(t)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_name(m: i64) -> &'static str {
    MONTHS
        .get((m - 1).clamp(0, 11) as usize)
        .copied()
        .unwrap_or("")
}

/// "2026-02" as "Feb 2026".
pub fn month_label(ym: &str) -> String {
    match (
        ym.get(0..4),
        ym.get(5..7).and_then(|m| m.parse::<i64>().ok()),
    ) {
        (Some(y), Some(m)) => format!("{} {y}", month_name(m)),
        _ => ym.to_string(),
    }
}

/// Day ticks between two day numbers: a round step (1, 2, 7, 14 days, or month starts), each
/// labelled "1 Oct" (or "Oct 2026" for month starts).
fn date_ticks(a: f64, b: f64) -> Vec<(f64, String)> {
    let span = (b - a).max(1.0);
    let mut out = Vec::new();
    if span <= 70.0 {
        let step = [1.0, 2.0, 7.0, 14.0]
            .into_iter()
            .find(|s| span / s <= 5.0)
            .unwrap_or(14.0);
        let mut d = a.ceil();
        // Weekly steps start on a Monday (1970-01-05 was one).
        if step >= 7.0 {
            while (d as i64 - 4).rem_euclid(7) != 0 {
                d += 1.0;
            }
        }
        while d <= b {
            let (_, m, day) = civil_from_days(d as i64);
            out.push((d, format!("{day} {}", month_name(m))));
            d += step;
        }
    } else {
        let months = span / 30.4;
        let step = [1, 2, 3, 6, 12]
            .into_iter()
            .find(|s| months / *s as f64 <= 4.0)
            .unwrap_or(12);
        let (mut y, mut m, _) = civil_from_days(a.ceil() as i64);
        m += 1;
        if m > 12 {
            m = 1;
            y += 1;
        }
        loop {
            let d = days_from_civil(y, m, 1) as f64;
            if d > b {
                break;
            }
            if (m - 1) % step == 0 {
                out.push((d, format!("{} {y}", month_name(m))));
            }
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
        }
    }
    out
}

// ---- the charts ----

/// The user's share of conversation openings per month, with its 95% band, and the change
/// points of that share marked.
pub fn monthly(r: &Report) -> Option<String> {
    let pts: Vec<(usize, &crate::json::Share)> = r
        .monthly
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.opening_share.as_ref().map(|s| (i, s)))
        .collect();
    if pts.is_empty() {
        return None;
    }
    let n = r.monthly.len();
    let (h, top, bottom) = (276.0, 30.0, 212.0);
    let pw = W - LEFT - RIGHT;
    let step = pw / n as f64;
    let x = |i: f64| LEFT + (i + 0.5) * step;
    let y = |v: f64| top + (1.0 - v.clamp(0.0, 1.0)) * (bottom - top);
    let first = r.monthly.first().map(|m| month_label(&m.month));
    let last = r.monthly.last().map(|m| month_label(&m.month));
    let mut o = open(
        h,
        "Your share of conversation openings, month by month",
        &format!(
            "From {} to {}: the share of each month's conversations you started, with the \
             range it probably lies in. The table below gives every month's figure.",
            first.unwrap_or_default(),
            last.unwrap_or_default()
        ),
    );
    // Grid and y ticks.
    for v in [0.0, 0.25, 0.5, 0.75, 1.0] {
        line(
            &mut o,
            LEFT,
            y(v),
            W - RIGHT,
            y(v),
            if v == 0.5 { "mid" } else { "grid" },
        );
        text(&mut o, LEFT - 6.0, y(v) + 5.0, "end", "tick", &pct(v));
    }
    // The band, as one shape per run of consecutive months with a figure.
    let mut runs: Vec<Vec<(usize, &crate::json::Share)>> = Vec::new();
    for &(i, s) in &pts {
        match runs.last_mut() {
            Some(run) if run.last().is_some_and(|(j, _)| j + 1 == i) => run.push((i, s)),
            _ => runs.push(vec![(i, s)]),
        }
    }
    for run in &runs {
        let mut d = String::new();
        for (k, (i, s)) in run.iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1},{:.1} ",
                if k == 0 { "M" } else { "L" },
                x(*i as f64),
                y(s.ci95[1])
            );
        }
        for (i, s) in run.iter().rev() {
            let _ = write!(d, "L{:.1},{:.1} ", x(*i as f64), y(s.ci95[0]));
        }
        if run.len() == 1 {
            // One month alone: a bar of its interval.
            let (i, s) = run[0];
            let _ = write!(
                o,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"{:.1}\" class=\"band\"/>",
                x(i as f64) - 4.0,
                y(s.ci95[1]),
                (y(s.ci95[0]) - y(s.ci95[1])).max(1.0)
            );
        } else {
            let _ = write!(o, "<path d=\"{d}Z\" class=\"band\"/>");
        }
        let mut l = String::new();
        for (k, (i, s)) in run.iter().enumerate() {
            let _ = write!(
                l,
                "{}{:.1},{:.1} ",
                if k == 0 { "M" } else { "L" },
                x(*i as f64),
                y(s.value)
            );
        }
        let _ = write!(o, "<path d=\"{l}\" class=\"you-line\"/>");
    }
    for &(i, s) in &pts {
        let _ = write!(o, "<g>");
        marker(&mut o, x(i as f64), y(s.value), 4.0, "you");
        let _ = write!(
            o,
            "<title>{}: you started {} of {} (probably {}–{})</title></g>",
            esc(&month_label(&r.monthly[i].month)),
            pct(s.value),
            s.n,
            pct(s.ci95[0]),
            pct(s.ci95[1])
        );
    }
    // Change points of this series, at the month of their week.
    for c in r.changes.iter().filter(|c| c.series == "opening_share") {
        if let Some(i) = r
            .monthly
            .iter()
            .position(|m| c.week.get(..7) == Some(m.month.as_str()))
        {
            let cx = x(i as f64) - step / 2.0 + step * week_in_month(&c.week);
            line(&mut o, cx, top, cx, bottom, "change");
            change_label(&mut o, cx, top + 14.0);
        }
    }
    // X ticks: month names, the year under the first month and each January.
    let every = n.div_ceil(9).max(1);
    let mut year_shown = "";
    for (i, m) in r.monthly.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let (yr, mo) = (
            m.month.get(0..4).unwrap_or(""),
            m.month.get(5..7).and_then(|s| s.parse().ok()).unwrap_or(0),
        );
        text(
            &mut o,
            x(i as f64),
            bottom + 18.0,
            "middle",
            "tick",
            month_name(mo),
        );
        if yr != year_shown {
            text(&mut o, x(i as f64), bottom + 34.0, "middle", "tick", yr);
            year_shown = yr;
        }
    }
    text(&mut o, W / 2.0, h - 4.0, "middle", "axis", "month");
    text(
        &mut o,
        4.0,
        14.0,
        "start",
        "axis",
        "you started (share of the month's conversations)",
    );
    o.push_str("</svg>");
    Some(
        Figure {
            svg: o,
            caption: "Circles: the share of each month's conversations you started. Above the \
                      dashed line you started most of them. The shaded band is where the true \
                      share probably lies; months with too few conversations have no circle."
                .into(),
            table: None,
        }
        .html(),
    )
}

/// Where in its month a week starts, 0 to 1.
fn week_in_month(week: &str) -> f64 {
    week.get(8..10)
        .and_then(|d| d.parse::<f64>().ok())
        .map_or(0.5, |d| ((d - 1.0) / 31.0).clamp(0.0, 1.0))
}

/// A round linear step for hours on a time axis.
fn hour_step(tmax: f64) -> f64 {
    [
        1.0, 2.0, 3.0, 6.0, 12.0, 24.0, 48.0, 72.0, 168.0, 336.0, 672.0,
    ]
    .into_iter()
    .find(|s| tmax / s <= 5.0)
    .unwrap_or(672.0)
}

fn hours_label(h: f64) -> String {
    let hi = h.round() as i64;
    if hi == 0 {
        "0".into()
    } else if hi % 168 == 0 {
        match hi / 168 {
            1 => "1 week".into(),
            n => format!("{n} weeks"),
        }
    } else if hi % 24 == 0 {
        match hi / 24 {
            1 => "1 day".into(),
            n => format!("{n} days"),
        }
    } else {
        format!("{hi} h")
    }
}

/// "If you go quiet": the chance they have not written first yet, with its 95% band, beside
/// what usually happened (the user sometimes writing first).
pub fn forecast(r: &Report) -> Option<String> {
    let f = &r.forecast;
    f.partner_reach_out_median_hours?;
    if f.curve.is_empty() {
        return None;
    }
    let them = r.partner.as_deref().unwrap_or("they");
    let last = f.curve.iter().map(|p| p[0]).fold(1.0f64, f64::max);
    let shown = last.min(24.0 * 14.0);
    let step = hour_step(shown);
    let xmax = (shown / step).ceil() * step;
    let (h, top, bottom) = (300.0, 30.0, 206.0);
    let px = |t: f64| LEFT + (t.clamp(0.0, xmax) / xmax) * (W - LEFT - RIGHT);
    let py = |s: f64| top + (1.0 - s.clamp(0.0, 1.0)) * (bottom - top);
    let median = f.partner_reach_out_median_hours.unwrap_or(0.0);
    let mut o = open(
        h,
        &format!("Chance that {them} has not written first yet, if you stay quiet"),
        &format!(
            "The curve falls from 100% as time passes after a conversation ends; it crosses \
             50% at about {}, the typical wait.",
            crate::fmt::human(median * 3600.0)
        ),
    );
    for v in [0.0, 0.25, 0.5, 0.75, 1.0] {
        line(
            &mut o,
            LEFT,
            py(v),
            W - RIGHT,
            py(v),
            if v == 0.5 { "mid" } else { "grid" },
        );
        text(&mut o, LEFT - 6.0, py(v) + 5.0, "end", "tick", &pct(v));
    }
    let mut t = 0.0;
    while t <= xmax + 1e-9 {
        line(&mut o, px(t), bottom, px(t), bottom + 4.0, "axisline");
        let anchor = if t == 0.0 {
            "start"
        } else if t + step > xmax + 1e-9 {
            "end"
        } else {
            "middle"
        };
        text(
            &mut o,
            px(t),
            bottom + 20.0,
            anchor,
            "tick",
            &hours_label(t),
        );
        t += step;
    }
    // The band and the step curve.
    let pts: Vec<&[f64; 4]> = f.curve.iter().filter(|p| p[0] <= shown).collect();
    let (mut hi, mut lo) = (vec![(px(0.0), py(1.0))], vec![(px(0.0), py(1.0))]);
    let mut d = format!("M{:.1},{:.1}", px(0.0), py(1.0));
    let (mut ph, mut pl) = (1.0, 1.0);
    for p in &pts {
        let _ = write!(d, " H{:.1} V{:.1}", px(p[0]), py(p[1]));
        hi.push((px(p[0]), py(ph)));
        hi.push((px(p[0]), py(p[3])));
        lo.push((px(p[0]), py(pl)));
        lo.push((px(p[0]), py(p[2])));
        ph = p[3];
        pl = p[2];
    }
    let _ = write!(d, " H{:.1}", px(shown));
    hi.push((px(shown), py(ph)));
    lo.push((px(shown), py(pl)));
    let mut poly = String::new();
    for (x, y) in hi.iter().chain(lo.iter().rev()) {
        let _ = write!(poly, "{x:.1},{y:.1} ");
    }
    let _ = write!(o, "<polygon points=\"{poly}\" class=\"band-them\"/>");
    let _ = write!(o, "<path d=\"{d}\" class=\"them-line\"/>");
    if median <= xmax {
        line(&mut o, px(median), py(0.5), px(median), bottom, "change");
    }
    // What usually happened: the share of silences in which they had not written first yet.
    let mut usual = Vec::new();
    if f.partner_reach_outs >= walkaway_analysis::minimum::REACH_OUTS
        && let Some(p) = f.as_usual.get("partner_first")
    {
        for (k, hrs) in [("24h", 24.0), ("72h", 72.0), ("7d", 168.0)] {
            if let Some(v) = p.get(k)
                && hrs <= xmax
            {
                usual.push((hrs, 1.0 - v));
            }
        }
    }
    for (hrs, v) in &usual {
        let _ = write!(o, "<g>");
        marker(&mut o, px(*hrs), py(*v), 5.0, "usual");
        let _ = write!(
            o,
            "<title>As it usually went: after {}, {them} had not written first in {} of \
             silences</title></g>",
            hours_label(*hrs),
            pct(*v)
        );
    }
    // Legend.
    let ly = bottom + 64.0;
    line(&mut o, LEFT, ly - 5.0, LEFT + 22.0, ly - 5.0, "them-line");
    text(
        &mut o,
        LEFT + 28.0,
        ly,
        "start",
        "tick",
        "if you stay quiet (band: likely range)",
    );
    if !usual.is_empty() {
        marker(&mut o, LEFT + 11.0, ly + 15.0, 5.0, "usual");
        text(
            &mut o,
            LEFT + 28.0,
            ly + 20.0,
            "start",
            "tick",
            "as it usually went",
        );
    }
    text(
        &mut o,
        W / 2.0,
        bottom + 40.0,
        "middle",
        "axis",
        "time since the conversation ended",
    );
    text(
        &mut o,
        4.0,
        14.0,
        "start",
        "axis",
        &format!("{} has not written first yet", short(them, 20)),
    );
    o.push_str("</svg>");
    let caption = format!(
        "Read it like this: pick a time on the bottom axis; the line shows how often {them} had \
         still not written first by then, if you write nothing. Where it crosses the dashed 50% \
         line is the typical wait.{}",
        if usual.is_empty() {
            String::new()
        } else {
            " The diamonds show what actually happened, when you sometimes wrote first.".into()
        }
    );
    Some(
        Figure {
            svg: o,
            caption,
            table: None,
        }
        .html(),
    )
}

/// Log-time ticks for reply times, in seconds.
const LOG_TICKS: [(f64, &str); 8] = [
    (10.0, "10 s"),
    (60.0, "1 min"),
    (600.0, "10 min"),
    (3600.0, "1 h"),
    (21_600.0, "6 h"),
    (86_400.0, "1 day"),
    (604_800.0, "1 week"),
    (2_592_000.0, "1 month"),
];

/// Round values between [`LOG_TICKS`], labelled when the axis spans only a few of those.
const MORE_TICKS: [(f64, &str); 8] = [
    (30.0, "30 s"),
    (180.0, "3 min"),
    (1800.0, "30 min"),
    (10_800.0, "3 h"),
    (43_200.0, "12 h"),
    (259_200.0, "3 days"),
    (1_209_600.0, "2 weeks"),
    (7_776_000.0, "3 months"),
];

/// Reply times per person: the middle half of replies as a bar, the typical reply marked, each
/// month's typical reply as a small dot, on a log-time axis.
pub fn replies(r: &Report) -> Option<String> {
    let people: Vec<(&String, &crate::json::Replies)> = r
        .participants
        .iter()
        .filter_map(|p| r.replies.get(p).map(|x| (p, x)))
        .filter(|(_, x)| x.median_seconds.is_some())
        .collect();
    if people.is_empty() {
        return None;
    }
    let mut vals: Vec<f64> = Vec::new();
    for (_, x) in &people {
        vals.extend(
            [x.median_seconds, x.p25_seconds, x.p75_seconds]
                .into_iter()
                .flatten(),
        );
    }
    for m in &r.monthly {
        vals.extend(m.median_reply_seconds.values().flatten().copied());
    }
    let vmin = vals.iter().copied().fold(f64::INFINITY, f64::min).max(1.0);
    let vmax = vals.iter().copied().fold(0.0f64, f64::max).max(vmin * 2.0);
    let lo = LOG_TICKS
        .iter()
        .rev()
        .find(|(s, _)| *s <= vmin)
        .map_or(10.0, |t| t.0);
    let hi = LOG_TICKS
        .iter()
        .find(|(s, _)| *s >= vmax)
        .map_or(2_592_000.0, |t| t.0);
    // Replies slower than the last tick: one decade more, so the axis never has zero length.
    let hi = if hi > lo { hi } else { lo * 10.0 };
    let px = |s: f64| {
        LEFT - 30.0
            + ((s.clamp(lo, hi).ln() - lo.ln()) / (hi.ln() - lo.ln()))
                * (W - LEFT + 30.0 - RIGHT - 14.0)
    };
    let row = 62.0;
    let top = 10.0;
    let bottom = top + row * people.len() as f64;
    let h = bottom + 48.0;
    let me = &r.me;
    let mut o = open(
        h,
        "How long each of you takes to reply",
        "For each person a bar spans the middle half of their replies; the mark inside is the \
         typical reply. The hidden table below gives the numbers.",
    );
    let mut ticks: Vec<(f64, &str)> = LOG_TICKS
        .iter()
        .copied()
        .filter(|(s, _)| *s >= lo && *s <= hi)
        .collect();
    if ticks.len() < 4 {
        // A narrow range: the round values in between too.
        ticks.extend(
            MORE_TICKS
                .iter()
                .copied()
                .filter(|(s, _)| *s > lo && *s < hi),
        );
    }
    for (s, label) in &ticks {
        line(&mut o, px(*s), top, px(*s), bottom, "grid");
        text(&mut o, px(*s), bottom + 18.0, "middle", "tick", label);
    }
    let mut table = String::from(
        "<div class=\"sr\"><table><caption>Reply times</caption><tr><th>who</th><th>a quarter \
         of replies within</th><th>typical reply</th><th>three quarters within</th><th>replies</th></tr>",
    );
    for (k, (name, x)) in people.iter().enumerate() {
        let class = if *name == me { "you" } else { "them" };
        let who = if *name == me {
            "You".to_string()
        } else {
            (*name).clone()
        };
        let y0 = top + row * k as f64;
        text(&mut o, px(lo), y0 + 16.0, "start", "who", &short(&who, 34));
        let cy = y0 + 38.0;
        if let (Some(a), Some(b)) = (x.p25_seconds, x.p75_seconds) {
            let _ = write!(
                o,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"18\" rx=\"3\" class=\"box-{class}\"/>",
                px(a),
                cy - 9.0,
                (px(b) - px(a)).max(2.0)
            );
        }
        // Each month's typical reply.
        for m in &r.monthly {
            if let Some(Some(v)) = m.median_reply_seconds.get(*name) {
                let _ = write!(
                    o,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" class=\"dot\"><title>{}: typical reply {}</title></circle>",
                    px(*v),
                    cy + 15.0,
                    esc(&month_label(&m.month)),
                    crate::fmt::duration(*v)
                );
            }
        }
        if let Some(m) = x.median_seconds {
            line(
                &mut o,
                px(m),
                cy - 12.0,
                px(m),
                cy + 12.0,
                &format!("{class}-line"),
            );
            marker(&mut o, px(m), cy, 5.0, class);
        }
        let d = |v: Option<f64>| v.map(crate::fmt::duration).unwrap_or_else(|| "-".into());
        let _ = write!(
            table,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&who),
            d(x.p25_seconds),
            d(x.median_seconds),
            d(x.p75_seconds),
            x.count
        );
    }
    table.push_str("</table></div>");
    text(
        &mut o,
        W / 2.0,
        h - 6.0,
        "middle",
        "axis",
        "time until the reply",
    );
    o.push_str("</svg>");
    Some(
        Figure {
            svg: o,
            caption: "Each bar covers the middle half of that person's replies: a quarter came \
                      sooner, a quarter later. The mark is the typical reply; small dots are \
                      each month's typical reply. Further right means slower; the scale is \
                      stretched at the short end so minutes and days fit on one line."
                .into(),
            table: Some(table),
        }
        .html(),
    )
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Messages per hour of the week, one 7×24 grid per person (a group: everyone together).
pub fn hour_of_week(r: &Report) -> Option<String> {
    let total: u64 = r.hour_of_week.values().flatten().sum();
    if total < HEATMAP_MIN_MESSAGES {
        return None;
    }
    let grids: Vec<(String, Vec<u64>)> = if r.is_two_person() {
        r.participants
            .iter()
            .filter_map(|p| {
                let v = r.hour_of_week.get(p)?;
                let who = if *p == r.me {
                    "You".to_string()
                } else {
                    p.clone()
                };
                Some((who, v.clone()))
            })
            .collect()
    } else {
        let mut sum = vec![0u64; 168];
        for v in r.hour_of_week.values() {
            for (s, x) in sum.iter_mut().zip(v) {
                *s += x;
            }
        }
        vec![("Everyone".to_string(), sum)]
    };
    let cw = (W - LEFT - RIGHT) / 24.0;
    let ch = 15.0;
    let block = 24.0 + 7.0 * ch + 26.0;
    let h = block * grids.len() as f64 + 40.0;
    let mut desc = String::new();
    for (who, v) in &grids {
        if let Some((i, n)) = v.iter().enumerate().max_by_key(|(_, n)| **n) {
            let _ = write!(
                desc,
                "{who}: busiest {} {:02}:00–{:02}:00 ({n} messages). ",
                DAYS.get(i / 24).unwrap_or(&""),
                i % 24,
                (i % 24 + 1) % 24
            );
        }
    }
    let mut o = open(
        h,
        "When each of you writes, by hour of the week",
        desc.trim(),
    );
    for (g, (who, v)) in grids.iter().enumerate() {
        let max = v.iter().copied().max().unwrap_or(0).max(1) as f64;
        let y0 = block * g as f64;
        text(&mut o, LEFT, y0 + 16.0, "start", "who", &short(who, 34));
        for (d, day) in DAYS.iter().enumerate() {
            let y = y0 + 24.0 + d as f64 * ch;
            text(&mut o, LEFT - 6.0, y + ch - 3.0, "end", "tick", day);
            for hr in 0..24 {
                let n = v.get(d * 24 + hr).copied().unwrap_or(0);
                // Five steps of darkness; zero stays blank.
                let level = if n == 0 {
                    0
                } else {
                    1 + ((n as f64 / max) * 4.0).floor().min(3.0) as u8
                };
                let _ = write!(
                    o,
                    "<rect x=\"{:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" class=\"h{level}\"><title>{} {day} {hr:02}:00: {n}</title></rect>",
                    LEFT + hr as f64 * cw,
                    cw - 1.0,
                    ch - 1.0,
                    esc(who)
                );
            }
        }
        let ty = y0 + 24.0 + 7.0 * ch + 16.0;
        for hr in [0usize, 6, 12, 18] {
            text(
                &mut o,
                LEFT + hr as f64 * cw,
                ty,
                "start",
                "tick",
                &format!("{hr:02}:00"),
            );
        }
    }
    // Legend: the five levels, in words at the ends.
    let ly = h - 22.0;
    text(&mut o, LEFT, ly + 11.0, "start", "tick", "none");
    for l in 0..5 {
        let _ = write!(
            o,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"18\" height=\"14\" class=\"h{l}\"/>",
            LEFT + 42.0 + l as f64 * 20.0,
            ly
        );
    }
    text(
        &mut o,
        LEFT + 148.0,
        ly + 11.0,
        "start",
        "tick",
        "most messages",
    );
    o.push_str("</svg>");
    Some(
        Figure {
            svg: o,
            caption: format!(
                "Stronger colour: more messages in that hour of the week (times in {}). \
                 Blank: none.",
                r.parameters.tz
            ),
            table: None,
        }
        .html(),
    )
}

/// The step-back on one time axis: your breaches, their reach-outs, the warning signs and the
/// other signals, with the start (D), the end of the wait and the data end marked.
pub fn stepback(r: &Report) -> Option<String> {
    let s = r.stepback.as_ref()?;
    if s.outcome == "no_data_yet" {
        return None;
    }
    let d = when(&s.date)?;
    let end = when(&r.parameters.as_of).map(|e| e - 1.0 / 1440.0)?;
    let wend = d + f64::from(s.window_days);
    let a = d - 7.0;
    let b = end.max(wend).max(d + 1.0);
    let them = r.partner.as_deref().unwrap_or("They");
    let partner = r.partner.clone().unwrap_or_default();
    let in_range = |t: f64| t >= a && t <= b;
    type Lane = (String, &'static str, Vec<(f64, String)>);
    let mut lanes: Vec<Lane> = Vec::new();
    let reach: Vec<(f64, String)> = s
        .partner_reach_outs
        .iter()
        .filter_map(|x| when(&x.at).map(|t| (t, crate::fmt::minute(&x.at))))
        .collect();
    lanes.push((format!("{} wrote first", short(them, 24)), "them", reach));
    let (calls, other): (Vec<_>, Vec<_>) = s
        .breach_list
        .iter()
        .partition(|x| x.kind == "call" || x.kind == "answered_first_call");
    lanes.push((
        "your breaches".into(),
        "you",
        other
            .iter()
            .filter_map(|x| when(&x.at).map(|t| (t, crate::fmt::minute(&x.at))))
            .collect(),
    ));
    if s.call_data {
        lanes.push((
            "your calls".into(),
            "you",
            calls
                .iter()
                .filter_map(|x| when(&x.at).map(|t| (t, crate::fmt::minute(&x.at))))
                .collect(),
        ));
    }
    let warn: Vec<(f64, String)> = r
        .warning_signs
        .messages
        .iter()
        .filter_map(|e| when(&e.at).map(|t| (t, crate::fmt::minute(&e.at))))
        .filter(|(t, _)| in_range(*t))
        .collect();
    if !warn.is_empty() {
        lanes.push(("warning signs".into(), "alert", warn));
    }
    let sig: Vec<(f64, String)> = r
        .signals
        .iter()
        .filter(|h| h.signal != "MONITORING" && h.who == partner)
        .filter_map(|h| when(&h.at).map(|t| (t, crate::fmt::minute(&h.at))))
        .filter(|(t, _)| in_range(*t))
        .collect();
    if !sig.is_empty() {
        lanes.push((format!("what {} said", short(them, 20)), "usual", sig));
    }
    let lane_h = 46.0;
    let top = 30.0;
    let bottom = top + lane_h * lanes.len() as f64;
    let h = bottom + 48.0;
    let x0 = 14.0;
    let px = |t: f64| x0 + ((t - a) / (b - a)) * (W - x0 - RIGHT);
    let mut o = open(
        h,
        "The step-back on one time line",
        &format!(
            "From a week before the start on {} to {}: {} reach-outs by {them}, {} breaches of \
             the plan. The lists below give each one.",
            crate::fmt::day(&s.date),
            crate::fmt::day(&r.parameters.as_of),
            s.partner_reach_outs.len(),
            s.breach_list.len()
        ),
    );
    // The waiting window, shaded.
    let _ = write!(
        o,
        "<rect x=\"{:.1}\" y=\"{top}\" width=\"{:.1}\" height=\"{:.1}\" class=\"window\"/>",
        px(d),
        (px(wend.min(b)) - px(d)).max(0.0),
        bottom - top
    );
    for (t, label) in date_ticks(a, b) {
        line(&mut o, px(t), top, px(t), bottom + 4.0, "grid");
        text(&mut o, px(t), bottom + 18.0, "middle", "tick", &label);
    }
    line(&mut o, px(d), top - 14.0, px(d), bottom, "d");
    text(&mut o, px(d) + 3.0, top - 4.0, "start", "axis", "D: start");
    if end < b {
        line(&mut o, px(end), top, px(end), bottom, "change");
        text(&mut o, px(end) - 3.0, top - 4.0, "end", "tick", "data ends");
    }
    for (k, (label, class, pts)) in lanes.iter().enumerate() {
        let y = top + lane_h * k as f64;
        line(&mut o, x0, y + 33.0, W - RIGHT, y + 33.0, "grid");
        text(
            &mut o,
            x0,
            y + 15.0,
            "start",
            "who",
            &format!("{label} ({})", pts.len()),
        );
        for (t, at) in pts.iter().filter(|(t, _)| in_range(*t)) {
            let _ = write!(o, "<g>");
            marker(&mut o, px(*t), y + 33.0, 5.0, class);
            let _ = write!(o, "<title>{}: {}</title></g>", esc(label), esc(at));
        }
    }
    text(&mut o, W / 2.0, h - 4.0, "middle", "axis", "date");
    o.push_str("</svg>");
    Some(
        Figure {
            svg: o,
            caption: format!(
                "D marks the start of the step-back; the shaded part is the {}-day wait. Each \
                 mark is one event, counted in its row's label; the lists below give the \
                 messages.",
                s.window_days
            ),
            table: None,
        }
        .html(),
    )
}

/// A person merged across apps: which source has data when.
pub fn coverage(r: &Report) -> Option<String> {
    if r.sources.len() < 2 {
        return None;
    }
    let spans: Vec<(String, f64, f64, u64)> = r
        .sources
        .iter()
        .filter_map(|s| {
            Some((
                crate::words::source_name(&s.source).to_string(),
                when(s.first_event.as_deref()?)?,
                when(s.data_end.as_deref()?)?,
                s.messages,
            ))
        })
        .collect();
    if spans.is_empty() {
        return None;
    }
    let a = spans.iter().map(|s| s.1).fold(f64::INFINITY, f64::min);
    let b = spans
        .iter()
        .map(|s| s.2)
        .fold(f64::NEG_INFINITY, f64::max)
        .max(a + 1.0);
    let row = 40.0;
    let top = 6.0;
    let bottom = top + row * spans.len() as f64;
    let h = bottom + 46.0;
    let px = |t: f64| 14.0 + ((t - a) / (b - a)) * (W - 14.0 - RIGHT);
    let mut o = open(
        h,
        "Which app has data when",
        &spans
            .iter()
            .map(|(n, x, y, m)| {
                let (y1, m1, d1) = civil_from_days(*x as i64);
                let (y2, m2, d2) = civil_from_days(*y as i64);
                format!(
                    "{n}: {d1} {} {y1} to {d2} {} {y2}, {m} messages.",
                    month_name(m1),
                    month_name(m2)
                )
            })
            .collect::<Vec<_>>()
            .join(" "),
    );
    for (t, label) in date_ticks(a, b) {
        line(&mut o, px(t), top, px(t), bottom + 4.0, "grid");
        text(&mut o, px(t), bottom + 18.0, "middle", "tick", &label);
    }
    for (k, (name, x, y, m)) in spans.iter().enumerate() {
        let y0 = top + row * k as f64;
        let _ = write!(
            o,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"10\" class=\"nodata\"/>",
            px(a),
            y0 + 24.0,
            px(b) - px(a)
        );
        let _ = write!(
            o,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"10\" class=\"cover\"/>",
            px(*x),
            y0 + 24.0,
            (px(*y) - px(*x)).max(2.0)
        );
        text(
            &mut o,
            14.0,
            y0 + 17.0,
            "start",
            "who",
            &format!("{name} ({m} messages)"),
        );
    }
    text(&mut o, W / 2.0, h - 4.0, "middle", "axis", "date");
    o.push_str("</svg>");
    Some(
        Figure {
            svg: o,
            caption: "Solid: the time each app's export covers. Outlined only: that app has no \
                      data then, so silences there are not counted as waiting."
                .into(),
            table: None,
        }
        .html(),
    )
}

/// The change points of one weekly series on that series: each week a dot, the level between
/// changes as flat lines, each change's week marked. Drawn once per series, at its first change
/// (`r.changes[i]`); later changes of the same series are marked on that chart.
pub fn change(r: &Report, i: usize) -> Option<String> {
    let c = r.changes.get(i)?;
    if r.changes.iter().take(i).any(|x| x.series == c.series) {
        return None;
    }
    let mut all: Vec<&Change> = r.changes.iter().filter(|x| x.series == c.series).collect();
    all.sort_by(|x, y| x.week.cmp(&y.week));
    let them = short(r.partner.as_deref().unwrap_or("they"), 20);
    let (unit, scale): (&str, f64) = match c.series.as_str() {
        "partner_reply_latency" => {
            let m = all
                .iter()
                .map(|x| x.before.max(x.after))
                .fold(0.0, f64::max);
            if m >= 2.0 * 86400.0 {
                ("days", 86400.0)
            } else if m >= 2.0 * 3600.0 {
                ("hours", 3600.0)
            } else {
                ("minutes", 60.0)
            }
        }
        _ => ("", 1.0),
    };
    let value = |w: &crate::json::Week| -> Option<f64> {
        match c.series.as_str() {
            "opening_share" => (w.openings > 0).then(|| w.your_openings as f64 / w.openings as f64),
            "partner_openings" => Some(w.partner_openings as f64),
            "messages" => Some(w.messages as f64),
            "partner_reply_latency" => w.partner_median_reply_seconds.map(|s| s / scale),
            _ => None,
        }
    };
    let pts: Vec<(f64, f64)> = r
        .weekly
        .iter()
        .filter_map(|w| Some((when(&w.week)?, value(w)?)))
        .collect();
    if pts.len() < 3 {
        return None;
    }
    let share = c.series == "opening_share";
    let weeks: Vec<f64> = all.iter().filter_map(|x| when(&x.week)).collect();
    if weeks.len() != all.len() {
        return None;
    }
    let mut levels: Vec<f64> = vec![all[0].before / scale];
    levels.extend(all.iter().map(|x| x.after / scale));
    let vmax = pts.iter().map(|p| p.1).chain(levels.iter().copied()).fold(
        if share {
            1.0
        } else {
            1.0f64.min(1.0 / scale.max(1.0))
        },
        f64::max,
    );
    let (ticks, ymax) = if share {
        (vec![0.0, 0.5, 1.0], 1.0)
    } else {
        nice_ticks(vmax)
    };
    let a = pts.first().map_or(0.0, |p| p.0);
    let b = pts.last().map_or(0.0, |p| p.0 + 7.0).max(a + 7.0);
    let (h, top, bottom) = (226.0, 30.0, 170.0);
    let px = |t: f64| LEFT + ((t - a) / (b - a)) * (W - LEFT - RIGHT);
    let py = |v: f64| bottom - (v / ymax).clamp(0.0, 1.0) * (bottom - top);
    let fmt_v = |v: f64| {
        if share {
            pct(v)
        } else if v.fract().abs() < 1e-9 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        }
    };
    let (what, ytitle) = match c.series.as_str() {
        "opening_share" => (
            "the share of conversations you started".to_string(),
            "share of each week's conversations you started".to_string(),
        ),
        "partner_openings" => (
            format!("conversations {them} started"),
            format!("conversations {them} started, per week"),
        ),
        "messages" => ("messages".to_string(), "messages per week".to_string()),
        "partner_reply_latency" => (
            format!("{them}'s typical reply time"),
            format!("{them}'s typical reply, {unit}"),
        ),
        other => (other.replace('_', " "), String::new()),
    };
    let desc = all
        .iter()
        .map(|x| {
            format!(
                "Around the week of {}, {what} went from {} to {}.",
                crate::fmt::day(&x.week),
                fmt_v(x.before / scale),
                fmt_v(x.after / scale)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let mut o = open(h, &format!("Changes in {what}, week by week"), &desc);
    for v in &ticks {
        line(&mut o, LEFT, py(*v), W - RIGHT, py(*v), "grid");
        text(&mut o, LEFT - 6.0, py(*v) + 5.0, "end", "tick", &fmt_v(*v));
    }
    for (t, label) in date_ticks(a, b) {
        text(&mut o, px(t), bottom + 18.0, "middle", "tick", &label);
    }
    for (t, v) in &pts {
        let _ = write!(
            o,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" class=\"dot\"/>",
            px(*t),
            py(*v)
        );
    }
    let mut edges = vec![a];
    edges.extend(weeks.iter().copied());
    edges.push(b);
    for (k, lv) in levels.iter().enumerate() {
        if let (Some(x1), Some(x2)) = (edges.get(k), edges.get(k + 1)) {
            line(&mut o, px(*x1), py(*lv), px(*x2), py(*lv), "level");
        }
    }
    for w in &weeks {
        line(&mut o, px(*w), top, px(*w), bottom, "change");
        change_label(&mut o, px(*w), top + 14.0);
    }
    text(&mut o, W / 2.0, h - 22.0, "middle", "axis", "week");
    text(&mut o, 4.0, 14.0, "start", "axis", &ytitle);
    o.push_str("</svg>");
    Some(
        Figure {
            svg: o,
            caption: "Dots: each week. Thick lines: the typical level between changes; dashed \
                      lines: where a change was found."
                .into(),
            table: None,
        }
        .html(),
    )
}

/// Round ticks from 0 to at least `max` (steps of 1, 2 or 5 × 10^k), and the top.
fn nice_ticks(max: f64) -> (Vec<f64>, f64) {
    let raw = max / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| max / s <= 4.0)
        .unwrap_or(10.0 * mag);
    let top = (max / step).ceil() * step;
    let n = (top / step).round() as usize;
    ((0..=n).map(|i| i as f64 * step).collect(), top.max(step))
}

/// The effort balance as a bar from "they do all of it" to "you do all of it".
pub fn balance(ebi: f64, ci: Option<[f64; 2]>) -> String {
    let x = |v: f64| 20.0 + (v.clamp(-1.0, 1.0) + 1.0) / 2.0 * (W - 40.0);
    let mut s = open(
        86.0,
        "Effort balance",
        &format!(
            "On a scale from they do all of it to you do all of it, the point is at {}.",
            crate::fmt::signed(ebi)
        ),
    );
    let _ = write!(
        s,
        "<rect x=\"20\" y=\"22\" width=\"{:.1}\" height=\"12\" rx=\"6\" class=\"track\"/>",
        W - 40.0
    );
    let _ = write!(
        s,
        "<rect x=\"{:.1}\" y=\"22\" width=\"{:.1}\" height=\"12\" class=\"even\"/>",
        x(-0.2),
        x(0.2) - x(-0.2)
    );
    if let Some([a, b]) = ci {
        let _ = write!(
            s,
            "<rect x=\"{:.1}\" y=\"17\" width=\"{:.1}\" height=\"22\" rx=\"3\" class=\"band\"/>",
            x(a),
            (x(b) - x(a)).max(1.0)
        );
    }
    marker(&mut s, x(ebi), 28.0, 7.0, "you");
    text(&mut s, x(0.0), 12.0, "middle", "tick", "even");
    text(&mut s, 20.0, 60.0, "start", "tick", "they do");
    text(&mut s, 20.0, 77.0, "start", "tick", "all of it");
    text(&mut s, W - 20.0, 60.0, "end", "tick", "you do");
    text(&mut s, W - 20.0, 77.0, "end", "tick", "all of it");
    s.push_str("</svg>");
    Figure {
        svg: s,
        caption: "The circle is where the effort lies; the shaded part is its likely range; the \
                  pale middle is what counts as balanced."
            .into(),
        table: None,
    }
    .html()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        for z in [-1000, 0, 1, 20_000, 20_454] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(month_label("2026-02"), "Feb 2026");
        assert_eq!(when("1970-01-02T12:00"), Some(1.5));
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(hours_label(24.0), "1 day");
        assert_eq!(hours_label(336.0), "2 weeks");
        assert_eq!(hours_label(6.0), "6 h");
        assert_eq!(hour_step(78.0), 24.0);
        let (t, top) = nice_ticks(37.0);
        assert_eq!(t, vec![0.0, 10.0, 20.0, 30.0, 40.0]);
        assert_eq!(top, 40.0);
        // 1-14 Oct 2026: days 1, 5 (a Monday), …; labels like "5 Oct".
        let a = days_from_civil(2026, 10, 1) as f64;
        let ticks = date_ticks(a, a + 30.0);
        assert!(
            ticks
                .iter()
                .all(|(_, l)| l.ends_with("Oct") || l.ends_with("Nov"))
        );
        assert_eq!(ticks.first().map(|t| t.1.as_str()), Some("5 Oct"));
        let months = date_ticks(a, a + 300.0);
        assert!(months.iter().any(|(_, l)| l == "Jan 2027"), "{months:?}");
    }
}
