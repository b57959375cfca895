//! One known history split across two apps, stored, linked and merged back (`report PERSON`'s
//! path: store → person_chats → merge → analysis) gives the whole history's messages,
//! conversations, openers and reply times. The second app lists the two people in the other
//! order and sees the last day of the first app's messages again, 30 seconds later (overlapping
//! exports): those copies count once.

use walkaway_analysis::Config;
use walkaway_analysis::full::{FullAnalysis, analyze_full};
use walkaway_analysis::merge::{Part, coverage_gaps, merge};
use walkaway_model::{Events, NewEvent, Parsed, ParsedChat, Source};
use walkaway_sim::presets;
use walkaway_sim::sim::{Scenario, generate};
use walkaway_store::{Handle, ImportMeta, Store};

fn meta(format: &str) -> ImportMeta {
    ImportMeta {
        path: format!("{format}.export"),
        file_hash: format!("hash-{format}"),
        bytes: 1,
        format: format.to_owned(),
        tz: String::new(),
        modified: None,
        imported_at: 0,
    }
}

/// The figures that must survive the split.
fn figures(a: &FullAnalysis) -> String {
    let b = &a.base;
    let replies: Vec<(u64, Option<f64>)> = b
        .replies
        .iter()
        .map(|r| (r.latency.count, r.latency.median_ms))
        .collect();
    format!(
        "messages {} {:?}; conversations {} opened {:?} closed {:?}; replies {:?}",
        b.messages.total,
        b.messages.by,
        b.conversations.count,
        b.conversations.opened_by,
        b.conversations.closed_by,
        replies
    )
}

#[test]
fn a_history_split_across_two_apps_merges_back_to_the_whole() {
    for seed in [1, 2, 3] {
        let sim = generate(&presets::validation_params(seed, Scenario::AsBefore));
        let whole = &sim.chat;
        let as_of = sim.truth.as_of;
        let cut = whole.events[whole.events.len() / 2].ts;
        let overlap_from = cut - 24 * 3_600_000;

        let mut wa = Events::new();
        let mut tg = Events::new();
        let mut copies = 0u64;
        for (e, text) in whole.events.iter_texts() {
            let sender = e.sender;
            if e.ts < cut {
                wa.push(NewEvent {
                    ts: e.ts,
                    sender,
                    kind: e.kind,
                    text,
                    line: e.line,
                    flags: e.flags,
                })
                .unwrap();
                if e.ts >= overlap_from && e.kind.is_message() && !text.trim().is_empty() {
                    // The copy in the second app, its people in the other order.
                    tg.push(NewEvent {
                        ts: e.ts + 30_000,
                        sender: sender.map(|s| 1 - s),
                        kind: e.kind,
                        text,
                        line: 0,
                        flags: 0,
                    })
                    .unwrap();
                    copies += 1;
                }
            } else {
                tg.push(NewEvent {
                    ts: e.ts,
                    sender: sender.map(|s| 1 - s),
                    kind: e.kind,
                    text,
                    line: e.line,
                    flags: e.flags,
                })
                .unwrap();
            }
        }
        let mut order: Vec<usize> = (0..tg.len()).collect();
        order.sort_by_key(|&i| tg[i].ts);
        let tg = Events::try_from_iter(order.iter().map(|&i| {
            let e = tg[i];
            NewEvent {
                ts: e.ts,
                sender: e.sender,
                kind: e.kind,
                text: tg.text(&e),
                line: e.line,
                flags: e.flags,
            }
        }))
        .unwrap();
        let user = whole.people[0].clone();
        let partner = whole.people[1].clone();
        let wa_chat = ParsedChat {
            source: Some(Source::WhatsApp),
            people: vec![user.clone(), partner.clone()],
            events: wa,
            exported_at: Some(as_of),
            ..ParsedChat::default()
        };
        let tg_chat = ParsedChat {
            source: Some(Source::Telegram),
            people: vec![format!("{partner} T"), format!("{user} T")],
            events: tg,
            exported_at: Some(as_of),
            handles: vec!["user42".into(), "user1".into()],
            ..ParsedChat::default()
        };

        let mut store = Store::open_in_memory().unwrap();
        let a = store
            .import(
                &meta("whatsapp"),
                &Parsed {
                    chats: vec![wa_chat],
                    ..Parsed::default()
                },
            )
            .unwrap();
        let b = store
            .import(
                &meta("telegram"),
                &Parsed {
                    chats: vec![tg_chat],
                    ..Parsed::default()
                },
            )
            .unwrap();
        store.set_me(&a.chats[0].chat_id, &user).unwrap();
        store
            .set_me(&b.chats[0].chat_id, &format!("{user} T"))
            .unwrap();
        let person = store.find_people(&partner).unwrap().remove(0);
        store
            .link(
                &person.id,
                &[Handle {
                    source: Source::Telegram,
                    handle: "user42".into(),
                }],
            )
            .unwrap();

        let chats = store.person_chats(&person.id).unwrap();
        assert_eq!(chats.len(), 2);
        let loaded: Vec<_> = chats
            .iter()
            .map(|c| store.load_chat(&c.info.id).unwrap())
            .collect();
        let parts: Vec<Part<'_>> = chats
            .iter()
            .zip(&loaded)
            .map(|(c, l)| Part {
                source: c.handle.source,
                events: &l.events,
                me: c.me,
                partner: c.partner,
                data_end: c.info.data_end,
            })
            .collect();
        let merged = merge(&parts).unwrap();
        assert_eq!(merged.duplicates, copies, "seed {seed}");
        assert!(copies > 0);

        let cfg = Config::new(0, Some(1), as_of);
        let expected = analyze_full(&whole.events, &whole.people, &cfg, &[]).unwrap();
        let mut cfg = cfg;
        cfg.coverage_gaps = coverage_gaps(&merged.sources, as_of)
            .iter()
            .map(|g| (g.start, g.end))
            .collect();
        let got = analyze_full(&merged.events, &whole.people, &cfg, &[]).unwrap();
        assert_eq!(figures(&got), figures(&expected), "seed {seed}");
        assert_eq!(merged.events.len(), whole.events.len(), "seed {seed}");
        // The second app starts later than the first: the silences before it are possibly
        // missing data, and nothing else is.
        assert!(got.silences_in_gaps > 0);
        assert!(
            got.silences
                .iter()
                .all(|s| s.start < merged.sources[1].first.unwrap_or(0)
                    || s.outcome != walkaway_analysis::survival::SilenceEnd::MissingData)
        );
    }
}
