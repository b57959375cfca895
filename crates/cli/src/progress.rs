//! Step-back progress after an import: while a plan is active, each `walkaway import` of a
//! newer export ends with the short status `walkaway plan status` prints, computed exactly as
//! `walkaway report` computes it.

use anyhow::Result;
use walkaway_store::Store;

use crate::config::Knobs;
use crate::{chat, plan, report};

/// The progress text for `chat_id`, or None when it has no active plan.
pub fn plan_progress(
    store: &mut Store,
    chat_id: &str,
    tz: &jiff::tz::TimeZone,
) -> Result<Option<String>> {
    let Some(active) = store.active_plan(chat_id)? else {
        return Ok(None);
    };
    let Some(info) = store.chat(chat_id)? else {
        return Ok(None);
    };
    let chat = report::load(store, info)?;
    if chat::sides(&chat.people, chat.known_me, None).is_err() {
        return Ok(Some(
            "  step-back plan: tell walkaway which participant is you (--me NAME) to follow it\n"
                .to_string(),
        ));
    }
    if chat.people.len() != 2 {
        return Ok(None);
    }
    let knobs = Knobs {
        patterns: crate::config::user_patterns(None)?,
        ..Knobs::default()
    };
    let r = report::build(store, chat, &knobs, None, tz, Some(&active))?;
    Ok(Some(plan::short_status(&r, tz, "  ")))
}
