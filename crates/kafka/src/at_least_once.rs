//! The at-least-once loop: consume, run the stage, hand every output to the
//! producer, and store an input offset only once all outputs of that record (and of
//! every earlier record of its partition) were acknowledged. A separate acknowledger
//! task awaits deliveries in consumption order and stores offsets in batches.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{FutureExt, StreamExt};
use newsflow_stage::{Output, Stage};
use rdkafka::consumer::{Consumer, MessageStream, StreamConsumer};
use rdkafka::error::KafkaResult;
use rdkafka::message::{BorrowedMessage, Message};
use rdkafka::producer::Producer;
use rdkafka::{Offset, TopicPartitionList};
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

use crate::config::KafkaConfig;
use crate::context::{commit_stored, now_ms, ServiceContext, Shared};
use crate::delivery::ServiceProducer;
use crate::error::Error;
use crate::limits::Limits;
use crate::offsets::Ticket;
use crate::produce::{enqueue, settle_failed, Sent};
use crate::restore::restore_assigned;
use crate::routing::Router;
use crate::runtime::{inbound, process_message, Report, Service, IDLE_WAKE};

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

/// The at-least-once loop: consume, process, hand the outputs to the producer, and
/// let the acknowledger store each input offset once all its outputs are acknowledged.
pub(crate) async fn at_least_once<S: Stage>(service: Service<'_, S>) -> Result<(), Error> {
    let Service {
        mut stage,
        router,
        config,
        shared,
        consumer,
        producer,
    } = service;
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
        (router.dlq.clone(), router.limits),
    ));
    let mut turn = Turn {
        stage: &mut stage,
        router: &router,
        config,
        shared: &shared,
        producer: &producer,
        in_flight,
        outputs: Vec::new(),
        report: Report::new(),
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
        turn.report.when_due(turn.stage);
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
    stage.report();
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
    outputs: Vec<Output>,
    report: Report,
}

impl<S: Stage> Turn<'_, S> {
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
        let input = inbound(message);
        let routed = process_message(
            self.stage,
            message,
            &input,
            &mut self.outputs,
            self.router,
            &shared.metrics,
            self.config.record_budget_ms,
        )?;
        let ticket = shared
            .tracker()
            .begin(message.topic(), message.partition(), message.offset());
        shared.metrics.in_flight(1);
        let outputs =
            match enqueue(self.producer, self.router, &input, routed.records, shared).await {
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
                    complete(&shared, &*consumer, std::slice::from_ref(&record));
                });
            }
        }
        shared.awaiting_since_ms.store(0, Ordering::Relaxed);
        complete(&shared, &*consumer, &done);
        // Permits go back only now, after the offsets were stored.
        done.clear();
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
fn complete<C: Consumer<ServiceContext>>(shared: &Shared, consumer: &C, records: &[InFlight]) {
    if records.is_empty() {
        return;
    }
    // Only records that left the pipeline as enriched carry their ingest time.
    let now = now_ms();
    for ingest in records.iter().filter_map(|record| record.ingest_ms) {
        let seconds = (now - ingest).max(0) as f64 / 1000.0;
        shared.metrics.end_to_end_latency(seconds);
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
