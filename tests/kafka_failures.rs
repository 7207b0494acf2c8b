//! The services under failure, through a real broker: `kill -9` under load,
//! dedup state rebuilt after a restart, a replica leaving its group, and SIGTERM
//! during load. Nothing may be lost; repeats are reported.
//!
//! Run with `scripts/test`, which starts the broker.

mod common;

use std::time::Duration;

use common::{generated, generated_with, keys, Harness, Input, Tally, SHUTDOWN_TIMEOUT};
use newsflow_gen::GeneratorConfig;

/// Time a service gets beyond its own shutdown budget to exit: process start-up
/// and the broker round trips of the final commit.
const EXIT_MARGIN: Duration = Duration::from_secs(10);

#[test]
fn killed_services_restart_and_every_input_still_ends() {
    let mut harness = Harness::new("crash");
    harness.create_topics();
    let topics = harness.topics.clone();
    let inputs = generated(21, 3_000, 0.03);
    let producer = harness.producer();
    let mut services = harness.serve_chain();

    // One batch per victim: the victim is killed once it has written the first
    // records of its batch, so it dies with most of the batch still to do.
    let stages = [
        ("lang", &topics.lang),
        ("dedup", &topics.unique),
        ("tag", &topics.enriched),
    ];
    let mut progress = harness.reader(&[&topics.lang, &topics.unique, &topics.enriched]);
    for (index, (batch, (stage, output))) in inputs.chunks(1_000).zip(stages).enumerate() {
        producer.send(&topics.raw, None, batch);
        harness.wait_keys_in(&mut progress, output, &keys(batch), 50);
        harness.kill9(services[index]);
        eprintln!("crash: killed {stage} under load");
        services[index] = harness.serve(stage);
    }

    let mut reader = harness.reader(&topics.finals());
    reader.read_until_keys(&mut harness, &keys(&inputs));
    let tally = Tally::of(&reader, &topics.finals());
    eprintln!(
        "crash: {} inputs, {} final records, {} redelivered",
        inputs.len(),
        tally.records.values().sum::<usize>(),
        tally.repeats()
    );
    assert_eq!(tally.by_key.len(), inputs.len());
    assert!(
        tally.conflicting().is_empty(),
        "ids with two outcomes: {:?}",
        tally.conflicting()
    );
    for service in services {
        harness.assert_running(service);
    }
}

#[test]
fn articles_admitted_before_a_dedup_restart_are_duplicates_after_it() {
    let mut harness = Harness::new("restart");
    harness.create_topics();
    let topics = harness.topics.clone();
    let originals = generated_with(GeneratorConfig {
        articles: 300,
        body_bytes: 1_200,
        duplicate_share: 0.0,
        near_duplicate_share: 0.0,
        bad_share: 0.0,
        seed: 31,
        ..GeneratorConfig::default()
    });
    let [_, dedup, _, _] = harness.serve_chain();
    let producer = harness.producer();
    producer.send(&topics.raw, None, &originals);
    let mut reader = harness.reader(&[&topics.enriched, &topics.duplicates, &topics.unique]);
    reader.read_until_keys(&mut harness, &keys(&originals));
    let admitted: Vec<&Input> = originals
        .iter()
        .filter(|o| {
            reader
                .of(&topics.unique)
                .any(|r| r.key.as_ref() == Some(&o.key))
        })
        .collect();
    // Admitted means what dedup let through (news.unique): the index holds exactly
    // those. (news.enriched would race with the tag service's start-up.)
    assert!(
        admitted.len() > originals.len() / 2,
        "only {} originals were admitted",
        admitted.len()
    );

    harness.sigterm(dedup);
    let status = harness.wait_exit(dedup, SHUTDOWN_TIMEOUT + EXIT_MARGIN);
    assert!(
        status.is_some_and(|s| s.success()),
        "dedup shutdown: {status:?}"
    );
    harness.serve("dedup");

    // The same texts under new ids, as another outlet would syndicate them.
    let copies: Vec<Input> = admitted
        .iter()
        .map(|original| {
            let mut json: serde_json::Value =
                serde_json::from_slice(&original.value).expect("generated JSON");
            let id = format!("copy-of-{}", original.key);
            json["id"] = id.clone().into();
            json["url"] = format!("https://syndicated.example/{id}").into();
            Input {
                key: id,
                value: json.to_string().into_bytes(),
                headers: Vec::new(),
            }
        })
        .collect();
    producer.send(&topics.raw, None, &copies);
    reader.read_until_keys(&mut harness, &keys(&copies));

    // The new instance must not have met the originals again (that would find the
    // copies without the changelog): the originals were committed before the restart.
    reader.read_to_end();
    let mut seen = std::collections::HashSet::new();
    let readmitted: Vec<_> = reader
        .of(&topics.unique)
        .filter_map(|r| r.key.clone())
        .filter(|key| !seen.insert(key.clone()))
        .collect();
    assert!(
        readmitted.is_empty(),
        "the restarted dedup met {} originals again: {:?}",
        readmitted.len(),
        &readmitted[..readmitted.len().min(5)]
    );
    for (copy, original) in copies.iter().zip(&admitted) {
        let record = reader
            .of(&topics.duplicates)
            .find(|r| r.key.as_ref() == Some(&copy.key))
            .unwrap_or_else(|| panic!("{} was not found as a duplicate", copy.key));
        let dedup = &record.json()["dedup"];
        assert_eq!(dedup["status"], "exact", "{}", copy.key);
        assert_eq!(dedup["duplicate_of"], original.key.as_str(), "{}", copy.key);
    }
    eprintln!(
        "restart: {} copies found as duplicates after the restart",
        copies.len()
    );
}

