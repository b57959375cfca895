//! Writes a large synthetic Telegram or Messenger export, to measure the streaming readers.
//!
//! `cargo run --release -p walkaway-import --example gen_json -- telegram|messenger N OUT`
//! writes N messages between two people (deterministic: the same N gives the same bytes):
//! Telegram Desktop's current schema (`result.json`, one personal chat, with entity texts,
//! photos, voice notes, calls and service entries), or one Messenger `message_1.json`
//! (newest first, with mojibake, reactions, calls, shares and photos). Then:
//! `/usr/bin/time -v target/release/examples/parse OUT` reads it the way the product does.

use std::io::{BufWriter, Write};

/// Deterministic SplitMix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: [&str; 16] = [
    "ok", "see", "you", "tomorrow", "what", "about", "dinner", "haha", "yes", "maybe", "later",
    "tonight", "café", "sounds", "good", "😂",
];

fn sentence(rng: &mut Rng) -> String {
    let n = 2 + rng.below(10);
    (0..n)
        .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize])
        .collect::<Vec<_>>()
        .join(" ")
}

/// Meta's mojibake: each UTF-8 byte written as one `\u00XX` escape.
fn mojibake(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii() {
            out.push(b as char);
        } else {
            out.push_str(&format!("\\u00{b:02x}"));
        }
    }
    out
}

fn telegram(n: u64, w: &mut impl Write) -> std::io::Result<()> {
    let mut rng = Rng(42);
    writeln!(
        w,
        "{{\n \"name\": \"Sam Park\",\n \"type\": \"personal_chat\",\n \"id\": 4242,\n \"messages\": ["
    )?;
    let mut t: u64 = 1_600_000_000;
    for i in 0..n {
        t += 1 + rng.below(600);
        let (from, id) = if rng.below(2) == 0 {
            ("Alex Kim", "user1111")
        } else {
            ("Sam Park", "user4242")
        };
        let sep = if i + 1 == n { "" } else { "," };
        let date = jiff::Timestamp::from_second(t as i64)
            .map(|ts| ts.strftime("%Y-%m-%dT%H:%M:%S").to_string())
            .unwrap_or_default();
        let head = format!(
            "  {{\n   \"id\": {},\n   \"type\": \"{}\",\n   \"date\": \"{date}\",\n   \"date_unixtime\": \"{t}\",\n",
            i + 1,
            if rng.below(200) == 0 {
                "service"
            } else {
                "message"
            }
        );
        if head.contains("\"service\"") {
            writeln!(
                w,
                "{head}   \"actor\": \"{from}\",\n   \"actor_id\": \"{id}\",\n   \"action\": \"phone_call\",\n   \"duration_seconds\": {},\n   \"discard_reason\": \"hangup\",\n   \"text\": \"\",\n   \"text_entities\": []\n  }}{sep}",
                rng.below(600)
            )?;
            continue;
        }
        let text = sentence(&mut rng);
        let body = match rng.below(20) {
            0 => "   \"photo\": \"(File not included. Change data exporting settings to download.)\",\n   \"width\": 960,\n   \"height\": 1280,\n   \"text\": \"\",\n   \"text_entities\": []\n".to_owned(),
            1 => "   \"file\": \"voice_messages/audio_1.ogg\",\n   \"media_type\": \"voice_message\",\n   \"mime_type\": \"audio/ogg\",\n   \"duration_seconds\": 4,\n   \"text\": \"\",\n   \"text_entities\": []\n".to_owned(),
            2 => format!(
                "   \"text\": [\n    \"{text} \",\n    {{\n     \"type\": \"link\",\n     \"text\": \"https://example.org/{i}\"\n    }}\n   ],\n   \"text_entities\": [\n    {{\n     \"type\": \"plain\",\n     \"text\": \"{text} \"\n    }},\n    {{\n     \"type\": \"link\",\n     \"text\": \"https://example.org/{i}\"\n    }}\n   ]\n"
            ),
            _ => format!(
                "   \"text\": \"{text}\",\n   \"text_entities\": [\n    {{\n     \"type\": \"plain\",\n     \"text\": \"{text}\"\n    }}\n   ]\n"
            ),
        };
        writeln!(
            w,
            "{head}   \"from\": \"{from}\",\n   \"from_id\": \"{id}\",\n{body}  }}{sep}"
        )?;
    }
    writeln!(w, " ]\n}}")
}

fn messenger(n: u64, w: &mut impl Write) -> std::io::Result<()> {
    let mut rng = Rng(42);
    let zoe = mojibake("Zoë Martin");
    writeln!(
        w,
        "{{\n  \"participants\": [\n    {{\n      \"name\": \"{zoe}\"\n    }},\n    {{\n      \"name\": \"Alex Kim\"\n    }}\n  ],\n  \"messages\": ["
    )?;
    // Newest first, as Meta writes.
    let mut t: u64 = 1_700_000_000_000;
    for i in 0..n {
        t -= 1000 * (1 + rng.below(600));
        let from = if rng.below(2) == 0 {
            zoe.as_str()
        } else {
            "Alex Kim"
        };
        let sep = if i + 1 == n { "" } else { "," };
        let body = match rng.below(20) {
            0 => "      \"photos\": [\n        {\n          \"uri\": \"messages/inbox/zoemartin_1/photos/1.jpg\",\n          \"creation_timestamp\": 1600000000\n        }\n      ],\n      \"is_geoblocked_for_viewer\": false\n".to_owned(),
            1 => format!("      \"content\": \"{}\",\n      \"call_duration\": {},\n      \"is_geoblocked_for_viewer\": false\n", "Zo\\u00c3\\u00ab called you.", rng.below(900)),
            2 => format!(
                "      \"content\": \"{}\",\n      \"reactions\": [\n        {{\n          \"reaction\": \"\\u00e2\\u009d\\u00a4\",\n          \"actor\": \"Alex Kim\"\n        }}\n      ],\n      \"is_geoblocked_for_viewer\": false\n",
                mojibake(&sentence(&mut rng))
            ),
            3 => "      \"content\": \"You sent an attachment.\",\n      \"share\": {\n        \"link\": \"https://example.org/\"\n      },\n      \"is_geoblocked_for_viewer\": false\n".to_owned(),
            _ => format!(
                "      \"content\": \"{}\",\n      \"is_geoblocked_for_viewer\": false\n",
                mojibake(&sentence(&mut rng))
            ),
        };
        writeln!(
            w,
            "    {{\n      \"sender_name\": \"{from}\",\n      \"timestamp_ms\": {t},\n{body}    }}{sep}"
        )?;
    }
    writeln!(
        w,
        "  ],\n  \"title\": \"{zoe}\",\n  \"is_still_participant\": true,\n  \"thread_path\": \"inbox/zoemartin_1\",\n  \"magic_words\": []\n}}"
    )
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(kind), Some(n), Some(out)) = (
        args.first(),
        args.get(1).and_then(|n| n.parse::<u64>().ok()),
        args.get(2),
    ) else {
        eprintln!("usage: gen_json telegram|messenger N OUT");
        std::process::exit(2);
    };
    let mut w = BufWriter::new(std::fs::File::create(out)?);
    match kind.as_str() {
        "telegram" => telegram(n, &mut w)?,
        "messenger" => messenger(n, &mut w)?,
        _ => {
            eprintln!("usage: gen_json telegram|messenger N OUT");
            std::process::exit(2);
        }
    }
    w.flush()
}
