//! Every metric of the runners (the Kafka runtime and `process`), declared once;
//! stages declare their own through the [`Telemetry`] handle ([`Metrics::telemetry`]),
//! on the same registry.
//!
//! Label values are bounded: stage names are the pipeline's own (`lang`, `dedup`,
//! `tag`, `story`), outcomes and error codes are closed enums, topics and partitions
//! come from the config. No metric carries an article id, a URL or error text.

use std::sync::OnceLock;

use newsflow_stage::Telemetry;

use prometheus::core::Collector;
use prometheus::{
    Histogram, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
};

use crate::stage::RecordOutcome;

pub use newsflow_stage::telemetry::{language_label, LANGUAGES, OTHER};

/// Buckets of the per-record processing time, in seconds: 10 µs to 1 s.
const PROCESSING_BUCKETS: [f64; 16] = [
    0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025,
    0.05, 0.1, 0.25, 0.5, 1.0,
];

/// Buckets of the end-to-end latency, in seconds: 1 ms to 2 min.
const LATENCY_BUCKETS: [f64; 16] = [
    0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
    120.0,
];

/// Every metric family, registered on one registry.
///
/// Build per-stage handles with [`Metrics::stage`] (or [`crate::StageMetrics::new`]
/// for the global registry); the families are public for tests and for the rare
/// metric a handle does not cover.
#[derive(Clone)]
pub struct Metrics {
    /// The registry every family below is registered on; `/metrics` encodes it.
    pub registry: Registry,
    /// `newsflow_stage_records_total{stage,outcome}`: records a stage finished, by outcome.
    pub stage_records: IntCounterVec,
    /// `newsflow_stage_bytes_total{stage}`: input bytes a stage consumed.
    pub stage_bytes: IntCounterVec,
    /// `newsflow_stage_processing_seconds{stage}`: time a stage spent on one record.
    pub stage_processing: HistogramVec,
    /// `newsflow_stage_in_flight{stage}`: records consumed but not yet committed.
    pub stage_in_flight: IntGaugeVec,
    /// `newsflow_kafka_consumer_lag{stage,topic,partition}`: records behind the high watermark.
    pub consumer_lag: IntGaugeVec,
    /// `newsflow_kafka_produce_errors_total{stage,topic}`: failed produce attempts.
    pub produce_errors: IntCounterVec,
    /// `newsflow_kafka_commit_errors_total{stage}`: failed offset commits.
    pub commit_errors: IntCounterVec,
    /// `newsflow_kafka_rebalances_total{stage}`: partition assignments and revocations.
    pub rebalances: IntCounterVec,
    /// `newsflow_dlq_records_total{stage,code}`: records sent to the dead-letter topic.
    pub dlq_records: IntCounterVec,
    /// `newsflow_end_to_end_latency_seconds`: raw record's broker timestamp to the
    /// enriched record's publication.
    pub end_to_end_latency: Histogram,
    /// `newsflow_stage_partial_total{stage}`: records finished early, over their CPU
    /// budget (`partial` marker), or over it without a way to stop early.
    pub stage_over_budget: IntCounterVec,
    /// `newsflow_restore_skipped_total{stage,reason}`: invalid changelog records.
    pub restore_skipped: IntCounterVec,
    /// `newsflow_restore_clamped_total{stage}`: changelog records from the future.
    pub restore_clamped: IntCounterVec,
    /// `newsflow_ready`: 1 while the process is ready (what `/readyz` answers), else 0.
    pub ready: IntGauge,
    /// `newsflow_build_info{version}`: always 1; the label carries the version.
    pub build_info: IntGaugeVec,
    /// The handle stages register their own metrics through, on `registry`.
    telemetry: Telemetry,
    /// Which service and replica this process is, once the service said so.
    identity: std::sync::Arc<OnceLock<Identity>>,
}

