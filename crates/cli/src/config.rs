//! Validated settings. Every flag is checked here, once, before any work starts: [`settings`]
//! turns the parsed command line into one settings value per command, and an invalid value is
//! a usage error (exit code 2) naming the flag and what it accepts. The few checks that need
//! the chat (is `--as-of` inside the data, does the `--instagram` account appear anywhere) are
//! here too, in [`settle`], which the report runs once the chat is loaded.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};
use jiff::{civil::Date, tz::TimeZone};
use walkaway_analysis::signals::UserPattern;
use walkaway_analysis::{Config, StepbackConfig};
use walkaway_import::DateOrder;
use walkaway_model::{Activity, Event, Millis, PersonIdx, Source};
use walkaway_report::AsOfSource;
use walkaway_store::{DataEndSource, Plan};

use crate::args::{self, Cli, Command, PlanCommand};
use crate::chat;
use crate::errors::usage;

/// The largest accepted values: a year-long window, a day for the fast-reply rule, a week for
/// the conversation gap.
pub const MAX_WINDOW_DAYS: u32 = 365;
pub const MAX_FAST_REPLY_MINUTES: u32 = 24 * 60;
pub const MAX_GAP_MINUTES: u32 = 7 * 24 * 60;

/// One command, its flags validated.
pub enum Settings {
    Import(ImportSettings),
    Chats(ChatsSettings),
    Report(ReportSettings),
    PlanStart(PlanStartSettings),
    PlanStatus(PlanStatusSettings),
    PlanEnd(PlanEndSettings),
    PlanList(PlanListSettings),
    PlanShow(PlanShowSettings),
    People(PeopleSettings),
    Link(LinkSettings),
    Unlink(LinkSettings),
    Forget(ForgetSettings),
    App(AppSettings),
}

pub struct PeopleSettings {
    pub db: PathBuf,
    pub json: bool,
}

/// `link`/`unlink`: the person as typed (resolved against the database later) and the handles,
/// each checked to be `SOURCE:HANDLE` with a known source.
pub struct LinkSettings {
    pub db: PathBuf,
    pub person: String,
    pub handles: Vec<walkaway_store::Handle>,
}

/// `forget`: the chat or person as typed (resolved against the database later).
pub struct ForgetSettings {
    pub db: PathBuf,
    pub target: String,
    pub yes: bool,
}

/// How exports are read.
#[derive(Clone)]
pub struct ReadSettings {
    pub tz: TimeZone,
    pub tz_name: String,
    pub date_order: Option<DateOrder>,
}

pub struct ImportSettings {
    pub db: PathBuf,
    pub paths: Vec<PathBuf>,
    pub me: Option<String>,
    pub read: ReadSettings,
}

pub struct ChatsSettings {
    pub db: PathBuf,
    pub json: bool,
}

/// What `report` reports on.
pub enum Target {
    /// No target: the only chat in the database.
    Only,
    /// A chat id or title.
    Chat(String),
    /// An export file or folder to import first.
    Export(PathBuf),
}

/// Where the report goes.
#[derive(Clone, Default)]
pub struct Output {
    pub json: bool,
    pub html: Option<PathBuf>,
    /// `--redact`: no names, handles or message texts in any output.
    pub redact: bool,
}

/// The data end the user asked for.
#[derive(Clone, Copy, Debug, Default)]
pub enum AsOf {
    /// What the data says (METRICS.md "Data end").
    #[default]
    Data,
    /// `--as-of DATE`: the end of that day.
    Flag(Date),
    /// An ended plan's last day (`plan show`): the end of that day, or the data end if earlier.
    PlanEnd(Date),
}

/// The analysis flags of a report, validated, before the chat is known.
#[derive(Clone, Default)]
pub struct Knobs {
    pub as_of: AsOf,
    pub stepback: Option<Date>,
    pub window: Option<u32>,
    pub fast_reply: Option<u32>,
    pub gap_minutes: Option<u32>,
    /// Normalised ([`normalise_accounts`]).
    pub instagram: Vec<String>,
    pub patterns: Vec<UserPattern>,
}

pub struct ReportSettings {
    pub db: PathBuf,
    pub target: Target,
    pub read: ReadSettings,
    pub me: Option<String>,
    pub output: Output,
    pub knobs: Knobs,
}

