//! The four stages. Each has a typed method for the in-process chain and implements
//! the [`Stage`] contract (bytes in, outputs to named slots out) for the Kafka
//! runtime, which knows no stage. Each registers and reports its own metrics.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Instant;

use newsflow_clean::Cleaner;
use newsflow_dedup::{Deduplicator, IndexEntry, Restore, SkipReason};
use newsflow_lang::Detector;
use newsflow_record::{
    Article, DedupStatus, DuplicateRecord, Entities, ErrorCode, Outcome, RecordError, Rejection,
    StoryAssignment,
};
use newsflow_stage::telemetry::{Capped, LANGUAGES, OTHER};
use newsflow_stage::{Input, Output, Restored, Stage, Telemetry, DEAD_LETTER, NEXT};
use newsflow_story::{Day, Story, StoryConfig, Storyteller};
use newsflow_tag::{Tagger, Tagging};
use prometheus::{IntCounter, IntGauge, IntGaugeVec};

use crate::config::PipelineConfig;

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
    /// `newsflow_language_detected_total` per [`LANGUAGES`] entry, then `other`.
    languages: Vec<IntCounter>,
}

impl LangStage {
    /// Builds the stage from the config, loading its rules.
    pub fn new(cleaner: Cleaner, detector: Detector) -> Self {
        LangStage {
            cleaner,
            detector,
            languages: Vec::new(),
        }
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
        let language = self.detector.detect(&article.title, &article.body);
        if !self.languages.is_empty() {
            let index = LANGUAGES
                .iter()
                .position(|known| *known == language.code)
                .unwrap_or(LANGUAGES.len());
            self.languages[index].inc();
        }
        article.language = Some(language);
    }
}

impl Stage for LangStage {
    fn name(&self) -> &'static str {
        "lang"
    }

    fn slots(&self) -> &'static [&'static str] {
        &[NEXT, DEAD_LETTER]
    }

    fn process(&mut self, input: Input<'_>, out: &mut Vec<Output>) {
        out.push(match self.run(input.payload) {
            Ok(article) => Output::new(NEXT, article.id.clone(), to_json(&article), Passed)
                .partitioned_by(article.language.map(|l| l.code)),
            Err(rejection) => Output::rejected(rejection),
        });
    }

    fn register(&mut self, telemetry: &Telemetry) {
        let family = telemetry.counter_vec(
            "newsflow_language_detected_total",
            "Articles by detected language (the most frequent languages, the rest as other).",
            &["language"],
        );
        self.languages = LANGUAGES
            .iter()
            .chain(std::iter::once(&OTHER))
            .map(|language| family.with_label_values(&[*language]))
            .collect();
    }
}

use newsflow_stage::Outcome::Passed;

/// The dedup service.
pub struct DedupStage {
    index: Deduplicator,
    gauges: Option<IndexGauges>,
}

/// `newsflow_dedup_index_entries{language}` and `newsflow_dedup_index_bytes`.
struct IndexGauges {
    entries: IntGaugeVec,
    bytes: IntGauge,
}

impl DedupStage {
    /// A stage over an empty index.
    pub fn new(index: Deduplicator) -> Self {
        DedupStage {
            index,
            gauges: None,
        }
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

impl Stage for DedupStage {
    fn name(&self) -> &'static str {
        "dedup"
    }

    fn slots(&self) -> &'static [&'static str] {
        &[NEXT, DUPLICATE, STATE, DEAD_LETTER]
    }

