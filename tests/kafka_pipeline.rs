//! The four services through a real broker: every input ends exactly once, as
//! `newsflow process` would decide, in the same stories, with the contract's headers;
//! bad input goes to the dead-letter topic unchanged and the pipeline goes on.
//!
//! Run with `scripts/test`, which starts the broker.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use common::{
    eval_articles, generated, groups, keys, trace_id, traceparent, write_jsonl, Harness, Input,
    Options, Tally,
};

#[test]
fn every_input_ends_exactly_once_as_process_decides() {
    let mut harness = Harness::new("e2e");
    harness.create_topics();
    // Real events in several languages first (stories of more than one article,
    // some across languages), then generated articles.
    let mut inputs = eval_articles();
    inputs.extend(generated(11, 2_400, 0.04));
    // A traceparent on every third record: its trace id must reach the output.
    for (index, input) in inputs.iter_mut().enumerate() {
        if index % 3 == 0 {
            let trace = format!("{:032x}", 0x4bf9_2f35_77b3_4da6_u128 << 64 | index as u128);
            input
                .headers
                .push(("traceparent".into(), traceparent(&trace)));
        }
    }
    let input_file = harness.dir().join("input.jsonl");
    write_jsonl(&input_file, &inputs);
    let expected = harness.process(&input_file);
    assert_eq!(expected.len(), inputs.len());

    harness.serve_chain();
    // One raw partition keeps the input order, so that dedup meets the articles of
    // each language in the order `newsflow process` did and makes the same decisions.
    harness
        .producer()
        .send(&harness.topics.raw.clone(), Some(0), &inputs);

    let topics = harness.topics.clone();
    let mut reader = harness.reader(&topics.finals());
    reader.read_until_keys(&mut harness, &keys(&inputs));
    let tally = Tally::of(&reader, &topics.finals());

    assert!(
        tally.conflicting().is_empty(),
        "ids with two outcomes: {:?}",
        tally.conflicting()
    );
    assert_eq!(tally.repeats(), 0, "records repeated without any failure");
    assert_eq!(tally.by_key.len(), inputs.len());

    let count = |kind: &str| {
        expected
            .iter()
            .filter(|(outcome, _)| outcome == kind)
            .count()
    };
    let kafka = [
        tally.keys_in(&topics.enriched),
        tally.keys_in(&topics.duplicates),
        tally.keys_in(&topics.dlq),
    ];
    let process = [count("enriched"), count("duplicate"), count("rejected")];
    eprintln!(
        "e2e: {} inputs; kafka enriched/duplicate/dlq = {kafka:?}; process = {process:?}",
        inputs.len()
    );
    assert!(
        process[1] > 100 && process[2] > 40,
        "the input holds duplicates and bad lines"
    );
    assert_eq!(kafka, process);

    // Same decision per article, not only the same totals.
    let outcome_topic = |outcome: &str| match outcome {
        "enriched" => topics.enriched.as_str(),
        "duplicate" => topics.duplicates.as_str(),
        _ => topics.dlq.as_str(),
    };
    for ((outcome, _), input) in expected.iter().zip(&inputs) {
        let ended = tally.by_key[&input.key].keys().next().expect("an outcome");
        assert_eq!(ended, outcome_topic(outcome), "outcome of {}", input.key);
    }

    check_headers(&reader, &topics, &inputs);
    check_stories(&mut harness, &expected);
}

/// B-cubed F1 of grouping `a` against grouping `b`, over the articles `keep` keeps.
fn agreement(
    a: &BTreeSet<BTreeSet<String>>,
    b: &BTreeSet<BTreeSet<String>>,
    keep: impl Fn(&str) -> bool,
) -> f64 {
    let index = |groups: &BTreeSet<BTreeSet<String>>| -> BTreeMap<String, BTreeSet<String>> {
        groups
            .iter()
            .flat_map(|group| group.iter().map(move |id| (id.clone(), group.clone())))
            .collect()
    };
    let (a, b) = (index(a), index(b));
    let (mut precision, mut recall, mut n) = (0.0, 0.0, 0.0);
    for (id, in_a) in a.iter().filter(|(id, _)| keep(id)) {
        let Some(in_b) = b.get(id) else { continue };
        let shared = in_a.intersection(in_b).count() as f64;
        precision += shared / in_a.len() as f64;
        recall += shared / in_b.len() as f64;
        n += 1.0;
    }
    if n == 0.0 {
        return 0.0;
    }
    let (p, r) = (precision / n, recall / n);
    2.0 * p * r / (p + r)
}

