//! The one configuration file: stage settings, Kafka and metrics, with
//! `NEWSFLOW_...` environment overrides (`NEWSFLOW_KAFKA__BROKERS`, `NEWSFLOW_DEDUP__WINDOW_COUNT`).

use std::path::{Path, PathBuf};

use anyhow::Context;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use newsflow_kafka::KafkaConfig;
use newsflow_pipeline::PipelineConfig;
use newsflow_telemetry::MetricsConfig;
use serde::{Deserialize, Serialize};

/// Default location of the config file, relative to the working directory.
pub const DEFAULT_CONFIG: &str = "config/newsflow.toml";

/// Everything the config file holds.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Stage settings.
    #[serde(flatten)]
    pub pipeline: PipelineConfig,
    /// Kafka settings.
    pub kafka: KafkaConfig,
    /// Metrics endpoint.
    pub metrics: MetricsConfig,
}

impl Config {
    /// Loads `path` (or the default file when it exists), then the environment.
    /// A relative `data_dir` is taken relative to the config file's directory.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
        let default = Path::new(DEFAULT_CONFIG);
        let file = match path {
            Some(path) if !path.exists() => {
                anyhow::bail!("config file {} not found", path.display())
            }
            Some(path) => Some(path),
            None => default.exists().then_some(default),
        };
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            figment = figment.merge(Toml::file(file));
        }
        let mut config: Config = figment
            .merge(Env::prefixed("NEWSFLOW_").split("__"))
            .extract()
            .with_context(|| match file {
                Some(file) => format!("invalid configuration in {}", file.display()),
                None => "invalid configuration".to_string(),
            })?;
        let base = file
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("config"));
        if config.pipeline.data_dir.is_relative() {
            config.pipeline.data_dir = base.join(&config.pipeline.data_dir);
        }
        Ok(config)
    }
}
