//! Change over time: monthly and weekly series and activity by hour of week, in the user's zone.
//!
//! Calendar buckets are computed arithmetically from local epoch days: the zone's UTC offset is
//! looked up once per offset period (until the zone's next transition), so a million messages
//! cost a few thousand zone lookups, not a million. Series are dense: every month (ISO week)
//! from the first message to the last one appears, empty or not, so change-point code can read
//! them as plain vectors.

use crate::{DAY, HOUR, Millis};
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Local time of instants in one zone, with the offset cached until the next transition.
#[derive(Clone, Debug)]
pub struct LocalClock {
    tz: TimeZone,
    /// The cached offset (ms) holds for instants in `valid_from..valid_until`.
    offset_ms: Millis,
    valid_from: Millis,
    valid_until: Millis,
}

impl LocalClock {
    pub fn new(tz: TimeZone) -> LocalClock {
        LocalClock {
            tz,
            offset_ms: 0,
            valid_from: 1,
            valid_until: 0,
        }
    }

    /// The local wall-clock milliseconds since 1970-01-01T00:00 of `ts`. Instants outside the
    /// range the zone database can represent are read as UTC.
    pub fn local_ms(&mut self, ts: Millis) -> Millis {
        if ts < self.valid_from || ts >= self.valid_until {
            self.refresh(ts);
        }
        ts.saturating_add(self.offset_ms)
    }

    fn refresh(&mut self, ts: Millis) {
        let Ok(t) = Timestamp::from_millisecond(ts) else {
            self.offset_ms = 0;
            self.valid_from = ts;
            self.valid_until = ts.saturating_add(1);
            return;
        };
        self.offset_ms = Millis::from(self.tz.to_offset(t).seconds()) * 1000;
        self.valid_from = self
            .tz
            .preceding(
                t.checked_add(jiff::SignedDuration::from_millis(1))
                    .unwrap_or(t),
            )
            .next()
            .map_or(Millis::MIN, |tr| tr.timestamp().as_millisecond());
        self.valid_until = self
            .tz
            .following(t)
            .next()
            .map_or(Millis::MAX, |tr| tr.timestamp().as_millisecond());
        if self.valid_from > ts || self.valid_until <= ts {
            // The transition data disagrees with itself; cache this instant only.
            self.valid_from = ts;
            self.valid_until = ts.saturating_add(1);
        }
    }

    /// Local days since 1970-01-01 and milliseconds into that day.
    pub fn local_day(&mut self, ts: Millis) -> (i64, Millis) {
        let l = self.local_ms(ts);
        (l.div_euclid(DAY), l.rem_euclid(DAY))
    }
}

/// Civil date (year, month 1-12, day 1-31) of a count of days since 1970-01-01 (proleptic
/// Gregorian; H. Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Day of week of a day count, Monday = 0 (1970-01-01 was a Thursday).
pub fn weekday_mon0(days: i64) -> i64 {
    (days + 3).rem_euclid(7)
}

/// A month as a running index: year * 12 + (month - 1).
pub fn month_index(days: i64) -> i64 {
    let (y, m, _) = civil_from_days(days);
    y * 12 + i64::from(m) - 1
}

/// The civil date of a local day count, when jiff can represent it.
pub fn date_of_days(days: i64) -> Option<jiff::civil::Date> {
    let (y, m, d) = civil_from_days(days);
    jiff::civil::Date::new(i16::try_from(y).ok()?, m as i8, d as i8).ok()
}

/// Hour-of-week index (Monday 00:00-00:59 = 0 ... Sunday 23:00-23:59 = 167) of a local day
/// and time of day.
pub fn hour_of_week(days: i64, ms_of_day: Millis) -> usize {
    (weekday_mon0(days) * 24 + ms_of_day / HOUR).clamp(0, 167) as usize
}

/// Figures of one calendar month. Per-person vectors are indexed by person.
#[derive(Clone, Debug, PartialEq)]
pub struct Month {
    pub year: i64,
    /// 1-12.
    pub month: u8,
    pub messages: Vec<u64>,
    /// Conversations that started in the month.
    pub conversations: u64,
    /// Openings by person (conversations started in the month).
    pub openings: Vec<u64>,
    /// User openings / all openings (Wilson 95%).
    pub opening_share: crate::stats::Proportion,
    /// Median latency (type 7, ms) of replies whose turn starts in the month; `None` without
    /// replies.
    pub median_latency_ms: Vec<Option<f64>>,
    pub replies: Vec<u64>,
    /// Turns of others received in the month (by the received turn's last message) answered by
    /// the person.
    pub reply_rate: Vec<crate::stats::Proportion>,
    pub words: Vec<u64>,
    pub questions: Vec<u64>,
    /// Follow-up openings plus within-conversation double texts.
    pub double_texts: Vec<u64>,
    /// Effort balance index of the month (point only; two-person chats).
    pub ebi: Option<f64>,
}

/// Weekly series (ISO weeks, Monday local midnight) as plain vectors of equal length, one entry
/// per week from the first message's week to the last one's. "Partner" is `Config::partner`,
/// or everyone but the user in a group.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Weekly {
    /// Monday of each week (`None` only outside jiff's date range).
    pub week_start: Vec<Option<jiff::civil::Date>>,
    pub user_openings: Vec<u64>,
    pub total_openings: Vec<u64>,
    pub partner_openings: Vec<u64>,
    pub messages: Vec<u64>,
    /// Number of partner replies in the week.
    pub partner_replies: Vec<u64>,
    /// Median partner reply latency in ms; NaN in weeks without a partner reply (see
    /// `partner_replies`).
    pub partner_median_latency_ms: Vec<f64>,
}

impl Weekly {
    pub fn len(&self) -> usize {
        self.messages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }
}
