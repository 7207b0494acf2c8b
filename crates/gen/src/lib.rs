//! Generator of news-like raw articles for tests and benchmarks.
//!
//! Layout:
//! - [`GeneratorConfig`]: how many articles, body size, language mix, shares of exact
//!   duplicates, near duplicates and bad lines, the seed, and optionally a directory of
//!   real sentences (one `<code>.txt` per language, one sentence a line, such as
//!   `../shared/bench-data/langid/`).
//! - [`Generator`]: an iterator of [`Generated`] lines, each with the raw JSON bytes and
//!   what the pipeline should make of it ([`Kind`]), so tests know which lines are
//!   duplicates and which must be rejected.
//! - [`generate`]: the same lines as plain bytes, for benchmarks.
//!
//! The output depends only on the config: the same seed gives the same bytes.
//! Without a sentence directory, bodies come from a few hundred words of built-in
//! text per language (en, fr, de, es, ru, zh).
#![deny(missing_docs)]

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use newsflow_record::ErrorCode;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

/// Built-in sentences, written for this project, one per line.
const BUILTIN: &[(&str, &str)] = &[
    ("en", include_str!("../text/en.txt")),
    ("fr", include_str!("../text/fr.txt")),
    ("de", include_str!("../text/de.txt")),
    ("es", include_str!("../text/es.txt")),
    ("ru", include_str!("../text/ru.txt")),
    ("zh", include_str!("../text/zh.txt")),
];

/// Boilerplate lines an outlet adds to a syndicated copy, per language; the English
/// lines serve languages without their own.
const BOILERPLATE: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "Sign up for our daily newsletter.",
            "Related articles",
            "Share this article on social media.",
            "Advertisement",
        ],
    ),
    (
        "fr",
        &[
            "Inscrivez-vous à notre newsletter.",
            "Articles similaires",
            "Partager cet article",
        ],
    ),
    (
        "de",
        &[
            "Melden Sie sich für unseren Newsletter an.",
            "Weitere Artikel",
            "Artikel teilen",
        ],
    ),
    (
        "es",
        &[
            "Suscríbase a nuestro boletín.",
            "Artículos relacionados",
            "Compartir este artículo",
        ],
    ),
];

/// Outlets the generated articles come from.
const SOURCES: &[&str] = &[
    "Harbor Daily",
    "Northern Wire",
    "Capital Observer",
    "Evening Ledger",
    "Coastal Times",
    "Global Dispatch",
];

/// Error building a generator.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A language has neither a sentence file nor built-in text.
    #[error("no text for language {0:?}: no built-in text and no sentence file")]
    UnknownLanguage(String),
    /// The language mix is empty or its weights are not positive.
    #[error("the language mix must name at least one language with a positive weight")]
    EmptyMix,
    /// A share is outside 0..=1, or the shares add up to more than 1.
    #[error("invalid shares: {0}")]
    InvalidShare(String),
    /// A sentence file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A language mix string (`en:3,fr:1`) did not parse.
    #[error("invalid language mix {0:?}: expected CODE[:WEIGHT],...")]
    InvalidMix(String),
}

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratorConfig {
    /// Number of lines.
    pub articles: usize,
    /// Target size of each body in bytes (bodies end on a sentence, so they come out
    /// slightly longer).
    pub body_bytes: usize,
    /// Languages and their relative weights.
    pub languages: Vec<(String, f64)>,
    /// Share of lines that repeat an earlier article's text exactly under a new id.
    pub duplicate_share: f64,
    /// Share of lines that are near copies of an earlier article: other boilerplate,
    /// another headline, a truncated ending.
    pub near_duplicate_share: f64,
    /// Share of lines the clean step must reject.
    pub bad_share: f64,
    /// Seed of the random sequence.
    pub seed: u64,
    /// A directory of `<code>.txt` sentence files to build bodies from.
    pub sentences_dir: Option<PathBuf>,
}

impl Default for GeneratorConfig {
    fn default() -> Self {
        GeneratorConfig {
            articles: 1_000,
            body_bytes: 3_000,
            languages: vec![
                ("en".into(), 4.0),
                ("fr".into(), 1.0),
                ("de".into(), 1.0),
                ("es".into(), 1.0),
                ("ru".into(), 1.0),
                ("zh".into(), 1.0),
            ],
            duplicate_share: 0.05,
            near_duplicate_share: 0.05,
            bad_share: 0.0,
            seed: 42,
            sentences_dir: None,
        }
    }
}

