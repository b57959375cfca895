//! One simulated history written in every format walkaway reads, the way each app writes it.
//!
//! The round-trip tests (`tests/round_trip.rs`) write a known history with [`Format::write`],
//! import it through the product's own entry point and check that the analysis of what was
//! imported equals the analysis of [`Format::expected`]: the original history with exactly the
//! changes the format forces on it, each stated by [`Format::carry`] (a kind the app cannot
//! write is left out, one it writes as another kind is mapped) and [`Format::resolution`] (the
//! precision of its timestamps). Nothing else may change: not a message, an opener, a sender
//! or a text.
//!
//! Every writer follows docs/formats/ and docs/FORMAT-FACTS (e.g. Meta's Latin-1 mojibake,
//! SMS Backup & Restore's surrogate-pair character references, Telegram's `date_unixtime` and
//! `text_entities`), writes times in UTC, and takes a chat whose person 0 is the user and
//! person 1 the partner. The simulator generates text, media, voice, deleted messages, missed
//! calls and a system line; answered calls and reactions it never generates, so no writer
//! writes them ([`Carry::Not`]).

use std::io;
use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;
use walkaway_model::{Events, Kind, Millis, NewEvent, ParsedChat, Source};

pub mod csv;
pub mod discord;
pub mod googlechat;
#[cfg(feature = "imessage")]
pub mod imessage;
pub mod line;
pub mod meta;
pub mod signal;
pub mod sms;
pub mod telegram;

/// The partner's phone number, as the phone shows it (SMS, iMessage).
pub const PARTNER_PHONE: &str = "+1 555-010-2345";
/// The same number in E.164, as walkaway's handles write it.
pub const PARTNER_E164: &str = "+15550102345";

/// What a writer wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// What to import, in this order: files or folders.
    pub paths: Vec<PathBuf>,
    /// The user's name as the importer shows it (`Me` for SMS, iMessage and Signal).
    pub user: String,
    /// The partner's name as the importer shows it (the phone number for iMessage).
    pub partner: String,
    /// The export itself says who the user is (the importer's `me_hint` must be the user).
    pub names_user: bool,
}

/// What a format does with one kind of event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Carry {
    /// Written and read back as itself.
    Same,
    /// Written the way the app writes it, which reads back as another kind (why).
    As(Kind, &'static str),
    /// Not written: the app's export cannot hold it (why).
    Not(&'static str),
}

/// Every format walkaway reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Android, en-US (`M/D/YY, H:MM AM - Name: text`), a `.txt`.
    WhatsApp,
    /// iPhone, en-US (`[M/D/YY, H:MM:SS AM] Name: text`), `_chat.txt` in the unpacked zip.
    WhatsAppIos,
    Telegram,
    Messenger,
    Instagram,
    Sms,
    IMessage,
    Discord,
    Line,
    Signal,
    GoogleChat,
    Csv,
}

const NO_CALL: &str = "the simulator generates no answered calls";
const NO_REACTION: &str = "the simulator generates no reactions";
const NO_SYSTEM: &str =
    "the simulated system line is WhatsApp's encryption notice, which this app does not write";
const GONE: &str = "a deleted message is gone from this app's export: nothing of it is left";

impl Format {
    pub const ALL: [Format; 12] = [
        Format::WhatsApp,
        Format::WhatsAppIos,
        Format::Telegram,
        Format::Messenger,
        Format::Instagram,
        Format::Sms,
        Format::IMessage,
        Format::Discord,
        Format::Line,
        Format::Signal,
        Format::GoogleChat,
        Format::Csv,
    ];

    /// The source the importer must give the chat.
    pub fn source(self) -> Source {
        match self {
            Format::WhatsApp | Format::WhatsAppIos => Source::WhatsApp,
            Format::Telegram => Source::Telegram,
            Format::Messenger => Source::Messenger,
            Format::Instagram => Source::Instagram,
            Format::Sms => Source::Sms,
            Format::IMessage => Source::IMessage,
            Format::Discord => Source::Discord,
            Format::Line => Source::Line,
            Format::Signal => Source::Signal,
            Format::GoogleChat => Source::GoogleChat,
            Format::Csv => Source::Csv,
        }
    }