/// The labels that tell one process's series from another's on a dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The service (`lang`, `dedup`, `tag`, `all`, `process`): the `stage` label of
    /// every series that has none of its own (CPU, memory, readiness, ...).
    pub stage: String,
    /// The replica (by default the host name, which is the container's in
    /// docker compose): the `replica` label of every series.
    pub replica: String,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    /// The process-wide metrics, registered on first use. Every binary uses these;
    /// `/metrics` serves them.
    pub fn global() -> &'static Metrics {
        static GLOBAL: OnceLock<Metrics> = OnceLock::new();
        GLOBAL.get_or_init(|| {
            // Registering fixed, distinct names on a fresh registry cannot fail; a
            // failure here is a programming error caught by the unit tests.
            Metrics::new().expect("newsflow metric declarations are valid")
        })
    }

    /// A fresh set of metrics on its own registry (tests; the binaries use
    /// [`Metrics::global`]). Also registers the process collector (CPU, memory,
    /// open fds) on Linux.
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new();
        let metrics = Metrics {
            stage_records: IntCounterVec::new(
                Opts::new(
                    "newsflow_stage_records_total",
                    "Records a stage finished, by outcome: forwarded (passed to the next stage), \
                     enriched, duplicate_exact, duplicate_near, rejected (sent to the DLQ) or \
                     error (failed for a reason other than its content).",
                ),
                &["stage", "outcome"],
            )?,
            stage_bytes: IntCounterVec::new(
                Opts::new(
                    "newsflow_stage_bytes_total",
                    "Input bytes (record values) a stage consumed.",
                ),
                &["stage"],
            )?,
            stage_processing: HistogramVec::new(
                HistogramOpts::new(
                    "newsflow_stage_processing_seconds",
                    "Time a stage spent processing one record (per record, stage code only: \
                     no broker I/O).",
                )
                .buckets(PROCESSING_BUCKETS.to_vec()),
                &["stage"],
            )?,
            stage_in_flight: IntGaugeVec::new(
                Opts::new(
                    "newsflow_stage_in_flight",
                    "Records a stage consumed whose outputs are not yet acknowledged.",
                ),
                &["stage"],
            )?,
            consumer_lag: IntGaugeVec::new(
                Opts::new(
                    "newsflow_kafka_consumer_lag",
                    "Records between the consumer group's position and the partition's high \
                     watermark.",
                ),
                &["stage", "topic", "partition"],
            )?,
            produce_errors: IntCounterVec::new(
                Opts::new(
                    "newsflow_kafka_produce_errors_total",
                    "Produce attempts that failed (each is retried; none skips a record).",
                ),
                &["stage", "topic"],
            )?,
            commit_errors: IntCounterVec::new(
                Opts::new(
                    "newsflow_kafka_commit_errors_total",
                    "Offset commits or offset stores that failed.",
                ),
                &["stage"],
            )?,
            rebalances: IntCounterVec::new(
                Opts::new(
                    "newsflow_kafka_rebalances_total",
                    "Consumer-group rebalances seen (assignments and revocations).",
                ),
                &["stage"],
            )?,
            dlq_records: IntCounterVec::new(
                Opts::new(
                    "newsflow_dlq_records_total",
                    "Records written to the dead-letter topic, by error code.",
                ),
                &["stage", "code"],
            )?,
            end_to_end_latency: Histogram::with_opts(
                HistogramOpts::new(
                    "newsflow_end_to_end_latency_seconds",
                    "Time from the raw record's broker timestamp to the enriched record's \
                     publication.",
                )
                .buckets(LATENCY_BUCKETS.to_vec()),
            )?,
            stage_over_budget: IntCounterVec::new(
                Opts::new(
                    "newsflow_stage_over_budget_total",
                    "Records that took longer than the per-record CPU budget, by whether the \
                     stage finished them early with a partial marker (partial=\"true\").",
                ),
                &["stage", "partial"],
            )?,
            // Restore is the runtime's, for any stage with a changelog: the stage is
            // a label, not part of the name.
            restore_skipped: IntCounterVec::new(
                Opts::new(
                    "newsflow_restore_skipped_total",
                    "Changelog records skipped on restore as invalid, by stage and reason.",
                ),
                &["stage", "reason"],
            )?,
            restore_clamped: IntCounterVec::new(
                Opts::new(
                    "newsflow_restore_clamped_total",
                    "Changelog records restored with a future time clamped to the restore \
                     time, by stage.",
                ),
                &["stage"],
            )?,
            ready: IntGauge::new(
                "newsflow_ready",
                "1 while the process is ready (connected with partitions assigned, or \
                 consuming), else 0: what /readyz answers.",
            )?,
            build_info: IntGaugeVec::new(
                Opts::new(
                    "newsflow_build_info",
                    "Always 1; the version label says which newsflow build is running.",
                ),
                &["version"],
            )?,
            identity: Default::default(),
            telemetry: Telemetry::new(registry.clone()),
            registry,
        };
        for collector in metrics.collectors() {
            metrics.registry.register(collector)?;
        }
        #[cfg(target_os = "linux")]
        metrics.registry.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ))?;
        #[cfg(target_os = "linux")]
        metrics.registry.register(Box::new(CpuSeconds::new()?))?;

        metrics
            .build_info
            .with_label_values(&[env!("CARGO_PKG_VERSION")])
            .set(1);
        Ok(metrics)
    }

    /// A handle for one stage on these metrics. See [`crate::StageMetrics`].
    pub fn stage(&self, stage: &'static str) -> crate::StageMetrics {
        crate::StageMetrics::with_metrics(self, stage)
    }

    /// The handle stages register their own metrics through (see
    /// [`newsflow_stage::Stage::register`]).
    pub fn telemetry(&self) -> Telemetry {
        self.telemetry.clone()
    }

    /// Names this process on every series it exports (see [`Identity`]). The
    /// first call wins: a process is one service.
    pub fn set_identity(&self, identity: Identity) {
        let _ = self.identity.set(identity);
    }

    /// One invalid changelog record of `stage` skipped on restore, with why.
    pub fn restore_skipped(&self, stage: &str, reason: &str) {
        self.restore_skipped
            .with_label_values(&[stage, reason])
            .inc();
    }

    /// One changelog record of `stage` whose future time was clamped on restore.
    pub fn restore_clamped(&self, stage: &str) {
        self.restore_clamped.with_label_values(&[stage]).inc();
    }

    /// Encodes every metric in the Prometheus text format (what `/metrics` serves),
    /// with the [`Identity`] labels once they are set.
    pub fn encode(&self) -> Result<String, prometheus::Error> {
        let mut families = self.registry.gather();
        if let Some(identity) = self.identity.get() {
            for family in &mut families {
                for metric in family.mut_metric() {
                    let mut labels = metric.get_label().to_vec();
                    let mut add = |name: &str, value: &str| {
                        if !labels.iter().any(|label| label.name() == name) {
                            let mut label = prometheus::proto::LabelPair::new();
                            label.set_name(name.to_string());
                            label.set_value(value.to_string());
                            labels.push(label);
                        }
                    };
                    add("stage", &identity.stage);
                    add("replica", &identity.replica);
                    labels.sort_by(|a, b| a.name().cmp(b.name()));
                    metric.set_label(labels);
                }
            }
        }
        prometheus::TextEncoder::new().encode_to_string(&families)
    }

    fn collectors(&self) -> Vec<Box<dyn Collector>> {
        vec![
            Box::new(self.stage_records.clone()),
            Box::new(self.stage_bytes.clone()),
            Box::new(self.stage_processing.clone()),
            Box::new(self.stage_in_flight.clone()),
            Box::new(self.consumer_lag.clone()),
            Box::new(self.produce_errors.clone()),
            Box::new(self.commit_errors.clone()),
            Box::new(self.rebalances.clone()),
            Box::new(self.dlq_records.clone()),
            Box::new(self.end_to_end_latency.clone()),
            Box::new(self.stage_over_budget.clone()),
            Box::new(self.restore_skipped.clone()),
            Box::new(self.restore_clamped.clone()),
            Box::new(self.ready.clone()),
            Box::new(self.build_info.clone()),
        ]
    }

    /// Every outcome label value a stage records.
    pub fn outcomes() -> impl Iterator<Item = &'static str> {
        RecordOutcome::ALL.iter().map(|outcome| outcome.as_str())
    }
}

