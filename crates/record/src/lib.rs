//! Record types shared by every newsflow stage.
//!
//! Layout:
//! - [`Article`]: a cleaned article as it travels between stages; each stage fills
//!   in its own part (`language`, `dedup`, `events`/`entities`).
//! - [`Outcome`]: what the pipeline finally says about one input record: enriched,
//!   duplicate or rejected. Its JSON is the line `newsflow process` writes and the
//!   body of the records the Kafka services publish.
//! - [`Rejection`] and [`ErrorCode`]: typed, machine-readable reasons for the
//!   dead-letter path.
#![deny(missing_docs)]

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Version of the record JSON written by every stage; carried in the
/// `newsflow-schema-version` header of Kafka records.
pub const SCHEMA_VERSION: &str = "1";

/// A cleaned, validated article. Produced by the clean step and enriched in place
/// by the later stages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Stable identifier: the producer's `id`, or one derived from the canonical URL.
    pub id: String,
    /// Canonical URL of the story, when the producer sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Outlet that published the story.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Headline, cleaned (may be empty when only a body was sent).
    #[serde(default)]
    pub title: String,
    /// Body as plain text: paragraphs separated by a blank line, boilerplate removed,
    /// Unicode NFC.
    #[serde(default)]
    pub body: String,
    /// Publication time as sent (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_at: Option<String>,
    /// The producer's language hint (the raw record's `language` field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_hint: Option<String>,
    /// Detected language, filled by the lang stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// Dedup decision, filled by the dedup stage (always `unique` on an article
    /// that goes on to the tag stage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dedup: Option<Dedup>,
    /// Whether event rules exist for the article's language, filled by the tag stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_rules: Option<EventRules>,
    /// Events found, filled by the tag stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<Event>>,
    /// Entities found, filled by the tag stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<Entities>,
    /// The story the article joined, filled by the story stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub story: Option<StoryAssignment>,
    /// Fields of the raw record newsflow does not know, passed through unchanged.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Article {
    /// Parses an article from JSON bytes, as the dedup and tag services receive it:
    /// the same result, value or error, as `serde_json::from_slice::<Article>`, at
    /// about 30% fewer instructions on a 3.7 KB enriched article.
    ///
    /// `from_slice` checks UTF-8 string by string with `std`'s validator, a third of
    /// its work; here the whole input is checked once with SIMD and then parsed as a
    /// `str`, which serde_json does not check again. Input that is not UTF-8 goes
    /// through `from_slice` after all, so its error names the same position.
    pub fn from_json(json: &[u8]) -> Result<Article, serde_json::Error> {
        match simdutf8::basic::from_utf8(json) {
            Ok(text) => serde_json::from_str(text),
            Err(_) => serde_json::from_slice(json),
        }
    }
}

/// Field names of [`Article`] and [`Outcome`] that unknown input fields may not take
/// over: an input field with one of these names is dropped from `extra` by the clean step.
pub const RESERVED_FIELDS: &[&str] = &[
    "outcome",
    "language_hint",
    "dedup",
    "event_rules",
    "events",
    "entities",
    "partial",
    "story",
];

/// Which story an article joined (filled by the story stage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryAssignment {
    /// Story id (`st-` and 16 hex digits), stable across restarts.
    pub id: String,
    /// The article opened the story (no earlier article reported the event).
    pub opened: bool,
    /// Articles in the story so far, this one included.
    pub size: u32,
    /// The earlier article of the same story this one updates with new content
    /// (it shares paragraphs with it but is mostly new).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updates: Option<String>,
}

/// Language of an article as detected by the lang stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Language {
    /// ISO 639-1 code where one exists (`en`, `zh`), else the ISO 639-3 code;
    /// `und` when the text could not be judged.
    pub code: String,
    /// ISO 639-3 code (`eng`, `cmn`), `und` when undetermined.
    pub iso639_3: String,
    /// Writing system (`Latin`, `Cyrillic`, `Mandarin`, ...).
    pub script: String,
    /// Detector confidence in 0..=1.
    pub confidence: f64,
    /// False when the text is too short or ambiguous to trust the guess.
    pub reliable: bool,
}

