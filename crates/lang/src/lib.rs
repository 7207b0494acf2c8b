//! The lang stage: detects the language of an article from its title and cleaned body.
//!
//! Layout:
//! - [`LangConfig`]: the `[lang]` section of the config file.
//! - [`Detector`]: built once from the config, then [`Detector::detect`] per article.
//!
//! How a text is judged, and why:
//! 1. Only a bounded prefix of `title + "\n" + body` is read (`prefix_bytes`, cut on a
//!    character boundary), so the cost does not grow with the article's length.
//! 2. One pass over that prefix counts letters per script (ASCII letters take a fast
//!    path). This is the *script-first shortcut*: a text dominated by a script that only
//!    one language writes (Hangul, Greek, Thai, Georgian, ...) or by Han and kana is
//!    decided here without trigram scoring. Han with more than 5% kana is Japanese (a
//!    Japanese sentence always carries kana particles; Chinese never does), otherwise
//!    Mandarin, the same rule whatlang uses.
//! 3. Scripts written by several languages (Latin, Cyrillic, Arabic, Devanagari,
//!    Hebrew) go to whatlang, restricted to the configured `allowlist`. whatlang's cost is
//!    dominated by comparing the text's trigrams with 300 trigrams of every candidate
//!    language, so an allowlist of the languages a deployment actually receives is the
//!    main speed lever for Latin text (37 candidate languages without one).
//! 4. Before whatlang, the *function-word shortcut* ([`function_words`], on by default
//!    with `function_word_shortcut`): a Latin, Cyrillic or Arabic text whose prefix holds
//!    at least 12 hits on one allowed language's most frequent function words, at least a
//!    tenth of its tokens, and at least 3 times as many hits as any other candidate on the
//!    words they do not share, is decided from those counts; anything weaker falls back to
//!    whatlang exactly as before. The confidence is the weakest pairwise margin
//!    (`1 - theirs / ours`, so at least 0.67 for a decision), and such a decision is
//!    reliable when the text has `min_chars` letters. On 3 KB news articles it decides
//!    nearly all Latin/Cyrillic/Arabic texts at a few µs instead of ~100 µs; single
//!    sentences mostly fall back.
//! 5. A text with fewer than `min_chars` letters gets its best guess with
//!    `reliable: false`; a text without any letter is `und`.
#![deny(missing_docs)]

pub mod function_words;

use std::fmt;

use function_words::FunctionWords;

use newsflow_record::Language;
use serde::{Deserialize, Serialize};
use whatlang::{Lang, Script};

/// Settings of the lang stage (`[lang]` in the config file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LangConfig {
    /// How many bytes of `title + "\n" + body` the detector reads.
    #[serde(default = "default_prefix_bytes")]
    pub prefix_bytes: usize,
    /// Fewer letters than this in the prefix: the guess is marked `reliable: false`.
    #[serde(default = "default_min_chars")]
    pub min_chars: usize,
    /// Languages the detector may answer (ISO 639-1 or 639-3 codes, e.g. `en`, `cmn`);
    /// empty means every language whatlang knows. A text in a script none of these
    /// languages writes comes out `und`.
    #[serde(default)]
    pub allowlist: Vec<LangCode>,
    /// Decide texts in single-language scripts (and Han/kana) from the script count
    /// alone, without calling whatlang.
    #[serde(default = "default_script_shortcut")]
    pub script_shortcut: bool,
    /// Decide Latin, Cyrillic and Arabic texts from function-word counts when the
    /// evidence is strong (see [`function_words`]), without calling whatlang.
    #[serde(default = "default_function_word_shortcut")]
    pub function_word_shortcut: bool,
}

fn default_function_word_shortcut() -> bool {
    true
}

fn default_prefix_bytes() -> usize {
    1024
}

fn default_min_chars() -> usize {
    20
}

fn default_script_shortcut() -> bool {
    true
}

impl Default for LangConfig {
    fn default() -> Self {
        LangConfig {
            prefix_bytes: default_prefix_bytes(),
            min_chars: default_min_chars(),
            allowlist: Vec::new(),
            script_shortcut: default_script_shortcut(),
            function_word_shortcut: default_function_word_shortcut(),
        }
    }
}

/// A language code from the config, checked against the languages whatlang knows when
/// the config is read, so that a typo fails at start-up rather than silently shrinking
/// the allowlist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LangCode(Lang);

impl LangCode {
    /// The whatlang language.
    pub fn lang(self) -> Lang {
        self.0
    }
}

/// A language code that is neither an ISO 639-1 nor an ISO 639-3 code whatlang knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLanguage(pub String);