    fn process(&mut self, input: Input<'_>, out: &mut Vec<Output>) {
        let article = match Article::from_json(input.payload) {
            Ok(article) => article,
            Err(error) => return out.push(Output::rejected(upstream_rejection(error))),
        };
        let now = input
            .timestamp_ms
            .map(|ms| ms / 1000)
            .unwrap_or_else(|| chrono::Utc::now().timestamp());
        match self.run(article, now) {
            Ok((article, admitted)) => {
                if let Some(entry) = admitted {
                    let key = entry.id.clone();
                    out.push(
                        Output::new(STATE, key, to_json(&entry), newsflow_stage::Outcome::State)
                            .partitioned_by(Some(entry.language)),
                    );
                }
                let language = article.language.as_ref().map(|l| l.code.clone());
                out.push(
                    Output::new(NEXT, article.id.clone(), to_json(&article), Passed)
                        .partitioned_by(language),
                );
            }
            Err(duplicate) => {
                let near = duplicate.dedup.status == DedupStatus::Near;
                out.push(Output::new(
                    DUPLICATE,
                    duplicate.id.clone(),
                    to_json(&Outcome::Duplicate(duplicate)),
                    newsflow_stage::Outcome::Duplicate { near },
                ))
            }
        }
    }

    fn changelog(&self) -> Option<&'static str> {
        Some(STATE)
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

    fn register(&mut self, telemetry: &Telemetry) {
        self.gauges = Some(IndexGauges {
            entries: telemetry.gauge_vec(
                "newsflow_dedup_index_entries",
                "Fingerprints held by the dedup index, by language.",
                &["language"],
            ),
            bytes: telemetry.gauge(
                "newsflow_dedup_index_bytes",
                "Estimated memory held by the dedup index.",
            ),
        });
        self.report();
    }

    /// The index size per language from the whole index at once, so that languages
    /// folded into `other` add up instead of overwriting each other.
    fn report(&self) {
        let Some(gauges) = &self.gauges else {
            return;
        };
        let mut totals = [0i64; LANGUAGES.len() + 1];
        for (code, entries) in self.index.len_by_language() {
            let index = LANGUAGES
                .iter()
                .position(|known| *known == code)
                .unwrap_or(LANGUAGES.len());
            totals[index] = totals[index].saturating_add(entries as i64);
        }
        for (language, total) in LANGUAGES.iter().chain(std::iter::once(&OTHER)).zip(totals) {
            gauges.entries.with_label_values(&[*language]).set(total);
        }
        gauges
            .bytes
            .set(i64::try_from(self.index.memory_bytes()).unwrap_or(i64::MAX));
    }
}

/// The slot of duplicate outcomes.
pub const DUPLICATE: &str = "duplicate";
/// The slot of a stage's state changelog.
pub const STATE: &str = "state";

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
    /// `newsflow_events_tagged_total{type}`, once registered.
    events: Option<Capped>,
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
            events: None,
            last_partial: false,
            worker: None,
            runaways: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Tags a unique article.
    pub fn run(&mut self, article: Article) -> Article {
        let tagging = self.tagger.tag(&article);
        self.count(&tagging);
        with_tagging(article, tagging)
    }

    fn count(&mut self, tagging: &Tagging) {
        if let Some(events) = &mut self.events {
            for event in &tagging.events {
                events.inc(&event.kind);
            }
        }
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
                self.count(&tagging);
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

impl Stage for TagStage {
    fn name(&self) -> &'static str {
        "tag"
    }

    fn slots(&self) -> &'static [&'static str] {
        &[NEXT, DEAD_LETTER]
    }

    fn process(&mut self, input: Input<'_>, out: &mut Vec<Output>) {
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
                // Routed by what the story stage groups on, so that one story's
                // articles meet at one story instance whatever their language.
                let story_key = Some(newsflow_story::partition_key(&enriched));
                out.push(
                    Output::new(
                        NEXT,
                        enriched.id.clone(),
                        to_json(&Outcome::Enriched(enriched)),
                        Passed,
                    )
                    .partitioned_by(story_key),
                );
            }
            Err(error) => out.push(Output::rejected(upstream_rejection(error))),
        }
    }

    fn register(&mut self, telemetry: &Telemetry) {
        let family = telemetry.counter_vec(
            "newsflow_events_tagged_total",
            "Events found by the tag stage, by event type.",
            &["type"],
        );
        self.events = Some(Capped::new(family, MAX_EVENT_TYPES));
    }

    fn partial(&self) -> bool {
        self.last_partial
    }
}

