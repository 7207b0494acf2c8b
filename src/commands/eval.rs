//! `newsflow eval`: runs the pipeline over a labelled set and prints the scores.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;

use anyhow::Context;
use newsflow_pipeline::eval::{self, Accuracy, Label, Prf, Report};
use newsflow_pipeline::{Pipeline, StageTimes};

use super::stories::StoryReport;
use crate::cli::EvalArgs;
use newsflow_cli::config::Config;

pub fn run(args: EvalArgs, config: &Config) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    if let (Some(input), Some(labels)) = (&args.input, &args.labels) {
        let (report, stories) = score(input, labels, config)?;
        if args.json {
            serde_json::to_writer_pretty(&mut out, &with_stories(&report, &stories)?)
                .context("cannot write report")?;
            writeln!(out)?;
        } else {
            write_table(&mut out, &report)?;
            super::stories::write_scores(&mut out, &stories)?;
        }
        return Ok(());
    }
    let mut reports = Vec::new();
    for set in &args.sets {
        let (name, dir) = set
            .split_once('=')
            .with_context(|| format!("--set {set}: expected NAME=DIR"))?;
        let dir = Path::new(dir);
        let report = score(
            &dir.join("articles.jsonl"),
            &dir.join("labels.jsonl"),
            config,
        )
        .with_context(|| format!("set {name}"))?;
        reports.push((name.to_string(), report));
    }
    if args.json {
        let mut map = BTreeMap::new();
        for (name, (report, stories)) in &reports {
            map.insert(name.as_str(), with_stories(report, stories)?);
        }
        serde_json::to_writer_pretty(&mut out, &map).context("cannot write report")?;
        writeln!(out)?;
    } else {
        let events: Vec<(String, Report)> = reports
            .iter()
            .map(|(name, (report, _))| (name.clone(), report.clone()))
            .collect();
        write_side_by_side(&mut out, &events)?;
        for (name, (_, stories)) in &reports {
            if stories.labelled_stories > 0 {
                write!(out, "\n{name}:")?;
                super::stories::write_scores(&mut out, stories)?;
            }
        }
    }
    Ok(())
}

/// The event report with the story scores beside it, as JSON.
fn with_stories(report: &Report, stories: &StoryReport) -> anyhow::Result<serde_json::Value> {
    let mut json = serde_json::to_value(report).context("cannot write report")?;
    json["stories"] = serde_json::to_value(stories).context("cannot write report")?;
    Ok(json)
}

/// Runs the pipeline over one labelled set and scores it.
fn score(
    input_path: &Path,
    labels_path: &Path,
    config: &Config,
) -> anyhow::Result<(Report, StoryReport)> {
    let (input, labels) = (input_path, labels_path);
    let labels_file =
        File::open(labels).with_context(|| format!("cannot open {}", labels.display()))?;
    let labels = eval::read_labels(BufReader::new(labels_file))
        .with_context(|| format!("invalid labels in {}", labels.display()))?;

    let mut pipeline = Pipeline::new(&config.pipeline).context("cannot build the pipeline")?;
    let input = File::open(input).with_context(|| format!("cannot open {}", input.display()))?;
    let mut reader = BufReader::new(input);
    let mut times = StageTimes::default();
    let mut outcomes = Vec::new();
    let mut line = Vec::new();
    let mut number = 0u64;
    let mut article_ids = BTreeSet::new();
    // One clock for the whole run: the set is scored as if it arrived at once, so
    // dedup decisions do not depend on how long the run takes.
    let now = chrono::Utc::now().timestamp();
    let mut records = Vec::new();
    loop {
        line.clear();
        if reader
            .read_until(b'\n', &mut line)
            .context("cannot read input")?
            == 0
        {
            break;
        }
        number += 1;
        let record = line.strip_suffix(b"\n").unwrap_or(&line);
        let record = record.strip_suffix(b"\r").unwrap_or(record);
        let record = if number == 1 {
            super::strip_bom(record)
        } else {
            record
        };
        if record.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if let Some(id) = article_id(record) {
            article_ids.insert(id);
        }
        records.push((published_at(record), number, record.to_vec()));
    }
    // In publication order, as a feed delivers them: the stages that keep state over
    // time (dedup's window, the story stage's open stories) see the set as they would
    // see the news, not grouped by the language the files are sorted by. Articles
    // without a time keep their place among those of the same time (a stable sort).
    records.sort_by(|a, b| a.0.cmp(&b.0));
    for (_, number, record) in &records {
        outcomes.push(pipeline.process_line(record, *number, now, &mut times));
    }
    refuse_mismatched_ids(input_path, labels_path, &article_ids, &labels)?;
    let stories = super::stories::score(&outcomes, labels_path)?;
    Ok((eval::evaluate(&outcomes, &labels), stories))
}

