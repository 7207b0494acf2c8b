//! The 3 KB English-like articles that both the criterion bench and the profiling
//! example check, so that their figures describe one workload.

use newsflow_record::{Article, Language};

const WORDS: &[&str] = &[
    "the",
    "minister",
    "said",
    "on",
    "tuesday",
    "that",
    "talks",
    "with",
    "leaders",
    "of",
    "neighbouring",
    "countries",
    "would",
    "continue",
    "in",
    "capital",
    "after",
    "summit",
    "agreement",
    "trade",
    "energy",
    "security",
    "officials",
    "reported",
    "government",
    "president",
    "army",
    "parade",
    "visit",
    "sanctions",
    "election",
    "protest",
    "city",
];

/// Article number `i`: deterministic pseudo-random text of about 3,000 bytes.
pub fn article(id_prefix: &str, i: u64) -> Article {
    let mut body = String::new();
    let mut x = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    while body.len() < 3000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        body.push_str(WORDS[(x % WORDS.len() as u64) as usize]);
        body.push_str(if x.is_multiple_of(11) { ". " } else { " " });
    }
    let mut article: Article = serde_json::from_str(r#"{"id":"x"}"#).expect("valid JSON");
    article.id = format!("{id_prefix}-{i:010}");
    article.title = "Minister says talks will continue".into();
    article.body = body;
    article.language = Some(Language {
        code: "en".into(),
        iso639_3: "eng".into(),
        script: "Latin".into(),
        confidence: 1.0,
        reliable: true,
    });
    article
}
