//! Replays the story stage alone over the enriched outcomes of a `newsflow process`
//! run and scores it against labels, so that story matching can be tuned without
//! rebuilding the pipeline:
//!
//!     newsflow process -i tests/eval/real/dev/articles.jsonl > /tmp/dev.jsonl
//!     cargo run --release -p newsflow-story --example replay -- /tmp/dev.jsonl \
//!         tests/eval/real/dev/labels.jsonl [--errors]
//!
//! `--errors` lists the labelled stories split across predicted ones and the
//! predicted stories that merge labelled ones (on DEV only: the test split is scored,
//! never read for its errors).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;

use newsflow_record::Article;
use newsflow_story::eval::{self, Item};
use newsflow_story::{StoryConfig, Storyteller};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(outcomes), Some(labels)) = (args.first(), args.get(1)) else {
        eprintln!("usage: replay OUTCOMES.jsonl LABELS.jsonl [--errors]");
        std::process::exit(2);
    };
    let errors = args.iter().any(|a| a == "--errors");
    let mut gold = HashMap::new();
    let mut groups = HashMap::new();
    for line in fs::read_to_string(labels).expect("labels").lines() {
        let label: serde_json::Value = serde_json::from_str(line).expect("label");
        let id = label["id"].as_str().unwrap_or_default().to_string();
        let story = label["story"]
            .as_str()
            .map_or_else(|| format!("alone:{id}"), str::to_string);
        if let Some(group) = label["lookalike"].as_str() {
            groups.insert(story.clone(), group.to_string());
        }
        gold.insert(id, story);
    }
    let mut teller = Storyteller::new(StoryConfig::default());
    let mut rows = Vec::new();
    for line in fs::read_to_string(outcomes).expect("outcomes").lines() {
        let value: serde_json::Value = serde_json::from_str(line).expect("outcome");
        if value["outcome"] != "enriched" {
            continue;
        }
        let article: Article = serde_json::from_value(value).expect("article");
        let (assignment, _) = teller.assign(&article, 0);
        let language = article.language.as_ref().map_or("und", |l| l.code.as_str());
        if let Some(g) = gold.get(&article.id) {
            rows.push((
                g.clone(),
                assignment.id,
                language.to_string(),
                article.id.clone(),
                article.title.chars().take(60).collect::<String>(),
            ));
        }
    }
    let items: Vec<Item<'_>> = rows
        .iter()
        .map(|(g, p, l, _, _)| Item {
            gold: g,
            predicted: p,
            language: l,
        })
        .collect();
    let scores = eval::score(&items);
    let group_of: HashMap<&str, &str> = groups
        .iter()
        .map(|(s, g)| (s.as_str(), g.as_str()))
        .collect();
    println!(
        "overall P {:.3} R {:.3} F1 {:.3} | cross P {:.3} R {:.3} F1 {:.3} | look-alike merges {}",
        scores.overall.precision,
        scores.overall.recall,
        scores.overall.f1,
        scores.cross_language.precision,
        scores.cross_language.recall,
        scores.cross_language.f1,
        eval::lookalike_merges(&items, &group_of).len()
    );
    if !errors {
        return;
    }
    let mut by_predicted: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut by_gold: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (g, p, ..)) in rows.iter().enumerate() {
        by_predicted.entry(p).or_default().push(i);
        by_gold.entry(g).or_default().push(i);
    }
    for (g, members) in &by_gold {
        let predicted: BTreeSet<&str> = members.iter().map(|&i| rows[i].1.as_str()).collect();
        if predicted.len() > 1 && !g.starts_with("alone:") {
            println!("SPLIT {g}");
            for &i in members {
                println!("    {} {} {}", &rows[i].1[12..], rows[i].3, rows[i].4);
            }
        }
    }
    for (p, members) in &by_predicted {
        let golds: BTreeSet<&str> = members.iter().map(|&i| rows[i].0.as_str()).collect();
        if golds.len() > 1 {
            println!("MERGE {}", &p[12..]);
            for &i in members {
                println!("    {} {} {}", rows[i].0, rows[i].3, rows[i].4);
            }
        }
    }
}
