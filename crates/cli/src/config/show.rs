//! `newsflow config show`: the effective configuration as TOML, each value with
//! where it came from, secrets redacted.

use std::fmt::Write;

use newsflow_kafka::config::redact;
use toml::{Table, Value};

use super::{Config, Source};

/// Tables whose values go through the secret redaction (librdkafka properties).
const REDACTED_TABLES: [&str; 3] = ["kafka.common", "kafka.consumer", "kafka.producer"];

/// The effective configuration of `config` as annotated TOML.
pub fn render(config: &Config) -> anyhow::Result<String> {
    let table = match Value::try_from(config)? {
        Value::Table(table) => table,
        _ => unreachable!("a struct serialises as a table"),
    };
    let mut out = String::from(
        "# The effective configuration: after each value, where it came from\n\
         # (default, a config file, an environment variable or a command-line option).\n",
    );
    if config.pipeline.data_dir.is_none() {
        out.push_str("# data_dir is not set: rule data (boilerplate, events, gazetteer) built into the binary\n");
    }
    write_table(&mut out, config, &table, "")?;
    Ok(out)
}

fn write_table(
    out: &mut String,
    config: &Config,
    table: &Table,
    section: &str,
) -> std::fmt::Result {
    let redacting = REDACTED_TABLES.contains(&section);
    for (key, value) in table {
        if value.is_table() {
            continue;
        }
        let dotted = join(section, key);
        let shown = match value {
            Value::String(text) if redacting => {
                Value::String(redact(key, text).to_string()).to_string()
            }
            other if redacting => {
                Value::String(redact(key, &other.to_string()).to_string()).to_string()
            }
            other => other.to_string(),
        };
        let source = config.sources.of(&dotted);
        writeln!(out, "{} = {shown}  # {}", toml_key(key), describe(source))?;
    }
    for (key, value) in table {
        if let Value::Table(inner) = value {
            let dotted = join(section, key);
            writeln!(out, "\n[{dotted}]")?;
            write_table(out, config, inner, &dotted)?;
        }
    }
    Ok(())
}

fn describe(source: &Source) -> String {
    match source {
        Source::Default => "default".to_string(),
        Source::File(path) => format!("file {}", path.display()),
        other => other.to_string(),
    }
}

fn join(section: &str, key: &str) -> String {
    if section.is_empty() {
        key.to_string()
    } else {
        format!("{section}.{key}")
    }
}

/// A key as TOML writes it: bare when it can be, quoted otherwise.
fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        key.to_string()
    } else {
        Value::String(key.to_string()).to_string()
    }
}
