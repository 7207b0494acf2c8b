//! The dedup stage: exact and near-duplicate detection within a bounded window.
//!
//! Layout:
//! - [`DedupConfig`]: the `[dedup]` section of the config file.
//! - [`Deduplicator`]: the index; [`Deduplicator::check`] decides on one article,
//!   [`Deduplicator::restore`] puts back an [`IndexEntry`] read from the changelog.
//! - `fingerprint`: normalised tokens, exact hash, SimHash, lead key.
//! - `index`: the per-language ring of fingerprints and its hash tables.
//!
//! How articles are compared, and why:
//! - **Normalised tokens.** Runs of letters and digits, lowercased; every other
//!   character separates tokens, so case, punctuation and spacing never matter.
//!   Characters of scripts written without spaces (Han, kana, Thai, ...) are tokens on
//!   their own, which makes shingles character n-grams there.
//! - **Exact duplicates**: a hash of the normalised title + body. The index keeps 16
//!   bits of it and only calls a match exact when the 64-bit SimHash is equal too.
//! - **Near duplicates**: a 64-bit SimHash over 3-token shingles of the body (the title
//!   is left out: syndicated copies are often retitled). Two articles are near
//!   duplicates when their SimHashes differ in at most `max_distance` bits (7: see
//!   `DEFAULT_MAX_DISTANCE` for why a 64-bit SimHash allows no more over a large window). SimHash was
//!   chosen over MinHash-LSH for memory: one 8-byte sketch per article, where a
//!   MinHash LSH with a useful recall needs tens of 32-bit values.
//! - **Truncated copies** (a syndicated copy cut at 60%) are hard for SimHash: a third
//!   of the shingles disappear and the distance grows to 10-20 bits, where independent
//!   articles start to appear. A second key covers them: a hash of the first
//!   `lead_tokens` tokens of the body, taken as a MinHash (the smallest shingle hash) of them
//!   (so a changed dateline or a stray line at the top rarely changes it). A copy with
//!   the same lead key is a near duplicate when its SimHash is also within
//!   `lead_max_distance` bits. Independent reports rarely share the smallest shingle
//!   of their openings (and then fail the distance check), a truncation always does.
//! - **Index.** SimHash candidates come from 4 tables keyed on the 4 16-bit blocks of
//!   the SimHash, each probed with the block itself and its 16 one-bit variants, so
//!   every fingerprint within 7 bits is found (pigeonhole: one block differs in at most
//!   one bit); the lead key has a fifth table. Nothing is compared against every
//!   stored article.
//! - **Window.** Per language, at most `window_count` articles, and only those admitted
//!   within `window_seconds` of the newest time seen; the oldest go first. Restored
//!   entries obey the same window.
//! - **Redelivery.** A candidate with the article's own id is the article itself: a
//!   redelivered unique article is unique again (and not admitted twice); a redelivered
//!   duplicate is the same duplicate, since only unique articles enter the index.
//!
//! The thresholds come from the realistic pairs in the tests (syndicated copy with
//! other boilerplate and title, light rewrite, 60% truncation, independent reports of
//! one summit): see `DEFAULT_MAX_DISTANCE` there.
#![deny(missing_docs)]

mod fingerprint;
mod index;

use std::collections::HashMap;

use newsflow_record::{Article, Dedup, DedupStatus};
use serde::{Deserialize, Serialize};

use crate::fingerprint::{fingerprint, Fingerprint, Shingling};
use crate::index::{Candidate, Shard};

/// Settings of the dedup stage (`[dedup]` in the config file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DedupConfig {
    /// Most articles kept in the index per language.
    #[serde(default = "default_window_count")]
    pub window_count: usize,
    /// Articles admitted longer ago than this (before the newest time seen) leave the
    /// index; 0 keeps them until `window_count` pushes them out.
    #[serde(default = "default_window_seconds")]
    pub window_seconds: u64,
    /// Largest SimHash distance (bits out of 64) of a near duplicate.
    #[serde(default = "default_max_distance")]
    pub max_distance: u32,
    /// Tokens per shingle.
    #[serde(default = "default_shingle_size")]
    pub shingle_size: usize,
    /// Tokens of the body's opening hashed into the lead key (truncated copies).
    #[serde(default = "default_lead_tokens")]
    pub lead_tokens: usize,
    /// Also probe each SimHash block with one bit flipped (17 probes per table instead
    /// of 1): with 4 blocks, every fingerprint within 7 bits then meets in some table
    /// (pigeonhole) instead of within 3, at the cost of more lookups.
    #[serde(default = "default_multi_probe")]
    pub multi_probe: bool,
    /// Largest SimHash distance of a near duplicate found through the lead key.
    #[serde(default = "default_lead_max_distance")]
    pub lead_max_distance: u32,
}

