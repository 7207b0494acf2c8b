//! The per-stage handle the hot path records through.

use newsflow_record::ErrorCode;
use newsflow_stage::Fate;
use prometheus::{Histogram, IntCounter, IntGauge};

use crate::metrics::Metrics;

/// What a stage did with one record: the `outcome` label of
/// `newsflow_stage_records_total`.
///
/// Intermediate stages report `Forwarded` for a record they passed on (lang: to
/// `news.lang`; dedup: a unique article to `news.unique`); the final outcomes are
/// reported by the stage that decides them (dedup: the duplicates; tag: enriched;
/// lang: rejections). So, per stage, records in = the sum over outcomes, records out
/// = everything but `rejected` and `error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordOutcome {
    /// Passed on to the next stage.
    Forwarded,
    /// Tagged and published as enriched.
    Enriched,
    /// Same normalised text as an earlier article.
    DuplicateExact,
    /// Near-duplicate of an earlier article.
    DuplicateNear,
    /// Bad input, sent to the dead-letter topic.
    Rejected,
    /// The stage failed on the record for a reason other than its content.
    Error,
}

impl RecordOutcome {
    /// Every outcome, in label order.
    pub const ALL: [RecordOutcome; 6] = [
        RecordOutcome::Forwarded,
        RecordOutcome::Enriched,
        RecordOutcome::DuplicateExact,
        RecordOutcome::DuplicateNear,
        RecordOutcome::Rejected,
        RecordOutcome::Error,
    ];

    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordOutcome::Forwarded => "forwarded",
            RecordOutcome::Enriched => "enriched",
            RecordOutcome::DuplicateExact => "duplicate_exact",
            RecordOutcome::DuplicateNear => "duplicate_near",
            RecordOutcome::Rejected => "rejected",
            RecordOutcome::Error => "error",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The one mapping from what became of a record in a stage to its metric label,
/// for the Kafka runtime and the in-process chain alike.
impl From<Fate> for RecordOutcome {
    fn from(fate: Fate) -> RecordOutcome {
        match fate {
            Fate::Forwarded => RecordOutcome::Forwarded,
            Fate::Enriched => RecordOutcome::Enriched,
            Fate::DuplicateExact => RecordOutcome::DuplicateExact,
            Fate::DuplicateNear => RecordOutcome::DuplicateNear,
            Fate::Rejected => RecordOutcome::Rejected,
            Fate::None => RecordOutcome::Error,
        }
    }
}

/// Metrics of one stage (`lang`, `dedup` or `tag`), with every fixed label value
/// resolved at construction: recording is a few relaxed atomic operations, no
/// hashing, no locks, no allocation (except [`StageMetrics::produce_error`] and
/// [`StageMetrics::consumer_lag`], whose topic labels are resolved per call; they
/// are off the per-record path).
///
/// Cheap to clone (reference-counted); clones update the same series. Build one per
/// stage per process and pass clones to tasks.
#[derive(Debug, Clone)]
pub struct StageMetrics {
    stage: &'static str,
    metrics: Metrics,
    records: [IntCounter; 6],
    bytes: IntCounter,
    processing: Histogram,
    in_flight: IntGauge,
    dlq: [IntCounter; 6],
    commit_errors: IntCounter,
    rebalances: IntCounter,
}

impl StageMetrics {
    /// The handle of `stage` on the process-wide metrics ([`Metrics::global`]).
    /// Creates every series of the stage at zero, so dashboards show the stage
    /// before its first record.
    pub fn new(stage: &'static str) -> StageMetrics {
        StageMetrics::with_metrics(Metrics::global(), stage)
    }

    /// The handle of `stage` on `metrics` (tests use their own [`Metrics`]).
    pub fn with_metrics(metrics: &Metrics, stage: &'static str) -> StageMetrics {
        let records = RecordOutcome::ALL.map(|outcome| {
            metrics
                .stage_records
                .with_label_values(&[stage, outcome.as_str()])
        });
        let dlq = ErrorCode::ALL.map(|code| {
            metrics
                .dlq_records
                .with_label_values(&[stage, code.as_str()])
        });
        StageMetrics {
            stage,
            metrics: metrics.clone(),
            records,
            bytes: metrics.stage_bytes.with_label_values(&[stage]),
            processing: metrics.stage_processing.with_label_values(&[stage]),
            in_flight: metrics.stage_in_flight.with_label_values(&[stage]),
            dlq,
            commit_errors: metrics.commit_errors.with_label_values(&[stage]),
            rebalances: metrics.rebalances.with_label_values(&[stage]),
        }
    }

