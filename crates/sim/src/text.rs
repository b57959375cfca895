//! What simulated people write.
//!
//! The texts only need to look like a chat and to carry the features the metrics count: words,
//! questions ("?"), multi-line messages. The phrase banks deliberately contain none of the
//! signal patterns (monitoring, missing you, meeting requests...), so that every signal in a
//! simulated history is one the scenario put there on purpose.

use crate::rng::Rng;

const OPENERS: &[&str] = &[
    "hey",
    "hey you",
    "morning",
    "good morning",
    "hi",
    "hiya",
    "so",
    "guess what",
    "ok so",
    "quick one",
    "hello hello",
    "look at this",
];

const QUESTIONS: &[&str] = &[
    "how was your day?",
    "did you sleep ok?",
    "how did the presentation go?",
    "are you free on saturday?",
    "did you watch the next episode?",
    "what did you have for dinner?",
    "how is your sister doing?",
    "do you still want to try that ramen place?",
    "did you get home ok?",
    "how was the gym?",
    "any plans for the weekend?",
    "did your mum call back?",
    "is the new job still crazy?",
    "have you heard the new album?",
    "did it rain where you are?",
    "you up?",
    "how was the trip?",
    "did you finish the book?",
];

const STATEMENTS: &[&str] = &[
    "work was long today",
    "just got home",
    "the train was late again",
    "I made the pasta thing from last week",
    "my boss finally approved the holiday",
    "it is so cold here",
    "I am so tired",
    "watching the match",
    "had coffee with Priya",
    "the cat knocked over the plant again",
    "I finally finished the report",
    "going to bed early tonight",
    "that podcast you sent was really good",
    "the new place on the corner is open",
    "I think I am getting a cold",
    "long day but a good one",
    "my phone was dead all afternoon",
    "stuck in traffic",
    "I booked the dentist",
    "the weather is perfect today",
    "I started running again",
    "groceries done",
    "my sister says hi",
    "I have so much laundry",
    "they changed the bus route again",
    "the presentation went fine",
];

const REPLIES: &[&str] = &[
    "haha",
    "ok",
    "nice",
    "yeah",
    "same",
    "lol",
    "sounds good",
    "oh no",
    "not bad",
    "cool",
    "true",
    "fair",
    "yes!",
    "ha yes",
    "hmm maybe",
    "good good",
    "night",
    "busy day",
    "tell me about it",
    "no way",
    "all good here",
    "👍",
    "😂",
    "❤️",
];

/// A plausible opening line.
pub fn opener(rng: &mut Rng) -> &'static str {
    rng.pick(OPENERS).copied().unwrap_or("hey")
}

/// A question (ends with "?").
pub fn question(rng: &mut Rng) -> &'static str {
    rng.pick(QUESTIONS).copied().unwrap_or("how are you?")
}

/// A short reaction-like reply.
pub fn reply(rng: &mut Rng) -> &'static str {
    rng.pick(REPLIES).copied().unwrap_or("ok")
}

/// A statement of roughly `words` words built from whole phrases (at least one).
pub fn statement(rng: &mut Rng, words: usize) -> String {
    let mut out = String::new();
    let mut used: Vec<&str> = Vec::new();
    let mut n = 0usize;
    while n < words.max(1) {
        let p = rng.pick(STATEMENTS).copied().unwrap_or("ok");
        if used.contains(&p) {
            // A phrase said twice in one message reads like a machine; draw again.
            if used.len() >= 4 {
                break;
            }
            continue;
        }
        used.push(p);
        if !out.is_empty() {
            out.push_str(if rng.chance(0.5) { ", " } else { " and " });
        }
        out.push_str(p);
        n += p.split_whitespace().count();
        if used.len() >= 4 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banks_are_free_of_signal_patterns() {
        let all = OPENERS
            .iter()
            .chain(QUESTIONS)
            .chain(STATEMENTS)
            .chain(REPLIES);
        for t in all {
            let l = t.to_lowercase();
            for bad in [
                "where are you",
                "who are you with",
                "why didn't you",
                "miss you",
                "remember when",
                "sorry",
                "meet",
            ] {
                assert!(!l.contains(bad), "{t:?} contains {bad:?}");
            }
        }
        assert!(QUESTIONS.iter().all(|q| q.ends_with('?')));
    }

    #[test]
    fn statements_reach_the_word_target() {
        let mut r = Rng::new(5);
        for target in [1usize, 5, 12, 30] {
            let s = statement(&mut r, target);
            let n = s.split_whitespace().count();
            assert!(n >= target.min(12), "{n} words for target {target}");
            let parts: Vec<&str> = s.split(", ").flat_map(|p| p.split(" and ")).collect();
            let mut distinct = parts.clone();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(distinct.len(), parts.len(), "a phrase repeats in {s:?}");
        }
    }
}
