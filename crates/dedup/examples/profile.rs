//! A fixed workload for instruction counting: 2,000 checks of 3 KB English-like
//! articles against an empty index.
//!
//! `cargo build --release -p newsflow-dedup --example profile` then
//! `valgrind --tool=callgrind --toggle-collect='*Deduplicator::check*'
//! target/release/examples/profile`: instructions per check = Ir / 2,000.

use std::hint::black_box;

use newsflow_dedup::{DedupConfig, Deduplicator};
use newsflow_record::{Article, Language};

const WORDS: &[&str] = &[
    "the",
    "minister",
    "said",
    "on",
    "tuesday",
    "that",
    "talks",
    "with",
    "leaders",
    "of",
    "neighbouring",
    "countries",
    "would",
    "continue",
    "in",
    "capital",
    "after",
    "summit",
    "agreement",
    "trade",
    "energy",
    "security",
    "officials",
    "reported",
    "government",
    "president",
    "army",
    "parade",
    "visit",
    "sanctions",
    "election",
    "protest",
    "city",
];

const CHECKS: u64 = 2_000;

fn article(i: u64) -> Article {
    let mut body = String::new();
    let mut x = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    while body.len() < 3000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        body.push_str(WORDS[(x % WORDS.len() as u64) as usize]);
        body.push_str(if x.is_multiple_of(11) { ". " } else { " " });
    }
    let mut article: Article = serde_json::from_str(r#"{"id":"x"}"#).expect("valid JSON");
    article.id = format!("profile-{i:010}");
    article.title = "Minister says talks will continue".into();
    article.body = body;
    article.language = Some(Language {
        code: "en".into(),
        iso639_3: "eng".into(),
        script: "Latin".into(),
        confidence: 1.0,
        reliable: true,
    });
    article
}

fn main() {
    let articles: Vec<Article> = (0..CHECKS).map(article).collect();
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
