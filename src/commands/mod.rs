//! One module per subcommand.

mod config;
mod eval;
mod explain;
mod probe;
mod process;
mod produce;
mod serve;
mod stories;
mod tail;
mod topics;

use crate::cli::{Cli, Command};
use newsflow_cli::config::Config;
use std::time::Duration;

use newsflow_kafka::{Connected, KafkaConfig};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref())?;
    config.kafka.register_secrets();
    match cli.command {
        Command::Process(args) => process::run(args, &config),
        Command::Eval(args) => eval::run(args, &config),
        Command::Explain(args) => explain::run(args, &config),
        Command::Serve(args) => serve::run(args, &config),
        Command::Topics(args) => topics::run(args, &config),
        Command::Produce(args) => produce::run(args, &config),
        Command::Tail(args) => tail::run(args, &config),
        Command::Config(args) => config::run(args, &config),
        Command::Probe(args) => probe::run(args),
        Command::Stories(args) => stories::run(args),
    }
}

/// The connection check every one-shot Kafka command runs first: within
/// `connect_timeout_ms`, or an error naming the brokers and the cause.
pub(crate) fn check_connection(kafka: &KafkaConfig) -> anyhow::Result<Connected> {
    Ok(newsflow_kafka::check_connection(
        kafka,
        Duration::from_millis(kafka.connect_timeout_ms),
    )?)
}

/// A line without the UTF-8 byte-order mark some editors put at the start of a
/// file (only the first line of a file can carry one).
pub(crate) fn strip_bom(line: &[u8]) -> &[u8] {
    line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line)
}

/// This machine's (or container's) host name, the default replica name.
pub(crate) fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "unknown".into())
}
