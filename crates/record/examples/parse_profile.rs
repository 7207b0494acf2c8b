//! Parses articles as the dedup and tag services receive them, in a loop, for profilers:
//! `cargo build --release -p newsflow-record --example parse_profile` then
//! `valgrind --tool=callgrind --toggle-collect='parse_profile::parse'
//! target/release/examples/parse_profile 2000 /tmp/ref/gen20k.out [from_slice]`
//! (instructions per article: the collected total over the article count).
//! The input is `newsflow process` output: its enriched lines, with the `outcome` key
//! that only the last stage writes stripped. `from_slice` measures the plain
//! `serde_json::from_slice` parse that `Article::from_json` replaces.

use std::time::Instant;

use newsflow_record::Article;

fn main() {
    let mut args = std::env::args().skip(1);
    let articles: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(2_000);
    let Some(path) = args.next() else {
        eprintln!("usage: parse_profile ARTICLES PROCESS_OUTPUT.jsonl [from_slice]");
        std::process::exit(2);
    };
    let from_slice = args.next().is_some_and(|mode| mode == "from_slice");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let records: Vec<String> = text
        .lines()
        .filter_map(|line| line.strip_prefix(r#"{"outcome":"enriched","#))
        .map(|rest| format!("{{{rest}"))
        .take(articles)
        .collect();
    let bytes: usize = records.iter().map(String::len).sum();
    let started = Instant::now();
    let mut parsed = 0usize;
    for record in &records {
        let article = parse(std::hint::black_box(record.as_bytes()), from_slice);
        parsed += usize::from(article.is_ok());
    }
    let elapsed = started.elapsed();
    println!(
        "{parsed}/{} parsed, {} bytes/article, {:.2} µs/article",
        records.len(),
        bytes / records.len().max(1),
        elapsed.as_secs_f64() * 1e6 / records.len().max(1) as f64
    );
}

#[inline(never)]
fn parse(record: &[u8], from_slice: bool) -> Result<Article, serde_json::Error> {
    if from_slice {
        serde_json::from_slice(record)
    } else {
        Article::from_json(record)
    }
}
