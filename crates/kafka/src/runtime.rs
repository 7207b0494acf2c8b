//! The generic service runtime: consume, run the stage, produce every output, and
//! store the input offset only once all of them are acknowledged.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use futures_util::{FutureExt, StreamExt};
use newsflow_pipeline::{Emit, Input, ServiceStage};
use newsflow_telemetry::{Health, RecordOutcome, StageMetrics};
use rdkafka::consumer::{Consumer, MessageStream, StreamConsumer};
use rdkafka::error::{KafkaError, KafkaResult};
use rdkafka::message::{BorrowedMessage, Message, OwnedHeaders, OwnedMessage};
use rdkafka::producer::{DeliveryFuture, Producer};
use rdkafka::{Offset, TopicPartitionList};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

use crate::admin::partition_count;
use crate::config::{DeliveryMode, KafkaConfig, Role};
pub(crate) use crate::context::now_ms;
use crate::context::{commit_stored, Assignment, ProducerContext, ServiceContext, Shared};
pub(crate) use crate::delivery::ServiceProducer;
use crate::delivery::{deliver, redeliver, send, DeadLetter, Failure, Origin, Outgoing};
use crate::error::Error;
use crate::headers::{carried, output_headers, Carried, Source, TraceParent};
use crate::limits::Limits;
use crate::offsets::{OffsetTracker, Ticket};
use crate::restore::rebuild;
use crate::routing::language_partition;

pub use crate::headers::INGEST_HEADER;

const METADATA_TIMEOUT: Duration = Duration::from_secs(10);
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

/// One output of a record, on its way to the producer.
#[derive(Debug)]
pub(crate) struct OutRecord<'a> {
    pub(crate) topic: &'a str,
    pub(crate) partition: Option<i32>,
    pub(crate) key: Option<Vec<u8>>,
    pub(crate) payload: Vec<u8>,
    pub(crate) headers: OwnedHeaders,
    /// A dead-letter record: its error code, counted once the broker has it.
    pub(crate) dlq: Option<&'static str>,
}

/// An output handed to the producer. A failed delivery hands the message back, so a
/// retry needs only the partition asked for (`None`: the partitioner's choice by key,
/// which picks the same partition again).
pub(crate) struct Sent {
    partition: Option<i32>,
    pub(crate) dlq: Option<&'static str>,
    pub(crate) delivery: DeliveryFuture,
}

/// Hands every output of `message` to the producer (see [`send`]). An output the
/// broker can never take is replaced by a dead-letter copy of the input, once per
/// input; a dead-letter record that cannot be written is a fatal state, since the
/// record could then neither go on nor be set aside.
pub(crate) async fn enqueue(
    producer: &ServiceProducer,
    router: &Router,
    message: &BorrowedMessage<'_>,
    records: Vec<OutRecord<'_>>,
    shared: &Shared,
) -> Result<Vec<Sent>, Failure> {
    let origin = Origin {
        topic: message.topic(),
        partition: message.partition(),
        offset: message.offset(),
    };
    let mut sent = Vec::with_capacity(records.len());
    let mut dead_lettered = false;
    for record in records {
        let outgoing = Outgoing {
            topic: record.topic,
            partition: record.partition,
            key: record.key.as_deref(),
            payload: &record.payload,
            headers: Some(record.headers),
        };
        let (code, error) = match send(producer, outgoing, origin, shared).await {
            Ok(delivery) => {
                sent.push(Sent {
                    partition: record.partition,
                    dlq: record.dlq,
                    delivery,
                });
                continue;
            }
            Err(Failure::Permanent { code, error }) => (code, error),
            Err(failure) => return Err(failure),
        };
        if record.topic == router.io.dlq {
            shared.fatal(&format!(
                "the dead-letter topic {} refuses records: {error}",
                record.topic
            ));
            return Err(Failure::Fatal);
        }
        tracing::warn!(
            %error,
            stage = router.stage,
            topic = record.topic,
            bytes = record.payload.len(),
            source_topic = origin.topic,
            source_partition = origin.partition,
            source_offset = origin.offset,
            "Output can never be written; dead-lettering the input instead."
        );
        if std::mem::replace(&mut dead_lettered, true) {
            continue;
        }
        let reason = format!(
            "cannot write the {} output to {}: {error}",
            router.stage, record.topic
        );
        let letter = router.dead_letter(
            message,
            code,
            &reason,
            message.payload().unwrap_or_default(),
        );
        let outgoing = Outgoing {
            topic: &router.io.dlq,
            partition: None,
            key: letter.key.as_deref(),
            payload: &letter.payload,
            headers: Some(letter.headers),
        };
        match send(producer, outgoing, origin, shared).await {
            Ok(delivery) => sent.push(Sent {
                partition: None,
                dlq: Some(code),
                delivery,
            }),
            Err(Failure::Permanent { error, .. }) => {
                shared.fatal(&format!(
                    "the dead-letter topic {} refuses records: {error}",
                    router.io.dlq
                ));
                return Err(Failure::Fatal);
            }
            Err(failure) => return Err(failure),
        }
    }
    Ok(sent)
}

