//! One person across apps (METRICS.md "One person across apps", docs/metrics.md): the events of
//! every two-person chat with one person, from every source, merged into one timeline, and
//! what each source covers.
//!
//! - **Sides.** Each chat's two participants are mapped to the merged chat's user (sender 0)
//!   and person (sender 1); system events keep no sender.
//! - **Order.** By instant; ties keep the order of the parts, then each part's own order.
//! - **Duplicates.** The same message seen in two sources (an iMessage's SMS fallback,
//!   overlapping exports of one chat from two apps) counts once: a message is dropped when a
//!   kept message of *another* source has the same side, the same kind of message, the same
//!   text once whitespace is normalised (not empty), and an instant at most
//!   [`DEDUP_TOLERANCE`] away. Each kept message absorbs at most one copy per other source, so
//!   two people really sending "ok" twice stay two. Messages of one source are never compared
//!   with each other: a source's own duplicates are its importer's business (and two equal
//!   messages a minute apart in one app are two messages).
//! - **Coverage.** Each source is observed from its first event to its data end. Within the
//!   merged span, the periods where a source is not observed are [`coverage_gaps`]; silences
//!   overlapping them are censored at the gap's start ([`crate::survival::censor_in_gaps`]).
//!
//! Pure functions, like the rest of this crate: no clock, no I/O.

use walkaway_model::{Events, Kind, Millis, NewEvent, PersonIdx, Source, TextsFull};

use crate::MINUTE;

/// Two copies of one message in two sources lie at most this far apart. Sources stamp a
/// message when they see it: the sending device, a server, a phone receiving an SMS fallback,
/// and WhatsApp's minute resolution (a copy may read up to 59 s earlier) — copies observed in
/// the samples lie within seconds to a minute; two minutes covers that with room, while two
/// different messages with the same text, from the same side, within two minutes, in two apps,
/// are rare (and counted once only when they are).
pub const DEDUP_TOLERANCE: Millis = 2 * MINUTE;

/// One chat of the person, as loaded.
#[derive(Clone, Copy)]
pub struct Part<'a> {
    pub source: Source,
    /// The chat's events, sorted by instant.
    pub events: &'a Events,
    /// Sender index of the user in `events`.
    pub me: PersonIdx,
    /// Sender index of the person in `events`.
    pub partner: PersonIdx,
    /// The data end this chat's imports vouch for (None: its last event).
    pub data_end: Option<Millis>,
}

/// What one source contributes to the merged timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceCoverage {
    pub source: Source,
    /// Messages of this source in the merged timeline (duplicates left out).
    pub messages: u64,
    /// Messages of this source left out as copies of a message seen in another source.
    pub duplicates: u64,
    /// Events of this source (calls and reactions included).
    pub events: u64,
    /// The source's first event (the start of what it observes).
    pub first: Option<Millis>,
    /// The latest data end of its chats, never before its last event.
    pub data_end: Option<Millis>,
}

/// The merged timeline: sender 0 is the user, 1 the person.
#[derive(Clone, Debug)]
pub struct Merged {
    pub events: Events,
    /// Index into `sources` of each merged event.
    pub source_of: Vec<u16>,
    /// One entry per source, in the order of the parts.
    pub sources: Vec<SourceCoverage>,
    /// Messages left out as duplicates, all sources together.
    pub duplicates: u64,
}

/// A period where one source is not observed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    pub source: Source,
    pub start: Millis,
    pub end: Millis,
    /// True for the period before the source's first event, false after its data end.
    pub before_first: bool,
}

