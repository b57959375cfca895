//! The in-browser app's adapter: export files as bytes in, what they hold and the report out.
//!
//! It only adapts. Reading is `walkaway_import::read_bytes`, the analysis is
//! `walkaway_analysis::full::analyze_full` and the report is `walkaway_report`'s `Json` and
//! `Html` renderers, exactly as the command line's `report FILE` fast path uses them on parsed
//! events. There is no store: what the CLI keeps in its database (who the user is, a plan) the
//! page keeps in the browser and passes in as [`ReportOptions`] each time.
//!
//! No clock and no I/O: "today" comes in the options (the page reads the browser's date). The
//! `wasm` module (wasm32 only) wraps [`Session`] for JavaScript with JSON strings in and out.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::rc::Rc;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use walkaway_analysis::full::analyze_full;
use walkaway_analysis::merge::{Part, coverage_gaps, merge};
use walkaway_analysis::{Config, StepbackConfig};
use walkaway_import::archive::ReadAt;
use walkaway_import::{Imported, Options};
use walkaway_model::{Activity, Millis, ParsedChat, PersonIdx, Source};
use walkaway_report::person::PersonInput;
use walkaway_report::{AsOfSource, Input};

#[cfg(target_arch = "wasm32")]
mod wasm;

/// One file the user dropped or picked. A file picked inside a folder has the folder's
/// relative path as its name (`"export/messages/inbox/sam/message_1.json"`): the files of one
/// top folder are read together, as the command line reads a folder.
#[derive(Clone, Debug)]
pub struct FileIn {
    pub name: String,
    pub bytes: Vec<u8>,
    /// The file's modification time as the browser reports it (`File.lastModified`).
    pub modified: Option<Millis>,
}

/// A dropped zip read where it is, piece by piece ([`Session::add_zip_at`]): a WhatsApp export
/// with its media is gigabytes, of which only the chat (megabytes) is ever copied in.
#[derive(Clone)]
pub struct FarZip {
    pub name: String,
    pub reader: Rc<dyn ReadAt>,
    /// The zip's size in bytes.
    pub len: u64,
    pub modified: Option<Millis>,
}

/// One thing the user gave: a file's bytes, or a zip read where it is.
#[derive(Clone)]
enum Given {
    Bytes(FileIn),
    Far(FarZip),
}

/// What one dropped file (or folder) turned out to be.
#[derive(Clone, Debug, Serialize)]
pub struct FileFound {
    pub name: String,
    /// The import's format name (`whatsapp-android`, `instagram-activity`, ...), or null when
    /// the file could not be read.
    pub format: Option<&'static str>,
    pub chats: usize,
    pub activity: usize,
    /// Why the file could not be read (a sentence that names the file).
    pub error: Option<String>,
}

/// One chat found in the files.
#[derive(Clone, Debug, Serialize)]
pub struct ChatFound {
    pub index: usize,
    pub id: String,
    pub title: String,
    pub source: Option<&'static str>,
    pub file: String,
    pub people: Vec<String>,
    /// Messages and other events.
    pub events: usize,
    /// The participant the export says is the user, when it says (index into `people`).
    pub me: Option<PersonIdx>,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    /// The day the data ends as the export vouches for it (METRICS.md "Data end"), in the zone
    /// asked for: the page prefills "when did you export this?" with it.
    pub data_end: Option<String>,
    /// `export`, `file_modified` or `last_event`.
    pub data_end_source: Option<&'static str>,
}

/// Two-person chats from different apps that look like one person (METRICS.md "One person
/// across apps"): the page offers to combine them, and combines them only when the user says so.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SuggestedMerge {
    /// Indexes into [`Found::chats`], the first the one with the most events.
    pub chats: Vec<usize>,
    /// The person's name as the first chat has it.
    pub name: String,
    /// Why, in plain words: `the same name, "Sam", in WhatsApp and Instagram`.
    pub why: String,
}

/// What the files hold.
#[derive(Clone, Debug, Serialize)]
pub struct Found {
    pub files: Vec<FileFound>,
    pub chats: Vec<ChatFound>,
    /// Chats that look like one person across apps.
    pub suggestions: Vec<SuggestedMerge>,
    /// Instagram accounts the user liked or commented on (for the partner's-account question).
    pub instagram_accounts: Vec<String>,
}