impl Language {
    /// The language of a text that could not be judged.
    pub fn undetermined(script: impl Into<String>) -> Self {
        Language {
            code: "und".into(),
            iso639_3: "und".into(),
            script: script.into(),
            confidence: 0.0,
            reliable: false,
        }
    }
}

/// Dedup decision for one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dedup {
    /// `unique`, `exact` or `near`.
    pub status: DedupStatus,
    /// The article's 64-bit fingerprint as 16 hex digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Id of the first article of the cluster (duplicates only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    /// Estimated similarity to that article in 0..=1 (duplicates only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
    /// Id of the earlier article this unique one updates: it repeats part of that
    /// article's text but is mostly new (a developing story's later report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updates: Option<String>,
}

/// Status of a dedup decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DedupStatus {
    /// First article seen of its cluster.
    Unique,
    /// Same normalised text as an earlier article.
    Exact,
    /// Near-duplicate of an earlier article (syndicated copy, light rewrite, truncation).
    Near,
}

/// Whether the tag stage has event rules for the article's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventRules {
    /// Rules exist and were applied: an empty `events` means no event was found.
    Available,
    /// No rule file exists for this language: `events` is empty because nothing was looked for.
    Missing,
}

/// One event reported by an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Event type, e.g. `state_visit`.
    #[serde(rename = "type")]
    pub kind: String,
    /// CAMEO codes of the type (empty for `election`).
    pub cameo: Vec<String>,
    /// PLOVER categories of the type.
    pub plover: Vec<String>,
    /// Confidence in 0..=1.
    pub confidence: f64,
    /// Whether the event happened, is planned, speculated about or denied.
    pub status: EventStatus,
    /// The sentence the event was found in.
    pub evidence: Evidence,
    /// People and countries taking part, with their role where the text says it.
    #[serde(default)]
    pub actors: Vec<Actor>,
    /// Where the event takes place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Place>,
    /// Calendar date of the event (YYYY-MM-DD) when the text gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Whether the article reports the event or mentions it for context.
    #[serde(default)]
    pub salience: Salience,
    /// What decided the salience (`title`, `lead`, `developed`, `in passing`,
    /// `displaced: <cue>`, `implied by ...`).
    #[serde(default)]
    pub salience_cue: String,
    /// Id of the rule that produced the event (`<lang>/<type>/<class>:<phrase>`,
    /// or `implied/...`), to find it in `config/events/<lang>.toml`.
    #[serde(default)]
    pub rule: String,
}

/// How central an event is to the article.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Salience {
    /// What the article reports: in the title or lead, or developed in the body.
    #[default]
    Main,
    /// Mentioned for context: displaced in time, subordinate, in passing.
    Background,
}

/// Factuality of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    /// Reported as having happened.
    Occurred,
    /// Expected, scheduled, announced.
    Planned,
    /// Possible, speculated about.
    Speculative,
    /// Denied, cancelled, declined.
    Negated,
}

/// The text an event was found in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// `title` or `body`.
    pub field: String,
    /// Offset of the first character (Unicode scalar values, not bytes) in that field.
    pub start: usize,
    /// Offset one past the last character.
    pub end: usize,
    /// The sentence itself.
    pub text: String,
}

/// A person or country taking part in an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    /// Canonical name from the gazetteer.
    pub name: String,
    /// `person` or `country`.
    pub kind: String,
    /// ISO 3166 alpha-3 code of the actor's country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Role in the event (`visitor`, `host`, `participant`, `imposer`, `target`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// A place, resolved to its country.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// Canonical name from the gazetteer.
    pub name: String,
    /// ISO 3166 alpha-3 code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// Entities named anywhere in an article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Entities {
    /// People, with their country.
    pub people: Vec<Person>,
    /// Countries, by ISO 3166 alpha-3 code.
    pub countries: Vec<Country>,
    /// Cities and other places.
    pub places: Vec<Place>,
}

/// A person from the gazetteer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// Canonical name.
    pub name: String,
    /// ISO 3166 alpha-3 code of the country they lead or represent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A country from the gazetteer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Country {
    /// ISO 3166 alpha-3 code.
    pub code: String,
    /// Canonical English name.
    pub name: String,
}

