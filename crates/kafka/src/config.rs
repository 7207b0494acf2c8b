//! `[kafka]` in the config file: brokers, topics, groups, delivery mode and the
//! librdkafka pass-through tables, plus the client configurations built from them.

use std::collections::BTreeMap;

use rdkafka::ClientConfig;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::Error;
use crate::limits::Limits;

/// Kafka settings (`[kafka]` in the config file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KafkaConfig {
    /// Bootstrap servers (`HOST:PORT[,HOST:PORT...]`).
    pub brokers: String,
    /// How long the connection check before any Kafka work waits for the brokers.
    pub connect_timeout_ms: u64,
    /// Delivery guarantee of the services.
    pub delivery: DeliveryMode,
    /// Topic names.
    pub topics: Topics,
    /// Consumer group ids.
    pub groups: Groups,
    /// Partition count used by `newsflow topics create`.
    pub partitions: i32,
    /// Most input records in flight per service (read but not yet fully acknowledged).
    pub max_in_flight: usize,
    /// How long a graceful shutdown (or a revocation) waits for in-flight records;
    /// the process ends within this time of SIGTERM whatever is being retried.
    pub shutdown_timeout_ms: u64,
    /// A service whose outputs have been failing (and retried) for this long, or
    /// that has not reached the broker for this long, answers 503 on `/readyz`.
    pub not_ready_after_ms: u64,
    /// Most CPU time one record may take in a stage before it is finished early
    /// with a `partial` marker (0: no budget).
    pub record_budget_ms: u64,
    /// Size limits, derived from `[clean] max_record_bytes` (not a `[kafka]` key).
    #[serde(skip)]
    pub limits: Limits,
    /// librdkafka properties for every client.
    #[serde(deserialize_with = "scalar_map")]
    pub common: BTreeMap<String, String>,
    /// librdkafka properties for consumers.
    #[serde(deserialize_with = "scalar_map")]
    pub consumer: BTreeMap<String, String>,
    /// librdkafka properties for producers.
    #[serde(deserialize_with = "scalar_map")]
    pub producer: BTreeMap<String, String>,
}

impl Default for KafkaConfig {
    fn default() -> Self {
        KafkaConfig {
            brokers: "localhost:9092".into(),
            connect_timeout_ms: 10_000,
            delivery: DeliveryMode::AtLeastOnce,
            topics: Topics::default(),
            groups: Groups::default(),
            partitions: 6,
            max_in_flight: 1000,
            shutdown_timeout_ms: 10_000,
            not_ready_after_ms: 5_000,
            record_budget_ms: 2_000,
            limits: Limits::default(),
            common: BTreeMap::new(),
            consumer: BTreeMap::new(),
            producer: BTreeMap::new(),
        }
    }
}

/// The delivery guarantee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeliveryMode {
    /// Offsets committed after every output was acknowledged; redelivery may repeat records.
    AtLeastOnce,
    /// Transactional read-process-write: outputs and input offsets commit together.
    ExactlyOnce,
}

pub use newsflow_stage::topology::Topics;

/// Consumer group ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Groups {
    /// The lang service.
    pub lang: String,
    /// The dedup service.
    pub dedup: String,
    /// The tag service.
    pub tag: String,
    /// The story service.
    pub story: String,
    /// Prefix for the consumers of `serve all` (`<all>-lang` and so on).
    pub all: String,
}

impl Default for Groups {
    fn default() -> Self {
        Groups {
            lang: "newsflow-lang".into(),
            dedup: "newsflow-dedup".into(),
            tag: "newsflow-tag".into(),
            story: "newsflow-story".into(),
            all: "newsflow-all".into(),
        }
    }
}

impl Groups {
    /// The group of the service running `stage`, by the topology's stage name.
    pub fn of(&self, stage: &str) -> Option<&str> {
        match stage {
            "lang" => Some(&self.lang),
            "dedup" => Some(&self.dedup),
            "tag" => Some(&self.tag),
            "story" => Some(&self.story),
            _ => None,
        }
    }
}

/// Accepts strings, numbers and booleans as values, since librdkafka properties are
/// strings but users naturally write `"linger.ms" = 5` in TOML.
fn scalar_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scalar {
        String(String),
        Int(i64),
        Float(f64),
        Bool(bool),
    }
    let raw = BTreeMap::<String, Scalar>::deserialize(deserializer)?;
    Ok(raw
        .into_iter()
        .map(|(key, value)| {
            let value = match value {
                Scalar::String(s) => s,
                Scalar::Int(i) => i.to_string(),
                Scalar::Float(f) => f.to_string(),
                Scalar::Bool(b) => b.to_string(),
            };
            (key, value)
        })
        .collect())
}

