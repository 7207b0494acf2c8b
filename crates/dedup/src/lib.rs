//! The dedup stage: exact and near-duplicate detection within a window.
//! (Skeleton: being written.)

use std::collections::HashMap;

use newsflow_record::{Article, Dedup, DedupStatus};
use serde::{Deserialize, Serialize};

/// Settings of the dedup stage (`[dedup]` in the config file).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DedupConfig {
    /// Most articles kept in the index per language.
    pub window_count: usize,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            window_count: 1_000_000,
        }
    }
}

/// What the index keeps of one admitted article; written to the changelog topic
/// so that a restarted instance can rebuild its index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    /// The article's id.
    pub id: String,
    /// Its language code.
    pub language: String,
    /// Hash of its normalised text.
    pub exact: u64,
    /// Its SimHash.
    pub simhash: u64,
    /// When it was admitted (Unix seconds).
    pub admitted_at: i64,
}

/// The decision for one article.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// What to write in the record.
    pub dedup: Dedup,
    /// The entry the index admitted, when the article was unique (for the changelog).
    pub admitted: Option<IndexEntry>,
}

/// The dedup index.
pub struct Deduplicator {
    exact: HashMap<u64, String>,
}

impl Deduplicator {
    /// An empty index.
    pub fn new(_config: &DedupConfig) -> Self {
        Deduplicator {
            exact: HashMap::new(),
        }
    }

    /// Decides whether `article` (language already detected) is new.
    pub fn check(&mut self, article: &Article, now_unix: i64) -> Decision {
        let hash = xxhash_rust::xxh3::xxh3_64(article.body.as_bytes());
        if let Some(first) = self.exact.get(&hash) {
            if first != &article.id {
                return Decision {
                    dedup: Dedup {
                        status: DedupStatus::Exact,
                        fingerprint: Some(format!("{hash:016x}")),
                        duplicate_of: Some(first.clone()),
                        similarity: Some(1.0),
                    },
                    admitted: None,
                };
            }
        }
        self.exact.insert(hash, article.id.clone());
        Decision {
            dedup: Dedup {
                status: DedupStatus::Unique,
                fingerprint: Some(format!("{hash:016x}")),
                duplicate_of: None,
                similarity: None,
            },
            admitted: Some(IndexEntry {
                id: article.id.clone(),
                language: String::new(),
                exact: hash,
                simhash: hash,
                admitted_at: now_unix,
            }),
        }
    }

    /// Puts an entry read back from the changelog into the index.
    pub fn restore(&mut self, entry: IndexEntry) {
        self.exact.insert(entry.exact, entry.id);
    }

    /// Number of articles in the index.
    pub fn len(&self) -> usize {
        self.exact.len()
    }

    /// True when the index is empty.
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty()
    }
}
