//! Minimum data: the smallest sample from which each figure is shown as a number.
//!
//! METRICS.md "Minimum data": below its minimum a figure is not a number but "too little data
//! (n = 3)" (JSON: `null` with a `null_reason`), and no interval of zero width is ever shown.
//! Each minimum is where simulation shows the figure's 95% interval reaching its nominal
//! coverage (`walkaway-sim minimums`, docs/simulation.md); docs/metrics.md lists them.

/// Shares with a Wilson interval (opening share, reply rate, a month's opening share): the
/// number of trials (conversations, turns received). The smoothed worst-case coverage of the
/// Wilson interval is at least 93% from 3 trials and at least 94.5% from 7.
pub const SHARE: u64 = 7;

/// A median reply time with its order-statistic interval: the number of replies. Below 6 no
/// order-statistic interval reaches 95% whatever the distribution.
pub const REPLIES: u64 = 6;

/// The effort balance index and its conversation-level block bootstrap (with the
/// small-sample stretch of `balance::widen_small_sample`): conversations. Coverage 93.7-94%
/// at 50; the plain percentile interval needed 100.
pub const BALANCE_CONVERSATIONS: u64 = 50;

/// The forecast median: partner reach-outs (METRICS.md fixes 5).
pub const REACH_OUTS: u64 = 5;

/// Why a figure with `n` observations of `what` (a plural noun, e.g. "replies") is withheld,
/// or None when `n` reaches `min`.
pub fn null_reason(n: u64, min: u64, what: &str) -> Option<String> {
    (n < min).then(|| format!("too little data ({what}: {n}; at least {min} needed)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons() {
        assert_eq!(
            null_reason(3, REPLIES, "replies").as_deref(),
            Some("too little data (replies: 3; at least 6 needed)")
        );
        assert_eq!(null_reason(6, REPLIES, "replies"), None);
    }
}
