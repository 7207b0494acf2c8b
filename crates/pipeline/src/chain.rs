//! The all-in-one chain: the same stage code the services run, walked in the order of
//! the topology the services use, with no serialisation between stages.

use std::time::{Duration, Instant};

use newsflow_record::{Outcome, Rejection};
use newsflow_stage::{Stage, Telemetry, Topology, NEXT};

use crate::config::PipelineConfig;
use crate::stages::{BuildError, DedupStage, LangStage, StoryStage, TagStage};

/// The stages in one process.
pub struct Pipeline {
    lang: LangStage,
    dedup: DedupStage,
    tag: TagStage,
    story: StoryStage,
    /// The stages after lang, in the topology's order.
    order: Vec<Step>,
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

    fn of_stage(name: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|step| step.name() == name)
    }
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
        let mut node = topology.nodes.first();
        if node.map(|n| n.stage) != Some("lang") {
            return Err(BuildError::Topology("the first stage must be lang".into()));
        }
        while let Some(current) = node {
            let step = Step::of_stage(current.stage).ok_or_else(|| {
                BuildError::Topology(format!("no stage called {}", current.stage))
            })?;
            if step != Step::Lang {
                if order.contains(&step) {
                    return Err(BuildError::Topology(format!("{} twice", current.stage)));
                }
                order.push(step);
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
            order,
        })
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
        for step in &self.order {
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
    fn a_topology_naming_an_unknown_stage_is_refused() {
        let mut topology = crate::topology(&Topics::default());
        topology.nodes[1].stage = "translate";
        assert!(matches!(
            Pipeline::with_topology(&config(), &topology),
            Err(BuildError::Topology(_))
        ));
    }
}
