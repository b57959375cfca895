//! Local wall-clock time to UTC, fast.
//!
//! WhatsApp timestamps carry no zone: they are the phone's wall clock. Converting each of a
//! million lines with a full time-zone lookup would dominate parsing, so the offset is cached
//! per local day: a day whose first and last second have the same unambiguous offset uses it
//! for every line; a day with a transition (DST) falls back to a per-line lookup, resolved
//! like jiff's `compatible` disambiguation and flagged.

use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, TimeZone};
use walkaway_model::flags;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub(crate) fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

#[derive(Clone, Copy)]
enum Day {
    Unknown,
    Uniform(i64),
    Mixed,
}

/// Converts local civil times in one zone to UTC milliseconds with a per-day offset cache.
pub(crate) struct LocalClock<'a> {
    tz: &'a TimeZone,
    day: i64,
    state: Day,
}

impl<'a> LocalClock<'a> {
    pub fn new(tz: &'a TimeZone) -> Self {
        LocalClock {
            tz,
            day: i64::MIN,
            state: Day::Unknown,
        }
    }

    fn offset_of(&self, dt: DateTime) -> (i64, u8) {
        match self.tz.to_ambiguous_timestamp(dt).offset() {
            AmbiguousOffset::Unambiguous { offset } => (i64::from(offset.seconds()), 0),
            // `compatible`: a skipped time is read with the offset before the gap (so it lands
            // after it), a repeated time with the earlier offset.
            AmbiguousOffset::Gap { before, .. } => {
                (i64::from(before.seconds()), flags::TIME_SKIPPED)
            }
            AmbiguousOffset::Fold { before, .. } => {
                (i64::from(before.seconds()), flags::TIME_AMBIGUOUS)
            }
        }
    }

    /// UTC milliseconds and DST flags of a valid local date and time.
    pub fn utc_of(&mut self, y: i32, m: u8, d: u8, h: u8, mi: u8, s: u8) -> (i64, u8) {
        let days = days_from_civil(y, m, d);
        let local = days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s);
        if days != self.day {
            self.day = days;
            self.state = self.day_state(y, m, d);
        }
        match self.state {
            Day::Uniform(off) => ((local - off) * 1000, 0),
            Day::Unknown | Day::Mixed => {
                match DateTime::new(y as i16, m as i8, d as i8, h as i8, mi as i8, s as i8, 0) {
                    Ok(dt) => {
                        let (off, f) = self.offset_of(dt);
                        ((local - off) * 1000, f)
                    }
                    Err(_) => (local * 1000, 0),
                }
            }
        }
    }

    fn day_state(&self, y: i32, m: u8, d: u8) -> Day {
        let (Ok(a), Ok(b)) = (
            DateTime::new(y as i16, m as i8, d as i8, 0, 0, 0, 0),
            DateTime::new(y as i16, m as i8, d as i8, 23, 59, 59, 0),
        ) else {
            return Day::Unknown;
        };
        match (self.offset_of(a), self.offset_of(b)) {
            ((oa, 0), (ob, 0)) if oa == ob => Day::Uniform(oa),
            _ => Day::Mixed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2019, 2, 11), 17_938);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
    }

    #[test]
    fn dst_gap_and_fold_are_compatible_and_flagged() {
        let tz = TimeZone::get("America/New_York").unwrap();
        let mut c = LocalClock::new(&tz);
        // 2024-03-10 02:30 does not exist: compatible reads it as 03:30 EDT = 07:30Z.
        let (ms, f) = c.utc_of(2024, 3, 10, 2, 30, 0);
        assert_eq!(ms, 1_710_055_800_000);
        assert_eq!(f, flags::TIME_SKIPPED);
        // 2024-11-03 01:30 happens twice: compatible takes the first (EDT) = 05:30Z.
        let (ms, f) = c.utc_of(2024, 11, 3, 1, 30, 0);
        assert_eq!(ms, 1_730_611_800_000);
        assert_eq!(f, flags::TIME_AMBIGUOUS);
        // An ordinary day uses the cached offset.
        let (ms, f) = c.utc_of(2024, 7, 1, 12, 0, 0);
        assert_eq!(ms, 1_719_849_600_000);
        assert_eq!(f, 0);
        let (ms2, _) = c.utc_of(2024, 7, 1, 12, 0, 1);
        assert_eq!(ms2, ms + 1000);
    }
}
