//! The self-contained HTML report: one file, inline CSS and SVG, no scripts, no remote assets
//! (privacy: opening it makes no network request). Renders from the wire [`Report`].

use std::fmt::Write;

use crate::fmt::{duration, pct, signed};
use crate::json::Report;
use crate::terminal::{outcome_words, usual_words};

pub fn render(r: &Report) -> String {
    let them = r.partner.clone().unwrap_or_else(|| "the others".into());
    let mut o = String::with_capacity(32 * 1024);
    let _ = write!(
        o,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
<title>walkaway — {}</title><style>{CSS}</style></head><body><main>",
        esc(&r.chat.title)
    );
    let _ = write!(
        o,
        "<header><h1>“{}”</h1><p class=\"sub\">{} · {} → {} · {} messages · times in {}</p></header>",
        esc(&r.chat.title),
        esc(&r.chat.sources.join(" + ")),
        esc(r
            .parameters
            .first_event
            .as_deref()
            .map(|s| s.get(..10).unwrap_or(s))
            .unwrap_or("-")),
        esc(r
            .parameters
            .last_event
            .as_deref()
            .map(|s| s.get(..10).unwrap_or(s))
            .unwrap_or("-")),
        r.messages.total,
        esc(&r.parameters.tz)
    );

    // Is it two-sided?
    o.push_str("<section><h2>Is it two-sided?</h2>");
    if let (Some(ebi), Some(band)) = (r.balance.effort_balance_index, r.balance.band.as_deref()) {
        let ci = r
            .balance
            .ci95
            .map(|[a, b]| format!("95% CI {} to {}", signed(a), signed(b)))
            .unwrap_or_default();
        let head = match band {
            "balanced" => "Balanced".to_string(),
            "moderate_imbalance" => "Moderate imbalance".to_string(),
            _ => "Strong imbalance".to_string(),
        };
        let who = if ebi > 0.0 {
            "you put in more of the effort".to_string()
        } else if ebi < 0.0 {
            format!("{} puts in more of the effort", esc(&them))
        } else {
            "even".to_string()
        };
        let _ = write!(
            o,
            "<p class=\"lead\"><b>{head}</b>: {who}. Effort balance <b>{}</b> <span class=\"ci\">({ci})</span></p>",
            signed(ebi)
        );
        o.push_str(&balance_bar(ebi, r.balance.ci95));
    }
    o.push_str("<table class=\"kv\">");
    if let Some(sh) = &r.conversations.opening_share {
        let _ = write!(
            o,
            "<tr><th>Who opens</th><td>You opened <b>{}</b> of {} conversations <span class=\"ci\">(95% CI {}–{})</span></td></tr>",
            pct(sh.value),
            sh.n,
            pct(sh.ci95[0]),
            pct(sh.ci95[1])
        );
    }
    for (name, rep) in &r.replies {
        let who = if *name == r.me {
            "You reply".to_string()
        } else {
            format!("{} replies", esc(name))
        };
        let med = match (rep.median_seconds, rep.ci95_seconds) {
            (Some(m), Some([a, b])) => format!(
                "median <b>{}</b> <span class=\"ci\">(95% CI {}–{})</span>",
                duration(m),
                duration(a),
                duration(b)
            ),
            (Some(m), None) => format!("median <b>{}</b>", duration(m)),
            _ => "no replies".into(),
        };
        let rate = rep
            .reply_rate
            .map(|x| format!(", answers {} of {} turns", pct(x), rep.turns_received))
            .unwrap_or_default();
        let _ = write!(
            o,
            "<tr><th>{who}</th><td>{med}{rate} <span class=\"n\">n = {}</span></td></tr>",
            rep.count
        );
    }
    for (k, label) in [("words", "Words"), ("questions", "Questions")] {
        if let Some(Some(s)) = r.balance.components.get(k) {
            let verb = if k == "questions" { "asked" } else { "wrote" };
            let _ = write!(
                o,
                "<tr><th>{label}</th><td>You {verb} <b>{}</b> of them</td></tr>",
                pct(*s)
            );
        }
    }
    o.push_str("</table></section>");

    // If you go quiet.
    if r.partner.is_some() {
        let f = &r.forecast;
        o.push_str("<section><h2>If you go quiet</h2>");
        match (f.partner_reach_out_median_hours, f.ci95_hours) {
            (Some(m), Some([a, b])) => {
                let _ = write!(
                    o,
                    "<p class=\"lead\">If you stay quiet, {} usually reaches out within about <b>{}</b> <span class=\"ci\">(median; 95% CI {}–{})</span>.</p>",
                    esc(&them),
                    duration(m * 3600.0),
                    duration(a * 3600.0),
                    duration(b * 3600.0)
                );
            }
            (Some(m), None) => {
                let _ = write!(
                    o,
                    "<p class=\"lead\">Median wait about <b>{}</b>; the upper end of the interval is beyond the data.</p>",
                    duration(m * 3600.0)
                );
            }
            _ => {
                let _ = write!(
                    o,
                    "<p class=\"lead\">No forecast: {}</p>",
                    esc(f.null_reason.as_deref().unwrap_or("not enough data."))
                );
            }
        }
        let _ = write!(
            o,
            "<p>{} silences: {} reached out first {} times, you broke {} first, {} still open. <span class=\"n\">{}</span></p>",
            f.silences,
            esc(&them),
            f.partner_reach_outs,
            f.user_reach_outs,
            f.censored_at_end,
            esc(&f.assumption)
        );
        if !f.curve.is_empty() {
            o.push_str(&km_svg(&f.curve));
        }
        o.push_str("</section>");
    }

    if let Some(s) = &r.stepback {
        let _ = write!(o, "<section><h2>Step-back from {}</h2>", esc(&s.date));
        let _ = write!(
            o,
            "<p class=\"lead\">Outcome: <b>{}</b>.<br>Compared with {}'s own usual: <b>{}</b>.</p>",
            esc(&outcome_words(&s.outcome, &them)),
            esc(&them),
            esc(&usual_words(&s.compared_to_usual))
        );
        o.push_str("<ul>");
        for l in s.explanation.iter().filter(|l| !s.caveats.contains(l)) {
            let _ = write!(o, "<li>{}</li>", esc(l));
        }
        o.push_str("</ul>");
        let _ = write!(
            o,
            "<p>Days kept: {:.1}. Breaches: {}.<br>{}</p>",
            s.days_kept,
            s.breaches,
            esc(&crate::terminal::instagram_line(s))
        );
        if !s.breach_list.is_empty() {
            o.push_str(
                "<table><tr><th>when</th><th>rule broken</th><th>detail</th><th>lines</th></tr>",
            );
            for b in &s.breach_list {
                let _ = write!(
                    o,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&b.at.replace('T', " ")[..16.min(b.at.len())]),
                    esc(&b.kind.replace('_', " ")),
                    esc(&b.detail),
                    b.lines
                        .iter()
                        .map(|l| l.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            o.push_str("</table>");
        }
        for c in &s.caveats {
            let _ = write!(o, "<p class=\"caveat\">{}</p>", esc(c));
        }
        o.push_str("</section>");
    }

    let monitoring = r
        .signals
        .iter()
        .filter(|h| h.signal == "MONITORING" && Some(&h.who) == r.partner.as_ref())
        .count();
    if monitoring > 0 {
        let _ = write!(
            o,
            "<section class=\"warn\"><h2>A warning sign worth noticing</h2><p>{monitoring} messages from {} ask where you are, who you are with, or why you didn't answer.</p><p>{}</p></section>",
            esc(&them),
            esc(crate::MONITORING_NOTE)
        );
    }

    if !r.monthly.is_empty() {
        o.push_str("<section><h2>Month by month</h2>");
        o.push_str(&monthly_svg(r));
        o.push_str("<table><tr><th>month</th><th>messages you / them</th><th>conversations</th><th>you opened</th><th>your median reply</th><th>their median reply</th><th>balance</th></tr>");
        for m in &r.monthly {
            o.push_str("<tr>");
            for cell in crate::terminal::month_cells(r, m) {
                let _ = write!(o, "<td>{}</td>", esc(&cell));
            }
            o.push_str("</tr>");
        }
        o.push_str("</table></section>");
    }
    let _ = write!(
        o,
        "<footer>Made offline by walkaway. Conversation gap G = {} ({}); {} bootstrap replicates, seed {}; data end {}. Bands are conventions, not diagnoses.</footer></main></body></html>",
        duration(r.parameters.gap_seconds as f64),
        esc(&r.parameters.gap_choice.replace('_', " ")),
        r.parameters.bootstrap_reps,
        r.parameters.seed,
        esc(&r.parameters.as_of)
    );
    o
}

/// Escapes text for HTML element and attribute content.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn balance_bar(ebi: f64, ci: Option<[f64; 2]>) -> String {
    let x = |v: f64| 20.0 + (v.clamp(-1.0, 1.0) + 1.0) / 2.0 * 560.0;
    let mut s = String::from(
        "<svg class=\"bar\" viewBox=\"0 0 600 56\" role=\"img\" aria-label=\"effort balance\">",
    );
    let _ = write!(
        s,
        "<rect x=\"20\" y=\"18\" width=\"560\" height=\"12\" rx=\"6\" fill=\"#e8e6f0\"/>"
    );
    let _ = write!(
        s,
        "<rect x=\"{:.1}\" y=\"18\" width=\"{:.1}\" height=\"12\" fill=\"#d9f2e4\"/>",
        x(-0.2),
        x(0.2) - x(-0.2)
    );
    if let Some([a, b]) = ci {
        let _ = write!(
            s,
            "<rect x=\"{:.1}\" y=\"14\" width=\"{:.1}\" height=\"20\" rx=\"3\" fill=\"#7c6fd6\" opacity=\"0.35\"/>",
            x(a),
            (x(b) - x(a)).max(1.0)
        );
    }
    let _ = write!(
        s,
        "<circle cx=\"{:.1}\" cy=\"24\" r=\"7\" fill=\"#4b3fb5\"/>",
        x(ebi)
    );
    let _ = write!(
        s,
        "<text x=\"20\" y=\"52\">they do all of it</text><text x=\"300\" y=\"52\" text-anchor=\"middle\">even</text><text x=\"580\" y=\"52\" text-anchor=\"end\">you do all of it</text></svg>"
    );
    s
}

fn km_svg(curve: &[[f64; 4]]) -> String {
    let tmax = curve
        .iter()
        .map(|p| p[0])
        .fold(1.0f64, f64::max)
        .min(24.0 * 14.0);
    let (w, h, l, t) = (600.0, 220.0, 40.0, 10.0);
    let px = |hrs: f64| l + (hrs.min(tmax) / tmax) * (w - l - 10.0);
    let py = |s: f64| t + (1.0 - s.clamp(0.0, 1.0)) * (h - t - 30.0);
    let mut line = format!("M{:.1},{:.1}", px(0.0), py(1.0));
    let mut band_hi = vec![(px(0.0), py(1.0))];
    let mut band_lo = vec![(px(0.0), py(1.0))];
    let mut prev = 1.0;
    let (mut prev_lo, mut prev_hi) = (1.0, 1.0);
    for p in curve.iter().filter(|p| p[0] <= tmax) {
        line.push_str(&format!(" H{:.1} V{:.1}", px(p[0]), py(p[1])));
        band_hi.push((px(p[0]), py(prev_hi)));
        band_hi.push((px(p[0]), py(p[3])));
        band_lo.push((px(p[0]), py(prev_lo)));
        band_lo.push((px(p[0]), py(p[2])));
        prev = p[1];
        prev_lo = p[2];
        prev_hi = p[3];
    }
    line.push_str(&format!(" H{:.1}", px(tmax)));
    let _ = prev;
    band_hi.push((px(tmax), py(prev_hi)));
    band_lo.push((px(tmax), py(prev_lo)));
    let mut poly = String::new();
    for (x, y) in band_hi.iter().chain(band_lo.iter().rev()) {
        let _ = write!(poly, "{x:.1},{y:.1} ");
    }
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"chance they have not reached out yet\">"
    );
    let _ = write!(
        s,
        "<polygon points=\"{poly}\" fill=\"#7c6fd6\" opacity=\"0.18\"/>"
    );
    let _ = write!(
        s,
        "<path d=\"{line}\" fill=\"none\" stroke=\"#4b3fb5\" stroke-width=\"2\"/>"
    );
    let _ = write!(
        s,
        "<line x1=\"{l}\" x2=\"{}\" y1=\"{:.1}\" y2=\"{:.1}\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>",
        w - 10.0,
        py(0.5),
        py(0.5)
    );
    let _ = write!(
        s,
        "<text x=\"4\" y=\"{:.1}\">50%</text><text x=\"4\" y=\"{:.1}\">100%</text>",
        py(0.5) + 4.0,
        py(1.0) + 10.0
    );
    for d in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let hrs = tmax * d;
        let anchor = if d == 0.0 {
            "start"
        } else if d == 1.0 {
            "end"
        } else {
            "middle"
        };
        let label = if d == 0.0 {
            "0".to_string()
        } else {
            duration(hrs * 3600.0)
        };
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"{anchor}\">{label}</text>",
            px(hrs),
            h - 8.0
        );
    }
    s.push_str("</svg><p class=\"n\">Chance that they have not reached out yet, by time since the conversation ended (Kaplan-Meier, with 95% band).</p>");
    s
}

