//! Runs `newsflow eval` on the labelled set and holds the quality floors of the
//! core issue (language accuracy, duplicate precision and recall, English event F1) and
//! of native multilingual tagging (event F1 in each of ten languages, English higher,
//! status accuracy, no confuser firing, 30 articles per language).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn eval_report() -> Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(env!("CARGO_BIN_EXE_newsflow"))
        .current_dir(root)
        .args([
            "eval",
            "--input",
            "tests/eval/articles.jsonl",
            "--labels",
            "tests/eval/labels.jsonl",
            "--json",
        ])
        .output()
        .expect("newsflow runs");
    assert!(
        output.status.success(),
        "newsflow eval failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("eval --json prints one JSON report")
}

fn figure(report: &Value, pointer: &str) -> f64 {
    report
        .pointer(pointer)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("report has no {pointer}"))
}

#[test]
fn labelled_set_meets_the_quality_floors() {
    let report = eval_report();
    assert!(
        report["labels"].as_u64().unwrap_or(0) >= 150,
        "the set has at least 150 articles"
    );
    assert_eq!(
        report["missing"].as_array().map(Vec::len),
        Some(0),
        "every labelled article gets an outcome"
    );
    let floors = [
        ("/language/overall/accuracy", 0.97),
        ("/duplicates/precision", 0.98),
        ("/duplicates/recall", 0.90),
        ("/events/per_language/en/f1", 0.85),
    ];
    let failures: Vec<String> = floors
        .iter()
        .filter(|(pointer, floor)| figure(&report, pointer) < *floor)
        .map(|(pointer, floor)| format!("{pointer} = {:.3} < {floor}", figure(&report, pointer)))
        .collect();
    assert!(failures.is_empty(), "below the floors: {failures:?}");
}

/// The ten languages events are tagged in natively.
const LANGUAGES: [&str; 10] = ["en", "fr", "de", "es", "it", "pt", "ru", "zh", "ja", "ar"];

#[test]
fn every_language_is_tagged_natively_at_the_floors() {
    let report = eval_report();
    let mut floors: Vec<(String, f64)> = LANGUAGES
        .iter()
        .map(|language| (format!("/events/per_language/{language}/f1"), 0.85))
        .collect();
    floors.push(("/events/per_language/en/f1".into(), 0.9));
    floors.push(("/events/status/accuracy".into(), 0.85));
    let failures: Vec<String> = floors
        .iter()
        .filter(|(pointer, floor)| figure(&report, pointer) < *floor)
        .map(|(pointer, floor)| format!("{pointer} = {:.3} < {floor}", figure(&report, pointer)))
        .collect();
    assert!(failures.is_empty(), "below the floors: {failures:?}");

    for language in LANGUAGES {
        let articles = figure(&report, &format!("/language/per_language/{language}/total"));
        assert!(articles >= 30.0, "{language}: {articles} labelled articles");
    }
    assert_eq!(
        report.pointer("/confusers/fired").and_then(Value::as_u64),
        Some(0),
        "confusers that fired: {}",
        report["confusers"]["fired_ids"]
    );
}
