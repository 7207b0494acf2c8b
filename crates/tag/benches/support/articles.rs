//! The 3 KB news articles that both the criterion bench and the profiling example tag,
//! so that their figures describe one workload. Each joins the bodies of the evaluation
//! set's articles in one language (`tests/eval/articles.jsonl`) until it reaches 3 KB.

use std::path::PathBuf;

use newsflow_record::{Article, Language};
use serde_json::{Map, Value};

/// Languages with a news article in the workload.
pub const LANGUAGES: &[&str] = &["en", "fr", "ru", "zh", "ja", "ar"];

/// The repository root (rules in `config/`, the evaluation set in `tests/eval/`).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// An article in `language`, published on 2025-09-01.
pub fn article(language: &str, title: &str, body: String) -> Article {
    Article {
        id: format!("workload-{language}"),
        url: None,
        source: None,
        title: title.into(),
        body,
        published_at: Some("2025-09-01T08:00:00Z".into()),
        language_hint: None,
        language: Some(Language {
            code: language.into(),
            iso639_3: "und".into(),
            script: "und".into(),
            confidence: 1.0,
            reliable: true,
        }),
        dedup: None,
        event_rules: None,
        events: None,
        entities: None,
        story: None,
        extra: Map::new(),
    }
}

/// One 3 KB article per language of [`LANGUAGES`] from the evaluation set's bodies.
pub fn eval_articles() -> std::io::Result<Vec<Article>> {
    let text = std::fs::read_to_string(root().join("tests/eval/articles.jsonl"))?;
    let records: Vec<Value> = text
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    Ok(LANGUAGES
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
            article(language, &title, body)
        })
        .collect())
}
