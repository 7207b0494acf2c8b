//! The dedup index rebuilt from its changelog through a broker: what a dedup service
//! does when it is assigned its partitions, timed end to end.
//!
//! The bench writes `articles` changelog records into a fresh changelog topic, the
//! way the dedup service writes them to `news.dedup-state`: the JSON of an admitted
//! [`IndexEntry`](newsflow_dedup::IndexEntry) keyed by the article id, in the
//! partition of the entry's language on `news.lang`, with the service's output
//! headers. Then each run starts a fresh process that rebuilds an empty dedup stage
//! from every partition with [`newsflow_kafka::restore::rebuild`], the function the
//! service runs on assignment, and reports the time, the rate and its RSS afterwards.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use newsflow_kafka::headers::{output_headers, TraceParent};
use newsflow_kafka::{create_topics, language_partition, KafkaConfig, Role};
use newsflow_pipeline::DedupStage;
use rand::rngs::StdRng;
use rand::SeedableRng;
use rdkafka::client::ClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::OwnedHeaders;
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use rdkafka::types::RDKafkaErrorCode;
use serde::{Deserialize, Serialize};

use crate::cli::BenchArgs;
use crate::kafka::scenario_config;
use crate::memory::{self, ChildConfig};
use crate::stats::{self, Spread};
use newsflow_cli::Config;

const METADATA_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for the changelog records to be acknowledged.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(300);

/// One rebuild, measured in its own process.
#[derive(Debug, Serialize, Deserialize)]
struct RebuildRun {
    /// Changelog records read.
    records: u64,
    /// Entries the index holds afterwards.
    indexed: usize,
    /// From the start of the rebuild (consumer creation included) to its return.
    seconds: f64,
    /// CPU time of the process (all threads) during the rebuild: unlike `seconds`,
    /// it hardly depends on what else the machine runs.
    cpu_seconds: f64,
    /// RSS of the process once the index is rebuilt.
    rss_after: u64,
    /// RSS growth during the rebuild.
    rss_growth: u64,
}

pub fn run(articles: usize, args: &BenchArgs, config: &Config) -> anyhow::Result<()> {
    anyhow::ensure!(articles > 0, "--dedup-rebuild needs at least one article");
    let mut pipeline = config.pipeline.clone();
    // The whole changelog must fit the window, or the index would drop entries.
    pipeline.dedup.window_count = pipeline.dedup.window_count.max(articles);
    let kafka = newsflow_cli::kafka_config(config, args.brokers.as_deref());
    if args.child {
        let result = run_once(&pipeline, &kafka)?;
        println!("{}", serde_json::to_string(&result)?);
        return Ok(());
    }
    let kafka = scenario_config(&kafka, &format!("bench-{}-rebuild", std::process::id()));
    let topic = kafka.topics.dedup_state.clone();
    let languages = memory::languages(args)?;
    let loaded = load_changelog(&kafka, articles, &languages, args.seed)?;
    eprintln!(
        "changelog {topic}: {articles} records, {:.1} MB, written in {:.1} s",
        loaded.bytes as f64 / 1e6,
        loaded.seconds
    );

    let mut child_config = config.clone();
    child_config.kafka = kafka.clone();
    let child_config = ChildConfig::write(&child_config, &pipeline)?;
    let mut runs = Vec::with_capacity(args.runs);
    for run in 1..=args.runs {
        let result = run_child(&child_config.path, articles, &kafka.brokers)?;
        eprintln!(
            "run {run}/{}: {} records, {} indexed, {:.2} s ({:.2} s CPU), RSS {:.0} MB",
            args.runs,
            result.records,
            result.indexed,
            result.seconds,
            result.cpu_seconds,
            result.rss_after as f64 / 1e6
        );
        anyhow::ensure!(
            result.records == articles as u64 && result.indexed == articles,
            "the rebuild read {} records and indexed {} of {articles}",
            result.records,
            result.indexed
        );
        runs.push(result);
    }
    let pick = |f: fn(&RebuildRun) -> f64| Spread::of(&runs.iter().map(f).collect::<Vec<_>>());
    let seconds = pick(|r| r.seconds);
    let rate = pick(|r| r.records as f64 / r.seconds.max(1e-9));
    let cpu = pick(|r| r.cpu_seconds);
    let rss_after = pick(|r| r.rss_after as f64 / 1e6);
    let rss_growth = pick(|r| r.rss_growth as f64 / 1e6);
    println!(
        "dedup rebuild through the broker: {articles} changelog records ({:.0} B mean) in {} partition(s) of {topic}; brokers {}; {} run(s): median (lowest-highest)",
        loaded.bytes as f64 / articles as f64,
        loaded.partitions,
        kafka.brokers,
        runs.len()
    );
    println!("  rebuild                 {seconds:.2} s");
    println!("  rate                    {rate:.0} records/s");
    println!("  CPU of the rebuilding process {cpu:.2} s (the broker's not included)");
    println!("  RSS after the rebuild   {rss_after:.0} MB (growth {rss_growth:.0} MB)");
    Ok(())
}

