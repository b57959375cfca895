//! Writes a large synthetic SMS Backup & Restore file, to measure the streaming reader.
//!
//! `cargo run --release -p walkaway-import --example gen_xml -- sms|calls N OUT [--mms-kb K]`
//! writes N rows (deterministic: the same arguments give the same bytes). `sms`: text
//! messages between the user and 40 contacts, numbers written in several ways, bodies with
//! entities, line breaks and emoji as surrogate references (as the app writes them), one row
//! in 500 repeated (a duplicate), and one in 100 an MMS with a K KiB base64 image (default 32)
//! and a text part, one in 300 a group MMS. `calls`: a call log of N calls of every type.
//! Then: `/usr/bin/time -v target/release/examples/parse OUT --tz UTC`.

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

const WORDS: [&str; 18] = [
    "ok",
    "see",
    "you",
    "tomorrow",
    "what",
    "about",
    "dinner",
    "haha",
    "yes",
    "maybe",
    "later",
    "tonight",
    "café",
    "&amp;",
    "&quot;sure&quot;",
    "&#55357;&#56834;",
    "&#10;",
    "good",
];

fn body(rng: &mut Rng) -> String {
    let n = 2 + rng.below(12);
    (0..n)
        .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize])
        .collect::<Vec<_>>()
        .join(" ")
}

/// Contact `i`'s number, written one of three ways.
fn number(i: u64, style: u64) -> String {
    let n = 5_550_000_000u64 + i * 7919;
    match style % 3 {
        0 => format!("+1{n}"),
        1 => format!(
            "+1 {}-{:03}-{:04}",
            n / 10_000_000,
            n / 10_000 % 1000,
            n % 10_000
        ),
        _ => format!("001{n}"),
    }
}

fn sms(n: u64, mms_kb: usize, w: &mut impl Write) -> std::io::Result<()> {
    let mut rng = Rng(7);
    writeln!(
        w,
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<!--File Created By SMS Backup & Restore v10.20.002 on 01/02/2024 10:00:00-->\n<?xml-stylesheet type=\"text/xsl\" href=\"sms.xsl\"?>\n<smses count=\"{n}\" backup_set=\"4b1d\" backup_date=\"1706781600000\" type=\"full\">"
    )?;
    // Deterministic base64-looking attachment.
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let data: String = (0..mms_kb * 1024)
        .map(|i| alphabet[(i * 31 + i / 7) % 64] as char)
        .collect();
    let mut ts: u64 = 1_500_000_000_000;
    let mut last = String::new();
    for i in 0..n {
        ts += 1 + rng.below(600_000);
        let who = rng.below(40);
        let address = number(who, rng.next());
        let kind = 1 + rng.below(2);
        if i % 500 == 499 && !last.is_empty() {
            w.write_all(last.as_bytes())?;
            continue;
        }
        let row = if i % 300 == 150 {
            let other = (who + 1) % 40;
            let (a, b) = (number(who, 0), number(other, 0));
            format!(
                "  <mms date=\"{ts}\" msg_box=\"{kind}\" address=\"{a}~{b}\" m_type=\"{}\" contact_name=\"Contact {who}, Contact {other}\" text_only=\"1\">\n    <parts>\n      <part seq=\"0\" ct=\"text/plain\" name=\"text_0.txt\" chset=\"106\" text=\"{}\" />\n    </parts>\n    <addrs>\n      <addr address=\"{}\" type=\"137\" charset=\"106\" />\n      <addr address=\"{b}\" type=\"151\" charset=\"106\" />\n    </addrs>\n  </mms>\n",
                if kind == 1 { 132 } else { 128 },
                body(&mut rng),
                if kind == 1 {
                    a.clone()
                } else {
                    "insert-address-token".to_owned()
                },
            )
        } else if i % 100 == 50 {
            format!(
                "  <mms date=\"{ts}\" msg_box=\"{kind}\" address=\"{address}\" m_type=\"132\" contact_name=\"Contact {who}\" text_only=\"0\">\n    <parts>\n      <part seq=\"-1\" ct=\"application/smil\" name=\"null\" text=\"&lt;smil&gt;&lt;/smil&gt;\" />\n      <part seq=\"0\" ct=\"image/jpeg\" name=\"IMG_{i}.jpg\" cl=\"IMG_{i}.jpg\" data=\"{data}\" />\n      <part seq=\"1\" ct=\"text/plain\" name=\"text_0.txt\" text=\"{}\" />\n    </parts>\n    <addrs>\n      <addr address=\"{address}\" type=\"137\" charset=\"106\" />\n    </addrs>\n  </mms>\n",
                body(&mut rng),
            )
        } else {
            format!(
                "  <sms protocol=\"0\" address=\"{address}\" date=\"{ts}\" type=\"{kind}\" subject=\"null\" body=\"{}\" toa=\"null\" sc_toa=\"null\" service_center=\"null\" read=\"1\" status=\"-1\" locked=\"0\" date_sent=\"0\" sub_id=\"1\" readable_date=\"Jan 1, 2024 10:00:00\" contact_name=\"Contact {who}\" />\n",
                body(&mut rng)
            )
        };
        w.write_all(row.as_bytes())?;
        last = row;
    }
    writeln!(w, "</smses>")
}

fn calls(n: u64, w: &mut impl Write) -> std::io::Result<()> {
    let mut rng = Rng(11);
    writeln!(
        w,
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count=\"{n}\" backup_set=\"4b1d\" backup_date=\"1706781600000\" type=\"full\">"
    )?;
    let mut ts: u64 = 1_500_000_000_000;
    for _ in 0..n {
        ts += 1 + rng.below(3_600_000);
        let who = rng.below(40);
        let kind = [1, 1, 2, 2, 3, 5, 6][rng.below(7) as usize];
        let duration = if kind <= 2 { rng.below(900) } else { 0 };
        writeln!(
            w,
            "  <call number=\"{}\" duration=\"{duration}\" date=\"{ts}\" type=\"{kind}\" presentation=\"1\" subscription_id=\"1\" post_dial_digits=\"\" subscription_component_name=\"x\" readable_date=\"Jan 1, 2024 10:00:00\" contact_name=\"Contact {who}\" />",
            number(who, rng.next())
        )?;
    }
    writeln!(w, "</calls>")
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(what), Some(n), Some(out)) = (
        args.first(),
        args.get(1).and_then(|n| n.parse::<u64>().ok()),
        args.get(2),
    ) else {
        eprintln!("usage: gen_xml sms|calls N OUT [--mms-kb K]");
        std::process::exit(2);
    };
    let mms_kb = args
        .iter()
        .position(|a| a == "--mms-kb")
        .and_then(|i| args.get(i + 1))
        .and_then(|k| k.parse().ok())
        .unwrap_or(32);
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    match what.as_str() {
        "sms" => sms(n, mms_kb, &mut w)?,
        "calls" => calls(n, &mut w)?,
        _ => {
            eprintln!("usage: gen_xml sms|calls N OUT [--mms-kb K]");
            std::process::exit(2);
        }
    }
    w.flush()
}