pub struct PlanStartSettings {
    pub db: PathBuf,
    pub chat: Option<String>,
    pub date: Date,
    pub window: u32,
    pub fast_reply: u32,
    pub instagram: Vec<String>,
    pub replace: bool,
    pub tz: TimeZone,
}

pub struct PlanStatusSettings {
    pub db: PathBuf,
    pub chat: Option<String>,
    pub json: bool,
    pub tz: TimeZone,
    pub as_of: AsOf,
    pub patterns: Vec<UserPattern>,
}

pub struct PlanEndSettings {
    pub db: PathBuf,
    pub chat: Option<String>,
    pub on: Option<Date>,
    pub tz: TimeZone,
}

pub struct PlanListSettings {
    pub db: PathBuf,
    pub chat: Option<String>,
}

pub struct PlanShowSettings {
    pub db: PathBuf,
    pub id: i64,
    pub output: Output,
    pub tz: TimeZone,
    pub patterns: Vec<UserPattern>,
}

/// `walkaway app`: where to listen (always 127.0.0.1) and whether to open a browser.
pub struct AppSettings {
    /// 0: a free port.
    pub port: u16,
    pub open: bool,
}

/// Validates every flag of the command line.
pub fn settings(cli: Cli) -> Result<Settings> {
    Ok(match cli.command {
        Command::Import(a) => Settings::Import(ImportSettings {
            read: read(&a.read)?,
            db: db_path(a.db.db.as_deref())?,
            paths: a.paths,
            me: a.me,
        }),
        Command::Chats(a) => Settings::Chats(ChatsSettings {
            db: db_path(a.db.db.as_deref())?,
            json: a.json,
        }),
        Command::Report(a) => Settings::Report(report(a)?),
        Command::App(a) => Settings::App(AppSettings {
            port: a.port.unwrap_or(0),
            open: !a.no_open,
        }),
        Command::Plan(PlanCommand::Start(a)) => Settings::PlanStart(PlanStartSettings {
            date: date("DATE", &a.date)?,
            window: positive("--window", "days", a.window, MAX_WINDOW_DAYS)?,
            fast_reply: positive(
                "--fast-reply",
                "minutes",
                a.fast_reply,
                MAX_FAST_REPLY_MINUTES,
            )?,
            instagram: normalise_accounts(&a.instagram),
            replace: a.replace,
            tz: time_zone(None)?,
            db: db_path(a.db.db.as_deref())?,
            chat: a.chat,
        }),
        Command::Plan(PlanCommand::Status(a)) => Settings::PlanStatus(PlanStatusSettings {
            as_of: as_of(a.as_of.as_deref())?,
            tz: time_zone(a.tz.as_deref())?,
            patterns: user_patterns(None)?,
            db: db_path(a.db.db.as_deref())?,
            chat: a.chat,
            json: a.json,
        }),
        Command::Plan(PlanCommand::End(a)) => Settings::PlanEnd(PlanEndSettings {
            on: a.on.as_deref().map(|s| date("--on", s)).transpose()?,
            tz: time_zone(None)?,
            db: db_path(a.db.db.as_deref())?,
            chat: a.chat,
        }),
        Command::Plan(PlanCommand::List(a)) => Settings::PlanList(PlanListSettings {
            db: db_path(a.db.db.as_deref())?,
            chat: a.chat,
        }),
        Command::People(a) => Settings::People(PeopleSettings {
            db: db_path(a.db.db.as_deref())?,
            json: a.json,
        }),
        Command::Forget(a) => Settings::Forget(ForgetSettings {
            db: db_path(a.db.db.as_deref())?,
            target: a.target,
            yes: a.yes,
        }),
        Command::Link(a) => Settings::Link(link(a)?),
        Command::Unlink(a) => Settings::Unlink(link(a)?),
        Command::Plan(PlanCommand::Show(a)) => Settings::PlanShow(PlanShowSettings {
            tz: time_zone(a.tz.as_deref())?,
            patterns: user_patterns(None)?,
            db: db_path(a.db.db.as_deref())?,
            id: a.id,
            output: Output {
                json: a.json,
                html: a.html,
                redact: false,
            },
        }),
    })
}

