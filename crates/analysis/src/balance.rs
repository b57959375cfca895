//! Effort balance: shares of openings, words and questions, and the effort balance index.
//!
//! METRICS.md: S_k = user_k / (user_k + partner_k) for openings, words and questions;
//! EBI = mean over k of (2 S_k - 1) in [-1, 1] (+1: the user does all the work), with a 95%
//! interval from a conversation-level block bootstrap with a fixed seed. A component whose
//! denominator is zero (say, nobody ever asked a question) has no share and is left out of the
//! mean; with no component at all there is no index. Words and questions are counted on text
//! messages only (media, voice and deleted messages carry placeholders, not words).
//! Emoji are counted separately and never as words.

use crate::rng::SplitMix64;
use crate::stats::quantile_sorted_f64;

/// True when `text` is a question: a question mark of any script ends one of its sentences
/// (anywhere outside a link), or the message opens with an interrogative pattern of English,
/// Spanish, German, French, Portuguese or Italian (see [`INTERROGATIVE_OPENERS`]).
///
/// Precision comes first: openers are phrases that are questions almost whenever they open a
/// message ("do you", "where are", "est-ce que", "hast du"); bare words that often open
/// statements or exclamations ("what a day", "qué bonito", "perché" = because) are left out.
pub fn is_question(text: &str) -> bool {
    has_question_mark(text) || opens_with_interrogative(text)
}

/// Question marks: ASCII, fullwidth, Arabic, Spanish opening, Greek, Armenian, Ethiopic, the
/// double forms and the question-mark emoji.
const QUESTION_MARKS: [char; 11] = [
    '?', '？', '؟', '¿', '\u{037E}', '\u{055E}', '\u{1367}', '⁇', '⁈', '⁉', '❓',
];

fn has_question_mark(text: &str) -> bool {
    // The ASCII mark with memchr; the others in one pass over the characters (a message is
    // short: one pass beats a dozen substring searches, each with its own setup).
    let found = text.as_bytes().contains(&b'?')
        || (!text.is_ascii()
            && text
                .chars()
                .any(|c| !c.is_ascii() && (QUESTION_MARKS.contains(&c) || c == '❔')));
    found
        && text.split_whitespace().any(|tok| {
            let mark = tok.as_bytes().contains(&b'?')
                || (!tok.is_ascii() && (tok.contains(QUESTION_MARKS) || tok.contains('❔')));
            mark && !(tok.contains("://") || tok.starts_with("www."))
        })
}

/// Interrogative openers, lowercase, matched at the start of the message (after leading
/// punctuation such as "¿" or quotes) and followed by a non-letter. Curated for precision.
pub const INTERROGATIVE_OPENERS: &[&str] = &[
    // English: auxiliary + subject, and wh-words followed by an auxiliary.
    "do you",
    "did you",
    "are you",
    "were you",
    "have you",
    "has he",
    "has she",
    "can you",
    "could you",
    "would you",
    "will you",
    "shall we",
    "should i",
    "should we",
    "is it",
    "is he",
    "is she",
    "is that",
    "is this",
    "are we",
    "are they",
    "do we",
    "did he",
    "did she",
    "does he",
    "does she",
    "does it",
    "can i",
    "can we",
    "may i",
    "what do",
    "what did",
    "what are",
    "what is",
    "what's up",
    "whats up",
    "what time",
    "what happened",
    "where are",
    "where is",
    "where were",
    "where did",
    "where do",
    "when are",
    "when is",
    "when do",
    "when did",
    "when will",
    "how are",
    "how is",
    "how was",
    "how did",
    "how do",
    "how many",
    "how much",
    "how long",
    "how come",
    "why do",
    "why did",
    "why are",
    "why is",
    "why not",
    "why would",
    "who is",
    "who are",
    "who was",
    "who did",
    "which one",
    "want to come",
    // Spanish: accented interrogatives (unaccented forms are relatives or "because").
    "dónde",
    "cuándo",
    "por qué",
    "quién",
    "quiénes",
    "cuál",
    "cuáles",
    "cuánto",
    "cuántos",
    "cuánta",
    "cuántas",
    "qué tal",
    "qué haces",
    "qué hay",
    "qué pasa",
    "qué pasó",
    "cómo estás",
    "cómo está",
    "cómo te",
    "cómo va",
    "cómo fue",
    "me quieres",
    "quieres",
    // German: verb-first questions and w-words.
    "hast du",
    "bist du",
    "kannst du",
    "willst du",
    "kommst du",
    "gehst du",
    "weißt du",
    "weisst du",
    "magst du",
    "musst du",
    "hättest du",
    "könntest du",
    "würdest du",
    "habt ihr",
    "seid ihr",
    "haben sie",
    "sind sie",
    "wann",
    "warum",
    "wieso",
    "weshalb",
    "wo bist",
    "wo ist",
    "wo sind",
    "wo warst",
    "wer ist",
    "wer war",
    "was machst",
    "was ist",
    "was war",
    "was hast",
    "wie geht",
    "wie war",
    "wie ist",
    "wie viel",
    "wie lange",
    // French: inversion and "est-ce que".
    "est-ce que",
    "est ce que",
    "qu'est-ce",
    "qu’est-ce",
    "pourquoi",
    "as-tu",
    "es-tu",
    "veux-tu",
    "peux-tu",
    "vas-tu",
    "sais-tu",
    "avez-vous",
    "êtes-vous",
    "voulez-vous",
    "pouvez-vous",
    "savez-vous",
    "où es",
    "où est",
    "où êtes",
    "où sont",
    "comment vas",
    "comment ça",
    "comment tu",
    "comment allez",
    "quand est-ce",
    "c'est quand", // Portuguese.
    "por que",
    "por quê",
    "onde está",
    "onde estás",
    "onde você",
    "onde tu",
    "quem é",
    "quem foi",
    "qual é",
    "o que você",
    "o que tu",
    "o que foi",
    "o que aconteceu",
    "como está",
    "como estás",
    "como vai",
    "você quer",
    "queres",
    // Italian.
    "dove sei",
    "dove è",
    "dov'è",
    "dove siete",
    "quando arrivi",
    "quando vieni",
    "quando torni",
    "come stai",
    "come va",
    "come sta",
    "chi è",
    "cosa fai",
    "cosa fate",
    "cosa è",
    "cos'è",
    "cosa succede",
    "che fai",
    "che cosa",
    "che ore",
    "quale",
    "quanto costa",
    "hai visto",
    "vuoi",
    "ti va",
];