/// Whitespace-normalised text: runs of whitespace become one space, ends trimmed.
fn normalised(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A kept message that later copies may match.
struct Recent {
    ts: Millis,
    side: PersonIdx,
    kind: Kind,
    text: String,
    /// Bit per source index: its own source, and each source a copy was absorbed from.
    taken: u64,
}

/// Merges the parts (see the module documentation). Fails only when the merged texts would pass
/// 4 GiB.
pub fn merge(parts: &[Part<'_>]) -> Result<Merged, TextsFull> {
    let mut sources: Vec<SourceCoverage> = Vec::new();
    let mut part_source: Vec<usize> = Vec::with_capacity(parts.len());
    for p in parts {
        let i = match sources.iter().position(|s| s.source == p.source) {
            Some(i) => i,
            None => {
                sources.push(SourceCoverage {
                    source: p.source,
                    messages: 0,
                    duplicates: 0,
                    events: 0,
                    first: None,
                    data_end: None,
                });
                sources.len() - 1
            }
        };
        part_source.push(i);
        let last = p.events.iter().map(|e| e.ts).max();
        let first = p.events.iter().map(|e| e.ts).min();
        if let Some(s) = sources.get_mut(i) {
            let end = match (p.data_end, last) {
                (Some(d), Some(l)) => Some(d.max(l)),
                (d, l) => d.or(l),
            };
            s.first = min_opt(s.first, first);
            s.data_end = max_opt(s.data_end, end);
        }
    }

    let total: usize = parts.iter().map(|p| p.events.len()).sum();
    let mut order: Vec<(Millis, usize, usize)> = Vec::with_capacity(total);
    for (pi, p) in parts.iter().enumerate() {
        order.extend(p.events.iter().enumerate().map(|(i, e)| (e.ts, pi, i)));
    }
    order.sort_unstable();

    let text_bytes: usize = parts.iter().map(|p| p.events.text_bytes()).sum();
    let mut events = Events::with_capacity(total, text_bytes);
    let mut source_of = Vec::with_capacity(total);
    let mut recent: std::collections::VecDeque<Recent> = std::collections::VecDeque::new();
    let mut duplicates = 0u64;
    for (ts, pi, i) in order {
        let (Some(p), Some(&si)) = (parts.get(pi), part_source.get(pi)) else {
            continue;
        };
        let Some(e) = p.events.get(i) else {
            continue;
        };
        let text = p.events.text(e);
        let side = match e.sender {
            Some(s) if s == p.me => Some(0),
            Some(s) if s == p.partner => Some(1),
            _ => None,
        };
        while recent
            .front()
            .is_some_and(|r| r.ts < ts.saturating_sub(DEDUP_TOLERANCE))
        {
            recent.pop_front();
        }
        let bit = 1u64 << (si.min(63));
        let candidate = match side {
            Some(side) if e.kind.is_message() => {
                let norm = normalised(text);
                (!norm.is_empty()).then_some((side, norm))
            }
            _ => None,
        };
        if let Some((side, norm)) = &candidate
            && let Some(r) = recent.iter_mut().find(|r| {
                r.side == *side && r.kind == e.kind && r.taken & bit == 0 && r.text == *norm
            })
        {
            r.taken |= bit;
            duplicates += 1;
            if let Some(s) = sources.get_mut(si) {
                s.duplicates += 1;
            }
            continue;
        }
        events.push(NewEvent {
            ts,
            sender: if e.kind == Kind::System { None } else { side },
            kind: e.kind,
            text,
            line: e.line,
            flags: e.flags,
        })?;
        source_of.push(u16::try_from(si).unwrap_or(u16::MAX));
        if let Some(s) = sources.get_mut(si) {
            s.events += 1;
            if e.kind.is_message() && side.is_some() {
                s.messages += 1;
            }
        }
        if let Some((side, text)) = candidate {
            recent.push_back(Recent {
                ts,
                side,
                kind: e.kind,
                text,
                taken: bit,
            });
        }
    }
    Ok(Merged {
        events,
        source_of,
        sources,
        duplicates,
    })
}

fn min_opt(a: Option<Millis>, b: Option<Millis>) -> Option<Millis> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

fn max_opt(a: Option<Millis>, b: Option<Millis>) -> Option<Millis> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

/// The periods, within the merged span (from the earliest first event of any source to
/// `as_of`), where a source is not observed: before its first event, and after its data end.
/// One source alone has no gaps. In time order.
pub fn coverage_gaps(sources: &[SourceCoverage], as_of: Millis) -> Vec<Gap> {
    if sources.len() < 2 {
        return Vec::new();
    }
    let Some(span_start) = sources.iter().filter_map(|s| s.first).min() else {
        return Vec::new();
    };
    let mut gaps = Vec::new();
    for s in sources {
        let Some(first) = s.first else {
            continue;
        };
        if first > span_start {
            gaps.push(Gap {
                source: s.source,
                start: span_start,
                end: first.min(as_of),
                before_first: true,
            });
        }
        if let Some(end) = s.data_end
            && end < as_of
        {
            gaps.push(Gap {
                source: s.source,
                start: end,
                end: as_of,
                before_first: false,
            });
        }
    }
    gaps.retain(|g| g.end > g.start);
    gaps.sort_by_key(|g| (g.start, g.end));
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survival::{Silence, SilenceEnd, censor_in_gaps};

    fn events(list: &[(Millis, Option<u32>, Kind, &str)]) -> Events {
        Events::try_from_iter(list.iter().map(|&(ts, sender, kind, text)| NewEvent {
            ts,
            sender,
            kind,
            text,
            line: 1,
            flags: 0,
        }))
        .unwrap()
    }

    const T: Millis = MINUTE;

    #[test]
    fn sides_are_mapped_and_order_is_by_instant() {
        // WhatsApp lists [person, me]; SMS lists [me, person].
        let wa = events(&[
            (0, Some(0), Kind::Text, "hi"),
            (10 * T, Some(1), Kind::Text, "yo"),
        ]);
        let sms = events(&[(5 * T, Some(1), Kind::Text, "sms from sam")]);
        let m = merge(&[
            Part {
                source: Source::WhatsApp,
                events: &wa,
                me: 1,
                partner: 0,
                data_end: None,
            },
            Part {
                source: Source::Sms,
                events: &sms,
                me: 0,
                partner: 1,
                data_end: Some(20 * T),
            },
        ])
        .unwrap();
        let got: Vec<(Millis, Option<u32>, &str)> = m
            .events
            .iter_texts()
            .map(|(e, t)| (e.ts, e.sender, t))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, Some(1), "hi"),
                (5 * T, Some(1), "sms from sam"),
                (10 * T, Some(0), "yo")
            ]
        );
        assert_eq!(m.source_of, vec![0, 1, 0]);
        assert_eq!(m.sources[0].messages, 2);
        assert_eq!(m.sources[1].first, Some(5 * T));
        assert_eq!(m.sources[1].data_end, Some(20 * T));
        assert_eq!(m.sources[0].data_end, Some(10 * T));
    }

    #[test]
    fn a_message_seen_in_two_sources_counts_once() {
        let im = events(&[
            (0, Some(1), Kind::Text, "on my  way"),
            (T, Some(1), Kind::Text, "ok"),
            (2 * T, Some(1), Kind::Text, "ok"),
            (10 * T, Some(0), Kind::Text, "see you"),
        ]);
        // The SMS fallback of the first message 40 s later, "ok" once (the other "ok" was only
        // on iMessage), and the user's "see you" from the other side: not a copy.
        let sms = events(&[
            (40_000, Some(1), Kind::Text, "on my way"),
            (T + 30_000, Some(1), Kind::Text, "ok"),
            (10 * T, Some(1), Kind::Text, "see you"),
            (20 * T, Some(1), Kind::Text, "late one"),
        ]);
        let m = merge(&[
            Part {
                source: Source::IMessage,
                events: &im,
                me: 0,
                partner: 1,
                data_end: None,
            },
            Part {
                source: Source::Sms,
                events: &sms,
                me: 0,
                partner: 1,
                data_end: None,
            },
        ])
        .unwrap();
        assert_eq!(m.duplicates, 2);
        assert_eq!(m.sources[1].duplicates, 2);
        assert_eq!(m.sources[1].messages, 2);
        let texts: Vec<&str> = m.events.iter_texts().map(|(_, t)| t).collect();
        assert_eq!(
            texts,
            vec!["on my  way", "ok", "ok", "see you", "see you", "late one"]
        );
    }

    #[test]
    fn one_sources_own_repeats_are_not_merged_and_far_copies_stay() {
        let a = events(&[
            (0, Some(1), Kind::Text, "ok"),
            (T, Some(1), Kind::Text, "ok"),
        ]);
        let b = events(&[(3 * T, Some(1), Kind::Text, "ok")]);
        let m = merge(&[
            Part {
                source: Source::WhatsApp,
                events: &a,
                me: 0,
                partner: 1,
                data_end: None,
            },
            Part {
                source: Source::Telegram,
                events: &b,
                me: 0,
                partner: 1,
                data_end: None,
            },
        ])
        .unwrap();
        // The Telegram "ok" is 2 minutes after the second WhatsApp one: the same message.
        assert_eq!(m.events.len(), 2);
        // Two chats of one source are never deduplicated against each other.
        let c = events(&[(T, Some(1), Kind::Text, "ok")]);
        let m = merge(&[
            Part {
                source: Source::WhatsApp,
                events: &a,
                me: 0,
                partner: 1,
                data_end: None,
            },
            Part {
                source: Source::WhatsApp,
                events: &c,
                me: 0,
                partner: 1,
                data_end: None,
            },
        ])
        .unwrap();
        assert_eq!(m.events.len(), 3);
        assert_eq!(m.sources.len(), 1);
    }

    fn cov(source: Source, first: Millis, end: Millis) -> SourceCoverage {
        SourceCoverage {
            source,
            messages: 1,
            duplicates: 0,
            events: 1,
            first: Some(first),
            data_end: Some(end),
        }
    }

    #[test]
    fn gaps_lie_before_a_sources_first_event_and_after_its_data_end() {
        let s = [
            cov(Source::WhatsApp, 0, 100 * T),
            cov(Source::Sms, 30 * T, 200 * T),
        ];
        let gaps = coverage_gaps(&s, 200 * T);
        assert_eq!(
            gaps,
            vec![
                Gap {
                    source: Source::Sms,
                    start: 0,
                    end: 30 * T,
                    before_first: true
                },
                Gap {
                    source: Source::WhatsApp,
                    start: 100 * T,
                    end: 200 * T,
                    before_first: false
                },
            ]
        );
        assert!(coverage_gaps(&s[..1], 200 * T).is_empty());
    }

    #[test]
    fn silences_in_a_gap_are_censored_at_its_start() {
        let silence = |start, end, outcome| Silence {
            start,
            end,
            outcome,
            conv_before: 0,
            conv_after: Some(1),
        };
        let mut s = vec![
            silence(0, 10 * T, SilenceEnd::PartnerOpened),
            silence(20 * T, 120 * T, SilenceEnd::PartnerOpened),
            silence(150 * T, 160 * T, SilenceEnd::UserOpened),
            silence(40 * T, 50 * T, SilenceEnd::PartnerOpened),
        ];
        let n = censor_in_gaps(&mut s, &[(100 * T, 200 * T), (45 * T, 45 * T)]);
        assert_eq!(n, 2);
        assert_eq!(s[0].outcome, SilenceEnd::PartnerOpened);
        assert_eq!((s[1].end, s[1].outcome), (100 * T, SilenceEnd::MissingData));
        // Starting inside the gap: censored at its own start.
        assert_eq!((s[2].end, s[2].outcome), (150 * T, SilenceEnd::MissingData));
        // An empty gap censors nothing.
        assert_eq!(s[3].outcome, SilenceEnd::PartnerOpened);
    }
}
