//! Writes a large synthetic export of the formats `gen_json` and `gen_xml` do not cover, to
//! measure their readers' throughput.
//!
//! `cargo run --release -p walkaway-import --example gen_other -- KIND N OUT` writes N records
//! between two people (deterministic), KIND one of:
//!
//! - `line`: a LINE chat history (`[LINE] Chat history with …`, day lines, tab-separated
//!   messages, quoted multi-line messages, stickers, photos, calls), CRLF as the app writes;
//! - `csv`: walkaway's documented generic CSV (`timestamp,sender,text,is_me,kind`);
//! - `signal`: a signal-export `chat.md` (bracketed ISO headers, replies, reactions, media);
//! - `hangouts`: a Google Takeout `Hangouts.json` with one conversation;
//! - `imessage`: a macOS Messages `chat.db` (the modern schema's tables and columns the reader
//!   uses; texts in `text`, nanosecond dates since 2001).
//!
//! It prints the number of messages and calls it wrote (the truth to check a reader against).

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

const PEOPLE: [&str; 2] = ["Alex Kim", "Sam Park"];

/// Instants: a message every 1 to 600 seconds from September 2020, in milliseconds.
struct Clock(i64);

impl Clock {
    fn tick(&mut self, rng: &mut Rng) -> jiff::Timestamp {
        self.0 += 1000 * (1 + rng.below(600) as i64);
        jiff::Timestamp::from_millisecond(self.0).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }
}

#[derive(Default)]
struct Counts {
    messages: u64,
    calls: u64,
}

fn line(n: u64, w: &mut impl Write) -> std::io::Result<Counts> {
    let mut rng = Rng(42);
    let mut clock = Clock(1_600_000_000_000);
    let mut c = Counts::default();
    write!(
        w,
        "\u{feff}[LINE] Chat history with Sam Park\r\nSaved on: 2030/01/01 10:00\r\n\r\n"
    )?;
    let mut day = String::new();
    for _ in 0..n {
        let t = clock.tick(&mut rng);
        let d = t.strftime("%Y/%m/%d %a").to_string();
        if d != day {
            write!(w, "\r\n{d}\r\n")?;
            day = d;
        }
        let who = PEOPLE[rng.below(2) as usize];
        let hm = t.strftime("%H:%M");
        let body = match rng.below(40) {
            0 => {
                c.calls += 1;
                "☎ Call time 1:15".to_owned()
            }
            1 => "[Photo]".to_owned(),
            2 => "[Sticker]".to_owned(),
            3 => format!("\"{}\r\n{}\"", sentence(&mut rng), sentence(&mut rng)),
            _ => sentence(&mut rng),
        };
        if !body.starts_with('☎') {
            c.messages += 1;
        }
        write!(w, "{hm}\t{who}\t{body}\r\n")?;
    }
    Ok(c)
}

fn csv(n: u64, w: &mut impl Write) -> std::io::Result<Counts> {
    let mut rng = Rng(42);
    let mut clock = Clock(1_600_000_000_000);
    let mut c = Counts::default();
    writeln!(w, "timestamp,sender,text,is_me,kind")?;
    for _ in 0..n {
        let t = clock
            .tick(&mut rng)
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        let me = rng.below(2) == 0;
        let who = if me { "Me" } else { "Sam Park" };
        match rng.below(40) {
            0 => {
                c.calls += 1;
                writeln!(w, "{t},{who},,{me},missed_call")?;
            }
            1 => {
                c.messages += 1;
                writeln!(w, "{t},{who},,{me},media")?;
            }
            2 => {
                c.messages += 1;
                writeln!(
                    w,
                    "{t},{who},\"{}, \"\"quoted\"\"\",{me},",
                    sentence(&mut rng)
                )?;
            }
            _ => {
                c.messages += 1;
                writeln!(w, "{t},{who},{},{me},", sentence(&mut rng))?;
            }
        }
    }
    Ok(c)
}

