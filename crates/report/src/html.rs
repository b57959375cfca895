//! The self-contained HTML report: one file, inline CSS and SVG, no scripts, no remote assets
//! (privacy: opening it makes no network request; the CSP forbids any fetch). It lays out the
//! same plain-words document as the terminal ([`crate::words`]), block for block, with the
//! charts of [`crate::svg`] where the document puts a chart slot, and every evidence list as a
//! `<details>` that opens to the messages. Phone first: nothing is wider than the screen at
//! 390 px (tables reflow into one card per row, long words wrap), dark mode follows the
//! system, and a print stylesheet drops the page furniture.

use std::fmt::Write;

use crate::json::Report;
use crate::svg;
use crate::words::{Block, Chart, Item, Tone};

/// Message texts longer than this many characters are cut with "…" (the JSON has them whole).
const MAX_TEXT: usize = 600;

pub fn render(r: &Report) -> String {
    render_in(r, crate::words::Door::CommandLine)
}

/// [`render`] for a report read through `door` (the app names its own question where the
/// command line names a flag).
pub fn render_in(r: &Report, door: crate::words::Door) -> String {
    let doc = crate::words::document_in(r, door);
    let mut o = String::with_capacity(64 * 1024);
    let _ = write!(
        o,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'\">\
<meta name=\"referrer\" content=\"no-referrer\"><meta name=\"color-scheme\" content=\"light dark\">\
<title>walkaway — {}</title><style>{CSS}</style></head><body><main>",
        esc(&doc.title)
    );
    let _ = write!(
        o,
        "<header><p class=\"brand\">walkaway</p><h1><bdi>{}</bdi></h1><p class=\"sub\">{}</p>",
        esc(&doc.title),
        esc(&doc.subtitle)
    );
    for b in &doc.intro {
        block(&mut o, b, r, false);
    }
    o.push_str("</header>");
    for s in &doc.sections {
        let class = match s.tone {
            Tone::Warning => " class=\"warning\"",
            Tone::Quiet => " class=\"quiet\"",
            Tone::Normal => "",
        };
        let _ = write!(o, "<section{class}><h2>{}</h2>", named(r, &s.heading));
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
            let _ = write!(o, "<p class=\"lead\">{}</p>", named(r, t));
        }
        Block::Text(t) => {
            let _ = write!(o, "<p>{}</p>", named(r, t));
        }
        Block::Note(t) => {
            let _ = write!(o, "<p class=\"note\">{}</p>", named(r, t));
        }
        Block::Evidence { title, items, more } => {
            let _ = write!(
                o,
                "<details{}><summary>{}{}</summary><ul class=\"ev\">",
                if open { " open" } else { "" },
                named(r, title.trim_end_matches(':')),
                if *more > 0 {
                    format!(
                        " <span class=\"count\">({} shown of {})</span>",
                        items.len(),
                        items.len() + more
                    )
                } else {
                    String::new()
                }
            );
            for it in items {
                evidence(o, it);
            }
            if *more > 0 {
                let _ = write!(
                    o,
                    "<li class=\"more\">… and {more} more (all of them are in the JSON report)</li>"
                );
            }
            o.push_str("</ul></details>");
        }
        Block::Table { head, rows } => {
            o.push_str("<table class=\"data\"><thead><tr>");
            for h in head {
                let _ = write!(o, "<th scope=\"col\">{}</th>", esc(h));
            }
            o.push_str("</tr></thead><tbody>");
            for row in rows {
                o.push_str("<tr>");
                for (i, c) in row.iter().enumerate() {
                    let label = head.get(i).map(|h| esc(h)).unwrap_or_default();
                    if i == 0 {
                        let _ = write!(
                            o,
                            "<th scope=\"row\" data-label=\"{label}\"><bdi>{}</bdi></th>",
                            esc(&cell(c))
                        );
                    } else {
                        let _ = write!(
                            o,
                            "<td data-label=\"{label}\"><bdi>{}</bdi></td>",
                            esc(&cell(c))
                        );
                    }
                }
                o.push_str("</tr>");
            }
            o.push_str("</tbody></table>");
        }
        Block::Chart(c) => {
            let fig = match c {
                Chart::Balance => r
                    .balance
                    .effort_balance_index
                    .map(|ebi| svg::balance(ebi, r.balance.ci95)),
                Chart::Forecast => svg::forecast(r),
                Chart::Monthly => svg::monthly(r),
                Chart::Replies => svg::replies(r),
                Chart::HourOfWeek => svg::hour_of_week(r),
                Chart::Stepback => svg::stepback(r),
                Chart::Coverage => svg::coverage(r),
                Chart::Change(i) => svg::change(r, *i),
            };
            if let Some(f) = fig {
                o.push_str(&f);
            }
        }
    }
}

