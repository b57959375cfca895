//! Calendar arithmetic in UTC without failure paths.
//!
//! The simulator writes wall-clock times (WhatsApp) and builds instants from dates. Doing the
//! proleptic Gregorian arithmetic here (Hinnant's days-from-civil algorithms) keeps rendering
//! total: there is no out-of-range error to handle for the instants a simulation produces.

use walkaway_model::Millis;

pub const MINUTE: Millis = 60_000;
pub const HOUR: Millis = 60 * MINUTE;
pub const DAY: Millis = 24 * HOUR;

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let d = i64::from(d);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of a day count since 1970-01-01 (the analysis crate's calendar
/// arithmetic, so simulated and analysed dates can never disagree).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let (y, m, d) = walkaway_analysis::series::civil_from_days(z);
    (y, u32::from(m), u32::from(d))
}

/// UTC midnight of a date, in milliseconds.
pub fn midnight(y: i64, m: u32, d: u32) -> Millis {
    days_from_civil(y, m, d) * DAY
}

/// Broken-down UTC wall-clock time of an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WallClock {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
}

pub fn wall_clock(ts: Millis) -> WallClock {
    let days = ts.div_euclid(DAY);
    let rem = ts.rem_euclid(DAY);
    let (year, month, day) = civil_from_days(days);
    WallClock {
        year,
        month,
        day,
        hour: (rem / HOUR) as u32,
        minute: ((rem % HOUR) / MINUTE) as u32,
    }
}

/// Hour of the day (0..24) of an instant, UTC.
pub fn hour_of_day(ts: Millis) -> u32 {
    (ts.rem_euclid(DAY) / HOUR) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        // 2026-10-01T00:00:00Z = 1790812800 s.
        assert_eq!(midnight(2026, 10, 1), 1_790_812_800_000);
        for z in -800_000..800_000 {
            if z % 997 != 0 {
                continue;
            }
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    #[test]
    fn wall_clock_of_an_instant() {
        let w = wall_clock(midnight(2026, 2, 28) + 13 * HOUR + 5 * MINUTE + 59_999);
        assert_eq!(
            w,
            WallClock {
                year: 2026,
                month: 2,
                day: 28,
                hour: 13,
                minute: 5
            }
        );
        assert_eq!(hour_of_day(midnight(2026, 2, 28) + 23 * HOUR), 23);
    }
}
