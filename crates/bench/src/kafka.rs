//! The services through a broker, each measured against a no-op of the same shape,
//! all in one run against one broker:
//!
//! - (a) a no-op hop (consume, produce the same bytes, store the offset after
//!   delivery) alone, and a no-op chain of such hops over the topology's topics,
//!   one per stage;
//! - (b) each stage service alone, on a full backlog of its input;
//! - (c) every service of the topology together;
//!
//! each as records/s and as a ratio of the matching no-op. Then the end-to-end
//! latency of the services at half of (c)'s rate. Stages are found by walking the
//! topology (`newsflow_pipeline::topology`), as `serve` does.
//!
//! The no-op is [`PassThrough`] driven by the same runtime ([`run_service`]) with
//! the same settings as the real services, so the ratio isolates the stage code.
//! Every service runs in this process on its own thread and async runtime (built
//! like `newsflow serve`'s). Rates come from the broker timestamps of the output
//! records (stamped when the service produced them), over the middle 80% of the
//! outputs, so consumer-group joins and the tail do not count; outputs are read back
//! after the services stop, so counting them costs the services nothing.

use std::time::{Duration, Instant};

use anyhow::Context;
use newsflow_kafka::runtime::INGEST_HEADER;
use newsflow_kafka::{create_topics, run_service, KafkaConfig, Role};
use newsflow_pipeline::{PipelineConfig, STATE};
use newsflow_stage::{Input, Node, Outcome, Output, Route, Stage, Topology, DEAD_LETTER, NEXT};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Headers, Message};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::{Offset, TopicPartitionList};
use tokio::sync::watch;

use crate::cli::BenchArgs;
use crate::input;
use crate::stats::Spread;
use newsflow_cli::Config;

const METADATA_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for one measurement's outputs.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(300);
/// Share of the outputs left out at each end of a rate measurement.
const TRIM: f64 = 0.1;
/// Length of the paced run of the latency measurement.
const LATENCY_RUN: Duration = Duration::from_secs(20);

/// A stage that forwards every record's bytes unchanged: the cost of a hop itself.
pub struct PassThrough {
    /// Keys are a running number, of an article id's length, so that records keep
    /// the same size.
    next_key: u64,
}

impl Stage for PassThrough {
    fn name(&self) -> &'static str {
        "noop"
    }

    fn slots(&self) -> &'static [&'static str] {
        &[NEXT, DEAD_LETTER]
    }

    fn process(&mut self, input: Input<'_>, out: &mut Vec<Output>) {
        self.next_key += 1;
        out.push(Output::new(
            NEXT,
            format!("{:016x}", self.next_key),
            input.payload.to_vec(),
            Outcome::Passed,
        ));
    }
}

/// One service of a measurement: a stage between topics.
struct Service {
    /// The topology's stage it runs; `None` for the no-op [`PassThrough`].
    stage: Option<&'static str>,
    node: Node,
    group: String,
}

impl Service {
    /// The service of the topology's `node`, with its consumer group.
    fn of(node: &Node, kafka: &KafkaConfig) -> Service {
        let group = kafka.groups.of(node.stage).map_or_else(
            || format!("{}-{}", kafka.groups.all, node.stage),
            str::to_string,
        );
        Service {
            stage: Some(node.stage),
            node: node.clone(),
            group,
        }
    }

    /// A no-op hop in the place of `node`: its input, and its `next` topic without
    /// the stage's partitioning (the no-op's keys are running numbers).
    fn noop(node: &Node, kafka: &KafkaConfig) -> Service {
        let mut next = Route::new(NEXT, &kafka.topics.raw);
        if let Some(route) = node.route(NEXT) {
            next = Route::new(NEXT, &route.topic);
            if route.last {
                next = next.last();
            }
        }
        Service {
            stage: None,
            node: Node {
                stage: "noop",
                input: node.input.clone(),
                routes: vec![next, Route::new(DEAD_LETTER, &kafka.topics.dlq)],
            },
            group: format!("{}-noop-{}", kafka.groups.all, node.stage),
        }
    }
}

/// Services running on their own threads until [`Running::stop`].
struct Running {
    stop: watch::Sender<bool>,
    threads: Vec<std::thread::JoinHandle<anyhow::Result<()>>>,
}