/// Which kind of client a configuration is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A consumer.
    Consumer,
    /// A producer.
    Producer,
    /// An admin client (common properties only).
    Admin,
}

pub use crate::redact::redact;

impl KafkaConfig {
    /// The librdkafka properties for `role`: defaults, then `[kafka.common]`, then the
    /// role's table. Properties the runtime's guarantees rely on are set by the runtime
    /// afterwards.
    pub fn properties(&self, role: Role) -> BTreeMap<String, String> {
        let mut properties = BTreeMap::new();
        properties.insert("bootstrap.servers".to_string(), self.brokers.clone());
        match role {
            Role::Consumer => {
                properties.insert("auto.offset.reset".into(), "earliest".into());
                properties.insert("statistics.interval.ms".into(), "5000".into());
                // librdkafka's 500 ms is only a cap on an idle fetch for brokers that
                // answer as soon as fetch.min.bytes is met. Some (Tansu, the test
                // broker) hold the fetch until the cap instead, which then adds up
                // to 500 ms per hop. 10 ms bounds that, at the cost of up to 100 empty
                // fetches a second from an idle consumer; [kafka.consumer] overrides it.
                properties.insert("fetch.wait.max.ms".into(), "10".into());
                // fetch.min.bytes (1) and queued.min.messages (100000) keep
                // librdkafka's defaults: a fetch answers at once, and the prefetch
                // queue lets the runtime take every ready record in one turn.
            }
            Role::Producer => {
                // Up to 5 ms of added latency per hop buys batches of many records
                // per produce request (librdkafka's batch.num.messages, 10000, caps
                // them); at the bench's rates a batch fills within a few ms anyway.
                properties.insert("linger.ms".into(), "5".into());
            }
            Role::Admin => {}
        }
        for (key, value) in self.limits.properties(role) {
            properties.insert(key.to_string(), value);
        }
        properties.extend(self.common.clone());
        match role {
            Role::Consumer => properties.extend(self.consumer.clone()),
            Role::Producer => properties.extend(self.producer.clone()),
            Role::Admin => {}
        }
        // OpenSSL is built into the binary, so its default certificate directory is
        // one of the build machine, not the host's: without a configured CA, look
        // for the host's CA bundle in the usual places.
        let tls = properties
            .get("security.protocol")
            .is_some_and(|protocol| protocol.to_ascii_lowercase().ends_with("ssl"));
        let ca_configured = ["ssl.ca.location", "ssl.ca.pem", "ssl.ca.certificate.stores"]
            .iter()
            .any(|key| properties.contains_key(*key));
        if tls && !ca_configured {
            properties.insert("ssl.ca.location".into(), "probe".into());
        }
        properties
    }

    /// Refuses a configuration under which an accepted input could not be written
    /// out or read back (see [`Limits::check`]); run at start-up.
    pub fn check_limits(&self) -> Result<(), Error> {
        for role in [Role::Producer, Role::Consumer] {
            self.limits.check(role, &self.properties(role))?;
        }
        Ok(())
    }

    /// Registers the secret values of the librdkafka tables with the redaction step
    /// ([`crate::redact::register_secrets`]).
    pub fn register_secrets(&self) {
        crate::redact::register_secrets([&self.common, &self.consumer, &self.producer]);
    }

    /// The properties of [`KafkaConfig::properties`] as a client configuration,
    /// with `forced` properties on top.
    pub fn client_config(&self, role: Role, forced: &[(&str, &str)]) -> ClientConfig {
        self.register_secrets();
        let mut properties = self.properties(role);
        let configured = |key: &str| {
            let table = match role {
                Role::Consumer => self.consumer.get(key),
                Role::Producer => self.producer.get(key),
                Role::Admin => None,
            };
            table.or_else(|| self.common.get(key))
        };
        for (key, value) in forced {
            if let Some(previous) = configured(key) {
                if previous != value {
                    tracing::warn!(
                        property = key,
                        configured = redact(key, previous),
                        used = redact(key, value),
                        "Configured property is overridden by the runtime."
                    );
                }
            }
            properties.insert((*key).to_string(), (*value).to_string());
        }
        let mut config = ClientConfig::new();
        for (key, value) in &properties {
            config.set(key, value);
        }
        tracing::debug!(?role, properties = %Redacted(&properties), "Kafka client configuration.");
        config
    }
}

