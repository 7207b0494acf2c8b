//! The in-process chain: articles/s and MB/s overall and per stage, µs per article
//! per stage, peak RSS.
//!
//! With `--threads 1` the chain is [`Pipeline`], exactly what `newsflow process`
//! runs. With more threads the work is split the way the services split it: clean
//! and lang on any thread (records are independent), then dedup and tag on the
//! thread that owns the article's language (an index per language, as one dedup
//! instance owns each language partition).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context;
use newsflow_pipeline::{Outcome, Pipeline, PipelineConfig, StageTimes, Step};
use newsflow_record::Article;

use crate::chart;
use crate::cli::BenchArgs;
use crate::input::{self, Input};
use crate::stats::{self, Spread};
use newsflow_cli::Config;

/// Steps as reported: the pipeline's timed steps (indexed by [`Step::index`]), then
/// writing the outcome JSON.
pub const STAGES: [&str; SERIALISE + 1] = {
    let mut names = ["serialise"; SERIALISE + 1];
    let mut i = 0;
    while i < SERIALISE {
        names[i] = newsflow_pipeline::STAGES[i];
        i += 1;
    }
    names
};
/// Index of the serialisation step in [`STAGES`], after the pipeline's steps.
const SERIALISE: usize = newsflow_pipeline::STAGES.len();

/// Records a front thread hands to a language owner at once: fewer channel
/// operations than one per record, small enough to keep every thread busy.
const BATCH: usize = 32;

/// Busy time and records per stage, indexed like [`STAGES`].
#[derive(Debug, Clone, Default)]
pub struct Times {
    pub busy: [Duration; STAGES.len()],
    pub records: [u64; STAGES.len()],
}

impl Times {
    fn add(&mut self, other: &Times) {
        for i in 0..STAGES.len() {
            self.busy[i] += other.busy[i];
            self.records[i] += other.records[i];
        }
    }

    fn lap(&mut self, stage: usize, since: &mut Instant) {
        let now = Instant::now();
        self.busy[stage] += now - *since;
        self.records[stage] += 1;
        *since = now;
    }

    /// Adds the pipeline's own step times.
    fn add_steps(&mut self, steps: &StageTimes) {
        for step in Step::ALL {
            self.busy[step.index()] += steps.busy[step.index()];
            self.records[step.index()] += steps.records[step.index()];
        }
    }
}

/// Counts per outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub enriched: u64,
    pub duplicate: u64,
    pub rejected: u64,
}

impl Counts {
    fn count(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Enriched(_) => self.enriched += 1,
            Outcome::Duplicate(_) => self.duplicate += 1,
            Outcome::Rejected(_) => self.rejected += 1,
        }
    }

    fn add(&mut self, other: Counts) {
        self.enriched += other.enriched;
        self.duplicate += other.duplicate;
        self.rejected += other.rejected;
    }
}

/// One pass over the input.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub wall: Duration,
    pub times: Times,
    pub counts: Counts,
    /// Peak RSS during the run (input included), when the kernel reports it.
    pub peak_rss: Option<u64>,
}

/// A fixed arrival time for a whole run, so that runs see the same dedup window.
fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

pub fn run(args: &BenchArgs, config: &Config) -> anyhow::Result<()> {
    let input = input::load(args)?;
    let mut results = Vec::with_capacity(args.runs);
    for run in 1..=args.runs {
        let result = run_once(&config.pipeline, &input.records, args.threads)?;
        eprintln!(
            "run {run}/{}: {:.0} articles/s",
            args.runs,
            input.records.len() as f64 / result.wall.as_secs_f64().max(1e-9)
        );
        results.push(result);
    }
    let summary = Summary::new(&input, args.threads, &results);
    summary.print();
    if let Some(path) = &args.chart {
        chart::draw(path, &summary)?;
        eprintln!("chart written to {}", path.display());
    }
    Ok(())
}

/// One pass over `records` with a fresh pipeline on `threads` threads.
pub fn run_once(
    config: &PipelineConfig,
    records: &[Vec<u8>],
    threads: usize,
) -> anyhow::Result<RunResult> {
    stats::reset_peak_rss();
    let started = Instant::now();
    let (times, counts) = if threads <= 1 {
        let mut pipeline = Pipeline::new(config).context("cannot build the pipeline")?;
        single(&mut pipeline, records, None)
    } else {
        sharded(config, records, threads)?
    };
    let wall = started.elapsed();
    Ok(RunResult {
        wall,
        times,
        counts,
        peak_rss: stats::proc_status_bytes("VmHWM"),
    })
}

/// Called after each record with the pipeline, the record's outcome, its size and
/// the time each pipeline step spent on it, so that the metrics bench can update
/// metrics the way the services do.
pub type Observer<'a> =
    &'a mut dyn FnMut(&Pipeline, &Outcome, usize, &[Duration; newsflow_pipeline::STAGES.len()]);

