//! Writes a large synthetic Telegram, Messenger or Discord export, to measure the streaming
//! readers.
//!
//! `cargo run --release -p walkaway-import --example gen_json -- telegram|messenger|discord N
//! OUT` writes N records between two people (deterministic: the same N gives the same bytes):
//! Telegram Desktop's current schema (`result.json`, one personal chat, with entity texts,
//! photos, voice notes, calls and service entries), one Messenger `message_1.json` (newest
//! first, with mojibake, reactions, calls, shares and photos), or one DiscordChatExporter
//! direct-message channel (its JSON as DiscordChatExporter 2.4x writes it: every key of a
//! message, snowflake ids, replies, attachments, stickers, reactions with their users, calls).
//! Then `/usr/bin/time -v target/release/examples/parse OUT` reads it the way the product does.
//! The counts it prints on stderr are the truth to check another reader against.

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

/// A Discord snowflake for an instant in milliseconds (Discord's epoch is 2015-01-01).
fn snowflake(ms: u64, seq: u64) -> u64 {
    ((ms - 1_420_070_400_000) << 22) | (seq & 0xfff)
}

fn discord_time(ms: u64) -> String {
    jiff::Timestamp::from_millisecond(ms as i64)
        .map(|ts| ts.strftime("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string())
        .unwrap_or_default()
}

/// What [`discord`] wrote: the truth a reader's counts are checked against.
#[derive(Default)]
struct Counts {
    messages: u64,
    calls: u64,
    system: u64,
}

fn discord(n: u64, w: &mut impl Write) -> std::io::Result<Counts> {
    let mut rng = Rng(42);
    let people = [
        ("310000000000000001", "alexkim", "Alex Kim", "1"),
        ("310000000000000002", "sam.park", "Sam Park", "2"),
    ];
    let author = |p: &(&str, &str, &str, &str)| {
        format!(
            "{{\n        \"id\": \"{}\",\n        \"name\": \"{}\",\n        \"discriminator\": \"0000\",\n        \"nickname\": \"{}\",\n        \"color\": null,\n        \"isBot\": false,\n        \"roles\": [],\n        \"avatarUrl\": \"https://cdn.discordapp.com/embed/avatars/{}.png\"\n      }}",
            p.0, p.1, p.2, p.3
        )
    };
    let authors = [author(&people[0]), author(&people[1])];
    let start: u64 = 1_600_000_000_000;
    let channel = snowflake(start - 86_400_000, 0);
    writeln!(
        w,
        "{{\n  \"guild\": {{\n    \"id\": \"0\",\n    \"name\": \"Direct Messages\",\n    \"iconUrl\": \"https://cdn.discordapp.com/embed/avatars/0.png\"\n  }},\n  \"channel\": {{\n    \"id\": \"{channel}\",\n    \"type\": \"DirectTextChat\",\n    \"categoryId\": \"0\",\n    \"category\": \"Private\",\n    \"name\": \"sam.park\",\n    \"topic\": null\n  }},\n  \"dateRange\": {{\n    \"after\": null,\n    \"before\": null\n  }},\n  \"exportedAt\": \"2030-01-01T00:00:00.000+00:00\",\n  \"messages\": ["
    )?;
    let mut counts = Counts::default();
    let mut t = start;
    let mut last_id = 0u64;
    for i in 0..n {
        t += 1000 * (1 + rng.below(600)) + rng.below(1000);
        let who = rng.below(2) as usize;
        let id = snowflake(t, i);
        let sep = if i + 1 == n { "" } else { "," };
        let kind = rng.below(200);
        let (typ, content, ended) = if kind == 0 {
            counts.calls += 1;
            let mins = rng.below(30);
            let ended = if mins == 0 {
                "null".to_owned()
            } else {
                format!("\"{}\"", discord_time(t + mins * 60_000))
            };
            (
                "Call",
                format!("Started a call that lasted {mins} minutes."),
                ended,
            )
        } else if kind == 1 {
            counts.system += 1;
            (
                "ChannelPinnedMessage",
                "Pinned a message.".to_owned(),
                "null".to_owned(),
            )
        } else {
            counts.messages += 1;
            let typ = if kind < 12 && last_id != 0 {
                "Reply"
            } else {
                "Default"
            };
            (typ, sentence(&mut rng), "null".to_owned())
        };
        let edited = if rng.below(50) == 0 {
            format!("\"{}\"", discord_time(t + 30_000))
        } else {
            "null".to_owned()
        };
        let attachments = if typ == "Default" && rng.below(20) == 0 {
            format!(
                "[\n        {{\n          \"id\": \"{}\",\n          \"url\": \"https://cdn.discordapp.com/attachments/{channel}/{}/IMG_{i}.jpg\",\n          \"fileName\": \"IMG_{i}.jpg\",\n          \"fileSizeBytes\": {}\n        }}\n      ]",
                id + 1,
                id + 1,
                10_000 + rng.below(2_000_000)
            )
        } else {
            "[]".to_owned()
        };
        let stickers = if typ == "Default" && rng.below(100) == 0 {
            "[\n        {\n          \"id\": \"749054660769218631\",\n          \"name\": \"Wave\",\n          \"format\": \"Lottie\",\n          \"sourceUrl\": \"https://cdn.discordapp.com/stickers/749054660769218631.json\"\n        }\n      ]"
        } else {
            "[]"
        };
        let reactions = if typ != "Call" && rng.below(25) == 0 {
            let other = &people[1 - who];
            format!(
                "[\n        {{\n          \"emoji\": {{\n            \"id\": \"\",\n            \"name\": \"❤️\",\n            \"code\": \"heart\",\n            \"isAnimated\": false,\n            \"imageUrl\": \"https://cdn.jsdelivr.net/gh/twitter/twemoji@latest/assets/svg/2764.svg\"\n          }},\n          \"count\": 1,\n          \"users\": [\n            {{\n              \"id\": \"{}\",\n              \"name\": \"{}\",\n              \"discriminator\": \"0000\",\n              \"nickname\": \"{}\",\n              \"isBot\": false,\n              \"avatarUrl\": \"https://cdn.discordapp.com/embed/avatars/{}.png\"\n            }}\n          ]\n        }}\n      ]",
                other.0, other.1, other.2, other.3
            )
        } else {
            "[]".to_owned()
        };
        let reference = if typ == "Reply" {
            format!(
                ",\n      \"reference\": {{\n        \"messageId\": \"{last_id}\",\n        \"channelId\": \"{channel}\",\n        \"guildId\": null\n      }}"
            )
        } else {
            String::new()
        };
        writeln!(
            w,
            "    {{\n      \"id\": \"{id}\",\n      \"type\": \"{typ}\",\n      \"timestamp\": \"{}\",\n      \"timestampEdited\": {edited},\n      \"callEndedTimestamp\": {ended},\n      \"isPinned\": false,\n      \"content\": \"{content}\",\n      \"author\": {},\n      \"attachments\": {attachments},\n      \"embeds\": [],\n      \"stickers\": {stickers},\n      \"reactions\": {reactions},\n      \"mentions\": [],\n      \"inlineEmojis\": []{reference}\n    }}{sep}",
            discord_time(t),
            authors[who]
        )?;
        last_id = id;
    }
    writeln!(w, "  ],\n  \"messageCount\": {n}\n}}")?;
    Ok(counts)
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(kind), Some(n), Some(out)) = (
        args.first(),
        args.get(1).and_then(|n| n.parse::<u64>().ok()),
        args.get(2),
    ) else {
        eprintln!("usage: gen_json telegram|messenger|discord N OUT");
        std::process::exit(2);
    };
    let mut w = BufWriter::new(std::fs::File::create(out)?);
    match kind.as_str() {
        "telegram" => telegram(n, &mut w)?,
        "messenger" => messenger(n, &mut w)?,
        "discord" => {
            let c = discord(n, &mut w)?;
            eprintln!(
                "{} records: {} messages, {} calls, {} system entries",
                n, c.messages, c.calls, c.system
            );
        }
        _ => {
            eprintln!("usage: gen_json telegram|messenger|discord N OUT");
            std::process::exit(2);
        }
    }
    w.flush()
}
