//! Content signals in a person's messages: asking to meet, saying they miss you, curiosity,
//! nostalgia, apologies, and monitoring (whereabouts and company questions).
//!
//! The product reports *who* reaches out and *how*; these signals are the "how". They come from
//! curated, per-language pattern files (`signals/<lang>.txt`, embedded at build time) written for
//! precision first, plus optional user patterns from the config file. Matching runs on a folded
//! copy of the text (lowercase, diacritics stripped, typographic apostrophes straightened), so the
//! patterns are written without accents. A match is dropped when a negation cue of its language
//! sits within a small token window before (or, for German and French, after) it in the same
//! clause, when a veto pattern of the same signal overlaps it ("sorry to hear that" is sympathy),
//! or when it lies inside a longer match that is negated. MONITORING is a warning sign, never a
//! success: see [`MONITORING_NOTE`]. The rules and measured figures are in docs/signals.md.

use std::fmt::Write as _;

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use walkaway_model::{Events, Kind, Millis, PersonIdx};

use crate::Msg;

/// The supportive note shown next to any MONITORING finding (report text, plain sentences).
pub const MONITORING_NOTE: &str = "Questions like \"where are you?\", \"who are you with?\" or \
\"why didn't you answer?\" can be ordinary, but when they are frequent or insistent they are a \
recognised warning sign of controlling behaviour (digital dating abuse, Borrajo et al. 2015). \
This is not a sign of interest or of being chased. If questions like these make you feel watched \
or afraid, you can talk to someone you trust or a local domestic-abuse helpline (in the US, \
thehotline.org / 1-800-799-7233; in the UK, Refuge 0808 2000 247).";

/// A kind of content signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Signal {
    MeetRequest,
    MissesYou,
    Curiosity,
    Nostalgia,
    Apology,
    Monitoring,
}

impl Signal {
    /// Every signal, in report order.
    pub const ALL: [Signal; 6] = [
        Signal::MeetRequest,
        Signal::MissesYou,
        Signal::Curiosity,
        Signal::Nostalgia,
        Signal::Apology,
        Signal::Monitoring,
    ];

    /// The stable identifier used in files and JSON ("MEET_REQUEST", ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::MeetRequest => "MEET_REQUEST",
            Signal::MissesYou => "MISSES_YOU",
            Signal::Curiosity => "CURIOSITY",
            Signal::Nostalgia => "NOSTALGIA",
            Signal::Apology => "APOLOGY",
            Signal::Monitoring => "MONITORING",
        }
    }

    /// A calm, human label for reports.
    pub fn label(self) -> &'static str {
        match self {
            Signal::MeetRequest => "Asked to meet",
            Signal::MissesYou => "Said they miss you",
            Signal::Curiosity => "Asked what you are doing",
            Signal::Nostalgia => "Brought up shared memories",
            Signal::Apology => "Apologised",
            Signal::Monitoring => "Asked where you are or who you are with",
        }
    }

    /// The signal named by `s` (the [`Signal::as_str`] form, case-insensitive).
    pub fn parse(s: &str) -> Option<Signal> {
        Signal::ALL
            .into_iter()
            .find(|sig| sig.as_str().eq_ignore_ascii_case(s.trim()))
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Signal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A pattern the user added in the config file.
///
/// `signal` is a signal name ([`Signal::as_str`]), or the name prefixed with `-` for a veto
/// pattern; `lang` picks the negation rules (any short tag; unknown tags get none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserPattern {
    pub signal: String,
    pub lang: String,
    pub pattern: String,
}

/// One signal found in one text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub signal: Signal,
    /// The language of the pattern that matched.
    pub lang: String,
    /// Which pattern matched: `builtin:<lang>:<line>` or `user:<n>` (n-th user pattern, from 1).
    pub pattern_id: String,
}

/// One signal in one message, attributed to its sender and linked to its event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignalHit {
    pub signal: Signal,
    /// Index of the message's event (`Msg::event`), for evidence links.
    pub event: usize,
    pub who: PersonIdx,
    pub ts: Millis,
    pub lang: String,
    pub pattern_id: String,
}

/// The built-in pattern files, one per language.
const BUILTIN: [(&str, &str); 6] = [
    ("en", include_str!("signals/en.txt")),
    ("es", include_str!("signals/es.txt")),
    ("de", include_str!("signals/de.txt")),
    ("fr", include_str!("signals/fr.txt")),
    ("pt", include_str!("signals/pt.txt")),
    ("it", include_str!("signals/it.txt")),
];

/// The languages with built-in patterns.
pub const BUILTIN_LANGS: [&str; 6] = ["en", "es", "de", "fr", "pt", "it"];

/// Negation rules of one language.
#[derive(Clone, Debug, Default)]
struct LangRules {
    name: String,
    /// Tokens checked before a match, within its clause.
    before: usize,
    /// Tokens checked after a match, within its clause.
    after: usize,
    cues_before: Vec<String>,
    cues_after: Vec<String>,
    /// Token sequences that start with a cue but are not a negation ("plus que").
    except: Vec<Vec<String>>,
}