/// The chain on this thread: [`Pipeline::process_timed`], then the outcome JSON.
pub fn single(
    pipeline: &mut Pipeline,
    records: &[Vec<u8>],
    mut observer: Option<Observer<'_>>,
) -> (Times, Counts) {
    let now = now_unix();
    let mut stage_times = newsflow_pipeline::StageTimes::default();
    let mut times = Times::default();
    let mut counts = Counts::default();
    let mut out = Vec::with_capacity(64 * 1024);
    for raw in records {
        let before = stage_times.busy;
        let outcome = pipeline.process_timed(raw, now, &mut stage_times);
        let mut since = Instant::now();
        out.clear();
        // Writing into a Vec cannot fail and the record types always serialise.
        let _ = serde_json::to_writer(&mut out, &outcome);
        times.lap(SERIALISE, &mut since);
        counts.count(&outcome);
        if let Some(observe) = observer.as_mut() {
            let spent = std::array::from_fn(|i| stage_times.busy[i] - before[i]);
            observe(pipeline, &outcome, raw.len(), &spent);
        }
    }
    times.add_steps(&stage_times);
    (times, counts)
}

/// Clean and lang on `threads` front threads; the stages after lang (in the
/// topology's order) and serialise on `threads` back threads, each owning the
/// languages that hash to it.
fn sharded(
    config: &PipelineConfig,
    records: &[Vec<u8>],
    threads: usize,
) -> anyhow::Result<(Times, Counts)> {
    let now = now_unix();
    let mut fronts = Vec::with_capacity(threads);
    let mut backs = Vec::with_capacity(threads);
    for _ in 0..threads {
        fronts.push(config.lang_stage().context("cannot build the lang stage")?);
        // Each back thread groups the stories of its own languages only: the bench
        // measures the stage's cost, not cross-language grouping.
        backs.push(Pipeline::new(config).context("cannot build the pipeline")?);
    }
    let next = AtomicUsize::new(0);
    let chunk = BATCH * 4;
    std::thread::scope(|scope| {
        let mut senders = Vec::with_capacity(threads);
        let mut back_handles = Vec::with_capacity(threads);
        for mut pipeline in backs {
            let (sender, receiver) = mpsc::sync_channel::<Vec<Article>>(64);
            senders.push(sender);
            back_handles.push(scope.spawn(move || {
                let mut times = Times::default();
                let mut steps = StageTimes::default();
                let mut counts = Counts::default();
                let mut out = Vec::with_capacity(64 * 1024);
                for batch in receiver {
                    for article in batch {
                        let outcome = pipeline.process_after_lang(article, now, &mut steps);
                        let mut since = Instant::now();
                        out.clear();
                        let _ = serde_json::to_writer(&mut out, &outcome);
                        times.lap(SERIALISE, &mut since);
                        counts.count(&outcome);
                    }
                }
                times.add_steps(&steps);
                (times, counts)
            }));
        }
        let mut front_handles = Vec::with_capacity(threads);
        for lang in fronts {
            let senders = senders.clone();
            let next = &next;
            front_handles.push(scope.spawn(move || {
                let mut times = Times::default();
                let mut counts = Counts::default();
                let mut pending: Vec<Vec<Article>> = vec![Vec::with_capacity(BATCH); threads];
                let mut out = Vec::new();
                loop {
                    let start = next.fetch_add(chunk, Ordering::Relaxed);
                    if start >= records.len() {
                        break;
                    }
                    for raw in &records[start..(start + chunk).min(records.len())] {
                        let mut since = Instant::now();
                        let cleaned = lang.clean(raw);
                        times.lap(Step::Clean.index(), &mut since);
                        let mut article = match cleaned {
                            Ok(article) => article,
                            Err(rejection) => {
                                let outcome = Outcome::Rejected(rejection);
                                out.clear();
                                let _ = serde_json::to_writer(&mut out, &outcome);
                                counts.count(&outcome);
                                continue;
                            }
                        };
                        lang.detect(&mut article);
                        times.lap(Step::Lang.index(), &mut since);
                        let shard = owner(&article, threads);
                        pending[shard].push(article);
                        if pending[shard].len() == BATCH {
                            let batch =
                                std::mem::replace(&mut pending[shard], Vec::with_capacity(BATCH));
                            // A back thread only stops when every sender is gone.
                            let _ = senders[shard].send(batch);
                        }
                    }
                }
                for (shard, batch) in pending.into_iter().enumerate() {
                    if !batch.is_empty() {
                        let _ = senders[shard].send(batch);
                    }
                }
                (times, counts)
            }));
        }
        drop(senders);
        let mut times = Times::default();
        let mut counts = Counts::default();
        for handle in front_handles.into_iter().chain(back_handles) {
            let (t, c) = handle
                .join()
                .map_err(|_| anyhow::anyhow!("a bench thread panicked"))?;
            times.add(&t);
            counts.add(c);
        }
        Ok((times, counts))
    })
}