/// The settings of `walkaway link` and `unlink`.
fn link(a: args::LinkArgs) -> Result<LinkSettings> {
    let handles = a
        .handles
        .iter()
        .map(|h| handle(h))
        .collect::<Result<Vec<_>>>()?;
    if a.person.trim().is_empty() {
        return Err(usage(
            "PERSON: expected an id or a name as `walkaway people` prints it, got ''",
        ));
    }
    Ok(LinkSettings {
        db: db_path(a.db.db.as_deref())?,
        person: a.person,
        handles,
    })
}

/// One `SOURCE:HANDLE` argument.
pub fn handle(s: &str) -> Result<walkaway_store::Handle> {
    walkaway_store::Handle::parse(s).ok_or_else(|| {
        let sources: Vec<&str> = Source::ALL.iter().map(|s| s.as_str()).collect();
        usage(format!(
            "HANDLE: expected SOURCE:HANDLE as `walkaway people` prints it (e.g. \
             sms:+15550001111, instagram:sam.rivera), with SOURCE one of {}; got '{s}'",
            sources.join(", ")
        ))
    })
}

/// The settings of `walkaway report`.
pub fn report(a: args::ReportArgs) -> Result<ReportSettings> {
    let read = read(&a.read)?;
    let stepback = a
        .stepback
        .as_deref()
        .map(|s| date("--stepback", s))
        .transpose()?;
    let window = a
        .window
        .map(|w| positive("--window", "days", w, MAX_WINDOW_DAYS))
        .transpose()?;
    let fast_reply = a
        .fast_reply
        .map(|f| positive("--fast-reply", "minutes", f, MAX_FAST_REPLY_MINUTES))
        .transpose()?;
    let gap_minutes = a
        .gap
        .map(|g| positive("--gap", "minutes", g, MAX_GAP_MINUTES))
        .transpose()?;
    let target = match a.target {
        None => Target::Only,
        Some(t) => match is_path(&t) {
            Some(p) => Target::Export(p),
            None => Target::Chat(t),
        },
    };
    Ok(ReportSettings {
        knobs: Knobs {
            as_of: as_of(a.as_of.as_deref())?,
            stepback,
            window,
            fast_reply,
            gap_minutes,
            instagram: normalise_accounts(&a.instagram),
            patterns: user_patterns(a.patterns.as_deref())?,
        },
        db: db_path(a.db.db.as_deref())?,
        target,
        read,
        me: a.me,
        output: Output {
            json: a.json,
            html: a.html,
            redact: a.redact,
        },
    })
}

fn read(a: &args::ReadArgs) -> Result<ReadSettings> {
    let tz = time_zone(a.tz.as_deref())?;
    Ok(ReadSettings {
        tz_name: zone_name(&tz),
        tz,
        date_order: date_order(a.date_order.as_deref())?,
    })
}

fn as_of(flag: Option<&str>) -> Result<AsOf> {
    Ok(match flag {
        Some(s) => AsOf::Flag(date("--as-of", s)?),
        None => AsOf::Data,
    })
}

/// The database path: `--db`, else `WALKAWAY_DB` (clap reads both), else the platform data dir.
pub fn db_path(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = flag {
        return Ok(p.to_path_buf());
    }
    let dir = dirs::data_dir().ok_or_else(|| {
        anyhow!("cannot find the platform data directory; pass --db PATH or set WALKAWAY_DB")
    })?;
    Ok(dir.join("walkaway").join("walkaway.db"))
}

/// `--tz ZONE`, else the system zone (UTC when the system has none configured).
pub fn time_zone(flag: Option<&str>) -> Result<TimeZone> {
    match flag {
        Some(name) => TimeZone::get(name.trim()).map_err(|_| {
            let names: Vec<String> = jiff::tz::db()
                .available()
                .map(|n| n.as_str().to_owned())
                .collect();
            let hint = match closest(name, names.iter().map(String::as_str)).first() {
                Some(best) if distance(&best.to_lowercase(), &name.to_lowercase()) <= 3 => {
                    format!("; did you mean {best}?")
                }
                _ => String::new(),
            };
            usage(format!(
                "--tz: unknown time zone '{name}'{hint} (expected an IANA zone name such as \
                 Europe/London, America/New_York or UTC)"
            ))
        }),
        None => Ok(TimeZone::try_system().unwrap_or(TimeZone::UTC)),
    }
}

