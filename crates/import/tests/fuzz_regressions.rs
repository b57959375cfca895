//! Inputs found by the fuzz targets (fuzz/, docs/security.md "Fuzzing"), minimised, kept here
//! so that each finding stays fixed. Each test fails on the code before its fix (a debug build
//! panics on integer overflow; the property checks fail outright).

use walkaway_import::{Options, handles, line};
use walkaway_model::Kind;

fn utc() -> Options {
    Options {
        tz: jiff::tz::TimeZone::UTC,
        date_order: None,
    }
}

/// fuzz target `line`: a call text with a duration of 18 digits (hours) overflowed u64 while it was
/// turned into seconds (a panic in debug builds, a wrapped number in release). The call is
/// still a call, not a missed one.
#[test]
fn line_call_duration_too_long_for_u64() {
    let text = "\0\n2020/01/05\n09:58\tSak\t\u{260e}590741663667318956:05m\0";
    let out = line::parse("chat.txt", text, &utc());
    let kinds: Vec<Kind> = out.chat.events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [Kind::Call]);
}

/// fuzz target `handles`: `normalize` must be idempotent (handles.rs says so, and stored
/// handles are normalised again when compared). A doubled `mailto:` came back with one
/// `mailto:` left, which the next pass then removed.
#[test]
fn handle_with_doubled_mailto_normalises_once() {
    let once = handles::normalize("mailto:MAILTO:Ann@COM");
    assert_eq!(handles::normalize(&once), once);
    assert_eq!(once, "ann@com");
}
