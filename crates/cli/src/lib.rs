//! What the newsflow binaries share: `newsflow` (the product) and `newsflow-bench`
//! (the measurements) load the same configuration, log the same way and reach the
//! broker with the same settings.
//!
//! Layout:
//! - [`chain_metrics`]: the in-process chain's metrics, counted as the services count.
//! - [`config`]: the layered, strict configuration and `config show`'s rendering.
//! - [`logging`]: the tracing subscriber on stderr, librdkafka's lines rate-limited.

#![deny(missing_docs)]

pub mod chain_metrics;
pub mod config;
pub mod logging;

pub use chain_metrics::ChainMetrics;
pub use config::Config;
pub use logging::LogFormat;

use newsflow_kafka::{KafkaConfig, Limits};

/// The `[kafka]` settings with `--brokers` (or `NEWSFLOW_BROKERS`) on top, the size
/// limits derived from `[clean] max_record_bytes`, and the secrets of the librdkafka
/// tables known to the redaction step.
pub fn kafka_config(config: &Config, brokers: Option<&str>) -> KafkaConfig {
    let mut kafka = config.kafka.clone();
    if let Some(brokers) = brokers {
        kafka.brokers = brokers.to_string();
    }
    kafka.limits = Limits::new(config.pipeline.clean.max_record_bytes);
    kafka.register_secrets();
    kafka
}
