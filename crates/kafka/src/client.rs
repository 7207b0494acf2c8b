//! Client setup: the service's consumer and producer, its subscription, the
//! transactional identity, and the broker watch that keeps readiness honest.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::consumer::{Consumer, StreamConsumer};

use crate::config::{DeliveryMode, KafkaConfig, Role};
use crate::context::{ProducerContext, ServiceContext, Shared};
use crate::delivery::ServiceProducer;
use crate::error::Error;

/// Per-process identity for transactional ids: the host and process id.
pub(crate) fn instance_id() -> String {
    let host = std::env::var("NEWSFLOW_INSTANCE_ID")
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "host".into());
    format!("{host}-{}", std::process::id())
}

/// How long the end of a service waits for its consumer to leave the group.
pub(crate) const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

/// How often a service that stays not ready says so.
const NOT_READY_LOG_EVERY: Duration = Duration::from_secs(30);

/// How often the broker is asked for metadata to know it still answers.
const BROKER_PROBE_EVERY: Duration = Duration::from_secs(1);

/// Asks the broker for the input topic's metadata every second, so that readiness
/// follows the broker within `not_ready_after_ms` (a frozen broker keeps its
/// connections open and answers nothing), and re-evaluates readiness.
pub(crate) async fn watch_broker(
    shared: Arc<Shared>,
    consumer: Arc<StreamConsumer<ServiceContext>>,
) {
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

pub(crate) fn service_consumer(
    config: &KafkaConfig,
    group: &str,
    shared: Arc<Shared>,
) -> Result<StreamConsumer<ServiceContext>, Error> {
    let mut forced = vec![("group.id", group)];
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

pub(crate) fn subscribe(
    consumer: &StreamConsumer<ServiceContext>,
    topic: &str,
) -> Result<(), Error> {
    consumer
        .subscribe(&[topic])
        .map_err(|source| Error::Subscribe {
            topic: topic.to_string(),
            source,
        })
}
