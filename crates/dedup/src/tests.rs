use super::*;
use crate::fingerprint::{agreeing_bins, estimated_jaccard, fingerprint};
use newsflow_record::Language;

fn article(id: &str, language: &str, title: &str, body: &str) -> Article {
    Article {
        id: id.into(),
        url: None,
        source: None,
        title: title.into(),
        body: body.into(),
        published_at: None,
        language_hint: None,
        language: Some(Language {
            code: language.into(),
            iso639_3: language.into(),
            script: "Latin".into(),
            confidence: 1.0,
            reliable: true,
        }),
        dedup: None,
        event_rules: None,
        events: None,
        entities: None,
        story: None,
        extra: Default::default(),
    }
}

const SUMMIT_TITLE: &str = "Leaders agree on grain corridor at Geneva summit";

/// One outlet's report of the summit.
const SUMMIT_REPORT: &str = "GENEVA, March 14 - The leaders of France, Germany and Turkey agreed on Thursday to reopen a protected grain corridor across the Black Sea, ending four months of talks that had repeatedly stalled over inspections.

French President Emmanuel Macron said the deal, signed after an eleven-hour session at the Palais des Nations, would let as many as forty cargo ships a week leave the ports of Odesa and Chornomorsk under naval escort.

\"This is not a peace agreement, but it is a promise that people in Cairo, Dhaka and Nairobi will not go hungry because of a war they did not start,\" Macron told reporters as the summit closed.

German Chancellor Olaf Scholz said Berlin would pay for a joint inspection centre in Istanbul, where teams from the United Nations will check every vessel for weapons before it enters the corridor. Turkish President Recep Tayyip Erdogan, who hosted the first round of talks in Ankara last autumn, called the accord a victory for patience.

Wheat futures fell almost three percent in Chicago after the announcement, and traders said the first convoy could sail before the end of the month if insurers agree to cover the route.

Aid agencies welcomed the deal but warned that the corridor would only work if both sides respected the ceasefire zones around the ports. The World Food Programme said it had already booked space on six ships for shipments to East Africa, where prices for bread and flour have doubled in a year.

The three leaders will meet again in June to review the first shipments, officials said.";

/// Another outlet's report of the same summit, written independently: the same names,
/// places and dates, other sentences.
const OTHER_SUMMIT_REPORT: &str = "Emmanuel Macron, Olaf Scholz and Recep Tayyip Erdogan struck a deal in Geneva on Thursday, March 14, that will allow grain ships to cross the Black Sea again under international protection.

The agreement came late at night after a marathon session at the Palais des Nations. Under its terms, vessels leaving Odesa and Chornomorsk will be escorted by warships and searched at a new inspection hub in Istanbul financed by Germany.

Erdogan, whose government brokered earlier rounds in Ankara, said patience had paid off. Scholz spoke of a turning point for food security, while Macron stressed that the accord was humanitarian and did not settle the wider conflict.

Markets reacted quickly: wheat prices in Chicago dropped nearly three percent within an hour. Shipping brokers cautioned that insurance for the route remains expensive and that the first departures may slip into April.

The United Nations and the World Food Programme said they were ready to start loading cargo for countries in East Africa and South Asia, where the price of bread has soared. Human rights groups asked the leaders to publish the full text of the deal.

A follow-up meeting is planned for June.";

fn syndicated_copy() -> (String, String) {
    let body = format!(
        "Advertisement\n\n{SUMMIT_REPORT}\n\nReporting by Claire Dubois in Geneva; additional reporting by Mehmet Yilmaz in Ankara; editing by Tom Hart.\n\nFollow our world desk for more stories like this. Copyright 2024 Wire Agency. All rights reserved."
    );
    ("Black Sea grain deal struck in Geneva".to_string(), body)
}

fn truncated_copy(share: f64) -> String {
    let words: Vec<&str> = SUMMIT_REPORT.split(' ').collect();
    let keep = (words.len() as f64 * share) as usize;
    words[..keep].join(" ")
}

fn light_rewrite() -> String {
    SUMMIT_REPORT
        .replace("agreed on Thursday", "agreed late on Thursday")
        .replace("as many as forty", "up to forty")
        .replace("told reporters", "said")
        .replace("fell almost three percent", "dropped nearly three percent")
        .replace("officials said", "diplomats said")
}

/// The estimated Jaccard similarity of two bodies.
fn estimate(a: &str, b: &str) -> f64 {
    let a = fingerprint("", a, default_shingle_size(), default_lead_tokens());
    let b = fingerprint("", b, default_shingle_size(), default_lead_tokens());
    estimated_jaccard(agreeing_bins(&a.sketch, &b.sketch))
}

