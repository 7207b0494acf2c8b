//! The `newsflow` binary as a user runs it, with no broker: from any directory
//! with the built-in rule data, strict configuration, `config show`, the guards of
//! `process` and `eval`, plain logs in a pipe, and an unreachable broker named
//! with its cause.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// `newsflow` with no `NEWSFLOW_*` variable of the caller.
fn newsflow() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_newsflow"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("NEWSFLOW") {
            command.env_remove(key);
        }
    }
    command.env_remove("RUST_LOG");
    command
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn outcomes(path: &Path) -> Vec<Value> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn process_works_from_any_directory_with_the_built_in_rule_data() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        repo("config/samples/articles.jsonl"),
        dir.path().join("in.jsonl"),
    )
    .unwrap();
    let output = newsflow()
        .current_dir(dir.path())
        .args(["process", "--input", "in.jsonl", "--output", "out.jsonl"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let outcomes = outcomes(&dir.path().join("out.jsonl"));
    assert_eq!(outcomes.len(), 47);
    let enriched: Vec<&Value> = outcomes
        .iter()
        .filter(|o| o["outcome"] == "enriched")
        .collect();
    assert!(!enriched.is_empty());
    assert!(
        enriched
            .iter()
            .any(|o| o["events"].as_array().is_some_and(|e| !e.is_empty())),
        "the built-in event rules tag events"
    );
}

#[test]
fn data_dir_points_at_rule_files_on_disk_instead() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("newsflow.toml");
    fs::write(&config, "data_dir = \"rules\"\n").unwrap();
    let input = dir.path().join("in.jsonl");
    fs::write(&input, "{\"id\":\"a\",\"title\":\"t\",\"body\":\"b\"}\n").unwrap();
    let output = newsflow()
        .arg("--config")
        .arg(&config)
        .args(["process", "--output", "-", "--input"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains(
            &dir.path()
                .join("rules")
                .join("boilerplate.toml")
                .display()
                .to_string()
        ),
        "names the file on disk it looked for: {message}"
    );
}

#[test]
fn process_refuses_an_output_that_is_its_input_under_any_name() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("articles.jsonl");
    fs::copy(repo("config/samples/articles.jsonl"), &input).unwrap();
    let before = fs::read(&input).unwrap();
    std::os::unix::fs::symlink(&input, dir.path().join("link.jsonl")).unwrap();
    fs::hard_link(&input, dir.path().join("hard.jsonl")).unwrap();
    for output in [
        "articles.jsonl",
        "./articles.jsonl",
        "link.jsonl",
        "hard.jsonl",
    ] {
        let result = newsflow()
            .current_dir(dir.path())
            .args(["process", "--input", "articles.jsonl", "--output", output])
            .output()
            .unwrap();
        assert!(!result.status.success(), "--output {output} was accepted");
        assert!(
            stderr(&result).contains("is the input file"),
            "{}",
            stderr(&result)
        );
        assert_eq!(
            fs::read(&input).unwrap(),
            before,
            "--output {output} touched the input"
        );
    }
}

