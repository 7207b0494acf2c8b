//! A service never wedges (issue 12), through the real binary and the test broker:
//! records past the size limits, a config whose limits disagree, forged changelog
//! records, and secrets in librdkafka's error texts.
//!
//! Run with `scripts/test`, which starts the broker.

mod common;

use std::collections::HashSet;
use std::fs;
use std::process::Output;

use common::{http_get, metric, wait_until, Harness, Input, Options};
use sha2::{Digest, Sha256};

fn article(id: &str, body: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "id": id,
        "url": format!("https://example.com/{id}"),
        "source": "wire",
        "title": format!("Report {id}"),
        "body": body,
        "published_at": "2026-11-30T08:00:00Z",
    }))
    .expect("json")
}

/// Plain sentences, exactly `bytes` long; every three words in a row hold a word
/// of `seed`'s own, so texts of different seeds are not near duplicates.
fn text(seed: &str, bytes: usize) -> String {
    let mut body = String::with_capacity(bytes + 64);
    let mut n = 0;
    while body.len() < bytes {
        body.push_str(&format!("Markets {seed}{n} moved {seed}q{n} sharply. "));
        n += 1;
    }
    body.truncate(bytes);
    body
}

/// A log without terminal colour codes.
fn strip_ansi(log: &str) -> String {
    let mut out = String::with_capacity(log.len());
    let mut chars = log.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn produce_file(harness: &Harness, topic: &str, lines: &[Vec<u8>]) -> Output {
    let path = harness.dir().join(format!("produce-{topic}.jsonl"));
    let mut file = Vec::new();
    for line in lines {
        file.extend_from_slice(line);
        file.push(b'\n');
    }
    fs::write(&path, file).expect("write the input file");
    harness
        .command()
        .args(["produce", "--topic", topic, "--brokers", &harness.brokers])
        .arg("--input")
        .arg(&path)
        .output()
        .expect("run newsflow produce")
}

#[test]
fn records_past_the_size_limits_are_dead_lettered_with_prefix_size_and_hash_and_the_rest_flows() {
    let max = 50_000;
    let mut harness = Harness::with_options(
        "size",
        Options {
            max_record_bytes: Some(max),
            ..Options::default()
        },
    );
    harness.create_topics();
    let topics = harness.topics.clone();

    // Through `newsflow produce`: a record near the input limit, one over it.
    let near = article("near-limit", &text("near", max - 2_000));
    let over = article("over-limit", &text("over", max + 10_000));
    let good = article(
        "good",
        "Leaders met in Geneva on Monday to sign the agreement.",
    );
    let produced = produce_file(&harness, &topics.raw, &[near.clone(), over.clone(), good]);
    assert!(
        produced.status.success(),
        "newsflow produce failed: {}",
        String::from_utf8_lossy(&produced.stderr)
    );

    // Straight into news.lang, as an upstream stage breaking its bound would write
    // it: a valid article whose dedup output is larger than any output may be.
    let limits_output = 3 * max + 64 * 1024;
    let forged_with = |body: &str| {
        let mut forged: serde_json::Value =
            serde_json::from_slice(&article("stage-output-too-large", body)).expect("json");
        forged["language"] = serde_json::json!({
            "code": "en", "iso639_3": "eng", "script": "Latin", "confidence": 1.0, "reliable": true
        });
        serde_json::to_vec(&forged).expect("json")
    };
    // 20 bytes under the output limit: the dedup field it gains takes it over.
    let overhead = forged_with("").len();
    let forged = forged_with(&text("forged", limits_output - 20 - overhead));
    assert_eq!(forged.len(), limits_output - 20);
    harness.producer().send(
        &topics.lang,
        Some(0),
        &[Input {
            key: "stage-output-too-large".into(),
            value: forged.clone(),
            headers: Vec::new(),
        }],
    );

    let (lang, lang_metrics) = harness.serve_with_metrics("lang");
    let (dedup, dedup_metrics) = harness.serve_with_metrics("dedup");
    harness.serve("tag");

    let keys: HashSet<String> = ["near-limit", "over-limit", "good", "stage-output-too-large"]
        .into_iter()
        .map(String::from)
        .collect();
    let mut reader = harness.reader(&topics.finals());
    reader.read_until_keys(&mut harness, &keys);
    let finals: Vec<_> = reader.records.clone();
    let only = |key: &str| {
        let found: Vec<_> = finals
            .iter()
            .filter(|r| r.key.as_deref() == Some(key))
            .collect();
        assert_eq!(found.len(), 1, "{key} ended {} times", found.len());
        found[0].clone()
    };

    assert_eq!(only("good").topic, topics.enriched);
    assert_eq!(only("near-limit").topic, topics.enriched);

    let dead = only("over-limit");
    assert_eq!(dead.topic, topics.dlq);
    assert_eq!(dead.header("newsflow-error-code"), Some("too_large"));
    assert_eq!(dead.header("newsflow-stage"), Some("lang"));
    assert!(dead.value.len() <= 64 * 1024 && over.starts_with(&dead.value));
    assert_eq!(
        dead.header("newsflow-original-bytes"),
        Some(over.len().to_string().as_str())
    );
    assert_eq!(
        dead.header("newsflow-original-sha256"),
        Some(hex_sha256(&over).as_str())
    );

    let refused = only("stage-output-too-large");
    assert_eq!(refused.topic, topics.dlq);
    assert_eq!(refused.header("newsflow-error-code"), Some("too_large"));
    assert_eq!(refused.header("newsflow-stage"), Some("dedup"));
    assert_eq!(
        refused.header("newsflow-source-topic"),
        Some(topics.lang.as_str())
    );
    assert_eq!(
        refused.header("newsflow-original-sha256"),
        Some(hex_sha256(&forged).as_str()),
        "the input's hash, to find it upstream"
    );

    // Counted once the dead-letter write was acknowledged, by the stage that wrote it.
    let count = |addr: &str, series: &str| {
        http_get(addr, "/metrics").and_then(|(_, page)| metric(&page, series))
    };
    wait_until("the DLQ counters", || {
        count(
            &lang_metrics,
            r#"newsflow_dlq_records_total{code="too_large",stage="lang"}"#,
        ) == Some(1.0)
            && count(
                &dedup_metrics,
                r#"newsflow_dlq_records_total{code="too_large",stage="dedup"}"#,
            ) == Some(1.0)
    });
    assert!(
        harness
            .log_of(dedup)
            .contains("Output can never be written"),
        "the refused output is logged"
    );
    harness.assert_running(lang);
    harness.assert_running(dedup);
}

#[test]
fn produce_sends_a_record_up_to_the_input_limit() {
    // The default limit (2 MiB): a 1.6 MB record, which librdkafka's default
    // message.max.bytes (1 MB) refused before.
    let harness = Harness::new("produce-big");
    harness.create_topics();
    let big = article("big", &text("big", 1_600_000));
    let produced = produce_file(&harness, &harness.topics.raw, std::slice::from_ref(&big));
    assert!(
        produced.status.success(),
        "newsflow produce failed: {}",
        String::from_utf8_lossy(&produced.stderr)
    );
    let mut reader = harness.reader(&[&harness.topics.raw]);
    reader.read_to_end();
    assert_eq!(reader.records.len(), 1);
    assert_eq!(reader.records[0].value, big);
}

#[test]
fn a_config_where_an_accepted_input_cannot_be_written_out_is_refused() {
    let mut harness = Harness::with_options(
        "limits",
        Options {
            extra: Some("[kafka.producer]\n\"message.max.bytes\" = \"1000000\"\n".into()),
            ..Options::default()
        },
    );
    harness.create_topics();
    let service = harness.serve("lang");
    let status = harness
        .wait_exit(service, common::DEADLINE)
        .expect("a service with disagreeing limits stops");
    assert!(!status.success());
    let log = harness.log_of(service);
    assert!(
        log.contains("message.max.bytes") && log.contains("max_record_bytes"),
        "{log}"
    );
}

#[test]
fn forged_and_malformed_changelog_records_neither_empty_the_index_nor_pass_silently() {
    let mut harness = Harness::new("changelog");
    harness.create_topics();
    let topics = harness.topics.clone();
    let lang = harness.serve("lang");
    let (dedup, _) = harness.serve_with_metrics("dedup");

    let originals: Vec<Input> = (0..40)
        .map(|i| {
            let id = format!("orig-{i}");
            Input {
                key: id.clone(),
                value: article(&id, &text(&format!("story{i}"), 1_500)),
                headers: Vec::new(),
            }
        })
        .collect();
    let producer = harness.producer();
    producer.send(&topics.raw, None, &originals);
    let mut unique = harness.reader(&[&topics.unique]);
    let original_keys = common::keys(&originals);
    harness.wait_keys_in(&mut unique, &topics.unique, &original_keys, originals.len());
    harness.sigterm(dedup);
    harness
        .wait_exit(dedup, common::DEADLINE)
        .expect("dedup stops");

    // A real entry, re-dated to the year 3000 under other ids, and garbage.
    let mut state = harness.reader(&[&topics.dedup_state]);
    state.read_to_end();
    let real: serde_json::Value = state.records[0].json();
    let mut forged = Vec::new();
    for i in 0..6 {
        let mut entry = real.clone();
        entry["id"] = format!("forged-{i}").into();
        entry["exact"] = (i as u64 + 1).into();
        entry["admitted_at"] = 32_503_680_000i64.into();
        forged.push(serde_json::to_vec(&entry).expect("json"));
    }
    let mut versioned = real.clone();
    versioned["version"] = 99.into();
    let malformed: Vec<Vec<u8>> = vec![
        b"not json".to_vec(),
        b"{}".to_vec(),
        serde_json::to_vec(&versioned).expect("json"),
    ];
    for partition in 0..common::PARTITIONS {
        let records: Vec<Input> = forged
            .iter()
            .chain(&malformed)
            .enumerate()
            .map(|(i, value)| Input {
                key: format!("bad-{partition}-{i}"),
                value: value.clone(),
                headers: Vec::new(),
            })
            .collect();
        producer.send(&topics.dedup_state, Some(partition), &records);
    }

    let (dedup, metrics) = harness.serve_with_metrics("dedup");
    harness.wait_log(dedup, "State rebuilt from the changelog");

    // Exact copies of every original under new ids: all must be caught.
    let copies: Vec<Input> = originals
        .iter()
        .enumerate()
        .map(|(i, original)| {
            let id = format!("copy-{i}");
            Input {
                key: id.clone(),
                value: article(&id, &text(&format!("story{i}"), 1_500)),
                headers: original.headers.clone(),
            }
        })
        .collect();
    producer.send(&topics.raw, None, &copies);
    let mut reader = harness.reader(&[&topics.duplicates, &topics.unique]);
    let copy_keys = common::keys(&copies);
    reader.read_until_keys(&mut harness, &copy_keys);
    let passed: Vec<_> = reader
        .of(&topics.unique)
        .filter_map(|r| r.key.clone())
        .filter(|k| copy_keys.contains(k))
        .collect();
    assert!(passed.is_empty(), "copies passed as unique: {passed:?}");

    let page = http_get(&metrics, "/metrics").expect("dedup metrics").1;
    let skipped = |reason: &str| {
        metric(
            &page,
            &format!("newsflow_restore_skipped_total{{reason=\"{reason}\",stage=\"dedup\"}}"),
        )
        .unwrap_or(0.0)
    };
    assert!(skipped("invalid_json") >= 2.0, "{page}");
    assert!(skipped("version") >= 1.0);
    assert!(
        metric(&page, r#"newsflow_restore_clamped_total{stage="dedup"}"#).unwrap_or(0.0) >= 6.0
    );
    let log = strip_ansi(&harness.log_of(dedup));
    assert!(
        log.lines()
            .any(|line| line.contains("Invalid changelog record skipped")
                && line.contains("offset=")),
        "skipped records are logged with their offset:\n{log}"
    );
    assert!(log.contains("Changelog record from the future"));
    harness.assert_running(lang);
}

#[test]
fn secrets_echoed_by_librdkafka_never_leave_the_process() {
    const SECRET: &str = "S3CRETPW";
    // A misspelled secret key: librdkafka refuses the unknown property and echoes its
    // value. (The build now has TLS, so `ssl.key.password` is a supported property and
    // no longer makes the commands fail.)
    for (key, name) in [("sasl.passwrd", "secret-misspelled")] {
        let harness = Harness::with_options(
            name,
            Options {
                kafka_common: vec![(key.to_string(), SECRET.to_string())],
                ..Options::default()
            },
        );
        let raw = harness.topics.raw.clone();
        let commands: [&[&str]; 4] = [
            &["topics", "create"],
            &["produce", "--topic", &raw, "--input", "/dev/null"],
            &["tail", "--topic", &raw],
            &["serve", "lang"],
        ];
        for args in commands {
            for format in ["text", "json"] {
                let output = harness
                    .command()
                    .arg("--log-format")
                    .arg(format)
                    .args(args)
                    .args(["--brokers", &harness.brokers])
                    .env("RUST_LOG", "debug")
                    .output()
                    .expect("run newsflow");
                let shown = format!(
                    "{}{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                );
                assert!(
                    !output.status.success(),
                    "{args:?} with {key} should fail:\n{shown}"
                );
                assert!(
                    !shown.contains(SECRET),
                    "{args:?} ({format}) leaked {key}'s value:\n{shown}"
                );
                assert!(
                    shown.contains("[redacted]"),
                    "{args:?} ({format}):\n{shown}"
                );
            }
        }
    }
}