/// FNV-1a: the opener table is looked up once per text message with a short key, where
/// SipHash's setup would cost more than the rest of the check.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

type Openers =
    std::collections::HashMap<&'static str, Vec<&'static str>, std::hash::BuildHasherDefault<Fnv>>;

/// [`INTERROGATIVE_OPENERS`] grouped by their first word: a message is compared only with the
/// patterns that share its first word.
fn openers_by_first_word() -> &'static Openers {
    static BY_FIRST: std::sync::OnceLock<Openers> = std::sync::OnceLock::new();
    BY_FIRST.get_or_init(|| {
        let mut m = Openers::default();
        for p in INTERROGATIVE_OPENERS {
            m.entry(p.split(' ').next().unwrap_or(p))
                .or_default()
                .push(p);
        }
        m
    })
}

/// Lowercases `s` into `buf`, returning the lowercase text, or `None` when it does not fit.
fn lowercase_into<'b>(s: &str, buf: &'b mut [u8; 64]) -> Option<&'b str> {
    if s.is_ascii() {
        let dst = buf.get_mut(..s.len())?;
        dst.copy_from_slice(s.as_bytes());
        dst.make_ascii_lowercase();
        return std::str::from_utf8(dst).ok();
    }
    let mut len = 0usize;
    for c in s.chars().flat_map(char::to_lowercase) {
        let n = c.len_utf8();
        let dst = buf.get_mut(len..len + n)?;
        c.encode_utf8(dst);
        len += n;
    }
    std::str::from_utf8(buf.get(..len)?).ok()
}

fn opens_with_interrogative(text: &str) -> bool {
    let t = text.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '¿' | '"' | '\'' | '«' | '“' | '‘' | '-' | '(')
    });
    if !t.chars().next().is_some_and(char::is_alphabetic) {
        return false;
    }
    // Cheap filter: the first word (trailing punctuation dropped) must open some pattern.
    let first = t
        .split(char::is_whitespace)
        .next()
        .unwrap_or("")
        .trim_end_matches(|c: char| !c.is_alphanumeric());
    let mut buf = [0u8; 64];
    let Some(first) = lowercase_into(first, &mut buf) else {
        return false;
    };
    let Some(candidates) = openers_by_first_word().get(first) else {
        return false;
    };
    // Full match on the first few words.
    let head_end = t.char_indices().nth(24).map_or(t.len(), |(i, _)| i);
    let raw = t.get(..head_end).unwrap_or(t);
    let mut buf = [0u8; 64];
    let owned: String;
    let head = match lowercase_into(raw, &mut buf) {
        Some(h) => h,
        None => {
            owned = raw.to_lowercase();
            &owned
        }
    };
    candidates.iter().any(|p| {
        head.strip_prefix(p)
            .is_some_and(|rest| !rest.chars().next().is_some_and(char::is_alphanumeric))
    })
}

