//! Fuzz target: the handle normalisers never panic and keep their documented properties on
//! any text: `handles::normalize` is idempotent and a phone handle it returns is a phone by
//! `is_phone`; `walkaway_store::normalise_phone` returns `+` and 8 to 15 ASCII digits, and
//! gives that back when given it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use walkaway_import::handles;
use walkaway_store::normalise_phone;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let once = handles::normalize(raw);
    let twice = handles::normalize(&once);
    assert_eq!(once, twice, "normalize is not idempotent");
    if handles::is_phone(&once) {
        let shown = handles::display(&once);
        assert!(!shown.is_empty() && shown.trim_start_matches('+').bytes().all(|b| b.is_ascii_digit()));
    }
    if let Some(p) = normalise_phone(raw) {
        let digits = p.strip_prefix('+').expect("starts with +");
        assert!((8..=15).contains(&digits.len()), "{} digits", digits.len());
        assert!(digits.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(normalise_phone(&p).as_deref(), Some(p.as_str()));
    }
});
