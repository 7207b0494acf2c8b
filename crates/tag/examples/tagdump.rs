// Temporary harness: dump taggings of enriched records, or loop for profiling.
use newsflow_record::Article;
use newsflow_tag::{TagConfig, Tagger};
use std::path::PathBuf;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let tagger = Tagger::load(&TagConfig::default(), &root.join("config")).unwrap();
    let text = std::fs::read_to_string(&args[1]).unwrap();
    let articles: Vec<Article> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    if args.len() > 2 {
        // profile: only language args[2], concatenated to 3 KB, n rounds
        let lang = &args[2];
        let rounds: usize = args[3].parse().unwrap();
        let mut body = String::new();
        let mut base = None;
        for a in articles.iter().filter(|a| a.language.as_ref().is_some_and(|l| &l.code == lang)) {
            if body.len() >= 3000 { break; }
            if !body.is_empty() { body.push_str("\n\n"); }
            body.push_str(&a.body);
            if base.is_none() { base = Some(a.clone()); }
        }
        let mut a = base.unwrap();
        a.body = body;
        let mut n = 0;
        for _ in 0..rounds { n += tagger.tag(&a).events.len(); }
        println!("{n}");
        return;
    }
    for a in &articles {
        println!("{} {:?}", a.id, tagger.tag(a));
    }
}