/// What the page asks for; every field but `chat` and `tz` is optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReportOptions {
    /// Index into [`Found::chats`].
    pub chat: usize,
    /// IANA zone of exports without zone information, and of the report's calendar.
    pub tz: String,
    /// Which participant is the user (a name from `people`).
    pub me: Option<String>,
    /// "When did you export this?" (YYYY-MM-DD): the data ends at the end of that day.
    pub as_of: Option<String>,
    pub stepback: Option<String>,
    pub window: Option<u32>,
    pub fast_reply: Option<u32>,
    pub instagram: Vec<String>,
    /// The user's today (YYYY-MM-DD), from the browser; bounds `as_of`.
    pub today: Option<String>,
    /// Safe to share: no names, handles or message texts in the HTML and JSON (as the
    /// command line's `--redact`).
    pub redact: bool,
    /// Other two-person chats with the same person, in other apps, to merge with `chat` (the
    /// user confirmed them): one timeline, messages seen in two apps counted once, silences
    /// where one app has no data marked as possibly missing data, as `walkaway report PERSON`.
    pub merge: Vec<MergeWith>,
}

/// One more chat of the same person.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MergeWith {
    /// Index into [`Found::chats`].
    pub chat: usize,
    /// Which participant is the user, when that chat's export does not say.
    pub me: Option<String>,
}

/// The report in both shapes.
#[derive(Clone, Debug)]
pub struct Report {
    pub html: String,
    pub json: String,
    /// One-line notes (a setting that had no effect), as the CLI prints them on stderr.
    pub notes: Vec<String>,
}

/// A chat read from the files, with what the store would record beside it.
struct Loaded {
    chat: ParsedChat,
    source: Option<Source>,
    data_end: Option<(Millis, AsOfSource)>,
    notes: Vec<String>,
}

struct Read {
    found: Found,
    chats: Vec<Loaded>,
    activity: Vec<Activity>,
}

/// The files of one visit, read once per zone.
#[derive(Default)]
pub struct Session {
    files: Vec<Given>,
    read: Option<(String, Read)>,
}

impl Session {
    pub fn new() -> Session {
        Session::default()
    }

    pub fn add(&mut self, file: FileIn) {
        self.files.push(Given::Bytes(file));
        self.read = None;
    }

    /// Adds a zip that stays where it is: its central directory and the entries worth reading
    /// are fetched through `zip.reader` each time the files are read. A zip inside a dropped
    /// folder is read on its own, as a loose file.
    pub fn add_zip_at(&mut self, zip: FarZip) {
        self.files.push(Given::Far(zip));
        self.read = None;
    }

    pub fn clear(&mut self) {
        *self = Session::default();
    }

    /// Reads every file in zone `tz` (or reuses the last reading in that zone).
    pub fn inspect(&mut self, tz: &str) -> Result<Found, String> {
        Ok(self.load(tz)?.found.clone())
    }

    /// The report on one chat, or on one person across several (`o.merge`).
    pub fn report(&mut self, o: &ReportOptions) -> Result<Report, String> {
        if !o.merge.is_empty() {
            return self.report_person(o);
        }
        let zone = zone(&o.tz)?;
        let read = self.load(&o.tz)?;
        let loaded = read.chats.get(o.chat).ok_or_else(|| {
            format!(
                "there is no chat number {} (the files hold {})",
                o.chat,
                read.chats.len()
            )
        })?;
        let chat = &loaded.chat;
        let settled = settle(o, &zone, loaded, &read.activity)?;
        let analysis = analyze_full(&chat.events, &chat.people, &settled.cfg, &settled.activity)
            .map_err(|e| format!("signal patterns: {e}"))?;
        let found = read.found.chats.get(o.chat);
        let sources: Vec<Source> = loaded.source.into_iter().collect();
        let tz_name = zone.iana_name().unwrap_or("UTC").to_owned();
        let input = Input {
            chat_id: found.map_or("", |f| f.id.as_str()),
            title: found.map_or("", |f| f.title.as_str()),
            sources: &sources,
            people: &chat.people,
            events: &chat.events,
            cfg: &settled.cfg,
            tz_name: &tz_name,
            analysis: &analysis,
            instagram_accounts: &settled.accounts,
            activity: &settled.activity,
            as_of_source: settled.as_of_source,
            notes: &loaded.notes,
        };
        Ok(rendered(
            walkaway_report::to_wire(&input),
            o.redact,
            settled.notes,
        ))
    }