impl fmt::Display for UnknownLanguage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown language code {:?} (expected an ISO 639-1 or 639-3 code such as \"en\" or \"eng\")",
            self.0
        )
    }
}

impl std::error::Error for UnknownLanguage {}

impl std::str::FromStr for LangCode {
    type Err = UnknownLanguage;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        let code = code.trim().to_ascii_lowercase();
        Lang::all()
            .iter()
            .copied()
            .find(|&lang| iso639_1(lang) == code || lang.code() == code)
            .map(LangCode)
            .ok_or(UnknownLanguage(code))
    }
}

impl TryFrom<String> for LangCode {
    type Error = UnknownLanguage;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        code.parse()
    }
}

impl From<LangCode> for String {
    fn from(code: LangCode) -> String {
        code_of(code.0).to_string()
    }
}

/// Language detector.
#[derive(Debug, Clone)]
pub struct Detector {
    prefix_bytes: usize,
    min_chars: usize,
    script_shortcut: bool,
    /// `None` means every language is allowed.
    allowed: Option<Vec<Lang>>,
    /// `None` when the shortcut is off or no allowed language has a list.
    function_words: Option<FunctionWords>,
    whatlang: whatlang::Detector,
}

impl Detector {
    /// A detector with the given settings.
    pub fn new(config: &LangConfig) -> Self {
        // The shared character tables, now rather than in the first record.
        newsflow_text::warm_up();
        let allowed: Option<Vec<Lang>> = if config.allowlist.is_empty() {
            None
        } else {
            Some(config.allowlist.iter().map(|code| code.lang()).collect())
        };
        let whatlang = match &allowed {
            Some(langs) => whatlang::Detector::with_allowlist(langs.clone()),
            None => whatlang::Detector::new(),
        };
        let function_words = if config.function_word_shortcut {
            FunctionWords::new(|lang| {
                allowed
                    .as_ref()
                    .is_none_or(|allowed| allowed.contains(&lang))
            })
        } else {
            None
        };
        Detector {
            prefix_bytes: config.prefix_bytes.max(1),
            min_chars: config.min_chars,
            script_shortcut: config.script_shortcut,
            allowed,
            function_words,
            whatlang,
        }
    }

    /// Detects the language of an article from its title and cleaned body.
    pub fn detect(&self, title: &str, body: &str) -> Language {
        let mut buffer = String::new();
        let text = bounded_prefix(title, body, self.prefix_bytes, &mut buffer);
        self.detect_text(text)
    }

    /// Detects the language of a text already cut to the prefix the caller wants read.
    pub fn detect_text(&self, text: &str) -> Language {
        let counts = ScriptCounts::of(text);
        let letters = counts.letters();
        if letters == 0 {
            return Language::undetermined("Zyyy");
        }
        let long_enough = letters >= self.min_chars;
        if self.script_shortcut {
            if let Some((lang, script, confidence)) = counts.decide() {
                if !self.is_allowed(lang) {
                    return Language::undetermined(script.name());
                }
                return language(lang, script, confidence, long_enough && confidence >= 1.0);
            }
        }
        if let Some((lang, script, confidence)) = self.function_word_verdict(text, &counts) {
            return language(lang, script, confidence, long_enough);
        }
        match self.whatlang.detect(text) {
            Some(info) => language(
                info.lang(),
                info.script(),
                info.confidence(),
                long_enough && info.is_reliable(),
            ),
            None => match whatlang::detect_script(text) {
                Some(script) => Language::undetermined(script.name()),
                None => Language::undetermined("Zyyy"),
            },
        }
    }

    /// The code the function-word shortcut alone would answer for `text` (already cut to
    /// a prefix), `None` when it would fall back to whatlang: for evaluating the shortcut.
    pub fn function_word_code(&self, text: &str) -> Option<&'static str> {
        let counts = ScriptCounts::of(text);
        self.function_word_verdict(text, &counts)
            .map(|(lang, _, _)| code_of(lang))
    }

    /// The function-word shortcut's decision, when the text is mostly in the script of
    /// the language it picks.
    fn function_word_verdict(
        &self,
        text: &str,
        counts: &ScriptCounts,
    ) -> Option<function_words::Verdict> {
        let words = self.function_words.as_ref()?;
        let script_letters = |script| match script {
            Script::Latin => counts.latin,
            Script::Cyrillic => counts.cyrillic,
            Script::Arabic => counts.arabic,
            _ => 0,
        };
        let dominant = [Script::Latin, Script::Cyrillic, Script::Arabic]
            .into_iter()
            .find(|&script| 2 * script_letters(script) > counts.letters())?;
        let verdict = words.decide(text)?;
        (verdict.1 == dominant).then_some(verdict)
    }

    fn is_allowed(&self, lang: Lang) -> bool {
        self.allowed
            .as_ref()
            .is_none_or(|allowed| allowed.contains(&lang))
    }
}

