//! `newsflow produce`: a JSONL file into a topic, one record per line.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use newsflow_kafka::Loader;

use crate::cli::ProduceArgs;
use newsflow_cli::config::Config;

pub fn run(args: ProduceArgs, config: &Config) -> anyhow::Result<()> {
    let kafka = newsflow_cli::kafka_config(config, args.kafka.brokers.as_deref());
    super::check_connection(&kafka)?;
    let (mut input, len): (Box<dyn BufRead>, Option<u64>) = if args.input.as_os_str() == "-" {
        (Box::new(BufReader::new(io::stdin().lock())), None)
    } else {
        let file = File::open(&args.input)
            .with_context(|| format!("cannot open {}", args.input.display()))?;
        let len = file.metadata().ok().map(|m| m.len());
        (Box::new(BufReader::with_capacity(1 << 16, file)), len)
    };
    let progress = io::stderr().is_terminal().then(|| {
        let bar = len.map_or_else(ProgressBar::new_spinner, ProgressBar::new);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let delivered = runtime.block_on(async {
        let mut loader = Loader::new(&kafka, &args.topic)?;
        let mut line = Vec::new();
        let mut number = 0u64;
        loop {
            line.clear();
            let read = input
                .read_until(b'\n', &mut line)
                .context("cannot read input")?;
            if read == 0 {
                break;
            }
            let record = line.strip_suffix(b"\n").unwrap_or(&line);
            let record = record.strip_suffix(b"\r").unwrap_or(record);
            number += 1;
            let record = if number == 1 {
                super::strip_bom(record)
            } else {
                record
            };
            loader.send(record).await.with_context(|| {
                format!(
                    "line {number} ({} bytes; records may have up to [clean] max_record_bytes)",
                    record.len()
                )
            })?;
            if let Some(bar) = &progress {
                bar.inc(read as u64);
            }
        }
        anyhow::Ok(loader.finish().await?)
    })?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    println!("{delivered}");
    eprintln!("produced {delivered} records to {}", args.topic);
    Ok(())
}