/// Main event scores of several sets in columns: micro, per language, per type
/// (precision/recall with tp/fp/fn), background, status, roles, salience, negatives.
fn write_side_by_side(out: &mut impl Write, reports: &[(String, Report)]) -> io::Result<()> {
    write!(out, "{:<24}", "")?;
    for (name, report) in reports {
        write!(
            out,
            " {:>34}",
            format!("{name} ({} articles)", report.labels)
        )?;
    }
    writeln!(out)?;
    let prf = |p: &Prf| {
        format!(
            "P {:.3} R {:.3} F1 {:.3} ({}/{}/{})",
            p.precision, p.recall, p.f1, p.tp, p.fp, p.fn_
        )
    };
    let acc = |a: &Accuracy| format!("{:.3} ({}/{})", a.accuracy, a.correct, a.total);
    let row = |out: &mut dyn Write, name: &str, cell: &dyn Fn(&Report) -> String| {
        write!(out, "{name:<24}")?;
        for (_, report) in reports {
            write!(out, " {:>34}", cell(report))?;
        }
        writeln!(out)
    };
    row(out, "main events (micro)", &|r| prf(&r.events.micro))?;
    let languages: BTreeSet<&String> = reports
        .iter()
        .flat_map(|(_, r)| r.events.per_language.keys())
        .collect();
    for code in languages {
        row(out, &format!("  lang {code}"), &|r| {
            r.events.per_language.get(code).map(prf).unwrap_or_default()
        })?;
    }
    let kinds: BTreeSet<&String> = reports
        .iter()
        .flat_map(|(_, r)| r.events.per_type.keys())
        .collect();
    for kind in kinds {
        row(out, &format!("  {kind}"), &|r| {
            r.events.per_type.get(kind).map(prf).unwrap_or_default()
        })?;
    }
    row(out, "background events", &|r| prf(&r.events.background))?;
    row(out, "any salience", &|r| prf(&r.events.any_salience))?;
    row(out, "status accuracy", &|r| acc(&r.events.status))?;
    row(out, "role accuracy", &|r| acc(&r.events.roles))?;
    row(out, "  background status", &|r| {
        acc(&r.events.background_status)
    })?;
    row(out, "  background roles", &|r| {
        acc(&r.events.background_roles)
    })?;
    row(out, "salience accuracy", &|r| acc(&r.events.salience))?;
    row(out, "no-event articles fired", &|r| {
        let n = &r.negatives;
        format!("{:.3} ({}/{})", n.share, n.fired, n.articles)
    })?;
    row(out, "duplicates", &|r| {
        let d = &r.duplicates;
        format!(
            "P {:.3} ({}/{}) R {:.3} ({}/{})",
            d.precision, d.correct, d.predicted, d.recall, d.found, d.labelled
        )
    })?;
    write_update_rows(out, reports)?;
    Ok(())
}

