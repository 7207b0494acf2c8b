//! The exactly-once mode: read-process-write in transactions. Outputs of a batch and
//! the batch's input offsets commit together; a failed batch is aborted and its
//! partitions rewound, so nothing is lost and nothing is committed twice.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use newsflow_stage::Stage;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::producer::{DeliveryFuture, Producer};
use rdkafka::{Offset, TopicPartitionList};

use crate::context::{now_ms, ServiceContext, Shared};
use crate::delivery::ServiceProducer;
use crate::error::Error;
use crate::produce::enqueue;
use crate::restore::restore_assigned;
use crate::routing::Router;
use crate::runtime::{inbound, process_message, Report, Service, IDLE_WAKE};

/// Most records per transaction, and longest a transaction stays open.
const BATCH_RECORDS: usize = 500;
const BATCH_TIME: Duration = Duration::from_millis(100);
const TXN_TIMEOUT: Duration = Duration::from_secs(30);

/// The open transaction.
struct Batch {
    started: Instant,
    /// Per input partition: first offset read and next offset to consume.
    offsets: BTreeMap<i32, (i64, i64)>,
    deliveries: Vec<DeliveryFuture>,
    records: usize,
    ingest_ms: Vec<i64>,
    /// Error codes of the dead-letter records, counted once committed.
    dlq: Vec<&'static str>,
}

pub(crate) async fn exactly_once<S: Stage>(service: Service<'_, S>) -> Result<(), Error> {
    let Service {
        mut stage,
        router,
        config,
        shared,
        consumer,
        producer,
    } = service;
    let mut report = Report::new();
    blocking(&producer, |p| p.init_transactions(TXN_TIMEOUT)).await?;
    let batch_records = config.max_in_flight.clamp(1, BATCH_RECORDS);
    let mut batch: Option<Batch> = None;
    let mut outputs = Vec::new();
    let mut abandoned = 0;
    loop {
        let wait = match &batch {
            Some(open) => BATCH_TIME.saturating_sub(open.started.elapsed()),
            None => IDLE_WAKE,
        };
        let received = tokio::select! {
            biased;
            () = shared.stopped() => break,
            received = tokio::time::timeout(wait, consumer.recv()) => received,
        };
        if std::mem::take(&mut shared.assignment().revoked_since_check) {
            if let Some(open) = batch.take() {
                // The group moved on: these offsets may no longer be ours to commit.
                abort(&producer, &consumer, &shared, open).await?;
            }
        }
        restore_assigned(&mut stage, &router, config, &shared).await?;
        match received {
            Ok(Ok(message)) => {
                if batch.is_none() {
                    blocking(&producer, |p| p.begin_transaction()).await?;
                    batch = Some(Batch {
                        started: Instant::now(),
                        offsets: BTreeMap::new(),
                        deliveries: Vec::new(),
                        records: 0,
                        ingest_ms: Vec::new(),
                        dlq: Vec::new(),
                    });
                }
                let Some(open) = batch.as_mut() else {
                    continue;
                };
                let input = inbound(&message);
                let routed = process_message(
                    &mut stage,
                    &message,
                    &input,
                    &mut outputs,
                    &router,
                    &shared.metrics,
                    config.record_budget_ms,
                )?;
                let Ok(sent) = enqueue(&producer, &router, &input, routed.records, &shared).await
                else {
                    // Stopping or fatal with a record half written: the open
                    // transaction must not commit; the broker aborts it.
                    abandoned = open.records + 1;
                    shared.metrics.in_flight(-(open.records as i64));
                    batch = None;
                    break;
                };
                for sent in sent {
                    open.dlq.extend(sent.dlq);
                    open.deliveries.push(sent.delivery);
                }
                let entry = open
                    .offsets
                    .entry(message.partition())
                    .or_insert((message.offset(), message.offset() + 1));
                entry.1 = message.offset() + 1;
                open.records += 1;
                shared.metrics.in_flight(1);
                open.ingest_ms.extend(routed.ingest_ms);
            }
            Ok(Err(error)) => {
                tracing::warn!(%error, stage = router.stage, "Consumer error.");
            }
            Err(_elapsed) => {}
        }
        let due = batch.as_ref().is_some_and(|open| {
            open.records >= batch_records || open.started.elapsed() >= BATCH_TIME
        });
        if due {
            if let Some(open) = batch.take() {
                commit(&producer, &consumer, &router, &shared, open).await?;
            }
        }
        report.when_due(&stage);
    }
    tracing::info!(
        stage = router.stage,
        "Shutting down: committing the open transaction."
    );
    shared.closing.store(true, Ordering::Relaxed);
    shared.request_stop();
    shared.update_ready();
    if let Some(open) = batch.take() {
        let deadline = shared.drain_timeout;
        match tokio::time::timeout(
            deadline,
            commit(&producer, &consumer, &router, &shared, open),
        )
        .await
        {
            Ok(result) => result?,
            Err(_elapsed) => tracing::warn!(
                stage = router.stage,
                "Shutdown timeout reached; the open transaction will be aborted by the broker."
            ),
        }
    }
    tracing::info!(stage = router.stage, "Service stopped.");
    if abandoned > 0 {
        return Err(Error::Abandoned {
            in_flight: abandoned,
        });
    }
    Ok(())
}

