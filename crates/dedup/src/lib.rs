//! The dedup stage: exact and near-duplicate detection within a bounded window.
//!
//! Layout:
//! - [`DedupConfig`]: the `[dedup]` section of the config file.
//! - [`Deduplicator`]: the index; [`Deduplicator::check`] decides on one article,
//!   [`Deduplicator::restore`] puts back an [`IndexEntry`] read from the changelog.
//! - `fingerprint`: normalised tokens, exact hash, SimHash, MinHash sketch, the
//!   shingle sample and the new share of a text against an earlier one.
//! - `index`: the per-language ring of sketches and its LSH tables.
//!
//! How articles are compared, and why:
//! - **Normalised tokens.** Runs of letters and digits, lowercased; every other
//!   character separates tokens, so case, punctuation and spacing never matter.
//!   Characters of scripts written without spaces (Han, kana, Thai, ...) are tokens on
//!   their own, which makes shingles character n-grams there.
//! - **Exact duplicates**: a hash of the normalised title + body. The index keeps 16
//!   bits of it and only calls a match exact when the whole sketch is equal too.
//! - **Near duplicates** are decided on the Jaccard similarity of the bodies' 3-token
//!   shingle sets (the title is left out: syndicated copies are often retitled),
//!   estimated from a MinHash sketch: one-permutation hashing into 32 bins, 4 bits of
//!   each bin's minimum kept (b-bit MinHash, 16 bytes). Two articles are near duplicates
//!   when the estimate reaches `min_similarity`.
//!
//!   Why not SimHash, as before: on news articles of 60-200 words a 64-bit SimHash
//!   measures the angle between the shingle sets with too little precision: a light
//!   rewrite (Jaccard 0.4-0.6) lands 15-20 bits away, an independent report of the
//!   same event (Jaccard under 0.1) 25-30, unrelated texts 32, each with a spread of
//!   4 bits, so no threshold separates them. The labelled evaluation set shows the gap
//!   in Jaccard terms: its duplicate pairs (truncations keeping two of three
//!   paragraphs, light rewrites, syndicated copies) measure 0.36-1.0, its independent
//!   reports of one event at most 0.09 (CJK character 3-grams) and most under 0.05.
//!   The 32 b-bit values estimate Jaccard with a standard error of about 0.07 at 0.1
//!   and 0.09 at 0.37; `DEFAULT_MIN_SIMILARITY` sits where both errors are rare.
//!   SimHash is still computed: it is the record's 64-bit `fingerprint`.
//! - **Copies and updates.** Similarity alone cannot tell a light rewrite (every
//!   sentence touched, Jaccard 0.36-0.6) from a developing story's follow-up that
//!   repeats half of the earlier article and adds new paragraphs (Jaccard 0.3-0.5):
//!   both share about half of their shingles. Where they differ is how the shared
//!   shingles are spread: a rewritten or copied sentence keeps most of its shingles
//!   (0.5-1 on the evaluation set), a sentence of a later development keeps a name or
//!   a phrase at most (0-0.3). So each indexed article also keeps a sample of its
//!   shingles (one in 2^shift by hash, the rate chosen so that at most 48 are kept)
//!   as a 256-bit one-hash filter, 33 bytes. When the most similar earlier article
//!   reaches `min_update_similarity` (0.05), a first look at its sampled shingles
//!   (no second reading) asks that at least a tenth of them are the earlier one's
//!   when the similarity is under 0.2; then the new article's body is read again
//!   sentence by sentence and each stretch of sentences with 4 sampled shingles is
//!   judged: new when under 40% of them hit the filter, after subtracting the false
//!   hits the filter's fill explains (at most 17%). The share of the body in new
//!   stretches decides: at least `min_new_share` (0.3), and at most 0.9 (an article
//!   that repeats nothing is another outlet's report, not an update; under 0.2 it
//!   must repeat two stretches, since Chinese and Japanese character 3-grams make
//!   one look repeated through common phrases), and the
//!   article is unique, is admitted, and records `dedup.updates` = the earlier
//!   article; otherwise it is a near duplicate when it reaches `min_similarity`, as
//!   before. So a full article after a 60% cut of it updates the cut; after an 85%
//!   cut it is a copy.
//!
//!   Measured (`cargo test -p newsflow-dedup --test updates -- --nocapture`, pairs in
//!   `tests/data/updates.jsonl`): copies (truncations, cuts mid-sentence, retitled
//!   syndicated copies, light rewrites in en, fr, de, es, ru, zh) have a new share
//!   of 0-0.07, every one stays near; of 42 hard follow-ups (Jaccard 0.22-0.5),
//!   39 are not near and those compared at all measure 0.09-0.6. Linking (`updates`
//!   set) is bounded by the LSH tables below, which meet a pair at Jaccard 0.35
//!   with probability about 0.6 and miss it when the follow-up has a new lead.
//!   Memory: 33 bytes more per article, 91 instead of 58 for 1,000,000 restored
//!   entries with 16-byte ids (the `million_entries_restore_from_changelog` test):
//!   about 91 MB instead of 58 MB for the default window. A 128-bit filter (17
//!   bytes) was tried and left 8 of the 42 follow-ups near. Cost: the sample is one
//!   test per shingle, and the sentence pass runs only for a candidate above the
//!   gate: `cargo bench -p newsflow-dedup` measured 11.1 µs per 3 KB check before,
//!   11.9 µs after (+8%, on a shared 2-core machine).
//! - **Index (LSH).** Three hash tables, each keyed on a smallest shingle hash (a
//!   one-value MinHash): of each half of the 32 bins, so two articles meet there with
//!   probability 1 - (1 - J)^2 (0.75 for a light rewrite at J 0.5, 0.19 for an
//!   independent report at 0.1, which the sketch then rejects); and of the shingles of
//!   the body's first `lead_tokens` tokens, the lead key, which a truncated copy (or a
//!   copy with other boilerplate at the end) shares whatever it dropped, where the
//!   whole-text keys would miss a copy cut at 60% with probability 0.16. Nothing is
//!   compared against every stored article.
//! - **Window.** Per language, at most `window_count` articles, and only those admitted
//!   within `window_seconds` of the newest time seen; the oldest go first. Restored
//!   entries obey the same window.
//! - **Redelivery.** A candidate with the article's own id is the article itself: a
//!   redelivered unique article is unique again (and not admitted twice); a redelivered
//!   duplicate is the same duplicate, since only unique articles enter the index.
#![deny(missing_docs)]

