//! Tags the bench's 3 KB news articles a fixed number of times, for instruction
//! counts: `valgrind --tool=callgrind target/release/examples/profile 20`.

use newsflow_tag::{TagConfig, Tagger};

#[path = "../benches/support/articles.rs"]
mod articles;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::args().nth(1).map_or(Ok(10), |a| a.parse())?;
    let tagger = Tagger::load(&TagConfig::default(), &articles::root().join("config"))?;
    let articles = articles::eval_articles()?;
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