#[test]
fn measured_similarities_separate_copies_from_independent_reports() {
    let (_, syndicated) = syndicated_copy();
    let copies = [
        ("syndicated", estimate(SUMMIT_REPORT, &syndicated)),
        ("rewrite", estimate(SUMMIT_REPORT, &light_rewrite())),
        ("truncated", estimate(SUMMIT_REPORT, &truncated_copy(0.6))),
    ];
    let independent = estimate(SUMMIT_REPORT, OTHER_SUMMIT_REPORT);
    eprintln!("similarities: {copies:?}, independent {independent}");
    for (name, similarity) in copies {
        assert!(similarity >= DEFAULT_MIN_SIMILARITY, "{name}: {similarity}");
    }
    assert!(
        independent < DEFAULT_MIN_SIMILARITY,
        "independent: {independent}"
    );
}

fn dedup() -> Deduplicator {
    Deduplicator::new(&DedupConfig::default())
}

const T0: i64 = 1_710_000_000;

#[test]
fn exact_copy_with_other_case_and_punctuation_is_exact() {
    let mut index = dedup();
    let first = index.check(&article("a", "en", SUMMIT_TITLE, SUMMIT_REPORT), T0);
    assert_eq!(first.dedup.status, DedupStatus::Unique);
    let shouted = SUMMIT_REPORT.to_uppercase().replace(['.', ','], " ");
    let copy = index.check(
        &article("b", "en", &SUMMIT_TITLE.to_uppercase(), &shouted),
        T0 + 5,
    );
    assert_eq!(copy.dedup.status, DedupStatus::Exact);
    assert_eq!(copy.dedup.duplicate_of.as_deref(), Some("a"));
    assert_eq!(copy.dedup.similarity, Some(1.0));
    assert!(copy.admitted.is_none());
}

#[test]
fn near_duplicate_with_other_boilerplate_is_found() {
    let mut index = dedup();
    index.check(&article("wire-1", "en", SUMMIT_TITLE, SUMMIT_REPORT), T0);
    let (title, body) = syndicated_copy();
    let copy = index.check(&article("paper-7", "en", &title, &body), T0 + 600);
    assert_eq!(copy.dedup.status, DedupStatus::Near);
    assert_eq!(copy.dedup.duplicate_of.as_deref(), Some("wire-1"));
    assert!(copy.dedup.similarity.is_some_and(|s| s > 0.8 && s < 1.0));
}

#[test]
fn light_rewrite_is_a_near_duplicate() {
    let mut index = dedup();
    index.check(&article("a", "en", SUMMIT_TITLE, SUMMIT_REPORT), T0);
    let rewrite = index.check(&article("b", "en", SUMMIT_TITLE, &light_rewrite()), T0 + 60);
    assert_eq!(rewrite.dedup.status, DedupStatus::Near);
    assert_eq!(rewrite.dedup.duplicate_of.as_deref(), Some("a"));
}

#[test]
fn copy_truncated_at_sixty_percent_is_a_near_duplicate() {
    let mut index = dedup();
    index.check(&article("full", "en", SUMMIT_TITLE, SUMMIT_REPORT), T0);
    let cut = index.check(
        &article("cut", "en", SUMMIT_TITLE, &truncated_copy(0.6)),
        T0 + 60,
    );
    assert_eq!(cut.dedup.status, DedupStatus::Near);
    assert_eq!(cut.dedup.duplicate_of.as_deref(), Some("full"));
}

#[test]
fn full_article_after_a_short_cut_of_it_updates_the_cut() {
    // 40% of the full text is news to a reader of the cut: an update, not a copy.
    let mut index = dedup();
    index.check(
        &article("cut", "en", SUMMIT_TITLE, &truncated_copy(0.6)),
        T0,
    );
    let full = index.check(&article("full", "en", SUMMIT_TITLE, SUMMIT_REPORT), T0 + 60);
    assert_eq!(full.dedup.status, DedupStatus::Unique);
    assert_eq!(full.dedup.updates.as_deref(), Some("cut"));
    assert!(full.admitted.is_some());
}

