//! Liveness and readiness, as `/healthz` and `/readyz` report them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use prometheus::IntGauge;

use crate::metrics::Metrics;

/// The readiness of one process. Cheap to clone; clones share the state.
///
/// `/healthz` answers 200 whenever the endpoint runs (the process is alive).
/// `/readyz` answers 200 only when the process is ready: after
/// [`Health::set_ready`]`(true)` for a process with one concern (`newsflow process`),
/// or, once [`Health::part`] handed out parts (one per Kafka service, three in
/// `serve all`), when every part is ready. The answer is mirrored in the
/// `newsflow_ready` gauge so alerts can see it.
#[derive(Debug, Clone)]
pub struct Health {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    ready: AtomicBool,
    parts: Mutex<Vec<Arc<AtomicBool>>>,
    gauge: IntGauge,
}

/// One part of a process's readiness (see [`Health::part`]).
#[derive(Debug, Clone)]
pub struct Readiness {
    flag: Arc<AtomicBool>,
    health: Health,
}

impl Readiness {
    /// Marks this part ready or not.
    pub fn set_ready(&self, ready: bool) {
        if self.flag.swap(ready, Ordering::Relaxed) != ready {
            self.health.publish();
        }
    }

    /// Whether this part is ready.
    pub fn is_ready(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }
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
            inner: Arc::new(Inner {
                ready: AtomicBool::new(false),
                parts: Mutex::new(Vec::new()),
                gauge: metrics.ready.clone(),
            }),
        }
    }

    /// Marks the process ready (`true`) or not (`false`); only counts while no part
    /// was handed out.
    pub fn set_ready(&self, ready: bool) {
        self.inner.ready.store(ready, Ordering::Relaxed);
        self.publish();
    }

    /// A new part, not ready yet: from now on the process is ready only while every
    /// part is.
    pub fn part(&self) -> Readiness {
        let flag = Arc::new(AtomicBool::new(false));
        self.parts().push(flag.clone());
        self.publish();
        Readiness {
            flag,
            health: self.clone(),
        }
    }

    fn parts(&self) -> std::sync::MutexGuard<'_, Vec<Arc<AtomicBool>>> {
        self.inner.parts.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn publish(&self) {
        self.inner.gauge.set(i64::from(self.is_ready()));
    }

    /// Whether `/readyz` answers 200.
    pub fn is_ready(&self) -> bool {
        let parts = self.parts();
        if parts.is_empty() {
            self.inner.ready.load(Ordering::Relaxed)
        } else {
            parts.iter().all(|part| part.load(Ordering::Relaxed))
        }
    }
}