#[derive(Clone, Debug)]
struct Pattern {
    signal: Signal,
    veto: bool,
    lang: usize,
    id: String,
    re: Regex,
}

/// A compiled set of signal patterns. Build it once and reuse it: compiling takes milliseconds,
/// matching a message takes about a microsecond.
#[derive(Clone, Debug)]
pub struct Matcher {
    langs: Vec<LangRules>,
    pats: Vec<Pattern>,
    /// All positive patterns; `set_to_pat[i]` is the index in `pats` of set pattern `i`.
    set: RegexSet,
    set_to_pat: Vec<usize>,
    /// Veto patterns per signal (indices into `pats`).
    vetoes: [Vec<usize>; 6],
}

/// Reusable buffers for matching many messages.
#[derive(Debug, Default)]
struct Scratch {
    folded: String,
    spans: Vec<Span>,
    veto_spans: Vec<(usize, usize)>,
    tokens: Vec<(usize, usize)>,
}

#[derive(Clone, Copy, Debug)]
struct Span {
    pat: usize,
    start: usize,
    end: usize,
    negated: bool,
}

/// A pattern line before compilation.
struct RawPattern {
    /// From the user's file (compiled case-insensitively).
    user: bool,
    signal: Signal,
    veto: bool,
    lang: usize,
    id: String,
    source: String,
}

impl Matcher {
    /// The built-in patterns. Every built-in pattern compiles (a test checks it); should one ever
    /// fail, it is left out rather than aborting the analysis.
    pub fn builtin() -> Matcher {
        match Matcher::try_builtin() {
            Ok(m) => m,
            Err(_) => Matcher::build_lenient(),
        }
    }

    /// The built-in patterns, or an error naming the first bad line.
    pub fn try_builtin() -> Result<Matcher, String> {
        Matcher::with_user_patterns(&[])
    }

    /// The built-in patterns, compiled once per process and shared: compiling them takes a
    /// fifth of a second in the browser, where the app compiles them while the user picks
    /// files ([`Matcher::warm_up`]) rather than after pressing the button.
    pub fn shared_builtin() -> Result<&'static Matcher, String> {
        static BUILTIN: std::sync::OnceLock<Result<Matcher, String>> = std::sync::OnceLock::new();
        BUILTIN
            .get_or_init(Matcher::try_builtin)
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Compiles the shared built-in patterns now, so that the first analysis does not wait.
    pub fn warm_up() {
        let _ = Matcher::shared_builtin();
    }

    /// The built-in patterns plus the user's. The error names the bad pattern.
    pub fn with_user_patterns(user: &[UserPattern]) -> Result<Matcher, String> {
        let (mut langs, mut raws) = builtin_raw()?;
        for (i, up) in user.iter().enumerate() {
            let n = i + 1;
            let what = || {
                format!(
                    "user signal pattern {n} ({} {} {})",
                    up.signal, up.lang, up.pattern
                )
            };
            let (signal, veto) =
                parse_signal_field(&up.signal).map_err(|e| format!("{}: {e}", what()))?;
            let lang = check_lang(&up.lang).map_err(|e| format!("{}: {e}", what()))?;
            if up.pattern.trim().is_empty() {
                return Err(format!("{}: the pattern is empty", what()));
            }
            let li = match langs.iter().position(|l| l.name == lang) {
                Some(li) => li,
                None => {
                    langs.push(LangRules {
                        name: lang.to_string(),
                        ..LangRules::default()
                    });
                    langs.len() - 1
                }
            };
            compile_one(up.pattern.trim(), true).map_err(|e| format!("{}: {e}", what()))?;
            raws.push(RawPattern {
                user: true,
                signal,
                veto,
                lang: li,
                id: format!("user:{n}"),
                source: up.pattern.trim().to_string(),
            });
        }
        Matcher::assemble(langs, raws)
    }

    /// Builds from the built-in files keeping only the lines that parse and compile.
    fn build_lenient() -> Matcher {
        let mut langs = Vec::new();
        let mut raws = Vec::new();
        for (name, text) in BUILTIN {
            let li = langs.len();
            let (rules, pats) = parse_lang_file(name, li, text, true).unwrap_or_default();
            langs.push(rules);
            raws.extend(
                pats.into_iter()
                    .filter(|p| compile_one(&p.source, false).is_ok()),
            );
        }
        match Matcher::assemble(langs.clone(), raws) {
            Ok(m) => m,
            // Unreachable in practice (every kept pattern compiled on its own); an empty
            // matcher finds nothing rather than aborting.
            Err(_) => Matcher::empty(langs),
        }
    }

    fn empty(langs: Vec<LangRules>) -> Matcher {
        Matcher {
            langs,
            pats: Vec::new(),
            set: RegexSet::empty(),
            set_to_pat: Vec::new(),
            vetoes: Default::default(),
        }
    }

