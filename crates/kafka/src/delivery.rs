//! The produce path: hand a record to the producer, tell permanent failures from
//! transient ones, retry the transient ones with backoff (and stop retrying when the
//! service stops), and build the dead-letter record of a permanent one.
//!
//! - **Permanent** (the broker will never take this record: too large, invalid,
//!   not authorised for that topic): the caller dead-letters the record and moves on.
//! - **Fatal** (the client itself is broken: fenced or unknown producer, lost
//!   idempotence state, authorisation failure for the cluster): the service logs the
//!   cause once, turns not-ready and stops, so that the orchestrator restarts it.
//! - **Transient** (everything else: timeouts, leader changes, a broker away):
//!   retried with backoff. While any record is being retried for longer than
//!   `not_ready_after_ms` the service answers 503 on `/readyz`, and which record is
//!   stuck (topic, partition, offset, key) is logged at most once per interval.

use std::time::Duration;

use rdkafka::error::KafkaError;
use rdkafka::message::OwnedHeaders;
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord};
use rdkafka::types::RDKafkaErrorCode;
use sha2::{Digest, Sha256};

use crate::context::{ProducerContext, Shared};
use crate::headers::{dlq_headers, truncated, Source, TraceParent};
use crate::limits::Limits;

/// The producer of a service, whose context reports fatal client errors.
pub(crate) type ServiceProducer = FutureProducer<ProducerContext>;

const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// The dead-letter code of an output the broker refused for its size.
pub(crate) const TOO_LARGE: &str = "too_large";
/// The dead-letter code of an output the broker refused for another permanent reason
/// (invalid record, not authorised for the topic).
pub(crate) const PRODUCE_REJECTED: &str = "produce_rejected";

/// How a produce error is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// This record can never be written: dead-letter it.
    Permanent(&'static str),
    /// The client cannot go on: stop the service.
    Fatal,
    /// Try again later.
    Transient,
}

/// Classifies a produce (or client) error.
pub(crate) fn classify(error: &KafkaError) -> Class {
    use RDKafkaErrorCode as C;
    let Some(code) = error.rdkafka_error_code() else {
        return Class::Transient;
    };
    match code {
        C::MessageSizeTooLarge | C::InvalidMessageSize => Class::Permanent(TOO_LARGE),
        C::InvalidMessage | C::InvalidRecord | C::TopicAuthorizationFailed => {
            Class::Permanent(PRODUCE_REJECTED)
        }
        C::Fatal
        | C::ProducerFenced
        | C::InvalidProducerEpoch
        | C::UnknownProducerId
        | C::OutOfOrderSequenceNumber
        | C::InvalidProducerIdMapping
        | C::ClusterAuthorizationFailed
        | C::TransactionalIdAuthorizationFailed
        | C::GroupAuthorizationFailed
        | C::SaslAuthenticationFailed
        | C::Authentication => Class::Fatal,
        _ => Class::Transient,
    }
}

/// Why a record was not handed to the producer.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Never writable; the code is the dead-letter reason.
    Permanent {
        code: &'static str,
        error: KafkaError,
    },
    /// The client is broken (already reported to the service).
    Fatal,
    /// The service is stopping: the record is left undone, to be redelivered.
    Stopped,
}

/// The input record an output belongs to, for logs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin<'a> {
    pub(crate) topic: &'a str,
    pub(crate) partition: i32,
    pub(crate) offset: i64,
}

/// One record to produce.
pub(crate) struct Outgoing<'a> {
    pub(crate) topic: &'a str,
    pub(crate) partition: Option<i32>,
    pub(crate) key: Option<&'a [u8]>,
    pub(crate) payload: &'a [u8],
    pub(crate) headers: Option<OwnedHeaders>,
}