#[test]
fn full_article_after_a_long_cut_of_it_is_a_near_duplicate() {
    let mut index = dedup();
    index.check(
        &article("cut", "en", SUMMIT_TITLE, &truncated_copy(0.85)),
        T0,
    );
    let full = index.check(&article("full", "en", SUMMIT_TITLE, SUMMIT_REPORT), T0 + 60);
    assert_eq!(full.dedup.status, DedupStatus::Near);
    assert_eq!(full.dedup.duplicate_of.as_deref(), Some("cut"));
}

#[test]
fn follow_up_repeating_four_paragraphs_is_unique_and_updates_the_first_report() {
    let paragraphs: Vec<&str> = SUMMIT_REPORT.split("\n\n").collect();
    let follow_up = format!(
        "{}\n\n{}\n\n{}\n\n{}\n\nGENEVA, March 15 - The first grain convoy under the new Black Sea corridor agreement left Odesa on Friday morning, a day after the leaders of France, Germany and Turkey signed the deal, port officials said. Six bulk carriers loaded with wheat and maize sailed under the escort of two Turkish frigates, and a third warship joined them off the Romanian coast. Insurers in London agreed overnight to cover the route at a premium of one percent of the cargo value, lower than traders had feared.\n\nThe inspection centre in Istanbul cleared its first vessel within four hours, a spokeswoman for the United Nations said, and the World Food Programme confirmed that two of the ships carry its shipments for Ethiopia and Somalia.\n\nRussia's foreign ministry said it would watch the convoys closely and warned that any ship found carrying weapons would be treated as a legitimate target.",
        paragraphs[0], paragraphs[1], paragraphs[3], paragraphs[4]
    );
    let mut index = dedup();
    index.check(&article("first", "en", SUMMIT_TITLE, SUMMIT_REPORT), T0);
    let update = index.check(
        &article(
            "second",
            "en",
            "First grain convoy leaves Odesa",
            &follow_up,
        ),
        T0 + 86_400,
    );
    assert_eq!(update.dedup.status, DedupStatus::Unique);
    assert_eq!(update.dedup.updates.as_deref(), Some("first"));
    let entry = update.admitted.expect("an update is admitted");
    assert!(entry.sample.is_some());
}

#[test]
fn entry_without_a_sample_still_restores_and_finds_copies() {
    let first = dedup()
        .check(&article("a", "en", SUMMIT_TITLE, SUMMIT_REPORT), T0)
        .admitted
        .expect("a new article is admitted");
    let mut json: serde_json::Value = serde_json::to_value(&first).expect("serialises");
    json.as_object_mut().expect("an object").remove("sample");
    let mut index = dedup();
    index.restore(serde_json::from_value(json).expect("old entries still parse"));
    assert_eq!(index.len(), 1);
    let copy = index.check(
        &article("b", "en", SUMMIT_TITLE, &truncated_copy(0.6)),
        T0 + 60,
    );
    assert_eq!(copy.dedup.status, DedupStatus::Near);
}

#[test]
fn independent_reports_of_one_summit_are_not_duplicates() {
    let mut index = dedup();
    index.check(&article("outlet-a", "en", SUMMIT_TITLE, SUMMIT_REPORT), T0);
    let other = index.check(
        &article(
            "outlet-b",
            "en",
            "Black Sea grain deal reached in Geneva",
            OTHER_SUMMIT_REPORT,
        ),
        T0 + 300,
    );
    assert_eq!(other.dedup.status, DedupStatus::Unique);
    assert!(other.admitted.is_some());
    assert_eq!(index.len(), 2);
}

#[test]
fn redelivered_article_keeps_its_decision() {
    let mut index = dedup();
    let unique = article("a", "en", SUMMIT_TITLE, SUMMIT_REPORT);
    let (title, body) = syndicated_copy();
    let copy = article("b", "en", &title, &body);
    let first_unique = index.check(&unique, T0);
    let first_copy = index.check(&copy, T0 + 10);
    let again_unique = index.check(&unique, T0 + 20);
    let again_copy = index.check(&copy, T0 + 30);
    assert_eq!(again_unique.dedup, first_unique.dedup);
    assert_eq!(again_unique.dedup.status, DedupStatus::Unique);
    assert!(again_unique.admitted.is_none(), "not admitted twice");
    assert_eq!(again_copy.dedup, first_copy.dedup);
    assert_eq!(index.len(), 1);
}

