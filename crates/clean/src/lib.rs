//! The clean step: raw bytes in, a validated [`Article`] or a typed [`Rejection`] out.
//! (Skeleton: being written.)

use std::path::{Path, PathBuf};

use newsflow_record::{Article, ErrorCode, RecordError, Rejection};
use serde::{Deserialize, Serialize};

/// Settings of the clean step (`[clean]` in the config file).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CleanConfig {
    /// Records larger than this are rejected with `too_large`.
    pub max_record_bytes: usize,
    /// Boilerplate rules, relative to the data directory.
    pub boilerplate: PathBuf,
}

impl Default for CleanConfig {
    fn default() -> Self {
        CleanConfig {
            max_record_bytes: 2 * 1024 * 1024,
            boilerplate: PathBuf::from("boilerplate.toml"),
        }
    }
}

/// Error loading the clean step's rules.
#[derive(Debug, thiserror::Error)]
#[error("cannot load boilerplate rules from {path}: {message}")]
pub struct LoadError {
    /// The file that failed.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

/// The clean step, with its rules loaded.
pub struct Cleaner {
    config: CleanConfig,
}

impl Cleaner {
    /// Loads the rules named by `config` from `data_dir`.
    pub fn load(config: &CleanConfig, _data_dir: &Path) -> Result<Self, LoadError> {
        Ok(Cleaner {
            config: config.clone(),
        })
    }

    /// Parses, validates and cleans one raw record.
    pub fn clean(&self, input: &[u8]) -> Result<Article, Rejection> {
        let reject = |code, message: String| Rejection {
            input_line: None,
            id: None,
            error: RecordError::new(code, message),
        };
        if input.len() > self.config.max_record_bytes {
            return Err(reject(ErrorCode::TooLarge, "record too large".into()));
        }
        serde_json::from_slice(input).map_err(|e| reject(ErrorCode::InvalidJson, e.to_string()))
    }
}
