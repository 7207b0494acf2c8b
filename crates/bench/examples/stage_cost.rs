use newsflow_gen::{generate, GeneratorConfig};
use newsflow_pipeline::PipelineConfig;
use newsflow_stage::{Input, Stage};
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(5000);
    let gen = GeneratorConfig {
        articles: n,
        sentences_dir: Some("../shared/bench-data/langid".into()),
        ..Default::default()
    };
    let raw: Vec<Vec<u8>> = generate(&gen).unwrap().collect();
    let config = PipelineConfig::default();
    let mut lang = config.lang_stage().unwrap();
    let mut dedup = config.dedup_stage();
    let mut tag = config.tag_stage().unwrap();
    let mut story = config.story_stage();
    let mut out = Vec::new();
    let mut lang_out = Vec::new();
    for r in &raw {
        out.clear();
        lang.process(Input::of(r), &mut out);
        for o in out.drain(..) {
            if o.slot == "next" {
                lang_out.push(o.payload);
            }
        }
    }
    let mut unique = Vec::new();
    let t = Instant::now();
    let mut dedup_bytes = std::collections::BTreeMap::new();
    for r in &lang_out {
        out.clear();
        dedup.process(Input::of(r), &mut out);
        for o in out.drain(..) {
            *dedup_bytes.entry(o.slot).or_insert(0usize) += o.payload.len();
            if o.slot == "next" {
                unique.push(o.payload);
            }
        }
    }
    println!("dedup bytes per slot {dedup_bytes:?}");
    let dedup_us = t.elapsed().as_secs_f64() * 1e6 / lang_out.len() as f64;
    let mut enriched = Vec::new();
    for r in &unique {
        out.clear();
        tag.process(Input::of(r), &mut out);
        for o in out.drain(..) {
            if o.slot == "next" {
                enriched.push(o.payload);
            }
        }
    }
    if let Ok(which) = std::env::var("ONLY") {
        let loops: usize = std::env::var("LOOPS")
            .map(|l| l.parse().unwrap())
            .unwrap_or(10);
        for _ in 0..loops {
            if which == "story" {
                let mut story = config.story_stage();
                for r in &enriched {
                    out.clear();
                    story.process(Input::of(r), &mut out);
                }
            } else {
                let mut dedup = config.dedup_stage();
                for r in &lang_out {
                    out.clear();
                    dedup.process(Input::of(r), &mut out);
                }
            }
        }
        println!("records {} {}", lang_out.len(), enriched.len());
        return;
    }
    if std::env::var("SPLIT").is_ok() {
        let loops = 10;
        let time = |label: &str, f: &mut dyn FnMut()| {
            let t = Instant::now();
            for _ in 0..loops {
                f();
            }
            println!(
                "{label}: {:.2} us/rec",
                t.elapsed().as_secs_f64() * 1e6 / loops as f64
            );
        };
        let ne = enriched.len() as f64;
        let nl = lang_out.len() as f64;
        time("story parse (per enriched)", &mut || {
            for r in &enriched {
                std::hint::black_box(newsflow_record::Article::from_json(r).unwrap());
            }
        });
        let parsed: Vec<_> = enriched
            .iter()
            .map(|r| newsflow_record::Article::from_json(r).unwrap())
            .collect();
        time("dedup parse (per lang out)", &mut || {
            for r in &lang_out {
                std::hint::black_box(newsflow_record::Article::from_json(r).unwrap());
            }
        });
        time("story run (parsed, incl clone)", &mut || {
            let mut s = config.story_stage();
            for a in &parsed {
                let (_a, st) = s.run(a.clone(), 1_760_000_000);
                std::hint::black_box(st);
            }
        });
        time("story run + state json", &mut || {
            let mut s = config.story_stage();
            for a in &parsed {
                let (_a, st) = s.run(a.clone(), 1_760_000_000);
                std::hint::black_box(serde_json::to_vec(st).unwrap());
            }
        });
        time("clone only", &mut || {
            for a in &parsed {
                std::hint::black_box(a.clone());
            }
        });
        time("story process (json)", &mut || {
            let mut s = config.story_stage();
            let mut o = Vec::new();
            for r in &enriched {
                o.clear();
                s.process(Input::of(r), &mut o);
            }
        });
        time("dedup process (json)", &mut || {
            let mut s = config.dedup_stage();
            let mut o = Vec::new();
            for r in &lang_out {
                o.clear();
                s.process(Input::of(r), &mut o);
            }
        });
        println!("(totals over {ne} enriched / {nl} lang records; divide)");
        return;
    }
    if std::env::var("ONLY_STORY").is_ok() {
        let t = Instant::now();
        for _ in 0..30 {
            let mut story = config.story_stage();
            for r in &enriched {
                out.clear();
                story.process(Input::of(r), &mut out);
            }
        }
        println!(
            "story x5 {:.1}",
            t.elapsed().as_secs_f64() * 1e6 / (30 * enriched.len()) as f64
        );
        return;
    }
    let mut counts = std::collections::BTreeMap::new();
    for r in &unique {
        out.clear();
        tag.process(Input::of(r), &mut out);
        for o in out.drain(..) {
            if o.slot == "next" {
                *counts.entry(o.partition_key.clone()).or_insert(0) += 1;
            }
        }
    }
    println!("story keys {counts:?}");
    let t = Instant::now();
    let mut state_bytes = 0usize;
    let mut next_bytes = 0usize;
    let mut max_state = 0usize;
    let mut ids: Vec<String> = Vec::new();
    for r in &enriched {
        out.clear();
        story.process(Input::of(r), &mut out);
        for o in out.drain(..) {
            if o.slot == "state" {
                ids.push(o.key.clone());
                if std::env::var("DUMP").is_ok() && state_bytes < 200_000_000 {
                    println!("{}", String::from_utf8_lossy(&o.payload));
                }
                state_bytes += o.payload.len();
                max_state = max_state.max(o.payload.len());
            } else {
                next_bytes += o.payload.len();
            }
        }
    }
    for w in [64usize, 256] {
        let kept: usize = ids
            .chunks(w)
            .map(|c| c.iter().collect::<std::collections::HashSet<_>>().len())
            .sum();
        println!(
            "window {w}: {} states, {} after coalescing",
            ids.len(),
            kept
        );
    }
    let story_us = t.elapsed().as_secs_f64() * 1e6 / enriched.len() as f64;
    let in_bytes: usize = enriched.iter().map(|e| e.len()).sum();
    println!(
        "dedup {dedup_us:.1} us/rec over {}; story {story_us:.1} us/rec over {}",
        lang_out.len(),
        enriched.len()
    );
    println!(
        "story in {} B/rec, next {} B/rec, state {} B/rec (max {max_state}); open {}",
        in_bytes / enriched.len(),
        next_bytes / enriched.len(),
        state_bytes / enriched.len(),
        story.stories().iter().count()
    );
}
#[allow(dead_code)]
fn keys() {}
#[allow(dead_code)]
fn dump() {}