    /// The report on one person: `o.chat` and the chats of `o.merge` merged into one timeline
    /// whose people are the user (0) and the person (1), as `walkaway report PERSON` merges them.
    fn report_person(&mut self, o: &ReportOptions) -> Result<Report, String> {
        let zone = zone(&o.tz)?;
        let read = self.load(&o.tz)?;
        let mut wanted: Vec<(usize, Option<&str>)> = vec![(o.chat, o.me.as_deref())];
        for m in &o.merge {
            if !wanted.iter().any(|(c, _)| *c == m.chat) {
                wanted.push((m.chat, m.me.as_deref()));
            }
        }
        struct Side<'a> {
            loaded: &'a Loaded,
            source: Source,
            me: PersonIdx,
            partner: PersonIdx,
        }
        let mut sides: Vec<Side<'_>> = Vec::with_capacity(wanted.len());
        for (index, me) in wanted {
            let loaded = read.chats.get(index).ok_or_else(|| {
                format!(
                    "there is no chat number {index} (the files hold {})",
                    read.chats.len()
                )
            })?;
            let chat = &loaded.chat;
            let title = read.found.chats.get(index).map_or("", |f| f.title.as_str());
            if chat.people.len() != 2 {
                return Err(format!(
                    "only two-person chats can be combined into one person; \"{title}\" has {} people",
                    chat.people.len()
                ));
            }
            let source = loaded
                .source
                .ok_or_else(|| format!("\"{title}\": the app this chat comes from is unknown"))?;
            let me = who_is_me(chat, me)?;
            sides.push(Side {
                loaded,
                source,
                me,
                partner: 1 - me,
            });
        }
        let parts: Vec<Part<'_>> = sides
            .iter()
            .map(|s| Part {
                source: s.source,
                events: &s.loaded.chat.events,
                me: s.me,
                partner: s.partner,
                data_end: s.loaded.data_end.map(|(t, _)| t),
            })
            .collect();
        let merged = merge(&parts).map_err(|e| format!("cannot merge the chats: {e}"))?;
        let Some(first) = sides.first() else {
            return Err("no chat to report on".to_owned());
        };
        let person = first.loaded.chat.people[first.partner as usize].clone();
        let mut me_name = first.loaded.chat.people[first.me as usize].clone();
        if me_name == person {
            me_name = "you".to_owned();
        }
        let mut sources: Vec<Source> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let mut handles: Vec<(Source, String)> = Vec::new();
        for s in &sides {
            if !sources.contains(&s.source) {
                sources.push(s.source);
            }
            for n in &s.loaded.notes {
                if !notes.contains(n) {
                    notes.push(n.clone());
                }
            }
            let chat = &s.loaded.chat;
            let handle = match chat.handle(s.partner) {
                "" => chat.people[s.partner as usize].clone(),
                h => h.to_owned(),
            };
            if !handles.contains(&(s.source, handle.clone())) {
                handles.push((s.source, handle));
            }
        }
        let data_end = sides
            .iter()
            .filter_map(|s| s.loaded.data_end)
            .max_by_key(|(t, _)| *t);
        let loaded = Loaded {
            chat: ParsedChat {
                source: None,
                title: Some(person.clone()),
                people: vec![me_name, person.clone()],
                events: merged.events,
                me_hint: Some(0),
                exported_at: None,
                handles: Vec::new(),
            },
            source: None,
            data_end,
            notes,
        };
        let mut settled = settle(
            &ReportOptions {
                me: None,
                ..o.clone()
            },
            &zone,
            &loaded,
            &read.activity,
        )?;
        let gaps = coverage_gaps(&merged.sources, settled.cfg.as_of);
        settled.cfg.coverage_gaps = gaps.iter().map(|g| (g.start, g.end)).collect();
        let chat = &loaded.chat;
        let analysis = analyze_full(&chat.events, &chat.people, &settled.cfg, &settled.activity)
            .map_err(|e| format!("signal patterns: {e}"))?;
        let tz_name = zone.iana_name().unwrap_or("UTC").to_owned();
        let id = person_id(&handles);
        let input = Input {
            chat_id: &id,
            title: &person,
            sources: &sources,
            people: &chat.people,
            events: &chat.events,
            cfg: &settled.cfg,
            tz_name: &tz_name,
            analysis: &analysis,
            instagram_accounts: &settled.accounts,
            activity: &settled.activity,
            as_of_source: settled.as_of_source,
            notes: &loaded.notes,
        };
        let mut wire = walkaway_report::to_wire(&input);
        walkaway_report::person::add_person(
            &mut wire,
            &PersonInput {
                id: &id,
                name: &person,
                handles: &handles,
                sources: &merged.sources,
                gaps: &gaps,
                duplicates: merged.duplicates,
            },
            &settled.cfg,
            &analysis,
        );
        Ok(rendered(wire, o.redact, settled.notes))
    }

    fn load(&mut self, tz: &str) -> Result<&Read, String> {
        let stale = !matches!(&self.read, Some((t, _)) if t == tz);
        if stale {
            let opts = Options {
                tz: zone(tz)?,
                date_order: None,
            };
            self.read = Some((tz.to_owned(), read_all(&self.files, &opts)));
        }
        match &self.read {
            Some((_, r)) => Ok(r),
            None => Err("nothing read".to_owned()),
        }
    }
}

