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
