//! `newsflow serve`: one stage (or the whole chain) as a Kafka service.

use std::time::Duration;

use anyhow::Context;
use newsflow_kafka::{run_service, KafkaConfig, ServiceTopics};
use newsflow_telemetry::Health;
use tokio::sync::watch;

use crate::cli::{ServeArgs, ServiceName};
use crate::config::Config;

pub fn run(args: ServeArgs, config: &Config) -> anyhow::Result<()> {
    let kafka = super::kafka_config(config, args.kafka.brokers.as_deref());
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

    let pipeline = &config.pipeline;
    let health = Some(health);
    let result = match args.stage {
        ServiceName::Lang => {
            let stage = pipeline
                .lang_stage()
                .context("cannot build the lang stage")?;
            run_service(
                stage,
                ServiceTopics::lang(&kafka),
                &kafka,
                health,
                until(stopped.clone()),
            )
            .await
        }
        ServiceName::Dedup => {
            let stage = pipeline.dedup_stage();
            run_service(
                stage,
                ServiceTopics::dedup(&kafka),
                &kafka,
                health,
                until(stopped.clone()),
            )
            .await
        }
        ServiceName::Tag => {
            let stage = pipeline.tag_stage().context("cannot build the tag stage")?;
            run_service(
                stage,
                ServiceTopics::tag(&kafka),
                &kafka,
                health,
                until(stopped.clone()),
            )
            .await
        }
        ServiceName::All => {
            let all = &kafka.groups.all;
            let lang = ServiceTopics::lang(&kafka).with_group(format!("{all}-lang"));
            let dedup = ServiceTopics::dedup(&kafka).with_group(format!("{all}-dedup"));
            let tag = ServiceTopics::tag(&kafka).with_group(format!("{all}-tag"));
            let lang_stage = pipeline
                .lang_stage()
                .context("cannot build the lang stage")?;
            let tag_stage = pipeline.tag_stage().context("cannot build the tag stage")?;
            // One service failing (a fatal client state) stops the other two.
            let stop_all = |result: Result<(), newsflow_kafka::Error>| {
                if result.is_err() {
                    let _ = stop.send(true);
                    exit_after(shutdown_timeout);
                }
                result
            };
            let (a, b, c) = tokio::join!(
                async {
                    stop_all(
                        run_service(
                            lang_stage,
                            lang,
                            &kafka,
                            health.clone(),
                            until(stopped.clone()),
                        )
                        .await,
                    )
                },
                async {
                    stop_all(
                        run_service(
                            pipeline.dedup_stage(),
                            dedup,
                            &kafka,
                            health.clone(),
                            until(stopped.clone()),
                        )
                        .await,
                    )
                },
                async {
                    stop_all(
                        run_service(
                            tag_stage,
                            tag,
                            &kafka,
                            health.clone(),
                            until(stopped.clone()),
                        )
                        .await,
                    )
                },
            );
            a.and(b).and(c)
        }
    };
    drop(stopped);
    if let Some(server) = metrics_server {
        server.abort();
    }
    result.context("service failed")
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