/// Distinct event types that get their own label value; later ones count as
/// `other`. The rule files define a few dozen types: the cap only guards against a
/// misconfigured rule set blowing up the series count.
pub const MAX_EVENT_TYPES: usize = 64;

/// The story service: enriched articles in, each with its story assignment out, plus
/// the story's new state for the compacted stories topic (its changelog too).
pub struct StoryStage {
    stories: Storyteller,
    metrics: Option<StoryMetrics>,
}

/// The story stage's own metrics.
struct StoryMetrics {
    open: IntGauge,
    opened: IntCounter,
    same_language: IntCounter,
    cross_language: IntCounter,
    per_story: IntGauge,
    /// Articles of the largest open stories, by rank (1 = largest).
    largest: Vec<IntGauge>,
    /// Open stories by how many languages report them: 1, 2, 3, 4+.
    by_languages: [IntGauge; 4],
}

/// Ranks of the largest stories exported (`newsflow_story_largest_articles{rank}`).
const LARGEST_RANKS: usize = 5;

impl StoryStage {
    /// A stage with no story open.
    pub fn new(config: &StoryConfig) -> Self {
        StoryStage {
            stories: Storyteller::new(config.clone()),
            metrics: None,
        }
    }

    /// Open stories, for metrics.
    pub fn stories(&self) -> &Storyteller {
        &self.stories
    }

    /// Assigns an enriched article to its story; returns it with `story` filled and
    /// the story's state after it joined.
    pub fn run(&mut self, mut article: Article, now_unix: i64) -> (Article, &Story) {
        let (assignment, story) = self.stories.assign(&article, now_unix);
        if let Some(metrics) = &self.metrics {
            let language = article.language.as_ref().map_or("und", |l| l.code.as_str());
            if assignment.opened {
                metrics.opened.inc();
            } else if story.languages.keys().any(|other| other != language) {
                metrics.cross_language.inc();
            } else {
                metrics.same_language.inc();
            }
        }
        article.story = Some(assignment);
        (article, story)
    }
}

