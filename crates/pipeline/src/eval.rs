//! Quality measurement: pipeline outcomes scored against a labelled set.
//!
//! Plain functions over [`Outcome`] lists and [`Label`]s, so that the `newsflow eval`
//! command, tests and notebooks score the same way. What is measured, and how
//! (`tests/eval/README.md` documents the label format):
//! - language: the detected code against the labelled one, overall and per language;
//! - duplicates: a predicted duplicate is correct when its `duplicate_of` is in the
//!   same labelled cluster (clusters follow the labels' `duplicate_of` chains);
//!   recall is over articles labelled as duplicates;
//! - events: scored on articles labelled unique (the pipeline does not tag
//!   duplicates), as (article, type) pairs: several predicted events of one type in
//!   one article count once. The main score is over main events: labelled types with
//!   a `main` event (or no salience label, which accepts either) against predicted
//!   `main` events; background events are scored apart. Precision, recall and F1 per
//!   type, per language and micro overall. On matched pairs (any salience), each
//!   labelled event is paired with the predicted event of its type that agrees best,
//!   and its status and roles are checked;
//! - confusers: articles labelled as confusers where an event of a type not in their
//!   labels fired;
//! - negatives: articles labelled with no events (hard negatives of a genre, or the
//!   false-event probe) that got any event at all.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::BufRead;

use newsflow_record::{Event, EventStatus, Outcome, Salience};
use serde::{Deserialize, Serialize};

/// The labels of one article.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct Label {
    /// The article's id.
    pub id: String,
    /// ISO 639-1 code of the language the article is written in.
    pub language: String,
    /// The earlier article this one copies (syndicated copy, rewrite, truncation),
    /// `null` for the first article of a cluster and for independent reports.
    #[serde(default)]
    pub duplicate_of: Option<String>,
    /// How a duplicate was made from its original (`syndicated`, `truncated`,
    /// `html`, `exact`, `rewrite`), where the set records it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy: Option<String>,
    /// The events a careful reader finds in the article.
    #[serde(default)]
    pub events: Vec<LabelEvent>,
    /// What misleading wording the article holds (`pride_parade`, `cyber_attack`, ...),
    /// for articles written to test that such wording fires no event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confuser: Option<String>,
    /// The real event the article reports (a catalogue id such as `S01`, or a local
    /// one), for story clustering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub story: Option<String>,
    /// Look-alike group of the story: labelled stories of one group (two parades in
    /// one city a year apart...) must never share a predicted story.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookalike: Option<String>,
    /// Genre of a hard negative (`sport`, `culture`, `business`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub genre: Option<String>,
    /// The earlier article this one updates (same outlet, a few paragraphs repeated,
    /// mostly new facts): not a duplicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update: Option<String>,
    /// The article's URL, when the label records it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// One labelled event.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct LabelEvent {
    /// Event type, e.g. `state_visit`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether it happened, is planned, speculated about or denied.
    pub status: EventStatus,
    /// `main` or `background`; absent in sets labelled before salience existed,
    /// where either is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salience: Option<Salience>,
    /// Role name to the ISO 3166 alpha-3 codes holding it (`visitor: ["PRK"]`).
    #[serde(default)]
    pub roles: BTreeMap<String, Vec<String>>,
}

/// A labels file that does not parse.
#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    /// The file could not be read.
    #[error("cannot read labels: {0}")]
    Io(#[from] std::io::Error),
    /// A line is not a valid label.
    #[error("labels line {line}: {source}")]
    Invalid {
        /// 1-based line number.
        line: usize,
        /// The parse error.
        source: serde_json::Error,
    },
    /// Two labels for one id.
    #[error("labels line {line}: second label for id {id:?}")]
    DuplicateId {
        /// 1-based line number.
        line: usize,
        /// The repeated id.
        id: String,
    },
}

/// Reads a JSONL labels file (blank lines are skipped).
pub fn read_labels(reader: impl BufRead) -> Result<Vec<Label>, LabelError> {
    let mut labels = Vec::new();
    let mut seen = BTreeSet::new();
    for (index, line) in reader.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let label: Label = serde_json::from_str(&line).map_err(|source| LabelError::Invalid {
            line: index + 1,
            source,
        })?;
        if !seen.insert(label.id.clone()) {
            return Err(LabelError::DuplicateId {
                line: index + 1,
                id: label.id,
            });
        }
        labels.push(label);
    }
    Ok(labels)
}