/// `newsflow_process_cpu_seconds_total`: user and system CPU time of this process
/// with the kernel's tick resolution (10 ms). `process_cpu_seconds_total` from the
/// prometheus crate counts whole seconds, which draws a lightly loaded service as a
/// flat zero.
#[cfg(target_os = "linux")]
struct CpuSeconds {
    total: prometheus::Counter,
}

#[cfg(target_os = "linux")]
impl CpuSeconds {
    fn new() -> Result<Self, prometheus::Error> {
        Ok(CpuSeconds {
            total: prometheus::Counter::new(
                "newsflow_process_cpu_seconds_total",
                "User and system CPU time of the process, in seconds (10 ms resolution).",
            )?,
        })
    }

    fn read() -> Option<f64> {
        let stat = procfs::process::Process::myself().ok()?.stat().ok()?;
        let ticks = procfs::ticks_per_second().max(1);
        Some((stat.utime + stat.stime) as f64 / ticks as f64)
    }
}

#[cfg(target_os = "linux")]
impl Collector for CpuSeconds {
    fn desc(&self) -> Vec<&prometheus::core::Desc> {
        self.total.desc()
    }

    fn collect(&self) -> Vec<prometheus::proto::MetricFamily> {
        if let Some(now) = CpuSeconds::read() {
            let before = self.total.get();
            if now > before {
                self.total.inc_by(now - before);
            }
        }
        self.total.collect()
    }
}
