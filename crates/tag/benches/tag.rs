//! Tag stage on 3 KB articles: `cargo bench -p newsflow-tag`.
//!
//! Each article joins the bodies of the evaluation set's articles in one language
//! (`tests/eval/articles.jsonl`) until it reaches 3 KB, so it holds the triggers,
//! names and dates of real news; the `quiet` articles repeat one sentence with no
//! trigger and no name, the common case of a story the rules know nothing about.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use newsflow_record::{Article, Language};
use newsflow_tag::{TagConfig, Tagger};
use serde_json::{Map, Value};

const LANGUAGES: &[&str] = &["en", "fr", "ru", "zh", "ja", "ar"];

const QUIET: &[(&str, &str)] = &[
    ("en", "The bakery on the corner now opens an hour earlier, and regulars say the bread is as good as ever. "),
    ("ru", "Пекарня на углу теперь открывается на час раньше, и постоянные покупатели говорят, что хлеб всё так же хорош. "),
    ("zh", "街角的面包店现在提前一小时开门，老顾客说面包还是一样好吃。"),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn article(language: &str, title: &str, body: String) -> Article {
    Article {
        id: format!("bench-{language}"),
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
        extra: Map::new(),
    }
}

/// One 3 KB article per language from the evaluation set's bodies.
fn eval_articles() -> Vec<Article> {
    let path = root().join("tests/eval/articles.jsonl");
    let text = std::fs::read_to_string(&path).expect("tests/eval/articles.jsonl is readable");
    let records: Vec<Value> = text
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    LANGUAGES
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
        .collect()
}

fn bench(c: &mut Criterion) {
    let tagger =
        Tagger::load(&TagConfig::default(), &root().join("config")).expect("config/ loads");
    let mut group = c.benchmark_group("tag");
    for article in eval_articles() {
        let code = article
            .language
            .as_ref()
            .map_or("und", |l| l.code.as_str())
            .to_string();
        group.bench_function(format!("news/{code}"), |b| {
            b.iter(|| tagger.tag(black_box(&article)))
        });
    }
    for (code, sentence) in QUIET {
        let mut body = String::new();
        while body.len() < 3000 {
            body.push_str(sentence);
        }
        let article = article(code, "Local news", body);
        group.bench_function(format!("quiet/{code}"), |b| {
            b.iter(|| tagger.tag(black_box(&article)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
