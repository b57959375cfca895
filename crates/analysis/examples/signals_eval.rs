//! Measures the built-in signal patterns on the author-written labelled sets in
//! `tests/signals/*.tsv` and prints a Markdown table of precision and recall per language and
//! signal (the tables in docs/signals.md come from here), first on the sets the patterns were
//! developed against, then on a held-out set written after the patterns were frozen.
//! `--errors` lists the disagreements; `--bench` times a scan of one million synthetic messages
//! (run it with `--release`).

use std::time::Instant;

use walkaway_analysis::signals::{Matcher, evaluate, scan};
use walkaway_model::{Events, Kind, NewEvent};

/// The labelled sets, one per language.
const SETS: [&str; 6] = [
    include_str!("../tests/signals/en.tsv"),
    include_str!("../tests/signals/es.tsv"),
    include_str!("../tests/signals/de.tsv"),
    include_str!("../tests/signals/fr.tsv"),
    include_str!("../tests/signals/pt.tsv"),
    include_str!("../tests/signals/it.tsv"),
];

/// A smaller set written after the patterns were frozen.
const HOLDOUT: &str = include_str!("../tests/signals/holdout.tsv");

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
    // The held-out set was written after the patterns were frozen and is never tuned on.
    match evaluate(HOLDOUT, &matcher) {
        Ok(ev) => print!("\n### Held-out set\n\n{}", ev.to_markdown()),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
    if std::env::args().any(|a| a == "--errors") {
        println!("\n### Disagreements (labelled set texts, synthetic)\n");
        for line in all.lines().chain(HOLDOUT.lines()) {
            let mut f = line.splitn(3, '\t');
            let (Some(lang), Some(want), Some(text)) = (f.next(), f.next(), f.next()) else {
                continue;
            };
            if lang.starts_with('#') {
                continue;
            }
            let mut got: Vec<&str> = matcher
                .detect(text)
                .iter()
                .map(|h| h.signal.as_str())
                .collect();
            let mut want: Vec<&str> = want.split(',').filter(|w| *w != "NONE").collect();
            got.sort_unstable();
            want.sort_unstable();
            if got != want {
                println!("- {lang}: \"{text}\" expected {want:?}, got {got:?}");
            }
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
        .chain(filler.iter().copied().cycle().take(7000))
        .collect();
    let n = 1_000_000;
    let mixed = chat(n, |i| {
        texts.get(i % texts.len().max(1)).copied().unwrap_or("")
    });
    let quiet = chat(n, |i| filler.get(i % filler.len()).copied().unwrap_or(""));
    if let (Some(mixed), Some(quiet)) = (mixed, quiet) {
        time("labelled texts mixed into filler chat", &mixed, matcher);
        time("filler chat only", &quiet, matcher);
    }
}

/// A two-person chat of `n` text messages, a second apart.
fn chat<'t>(n: usize, pick: impl Fn(usize) -> &'t str) -> Option<Events> {
    Events::try_from_iter((0..n).map(|i| NewEvent {
        ts: i as i64 * 1000,
        sender: Some((i % 2) as u32),
        kind: Kind::Text,
        text: pick(i),
        line: i as u32 + 1,
        flags: 0,
    }))
    .ok()
}

fn time(what: &str, events: &Events, matcher: &Matcher) {
    let msgs = walkaway_analysis::messages(events);
    let t = Instant::now();
    let hits = scan(&msgs, events, None, matcher);
    let dt = t.elapsed();
    println!(
        "\nscan, {what}: {} messages ({:.1} MB), {} hits, {:.3} s",
        msgs.len(),
        events.text_bytes() as f64 / 1e6,
        hits.len(),
        dt.as_secs_f64()
    );
}