fn language(lang: Lang, script: Script, confidence: f64, reliable: bool) -> Language {
    Language {
        code: code_of(lang).into(),
        iso639_3: lang.code().into(),
        script: script.name().into(),
        confidence,
        reliable,
    }
}

/// `title + "\n" + body`, cut to at most `limit` bytes on a character boundary. Borrows
/// the title when the prefix lies within it; otherwise copies into `buffer`.
fn bounded_prefix<'a>(title: &'a str, body: &str, limit: usize, buffer: &'a mut String) -> &'a str {
    if title.len() >= limit || body.is_empty() {
        return floor_prefix(title, limit);
    }
    if title.is_empty() {
        buffer.push_str(floor_prefix(body, limit));
        return buffer.as_str();
    }
    buffer.reserve(limit);
    buffer.push_str(title);
    buffer.push('\n');
    let room = limit.saturating_sub(buffer.len());
    buffer.push_str(floor_prefix(body, room));
    buffer.as_str()
}

fn floor_prefix(text: &str, limit: usize) -> &str {
    if text.len() <= limit {
        return text;
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Letters of a text per script, counted in one pass.
#[derive(Debug, Default, Clone, Copy)]
struct ScriptCounts {
    latin: usize,
    cyrillic: usize,
    greek: usize,
    hebrew: usize,
    arabic: usize,
    devanagari: usize,
    thai: usize,
    hangul: usize,
    kana: usize,
    han: usize,
    georgian: usize,
    armenian: usize,
    /// Letters of any other script: left to whatlang.
    other: usize,
}

impl ScriptCounts {
    fn of(text: &str) -> Self {
        /// Bytes per block: a block of ASCII is counted at once, branch-free, which the
        /// compiler turns into a few vector instructions.
        const BLOCK: usize = 32;
        let mut counts = ScriptCounts::default();
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let block: Option<&[u8; BLOCK]> = bytes
                .get(at..at + BLOCK)
                .and_then(|block| block.try_into().ok());
            if let Some(block) = block.filter(|block| block.is_ascii()) {
                counts.latin += block.iter().filter(|b| b.is_ascii_alphabetic()).count();
                at += BLOCK;
                continue;
            }
            // Otherwise character by character to the end of the block, or a little past
            // it when a character straddles the end.
            let end = (at + BLOCK).min(bytes.len());
            let Some(rest) = text.get(at..) else {
                break;
            };
            for ch in rest.chars() {
                if at >= end {
                    break;
                }
                at += ch.len_utf8();
                counts.add(ch);
            }
        }
        counts
    }

    /// Counts one character.
    fn add(&mut self, ch: char) {
        if ch.is_ascii() {
            self.latin += usize::from(ch.is_ascii_alphabetic());
            return;
        }
        let slot = match ch {
            '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => &mut self.latin,
            '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => &mut self.greek,
            '\u{0400}'..='\u{052F}' => &mut self.cyrillic,
            '\u{0531}'..='\u{058F}' => &mut self.armenian,
            '\u{0590}'..='\u{05FF}' => &mut self.hebrew,
            '\u{0600}'..='\u{06FF}'
            | '\u{0750}'..='\u{077F}'
            | '\u{08A0}'..='\u{08FF}'
            | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}' => &mut self.arabic,
            '\u{0900}'..='\u{097F}' => &mut self.devanagari,
            '\u{0E00}'..='\u{0E7F}' => &mut self.thai,
            '\u{10A0}'..='\u{10FF}' => &mut self.georgian,
            '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' | '\u{AC00}'..='\u{D7AF}' => {
                &mut self.hangul
            }
            '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9F}' => {
                &mut self.kana
            }
            '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{20000}'..='\u{2FA1F}' => &mut self.han,
            c if newsflow_text::is_alphabetic(c) => &mut self.other,
            _ => return,
        };
        *slot += 1;
    }

    fn letters(&self) -> usize {
        self.latin
            + self.cyrillic
            + self.greek
            + self.hebrew
            + self.arabic
            + self.devanagari
            + self.thai
            + self.hangul
            + self.kana
            + self.han
            + self.georgian
            + self.armenian
            + self.other
    }

    /// The language when the dominant script settles it, with a confidence.
    fn decide(&self) -> Option<(Lang, Script, f64)> {
        // Han and kana count together: Japanese mixes them in every sentence.
        let cjk = self.han + self.kana;
        let candidates = [
            (cjk, None),
            (self.hangul, Some((Lang::Kor, Script::Hangul))),
            (self.greek, Some((Lang::Ell, Script::Greek))),
            (self.thai, Some((Lang::Tha, Script::Thai))),
            (self.georgian, Some((Lang::Kat, Script::Georgian))),
            (self.armenian, Some((Lang::Hye, Script::Armenian))),
        ];
        let multi = [
            self.latin,
            self.cyrillic,
            self.hebrew,
            self.arabic,
            self.devanagari,
            self.other,
        ];
        let (count, verdict) = candidates.iter().max_by_key(|(count, _)| *count)?;
        if *count == 0 || multi.iter().any(|other| other >= count) {
            return None;
        }
        match verdict {
            Some((lang, script)) => Some((*lang, *script, 1.0)),
            None => {
                // Thresholds as in whatlang (its issue #88): a few kana among Han mean Japanese.
                let kana_share = self.kana as f64 / cjk as f64;
                let script = if self.han >= self.kana {
                    Script::Mandarin
                } else if self.kana > 0 {
                    Script::Hiragana
                } else {
                    Script::Mandarin
                };
                Some(if kana_share > 0.2 {
                    (Lang::Jpn, script, 1.0)
                } else if kana_share > 0.05 {
                    (Lang::Jpn, script, 0.5)
                } else if kana_share > 0.02 {
                    (Lang::Cmn, script, 0.5)
                } else {
                    (Lang::Cmn, script, 1.0)
                })
            }
        }
    }
}

