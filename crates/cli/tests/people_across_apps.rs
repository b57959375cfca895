//! One relationship spread over three apps, end to end through the `walkaway` binary: a
//! simulated history (walkaway-sim) whose first months are on WhatsApp, the middle ones in
//! Instagram direct messages and the last ones by SMS, with the phone's call log holding every
//! call. Each export is written as its app writes it (`walkaway_sim::formats`), with the
//! partner named as that app shows her: "Zoë Martin" in the phone's contacts (WhatsApp, SMS,
//! the call log, with her number), "Zoe Martin" on her Instagram profile.
//!
//! `import` each into one database; `people` suggests the WhatsApp name for the SMS number
//! (same display name) and not the Instagram one (another name); `link` joins the three;
//! `report PERSON --json` then gives the whole history's messages per person, conversations,
//! openers and reply times, and the call log's calls; `unlink` splits the person again.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use walkaway_analysis::Config;
use walkaway_analysis::full::{FullAnalysis, analyze_full};
use walkaway_model::{Events, Kind, Millis, NewEvent, ParsedChat};
use walkaway_sim::formats::{self, Format};
use walkaway_sim::presets;
use walkaway_sim::sim::{Scenario, generate};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("walkaway").unwrap();
        c.env("WALKAWAY_DB", self.dir.path().join("w.db"))
            .env("TZ", "UTC")
            .env("NO_COLOR", "1");
        c
    }
    fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }
}

const USER: &str = "Alex Kim";
const CONTACT: &str = "Zoë Martin";
const PROFILE: &str = "Zoe Martin";

/// The events of `chat` with `keep(event)`, its people renamed.
fn part(chat: &ParsedChat, people: [&str; 2], keep: impl Fn(Millis, Kind) -> bool) -> ParsedChat {
    let events = Events::try_from_iter(chat.events.iter_texts().filter_map(|(e, text)| {
        keep(e.ts, e.kind).then_some(NewEvent {
            ts: e.ts,
            sender: e.sender,
            kind: e.kind,
            text,
            line: e.line,
            flags: e.flags,
        })
    }))
    .unwrap();
    ParsedChat {
        people: people.iter().map(|p| (*p).to_owned()).collect(),
        events,
        ..chat.clone()
    }
}

/// The first message at least six hours after the one before it, from `from` on: a cut there
/// falls between conversations.
fn cut_after(chat: &ParsedChat, from: Millis) -> Millis {
    let msgs: Vec<Millis> = chat
        .events
        .iter()
        .filter(|e| e.kind.is_message())
        .map(|e| e.ts)
        .collect();
    msgs.windows(2)
        .find(|w| w[1] >= from && w[1] - w[0] >= 6 * 3_600_000)
        .map(|w| w[1])
        .unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The person whose handles include `handle` (`SOURCE:HANDLE`).
fn person_with<'v>(people: &'v Value, handle: &str) -> &'v Value {
    people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["handles"].as_array().unwrap().iter().any(|h| {
                format!(
                    "{}:{}",
                    h["source"].as_str().unwrap(),
                    h["handle"].as_str().unwrap()
                ) == handle
            })
        })
        .unwrap_or_else(|| panic!("no person with {handle}: {people:#}"))
}

