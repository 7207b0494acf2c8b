use std::io::{Read, Write};
use std::net::TcpStream;

use newsflow_record::ErrorCode;

use crate::{Health, Metrics, RecordOutcome, StageMetrics, LANGUAGES};

/// Every family name `Metrics::new` declares, as exported.
const DECLARED: [&str; 16] = [
    "newsflow_stage_records_total",
    "newsflow_stage_bytes_total",
    "newsflow_stage_processing_seconds",
    "newsflow_stage_in_flight",
    "newsflow_kafka_consumer_lag",
    "newsflow_kafka_produce_errors_total",
    "newsflow_kafka_commit_errors_total",
    "newsflow_kafka_rebalances_total",
    "newsflow_dlq_records_total",
    "newsflow_end_to_end_latency_seconds",
    "newsflow_language_detected_total",
    "newsflow_events_tagged_total",
    "newsflow_dedup_index_entries",
    "newsflow_dedup_index_bytes",
    "newsflow_ready",
    "newsflow_build_info",
];

fn exercised() -> Metrics {
    let metrics = Metrics::new().unwrap();
    let stage = metrics.stage("dedup");
    stage.record(RecordOutcome::DuplicateNear, 120, 0.000_3);
    stage.in_flight(3);
    stage.dlq(ErrorCode::InvalidJson);
    stage.produce_error("news.unique");
    stage.commit_error();
    stage.rebalance();
    stage.consumer_lag("news.lang", 2, 17);
    stage.end_to_end_latency(0.04);
    stage.language("en");
    stage.event("state_visit");
    stage.dedup_index([("en", 5)]);
    stage.dedup_index_bytes(4096);
    metrics
}

fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

