//! The stage's settings and its load error.

use std::path::{Path, PathBuf};

use newsflow_record::Salience;
use serde::{Deserialize, Serialize};

/// Settings of the tag stage (`[tag]` in the config file).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TagConfig {
    /// Directory of per-language event rule files, relative to the data directory.
    pub events_dir: PathBuf,
    /// Directory of gazetteer files, relative to the data directory.
    pub gazetteer_dir: PathBuf,
    /// Salience levels of the events published (`main`, `background`). Both by
    /// default, so nothing is lost: consumers filter on each event's `salience`.
    pub publish_salience: Vec<Salience>,
}

impl Default for TagConfig {
    fn default() -> Self {
        TagConfig {
            events_dir: PathBuf::from("events"),
            gazetteer_dir: PathBuf::from("gazetteer"),
            publish_salience: vec![Salience::Main, Salience::Background],
        }
    }
}

/// Error loading rules or gazetteer: which file, and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("cannot load {path}: {message}")]
pub struct LoadError {
    /// The file that failed.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

impl LoadError {
    pub(crate) fn new(path: &Path, error: impl std::fmt::Display) -> Self {
        LoadError {
            path: path.to_path_buf(),
            message: error.to_string(),
        }
    }

    pub(crate) fn msg(path: &Path, message: String) -> Self {
        LoadError {
            path: path.to_path_buf(),
            message,
        }
    }
}