/// Correct out of total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Accuracy {
    /// Correct answers.
    pub correct: u64,
    /// Answers scored.
    pub total: u64,
    /// `correct / total` (1 when nothing was scored).
    pub accuracy: f64,
}

impl Accuracy {
    fn add(&mut self, correct: bool) {
        self.total += 1;
        self.correct += u64::from(correct);
        self.accuracy = ratio(self.correct, self.total, 1.0);
    }
}

/// Precision, recall and F1 from true positives, false positives and false negatives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    /// True positives.
    pub tp: u64,
    /// False positives.
    pub fp: u64,
    /// False negatives.
    #[serde(rename = "fn")]
    pub fn_: u64,
    /// `tp / (tp + fp)`; 1 when nothing was predicted and nothing expected, 0 when
    /// nothing was predicted but something was expected.
    pub precision: f64,
    /// `tp / (tp + fn)`; 1 when nothing was expected.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
}

impl Prf {
    fn count(&mut self, tp: u64, fp: u64, fn_: u64) {
        self.tp += tp;
        self.fp += fp;
        self.fn_ += fn_;
        self.precision = ratio(
            self.tp,
            self.tp + self.fp,
            if self.fn_ == 0 { 1.0 } else { 0.0 },
        );
        self.recall = ratio(self.tp, self.tp + self.fn_, 1.0);
        let sum = self.precision + self.recall;
        self.f1 = if sum > 0.0 {
            2.0 * self.precision * self.recall / sum
        } else {
            0.0
        };
    }
}

fn ratio(num: u64, den: u64, empty: f64) -> f64 {
    if den == 0 {
        empty
    } else {
        num as f64 / den as f64
    }
}

/// Language detection scores.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LanguageReport {
    /// Over every labelled article.
    pub overall: Accuracy,
    /// By labelled language.
    pub per_language: BTreeMap<String, Accuracy>,
    /// `labelled -> detected` for every miss, to see what is confused with what.
    pub confusions: BTreeMap<String, u64>,
}

/// Duplicate detection scores.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DuplicateReport {
    /// Articles the pipeline called duplicates.
    pub predicted: u64,
    /// Of those, the ones pointing into their own labelled cluster.
    pub correct: u64,
    /// Articles labelled as duplicates.
    pub labelled: u64,
    /// Of those, the ones the pipeline found (pointing into the right cluster).
    pub found: u64,
    /// `correct / predicted`.
    pub precision: f64,
    /// `found / labelled`.
    pub recall: f64,
    /// Ids wrongly called duplicates, with what they were matched to.
    pub false_duplicates: Vec<(String, String)>,
    /// Ids labelled as duplicates that were not found.
    pub missed: Vec<String>,
}

/// Copies against updates (issue 14): copies must stay duplicates, a developing
/// story's updates must be passed on, say which article they update and join its
/// story.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UpdateReport {
    /// Labelled update pairs (`update` set) whose later article was scored.
    pub pairs: u64,
    /// Of those, later articles called duplicates (`near` or `exact`): must be none.
    pub near: u64,
    /// Of those, later articles whose `dedup.updates` names the article they update.
    pub linked: u64,
    /// Of those, later articles in the same predicted story as the article they
    /// update (both enriched).
    pub same_story: u64,
    /// Articles whose `dedup.updates` names an article they are not labelled to
    /// update (in sets that label updates).
    pub wrong_links: u64,
    /// `(id, the article its updates names)` of each of those.
    pub wrong_link_ids: Vec<(String, String)>,
    /// Labelled copies per kind of copy (`syndicated`, `truncated`, `rewrite`, ...;
    /// `copy` when the set does not say): (labelled, found as duplicates).
    pub copies: BTreeMap<String, (u64, u64)>,
    /// Precision of `near` here: of the articles called duplicates that are labelled
    /// copies or updates, the share that are copies (1 when none were).
    pub near_precision: f64,
}