/// Escapes a sentence and isolates each participant's name in it (`<bdi>`), so a name in a
/// right-to-left script, or carrying a direction override, cannot reorder the words around it.
fn named(r: &Report, t: &str) -> String {
    let mut names: Vec<&str> = r
        .participants
        .iter()
        .map(String::as_str)
        .filter(|n| n.chars().count() >= 2 && *n != "You")
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let mut out = String::with_capacity(t.len() + 16);
    let mut rest = t;
    'scan: while let Some(c) = rest.chars().next() {
        for n in &names {
            if rest.starts_with(n) {
                let _ = write!(out, "<bdi>{}</bdi>", esc(n));
                rest = &rest[n.len()..];
                continue 'scan;
            }
        }
        out.push_str(&esc(c.encode_utf8(&mut [0; 4])));
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// A table cell: a month "2026-02" reads "Feb 2026".
fn cell(c: &str) -> String {
    let b = c.as_bytes();
    if b.len() == 7 && b[4] == b'-' && c[..4].bytes().all(|x| x.is_ascii_digit()) {
        svg::month_label(c)
    } else {
        c.to_string()
    }
}

/// One message of the evidence: when, what it shows, who, the message, the export line last.
/// Names and texts sit in `<bdi>` so a right-to-left override in them cannot turn the line.
fn evidence(o: &mut String, it: &Item) {
    let _ = write!(o, "<li><time>{}</time>", esc(&it.at));
    if let Some(l) = &it.label {
        let _ = write!(o, " <span class=\"lbl\">{}</span>", esc(l));
    }
    if !it.text.is_empty() {
        let text: String = if it.text.chars().count() > MAX_TEXT {
            let cut: String = it.text.chars().take(MAX_TEXT).collect();
            format!("{cut}…")
        } else {
            it.text.clone()
        };
        let _ = write!(
            o,
            "<span class=\"msg\"><b><bdi>{}</bdi></b>: <q><bdi>{}</bdi></q></span>",
            esc(&it.who),
            esc(&text)
        );
    } else if !it.who.is_empty() {
        let _ = write!(o, " <b><bdi>{}</bdi></b>", esc(&it.who));
    }
    if it.line > 0 {
        let _ = write!(o, " <span class=\"line\">line {}</span>", it.line);
    }
    o.push_str("</li>");
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

const CSS: &str = "\
:root{--ink:#1d1b26;--muted:#55526a;--bg:#f6f5f9;--card:#fff;--line:#dedbe8;--accent:#005a8c;\
--you:#0072b2;--them:#d55e00;--usual:#009e73;--alert:#a8437f;--warnbg:#fff8e6;--warnline:#b07800;\
--h0:#eceaf2;--h1:#cfe4f3;--h2:#8ec0e2;--h3:#3a8cc2;--h4:#0b4f7c}\
@media (prefers-color-scheme:dark){:root{--ink:#eceaf3;--muted:#b9b6c9;--bg:#121117;--card:#1d1b25;\
--line:#3a3748;--accent:#8fcdf2;--you:#56b4e9;--them:#e69f00;--usual:#2fc59a;--alert:#e08cc0;\
--warnbg:#2a2412;--warnline:#e6b422;--h0:#2a2833;--h1:#1f3f57;--h2:#2f6a93;--h3:#4f9fd3;--h4:#b5e1fa}}\
*{box-sizing:border-box}\
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\
body{font:17px/1.55 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);background:var(--bg);margin:0}\
main{max-width:760px;margin:0 auto;padding:20px 16px;overflow-wrap:anywhere;word-break:normal}\
header{margin:8px 4px 20px}.brand{margin:0;font-size:.85em;letter-spacing:.08em;text-transform:uppercase;color:var(--muted)}\
h1{margin:2px 0 6px;font-size:1.6em;line-height:1.2}\
h2{font-size:1.2em;margin:0 0 10px;color:var(--accent);line-height:1.3}\
.sub{color:var(--muted);margin:0 0 12px;font-size:.95em}\
section{background:var(--card);border:1px solid var(--line);border-radius:14px;padding:16px 18px;margin:14px 0}\
p{margin:0 0 10px}.lead{font-size:1.12em;font-weight:600}\
.note{color:var(--muted);font-size:.95em}\
.warning{border:2px solid var(--warnline);background:var(--warnbg)}\
.quiet{font-size:.92em}.quiet h2{color:var(--muted)}\
figure{margin:14px 0}figcaption{color:var(--muted);font-size:.92em;margin-top:4px;max-width:34em}\
.chart{display:block;width:100%;max-width:440px;height:auto;overflow:hidden}\
.chart text{fill:var(--muted)}.chart .axis,.chart .who{fill:var(--ink);font-weight:600;paint-order:stroke;stroke:var(--card);stroke-width:4px;stroke-linejoin:round}\
.grid{stroke:var(--line);stroke-width:1}.mid{stroke:var(--muted);stroke-dasharray:4 4}.axisline{stroke:var(--muted)}\
.you{fill:var(--you)}.them{fill:var(--them)}.usual{fill:var(--usual)}.alert{fill:var(--alert)}\
.you,.them,.usual,.alert{stroke:var(--card);stroke-width:1}\
.you-line{stroke:var(--you);fill:none;stroke-width:2.5}.them-line{stroke:var(--them);fill:none;stroke-width:2.5}\
.band{fill:var(--you);fill-opacity:.22}.band-them{fill:var(--them);fill-opacity:.2}\
.box-you{fill:var(--you);fill-opacity:.25;stroke:var(--you)}.box-them{fill:var(--them);fill-opacity:.25;stroke:var(--them)}\
.dot{fill:var(--ink);fill-opacity:.5}.level{stroke:var(--them);stroke-width:3}\
.change{stroke:var(--ink);stroke-dasharray:5 4;stroke-width:1.5}.d{stroke:var(--ink);stroke-width:2.5}\
.window{fill:var(--you);fill-opacity:.08}.track{fill:var(--line)}.even{fill:var(--usual);fill-opacity:.3}\
.nodata{fill:none;stroke:var(--muted);stroke-dasharray:3 3}.cover{fill:var(--you)}\
.h0{fill:var(--h0)}.h1{fill:var(--h1)}.h2{fill:var(--h2)}.h3{fill:var(--h3)}.h4{fill:var(--h4)}\
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}\
details{margin:10px 0;border:1px solid var(--line);border-radius:10px;padding:0 12px}\
details[open]{padding-bottom:6px}\
summary{cursor:pointer;font-weight:600;padding:10px 0;min-height:44px}.count{color:var(--muted);font-weight:400}\
.ev{list-style:none;padding:0;margin:0}.ev li{padding:8px 0;border-top:1px solid var(--line)}\
.ev time{display:block;font-variant-numeric:tabular-nums;font-weight:600;font-size:.92em}\
.lbl{color:var(--muted);font-size:.92em}.msg{display:block}.line{color:var(--muted);font-size:.85em}\
.more{color:var(--muted)}q{quotes:'“' '”' '‘' '’'}\
table.data{border-collapse:collapse;width:100%;font-size:.92em;margin:10px 0;font-variant-numeric:tabular-nums}\
.data th,.data td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}\
.data thead th{color:var(--muted);font-weight:600;overflow-wrap:normal}\
.data tbody th{min-width:7em}@media (min-width:761px){.data td{white-space:nowrap}}\
@media (max-width:760px){body{font-size:16px}main{padding:12px 10px}section{padding:14px 12px;border-radius:12px}\
.data thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%)}\
.data,.data tbody,.data tr,.data th,.data td{display:block;width:100%}\
.data tr{border:1px solid var(--line);border-radius:10px;margin:0 0 8px;padding:6px 10px}\
.data th[scope=row]{border:0;padding:2px 0;font-weight:700}\
.data td{display:flex;justify-content:space-between;gap:12px;border:0;padding:2px 0;text-align:right}\
.data td::before{content:attr(data-label);color:var(--muted);text-align:left}}\
footer{color:var(--muted);font-size:.88em;margin:24px 4px}\
@media print{:root{--bg:#fff;--card:#fff}body{font-size:11pt}main{max-width:none;padding:0}\
figure,.ev li,tr{break-inside:avoid}h2{break-after:avoid}section{border-color:#999}details{border:0;padding:0}\
summary{min-height:0}footer{margin-top:12px}}\
@media print{details::details-content{content-visibility:visible;display:block}}";

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
