use std::path::Path;

use super::*;

fn write(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("newsflow.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn load(text: &str) -> anyhow::Result<Config> {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), text);
    Config::load_with_env(Some(&path), [])
}

fn error(text: &str) -> String {
    format!("{:#}", load(text).expect_err("config should be refused"))
}

#[test]
fn the_documented_defaults_are_the_defaults() {
    let config = load(template()).expect("the built-in newsflow.toml loads");
    let defaults = Config::default();
    assert_eq!(
        Value::try_from(&config).unwrap(),
        Value::try_from(&defaults).unwrap(),
        "config/newsflow.toml and the code's defaults disagree"
    );
    assert_eq!(
        config.pipeline.data_dir, None,
        "built-in rule data by default"
    );
}

#[test]
fn a_misspelled_key_names_file_section_key_and_the_nearest_valid_key() {
    let message = error("[metrics]\nadr = \"0.0.0.0:9464\"\n");
    assert!(message.contains("newsflow.toml"), "{message}");
    assert!(
        message.contains("unknown key `adr` in section [metrics]"),
        "{message}"
    );
    assert!(message.contains("did you mean `addr`?"), "{message}");

    let message = error("date_dir = \"x\"\n");
    assert!(
        message.contains("unknown key `date_dir` in the top level"),
        "{message}"
    );
    assert!(message.contains("did you mean `data_dir`?"), "{message}");

    let message = error("[dedupe]\nwindow_count = 5\n");
    assert!(message.contains("unknown section [dedupe]"), "{message}");
    assert!(message.contains("did you mean [dedup]?"), "{message}");

    let message = error("[kafka.topics]\nraww = \"x\"\n");
    assert!(message.contains("section [kafka.topics]"), "{message}");
    assert!(message.contains("did you mean `raw`?"), "{message}");
}

#[test]
fn a_type_error_names_the_key_and_the_expected_type() {
    let message = error("[dedup]\nmin_similarity = \"high\"\n");
    assert!(message.contains("`dedup.min_similarity`"), "{message}");
    assert!(message.contains("expected a number"), "{message}");
    assert!(message.contains("newsflow.toml"), "{message}");
}

#[test]
fn librdkafka_tables_take_any_property() {
    let config =
        load("[kafka.common]\n\"security.protocol\" = \"SSL\"\n\"socket.timeout.ms\" = 5000\n")
            .unwrap();
    assert_eq!(config.kafka.common["security.protocol"], "SSL");
    assert_eq!(config.kafka.common["socket.timeout.ms"], "5000");
}

#[test]
fn environment_overrides_use_their_own_prefix_and_are_checked() {
    let env = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let config = Config::load_with_env(
        None,
        env(&[
            ("NEWSFLOW__DEDUP__WINDOW_COUNT", "500"),
            ("NEWSFLOW__KAFKA__DELIVERY", "exactly-once"),
            ("NEWSFLOW__KAFKA__COMMON__SASL_PASSWORD", "hunter2"),
            ("NEWSFLOW__LANG__ALLOWLIST", "en,fr"),
            // The command line's and the scripts' own variables are not overrides.
            ("NEWSFLOW_CONFIG", "/nowhere.toml"),
            ("NEWSFLOW_BROKERS", "b:9092"),
            ("NEWSFLOW_VENV", "/venv"),
        ]),
    )
    .unwrap();
    assert_eq!(config.pipeline.dedup.window_count, 500);
    assert_eq!(
        config.kafka.delivery,
        newsflow_kafka::DeliveryMode::ExactlyOnce
    );
    assert_eq!(config.kafka.common["sasl.password"], "hunter2");
    let allowlist: Vec<String> = config
        .pipeline
        .lang
        .allowlist
        .iter()
        .map(|c| String::from(*c))
        .collect();
    assert_eq!(allowlist, ["en", "fr"]);
    assert_eq!(
        config.sources.of("dedup.window_count"),
        &Source::Env("NEWSFLOW__DEDUP__WINDOW_COUNT".into())
    );
    assert_eq!(config.sources.of("dedup.shingle_size"), &Source::Default);

    let message = format!(
        "{:#}",
        Config::load_with_env(None, env(&[("NEWSFLOW__DEDUP__WINDOW_CONT", "5")])).unwrap_err()
    );
    assert!(
        message.contains("NEWSFLOW__DEDUP__WINDOW_CONT"),
        "{message}"
    );
    assert!(
        message.contains("did you mean `window_count`?"),
        "{message}"
    );

    let message = format!(
        "{:#}",
        Config::load_with_env(None, env(&[("NEWSFLOW__DEDUP__WINDOW_COUNT", "many")])).unwrap_err()
    );
    assert!(message.contains("expects an integer"), "{message}");

    let message = format!(
        "{:#}",
        Config::load_with_env(None, env(&[("NEWSFLOW_DEDUP__WINDOW_COUNT", "5")])).unwrap_err()
    );
    assert!(
        message.contains("NEWSFLOW__DEDUP__WINDOW_COUNT"),
        "{message}"
    );
}

#[test]
fn a_relative_data_dir_is_relative_to_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "data_dir = \"rules\"\n");
    let config = Config::load_with_env(Some(&path), []).unwrap();
    assert_eq!(config.pipeline.data_dir, Some(dir.path().join("rules")));
}

#[test]
fn show_redacts_secrets_and_names_sources() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "[kafka.common]\n\"sasl.password\" = \"hunter2\"\n\"sasl.username\" = \"me\"\n",
    );
    let config = Config::load_with_env(
        Some(&path),
        [("NEWSFLOW__DEDUP__SHINGLE_SIZE".to_string(), "4".to_string())],
    )
    .unwrap();
    let shown = show::render(&config).unwrap();
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(
        shown.contains("\"sasl.password\" = \"[redacted]\""),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "\"sasl.username\" = \"me\"  # file {}",
            path.display()
        )),
        "{shown}"
    );
    assert!(
        shown.contains("shingle_size = 4  # env NEWSFLOW__DEDUP__SHINGLE_SIZE"),
        "{shown}"
    );
    assert!(
        shown.contains("window_count = 1000000  # default"),
        "{shown}"
    );
}
