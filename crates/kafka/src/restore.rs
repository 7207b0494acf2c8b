//! Rebuilding a stage's state from its changelog: read the assigned partition numbers
//! from the beginning to their end with a separate consumer that never joins a group,
//! and hand every record to [`Stage::restore`]; [`restore_assigned`] does it for the
//! partitions a rebalance just assigned to a service.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::{ClientContext, Offset, TopicPartitionList};

use newsflow_stage::{Restored, Stage};
use newsflow_telemetry::Metrics;

use crate::config::{DeliveryMode, KafkaConfig, Role};
use crate::context::Shared;
use crate::error::Error;
use crate::routing::Router;

/// How long one rebuild may take before the service goes on with what it read.
const REBUILD_TIMEOUT: Duration = Duration::from_secs(120);
const METADATA_TIMEOUT: Duration = Duration::from_secs(10);
/// Bytes one fetch may return per changelog partition (librdkafka's default: 1 MB).
const REBUILD_PARTITION_FETCH_BYTES: &str = "16777216";

/// Changelog bytes the reading thread gathers before handing them to the stage: one
/// allocation and one channel hand-off per batch instead of per record.
const BATCH_BYTES: usize = 1 << 20;
/// Batches between the reader and the stage: bounds the memory a slow stage lets the
/// reader fill, and lets the reader go on while the stage restores.
const BATCHES_IN_FLIGHT: usize = 4;

/// Rebuilds `stage`'s state from `partitions` of the changelog `topic`, as a service
/// does for the partitions it was just assigned. Returns the number of records read.
///
/// A blocking thread reads while the stage restores what was read before. Every
/// record is validated by the stage against the restore time: future times are
/// clamped (counted in `newsflow_restore_clamped_total{stage}`), invalid records are
/// skipped (counted in `newsflow_restore_skipped_total{stage,reason}` and logged with
/// their partition and offset).
pub async fn rebuild<S: Stage + ?Sized>(
    stage: &mut S,
    topic: &str,
    partitions: &[i32],
    config: &KafkaConfig,
) -> Result<u64, Error> {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Batch>(BATCHES_IN_FLIGHT);
    let reader_config = config.clone();
    let reader_topic = topic.to_string();
    let reader_partitions = partitions.to_vec();
    let read_committed = config.delivery == DeliveryMode::ExactlyOnce;
    let reader = tokio::task::spawn_blocking(move || {
        let mut batch = Batch::with_capacity(BATCH_BYTES);
        let read = read_changelog(
            &reader_config,
            &reader_topic,
            &reader_partitions,
            read_committed,
            |payload, partition, offset| {
                batch.push(payload, partition, offset);
                if batch.bytes.len() < BATCH_BYTES {
                    return true;
                }
                let full = std::mem::replace(&mut batch, Batch::with_capacity(BATCH_BYTES));
                sender.blocking_send(full).is_ok()
            },
        )?;
        // An error means the stage side is gone: nobody is left to restore the rest.
        let _ = sender.blocking_send(batch);
        Ok(read)
    });
    let now_ms = crate::context::now_ms();
    let metrics = Metrics::global();
    let name = stage.name();
    let (mut skipped, mut clamped) = (0u64, 0u64);
    while let Some(batch) = receiver.recv().await {
        for (payload, (partition, offset)) in batch.records().zip(batch.origins.iter().copied()) {
            match stage.restore(payload, now_ms) {
                Restored::Kept | Restored::Ignored => {}
                Restored::Clamped => {
                    clamped += 1;
                    metrics.restore_clamped(name);
                    if clamped <= LOGGED_PER_REBUILD {
                        tracing::warn!(
                            topic,
                            partition,
                            offset,
                            "Changelog record from the future: its time is clamped to now."
                        );
                    }
                }
                Restored::Skipped(reason) => {
                    skipped += 1;
                    metrics.restore_skipped(name, reason);
                    if skipped <= LOGGED_PER_REBUILD {
                        tracing::warn!(
                            topic,
                            partition,
                            offset,
                            reason,
                            bytes = payload.len(),
                            "Invalid changelog record skipped."
                        );
                    }
                }
            }
        }
    }
    if skipped > LOGGED_PER_REBUILD || clamped > LOGGED_PER_REBUILD {
        tracing::warn!(
            topic,
            skipped,
            clamped,
            "More changelog records were skipped or clamped than logged one by one."
        );
    }
    reader
        .await
        .map_err(|error| Error::Task(error.to_string()))?
}

/// Rebuilds the stage's state for partitions assigned since the last call.
pub(crate) async fn restore_assigned<S: Stage + ?Sized>(
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
    let Some(topic) = router.changelog.as_ref().map(|route| route.topic.clone()) else {
        return Ok(());
    };
    let mut partitions: Vec<i32> = assigned
        .iter()
        .map(|p| router.state_partition(*p))
        .collect();
    partitions.sort_unstable();
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
        elapsed_ms = started.elapsed().as_millis() as u64,
        "State rebuilt from the changelog."
    );
    // The state gauges show the rebuilt state before the first record.
    stage.report();
    Ok(())
}

/// Invalid or clamped changelog records logged one by one per rebuild; the rest are
/// counted, and summed up in one line.
const LOGGED_PER_REBUILD: u64 = 20;

/// Changelog values read in a row, end to end in one buffer.
#[derive(Debug, Default)]
struct Batch {
    bytes: Vec<u8>,
    /// Where each value ends in `bytes`.
    ends: Vec<usize>,
    /// The partition and offset of each value.
    origins: Vec<(i32, i64)>,
}