#[test]
fn text_output_has_every_declared_metric_with_help() {
    let text = exercised().encode().unwrap();
    for name in DECLARED {
        assert!(
            text.contains(&format!("# HELP {name} ")),
            "no HELP for {name}"
        );
        assert!(
            text.contains(&format!("# TYPE {name} ")),
            "no TYPE for {name}"
        );
    }
    let families = exercised().registry.gather();
    let newsflow: Vec<_> = families
        .iter()
        .map(|family| family.name())
        .filter(|name| name.starts_with("newsflow_"))
        .collect();
    assert_eq!(
        newsflow.len(),
        DECLARED.len(),
        "undeclared family in {newsflow:?}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn process_collector_reports_cpu_and_memory() {
    let text = Metrics::new().unwrap().encode().unwrap();
    assert!(text.contains("process_cpu_seconds_total"));
    assert!(text.contains("process_resident_memory_bytes"));
    assert!(text.contains("process_open_fds"));
}

#[test]
fn stage_handle_records_into_its_own_series() {
    let text = exercised().encode().unwrap();
    assert_eq!(
        sample(
            &text,
            r#"newsflow_stage_records_total{outcome="duplicate_near",stage="dedup"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, r#"newsflow_stage_bytes_total{stage="dedup"}"#),
        Some(120.0)
    );
    assert_eq!(
        sample(
            &text,
            r#"newsflow_stage_processing_seconds_count{stage="dedup"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        sample(&text, r#"newsflow_stage_in_flight{stage="dedup"}"#),
        Some(3.0)
    );
    assert_eq!(
        sample(
            &text,
            r#"newsflow_kafka_consumer_lag{partition="2",stage="dedup",topic="news.lang"}"#
        ),
        Some(17.0)
    );
    assert_eq!(
        sample(
            &text,
            r#"newsflow_dlq_records_total{code="invalid_json",stage="dedup"}"#
        ),
        Some(1.0)
    );
    assert_eq!(sample(&text, r#"newsflow_build_info{version=""#), None);
    assert!(text.contains(&format!(
        "newsflow_build_info{{version=\"{}\"}} 1",
        env!("CARGO_PKG_VERSION")
    )));
}

#[test]
fn every_outcome_and_code_of_a_stage_exists_before_its_first_record() {
    let metrics = Metrics::new().unwrap();
    let _tag = metrics.stage("tag");
    let text = metrics.encode().unwrap();
    for outcome in RecordOutcome::ALL {
        let series = format!(
            "newsflow_stage_records_total{{outcome=\"{}\",stage=\"tag\"}}",
            outcome.as_str()
        );
        assert_eq!(sample(&text, &series), Some(0.0), "{series}");
    }
    for code in ErrorCode::ALL {
        let series = format!("newsflow_dlq_records_total{{code=\"{code}\",stage=\"tag\"}}");
        assert_eq!(sample(&text, &series), Some(0.0), "{series}");
    }
}

#[test]
fn language_label_is_bounded_to_known_languages_plus_other() {
    let metrics = Metrics::new().unwrap();
    for code in ["en", "xx", "yo", "tlh", "", "de", "zz-long-garbage"] {
        metrics.language(code);
    }
    let text = metrics.encode().unwrap();
    let values: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("newsflow_language_detected_total{"))
        .filter_map(|line| line.split('"').nth(1))
        .collect();
    assert_eq!(values.len(), LANGUAGES.len() + 1);
    assert!(!values.contains(&"xx") && !values.contains(&"tlh"));
    assert_eq!(
        sample(
            &text,
            r#"newsflow_language_detected_total{language="other"}"#
        ),
        Some(5.0)
    );
    assert_eq!(
        sample(&text, r#"newsflow_language_detected_total{language="en"}"#),
        Some(1.0)
    );
}

#[test]
fn dedup_index_folds_rare_languages_into_other_without_overwriting() {
    let metrics = Metrics::new().unwrap();
    metrics.dedup_index([("en", 10), ("xx", 3), ("yy", 4)]);
    let text = metrics.encode().unwrap();
    assert_eq!(
        sample(&text, r#"newsflow_dedup_index_entries{language="other"}"#),
        Some(7.0)
    );
    metrics.dedup_index([("xx", 1)]);
    let text = metrics.encode().unwrap();
    assert_eq!(
        sample(&text, r#"newsflow_dedup_index_entries{language="en"}"#),
        Some(0.0)
    );
    assert_eq!(
        sample(&text, r#"newsflow_dedup_index_entries{language="other"}"#),
        Some(1.0)
    );
}

#[test]
fn event_types_past_the_cap_count_as_other() {
    let metrics = Metrics::new().unwrap();
    for index in 0..crate::metrics::MAX_EVENT_TYPES + 5 {
        metrics.event(&format!("type_{index}"));
    }
    metrics.event("type_0");
    let text = metrics.encode().unwrap();
    assert_eq!(
        sample(&text, r#"newsflow_events_tagged_total{type="other"}"#),
        Some(5.0)
    );
    assert_eq!(
        sample(&text, r#"newsflow_events_tagged_total{type="type_0"}"#),
        Some(2.0)
    );
}

#[test]
fn outcome_of_a_pipeline_outcome_splits_duplicates_by_status() {
    use newsflow_record::{Dedup, DedupStatus, DuplicateRecord, Outcome};
    let duplicate = |status| {
        Outcome::Duplicate(DuplicateRecord {
            id: "b".into(),
            url: None,
            source: None,
            language: None,
            dedup: Dedup {
                status,
                fingerprint: None,
                duplicate_of: Some("a".into()),
                similarity: Some(0.9),
                updates: None,
            },
        })
    };
    assert_eq!(
        RecordOutcome::of(&duplicate(DedupStatus::Near)),
        RecordOutcome::DuplicateNear
    );
    assert_eq!(
        RecordOutcome::of(&duplicate(DedupStatus::Exact)),
        RecordOutcome::DuplicateExact
    );
}

fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, response)
}

#[test]
fn endpoints_answer_health_readiness_and_metrics() {
    let health = Health::new();
    StageMetrics::new("lang").record(RecordOutcome::Forwarded, 10, 0.001);
    let server = crate::spawn("127.0.0.1:0", health.clone()).unwrap();
    let addr = server.local_addr();

    assert_eq!(get(addr, "/healthz").0, 200);
    assert_eq!(get(addr, "/readyz").0, 503);
    health.set_ready(true);
    assert_eq!(get(addr, "/readyz").0, 200);
    let (status, body) = get(addr, "/metrics");
    assert_eq!(status, 200);
    assert!(body.contains("text/plain; version=0.0.4"));
    assert!(body.contains(r#"newsflow_stage_records_total{outcome="forwarded",stage="lang"} "#));
    assert!(body.contains("newsflow_ready 1"));
    assert_eq!(get(addr, "/nope").0, 404);
    drop(server);
    assert!(
        TcpStream::connect(addr).is_err(),
        "server still listening after drop"
    );
}

#[test]
fn spawn_on_a_bad_address_fails_with_bind_error() {
    let error = crate::spawn("not an address", Health::new()).unwrap_err();
    assert!(matches!(error, crate::Error::Bind { .. }), "{error:?}");
}