fn monthly_svg(r: &Report) -> String {
    let n = r.monthly.len().max(1) as f64;
    let (w, h) = (600.0, 160.0);
    let bw = (w - 40.0) / n;
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"your share of openings per month\">"
    );
    let _ = write!(
        s,
        "<line x1=\"30\" x2=\"{}\" y1=\"70\" y2=\"70\" stroke=\"#999\" stroke-dasharray=\"4 4\"/><text x=\"0\" y=\"74\">50%</text>",
        w - 10.0
    );
    for (i, m) in r.monthly.iter().enumerate() {
        let x = 30.0 + i as f64 * bw;
        if let Some(sh) = &m.opening_share {
            let top = 10.0 + (1.0 - sh.value) * 120.0;
            let _ = write!(
                s,
                "<rect x=\"{:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#7c6fd6\"><title>{}: you opened {} of {}</title></rect>",
                x + 2.0,
                (bw - 4.0).max(1.0),
                130.0 - top,
                esc(&m.month),
                pct(sh.value),
                sh.n
            );
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"152\" text-anchor=\"middle\" font-size=\"10\">{}</text>",
            x + bw / 2.0,
            esc(m.month.get(2..).unwrap_or(&m.month))
        );
    }
    s.push_str("</svg><p class=\"n\">Your share of conversation openings per month.</p>");
    s
}

const CSS: &str = "body{font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1d1b26;background:#faf9fc;margin:0}\
main{max-width:760px;margin:0 auto;padding:24px}h1{margin:0 0 4px}h2{font-size:1.15em;margin:0 0 8px;color:#4b3fb5}\
.sub,.n,.ci{color:#6b6880;font-size:.9em}section{background:#fff;border:1px solid #e8e6f0;border-radius:12px;padding:16px 20px;margin:16px 0}\
.lead{font-size:1.1em}table{border-collapse:collapse;width:100%;font-size:.92em}td,th{padding:4px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}\
.kv th{width:30%;font-weight:600}td:first-child{white-space:nowrap}svg{width:100%;height:auto;font-size:12px;fill:#6b6880}.warn{border-color:#e0b400;background:#fffbea}\
.caveat{color:#6b6880;font-style:italic}footer{color:#6b6880;font-size:.85em;margin:24px 0}";

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_text_from_exports() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"Sam\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Sam&quot;"
        );
        assert_eq!(esc("Søren 🌻"), "Søren 🌻");
    }
}
