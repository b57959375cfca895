//! Speed of `analyze` on a synthetic million-message chat (the product's benchmark size), and of
//! its phases. A benchmark, not a test: `cargo run --release -p walkaway-analysis --example analysis_bench`.

use std::time::Instant;
use walkaway_analysis::rng::SplitMix64;
use walkaway_analysis::{Config, analyze};
use walkaway_model::{Events, Kind, NewEvent};

/// A two-person chat shaped like the benchmark export (../shared/bench/RESULTS.md: about 170
/// messages a day, gap p50 60 s, mean 9 words, some non-ASCII words and emoji): sessions
/// separated by 1-20 h, inside them gaps of seconds to minutes.
fn synthetic(n: usize) -> Events {
    let vocab = [
        "i", "you", "the", "to", "and", "a", "it", "is", "that", "me", "ok", "yes", "what", "do",
        "love", "can't", "tomorrow", "dinner", "café", "señor", "straße", "déjà", "jaja", "lol",
        "haha", "where", "are", "how", "time", "home", "work", "tonight", "miss", "sleep",
    ];
    let emoji = ["😂", "❤️", "👍🏽", "🤦‍♀️", "🎉", "☕"];
    let mut rng = SplitMix64::new(7);
    let mut ts: i64 = 1_600_000_000_000;
    let mut who = 0u32;
    let mut events = Events::with_capacity(n, n * 64);
    for _ in 0..n {
        {
            let gap = if rng.below(30) == 0 {
                3_600_000 + rng.below(72_000_000) as i64
            } else {
                1_000 + (rng.unit() * rng.unit() * 400_000.0) as i64
            };
            ts += gap;
            if rng.below(3) != 0 {
                who = 1 - who;
            }
            let words = 1 + rng.below(9) + rng.below(9);
            let mut text = String::new();
            for i in 0..words {
                if i > 0 {
                    text.push(' ');
                }
                text.push_str(vocab[rng.below(vocab.len()).min(rng.below(vocab.len()))]);
            }
            if rng.below(6) == 0 {
                text.push(' ');
                text.push_str(emoji[rng.below(emoji.len())]);
            }
            if rng.below(8) == 0 {
                text.push('?');
            }
            let kind = if rng.below(18) == 0 {
                Kind::Media
            } else {
                Kind::Text
            };
            let _ = events.push(NewEvent {
                ts,
                sender: Some(who),
                kind,
                text: &text,
                line: 0,
                flags: 0,
            });
        }
    }
    events
}

fn main() {
    one_million_messages();
    phases();
}

fn one_million_messages() {
    let events = synthetic(1_000_000);
    let people = vec!["A".to_owned(), "B".to_owned()];
    let mut cfg = Config::new(0, Some(1), events.last().map_or(0, |e| e.ts));
    cfg.tz = jiff::tz::TimeZone::get("Europe/Madrid").unwrap_or(jiff::tz::TimeZone::UTC);
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t = Instant::now();
        let a = analyze(&events, &people, &cfg);
        let secs = t.elapsed().as_secs_f64();
        best = best.min(secs);
        eprintln!(
            "analyze: {secs:.3} s; {} messages, {} conversations, G = {} ms ({:?}), EBI {:?} {:?}, {} months, {} weeks",
            a.messages.total,
            a.conversations.count,
            a.conversations.gap,
            a.conversations.gap_choice,
            a.balance.ebi,
            a.balance.ci95,
            a.monthly.len(),
            a.weekly.len()
        );
    }
    eprintln!("best of 3: {best:.3} s");
}

/// CPU time of the calling thread in seconds (robust against other processes on the machine).
fn thread_cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

fn phases() {
    use walkaway_analysis::balance;
    let events = synthetic(1_000_000);
    let t = Instant::now();
    let w: u64 = events
        .iter_texts()
        .map(|(_, t)| u64::from(balance::count_words(t)))
        .sum();
    eprintln!("words {w}: {:.3} s", t.elapsed().as_secs_f64());
    let c = thread_cpu();
    let t = Instant::now();
    let w: u64 = events
        .iter_texts()
        .map(|(_, t)| u64::from(balance::count_emoji(t)))
        .sum();
    eprintln!("emoji {w}: {:.3} s", t.elapsed().as_secs_f64());
    let c2 = thread_cpu();
    let t = Instant::now();
    let w = events
        .iter_texts()
        .filter(|(_, t)| balance::is_question(t))
        .count();
    eprintln!(
        "questions {w}: {:.3} s, cpu {:.3} s",
        t.elapsed().as_secs_f64(),
        thread_cpu() - c2
    );
    let _ = c;
    let t = Instant::now();
    let msgs = walkaway_analysis::messages(&events);
    let g = walkaway_analysis::conversations::choose_gap(&msgs);
    eprintln!("gap {g:?}: {:.3} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let people = vec!["A".to_owned(), "B".to_owned()];
    let mut cfg = Config::new(0, Some(1), events.last().map_or(0, |e| e.ts));
    cfg.bootstrap_reps = 0;
    let a = analyze(&events, &people, &cfg);
    eprintln!(
        "analyze without bootstrap: {:.3} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let ci = balance::bootstrap_ebi(
        &[balance::ConvEffort {
            user_open: 1,
            ..Default::default()
        }; 1][..0],
        1,
        1,
    );
    drop((a, ci, t));
    let blocks = vec![
        balance::ConvEffort {
            user_open: 1,
            partner_open: 0,
            user_words: 30,
            partner_words: 20,
            user_questions: 2,
            partner_questions: 1
        };
        80_000
    ];
    let t = Instant::now();
    let ci = balance::bootstrap_ebi(&blocks, 1000, 1);
    eprintln!("bootstrap {ci:?}: {:.3} s", t.elapsed().as_secs_f64());
}
