//! `newsflow serve`: one stage (or the whole chain) as a Kafka service.

use std::time::{Duration, Instant};

use anyhow::Context;
use newsflow_kafka::{run_service, KafkaConfig};
use newsflow_stage::{Node, Stage};
use newsflow_telemetry::Health;
use tokio::sync::watch;

use crate::cli::{ServeArgs, ServiceName};
use newsflow_cli::config::Config;

pub fn run(args: ServeArgs, config: &Config) -> anyhow::Result<()> {
    let kafka = newsflow_cli::kafka_config(config, args.kafka.brokers.as_deref());
    // Rebalance callbacks block a worker while they wait for deliveries that other
    // workers complete, so keep a few workers even on a small machine.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(std::thread::available_parallelism().map_or(4, |n| n.get().max(4)))
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let result = runtime.block_on(serve(args, config, kafka));
    // Tasks still blocked in a client call (a frozen broker) must not hold the exit.
    runtime.shutdown_timeout(Duration::from_millis(200));
    result
}

async fn serve(args: ServeArgs, config: &Config, kafka: KafkaConfig) -> anyhow::Result<()> {
    newsflow_telemetry::Metrics::global().set_identity(newsflow_telemetry::Identity {
        stage: format!("{:?}", args.stage).to_ascii_lowercase(),
        replica: args.replica.clone().unwrap_or_else(super::host_name),
    });
    let health = Health::new();
    let (stop, stopped) = watch::channel(false);
    let metrics_addr = args
        .metrics_addr
        .clone()
        .or_else(|| config.metrics.addr.clone());
    let metrics_server = match metrics_addr {
        Some(addr) => {
            let listener = newsflow_telemetry::bind(&addr).await?;
            tracing::info!(addr, "Serving /metrics, /healthz and /readyz.");
            Some(tokio::spawn(newsflow_telemetry::serve(
                listener,
                health.clone(),
                until(stopped.clone()),
            )))
        }
        None => None,
    };
    let shutdown_timeout = Duration::from_millis(kafka.shutdown_timeout_ms);
    let stop = std::sync::Arc::new(stop);
    let signalled = stop.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("Shutdown signal received.");
        // Receivers may all be gone already; nothing to tell then.
        let _ = signalled.send(true);
        exit_after(shutdown_timeout);
    });

    // The stages first (loading the tag rules takes a moment), so that the
    // connection check is the last thing before the runtime starts.
    let topology = newsflow_pipeline::topology(&kafka.topics);
    let groups = &kafka.groups;
    let all = matches!(args.stage, ServiceName::All);
    let mut services: Vec<(Box<dyn Stage>, &Node, String)> = Vec::new();
    for node in &topology.nodes {
        if !all && args.stage.stage() != Some(node.stage) {
            continue;
        }
        let stage = config
            .pipeline
            .stage(node.stage)
            .with_context(|| format!("cannot build the {} stage", node.stage))?;
        let group = if all {
            format!("{}-{}", groups.all, node.stage)
        } else {
            groups
                .of(node.stage)
                .with_context(|| format!("no consumer group for the {} stage", node.stage))?
                .to_string()
        };
        services.push((stage, node, group));
    }
    anyhow::ensure!(
        !services.is_empty(),
        "the topology has no {:?} stage",
        args.stage
    );

    // Not ready (/readyz 503) until the brokers answer and partitions are assigned.
    if !wait_for_brokers(&kafka, until(stopped.clone())).await? {
        drop(stopped);
        if let Some(server) = metrics_server {
            server.abort();
        }
        return Ok(());
    }

    // One service failing (a fatal client state) stops the others.
    let runs = services.into_iter().map(|(stage, node, group)| {
        let (kafka, health, stopped, stop) =
            (&kafka, health.clone(), stopped.clone(), stop.clone());
        async move {
            let result =
                run_service(stage, node, &group, kafka, Some(health), until(stopped)).await;
            if result.is_err() && all {
                let _ = stop.send(true);
                exit_after(shutdown_timeout);
            }
            result
        }
    });
    let result = futures_util::future::join_all(runs)
        .await
        .into_iter()
        .collect::<Result<Vec<()>, _>>()
        .map(|_| ());
    drop(stopped);
    if let Some(server) = metrics_server {
        server.abort();
    }
    result.context("service failed")
}

