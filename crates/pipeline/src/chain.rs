//! The all-in-one chain: the same stage code the services run, walked in the order of
//! the topology the services use, with no serialisation between stages.

use std::time::{Duration, Instant};

use newsflow_record::{Article, DedupStatus, Outcome, Rejection};
use newsflow_stage::{Fate, Stage, Telemetry, Topology, NEXT};

use crate::config::PipelineConfig;
use crate::stages::{BuildError, DedupStage, LangStage, StoryStage, TagStage};

/// The stages in one process.
pub struct Pipeline {
    lang: LangStage,
    dedup: DedupStage,
    tag: TagStage,
    story: StoryStage,
    /// Whether lang's `next` slot leaves the pipeline (final in the topology).
    lang_last: bool,
    /// The stages after lang, in the topology's order, each with whether its `next`
    /// slot is final.
    order: Vec<(Step, bool)>,
}

/// One timed step of the chain; the clean step is timed apart from the rest of lang.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The clean step (the first half of the lang stage).
    Clean,
    /// Language detection.
    Lang,
    /// Duplicate detection.
    Dedup,
    /// Event tagging.
    Tag,
    /// Story assignment.
    Story,
}

impl Step {
    /// Every step, in chain order, indexed like [`STAGES`].
    pub const ALL: [Step; 5] = [Step::Clean, Step::Lang, Step::Dedup, Step::Tag, Step::Story];

    /// Index into [`StageTimes`] and [`STAGES`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The step's name in summaries and metrics.
    pub const fn name(self) -> &'static str {
        STAGES[self as usize]
    }

    /// The timed steps of the stage this step is the main step of: lang's time is
    /// its clean step and detection together, as a lang service spends it.
    pub const fn steps(self) -> &'static [Step] {
        match self {
            Step::Clean | Step::Lang => &[Step::Clean, Step::Lang],
            Step::Dedup => &[Step::Dedup],
            Step::Tag => &[Step::Tag],
            Step::Story => &[Step::Story],
        }
    }

    fn of_stage(name: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|step| step.name() == name)
    }
}

/// One stage a record went through in the chain and what became of it there: the
/// same [`Fate`] the Kafka runtime counts from that stage's outputs, so `process`
/// and the services count outcomes alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Passage {
    /// The stage, as the topology names it (`lang`, `dedup`, ...).
    pub stage: &'static str,
    /// What became of the record in it.
    pub fate: Fate,
    /// The timed steps the stage's time is the sum of.
    pub steps: &'static [Step],
}

/// The pipeline's steps, in order, as named in summaries and metrics.
pub const STAGES: [&str; 5] = ["clean", "lang", "dedup", "tag", "story"];

/// Time spent and records seen per step, indexed by [`Step::index`].
#[derive(Debug, Clone, Default)]
pub struct StageTimes {
    /// Time spent in each step.
    pub busy: [Duration; STAGES.len()],
    /// Records that entered each step.
    pub records: [u64; STAGES.len()],
}

impl Pipeline {
    /// Builds every stage from the config, walked in the order of the newsflow
    /// topology (the topic names do not matter in one process).
    pub fn new(config: &PipelineConfig) -> Result<Self, BuildError> {
        Pipeline::with_topology(config, &crate::topology(&Default::default()))
    }

    /// Builds every stage from the config, to be walked in `topology`'s order: from
    /// its first node (lang), each passed article goes to the stage reading the topic
    /// its `next` slot is written to, until a node's `next` topic has no reader.
    pub fn with_topology(config: &PipelineConfig, topology: &Topology) -> Result<Self, BuildError> {
        let mut order = Vec::new();
        let mut lang_last = false;
        let mut node = topology.nodes.first();
        if node.map(|n| n.stage) != Some("lang") {
            return Err(BuildError::Topology("the first stage must be lang".into()));
        }
        while let Some(current) = node {
            let step = Step::of_stage(current.stage).ok_or_else(|| {
                BuildError::Topology(format!("no stage called {}", current.stage))
            })?;
            let last = current.is_last(NEXT);
            if step == Step::Lang {
                lang_last = last;
            } else {
                if order.iter().any(|(seen, _)| *seen == step) {
                    return Err(BuildError::Topology(format!("{} twice", current.stage)));
                }
                order.push((step, last));
            }
            node = current
                .route(NEXT)
                .and_then(|route| topology.reader_of(&route.topic));
        }
        Ok(Pipeline {
            lang: config.lang_stage()?,
            dedup: config.dedup_stage(),
            tag: config.tag_stage()?,
            story: config.story_stage(),
            lang_last,
            order,
        })
    }

