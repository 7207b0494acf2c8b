//! The three service stages. Each has a typed method for the in-process chain and
//! implements [`ServiceStage`] (bytes in, outputs out) for the Kafka runtime, which
//! knows no stage.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Instant;

use newsflow_clean::Cleaner;
use newsflow_dedup::{Deduplicator, IndexEntry, Restore, SkipReason};
use newsflow_lang::Detector;
use newsflow_record::{
    Article, DedupStatus, DuplicateRecord, Entities, ErrorCode, Outcome, RecordError, Rejection,
};
use newsflow_story::{Story, StoryConfig, Storyteller};
use newsflow_tag::{Tagger, Tagging};

use crate::config::PipelineConfig;

/// One input record as a service stage sees it.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The record's value.
    pub payload: &'a [u8],
    /// The broker timestamp (milliseconds since the epoch), when there is one.
    pub timestamp_ms: Option<i64>,
    /// When the record's CPU budget runs out: a stage that gets there finishes the
    /// record early, marked partial (see [`ServiceStage::partial`]).
    pub deadline: Option<Instant>,
}

/// What a stage did with one changelog record (see [`ServiceStage::restore`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restored {
    /// Put back into the state.
    Kept,
    /// Put back with its future time clamped to the restore time.
    Clamped,
    /// Valid but not needed (outside the window, already known, or a stateless stage).
    Ignored,
    /// Not valid, for the reason given (a metric label).
    Skipped(&'static str),
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
    /// Puts back state read from the changelog at `now_ms` (the restore time;
    /// stages without state ignore it), validating it first.
    fn restore(&mut self, _payload: &[u8], _now_ms: i64) -> Restored {
        Restored::Ignored
    }
    /// Size of the stage's state, for metrics (`None`: stateless).
    fn state_size(&self) -> Option<StateSize> {
        None
    }
    /// Event types found in the record `process` just handled, for the
    /// `newsflow_events_tagged_total` metric (tag stage; others find none).
    fn event_types(&self) -> &[String] {
        &[]
    }
    /// Whether the record `process` just handled was finished early, over its CPU
    /// budget (its output then carries a `partial` marker).
    fn partial(&self) -> bool {
        false
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

    fn restore(&mut self, payload: &[u8], now_ms: i64) -> Restored {
        let Ok(entry) = serde_json::from_slice::<IndexEntry>(payload) else {
            return Restored::Skipped(SkipReason::InvalidJson.as_str());
        };
        match self.index.restore_at(entry, now_ms.div_euclid(1000)) {
            Restore::Restored => Restored::Kept,
            Restore::Clamped => Restored::Clamped,
            Restore::Ignored => Restored::Ignored,
            Restore::Skipped(reason) => Restored::Skipped(reason.as_str()),
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
///
/// With a deadline on its input (the Kafka runtime's per-record CPU budget), the
/// tagging runs on a worker thread while the stage waits at most until the deadline:
/// a record that takes longer is finished without its events, with a `partial`
/// marker, and the partition moves on. The worker left with that record is
/// abandoned (it ends when its tagging does) and a fresh one takes the next record;
/// at most [`MAX_RUNAWAY_WORKERS`] run abandoned at once, past that records are
/// tagged in line, without a budget.
pub struct TagStage {
    tagger: Arc<Tagger>,
    /// Event types of the last processed record (see [`ServiceStage::event_types`]).
    last_events: Vec<String>,
    /// Whether the last record was finished early.
    last_partial: bool,
    worker: Option<Worker>,
    runaways: Arc<AtomicUsize>,
}

/// Most tag workers left running on records over their budget.
pub const MAX_RUNAWAY_WORKERS: usize = 2;

/// A thread that tags the articles it is sent.
struct Worker {
    jobs: mpsc::Sender<Job>,
}

struct Job {
    article: Arc<Article>,
    reply: mpsc::SyncSender<Tagging>,
}

impl Worker {
    fn spawn(tagger: Arc<Tagger>, runaways: Arc<AtomicUsize>) -> Option<Worker> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name("tag-worker".into())
            .spawn(move || {
                for job in queue {
                    let tagging = tagger.tag(&job.article);
                    drop(job.article);
                    // The stage may have given up waiting: nobody to tell then.
                    let _ = job.reply.send(tagging);
                }
                // The sender is gone: abandoned, or the stage was dropped.
                let _ = runaways.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                    Some(n.saturating_sub(1))
                });
            });
        spawned.ok().map(|_| Worker { jobs })
    }
}

impl TagStage {
    /// A stage over loaded rules.
    pub fn new(tagger: Tagger) -> Self {
        TagStage {
            tagger: Arc::new(tagger),
            last_events: Vec::new(),
            last_partial: false,
            worker: None,
            runaways: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Tags a unique article.
    pub fn run(&self, article: Article) -> Article {
        let tagging = self.tagger.tag(&article);
        with_tagging(article, tagging)
    }

    /// Tags an article within `deadline`; `Err` with the article untagged when the
    /// tagging did not finish in time.
    // Either way the article moves straight into the output; boxing it would cost an
    // allocation per record for no benefit.
    #[allow(clippy::result_large_err)]
    fn run_within(&mut self, article: Article, deadline: Instant) -> Result<Article, Article> {
        if self.runaways.load(Ordering::Relaxed) >= MAX_RUNAWAY_WORKERS {
            // Too many abandoned workers still busy: no more CPU for new ones.
            return Ok(self.run(article));
        }
        let worker = match self.worker.take() {
            Some(worker) => worker,
            None => match Worker::spawn(self.tagger.clone(), self.runaways.clone()) {
                Some(worker) => worker,
                None => return Ok(self.run(article)),
            },
        };
        let article = Arc::new(article);
        let (reply, answer) = mpsc::sync_channel(1);
        let job = Job {
            article: article.clone(),
            reply,
        };
        if worker.jobs.send(job).is_err() {
            return Ok(self.run(unwrap_arc(article)));
        }
        let wait = deadline.saturating_duration_since(Instant::now());
        match answer.recv_timeout(wait) {
            Ok(tagging) => {
                self.worker = Some(worker);
                Ok(with_tagging(unwrap_arc(article), tagging))
            }
            Err(_) => {
                // Dropping `worker` closes its queue: it exits after this record.
                self.runaways.fetch_add(1, Ordering::Relaxed);
                drop(worker);
                Err(unwrap_arc(article))
            }
        }
    }
}

fn unwrap_arc(article: Arc<Article>) -> Article {
    Arc::try_unwrap(article).unwrap_or_else(|shared| (*shared).clone())
}

fn with_tagging(mut article: Article, tagging: Tagging) -> Article {
    article.events = Some(tagging.events);
    article.entities = Some(tagging.entities);
    article.event_rules = Some(tagging.event_rules);
    article
}

/// The article finished without tagging: no events or entities, and a `partial`
/// marker saying which stage stopped and why.
fn partial(mut article: Article, stage: &str) -> Article {
    article.events = Some(Vec::new());
    article.entities = Some(Entities::default());
    article.event_rules = None;
    article.extra.insert(
        PARTIAL_FIELD.to_string(),
        serde_json::json!({"stage": stage, "reason": "cpu_budget"}),
    );
    article
}

/// The field of an output finished early, over its CPU budget.
pub const PARTIAL_FIELD: &str = "partial";

impl ServiceStage for TagStage {
    fn name(&self) -> &'static str {
        "tag"
    }

    fn process(&mut self, input: Input<'_>, out: &mut Vec<Emit>) {
        self.last_events.clear();
        self.last_partial = false;
        match Article::from_json(input.payload) {
            Ok(article) => {
                let enriched = match input.deadline {
                    None => self.run(article),
                    Some(deadline) => match self.run_within(article, deadline) {
                        Ok(enriched) => enriched,
                        Err(untagged) => {
                            self.last_partial = true;
                            partial(untagged, "tag")
                        }
                    },
                };
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

    fn partial(&self) -> bool {
        self.last_partial
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

    fn restore(&mut self, payload: &[u8], now_ms: i64) -> Restored {
        let Ok(mut story) = serde_json::from_slice::<Story>(payload) else {
            return Restored::Skipped("invalid_json");
        };
        // A story dated in the future would never close and would take articles of
        // days it has not reached: its days are clamped to the restore time.
        let today = chrono::DateTime::from_timestamp_millis(now_ms)
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let clamped = story.last_day > today;
        if clamped {
            story.last_day = today.clone();
            story.first_day = story.first_day.clone().min(today);
        }
        self.stories.restore(story);
        if clamped {
            Restored::Clamped
        } else {
            Restored::Kept
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
            Cleaner::load_from(&self.clean, &self.data())?,
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
        Ok(TagStage::new(Tagger::load_from(&self.tag, &self.data())?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn tag_stage() -> TagStage {
        let config = PipelineConfig {
            data_dir: Some(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config")),
            ..PipelineConfig::default()
        };
        config.tag_stage().expect("the shipped rules load")
    }

    fn article(body: &str) -> Vec<u8> {
        let article = serde_json::json!({
            "id": "a-1",
            "title": "Putin visited Beijing",
            "body": body,
            "language": {"code": "en", "iso639_3": "eng", "script": "Latin",
                         "confidence": 1.0, "reliable": true},
        });
        serde_json::to_vec(&article).expect("json")
    }

    fn enriched(out: &[Emit]) -> serde_json::Value {
        match out {
            [Emit::Next { payload, .. }] => serde_json::from_slice(payload).expect("json"),
            other => panic!("expected one output, got {other:?}"),
        }
    }

    #[test]
    fn a_record_past_its_budget_is_finished_partial_and_the_next_one_is_whole() {
        let mut stage = tag_stage();
        let long = "Putin visited Beijing and ".repeat(20_000);
        let mut out = Vec::new();
        stage.process(
            Input {
                payload: &article(&long),
                timestamp_ms: None,
                deadline: Some(Instant::now()),
            },
            &mut out,
        );
        assert!(stage.partial());
        let value = enriched(&out);
        assert_eq!(value["outcome"], "enriched");
        assert_eq!(value["partial"]["stage"], "tag");
        assert_eq!(value["partial"]["reason"], "cpu_budget");
        assert_eq!(value["events"], serde_json::json!([]));

        out.clear();
        let short = "Russian President Vladimir Putin visited Beijing on Monday.";
        stage.process(
            Input {
                payload: &article(short),
                timestamp_ms: None,
                deadline: Some(Instant::now() + Duration::from_secs(120)),
            },
            &mut out,
        );
        assert!(!stage.partial());
        let value = enriched(&out);
        assert!(value.get("partial").is_none());
        assert_eq!(
            value,
            enriched(&{
                let mut inline = Vec::new();
                stage.process(
                    Input {
                        payload: &article(short),
                        timestamp_ms: None,
                        deadline: None,
                    },
                    &mut inline,
                );
                inline
            }),
            "the worker tags like the inline path"
        );
    }
}
