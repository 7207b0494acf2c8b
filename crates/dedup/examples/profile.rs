//! A fixed workload for instruction counting: 2,000 checks of 3 KB English-like
//! articles against an empty index.
//!
//! `cargo build --release -p newsflow-dedup --example profile` then
//! `valgrind --tool=callgrind --toggle-collect='*Deduplicator::check*'
//! target/release/examples/profile`: instructions per check = Ir / 2,000.

use std::hint::black_box;

use newsflow_dedup::{DedupConfig, Deduplicator};
use newsflow_record::Article;

#[path = "../benches/support/workload.rs"]
mod workload;

const CHECKS: u64 = 2_000;

fn main() {
    let articles: Vec<Article> = (0..CHECKS)
        .map(|i| workload::article("profile", i))
        .collect();
    let mut index = Deduplicator::new(&DedupConfig::default());
    let mut admitted = 0usize;
    for article in &articles {
        admitted += usize::from(
            black_box(index.check(article, 1_700_000_000))
                .admitted
                .is_some(),
        );
    }
    println!("{CHECKS} checks, {admitted} admitted");
}