/// Where a service writes and how it routes, resolved once at start-up.
pub(crate) struct Router {
    pub(crate) stage: &'static str,
    pub(crate) io: ServiceTopics,
    limits: Limits,
    next_partitions: i32,
    state_partitions: i32,
}

/// What one input record became, for metrics.
pub(crate) struct Routed<'a> {
    pub(crate) records: Vec<OutRecord<'a>>,
    pub(crate) outcome: RecordOutcome,
    pub(crate) ingest_ms: Option<i64>,
}

impl Router {
    pub(crate) fn new<C: rdkafka::ClientContext>(
        stage: &'static str,
        io: ServiceTopics,
        limits: Limits,
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
            limits,
            next_partitions,
            state_partitions,
        })
    }

    /// The dead-letter record of `message` for a failure other than its content.
    pub(crate) fn dead_letter(
        &self,
        message: &BorrowedMessage<'_>,
        code: &str,
        reason: &str,
        payload: &[u8],
    ) -> DeadLetter {
        let trace = carried(message.headers()).trace;
        DeadLetter::new(
            self.stage,
            &trace,
            code,
            reason,
            source(message),
            message.key(),
            payload,
            &self.limits,
        )
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
    ) -> Result<Routed<'_>, Error> {
        let Carried { trace, ingest_ms } = carried(message.headers());
        // The first hop has no header yet: the raw record's own broker timestamp.
        let ingest_ms = ingest_ms.or_else(|| message.timestamp().to_millis());
        let mut shared_headers = Some(output_headers(self.stage, &trace, ingest_ms));
        let mut records = Vec::with_capacity(emits.len());
        let mut outcome = RecordOutcome::Error;
        let count = emits.len();
        for (index, emit) in emits.drain(..).enumerate() {
            // Every output but the last gets a copy; the last takes the original.
            let mut headers = || {
                if index + 1 == count {
                    shared_headers.take().unwrap_or_default()
                } else {
                    shared_headers.clone().unwrap_or_default()
                }
            };
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
                        topic: &self.io.next,
                        partition,
                        key: Some(key.into_bytes()),
                        payload,
                        headers: headers(),
                        dlq: None,
                    });
                }
                Emit::Duplicate { key, near, payload } => {
                    let topic = self.io.duplicates.as_deref().ok_or(Error::NoTopicFor {
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
                        headers: headers(),
                        dlq: None,
                    });
                }
                Emit::State { key, payload, .. } => {
                    let topic = self.io.state.as_deref().ok_or(Error::NoTopicFor {
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
                        headers: headers(),
                        dlq: None,
                    });
                }
                Emit::Reject(rejection) => {
                    outcome = RecordOutcome::Rejected;
                    let code = rejection.error.code.as_str();
                    let letter = DeadLetter::new(
                        self.stage,
                        &trace,
                        code,
                        &rejection.error.message,
                        source(message),
                        message.key(),
                        message.payload().unwrap_or_default(),
                        &self.limits,
                    );
                    records.push(OutRecord {
                        topic: &self.io.dlq,
                        partition: None,
                        key: letter.key,
                        payload: letter.payload,
                        headers: letter.headers,
                        dlq: Some(code),
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

fn source<'m>(message: &'m BorrowedMessage<'_>) -> Source<'m> {
    Source {
        topic: message.topic(),
        partition: message.partition(),
        offset: message.offset(),
    }
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
/// acknowledged. On shutdown: stops fetching and retrying, drains in-flight records,
/// commits, and returns, all within `shutdown_timeout_ms`; with
/// [`Error::Abandoned`] when records were left uncommitted (they are redelivered),
/// or [`Error::Fatal`] when a client reached a state it cannot leave.
///
/// `health` (when given) gets a part that is ready while partitions are assigned,
/// the broker answers and no output has been stuck in retries for longer than
/// `not_ready_after_ms`.
pub async fn run_service<S: ServiceStage>(
    stage: S,
    io: ServiceTopics,
    config: &KafkaConfig,
    health: Option<Health>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Error> {
    config.check_limits()?;
    let name = stage.name();
    let metrics = StageMetrics::new(name);
    let shared = Arc::new(Shared {
        stage: name,
        input: io.input.clone(),
        tracker: Mutex::new(OffsetTracker::new()),
        completed: Condvar::new(),
        assignment: Mutex::new(Assignment::default()),
        metrics,
        readiness: health.map(|health| health.part()),
        drain_timeout: Duration::from_millis(config.shutdown_timeout_ms),
        transactional: config.delivery == DeliveryMode::ExactlyOnce,
        closing: AtomicBool::new(false),
        limits: config.limits,
        stop: tokio::sync::watch::Sender::new(false),
        fatal: Mutex::new(None),
        retrying: AtomicUsize::new(0),
        retrying_since_ms: AtomicI64::new(0),
        retry_logged: Mutex::new(None),
        awaiting_since_ms: AtomicI64::new(0),
        broker_seen_ms: AtomicI64::new(now_ms()),
        not_ready_after: Duration::from_millis(config.not_ready_after_ms.max(1)),
    });
    let consumer = Arc::new(service_consumer(config, &io, shared.clone())?);
    tracing::info!(
        stage = name,
        input = io.input,
        group = io.group,
        delivery = ?config.delivery,
        brokers = config.brokers,
        max_record_bytes = config.limits.max_record_bytes(),
        max_output_bytes = config.limits.max_output_bytes(),
        "Service starting."
    );
    let watch = tokio::spawn(watch_broker(shared.clone(), consumer.clone()));
    let service = async {
        match config.delivery {
            DeliveryMode::AtLeastOnce => {
                let producer = service_producer(config, &[], Some(shared.clone()))?;
                let router = Router::new(name, io, config.limits, producer.client())?;
                subscribe(&consumer, &router.io.input)?;
                at_least_once(
                    stage,
                    router,
                    config,
                    shared.clone(),
                    consumer.clone(),
                    producer,
                )
                .await
            }
            DeliveryMode::ExactlyOnce => {
                let transactional_id = format!("{}-{}-{}", io.group, name, instance_id());
                let producer = service_producer(
                    config,
                    &[("transactional.id", &transactional_id)],
                    Some(shared.clone()),
                )?;
                let router = Router::new(name, io, config.limits, producer.client())?;
                subscribe(&consumer, &router.io.input)?;
                crate::transactional::exactly_once(
                    stage,
                    router,
                    config,
                    shared.clone(),
                    consumer.clone(),
                    producer,
                )
                .await
            }
        }
    };
    // The signal only asks to stop: the loops, retries and drain see it through
    // `shared` and end within the shutdown timeout.
    let signal = async {
        shutdown.await;
        shared.request_stop();
        std::future::pending::<()>().await;
    };
    let result = tokio::select! {
        result = service => result,
        () = signal => unreachable!("the signal future never completes"),
    };
    watch.abort();
    // Closing the consumer leaves the group, a broker round trip that a frozen or
    // lost broker never answers: close on a blocking thread, and wait a little only.
    let closing = tokio::task::spawn_blocking(move || drop(consumer));
    if tokio::time::timeout(CLOSE_TIMEOUT, closing).await.is_err() {
        tracing::warn!(
            stage = name,
            "Consumer close did not finish; leaving it behind."
        );
    }
    match shared.fatal_cause() {
        Some(cause) => Err(Error::Fatal { cause }),
        None => result,
    }
}

/// How long the end of a service waits for its consumer to leave the group.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

/// How often a service that stays not ready says so.
const NOT_READY_LOG_EVERY: Duration = Duration::from_secs(30);

/// How often the broker is asked for metadata to know it still answers.
const BROKER_PROBE_EVERY: Duration = Duration::from_secs(1);

/// Asks the broker for the input topic's metadata every second, so that readiness
/// follows the broker within `not_ready_after_ms` (a frozen broker keeps its
/// connections open and answers nothing), and re-evaluates readiness.
async fn watch_broker(shared: Arc<Shared>, consumer: Arc<StreamConsumer<ServiceContext>>) {
    let probe_timeout = shared
        .not_ready_after
        .min(Duration::from_secs(2))
        .max(Duration::from_millis(100));
    // Not ready for long is logged, with why, at most every NOT_READY_LOG_EVERY:
    // a service never sits silent.
    let mut not_ready_since: Option<Instant> = None;
    let mut logged: Option<Instant> = None;
    loop {
        match shared.blocker() {
            Some(blocker) if blocker != "stopping" => {
                let since = *not_ready_since.get_or_insert_with(Instant::now);
                let due = logged.is_none_or(|at| at.elapsed() >= NOT_READY_LOG_EVERY);
                if since.elapsed() >= shared.not_ready_after && due {
                    logged = Some(Instant::now());
                    tracing::warn!(
                        stage = shared.stage,
                        reason = blocker,
                        not_ready_ms = since.elapsed().as_millis() as u64,
                        in_flight = shared.tracker().total_in_flight(),
                        "Service not ready."
                    );
                }
            }
            _ => not_ready_since = None,
        }
        let (client, topic) = (consumer.clone(), shared.input.clone());
        let answered = tokio::task::spawn_blocking(move || {
            client
                .client()
                .fetch_metadata(Some(&topic), probe_timeout)
                .is_ok()
        })
        .await
        .unwrap_or(false);
        if answered {
            shared.broker_seen(true);
        } else {
            shared.update_ready();
        }
        if shared.is_stopping() {
            return;
        }
        shared.pause(BROKER_PROBE_EVERY).await;
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
    shared: Option<Arc<Shared>>,
) -> Result<ServiceProducer, Error> {
    let mut forced = vec![("enable.idempotence", "true")];
    forced.extend_from_slice(extra);
    config
        .client_config(Role::Producer, &forced)
        .create_with_context(ProducerContext { shared })
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
    // Runs before every record: costs one uncontended lock when nothing was assigned.
    let assigned = std::mem::take(&mut shared.assignment().to_restore);
    if assigned.is_empty() {
        return Ok(());
    }
    let Some(topic) = router.io.state.clone() else {
        return Ok(());
    };
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
pub(crate) fn process_message<'r, S: ServiceStage>(
    stage: &mut S,
    message: &BorrowedMessage<'_>,
    emits: &mut Vec<Emit>,
    router: &'r Router,
    metrics: &StageMetrics,
    budget_ms: u64,
) -> Result<Routed<'r>, Error> {
    let payload = message.payload().unwrap_or_default();
    let started = Instant::now();
    let budget = (budget_ms > 0).then(|| Duration::from_millis(budget_ms));
    stage.process(
        Input {
            payload,
            timestamp_ms: message.timestamp().to_millis(),
            deadline: budget.map(|budget| started + budget),
        },
        emits,
    );
    let partial = stage.partial();
    let elapsed = started.elapsed();
    let seconds = elapsed.as_secs_f64();
    if partial || budget.is_some_and(|budget| elapsed > budget) {
        metrics.over_budget(partial);
        tracing::warn!(
            stage = router.stage,
            topic = message.topic(),
            partition = message.partition(),
            offset = message.offset(),
            bytes = payload.len(),
            elapsed_ms = elapsed.as_millis() as u64,
            budget_ms,
            partial,
            "Record over its CPU budget."
        );
    }
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

/// Most records handled per turn of the consumer loop without waiting (what the
/// consumer has ready), between two looks at the shutdown signal.
const READY_BATCH: usize = 256;
/// Most records whose acknowledgements are handled, and offsets stored, at once.
const ACK_BATCH: usize = 512;

/// A consumed record whose outputs are on their way to the broker.
struct InFlight {
    ticket: Ticket,
    outputs: Vec<Sent>,
    ingest_ms: Option<i64>,
    /// When its outputs were handed to the producer.
    enqueued_ms: i64,
    /// Released once the record is done (or given up on): the shutdown drain waits
    /// for every permit.
    _permit: OwnedSemaphorePermit,
}

async fn at_least_once<S: ServiceStage>(
    mut stage: S,
    router: Router,
    config: &KafkaConfig,
    shared: Arc<Shared>,
    consumer: Arc<StreamConsumer<ServiceContext>>,
    producer: ServiceProducer,
) -> Result<(), Error> {
    let max_in_flight = config.max_in_flight.clamp(1, u32::MAX as usize >> 4);
    let permits = Arc::new(Semaphore::new(max_in_flight));
    // One task awaits every delivery and stores offsets for many records at once,
    // rather than a task and an offset store per record. It runs apart from this
    // loop, so a revocation (which blocks this loop inside the consumer poll until
    // the revoked partitions drain) still sees their records complete.
    let (in_flight, acks) = mpsc::unbounded_channel();
    let acknowledger = tokio::spawn(acknowledge(
        acks,
        producer.clone(),
        shared.clone(),
        consumer.clone(),
        router.io.next_is_final,
        (router.io.dlq.clone(), router.limits),
    ));
    let mut turn = Turn {
        stage: &mut stage,
        router: &router,
        config,
        shared: &shared,
        producer: &producer,
        in_flight,
        emits: Vec::new(),
        seen: 0,
    };
    // One stream for the whole loop: each `recv()` would register a new waker slot.
    let mut messages = consumer.stream();
    'consume: loop {
        let permit = tokio::select! {
            biased;
            () = shared.stopped() => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_closed) => break,
            },
        };
        // Rebalance callbacks run inside the poll: rebuild what they handed over before
        // touching a record, and wake up now and then so that a rebuild does not wait
        // for the first record.
        turn.restore().await?;
        let message = tokio::select! {
            biased;
            () = shared.stopped() => break,
            message = tokio::time::timeout(IDLE_WAKE, messages.next()) => message,
        };
        match message {
            Ok(Some(Ok(message))) => {
                if !turn.handle(&message, permit).await? {
                    break 'consume;
                }
            }
            Ok(Some(Err(error))) => {
                tracing::warn!(%error, stage = router.stage, "Consumer error.");
                continue;
            }
            Ok(None) | Err(_) => continue,
        }
        // Then whatever else is ready, without a timer or a select per record.
        for _ in 1..READY_BATCH {
            let Ok(permit) = permits.clone().try_acquire_owned() else {
                break;
            };
            match ready(&mut messages) {
                Some(Ok(message)) => {
                    if !turn.handle(&message, permit).await? {
                        break 'consume;
                    }
                }
                Some(Err(error)) => {
                    tracing::warn!(%error, stage = router.stage, "Consumer error.");
                }
                None => break,
            }
        }
        if shared.is_stopping() {
            break;
        }
    }
    drop(messages);
    drop(turn);

    // Graceful shutdown: nothing more is fetched; wait for what is in flight. Three
    // quarters of the budget for the drain, the rest for the commit and the flush.
    tracing::info!(
        stage = router.stage,
        "Shutting down: draining in-flight records."
    );
    shared.closing.store(true, Ordering::Relaxed);
    shared.request_stop();
    shared.update_ready();
    let started = tokio::time::Instant::now();
    let deadline = started + shared.drain_timeout;
    let drain_deadline = started + shared.drain_timeout * 3 / 4;
    let drained =
        tokio::time::timeout_at(drain_deadline, permits.acquire_many(max_in_flight as u32))
            .await
            .is_ok();
    // Every sender is gone: the acknowledger ends once its queue is empty.
    if drained {
        if let Err(error) = acknowledger.await {
            tracing::warn!(%error, stage = router.stage, "Acknowledger task failed.");
        }
    } else {
        acknowledger.abort();
    }
    let abandoned = shared.tracker().total_in_flight();
    if abandoned > 0 {
        tracing::warn!(
            stage = router.stage,
            in_flight = abandoned,
            "Shutdown with records in flight: they will be redelivered."
        );
    }
    commit_stored(&*consumer, &shared.metrics, router.stage);
    report_state(&stage, &shared.metrics);
    let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
    if let Err(error) = producer.flush(remaining.min(Duration::from_secs(1))) {
        tracing::warn!(%error, stage = router.stage, "Producer flush incomplete at shutdown.");
    }
    tracing::info!(stage = router.stage, "Service stopped.");
    if abandoned > 0 {
        return Err(Error::Abandoned {
            in_flight: abandoned,
        });
    }
    Ok(())
}

/// The next message if the consumer has one ready now, without waiting.
fn ready<'c>(
    messages: &mut MessageStream<'c, ServiceContext>,
) -> Option<KafkaResult<BorrowedMessage<'c>>> {
    messages.next().now_or_never().flatten()
}

/// What the consumer loop needs to handle one record.
struct Turn<'a, S> {
    stage: &'a mut S,
    router: &'a Router,
    config: &'a KafkaConfig,
    shared: &'a Arc<Shared>,
    producer: &'a ServiceProducer,
    in_flight: mpsc::UnboundedSender<InFlight>,
    emits: Vec<Emit>,
    seen: u64,
}