#[test]
fn whatsapp_instagram_and_sms_with_calls_are_one_person() {
    let env = Env {
        dir: tempfile::tempdir().unwrap(),
    };
    let sim = generate(&presets::validation_params(7, Scenario::AsBefore));
    let whole = formats::with_seconds(&sim.chat);
    let as_of = sim.truth.as_of;
    let start = whole.events[0].ts;
    let third = (as_of - start) / 3;
    let (c1, c2) = (
        cut_after(&whole, start + third),
        cut_after(&whole, start + 2 * third),
    );
    let not_call = |k: Kind| !k.is_call();

    // WhatsApp (with its encryption notice), Instagram, SMS; every call in the phone's log.
    let wa = part(&whole, [USER, CONTACT], |t, k| t < c1 && not_call(k));
    let ig = part(&whole, [USER, PROFILE], |t, k| {
        (c1..c2).contains(&t) && not_call(k)
    });
    let sms = part(&whole, [USER, CONTACT], |t, k| t >= c2 || k.is_call());
    let out = env.dir.path();
    let write = |f: Format, chat: &ParsedChat| -> Vec<PathBuf> {
        let d = out.join(f.name());
        std::fs::create_dir_all(&d).unwrap();
        f.write(chat, as_of, &d).unwrap().paths
    };
    let wa_files = write(Format::WhatsApp, &wa);
    let ig_files = write(Format::Instagram, &ig);
    let sms_files = write(Format::Sms, &sms);
    assert_eq!(sms_files.len(), 2, "messages and call log");

    // The whole history as the three apps hold it.
    let held: Vec<ParsedChat> = vec![
        Format::WhatsApp.expected(&wa),
        Format::Instagram.expected(&ig),
        Format::Sms.expected(&sms),
    ];
    let mut all: Vec<(Millis, usize, usize)> = Vec::new();
    for (c, chat) in held.iter().enumerate() {
        for i in 0..chat.events.len() {
            all.push((chat.events[i].ts, c, i));
        }
    }
    all.sort();
    let events = Events::try_from_iter(all.iter().map(|&(_, c, i)| {
        let e = held[c].events[i];
        NewEvent {
            ts: e.ts,
            sender: e.sender,
            kind: e.kind,
            text: held[c].events.text(&e),
            line: e.line,
            flags: 0,
        }
    }))
    .unwrap();
    let people = vec![USER.to_owned(), CONTACT.to_owned()];
    let expected: FullAnalysis =
        analyze_full(&events, &people, &Config::new(0, Some(1), as_of), &[]).unwrap();
    assert!(expected.calls.by.iter().map(|c| c.placed).sum::<u64>() > 0);

    env.ok(&["import", path(&wa_files[0]), "--me", USER, "--tz", "UTC"]);
    env.ok(&["import", path(&ig_files[0])]);
    env.ok(&["import", path(&sms_files[0])]);
    env.ok(&["import", path(&sms_files[1])]);

    // The SMS number's person: the WhatsApp name is suggested (same display name), the
    // Instagram profile name is not (it is spelt without the diaeresis).
    let listed = env.json(&["people", "--json"]);
    let number = format!("sms:{}", formats::PARTNER_E164);
    let zoe = person_with(&listed, &number);
    assert_eq!(zoe["handles"].as_array().unwrap().len(), 1, "{zoe:#}");
    let suggestions = zoe["suggestions"].as_array().unwrap();
    let wa_handle = format!("whatsapp:{CONTACT}");
    let ig_handle = format!("instagram:{PROFILE}");
    let wa_s = suggestions
        .iter()
        .find(|s| {
            format!(
                "{}:{}",
                s["source"].as_str().unwrap(),
                s["handle"].as_str().unwrap()
            ) == wa_handle
        })
        .unwrap_or_else(|| panic!("{wa_handle} not suggested: {zoe:#}"));
    assert!(
        wa_s["why"]
            .as_str()
            .unwrap()
            .contains(&format!("same display name \"{CONTACT}\"")),
        "{wa_s}"
    );
    assert!(
        !suggestions.iter().any(|s| s["source"] == "instagram"),
        "{zoe:#}"
    );
    // Three people for her before linking, one per app; the user is not listed.
    person_with(&listed, &wa_handle);
    person_with(&listed, &ig_handle);
    assert_eq!(listed.as_array().unwrap().len(), 3, "{listed:#}");

    let id = zoe["id"].as_str().unwrap().to_owned();
    // The plain listing says the same, with the command to run (the handle quoted for a shell).
    let text = env.ok(&["people"]);
    assert!(
        text.contains(&format!(
            "suggested: {wa_handle} (same display name \"{CONTACT}\""
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("walkaway link {id} '{wa_handle}'")),
        "{text}"
    );
    let linked = env.ok(&["link", &id, &wa_handle, &ig_handle]);
    assert!(linked.contains("linked"), "{linked}");
    let listed = env.json(&["people", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed:#}");

    let r = env.json(&[
        "report",
        &id,
        "--json",
        "--tz",
        "UTC",
        "--as-of",
        "2026-10-31",
    ]);
    let sources: Vec<&str> = r["chat"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        ["whatsapp", "instagram", "sms"],
        "{:#}",
        r["sources"]
    );
    assert_eq!(r["coverage"]["duplicates"], 0);
    let (me, partner) = (r["me"].as_str().unwrap(), r["partner"].as_str().unwrap());
    let b = &expected.base;
    assert_eq!(r["messages"]["total"], b.messages.total);
    assert_eq!(r["messages"]["by"][me], b.messages.by[0]);
    assert_eq!(r["messages"]["by"][partner], b.messages.by[1]);
    assert_eq!(r["conversations"]["count"], b.conversations.count as u64);
    assert_eq!(
        r["conversations"]["opened_by"][me],
        b.conversations.opened_by[0]
    );
    assert_eq!(
        r["conversations"]["opened_by"][partner],
        b.conversations.opened_by[1]
    );
    for (p, name) in [me, partner].into_iter().enumerate() {
        let got = &r["replies"][name];
        let want = &b.replies[p].latency;
        assert_eq!(got["count"], want.count, "{name}");
        let median = got["median_seconds"].as_f64().unwrap();
        assert!(
            (median - want.median_ms.unwrap() / 1000.0).abs() < 1e-6,
            "{name}: {median} s"
        );
        let calls = &r["calls"]["by"][name];
        let want = expected.calls.by[p];
        assert_eq!(calls["placed"], want.placed, "{name}: {calls}");
        assert_eq!(calls["missed_or_declined"], want.missed, "{name}: {calls}");
        assert_eq!(calls["answered"], want.answered, "{name}: {calls}");
    }
    assert_eq!(r["calls"]["has_call_data"], true);

    // Unlinking Instagram: she is two people again, and her report has no Instagram.
    env.ok(&["unlink", &id, &ig_handle]);
    let listed = env.json(&["people", "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed:#}");
    assert_ne!(person_with(&listed, &ig_handle)["id"], id);
    let r = env.json(&[
        "report",
        &id,
        "--json",
        "--tz",
        "UTC",
        "--as-of",
        "2026-10-31",
    ]);
    assert_eq!(r["chat"]["sources"], serde_json::json!(["whatsapp", "sms"]));
    assert!(r["messages"]["total"].as_u64().unwrap() < b.messages.total);
    env.ok(&["unlink", &id, &wa_handle]);
    assert_eq!(env.json(&["people", "--json"]).as_array().unwrap().len(), 3);
}