/// The report in both shapes from the wire report, exactly as the command line prints them
/// (`redact`: as `--redact` prints them).
fn rendered(wire: walkaway_report::json::Report, redact: bool, notes: Vec<String>) -> Report {
    let wire = if redact {
        walkaway_report::redact::redact(&wire)
    } else {
        wire
    };
    let mut json = serde_json::to_string_pretty(&wire).unwrap_or_default();
    json.push('\n');
    Report {
        html: walkaway_report::html::render_in(&wire, walkaway_report::words::Door::App),
        json,
        notes,
    }
}

/// A merged person's id in the page: stable for the same handles, never a database's id.
fn person_id(handles: &[(Source, String)]) -> String {
    let mut key: Vec<String> = handles
        .iter()
        .map(|(s, h)| format!("{}:{h}", s.as_str()))
        .collect();
    key.sort();
    let h = xxhash_rust::xxh3::xxh3_64(key.join("\u{1f}").as_bytes());
    format!("p-{:010x}", h >> 24)
}

/// The user's participant number in a chat: the name given, else what the export says.
fn who_is_me(chat: &ParsedChat, me: Option<&str>) -> Result<PersonIdx, String> {
    match me.map(str::trim).filter(|m| !m.is_empty()) {
        Some(name) => find_person(&chat.people, name).ok_or_else(|| {
            format!(
                "'{name}' is not a participant of this chat; choose one of: {}",
                chat.people.join(", ")
            )
        }),
        None => chat
            .me_hint
            .filter(|&i| (i as usize) < chat.people.len())
            .ok_or_else(|| {
                format!(
                    "the export does not say which participant is you; choose one of: {}",
                    chat.people.join(", ")
                )
            }),
    }
}

/// Two-person chats of different apps that look like one person: the same phone number or
/// email, or the same display name (case and spacing aside). Where an export does not say
/// which participant is the user, either may be the person, so both names are compared; the
/// user's own name matching across apps is then possible, which is why a suggestion is only
/// ever offered, never applied.
fn suggest(chats: &[ChatFound], loaded: &[Loaded]) -> Vec<SuggestedMerge> {
    let key = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    // (chat, candidate names, candidate handles)
    let mut candidates: Vec<(usize, Vec<String>, Vec<String>)> = Vec::new();
    for (i, l) in loaded.iter().enumerate().take(chats.len()) {
        let chat = &l.chat;
        if chat.people.len() != 2 || l.source.is_none() {
            continue;
        }
        let sides: Vec<PersonIdx> = match chat.me_hint {
            Some(me) if me < 2 => vec![1 - me],
            _ => vec![0, 1],
        };
        let names = sides
            .iter()
            .map(|&p| key(&chat.people[p as usize]))
            .filter(|n| !n.is_empty())
            .collect();
        let handles = sides
            .iter()
            .map(|&p| chat.handle(p).to_lowercase())
            .filter(|h| h.starts_with('+') || h.contains('@'))
            .collect();
        candidates.push((i, names, handles));
    }
    let app = |i: usize| {
        chats
            .get(i)
            .and_then(|c| c.source)
            .map_or("another app", walkaway_report::words::source_name)
    };
    let mut taken = vec![false; chats.len()];
    let mut out = Vec::new();
    for a in 0..candidates.len() {
        let (ia, names_a, handles_a) = &candidates[a];
        if taken[*ia] {
            continue;
        }
        let mut group = vec![*ia];
        let mut why: Option<String> = None;
        for (ib, names_b, handles_b) in candidates.iter().skip(a + 1) {
            if taken[*ib] || group.iter().any(|&g| chats[g].source == chats[*ib].source) {
                continue;
            }
            let reason = if let Some(h) = handles_a.iter().find(|h| handles_b.contains(h)) {
                Some(format!("the same number or address, {h}"))
            } else {
                names_a.iter().find(|n| names_b.contains(n)).map(|_| {
                    let shown = chats[*ia]
                        .people
                        .iter()
                        .find(|p| names_a.contains(&key(p)) && names_b.contains(&key(p)))
                        .cloned()
                        .unwrap_or_default();
                    format!("the same name, \"{shown}\"")
                })
            };
            if let Some(r) = reason {
                group.push(*ib);
                why.get_or_insert(r);
            }
        }
        if let (true, Some(why)) = (group.len() > 1, why) {
            group.sort_by_key(|&g| std::cmp::Reverse(chats[g].events));
            for &g in &group {
                taken[g] = true;
            }
            let apps: Vec<&str> = group.iter().map(|&g| app(g)).collect();
            let first = &chats[group[0]];
            let name = match loaded[group[0]].chat.me_hint {
                Some(me) if me < 2 => first.people[1 - me as usize].clone(),
                _ => first.title.clone(),
            };
            out.push(SuggestedMerge {
                chats: group,
                name,
                why: format!("{why}, in {}", and_list(&apps)),
            });
        }
    }
    out
}

fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// An IANA zone by name ("UTC" when empty).
fn zone(name: &str) -> Result<TimeZone, String> {
    let name = name.trim();
    if name.is_empty() {
        return Ok(TimeZone::UTC);
    }
    TimeZone::get(name).map_err(|_| {
        format!("unknown time zone '{name}' (expected an IANA zone name such as Europe/London)")
    })
}

/// Reads every file: loose files one by one, the files of one folder together (as one zip,
/// which the importer reads exactly as it reads the folder's own zip).
fn read_all(files: &[Given], opts: &Options) -> Read {
    enum Item<'a> {
        Group(String),
        Far(&'a FarZip),
    }
    let mut groups: BTreeMap<String, Vec<&FileIn>> = BTreeMap::new();
    let mut order: Vec<Item<'_>> = Vec::new();
    for input in files {
        let f = match input {
            Given::Bytes(f) => f,
            Given::Far(zip) => {
                order.push(Item::Far(zip));
                continue;
            }
        };
        let key = match f.name.split_once('/') {
            Some((top, _)) => format!("{top}/"),
            None => f.name.clone(),
        };
        if !groups.contains_key(&key) {
            order.push(Item::Group(key.clone()));
        }
        groups.entry(key).or_default().push(f);
    }
    let mut out = Read {
        found: Found {
            files: Vec::new(),
            chats: Vec::new(),
            suggestions: Vec::new(),
            instagram_accounts: Vec::new(),
        },
        chats: Vec::new(),
        activity: Vec::new(),
    };
    for item in order {
        let (key, group, result): (String, &[&FileIn], _) = match item {
            Item::Far(zip) => (
                zip.name.clone(),
                &[],
                walkaway_import::read_zip_at(&zip.name, zip.reader.clone(), zip.len, opts)
                    .map(|i| dated(i, zip.modified))
                    .map_err(|e| e.to_string()),
            ),
            Item::Group(key) => {
                let Some(group) = groups.get(&key) else {
                    continue;
                };
                let modified = group.iter().filter_map(|f| f.modified).max();
                let result = match group.as_slice() {
                    [one] if !key.ends_with('/') => {
                        walkaway_import::read_bytes(&one.name, &one.bytes, opts)
                            .map(|i| dated(i, one.modified))
                            .map_err(|e| e.to_string())
                    }
                    _ => folder_as_zip(group)
                        .map_err(|e| format!("{key}: cannot gather the folder's files: {e}"))
                        .and_then(|bytes| {
                            walkaway_import::read_bytes(&format!("{key}.zip"), &bytes, opts)
                                .map_err(|e| e.to_string())
                        })
                        .map(|mut i| {
                            // The folder's files carry no dates inside the zip made of them;
                            // their own dates stand in, as they do when the command line reads
                            // the folder.
                            i.modified = modified;
                            i
                        })
                        .map_err(|e| e.replace(&format!("{key}.zip"), key.trim_end_matches('/'))),
                };
                (key, group.as_slice(), result)
            }
        };
        let name = key.trim_end_matches('/').to_owned();
        let holds_something =
            |i: &Imported| !i.parsed.chats.is_empty() || !i.parsed.activity.is_empty();
        match result {
            Ok(imported) if holds_something(&imported) || !key.ends_with('/') => {
                add(&mut out, &name, imported, &opts.tz)
            }
            // A folder that is not one export (Meta's, Telegram's, a WhatsApp zip's content)
            // may hold several: a phone's SMS backup and call log, chats as CSV, ... Its
            // files are read one by one, as the command line reads a folder.
            failed if key.ends_with('/') => {
                let mut any = false;
                let mut errors = Vec::new();
                for f in group {
                    if !walkaway_import::worth_trying(&f.name) {
                        continue;
                    }
                    match walkaway_import::read_bytes(&f.name, &f.bytes, opts) {
                        Ok(i) if holds_something(&i) => {
                            any = true;
                            add(&mut out, &f.name, dated(i, f.modified), &opts.tz);
                        }
                        Ok(_) => {}
                        Err(e) => errors.push((f.name.clone(), e.to_string())),
                    }
                }
                if !any {
                    let error = match failed {
                        Ok(_) => format!("{name}: no chat or activity found in this folder"),
                        Err(e) => e,
                    };
                    out.found.files.push(FileFound {
                        name,
                        format: None,
                        chats: 0,
                        activity: 0,
                        error: Some(error),
                    });
                } else {
                    for (file, error) in errors {
                        out.found.files.push(FileFound {
                            name: file,
                            format: None,
                            chats: 0,
                            activity: 0,
                            error: Some(error),
                        });
                    }
                }
            }
            Ok(imported) => add(&mut out, &name, imported, &opts.tz),
            Err(error) => out.found.files.push(FileFound {
                name,
                format: None,
                chats: 0,
                activity: 0,
                error: Some(error),
            }),
        }
    }
    let mut accounts: Vec<String> = out
        .activity
        .iter()
        .filter(|a| a.source == Source::Instagram)
        .filter_map(|a| a.target.as_deref().map(normalise_account))
        .filter(|t| !t.is_empty())
        .collect();
    accounts.sort();
    accounts.dedup();
    out.found.instagram_accounts = accounts;
    out.found.suggestions = suggest(&out.found.chats, &out.chats);
    out
}