impl Stage for StoryStage {
    fn name(&self) -> &'static str {
        "story"
    }

    fn slots(&self) -> &'static [&'static str] {
        &[NEXT, STATE, DEAD_LETTER]
    }

    fn process(&mut self, input: Input<'_>, out: &mut Vec<Output>) {
        // Enriched outcomes carry `"outcome": "enriched"` beside the article's fields,
        // which parse as the article with `outcome` among its extra fields.
        let mut article = match Article::from_json(input.payload) {
            Ok(article) => article,
            Err(error) => return out.push(Output::rejected(upstream_rejection(error))),
        };
        let enriched = article
            .extra
            .remove("outcome")
            .as_ref()
            .and_then(|o| o.as_str())
            == Some("enriched");
        let now = input
            .timestamp_ms
            .map(|ms| ms / 1000)
            .unwrap_or_else(|| chrono::Utc::now().timestamp());
        let (article, story) = self.run(article, now);
        // Every state of one story goes to one partition, its home: the one its
        // articles are routed to. Compaction then keeps its newest state, and the
        // instance owning that partition of `enriched` rebuilds it.
        let home = story.key.clone().or_else(|| story.primary.clone());
        out.push(
            Output::new(
                STATE,
                story.id.clone(),
                to_json(story),
                newsflow_stage::Outcome::State,
            )
            .partitioned_by(home),
        );
        // An enriched record (it has fields) passes on as it came, with its assignment.
        let annotated = enriched
            .then_some(article.story.as_ref())
            .flatten()
            .and_then(|assignment| with_story(input.payload, assignment));
        let id = article.id.clone();
        let passed = annotated.unwrap_or_else(|| to_json(&Outcome::Enriched(article)));
        out.push(Output::new(NEXT, id, passed, Passed));
    }

    fn changelog(&self) -> Option<&'static str> {
        Some(STATE)
    }

    fn restore(&mut self, payload: &[u8], now_ms: i64) -> Restored {
        let Ok(mut story) = serde_json::from_slice::<Story>(payload) else {
            return Restored::Skipped("invalid_json");
        };
        // A story dated in the future would never close and would take articles of
        // days it has not reached: its days are clamped to the restore time.
        let today = Day::of_unix_ms(now_ms);
        let clamped = story.last_day > today;
        if clamped {
            story.last_day = today;
            story.first_day = story.first_day.min(today);
        }
        self.stories.restore(story);
        if clamped {
            Restored::Clamped
        } else {
            Restored::Kept
        }
    }

    fn register(&mut self, telemetry: &Telemetry) {
        let assignments = telemetry.counter_vec(
            "newsflow_story_assignments_total",
            "Articles assigned to a story: opened a new one, joined one in their own \
             language only, or joined one reported in another language (cross_language).",
            &["joined"],
        );
        let largest = telemetry.gauge_vec(
            "newsflow_story_largest_articles",
            "Articles of the largest open stories, by rank (1 = largest).",
            &["rank"],
        );
        let by_languages = telemetry.gauge_vec(
            "newsflow_stories_by_languages",
            "Open stories by the number of languages reporting them (4 means 4 or more).",
            &["languages"],
        );
        self.metrics = Some(StoryMetrics {
            open: telemetry.gauge("newsflow_stories_open", "Stories open in the story stage."),
            opened: assignments.with_label_values(&["opened"]),
            same_language: assignments.with_label_values(&["same_language"]),
            cross_language: assignments.with_label_values(&["cross_language"]),
            per_story: telemetry.gauge(
                "newsflow_story_articles_per_story",
                "Mean articles per open story (rounded down).",
            ),
            largest: (1..=LARGEST_RANKS)
                .map(|rank| largest.with_label_values(&[&rank.to_string()]))
                .collect(),
            by_languages: ["1", "2", "3", "4"].map(|n| by_languages.with_label_values(&[n])),
        });
        self.report();
    }

    fn report(&self) {
        let Some(metrics) = &self.metrics else {
            return;
        };
        let mut largest = [0u32; LARGEST_RANKS];
        let mut by_languages = [0i64; 4];
        let (mut open, mut articles) = (0i64, 0i64);
        for story in self.stories.iter() {
            open += 1;
            articles += i64::from(story.articles);
            by_languages[story.languages.len().clamp(1, 4) - 1] += 1;
            // Keep the top ranks sorted, largest first.
            if story.articles > largest[LARGEST_RANKS - 1] {
                largest[LARGEST_RANKS - 1] = story.articles;
                largest.sort_unstable_by(|a, b| b.cmp(a));
            }
        }
        metrics.open.set(open);
        metrics
            .per_story
            .set(if open > 0 { articles / open } else { 0 });
        for (gauge, size) in metrics.largest.iter().zip(largest) {
            gauge.set(i64::from(size));
        }
        for (gauge, count) in metrics.by_languages.iter().zip(by_languages) {
            gauge.set(count);
        }
    }
}

