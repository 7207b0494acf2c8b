//! The three service stages. Each has a typed method for the in-process chain and
//! implements [`ServiceStage`] (bytes in, outputs out) for the Kafka runtime, which
//! knows no stage.

use newsflow_clean::Cleaner;
use newsflow_dedup::{Deduplicator, IndexEntry};
use newsflow_lang::Detector;
use newsflow_record::{
    Article, DedupStatus, DuplicateRecord, ErrorCode, Outcome, RecordError, Rejection,
};
use newsflow_story::{Story, StoryConfig, Storyteller};
use newsflow_tag::Tagger;

use crate::config::PipelineConfig;

/// One input record as a service stage sees it.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The record's value.
    pub payload: &'a [u8],
    /// The broker timestamp (milliseconds since the epoch), when there is one.
    pub timestamp_ms: Option<i64>,
}

/// One output of a service stage. The runtime maps each variant to a topic.
#[derive(Debug, Clone, PartialEq)]
pub enum Emit {
    /// A record for the stage's main output topic.
    Next {
        /// Record key (the article id).
        key: String,
        /// Language code, for routing by language.
        language: Option<String>,
        /// Record value (JSON).
        payload: Vec<u8>,
    },
    /// A duplicate record (dedup stage only).
    Duplicate {
        /// Record key (the article id).
        key: String,
        /// A near duplicate (else exact), for metrics.
        near: bool,
        /// Record value (JSON of the duplicate outcome).
        payload: Vec<u8>,
    },
    /// Bad input for the dead-letter topic; the runtime adds the original bytes and
    /// where they came from.
    Reject(Rejection),
    /// A state-changelog record (dedup stage only): an admitted index entry. The Kafka
    /// runtime writes it to the changelog partition numbered like the input record's
    /// partition, so that a rebuild reads exactly the assigned partitions.
    State {
        /// Record key.
        key: String,
        /// Language code of the entry.
        language: String,
        /// Record value (JSON of the index entry).
        payload: Vec<u8>,
    },
}

/// How much state a stateful stage holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateSize {
    /// Entries per language code.
    pub entries_by_language: Vec<(String, u64)>,
    /// Estimated heap bytes.
    pub bytes: u64,
}

impl StateSize {
    /// Entries over all languages.
    pub fn entries(&self) -> u64 {
        self.entries_by_language.iter().map(|(_, n)| n).sum()
    }
}

/// A stage the Kafka runtime can drive: synchronous, broker-agnostic.
pub trait ServiceStage: Send {
    /// Stage name for logs, headers and metric labels (`lang`, `dedup`, `tag`).
    fn name(&self) -> &'static str;
    /// Processes one record, pushing its outputs to `out` (at least one per input).
    fn process(&mut self, input: Input<'_>, out: &mut Vec<Emit>);
    /// Puts back state read from the changelog (stages without state ignore it).
    fn restore(&mut self, _payload: &[u8]) {}
    /// Size of the stage's state, for metrics (`None`: stateless).
    fn state_size(&self) -> Option<StateSize> {
        None
    }
    /// Event types found in the record `process` just handled, for the
    /// `newsflow_events_tagged_total` metric (tag stage; others find none).
    fn event_types(&self) -> &[String] {
        &[]
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("record types always serialise")
}

/// A record from an upstream newsflow stage that does not parse: a schema mismatch
/// between stage versions, sent to the dead-letter topic like any bad input.
fn upstream_rejection(error: serde_json::Error) -> Rejection {
    Rejection {
        input_line: None,
        id: None,
        error: RecordError::new(ErrorCode::InvalidJson, error.to_string()),
    }
}

/// The first service: the clean step, then language detection.
pub struct LangStage {
    cleaner: Cleaner,
    detector: Detector,
}

impl LangStage {
    /// Builds the stage from the config, loading its rules.
    pub fn new(cleaner: Cleaner, detector: Detector) -> Self {
        LangStage { cleaner, detector }
    }

    /// Cleans a raw record and detects its language.
    pub fn run(&self, raw: &[u8]) -> Result<Article, Rejection> {
        let mut article = self.clean(raw)?;
        self.detect(&mut article);
        Ok(article)
    }

    /// The clean step alone.
    pub fn clean(&self, raw: &[u8]) -> Result<Article, Rejection> {
        self.cleaner.clean(raw)
    }

    /// Language detection alone, on a cleaned article.
    pub fn detect(&self, article: &mut Article) {
        article.language = Some(self.detector.detect(&article.title, &article.body));
    }
}

impl ServiceStage for LangStage {
    fn name(&self) -> &'static str {
        "lang"
    }

    fn process(&mut self, input: Input<'_>, out: &mut Vec<Emit>) {
        out.push(match self.run(input.payload) {
            Ok(article) => Emit::Next {
                key: article.id.clone(),
                language: article.language.as_ref().map(|l| l.code.clone()),
                payload: to_json(&article),
            },
            Err(rejection) => Emit::Reject(rejection),
        });
    }
}

/// The dedup service.
pub struct DedupStage {
    index: Deduplicator,
}

impl DedupStage {
    /// A stage over an empty index.
    pub fn new(index: Deduplicator) -> Self {
        DedupStage { index }
    }

