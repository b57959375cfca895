//! `walkaway report`: one straight line — resolve the target (importing an export first),
//! load the chat, analyse it, render. The flags were validated before ([`crate::config`]); the
//! checks that need the chat run in [`config::settle`] between loading and analysing.
//!
//! Two paths give the same report. The general one loads the chat from the database. The
//! overlapped one is taken when `report FILE` brings a chat the database has never seen: the
//! stored chat will then be exactly the parsed one, so the analysis runs on the parsed events
//! while the database commits on the other core, and the result is used only if the store
//! confirms that premise (new chat, nothing already present, same participants, same data end
//! and source, same notes); otherwise the general path runs. A test pins that both paths print
//! the same JSON.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use jiff::tz::TimeZone;
use walkaway_analysis::full::{FullAnalysis, analyze_full};
use walkaway_analysis::merge::{Gap, Part, SourceCoverage, coverage_gaps, merge};
use walkaway_import::Imported;
use walkaway_model::{Events, Millis, PersonIdx, Source};
use walkaway_report::Input;
use walkaway_report::person::PersonInput;
use walkaway_store::{ChatInfo, DataEndSource, Person, PersonChat, Plan, Store};

use crate::config::{self, ChatView, Knobs, Output, ReportSettings, Settled, Target};
use crate::{chat, ingest, style};

pub fn run(s: &ReportSettings) -> Result<()> {
    let mut timer = Timer::from_env();
    let mut store = ingest::open_store(&s.db)?;
    let report = match resolve(&mut store, s, &mut timer)? {
        Resolved::Stored(info) => {
            let chat = load(&store, info)?;
            timer.lap("load");
            let plan = store.active_plan(&chat.id)?;
            build(
                &mut store,
                chat,
                &s.knobs,
                s.me.as_deref(),
                &s.read.tz,
                plan.as_ref(),
            )?
        }
        Resolved::NewExport(path, imported) => overlapped(&mut store, s, &path, imported)?,
        Resolved::Person(person, chats) => {
            let (chat, extra) = load_person(&store, &person, &chats)?;
            timer.lap("load");
            build_person(&mut store, chat, extra, &chats, s)?
        }
    };
    timer.lap("analyse");
    report.warn_unused_flags();
    render(&s.output, &report)?;
    timer.lap("render");
    Ok(())
}

/// What a report target turned out to be.
enum Resolved {
    /// A chat in the database (an export named as the target has been imported).
    Stored(ChatInfo),
    /// An export holding one chat the database has never seen, parsed and not yet stored.
    NewExport(PathBuf, Imported),
    /// A person: every two-person chat with one of their handles, merged.
    Person(Person, Vec<PersonChat>),
}

/// Finds the chat to report on, importing an export target first (idempotently).
fn resolve(store: &mut Store, s: &ReportSettings, timer: &mut Timer) -> Result<Resolved> {
    let query = match &s.target {
        Target::Only => None,
        Target::Chat(q) => {
            if let Some((person, chats)) = crate::people::for_report(store, q)? {
                return Ok(Resolved::Person(person, chats));
            }
            Some(q.clone())
        }
        Target::Export(path) => {
            let chat_ids = if path.is_file() {
                let imported = walkaway_import::read_path(path, &ingest::options(&s.read))?;
                timer.lap("parse");
                if is_new_single_chat(store, &imported)? {
                    return Ok(Resolved::NewExport(path.clone(), imported));
                }
                let summary = ingest::store_imported(store, path, &imported, &s.read.tz_name)?;
                if !s.output.json {
                    ingest::write_summary(
                        &mut std::io::stderr().lock(),
                        path,
                        &imported,
                        &summary,
                    )?;
                }
                summary.chats.iter().map(|c| c.chat_id.clone()).collect()
            } else {
                ingest::import_folder(store, path, &s.read, s.output.json)?
            };
            timer.lap("import");
            match chat_ids.as_slice() {
                [one] => Some(one.clone()),
                [] => bail!("{}: no chat found to report on", path.display()),
                many => bail!(
                    "{} holds {} chats; report on one by id: {}",
                    path.display(),
                    many.len(),
                    many.join(", ")
                ),
            }
        }
    };
    Ok(Resolved::Stored(chat::resolve(store, query.as_deref())?))
}

