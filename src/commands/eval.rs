//! `newsflow eval`: runs the pipeline over a labelled set and prints the scores.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};

use anyhow::Context;
use newsflow_pipeline::eval::{self, Accuracy, Label, Prf, Report};
use newsflow_pipeline::{Pipeline, StageTimes};

use crate::cli::EvalArgs;
use crate::config::Config;

pub fn run(args: EvalArgs, config: &Config) -> anyhow::Result<()> {
    let labels_file = File::open(&args.labels)
        .with_context(|| format!("cannot open {}", args.labels.display()))?;
    let labels = eval::read_labels(BufReader::new(labels_file))
        .with_context(|| format!("invalid labels in {}", args.labels.display()))?;

    let mut pipeline = Pipeline::new(&config.pipeline).context("cannot build the pipeline")?;
    let input =
        File::open(&args.input).with_context(|| format!("cannot open {}", args.input.display()))?;
    let mut reader = BufReader::new(input);
    let mut times = StageTimes::default();
    let mut outcomes = Vec::new();
    let mut line = Vec::new();
    let mut number = 0u64;
    let mut article_ids = BTreeSet::new();
    // One clock for the whole run: the set is scored as if it arrived at once, so
    // dedup decisions do not depend on how long the run takes.
    let now = chrono::Utc::now().timestamp();
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
        outcomes.push(pipeline.process_line(record, number, now, &mut times));
    }
    refuse_mismatched_ids(&args, &article_ids, &labels)?;

    let report = eval::evaluate(&outcomes, &labels);
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report).context("cannot write report")?;
        writeln!(out)?;
    } else {
        write_table(&mut out, &report)?;
    }
    Ok(())
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
    args: &EvalArgs,
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
        args.input.display(),
        args.labels.display(),
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

    let events = &report.events;
    writeln!(
        out,
        "\nEvents{:>17} {:>9} {:>9} {:>9} {:>5} {:>5} {:>5}",
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

    let confusers = &report.confusers;
    writeln!(
        out,
        "\nConfusers: {} of {} fired",
        confusers.fired, confusers.articles
    )?;
    for fired in &confusers.fired_ids {
        writeln!(out, "  {fired}")?;
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
