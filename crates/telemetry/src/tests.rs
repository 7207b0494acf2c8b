use std::io::{Read, Write};
use std::net::TcpStream;

use newsflow_record::ErrorCode;

use crate::{Health, Metrics, RecordOutcome, StageMetrics};

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
    "newsflow_stage_over_budget_total",
    "newsflow_restore_skipped_total",
    "newsflow_restore_clamped_total",
    "newsflow_ready",
    "newsflow_build_info",
    "newsflow_process_cpu_seconds_total",
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
    stage.over_budget(true);
    stage.dlq_code("produce_rejected");
    metrics.restore_skipped("dedup", "invalid_json");
    metrics.restore_clamped("story");
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
fn stages_register_their_own_families_on_the_same_registry() {
    let metrics = Metrics::new().unwrap();
    let telemetry = metrics.telemetry();
    telemetry
        .counter_vec("newsflow_events_tagged_total", "Events.", &["type"])
        .with_label_values(&["state_visit"])
        .inc();
    let text = metrics.encode().unwrap();
    assert_eq!(
        sample(&text, r#"newsflow_events_tagged_total{type="state_visit"}"#),
        Some(1.0)
    );
}

#[test]
fn every_fate_has_its_outcome_label_and_a_missing_outcome_is_an_error() {
    use newsflow_stage::Fate;
    assert_eq!(
        RecordOutcome::from(Fate::DuplicateNear),
        RecordOutcome::DuplicateNear
    );
    assert_eq!(
        RecordOutcome::from(Fate::DuplicateExact),
        RecordOutcome::DuplicateExact
    );
    assert_eq!(RecordOutcome::from(Fate::Enriched), RecordOutcome::Enriched);
    assert_eq!(RecordOutcome::from(Fate::None), RecordOutcome::Error);
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

#[test]
fn every_series_names_its_stage_and_replica_once_the_service_says_who_it_is() {
    let metrics = Metrics::new().unwrap();
    metrics
        .stage("dedup")
        .record(RecordOutcome::Forwarded, 10, 0.001);
    metrics.set_identity(crate::Identity {
        stage: "all".into(),
        replica: "host-1".into(),
    });
    let text = metrics.encode().unwrap();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        assert!(line.contains("replica=\"host-1\""), "{line}");
        assert!(line.contains("stage=\""), "{line}");
    }
    assert!(
        text.contains("newsflow_stage_records_total{outcome=\"forwarded\",replica=\"host-1\",stage=\"dedup\"} 1"),
        "a stage's own label is kept:\n{text}"
    );
    assert!(
        text.contains("newsflow_ready{replica=\"host-1\",stage=\"all\"} 0"),
        "{text}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn cpu_seconds_have_the_resolution_of_a_tick_not_a_second() {
    let metrics = Metrics::new().unwrap();
    let started = std::time::Instant::now();
    let mut spin = 0u64;
    while started.elapsed() < std::time::Duration::from_millis(200) {
        spin = std::hint::black_box(spin.wrapping_add(1));
    }
    let text = metrics.encode().unwrap();
    let cpu = sample(&text, "newsflow_process_cpu_seconds_total").expect("exported");
    assert!(cpu >= 0.05, "{cpu} s after 200 ms of spinning");
}

/// Reads until the server closes the connection; false if it is still open after
/// `limit` (a generous bound: the test asserts that it closes, not when).
fn closed_by_server(stream: &mut TcpStream, limit: std::time::Duration) -> bool {
    stream
        .set_read_timeout(Some(std::time::Duration::from_millis(200)))
        .unwrap();
    let start = std::time::Instant::now();
    let mut buffer = [0u8; 1024];
    while start.elapsed() < limit {
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return true,
        }
    }
    false
}

#[test]
fn a_client_that_never_sends_its_headers_is_disconnected() {
    let server = crate::spawn("127.0.0.1:0", Health::new()).unwrap();
    let mut silent = TcpStream::connect(server.local_addr()).unwrap();
    assert!(closed_by_server(
        &mut silent,
        crate::server::HEADER_READ_TIMEOUT * 6
    ));
    // The endpoint still answers others.
    assert_eq!(get(server.local_addr(), "/healthz").0, 200);
}

#[test]
fn a_client_that_sends_headers_slowly_is_disconnected() {
    let server = crate::spawn("127.0.0.1:0", Health::new()).unwrap();
    let mut slow = TcpStream::connect(server.local_addr()).unwrap();
    write!(slow, "GET /metrics HTTP/1.1\r\n").unwrap();
    let limit = crate::server::HEADER_READ_TIMEOUT * 6;
    let start = std::time::Instant::now();
    let mut closed = false;
    while !closed && start.elapsed() < limit {
        // One header byte at a time: never a whole header block.
        if slow.write_all(b"X").is_err() {
            closed = true;
            break;
        }
        closed = closed_by_server(&mut slow, std::time::Duration::from_millis(500));
    }
    assert!(closed, "a trickling client kept its connection");
}

#[test]
fn a_process_with_parts_is_ready_only_when_every_part_is() {
    let metrics = Metrics::new().unwrap();
    let health = Health::with_metrics(&metrics);
    health.set_ready(true);
    assert!(health.is_ready(), "no parts: the process flag");
    let lang = health.part();
    let tag = health.part();
    assert!(!health.is_ready());
    lang.set_ready(true);
    assert!(!health.is_ready());
    assert_eq!(metrics.ready.get(), 0);
    tag.set_ready(true);
    assert!(health.is_ready());
    assert_eq!(metrics.ready.get(), 1);
    lang.set_ready(false);
    assert!(!health.is_ready());
    assert_eq!(metrics.ready.get(), 0);
}
