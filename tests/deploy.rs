//! The deployment files: the rendered compose configuration keeps Kafka's data on
//! its volume, and the Dockerfile builds a cached, stripped, non-root image. No
//! Docker engine is needed: `docker-compose config` (installed by `scripts/test`)
//! renders the compose file, and the Dockerfile is read as text.

use std::path::Path;
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The lines of service `name` in a rendered compose file (two-space indented
/// service names under `services:`).
fn service_block<'a>(rendered: &'a str, name: &str) -> Vec<&'a str> {
    let mut lines = rendered.lines().skip_while(|line| *line != "services:");
    let header = format!("  {name}:");
    let mut block = Vec::new();
    let mut inside = false;
    for line in lines.by_ref() {
        if inside {
            let indent = line.len() - line.trim_start().len();
            if !line.trim().is_empty() && indent <= 2 {
                break;
            }
            block.push(line);
        } else if line == header {
            inside = true;
        }
    }
    block
}

#[test]
fn a_compose_restart_keeps_topics_because_kafka_logs_live_on_the_volume() {
    let output = Command::new("docker-compose")
        .current_dir(repo())
        .args(["-f", "docker-compose.yml", "config"])
        .output()
        .expect(
            "run docker-compose config (Debian package docker-compose; scripts/test installs it)",
        );
    assert!(
        output.status.success(),
        "docker-compose config failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rendered = String::from_utf8(output.stdout).unwrap();
    let kafka = service_block(&rendered, "kafka");
    assert!(!kafka.is_empty(), "no kafka service in:\n{rendered}");

    let log_dirs: Vec<&str> = kafka
        .iter()
        .filter_map(|line| line.trim().strip_prefix("KAFKA_LOG_DIRS:"))
        .flat_map(|value| value.trim().trim_matches(['\'', '"']).split(','))
        .map(str::trim)
        .collect();
    assert!(
        !log_dirs.is_empty(),
        "KAFKA_LOG_DIRS is not set:\n{}",
        kafka.join("\n")
    );

    // Named-volume mounts, in the short (`volume:/target[:mode]`) or the long
    // (`source:` / `target:` / `type: volume`) form.
    let mut mounts = Vec::new();
    let mut long_form: Option<(bool, Option<String>)> = None;
    for line in &kafka {
        let item = line.trim();
        if let Some(short) = item.strip_prefix("- ").filter(|s| s.contains(":/")) {
            let parts: Vec<&str> = short.trim_matches(['\'', '"']).split(':').collect();
            if !parts[0].starts_with('/') && !parts[0].starts_with('.') {
                mounts.push(parts[1].to_string());
            }
        } else if item.starts_with("- ") {
            long_form = Some((false, None));
        }
        if let Some((is_volume, target)) = long_form.as_mut() {
            let item = item.trim_start_matches("- ");
            if item == "type: volume" {
                *is_volume = true;
            }
            if let Some(value) = item.strip_prefix("target: ") {
                *target = Some(value.trim().to_string());
            }
            if let (true, Some(target)) = (*is_volume, target.clone()) {
                mounts.push(target);
                long_form = None;
            }
        }
    }
    for dir in &log_dirs {
        assert!(
            mounts
                .iter()
                .any(|mount| Path::new(dir).starts_with(mount.as_str())),
            "Kafka writes to {dir}, which is on no volume (volumes mounted at {mounts:?}): \
             a restart would lose every topic"
        );
    }
}

#[test]
fn the_image_caches_dependencies_ships_a_stripped_binary_and_runs_as_a_user() {
    let dockerfile = std::fs::read_to_string(repo().join("Dockerfile")).unwrap();
    let position = |needle: &str| {
        dockerfile
            .find(needle)
            .unwrap_or_else(|| panic!("Dockerfile has no `{needle}`"))
    };
    assert!(
        position("RUN cargo fetch --locked") < position("COPY crates ./crates"),
        "dependencies are fetched before the sources are copied"
    );
    assert!(
        position("RUN cargo build --release --locked --bin newsflow\n")
            < position("COPY src ./src"),
        "dependencies are built before the sources are copied"
    );
    assert!(dockerfile.contains("CARGO_PROFILE_RELEASE_STRIP=symbols"));
    let runtime: String = dockerfile[position("AS runtime")..]
        .lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .map(|line| format!("{line}\n"))
        .collect();
    assert!(
        runtime.contains("\nUSER "),
        "the runtime stage runs as a user"
    );
    assert!(!runtime.contains("USER root"));
    assert!(!runtime.contains("curl"), "no tool the image does not use");
    // The health check the compose file uses exists in the binary.
    let compose = std::fs::read_to_string(repo().join("docker-compose.yml")).unwrap();
    assert!(compose.contains("\"newsflow\", \"probe\""));
    let probe = Command::new(env!("CARGO_BIN_EXE_newsflow"))
        .args(["probe", "--addr", "127.0.0.1:1"])
        .output()
        .unwrap();
    assert!(!probe.status.success());
}
