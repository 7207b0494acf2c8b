//! Command-line interface.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Streaming news-event pipeline: language, dedup and event tagging.
#[derive(Debug, Parser)]
#[command(name = "newsflow", version, about)]
pub struct Cli {
    /// Config file (TOML). Without it, the defaults built into the binary (print
    /// them with `newsflow config default`).
    #[arg(long, global = true, env = "NEWSFLOW_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log format on stderr.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "NEWSFLOW_LOG_FORMAT")]
    pub log_format: LogFormat,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Log output format.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every stage in one process over a JSONL file or stdin.
    Process(ProcessArgs),
    /// Measure quality against a labelled set.
    Eval(EvalArgs),
    /// Show why articles got (or did not get) their events.
    Explain(ExplainArgs),
    /// Run one stage (or all) as a Kafka service.
    Serve(ServeArgs),
    /// Manage the pipeline's Kafka topics.
    Topics(TopicsArgs),
    /// Load a JSONL file into a topic.
    Produce(ProduceArgs),
    /// Print records of a topic as they arrive.
    Tail(TailArgs),
    /// Measure throughput.
    Bench(BenchArgs),
    /// Show the configuration.
    Config(ConfigArgs),
    /// Ask a running service whether it is ready (`/readyz`) or alive (`/healthz`):
    /// exit 0 on HTTP 200. For container health checks (the image has no curl).
    Probe(ProbeArgs),
    /// Print the stories of a `process` run, largest first.
    Stories(StoriesArgs),
}

/// `newsflow stories`.
#[derive(Debug, Args)]
pub struct StoriesArgs {
    /// JSONL output of `newsflow process` (enriched records carry their story).
    #[arg(long, short)]
    pub input: PathBuf,
    /// Show only this many stories.
    #[arg(long)]
    pub top: Option<usize>,
}

/// `newsflow probe`.
#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The service's metrics address.
    #[arg(long, default_value = "127.0.0.1:9464")]
    pub addr: String,
    /// Check liveness (`/healthz`) instead of readiness (`/readyz`).
    #[arg(long)]
    pub live: bool,
}

/// `newsflow config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// What to show.
    #[command(subcommand)]
    pub action: ConfigAction,
}

/// Config actions.
#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the effective configuration (secrets redacted), each value with where
    /// it came from: default, config file, environment or command line.
    Show(KafkaArgs),
    /// Print the documented default configuration file, to start one from.
    Default,
}

/// `newsflow process`.
#[derive(Debug, Args)]
pub struct ProcessArgs {
    /// JSONL input, one raw article per line; `-` for stdin.
    #[arg(long, short, default_value = "-")]
    pub input: PathBuf,
    /// JSONL output, one outcome per input line; `-` for stdout.
    #[arg(long, short, default_value = "-")]
    pub output: PathBuf,
    /// Serve /metrics, /healthz and /readyz on this address while running.
    #[arg(long)]
    pub metrics_addr: Option<String>,
}

/// `newsflow eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// JSONL articles.
    #[arg(long, required_unless_present = "sets", requires = "labels")]
    pub input: Option<PathBuf>,
    /// JSONL labels, one per article id.
    #[arg(long, requires = "input")]
    pub labels: Option<PathBuf>,
    /// Labelled sets scored side by side, as `NAME=DIR` with `DIR/articles.jsonl`
    /// and `DIR/labels.jsonl` (`--set dev=tests/eval/real/dev --set test=...`).
    #[arg(long = "set", conflicts_with = "input")]
    pub sets: Vec<String>,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `newsflow explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// JSONL articles (raw, as `process` reads them).
    #[arg(long)]
    pub input: PathBuf,
    /// Only the article with this id.
    #[arg(long)]
    pub id: Option<String>,
}

/// Kafka connection options shared by every Kafka subcommand.
#[derive(Debug, Args)]
pub struct KafkaArgs {
    /// Bootstrap brokers (HOST:PORT[,HOST:PORT...]).
    #[arg(long, env = "NEWSFLOW_BROKERS")]
    pub brokers: Option<String>,
}

/// Which stage a service runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ServiceName {
    /// Clean step and language detection.
    Lang,
    /// Duplicate detection.
    Dedup,
    /// Event tagging.
    Tag,
    /// Story assignment (and the compacted stories topic).
    Story,
    /// The whole chain in one process.
    All,
}

/// `newsflow serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The stage to run.
    #[arg(value_enum)]
    pub stage: ServiceName,
    #[command(flatten)]
    pub kafka: KafkaArgs,
    /// Serve /metrics, /healthz and /readyz on this address.
    #[arg(long)]
    pub metrics_addr: Option<String>,
    /// Name of this replica on every metric series (`replica` label); default:
    /// the host name (the container's in docker compose).
    #[arg(long, env = "NEWSFLOW_REPLICA")]
    pub replica: Option<String>,
}

/// `newsflow topics`.
#[derive(Debug, Args)]
pub struct TopicsArgs {
    /// What to do with the topics.
    #[command(subcommand)]
    pub action: TopicsAction,
}

/// Topic actions.
#[derive(Debug, Subcommand)]
pub enum TopicsAction {
    /// Create every topic of the pipeline with its configured partition count.
    Create(KafkaArgs),
}

/// `newsflow produce`.
#[derive(Debug, Args)]
pub struct ProduceArgs {
    /// Topic to write to.
    #[arg(long, default_value = "news.raw")]
    pub topic: String,
    /// JSONL file; `-` for stdin.
    #[arg(long, default_value = "-")]
    pub input: PathBuf,
    #[command(flatten)]
    pub kafka: KafkaArgs,
}

/// `newsflow tail`.
#[derive(Debug, Args)]
pub struct TailArgs {
    /// Topic to read.
    #[arg(long, default_value = "news.enriched")]
    pub topic: String,
    /// Start from the beginning of the topic instead of new records only.
    #[arg(long)]
    pub from_beginning: bool,
    /// Stop after this many records.
    #[arg(long)]
    pub limit: Option<u64>,
    #[command(flatten)]
    pub kafka: KafkaArgs,
}

/// `newsflow bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
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
    #[command(flatten)]
    pub kafka_args: KafkaArgs,
}