    /// The source's name (`whatsapp-ios` for the iPhone's WhatsApp).
    pub fn name(self) -> &'static str {
        match self {
            Format::WhatsAppIos => "whatsapp-ios",
            _ => self.source().as_str(),
        }
    }

    /// What the format does with `kind`. docs/simulation.md ("Every format") has the table.
    pub fn carry(self, kind: Kind) -> Carry {
        use Format::*;
        match (self, kind) {
            (_, Kind::Text | Kind::Media) => Carry::Same,
            (_, Kind::Call) => Carry::Not(NO_CALL),
            (_, Kind::Reaction) => Carry::Not(NO_REACTION),
            (WhatsApp | WhatsAppIos | Csv, _) => Carry::Same,
            (GoogleChat, Kind::Voice) => Carry::As(
                Kind::Media,
                "hangouts has no voice messages: a recording is sent as an attachment",
            ),
            (_, Kind::Voice) => Carry::Same,
            (Messenger | Instagram | Signal | IMessage, Kind::Deleted) => Carry::Same,
            (Telegram | Sms | Discord | GoogleChat, Kind::Deleted) => Carry::Not(GONE),
            (Line, Kind::Deleted) => Carry::Not(
                "the line reader has no unsent-message variant (docs/formats/line.md); not written",
            ),
            (IMessage, Kind::MissedCall) => {
                Carry::Not("facetime calls are not in chat.db (they live in CallHistory.storedata)")
            }
            (Discord, Kind::MissedCall) => Carry::As(
                Kind::Call,
                "discordchatexporter writes when a call ended, not who joined: a call that rang unanswered reads as answered",
            ),
            (_, Kind::MissedCall) => Carry::Same,
            (_, Kind::System) => Carry::Not(NO_SYSTEM),
        }
    }

    /// The precision of the format's timestamps, in milliseconds.
    pub fn resolution(self) -> Millis {
        match self {
            // `M/D/YY, H:MM AM` and `HH:MM`: whole minutes.
            Format::WhatsApp | Format::Line => 60_000,
            // Seconds: iOS headers, `date_unixtime`, signal-export's `HH:MM:SS`, the CSV's times.
            Format::WhatsAppIos | Format::Telegram | Format::Signal | Format::Csv => 1_000,
            // Milliseconds or finer (Meta, SMS, Discord; chat.db nanoseconds, Hangouts µs).
            _ => 1,
        }
    }

    /// The formats whose times are the phone's or the computer's wall-clock time without a
    /// zone (read in `--tz`).
    pub fn wall_clock(self) -> bool {
        matches!(
            self,
            Format::WhatsApp | Format::WhatsAppIos | Format::Line | Format::Signal | Format::Csv
        )
    }

    /// The history as this format can hold it: kinds mapped or left out as [`Format::carry`]
    /// says, times floored to [`Format::resolution`], texts of non-text events emptied (apps
    /// write media, calls and deletions without the WhatsApp placeholder text).
    pub fn expected(self, chat: &ParsedChat) -> ParsedChat {
        self.expected_in(chat, &TimeZone::UTC)
    }

    /// [`Format::expected`] for an export written in `tz`: a wall-clock format's times are also
    /// read back as [`read_back`] says (events then in time order, ties in file order).
    pub fn expected_in(self, chat: &ParsedChat, tz: &TimeZone) -> ParsedChat {
        let res = self.resolution();
        let mut events = Events::new();
        for (e, text) in chat.events.iter_texts() {
            let kind = match self.carry(e.kind) {
                Carry::Same => e.kind,
                Carry::As(k, _) => k,
                Carry::Not(_) => continue,
            };
            let mut ts = e.ts.div_euclid(res) * res;
            if self.wall_clock() {
                ts = read_back(ts, tz);
            }
            // A simulated history is far below the 4 GiB a chat's texts may reach.
            let _ = events.push(NewEvent {
                ts,
                sender: e.sender,
                kind,
                text: if kind == Kind::Text { text } else { "" },
                line: e.line,
                flags: 0,
            });
        }
        let mut order: Vec<usize> = (0..events.len()).collect();
        order.sort_by_key(|&i| events[i].ts);
        let events = Events::try_from_iter(order.iter().map(|&i| {
            let e = events[i];
            NewEvent {
                ts: e.ts,
                sender: e.sender,
                kind: e.kind,
                text: events.text(&e),
                line: e.line,
                flags: e.flags,
            }
        }))
        .unwrap_or_default();
        ParsedChat {
            events,
            ..chat.clone()
        }
    }

    /// Writes `chat` under `dir` as this app exports it; `exported_at` is the export's time.
    /// Times are written in UTC.
    pub fn write(self, chat: &ParsedChat, exported_at: Millis, dir: &Path) -> io::Result<Written> {
        self.write_in(chat, exported_at, dir, &TimeZone::UTC)
    }

    /// [`Format::write`] on a phone or computer set to `tz`: wall-clock times (and offsets,
    /// where the format writes them) in that zone.
    pub fn write_in(
        self,
        chat: &ParsedChat,
        exported_at: Millis,
        dir: &Path,
        tz: &TimeZone,
    ) -> io::Result<Written> {
        let chat = &self.expected_kinds(chat);
        match self {
            Format::WhatsApp => {
                let path = dir.join(format!("WhatsApp Chat with {}.txt", partner(chat)));
                std::fs::write(&path, crate::whatsapp::render_android_en_us_in(chat, tz))?;
                Ok(Written {
                    paths: vec![path],
                    user: user(chat).to_owned(),
                    partner: partner(chat).to_owned(),
                    names_user: false,
                })
            }
            Format::WhatsAppIos => {
                // The zip the iPhone shares, as unpacked by the Mac or the phone's Files app.
                let folder = dir.join(format!("WhatsApp Chat - {}", partner(chat)));
                write_file(
                    &folder.join("_chat.txt"),
                    crate::whatsapp::render_ios_en_us_in(chat, tz),
                )?;
                Ok(Written {
                    paths: vec![folder],
                    user: user(chat).to_owned(),
                    partner: partner(chat).to_owned(),
                    names_user: false,
                })
            }
            Format::Telegram => telegram::write(chat, dir, tz),
            Format::Messenger => meta::write(chat, exported_at, dir, meta::App::Messenger),
            Format::Instagram => meta::write(chat, exported_at, dir, meta::App::Instagram),
            Format::Sms => sms::write(chat, exported_at, dir, tz),
            #[cfg(feature = "imessage")]
            Format::IMessage => imessage::write(chat, dir),
            #[cfg(not(feature = "imessage"))]
            Format::IMessage => Err(io::Error::other(
                "walkaway-sim was built without the imessage feature",
            )),
            Format::Discord => discord::write(chat, exported_at, dir, tz),
            Format::Line => line::write(chat, exported_at, dir, tz),
            Format::Signal => signal::write(chat, dir, tz),
            Format::GoogleChat => googlechat::write(chat, dir),
            Format::Csv => csv::write(chat, dir, tz),
        }
    }

    /// The chat with only the kinds this format writes (a writer never sees one it cannot
    /// write). Kinds written as another kind keep their own kind here: the writer decides how
    /// the app writes them.
    fn expected_kinds(self, chat: &ParsedChat) -> ParsedChat {
        let mut c = chat.clone();
        c.events
            .retain(|e, _| !matches!(self.carry(e.kind), Carry::Not(_)));
        c
    }
}