/// Every enriched article reaches `news.storied` with a story, grouped with the same
/// articles as `newsflow process` grouped it (up to arrival order), and each story's newest state is on
/// the compacted `news.stories`, keyed by its id.
fn check_stories(harness: &mut Harness, expected: &[(String, Option<String>)]) {
    let topics = harness.topics.clone();
    let enriched: HashSet<String> = expected
        .iter()
        .filter(|(outcome, _)| outcome == "enriched")
        .filter_map(|(_, id)| id.clone())
        .collect();
    let mut reader = harness.reader(&[&topics.storied, &topics.stories]);
    reader.read_until_keys(harness, &enriched);
    let assigned: Vec<(String, String)> = reader
        .of(&topics.storied)
        .map(|record| {
            let value = record.json();
            let story = value["story"]["id"].as_str().expect("a story id");
            (record.key.clone().unwrap_or_default(), story.to_string())
        })
        .collect();
    let by_article: BTreeMap<&str, &str> = assigned
        .iter()
        .map(|(article, story)| (article.as_str(), story.as_str()))
        .collect();
    assert_eq!(
        by_article.len(),
        enriched.len(),
        "one story per enriched article"
    );
    let serve = groups(assigned.iter().cloned());
    let process = harness.process_stories();
    let multi = process.iter().filter(|group| group.len() > 1).count();
    // Story assignment is online, so it depends on arrival order, and through the
    // broker the articles of different languages and event types arrive in another
    // order than the input's (partitioned by language, then by story key). The
    // groupings must agree closely, not exactly: B-cubed F1 of one against the other.
    // The generated articles repeat sentences from a small pool, so many share the
    // four names that join articles without events (marks): their stories, opened by
    // whichever article arrives first, depend on order more than real ones (0.99
    // before marks; 0.945 and 0.967 in two runs with them; 0.964 and 0.971 since
    // marks most articles of a language carry count for nothing): both are held to
    // 0.9.
    let all = agreement(&serve, &process, |_| true);
    let real = agreement(&serve, &process, |id| !id.starts_with("gen-"));
    eprintln!(
        "e2e: {} stories ({multi} with more than one article) in process, {} through the \
         broker; agreement (B-cubed F1) {all:.4} overall, {real:.4} on the real articles",
        process.len(),
        serve.len()
    );
    assert!(multi > 0, "the input holds stories of several articles");
    assert!(
        all >= 0.9,
        "story groupings of serve and process differ: {all:.4}"
    );
    assert!(
        real >= 0.9,
        "real stories of serve and process differ: {real:.4}"
    );
    reader.read_to_end();
    let mut sizes: BTreeMap<String, u64> = BTreeMap::new();
    for record in reader.of(&topics.stories) {
        let value = record.json();
        assert_eq!(
            value["id"].as_str(),
            record.key.as_deref(),
            "keyed by story id"
        );
        // The newest state of each story wins, as compaction keeps it.
        sizes.insert(
            record.key.clone().unwrap_or_default(),
            value["articles"].as_u64().unwrap_or(0),
        );
    }
    let mut counted: BTreeMap<&str, u64> = BTreeMap::new();
    for story in by_article.values() {
        *counted.entry(story).or_default() += 1;
    }
    for (story, count) in counted {
        assert_eq!(sizes.get(story), Some(&count), "state of {story}");
    }
}

/// Schema version and stage on every output; the trace id of the input's
/// traceparent carried to the output, and a valid one generated otherwise.
fn check_headers(reader: &common::Reader, topics: &common::Topics, inputs: &[Input]) {
    let sent: BTreeMap<&str, &str> = inputs
        .iter()
        .filter_map(|input| {
            let header = input.headers.iter().find(|(k, _)| k == "traceparent")?;
            Some((input.key.as_str(), header.1.as_str()))
        })
        .collect();
    let mut carried = 0;
    for (topic, stage) in [
        (&topics.enriched, "tag"),
        (&topics.duplicates, "dedup"),
        (&topics.dlq, "lang"),
    ] {
        for record in reader.of(topic) {
            let key = record.key.as_deref().unwrap_or_default();
            assert_eq!(
                record.header("newsflow-stage"),
                Some(stage),
                "{topic} {key}"
            );
            assert_eq!(
                record.header("newsflow-schema-version"),
                Some("1"),
                "{topic} {key}"
            );
            let trace = record
                .header("traceparent")
                .and_then(trace_id)
                .unwrap_or_else(|| panic!("{topic} {key}: no valid traceparent"));
            if let Some(sent) = sent.get(key) {
                assert_eq!(
                    Some(trace),
                    trace_id(sent),
                    "{topic} {key}: trace id not carried"
                );
                carried += 1;
            }
        }
    }
    assert!(
        carried > 500,
        "only {carried} records had a traceparent to carry"
    );
}

