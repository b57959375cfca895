//! The self-contained HTML report: one file, inline CSS and SVG, no scripts, no remote assets
//! (privacy: opening it makes no network request). Renders from the wire [`Report`].

use std::fmt::Write;

use crate::fmt::{duration, pct};
use crate::json::Report;
use crate::words::{Block, Chart, Tone};

pub fn render(r: &Report) -> String {
    let doc = crate::words::document(r);
    let mut o = String::with_capacity(32 * 1024);
    let _ = write!(
        o,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
<title>walkaway — {}</title><style>{CSS}</style></head><body><main>",
        esc(&doc.title)
    );
    let _ = write!(
        o,
        "<header><h1>“{}”</h1><p class=\"sub\">{}</p>",
        esc(&doc.title),
        esc(&doc.subtitle)
    );
    for b in &doc.intro {
        block(&mut o, b, r, false);
    }
    o.push_str("</header>");
    for s in &doc.sections {
        let class = match s.tone {
            Tone::Warning => " class=\"warn\"",
            Tone::Quiet => " class=\"quiet\"",
            Tone::Normal => "",
        };
        let _ = write!(o, "<section{class}><h2>{}</h2>", esc(&s.heading));
        for b in &s.blocks {
            block(&mut o, b, r, s.tone == Tone::Warning);
        }
        o.push_str("</section>");
    }
    o.push_str(
        "<footer>Made offline by walkaway: nothing in this file was sent anywhere, and opening \
         it loads nothing from the internet.</footer></main></body></html>",
    );
    o
}

/// One block; evidence lists start open in a warning section (the messages are the point).
fn block(o: &mut String, b: &Block, r: &Report, open: bool) {
    match b {
        Block::Lead(t) => {
            let _ = write!(o, "<p class=\"lead\">{}</p>", esc(t));
        }
        Block::Text(t) => {
            let _ = write!(o, "<p>{}</p>", esc(t));
        }
        Block::Note(t) => {
            let _ = write!(o, "<p class=\"caveat\">{}</p>", esc(t));
        }
        Block::Evidence { title, items, more } => {
            let _ = write!(
                o,
                "<details{}><summary>{}</summary><ul class=\"ev\">",
                if open { " open" } else { "" },
                esc(title)
            );
            for it in items {
                let _ = write!(o, "<li><time>{}</time> ", esc(&it.at));
                if let Some(l) = &it.label {
                    let _ = write!(o, "<span class=\"lbl\">{}</span> ", esc(l));
                }
                if !it.text.is_empty() {
                    let _ = write!(o, "<b>{}</b>: <q>{}</q>", esc(&it.who), esc(&it.text));
                }
                if it.line > 0 {
                    let _ = write!(o, " <span class=\"n\">line {}</span>", it.line);
                }
                o.push_str("</li>");
            }
            if *more > 0 {
                let _ = write!(
                    o,
                    "<li class=\"n\">… and {more} more (all of them are in the JSON report)</li>"
                );
            }
            o.push_str("</ul></details>");
        }
        Block::Table { head, rows } => {
            o.push_str("<div class=\"scroll\"><table><tr>");
            for h in head {
                let _ = write!(o, "<th>{}</th>", esc(h));
            }
            o.push_str("</tr>");
            for row in rows {
                o.push_str("<tr>");
                for c in row {
                    let _ = write!(o, "<td>{}</td>", esc(c));
                }
                o.push_str("</tr>");
            }
            o.push_str("</table></div>");
        }
        Block::Chart(Chart::Balance) => {
            if let Some(ebi) = r.balance.effort_balance_index {
                o.push_str(&balance_bar(ebi, r.balance.ci95));
            }
        }
        Block::Chart(Chart::Forecast) => {
            if r.forecast.partner_reach_out_median_hours.is_some() && !r.forecast.curve.is_empty() {
                o.push_str(&km_svg(&r.forecast.curve));
            }
        }
        Block::Chart(Chart::Monthly) => {
            if r.monthly.iter().any(|m| m.opening_share.is_some()) {
                o.push_str(&monthly_svg(r));
            }
        }
    }
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
.caveat{color:#6b6880;font-style:italic}footer{color:#6b6880;font-size:.85em;margin:24px 0}\
.quiet{font-size:.9em;color:#4a4760}details{margin:8px 0}summary{cursor:pointer;font-weight:600}.ev{padding-left:1.2em}\
.ev li{margin:4px 0}.lbl{color:#6b6880}.scroll{overflow-x:auto}q{quotes:'“' '”'}";

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