/// Words by Unicode word segmentation (UAX #29, the segments containing a letter or digit).
///
/// Segmentation is the bottleneck of a large chat, so text made only of ASCII, Latin letters
/// (U+00C0-U+024F), common punctuation, emoji and their modifiers takes an equivalent
/// hand-written path; anything else goes to the `unicode-segmentation` crate. The property
/// test `fast_words_match_uax29` pins the two together.
pub fn count_words(text: &str) -> u32 {
    if text.is_ascii() {
        return count_ascii_words(text.as_bytes());
    }
    count_words_non_ascii(text)
}

/// [`count_words`] of a text known to hold a non-ASCII character.
fn count_words_non_ascii(text: &str) -> u32 {
    let mut words = Words::default();
    for c in text.chars() {
        match char_class(c) {
            Some(Some(k)) => words.feed(k),
            // Extend, Format and ZWJ are transparent to the word rules (UAX #29 WB4).
            Some(None) => {}
            None => {
                use unicode_segmentation::UnicodeSegmentation;
                return text.unicode_words().count().min(u32::MAX as usize) as u32;
            }
        }
    }
    words.finish()
}

/// The word-break class of every ASCII byte (indexed by the byte).
const ASCII_CLASSES: [WordClass; 128] = {
    let mut t = [WordClass::Other; 128];
    let mut i = 0;
    while i < 128 {
        t[i] = ascii_class(i as u8);
        i += 1;
    }
    t
};

/// Words of ASCII text, the classes read from a table. The rule (UAX #29 over the classes the
/// fast path knows): letters, digits and "_" form one segment; a single MidLetter or MidNumLet
/// between two letters, and a single MidNum or MidNumLet between two digits, join; a segment
/// counts when it holds a letter or digit.
fn count_ascii_words(b: &[u8]) -> u32 {
    use WordClass::{Digit, Letter, MidLetter, MidNum, MidNumLet, Under};
    let class = |i: usize| {
        b.get(i)
            .and_then(|&c| ASCII_CLASSES.get(usize::from(c)))
            .copied()
    };
    let mut count = 0u32;
    let mut in_word = false;
    let mut has_alnum = false;
    let mut prev: Option<WordClass> = None;
    for (i, &byte) in b.iter().enumerate() {
        let c = ASCII_CLASSES
            .get(usize::from(byte))
            .copied()
            .unwrap_or(WordClass::Other);
        if matches!(c, Letter | Digit | Under) {
            in_word = true;
            has_alnum |= c != Under;
        } else {
            let joins = in_word
                && match (prev, c) {
                    (Some(Letter), MidLetter | MidNumLet) => class(i + 1) == Some(Letter),
                    (Some(Digit), MidNum | MidNumLet) => class(i + 1) == Some(Digit),
                    _ => false,
                };
            if !joins {
                if in_word && has_alnum {
                    count = count.saturating_add(1);
                }
                in_word = false;
                has_alnum = false;
            }
        }
        prev = Some(c);
    }
    if in_word && has_alnum {
        count = count.saturating_add(1);
    }
    count
}

/// The rule of [`count_ascii_words`] fed one class at a time: each class is decided once the
/// next one (or the end) is known, so no buffer of classes is needed.
#[derive(Default)]
struct Words {
    count: u32,
    in_word: bool,
    has_alnum: bool,
    prev: Option<WordClass>,
    cur: Option<WordClass>,
}

impl Words {
    fn feed(&mut self, next: WordClass) {
        self.step(Some(next));
        self.prev = self.cur;
        self.cur = Some(next);
    }

    fn finish(mut self) -> u32 {
        self.step(None);
        if self.in_word && self.has_alnum {
            self.count = self.count.saturating_add(1);
        }
        self.count
    }