/// The back thread owning an article's language: a stable hash of the code, as the
/// services route `news.lang` partitions.
fn owner(article: &Article, threads: usize) -> usize {
    let code = article.language.as_ref().map_or("und", |l| l.code.as_str());
    let hash = code.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    (hash % threads as u64) as usize
}

/// Figures over all runs.
pub struct Summary {
    pub origin: String,
    pub records: usize,
    pub bytes: u64,
    pub mean_bytes: f64,
    pub threads: usize,
    pub runs: usize,
    /// Articles per second, whole chain, wall clock.
    pub articles_per_s: Spread,
    /// The same per core used (`articles_per_s / threads`).
    pub articles_per_s_per_core: Spread,
    pub mb_per_s: Spread,
    /// µs per article in each stage (busy time / records that entered it).
    pub stage_us: Vec<Spread>,
    /// Records per second one core sustains in each stage.
    pub stage_rate: Vec<Spread>,
    /// Share of the busy time spent in each stage (medians).
    pub stage_share: Vec<f64>,
    pub peak_rss: Option<u64>,
    pub counts: Counts,
}

impl Summary {
    pub fn new(input: &Input, threads: usize, results: &[RunResult]) -> Summary {
        let n = input.records.len() as f64;
        let secs: Vec<f64> = results
            .iter()
            .map(|r| r.wall.as_secs_f64().max(1e-9))
            .collect();
        let rates: Vec<f64> = secs.iter().map(|s| n / s).collect();
        let per_core: Vec<f64> = rates.iter().map(|r| r / threads as f64).collect();
        let mbs: Vec<f64> = secs
            .iter()
            .map(|s| input.bytes() as f64 / 1e6 / s)
            .collect();
        let mut stage_us = Vec::new();
        let mut stage_rate = Vec::new();
        for stage in 0..STAGES.len() {
            let us: Vec<f64> = results
                .iter()
                .filter(|r| r.times.records[stage] > 0)
                .map(|r| r.times.busy[stage].as_secs_f64() * 1e6 / r.times.records[stage] as f64)
                .collect();
            stage_rate.push(Spread::of(
                &us.iter().map(|us| 1e6 / us.max(1e-9)).collect::<Vec<_>>(),
            ));
            stage_us.push(Spread::of(&us));
        }
        let total_us: f64 = stage_us.iter().map(|s| s.median).sum();
        let stage_share = stage_us
            .iter()
            .map(|s| {
                if total_us > 0.0 {
                    s.median / total_us
                } else {
                    0.0
                }
            })
            .collect();
        Summary {
            origin: input.origin.clone(),
            records: input.records.len(),
            bytes: input.bytes(),
            mean_bytes: input.mean_bytes(),
            threads,
            runs: results.len(),
            articles_per_s: Spread::of(&rates),
            articles_per_s_per_core: Spread::of(&per_core),
            mb_per_s: Spread::of(&mbs),
            stage_us,
            stage_rate,
            stage_share,
            peak_rss: results.iter().filter_map(|r| r.peak_rss).max(),
            counts: results.last().map(|r| r.counts).unwrap_or_default(),
        }
    }

    pub fn print(&self) {
        println!("in-process chain: {}", self.origin);
        println!(
            "  {} records, {:.0} B mean, {} in all; {} thread(s); {} run(s): median (lowest-highest)",
            self.records,
            self.mean_bytes,
            stats::mb(self.bytes as f64),
            self.threads,
            self.runs
        );
        println!("  articles/s          {:.0}", self.articles_per_s);
        println!("  articles/s per core {:.0}", self.articles_per_s_per_core);
        println!("  MB/s                {:.1}", self.mb_per_s);
        println!(
            "  {:<10} {:>26} {:>28} {:>7}",
            "stage", "µs/article", "articles/s per core", "share"
        );
        for (i, stage) in STAGES.iter().enumerate() {
            println!(
                "  {:<10} {:>26} {:>28} {:>6.1}%",
                stage,
                format!("{:.1}", self.stage_us[i]),
                format!("{:.0}", self.stage_rate[i]),
                self.stage_share[i] * 100.0
            );
        }
        match self.peak_rss {
            Some(bytes) => println!(
                "  peak RSS {} (VmHWM, input held in memory)",
                stats::mb(bytes as f64)
            ),
            None => println!("  peak RSS unavailable (no /proc/self/status)"),
        }
        println!(
            "  outcomes: enriched {}, duplicate {}, rejected {}",
            self.counts.enriched, self.counts.duplicate, self.counts.rejected
        );
    }
}