/// A chat ready for analysis, from the database or from a parsed export.
pub struct Chat {
    pub id: String,
    pub title: String,
    pub sources: Vec<Source>,
    pub people: Vec<String>,
    pub events: Events,
    /// Who the user is, as stored or as the export says.
    pub known_me: Option<PersonIdx>,
    pub data_end: Option<(Millis, DataEndSource)>,
    pub notes: Vec<String>,
}

impl Chat {
    fn view(&self) -> ChatView<'_> {
        ChatView {
            title: &self.title,
            people: &self.people,
            events: &self.events,
            known_me: self.known_me,
            data_end: self.data_end,
        }
    }
}

/// Loads a stored chat with its events.
pub fn load(store: &Store, info: ChatInfo) -> Result<Chat> {
    let loaded = store.load_chat(&info.id)?;
    Ok(Chat {
        known_me: loaded.me.or(loaded.me_hint),
        people: loaded.people,
        events: loaded.events,
        data_end: info.data_end.zip(info.data_end_source),
        id: info.id,
        title: info.title,
        sources: info.sources,
        notes: info.notes,
    })
}

/// Everything a renderer needs, owned.
pub struct Report {
    pub chat: Chat,
    pub settled: Settled,
    pub tz_name: String,
    pub analysis: FullAnalysis,
    /// Set for a report on a person merged across apps.
    pub person: Option<PersonExtra>,
}

/// What a report on a person adds: who, by which handles, and what each source covers.
pub struct PersonExtra {
    pub id: String,
    pub name: String,
    pub handles: Vec<(Source, String)>,
    pub sources: Vec<SourceCoverage>,
    pub duplicates: u64,
    /// Set once the data end is known ([`build_person`]).
    pub gaps: Vec<Gap>,
}

impl Report {
    pub fn input(&self) -> Input<'_> {
        Input {
            chat_id: &self.chat.id,
            title: &self.chat.title,
            sources: &self.chat.sources,
            people: &self.chat.people,
            events: &self.chat.events,
            cfg: &self.settled.cfg,
            tz_name: &self.tz_name,
            analysis: &self.analysis,
            instagram_accounts: &self.settled.accounts,
            activity: &self.settled.activity,
            as_of_source: self.settled.as_of_source,
            notes: &self.chat.notes,
        }
    }

    /// The wire report, with the person's sources and coverage for a report on a person.
    pub fn wire(&self) -> walkaway_report::json::Report {
        let mut wire = walkaway_report::to_wire(&self.input());
        if let Some(p) = &self.person {
            walkaway_report::person::add_person(
                &mut wire,
                &PersonInput {
                    id: &p.id,
                    name: &p.name,
                    handles: &p.handles,
                    sources: &p.sources,
                    gaps: &p.gaps,
                    duplicates: p.duplicates,
                },
                &self.settled.cfg,
                &self.analysis,
            );
        }
        wire
    }

    /// The one-line notes about flags that had no effect, on stderr.
    pub fn warn_unused_flags(&self) {
        for n in &self.settled.notes {
            eprintln!("walkaway: {n}");
        }
    }
}

/// Checks the flags against a stored chat, analyses it and remembers `--me`.
pub fn build(
    store: &mut Store,
    chat: Chat,
    knobs: &Knobs,
    me_flag: Option<&str>,
    tz: &TimeZone,
    plan: Option<&Plan>,
) -> Result<Report> {
    let settled = config::settle(knobs, me_flag, tz, &chat.view(), plan, store.activity()?)?;
    if me_flag.is_some() {
        let name = &chat.people[settled.cfg.me as usize];
        store.set_me(&chat.id, name)?;
    }
    let analysis = analyse(&chat.events, &chat.people, &settled)?;
    Ok(Report {
        chat,
        settled,
        tz_name: config::zone_name(tz),
        analysis,
        person: None,
    })
}

