//! Logs on stderr: colour only on a terminal, and librdkafka's repeated client
//! errors rate-limited.

use std::io::IsTerminal;
use std::time::Instant;

use newsflow_kafka::connect::ErrorLog;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Log output format.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Starts the tracing subscriber on stderr; `RUST_LOG` filters (default `info`).
/// ANSI colours only when stderr is a terminal and `NO_COLOR` is unset, so that
/// logs written to a file or a pipe are plain text.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let fmt = tracing_subscriber::fmt::layer()
        // Every log line passes the redaction step: librdkafka's own messages can
        // carry configuration values.
        .with_writer(|| newsflow_kafka::redact::Redacting(std::io::stderr()))
        .with_ansi(colour);
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(LibrdkafkaRateLimit::default());
    match format {
        LogFormat::Text => registry.with(fmt).init(),
        LogFormat::Json => registry.with(fmt.json()).init(),
    }
}

/// Lets through at most one librdkafka client line per cause per interval
/// (librdkafka reports a broker it cannot reach several times a second).
#[derive(Default)]
struct LibrdkafkaRateLimit {
    log: ErrorLog,
}

/// The targets rust-rdkafka logs librdkafka's reports under: its error callback
/// and its log callback.
const RDKAFKA_TARGETS: [&str; 2] = ["rdkafka::client", "librdkafka"];

impl<S: Subscriber> Layer<S> for LibrdkafkaRateLimit {
    fn event_enabled(&self, event: &Event<'_>, _ctx: Context<'_, S>) -> bool {
        if *event.metadata().level() > tracing::Level::WARN {
            return true;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        // rust-rdkafka logs through the `log` crate: its events arrive with the
        // target in a `log.target` field.
        let target = fields
            .target
            .as_deref()
            .unwrap_or(event.metadata().target());
        if !RDKAFKA_TARGETS.contains(&target) {
            return true;
        }
        self.log.admit(&fields.message, Instant::now())
    }
}

#[derive(Default)]
struct Fields {
    message: String,
    target: Option<String>,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "message" => self.message = value.to_string(),
            "log.target" => self.target = Some(value.to_string()),
            _ => {}
        }
    }
}