    /// The index, for metrics.
    pub fn index(&self) -> &Deduplicator {
        &self.index
    }

    /// Decides on one article: `Ok` with the admitted index entry when it is unique,
    /// `Err` with the duplicate record otherwise.
    // The duplicate is moved straight into its output record; boxing it would cost an
    // allocation per duplicate for no benefit.
    #[allow(clippy::result_large_err)]
    pub fn run(
        &mut self,
        mut article: Article,
        now_unix: i64,
    ) -> Result<(Article, Option<IndexEntry>), DuplicateRecord> {
        let decision = self.index.check(&article, now_unix);
        if decision.dedup.status == DedupStatus::Unique {
            article.dedup = Some(decision.dedup);
            Ok((article, decision.admitted))
        } else {
            Err(DuplicateRecord {
                id: article.id,
                url: article.url,
                source: article.source,
                language: article.language,
                dedup: decision.dedup,
            })
        }
    }
}

impl ServiceStage for DedupStage {
    fn name(&self) -> &'static str {
        "dedup"
    }

    fn process(&mut self, input: Input<'_>, out: &mut Vec<Emit>) {
        let article = match Article::from_json(input.payload) {
            Ok(article) => article,
            Err(error) => return out.push(Emit::Reject(upstream_rejection(error))),
        };
        let now = input
            .timestamp_ms
            .map(|ms| ms / 1000)
            .unwrap_or_else(|| chrono::Utc::now().timestamp());
        match self.run(article, now) {
            Ok((article, admitted)) => {
                let language = article.language.as_ref().map(|l| l.code.clone());
                if let Some(entry) = admitted {
                    out.push(Emit::State {
                        key: entry.id.clone(),
                        language: entry.language.clone(),
                        payload: to_json(&entry),
                    });
                }
                out.push(Emit::Next {
                    key: article.id.clone(),
                    language,
                    payload: to_json(&article),
                });
            }
            Err(duplicate) => out.push(Emit::Duplicate {
                key: duplicate.id.clone(),
                near: duplicate.dedup.status == DedupStatus::Near,
                payload: to_json(&Outcome::Duplicate(duplicate)),
            }),
        }
    }

    fn restore(&mut self, payload: &[u8]) {
        if let Ok(entry) = serde_json::from_slice::<IndexEntry>(payload) {
            self.index.restore(entry);
        }
    }

    fn state_size(&self) -> Option<StateSize> {
        Some(StateSize {
            entries_by_language: self
                .index
                .len_by_language()
                .into_iter()
                .map(|(language, entries)| (language.to_string(), entries as u64))
                .collect(),
            bytes: self.index.memory_bytes() as u64,
        })
    }
}

/// The tag service.
pub struct TagStage {
    tagger: Tagger,
    /// Event types of the last processed record (see [`ServiceStage::event_types`]).
    last_events: Vec<String>,
}

impl TagStage {
    /// A stage over loaded rules.
    pub fn new(tagger: Tagger) -> Self {
        TagStage {
            tagger,
            last_events: Vec::new(),
        }
    }

