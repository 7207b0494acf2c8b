//! The all-in-one chain: the same stage code the services run, called in sequence
//! with no serialisation between stages.

use std::time::{Duration, Instant};

use newsflow_record::{Outcome, Rejection};

use crate::config::PipelineConfig;
use crate::stages::{BuildError, DedupStage, LangStage, StoryStage, TagStage};

/// The stages in one process.
pub struct Pipeline {
    lang: LangStage,
    dedup: DedupStage,
    tag: TagStage,
    story: StoryStage,
}

/// The pipeline's stages, in order, as named in summaries and metrics.
pub const STAGES: [&str; 5] = ["clean", "lang", "dedup", "tag", "story"];

/// Time spent and records seen per stage, indexed like [`STAGES`].
#[derive(Debug, Clone, Default)]
pub struct StageTimes {
    /// Time spent in each stage.
    pub busy: [Duration; STAGES.len()],
    /// Records that entered each stage.
    pub records: [u64; STAGES.len()],
}

impl Pipeline {
    /// Builds every stage from the config.
    pub fn new(config: &PipelineConfig) -> Result<Self, BuildError> {
        Ok(Pipeline {
            lang: config.lang_stage()?,
            dedup: config.dedup_stage(),
            tag: config.tag_stage()?,
            story: config.story_stage(),
        })
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
        clock.lap(0);
        let mut article = match cleaned {
            Ok(article) => article,
            Err(rejection) => return Outcome::Rejected(rejection),
        };
        self.lang.detect(&mut article);
        clock.lap(1);
        let unique = self.dedup.run(article, now_unix);
        clock.lap(2);
        match unique {
            Ok((article, _admitted)) => {
                let tagged = self.tag.run(article);
                clock.lap(3);
                let (enriched, _story) = self.story.run(tagged, now_unix);
                clock.lap(4);
                Outcome::Enriched(enriched)
            }
            Err(duplicate) => Outcome::Duplicate(duplicate),
        }
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

    fn lap(&mut self, stage: usize) {
        let now = Instant::now();
        self.times.busy[stage] += now - self.last;
        self.times.records[stage] += 1;
        self.last = now;
    }
}