    /// The stage label value.
    pub fn stage(&self) -> &'static str {
        self.stage
    }

    /// One record done: its outcome, its input size in bytes (the consumed record
    /// value) and the seconds the stage code spent on it (per record, without broker
    /// I/O).
    pub fn record(&self, outcome: RecordOutcome, bytes: u64, seconds: f64) {
        self.records[outcome.index()].inc();
        self.bytes.inc_by(bytes);
        self.processing.observe(seconds);
    }

    /// Adds `delta` to the records in flight (consumed, outputs not yet
    /// acknowledged): `+n` when consumed, `-n` when committed or abandoned.
    pub fn in_flight(&self, delta: i64) {
        self.in_flight.add(delta);
    }

    /// One record written to the dead-letter topic with `code`. Also count the record
    /// itself with [`StageMetrics::record`] and [`RecordOutcome::Rejected`].
    pub fn dlq(&self, code: ErrorCode) {
        // ErrorCode::ALL lists every variant in declaration order.
        let index = ErrorCode::ALL
            .iter()
            .position(|known| *known == code)
            .unwrap_or(0);
        self.dlq[index].inc();
    }

    /// One record written to the dead-letter topic with `code`, which may be a code of
    /// the runtime's own (`produce_rejected`) as well as an [`ErrorCode`]. Count it
    /// once the broker acknowledged the dead-letter record.
    pub fn dlq_code(&self, code: &str) {
        match ErrorCode::ALL
            .iter()
            .position(|known| known.as_str() == code)
        {
            Some(index) => self.dlq[index].inc(),
            None => self
                .metrics
                .dlq_records
                .with_label_values(&[self.stage, code])
                .inc(),
        }
    }

    /// One record over its CPU budget; `partial` when the stage finished it early.
    pub fn over_budget(&self, partial: bool) {
        let partial = if partial { "true" } else { "false" };
        self.metrics
            .stage_over_budget
            .with_label_values(&[self.stage, partial])
            .inc();
    }

    /// One failed produce attempt to `topic` (count every attempt, retries included).
    pub fn produce_error(&self, topic: &str) {
        self.metrics
            .produce_errors
            .with_label_values(&[self.stage, topic])
            .inc();
    }

    /// One failed offset commit (or offset store).
    pub fn commit_error(&self) {
        self.commit_errors.inc();
    }

    /// One rebalance event (an assignment or a revocation).
    pub fn rebalance(&self) {
        self.rebalances.inc();
    }

    /// The consumer lag of one input partition (high watermark minus the group's
    /// position), e.g. from librdkafka statistics (`consumer_lag` of each
    /// partition). Negative values (unknown, `-1` in librdkafka) are ignored.
    pub fn consumer_lag(&self, topic: &str, partition: i32, lag: i64) {
        if lag < 0 {
            return;
        }
        self.metrics
            .consumer_lag
            .with_label_values(&[self.stage, topic, &partition.to_string()])
            .set(lag);
    }

    /// Drops the lag series of a partition this instance no longer owns (call on
    /// revocation), so a stale value does not raise a lag alert.
    pub fn forget_partition(&self, topic: &str, partition: i32) {
        // Removing a series that was never set is not an error worth reporting.
        let _ = self.metrics.consumer_lag.remove_label_values(&[
            self.stage,
            topic,
            &partition.to_string(),
        ]);
    }

    /// Seconds from a raw record's broker timestamp to its enriched record's
    /// publication (the tag stage, or the whole chain in `serve all`).
    pub fn end_to_end_latency(&self, seconds: f64) {
        self.metrics.end_to_end_latency.observe(seconds);
    }
}
