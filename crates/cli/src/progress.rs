//! Step-back progress after an import: while a plan is active, each `walkaway import` of a
//! newer export ends with how the plan is going (days kept, breaches, his reach-outs, the
//! outcome so far), computed exactly as `walkaway report` computes it.

use anyhow::{Result, anyhow};
use walkaway_analysis::full::analyze_full;
use walkaway_model::Source;
use walkaway_report::Input;
use walkaway_store::Store;

use crate::args::ReportArgs;
use crate::{chat, config, report};

/// The progress text for `chat_id`, or None when it has no active plan.
pub fn plan_progress(
    store: &Store,
    chat_id: &str,
    tz: &jiff::tz::TimeZone,
    color: bool,
) -> Result<Option<String>> {
    let Some(plan) = store.active_plan(chat_id)? else {
        return Ok(None);
    };
    let Some(info) = store.chat(chat_id)? else {
        return Ok(None);
    };
    let loaded = store.load_chat(chat_id)?;
    let Ok((me, partner)) = chat::sides(&loaded.people, loaded.me.or(loaded.me_hint), None) else {
        return Ok(Some(
            "  step-back plan: tell walkaway which participant is you (--me NAME) to follow it\n"
                .to_string(),
        ));
    };
    if partner.is_none() {
        return Ok(None);
    }
    let as_of = info
        .data_end
        .or(info.last)
        .unwrap_or_else(config::now_millis);
    let args = ReportArgs::for_chat(None);
    let cfg = report::settings(
        &args,
        tz,
        me,
        partner,
        as_of,
        Some(&plan),
        &info.title,
        loaded.people.len(),
    )?;
    let (accounts, activity) = report::partner_activity(store, &args, Some(&plan))?;
    let analysis = analyze_full(&loaded.events, &loaded.people, &cfg, &activity)
        .map_err(|e| anyhow!("signal patterns: {e}"))?;
    let sources: Vec<Source> = info.sources.clone();
    let tz_name = config::zone_name(tz);
    let wire = walkaway_report::to_wire(&Input {
        chat_id: &info.id,
        title: &info.title,
        sources: &sources,
        people: &loaded.people,
        events: &loaded.events,
        cfg: &cfg,
        tz_name: &tz_name,
        analysis: &analysis,
        instagram_accounts: &accounts,
        activity: &activity,
        as_of_source: walkaway_report::AsOfSource::LastEvent,
    });
    Ok(Some(walkaway_report::terminal::stepback_section(
        &wire, color,
    )))
}