fn signal(n: u64, w: &mut impl Write) -> std::io::Result<Counts> {
    let mut rng = Rng(42);
    let mut clock = Clock(1_600_000_000_000);
    let mut c = Counts::default();
    for _ in 0..n {
        let t = clock
            .tick(&mut rng)
            .strftime("%Y-%m-%d %H:%M:%S")
            .to_string();
        let who = if rng.below(2) == 0 { "Me" } else { "Sam" };
        let body = match rng.below(40) {
            0 => {
                c.calls += 1;
                "Incoming voice call (accepted, 5m 3s)".to_owned()
            }
            1 => format!(
                "![IMG_1.jpg](./media/{}_00_IMG_1.jpg)",
                t.replace([' ', ':'], "-")
            ),
            2 => format!("\n\n> {}\n\n{}", sentence(&mut rng), sentence(&mut rng)),
            3 => format!("{}  \n(- Me: 👍 -)", sentence(&mut rng)),
            _ => sentence(&mut rng),
        };
        if !body.starts_with("Incoming") {
            c.messages += 1;
        }
        writeln!(w, "[{t}] {who}: {body}  ")?;
    }
    Ok(c)
}

fn hangouts(n: u64, w: &mut impl Write) -> std::io::Result<Counts> {
    let mut rng = Rng(42);
    let mut clock = Clock(1_600_000_000_000);
    let mut c = Counts::default();
    write!(
        w,
        "{{\n  \"conversations\": [\n    {{\n      \"conversation\": {{\n        \"conversation_id\": {{\"id\": \"c1\"}},\n        \"conversation\": {{\n          \"id\": {{\"id\": \"c1\"}},\n          \"type\": \"STICKY_ONE_TO_ONE\",\n          \"self_conversation_state\": {{\"self_read_state\": {{\"participant_id\": {{\"gaia_id\": \"1\", \"chat_id\": \"1\"}}}}}},\n          \"participant_data\": [\n            {{\"id\": {{\"gaia_id\": \"2\", \"chat_id\": \"2\"}}, \"fallback_name\": \"Sam Park\"}},\n            {{\"id\": {{\"gaia_id\": \"1\", \"chat_id\": \"1\"}}, \"fallback_name\": \"Alex Kim\"}}\n          ]\n        }}\n      }},\n      \"events\": [\n"
    )?;
    for i in 0..n {
        let t = clock.tick(&mut rng).as_microsecond();
        let who = 1 + rng.below(2);
        let sep = if i + 1 == n { "" } else { "," };
        let head = format!(
            "        {{\n          \"conversation_id\": {{\"id\": \"c1\"}},\n          \"sender_id\": {{\"gaia_id\": \"{who}\", \"chat_id\": \"{who}\"}},\n          \"timestamp\": \"{t}\",\n          \"event_id\": \"e{i}\",\n"
        );
        let body = match rng.below(40) {
            0 => {
                c.calls += 1;
                "          \"event_type\": \"HANGOUT_EVENT\",\n          \"hangout_event\": {\"event_type\": \"END_HANGOUT\", \"hangout_duration_secs\": \"75\"}\n".to_owned()
            }
            1 => {
                c.messages += 1;
                "          \"event_type\": \"REGULAR_CHAT_MESSAGE\",\n          \"chat_message\": {\"message_content\": {\"attachment\": [{\"embed_item\": {\"type\": [\"PLUS_PHOTO\"]}}]}}\n".to_owned()
            }
            _ => {
                c.messages += 1;
                format!(
                    "          \"event_type\": \"REGULAR_CHAT_MESSAGE\",\n          \"chat_message\": {{\"message_content\": {{\"segment\": [{{\"type\": \"TEXT\", \"text\": \"{}\"}}]}}}}\n",
                    sentence(&mut rng)
                )
            }
        };
        writeln!(w, "{head}{body}        }}{sep}")?;
    }
    write!(w, "      ]\n    }}\n  ]\n}}\n")?;
    Ok(c)
}