/// Copies against updates, side by side: copies found per kind, update pairs called
/// duplicates, linked by `updates`, and in the story of the article they update.
fn write_update_rows(out: &mut impl Write, reports: &[(String, Report)]) -> io::Result<()> {
    let row = |out: &mut dyn Write, name: &str, cell: &dyn Fn(&Report) -> String| {
        write!(out, "{name:<24}")?;
        for (_, report) in reports {
            write!(out, " {:>34}", cell(report))?;
        }
        writeln!(out)
    };
    let share = |n: u64, d: u64| {
        if d == 0 {
            String::new()
        } else {
            format!("{:.3} ({n}/{d})", n as f64 / d as f64)
        }
    };
    let kinds: BTreeSet<&String> = reports
        .iter()
        .flat_map(|(_, r)| r.updates.copies.keys())
        .collect();
    row(out, "copies kept duplicate", &|r| {
        let (labelled, found) = r
            .updates
            .copies
            .values()
            .fold((0, 0), |(l, f), (a, b)| (l + a, f + b));
        share(found, labelled)
    })?;
    for kind in kinds {
        row(out, &format!("  {kind}"), &|r| {
            r.updates
                .copies
                .get(kind)
                .map(|&(labelled, found)| share(found, labelled))
                .unwrap_or_default()
        })?;
    }
    row(out, "update pairs near", &|r| {
        share(r.updates.near, r.updates.pairs)
    })?;
    row(out, "update pairs `updates`", &|r| {
        share(r.updates.linked, r.updates.pairs)
    })?;
    row(out, "update pairs same story", &|r| {
        share(r.updates.same_story, r.updates.pairs)
    })?;
    row(out, "`updates` not labelled", &|r| {
        r.updates.wrong_links.to_string()
    })?;
    row(out, "near precision (c+u)", &|r| {
        let u = &r.updates;
        let copies: u64 = u.copies.values().map(|(_, found)| found).sum();
        if copies + u.near == 0 {
            String::new()
        } else {
            format!("{:.3} ({copies}/{})", u.near_precision, copies + u.near)
        }
    })?;
    Ok(())
}

/// The publication time of a raw article line, normalised to UTC so that times
/// compare as strings; empty when it has none or it does not parse.
fn published_at(line: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Time {
        published_at: Option<String>,
    }
    serde_json::from_slice::<Time>(line)
        .ok()
        .and_then(|t| t.published_at)
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&chrono::Utc).to_rfc3339())
        .unwrap_or_default()
}

/// The id of a raw article line as the clean step would give it: its `id`, or
/// the one derived from its `url`. `None` for lines that are not such an object.
fn article_id(line: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Ids {
        id: Option<String>,
        url: Option<String>,
    }
    let ids: Ids = serde_json::from_slice(line).ok()?;
    ids.id
        .or_else(|| ids.url.as_deref().and_then(newsflow_clean::id_from_url))
}

/// Refuses to score articles against labels that do not belong to them: a table
/// of zeros would look like a result.
fn refuse_mismatched_ids(
    input: &Path,
    labels_path: &Path,
    article_ids: &BTreeSet<String>,
    labels: &[Label],
) -> anyhow::Result<()> {
    let label_ids: BTreeSet<&str> = labels.iter().map(|label| label.id.as_str()).collect();
    let unlabelled: Vec<&str> = article_ids
        .iter()
        .map(String::as_str)
        .filter(|id| !label_ids.contains(id))
        .collect();
    let orphans: Vec<&str> = label_ids
        .iter()
        .copied()
        .filter(|id| !article_ids.contains(*id))
        .collect();
    if unlabelled.is_empty() && orphans.is_empty() {
        return Ok(());
    }
    let sample = |ids: &[&str]| {
        let mut shown = ids.iter().take(3).copied().collect::<Vec<_>>().join(", ");
        if ids.len() > 3 {
            shown.push_str(", ...");
        }
        shown
    };
    let mut problems = Vec::new();
    if !unlabelled.is_empty() {
        problems.push(format!(
            "{} of {} articles have no label ({})",
            unlabelled.len(),
            article_ids.len(),
            sample(&unlabelled)
        ));
    }
    if !orphans.is_empty() {
        problems.push(format!(
            "{} of {} labels name no article ({})",
            orphans.len(),
            label_ids.len(),
            sample(&orphans)
        ));
    }
    anyhow::bail!(
        "the articles in {} and the labels in {} do not belong together: {}",
        input.display(),
        labels_path.display(),
        problems.join("; ")
    )
}