    fn assemble(langs: Vec<LangRules>, raws: Vec<RawPattern>) -> Result<Matcher, String> {
        let mut pats = Vec::with_capacity(raws.len());
        let mut set_sources = Vec::new();
        let mut set_to_pat = Vec::new();
        let mut vetoes: [Vec<usize>; 6] = Default::default();
        for raw in raws {
            let re = compile_one(&raw.source, raw.user)
                .map_err(|e| format!("pattern {}: {e}", raw.id))?;
            let idx = pats.len();
            if raw.veto {
                if let Some(v) = vetoes.get_mut(raw.signal.index()) {
                    v.push(idx);
                }
            } else {
                set_sources.push(prepare(&raw.source, raw.user));
                set_to_pat.push(idx);
            }
            pats.push(Pattern {
                signal: raw.signal,
                veto: raw.veto,
                lang: raw.lang,
                id: raw.id,
                re,
            });
        }
        let set = RegexSetBuilder::new(&set_sources)
            .size_limit(64 << 20)
            .dfa_size_limit(16 << 20)
            .build()
            .map_err(|e| format!("signal patterns do not compile together: {e}"))?;
        Ok(Matcher {
            langs,
            pats,
            set,
            set_to_pat,
            vetoes,
        })
    }

    /// Number of compiled patterns (positive and veto).
    pub fn len(&self) -> usize {
        self.pats.len()
    }

    /// True when there are no patterns at all.
    pub fn is_empty(&self) -> bool {
        self.pats.is_empty()
    }

    /// The signals in `text`, at most one hit per signal, in [`Signal::ALL`] order.
    pub fn detect(&self, text: &str) -> Vec<Hit> {
        let mut scratch = Scratch::default();
        let mut out = Vec::new();
        self.detect_into(text, &mut scratch, &mut out);
        out
    }

    fn detect_into(&self, text: &str, scratch: &mut Scratch, out: &mut Vec<Hit>) {
        scratch.folded.clear();
        fold_text(text, &mut scratch.folded);
        let folded = scratch.folded.as_str();
        // Most messages match no pattern: a search that may stop at the first match is much
        // cheaper than finding every matching pattern, so it filters them out first.
        if !self.set.is_match(folded) {
            return;
        }
        let matched = self.set.matches(folded);
        if !matched.matched_any() {
            return;
        }
        scratch.spans.clear();
        for set_idx in matched.iter() {
            let Some(&pi) = self.set_to_pat.get(set_idx) else {
                continue;
            };
            let Some(p) = self.pats.get(pi) else {
                continue;
            };
            let rules = self.langs.get(p.lang);
            for m in p.re.find_iter(folded) {
                if m.is_empty() {
                    continue;
                }
                let negated = rules.is_some_and(|r| {
                    is_negated(r, folded, m.start(), m.end(), &mut scratch.tokens)
                });
                scratch.spans.push(Span {
                    pat: pi,
                    start: m.start(),
                    end: m.end(),
                    negated,
                });
            }
        }
        for signal in Signal::ALL {
            let spans = &scratch.spans;
            let of_signal = |s: &&Span| self.pats.get(s.pat).is_some_and(|p| p.signal == signal);
            if !spans.iter().any(|s| of_signal(&s)) {
                continue;
            }
            scratch.veto_spans.clear();
            for &vi in self
                .vetoes
                .get(signal.index())
                .map(Vec::as_slice)
                .unwrap_or(&[])
            {
                if let Some(v) = self.pats.get(vi) {
                    debug_assert!(v.veto);
                    scratch
                        .veto_spans
                        .extend(v.re.find_iter(folded).map(|m| (m.start(), m.end())));
                }
            }
            let winner = spans.iter().filter(of_signal).find(|s| {
                !s.negated
                    && !scratch
                        .veto_spans
                        .iter()
                        .any(|&(vs, ve)| vs < s.end && s.start < ve)
                    && !spans
                        .iter()
                        .filter(of_signal)
                        .any(|o| o.negated && o.start <= s.start && s.end <= o.end)
            });
            if let Some(w) = winner.and_then(|w| self.pats.get(w.pat)) {
                out.push(Hit {
                    signal,
                    lang: self
                        .langs
                        .get(w.lang)
                        .map(|l| l.name.clone())
                        .unwrap_or_default(),
                    pattern_id: w.id.clone(),
                });
            }
        }
    }
}

/// The signals in the text messages (and media captions) of `msgs`, per sender.
/// With `who`, only that person's messages are scanned. Hits are in message order.
pub fn scan(msgs: &[Msg], events: &Events, who: Option<PersonIdx>, m: &Matcher) -> Vec<SignalHit> {
    let mut scratch = Scratch::default();
    let mut hits = Vec::new();
    let mut out = Vec::new();
    for msg in msgs {
        let Some(e) = events.get(msg.event()) else {
            continue;
        };
        if who.is_some_and(|w| w != msg.who) || !matches!(e.kind, Kind::Text | Kind::Media) {
            continue;
        }
        let text = events.text(e);
        if text.is_empty() {
            continue;
        }
        hits.clear();
        m.detect_into(text, &mut scratch, &mut hits);
        out.extend(hits.drain(..).map(|h| SignalHit {
            signal: h.signal,
            event: msg.event(),
            who: msg.who,
            ts: msg.ts,
            lang: h.lang,
            pattern_id: h.pattern_id,
        }));
    }
    out
}

