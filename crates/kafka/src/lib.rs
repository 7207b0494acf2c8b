//! The Kafka side of newsflow: one generic runtime that drives any
//! [`Stage`](newsflow_stage::Stage) between the topics of its topology
//! [`Node`](newsflow_stage::Node), with
//! at-least-once delivery (or transactions, as an option), plus the helpers behind
//! `newsflow topics`, `produce` and `tail`.
//!
//! Layout:
//! - [`config`]: [`KafkaConfig`] (`[kafka]` in the config file) and the librdkafka
//!   client configurations built from it, with secrets redacted in logs.
//! - [`connect`]: the bounded broker connection check run before anything else,
//!   naming the address and the cause of a failure, and the rate limit on
//!   librdkafka's error reports.
//! - [`runtime`]: [`run_service`] and the service both loops run: consume, process,
//!   produce, store offsets once every output is acknowledged.
//! - `client`, `produce`, `at_least_once`, `transactional` (private): client setup
//!   and the broker watch; handing outputs to the producer, retrying and
//!   dead-lettering; the at-least-once loop with its acknowledger; the exactly-once
//!   loop.
//! - [`offsets`]: the per-partition tracker that keeps commits contiguous when
//!   acknowledgements arrive out of order.
//! - [`routing`]: outputs to topics and partitions as the node says (by key, by
//!   language, by a hashed story key, like the input partition), and each record's
//!   fate.
//! - [`headers`]: output, dead-letter and trace-context headers.
//! - [`limits`]: the record size limits, all derived from `max_record_bytes`.
//! - [`redact`]: the one redaction step for secrets in logs, errors and `config show`.
//! - [`admin`]: topic creation and metadata look-ups.
//! - [`tools`]: the `produce` loader and the `tail` reader.
//! - [`restore`]: the state rebuild from a changelog that a service runs on
//!   assignment (public so that `newsflow-bench` can time the same code path).
//! - `context`, `delivery` (private): rebalance callbacks, readiness and fatal client
//!   states; one produce call (permanent, transient and fatal errors, retries,
//!   dead-letter records).
#![deny(missing_docs)]

pub mod admin;
mod at_least_once;
mod client;
pub mod config;
pub mod connect;
mod context;
mod delivery;
pub mod error;
pub mod headers;
pub mod limits;
pub mod offsets;
mod produce;
pub mod redact;
pub mod restore;
pub mod routing;
pub mod runtime;
pub mod tools;
mod transactional;

pub use admin::{create_topics, TopicStatus};
pub use config::{DeliveryMode, Groups, KafkaConfig, Redacted, Role, Topics};
pub use connect::{check as check_connection, Cause, Connected};
pub use error::Error;
pub use limits::Limits;
pub use routing::{hash_partition, language_partition};
pub use runtime::run_service;
pub use tools::{Loader, Tail, TailRecord};
