//! Lang stage on 3 KB articles: `cargo bench -p newsflow-lang`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use newsflow_lang::{Detector, LangConfig};

const PARAGRAPHS: &[(&str, &str)] = &[
    ("en", "The foreign minister arrived in the capital on Tuesday for two days of talks on trade, energy and security with his counterpart, officials said. "),
    ("ru", "Министр иностранных дел прибыл во вторник в столицу для двухдневных переговоров о торговле, энергетике и безопасности, сообщили официальные лица. "),
    ("zh", "外交部长周二抵达首都，与对方就贸易、能源和安全问题举行为期两天的会谈，官员们说。"),
    ("fr", "Le ministre des Affaires étrangères est arrivé mardi dans la capitale pour deux jours de discussions sur le commerce, l'énergie et la sécurité. "),
];

fn article(paragraph: &str) -> String {
    let mut body = String::new();
    while body.len() < 3000 {
        body.push_str(paragraph);
    }
    body
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("lang");
    let default = Detector::new(&LangConfig::default());
    let allowlisted = Detector::new(&LangConfig {
        allowlist: ["en", "fr", "de", "es", "it", "pt", "ru", "zh", "ja", "ar"]
            .iter()
            .filter_map(|code| code.parse().ok())
            .collect(),
        ..LangConfig::default()
    });
    for (code, paragraph) in PARAGRAPHS {
        let body = article(paragraph);
        group.bench_function(format!("default/{code}"), |b| {
            b.iter(|| default.detect(black_box("Talks in the capital"), black_box(&body)))
        });
        group.bench_function(format!("allowlist10/{code}"), |b| {
            b.iter(|| allowlisted.detect(black_box("Talks in the capital"), black_box(&body)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
