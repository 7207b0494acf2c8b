//! A fixed workload for instruction counting: 2,000 checks against an empty index, of
//! 3 KB English-like articles, or of the first 2,000 articles of a JSONL file when one
//! is given (e.g. `newsflow gen` output, for a mix of languages and scripts).
//!
//! `cargo build --release -p newsflow-dedup --example profile` then
//! `valgrind --tool=callgrind --toggle-collect='*Deduplicator::check*'
//! target/release/examples/profile [articles.jsonl]`: instructions per check = Ir / 2,000.

use std::hint::black_box;
use std::io::BufRead;

use newsflow_dedup::{DedupConfig, Deduplicator};
use newsflow_record::Article;

#[path = "../benches/support/workload.rs"]
mod workload;

const CHECKS: u64 = 2_000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let articles: Vec<Article> = match std::env::args().nth(1) {
        Some(path) => {
            let file = std::io::BufReader::new(std::fs::File::open(path)?);
            let mut articles = Vec::new();
            for line in file.lines().take(CHECKS as usize) {
                // Raw input records: only the id, title and body matter here.
                let raw: serde_json::Value = serde_json::from_str(&line?)?;
                let field = |name: &str| raw[name].as_str().unwrap_or_default().to_string();
                let mut article: Article = serde_json::from_str(r#"{"id":"x"}"#)?;
                article.id = field("id");
                article.title = field("title");
                article.body = field("body");
                articles.push(article);
            }
            articles
        }
        None => (0..CHECKS)
            .map(|i| workload::article("profile", i))
            .collect(),
    };
    let mut index = Deduplicator::new(&DedupConfig::default());
    let mut admitted = 0usize;
    for article in &articles {
        admitted += usize::from(
            black_box(index.check(article, 1_700_000_000))
                .admitted
                .is_some(),
        );
    }
    println!("{} checks, {admitted} admitted", articles.len());
    Ok(())
}
