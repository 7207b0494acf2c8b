//! The one configuration: stage settings, Kafka and metrics.
//!
//! Layers, each on top of the one before: the defaults (the documented
//! `config/newsflow.toml`, built into the binary, holds exactly these), then the
//! file given by `--config` or `NEWSFLOW_CONFIG`, then `NEWSFLOW__<SECTION>__<KEY>`
//! environment variables. Every layer is strict ([`strict`]): an unknown section or
//! key is an error naming the file or variable, the section, the key and the
//! nearest valid key. Where every value came from is kept for `newsflow config show`
//! ([`show`]).
//!
//! The override prefix has two underscores so that it never collides with the
//! command line's own variables (`NEWSFLOW_CONFIG`, `NEWSFLOW_BROKERS`,
//! `NEWSFLOW_LOG_FORMAT`) or the scripts' (`NEWSFLOW_VENV`...).

pub mod show;
pub mod strict;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use newsflow_clean::CleanConfig;
use newsflow_dedup::DedupConfig;
use newsflow_kafka::KafkaConfig;
use newsflow_lang::LangConfig;
use newsflow_pipeline::PipelineConfig;
use newsflow_story::StoryConfig;
use newsflow_tag::TagConfig;
use newsflow_telemetry::MetricsConfig;
use serde::{Deserialize, Serialize};
use toml::{Table, Value};

/// Prefix of the environment overrides: `NEWSFLOW__DEDUP__WINDOW_COUNT=500000`.
pub const ENV_PREFIX: &str = "NEWSFLOW__";

/// The documented default configuration, as built into the binary.
pub fn template() -> &'static str {
    newsflow_data::built_in_file("newsflow.toml").unwrap_or_default()
}

/// Everything the config file holds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Config {
    /// Stage settings.
    #[serde(flatten)]
    pub pipeline: PipelineConfig,
    /// Kafka settings.
    pub kafka: KafkaConfig,
    /// Metrics endpoint.
    pub metrics: MetricsConfig,
    /// Where each value came from, by dotted key (`dedup.window_count`).
    #[serde(skip)]
    pub sources: Sources,
}

/// The file layout: every section spelled out (no `flatten`), so that a type
/// error can name the key it is about.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Layout {
    data_dir: Option<PathBuf>,
    clean: CleanConfig,
    lang: LangConfig,
    dedup: DedupConfig,
    tag: TagConfig,
    story: StoryConfig,
    kafka: KafkaConfig,
    metrics: MetricsConfig,
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The built-in default.
    Default,
    /// A config file.
    File(PathBuf),
    /// An environment variable.
    Env(String),
    /// A command-line option (or the variable clap reads for it).
    Flag(&'static str),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Env(name) => write!(f, "env {name}"),
            Source::Flag(flag) => f.write_str(flag),
        }
    }
}

/// The source of every value that is not a default, by dotted key.
#[derive(Debug, Clone, Default)]
pub struct Sources(BTreeMap<String, Source>);

impl Sources {
    /// Where the value at `key` (dotted) came from.
    pub fn of(&self, key: &str) -> &Source {
        self.0.get(key).unwrap_or(&Source::Default)
    }

    /// Records that `key` was set by `source`.
    pub fn set(&mut self, key: String, source: Source) {
        self.0.insert(key, source);
    }
}

impl Config {
    /// Loads the defaults, then `path` when given, then the environment.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
        Config::load_with_env(path, std::env::vars())
    }

    /// [`Config::load`] with the environment given (tests pass their own).
    pub fn load_with_env(
        path: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<Config> {
        let defaults = match Value::try_from(Layout::default())? {
            Value::Table(table) => table,
            _ => unreachable!("a struct serialises as a table"),
        };
        let schema = strict::Schema::new(&defaults);
        let mut merged = defaults.clone();
        let mut sources = Sources::default();

        let file = match path {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read config file {}", path.display()))?;
                let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
                let table: Table = toml::from_str(text)
                    .with_context(|| format!("invalid TOML in config file {}", path.display()))?;
                let origin = Source::File(path.to_path_buf());
                schema
                    .check(&table)
                    .with_context(|| format!("invalid config file {}", path.display()))?;
                let mut table = table;
                resolve_data_dir(&mut table, path.parent().unwrap_or(Path::new(".")));
                merge(&mut merged, table, "", &origin, &mut sources);
                Some(path)
            }
            None => None,
        };

        let mut env: Vec<(String, String)> = env.into_iter().collect();
        env.sort();
        for (name, value) in env {
            if let Some(rest) = name.strip_prefix(ENV_PREFIX) {
                let (table, key) = schema.env_override(&name, rest, &value)?;
                let origin = Source::Env(name.clone());
                let mut table = table;
                if key == "data_dir" {
                    resolve_data_dir(&mut table, Path::new("."));
                }
                merge(&mut merged, table, "", &origin, &mut sources);
            } else if strict::is_old_style_override(&name) {
                anyhow::bail!(
                    "environment variable {name}: configuration overrides are spelled \
                     {ENV_PREFIX}<SECTION>__<KEY> (two underscores after NEWSFLOW), e.g. \
                     {ENV_PREFIX}{}",
                    name.trim_start_matches("NEWSFLOW_")
                );
            }
        }

        let layout: Layout = serde_path_to_error::deserialize(Value::Table(merged))
            .map_err(|error| {
                let key = error.path().to_string();
                let origin = sources.of(&key).clone();
                let expected = schema
                    .expected_type(&key)
                    .map(|kind| format!(" (expected {kind})"))
                    .unwrap_or_default();
                let cause = error.into_inner().to_string();
                let cause = cause.lines().next().unwrap_or_default().trim().to_string();
                anyhow::anyhow!(
                    "invalid value for `{key}`{expected}, set in {}: {cause}",
                    match &origin {
                        Source::Default => "the defaults".to_string(),
                        other => other.to_string(),
                    }
                )
            })
            .with_context(|| match file {
                Some(file) => format!("invalid config file {}", file.display()),
                None => "invalid configuration".to_string(),
            })?;
        Ok(Config {
            pipeline: PipelineConfig {
                data_dir: layout.data_dir,
                clean: layout.clean,
                lang: layout.lang,
                dedup: layout.dedup,
                tag: layout.tag,
                story: layout.story,
            },
            kafka: layout.kafka,
            metrics: layout.metrics,
            sources,
        })
    }
}

/// A relative `data_dir` is relative to the file that sets it.
fn resolve_data_dir(table: &mut Table, base: &Path) {
    if let Some(Value::String(dir)) = table.get_mut("data_dir") {
        let path = Path::new(dir.as_str());
        if path.is_relative() {
            *dir = base.join(path).to_string_lossy().into_owned();
        }
    }
}

/// Merges `layer` into `into`, recording the source of every leaf it sets.
fn merge(into: &mut Table, layer: Table, prefix: &str, origin: &Source, sources: &mut Sources) {
    for (key, value) in layer {
        let dotted = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match (into.get_mut(&key), value) {
            (Some(Value::Table(existing)), Value::Table(table)) => {
                merge(existing, table, &dotted, origin, sources)
            }
            (_, Value::Table(table)) => {
                let mut fresh = Table::new();
                merge(&mut fresh, table, &dotted, origin, sources);
                into.insert(key, Value::Table(fresh));
            }
            (_, value) => {
                sources.set(dotted, origin.clone());
                into.insert(key, value);
            }
        }
    }
}

#[cfg(test)]
mod tests;
