//! The metrics handle a runner passes to [`Stage::register`](crate::Stage::register):
//! a stage declares its own metric families on it and keeps the handles it gets back.
//!
//! Registering a family that is already registered (two instances of one stage in a
//! process, as in `serve all` beside `process` in tests) hands back the existing
//! family, so both instances update the same series.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use prometheus::core::Collector;
use prometheus::{IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry};

/// Languages that get their own `language` label value; every other code is counted
/// as [`OTHER`]. The most frequent news languages, plus `und` for text that could
/// not be judged.
pub const LANGUAGES: [&str; 21] = [
    "en", "es", "fr", "de", "pt", "ru", "zh", "ar", "ja", "it", "nl", "pl", "tr", "uk", "ko", "hi",
    "fa", "id", "sv", "vi", "und",
];

/// The label value of languages outside [`LANGUAGES`] (and of values past a cap).
pub const OTHER: &str = "other";

/// The label value for a language code: the code itself when it is one of
/// [`LANGUAGES`], else [`OTHER`].
pub fn language_label(code: &str) -> &'static str {
    LANGUAGES
        .iter()
        .find(|known| **known == code)
        .copied()
        .unwrap_or(OTHER)
}

/// Where stages register their metrics: one per process, cheap to clone.
#[derive(Clone)]
pub struct Telemetry {
    registry: Registry,
    /// Families registered so far, by name.
    families: Arc<Mutex<HashMap<String, Box<dyn Any + Send>>>>,
}

impl std::fmt::Debug for Telemetry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Telemetry").finish_non_exhaustive()
    }
}

impl Telemetry {
    /// A handle registering on `registry` (what `/metrics` encodes).
    pub fn new(registry: Registry) -> Telemetry {
        Telemetry {
            registry,
            families: Arc::default(),
        }
    }

    /// A handle on a registry of its own that nobody exports (tests, benches).
    pub fn detached() -> Telemetry {
        Telemetry::new(Registry::new())
    }

    /// The registry, for encoding (tests).
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The counter family `name` with `labels`.
    pub fn counter_vec(&self, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
        self.family(name, || IntCounterVec::new(Opts::new(name, help), labels))
    }

    /// The gauge family `name` with `labels`.
    pub fn gauge_vec(&self, name: &str, help: &str, labels: &[&str]) -> IntGaugeVec {
        self.family(name, || IntGaugeVec::new(Opts::new(name, help), labels))
    }

    /// The gauge `name`.
    pub fn gauge(&self, name: &str, help: &str) -> IntGauge {
        self.family(name, || IntGauge::new(name, help))
    }

    fn family<C>(&self, name: &str, build: impl FnOnce() -> prometheus::Result<C>) -> C
    where
        C: Collector + Clone + Send + 'static,
    {
        let mut families = self
            .families
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(family) = families.get(name).and_then(|f| f.downcast_ref::<C>()) {
            return family.clone();
        }
        // Names and labels are the stages' own constants: an invalid one is a
        // programming error the stages' unit tests catch.
        let family = build().expect("stage metric declarations are valid");
        if let Err(error) = self.registry.register(Box::new(family.clone())) {
            // Already registered outside this handle: the series still count, they
            // are just not exported twice.
            tracing::warn!(%error, metric = name, "Stage metric not registered.");
        }
        families.insert(name.to_string(), Box::new(family.clone()));
        family
    }
}

/// A label with at most `cap` distinct values; later values count as [`OTHER`]:
/// a misconfigured rule set cannot blow up the series count.
#[derive(Debug)]
pub struct Capped {
    family: IntCounterVec,
    cap: usize,
    counters: HashMap<String, prometheus::IntCounter>,
}

impl Capped {
    /// Counters of `family` (one label) with at most `cap` values of their own.
    pub fn new(family: IntCounterVec, cap: usize) -> Capped {
        Capped {
            family,
            cap,
            counters: HashMap::new(),
        }
    }

    /// Counts one `value`.
    pub fn inc(&mut self, value: &str) {
        if let Some(counter) = self.counters.get(value) {
            return counter.inc();
        }
        if self.counters.len() < self.cap {
            let counter = self.family.with_label_values(&[value]);
            counter.inc();
            self.counters.insert(value.to_string(), counter);
        } else {
            self.family.with_label_values(&[OTHER]).inc();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(telemetry: &Telemetry, name: &str, label: &str) -> Option<f64> {
        let families = telemetry.registry().gather();
        let family = families.iter().find(|f| f.name() == name)?;
        family
            .get_metric()
            .iter()
            .find(|m| m.get_label().iter().all(|l| l.value() == label))
            .map(|m| {
                if m.get_counter().value() != 0.0 {
                    m.get_counter().value()
                } else {
                    m.get_gauge().value()
                }
            })
    }

    #[test]
    fn a_family_registered_twice_is_the_same_series() {
        let telemetry = Telemetry::detached();
        let first = telemetry.counter_vec("newsflow_test_total", "help", &["type"]);
        let second = telemetry
            .clone()
            .counter_vec("newsflow_test_total", "help", &["type"]);
        first.with_label_values(&["a"]).inc();
        second.with_label_values(&["a"]).inc();
        assert_eq!(sample(&telemetry, "newsflow_test_total", "a"), Some(2.0));
    }

    #[test]
    fn values_past_the_cap_count_as_other() {
        let telemetry = Telemetry::detached();
        let mut capped = Capped::new(
            telemetry.counter_vec("newsflow_kinds_total", "h", &["type"]),
            2,
        );
        for kind in ["a", "b", "c", "d", "a"] {
            capped.inc(kind);
        }
        assert_eq!(sample(&telemetry, "newsflow_kinds_total", "a"), Some(2.0));
        assert_eq!(
            sample(&telemetry, "newsflow_kinds_total", "other"),
            Some(2.0)
        );
        assert_eq!(sample(&telemetry, "newsflow_kinds_total", "c"), None);
    }

    #[test]
    fn rare_languages_fold_into_other() {
        assert_eq!(language_label("ja"), "ja");
        assert_eq!(language_label("sw"), OTHER);
    }
}
