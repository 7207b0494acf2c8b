//! `newsflow tail`: records of a topic as they arrive.

use std::io::{self, IsTerminal, Write};

use anyhow::Context;
use newsflow_kafka::{Tail, TailRecord};
use serde_json::{json, Value};

use crate::cli::TailArgs;
use newsflow_cli::config::Config;

pub fn run(args: TailArgs, config: &Config) -> anyhow::Result<()> {
    let kafka = newsflow_cli::kafka_config(config, args.kafka.brokers.as_deref());
    super::check_connection(&kafka)?;
    let pretty = io::stdout().is_terminal();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let tail = Tail::new(&kafka, &args.topic, args.from_beginning)?;
        let mut out = io::stdout().lock();
        let mut printed = 0u64;
        while args.limit.is_none_or(|limit| printed < limit) {
            let record = tokio::select! {
                record = tail.next() => record?,
                _ = tokio::signal::ctrl_c() => break,
            };
            let text = render(&record, pretty)?;
            // A closed pipe (`| head`) ends the tail quietly.
            if writeln!(out, "{text}").and_then(|()| out.flush()).is_err() {
                break;
            }
            printed += 1;
        }
        anyhow::Ok(())
    })
}

/// JSON values as they are (pretty on a terminal); anything else as an envelope
/// with its key, headers and lossy text, so that DLQ records show why they are there.
fn render(record: &TailRecord, pretty: bool) -> anyhow::Result<String> {
    let value = match serde_json::from_slice::<Value>(&record.payload) {
        Ok(value) => value,
        Err(_) => {
            let headers: serde_json::Map<String, Value> = record
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            json!({
                "partition": record.partition,
                "offset": record.offset,
                "key": record.key,
                "headers": headers,
                "value": String::from_utf8_lossy(&record.payload),
            })
        }
    };
    Ok(if pretty {
        serde_json::to_string_pretty(&value)?
    } else {
        serde_json::to_string(&value)?
    })
}
