//! Command-line interface of `newsflow-bench`.

use std::path::PathBuf;

use clap::Parser;
use newsflow_cli::LogFormat;

/// Measures newsflow's throughput: the in-process chain (default), the dedup index's
/// memory, the metrics overhead, or the services through a Kafka broker.
#[derive(Debug, Parser)]
#[command(name = "newsflow-bench", version, about)]
pub struct BenchArgs {
    /// Config file (TOML), as `newsflow --config` reads it. Without it, the
    /// defaults built into the binary.
    #[arg(long, env = "NEWSFLOW_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text, env = "NEWSFLOW_LOG_FORMAT")]
    pub log_format: LogFormat,
    /// JSONL input; generated articles when absent.
    #[arg(long)]
    pub input: Option<PathBuf>,
    /// Number of generated articles.
    #[arg(long, default_value_t = 20_000)]
    pub articles: usize,
    /// Size of generated article bodies in bytes.
    #[arg(long, default_value_t = 3_000)]
    pub article_bytes: usize,
    /// Worker threads.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Language mix of generated articles (`en:4,fr,de`; default: the generator's mix).
    #[arg(long)]
    pub languages: Option<String>,
    /// Share of generated articles that repeat an earlier one exactly.
    #[arg(long, default_value_t = 0.05)]
    pub duplicate_share: f64,
    /// Share of generated articles that are near copies of an earlier one.
    #[arg(long, default_value_t = 0.05)]
    pub near_duplicate_share: f64,
    /// Directory of `<code>.txt` sentence files for generated bodies
    /// (default: ../shared/bench-data/langid when it exists).
    #[arg(long)]
    pub sentences: Option<PathBuf>,
    /// Seed of the generator.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Repetitions of each measurement; figures are medians with their spread.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Also draw per-stage throughput as a PNG chart here.
    #[arg(long)]
    pub chart: Option<PathBuf>,
    /// Measure the dedup index instead: memory and rebuild time with this many articles.
    #[arg(long)]
    pub dedup_memory: Option<usize>,
    /// Measure the chain with metrics updates on and off.
    #[arg(long)]
    pub metrics_overhead: bool,
    /// Benchmark through Kafka instead of in process.
    #[arg(long)]
    pub kafka: bool,
    /// With --kafka, measure the dedup index rebuild instead: this many changelog
    /// records written to a fresh changelog topic, then read back into an empty index.
    #[arg(long, requires = "kafka")]
    pub dedup_rebuild: Option<usize>,
    /// Internal: one measurement in a fresh process, printed as JSON.
    #[arg(long, hide = true)]
    pub child: bool,
    /// Bootstrap brokers (HOST:PORT[,HOST:PORT...]) for --kafka.
    #[arg(long, env = "NEWSFLOW_BROKERS")]
    pub brokers: Option<String>,
}