#[test]
fn other_language_is_never_compared() {
    let mut index = dedup();
    index.check(&article("en-1", "en", SUMMIT_TITLE, SUMMIT_REPORT), T0);
    let same_text_other_language =
        index.check(&article("xx-1", "fr", SUMMIT_TITLE, SUMMIT_REPORT), T0 + 1);
    assert_eq!(same_text_other_language.dedup.status, DedupStatus::Unique);
    assert_eq!(
        same_text_other_language
            .admitted
            .map(|entry| entry.language),
        Some("fr".to_string())
    );
    assert_eq!(index.len_by_language(), vec![("en", 1), ("fr", 1)]);
}

#[test]
fn window_evicts_oldest() {
    let mut index = Deduplicator::new(&DedupConfig {
        window_count: 2,
        ..DedupConfig::default()
    });
    let texts = [
        "first story about rain in Oslo today",
        "second story about a fire in Lima",
        "third story about a vote in Accra",
    ];
    for (i, text) in texts.iter().enumerate() {
        index.check(&article(&format!("s{i}"), "en", "", text), T0 + i as i64);
    }
    assert_eq!(index.len(), 2);
    // The oldest left: its copy is unique now; the newest is still there.
    let old = index.check(&article("copy-0", "en", "", texts[0]), T0 + 10);
    assert_eq!(old.dedup.status, DedupStatus::Unique);
    let recent = index.check(&article("copy-2", "en", "", texts[2]), T0 + 11);
    assert_eq!(recent.dedup.duplicate_of.as_deref(), Some("s2"));
}

#[test]
fn time_window_evicts_old_articles() {
    let mut index = Deduplicator::new(&DedupConfig {
        window_seconds: 3600,
        ..DedupConfig::default()
    });
    index.check(&article("old", "en", SUMMIT_TITLE, SUMMIT_REPORT), T0);
    let within = index.check(&article("b", "en", SUMMIT_TITLE, SUMMIT_REPORT), T0 + 1800);
    assert_eq!(within.dedup.status, DedupStatus::Exact);
    let later = index.check(&article("c", "en", SUMMIT_TITLE, SUMMIT_REPORT), T0 + 7200);
    assert_eq!(later.dedup.status, DedupStatus::Unique);
    assert_eq!(index.len(), 1);
}

#[test]
fn restored_index_gives_the_same_decisions() {
    let mut first = dedup();
    let entry = first
        .check(&article("a", "en", SUMMIT_TITLE, SUMMIT_REPORT), T0)
        .admitted
        .unwrap();
    let json = serde_json::to_string(&entry).unwrap();
    let mut restarted = dedup();
    restarted.restore(serde_json::from_str(&json).unwrap());
    restarted.restore(entry.clone());
    assert_eq!(
        restarted.len(),
        1,
        "a repeated changelog record is kept once"
    );
    let (title, body) = syndicated_copy();
    let copy = restarted.check(&article("b", "en", &title, &body), T0 + 5);
    assert_eq!(copy.dedup.duplicate_of.as_deref(), Some("a"));
    let again = restarted.check(&article("a", "en", SUMMIT_TITLE, SUMMIT_REPORT), T0 + 6);
    assert_eq!(again.dedup.status, DedupStatus::Unique);
}

#[test]
fn restore_applies_the_time_window() {
    let mut index = Deduplicator::new(&DedupConfig {
        window_seconds: 3600,
        ..DedupConfig::default()
    });
    let entry = |id: &str, simhash: u64, at: i64| IndexEntry {
        id: id.into(),
        language: "en".into(),
        exact: simhash,
        simhash,
        lead: None,
        sketch: Some([simhash as u8; 16]),
        bands: Some([simhash as u32; 3]),
        sample: None,
        admitted_at: at,
        version: FINGERPRINT_VERSION,
    };
    index.restore(entry("old", 1, T0));
    index.restore(entry("new", u64::MAX, T0 + 86_400));
    index.restore(entry("stale", 0xffff, T0 + 10));
    assert_eq!(index.len(), 1);
}

fn entry_at(id: &str, simhash: u64, at: i64) -> IndexEntry {
    IndexEntry {
        id: id.into(),
        language: "en".into(),
        exact: simhash,
        simhash,
        lead: None,
        sketch: Some([simhash as u8; 16]),
        bands: Some([simhash as u32; 3]),
        admitted_at: at,
        version: FINGERPRINT_VERSION,
        sample: None,
    }
}

