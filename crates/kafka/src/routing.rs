//! Partition choice by language: every article of one language lands in the same
//! partition of `news.lang`, and its dedup entries in the same partition number of
//! the changelog, so one dedup instance owns each language.

/// The most common news languages, spread round-robin over the partitions so that a
/// handful of partitions already separate the big languages; others are hashed.
const COMMON: [&str; 16] = [
    "en", "es", "fr", "de", "zh", "ar", "ru", "pt", "ja", "it", "hi", "ko", "tr", "nl", "pl", "id",
];

/// The partition (out of `partitions`) for articles in `language` (ISO code, or
/// `None` when no language is known). Stable across versions and processes.
pub fn language_partition(language: Option<&str>, partitions: i32) -> i32 {
    let partitions = partitions.max(1);
    let slot = match language {
        Some(code) => match COMMON.iter().position(|common| *common == code) {
            Some(index) => index as u64,
            // xxh3 with a fixed seed is stable across platforms and releases.
            None => COMMON.len() as u64 + xxhash_rust::xxh3::xxh3_64(code.as_bytes()),
        },
        None => 0,
    };
    (slot % partitions as u64) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_languages_are_spread_round_robin() {
        let partitions: Vec<i32> = ["en", "es", "fr", "de", "zh", "ar", "ru"]
            .iter()
            .map(|code| language_partition(Some(code), 6))
            .collect();
        assert_eq!(partitions, vec![0, 1, 2, 3, 4, 5, 0]);
    }

    #[test]
    fn same_language_always_gets_the_same_partition() {
        let first = language_partition(Some("sw"), 6);
        for _ in 0..10 {
            assert_eq!(language_partition(Some("sw"), 6), first);
        }
        assert!((0..6).contains(&first));
    }

    #[test]
    fn every_partition_is_in_range_even_with_odd_counts() {
        for code in ["en", "xx", "uk", "fa", "vi", "sv"] {
            for partitions in [1, 2, 3, 7, 12] {
                let partition = language_partition(Some(code), partitions);
                assert!((0..partitions).contains(&partition), "{code} {partitions}");
            }
        }
    }

    #[test]
    fn unknown_language_and_zero_partitions_do_not_panic() {
        assert_eq!(language_partition(None, 6), 0);
        assert_eq!(language_partition(Some("en"), 0), 0);
    }
}