/// Parses a language mix such as `en:3,fr:1,de` (a missing weight is 1).
pub fn parse_mix(mix: &str) -> Result<Vec<(String, f64)>, Error> {
    let invalid = || Error::InvalidMix(mix.to_string());
    mix.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once(':') {
            Some((code, weight)) => {
                let weight: f64 = weight.trim().parse().map_err(|_| invalid())?;
                Ok((code.trim().to_string(), weight))
            }
            None => Ok((part.to_string(), 1.0)),
        })
        .collect::<Result<Vec<_>, _>>()
        .and_then(|languages| {
            if languages.is_empty() {
                Err(invalid())
            } else {
                Ok(languages)
            }
        })
}

/// Why a bad line is bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadKind {
    /// Cut off in the middle of the JSON.
    InvalidJson,
    /// A JSON array instead of an object.
    NotAnObject,
    /// Neither `id` nor `url`.
    MissingField,
    /// Empty title and body.
    EmptyBody,
}

impl BadKind {
    const ALL: [BadKind; 4] = [
        BadKind::InvalidJson,
        BadKind::NotAnObject,
        BadKind::MissingField,
        BadKind::EmptyBody,
    ];

    /// The code the clean step must reject this line with.
    pub fn expected_code(self) -> ErrorCode {
        match self {
            BadKind::InvalidJson => ErrorCode::InvalidJson,
            BadKind::NotAnObject => ErrorCode::NotAnObject,
            BadKind::MissingField => ErrorCode::MissingField,
            BadKind::EmptyBody => ErrorCode::EmptyBody,
        }
    }
}

/// What a generated line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// An article with text of its own.
    Unique,
    /// The same title and body as the article `of`, under a new id.
    Exact {
        /// Id of the original.
        of: String,
    },
    /// A near copy of the article `of`.
    Near {
        /// Id of the original.
        of: String,
    },
    /// A line the clean step must reject.
    Bad(BadKind),
}

/// One generated line and what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// The raw JSON line, without the trailing newline.
    pub line: Vec<u8>,
    /// What the pipeline should make of it.
    pub kind: Kind,
    /// The article's id (absent on bad lines).
    pub id: Option<String>,
    /// The language its text was written in.
    pub language: String,
}

/// A unique article kept so that later lines can copy it.
#[derive(Debug, Clone)]
struct Original {
    id: String,
    language: String,
    title: String,
    paragraphs: Vec<Vec<String>>,
}

/// A language with fewer sentences than this would repeat sentences across articles, so
/// that independent articles looked like near duplicates of each other: its sentences
/// are varied word by word (characters for scripts written without spaces).
const SMALL_SOURCE: usize = 500;

/// Share of the words of a varied sentence replaced by another word of the language.
const VARIED_SHARE: f64 = 0.5;

/// Originals remembered for copying; recent ones, as syndication happens within hours.
const POOL: usize = 256;

/// The generator: an iterator of [`Generated`] lines.
#[derive(Debug)]
pub struct Generator {
    config: GeneratorConfig,
    texts: Vec<(String, Vec<String>)>,
    /// Words (or characters) of each small source, for varying its sentences.
    vocabulary: Vec<Vec<String>>,
    weights_total: f64,
    rng: StdRng,
    produced: usize,
    pool: VecDeque<Original>,
}

impl Generator {
    /// Checks the config and loads the sentences.
    pub fn new(config: &GeneratorConfig) -> Result<Self, Error> {
        for (name, share) in [
            ("duplicate_share", config.duplicate_share),
            ("near_duplicate_share", config.near_duplicate_share),
            ("bad_share", config.bad_share),
        ] {
            if !(0.0..=1.0).contains(&share) {
                return Err(Error::InvalidShare(format!("{name} = {share}")));
            }
        }
        let total = config.duplicate_share + config.near_duplicate_share + config.bad_share;
        if total > 1.0 {
            return Err(Error::InvalidShare(format!("shares add up to {total}")));
        }
        let mut texts = Vec::new();
        let mut weights_total = 0.0;
        for (code, weight) in &config.languages {
            if !(weight.is_finite() && *weight > 0.0) {
                return Err(Error::EmptyMix);
            }
            texts.push((
                code.clone(),
                load_sentences(code, config.sentences_dir.as_deref())?,
            ));
            weights_total += weight;
        }
        if texts.is_empty() {
            return Err(Error::EmptyMix);
        }
        let vocabulary = texts
            .iter()
            .map(|(_, sentences)| vocabulary_of(sentences))
            .collect();
        Ok(Generator {
            config: config.clone(),
            texts,
            vocabulary,
            weights_total,
            rng: StdRng::seed_from_u64(config.seed),
            produced: 0,
            pool: VecDeque::with_capacity(POOL),
        })
    }

