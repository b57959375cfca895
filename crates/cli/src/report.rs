//! `walkaway report`: from a chat (or an export to import first) to the answers.
//!
//! Two paths give the same report. The general one imports (if asked), loads the chat from
//! the database and analyses it. The overlapped one is taken when `report FILE` brings a chat
//! the database has never seen: the stored chat will then be exactly the parsed one, so the
//! analysis runs on the parsed events while the database commits on the other core, and the
//! result is used only if the store confirms that premise (new chat, nothing already present,
//! same participants, same data end); otherwise the general path runs. A test pins that both
//! paths print the same JSON.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use walkaway_analysis::full::{FullAnalysis, analyze_full};
use walkaway_analysis::{Config, StepbackConfig};
use walkaway_import::{Imported, Options};
use walkaway_model::{Activity, Millis, PersonIdx, Source};
use walkaway_report::{Input, Render};
use walkaway_store::{ChatInfo, Plan, Store};

use crate::args::ReportArgs;
use crate::commands::{
    expand_target, import_one, normalise_accounts, open_store, store_imported, write_summary,
};
use crate::{chat, config, style};

pub fn run(a: ReportArgs) -> Result<()> {
    let mut timer = Timer::from_env();
    let tz = config::time_zone(a.read.tz.as_deref())?;
    let tz_name = config::zone_name(&tz);
    let mut store = open_store(a.db.db.as_deref())?;

    // An export path is imported first (idempotently), then reported on.
    let mut chat_query = a.target.clone();
    if let Some(path) = a.target.as_deref().and_then(crate::commands::is_path) {
        let opts = Options {
            tz: tz.clone(),
            date_order: config::date_order(a.read.date_order.as_deref())?,
        };
        let chat_ids = if path.is_file() {
            let imported = walkaway_import::read_path(&path, &opts)?;
            timer.lap("parse");
            if is_new_single_chat(&store, &imported)? {
                match overlapped(&a, &mut store, &path, &imported, &tz, &tz_name, &mut timer)? {
                    Overlap::Done => return Ok(()),
                    Overlap::Fallback(id) => vec![id],
                }
            } else {
                let summary = store_imported(&mut store, &path, &imported, &tz_name)?;
                if !a.json {
                    write_summary(&mut std::io::stderr().lock(), &path, &imported, &summary)?;
                }
                summary.chats.iter().map(|c| c.chat_id.clone()).collect()
            }
        } else {
            import_folder(&mut store, &path, &opts, &tz_name, a.json)?
        };
        match chat_ids.as_slice() {
            [one] => chat_query = Some(one.clone()),
            [] => bail!("{}: no chat found to report on", path.display()),
            many => bail!(
                "{} holds {} chats; report on one by id: {}",
                path.display(),
                many.len(),
                many.join(", ")
            ),
        }
    }
    timer.lap("import");
    let info = chat::resolve(&store, chat_query.as_deref())?;
    let loaded = store.load_chat(&info.id)?;
    timer.lap("load");
    let (me, partner) = chat::sides(
        &loaded.people,
        loaded.me.or(loaded.me_hint),
        a.me.as_deref(),
    )?;
    if a.me.is_some() {
        store.set_me(&info.id, &loaded.people[me as usize])?;
    }
    let as_of = match a.as_of.as_deref() {
        Some(s) => config::end_of_day(config::date("--as-of", s)?, &tz)?,
        None => info
            .data_end
            .or(info.last)
            .unwrap_or_else(config::now_millis),
    };
    let plan = store.active_plan(&info.id)?;
    let cfg = settings(
        &a,
        &tz,
        me,
        partner,
        as_of,
        plan.as_ref(),
        &info.title,
        loaded.people.len(),
    )?;
    let (accounts, activity) = partner_activity(&store, &a, plan.as_ref())?;
    let analysis = analyze_full(&loaded.events, &loaded.people, &cfg, &activity)
        .map_err(|e| anyhow!("signal patterns: {e}"))?;
    timer.lap("analyse");
    render(
        &a,
        &info,
        &loaded.people,
        &loaded.events,
        &cfg,
        &tz_name,
        &analysis,
        &accounts,
        &activity,
    )?;
    timer.lap("render");
    Ok(())
}

