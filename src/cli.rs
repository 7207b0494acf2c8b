//! Command-line interface.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use newsflow_cli::LogFormat;

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

impl ServiceName {
    /// The topology's name of the stage this service runs; `None` for all of them.
    pub fn stage(self) -> Option<&'static str> {
        match self {
            ServiceName::Lang => Some("lang"),
            ServiceName::Dedup => Some("dedup"),
            ServiceName::Tag => Some("tag"),
            ServiceName::Story => Some("story"),
            ServiceName::All => None,
        }
    }
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