    /// The stages walked, in order, as the topology names them.
    pub fn stages(&self) -> impl Iterator<Item = &'static str> + '_ {
        std::iter::once(Step::Lang.name()).chain(self.order.iter().map(|(step, _)| step.name()))
    }

    /// The stages `outcome`'s record went through, in order, each with its fate
    /// there: forwarded (or enriched where the topology's `next` slot is final) up
    /// to the stage that decided the outcome.
    pub fn passages<'a>(&'a self, outcome: &Outcome) -> impl Iterator<Item = Passage> + 'a {
        let passed = newsflow_stage::Outcome::Passed;
        let (first, rest) = match outcome {
            Outcome::Rejected(_) => (Fate::Rejected, &[][..]),
            _ => (fate_of(&passed, self.lang_last), &self.order[..]),
        };
        // A duplicate ends its walk at dedup.
        let mut duplicate = match outcome {
            Outcome::Duplicate(record) => Some(newsflow_stage::Outcome::Duplicate {
                near: record.dedup.status == DedupStatus::Near,
            }),
            _ => None,
        };
        let lang = Passage {
            stage: Step::Lang.name(),
            fate: first,
            steps: Step::Lang.steps(),
        };
        let mut ended = false;
        std::iter::once(lang).chain(rest.iter().map_while(move |&(step, last)| {
            if ended {
                return None;
            }
            let fate = match (step, duplicate.take()) {
                (Step::Dedup, Some(duplicate)) => {
                    ended = true;
                    fate_of(&duplicate, last)
                }
                (_, pending) => {
                    duplicate = pending;
                    fate_of(&passed, last)
                }
            };
            Some(Passage {
                stage: step.name(),
                fate,
                steps: step.steps(),
            })
        }))
    }

    /// Has every stage register its own metrics on `telemetry`.
    pub fn register(&mut self, telemetry: &Telemetry) {
        self.lang.register(telemetry);
        self.dedup.register(telemetry);
        self.tag.register(telemetry);
        self.story.register(telemetry);
    }

    /// Has every stage report its state gauges.
    pub fn report(&self) {
        self.dedup.report();
        self.story.report();
    }

    /// Runs one raw record through every stage. `now_unix` is the arrival time
    /// used by the dedup window.
    pub fn process(&mut self, raw: &[u8], now_unix: i64) -> Outcome {
        self.process_timed(raw, now_unix, &mut StageTimes::default())
    }

    /// Like [`Pipeline::process`], adding each stage's time to `times`.
    pub fn process_timed(&mut self, raw: &[u8], now_unix: i64, times: &mut StageTimes) -> Outcome {
        let mut clock = StageClock::start(times);
        let cleaned = self.lang.clean(raw);
        clock.lap(Step::Clean);
        let mut article = match cleaned {
            Ok(article) => article,
            Err(rejection) => return Outcome::Rejected(rejection),
        };
        self.lang.detect(&mut article);
        clock.lap(Step::Lang);
        self.walk_after_lang(article, now_unix, clock)
    }

    /// Runs a cleaned, language-tagged article through the stages after lang, adding
    /// each stage's time to `times`: the half of the chain a language's owner runs
    /// when the work is split by language, as the services split it.
    pub fn process_after_lang(
        &mut self,
        article: Article,
        now_unix: i64,
        times: &mut StageTimes,
    ) -> Outcome {
        self.walk_after_lang(article, now_unix, StageClock::start(times))
    }

    fn walk_after_lang(
        &mut self,
        mut article: Article,
        now_unix: i64,
        mut clock: StageClock<'_>,
    ) -> Outcome {
        for (step, _) in &self.order {
            article = match step {
                Step::Dedup => match self.dedup.run(article, now_unix) {
                    Ok((article, _admitted)) => article,
                    Err(duplicate) => {
                        clock.lap(Step::Dedup);
                        return Outcome::Duplicate(duplicate);
                    }
                },
                Step::Tag => self.tag.run(article),
                Step::Story => self.story.run(article, now_unix).0,
                Step::Clean | Step::Lang => article,
            };
            clock.lap(*step);
        }
        Outcome::Enriched(article)
    }

    /// Runs one raw record and numbers a rejection with its input line.
    pub fn process_line(
        &mut self,
        raw: &[u8],
        line: u64,
        now_unix: i64,
        times: &mut StageTimes,
    ) -> Outcome {
        match self.process_timed(raw, now_unix, times) {
            Outcome::Rejected(rejection) => Outcome::Rejected(Rejection {
                input_line: Some(line),
                ..rejection
            }),
            other => other,
        }
    }
}