mod fingerprint;
mod index;

use std::collections::HashMap;

use newsflow_record::{Article, Dedup, DedupStatus};
use serde::{Deserialize, Serialize};

use crate::fingerprint::{
    bins_needed, estimated_jaccard, Fingerprint, Fingerprinter, Sample, BANDS, PROBES,
    SAMPLE_BYTES, SKETCH_BYTES,
};
use crate::index::{Candidate, Shard, Stored};

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
    /// Tokens per shingle.
    #[serde(default = "default_shingle_size")]
    pub shingle_size: usize,
    /// Opening tokens of the body whose shingles make the lead key, which finds
    /// truncated copies (they keep the opening) whatever they dropped.
    #[serde(default = "default_lead_tokens")]
    pub lead_tokens: usize,
    /// Smallest estimated Jaccard similarity of the bodies' shingle sets (0-1) for a
    /// near duplicate.
    #[serde(default = "default_min_similarity")]
    pub min_similarity: f64,
    /// Share (0-1) of an article's body in sentences not taken from the similar
    /// earlier article from which it is an update (unique, `dedup.updates` set)
    /// rather than a near duplicate.
    #[serde(default = "default_min_new_share")]
    pub min_new_share: f64,
    /// Smallest estimated Jaccard similarity (0-1) for an article to be recorded as an
    /// update of an earlier one (at most `min_similarity`).
    #[serde(default = "default_min_update_similarity")]
    pub min_update_similarity: f64,
}

fn default_window_count() -> usize {
    1_000_000
}

fn default_window_seconds() -> u64 {
    3 * 24 * 3600
}

fn default_shingle_size() -> usize {
    3
}

fn default_lead_tokens() -> usize {
    24
}

fn default_min_similarity() -> f64 {
    DEFAULT_MIN_SIMILARITY
}

fn default_min_update_similarity() -> f64 {
    DEFAULT_MIN_UPDATE_SIMILARITY
}

/// See the module doc, "Copies and updates".
const DEFAULT_MIN_UPDATE_SIMILARITY: f64 = 0.05;

fn default_min_new_share() -> f64 {
    DEFAULT_MIN_NEW_SHARE
}

/// See the module doc, "Copies and updates".
const DEFAULT_MIN_NEW_SHARE: f64 = 0.3;

/// Estimated Jaccard similarity above which the sketches alone show that two bodies
/// overlap (independent reports of one event measure at most 0.1).
const CLEAR_OVERLAP: f64 = 0.2;

