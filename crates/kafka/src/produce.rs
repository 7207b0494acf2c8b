//! Producing a record's outputs: hand each to the producer (retrying transient
//! failures, see [`crate::delivery`]), replace an output the broker can never take by
//! a dead letter, and settle a failed delivery once it is reported.

use rdkafka::error::KafkaError;
use rdkafka::message::{Message, OwnedMessage};
use rdkafka::producer::DeliveryFuture;

use crate::context::Shared;
use crate::delivery::{
    deliver, redeliver, send, DeadLetter, Failure, Origin, Outgoing, ServiceProducer,
};
use crate::headers::{carried, Source};
use crate::limits::Limits;
use crate::offsets::Ticket;
use crate::routing::{Inbound, OutRecord, Router};

/// An output handed to the producer. A failed delivery hands the message back, so a
/// retry needs only the partition asked for (`None`: the partitioner's choice by key,
/// which picks the same partition again).
pub(crate) struct Sent {
    pub(crate) partition: Option<i32>,
    pub(crate) dlq: Option<&'static str>,
    pub(crate) delivery: DeliveryFuture,
}

/// Hands every output of `input` to the producer (see [`send`]). An output the
/// broker can never take is replaced by a dead-letter copy of the input, once per
/// input; a dead-letter record that cannot be written is a fatal state, since the
/// record could then neither go on nor be set aside.
pub(crate) async fn enqueue(
    producer: &ServiceProducer,
    router: &Router,
    input: &Inbound<'_>,
    records: Vec<OutRecord<'_>>,
    shared: &Shared,
) -> Result<Vec<Sent>, Failure> {
    let origin = Origin {
        topic: input.source.topic,
        partition: input.source.partition,
        offset: input.source.offset,
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
        if record.topic == router.dlq {
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
        let letter = router.dead_letter(input, code, &reason);
        let outgoing = Outgoing {
            topic: &router.dlq,
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
                    router.dlq
                ));
                return Err(Failure::Fatal);
            }
            Err(failure) => return Err(failure),
        }
    }
    Ok(sent)
}

/// Settles an output whose delivery failed: produced again while the failure is
/// transient, dead-lettered when it is permanent (the value is then the output,
/// cut to a prefix when large, and the headers name the input). `false` when the
/// record must be left for redelivery (stopping, or a fatal state).
#[allow(clippy::too_many_arguments)] // the pieces of one failed output
pub(crate) async fn settle_failed(
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
