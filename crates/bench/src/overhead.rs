//! The chain with metrics updates on and off: the same input, the same pipeline,
//! alternating runs so that drift in machine load hits both sides alike.
//!
//! "On" records per record what the services record, through the same
//! [`ChainMetrics`] as `newsflow process`: each stage the record went through counts
//! it with its fate there, its size and processing time; the stages are registered,
//! so lang counts the language and tag each event type, as they do in a service.

use std::time::{Duration, Instant};

use anyhow::Context;
use newsflow_cli::ChainMetrics;
use newsflow_pipeline::{Outcome, Pipeline};
use newsflow_telemetry::Metrics;

use crate::chain;
use crate::cli::BenchArgs;
use crate::input;
use crate::stats::Spread;
use newsflow_cli::Config;

pub fn run(args: &BenchArgs, config: &Config) -> anyhow::Result<()> {
    let input = input::load(args)?;
    let n = input.records.len() as f64;
    let metrics = Metrics::new().context("cannot create the metrics")?;
    let mut off = Vec::with_capacity(args.runs);
    let mut on = Vec::with_capacity(args.runs);
    let mut overhead = Vec::with_capacity(args.runs);
    // The updates' own share of a run: unlike the difference of two runs, not
    // drowned by the noise of a shared machine.
    let mut direct = Vec::with_capacity(args.runs);
    for run in 1..=args.runs {
        // Alternate which side goes first, so neither always runs on a warmer cache.
        let order = if run % 2 == 1 {
            [false, true]
        } else {
            [true, false]
        };
        let mut pair = [0.0; 2];
        let mut update_time = Duration::ZERO;
        let mut on_time = Duration::ZERO;
        for with_metrics in order {
            let mut pipeline =
                Pipeline::new(&config.pipeline).context("cannot build the pipeline")?;
            if with_metrics {
                pipeline.register(&metrics.telemetry());
            }
            let started = Instant::now();
            if with_metrics {
                let chain_metrics = ChainMetrics::new(&metrics, &pipeline);
                let mut observe =
                    |pipeline: &Pipeline,
                     outcome: &Outcome,
                     bytes: usize,
                     spent: &[Duration; newsflow_pipeline::STAGES.len()]| {
                        let started = Instant::now();
                        chain_metrics.observe(pipeline, outcome, bytes as u64, spent, started);
                        update_time += started.elapsed();
                    };
                chain::single(&mut pipeline, &input.records, Some(&mut observe));
            } else {
                chain::single(&mut pipeline, &input.records, None);
            }
            let elapsed = started.elapsed();
            if with_metrics {
                on_time = elapsed;
            }
            pair[usize::from(with_metrics)] = n / elapsed.as_secs_f64().max(1e-9);
        }
        eprintln!(
            "run {run}/{}: off {:.0} articles/s, on {:.0} articles/s",
            args.runs, pair[0], pair[1]
        );
        off.push(pair[0]);
        on.push(pair[1]);
        overhead.push((pair[0] - pair[1]) / pair[0] * 100.0);
        direct.push(update_time.as_secs_f64() / on_time.as_secs_f64().max(1e-9) * 100.0);
    }
    println!(
        "metrics overhead: {}; {} run pair(s): median (lowest-highest)",
        input.origin, args.runs
    );
    println!("  metrics off  {:.0} articles/s", Spread::of(&off));
    println!("  metrics on   {:.0} articles/s", Spread::of(&on));
    println!(
        "  overhead     {:.2} % (per pair: (off - on) / off)",
        Spread::of(&overhead)
    );
    println!(
        "  updates' own share of the run: {:.3} % (time inside the metric calls / run time)",
        Spread::of(&direct)
    );
    Ok(())
}
