//! Tags 3 KB articles a fixed number of times, for instruction counts:
//! `valgrind --tool=callgrind --toggle-collect='*Tagger::tag_with*'
//! target/release/examples/profile 20 [SENTENCE_DIR]`.
//!
//! Without a directory the articles are the bench's news articles (dense with
//! triggers and names). With one (such as `../shared/bench-data/langid`), they are
//! made of its sentences in the language mix of `newsflow-bench` (en:4, fr, de, es,
//! ru, zh), mostly text the rules know nothing about.

use std::path::Path;

use newsflow_record::Article;
use newsflow_tag::{TagConfig, Tagger};

#[path = "../benches/support/articles.rs"]
mod articles;

/// The language mix of `newsflow-bench`'s generated articles.
const MIX: &[&str] = &["en", "en", "en", "en", "fr", "de", "es", "ru", "zh"];

/// One 3 KB article per entry of [`MIX`], each from consecutive sentences of its file.
fn sentence_articles(dir: &Path) -> std::io::Result<Vec<Article>> {
    let mut out = Vec::new();
    for (i, language) in MIX.iter().enumerate() {
        let text = std::fs::read_to_string(dir.join(format!("{language}.txt")))?;
        let mut body = String::new();
        for sentence in text.lines().skip(i * 40) {
            if body.len() >= 3000 {
                break;
            }
            if !body.is_empty() {
                body.push(' ');
            }
            body.push_str(sentence);
        }
        out.push(articles::article(language, "Local news", body));
    }
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().map_or(Ok(10), |a| a.parse())?;
    let tagger = Tagger::load(&TagConfig::default(), &articles::root().join("config"))?;
    let articles = match args.next() {
        Some(dir) => sentence_articles(Path::new(&dir))?,
        None => articles::eval_articles()?,
    };
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