/// A file read on its own is dated by what it holds when that says (a zip: the latest of its
/// entries' dates), else by its own date.
fn dated(mut imported: Imported, own: Option<Millis>) -> Imported {
    if imported.modified.is_none() {
        imported.modified = own;
    }
    imported
}

/// A stored (uncompressed) zip of a folder's files, named by their paths inside the folder.
fn folder_as_zip(files: &[&FileIn]) -> zip::result::ZipResult<Vec<u8>> {
    let size: usize = files
        .iter()
        .map(|f| f.bytes.len() + f.name.len() + 100)
        .sum();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(size)));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(size > u32::MAX as usize / 2);
    for f in files {
        let inner = f.name.split_once('/').map_or(f.name.as_str(), |(_, p)| p);
        w.start_file(inner, options)?;
        w.write_all(&f.bytes)?;
    }
    Ok(w.finish()?.into_inner())
}

fn add(out: &mut Read, name: &str, imported: Imported, tz: &TimeZone) {
    let notes = import_notes(&imported.parsed.diagnostics);
    out.found.files.push(FileFound {
        name: name.to_owned(),
        format: Some(imported.format),
        chats: imported.parsed.chats.len(),
        activity: imported.parsed.activity.len(),
        error: None,
    });
    out.activity.extend(imported.parsed.activity);
    for chat in imported.parsed.chats {
        let source = chat.source.or_else(|| Source::parse(imported.format));
        let first = chat.events.iter().map(|e| e.ts).min();
        let last = chat.events.iter().map(|e| e.ts).max();
        let data_end = data_end(chat.exported_at, imported.modified, last);
        let (id, title) = identity(&chat, source);
        out.found.chats.push(ChatFound {
            index: out.chats.len(),
            id,
            title,
            source: source.map(Source::as_str),
            file: name.to_owned(),
            people: chat.people.clone(),
            events: chat.events.len(),
            me: chat.me_hint,
            first_day: first.and_then(|t| local_date(t, tz)).map(|d| d.to_string()),
            last_day: last.and_then(|t| local_date(t, tz)).map(|d| d.to_string()),
            data_end: data_end
                .and_then(|(t, _)| local_date(t, tz))
                .map(|d| d.to_string()),
            data_end_source: data_end.map(|(_, s)| s.as_str()),
        });
        out.chats.push(Loaded {
            chat,
            source,
            data_end,
            notes: notes.clone(),
        });
    }
}