/// Event tagging scores.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EventReport {
    /// Main events, micro-averaged over every type and language.
    pub micro: Prf,
    /// Background events (labelled background only), micro-averaged.
    pub background: Prf,
    /// Every event whatever its salience, micro-averaged.
    pub any_salience: Prf,
    /// Salience agreement on labelled types that were found (sets labelled with it).
    pub salience: Accuracy,
    /// By event type.
    pub per_type: BTreeMap<String, Prf>,
    /// By labelled language, micro-averaged over types.
    pub per_language: BTreeMap<String, Prf>,
    /// Status agreement on labelled main events whose type was found (and on events
    /// labelled before salience existed).
    pub status: Accuracy,
    /// Labelled (role, country) slots of main events the paired predicted event fills
    /// the same way.
    pub roles: Accuracy,
    /// Status agreement on labelled background events whose type was found.
    pub background_status: Accuracy,
    /// Role slots of labelled background events, as [`EventReport::roles`].
    pub background_roles: Accuracy,
    /// `id: type` of every false positive, for reading the misses.
    pub false_positives: Vec<String>,
    /// `id: type` of every false negative.
    pub false_negatives: Vec<String>,
}

/// Confuser articles and the ones that fired.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ConfuserReport {
    /// Articles labelled as confusers and scored.
    pub articles: u64,
    /// Of those, the ones where an event of an unlabelled type fired.
    pub fired: u64,
    /// `id: type` of each firing.
    pub fired_ids: Vec<String>,
}

/// Articles labelled with no event and the ones that got some.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NegativeReport {
    /// Articles labelled with no events (and no duplicate).
    pub articles: u64,
    /// Of those, the ones that got any event, of any salience.
    pub fired: u64,
    /// `fired / articles` (0 when there are none).
    pub share: f64,
    /// Per labelled genre (`none` for articles without one): articles and fired.
    pub per_genre: BTreeMap<String, (u64, u64)>,
    /// `id: type` of each firing.
    pub fired_ids: Vec<String>,
}

/// Everything `newsflow eval` reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// Outcomes scored.
    pub outcomes: u64,
    /// Labels read.
    pub labels: u64,
    /// Outcomes with no label (unlabelled ids, or rejections without an id).
    pub unlabelled: u64,
    /// Labelled ids with no outcome, or rejected by the pipeline.
    pub missing: Vec<String>,
    /// Language detection.
    pub language: LanguageReport,
    /// Duplicate detection.
    pub duplicates: DuplicateReport,
    /// Copies against updates.
    pub updates: UpdateReport,
    /// Event tagging.
    pub events: EventReport,
    /// Confusers.
    pub confusers: ConfuserReport,
    /// Articles with no labelled event: hard negatives, or the false-event probe.
    pub negatives: NegativeReport,
}

/// What the pipeline said about one article, in the terms scoring needs.
struct Predicted<'a> {
    language: Option<&'a str>,
    duplicate_of: Option<&'a str>,
    events: &'a [Event],
    /// Dedup's `updates` of an enriched article.
    updates: Option<&'a str>,
    /// The story an enriched article was assigned to.
    story: Option<&'a str>,
}

fn predicted(outcome: &Outcome) -> Option<(&str, Predicted<'_>)> {
    match outcome {
        Outcome::Enriched(article) => Some((
            article.id.as_str(),
            Predicted {
                language: article.language.as_ref().map(|l| l.code.as_str()),
                duplicate_of: None,
                events: article.events.as_deref().unwrap_or(&[]),
                updates: article.dedup.as_ref().and_then(|d| d.updates.as_deref()),
                story: article.story.as_ref().map(|s| s.id.as_str()),
            },
        )),
        Outcome::Duplicate(duplicate) => Some((
            duplicate.id.as_str(),
            Predicted {
                language: duplicate.language.as_ref().map(|l| l.code.as_str()),
                duplicate_of: duplicate.dedup.duplicate_of.as_deref(),
                events: &[],
                updates: None,
                story: None,
            },
        )),
        Outcome::Rejected(_) => None,
    }
}

