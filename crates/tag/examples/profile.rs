//! Tags the bench's 3 KB news articles a fixed number of times, for instruction
//! counts: `valgrind --tool=callgrind target/release/examples/profile 20`.

use std::path::PathBuf;

use newsflow_record::{Article, Language};
use newsflow_tag::{TagConfig, Tagger};
use serde_json::{Map, Value};

const LANGUAGES: &[&str] = &["en", "fr", "ru", "zh", "ja", "ar"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::args().nth(1).map_or(Ok(10), |a| a.parse())?;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let tagger = Tagger::load(&TagConfig::default(), &root.join("config"))?;
    let text = std::fs::read_to_string(root.join("tests/eval/articles.jsonl"))?;
    let records: Vec<Value> = text
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let articles: Vec<Article> = LANGUAGES
        .iter()
        .map(|language| {
            let prefix = format!("{language}-");
            let mut title = String::new();
            let mut body = String::new();
            for record in records
                .iter()
                .filter(|r| r["id"].as_str().is_some_and(|id| id.starts_with(&prefix)))
            {
                if title.is_empty() {
                    title = record["title"].as_str().unwrap_or_default().to_string();
                }
                if body.len() >= 3000 {
                    break;
                }
                if !body.is_empty() {
                    body.push_str("\n\n");
                }
                body.push_str(record["body"].as_str().unwrap_or_default());
            }
            Article {
                id: format!("profile-{language}"),
                url: None,
                source: None,
                title,
                body,
                published_at: Some("2025-09-01T08:00:00Z".into()),
                language_hint: None,
                language: Some(Language {
                    code: (*language).into(),
                    iso639_3: "und".into(),
                    script: "und".into(),
                    confidence: 1.0,
                    reliable: true,
                }),
                dedup: None,
                event_rules: None,
                events: None,
                entities: None,
                extra: Map::new(),
            }
        })
        .collect();
    let mut events = 0;
    for _ in 0..rounds {
        for article in &articles {
            events += tagger.tag(article).events.len();
        }
    }
    println!(
        "{} articles tagged, {events} events",
        rounds * articles.len()
    );
    Ok(())
}