/// Stretches of sentences an update with a weaker overlap must repeat: one stretch
/// (four sampled shingles) can look repeated through common phrases, which in the
/// character 3-grams of Chinese and Japanese are many.
const MIN_REPEATED_STRETCHES: u32 = 2;

/// Least share of an article's sampled shingles found in the earlier article's
/// sample (false hits discounted) for a weakly similar candidate to be read again
/// sentence by sentence: an update repeats at least a tenth of its body.
const MIN_REPEATED_SHARE: f64 = 0.08;

/// Most new share an update has: it repeats at least a tenth of its body from the
/// earlier article (an independent report of the same event repeats nothing).
const MAX_NEW_SHARE: f64 = 0.9;

/// Between independent reports (Jaccard at most 0.1 on the evaluation set, under 0.05
/// for most pairs) and light rewrites (0.36 and up). With 32 4-bit values this needs
/// 12 agreeing bins (binomial tails): a pair at J 0.1 reaches that with probability
/// 0.002, at 0.05 8e-5, unrelated texts (bins agreeing by chance, 1 in 16) 2.5e-7 per
/// candidate; a rewrite at 0.36 is kept with probability 0.68, at 0.5 0.97, a
/// truncation at 0.7 always.
const DEFAULT_MIN_SIMILARITY: f64 = 0.32;

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            window_count: default_window_count(),
            window_seconds: default_window_seconds(),
            shingle_size: default_shingle_size(),
            lead_tokens: default_lead_tokens(),
            min_similarity: default_min_similarity(),
            min_new_share: default_min_new_share(),
            min_update_similarity: default_min_update_similarity(),
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
    /// Its SimHash (the record's `fingerprint`).
    pub simhash: u64,
    /// Legacy: the lead key of the SimHash index, no longer used. Kept so that the
    /// field still round-trips.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<u32>,
    /// Its MinHash sketch (4 bits per bin, two bins a byte). Records written before
    /// sketches existed have none and are not restored: the index cannot compare them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sketch: Option<[u8; 16]>,
    /// The low 32 bits of the smallest shingle hash of each band (the LSH keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bands: Option<[u32; 3]>,
    /// A sample of its body's shingles, which tells a later update from a copy.
    /// Entries written before samples existed have none: later articles similar to
    /// them are near duplicates, as they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<ShingleSample>,
    /// When it was admitted (Unix seconds).
    pub admitted_at: i64,
    /// The fingerprint scheme that made `exact`, `sketch` and `bands`
    /// ([`FINGERPRINT_VERSION`] for new entries; 0 for entries written before versions
    /// existed). Entries of another version are not restored: their values would
    /// compare wrongly with this scheme's.
    #[serde(default)]
    pub version: u32,
}

/// What [`Deduplicator::restore_at`] did with a changelog entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restore {
    /// Put into the index.
    Restored,
    /// Put into the index with its future `admitted_at` clamped to the restore time.
    Clamped,
    /// Valid, but not needed: outside the window, or already in the index.
    Ignored,
    /// Not valid: left out.
    Skipped(SkipReason),
}

/// Why a changelog entry was not valid (the `reason` label of
/// `newsflow_restore_skipped_total{stage="dedup"}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// Not an index entry at all (not JSON, or fields missing or of the wrong type).
    InvalidJson,
    /// Empty id or language, or a time before 1970.
    InvalidField,
    /// Written by another fingerprint scheme.
    Version,
    /// No sketch (written before sketches existed).
    NoSketch,
}

impl SkipReason {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::InvalidJson => "invalid_json",
            SkipReason::InvalidField => "invalid_field",
            SkipReason::Version => "version",
            SkipReason::NoSketch => "no_sketch",
        }
    }
}

/// One shingle in 2^`shift` of an article's body (by hash), as a 256-bit filter with
/// one bit per shingle: [`IndexEntry::sample`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShingleSample {
    /// Log2 of the sampling rate.
    pub shift: u8,
    /// The filter's bits.
    pub filter: [u8; 32],
}

impl From<Sample> for ShingleSample {
    fn from(sample: Sample) -> Self {
        ShingleSample {
            shift: sample.shift,
            filter: sample.filter,
        }
    }
}

impl From<ShingleSample> for Sample {
    fn from(sample: ShingleSample) -> Self {
        Sample {
            shift: sample.shift,
            filter: sample.filter,
        }
    }
}