/// A later article of a cluster: not tagged, points at the first one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateRecord {
    /// The duplicate's own id.
    pub id: String,
    /// Its URL, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Its outlet, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Its detected language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    /// Status `exact` or `near`, with `duplicate_of` and `similarity`.
    pub dedup: Dedup,
}

/// Machine-readable reason an input record was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Not valid JSON.
    InvalidJson,
    /// Not valid UTF-8.
    InvalidUtf8,
    /// Valid JSON, but not an object.
    NotAnObject,
    /// A required field is missing or has the wrong type.
    MissingField,
    /// Neither title nor body has any text.
    EmptyBody,
    /// Larger than `max_record_bytes`.
    TooLarge,
}

impl ErrorCode {
    /// Every code, for metrics pre-registration and documentation.
    pub const ALL: [ErrorCode; 6] = [
        ErrorCode::InvalidJson,
        ErrorCode::InvalidUtf8,
        ErrorCode::NotAnObject,
        ErrorCode::MissingField,
        ErrorCode::EmptyBody,
        ErrorCode::TooLarge,
    ];

    /// The code as written in records and metric labels.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::InvalidUtf8 => "invalid_utf8",
            ErrorCode::NotAnObject => "not_an_object",
            ErrorCode::MissingField => "missing_field",
            ErrorCode::EmptyBody => "empty_body",
            ErrorCode::TooLarge => "too_large",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an input record was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct RecordError {
    /// Machine-readable code.
    pub code: ErrorCode,
    /// Human-readable explanation.
    pub message: String,
}

impl RecordError {
    /// A new error with the given code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        RecordError {
            code,
            message: message.into(),
        }
    }
}

/// A rejected input record, as written to the output and to the dead-letter topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    /// 1-based line number in the input file (`newsflow process` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_line: Option<u64>,
    /// The record's id when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What was wrong.
    pub error: RecordError,
}

/// The final word on one input record.
// An outcome lives for one record and is serialised at once: boxing the article
// would add an allocation per record on the hot path to save stack space nobody uses.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Cleaned, unique and tagged.
    Enriched(Article),
    /// A later copy of an earlier article.
    Duplicate(DuplicateRecord),
    /// Bad input, with the reason.
    Rejected(Rejection),
}

impl Outcome {
    /// `enriched`, `duplicate` or `rejected`.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Enriched(_) => "enriched",
            Outcome::Duplicate(_) => "duplicate",
            Outcome::Rejected(_) => "rejected",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejected_outcome_serialises_with_code_and_line() {
        let outcome = Outcome::Rejected(Rejection {
            input_line: Some(3),
            id: None,
            error: RecordError::new(ErrorCode::InvalidJson, "expected value at column 1"),
        });
        let json = serde_json::to_value(&outcome).unwrap();
        assert_eq!(json["outcome"], "rejected");
        assert_eq!(json["input_line"], 3);
        assert_eq!(json["error"]["code"], "invalid_json");
    }

    /// Parses with `Article::from_json` and checks that `serde_json::from_slice`, the
    /// parse it replaces, gives the same article or the same error message.
    fn parse_like_from_slice(json: &[u8]) -> Result<Article, String> {
        let fast = Article::from_json(json).map_err(|e| e.to_string());
        let reference = serde_json::from_slice::<Article>(json).map_err(|e| e.to_string());
        assert_eq!(fast, reference, "input: {}", String::from_utf8_lossy(json));
        fast
    }

    #[test]
    fn enriched_records_parse_as_from_slice_and_serialise_back_unchanged() {
        // `newsflow process` output for config/samples, `outcome` key removed: what the
        // tag stage emits, in English, French, Russian, Chinese and Arabic.
        let records = include_str!("../tests/data/enriched.jsonl");
        for line in records.lines() {
            let article = parse_like_from_slice(line.as_bytes()).unwrap();
            assert!(article.events.as_ref().is_some_and(|e| !e.is_empty()));
            assert_eq!(serde_json::to_string(&article).unwrap(), line);
        }
        assert_eq!(records.lines().count(), 5);
    }