enum Overlap {
    Done,
    /// The premise did not hold: report on this chat the general way.
    Fallback(String),
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

#[allow(clippy::too_many_arguments)]
fn overlapped(
    a: &ReportArgs,
    store: &mut Store,
    path: &Path,
    imported: &Imported,
    tz: &jiff::tz::TimeZone,
    tz_name: &str,
    timer: &mut Timer,
) -> Result<Overlap> {
    let chat = &imported.parsed.chats[0];
    let people = &chat.people;
    let (me, partner) = chat::sides(people, chat.me_hint, a.me.as_deref())?;
    // The data end the store will compute for a chat imported once (see ChatInfo::data_end).
    let last = chat.events.iter().map(|e| e.ts).max();
    let data_end: Option<Millis> = chat
        .exported_at
        .or_else(|| match (imported.modified, last) {
            (Some(m), Some(l)) => Some(m.max(l)),
            (m, l) => m.or(l),
        });
    let as_of = match a.as_of.as_deref() {
        Some(s) => config::end_of_day(config::date("--as-of", s)?, tz)?,
        None => data_end.unwrap_or_else(config::now_millis),
    };
    let cfg = settings(
        a,
        tz,
        me,
        partner,
        as_of,
        None,
        chat.title.as_deref().unwrap_or(""),
        people.len(),
    )?;
    let (accounts, activity) = partner_activity(store, a, None)?;

    let (stored, analysis) = std::thread::scope(|s| {
        let writer = s.spawn(|| store_imported(store, path, imported, tz_name));
        let analysis = analyze_full(&chat.events, people, &cfg, &activity);
        match writer.join() {
            Ok(stored) => (stored, analysis),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    let summary = stored?;
    timer.lap("import+analyse");
    if !a.json {
        write_summary(&mut std::io::stderr().lock(), path, imported, &summary)?;
    }
    let [c] = summary.chats.as_slice() else {
        bail!("{}: expected one chat in this export", path.display());
    };
    let info = store
        .chat(&c.chat_id)?
        .ok_or_else(|| anyhow!("chat {} vanished after its import", c.chat_id))?;
    let premise = c.new_chat
        && c.present == 0
        && c.added == chat.events.len() as u64
        && info.participants == *people
        && (a.as_of.is_some() || info.data_end == data_end);
    if !premise {
        return Ok(Overlap::Fallback(c.chat_id.clone()));
    }
    if a.me.is_some() {
        store.set_me(&info.id, &people[me as usize])?;
    }
    let analysis = analysis.map_err(|e| anyhow!("signal patterns: {e}"))?;
    render(
        a,
        &info,
        people,
        &chat.events,
        &cfg,
        tz_name,
        &analysis,
        &accounts,
        &activity,
    )?;
    timer.lap("render");
    Ok(Overlap::Done)
}

impl ReportArgs {
    /// Every flag at its default (the stored plan, if any, decides the step-back), reporting on
    /// `target`. Used by `plan status` and by the progress shown after an import.
    pub(crate) fn for_chat(target: Option<String>) -> ReportArgs {
        ReportArgs {
            target,
            me: None,
            read: crate::args::ReadArgs {
                tz: None,
                date_order: None,
            },
            json: false,
            html: None,
            stepback: None,
            window: None,
            fast_reply: None,
            as_of: None,
            gap: None,
            instagram: Vec::new(),
            patterns: None,
            db: crate::args::DbArg { db: None },
        }
    }
}

/// Validated analysis settings: the data end, the gap, the step-back (flags first, then the
/// stored plan, then defaults) and the user's signal patterns.
#[allow(clippy::too_many_arguments)]
pub(crate) fn settings(
    a: &ReportArgs,
    tz: &jiff::tz::TimeZone,
    me: PersonIdx,
    partner: Option<PersonIdx>,
    as_of: Millis,
    plan: Option<&Plan>,
    title: &str,
    n_people: usize,
) -> Result<Config> {
    let mut cfg = Config::new(me, partner, as_of);
    cfg.tz = tz.clone();
    if let Some(g) = a.gap {
        cfg.gap = Some(i64::from(config::positive("--gap", g, 7 * 24 * 60)?) * 60_000);
    }
    let stepback_date = match (a.stepback.as_deref(), plan) {
        (Some(s), _) => Some(config::date("--stepback", s)?),
        (None, Some(p)) => Some(config::date("stored plan date", &p.start_date)?),
        (None, None) => None,
    };
    if let Some(date) = stepback_date {
        let window = match (a.window, plan) {
            (Some(w), _) => config::positive("--window", w, 365)?,
            (None, Some(p)) => p.window_days,
            (None, None) => 14,
        };
        let fast = match (a.fast_reply, plan) {
            (Some(f), _) => config::positive("--fast-reply", f, 24 * 60)?,
            (None, Some(p)) => p.fast_reply_minutes,
            (None, None) => 30,
        };
        cfg.stepback = Some(StepbackConfig {
            start: config::start_of_day(date, tz)?,
            date,
            window_days: window,
            fast_reply: i64::from(fast) * 60_000,
        });
    } else if a.window.is_some() || a.fast_reply.is_some() {
        bail!("--window and --fast-reply need --stepback DATE (or a stored plan)");
    }
    if partner.is_none() && cfg.stepback.is_some() {
        let title = if title.is_empty() { "this chat" } else { title };
        bail!("a step-back needs a two-person chat; \"{title}\" has {n_people} participants");
    }
    cfg.extra_signal_patterns = user_patterns(a.patterns.as_deref())?;
    Ok(cfg)
}

/// The partner's Instagram accounts (flags, else the plan's) and the user's likes and comments
/// on them.
pub(crate) fn partner_activity(
    store: &Store,
    a: &ReportArgs,
    plan: Option<&Plan>,
) -> Result<(Vec<String>, Vec<Activity>)> {
    let mut accounts = normalise_accounts(&a.instagram);
    if accounts.is_empty()
        && let Some(p) = plan
    {
        accounts = p.partner_accounts.clone();
    }
    if accounts.is_empty() {
        return Ok((accounts, Vec::new()));
    }
    let activity = store
        .activity()?
        .into_iter()
        .filter(|x| x.target.as_ref().is_some_and(|t| accounts.contains(t)))
        .collect();
    Ok((accounts, activity))
}

#[allow(clippy::too_many_arguments)]
fn render(
    a: &ReportArgs,
    info: &ChatInfo,
    people: &[String],
    events: &walkaway_model::Events,
    cfg: &Config,
    tz_name: &str,
    analysis: &FullAnalysis,
    accounts: &[String],
    activity: &[Activity],
) -> Result<()> {
    let sources: Vec<Source> = info.sources.clone();
    let input = Input {
        chat_id: &info.id,
        title: &info.title,
        sources: &sources,
        people,
        events,
        cfg,
        tz_name,
        analysis,
        instagram_accounts: accounts,
        activity,
        // Refined by the data-end work of issue 7 (flag, export, file date, last event).
        as_of_source: if a.as_of.is_some() {
            walkaway_report::AsOfSource::AsOfFlag
        } else if info.data_end.is_some() && info.data_end != info.last {
            walkaway_report::AsOfSource::FileModified
        } else {
            walkaway_report::AsOfSource::LastEvent
        },
    };
    let mut out = std::io::stdout().lock();
    if a.json {
        out.write_all(&walkaway_report::Json.render(&input))?;
    } else {
        let term = walkaway_report::Terminal {
            color: style::color_stdout(),
        };
        out.write_all(&term.render(&input))?;
    }
    if let Some(path) = a.html.as_deref() {
        std::fs::write(path, walkaway_report::Html.render(&input))
            .with_context(|| format!("--html: cannot write {}", path.display()))?;
        if !a.json {
            writeln!(out, "\nHTML report written to {}", path.display())?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Imports every export in a folder and returns the ids of the chats it touched. Summaries go
/// to stderr so stdout stays the report.
fn import_folder(
    store: &mut Store,
    path: &Path,
    opts: &Options,
    tz_name: &str,
    quiet: bool,
) -> Result<Vec<String>> {
    let targets = expand_target(path)?;
    let mut chats = Vec::new();
    let mut err = std::io::stderr().lock();
    for t in &targets {
        match import_one(store, t, opts, tz_name) {
            Ok((imported, summary)) => {
                if !quiet {
                    write_summary(&mut err, t, &imported, &summary)?;
                }
                chats.extend(summary.chats.iter().map(|c| c.chat_id.clone()));
            }
            Err(e) if targets.len() > 1 => {
                writeln!(err, "walkaway: skipped {}: {e:#}", t.display())?;
            }
            Err(e) => return Err(e),
        }
    }
    chats.sort();
    chats.dedup();
    Ok(chats)
}

/// Extra signal patterns: `--patterns FILE`, else `signals.txt` in the config directory.
fn user_patterns(flag: Option<&Path>) -> Result<Vec<walkaway_analysis::signals::UserPattern>> {
    let path = match flag {
        Some(p) => p.to_path_buf(),
        None => match dirs::config_dir() {
            Some(d) => {
                let p = d.join("walkaway").join("signals.txt");
                if !p.exists() {
                    return Ok(Vec::new());
                }
                p
            }
            None => return Ok(Vec::new()),
        },
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read signal patterns {}", path.display()))?;
    walkaway_analysis::signals::parse_user_patterns(&text)
        .map_err(|e| anyhow!("{}: {e}", path.display()))
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