struct Loaded {
    bytes: u64,
    seconds: f64,
    partitions: i32,
}

/// Delivery reports of the changelog producer.
#[derive(Default)]
struct Deliveries {
    delivered: AtomicU64,
    failed: AtomicU64,
    first_error: Mutex<Option<KafkaError>>,
}

impl ClientContext for Deliveries {}

impl ProducerContext for Deliveries {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        match result {
            Ok(_) => {
                self.delivered.fetch_add(1, Ordering::Relaxed);
            }
            Err((error, _)) => {
                self.failed.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut first) = self.first_error.lock() {
                    first.get_or_insert_with(|| error.clone());
                }
            }
        }
    }
}

/// Creates the bench topics and writes `articles` changelog records as the dedup
/// service writes them.
fn load_changelog(
    kafka: &KafkaConfig,
    articles: usize,
    languages: &[String],
    seed: u64,
) -> anyhow::Result<Loaded> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?
        .block_on(create_topics(kafka))
        .context("cannot create the bench topics")?;
    let topic = kafka.topics.dedup_state.as_str();
    // The service's producer settings, so that records are batched as it batches them.
    let producer: ThreadedProducer<Deliveries> = kafka
        .client_config(Role::Producer, &[("enable.idempotence", "true")])
        .create_with_context(Deliveries::default())
        .context("cannot create the bench producer")?;
    let partitions = partition_count(kafka, &kafka.topics.lang)?;
    let state_partitions = partition_count(kafka, topic)?;
    let now = chrono::Utc::now().timestamp();
    let mut rng = StdRng::seed_from_u64(seed);
    let started = Instant::now();
    let mut bytes = 0u64;
    for i in 0..articles {
        let entry = memory::index_entry(&mut rng, seed, i, languages, now);
        // As the service does: the entry in the changelog partition numbered like the
        // input record's partition on `news.lang`, which is its language's.
        let partition = language_partition(Some(&entry.language), partitions)
            .rem_euclid(state_partitions.max(1));
        let payload = serde_json::to_vec(&entry).context("cannot serialise an index entry")?;
        bytes += payload.len() as u64;
        let headers = output_headers("dedup", &TraceParent::generate(), Some(now * 1000));
        send(&producer, topic, partition, &entry.id, &payload, headers)?;
    }
    producer
        .flush(FLUSH_TIMEOUT)
        .context("cannot deliver the changelog records")?;
    let context = producer.context();
    let failed = context.failed.load(Ordering::Relaxed);
    if failed > 0 {
        let first = context.first_error.lock().ok().and_then(|e| e.clone());
        anyhow::bail!("{failed} changelog records were not delivered (first error: {first:?})");
    }
    let delivered = context.delivered.load(Ordering::Relaxed);
    anyhow::ensure!(
        delivered == articles as u64,
        "{delivered} of {articles} changelog records were acknowledged"
    );
    Ok(Loaded {
        bytes,
        seconds: started.elapsed().as_secs_f64(),
        partitions: state_partitions,
    })
}

fn send(
    producer: &ThreadedProducer<Deliveries>,
    topic: &str,
    partition: i32,
    key: &str,
    payload: &[u8],
    headers: OwnedHeaders,
) -> anyhow::Result<()> {
    let mut record = BaseRecord::to(topic)
        .partition(partition)
        .key(key)
        .payload(payload)
        .headers(headers);
    loop {
        match producer.send(record) {
            Ok(()) => return Ok(()),
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                record = back;
                std::thread::sleep(Duration::from_millis(5));
            }
            Err((error, _)) => return Err(error).context("cannot produce a changelog record"),
        }
    }
}