fn default_window_count() -> usize {
    1_000_000
}

fn default_window_seconds() -> u64 {
    3 * 24 * 3600
}

fn default_max_distance() -> u32 {
    DEFAULT_MAX_DISTANCE
}

fn default_shingle_size() -> usize {
    3
}

fn default_lead_tokens() -> usize {
    48
}

fn default_multi_probe() -> bool {
    true
}

fn default_lead_max_distance() -> u32 {
    DEFAULT_LEAD_MAX_DISTANCE
}

/// A 64-bit SimHash cannot go much higher: two unrelated texts fall within d bits
/// with probability sum(C(64, k), k <= d) / 2^64, about 4e-11 for d = 7 but 8e-9 for
/// d = 10, which over a window of 1,000,000 articles would mark nearly 1% of unique
/// articles as duplicates (measured: 62 of 100,000 random texts at d = 10). The test
/// pairs measured 7 (syndicated copy) and 8 (light rewrite) bits on a 280-word
/// article; the lead key catches what lies beyond 7.
const DEFAULT_MAX_DISTANCE: u32 = 7;
/// Truncation to 60% moved the SimHash by 10 bits; independent reports of one summit
/// were 34 bits apart, unrelated texts sit around 32. Lead keys rarely collide by
/// chance (32 bits), so the looser limit costs little precision.
const DEFAULT_LEAD_MAX_DISTANCE: u32 = 20;

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            window_count: default_window_count(),
            window_seconds: default_window_seconds(),
            max_distance: default_max_distance(),
            shingle_size: default_shingle_size(),
            lead_tokens: default_lead_tokens(),
            multi_probe: default_multi_probe(),
            lead_max_distance: default_lead_max_distance(),
        }
    }
}

/// What the index keeps of one admitted article; written to the changelog topic so
/// that a restarted instance can rebuild its index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    /// The article's id (what later duplicates point at).
    pub id: String,
    /// Its language code (`article.language.code`, `und` when unknown): the index
    /// compares only within one language, and the Kafka service routes by it.
    pub language: String,
    /// Hash of its normalised title + body.
    pub exact: u64,
    /// Its SimHash.
    pub simhash: u64,
    /// Hash of the opening tokens of its body, when it has enough of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<u32>,
    /// When it was admitted (Unix seconds).
    pub admitted_at: i64,
}

/// The decision for one article.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// What to write in the record.
    pub dedup: Dedup,
    /// The entry the index admitted, when the article was unique and new (for the
    /// changelog). `None` for duplicates and for a redelivered article already indexed.
    pub admitted: Option<IndexEntry>,
}

/// The dedup index: one window per language.
#[derive(Debug)]
pub struct Deduplicator {
    config: DedupConfig,
    shingling: Shingling,
    shards: HashMap<String, Shard>,
}

impl Deduplicator {
    /// An empty index.
    pub fn new(config: &DedupConfig) -> Self {
        Deduplicator {
            config: config.clone(),
            shingling: Shingling {
                size: config.shingle_size,
                lead_tokens: config.lead_tokens.max(1),
            },
            shards: HashMap::new(),
        }
    }

    /// Decides whether `article` (language already detected) is new, and admits it
    /// when it is.
    pub fn check(&mut self, article: &Article, now_unix: i64) -> Decision {
        let language = article
            .language
            .as_ref()
            .map_or("und", |language| language.code.as_str());
        let fingerprint = fingerprint(&article.title, &article.body, self.shingling);
        let fingerprint_hex = Some(format!("{:016x}", fingerprint.simhash));
        let window_seconds = self.config.window_seconds;
        let shard = shard_of(&mut self.shards, &self.config, language);
        shard.advance_time(now_unix, window_seconds);

        let best = best_match(shard, &article.id, &fingerprint, &self.config);
        let unique = Dedup {
            status: DedupStatus::Unique,
            fingerprint: fingerprint_hex,
            duplicate_of: None,
            similarity: None,
        };
        match best {
            Some(Match::Itself) => Decision {
                dedup: unique,
                admitted: None,
            },
            Some(Match::Earlier(found)) => Decision {
                dedup: Dedup {
                    status: if found.exact {
                        DedupStatus::Exact
                    } else {
                        DedupStatus::Near
                    },
                    duplicate_of: Some(shard.id(found.slot)),
                    similarity: Some(similarity(found.distance)),
                    ..unique
                },
                admitted: None,
            },
            None => {
                shard.push(&article.id, &fingerprint, now_unix);
                Decision {
                    dedup: unique,
                    admitted: Some(IndexEntry {
                        id: article.id.clone(),
                        language: language.to_string(),
                        exact: fingerprint.exact,
                        simhash: fingerprint.simhash,
                        lead: fingerprint.lead,
                        admitted_at: now_unix,
                    }),
                }
            }
        }
    }