#[test]
fn a_future_dated_changelog_entry_is_clamped_and_evicts_nothing() {
    let mut index = Deduplicator::new(&DedupConfig {
        window_seconds: 3600,
        ..DedupConfig::default()
    });
    let now = T0 + 600;
    for i in 0..50u64 {
        let at = T0 + i as i64;
        assert_eq!(
            index.restore_at(entry_at(&format!("a{i}"), i + 1, at), now),
            Restore::Restored
        );
    }
    // The year 3000.
    let forged = entry_at("forged", 0xdead_beef, 32_503_680_000);
    assert_eq!(index.restore_at(forged, now), Restore::Clamped);
    assert_eq!(index.len(), 51, "nothing evicted by a forged time");
    // Entries after it are still judged against the clamped time.
    assert_eq!(
        index.restore_at(entry_at("later", 0xbeef, T0 + 300), now),
        Restore::Restored
    );
    assert_eq!(index.len(), 52);
}

#[test]
fn malformed_changelog_entries_are_skipped_with_a_reason() {
    let mut index = dedup();
    let now = T0;
    let cases = [
        (
            IndexEntry {
                id: String::new(),
                ..entry_at("x", 1, T0)
            },
            SkipReason::InvalidField,
        ),
        (
            IndexEntry {
                language: String::new(),
                ..entry_at("x", 2, T0)
            },
            SkipReason::InvalidField,
        ),
        (entry_at("x", 3, -5), SkipReason::InvalidField),
        (
            IndexEntry {
                sketch: None,
                ..entry_at("x", 4, T0)
            },
            SkipReason::NoSketch,
        ),
        (
            IndexEntry {
                version: 99,
                ..entry_at("x", 5, T0)
            },
            SkipReason::Version,
        ),
    ];
    for (entry, reason) in cases {
        assert_eq!(index.restore_at(entry, now), Restore::Skipped(reason));
    }
    assert!(index.is_empty());
}

#[test]
fn entries_of_an_older_fingerprint_version_are_not_restored() {
    let mut index = dedup();
    let first = dedup()
        .check(&article("a", "en", SUMMIT_TITLE, SUMMIT_REPORT), T0)
        .admitted
        .expect("a new article is admitted");
    index.restore(IndexEntry {
        version: 0,
        ..first.clone()
    });
    assert!(index.is_empty());
    // Serialised before versions existed: the field is absent and reads as 0.
    let mut json: serde_json::Value = serde_json::to_value(&first).expect("serialises");
    json.as_object_mut().expect("an object").remove("version");
    index.restore(serde_json::from_value(json).expect("old entries still parse"));
    assert!(index.is_empty());
    index.restore(first);
    assert_eq!(index.len(), 1);
}

/// A synthetic article: distinct words so that every article is unique.
fn synthetic(i: usize) -> Article {
    let mut body = String::with_capacity(600);
    let mut x = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    for _ in 0..80 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        body.push_str(&format!("w{} ", x % 5000));
    }
    article(&format!("src-2024-{i:07}"), "en", "", &body)
}

/// 59.6 bytes before the shingle sample (33 bytes: rate and 256-bit filter) existed.
#[test]
fn index_stays_within_96_bytes_per_article() {
    let mut index = dedup();
    let n = 100_000;
    let mut unique = 0;
    for i in 0..n {
        unique += usize::from(
            index
                .check(&synthetic(i), T0 + i as i64 / 100)
                .admitted
                .is_some(),
        );
    }
    assert_eq!(unique, n, "synthetic articles are all distinct");
    let per_article = index.memory_bytes() as f64 / index.len() as f64;
    eprintln!("{per_article:.1} bytes per article (ids of 16 bytes)");
    assert!(per_article <= 96.0, "{per_article:.1} bytes per article");
}

#[test]
fn million_entries_restore_from_changelog() {
    let mut index = dedup();
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let start = std::time::Instant::now();
    for i in 0..1_000_000u64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        index.restore(IndexEntry {
            id: format!("src-2024-{i:07}"),
            language: "en".into(),
            exact: x.rotate_left(17),
            simhash: x,
            lead: None,
            sketch: Some(
                x.wrapping_mul(x)
                    .to_le_bytes()
                    .repeat(2)
                    .try_into()
                    .unwrap(),
            ),
            bands: Some([(x >> 7) as u32, (x >> 19) as u32, (x >> 31) as u32]),
            sample: Some(ShingleSample {
                shift: 3,
                filter: [x as u8; 32],
            }),
            admitted_at: T0 + i as i64 / 20,
            version: FINGERPRINT_VERSION,
        });
    }
    eprintln!(
        "restored {} entries in {:?}, {:.1} bytes per article",
        index.len(),
        start.elapsed(),
        index.memory_bytes() as f64 / index.len() as f64
    );
    assert_eq!(index.len(), 1_000_000);
}