/// Loads every chat of a person and merges them into one chat whose participants are the user
/// (0) and the person (1) (`walkaway_analysis::merge`).
pub fn load_person(
    store: &Store,
    person: &Person,
    chats: &[PersonChat],
) -> Result<(Chat, PersonExtra)> {
    if chats.is_empty() {
        bail!(
            "{} ({}) has no two-person chat; `walkaway people` lists their handles",
            person.name,
            person.id
        );
    }
    let loaded = chats
        .iter()
        .map(|c| store.load_chat(&c.info.id))
        .collect::<walkaway_store::Result<Vec<_>>>()?;
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
    let merged =
        merge(&parts).map_err(|e| anyhow!("cannot merge the chats of {}: {e}", person.id))?;
    // The user's name as the chat with the most messages has it.
    let mut me = chats
        .iter()
        .max_by_key(|c| c.info.messages)
        .and_then(|c| c.info.participants.get(c.me as usize))
        .cloned()
        .unwrap_or_else(|| "you".to_owned());
    if me == person.name {
        me = "you".to_owned();
    }
    let data_end = chats
        .iter()
        .filter_map(|c| c.info.data_end.zip(c.info.data_end_source))
        .max_by_key(|(t, _)| *t);
    let mut sources: Vec<Source> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for c in chats {
        if !sources.contains(&c.handle.source) {
            sources.push(c.handle.source);
        }
        for n in &c.info.notes {
            if !notes.contains(n) {
                notes.push(n.clone());
            }
        }
    }
    let chat = Chat {
        id: person.id.clone(),
        title: person.name.clone(),
        sources,
        people: vec![me, person.name.clone()],
        events: merged.events,
        known_me: Some(0),
        data_end,
        notes,
    };
    let extra = PersonExtra {
        id: person.id.clone(),
        name: person.name.clone(),
        handles: person
            .handles
            .iter()
            .map(|h| (h.source, h.handle.clone()))
            .collect(),
        sources: merged.sources,
        duplicates: merged.duplicates,
        gaps: Vec::new(),
    };
    Ok((chat, extra))
}

/// [`build`] for a merged person: the plan is the active plan of one of their chats, and the
/// coverage gaps (periods where one of their sources has no data, up to the data end) censor
/// the silences that fall in them.
pub fn build_person(
    store: &mut Store,
    chat: Chat,
    mut extra: PersonExtra,
    chats: &[PersonChat],
    s: &ReportSettings,
) -> Result<Report> {
    if s.me.is_some() {
        return Err(crate::errors::usage(
            "--me: a report on a person knows your side from their handles; leave --me out",
        ));
    }
    let mut plan = None;
    for c in chats {
        if let Some(p) = store.active_plan(&c.info.id)? {
            plan = Some(p);
            break;
        }
    }
    let mut settled = config::settle(
        &s.knobs,
        None,
        &s.read.tz,
        &chat.view(),
        plan.as_ref(),
        store.activity()?,
    )?;
    extra.gaps = coverage_gaps(&extra.sources, settled.cfg.as_of);
    settled.cfg.coverage_gaps = extra.gaps.iter().map(|g| (g.start, g.end)).collect();
    let analysis = analyse(&chat.events, &chat.people, &settled)?;
    Ok(Report {
        chat,
        settled,
        tz_name: s.read.tz_name.clone(),
        analysis,
        person: Some(extra),
    })
}

fn analyse(events: &Events, people: &[String], settled: &Settled) -> Result<FullAnalysis> {
    analyze_full(events, people, &settled.cfg, &settled.activity)
        .map_err(|e| anyhow!("signal patterns: {e}"))
}

/// True when `imported` holds exactly one chat whose people the database has never seen in
/// that source, so that storing it creates a new chat with exactly these events.
fn is_new_single_chat(store: &Store, imported: &Imported) -> Result<bool> {
    let [chat] = imported.parsed.chats.as_slice() else {
        return Ok(false);
    };
    if !imported.parsed.activity.is_empty() || chat.events.is_empty() {
        return Ok(false);
    }
    let source = chat.source;
    Ok(!store.chats()?.iter().any(|c| {
        source.is_none_or(|s| c.sources.contains(&s))
            && c.participants.iter().any(|p| chat.people.contains(p))
    }))
}