/// `record`, a JSON object with at least one field and no `story` key, with
/// `"story": assignment` added last; `None` when it is not such an object. The story
/// stage passes its input on with only the assignment added, instead of writing the
/// whole article again: the body is most of its bytes and of the stage's cost.
fn with_story(record: &[u8], assignment: &StoryAssignment) -> Option<Vec<u8>> {
    // A `"story"` anywhere (even `"story": null`, or a nested key) takes the slow path
    // rather than risk a second `story` key, which serde readers reject.
    if memchr::memmem::find(record, b"\"story\"").is_some() {
        return None;
    }
    let end = record.iter().rposition(|b| !b.is_ascii_whitespace())?;
    if record[end] != b'}' {
        return None;
    }
    let mut annotated = Vec::with_capacity(end + 160);
    annotated.extend_from_slice(&record[..end]);
    annotated.extend_from_slice(b",\"story\":");
    serde_json::to_writer(&mut annotated, assignment).ok()?;
    annotated.push(b'}');
    Some(annotated)
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
    /// The topology cannot be walked in one process.
    #[error("topology: {0}")]
    Topology(String),
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

    /// Builds the stage a topology node names, for a runner that drives any stage
    /// (`serve`, the Kafka bench).
    pub fn stage(&self, name: &str) -> Result<Box<dyn Stage>, BuildError> {
        Ok(match name {
            "lang" => Box::new(self.lang_stage()?),
            "dedup" => Box::new(self.dedup_stage()),
            "tag" => Box::new(self.tag_stage()?),
            "story" => Box::new(self.story_stage()),
            other => return Err(BuildError::Topology(format!("no stage called {other}"))),
        })
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

    fn enriched(out: &[Output]) -> serde_json::Value {
        match out {
            [Output { payload, .. }] => serde_json::from_slice(payload).expect("json"),
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
                deadline: Some(Instant::now()),
                ..Input::of(&article(&long))
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
                deadline: Some(Instant::now() + Duration::from_secs(120)),
                ..Input::of(&article(short))
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
                stage.process(Input::of(&article(short)), &mut inline);
                inline
            }),
            "the worker tags like the inline path"
        );
    }

    fn gauge(telemetry: &Telemetry, name: &str, label: Option<&str>) -> Option<f64> {
        let families = telemetry.registry().gather();
        let family = families.iter().find(|family| family.name() == name)?;
        let metric = family.get_metric().iter().find(|metric| {
            label.is_none_or(|label| metric.get_label().iter().any(|l| l.value() == label))
        })?;
        Some(if metric.get_counter().value() != 0.0 {
            metric.get_counter().value()
        } else {
            metric.get_gauge().value()
        })
    }

    fn english(id: &str, language: &str, updates: Option<&str>) -> Vec<u8> {
        let mut article = serde_json::json!({
            "id": id,
            "title": "Putin visited Beijing",
            "body": "Russian President Vladimir Putin visited Beijing on Monday.",
            "language": {"code": language, "iso639_3": "eng", "script": "Latin",
                         "confidence": 1.0, "reliable": true},
        });
        if let Some(earlier) = updates {
            article["dedup"] = serde_json::json!({"status": "unique", "updates": earlier});
        }
        serde_json::to_vec(&article).expect("json")
    }

    #[test]
    fn dedup_exports_its_index_size_once_registered_and_after_each_report() {
        let telemetry = Telemetry::detached();
        let mut stage = PipelineConfig::default().dedup_stage();
        stage.register(&telemetry);
        let entries = |t: &Telemetry| gauge(t, "newsflow_dedup_index_entries", Some("en"));
        assert_eq!(entries(&telemetry), Some(0.0), "exported before any record");
        let mut out = Vec::new();
        stage.process(Input::of(&english("a-1", "en", None)), &mut out);
        let slots: Vec<&str> = out.iter().map(|output| output.slot).collect();
        assert_eq!(slots, [STATE, NEXT], "the admitted entry, then the article");
        assert_eq!(out[0].partition_key.as_deref(), Some("en"));
        stage.report();
        assert_eq!(entries(&telemetry), Some(1.0));
        assert!(gauge(&telemetry, "newsflow_dedup_index_bytes", None).unwrap_or(0.0) > 0.0);
    }

    #[test]
    fn story_counts_opened_stories_and_cross_language_joins() {
        let telemetry = Telemetry::detached();
        let mut stage = PipelineConfig::default().story_stage();
        stage.register(&telemetry);
        let mut out = Vec::new();
        stage.process(Input::of(&english("a-1", "en", None)), &mut out);
        // An update joins the story of the article it updates, whatever its language.
        stage.process(Input::of(&english("a-2", "fr", Some("a-1"))), &mut out);
        let states: Vec<&Output> = out.iter().filter(|o| o.slot == STATE).collect();
        assert_eq!(states.len(), 2);
        assert_eq!(
            states[0].key, states[1].key,
            "one story, its state written twice"
        );
        let joined = |kind| gauge(&telemetry, "newsflow_story_assignments_total", Some(kind));
        assert_eq!(joined("opened"), Some(1.0));
        assert_eq!(joined("cross_language"), Some(1.0));
        stage.report();
        assert_eq!(gauge(&telemetry, "newsflow_stories_open", None), Some(1.0));
        assert_eq!(
            gauge(&telemetry, "newsflow_story_largest_articles", Some("1")),
            Some(2.0)
        );
        assert_eq!(
            gauge(&telemetry, "newsflow_stories_by_languages", Some("2")),
            Some(1.0)
        );
    }

    #[test]
    fn story_passes_an_enriched_record_on_as_it_came_with_its_assignment_added() {
        let mut record: serde_json::Value =
            serde_json::from_slice(&english("a-1", "en", None)).expect("json");
        record["outcome"] = "enriched".into();
        record["body"] = "He said: \"a story\" of friendship.  ".into();
        record["desk"] = serde_json::json!({"note": "kept as it came"});
        let mut input = serde_json::to_vec(&record).expect("json");
        input.extend_from_slice(b" \n");
        let mut out = Vec::new();
        PipelineConfig::default()
            .story_stage()
            .process(Input::of(&input), &mut out);
        let passed = out.iter().find(|o| o.slot == NEXT).expect("passed on");
        let mut passed: serde_json::Value = serde_json::from_slice(&passed.payload).expect("json");
        let assignment = passed
            .as_object_mut()
            .and_then(|fields| fields.remove("story"))
            .expect("a story");
        assert!(assignment["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("st-")));
        assert_eq!(assignment["opened"], true);
        assert_eq!(passed, record, "nothing else changed");
    }

    #[test]
    fn a_record_that_names_a_story_already_is_written_again_with_one() {
        let mut out = Vec::new();
        let mut stage = PipelineConfig::default().story_stage();
        let mut record: serde_json::Value =
            serde_json::from_slice(&english("a-1", "en", None)).expect("json");
        record["story"] = serde_json::Value::Null;
        let input = serde_json::to_vec(&record).expect("json");
        stage.process(Input::of(&input), &mut out);
        let passed = out.iter().find(|o| o.slot == NEXT).expect("passed on");
        // serde rejects a record with two `story` keys, so this parse is the check.
        let passed: Outcome = serde_json::from_slice(&passed.payload).expect("one story key");
        let Outcome::Enriched(article) = passed else {
            panic!("an enriched record, `outcome` added: {passed:?}");
        };
        assert!(article.story.is_some_and(|story| story.opened));
    }

    #[test]
    fn a_story_state_read_back_continues_the_story() {
        let mut first = PipelineConfig::default().story_stage();
        let mut out = Vec::new();
        first.process(Input::of(&english("a-1", "en", None)), &mut out);
        let state = out.iter().find(|o| o.slot == STATE).expect("a state");
        let now_ms = chrono::Utc::now().timestamp_millis();
        let mut restarted = PipelineConfig::default().story_stage();
        assert_eq!(restarted.restore(&state.payload, now_ms), Restored::Kept);
        assert_eq!(restarted.stories().len(), 1);
        // A state from the future is clamped to the restore day, not dropped.
        let mut clamped = PipelineConfig::default().story_stage();
        assert_eq!(clamped.restore(&state.payload, 0), Restored::Clamped);
        assert_eq!(
            restarted.restore(b"not json", 0),
            Restored::Skipped("invalid_json")
        );
    }
}