impl Batch {
    fn with_capacity(bytes: usize) -> Batch {
        Batch {
            bytes: Vec::with_capacity(bytes),
            ends: Vec::new(),
            origins: Vec::new(),
        }
    }

    fn push(&mut self, value: &[u8], partition: i32, offset: i64) {
        self.bytes.extend_from_slice(value);
        self.ends.push(self.bytes.len());
        self.origins.push((partition, offset));
    }

    fn records(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let value = &self.bytes[start..end];
            start = end;
            value
        })
    }
}

/// The changelog consumer's context: the end of a partition is how a rebuild knows it
/// is done, not an error worth the default context's error log.
struct RestoreContext;

impl ClientContext for RestoreContext {
    fn error(&self, error: KafkaError, reason: &str) {
        match error {
            // The error callback sees it as a global error, polling as a partition's.
            KafkaError::PartitionEOF(_) | KafkaError::Global(RDKafkaErrorCode::PartitionEOF) => {
                tracing::trace!(reason, "Changelog partition read.")
            }
            error => tracing::warn!(%error, reason, "Changelog consumer error."),
        }
    }
}

impl ConsumerContext for RestoreContext {}

/// Reads `partitions` of `topic` up to their high watermarks at the time of the call,
/// handing every value to `sink` (which returns false to stop). Returns the number
/// of records read.
fn read_changelog(
    config: &KafkaConfig,
    topic: &str,
    partitions: &[i32],
    read_committed: bool,
    mut sink: impl FnMut(&[u8], i32, i64) -> bool,
) -> Result<u64, Error> {
    let isolation = if read_committed {
        "read_committed"
    } else {
        "read_uncommitted"
    };
    // librdkafka refuses assign() without a group id; this group never subscribes
    // nor commits, so it never joins or disturbs the service's group.
    let group = format!("newsflow-restore-{topic}");
    let consumer: BaseConsumer<RestoreContext> = config
        .client_config(
            Role::Consumer,
            &[
                ("group.id", &group),
                ("enable.auto.commit", "false"),
                ("enable.auto.offset.store", "false"),
                ("isolation.level", isolation),
                ("statistics.interval.ms", "0"),
                ("enable.partition.eof", "true"),
                // A bulk read from the start: larger fetches mean fewer requests for
                // the broker to serve (about 10% less Tansu CPU for 1,000,000
                // records than the 1 MB default); fetch.max.bytes (50 MB) still caps a
                // response. The prefetch queue stays at its default: smaller ones left
                // the stage waiting for fetches.
                ("max.partition.fetch.bytes", REBUILD_PARTITION_FETCH_BYTES),
            ],
        )
        .create_with_context(RestoreContext)
        .map_err(|source| Error::Client {
            role: "changelog consumer",
            source,
        })?;
    let mut targets: HashMap<i32, i64> = HashMap::new();
    let mut assignment = TopicPartitionList::new();
    for &partition in partitions {
        let (low, high) = consumer
            .fetch_watermarks(topic, partition, METADATA_TIMEOUT)
            .map_err(|source| Error::MissingTopic {
                topic: topic.to_string(),
                reason: source.to_string(),
            })?;
        tracing::debug!(topic, partition, low, high, "Changelog partition to read.");
        if high > low {
            targets.insert(partition, high);
            assignment
                .add_partition_offset(topic, partition, Offset::Offset(low))
                .map_err(|source| Error::Subscribe {
                    topic: topic.to_string(),
                    source,
                })?;
        }
    }
    if targets.is_empty() {
        return Ok(0);
    }
    consumer
        .assign(&assignment)
        .map_err(|source| Error::Subscribe {
            topic: topic.to_string(),
            source,
        })?;
    let deadline = Instant::now() + REBUILD_TIMEOUT;
    let mut read = 0u64;
    while !targets.is_empty() {
        if Instant::now() > deadline {
            tracing::warn!(
                topic,
                remaining = ?targets,
                "Changelog rebuild timed out; going on with a partial index."
            );
            break;
        }
        match consumer.poll(Duration::from_millis(200)) {
            Some(Ok(message)) => {
                let partition = message.partition();
                tracing::trace!(
                    topic,
                    partition,
                    offset = message.offset(),
                    "Changelog record."
                );
                if let Some(payload) = message.payload() {
                    read += 1;
                    if !sink(payload, partition, message.offset()) {
                        return Ok(read);
                    }
                }
            }
            // The end of the log as the fetch response reports it: the high watermark
            // from the list-offsets call above only says whether there is anything to
            // read (some brokers, Tansu among them, report a stale one there).
            Some(Err(KafkaError::PartitionEOF(partition))) => {
                targets.remove(&partition);
            }
            Some(Err(error)) => {
                tracing::warn!(%error, topic, "Error while reading the changelog.");
            }
            None => {}
        }
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_gives_back_each_value_as_it_was_pushed() {
        let mut batch = Batch::with_capacity(16);
        for (offset, value) in [&b"{\"id\":\"a\"}"[..], b"", b"longer than the capacity"]
            .into_iter()
            .enumerate()
        {
            batch.push(value, 0, offset as i64);
        }
        let values: Vec<&[u8]> = batch.records().collect();
        assert_eq!(
            values,
            [&b"{\"id\":\"a\"}"[..], b"", b"longer than the capacity"]
        );
        assert!(Batch::default().records().next().is_none());
    }
}