    #[test]
    fn unknown_fields_of_every_kind_land_in_extra_as_with_from_slice() {
        let json = r#"{"zeta":{"b":[1,-2,3.5e3,18446744073709551615,1e-400]},"id":"a",
            "alpha":null,"caf\u00e9":"x","\u0069d2":true,"tags":["a","b"],"n":-0.0}"#;
        let article = parse_like_from_slice(json.as_bytes()).unwrap();
        let keys: Vec<&str> = article.extra.keys().map(String::as_str).collect();
        assert_eq!(keys, ["alpha", "café", "id2", "n", "tags", "zeta"]);
        assert_eq!(article.extra["zeta"]["b"][3], u64::MAX);
    }

    #[test]
    fn escaped_known_key_is_the_known_field() {
        let article = parse_like_from_slice(br#"{"\u0069d":"a","t\u0069tle":"T"}"#).unwrap();
        assert_eq!((article.id.as_str(), article.title.as_str()), ("a", "T"));
        assert!(article.extra.is_empty());
    }

    #[test]
    fn duplicated_keys_behave_as_with_from_slice() {
        let error = parse_like_from_slice(br#"{"id":"a","id":"b"}"#).unwrap_err();
        assert!(error.starts_with("duplicate field `id`"), "{error}");
        parse_like_from_slice(br#"{"id":"a","body":"x","body":"y"}"#).unwrap_err();
        let article = parse_like_from_slice(br#"{"id":"a","k":1,"k":2}"#).unwrap();
        assert_eq!(article.extra["k"], 2);
    }

    #[test]
    fn missing_and_mistyped_fields_fail_as_with_from_slice() {
        let error = parse_like_from_slice(br#"{"title":"t","body":"b"}"#).unwrap_err();
        assert!(error.starts_with("missing field `id`"), "{error}");
        for json in [
            r#"{"id":5}"#,
            r#"{"id":null}"#,
            r#"{"id":"a","title":null}"#,
            r#"{"id":"a","url":7}"#,
            r#"{"id":"a","language":{"code":"en"}}"#,
            r#"{"id":"a","language":"en"}"#,
            r#"{"id":"a","dedup":{"status":"maybe"}}"#,
            r#"{"id":"a","event_rules":"unknown"}"#,
            r#"{"id":"a","events":{}}"#,
            r#"{"id":"a","entities":{"people":[]}}"#,
        ] {
            parse_like_from_slice(json.as_bytes()).unwrap_err();
        }
        let article = parse_like_from_slice(br#"{"id":"a","url":null,"events":null}"#).unwrap();
        assert_eq!((article.url, article.events), (None, None));
    }

    #[test]
    fn malformed_input_fails_as_with_from_slice() {
        let inputs: [&[u8]; 17] = [
            b"",
            b"   ",
            b"[]",
            b"\"id\"",
            b"null",
            br#"{"id":"a""#,
            br#"{"id":"a"} x"#,
            br#"{"id":"a",}"#,
            br#"{"id":"\ud800"}"#,
            br#"{"id":"\x"}"#,
            br#"{"id":"a","n":1e400}"#,
            b"{\"id\":\"a\tb\"}",
            b"\xef\xbb\xbf{\"id\":\"a\"}",
            b"{\"id\":\"a\",\"body\":\"caf\xe9\"}",
            b"{\"id\":\"a\",\"k\xff\":1}",
            b"{\"id\":\"a\"}\xff",
            b"{\"id\":\"a\",\"body\":\"\xed\xa0\x80\"}",
        ];
        for json in inputs {
            parse_like_from_slice(json).unwrap_err();
        }
    }

    #[test]
    fn unknown_fields_round_trip_through_article() {
        let json = r#"{"id":"a","title":"t","body":"b","section":"world","tags":["x"]}"#;
        let article: Article = serde_json::from_str(json).unwrap();
        assert_eq!(article.extra["section"], "world");
        let back = serde_json::to_value(&article).unwrap();
        assert_eq!(back["tags"][0], "x");
    }
}
