//! Tag stage on 3 KB articles: `cargo bench -p newsflow-tag`.
//!
//! Each article joins the bodies of the evaluation set's articles in one language
//! (`tests/eval/articles.jsonl`) until it reaches 3 KB, so it holds the triggers,
//! names and dates of real news; the `quiet` articles repeat one sentence with no
//! trigger and no name, the common case of a story the rules know nothing about.
//! The `pathological` group tags run-on records from 10 KB to 2 MB ("Putin visited
//! Beijing and " repeated, unpunctuated Chinese): its throughput in bytes per
//! second stays flat, because the argument search reads bounded windows.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use newsflow_tag::{TagConfig, Tagger};

#[path = "support/articles.rs"]
mod articles;

use articles::{article, eval_articles, root};

const QUIET: &[(&str, &str)] = &[
    ("en", "The bakery on the corner now opens an hour earlier, and regulars say the bread is as good as ever. "),
    ("ru", "Пекарня на углу теперь открывается на час раньше, и постоянные покупатели говорят, что хлеб всё так же хорош. "),
    ("zh", "街角的面包店现在提前一小时开门，老顾客说面包还是一样好吃。"),
];

fn bench(c: &mut Criterion) {
    let tagger =
        Tagger::load(&TagConfig::default(), &root().join("config")).expect("config/ loads");
    let mut group = c.benchmark_group("tag");
    for article in eval_articles().expect("tests/eval/articles.jsonl is readable") {
        let code = article
            .language
            .as_ref()
            .map_or("und", |l| l.code.as_str())
            .to_string();
        group.bench_function(format!("news/{code}"), |b| {
            b.iter(|| tagger.tag(black_box(&article)))
        });
    }
    for (code, sentence) in QUIET {
        let mut body = String::new();
        while body.len() < 3000 {
            body.push_str(sentence);
        }
        let article = article(code, "Local news", body);
        group.bench_function(format!("quiet/{code}"), |b| {
            b.iter(|| tagger.tag(black_box(&article)))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("pathological");
    group.sample_size(10);
    for (code, unit) in [
        ("en", "Putin visited Beijing and "),
        ("zh", "普京访问北京并与习近平举行会谈"),
    ] {
        for bytes in [10_000, 100_000, 1_000_000, 2_000_000] {
            let mut body = String::with_capacity(bytes + unit.len());
            while body.len() < bytes {
                body.push_str(unit);
            }
            let article = article(code, "", body);
            group.throughput(Throughput::Bytes(bytes as u64));
            group.bench_function(format!("{code}/{}KB", bytes / 1000), |b| {
                b.iter(|| tagger.tag(black_box(&article)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
