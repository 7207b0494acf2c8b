//! The generic service runtime: [`run_service`] drives any [`Stage`] between the
//! topics its [`Node`] names, knowing no stage.
//!
//! The runtime is split by concern: `client` (consumer, producer, broker watch),
//! `routing` (outputs to topics and partitions), `produce` (handing outputs to the
//! producer, retries, dead letters), `at_least_once` and `transactional` (the two
//! loops), `restore` (state rebuild on assignment). This file holds what they share:
//! the [`Service`] they run and the step that runs the stage on one record.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use newsflow_stage::{Headers, Input, Node, Output, Stage};
use newsflow_telemetry::{Health, Metrics, StageMetrics};
use rdkafka::consumer::StreamConsumer;
use rdkafka::message::{BorrowedHeaders, BorrowedMessage, Headers as _, Message};
use rdkafka::producer::Producer;

use crate::admin::partition_count;
use crate::at_least_once::at_least_once;
use crate::client::{
    instance_id, service_consumer, service_producer, subscribe, watch_broker, CLOSE_TIMEOUT,
};
use crate::config::{DeliveryMode, KafkaConfig};
use crate::context::{now_ms, Assignment, ServiceContext, Shared};
use crate::delivery::ServiceProducer;
use crate::error::Error;
use crate::headers::{carried, Carried, Source, TraceParent};
use crate::offsets::OffsetTracker;
use crate::routing::{Inbound, Routed, Router};
use crate::transactional::exactly_once;

pub use crate::headers::INGEST_HEADER;

const METADATA_TIMEOUT: Duration = Duration::from_secs(10);
/// How often an idle consumer loop wakes up to look for partitions to rebuild.
pub(crate) const IDLE_WAKE: Duration = Duration::from_millis(250);
/// How often a stage is asked to report its state gauges.
const REPORT_EVERY: Duration = Duration::from_secs(5);

/// What both loops run: the stage, where its outputs go, and the clients.
pub(crate) struct Service<'a, S> {
    pub(crate) stage: S,
    pub(crate) router: Router,
    pub(crate) config: &'a KafkaConfig,
    pub(crate) shared: Arc<Shared>,
    pub(crate) consumer: Arc<StreamConsumer<ServiceContext>>,
    pub(crate) producer: ServiceProducer,
}

/// When the stage last reported its state gauges.
pub(crate) struct Report {
    last: Instant,
}

impl Report {
    pub(crate) fn new() -> Report {
        Report {
            last: Instant::now(),
        }
    }

    /// Has the stage report its state when [`REPORT_EVERY`] has passed: on a timer,
    /// so a quiet service still exports it.
    pub(crate) fn when_due<S: Stage + ?Sized>(&mut self, stage: &S) {
        if self.last.elapsed() >= REPORT_EVERY {
            stage.report();
            self.last = Instant::now();
        }
    }
}

/// The input's headers as the stage contract reads them.
struct MessageHeaders<'a>(Option<&'a BorrowedHeaders>);

impl Headers for MessageHeaders<'_> {
    fn get(&self, name: &str) -> Option<&[u8]> {
        self.0?
            .iter()
            .find(|header| header.key == name)
            .and_then(|header| header.value)
    }
}

/// What routing and dead letters need of a consumed record.
pub(crate) fn inbound<'m>(message: &'m BorrowedMessage<'_>) -> Inbound<'m> {
    let Carried { trace, ingest_ms } = carried(message.headers());
    Inbound {
        source: Source {
            topic: message.topic(),
            partition: message.partition(),
            offset: message.offset(),
        },
        key: message.key(),
        payload: message.payload().unwrap_or_default(),
        trace,
        // The first hop has no header yet: the raw record's own broker timestamp.
        ingest_ms: ingest_ms.or_else(|| message.timestamp().to_millis()),
    }
}

/// Runs `stage` as a service until `shutdown` completes: consumes `node.input` in
/// `group`, produces every output to the topic `node` routes its slot to, and commits an input offset only after all
/// outputs of that record (and of every earlier record of its partition) were
/// acknowledged. On shutdown: stops fetching and retrying, drains in-flight records,
/// commits, and returns, all within `shutdown_timeout_ms`; with
/// [`Error::Abandoned`] when records were left uncommitted (they are redelivered),
/// or [`Error::Fatal`] when a client reached a state it cannot leave.
///
/// `health` (when given) gets a part that is ready while partitions are assigned,
/// the broker answers and no output has been stuck in retries for longer than
/// `not_ready_after_ms`.
pub async fn run_service<S: Stage>(
    mut stage: S,
    node: &Node,
    group: &str,
    config: &KafkaConfig,
    health: Option<Health>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), Error> {
    config.check_limits()?;
    let name = stage.name();
    let metrics = StageMetrics::new(name);
    stage.register(&Metrics::global().telemetry());
    let shared = Arc::new(Shared {
        stage: name,
        input: node.input.clone(),
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
    let consumer = Arc::new(service_consumer(config, group, shared.clone())?);
    tracing::info!(
        stage = name,
        input = node.input,
        group,
        delivery = ?config.delivery,
        brokers = config.brokers,
        max_record_bytes = config.limits.max_record_bytes(),
        max_output_bytes = config.limits.max_output_bytes(),
        "Service starting."
    );
    let watch = tokio::spawn(watch_broker(shared.clone(), consumer.clone()));
    let service = async {
        let producer = match config.delivery {
            DeliveryMode::AtLeastOnce => service_producer(config, &[], Some(shared.clone()))?,
            DeliveryMode::ExactlyOnce => {
                let transactional_id = format!("{group}-{name}-{}", instance_id());
                service_producer(
                    config,
                    &[("transactional.id", &transactional_id)],
                    Some(shared.clone()),
                )?
            }
        };
        let router = Router::new(&stage, node, config.limits, |topic| {
            partition_count(producer.client(), topic, METADATA_TIMEOUT)
        })?;
        subscribe(&consumer, &router.input)?;
        let service = Service {
            stage,
            router,
            config,
            shared: shared.clone(),
            consumer: consumer.clone(),
            producer,
        };
        match config.delivery {
            DeliveryMode::AtLeastOnce => at_least_once(service).await,
            DeliveryMode::ExactlyOnce => exactly_once(service).await,
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

/// Runs the stage on one consumed record, counts what it did, and turns its outputs
/// into records for the producer.
pub(crate) fn process_message<'r, S: Stage>(
    stage: &mut S,
    message: &BorrowedMessage<'_>,
    input: &Inbound<'_>,
    outputs: &mut Vec<Output>,
    router: &'r Router,
    metrics: &StageMetrics,
    budget_ms: u64,
) -> Result<Routed<'r>, Error> {
    let payload = message.payload().unwrap_or_default();
    let started = Instant::now();
    let budget = (budget_ms > 0).then(|| Duration::from_millis(budget_ms));
    let headers = MessageHeaders(message.headers());
    stage.process(
        Input {
            payload,
            key: message.key(),
            headers: &headers,
            timestamp_ms: message.timestamp().to_millis(),
            deadline: budget.map(|budget| started + budget),
            source: Some(newsflow_stage::Source {
                topic: message.topic(),
                partition: message.partition(),
                offset: message.offset(),
            }),
        },
        outputs,
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
    let routed = router.route(input, outputs)?;
    metrics.record(routed.outcome, payload.len() as u64, seconds);
    Ok(routed)
}

/// A fresh trace context, for records produced by `newsflow produce`.
pub fn new_traceparent() -> String {
    TraceParent::generate().to_string()
}
