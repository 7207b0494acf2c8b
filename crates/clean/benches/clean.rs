//! Clean step on typical records: `cargo bench -p newsflow-clean`.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use newsflow_clean::{CleanConfig, Cleaner};

const PARAGRAPH: &str = "The foreign minister arrived in the capital on Tuesday for two days of talks on trade, energy and security with his counterpart, officials said, adding that a joint statement was expected before the delegation leaves on Thursday.";

fn plain_record() -> String {
    let mut body = vec![PARAGRAPH; 16].join("\n\n");
    body.push_str("\n\nEnjoyed this article? Stay informed by joining our newsletter!\n\nComments\n\nYou must be logged in to post a comment.\n\nRelated Articles\nMarkets rally\nPopular Articles\nTen things to know");
    serde_json::json!({"id": "b1", "title": "Talks in the capital", "body": body, "section": "world"}).to_string()
}

fn html_record() -> String {
    let mut body = String::from("<html><head><title>Site</title><script>var x = 1;</script></head><body><nav><a href='/'>Home</a></nav><article><h1>Talks</h1>");
    for _ in 0..16 {
        body.push_str("<p>");
        body.push_str(PARAGRAPH);
        body.push_str(" <a href=\"/x?a=1&amp;b=2\">More</a> &mdash; <em>said</em>.</p>\n");
    }
    body.push_str("<div>Advertisement</div></article><footer>&copy; Site</footer></body></html>");
    serde_json::json!({"url": "https://example.com/world/talks?utm_source=x", "title": "Talks in the capital", "body": body}).to_string()
}

fn bench(c: &mut Criterion) {
    let config_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config");
    let cleaner = Cleaner::load(&CleanConfig::default(), &config_dir).expect("rules load");
    let mut group = c.benchmark_group("clean");
    for (name, record) in [("plain", plain_record()), ("html", html_record())] {
        group.throughput(Throughput::Bytes(record.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| cleaner.clean(black_box(record.as_bytes())))
        });
        // Baseline: parsing the record alone, the floor of any clean step.
        group.bench_function(format!("{name}/json_parse_only"), |b| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(record.as_bytes())))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
