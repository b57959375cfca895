//! Signal patterns measured on the author-written labelled sets (tests/signals/*.tsv): the
//! precision floor per language is the product's contract (precision first), the recall floor
//! guards against regressions. Also checks that arbitrary input never panics.

use proptest::prelude::*;
use walkaway_analysis::signals::{Matcher, Signal, evaluate};

const SETS: [(&str, &str); 6] = [
    ("en", include_str!("signals/en.tsv")),
    ("es", include_str!("signals/es.tsv")),
    ("de", include_str!("signals/de.tsv")),
    ("fr", include_str!("signals/fr.tsv")),
    ("pt", include_str!("signals/pt.tsv")),
    ("it", include_str!("signals/it.tsv")),
];
const HOLDOUT: &str = include_str!("signals/holdout.tsv");

/// One matcher shared by the property tests (compiling takes milliseconds).
fn shared() -> &'static Matcher {
    static M: std::sync::OnceLock<Matcher> = std::sync::OnceLock::new();
    M.get_or_init(Matcher::builtin)
}

fn matcher() -> Matcher {
    match Matcher::try_builtin() {
        Ok(m) => m,
        Err(e) => panic!("built-in patterns must compile: {e}"),
    }
}

#[test]
fn each_language_set_is_large_enough_and_covers_every_signal() {
    let m = matcher();
    for (lang, set) in SETS {
        let ev = evaluate(set, &m).unwrap_or_else(|e| panic!("{lang}: {e}"));
        assert_eq!(ev.langs.len(), 1, "{lang}: one language per file");
        let Some((l, n, counts)) = ev.langs.first() else {
            panic!("{lang}: empty set");
        };
        assert_eq!(l, lang);
        assert!(*n >= 60, "{lang}: only {n} labelled messages");
        for (sig, c) in Signal::ALL.iter().zip(counts) {
            assert!(
                c.tp + c.fn_ >= 3,
                "{lang}: fewer than 3 positives for {sig}"
            );
        }
        let negatives = set.lines().filter(|l| l.contains("\tNONE\t")).count();
        assert!(
            negatives >= 10,
            "{lang}: only {negatives} negative examples"
        );
    }
}

#[test]
fn precision_is_at_least_90_percent_per_language() {
    let m = matcher();
    for (lang, set) in SETS {
        let ev = evaluate(set, &m).unwrap_or_else(|e| panic!("{lang}: {e}"));
        let t = ev.lang_total(lang).unwrap_or_default();
        let p = t.precision().unwrap_or(0.0);
        assert!(p >= 0.9, "{lang}: precision {p:.3} ({t:?})");
    }
}

/// Recall floor 0.8 per language: the sets are written so that most positives use common
/// phrasings; the held-out set (about 0.83 overall) shows what to expect on unseen wording.
#[test]
fn recall_is_at_least_80_percent_per_language() {
    let m = matcher();
    for (lang, set) in SETS {
        let ev = evaluate(set, &m).unwrap_or_else(|e| panic!("{lang}: {e}"));
        let t = ev.lang_total(lang).unwrap_or_default();
        let r = t.recall().unwrap_or(0.0);
        assert!(r >= 0.8, "{lang}: recall {r:.3} ({t:?})");
    }
}

/// The held-out set was written after the patterns were frozen. This is a regression guard at
/// the measured level (precision 0.89, recall 0.83 overall when frozen), not a tuning target.
#[test]
fn held_out_set_stays_at_its_frozen_level() {
    let m = matcher();
    let ev = evaluate(HOLDOUT, &m).unwrap_or_else(|e| panic!("holdout: {e}"));
    let mut tp = 0;
    let mut fp = 0;
    let mut fn_ = 0;
    for sig in Signal::ALL {
        let c = ev.signal_total(sig);
        tp += c.tp;
        fp += c.fp;
        fn_ += c.fn_;
    }
    let p = f64::from(tp) / f64::from((tp + fp).max(1));
    let r = f64::from(tp) / f64::from((tp + fn_).max(1));
    assert!(p >= 0.85, "held-out precision {p:.3}");
    assert!(r >= 0.75, "held-out recall {r:.3}");
}

#[test]
fn markdown_table_names_every_language_and_signal() {
    let m = matcher();
    let all: String = SETS.iter().map(|(_, s)| *s).collect();
    let md = evaluate(&all, &m)
        .map(|e| e.to_markdown())
        .unwrap_or_default();
    for (lang, _) in SETS {
        assert!(md.contains(&format!("| {lang} |")), "{lang} missing");
    }
    for sig in Signal::ALL {
        assert!(md.contains(sig.as_str()), "{sig} missing");
    }
}

#[test]
fn bad_labels_are_reported_with_their_line() {
    let m = matcher();
    let err = evaluate("# header\nen\tNONE\tok\nen\tWAT\thi\n", &m);
    assert!(err.as_ref().is_err_and(|e| e.contains("line 3")), "{err:?}");
    let err = evaluate("en NONE no tabs\n", &m);
    assert!(err.as_ref().is_err_and(|e| e.contains("line 1")), "{err:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn detect_never_panics_and_reports_each_signal_once(text in "\\PC{0,80}") {
        let m = shared();
        let hits = m.detect(&text);
        for (i, h) in hits.iter().enumerate() {
            prop_assert!(hits.iter().skip(i + 1).all(|o| o.signal != h.signal));
        }
    }

    #[test]
    fn detect_handles_mixed_chat_fragments(parts in prop::collection::vec(
        prop::sample::select(vec![
            "i", "don't", "miss", "you", "no", "te", "extraño", "nicht", "pas", "?", ",", "😭",
            "where", "are", "sorry", "n'", "ne", "me", "manques", "plus", "que", "\u{301}", "ß",
        ]), 0..12)) {
        let text = parts.join(" ");
        let m = shared();
        let _ = m.detect(&text);
    }
}
