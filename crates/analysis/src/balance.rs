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
    if !text.contains(QUESTION_MARKS) && !text.contains('❔') {
        return false;
    }
    text.split_whitespace().any(|tok| {
        let lower_link = tok.contains("://") || tok.starts_with("www.");
        !lower_link && (tok.contains(QUESTION_MARKS) || tok.contains('❔'))
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

fn opens_with_interrogative(text: &str) -> bool {
    let t = text.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '¿' | '"' | '\'' | '«' | '“' | '‘' | '-' | '(')
    });
    let Some(first) = t.chars().next() else {
        return false;
    };
    if !first.is_alphabetic() {
        return false;
    }
    let head: String = t.chars().take(24).flat_map(char::to_lowercase).collect();
    INTERROGATIVE_OPENERS.iter().any(|p| {
        head.strip_prefix(p)
            .is_some_and(|rest| !rest.chars().next().is_some_and(char::is_alphanumeric))
    })
}

/// Words by Unicode word segmentation (UAX #29, the segments containing a letter or digit).
/// ASCII text takes an equivalent hand-written path: the segmentation is the bottleneck of a
/// large chat, and the property test `ascii_words_match_uax29` pins the two together.
pub fn count_words(text: &str) -> u32 {
    if text.is_ascii() {
        count_words_ascii(text.as_bytes())
    } else {
        use unicode_segmentation::UnicodeSegmentation;
        text.unicode_words().count().min(u32::MAX as usize) as u32
    }
}

/// UAX #29 on ASCII: letters, digits and "_" form one segment; a single ":" "." or "'" between
/// two letters, and a single "," ";" "." or "'" between two digits, join; a segment counts
/// when it holds a letter or digit.
fn count_words_ascii(b: &[u8]) -> u32 {
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut count = 0u32;
    let mut in_word = false;
    let mut has_alnum = false;
    let mut i = 0usize;
    while let Some(&c) = b.get(i) {
        if is_word(c) {
            in_word = true;
            has_alnum |= c.is_ascii_alphanumeric();
        } else {
            let joins = in_word
                && match (i.checked_sub(1).and_then(|j| b.get(j)), b.get(i + 1)) {
                    (Some(&p), Some(&n)) => {
                        (p.is_ascii_alphabetic()
                            && n.is_ascii_alphabetic()
                            && matches!(c, b':' | b'.' | b'\''))
                            || (p.is_ascii_digit()
                                && n.is_ascii_digit()
                                && matches!(c, b',' | b';' | b'.' | b'\''))
                    }
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
        i += 1;
    }
    if in_word && has_alnum {
        count = count.saturating_add(1);
    }
    count
}

/// Emoji: pictographic characters; a ZWJ sequence, a skin-tone or presentation variant and a
/// flag (a pair of regional indicators) each count once.
pub fn count_emoji(text: &str) -> u32 {
    if text.is_ascii() {
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
            Band::ModerateImbalance => "moderate imbalance",
            Band::StrongImbalance => "strong imbalance",
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

impl ConvEffort {
    fn add(&mut self, o: &ConvEffort) {
        self.user_open = self.user_open.saturating_add(o.user_open);
        self.partner_open = self.partner_open.saturating_add(o.partner_open);
        self.user_words = self.user_words.saturating_add(o.user_words);
        self.partner_words = self.partner_words.saturating_add(o.partner_words);
        self.user_questions = self.user_questions.saturating_add(o.user_questions);
        self.partner_questions = self.partner_questions.saturating_add(o.partner_questions);
    }
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
/// (`seed`, r), so the interval does not depend on how the work is split. `None` with no
/// conversation, no replicate or no defined index in any replicate.
pub fn bootstrap_ebi(convs: &[ConvEffort], reps: u32, seed: u64) -> Option<(f64, f64)> {
    if convs.is_empty() || reps == 0 {
        return None;
    }
    let one = |r: u32| -> Option<f64> {
        let mut rng = SplitMix64::new(seed ^ u64::from(r).wrapping_mul(0xD1B5_4A32_D192_ED03));
        let mut t = EffortTotals::default();
        // Sum in u32 blocks of 4096 draws, then widen, to keep the inner loop narrow.
        let mut block = ConvEffort::default();
        for i in 0..convs.len() {
            if let Some(c) = convs.get(rng.below(convs.len())) {
                block.add(c);
            }
            if i % 4096 == 4095 {
                t.add(&block);
                block = ConvEffort::default();
            }
        }
        t.add(&block);
        t.ebi()
    };
    let workers = if convs.len().saturating_mul(reps as usize) > 2_000_000 {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    } else {
        1
    };
    let mut values: Vec<f64> = if workers <= 1 {
        (0..reps).filter_map(one).collect()
    } else {
        let chunk = reps.div_ceil(workers as u32);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..workers as u32)
                .map(|w| {
                    let lo = w * chunk;
                    let hi = (lo + chunk).min(reps);
                    s.spawn(move || (lo..hi).filter_map(one).collect::<Vec<f64>>())
                })
                .collect();
            let mut all = Vec::with_capacity(reps as usize);
            for h in handles {
                // A worker cannot panic on data (no indexing, saturating sums); should one
                // fail anyway, the serial recomputation below keeps the result exact.
                if let Ok(v) = h.join() {
                    all.extend(v);
                }
            }
            all
        })
    };
    if values.len() < reps as usize {
        // Only reached if a worker failed: recompute serially so the result stays exact.
        values = (0..reps).filter_map(one).collect();
    }
    values.sort_unstable_by(f64::total_cmp);
    let lo = quantile_sorted_f64(&values, 0.025)?;
    let hi = quantile_sorted_f64(&values, 0.975)?;
    Some((lo, hi))
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
