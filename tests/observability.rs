//! The operators' view, verified for real: the four services run against the test
//! broker with their metrics endpoints on, a real Prometheus (Debian's package,
//! installed by `scripts/test`) scrapes them with the repo's alert rules loaded, and
//! every PromQL expression of the Grafana dashboard and of the alert rules is
//! evaluated through its HTTP API. The dashboard's main panels are then drawn from
//! the same Prometheus data (`NEWSFLOW_UPDATE_DOCS=1` also writes the picture to
//! docs/dashboard.png).
//!
//! Also here: the promtool unit tests of the alert rules and `docker-compose config`.

mod common;
#[path = "observability/prometheus.rs"]
mod prometheus;
#[path = "observability/render.rs"]
mod render;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use newsflow_gen::{Generator, GeneratorConfig};
use serde_json::Value;

use common::{Harness, DEADLINE};
use prometheus::Prometheus;

const STAGES: [&str; 4] = ["lang", "dedup", "tag", "story"];
/// Rounds of input produced while Prometheus watches, and the generated articles
/// added to each (the first round also carries the sample articles).
const ROUNDS: usize = 6;
const GENERATED_PER_ROUND: usize = 150;
/// Pause between rounds, so the graphs show the load over time.
const ROUND_PAUSE: Duration = Duration::from_millis(1500);
const POLL: Duration = Duration::from_millis(200);

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Fails (never skips) when a tool `scripts/test` installs is missing.
fn tool(name: &str) -> Command {
    let found = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "{name} is not installed: run the tests with scripts/test, which installs it \
         (Debian packages prometheus and docker-compose)"
    );
    Command::new(name)
}

fn run_ok(mut command: Command, what: &str) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn alert_rules_pass_their_promtool_unit_tests() {
    let dir = repo().join("deploy/prometheus");
    let mut check = tool("promtool");
    check
        .current_dir(&dir)
        .args(["check", "config", "prometheus.yml"]);
    run_ok(check, "promtool check config");
    let mut test = tool("promtool");
    test.current_dir(&dir)
        .args(["test", "rules", "alerts_test.yml"]);
    let out = run_ok(test, "promtool test rules");
    assert!(!out.contains("FAILED"), "{out}");
}

#[test]
fn compose_file_is_accepted_and_runs_every_part_of_the_system() {
    let mut quiet = tool("docker-compose");
    quiet
        .current_dir(repo())
        .args(["-f", "docker-compose.yml", "config", "-q"]);
    run_ok(quiet, "docker-compose config -q");

    let mut services = tool("docker-compose");
    services
        .current_dir(repo())
        .args(["-f", "docker-compose.yml", "config", "--services"]);
    let listed: BTreeSet<String> = run_ok(services, "docker-compose config --services")
        .lines()
        .map(str::to_string)
        .collect();
    let expected: BTreeSet<String> = [
        "kafka",
        "topics",
        "lang",
        "dedup",
        "tag",
        "story",
        "producer",
        "prometheus",
        "grafana",
    ]
    .map(str::to_string)
    .into();
    assert_eq!(listed, expected);
}

/// A child process killed when dropped; its log is printed when the test failed.
struct Process {
    name: String,
    child: Child,
    log: PathBuf,
}

impl Process {
    fn spawn(name: &str, mut command: Command, dir: &Path) -> Process {
        let log = dir.join(format!("{name}.log"));
        let stderr = File::create(&log).expect("create a log file");
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Process {
            name: name.to_string(),
            child,
            log,
        }
    }

    fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!(
                "{} exited early ({status}):\n{}",
                self.name,
                fs::read_to_string(&self.log).unwrap_or_default()
            );
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // Already exited is fine: nothing to stop.
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            eprintln!("--- last lines of {} ---", self.name);
            for line in tail.iter().rev() {
                let cut = line.char_indices().nth(400).map_or(line.len(), |(i, _)| i);
                eprintln!("{}", &line[..cut]);
            }
        }
    }
}

fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("find a free port")
}

/// A plain HTTP GET: status and body.
fn http_get(addr: SocketAddr, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n")?.1.to_string();
    Some((status, body))
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::sleep(POLL);
    }
}

/// Every `expr` of the dashboard with its panel title.
fn dashboard_exprs(dashboard: &Value) -> Vec<(String, String)> {
    fn walk(panels: &Value, out: &mut Vec<(String, String)>) {
        for panel in panels.as_array().into_iter().flatten() {
            let title = panel["title"].as_str().unwrap_or_default().to_string();
            for target in panel["targets"].as_array().into_iter().flatten() {
                if let Some(expr) = target["expr"].as_str() {
                    out.push((title.clone(), expr.to_string()));
                }
            }
            walk(&panel["panels"], out);
        }
    }
    let mut out = Vec::new();
    walk(&dashboard["panels"], &mut out);
    out
}

/// Metric names in a PromQL expression: identifiers of newsflow's own metrics and
/// of the process collector.
fn metric_names(expr: &str) -> BTreeSet<String> {
    expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .filter(|word| word.starts_with("newsflow_") || word.starts_with("process_"))
        .map(str::to_string)
        .collect()
}

/// Fills in the dashboard variables: every instance, the given stage, and a rate
/// window that covers the test's scrapes.
fn substitute(expr: &str, stage: &str, rate_interval: &str) -> String {
    expr.replace("$instance", ".*")
        .replace("$stage", stage)
        .replace("$__rate_interval", rate_interval)
}

/// Names of the series a `/metrics` text exports.
fn exported_names(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .filter_map(|line| line.split(['{', ' ']).next())
        .map(str::to_string)
        .collect()
}

/// The input of one round: the sample articles first, then generated ones (several
/// languages, duplicates, near duplicates and bad lines).
fn write_round(dir: &Path, round: usize, generator: &mut Generator) -> (PathBuf, usize) {
    let path = dir.join(format!("round-{round}.jsonl"));
    let mut file = File::create(&path).expect("create the round's input");
    let mut lines = 0;
    if round == 0 {
        let sample = repo().join("config/samples/articles.jsonl");
        let text = fs::read_to_string(&sample)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", sample.display()));
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            writeln!(file, "{line}").expect("write the round's input");
            lines += 1;
        }
    }
    for generated in generator.by_ref().take(GENERATED_PER_ROUND) {
        file.write_all(&generated.line)
            .expect("write the round's input");
        file.write_all(b"\n").expect("write the round's input");
        lines += 1;
    }
    (path, lines)
}

