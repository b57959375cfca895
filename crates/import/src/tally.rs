//! Diagnostics of readers that meet many bad records of the same sort: the first few of each
//! sort listed with their position, the rest counted, so a file with a million bad rows gives a
//! dozen diagnostics and not a million. Messages are fixed sentences and never hold message
//! text. The line-based readers (SMS XML, LINE text, CSV) count lines; the JSON and database
//! readers count records (see [`Unit`]).

use std::collections::BTreeMap;
use std::marker::PhantomData;

use walkaway_model::{Diagnostic, Severity};

/// What a reader counts, and how many of one sort it lists one by one.
pub(crate) trait Unit {
    const ONE: &'static str;
    const MANY: &'static str;
    const LISTED: usize;
}

/// Lines of a text file (`line 12: …`), 5 listed per sort.
#[derive(Debug)]
pub(crate) struct Lines;

impl Unit for Lines {
    const ONE: &'static str = "line";
    const MANY: &'static str = "lines";
    const LISTED: usize = 5;
}

/// Records of a JSON export or a database (`record 12: …`), 10 listed per sort.
#[derive(Debug)]
pub(crate) struct Records;

impl Unit for Records {
    const ONE: &'static str = "record";
    const MANY: &'static str = "records";
    const LISTED: usize = 10;
}

/// Lines or records that could not be fully used, by sort.
#[derive(Debug)]
pub(crate) struct Tally<U: Unit = Lines> {
    sorts: BTreeMap<&'static str, (Severity, Vec<u32>, usize)>,
    unit: PhantomData<U>,
}

impl<U: Unit> Default for Tally<U> {
    fn default() -> Self {
        Tally {
            sorts: BTreeMap::new(),
            unit: PhantomData,
        }
    }
}

impl<U: Unit> Tally<U> {
    /// One more of sort `what` (a lowercase phrase such as "has no date; skipped") at `at`.
    pub(crate) fn add(&mut self, severity: Severity, what: &'static str, at: u32) {
        let e = self.sorts.entry(what).or_insert((severity, Vec::new(), 0));
        e.2 += 1;
        if e.1.len() < U::LISTED {
            e.1.push(at);
        }
    }

    /// The diagnostics, each prefixed with `prefix` (which names the file or chat):
    /// `line 12: what`, then `N more lines: what`.
    pub(crate) fn finish(self, prefix: &str, out: &mut Vec<Diagnostic>) {
        for (what, (severity, listed, count)) in self.sorts {
            for &line in &listed {
                out.push(Diagnostic {
                    severity,
                    line,
                    message: format!("{prefix}{} {line}: {what}", U::ONE),
                });
            }
            if count > listed.len() {
                out.push(Diagnostic {
                    severity,
                    line: 0,
                    message: format!("{prefix}{} more {}: {what}", count - listed.len(), U::MANY),
                });
            }
        }
    }
}