    fn pick_language(&mut self) -> usize {
        let mut point = self.rng.random::<f64>() * self.weights_total;
        for (index, (_, weight)) in self.config.languages.iter().enumerate() {
            if point < *weight {
                return index;
            }
            point -= weight;
        }
        self.texts.len() - 1
    }

    fn sentence(&mut self, language: usize) -> String {
        let sentences = &self.texts[language].1;
        let sentence = sentences.choose(&mut self.rng).cloned().unwrap_or_default();
        let words = &self.vocabulary[language];
        if sentences.len() >= SMALL_SOURCE || words.is_empty() {
            return sentence;
        }
        let rng = &mut self.rng;
        let mut pick = |original: &str| -> String {
            match words.choose(rng) {
                Some(word) if rng.random_bool(VARIED_SHARE) => word.clone(),
                _ => original.to_string(),
            }
        };
        if sentence.contains(' ') {
            sentence
                .split(' ')
                .map(&mut pick)
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            let mut buffer = [0u8; 4];
            sentence
                .chars()
                .map(|c| pick(c.encode_utf8(&mut buffer)))
                .collect()
        }
    }

    fn new_original(&mut self, number: usize) -> Original {
        let language = self.pick_language();
        let code = self.texts[language].0.clone();
        let title = headline(&self.sentence(language));
        let mut paragraphs = Vec::new();
        let mut paragraph = Vec::new();
        let mut bytes = 0;
        while bytes < self.config.body_bytes.max(1) {
            let sentence = self.sentence(language);
            bytes += sentence.len() + 1;
            paragraph.push(sentence);
            if paragraph.len() >= self.rng.random_range(2..=4) {
                paragraphs.push(std::mem::take(&mut paragraph));
                bytes += 1;
            }
        }
        if !paragraph.is_empty() {
            paragraphs.push(paragraph);
        }
        Original {
            id: format!("gen-{}-{number:07}", self.config.seed),
            language: code,
            title,
            paragraphs,
        }
    }

    fn remember(&mut self, original: Original) {
        if self.pool.len() == POOL {
            self.pool.pop_front();
        }
        self.pool.push_back(original);
    }

    /// An earlier original to copy, when there is one.
    fn earlier(&mut self) -> Option<Original> {
        if self.pool.is_empty() {
            return None;
        }
        let index = self.rng.random_range(0..self.pool.len());
        self.pool.get(index).cloned()
    }

    /// A near copy: an outlet's own headline prefix, a boilerplate line, and for long
    /// stories a dropped final paragraph.
    fn near_copy(&mut self, original: &Original) -> (String, String) {
        let source = SOURCES.choose(&mut self.rng).copied().unwrap_or("Wire");
        let title = format!("{} | {source}", original.title);
        let mut paragraphs: Vec<String> = original.paragraphs.iter().map(|p| p.join(" ")).collect();
        if paragraphs.len() > 6 && self.rng.random_bool(0.5) {
            paragraphs.pop();
        }
        let lines = BOILERPLATE
            .iter()
            .find(|(code, _)| *code == original.language)
            .or_else(|| BOILERPLATE.first())
            .map(|(_, lines)| *lines)
            .unwrap_or(&[]);
        if let Some(line) = lines.choose(&mut self.rng) {
            paragraphs.push((*line).to_string());
        }
        (title, paragraphs.join("\n\n"))
    }