#[test]
fn a_byte_order_mark_is_stripped_and_neither_title_nor_body_is_a_missing_field() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bom.jsonl");
    let mut text = b"\xEF\xBB\xBF".to_vec();
    text.extend_from_slice(
        br#"{"id":"first","title":"Leaders meet in Geneva","body":"The leaders of France and Germany met in Geneva on Monday to discuss trade."}"#,
    );
    text.extend_from_slice(b"\n{\"id\":\"bare\",\"url\":\"https://x.example/bare\"}\n");
    fs::write(&input, text).unwrap();
    let output_path = dir.path().join("out.jsonl");
    let output = newsflow()
        .args(["process", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&output_path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let outcomes = outcomes(&output_path);
    assert_eq!(outcomes[0]["outcome"], "enriched", "{}", outcomes[0]);
    assert_eq!(outcomes[0]["id"], "first");
    assert_eq!(outcomes[1]["outcome"], "rejected");
    assert_eq!(outcomes[1]["error"]["code"], "missing_field");
    assert_eq!(outcomes[1]["id"], "bare");
}

#[test]
fn eval_refuses_articles_and_labels_that_do_not_belong_together() {
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("articles.jsonl");
    fs::write(
        &articles,
        "{\"id\":\"x-1\",\"title\":\"Summit\",\"body\":\"Leaders met.\"}\n",
    )
    .unwrap();
    let output = newsflow()
        .args(["eval", "--input"])
        .arg(&articles)
        .arg("--labels")
        .arg(repo("tests/eval/labels.jsonl"))
        .output()
        .unwrap();
    assert!(!output.status.success(), "a table of zeros was printed");
    let message = stderr(&output);
    assert!(message.contains("do not belong together"), "{message}");
    assert!(
        message.contains("1 of 1 articles have no label (x-1)"),
        "{message}"
    );
    assert!(message.contains("labels name no article"), "{message}");
}

#[test]
fn a_misspelled_key_names_the_file_the_section_the_key_and_the_nearest_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("typo.toml");
    fs::write(&config, "[metrics]\nadr = \"0.0.0.0:9464\"\n").unwrap();
    let output = newsflow()
        .arg("--config")
        .arg(&config)
        .args(["config", "show"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains(&config.display().to_string()), "{message}");
    assert!(
        message.contains("unknown key `adr` in section [metrics]; did you mean `addr`?"),
        "{message}"
    );

    let output = newsflow()
        .env("NEWSFLOW__DEDUPE__WINDOW_COUNT", "5")
        .args(["config", "show"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("NEWSFLOW__DEDUPE__WINDOW_COUNT"),
        "{message}"
    );
    assert!(message.contains("did you mean [dedup]?"), "{message}");
}

#[test]
fn config_show_prints_every_value_with_its_source_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("newsflow.toml");
    fs::write(
        &config,
        "[kafka.common]\n\"security.protocol\" = \"SASL_SSL\"\n\"sasl.password\" = \"hunter2\"\n",
    )
    .unwrap();
    let output = newsflow()
        .arg("--config")
        .arg(&config)
        .env("NEWSFLOW__DEDUP__WINDOW_COUNT", "500")
        .env("NEWSFLOW_BROKERS", "kafka.example:9093")
        .args(["config", "show"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let shown = String::from_utf8(output.stdout).unwrap();
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(
        shown.contains("\"sasl.password\" = \"[redacted]\""),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "\"security.protocol\" = \"SASL_SSL\"  # file {}",
            config.display()
        )),
        "{shown}"
    );
    assert!(
        shown.contains("window_count = 500  # env NEWSFLOW__DEDUP__WINDOW_COUNT"),
        "{shown}"
    );
    assert!(
        shown.contains("brokers = \"kafka.example:9093\"  # --brokers or NEWSFLOW_BROKERS"),
        "{shown}"
    );
    assert!(shown.contains("shingle_size = 3  # default"), "{shown}");
    // What it prints is a config file newsflow reads back.
    let again = dir.path().join("shown.toml");
    let text: String = shown
        .lines()
        .map(|line| line.split("  # ").next().unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(&again, text).unwrap();
    let output = newsflow()
        .arg("--config")
        .arg(&again)
        .args(["config", "show"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn the_documented_default_config_is_the_built_in_one() {
    let output = newsflow().args(["config", "default"]).output().unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        fs::read_to_string(repo("config/newsflow.toml")).unwrap()
    );
}

#[test]
fn one_shot_commands_name_an_unreachable_broker_and_the_cause() {
    for args in [
        &["topics", "create"][..],
        &["produce", "--input", "-"],
        &["tail", "--limit", "1"],
    ] {
        let started = Instant::now();
        let output = newsflow()
            .args(args)
            .args(["--brokers", "127.0.0.1:1"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let message = stderr(&output);
        assert!(!output.status.success(), "{args:?}: {message}");
        assert!(
            message.contains("cannot reach the Kafka broker at 127.0.0.1:1"),
            "{args:?}: {message}"
        );
        assert!(
            message.contains("connection refused"),
            "{args:?}: {message}"
        );
        assert!(
            !message.contains("not found"),
            "blamed on topics: {message}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{args:?} took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn a_service_without_a_broker_is_not_ready_retries_and_logs_plain_lines_sparingly() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = newsflow()
        .args([
            "serve",
            "tag",
            "--brokers",
            "127.0.0.1:1",
            "--metrics-addr",
            &addr,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The log is read as it comes, so that the test waits for what it is about
    // (the first refused connection) however long a loaded machine takes to load
    // the tag rules, instead of a fixed time.
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let reader = {
        let stderr = child.stderr.take().unwrap();
        let log = log.clone();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let mut log = log.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        })
    };
    let deadline = Instant::now() + Duration::from_secs(180);
    let status = loop {
        if let Some(status) = http_status(&addr, "/readyz") {
            break status;
        }
        assert!(Instant::now() < deadline, "no metrics endpoint on {addr}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status, 503, "ready without a broker");
    let refused = || {
        let log = log.lock().unwrap();
        log.contains("connection refused") && log.lines().any(|line| line.contains("ERROR"))
    };
    while !refused() {
        assert!(
            Instant::now() < deadline && child.try_wait().unwrap().is_none(),
            "no refused connection logged:\n{}",
            log.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Retries go on from here: however many there are in the next seconds, the
    // same cause is logged a few times at most.
    std::thread::sleep(Duration::from_secs(8));
    assert_eq!(http_status(&addr, "/readyz"), Some(503));
    assert!(
        child.try_wait().unwrap().is_none(),
        "a service retries, it does not exit"
    );
    nix_terminate(child.id());
    let exit = child.wait().unwrap();
    reader.join().unwrap();
    let log = log.lock().unwrap().clone();
    assert!(
        exit.success(),
        "SIGTERM while waiting for the broker: {exit}\n{log}"
    );
    assert!(!log.contains('\u{1b}'), "colour codes in a pipe:\n{log}");
    assert!(log.contains("127.0.0.1:1"), "{log}");
    assert!(log.contains("connection refused"), "{log}");
    let errors = log.lines().filter(|line| line.contains("ERROR")).count();
    assert!(
        (1..=4).contains(&errors),
        "{errors} error lines over the first refusal and 8 s of retries:\n{log}"
    );
    assert!(!log.contains("not found"), "blamed on topics:\n{log}");
}

#[test]
fn readme_error_codes_are_the_codes_records_carry() {
    let readme = fs::read_to_string(repo("README.md")).unwrap();
    let start = readme
        .find("machine-readable `code` (")
        .expect("the codes in README");
    let list = &readme[start..];
    let list = &list[list.find('(').unwrap() + 1..list.find(')').unwrap()];
    let documented: Vec<String> = list
        .split(',')
        .map(|code| code.trim().trim_matches('`').to_string())
        .collect();
    let actual: Vec<String> = newsflow_record::ErrorCode::ALL
        .iter()
        .map(|code| code.as_str().to_string())
        .collect();
    assert_eq!(documented, actual);
}

fn http_status(addr: &str, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split_whitespace().nth(1)?.parse().ok()
}

fn nix_terminate(pid: u32) {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    kill(Pid::from_raw(pid as i32), Signal::SIGTERM).unwrap();
}
