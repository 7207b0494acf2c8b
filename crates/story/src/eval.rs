//! B-cubed scoring of a story assignment against labelled stories.
//!
//! For each article, precision is the share of the articles in its predicted story
//! that share its labelled story, recall the share of its labelled story found in
//! its predicted one; both are averaged over articles (Bagga and Baldwin 1998). The
//! cross-language figures count, for each article, only the other articles in a
//! different language, and average over the articles that have any.

use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One scored article.
#[derive(Debug, Clone)]
pub struct Item<'a> {
    /// Labelled story (an article without a label is a story of its own).
    pub gold: &'a str,
    /// Predicted story id.
    pub predicted: &'a str,
    /// Language code.
    pub language: &'a str,
}

/// B-cubed precision, recall and F1.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct BCubed {
    /// Mean precision.
    pub precision: f64,
    /// Mean recall.
    pub recall: f64,
    /// Harmonic mean of the two.
    pub f1: f64,
    /// Articles the means are over.
    pub articles: usize,
}

/// Overall and cross-language B-cubed scores.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct StoryScores {
    /// Over all articles.
    pub overall: BCubed,
    /// Over pairs of articles in different languages.
    pub cross_language: BCubed,
}

/// Scores `items`.
pub fn score(items: &[Item<'_>]) -> StoryScores {
    let mut by_gold: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_predicted: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        by_gold.entry(item.gold).or_default().push(i);
        by_predicted.entry(item.predicted).or_default().push(i);
    }
    let mut overall = Sums::default();
    let mut cross = Sums::default();
    for item in items {
        let gold = &by_gold[item.gold];
        let predicted = &by_predicted[item.predicted];
        let both = predicted
            .iter()
            .filter(|&&j| items[j].gold == item.gold)
            .count();
        overall.add(
            Some(both as f64 / predicted.len() as f64),
            Some(both as f64 / gold.len() as f64),
        );
        let other = |j: &&usize| items[**j].language != item.language;
        let predicted_other = predicted.iter().filter(other).count();
        let gold_other = gold.iter().filter(other).count();
        let both_other = predicted
            .iter()
            .filter(other)
            .filter(|&&j| items[j].gold == item.gold)
            .count();
        cross.add(
            (predicted_other > 0).then(|| both_other as f64 / predicted_other as f64),
            (gold_other > 0).then(|| both_other as f64 / gold_other as f64),
        );
    }
    StoryScores {
        overall: overall.finish(),
        cross_language: cross.finish(),
    }
}

/// A predicted story that holds articles of two or more labelled stories marked as
/// look-alikes of each other (two parades in one city a year apart...).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LookalikeMerge {
    /// The look-alike group.
    pub group: String,
    /// The predicted story.
    pub predicted: String,
    /// The labelled stories of the group it merges, sorted.
    pub stories: Vec<String>,
}

/// The predicted stories that merge labelled look-alikes. `group_of` maps a
/// labelled story to its look-alike group; stories without a group are not checked.
pub fn lookalike_merges(items: &[Item<'_>], group_of: &HashMap<&str, &str>) -> Vec<LookalikeMerge> {
    let mut found: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for item in items {
        if let Some(group) = group_of.get(item.gold) {
            found
                .entry((item.predicted, group))
                .or_default()
                .insert(item.gold);
        }
    }
    found
        .into_iter()
        .filter(|(_, stories)| stories.len() > 1)
        .map(|((predicted, group), stories)| LookalikeMerge {
            group: group.to_string(),
            predicted: predicted.to_string(),
            stories: stories.into_iter().map(str::to_string).collect(),
        })
        .collect()
}

#[derive(Default)]
struct Sums {
    precision: (f64, usize),
    recall: (f64, usize),
}

impl Sums {
    fn add(&mut self, precision: Option<f64>, recall: Option<f64>) {
        if let Some(p) = precision {
            self.precision.0 += p;
            self.precision.1 += 1;
        }
        if let Some(r) = recall {
            self.recall.0 += r;
            self.recall.1 += 1;
        }
    }

    fn finish(&self) -> BCubed {
        let mean = |(sum, n): (f64, usize)| if n == 0 { 1.0 } else { sum / n as f64 };
        let (precision, recall) = (mean(self.precision), mean(self.recall));
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        BCubed {
            precision,
            recall,
            f1,
            articles: self.precision.1.max(self.recall.1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item<'a>(gold: &'a str, predicted: &'a str, language: &'a str) -> Item<'a> {
        Item {
            gold,
            predicted,
            language,
        }
    }

    #[test]
    fn a_perfect_assignment_scores_one() {
        let items = [
            item("a", "x", "en"),
            item("a", "x", "fr"),
            item("b", "y", "en"),
        ];
        let scores = score(&items);
        assert_eq!(scores.overall.f1, 1.0);
        assert_eq!(scores.cross_language.f1, 1.0);
    }

    #[test]
    fn merging_two_stories_costs_precision_and_splitting_costs_recall() {
        let merged = score(&[item("a", "x", "en"), item("b", "x", "fr")]);
        assert_eq!(merged.overall.precision, 0.5);
        assert_eq!(merged.overall.recall, 1.0);
        assert_eq!(merged.cross_language.precision, 0.0);
        let split = score(&[item("a", "x", "en"), item("a", "y", "fr")]);
        assert_eq!(split.overall.precision, 1.0);
        assert_eq!(split.overall.recall, 0.5);
        assert_eq!(split.cross_language.recall, 0.0);
    }

    #[test]
    fn a_story_holding_two_lookalikes_is_reported_and_one_holding_one_is_not() {
        let groups = HashMap::from([("paris-2024", "paris"), ("paris-2025", "paris")]);
        let items = [
            item("paris-2024", "x", "fr"),
            item("paris-2025", "x", "en"),
            item("paris-2025", "y", "de"),
            item("other", "x", "it"),
        ];
        let merges = lookalike_merges(&items, &groups);
        assert_eq!(
            merges,
            vec![LookalikeMerge {
                group: "paris".into(),
                predicted: "x".into(),
                stories: vec!["paris-2024".into(), "paris-2025".into()],
            }]
        );
        let apart = [item("paris-2024", "x", "fr"), item("paris-2025", "y", "en")];
        assert!(lookalike_merges(&apart, &groups).is_empty());
    }
}
