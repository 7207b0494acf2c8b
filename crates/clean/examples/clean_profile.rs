//! Cleans 3 KB articles in a loop, for profilers:
//! `cargo build --release -p newsflow-clean --example clean_profile` then
//! `valgrind --tool=callgrind --toggle-collect='newsflow_clean::Cleaner::clean'
//! target/release/examples/clean_profile 2000 [articles.jsonl]`.
//! With a JSONL file, its first records are cleaned; otherwise articles are generated,
//! their text from `../shared/bench-data/langid` when it exists, as in `newsflow-bench`.

use std::path::Path;
use std::time::Instant;

use newsflow_clean::{CleanConfig, Cleaner};
use newsflow_gen::GeneratorConfig;

fn main() {
    let articles = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let records = match std::env::args().nth(2) {
        Some(path) => read_records(&path, articles),
        None => generate(&root, articles),
    };
    let cleaner = match Cleaner::load(&CleanConfig::default(), &root.join("config")) {
        Ok(cleaner) => cleaner,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let started = Instant::now();
    let mut kept = 0usize;
    for record in &records {
        kept += usize::from(cleaner.clean(std::hint::black_box(record)).is_ok());
    }
    let elapsed = started.elapsed();
    println!(
        "{kept}/{} cleaned, {:.1} µs/article",
        records.len(),
        elapsed.as_secs_f64() * 1e6 / records.len().max(1) as f64
    );
}

fn generate(root: &Path, articles: usize) -> Vec<Vec<u8>> {
    let sentences = root.join("../shared/bench-data/langid");
    let config = GeneratorConfig {
        articles,
        sentences_dir: sentences.is_dir().then_some(sentences),
        ..GeneratorConfig::default()
    };
    match newsflow_gen::generate(&config) {
        Ok(records) => records.collect(),
        Err(e) => {
            eprintln!("cannot generate articles: {e}");
            std::process::exit(1);
        }
    }
}

fn read_records(path: &str, limit: usize) -> Vec<Vec<u8>> {
    match std::fs::read_to_string(path) {
        Ok(text) => text
            .lines()
            .take(limit)
            .map(|line| line.as_bytes().to_vec())
            .collect(),
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(1);
        }
    }
}