/// Displays properties with secrets redacted.
pub struct Redacted<'a>(pub &'a BTreeMap<String, String>);

impl std::fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for (key, value) in self.0 {
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            write!(f, "{key}={}", redact(key, value))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_contract() {
        let config = KafkaConfig::default();
        assert_eq!(config.brokers, "localhost:9092");
        assert_eq!(config.delivery, DeliveryMode::AtLeastOnce);
        assert_eq!(config.topics.raw, "news.raw");
        assert_eq!(config.topics.dedup_state, "news.dedup-state");
        assert_eq!(config.groups.all, "newsflow-all");
        assert_eq!(config.partitions, 6);
        assert_eq!(config.max_in_flight, 1000);
        assert_eq!(config.shutdown_timeout_ms, 10_000);
    }

    #[test]
    fn partial_toml_keeps_other_defaults_and_accepts_numbers() {
        let config: KafkaConfig = toml::from_str(
            r#"
            delivery = "exactly-once"
            [topics]
            raw = "t.raw"
            [consumer]
            "session.timeout.ms" = 2000
            "heartbeat.interval.ms" = "500"
            "#,
        )
        .expect("valid config");
        assert_eq!(config.delivery, DeliveryMode::ExactlyOnce);
        assert_eq!(config.topics.raw, "t.raw");
        assert_eq!(config.topics.lang, "news.lang");
        assert_eq!(config.consumer["session.timeout.ms"], "2000");
        assert_eq!(config.consumer["heartbeat.interval.ms"], "500");
    }

    #[test]
    fn unknown_keys_are_rejected() {
        assert!(toml::from_str::<KafkaConfig>("brokerz = \"x\"").is_err());
    }

    #[test]
    fn role_tables_override_common_which_overrides_defaults() {
        let mut config = KafkaConfig::default();
        config.common.insert("linger.ms".into(), "1".into());
        config.producer.insert("linger.ms".into(), "20".into());
        config.common.insert("client.id".into(), "c".into());
        let producer = config.properties(Role::Producer);
        assert_eq!(producer["linger.ms"], "20");
        assert_eq!(producer["client.id"], "c");
        let consumer = config.properties(Role::Consumer);
        assert_eq!(consumer["auto.offset.reset"], "earliest");
        assert_eq!(consumer["fetch.wait.max.ms"], "10", "low-latency default");
        config
            .consumer
            .insert("fetch.wait.max.ms".into(), "100".into());
        assert_eq!(
            config.properties(Role::Consumer)["fetch.wait.max.ms"],
            "100"
        );
        assert_eq!(consumer["linger.ms"], "1", "common applies to every client");
        assert_eq!(consumer["client.id"], "c");
    }

    #[test]
    fn tls_without_a_configured_ca_probes_the_hosts_ca_bundle() {
        let mut config = KafkaConfig::default();
        assert!(!config
            .properties(Role::Admin)
            .contains_key("ssl.ca.location"));
        config
            .common
            .insert("security.protocol".into(), "SASL_SSL".into());
        assert_eq!(
            config.properties(Role::Consumer)["ssl.ca.location"],
            "probe"
        );
        config
            .common
            .insert("ssl.ca.location".into(), "/etc/ca.pem".into());
        assert_eq!(
            config.properties(Role::Producer)["ssl.ca.location"],
            "/etc/ca.pem"
        );
    }

    #[test]
    fn secrets_are_redacted_in_logs() {
        let mut properties = BTreeMap::new();
        properties.insert("sasl.password".to_string(), "hunter2".to_string());
        properties.insert("ssl.key.pem".to_string(), "PEM".to_string());
        properties.insert(
            "sasl.oauthbearer.token.endpoint.url".to_string(),
            "u".to_string(),
        );
        properties.insert("sasl.jaas.config".to_string(), "j".to_string());
        properties.insert("client.secret".to_string(), "s".to_string());
        properties.insert("bootstrap.servers".to_string(), "b:9092".to_string());
        let shown = Redacted(&properties).to_string();
        for secret in ["hunter2", "PEM", "=u", "=j", "=s,"] {
            assert!(!shown.contains(secret), "{secret} leaked in {shown}");
        }
        assert!(shown.contains("bootstrap.servers=b:9092"));
        assert_eq!(redact("SASL.PASSWORD", "x"), "[redacted]");
        assert_eq!(redact("linger.ms", "5"), "5");
    }
}
