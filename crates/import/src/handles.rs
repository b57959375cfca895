//! Stable handles of people: what [`walkaway_model::ParsedChat::handles`] holds.
//!
//! A person is recognised across apps by a handle (METRICS.md, "One person across apps"): the
//! same phone number in an SMS backup, a call log and a WhatsApp contact, the same email in
//! iMessage. Apps write one number many ways (`(555) 000-1111`, `+1 555-000-1111`,
//! `0015550001111`), so every reader normalises its addresses with [`normalize`]:
//!
//! - **Phone numbers** (digits with spaces, dashes, dots, slashes and parentheses, an optional
//!   `tel:` prefix and invisible direction marks) become E.164 where the text says the country:
//!   a leading `+` is kept (`+1 555-000-1111` → `+15550001111`) and the international prefix
//!   `00` becomes `+` (`0049 170 1234567` → `+491701234567`). A national number carries no
//!   country code, and which one it lacks depends on the phone's region, which no export
//!   records: its digits are kept behind `tel:` (`(555) 000-1111` → `tel:5550001111`), so two
//!   spellings of one national number still meet, but `tel:5550001111` and `+15550001111`
//!   stay two handles. (Other international prefixes such as North America's `011` are not
//!   recognised: they need the region too.)
//! - **Emails** are lowercased (`Ann@Example.COM` → `ann@example.com`, a `mailto:` dropped).
//! - **Anything else** (usernames, user ids, an SMS sender name such as `AMAZON`) is kept as
//!   given, trimmed.
//!
//! [`normalize`] never fails and is idempotent: normalising a handle gives it back.

/// The normalised handle of an address as an export writes it ("" for a blank one).
pub fn normalize(raw: &str) -> String {
    let s = strip_invisible(raw);
    let s = s.trim();
    if let Some(phone) = phone(s) {
        return phone;
    }
    // Every `mailto:` goes, not just the first: normalising must give back what it returned.
    let mut bare = s;
    while let Some(rest) = strip_prefix_ci(bare, "mailto:") {
        bare = rest;
    }
    if is_email(bare) {
        return bare.to_lowercase();
    }
    s.to_owned()
}

/// True when `handle` (as [`normalize`] returns it) is a phone number.
pub fn is_phone(handle: &str) -> bool {
    let digits = handle
        .strip_prefix('+')
        .or_else(|| handle.strip_prefix("tel:"));
    digits.is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// How a phone handle reads to a person: the E.164 number, or a national number's digits
/// without the `tel:` marker. Other handles are returned as they are.
pub fn display(handle: &str) -> &str {
    match handle.strip_prefix("tel:") {
        Some(d) if is_phone(handle) => d,
        _ => handle,
    }
}

/// Direction marks and other invisible characters phones put around numbers
/// (`\u{202a}+1 555\u{202c}`), and the byte-order mark.
fn strip_invisible(s: &str) -> std::borrow::Cow<'_, str> {
    let invisible = |c: char| {
        matches!(
            c,
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}'
        )
    };
    if s.chars().any(invisible) {
        std::borrow::Cow::Owned(s.chars().filter(|&c| !invisible(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..).unwrap_or(""))
}

/// The phone handle of `s` when it is a phone number: digits and separators only, with at
/// most one `+` and only in front.
fn phone(s: &str) -> Option<String> {
    let body = strip_prefix_ci(s, "tel:").unwrap_or(s).trim();
    let (plus, rest) = match body.strip_prefix('+') {
        Some(r) => (true, r),
        None => (false, body),
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '\u{a0}' | '\u{202f}' | '\t' | '-' | '.' | '/' | '(' | ')' | '\u{2010}'
            | '\u{2011}' | '\u{2012}' | '\u{2013}' => {}
            _ => return None,
        }
    }
    if digits.is_empty() {
        return None;
    }
    if plus {
        return Some(format!("+{digits}"));
    }
    match digits.strip_prefix("00") {
        // `00` is the international prefix of most of the world: what follows is the
        // country code. A lone `00` is not a number.
        Some(intl) if !intl.is_empty() && !intl.starts_with('0') => Some(format!("+{intl}")),
        _ => Some(format!("tel:{digits}")),
    }
}

/// `local@domain` with no blank in it.
fn is_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers() {
        for (raw, want) in [
            ("+1 555-000-1111", "+15550001111"),
            ("+15550001111", "+15550001111"),
            ("0049 170 1234567", "+491701234567"),
            ("(555) 000-1111", "tel:5550001111"),
            ("555.000.1111", "tel:5550001111"),
            ("1-555-555-5655", "tel:15555555655"),
            ("tel:+44 20 7946 0000", "+442079460000"),
            ("tel:5550001111", "tel:5550001111"),
            ("\u{202a}+33 6 01 02 03 04\u{202c}", "+33601020304"),
            ("09001234567", "tel:09001234567"),
            ("000", "tel:000"),
            ("112", "tel:112"),
        ] {
            assert_eq!(normalize(raw), want, "{raw}");
            assert!(is_phone(&normalize(raw)), "{raw}");
        }
        assert_eq!(display("tel:5550001111"), "5550001111");
        assert_eq!(display("+15550001111"), "+15550001111");
    }

    #[test]
    fn emails_and_usernames() {
        assert_eq!(normalize(" Ann@Example.COM "), "ann@example.com");
        assert_eq!(normalize("mailto:Ann@Example.com"), "ann@example.com");
        assert_eq!(normalize("AMAZON"), "AMAZON");
        assert_eq!(normalize("@Ann"), "@Ann");
        assert_eq!(normalize("user12345"), "user12345");
        assert_eq!(normalize("++1 555"), "++1 555");
        assert_eq!(normalize("   "), "");
        assert!(!is_phone("AMAZON"));
        assert!(!is_phone("tel:"));
        assert_eq!(display("ann@example.com"), "ann@example.com");
    }
}