/// Parses a user pattern file: one `SIGNAL LANG REGEX` per line (fields separated by tabs or
/// spaces; the regex is the rest of the line), `#` starts a comment line, blank lines are skipped.
/// `-SIGNAL` makes a veto pattern. Errors name the line.
pub fn parse_user_patterns(text: &str) -> Result<Vec<UserPattern>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (signal, rest) = split_field(line);
        let (lang, pattern) = split_field(rest);
        parse_signal_field(signal).map_err(|e| format!("signal patterns line {n}: {e}"))?;
        if lang.is_empty() {
            return Err(format!(
                "signal patterns line {n}: missing language and pattern (expected SIGNAL LANG REGEX)"
            ));
        }
        check_lang(lang).map_err(|e| format!("signal patterns line {n}: {e}"))?;
        if pattern.is_empty() {
            return Err(format!(
                "signal patterns line {n}: missing pattern (expected SIGNAL LANG REGEX)"
            ));
        }
        compile_one(pattern, true).map_err(|e| format!("signal patterns line {n}: {e}"))?;
        out.push(UserPattern {
            signal: signal.to_string(),
            lang: lang.to_string(),
            pattern: pattern.to_string(),
        });
    }
    Ok(out)
}

fn split_field(s: &str) -> (&str, &str) {
    let s = s.trim_start();
    match s.find(char::is_whitespace) {
        Some(i) => (s.get(..i).unwrap_or(""), s.get(i..).unwrap_or("").trim()),
        None => (s, ""),
    }
}

fn parse_signal_field(s: &str) -> Result<(Signal, bool), String> {
    let (veto, name) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    match Signal::parse(name) {
        Some(sig) => Ok((sig, veto)),
        None => {
            let names: Vec<&str> = Signal::ALL.iter().map(|s| s.as_str()).collect();
            Err(format!(
                "unknown signal \"{s}\" (expected one of {}, optionally prefixed with -)",
                names.join(", ")
            ))
        }
    }
}

fn check_lang(lang: &str) -> Result<&str, String> {
    let ok = !lang.is_empty()
        && lang.len() <= 16
        && lang
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(lang)
    } else {
        Err(format!(
            "bad language tag \"{lang}\" (use a short tag such as en, es, de, fr, pt, it)"
        ))
    }
}

/// Parses every built-in file.
fn builtin_raw() -> Result<(Vec<LangRules>, Vec<RawPattern>), String> {
    let mut langs = Vec::new();
    let mut raws = Vec::new();
    for (name, text) in BUILTIN {
        let li = langs.len();
        let (rules, pats) = parse_lang_file(name, li, text, false)?;
        langs.push(rules);
        raws.extend(pats);
    }
    Ok((langs, raws))
}

/// Parses one language file (format in the file headers and docs/signals.md).
/// With `lenient`, bad lines are skipped instead of failing.
fn parse_lang_file(
    name: &str,
    li: usize,
    text: &str,
    lenient: bool,
) -> Result<(LangRules, Vec<RawPattern>), String> {
    let mut rules = LangRules {
        name: name.to_string(),
        ..LangRules::default()
    };
    let mut pats = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, rest) = split_field(line);
        let res: Result<(), String> = match key {
            "NEG_WINDOW" => {
                let mut it = rest.split_whitespace().map(str::parse::<usize>);
                match (it.next(), it.next()) {
                    (Some(Ok(b)), Some(Ok(a))) if b <= 8 && a <= 8 => {
                        rules.before = b;
                        rules.after = a;
                        Ok(())
                    }
                    _ => Err("NEG_WINDOW needs two small numbers".to_string()),
                }
            }
            "NEG_BEFORE" => {
                rules
                    .cues_before
                    .extend(rest.split_whitespace().map(fold_cue));
                Ok(())
            }
            "NEG_AFTER" => {
                rules
                    .cues_after
                    .extend(rest.split_whitespace().map(fold_cue));
                Ok(())
            }
            "NEG_EXCEPT" => {
                let phrase: Vec<String> = rest.split_whitespace().map(fold_cue).collect();
                if phrase.is_empty() {
                    Err("NEG_EXCEPT needs a phrase".to_string())
                } else {
                    rules.except.push(phrase);
                    Ok(())
                }
            }
            _ => parse_signal_field(key).and_then(|(signal, veto)| {
                if rest.is_empty() {
                    return Err("missing pattern".to_string());
                }
                pats.push(RawPattern {
                    user: false,
                    signal,
                    veto,
                    lang: li,
                    id: format!("builtin:{name}:{n}"),
                    source: rest.to_string(),
                });
                Ok(())
            }),
        };
        if let Err(e) = res
            && !lenient
        {
            return Err(format!("built-in signal file {name}.txt line {n}: {e}"));
        }
    }
    Ok((rules, pats))
}