/// The fingerprint scheme of this build (see [`IndexEntry::version`]): 1 hashes tokens
/// 8 bytes at a time (before, xxh3 of the token), which changes every hash.
pub const FINGERPRINT_VERSION: u32 = 1;

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
    /// Agreeing sketch bins a near duplicate needs (from `min_similarity`).
    bins_needed: u32,
    /// Agreeing sketch bins an update needs (from `min_update_similarity`).
    related_bins: u32,
    /// Agreeing sketch bins of a clear overlap ([`CLEAR_OVERLAP`]): below it, an
    /// update must repeat [`MIN_REPEATED_STRETCHES`] stretches of sentences.
    overlap_bins: u32,
    fingerprinter: Fingerprinter,
    shards: HashMap<String, Shard>,
}

impl Deduplicator {
    /// An empty index.
    pub fn new(config: &DedupConfig) -> Self {
        // The shared character tables, now rather than in the first record.
        newsflow_text::warm_up();
        Deduplicator {
            config: config.clone(),
            bins_needed: bins_needed(config.min_similarity),
            related_bins: bins_needed(config.min_update_similarity.min(config.min_similarity)),
            overlap_bins: bins_needed(CLEAR_OVERLAP),
            fingerprinter: Fingerprinter::new(config.shingle_size, config.lead_tokens),
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
        let fingerprint = self
            .fingerprinter
            .fingerprint(&article.title, &article.body);
        let stored = Stored::of(&fingerprint);
        let fingerprint_hex = Some(format!("{:016x}", fingerprint.simhash));
        let window_seconds = self.config.window_seconds;
        let shard = shard_of(&mut self.shards, &self.config, language);
        shard.advance_time(now_unix, window_seconds);

        let best = best_match(shard, &article.id, &stored, self.related_bins);
        let verdict = match best {
            None => Verdict::New,
            Some(Match::Itself) => Verdict::Itself,
            Some(Match::Earlier(found)) if found.exact => Verdict::Copy(found),
            Some(Match::Earlier(found)) => {
                let updates = shard.sample(found.slot).is_some_and(|earlier| {
                    // Below a clear overlap, most candidates are other reports of the
                    // event: a look at the shingles already hashed rules them out
                    // before the text is read again.
                    if found.agreeing < self.overlap_bins
                        && self.fingerprinter.repeated_share(&earlier) < MIN_REPEATED_SHARE
                    {
                        return false;
                    }
                    let (share, repeated) = self.fingerprinter.new_share(&article.body, &earlier);
                    // An article that repeats nothing is another report, not an update;
                    // below the similarity of a clear overlap, one stretch that looks
                    // repeated may be common phrases: two must be.
                    share >= self.config.min_new_share
                        && share <= MAX_NEW_SHARE
                        && (found.agreeing >= self.overlap_bins
                            || repeated >= MIN_REPEATED_STRETCHES)
                });
                if updates {
                    Verdict::Update(found)
                } else if found.agreeing >= self.bins_needed {
                    Verdict::Copy(found)
                } else {
                    Verdict::New
                }
            }
        };
        let unique = Dedup {
            status: DedupStatus::Unique,
            fingerprint: fingerprint_hex,
            duplicate_of: None,
            similarity: None,
            updates: None,
        };
        match verdict {
            Verdict::Itself => Decision {
                dedup: unique,
                admitted: None,
            },
            Verdict::Copy(found) => Decision {
                dedup: Dedup {
                    status: if found.exact {
                        DedupStatus::Exact
                    } else {
                        DedupStatus::Near
                    },
                    duplicate_of: Some(shard.id(found.slot)),
                    similarity: Some(similarity(found)),
                    ..unique
                },
                admitted: None,
            },
            Verdict::Update(found) => {
                let updates = Some(shard.id(found.slot));
                shard.push(&article.id, &stored, now_unix);
                Decision {
                    dedup: Dedup { updates, ..unique },
                    admitted: Some(entry(article, language, &fingerprint, now_unix)),
                }
            }
            Verdict::New => {
                shard.push(&article.id, &stored, now_unix);
                Decision {
                    dedup: unique,
                    admitted: Some(entry(article, language, &fingerprint, now_unix)),
                }
            }
        }
    }

    /// Puts an entry read back from the changelog into the index, trusting its
    /// time (see [`Deduplicator::restore_at`] for the validating form the service uses).
    pub fn restore(&mut self, entry: IndexEntry) {
        self.restore_at(entry, i64::MAX);
    }

    /// Validates an entry read back from the changelog at time `now_unix` and puts
    /// it into the index. A changelog can hold anything a producer wrote, so:
    /// - an entry with an empty id or language, a time before 1970, another
    ///   fingerprint version or no sketch is skipped ([`Restore::Skipped`]);
    /// - an `admitted_at` in the future is clamped to `now_unix`
    ///   ([`Restore::Clamped`]): the window is measured from the newest time seen, so
    ///   one entry from the year 3000 would otherwise evict every other one;
    /// - entries older than the window (relative to the newest entry restored) and
    ///   entries already present (a changelog may hold a record twice) are left out
    ///   ([`Restore::Ignored`]).
    pub fn restore_at(&mut self, mut entry: IndexEntry, now_unix: i64) -> Restore {
        let window_seconds = self.config.window_seconds;
        if entry.version != FINGERPRINT_VERSION {
            return Restore::Skipped(SkipReason::Version);
        }
        if entry.id.is_empty() || entry.language.is_empty() || entry.admitted_at < 0 {
            return Restore::Skipped(SkipReason::InvalidField);
        }
        let (Some(sketch), Some(bands)) = (entry.sketch, entry.bands) else {
            return Restore::Skipped(SkipReason::NoSketch);
        };
        let clamped = entry.admitted_at > now_unix;
        if clamped {
            entry.admitted_at = now_unix;
        }
        let mut stored = Stored::of(&Fingerprint {
            exact: entry.exact,
            simhash: entry.simhash,
            sketch,
            bands,
            probes: bands.map(|key| [key; PROBES]),
            sample: Sample {
                shift: 0,
                filter: [0; SAMPLE_BYTES],
            },
        });
        stored.sample = entry.sample.map(Sample::from);
        let shard = shard_of(&mut self.shards, &self.config, &entry.language);
        if window_seconds > 0
            && shard.latest_time() != i64::MIN
            && entry.admitted_at
                < shard
                    .latest_time()
                    .saturating_sub(i64::try_from(window_seconds).unwrap_or(i64::MAX))
        {
            return Restore::Ignored;
        }
        if shard.contains(&entry.id, &stored) {
            return Restore::Ignored;
        }
        shard.advance_time(entry.admitted_at, window_seconds);
        shard.push(&entry.id, &stored, entry.admitted_at);
        if clamped {
            Restore::Clamped
        } else {
            Restore::Restored
        }
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

/// The changelog entry of an admitted article.
fn entry(
    article: &Article,
    language: &str,
    fingerprint: &Fingerprint,
    now_unix: i64,
) -> IndexEntry {
    IndexEntry {
        id: article.id.clone(),
        language: language.to_string(),
        exact: fingerprint.exact,
        simhash: fingerprint.simhash,
        lead: None,
        sketch: Some(fingerprint.sketch),
        bands: Some(fingerprint.bands),
        sample: Some(fingerprint.sample.into()),
        admitted_at: now_unix,
        version: FINGERPRINT_VERSION,
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

/// What an article is, given the index.
enum Verdict {
    /// Nothing like it is indexed.
    New,
    /// The article itself is indexed (a redelivery).
    Itself,
    /// A copy (exact or near) of an earlier article.
    Copy(Candidate),
    /// Mostly new, but repeats part of an earlier article.
    Update(Candidate),
}

/// What the index says about an article.
enum Match {
    /// The article itself is indexed (a redelivery).
    Itself,
    /// An earlier article it duplicates.
    Earlier(Candidate),
}

/// The stored article `fingerprint` duplicates, if any: an exact match first, else the
/// most similar above the threshold; the article itself when it is among the matches.
fn best_match(shard: &Shard, id: &str, stored: &Stored, bins_needed: u32) -> Option<Match> {
    let mut best: Option<Candidate> = None;
    let mut itself = false;
    shard.candidates(stored, |candidate| {
        if candidate.agreeing < bins_needed || itself {
            return;
        }
        if shard.id_is(candidate.slot, id) {
            itself = true;
            return;
        }
        let better = match best {
            None => true,
            Some(current) => {
                (candidate.exact, candidate.agreeing) > (current.exact, current.agreeing)
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

/// Jaccard similarity of the two bodies' shingle sets as the sketches estimate it;
/// 1 for an exact duplicate.
fn similarity(found: Candidate) -> f64 {
    if found.exact {
        return 1.0;
    }
    (estimated_jaccard(found.agreeing) * 1000.0).round() / 1000.0
}

// The changelog record's array sizes are spelled out for serde: keep them in step.
const _: () = assert!(SKETCH_BYTES == 16 && BANDS == 3 && SAMPLE_BYTES == 32);

#[cfg(test)]
mod tests;
