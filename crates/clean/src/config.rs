//! Settings of the clean step, as read from the `[clean]` table of the config file.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Settings of the clean step (`[clean]` in the config file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CleanConfig {
    /// Records larger than this many bytes are rejected with `too_large`, before
    /// any parsing.
    pub max_record_bytes: usize,
    /// Boilerplate rules (TOML), relative to the data directory.
    pub boilerplate: PathBuf,
}

/// The default record limit: 2 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 2 * 1024 * 1024;

impl Default for CleanConfig {
    fn default() -> Self {
        CleanConfig {
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
            boilerplate: PathBuf::from("boilerplate.toml"),
        }
    }
}
