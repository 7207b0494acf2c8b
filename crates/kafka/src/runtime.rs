//! The generic service runtime: consume, run the stage, produce every output, and
//! store the input offset only once all of them are acknowledged.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use newsflow_pipeline::{Emit, Input, ServiceStage};
use newsflow_telemetry::{Health, RecordOutcome, StageMetrics};
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{BorrowedMessage, Headers, Message, OwnedHeaders};
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord, Producer};
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::{Offset, TopicPartitionList};
use tokio::sync::Semaphore;

use crate::admin::partition_count;
use crate::config::{DeliveryMode, KafkaConfig, Role};
use crate::context::{commit_stored, Assignment, ServiceContext, Shared};
use crate::error::Error;
use crate::headers::{dlq_headers, output_headers, trace_for, Source, TraceParent};
use crate::offsets::{OffsetTracker, Ticket};
use crate::restore::rebuild;
use crate::routing::language_partition;

/// Header carrying the raw record's broker timestamp (ms) down the chain, for the
/// end-to-end latency the last stage reports.
pub const INGEST_HEADER: &str = "newsflow-ingest-ms";

const METADATA_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// How often an idle consumer loop wakes up to look for partitions to rebuild.
pub(crate) const IDLE_WAKE: Duration = Duration::from_millis(250);

/// The topics and group of one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTopics {
    /// Topic consumed.
    pub input: String,
    /// Consumer group.
    pub group: String,
    /// Topic of [`Emit::Next`] records.
    pub next: String,
    /// Partition [`Emit::Next`] records by language (else by key).
    pub route_by_language: bool,
    /// [`Emit::Next`] records are final outcomes (enriched): count them as such and
    /// report the end-to-end latency.
    pub next_is_final: bool,
    /// Topic of [`Emit::Duplicate`] records.
    pub duplicates: Option<String>,
    /// Changelog topic of [`Emit::State`] records, read back before consuming.
    pub state: Option<String>,
    /// Dead-letter topic.
    pub dlq: String,
}

impl ServiceTopics {
    /// The lang service: raw -> lang (by language).
    pub fn lang(config: &KafkaConfig) -> Self {
        let topics = &config.topics;
        ServiceTopics {
            input: topics.raw.clone(),
            group: config.groups.lang.clone(),
            next: topics.lang.clone(),
            route_by_language: true,
            next_is_final: false,
            duplicates: None,
            state: None,
            dlq: topics.dlq.clone(),
        }
    }

    /// The dedup service: lang -> unique and duplicates, with its changelog.
    pub fn dedup(config: &KafkaConfig) -> Self {
        let topics = &config.topics;
        ServiceTopics {
            input: topics.lang.clone(),
            group: config.groups.dedup.clone(),
            next: topics.unique.clone(),
            route_by_language: false,
            next_is_final: false,
            duplicates: Some(topics.duplicates.clone()),
            state: Some(topics.dedup_state.clone()),
            dlq: topics.dlq.clone(),
        }
    }

    /// The tag service: unique -> enriched.
    pub fn tag(config: &KafkaConfig) -> Self {
        let topics = &config.topics;
        ServiceTopics {
            input: topics.unique.clone(),
            group: config.groups.tag.clone(),
            next: topics.enriched.clone(),
            route_by_language: false,
            next_is_final: true,
            duplicates: None,
            state: None,
            dlq: topics.dlq.clone(),
        }
    }

    /// The same service in another consumer group.
    pub fn with_group(mut self, group: impl Into<String>) -> Self {
        self.group = group.into();
        self
    }
}

/// One output, owned so that it can be produced again after a delivery failure.
#[derive(Debug, Clone)]
pub(crate) struct OutRecord {
    pub(crate) topic: String,
    pub(crate) partition: Option<i32>,
    pub(crate) key: Option<Vec<u8>>,
    pub(crate) payload: Vec<u8>,
    pub(crate) headers: OwnedHeaders,
}

impl OutRecord {
    fn future_record(&self) -> FutureRecord<'_, [u8], [u8]> {
        let mut record = FutureRecord::to(&self.topic)
            .payload(&self.payload[..])
            .headers(self.headers.clone());
        if let Some(key) = &self.key {
            record = record.key(&key[..]);
        }
        if let Some(partition) = self.partition {
            record = record.partition(partition);
        }
        record
    }
}