    /// Tags a unique article.
    pub fn run(&self, mut article: Article) -> Article {
        let tagging = self.tagger.tag(&article);
        article.events = Some(tagging.events);
        article.entities = Some(tagging.entities);
        article.event_rules = Some(tagging.event_rules);
        article
    }
}

impl ServiceStage for TagStage {
    fn name(&self) -> &'static str {
        "tag"
    }

    fn process(&mut self, input: Input<'_>, out: &mut Vec<Emit>) {
        self.last_events.clear();
        match Article::from_json(input.payload) {
            Ok(article) => {
                let enriched = self.run(article);
                let kinds = enriched.events.iter().flatten().map(|e| e.kind.clone());
                self.last_events.extend(kinds);
                out.push(Emit::Next {
                    key: enriched.id.clone(),
                    language: enriched.language.as_ref().map(|l| l.code.clone()),
                    payload: to_json(&Outcome::Enriched(enriched)),
                });
            }
            Err(error) => out.push(Emit::Reject(upstream_rejection(error))),
        }
    }

    fn event_types(&self) -> &[String] {
        &self.last_events
    }
}

/// The story service: enriched articles in, each with its story assignment out, plus
/// the story's new state for the compacted stories topic (its changelog too).
pub struct StoryStage {
    stories: Storyteller,
}

impl StoryStage {
    /// A stage with no story open.
    pub fn new(config: &StoryConfig) -> Self {
        StoryStage {
            stories: Storyteller::new(config.clone()),
        }
    }

    /// Open stories, for metrics.
    pub fn stories(&self) -> &Storyteller {
        &self.stories
    }

    /// Assigns an enriched article to its story; returns it with `story` filled and
    /// the story's state after it joined.
    pub fn run(&mut self, mut article: Article, now_unix: i64) -> (Article, Story) {
        let (assignment, story) = self.stories.assign(&article, now_unix);
        let story = story.clone();
        article.story = Some(assignment);
        (article, story)
    }
}

impl ServiceStage for StoryStage {
    fn name(&self) -> &'static str {
        "story"
    }

    fn process(&mut self, input: Input<'_>, out: &mut Vec<Emit>) {
        // news.enriched carries outcomes (`"outcome": "enriched"` beside the article's
        // fields), which parse as the article with `outcome` among its extra fields.
        let mut article = match Article::from_json(input.payload) {
            Ok(article) => article,
            Err(error) => return out.push(Emit::Reject(upstream_rejection(error))),
        };
        article.extra.remove("outcome");
        let now = input
            .timestamp_ms
            .map(|ms| ms / 1000)
            .unwrap_or_else(|| chrono::Utc::now().timestamp());
        let (article, story) = self.run(article, now);
        out.push(Emit::State {
            key: story.id.clone(),
            language: String::new(),
            payload: to_json(&story),
        });
        out.push(Emit::Next {
            key: article.id.clone(),
            language: article.language.as_ref().map(|l| l.code.clone()),
            payload: to_json(&Outcome::Enriched(article)),
        });
    }

    fn restore(&mut self, payload: &[u8]) {
        if let Ok(story) = serde_json::from_slice::<Story>(payload) {
            self.stories.restore(story);
        }
    }
}

/// Error building the stages from a config.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The boilerplate rules did not load.
    #[error(transparent)]
    Clean(#[from] newsflow_clean::LoadError),
    /// The event rules or gazetteer did not load.
    #[error(transparent)]
    Tag(#[from] newsflow_tag::LoadError),
}

impl PipelineConfig {
    /// Builds the lang service stage (clean step included).
    pub fn lang_stage(&self) -> Result<LangStage, BuildError> {
        Ok(LangStage::new(
            Cleaner::load(&self.clean, &self.data_dir)?,
            Detector::new(&self.lang),
        ))
    }

    /// Builds the dedup service stage over an empty index.
    pub fn dedup_stage(&self) -> DedupStage {
        DedupStage::new(Deduplicator::new(&self.dedup))
    }

    /// Builds the story service stage with no story open.
    pub fn story_stage(&self) -> StoryStage {
        StoryStage::new(&self.story)
    }

    /// Builds the tag service stage.
    pub fn tag_stage(&self) -> Result<TagStage, BuildError> {
        Ok(TagStage::new(Tagger::load(&self.tag, &self.data_dir)?))
    }
}
