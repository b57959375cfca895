//! `walkaway report`: from a chat (or an export to import first) to the answers.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};
use walkaway_analysis::{Config, StepbackConfig};
use walkaway_import::Options;
use walkaway_model::Source;
use walkaway_report::{Input, Render};

use crate::args::ReportArgs;
use crate::commands::{import_one, normalise_accounts, open_store, write_summary};
use crate::{chat, config, style};

pub fn run(a: ReportArgs) -> Result<()> {
    let mut timer = Timer::from_env();
    let tz = config::time_zone(a.read.tz.as_deref())?;
    let mut store = open_store(a.db.db.as_deref())?;

    // An export path is imported first (idempotently), then reported on.
    let mut chat_query = a.target.clone();
    if let Some(path) = a.target.as_deref().and_then(crate::commands::is_path) {
        let opts = Options {
            tz: tz.clone(),
            date_order: config::date_order(a.read.date_order.as_deref())?,
        };
        let chat_ids = import_target(&mut store, &path, &opts, &config::zone_name(&tz), a.json)?;
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
    let (me, partner) = chat::sides(&loaded, a.me.as_deref())?;
    if let Some(name) = a.me.as_deref() {
        store
            .set_me(&info.id, &loaded.people[me as usize])
            .with_context(|| format!("--me {name}"))?;
    }

    // Data end: --as-of (end of that local day), else what the store knows of the export.
    let as_of = match a.as_of.as_deref() {
        Some(s) => config::end_of_day(config::date("--as-of", s)?, &tz)?,
        None => info
            .data_end
            .or(info.last)
            .unwrap_or_else(config::now_millis),
    };

    let plan = store.active_plan(&info.id)?;
    let mut cfg = Config::new(me, partner, as_of);
    cfg.tz = tz.clone();
    if let Some(g) = a.gap {
        cfg.gap = Some(i64::from(config::positive("--gap", g, 7 * 24 * 60)?) * 60_000);
    }
    let stepback_date = match (a.stepback.as_deref(), &plan) {
        (Some(s), _) => Some(config::date("--stepback", s)?),
        (None, Some(p)) => Some(config::date("stored plan date", &p.start_date)?),
        (None, None) => None,
    };
    if let Some(date) = stepback_date {
        let window = match (a.window, &plan) {
            (Some(w), _) => config::positive("--window", w, 365)?,
            (None, Some(p)) => p.window_days,
            (None, None) => 14,
        };
        let fast = match (a.fast_reply, &plan) {
            (Some(f), _) => config::positive("--fast-reply", f, 24 * 60)?,
            (None, Some(p)) => p.fast_reply_minutes,
            (None, None) => 30,
        };
        cfg.stepback = Some(StepbackConfig {
            start: config::start_of_day(date, &tz)?,
            date,
            window_days: window,
            fast_reply: i64::from(fast) * 60_000,
        });
    } else if a.window.is_some() || a.fast_reply.is_some() {
        bail!("--window and --fast-reply need --stepback DATE (or a stored plan)");
    }
    if partner.is_none() && cfg.stepback.is_some() {
        bail!(
            "a step-back needs a two-person chat; \"{}\" has {} participants",
            info.title,
            loaded.people.len()
        );
    }
    cfg.extra_signal_patterns = user_patterns(a.patterns.as_deref())?;

    // Instagram likes and comments on the partner's account(s).
    let mut accounts = normalise_accounts(&a.instagram);
    if accounts.is_empty()
        && let Some(p) = &plan
    {
        accounts = p.partner_accounts.clone();
    }
    let activity: Vec<_> = store
        .activity()?
        .into_iter()
        .filter(|x| {
            x.target
                .as_ref()
                .is_some_and(|t| accounts.iter().any(|a| a == t))
        })
        .collect();

    let analysis =
        walkaway_analysis::full::analyze_full(&loaded.events, &loaded.people, &cfg, &activity)
            .map_err(|e| anyhow::anyhow!("signal patterns: {e}"))?;
    timer.lap("analyse");
    let sources: Vec<Source> = info.sources.clone();
    let input = Input {
        chat_id: &info.id,
        title: &info.title,
        sources: &sources,
        people: &loaded.people,
        events: &loaded.events,
        cfg: &cfg,
        tz_name: &config::zone_name(&tz),
        analysis: &analysis,
        instagram_accounts: &accounts,
        activity: &activity,
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
    timer.lap("render");
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
            eprintln!("timing: {stage:<8} {:>8.3} s", t.elapsed().as_secs_f64());
            self.0 = Some(std::time::Instant::now());
        }
    }
}

/// Imports a file, or every export in a folder (chat exports and Instagram activity folders),
/// and returns the ids of the chats it touched. Summaries go to stderr so stdout stays the report.
fn import_target(
    store: &mut walkaway_store::Store,
    path: &Path,
    opts: &Options,
    tz_name: &str,
    quiet: bool,
) -> Result<Vec<String>> {
    let targets = crate::commands::expand_target(path)?;
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
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}
