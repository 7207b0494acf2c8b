//! `newsflow stories`: the stories of a `process` run as a table, largest first; and
//! the story scores `newsflow eval` prints.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;

use anyhow::Context;
use newsflow_pipeline::Outcome;
use newsflow_story::eval::{self as story_eval, Item, LookalikeMerge, StoryScores};
use serde::Serialize;

use crate::cli::StoriesArgs;

/// One story as seen in a run's output.
#[derive(Debug, Default)]
struct Row {
    articles: u32,
    languages: BTreeMap<String, u32>,
    sources: BTreeMap<String, u32>,
    types: BTreeMap<String, u32>,
    first_seen: Option<String>,
    last_seen: Option<String>,
    headline: String,
}

pub fn run(args: StoriesArgs) -> anyhow::Result<()> {
    let file =
        File::open(&args.input).with_context(|| format!("cannot open {}", args.input.display()))?;
    let mut rows: HashMap<String, Row> = HashMap::new();
    for (number, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("cannot read {}", args.input.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let outcome: Outcome = serde_json::from_str(&line).with_context(|| {
            format!(
                "line {} of {} is not a newsflow outcome",
                number + 1,
                args.input.display()
            )
        })?;
        let Outcome::Enriched(article) = outcome else {
            continue;
        };
        let Some(story) = &article.story else {
            continue;
        };
        let row = rows.entry(story.id.clone()).or_default();
        row.articles += 1;
        let language = article.language.as_ref().map_or("und", |l| l.code.as_str());
        *row.languages.entry(language.to_string()).or_default() += 1;
        if let Some(source) = &article.source {
            *row.sources.entry(source.clone()).or_default() += 1;
        }
        for event in article.events.iter().flatten() {
            *row.types.entry(event.kind.clone()).or_default() += 1;
        }
        if let Some(published) = &article.published_at {
            if row.first_seen.as_ref().is_none_or(|f| published < f) {
                row.first_seen = Some(published.clone());
            }
            if row.last_seen.as_ref().is_none_or(|l| published > l) {
                row.last_seen = Some(published.clone());
            }
        }
        if row.headline.is_empty() {
            row.headline = article.title.chars().take(80).collect();
        }
    }
    let mut rows: Vec<(String, Row)> = rows.into_iter().collect();
    rows.sort_by(|a, b| {
        (b.1.articles, b.1.languages.len())
            .cmp(&(a.1.articles, a.1.languages.len()))
            .then_with(|| a.0.cmp(&b.0))
    });
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{:<19} {:>8} {:<24} {:>7} {:<22} {:<10} {:<10} headline",
        "story", "articles", "languages", "sources", "events", "first", "last"
    )?;
    let shown = args.top.unwrap_or(usize::MAX);
    for (id, row) in rows.iter().take(shown) {
        let languages = row
            .languages
            .iter()
            .map(|(code, n)| format!("{code}:{n}"))
            .collect::<Vec<_>>()
            .join(" ");
        let types = row
            .types
            .iter()
            .max_by_key(|(_, n)| **n)
            .map_or("-", |(kind, _)| kind.as_str());
        let day = |time: &Option<String>| {
            time.as_deref()
                .map_or("-", |t| t.get(..10).unwrap_or(t))
                .to_string()
        };
        writeln!(
            out,
            "{id:<19} {:>8} {languages:<24} {:>7} {types:<22} {:<10} {:<10} {}",
            row.articles,
            row.sources.len(),
            day(&row.first_seen),
            day(&row.last_seen),
            row.headline
        )?;
    }
    let single = rows.iter().filter(|(_, r)| r.articles == 1).count();
    let cross = rows.iter().filter(|(_, r)| r.languages.len() > 1).count();
    writeln!(
        out,
        "\n{} stories: {} of one article, {} in more than one language",
        rows.len(),
        single,
        cross
    )?;
    Ok(())
}

/// Story scores of an evaluation run.
#[derive(Debug, Serialize)]
pub struct StoryReport {
    /// B-cubed overall and over cross-language pairs.
    #[serde(flatten)]
    pub scores: StoryScores,
    /// Labelled stories (with at least two scored articles).
    pub labelled_stories: usize,
    /// Labelled stories reported in three or more languages.
    pub multilingual_stories: usize,
    /// Predicted stories that hold articles of two or more labelled stories.
    pub merged: Vec<Vec<String>>,
    /// Look-alike groups in the labels (labelled stories that must stay apart).
    pub lookalike_groups: usize,
    /// Predicted stories that merge two labelled look-alikes (must be empty).
    pub lookalike_merges: Vec<LookalikeMerge>,
}

