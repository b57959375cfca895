//! The JSON report: versioned wire types, the only serialized shape of an analysis.
//!
//! `schema_version` 1 fixes the names in PRODUCT.md's contract; more fields are welcome but
//! none of the fixed ones may change meaning. A test deserializes real output with
//! `deny_unknown_fields`, so a field cannot appear or vanish without this file changing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub schema_version: u32,
    pub chat: Chat,
    pub me: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<String>,
    pub participants: Vec<String>,
    pub parameters: Parameters,
    pub messages: Messages,
    pub conversations: Conversations,
    pub replies: BTreeMap<String, Replies>,
    pub balance: Balance,
    pub forecast: Forecast,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stepback: Option<Stepback>,
    pub signals: Vec<SignalHit>,
    pub monthly: Vec<Month>,
    /// ISO weeks (Monday, local time), the series the change points are found in.
    pub weekly: Vec<Week>,
    pub changes: Vec<Change>,
    /// Messages per hour of the week (Monday 00:00 first, local time), per person.
    pub hour_of_week: BTreeMap<String, Vec<u64>>,
    /// Import warnings that bear on every figure (e.g. an ambiguous date order), in plain
    /// lowercase sentences; empty when there are none.
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Chat {
    pub id: String,
    pub title: String,
    pub sources: Vec<String>,
}

/// Everything the numbers depend on, so a report can be reproduced.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Parameters {
    pub tz: String,
    /// Data end (RFC 3339, UTC).
    pub as_of: String,
    /// Where the data end came from: as_of_flag, export, file_modified or last_event.
    pub as_of_source: String,
    pub gap_seconds: i64,
    /// How G was chosen: override, valley, default_too_few_gaps, default_no_valley.
    pub gap_choice: String,
    pub bootstrap_reps: u32,
    pub seed: u64,
    pub first_event: Option<String>,
    pub last_event: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Messages {
    pub total: u64,
    pub by: BTreeMap<String, u64>,
    pub words_by: BTreeMap<String, u64>,
    pub questions_by: BTreeMap<String, u64>,
    pub emoji_by: BTreeMap<String, u64>,
    pub media_by: BTreeMap<String, u64>,
    pub calls_by: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Conversations {
    pub gap_seconds: i64,
    pub count: u64,
    pub opened_by: BTreeMap<String, u64>,
    pub closed_by: BTreeMap<String, u64>,
    /// The user's openings / all openings, with a Wilson 95% interval (two-person chats).
    pub opening_share: Option<Share>,
    /// The same without conversations that may be late replies to a question.
    pub opening_share_excluding_late_replies: Option<Share>,
    /// Openings by sub-type per person: new_contact, follow_up, possible_late_reply.
    pub open_kinds: BTreeMap<String, BTreeMap<String, u64>>,
    /// Double texts: follow-up openings (writing again after one's own unanswered
    /// conversation) plus within-conversation double texts (see docs/metrics.md).
    pub double_texts_by: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Share {
    pub value: f64,
    pub ci95: [f64; 2],
    pub n: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Replies {
    pub count: u64,
    pub median_seconds: Option<f64>,
    pub ci95_seconds: Option<[f64; 2]>,
    pub p25_seconds: Option<f64>,
    pub p75_seconds: Option<f64>,
    pub reply_rate: Option<f64>,
    pub reply_rate_ci95: Option<[f64; 2]>,
    pub turns_received: u64,
    pub unanswered: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Balance {
    pub effort_balance_index: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    /// balanced, moderate_imbalance, strong_imbalance (conventions, not diagnoses).
    pub band: Option<String>,
    /// The user's share of each component.
    pub components: BTreeMap<String, Option<f64>>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Forecast {
    pub partner_reach_out_median_hours: Option<f64>,
    pub ci95_hours: Option<[f64; 2]>,
    pub silences: u64,
    pub partner_reach_outs: u64,
    pub user_reach_outs: u64,
    pub censored_at_end: u64,
    /// Lower 95% bound when the upper bound is not reached in the data.
    pub ci95_lower_hours: Option<f64>,
    pub null_reason: Option<String>,
    pub assumption: String,
    /// Kaplan-Meier "if you stay quiet": [hours, S, lo, hi] steps.
    pub curve: Vec<[f64; 4]>,
    /// Aalen-Johansen "as you usually behave": probability that the partner / the user writes
    /// first within 24 h, 72 h and 7 days.
    pub as_usual: BTreeMap<String, BTreeMap<String, f64>>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Stepback {
    pub date: String,
    pub window_days: u32,
    pub fast_reply_minutes: u32,
    pub outcome: String,
    pub compared_to_usual: String,
    pub first_reach_out_hours: Option<f64>,
    pub breaches: u64,
    pub breach_list: Vec<Breach>,
    pub days_kept: f64,
    pub partner_reach_outs: Vec<ReachOut>,
    pub logrank_p: Option<f64>,
    pub hazard_ratio: Option<f64>,
    pub reach_outs_before: u64,
    pub explanation: Vec<String>,
    pub caveats: Vec<String>,
    /// The partner's Instagram accounts checked for your likes and comments (empty: that rule
    /// was not checked).
    pub instagram_accounts: Vec<String>,
    /// Your likes and comments on those accounts in the imported activity, before and after
    /// the start (0 with accounts given: no Instagram activity export imported, or none on them).
    pub instagram_activity_records: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Breach {
    pub kind: String,
    pub at: String,
    /// Evidence: source lines of the messages involved.
    pub lines: Vec<u32>,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReachOut {
    pub at: String,
    pub hours_after_silence_start: f64,
    pub line: u32,
    pub signals: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SignalHit {
    pub signal: String,
    pub who: String,
    pub at: String,
    pub lang: String,
    pub line: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Month {
    pub month: String,
    pub messages: BTreeMap<String, u64>,
    pub conversations: u64,
    pub opened_by: BTreeMap<String, u64>,
    pub opening_share: Option<Share>,
    pub median_reply_seconds: BTreeMap<String, Option<f64>>,
    pub reply_rate: BTreeMap<String, Option<f64>>,
    pub words: BTreeMap<String, u64>,
    pub questions: BTreeMap<String, u64>,
    pub double_texts: BTreeMap<String, u64>,
    pub effort_balance_index: Option<f64>,
}

/// One ISO week of the weekly series.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Week {
    /// Monday of the week (YYYY-MM-DD).
    pub week: String,
    pub messages: u64,
    pub your_openings: u64,
    pub openings: u64,
    pub partner_openings: u64,
    pub partner_replies: u64,
    /// Median reply latency of the partner in the week (null without a reply).
    pub partner_median_reply_seconds: Option<f64>,
}

/// An exploratory change point in a weekly series.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub series: String,
    pub week: String,
    pub before: f64,
    pub after: f64,
}