#[test]
fn dashboard_and_alert_expressions_evaluate_against_real_prometheus_scraping_the_services() {
    let harness = Harness::new("observability");
    harness.create_topics();
    let dir = harness.dir().to_path_buf();

    // The four services, each with its metrics endpoint.
    let mut services: Vec<(String, SocketAddr, Process)> = STAGES
        .iter()
        .map(|stage| {
            let addr = free_addr();
            let mut command = harness.command();
            command
                .args(["serve", stage, "--brokers", &harness.brokers])
                .args(["--metrics-addr", &addr.to_string()])
                .env("RUST_LOG", "info,rdkafka=warn");
            let process = Process::spawn(&format!("serve-{stage}"), command, &dir);
            (stage.to_string(), addr, process)
        })
        .collect();
    for (stage, addr, process) in &mut services {
        wait_until(&format!("{stage} to answer /readyz with 200"), || {
            process.assert_running();
            matches!(http_get(*addr, "/readyz"), Some((200, _)))
        });
        assert_eq!(http_get(*addr, "/healthz").map(|r| r.0), Some(200));
    }

    // A real Prometheus scraping them every second, with the repo's alert rules.
    let prometheus_addr = free_addr();
    let targets: Vec<String> = services
        .iter()
        .map(|(_, addr, _)| format!("\"{addr}\""))
        .collect();
    let rules = repo().join("deploy/prometheus/alerts.yml");
    let config = dir.join("prometheus.yml");
    fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
             rule_files:\n  - {rules:?}\n\
             scrape_configs:\n  - job_name: newsflow\n    static_configs:\n      - targets: [{}]\n",
            targets.join(", ")
        ),
    )
    .expect("write the Prometheus config");
    let mut command = tool("prometheus");
    command
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.join("tsdb").display()
        ))
        .arg(format!("--web.listen-address={prometheus_addr}"));
    let mut prometheus_process = Process::spawn("prometheus", command, &dir);
    let prometheus = Prometheus::new(prometheus_addr);
    wait_until("Prometheus to be ready", || {
        prometheus_process.assert_running();
        matches!(http_get(prometheus_addr, "/-/ready"), Some((200, _)))
    });

    // Load: the sample, then generated rounds, produced through `newsflow produce`.
    let started = prometheus::unix_now();
    let mut generator = Generator::new(&GeneratorConfig {
        articles: ROUNDS * GENERATED_PER_ROUND,
        body_bytes: 1_500,
        bad_share: 0.03,
        seed: 7,
        ..GeneratorConfig::default()
    })
    .expect("build the generator");
    let mut produced = 0;
    for round in 0..ROUNDS {
        let (input, lines) = write_round(&dir, round, &mut generator);
        let mut produce = harness.command();
        produce.args([
            "produce",
            "--topic",
            &harness.topics.raw,
            "--brokers",
            &harness.brokers,
        ]);
        produce.arg("--input").arg(&input);
        run_ok(produce, "newsflow produce");
        produced += lines;
        std::thread::sleep(ROUND_PAUSE);
    }

    // Every record reached its end, and Prometheus has scraped the final counts.
    let finals = harness.topics.finals().map(str::to_string);
    wait_until(
        &format!("the {produced} inputs to reach enriched, duplicates or the DLQ"),
        || {
            let reached: i64 = finals.iter().map(|topic| harness.topic_len(topic)).sum();
            reached >= produced as i64
        },
    );
    let lang_total = r#"sum(newsflow_stage_records_total{job="newsflow",stage="lang"})"#;
    wait_until("Prometheus to scrape the lang stage's final count", || {
        prometheus
            .scalar(lang_total)
            .is_some_and(|n| n >= produced as f64)
    });
    for (_, _, process) in &mut services {
        process.assert_running();
    }
    assert_eq!(
        prometheus
            .query(r#"up{job="newsflow"} == 1"#)
            .map(|r| r.len()),
        Ok(STAGES.len()),
        "not every service is up in Prometheus"
    );

    // Every alert rule was loaded and evaluates without error, and parses as a query.
    let loaded = prometheus.rules();
    let declared = fs::read_to_string(&rules)
        .expect("read the alert rules")
        .lines()
        .filter(|line| line.trim_start().starts_with("- alert:"))
        .count();
    assert_eq!(loaded.len(), declared, "Prometheus loaded {loaded:?}");
    let mut problems = Vec::new();
    for rule in &loaded {
        if rule.health != "ok" {
            problems.push(format!(
                "rule {} is {}: {}",
                rule.name, rule.health, rule.error
            ));
        }
        if let Err(error) = prometheus.query(&rule.query) {
            problems.push(format!("rule {}: {error}", rule.name));
        }
    }

    // The dashboard variables find every instance and every stage.
    let dashboard: Value = serde_json::from_str(
        &fs::read_to_string(repo().join("dashboards/newsflow.json")).expect("read the dashboard"),
    )
    .expect("the dashboard is JSON");
    let instances = prometheus.query("newsflow_build_info").unwrap_or_default();
    assert_eq!(
        instances.len(),
        STAGES.len(),
        "newsflow_build_info: {instances:?}"
    );
    let stages: BTreeSet<String> = prometheus
        .query(r#"sum by (stage) (newsflow_stage_records_total{instance=~".*"})"#)
        .unwrap_or_default()
        .iter()
        .filter_map(|series| series["metric"]["stage"].as_str().map(str::to_string))
        .collect();
    assert_eq!(stages, STAGES.map(str::to_string).into());

    // Every series names the stage and the replica it comes from (the services
    // set both), so that legends can show them instead of addresses.
    for label in ["stage", "replica"] {
        let unnamed = prometheus
            .query(&format!(
                r#"{{job="newsflow",{label}="",__name__!~"up|scrape_.*"}}"#
            ))
            .unwrap_or_default();
        assert!(
            unnamed.is_empty(),
            "series without a {label} label: {unnamed:?}"
        );
    }

    // Every dashboard expression parses and returns data, for every stage.
    let exprs = dashboard_exprs(&dashboard);
    assert!(
        exprs.len() >= 20,
        "only {} dashboard expressions",
        exprs.len()
    );
    let mut named = BTreeSet::new();
    for (title, expr) in &exprs {
        named.extend(metric_names(expr));
        let stages: &[&str] = if expr.contains("$stage") {
            &STAGES
        } else {
            &["-"]
        };
        for stage in stages {
            let query = substitute(expr, stage, "1m");
            match prometheus.query(&query) {
                Ok(result) if result.is_empty() => {
                    problems.push(format!("{title:?} returns no data: {query}"))
                }
                Ok(_) => {}
                Err(error) => problems.push(format!("{title:?}: {error}: {query}")),
            }
        }
    }

    // Every metric the dashboard and the rules name is one the services export.
    for rule in &loaded {
        named.extend(metric_names(&rule.query));
    }
    let mut exported = BTreeSet::new();
    for (stage, addr, _) in &services {
        let (status, text) = http_get(*addr, "/metrics").unwrap_or_default();
        assert_eq!(status, 200, "{stage} /metrics");
        exported.extend(exported_names(&text));
    }
    for name in &named {
        if !exported.contains(name) {
            problems.push(format!(
                "{name} is named in the dashboard or rules but not exported"
            ));
        }
    }

    // What an operator would see, drawn from the same data (also when a check above
    // found a problem: the picture helps to see why).
    let end = prometheus::unix_now();
    let png = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dashboard.png");
    let panels = render::main_panels(&dashboard, &STAGES);
    let mut drawn = Vec::new();
    for panel in &panels {
        let mut series = Vec::new();
        for (expr, legend) in &panel.targets {
            let range = prometheus
                .query_range(
                    &substitute(expr, &panel.stage, "5s"),
                    started - 5.0,
                    end,
                    1.0,
                )
                .unwrap_or_else(|error| panic!("{}: {error}", panel.title));
            series.extend(range.into_iter().map(|(labels, points)| render::Series {
                name: render::legend(legend, &labels),
                points,
            }));
        }
        drawn.push((panel, series));
    }
    let (width, height) = render::draw(&png, &drawn, started).expect("draw the dashboard");
    let bytes = fs::read(&png).expect("read the rendered PNG");
    assert!(bytes.starts_with(b"\x89PNG"), "not a PNG");
    assert!(width >= 1200 && height >= 800);
    if std::env::var_os("NEWSFLOW_UPDATE_DOCS").is_some() {
        fs::write(repo().join("docs/dashboard.png"), &bytes).expect("write docs/dashboard.png");
    }
    let counts: BTreeMap<&str, usize> = drawn
        .iter()
        .map(|(panel, series)| (panel.title.as_str(), series.len()))
        .collect();
    eprintln!("rendered {} ({width}x{height}): {counts:?}", png.display());
    for panel in ["CPU per service", "Memory per service (resident)"] {
        assert_eq!(
            counts.get(panel),
            Some(&STAGES.len()),
            "{panel}: one line per service"
        );
    }
    drop(prometheus_process);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