    fn bad_line(&mut self, number: usize) -> (Vec<u8>, BadKind) {
        let kind = BadKind::ALL[self.rng.random_range(0..BadKind::ALL.len())];
        let id = format!("gen-{}-{number:07}", self.config.seed);
        let line = match kind {
            BadKind::InvalidJson => {
                let full =
                    json!({"id": id, "title": "Cut off", "body": "The line ends"}).to_string();
                full.as_bytes()[..full.len() / 2].to_vec()
            }
            BadKind::NotAnObject => json!([{"id": id, "title": "In an array"}])
                .to_string()
                .into_bytes(),
            BadKind::MissingField => {
                json!({"source": "Harbor Daily", "title": "No id, no url", "body": "Text."})
                    .to_string()
                    .into_bytes()
            }
            BadKind::EmptyBody => json!({"id": id, "title": "", "body": "  "})
                .to_string()
                .into_bytes(),
        };
        (line, kind)
    }

    fn record(
        &mut self,
        id: &str,
        language: &str,
        title: &str,
        body: &str,
        number: usize,
    ) -> Vec<u8> {
        let source = SOURCES.choose(&mut self.rng).copied().unwrap_or("Wire");
        let slug = source.to_lowercase().replace(' ', "");
        let published = chrono::DateTime::from_timestamp(1_756_684_800 + number as i64 * 37, 0)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        let mut record = json!({
            "id": id,
            "url": format!("https://{slug}.example/news/{id}"),
            "source": source,
            "title": title,
            "body": body,
            "language": language,
        });
        if let (Some(published), Value::Object(map)) = (published, &mut record) {
            map.insert("published_at".into(), Value::String(published));
        }
        record.to_string().into_bytes()
    }
}

impl Iterator for Generator {
    type Item = Generated;

    fn next(&mut self) -> Option<Generated> {
        if self.produced >= self.config.articles {
            return None;
        }
        let number = self.produced;
        self.produced += 1;
        let roll: f64 = self.rng.random();
        let exact_cut = self.config.duplicate_share;
        let near_cut = exact_cut + self.config.near_duplicate_share;
        let bad_cut = near_cut + self.config.bad_share;
        if roll >= near_cut && roll < bad_cut {
            let (line, kind) = self.bad_line(number);
            let language = self.texts[0].0.clone();
            return Some(Generated {
                line,
                kind: Kind::Bad(kind),
                id: None,
                language,
            });
        }
        let copied = if roll < near_cut {
            self.earlier()
        } else {
            None
        };
        let id = format!("gen-{}-{number:07}", self.config.seed);
        let generated = match copied {
            Some(original) if roll < exact_cut => {
                let body = join_paragraphs(&original.paragraphs);
                let line = self.record(&id, &original.language, &original.title, &body, number);
                Generated {
                    line,
                    kind: Kind::Exact { of: original.id },
                    id: Some(id),
                    language: original.language,
                }
            }
            Some(original) => {
                let (title, body) = self.near_copy(&original);
                let line = self.record(&id, &original.language, &title, &body, number);
                Generated {
                    line,
                    kind: Kind::Near { of: original.id },
                    id: Some(id),
                    language: original.language,
                }
            }
            None => {
                let original = self.new_original(number);
                let body = join_paragraphs(&original.paragraphs);
                let line = self.record(&id, &original.language, &original.title, &body, number);
                let language = original.language.clone();
                self.remember(original);
                Generated {
                    line,
                    kind: Kind::Unique,
                    id: Some(id),
                    language,
                }
            }
        };
        Some(generated)
    }
}

/// The generated lines as raw bytes, for benchmarks.
pub fn generate(config: &GeneratorConfig) -> Result<impl Iterator<Item = Vec<u8>>, Error> {
    Ok(Generator::new(config)?.map(|generated| generated.line))
}

