//! A report on one person merged across apps (`walkaway report PERSON`): the person, their
//! sources and what each covers, added to the wire report of the merged chat ([`add_person`]).
//! The renderers then show it like any other field (`words::sources_section`).

use walkaway_analysis::Config;
use walkaway_analysis::full::FullAnalysis;
use walkaway_analysis::merge::{Gap, SourceCoverage};
use walkaway_model::Source;

use crate::json;

/// What the wire report needs about a merged person.
pub struct PersonInput<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// The person's handles, `(source, handle)`, as `walkaway people` lists them.
    pub handles: &'a [(Source, String)],
    pub sources: &'a [SourceCoverage],
    pub gaps: &'a [Gap],
    /// Messages counted once because they were seen in two sources.
    pub duplicates: u64,
}

/// Adds the person, the per-source coverage and the gaps to a report built by
/// [`crate::to_wire`] from the merged chat.
pub fn add_person(
    report: &mut json::Report,
    person: &PersonInput<'_>,
    cfg: &Config,
    analysis: &FullAnalysis,
) {
    let local = |ms: i64| crate::local(ms, cfg);
    report.person = Some(json::Person {
        id: person.id.to_string(),
        name: person.name.to_string(),
        handles: person
            .handles
            .iter()
            .map(|(s, h)| json::HandleRef {
                source: s.as_str().to_string(),
                handle: h.clone(),
            })
            .collect(),
    });
    report.sources = person
        .sources
        .iter()
        .map(|s| json::SourceCoverage {
            source: s.source.as_str().to_string(),
            messages: s.messages,
            duplicates: s.duplicates,
            first_event: s.first.map(local),
            // The data end as reports state it: an instant inside its last day.
            data_end: s
                .data_end
                .map(|d| local(if d >= cfg.as_of { cfg.as_of - 1 } else { d })),
        })
        .collect();
    report.coverage = Some(json::Coverage {
        gaps: person
            .gaps
            .iter()
            .map(|g| json::CoverageGap {
                source: g.source.as_str().to_string(),
                start: local(g.start),
                end: local(g.end),
                kind: if g.before_first {
                    "before_first_event"
                } else {
                    "after_data_end"
                }
                .to_string(),
            })
            .collect(),
        silences_possibly_missing_data: analysis.silences_in_gaps as u64,
        duplicates: person.duplicates,
    });
}