/// The fate of a stage's outcome, given whether its slot is final.
fn fate_of(outcome: &newsflow_stage::Outcome, last: bool) -> Fate {
    // Only a state record has no fate, and the chain passes none.
    Fate::of(outcome, last).unwrap_or(Fate::None)
}

struct StageClock<'a> {
    times: &'a mut StageTimes,
    last: Instant,
}

impl<'a> StageClock<'a> {
    fn start(times: &'a mut StageTimes) -> Self {
        StageClock {
            times,
            last: Instant::now(),
        }
    }

    fn lap(&mut self, step: Step) {
        let now = Instant::now();
        self.times.busy[step.index()] += now - self.last;
        self.times.records[step.index()] += 1;
        self.last = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsflow_stage::topology::Topics;

    fn config() -> PipelineConfig {
        PipelineConfig {
            data_dir: Some(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config")),
            ..PipelineConfig::default()
        }
    }

    const RAW: &[u8] = br#"{"id":"a-1","title":"Putin visited Beijing","body":"Russian President Vladimir Putin visited Beijing on Monday for talks."}"#;

    #[test]
    fn the_chain_walks_the_topology_and_stops_where_it_ends() {
        let topics = Topics::default();
        let mut full = crate::topology(&topics);
        let mut pipeline = Pipeline::with_topology(&config(), &full).expect("pipeline");
        let Outcome::Enriched(article) = pipeline.process(RAW, 0) else {
            panic!("enriched");
        };
        assert!(article.story.is_some(), "story runs after tag");

        // Without the story node, articles leave enriched at tag, without a story.
        full.nodes.retain(|node| node.stage != "story");
        let mut pipeline = Pipeline::with_topology(&config(), &full).expect("pipeline");
        let Outcome::Enriched(article) = pipeline.process(RAW, 0) else {
            panic!("enriched");
        };
        assert!(article.story.is_none() && article.events.is_some());
    }

    #[test]
    fn outcomes_are_counted_per_stage_as_the_services_count_them() {
        let mut pipeline = Pipeline::new(&config()).expect("pipeline");
        let fates = |pipeline: &Pipeline, outcome: &Outcome| -> Vec<(&str, Fate)> {
            pipeline
                .passages(outcome)
                .map(|passage| (passage.stage, passage.fate))
                .collect()
        };
        let enriched = pipeline.process(RAW, 0);
        // tag's `next` is the final topic; story is a branch off it.
        assert_eq!(
            fates(&pipeline, &enriched),
            [
                ("lang", Fate::Forwarded),
                ("dedup", Fate::Forwarded),
                ("tag", Fate::Enriched),
                ("story", Fate::Forwarded)
            ]
        );
        // The same text under another id: an exact duplicate.
        let copy = String::from_utf8_lossy(RAW).replace("a-1", "a-2");
        let again = pipeline.process(copy.as_bytes(), 0);
        assert_eq!(
            fates(&pipeline, &again),
            [("lang", Fate::Forwarded), ("dedup", Fate::DuplicateExact)]
        );
        let rejected = pipeline.process(b"not json", 0);
        assert_eq!(fates(&pipeline, &rejected), [("lang", Fate::Rejected)]);
        assert_eq!(
            pipeline.stages().collect::<Vec<_>>(),
            ["lang", "dedup", "tag", "story"]
        );
    }

    #[test]
    fn a_topology_naming_an_unknown_stage_is_refused() {
        let mut topology = crate::topology(&Topics::default());
        topology.nodes[1].stage = "translate";
        assert!(matches!(
            Pipeline::with_topology(&config(), &topology),
            Err(BuildError::Topology(_))
        ));
    }
}
