//! Calls: who called whom, what was picked up, and attempt sequences (METRICS.md "Calls").
//!
//! The method says "don't answer his calls the first time it rings". Ring time is in no
//! export; what an export does record is whether a call was answered or missed. A **call
//! attempt sequence** is a run of one person's calls with at most [`ATTEMPT_GAP`] between
//! consecutive calls (a call by the other person ends the run). Whether the user picked up the
//! *first* call of the partner's sequence is the measurable form of the rule.

use walkaway_model::{Event, Kind, Millis, PersonIdx};

use crate::MINUTE;

/// Consecutive calls of one person at most this far apart belong to one attempt sequence.
pub const ATTEMPT_GAP: Millis = 30 * MINUTE;

/// One run of one person's calls to the other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptSequence {
    pub caller: PersonIdx,
    /// Event indices of the calls, in time order.
    pub calls: Vec<usize>,
    /// Instant of the first call.
    pub start: Millis,
    /// Whether the first call of the run was answered.
    pub first_answered: bool,
}

/// Call counts of one person (as the caller).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PersonCalls {
    /// Calls this person placed.
    pub placed: u64,
    /// Of those, answered by the other side.
    pub answered: u64,
    /// Of those, missed or declined.
    pub missed: u64,
    /// Attempt sequences this person started.
    pub sequences: u64,
    /// Of those, sequences whose first call was picked up.
    pub first_call_answered: u64,
}

/// The calls of a chat.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calls {
    /// Indexed by person.
    pub by: Vec<PersonCalls>,
    pub sequences: Vec<AttemptSequence>,
}

impl Calls {
    /// True when the chat has any call event up to the data end: only then can the calling
    /// rules be checked.
    pub fn has_data(&self) -> bool {
        !self.sequences.is_empty()
    }
}

/// The calls among `events` up to `as_of` (inclusive), per person and as attempt sequences.
/// Calls without a sender, or with a sender outside `0..n_people`, are left out.
pub fn calls(events: &[Event], n_people: usize, as_of: Millis) -> Calls {
    let mut idx: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.kind.is_call() && e.ts <= as_of && e.sender.is_some_and(|s| (s as usize) < n_people)
        })
        .map(|(i, _)| i)
        .collect();
    // Stable: calls at the same instant keep file order.
    idx.sort_by_key(|&i| events.get(i).map_or(0, |e| e.ts));
    let mut out = Calls {
        by: vec![PersonCalls::default(); n_people],
        sequences: Vec::new(),
    };
    let mut last_ts: Option<Millis> = None;
    for i in idx {
        let Some(e) = events.get(i) else { continue };
        let Some(who) = e.sender else { continue };
        let answered = e.kind == Kind::Call;
        if let Some(p) = out.by.get_mut(who as usize) {
            p.placed += 1;
            if answered {
                p.answered += 1;
            } else {
                p.missed += 1;
            }
        }
        let continues = match (out.sequences.last(), last_ts) {
            (Some(s), Some(t)) => s.caller == who && e.ts.saturating_sub(t) <= ATTEMPT_GAP,
            _ => false,
        };
        if continues {
            if let Some(s) = out.sequences.last_mut() {
                s.calls.push(i);
            }
        } else {
            out.sequences.push(AttemptSequence {
                caller: who,
                calls: vec![i],
                start: e.ts,
                first_answered: answered,
            });
            if let Some(p) = out.by.get_mut(who as usize) {
                p.sequences += 1;
                p.first_call_answered += u64::from(answered);
            }
        }
        last_ts = Some(e.ts);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use walkaway_model::{Events, NewEvent};

    fn ev(list: &[(Millis, PersonIdx, Kind)]) -> Events {
        let mut e = Events::new();
        for (i, &(ts, who, kind)) in list.iter().enumerate() {
            let _ = e.push(NewEvent {
                ts,
                sender: Some(who),
                kind,
                text: "",
                line: i as u32 + 1,
                flags: 0,
            });
        }
        e
    }

    #[test]
    fn sequences_split_by_gap_and_by_caller() {
        let m = MINUTE;
        let e = ev(&[
            (0, 1, Kind::MissedCall),
            (10 * m, 1, Kind::MissedCall),
            (25 * m, 1, Kind::Call),
            // 31 minutes later: a new sequence.
            (56 * m, 1, Kind::Call),
            // The user calls back: a sequence of their own.
            (60 * m, 0, Kind::Call),
            (61 * m, 1, Kind::MissedCall),
        ]);
        let c = calls(&e, 2, Millis::MAX);
        assert_eq!(c.sequences.len(), 4);
        assert_eq!(c.sequences[0].calls, vec![0, 1, 2]);
        assert!(!c.sequences[0].first_answered);
        assert!(c.sequences[1].first_answered);
        assert_eq!(c.by[1].placed, 5);
        assert_eq!(c.by[1].answered, 2);
        assert_eq!(c.by[1].missed, 3);
        assert_eq!(c.by[1].sequences, 3);
        assert_eq!(c.by[1].first_call_answered, 1);
        assert_eq!(c.by[0].placed, 1);
        assert!(c.has_data());
    }

    #[test]
    fn data_end_cuts_calls() {
        let e = ev(&[(0, 1, Kind::Call), (5 * MINUTE, 1, Kind::Call)]);
        let c = calls(&e, 2, MINUTE);
        assert_eq!(c.by[1].placed, 1);
        assert!(!calls(&e, 2, -1).has_data());
    }
}
