//! The dedup index with many articles in its window: bytes per indexed article,
//! the RSS that takes, how long a rebuild from the changelog takes, and the cost of
//! one check against the full index.
//!
//! The rebuild is measured in process: changelog records (the JSON the dedup
//! service writes to `news.dedup-state`) are handed to
//! [`Stage::restore`](newsflow_stage::Stage::restore), as the service does after fetching them; the fetch
//! from the broker is not included.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;
use newsflow_dedup::IndexEntry;
use newsflow_pipeline::{DedupStage, PipelineConfig};
use newsflow_record::Article;
use newsflow_stage::Stage;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::cli::BenchArgs;
use crate::input;
use crate::stats::{self, Spread};
use newsflow_cli::Config;

/// Changelog records restored between two clock readings: few enough to keep the
/// batch buffer small, many enough that reading the clock costs nothing.
const BATCH: usize = 4096;

/// Articles checked against the full index to time a lookup.
const PROBES: usize = 2_000;

#[derive(Debug, Serialize, Deserialize)]
struct MemoryRun {
    /// RSS growth while the index filled.
    rss_growth: u64,
    /// Time spent in `restore` alone.
    #[serde(with = "secs")]
    rebuild: Duration,
    /// Entries the index holds afterwards.
    indexed: usize,
    /// The index's own estimate of its memory.
    estimate: usize,
    /// Mean time of one dedup check against the full index.
    #[serde(with = "secs")]
    probe: Duration,
}

mod secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let secs = f64::deserialize(d)?;
        Duration::try_from_secs_f64(secs).map_err(serde::de::Error::custom)
    }
}

pub fn run(articles: usize, args: &BenchArgs, config: &Config) -> anyhow::Result<()> {
    anyhow::ensure!(articles > 0, "--dedup-memory needs at least one article");
    let mut pipeline = config.pipeline.clone();
    // The whole set must fit the window, or the figure would be of a smaller index.
    pipeline.dedup.window_count = pipeline.dedup.window_count.max(articles);
    let languages = languages(args)?;
    if args.child {
        // One measurement in this fresh process, for the parent to collect.
        let result = run_once(&pipeline, articles, &languages, args)?;
        println!("{}", serde_json::to_string(&result)?);
        return Ok(());
    }
    let config_file = ChildConfig::write(config, &pipeline)?;
    let mut runs = Vec::with_capacity(args.runs);
    for run in 1..=args.runs {
        let result = run_child(&config_file.path, articles, args, args.seed + run as u64)?;
        eprintln!(
            "run {run}/{}: {} indexed, {:.1} B/article, rebuilt in {:.2} s",
            args.runs,
            result.indexed,
            result.rss_growth as f64 / articles as f64,
            result.rebuild.as_secs_f64()
        );
        runs.push(result);
    }
    let per_article = Spread::of(
        &runs
            .iter()
            .map(|r| r.rss_growth as f64 / articles as f64)
            .collect::<Vec<_>>(),
    );
    let rss = Spread::of(&runs.iter().map(|r| r.rss_growth as f64).collect::<Vec<_>>());
    let rebuild = Spread::of(
        &runs
            .iter()
            .map(|r| r.rebuild.as_secs_f64())
            .collect::<Vec<_>>(),
    );
    let rate = Spread::of(
        &runs
            .iter()
            .map(|r| articles as f64 / r.rebuild.as_secs_f64().max(1e-9))
            .collect::<Vec<_>>(),
    );
    let probe = Spread::of(
        &runs
            .iter()
            .map(|r| r.probe.as_secs_f64() * 1e6)
            .collect::<Vec<_>>(),
    );
    println!(
        "dedup index: {articles} articles in the window over {} language(s); {} run(s): median (lowest-highest)",
        languages.len(),
        runs.len()
    );
    println!(
        "  indexed after rebuild   {}",
        runs.last().map_or(0, |r| r.indexed)
    );
    println!("  bytes per article (RSS) {per_article:.1}");
    let estimate = Spread::of(
        &runs
            .iter()
            .map(|r| r.estimate as f64 / r.indexed.max(1) as f64)
            .collect::<Vec<_>>(),
    );
    println!("  bytes per article (index estimate) {estimate:.1}");
    println!(
        "  RSS of the index        {:.1} MB",
        Spread {
            median: rss.median / 1e6,
            min: rss.min / 1e6,
            max: rss.max / 1e6
        }
    );
    println!("  rebuild from changelog  {rebuild:.2} s ({rate:.0} entries/s; in process, broker fetch excluded)");
    println!("  check vs full index     {probe:.1} µs/article ({PROBES} generated articles)");
    Ok(())
}

/// The config a child process reads: this process's config with the window that
/// fits every article, in a temporary file removed on drop.
pub(super) struct ChildConfig {
    pub(super) path: PathBuf,
}

impl ChildConfig {
    pub(crate) fn write(config: &Config, pipeline: &PipelineConfig) -> anyhow::Result<ChildConfig> {
        let mut config = config.clone();
        config.pipeline = pipeline.clone();
        if let Some(dir) = &config.pipeline.data_dir {
            config.pipeline.data_dir =
                Some(std::path::absolute(dir).context("cannot resolve the data directory")?);
        }
        let path =
            std::env::temp_dir().join(format!("newsflow-bench-memory-{}.toml", std::process::id()));
        let text = toml::to_string(&config).context("cannot write the config as TOML")?;
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        Ok(ChildConfig { path })
    }
}