/// The cluster (first article) each labelled id belongs to, following `duplicate_of`
/// chains; a chain that loops or leaves the labels ends where it breaks.
fn clusters(labels: &[Label]) -> HashMap<&str, &str> {
    let parent: HashMap<&str, Option<&str>> = labels
        .iter()
        .map(|l| (l.id.as_str(), l.duplicate_of.as_deref()))
        .collect();
    let mut roots = HashMap::new();
    for label in labels {
        let mut current = label.id.as_str();
        let mut steps = 0;
        while let Some(Some(next)) = parent.get(current) {
            if !parent.contains_key(next) || steps > labels.len() {
                break;
            }
            current = next;
            steps += 1;
        }
        roots.insert(label.id.as_str(), current);
    }
    roots
}

/// Scores outcomes against labels. Outcomes are matched to labels by article id.
pub fn evaluate(outcomes: &[Outcome], labels: &[Label]) -> Report {
    let mut report = Report {
        outcomes: outcomes.len() as u64,
        labels: labels.len() as u64,
        ..Report::default()
    };
    let by_id: HashMap<&str, &Label> = labels.iter().map(|l| (l.id.as_str(), l)).collect();
    let cluster = clusters(labels);
    let mut seen: HashMap<&str, Predicted<'_>> = HashMap::new();
    for outcome in outcomes {
        match predicted(outcome) {
            Some((id, prediction)) if by_id.contains_key(id) => {
                seen.insert(id, prediction);
            }
            _ => report.unlabelled += 1,
        }
    }

    for label in labels {
        let prediction = seen.get(label.id.as_str());
        if prediction.is_none() {
            report.missing.push(label.id.clone());
        }
        score_language(&mut report.language, label, prediction);
        score_duplicate(&mut report.duplicates, label, prediction, &cluster);
        if label.duplicate_of.is_none() {
            let events = prediction.map(|p| p.events).unwrap_or(&[]);
            score_events(&mut report.events, label, events);
            if label.confuser.is_some() {
                score_confuser(&mut report.confusers, label, events);
            }
            if label.events.is_empty() {
                score_negative(&mut report.negatives, label, events);
            }
        }
    }
    let dup = &mut report.duplicates;
    dup.precision = ratio(
        dup.correct,
        dup.predicted,
        if dup.labelled == 0 { 1.0 } else { 0.0 },
    );
    dup.recall = ratio(dup.found, dup.labelled, 1.0);
    score_updates(&mut report.updates, labels, &seen);
    let negatives = &mut report.negatives;
    negatives.share = ratio(negatives.fired, negatives.articles, 0.0);
    report
}

fn score_language(report: &mut LanguageReport, label: &Label, prediction: Option<&Predicted<'_>>) {
    let detected = prediction.and_then(|p| p.language).unwrap_or("none");
    let correct = detected == label.language;
    report.overall.add(correct);
    report
        .per_language
        .entry(label.language.clone())
        .or_default()
        .add(correct);
    if !correct {
        *report
            .confusions
            .entry(format!("{} -> {detected}", label.language))
            .or_default() += 1;
    }
}

fn score_duplicate(
    report: &mut DuplicateReport,
    label: &Label,
    prediction: Option<&Predicted<'_>>,
    cluster: &HashMap<&str, &str>,
) {
    let own = cluster.get(label.id.as_str()).copied();
    let predicted_of = prediction.and_then(|p| p.duplicate_of);
    let right_cluster =
        predicted_of.is_some_and(|of| cluster.get(of).copied() == own && of != label.id);
    if let Some(of) = predicted_of {
        report.predicted += 1;
        if right_cluster {
            report.correct += 1;
        } else {
            report
                .false_duplicates
                .push((label.id.clone(), of.to_string()));
        }
    }
    if label.duplicate_of.is_some() {
        report.labelled += 1;
        if right_cluster {
            report.found += 1;
        } else {
            report.missed.push(label.id.clone());
        }
    }
}