/// Hands a record to the producer: waits while its queue is full (backpressure),
/// retries transient refusals with backoff, and gives up on a permanent or fatal
/// one, or when the service stops.
pub(crate) async fn send(
    producer: &ServiceProducer,
    out: Outgoing<'_>,
    origin: Origin<'_>,
    shared: &Shared,
) -> Result<DeliveryFuture, Failure> {
    if out.payload.len() > shared.limits.max_output_bytes() {
        // Larger than any output may be: the producer could take it, the consumers
        // of the topic might not.
        return Err(Failure::Permanent {
            code: TOO_LARGE,
            error: KafkaError::MessageProduction(RDKafkaErrorCode::MessageSizeTooLarge),
        });
    }
    let mut record: FutureRecord<'_, [u8], [u8]> = FutureRecord::to(out.topic).payload(out.payload);
    if let Some(key) = out.key {
        record = record.key(key);
    }
    if let Some(headers) = out.headers {
        record = record.headers(headers);
    }
    if let Some(partition) = out.partition {
        record = record.partition(partition);
    }
    let mut backoff = FIRST_BACKOFF;
    let mut retrying = None;
    loop {
        if shared.is_stopping() {
            return Err(Failure::Stopped);
        }
        match producer.send_result(record) {
            Ok(delivery) => return Ok(delivery),
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                record = back;
                // A full queue for long means the broker is not taking records.
                retrying.get_or_insert_with(|| shared.retrying());
                shared.pause(Duration::from_millis(5)).await;
            }
            Err((error, back)) => {
                record = back;
                match classify(&error) {
                    Class::Permanent(code) => return Err(Failure::Permanent { code, error }),
                    Class::Fatal => {
                        shared.fatal(&error.to_string());
                        return Err(Failure::Fatal);
                    }
                    Class::Transient => {}
                }
                shared.metrics.produce_error(out.topic);
                retrying.get_or_insert_with(|| shared.retrying());
                shared.log_retry(&error, out.topic, origin, out.key, backoff);
                shared.pause(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// Produces a record until the broker acknowledges it, retrying transient delivery
/// failures with backoff.
pub(crate) async fn deliver(
    producer: &ServiceProducer,
    out: Outgoing<'_>,
    origin: Origin<'_>,
    shared: &Shared,
) -> Result<(), Failure> {
    let delivery = send(producer, clone_outgoing(&out), origin, shared).await?;
    let mut failed = match delivery.await {
        Ok(Ok(_)) => return Ok(()),
        Ok(Err((error, _))) => error,
        Err(_canceled) => return Err(Failure::Stopped),
    };
    redeliver(producer, out, origin, shared, &mut failed).await
}

fn clone_outgoing<'a>(out: &Outgoing<'a>) -> Outgoing<'a> {
    Outgoing {
        topic: out.topic,
        partition: out.partition,
        key: out.key,
        payload: out.payload,
        headers: out.headers.clone(),
    }
}

/// Produces again a record whose delivery failed with `failed`, until the broker
/// takes it or the failure turns out permanent or fatal.
pub(crate) async fn redeliver(
    producer: &ServiceProducer,
    out: Outgoing<'_>,
    origin: Origin<'_>,
    shared: &Shared,
    failed: &mut KafkaError,
) -> Result<(), Failure> {
    let _retrying = shared.retrying();
    let mut backoff = FIRST_BACKOFF;
    loop {
        match classify(failed) {
            Class::Permanent(code) => {
                return Err(Failure::Permanent {
                    code,
                    error: failed.clone(),
                })
            }
            Class::Fatal => {
                shared.fatal(&failed.to_string());
                return Err(Failure::Fatal);
            }
            Class::Transient => {}
        }
        shared.metrics.produce_error(out.topic);
        shared.log_retry(failed, out.topic, origin, out.key, backoff);
        shared.pause(backoff).await;
        if shared.is_stopping() {
            return Err(Failure::Stopped);
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
        let delivery = send(producer, clone_outgoing(&out), origin, shared).await?;
        *failed = match delivery.await {
            Ok(Ok(_)) => return Ok(()),
            Ok(Err((error, _))) => error,
            Err(_canceled) => return Err(Failure::Stopped),
        };
    }
}

/// A dead-letter record: the payload (cut to a prefix with its size and SHA-256 when
/// larger than an input may be), the key, and the reason and origin in headers.
pub(crate) struct DeadLetter {
    pub(crate) key: Option<Vec<u8>>,
    pub(crate) payload: Vec<u8>,
    pub(crate) headers: OwnedHeaders,
}

impl DeadLetter {
    #[allow(clippy::too_many_arguments)] // one call per place a record is dead-lettered
    pub(crate) fn new(
        stage: &str,
        trace: &TraceParent,
        code: &str,
        reason: &str,
        source: Source<'_>,
        key: Option<&[u8]>,
        payload: &[u8],
        limits: &Limits,
    ) -> DeadLetter {
        let headers = dlq_headers(stage, trace, code, reason, source);
        let (payload, headers) = if payload.len() > limits.max_record_bytes() {
            let digest = Sha256::digest(payload);
            let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
            let prefix = prefix(payload, limits.dlq_prefix_bytes());
            (prefix.to_vec(), truncated(headers, payload.len(), &hex))
        } else {
            (payload.to_vec(), headers)
        };
        DeadLetter {
            key: key.map(<[u8]>::to_vec),
            payload,
            headers,
        }
    }
}

/// At most `max` bytes of `payload`, cut at a character boundary when it is UTF-8.
fn prefix(payload: &[u8], max: usize) -> &[u8] {
    if payload.len() <= max {
        return payload;
    }
    let mut end = max;
    if std::str::from_utf8(payload).is_ok() {
        // Continuation bytes are 0b10xx_xxxx.
        while end > 0 && (payload[end] & 0xC0) == 0x80 {
            end -= 1;
        }
    }
    &payload[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdkafka::message::Headers;

    #[test]
    fn size_and_authorisation_refusals_are_permanent_and_lost_producer_state_is_fatal() {
        let produce = |code| KafkaError::MessageProduction(code);
        assert_eq!(
            classify(&produce(RDKafkaErrorCode::MessageSizeTooLarge)),
            Class::Permanent(TOO_LARGE)
        );
        assert_eq!(
            classify(&produce(RDKafkaErrorCode::TopicAuthorizationFailed)),
            Class::Permanent(PRODUCE_REJECTED)
        );
        assert_eq!(
            classify(&produce(RDKafkaErrorCode::InvalidRecord)),
            Class::Permanent(PRODUCE_REJECTED)
        );
        for fatal in [
            RDKafkaErrorCode::UnknownProducerId,
            RDKafkaErrorCode::ProducerFenced,
            RDKafkaErrorCode::Fatal,
            RDKafkaErrorCode::OutOfOrderSequenceNumber,
            RDKafkaErrorCode::ClusterAuthorizationFailed,
        ] {
            assert_eq!(classify(&produce(fatal)), Class::Fatal, "{fatal:?}");
        }
        for transient in [
            RDKafkaErrorCode::MessageTimedOut,
            RDKafkaErrorCode::NotLeaderForPartition,
            RDKafkaErrorCode::AllBrokersDown,
            RDKafkaErrorCode::UnknownTopicOrPartition,
        ] {
            assert_eq!(classify(&produce(transient)), Class::Transient);
        }
    }

    #[test]
    fn an_oversized_dead_letter_keeps_a_prefix_its_size_and_its_hash() {
        let limits = Limits::new(1000);
        let payload = "é".repeat(2000).into_bytes();
        let source = Source {
            topic: "news.raw",
            partition: 0,
            offset: 7,
        };
        let trace = TraceParent::generate();
        let letter = DeadLetter::new(
            "lang",
            &trace,
            TOO_LARGE,
            "too big",
            source,
            Some(b"k"),
            &payload,
            &limits,
        );
        assert!(letter.payload.len() <= limits.dlq_prefix_bytes());
        assert!(
            std::str::from_utf8(&letter.payload).is_ok(),
            "cut at a char boundary"
        );
        assert!(payload.starts_with(&letter.payload));
        let header = |name: &str| {
            letter
                .headers
                .iter()
                .find(|h| h.key == name)
                .and_then(|h| h.value)
                .map(|v| String::from_utf8_lossy(v).into_owned())
        };
        assert_eq!(header("newsflow-original-bytes").as_deref(), Some("4000"));
        let expected: String = Sha256::digest(&payload)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(header("newsflow-original-sha256"), Some(expected));
        assert_eq!(header("newsflow-error-code").as_deref(), Some("too_large"));

        let small = DeadLetter::new(
            "lang", &trace, TOO_LARGE, "x", source, None, b"whole", &limits,
        );
        assert_eq!(small.payload, b"whole");
        assert!(small
            .headers
            .iter()
            .all(|h| h.key != "newsflow-original-bytes"));
    }
}
