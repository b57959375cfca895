//! Conversations: runs of messages separated by gaps of at most G.
//!
//! METRICS.md: G is chosen per chat at the valley between the two modes of the log-gap
//! distribution, clamped to [30 min, 6 h]; with fewer than 200 gaps or no clear valley,
//! G = 60 min. Openers are classified as new contact, follow-up (double text) or possible
//! late reply.

use crate::{HOUR, MINUTE, Millis, Msg};
use walkaway_model::PersonIdx;

/// Default gap when the data cannot choose one.
pub const DEFAULT_GAP: Millis = 60 * MINUTE;
/// Bounds of the adaptive gap.
pub const MIN_GAP: Millis = 30 * MINUTE;
pub const MAX_GAP: Millis = 6 * HOUR;
/// Fewer gaps than this and the adaptive choice is not attempted.
pub const MIN_GAPS_FOR_ADAPTIVE: usize = 200;
/// A conversation opened less than this after the other person's question may be a late reply.
pub const LATE_REPLY_WINDOW: Millis = 24 * HOUR;

/// How the gap G was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GapChoice {
    /// Given with `--gap`.
    Override,
    /// The valley of the log-gap histogram.
    Valley,
    /// Too few gaps (< 200) for an adaptive choice.
    DefaultTooFewGaps,
    /// No clear bimodality.
    DefaultNoValley,
}

/// What kind of opening started a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OpenKind {
    /// The first conversation of the chat.
    First,
    /// The previous conversation ended with the other person.
    NewContact,
    /// The previous conversation ended with the same person (unanswered): a double text.
    FollowUp,
    /// The previous conversation ended with the other person's question < 24 h earlier.
    PossibleLateReply,
}

/// One conversation. `first..=last` index the message slice it was built from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conversation {
    pub first: usize,
    pub last: usize,
    pub opener: PersonIdx,
    pub closer: PersonIdx,
    pub start: Millis,
    pub end: Millis,
    pub open_kind: OpenKind,
}

impl Conversation {
    pub fn len(&self) -> usize {
        self.last - self.first + 1
    }

    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Splits `msgs` (sorted by time) into conversations with gap `gap`: consecutive messages
/// belong together when the time between them is at most `gap`.
pub fn segment(msgs: &[Msg<'_>], gap: Millis) -> Vec<Conversation> {
    let mut out: Vec<Conversation> = Vec::new();
    let mut start = 0usize;
    for i in 1..=msgs.len() {
        let boundary = i == msgs.len() || msgs[i].ts - msgs[i - 1].ts > gap;
        if boundary && i > start {
            let (first, last) = (start, i - 1);
            let opener = msgs[first].who;
            let open_kind = match out.last() {
                None => OpenKind::First,
                Some(prev) if prev.closer == opener => OpenKind::FollowUp,
                Some(prev) => {
                    let closing = &msgs[prev.last];
                    if msgs[first].ts - closing.ts < LATE_REPLY_WINDOW
                        && crate::balance::is_question(closing.text)
                    {
                        OpenKind::PossibleLateReply
                    } else {
                        OpenKind::NewContact
                    }
                }
            };
            out.push(Conversation {
                first,
                last,
                opener,
                closer: msgs[last].who,
                start: msgs[first].ts,
                end: msgs[last].ts,
                open_kind,
            });
            start = i;
        }
    }
    out
}