impl Running {
    fn start(
        services: Vec<Service>,
        pipeline: &PipelineConfig,
        kafka: &KafkaConfig,
    ) -> anyhow::Result<Running> {
        let (stop, stopped) = watch::channel(false);
        let mut threads = Vec::new();
        for service in services {
            let kafka = kafka.clone();
            let pipeline = pipeline.clone();
            let stopped = stopped.clone();
            threads.push(std::thread::spawn(move || -> anyhow::Result<()> {
                // Built like `newsflow serve`'s runtime.
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(
                        std::thread::available_parallelism().map_or(4, |n| n.get().max(4)),
                    )
                    .enable_all()
                    .build()
                    .context("cannot start the async runtime")?;
                let shutdown = until(stopped);
                let (node, group) = (&service.node, &service.group);
                let result = runtime.block_on(async {
                    let stage: Box<dyn Stage> = match service.stage {
                        None => Box::new(PassThrough { next_key: 0 }),
                        Some(name) => pipeline.stage(name)?,
                    };
                    run_service(stage, node, group, &kafka, None, shutdown)
                        .await
                        .map_err(anyhow::Error::from)
                });
                result
            }));
        }
        Ok(Running { stop, threads })
    }

    fn stop(self) -> anyhow::Result<()> {
        // Services that already returned hold no receiver; nothing to tell them.
        let _ = self.stop.send(true);
        for thread in self.threads {
            thread
                .join()
                .map_err(|_| anyhow::anyhow!("a service thread panicked"))??;
        }
        Ok(())
    }
}

async fn until(mut stopped: watch::Receiver<bool>) {
    // An error means the sender is gone: stop as well.
    let _ = stopped.wait_for(|stop| *stop).await;
}

/// One measurement of a run, as the report names it, with the no-op measurement
/// its rate is a ratio of (an index into the run's figures).
struct Line {
    name: String,
    noop: usize,
}

/// Index of the no-op hop's figures in a run.
const NOOP_HOP: usize = 0;
/// Index of the no-op chain's figures in a run.
const NOOP_CHAIN: usize = 1;

/// One run's figures, indexed like its [`Line`]s: records per second, and CPU µs of
/// this process (services and the bench's reader, not the broker) per input record,
/// far less noisy than rates on a shared machine.
#[derive(Debug, Default, Clone)]
struct RunFigures {
    rate: Vec<f64>,
    cpu: Vec<f64>,
}

impl RunFigures {
    fn push(&mut self, (rate, cpu): (f64, f64)) {
        self.rate.push(rate);
        self.cpu.push(cpu);
    }
}

/// The outputs a stage alone writes its input's fate to, its `next` topic first:
/// every slot but its changelog, and dead letters only for the first stage, which
/// reads the raw input (later stages get what it let through, and share the topic).
fn outputs_alone(node: &Node, first: bool) -> Vec<&str> {
    let mut outputs: Vec<&str> = node
        .route(NEXT)
        .map(|r| r.topic.as_str())
        .into_iter()
        .collect();
    for route in &node.routes {
        let skip =
            route.slot == NEXT || route.slot == STATE || (route.slot == DEAD_LETTER && !first);
        if !skip && !outputs.contains(&route.topic.as_str()) {
            outputs.push(&route.topic);
        }
    }
    outputs
}

/// Where every input record of the whole topology ends: the topics written that no
/// stage reads, changelogs aside. With `at_last`, the topology's final topic
/// (enriched) stands for the branches read after it, so latency is measured where
/// an article leaves the pipeline, as the services' own latency metric is.
fn final_outputs(topology: &Topology, at_last: bool) -> Vec<&str> {
    let mut outputs: Vec<&str> = Vec::new();
    let mut walked_past_last = false;
    for node in &topology.nodes {
        if at_last && walked_past_last {
            break;
        }
        for route in &node.routes {
            let unread = topology.reader_of(&route.topic).is_none();
            let wanted = route.slot != STATE && (unread || (at_last && route.last));
            if wanted && !outputs.contains(&route.topic.as_str()) {
                outputs.push(&route.topic);
            }
        }
        walked_past_last |= node.is_last(NEXT);
    }
    outputs
}