fn fold_cue(s: &str) -> String {
    let mut out = String::new();
    fold_text(s, &mut out);
    out
}

/// Rewrites a pattern for matching folded text: non-ASCII letters lose their diacritics and
/// `\b`/`\B` become ASCII word boundaries (the folded text is mostly ASCII, and ASCII boundaries
/// keep the fast DFA engine available on texts with emoji).
///
/// Built-in patterns are written in lowercase and the text is folded to lowercase, so they are
/// compiled case-sensitively (smaller, faster automata); user patterns get `(?i:...)`.
fn prepare(pattern: &str, case_insensitive: bool) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    if case_insensitive {
        out.push_str("(?i:");
    }
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('b') => out.push_str("(?-u:\\b)"),
                Some('B') => out.push_str("(?-u:\\B)"),
                Some(d) => {
                    out.push('\\');
                    out.push(d);
                }
                None => out.push('\\'),
            }
        } else if c.is_ascii() {
            out.push(c);
        } else {
            fold_char(c, &mut out);
        }
    }
    if case_insensitive {
        out.push(')');
    }
    out
}

fn compile_one(pattern: &str, case_insensitive: bool) -> Result<Regex, String> {
    RegexBuilder::new(&prepare(pattern, case_insensitive))
        .size_limit(8 << 20)
        .build()
        .map_err(|e| format!("invalid regex: {}", one_line(&e.to_string())))
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lowercases `text`, strips Latin diacritics (also combining marks of decomposed text),
/// straightens apostrophes and maps no-break spaces to spaces, appending to `out`.
pub fn fold_text(text: &str, out: &mut String) {
    out.reserve(text.len());
    if text.is_ascii() {
        // Most messages: only the case changes, a whole slice at a time.
        let start = out.len();
        out.push_str(text);
        if let Some(added) = out.get_mut(start..) {
            added.make_ascii_lowercase();
        }
        return;
    }
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            for l in c.to_lowercase() {
                fold_char(l, out);
            }
        }
    }
}

fn fold_char(c: char, out: &mut String) {
    let s = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
            "a"
        }
        'æ' | 'Æ' => "ae",
        'ç' | 'ć' | 'č' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'ń' | 'ň' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => {
            "o"
        }
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ß' => "ss",
        'œ' | 'Œ' => "oe",
        'ł' => "l",
        'ś' | 'š' | 'ş' => "s",
        'ź' | 'ż' | 'ž' => "z",
        '\u{2019}' | '\u{2018}' | '\u{02bc}' | '\u{00b4}' | '\u{2032}' => "'",
        '\u{201c}' | '\u{201d}' | '\u{00ab}' | '\u{00bb}' => "\"",
        '\u{00a0}' | '\u{202f}' | '\u{2009}' => " ",
        '\u{2010}' | '\u{2011}' => "-",
        // Combining diacritical marks (decomposed text, e.g. from macOS) are dropped.
        '\u{0300}'..='\u{036f}' => "",
        _ => {
            out.push(c);
            return;
        }
    };
    out.push_str(s);
}

fn is_clause_boundary(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | ';' | ',' | ':' | '\n' | '\r' | '¿' | '¡' | '(' | ')'
    )
}

fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\''
}