/// A printable name for a zone (IANA name when known).
pub fn zone_name(tz: &TimeZone) -> String {
    tz.iana_name().unwrap_or("UTC").to_string()
}

pub fn date_order(flag: Option<&str>) -> Result<Option<DateOrder>> {
    match flag {
        None => Ok(None),
        Some(s) => s
            .trim()
            .parse::<DateOrder>()
            .map(Some)
            .map_err(|_| usage(format!("--date-order: expected dmy, mdy or ymd, got '{s}'"))),
    }
}

/// Parses `YYYY-MM-DD` for the flag named `flag`.
pub fn date(flag: &str, s: &str) -> Result<Date> {
    let t = s.trim();
    let well_formed = t.len() == 10 && t.as_bytes().get(4) == Some(&b'-');
    match t.parse::<Date>() {
        Ok(d) if well_formed => Ok(d),
        _ => Err(usage(format!(
            "{flag}: expected a real date written YYYY-MM-DD (e.g. 2026-10-01), got '{s}'"
        ))),
    }
}

/// Checks a count of days or minutes is from 1 to `max`.
pub fn positive(flag: &str, unit: &str, v: u32, max: u32) -> Result<u32> {
    if v == 0 || v > max {
        return Err(usage(format!(
            "{flag}: expected a number of {unit} from 1 to {max}, got {v}"
        )));
    }
    Ok(v)
}

/// Local midnight at the start of `d` in `tz`, as UTC milliseconds.
pub fn start_of_day(d: Date, tz: &TimeZone) -> Result<Millis> {
    let zoned = d
        .to_zoned(tz.clone())
        .with_context(|| format!("cannot place {d} in the time zone"))?;
    Ok(zoned.timestamp().as_millisecond())
}

/// The end of day `d` (next local midnight) in `tz`.
pub fn end_of_day(d: Date, tz: &TimeZone) -> Result<Millis> {
    let next = d
        .tomorrow()
        .map_err(|_| anyhow!("{d} is the last representable date"))?;
    start_of_day(next, tz)
}

/// The local date of an instant.
pub fn local_date(ms: Millis, tz: &TimeZone) -> Option<Date> {
    jiff::Timestamp::from_millisecond(ms)
        .ok()
        .map(|t| t.to_zoned(tz.clone()).date())
}

pub fn now_millis() -> Millis {
    jiff::Timestamp::now().as_millisecond()
}

pub fn today(tz: &TimeZone) -> Date {
    jiff::Timestamp::now().to_zoned(tz.clone()).date()
}

/// Accounts as Instagram shows them: no `@`, lowercase, each once.
pub fn normalise_accounts(v: &[String]) -> Vec<String> {
    let mut out: Vec<String> = v.iter().map(|s| normalise_account(s)).collect();
    out.retain(|s| !s.is_empty());
    out.sort();
    out.dedup();
    out
}

pub fn normalise_account(s: &str) -> String {
    s.trim().trim_start_matches('@').to_lowercase()
}

/// Extra signal patterns: `--patterns FILE`, else `signals.txt` in the config directory.
pub fn user_patterns(flag: Option<&Path>) -> Result<Vec<UserPattern>> {
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
        .with_context(|| format!("--patterns: cannot read {}", path.display()))?;
    walkaway_analysis::signals::parse_user_patterns(&text)
        .map_err(|e| anyhow!("--patterns: {}: {e}", path.display()))
}

/// True when `target` names an existing file or folder (an export to import first).
pub fn is_path(target: &str) -> Option<PathBuf> {
    let p = PathBuf::from(target);
    p.exists().then_some(p)
}

/// The chat a report is about, as far as the flags' checks need it.
pub struct ChatView<'a> {
    pub title: &'a str,
    pub people: &'a [String],
    pub events: &'a [Event],
    /// Who the user is according to the database or the export.
    pub known_me: Option<PersonIdx>,
    /// The data end and where it came from (METRICS.md "Data end").
    pub data_end: Option<(Millis, DataEndSource)>,
}

/// The flags checked against the chat, turned into what the analysis and the report need.
pub struct Settled {
    pub cfg: Config,
    pub as_of_source: AsOfSource,
    /// The partner's accounts checked (flags, else the plan's).
    pub accounts: Vec<String>,
    /// The user's activity on those accounts.
    pub activity: Vec<Activity>,
    /// One-line notes for stderr (a flag that had no effect).
    pub notes: Vec<String>,
}