#[cfg(feature = "imessage")]
fn imessage(n: u64, out: &str) -> Result<Counts, Box<dyn std::error::Error>> {
    let _ = std::fs::remove_file(out);
    let mut db = rusqlite::Connection::open(out)?;
    db.execute_batch(
        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT);
         CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT, style INTEGER, chat_identifier TEXT, service_name TEXT, display_name TEXT);
         CREATE TABLE chat_handle_join (chat_id INTEGER, handle_id INTEGER);
         CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER, message_date INTEGER DEFAULT 0);
         CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT, text TEXT, handle_id INTEGER DEFAULT 0,
            attributedBody BLOB, service TEXT, account TEXT, date INTEGER, is_from_me INTEGER DEFAULT 0,
            is_system_message INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, is_audio_message INTEGER DEFAULT 0,
            item_type INTEGER DEFAULT 0, associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0,
            message_summary_info BLOB, destination_caller_id TEXT, date_retracted INTEGER DEFAULT 0, date_edited INTEGER DEFAULT 0);
         CREATE INDEX chat_message_join_idx ON chat_message_join (chat_id);
         INSERT INTO handle (ROWID, id, service) VALUES (1, '+15550001111', 'iMessage');
         INSERT INTO chat (ROWID, style, chat_identifier, service_name, display_name) VALUES (1, 45, '+15550001111', 'iMessage', '');
         INSERT INTO chat_handle_join VALUES (1, 1);",
    )?;
    let mut rng = Rng(42);
    let mut clock = Clock(1_600_000_000_000);
    let mut c = Counts::default();
    // Seconds between 1970 and 2001, the epoch of Apple's dates.
    const APPLE: i64 = 978_307_200;
    let tx = db.transaction()?;
    {
        let mut msg = tx.prepare(
            "INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me, cache_has_attachments) VALUES (?1, ?2, ?3, 1, 'iMessage', ?4, ?5, ?6)",
        )?;
        let mut join = tx.prepare(
            "INSERT INTO chat_message_join (chat_id, message_id, message_date) VALUES (1, ?1, ?2)",
        )?;
        for i in 0..n as i64 {
            let ms = clock.tick(&mut rng).as_millisecond();
            let date = (ms - APPLE * 1000) * 1_000_000;
            let me = rng.below(2) as i64;
            let (text, attach) = if rng.below(20) == 0 {
                (Some("\u{fffc}".to_owned()), 1)
            } else {
                (Some(sentence(&mut rng)), 0)
            };
            c.messages += 1;
            msg.execute(rusqlite::params![
                i + 1,
                format!("G{i}"),
                text,
                date,
                me,
                attach
            ])?;
            join.execute(rusqlite::params![i + 1, date])?;
        }
    }
    tx.commit()?;
    Ok(c)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: gen_other line|csv|signal|hangouts|imessage N OUT";
    let (Some(kind), Some(n), Some(out)) = (
        args.first(),
        args.get(1).and_then(|n| n.parse::<u64>().ok()),
        args.get(2),
    ) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let counts = if kind == "imessage" {
        #[cfg(feature = "imessage")]
        {
            imessage(n, out)?
        }
        #[cfg(not(feature = "imessage"))]
        {
            eprintln!("built without the imessage feature");
            std::process::exit(2);
        }
    } else {
        let mut w = BufWriter::new(std::fs::File::create(out)?);
        let c = match kind.as_str() {
            "line" => line(n, &mut w)?,
            "csv" => csv(n, &mut w)?,
            "signal" => signal(n, &mut w)?,
            "hangouts" => hangouts(n, &mut w)?,
            _ => {
                eprintln!("{usage}");
                std::process::exit(2);
            }
        };
        w.flush()?;
        c
    };
    eprintln!(
        "{n} records: {} messages, {} calls",
        counts.messages, counts.calls
    );
    Ok(())
}