/// Analyses the parsed chat while the store commits it; falls back to the general path when
/// the stored chat is not exactly the parsed one.
fn overlapped(
    store: &mut Store,
    s: &ReportSettings,
    path: &Path,
    imported: Imported,
) -> Result<Report> {
    let mut timer = Timer::from_env();
    let parsed = imported
        .parsed
        .chats
        .first()
        .ok_or_else(|| anyhow!("{}: expected one chat in this export", path.display()))?;
    // What the store will compute for a chat imported once (walkaway_store::data_end and
    // import_notes are what it uses).
    let last = parsed.events.iter().map(|e| e.ts).max();
    let data_end = walkaway_store::data_end(parsed.exported_at, imported.modified, last);
    let notes = walkaway_store::import_notes(&imported.parsed.diagnostics);
    let view = ChatView {
        title: parsed.title.as_deref().unwrap_or(""),
        people: &parsed.people,
        events: &parsed.events,
        known_me: parsed.me_hint,
        data_end,
    };
    let settled = config::settle(
        &s.knobs,
        s.me.as_deref(),
        &s.read.tz,
        &view,
        None,
        store.activity()?,
    )?;
    let (stored, analysis) = std::thread::scope(|scope| {
        let writer =
            scope.spawn(|| ingest::store_imported(store, path, &imported, &s.read.tz_name));
        let analysis = analyse(&parsed.events, &parsed.people, &settled);
        match writer.join() {
            Ok(stored) => (stored, analysis),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    let summary = stored?;
    timer.lap("import+analyse");
    if !s.output.json {
        ingest::write_summary(&mut std::io::stderr().lock(), path, &imported, &summary)?;
    }
    let [c] = summary.chats.as_slice() else {
        bail!("{}: expected one chat in this export", path.display());
    };
    let info = store
        .chat(&c.chat_id)?
        .ok_or_else(|| anyhow!("chat {} vanished after its import", c.chat_id))?;
    let premise = c.new_chat
        && c.present == 0
        && c.added == parsed.events.len() as u64
        && info.participants == parsed.people
        && info.data_end.zip(info.data_end_source) == data_end
        && info.notes == notes;
    if !premise {
        let chat = load(store, info)?;
        let plan = store.active_plan(&chat.id)?;
        return build(
            store,
            chat,
            &s.knobs,
            s.me.as_deref(),
            &s.read.tz,
            plan.as_ref(),
        );
    }
    if s.me.is_some() {
        store.set_me(&info.id, &parsed.people[settled.cfg.me as usize])?;
    }
    let analysis = analysis?;
    let mut chats = imported.parsed.chats;
    let parsed = chats.swap_remove(0);
    Ok(Report {
        chat: Chat {
            id: info.id,
            title: info.title,
            sources: info.sources,
            people: parsed.people,
            events: parsed.events,
            known_me: parsed.me_hint,
            data_end,
            notes,
        },
        settled,
        tz_name: s.read.tz_name.clone(),
        analysis,
        person: None,
    })
}

/// Prints the report (text or JSON) and writes the HTML file if asked.
pub fn render(output: &Output, report: &Report) -> Result<()> {
    // The same bytes as the `Render` implementations give, from the wire report with the
    // person's additions.
    let wire = if output.redact {
        walkaway_report::redact::redact(&report.wire())
    } else {
        report.wire()
    };
    let mut out = std::io::stdout().lock();
    if output.json {
        serde_json::to_writer_pretty(&mut out, &wire)?;
        out.write_all(b"\n")?;
    } else {
        let text = walkaway_report::terminal::render(&wire, style::color_stdout());
        out.write_all(text.as_bytes())?;
    }
    if let Some(path) = output.html.as_deref() {
        crate::private::write(path, walkaway_report::html::render(&wire).as_bytes())
            .with_context(|| format!("--html: cannot write {}", path.display()))?;
        if !output.json {
            writeln!(out, "\nHTML report written to {}", path.display())?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Stage timings on stderr when `WALKAWAY_TIMINGS` is set: a developer's aid for the
/// benchmarks, never on by default.
struct Timer(Option<std::time::Instant>);

impl Timer {
    fn from_env() -> Timer {
        Timer(std::env::var_os("WALKAWAY_TIMINGS").map(|_| std::time::Instant::now()))
    }

    fn lap(&mut self, stage: &str) {
        if let Some(t) = self.0 {
            eprintln!(
                "timing: {stage:<15} {:>8.3} s{}",
                t.elapsed().as_secs_f64(),
                memory()
            );
            self.0 = Some(std::time::Instant::now());
        }
    }
}

/// Resident and peak memory from `/proc/self/status`, where the system has it.
fn memory() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map_or("?", str::trim)
            .to_owned()
    };
    format!("   rss {}, peak {}", field("VmRSS:"), field("VmHWM:"))
}