pub fn run(args: &BenchArgs, config: &Config) -> anyhow::Result<()> {
    let mut kafka = newsflow_cli::kafka_config(config, args.brokers.as_deref());
    // Tansu (and any broker) lets the first member of a group in after half of the
    // session timeout; a short one keeps the bench quick. Configured values win.
    kafka
        .consumer
        .entry("session.timeout.ms".into())
        .or_insert_with(|| "2000".into());
    kafka
        .consumer
        .entry("heartbeat.interval.ms".into())
        .or_insert_with(|| "500".into());
    let input = input::load(args)?;
    let pipeline = &config.pipeline;
    let prefix = format!("bench-{}", std::process::id());
    let probe = Probe::new(&kafka)?;
    let async_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;

    let stages: Vec<&'static str> = newsflow_pipeline::topology(&kafka.topics)
        .stages()
        .collect();
    let mut lines = vec![
        Line {
            name: "(a) no-op hop".into(),
            noop: NOOP_HOP,
        },
        Line {
            name: format!("(a) no-op chain, {} hops", stages.len()),
            noop: NOOP_CHAIN,
        },
    ];
    for stage in &stages {
        lines.push(Line {
            name: format!("(b) {stage} alone"),
            noop: NOOP_HOP,
        });
    }
    lines.push(Line {
        name: format!("(c) pipeline, {} services", stages.len()),
        noop: NOOP_CHAIN,
    });

    let mut runs: Vec<RunFigures> = Vec::new();
    for run in 1..=args.runs {
        let scenario = |name: &str| scenario_config(&kafka, &format!("{prefix}-r{run}-{name}"));
        let mut figures = RunFigures::default();
        let n = input.records.len() as u64;

        let hop = scenario("hop");
        let topology = newsflow_pipeline::topology(&hop.topics);
        prepare(&async_runtime, &hop, &input.records)?;
        let first = topology
            .nodes
            .first()
            .context("the topology has no stage")?;
        let hop_service = vec![Service::noop(first, &hop)];
        let hop_node = hop_service[0].node.clone();
        let outputs = outputs_alone(&hop_node, false);
        let (rate, cpu, _) = measure(&probe, pipeline, &hop, hop_service, &outputs, n)?;
        figures.push((rate, cpu));

        let chain = scenario("chain");
        let topology = newsflow_pipeline::topology(&chain.topics);
        prepare(&async_runtime, &chain, &input.records)?;
        let hops: Vec<Service> = topology
            .nodes
            .iter()
            .map(|node| Service::noop(node, &chain))
            .collect();
        let last = hops
            .last()
            .context("the topology has no stage")?
            .node
            .clone();
        let outputs = outputs_alone(&last, false);
        let (rate, cpu, _) = measure(&probe, pipeline, &chain, hops, &outputs, n)?;
        figures.push((rate, cpu));

        // Each stage alone on the full backlog its upstream stage left.
        let alone = scenario("alone");
        let topology = newsflow_pipeline::topology(&alone.topics);
        prepare(&async_runtime, &alone, &input.records)?;
        let mut expected = n;
        for (index, node) in topology.nodes.iter().enumerate() {
            let outputs = outputs_alone(node, index == 0);
            let service = vec![Service::of(node, &alone)];
            let (rate, cpu, counts) =
                measure(&probe, pipeline, &alone, service, &outputs, expected)?;
            figures.push((rate, cpu));
            // What went on to the next stage: its `next` topic, first of the outputs.
            expected = counts[0];
        }

        let full = scenario("full");
        let topology = newsflow_pipeline::topology(&full.topics);
        prepare(&async_runtime, &full, &input.records)?;
        let outputs = final_outputs(&topology, false);
        let services = topology
            .nodes
            .iter()
            .map(|node| Service::of(node, &full))
            .collect();
        let (rate, cpu, _) = measure(&probe, pipeline, &full, services, &outputs, n)?;
        figures.push((rate, cpu));
        eprintln!("run {run}/{}: {figures:?}", args.runs);
        runs.push(figures);
    }

    let pick = |line: usize, f: fn(&RunFigures) -> &[f64]| {
        Spread::of(&runs.iter().map(|r| f(r)[line]).collect::<Vec<_>>())
    };
    let ratio = |line: usize, of: usize| {
        Spread::of(
            &runs
                .iter()
                .map(|r| r.rate[line] / r.rate[of].max(1e-9))
                .collect::<Vec<_>>(),
        )
    };
    println!(
        "kafka: {}; brokers {}; {} partitions; {} run(s): median (lowest-highest)",
        input.origin,
        kafka.brokers,
        kafka.partitions,
        runs.len()
    );
    println!(
        "  {:<28} {:>26} {:>22} {:>24}",
        "measurement", "records/s", "ratio", "CPU µs/record"
    );
    for (index, line) in lines.iter().enumerate() {
        println!(
            "  {:<28} {:>26} {:>22} {:>24}",
            line.name,
            format!("{:.0}", pick(index, |r| &r.rate)),
            format!("{:.2}", ratio(index, line.noop)),
            format!("{:.1}", pick(index, |r| &r.cpu))
        );
    }
    println!("  (b) ratios are of the no-op hop, (c) of the no-op chain");

    let max_rate = pick(lines.len() - 1, |r| &r.rate).median;
    let latency = latency(
        &async_runtime,
        &probe,
        pipeline,
        &kafka,
        &input.records,
        &format!("{prefix}-latency"),
        max_rate / 2.0,
    )?;
    println!(
        "  end-to-end latency at {:.0} records/s (half of (c)), {} outputs: p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        max_rate / 2.0,
        latency.samples,
        latency.p50,
        latency.p95,
        latency.p99,
        latency.max
    );
    Ok(())
}

