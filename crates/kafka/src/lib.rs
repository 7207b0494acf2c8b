//! The Kafka runtime. (Skeleton: being written.)

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Kafka settings (`[kafka]` in the config file).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct KafkaConfig {
    /// Bootstrap servers.
    pub brokers: String,
    /// librdkafka properties for every client.
    pub common: BTreeMap<String, String>,
}

impl Default for KafkaConfig {
    fn default() -> Self {
        KafkaConfig {
            brokers: "localhost:9092".into(),
            common: BTreeMap::new(),
        }
    }
}
