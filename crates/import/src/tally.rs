//! Diagnostics of the line-based readers (SMS XML, LINE text, CSV): the first few of each sort
//! listed with their line, the rest counted, so a file with a million bad rows gives a dozen
//! diagnostics and not a million. Messages are fixed sentences and never hold message text.

use std::collections::BTreeMap;

use walkaway_model::{Diagnostic, Severity};

/// How many of one sort are listed with their line.
const LISTED: usize = 5;

/// Lines that could not be fully used, by sort.
#[derive(Default, Debug)]
pub(crate) struct Tally {
    sorts: BTreeMap<&'static str, (Severity, Vec<u32>, usize)>,
}

impl Tally {
    /// One more line of sort `what` (a lowercase phrase such as "has no date; skipped").
    pub(crate) fn add(&mut self, severity: Severity, what: &'static str, line: u32) {
        let e = self.sorts.entry(what).or_insert((severity, Vec::new(), 0));
        e.2 += 1;
        if e.1.len() < LISTED {
            e.1.push(line);
        }
    }

    /// The diagnostics, each prefixed with `prefix` (which names the file): `line 12: what`,
    /// then `N more lines: what`.
    pub(crate) fn finish(self, prefix: &str, out: &mut Vec<Diagnostic>) {
        for (what, (severity, listed, count)) in self.sorts {
            for &line in &listed {
                out.push(Diagnostic {
                    severity,
                    line,
                    message: format!("{prefix}line {line}: {what}"),
                });
            }
            if count > listed.len() {
                out.push(Diagnostic {
                    severity,
                    line: 0,
                    message: format!("{prefix}{} more lines: {what}", count - listed.len()),
                });
            }
        }
    }
}
