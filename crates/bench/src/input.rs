//! The articles a bench runs on: the lines of a JSONL file, or generated ones.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::Context;
use newsflow_gen::GeneratorConfig;

use crate::cli::BenchArgs;

/// Sentences the generator uses when they exist and `--sentences` is not given,
/// relative to the working directory (the shared checkout layout).
const DEFAULT_SENTENCES: &str = "../shared/bench-data/langid";

/// Raw records to feed the chain, and where they came from.
pub struct Input {
    /// One raw record per element, without line ends.
    pub records: Vec<Vec<u8>>,
    /// A short description for the report.
    pub origin: String,
}

impl Input {
    /// Total bytes of all records.
    pub fn bytes(&self) -> u64 {
        self.records.iter().map(|r| r.len() as u64).sum()
    }

    /// Mean record size in bytes.
    pub fn mean_bytes(&self) -> f64 {
        self.bytes() as f64 / self.records.len().max(1) as f64
    }
}

/// Loads `--input`, or generates `--articles` articles as the arguments say.
pub fn load(args: &BenchArgs) -> anyhow::Result<Input> {
    match &args.input {
        Some(path) => read_jsonl(path),
        None => generate(args, args.articles),
    }
}

/// Generates `articles` articles with the generator settings of `args`.
pub fn generate(args: &BenchArgs, articles: usize) -> anyhow::Result<Input> {
    let config = generator_config(args, articles)?;
    let origin = format!(
        "{articles} generated articles, {} B bodies, {:.0}% exact and {:.0}% near duplicates, text from {}",
        config.body_bytes,
        config.duplicate_share * 100.0,
        config.near_duplicate_share * 100.0,
        config
            .sentences_dir
            .as_deref()
            .map(|dir| dir.display().to_string())
            .unwrap_or_else(|| "the generator's built-in sentences".into())
    );
    let records = newsflow_gen::generate(&config)
        .context("invalid generator settings")?
        .collect();
    Ok(Input { records, origin })
}

/// The generator settings `args` ask for.
pub fn generator_config(args: &BenchArgs, articles: usize) -> anyhow::Result<GeneratorConfig> {
    let mut config = GeneratorConfig {
        articles,
        body_bytes: args.article_bytes,
        duplicate_share: args.duplicate_share,
        near_duplicate_share: args.near_duplicate_share,
        bad_share: 0.0,
        seed: args.seed,
        sentences_dir: sentences_dir(args.sentences.as_deref()),
        ..GeneratorConfig::default()
    };
    if let Some(mix) = &args.languages {
        config.languages = newsflow_gen::parse_mix(mix).context("invalid --languages")?;
    }
    Ok(config)
}

fn sentences_dir(explicit: Option<&Path>) -> Option<PathBuf> {
    match explicit {
        Some(dir) => Some(dir.to_path_buf()),
        None => {
            let default = PathBuf::from(DEFAULT_SENTENCES);
            default.is_dir().then_some(default)
        }
    }
}

fn read_jsonl(path: &Path) -> anyhow::Result<Input> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    let mut records = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if read == 0 {
            break;
        }
        let record = line.strip_suffix(b"\n").unwrap_or(&line);
        let record = record.strip_suffix(b"\r").unwrap_or(record);
        if !record.is_empty() {
            records.push(record.to_vec());
        }
    }
    anyhow::ensure!(!records.is_empty(), "{} holds no records", path.display());
    Ok(Input {
        origin: format!("{} records from {}", records.len(), path.display()),
        records,
    })
}