impl<S: ServiceStage> Turn<'_, S> {
    async fn restore(&mut self) -> Result<(), Error> {
        restore_assigned(self.stage, self.router, self.config, self.shared).await
    }

    /// Processes one record, enqueues its outputs and hands them to the acknowledger.
    /// `false` when the service stops (the record is left for redelivery).
    async fn handle(
        &mut self,
        message: &BorrowedMessage<'_>,
        permit: OwnedSemaphorePermit,
    ) -> Result<bool, Error> {
        self.restore().await?;
        let shared = self.shared;
        let routed = process_message(
            self.stage,
            message,
            &mut self.emits,
            self.router,
            &shared.metrics,
            self.config.record_budget_ms,
        )?;
        self.seen += 1;
        if self.seen.is_multiple_of(256) {
            report_state(self.stage, &shared.metrics);
        }
        let ticket = shared
            .tracker()
            .begin(message.topic(), message.partition(), message.offset());
        shared.metrics.in_flight(1);
        let outputs =
            match enqueue(self.producer, self.router, message, routed.records, shared).await {
                Ok(outputs) => outputs,
                // Stopping, or a fatal state: the record stays uncommitted.
                Err(_) => return Ok(false),
            };
        let record = InFlight {
            ticket,
            outputs,
            ingest_ms: routed.ingest_ms,
            enqueued_ms: now_ms(),
            _permit: permit,
        };
        if self.in_flight.send(record).is_err() {
            // Only if the acknowledger panicked: its records were never stored, so
            // they will be redelivered; stop rather than consume without storing.
            return Err(Error::Task("the acknowledger stopped".into()));
        }
        Ok(true)
    }
}

