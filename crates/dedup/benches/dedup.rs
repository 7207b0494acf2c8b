//! Dedup stage on 3 KB articles against an index of 100,000 articles:
//! `cargo bench -p newsflow-dedup`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use newsflow_dedup::{DedupConfig, Deduplicator, IndexEntry, FINGERPRINT_VERSION};
use newsflow_record::Article;

#[path = "support/workload.rs"]
mod workload;

fn bench(c: &mut Criterion) {
    let mut index = Deduplicator::new(&DedupConfig::default());
    let mut x = 0x2545_f491_4f6c_dd1du64;
    for i in 0..100_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let y = x.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let mut sketch = [0u8; 16];
        sketch[..8].copy_from_slice(&x.to_le_bytes());
        sketch[8..].copy_from_slice(&y.to_le_bytes());
        index.restore(IndexEntry {
            id: format!("old-{i:010}"),
            language: "en".into(),
            exact: x.rotate_left(9),
            simhash: x,
            lead: None,
            sketch: Some(sketch),
            bands: Some([y as u32, (y >> 32) as u32, (x >> 32) as u32]),
            sample: None,
            admitted_at: 1_700_000_000,
            version: FINGERPRINT_VERSION,
        });
    }
    let articles: Vec<Article> = (0..1000).map(|i| workload::article("bench", i)).collect();
    let mut next = 0;
    c.bench_function("dedup/check_3kb", |b| {
        b.iter(|| {
            next = (next + 1) % articles.len();
            black_box(index.check(black_box(&articles[next]), 1_700_000_100))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