/// The code written in records: ISO 639-1 where one exists, else ISO 639-3.
pub fn code_of(lang: Lang) -> &'static str {
    match iso639_1(lang) {
        "" => lang.code(),
        code => code,
    }
}

/// ISO 639-1 code of a whatlang language, empty when it has none.
fn iso639_1(lang: Lang) -> &'static str {
    match lang {
        Lang::Epo => "eo",
        Lang::Eng => "en",
        Lang::Rus => "ru",
        Lang::Cmn => "zh",
        Lang::Spa => "es",
        Lang::Por => "pt",
        Lang::Ita => "it",
        Lang::Ben => "bn",
        Lang::Fra => "fr",
        Lang::Deu => "de",
        Lang::Ukr => "uk",
        Lang::Kat => "ka",
        Lang::Ara => "ar",
        Lang::Hin => "hi",
        Lang::Jpn => "ja",
        Lang::Heb => "he",
        Lang::Yid => "yi",
        Lang::Pol => "pl",
        Lang::Amh => "am",
        Lang::Jav => "jv",
        Lang::Kor => "ko",
        Lang::Nob => "nb",
        Lang::Dan => "da",
        Lang::Swe => "sv",
        Lang::Fin => "fi",
        Lang::Tur => "tr",
        Lang::Nld => "nl",
        Lang::Hun => "hu",
        Lang::Ces => "cs",
        Lang::Ell => "el",
        Lang::Bul => "bg",
        Lang::Bel => "be",
        Lang::Mar => "mr",
        Lang::Kan => "kn",
        Lang::Ron => "ro",
        Lang::Slv => "sl",
        Lang::Hrv => "hr",
        Lang::Srp => "sr",
        Lang::Mkd => "mk",
        Lang::Lit => "lt",
        Lang::Lav => "lv",
        Lang::Est => "et",
        Lang::Tam => "ta",
        Lang::Vie => "vi",
        Lang::Urd => "ur",
        Lang::Tha => "th",
        Lang::Guj => "gu",
        Lang::Uzb => "uz",
        Lang::Pan => "pa",
        Lang::Aze => "az",
        Lang::Ind => "id",
        Lang::Tel => "te",
        Lang::Pes => "fa",
        Lang::Mal => "ml",
        Lang::Ori => "or",
        Lang::Mya => "my",
        Lang::Nep => "ne",
        Lang::Sin => "si",
        Lang::Khm => "km",
        Lang::Tuk => "tk",
        Lang::Aka => "ak",
        Lang::Zul => "zu",
        Lang::Sna => "sn",
        Lang::Afr => "af",
        Lang::Lat => "la",
        Lang::Slk => "sk",
        Lang::Cat => "ca",
        Lang::Tgl => "tl",
        Lang::Hye => "hy",
        Lang::Cym => "cy",
    }
}

#[cfg(test)]
mod tests;