#[test]
fn two_tag_replicas_share_the_work_and_lose_nothing_when_one_leaves() {
    let mut harness = Harness::new("scale");
    harness.create_topics();
    let topics = harness.topics.clone();
    let inputs = generated(41, 3_000, 0.0);
    let (first, second) = inputs.split_at(inputs.len() / 2);
    harness.serve("lang");
    harness.serve("dedup");
    let leaving = harness.serve("tag");
    let staying = harness.serve("tag");
    // The group is shared once the later replica got its partitions. (Asking the
    // broker would be cleaner, but Tansu answers DescribeGroups with no groups.)
    harness.wait_log(staying, "Partitions assigned");

    let producer = harness.producer();
    producer.send(&topics.raw, None, first);
    let mut progress = harness.reader(&[&topics.enriched]);
    harness.wait_keys_in(&mut progress, &topics.enriched, &keys(first), 200);
    harness.sigterm(leaving);
    let status = harness.wait_exit(leaving, SHUTDOWN_TIMEOUT + EXIT_MARGIN);
    assert!(
        status.is_some_and(|s| s.success()),
        "replica shutdown: {status:?}"
    );
    producer.send(&topics.raw, None, second);

    let mut reader = harness.reader(&topics.finals());
    reader.read_until_keys(&mut harness, &keys(&inputs));
    let tally = Tally::of(&reader, &topics.finals());
    eprintln!(
        "scale-out: {} inputs, {} enriched records for {} ids, {} repeated",
        inputs.len(),
        tally
            .records
            .get(&topics.enriched)
            .copied()
            .unwrap_or_default(),
        tally.keys_in(&topics.enriched),
        tally.repeats()
    );
    assert!(
        tally.conflicting().is_empty(),
        "ids with two outcomes: {:?}",
        tally.conflicting()
    );
    assert_eq!(
        tally.repeats(),
        0,
        "a replica leaving cleanly must not cause repeats"
    );
    harness.assert_running(staying);
}

#[test]
fn sigterm_during_load_exits_zero_and_loses_nothing() {
    let mut harness = Harness::new("shutdown");
    harness.create_topics();
    let topics = harness.topics.clone();
    let inputs = generated(51, 3_000, 0.02);
    let services = harness.serve_chain();
    harness.producer().send(&topics.raw, None, &inputs);
    let mut progress = harness.reader(&[&topics.enriched]);
    harness.wait_keys_in(&mut progress, &topics.enriched, &keys(&inputs), 200);

    for service in services {
        harness.sigterm(service);
    }
    for service in services {
        let status = harness.wait_exit(service, SHUTDOWN_TIMEOUT + EXIT_MARGIN);
        assert!(
            status.is_some_and(|s| s.success()),
            "shutdown exit: {status:?}"
        );
    }
    progress.read_to_end();
    eprintln!(
        "shutdown: stopped with {} records enriched of {} inputs",
        progress.records.len(),
        inputs.len()
    );

    harness.serve_chain();
    let mut reader = harness.reader(&topics.finals());
    reader.read_until_keys(&mut harness, &keys(&inputs));
    let tally = Tally::of(&reader, &topics.finals());
    eprintln!("shutdown: {} repeated after the restart", tally.repeats());
    assert!(
        tally.conflicting().is_empty(),
        "ids with two outcomes: {:?}",
        tally.conflicting()
    );
    assert_eq!(
        tally.repeats(),
        0,
        "a drained shutdown must not cause repeats"
    );
}
