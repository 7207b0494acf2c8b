//! Rebuilding a stage's state from its changelog: read the assigned partition numbers
//! from the beginning to their end with a separate consumer that never joins a group,
//! and hand every record to [`ServiceStage::restore`].

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};

use newsflow_pipeline::ServiceStage;

use crate::config::{DeliveryMode, KafkaConfig, Role};
use crate::error::Error;

/// How long one rebuild may take before the service goes on with what it read.
const REBUILD_TIMEOUT: Duration = Duration::from_secs(120);
const METADATA_TIMEOUT: Duration = Duration::from_secs(10);

/// Rebuilds `stage`'s state from `partitions` of the changelog `topic`, as a service
/// does for the partitions it was just assigned. Returns the number of records read.
pub async fn rebuild<S: ServiceStage>(
    stage: &mut S,
    topic: &str,
    partitions: &[i32],
    config: &KafkaConfig,
) -> Result<u64, Error> {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Vec<u8>>(1024);
    let reader_config = config.clone();
    let reader_topic = topic.to_string();
    let reader_partitions = partitions.to_vec();
    let read_committed = config.delivery == DeliveryMode::ExactlyOnce;
    let reader = tokio::task::spawn_blocking(move || {
        read_changelog(
            &reader_config,
            &reader_topic,
            &reader_partitions,
            read_committed,
            |payload| sender.blocking_send(payload).is_ok(),
        )
    });
    while let Some(payload) = receiver.recv().await {
        stage.restore(&payload);
    }
    reader
        .await
        .map_err(|error| Error::Task(error.to_string()))?
}

/// Reads `partitions` of `topic` up to their high watermarks at the time of the call,
/// handing every value to `sink` (which returns false to stop). Returns the number
/// of records read.
fn read_changelog(
    config: &KafkaConfig,
    topic: &str,
    partitions: &[i32],
    read_committed: bool,
    mut sink: impl FnMut(Vec<u8>) -> bool,
) -> Result<u64, Error> {
    let isolation = if read_committed {
        "read_committed"
    } else {
        "read_uncommitted"
    };
    // librdkafka refuses assign() without a group id; this group never subscribes
    // nor commits, so it never joins or disturbs the service's group.
    let group = format!("newsflow-restore-{topic}");
    let consumer: BaseConsumer = config
        .client_config(
            Role::Consumer,
            &[
                ("group.id", &group),
                ("enable.auto.commit", "false"),
                ("enable.auto.offset.store", "false"),
                ("isolation.level", isolation),
                ("statistics.interval.ms", "0"),
                ("enable.partition.eof", "true"),
            ],
        )
        .create()
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
                    if !sink(payload.to_vec()) {
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
