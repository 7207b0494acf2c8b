//! Detects the language of cleaned articles in a loop, for profilers:
//! `cargo build --release -p newsflow-lang --example lang_profile` then
//! `valgrind --tool=callgrind --toggle-collect='newsflow_lang::Detector::detect'
//! target/release/examples/lang_profile /tmp/gen20k.jsonl 2000`.
//! The input is raw article JSONL (e.g. from `newsflow-gen`'s example), cleaned first as
//! the pipeline does, so that the detector sees what it sees in production.

use std::path::Path;
use std::time::Instant;

use newsflow_clean::{CleanConfig, Cleaner};
use newsflow_lang::{Detector, LangConfig};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(input) = args.next() else {
        eprintln!("usage: lang_profile <articles.jsonl> [articles]");
        std::process::exit(2);
    };
    let limit: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(2_000);
    let text = match std::fs::read_to_string(&input) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("cannot read {input}: {e}");
            std::process::exit(1);
        }
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cleaner = match Cleaner::load(&CleanConfig::default(), &root.join("config")) {
        Ok(cleaner) => cleaner,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let articles: Vec<_> = text
        .lines()
        .filter_map(|line| cleaner.clean(line.as_bytes()).ok())
        .take(limit)
        .collect();
    let detector = Detector::new(&LangConfig::default());
    let started = Instant::now();
    let mut reliable = 0usize;
    for article in &articles {
        let language = detector.detect(
            std::hint::black_box(&article.title),
            std::hint::black_box(&article.body),
        );
        reliable += usize::from(language.reliable);
    }
    let elapsed = started.elapsed();
    println!(
        "{reliable}/{} reliable, {:.1} µs/article",
        articles.len(),
        elapsed.as_secs_f64() * 1e6 / articles.len().max(1) as f64
    );
}