/// The history with seconds: the simulator floors every time to a whole minute, as WhatsApp
/// writes them, so several events often share one instant, which no app that keeps seconds or
/// milliseconds would write (and which such an app's reader may rightly take for the same row
/// twice: SMS Backup & Restore repeats rows). Here the k-th event of a minute is at its k-th
/// second (order kept; a minute never holds 60 events). Floored to whole minutes again
/// (WhatsApp, LINE) it is the simulated history itself.
pub fn with_seconds(chat: &ParsedChat) -> ParsedChat {
    let mut c = chat.clone();
    let mut minute = Millis::MIN;
    let mut k = 0;
    for e in c.events.iter_mut() {
        let m = e.ts.div_euclid(60_000) * 60_000;
        if m == minute {
            k += 1;
        } else {
            (minute, k) = (m, 0);
        }
        e.ts = m + k.min(59) * 1000;
    }
    c
}

/// The user's name (person 0).
pub fn user(chat: &ParsedChat) -> &str {
    chat.people.first().map_or("", String::as_str)
}

/// The partner's name (person 1).
pub fn partner(chat: &ParsedChat) -> &str {
    chat.people.get(1).map_or("", String::as_str)
}

/// A JSON string literal, non-ASCII written as is (UTF-8), as Telegram, DiscordChatExporter
/// and Google Takeout write it.
pub fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_json_char(&mut out, c);
    }
    out.push('"');
    out
}

fn push_json_char(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push(c),
    }
}

/// An instant as RFC 3339 with the zone's offset, e.g. `2026-02-01T01:10:00+01:00`.
pub fn rfc3339(ts: Millis, tz: &TimeZone) -> String {
    wall(ts, tz, "%Y-%m-%dT%H:%M:%S%:z")
}

/// An instant formatted in UTC with a strftime pattern.
pub fn utc(ts: Millis, pattern: &str) -> String {
    wall(ts, &TimeZone::UTC, pattern)
}

/// An instant formatted as wall-clock time in `tz` with a strftime pattern.
pub fn wall(ts: Millis, tz: &TimeZone, pattern: &str) -> String {
    jiff::Timestamp::from_millisecond(ts)
        .map(|t| t.to_zoned(tz.clone()).strftime(pattern).to_string())
        .unwrap_or_default()
}

/// The instant a wall-clock format's time of `ts` (written in `tz`) is read back as: the wall
/// time in `tz`, resolved the way the readers resolve it (jiff's *compatible* rule). It is `ts`
/// except in the hour a daylight-saving change repeats, whose second pass is read as the first.
pub fn read_back(ts: Millis, tz: &TimeZone) -> Millis {
    let Ok(t) = jiff::Timestamp::from_millisecond(ts) else {
        return ts;
    };
    let civil = t.to_zoned(tz.clone()).datetime();
    tz.to_ambiguous_zoned(civil)
        .compatible()
        .map_or(ts, |z| z.timestamp().as_millisecond())
}

/// Person 0 or 1 of an event: `true` for the user. System events have no sender.
pub fn by_user(sender: Option<u32>) -> bool {
    sender == Some(0)
}

/// Creates the parent folders of `path` and writes `body`.
pub fn write_file(path: &Path, body: impl AsRef<[u8]>) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, body)
}
