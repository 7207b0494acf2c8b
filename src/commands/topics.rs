//! `newsflow topics create`: every pipeline topic with its configured partitions.

use anyhow::Context;
use newsflow_kafka::{create_topics, TopicStatus};

use crate::cli::{TopicsAction, TopicsArgs};
use newsflow_cli::config::Config;

pub fn run(args: TopicsArgs, config: &Config) -> anyhow::Result<()> {
    let TopicsAction::Create(kafka_args) = args.action;
    let kafka = newsflow_cli::kafka_config(config, kafka_args.brokers.as_deref());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    eprintln!("newsflow: connecting to {}", kafka.brokers);
    let connected = super::check_connection(&kafka)?;
    eprintln!(
        "newsflow: creating {} topics with {} partitions each on {}",
        kafka.topics.all().len(),
        kafka.partitions.max(1),
        connected.broker
    );
    let statuses = runtime
        .block_on(create_topics(&kafka))
        .with_context(|| format!("cannot create the topics on {}", connected.broker))?;
    for (topic, status) in statuses {
        let status = match status {
            TopicStatus::Created => "created",
            TopicStatus::Exists => "exists",
        };
        println!("{topic}\t{status}");
    }
    Ok(())
}