/// The config of one measurement: its own topics and groups, so that measurements
/// sharing a broker never see each other's records.
pub(crate) fn scenario_config(base: &KafkaConfig, prefix: &str) -> KafkaConfig {
    let mut kafka = base.clone();
    let t = &mut kafka.topics;
    for topic in [
        &mut t.raw,
        &mut t.lang,
        &mut t.unique,
        &mut t.storied,
        &mut t.duplicates,
        &mut t.enriched,
        &mut t.dlq,
        &mut t.dedup_state,
        &mut t.stories,
    ] {
        *topic = format!("{prefix}.{topic}");
    }
    let g = &mut kafka.groups;
    for group in [
        &mut g.lang,
        &mut g.dedup,
        &mut g.tag,
        &mut g.story,
        &mut g.all,
    ] {
        *group = format!("{prefix}-{group}");
    }
    kafka
}

/// Creates the measurement's topics and loads the input into its raw topic.
fn prepare(
    runtime: &tokio::runtime::Runtime,
    kafka: &KafkaConfig,
    records: &[Vec<u8>],
) -> anyhow::Result<()> {
    runtime.block_on(async {
        create_topics(kafka)
            .await
            .context("cannot create the bench topics")?;
        let mut loader = newsflow_kafka::Loader::new(kafka, &kafka.topics.raw)?;
        for record in records {
            loader.send(record).await?;
        }
        loader.finish().await?;
        anyhow::Ok(())
    })
}

/// Runs `services` until `outputs` received `expected` records, then stops them and
/// returns the output rate over the middle of the run, this process's CPU µs per
/// expected record, and the records per output.
///
/// Outputs are counted by reading them as they arrive: Tansu's high watermark lags
/// behind the last batch, so offsets cannot tell when a run is complete.
fn measure(
    probe: &Probe,
    pipeline: &PipelineConfig,
    kafka: &KafkaConfig,
    services: Vec<Service>,
    outputs: &[&str],
    expected: u64,
) -> anyhow::Result<(f64, f64, Vec<u64>)> {
    probe.assign(outputs)?;
    let cpu_before = process_cpu_seconds();
    let running = Running::start(services, pipeline, kafka)?;
    let stamps = probe.collect(outputs, expected, || {
        running.threads.iter().all(|t| t.is_finished())
    });
    running.stop()?;
    let cpu = match (cpu_before, process_cpu_seconds()) {
        (Some(before), Some(after)) => (after - before) * 1e6 / expected.max(1) as f64,
        _ => f64::NAN,
    };
    let stamps = stamps?;
    let mut per_output = vec![0; outputs.len()];
    for stamp in &stamps {
        per_output[stamp.output] += 1;
    }
    let mut times: Vec<i64> = stamps.into_iter().map(|r| r.timestamp_ms).collect();
    times.sort_unstable();
    Ok((rate(&times), cpu, per_output))
}