/// Runs the connection check until the brokers answer (true) or `stop` completes
/// first (false), waiting longer after each failure. Logs a failure when its
/// cause changes, and otherwise at most once per [`REPEAT_LOG`]. A client that
/// cannot even be created is a configuration error no retry can fix: it is returned.
async fn wait_for_brokers(
    kafka: &KafkaConfig,
    stop: impl std::future::Future<Output = ()>,
) -> anyhow::Result<bool> {
    const FIRST_BACKOFF: Duration = Duration::from_secs(1);
    const MAX_BACKOFF: Duration = Duration::from_secs(30);
    const REPEAT_LOG: Duration = Duration::from_secs(60);
    tokio::pin!(stop);
    let mut backoff = FIRST_BACKOFF;
    let mut last_logged: Option<(newsflow_kafka::Cause, Instant)> = None;
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        let check = {
            let kafka = kafka.clone();
            tokio::task::spawn_blocking(move || super::check_connection(&kafka))
        };
        let result = tokio::select! {
            result = check => result,
            () = &mut stop => return Ok(false),
        };
        let error = match result {
            Ok(Ok(connected)) => {
                tracing::info!(
                    broker = connected.broker,
                    brokers = connected.brokers,
                    attempts,
                    "Connected to Kafka."
                );
                return Ok(true);
            }
            Ok(Err(error))
                if matches!(
                    error.downcast_ref::<newsflow_kafka::Error>(),
                    Some(newsflow_kafka::Error::Client { .. })
                ) =>
            {
                return Err(error);
            }
            Ok(Err(error)) => error,
            Err(join) => anyhow::Error::new(join),
        };
        let cause = error
            .downcast_ref::<newsflow_kafka::Error>()
            .and_then(|error| match error {
                newsflow_kafka::Error::Unreachable { cause, .. } => Some(*cause),
                _ => None,
            })
            .unwrap_or(newsflow_kafka::Cause::Other);
        let now = Instant::now();
        let log = match last_logged {
            Some((last, at)) => last != cause || now.duration_since(at) >= REPEAT_LOG,
            None => true,
        };
        if log {
            tracing::error!(
                error = format!("{error:#}"),
                brokers = kafka.brokers,
                %cause,
                attempts,
                retry_in_s = backoff.as_secs(),
                "Kafka is not reachable; retrying (not ready meanwhile)."
            );
            last_logged = Some((cause, now));
        }
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            () = &mut stop => return Ok(false),
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// Ends the process `timeout` after a shutdown began, whatever is still running (a
/// client call into a frozen broker, a rebuild): the service drains and commits
/// within that time on its own, so getting here means work was left uncommitted,
/// which at-least-once delivery redelivers after the restart.
fn exit_after(timeout: Duration) {
    let watchdog = std::thread::Builder::new()
        .name("shutdown-watchdog".into())
        .spawn(move || {
            std::thread::sleep(timeout);
            tracing::error!(
                timeout_ms = timeout.as_millis() as u64,
                "Shutdown did not finish in time; exiting with records uncommitted."
            );
            std::process::exit(1);
        });
    if let Err(error) = watchdog {
        tracing::warn!(%error, "Cannot start the shutdown watchdog.");
    }
}

/// Completes when `true` is sent, or when the sender is gone.
async fn until(mut stopped: watch::Receiver<bool>) {
    // An error means the sender was dropped: stop as well.
    let _ = stopped.wait_for(|stop| *stop).await;
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(error) => {
                tracing::warn!(%error, "Cannot listen for SIGTERM; only Ctrl-C stops the service.");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
