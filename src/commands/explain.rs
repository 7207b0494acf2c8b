//! `newsflow explain`: why an article got, or did not get, its events. Runs the
//! clean and language steps, then the tagger with its decisions recorded, and
//! prints them: candidate triggers and the rules they belong to, the parties found,
//! the sense and salience decisions, and the events with their rule ids.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};

use anyhow::Context;
use newsflow_tag::Tagger;

use crate::cli::ExplainArgs;
use newsflow_cli::config::Config;

pub fn run(args: ExplainArgs, config: &Config) -> anyhow::Result<()> {
    let pipeline = &config.pipeline;
    let lang = pipeline
        .lang_stage()
        .context("cannot build the lang stage")?;
    let tagger = Tagger::load_from(&pipeline.tag, &pipeline.data())
        .context("cannot load the event rules")?;
    let input =
        File::open(&args.input).with_context(|| format!("cannot open {}", args.input.display()))?;
    let mut out = io::stdout().lock();
    let mut shown = 0;
    for (number, line) in BufReader::new(input).lines().enumerate() {
        let line = line.context("cannot read input")?;
        if line.trim().is_empty() {
            continue;
        }
        let article = match lang.run(line.as_bytes()) {
            Ok(article) => article,
            Err(rejection) => {
                if args.id.is_none() {
                    writeln!(
                        out,
                        "line {}: rejected: {}",
                        number + 1,
                        rejection.error.message
                    )?;
                }
                continue;
            }
        };
        if args.id.as_deref().is_some_and(|id| id != article.id) {
            continue;
        }
        shown += 1;
        let (tagging, explanation) = tagger.explain(&article);
        let language = article.language.as_ref().map_or("und", |l| l.code.as_str());
        writeln!(out, "== {} ({language}): {}", article.id, article.title)?;
        for line in &explanation.lines {
            writeln!(out, "  {line}")?;
        }
        if tagging.events.is_empty() {
            writeln!(out, "  no events ({:?} rules)", tagging.event_rules)?;
        }
        for event in &tagging.events {
            let actors: Vec<String> = event
                .actors
                .iter()
                .map(|a| {
                    let role = a.role.as_deref().unwrap_or("-");
                    format!("{}={}", role, a.country.as_deref().unwrap_or(&a.name))
                })
                .collect();
            writeln!(
                out,
                "  => {} {:?} {:?} [{}] actors {} location {} date {} rule {}",
                event.kind,
                event.status,
                event.salience,
                event.salience_cue,
                actors.join(","),
                event.location.as_ref().map_or("-", |l| l.name.as_str()),
                event.date.as_deref().unwrap_or("-"),
                event.rule
            )?;
        }
    }
    if let Some(id) = &args.id {
        anyhow::ensure!(
            shown > 0,
            "no article with id {id} in {}",
            args.input.display()
        );
    }
    Ok(())
}
