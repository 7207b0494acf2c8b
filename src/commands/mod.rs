//! One module per subcommand.

mod bench;
mod eval;
mod process;
mod produce;
mod serve;
mod stories;
mod tail;
mod topics;

use crate::cli::{Cli, Command};
use crate::config::Config;
use newsflow_kafka::KafkaConfig;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Process(args) => process::run(args, &config),
        Command::Eval(args) => eval::run(args, &config),
        Command::Serve(args) => serve::run(args, &config),
        Command::Topics(args) => topics::run(args, &config),
        Command::Produce(args) => produce::run(args, &config),
        Command::Tail(args) => tail::run(args, &config),
        Command::Bench(args) => bench::run(args, &config),
        Command::Stories(args) => stories::run(args),
    }
}

/// The `[kafka]` settings with `--brokers` (or `NEWSFLOW_BROKERS`) on top.
pub(crate) fn kafka_config(config: &Config, brokers: Option<&str>) -> KafkaConfig {
    let mut kafka = config.kafka.clone();
    if let Some(brokers) = brokers {
        kafka.brokers = brokers.to_string();
    }
    kafka
}
