//! Metrics and health endpoints for every newsflow process.
//!
//! Layout:
//! - [`metrics`]: every metric newsflow exports, declared once with its HELP text, on
//!   one [`prometheus::Registry`] ([`Metrics::global`] in the binaries).
//! - [`stage`]: [`StageMetrics`], the cheap per-stage handle the hot path uses: every
//!   label value is resolved when the handle is built, so recording a record is a few
//!   atomic adds.
//! - [`health`]: [`Health`], the liveness/readiness flag a service flips as it connects
//!   and gets partitions.
//! - [`server`]: the HTTP endpoints `/metrics` (Prometheus text format), `/healthz` and
//!   `/readyz`, as an async [`serve`] for a service already on tokio, or [`spawn`] on a
//!   background thread with its own runtime for synchronous commands.
//!
//! A service does, once at start-up:
//!
//! ```no_run
//! # async fn example() -> Result<(), newsflow_telemetry::Error> {
//! use newsflow_telemetry::{Health, RecordOutcome, StageMetrics};
//!
//! let health = Health::new();
//! let listener = newsflow_telemetry::bind("127.0.0.1:9464").await?;
//! tokio::spawn(newsflow_telemetry::serve(listener, health.clone(), std::future::pending()));
//! let metrics = StageMetrics::new("lang");
//! // ... when partitions are assigned:
//! health.set_ready(true);
//! // ... per record:
//! metrics.record(RecordOutcome::Forwarded, 1_234, 0.000_2);
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

pub mod health;
pub mod metrics;
pub mod server;
pub mod stage;

use serde::{Deserialize, Serialize};

pub use health::Health;
pub use metrics::{language_label, Identity, Metrics, LANGUAGES};
pub use server::{bind, serve, spawn, BackgroundServer, Error};
pub use stage::{RecordOutcome, StageMetrics};

/// Metrics endpoint settings (`[metrics]` in the config file).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct MetricsConfig {
    /// Address (`HOST:PORT`) of `/metrics`, `/healthz` and `/readyz`; no endpoint when
    /// absent. `--metrics-addr` overrides it.
    pub addr: Option<String>,
}

#[cfg(test)]
mod tests;
