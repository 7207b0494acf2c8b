//! Metrics. (Skeleton: being written.)

use serde::{Deserialize, Serialize};

/// Metrics endpoint settings (`[metrics]` in the config file).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct MetricsConfig {
    /// Address of `/metrics`, `/healthz` and `/readyz`.
    pub addr: Option<String>,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig { addr: None }
    }
}