/// Checks the flags that depend on the chat and builds the analysis settings: who is who
/// (`--me`, else the known user), the data end (`--as-of` must lie from the first event's day
/// to today), the step-back (flags, else the plan; `--stepback` not before the first event),
/// and the partner's Instagram accounts (each must appear in the imported activity, when any
/// Instagram activity is imported). `all_activity` is every stored activity record.
pub fn settle(
    knobs: &Knobs,
    me_flag: Option<&str>,
    tz: &TimeZone,
    chat: &ChatView<'_>,
    plan: Option<&Plan>,
    all_activity: Vec<Activity>,
) -> Result<Settled> {
    let (me, partner) = chat::sides(chat.people, chat.known_me, me_flag)?;
    let first = chat.events.first().map(|e| e.ts);
    let last = chat.events.last().map(|e| e.ts);
    let first_day = first.and_then(|f| local_date(f, tz));
    let today = today(tz);

    let data = || match chat.data_end {
        Some((t, s)) => (t, as_of_source(s)),
        None => (last.unwrap_or_else(now_millis), AsOfSource::LastEvent),
    };
    let (as_of, as_of_source) = match knobs.as_of {
        AsOf::Data => data(),
        AsOf::Flag(d) => {
            if let Some(f) = first_day
                && (d < f || d > today)
            {
                return Err(usage(format!(
                    "--as-of: {d} is outside the data; choose a day from {f} (the chat's first \
                     message) to {today} (today)"
                )));
            }
            if first_day.is_none() && d > today {
                return Err(usage(format!("--as-of: {d} is after today ({today})")));
            }
            (end_of_day(d, tz)?, AsOfSource::AsOfFlag)
        }
        AsOf::PlanEnd(d) => {
            let end = end_of_day(d, tz)?;
            let (t, s) = data();
            if end < t {
                (end, AsOfSource::AsOfFlag)
            } else {
                (t, s)
            }
        }
    };

    let mut cfg = Config::new(me, partner, as_of);
    cfg.tz = tz.clone();
    cfg.gap = knobs.gap_minutes.map(|g| i64::from(g) * 60_000);
    cfg.extra_signal_patterns = knobs.patterns.clone();

    let stepback_date = match (knobs.stepback, plan) {
        (Some(d), _) => {
            if let Some(f) = first_day
                && d < f
            {
                return Err(usage(format!(
                    "--stepback: {d} is before the chat's first message ({f}); choose a day \
                     from {f} on"
                )));
            }
            Some(d)
        }
        (None, Some(p)) => Some(
            p.start_date
                .parse::<Date>()
                .map_err(|_| anyhow!("the stored plan has an invalid date '{}'", p.start_date))?,
        ),
        (None, None) => None,
    };
    if let Some(date) = stepback_date {
        cfg.stepback = Some(StepbackConfig {
            start: start_of_day(date, tz)?,
            date,
            window_days: knobs.window.or(plan.map(|p| p.window_days)).unwrap_or(14),
            fast_reply: i64::from(
                knobs
                    .fast_reply
                    .or(plan.map(|p| p.fast_reply_minutes))
                    .unwrap_or(30),
            ) * 60_000,
        });
    } else if knobs.window.is_some() || knobs.fast_reply.is_some() {
        return Err(usage(
            "--window and --fast-reply need --stepback DATE (or a stored plan)",
        ));
    }

    let mut notes = Vec::new();
    // A group gets its report with the reason at the top (the method is about one person);
    // a step-back asked for it is skipped with a note, not refused.
    if partner.is_none() && cfg.stepback.take().is_some() {
        let title = if chat.title.is_empty() {
            "this chat"
        } else {
            chat.title
        };
        notes.push(format!(
            "note: no step-back for \"{title}\": it is a group of {} people, and the step-back \
             is measured in a two-person chat",
            chat.people.len()
        ));
    }
    let (accounts, activity) = if cfg.stepback.is_none() {
        if !knobs.instagram.is_empty() {
            notes.push(
                "note: --instagram had no effect: it checks your likes and comments after a \
                 step-back; add --stepback DATE or start a plan"
                    .to_owned(),
            );
        }
        (Vec::new(), Vec::new())
    } else {
        check_accounts("--instagram", &knobs.instagram, &all_activity)?;
        let accounts = if knobs.instagram.is_empty() {
            plan.map(|p| normalise_accounts(&p.partner_accounts))
                .unwrap_or_default()
        } else {
            knobs.instagram.clone()
        };
        let activity = if accounts.is_empty() {
            Vec::new()
        } else {
            all_activity
                .into_iter()
                .filter(|x| {
                    x.target
                        .as_deref()
                        .is_some_and(|t| accounts.contains(&normalise_account(t)))
                })
                .collect()
        };
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

pub fn as_of_source(s: DataEndSource) -> AsOfSource {
    match s {
        DataEndSource::Export => AsOfSource::Export,
        DataEndSource::FileModified => AsOfSource::FileModified,
        DataEndSource::LastEvent => AsOfSource::LastEvent,
    }
}

/// Each account must appear in the imported Instagram activity; with no Instagram activity
/// imported at all nothing can be checked (the report says the rule was not checked).
pub fn check_accounts(flag: &str, accounts: &[String], activity: &[Activity]) -> Result<()> {
    let mut known: Vec<String> = activity
        .iter()
        .filter(|a| a.source == Source::Instagram)
        .filter_map(|a| a.target.as_deref().map(normalise_account))
        .filter(|t| !t.is_empty())
        .collect();
    known.sort();
    known.dedup();
    let has_instagram = activity.iter().any(|a| a.source == Source::Instagram);
    if !has_instagram {
        return Ok(());
    }
    for account in accounts {
        if known.contains(account) {
            continue;
        }
        let listed = closest(account, known.iter().map(String::as_str));
        let shown: Vec<&str> = listed.iter().take(10).copied().collect();
        let more = listed.len().saturating_sub(shown.len());
        let list = if shown.is_empty() {
            "none".to_owned()
        } else if more > 0 {
            format!("{}, and {more} more", shown.join(", "))
        } else {
            shown.join(", ")
        };
        return Err(usage(format!(
            "{flag}: '{account}' appears nowhere in your imported Instagram activity; the \
             accounts that do, closest first: {list}"
        )));
    }
    Ok(())
}

/// `candidates` sorted by edit distance to `word` (case-insensitive), then by name.
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let w = word.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .map(|c| (distance(&c.to_lowercase(), &w), c))
        .collect();
    scored.sort();
    scored.into_iter().map(|(_, c)| c).collect()
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::is_usage;

    #[test]
    fn dates_and_zones() {
        assert!(is_usage(&date("--as-of", "2026-13-01").unwrap_err()));
        assert!(date("--as-of", "2026-1-01").is_err());
        let d = date("--stepback", "2026-10-01").unwrap();
        let tz = time_zone(Some("Europe/Berlin")).unwrap();
        // 2026-10-01 00:00 CEST = 2026-09-30T22:00Z
        let ms = start_of_day(d, &tz).unwrap();
        assert_eq!(
            jiff::Timestamp::from_millisecond(ms).unwrap().to_string(),
            "2026-09-30T22:00:00Z"
        );
        assert_eq!(end_of_day(d, &tz).unwrap() - ms, 24 * 3600 * 1000);
        let err = time_zone(Some("Mars/Olympus")).unwrap_err();
        assert!(is_usage(&err));
        let err = time_zone(Some("europe/londn")).unwrap_err().to_string();
        assert!(err.contains("did you mean Europe/London?"), "{err}");
        assert!(is_usage(&date_order(Some("xyz")).unwrap_err()));
        assert!(is_usage(&positive("--gap", "minutes", 0, 10).unwrap_err()));
    }

    #[test]
    fn closest_first() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("sam_rivera", "sam.rivera"), 1);
        assert_eq!(
            closest(
                "sam_rivera",
                ["jules.bakes", "sam.rivera", "marcos.trails"].into_iter()
            ),
            vec!["sam.rivera", "marcos.trails", "jules.bakes"]
        );
        assert_eq!(
            normalise_accounts(&["@Sam.Rivera ".into(), "sam.rivera".into()]),
            vec!["sam.rivera"]
        );
    }
}