/// User plus system CPU seconds of this process so far (`/proc/self/stat`); `None`
/// off Linux. Its 10 ms tick is fine for measurements lasting seconds.
fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    parse_cpu_seconds(&stat)
}

/// utime and stime (fields 14 and 15) of a `/proc/PID/stat` line, in seconds,
/// assuming the usual USER_HZ of 100. The command name (field 2) may hold spaces,
/// so fields are counted after its closing parenthesis.
fn parse_cpu_seconds(stat: &str) -> Option<f64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) as f64 / 100.0)
}

/// Records per second between the outputs at TRIM and 1 - TRIM of the run.
fn rate(stamps: &[i64]) -> f64 {
    if stamps.len() < 10 {
        return 0.0;
    }
    let first = (stamps.len() as f64 * TRIM) as usize;
    let last = (stamps.len() as f64 * (1.0 - TRIM)) as usize - 1;
    let span_ms = (stamps[last] - stamps[first]).max(1) as f64;
    (last - first) as f64 / (span_ms / 1000.0)
}

struct Latency {
    samples: usize,
    p50: f64,
    p95: f64,
    p99: f64,
    max: f64,
}

/// Starts every service of the topology, then produces `records` paced at `rate` records/s for
/// [`LATENCY_RUN`] and measures each output's time from the raw record's timestamp
/// (carried in a header) to its own.
fn latency(
    runtime: &tokio::runtime::Runtime,
    probe: &Probe,
    pipeline: &PipelineConfig,
    base: &KafkaConfig,
    records: &[Vec<u8>],
    prefix: &str,
    rate: f64,
) -> anyhow::Result<Latency> {
    anyhow::ensure!(rate > 0.0, "no pipeline rate to pace the latency run at");
    let kafka = scenario_config(base, prefix);
    runtime
        .block_on(create_topics(&kafka))
        .context("cannot create the bench topics")?;
    let topology = newsflow_pipeline::topology(&kafka.topics);
    let outputs = final_outputs(&topology, true);
    probe.assign(&outputs)?;
    let services = topology
        .nodes
        .iter()
        .map(|node| Service::of(node, &kafka))
        .collect();
    let running = Running::start(services, pipeline, &kafka)?;
    let producer: ThreadedProducer<DefaultProducerContext> = kafka
        .client_config(Role::Producer, &[("enable.idempotence", "true")])
        .create()
        .context("cannot create the bench producer")?;
    // Warm up until the services have joined their groups and answer.
    let warmup = 20.min(records.len());
    send(&producer, &kafka.topics.raw, &records[..warmup])?;
    let gone = || running.threads.iter().all(|t| t.is_finished());
    probe.collect(&outputs, warmup as u64, gone)?;
    let paced = ((rate * LATENCY_RUN.as_secs_f64()) as usize).clamp(1, records.len() - warmup);
    let started_ms = chrono::Utc::now().timestamp_millis();
    let started = Instant::now();
    for (i, record) in records[warmup..warmup + paced].iter().enumerate() {
        let due = started + Duration::from_secs_f64(i as f64 / rate);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        send(&producer, &kafka.topics.raw, std::slice::from_ref(record))?;
    }
    producer
        .flush(Duration::from_secs(30))
        .context("cannot deliver the paced records")?;
    let collected = probe.collect(&outputs, paced as u64, gone);
    running.stop()?;
    // Dead letters carry no ingest time of the article's own.
    let dead_letters = outputs.iter().position(|t| *t == kafka.topics.dlq);
    let mut millis: Vec<f64> = collected?
        .into_iter()
        .filter(|r| Some(r.output) != dead_letters)
        .filter_map(|r| {
            r.ingest_ms
                .filter(|ms| *ms >= started_ms)
                .map(|ms| (r.timestamp_ms - ms) as f64)
        })
        .collect();
    anyhow::ensure!(
        !millis.is_empty(),
        "no output carried the {INGEST_HEADER} header"
    );
    millis.sort_by(f64::total_cmp);
    let at =
        |q: f64| millis[((millis.len() as f64 * q).ceil() as usize).clamp(1, millis.len()) - 1];
    Ok(Latency {
        samples: millis.len(),
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
        max: at(1.0),
    })
}