/// Awaits the deliveries of records in the order they were consumed and stores the
/// input offsets of whole runs of acknowledged records at once. A failed delivery is
/// handled in a task of its own, so that it holds up no other record.
async fn acknowledge(
    mut queue: mpsc::UnboundedReceiver<InFlight>,
    producer: ServiceProducer,
    shared: Arc<Shared>,
    consumer: Arc<StreamConsumer<ServiceContext>>,
    final_stage: bool,
    dlq: (String, Limits),
) {
    let dlq = Arc::new(dlq);
    let mut batch = Vec::with_capacity(ACK_BATCH);
    let mut done = Vec::with_capacity(ACK_BATCH);
    while queue.recv_many(&mut batch, ACK_BATCH).await > 0 {
        for mut record in batch.drain(..) {
            // A delivery the broker holds (a frozen broker, a full queue) counts as a
            // stall for readiness, like a retry.
            shared
                .awaiting_since_ms
                .store(record.enqueued_ms, Ordering::Relaxed);
            let mut failed = Vec::new();
            let mut closed = false;
            for sent in record.outputs.drain(..) {
                match sent.delivery.await {
                    Ok(Ok(_)) => {
                        if let Some(code) = sent.dlq {
                            shared.metrics.dlq_code(code);
                        }
                    }
                    Ok(Err(failure)) => failed.push((sent.partition, sent.dlq, failure)),
                    Err(_canceled) => closed = true,
                }
            }
            if closed {
                given_up(&shared, &record);
            } else if failed.is_empty() {
                done.push(record);
            } else {
                let (producer, shared, consumer, dlq) = (
                    producer.clone(),
                    shared.clone(),
                    consumer.clone(),
                    dlq.clone(),
                );
                tokio::spawn(async move {
                    for (partition, code, (error, message)) in failed {
                        let delivered = settle_failed(
                            &producer,
                            &shared,
                            &dlq,
                            &record.ticket,
                            partition,
                            code,
                            error,
                            &message,
                        )
                        .await;
                        if !delivered {
                            return given_up(&shared, &record);
                        }
                    }
                    complete(
                        &shared,
                        &*consumer,
                        std::slice::from_ref(&record),
                        final_stage,
                    );
                });
            }
        }
        shared.awaiting_since_ms.store(0, Ordering::Relaxed);
        complete(&shared, &*consumer, &done, final_stage);
        // Permits go back only now, after the offsets were stored.
        done.clear();
    }
}

