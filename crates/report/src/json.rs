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
    /// Calls per person (as the caller) and whether the chat has call data at all.
    pub calls: Calls,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stepback: Option<Stepback>,
    pub signals: Vec<SignalHit>,
    /// The partner's messages that ask where you are, who you are with or why you did not
    /// answer, and whether they are frequent enough for the full warning.
    pub warning_signs: WarningSigns,
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
    /// A report on a person merged across apps (`walkaway report PERSON`): who, by which
    /// handles. Absent for a report on one chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<Person>,
    /// Per source of a merged person: messages and what it covers. Empty for one chat.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceCoverage>,
    /// Where a merged person's sources do not all have data. Absent for one chat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub handles: Vec<HandleRef>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HandleRef {
    pub source: String,
    pub handle: String,
}

/// One source of a merged person.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourceCoverage {
    pub source: String,
    /// Messages from this source in the merged report (copies of a message already seen in
    /// another source left out).
    pub messages: u64,
    /// Messages left out as copies of a message seen in another source.
    pub duplicates: u64,
    /// Local time (YYYY-MM-DDTHH:MM) of the source's first event: what it observes starts here.
    pub first_event: Option<String>,
    /// Local time of the source's data end: what it observes ends here.
    pub data_end: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    /// Periods, within the merged span, where one of the sources has no data: possibly
    /// missing data.
    pub gaps: Vec<CoverageGap>,
    /// Silences that overlap a gap: censored at the gap's start in the forecast and the
    /// step-back instead of counting as waiting or as a reach-out time.
    pub silences_possibly_missing_data: u64,
    /// Messages counted once because they were seen in two sources.
    pub duplicates: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CoverageGap {
    pub source: String,
    /// Local times (YYYY-MM-DDTHH:MM).
    pub start: String,
    pub end: String,
    /// `before_first_event` or `after_data_end`.
    pub kind: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Chat {
    pub id: String,
    pub title: String,
    pub sources: Vec<String>,
    /// `two_person` or `group`: the method (openers, balance, forecast, step-back) is about
    /// one other person; a group gets per-person figures only.
    pub kind: String,
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
    /// Why `opening_share` is null (too few conversations, or a group chat).
    pub opening_share_null_reason: Option<String>,
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
    /// Why the median, its interval or the reply rate is null (too few replies or turns; an
    /// interval of zero width is never shown).
    pub null_reason: Option<String>,
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
    /// Conversations the index is computed over.
    pub conversations: u64,
    pub null_reason: Option<String>,
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
    /// Null exactly when `outcome` is `no_data_yet`.
    pub compared_to_usual: Option<String>,
    pub first_reach_out_hours: Option<f64>,
    pub breaches: u64,
    pub breach_list: Vec<Breach>,
    pub days_kept: f64,
    /// Days from the start to the data end (0 when the data ends before the start).
    pub days_since_start: f64,
    pub window_elapsed: bool,
    /// Whether the data end is an assumption (it lies after the last event and did not come
    /// from --as-of): every verdict that depends on it says so.
    pub data_end_assumed: bool,
    pub partner_reach_outs: Vec<ReachOut>,
    pub logrank_p: Option<f64>,
    pub hazard_ratio: Option<f64>,
    pub reach_outs_before: u64,
    /// His usual median reach-out time before the start (hours), when reached.
    pub usual_median_hours: Option<f64>,
    /// Longest reach-out time he showed before the start, and the current wait (hours).
    pub longest_usual_hours: Option<f64>,
    pub current_wait_hours: Option<f64>,
    /// Whether the chat has call events, so the calling rules could be checked.
    pub call_data: bool,
    pub partner_calls_since: u64,
    /// How your own availability changed: before (the baseline period) and since the start.
    pub your_side: YourSide,
    /// The partner's messages and calls in the window against his own baseline rate.
    pub pursuit: Option<Pursuit>,
    /// Plain sentences, in the order the report shows them.
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
    /// opened_conversation, fast_reply, call, answered_first_call, liked_or_commented.
    pub kind: String,
    pub at: String,
    /// Evidence: source lines of the messages involved.
    pub lines: Vec<u32>,
    pub detail: String,
    /// Evidence: the messages or calls involved.
    pub messages: Vec<Evidence>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReachOut {
    pub at: String,
    pub hours_after_silence_start: f64,
    pub line: u32,
    pub signals: Vec<String>,
    /// The message that opened the conversation.
    pub message: Option<Evidence>,
}

/// One message (or call) shown as evidence: local date and time, who, the text.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// Local time, YYYY-MM-DDTHH:MM.
    pub at: String,
    pub who: String,
    /// The message text (media and calls: a short description).
    pub text: String,
    /// Line (or record) in the export, a secondary reference.
    pub line: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SignalHit {
    pub signal: String,
    pub who: String,
    pub at: String,
    pub lang: String,
    pub line: u32,
    pub text: String,
}

/// The user's own figures over one period of the step-back view.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SidePeriod {
    pub days: f64,
    pub messages: u64,
    pub conversations_opened: u64,
    pub replies: u64,
    /// Null below the minimum number of replies.
    pub reply_median_seconds: Option<f64>,
    /// Null when the period is shorter than a week.
    pub messages_per_week: Option<f64>,
    pub openings_per_week: Option<f64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct YourSide {
    pub before: SidePeriod,
    pub since: SidePeriod,
}

/// The exact rate-ratio test of the partner's messages and calls in the window.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Pursuit {
    pub window_count: u64,
    pub window_days: f64,
    pub baseline_count: u64,
    pub baseline_days: f64,
    pub rate_ratio: Option<f64>,
    pub rate_ratio_lower95: Option<f64>,
}

/// Calls of one person, as the caller.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PersonCalls {
    pub placed: u64,
    pub answered: u64,
    pub missed_or_declined: u64,
    /// Runs of calls at most 30 minutes apart.
    pub attempt_sequences: u64,
    /// Sequences whose first call was picked up.
    pub first_call_answered: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Calls {
    /// False when the chat has no call events: the calling rules cannot be checked.
    pub has_call_data: bool,
    pub by: BTreeMap<String, PersonCalls>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WarningSigns {
    /// On at least 2 different days within 30 days: the full warning is shown.
    pub frequent: bool,
    pub messages: Vec<Evidence>,
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
    /// Why some of the month's figures are null (too little data that month).
    pub null_reason: Option<String>,
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

impl Report {
    /// True for a two-person chat (the method's figures apply).
    pub fn is_two_person(&self) -> bool {
        self.chat.kind == "two_person"
    }
}
