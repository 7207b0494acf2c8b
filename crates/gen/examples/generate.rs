//! Writes generated articles as JSONL to stdout, e.g. for `newsflow process` or to keep
//! a fixed input for before/after comparisons:
//! `cargo run --release -p newsflow-gen --example generate -- 20000 ../shared/bench-data/langid`.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use newsflow_gen::{generate, GeneratorConfig};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let articles = args.next().map(|n| n.parse()).transpose()?.unwrap_or(1_000);
    let sentences_dir = args.next().map(PathBuf::from);
    let config = GeneratorConfig {
        articles,
        sentences_dir,
        ..GeneratorConfig::default()
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    for line in generate(&config)? {
        out.write_all(&line)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