/// Waits for the batch's deliveries, then commits its offsets and outputs together.
/// Abortable failures abort and rewind; fatal ones stop the service.
async fn commit(
    producer: &ServiceProducer,
    consumer: &Arc<StreamConsumer<ServiceContext>>,
    router: &Router,
    shared: &Shared,
    mut open: Batch,
) -> Result<(), Error> {
    let mut failed = false;
    for delivery in open.deliveries.drain(..) {
        match delivery.await {
            Ok(Ok(_)) => {}
            Ok(Err((error, message))) => {
                let topic = message.topic();
                shared.metrics.produce_error(topic);
                tracing::warn!(%error, topic, "Transactional delivery failed; aborting the batch.");
                failed = true;
            }
            Err(_canceled) => failed = true,
        }
    }
    if failed {
        return abort(producer, consumer, shared, open).await;
    }
    let mut offsets = TopicPartitionList::new();
    for (partition, (_, next)) in &open.offsets {
        offsets
            .add_partition_offset(&shared.input, *partition, Offset::Offset(*next))
            .map_err(Error::Transaction)?;
    }
    let Some(group) = consumer.group_metadata() else {
        return abort(producer, consumer, shared, open).await;
    };
    let sent = blocking(producer, move |p| {
        p.send_offsets_to_transaction(&offsets, &group, TXN_TIMEOUT)
    })
    .await;
    let committed = match sent {
        Ok(()) => blocking(producer, |p| p.commit_transaction(TXN_TIMEOUT)).await,
        Err(error) => Err(error),
    };
    match committed {
        Ok(()) => {
            shared.metrics.in_flight(-(open.records as i64));
            for code in &open.dlq {
                shared.metrics.dlq_code(code);
            }
            let now = now_ms();
            for ingest in &open.ingest_ms {
                shared
                    .metrics
                    .end_to_end_latency((now - ingest).max(0) as f64 / 1000.0);
            }
            Ok(())
        }
        Err(Error::Transaction(error)) if requires_abort(&error) => {
            shared.metrics.commit_error();
            tracing::warn!(%error, stage = router.stage, "Transaction commit failed; aborting.");
            abort(producer, consumer, shared, open).await
        }
        Err(error) => Err(error),
    }
}

/// Aborts the open transaction and rewinds the partitions still owned to the batch's
/// first offsets, so the batch is processed again.
async fn abort(
    producer: &ServiceProducer,
    consumer: &StreamConsumer<ServiceContext>,
    shared: &Shared,
    open: Batch,
) -> Result<(), Error> {
    blocking(producer, |p| p.abort_transaction(TXN_TIMEOUT)).await?;
    shared.metrics.in_flight(-(open.records as i64));
    let owned = consumer.assignment().ok();
    for (partition, (first, _)) in open.offsets {
        let still_owned = owned
            .as_ref()
            .is_some_and(|list| list.find_partition(&shared.input, partition).is_some());
        if still_owned {
            if let Err(error) = consumer.seek(
                &shared.input,
                partition,
                Offset::Offset(first),
                Duration::from_secs(5),
            ) {
                tracing::warn!(%error, partition, "Failed to rewind after an abort.");
            }
        }
    }
    Ok(())
}

fn requires_abort(error: &KafkaError) -> bool {
    match error {
        KafkaError::Transaction(inner) => inner.txn_requires_abort(),
        _ => false,
    }
}

/// Runs a blocking transactional call off the async workers.
async fn blocking<T: Send + 'static>(
    producer: &ServiceProducer,
    call: impl FnOnce(&ServiceProducer) -> Result<T, KafkaError> + Send + 'static,
) -> Result<T, Error> {
    let producer = producer.clone();
    tokio::task::spawn_blocking(move || call(&producer))
        .await
        .map_err(|error| Error::Task(error.to_string()))?
        .map_err(Error::Transaction)
}
