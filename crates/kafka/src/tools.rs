//! The user helpers behind `newsflow produce` and `newsflow tail`.

use std::time::Duration;

use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{DeliveryFuture, FutureRecord, Producer};
use rdkafka::types::RDKafkaErrorCode;

use crate::admin::partition_count;
use crate::client::service_producer;
use crate::config::{KafkaConfig, Role};
use crate::delivery::ServiceProducer;
use crate::error::Error;
use crate::headers::TRACEPARENT_HEADER;
use crate::runtime::new_traceparent;

/// Loads records into a topic; [`Loader::finish`] waits for every delivery.
pub struct Loader {
    producer: ServiceProducer,
    topic: String,
    pending: Vec<DeliveryFuture>,
    delivered: u64,
}

/// Deliveries awaited at once before more records are read.
const WINDOW: usize = 10_000;

impl Loader {
    /// A loader for `topic` (which must exist).
    pub fn new(config: &KafkaConfig, topic: &str) -> Result<Loader, Error> {
        config.check_limits()?;
        let producer = service_producer(config, &[], None)?;
        partition_count(producer.client(), topic, Duration::from_secs(10))?;
        Ok(Loader {
            producer,
            topic: topic.to_string(),
            pending: Vec::new(),
            delivered: 0,
        })
    }

    /// Produces one line: keyed by its `id` when it is a JSON object with a string
    /// id, sent as it is in every case (bad lines are the pipeline's to reject).
    pub async fn send(&mut self, line: &[u8]) -> Result<(), Error> {
        let key = line_key(line);
        let trace = new_traceparent();
        let headers = OwnedHeaders::new().insert(Header {
            key: TRACEPARENT_HEADER,
            value: Some(&trace),
        });
        loop {
            let mut record = FutureRecord::to(&self.topic)
                .payload(line)
                .headers(headers.clone());
            if let Some(key) = &key {
                record = record.key(key.as_str());
            }
            match self.producer.send_result(record) {
                Ok(delivery) => {
                    self.pending.push(delivery);
                    break;
                }
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => {
                    self.settle(self.pending.len() / 2).await?;
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                Err((source, _)) => {
                    return Err(Error::Produce {
                        topic: self.topic.clone(),
                        source,
                    })
                }
            }
        }
        if self.pending.len() >= WINDOW {
            self.settle(WINDOW / 2).await?;
        }
        Ok(())
    }

    /// Records acknowledged so far.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// Waits until at most `keep` deliveries are pending.
    async fn settle(&mut self, keep: usize) -> Result<(), Error> {
        let settle = self.pending.len().saturating_sub(keep);
        for delivery in self.pending.drain(..settle) {
            match delivery.await {
                Ok(Ok(_)) => self.delivered += 1,
                Ok(Err((source, _))) => {
                    return Err(Error::Produce {
                        topic: self.topic.clone(),
                        source,
                    })
                }
                Err(_canceled) => {
                    return Err(Error::Produce {
                        topic: self.topic.clone(),
                        source: KafkaError::Canceled,
                    })
                }
            }
        }
        Ok(())
    }

    /// Waits for every delivery; returns the number of records acknowledged.
    pub async fn finish(mut self) -> Result<u64, Error> {
        self.settle(0).await?;
        self.producer
            .flush(Duration::from_secs(30))
            .map_err(|source| Error::Produce {
                topic: self.topic.clone(),
                source,
            })?;
        Ok(self.delivered)
    }
}

/// The record key for a JSONL line: its `id` when the line is an object with a
/// string (or number) id.
pub fn line_key(line: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct WithId {
        id: Option<serde_json::Value>,
    }
    match serde_json::from_slice::<WithId>(line).ok()?.id? {
        serde_json::Value::String(id) if !id.is_empty() => Some(id),
        serde_json::Value::Number(id) => Some(id.to_string()),
        _ => None,
    }
}

/// One record read by [`Tail`].
#[derive(Debug, Clone)]
pub struct TailRecord {
    /// Partition.
    pub partition: i32,
    /// Offset.
    pub offset: i64,
    /// Key, when there is one (lossy UTF-8).
    pub key: Option<String>,
    /// Value bytes.
    pub payload: Vec<u8>,
    /// Headers (lossy UTF-8 values).
    pub headers: Vec<(String, String)>,
}

/// Reads a topic as it grows, outside any consumer group's committed offsets.
pub struct Tail {
    consumer: StreamConsumer,
}

impl Tail {
    /// Subscribes to `topic`, from its beginning or from new records only.
    pub fn new(config: &KafkaConfig, topic: &str, from_beginning: bool) -> Result<Tail, Error> {
        let group = format!("newsflow-tail-{}", crate::client::instance_id());
        let reset = if from_beginning { "earliest" } else { "latest" };
        let consumer: StreamConsumer = config
            .client_config(
                Role::Consumer,
                &[
                    ("group.id", &group),
                    ("enable.auto.commit", "false"),
                    ("auto.offset.reset", reset),
                    ("statistics.interval.ms", "0"),
                ],
            )
            .create()
            .map_err(|source| Error::Client {
                role: "consumer",
                source,
            })?;
        partition_count(consumer.client(), topic, Duration::from_secs(10))?;
        consumer
            .subscribe(&[topic])
            .map_err(|source| Error::Subscribe {
                topic: topic.to_string(),
                source,
            })?;
        Ok(Tail { consumer })
    }

    /// The next record.
    pub async fn next(&self) -> Result<TailRecord, Error> {
        loop {
            match self.consumer.recv().await {
                Ok(message) => {
                    let headers = message
                        .headers()
                        .map(|headers| {
                            headers
                                .iter()
                                .map(|h| {
                                    let value = h
                                        .value
                                        .map(|v| String::from_utf8_lossy(v).into_owned())
                                        .unwrap_or_default();
                                    (h.key.to_string(), value)
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    return Ok(TailRecord {
                        partition: message.partition(),
                        offset: message.offset(),
                        key: message
                            .key()
                            .map(|k| String::from_utf8_lossy(k).into_owned()),
                        payload: message.payload().unwrap_or_default().to_vec(),
                        headers,
                    });
                }
                Err(error) => tracing::warn!(%error, "Consumer error while tailing."),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_the_id_of_a_json_object() {
        assert_eq!(
            line_key(br#"{"id":"a-1","title":"x"}"#).as_deref(),
            Some("a-1")
        );
        assert_eq!(line_key(br#"{"id":42}"#).as_deref(), Some("42"));
    }

    #[test]
    fn lines_without_a_usable_id_have_no_key() {
        for line in [
            &br#"{"url":"http://x"}"#[..],
            br#"{"id":""}"#,
            br#"{"id":null}"#,
            br#"[1,2]"#,
            b"not json",
            &[0xff, 0xfe],
            b"",
        ] {
            assert_eq!(line_key(line), None);
        }
    }
}