fn partition_count(kafka: &KafkaConfig, topic: &str) -> anyhow::Result<i32> {
    let consumer: BaseConsumer = kafka
        .client_config(Role::Consumer, &[("group.id", "newsflow-bench-rebuild")])
        .create()
        .context("cannot create the metadata client")?;
    let metadata = consumer
        .fetch_metadata(Some(topic), METADATA_TIMEOUT)
        .with_context(|| format!("cannot read the metadata of {topic}"))?;
    let count = metadata
        .topics()
        .iter()
        .map(|t| t.partitions().len())
        .sum::<usize>();
    anyhow::ensure!(count > 0, "topic {topic} has no partitions");
    i32::try_from(count).context("too many partitions")
}

/// Runs one rebuild in a fresh process, as a restarted service would: memory freed by
/// an earlier rebuild would otherwise be reused and hide the RSS.
fn run_child(config: &Path, articles: usize, brokers: &str) -> anyhow::Result<RebuildRun> {
    let exe = std::env::current_exe().context("cannot find the newsflow-bench executable")?;
    memory::child_result(
        Command::new(exe)
            .arg("--config")
            .arg(config)
            .args(["--child", "--kafka", "--runs", "1", "--brokers", brokers])
            .arg("--dedup-rebuild")
            .arg(articles.to_string()),
    )
}

/// Rebuilds an empty dedup stage from every partition of the changelog.
fn run_once(
    pipeline: &newsflow_pipeline::PipelineConfig,
    kafka: &KafkaConfig,
) -> anyhow::Result<RebuildRun> {
    let topic = kafka.topics.dedup_state.as_str();
    let partitions: Vec<i32> = (0..partition_count(kafka, topic)?).collect();
    // Built like `newsflow serve`'s runtime.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(std::thread::available_parallelism().map_or(4, |n| n.get().max(4)))
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let before = stats::proc_status_bytes("VmRSS").unwrap_or(0);
    let cpu_before = process_cpu_seconds()?;
    let mut stage: DedupStage = pipeline.dedup_stage();
    let started = Instant::now();
    let records = runtime
        .block_on(newsflow_kafka::restore::rebuild(
            &mut stage,
            topic,
            &partitions,
            kafka,
        ))
        .context("the rebuild failed")?;
    let seconds = started.elapsed().as_secs_f64();
    let cpu_seconds = process_cpu_seconds()? - cpu_before;
    let after = stats::proc_status_bytes("VmRSS").unwrap_or(0);
    let indexed = stage
        .index()
        .len_by_language()
        .into_iter()
        .map(|(_, n)| n)
        .sum();
    Ok(RebuildRun {
        records,
        indexed,
        seconds,
        cpu_seconds,
        rss_after: after,
        rss_growth: after.saturating_sub(before),
    })
}

/// User and system time of this process so far, all threads together.
fn process_cpu_seconds() -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").context("cannot read /proc/self/stat")?;
    cpu_seconds_of(&stat).context("unexpected /proc/self/stat")
}

/// utime + stime of a `/proc/<pid>/stat` line, in seconds. Fields are counted after
/// the command name, which is in parentheses and may hold spaces.
fn cpu_seconds_of(stat: &str) -> Option<f64> {
    let fields: Vec<&str> = stat
        .get(stat.rfind(')')? + 1..)?
        .split_whitespace()
        .collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
    // /proc reports in USER_HZ, which Linux fixes at 100 for user space.
    Some((ticks(11)? + ticks(12)?) as f64 / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bench_topic_is_prefixed() {
        let kafka = scenario_config(&KafkaConfig::default(), "bench-1-rebuild");
        assert_eq!(kafka.topics.dedup_state, "bench-1-rebuild.news.dedup-state");
        assert_eq!(kafka.topics.raw, "bench-1-rebuild.news.raw");
    }

    #[test]
    fn cpu_seconds_add_user_and_system_ticks_after_a_name_with_spaces() {
        let stat = "4242 (new (s) flow) R 1 2 3 4 5 6 7 8 9 10 250 75 0 0 20 0 9 0";
        assert_eq!(cpu_seconds_of(stat), Some(3.25));
        assert_eq!(cpu_seconds_of("4242 (newsflow) R 1"), None);
    }
}
