//! Validated settings. Every flag is checked here once, with an error that names the flag,
//! so the commands can trust their inputs.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use jiff::{civil::Date, tz::TimeZone};
use walkaway_import::DateOrder;
use walkaway_model::Millis;

/// The database path: `--db`, else `WALKAWAY_DB` (clap reads both), else the platform data dir.
pub fn db_path(flag: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = flag {
        return Ok(p.to_path_buf());
    }
    let dir = dirs::data_dir().ok_or_else(|| {
        anyhow!("cannot find the platform data directory; pass --db PATH or set WALKAWAY_DB")
    })?;
    Ok(dir.join("walkaway").join("walkaway.db"))
}

/// `--tz ZONE`, else the system zone (UTC when the system has none configured).
pub fn time_zone(flag: Option<&str>) -> Result<TimeZone> {
    match flag {
        Some(name) => TimeZone::get(name).with_context(|| {
            format!("--tz: unknown time zone '{name}' (try e.g. Europe/Berlin or UTC)")
        }),
        None => Ok(TimeZone::try_system().unwrap_or(TimeZone::UTC)),
    }
}

/// A printable name for a zone (IANA name when known).
pub fn zone_name(tz: &TimeZone) -> String {
    tz.iana_name().unwrap_or("UTC").to_string()
}

pub fn date_order(flag: Option<&str>) -> Result<Option<DateOrder>> {
    match flag {
        None => Ok(None),
        Some(s) => s
            .parse::<DateOrder>()
            .map(Some)
            .map_err(|_| anyhow!("--date-order: expected dmy, mdy or ymd, got '{s}'")),
    }
}

/// Parses `YYYY-MM-DD` for the flag named `flag`.
pub fn date(flag: &str, s: &str) -> Result<Date> {
    s.trim()
        .parse::<Date>()
        .with_context(|| format!("{flag}: expected a date like 2026-10-01, got '{s}'"))
}

/// Local midnight at the start of `d` in `tz`, as UTC milliseconds.
pub fn start_of_day(d: Date, tz: &TimeZone) -> Result<Millis> {
    let zoned = d
        .to_zoned(tz.clone())
        .with_context(|| format!("cannot place {d} in the time zone"))?;
    Ok(zoned.timestamp().as_millisecond())
}

/// The end of day `d` (next local midnight) in `tz`.
pub fn end_of_day(d: Date, tz: &TimeZone) -> Result<Millis> {
    let next = d
        .tomorrow()
        .map_err(|_| anyhow!("{d} is the last representable date"))?;
    start_of_day(next, tz)
}

pub fn now_millis() -> Millis {
    jiff::Timestamp::now().as_millisecond()
}

pub fn today(tz: &TimeZone) -> Date {
    jiff::Timestamp::now().to_zoned(tz.clone()).date()
}

/// Checks a window or rule value is sensible.
pub fn positive(flag: &str, v: u32, max: u32) -> Result<u32> {
    if v == 0 || v > max {
        bail!("{flag}: expected a number from 1 to {max}, got {v}");
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_zones() {
        assert!(date("--as-of", "2026-13-01").is_err());
        let d = date("--stepback", "2026-10-01").unwrap();
        let tz = time_zone(Some("Europe/Berlin")).unwrap();
        // 2026-10-01 00:00 CEST = 2026-09-30T22:00Z
        let ms = start_of_day(d, &tz).unwrap();
        assert_eq!(
            jiff::Timestamp::from_millisecond(ms).unwrap().to_string(),
            "2026-09-30T22:00:00Z"
        );
        assert_eq!(end_of_day(d, &tz).unwrap() - ms, 24 * 3600 * 1000);
        assert!(time_zone(Some("Mars/Olympus")).is_err());
        assert!(date_order(Some("xyz")).is_err());
    }
}
