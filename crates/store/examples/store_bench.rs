//! Measures the store on a synthetic 1,000,000-event chat: import into a fresh database,
//! re-import (nothing added) and `load_chat`.
//!
//! Run with `cargo run --release -p walkaway-store --example store_bench [EVENTS [ROUNDS]]`. The budget is
//! 0.5 s for the import and 0.3 s for the load of 1M events.

use std::process::ExitCode;
use std::time::Instant;

use walkaway_model::{Events, Kind, NewEvent, Parsed, ParsedChat, Source};
use walkaway_store::{ImportMeta, Store};

/// Synthetic chat: two senders, about 75 bytes of text per message, a message every ~40 s
/// with some same-minute bursts (as WhatsApp's minute resolution produces).
fn synthetic(n: usize) -> Parsed {
    const WORDS: [&str; 12] = [
        "ok", "see", "you", "tomorrow", "what", "about", "dinner", "haha", "yes", "maybe", "later",
        "tonight",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut events = Events::with_capacity(n, n * 72);
    let mut ts: i64 = 1_600_000_000_000;
    for i in 0..n {
        let r = next();
        if r % 3 != 0 {
            ts += 60_000 * ((r >> 8) % 2) as i64;
        }
        let mut text = String::with_capacity(80);
        while text.len() < 70 {
            let w = WORDS
                .get((next() % WORDS.len() as u64) as usize)
                .unwrap_or(&"ok");
            text.push_str(w);
            text.push(' ');
        }
        let _ = events.push(NewEvent {
            ts,
            sender: Some((r >> 20) as u32 % 2),
            kind: Kind::Text,
            text: &text,
            line: i as u32 + 1,
            flags: 0,
        });
    }
    Parsed {
        chats: vec![ParsedChat {
            source: Some(Source::WhatsApp),
            title: Some("bench".to_owned()),
            people: vec!["Ana".to_owned(), "Ben".to_owned()],
            events,
            me_hint: None,
            exported_at: None,
            handles: Vec::new(),
        }],
        ..Parsed::default()
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Seconds of each measured step in one round.
struct Round {
    import: f64,
    reimport: f64,
    load: f64,
    size: u64,
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = match args.next() {
        Some(a) => a.parse()?,
        None => 1_000_000,
    };
    let rounds: usize = match args.next() {
        Some(a) => a.parse()?,
        None => 3,
    };
    let parsed = synthetic(n);
    let mut results = Vec::new();
    for _ in 0..rounds.max(1) {
        results.push(round(&parsed, n)?);
    }
    // The machine is shared, so the best round is the fairest figure; the median is shown too.
    let report = |name: &str, f: fn(&Round) -> f64| {
        let mut v: Vec<f64> = results.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        let best = v.first().copied().unwrap_or(0.0);
        let median = v.get(v.len() / 2).copied().unwrap_or(0.0);
        println!("{name:<18} best {best:.3} s   median {median:.3} s");
    };
    println!("events: {n}, rounds: {}", results.len());
    report("import (fresh):", |r| r.import);
    report("re-import (0 new):", |r| r.reimport);
    report("load_chat:", |r| r.load);
    let size = results.first().map_or(0, |r| r.size);
    println!("database + wal:    {:.1} MB", size as f64 / 1e6);
    Ok(())
}

fn round(parsed: &Parsed, n: usize) -> Result<Round, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.db");
    let meta = ImportMeta {
        path: "bench.txt".to_owned(),
        file_hash: "bench".to_owned(),
        bytes: 0,
        format: "whatsapp".to_owned(),
        tz: "UTC".to_owned(),
        modified: None,
        imported_at: 0,
    };

    let mut store = Store::open(&path)?;
    let t = Instant::now();
    let first = store.import(&meta, parsed)?;
    let import = t.elapsed().as_secs_f64();
    let added: u64 = first.chats.iter().map(|c| c.added).sum();

    let t = Instant::now();
    let again = store.import(&meta, parsed)?;
    let reimport = t.elapsed().as_secs_f64();
    let readded: u64 = again.chats.iter().map(|c| c.added).sum();

    let id = first
        .chats
        .first()
        .map(|c| c.chat_id.clone())
        .ok_or("the import produced no chat")?;
    let t = Instant::now();
    let loaded = store.load_chat(&id)?;
    let load = t.elapsed().as_secs_f64();

    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(path.with_extension("db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
    if added != n as u64 || readded != 0 || loaded.events.len() != n {
        return Err("counts do not match".into());
    }
    Ok(Round {
        import,
        reimport,
        load,
        size,
    })
}
