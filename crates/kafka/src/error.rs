//! The runtime's typed errors.

use rdkafka::error::KafkaError;

/// What can stop a Kafka command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A client could not be created (bad property, unreachable broker list...).
    #[error("cannot create the Kafka {role}")]
    Client {
        /// Which client.
        role: &'static str,
        /// The librdkafka error.
        source: KafkaError,
    },
    /// No broker answered the connection check.
    #[error(
        "cannot reach the Kafka broker at {brokers} (gave up after {:.1} s): {}. librdkafka: {detail}",
        waited.as_secs_f64(),
        cause.explain()
    )]
    Unreachable {
        /// The configured bootstrap addresses.
        brokers: String,
        /// Why, as far as librdkafka's reports tell.
        cause: crate::connect::Cause,
        /// librdkafka's last report.
        detail: String,
        /// How long the check waited.
        waited: std::time::Duration,
    },
    /// The brokers did not answer a metadata request (unreachable since the
    /// connection check, or overloaded).
    #[error("cannot read the metadata of topic {topic}: no answer from the brokers")]
    Metadata {
        /// The topic.
        topic: String,
        /// The librdkafka error.
        source: KafkaError,
    },
    /// A topic the service needs does not exist (run `newsflow topics create`).
    #[error("topic {topic} not found (create it with `newsflow topics create`): {reason}")]
    MissingTopic {
        /// The topic.
        topic: String,
        /// What the broker said.
        reason: String,
    },
    /// Subscribing or assigning failed.
    #[error("cannot consume {topic}")]
    Subscribe {
        /// The topic.
        topic: String,
        /// The librdkafka error.
        source: KafkaError,
    },
    /// A stage emitted an output its service has no topic for (a wiring bug).
    #[error("stage {stage} emitted a {output} record but the service has no topic for it")]
    NoTopicFor {
        /// The stage.
        stage: &'static str,
        /// The kind of output.
        output: &'static str,
    },
    /// Creating topics failed.
    #[error("cannot create topic {topic}: {reason}")]
    CreateTopic {
        /// The topic.
        topic: String,
        /// What the broker said.
        reason: String,
    },
    /// A transactional operation failed in a way that cannot be retried.
    #[error("transaction failed: {0}")]
    Transaction(KafkaError),
    /// A produce the caller waits for failed for good.
    #[error("cannot produce to {topic}")]
    Produce {
        /// The topic.
        topic: String,
        /// The librdkafka error.
        source: KafkaError,
    },
    /// A blocking helper task failed.
    #[error("background task failed: {0}")]
    Task(String),
    /// The size limits do not agree (see [`crate::limits::Limits::check`]).
    #[error("size limits do not agree: {reason}")]
    Limits {
        /// What does not fit.
        reason: String,
    },
    /// A client reached a state it cannot leave (fenced or unknown producer, lost
    /// idempotence state, authorisation failure): the service stops so that the
    /// orchestrator restarts it with fresh clients.
    #[error("fatal Kafka client state: {cause}")]
    Fatal {
        /// What the client reported.
        cause: String,
    },
    /// Shutdown ended with records consumed but not committed; they are
    /// redelivered after a restart.
    #[error("stopped with {in_flight} records not committed (they will be redelivered)")]
    Abandoned {
        /// Records left in flight.
        in_flight: usize,
    },
}
