//! The in-process chain's metrics, counted as the services count them: every stage
//! a record went through records it under the stage's own label with the
//! [`Fate`](newsflow_stage::Fate) it met there, mapped to its outcome label the one
//! way the Kafka runtime maps it. `newsflow process --metrics-addr` and the
//! metrics-overhead bench both count through here.

use std::time::{Duration, Instant};

use newsflow_pipeline::{Outcome, Pipeline, STAGES};
use newsflow_stage::Fate;
use newsflow_telemetry::{Metrics, RecordOutcome, StageMetrics};

/// One metrics handle per stage of a pipeline, in its order.
pub struct ChainMetrics {
    stages: Vec<StageMetrics>,
}

impl ChainMetrics {
    /// Handles on `metrics` for every stage `pipeline` walks.
    pub fn new(metrics: &Metrics, pipeline: &Pipeline) -> Self {
        ChainMetrics {
            stages: pipeline
                .stages()
                .map(|stage| StageMetrics::with_metrics(metrics, stage))
                .collect(),
        }
    }

    /// Counts one record of `bytes` whose outcome was `outcome`: in each stage it
    /// went through, its fate, its size and the stage's time out of `spent` (time
    /// per step, indexed like [`STAGES`]); the rejecting stage counts the dead
    /// letter, and the stage the record left the pipeline at counts its latency
    /// since `read_at`.
    pub fn observe(
        &self,
        pipeline: &Pipeline,
        outcome: &Outcome,
        bytes: u64,
        spent: &[Duration; STAGES.len()],
        read_at: Instant,
    ) {
        for (passage, stage) in pipeline.passages(outcome).zip(&self.stages) {
            let seconds: Duration = passage.steps.iter().map(|step| spent[step.index()]).sum();
            stage.record(
                RecordOutcome::from(passage.fate),
                bytes,
                seconds.as_secs_f64(),
            );
            match (passage.fate, outcome) {
                (Fate::Rejected, Outcome::Rejected(rejection)) => stage.dlq(rejection.error.code),
                (Fate::Enriched, _) => stage.end_to_end_latency(read_at.elapsed().as_secs_f64()),
                _ => {}
            }
        }
    }
}
