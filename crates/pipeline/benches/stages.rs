//! Criterion benches of each stage (clean, lang, dedup, tag) and of the whole chain
//! on realistic news-like articles from `newsflow-gen`.
//!
//! Bodies are 3 KB by default (`NEWSFLOW_BENCH_BODY_BYTES`), made of the real
//! sentences in `../shared/bench-data/langid/` when that directory exists (else the
//! generator's own text), in the generator's default language mix
//! (`NEWSFLOW_BENCH_MIX=en:4,fr:1,...` to change it), with 5% exact and 5% near
//! duplicates. Stages run with the shipped `config/newsflow.toml`.
//!
//! Run: `cargo bench -p newsflow-pipeline --bench stages` (add `-- chain` for one group).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use newsflow_gen::GeneratorConfig;
use newsflow_pipeline::{Pipeline, PipelineConfig};
use newsflow_record::Article;

/// Distinct articles per bench: more than one sample's iterations, so that the
/// dedup index sees mostly new text, as in production.
const ARTICLES: usize = 4_000;

/// A fixed arrival time, so that no article leaves the dedup window during a bench.
const NOW_UNIX: i64 = 1_750_000_000;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pipeline_config() -> PipelineConfig {
    let file = workspace().join("config/newsflow.toml");
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", file.display()));
    let mut config: PipelineConfig =
        toml::from_str(&text).unwrap_or_else(|error| panic!("invalid {}: {error}", file.display()));
    config.data_dir = Some(workspace().join("config"));
    config
}

/// The raw JSON lines the benches run on.
fn raw_articles() -> Vec<Vec<u8>> {
    let sentences = workspace().join("../shared/bench-data/langid");
    let mut config = GeneratorConfig {
        articles: ARTICLES,
        body_bytes: std::env::var("NEWSFLOW_BENCH_BODY_BYTES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(3_000),
        duplicate_share: 0.05,
        near_duplicate_share: 0.05,
        bad_share: 0.0,
        seed: 6,
        sentences_dir: sentences.is_dir().then_some(sentences),
        ..GeneratorConfig::default()
    };
    if let Ok(mix) = std::env::var("NEWSFLOW_BENCH_MIX") {
        config.languages = newsflow_gen::parse_mix(&mix).expect("NEWSFLOW_BENCH_MIX");
    }
    newsflow_gen::generate(&config)
        .expect("generator config")
        .collect()
}

struct Fixture {
    config: PipelineConfig,
    raw: Vec<Vec<u8>>,
    cleaned: Vec<Article>,
    detected: Vec<Article>,
    unique: Vec<Article>,
}

impl Fixture {
    fn new() -> Self {
        let config = pipeline_config();
        let raw = raw_articles();
        let lang = config.lang_stage().expect("lang stage");
        let cleaned: Vec<Article> = raw.iter().filter_map(|r| lang.clean(r).ok()).collect();
        let detected: Vec<Article> = cleaned
            .iter()
            .cloned()
            .map(|mut article| {
                lang.detect(&mut article);
                article
            })
            .collect();
        let mut dedup = config.dedup_stage();
        let unique = detected
            .iter()
            .cloned()
            .filter_map(|article| dedup.run(article, NOW_UNIX).ok().map(|(a, _)| a))
            .collect();
        Fixture {
            config,
            raw,
            cleaned,
            detected,
            unique,
        }
    }
}

/// Runs `iters` calls of `f` over `items` in turn, timing only the calls.
fn cycle<T>(items: &[T], iters: u64, mut f: impl FnMut(&T)) -> Duration {
    let started = Instant::now();
    for item in items.iter().cycle().take(iters as usize) {
        f(item);
    }
    started.elapsed()
}

fn stages(c: &mut Criterion) {
    let fx = Fixture::new();
    let mut group = c.benchmark_group("stage");
    group.throughput(Throughput::Elements(1));

    let lang = fx.config.lang_stage().expect("lang stage");
    group.bench_function("clean", |b| {
        b.iter_custom(|iters| {
            cycle(&fx.raw, iters, |raw| {
                let _ = black_box(lang.clean(black_box(raw)));
            })
        })
    });

    let mut work = fx.cleaned.clone();
    let mut next = 0;
    group.bench_function("lang", |b| {
        b.iter(|| {
            next = (next + 1) % work.len();
            lang.detect(black_box(&mut work[next]));
        })
    });

    // A fresh index per sample, fed articles it has mostly not seen: the time of a
    // production lookup plus insertion, not of re-finding the same text.
    group.bench_function("dedup", |b| {
        b.iter_custom(|iters| {
            let mut dedup = fx.config.dedup_stage();
            let inputs: Vec<Article> = fx
                .detected
                .iter()
                .cycle()
                .take(iters as usize)
                .cloned()
                .collect();
            let started = Instant::now();
            for article in inputs {
                let _ = black_box(dedup.run(article, NOW_UNIX));
            }
            started.elapsed()
        })
    });

    let mut tag = fx.config.tag_stage().expect("tag stage");
    let mut next = 0;
    group.bench_function("tag", |b| {
        b.iter_batched(
            || {
                next = (next + 1) % fx.unique.len();
                fx.unique[next].clone()
            },
            |article| black_box(tag.run(article)),
            BatchSize::SmallInput,
        )
    });
    group.finish();

    let mut group = c.benchmark_group("chain");
    group.throughput(Throughput::Elements(1));
    group.bench_function("articles", |b| {
        b.iter_custom(|iters| {
            let mut pipeline = Pipeline::new(&fx.config).expect("pipeline");
            let mut out = Vec::with_capacity(16 * 1024);
            cycle(&fx.raw, iters, |raw| {
                let outcome = pipeline.process(raw, NOW_UNIX);
                out.clear();
                serde_json::to_writer(&mut out, &outcome).expect("outcome serialises");
                black_box(&out);
            })
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(30);
    targets = stages
}
criterion_main!(benches);