fn send(
    producer: &ThreadedProducer<DefaultProducerContext>,
    topic: &str,
    records: &[Vec<u8>],
) -> anyhow::Result<()> {
    for record in records {
        let key = newsflow_kafka::tools::line_key(record).unwrap_or_default();
        let mut pending = BaseRecord::to(topic).payload(&record[..]).key(key.as_str());
        loop {
            match producer.send(pending) {
                Ok(()) => break,
                Err((
                    rdkafka::error::KafkaError::MessageProduction(
                        rdkafka::types::RDKafkaErrorCode::QueueFull,
                    ),
                    back,
                )) => {
                    pending = back;
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err((error, _)) => return Err(error).context("cannot produce a bench record"),
            }
        }
    }
    Ok(())
}

/// One output record as the bench reads it back.
struct Stamp {
    /// Index of its topic in the list read.
    output: usize,
    timestamp_ms: i64,
    ingest_ms: Option<i64>,
}

/// A group-less consumer for counting and reading back topics.
struct Probe {
    consumer: BaseConsumer,
}

impl Probe {
    fn new(kafka: &KafkaConfig) -> anyhow::Result<Probe> {
        let consumer = kafka
            .client_config(
                Role::Consumer,
                &[
                    ("group.id", "newsflow-bench-probe"),
                    ("enable.auto.commit", "false"),
                ],
            )
            .create()
            .context("cannot create the bench consumer")?;
        Ok(Probe { consumer })
    }

    fn partitions(&self, topic: &str) -> anyhow::Result<Vec<i32>> {
        let metadata = self
            .consumer
            .fetch_metadata(Some(topic), METADATA_TIMEOUT)
            .with_context(|| format!("cannot read the metadata of {topic}"))?;
        Ok(metadata
            .topics()
            .iter()
            .flat_map(|t| t.partitions().iter().map(|p| p.id()))
            .collect())
    }

    /// Starts reading every partition of `topics` from the beginning.
    fn assign(&self, topics: &[&str]) -> anyhow::Result<()> {
        let mut list = TopicPartitionList::new();
        for topic in topics {
            for partition in self.partitions(topic)? {
                list.add_partition_offset(topic, partition, Offset::Beginning)?;
            }
        }
        self.consumer
            .assign(&list)
            .context("cannot assign the bench consumer")
    }

    /// Reads the assigned topics until `expected` records arrived; gives up after
    /// [`DRAIN_TIMEOUT`] or once `gone()` says the services stopped.
    fn collect(
        &self,
        topics: &[&str],
        expected: u64,
        gone: impl Fn() -> bool,
    ) -> anyhow::Result<Vec<Stamp>> {
        let mut stamps = Vec::with_capacity(expected as usize);
        let deadline = Instant::now() + DRAIN_TIMEOUT;
        while (stamps.len() as u64) < expected {
            anyhow::ensure!(
                Instant::now() < deadline && !gone(),
                "the services produced {} of {expected} records to {topics:?} within {DRAIN_TIMEOUT:?}",
                stamps.len()
            );
            let Some(message) = self.consumer.poll(Duration::from_millis(200)) else {
                continue;
            };
            let message = message.context("cannot read the outputs")?;
            let ingest_ms = message.headers().and_then(|headers| {
                headers
                    .iter()
                    .find(|h| h.key == INGEST_HEADER)
                    .and_then(|h| h.value)
                    .and_then(|v| std::str::from_utf8(v).ok())
                    .and_then(|v| v.parse().ok())
            });
            let output = topics
                .iter()
                .position(|t| *t == message.topic())
                .unwrap_or(0);
            if let Some(timestamp_ms) = message.timestamp().to_millis() {
                stamps.push(Stamp {
                    output,
                    timestamp_ms,
                    ingest_ms,
                });
            }
        }
        Ok(stamps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pass_through_forwards_the_bytes_unchanged_with_a_fresh_key_each_time() {
        let mut stage = PassThrough { next_key: 0 };
        let mut out = Vec::new();
        for payload in [&b"{\"id\":\"a\"}"[..], b"not json"] {
            stage.process(Input::of(payload), &mut out);
        }
        let forwarded: Vec<_> = out
            .iter()
            .map(|output| {
                assert_eq!((output.slot, &output.outcome), (NEXT, &Outcome::Passed));
                (output.key.clone(), output.payload.clone())
            })
            .collect();
        assert_eq!(forwarded[0].1, b"{\"id\":\"a\"}");
        assert_eq!(forwarded[1].1, b"not json");
        assert_ne!(forwarded[0].0, forwarded[1].0);
    }

    #[test]
    fn rate_counts_the_middle_of_the_run_only() {
        // 100 records 10 ms apart, with a slow start the trim leaves out.
        let mut stamps: Vec<i64> = (0..100).map(|i| 10_000 + i * 10).collect();
        stamps[0] = 0;
        assert_eq!(rate(&stamps), 100.0);
        assert_eq!(rate(&stamps[..5]), 0.0);
    }

    #[test]
    fn cpu_seconds_come_from_utime_and_stime_after_the_command_name() {
        let stat = "4242 (tokio (worker) 1) S 1 2 3 4 5 6 7 8 9 10 150 50 0 0 20 0";
        assert_eq!(parse_cpu_seconds(stat), Some(2.0));
        assert_eq!(parse_cpu_seconds("garbage"), None);
        assert!(process_cpu_seconds().is_some_and(|s| s >= 0.0));
    }

    #[test]
    fn each_stage_alone_is_waited_for_on_its_own_outputs_next_first() {
        let topics = newsflow_stage::topology::Topics::default();
        let topology = newsflow_pipeline::topology(&topics);
        let alone: Vec<Vec<&str>> = topology
            .nodes
            .iter()
            .enumerate()
            .map(|(index, node)| outputs_alone(node, index == 0))
            .collect();
        assert_eq!(
            alone,
            [
                vec!["news.lang", "news.dlq"],
                vec!["news.unique", "news.duplicates"],
                vec!["news.enriched"],
                vec!["news.storied"],
            ]
        );
    }

    #[test]
    fn the_pipeline_ends_where_no_stage_reads_and_latency_where_articles_leave() {
        let topics = newsflow_stage::topology::Topics::default();
        let topology = newsflow_pipeline::topology(&topics);
        let mut all = final_outputs(&topology, false);
        all.sort_unstable();
        assert_eq!(all, ["news.dlq", "news.duplicates", "news.storied"]);
        let mut leaving = final_outputs(&topology, true);
        leaving.sort_unstable();
        assert_eq!(leaving, ["news.dlq", "news.duplicates", "news.enriched"]);
    }

    #[test]
    fn a_no_op_hop_takes_the_place_of_a_stage_with_its_topics_and_finality() {
        let kafka = KafkaConfig::default();
        let topology = newsflow_pipeline::topology(&kafka.topics);
        let hops: Vec<Service> = topology
            .nodes
            .iter()
            .map(|node| Service::noop(node, &kafka))
            .collect();
        let last: Vec<bool> = hops.iter().map(|hop| hop.node.is_last(NEXT)).collect();
        assert_eq!(last, [false, false, true, false]);
        assert_eq!(hops[0].node.input, kafka.topics.raw);
        let next = hops[0].node.route(NEXT).expect("next");
        assert_eq!(next.topic, kafka.topics.lang);
        assert_eq!(next.partitioning, newsflow_stage::Partitioning::Key);
    }

    #[test]
    fn scenario_topics_and_groups_are_prefixed() {
        let kafka = scenario_config(&KafkaConfig::default(), "bench-1-r1-hop");
        assert_eq!(kafka.topics.raw, "bench-1-r1-hop.news.raw");
        assert_eq!(kafka.groups.dedup, "bench-1-r1-hop-newsflow-dedup");
    }
}
