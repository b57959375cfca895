//! Measures the built-in signal patterns on the author-written labelled sets in
//! `tests/signals/*.tsv` and prints a Markdown table of precision and recall per language and
//! signal (the table in docs/signals.md comes from here). With `--bench`, it also times a scan
//! of one million synthetic messages (run it with `--release`).

use std::time::Instant;

use walkaway_analysis::Msg;
use walkaway_analysis::signals::{Matcher, evaluate, scan};
use walkaway_model::Kind;

/// The labelled sets, one per language.
const SETS: [&str; 6] = [
    include_str!("../tests/signals/en.tsv"),
    include_str!("../tests/signals/es.tsv"),
    include_str!("../tests/signals/de.tsv"),
    include_str!("../tests/signals/fr.tsv"),
    include_str!("../tests/signals/pt.tsv"),
    include_str!("../tests/signals/it.tsv"),
];

fn main() {
    let matcher = match Matcher::try_builtin() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let all = SETS.concat();
    match evaluate(&all, &matcher) {
        Ok(ev) => print!("{}", ev.to_markdown()),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
    if std::env::args().any(|a| a == "--bench") {
        bench(&matcher, &all);
    }
}

/// Times `scan` over one million messages cycled from the labelled texts and some filler chat.
fn bench(matcher: &Matcher, labelled: &str) {
    let filler = [
        "ok",
        "haha yes 😂😂",
        "did you see what happened at work today? my boss was so annoying",
        "k",
        "I'll be there at 7, bring the charger pls",
        "jajaja sí claro, mañana te cuento todo",
        "🙂",
        "na klar, bis später dann",
    ];
    let texts: Vec<&str> = labelled
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.splitn(3, '\t').nth(2))
        .chain(filler.iter().copied().cycle().take(600))
        .collect();
    let n = 1_000_000;
    let msgs: Vec<Msg> = (0..n)
        .map(|i| Msg {
            ts: i as i64 * 1000,
            who: (i % 2) as u32,
            kind: Kind::Text,
            text: texts.get(i % texts.len().max(1)).copied().unwrap_or(""),
            event: i,
        })
        .collect();
    let bytes: usize = msgs.iter().map(|m| m.text.len()).sum();
    let t = Instant::now();
    let hits = scan(&msgs, None, matcher);
    let dt = t.elapsed();
    println!(
        "\nscan: {n} messages ({:.1} MB), {} hits, {:.3} s",
        bytes as f64 / 1e6,
        hits.len(),
        dt.as_secs_f64()
    );
}
