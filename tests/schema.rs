//! The published JSON Schemas (`config/schema/`) against what newsflow really reads
//! and writes: every line the `newsflow process` binary writes validates against the
//! outcome schema, and the raw schema accepts the records the clean step accepts and
//! refuses the ones it rejects.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use jsonschema::Validator;
use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn validator(name: &str) -> Validator {
    let path = root().join("config/schema").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{} is not a valid schema: {e}", path.display()))
}

/// Runs `newsflow process` over `input` (JSONL bytes) and returns its output lines.
fn process(input: &[u8]) -> Vec<Value> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsflow"))
        .arg("--config")
        .arg(root().join("config/newsflow.toml"))
        .args(["process", "--input", "-", "--output", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the newsflow binary starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_vec();
    // Written from another thread so that a full stdout pipe cannot deadlock us.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("newsflow process runs");
    writer
        .join()
        .expect("writer thread")
        .expect("input written");
    assert!(
        output.status.success(),
        "newsflow process failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("output is UTF-8")
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("output line {line:?}: {e}"))
        })
        .collect()
}

fn errors(validator: &Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn assert_all_valid(outputs: &[Value]) {
    let schema = validator("outcome.schema.json");
    for (line, output) in outputs.iter().enumerate() {
        let errors = errors(&schema, output);
        assert!(
            errors.is_empty(),
            "output line {} does not match outcome.schema.json: {errors:#?}\n{output:#}",
            line + 1
        );
    }
}

const STORY: &str = "Foreign ministers of the two countries met in Geneva on Tuesday to prepare a summit planned for next month, officials said.\n\nThe talks covered trade, energy and a long-running border dispute. Neither side gave details of an agreement.";

/// Records covering every outcome and every rejection code, with the expected kind.
fn built_records() -> Vec<(Vec<u8>, &'static str)> {
    let record = |value: Value| value.to_string().into_bytes();
    vec![
        (
            record(
                json!({"id": "s1", "source": "Example Wire", "title": "Ministers meet in Geneva", "body": STORY, "published_at": "2025-06-03T09:00:00Z", "language": "en", "section": "world"}),
            ),
            "enriched",
        ),
        (
            record(
                json!({"id": "s2", "source": "Other Paper", "title": "Ministers meet in Geneva", "body": STORY}),
            ),
            "duplicate",
        ),
        (
            record(
                json!({"url": "https://news.example.org/europe/strike/?utm_source=x", "title": "Grève des transports à Paris", "body": "<p>Les syndicats ont appelé à une grève nationale des transports jeudi.</p><p>Le gouvernement a dit rester ouvert au dialogue.</p><div>Publicité</div>", "published_at": "next week"}),
            ),
            "enriched",
        ),
        (b"{\"id\": \"broken\", \"body\": ".to_vec(), "invalid_json"),
        (
            b"{\"id\":\"u1\",\"body\":\"caf\xe9\"}".to_vec(),
            "invalid_utf8",
        ),
        (b"[\"not\", \"an\", \"object\"]".to_vec(), "not_an_object"),
        (
            record(json!({"title": "No id, no url", "body": "Text."})),
            "missing_field",
        ),
        (
            record(json!({"id": "n", "title": 12, "body": "Text."})),
            "missing_field",
        ),
        (
            record(json!({"id": "e", "title": " ", "body": "<p></p><p>Advertisement</p>"})),
            "empty_body",
        ),
        (
            record(json!({"id": "big", "body": "word ".repeat(2 * 1024 * 1024 / 5 + 1)})),
            "too_large",
        ),
    ]
}

fn kind(output: &Value) -> &str {
    match output["outcome"].as_str() {
        Some("rejected") => output["error"]["code"].as_str().unwrap_or("?"),
        Some(other) => other,
        None => "?",
    }
}

#[test]
fn every_outcome_of_built_records_matches_the_schema() {
    let records = built_records();
    let mut input = Vec::new();
    for (record, _) in &records {
        input.extend_from_slice(record);
        input.push(b'\n');
    }
    let outputs = process(&input);
    assert_eq!(
        outputs.len(),
        records.len(),
        "one output line per input line"
    );
    let kinds: Vec<&str> = outputs.iter().map(kind).collect();
    let expected: Vec<&str> = records.iter().map(|(_, kind)| *kind).collect();
    assert_eq!(kinds, expected);
    assert_all_valid(&outputs);
    assert_eq!(outputs[3]["input_line"], 4);
    assert_eq!(outputs[2]["published_at_invalid"], "next week");
    assert!(outputs[2]["id"]
        .as_str()
        .is_some_and(|id| id.starts_with("url:")));
}

#[test]
fn every_outcome_of_the_sample_matches_the_schema() {
    let sample = root().join("config/samples/articles.jsonl");
    let input = match std::fs::read(&sample) {
        Ok(input) => input,
        // Without the sample, the built records above stand in for it.
        Err(_) => return every_outcome_of_built_records_matches_the_schema(),
    };
    let lines = input
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    let outputs = process(&input);
    assert_eq!(
        outputs.len(),
        lines,
        "one output line per input line of {}",
        sample.display()
    );
    assert_all_valid(&outputs);
}

fn good_raw_records() -> Vec<Value> {
    vec![
        json!({"id": "a1", "title": "Talks resume", "body": "Talks resumed on Tuesday."}),
        json!({"url": "https://example.com/a", "body": "<p>Only a body, in HTML.</p>"}),
        json!({"id": "a3", "title": "Only a title", "body": null, "url": null, "language": null}),
        json!({"id": "a4", "url": "https://example.com/b", "source": "Example", "title": "T", "body": "B", "published_at": "2025-09-03T10:00:00+08:00", "language": "en", "tags": ["x"], "section": {"name": "world"}}),
    ]
}

/// Records the clean step rejects for their shape, whatever their text.
fn bad_raw_records() -> Vec<Value> {
    vec![
        json!(["an", "array"]),
        json!("a string"),
        json!({"title": "No id or url", "body": "Text."}),
        json!({"id": "", "title": "Blank id, no url", "body": "Text."}),
        json!({"url": "not a url", "body": "Text."}),
        json!({"id": "b1"}),
        json!({"id": "b2", "title": "  ", "body": ""}),
        json!({"id": "b3", "title": 5, "body": "Text."}),
        json!({"id": 7, "body": "Text."}),
        json!({"id": "b4", "body": ["paragraph"]}),
        json!({"id": "b5", "body": "Text.", "published_at": 1757000000}),
        json!({"id": "b6", "body": "Text.", "language": {"code": "en"}}),
    ]
}

#[test]
fn the_raw_schema_accepts_good_records_and_refuses_bad_ones() {
    let schema = validator("raw-article.schema.json");
    for record in good_raw_records() {
        assert_eq!(errors(&schema, &record), Vec::<String>::new(), "{record}");
    }
    for record in bad_raw_records() {
        assert!(!schema.is_valid(&record), "accepted: {record}");
    }
    // A malformed date is refused by the schema, though the clean step only sets it aside.
    assert!(!schema.is_valid(&json!({"id": "d", "body": "Text.", "published_at": "yesterday"})));
}

#[test]
fn the_raw_schema_and_the_clean_step_agree() {
    let records: Vec<(Value, bool)> = good_raw_records()
        .into_iter()
        .map(|r| (r, true))
        .chain(bad_raw_records().into_iter().map(|r| (r, false)))
        .collect();
    let input: Vec<u8> = records
        .iter()
        .flat_map(|(record, _)| format!("{record}\n").into_bytes())
        .collect();
    let outputs = process(&input);
    assert_eq!(outputs.len(), records.len());
    for ((record, good), output) in records.iter().zip(&outputs) {
        let rejected = output["outcome"] == "rejected";
        assert_eq!(rejected, !good, "{record} gave {output}");
    }
}

#[test]
fn the_outcome_schema_refuses_malformed_outcomes() {
    let schema = validator("outcome.schema.json");
    let rejected = json!({"outcome": "rejected", "input_line": 3, "error": {"code": "invalid_json", "message": "bad"}});
    assert!(schema.is_valid(&rejected));
    let language = json!({"code": "en", "iso639_3": "eng", "script": "Latin", "confidence": 0.9, "reliable": true});
    let duplicate = json!({"outcome": "duplicate", "id": "b", "language": language, "dedup": {"status": "near", "duplicate_of": "a", "similarity": 0.93}});
    assert!(schema.is_valid(&duplicate));
    let enriched = json!({
        "outcome": "enriched", "id": "a", "title": "T", "body": "One.\n\nTwo.", "language": language,
        "dedup": {"status": "unique", "fingerprint": "00ff00ff00ff00ff"}, "events": [],
        "entities": {"people": [], "countries": [], "places": []}, "section": "world"
    });
    assert!(
        schema.is_valid(&enriched),
        "{:#?}",
        errors(&schema, &enriched)
    );

    let mut bad = Vec::new();
    let mut with = |base: &Value, pointer: &str, value: Value| {
        let mut changed = base.clone();
        *changed.pointer_mut(pointer).expect("pointer exists") = value;
        bad.push(changed);
    };
    with(&rejected, "/error/code", json!("no_such_code"));
    with(&rejected, "/outcome", json!("dropped"));
    with(&duplicate, "/dedup/status", json!("unique"));
    with(&duplicate, "/dedup/similarity", json!(1.5));
    with(&enriched, "/dedup/status", json!("near"));
    with(&enriched, "/body", json!("One.\n\n\nTwo."));
    with(&enriched, "/language/confidence", json!("high"));
    with(
        &enriched,
        "/entities/countries",
        json!([{"code": "China", "name": "China"}]),
    );
    for instance in bad {
        assert!(!schema.is_valid(&instance), "accepted: {instance}");
    }
    let mut no_dedup = enriched.clone();
    if let Some(object) = no_dedup.as_object_mut() {
        object.remove("dedup");
    }
    assert!(!schema.is_valid(&no_dedup));
}