fn write_table(out: &mut impl Write, report: &Report) -> io::Result<()> {
    writeln!(
        out,
        "{} outcomes, {} labels, {} unlabelled outcomes, {} labelled articles missing",
        report.outcomes,
        report.labels,
        report.unlabelled,
        report.missing.len()
    )?;
    writeln!(out, "\nLanguage")?;
    accuracy_row(out, "overall", &report.language.overall)?;
    for (code, accuracy) in &report.language.per_language {
        accuracy_row(out, code, accuracy)?;
    }
    for (confusion, count) in &report.language.confusions {
        writeln!(out, "  miss {confusion}: {count}")?;
    }

    let dup = &report.duplicates;
    writeln!(out, "\nDuplicates")?;
    writeln!(
        out,
        "  precision {:.3} ({}/{})   recall {:.3} ({}/{})",
        dup.precision, dup.correct, dup.predicted, dup.recall, dup.found, dup.labelled
    )?;
    for (id, of) in &dup.false_duplicates {
        writeln!(out, "  false duplicate: {id} -> {of}")?;
    }
    if !dup.missed.is_empty() {
        writeln!(out, "  missed: {}", dup.missed.join(", "))?;
    }
    let updates = &report.updates;
    for (kind, (labelled, found)) in &updates.copies {
        writeln!(out, "  copies ({kind}) kept duplicate: {found}/{labelled}")?;
    }
    if updates.pairs > 0 {
        writeln!(
            out,
            "  update pairs: {} called duplicates, {} with `updates`, {} in the same story, of {}",
            updates.near, updates.linked, updates.same_story, updates.pairs
        )?;
    }
    for (id, of) in &updates.wrong_link_ids {
        writeln!(out, "  `updates` not labelled: {id} -> {of}")?;
    }

    let events = &report.events;
    writeln!(
        out,
        "\nMain events{:>12} {:>9} {:>9} {:>9} {:>5} {:>5} {:>5}",
        "", "precision", "recall", "F1", "tp", "fp", "fn"
    )?;
    prf_row(out, "micro", &events.micro)?;
    for (kind, prf) in &events.per_type {
        prf_row(out, kind, prf)?;
    }
    for (code, prf) in &events.per_language {
        prf_row(out, &format!("lang {code}"), prf)?;
    }
    accuracy_row(out, "status", &events.status)?;
    accuracy_row(out, "roles", &events.roles)?;

    prf_row(out, "background", &events.background)?;
    prf_row(out, "any salience", &events.any_salience)?;
    accuracy_row(out, "salience", &events.salience)?;

    let confusers = &report.confusers;
    writeln!(
        out,
        "\nConfusers: {} of {} fired",
        confusers.fired, confusers.articles
    )?;
    for fired in &confusers.fired_ids {
        writeln!(out, "  {fired}")?;
    }
    let negatives = &report.negatives;
    writeln!(
        out,
        "\nArticles with no labelled event that got one: {:.3} ({} of {})",
        negatives.share, negatives.fired, negatives.articles
    )?;
    for (genre, (articles, fired)) in &negatives.per_genre {
        writeln!(out, "  {genre:<20} {fired} of {articles}")?;
    }
    Ok(())
}

fn accuracy_row(out: &mut impl Write, name: &str, accuracy: &Accuracy) -> io::Result<()> {
    writeln!(
        out,
        "  {name:<20} {:.3} ({}/{})",
        accuracy.accuracy, accuracy.correct, accuracy.total
    )
}

fn prf_row(out: &mut impl Write, name: &str, prf: &Prf) -> io::Result<()> {
    writeln!(
        out,
        "  {name:<20} {:>9.3} {:>9.3} {:>9.3} {:>5} {:>5} {:>5}",
        prf.precision, prf.recall, prf.f1, prf.tp, prf.fp, prf.fn_
    )
}