fn join_paragraphs(paragraphs: &[Vec<String>]) -> String {
    paragraphs
        .iter()
        .map(|p| p.join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// A headline from a sentence: its first words (characters for unspaced scripts),
/// without the final full stop.
fn headline(sentence: &str) -> String {
    let trimmed = sentence.trim_end_matches(['.', '。', '!', '?']);
    if trimmed.contains(' ') {
        trimmed
            .split_whitespace()
            .take(10)
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        trimmed.chars().take(20).collect()
    }
}

/// The words of a small source (its characters when it is written without spaces);
/// empty for a large source, whose sentences are used as they are.
fn vocabulary_of(sentences: &[String]) -> Vec<String> {
    if sentences.len() >= SMALL_SOURCE {
        return Vec::new();
    }
    let spaced = sentences.iter().any(|s| s.contains(' '));
    let mut words: Vec<String> = if spaced {
        sentences
            .iter()
            .flat_map(|s| s.split(' '))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    } else {
        sentences
            .iter()
            .flat_map(|s| s.chars())
            .filter(|c| c.is_alphabetic())
            .map(String::from)
            .collect()
    };
    words.sort_unstable();
    words.dedup();
    words
}

/// The sentences of one language: from `dir/<code>.txt` when it exists, else built in.
fn load_sentences(code: &str, dir: Option<&Path>) -> Result<Vec<String>, Error> {
    if let Some(dir) = dir {
        let path = dir.join(format!("{code}.txt"));
        if path.exists() {
            let text = std::fs::read_to_string(&path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            let sentences = split_lines(&text);
            if !sentences.is_empty() {
                return Ok(sentences);
            }
        }
    }
    BUILTIN
        .iter()
        .find(|(builtin, _)| *builtin == code)
        .map(|(_, text)| split_lines(text))
        .ok_or_else(|| Error::UnknownLanguage(code.to_string()))
}

fn split_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(articles: usize) -> GeneratorConfig {
        GeneratorConfig {
            articles,
            body_bytes: 800,
            duplicate_share: 0.1,
            near_duplicate_share: 0.1,
            bad_share: 0.05,
            seed: 7,
            ..GeneratorConfig::default()
        }
    }

    fn parse(line: &[u8]) -> Value {
        serde_json::from_slice(line).expect("generated article lines are JSON")
    }

    #[test]
    fn same_seed_gives_same_lines() {
        let first: Vec<_> = generate(&config(200)).unwrap().collect();
        let second: Vec<_> = generate(&config(200)).unwrap().collect();
        assert_eq!(first, second);
        let other: Vec<_> = generate(&GeneratorConfig {
            seed: 8,
            ..config(200)
        })
        .unwrap()
        .collect();
        assert_ne!(first, other);
    }

    #[test]
    fn shares_are_roughly_respected() {
        let lines: Vec<_> = Generator::new(&config(4_000)).unwrap().collect();
        assert_eq!(lines.len(), 4_000);
        let count = |pred: fn(&Kind) -> bool| lines.iter().filter(|g| pred(&g.kind)).count();
        let exact = count(|k| matches!(k, Kind::Exact { .. }));
        let near = count(|k| matches!(k, Kind::Near { .. }));
        let bad = count(|k| matches!(k, Kind::Bad(_)));
        assert!((300..500).contains(&exact), "exact {exact}");
        assert!((300..500).contains(&near), "near {near}");
        assert!((120..280).contains(&bad), "bad {bad}");
    }

    /// The first copy of the given kind among 300 generated lines, and its original.
    fn first_copy(copy_of: fn(&Kind) -> Option<&String>) -> (Value, Value) {
        let lines: Vec<_> = Generator::new(&config(300)).unwrap().collect();
        let (copy, of) = lines
            .iter()
            .find_map(|g| copy_of(&g.kind).map(|of| (g, of)))
            .expect("some copies of that kind");
        let original = lines
            .iter()
            .find(|g| g.id.as_deref() == Some(of.as_str()))
            .expect("the original was generated earlier");
        (parse(&copy.line), parse(&original.line))
    }

    #[test]
    fn exact_copy_has_same_text_and_a_new_id() {
        let (a, b) = first_copy(|kind| match kind {
            Kind::Exact { of } => Some(of),
            _ => None,
        });
        assert_eq!(a["title"], b["title"]);
        assert_eq!(a["body"], b["body"]);
        assert_ne!(a["id"], b["id"]);
    }

    #[test]
    fn near_copy_keeps_most_of_the_original_body() {
        let (a, b) = first_copy(|kind| match kind {
            Kind::Near { of } => Some(of),
            _ => None,
        });
        assert_ne!(a["body"], b["body"]);
        let first_paragraph = b["body"].as_str().unwrap().split("\n\n").next().unwrap();
        assert!(a["body"].as_str().unwrap().starts_with(first_paragraph));
    }

    #[test]
    fn bad_lines_fail_the_way_their_kind_says() {
        let lines: Vec<_> = Generator::new(&GeneratorConfig {
            bad_share: 0.5,
            ..config(200)
        })
        .unwrap()
        .collect();
        let mut seen = Vec::new();
        for generated in &lines {
            let Kind::Bad(kind) = generated.kind else {
                parse(&generated.line);
                continue;
            };
            seen.push(kind);
            let parsed = serde_json::from_slice::<Value>(&generated.line);
            match kind {
                BadKind::InvalidJson => assert!(parsed.is_err()),
                BadKind::NotAnObject => assert!(parsed.unwrap().is_array()),
                BadKind::MissingField => {
                    let value = parsed.unwrap();
                    assert!(value.get("id").is_none() && value.get("url").is_none());
                }
                BadKind::EmptyBody => {
                    let value = parsed.unwrap();
                    assert_eq!(value["title"], "");
                    assert_eq!(value["body"].as_str().unwrap().trim(), "");
                }
            }
        }
        for kind in BadKind::ALL {
            assert!(seen.contains(&kind), "{kind:?} never generated");
        }
        assert_eq!(BadKind::EmptyBody.expected_code(), ErrorCode::EmptyBody);
    }

    #[test]
    fn bodies_reach_the_requested_size_in_the_requested_language() {
        let config = GeneratorConfig {
            articles: 20,
            body_bytes: 3_000,
            languages: vec![("zh".into(), 1.0)],
            duplicate_share: 0.0,
            near_duplicate_share: 0.0,
            ..GeneratorConfig::default()
        };
        for generated in Generator::new(&config).unwrap() {
            assert_eq!(generated.language, "zh");
            let value = parse(&generated.line);
            let body = value["body"].as_str().unwrap();
            assert!(body.len() >= 3_000 && body.len() < 3_400, "{}", body.len());
            assert!(body.contains('。'));
            assert_eq!(value["language"], "zh");
        }
    }

    #[test]
    fn sentences_dir_supplies_the_bodies() {
        let dir = std::env::temp_dir().join(format!("newsflow-gen-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("it.txt"),
            "Il treno è arrivato in ritardo.\n\nPiove da tre giorni.\n",
        )
        .unwrap();
        let config = GeneratorConfig {
            articles: 5,
            body_bytes: 200,
            languages: vec![("it".into(), 1.0)],
            sentences_dir: Some(dir.clone()),
            ..config(5)
        };
        let lines: Vec<_> = Generator::new(&config).unwrap().collect();
        std::fs::remove_dir_all(&dir).ok();
        let unique = lines.iter().find(|g| g.kind == Kind::Unique).unwrap();
        let body = parse(&unique.line)["body"].as_str().unwrap().to_string();
        assert!(body.contains("Il treno") || body.contains("Piove"));
        assert!(!body.contains("minister"));
    }

    #[test]
    fn unknown_language_without_sentences_is_an_error() {
        let config = GeneratorConfig {
            languages: vec![("xx".into(), 1.0)],
            ..GeneratorConfig::default()
        };
        assert!(
            matches!(Generator::new(&config), Err(Error::UnknownLanguage(code)) if code == "xx")
        );
    }

    #[test]
    fn invalid_shares_are_refused() {
        let config = GeneratorConfig {
            duplicate_share: 0.7,
            near_duplicate_share: 0.5,
            ..GeneratorConfig::default()
        };
        assert!(matches!(
            Generator::new(&config),
            Err(Error::InvalidShare(_))
        ));
    }

    #[test]
    fn mix_parses_weights_and_defaults() {
        assert_eq!(
            parse_mix("en:3, fr").unwrap(),
            vec![("en".to_string(), 3.0), ("fr".to_string(), 1.0)]
        );
        assert!(parse_mix("en:x").is_err());
        assert!(parse_mix("").is_err());
    }

    #[test]
    fn langid_sentences_load_when_present() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench-data/langid");
        if !dir.join("ja.txt").exists() {
            return;
        }
        let config = GeneratorConfig {
            articles: 3,
            languages: vec![("ja".into(), 1.0)],
            sentences_dir: Some(dir),
            ..GeneratorConfig::default()
        };
        assert_eq!(Generator::new(&config).unwrap().count(), 3);
    }
}