impl Drop for ChildConfig {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Runs one measurement in a fresh process: memory a process has freed is not
/// given back to the kernel, so a second index in the same process would reuse it
/// and look free.
fn run_child(
    config: &Path,
    articles: usize,
    args: &BenchArgs,
    seed: u64,
) -> anyhow::Result<MemoryRun> {
    let exe = std::env::current_exe().context("cannot find the newsflow-bench executable")?;
    let mut command = Command::new(exe);
    command
        .arg("--config")
        .arg(config)
        .args(["--child", "--runs", "1"])
        .arg("--dedup-memory")
        .arg(articles.to_string())
        .arg("--seed")
        .arg(seed.to_string())
        .arg("--article-bytes")
        .arg(args.article_bytes.to_string());
    if let Some(mix) = &args.languages {
        command.arg("--languages").arg(mix);
    }
    if let Some(dir) = &args.sentences {
        command.arg("--sentences").arg(dir);
    }
    child_result(&mut command)
}

/// Runs a `newsflow-bench --child` command and reads the one JSON line it prints.
pub(crate) fn child_result<T: serde::de::DeserializeOwned>(
    command: &mut Command,
) -> anyhow::Result<T> {
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .context("cannot start the measuring process")?;
    anyhow::ensure!(
        output.status.success(),
        "the measuring process failed ({})",
        output.status
    );
    let line = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(line.trim()).context("unexpected output of the measuring process")
}

pub(crate) fn languages(args: &BenchArgs) -> anyhow::Result<Vec<String>> {
    let config = input::generator_config(args, 1)?;
    Ok(config.languages.into_iter().map(|(code, _)| code).collect())
}

/// Cleaned, language-tagged articles to check against the full index.
fn probe_articles(args: &BenchArgs, config: &PipelineConfig) -> anyhow::Result<Vec<Article>> {
    let input = input::generate(args, PROBES)?;
    let lang = config.lang_stage().context("cannot build the lang stage")?;
    Ok(input
        .records
        .iter()
        .filter_map(|raw| lang.run(raw).ok())
        .collect())
}

fn run_once(
    config: &PipelineConfig,
    articles: usize,
    languages: &[String],
    args: &BenchArgs,
) -> anyhow::Result<MemoryRun> {
    let seed = args.seed;
    let now = chrono::Utc::now().timestamp();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut batch: Vec<Vec<u8>> = Vec::with_capacity(BATCH);
    let before = stats::proc_status_bytes("VmRSS").unwrap_or(0);
    let mut stage: DedupStage = config.dedup_stage();
    let mut rebuild = Duration::ZERO;
    let mut made = 0;
    while made < articles {
        batch.clear();
        let count = BATCH.min(articles - made);
        for i in made..made + count {
            let entry = index_entry(&mut rng, seed, i, languages, now);
            // The record types always serialise.
            batch.push(serde_json::to_vec(&entry).unwrap_or_default());
        }
        let started = Instant::now();
        let now_ms = now.saturating_mul(1000);
        for payload in &batch {
            stage.restore(payload, now_ms);
        }
        rebuild += started.elapsed();
        made += count;
    }
    let after = stats::proc_status_bytes("VmRSS").unwrap_or(0);
    let indexed = stage.index().len();
    let estimate = stage.index().memory_bytes();
    // Generated only now, so that memory they free is not reused by the index and
    // hidden from the RSS growth above.
    let probes = probe_articles(args, config)?;
    let probe = time_probes(&mut stage, &probes, now);
    Ok(MemoryRun {
        rss_growth: after.saturating_sub(before),
        rebuild,
        indexed,
        estimate,
        probe,
    })
}

/// Index entry number `i` of a generated changelog, as the dedup service admits
/// them: random fingerprints (distinct articles), languages in turn.
pub(crate) fn index_entry(
    rng: &mut StdRng,
    seed: u64,
    i: usize,
    languages: &[String],
    now: i64,
) -> IndexEntry {
    IndexEntry {
        // The generator's id shape: a source prefix and a running number.
        id: format!("gen-{seed:x}-{i:09}"),
        language: languages[i % languages.len()].clone(),
        exact: rng.random(),
        simhash: rng.random(),
        lead: None,
        sketch: Some(rng.random()),
        bands: Some(rng.random()),
        sample: Some(newsflow_dedup::ShingleSample {
            shift: 3,
            filter: rng.random(),
        }),
        // Spread over the last hour: all inside any window.
        admitted_at: now - (i % 3600) as i64,
        version: newsflow_dedup::FINGERPRINT_VERSION,
    }
}

fn time_probes(stage: &mut DedupStage, probes: &[Article], now: i64) -> Duration {
    if probes.is_empty() {
        return Duration::ZERO;
    }
    let inputs = probes.to_vec();
    let started = Instant::now();
    for article in inputs {
        let _ = std::hint::black_box(stage.run(article, now));
    }
    started.elapsed() / probes.len() as u32
}