/// Settles an output whose delivery failed: produced again while the failure is
/// transient, dead-lettered when it is permanent (the value is then the output,
/// cut to a prefix when large, and the headers name the input). `false` when the
/// record must be left for redelivery (stopping, or a fatal state).
#[allow(clippy::too_many_arguments)] // the pieces of one failed output
async fn settle_failed(
    producer: &ServiceProducer,
    shared: &Shared,
    dlq: &(String, Limits),
    ticket: &Ticket,
    partition: Option<i32>,
    code: Option<&'static str>,
    mut error: KafkaError,
    message: &OwnedMessage,
) -> bool {
    let origin = Origin {
        topic: ticket.topic(),
        partition: ticket.partition(),
        offset: ticket.offset(),
    };
    let outgoing = Outgoing {
        topic: message.topic(),
        partition,
        key: message.key(),
        payload: message.payload().unwrap_or_default(),
        headers: message.headers().cloned(),
    };
    let (dlq_code, error) = match redeliver(producer, outgoing, origin, shared, &mut error).await {
        Ok(()) => {
            if let Some(code) = code {
                shared.metrics.dlq_code(code);
            }
            return true;
        }
        Err(Failure::Permanent { code, error }) => (code, error),
        Err(Failure::Fatal | Failure::Stopped) => return false,
    };
    let (dlq_topic, limits) = dlq;
    if message.topic() == dlq_topic {
        shared.fatal(&format!(
            "the dead-letter topic {dlq_topic} refuses records: {error}"
        ));
        return false;
    }
    tracing::warn!(
        %error,
        stage = shared.stage,
        topic = message.topic(),
        source_topic = origin.topic,
        source_partition = origin.partition,
        source_offset = origin.offset,
        "Output refused by the broker for good; dead-lettering it."
    );
    let reason = format!(
        "the broker refused the {} output to {}: {error} (value: that output)",
        shared.stage,
        message.topic()
    );
    let trace = carried(message.headers()).trace;
    let letter = DeadLetter::new(
        shared.stage,
        &trace,
        dlq_code,
        &reason,
        Source {
            topic: origin.topic,
            partition: origin.partition,
            offset: origin.offset,
        },
        message.key(),
        message.payload().unwrap_or_default(),
        limits,
    );
    let outgoing = Outgoing {
        topic: dlq_topic,
        partition: None,
        key: letter.key.as_deref(),
        payload: &letter.payload,
        headers: Some(letter.headers),
    };
    match deliver(producer, outgoing, origin, shared).await {
        Ok(()) => {
            shared.metrics.dlq_code(dlq_code);
            true
        }
        Err(Failure::Permanent { error, .. }) => {
            shared.fatal(&format!(
                "the dead-letter topic {dlq_topic} refuses records: {error}"
            ));
            false
        }
        Err(Failure::Fatal | Failure::Stopped) => false,
    }
}

