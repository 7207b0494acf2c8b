//! `newsflow eval`: runs the pipeline over a labelled set and prints the scores.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};

use anyhow::Context;
use newsflow_pipeline::eval::{self, Accuracy, Prf, Report};
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
        if record.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        outcomes.push(pipeline.process_line(record, number, now, &mut times));
    }

    let report = eval::evaluate(&outcomes, &labels);
    let stories = super::stories::score(&outcomes, &args.labels)?;
    let mut out = io::stdout().lock();
    if args.json {
        let mut json = serde_json::to_value(&report).context("cannot write report")?;
        json["stories"] = serde_json::to_value(&stories).context("cannot write report")?;
        serde_json::to_writer_pretty(&mut out, &json).context("cannot write report")?;
        writeln!(out)?;
    } else {
        write_table(&mut out, &report)?;
        super::stories::write_scores(&mut out, &stories)?;
    }
    Ok(())
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
