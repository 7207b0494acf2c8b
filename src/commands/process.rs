//! `newsflow process`: every stage in one process, JSONL in, JSONL out.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use newsflow_cli::ChainMetrics;
use newsflow_pipeline::{Outcome, Pipeline, StageTimes, STAGES};
use newsflow_telemetry::Health;

use crate::cli::ProcessArgs;
use newsflow_cli::config::Config;

/// Counts per outcome, for the summary.
#[derive(Debug, Default)]
struct Counts {
    enriched: u64,
    duplicate: u64,
    rejected: u64,
}

pub fn run(args: ProcessArgs, config: &Config) -> anyhow::Result<()> {
    refuse_same_file(&args.input, &args.output)?;
    let topology = newsflow_pipeline::topology(&config.kafka.topics);
    let mut pipeline = Pipeline::with_topology(&config.pipeline, &topology)
        .context("cannot build the pipeline")?;
    let (input, input_len) = open_input(&args.input)?;
    let mut output = open_output(&args.output)?;
    let progress = progress_bar(input_len);
    let metrics_addr = args
        .metrics_addr
        .as_deref()
        .or(config.metrics.addr.as_deref());
    let health = Health::new();
    // Kept alive until the end of the run; dropping it stops the endpoint.
    newsflow_telemetry::Metrics::global().set_identity(newsflow_telemetry::Identity {
        stage: "process".into(),
        replica: super::host_name(),
    });
    let _endpoint = match metrics_addr {
        Some(addr) => Some(newsflow_telemetry::spawn(addr, health.clone())?),
        None => None,
    };
    let metrics = metrics_addr.map(|_| {
        let global = newsflow_telemetry::Metrics::global();
        pipeline.register(&global.telemetry());
        ChainMetrics::new(global, &pipeline)
    });
    health.set_ready(true);

    let started = Instant::now();
    let mut times = StageTimes::default();
    let mut counts = Counts::default();
    let mut bytes_in = 0u64;
    let mut line = Vec::new();
    let mut reader = input;
    let mut line_number = 0u64;
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .context("cannot read input")?;
        if read == 0 {
            break;
        }
        line_number += 1;
        bytes_in += read as u64;
        let record = trim_line_end(&line);
        let record = if line_number == 1 {
            super::strip_bom(record)
        } else {
            record
        };
        let now = chrono::Utc::now().timestamp();
        let before = metrics.as_ref().map(|_| (times.busy, Instant::now()));
        let outcome = pipeline.process_line(record, line_number, now, &mut times);
        if let (Some(metrics), Some((busy_before, read_at))) = (&metrics, before) {
            // "End to end" here is from reading the line to its outcome being ready.
            let spent = std::array::from_fn(|step| times.busy[step] - busy_before[step]);
            metrics.observe(&pipeline, &outcome, record.len() as u64, &spent, read_at);
        }
        match &outcome {
            Outcome::Enriched(_) => counts.enriched += 1,
            Outcome::Duplicate(_) => counts.duplicate += 1,
            Outcome::Rejected(_) => counts.rejected += 1,
        }
        serde_json::to_writer(&mut output, &outcome).context("cannot write output")?;
        output.write_all(b"\n").context("cannot write output")?;
        if let Some(bar) = &progress {
            bar.inc(read as u64);
        }
    }
    output.flush().context("cannot write output")?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    print_summary(&counts, &times, line_number, bytes_in, started.elapsed());
    Ok(())
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Refuses to write the output over the input: opening the output truncates it
/// before a single line is read. Compares device and inode, so the same file
/// reached through another name (a symlink, a hard link, `./f`) is caught too.
fn refuse_same_file(input: &Path, output: &Path) -> anyhow::Result<()> {
    let stdio = Path::new("-");
    if input == stdio || output == stdio {
        return Ok(());
    }
    let (Ok(input_meta), Ok(output_meta)) = (std::fs::metadata(input), std::fs::metadata(output))
    else {
        // The output does not exist yet (or the input cannot be read, which
        // opening it reports next): not the same file.
        return Ok(());
    };
    if same_file(&input_meta, &output_meta) {
        anyhow::bail!(
            "--output {} is the input file {}: writing it would destroy the input; \
             choose another output file",
            output.display(),
            input.display()
        );
    }
    Ok(())
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}

fn open_input(path: &Path) -> anyhow::Result<(Box<dyn BufRead>, Option<u64>)> {
    if path == Path::new("-") {
        return Ok((Box::new(BufReader::new(io::stdin().lock())), None));
    }
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let len = file.metadata().ok().map(|m| m.len());
    Ok((Box::new(BufReader::with_capacity(1 << 16, file)), len))
}

fn open_output(path: &Path) -> anyhow::Result<Box<dyn Write>> {
    if path == Path::new("-") {
        return Ok(Box::new(BufWriter::new(io::stdout().lock())));
    }
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(Box::new(BufWriter::with_capacity(1 << 16, file)))
}

/// A byte-based progress bar, only when stderr is a terminal and the input size is known.
fn progress_bar(input_len: Option<u64>) -> Option<ProgressBar> {
    let len = input_len?;
    if !io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(bar)
}

fn print_summary(
    counts: &Counts,
    times: &StageTimes,
    records: u64,
    bytes: u64,
    elapsed: std::time::Duration,
) {
    let secs = elapsed.as_secs_f64().max(1e-9);
    eprintln!(
        "processed {records} records ({:.1} MB) in {:.2} s: {:.0} records/s",
        bytes as f64 / 1e6,
        secs,
        records as f64 / secs
    );
    eprintln!(
        "outcomes: enriched {}, duplicate {}, rejected {}",
        counts.enriched, counts.duplicate, counts.rejected
    );
    for (index, stage) in STAGES.iter().enumerate() {
        let busy = times.busy[index].as_secs_f64();
        let seen = times.records[index];
        if seen == 0 {
            continue;
        }
        eprintln!(
            "  {stage:<6} {seen:>8} records  {:>8.1} µs/record  {:>10.0} records/s",
            busy * 1e6 / seen as f64,
            seen as f64 / busy.max(1e-9)
        );
    }
}
