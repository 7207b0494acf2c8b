//! Liveness and readiness, as `/healthz` and `/readyz` report them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use prometheus::IntGauge;

use crate::metrics::Metrics;

/// The readiness flag of one process. Cheap to clone; clones share the flag.
///
/// `/healthz` answers 200 whenever the endpoint runs (the process is alive).
/// `/readyz` answers 200 only after [`Health::set_ready`]`(true)`: a Kafka service
/// calls it when its consumer has partitions assigned (or is consuming), and
/// `set_ready(false)` when it loses them or starts shutting down. The flag is
/// mirrored in the `newsflow_ready` gauge so alerts can see it.
#[derive(Debug, Clone)]
pub struct Health {
    ready: Arc<AtomicBool>,
    gauge: IntGauge,
}

impl Default for Health {
    fn default() -> Self {
        Health::new()
    }
}

impl Health {
    /// A not-yet-ready process, mirrored on the global metrics.
    pub fn new() -> Health {
        Health::with_metrics(Metrics::global())
    }

    /// A not-yet-ready process, mirrored on `metrics`.
    pub fn with_metrics(metrics: &Metrics) -> Health {
        metrics.ready.set(0);
        Health {
            ready: Arc::new(AtomicBool::new(false)),
            gauge: metrics.ready.clone(),
        }
    }

    /// Marks the process ready (`true`) or not (`false`).
    pub fn set_ready(&self, ready: bool) {
        self.ready.store(ready, Ordering::Relaxed);
        self.gauge.set(i64::from(ready));
    }

    /// Whether `/readyz` answers 200.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Relaxed)
    }
}