#[test]
fn bad_records_reach_the_dlq_unchanged_and_the_pipeline_goes_on() {
    let mut harness = Harness::with_options(
        "bad",
        Options {
            max_record_bytes: Some(4_096),
            ..Options::default()
        },
    );
    harness.create_topics();
    let oversize = format!(
        r#"{{"id":"big","title":"Too long","body":"{}"}}"#,
        "word ".repeat(1_000)
    );
    let bad: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "b-json",
            br#"{"id":"b-json","title":"cut"#.to_vec(),
            "invalid_json",
        ),
        (
            "b-utf8",
            b"{\"id\":\"b-utf8\",\"title\":\"caf\xe9\",\"body\":\"bad \xff\xfe bytes\"}".to_vec(),
            "invalid_utf8",
        ),
        (
            "b-array",
            br#"[{"id":"b-array"}]"#.to_vec(),
            "not_an_object",
        ),
        ("b-number", b"42".to_vec(), "not_an_object"),
        ("b-big", oversize.into_bytes(), "too_large"),
        (
            "b-empty",
            br#"{"id":"b-empty","title":"","body":"   "}"#.to_vec(),
            "empty_body",
        ),
        (
            "b-noid",
            br#"{"title":"No id","body":"Nor a url."}"#.to_vec(),
            "missing_field",
        ),
    ];
    let good = Input {
        key: "after-the-bad-ones".into(),
        value: br#"{"id":"after-the-bad-ones","title":"Leaders meet in Geneva","body":"The leaders of France and Germany met in Geneva on Monday to discuss trade and security, officials said."}"#.to_vec(),
        headers: Vec::new(),
    };
    let mut inputs: Vec<Input> = bad
        .iter()
        .map(|(key, value, _)| Input {
            key: key.to_string(),
            value: value.clone(),
            headers: Vec::new(),
        })
        .collect();
    inputs.push(good);

    harness.serve_chain();
    let raw = harness.topics.raw.clone();
    let delivered = harness.producer().send(&raw, Some(0), &inputs);

    let topics = harness.topics.clone();
    let mut reader = harness.reader(&topics.finals());
    reader.read_until_keys(&mut harness, &keys(&inputs));

    let enriched: Vec<_> = reader.of(&topics.enriched).collect();
    assert_eq!(enriched.len(), 1, "only the good record is enriched");
    assert_eq!(enriched[0].key.as_deref(), Some("after-the-bad-ones"));
    assert_eq!(enriched[0].json()["outcome"], "enriched");

    let dlq: Vec<_> = reader.of(&topics.dlq).collect();
    assert_eq!(dlq.len(), bad.len());
    for ((key, value, code), at) in bad.iter().zip(&delivered) {
        let record = dlq
            .iter()
            .find(|r| r.key.as_deref() == Some(*key))
            .unwrap_or_else(|| panic!("{key} not in the DLQ"));
        if value.len() > 4_096 {
            // Larger than an input may be: a prefix, with the size to find it upstream.
            assert!(value.starts_with(&record.value), "{key}: not a prefix");
            assert_eq!(
                record.header("newsflow-original-bytes"),
                Some(value.len().to_string().as_str()),
                "{key}"
            );
        } else {
            assert_eq!(&record.value, value, "{key}: original bytes changed");
        }
        assert_eq!(record.header("newsflow-error-code"), Some(*code), "{key}");
        assert!(
            record
                .header("newsflow-error-message")
                .is_some_and(|m| !m.is_empty()),
            "{key}: no error message"
        );
        assert_eq!(record.header("newsflow-stage"), Some("lang"), "{key}");
        assert_eq!(
            record.header("newsflow-source-topic"),
            Some(raw.as_str()),
            "{key}"
        );
        assert_eq!(
            record.header("newsflow-source-partition"),
            Some(at.partition.to_string().as_str()),
            "{key}"
        );
        assert_eq!(
            record.header("newsflow-source-offset"),
            Some(at.offset.to_string().as_str()),
            "{key}"
        );
    }
    let codes: HashSet<_> = dlq
        .iter()
        .filter_map(|r| r.header("newsflow-error-code"))
        .collect();
    assert_eq!(codes.len(), 6, "every error code was exercised: {codes:?}");
}

#[test]
fn serve_all_decides_like_process() {
    let mut harness = Harness::new("all");
    harness.create_topics();
    let inputs = generated(12, 400, 0.05);
    let input_file = harness.dir().join("input.jsonl");
    write_jsonl(&input_file, &inputs);
    let expected = harness.process(&input_file);

    harness.serve("all");
    harness
        .producer()
        .send(&harness.topics.raw.clone(), Some(0), &inputs);
    let topics = harness.topics.clone();
    let mut reader = harness.reader(&topics.finals());
    reader.read_until_keys(&mut harness, &keys(&inputs));
    let tally = Tally::of(&reader, &topics.finals());

    assert!(
        tally.conflicting().is_empty(),
        "ids with two outcomes: {:?}",
        tally.conflicting()
    );
    assert_eq!(tally.repeats(), 0);
    let count = |kind: &str| {
        expected
            .iter()
            .filter(|(outcome, _)| outcome == kind)
            .count()
    };
    assert_eq!(
        [
            tally.keys_in(&topics.enriched),
            tally.keys_in(&topics.duplicates),
            tally.keys_in(&topics.dlq)
        ],
        [count("enriched"), count("duplicate"), count("rejected")]
    );
}