/// The data end one export vouches for, by the store's own rule, as the report names it.
fn data_end(
    exported_at: Option<Millis>,
    modified: Option<Millis>,
    last_event: Option<Millis>,
) -> Option<(Millis, AsOfSource)> {
    walkaway_model::data_end(exported_at, modified, last_event).map(|(t, s)| {
        let source = match s {
            walkaway_model::DataEndSource::Export => AsOfSource::Export,
            walkaway_model::DataEndSource::FileModified => AsOfSource::FileModified,
            walkaway_model::DataEndSource::LastEvent => AsOfSource::LastEvent,
        };
        (t, source)
    })
}

use walkaway_model::import_notes;

/// The chat's id and title as the database would give them on its first import: the id is a
/// hash of the source and the sorted participant names (the same id in every database).
fn identity(chat: &ParsedChat, source: Option<Source>) -> (String, String) {
    const KEY_SEP: char = '\u{1f}';
    let is_participant = chat.participants();
    let mut participants: Vec<&str> = chat
        .people
        .iter()
        .zip(&is_participant)
        .filter(|(_, p)| **p)
        .map(|(n, _)| n.as_str())
        .collect();
    participants.sort_unstable();
    participants.dedup();
    let key = if participants.is_empty() {
        format!("{KEY_SEP}title:{}", chat.title.as_deref().unwrap_or(""))
    } else {
        participants.join(&KEY_SEP.to_string())
    };
    let title = match chat.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_owned(),
        _ if participants.is_empty() => "untitled chat".to_owned(),
        _ => participants.join(", "),
    };
    let Some(source) = source else {
        return (String::new(), title);
    };
    let prefix = source.id_prefix();
    let mut bytes = Vec::with_capacity(key.len() + 16);
    bytes.extend_from_slice(source.as_str().as_bytes());
    bytes.push(0);
    bytes.extend_from_slice(key.as_bytes());
    let h = xxhash_rust::xxh3::xxh3_64(&bytes);
    (format!("{prefix}-{:010x}", h >> 24), title)
}

struct Settled {
    cfg: Config,
    as_of_source: AsOfSource,
    accounts: Vec<String>,
    activity: Vec<Activity>,
    notes: Vec<String>,
}