    /// Puts an entry read back from the changelog into the index. Entries older than
    /// the window (relative to the newest entry restored) are skipped, and so is an
    /// entry already present (a changelog may hold a record twice).
    pub fn restore(&mut self, entry: IndexEntry) {
        let window_seconds = self.config.window_seconds;
        let fingerprint = Fingerprint {
            exact: entry.exact,
            simhash: entry.simhash,
            lead: entry.lead,
        };
        let shard = shard_of(&mut self.shards, &self.config, &entry.language);
        if window_seconds > 0
            && shard.latest_time() != i64::MIN
            && entry.admitted_at
                < shard
                    .latest_time()
                    .saturating_sub(i64::try_from(window_seconds).unwrap_or(i64::MAX))
        {
            return;
        }
        if shard.contains(&entry.id, &fingerprint) {
            return;
        }
        shard.advance_time(entry.admitted_at, window_seconds);
        shard.push(&entry.id, &fingerprint, entry.admitted_at);
    }

    /// Number of articles in the index, all languages together.
    pub fn len(&self) -> usize {
        self.shards.values().map(Shard::len).sum()
    }

    /// True when the index is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of indexed articles per language code, sorted by code.
    pub fn len_by_language(&self) -> Vec<(&str, usize)> {
        let mut counts: Vec<(&str, usize)> = self
            .shards
            .iter()
            .map(|(language, shard)| (language.as_str(), shard.len()))
            .collect();
        counts.sort_unstable();
        counts
    }

    /// Heap and inline bytes held by the index (allocated capacity, not just length).
    pub fn memory_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.shards.capacity() * (std::mem::size_of::<(String, Shard)>() + 1)
            + self
                .shards
                .iter()
                .map(|(language, shard)| language.capacity() + shard.memory_bytes())
                .sum::<usize>()
    }
}

/// The shard of a language, created empty on first use.
fn shard_of<'a>(
    shards: &'a mut HashMap<String, Shard>,
    config: &DedupConfig,
    language: &str,
) -> &'a mut Shard {
    shards
        .entry(language.to_string())
        .or_insert_with(|| Shard::new(config.window_count, config.window_seconds))
}

/// What the index says about an article.
enum Match {
    /// The article itself is indexed (a redelivery).
    Itself,
    /// An earlier article it duplicates.
    Earlier(Candidate),
}

/// The stored article `fingerprint` duplicates, if any: an exact match first, else the
/// nearest within the thresholds; the article itself when it is among the matches.
fn best_match(
    shard: &Shard,
    id: &str,
    fingerprint: &Fingerprint,
    config: &DedupConfig,
) -> Option<Match> {
    let mut best: Option<Candidate> = None;
    let mut itself = false;
    shard.candidates(fingerprint, config.multi_probe, |candidate| {
        let limit = if candidate.lead {
            config.lead_max_distance.max(config.max_distance)
        } else {
            config.max_distance
        };
        if candidate.distance > limit || itself {
            return;
        }
        if shard.id_is(candidate.slot, id) {
            itself = true;
            return;
        }
        let better = match best {
            None => true,
            Some(current) => {
                (candidate.exact, std::cmp::Reverse(candidate.distance))
                    > (current.exact, std::cmp::Reverse(current.distance))
            }
        };
        if better {
            best = Some(candidate);
        }
    });
    if itself {
        Some(Match::Itself)
    } else {
        best.map(Match::Earlier)
    }
}

/// Cosine similarity of the two shingle sets as SimHash estimates it: the fraction of
/// differing bits is the angle between them over pi.
fn similarity(distance: u32) -> f64 {
    let angle = std::f64::consts::PI * f64::from(distance) / 64.0;
    (angle.cos().max(0.0) * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests;