/// Update pairs and copies: see [`UpdateReport`].
fn score_updates(report: &mut UpdateReport, labels: &[Label], seen: &HashMap<&str, Predicted<'_>>) {
    let (mut near_copies, mut near_updates) = (0u64, 0u64);
    for label in labels {
        let Some(prediction) = seen.get(label.id.as_str()) else {
            continue;
        };
        if label.duplicate_of.is_some() {
            let kind = label.copy.clone().unwrap_or_else(|| "copy".into());
            let entry = report.copies.entry(kind).or_default();
            entry.0 += 1;
            if prediction.duplicate_of.is_some() {
                entry.1 += 1;
                near_copies += 1;
            }
        }
        if prediction.updates.is_some() && prediction.updates != label.update.as_deref() {
            report.wrong_links += 1;
            report.wrong_link_ids.push((
                label.id.clone(),
                prediction.updates.unwrap_or_default().to_string(),
            ));
        }
        let Some(earlier) = label.update.as_deref() else {
            continue;
        };
        report.pairs += 1;
        if prediction.duplicate_of.is_some() {
            report.near += 1;
            near_updates += 1;
        }
        if prediction.updates == Some(earlier) {
            report.linked += 1;
        }
        let earlier_story = seen.get(earlier).and_then(|p| p.story);
        if prediction.story.is_some() && prediction.story == earlier_story {
            report.same_story += 1;
        }
    }
    report.near_precision = ratio(near_copies, near_copies + near_updates, 1.0);
}

/// (tp, fp, fn) of one (article, type) pair.
fn pair(gold: bool, found: bool) -> (u64, u64, u64) {
    match (gold, found) {
        (true, true) => (1, 0, 0),
        (false, true) => (0, 1, 0),
        (true, false) => (0, 0, 1),
        (false, false) => (0, 0, 0),
    }
}

fn score_events(report: &mut EventReport, label: &Label, events: &[Event]) {
    // Types with a main event, or with events labelled before salience existed
    // (which accept a prediction of either salience).
    let gold: BTreeSet<&str> = label
        .events
        .iter()
        .filter(|e| e.salience != Some(Salience::Background))
        .map(|e| e.kind.as_str())
        .collect();
    let either: BTreeSet<&str> = label
        .events
        .iter()
        .filter(|e| e.salience.is_none())
        .map(|e| e.kind.as_str())
        .collect();
    let gold_background: BTreeSet<&str> = label
        .events
        .iter()
        .map(|e| e.kind.as_str())
        .filter(|kind| !gold.contains(kind))
        .collect();
    let found: BTreeSet<&str> = events
        .iter()
        .filter(|e| e.salience == Salience::Main || either.contains(e.kind.as_str()))
        .map(|e| e.kind.as_str())
        .collect();
    let found_background: BTreeSet<&str> = events
        .iter()
        .map(|e| e.kind.as_str())
        .filter(|kind| !found.contains(kind))
        .collect();
    for kind in gold_background.union(&found_background) {
        let (tp, fp, fn_) = pair(
            gold_background.contains(kind),
            found_background.contains(kind),
        );
        report.background.count(tp, fp, fn_);
    }
    let gold_any: BTreeSet<&str> = label.events.iter().map(|e| e.kind.as_str()).collect();
    let found_any: BTreeSet<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    for kind in gold_any.union(&found_any) {
        let (tp, fp, fn_) = pair(gold_any.contains(kind), found_any.contains(kind));
        report.any_salience.count(tp, fp, fn_);
        if tp == 1 && !either.contains(kind) {
            let predicted_main = found.contains(kind);
            report.salience.add(predicted_main == gold.contains(kind));
        }
    }
    for kind in gold.union(&found) {
        let (tp, fp, fn_) = pair(gold.contains(kind), found.contains(kind));
        report.micro.count(tp, fp, fn_);
        report
            .per_type
            .entry(kind.to_string())
            .or_default()
            .count(tp, fp, fn_);
        report
            .per_language
            .entry(label.language.clone())
            .or_default()
            .count(tp, fp, fn_);
        if fp == 1 {
            report.false_positives.push(format!("{}: {kind}", label.id));
        }
        if fn_ == 1 {
            report.false_negatives.push(format!("{}: {kind}", label.id));
        }
    }
    // A labelled event is paired with the predicted event of its type and salience
    // that agrees with it most, else with one of the other salience: the main event
    // answers for the main label, not for a summit the article only recalls.
    for expected in &label.events {
        let candidates = events.iter().filter(|e| e.kind == expected.kind);
        let same_salience = |e: &Event| expected.salience.is_none_or(|s| s == e.salience);
        let Some(best) = candidates.max_by_key(|e| (same_salience(e), agreement(expected, e)))
        else {
            continue;
        };
        let (status, roles) = if expected.salience == Some(Salience::Background) {
            (&mut report.background_status, &mut report.background_roles)
        } else {
            (&mut report.status, &mut report.roles)
        };
        status.add(best.status == expected.status);
        for (role, codes) in &expected.roles {
            for code in codes {
                roles.add(fills_role(best, role, code));
            }
        }
    }
}