/// The options checked against the chat, as the command line's `config::settle` checks its
/// flags: who is who, the data end, the step-back and the partner's Instagram accounts.
fn settle(
    o: &ReportOptions,
    tz: &TimeZone,
    loaded: &Loaded,
    all_activity: &[Activity],
) -> Result<Settled, String> {
    let chat = &loaded.chat;
    let people = &chat.people;
    let me = match o.me.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(name) => find_person(people, name).ok_or_else(|| {
            format!(
                "'{name}' is not a participant of this chat; choose one of: {}",
                people.join(", ")
            )
        })?,
        None => chat
            .me_hint
            .filter(|&i| (i as usize) < people.len())
            .ok_or_else(|| {
                format!(
                    "the export does not say which participant is you; choose one of: {}",
                    people.join(", ")
                )
            })?,
    };
    let others: Vec<PersonIdx> = (0..people.len() as PersonIdx)
        .filter(|&i| i != me)
        .collect();
    let partner = match others.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    let first = chat.events.iter().map(|e| e.ts).min();
    let last = chat.events.iter().map(|e| e.ts).max();
    let first_day = first.and_then(|f| local_date(f, tz));
    let today = o.today.as_deref().map(|d| date("today", d)).transpose()?;

    let (as_of, as_of_source) = match o.as_of.as_deref().filter(|s| !s.trim().is_empty()) {
        None => match loaded.data_end {
            Some(d) => d,
            None => (last.unwrap_or(0), AsOfSource::LastEvent),
        },
        Some(s) => {
            let d = date("the export date", s)?;
            if let Some(f) = first_day
                && d < f
            {
                return Err(format!(
                    "the export date {d} is before the chat's first message ({f})"
                ));
            }
            if let Some(t) = today
                && d > t
            {
                return Err(format!("the export date {d} is after today ({t})"));
            }
            (end_of_day(d, tz)?, AsOfSource::AsOfFlag)
        }
    };

    let mut cfg = Config::new(me, partner, as_of);
    cfg.tz = tz.clone();
    let mut notes = Vec::new();
    let stepback = o
        .stepback
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| date("the step-back date", s))
        .transpose()?;
    if let Some(d) = stepback {
        if let Some(f) = first_day
            && d < f
        {
            return Err(format!(
                "the step-back date {d} is before the chat's first message ({f}); choose a day \
                 from {f} on"
            ));
        }
        let window = o.window.unwrap_or(14);
        if !(1..=365).contains(&window) {
            return Err(format!(
                "the window is a number of days from 1 to 365, not {window}"
            ));
        }
        let fast = o.fast_reply.unwrap_or(30);
        if !(1..=24 * 60).contains(&fast) {
            return Err(format!(
                "the fast-reply rule is a number of minutes from 1 to 1440, not {fast}"
            ));
        }
        cfg.stepback = Some(StepbackConfig {
            start: start_of_day(d, tz)?,
            date: d,
            window_days: window,
            fast_reply: i64::from(fast) * 60_000,
        });
    }
    if partner.is_none() && cfg.stepback.take().is_some() {
        notes.push(format!(
            "no step-back: this chat is a group of {} people, and the step-back is measured in \
             a two-person chat",
            people.len()
        ));
    }
    let mut accounts: Vec<String> = o.instagram.iter().map(|a| normalise_account(a)).collect();
    accounts.retain(|a| !a.is_empty());
    accounts.sort();
    accounts.dedup();
    let (accounts, activity) = if cfg.stepback.is_none() {
        if !accounts.is_empty() {
            notes.push(
                "the Instagram account had no effect: it checks your likes and comments after \
                 a step-back; give a step-back date"
                    .to_owned(),
            );
        }
        (Vec::new(), Vec::new())
    } else {
        check_accounts(&accounts, all_activity)?;
        let activity = all_activity
            .iter()
            .filter(|x| {
                x.target
                    .as_deref()
                    .is_some_and(|t| accounts.contains(&normalise_account(t)))
            })
            .cloned()
            .collect();
        (accounts, activity)
    };
    Ok(Settled {
        cfg,
        as_of_source,
        accounts,
        activity,
        notes,
    })
}

/// Each account must appear in the Instagram activity, when there is any.
fn check_accounts(accounts: &[String], activity: &[Activity]) -> Result<(), String> {
    let known: Vec<String> = activity
        .iter()
        .filter(|a| a.source == Source::Instagram)
        .filter_map(|a| a.target.as_deref().map(normalise_account))
        .collect();
    if known.is_empty() {
        return Ok(());
    }
    match accounts.iter().find(|a| !known.contains(a)) {
        Some(a) => Err(format!(
            "the Instagram account '{a}' appears nowhere in your Instagram activity"
        )),
        None => Ok(()),
    }
}

fn normalise_account(s: &str) -> String {
    s.trim().trim_start_matches('@').to_lowercase()
}

fn find_person(people: &[String], name: &str) -> Option<PersonIdx> {
    let n = name.trim();
    people
        .iter()
        .position(|p| p == n)
        .or_else(|| {
            people
                .iter()
                .position(|p| p.to_lowercase() == n.to_lowercase())
        })
        .map(|i| i as PersonIdx)
}

fn date(what: &str, s: &str) -> Result<Date, String> {
    let t = s.trim();
    let well_formed = t.len() == 10 && t.as_bytes().get(4) == Some(&b'-');
    match t.parse::<Date>() {
        Ok(d) if well_formed => Ok(d),
        _ => Err(format!(
            "{what}: expected a real date written YYYY-MM-DD (e.g. 2026-10-01), got '{s}'"
        )),
    }
}

fn start_of_day(d: Date, tz: &TimeZone) -> Result<Millis, String> {
    d.to_zoned(tz.clone())
        .map(|z| z.timestamp().as_millisecond())
        .map_err(|_| format!("cannot place {d} in the time zone"))
}

fn end_of_day(d: Date, tz: &TimeZone) -> Result<Millis, String> {
    let next = d
        .tomorrow()
        .map_err(|_| format!("{d} is the last representable date"))?;
    start_of_day(next, tz)
}

fn local_date(ms: Millis, tz: &TimeZone) -> Option<Date> {
    jiff::Timestamp::from_millisecond(ms)
        .ok()
        .map(|t| t.to_zoned(tz.clone()).date())
}

#[cfg(test)]
mod tests;