/// Enqueues a record, waiting while the producer queue is full (backpressure) and
/// retrying with backoff when the producer refuses it outright.
pub(crate) async fn enqueue(
    producer: &FutureProducer,
    record: &OutRecord,
    metrics: &StageMetrics,
) -> DeliveryFuture {
    let mut backoff = Duration::from_millis(100);
    loop {
        match producer.send_result(record.future_record()) {
            Ok(delivery) => return delivery,
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            Err((error, _)) => {
                metrics.produce_error(&record.topic);
                tracing::warn!(
                    %error,
                    topic = record.topic,
                    backoff_ms = backoff.as_millis() as u64,
                    "Failed to enqueue a record; retrying."
                );
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// Waits for a delivery; on a final failure produces the record again, with
/// backoff, until the broker takes it. A record is never skipped.
async fn deliver(
    producer: &FutureProducer,
    record: &OutRecord,
    mut delivery: DeliveryFuture,
    metrics: &StageMetrics,
) {
    let mut backoff = Duration::from_millis(100);
    loop {
        let error = match delivery.await {
            Ok(Ok(_)) => return,
            Ok(Err((error, _))) => error.to_string(),
            Err(_canceled) => "delivery report lost (producer closed)".to_string(),
        };
        metrics.produce_error(&record.topic);
        tracing::warn!(
            error,
            topic = record.topic,
            partition = record.partition,
            backoff_ms = backoff.as_millis() as u64,
            "Delivery failed; producing the record again."
        );
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
        delivery = enqueue(producer, record, metrics).await;
    }
}

/// Where a service writes and how it routes, resolved once at start-up.
pub(crate) struct Router {
    pub(crate) stage: &'static str,
    pub(crate) io: ServiceTopics,
    next_partitions: i32,
    state_partitions: i32,
}

/// What one input record became, for metrics.
pub(crate) struct Routed {
    pub(crate) records: Vec<OutRecord>,
    pub(crate) outcome: RecordOutcome,
    pub(crate) ingest_ms: Option<i64>,
}

impl Router {
    pub(crate) fn new<C: rdkafka::ClientContext>(
        stage: &'static str,
        io: ServiceTopics,
        client: &rdkafka::client::Client<C>,
    ) -> Result<Router, Error> {
        partition_count(client, &io.input, METADATA_TIMEOUT)?;
        let next_partitions = partition_count(client, &io.next, METADATA_TIMEOUT)?;
        partition_count(client, &io.dlq, METADATA_TIMEOUT)?;
        if let Some(duplicates) = &io.duplicates {
            partition_count(client, duplicates, METADATA_TIMEOUT)?;
        }
        let state_partitions = match &io.state {
            Some(state) => partition_count(client, state, METADATA_TIMEOUT)?,
            None => 1,
        };
        Ok(Router {
            stage,
            io,
            next_partitions,
            state_partitions,
        })
    }

    /// The changelog partition for records of input partition `partition`.
    pub(crate) fn state_partition(&self, partition: i32) -> i32 {
        partition.rem_euclid(self.state_partitions.max(1))
    }

    /// Turns a stage's outputs into records.
    pub(crate) fn route(
        &self,
        message: &BorrowedMessage<'_>,
        emits: &mut Vec<Emit>,
        metrics: &StageMetrics,
    ) -> Result<Routed, Error> {
        let trace = trace_for(message.headers());
        let ingest_ms = ingest_ms(message);
        let mut headers = output_headers(self.stage, &trace);
        if let Some(ms) = ingest_ms {
            headers = headers.insert(rdkafka::message::Header {
                key: INGEST_HEADER,
                value: Some(&ms.to_string()),
            });
        }
        let mut records = Vec::with_capacity(emits.len());
        let mut outcome = RecordOutcome::Error;
        for emit in emits.drain(..) {
            match emit {
                Emit::Next {
                    key,
                    language,
                    payload,
                } => {
                    let partition = if self.io.route_by_language {
                        if let Some(code) = &language {
                            metrics.language(code);
                        }
                        Some(language_partition(
                            language.as_deref(),
                            self.next_partitions,
                        ))
                    } else {
                        None
                    };
                    if outcome == RecordOutcome::Error {
                        outcome = if self.io.next_is_final {
                            RecordOutcome::Enriched
                        } else {
                            RecordOutcome::Forwarded
                        };
                    }
                    records.push(OutRecord {
                        topic: self.io.next.clone(),
                        partition,
                        key: Some(key.into_bytes()),
                        payload,
                        headers: headers.clone(),
                    });
                }
                Emit::Duplicate { key, near, payload } => {
                    let topic = self.io.duplicates.clone().ok_or(Error::NoTopicFor {
                        stage: self.stage,
                        output: "duplicate",
                    })?;
                    outcome = if near {
                        RecordOutcome::DuplicateNear
                    } else {
                        RecordOutcome::DuplicateExact
                    };
                    records.push(OutRecord {
                        topic,
                        partition: None,
                        key: Some(key.into_bytes()),
                        payload,
                        headers: headers.clone(),
                    });
                }
                Emit::State { key, payload, .. } => {
                    let topic = self.io.state.clone().ok_or(Error::NoTopicFor {
                        stage: self.stage,
                        output: "state",
                    })?;
                    // The input partition, not the language: a rebuild reads exactly
                    // the changelog partitions matching the assigned input partitions.
                    records.push(OutRecord {
                        topic,
                        partition: Some(self.state_partition(message.partition())),
                        key: Some(key.into_bytes()),
                        payload,
                        headers: headers.clone(),
                    });
                }
                Emit::Reject(rejection) => {
                    outcome = RecordOutcome::Rejected;
                    metrics.dlq(rejection.error.code);
                    let source = Source {
                        topic: message.topic(),
                        partition: message.partition(),
                        offset: message.offset(),
                    };
                    records.push(OutRecord {
                        topic: self.io.dlq.clone(),
                        partition: None,
                        key: message.key().map(<[u8]>::to_vec),
                        payload: message.payload().unwrap_or_default().to_vec(),
                        headers: dlq_headers(
                            self.stage,
                            &trace,
                            rejection.error.code.as_str(),
                            &rejection.error.message,
                            source,
                        ),
                    });
                }
            }
        }
        Ok(Routed {
            records,
            outcome,
            ingest_ms,
        })
    }
}

/// The raw record's timestamp: carried in a header after the first hop, else the
/// input's own broker timestamp.
fn ingest_ms(message: &BorrowedMessage<'_>) -> Option<i64> {
    let carried = message.headers().and_then(|headers| {
        headers
            .iter()
            .find(|h| h.key == INGEST_HEADER)
            .and_then(|h| h.value)
            .and_then(|v| std::str::from_utf8(v).ok())
            .and_then(|v| v.parse::<i64>().ok())
    });
    carried.or_else(|| message.timestamp().to_millis())
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Per-process identity for transactional ids: the host and process id.
pub(crate) fn instance_id() -> String {
    let host = std::env::var("NEWSFLOW_INSTANCE_ID")
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "host".into());
    format!("{host}-{}", std::process::id())
}

/// Runs `stage` as a service until `shutdown` completes: consumes `io.input` in
/// `io.group`, produces every output, and commits an input offset only after all
/// outputs of that record (and of every earlier record of its partition) were
/// acknowledged. On shutdown: stops fetching, drains in-flight records, commits,
/// and returns, all within `shutdown_timeout_ms`.
///
/// `health` (when given) is marked ready while partitions are assigned.
pub async fn run_service<S: ServiceStage>(
    stage: S,
    io: ServiceTopics,
    config: &KafkaConfig,
    health: Option<Health>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Error> {
    let name = stage.name();
    let metrics = StageMetrics::new(name);
    let shared = Arc::new(Shared {
        stage: name,
        input: io.input.clone(),
        tracker: Mutex::new(OffsetTracker::new()),
        completed: Condvar::new(),
        assignment: Mutex::new(Assignment::default()),
        metrics,
        health,
        drain_timeout: Duration::from_millis(config.shutdown_timeout_ms),
        transactional: config.delivery == DeliveryMode::ExactlyOnce,
        closing: AtomicBool::new(false),
    });
    let consumer = Arc::new(service_consumer(config, &io, shared.clone())?);
    tracing::info!(
        stage = name,
        input = io.input,
        group = io.group,
        delivery = ?config.delivery,
        brokers = config.brokers,
        "Service starting."
    );
    match config.delivery {
        DeliveryMode::AtLeastOnce => {
            let producer = service_producer(config, &[])?;
            let router = Router::new(name, io, producer.client())?;
            subscribe(&consumer, &router.io.input)?;
            at_least_once(stage, router, config, shared, consumer, producer, shutdown).await
        }
        DeliveryMode::ExactlyOnce => {
            let transactional_id = format!("{}-{}-{}", io.group, name, instance_id());
            let producer = service_producer(config, &[("transactional.id", &transactional_id)])?;
            let router = Router::new(name, io, producer.client())?;
            subscribe(&consumer, &router.io.input)?;
            crate::transactional::exactly_once(
                stage, router, config, shared, consumer, producer, shutdown,
            )
            .await
        }
    }
}

fn service_consumer(
    config: &KafkaConfig,
    io: &ServiceTopics,
    shared: Arc<Shared>,
) -> Result<StreamConsumer<ServiceContext>, Error> {
    let mut forced = vec![("group.id", io.group.as_str())];
    match config.delivery {
        DeliveryMode::AtLeastOnce => {
            forced.push(("enable.auto.commit", "true"));
            forced.push(("enable.auto.offset.store", "false"));
        }
        DeliveryMode::ExactlyOnce => {
            forced.push(("enable.auto.commit", "false"));
            forced.push(("isolation.level", "read_committed"));
        }
    }
    config
        .client_config(Role::Consumer, &forced)
        .create_with_context(ServiceContext { shared })
        .map_err(|source| Error::Client {
            role: "consumer",
            source,
        })
}

pub(crate) fn service_producer(
    config: &KafkaConfig,
    extra: &[(&str, &str)],
) -> Result<FutureProducer, Error> {
    let mut forced = vec![("enable.idempotence", "true")];
    forced.extend_from_slice(extra);
    config
        .client_config(Role::Producer, &forced)
        .create()
        .map_err(|source| Error::Client {
            role: "producer",
            source,
        })
}

fn subscribe(consumer: &StreamConsumer<ServiceContext>, topic: &str) -> Result<(), Error> {
    consumer
        .subscribe(&[topic])
        .map_err(|source| Error::Subscribe {
            topic: topic.to_string(),
            source,
        })
}

/// Rebuilds the stage's state for partitions assigned since the last call.
pub(crate) async fn restore_assigned<S: ServiceStage>(
    stage: &mut S,
    router: &Router,
    config: &KafkaConfig,
    shared: &Shared,
) -> Result<(), Error> {
    let assigned = std::mem::take(&mut shared.assignment().to_restore);
    let Some(topic) = router.io.state.clone() else {
        return Ok(());
    };
    if assigned.is_empty() {
        return Ok(());
    }
    let mut partitions: Vec<i32> = assigned
        .iter()
        .map(|p| router.state_partition(*p))
        .collect();
    partitions.dedup();
    let started = Instant::now();
    let mut attempt = 1;
    let read = loop {
        match rebuild(stage, &topic, &partitions, config).await {
            Ok(read) => break read,
            Err(error) if attempt < 3 => {
                tracing::warn!(%error, stage = router.stage, attempt, "State rebuild failed; retrying.");
                tokio::time::sleep(Duration::from_secs(attempt)).await;
                attempt += 1;
            }
            Err(error) => return Err(error),
        }
    };
    tracing::info!(
        stage = router.stage,
        topic,
        ?partitions,
        records = read,
        entries = stage.state_size().map(|size| size.entries()),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "State rebuilt from the changelog."
    );
    Ok(())
}

/// Runs the stage on one consumed record, counts what it did, and turns its outputs
/// into records for the producer.
pub(crate) fn process_message<S: ServiceStage>(
    stage: &mut S,
    message: &BorrowedMessage<'_>,
    emits: &mut Vec<Emit>,
    router: &Router,
    metrics: &StageMetrics,
) -> Result<Routed, Error> {
    let payload = message.payload().unwrap_or_default();
    let started = Instant::now();
    stage.process(
        Input {
            payload,
            timestamp_ms: message.timestamp().to_millis(),
        },
        emits,
    );
    let seconds = started.elapsed().as_secs_f64();
    for kind in stage.event_types() {
        metrics.event(kind);
    }
    let routed = router.route(message, emits, metrics)?;
    metrics.record(routed.outcome, payload.len() as u64, seconds);
    Ok(routed)
}

pub(crate) fn report_state<S: ServiceStage>(stage: &S, metrics: &StageMetrics) {
    if let Some(size) = stage.state_size() {
        metrics.dedup_index(
            size.entries_by_language
                .iter()
                .map(|(language, entries)| (language.as_str(), *entries)),
        );
        metrics.dedup_index_bytes(size.bytes);
    }
}

async fn at_least_once<S: ServiceStage>(
    mut stage: S,
    router: Router,
    config: &KafkaConfig,
    shared: Arc<Shared>,
    consumer: Arc<StreamConsumer<ServiceContext>>,
    producer: FutureProducer,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Error> {
    let max_in_flight = config.max_in_flight.clamp(1, u32::MAX as usize >> 4);
    let permits = Arc::new(Semaphore::new(max_in_flight));
    let mut emits = Vec::new();
    let mut seen = 0u64;
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_closed) => break,
            },
        };
        // Rebalance callbacks run inside recv(): rebuild what they handed over before
        // touching a record, and wake up now and then so that a rebuild does not
        // wait for the first record.
        restore_assigned(&mut stage, &router, config, &shared).await?;
        let message = tokio::select! {
            biased;
            () = &mut shutdown => break,
            message = tokio::time::timeout(IDLE_WAKE, consumer.recv()) => message,
        };
        let message = match message {
            Ok(Ok(message)) => message,
            Ok(Err(error)) => {
                tracing::warn!(%error, stage = router.stage, "Consumer error.");
                continue;
            }
            Err(_idle) => continue,
        };
        restore_assigned(&mut stage, &router, config, &shared).await?;

        let routed = process_message(&mut stage, &message, &mut emits, &router, &shared.metrics)?;
        seen += 1;
        if seen.is_multiple_of(256) {
            report_state(&stage, &shared.metrics);
        }

        let ticket = shared
            .tracker()
            .begin(message.topic(), message.partition(), message.offset());
        shared.metrics.in_flight(1);
        let mut deliveries = Vec::with_capacity(routed.records.len());
        for record in routed.records {
            let delivery = enqueue(&producer, &record, &shared.metrics).await;
            deliveries.push((record, delivery));
        }
        let final_stage = router.io.next_is_final;
        let task_producer = producer.clone();
        let task_shared = shared.clone();
        let task_consumer = consumer.clone();
        let ingest_ms = routed.ingest_ms;
        tokio::spawn(async move {
            for (record, delivery) in deliveries {
                deliver(&task_producer, &record, delivery, &task_shared.metrics).await;
            }
            if final_stage {
                if let Some(ingest) = ingest_ms {
                    let seconds = (now_ms() - ingest).max(0) as f64 / 1000.0;
                    task_shared.metrics.end_to_end_latency(seconds);
                }
            }
            complete(&task_shared, &*task_consumer, &ticket);
            drop(permit);
        });
    }

    // Graceful shutdown: nothing more is fetched; wait for what is in flight.
    tracing::info!(
        stage = router.stage,
        "Shutting down: draining in-flight records."
    );
    if let Some(health) = &shared.health {
        health.set_ready(false);
    }
    let deadline = tokio::time::Instant::now() + shared.drain_timeout;
    let drained = tokio::time::timeout_at(deadline, permits.acquire_many(max_in_flight as u32))
        .await
        .is_ok();
    if !drained {
        tracing::warn!(
            stage = router.stage,
            in_flight = shared.tracker().total_in_flight(),
            "Shutdown timeout reached; records still in flight will be redelivered."
        );
    }
    shared.closing.store(true, Ordering::Relaxed);
    commit_stored(&*consumer, &shared.metrics, router.stage);
    report_state(&stage, &shared.metrics);
    let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
    if let Err(error) = producer.flush(remaining) {
        tracing::warn!(%error, stage = router.stage, "Producer flush incomplete at shutdown.");
    }
    tracing::info!(stage = router.stage, "Service stopped.");
    Ok(())
}

/// Marks a record done and stores its partition's new committable offset.
fn complete<C: Consumer<ServiceContext>>(shared: &Shared, consumer: &C, ticket: &Ticket) {
    {
        let mut tracker = shared.tracker();
        if let Some(next) = tracker.complete(ticket) {
            // Stored under the lock, so a revocation that sees the partition drained
            // also sees its offset stored.
            let mut offsets = TopicPartitionList::new();
            let stored = offsets
                .add_partition_offset(ticket.topic(), ticket.partition(), Offset::Offset(next))
                .and_then(|()| consumer.store_offsets(&offsets));
            if let Err(error) = stored {
                shared.metrics.commit_error();
                tracing::warn!(
                    %error,
                    topic = ticket.topic(),
                    partition = ticket.partition(),
                    offset = next,
                    "Failed to store offset."
                );
            }
        }
    }
    shared.metrics.in_flight(-1);
    shared.completed.notify_all();
}

/// A fresh trace context, for records produced by `newsflow produce`.
pub fn new_traceparent() -> String {
    TraceParent::generate().to_string()
}
