//! `newsflow-bench`: throughput, memory and overhead measurements of newsflow. Kept
//! out of the `newsflow` binary so that the product links no chart drawing, random
//! numbers or article generator.
//!
//! Layout:
//! - [`cli`]: the command line.
//! - [`input`]: the articles a bench runs on (a JSONL file or generated ones).
//! - [`chain`]: the in-process chain, on one thread or sharded across threads.
//! - [`memory`]: the dedup index with many articles: bytes per article, rebuild time.
//! - [`overhead`]: the chain with metrics updates on and off.
//! - [`kafka`]: the services through a broker, against a no-op chain of as many hops.
//! - [`rebuild`]: the dedup index rebuilt from its changelog through a broker.
//! - [`stats`]: medians and spreads over repeated runs, peak RSS.
//! - [`chart`]: the per-stage throughput chart (PNG).
//!
//! Every figure is measured `--runs` times and printed as the median with the
//! lowest and highest run, because a shared 2-core machine is noisy.

mod chain;
mod chart;
mod cli;
mod input;
mod kafka;
mod memory;
mod overhead;
mod rebuild;
mod stats;

use std::process::ExitCode;

use clap::Parser;
use newsflow_cli::Config;

fn main() -> ExitCode {
    let args = cli::BenchArgs::parse();
    newsflow_cli::logging::init(args.log_format);
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Errors may quote librdkafka, which echoes configuration values.
            let message = format!("{error:#}");
            eprintln!(
                "newsflow-bench: {}",
                newsflow_kafka::redact::redact_text(&message)
            );
            ExitCode::FAILURE
        }
    }
}

/// Runs the measurement `args` asks for.
fn run(args: cli::BenchArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.runs > 0, "--runs must be at least 1");
    anyhow::ensure!(args.threads > 0, "--threads must be at least 1");
    let config = Config::load(args.config.as_deref())?;
    config.kafka.register_secrets();
    if let Some(articles) = args.dedup_memory {
        return memory::run(articles, &args, &config);
    }
    if args.metrics_overhead {
        return overhead::run(&args, &config);
    }
    if let Some(articles) = args.dedup_rebuild {
        return rebuild::run(articles, &args, &config);
    }
    if args.kafka {
        return kafka::run(&args, &config);
    }
    chain::run(&args, &config)
}
