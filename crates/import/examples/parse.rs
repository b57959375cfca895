//! Parses one export and prints what was understood, with timing.
//!
//! This exists to measure the importer on real-sized files and to eyeball a sample quickly:
//! `cargo run --release -p walkaway-import --example parse -- FILE [--tz ZONE] [--date-order dmy]
//! [--repeat N] [--in-memory]`. It prints counts and diagnostics, never message text.
//!
//! By default it reads the file the way the product does (`read_path`: a WhatsApp text is
//! streamed from disk a chunk at a time), so the time includes reading. `--in-memory` reads the
//! file first and times the parser alone (`read_bytes`).

use std::collections::BTreeMap;
use std::time::Instant;

use walkaway_import::{DateOrder, Options, read_bytes, read_path};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut path = None;
    let mut opts = Options::default();
    let mut repeat = 1usize;
    let mut in_memory = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--in-memory" => in_memory = true,
            "--repeat" => repeat = args.next().and_then(|n| n.parse().ok()).unwrap_or(1).max(1),
            "--tz" => {
                let z = args.next().unwrap_or_default();
                match jiff::tz::TimeZone::get(&z) {
                    Ok(tz) => opts.tz = tz,
                    Err(e) => {
                        eprintln!("error: unknown time zone {z:?}: {e}");
                        std::process::exit(2);
                    }
                }
            }
            "--date-order" => match args.next().unwrap_or_default().parse::<DateOrder>() {
                Ok(o) => opts.date_order = Some(o),
                Err(e) => {
                    eprintln!("error: {e}");
                    std::process::exit(2);
                }
            },
            _ => path = Some(a),
        }
    }
    let Some(path) = path else {
        eprintln!(
            "usage: parse FILE [--tz ZONE] [--date-order dmy|mdy|ymd] [--repeat N] [--in-memory]"
        );
        std::process::exit(2);
    };
    let p = std::path::Path::new(&path);
    // With --in-memory, read the file first so that the parse time below excludes disk I/O.
    let t_read = Instant::now();
    let bytes = if in_memory && p.is_file() {
        std::fs::read(p).ok()
    } else {
        None
    };
    let read_s = t_read.elapsed().as_secs_f64();
    // With --repeat N the parse runs N times and the fastest run is reported (a busy machine
    // only ever slows a run down).
    let mut elapsed = f64::INFINITY;
    let mut result = None;
    for _ in 0..repeat {
        let t0 = Instant::now();
        let r = match &bytes {
            Some(b) => read_bytes(&path, b, &opts),
            None => read_path(p, &opts),
        };
        elapsed = elapsed.min(t0.elapsed().as_secs_f64());
        result = Some(r);
    }
    let Some(result) = result else { return };
    let imported = match result {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "format: {}  bytes: {}  hash: {}",
        imported.format, imported.bytes, imported.file_hash
    );
    for chat in &imported.parsed.chats {
        let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
        let mut senders: BTreeMap<&str, usize> = BTreeMap::new();
        let mut messages = 0usize;
        let mut flagged = [0usize; 4];
        for e in &chat.events {
            *kinds.entry(e.kind.as_str()).or_default() += 1;
            if e.kind.is_message() {
                messages += 1;
            }
            if let Some(s) = e.sender.and_then(|s| chat.people.get(s as usize)) {
                *senders.entry(s.as_str()).or_default() += 1;
            }
            for (i, f) in flagged.iter_mut().enumerate() {
                if e.flags & (1 << i) != 0 {
                    *f += 1;
                }
            }
        }
        println!(
            "chat {:?}: {} events, {} messages, me_hint {:?}",
            chat.title.as_deref().unwrap_or(""),
            chat.events.len(),
            messages,
            chat.me_hint.and_then(|i| chat.people.get(i as usize))
        );
        println!("  kinds: {kinds:?}");
        println!("  events per sender: {senders:?}");
        println!(
            "  flags: ambiguous {} skipped {} edited {} out-of-order {}",
            flagged[0], flagged[1], flagged[2], flagged[3]
        );
        if let (Some(a), Some(b)) = (chat.events.first(), chat.events.last()) {
            let fmt = |ms: i64| {
                jiff::Timestamp::from_millisecond(ms)
                    .map_or_else(|_| ms.to_string(), |t| t.to_string())
            };
            println!("  first {}  last {}", fmt(a.ts), fmt(b.ts));
        }
    }
    if !imported.parsed.activity.is_empty() {
        println!("activity records: {}", imported.parsed.activity.len());
    }
    for d in imported.parsed.diagnostics.iter().take(20) {
        println!("  {:?} line {}: {}", d.severity, d.line, d.message);
    }
    if imported.parsed.diagnostics.len() > 20 {
        println!(
            "  ... {} diagnostics in all",
            imported.parsed.diagnostics.len()
        );
    }
    let mbps = imported.bytes as f64 / 1e6 / elapsed.max(1e-9);
    if in_memory {
        println!("read {read_s:.3} s; parse {elapsed:.3} s, {mbps:.1} MB/s (in memory)");
    } else {
        println!("read + parse {elapsed:.3} s, {mbps:.1} MB/s (streamed from disk)");
    }
}