/// A record whose outputs were not all delivered (the producer closed, the service
/// stops, or a fatal state): its offset is never stored, so it is redelivered.
fn given_up(shared: &Shared, record: &InFlight) {
    tracing::debug!(
        stage = shared.stage,
        partition = record.ticket.partition(),
        offset = record.ticket.offset(),
        "Record left undone; it will be redelivered."
    );
    shared.metrics.in_flight(-1);
}

/// Marks records done and stores each partition's new committable offset, with one
/// offset store for all of them.
fn complete<C: Consumer<ServiceContext>>(
    shared: &Shared,
    consumer: &C,
    records: &[InFlight],
    final_stage: bool,
) {
    if records.is_empty() {
        return;
    }
    if final_stage {
        let now = now_ms();
        for ingest in records.iter().filter_map(|record| record.ingest_ms) {
            let seconds = (now - ingest).max(0) as f64 / 1000.0;
            shared.metrics.end_to_end_latency(seconds);
        }
    }
    {
        let mut tracker = shared.tracker();
        // The newest offset to store per partition; a service reads one topic and a
        // handful of partitions, so a short list beats a map.
        let mut moved: Vec<(&Ticket, i64)> = Vec::new();
        for record in records {
            let ticket = &record.ticket;
            if let Some(next) = tracker.complete(ticket) {
                match moved.iter_mut().find(|(t, _)| {
                    t.partition() == ticket.partition() && t.topic() == ticket.topic()
                }) {
                    Some(entry) => *entry = (ticket, next),
                    None => moved.push((ticket, next)),
                }
            }
        }
        if !moved.is_empty() {
            // Stored under the lock, so a revocation that sees the partition drained
            // also sees its offset stored.
            let mut offsets = TopicPartitionList::with_capacity(moved.len());
            let stored = moved
                .iter()
                .try_for_each(|(ticket, next)| {
                    offsets.add_partition_offset(
                        ticket.topic(),
                        ticket.partition(),
                        Offset::Offset(*next),
                    )
                })
                .and_then(|()| consumer.store_offsets(&offsets));
            if let Err(error) = stored {
                shared.metrics.commit_error();
                tracing::warn!(
                    %error,
                    stage = shared.stage,
                    partitions = ?moved.iter().map(|(t, next)| (t.partition(), *next)).collect::<Vec<_>>(),
                    "Failed to store offsets."
                );
            }
        }
    }
    shared.metrics.in_flight(-(records.len() as i64));
    shared.completed.notify_all();
}

/// A fresh trace context, for records produced by `newsflow produce`.
pub fn new_traceparent() -> String {
    TraceParent::generate().to_string()
}
