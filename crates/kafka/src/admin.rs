//! `newsflow topics create` and the metadata look-ups the runtime needs.

use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::{Client, ClientContext, DefaultClientContext};
use rdkafka::types::RDKafkaErrorCode;

use crate::config::{KafkaConfig, Role};
use crate::error::Error;

/// What happened to one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicStatus {
    /// Created now.
    Created,
    /// It was there already (left as it is).
    Exists,
}

/// Creates every pipeline topic with `config.partitions` partitions (the changelog
/// compacted). Existing topics are fine.
pub async fn create_topics(config: &KafkaConfig) -> Result<Vec<(String, TopicStatus)>, Error> {
    let admin: AdminClient<DefaultClientContext> = config
        .client_config(Role::Admin, &[])
        .create()
        .map_err(|source| Error::Client {
            role: "admin client",
            source,
        })?;
    let partitions = config.partitions.max(1);
    // The broker must take the largest output a stage may write (Apache Kafka's
    // default is about 1 MB).
    let max_message = config.limits.message_max_bytes().to_string();
    let topics: Vec<NewTopic<'_>> = config
        .topics
        .all()
        .into_iter()
        .map(|(name, compacted)| {
            let topic = NewTopic::new(name, partitions, TopicReplication::Fixed(-1))
                .set("max.message.bytes", &max_message);
            if compacted {
                topic.set("cleanup.policy", "compact")
            } else {
                topic
            }
        })
        .collect();
    let options = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
    let results = admin
        .create_topics(&topics, &options)
        .await
        .map_err(|source| Error::CreateTopic {
            topic: "(all)".into(),
            reason: source.to_string(),
        })?;
    let mut statuses = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(topic) => statuses.push((topic, TopicStatus::Created)),
            Err((topic, RDKafkaErrorCode::TopicAlreadyExists)) => {
                statuses.push((topic, TopicStatus::Exists))
            }
            Err((topic, code)) => {
                return Err(Error::CreateTopic {
                    topic,
                    reason: code.to_string(),
                })
            }
        }
    }
    Ok(statuses)
}

/// The partition count of `topic`, from the cluster metadata.
pub fn partition_count<C: ClientContext>(
    client: &Client<C>,
    topic: &str,
    timeout: Duration,
) -> Result<i32, Error> {
    // A failed request says nothing about the topic: the brokers did not answer.
    let metadata = client
        .fetch_metadata(Some(topic), timeout)
        .map_err(|source| Error::Metadata {
            topic: topic.to_string(),
            source,
        })?;
    let found = metadata.topics().iter().find(|t| t.name() == topic);
    match found {
        Some(t) if t.error().is_none() && !t.partitions().is_empty() => {
            Ok(t.partitions().len() as i32)
        }
        Some(t) => Err(Error::MissingTopic {
            topic: topic.to_string(),
            reason: t
                .error()
                .map(|e| RDKafkaErrorCode::from(e).to_string())
                .unwrap_or_else(|| "no partitions".into()),
        }),
        None => Err(Error::MissingTopic {
            topic: topic.to_string(),
            reason: "not in the metadata".into(),
        }),
    }
}