/// Scores the story assignment of `outcomes` against the `story` field of the labels
/// (articles labelled as duplicates are left out: they are not assigned; an unlabelled
/// article is a story of its own).
pub fn score(outcomes: &[Outcome], labels: &Path) -> anyhow::Result<StoryReport> {
    let file = File::open(labels).with_context(|| format!("cannot open {}", labels.display()))?;
    let mut gold: HashMap<String, String> = HashMap::new();
    let mut lookalikes: HashMap<String, String> = HashMap::new();
    for line in BufReader::new(file).lines() {
        let line = line.with_context(|| format!("cannot read {}", labels.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let label: serde_json::Value = serde_json::from_str(&line)
            .with_context(|| format!("invalid label in {}", labels.display()))?;
        let Some(id) = label["id"].as_str() else {
            continue;
        };
        if !label["duplicate_of"].is_null() {
            continue;
        }
        let story = label["story"]
            .as_str()
            .map_or_else(|| format!("alone:{id}"), str::to_string);
        if let Some(group) = label["lookalike"].as_str() {
            lookalikes.insert(story.clone(), group.to_string());
        }
        gold.insert(id.to_string(), story);
    }
    let scored: Vec<(&str, &str, &str)> = outcomes
        .iter()
        .filter_map(|outcome| match outcome {
            Outcome::Enriched(article) => {
                let gold = gold.get(&article.id)?;
                let predicted = article.story.as_ref()?;
                let language = article.language.as_ref().map_or("und", |l| l.code.as_str());
                Some((gold.as_str(), predicted.id.as_str(), language))
            }
            _ => None,
        })
        .collect();
    let items: Vec<Item<'_>> = scored
        .iter()
        .map(|&(gold, predicted, language)| Item {
            gold,
            predicted,
            language,
        })
        .collect();
    let mut languages_of: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut members: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for item in &items {
        let langs = languages_of.entry(item.gold).or_default();
        langs.push(item.language);
        let stories = members.entry(item.predicted).or_default();
        if !item.gold.starts_with("alone:") && !stories.contains(&item.gold) {
            stories.push(item.gold);
        }
    }
    let labelled_stories = languages_of
        .iter()
        .filter(|(g, l)| !g.starts_with("alone:") && l.len() > 1)
        .count();
    let multilingual_stories = languages_of
        .iter()
        .filter(|(gold, langs)| {
            let distinct: std::collections::BTreeSet<&&str> = langs.iter().collect();
            !gold.starts_with("alone:") && distinct.len() >= 3
        })
        .count();
    let merged = members
        .into_values()
        .filter(|stories| stories.len() > 1)
        .map(|stories| stories.into_iter().map(str::to_string).collect())
        .collect();
    let group_of: HashMap<&str, &str> = lookalikes
        .iter()
        .map(|(story, group)| (story.as_str(), group.as_str()))
        .collect();
    let lookalike_groups = group_of
        .values()
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    Ok(StoryReport {
        scores: story_eval::score(&items),
        labelled_stories,
        multilingual_stories,
        merged,
        lookalike_groups,
        lookalike_merges: story_eval::lookalike_merges(&items, &group_of),
    })
}

/// The story section of the `eval` table.
pub fn write_scores(out: &mut impl Write, report: &StoryReport) -> io::Result<()> {
    writeln!(
        out,
        "\nStories ({} labelled, {} in three or more languages){:>4} {:>9} {:>9} {:>9}",
        report.labelled_stories, report.multilingual_stories, "", "precision", "recall", "F1"
    )?;
    for (name, b) in [
        ("B-cubed overall", &report.scores.overall),
        ("cross-language", &report.scores.cross_language),
    ] {
        writeln!(
            out,
            "  {name:<20} {:>9.3} {:>9.3} {:>9.3}",
            b.precision, b.recall, b.f1
        )?;
    }
    writeln!(
        out,
        "  look-alike groups kept apart: {} of {}",
        report.lookalike_groups - merged_groups(report),
        report.lookalike_groups
    )?;
    for merge in &report.lookalike_merges {
        writeln!(
            out,
            "    look-alikes merged ({}): {} in {}",
            merge.group,
            merge.stories.join(" + "),
            merge.predicted
        )?;
    }
    writeln!(out, "  merged labelled stories: {}", report.merged.len())?;
    for stories in &report.merged {
        writeln!(out, "    {}", stories.join(" + "))?;
    }
    Ok(())
}

/// Look-alike groups with at least one predicted story that merges two of their stories.
fn merged_groups(report: &StoryReport) -> usize {
    report
        .lookalike_merges
        .iter()
        .map(|merge| merge.group.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}
