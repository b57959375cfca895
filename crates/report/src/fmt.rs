//! Number formatting shared by the renderers: durations, percentages, signed indices.

/// A duration in seconds as a person would say it: "45 s", "12 min", "3.4 h", "2.1 days".
pub fn duration(secs: f64) -> String {
    if !secs.is_finite() {
        return "-".to_string();
    }
    let s = secs.max(0.0);
    if s < 90.0 {
        format!("{s:.0} s")
    } else if s < 10.0 * 60.0 {
        format!("{:.1} min", s / 60.0)
    } else if s < 90.0 * 60.0 {
        format!("{:.0} min", s / 60.0)
    } else if s < 48.0 * 3600.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} days", s / 86400.0)
    }
}

/// A share in [0, 1] as a whole percentage.
pub fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// An index in [-1, 1] with its sign.
pub fn signed(x: f64) -> String {
    if x.abs() < 0.005 {
        "0.00".to_string()
    } else {
        format!("{x:+.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(30.0), "30 s");
        assert_eq!(duration(600.0), "10 min");
        assert_eq!(duration(130.0), "2.2 min");
        assert_eq!(duration(3.0 * 3600.0), "3.0 h");
        assert_eq!(duration(3.0 * 86400.0), "3.0 days");
        assert_eq!(pct(0.724), "72%");
        assert_eq!(signed(0.381), "+0.38");
        assert_eq!(signed(-0.001), "0.00");
    }
}

/// A duration in plain words, rounded as a person would say it: "45 seconds", "6 minutes",
/// "21 hours", "2.5 days", "3 weeks".
pub fn human(secs: f64) -> String {
    if !secs.is_finite() {
        return "an unknown time".to_string();
    }
    let s = secs.max(0.0);
    let unit = |n: f64, one: &str, many: &str| {
        if (n - 1.0).abs() < 1e-9 {
            format!("1 {one}")
        } else if n.fract() == 0.0 {
            format!("{n:.0} {many}")
        } else {
            format!("{n:.1} {many}")
        }
    };
    if s < 90.0 {
        unit(s.round(), "second", "seconds")
    } else if s < 90.0 * 60.0 {
        unit((s / 60.0).round(), "minute", "minutes")
    } else if s < 48.0 * 3600.0 {
        unit((s / 3600.0).round(), "hour", "hours")
    } else if s < 14.0 * 86400.0 {
        let d = s / 86400.0;
        unit(
            if d < 10.0 {
                (d * 10.0).round() / 10.0
            } else {
                d.round()
            },
            "day",
            "days",
        )
    } else {
        let w = s / (7.0 * 86400.0);
        unit(
            if w < 10.0 {
                (w * 10.0).round() / 10.0
            } else {
                w.round()
            },
            "week",
            "weeks",
        )
    }
}

/// `YYYY-MM-DD...` as "1 Oct 2026" (the input unchanged when it is not a date).
pub fn day(s: &str) -> String {
    let d = s.get(..10).unwrap_or(s);
    match d.parse::<jiff::civil::Date>() {
        Ok(date) => date.strftime("%-d %b %Y").to_string(),
        Err(_) => d.to_string(),
    }
}

/// `YYYY-MM-DDTHH:MM...` as "2026-10-07 00:56".
pub fn minute(s: &str) -> String {
    s.get(..16).unwrap_or(s).replace('T', " ")
}

/// `n` with its noun in the right number: "1 conversation", "3 conversations".
pub fn count(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", thousands(n))
    }
}

/// 14695 as "14,695".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod human_tests {
    use super::*;

    #[test]
    fn plain_words() {
        assert_eq!(human(45.0), "45 seconds");
        assert_eq!(human(1.0), "1 second");
        assert_eq!(human(130.0), "2 minutes");
        assert_eq!(human(21.4 * 3600.0), "21 hours");
        assert_eq!(human(3600.0), "60 minutes");
        assert_eq!(human(2.54 * 86400.0), "2.5 days");
        assert_eq!(human(86400.0 * 21.0), "3 weeks");
        assert_eq!(day("2026-10-01T12:00"), "1 Oct 2026");
        assert_eq!(count(1, "conversation", "conversations"), "1 conversation");
        assert_eq!(count(14695, "word", "words"), "14,695 words");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
    }
}