/// How well a predicted event agrees with a labelled one: role slots filled, then status.
fn agreement(expected: &LabelEvent, event: &Event) -> (usize, bool) {
    let roles = expected
        .roles
        .iter()
        .flat_map(|(role, codes)| codes.iter().map(move |code| (role, code)))
        .filter(|(role, code)| fills_role(event, role, code))
        .count();
    (roles, event.status == expected.status)
}

fn fills_role(event: &Event, role: &str, code: &str) -> bool {
    event
        .actors
        .iter()
        .any(|actor| actor.role.as_deref() == Some(role) && actor.country.as_deref() == Some(code))
}

fn score_negative(report: &mut NegativeReport, label: &Label, events: &[Event]) {
    report.articles += 1;
    let genre = label.genre.clone().unwrap_or_else(|| "none".into());
    let entry = report.per_genre.entry(genre).or_default();
    entry.0 += 1;
    if !events.is_empty() {
        report.fired += 1;
        entry.1 += 1;
        let kinds: BTreeSet<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        for kind in kinds {
            report.fired_ids.push(format!("{}: {kind}", label.id));
        }
    }
}

fn score_confuser(report: &mut ConfuserReport, label: &Label, events: &[Event]) {
    report.articles += 1;
    let unlabelled: BTreeSet<&str> = events
        .iter()
        .map(|e| e.kind.as_str())
        .filter(|kind| !label.events.iter().any(|l| l.kind == *kind))
        .collect();
    if !unlabelled.is_empty() {
        report.fired += 1;
        for kind in unlabelled {
            report.fired_ids.push(format!("{}: {kind}", label.id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsflow_record::{
        Actor, Article, Dedup, DedupStatus, DuplicateRecord, ErrorCode, Evidence, Language,
        RecordError, Rejection,
    };

    fn label(json: &str) -> Label {
        serde_json::from_str(json).unwrap()
    }

    fn language(code: &str) -> Language {
        Language {
            code: code.into(),
            iso639_3: "xxx".into(),
            script: "Latin".into(),
            confidence: 1.0,
            reliable: true,
        }
    }

    fn event(kind: &str, status: EventStatus, actors: &[(&str, &str)]) -> Event {
        Event {
            kind: kind.into(),
            cameo: vec![],
            plover: vec![],
            confidence: 0.9,
            status,
            evidence: Evidence {
                field: "body".into(),
                start: 0,
                end: 1,
                text: "x".into(),
            },
            actors: actors
                .iter()
                .map(|(role, code)| Actor {
                    name: code.to_string(),
                    kind: "country".into(),
                    country: Some(code.to_string()),
                    role: Some(role.to_string()),
                })
                .collect(),
            location: None,
            date: None,
            salience: Salience::Main,
            salience_cue: String::new(),
            rule: String::new(),
        }
    }

    fn enriched(id: &str, code: &str, events: Vec<Event>) -> Outcome {
        let json = format!(r#"{{"id":"{id}","title":"t","body":"b"}}"#);
        let mut article: Article = serde_json::from_str(&json).unwrap();
        article.language = Some(language(code));
        article.events = Some(events);
        Outcome::Enriched(article)
    }

    fn duplicate(id: &str, code: &str, of: &str) -> Outcome {
        Outcome::Duplicate(DuplicateRecord {
            id: id.into(),
            url: None,
            source: None,
            language: Some(language(code)),
            dedup: Dedup {
                status: DedupStatus::Near,
                fingerprint: None,
                duplicate_of: Some(of.into()),
                similarity: Some(0.9),
                updates: None,
            },
        })
    }

    #[test]
    fn language_accuracy_counts_misses_per_labelled_language() {
        let labels = [
            label(r#"{"id":"a","language":"en"}"#),
            label(r#"{"id":"b","language":"fr"}"#),
            label(r#"{"id":"c","language":"fr"}"#),
        ];
        let outcomes = [
            enriched("a", "en", vec![]),
            enriched("b", "fr", vec![]),
            enriched("c", "it", vec![]),
        ];
        let report = evaluate(&outcomes, &labels);
        assert_eq!(report.language.overall.correct, 2);
        assert_eq!(report.language.overall.total, 3);
        assert_eq!(report.language.per_language["fr"].accuracy, 0.5);
        assert_eq!(report.language.confusions["fr -> it"], 1);
    }

    #[test]
    fn duplicate_pointing_anywhere_in_its_cluster_is_correct() {
        let labels = [
            label(r#"{"id":"a","language":"en"}"#),
            label(r#"{"id":"b","language":"en","duplicate_of":"a"}"#),
            label(r#"{"id":"c","language":"en","duplicate_of":"b"}"#),
            label(r#"{"id":"d","language":"en"}"#),
            label(r#"{"id":"e","language":"en","duplicate_of":"d"}"#),
        ];
        let outcomes = [
            enriched("a", "en", vec![]),
            duplicate("b", "en", "a"),
            duplicate("c", "en", "b"),
            duplicate("d", "en", "a"),
            enriched("e", "en", vec![]),
        ];
        let report = evaluate(&outcomes, &labels);
        let dup = &report.duplicates;
        assert_eq!((dup.predicted, dup.correct), (3, 2));
        assert_eq!((dup.labelled, dup.found), (3, 2));
        assert_eq!(
            dup.false_duplicates,
            vec![("d".to_string(), "a".to_string())]
        );
        assert_eq!(dup.missed, vec!["e".to_string()]);
        assert!((dup.precision - 2.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn no_predicted_duplicates_is_zero_precision_when_some_were_expected() {
        let labels = [
            label(r#"{"id":"a","language":"en"}"#),
            label(r#"{"id":"b","language":"en","duplicate_of":"a"}"#),
        ];
        let outcomes = [enriched("a", "en", vec![]), enriched("b", "en", vec![])];
        let report = evaluate(&outcomes, &labels);
        assert_eq!(report.duplicates.precision, 0.0);
        assert_eq!(report.duplicates.recall, 0.0);
    }

    #[test]
    fn a_labelled_event_answers_to_the_predicted_event_of_its_salience() {
        // The main summit is planned and gathers every country the article names; the
        // one the article recalls happened. Each label is scored against its own.
        let labels = [label(
            r#"{"id":"a","language":"en","events":[
            {"type":"summit","status":"planned","salience":"main","roles":{"participant":["USA","CHN"]}},
            {"type":"summit","status":"occurred","salience":"background","roles":{"participant":["USA","CHN"]}}]}"#,
        )];
        let mut main = event(
            "summit",
            EventStatus::Planned,
            &[
                ("participant", "USA"),
                ("participant", "CHN"),
                ("participant", "RUS"),
            ],
        );
        main.salience = Salience::Main;
        let mut recalled = event("summit", EventStatus::Occurred, &[("participant", "USA")]);
        recalled.salience = Salience::Background;
        let report = evaluate(&[enriched("a", "en", vec![main, recalled])], &labels);
        let events = &report.events;
        assert_eq!((events.status.correct, events.status.total), (1, 1));
        assert_eq!((events.roles.correct, events.roles.total), (2, 2));
        let background = &events.background_status;
        assert_eq!((background.correct, background.total), (1, 1));
        let roles = &events.background_roles;
        assert_eq!((roles.correct, roles.total), (1, 2));
    }

    #[test]
    fn events_score_as_article_type_pairs() {
        let labels = [
            label(
                r#"{"id":"a","language":"en","events":[
                {"type":"state_visit","status":"planned","roles":{"visitor":["PRK"],"host":["CHN"]}},
                {"type":"military_parade","status":"planned"}]}"#,
            ),
            label(
                r#"{"id":"b","language":"de","events":[{"type":"protest","status":"occurred"}]}"#,
            ),
        ];
        let outcomes = [
            enriched(
                "a",
                "en",
                vec![
                    event("state_visit", EventStatus::Occurred, &[]),
                    event(
                        "state_visit",
                        EventStatus::Planned,
                        &[("visitor", "PRK"), ("host", "RUS")],
                    ),
                    event("sanctions", EventStatus::Occurred, &[]),
                ],
            ),
            enriched("b", "de", vec![]),
        ];
        let report = evaluate(&outcomes, &labels);
        let events = &report.events;
        assert_eq!(
            (events.micro.tp, events.micro.fp, events.micro.fn_),
            (1, 1, 2)
        );
        assert_eq!(events.per_type["state_visit"].f1, 1.0);
        assert_eq!(events.per_type["military_parade"].recall, 0.0);
        assert_eq!(events.per_language["de"].recall, 0.0);
        assert_eq!(events.per_language["en"].precision, 0.5);
        // The better-agreeing state_visit is paired: planned, visitor right, host wrong.
        assert_eq!((events.status.correct, events.status.total), (1, 1));
        assert_eq!((events.roles.correct, events.roles.total), (1, 2));
        assert_eq!(events.false_positives, vec!["a: sanctions".to_string()]);
    }

    #[test]
    fn labelled_duplicates_are_not_scored_for_events() {
        let labels = [
            label(
                r#"{"id":"a","language":"en","events":[{"type":"protest","status":"occurred"}]}"#,
            ),
            label(
                r#"{"id":"b","language":"en","duplicate_of":"a","events":[{"type":"protest","status":"occurred"}]}"#,
            ),
        ];
        let outcomes = [
            enriched(
                "a",
                "en",
                vec![event("protest", EventStatus::Occurred, &[])],
            ),
            duplicate("b", "en", "a"),
        ];
        let report = evaluate(&outcomes, &labels);
        assert_eq!((report.events.micro.tp, report.events.micro.fn_), (1, 0));
    }

    #[test]
    fn confuser_that_fires_is_counted() {
        let labels = [
            label(r#"{"id":"a","language":"en","confuser":"pride_parade"}"#),
            label(r#"{"id":"b","language":"en","confuser":"cyber_attack"}"#),
        ];
        let outcomes = [
            enriched(
                "a",
                "en",
                vec![event("military_parade", EventStatus::Occurred, &[])],
            ),
            enriched("b", "en", vec![]),
        ];
        let report = evaluate(&outcomes, &labels);
        assert_eq!((report.confusers.articles, report.confusers.fired), (2, 1));
        assert_eq!(
            report.confusers.fired_ids,
            vec!["a: military_parade".to_string()]
        );
    }

    #[test]
    fn rejected_labelled_article_is_missing_and_wrong() {
        let labels = [label(
            r#"{"id":"a","language":"en","events":[{"type":"election","status":"occurred"}]}"#,
        )];
        let outcomes = [Outcome::Rejected(Rejection {
            input_line: Some(1),
            id: Some("a".into()),
            error: RecordError::new(ErrorCode::EmptyBody, "empty"),
        })];
        let report = evaluate(&outcomes, &labels);
        assert_eq!(report.missing, vec!["a".to_string()]);
        assert_eq!(report.language.overall.accuracy, 0.0);
        assert_eq!(report.events.micro.fn_, 1);
        assert_eq!(report.unlabelled, 1);
    }

    #[test]
    fn labels_file_rejects_bad_lines_and_repeated_ids() {
        let good = "{\"id\":\"a\",\"language\":\"en\"}\n\n{\"id\":\"b\",\"language\":\"fr\",\"duplicate_of\":\"a\"}\n";
        assert_eq!(read_labels(good.as_bytes()).unwrap().len(), 2);
        let bad_status = "{\"id\":\"a\",\"language\":\"en\",\"events\":[{\"type\":\"x\",\"status\":\"maybe\"}]}\n";
        assert!(matches!(
            read_labels(bad_status.as_bytes()),
            Err(LabelError::Invalid { line: 1, .. })
        ));
        let repeated = "{\"id\":\"a\",\"language\":\"en\"}\n{\"id\":\"a\",\"language\":\"en\"}\n";
        assert!(matches!(
            read_labels(repeated.as_bytes()),
            Err(LabelError::DuplicateId { line: 2, .. })
        ));
    }
}