/// Byte ranges of the word tokens of `s` (offset by `base`), apostrophes kept inside words.
fn tokenize(s: &str, base: usize, out: &mut Vec<(usize, usize)>) {
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        match (is_token_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                out.push((base + st, base + i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((base + st, base + s.len()));
    }
}

fn token(text: &str, span: (usize, usize)) -> &str {
    text.get(span.0..span.1).unwrap_or("").trim_matches('\'')
}

fn cue_matches(cue: &str, tok: &str) -> bool {
    if cue.ends_with('\'') {
        // A cue ending in an apostrophe ("n'") is a prefix of an elided word ("n'ai").
        tok.len() > cue.len() && tok.starts_with(cue)
    } else {
        tok == cue
    }
}

/// Whether the match `[start, end)` of `text` is negated under `rules`.
fn is_negated(
    rules: &LangRules,
    text: &str,
    start: usize,
    end: usize,
    toks: &mut Vec<(usize, usize)>,
) -> bool {
    let before = text.get(..start).unwrap_or("");
    let clause_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| is_clause_boundary(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let after = text.get(end..).unwrap_or("");
    let clause_end = after
        .char_indices()
        .find(|&(_, c)| is_clause_boundary(c))
        .map_or(text.len(), |(i, _)| end + i);

    // A match that itself starts or ends at a clause boundary ("pardon," or ", perdón") has no
    // window on that side: the cue would belong to another clause.
    let matched = text.get(start..end).unwrap_or("");
    let opens_clause = matched.trim_start().starts_with(is_clause_boundary);
    let closes_clause = matched.trim_end().ends_with(is_clause_boundary);

    if rules.before > 0 && !rules.cues_before.is_empty() && !opens_clause {
        toks.clear();
        tokenize(
            text.get(clause_start..start).unwrap_or(""),
            clause_start,
            toks,
        );
        let n_pre = toks.len();
        tokenize(text.get(start..clause_end).unwrap_or(""), start, toks);
        for i in n_pre.saturating_sub(rules.before)..n_pre {
            if cue_at(rules, &rules.cues_before, text, toks, i) {
                return true;
            }
        }
    }
    if rules.after > 0 && !rules.cues_after.is_empty() && !closes_clause {
        toks.clear();
        tokenize(text.get(end..clause_end).unwrap_or(""), end, toks);
        for i in 0..rules.after.min(toks.len()) {
            if cue_at(rules, &rules.cues_after, text, toks, i) {
                return true;
            }
        }
    }
    false
}

/// Whether token `i` is a cue and does not start an exception phrase.
fn cue_at(
    rules: &LangRules,
    cues: &[String],
    text: &str,
    toks: &[(usize, usize)],
    i: usize,
) -> bool {
    let Some(&span) = toks.get(i) else {
        return false;
    };
    let tok = token(text, span);
    if !cues.iter().any(|c| cue_matches(c, tok)) {
        return false;
    }
    let excepted = rules.except.iter().any(|phrase| {
        phrase.iter().enumerate().all(|(k, p)| {
            toks.get(i + k).is_some_and(|&sp| {
                let t = token(text, sp);
                cue_matches(p, t) || t == p
            })
        })
    });
    !excepted
}

/// Counts of one signal in one language of a labelled set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub tp: u32,
    pub fp: u32,
    pub fn_: u32,
}

impl Counts {
    /// Precision, or None without any positive prediction.
    pub fn precision(&self) -> Option<f64> {
        let d = self.tp + self.fp;
        (d > 0).then(|| f64::from(self.tp) / f64::from(d))
    }

    /// Recall, or None without any labelled positive.
    pub fn recall(&self) -> Option<f64> {
        let d = self.tp + self.fn_;
        (d > 0).then(|| f64::from(self.tp) / f64::from(d))
    }

    fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

/// Precision and recall of a matcher on a labelled set, per language and signal.
#[derive(Clone, Debug, Default)]
pub struct Evaluation {
    /// `(lang, messages, counts per signal in Signal::ALL order)`, in first-seen language order.
    pub langs: Vec<(String, u32, [Counts; 6])>,
}

impl Evaluation {
    /// Counts of one language over all signals (micro-averaged).
    pub fn lang_total(&self, lang: &str) -> Option<Counts> {
        self.langs
            .iter()
            .find(|(l, _, _)| l == lang)
            .map(|(_, _, c)| {
                let mut t = Counts::default();
                c.iter().for_each(|x| t.add(*x));
                t
            })
    }

    /// Counts of one signal over all languages.
    pub fn signal_total(&self, signal: Signal) -> Counts {
        let mut t = Counts::default();
        for (_, _, c) in &self.langs {
            if let Some(x) = c.get(signal.index()) {
                t.add(*x);
            }
        }
        t
    }

    /// A Markdown report: one table per language (overall), one per signal and language.
    pub fn to_markdown(&self) -> String {
        let pct = |x: Option<f64>| x.map_or("–".to_string(), |v| format!("{:.0}%", v * 100.0));
        let mut s = String::new();
        let _ = writeln!(
            s,
            "| language | messages | TP | FP | FN | precision | recall |"
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|");
        let mut all = Counts::default();
        let mut n_all = 0;
        for (lang, n, _) in &self.langs {
            let t = self.lang_total(lang).unwrap_or_default();
            all.add(t);
            n_all += n;
            let _ = writeln!(
                s,
                "| {lang} | {n} | {} | {} | {} | {} | {} |",
                t.tp,
                t.fp,
                t.fn_,
                pct(t.precision()),
                pct(t.recall())
            );
        }
        let _ = writeln!(
            s,
            "| **all** | {n_all} | {} | {} | {} | {} | {} |",
            all.tp,
            all.fp,
            all.fn_,
            pct(all.precision()),
            pct(all.recall())
        );
        let _ = writeln!(s);
        let _ = write!(s, "| signal |");
        for (lang, _, _) in &self.langs {
            let _ = write!(s, " {lang} P / R |");
        }
        let _ = writeln!(s, " all P / R |");
        let _ = write!(s, "|---|");
        for _ in &self.langs {
            let _ = write!(s, "---:|");
        }
        let _ = writeln!(s, "---:|");
        for sig in Signal::ALL {
            let _ = write!(s, "| {} |", sig.as_str());
            for (_, _, c) in &self.langs {
                let x = c.get(sig.index()).copied().unwrap_or_default();
                let _ = write!(s, " {} / {} |", pct(x.precision()), pct(x.recall()));
            }
            let t = self.signal_total(sig);
            let _ = writeln!(s, " {} / {} |", pct(t.precision()), pct(t.recall()));
        }
        s
    }
}

/// Evaluates `m` on a labelled TSV set: `lang<TAB>SIGNAL[,SIGNAL...] or NONE<TAB>text` per line,
/// `#` comment lines. Errors name the line.
pub fn evaluate(labelled: &str, m: &Matcher) -> Result<Evaluation, String> {
    let mut ev = Evaluation::default();
    for (i, line) in labelled.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.splitn(3, '\t');
        let (Some(lang), Some(labels), Some(text)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!(
                "labelled set line {n}: expected lang, labels and text separated by tabs"
            ));
        };
        let mut expected = [false; 6];
        if labels.trim() != "NONE" {
            for l in labels.split(',') {
                let sig = Signal::parse(l).ok_or_else(|| {
                    format!("labelled set line {n}: unknown signal \"{}\"", l.trim())
                })?;
                if let Some(e) = expected.get_mut(sig.index()) {
                    *e = true;
                }
            }
        }
        let mut got = [false; 6];
        for h in m.detect(text) {
            if let Some(g) = got.get_mut(h.signal.index()) {
                *g = true;
            }
        }
        let lang = lang.trim();
        let entry = match ev.langs.iter().position(|(l, _, _)| l == lang) {
            Some(p) => p,
            None => {
                ev.langs.push((lang.to_string(), 0, [Counts::default(); 6]));
                ev.langs.len() - 1
            }
        };
        if let Some((_, count, counts)) = ev.langs.get_mut(entry) {
            *count += 1;
            for ((c, e), g) in counts.iter_mut().zip(expected).zip(got) {
                match (e, g) {
                    (true, true) => c.tp += 1,
                    (false, true) => c.fp += 1,
                    (true, false) => c.fn_ += 1,
                    (false, false) => {}
                }
            }
        }
    }
    Ok(ev)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sigs(m: &Matcher, text: &str) -> Vec<&'static str> {
        m.detect(text).iter().map(|h| h.signal.as_str()).collect()
    }

    #[test]
    fn builtin_patterns_all_compile() {
        let m = Matcher::try_builtin();
        assert!(m.is_ok(), "{:?}", m.err());
        assert!(m.map(|m| m.len()).unwrap_or(0) > 150);
    }

    #[test]
    fn folding_strips_accents_and_apostrophes() {
        let mut s = String::new();
        fold_text("Te EXTRAÑO, weißt du’s? Où ÇA", &mut s);
        assert_eq!(s, "te extrano, weisst du's? ou ca");
        s.clear();
        // Decomposed "é" (e + combining acute), as macOS writes it.
        fold_text("de\u{301}sole\u{301}", &mut s);
        assert_eq!(s, "desole");
    }

    #[test]
    fn basic_signals_and_negation() {
        let m = Matcher::builtin();
        let cases: &[(&str, &[&str])] = &[
            ("I miss you", &["MISSES_YOU"]),
            ("I don't miss you", &[]),
            ("te extraño", &["MISSES_YOU"]),
            ("no te extraño", &[]),
            ("ich vermisse dich", &["MISSES_YOU"]),
            ("ich vermisse dich nicht", &[]),
            ("tu me manques", &["MISSES_YOU"]),
            ("tu ne me manques pas", &[]),
            ("tu me manques plus que tout", &["MISSES_YOU"]),
            ("mi manchi", &["MISSES_YOU"]),
            ("non mi manchi", &[]),
            ("saudades", &["MISSES_YOU"]),
            ("where are you from?", &[]),
            ("where are you??", &["MONITORING"]),
            ("non ti chiedo scusa", &[]),
            ("I'm sorry to hear that", &[]),
            ("what are you doing tomorrow? let's meet", &["MEET_REQUEST"]),
        ];
        for (text, want) in cases {
            assert_eq!(&sigs(&m, text), want, "text: {text}");
        }
    }

    /// The examples named in the product brief, one per line: text and expected signals.
    #[test]
    fn brief_examples() {
        let m = Matcher::builtin();
        let cases: &[(&str, &[&str])] = &[
            ("wanna meet?", &["MEET_REQUEST"]),
            ("let's grab coffee", &["MEET_REQUEST"]),
            ("when can I see you", &["MEET_REQUEST"]),
            ("I miss you", &["MISSES_YOU"]),
            ("te extraño", &["MISSES_YOU"]),
            ("ich vermisse dich", &["MISSES_YOU"]),
            ("tu me manques", &["MISSES_YOU"]),
            ("saudades", &["MISSES_YOU"]),
            ("mi manchi", &["MISSES_YOU"]),
            ("what are you doing", &["CURIOSITY"]),
            ("wyd", &["CURIOSITY"]),
            ("qué haces", &["CURIOSITY"]),
            ("was machst du", &["CURIOSITY"]),
            ("remember when", &["NOSTALGIA"]),
            ("te acuerdas?", &["NOSTALGIA"]),
            ("sorry", &["APOLOGY"]),
            ("I apologize", &["APOLOGY"]),
            ("perdón", &["APOLOGY"]),
            ("es tut mir leid", &["APOLOGY"]),
            ("désolé", &["APOLOGY"]),
            ("desculpa", &["APOLOGY"]),
            ("scusa", &["APOLOGY"]),
            ("where are you", &["MONITORING"]),
            ("who are you with", &["MONITORING"]),
            ("why didn't you answer", &["MONITORING"]),
            ("why didn't you reply", &["MONITORING"]),
            ("who were you talking to", &["MONITORING"]),
            ("send me your location", &["MONITORING"]),
            ("dónde estás", &["MONITORING"]),
            ("con quién estás", &["MONITORING"]),
            ("wo bist du", &["MONITORING"]),
            ("mit wem bist du", &["MONITORING"]),
            ("où es-tu", &["MONITORING"]),
            ("tu es avec qui", &["MONITORING"]),
            ("onde você está", &["MONITORING"]),
            ("com quem você está", &["MONITORING"]),
            ("dove sei", &["MONITORING"]),
            ("con chi sei", &["MONITORING"]),
            ("I don't miss you", &[]),
            ("no te extraño", &[]),
            ("ich vermisse dich nicht", &[]),
            ("je ne te manque pas", &[]),
            ("where are you from", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(&sigs(&m, text), want, "text: {text}");
        }
    }

    #[test]
    fn one_hit_per_signal() {
        let m = Matcher::builtin();
        let hits = m.detect("sorry sorry sorry, so sorry");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits.first().map(|h| h.signal), Some(Signal::Apology));
        assert_eq!(hits.first().map(|h| h.lang.as_str()), Some("en"));
    }

    #[test]
    fn user_pattern_file_parses_and_reports_lines() {
        let text =
            "# mine\nMISSES_YOU\ten\tmiss(ing)? my (babe|love)\n\n-APOLOGY  en  sorry not sorry\n";
        let pats = parse_user_patterns(text);
        assert_eq!(pats.as_ref().map(Vec::len), Ok(2));
        let m = Matcher::with_user_patterns(&pats.unwrap_or_default());
        let Ok(m) = m else {
            panic!("user patterns should compile");
        };
        let hits = m.detect("missing my babe");
        assert_eq!(hits.first().map(|h| h.pattern_id.as_str()), Some("user:1"));
        assert!(m.detect("sorry not sorry").is_empty());

        let err = parse_user_patterns("MISSES_YOU en ok\nFOO en x\n");
        assert!(
            err.as_ref()
                .is_err_and(|e| e.contains("line 2") && e.contains("FOO")),
            "{err:?}"
        );
        let err = parse_user_patterns("\n\nAPOLOGY en (unclosed\n");
        assert!(err.as_ref().is_err_and(|e| e.contains("line 3")), "{err:?}");
        let err = parse_user_patterns("APOLOGY en\n");
        assert!(err.as_ref().is_err_and(|e| e.contains("line 1")), "{err:?}");
        let err = Matcher::with_user_patterns(&[UserPattern {
            signal: "APOLOGY".into(),
            lang: "en".into(),
            pattern: "([".into(),
        }]);
        assert!(
            err.as_ref()
                .is_err_and(|e| e.contains("user signal pattern 1")),
            "{err:?}"
        );
    }

    #[test]
    fn scan_attributes_sender_and_event() {
        let m = Matcher::builtin();
        // Events 0..=6; messages point at 3, 5 and 6.
        let texts = ["", "", "", "where are you", "", "i miss you", "i miss you"];
        let events = Events::try_from_iter(texts.iter().enumerate().map(|(i, t)| {
            walkaway_model::NewEvent {
                ts: i as i64,
                sender: Some(0),
                kind: if i == 6 { Kind::Deleted } else { Kind::Text },
                text: t,
                line: 0,
                flags: 0,
            }
        }))
        .unwrap();
        let msgs = [
            Msg {
                ts: 10,
                who: 0,
                event_idx: 3,
            },
            Msg {
                ts: 20,
                who: 1,
                event_idx: 5,
            },
            Msg {
                ts: 30,
                who: 1,
                event_idx: 6,
            },
        ];
        let all = scan(&msgs, &events, None, &m);
        let partner = scan(&msgs, &events, Some(1), &m);
        assert_eq!(all.len(), 2);
        assert_eq!(partner.len(), 1);
        let h = partner.first();
        assert_eq!(
            h.map(|h| (h.signal, h.event, h.who, h.ts)),
            Some((Signal::MissesYou, 5, 1, 20))
        );
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let m = Matcher::builtin();
        for t in [
            "",
            "'",
            "’’’",
            "\u{301}",
            "n'",
            "?",
            "🙂 where are you 🙂",
            "ß",
            "\u{0}",
            "ǅ İ",
        ] {
            let _ = m.detect(t);
        }
    }
}