    /// Decides the current class, `next` being the class after it.
    fn step(&mut self, next: Option<WordClass>) {
        use WordClass::{Digit, Letter, MidLetter, MidNum, MidNumLet, Under};
        let Some(c) = self.cur else {
            return;
        };
        if matches!(c, Letter | Digit | Under) {
            self.in_word = true;
            self.has_alnum |= c != Under;
        } else {
            let joins = self.in_word
                && match (self.prev, next) {
                    (Some(Letter), Some(Letter)) => matches!(c, MidLetter | MidNumLet),
                    (Some(Digit), Some(Digit)) => matches!(c, MidNum | MidNumLet),
                    _ => false,
                };
            if !joins {
                if self.in_word && self.has_alnum {
                    self.count = self.count.saturating_add(1);
                }
                self.in_word = false;
                self.has_alnum = false;
            }
        }
    }
}

/// Words, emoji and question of one text message in one call: an ASCII text is recognised
/// once and skips the emoji scan (every emoji is outside ASCII). Equal to [`count_words`],
/// [`count_emoji`] and [`is_question`].
pub fn text_facts(text: &str) -> (u32, u32, bool) {
    if text.is_ascii() {
        (count_ascii_words(text.as_bytes()), 0, is_question(text))
    } else {
        (
            count_words_non_ascii(text),
            count_emoji(text),
            is_question(text),
        )
    }
}

/// The UAX #29 word-break classes the fast path knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WordClass {
    Letter,
    Digit,
    /// "_" (ExtendNumLet).
    Under,
    /// ":" and "·".
    MidLetter,
    /// "." "'" "‘" "’" "․".
    MidNumLet,
    /// "," ";".
    MidNum,
    Other,
}

const fn ascii_class(c: u8) -> WordClass {
    match c {
        b'a'..=b'z' | b'A'..=b'Z' => WordClass::Letter,
        b'0'..=b'9' => WordClass::Digit,
        b'_' => WordClass::Under,
        b':' => WordClass::MidLetter,
        b'.' | b'\'' => WordClass::MidNumLet,
        b',' | b';' => WordClass::MidNum,
        _ => WordClass::Other,
    }
}

/// `Some(Some(class))` for characters of the fast path, `Some(None)` for transparent ones
/// (variation selectors, ZWJ, skin tones, combining diacritics), `None` otherwise.
fn char_class(c: char) -> Option<Option<WordClass>> {
    if c.is_ascii() {
        return Some(Some(ascii_class(c as u8)));
    }
    let cp = c as u32;
    let class = match cp {
        0xD7 | 0xF7 => WordClass::Other,
        0xC0..=0x24F | 0xAA | 0xB5 | 0xBA => WordClass::Letter,
        0xB7 => WordClass::MidLetter,
        0x2018 | 0x2019 | 0x2024 => WordClass::MidNumLet,
        0xFE0E | 0xFE0F | 0x200D | 0x1F3FB..=0x1F3FF | 0x300..=0x36F => return Some(None),
        0xA0..=0xA9 | 0xAB | 0xAC | 0xAE | 0xB0 | 0xB1 | 0xBB | 0xBF => WordClass::Other,
        0x2010..=0x2017 | 0x201A..=0x2023 | 0x2025 | 0x2026 | 0x20AC => WordClass::Other,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF => WordClass::Other,
        _ => return None,
    };
    Some(Some(class))
}

/// Emoji: pictographic characters; a ZWJ sequence, a skin-tone or presentation variant and a
/// flag (a pair of regional indicators) each count once.
pub fn count_emoji(text: &str) -> u32 {
    // Every counted code point is at least U+2300: its UTF-8 lead byte is at least 0xE2.
    if !text.bytes().any(|b| b >= 0xE2) {
        return 0;
    }
    let mut count = 0u32;
    let mut after_zwj = false;
    let mut ri_run = 0u32;
    for c in text.chars() {
        let cp = c as u32;
        if (0x1F1E6..=0x1F1FF).contains(&cp) {
            if ri_run.is_multiple_of(2) {
                count = count.saturating_add(1);
            }
            ri_run += 1;
            after_zwj = false;
            continue;
        }
        ri_run = 0;
        if cp == 0x200D {
            after_zwj = true;
            continue;
        }
        let modifier = (0x1F3FB..=0x1F3FF).contains(&cp) || cp == 0xFE0F || cp == 0xFE0E;
        if modifier {
            continue;
        }
        let pictographic = (0x1F000..=0x1FAFF).contains(&cp)
            || (0x2600..=0x27BF).contains(&cp)
            || (0x2B00..=0x2BFF).contains(&cp)
            || (0x2300..=0x23FF).contains(&cp)
            || matches!(cp, 0x203C | 0x2049 | 0x3030 | 0x303D | 0x3297 | 0x3299);
        if pictographic && !after_zwj {
            count = count.saturating_add(1);
        }
        after_zwj = false;
    }
    count
}

/// The user's and the partner's totals for one effort component.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Share {
    pub user: u64,
    pub partner: u64,
    /// user / (user + partner); `None` when both are zero.
    pub share: Option<f64>,
}

impl Share {
    pub fn new(user: u64, partner: u64) -> Share {
        let total = user.saturating_add(partner);
        Share {
            user,
            partner,
            share: if total == 0 {
                None
            } else {
                Some(user as f64 / total as f64)
            },
        }
    }
}

/// The band of an index value (conventions, not diagnoses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Band {
    /// |EBI| <= 0.2.
    Balanced,
    /// 0.2 < |EBI| <= 0.5.
    ModerateImbalance,
    /// |EBI| > 0.5.
    StrongImbalance,
}

impl Band {
    pub fn of(ebi: f64) -> Band {
        let a = ebi.abs();
        if a <= 0.2 {
            Band::Balanced
        } else if a <= 0.5 {
            Band::ModerateImbalance
        } else {
            Band::StrongImbalance
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Band::Balanced => "balanced",
            Band::ModerateImbalance => "moderate_imbalance",
            Band::StrongImbalance => "strong_imbalance",
        }
    }
}

/// EBI = mean over the defined shares of (2 S - 1); `None` when no share is defined.
pub fn ebi(shares: &[Option<f64>]) -> Option<f64> {
    let defined: Vec<f64> = shares.iter().flatten().copied().collect();
    if defined.is_empty() {
        return None;
    }
    Some(defined.iter().map(|s| 2.0 * s - 1.0).sum::<f64>() / defined.len() as f64)
}

/// The effort of the user and the partner inside one conversation: the block the bootstrap
/// resamples.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConvEffort {
    pub user_open: u32,
    pub partner_open: u32,
    pub user_words: u32,
    pub partner_words: u32,
    pub user_questions: u32,
    pub partner_questions: u32,
}

/// Totals of many conversations, wide enough for any chat.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EffortTotals {
    pub user_open: u64,
    pub partner_open: u64,
    pub user_words: u64,
    pub partner_words: u64,
    pub user_questions: u64,
    pub partner_questions: u64,
}

impl EffortTotals {
    pub fn of(convs: &[ConvEffort]) -> EffortTotals {
        let mut t = EffortTotals::default();
        for c in convs {
            t.add(c);
        }
        t
    }

    fn add(&mut self, c: &ConvEffort) {
        self.user_open += u64::from(c.user_open);
        self.partner_open += u64::from(c.partner_open);
        self.user_words += u64::from(c.user_words);
        self.partner_words += u64::from(c.partner_words);
        self.user_questions += u64::from(c.user_questions);
        self.partner_questions += u64::from(c.partner_questions);
    }

    pub fn shares(&self) -> [Share; 3] {
        [
            Share::new(self.user_open, self.partner_open),
            Share::new(self.user_words, self.partner_words),
            Share::new(self.user_questions, self.partner_questions),
        ]
    }

    pub fn ebi(&self) -> Option<f64> {
        let [a, b, c] = self.shares();
        ebi(&[a.share, b.share, c.share])
    }
}

/// Percentile 95% interval of the EBI from `reps` conversation-level bootstrap replicates:
/// each replicate draws as many conversations as there are, with replacement, and recomputes
/// the index from their summed efforts. Replicate r uses its own generator seeded from
/// (`seed`, r), so the interval does not depend on how the work is split between threads.
/// `None` with no conversation, no replicate or no defined index in any replicate.
pub fn bootstrap_ebi(convs: &[ConvEffort], reps: u32, seed: u64) -> Option<(f64, f64)> {
    if convs.is_empty() || reps == 0 {
        return None;
    }
    let n = convs.len();
    // Columns (structure of arrays): a replicate draws counts, then takes six dot products
    // with sequential, vectorisable reads.
    let cols: [Vec<u32>; 6] = [
        convs.iter().map(|c| c.user_open).collect(),
        convs.iter().map(|c| c.partner_open).collect(),
        convs.iter().map(|c| c.user_words).collect(),
        convs.iter().map(|c| c.partner_words).collect(),
        convs.iter().map(|c| c.user_questions).collect(),
        convs.iter().map(|c| c.partner_questions).collect(),
    ];
    let replicate = |r: u32, counts: &mut Vec<u32>| -> Option<f64> {
        let mut rng = SplitMix64::new(seed ^ u64::from(r).wrapping_mul(0xD1B5_4A32_D192_ED03));
        counts.clear();
        counts.resize(n, 0);
        for _ in 0..n {
            if let Some(c) = counts.get_mut(rng.below(n)) {
                *c += 1;
            }
        }
        let dot = |col: &Vec<u32>| -> u64 {
            col.iter()
                .zip(counts.iter())
                .map(|(&v, &k)| u64::from(v) * u64::from(k))
                .sum()
        };
        let [uo, po, uw, pw, uq, pq] = &cols;
        let t = EffortTotals {
            user_open: dot(uo),
            partner_open: dot(po),
            user_words: dot(uw),
            partner_words: dot(pw),
            user_questions: dot(uq),
            partner_questions: dot(pq),
        };
        t.ebi()
    };
    let run = |lo: u32, hi: u32| -> Vec<f64> {
        let mut counts = Vec::with_capacity(n);
        (lo..hi).filter_map(|r| replicate(r, &mut counts)).collect()
    };
    let workers = if n.saturating_mul(reps as usize) > 1_000_000 {
        std::thread::available_parallelism().map_or(1, |w| w.get().min(4))
    } else {
        1
    };
    let mut values: Vec<f64> = if workers <= 1 {
        run(0, reps)
    } else {
        let chunk = reps.div_ceil(workers as u32);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..workers as u32)
                .map(|w| {
                    let lo = (w * chunk).min(reps);
                    let hi = (lo + chunk).min(reps);
                    s.spawn(move || run(lo, hi))
                })
                .collect();
            let mut all = Vec::with_capacity(reps as usize);
            let mut complete = true;
            for h in handles {
                // A worker cannot panic on data (no indexing, no overflow); should one fail
                // anyway, the serial recomputation below keeps the result exact.
                match h.join() {
                    Ok(v) => all.extend(v),
                    Err(_) => complete = false,
                }
            }
            if complete { all } else { run(0, reps) }
        })
    };
    values.sort_unstable_by(f64::total_cmp);
    let lo = quantile_sorted_f64(&values, 0.025)?;
    let hi = quantile_sorted_f64(&values, 0.975)?;
    Some((lo, hi))
}

/// A small-sample correction of a percentile bootstrap interval of a mean-like statistic over n
/// blocks, applied to the effort balance index: each half of the interval is
/// stretched about the point estimate by t(n−1)/z · sqrt(n/(n−1)) (the bootstrap variance is
/// the plug-in one, n−1 over n of the unbiased one, and the t quantile allows for estimating
/// it), clamped to [−1, 1]. The factor is 1.58 at n = 5, 1.22 at 10, 1.10 at 20, 1.04 at 50.
pub fn widen_small_sample(point: f64, (lo, hi): (f64, f64), n: usize) -> (f64, f64) {
    if n < 2 {
        return (lo, hi);
    }
    let nf = n as f64;
    let k = crate::stats::t975(n - 1) / 1.959_963_984_540_054 * (nf / (nf - 1.0)).sqrt();
    (
        (point - k * (point - lo)).max(-1.0),
        (point + k * (hi - point)).min(1.0),
    )
}

/// Effort counts of one person over the whole chat.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PersonEffort {
    pub words: u64,
    pub emoji: u64,
    pub questions: u64,
    /// Conversations this person opened right after closing the previous one unanswered
    /// (METRICS.md follow-up / double text).
    pub follow_ups: u64,
    /// Within a conversation, messages sent more than [`DOUBLE_TEXT_PAUSE`] after the same
    /// person's previous message with nobody writing in between.
    pub within_double_texts: u64,
}

impl PersonEffort {
    /// Follow-up openings plus within-conversation double texts.
    pub fn double_texts(&self) -> u64 {
        self.follow_ups + self.within_double_texts
    }
}

/// A pause after one's own message, with no answer in between, after which writing again inside
/// the same conversation is a double text.
pub const DOUBLE_TEXT_PAUSE: crate::Millis = 5 * crate::MINUTE;

/// Effort balance of a chat.
#[derive(Clone, Debug, PartialEq)]
pub struct Balance {
    /// Per person, indexed by person.
    pub per_person: Vec<PersonEffort>,
    /// Two-person chats only (with `Config::partner`); `None` in groups.
    pub openings: Option<Share>,
    pub words: Option<Share>,
    pub questions: Option<Share>,
    pub ebi: Option<f64>,
    pub ci95: Option<(f64, f64)>,
    pub band: Option<Band>,
    /// Bootstrap parameters used.
    pub bootstrap_reps: u32,
    pub seed: u64,
}
